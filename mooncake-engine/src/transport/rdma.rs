//! `rdma`: the verbs transport's place in the engine, built with `--features rdma`. The verbs data
//! path (one-sided RDMA READ/WRITE into the peer's registered memory, QP exchange over the handshake
//! listener's Connection request) is a later piece of work; until then this transport recognises RDMA
//! peers and refuses transfers to them with a clear error, so a node configured for `rdma` fails
//! loudly instead of silently falling back.

use crate::descriptor::SegmentDescriptor;
use crate::transport::{Transfer, TransferError, Transport};

/// The RDMA transport (not yet able to move bytes).
#[derive(Debug, Default)]
pub struct RdmaTransport;

impl Transport for RdmaTransport {
    fn name(&self) -> &'static str {
        "rdma"
    }

    /// RDMA peers publish `protocol: "rdma"` and their devices' GIDs.
    fn can_reach(&self, target: &SegmentDescriptor) -> bool {
        target.protocol == "rdma" && !target.devices.is_empty()
    }

    fn transfer(
        &self,
        _target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<(), TransferError>> {
        batch
            .iter()
            .map(|_| Err(TransferError::NoEndpoint { transport: "rdma" }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::DeviceDescriptor;

    #[test]
    fn recognises_rdma_peers_and_refuses_to_pretend() {
        let mut peer: SegmentDescriptor = serde_json::from_str(r#"{"name":"10.0.0.1:1","protocol":"rdma"}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!RdmaTransport.can_reach(&peer));
        peer.devices.push(DeviceDescriptor {
            name: "mlx5_0".into(),
            lid: 0,
            gid: "00".into(),
        });
        assert!(RdmaTransport.can_reach(&peer));
        let mut buf = [0u8; 4];
        let results = RdmaTransport.transfer(
            &peer,
            &mut [Transfer::Read {
                target_addr: 1,
                into: &mut buf,
            }],
        );
        assert!(matches!(
            results[0],
            Err(TransferError::NoEndpoint { transport: "rdma" })
        ));
    }
}
