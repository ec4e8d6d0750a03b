use anchor_lang::prelude::*;

use crate::{
    constants::MARKET_SEED, errors::MarketError, events::TokenPriceSet, state::MarketConfig,
};

#[derive(Accounts)]
pub struct SetTokenPrice<'info> {
    /// The market's price authority (an oracle relayer).
    pub price_authority: Signer<'info>,

    /// The market whose token price is set.
    #[account(
        mut,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = price_authority,
    )]
    pub market: Account<'info, MarketConfig>,
}

/// `token_price`: stablecoin base units per whole market token; positive and, once a price is
/// set, within `MAX_PRICE_CHANGE_BPS` of the previous one.
pub fn handler(ctx: Context<SetTokenPrice>, token_price: u64) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    market.check_price_update(token_price)?;
    let previous_price = market.token_price;
    market.token_price = token_price;
    market.token_price_updated_at = now;
    emit!(TokenPriceSet {
        market: market.key(),
        previous_price,
        token_price,
        updated_at: now
    });
    Ok(())
}
