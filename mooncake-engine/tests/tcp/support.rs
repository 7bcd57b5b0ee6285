//! Helpers of the TCP transport tests: real memory registered in a `MemoryRegistry` with canary
//! guards around it, a data server on 127.0.0.1:0 serving it, and its descriptor.

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::net::SocketAddr;
use std::sync::Arc;

use mooncake_engine::descriptor::{BufferDescriptor, SegmentDescriptor};
use mooncake_engine::memory::{MemoryRegistry, RegisteredRegion};
use mooncake_engine::transport::tcp::{TcpDataServer, TcpServerConfig};

/// Bytes of unregistered memory on each side of the registered range, filled with [`CANARY`].
pub const GUARD: usize = 4096;
pub const CANARY: u8 = 0xC5;

/// A page-aligned allocation: `GUARD` canary bytes, `len` registered bytes, `GUARD` canary bytes.
/// Read only through copies (`snapshot`), since server threads write it behind Rust's back.
pub struct Region {
    base: *mut u8,
    layout: Layout,
    pub len: usize,
}

// SAFETY: the allocation is plain memory owned by this struct; every access goes through raw
// pointers and the registry's contract.
unsafe impl Send for Region {}
unsafe impl Sync for Region {}

impl Region {
    pub fn new(len: usize) -> Region {
        let layout = Layout::from_size_align(len + 2 * GUARD, 4096).unwrap();
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        assert!(!base.is_null());
        // SAFETY: both guards are inside the allocation.
        unsafe {
            std::ptr::write_bytes(base, CANARY, GUARD);
            std::ptr::write_bytes(base.add(GUARD + len), CANARY, GUARD);
        }
        Region { base, layout, len }
    }

    /// Address of registered byte 0.
    pub fn addr(&self) -> u64 {
        self.base as u64 + GUARD as u64
    }

    /// Copy of `len` bytes at `offset` from the registered start (negative reaches into the guard).
    pub fn snapshot(&self, offset: isize, len: usize) -> Vec<u8> {
        let start = GUARD as isize + offset;
        assert!(start >= 0 && start as usize + len <= self.layout.size());
        let mut out = vec![0u8; len];
        // SAFETY: bounds checked above; the copy reads plain bytes.
        unsafe { std::ptr::copy_nonoverlapping(self.base.add(start as usize), out.as_mut_ptr(), len) };
        out
    }

    /// Overwrites registered bytes at `offset`, directly (no transport).
    pub fn fill(&self, offset: usize, data: &[u8]) {
        assert!(offset + data.len() <= self.len);
        // SAFETY: bounds checked above.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.base.add(GUARD + offset), data.len()) };
    }

    /// Whether both guards still hold only canaries.
    pub fn guards_intact(&self) -> bool {
        let before = self.snapshot(-(GUARD as isize), GUARD);
        let after = self.snapshot(self.len as isize, GUARD);
        before.iter().chain(&after).all(|&b| b == CANARY)
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, self.layout) };
    }
}

/// A peer: a registered region served by a TCP data server.
pub struct Peer {
    pub server: TcpDataServer,
    pub registry: Arc<MemoryRegistry>,
    pub region: Region,
}

impl Peer {
    pub fn start(len: usize) -> Peer {
        Peer::start_with(len, TcpServerConfig::default())
    }

    /// A peer whose server runs with `config`.
    pub fn start_with(len: usize, config: TcpServerConfig) -> Peer {
        let region = Region::new(len);
        let registry = Arc::new(MemoryRegistry::default());
        // SAFETY: the region is this process's memory and outlives the registration: `Drop`
        // stops the server and unregisters before the region is freed.
        unsafe {
            registry
                .register(RegisteredRegion {
                    addr: region.addr(),
                    length: len as u64,
                    shm_name: None,
                })
                .unwrap();
        }
        let server =
            TcpDataServer::bind_with("127.0.0.1:0".parse().unwrap(), Arc::clone(&registry), config).unwrap();
        Peer {
            server,
            registry,
            region,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The descriptor a peer would publish, speaking protocol `version`.
    pub fn descriptor(&self, version: u32) -> SegmentDescriptor {
        descriptor(self.addr(), self.region.addr(), self.region.len as u64, version)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.server.shutdown();
        self.registry.unregister(self.region.addr());
    }
}

pub fn descriptor(server: SocketAddr, addr: u64, len: u64, version: u32) -> SegmentDescriptor {
    let name = format!("127.0.0.1:{}", server.port());
    SegmentDescriptor {
        name: name.clone(),
        protocol: "tcp".into(),
        tcp_data_port: server.port(),
        tcp_proto_version: version,
        tcp_data_host: Some(server.ip().to_string()),
        rdma_server_name: String::new(),
        timestamp: String::new(),
        buffers: vec![BufferDescriptor {
            name,
            addr,
            length: len,
            rkey: vec![],
            lkey: vec![],
            shm_name: None,
        }],
        devices: vec![],
        host_id: None,
    }
}

/// Deterministic bytes that differ for every (seed, position) pair worth telling apart.
pub fn pattern(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Polls `done` every 10 ms for up to 5 s; true once it holds. For counters a server updates just
/// after the peer already has its answer.
pub fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done() {
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    true
}
