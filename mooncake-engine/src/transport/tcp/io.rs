//! Socket helpers shared by client and server: gather writes and scatter reads that loop until
//! done (std has no stable `write_all_vectored`), and a cheap "did the peer close?" probe.

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;

/// Writes every byte of `bufs`, in as few `writev` calls as the kernel allows. One gather write
/// keeps a header and its payload (or a status frame and its data) in the same segments, so
/// Nagle/delayed ACK can never split them and one syscall serves many small requests.
pub fn write_all_vectored(mut stream: &TcpStream, mut bufs: &mut [IoSlice<'_>]) -> io::Result<()> {
    IoSlice::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        match stream.write_vectored(bufs) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Fills every buffer of `bufs` with `readv`. Returns how many bytes arrived before an error, so a
/// caller can still decode a status frame the peer sent just before closing.
pub fn read_exact_vectored(
    mut stream: &TcpStream,
    mut bufs: &mut [IoSliceMut<'_>],
) -> (usize, io::Result<()>) {
    let mut filled = 0;
    IoSliceMut::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        match stream.read_vectored(bufs) {
            Ok(0) => return (filled, Err(io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => {
                filled += n;
                IoSliceMut::advance_slices(&mut bufs, n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Err(e)),
        }
    }
    (filled, Ok(()))
}

/// Whether an idle pooled connection still looks usable: no EOF and no unexpected bytes waiting.
/// One non-blocking `recv(MSG_PEEK)`, so a peer that restarted costs nothing on the next request.
pub fn idle_connection_usable(stream: &TcpStream) -> bool {
    let mut byte = 0u8;
    // SAFETY: `byte` is a valid one-byte buffer for the duration of the call; MSG_PEEK leaves the
    // socket's data where it is and MSG_DONTWAIT never blocks.
    let n = unsafe {
        libc::recv(
            stream.as_raw_fd(),
            (&raw mut byte).cast(),
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock
}
