//! Transports move bytes between local buffers and a peer's registered memory. One small trait,
//! one file (or folder) per implementation: `tcp` (Mooncake's TCP protocol v2), `shm` (same host:
//! map the peer's segment and copy), `local` (this engine's own memory), `rdma` (behind the `rdma`
//! cargo feature). `hashed` gives the memory paths (`local`, `shm`) copies with a CRC-32 computed
//! along the way, and reads into a new buffer without zero-filling it first.
//!
//! The API is blocking on purpose: the caller's thread waits on the socket (or copies) itself, so no
//! thread hand-off or completion polling sits between the bytes and the CPU that moves them.

mod crc_copy;
pub mod hashed;
pub mod local;
#[cfg(feature = "rdma")]
pub mod rdma;
pub mod shm;
pub mod tcp;

use crate::descriptor::SegmentDescriptor;

/// A value read into a new vector, and its CRC-32 when one was asked for.
pub type ReadBack = (Vec<u8>, Option<u32>);

/// One operation of a batch: read from or write to `[target_addr, target_addr + len)` in the peer's
/// registered memory, with a local buffer on the other end.
#[derive(Debug)]
pub enum Transfer<'a> {
    /// Peer memory → `into`.
    Read { target_addr: u64, into: &'a mut [u8] },
    /// `from` → peer memory.
    Write { target_addr: u64, from: &'a [u8] },
}

impl Transfer<'_> {
    pub fn target_addr(&self) -> u64 {
        match self {
            Transfer::Read { target_addr, .. } | Transfer::Write { target_addr, .. } => *target_addr,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Transfer::Read { into, .. } => into.len(),
            Transfer::Write { from, .. } => from.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The local side's bytes (after a read: what arrived).
    pub fn bytes(&self) -> &[u8] {
        match self {
            Transfer::Read { into, .. } => into,
            Transfer::Write { from, .. } => from,
        }
    }
}

/// Why one transfer failed.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("the peer refused address range {addr:#x}+{len} (not inside its registered memory)")]
    Rejected { addr: u64, len: u64 },
    #[error("address range {addr:#x}+{len} is outside every buffer the peer published")]
    OutOfRange { addr: u64, len: u64 },
    #[error("cannot connect to {endpoint}: {source}")]
    Connect {
        endpoint: String,
        source: std::io::Error,
    },
    #[error("connection to {endpoint} failed mid-transfer: {source}")]
    Io {
        endpoint: String,
        source: std::io::Error,
    },
    #[error("peer {endpoint} broke the protocol: {detail}")]
    Protocol { endpoint: String, detail: String },
    #[error("the peer's descriptor offers no usable {transport} endpoint")]
    NoEndpoint { transport: &'static str },
    #[error("cannot map the peer's memory {path}: {source}")]
    Map { path: String, source: std::io::Error },
}

/// A way to reach peers' memory.
pub trait Transport: Send + Sync {
    /// Short name for metrics and logs (`tcp`, `shm`, `rdma`).
    fn name(&self) -> &'static str;

    /// Whether this transport can reach `target` at all (e.g. `shm` only on the same host).
    fn can_reach(&self, target: &SegmentDescriptor) -> bool;

    /// Runs every transfer of `batch` against `target`; one result per transfer, in order. Large
    /// transfers may be sliced and run in parallel; a failure of one never affects another's bytes.
    fn transfer(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<(), TransferError>>;

    /// Runs `batch` like [`Transport::transfer`] and answers, for every transfer that succeeded,
    /// the CRC-32 of its bytes (what was read, or written). This default hashes after the transfer;
    /// a transport that can hash each piece while it is in cache (`tcp`) does so instead.
    fn transfer_hashed(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<u32, TransferError>> {
        let results = self.transfer(target, batch);
        results
            .into_iter()
            .zip(batch.iter())
            .map(|(result, transfer)| result.map(|()| crc32fast::hash(transfer.bytes())))
            .collect()
    }

    /// Reads each `(target_addr, len)` into a new vector, all in one batch, with `hash` also the
    /// CRC-32 of each one's bytes. This default zero-fills the vectors first; `tcp` receives straight
    /// into their spare capacity.
    fn read_to_vecs(
        &self,
        target: &SegmentDescriptor,
        reads: &[(u64, usize)],
        hash: bool,
    ) -> Vec<Result<ReadBack, TransferError>> {
        let mut outs: Vec<Vec<u8>> = reads.iter().map(|&(_, len)| vec![0u8; len]).collect();
        let mut batch: Vec<Transfer<'_>> = reads
            .iter()
            .zip(outs.iter_mut())
            .map(|(&(target_addr, _), into)| Transfer::Read { target_addr, into })
            .collect();
        let sums: Vec<Result<Option<u32>, TransferError>> = if hash {
            let done = self.transfer_hashed(target, &mut batch);
            done.into_iter().map(|r| r.map(Some)).collect()
        } else {
            let done = self.transfer(target, &mut batch);
            done.into_iter().map(|r| r.map(|()| None)).collect()
        };
        drop(batch);
        outs.into_iter()
            .zip(sums)
            .map(|(out, sum)| sum.map(|sum| (out, sum)))
            .collect()
    }
}
