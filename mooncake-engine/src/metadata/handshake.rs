//! The handshake frame codec of Mooncake's transfer engine (P2P metadata exchange, notify, probe and
//! the RDMA connection handshake all use it), as pure functions plus async read/write helpers.
//!
//! A frame, in both directions:
//!
//! ```text
//! u64 little-endian   L = 1 + payload length
//! u8                  request type: 0 Connection, 1 Metadata, 2 Notify, 3 Probe
//! L - 1 bytes         JSON text (compact, ending in '\n' as jsoncpp's FastWriter writes it)
//! ```
//!
//! Legacy frames (older engines) carry no type byte: `L` is the payload length and the payload starts
//! directly with the JSON text. The reader tells them apart by the first body byte: a value above 3
//! cannot be a type byte (JSON starts with `{`, `[`, whitespace, …), so the frame is legacy and is
//! handled as a Connection request; its reply is written legacy too.
//!
//! `L` is checked against a limit *before* anything is allocated, so a peer cannot make us reserve
//! memory by announcing a huge frame. `L = 0` is refused (there would be neither type byte nor JSON).

use std::fmt;

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::error::FrameError;

/// Size of the length header.
pub const HEADER_LEN: usize = 8;

/// Default limit on `L`, as Mooncake's `MC_HANDSHAKE_MAX_LENGTH` default (1 MiB).
pub const DEFAULT_MAX_FRAME_LEN: usize = 1 << 20;

/// Largest limit Mooncake accepts for `MC_HANDSHAKE_MAX_LENGTH` (128 MiB).
pub const MAX_FRAME_LEN_LIMIT: usize = 128 << 20;

/// The request type byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RequestType {
    /// RDMA queue-pair handshake (and what legacy frames mean).
    Connection = 0,
    /// Segment descriptor exchange (P2P metadata mode).
    Metadata = 1,
    /// A notification message queued for the application.
    Notify = 2,
    /// Liveness check.
    Probe = 3,
}

impl RequestType {
    /// The type for a type byte, if it is one.
    pub fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            0 => Some(Self::Connection),
            1 => Some(Self::Metadata),
            2 => Some(Self::Notify),
            3 => Some(Self::Probe),
            _ => None,
        }
    }

    /// Lower-case name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connection => "connection",
            Self::Metadata => "metadata",
            Self::Notify => "notify",
            Self::Probe => "probe",
        }
    }
}

/// How a frame is laid out: with a type byte, or legacy (none, meaning Connection).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameKind {
    /// Current framing: a type byte follows the length.
    Typed(RequestType),
    /// Old framing: no type byte; treated as a Connection request.
    Legacy,
}

impl FrameKind {
    /// What the frame asks for: its type, or Connection for a legacy frame.
    pub fn request_type(self) -> RequestType {
        match self {
            Self::Typed(kind) => kind,
            Self::Legacy => RequestType::Connection,
        }
    }
}

impl fmt::Display for FrameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Typed(kind) => f.write_str(kind.as_str()),
            Self::Legacy => f.write_str("legacy (untyped)"),
        }
    }
}

/// One decoded frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Typed or legacy.
    pub kind: FrameKind,
    /// The JSON text (type byte removed).
    pub payload: Vec<u8>,
}

/// The body length `L` announced by a header, checked against `max`.
pub fn body_len(header: [u8; HEADER_LEN], max: usize) -> Result<usize, FrameError> {
    let len = u64::from_le_bytes(header);
    if len == 0 {
        return Err(FrameError::Empty);
    }
    match usize::try_from(len) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(FrameError::TooLong { len, max }),
    }
}

/// Splits a (non-empty) body into its kind and payload.
pub fn split_body(mut body: Vec<u8>) -> Frame {
    match body.first().copied().and_then(RequestType::from_byte) {
        Some(kind) => {
            body.remove(0);
            Frame {
                kind: FrameKind::Typed(kind),
                payload: body,
            }
        }
        None => Frame {
            kind: FrameKind::Legacy,
            payload: body,
        },
    }
}

/// Decodes one frame from the start of `buf`: `Ok(None)` while incomplete, otherwise the frame and
/// how many bytes of `buf` it used.
pub fn decode_frame(buf: &[u8], max: usize) -> Result<Option<(Frame, usize)>, FrameError> {
    let Some((header, rest)) = buf.split_first_chunk::<HEADER_LEN>() else {
        return Ok(None);
    };
    let len = body_len(*header, max)?;
    let Some(body) = rest.get(..len) else {
        return Ok(None);
    };
    Ok(Some((split_body(body.to_vec()), HEADER_LEN + len)))
}

/// Encodes one frame. A legacy frame is written without a type byte (its payload must then not start
/// with a byte ≤ 3, which JSON text never does).
pub fn encode_frame(kind: FrameKind, payload: &[u8]) -> Vec<u8> {
    let type_len = usize::from(matches!(kind, FrameKind::Typed(_)));
    let body_len = payload.len() + type_len;
    let mut out = Vec::with_capacity(HEADER_LEN + body_len);
    out.extend_from_slice(&(body_len as u64).to_le_bytes());
    if let FrameKind::Typed(kind) = kind {
        out.push(kind as u8);
    }
    out.extend_from_slice(payload);
    out
}

/// A JSON payload as Mooncake's engines write it: compact, object keys sorted (jsoncpp's order, since
/// `serde_json::Value` maps are ordered), ending in `\n`.
pub fn json_payload<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = serde_json::to_vec(&serde_json::to_value(value)?)?;
    out.push(b'\n');
    Ok(out)
}

/// [`json_payload`] of an already built JSON value, which cannot fail.
pub fn value_payload(value: &serde_json::Value) -> Vec<u8> {
    let mut out = value.to_string().into_bytes();
    out.push(b'\n');
    out
}

/// Why [`read_frame`] gave up.
#[derive(Debug, thiserror::Error)]
pub enum ReadFrameError {
    /// The connection failed or ended before a whole frame arrived.
    #[error("reading a handshake frame")]
    Io(#[from] std::io::Error),
    /// The header announced an unacceptable length.
    #[error(transparent)]
    Frame(#[from] FrameError),
}

/// Reads one frame. The body buffer grows as bytes arrive, so a peer that announces `max` bytes and
/// then stalls holds only what it actually sent.
pub async fn read_frame<R: AsyncRead + Unpin>(reader: &mut R, max: usize) -> Result<Frame, ReadFrameError> {
    let mut header = [0u8; HEADER_LEN];
    reader.read_exact(&mut header).await?;
    let len = body_len(header, max)?;
    let mut body = Vec::with_capacity(len.min(64 * 1024));
    let read = reader.take(len as u64).read_to_end(&mut body).await?;
    if read < len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("handshake frame truncated: {read} of {len} bytes"),
        )
        .into());
    }
    Ok(split_body(body))
}

/// Writes one frame and flushes it.
pub async fn write_frame<W: AsyncWrite + Unpin>(
    writer: &mut W,
    kind: FrameKind,
    payload: &[u8],
) -> std::io::Result<()> {
    writer.write_all(&encode_frame(kind, payload)).await?;
    writer.flush().await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const MAX: usize = DEFAULT_MAX_FRAME_LEN;

    #[test]
    fn typed_frame_round_trips_with_l_counting_the_type_byte() {
        let payload = b"{\"name\":\"a\"}\n";
        let bytes = encode_frame(FrameKind::Typed(RequestType::Metadata), payload);
        assert_eq!(&bytes[..8], &(payload.len() as u64 + 1).to_le_bytes());
        assert_eq!(bytes[8], 1);
        assert_eq!(&bytes[9..], payload);
        let (frame, used) = decode_frame(&bytes, MAX).unwrap().unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(frame.kind, FrameKind::Typed(RequestType::Metadata));
        assert_eq!(frame.payload, payload);
    }

    #[test]
    fn every_type_byte_decodes() {
        for (byte, kind) in [
            (0, RequestType::Connection),
            (1, RequestType::Metadata),
            (2, RequestType::Notify),
            (3, RequestType::Probe),
        ] {
            let bytes = encode_frame(FrameKind::Typed(kind), b"{}\n");
            assert_eq!(bytes[8], byte);
            let (frame, _) = decode_frame(&bytes, MAX).unwrap().unwrap();
            assert_eq!(frame.kind.request_type(), kind);
        }
    }

    #[test]
    fn legacy_frame_has_no_type_byte_and_means_connection() {
        let payload = br#"{"local_nic_path":"a@mlx5_0"}"#;
        let mut bytes = (payload.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(payload);
        let (frame, used) = decode_frame(&bytes, MAX).unwrap().unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(frame.kind, FrameKind::Legacy);
        assert_eq!(frame.kind.request_type(), RequestType::Connection);
        assert_eq!(frame.payload, payload);
        // Replies to legacy frames are written legacy, byte-identical to what came in.
        assert_eq!(encode_frame(FrameKind::Legacy, payload), bytes);
    }

    #[test]
    fn incomplete_input_asks_for_more() {
        let bytes = encode_frame(FrameKind::Typed(RequestType::Probe), b"{}\n");
        for cut in 0..bytes.len() {
            assert_eq!(decode_frame(&bytes[..cut], MAX).unwrap(), None, "cut at {cut}");
        }
        // Trailing bytes after the frame are left alone.
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        assert_eq!(decode_frame(&two, MAX).unwrap().unwrap().1, bytes.len());
    }

    #[test]
    fn zero_and_oversize_lengths_are_refused_before_reading_the_body() {
        assert_eq!(decode_frame(&0u64.to_le_bytes(), MAX), Err(FrameError::Empty));
        let too_long = (MAX as u64 + 1).to_le_bytes();
        assert_eq!(
            decode_frame(&too_long, MAX),
            Err(FrameError::TooLong {
                len: MAX as u64 + 1,
                max: MAX
            })
        );
        assert_eq!(body_len((MAX as u64).to_le_bytes(), MAX), Ok(MAX));
        assert!(matches!(
            body_len(u64::MAX.to_le_bytes(), MAX),
            Err(FrameError::TooLong { .. })
        ));
    }

    #[test]
    fn http_and_tls_probes_are_oversize_frames() {
        // Port scanners and misdirected clients: their first 8 bytes read as an absurd length.
        assert!(matches!(
            decode_frame(b"GET / HTTP/1.1\r\n\r\n", MAX),
            Err(FrameError::TooLong { .. })
        ));
        assert!(matches!(
            decode_frame(&[0x16, 0x03, 0x01, 0x05, 0xc2, 0x01, 0x00, 0x05], MAX),
            Err(FrameError::TooLong { .. })
        ));
    }

    #[test]
    fn json_payload_is_compact_sorted_and_newline_terminated() {
        #[derive(Serialize)]
        struct Reply {
            status: &'static str,
            a_first: u8,
        }
        let bytes = json_payload(&Reply {
            status: "success",
            a_first: 1,
        })
        .unwrap();
        assert_eq!(bytes, b"{\"a_first\":1,\"status\":\"success\"}\n");
    }

    #[tokio::test]
    async fn async_reader_and_writer_round_trip_and_catch_truncation() {
        let mut wire = Vec::new();
        write_frame(&mut wire, FrameKind::Typed(RequestType::Notify), b"{}\n")
            .await
            .unwrap();
        let frame = read_frame(&mut wire.as_slice(), MAX).await.unwrap();
        assert_eq!(frame.kind, FrameKind::Typed(RequestType::Notify));
        assert_eq!(frame.payload, b"{}\n");

        let truncated = &wire[..wire.len() - 1];
        let err = read_frame(&mut &truncated[..], MAX).await.unwrap_err();
        assert!(matches!(err, ReadFrameError::Io(_)), "{err:?}");

        let oversize = (MAX as u64 + 1).to_le_bytes();
        let err = read_frame(&mut &oversize[..], MAX).await.unwrap_err();
        assert!(matches!(err, ReadFrameError::Frame(FrameError::TooLong { .. })));
    }
}
