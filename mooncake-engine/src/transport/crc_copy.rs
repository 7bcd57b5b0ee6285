//! Copy and CRC-32 in one pass: each 64-byte block is loaded once, stored to the destination and
//! folded into the checksum from the same registers.
//!
//! Why: a local get copies a value out of segment memory (DRAM-bound, ≈90 µs/MiB on the dev VM) and
//! then hashed it again from cache (≈46 µs/MiB of carry-less multiplies). Folding while copying lets
//! the multiplies run in the shadow of the memory stalls: a micro-benchmark on the dev VM (1 and
//! 16 MiB out of a 512 MiB region, non-temporal stores) measured 164–194 µs/MiB fused against
//! 187–216 copied-then-hashed in 256 KiB pieces. Only for reads: when the source is in cache (a put's
//! buffer) there are no stalls to hide and the fused loop measured 15–35% slower, so writes keep
//! copying then hashing ([`super::hashed`]).
//!
//! The checksum is the same CRC-32 (IEEE, reflected) as [`crc32fast`]: the bulk is folded four
//! 128-bit lanes at a time with carry-less multiplication by x^(512±32) mod P (the constants of
//! Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ"), the lanes are folded into
//! one, and that last 16-byte remainder is finished by `crc32fast` itself: by linearity the CRC of the
//! whole equals the CRC of the remainder started from a zero register. Head and tail bytes go through
//! `crc32fast` too. Without PCLMULQDQ (or off x86-64) it is a plain copy followed by `crc32fast`.

/// Fold-by-4 constants (x^(4·128+32) mod P and x^(4·128−32) mod P, bit-reflected).
#[cfg(target_arch = "x86_64")]
const K1: i64 = 0x1_5444_2bd4;
#[cfg(target_arch = "x86_64")]
const K2: i64 = 0x1_c6e4_1596;
/// Fold-by-1 constants (x^(128+32) mod P and x^(128−32) mod P, bit-reflected).
#[cfg(target_arch = "x86_64")]
const K3: i64 = 0x1_7519_97d0;
#[cfg(target_arch = "x86_64")]
const K4: i64 = 0x0_ccaa_009e;

/// Below this many bytes the fused loop is not worth its set-up.
const FUSED_MIN: usize = 256;

/// How far ahead of the block being folded the loop asks for source lines. The hardware prefetcher
/// alone leaves the loop waiting on DRAM: on the dev VM, prefetching 2–4 KiB ahead took reads out of a
/// 512 MiB region from 108–118 to 89–94 µs/MiB (64 KiB to 16 MiB values; a plain memcpy: 68–80).
const PREFETCH_AHEAD: usize = 4096;

/// Copies `len` bytes from `src` to `dst` (with non-temporal stores when `stream`), continuing the
/// CRC-32 state `crc` (a `crc32fast` state: 0 for a new checksum) over them; returns the new state.
///
/// # Safety
/// `src` must be readable and `dst` writable for `len` bytes, and the ranges must not overlap.
pub(crate) unsafe fn copy_with_crc(src: *const u8, dst: *mut u8, len: usize, stream: bool, crc: u32) -> u32 {
    #[cfg(target_arch = "x86_64")]
    if len >= FUSED_MIN && std::arch::is_x86_feature_detected!("pclmulqdq") {
        // SAFETY: the CPU has PCLMULQDQ (checked above) and SSE2/SSE4.1 come with every x86-64 that
        // has it; the ranges are the caller's promise.
        return unsafe { fused(src, dst, len, stream, crc) };
    }
    // SAFETY: forwarded from the caller.
    unsafe {
        std::ptr::copy_nonoverlapping(src, dst, len);
        hash_from(crc, std::slice::from_raw_parts(src, len))
    }
}

/// `crc32fast` continued from state `crc` over `bytes`.
fn hash_from(crc: u32, bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(crc);
    hasher.update(bytes);
    hasher.finalize()
}

/// # Safety
/// As [`copy_with_crc`], on a CPU with PCLMULQDQ; `len >= FUSED_MIN`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "pclmulqdq,sse2,sse4.1")]
unsafe fn fused(src: *const u8, dst: *mut u8, len: usize, stream: bool, crc: u32) -> u32 {
    use std::arch::x86_64::{
        __m128i, _MM_HINT_T0, _mm_clmulepi64_si128, _mm_cvtsi32_si128, _mm_loadu_si128, _mm_prefetch,
        _mm_set_epi64x, _mm_sfence, _mm_storeu_si128, _mm_stream_si128, _mm_xor_si128,
    };
    // Head: up to 15 bytes that bring `dst` to 16-byte alignment (non-temporal stores need it).
    let head = if stream {
        (dst as usize).wrapping_neg() & 15
    } else {
        0
    };
    // SAFETY: every access stays inside `[0, len)` of both ranges (the caller's promise): the head is
    // at most 15 < FUSED_MIN bytes, the bulk ends at `head + blocks * 64 <= len`, the tail is the rest.
    unsafe {
        std::ptr::copy_nonoverlapping(src, dst, head);
        let mut crc = hash_from(crc, std::slice::from_raw_parts(src, head));
        let blocks = (len - head) / 64;
        let (s, d) = (src.add(head), dst.add(head));
        // Macros rather than closures: the intrinsics must inline under this function's features.
        macro_rules! load {
            ($at:expr) => {
                _mm_loadu_si128(s.add($at).cast::<__m128i>())
            };
        }
        macro_rules! store {
            ($at:expr, $value:expr) => {{
                let to = d.add($at).cast::<__m128i>();
                if stream {
                    _mm_stream_si128(to, $value);
                } else {
                    _mm_storeu_si128(to, $value);
                }
            }};
        }
        macro_rules! fold {
            ($x:expr, $k:expr, $next:expr) => {
                _mm_xor_si128(
                    _mm_xor_si128(
                        _mm_clmulepi64_si128($x, $k, 0x00),
                        _mm_clmulepi64_si128($x, $k, 0x11),
                    ),
                    $next,
                )
            };
        }
        let (mut x0, mut x1, mut x2, mut x3) = (load!(0), load!(16), load!(32), load!(48));
        store!(0, x0);
        store!(16, x1);
        store!(32, x2);
        store!(48, x3);
        // The state is the complement of the CRC register; the register enters with the first bytes.
        x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128(!crc as i32));
        let k1k2 = _mm_set_epi64x(K2, K1);
        for block in 1..blocks {
            let at = block * 64;
            // A prefetch never faults, so running past the end of the source is harmless; the
            // address is formed with wrapping arithmetic, never dereferenced.
            _mm_prefetch::<_MM_HINT_T0>(s.wrapping_add(at + PREFETCH_AHEAD).cast::<i8>());
            let (y0, y1, y2, y3) = (load!(at), load!(at + 16), load!(at + 32), load!(at + 48));
            store!(at, y0);
            store!(at + 16, y1);
            store!(at + 32, y2);
            store!(at + 48, y3);
            x0 = fold!(x0, k1k2, y0);
            x1 = fold!(x1, k1k2, y1);
            x2 = fold!(x2, k1k2, y2);
            x3 = fold!(x3, k1k2, y3);
        }
        let k3k4 = _mm_set_epi64x(K4, K3);
        let x = fold!(fold!(fold!(x0, k3k4, x1), k3k4, x2), k3k4, x3);
        let mut rest = [0u8; 16];
        _mm_storeu_si128(rest.as_mut_ptr().cast::<__m128i>(), x);
        // The remainder, hashed from a zero register (state !0), stands for the whole bulk.
        crc = hash_from(!0, &rest);
        let done = head + blocks * 64;
        std::ptr::copy_nonoverlapping(src.add(done), dst.add(done), len - done);
        if stream {
            _mm_sfence();
        }
        hash_from(crc, std::slice::from_raw_parts(src.add(done), len - done))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pattern(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Same bytes and the same CRC as a copy plus `crc32fast`, at every alignment, around every
    /// block boundary, with and without streaming, from a fresh and from a running state.
    #[test]
    fn matches_a_copy_and_crc32fast() {
        let src = pattern(70_000, 7);
        for len in [
            0, 1, 63, 64, 255, 256, 257, 319, 320, 1000, 4096, 4099, 65_536, 69_000,
        ] {
            for (from, to) in [(0, 0), (1, 0), (0, 3), (5, 9), (15, 1), (8, 8)] {
                for stream in [false, true] {
                    for start in [0u32, 0xDEAD_BEEF] {
                        let mut dst = vec![0xEEu8; 70_100];
                        // SAFETY: both ranges lie inside their vectors, which do not overlap.
                        let got = unsafe {
                            copy_with_crc(
                                src.as_ptr().add(from),
                                dst.as_mut_ptr().add(to),
                                len,
                                stream,
                                start,
                            )
                        };
                        let slice = &src[from..from + len];
                        assert_eq!(
                            got,
                            hash_from(start, slice),
                            "{len}/{from}/{to}/{stream}/{start:x}"
                        );
                        assert!(dst[to..to + len] == *slice, "bytes {len}/{from}/{to}/{stream}");
                        assert!(dst[..to].iter().all(|&b| b == 0xEE), "nothing before");
                        assert!(dst[to + len..].iter().all(|&b| b == 0xEE), "nothing after");
                    }
                }
            }
        }
        let whole = pattern(1 << 20, 99);
        let mut dst = vec![0u8; whole.len()];
        // SAFETY: as above.
        let got = unsafe { copy_with_crc(whole.as_ptr(), dst.as_mut_ptr(), whole.len(), true, 0) };
        assert_eq!(got, crc32fast::hash(&whole));
        assert!(dst == whole);
    }
}
