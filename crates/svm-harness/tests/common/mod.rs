//! Shared set-up of the program's runtime tests.
#![allow(dead_code)]

pub mod escrow;
pub mod merkle;

use anchor_lang::{
    prelude::Pubkey, solana_program::instruction::Instruction, AccountDeserialize, InstructionData,
    ToAccountMetas,
};
use compute_market::{
    accounts as acc,
    constants::*,
    errors::MarketError,
    instruction as ix,
    instructions::{InitializeArgs, OfferArgs},
    state::MarketConfig,
};
use solana_keypair::Keypair;
use solana_signer::Signer;
use svm_harness::{
    solana_program_test::{BanksClientError, ProgramTestContext},
    Chain,
};

pub const DECIMALS: u8 = 6;
pub const TOKEN_DECIMALS: u8 = 9;
/// Base units of one whole stablecoin (`DECIMALS`).
pub const USDC: u64 = 1_000_000;
/// Base units of one whole market token (`TOKEN_DECIMALS`).
pub const TOKEN: u64 = 1_000_000_000;
/// Hourly price of the offer `register_supplier_ix` lists.
pub const HOURLY: u64 = 20 * USDC;

pub struct Setup {
    pub chain: Chain,
    pub creator: Keypair,
    pub market: Pubkey,
    pub stable_mint: Pubkey,
    pub token_mint: Pubkey,
    pub mint_authority: Keypair,
}

pub fn market_pda(creator: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[MARKET_SEED, creator.as_ref()], &compute_market::ID).0
}

pub fn vault_pda(market: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(&[IGNITION_VAULT_SEED, market.as_ref()], &compute_market::ID).0
}

/// The program's address for `seeds` (canonical bump).
pub fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &compute_market::ID).0
}

pub fn escrow_vault(market: &Pubkey, mint: &Pubkey) -> Pubkey {
    pda(&[ESCROW_VAULT_SEED, market.as_ref(), mint.as_ref()])
}

pub fn rental_pda(market: &Pubkey, customer: &Pubkey, id: u64) -> Pubkey {
    pda(&[
        RENTAL_SEED,
        market.as_ref(),
        customer.as_ref(),
        &id.to_le_bytes(),
    ])
}

pub fn supplier_pda(market: &Pubkey, owner: &Pubkey) -> Pubkey {
    pda(&[SUPPLIER_SEED, market.as_ref(), owner.as_ref()])
}

/// An instruction of the program from its accounts and its data.
pub fn program_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: compute_market::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// The market authority creates the escrow vault of `mint`.
pub fn init_escrow_vault_ix(authority: &Pubkey, market: &Pubkey, mint: &Pubkey) -> Instruction {
    program_ix(
        acc::InitEscrowVault {
            authority: *authority,
            market: *market,
            mint: *mint,
            escrow_vault: escrow_vault(market, mint),
            token_program: anchor_spl::token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        ix::InitEscrowVault {},
    )
}

/// `owner` lists an 8 x H100 offer at `HOURLY` on `market` (no token price floor).
pub fn register_supplier_ix(owner: &Pubkey, market: &Pubkey) -> Instruction {
    program_ix(
        acc::RegisterSupplier {
            owner: *owner,
            market: *market,
            supplier: supplier_pda(market, owner),
            system_program: anchor_lang::system_program::ID,
        },
        ix::RegisterSupplier {
            args: OfferArgs {
                gpu_model: "H100-80GB".into(),
                gpu_count: 8,
                hourly_price: HOURLY,
                min_token_price: 0,
            },
        },
    )
}

pub fn initialize_ix(
    creator: &Pubkey,
    stable: &Pubkey,
    token: &Pubkey,
    args: InitializeArgs,
) -> Instruction {
    Instruction {
        program_id: compute_market::ID,
        accounts: acc::Initialize {
            creator: *creator,
            market: market_pda(creator),
            stable_mint: *stable,
            token_mint: *token,
            system_program: anchor_lang::system_program::ID,
        }
        .to_account_metas(None),
        data: ix::Initialize { args }.data(),
    }
}

pub fn default_args(treasury: Pubkey) -> InitializeArgs {
    InitializeArgs {
        treasury,
        fee_bps: 500,
        token_discount_bps: 2_500,
        price_authority: treasury,
        max_price_staleness: 3_600,
        start_timeout: 3_600,
        dispute_window: 86_400,
        subsidy_authority: treasury,
        max_subsidy_per_period: 1_000_000_000_000,
        subsidy_period: 86_400,
        subsidy_claim_delay: 3_600,
        subsidy_claim_window: 7 * 86_400,
    }
}

pub async fn setup() -> Setup {
    let mut chain = Chain::start().await;
    let creator = svm_harness::keypair("creator");
    chain.airdrop(&creator.pubkey(), 10_000_000_000).await;
    let mint_authority = svm_harness::keypair("mint authority");
    let stable_mint = chain.create_mint(&mint_authority.pubkey(), DECIMALS).await;
    let token_mint = chain
        .create_mint(&mint_authority.pubkey(), TOKEN_DECIMALS)
        .await;
    Setup {
        market: market_pda(&creator.pubkey()),
        chain,
        creator,
        stable_mint,
        token_mint,
        mint_authority,
    }
}

pub async fn initialized() -> Setup {
    let mut s = setup().await;
    let treasury = Pubkey::new_unique();
    let ix = initialize_ix(
        &s.creator.pubkey(),
        &s.stable_mint,
        &s.token_mint,
        default_args(treasury),
    );
    s.chain
        .send(&[ix], &[&s.creator])
        .await
        .expect("initialize");
    s
}

pub async fn market_state(ctx: &mut ProgramTestContext, market: Pubkey) -> MarketConfig {
    let account = ctx
        .banks_client
        .get_account(market)
        .await
        .unwrap()
        .expect("market exists");
    MarketConfig::try_deserialize(&mut account.data.as_slice()).unwrap()
}

pub fn anchor_code(err: BanksClientError) -> u32 {
    svm_harness::custom_error_code(&err)
        .unwrap_or_else(|| panic!("not a custom program error: {err:?}"))
}

pub fn code(e: MarketError) -> u32 {
    anchor_lang::error::ERROR_CODE_OFFSET + e as u32
}

/// A non-canonical address for `seeds`: derived with a lower bump than the canonical one.
pub fn non_canonical_pda(seeds: &[&[u8]]) -> (Pubkey, u8) {
    let (_, canonical) = Pubkey::find_program_address(seeds, &compute_market::ID);
    (0..canonical)
        .rev()
        .find_map(|bump| {
            let mut with_bump = seeds.to_vec();
            let b = [bump];
            with_bump.push(&b);
            Pubkey::create_program_address(&with_bump, &compute_market::ID)
                .ok()
                .map(|address| (address, bump))
        })
        .expect("a non-canonical bump exists")
}

/// A small deterministic generator (SplitMix64) for the seeded random sequences of the runtime
/// tests: a failure prints its seed, and each test has an environment variable to replay one.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
