use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::{
    constants::{ESCROW_VAULT_SEED, MARKET_SEED},
    errors::MarketError,
    events::EscrowVaultCreated,
    state::MarketConfig,
};

#[derive(Accounts)]
pub struct InitEscrowVault<'info> {
    /// The market authority; pays for the vault.
    #[account(mut)]
    pub authority: Signer<'info>,

    /// The market; it owns the vault and keeps its bump. `dup`: the only mutable account that
    /// this program writes, so there is nothing to tell it apart from (Anchor's duplicate check
    /// builds a std `HashSet` even for one key: about 2,400 CU).
    #[account(
        mut,
        dup,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = authority,
        constraint = market.is_accepted_mint(&mint.key()) @ MarketError::MintNotAccepted,
    )]
    pub market: Account<'info, MarketConfig>,

    /// One of the market's two accepted mints.
    pub mint: Account<'info, Mint>,

    /// The escrow vault of `mint`, `[ESCROW_VAULT_SEED, market, mint]`.
    #[account(
        init,
        payer = authority,
        seeds = [ESCROW_VAULT_SEED, market.key().as_ref(), mint.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = market,
        token::token_program = token_program,
    )]
    pub escrow_vault: Account<'info, TokenAccount>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitEscrowVault>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let mint = ctx.accounts.mint.key();
    let market = &mut ctx.accounts.market;
    if mint == market.stable_mint {
        market.stable_vault_bump = ctx.bumps.escrow_vault;
    } else {
        market.token_vault_bump = ctx.bumps.escrow_vault;
    }
    emit!(EscrowVaultCreated {
        market: ctx.accounts.market.key(),
        mint: ctx.accounts.mint.key(),
        vault: ctx.accounts.escrow_vault.key(),
    });
    Ok(())
}
