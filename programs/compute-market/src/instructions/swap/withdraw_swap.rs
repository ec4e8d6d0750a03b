use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use super::{hex32, release};
use crate::{
    constants::{SWAP_SEED, SWAP_VAULT_SEED},
    errors::MarketError,
    events::SwapWithdrawn,
    merkle::keccak,
    state::Swap,
};

#[derive(Accounts)]
pub struct WithdrawSwap<'info> {
    /// The recipient in the private withdrawal window, anyone in the public one; receives the
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

    /// The recipient's account in the swap's mint: receives the tokens.
    #[account(mut, token::mint = mint, token::authority = swap.recipient)]
    pub recipient_token_account: Account<'info, TokenAccount>,

    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<WithdrawSwap>, secret: [u8; 32]) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let caller = a.caller.key();
    a.swap.check_withdraw(now, &caller)?;
    require!(
        keccak(&[&secret]) == a.swap.hashlock,
        MarketError::InvalidSecret
    );
    release(
        &a.swap,
        &a.vault,
        &a.mint,
        &a.recipient_token_account,
        &a.maker.to_account_info(),
        &a.caller.to_account_info(),
        &a.token_program,
    )?;
    // The secret is in the event and, as text, in the logs (the event's `Program data:` line
    // is not produced where the program runs natively, as on the local test chain).
    msg!("SwapWithdrawn secret: {}", hex32(&secret));
    emit!(SwapWithdrawn {
        maker: a.swap.maker,
        swap_id: a.swap.swap_id,
        secret,
        caller,
    });
    Ok(())
}
