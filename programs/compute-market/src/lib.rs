//! compute-market: GPU rental escrow, ignition subsidies, the market configuration, and
//! hash time-locked escrows for cross-chain swaps.
#![deny(arithmetic_overflow)]
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

// The SBF build through upstream LLVM links its memory and arithmetic builtins from this crate
// (programs/compute-market/Cargo.toml); nothing names it, so it is kept here.
#[cfg(all(target_os = "solana", target_arch = "bpf"))]
extern crate solana_compiler_builtins;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
pub mod merkle;
pub mod pda;
pub mod state;

use instructions::*;
use state::SwapTimelocks;

declare_id!("AgURfMYjdzoWzsnuSg1AFhyrKVEMh2tUx8pyh8GAzvK3");

#[program]
pub mod compute_market {
    use super::*;

    /// Creates a market: its authority (the creator), treasury, fee and token discount, price
    /// authority, time settings (each within its bounds in `constants.rs`), and the two accepted
    /// mints.
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

    /// Proposes a new market authority (step 1 of 2; the default key cancels).
    pub fn transfer_authority(ctx: Context<UpdateConfig>, new_authority: Pubkey) -> Result<()> {
        instructions::admin::authority::transfer_handler(ctx, new_authority)
    }

    /// The proposed authority accepts (step 2 of 2).
    pub fn accept_authority(ctx: Context<AcceptAuthority>) -> Result<()> {
        instructions::admin::authority::accept_handler(ctx)
    }

    /// Rotates the price authority (market authority).
    pub fn set_price_authority(ctx: Context<UpdateConfig>, price_authority: Pubkey) -> Result<()> {
        instructions::admin::authority::set_price_authority_handler(ctx, price_authority)
    }

    /// Rotates the subsidy authority (market authority); never the default key.
    pub fn set_subsidy_authority(
        ctx: Context<UpdateConfig>,
        subsidy_authority: Pubkey,
    ) -> Result<()> {
        instructions::admin::authority::set_subsidy_authority_handler(ctx, subsidy_authority)
    }

    /// Posts an ignition-subsidy epoch (subsidy authority): its Merkle root over
    /// `(market, epoch, index, supplier, amount)` leaves, total and leaf count. A new epoch
    /// number must be at least `subsidy_next_epoch`; an epoch whose claims have not opened may
    /// be posted again with a new root. `total` is bounded by `max_subsidy_per_period` and by
    /// the pool (`funded - paid - reserved`).
    #[access_control(ctx.accounts.validate(&root, total, leaf_count))]
    pub fn post_subsidy_epoch(
        ctx: Context<PostSubsidyEpoch>,
        epoch: u64,
        root: [u8; 32],
        total: u64,
        leaf_count: u32,
    ) -> Result<()> {
        instructions::ignition::post_subsidy_epoch::handler(ctx, epoch, root, total, leaf_count)
    }

    /// Creates one chunk of an epoch's claimed-bitmap ahead of its first claim (anyone; the
    /// payer gets the rent back when the chunk is closed).
    pub fn init_subsidy_claims(
        ctx: Context<InitSubsidyClaims>,
        epoch: u64,
        chunk: u32,
    ) -> Result<()> {
        instructions::ignition::init_subsidy_claims::handler(ctx, epoch, chunk)
    }

    /// The owner of the supplier a leaf names claims its subsidy, once, with a Merkle proof,
    /// while the epoch's claim window is open (and the market not paused).
    #[access_control(ctx.accounts.validate(amount, &proof))]
    pub fn claim_subsidy(
        ctx: Context<ClaimSubsidy>,
        epoch: u64,
        index: u32,
        amount: u64,
        proof: Vec<[u8; 32]>,
    ) -> Result<()> {
        instructions::ignition::claim_subsidy::handler(ctx, epoch, index, amount, proof)
    }

    /// Anyone, after an epoch's claim window: its unclaimed part returns to the pool and its
    /// account closes (rent to the payer).
    pub fn close_subsidy_epoch(ctx: Context<CloseSubsidyEpoch>, epoch: u64) -> Result<()> {
        instructions::ignition::close_subsidy_epoch::handler(ctx, epoch)
    }

    /// Anyone, after an epoch's claim window: closes one chunk of its claimed-bitmap (rent to
    /// whoever paid for it).
    pub fn close_subsidy_claims(
        ctx: Context<CloseSubsidyClaims>,
        epoch: u64,
        chunk: u32,
    ) -> Result<()> {
        instructions::ignition::close_subsidy_epoch::close_claims_handler(ctx, epoch, chunk)
    }

    /// Creates the escrow vault of one accepted mint (market authority).
    pub fn init_escrow_vault(ctx: Context<InitEscrowVault>) -> Result<()> {
        instructions::admin::init_escrow_vault::handler(ctx)
    }

    /// Sets the market token's price in stablecoin base units per whole token (price authority),
    /// at most `MAX_PRICE_CHANGE_BPS` away from the previous price.
    pub fn set_token_price(ctx: Context<SetTokenPrice>, token_price: u64) -> Result<()> {
        instructions::admin::set_token_price::handler(ctx, token_price)
    }

    /// Lists a GPU offer on the market.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn register_supplier(ctx: Context<RegisterSupplier>, args: OfferArgs) -> Result<()> {
        instructions::supplier::register_supplier::handler(ctx, args)
    }

    /// Changes an offer's GPU count, hourly price, token price floor or availability (open
    /// rentals keep their terms).
    #[access_control(ctx.accounts.validate(&args))]
    pub fn update_offer(ctx: Context<UpdateOffer>, args: UpdateOfferArgs) -> Result<()> {
        instructions::supplier::update_offer::handler(ctx, args)
    }

    /// Stops new rentals of an offer; open ones run to their end.
    pub fn deactivate_supplier(ctx: Context<UpdateOffer>) -> Result<()> {
        let args = UpdateOfferArgs {
            active: Some(false),
            ..Default::default()
        };
        instructions::supplier::update_offer::handler(ctx, args)
    }

    /// Pays price x hours + fee into escrow, in the stablecoin or (at a fee discount) the token.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn create_rental(ctx: Context<CreateRental>, args: CreateRentalArgs) -> Result<()> {
        instructions::escrow::create_rental::handler(ctx, args)
    }

    /// The supplier accepts the rental and starts the clock (within the start timeout, paused
    /// time not counted).
    #[access_control(ctx.accounts.validate())]
    pub fn start_rental(ctx: Context<StartRental>) -> Result<()> {
        instructions::escrow::start_rental::handler(ctx)
    }

    /// Pays the supplier for delivered hours, the fee to the treasury, the rest back to the
    /// customer, and closes the rental. The authority settles any delivered hours at any time;
    /// anyone settles the full delivery once the dispute window has closed, or, on a dispute
    /// the authority left unresolved, one more window later.
    pub fn settle_rental(ctx: Context<SettleRental>, delivered_hours: u32) -> Result<()> {
        instructions::escrow::settle_rental::handler(ctx, delivered_hours)
    }

    /// The customer cancels a rental that has not started: full refund.
    pub fn cancel_rental(ctx: Context<RefundRental>) -> Result<()> {
        instructions::escrow::cancel_rental::cancel_handler(ctx)
    }

    /// Anyone returns a rental the supplier never started, once the start timeout (paused time
    /// not counted) has passed.
    pub fn reclaim_expired(ctx: Context<RefundRental>) -> Result<()> {
        instructions::escrow::cancel_rental::reclaim_handler(ctx)
    }

    /// The customer disputes a running or just-ended rental; the authority then has one more
    /// dispute window to settle it, after which it settles as undisputed.
    pub fn dispute_rental(ctx: Context<DisputeRental>) -> Result<()> {
        instructions::escrow::dispute_rental::handler(ctx)
    }

    /// Locks `amount` of any SPL Token mint for `recipient` under `hashlock` (keccak256 of a
    /// 32-byte secret), with `safety_deposit` lamports, in a new swap
    /// `[SWAP_SEED, maker, swap_id]` and its vault. `timelocks` are offsets in seconds from
    /// now, each > 0, strictly increasing, within `MAX_SWAP_TIMELOCK` /
    /// `MAX_SWAP_PUBLIC_CANCELLATION`.
    #[access_control(ctx.accounts.validate(&recipient, amount, &timelocks, safety_deposit))]
    pub fn lock_swap(
        ctx: Context<LockSwap>,
        swap_id: u64,
        recipient: Pubkey,
        amount: u64,
        hashlock: [u8; 32],
        timelocks: SwapTimelocks,
        safety_deposit: u64,
    ) -> Result<()> {
        instructions::swap::lock_swap::handler(
            ctx,
            swap_id,
            recipient,
            amount,
            hashlock,
            timelocks,
            safety_deposit,
        )
    }

    /// Pays the swap's tokens to the recipient against the hashlock's preimage: the recipient
    /// from `finality`, anyone from `public_withdrawal`, nobody from `cancellation`. The
    /// safety deposit goes to the caller; the swap and its vault close (rent to the maker).
    /// The secret is published in the `SwapWithdrawn` event and the logs.
    pub fn withdraw_swap(ctx: Context<WithdrawSwap>, secret: [u8; 32]) -> Result<()> {
        instructions::swap::withdraw_swap::handler(ctx, secret)
    }

    /// Returns the swap's tokens to the maker: the maker from `cancellation`, anyone from
    /// `public_cancellation`. The safety deposit goes to the caller; the swap and its vault
    /// close (rent to the maker).
    pub fn cancel_swap(ctx: Context<CancelSwap>) -> Result<()> {
        instructions::swap::cancel_swap::handler(ctx)
    }
}
