//! The account-validation sweep (issue 14): every instruction of the program, every account
//! slot, every generic substitution. For each instruction an honest transaction is built from a
//! real scenario; then each substitution below is sent and must be refused; then the honest
//! transaction is sent and must succeed, so every refusal is the substitution's doing and not a
//! broken scenario's.
//!
//! Substitutions, per account slot of the instruction (those that apply to the slot):
//! 1. missing signer: a signer's meta turned into a non-signer (the key does not sign);
//! 2. wrong owner: a fresh address holding a copy of the honest account (lamports and data),
//!    owned by another program: each of the system program, SPL Token, Token-2022,
//!    compute-market and an unknown program id but the honest owner (accounts that exist only);
//! 3. wrong account: every other account of the scenario with the honest account's owner
//!    (another type of program state, another market's PDA, another mint or token account,
//!    another wallet) and an address that holds no account; in a signer slot, every other
//!    wallet, signing; in the slot of an account the instruction creates, every program and
//!    SPL Token account of the scenario;
//! 4. wrong program: a program slot given every other executable (system program, SPL Token,
//!    Token-2022, compute-market, the associated-token program) and a non-executable address;
//! 5. duplicate mutable account: a writable slot given the key of each other writable slot
//!    (not tried where the slot signs and the other key is a PDA, which cannot sign);
//! 6. extra account: an unused address, and a writable repeat of the instruction's first
//!    writable account, appended after the instruction's own (remaining accounts); these must
//!    be refused with `UnexpectedRemainingAccounts`, which shows every handler checks;
//! 7. non-canonical bump: a PDA slot given the address derived from the same seeds with the
//!    next lower valid bump, holding a copy of the honest account (if it exists);
//! 8. closed-account revival: for an instruction that closes accounts, the honest instruction,
//!    a transfer re-funding every account it closed, and the honest instruction again, in one
//!    transaction: refused at the second run (and the whole transaction with it).
//!
//! Class 3 also forges, for each slot holding program state, copies of the honest account
//! (same owner, same size, same data) carrying each other state type's discriminator.
//!
//! Each substitution runs in the bank's transaction simulation (the same account loading and
//! execution as a transaction, nothing committed, no signature checks: every signer of every
//! substitution is a key the test holds). The first substitution of each class of each
//! instruction is also sent as a signed transaction, which must end exactly as its simulation
//! did and, refused, leave every account it named unchanged; and every account of the scenario
//! is checked to be as built before each instruction and after its substitutions. A refusal
//! must come from the instruction (`InstructionError(0, _)`, not a transaction-level error). A
//! substitution that is accepted fails the sweep unless it is in `ALLOWED`, with the reason it
//! is legitimate; an `ALLOWED` entry never matched fails it too. Two substitutions that build
//! the same instruction (a class-3 candidate that is also another writable slot's key) run once
//! and count in both classes.
//!
//! The scenario is built once, on one chain: market A (the victim: both escrow vaults, a funded
//! ignition vault, two suppliers, an active and a waiting rental, an open subsidy epoch with a
//! claimed-bitmap chunk, a pending authority), market B (an attacker's, with the same mints and
//! the same kinds of accounts), a bare market C, two swaps of one mint and fourteen wallets.
//! After each instruction every account the honest transaction named is put back as the
//! scenario had it (`set_account`), and before each instruction every account of the scenario
//! is checked to be exactly as built, so the instructions do not depend on each other's order.
//!
//! Run, printing the matrix (instruction x class: substitutions tried/refused; the program's
//! logs share the output, hence the filter):
//!   cargo test --locked -p svm-harness --test attack_matrix -- --nocapture 2>/dev/null \
//!     | sed -n '/^Account-validation sweep/,/^test /p'

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use anchor_lang::{
    error::{ErrorCode, ERROR_CODE_OFFSET},
    prelude::Pubkey,
    solana_program::instruction::{AccountMeta, Instruction},
    AccountDeserialize, Discriminator, InstructionData, ToAccountMetas,
};
use anchor_spl::{associated_token, token::spl_token, token_2022::spl_token_2022};
use common::{escrow::EscrowMarket, merkle::*, *};
use compute_market::{
    accounts as acc,
    constants::*,
    errors::MarketError,
    instruction as ix,
    instructions::{CreateRentalArgs, OfferArgs, UpdateConfigArgs, UpdateOfferArgs},
    merkle::keccak,
    state::{MarketConfig, Rental, SubsidyClaims, SubsidyEpoch, Supplier, Swap, SwapTimelocks},
};
use solana_account::{Account, AccountSharedData};
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use svm_harness::{solana_program_test::BanksClientError, Chain};

const SYSTEM: Pubkey = anchor_lang::system_program::ID;
const TOKEN_PROGRAM: Pubkey = spl_token::ID;
/// Every program an account slot may name, and the owners of the wrong-owner copies.
const PROGRAMS: [Pubkey; 5] = [
    SYSTEM,
    TOKEN_PROGRAM,
    spl_token_2022::ID,
    compute_market::ID,
    associated_token::ID,
];

/// Every type of program state, by discriminator (for the forged type-cosplay copies).
const STATE_TYPES: [(&str, &[u8]); 6] = [
    ("MarketConfig", MarketConfig::DISCRIMINATOR),
    ("Supplier", Supplier::DISCRIMINATOR),
    ("Rental", Rental::DISCRIMINATOR),
    ("SubsidyEpoch", SubsidyEpoch::DISCRIMINATOR),
    ("SubsidyClaims", SubsidyClaims::DISCRIMINATOR),
    ("Swap", Swap::DISCRIMINATOR),
];

const FUNDED: u64 = 1_000 * TOKEN;
const SWAP_AMOUNT: u64 = 1_000 * USDC;
const SWAP_DEPOSIT: u64 = 10_000_000;
const TIMELOCKS: SwapTimelocks = SwapTimelocks {
    finality: 100,
    public_withdrawal: 200,
    cancellation: 300,
    public_cancellation: 400,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Class {
    MissingSigner,
    WrongOwner,
    WrongAccount,
    WrongProgram,
    DuplicateMutable,
    ExtraAccount,
    NonCanonicalBump,
    Revival,
}

const CLASSES: [Class; 8] = [
    Class::MissingSigner,
    Class::WrongOwner,
    Class::WrongAccount,
    Class::WrongProgram,
    Class::DuplicateMutable,
    Class::ExtraAccount,
    Class::NonCanonicalBump,
    Class::Revival,
];

impl Class {
    /// The matrix's column title.
    fn title(self) -> &'static str {
        match self {
            Class::MissingSigner => "1 signer",
            Class::WrongOwner => "2 owner",
            Class::WrongAccount => "3 account",
            Class::WrongProgram => "4 program",
            Class::DuplicateMutable => "5 duplicate",
            Class::ExtraAccount => "6 extra",
            Class::NonCanonicalBump => "7 bump",
            Class::Revival => "8 revival",
        }
    }
}

/// The address derived from `seeds` with the highest valid bump below the canonical one.
fn non_canonical(seeds: &[Vec<u8>]) -> (Pubkey, u8) {
    let seeds: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
    non_canonical_pda(&seeds)
}

/// A substitution the program accepts by design: instruction, slot, class, the candidate's
/// name in the scenario (`None`: any candidate of that slot and class), and why it is legitimate.
struct Allowed {
    ix: &'static str,
    slot: &'static str,
    class: Class,
    candidate: Option<&'static str>,
    why: &'static str,
}

const ALLOWED: &[Allowed] = &[
    Allowed {
        ix: "initialize",
        slot: "stable_mint",
        class: Class::WrongAccount,
        candidate: Some("swap mint"),
        why: "the creator lists any two distinct SPL Token mints",
    },
    Allowed {
        ix: "initialize",
        slot: "token_mint",
        class: Class::WrongAccount,
        candidate: Some("swap mint"),
        why: "the creator lists any two distinct SPL Token mints",
    },
    Allowed {
        ix: "init_subsidy_claims",
        slot: "payer",
        class: Class::WrongAccount,
        candidate: None,
        why: "anyone may pay for a bitmap chunk ahead of the claims; the chunk records its \
              payer, who alone gets the rent back",
    },
    Allowed {
        ix: "create_rental",
        slot: "supplier",
        class: Class::WrongAccount,
        candidate: Some("supplier S2 (A)"),
        why: "the customer chooses the offer: any supplier of the market may be rented",
    },
    Allowed {
        ix: "reclaim_expired",
        slot: "caller",
        class: Class::WrongAccount,
        candidate: None,
        why: "anyone may return an expired rental; the refund goes to the customer the rental \
              names, whoever calls",
    },
];

/// One instruction's honest transaction: its accounts (named by field), data and clock.
struct Case {
    name: &'static str,
    slots: Vec<&'static str>,
    ix: Instruction,
    now: i64,
}

/// Builds an `Accounts` struct and returns its metas with each field's name and key, in the
/// order written (which `case` checks is the struct's declaration order).
macro_rules! accounts {
    ($($ty:ident)::+ { $($field:ident : $value:expr),* $(,)? }) => {{
        let accounts = $($ty)::+ { $($field: $value),* };
        let named: Vec<(&'static str, Pubkey)> = vec![$((stringify!($field), accounts.$field)),*];
        (accounts.to_account_metas(None), named)
    }};
}

fn case(
    name: &'static str,
    (metas, named): (Vec<AccountMeta>, Vec<(&'static str, Pubkey)>),
    data: impl InstructionData,
    now: i64,
) -> Case {
    assert_eq!(metas.len(), named.len(), "{name}: one meta per field");
    for (meta, (field, key)) in metas.iter().zip(&named) {
        assert_eq!(meta.pubkey, *key, "{name}: fields out of order at {field}");
    }
    Case {
        name,
        slots: named.iter().map(|(field, _)| *field).collect(),
        ix: Instruction {
            program_id: compute_market::ID,
            accounts: metas,
            data: data.data(),
        },
        now,
    }
}

struct Attempt {
    class: Class,
    slot: &'static str,
    candidate: String,
    ix: Instruction,
    /// A forged account to write before sending (wrong-owner copies).
    forged: Option<(Pubkey, Account)>,
}

#[derive(Clone)]
enum Outcome {
    Refused(String),
    Accepted,
}

#[derive(Default, Clone, Copy)]
struct Cell {
    tried: usize,
    refused: usize,
    allowed: usize,
}

#[derive(Default)]
struct Report {
    cells: BTreeMap<(usize, Class), Cell>,
    errors: BTreeMap<Class, BTreeMap<String, usize>>,
    allowed_hits: Vec<usize>,
    findings: Vec<String>,
    /// Substitutions also sent as signed transactions.
    real: usize,
}

/// Same lamports, owner, data and executable flag (a zero-lamport account does not exist).
fn same(a: &Option<Account>, b: &Option<Account>) -> bool {
    let view = |x: &Option<Account>| {
        x.as_ref()
            .filter(|a| a.lamports > 0)
            .map(|a| (a.lamports, a.owner, a.data.clone(), a.executable))
    };
    view(a) == view(b)
}

/// `MarketError` variant names, in declaration order (code = 6000 + index).
fn market_error_names() -> Vec<&'static str> {
    include_str!("../../../programs/compute-market/src/errors.rs")
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.ends_with(',')
                && l.starts_with(|c: char| c.is_ascii_uppercase())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == ',')
        })
        .map(|l| l.trim_end_matches(','))
        .collect()
}

macro_rules! anchor_names {
    ($($v:ident),* $(,)?) => {
        [$((ErrorCode::$v as u32, stringify!($v))),*]
    };
}

fn error_name(e: &InstructionError, market_errors: &[&str]) -> String {
    let anchor = anchor_names!(
        InstructionDidNotDeserialize,
        ConstraintMut,
        ConstraintHasOne,
        ConstraintSigner,
        ConstraintRaw,
        ConstraintOwner,
        ConstraintSeeds,
        ConstraintAddress,
        ConstraintZero,
        ConstraintTokenMint,
        ConstraintTokenOwner,
        ConstraintTokenTokenProgram,
        ConstraintMintTokenProgram,
        ConstraintDuplicateMutableAccount,
        RequireKeysEqViolated,
        RequireKeysNeqViolated,
        AccountDiscriminatorAlreadySet,
        AccountDiscriminatorNotFound,
        AccountDiscriminatorMismatch,
        AccountDidNotDeserialize,
        AccountNotEnoughKeys,
        AccountNotMutable,
        AccountOwnedByWrongProgram,
        InvalidProgramId,
        InvalidProgramExecutable,
        AccountNotSigner,
        AccountNotSystemOwned,
        AccountNotInitialized,
        TryingToInitPayerAsProgramAccount,
    );
    match e {
        InstructionError::Custom(code) if *code >= ERROR_CODE_OFFSET => market_errors
            .get((code - ERROR_CODE_OFFSET) as usize)
            .map_or_else(|| format!("Custom({code})"), |n| (*n).to_string()),
        InstructionError::Custom(code) => anchor
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| format!("Anchor({code})"), |(_, n)| (*n).to_string()),
        other => format!("{other:?}"),
    }
}

/// The instructions of the program, from `lib.rs` (the sweep must cover each).
fn program_instructions() -> Vec<&'static str> {
    include_str!("../../../programs/compute-market/src/lib.rs")
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .map(|l| l.split(['(', '<']).next().unwrap())
        .collect()
}

/// The scenario: one chain, every wallet's key, every account's name and its state as built.
struct Arena {
    chain: Chain,
    keys: HashMap<Pubkey, Keypair>,
    /// The wallets (system accounts whose keys we hold), in creation order.
    wallets: Vec<Pubkey>,
    /// Every account of the scenario but the programs, in creation order.
    order: Vec<Pubkey>,
    labels: HashMap<Pubkey, String>,
    /// Every account of the scenario (programs included) as built; `None`: must not exist.
    snapshot: HashMap<Pubkey, Option<Account>>,
    /// The seeds of every PDA of the scenario and of the honest transactions.
    seeds: HashMap<Pubkey, Vec<Vec<u8>>>,
    /// An address that never holds an account.
    unused: Pubkey,
    /// An id no program has (owner of some wrong-owner copies).
    unknown_program: Pubkey,
    market_errors: Vec<&'static str>,
}

impl Arena {
    fn label(&self, key: &Pubkey) -> String {
        self.labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn wallet(&mut self, keypair: Keypair, name: &str) -> Pubkey {
        let key = keypair.pubkey();
        self.keys.insert(key, keypair);
        self.wallets.push(key);
        self.add(key, name)
    }

    /// The program's address for `seeds`, remembered for the non-canonical-bump class.
    fn remember(&mut self, seeds: &[&[u8]]) -> Pubkey {
        let key = pda(seeds);
        self.seeds
            .insert(key, seeds.iter().map(|s| s.to_vec()).collect());
        key
    }

    fn add(&mut self, key: Pubkey, name: &str) -> Pubkey {
        self.order.push(key);
        self.labels.insert(key, name.to_string());
        key
    }

    async fn token_account(&mut self, mint: Pubkey, owner: Pubkey, name: &str) -> Pubkey {
        let account = self.chain.create_token_account(&mint, &owner).await;
        self.add(account, name)
    }

    async fn get(&mut self, key: Pubkey) -> Option<Account> {
        self.chain
            .ctx
            .banks_client
            .get_account(key)
            .await
            .expect("get_account")
    }

    async fn state<T: AccountDeserialize>(&mut self, key: Pubkey) -> T {
        let account = self.get(key).await.expect("account exists");
        T::try_deserialize(&mut account.data.as_slice()).expect("account data")
    }

    fn snapshot_of(&self, key: &Pubkey) -> Option<Account> {
        self.snapshot.get(key).cloned().flatten()
    }

    /// Sends `ixs` signed by the fee payer and by every key their metas mark as a signer.
    async fn send(&mut self, ixs: &[Instruction]) -> Result<(), BanksClientError> {
        let payer = self.chain.payer().pubkey();
        let mut signers: Vec<Keypair> = Vec::new();
        for meta in ixs.iter().flat_map(|i| &i.accounts) {
            if meta.is_signer
                && meta.pubkey != payer
                && !signers.iter().any(|k| k.pubkey() == meta.pubkey)
            {
                let key = self
                    .keys
                    .get(&meta.pubkey)
                    .unwrap_or_else(|| panic!("no key to sign as {}", self.label(&meta.pubkey)));
                signers.push(key.insecure_clone());
            }
        }
        let refs: Vec<&Keypair> = signers.iter().collect();
        self.chain.send(ixs, &refs).await
    }

    async fn take_snapshot(&mut self) {
        let keys: Vec<Pubkey> = self
            .order
            .iter()
            .chain(&PROGRAMS)
            .chain([&self.unused])
            .copied()
            .collect();
        for key in keys {
            let account = self.get(key).await;
            self.snapshot.insert(key, account);
        }
    }

    /// Puts `keys` back as the scenario had them (deleting what it did not have).
    async fn restore(&mut self, keys: Vec<Pubkey>) {
        for key in keys {
            let then = self.snapshot_of(&key);
            if !same(&self.get(key).await, &then) {
                let account = then.map(AccountSharedData::from).unwrap_or_default();
                self.chain.ctx.set_account(&key, &account);
            }
        }
    }

    /// Every account of the scenario is exactly as built.
    async fn assert_intact(&mut self, when: &str) {
        let keys: Vec<Pubkey> = self.snapshot.keys().copied().collect();
        for key in keys {
            let now = self.get(key).await;
            assert!(
                same(&now, &self.snapshot_of(&key)),
                "{when}: {} is not as the scenario built it",
                self.label(&key)
            );
        }
    }

    /// Every substitution of `case`, class by class, slot by slot.
    fn attempts(&self, case: &Case) -> Vec<Attempt> {
        let metas = &case.ix.accounts;
        let with = |i: usize, key: Pubkey, signer: bool| {
            let mut ix = case.ix.clone();
            ix.accounts[i].pubkey = key;
            ix.accounts[i].is_signer = signer;
            ix
        };
        let mut out = Vec::new();
        for (i, meta) in metas.iter().enumerate() {
            let slot = case.slots[i];
            let attempt = |class, candidate: String, ix| Attempt {
                class,
                slot,
                candidate,
                ix,
                forged: None,
            };
            if PROGRAMS.contains(&meta.pubkey) {
                for program in PROGRAMS.iter().chain([&self.unused]) {
                    if *program != meta.pubkey {
                        out.push(attempt(
                            Class::WrongProgram,
                            self.label(program),
                            with(i, *program, false),
                        ));
                    }
                }
                continue;
            }
            if meta.is_signer {
                let signs_elsewhere = metas
                    .iter()
                    .enumerate()
                    .any(|(j, m)| j != i && m.pubkey == meta.pubkey && m.is_signer);
                if !signs_elsewhere {
                    out.push(attempt(
                        Class::MissingSigner,
                        "no signature".into(),
                        with(i, meta.pubkey, false),
                    ));
                }
                for wallet in &self.wallets {
                    if *wallet != meta.pubkey {
                        out.push(attempt(
                            Class::WrongAccount,
                            self.label(wallet),
                            with(i, *wallet, true),
                        ));
                    }
                }
            } else {
                let honest = self.snapshot_of(&meta.pubkey);
                if let Some(account) = &honest {
                    for owner in PROGRAMS[..4].iter().chain([&self.unknown_program]) {
                        if *owner == account.owner {
                            continue;
                        }
                        let at = Pubkey::new_unique();
                        let mut copy = account.clone();
                        copy.owner = *owner;
                        out.push(Attempt {
                            forged: Some((at, copy)),
                            ..attempt(
                                Class::WrongOwner,
                                format!("copy owned by {}", self.label(owner)),
                                with(i, at, false),
                            )
                        });
                    }
                }
                let alike = |key: &Pubkey| match (&honest, self.snapshot_of(key)) {
                    (_, None) => false,
                    (Some(h), Some(c)) => c.owner == h.owner && !c.executable,
                    (None, Some(c)) => c.owner == compute_market::ID || c.owner == TOKEN_PROGRAM,
                };
                for key in self.order.iter().filter(|k| alike(k)).chain([&self.unused]) {
                    if *key != meta.pubkey {
                        out.push(attempt(
                            Class::WrongAccount,
                            self.label(key),
                            with(i, *key, false),
                        ));
                    }
                }
                let state = honest
                    .as_ref()
                    .filter(|a| a.owner == compute_market::ID && a.data.len() >= 8);
                if let Some(account) = state {
                    for (name, discriminator) in STATE_TYPES {
                        if account.data[..8] == *discriminator {
                            continue;
                        }
                        let at = Pubkey::new_unique();
                        let mut copy = account.clone();
                        copy.data[..8].copy_from_slice(discriminator);
                        out.push(Attempt {
                            forged: Some((at, copy)),
                            ..attempt(
                                Class::WrongAccount,
                                format!("copy typed as {name}"),
                                with(i, at, false),
                            )
                        });
                    }
                }
                if let Some(seeds) = self.seeds.get(&meta.pubkey) {
                    let (at, bump) = non_canonical(seeds);
                    out.push(Attempt {
                        forged: honest.clone().map(|account| (at, account)),
                        ..attempt(
                            Class::NonCanonicalBump,
                            format!("same seeds, bump {bump}"),
                            with(i, at, false),
                        )
                    });
                }
            }
            if meta.is_writable {
                let mut tried = HashSet::new();
                for (j, other) in metas.iter().enumerate() {
                    if !other.is_writable
                        || other.pubkey == meta.pubkey
                        || !tried.insert(other.pubkey)
                        || (meta.is_signer && !self.keys.contains_key(&other.pubkey))
                    {
                        continue;
                    }
                    out.push(attempt(
                        Class::DuplicateMutable,
                        format!("{} ({})", case.slots[j], self.label(&other.pubkey)),
                        with(i, other.pubkey, meta.is_signer),
                    ));
                }
            }
        }
        let mut unused = case.ix.clone();
        unused
            .accounts
            .push(AccountMeta::new_readonly(self.unused, false));
        let first_writable = metas
            .iter()
            .find(|m| m.is_writable)
            .unwrap_or(&metas[0])
            .pubkey;
        let mut repeat = case.ix.clone();
        repeat
            .accounts
            .push(AccountMeta::new(first_writable, false));
        for (candidate, ix) in [
            ("unused address, read-only".to_string(), unused),
            (format!("{}, writable", self.label(&first_writable)), repeat),
        ] {
            out.push(Attempt {
                class: Class::ExtraAccount,
                slot: "(remaining)",
                candidate,
                ix,
                forged: None,
            });
        }
        out
    }

    /// Runs `ixs` on the current state without committing anything (the bank's simulation: the
    /// same account loading and execution as a transaction, without signature checks, which
    /// would only cost time here: every signer of every substitution is a key we hold).
    /// A fresh blockhash each time: the test chain's live about a second of wall time, less than
    /// the sweep of one instruction takes on the SBF program under load.
    async fn simulate(&mut self, ixs: &[Instruction]) -> Result<(), TransactionError> {
        let mut tx = Transaction::new_with_payer(ixs, Some(&self.chain.payer().pubkey()));
        tx.message.recent_blockhash = self
            .chain
            .ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("blockhash");
        self.chain
            .ctx
            .banks_client
            .simulate_transaction(tx)
            .await
            .expect("simulate")
            .result
            .expect("a simulation result")
    }

    /// Runs one substitution (simulated). With `real`, also sends it as a signed transaction,
    /// which must end as the simulation did; if refused, every account it named must be
    /// unchanged; if accepted, what it changed is put back.
    async fn try_attempt(&mut self, case: &Case, a: &Attempt, real: bool) -> Outcome {
        let what = || {
            format!(
                "{}.{} <- {} ({})",
                case.name,
                a.slot,
                a.candidate,
                a.class.title()
            )
        };
        let mut expected: HashMap<Pubkey, Option<Account>> = HashMap::new();
        if let Some((at, account)) = &a.forged {
            self.chain
                .ctx
                .set_account(at, &AccountSharedData::from(account.clone()));
            expected.insert(*at, Some(account.clone()));
        }
        let simulated = self.simulate(std::slice::from_ref(&a.ix)).await;
        let outcome = match &simulated {
            Ok(()) => Outcome::Accepted,
            Err(TransactionError::InstructionError(0, e)) => {
                Outcome::Refused(error_name(e, &self.market_errors))
            }
            Err(err) => panic!("{}: not refused by the instruction itself: {err:?}", what()),
        };
        if !real {
            return outcome;
        }
        let keys: Vec<Pubkey> = a.ix.accounts.iter().map(|m| m.pubkey).collect();
        match self.send(std::slice::from_ref(&a.ix)).await {
            Ok(()) => {
                assert!(
                    simulated.is_ok(),
                    "{}: simulated {simulated:?}, sent Ok",
                    what()
                );
                self.restore(keys).await;
            }
            Err(err) => {
                let sent = match err {
                    BanksClientError::TransactionError(e) => e,
                    other => panic!("{}: {other:?}", what()),
                };
                assert_eq!(Err(sent), simulated, "{}: sent as simulated", what());
                for key in keys {
                    let before = match expected.get(&key) {
                        Some(account) => account.clone(),
                        None => self.snapshot_of(&key),
                    };
                    let after = self.get(key).await;
                    assert!(
                        same(&after, &before),
                        "{}: refused, yet {} changed",
                        what(),
                        self.label(&key)
                    );
                }
            }
        }
        outcome
    }

    /// Every substitution of `case`, then the honest transaction; then the scenario restored.
    async fn sweep(&mut self, index: usize, case: &Case, report: &mut Report) {
        self.assert_intact(&format!("before {}", case.name)).await;
        self.chain.set_unix_timestamp(case.now).await;
        let mut sent: HashMap<String, Outcome> = HashMap::new();
        let mut sampled: HashSet<Class> = HashSet::new();
        for a in self.attempts(case) {
            let key = format!("{:?}", a.ix);
            let outcome = match sent.get(&key).cloned() {
                Some(outcome) => outcome,
                None => {
                    // the first substitution of each class is also sent for real
                    let real = sampled.insert(a.class);
                    report.real += usize::from(real);
                    let outcome = self.try_attempt(case, &a, real).await;
                    sent.insert(key, outcome.clone());
                    outcome
                }
            };
            let cell = report.cells.entry((index, a.class)).or_default();
            cell.tried += 1;
            match outcome {
                Outcome::Refused(error) => {
                    cell.refused += 1;
                    *report
                        .errors
                        .entry(a.class)
                        .or_default()
                        .entry(error)
                        .or_default() += 1;
                }
                Outcome::Accepted => {
                    let allowed = ALLOWED.iter().position(|x| {
                        x.ix == case.name
                            && x.slot == a.slot
                            && x.class == a.class
                            && x.candidate.is_none_or(|c| c == a.candidate)
                    });
                    match allowed {
                        Some(entry) => {
                            cell.allowed += 1;
                            report.allowed_hits[entry] += 1;
                        }
                        None => report.findings.push(format!(
                            "{}.{} <- {} ({}): accepted",
                            case.name,
                            a.slot,
                            a.candidate,
                            a.class.title()
                        )),
                    }
                }
            }
        }
        self.assert_intact(&format!("after the substitutions of {}", case.name))
            .await;
        if let Err(err) = self.send(std::slice::from_ref(&case.ix)).await {
            panic!("the honest {} is refused: {err:?}", case.name);
        }
        let keys: Vec<Pubkey> = case.ix.accounts.iter().map(|m| m.pubkey).collect();
        let mut closed = Vec::new();
        for key in &keys {
            if self.snapshot_of(key).is_some()
                && self.get(*key).await.is_none()
                && !closed.contains(key)
            {
                closed.push(*key);
            }
        }
        self.restore(keys.clone()).await;
        if !closed.is_empty() {
            let error = self.revive(case, &closed).await;
            let cell = report.cells.entry((index, Class::Revival)).or_default();
            cell.tried += 1;
            cell.refused += 1;
            *report
                .errors
                .entry(Class::Revival)
                .or_default()
                .entry(error)
                .or_default() += 1;
        }
    }

    /// The honest instruction, the `closed` accounts re-funded, the honest instruction again,
    /// in one transaction: must be refused at the last instruction, changing nothing.
    async fn revive(&mut self, case: &Case, closed: &[Pubkey]) -> String {
        let payer = self.chain.payer().pubkey();
        let mut ixs = vec![case.ix.clone()];
        ixs.extend(
            closed
                .iter()
                .map(|k| solana_system_interface::instruction::transfer(&payer, k, 10_000_000)),
        );
        ixs.push(case.ix.clone());
        let last = (ixs.len() - 1) as u8;
        let err = self
            .send(&ixs)
            .await
            .expect_err("a closed account revived within the transaction is refused");
        let e = match &err {
            BanksClientError::TransactionError(TransactionError::InstructionError(i, e))
                if *i == last =>
            {
                e
            }
            _ => panic!(
                "{}: revival refused elsewhere than at its rerun: {err:?}",
                case.name
            ),
        };
        let name = error_name(e, &self.market_errors);
        let mut keys: Vec<Pubkey> = case.ix.accounts.iter().map(|m| m.pubkey).collect();
        keys.extend(closed);
        for key in keys {
            let after = self.get(key).await;
            assert!(
                same(&after, &self.snapshot_of(&key)),
                "{}: revival refused ({name}), yet {} changed",
                case.name,
                self.label(&key)
            );
        }
        name
    }
}

fn epoch_pda(market: &Pubkey, epoch: u64) -> Pubkey {
    pda(&[SUBSIDY_EPOCH_SEED, market.as_ref(), &epoch.to_le_bytes()])
}

fn claims_pda(market: &Pubkey, epoch: u64, chunk: u32) -> Pubkey {
    pda(&[
        SUBSIDY_CLAIMS_SEED,
        market.as_ref(),
        &epoch.to_le_bytes(),
        &chunk.to_le_bytes(),
    ])
}

fn swap_pda(maker: &Pubkey, id: u64) -> Pubkey {
    pda(&[SWAP_SEED, maker.as_ref(), &id.to_le_bytes()])
}

fn swap_vault_pda(swap: &Pubkey) -> Pubkey {
    pda(&[SWAP_VAULT_SEED, swap.as_ref()])
}

fn secret(id: u64) -> [u8; 32] {
    [id as u8; 32]
}

fn lock_swap_ix(maker: Pubkey, id: u64, mint: Pubkey, from: Pubkey, to: Pubkey) -> Instruction {
    let swap = swap_pda(&maker, id);
    program_ix(
        acc::LockSwap {
            maker,
            swap,
            mint,
            maker_token_account: from,
            vault: swap_vault_pda(&swap),
            token_program: TOKEN_PROGRAM,
            system_program: SYSTEM,
        },
        ix::LockSwap {
            swap_id: id,
            recipient: to,
            amount: SWAP_AMOUNT,
            hashlock: keccak(&[&secret(id)]),
            timelocks: TIMELOCKS,
            safety_deposit: SWAP_DEPOSIT,
        },
    )
}

fn create_rental_ix(
    customer: Pubkey,
    market: Pubkey,
    supplier: Pubkey,
    id: u64,
    mint: Pubkey,
    from: Pubkey,
    hours: u32,
) -> Instruction {
    program_ix(
        acc::CreateRental {
            customer,
            market,
            supplier,
            rental: rental_pda(&market, &customer, id),
            payment_mint: mint,
            customer_token_account: from,
            escrow_vault: escrow_vault(&market, &mint),
            token_program: TOKEN_PROGRAM,
            system_program: SYSTEM,
        },
        ix::CreateRental {
            args: CreateRentalArgs {
                rental_id: id,
                hours,
                max_amount: u64::MAX,
            },
        },
    )
}

fn start_rental_ix(owner: Pubkey, market: Pubkey, supplier: Pubkey, rental: Pubkey) -> Instruction {
    program_ix(
        acc::StartRental {
            owner,
            market,
            supplier,
            rental,
        },
        ix::StartRental {},
    )
}

fn init_ignition_vault_ix(authority: Pubkey, market: Pubkey, token_mint: Pubkey) -> Instruction {
    program_ix(
        acc::InitIgnitionVault {
            authority,
            market,
            token_mint,
            ignition_vault: vault_pda(&market),
            token_program: TOKEN_PROGRAM,
            system_program: SYSTEM,
        },
        ix::InitIgnitionVault {},
    )
}

fn fund_ignition_ix(
    funder: Pubkey,
    market: Pubkey,
    token_mint: Pubkey,
    from: Pubkey,
) -> Instruction {
    program_ix(
        acc::FundIgnition {
            funder,
            market,
            token_mint,
            funder_token_account: from,
            ignition_vault: vault_pda(&market),
            token_program: TOKEN_PROGRAM,
        },
        ix::FundIgnition { amount: FUNDED },
    )
}

fn post_epoch_ix(
    authority: Pubkey,
    market: Pubkey,
    tree: &EpochTree,
    leaf_count: u32,
) -> Instruction {
    program_ix(
        acc::PostSubsidyEpoch {
            subsidy_authority: authority,
            market,
            subsidy_epoch: epoch_pda(&market, tree.epoch),
            system_program: SYSTEM,
        },
        ix::PostSubsidyEpoch {
            epoch: tree.epoch,
            root: tree.root(),
            total: tree.total(),
            leaf_count,
        },
    )
}

/// The claim of `row` of `tree` by the owner of its supplier.
fn claim_ix(
    owner: Pubkey,
    tree: &EpochTree,
    row: &Row,
    token_mint: Pubkey,
    to: Pubkey,
) -> Instruction {
    let market = tree.market;
    program_ix(
        acc::ClaimSubsidy {
            owner,
            market,
            supplier: row.supplier,
            subsidy_epoch: epoch_pda(&market, tree.epoch),
            subsidy_claims: claims_pda(&market, tree.epoch, row.index / SUBSIDY_CHUNK_BITS),
            token_mint,
            ignition_vault: vault_pda(&market),
            owner_token_account: to,
            token_program: TOKEN_PROGRAM,
            system_program: SYSTEM,
        },
        ix::ClaimSubsidy {
            epoch: tree.epoch,
            index: row.index,
            amount: row.amount,
            proof: tree.proof(row),
        },
    )
}

/// Builds the scenario and one honest transaction per instruction, in `lib.rs` order.
async fn scenario() -> (Arena, Vec<Case>) {
    let (price_kp, subsidy_kp) = (
        svm_harness::keypair("price authority"),
        svm_harness::keypair("subsidy authority"),
    );
    let (price_key, subsidy_key) = (price_kp.pubkey(), subsidy_kp.pubkey());
    let EscrowMarket {
        s,
        treasury: treasury_kp,
        supplier_owner: owner1_kp,
        supplier: s1,
        customer: customer_kp,
        customer_ata,
        supplier_ata: owner1_ata,
        treasury_ata,
    } = EscrowMarket::with_args(|_, treasury| {
        let mut args = default_args(treasury);
        args.price_authority = price_key;
        args.subsidy_authority = subsidy_key;
        args
    })
    .await;
    let Setup {
        chain,
        creator: creator_kp,
        market: market_a,
        stable_mint,
        token_mint,
        mint_authority,
    } = s;
    let mut w = Arena {
        chain,
        keys: HashMap::new(),
        wallets: Vec::new(),
        order: Vec::new(),
        labels: HashMap::new(),
        snapshot: HashMap::new(),
        seeds: HashMap::new(),
        unused: Pubkey::new_unique(),
        unknown_program: Pubkey::new_unique(),
        market_errors: market_error_names(),
    };
    for (program, name) in PROGRAMS.iter().zip([
        "system program",
        "SPL Token",
        "Token-2022",
        "compute-market",
        "associated-token program",
    ]) {
        w.labels.insert(*program, name.into());
    }
    let (unused, unknown) = (w.unused, w.unknown_program);
    w.labels.insert(unused, "unused address".into());
    w.labels.insert(unknown, "an unknown program".into());

    // wallets
    let creator_a = w.wallet(creator_kp, "creatorA");
    let treasury_a = w.wallet(treasury_kp, "treasuryA");
    let price_a = w.wallet(price_kp, "priceA");
    let subsidy_a = w.wallet(subsidy_kp, "subsidyA");
    let owner1 = w.wallet(owner1_kp, "owner1");
    let cust = w.wallet(customer_kp, "customer");
    let heir = w.wallet(svm_harness::keypair("heir"), "heir");
    let owner2 = w.wallet(svm_harness::keypair("owner2"), "owner2");
    let attacker = w.wallet(svm_harness::keypair("attacker"), "attacker");
    let creator_c = w.wallet(svm_harness::keypair("creatorC"), "creatorC");
    let newcomer = w.wallet(svm_harness::keypair("newcomer"), "newcomer");
    let swap_maker = w.wallet(svm_harness::keypair("maker"), "maker");
    let swap_recipient = w.wallet(svm_harness::keypair("recipient"), "recipient");
    let stranger = w.wallet(svm_harness::keypair("stranger"), "stranger");
    let payer = w.chain.payer().pubkey();
    let airdrops: Vec<Instruction> = [
        treasury_a,
        price_a,
        subsidy_a,
        heir,
        owner2,
        attacker,
        creator_c,
        newcomer,
        swap_maker,
        swap_recipient,
        stranger,
    ]
    .iter()
    .map(|to| solana_system_interface::instruction::transfer(&payer, to, 10_000_000_000))
    .collect();
    w.chain.send(&airdrops, &[]).await.expect("airdrops");

    // mints and token accounts
    let stable = w.add(stable_mint, "stable mint");
    let token = w.add(token_mint, "token mint");
    let swap_mint = w
        .chain
        .create_mint(&mint_authority.pubkey(), DECIMALS)
        .await;
    w.add(swap_mint, "swap mint");
    let cust_stable = w.add(customer_ata[0], "customer/stable");
    let cust_token = w.add(customer_ata[1], "customer/token");
    let owner1_stable = w.add(owner1_ata[0], "owner1/stable");
    let owner1_token = w.add(owner1_ata[1], "owner1/token");
    let treasury_stable = w.add(treasury_ata[0], "treasuryA/stable");
    w.add(treasury_ata[1], "treasuryA/token");
    let creator_a_token = w.token_account(token, creator_a, "creatorA/token").await;
    let owner2_token = w.token_account(token, owner2, "owner2/token").await;
    let attacker_stable = w.token_account(stable, attacker, "attacker/stable").await;
    let attacker_token = w.token_account(token, attacker, "attacker/token").await;
    let attacker_swap = w.token_account(swap_mint, attacker, "attacker/swap").await;
    let maker_swap = w.token_account(swap_mint, swap_maker, "maker/swap").await;
    let recipient_swap = w
        .token_account(swap_mint, swap_recipient, "recipient/swap")
        .await;
    for (mint, to, amount) in [
        (token, creator_a_token, FUNDED + TOKEN),
        (stable, attacker_stable, 10_000 * USDC),
        (token, attacker_token, FUNDED),
        (swap_mint, attacker_swap, 10 * SWAP_AMOUNT),
        (swap_mint, maker_swap, 10 * SWAP_AMOUNT),
    ] {
        w.chain.mint_to(&mint, &mint_authority, &to, amount).await;
    }

    // market A: the pending authority, a funded ignition vault, a second supplier
    let update_a = acc::UpdateConfig {
        authority: creator_a,
        market: market_a,
    };
    let propose = program_ix(
        update_a,
        ix::TransferAuthority {
            new_authority: heir,
        },
    );
    let ignition = init_ignition_vault_ix(creator_a, market_a, token);
    let fund = fund_ignition_ix(creator_a, market_a, token, creator_a_token);
    let s2_register = register_supplier_ix(&owner2, &market_a);
    for i in [propose, ignition, fund, s2_register] {
        w.send(&[i]).await.expect("market A");
    }
    let s2 = supplier_pda(&market_a, &owner2);

    // market B, the attacker's, with the same mints; market C, bare
    let market_b = market_pda(&attacker);
    let market_c = market_pda(&creator_c);
    for i in [
        initialize_ix(&attacker, &stable, &token, default_args(attacker)),
        init_escrow_vault_ix(&attacker, &market_b, &stable),
        init_escrow_vault_ix(&attacker, &market_b, &token),
        init_ignition_vault_ix(attacker, market_b, token),
        fund_ignition_ix(attacker, market_b, token, attacker_token),
        register_supplier_ix(&attacker, &market_b),
        initialize_ix(&creator_c, &stable, &token, default_args(creator_c)),
    ] {
        w.send(&[i]).await.expect("markets B and C");
    }
    let sb = supplier_pda(&market_b, &attacker);

    // subsidy epochs 0 of A (two leaves, declared over two bitmap chunks) and of B
    let e0_tree = EpochTree::new(
        market_a,
        0,
        vec![
            Row {
                index: 0,
                supplier: s1,
                amount: 10 * TOKEN,
            },
            Row {
                index: 1,
                supplier: s2,
                amount: 20 * TOKEN,
            },
        ],
    );
    let eb_tree = EpochTree::new(
        market_b,
        0,
        vec![Row {
            index: 0,
            supplier: sb,
            amount: 10 * TOKEN,
        }],
    );
    let post_a = post_epoch_ix(subsidy_a, market_a, &e0_tree, SUBSIDY_CHUNK_BITS + 1);
    let post_b = post_epoch_ix(attacker, market_b, &eb_tree, 1);
    w.send(&[post_a, post_b]).await.expect("post epochs");
    let (e0, eb) = (epoch_pda(&market_a, 0), epoch_pda(&market_b, 0));
    let opens_at = w.state::<SubsidyEpoch>(e0).await.opens_at;
    w.chain.set_unix_timestamp(opens_at).await;
    // owner2 claims leaf 1 (creating chunk 0 of A), the attacker its leaf in B
    let claim_2 = claim_ix(owner2, &e0_tree, &e0_tree.rows[1], token, owner2_token);
    let claim_b = claim_ix(attacker, &eb_tree, &eb_tree.rows[0], token, attacker_token);
    w.send(&[claim_2, claim_b]).await.expect("claims");

    // rentals: R1 active and R2 waiting in A (stablecoin, token), RB active in B
    let set_price = program_ix(
        acc::SetTokenPrice {
            price_authority: price_a,
            market: market_a,
        },
        ix::SetTokenPrice {
            token_price: 2_500_000,
        },
    );
    let (r1, r2, rb) = (
        rental_pda(&market_a, &cust, 1),
        rental_pda(&market_a, &cust, 2),
        rental_pda(&market_b, &attacker, 1),
    );
    for i in [
        set_price,
        create_rental_ix(cust, market_a, s1, 1, stable, cust_stable, 10),
        start_rental_ix(owner1, market_a, s1, r1),
        create_rental_ix(cust, market_a, s1, 2, token, cust_token, 3),
        create_rental_ix(attacker, market_b, sb, 1, stable, attacker_stable, 10),
        start_rental_ix(attacker, market_b, sb, rb),
        // swaps: the maker's and the attacker's, both to the recipient, in the swap mint
        lock_swap_ix(swap_maker, 1, swap_mint, maker_swap, swap_recipient),
        lock_swap_ix(attacker, 1, swap_mint, attacker_swap, swap_recipient),
    ] {
        w.send(&[i]).await.expect("rentals and swaps");
    }
    let (swap1, swap_x) = (swap_pda(&swap_maker, 1), swap_pda(&attacker, 1));

    // every program account of the scenario, named
    let escrow_a_stable = escrow_vault(&market_a, &stable);
    let escrow_a_token = escrow_vault(&market_a, &token);
    let ignition_a = vault_pda(&market_a);
    let chunk_a = claims_pda(&market_a, 0, 0);
    for (key, name) in [
        (market_a, "market A"),
        (market_b, "market B"),
        (market_c, "market C"),
        (s1, "supplier S1 (A)"),
        (s2, "supplier S2 (A)"),
        (sb, "supplier SB (B)"),
        (r1, "rental R1 (A, active)"),
        (r2, "rental R2 (A, waiting)"),
        (rb, "rental RB (B, active)"),
        (e0, "epoch 0 (A)"),
        (eb, "epoch 0 (B)"),
        (chunk_a, "chunk 0 (A)"),
        (claims_pda(&market_b, 0, 0), "chunk 0 (B)"),
        (swap1, "swap 1 (maker)"),
        (swap_x, "swap 1 (attacker)"),
        (escrow_a_stable, "escrow vault (A, stable)"),
        (escrow_a_token, "escrow vault (A, token)"),
        (escrow_vault(&market_b, &stable), "escrow vault (B, stable)"),
        (escrow_vault(&market_b, &token), "escrow vault (B, token)"),
        (ignition_a, "ignition vault (A)"),
        (vault_pda(&market_b), "ignition vault (B)"),
        (swap_vault_pda(&swap1), "swap vault (maker)"),
        (swap_vault_pda(&swap_x), "swap vault (attacker)"),
    ] {
        w.add(key, name);
    }

    // the seeds of every PDA, for the non-canonical-bump class
    for creator in [creator_a, attacker, creator_c, newcomer] {
        w.remember(&[MARKET_SEED, creator.as_ref()]);
    }
    for (market, owner) in [
        (market_a, owner1),
        (market_a, owner2),
        (market_b, attacker),
        (market_a, newcomer),
    ] {
        w.remember(&[SUPPLIER_SEED, market.as_ref(), owner.as_ref()]);
    }
    for (market, customer, id) in [
        (market_a, cust, 1u64),
        (market_a, cust, 2),
        (market_a, cust, 3),
        (market_b, attacker, 1),
    ] {
        w.remember(&[
            RENTAL_SEED,
            market.as_ref(),
            customer.as_ref(),
            &id.to_le_bytes(),
        ]);
    }
    for (market, epoch) in [(market_a, 0u64), (market_a, 1), (market_b, 0)] {
        w.remember(&[SUBSIDY_EPOCH_SEED, market.as_ref(), &epoch.to_le_bytes()]);
    }
    for (market, chunk) in [(market_a, 0u32), (market_a, 1), (market_b, 0)] {
        w.remember(&[
            SUBSIDY_CLAIMS_SEED,
            market.as_ref(),
            &0u64.to_le_bytes(),
            &chunk.to_le_bytes(),
        ]);
    }
    for (market, mint) in [
        (market_a, stable),
        (market_a, token),
        (market_b, stable),
        (market_b, token),
        (market_c, stable),
    ] {
        w.remember(&[ESCROW_VAULT_SEED, market.as_ref(), mint.as_ref()]);
    }
    for market in [market_a, market_b, market_c] {
        w.remember(&[IGNITION_VAULT_SEED, market.as_ref()]);
    }
    for (maker, id) in [(swap_maker, 1u64), (swap_maker, 2), (attacker, 1)] {
        let swap = w.remember(&[SWAP_SEED, maker.as_ref(), &id.to_le_bytes()]);
        w.remember(&[SWAP_VAULT_SEED, swap.as_ref()]);
    }

    // the clocks of the instructions that wait for a window
    let base = w.chain.clock().await.unix_timestamp;
    let r2_state: Rental = w.state(r2).await;
    let a_state: MarketConfig = w.state(market_a).await;
    let expired = r2_state.created_at + a_state.start_timeout + 1;
    let e0_closes = w.state::<SubsidyEpoch>(e0).await.expires_at;
    let locked_at = w.state::<Swap>(swap1).await.locked_at;
    w.take_snapshot().await;

    let offer = OfferArgs {
        gpu_model: "A100-40GB".into(),
        gpu_count: 2,
        hourly_price: HOURLY,
        min_token_price: 0,
    };
    let refund = |by| {
        accounts!(acc::RefundRental {
            caller: by,
            market: market_a,
            supplier: s1,
            rental: r2,
            customer: cust,
            payment_mint: token,
            customer_token_account: cust_token,
            escrow_vault: escrow_a_token,
            token_program: TOKEN_PROGRAM,
        })
    };
    let update = |by| {
        accounts!(acc::UpdateConfig {
            authority: by,
            market: market_a,
        })
    };
    let cases = vec![
        case(
            "initialize",
            accounts!(acc::Initialize {
                creator: newcomer,
                market: market_pda(&newcomer),
                stable_mint: stable,
                token_mint: token,
                system_program: SYSTEM,
            }),
            ix::Initialize {
                args: default_args(newcomer),
            },
            base,
        ),
        case(
            "update_config",
            update(creator_a),
            ix::UpdateConfig {
                args: UpdateConfigArgs {
                    fee_bps: Some(400),
                    ..Default::default()
                },
            },
            base,
        ),
        case(
            "init_ignition_vault",
            accounts!(acc::InitIgnitionVault {
                authority: creator_c,
                market: market_c,
                token_mint: token,
                ignition_vault: vault_pda(&market_c),
                token_program: TOKEN_PROGRAM,
                system_program: SYSTEM,
            }),
            ix::InitIgnitionVault {},
            base,
        ),
        case(
            "fund_ignition",
            accounts!(acc::FundIgnition {
                funder: creator_a,
                market: market_a,
                token_mint: token,
                funder_token_account: creator_a_token,
                ignition_vault: ignition_a,
                token_program: TOKEN_PROGRAM,
            }),
            ix::FundIgnition { amount: TOKEN },
            base,
        ),
        case(
            "transfer_authority",
            update(creator_a),
            ix::TransferAuthority {
                new_authority: stranger,
            },
            base,
        ),
        case(
            "accept_authority",
            accounts!(acc::AcceptAuthority {
                pending_authority: heir,
                market: market_a,
            }),
            ix::AcceptAuthority {},
            base,
        ),
        case(
            "set_price_authority",
            update(creator_a),
            ix::SetPriceAuthority {
                price_authority: stranger,
            },
            base,
        ),
        case(
            "set_subsidy_authority",
            update(creator_a),
            ix::SetSubsidyAuthority {
                subsidy_authority: stranger,
            },
            base,
        ),
        case(
            "post_subsidy_epoch",
            accounts!(acc::PostSubsidyEpoch {
                subsidy_authority: subsidy_a,
                market: market_a,
                subsidy_epoch: epoch_pda(&market_a, 1),
                system_program: SYSTEM,
            }),
            ix::PostSubsidyEpoch {
                epoch: 1,
                root: [7; 32],
                total: 5 * TOKEN,
                leaf_count: 1,
            },
            base,
        ),
        case(
            "init_subsidy_claims",
            accounts!(acc::InitSubsidyClaims {
                payer: subsidy_a,
                market: market_a,
                subsidy_epoch: e0,
                subsidy_claims: claims_pda(&market_a, 0, 1),
                system_program: SYSTEM,
            }),
            ix::InitSubsidyClaims { epoch: 0, chunk: 1 },
            base,
        ),
        case(
            "claim_subsidy",
            accounts!(acc::ClaimSubsidy {
                owner: owner1,
                market: market_a,
                supplier: s1,
                subsidy_epoch: e0,
                subsidy_claims: chunk_a,
                token_mint: token,
                ignition_vault: ignition_a,
                owner_token_account: owner1_token,
                token_program: TOKEN_PROGRAM,
                system_program: SYSTEM,
            }),
            ix::ClaimSubsidy {
                epoch: 0,
                index: 0,
                amount: e0_tree.rows[0].amount,
                proof: e0_tree.proof(&e0_tree.rows[0]),
            },
            base,
        ),
        case(
            "close_subsidy_epoch",
            accounts!(acc::CloseSubsidyEpoch {
                market: market_a,
                subsidy_epoch: e0,
                payer: subsidy_a,
            }),
            ix::CloseSubsidyEpoch { epoch: 0 },
            e0_closes,
        ),
        case(
            "close_subsidy_claims",
            accounts!(acc::CloseSubsidyClaims {
                market: market_a,
                subsidy_epoch: e0,
                subsidy_claims: chunk_a,
                payer: owner2,
            }),
            ix::CloseSubsidyClaims { epoch: 0, chunk: 0 },
            e0_closes,
        ),
        case(
            "init_escrow_vault",
            accounts!(acc::InitEscrowVault {
                authority: creator_c,
                market: market_c,
                mint: stable,
                escrow_vault: escrow_vault(&market_c, &stable),
                token_program: TOKEN_PROGRAM,
                system_program: SYSTEM,
            }),
            ix::InitEscrowVault {},
            base,
        ),
        case(
            "set_token_price",
            accounts!(acc::SetTokenPrice {
                price_authority: price_a,
                market: market_a,
            }),
            ix::SetTokenPrice {
                token_price: 2_600_000,
            },
            base,
        ),
        case(
            "register_supplier",
            accounts!(acc::RegisterSupplier {
                owner: newcomer,
                market: market_a,
                supplier: supplier_pda(&market_a, &newcomer),
                system_program: SYSTEM,
            }),
            ix::RegisterSupplier { args: offer },
            base,
        ),
        case(
            "update_offer",
            accounts!(acc::UpdateOffer {
                owner: owner1,
                supplier: s1,
            }),
            ix::UpdateOffer {
                args: UpdateOfferArgs {
                    gpu_count: Some(4),
                    ..Default::default()
                },
            },
            base,
        ),
        case(
            "deactivate_supplier",
            accounts!(acc::UpdateOffer {
                owner: owner1,
                supplier: s1,
            }),
            ix::DeactivateSupplier {},
            base,
        ),
        case(
            "create_rental",
            accounts!(acc::CreateRental {
                customer: cust,
                market: market_a,
                supplier: s1,
                rental: rental_pda(&market_a, &cust, 3),
                payment_mint: stable,
                customer_token_account: cust_stable,
                escrow_vault: escrow_a_stable,
                token_program: TOKEN_PROGRAM,
                system_program: SYSTEM,
            }),
            ix::CreateRental {
                args: CreateRentalArgs {
                    rental_id: 3,
                    hours: 2,
                    max_amount: u64::MAX,
                },
            },
            base,
        ),
        case(
            "start_rental",
            accounts!(acc::StartRental {
                owner: owner1,
                market: market_a,
                supplier: s1,
                rental: r2,
            }),
            ix::StartRental {},
            base,
        ),
        case(
            "settle_rental",
            accounts!(acc::SettleRental {
                settler: creator_a,
                market: market_a,
                supplier: s1,
                rental: r1,
                customer: cust,
                payment_mint: stable,
                escrow_vault: escrow_a_stable,
                supplier_token_account: owner1_stable,
                treasury_token_account: treasury_stable,
                customer_token_account: cust_stable,
                token_program: TOKEN_PROGRAM,
            }),
            ix::SettleRental { delivered_hours: 3 },
            base,
        ),
        case("cancel_rental", refund(cust), ix::CancelRental {}, base),
        case(
            "reclaim_expired",
            refund(stranger),
            ix::ReclaimExpired {},
            expired,
        ),
        case(
            "dispute_rental",
            accounts!(acc::DisputeRental {
                customer: cust,
                rental: r1,
                market: market_a,
            }),
            ix::DisputeRental {},
            base,
        ),
        case(
            "lock_swap",
            accounts!(acc::LockSwap {
                maker: swap_maker,
                swap: swap_pda(&swap_maker, 2),
                mint: swap_mint,
                maker_token_account: maker_swap,
                vault: swap_vault_pda(&swap_pda(&swap_maker, 2)),
                token_program: TOKEN_PROGRAM,
                system_program: SYSTEM,
            }),
            ix::LockSwap {
                swap_id: 2,
                recipient: swap_recipient,
                amount: SWAP_AMOUNT,
                hashlock: keccak(&[&secret(2)]),
                timelocks: TIMELOCKS,
                safety_deposit: SWAP_DEPOSIT,
            },
            base,
        ),
        case(
            "withdraw_swap",
            accounts!(acc::WithdrawSwap {
                caller: swap_recipient,
                maker: swap_maker,
                swap: swap1,
                mint: swap_mint,
                vault: swap_vault_pda(&swap1),
                recipient_token_account: recipient_swap,
                token_program: TOKEN_PROGRAM,
            }),
            ix::WithdrawSwap { secret: secret(1) },
            locked_at + i64::from(TIMELOCKS.finality),
        ),
        case(
            "cancel_swap",
            accounts!(acc::CancelSwap {
                caller: swap_maker,
                maker: swap_maker,
                swap: swap1,
                mint: swap_mint,
                vault: swap_vault_pda(&swap1),
                maker_token_account: maker_swap,
                token_program: TOKEN_PROGRAM,
            }),
            ix::CancelSwap {},
            locked_at + i64::from(TIMELOCKS.cancellation),
        ),
    ];
    (w, cases)
}

fn print_matrix(cases: &[Case], report: &Report) {
    let cell = |c: Option<&Cell>| match c {
        None => "-".to_string(),
        Some(c) if c.allowed == 0 => format!("{}/{}", c.tried, c.refused),
        Some(c) => format!("{}/{} +{}", c.tried, c.refused, c.allowed),
    };
    let mut header = format!("{:<22}", "instruction");
    for class in CLASSES {
        header += &format!(" | {:>12}", class.title());
    }
    header += &format!(" | {:>11}", "total");
    println!("\nAccount-validation sweep: substitutions tried/refused per instruction and class");
    println!(
        "1 missing signer, 2 wrong owner, 3 wrong account (same owner, or a forged copy typed \
         as other state), 4 wrong program, 5 duplicate mutable account, 6 extra account, \
         7 non-canonical bump, 8 closed-account revival in one transaction"
    );
    println!("(+n: accepted by design, see ALLOWED in attack_matrix.rs)\n");
    println!("{header}");
    println!("{}", "-".repeat(header.len()));
    let mut totals: BTreeMap<Class, Cell> = BTreeMap::new();
    let mut grand = Cell::default();
    for (i, case) in cases.iter().enumerate() {
        let mut row = format!("{:<22}", case.name);
        let mut sum = Cell::default();
        for class in CLASSES {
            let c = report.cells.get(&(i, class));
            row += &format!(" | {:>12}", cell(c));
            if let Some(c) = c {
                for t in [&mut sum, totals.entry(class).or_default(), &mut grand] {
                    t.tried += c.tried;
                    t.refused += c.refused;
                    t.allowed += c.allowed;
                }
            }
        }
        row += &format!(" | {:>11}", cell(Some(&sum)));
        println!("{row}");
    }
    println!("{}", "-".repeat(header.len()));
    let all = format!("all {}", cases.len());
    let mut row = format!("{all:<22}");
    for class in CLASSES {
        row += &format!(" | {:>12}", cell(totals.get(&class)));
    }
    row += &format!(" | {:>11}", cell(Some(&grand)));
    println!("{row}");
    println!(
        "\n{} substitutions, each simulated; {} of them (the first of each class of each \
         instruction) also sent as signed transactions: same result, nothing they named changed",
        grand.tried, report.real
    );

    println!("\nRefusals by error:");
    for (class, errors) in &report.errors {
        let mut errors: Vec<_> = errors.iter().collect();
        errors.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = errors.iter().map(|(e, n)| format!("{e} {n}")).collect();
        println!("  {}: {}", class.title(), list.join(", "));
    }
    println!("\nAccepted by design:");
    for (entry, hits) in ALLOWED.iter().zip(&report.allowed_hits) {
        println!(
            "  {}.{} <- {} ({}): {hits}; {}",
            entry.ix,
            entry.slot,
            entry.candidate.unwrap_or("any"),
            entry.class.title(),
            entry.why
        );
    }
}

/// Every instruction, every slot, every generic substitution: refused, and nothing changed;
/// then the honest transaction succeeds.
#[tokio::test]
async fn every_substitution_of_every_instruction_is_refused() {
    let (mut arena, cases) = scenario().await;
    let names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    assert_eq!(names, program_instructions(), "one case per instruction");
    assert_eq!(
        arena.market_errors
            [(code(MarketError::UnexpectedRemainingAccounts) - ERROR_CODE_OFFSET) as usize],
        "UnexpectedRemainingAccounts",
        "MarketError names read from errors.rs"
    );
    let mut report = Report {
        allowed_hits: vec![0; ALLOWED.len()],
        ..Default::default()
    };
    for (i, case) in cases.iter().enumerate() {
        arena.sweep(i, case, &mut report).await;
    }
    arena.assert_intact("at the end").await;
    print_matrix(&cases, &report);

    assert!(
        report.findings.is_empty(),
        "substitutions accepted:\n{}",
        report.findings.join("\n")
    );
    for (entry, hits) in ALLOWED.iter().zip(&report.allowed_hits) {
        assert!(
            *hits > 0,
            "ALLOWED entry never matched: {}.{}",
            entry.ix,
            entry.slot
        );
    }
    let extra = &report.errors[&Class::ExtraAccount];
    assert_eq!(
        extra.keys().collect::<Vec<_>>(),
        ["UnexpectedRemainingAccounts"],
        "every handler refuses remaining accounts itself"
    );
}

// ------------------------------------------------------------------ compute units

/// The committed compute-unit snapshot (`cu-snapshot.json` at the repository's root).
const CU_SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../cu-snapshot.json");
/// A rise above the snapshot by more than this fraction fails.
const CU_TOLERANCE: f64 = 0.02;

impl Arena {
    /// Sends `ix` as the honest transaction does and returns the compute units the runtime
    /// charged for it (the program and every CPI it made).
    async fn metered(&mut self, ix: &Instruction) -> u64 {
        let payer = self.chain.payer().insecure_clone();
        let mut signers: Vec<Keypair> = vec![payer.insecure_clone()];
        for meta in ix.accounts.iter().filter(|m| m.is_signer) {
            if !signers.iter().any(|k| k.pubkey() == meta.pubkey) {
                signers.push(self.keys[&meta.pubkey].insecure_clone());
            }
        }
        self.chain.refresh_blockhash().await;
        let refs: Vec<&Keypair> = signers.iter().collect();
        let tx = Transaction::new_signed_with_payer(
            std::slice::from_ref(ix),
            Some(&payer.pubkey()),
            &refs,
            self.chain.ctx.last_blockhash,
        );
        let result = self
            .chain
            .ctx
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
            .expect("the transaction is processed");
        if let Err(err) = result.result {
            panic!("the honest transaction is refused: {err:?}");
        }
        let metadata = result.metadata.expect("metadata");
        if std::env::var_os("CU_LOGS").is_some() {
            // the program's logs, for profiling (sol_log_compute_units lines)
            for line in &metadata.log_messages {
                println!("    {line}");
            }
        }
        metadata.compute_units_consumed
    }
}

/// Compute units of every instruction's honest transaction, on the SBF program (`npm run
/// bench:cu` prints the table). Each runs on the scenario as built (the accounts it touched are
/// put back after it); the scenario's keys are named, not random, so PDA bump searches and with
/// them the figures repeat exactly. Beside them, in the same run: SPL Token's `transfer` and an
/// Anchor instruction that does nothing (`programs/bench-noop`).
///
/// Fails when an instruction costs more than its committed figure in `cu-snapshot.json` by more
/// than 2 %, or more than its budget there (printed only, with `CU_BUDGETS=warn`);
/// `CU_SNAPSHOT=update` rewrites the figures (budgets are kept).
#[tokio::test]
async fn compute_units_of_every_instruction() {
    if svm_harness::native() {
        eprintln!("CM_PROGRAM=native: the program is not metered, no compute units to compare");
        return;
    }
    let (mut arena, cases) = scenario().await;
    let mut measured: Vec<(String, u64)> = Vec::new();
    for case in &cases {
        arena.chain.set_unix_timestamp(case.now).await;
        let units = arena.metered(&case.ix).await;
        let keys: Vec<Pubkey> = case.ix.accounts.iter().map(|m| m.pubkey).collect();
        arena.restore(keys).await;
        measured.push((case.name.to_string(), units));
    }
    arena.assert_intact("after the metered runs").await;

    // references, same chain, same run
    let authority = svm_harness::keypair("bench mint authority");
    let mint = arena.chain.create_mint(&authority.pubkey(), 6).await;
    let from = arena
        .chain
        .create_token_account(&mint, &authority.pubkey())
        .await;
    let to = arena
        .chain
        .create_token_account(&mint, &arena.chain.payer().pubkey())
        .await;
    arena.chain.mint_to(&mint, &authority, &from, 100).await;
    arena
        .keys
        .insert(authority.pubkey(), authority.insecure_clone());
    let transfer =
        spl_token::instruction::transfer(&spl_token::ID, &from, &to, &authority.pubkey(), &[], 1)
            .expect("transfer");
    let spl_transfer = arena.metered(&transfer).await;
    let noop = Instruction {
        program_id: svm_harness::bench_noop_id(),
        accounts: vec![],
        data: bench_noop::instruction::Noop {}.data(),
    };
    let anchor_noop = arena.metered(&noop).await;

    let snapshot: serde_json::Value = std::fs::read_to_string(CU_SNAPSHOT)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| serde_json::json!({ "instructions": {} }));
    let committed = &snapshot["instructions"];
    println!("\nCompute units per instruction (SBF program; npm run bench:cu)");
    println!(
        "{:<24} {:>8} {:>10} {:>8} {:>9} {:>10}",
        "instruction", "CU", "snapshot", "change", "budget", "x no-op"
    );
    let mut failures = Vec::new();
    let mut over_budget = Vec::new();
    for (name, units) in &measured {
        let before = committed[name]["cu"].as_u64();
        let budget = committed[name]["budget"].as_u64();
        let change = before.map_or(String::from("new"), |b| {
            format!("{:+.1} %", (*units as f64 / b as f64 - 1.0) * 100.0)
        });
        println!(
            "{:<24} {:>8} {:>10} {:>8} {:>9} {:>10.1}",
            name,
            units,
            before.map_or(String::from("-"), |b| b.to_string()),
            change,
            budget.map_or(String::from("-"), |b| b.to_string()),
            *units as f64 / anchor_noop as f64
        );
        if let Some(b) = before {
            if *units as f64 > b as f64 * (1.0 + CU_TOLERANCE) {
                failures.push(format!(
                    "{name}: {units} CU, {b} in the snapshot (more than +2 %)"
                ));
            }
        } else {
            failures.push(format!("{name}: not in the snapshot (CU_SNAPSHOT=update)"));
        }
        if let Some(b) = budget {
            if *units > b {
                over_budget.push(format!("{name}: {units} CU, over its budget of {b}"));
            }
        }
    }
    println!(
        "{:<24} {:>8}   (reference: SPL Token, SBF)",
        "spl_token transfer", spl_transfer
    );
    println!(
        "{:<24} {:>8}   (reference: Anchor, an instruction that does nothing)",
        "anchor no-op", anchor_noop
    );

    // what each account type the program creates costs to hold (rent-exempt minimum)
    use anchor_lang::Space;
    let rent = solana_rent::Rent::default();
    println!("\nAccounts the program creates: size and rent-exempt deposit (default rent)");
    println!(
        "{:<24} {:>8} {:>14} {:>10}",
        "account", "bytes", "lamports", "SOL"
    );
    for (name, bytes) in [
        ("MarketConfig", 8 + MarketConfig::INIT_SPACE),
        ("Supplier", 8 + Supplier::INIT_SPACE),
        ("Rental", 8 + Rental::INIT_SPACE),
        ("SubsidyEpoch", 8 + SubsidyEpoch::INIT_SPACE),
        ("SubsidyClaims", SubsidyClaims::SPACE),
        ("Swap", 8 + Swap::INIT_SPACE),
        (
            "token vault (SPL Token)",
            <spl_token::state::Account as solana_program_pack::Pack>::LEN,
        ),
        // the program itself, deployed with the upgradeable loader: its program-data account
        // holds a 45-byte header and the ELF (at its own length; `solana program deploy
        // --max-len` may reserve more for later upgrades), the program account 36 bytes
        (
            "program data (the .so)",
            45 + svm_harness::sbf_elf("compute_market").len(),
        ),
        ("program account", 36),
    ] {
        let lamports = rent.minimum_balance(bytes);
        println!(
            "{:<24} {:>8} {:>14} {:>10.6}",
            name,
            bytes,
            lamports,
            lamports as f64 / 1e9
        );
    }

    if std::env::var("CU_SNAPSHOT").as_deref() == Ok("update") {
        let mut instructions = serde_json::Map::new();
        for (name, units) in &measured {
            let mut entry = serde_json::Map::new();
            entry.insert("cu".into(), (*units).into());
            if let Some(b) = committed[name]["budget"].as_u64() {
                entry.insert("budget".into(), b.into());
            }
            instructions.insert(name.clone(), entry.into());
        }
        let out = serde_json::json!({
            "$comment": "Compute units of each instruction's honest transaction on the SBF program (crates/svm-harness/tests/attack_matrix.rs, compute_units_of_every_instruction). npm test fails on a rise above `cu` by more than 2 % or above `budget`; CU_SNAPSHOT=update npm run bench:cu rewrites `cu` (budgets are kept).",
            "references": { "spl_token_transfer": spl_transfer, "anchor_noop": anchor_noop },
            "instructions": instructions,
        });
        std::fs::write(
            CU_SNAPSHOT,
            serde_json::to_string_pretty(&out).unwrap() + "\n",
        )
        .expect("write the snapshot");
        println!("wrote {CU_SNAPSHOT}");
        failures.clear();
    }
    // Budgets are targets set by the issue that asked for them; CU_BUDGETS=warn (npm test, while
    // one is not met: README "Compute units") prints the misses instead of failing on them.
    for miss in &over_budget {
        println!("BUDGET MISSED: {miss}");
    }
    if std::env::var("CU_BUDGETS").as_deref() != Ok("warn") {
        failures.extend(over_budget);
    }
    assert!(
        failures.is_empty(),
        "compute units:\n{}",
        failures.join("\n")
    );
}
