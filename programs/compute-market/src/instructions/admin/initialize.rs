use anchor_lang::prelude::*;
use anchor_spl::token::Mint;

use crate::{
    constants::MARKET_SEED, errors::MarketError, events::MarketInitialized, state::MarketConfig,
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitializeArgs {
    /// Wallet whose token accounts receive marketplace fees.
    pub treasury: Pubkey,
    /// Marketplace fee in bps of the rental price (`<= MAX_FEE_BPS`).
    pub fee_bps: u16,
    /// Share of the fee waived for payment in the market token (`<= 10_000`).
    pub token_discount_bps: u16,
    /// Sets the market token's price (`set_token_price`); not the default key.
    pub price_authority: Pubkey,
    /// Seconds after which a token price is stale (`MIN_PRICE_STALENESS..=MAX_PRICE_STALENESS`).
    pub max_price_staleness: i64,
    /// Seconds a supplier has to start a rental (`MIN_START_TIMEOUT..=MAX_START_TIMEOUT`).
    pub start_timeout: i64,
    /// Seconds after a rental's end during which it can be disputed
    /// (`MIN_DISPUTE_WINDOW..=MAX_DISPUTE_WINDOW`).
    pub dispute_window: i64,
    /// Posts ignition-subsidy epochs (`post_subsidy_epoch`); not the default key.
    pub subsidy_authority: Pubkey,
    /// The most that may be posted over all subsidy epochs posted in one subsidy period (`> 0`).
    pub max_subsidy_per_period: u64,
    /// Seconds per subsidy period (`MIN_SUBSIDY_PERIOD..=MAX_SUBSIDY_PERIOD`).
    pub subsidy_period: i64,
    /// Seconds from posting an epoch to its claims opening
    /// (`MIN_SUBSIDY_CLAIM_DELAY..=MAX_SUBSIDY_CLAIM_DELAY`).
    pub subsidy_claim_delay: i64,
    /// Seconds an epoch's claims stay open (`MIN_SUBSIDY_CLAIM_WINDOW..=MAX_SUBSIDY_CLAIM_WINDOW`).
    pub subsidy_claim_window: i64,
}

#[derive(Accounts)]
pub struct Initialize<'info> {
    /// Creates the market, pays for it, and becomes its first authority.
    #[account(mut)]
    pub creator: Signer<'info>,

    /// The market configuration, `[MARKET_SEED, creator]`.
    #[account(
        init,
        payer = creator,
        space = MarketConfig::DISCRIMINATOR.len() + MarketConfig::INIT_SPACE,
        seeds = [MARKET_SEED, creator.key().as_ref()],
        bump,
    )]
    pub market: Account<'info, MarketConfig>,

    /// The stablecoin accepted for payment. `Account<Mint>` checks that the
    /// SPL Token program owns it, so Token-2022 mints are refused.
    pub stable_mint: Account<'info, Mint>,

    /// The market's own token, accepted at a fee discount. SPL Token only.
    #[account(constraint = token_mint.key() != stable_mint.key() @ MarketError::SameMint)]
    pub token_mint: Account<'info, Mint>,

    pub system_program: Program<'info, System>,
}

impl Initialize<'_> {
    pub fn validate(&self, args: &InitializeArgs) -> Result<()> {
        MarketConfig::check_fees(args.fee_bps, args.token_discount_bps)?;
        MarketConfig::check_times(
            args.dispute_window,
            args.start_timeout,
            args.max_price_staleness,
        )?;
        require_keys_neq!(
            args.treasury,
            Pubkey::default(),
            MarketError::InvalidTreasury
        );
        require_keys_neq!(
            args.price_authority,
            Pubkey::default(),
            MarketError::InvalidPriceAuthority
        );
        MarketConfig::check_subsidy_settings(
            &args.subsidy_authority,
            args.max_subsidy_per_period,
            args.subsidy_period,
            args.subsidy_claim_delay,
            args.subsidy_claim_window,
        )?;
        Ok(())
    }
}

pub fn handler(ctx: Context<Initialize>, args: InitializeArgs) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    market.set_inner(MarketConfig {
        creator: ctx.accounts.creator.key(),
        authority: ctx.accounts.creator.key(),
        treasury: args.treasury,
        stable_mint: ctx.accounts.stable_mint.key(),
        token_mint: ctx.accounts.token_mint.key(),
        fee_bps: args.fee_bps,
        token_discount_bps: args.token_discount_bps,
        paused: false,
        ignition_funded: 0,
        bump: ctx.bumps.market,
        ignition_vault_bump: 0,
        price_authority: args.price_authority,
        token_price: 0,
        token_price_updated_at: 0,
        max_price_staleness: args.max_price_staleness,
        start_timeout: args.start_timeout,
        dispute_window: args.dispute_window,
        escrowed_stable: 0,
        escrowed_token: 0,
        pending_authority: Pubkey::default(),
        paused_at: 0,
        paused_seconds: 0,
        subsidy_authority: args.subsidy_authority,
        max_subsidy_per_period: args.max_subsidy_per_period,
        subsidy_period: args.subsidy_period,
        subsidy_period_start: now,
        subsidy_claim_delay: args.subsidy_claim_delay,
        subsidy_claim_window: args.subsidy_claim_window,
        subsidy_period_index: 0,
        subsidy_posted_in_period: 0,
        subsidy_next_epoch: 0,
        ignition_paid: 0,
        ignition_reserved: 0,
        stable_vault_bump: 0,
        token_vault_bump: 0,
    });
    emit!(MarketInitialized {
        market: market.key(),
        authority: market.authority,
        treasury: market.treasury,
        stable_mint: market.stable_mint,
        token_mint: market.token_mint,
        fee_bps: market.fee_bps,
        token_discount_bps: market.token_discount_bps,
        price_authority: market.price_authority,
        max_price_staleness: market.max_price_staleness,
        start_timeout: market.start_timeout,
        dispute_window: market.dispute_window,
        subsidy_authority: market.subsidy_authority,
        max_subsidy_per_period: market.max_subsidy_per_period,
        subsidy_period: market.subsidy_period,
        subsidy_claim_delay: market.subsidy_claim_delay,
        subsidy_claim_window: market.subsidy_claim_window,
    });
    Ok(())
}
