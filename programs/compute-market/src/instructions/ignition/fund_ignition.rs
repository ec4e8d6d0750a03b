use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::{
    constants::{IGNITION_VAULT_SEED, MARKET_SEED},
    errors::MarketError,
    events::IgnitionFunded,
    state::MarketConfig,
};

#[derive(Accounts)]
pub struct FundIgnition<'info> {
    /// Anyone may fund ignition subsidies (treasury, emission bridge, a sponsor).
    pub funder: Signer<'info>,

    /// The market whose ignition pool is funded.
    #[account(
        mut,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = token_mint,
    )]
    pub market: Account<'info, MarketConfig>,

    /// The market token.
    pub token_mint: Account<'info, Mint>,

    /// The funder's market-token account.
    #[account(mut, token::mint = token_mint, token::authority = funder)]
    pub funder_token_account: Account<'info, TokenAccount>,

    /// The market's ignition vault.
    #[account(
        mut,
        seeds = [IGNITION_VAULT_SEED, market.key().as_ref()],
        bump = market.ignition_vault_bump,
    )]
    pub ignition_vault: Account<'info, TokenAccount>,

    pub token_program: Program<'info, Token>,
}

impl FundIgnition<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(!self.market.paused, MarketError::MarketPaused);
        require!(amount > 0, MarketError::InvalidAmount);
        Ok(())
    }
}

pub fn handler(ctx: Context<FundIgnition>, amount: u64) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let market = &mut ctx.accounts.market;
    market.ignition_funded = market
        .ignition_funded
        .checked_add(amount)
        .ok_or(MarketError::MathOverflow)?;
    let total_funded = market.ignition_funded;

    token::transfer_checked(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.funder_token_account.to_account_info(),
                mint: ctx.accounts.token_mint.to_account_info(),
                to: ctx.accounts.ignition_vault.to_account_info(),
                authority: ctx.accounts.funder.to_account_info(),
            },
        ),
        amount,
        ctx.accounts.token_mint.decimals,
    )?;

    emit!(IgnitionFunded {
        market: ctx.accounts.market.key(),
        funder: ctx.accounts.funder.key(),
        amount,
        total_funded,
    });
    Ok(())
}
