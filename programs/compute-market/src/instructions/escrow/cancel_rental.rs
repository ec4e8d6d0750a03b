use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use super::pay_from_escrow;
use crate::{
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
///
/// Compute: the market, the rental and the escrow vault are re-derived from their stored bumps
/// with one hash each (`pda::is_derived`, instead of 1,500 CU per `create_program_address` and
/// a `find_program_address` search for the vault), and the mutable accounts carry `dup`, which
/// drops Anchor's duplicate check (a std `HashSet` of their keys, thousands of CU). Duplicates
/// that matter cannot pass: the market, the offer and the rental are three account types, no
/// token account is written by this program (only through SPL Token), and every account paid
/// is told apart from the vault by an explicit constraint.
#[derive(Accounts)]
pub struct RefundRental<'info> {
    /// The customer for `cancel_rental`; anyone for `reclaim_expired`.
    pub caller: Signer<'info>,

    #[account(
        mut,
        dup,
        constraint = market.is_at(&market.key()) @ anchor_lang::error::ErrorCode::ConstraintSeeds,
    )]
    pub market: Box<Account<'info, MarketConfig>>,

    /// The rented offer (its open-rental count drops).
    #[account(mut, dup, address = rental.supplier)]
    pub supplier: Box<Account<'info, Supplier>>,

    /// The rental; closed, its rent returned to the customer.
    // Its address is re-derived with its stored bump, as for every other piece of program
    // state: the owner and discriminator checks alone would accept a rental at any address
    // (crates/svm-harness/tests/attack_matrix.rs forges one at a non-canonical bump).
    #[account(
        mut,
        dup,
        constraint = rental.is_at(&rental.key()) @ anchor_lang::error::ErrorCode::ConstraintSeeds,
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
    #[account(
        mut,
        dup,
        token::mint = payment_mint,
        token::authority = customer,
        constraint = customer_token_account.key() != escrow_vault.key()
            @ anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount,
    )]
    pub customer_token_account: Box<Account<'info, TokenAccount>>,

    #[account(
        mut,
        dup,
        constraint = market.is_escrow_vault(&market.key(), &payment_mint.key(), &escrow_vault.key())
            @ anchor_lang::error::ErrorCode::ConstraintSeeds,
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
