//! The TCP initiator: runs batches of reads and writes against a peer's TCP data server over pooled
//! persistent connections.
//!
//! How a batch runs: every transfer is checked against the peer's descriptor (nothing is sent for
//! a range outside its buffers), then cut into pieces of at most `slice_size` bytes, each one
//! protocol request. Workers (the calling thread, plus up to `lanes_per_transfer - 1` scoped
//! threads when the batch is large enough to be worth it) take groups of consecutive pieces from a
//! shared queue and run each group on their own connection, pipelined: requests are sent
//! back-to-back in one gather write and answered in order. A window of requests sent before reading
//! answers keeps either its answers or its requests under [`PIPELINE_WINDOW`] bytes, so the server
//! and we can never both block writing (reads pipeline freely: their requests are headers only).

use std::collections::HashMap;
use std::io::{self, IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tracing::debug;

use super::codec::{self, HEADER_LEN, Opcode, RequestHeader, STATUS_LEN, Status, Version};
use super::io::{idle_connection_usable, read_exact_observed, read_exact_vectored, write_all_vectored};
use super::stats::TcpStats;
use crate::descriptor::SegmentDescriptor;
use crate::transport::{ReadBack, Transfer, TransferError, Transport};

/// Initiator settings.
#[derive(Clone, Debug)]
pub struct TcpConfig {
    /// Connections kept per peer and most used at once (by all transfers together). Default 4
    /// (Mooncake's `MC_TCP_LANES_PER_PEER`).
    pub connections_per_peer: usize,
    /// Most connections one transfer is spread over in parallel (also at most
    /// `connections_per_peer`). Default: the host's CPUs, at most 4. A lane keeps a core busy at
    /// each end, so lanes beyond the host's cores only contend: on a 2-vCPU VM, 2 lanes instead of
    /// 4 moved 16 MiB values 10–30% faster to one client and 25–55% faster to two at once.
    /// `MC_TCP_LANES_PER_PEER` sets both.
    pub lanes_per_transfer: usize,
    /// Largest single protocol request; larger transfers are sliced into requests of this size and
    /// spread over connections. Default 1 MiB.
    pub slice_size: usize,
    /// Default 5 s.
    pub connect_timeout: Duration,
    /// How long one send or receive may stall, including waiting for a status frame. Default 30 s
    /// (Mooncake's `MC_TCP_STATUS_TIMEOUT_SEC`).
    pub io_timeout: Duration,
}

impl TcpConfig {
    /// The defaults, with `MC_TCP_LANES_PER_PEER` (connections per peer and lanes per transfer,
    /// 1–64) taken from the environment as the C++ Mooncake does. An unusable value is ignored with
    /// a warning.
    pub fn from_env() -> Self {
        let mut config = Self::default();
        if let Ok(text) = std::env::var("MC_TCP_LANES_PER_PEER") {
            match parse_lanes(&text) {
                Some(lanes) => {
                    config.connections_per_peer = lanes;
                    config.lanes_per_transfer = lanes;
                }
                None => {
                    tracing::warn!(value = %text, "MC_TCP_LANES_PER_PEER must be 1..=64; using the default")
                }
            }
        }
        config
    }
}

/// A `MC_TCP_LANES_PER_PEER` value: 1..=64 connections.
fn parse_lanes(text: &str) -> Option<usize> {
    text.trim().parse().ok().filter(|lanes| (1..=64).contains(lanes))
}

/// Default lanes per transfer: the host's CPUs, 1 to 4.
fn default_lanes() -> usize {
    std::thread::available_parallelism().map_or(4, |cpus| cpus.get().clamp(1, 4))
}

impl Default for TcpConfig {
    fn default() -> Self {
        TcpConfig {
            connections_per_peer: 4,
            lanes_per_transfer: default_lanes(),
            slice_size: 1 << 20,
            connect_timeout: Duration::from_secs(5),
            io_timeout: Duration::from_secs(30),
        }
    }
}

/// Bytes that always fit in kernel buffers between the two ends (well under the smallest defaults:
/// receive 128 KiB, send 16 KiB). A window of pipelined requests keeps its unread answers or its
/// request bytes under this: if the answers fit, the server never blocks writing them while we are
/// still writing requests; if the requests fit, we never block writing them while the server waits
/// for us to read answers. Either way no deadlock, and a run of reads (24-byte requests) pipelines
/// whatever the size of their answers.
const PIPELINE_WINDOW: usize = 48 * 1024;
/// Most requests per gather write (two iovecs each, under Linux's IOV_MAX of 1024).
const MAX_GROUP: usize = 256;

/// The TCP transport's initiator side.
pub struct TcpTransport {
    config: TcpConfig,
    pools: Mutex<HashMap<String, Arc<Pool>>>,
    stats: Arc<TcpStats>,
}

impl std::fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpTransport")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl TcpTransport {
    pub fn new(config: TcpConfig) -> TcpTransport {
        let config = TcpConfig {
            connections_per_peer: config.connections_per_peer.max(1),
            lanes_per_transfer: config.lanes_per_transfer.max(1),
            slice_size: config.slice_size.max(4096),
            ..config
        };
        TcpTransport {
            config,
            pools: Mutex::new(HashMap::new()),
            stats: Arc::new(TcpStats::default()),
        }
    }

    pub fn config(&self) -> &TcpConfig {
        &self.config
    }

    pub fn stats(&self) -> Arc<TcpStats> {
        Arc::clone(&self.stats)
    }

    /// Idle pooled connections to every peer (for tests and diagnostics).
    pub fn idle_connections(&self) -> usize {
        lock(&self.pools)
            .values()
            .map(|p| lock(&p.state).idle.len())
            .sum()
    }

    /// Closes the idle connections to `target` and forgets its pool (the peer left or restarted on a
    /// new port): pools of departed peers would otherwise hold sockets forever. Connections in use
    /// close when their transfer ends.
    pub fn forget(&self, target: &SegmentDescriptor) {
        if let Some((host, port)) = data_endpoint(target) {
            lock(&self.pools).remove(&pool_key(&host, port));
        }
    }

    fn pool(&self, host: &str, port: u16) -> Arc<Pool> {
        let key = pool_key(host, port);
        let mut pools = lock(&self.pools);
        Arc::clone(pools.entry(key.clone()).or_insert_with(|| {
            Arc::new(Pool {
                endpoint: key,
                host: host.to_owned(),
                port,
                limit: self.config.connections_per_peer,
                state: Mutex::new(PoolState::default()),
                returned: Condvar::new(),
            })
        }))
    }
}

impl Default for TcpTransport {
    fn default() -> Self {
        TcpTransport::new(TcpConfig::default())
    }
}

fn pool_key(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Where a descriptor's TCP data server listens: `tcp_data_host` (Mooncake ≥ 0.3.13), else the host
/// part of the segment name (`host:port`, `[v6]:port`, `host`).
pub(crate) fn data_endpoint(target: &SegmentDescriptor) -> Option<(String, u16)> {
    if target.tcp_data_port == 0 {
        return None;
    }
    let host = match target.tcp_data_host.as_deref() {
        Some(host) if !host.is_empty() => host.to_owned(),
        _ => host_of(&target.name)?.to_owned(),
    };
    Some((host, target.tcp_data_port))
}

fn host_of(name: &str) -> Option<&str> {
    let host = if let Some(rest) = name.strip_prefix('[') {
        rest.split(']').next()?
    } else if name.matches(':').count() == 1 {
        name.split(':').next()?
    } else {
        name
    };
    (!host.is_empty()).then_some(host)
}

impl Transport for TcpTransport {
    fn name(&self) -> &'static str {
        "tcp"
    }

    fn can_reach(&self, target: &SegmentDescriptor) -> bool {
        data_endpoint(target).is_some()
    }

    fn transfer(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<(), TransferError>> {
        self.run(target, jobs(batch), false).0
    }

    /// Each read piece is hashed as its bytes arrive, each written piece while the peer takes it
    /// (after it was sent, before its answer is read); the pieces' CRCs are combined per transfer.
    fn transfer_hashed(
        &self,
        target: &SegmentDescriptor,
        batch: &mut [Transfer<'_>],
    ) -> Vec<Result<u32, TransferError>> {
        let (results, sums) = self.run(target, jobs(batch), true);
        results
            .into_iter()
            .zip(sums)
            .map(|(result, sum)| result.map(|()| sum.finalize()))
            .collect()
    }

    /// The bytes land straight in the new vectors' spare capacity (never zero-filled first), with
    /// `hash` hashed as they arrive.
    fn read_to_vecs(
        &self,
        target: &SegmentDescriptor,
        reads: &[(u64, usize)],
        hash: bool,
    ) -> Vec<Result<ReadBack, TransferError>> {
        let mut outs: Vec<Vec<u8>> = reads.iter().map(|&(_, len)| Vec::with_capacity(len)).collect();
        let jobs: Vec<Job<'_>> = reads
            .iter()
            .zip(outs.iter_mut())
            .map(|(&(addr, len), out)| Job {
                addr,
                buf: Buf::Read(&mut out.spare_capacity_mut()[..len]),
            })
            .collect();
        let (results, sums) = self.run(target, jobs, hash);
        let mut sums = sums.into_iter();
        outs.into_iter()
            .zip(reads)
            .zip(results)
            .map(|((mut out, &(_, len)), result)| {
                let sum = sums.next();
                result?;
                // SAFETY: the read succeeded, so every piece of `[0, len)` was answered in full and
                // the socket wrote all `len` bytes (`run` fails a transfer any of whose pieces was
                // not read to its end, hashing or not).
                unsafe { out.set_len(len) };
                Ok((out, hash.then(|| sum.map_or(0, crc32fast::Hasher::finalize))))
            })
            .collect()
    }
}

/// One transfer of a batch, as the workers see it.
struct Job<'a> {
    addr: u64,
    buf: Buf<'a>,
}

/// A batch's transfers as jobs. A read's destination is passed on as possibly-uninitialised bytes
/// (the form a new vector's spare capacity has); the transport only ever stores into it bytes the
/// socket delivered.
fn jobs<'a>(batch: &'a mut [Transfer<'_>]) -> Vec<Job<'a>> {
    batch
        .iter_mut()
        .map(|transfer| match transfer {
            Transfer::Read { target_addr, into } => {
                let len = into.len();
                // SAFETY: `MaybeUninit<u8>` has the layout of `u8`; the slice is only ever written
                // with initialised bytes, so `into` stays valid `[u8]` when the borrow ends.
                let into = unsafe { std::slice::from_raw_parts_mut(into.as_mut_ptr().cast(), len) };
                Job {
                    addr: *target_addr,
                    buf: Buf::Read(into),
                }
            }
            Transfer::Write { target_addr, from } => Job {
                addr: *target_addr,
                buf: Buf::Write(from),
            },
        })
        .collect()
}

fn unanswered(endpoint: &str) -> TransferError {
    TransferError::Protocol {
        endpoint: endpoint.to_owned(),
        detail: "a piece of the transfer was never answered".into(),
    }
}

impl TcpTransport {
    /// Runs `batch`; with `hash`, also the CRC-32 state of each transfer's bytes (complete for the
    /// transfers that succeeded).
    fn run(
        &self,
        target: &SegmentDescriptor,
        batch: Vec<Job<'_>>,
        hash: bool,
    ) -> (Vec<Result<(), TransferError>>, Vec<crc32fast::Hasher>) {
        let started = Instant::now();
        let count = batch.len();
        let mut results: Vec<Result<(), TransferError>> = Vec::with_capacity(count);
        let endpoint = data_endpoint(target);
        let version = Version::for_peer(target.tcp_proto_version);
        let slice = self.config.slice_size;
        let mut pieces = Vec::new();
        let mut total = 0usize;
        for (index, job) in batch.into_iter().enumerate() {
            let (addr, len) = (job.addr, job.buf.len() as u64);
            let checked = if endpoint.is_none() {
                Err(TransferError::NoEndpoint { transport: "tcp" })
            } else if len != 0 && target.buffer_for(addr, len).is_none() {
                Err(TransferError::OutOfRange { addr, len })
            } else {
                Ok(())
            };
            let ok = checked.is_ok();
            results.push(checked);
            if !ok || len == 0 {
                continue;
            }
            total += len as usize;
            // Equal pieces of at most `slice` bytes: no tiny tail costing a round trip of its own.
            let piece = (len as usize).div_ceil((len as usize).div_ceil(slice));
            match job.buf {
                Buf::Read(into) => {
                    for (i, chunk) in into.chunks_mut(piece).enumerate() {
                        pieces.push(Piece::new(
                            index,
                            pieces.len(),
                            addr + (i * piece) as u64,
                            Buf::Read(chunk),
                        ));
                    }
                }
                Buf::Write(from) => {
                    for (i, chunk) in from.chunks(piece).enumerate() {
                        pieces.push(Piece::new(
                            index,
                            pieces.len(),
                            addr + (i * piece) as u64,
                            Buf::Write(chunk),
                        ));
                    }
                }
            }
        }
        let mut sums: Vec<crc32fast::Hasher> = Vec::new();
        if hash {
            sums.resize_with(count, crc32fast::Hasher::new);
        }
        // Which transfer each piece belongs to, in piece order (pieces of a transfer are consecutive).
        let owners: Vec<usize> = pieces.iter().map(|p| p.index).collect();
        if let (Some((host, port)), false) = (endpoint, pieces.is_empty()) {
            let pool = self.pool(&host, port);
            let workers = total
                .div_ceil(slice)
                .min(self.config.connections_per_peer)
                .min(self.config.lanes_per_transfer)
                .max(1);
            let run = Run {
                pool: &pool,
                config: &self.config,
                stats: &self.stats,
                version,
                queue: Mutex::new(pieces.into_iter().rev().collect()),
                failures: Mutex::new(HashMap::new()),
                unreachable: Mutex::new(None),
                hash,
                answered: Mutex::new(vec![None; owners.len()]),
            };
            std::thread::scope(|scope| {
                for n in 1..workers {
                    let run = &run;
                    let spawned = std::thread::Builder::new()
                        .name(format!("tcp-xfer-{n}"))
                        .spawn_scoped(scope, move || run.work(false));
                    if spawned.is_err() {
                        break; // fewer helpers: the calling thread still does all the work
                    }
                }
                run.work(true);
            });
            for (index, error) in run.failures.into_inner().unwrap_or_else(|p| p.into_inner()) {
                results[index] = Err(error);
            }
            let answered = run.answered.into_inner().unwrap_or_else(|p| p.into_inner());
            for (&index, sum) in owners.iter().zip(answered) {
                match sum {
                    Some(sum) if hash => sums[index].combine(&sum),
                    Some(_) => {}
                    // Never answered: the transfer failed (its result says why). A success with a
                    // piece missing would be a bug; never report it as complete.
                    None if results[index].is_ok() => {
                        results[index] = Err(unanswered(&pool.endpoint));
                    }
                    None => {}
                }
            }
        }
        let failed = results.iter().filter(|r| r.is_err()).count();
        self.stats.errors.fetch_add(failed as u64, Relaxed);
        self.stats.latency.observe(started.elapsed());
        (results, sums)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A piece's local bytes: where a read lands (possibly not yet initialised), or what a write sends.
enum Buf<'a> {
    Read(&'a mut [MaybeUninit<u8>]),
    Write(&'a [u8]),
}

impl Buf<'_> {
    fn len(&self) -> usize {
        match self {
            Buf::Read(b) => b.len(),
            Buf::Write(b) => b.len(),
        }
    }
}

/// One protocol request: a slice of transfer `index`, the `seq`-th piece of the batch.
struct Piece<'a> {
    index: usize,
    seq: usize,
    addr: u64,
    buf: Buf<'a>,
    /// Already re-sent once after its connection broke.
    retried: bool,
    /// When hashing: the CRC-32 state of this piece's bytes, once answered.
    sum: Option<crc32fast::Hasher>,
}

impl<'a> Piece<'a> {
    fn new(index: usize, seq: usize, addr: u64, buf: Buf<'a>) -> Piece<'a> {
        Piece {
            index,
            seq,
            addr,
            buf,
            retried: false,
            sum: None,
        }
    }

    fn len(&self) -> usize {
        self.buf.len()
    }

    fn header(&self, version: Version) -> [u8; HEADER_LEN] {
        let opcode = match self.buf {
            Buf::Read(_) => Opcode::Read,
            Buf::Write(_) => Opcode::Write,
        };
        RequestHeader {
            size: self.len() as u64,
            addr: self.addr,
            opcode,
            version,
        }
        .encode()
    }

    /// Bytes we send for this request.
    fn request_len(&self) -> usize {
        match self.buf {
            Buf::Read(_) => HEADER_LEN,
            Buf::Write(b) => HEADER_LEN + b.len(),
        }
    }

    /// Bytes the server sends back for this request.
    fn answer_len(&self, version: Version) -> usize {
        let status = if version == Version::V2 { STATUS_LEN } else { 0 };
        match self.buf {
            Buf::Read(ref b) => status + b.len(),
            Buf::Write(_) => status,
        }
    }
}

/// Shared state of one `transfer` call's workers.
struct Run<'p, 'a> {
    pool: &'p Pool,
    config: &'p TcpConfig,
    stats: &'p TcpStats,
    version: Version,
    /// Pieces not yet taken, last one first (so `pop` yields them in batch order).
    queue: Mutex<Vec<Piece<'a>>>,
    /// First error of each failed transfer, by batch index.
    failures: Mutex<HashMap<usize, TransferError>>,
    /// Set once connecting failed: the rest of the batch fails fast with this.
    unreachable: Mutex<Option<(io::ErrorKind, String)>>,
    /// Whether pieces are hashed.
    hash: bool,
    /// Each piece answered in full, by [`Piece::seq`], with its CRC-32 state when hashing (empty
    /// otherwise). A piece left `None` fails its transfer, so a success always means every byte came.
    answered: Mutex<Vec<Option<crc32fast::Hasher>>>,
}

impl<'a> Run<'_, 'a> {
    /// Takes the next group: consecutive pieces up to about one slice of bytes.
    fn take_group(&self) -> Vec<Piece<'a>> {
        let mut queue = lock(&self.queue);
        let mut group = Vec::new();
        let mut bytes = 0;
        while group.len() < MAX_GROUP && bytes < self.config.slice_size {
            let Some(piece) = queue.pop() else { break };
            bytes += piece.len();
            group.push(piece);
        }
        group
    }

    fn fail(&self, piece: &Piece<'_>, error: TransferError) {
        lock(&self.failures).entry(piece.index).or_insert(error);
    }

    /// One worker: runs groups until the queue is empty. Helpers (`first == false`) give up when
    /// every pooled connection is busy, since others are already draining the same queue.
    fn work(&self, first: bool) {
        let mut conn: Option<Conn<'_>> = None;
        let mut retry: Vec<Piece<'a>> = Vec::new();
        loop {
            let mut group = if retry.is_empty() {
                self.take_group()
            } else {
                std::mem::take(&mut retry)
            };
            if group.is_empty() {
                return;
            }
            if let Some((kind, detail)) = lock(&self.unreachable).clone() {
                for piece in &group {
                    self.fail(piece, connect_error(self.pool, kind, &detail));
                }
                continue;
            }
            if conn.is_none() {
                match self.pool.checkout(self.config, first) {
                    Ok(Some(c)) => conn = Some(c),
                    Ok(None) => {
                        // All connections busy: hand the group back and let their owners run it.
                        lock(&self.queue).extend(group.into_iter().rev());
                        return;
                    }
                    Err(e) => {
                        *lock(&self.unreachable) = Some((e.kind(), e.to_string()));
                        for piece in &group {
                            self.fail(piece, connect_error(self.pool, e.kind(), &e.to_string()));
                        }
                        continue;
                    }
                }
            }
            let Some(c) = conn.as_mut() else { continue };
            let reused = c.reused;
            match run_group(c.stream(), self.version, &mut group, self.stats, self.hash) {
                Ok(()) => {
                    c.reused = true;
                    let mut answered = lock(&self.answered);
                    for piece in &mut group {
                        answered[piece.seq] = if self.hash {
                            piece.sum.take()
                        } else {
                            Some(crc32fast::Hasher::default())
                        };
                    }
                }
                Err(failure) => {
                    // The connection's state is unknown now: never reuse it.
                    c.broken = true;
                    conn = None;
                    let GroupFailure { at, error, answered } = failure;
                    // A pooled connection the peer closed while idle fails before any answer:
                    // that is not the request's fault, so it is re-sent once on a new connection.
                    let stale = reused && answered == 0 && matches!(error, TransferError::Io { .. });
                    let mut rest = group.split_off(at).into_iter();
                    if let Some(failed) = rest.next() {
                        if stale && !failed.retried {
                            retry.push(failed);
                        } else {
                            self.fail(&failed, error);
                        }
                    }
                    // Requests sent behind the failed one were not answered: re-send them once on
                    // a new connection (reads and writes of the same bytes are idempotent).
                    for piece in rest {
                        if piece.retried {
                            let source = io::Error::new(
                                io::ErrorKind::ConnectionAborted,
                                "the connection broke twice before this request was answered",
                            );
                            self.fail(&piece, io_error(self.pool, source));
                        } else {
                            retry.push(piece);
                        }
                    }
                    for piece in &mut retry {
                        piece.retried = true;
                    }
                }
            }
        }
    }
}

fn connect_error(pool: &Pool, kind: io::ErrorKind, detail: &str) -> TransferError {
    TransferError::Connect {
        endpoint: pool.endpoint.clone(),
        source: io::Error::new(kind, detail.to_owned()),
    }
}

fn io_error(pool: &Pool, source: io::Error) -> TransferError {
    TransferError::Io {
        endpoint: pool.endpoint.clone(),
        source,
    }
}

/// Where a pipelined group stopped: the index of the request that failed and why, and how many
/// answers had arrived on the connection before it.
struct GroupFailure {
    at: usize,
    error: TransferError,
    answered: usize,
}

/// Runs `group` on one connection: send requests back-to-back while their answers or the requests
/// themselves fit in [`PIPELINE_WINDOW`] (always at least one), then read the answers in order; repeat.
fn run_group(
    stream: &TcpStream,
    version: Version,
    group: &mut [Piece<'_>],
    stats: &TcpStats,
    hash: bool,
) -> Result<(), GroupFailure> {
    let endpoint = || {
        stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_else(|_| "peer".into())
    };
    let headers: Vec<[u8; HEADER_LEN]> = group.iter().map(|p| p.header(version)).collect();
    let mut done = 0;
    while done < group.len() {
        // Send a window of requests in one gather write.
        let mut end = done;
        let (mut answers, mut requests) = (0, 0);
        let mut iov: Vec<IoSlice<'_>> = Vec::with_capacity(2 * (group.len() - done));
        while end < group.len() {
            let answer = group[end].answer_len(version);
            let request = group[end].request_len();
            let safe = answers + answer <= PIPELINE_WINDOW || requests + request <= PIPELINE_WINDOW;
            if end > done && !safe {
                break;
            }
            answers += answer;
            requests += request;
            iov.push(IoSlice::new(&headers[end]));
            if let Buf::Write(data) = group[end].buf {
                iov.push(IoSlice::new(data));
            }
            end += 1;
        }
        if let Err(source) = write_all_vectored(stream, &mut iov) {
            return Err(GroupFailure {
                at: done,
                error: TransferError::Io {
                    endpoint: endpoint(),
                    source,
                },
                answered: done,
            });
        }
        drop(iov);
        // The peer is taking the written pieces now: hash them meanwhile (they are still in cache
        // from the send).
        if hash {
            for piece in &mut group[done..end] {
                if let Buf::Write(data) = piece.buf {
                    let mut sum = crc32fast::Hasher::new();
                    sum.update(data);
                    piece.sum = Some(sum);
                }
            }
        }
        // Read their answers in order.
        while done < end {
            crate::reply_spin::await_reply(stream);
            if let Err(error) = read_answer(stream, version, &mut group[done], hash, &endpoint) {
                return Err(GroupFailure {
                    at: done,
                    error,
                    answered: done,
                });
            }
            let piece = &group[done];
            stats.record_op(matches!(piece.buf, Buf::Read(_)), piece.len());
            done += 1;
        }
    }
    if version == Version::V1 {
        v1_write_barrier(stream, group, &endpoint)?;
    }
    Ok(())
}

/// v1 has no status frames: a write is done once handed to the socket, so a read on another
/// connection could overtake it, and a refused write goes unnoticed. A 1-byte read of the last
/// written byte behind the writes (the server answers in order, and closes on a refused request)
/// confirms that every write of the group was applied.
fn v1_write_barrier(
    stream: &TcpStream,
    group: &[Piece<'_>],
    endpoint: &dyn Fn() -> String,
) -> Result<(), GroupFailure> {
    let is_write = |p: &&Piece<'_>| matches!(p.buf, Buf::Write(_));
    let (Some(first), Some(last)) = (
        group.iter().position(|p| is_write(&p)),
        group.iter().rfind(is_write),
    ) else {
        return Ok(());
    };
    let header = RequestHeader {
        size: 1,
        addr: last.addr + last.len() as u64 - 1,
        opcode: Opcode::Read,
        version: Version::V1,
    }
    .encode();
    let mut byte = [0u8; 1];
    let outcome = write_all_vectored(stream, &mut [IoSlice::new(&header)])
        .and_then(|()| read_exact_vectored(stream, &mut [IoSliceMut::new(&mut byte)]).1);
    outcome.map_err(|source| GroupFailure {
        at: first,
        error: TransferError::Io {
            endpoint: endpoint(),
            source: io::Error::new(
                source.kind(),
                format!("a v1 write was not confirmed (refused range or lost connection): {source}"),
            ),
        },
        answered: group.len(),
    })
}

/// Reads one request's answer: v2 status frame (then data for a READ), v1 data only. With `hash`,
/// a read's bytes are hashed into [`Piece::sum`] stretch by stretch as they arrive.
fn read_answer(
    stream: &TcpStream,
    version: Version,
    piece: &mut Piece<'_>,
    hash: bool,
    endpoint: &dyn Fn() -> String,
) -> Result<(), TransferError> {
    let (addr, len) = (piece.addr, piece.len() as u64);
    let mut status = [0u8; STATUS_LEN];
    let mut sum = crc32fast::Hasher::new();
    let mut seen = |bytes: &[u8]| {
        if hash {
            sum.update(bytes);
        }
    };
    let (filled, outcome) = match (&mut piece.buf, version) {
        (Buf::Write(_), Version::V1) => return Ok(()),
        (Buf::Write(_), Version::V2) => read_exact_vectored(stream, &mut [IoSliceMut::new(&mut status)]),
        (Buf::Read(into), Version::V1) => read_exact_observed(stream, &mut [], into, &mut seen),
        // Status and data in one readv: one syscall for a small answer.
        (Buf::Read(into), Version::V2) => read_exact_observed(stream, &mut status, into, &mut seen),
    };
    if hash && matches!(piece.buf, Buf::Read(_)) && outcome.is_ok() {
        piece.sum = Some(sum);
    }
    if version == Version::V2 && filled >= STATUS_LEN {
        match codec::decode_status(&status) {
            Ok(Status::Ok) => {}
            Ok(Status::Rejected) => return Err(TransferError::Rejected { addr, len }),
            Err(e) => {
                return Err(TransferError::Protocol {
                    endpoint: endpoint(),
                    detail: e.to_string(),
                });
            }
        }
    }
    outcome.map_err(|source| TransferError::Io {
        endpoint: endpoint(),
        source: if source.kind() == io::ErrorKind::UnexpectedEof {
            io::Error::new(source.kind(), "the peer closed the connection")
        } else {
            source
        },
    })
}

/// Persistent connections to one peer.
struct Pool {
    endpoint: String,
    host: String,
    port: u16,
    limit: usize,
    state: Mutex<PoolState>,
    returned: Condvar,
}

#[derive(Default)]
struct PoolState {
    idle: Vec<TcpStream>,
    in_use: usize,
}

/// A checked-out connection; goes back to the pool's idle list on drop unless it broke.
struct Conn<'p> {
    pool: &'p Pool,
    /// Always `Some` until drop hands it back to the pool.
    stream: Option<TcpStream>,
    /// Came from the idle list or already served a group (a failure before any answer on it may
    /// just mean the peer closed it while idle).
    reused: bool,
    broken: bool,
}

impl Conn<'_> {
    fn stream(&self) -> &TcpStream {
        #[allow(clippy::expect_used)]
        self.stream
            .as_ref()
            .expect("a connection holds its stream until dropped")
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.pool.state);
        state.in_use -= 1;
        if !self.broken
            && let Some(stream) = self.stream.take()
        {
            state.idle.push(stream);
        }
        drop(state);
        self.pool.returned.notify_one();
    }
}

impl Pool {
    /// An idle connection or a new one, while fewer than `limit` are in use. `wait`: block until
    /// one is returned; otherwise answer `None` when all are busy.
    fn checkout(&self, config: &TcpConfig, wait: bool) -> io::Result<Option<Conn<'_>>> {
        let mut state = lock(&self.state);
        loop {
            if state.in_use < self.limit {
                while let Some(stream) = state.idle.pop() {
                    if idle_connection_usable(&stream) {
                        state.in_use += 1;
                        return Ok(Some(self.conn(stream, true)));
                    }
                    debug!(endpoint = %self.endpoint, "tcp: dropping a pooled connection the peer closed");
                }
                state.in_use += 1;
                drop(state);
                return match self.connect(config) {
                    Ok(stream) => Ok(Some(self.conn(stream, false))),
                    Err(e) => {
                        lock(&self.state).in_use -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            if !wait {
                return Ok(None);
            }
            state = self
                .returned
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn conn(&self, stream: TcpStream, reused: bool) -> Conn<'_> {
        Conn {
            pool: self,
            stream: Some(stream),
            reused,
            broken: false,
        }
    }

    fn connect(&self, config: &TcpConfig) -> io::Result<TcpStream> {
        let mut last = io::Error::new(io::ErrorKind::NotFound, "host name resolved to no address");
        for addr in (self.host.as_str(), self.port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, config.connect_timeout) {
                Ok(stream) => {
                    stream.set_nodelay(true)?;
                    super::congestion::tune(&stream);
                    stream.set_read_timeout(Some(config.io_timeout))?;
                    stream.set_write_timeout(Some(config.io_timeout))?;
                    return Ok(stream);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lanes_per_peer_accepts_1_to_64() {
        assert_eq!(parse_lanes("1"), Some(1));
        assert_eq!(parse_lanes(" 8 "), Some(8));
        assert_eq!(parse_lanes("64"), Some(64));
        for bad in ["0", "65", "-1", "four", ""] {
            assert_eq!(parse_lanes(bad), None, "{bad:?}");
        }
    }

    fn descriptor(name: &str, host: Option<&str>, port: u16) -> SegmentDescriptor {
        SegmentDescriptor {
            name: name.into(),
            protocol: "tcp".into(),
            tcp_data_port: port,
            tcp_proto_version: 2,
            tcp_data_host: host.map(Into::into),
            rdma_server_name: String::new(),
            timestamp: String::new(),
            buffers: vec![],
            devices: vec![],
            host_id: None,
        }
    }

    #[test]
    fn endpoint_prefers_tcp_data_host_then_the_name() {
        let e = |name, host, port| data_endpoint(&descriptor(name, host, port));
        assert_eq!(
            e("10.0.0.1:123", Some("127.0.0.1"), 9),
            Some(("127.0.0.1".into(), 9))
        );
        assert_eq!(e("10.0.0.1:123", None, 9), Some(("10.0.0.1".into(), 9)));
        assert_eq!(e("10.0.0.1:123", Some(""), 9), Some(("10.0.0.1".into(), 9)));
        assert_eq!(e("node-a", None, 9), Some(("node-a".into(), 9)));
        assert_eq!(e("[::1]:123", None, 9), Some(("::1".into(), 9)));
        assert_eq!(e("::1", None, 9), Some(("::1".into(), 9)));
        assert_eq!(e("10.0.0.1:123", None, 0), None);
    }
}
