//! The RPC port's accept loop and the framed data-path handler: every accepted connection is sniffed
//! for [`MAGIC`] (served here) or [`FOLLOW_MAGIC`] (an HA standby's replication channel, handed to its
//! own threads); all others go to tonic unchanged.
//!
//! The wire format is documented in [`mooncake_proto::framed`]. The handler calls the same
//! [`MasterGrpc`] methods the gRPC server does, so semantics, metrics and error codes are identical.
//! One task per connection, strictly sequential requests, buffers reused across requests.

use std::io;
use std::time::Duration;

use mooncake_proto::framed::{self, HEADER_LEN, MAGIC, MAX_BODY, Method, STATUS_OK};
use mooncake_proto::master::{self as pb, master_service_server::MasterService as MasterApi};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tonic::Request;

use crate::grpc::MasterGrpc;
use crate::ha::wire::FOLLOW_MAGIC;

/// How long a new connection may stay silent before it is dropped; it stalls only itself.
pub const SNIFF_TIMEOUT: Duration = Duration::from_secs(10);
/// Read buffer of a framed connection: a whole small request arrives in one read.
const READ_BUFFER: usize = 16 * 1024;

/// What the first bytes of a connection say it speaks.
#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Framed,
    /// An HA standby's replication channel ([`crate::ha::wire`]).
    Follow,
    Other,
    Closed,
}

/// Accepts on `listener` until `cancel` fires. Each connection is sniffed in its own task: framed ones
/// are served by [`serve_connection`], the rest are sent to `grpc` (tonic's incoming stream).
pub async fn accept_loop(
    listener: TcpListener,
    nodelay: bool,
    svc: MasterGrpc,
    grpc: mpsc::Sender<io::Result<TcpStream>>,
    cancel: CancellationToken,
) {
    // Connection tasks are tracked so shutdown waits for a framed request in flight to be answered.
    let connections = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            _ = cancel.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(%error, "accepting an RPC connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if let Err(error) = stream.set_nodelay(nodelay) {
            tracing::debug!(%error, "cannot set TCP_NODELAY on an RPC connection");
        }
        let (svc, grpc, cancel) = (svc.clone(), grpc.clone(), cancel.clone());
        connections.spawn(async move {
            let mut stream = stream;
            let sniffed = tokio::select! {
                _ = cancel.cancelled() => return,
                sniffed = tokio::time::timeout(SNIFF_TIMEOUT, sniff(&mut stream)) => sniffed,
            };
            match sniffed {
                Ok(Ok(Sniffed::Framed)) => serve_connection(stream, svc, cancel).await,
                Ok(Ok(Sniffed::Follow)) => serve_follower(stream, &svc),
                Ok(Ok(Sniffed::Other)) => {
                    let _ = grpc.send(Ok(stream)).await;
                }
                Ok(Ok(Sniffed::Closed)) => {}
                Ok(Err(error)) => tracing::debug!(%error, "RPC connection failed before its first bytes"),
                Err(_) => tracing::debug!("RPC connection sent nothing; dropped"),
            }
        });
    }
    connections.close();
    connections.wait().await;
}

/// Peeks at the first bytes. A connection whose first bytes match a prefix of [`MAGIC`] is committed
/// to the framed protocol (a gRPC client starts with `PRI * HTTP/2.0`), so the magic is then read
/// (consumed) and checked in full; anything else is left untouched for tonic.
async fn sniff(stream: &mut TcpStream) -> io::Result<Sniffed> {
    let mut head = [0u8; 8];
    let n = stream.peek(&mut head).await?;
    if n == 0 {
        return Ok(Sniffed::Closed);
    }
    if head[..n] != MAGIC[..n] && head[..n] != FOLLOW_MAGIC[..n] {
        return Ok(Sniffed::Other);
    }
    stream.read_exact(&mut head).await?;
    if &head == FOLLOW_MAGIC {
        return Ok(Sniffed::Follow);
    }
    if &head != MAGIC {
        return Ok(Sniffed::Closed);
    }
    stream.write_all(MAGIC).await?;
    Ok(Sniffed::Framed)
}

/// Hands a replication connection to a thread of its own (blocking I/O, see [`crate::ha::wire`]);
/// refused (closed) on a master that is not an HA member.
fn serve_follower(stream: TcpStream, svc: &MasterGrpc) {
    let Some(replication) = svc.replication().cloned() else {
        tracing::debug!("replication connection refused: this master runs without HA");
        return;
    };
    let stream = match stream
        .into_std()
        .and_then(|s| s.set_nonblocking(false).map(|()| s))
    {
        Ok(stream) => stream,
        Err(error) => {
            tracing::warn!(%error, "cannot take over a replication connection");
            return;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("mc-repl-writer".into())
        .spawn(move || replication.serve_follower(stream));
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start a replication thread");
    }
}

/// Serves one framed connection until the peer closes it, an I/O error, a protocol violation, or
/// `cancel` (checked between requests, so a request in flight still gets its answer).
pub async fn serve_connection(stream: TcpStream, svc: MasterGrpc, cancel: CancellationToken) {
    let mut stream = BufReader::with_capacity(READ_BUFFER, stream);
    let mut body = Vec::new();
    let mut out = Vec::new();
    loop {
        let mut header = [0u8; HEADER_LEN];
        let read = tokio::select! {
            _ = cancel.cancelled() => return,
            read = stream.read_exact(&mut header) => read,
        };
        if read.is_err() {
            return; // closed by the peer (or broken): nothing to answer
        }
        let (len, method) = framed::parse_header(&header);
        if len > MAX_BODY {
            let message = format!("frame body of {len} bytes exceeds the {MAX_BODY}-byte limit");
            framed::encode_error(&mut out, tonic::Code::ResourceExhausted, &message);
            let _ = stream.write_all(&out).await;
            let _ = stream.shutdown().await;
            return;
        }
        // Filled as bytes arrive: a length field alone never makes us allocate or zero 64 MiB.
        body.clear();
        match (&mut stream).take(u64::from(len)).read_to_end(&mut body).await {
            Ok(n) if n == len as usize => {}
            _ => return,
        }
        dispatch(&svc, method, &body, &mut out).await;
        if stream.write_all(&out).await.is_err() {
            return;
        }
        // Do not keep huge buffers alive for an idle connection.
        for buf in [&mut body, &mut out] {
            if buf.capacity() > READ_BUFFER * 64 {
                *buf = Vec::new();
            }
        }
    }
}

/// Decodes the request, calls the gRPC implementation, and encodes its answer into `out`.
async fn dispatch(svc: &MasterGrpc, method: u16, body: &[u8], out: &mut Vec<u8>) {
    macro_rules! call {
        ($fn:ident, $req:ty) => {
            match framed::decode::<$req>(body) {
                Ok(request) => match svc.$fn(Request::new(request)).await {
                    Ok(response) => framed::encode_message(out, STATUS_OK, &response.into_inner()),
                    Err(status) => framed::encode_error(out, status.code(), status.message()),
                },
                Err(error) => framed::encode_error(
                    out,
                    tonic::Code::InvalidArgument,
                    &format!("undecodable {} request: {error}", stringify!($req)),
                ),
            }
        };
    }
    match Method::from_u16(method) {
        Some(Method::PutStart) => call!(put_start, pb::PutStartRequest),
        Some(Method::PutEnd) => call!(put_end, pb::PutEndRequest),
        Some(Method::PutRevoke) => call!(put_revoke, pb::PutRevokeRequest),
        Some(Method::BatchPutStart) => call!(batch_put_start, pb::BatchPutStartRequest),
        Some(Method::BatchPutEnd) => call!(batch_put_end, pb::BatchPutEndRequest),
        Some(Method::BatchPutRevoke) => call!(batch_put_revoke, pb::BatchPutRevokeRequest),
        Some(Method::GetReplicaList) => call!(get_replica_list, pb::GetReplicaListRequest),
        Some(Method::BatchGetReplicaList) => call!(batch_get_replica_list, pb::BatchGetReplicaListRequest),
        Some(Method::ExistKey) => call!(exist_key, pb::ExistKeyRequest),
        Some(Method::BatchExistKey) => call!(batch_exist_key, pb::BatchExistKeyRequest),
        Some(Method::Remove) => call!(remove, pb::RemoveRequest),
        Some(Method::BatchRemove) => call!(batch_remove, pb::BatchRemoveRequest),
        Some(Method::Ping) => call!(ping, pb::PingRequest),
        None => framed::encode_error(
            out,
            tonic::Code::Unimplemented,
            &format!("unknown framed method {method}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Sniffs the server side of a loopback connection whose client sent `bytes` (then closed).
    async fn sniffed(bytes: &'static [u8]) -> (Sniffed, Vec<u8>, Vec<u8>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(bytes).await.unwrap();
            s.shutdown().await.unwrap();
            let mut answer = Vec::new();
            let _ = s.read_to_end(&mut answer).await;
            answer
        });
        let (mut server, _) = listener.accept().await.unwrap();
        let outcome = sniff(&mut server).await.unwrap();
        let mut rest = Vec::new();
        if outcome != Sniffed::Framed {
            server.read_to_end(&mut rest).await.unwrap();
        }
        drop(server);
        (outcome, rest, client.await.unwrap())
    }

    #[tokio::test]
    async fn grpc_bytes_are_left_untouched_for_tonic() {
        let (outcome, rest, _) = sniffed(b"PRI * HTTP/2.0\r\n").await;
        assert_eq!(outcome, Sniffed::Other);
        assert_eq!(rest, b"PRI * HTTP/2.0\r\n");
    }

    #[tokio::test]
    async fn the_magic_is_answered_and_other_bytes_are_not_framed() {
        let (outcome, _, answer) = sniffed(MAGIC).await;
        assert_eq!(outcome, Sniffed::Framed);
        assert_eq!(answer, MAGIC);
        // Eight bytes that are not the magic are someone else's protocol: tonic decides.
        let (outcome, rest, answer) = sniffed(b"MCFRAME9").await;
        assert_eq!((outcome, rest.as_slice()), (Sniffed::Other, &b"MCFRAME9"[..]));
        assert!(answer.is_empty());
        let (outcome, _, _) = sniffed(b"").await;
        assert_eq!(outcome, Sniffed::Closed);
    }
}
