//! The machine's limits, measured in the same run as the store so ratios compare like with like:
//! single-thread memcpy streaming through a DRAM-sized region, and plain request/response over
//! loopback TCP with one or two connections (the least a store moving bytes over TCP must pay).
//!
//! The TCP limits come in two forms. [`Backing::Hot`] answers every request from one buffer of the
//! value's size, which stays in cache at 1 MiB: the most the loopback can carry. [`Backing::Dram`]
//! answers gets from (and lands puts in) the next stretch of a DRAM-sized region, as a storage node
//! must when its values live in a segment far larger than any cache: the most a store can reach.
//!
//! Both ends of every limit connection get the congestion control the store's data connections get
//! ([`congestion::tune`]: no pacing on loopback), so a ratio to these limits compares the same kind
//! of socket.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::Instant;

use anyhow::Context;
use mooncake_engine::transport::tcp::congestion;

use super::report::Samples;

/// Bytes the memcpy scenario streams through: far beyond any cache.
const STREAM_REGION: usize = 256 << 20;

/// `put`: a hot source copied into the next stretch of a large region (as a put fills a segment);
/// `get`: the next stretch of the region copied into a hot buffer (as a get reads one out).
pub fn memcpy(size: usize, ops: u64, put: bool) -> Samples {
    let region_len = STREAM_REGION.max(size * 2);
    let mut region = vec![1u8; region_len];
    let mut hot = vec![2u8; size];
    let slots = region_len / size;
    let mut samples = Samples::default();
    let started = Instant::now();
    for i in 0..ops as usize {
        let at = (i % slots) * size;
        let t = Instant::now();
        if put {
            region[at..at + size].copy_from_slice(&hot);
        } else {
            hot.copy_from_slice(&region[at..at + size]);
        }
        samples.call(t.elapsed(), 1, 0);
    }
    samples.wall_ns = started.elapsed().as_nanos() as u64;
    std::hint::black_box((&region, &hot));
    samples
}

const GET: u8 = 1;
const PUT: u8 = 2;

/// Where a TCP limit's server keeps the bytes it answers with and receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backing {
    /// One buffer of the value's size, reused for every request.
    Hot,
    /// Successive stretches of a region far larger than any cache.
    Dram,
}

/// The server side's memory: one hot buffer, or a DRAM-sized region walked stretch by stretch.
struct Store {
    memory: Vec<u8>,
    size: usize,
    next: usize,
}

impl Store {
    /// Allocated and touched before any request is timed.
    fn new(backing: Backing, size: usize) -> Store {
        let len = match backing {
            Backing::Hot => size,
            Backing::Dram => STREAM_REGION.max(size * 2),
        };
        Store {
            memory: vec![3u8; len],
            size,
            next: 0,
        }
    }

    /// The stretch the next request uses.
    fn next(&mut self) -> &mut [u8] {
        let at = self.next;
        self.next = if at + 2 * self.size <= self.memory.len() {
            at + self.size
        } else {
            0
        };
        &mut self.memory[at..at + self.size]
    }
}

/// Sets either end of a limit connection up as the store's data connections are: no Nagle, and
/// their congestion control.
fn prepare(stream: &TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    congestion::tune(stream);
    Ok(())
}

/// Serves one connection: `GET n` answers n bytes, `PUT n` reads n bytes and answers one.
fn serve(mut stream: TcpStream, mut store: Store) -> std::io::Result<()> {
    prepare(&stream)?;
    let mut header = [0u8; 9];
    loop {
        if stream.read_exact(&mut header).is_err() {
            return Ok(()); // the client hung up
        }
        let len = u64::from_le_bytes(header[1..].try_into().unwrap_or_default()) as usize;
        let stretch = store.next();
        let len = len.min(stretch.len());
        if header[0] == GET {
            stream.write_all(&stretch[..len])?;
        } else {
            stream.read_exact(&mut stretch[..len])?;
            stream.write_all(&[1])?;
        }
    }
}

/// One client connection's phase against its own server thread.
fn client(mut stream: TcpStream, size: usize, ops: u64, put: bool) -> std::io::Result<Samples> {
    prepare(&stream)?;
    let mut buf = vec![4u8; size];
    let mut header = [0u8; 9];
    header[0] = if put { PUT } else { GET };
    header[1..].copy_from_slice(&(size as u64).to_le_bytes());
    let mut samples = Samples::default();
    let started = Instant::now();
    for _ in 0..ops {
        let t = Instant::now();
        stream.write_all(&header)?;
        if put {
            stream.write_all(&buf)?;
            stream.read_exact(&mut buf[..1])?;
        } else {
            stream.read_exact(&mut buf)?;
        }
        samples.call(t.elapsed(), 1, 0);
    }
    samples.wall_ns = started.elapsed().as_nanos() as u64;
    Ok(samples)
}

/// Request/response over `connections` loopback connections at once; one [`Samples`] per connection.
pub fn tcp(
    size: usize,
    ops: u64,
    put: bool,
    connections: usize,
    backing: Backing,
) -> anyhow::Result<Vec<Samples>> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("bind a loopback port")?;
    let addr = listener.local_addr()?;
    let mut stores: Vec<Store> = (0..connections).map(|_| Store::new(backing, size)).collect();
    std::thread::scope(|scope| {
        let server = scope.spawn(move || -> std::io::Result<()> {
            std::thread::scope(|inner| {
                for _ in 0..connections {
                    let (stream, _) = listener.accept()?;
                    let store = stores.pop().unwrap_or_else(|| Store::new(backing, size));
                    inner.spawn(move || serve(stream, store));
                }
                Ok(())
            })
        });
        let clients: Vec<_> = (0..connections)
            .map(|_| {
                scope.spawn(move || -> std::io::Result<Samples> {
                    client(TcpStream::connect(addr)?, size, ops, put)
                })
            })
            .collect();
        let samples = clients
            .into_iter()
            .map(|c| {
                c.join()
                    .map_err(|_| anyhow::anyhow!("a TCP client thread panicked"))?
                    .context("loopback TCP client")
            })
            .collect::<anyhow::Result<Vec<_>>>();
        server
            .join()
            .map_err(|_| anyhow::anyhow!("the TCP server thread panicked"))?
            .context("loopback TCP server")?;
        samples
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn memcpy_counts_every_copy() {
        let samples = memcpy(4096, 100, true);
        assert_eq!(samples.ops, 100);
        assert_eq!(samples.latencies_ns.len(), 100);
        assert!(samples.wall_ns > 0);
    }

    #[test]
    fn tcp_moves_requests_over_each_connection() {
        for backing in [Backing::Hot, Backing::Dram] {
            let samples = tcp(64 << 10, 20, false, 2, backing).expect("loopback");
            assert_eq!(samples.len(), 2);
            assert!(samples.iter().all(|s| s.ops == 20 && s.errors == 0));
            let samples = tcp(64 << 10, 20, true, 1, backing).expect("loopback");
            assert_eq!(samples[0].ops, 20);
        }
    }

    #[test]
    fn limit_connections_get_the_store_s_socket_settings() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        for end in [&client, &server] {
            prepare(end).unwrap();
            assert!(end.nodelay().unwrap());
            assert_eq!(
                congestion::get(end).unwrap(),
                congestion::LOOPBACK_DEFAULT,
                "no pacing on loopback, as for the store's data connections"
            );
        }
    }

    #[test]
    fn a_dram_store_walks_its_region_and_wraps() {
        let mut store = Store::new(Backing::Dram, 1 << 20);
        assert_eq!(store.memory.len(), STREAM_REGION);
        let first = store.next().as_ptr();
        let stretches = STREAM_REGION / (1 << 20);
        let mut seen = std::collections::HashSet::from([first]);
        for _ in 1..stretches {
            seen.insert(store.next().as_ptr());
        }
        assert_eq!(seen.len(), stretches, "every stretch used once per lap");
        assert_eq!(store.next().as_ptr(), first, "then it starts over");
        let mut hot = Store::new(Backing::Hot, 4096);
        assert_eq!(
            hot.next().as_ptr(),
            hot.next().as_ptr(),
            "a hot store reuses one buffer"
        );
    }
}
