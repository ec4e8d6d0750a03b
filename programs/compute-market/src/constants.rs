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

/// Seed of a supplier PDA: `[SUPPLIER_SEED, market, owner]`.
#[constant]
pub const SUPPLIER_SEED: &[u8] = b"supplier";
/// Seed of a rental PDA: `[RENTAL_SEED, market, customer, rental_id (u64 LE)]`.
#[constant]
pub const RENTAL_SEED: &[u8] = b"rental";
/// Seed of an escrow vault PDA: `[ESCROW_VAULT_SEED, market, mint]`.
#[constant]
pub const ESCROW_VAULT_SEED: &[u8] = b"escrow_vault";

/// Longest rental that can be bought at once (90 days).
#[constant]
pub const MAX_RENTAL_HOURS: u32 = 2_160;
/// Seconds in an hour of GPU time.
pub const SECONDS_PER_HOUR: i64 = 3_600;
/// Longest GPU model name stored on chain.
pub const MAX_GPU_MODEL_LEN: usize = 32;
/// Bounds on the windows the authority may configure (1 minute .. 30 days).
pub const MIN_WINDOW_SECONDS: i64 = 60;
pub const MAX_WINDOW_SECONDS: i64 = 30 * 24 * 3_600;
