use anchor_lang::prelude::*;

use crate::{constants::SUBSIDY_CHUNK_BITS, errors::MarketError};

/// One ignition-subsidy epoch: a Merkle root over `(market, epoch, index, supplier, amount)`
/// leaves (`merkle.rs`), what it may pay in all, and when. PDA
/// `[SUBSIDY_EPOCH_SEED, market, epoch (u64 LE)]`, paid for by the subsidy authority that first
/// posted it, and closed (rent back to that payer) by `close_subsidy_epoch` after `expires_at`.
#[account]
#[derive(InitSpace, Debug)]
pub struct SubsidyEpoch {
    pub market: Pubkey,
    pub epoch: u64,
    pub root: [u8; 32],
    /// The most the epoch pays: the sum of its leaves' amounts, as posted.
    pub total: u64,
    /// Paid so far; never above `total`.
    pub claimed: u64,
    /// Leaves in the tree; claim indices run over `0..leaf_count`.
    pub leaf_count: u32,
    /// Claims paid so far.
    pub claims: u32,
    pub posted_at: i64,
    /// Claims run from `opens_at` (inclusive) to `expires_at` (exclusive). Until `opens_at` the
    /// root may be replaced.
    pub opens_at: i64,
    pub expires_at: i64,
    /// The subsidy period `total` was counted in (`MarketConfig::subsidy_period_at`).
    pub period: u64,
    /// Paid the account's rent; receives it back at close.
    pub payer: Pubkey,
    pub bump: u8,
}

impl SubsidyEpoch {
    /// Claims are accepted at `now`.
    pub fn check_open(&self, now: i64) -> Result<()> {
        require!(now >= self.opens_at, MarketError::SubsidyEpochNotOpen);
        require!(now < self.expires_at, MarketError::SubsidyEpochExpired);
        Ok(())
    }

    /// Chunks of the claimed-bitmap that cover `0..leaf_count`.
    pub fn chunk_count(&self) -> u32 {
        self.leaf_count.div_ceil(SUBSIDY_CHUNK_BITS)
    }

    /// Still owed by the epoch (`total - claimed`).
    pub fn unclaimed(&self) -> u64 {
        // claimed <= total is checked on every claim
        self.total - self.claimed
    }
}
