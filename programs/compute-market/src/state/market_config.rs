use anchor_lang::prelude::*;

use crate::{
    constants::{MARKET_SEED, MAX_FEE_BPS},
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

    pub fn fee(&self) -> Bps {
        Bps::new(self.fee_bps).expect("stored fee is validated")
    }

    pub fn token_discount(&self) -> Bps {
        Bps::new(self.token_discount_bps).expect("stored discount is validated")
    }
}
