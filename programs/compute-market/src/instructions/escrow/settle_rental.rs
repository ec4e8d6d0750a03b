use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use super::pay_from_escrow;
use crate::{
    errors::MarketError,
    events::RentalSettled,
    math::settlement,
    state::{MarketConfig, Rental, RentalState, Supplier},
};

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
pub struct SettleRental<'info> {
    /// The market authority (usage reports, dispute resolution), or anyone for the full
    /// delivery once the dispute window has closed on an undisputed rental, or one more window
    /// later on a disputed one the authority has not resolved.
    pub settler: Signer<'info>,

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

    #[account(
        mut,
        dup,
        constraint = market.is_escrow_vault(&market.key(), &payment_mint.key(), &escrow_vault.key())
            @ anchor_lang::error::ErrorCode::ConstraintSeeds,
    )]
    pub escrow_vault: Box<Account<'info, TokenAccount>>,

    /// The supplier owner's account in the payment mint: receives the delivered hours' price.
    #[account(
        mut,
        dup,
        token::mint = payment_mint,
        token::authority = rental.supplier_owner,
        constraint = supplier_token_account.key() != escrow_vault.key()
            @ anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount,
    )]
    pub supplier_token_account: Box<Account<'info, TokenAccount>>,

    /// The treasury's account in the payment mint: receives the fee on delivered hours.
    #[account(
        mut,
        dup,
        token::mint = payment_mint,
        token::authority = market.treasury,
        constraint = treasury_token_account.key() != escrow_vault.key()
            @ anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount,
    )]
    pub treasury_token_account: Box<Account<'info, TokenAccount>>,

    /// The customer's account in the payment mint: receives what was not delivered.
    #[account(
        mut,
        dup,
        token::mint = payment_mint,
        token::authority = customer,
        constraint = customer_token_account.key() != escrow_vault.key()
            @ anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount,
    )]
    pub customer_token_account: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<SettleRental>, delivered_hours: u32) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let rental = &ctx.accounts.rental;
    let market = &ctx.accounts.market;
    require!(
        matches!(rental.state, RentalState::Active | RentalState::Disputed),
        MarketError::InvalidRentalState
    );
    let window_end = rental.ends_at.saturating_add(market.dispute_window);
    // a dispute gives the authority one more window to rule
    let open_until = match rental.state {
        RentalState::Disputed => window_end.saturating_add(market.dispute_window),
        _ => window_end,
    };
    let by_authority = ctx.accounts.settler.key() == market.authority;
    let delivered = if by_authority {
        delivered_hours
    } else if now >= open_until {
        // Undisputed and past the window, or disputed and left unresolved by the authority
        // past its deadline: the rental settles as delivered in full (it ended at least one
        // window ago). An ignored dispute neither refunds nor costs anything: it delays.
        require!(
            delivered_hours == rental.hours,
            MarketError::SettlementNotAllowed
        );
        rental.hours
    } else {
        return err!(MarketError::SettlementNotAllowed);
    };
    let s = settlement(rental.price, rental.fee, delivered, rental.hours)?;

    let escrowed_total = rental.escrowed();
    let mint = rental.payment_mint;
    let market = &mut ctx.accounts.market;
    let escrowed = market.escrowed_mut(&mint);
    *escrowed = escrowed
        .checked_sub(escrowed_total)
        .ok_or(MarketError::MathOverflow)?;
    ctx.accounts.supplier.open_rentals = ctx.accounts.supplier.open_rentals.saturating_sub(1);

    let a = &ctx.accounts;
    pay_from_escrow(
        &a.market,
        &a.escrow_vault,
        &a.payment_mint,
        &a.supplier_token_account,
        &a.token_program,
        s.to_supplier,
    )?;
    pay_from_escrow(
        &a.market,
        &a.escrow_vault,
        &a.payment_mint,
        &a.treasury_token_account,
        &a.token_program,
        s.fee,
    )?;
    pay_from_escrow(
        &a.market,
        &a.escrow_vault,
        &a.payment_mint,
        &a.customer_token_account,
        &a.token_program,
        s.refund,
    )?;
    emit!(RentalSettled {
        rental: a.rental.key(),
        delivered_hours: delivered,
        to_supplier: s.to_supplier,
        fee: s.fee,
        refund: s.refund,
    });
    Ok(())
}
