//! The snapshot file format: a fixed header (magic, format version, body length, CRC-32 of the body)
//! followed by the prost-encoded `MetadataImage`.
//!
//! Layout, little-endian:
//!
//! | offset | size | field                                   |
//! |--------|------|-----------------------------------------|
//! | 0      | 8    | magic `MCSNAPSH`                        |
//! | 8      | 4    | format version (u32, currently 1)       |
//! | 12     | 8    | body length in bytes (u64)              |
//! | 20     | 4    | CRC-32 (IEEE) of the body (u32)         |
//! | 24     | n    | body: `mooncake.master.v1.MetadataImage` |
//!
//! Decoding checks the header before the body and names what is wrong: a file that is not a snapshot
//! (bad magic), one written by a newer format (unsupported version), one cut short (truncated), one
//! whose bytes changed (checksum mismatch). A later format version adds a decoder here and migrates
//! its output to the current image type.

use mooncake_proto::master::MetadataImage;
use prost::Message;

/// The first eight bytes of every snapshot file.
pub const MAGIC: [u8; 8] = *b"MCSNAPSH";
/// The format this build writes.
pub const FORMAT_VERSION: u32 = 1;
/// Header length in bytes.
pub const HEADER_LEN: usize = 24;

/// Why bytes are not a valid snapshot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not a Mooncake snapshot (bad magic bytes {found:02x?})")]
    BadMagic { found: Vec<u8> },
    #[error("unsupported snapshot format version {found} (this build reads version {FORMAT_VERSION})")]
    UnsupportedVersion { found: u32 },
    #[error("truncated snapshot: {what} needs {expected} bytes, only {actual} present")]
    Truncated {
        what: &'static str,
        expected: u64,
        actual: u64,
    },
    #[error("snapshot has {extra} bytes after its declared end")]
    TrailingBytes { extra: u64 },
    #[error("snapshot checksum mismatch: header says {stored:08x}, body hashes to {computed:08x}")]
    ChecksumMismatch { stored: u32, computed: u32 },
    #[error("snapshot body does not decode as a metadata image: {0}")]
    Body(String),
}

/// The fixed part of a snapshot file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u32,
    pub body_len: u64,
    pub crc32: u32,
}

/// Encodes `image` as a complete snapshot file.
pub fn encode(image: &MetadataImage) -> Vec<u8> {
    let body_len = image.encoded_len();
    let mut out = Vec::with_capacity(HEADER_LEN + body_len);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body_len as u64).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    // Encoding into a Vec cannot run out of space.
    image.encode_raw(&mut out);
    let crc = crc32fast::hash(&out[HEADER_LEN..]);
    out[20..24].copy_from_slice(&crc.to_le_bytes());
    out
}

/// Reads and checks the header: magic, version, and that the body is exactly as long as declared.
pub fn header(bytes: &[u8]) -> Result<Header, FormatError> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(FormatError::BadMagic {
            found: bytes[..magic_len].to_vec(),
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(FormatError::Truncated {
            what: "the header",
            expected: HEADER_LEN as u64,
            actual: bytes.len() as u64,
        });
    }
    let u32_at = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(FormatError::UnsupportedVersion { found: version });
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[12..20]);
    let body_len = u64::from_le_bytes(len);
    let actual = (bytes.len() - HEADER_LEN) as u64;
    if actual < body_len {
        return Err(FormatError::Truncated {
            what: "the body",
            expected: body_len,
            actual,
        });
    }
    if actual > body_len {
        return Err(FormatError::TrailingBytes {
            extra: actual - body_len,
        });
    }
    Ok(Header {
        version,
        body_len,
        crc32: u32_at(20),
    })
}

/// Checks header and checksum without decoding the body.
pub fn verify(bytes: &[u8]) -> Result<Header, FormatError> {
    let header = header(bytes)?;
    let computed = crc32fast::hash(&bytes[HEADER_LEN..]);
    if computed != header.crc32 {
        return Err(FormatError::ChecksumMismatch {
            stored: header.crc32,
            computed,
        });
    }
    Ok(header)
}

/// Checks and decodes a snapshot file.
pub fn decode(bytes: &[u8]) -> Result<(Header, MetadataImage), FormatError> {
    let header = verify(bytes)?;
    let image =
        MetadataImage::decode(&bytes[HEADER_LEN..]).map_err(|error| FormatError::Body(error.to_string()))?;
    Ok((header, image))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use mooncake_proto::master::{ImageObject, ImageReplica, ImageSegment, Segment};

    use super::*;

    fn image(objects: usize) -> MetadataImage {
        MetadataImage {
            view_version: 7,
            created_at_unix_ms: 1_700_000_000_000,
            last_change: 3,
            segments: vec![ImageSegment {
                segment: Some(Segment {
                    id: "0b7c0d8e-7a3c-4f57-9a55-0d2b0d1c6a11".into(),
                    name: "127.0.0.1:1234".into(),
                    base: 0x7f00_0000_0000,
                    size: 1 << 30,
                    te_endpoint: "127.0.0.1:1234".into(),
                    protocol: "tcp".into(),
                    host_id: "127.0.0.1".into(),
                    cxl: false,
                }),
                owner: "5a1e4c2b-1d3f-4e5a-8b6c-7d8e9f0a1b2c".into(),
                drain_remaining_ms: 0,
            }],
            objects: (0..objects)
                .map(|i| ImageObject {
                    key: format!("key-{i}"),
                    size: 4096,
                    replicas: vec![ImageReplica {
                        segment_id: "0b7c0d8e-7a3c-4f57-9a55-0d2b0d1c6a11".into(),
                        offset: i as u64 * 4096,
                    }],
                    hard_pinned: i % 2 == 0,
                    soft_pin_remaining_ms: 0,
                    checksum: Some(i as u64),
                    owner: "5a1e4c2b-1d3f-4e5a-8b6c-7d8e9f0a1b2c".into(),
                })
                .collect(),
            in_progress: Vec::new(),
        }
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let original = image(100);
        let bytes = encode(&original);
        assert_eq!(&bytes[..8], b"MCSNAPSH");
        let (header, decoded) = decode(&bytes).unwrap();
        assert_eq!(header.version, FORMAT_VERSION);
        assert_eq!(header.body_len as usize, bytes.len() - HEADER_LEN);
        assert_eq!(decoded, original);
    }

    #[test]
    fn empty_image_round_trips() {
        let bytes = encode(&MetadataImage::default());
        assert_eq!(bytes.len(), HEADER_LEN);
        assert_eq!(decode(&bytes).unwrap().1, MetadataImage::default());
    }

    #[test]
    fn bad_magic_is_named() {
        let mut bytes = encode(&image(3));
        bytes[0] = b'X';
        assert!(matches!(decode(&bytes), Err(FormatError::BadMagic { .. })));
        let text = decode(b"hello world, not a snapshot").unwrap_err().to_string();
        assert!(text.contains("bad magic"), "{text}");
        assert!(matches!(decode(b""), Err(FormatError::Truncated { .. })));
    }

    #[test]
    fn newer_versions_are_refused() {
        let mut bytes = encode(&image(3));
        bytes[8..12].copy_from_slice(&2u32.to_le_bytes());
        let error = decode(&bytes).unwrap_err();
        assert_eq!(error, FormatError::UnsupportedVersion { found: 2 });
        assert!(
            error
                .to_string()
                .contains("unsupported snapshot format version 2")
        );
    }

    #[test]
    fn truncation_anywhere_is_detected() {
        let bytes = encode(&image(50));
        for cut in [
            1,
            8,
            12,
            HEADER_LEN - 1,
            HEADER_LEN,
            HEADER_LEN + 1,
            bytes.len() / 2,
            bytes.len() - 1,
        ] {
            let error = decode(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(error, FormatError::Truncated { .. }),
                "cut at {cut}: {error}"
            );
            assert!(error.to_string().starts_with("truncated snapshot"));
        }
    }

    #[test]
    fn trailing_bytes_are_detected() {
        let mut bytes = encode(&image(2));
        bytes.extend_from_slice(b"junk");
        assert_eq!(
            decode(&bytes).unwrap_err(),
            FormatError::TrailingBytes { extra: 4 }
        );
    }

    #[test]
    fn a_flipped_bit_fails_the_checksum() {
        let bytes = encode(&image(20));
        for at in [HEADER_LEN, HEADER_LEN + 17, bytes.len() - 1] {
            let mut corrupt = bytes.clone();
            corrupt[at] ^= 0x01;
            let error = decode(&corrupt).unwrap_err();
            assert!(matches!(error, FormatError::ChecksumMismatch { .. }), "{error}");
            assert!(error.to_string().contains("checksum mismatch"));
        }
        // A damaged stored checksum is a mismatch too.
        let mut corrupt = bytes.clone();
        corrupt[21] ^= 0xff;
        assert!(matches!(
            verify(&corrupt),
            Err(FormatError::ChecksumMismatch { .. })
        ));
    }

    #[test]
    fn a_body_that_is_not_an_image_is_named() {
        // Valid header and checksum around bytes that are not a protobuf message.
        let body = [0xffu8; 8];
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        bytes.extend_from_slice(&body);
        assert!(matches!(decode(&bytes), Err(FormatError::Body(_))));
    }
}
