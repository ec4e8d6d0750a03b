use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::{
    constants::{
        IGNITION_VAULT_SEED, MARKET_SEED, MAX_SUBSIDY_PROOF_DEPTH, SUBSIDY_CHUNK_BITS,
        SUBSIDY_CLAIMS_SEED, SUBSIDY_EPOCH_SEED, SUPPLIER_SEED,
    },
    errors::MarketError,
    events::SubsidyClaimed,
    merkle,
    state::{MarketConfig, SubsidyClaims, SubsidyEpoch, Supplier},
};

/// The accounts are boxed (deserialised on the heap): unboxed, Anchor's `try_accounts` for this
/// struct needs a stack frame above the 4,096 bytes SBPF gives each call, which the loader does
/// not check and which silently overwrites the caller's frame (tools/sbf/README.md, "Frames").
#[derive(Accounts)]
#[instruction(epoch: u64, index: u32)]
pub struct ClaimSubsidy<'info> {
    /// The owner of the supplier record the leaf names; pays for the bitmap chunk if it is the
    /// chunk's first claimer (and gets that rent back when the chunk is closed).
    #[account(mut)]
    pub owner: Signer<'info>,

    /// The market: its PDA signs the payment, its pool counters change.
    #[account(
        mut,
        seeds = [MARKET_SEED, market.creator.as_ref()],
        bump = market.bump,
        has_one = token_mint,
    )]
    pub market: Box<Account<'info, MarketConfig>>,

    /// The supplier record the leaf names, `[SUPPLIER_SEED, market, owner]`.
    #[account(
        seeds = [SUPPLIER_SEED, market.key().as_ref(), owner.key().as_ref()],
        bump = supplier.bump,
        has_one = owner,
    )]
    pub supplier: Box<Account<'info, Supplier>>,

    /// The epoch whose root the proof is checked against; its claimed total grows.
    #[account(
        mut,
        seeds = [SUBSIDY_EPOCH_SEED, market.key().as_ref(), &epoch.to_le_bytes()],
        bump = subsidy_epoch.bump,
        has_one = market,
    )]
    pub subsidy_epoch: Box<Account<'info, SubsidyEpoch>>,

    /// The claimed-bitmap chunk holding `index`, created here by its first claimer.
    #[account(
        init_if_needed,
        payer = owner,
        space = SubsidyClaims::SPACE,
        seeds = [
            SUBSIDY_CLAIMS_SEED,
            market.key().as_ref(),
            &epoch.to_le_bytes(),
            &(index / SUBSIDY_CHUNK_BITS).to_le_bytes(),
        ],
        bump,
    )]
    pub subsidy_claims: AccountLoader<'info, SubsidyClaims>,

    /// The market token (SPL Token; `Account<Mint>` refuses Token-2022).
    pub token_mint: Box<Account<'info, Mint>>,

    /// The market's ignition vault: pays the subsidy.
    #[account(
        mut,
        seeds = [IGNITION_VAULT_SEED, market.key().as_ref()],
        bump = market.ignition_vault_bump,
    )]
    pub ignition_vault: Box<Account<'info, TokenAccount>>,

    /// Any market-token account of the owner: receives the subsidy.
    #[account(mut, token::mint = token_mint, token::authority = owner)]
    pub owner_token_account: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl ClaimSubsidy<'_> {
    pub fn validate(&self, amount: u64, proof: &[[u8; 32]]) -> Result<()> {
        require!(!self.market.paused, MarketError::MarketPaused);
        require!(amount > 0, MarketError::InvalidAmount);
        require!(
            proof.len() <= MAX_SUBSIDY_PROOF_DEPTH as usize,
            MarketError::SubsidyProofTooLong
        );
        Ok(())
    }
}

/// Pays `amount` of epoch `epoch` to the supplier at claim index `index`, once, if `proof`
/// proves the leaf `(market, epoch, index, supplier, amount)` against the epoch's root, while
/// its claim window is open and the market is not paused.
pub fn handler(
    ctx: Context<ClaimSubsidy>,
    epoch: u64,
    index: u32,
    amount: u64,
    proof: Vec<[u8; 32]>,
) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let market_key = ctx.accounts.market.key();
    let subsidy_epoch = &mut ctx.accounts.subsidy_epoch;
    subsidy_epoch.check_open(now)?;
    require!(
        index < subsidy_epoch.leaf_count,
        MarketError::InvalidSubsidyIndex
    );

    let (chunk, bit) = SubsidyClaims::locate(index);
    let claims_info = ctx.accounts.subsidy_claims.to_account_info();
    // A chunk created just now by `init_if_needed` has no discriminator yet.
    let fresh = claims_info.try_borrow_data()?[..8].iter().all(|b| *b == 0);
    let mut claims = if fresh {
        let mut c = ctx.accounts.subsidy_claims.load_init()?;
        c.market = market_key;
        c.payer = ctx.accounts.owner.key();
        c.epoch = epoch;
        c.chunk = chunk;
        c.bump = ctx.bumps.subsidy_claims;
        c
    } else {
        ctx.accounts.subsidy_claims.load_mut()?
    };
    require!(!claims.is_set(bit), MarketError::SubsidyAlreadyClaimed);

    let supplier = ctx.accounts.supplier.key();
    let leaf = merkle::subsidy_leaf(&market_key, epoch, index, &supplier, amount);
    require!(
        merkle::process_proof(&proof, leaf) == subsidy_epoch.root,
        MarketError::InvalidSubsidyProof
    );

    let claimed = subsidy_epoch
        .claimed
        .checked_add(amount)
        .ok_or(MarketError::MathOverflow)?;
    require!(
        claimed <= subsidy_epoch.total,
        MarketError::SubsidyEpochOverclaimed
    );

    // Effects: the bit, the epoch, the pool; then the transfer.
    claims.set(bit);
    drop(claims);
    subsidy_epoch.claimed = claimed;
    subsidy_epoch.claims = subsidy_epoch.claims.saturating_add(1);
    let market = &mut ctx.accounts.market;
    market.ignition_paid = market
        .ignition_paid
        .checked_add(amount)
        .ok_or(MarketError::MathOverflow)?;
    // amount <= the epoch's unclaimed part, which is part of what is reserved
    market.ignition_reserved = market
        .ignition_reserved
        .checked_sub(amount)
        .ok_or(MarketError::MathOverflow)?;

    let a = &ctx.accounts;
    let seeds = a.market.signer_seeds();
    token::transfer_checked(
        CpiContext::new_with_signer(
            a.token_program.key(),
            TransferChecked {
                from: a.ignition_vault.to_account_info(),
                mint: a.token_mint.to_account_info(),
                to: a.owner_token_account.to_account_info(),
                authority: a.market.to_account_info(),
            },
            &[&seeds],
        ),
        amount,
        a.token_mint.decimals,
    )?;
    emit!(SubsidyClaimed {
        market: market_key,
        epoch,
        index,
        supplier,
        owner: a.owner.key(),
        amount,
    });
    Ok(())
}
