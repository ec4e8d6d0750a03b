use anchor_lang::prelude::*;

use crate::constants::{SUBSIDY_CHUNK_BITS, SUBSIDY_CHUNK_BYTES};

/// One chunk of an epoch's claimed-bitmap: claim index `i` is bit `i % SUBSIDY_CHUNK_BITS` of
/// chunk `i / SUBSIDY_CHUNK_BITS`. PDA `[SUBSIDY_CLAIMS_SEED, market, epoch (u64 LE), chunk
/// (u32 LE)]`, created by the first claimer of the chunk (or in advance by anyone with
/// `init_subsidy_claims`), and closed (rent back to `payer`) by `close_subsidy_claims` once the
/// epoch has expired. Zero-copy: the bitmap is read and written in place, never copied.
#[account(zero_copy)]
#[derive(Debug)]
pub struct SubsidyClaims {
    pub market: Pubkey,
    /// Paid the account's rent; receives it back at close.
    pub payer: Pubkey,
    pub epoch: u64,
    pub chunk: u32,
    /// Bits set so far.
    pub claimed: u32,
    pub bump: u8,
    pub _padding: [u8; 7],
    pub bits: [u8; SUBSIDY_CHUNK_BYTES],
}

impl SubsidyClaims {
    /// Account size: discriminator and the `repr(C)` struct.
    pub const SPACE: usize = 8 + std::mem::size_of::<SubsidyClaims>();

    /// The chunk that holds claim index `index`, and the bit in it.
    pub fn locate(index: u32) -> (u32, u32) {
        (index / SUBSIDY_CHUNK_BITS, index % SUBSIDY_CHUNK_BITS)
    }

    pub fn is_set(&self, bit: u32) -> bool {
        self.bits[(bit / 8) as usize] & (1 << (bit % 8)) != 0
    }

    pub fn set(&mut self, bit: u32) {
        self.bits[(bit / 8) as usize] |= 1 << (bit % 8);
        self.claimed += 1;
    }
}

// A chunk is created by one instruction (`init_if_needed` in a claim), which may allocate at
// most 10 KiB (MAX_PERMITTED_DATA_INCREASE): checked at compile time.
const _: () = assert!(SubsidyClaims::SPACE <= 10 * 1_024);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_has_no_padding_and_fits_one_instruction() {
        assert_eq!(
            std::mem::size_of::<SubsidyClaims>(),
            32 + 32 + 8 + 4 + 4 + 1 + 7 + SUBSIDY_CHUNK_BYTES
        );
    }

    #[test]
    fn bits_are_independent() {
        let mut c: SubsidyClaims = bytemuck::Zeroable::zeroed();
        assert_eq!(SubsidyClaims::locate(SUBSIDY_CHUNK_BITS + 9), (1, 9));
        for bit in [0, 7, 8, SUBSIDY_CHUNK_BITS - 1] {
            assert!(!c.is_set(bit));
            c.set(bit);
            assert!(c.is_set(bit));
        }
        assert!(!c.is_set(1) && !c.is_set(9));
        assert_eq!(c.claimed, 4);
    }
}
