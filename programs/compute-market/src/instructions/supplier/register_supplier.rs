use anchor_lang::prelude::*;

use crate::{
    constants::{MARKET_SEED, MAX_GPU_MODEL_LEN, SUPPLIER_SEED},
    errors::MarketError,
    events::SupplierRegistered,
    state::{MarketConfig, Supplier},
};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OfferArgs {
    /// e.g. "H100-80GB", at most MAX_GPU_MODEL_LEN bytes.
    pub gpu_model: String,
    pub gpu_count: u16,
    /// Price of one hour of the whole offer, in stablecoin base units.
    pub hourly_price: u64,
    /// Lowest token price at which the supplier accepts payment in the market token
    /// (stablecoin base units per whole token): 0 = any price, `u64::MAX` = stablecoin only.
    pub min_token_price: u64,
}

impl OfferArgs {
    pub fn validate(&self) -> Result<()> {
        require!(
            !self.gpu_model.is_empty() && self.gpu_model.len() <= MAX_GPU_MODEL_LEN,
            MarketError::InvalidGpuModel
        );
        require!(
            self.gpu_count > 0 && self.hourly_price > 0,
            MarketError::InvalidOffer
        );
        Ok(())
    }
}

#[derive(Accounts)]
pub struct RegisterSupplier<'info> {
    /// The GPU owner; pays for the account.
    #[account(mut)]
    pub owner: Signer<'info>,

    /// The market the offer is listed on.
    #[account(seeds = [MARKET_SEED, market.creator.as_ref()], bump = market.bump)]
    pub market: Account<'info, MarketConfig>,

    /// The supplier, `[SUPPLIER_SEED, market, owner]`: one per owner and market.
    #[account(
        init,
        payer = owner,
        space = Supplier::DISCRIMINATOR.len() + Supplier::INIT_SPACE,
        seeds = [SUPPLIER_SEED, market.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub supplier: Account<'info, Supplier>,

    pub system_program: Program<'info, System>,
}

impl RegisterSupplier<'_> {
    pub fn validate(&self, args: &OfferArgs) -> Result<()> {
        require!(!self.market.paused, MarketError::MarketPaused);
        args.validate()
    }
}

pub fn handler(ctx: Context<RegisterSupplier>, args: OfferArgs) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let supplier = &mut ctx.accounts.supplier;
    supplier.set_inner(Supplier {
        market: ctx.accounts.market.key(),
        owner: ctx.accounts.owner.key(),
        gpu_model: args.gpu_model.clone(),
        gpu_count: args.gpu_count,
        hourly_price: args.hourly_price,
        active: true,
        open_rentals: 0,
        bump: ctx.bumps.supplier,
        min_token_price: args.min_token_price,
    });
    emit!(SupplierRegistered {
        market: supplier.market,
        supplier: supplier.key(),
        owner: supplier.owner,
        gpu_model: args.gpu_model,
        gpu_count: args.gpu_count,
        hourly_price: args.hourly_price,
        min_token_price: args.min_token_price,
    });
    Ok(())
}
