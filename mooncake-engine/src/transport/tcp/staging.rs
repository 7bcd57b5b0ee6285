//! Staged sends: a READ's answer leaves through a small per-connection buffer instead of straight
//! from registered memory.
//!
//! Why: on the dev VM (a nested, shadow-paged guest) the kernel's copy out of user memory it has not
//! touched recently is the slowest step of a remote get. Profiled over 3000 gets of 1 MiB, the storage
//! node's `send` spent ≈300 µs per MiB copying from its segment, while sending the same bytes from a
//! buffer it reuses cost ≈80 µs. Copying each stretch of the value into a reused buffer first (a
//! plain `memcpy` in user space) and sending from there made remote gets of 1–4 MiB 1.5× faster in
//! an A/B of one binary (median of 3 rounds: 1 MiB 1556 → 2407 MB/s, 4 MiB 1648 → 2488 MB/s); 512 KiB
//! stretches beat 256 KiB and 64 KiB (more syscalls, more wake-ups of the receiver). On bare metal the
//! extra copy reads from L2 and costs a few per cent; `MOONCAKE_TCP_STAGING_KIB=0` turns it off.
//!
//! WRITE payloads are not staged: receiving through a buffer measured no faster.

use std::io::{self, IoSlice};
use std::net::TcpStream;
use std::sync::OnceLock;

use super::io::write_all_vectored;

/// Environment variable holding the staging size in KiB (`0` sends straight from registered memory).
pub const STAGING_ENV: &str = "MOONCAKE_TCP_STAGING_KIB";
/// Default staging size: the fastest of 64, 256, 512 KiB and whole values in the A/B above.
pub const DEFAULT_STAGING: usize = 512 << 10;
/// Largest staging size accepted from the environment (per connection thread).
const MAX_STAGING_KIB: usize = 16 << 10;

/// The process's staging size in bytes (read once from [`STAGING_ENV`]).
pub fn staging_from_env() -> usize {
    static STAGING: OnceLock<usize> = OnceLock::new();
    *STAGING.get_or_init(|| match std::env::var(STAGING_ENV) {
        Ok(text) => parse_kib(&text).unwrap_or_else(|| {
            tracing::warn!(
                value = %text,
                "{STAGING_ENV} must be 0..={MAX_STAGING_KIB} (KiB); using {} KiB",
                DEFAULT_STAGING >> 10
            );
            DEFAULT_STAGING
        }),
        Err(_) => DEFAULT_STAGING,
    })
}

fn parse_kib(text: &str) -> Option<usize> {
    let kib: usize = text.trim().parse().ok()?;
    (kib <= MAX_STAGING_KIB).then_some(kib << 10)
}

/// One connection's staging buffer, grown on first use to at most `chunk` bytes.
pub(super) struct Staging {
    chunk: usize,
    buf: Vec<u8>,
}

impl Staging {
    /// `chunk` 0: every answer is sent straight from registered memory.
    pub(super) fn new(chunk: usize) -> Staging {
        Staging {
            chunk,
            buf: Vec::new(),
        }
    }

    /// Sends `head` (the status frame, or nothing for v1) then `data`. Returns how many bytes of
    /// `data` went through the staging buffer (all of them, or none when staging is off).
    pub(super) fn send(&mut self, stream: &TcpStream, head: &[u8], data: &[u8]) -> io::Result<usize> {
        if self.chunk == 0 || data.is_empty() {
            // Status and data in one gather write: Nagle can never hold back the data behind the
            // 8-byte frame (a separate send costs a delayed-ACK round, ~40 ms).
            write_all_vectored(stream, &mut [IoSlice::new(head), IoSlice::new(data)])?;
            return Ok(0);
        }
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
        let mut staging = Staging::new(4096);
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
        let mut staging = Staging::new(0);
        assert_eq!(staging.send(&server, &[], &data).unwrap(), 0);
        let mut got = vec![0u8; data.len()];
        client.read_exact(&mut got).unwrap();
        assert!(got == data);
        assert!(staging.buf.is_empty());
    }

    #[test]
    fn an_empty_answer_still_sends_its_status() {
        let (mut client, server) = pair();
        let mut staging = Staging::new(4096);
        assert_eq!(staging.send(&server, b"OK", &[]).unwrap(), 0);
        let mut got = [0u8; 2];
        client.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"OK");
    }

    #[test]
    fn staging_sizes_from_the_environment() {
        assert_eq!(parse_kib(" 256 "), Some(256 << 10));
        assert_eq!(parse_kib("0"), Some(0));
        assert_eq!(parse_kib("16384"), Some(16 << 20));
        assert_eq!(parse_kib("16385"), None);
        assert_eq!(parse_kib("-1"), None);
        assert_eq!(parse_kib("big"), None);
    }
}
