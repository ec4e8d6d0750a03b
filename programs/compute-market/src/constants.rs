//! Seeds and protocol-wide bounds, in one place (exported to the IDL with `#[constant]`).

use anchor_lang::prelude::*;

/// Seed of the market configuration PDA: `[MARKET_SEED, creator]`.
#[constant]
pub const MARKET_SEED: &[u8] = b"market";
/// Seed of the ignition-subsidy vault PDA: `[IGNITION_VAULT_SEED, market]`.
#[constant]
pub const IGNITION_VAULT_SEED: &[u8] = b"ignition_vault";

/// One hundred percent, in basis points.
#[constant]
pub const MAX_BPS: u16 = 10_000;
/// The marketplace fee can never exceed 20 %, whoever holds the authority:
/// a bound customers can rely on without trusting the authority.
#[constant]
pub const MAX_FEE_BPS: u16 = 2_000;
