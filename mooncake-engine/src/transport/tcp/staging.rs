//! Staged sends: a READ's answer leaves through a small per-connection buffer instead of straight
//! from registered memory.
//!
//! Why: on the dev VM (a nested, shadow-paged guest) the kernel's copy out of user memory it has not
//! touched recently is the slowest step of a remote get. Profiled over 3000 gets of 1 MiB, the storage
//! node's `send` spent ≈300 µs per MiB copying from its segment, while sending the same bytes from a
//! buffer it reuses cost ≈80 µs. Copying each stretch of the value into a reused buffer first (a
//! plain `memcpy` in user space) and sending from there made remote gets of 1–4 MiB 1.5× faster in
//! an A/B of one binary (median of 3 rounds: 1 MiB 1556 → 2407 MB/s, 4 MiB 1648 → 2488 MB/s); 512 KiB
//! stretches beat 256 KiB and 64 KiB (more syscalls, more wake-ups of the receiver).
//!
//! Where it does not pay: on another VM (Intel Xeon, hardware-paged) the kernel copies out of the
//! segment as fast as out of the reused buffer, so the extra copy is pure cost; there the same A/B
//! went the other way (remote gets of 1 MiB 3.5–3.8 → 4.8–5.0 GB/s, 16 MiB 4.5–5.0 → 5.9–6.7 GB/s
//! with staging off). Neither choice suits every host, so by default a node measures both
//! ([`Chooser`]): answers of at least [`SAMPLE_MIN`] bytes are timed from first byte handed to the
//! socket to last, per byte, each way; the cheaper way serves every answer, and one large answer in
//! [`EXPLORE_EVERY`] still goes the other way so a change (another workload, a migrated VM) is
//! noticed. `MOONCAKE_TCP_STAGING_KIB` fixes the choice: a size in KiB always stages, `0` never does.
//!
//! WRITE payloads are not staged: receiving through a buffer measured no faster.

use std::io::{self, IoSlice};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use super::io::write_all_vectored;

/// Environment variable holding the staging size in KiB (`0` sends straight from registered memory,
/// `auto` or unset lets the node measure).
pub const STAGING_ENV: &str = "MOONCAKE_TCP_STAGING_KIB";
/// Staging size when staging: the fastest of 64, 256, 512 KiB and whole values in the A/B above.
pub const DEFAULT_STAGING: usize = 512 << 10;
/// Largest staging size accepted from the environment (per connection thread).
const MAX_STAGING_KIB: usize = 16 << 10;
/// Smallest answer timed to compare the two ways: large enough that a send's fixed costs (the
/// syscall, waking the reader) do not drown the per-byte ones.
pub const SAMPLE_MIN: usize = 256 << 10;
/// Timed answers each way before the comparison is trusted; until then they alternate.
const SAMPLES_TO_DECIDE: u64 = 8;
/// Once decided, one large answer in this many goes the other way to keep its cost current.
pub const EXPLORE_EVERY: u64 = 16;

/// How READ answers leave a node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StagingPolicy {
    /// Measure both ways on this host and use the cheaper (the default).
    #[default]
    Auto,
    /// Always through a staging buffer of this many bytes; `0`: always straight from memory.
    Fixed(usize),
}

/// The process's policy (read once from [`STAGING_ENV`]).
pub fn staging_from_env() -> StagingPolicy {
    static STAGING: OnceLock<StagingPolicy> = OnceLock::new();
    *STAGING.get_or_init(|| match std::env::var(STAGING_ENV) {
        Ok(text) => parse_policy(&text).unwrap_or_else(|| {
            tracing::warn!(
                value = %text,
                "{STAGING_ENV} must be auto or 0..={MAX_STAGING_KIB} (KiB); measuring both ways"
            );
            StagingPolicy::Auto
        }),
        Err(_) => StagingPolicy::Auto,
    })
}

fn parse_policy(text: &str) -> Option<StagingPolicy> {
    let text = text.trim();
    if text.is_empty() || text == "auto" {
        return Some(StagingPolicy::Auto);
    }
    let kib: usize = text.parse().ok()?;
    (kib <= MAX_STAGING_KIB).then_some(StagingPolicy::Fixed(kib << 10))
}

/// One node's running comparison of the two ways to send an answer, shared by its connection
/// threads. Costs are moving averages of nanoseconds per KiB; updates from two threads at once may
/// lose one sample, which only slows the average down.
#[derive(Debug, Default)]
pub struct Chooser {
    /// Per way (`[direct, staged]`): average ns per KiB, and answers timed.
    cost: [AtomicU64; 2],
    timed: [AtomicU64; 2],
    /// Large answers sent so far (paces exploration).
    large: AtomicU64,
    /// The way last logged: 0 undecided, 1 direct, 2 staged.
    logged: AtomicU8,
}

impl Chooser {
    /// Whether the next answer of `len` bytes goes through the staging buffer.
    pub fn stage(&self, len: usize) -> bool {
        let decided = self.decided();
        if len < SAMPLE_MIN {
            // Not timed: the cheaper way, or straight from memory while undecided.
            return decided && self.cheaper_is_staged();
        }
        let n = self.large.fetch_add(1, Relaxed);
        if !decided {
            return n % 2 == 1;
        }
        let best = self.cheaper_is_staged();
        if n % EXPLORE_EVERY == EXPLORE_EVERY - 1 {
            !best
        } else {
            best
        }
    }

    /// Records that an answer of `len` bytes took `nanos` to hand to the socket, `staged` or not.
    pub fn record(&self, staged: bool, len: usize, nanos: u64) {
        if len < SAMPLE_MIN {
            return;
        }
        let way = usize::from(staged);
        let sample = (nanos.saturating_mul(1024) / len as u64).max(1);
        let old = self.cost[way].load(Relaxed);
        // The first sample seeds the average; later ones move it by an eighth.
        let new = if old == 0 {
            sample
        } else {
            old - old / 8 + sample / 8
        };
        self.cost[way].store(new.max(1), Relaxed);
        self.timed[way].fetch_add(1, Relaxed);
        if let Some(staged) = self.decision() {
            let now = if staged { 2 } else { 1 };
            if self.logged.swap(now, Relaxed) != now {
                let [direct, staged_cost] = self.costs();
                tracing::info!(
                    way = if staged { "staged" } else { "direct" },
                    direct_ns_per_kib = direct,
                    staged_ns_per_kib = staged_cost,
                    "tcp: READ answers now leave {} (the cheaper way measured on this host)",
                    if staged {
                        "through a reused staging buffer"
                    } else {
                        "straight from segment memory"
                    }
                );
            }
        }
    }

    /// The way every answer takes once both have been timed enough (`Some(true)`: staged), or
    /// `None` while still measuring.
    pub fn decision(&self) -> Option<bool> {
        self.decided().then(|| self.cheaper_is_staged())
    }

    fn decided(&self) -> bool {
        self.timed.iter().all(|t| t.load(Relaxed) >= SAMPLES_TO_DECIDE)
    }

    /// Average ns per KiB of `[direct, staged]` answers so far (0: not timed yet).
    pub fn costs(&self) -> [u64; 2] {
        [self.cost[0].load(Relaxed), self.cost[1].load(Relaxed)]
    }

    fn cheaper_is_staged(&self) -> bool {
        let [direct, staged] = self.costs();
        staged < direct
    }
}

/// One connection's way of sending answers, with its staging buffer grown on first use to at most
/// one stretch.
pub(super) struct Staging<'a> {
    chunk: usize,
    buf: Vec<u8>,
    /// Set under [`StagingPolicy::Auto`]: decides per answer and learns from its timing.
    chooser: Option<&'a Chooser>,
}

impl<'a> Staging<'a> {
    pub(super) fn new(policy: StagingPolicy, chooser: &'a Chooser) -> Staging<'a> {
        let (chunk, chooser) = match policy {
            StagingPolicy::Auto => (DEFAULT_STAGING, Some(chooser)),
            StagingPolicy::Fixed(chunk) => (chunk, None),
        };
        Staging {
            chunk,
            buf: Vec::new(),
            chooser,
        }
    }

    /// Sends `head` (the status frame, or nothing for v1) then `data`. Returns how many bytes of
    /// `data` went through the staging buffer (all of them, or none).
    pub(super) fn send(&mut self, stream: &TcpStream, head: &[u8], data: &[u8]) -> io::Result<usize> {
        let stage = match self.chooser {
            _ if self.chunk == 0 || data.is_empty() => false,
            Some(chooser) => chooser.stage(data.len()),
            None => true,
        };
        // Only answers the chooser learns from are timed.
        let timed = self
            .chooser
            .filter(|_| data.len() >= SAMPLE_MIN)
            .map(|chooser| (chooser, Instant::now()));
        let staged = if stage {
            self.send_staged(stream, head, data)?
        } else {
            // Status and data in one gather write: Nagle can never hold back the data behind the
            // 8-byte frame (a separate send costs a delayed-ACK round, ~40 ms).
            write_all_vectored(stream, &mut [IoSlice::new(head), IoSlice::new(data)])?;
            0
        };
        if let Some((chooser, started)) = timed {
            chooser.record(stage, data.len(), started.elapsed().as_nanos() as u64);
        }
        Ok(staged)
    }

    fn send_staged(&mut self, stream: &TcpStream, head: &[u8], data: &[u8]) -> io::Result<usize> {
        let want = self.chunk.min(data.len());
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        let mut head = head;
        for piece in data.chunks(self.chunk) {
            let staged = &mut self.buf[..piece.len()];
            staged.copy_from_slice(piece);
            // The status frame rides with the first stretch, for the same reason as above.
            write_all_vectored(stream, &mut [IoSlice::new(head), IoSlice::new(staged)])?;
            head = &[];
        }
        Ok(data.len())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::test_support::tcp_pair as pair;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn staged_answers_arrive_whole_across_stretch_boundaries() {
        let (mut client, server) = pair();
        let chooser = Chooser::default();
        let mut staging = Staging::new(StagingPolicy::Fixed(4096), &chooser);
        // Shorter than, equal to, and not a multiple of the stretch.
        for len in [1usize, 4096, 3 * 4096 + 17] {
            let data = pattern(len);
            let sent = std::thread::scope(|s| {
                let sender = s.spawn(|| staging.send(&server, b"STATUS!!", &data).unwrap());
                let mut got = vec![0u8; 8 + len];
                client.read_exact(&mut got).unwrap();
                assert_eq!(&got[..8], b"STATUS!!", "status frame first, once");
                assert!(got[8..] == data[..], "{len} bytes arrive unchanged");
                sender.join().unwrap()
            });
            assert_eq!(sent, len, "every byte went through the staging buffer");
        }
        assert_eq!(staging.buf.len(), 4096, "the buffer never outgrows one stretch");
    }

    #[test]
    fn zero_stages_nothing() {
        let (mut client, server) = pair();
        let data = pattern(10_000);
        let chooser = Chooser::default();
        let mut staging = Staging::new(StagingPolicy::Fixed(0), &chooser);
        assert_eq!(staging.send(&server, &[], &data).unwrap(), 0);
        let mut got = vec![0u8; data.len()];
        client.read_exact(&mut got).unwrap();
        assert!(got == data);
        assert!(staging.buf.is_empty());
    }

    #[test]
    fn an_empty_answer_still_sends_its_status() {
        let (mut client, server) = pair();
        let chooser = Chooser::default();
        let mut staging = Staging::new(StagingPolicy::Fixed(4096), &chooser);
        assert_eq!(staging.send(&server, b"OK", &[]).unwrap(), 0);
        let mut got = [0u8; 2];
        client.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"OK");
    }

    #[test]
    fn staging_policies_from_the_environment() {
        assert_eq!(parse_policy(" 256 "), Some(StagingPolicy::Fixed(256 << 10)));
        assert_eq!(parse_policy("0"), Some(StagingPolicy::Fixed(0)));
        assert_eq!(parse_policy("16384"), Some(StagingPolicy::Fixed(16 << 20)));
        assert_eq!(parse_policy("auto"), Some(StagingPolicy::Auto));
        assert_eq!(parse_policy(""), Some(StagingPolicy::Auto));
        assert_eq!(parse_policy("16385"), None);
        assert_eq!(parse_policy("-1"), None);
        assert_eq!(parse_policy("big"), None);
    }

    /// Feeds the chooser `rounds` large answers whose cost per KiB is `direct` or `staged` ns, as
    /// it picks them; returns how many it staged.
    fn drive(chooser: &Chooser, rounds: u64, direct: u64, staged: u64) -> u64 {
        let mut staged_answers = 0;
        for _ in 0..rounds {
            let stage = chooser.stage(SAMPLE_MIN);
            let per_kib = if stage { staged } else { direct };
            chooser.record(stage, SAMPLE_MIN, per_kib * (SAMPLE_MIN as u64 / 1024));
            staged_answers += u64::from(stage);
        }
        staged_answers
    }

    #[test]
    fn the_chooser_tries_both_ways_then_keeps_the_cheaper_and_still_checks_the_other() {
        let chooser = Chooser::default();
        // Undecided: answers alternate, and small ones go straight from memory.
        assert_eq!(
            drive(&chooser, 2 * SAMPLES_TO_DECIDE, 300, 100),
            SAMPLES_TO_DECIDE
        );
        assert_eq!(chooser.costs(), [300, 100]);
        // Staging is cheaper here: nearly every answer stages, one in EXPLORE_EVERY does not.
        let rounds = 10 * EXPLORE_EVERY;
        assert_eq!(drive(&chooser, rounds, 300, 100), rounds - 10);
        assert!(chooser.stage(4096), "small answers follow the decision");
        // The host changes (the direct way gets cheap): the explored answers notice and it flips.
        drive(&chooser, 40 * EXPLORE_EVERY, 50, 100);
        assert!(chooser.costs()[0] < chooser.costs()[1], "{:?}", chooser.costs());
        assert_eq!(drive(&chooser, rounds, 50, 100), 10);
        assert!(!chooser.stage(4096));
        assert_eq!(chooser.decision(), Some(false));
    }

    #[test]
    fn small_answers_are_not_timed() {
        let chooser = Chooser::default();
        chooser.record(true, SAMPLE_MIN - 1, 1_000_000);
        assert_eq!(chooser.costs(), [0, 0]);
        assert!(!chooser.stage(SAMPLE_MIN - 1), "undecided: straight from memory");
    }
}
