use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::{
    constants::{MAX_RENTAL_HOURS, RENTAL_SEED},
    errors::MarketError,
    events::RentalCreated,
    math::{rental_quote, RentalQuote, TokenTerms},
    state::{MarketConfig, Rental, RentalState, Supplier},
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateRentalArgs {
    /// Any number the customer has not used on this market yet (part of the rental's address).
    pub rental_id: u64,
    pub hours: u32,
    /// Slippage guard: the most the customer accepts to pay (price + fee) in the payment mint.
    pub max_amount: u64,
}

/// Price and fee of `hours` of `supplier` paid in `mint` (the arithmetic: `math::rental_quote`).
/// Paid in the market token, a price older than `max_price_staleness`, or below the supplier's
/// `min_token_price`, is refused.
pub fn quote(
    market: &MarketConfig,
    supplier: &Supplier,
    mint: &Mint,
    pay_in_token: bool,
    hours: u32,
    now: i64,
) -> Result<RentalQuote> {
    let token = if pay_in_token {
        require!(
            market.token_price > 0
                && now.saturating_sub(market.token_price_updated_at) <= market.max_price_staleness,
            MarketError::StalePrice
        );
        require!(
            market.token_price >= supplier.min_token_price,
            MarketError::TokenPriceBelowFloor
        );
        Some(TokenTerms {
            discount: market.token_discount(),
            price: market.token_price,
            decimals: mint.decimals,
        })
    } else {
        None
    };
    rental_quote(supplier.hourly_price, hours, market.fee(), token)
}

/// The accounts are boxed (deserialised on the heap): unboxed, Anchor's `try_accounts` for this
/// struct needs a stack frame above the 4,096 bytes SBPF gives each call, which the loader does
/// not check and which silently overwrites the caller's frame (tools/sbf/README.md, "Frames").
///
/// Compute budget (`npm run bench:cu`, 30,000 CU): the market, the offer and the escrow vault are
/// re-derived from their stored bumps with one hash each (`pda::is_derived`) instead of Anchor's
/// `seeds`/`bump` (1,500 CU per `create_program_address`, more per `find_program_address` try);
/// and the mutable accounts carry `dup`, which drops Anchor's duplicate check (a std `HashSet`
/// of their keys: 5,600 CU here). Duplicates cannot pass anyway: the market, the offer and the
/// rental are three account types (discriminators), neither token account is written by this
/// program (only through SPL Token), and the customer's account and the vault are told apart by
/// an explicit constraint.
#[derive(Accounts)]
#[instruction(args: CreateRentalArgs)]
pub struct CreateRental<'info> {
    /// The customer: pays the escrow and the rental account's rent.
    #[account(mut)]
    pub customer: Signer<'info>,

    /// The market.
    #[account(
        mut,
        dup,
        constraint = market.is_at(&market.key()) @ anchor_lang::error::ErrorCode::ConstraintSeeds,
        constraint = market.is_accepted_mint(&payment_mint.key()) @ MarketError::MintNotAccepted,
    )]
    pub market: Box<Account<'info, MarketConfig>>,

    /// The offer being rented, on this market.
    #[account(
        mut,
        dup,
        constraint = supplier.is_at(&supplier.key()) @ anchor_lang::error::ErrorCode::ConstraintSeeds,
        has_one = market,
    )]
    pub supplier: Box<Account<'info, Supplier>>,

    /// The new rental, `[RENTAL_SEED, market, customer, rental_id]`.
    #[account(
        init,
        payer = customer,
        space = Rental::DISCRIMINATOR.len() + Rental::INIT_SPACE,
        seeds = [RENTAL_SEED, market.key().as_ref(), customer.key().as_ref(), &args.rental_id.to_le_bytes()],
        bump,
    )]
    pub rental: Box<Account<'info, Rental>>,

    /// The stablecoin or the market token (SPL Token only).
    pub payment_mint: Box<Account<'info, Mint>>,

    /// The customer's account in the payment mint.
    #[account(
        mut,
        dup,
        token::mint = payment_mint,
        token::authority = customer,
        constraint = customer_token_account.key() != escrow_vault.key()
            @ anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount,
    )]
    pub customer_token_account: Box<Account<'info, TokenAccount>>,

    /// The market's escrow vault of the payment mint.
    #[account(
        mut,
        dup,
        constraint = market.is_escrow_vault(&market.key(), &payment_mint.key(), &escrow_vault.key())
            @ anchor_lang::error::ErrorCode::ConstraintSeeds,
    )]
    pub escrow_vault: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl CreateRental<'_> {
    pub fn validate(&self, args: &CreateRentalArgs) -> Result<()> {
        require!(!self.market.paused, MarketError::MarketPaused);
        require!(self.supplier.active, MarketError::SupplierInactive);
        require!(
            (1..=MAX_RENTAL_HOURS).contains(&args.hours),
            MarketError::InvalidHours
        );
        Ok(())
    }
}

pub fn handler(ctx: Context<CreateRental>, args: CreateRentalArgs) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let mint_key = ctx.accounts.payment_mint.key();
    let pay_in_token = mint_key == ctx.accounts.market.token_mint;
    let q = quote(
        &ctx.accounts.market,
        &ctx.accounts.supplier,
        &ctx.accounts.payment_mint,
        pay_in_token,
        args.hours,
        now,
    )?;
    let total = q.total()?;
    require!(total <= args.max_amount, MarketError::SlippageExceeded);

    let market = &mut ctx.accounts.market;
    let escrowed = market.escrowed_mut(&mint_key);
    *escrowed = escrowed
        .checked_add(total)
        .ok_or(MarketError::MathOverflow)?;
    let supplier = &mut ctx.accounts.supplier;
    supplier.open_rentals = supplier
        .open_rentals
        .checked_add(1)
        .ok_or(MarketError::MathOverflow)?;
    ctx.accounts.rental.set_inner(Rental {
        market: market.key(),
        customer: ctx.accounts.customer.key(),
        supplier: supplier.key(),
        supplier_owner: supplier.owner,
        rental_id: args.rental_id,
        hours: args.hours,
        payment_mint: mint_key,
        price: q.price,
        fee: q.fee,
        created_at: now,
        started_at: 0,
        ends_at: 0,
        state: RentalState::Created,
        bump: ctx.bumps.rental,
        // not paused here (`validate`), so this is the cumulative paused time
        paused_seconds_at_creation: market.paused_seconds,
        gpu_count: supplier.gpu_count,
        hourly_price: supplier.hourly_price,
        gpu_model: supplier.gpu_model.clone(),
    });

    token::transfer_checked(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            TransferChecked {
                from: ctx.accounts.customer_token_account.to_account_info(),
                mint: ctx.accounts.payment_mint.to_account_info(),
                to: ctx.accounts.escrow_vault.to_account_info(),
                authority: ctx.accounts.customer.to_account_info(),
            },
        ),
        total,
        ctx.accounts.payment_mint.decimals,
    )?;

    emit!(RentalCreated {
        rental: ctx.accounts.rental.key(),
        customer: ctx.accounts.customer.key(),
        supplier: ctx.accounts.supplier.key(),
        gpu_model: ctx.accounts.supplier.gpu_model.clone(),
        gpu_count: ctx.accounts.supplier.gpu_count,
        hourly_price: ctx.accounts.supplier.hourly_price,
        hours: args.hours,
        payment_mint: mint_key,
        price: q.price,
        fee: q.fee,
    });
    Ok(())
}
