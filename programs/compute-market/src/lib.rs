//! compute-market: GPU rental escrow, ignition subsidies and the market configuration.
#![deny(arithmetic_overflow)]
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
pub mod state;

use instructions::*;

declare_id!("G1iYMAptcLnyJLbakHaeDEk2eHtk4vo4NxDJrw7yBAFA");

#[program]
pub mod compute_market {
    use super::*;

    /// Creates a market: its authority (the creator), treasury, fee and token discount,
    /// and the two accepted mints.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn initialize(ctx: Context<Initialize>, args: InitializeArgs) -> Result<()> {
        instructions::admin::initialize::handler(ctx, args)
    }

    /// Changes fees, treasury or the pause flag, within the protocol bounds.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn update_config(ctx: Context<UpdateConfig>, args: UpdateConfigArgs) -> Result<()> {
        instructions::admin::update_config::handler(ctx, args)
    }

    /// Creates the market-token vault that pays ignition subsidies (CPI into SPL Token).
    pub fn init_ignition_vault(ctx: Context<InitIgnitionVault>) -> Result<()> {
        instructions::ignition::init_ignition_vault::handler(ctx)
    }

    /// Moves market tokens from the funder into the ignition vault (CPI `transfer_checked`).
    #[access_control(ctx.accounts.validate(amount))]
    pub fn fund_ignition(ctx: Context<FundIgnition>, amount: u64) -> Result<()> {
        instructions::ignition::fund_ignition::handler(ctx, amount)
    }
}
