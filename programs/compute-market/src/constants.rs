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

// Bounds of the market's time settings, checked at `initialize` (they never change afterwards).
// A window outside them either settles rentals at once (a dispute window of zero or less) or
// locks escrow for good (an unbounded one).

/// Shortest dispute window: one hour after a rental's end.
#[constant]
pub const MIN_DISPUTE_WINDOW: i64 = 3_600;
/// Longest dispute window: 30 days.
#[constant]
pub const MAX_DISPUTE_WINDOW: i64 = 30 * 24 * 3_600;
/// Shortest start timeout: 5 minutes for the supplier to start a rental.
#[constant]
pub const MIN_START_TIMEOUT: i64 = 5 * 60;
/// Longest start timeout: 7 days.
#[constant]
pub const MAX_START_TIMEOUT: i64 = 7 * 24 * 3_600;
/// Shortest price staleness: a token price may be required to be at most 1 minute old.
#[constant]
pub const MIN_PRICE_STALENESS: i64 = 60;
/// Longest price staleness: a token price older than one day is always refused.
#[constant]
pub const MAX_PRICE_STALENESS: i64 = 24 * 3_600;
/// Largest change of the token price in one `set_token_price`, in bps of the previous price
/// (50 %: a mistyped or compromised update cannot move the price by orders of magnitude;
/// larger real moves take several updates).
#[constant]
pub const MAX_PRICE_CHANGE_BPS: u16 = 5_000;

// Ignition subsidies: epochs posted by the subsidy authority as Merkle roots, claimed by
// suppliers once each (`instructions/ignition/`).

/// Seed of a subsidy epoch PDA: `[SUBSIDY_EPOCH_SEED, market, epoch (u64 LE)]`.
#[constant]
pub const SUBSIDY_EPOCH_SEED: &[u8] = b"subsidy_epoch";
/// Seed of a claimed-bitmap chunk PDA: `[SUBSIDY_CLAIMS_SEED, market, epoch (u64 LE), chunk (u32 LE)]`.
#[constant]
pub const SUBSIDY_CLAIMS_SEED: &[u8] = b"subsidy_claims";
/// Bytes of one chunk's claimed-bitmap. 1 KiB keeps the first claimer's rent small (about
/// 0.008 SOL, returned at close) and far below the 10 KiB an instruction may allocate.
pub const SUBSIDY_CHUNK_BYTES: usize = 1_024;
/// Leaves (claim indices) per chunk: index `i` is bit `i % SUBSIDY_CHUNK_BITS` of chunk
/// `i / SUBSIDY_CHUNK_BITS`.
#[constant]
pub const SUBSIDY_CHUNK_BITS: u32 = (SUBSIDY_CHUNK_BYTES * 8) as u32;
/// Longest proof a claim may carry: a tree of at most 2^32 leaves (leaf counts are `u32`).
#[constant]
pub const MAX_SUBSIDY_PROOF_DEPTH: u32 = 32;
/// Shortest subsidy period (the span over which `max_subsidy_per_period` applies): 1 hour.
#[constant]
pub const MIN_SUBSIDY_PERIOD: i64 = 3_600;
/// Longest subsidy period: 366 days.
#[constant]
pub const MAX_SUBSIDY_PERIOD: i64 = 366 * 24 * 3_600;
/// Shortest delay between posting an epoch and its claims opening (the time in which a wrong
/// root can be replaced, or the market paused): 1 hour.
#[constant]
pub const MIN_SUBSIDY_CLAIM_DELAY: i64 = 3_600;
/// Longest claim delay: 7 days.
#[constant]
pub const MAX_SUBSIDY_CLAIM_DELAY: i64 = 7 * 24 * 3_600;
/// Shortest claim window: 1 day (as `CheckerRewards.MIN_CLAIM_WINDOW` on Arbitrum).
#[constant]
pub const MIN_SUBSIDY_CLAIM_WINDOW: i64 = 24 * 3_600;
/// Longest claim window: 365 days (unclaimed subsidies and chunk rent are locked until it ends).
#[constant]
pub const MAX_SUBSIDY_CLAIM_WINDOW: i64 = 365 * 24 * 3_600;

// Cross-chain swaps (hash time-locked escrows, `instructions/swap/`): timelocks are offsets in
// seconds from the lock, strictly increasing (SWAP-DESIGN.md).

/// Seed of a swap PDA: `[SWAP_SEED, maker, swap_id (u64 LE)]`.
#[constant]
pub const SWAP_SEED: &[u8] = b"swap";
/// Seed of a swap's token vault PDA: `[SWAP_VAULT_SEED, swap]` (its authority is the swap PDA).
#[constant]
pub const SWAP_VAULT_SEED: &[u8] = b"swap_vault";
/// Longest finality, public-withdrawal and cancellation offset: 30 days after the lock.
#[constant]
pub const MAX_SWAP_TIMELOCK: u32 = 30 * 24 * 3_600;
/// Longest public-cancellation offset: 60 days after the lock (the tokens and the safety
/// deposit can never be locked longer).
#[constant]
pub const MAX_SWAP_PUBLIC_CANCELLATION: u32 = 60 * 24 * 3_600;
