//! One master's membership in an HA cluster: connects to the backend and assembles the gate
//! ([`HaState`]), the leader's [`Replication`] and the [`election::Election`] loop.

use std::net::SocketAddr;
use std::sync::Arc;

use mooncake_engine::metadata::master_view::{ViewBackend, ViewStore};
use mooncake_proto::master::MetadataImage;
use tokio_util::sync::CancellationToken;

use super::{HaState, Replication, election};
use crate::config::{HaBackend, HaConfig};
use crate::service::MasterService;

/// Why HA could not start.
#[derive(Debug, thiserror::Error)]
pub enum HaError {
    #[error(
        "with --enable-ha the RPC address is advertised to clients and standbys, so it must be reachable, not {0}"
    )]
    Unadvertisable(SocketAddr),
    #[error("cannot reach the HA backend {backend}: {source}")]
    Backend {
        backend: String,
        source: Box<mooncake_engine::error::MetadataError>,
    },
}

/// One master's membership in an HA cluster: its state (the gate), the replication it serves as
/// leader, and the election loop to run.
pub struct HaMember {
    pub state: Arc<HaState>,
    pub replication: Arc<Replication>,
    election: election::Election,
}

impl HaMember {
    /// Connects to the backend; `advertised` is the RPC address clients and standbys will dial.
    /// `initial` is the metadata the first leader of the cluster starts from (a restored snapshot).
    pub async fn connect(
        config: &HaConfig,
        cluster_id: &str,
        advertised: SocketAddr,
        service: Arc<MasterService>,
        initial: Option<MetadataImage>,
    ) -> Result<Self, HaError> {
        if advertised.ip().is_unspecified() {
            return Err(HaError::Unadvertisable(advertised));
        }
        let backend = match &config.backend {
            HaBackend::Etcd { endpoints } => ViewBackend::Etcd(endpoints.clone()),
            HaBackend::Redis { url } => ViewBackend::Redis(url.clone()),
        };
        let store = ViewStore::connect(&backend, cluster_id)
            .await
            .map_err(|source| HaError::Backend {
                backend: backend.label(),
                source: Box::new(source),
            })?;
        let address = advertised.to_string();
        let state = Arc::new(HaState::new(address.clone()));
        let replication = Replication::new(service.clone());
        tracing::info!(backend = %backend.label(), %address, cluster_id, lease_ttl_ms = config.lease_ttl.as_millis() as u64, "HA enabled: joining the election");
        Ok(Self {
            election: election::Election {
                store,
                state: state.clone(),
                service,
                replication: replication.clone(),
                ttl: config.lease_ttl,
                name: address,
                initial,
                snapshots: None,
            },
            state,
            replication,
        })
    }

    /// Lets only the serving leader write snapshots.
    pub fn with_snapshots(mut self, snapshots: Option<Arc<crate::snapshot::Snapshotter>>) -> Self {
        self.election.snapshots = snapshots;
        self
    }

    /// Runs the election until `cancel` (a leader then releases the view).
    pub async fn run(self, cancel: CancellationToken) {
        self.election.run(cancel).await;
    }
}
