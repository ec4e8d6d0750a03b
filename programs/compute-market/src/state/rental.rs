use anchor_lang::prelude::*;

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
}

impl Rental {
    /// What the escrow holds for this rental.
    pub fn escrowed(&self) -> u64 {
        // price + fee was checked when the rental was created
        self.price + self.fee
    }
}
