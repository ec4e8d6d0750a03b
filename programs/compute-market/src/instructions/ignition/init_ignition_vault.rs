use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::{
    constants::{IGNITION_VAULT_SEED, MARKET_SEED},
    errors::MarketError,
    events::IgnitionVaultCreated,
    state::MarketConfig,
};

#[derive(Accounts)]
pub struct InitIgnitionVault<'info> {
    /// The market authority; pays for the vault.
    #[account(mut)]
    pub authority: Signer<'info>,

    /// The market the vault belongs to; it becomes the vault's token authority.
    #[account(
        mut,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = authority,
        has_one = token_mint,
    )]
    pub market: Account<'info, MarketConfig>,

    /// The market token; ignition subsidies are paid in it.
    pub token_mint: Account<'info, Mint>,

    /// The vault, `[IGNITION_VAULT_SEED, market]`, created by CPI into SPL Token.
    #[account(
        init,
        payer = authority,
        seeds = [IGNITION_VAULT_SEED, market.key().as_ref()],
        bump,
        token::mint = token_mint,
        token::authority = market,
        token::token_program = token_program,
    )]
    pub ignition_vault: Account<'info, TokenAccount>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<InitIgnitionVault>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let market = &mut ctx.accounts.market;
    market.ignition_vault_bump = ctx.bumps.ignition_vault;
    emit!(IgnitionVaultCreated {
        market: market.key(),
        vault: ctx.accounts.ignition_vault.key()
    });
    Ok(())
}
