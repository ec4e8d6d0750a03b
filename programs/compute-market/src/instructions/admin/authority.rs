use anchor_lang::prelude::*;

use crate::{
    constants::MARKET_SEED,
    errors::MarketError,
    events::{
        AuthorityTransferStarted, AuthorityTransferred, PriceAuthoritySet, SubsidyAuthoritySet,
    },
    instructions::admin::update_config::UpdateConfig,
    state::MarketConfig,
};

#[derive(Accounts)]
pub struct AcceptAuthority<'info> {
    /// The proposed authority accepts.
    pub pending_authority: Signer<'info>,

    /// The market being handed over.
    #[account(
        mut,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = pending_authority,
    )]
    pub market: Account<'info, MarketConfig>,
}

/// Step 1 of 2: proposes `new_authority` (default key: cancels a pending proposal).
pub fn transfer_handler(ctx: Context<UpdateConfig>, new_authority: Pubkey) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let market = &mut ctx.accounts.market;
    market.pending_authority = new_authority;
    emit!(AuthorityTransferStarted {
        market: market.key(),
        authority: market.authority,
        pending_authority: new_authority,
    });
    Ok(())
}

/// Step 2 of 2: the proposed authority signs, so a typo can never lock the market.
pub fn accept_handler(ctx: Context<AcceptAuthority>) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let market = &mut ctx.accounts.market;
    let previous = market.authority;
    market.authority = market.pending_authority;
    market.pending_authority = Pubkey::default();
    emit!(AuthorityTransferred {
        market: market.key(),
        previous,
        authority: market.authority
    });
    Ok(())
}

/// Rotates the price authority (the relayer that posts the token price).
pub fn set_price_authority_handler(
    ctx: Context<UpdateConfig>,
    price_authority: Pubkey,
) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    require_keys_neq!(
        price_authority,
        Pubkey::default(),
        MarketError::InvalidPriceAuthority
    );
    let market = &mut ctx.accounts.market;
    market.price_authority = price_authority;
    emit!(PriceAuthoritySet {
        market: market.key(),
        price_authority
    });
    Ok(())
}

/// Rotates the subsidy authority (the key that posts ignition-subsidy epochs). Epochs it
/// already posted stay as they are; their rent still goes back to whoever paid it.
pub fn set_subsidy_authority_handler(
    ctx: Context<UpdateConfig>,
    subsidy_authority: Pubkey,
) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    require_keys_neq!(
        subsidy_authority,
        Pubkey::default(),
        MarketError::InvalidSubsidyAuthority
    );
    let market = &mut ctx.accounts.market;
    market.subsidy_authority = subsidy_authority;
    emit!(SubsidyAuthoritySet {
        market: market.key(),
        subsidy_authority
    });
    Ok(())
}
