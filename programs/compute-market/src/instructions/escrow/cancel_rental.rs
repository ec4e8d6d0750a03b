use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use super::pay_from_escrow;
use crate::{
    constants::{ESCROW_VAULT_SEED, MARKET_SEED, RENTAL_SEED},
    errors::MarketError,
    events::RentalRefunded,
    state::{MarketConfig, Rental, RentalState, Supplier},
};

/// Accounts of a full refund of a rental that never started: `cancel_rental` (the customer, any
/// time before the start) and `reclaim_expired` (anyone, once the start timeout has passed).
///
/// The accounts are boxed (deserialised on the heap): unboxed, Anchor's `try_accounts` for this
/// struct needs a stack frame above the 4,096 bytes SBPF gives each call, which the loader does
/// not check and which silently overwrites the caller's frame (tools/sbf/README.md, "Frames").
#[derive(Accounts)]
pub struct RefundRental<'info> {
    /// The customer for `cancel_rental`; anyone for `reclaim_expired`.
    pub caller: Signer<'info>,

    #[account(mut, seeds = [MARKET_SEED, market.creator.as_ref()], bump = market.bump)]
    pub market: Box<Account<'info, MarketConfig>>,

    /// The rented offer (its open-rental count drops).
    #[account(mut, address = rental.supplier)]
    pub supplier: Box<Account<'info, Supplier>>,

    /// The rental; closed, its rent returned to the customer.
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
        has_one = market,
        has_one = customer,
        has_one = payment_mint,
        close = customer,
    )]
    pub rental: Box<Account<'info, Rental>>,

    /// CHECK: the rental's customer (checked by `has_one`); receives the rent.
    #[account(mut)]
    pub customer: UncheckedAccount<'info>,

    pub payment_mint: Box<Account<'info, Mint>>,

    /// Where the refund goes: the customer's account in the payment mint.
    #[account(mut, token::mint = payment_mint, token::authority = customer)]
    pub customer_token_account: Box<Account<'info, TokenAccount>>,

    #[account(
        mut,
        seeds = [ESCROW_VAULT_SEED, market.key().as_ref(), payment_mint.key().as_ref()],
        bump,
    )]
    pub escrow_vault: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl RefundRental<'_> {
    fn refund(&mut self, reclaimed: bool) -> Result<()> {
        require!(
            self.rental.state == RentalState::Created,
            MarketError::InvalidRentalState
        );
        let amount = self.rental.escrowed();
        let escrowed = self.market.escrowed_mut(&self.rental.payment_mint);
        *escrowed = escrowed
            .checked_sub(amount)
            .ok_or(MarketError::MathOverflow)?;
        self.supplier.open_rentals = self.supplier.open_rentals.saturating_sub(1);
        pay_from_escrow(
            &self.market,
            &self.escrow_vault,
            &self.payment_mint,
            &self.customer_token_account,
            &self.token_program,
            amount,
        )?;
        emit!(RentalRefunded {
            rental: self.rental.key(),
            customer: self.rental.customer,
            amount,
            reclaimed
        });
        Ok(())
    }
}

/// The customer cancels before the supplier started: everything back.
pub fn cancel_handler(ctx: Context<RefundRental>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    require_keys_eq!(
        ctx.accounts.caller.key(),
        ctx.accounts.rental.customer,
        MarketError::NotCustomer
    );
    ctx.accounts.refund(false)
}

/// The supplier never started within the timeout (paused time not counted, as in
/// `start_rental`): anyone returns everything to the customer.
pub fn reclaim_handler(ctx: Context<RefundRental>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let rental = &ctx.accounts.rental;
    require!(
        now > rental.start_deadline(&ctx.accounts.market, now),
        MarketError::StartTimeoutNotReached
    );
    ctx.accounts.refund(true)
}
