use anchor_lang::prelude::*;

use crate::{
    constants::{MARKET_SEED, SUBSIDY_EPOCH_SEED},
    errors::MarketError,
    events::SubsidyEpochPosted,
    state::{MarketConfig, SubsidyEpoch},
};

#[derive(Accounts)]
#[instruction(epoch: u64)]
pub struct PostSubsidyEpoch<'info> {
    /// The market's subsidy authority; pays for a new epoch account.
    #[account(mut)]
    pub subsidy_authority: Signer<'info>,

    /// The market; its subsidy authority signs, and its pool and period counters change.
    #[account(
        mut,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = subsidy_authority,
    )]
    pub market: Account<'info, MarketConfig>,

    /// The epoch, `[SUBSIDY_EPOCH_SEED, market, epoch (u64 LE)]`: created on the first post,
    /// rewritten by a replacement (only before its claims open).
    #[account(
        init_if_needed,
        payer = subsidy_authority,
        space = SubsidyEpoch::DISCRIMINATOR.len() + SubsidyEpoch::INIT_SPACE,
        seeds = [SUBSIDY_EPOCH_SEED, market.key().as_ref(), &epoch.to_le_bytes()],
        bump,
    )]
    pub subsidy_epoch: Account<'info, SubsidyEpoch>,

    pub system_program: Program<'info, System>,
}

impl PostSubsidyEpoch<'_> {
    pub fn validate(&self, root: &[u8; 32], total: u64, leaf_count: u32) -> Result<()> {
        require!(
            *root != [0u8; 32] && total > 0 && leaf_count > 0,
            MarketError::InvalidSubsidyEpoch
        );
        Ok(())
    }
}

/// Posts epoch `epoch` (a new number, at least `subsidy_next_epoch`) or replaces the root of
/// one whose claims have not opened. `total` counts against `max_subsidy_per_period` (a replaced
/// root's old total is freed if it was counted in the same period) and must be covered by the
/// pool: `funded - paid - reserved` (+ the replaced root's old total, which stops being reserved).
pub fn handler(
    ctx: Context<PostSubsidyEpoch>,
    epoch: u64,
    root: [u8; 32],
    total: u64,
    leaf_count: u32,
) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    let account = &mut ctx.accounts.subsidy_epoch;

    // A fresh account (created just now by `init_if_needed`) is all zeroes.
    let replacing = account.market != Pubkey::default();
    let (old_total, old_period) = if replacing {
        require!(now < account.opens_at, MarketError::SubsidyEpochAlreadyOpen);
        // not open yet: nothing of it was claimed
        (account.total, Some(account.period))
    } else {
        require!(
            epoch >= market.subsidy_next_epoch,
            MarketError::SubsidyEpochNumberUsed
        );
        (0, None)
    };

    // The cap counts every total posted in the current period.
    let period = market.subsidy_period_at(now);
    let mut in_period = if period == market.subsidy_period_index {
        market.subsidy_posted_in_period
    } else {
        0
    };
    if old_period == Some(period) {
        // the old total was counted in this same period (the last one posted in)
        in_period = in_period
            .checked_sub(old_total)
            .ok_or(MarketError::MathOverflow)?;
    }
    in_period = in_period
        .checked_add(total)
        .ok_or(MarketError::MathOverflow)?;
    require!(
        in_period <= market.max_subsidy_per_period,
        MarketError::SubsidyCapExceeded
    );

    // The pool covers every epoch still open, this one's new total included.
    let reserved = market
        .ignition_reserved
        .checked_sub(old_total)
        .and_then(|r| r.checked_add(total))
        .ok_or(MarketError::MathOverflow)?;
    let unpaid = market
        .ignition_funded
        .checked_sub(market.ignition_paid)
        .ok_or(MarketError::MathOverflow)?;
    require!(reserved <= unpaid, MarketError::SubsidyPoolExceeded);

    market.subsidy_period_index = period;
    market.subsidy_posted_in_period = in_period;
    market.ignition_reserved = reserved;
    if !replacing {
        market.subsidy_next_epoch = epoch.checked_add(1).ok_or(MarketError::MathOverflow)?;
    }

    let opens_at = now
        .checked_add(market.subsidy_claim_delay)
        .ok_or(MarketError::MathOverflow)?;
    let expires_at = opens_at
        .checked_add(market.subsidy_claim_window)
        .ok_or(MarketError::MathOverflow)?;
    let payer = if replacing {
        account.payer
    } else {
        ctx.accounts.subsidy_authority.key()
    };
    account.set_inner(SubsidyEpoch {
        market: market.key(),
        epoch,
        root,
        total,
        claimed: 0,
        leaf_count,
        claims: 0,
        posted_at: now,
        opens_at,
        expires_at,
        period,
        payer,
        bump: ctx.bumps.subsidy_epoch,
    });
    emit!(SubsidyEpochPosted {
        market: market.key(),
        epoch,
        root,
        total,
        leaf_count,
        opens_at,
        expires_at,
        replaced: replacing,
    });
    Ok(())
}
