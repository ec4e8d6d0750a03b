use anchor_lang::prelude::*;

use crate::{
    constants::{MARKET_SEED, RENTAL_SEED, SECONDS_PER_HOUR},
    errors::MarketError,
    events::RentalStarted,
    state::{MarketConfig, Rental, RentalState, Supplier},
};

#[derive(Accounts)]
pub struct StartRental<'info> {
    /// The supplier's owner accepts the rental and starts the clock.
    pub owner: Signer<'info>,

    #[account(seeds = [MARKET_SEED, market.creator.as_ref()], bump = market.bump)]
    pub market: Account<'info, MarketConfig>,

    /// The rented offer; only its owner may start.
    #[account(has_one = owner, has_one = market)]
    pub supplier: Account<'info, Supplier>,

    /// The rental, created for this supplier on this market.
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
        has_one = supplier,
        has_one = market,
    )]
    pub rental: Account<'info, Rental>,
}

impl StartRental<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(!self.market.paused, MarketError::MarketPaused);
        require!(
            self.rental.state == RentalState::Created,
            MarketError::InvalidRentalState
        );
        Ok(())
    }
}

pub fn handler(ctx: Context<StartRental>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let rental = &mut ctx.accounts.rental;
    require!(
        now <= rental.start_deadline(&ctx.accounts.market, now),
        MarketError::StartTimeoutPassed
    );
    rental.state = RentalState::Active;
    rental.started_at = now;
    rental.ends_at = now
        .checked_add(rental.hours as i64 * SECONDS_PER_HOUR)
        .ok_or(MarketError::MathOverflow)?;
    emit!(RentalStarted {
        rental: rental.key(),
        started_at: now,
        ends_at: rental.ends_at
    });
    Ok(())
}
