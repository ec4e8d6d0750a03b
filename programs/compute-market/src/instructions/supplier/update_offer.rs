use anchor_lang::prelude::*;

use crate::{constants::SUPPLIER_SEED, errors::MarketError, events::OfferUpdated, state::Supplier};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default)]
pub struct UpdateOfferArgs {
    pub gpu_count: Option<u16>,
    pub hourly_price: Option<u64>,
    /// `Some(false)` deactivates (no new rentals; open ones continue), `Some(true)` reactivates.
    pub active: Option<bool>,
    /// Lowest token price accepted for payment in the market token (0 = any, `u64::MAX` = none).
    pub min_token_price: Option<u64>,
}

#[derive(Accounts)]
pub struct UpdateOffer<'info> {
    /// The supplier's owner.
    pub owner: Signer<'info>,

    /// The offer; existing rentals keep the terms they were bought at.
    #[account(
        mut,
        seeds = [SUPPLIER_SEED, supplier.market.as_ref(), owner.key().as_ref()],
        bump = supplier.bump,
        has_one = owner,
    )]
    pub supplier: Account<'info, Supplier>,
}

impl UpdateOffer<'_> {
    pub fn validate(&self, args: &UpdateOfferArgs) -> Result<()> {
        require!(
            args.gpu_count.unwrap_or(1) > 0 && args.hourly_price.unwrap_or(1) > 0,
            MarketError::InvalidOffer
        );
        Ok(())
    }
}

pub fn handler(ctx: Context<UpdateOffer>, args: UpdateOfferArgs) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let supplier = &mut ctx.accounts.supplier;
    if let Some(gpu_count) = args.gpu_count {
        supplier.gpu_count = gpu_count;
    }
    if let Some(hourly_price) = args.hourly_price {
        supplier.hourly_price = hourly_price;
    }
    if let Some(active) = args.active {
        supplier.active = active;
    }
    if let Some(min_token_price) = args.min_token_price {
        supplier.min_token_price = min_token_price;
    }
    emit!(OfferUpdated {
        supplier: supplier.key(),
        gpu_count: supplier.gpu_count,
        hourly_price: supplier.hourly_price,
        active: supplier.active,
        min_token_price: supplier.min_token_price,
    });
    Ok(())
}
