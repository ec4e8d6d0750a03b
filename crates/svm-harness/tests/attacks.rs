//! One runtime test per account-validation attack class (issue 14), each against the
//! instruction where it bites hardest: `settle_rental`, which moves a rental's whole escrow and
//! whose amounts the market authority alone may choose. Every malicious instruction is built by
//! hand (tampered `AccountMeta`s or forged accounts written with `set_account`) and must fail
//! with the exact Anchor or program error. The table in docs/ATTACKS.md maps classes to tests.

mod common;

use anchor_lang::{
    error::ErrorCode,
    prelude::Pubkey,
    solana_program::instruction::{AccountMeta, Instruction},
    Discriminator,
};
use anchor_spl::{token::spl_token, token_2022::spl_token_2022};
use common::{escrow::EscrowMarket, *};
use compute_market::{
    accounts as acc, constants::*, errors::MarketError, instruction as ix,
    instructions::CreateRentalArgs, state::Supplier,
};
use solana_account::{AccountSharedData, ReadableAccount, WritableAccount};
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;
use svm_harness::solana_program_test::BanksClientError;

const HOURS: u32 = 10;

fn anchor_error(err: BanksClientError, expected: ErrorCode) {
    assert_eq!(anchor_code(err), expected as u32, "expected {expected:?}");
}

/// The escrow fixture of `common::escrow` (default arguments: the treasury is also the price
/// and subsidy authority) with one started stablecoin rental, `rental()`.
type Arena = EscrowMarket;

impl Arena {
    /// The started rental (id 1 of the customer).
    fn rental(&self) -> Pubkey {
        rental_pda(&self.s.market, &self.customer.pubkey(), 1)
    }

    async fn new() -> Self {
        let mut a = Self::with_args(|_, treasury| default_args(treasury)).await;
        // a stablecoin rental, started: settleable by the authority at once
        let create = program_ix(
            acc::CreateRental {
                customer: a.customer.pubkey(),
                market: a.s.market,
                supplier: a.supplier,
                rental: a.rental(),
                payment_mint: a.s.stable_mint,
                customer_token_account: a.customer_ata[0],
                escrow_vault: escrow_vault(&a.s.market, &a.s.stable_mint),
                token_program: spl_token::ID,
                system_program: anchor_lang::system_program::ID,
            },
            ix::CreateRental {
                args: CreateRentalArgs {
                    rental_id: 1,
                    hours: HOURS,
                    max_amount: u64::MAX,
                },
            },
        );
        let customer = a.customer.insecure_clone();
        a.s.chain
            .send(&[create], &[&customer])
            .await
            .expect("create rental");
        let start = program_ix(
            acc::StartRental {
                owner: a.supplier_owner.pubkey(),
                market: a.s.market,
                supplier: a.supplier,
                rental: a.rental(),
            },
            ix::StartRental {},
        );
        let owner = a.supplier_owner.insecure_clone();
        a.s.chain
            .send(&[start], &[&owner])
            .await
            .expect("start rental");
        a
    }

    /// The honest accounts of `settle_rental` for the started rental, by `settler`.
    fn settle_accounts(&self, settler: &Pubkey) -> acc::SettleRental {
        acc::SettleRental {
            settler: *settler,
            market: self.s.market,
            supplier: self.supplier,
            rental: self.rental(),
            customer: self.customer.pubkey(),
            payment_mint: self.s.stable_mint,
            escrow_vault: escrow_vault(&self.s.market, &self.s.stable_mint),
            supplier_token_account: self.supplier_ata[0],
            treasury_token_account: self.treasury_ata[0],
            customer_token_account: self.customer_ata[0],
            token_program: spl_token::ID,
        }
    }

    fn settle_ix(&self, accounts: acc::SettleRental, delivered_hours: u32) -> Instruction {
        program_ix(accounts, ix::SettleRental { delivered_hours })
    }

    /// The market authority settles with `accounts` (0 hours delivered: the customer's dream).
    async fn settle_as_authority(
        &mut self,
        accounts: acc::SettleRental,
    ) -> Result<(), BanksClientError> {
        let i = self.settle_ix(accounts, 0);
        let creator = self.s.creator.insecure_clone();
        self.s.chain.send(&[i], &[&creator]).await
    }

    async fn account(&mut self, address: Pubkey) -> Option<AccountSharedData> {
        self.s
            .chain
            .ctx
            .banks_client
            .get_account(address)
            .await
            .unwrap()
            .map(Into::into)
    }

    /// Writes a copy of the account at `from` to a fresh address, owned by `owner`, with
    /// `tamper` applied to its data.
    async fn forge_copy(
        &mut self,
        from: Pubkey,
        at: Pubkey,
        owner: Pubkey,
        tamper: impl FnOnce(&mut [u8]),
    ) -> Pubkey {
        let mut account = self.account(from).await.expect("original exists");
        account.set_owner(owner);
        tamper(account.data_as_mut_slice());
        self.s.chain.ctx.set_account(&at, &account);
        at
    }

    /// The rental is intact after a refused attack: still open, escrow untouched.
    async fn assert_untouched(&mut self) {
        assert!(
            self.account(self.rental()).await.is_some(),
            "rental still open"
        );
        let vault = escrow_vault(&self.s.market, &self.s.stable_mint);
        assert_eq!(
            self.s.chain.token_account(&vault).await.amount,
            210 * USDC,
            "escrow untouched"
        );
    }
}

/// Missing signer: anyone (the customer, say) names the market authority as settler without
/// its signature, to have the rental settled with 0 hours delivered (a full refund).
#[tokio::test]
async fn missing_signer() {
    let mut a = Arena::new().await;
    let mut i = a.settle_ix(a.settle_accounts(&a.s.creator.pubkey()), 0);
    assert_eq!(i.accounts[0].pubkey, a.s.creator.pubkey());
    i.accounts[0].is_signer = false;
    // only the fee payer signs (the attacker's key: the rental's customer is not a signer here)
    let err = a.s.chain.send(&[i], &[]).await.unwrap_err();
    anchor_error(err, ErrorCode::AccountNotSigner);
    a.assert_untouched().await;
}

/// Wrong owner: a byte-for-byte copy of the rental owned by another program (which its
/// owner could write freely, e.g. with a larger price) is refused before its data is read.
#[tokio::test]
async fn wrong_owner() {
    let mut a = Arena::new().await;
    let foreign = a
        .forge_copy(
            a.rental(),
            Pubkey::new_unique(),
            Pubkey::new_unique(),
            |_| {},
        )
        .await;
    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.rental = foreign;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::AccountOwnedByWrongProgram);
    a.assert_untouched().await;
}

/// Type cosplay: an account owned by the program, of exactly a rental's size and layout, but
/// carrying another type's discriminator (Supplier); and a real Supplier account as the rental.
#[tokio::test]
async fn type_cosplay() {
    let mut a = Arena::new().await;
    let cosplay = a
        .forge_copy(
            a.rental(),
            Pubkey::new_unique(),
            compute_market::ID,
            |data| data[..8].copy_from_slice(Supplier::DISCRIMINATOR),
        )
        .await;
    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.rental = cosplay;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::AccountDiscriminatorMismatch);

    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.rental = a.supplier;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::AccountDiscriminatorMismatch);
    a.assert_untouched().await;
}

/// Wrong mint or token program: the rental paid in stablecoin settled in the token (the
/// token's vault and accounts), a refund account in the other mint, and Token-2022 as the
/// token program.
#[tokio::test]
async fn wrong_mint_or_token_program() {
    let mut a = Arena::new().await;
    let token = a.s.token_mint;
    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.payment_mint = token;
    accounts.escrow_vault = escrow_vault(&a.s.market, &token);
    accounts.supplier_token_account = a.supplier_ata[1];
    accounts.treasury_token_account = a.treasury_ata[1];
    accounts.customer_token_account = a.customer_ata[1];
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintHasOne);

    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.customer_token_account = a.customer_ata[1];
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintTokenMint);

    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.token_program = spl_token_2022::ID;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::InvalidProgramId);
    a.assert_untouched().await;
}

/// Token-2022 look-alike: an account owned by Token-2022 whose data is an SPL Token account of
/// the very same mint address bytes and the customer as authority; and a Token-2022 mint.
#[tokio::test]
async fn token_2022_account_with_the_same_mint_bytes() {
    let mut a = Arena::new().await;
    let lookalike = Pubkey::new_unique();
    let state = spl_token::state::Account {
        mint: a.s.stable_mint,
        owner: a.customer.pubkey(),
        amount: 0,
        state: spl_token::state::AccountState::Initialized,
        ..Default::default()
    };
    let mut data = vec![0u8; spl_token::state::Account::LEN];
    state.pack_into_slice(&mut data);
    let real = a.account(a.customer_ata[0]).await.unwrap();
    let mut account = AccountSharedData::new(real.lamports(), data.len(), &spl_token_2022::ID);
    account.set_data_from_slice(&data);
    a.s.chain.ctx.set_account(&lookalike, &account);

    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.customer_token_account = lookalike;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::AccountOwnedByWrongProgram);

    // and a Token-2022 mint (same authority, same decimals) as the payment mint
    let authority = a.s.mint_authority.pubkey();
    let mint_2022 = a.s.chain.create_mint_2022(&authority, DECIMALS).await;
    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.payment_mint = mint_2022;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::AccountOwnedByWrongProgram);
    a.assert_untouched().await;
}

/// Duplicate mutable accounts: the customer's account passed as the supplier's payee too, and
/// the escrow vault as its own refund account. The rental instructions carry `dup` (Anchor's
/// generic duplicate check costs thousands of CU, `settle_rental.rs`): the program state they
/// write is of three distinct account types, so what can be passed twice are token accounts,
/// which only SPL Token writes. A payee's account is refused unless its owner is that payee
/// (one wallet paid twice in one account is a correct payout), and the vault is refused as any
/// payee by an explicit constraint.
#[tokio::test]
async fn duplicate_mutable_accounts() {
    let mut a = Arena::new().await;
    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.supplier_token_account = accounts.customer_token_account;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintTokenOwner);

    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.customer_token_account = accounts.escrow_vault;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintDuplicateMutableAccount);
    a.assert_untouched().await;
}

/// Non-canonical bump: the market (checked with its stored bump, `bump = market.bump`) and the
/// escrow vault (checked with the canonical bump, `bump`) copied to addresses derived from the
/// same seeds with a lower bump. Nobody but the program can create accounts at its PDAs, so the
/// copies are written with `set_account`: the test shows the seeds check itself refuses them.
#[tokio::test]
async fn non_canonical_bump() {
    let mut a = Arena::new().await;
    let creator = a.s.creator.pubkey();
    let (market_alias, _) = non_canonical_pda(&[MARKET_SEED, creator.as_ref()]);
    a.forge_copy(a.s.market, market_alias, compute_market::ID, |_| {})
        .await;
    let mut accounts = a.settle_accounts(&creator);
    accounts.market = market_alias;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);

    let (market, mint) = (a.s.market, a.s.stable_mint);
    let vault = escrow_vault(&market, &mint);
    let (vault_alias, _) = non_canonical_pda(&[ESCROW_VAULT_SEED, market.as_ref(), mint.as_ref()]);
    a.forge_copy(vault, vault_alias, spl_token::ID, |_| {})
        .await;
    let mut accounts = a.settle_accounts(&creator);
    accounts.escrow_vault = vault_alias;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);
    a.assert_untouched().await;
}

/// Non-canonical bump of a rental (found by the sweep in `attack_matrix.rs`, then fixed): a copy
/// of a rental at the address of its own seeds with a lower bump. The instructions that take a
/// rental checked its owner, discriminator and `has_one` links only, so they accepted it; they
/// now re-derive its address with its stored bump, as for every other piece of program state.
/// Written with `set_account` (only the program can create accounts it owns, and it creates
/// rentals at their canonical address only): the test shows the seeds check itself refuses it.
#[tokio::test]
async fn non_canonical_bump_of_a_rental_in_every_instruction() {
    let mut a = Arena::new().await;
    let (market, customer, stable) = (a.s.market, a.customer.pubkey(), a.s.stable_mint);
    // a second rental, waiting for its start (id 2)
    let waiting = rental_pda(&market, &customer, 2);
    let create = program_ix(
        acc::CreateRental {
            customer,
            market,
            supplier: a.supplier,
            rental: waiting,
            payment_mint: stable,
            customer_token_account: a.customer_ata[0],
            escrow_vault: escrow_vault(&market, &stable),
            token_program: spl_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        ix::CreateRental {
            args: CreateRentalArgs {
                rental_id: 2,
                hours: HOURS,
                max_amount: u64::MAX,
            },
        },
    );
    let cust = a.customer.insecure_clone();
    a.s.chain.send(&[create], &[&cust]).await.expect("rental 2");
    let alias = |id: u64| {
        non_canonical_pda(&[
            RENTAL_SEED,
            market.as_ref(),
            customer.as_ref(),
            &id.to_le_bytes(),
        ])
        .0
    };
    let (active, waiting_alias) = (alias(1), alias(2));
    a.forge_copy(a.rental(), active, compute_market::ID, |_| {})
        .await;
    a.forge_copy(waiting, waiting_alias, compute_market::ID, |_| {})
        .await;

    // settle_rental and dispute_rental, the started rental
    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.rental = active;
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);
    let dispute = program_ix(
        acc::DisputeRental {
            customer,
            rental: active,
            market,
        },
        ix::DisputeRental {},
    );
    let err = a.s.chain.send(&[dispute], &[&cust]).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);

    // start_rental, cancel_rental and reclaim_expired, the waiting one
    let owner = a.supplier_owner.insecure_clone();
    let start = program_ix(
        acc::StartRental {
            owner: owner.pubkey(),
            market,
            supplier: a.supplier,
            rental: waiting_alias,
        },
        ix::StartRental {},
    );
    let err = a.s.chain.send(&[start], &[&owner]).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);
    let (supplier, refund_to) = (a.supplier, a.customer_ata[0]);
    let refund = |rental| acc::RefundRental {
        caller: customer,
        market,
        supplier,
        rental,
        customer,
        payment_mint: stable,
        customer_token_account: refund_to,
        escrow_vault: escrow_vault(&market, &stable),
        token_program: spl_token::ID,
    };
    let cancel = program_ix(refund(waiting_alias), ix::CancelRental {});
    let err = a.s.chain.send(&[cancel], &[&cust]).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);
    let reclaim = program_ix(refund(waiting_alias), ix::ReclaimExpired {});
    let err = a.s.chain.send(&[reclaim], &[&cust]).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);

    // both rentals are intact, and the real address of the waiting one cancels
    assert!(a.account(a.rental()).await.is_some(), "rental 1 open");
    assert_eq!(
        a.s.chain
            .token_account(&escrow_vault(&market, &stable))
            .await
            .amount,
        2 * 210 * USDC,
        "escrow of both rentals untouched"
    );
    let cancel = program_ix(refund(waiting), ix::CancelRental {});
    a.s.chain.send(&[cancel], &[&cust]).await.expect("cancel");
    assert!(a.account(waiting).await.is_none(), "rental 2 cancelled");
}

/// PDA of another market: an attacker creates their own market (so is its authority, free to
/// report any delivered hours) and settles the victim market's rental through it; and names
/// the other market's escrow vault while settling in the victim's market.
#[tokio::test]
async fn pda_of_another_market() {
    let mut a = Arena::new().await;
    let attacker = Keypair::new();
    a.s.chain.airdrop(&attacker.pubkey(), 10_000_000_000).await;
    let (stable, token) = (a.s.stable_mint, a.s.token_mint);
    let init = initialize_ix(
        &attacker.pubkey(),
        &stable,
        &token,
        default_args(attacker.pubkey()),
    );
    a.s.chain.send(&[init], &[&attacker]).await.unwrap();
    let theirs = market_pda(&attacker.pubkey());
    let vault = program_ix(
        acc::InitEscrowVault {
            authority: attacker.pubkey(),
            market: theirs,
            mint: stable,
            escrow_vault: escrow_vault(&theirs, &stable),
            token_program: spl_token::ID,
            system_program: anchor_lang::system_program::ID,
        },
        ix::InitEscrowVault {},
    );
    a.s.chain.send(&[vault], &[&attacker]).await.unwrap();

    let mut accounts = a.settle_accounts(&attacker.pubkey());
    accounts.market = theirs;
    let i = a.settle_ix(accounts, 0);
    let err = a.s.chain.send(&[i], &[&attacker]).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintHasOne);

    let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
    accounts.escrow_vault = escrow_vault(&theirs, &stable);
    let err = a.settle_as_authority(accounts).await.unwrap_err();
    anchor_error(err, ErrorCode::ConstraintSeeds);
    a.assert_untouched().await;
}

/// Closed-account revival within one transaction: settle (closes the rental), refund the
/// closed address its rent, settle again. Anchor's `close` hands the account to the system
/// program with no data, so the revived address is no longer the program's.
#[tokio::test]
async fn closed_account_revival_in_one_transaction() {
    let mut a = Arena::new().await;
    let creator = a.s.creator.insecure_clone();
    let settle = a.settle_ix(a.settle_accounts(&creator.pubkey()), HOURS);
    let revive = solana_system_interface::instruction::transfer(
        &a.s.chain.payer().pubkey(),
        &a.rental(),
        10_000_000,
    );
    let err =
        a.s.chain
            .send(
                &[settle.clone(), revive.clone(), settle.clone()],
                &[&creator],
            )
            .await
            .unwrap_err();
    // refused at the second settlement (instruction 2), the first one having run
    assert!(
        matches!(
            err,
            BanksClientError::TransactionError(TransactionError::InstructionError(2, _))
        ),
        "{err:?}"
    );
    anchor_error(err, ErrorCode::AccountOwnedByWrongProgram);
    // the whole transaction reverted, the first settlement included
    a.assert_untouched().await;

    // the honest accounts of every attack in this file: settlement and revival alone pass, and
    // the revived address is a system account without data
    a.s.chain
        .send(&[settle, revive], &[&creator])
        .await
        .expect("settle");
    let revived = a.account(a.rental()).await.expect("revived");
    assert_eq!(
        (revived.owner(), revived.data().len()),
        (&anchor_lang::system_program::ID, 0)
    );
}

/// Sysvar spoofing: the program takes no sysvar account (time comes from the `Clock::get`
/// syscall), so there is no account slot to spoof; a forged clock far in the future appended
/// to a stranger's early settlement is refused as an unexpected account.
#[tokio::test]
async fn sysvar_spoofing() {
    let mut a = Arena::new().await;
    let stranger = Keypair::new();
    a.s.chain.airdrop(&stranger.pubkey(), 1_000_000_000).await;
    let mut clock = a.s.chain.clock().await;
    clock.unix_timestamp += 365 * 86_400;
    let forged = Pubkey::new_unique();
    let data = bincode_clock(&clock);
    let mut account = AccountSharedData::new(1_000_000_000, data.len(), &Pubkey::new_unique());
    account.set_data_from_slice(&data);
    a.s.chain.ctx.set_account(&forged, &account);

    let mut i = a.settle_ix(a.settle_accounts(&stranger.pubkey()), HOURS);
    i.accounts.push(AccountMeta::new_readonly(forged, false));
    let err = a.s.chain.send(&[i], &[&stranger]).await.unwrap_err();
    assert_eq!(
        anchor_code(err),
        code(MarketError::UnexpectedRemainingAccounts)
    );
    // and without it, the real clock says it is too early
    let i = a.settle_ix(a.settle_accounts(&stranger.pubkey()), HOURS);
    let err = a.s.chain.send(&[i], &[&stranger]).await.unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::SettlementNotAllowed));
    a.assert_untouched().await;
}

/// The Clock sysvar's account layout (five little-endian 8-byte fields).
fn bincode_clock(c: &solana_clock::Clock) -> Vec<u8> {
    [
        c.slot.to_le_bytes(),
        c.epoch_start_timestamp.to_le_bytes(),
        c.epoch.to_le_bytes(),
        c.leader_schedule_epoch.to_le_bytes(),
        c.unix_timestamp.to_le_bytes(),
    ]
    .concat()
}

/// Arbitrary CPI target: the escrow's transfers go through `token_program`; an executable
/// program that is not SPL Token (the system program) and a non-program address are refused.
#[tokio::test]
async fn arbitrary_cpi_target() {
    let mut a = Arena::new().await;
    for target in [anchor_lang::system_program::ID, Pubkey::new_unique()] {
        let mut accounts = a.settle_accounts(&a.s.creator.pubkey());
        accounts.token_program = target;
        let err = a.settle_as_authority(accounts).await.unwrap_err();
        anchor_error(err, ErrorCode::InvalidProgramId);
    }
    a.assert_untouched().await;
}
