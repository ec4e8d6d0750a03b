use anchor_lang::prelude::*;

use crate::constants::{MAX_GPU_MODEL_LEN, SUPPLIER_SEED};

/// A GPU owner's offer on one market. PDA `[SUPPLIER_SEED, market, owner]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Supplier {
    pub market: Pubkey,
    /// Signs for the supplier; receives payouts in its token accounts.
    pub owner: Pubkey,
    #[max_len(MAX_GPU_MODEL_LEN)]
    pub gpu_model: String,
    pub gpu_count: u16,
    /// Price of one hour of the whole offer, in stablecoin base units.
    pub hourly_price: u64,
    /// New rentals are refused while false.
    pub active: bool,
    /// Rentals created and not yet settled, cancelled or reclaimed.
    pub open_rentals: u32,
    pub bump: u8,
    /// Lowest token price (stablecoin base units per whole token) at which the supplier accepts
    /// payment in the market token: 0 = any price, `u64::MAX` = stablecoin only.
    pub min_token_price: u64,
}

impl Supplier {
    /// Whether `supplier` is this offer's address, `[SUPPLIER_SEED, market, owner]` with its
    /// stored bump (`pda::is_derived`).
    pub fn is_at(&self, supplier: &Pubkey) -> bool {
        crate::pda::is_derived(
            supplier,
            &[SUPPLIER_SEED, self.market.as_ref(), self.owner.as_ref()],
            self.bump,
        )
    }
}
