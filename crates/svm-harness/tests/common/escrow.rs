//! A market ready for rentals, shared by `escrow.rs`, `attacks.rs` and `attack_matrix.rs`: both
//! escrow vaults, one supplier (the offer of `register_supplier_ix`), a customer holding 10,000
//! of each mint, and token accounts of the customer, the supplier's owner and the treasury in
//! both mints.

use anchor_lang::prelude::Pubkey;
use compute_market::instructions::InitializeArgs;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::{
    init_escrow_vault_ix, initialize_ix, register_supplier_ix, setup, supplier_pda, Setup, TOKEN,
    USDC,
};

pub struct EscrowMarket {
    pub s: Setup,
    pub treasury: Keypair,
    pub supplier_owner: Keypair,
    pub supplier: Pubkey,
    pub customer: Keypair,
    /// [stable, token] accounts of customer, supplier owner, treasury
    pub customer_ata: [Pubkey; 2],
    pub supplier_ata: [Pubkey; 2],
    pub treasury_ata: [Pubkey; 2],
}

impl EscrowMarket {
    pub fn mints(&self) -> [Pubkey; 2] {
        [self.s.stable_mint, self.s.token_mint]
    }

    /// The market, initialized with `args(&setup, treasury)`.
    pub async fn with_args(args: impl FnOnce(&Setup, Pubkey) -> InitializeArgs) -> Self {
        let mut s = setup().await;
        let treasury = svm_harness::keypair("treasury");
        let args = args(&s, treasury.pubkey());
        let init = initialize_ix(&s.creator.pubkey(), &s.stable_mint, &s.token_mint, args);
        s.chain
            .send(&[init], &[&s.creator])
            .await
            .expect("initialize");
        for mint in [s.stable_mint, s.token_mint] {
            let vault = init_escrow_vault_ix(&s.creator.pubkey(), &s.market, &mint);
            s.chain
                .send(&[vault], &[&s.creator])
                .await
                .expect("escrow vault");
        }
        let supplier_owner = svm_harness::keypair("supplier owner");
        let customer = svm_harness::keypair("customer");
        for k in [&supplier_owner, &customer] {
            s.chain.airdrop(&k.pubkey(), 10_000_000_000).await;
        }
        let register = register_supplier_ix(&supplier_owner.pubkey(), &s.market);
        s.chain
            .send(&[register], &[&supplier_owner])
            .await
            .expect("register supplier");
        let mut m = EscrowMarket {
            supplier: supplier_pda(&s.market, &supplier_owner.pubkey()),
            s,
            treasury,
            supplier_owner,
            customer,
            customer_ata: [Pubkey::default(); 2],
            supplier_ata: [Pubkey::default(); 2],
            treasury_ata: [Pubkey::default(); 2],
        };
        for (i, mint) in m.mints().into_iter().enumerate() {
            m.customer_ata[i] =
                m.s.chain
                    .create_token_account(&mint, &m.customer.pubkey())
                    .await;
            m.supplier_ata[i] =
                m.s.chain
                    .create_token_account(&mint, &m.supplier_owner.pubkey())
                    .await;
            m.treasury_ata[i] =
                m.s.chain
                    .create_token_account(&mint, &m.treasury.pubkey())
                    .await;
        }
        let (auth, s0, s1) = (&m.s.mint_authority, m.s.stable_mint, m.s.token_mint);
        m.s.chain
            .mint_to(&s0, auth, &m.customer_ata[0], 10_000 * USDC)
            .await;
        m.s.chain
            .mint_to(&s1, auth, &m.customer_ata[1], 10_000 * TOKEN)
            .await;
        m
    }
}
