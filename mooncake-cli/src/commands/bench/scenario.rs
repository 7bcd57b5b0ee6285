//! The scenarios `mooncake bench` knows: what each one measures and what it needs from the cluster.

use clap::ValueEnum;

/// One named workload. The store scenarios put fresh keys then get them; the machine-limit ones
/// (`memcpy`, `tcp`, `tcp-2streams` and their `-dram` forms) measure what this host can do at best, for ratios.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// The client's own segment holds the data: a master round trip plus an in-process copy
    Local,
    /// A separate node holds the data: every byte crosses the transport (TCP unless --remote-transport shm)
    Remote,
    /// `local` with batch_put/batch_get of --batch keys per call
    #[value(name = "local-batch32")]
    LocalBatch,
    /// `remote` with batch_put/batch_get of --batch keys per call
    #[value(name = "remote-batch32")]
    RemoteBatch,
    /// `local` through registered buffers (put_from/get_into): no copy besides the transfer
    LocalZc,
    /// `remote` through registered buffers (put_from/get_into)
    RemoteZc,
    /// `remote` from --clients separate client processes at once; MB/s is the aggregate
    #[value(name = "remote-2clients")]
    RemoteClients,
    /// First puts into a freshly mounted client segment
    LocalCold,
    /// First puts into a freshly started storage node
    RemoteCold,
    /// Machine limit: single-thread memcpy streaming through a DRAM-sized buffer
    Memcpy,
    /// Machine limit: plain request/response over one loopback TCP connection
    Tcp,
    /// Machine limit: the same over two connections at once (aggregate)
    #[value(name = "tcp-2streams")]
    TcpStreams,
    /// Machine limit: `tcp` with the server answering from (and storing into) a DRAM-sized region, as a storage node must
    #[value(name = "tcp-dram")]
    TcpDram,
    /// Machine limit: `tcp-2streams` from a DRAM-sized region
    #[value(name = "tcp-2streams-dram")]
    TcpStreamsDram,
}

/// Where a store scenario's data lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In the benchmarking client's own segment.
    Local,
    /// In a segment of another process.
    Remote,
}

/// The calls a store scenario makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Calls {
    /// put/get of one key per call.
    Single,
    /// batch_put/batch_get.
    Batch,
    /// put_from/get_into on registered buffers.
    ZeroCopy,
}

/// The default list: every store scenario.
pub const DEFAULT_SCENARIOS: &str =
    "local,remote,local-batch32,remote-batch32,local-zc,remote-zc,remote-2clients,local-cold,remote-cold";

impl Scenario {
    /// The name used on the command line and in results.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    /// True for the machine-limit scenarios, which need no cluster.
    pub fn is_limit(self) -> bool {
        matches!(
            self,
            Self::Memcpy | Self::Tcp | Self::TcpStreams | Self::TcpDram | Self::TcpStreamsDram
        )
    }

    /// Where the data lives (store scenarios only).
    pub fn placement(self) -> Placement {
        match self {
            Self::Local | Self::LocalBatch | Self::LocalZc | Self::LocalCold => Placement::Local,
            _ => Placement::Remote,
        }
    }

    /// Which client calls it makes.
    pub fn calls(self) -> Calls {
        match self {
            Self::LocalBatch | Self::RemoteBatch => Calls::Batch,
            Self::LocalZc | Self::RemoteZc => Calls::ZeroCopy,
            _ => Calls::Single,
        }
    }

    /// First writes into fresh memory: no warm-up, keys kept until the scenario ends.
    pub fn is_cold(self) -> bool {
        matches!(self, Self::LocalCold | Self::RemoteCold)
    }

    /// Runs its clients as separate processes.
    pub fn is_multi_client(self) -> bool {
        matches!(self, Self::RemoteClients)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_list_parses_and_names_round_trip() {
        for name in DEFAULT_SCENARIOS.split(',') {
            let scenario = Scenario::from_str(name, false).expect(name);
            assert_eq!(scenario.name(), name);
            assert!(!scenario.is_limit());
        }
        assert_eq!(Scenario::TcpStreams.name(), "tcp-2streams");
        assert_eq!(Scenario::TcpStreamsDram.name(), "tcp-2streams-dram");
        assert!(Scenario::TcpDram.is_limit());
        assert_eq!(Scenario::LocalBatch.calls(), Calls::Batch);
        assert_eq!(Scenario::RemoteZc.placement(), Placement::Remote);
    }
}
