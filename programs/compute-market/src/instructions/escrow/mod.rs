pub mod cancel_rental;
pub mod create_rental;
pub mod dispute_rental;
pub mod settle_rental;
pub mod start_rental;

#[allow(ambiguous_glob_reexports)]
pub use cancel_rental::*;
#[allow(ambiguous_glob_reexports)]
pub use create_rental::*;
#[allow(ambiguous_glob_reexports)]
pub use dispute_rental::*;
#[allow(ambiguous_glob_reexports)]
pub use settle_rental::*;
#[allow(ambiguous_glob_reexports)]
pub use start_rental::*;

use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::state::MarketConfig;

/// Pays `amount` out of an escrow vault, signed by the market PDA.
pub(crate) fn pay_from_escrow<'info>(
    market: &Account<'info, MarketConfig>,
    vault: &Account<'info, TokenAccount>,
    mint: &Account<'info, Mint>,
    to: &Account<'info, TokenAccount>,
    token_program: &Program<'info, Token>,
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    let seeds = market.signer_seeds();
    token::transfer_checked(
        CpiContext::new_with_signer(
            token_program.key(),
            TransferChecked {
                from: vault.to_account_info(),
                mint: mint.to_account_info(),
                to: to.to_account_info(),
                authority: market.to_account_info(),
            },
            &[&seeds],
        ),
        amount,
        mint.decimals,
    )
}
