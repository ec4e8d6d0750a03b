use anchor_lang::prelude::*;

use crate::state::SwapTimelocks;

#[event]
pub struct MarketInitialized {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub treasury: Pubkey,
    pub stable_mint: Pubkey,
    pub token_mint: Pubkey,
    pub fee_bps: u16,
    pub token_discount_bps: u16,
    pub price_authority: Pubkey,
    pub max_price_staleness: i64,
    pub start_timeout: i64,
    pub dispute_window: i64,
    pub subsidy_authority: Pubkey,
    pub max_subsidy_per_period: u64,
    pub subsidy_period: i64,
    pub subsidy_claim_delay: i64,
    pub subsidy_claim_window: i64,
}

#[event]
pub struct MarketConfigUpdated {
    pub market: Pubkey,
    pub treasury: Pubkey,
    pub fee_bps: u16,
    pub token_discount_bps: u16,
    pub paused: bool,
    /// Seconds the market has been paused in all (ended pauses).
    pub paused_seconds: i64,
}

#[event]
pub struct IgnitionVaultCreated {
    pub market: Pubkey,
    pub vault: Pubkey,
}

#[event]
pub struct IgnitionFunded {
    pub market: Pubkey,
    pub funder: Pubkey,
    pub amount: u64,
    pub total_funded: u64,
}

#[event]
pub struct SupplierRegistered {
    pub market: Pubkey,
    pub supplier: Pubkey,
    pub owner: Pubkey,
    pub gpu_model: String,
    pub gpu_count: u16,
    pub hourly_price: u64,
    pub min_token_price: u64,
}

#[event]
pub struct OfferUpdated {
    pub supplier: Pubkey,
    pub gpu_count: u16,
    pub hourly_price: u64,
    pub active: bool,
    pub min_token_price: u64,
}

#[event]
pub struct TokenPriceSet {
    pub market: Pubkey,
    pub previous_price: u64,
    pub token_price: u64,
    pub updated_at: i64,
}

#[event]
pub struct EscrowVaultCreated {
    pub market: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
}

#[event]
pub struct RentalCreated {
    pub rental: Pubkey,
    pub customer: Pubkey,
    pub supplier: Pubkey,
    /// What was rented, as offered at creation.
    pub gpu_model: String,
    pub gpu_count: u16,
    pub hourly_price: u64,
    pub hours: u32,
    pub payment_mint: Pubkey,
    pub price: u64,
    pub fee: u64,
}

#[event]
pub struct RentalStarted {
    pub rental: Pubkey,
    pub started_at: i64,
    pub ends_at: i64,
}

#[event]
pub struct RentalDisputed {
    pub rental: Pubkey,
    pub customer: Pubkey,
}

#[event]
pub struct RentalSettled {
    pub rental: Pubkey,
    pub delivered_hours: u32,
    pub to_supplier: u64,
    pub fee: u64,
    pub refund: u64,
}

#[event]
pub struct RentalRefunded {
    pub rental: Pubkey,
    pub customer: Pubkey,
    pub amount: u64,
    pub reclaimed: bool,
}

#[event]
pub struct AuthorityTransferStarted {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub pending_authority: Pubkey,
}

#[event]
pub struct AuthorityTransferred {
    pub market: Pubkey,
    pub previous: Pubkey,
    pub authority: Pubkey,
}

#[event]
pub struct PriceAuthoritySet {
    pub market: Pubkey,
    pub price_authority: Pubkey,
}

#[event]
pub struct SubsidyAuthoritySet {
    pub market: Pubkey,
    pub subsidy_authority: Pubkey,
}

#[event]
pub struct SubsidyEpochPosted {
    pub market: Pubkey,
    pub epoch: u64,
    pub root: [u8; 32],
    pub total: u64,
    pub leaf_count: u32,
    pub opens_at: i64,
    pub expires_at: i64,
    /// True when an epoch that had not opened yet got a new root.
    pub replaced: bool,
}

#[event]
pub struct SubsidyClaimed {
    pub market: Pubkey,
    pub epoch: u64,
    pub index: u32,
    /// The Supplier account the leaf names.
    pub supplier: Pubkey,
    /// Its owner, who signed and was paid.
    pub owner: Pubkey,
    pub amount: u64,
}

#[event]
pub struct SubsidyEpochClosed {
    pub market: Pubkey,
    pub epoch: u64,
    pub claimed: u64,
    /// What was still reserved for the epoch and went back to the pool.
    pub released: u64,
}

#[event]
pub struct SubsidyClaimsClosed {
    pub market: Pubkey,
    pub epoch: u64,
    pub chunk: u32,
    /// Received the chunk's rent.
    pub payer: Pubkey,
}

#[event]
pub struct SwapLocked {
    pub maker: Pubkey,
    pub swap_id: u64,
    pub recipient: Pubkey,
    pub mint: Pubkey,
    pub amount: u64,
    /// keccak256 of the 32-byte secret.
    pub hashlock: [u8; 32],
    pub timelocks: SwapTimelocks,
    /// Clock unix timestamp of the lock; the timelocks are offsets from it.
    pub locked_at: i64,
    /// Lamports, paid to whoever completes the swap.
    pub safety_deposit: u64,
}

#[event]
pub struct SwapWithdrawn {
    pub maker: Pubkey,
    pub swap_id: u64,
    /// The preimage of the hashlock: it opens the other chain's lock.
    pub secret: [u8; 32],
    /// Received the safety deposit.
    pub caller: Pubkey,
}

#[event]
pub struct SwapCancelled {
    pub maker: Pubkey,
    pub swap_id: u64,
    /// Received the safety deposit.
    pub caller: Pubkey,
}
