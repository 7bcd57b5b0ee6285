//! Socket helpers shared by client and server: gather writes and scatter reads that loop until
//! done (std has no stable `write_all_vectored`), reads that poll between stretches, and a cheap
//! "did the peer close?" probe.

use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::net::TcpStream;
use std::os::fd::AsRawFd;

use crate::reply_spin::await_reply;

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

/// Fills `head`, then `body`, with `readv` (one syscall for a small answer), handing each stretch
/// of `body` to `seen` as soon as it arrived, while it is in cache. `body` may be uninitialised
/// memory (a new vector's spare capacity): only the socket writes into it, and `seen` gets only the
/// stretches it wrote. Returns how many bytes arrived before an error, like [`read_exact_vectored`].
///
/// Once part of the message is here, the rest is usually a few tens of microseconds behind (the
/// peer copying its next stretch), so before each further `readv` the thread polls for it
/// ([`await_reply`]) instead of letting its vCPU halt and paying a hypervisor wake-up per stretch.
/// On the dev VM this took remote gets of 1 MiB from ≈ 530 µs to ≈ 290 µs p50 (1.9–2.0 → 3.4–3.6
/// GB/s, three rounds each of one binary).
pub fn read_exact_observed(
    stream: &TcpStream,
    head: &mut [u8],
    body: &mut [MaybeUninit<u8>],
    seen: &mut dyn FnMut(&[u8]),
) -> (usize, io::Result<()>) {
    let (mut head_filled, mut body_filled) = (0, 0);
    while head_filled < head.len() || body_filled < body.len() {
        if head_filled + body_filled > 0 {
            await_reply(stream);
        }
        let iov = [
            libc::iovec {
                iov_base: head[head_filled..].as_mut_ptr().cast(),
                iov_len: head.len() - head_filled,
            },
            libc::iovec {
                iov_base: body[body_filled..].as_mut_ptr().cast(),
                iov_len: body.len() - body_filled,
            },
        ];
        // SAFETY: both iovecs describe writable memory we hold exclusive borrows of, for their
        // stated lengths; the kernel only stores bytes into them.
        let n = unsafe { libc::readv(stream.as_raw_fd(), iov.as_ptr(), 2) };
        match usize::try_from(n) {
            Ok(0) => {
                return (
                    head_filled + body_filled,
                    Err(io::ErrorKind::UnexpectedEof.into()),
                );
            }
            Ok(n) => {
                let to_head = n.min(head.len() - head_filled);
                head_filled += to_head;
                let to_body = n - to_head;
                // SAFETY: the kernel just wrote these `to_body` bytes, so they are initialised.
                let arrived =
                    unsafe { std::slice::from_raw_parts(body[body_filled..].as_ptr().cast::<u8>(), to_body) };
                seen(arrived);
                body_filled += to_body;
            }
            Err(_) => {
                let error = io::Error::last_os_error();
                if error.kind() != io::ErrorKind::Interrupted {
                    return (head_filled + body_filled, Err(error));
                }
            }
        }
    }
    (head_filled + body_filled, Ok(()))
}

/// Fills `buf` like `Read::read_exact`, polling between stretches as [`read_exact_observed`] does:
/// a storage node takes a WRITE's payload this way.
pub fn read_exact_polling(stream: &TcpStream, buf: &mut [u8]) -> io::Result<()> {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, and `read_exact_observed` only stores bytes
    // the kernel wrote into it, so `buf` stays initialised.
    let body = unsafe { &mut *(std::ptr::from_mut::<[u8]>(buf) as *mut [MaybeUninit<u8>]) };
    read_exact_observed(stream, &mut [], body, &mut |_| {}).1
}

/// Whether an idle pooled connection still looks usable: no EOF and no unexpected bytes waiting.
/// One non-blocking `recv(MSG_PEEK)`, so a peer that restarted costs nothing on the next request.
pub fn idle_connection_usable(stream: &TcpStream) -> bool {
    !crate::reply_spin::readable_now(stream)
}
