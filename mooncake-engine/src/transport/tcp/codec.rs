//! Wire format of Mooncake's TCP transport: the 24-byte request header and the 8-byte v2 status
//! frame, as pure encode/decode functions (reference/mooncake-engine.md §3.2–3.3).
//!
//! ```text
//! header  offset 0  u64 LE size    bytes to move (> 0)
//!         offset 8  u64 LE addr    absolute virtual address in the server's registered memory
//!         offset 16 u8     opcode  0 = READ (server → client), 1 = WRITE; | 0x80 = protocol v2
//!         offset 17 7 bytes        padding (C struct padding: sent as zero, ignored on receipt)
//! status  u64 LE: high 32 bits magic 0x4D435456 ("MCTV"), low 32 bits 0 = OK, 1 = rejected
//! ```

/// Length of a request header on the wire (the C struct is not packed: always 24 bytes).
pub const HEADER_LEN: usize = 24;
/// Length of a v2 status frame.
pub const STATUS_LEN: usize = 8;
/// High 32 bits of every status frame.
pub const STATUS_MAGIC: u32 = 0x4D43_5456;

const OP_READ: u8 = 0;
const OP_WRITE: u8 = 1;
const V2_FLAG: u8 = 0x80;

/// Direction of a request, seen from the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opcode {
    /// Server memory → client.
    Read,
    /// Client → server memory.
    Write,
}

/// Protocol version of one request. v1 has no status frames; v2 answers every request with one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    /// The version to speak to a peer that published `tcp_proto_version` (missing means 1).
    pub fn for_peer(tcp_proto_version: u32) -> Version {
        if tcp_proto_version >= 2 {
            Version::V2
        } else {
            Version::V1
        }
    }
}

/// One decoded request header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestHeader {
    pub size: u64,
    pub addr: u64,
    pub opcode: Opcode,
    pub version: Version,
}

/// Why a header was refused. `version` says whether the sender expects a status frame, so the
/// server knows whether to send the reject frame before closing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("unknown opcode {opcode:#04x}")]
    UnknownOpcode { opcode: u8, version: Version },
    #[error("zero-length request")]
    ZeroSize { version: Version },
    #[error("address range {addr:#x}+{size} overflows")]
    Overflow { addr: u64, size: u64, version: Version },
}

impl HeaderError {
    /// The version the malformed header claimed (decides whether a reject frame is due).
    pub fn version(&self) -> Version {
        match *self {
            HeaderError::UnknownOpcode { version, .. }
            | HeaderError::ZeroSize { version }
            | HeaderError::Overflow { version, .. } => version,
        }
    }
}

impl RequestHeader {
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..8].copy_from_slice(&self.size.to_le_bytes());
        out[8..16].copy_from_slice(&self.addr.to_le_bytes());
        let op = match self.opcode {
            Opcode::Read => OP_READ,
            Opcode::Write => OP_WRITE,
        };
        out[16] = match self.version {
            Version::V1 => op,
            Version::V2 => op | V2_FLAG,
        };
        out
    }

    /// Decodes and sanity-checks a header. Whether the range is registered is the server's check.
    pub fn decode(bytes: &[u8; HEADER_LEN]) -> Result<RequestHeader, HeaderError> {
        let size = u64::from_le_bytes(le8(bytes, 0));
        let addr = u64::from_le_bytes(le8(bytes, 8));
        let raw = bytes[16];
        let version = if raw & V2_FLAG != 0 {
            Version::V2
        } else {
            Version::V1
        };
        let opcode = match raw & !V2_FLAG {
            OP_READ => Opcode::Read,
            OP_WRITE => Opcode::Write,
            _ => return Err(HeaderError::UnknownOpcode { opcode: raw, version }),
        };
        if size == 0 {
            return Err(HeaderError::ZeroSize { version });
        }
        if addr.checked_add(size).is_none() {
            return Err(HeaderError::Overflow { addr, size, version });
        }
        Ok(RequestHeader {
            size,
            addr,
            opcode,
            version,
        })
    }
}

fn le8(bytes: &[u8], at: usize) -> [u8; 8] {
    let mut out = [0u8; 8];
    out.copy_from_slice(&bytes[at..at + 8]);
    out
}

/// Outcome a v2 server reports for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// The address range is not inside a registered buffer (or the header was malformed); the
    /// server closes the connection after this frame.
    Rejected,
}

/// Why a status frame was not understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// No magic: Mooncake's client takes this for a legacy (v1) peer and fails the transfer.
    #[error("status frame {0:#018x} lacks the MCTV magic (a v1 peer?)")]
    BadMagic(u64),
    #[error("unknown status code {0}")]
    UnknownCode(u32),
}

pub fn encode_status(status: Status) -> [u8; STATUS_LEN] {
    let code: u64 = match status {
        Status::Ok => 0,
        Status::Rejected => 1,
    };
    ((u64::from(STATUS_MAGIC) << 32) | code).to_le_bytes()
}

pub fn decode_status(bytes: &[u8; STATUS_LEN]) -> Result<Status, StatusError> {
    let raw = u64::from_le_bytes(*bytes);
    if (raw >> 32) as u32 != STATUS_MAGIC {
        return Err(StatusError::BadMagic(raw));
    }
    match raw as u32 {
        0 => Ok(Status::Ok),
        1 => Ok(Status::Rejected),
        code => Err(StatusError::UnknownCode(code)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_observed_v2_write_header() {
        // Captured from a real Mooncake 0.3.13 initiator: a 4096-byte v2 WRITE.
        let wire: [u8; 24] = [
            0x00, 0x10, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x32, 0x6f, 0x7f, 0, 0, 0x81, 0, 0, 0, 0, 0, 0, 0,
        ];
        let header = RequestHeader::decode(&wire).unwrap();
        assert_eq!(
            header,
            RequestHeader {
                size: 4096,
                addr: 0x7f6f_3200_0000,
                opcode: Opcode::Write,
                version: Version::V2
            }
        );
        assert_eq!(header.encode(), wire);
    }

    #[test]
    fn round_trips_every_opcode_and_version() {
        for opcode in [Opcode::Read, Opcode::Write] {
            for version in [Version::V1, Version::V2] {
                let h = RequestHeader {
                    size: 12345,
                    addr: 0xdead_beef_0000,
                    opcode,
                    version,
                };
                assert_eq!(RequestHeader::decode(&h.encode()).unwrap(), h);
            }
        }
    }

    #[test]
    fn padding_is_ignored() {
        let mut wire = RequestHeader {
            size: 1,
            addr: 0x1000,
            opcode: Opcode::Read,
            version: Version::V1,
        }
        .encode();
        wire[17..].fill(0xAB);
        assert_eq!(RequestHeader::decode(&wire).unwrap().size, 1);
    }

    #[test]
    fn malformed_headers_are_refused_with_the_claimed_version() {
        let mut wire = [0u8; 24];
        wire[0] = 1;
        wire[16] = 0x85;
        assert_eq!(
            RequestHeader::decode(&wire),
            Err(HeaderError::UnknownOpcode {
                opcode: 0x85,
                version: Version::V2
            })
        );
        wire[16] = 0x02;
        assert_eq!(RequestHeader::decode(&wire).unwrap_err().version(), Version::V1);

        let zero = RequestHeader {
            size: 1,
            addr: 0x1000,
            opcode: Opcode::Write,
            version: Version::V2,
        };
        let mut wire = zero.encode();
        wire[0] = 0;
        assert_eq!(
            RequestHeader::decode(&wire),
            Err(HeaderError::ZeroSize { version: Version::V2 })
        );

        let overflow = RequestHeader {
            size: 2,
            addr: u64::MAX,
            ..zero
        };
        assert!(matches!(
            RequestHeader::decode(&overflow.encode()),
            Err(HeaderError::Overflow { .. })
        ));
        // The largest range that still fits is fine at this layer.
        let edge = RequestHeader {
            size: 1,
            addr: u64::MAX - 1,
            ..zero
        };
        assert!(RequestHeader::decode(&edge.encode()).is_ok());
    }

    #[test]
    fn status_frames() {
        // OK on the wire as observed: 00 00 00 00 56 54 43 4d.
        assert_eq!(encode_status(Status::Ok), [0, 0, 0, 0, 0x56, 0x54, 0x43, 0x4d]);
        assert_eq!(decode_status(&encode_status(Status::Ok)), Ok(Status::Ok));
        assert_eq!(
            decode_status(&encode_status(Status::Rejected)),
            Ok(Status::Rejected)
        );
        assert_eq!(decode_status(&[0; 8]), Err(StatusError::BadMagic(0)));
        let mut two = encode_status(Status::Ok);
        two[0] = 2;
        assert_eq!(decode_status(&two), Err(StatusError::UnknownCode(2)));
        // Bytes of a v1 READ's payload are not a status frame.
        assert!(decode_status(b"abcdefgh").is_err());
    }

    #[test]
    fn version_for_peer() {
        assert_eq!(Version::for_peer(1), Version::V1);
        assert_eq!(Version::for_peer(0), Version::V1);
        assert_eq!(Version::for_peer(2), Version::V2);
        assert_eq!(Version::for_peer(3), Version::V2);
    }
}
