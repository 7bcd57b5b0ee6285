//! TCP transport bandwidth against plain loopback sockets on the same machine, in one run.
//!
//! The servers run in a child process (this binary re-executed), as they would in a cluster: on a
//! 2-vCPU machine an in-process server would share the caller's scheduler placement and flatter or
//! hurt the figures unpredictably. The child serves two listeners on 127.0.0.1: our
//! `TcpDataServer` over a registered buffer, and a plain request/response server that moves the
//! same sizes with the least possible work (a 16-byte request, then `write_all`/`read_exact` on one
//! blocking TCP_NODELAY socket), plus one bulk stream (iperf-style). Each series runs in rounds,
//! rotating the order; the table shows medians.
//!
//! `cargo bench -p mooncake-engine --bench tcp_transfer [-- --quick]`

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mooncake_engine::descriptor::{BufferDescriptor, SegmentDescriptor};
use mooncake_engine::memory::{MemoryRegistry, RegisteredRegion};
use mooncake_engine::transport::tcp::{TcpConfig, TcpDataServer, TcpTransport};
use mooncake_engine::transport::{Transfer, Transport};

const CHILD_ENV: &str = "MOONCAKE_TCP_BENCH_CHILD";
const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;
const SIZES: [usize; 4] = [4 * KIB, 64 * KIB, MIB, 16 * MIB];
/// The server's buffer: large enough for the largest size, page-aligned and pre-faulted.
const BUFFER: usize = 64 * MIB;
const OP_GET: u64 = 0;
const OP_PUT: u64 = 1;
const OP_STREAM: u64 = 2;

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    // Many short bursts, rotating the series: on a 2-vCPU VM where a thread lands relative to its
    // peer (same core: ~13 µs per small round trip, across cores: ~70 µs) swings the figures by
    // 2-5x for seconds at a time, so every series has to sample many placements.
    let (rounds, budget) = if quick {
        (3, Duration::from_millis(60))
    } else {
        (9, Duration::from_millis(120))
    };

    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let line = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let f: Vec<&str> = line.split(' ').collect();
    let (tcp_addr, plain_addr): (SocketAddr, SocketAddr) = (f[1].parse().unwrap(), f[2].parse().unwrap());
    let buf_addr: u64 = f[3].parse().unwrap();
    let descriptor = descriptor(tcp_addr, buf_addr);

    // Knobs for experiments: MOONCAKE_TCP_BENCH_CONNS, MOONCAKE_TCP_BENCH_SLICE_KIB.
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<usize>().ok());
    let defaults = TcpConfig::default();
    let transport = TcpTransport::new(TcpConfig {
        connections_per_peer: env("MOONCAKE_TCP_BENCH_CONNS").unwrap_or(defaults.connections_per_peer),
        slice_size: env("MOONCAKE_TCP_BENCH_SLICE_KIB").map_or(defaults.slice_size, |k| k * KIB),
        ..defaults
    });
    let single = TcpTransport::new(TcpConfig {
        connections_per_peer: 1,
        slice_size: BUFFER,
        ..TcpConfig::default()
    });
    let mut plain = TcpStream::connect(plain_addr).unwrap();
    plain.set_nodelay(true).unwrap();
    let mut local = prefaulted(BUFFER);

    // series name → size → GB/s of each round
    let series = [
        "plain get",
        "tcp read",
        "tcp read 1conn",
        "plain put",
        "tcp write",
        "tcp write 1conn",
    ];
    let mut results = vec![vec![Vec::new(); SIZES.len()]; series.len()];
    let mut latency = vec![vec![Vec::new(); SIZES.len()]; series.len()];
    // MOONCAKE_TCP_BENCH_ONLY="tcp read" runs one series (for profiling).
    let only = std::env::var("MOONCAKE_TCP_BENCH_ONLY").ok();
    for (z, &size) in SIZES.iter().enumerate() {
        for round in 0..rounds {
            for k in 0..series.len() {
                let s = (k + round) % series.len();
                if only.as_deref().is_some_and(|o| o != series[s]) {
                    results[s][z].push(f64::NAN);
                    latency[s][z].push(f64::NAN);
                    continue;
                }
                let buf = &mut local[..size];
                let mut op = || match series[s] {
                    "plain get" => plain_op(&mut plain, OP_GET, buf),
                    "plain put" => plain_op(&mut plain, OP_PUT, buf),
                    "tcp read" => tcp_op(&transport, &descriptor, true, buf),
                    "tcp write" => tcp_op(&transport, &descriptor, false, buf),
                    "tcp read 1conn" => tcp_op(&single, &descriptor, true, buf),
                    "tcp write 1conn" => tcp_op(&single, &descriptor, false, buf),
                    _ => unreachable!(),
                };
                let (gbps, p50) = measure(size, budget, &mut op);
                results[s][z].push(gbps);
                latency[s][z].push(p50);
            }
        }
    }
    let mut bulk = Vec::new();
    for _ in 0..rounds {
        bulk.push(stream_bulk(
            plain_addr,
            if quick { 256 * MIB } else { 1024 * MIB },
        ));
    }

    let med = |v: &Vec<f64>| median(v);
    println!();
    println!(
        "TCP transport vs plain loopback sockets (servers in a child process; GB/s = 1e9 B/s, median of {rounds} round(s); p50 latency per op)"
    );
    println!(
        "default TcpConfig: {} connections per peer, {} KiB slices; '1conn': one connection, no slicing",
        transport.config().connections_per_peer,
        transport.config().slice_size / KIB
    );
    println!();
    println!(
        "| size | plain get | tcp read | ratio | tcp read 1conn | ratio | plain put | tcp write | ratio | tcp write 1conn | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (z, &size) in SIZES.iter().enumerate() {
        let g = |s: usize| med(&results[s][z]);
        let l = |s: usize| med(&latency[s][z]);
        println!(
            "| {} | {:.2} ({}) | {:.2} ({}) | {:.2} | {:.2} ({}) | {:.2} | {:.2} ({}) | {:.2} ({}) | {:.2} | {:.2} ({}) | {:.2} |",
            human(size),
            g(0),
            us(l(0)),
            g(1),
            us(l(1)),
            g(1) / g(0),
            g(2),
            us(l(2)),
            g(2) / g(0),
            g(3),
            us(l(3)),
            g(4),
            us(l(4)),
            g(4) / g(3),
            g(5),
            us(l(5)),
            g(5) / g(3),
        );
    }
    println!();
    println!("plain bulk stream, 1 connection: {:.2} GB/s", median(&bulk));

    drop(child.stdin.take());
    let _ = child.wait();
}

fn descriptor(server: SocketAddr, addr: u64) -> SegmentDescriptor {
    let name = format!("127.0.0.1:{}", server.port());
    SegmentDescriptor {
        name: name.clone(),
        protocol: "tcp".into(),
        tcp_data_port: server.port(),
        tcp_proto_version: 2,
        tcp_data_host: Some("127.0.0.1".into()),
        rdma_server_name: String::new(),
        timestamp: String::new(),
        buffers: vec![BufferDescriptor {
            name,
            addr,
            length: BUFFER as u64,
            rkey: vec![],
            lkey: vec![],
            shm_name: None,
        }],
        devices: vec![],
        host_id: None,
    }
}

fn tcp_op(t: &TcpTransport, d: &SegmentDescriptor, read: bool, buf: &mut [u8]) {
    let target_addr = d.buffers[0].addr;
    let mut batch = [if read {
        Transfer::Read {
            target_addr,
            into: buf,
        }
    } else {
        Transfer::Write {
            target_addr,
            from: buf,
        }
    }];
    for r in t.transfer(d, &mut batch) {
        r.unwrap();
    }
}

fn plain_op(s: &mut TcpStream, op: u64, buf: &mut [u8]) {
    let mut request = [0u8; 16];
    request[..8].copy_from_slice(&op.to_le_bytes());
    request[8..].copy_from_slice(&(buf.len() as u64).to_le_bytes());
    if op == OP_GET {
        s.write_all(&request).unwrap();
        s.read_exact(buf).unwrap();
    } else {
        // Request and payload in one gather write, as the transport does.
        let mut bufs = [std::io::IoSlice::new(&request), std::io::IoSlice::new(buf)];
        let mut bufs = &mut bufs[..];
        while !bufs.is_empty() {
            let n = s.write_vectored(bufs).unwrap();
            std::io::IoSlice::advance_slices(&mut bufs, n);
        }
        let mut ack = [0u8; 1];
        s.read_exact(&mut ack).unwrap();
    }
}

/// Runs `op` for about `budget` after a short warm-up; GB/s and p50 latency in µs.
fn measure(size: usize, budget: Duration, op: &mut dyn FnMut()) -> (f64, f64) {
    let warm = Instant::now();
    while warm.elapsed() < budget / 8 {
        op();
    }
    let mut samples = Vec::new();
    let started = Instant::now();
    while started.elapsed() < budget || samples.len() < 5 {
        let t = Instant::now();
        op();
        samples.push(t.elapsed().as_secs_f64());
    }
    let total = started.elapsed().as_secs_f64();
    let gbps = (size * samples.len()) as f64 / total / 1e9;
    samples.sort_by(f64::total_cmp);
    (gbps, samples[samples.len() / 2] * 1e6)
}

fn stream_bulk(addr: SocketAddr, total: usize) -> f64 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_nodelay(true).unwrap();
    let mut request = [0u8; 16];
    request[..8].copy_from_slice(&OP_STREAM.to_le_bytes());
    request[8..].copy_from_slice(&(total as u64).to_le_bytes());
    let mut buf = prefaulted(4 * MIB);
    let started = Instant::now();
    s.write_all(&request).unwrap();
    let mut left = total;
    while left > 0 {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0);
        left -= n;
    }
    total as f64 / started.elapsed().as_secs_f64() / 1e9
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn human(size: usize) -> String {
    if size >= MIB {
        format!("{} MiB", size / MIB)
    } else {
        format!("{} KiB", size / KIB)
    }
}

fn us(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} ms", v / 1000.0)
    } else {
        format!("{v:.0} µs")
    }
}

/// A buffer whose pages are already faulted in (first touch costs ~10 µs per page on this VM).
fn prefaulted(len: usize) -> Vec<u8> {
    vec![0x5Au8; len]
}

/// The child: our data server over a registered, pre-faulted buffer, and the plain server.
fn child() {
    let mut buffer = prefaulted(BUFFER);
    let registry = Arc::new(MemoryRegistry::default());
    // SAFETY: `buffer` lives until the end of this function, after the server is shut down.
    unsafe {
        registry
            .register(RegisteredRegion {
                addr: buffer.as_mut_ptr() as u64,
                length: BUFFER as u64,
                shm_name: None,
            })
            .unwrap();
    }
    let mut server = TcpDataServer::bind("127.0.0.1:0".parse().unwrap(), Arc::clone(&registry)).unwrap();
    let plain = TcpListener::bind("127.0.0.1:0").unwrap();
    println!(
        "READY {} {} {}",
        server.local_addr(),
        plain.local_addr().unwrap(),
        buffer.as_ptr() as u64
    );
    std::io::stdout().flush().unwrap();
    let plain_addr = plain.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in plain.incoming() {
            let Ok(stream) = stream else { return };
            std::thread::spawn(move || plain_serve(stream));
        }
    });
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    server.shutdown();
    registry.unregister(buffer.as_ptr() as u64);
    drop(buffer);
    let _ = plain_addr;
}

fn plain_serve(mut s: TcpStream) {
    s.set_nodelay(true).unwrap();
    let mut buf = prefaulted(BUFFER);
    let mut request = [0u8; 16];
    while s.read_exact(&mut request).is_ok() {
        let op = u64::from_le_bytes(request[..8].try_into().unwrap());
        let size = u64::from_le_bytes(request[8..].try_into().unwrap()) as usize;
        let ok = match op {
            OP_GET => s.write_all(&buf[..size]),
            OP_PUT => s.read_exact(&mut buf[..size]).and_then(|()| s.write_all(&[1])),
            _ => {
                let mut left = size;
                let mut result = Ok(());
                while left > 0 && result.is_ok() {
                    let n = left.min(4 * MIB);
                    result = s.write_all(&buf[..n]);
                    left -= n;
                }
                result
            }
        };
        if ok.is_err() {
            return;
        }
    }
}
