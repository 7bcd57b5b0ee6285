//! A real master (gRPC, admin HTTP, metadata server) running in the test's process on loopback
//! ports, and helpers to act as a node against it.

use mooncake_master::config::MasterConfig;
use mooncake_master::server::{self, MasterHandle};
use mooncake_proto::master::Segment;
use mooncake_proto::master::master_service_client::MasterServiceClient;
use tonic::transport::Channel;
use uuid::Uuid;

/// A master serving on loopback for one test.
#[derive(Debug)]
pub struct TestMaster {
    pub handle: MasterHandle,
}

impl TestMaster {
    /// Starts a master with test defaults changed by `tweak`.
    pub async fn start(tweak: impl FnOnce(&mut MasterConfig)) -> Self {
        let mut config = MasterConfig::for_tests();
        tweak(&mut config);
        let handle = server::start(config).await.expect("master starts on loopback");
        Self { handle }
    }

    /// A new gRPC connection to the master.
    pub async fn client(&self) -> MasterServiceClient<Channel> {
        MasterServiceClient::connect(format!("http://{}", self.handle.rpc_addr))
            .await
            .expect("connect to the test master")
    }

    /// `http://127.0.0.1:PORT` of the admin server.
    pub fn admin_url(&self) -> String {
        format!("http://{}", self.handle.admin_addr)
    }

    /// The body of `GET path` on the admin server (`/get_all_segments`, `/query_key?key=k`, ...).
    ///
    /// # Panics
    /// When the admin server does not answer.
    pub async fn admin_get(&self, path: &str) -> String {
        crate::process::http_text(format!("{}{path}", self.admin_url()))
            .await
            .expect("the admin server answers")
    }

    /// Stops the master.
    pub async fn stop(self) {
        self.handle.shutdown().await.expect("master shuts down cleanly");
    }
}

/// A segment description as a node would mount it: `size` bytes at a fake (never dereferenced) base.
pub fn segment(name: &str, size: u64) -> Segment {
    Segment {
        id: Uuid::new_v4().to_string(),
        name: name.to_string(),
        base: 0x7f00_0000_0000,
        size,
        te_endpoint: name.to_string(),
        protocol: "tcp".to_string(),
        host_id: name.split(':').next().unwrap_or(name).to_string(),
        cxl: false,
    }
}
