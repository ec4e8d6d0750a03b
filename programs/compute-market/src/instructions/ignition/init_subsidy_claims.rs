use anchor_lang::prelude::*;

use crate::{
    constants::{MARKET_SEED, SUBSIDY_CLAIMS_SEED, SUBSIDY_EPOCH_SEED},
    errors::MarketError,
    state::{MarketConfig, SubsidyClaims, SubsidyEpoch},
};

#[derive(Accounts)]
#[instruction(epoch: u64, chunk: u32)]
pub struct InitSubsidyClaims<'info> {
    /// Anyone (typically the subsidy authority or an operator of many suppliers) pays for the
    /// chunk so its claimers do not; the rent comes back to it when the chunk is closed.
    #[account(mut)]
    pub payer: Signer<'info>,

    /// The epoch's market.
    #[account(seeds = [MARKET_SEED, market.creator.as_ref()], bump = market.bump)]
    pub market: Account<'info, MarketConfig>,

    /// The epoch, not yet expired; `chunk` must cover some of its claim indices.
    #[account(
        seeds = [SUBSIDY_EPOCH_SEED, market.key().as_ref(), &epoch.to_le_bytes()],
        bump = subsidy_epoch.bump,
        has_one = market,
    )]
    pub subsidy_epoch: Account<'info, SubsidyEpoch>,

    /// The chunk, `[SUBSIDY_CLAIMS_SEED, market, epoch (u64 LE), chunk (u32 LE)]`.
    #[account(
        init,
        payer = payer,
        space = SubsidyClaims::SPACE,
        seeds = [
            SUBSIDY_CLAIMS_SEED,
            market.key().as_ref(),
            &epoch.to_le_bytes(),
            &chunk.to_le_bytes(),
        ],
        bump,
    )]
    pub subsidy_claims: AccountLoader<'info, SubsidyClaims>,

    pub system_program: Program<'info, System>,
}

/// Creates chunk `chunk` of epoch `epoch`'s claimed-bitmap ahead of its first claim.
pub fn handler(ctx: Context<InitSubsidyClaims>, epoch: u64, chunk: u32) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let e = &ctx.accounts.subsidy_epoch;
    require!(now < e.expires_at, MarketError::SubsidyEpochExpired);
    require!(chunk < e.chunk_count(), MarketError::InvalidSubsidyIndex);
    let mut c = ctx.accounts.subsidy_claims.load_init()?;
    c.market = ctx.accounts.market.key();
    c.payer = ctx.accounts.payer.key();
    c.epoch = epoch;
    c.chunk = chunk;
    c.bump = ctx.bumps.subsidy_claims;
    Ok(())
}
