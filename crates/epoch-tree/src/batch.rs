//! keccak256 of many equal-length inputs at once: Keccak-f[1600] on 8 states side by side with
//! AVX-512 or 4 with AVX2 (one state per 64-bit lane), chosen at run time, else one at a time
//! with the `sha3` crate. An epoch hashes ~3n inputs of three fixed lengths (a row, a 32-byte
//! inner hash, a 64-byte node pair), which is exactly this shape. Every path is checked against
//! `sha3` in the tests below.
use crate::{keccak, Node};

/// keccak256's rate in bytes (1600 - 2 * 256 bits).
const RATE: usize = 136;
const RATE_WORDS: usize = RATE / 8;

/// The instruction set a batch runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

/// The widest instruction set this CPU runs.
pub fn best_isa() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return Isa::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            return Isa::Avx2;
        }
    }
    Isa::Scalar
}

/// Every instruction set this CPU runs (for tests and benchmarks).
pub fn available_isas() -> Vec<Isa> {
    let mut out = vec![Isa::Scalar];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            out.push(Isa::Avx2);
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            out.push(Isa::Avx512);
        }
    }
    out
}

/// `out[k] = keccak256(input[k * stride .. k * stride + len])` for every `k < out.len()`.
pub fn keccak_batch(input: &[u8], stride: usize, len: usize, out: &mut [Node]) {
    keccak_batch_on(best_isa(), input, stride, len, out)
}

/// keccak_batch on a given instruction set (which the CPU must run: see available_isas).
pub fn keccak_batch_on(isa: Isa, input: &[u8], stride: usize, len: usize, out: &mut [Node]) {
    let count = out.len();
    assert!(len <= stride || count <= 1, "inputs overlap");
    assert!(
        count == 0 || (count - 1) * stride + len <= input.len(),
        "input too short"
    );
    let done = match isa {
        Isa::Scalar => 0,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            assert!(std::arch::is_x86_feature_detected!("avx2"));
            // SAFETY: the CPU runs AVX2 (checked above)
            unsafe { x86::batch_avx2(input, stride, len, out) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            assert!(std::arch::is_x86_feature_detected!("avx512f"));
            // SAFETY: the CPU runs AVX-512F (checked above)
            unsafe { x86::batch_avx512(input, stride, len, out) }
        }
    };
    for (k, o) in out.iter_mut().enumerate().skip(done) {
        *o = keccak(&input[k * stride..k * stride + len]);
    }
}

/// Round constants of Keccak-f[1600].
const RC: [u64; 24] = [
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808a,
    0x8000000080008000,
    0x000000000000808b,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008a,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000a,
    0x000000008000808b,
    0x800000000000008b,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800a,
    0x800000008000000a,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008,
];

/// Rotation (rho) of lane `x + 5y`.
const RHO: [u32; 25] = [
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
];

/// Where pi moves lane `x + 5y`: to `y + 5((2x + 3y) mod 5)`.
const PI: [usize; 25] = {
    let mut p = [0usize; 25];
    let mut i = 0;
    while i < 25 {
        let (x, y) = (i % 5, i / 5);
        p[i] = y + 5 * ((2 * x + 3 * y) % 5);
        i += 1;
    }
    p
};

/// The inputs' padded blocks, lane-major: word `w` of block `b` of input `k` at
/// `[(b * RATE_WORDS + w) * lanes + k]` (keccak padding: 0x01 after the data, 0x80 at the end).
fn padded_words(
    input: &[u8],
    stride: usize,
    len: usize,
    first: usize,
    lanes: usize,
    out: &mut Vec<u64>,
) {
    let blocks = len / RATE + 1;
    out.clear();
    out.resize(blocks * RATE_WORDS * lanes, 0);
    let mut block = [0u8; RATE];
    for k in 0..lanes {
        let data = &input[(first + k) * stride..(first + k) * stride + len];
        for b in 0..blocks {
            block.fill(0);
            let from = b * RATE;
            let to = (from + RATE).min(len);
            if from < to {
                block[..to - from].copy_from_slice(&data[from..to]);
            }
            if b == blocks - 1 {
                block[len - from] ^= 0x01;
                block[RATE - 1] ^= 0x80;
            }
            for w in 0..RATE_WORDS {
                let word = u64::from_le_bytes(block[w * 8..w * 8 + 8].try_into().unwrap());
                out[(b * RATE_WORDS + w) * lanes + k] = word;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{padded_words, Node, PI, RATE_WORDS, RC, RHO};
    use std::arch::x86_64::*;

    /// Keccak-f[1600] on `$lanes` states, written once for both instruction sets: `$xor`, `$rol`
    /// (rotate left by a lane-count vector), `$andnot` (`!a & b`), `$load`, `$store`, `$splat`.
    macro_rules! keccak_x {
        ($name:ident, $feature:literal, $v:ty, $lanes:expr,
         $xor:expr, $rol:expr, $andnot:expr, $load:expr, $store:expr, $splat:expr) => {
            /// Hashes inputs in groups of the lane count; returns how many it hashed (the rest,
            /// fewer than a group, are left to the caller).
            #[target_feature(enable = $feature)]
            pub unsafe fn $name(
                input: &[u8],
                stride: usize,
                len: usize,
                out: &mut [Node],
            ) -> usize {
                const L: usize = $lanes;
                let groups = out.len() / L;
                let rot: [$v; 25] = core::array::from_fn(|i| $splat(RHO[i] as u64));
                let rot1: $v = $splat(1);
                let mut words = Vec::new();
                for g in 0..groups {
                    padded_words(input, stride, len, g * L, L, &mut words);
                    let mut a: [$v; 25] = [$splat(0); 25];
                    for block in words.chunks_exact(RATE_WORDS * L) {
                        for w in 0..RATE_WORDS {
                            a[w] = $xor(a[w], $load(block[w * L..].as_ptr()));
                        }
                        for rc in RC {
                            // theta
                            let c: [$v; 5] = core::array::from_fn(|x| {
                                $xor(
                                    $xor($xor(a[x], a[x + 5]), $xor(a[x + 10], a[x + 15])),
                                    a[x + 20],
                                )
                            });
                            for x in 0..5 {
                                let d = $xor(c[(x + 4) % 5], $rol(c[(x + 1) % 5], rot1));
                                for y in 0..5 {
                                    a[x + 5 * y] = $xor(a[x + 5 * y], d);
                                }
                            }
                            // rho and pi
                            let mut b: [$v; 25] = [$splat(0); 25];
                            for i in 0..25 {
                                b[PI[i]] = $rol(a[i], rot[i]);
                            }
                            // chi
                            for y in 0..5 {
                                for x in 0..5 {
                                    let i = x + 5 * y;
                                    a[i] = $xor(
                                        b[i],
                                        $andnot(b[(x + 1) % 5 + 5 * y], b[(x + 2) % 5 + 5 * y]),
                                    );
                                }
                            }
                            // iota
                            a[0] = $xor(a[0], $splat(rc));
                        }
                    }
                    let mut lanes = [[0u64; L]; 4];
                    for (w, lane) in lanes.iter_mut().enumerate() {
                        $store(lane.as_mut_ptr(), a[w]);
                    }
                    for k in 0..L {
                        let o = &mut out[g * L + k];
                        for (w, lane) in lanes.iter().enumerate() {
                            o[w * 8..w * 8 + 8].copy_from_slice(&lane[k].to_le_bytes());
                        }
                    }
                }
                groups * L
            }
        };
    }

    keccak_x!(
        batch_avx512,
        "avx512f",
        __m512i,
        8,
        |a, b| _mm512_xor_si512(a, b),
        |a, n| _mm512_rolv_epi64(a, n),
        |a, b| _mm512_andnot_si512(a, b),
        |p: *const u64| _mm512_loadu_si512(p as *const _),
        |p: *mut u64, v| _mm512_storeu_si512(p as *mut _, v),
        |w: u64| _mm512_set1_epi64(w as i64)
    );

    keccak_x!(
        batch_avx2,
        "avx2",
        __m256i,
        4,
        |a, b| _mm256_xor_si256(a, b),
        |a, n| _mm256_or_si256(
            _mm256_sllv_epi64(a, n),
            _mm256_srlv_epi64(a, _mm256_sub_epi64(_mm256_set1_epi64x(64), n))
        ),
        |a, b| _mm256_andnot_si256(a, b),
        |p: *const u64| _mm256_loadu_si256(p as *const __m256i),
        |p: *mut u64, v| _mm256_storeu_si256(p as *mut __m256i, v),
        |w: u64| _mm256_set1_epi64x(w as i64)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instruction_set_agrees_with_sha3() {
        let data: Vec<u8> = (0..40_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for isa in available_isas() {
            for len in [0usize, 1, 31, 32, 64, 135, 136, 137, 160, 271, 272, 300] {
                for count in [0usize, 1, 3, 4, 5, 8, 9, 17, 33] {
                    let stride = len + 7;
                    let mut out = vec![[0u8; 32]; count];
                    keccak_batch_on(isa, &data, stride, len, &mut out);
                    for (k, o) in out.iter().enumerate() {
                        assert_eq!(
                            *o,
                            keccak(&data[k * stride..k * stride + len]),
                            "{isa:?} len {len} count {count} input {k}"
                        );
                    }
                }
            }
        }
    }
}
