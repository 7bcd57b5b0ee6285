//! The TCP data server: lets peers (ours or real Mooncake engines) read and write our registered
//! memory over Mooncake's TCP protocol, one blocking thread per connection.
//!
//! Every request is validated by [`MemoryRegistry::access`] before a byte moves, and the access (a
//! read lock on the registry) is held while the bytes move, so a region cannot be unregistered under
//! a transfer. A request outside every registered buffer, or a malformed header, gets the reject
//! frame (v2; v1 has none) and the connection is closed with a WARN naming the peer and the reason.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tracing::{debug, warn};

use super::codec::{self, HEADER_LEN, HeaderError, Opcode, RequestHeader, Status, Version};
use super::io::read_exact_polling;
use super::staging::{Chooser, Staging, StagingPolicy, staging_from_env};
use super::stats::TcpStats;
use crate::memory::{AccessError, MemoryRegistry};

/// Server settings.
#[derive(Clone, Debug)]
pub struct TcpServerConfig {
    /// How long a request's payload may stall (either direction) before the connection is dropped.
    /// Bounds how long a stuck peer can hold a region registered. Idle connections between requests
    /// are kept however long they idle. Default 30 s (Mooncake's status timeout).
    pub io_timeout: Duration,
    /// How long [`TcpDataServer::shutdown`] waits for connection threads to finish. Default 5 s.
    pub shutdown_timeout: Duration,
    /// Most connections served at once (each has a thread); further ones are closed on accept
    /// with a WARN. Default 1024 (Mooncake peers keep 4 per initiator).
    pub max_connections: usize,
    /// Whether READ answers are copied through a per-connection buffer on their way to the socket
    /// (see [`staging`](super::staging)). Default: measured per node.
    pub staging: StagingPolicy,
}

impl TcpServerConfig {
    /// The defaults, with the staging policy from `MOONCAKE_TCP_STAGING_KIB` when set.
    pub fn from_env() -> Self {
        TcpServerConfig {
            staging: staging_from_env(),
            ..Self::default()
        }
    }
}

impl Default for TcpServerConfig {
    fn default() -> Self {
        TcpServerConfig {
            io_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(5),
            max_connections: 1024,
            staging: StagingPolicy::Auto,
        }
    }
}

/// A running TCP data server. Dropping it shuts it down.
pub struct TcpDataServer {
    local_addr: SocketAddr,
    listener: Arc<TcpListener>,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for TcpDataServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpDataServer")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

struct Shared {
    registry: Arc<MemoryRegistry>,
    config: TcpServerConfig,
    stats: Arc<TcpStats>,
    /// Which way READ answers are cheaper to send, learnt from the answers themselves.
    chooser: Chooser,
    stopping: AtomicBool,
    /// Clones of live connections' sockets, so shutdown can unblock their threads.
    conns: Mutex<HashMap<u64, TcpStream>>,
    /// Number of connection threads still running, and its change signal.
    live: Mutex<usize>,
    live_changed: Condvar,
}

impl TcpDataServer {
    /// Binds `addr` (port 0 for any) and starts accepting with default settings.
    pub fn bind(addr: SocketAddr, registry: Arc<MemoryRegistry>) -> io::Result<TcpDataServer> {
        TcpDataServer::bind_with(addr, registry, TcpServerConfig::default())
    }

    pub fn bind_with(
        addr: SocketAddr,
        registry: Arc<MemoryRegistry>,
        config: TcpServerConfig,
    ) -> io::Result<TcpDataServer> {
        TcpDataServer::serve(TcpListener::bind(addr)?, registry, config)
    }

    /// Serves an already bound listener.
    pub fn serve(
        listener: TcpListener,
        registry: Arc<MemoryRegistry>,
        config: TcpServerConfig,
    ) -> io::Result<TcpDataServer> {
        let local_addr = listener.local_addr()?;
        let listener = Arc::new(listener);
        let shared = Arc::new(Shared {
            registry,
            config,
            stats: Arc::new(TcpStats::default()),
            chooser: Chooser::default(),
            stopping: AtomicBool::new(false),
            conns: Mutex::new(HashMap::new()),
            live: Mutex::new(0),
            live_changed: Condvar::new(),
        });
        let accept_thread = std::thread::Builder::new().name("tcp-accept".into()).spawn({
            let listener = Arc::clone(&listener);
            let shared = Arc::clone(&shared);
            move || accept_loop(&listener, &shared)
        })?;
        Ok(TcpDataServer {
            local_addr,
            listener,
            shared,
            accept_thread: Some(accept_thread),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn stats(&self) -> Arc<TcpStats> {
        Arc::clone(&self.shared.stats)
    }

    /// Number of connections currently open.
    pub fn connection_count(&self) -> usize {
        lock(&self.shared.conns).len()
    }

    /// Stops accepting, closes every connection (requests in flight fail on the peer's side) and
    /// waits up to `shutdown_timeout` for connection threads to finish. Idempotent.
    pub fn shutdown(&mut self) {
        let Some(accept_thread) = self.accept_thread.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // shutdown(2) on a listening socket makes a blocked accept() return (EINVAL) on Linux: the
        // accept thread wakes at once instead of polling a flag.
        // SAFETY: the fd belongs to `self.listener`, which is alive; shutdown does not close it.
        unsafe { libc::shutdown(self.listener.as_raw_fd(), libc::SHUT_RDWR) };
        if accept_thread.join().is_err() {
            warn!("tcp: accept thread panicked");
        }
        // The accept thread registered every connection it spawned before it exited.
        for stream in lock(&self.shared.conns).values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let deadline = Instant::now() + self.shared.config.shutdown_timeout;
        let mut live = lock(&self.shared.live);
        while *live > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                warn!(
                    threads = *live,
                    "tcp: connection threads still running after shutdown timeout"
                );
                break;
            }
            live = match self.shared.live_changed.wait_timeout(live, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

impl Drop for TcpDataServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Locks a mutex, ignoring poisoning: the data under these locks stays consistent at every step.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let next_id = AtomicU64::new(0);
    loop {
        let accepted = listener.accept();
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // EMFILE and friends: back off briefly rather than spin on a full fd table.
                warn!(error = %e, "tcp: accept failed");
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if *lock(&shared.live) >= shared.config.max_connections {
            warn!(%peer, max = shared.config.max_connections, "tcp: too many connections, closing a new one");
            continue;
        }
        if let Err(e) = configure(&stream, shared.config.io_timeout) {
            warn!(%peer, error = %e, "tcp: cannot configure accepted connection");
            continue;
        }
        let id = next_id.fetch_add(1, Ordering::Relaxed);
        let Ok(clone) = stream.try_clone() else {
            warn!(%peer, "tcp: cannot clone accepted connection");
            continue;
        };
        lock(&shared.conns).insert(id, clone);
        *lock(&shared.live) += 1;
        shared.stats.connections.fetch_add(1, Ordering::Relaxed);
        let spawned = std::thread::Builder::new().name(format!("tcp-conn-{id}")).spawn({
            let shared = Arc::clone(shared);
            move || {
                serve_connection(&stream, peer, &shared);
                lock(&shared.conns).remove(&id);
                *lock(&shared.live) -= 1;
                shared.live_changed.notify_all();
            }
        });
        if let Err(e) = spawned {
            warn!(%peer, error = %e, "tcp: cannot start a connection thread");
            lock(&shared.conns).remove(&id);
            *lock(&shared.live) -= 1;
        }
    }
}

fn configure(stream: &TcpStream, io_timeout: Duration) -> io::Result<()> {
    stream.set_nodelay(true)?;
    super::congestion::tune(stream);
    stream.set_read_timeout(Some(io_timeout))?;
    stream.set_write_timeout(Some(io_timeout))
}

/// Why a connection was closed by us.
#[derive(Debug, thiserror::Error)]
enum Closed {
    #[error("malformed request header: {0}")]
    BadHeader(#[from] HeaderError),
    #[error("{op:?} refused: {source}")]
    Refused { op: Opcode, source: AccessError },
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
}

fn serve_connection(stream: &TcpStream, peer: SocketAddr, shared: &Shared) {
    debug!(%peer, "tcp: connection accepted");
    match serve_requests(stream, shared) {
        Ok(()) => debug!(%peer, "tcp: peer closed the connection"),
        Err(closed) => {
            let stopping = shared.stopping.load(Ordering::SeqCst);
            match &closed {
                Closed::Io(_) if stopping => {
                    debug!(%peer, reason = %closed, "tcp: connection closed by shutdown")
                }
                Closed::Io(_) => {
                    shared.stats.errors.fetch_add(1, Ordering::Relaxed);
                    warn!(%peer, reason = %closed, "tcp: connection failed mid-request");
                }
                Closed::BadHeader(_) | Closed::Refused { .. } => {
                    warn!(%peer, reason = %closed, "tcp: rejected a request and closed the connection");
                }
            }
        }
    }
}

/// Serves requests until the peer closes (Ok) or something goes wrong (the reason).
fn serve_requests(stream: &TcpStream, shared: &Shared) -> Result<(), Closed> {
    let mut header = [0u8; HEADER_LEN];
    let mut staging = Staging::new(shared.config.staging, &shared.chooser);
    loop {
        if !read_header(stream, &mut header, &shared.stopping)? {
            return Ok(());
        }
        let started = Instant::now();
        let request = match RequestHeader::decode(&header) {
            Ok(request) => request,
            Err(e) => {
                reject(stream, e.version(), 0, &shared.stats);
                return Err(e.into());
            }
        };
        let access = match shared.registry.access(request.addr, request.size) {
            Ok(access) => access,
            Err(source) => {
                reject(stream, request.version, request.size, &shared.stats);
                return Err(Closed::Refused {
                    op: request.opcode,
                    source,
                });
            }
        };
        match request.opcode {
            Opcode::Write => {
                // SAFETY: `access` proves `[ptr, ptr + len)` lies inside one registered region, and
                // holds the registry's read lock until it is dropped below, so the region stays
                // mapped and writable (the contract of `MemoryRegistry::register`). The slice lives
                // only for this read. Peers are handed the memory of a registered region
                // by design: whoever allocates ranges to writers keeps concurrent writers apart.
                let dst = unsafe { std::slice::from_raw_parts_mut(access.as_ptr(), access.len()) };
                read_exact_polling(stream, dst)?;
                drop(access);
                if request.version == Version::V2 {
                    (&mut &*stream).write_all(&codec::encode_status(Status::Ok))?;
                }
            }
            Opcode::Read => {
                // SAFETY: as above; the slice is only read from, for the duration of this write.
                let src = unsafe { std::slice::from_raw_parts(access.as_ptr().cast_const(), access.len()) };
                let ok = codec::encode_status(Status::Ok);
                let head: &[u8] = if request.version == Version::V2 { &ok } else { &[] };
                let staged = staging.send(stream, head, src)?;
                drop(access);
                shared
                    .stats
                    .staged_bytes
                    .fetch_add(staged as u64, Ordering::Relaxed);
            }
        }
        shared
            .stats
            .record_op(request.opcode == Opcode::Read, request.size as usize);
        shared.stats.latency.observe(started.elapsed());
    }
}

/// Reads the next header. `Ok(false)` on a clean close between requests. Idle connections are kept
/// indefinitely (the read timeout only bounds a header that stopped half-way).
fn read_header(stream: &TcpStream, header: &mut [u8; HEADER_LEN], stopping: &AtomicBool) -> io::Result<bool> {
    let mut filled = 0;
    while filled < HEADER_LEN {
        match (&mut &*stream).read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
                    && filled == 0
                    && !stopping.load(Ordering::Relaxed) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Refuses the current request: the reject frame for v2 peers, then close. A v1 peer gets no frame
/// (it would read the frame as data). Before closing, unread bytes of the refused request's
/// payload are drained briefly, so the kernel closes with FIN rather than a reset that could
/// destroy the reject frame before the peer reads it.
fn reject(stream: &TcpStream, version: Version, claimed_size: u64, stats: &TcpStats) {
    // Counted before the peer can see the frame, so a counter read after the peer's error is exact.
    stats.rejected.fetch_add(1, Ordering::Relaxed);
    if version == Version::V2 {
        let _ = (&mut &*stream).write_all(&codec::encode_status(Status::Rejected));
    }
    let _ = stream.shutdown(Shutdown::Write);
    const DRAIN_LIMIT: u64 = 64 << 20;
    const DRAIN_TIME: Duration = Duration::from_millis(500);
    let deadline = Instant::now() + DRAIN_TIME;
    let mut left = claimed_size.min(DRAIN_LIMIT) + 1;
    let mut scratch = [0u8; 16 * 1024];
    let _ = stream.set_read_timeout(Some(DRAIN_TIME));
    while left > 0 && Instant::now() < deadline {
        match (&mut &*stream).read(&mut scratch) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n as u64),
        }
    }
}
