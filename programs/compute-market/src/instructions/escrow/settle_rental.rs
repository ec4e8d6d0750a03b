use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use super::pay_from_escrow;
use crate::{
    constants::{ESCROW_VAULT_SEED, MARKET_SEED, RENTAL_SEED},
    errors::MarketError,
    events::RentalSettled,
    math::settlement,
    state::{MarketConfig, Rental, RentalState, Supplier},
};

/// The accounts are boxed (deserialised on the heap): unboxed, Anchor's `try_accounts` for this
/// struct needs a stack frame above the 4,096 bytes SBPF gives each call, which the loader does
/// not check and which silently overwrites the caller's frame (tools/sbf/README.md, "Frames").
#[derive(Accounts)]
pub struct SettleRental<'info> {
    /// The market authority (usage reports, dispute resolution), or anyone for the full
    /// delivery once the dispute window has closed on an undisputed rental, or one more window
    /// later on a disputed one the authority has not resolved.
    pub settler: Signer<'info>,

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

    #[account(
        mut,
        seeds = [ESCROW_VAULT_SEED, market.key().as_ref(), payment_mint.key().as_ref()],
        bump,
    )]
    pub escrow_vault: Box<Account<'info, TokenAccount>>,

    /// The supplier owner's account in the payment mint: receives the delivered hours' price.
    #[account(mut, token::mint = payment_mint, token::authority = rental.supplier_owner)]
    pub supplier_token_account: Box<Account<'info, TokenAccount>>,

    /// The treasury's account in the payment mint: receives the fee on delivered hours.
    #[account(mut, token::mint = payment_mint, token::authority = market.treasury)]
    pub treasury_token_account: Box<Account<'info, TokenAccount>>,

    /// The customer's account in the payment mint: receives what was not delivered.
    #[account(mut, token::mint = payment_mint, token::authority = customer)]
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
