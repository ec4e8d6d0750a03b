//! Cross-chain swap escrows (hash time-locked) on agave's runtime: every window's boundary
//! second, the named errors, and after every step (successful or refused) the exact lamport and
//! token movements of every party, the swap account and its vault, which always sum to zero.
//! The transaction fees are paid by the harness's payer, which is no party.

mod common;

use anchor_lang::{
    prelude::Pubkey, solana_program::instruction::Instruction, AccountDeserialize, Discriminator,
    InstructionData, Space, ToAccountMetas,
};
use anchor_spl::{token::spl_token, token_2022::spl_token_2022};
use common::{anchor_code, code, SplitMix};
use compute_market::{
    accounts as acc,
    constants::*,
    errors::MarketError,
    instruction as ix,
    merkle::keccak,
    state::{Swap, SwapTimelocks},
};
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_signer::Signer;
use svm_harness::{solana_program_test::BanksClientError, Chain};

const DECIMALS: u8 = 6;
const AMOUNT: u64 = 1_000 * 1_000_000;
const DEPOSIT: u64 = 10_000_000; // 0.01 SOL
const T: SwapTimelocks = SwapTimelocks {
    finality: 100,
    public_withdrawal: 200,
    cancellation: 300,
    public_cancellation: 400,
};

fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &compute_market::ID).0
}

fn swap_pda(maker: &Pubkey, id: u64) -> Pubkey {
    pda(&[SWAP_SEED, maker.as_ref(), &id.to_le_bytes()])
}

fn vault_pda(swap: &Pubkey) -> Pubkey {
    pda(&[SWAP_VAULT_SEED, swap.as_ref()])
}

fn program_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: compute_market::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

fn secret(n: u8) -> [u8; 32] {
    [n; 32]
}

fn hashlock(n: u8) -> [u8; 32] {
    keccak(&[&secret(n)])
}

fn market_error(e: MarketError) -> u32 {
    code(e)
}

fn anchor_error(e: anchor_lang::error::ErrorCode) -> u32 {
    e as u32
}

/// Lamports and token balances of the parties, the swap account and its vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ledger {
    /// maker, recipient, third party, swap account, vault
    lamports: [i128; 5],
    /// maker's, recipient's, third party's token accounts, vault
    tokens: [i128; 4],
}

const MAKER: usize = 0;
const RECIPIENT: usize = 1;
const THIRD: usize = 2;
const SWAP: usize = 3;
const VAULT: usize = 4;

struct Fx {
    chain: Chain,
    mint_authority: Keypair,
    mint: Pubkey,
    maker: Keypair,
    recipient: Keypair,
    third: Keypair,
    maker_ta: Pubkey,
    recipient_ta: Pubkey,
    third_ta: Pubkey,
    swap_rent: u64,
    vault_rent: u64,
}

impl Fx {
    async fn new() -> Self {
        let mut chain = Chain::start().await;
        let mint_authority = Keypair::new();
        let (maker, recipient, third) = (Keypair::new(), Keypair::new(), Keypair::new());
        for k in [&maker, &recipient, &third] {
            chain.airdrop(&k.pubkey(), 10_000_000_000).await;
        }
        let mint = chain.create_mint(&mint_authority.pubkey(), DECIMALS).await;
        let maker_ta = chain.create_token_account(&mint, &maker.pubkey()).await;
        let recipient_ta = chain.create_token_account(&mint, &recipient.pubkey()).await;
        let third_ta = chain.create_token_account(&mint, &third.pubkey()).await;
        chain
            .mint_to(&mint, &mint_authority, &maker_ta, 10 * AMOUNT)
            .await;
        let rent = chain.ctx.banks_client.get_rent().await.unwrap();
        Fx {
            swap_rent: rent.minimum_balance(Swap::DISCRIMINATOR.len() + Swap::INIT_SPACE),
            vault_rent: rent.minimum_balance(spl_token::state::Account::LEN),
            chain,
            mint_authority,
            mint,
            maker,
            recipient,
            third,
            maker_ta,
            recipient_ta,
            third_ta,
        }
    }

    fn maker_key(&self) -> Pubkey {
        self.maker.pubkey()
    }

    fn lock_ix(
        &self,
        id: u64,
        recipient: Pubkey,
        amount: u64,
        t: SwapTimelocks,
        deposit: u64,
    ) -> Instruction {
        let maker = self.maker_key();
        let swap = swap_pda(&maker, id);
        program_ix(
            acc::LockSwap {
                maker,
                swap,
                mint: self.mint,
                maker_token_account: self.maker_ta,
                vault: vault_pda(&swap),
                token_program: spl_token::ID,
                system_program: anchor_lang::system_program::ID,
            },
            ix::LockSwap {
                swap_id: id,
                recipient,
                amount,
                hashlock: hashlock(id as u8),
                timelocks: t,
                safety_deposit: deposit,
            },
        )
    }

    /// Locks swap `id` (secret `[id; 32]`) for the recipient with the default terms.
    async fn lock(&mut self, id: u64) -> Result<(), BanksClientError> {
        let i = self.lock_ix(id, self.recipient.pubkey(), AMOUNT, T, DEPOSIT);
        let maker = self.maker.insecure_clone();
        self.send(&[i], &[&maker]).await
    }

    fn withdraw_ix(&self, caller: &Pubkey, id: u64, secret: [u8; 32], to: Pubkey) -> Instruction {
        let maker = self.maker_key();
        let swap = swap_pda(&maker, id);
        program_ix(
            acc::WithdrawSwap {
                caller: *caller,
                maker,
                swap,
                mint: self.mint,
                vault: vault_pda(&swap),
                recipient_token_account: to,
                token_program: spl_token::ID,
            },
            ix::WithdrawSwap { secret },
        )
    }

    async fn withdraw(
        &mut self,
        caller: &Keypair,
        id: u64,
        secret: [u8; 32],
    ) -> Result<(), BanksClientError> {
        let i = self.withdraw_ix(&caller.pubkey(), id, secret, self.recipient_ta);
        self.send(&[i], &[caller]).await
    }

    fn cancel_ix(&self, caller: &Pubkey, id: u64, to: Pubkey) -> Instruction {
        let maker = self.maker_key();
        let swap = swap_pda(&maker, id);
        program_ix(
            acc::CancelSwap {
                caller: *caller,
                maker,
                swap,
                mint: self.mint,
                vault: vault_pda(&swap),
                maker_token_account: to,
                token_program: spl_token::ID,
            },
            ix::CancelSwap {},
        )
    }

    async fn cancel(&mut self, caller: &Keypair, id: u64) -> Result<(), BanksClientError> {
        let i = self.cancel_ix(&caller.pubkey(), id, self.maker_ta);
        self.send(&[i], &[caller]).await
    }

    /// Sends with a fresh blockhash, so that repeating a transaction is a new transaction.
    async fn send(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(), BanksClientError> {
        self.chain.refresh_blockhash().await;
        self.chain.send(ixs, signers).await
    }

    async fn account(&mut self, address: Pubkey) -> Option<solana_account::Account> {
        self.chain
            .ctx
            .banks_client
            .get_account(address)
            .await
            .unwrap()
    }

    async fn swap(&mut self, id: u64) -> Option<Swap> {
        let a = self.account(swap_pda(&self.maker_key(), id)).await?;
        Some(Swap::try_deserialize(&mut a.data.as_slice()).unwrap())
    }

    async fn lamports(&mut self, address: Pubkey) -> i128 {
        self.account(address)
            .await
            .map_or(0, |a| i128::from(a.lamports))
    }

    async fn tokens(&mut self, address: Pubkey) -> i128 {
        match self.account(address).await {
            Some(a) => i128::from(spl_token::state::Account::unpack(&a.data).unwrap().amount),
            None => 0,
        }
    }

    async fn ledger(&mut self, id: u64) -> Ledger {
        let swap = swap_pda(&self.maker_key(), id);
        let vault = vault_pda(&swap);
        let keys = [
            self.maker.pubkey(),
            self.recipient.pubkey(),
            self.third.pubkey(),
            swap,
            vault,
        ];
        let mut lamports = [0; 5];
        for (i, k) in keys.iter().enumerate() {
            lamports[i] = self.lamports(*k).await;
        }
        let mut tokens = [0; 4];
        for (i, k) in [self.maker_ta, self.recipient_ta, self.third_ta, vault]
            .iter()
            .enumerate()
        {
            tokens[i] = self.tokens(*k).await;
        }
        Ledger { lamports, tokens }
    }

    /// Moves the clock to `offset` seconds after swap `id`'s lock.
    async fn at(&mut self, id: u64, offset: u32) {
        let locked_at = self.swap(id).await.expect("swap open").locked_at;
        let to = locked_at + i64::from(offset);
        self.chain.set_unix_timestamp(to).await;
        assert_eq!(self.chain.clock().await.unix_timestamp, to);
    }

    /// Lamport moves of a lock (the maker pays both rents and the deposit).
    fn lock_moves(&self) -> [i128; 5] {
        let (s, v, d) = (
            i128::from(self.swap_rent),
            i128::from(self.vault_rent),
            i128::from(DEPOSIT),
        );
        let mut m = [0; 5];
        m[MAKER] = -(s + v + d);
        m[SWAP] = s + d;
        m[VAULT] = v;
        m
    }

    /// Lamport moves of a completed swap whose deposit went to `caller`: both rents to the maker.
    fn close_moves(&self, caller: usize) -> [i128; 5] {
        let (s, v, d) = (
            i128::from(self.swap_rent),
            i128::from(self.vault_rent),
            i128::from(DEPOSIT),
        );
        let mut m = [0; 5];
        m[MAKER] = s + v;
        m[SWAP] = -(s + d);
        m[VAULT] = -v;
        m[caller] += d;
        m
    }
}

const A: i128 = AMOUNT as i128;
const NONE: [i128; 5] = [0; 5];
const NO_TOKENS: [i128; 4] = [0; 4];
const TOKENS_LOCKED: [i128; 4] = [-A, 0, 0, A];
const TOKENS_TO_RECIPIENT: [i128; 4] = [0, A, 0, -A];
const TOKENS_BACK: [i128; 4] = [A, 0, 0, -A];

/// Asserts the exact moves from `before` to `after`, and that lamports and tokens are conserved.
fn assert_moves(before: Ledger, after: Ledger, lamports: [i128; 5], tokens: [i128; 4]) {
    let dl: Vec<i128> = (0..5)
        .map(|i| after.lamports[i] - before.lamports[i])
        .collect();
    let dt: Vec<i128> = (0..4).map(|i| after.tokens[i] - before.tokens[i]).collect();
    assert_eq!(
        dl, lamports,
        "lamport moves (maker, recipient, third, swap, vault)"
    );
    assert_eq!(dt, tokens, "token moves (maker, recipient, third, vault)");
    assert_eq!(dl.iter().sum::<i128>(), 0, "lamports conserved");
    assert_eq!(dt.iter().sum::<i128>(), 0, "tokens conserved");
}

/// Runs `$call`, expects it refused with `$expected`, and that nothing moved.
macro_rules! refuse {
    ($fx:expr, $id:expr, $call:expr, $expected:expr) => {{
        let before = $fx.ledger($id).await;
        let err = $call.expect_err("refused");
        assert_eq!(anchor_code(err), $expected);
        let after = $fx.ledger($id).await;
        assert_moves(before, after, NONE, NO_TOKENS);
    }};
}

#[test]
fn hashlock_is_evm_keccak256_of_the_32_byte_secret() {
    // keccak256(abi.encodePacked(bytes32(0))) as Solidity computes it
    let zero = keccak(&[&[0u8; 32]]);
    let hex: String = zero.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563"
    );
}

#[tokio::test]
async fn happy_path_recipient_withdraws_at_finality_rent_returns_to_the_maker() {
    let mut fx = Fx::new().await;
    let before = fx.ledger(1).await;
    fx.lock(1).await.unwrap();
    let locked = fx.ledger(1).await;
    assert_moves(before, locked, fx.lock_moves(), TOKENS_LOCKED);
    let s = fx.swap(1).await.unwrap();
    assert_eq!(
        (s.maker, s.swap_id, s.recipient, s.mint, s.amount),
        (fx.maker_key(), 1, fx.recipient.pubkey(), fx.mint, AMOUNT)
    );
    assert_eq!(
        (s.hashlock, s.timelocks, s.safety_deposit),
        (hashlock(1), T, DEPOSIT)
    );
    assert_eq!(s.locked_at, fx.chain.clock().await.unix_timestamp);
    // the vault is owned by the swap PDA
    let vault = fx
        .chain
        .token_account(&vault_pda(&swap_pda(&fx.maker_key(), 1)))
        .await;
    assert_eq!(
        (vault.owner, vault.mint, vault.amount),
        (swap_pda(&fx.maker_key(), 1), fx.mint, AMOUNT)
    );

    fx.at(1, T.finality).await;
    let recipient = fx.recipient.insecure_clone();
    fx.withdraw(&recipient, 1, secret(1)).await.unwrap();
    let done = fx.ledger(1).await;
    assert_moves(locked, done, fx.close_moves(RECIPIENT), TOKENS_TO_RECIPIENT);
    // over the whole swap: the maker paid the amount and the deposit, nothing else
    assert_moves(
        before,
        done,
        [-(DEPOSIT as i128), DEPOSIT as i128, 0, 0, 0],
        [-A, A, 0, 0],
    );
    assert!(fx.swap(1).await.is_none(), "the swap account is closed");
    assert!(
        fx.account(vault_pda(&swap_pda(&fx.maker_key(), 1)))
            .await
            .is_none(),
        "the vault is closed"
    );
}

#[tokio::test]
async fn withdraw_windows_on_their_boundary_seconds() {
    let mut fx = Fx::new().await;
    let (recipient, third, maker) = (
        fx.recipient.insecure_clone(),
        fx.third.insecure_clone(),
        fx.maker.insecure_clone(),
    );
    fx.lock(1).await.unwrap();
    // finality lock: refused to everyone, even with the right secret
    fx.at(1, 0).await;
    refuse!(
        fx,
        1,
        fx.withdraw(&recipient, 1, secret(1)).await,
        market_error(MarketError::WithdrawalNotOpen)
    );
    fx.at(1, T.finality - 1).await;
    refuse!(
        fx,
        1,
        fx.withdraw(&recipient, 1, secret(1)).await,
        market_error(MarketError::WithdrawalNotOpen)
    );
    // private withdrawal: the recipient only (not the maker, not a third party)
    fx.at(1, T.finality).await;
    refuse!(
        fx,
        1,
        fx.withdraw(&third, 1, secret(1)).await,
        market_error(MarketError::NotRecipient)
    );
    fx.at(1, T.public_withdrawal - 1).await;
    refuse!(
        fx,
        1,
        fx.withdraw(&third, 1, secret(1)).await,
        market_error(MarketError::NotRecipient)
    );
    refuse!(
        fx,
        1,
        fx.withdraw(&maker, 1, secret(1)).await,
        market_error(MarketError::NotRecipient)
    );
    // public withdrawal from its first second: a third party pushes it through and is paid the
    // deposit; the tokens still go to the recipient
    fx.at(1, T.public_withdrawal).await;
    let before = fx.ledger(1).await;
    fx.withdraw(&third, 1, secret(1)).await.unwrap();
    let after = fx.ledger(1).await;
    assert_moves(before, after, fx.close_moves(THIRD), TOKENS_TO_RECIPIENT);

    // the last second of the public window still withdraws
    fx.lock(2).await.unwrap();
    fx.at(2, T.cancellation - 1).await;
    let before = fx.ledger(2).await;
    fx.withdraw(&third, 2, secret(2)).await.unwrap();
    assert_moves(
        before,
        fx.ledger(2).await,
        fx.close_moves(THIRD),
        TOKENS_TO_RECIPIENT,
    );

    // from the cancellation's first second withdrawal is closed, for everyone, forever
    fx.lock(3).await.unwrap();
    fx.at(3, T.cancellation).await;
    refuse!(
        fx,
        3,
        fx.withdraw(&recipient, 3, secret(3)).await,
        market_error(MarketError::WithdrawalClosed)
    );
    refuse!(
        fx,
        3,
        fx.withdraw(&third, 3, secret(3)).await,
        market_error(MarketError::WithdrawalClosed)
    );
    fx.at(3, T.public_cancellation).await;
    refuse!(
        fx,
        3,
        fx.withdraw(&recipient, 3, secret(3)).await,
        market_error(MarketError::WithdrawalClosed)
    );
    // a clock behind the lock counts as the finality lock
    fx.lock(4).await.unwrap();
    let locked_at = fx.swap(4).await.unwrap().locked_at;
    fx.chain.set_unix_timestamp(locked_at - 1_000).await;
    refuse!(
        fx,
        4,
        fx.withdraw(&recipient, 4, secret(4)).await,
        market_error(MarketError::WithdrawalNotOpen)
    );
}

#[tokio::test]
async fn cancel_windows_on_their_boundary_seconds() {
    let mut fx = Fx::new().await;
    let (recipient, third, maker) = (
        fx.recipient.insecure_clone(),
        fx.third.insecure_clone(),
        fx.maker.insecure_clone(),
    );
    fx.lock(1).await.unwrap();
    // before the cancellation: refused to everyone, the maker included
    for offset in [0, T.finality, T.public_withdrawal, T.cancellation - 1] {
        fx.at(1, offset).await;
        refuse!(
            fx,
            1,
            fx.cancel(&maker, 1).await,
            market_error(MarketError::CancellationNotOpen)
        );
        refuse!(
            fx,
            1,
            fx.cancel(&third, 1).await,
            market_error(MarketError::CancellationNotOpen)
        );
    }
    // private cancellation: the maker only
    fx.at(1, T.cancellation).await;
    refuse!(
        fx,
        1,
        fx.cancel(&third, 1).await,
        market_error(MarketError::NotMaker)
    );
    refuse!(
        fx,
        1,
        fx.cancel(&recipient, 1).await,
        market_error(MarketError::NotMaker)
    );
    let before = fx.ledger(1).await;
    fx.cancel(&maker, 1).await.unwrap();
    let after = fx.ledger(1).await;
    assert_moves(before, after, fx.close_moves(MAKER), TOKENS_BACK);
    assert!(fx.swap(1).await.is_none());

    // the last private second, then the first public one: a third party cancels for the maker
    // and is paid the deposit
    fx.lock(2).await.unwrap();
    fx.at(2, T.public_cancellation - 1).await;
    refuse!(
        fx,
        2,
        fx.cancel(&third, 2).await,
        market_error(MarketError::NotMaker)
    );
    fx.at(2, T.public_cancellation).await;
    let before = fx.ledger(2).await;
    fx.cancel(&third, 2).await.unwrap();
    assert_moves(
        before,
        fx.ledger(2).await,
        fx.close_moves(THIRD),
        TOKENS_BACK,
    );

    // the maker may still cancel in the public window (and keeps its deposit)
    fx.lock(3).await.unwrap();
    fx.at(3, T.public_cancellation + 86_400).await;
    let before = fx.ledger(3).await;
    fx.cancel(&maker, 3).await.unwrap();
    assert_moves(
        before,
        fx.ledger(3).await,
        fx.close_moves(MAKER),
        TOKENS_BACK,
    );
}

#[tokio::test]
async fn wrong_secret_is_refused_in_every_withdrawal_window() {
    let mut fx = Fx::new().await;
    let (recipient, third) = (fx.recipient.insecure_clone(), fx.third.insecure_clone());
    fx.lock(1).await.unwrap();
    fx.at(1, T.finality).await;
    refuse!(
        fx,
        1,
        fx.withdraw(&recipient, 1, secret(2)).await,
        market_error(MarketError::InvalidSecret)
    );
    // the hashlock itself is not the secret
    refuse!(
        fx,
        1,
        fx.withdraw(&recipient, 1, hashlock(1)).await,
        market_error(MarketError::InvalidSecret)
    );
    fx.at(1, T.public_withdrawal).await;
    refuse!(
        fx,
        1,
        fx.withdraw(&third, 1, [0; 32]).await,
        market_error(MarketError::InvalidSecret)
    );
    fx.withdraw(&third, 1, secret(1)).await.unwrap();
}

#[tokio::test]
async fn a_completed_swap_cannot_be_withdrawn_or_cancelled_again() {
    let mut fx = Fx::new().await;
    let (recipient, maker, third) = (
        fx.recipient.insecure_clone(),
        fx.maker.insecure_clone(),
        fx.third.insecure_clone(),
    );
    fx.lock(1).await.unwrap();
    fx.at(1, T.public_withdrawal).await;
    fx.withdraw(&recipient, 1, secret(1)).await.unwrap();
    let closed = anchor_error(anchor_lang::error::ErrorCode::AccountNotInitialized);
    refuse!(fx, 1, fx.withdraw(&recipient, 1, secret(1)).await, closed);
    refuse!(fx, 1, fx.withdraw(&third, 1, secret(1)).await, closed);
    let now = fx.chain.clock().await.unix_timestamp;
    fx.chain
        .set_unix_timestamp(now + i64::from(T.public_cancellation))
        .await;
    refuse!(fx, 1, fx.cancel(&maker, 1).await, closed);

    // and a cancelled one cannot be withdrawn
    fx.lock(2).await.unwrap();
    fx.at(2, T.cancellation).await;
    fx.cancel(&maker, 2).await.unwrap();
    refuse!(fx, 2, fx.withdraw(&recipient, 2, secret(2)).await, closed);
    refuse!(fx, 2, fx.cancel(&maker, 2).await, closed);
}

#[tokio::test]
async fn wrong_accounts_are_refused() {
    let mut fx = Fx::new().await;
    let (recipient, maker, third) = (
        fx.recipient.insecure_clone(),
        fx.maker.insecure_clone(),
        fx.third.insecure_clone(),
    );
    fx.lock(1).await.unwrap();
    let swap = swap_pda(&fx.maker_key(), 1);
    fx.at(1, T.public_withdrawal).await;
    // tokens to an account that is not the recipient's
    let i = fx.withdraw_ix(&third.pubkey(), 1, secret(1), fx.third_ta);
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenOwner)
    );
    // the recipient's account of another mint
    let other = fx
        .chain
        .create_mint(&fx.mint_authority.pubkey(), DECIMALS)
        .await;
    let other_ta = fx
        .chain
        .create_token_account(&other, &recipient.pubkey())
        .await;
    let i = fx.withdraw_ix(&third.pubkey(), 1, secret(1), other_ta);
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenMint)
    );
    // another mint named as the swap's
    let mut i = fx.withdraw_ix(&third.pubkey(), 1, secret(1), other_ta);
    i.accounts[3].pubkey = other;
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintHasOne)
    );
    // someone else named as the maker (who would get the rent)
    let mut i = fx.withdraw_ix(&third.pubkey(), 1, secret(1), fx.recipient_ta);
    i.accounts[1].pubkey = third.pubkey();
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintHasOne)
    );
    // a look-alike vault: a token account of the mint whose authority is the swap PDA
    let fake = fx.chain.create_token_account(&fx.mint, &swap).await;
    let mut i = fx.withdraw_ix(&third.pubkey(), 1, secret(1), fx.recipient_ta);
    i.accounts[4].pubkey = fake;
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintSeeds)
    );
    // the vault passed as the recipient's account
    let i = fx.withdraw_ix(&third.pubkey(), 1, secret(1), vault_pda(&swap));
    let err = fx.send(&[i], &[&third]).await.unwrap_err();
    assert!(
        svm_harness::custom_error_code(&err).is_some(),
        "refused: {err:?}"
    );
    // cancel: tokens back to an account that is not the maker's
    fx.at(1, T.public_cancellation).await;
    let i = fx.cancel_ix(&third.pubkey(), 1, fx.third_ta);
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenOwner)
    );
    let maker_other_ta = fx.chain.create_token_account(&other, &maker.pubkey()).await;
    let i = fx.cancel_ix(&third.pubkey(), 1, maker_other_ta);
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenMint)
    );
    // the Token-2022 program in place of SPL Token
    let mut i = fx.cancel_ix(&third.pubkey(), 1, fx.maker_ta);
    i.accounts[6].pubkey = spl_token_2022::ID;
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&third]).await,
        anchor_error(anchor_lang::error::ErrorCode::InvalidProgramId)
    );
    // and with the right accounts it goes through
    let before = fx.ledger(1).await;
    fx.cancel(&third, 1).await.unwrap();
    assert_moves(
        before,
        fx.ledger(1).await,
        fx.close_moves(THIRD),
        TOKENS_BACK,
    );
}

#[tokio::test]
async fn lock_validates_its_terms() {
    let mut fx = Fx::new().await;
    let maker = fx.maker.insecure_clone();
    let r = fx.recipient.pubkey();
    let bad = |f: fn(&mut SwapTimelocks)| {
        let mut t = T;
        f(&mut t);
        t
    };
    let cases: Vec<(Instruction, MarketError)> = vec![
        (fx.lock_ix(1, r, 0, T, DEPOSIT), MarketError::InvalidAmount),
        (
            fx.lock_ix(1, r, AMOUNT, T, 0),
            MarketError::InvalidSafetyDeposit,
        ),
        (
            fx.lock_ix(1, Pubkey::default(), AMOUNT, T, DEPOSIT),
            MarketError::InvalidRecipient,
        ),
        (
            fx.lock_ix(1, r, AMOUNT, bad(|t| t.finality = 0), DEPOSIT),
            MarketError::InvalidTimelocks,
        ),
        (
            fx.lock_ix(
                1,
                r,
                AMOUNT,
                bad(|t| t.public_withdrawal = t.finality),
                DEPOSIT,
            ),
            MarketError::InvalidTimelocks,
        ),
        (
            fx.lock_ix(
                1,
                r,
                AMOUNT,
                bad(|t| t.cancellation = t.public_withdrawal - 1),
                DEPOSIT,
            ),
            MarketError::InvalidTimelocks,
        ),
        (
            fx.lock_ix(
                1,
                r,
                AMOUNT,
                bad(|t| t.public_cancellation = t.cancellation),
                DEPOSIT,
            ),
            MarketError::InvalidTimelocks,
        ),
        (
            fx.lock_ix(
                1,
                r,
                AMOUNT,
                bad(|t| {
                    t.cancellation = MAX_SWAP_TIMELOCK + 1;
                    t.public_cancellation = MAX_SWAP_TIMELOCK + 2;
                }),
                DEPOSIT,
            ),
            MarketError::InvalidTimelocks,
        ),
        (
            fx.lock_ix(
                1,
                r,
                AMOUNT,
                bad(|t| t.public_cancellation = MAX_SWAP_PUBLIC_CANCELLATION + 1),
                DEPOSIT,
            ),
            MarketError::InvalidTimelocks,
        ),
    ];
    for (i, e) in cases {
        refuse!(fx, 1, fx.send(&[i], &[&maker]).await, market_error(e));
    }
    // the largest timelocks are accepted
    let max = SwapTimelocks {
        finality: MAX_SWAP_TIMELOCK - 2,
        public_withdrawal: MAX_SWAP_TIMELOCK - 1,
        cancellation: MAX_SWAP_TIMELOCK,
        public_cancellation: MAX_SWAP_PUBLIC_CANCELLATION,
    };
    let i = fx.lock_ix(1, r, AMOUNT, max, DEPOSIT);
    let before = fx.ledger(1).await;
    fx.send(&[i], &[&maker]).await.unwrap();
    assert_moves(before, fx.ledger(1).await, fx.lock_moves(), TOKENS_LOCKED);
    // more than the maker holds
    let i = fx.lock_ix(2, r, 100 * AMOUNT, T, DEPOSIT);
    let err = fx.send(&[i], &[&maker]).await.unwrap_err();
    assert_eq!(anchor_code(err), 1, "SPL Token: insufficient funds");
}

#[tokio::test]
async fn token_2022_mints_and_foreign_token_accounts_are_refused_at_lock() {
    let mut fx = Fx::new().await;
    let maker = fx.maker.insecure_clone();
    let r = fx.recipient.pubkey();
    let t22 = fx
        .chain
        .create_mint_2022(&fx.mint_authority.pubkey(), DECIMALS)
        .await;
    let mut i = fx.lock_ix(1, r, AMOUNT, T, DEPOSIT);
    i.accounts[2].pubkey = t22;
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&maker]).await,
        anchor_error(anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram)
    );
    let mut i = fx.lock_ix(1, r, AMOUNT, T, DEPOSIT);
    i.accounts[5].pubkey = spl_token_2022::ID;
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&maker]).await,
        anchor_error(anchor_lang::error::ErrorCode::InvalidProgramId)
    );
    // paying from someone else's account
    let third_ta = fx.third_ta;
    let mut i = fx.lock_ix(1, r, AMOUNT, T, DEPOSIT);
    i.accounts[3].pubkey = third_ta;
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&maker]).await,
        anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenOwner)
    );
    // the maker must sign
    let mut i = fx.lock_ix(1, r, AMOUNT, T, DEPOSIT);
    i.accounts[0].is_signer = false;
    let err = fx.send(&[i], &[]).await.unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_error(anchor_lang::error::ErrorCode::AccountNotSigner)
    );
}

#[tokio::test]
async fn an_open_swap_id_is_never_reused_a_closed_one_may_be() {
    let mut fx = Fx::new().await;
    let (maker, recipient) = (fx.maker.insecure_clone(), fx.recipient.insecure_clone());
    fx.lock(1).await.unwrap();
    let first = fx.swap(1).await.unwrap();
    // same id, other terms: refused while the swap is open
    let i = fx.lock_ix(1, fx.third.pubkey(), 1, T, DEPOSIT);
    refuse!(
        fx,
        1,
        fx.send(&[i], &[&maker]).await,
        market_error(MarketError::SwapExists)
    );
    assert_eq!(fx.swap(1).await.unwrap().recipient, first.recipient);
    // once closed, the id may carry a new swap: it has its own lock time (and, in the tooling,
    // its own hashlock), and the old secret does not open a new hashlock
    fx.at(1, T.finality).await;
    fx.withdraw(&recipient, 1, secret(1)).await.unwrap();
    let mut i = fx.lock_ix(1, recipient.pubkey(), AMOUNT, T, DEPOSIT);
    // (a new secret for the new swap)
    let data = ix::LockSwap {
        swap_id: 1,
        recipient: recipient.pubkey(),
        amount: AMOUNT,
        hashlock: hashlock(9),
        timelocks: T,
        safety_deposit: DEPOSIT,
    };
    i.data = data.data();
    let before = fx.ledger(1).await;
    fx.send(&[i], &[&maker]).await.unwrap();
    assert_moves(before, fx.ledger(1).await, fx.lock_moves(), TOKENS_LOCKED);
    let second = fx.swap(1).await.unwrap();
    assert!(second.locked_at >= first.locked_at + i64::from(T.finality));
    fx.at(1, T.finality).await;
    refuse!(
        fx,
        1,
        fx.withdraw(&recipient, 1, secret(1)).await,
        market_error(MarketError::InvalidSecret)
    );
    fx.withdraw(&recipient, 1, secret(9)).await.unwrap();
}

#[tokio::test]
async fn donations_to_the_vault_or_the_swap_never_block_it() {
    let mut fx = Fx::new().await;
    let (third, maker) = (fx.third.insecure_clone(), fx.maker.insecure_clone());
    fx.lock(1).await.unwrap();
    let swap = swap_pda(&fx.maker_key(), 1);
    // a third party sends one token unit to the vault and lamports to the swap account
    let auth = fx.mint_authority.insecure_clone();
    fx.chain.mint_to(&fx.mint, &auth, &fx.third_ta, 5).await;
    let give = spl_token::instruction::transfer(
        &spl_token::ID,
        &fx.third_ta,
        &vault_pda(&swap),
        &third.pubkey(),
        &[],
        1,
    )
    .unwrap();
    let tip = solana_system_interface::instruction::transfer(&third.pubkey(), &swap, 777);
    fx.send(&[give, tip], &[&third]).await.unwrap();
    fx.at(1, T.cancellation).await;
    let before = fx.ledger(1).await;
    fx.cancel(&maker, 1).await.unwrap();
    let after = fx.ledger(1).await;
    // the vault's whole balance returns, and the swap's extra lamports go with its rent
    let mut moves = fx.close_moves(MAKER);
    moves[MAKER] += 777;
    moves[SWAP] -= 777;
    assert_moves(before, after, moves, [A + 1, 0, 0, -(A + 1)]);
}

/// Several swaps of one maker, open at once, with withdrawals (the recipient or anyone, the right
/// secret or a wrong one) and cancellations (the maker or anyone) at random moments. After every
/// step: no token and no lamport is created or lost among the maker, the recipient, the third
/// party and every swap and vault account (fees are paid by another payer); the recipient holds
/// exactly the amounts of the swaps withdrawn, the vaults exactly those of the open swaps; a swap
/// that closed never pays again. (docs/INVARIANTS.md: swap escrow.)
#[tokio::test]
async fn random_sequences_of_interleaved_swaps_conserve_every_token_and_lamport() {
    let seeds: Vec<u64> = match std::env::var("CM_SWAP_SEED") {
        Ok(s) => vec![s.parse().expect("CM_SWAP_SEED is a number")],
        Err(_) => vec![1, 2, 3],
    };
    let mut outcomes = [0usize; 2]; // withdrawn, cancelled
    for seed in seeds {
        let mut rng = SplitMix(seed);
        let mut fx = Fx::new().await;
        let (maker, recipient, third) = (
            fx.maker.insecure_clone(),
            fx.recipient.insecure_clone(),
            fx.third.insecure_clone(),
        );
        // id -> (amount, open)
        let mut swaps: Vec<(u64, u64, bool)> = Vec::new();
        let mut withdrawn = 0i128;
        let all = |fx: &Fx, swaps: &[(u64, u64, bool)]| {
            let mut keys = vec![fx.maker.pubkey(), fx.recipient.pubkey(), fx.third.pubkey()];
            for (id, _, _) in swaps {
                let swap = swap_pda(&fx.maker_key(), *id);
                keys.extend([swap, vault_pda(&swap)]);
            }
            keys
        };
        let mut lamports_at_start: Option<i128> = None;
        for step in 0..60 {
            let ctx = format!("seed {seed}, step {step} (replay: CM_SWAP_SEED={seed})");
            let action = rng.below(8);
            let pick = (!swaps.is_empty()).then(|| rng.below(swaps.len() as u64) as usize);
            let result = match (action, pick) {
                (0 | 1, _) | (_, None) => {
                    let id = 10 + step as u64;
                    let amount = 1 + rng.below(AMOUNT);
                    let i = fx.lock_ix(id, recipient.pubkey(), amount, T, DEPOSIT);
                    // lamports counted from before the first lock, over every account ever used
                    if lamports_at_start.is_none() {
                        let mut total = 0;
                        for k in all(&fx, &[(id, 0, true)]) {
                            total += fx.lamports(k).await;
                        }
                        lamports_at_start = Some(total);
                    }
                    let r = fx.send(&[i], &[&maker]).await;
                    if r.is_ok() {
                        swaps.push((id, amount, true));
                    }
                    r.map(|_| None)
                }
                (2 | 3, Some(k)) => {
                    let (id, _, _) = swaps[k];
                    let caller = if rng.below(2) == 0 {
                        &recipient
                    } else {
                        &third
                    };
                    let s = if rng.below(4) == 0 {
                        secret(id as u8 + 1)
                    } else {
                        secret(id as u8)
                    };
                    fx.withdraw(caller, id, s).await.map(|_| Some((k, true)))
                }
                (4, Some(k)) => {
                    let (id, _, _) = swaps[k];
                    let caller = if rng.below(2) == 0 { &maker } else { &third };
                    fx.cancel(caller, id).await.map(|_| Some((k, false)))
                }
                _ => {
                    let now = fx.chain.clock().await.unix_timestamp;
                    let by = [30, 100, 150][rng.below(3) as usize];
                    fx.chain.set_unix_timestamp(now + by).await;
                    Ok(None)
                }
            };
            if let Ok(Some((k, withdrew))) = result {
                let (id, amount, open) = swaps[k];
                assert!(open, "{ctx}: swap {id} paid out twice");
                swaps[k].2 = false;
                if withdrew {
                    withdrawn += i128::from(amount);
                    outcomes[0] += 1;
                } else {
                    outcomes[1] += 1;
                }
            }
            // tokens: the recipient has the withdrawn swaps, the vaults the open ones, the maker
            // the rest; nobody else anything
            let open: i128 = swaps.iter().filter(|s| s.2).map(|s| i128::from(s.1)).sum();
            let (m, r, t) = (fx.maker_ta, fx.recipient_ta, fx.third_ta);
            assert_eq!(fx.tokens(r).await, withdrawn, "{ctx}: recipient");
            assert_eq!(fx.tokens(t).await, 0, "{ctx}: third party");
            let mut vaults = 0;
            for (id, amount, is_open) in swaps.clone() {
                let vault = vault_pda(&swap_pda(&fx.maker_key(), id));
                let held = fx.tokens(vault).await;
                assert_eq!(
                    held,
                    if is_open { i128::from(amount) } else { 0 },
                    "{ctx}: vault {id}"
                );
                vaults += held;
            }
            assert_eq!(vaults, open, "{ctx}: vaults");
            assert_eq!(
                fx.tokens(m).await,
                10 * i128::from(AMOUNT) - open - withdrawn,
                "{ctx}: maker"
            );
            if let Some(start) = lamports_at_start {
                let mut total = 0;
                for k in all(&fx, &swaps) {
                    total += fx.lamports(k).await;
                }
                assert_eq!(total, start, "{ctx}: lamports");
            }
        }
    }
    assert!(
        outcomes.iter().all(|&n| n > 0),
        "withdrawn, cancelled: {outcomes:?}"
    );
}
