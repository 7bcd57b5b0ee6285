//! The machine's limits, measured in the same run as the store so ratios compare like with like:
//! single-thread memcpy streaming through a DRAM-sized region, and plain request/response over
//! loopback TCP with one or two connections (the least a store moving bytes over TCP must pay).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::time::Instant;

use anyhow::Context;

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

/// Serves one connection: `GET n` answers n bytes, `PUT n` reads n bytes and answers one.
fn serve(mut stream: TcpStream, max: usize) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![3u8; max];
    let mut header = [0u8; 9];
    loop {
        if stream.read_exact(&mut header).is_err() {
            return Ok(()); // the client hung up
        }
        let len = u64::from_le_bytes(header[1..].try_into().unwrap_or_default()) as usize;
        let len = len.min(max);
        if header[0] == GET {
            stream.write_all(&buf[..len])?;
        } else {
            stream.read_exact(&mut buf[..len])?;
            stream.write_all(&[1])?;
        }
    }
}

/// One client connection's phase against its own server thread.
fn client(mut stream: TcpStream, size: usize, ops: u64, put: bool) -> std::io::Result<Samples> {
    stream.set_nodelay(true)?;
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
pub fn tcp(size: usize, ops: u64, put: bool, connections: usize) -> anyhow::Result<Vec<Samples>> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("bind a loopback port")?;
    let addr = listener.local_addr()?;
    std::thread::scope(|scope| {
        let server = scope.spawn(|| -> std::io::Result<()> {
            std::thread::scope(|inner| {
                for _ in 0..connections {
                    let (stream, _) = listener.accept()?;
                    inner.spawn(move || serve(stream, size));
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
        let samples = tcp(64 << 10, 20, false, 2).expect("loopback");
        assert_eq!(samples.len(), 2);
        assert!(samples.iter().all(|s| s.ops == 20 && s.errors == 0));
        let samples = tcp(64 << 10, 20, true, 1).expect("loopback");
        assert_eq!(samples[0].ops, 20);
    }
}
