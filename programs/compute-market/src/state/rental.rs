use anchor_lang::prelude::*;

use crate::{
    constants::{MAX_GPU_MODEL_LEN, RENTAL_SEED},
    state::MarketConfig,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum RentalState {
    /// Paid into escrow, waiting for the supplier to start.
    Created,
    /// Running (or ended and inside the dispute window).
    Active,
    /// The customer disputed: only the market authority can settle.
    Disputed,
}

/// One rental, its escrow and its terms. PDA `[RENTAL_SEED, market, customer, rental_id]`.
/// Closed (rent to the customer) when settled, cancelled or reclaimed.
#[account]
#[derive(InitSpace, Debug)]
pub struct Rental {
    pub market: Pubkey,
    pub customer: Pubkey,
    /// The Supplier account.
    pub supplier: Pubkey,
    /// The supplier's owner at creation (who is paid).
    pub supplier_owner: Pubkey,
    /// Chosen by the customer; part of the seeds so one customer can hold many rentals.
    pub rental_id: u64,
    pub hours: u32,
    /// The stablecoin or the market token.
    pub payment_mint: Pubkey,
    /// Rental price in payment-mint base units (the supplier's part at full delivery).
    pub price: u64,
    /// Marketplace fee in payment-mint base units (after the token discount if any).
    pub fee: u64,
    pub created_at: i64,
    pub started_at: i64,
    pub ends_at: i64,
    pub state: RentalState,
    pub bump: u8,
    /// The market's cumulative paused seconds when the rental was created: the start deadline
    /// moves by the time the market has been paused since (`start_deadline`).
    pub paused_seconds_at_creation: i64,
    /// What was rented, as offered at creation (a later `update_offer` does not change it).
    pub gpu_count: u16,
    /// The offer's hourly price in stablecoin base units at creation.
    pub hourly_price: u64,
    /// Last, so that every field above sits at a fixed offset.
    #[max_len(MAX_GPU_MODEL_LEN)]
    pub gpu_model: String,
}

impl Rental {
    /// Whether `rental` is this rental's address, `[RENTAL_SEED, market, customer, rental_id]`
    /// with its stored bump (`pda::is_derived`).
    pub fn is_at(&self, rental: &Pubkey) -> bool {
        crate::pda::is_derived(
            rental,
            &[
                RENTAL_SEED,
                self.market.as_ref(),
                self.customer.as_ref(),
                &self.rental_id.to_le_bytes(),
            ],
            self.bump,
        )
    }

    /// Last moment the supplier may start the rental: `start_timeout` after creation, plus
    /// the time the market has been paused since (a pause blocks starting, so it does not count
    /// against the supplier). `reclaim_expired` opens after it.
    pub fn start_deadline(&self, market: &MarketConfig, now: i64) -> i64 {
        let paused_since_creation = market
            .paused_seconds_at(now)
            .saturating_sub(self.paused_seconds_at_creation);
        self.created_at
            .saturating_add(market.start_timeout)
            .saturating_add(paused_since_creation)
    }

    /// What the escrow holds for this rental.
    pub fn escrowed(&self) -> u64 {
        // price + fee was checked when the rental was created
        self.price + self.fee
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_space_holds_the_longest_gpu_model() {
        let rental = Rental {
            market: Pubkey::default(),
            customer: Pubkey::default(),
            supplier: Pubkey::default(),
            supplier_owner: Pubkey::default(),
            rental_id: u64::MAX,
            hours: u32::MAX,
            payment_mint: Pubkey::default(),
            price: u64::MAX,
            fee: u64::MAX,
            created_at: i64::MAX,
            started_at: i64::MAX,
            ends_at: i64::MAX,
            state: RentalState::Disputed,
            bump: u8::MAX,
            paused_seconds_at_creation: i64::MAX,
            gpu_count: u16::MAX,
            hourly_price: u64::MAX,
            gpu_model: "x".repeat(MAX_GPU_MODEL_LEN),
        };
        let mut data = Vec::new();
        rental.try_serialize(&mut data).unwrap();
        assert_eq!(data.len(), Rental::DISCRIMINATOR.len() + Rental::INIT_SPACE);
    }
}
