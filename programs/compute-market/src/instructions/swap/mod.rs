//! Cross-chain swaps: hash time-locked escrows of any SPL Token mint (SWAP-DESIGN.md).
//! `lock_swap` puts the tokens and a safety deposit under a keccak256 hashlock, `withdraw_swap`
//! pays the recipient against the secret, `cancel_swap` returns the tokens to the maker; both
//! pay the safety deposit to their caller and close the swap and its vault (rent to the maker).

pub mod cancel_swap;
pub mod lock_swap;
pub mod withdraw_swap;

#[allow(ambiguous_glob_reexports)]
pub use cancel_swap::*;
#[allow(ambiguous_glob_reexports)]
pub use lock_swap::*;
#[allow(ambiguous_glob_reexports)]
pub use withdraw_swap::*;

use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Mint, Token, TokenAccount, TransferChecked};

use crate::state::Swap;

/// Ends a swap: the vault's whole balance goes to `to`, the vault closes (its rent to the
/// maker) and the safety deposit moves to `caller`. The swap account itself closes on exit
/// (`close = maker`), its rent and any lamports sent to it going to the maker.
///
/// The whole balance, not `swap.amount`: anyone can send tokens to the vault, and a token
/// account only closes empty, so paying out exactly `amount` would let a one-unit transfer
/// block the swap for good. Only the swap PDA can move tokens out, so the balance is never
/// below `amount`.
pub(crate) fn release<'info>(
    swap: &Account<'info, Swap>,
    vault: &Account<'info, TokenAccount>,
    mint: &Account<'info, Mint>,
    to: &Account<'info, TokenAccount>,
    maker: &AccountInfo<'info>,
    caller: &AccountInfo<'info>,
    token_program: &Program<'info, Token>,
) -> Result<()> {
    swap.with_signer_seeds(|seeds| {
        if vault.amount > 0 {
            token::transfer_checked(
                CpiContext::new_with_signer(
                    token_program.key(),
                    TransferChecked {
                        from: vault.to_account_info(),
                        mint: mint.to_account_info(),
                        to: to.to_account_info(),
                        authority: swap.to_account_info(),
                    },
                    &[seeds],
                ),
                vault.amount,
                mint.decimals,
            )?;
        }
        token::close_account(CpiContext::new_with_signer(
            token_program.key(),
            CloseAccount {
                account: vault.to_account_info(),
                destination: maker.clone(),
                authority: swap.to_account_info(),
            },
            &[seeds],
        ))
    })?;
    swap.sub_lamports(swap.safety_deposit)?;
    caller.add_lamports(swap.safety_deposit)?;
    Ok(())
}

/// Lowercase hex of 32 bytes (for the secret's log line).
pub(crate) fn hex32(bytes: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex32_is_lowercase_hex() {
        let mut b = [0u8; 32];
        b[0] = 0xab;
        b[31] = 0x0f;
        let h = super::hex32(&b);
        assert_eq!(h.len(), 64);
        assert!(h.starts_with("ab00"));
        assert!(h.ends_with("000f"));
    }
}
