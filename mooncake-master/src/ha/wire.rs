//! The replication channel's wire format. A standby opens a TCP connection to the leader's RPC port
//! and sends [`FOLLOW_MAGIC`] (the port's sniffer routes it here) and one frame holding a
//! `FollowRequest` (its name). The leader answers with frames of `FollowEvent` — the image, then one
//! change each — and the standby writes back, after each event it applied, the highest change it
//! applied as 8 bytes (u64 little-endian). A frame is a u32 little-endian length and a prost body; a
//! frame of length 0 means "the leader let you go" (you lagged, or it stepped down).
//!
//! Both ends run on dedicated threads with blocking sockets: a change costs the leader's handler one
//! wake-up of the writer thread, the standby reads, applies and acknowledges on one thread, and the
//! acknowledgement wakes the handler from the leader's reader thread — no async relays in between.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use prost::Message;

/// First bytes of a replication connection.
pub const FOLLOW_MAGIC: &[u8; 8] = b"MCFOLLOW";
/// Largest frame accepted (an image of many millions of keys is a few hundred MiB).
pub const MAX_FRAME: usize = 1 << 31;

/// Appends one frame holding `message` to `out`.
pub fn encode_frame(out: &mut Vec<u8>, message: &impl Message) {
    let len = message.encoded_len();
    out.reserve(4 + len);
    out.extend_from_slice(&(len as u32).to_le_bytes());
    // Encoding into a Vec with room reserved cannot fail.
    let _ = message.encode(out);
}

/// Appends the "let go" frame.
pub fn encode_let_go(out: &mut Vec<u8>) {
    out.extend_from_slice(&0u32.to_le_bytes());
}

/// Reads exactly `buf.len()` bytes; a read timeout is not an error but a chance to check `stop`
/// (then `Interrupted` is returned).
pub fn read_exact_or_stop(stream: &mut impl Read, buf: &mut [u8], stop: &AtomicBool) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        match stream.read(&mut buf[filled..]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                if stop.load(Ordering::Relaxed) {
                    return Err(io::ErrorKind::Interrupted.into());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads one frame into `body`; `Ok(false)` for the "let go" frame.
pub fn read_frame(stream: &mut impl Read, body: &mut Vec<u8>, stop: &AtomicBool) -> io::Result<bool> {
    let mut header = [0u8; 4];
    read_exact_or_stop(stream, &mut header, stop)?;
    let len = u32::from_le_bytes(header) as usize;
    if len == 0 {
        return Ok(false);
    }
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("replication frame of {len} bytes exceeds the limit"),
        ));
    }
    body.clear();
    // Grown as bytes arrive: a corrupt length alone never allocates gigabytes.
    let mut remaining = len;
    while remaining > 0 {
        let chunk = remaining.min(1 << 20);
        let start = body.len();
        body.resize(start + chunk, 0);
        read_exact_or_stop(stream, &mut body[start..], stop)?;
        remaining -= chunk;
    }
    Ok(true)
}

/// Writes an acknowledgement.
pub fn write_ack(stream: &mut impl Write, applied: u64) -> io::Result<()> {
    stream.write_all(&applied.to_le_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use mooncake_proto::master::FollowRequest;

    use super::*;

    #[test]
    fn frames_round_trip_and_let_go_is_recognised() {
        let mut out = Vec::new();
        let hello = FollowRequest {
            follower: "standby-1".into(),
            applied: 7,
        };
        encode_frame(&mut out, &hello);
        encode_let_go(&mut out);
        let (stop, mut body) = (AtomicBool::new(false), Vec::new());
        let mut input = &out[..];
        assert!(read_frame(&mut input, &mut body, &stop).unwrap());
        assert_eq!(FollowRequest::decode(&body[..]).unwrap(), hello);
        assert!(!read_frame(&mut input, &mut body, &stop).unwrap(), "let go");
        assert_eq!(
            read_frame(&mut input, &mut body, &stop).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }
}
