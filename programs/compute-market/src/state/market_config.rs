use anchor_lang::prelude::*;

use crate::{
    constants::{MARKET_SEED, MAX_FEE_BPS, MAX_WINDOW_SECONDS, MIN_WINDOW_SECONDS},
    errors::MarketError,
    math::Bps,
};

/// One market: who governs it, where fees go, which mints it accepts.
/// PDA `[MARKET_SEED, creator]`, so nobody can front-run a creator's initialisation.
#[account]
#[derive(InitSpace, Debug)]
pub struct MarketConfig {
    /// Signer of `initialize`; part of the PDA seeds, never changes.
    pub creator: Pubkey,
    /// May update fees, treasury and pause; may create vaults.
    pub authority: Pubkey,
    /// Wallet whose token accounts receive marketplace fees.
    pub treasury: Pubkey,
    /// The stablecoin customers may pay in (SPL Token, not Token-2022).
    pub stable_mint: Pubkey,
    /// The market's own token: paying in it earns the fee discount (SPL Token, not Token-2022).
    pub token_mint: Pubkey,
    /// Marketplace fee on each rental, in bps of the rental price; `<= MAX_FEE_BPS`.
    pub fee_bps: u16,
    /// Share of the fee waived when paying in the market token, in bps of the fee; `<= 10_000`.
    pub token_discount_bps: u16,
    /// While set, customer-facing instructions refuse to run.
    pub paused: bool,
    /// Cumulative market tokens deposited into the ignition vault.
    pub ignition_funded: u64,
    pub bump: u8,
    /// Bump of the ignition vault PDA, 0 until it is created.
    pub ignition_vault_bump: u8,
    /// Sets the market token's price in stablecoin (`set_token_price`).
    pub price_authority: Pubkey,
    /// Stablecoin base units per whole market token (10^decimals base units); 0 = unset.
    pub token_price: u64,
    pub token_price_updated_at: i64,
    /// A price older than this many seconds is refused.
    pub max_price_staleness: i64,
    /// Seconds a supplier has to start a rental before the customer may reclaim it.
    pub start_timeout: i64,
    /// Seconds after a rental's end during which the customer may dispute it.
    pub dispute_window: i64,
    /// Escrow held for open rentals, per mint: always equal to the escrow vault's balance.
    pub escrowed_stable: u64,
    pub escrowed_token: u64,
    /// Proposed by `transfer_authority`, becomes the authority on `accept_authority`.
    pub pending_authority: Pubkey,
}

impl MarketConfig {
    pub fn signer_seeds(&self) -> [&[u8]; 3] {
        [
            MARKET_SEED,
            self.creator.as_ref(),
            std::slice::from_ref(&self.bump),
        ]
    }

    /// Validates a fee and discount pair against the protocol bounds.
    pub fn check_fees(fee_bps: u16, token_discount_bps: u16) -> Result<(Bps, Bps)> {
        let fee = Bps::new(fee_bps)?;
        require!(fee.get() <= MAX_FEE_BPS, MarketError::FeeTooHigh);
        let discount = Bps::new(token_discount_bps)?;
        Ok((fee, discount))
    }

    pub fn check_window(seconds: i64) -> Result<()> {
        require!(
            (MIN_WINDOW_SECONDS..=MAX_WINDOW_SECONDS).contains(&seconds),
            MarketError::InvalidWindow
        );
        Ok(())
    }

    pub fn is_accepted_mint(&self, mint: &Pubkey) -> bool {
        *mint == self.stable_mint || *mint == self.token_mint
    }

    /// The escrow counter of `mint` (which must be accepted).
    pub fn escrowed_mut(&mut self, mint: &Pubkey) -> &mut u64 {
        if *mint == self.stable_mint {
            &mut self.escrowed_stable
        } else {
            &mut self.escrowed_token
        }
    }

    pub fn fee(&self) -> Bps {
        Bps::new(self.fee_bps).expect("stored fee is validated")
    }

    pub fn token_discount(&self) -> Bps {
        Bps::new(self.token_discount_bps).expect("stored discount is validated")
    }
}
