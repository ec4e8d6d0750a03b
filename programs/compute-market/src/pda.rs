//! Re-deriving the address of program state whose bump is stored.
//!
//! Anchor's `seeds = [...], bump = stored` constraint calls `create_program_address`, a syscall
//! that hashes the seeds and then checks that the result is off the ed25519 curve: 1,500 CU.
//! For an account that already exists and is owned by this program, the curve check adds
//! nothing (the account was created at that address by `init`, which searched the canonical
//! bump with `find_program_address`); what must hold is that its address is the hash of its
//! seeds, stored bump, this program's id and the PDA marker. `Pubkey::derive_address`
//! (solana-address) computes exactly that hash with the `sol_sha256` syscall, about a tenth of
//! the cost. Used on the rental instructions, whose compute budget it serves
//! (`npm run bench:cu`); a test compares it with `create_program_address` on every bump.
use anchor_lang::prelude::*;

/// Whether `key` is the program address of `seeds` with `bump` under this program.
pub fn is_derived<const N: usize>(key: &Pubkey, seeds: &[&[u8]; N], bump: u8) -> bool {
    Pubkey::derive_address(seeds, Some(bump), &crate::ID) == *key
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash is the one `create_program_address` checks: equal on every bump that gives a
    /// program address, and a different bump or seed never matches.
    #[test]
    fn is_derived_agrees_with_create_program_address() {
        let creator = Pubkey::new_from_array([7; 32]);
        let mut addresses = 0;
        for bump in 0..=u8::MAX {
            let seeds: [&[u8]; 3] = [b"market", creator.as_ref(), &[bump]];
            let Ok(address) = Pubkey::create_program_address(&seeds, &crate::ID) else {
                continue; // on the curve: no program address with this bump
            };
            addresses += 1;
            assert!(is_derived(&address, &[b"market", creator.as_ref()], bump));
            assert!(!is_derived(
                &address,
                &[b"market", creator.as_ref()],
                bump.wrapping_add(1)
            ));
            assert!(!is_derived(&address, &[b"markeT", creator.as_ref()], bump));
            assert!(!is_derived(
                &address,
                &[b"market", Pubkey::default().as_ref()],
                bump
            ));
        }
        assert!(
            addresses > 64,
            "about half the bumps give a program address"
        );
        let (canonical, bump) =
            Pubkey::find_program_address(&[b"market", creator.as_ref()], &crate::ID);
        assert!(is_derived(&canonical, &[b"market", creator.as_ref()], bump));
    }
}
