//! Copies with a CRC-32 computed along the way, for targets this process reaches by plain memory
//! copy (`local`, `shm`). A value is moved in [`PIECE`]s and each piece is hashed while it sits in
//! cache (just before a write copies it out, just after a read copies it in), so the checksum costs
//! no second pass over DRAM. Reading into a new `Vec` fills its spare capacity piece by piece: no
//! zeroing of a buffer about to be overwritten.

use super::TransferError;

/// Piece size: small enough to stay in L2 (1 MiB on the dev VM) between copy and hash.
pub const PIECE: usize = 256 << 10;

/// Whatever keeps a view's memory valid (a registry access, a mapping).
pub(crate) trait Keep {}
impl<T> Keep for T {}

/// `[ptr, ptr + len)` of a target's memory, checked and held valid (registered or mapped) while the
/// view lives.
pub struct MemoryView<'a> {
    ptr: *mut u8,
    len: usize,
    _keep: Box<dyn Keep + 'a>,
}

impl<'a> MemoryView<'a> {
    /// # Safety
    /// `[ptr, ptr + len)` must be mapped, writable memory that stays so while `keep` lives.
    pub(crate) unsafe fn new(ptr: *mut u8, len: usize, keep: Box<dyn Keep + 'a>) -> Self {
        Self {
            ptr,
            len,
            _keep: keep,
        }
    }

    fn check(&self, len: usize) -> Result<(), TransferError> {
        if len == self.len {
            Ok(())
        } else {
            Err(TransferError::OutOfRange {
                addr: self.ptr as u64,
                len: len as u64,
            })
        }
    }

    /// Copies `from` into the view (same length), returning the CRC-32 of `from`.
    pub fn write_hashed(&self, from: &[u8]) -> Result<u32, TransferError> {
        self.check(from.len())?;
        let mut hasher = crc32fast::Hasher::new();
        for (i, piece) in from.chunks(PIECE).enumerate() {
            hasher.update(piece);
            // SAFETY: the view covers `len` bytes and `i * PIECE + piece.len() <= len`; the caller's
            // slice cannot overlap peer memory it does not own (the master hands ranges to one writer).
            unsafe { std::ptr::copy_nonoverlapping(piece.as_ptr(), self.ptr.add(i * PIECE), piece.len()) };
        }
        Ok(hasher.finalize())
    }

    /// Copies the view into `into` (same length), returning the CRC-32 of what was copied.
    pub fn read_hashed(&self, into: &mut [u8]) -> Result<u32, TransferError> {
        self.check(into.len())?;
        let mut hasher = crc32fast::Hasher::new();
        for (i, piece) in into.chunks_mut(PIECE).enumerate() {
            // SAFETY: as in `write_hashed`, in the other direction.
            unsafe {
                std::ptr::copy_nonoverlapping(self.ptr.add(i * PIECE), piece.as_mut_ptr(), piece.len())
            };
            hasher.update(piece);
        }
        Ok(hasher.finalize())
    }

    /// The view's bytes in a new `Vec`, and their CRC-32.
    pub fn to_vec_hashed(&self) -> (Vec<u8>, u32) {
        let mut out: Vec<u8> = Vec::with_capacity(self.len);
        let mut hasher = crc32fast::Hasher::new();
        let mut filled = 0;
        while filled < self.len {
            let n = PIECE.min(self.len - filled);
            // SAFETY: `out` has capacity `len`, so `[filled, filled + n)` is spare capacity we write
            // through a raw pointer before `set_len` declares it initialised; the source range lies
            // inside the view.
            unsafe {
                std::ptr::copy_nonoverlapping(self.ptr.add(filled), out.as_mut_ptr().add(filled), n);
                out.set_len(filled + n);
            }
            hasher.update(&out[filled..filled + n]);
            filled += n;
        }
        (out, hasher.finalize())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hashed_copies_match_a_plain_crc_over_uneven_pieces() {
        let len = 3 * PIECE + 123;
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let expected = crc32fast::hash(&data);
        let mut memory = vec![0u8; len];
        // SAFETY: `memory` outlives the view and is not otherwise touched while it lives.
        let view = unsafe { MemoryView::new(memory.as_mut_ptr(), len, Box::new(())) };
        assert_eq!(view.write_hashed(&data).unwrap(), expected);
        let mut back = vec![0u8; len];
        assert_eq!(view.read_hashed(&mut back).unwrap(), expected);
        assert!(back == data);
        let (copy, sum) = view.to_vec_hashed();
        assert!(copy == data);
        assert_eq!(sum, expected);
        assert!(
            view.read_hashed(&mut [0u8; 5]).is_err(),
            "length must match the view"
        );
        drop(view);
        assert!(memory == data);
    }
}
