use anchor_lang::prelude::*;

use crate::{
    constants::{MARKET_SEED, SUBSIDY_CLAIMS_SEED, SUBSIDY_EPOCH_SEED},
    errors::MarketError,
    events::{SubsidyClaimsClosed, SubsidyEpochClosed},
    state::{MarketConfig, SubsidyClaims, SubsidyEpoch},
};

#[derive(Accounts)]
#[instruction(epoch: u64)]
pub struct CloseSubsidyEpoch<'info> {
    /// The market whose reserve shrinks by the epoch's unclaimed rest.
    #[account(mut, seeds = [MARKET_SEED, market.creator.as_ref()], bump = market.bump)]
    pub market: Account<'info, MarketConfig>,

    /// Closed; its rent goes back to the payer recorded in it.
    #[account(
        mut,
        seeds = [SUBSIDY_EPOCH_SEED, market.key().as_ref(), &epoch.to_le_bytes()],
        bump = subsidy_epoch.bump,
        has_one = market,
        has_one = payer @ MarketError::NotRecordedPayer,
        close = payer,
    )]
    pub subsidy_epoch: Account<'info, SubsidyEpoch>,

    /// CHECK: the key that paid for the epoch account (checked by `has_one`); receives its rent.
    #[account(mut)]
    pub payer: UncheckedAccount<'info>,
}

/// Anyone, once the epoch's claim window has ended: what it did not pay stops being reserved
/// (back to the pool for later epochs), and the account is closed. Its number can never be
/// posted again (`subsidy_next_epoch` only grows).
pub fn handler(ctx: Context<CloseSubsidyEpoch>, epoch: u64) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let e = &ctx.accounts.subsidy_epoch;
    require!(now >= e.expires_at, MarketError::SubsidyEpochNotExpired);
    let released = e.unclaimed();
    let claimed = e.claimed;
    let market = &mut ctx.accounts.market;
    market.ignition_reserved = market
        .ignition_reserved
        .checked_sub(released)
        .ok_or(MarketError::MathOverflow)?;
    emit!(SubsidyEpochClosed {
        market: market.key(),
        epoch,
        claimed,
        released,
    });
    Ok(())
}

#[derive(Accounts)]
#[instruction(epoch: u64, chunk: u32)]
pub struct CloseSubsidyClaims<'info> {
    /// The epoch's market.
    #[account(seeds = [MARKET_SEED, market.creator.as_ref()], bump = market.bump)]
    pub market: Account<'info, MarketConfig>,

    /// CHECK: the epoch's address (seeds checked). Either its account still exists, and its
    /// claim window must have ended, or it was closed by `close_subsidy_epoch` (a chunk exists
    /// only for a posted epoch, and a closed epoch number is never posted again).
    #[account(seeds = [SUBSIDY_EPOCH_SEED, market.key().as_ref(), &epoch.to_le_bytes()], bump)]
    pub subsidy_epoch: UncheckedAccount<'info>,

    /// Closed; its rent goes back to the payer recorded in it.
    #[account(
        mut,
        seeds = [
            SUBSIDY_CLAIMS_SEED,
            market.key().as_ref(),
            &epoch.to_le_bytes(),
            &chunk.to_le_bytes(),
        ],
        bump = subsidy_claims.load()?.bump,
        constraint = subsidy_claims.load()?.payer == payer.key() @ MarketError::NotRecordedPayer,
        close = payer,
    )]
    pub subsidy_claims: AccountLoader<'info, SubsidyClaims>,

    /// CHECK: the key that paid for the chunk (checked against the chunk); receives its rent.
    #[account(mut)]
    pub payer: UncheckedAccount<'info>,
}

/// Anyone, once the epoch's claim window has ended (whether or not the epoch is closed yet):
/// closes one chunk of its claimed-bitmap, rent to whoever paid for it.
pub fn close_claims_handler(
    ctx: Context<CloseSubsidyClaims>,
    epoch: u64,
    chunk: u32,
) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let info = ctx.accounts.subsidy_epoch.to_account_info();
    if info.owner == &crate::ID && !info.data_is_empty() {
        let e = SubsidyEpoch::try_deserialize(&mut &info.try_borrow_data()?[..])?;
        let now = Clock::get()?.unix_timestamp;
        require!(now >= e.expires_at, MarketError::SubsidyEpochNotExpired);
    }
    emit!(SubsidyClaimsClosed {
        market: ctx.accounts.market.key(),
        epoch,
        chunk,
        payer: ctx.accounts.payer.key(),
    });
    Ok(())
}
