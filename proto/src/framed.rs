//! The master's framed data-path protocol: one shared definition of the framing for the server
//! (`mooncake-master`) and the client (`mooncake-node`).
//!
//! gRPC over HTTP/2 costs tens of microseconds of CPU per call; the hot, small RPCs of the data path
//! (put/get/exist/remove and their batch forms, ping) can instead travel as plain length-prefixed
//! frames over a TCP connection to the **same port** as gRPC. The master sniffs the first bytes of
//! every connection: a connection that starts with [`MAGIC`] speaks this protocol, anything else is
//! handed to gRPC unchanged.
//!
//! # Wire format (all integers little-endian)
//!
//! 1. Hello: the client sends the 8 bytes [`MAGIC`] once; the server answers with the same 8 bytes.
//!    A server that closes the connection or answers anything else does not speak the protocol, and
//!    the client uses gRPC instead.
//! 2. Then strictly sequential request/response pairs on that connection:
//!    - request  = `u32 body_len | u16 method | body`, where `method` is a [`Method`] and `body` is the
//!      prost-encoded request message of that gRPC method;
//!    - response = `u32 body_len | u16 status | body`: status [`STATUS_OK`] (0) carries the
//!      prost-encoded response message; any other status is a `tonic::Code` and the body is a UTF-8
//!      error message.
//! 3. A body longer than [`MAX_BODY`] is refused with an error frame (`ResourceExhausted`) and the
//!    server closes the connection. An unknown method gets an `Unimplemented` error frame and the
//!    connection stays usable; an undecodable body gets `InvalidArgument`.

use prost::Message;

/// The hello both sides send once, first thing on a framed connection.
pub const MAGIC: &[u8; 8] = b"MCFRAME1";
/// Bytes of a frame header: `u32` body length and `u16` method or status.
pub const HEADER_LEN: usize = 6;
/// The largest body either side accepts.
pub const MAX_BODY: u32 = 64 << 20;
/// The status of a successful response.
pub const STATUS_OK: u16 = 0;

/// The RPCs the framed protocol carries; the value is the `method` field of a request header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum Method {
    PutStart = 1,
    PutEnd = 2,
    PutRevoke = 3,
    BatchPutStart = 4,
    BatchPutEnd = 5,
    BatchPutRevoke = 6,
    GetReplicaList = 7,
    BatchGetReplicaList = 8,
    ExistKey = 9,
    BatchExistKey = 10,
    Remove = 11,
    BatchRemove = 12,
    Ping = 13,
}

impl Method {
    /// Every method, in wire order.
    pub const ALL: [Method; 13] = [
        Method::PutStart,
        Method::PutEnd,
        Method::PutRevoke,
        Method::BatchPutStart,
        Method::BatchPutEnd,
        Method::BatchPutRevoke,
        Method::GetReplicaList,
        Method::BatchGetReplicaList,
        Method::ExistKey,
        Method::BatchExistKey,
        Method::Remove,
        Method::BatchRemove,
        Method::Ping,
    ];

    /// The method with wire value `value`, if any.
    pub fn from_u16(value: u16) -> Option<Method> {
        Method::ALL.iter().copied().find(|m| *m as u16 == value)
    }

    /// True when a call can safely be sent again after a lost reply (reads; not mutations).
    pub fn is_idempotent(self) -> bool {
        matches!(
            self,
            Method::GetReplicaList
                | Method::BatchGetReplicaList
                | Method::ExistKey
                | Method::BatchExistKey
                | Method::Ping
        )
    }
}

/// Writes a whole frame (header and prost-encoded `message`) into `out`, replacing its contents.
pub fn encode_message(out: &mut Vec<u8>, method_or_status: u16, message: &impl Message) {
    let len = message.encoded_len();
    out.clear();
    out.reserve(HEADER_LEN + len);
    put_header(out, len, method_or_status);
    // Encoding into a Vec with enough room cannot fail.
    let _ = message.encode(out);
}

/// Writes an error frame (`code` with a UTF-8 `message`) into `out`, replacing its contents.
pub fn encode_error(out: &mut Vec<u8>, code: tonic::Code, message: &str) {
    out.clear();
    let code = match code as u16 {
        STATUS_OK => tonic::Code::Unknown as u16,
        other => other,
    };
    put_header(out, message.len(), code);
    out.extend_from_slice(message.as_bytes());
}

fn put_header(out: &mut Vec<u8>, len: usize, method_or_status: u16) {
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&method_or_status.to_le_bytes());
}

/// Splits a header into body length and method or status.
pub fn parse_header(header: &[u8; HEADER_LEN]) -> (u32, u16) {
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let tag = u16::from_le_bytes([header[4], header[5]]);
    (len, tag)
}

/// Decodes a prost body.
pub fn decode<M: Message + Default>(body: &[u8]) -> Result<M, prost::DecodeError> {
    M::decode(body)
}

/// Turns a response into the message (status OK) or the `tonic::Status` it carries.
pub fn decode_response<M: Message + Default>(status: u16, body: &[u8]) -> Result<M, tonic::Status> {
    if status == STATUS_OK {
        decode(body).map_err(|e| tonic::Status::internal(format!("undecodable framed reply: {e}")))
    } else {
        Err(tonic::Status::new(
            tonic::Code::from_i32(i32::from(status)),
            String::from_utf8_lossy(body).into_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::master as pb;

    #[test]
    fn methods_round_trip_and_unknown_values_are_none() {
        for m in Method::ALL {
            assert_eq!(Method::from_u16(m as u16), Some(m));
        }
        assert_eq!(Method::from_u16(0), None);
        assert_eq!(Method::from_u16(999), None);
        assert!(Method::ExistKey.is_idempotent());
        assert!(!Method::PutStart.is_idempotent());
    }

    #[test]
    fn a_message_frame_decodes_back() {
        let mut out = Vec::new();
        let req = pb::ExistKeyRequest { key: "k1".into() };
        encode_message(&mut out, Method::ExistKey as u16, &req);
        let header: [u8; HEADER_LEN] = out[..HEADER_LEN].try_into().unwrap();
        let (len, tag) = parse_header(&header);
        assert_eq!(tag, Method::ExistKey as u16);
        assert_eq!(len as usize, out.len() - HEADER_LEN);
        let back: pb::ExistKeyRequest = decode(&out[HEADER_LEN..]).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn an_error_frame_becomes_its_status() {
        let mut out = Vec::new();
        encode_error(&mut out, tonic::Code::Unimplemented, "no such method");
        let header: [u8; HEADER_LEN] = out[..HEADER_LEN].try_into().unwrap();
        let (_, status) = parse_header(&header);
        let err = decode_response::<pb::Ack>(status, &out[HEADER_LEN..]).unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unimplemented);
        assert_eq!(err.message(), "no such method");
        // An "OK" error never reads as success.
        encode_error(&mut out, tonic::Code::Ok, "odd");
        let (_, status) = parse_header(&out[..HEADER_LEN].try_into().unwrap());
        assert_ne!(status, STATUS_OK);
    }
}
