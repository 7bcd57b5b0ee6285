//! Helpers shared by this crate's unit tests.

#![allow(clippy::unwrap_used)]

use std::net::{TcpListener, TcpStream};

/// A connected pair of loopback sockets: (the connecting end, the accepted end).
pub(crate) fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, server)
}
