use anchor_lang::prelude::*;

#[event]
pub struct MarketInitialized {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub treasury: Pubkey,
    pub stable_mint: Pubkey,
    pub token_mint: Pubkey,
    pub fee_bps: u16,
    pub token_discount_bps: u16,
}

#[event]
pub struct MarketConfigUpdated {
    pub market: Pubkey,
    pub treasury: Pubkey,
    pub fee_bps: u16,
    pub token_discount_bps: u16,
    pub paused: bool,
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
