use anchor_lang::prelude::*;

use crate::{
    constants::RENTAL_SEED,
    errors::MarketError,
    events::RentalDisputed,
    state::{Rental, RentalState},
};

#[derive(Accounts)]
pub struct DisputeRental<'info> {
    /// The customer contests the delivery.
    pub customer: Signer<'info>,

    /// The customer's running (or just ended) rental.
    // Its seeds are re-derived with its stored bump, as for every other piece of program
    // state: the owner and discriminator checks alone would accept a rental at any address
    // (crates/svm-harness/tests/attack_matrix.rs forges one at a non-canonical bump).
    #[account(
        mut,
        seeds = [
            RENTAL_SEED,
            rental.market.as_ref(),
            rental.customer.as_ref(),
            &rental.rental_id.to_le_bytes(),
        ],
        bump = rental.bump,
        has_one = customer,
    )]
    pub rental: Account<'info, Rental>,

    /// Needed for the dispute window.
    #[account(address = rental.market)]
    pub market: Account<'info, crate::state::MarketConfig>,
}

pub fn handler(ctx: Context<DisputeRental>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let rental = &mut ctx.accounts.rental;
    require!(
        rental.state == RentalState::Active,
        MarketError::InvalidRentalState
    );
    require!(
        now < rental
            .ends_at
            .saturating_add(ctx.accounts.market.dispute_window),
        MarketError::DisputeWindowClosed
    );
    rental.state = RentalState::Disputed;
    emit!(RentalDisputed {
        rental: rental.key(),
        customer: rental.customer
    });
    Ok(())
}
