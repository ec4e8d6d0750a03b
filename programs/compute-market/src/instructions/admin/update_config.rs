use anchor_lang::prelude::*;

use crate::{
    constants::MARKET_SEED, errors::MarketError, events::MarketConfigUpdated, state::MarketConfig,
};

/// Every field is optional: `None` keeps the current value. The time settings are fixed at
/// `initialize` (open rentals keep the windows they were bought under).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default)]
pub struct UpdateConfigArgs {
    pub treasury: Option<Pubkey>,
    pub fee_bps: Option<u16>,
    pub token_discount_bps: Option<u16>,
    pub paused: Option<bool>,
}

#[derive(Accounts)]
pub struct UpdateConfig<'info> {
    /// The market authority.
    pub authority: Signer<'info>,

    /// The market being changed; only its authority may change it.
    #[account(
        mut,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = authority,
    )]
    pub market: Account<'info, MarketConfig>,
}

impl UpdateConfig<'_> {
    pub fn validate(&self, args: &UpdateConfigArgs) -> Result<()> {
        MarketConfig::check_fees(
            args.fee_bps.unwrap_or(self.market.fee_bps),
            args.token_discount_bps
                .unwrap_or(self.market.token_discount_bps),
        )?;
        if let Some(treasury) = args.treasury {
            require_keys_neq!(treasury, Pubkey::default(), MarketError::InvalidTreasury);
        }
        Ok(())
    }
}

pub fn handler(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    if let Some(treasury) = args.treasury {
        market.treasury = treasury;
    }
    if let Some(fee_bps) = args.fee_bps {
        market.fee_bps = fee_bps;
    }
    if let Some(token_discount_bps) = args.token_discount_bps {
        market.token_discount_bps = token_discount_bps;
    }
    if let Some(paused) = args.paused {
        market.set_paused(paused, now)?;
    }
    emit!(MarketConfigUpdated {
        market: market.key(),
        treasury: market.treasury,
        fee_bps: market.fee_bps,
        token_discount_bps: market.token_discount_bps,
        paused: market.paused,
        paused_seconds: market.paused_seconds,
    });
    Ok(())
}
