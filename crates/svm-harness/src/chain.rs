//! A thin convenience layer over `ProgramTestContext` for the Rust runtime tests.

use anchor_lang::{prelude::Pubkey, solana_program::instruction::Instruction};
use anchor_spl::{token::spl_token, token_2022::spl_token_2022};
use solana_clock::Clock;
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_program_test::{BanksClientError, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

use crate::program_test;

pub struct Chain {
    pub ctx: ProgramTestContext,
    /// Keypairs made by this chain so far (mints, token accounts): see [`Chain::next_keypair`].
    made: u64,
}

impl Chain {
    pub async fn start() -> Self {
        Self {
            ctx: crate::start(program_test()).await,
            made: 0,
        }
    }

    /// The chain's next keypair for an account it creates: the same sequence on every run, so
    /// addresses, and with them PDA bumps and compute units, repeat from run to run.
    fn next_keypair(&mut self) -> Keypair {
        self.made += 1;
        crate::keypair(&format!("chain account {}", self.made))
    }

    pub fn payer(&self) -> &Keypair {
        &self.ctx.payer
    }

    pub async fn refresh_blockhash(&mut self) {
        self.ctx.last_blockhash = self
            .ctx
            .get_new_latest_blockhash()
            .await
            .expect("blockhash");
    }

    /// Signs with the payer (fee payer) plus `signers`, sends and waits for the result.
    pub async fn send(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(), BanksClientError> {
        let blockhash = self.ctx.banks_client.get_latest_blockhash().await?;
        // remembered, so that `refresh_blockhash` waits for a newer one: the same instructions sent
        // twice under one blockhash are one transaction (the second is a duplicate, not a retry)
        self.ctx.last_blockhash = blockhash;
        let mut all: Vec<&Keypair> = vec![&self.ctx.payer];
        all.extend(
            signers
                .iter()
                .copied()
                .filter(|k| k.pubkey() != self.ctx.payer.pubkey()),
        );
        let tx = Transaction::new_signed_with_payer(
            instructions,
            Some(&self.ctx.payer.pubkey()),
            &all,
            blockhash,
        );
        self.ctx.banks_client.process_transaction(tx).await
    }

    pub async fn airdrop(&mut self, to: &Pubkey, lamports: u64) {
        let ix =
            solana_system_interface::instruction::transfer(&self.ctx.payer.pubkey(), to, lamports);
        self.send(&[ix], &[]).await.expect("airdrop");
    }

    async fn create_mint_with(
        &mut self,
        program: Pubkey,
        len: usize,
        authority: &Pubkey,
        decimals: u8,
    ) -> Pubkey {
        let mint = self.next_keypair();
        let rent = self.ctx.banks_client.get_rent().await.expect("rent");
        let create = solana_system_interface::instruction::create_account(
            &self.ctx.payer.pubkey(),
            &mint.pubkey(),
            rent.minimum_balance(len),
            len as u64,
            &program,
        );
        let init = if program == spl_token::ID {
            spl_token::instruction::initialize_mint2(
                &program,
                &mint.pubkey(),
                authority,
                None,
                decimals,
            )
        } else {
            spl_token_2022::instruction::initialize_mint2(
                &program,
                &mint.pubkey(),
                authority,
                None,
                decimals,
            )
        }
        .expect("initialize_mint2");
        self.send(&[create, init], &[&mint])
            .await
            .expect("create mint");
        mint.pubkey()
    }

    /// A classic SPL Token mint.
    pub async fn create_mint(&mut self, authority: &Pubkey, decimals: u8) -> Pubkey {
        self.create_mint_with(
            spl_token::ID,
            spl_token::state::Mint::LEN,
            authority,
            decimals,
        )
        .await
    }

    /// A Token-2022 mint without extensions (to prove such mints are refused).
    pub async fn create_mint_2022(&mut self, authority: &Pubkey, decimals: u8) -> Pubkey {
        self.create_mint_with(
            spl_token_2022::ID,
            spl_token::state::Mint::LEN,
            authority,
            decimals,
        )
        .await
    }

    /// A classic SPL Token account (keypair address) for `owner`.
    pub async fn create_token_account(&mut self, mint: &Pubkey, owner: &Pubkey) -> Pubkey {
        let account = self.next_keypair();
        let len = spl_token::state::Account::LEN;
        let rent = self.ctx.banks_client.get_rent().await.expect("rent");
        let create = solana_system_interface::instruction::create_account(
            &self.ctx.payer.pubkey(),
            &account.pubkey(),
            rent.minimum_balance(len),
            len as u64,
            &spl_token::ID,
        );
        let init = spl_token::instruction::initialize_account3(
            &spl_token::ID,
            &account.pubkey(),
            mint,
            owner,
        )
        .expect("initialize_account3");
        self.send(&[create, init], &[&account])
            .await
            .expect("create token account");
        account.pubkey()
    }

    pub async fn mint_to(&mut self, mint: &Pubkey, authority: &Keypair, to: &Pubkey, amount: u64) {
        let ix = spl_token::instruction::mint_to(
            &spl_token::ID,
            mint,
            to,
            &authority.pubkey(),
            &[],
            amount,
        )
        .expect("mint_to");
        self.send(&[ix], &[authority]).await.expect("mint_to");
    }

    pub async fn token_account(&mut self, address: &Pubkey) -> spl_token::state::Account {
        let account = self
            .ctx
            .banks_client
            .get_account(*address)
            .await
            .unwrap()
            .expect("token account exists");
        spl_token::state::Account::unpack(&account.data).expect("token account data")
    }

    pub async fn clock(&mut self) -> Clock {
        self.ctx
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("clock")
    }

    /// Moves the cluster clock to `unix_timestamp` (time travel for expiry and windows).
    pub async fn set_unix_timestamp(&mut self, unix_timestamp: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.ctx.set_sysvar(&clock);
    }
}

/// The `Custom(n)` code of a failed transaction, if it failed with one.
pub fn custom_error_code(err: &BanksClientError) -> Option<u32> {
    match err {
        BanksClientError::TransactionError(TransactionError::InstructionError(_, e))
        | BanksClientError::SimulationError {
            err: TransactionError::InstructionError(_, e),
            ..
        } => match e {
            solana_instruction_error::InstructionError::Custom(code) => Some(*code),
            _ => None,
        },
        _ => None,
    }
}
