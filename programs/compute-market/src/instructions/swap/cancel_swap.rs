use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use super::release;
use crate::{
    constants::{SWAP_SEED, SWAP_VAULT_SEED},
    errors::MarketError,
    events::SwapCancelled,
    state::Swap,
};

#[derive(Accounts)]
pub struct CancelSwap<'info> {
    /// The maker in the private cancellation window, anyone in the public one; receives the
    /// safety deposit.
    #[account(mut)]
    pub caller: Signer<'info>,

    /// CHECK: the swap's maker (`has_one`); receives the rent of the swap and its vault.
    #[account(mut)]
    pub maker: UncheckedAccount<'info>,

    /// The swap; closed, its rent to the maker.
    #[account(
        mut,
        seeds = [SWAP_SEED, swap.maker.as_ref(), &swap.swap_id.to_le_bytes()],
        bump = swap.bump,
        has_one = maker,
        has_one = mint,
        close = maker,
    )]
    pub swap: Account<'info, Swap>,

    pub mint: Account<'info, Mint>,

    /// The swap's vault; emptied and closed.
    #[account(mut, seeds = [SWAP_VAULT_SEED, swap.key().as_ref()], bump = swap.vault_bump)]
    pub vault: Account<'info, TokenAccount>,

    /// The maker's account in the swap's mint: receives the tokens back.
    #[account(mut, token::mint = mint, token::authority = swap.maker)]
    pub maker_token_account: Account<'info, TokenAccount>,

    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<CancelSwap>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let caller = a.caller.key();
    a.swap.check_cancel(now, &caller)?;
    release(
        &a.swap,
        &a.vault,
        &a.mint,
        &a.maker_token_account,
        &a.maker.to_account_info(),
        &a.caller.to_account_info(),
        &a.token_program,
    )?;
    emit!(SwapCancelled {
        maker: a.swap.maker,
        swap_id: a.swap.swap_id,
        caller,
    });
    Ok(())
}
