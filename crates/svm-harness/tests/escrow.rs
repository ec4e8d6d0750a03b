//! The rental escrow on agave's runtime: both payment mints, discounts, time windows, and one
//! negative test per constraint. After every step the escrow vaults hold exactly the market's
//! recorded escrow of open rentals.

mod common;

use anchor_lang::{
    prelude::Pubkey, solana_program::instruction::Instruction, AccountDeserialize, Space,
};
use common::{escrow::EscrowMarket, *};
use compute_market::{
    accounts as acc,
    constants::*,
    errors::MarketError,
    instruction as ix,
    instructions::{CreateRentalArgs, UpdateConfigArgs, UpdateOfferArgs},
    state::{MarketConfig, Rental, RentalState, Supplier},
};
use solana_keypair::Keypair;
use solana_signer::Signer;

const TOKEN_PRICE: u64 = 2_500_000; // 1 token = 2.5 USDC

/// The escrow fixture of `common::escrow`, its price authority the market creator, with the
/// token priced at `TOKEN_PRICE`.
type Market = EscrowMarket;

impl Market {
    async fn new() -> Self {
        let mut m = Self::with_args(|s, treasury| {
            let mut args = default_args(treasury);
            args.price_authority = s.creator.pubkey();
            args
        })
        .await;
        m.set_price(TOKEN_PRICE).await.expect("price");
        m
    }

    async fn set_price(
        &mut self,
        price: u64,
    ) -> Result<(), svm_harness::solana_program_test::BanksClientError> {
        let i = program_ix(
            acc::SetTokenPrice {
                price_authority: self.s.creator.pubkey(),
                market: self.s.market,
            },
            ix::SetTokenPrice { token_price: price },
        );
        self.s.chain.send(&[i], &[&self.s.creator]).await
    }

    fn create_ix(
        &self,
        customer: &Pubkey,
        mint_index: usize,
        id: u64,
        hours: u32,
        max_amount: u64,
    ) -> Instruction {
        let mint = self.mints()[mint_index];
        program_ix(
            acc::CreateRental {
                customer: *customer,
                market: self.s.market,
                supplier: self.supplier,
                rental: rental_pda(&self.s.market, customer, id),
                payment_mint: mint,
                customer_token_account: self.customer_ata[mint_index],
                escrow_vault: escrow_vault(&self.s.market, &mint),
                token_program: anchor_spl::token::ID,
                system_program: anchor_lang::system_program::ID,
            },
            ix::CreateRental {
                args: CreateRentalArgs {
                    rental_id: id,
                    hours,
                    max_amount,
                },
            },
        )
    }

    async fn create(&mut self, mint_index: usize, id: u64, hours: u32) -> Pubkey {
        let i = self.create_ix(&self.customer.pubkey(), mint_index, id, hours, u64::MAX);
        let customer = self.customer.insecure_clone();
        self.s
            .chain
            .send(&[i], &[&customer])
            .await
            .expect("create rental");
        rental_pda(&self.s.market, &self.customer.pubkey(), id)
    }

    fn start_ix(&self, owner: &Pubkey, rental: Pubkey) -> Instruction {
        program_ix(
            acc::StartRental {
                owner: *owner,
                market: self.s.market,
                supplier: self.supplier,
                rental,
            },
            ix::StartRental {},
        )
    }

    /// The supplier's owner starts `rental`.
    async fn start(&mut self, rental: Pubkey) {
        let owner = self.supplier_owner.insecure_clone();
        let i = self.start_ix(&owner.pubkey(), rental);
        self.s
            .chain
            .send(&[i], &[&owner])
            .await
            .expect("start rental");
    }

    fn refund_accounts(
        &self,
        caller: &Pubkey,
        rental: Pubkey,
        mint_index: usize,
    ) -> acc::RefundRental {
        let mint = self.mints()[mint_index];
        acc::RefundRental {
            caller: *caller,
            market: self.s.market,
            supplier: self.supplier,
            rental,
            customer: self.customer.pubkey(),
            payment_mint: mint,
            customer_token_account: self.customer_ata[mint_index],
            escrow_vault: escrow_vault(&self.s.market, &mint),
            token_program: anchor_spl::token::ID,
        }
    }

    fn settle_ix(
        &self,
        settler: &Pubkey,
        rental: Pubkey,
        mint_index: usize,
        delivered: u32,
    ) -> Instruction {
        let mint = self.mints()[mint_index];
        program_ix(
            acc::SettleRental {
                settler: *settler,
                market: self.s.market,
                supplier: self.supplier,
                rental,
                customer: self.customer.pubkey(),
                payment_mint: mint,
                escrow_vault: escrow_vault(&self.s.market, &mint),
                supplier_token_account: self.supplier_ata[mint_index],
                treasury_token_account: self.treasury_ata[mint_index],
                customer_token_account: self.customer_ata[mint_index],
                token_program: anchor_spl::token::ID,
            },
            ix::SettleRental {
                delivered_hours: delivered,
            },
        )
    }

    async fn balance(&mut self, account: &Pubkey) -> u64 {
        self.s.chain.token_account(account).await.amount
    }

    async fn rental(&mut self, rental: Pubkey) -> Option<Rental> {
        let account = self
            .s
            .chain
            .ctx
            .banks_client
            .get_account(rental)
            .await
            .unwrap()?;
        Some(Rental::try_deserialize(&mut account.data.as_slice()).unwrap())
    }

    async fn now(&mut self) -> i64 {
        self.s.chain.clock().await.unix_timestamp
    }

    async fn travel(&mut self, seconds: i64) {
        let now = self.now().await;
        self.s.chain.set_unix_timestamp(now + seconds).await;
        self.s.chain.refresh_blockhash().await;
    }

    /// Vault balance == sum of open rentals' escrow, for both mints.
    async fn assert_solvent(&mut self) {
        let m = market_state(&mut self.s.chain.ctx, self.s.market).await;
        let (sm, tm, mk) = (self.s.stable_mint, self.s.token_mint, self.s.market);
        assert_eq!(
            self.balance(&escrow_vault(&mk, &sm)).await,
            m.escrowed_stable,
            "stable vault"
        );
        assert_eq!(
            self.balance(&escrow_vault(&mk, &tm)).await,
            m.escrowed_token,
            "token vault"
        );
    }
}

fn market_error(e: MarketError) -> u32 {
    code(e)
}

fn anchor_error(e: anchor_lang::error::ErrorCode) -> u32 {
    e as u32
}

#[tokio::test]
async fn lifecycle_in_stablecoin_full_delivery_settled_by_anyone() {
    let mut m = Market::new().await;
    let rental = m.create(0, 1, 10).await;
    let r = m.rental(rental).await.unwrap();
    // 10 h x 20 USDC = 200 USDC, fee 5 % = 10 USDC
    assert_eq!(
        (r.price, r.fee, r.state),
        (200 * USDC, 10 * USDC, RentalState::Created)
    );
    assert_eq!(
        m.balance(&m.customer_ata[0].clone()).await,
        10_000 * USDC - 210 * USDC
    );
    m.assert_solvent().await;

    m.start(rental).await;
    let r = m.rental(rental).await.unwrap();
    assert_eq!(r.ends_at - r.started_at, 10 * 3_600);

    // error: settling early, by someone other than the authority
    let stranger = Keypair::new();
    m.s.chain.airdrop(&stranger.pubkey(), 1_000_000_000).await;
    let early =
        m.s.chain
            .send(
                &[m.settle_ix(&stranger.pubkey(), rental, 0, 10)],
                &[&stranger],
            )
            .await;
    assert_eq!(
        anchor_code(early.unwrap_err()),
        market_error(MarketError::SettlementNotAllowed)
    );

    m.travel(10 * 3_600 + 86_400).await;
    m.s.chain
        .send(
            &[m.settle_ix(&stranger.pubkey(), rental, 0, 10)],
            &[&stranger],
        )
        .await
        .unwrap();
    assert_eq!(m.balance(&m.supplier_ata[0].clone()).await, 200 * USDC);
    assert_eq!(m.balance(&m.treasury_ata[0].clone()).await, 10 * USDC);
    assert_eq!(
        m.balance(&m.customer_ata[0].clone()).await,
        10_000 * USDC - 210 * USDC
    );
    assert!(m.rental(rental).await.is_none(), "rental closed");
    m.assert_solvent().await;
    let supplier =
        m.s.chain
            .ctx
            .banks_client
            .get_account(m.supplier)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        Supplier::try_deserialize(&mut supplier.data.as_slice())
            .unwrap()
            .open_rentals,
        0
    );

    // error: closed account reuse
    let again =
        m.s.chain
            .send(
                &[m.settle_ix(&m.s.creator.pubkey(), rental, 0, 10)],
                &[&m.s.creator.insecure_clone()],
            )
            .await;
    assert_eq!(
        anchor_code(again.unwrap_err()),
        anchor_error(anchor_lang::error::ErrorCode::AccountNotInitialized)
    );
}

#[tokio::test]
async fn lifecycle_in_token_with_discount_and_partial_usage_report() {
    let mut m = Market::new().await;
    let rental = m.create(1, 7, 10).await;
    let r = m.rental(rental).await.unwrap();
    // price 200 USDC = 80 tokens; fee 10 USDC less 25 % = 7.5 USDC = 3 tokens
    assert_eq!((r.price, r.fee), (80 * TOKEN, 3 * TOKEN));
    m.assert_solvent().await;
    m.start(rental).await;
    // the market authority reports 4 of 10 hours delivered
    let creator = m.s.creator.insecure_clone();
    m.s.chain
        .send(&[m.settle_ix(&creator.pubkey(), rental, 1, 4)], &[&creator])
        .await
        .unwrap();
    assert_eq!(m.balance(&m.supplier_ata[1].clone()).await, 32 * TOKEN);
    assert_eq!(m.balance(&m.treasury_ata[1].clone()).await, 1_200_000_000);
    assert_eq!(
        m.balance(&m.customer_ata[1].clone()).await,
        10_000 * TOKEN - 83 * TOKEN + 49_800_000_000
    );
    m.assert_solvent().await;
}

#[tokio::test]
async fn cancel_before_start_refunds_everything() {
    let mut m = Market::new().await;
    let rental = m.create(0, 2, 3).await;
    let cust = m.customer.insecure_clone();
    // error: someone else's rental
    let intruder = Keypair::new();
    m.s.chain.airdrop(&intruder.pubkey(), 1_000_000_000).await;
    let i = program_ix(
        m.refund_accounts(&intruder.pubkey(), rental, 0),
        ix::CancelRental {},
    );
    let err = m.s.chain.send(&[i], &[&intruder]).await.unwrap_err();
    assert_eq!(anchor_code(err), market_error(MarketError::NotCustomer));
    // error: duplicate accounts (the escrow vault passed as the refund account)
    let mut dup = m.refund_accounts(&cust.pubkey(), rental, 0);
    dup.customer_token_account = dup.escrow_vault;
    let err =
        m.s.chain
            .send(&[program_ix(dup, ix::CancelRental {})], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_error(anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount)
    );
    // error: someone else's token account as the refund account
    let mut wrong = m.refund_accounts(&cust.pubkey(), rental, 0);
    wrong.customer_token_account = m.supplier_ata[0];
    let err =
        m.s.chain
            .send(&[program_ix(wrong, ix::CancelRental {})], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenOwner)
    );

    let i = program_ix(
        m.refund_accounts(&cust.pubkey(), rental, 0),
        ix::CancelRental {},
    );
    m.s.chain.send(&[i], &[&cust]).await.unwrap();
    assert_eq!(m.balance(&m.customer_ata[0].clone()).await, 10_000 * USDC);
    assert!(m.rental(rental).await.is_none());
    m.assert_solvent().await;
}

#[tokio::test]
async fn reclaim_after_the_start_timeout() {
    let mut m = Market::new().await;
    let rental = m.create(0, 3, 2).await;
    let stranger = Keypair::new();
    m.s.chain.airdrop(&stranger.pubkey(), 1_000_000_000).await;
    let reclaim = program_ix(
        m.refund_accounts(&stranger.pubkey(), rental, 0),
        ix::ReclaimExpired {},
    );
    let err =
        m.s.chain
            .send(std::slice::from_ref(&reclaim), &[&stranger])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::StartTimeoutNotReached)
    );
    m.travel(3_601).await;
    // error: the supplier starting too late
    let owner = m.supplier_owner.insecure_clone();
    let err =
        m.s.chain
            .send(&[m.start_ix(&owner.pubkey(), rental)], &[&owner])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::StartTimeoutPassed)
    );
    m.s.chain.send(&[reclaim], &[&stranger]).await.unwrap();
    assert_eq!(m.balance(&m.customer_ata[0].clone()).await, 10_000 * USDC);
    m.assert_solvent().await;
}

#[tokio::test]
async fn dispute_then_authority_resolves() {
    let mut m = Market::new().await;
    let rental = m.create(0, 4, 10).await;
    let (owner, cust, creator) = (
        m.supplier_owner.insecure_clone(),
        m.customer.insecure_clone(),
        m.s.creator.insecure_clone(),
    );
    m.start(rental).await;
    let dispute = program_ix(
        acc::DisputeRental {
            customer: cust.pubkey(),
            rental,
            market: m.s.market,
        },
        ix::DisputeRental {},
    );
    m.s.chain.send(&[dispute], &[&cust]).await.unwrap();
    assert_eq!(m.rental(rental).await.unwrap().state, RentalState::Disputed);
    // error: the permissionless settlement does not apply to a disputed rental
    m.travel(10 * 3_600 + 86_400).await;
    let err =
        m.s.chain
            .send(&[m.settle_ix(&owner.pubkey(), rental, 0, 10)], &[&owner])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::SettlementNotAllowed)
    );
    // error: delivered hours above the hours bought
    let err =
        m.s.chain
            .send(
                &[m.settle_ix(&creator.pubkey(), rental, 0, 11)],
                &[&creator],
            )
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::InvalidDeliveredHours)
    );
    m.s.chain
        .send(&[m.settle_ix(&creator.pubkey(), rental, 0, 5)], &[&creator])
        .await
        .unwrap();
    assert_eq!(m.balance(&m.supplier_ata[0].clone()).await, 100 * USDC);
    assert_eq!(m.balance(&m.treasury_ata[0].clone()).await, 5 * USDC);
    assert_eq!(
        m.balance(&m.customer_ata[0].clone()).await,
        10_000 * USDC - 105 * USDC
    );
    m.assert_solvent().await;
}

#[tokio::test]
async fn error_dispute_after_the_window() {
    let mut m = Market::new().await;
    let rental = m.create(0, 5, 1).await;
    let cust = m.customer.insecure_clone();
    m.start(rental).await;
    m.travel(3_600 + 86_400).await;
    let dispute = program_ix(
        acc::DisputeRental {
            customer: cust.pubkey(),
            rental,
            market: m.s.market,
        },
        ix::DisputeRental {},
    );
    let err = m.s.chain.send(&[dispute], &[&cust]).await.unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::DisputeWindowClosed)
    );
}

#[tokio::test]
async fn error_stale_price_and_slippage() {
    let mut m = Market::new().await;
    let cust = m.customer.insecure_clone();
    // slippage: 83 tokens due, the customer accepts 82.9
    let i = m.create_ix(&cust.pubkey(), 1, 8, 10, 83 * TOKEN - 1);
    let err = m.s.chain.send(&[i], &[&cust]).await.unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::SlippageExceeded)
    );
    let exact = m.create_ix(&cust.pubkey(), 1, 8, 10, 83 * TOKEN);
    m.travel(3_601).await;
    let err =
        m.s.chain
            .send(std::slice::from_ref(&exact), &[&cust])
            .await
            .unwrap_err();
    assert_eq!(anchor_code(err), market_error(MarketError::StalePrice));
    m.set_price(TOKEN_PRICE).await.unwrap();
    m.s.chain.send(&[exact], &[&cust]).await.unwrap();
    m.assert_solvent().await;
}

#[tokio::test]
async fn error_paused_market_refuses_new_rentals_but_refunds_work() {
    let mut m = Market::new().await;
    let rental = m.create(0, 9, 1).await;
    let (creator, cust) = (m.s.creator.insecure_clone(), m.customer.insecure_clone());
    let pause = program_ix(
        acc::UpdateConfig {
            authority: creator.pubkey(),
            market: m.s.market,
        },
        ix::UpdateConfig {
            args: UpdateConfigArgs {
                paused: Some(true),
                ..Default::default()
            },
        },
    );
    m.s.chain.send(&[pause], &[&creator]).await.unwrap();
    let err =
        m.s.chain
            .send(&[m.create_ix(&cust.pubkey(), 0, 10, 1, u64::MAX)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(anchor_code(err), market_error(MarketError::MarketPaused));
    let cancel = program_ix(
        m.refund_accounts(&cust.pubkey(), rental, 0),
        ix::CancelRental {},
    );
    m.s.chain.send(&[cancel], &[&cust]).await.unwrap();
    m.assert_solvent().await;
}

#[tokio::test]
async fn error_wrong_mint_token2022_reinit_signer_and_hours() {
    let mut m = Market::new().await;
    let cust = m.customer.insecure_clone();
    // a mint the market does not accept
    let other = m.s.chain.create_mint(&m.s.mint_authority.pubkey(), 6).await;
    let mut i = m.create_ix(&cust.pubkey(), 0, 11, 1, u64::MAX);
    i.accounts[4].pubkey = other;
    let err = m.s.chain.send(&[i], &[&cust]).await.unwrap_err();
    assert_eq!(anchor_code(err), market_error(MarketError::MintNotAccepted));
    // a Token-2022 mint
    let t22 =
        m.s.chain
            .create_mint_2022(&m.s.mint_authority.pubkey(), 6)
            .await;
    let mut i = m.create_ix(&cust.pubkey(), 0, 12, 1, u64::MAX);
    i.accounts[4].pubkey = t22;
    let err = m.s.chain.send(&[i], &[&cust]).await.unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_error(anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram)
    );
    // zero hours
    let err =
        m.s.chain
            .send(&[m.create_ix(&cust.pubkey(), 0, 13, 0, u64::MAX)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(anchor_code(err), market_error(MarketError::InvalidHours));
    // reinit: the same rental id twice
    let rental = m.create(0, 14, 1).await;
    m.s.chain.refresh_blockhash().await;
    let err =
        m.s.chain
            .send(&[m.create_ix(&cust.pubkey(), 0, 14, 1, u64::MAX)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        0,
        "System program: account already in use"
    );
    // missing signer: someone other than the supplier's owner starts it
    let err =
        m.s.chain
            .send(&[m.start_ix(&cust.pubkey(), rental)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_error(anchor_lang::error::ErrorCode::ConstraintHasOne)
    );
    m.assert_solvent().await;
}

#[tokio::test]
async fn error_inactive_supplier() {
    let mut m = Market::new().await;
    let owner = m.supplier_owner.insecure_clone();
    let deactivate = program_ix(
        acc::UpdateOffer {
            owner: owner.pubkey(),
            supplier: m.supplier,
        },
        ix::DeactivateSupplier {},
    );
    m.s.chain.send(&[deactivate], &[&owner]).await.unwrap();
    let cust = m.customer.insecure_clone();
    let err =
        m.s.chain
            .send(&[m.create_ix(&cust.pubkey(), 0, 1, 1, u64::MAX)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::SupplierInactive)
    );
}

impl Market {
    fn dispute_ix(&self, rental: Pubkey) -> Instruction {
        program_ix(
            acc::DisputeRental {
                customer: self.customer.pubkey(),
                rental,
                market: self.s.market,
            },
            ix::DisputeRental {},
        )
    }

    async fn set_paused(&mut self, paused: bool) {
        let creator = self.s.creator.insecure_clone();
        let i = program_ix(
            acc::UpdateConfig {
                authority: creator.pubkey(),
                market: self.s.market,
            },
            ix::UpdateConfig {
                args: UpdateConfigArgs {
                    paused: Some(paused),
                    ..Default::default()
                },
            },
        );
        self.s.chain.send(&[i], &[&creator]).await.expect("pause");
    }

    async fn supplier_state(&mut self) -> Supplier {
        let account = self
            .s
            .chain
            .ctx
            .banks_client
            .get_account(self.supplier)
            .await
            .unwrap()
            .unwrap();
        Supplier::try_deserialize(&mut account.data.as_slice()).unwrap()
    }

    /// The supplier's owner changes the offer.
    async fn update_offer(&mut self, args: UpdateOfferArgs) {
        let owner = self.supplier_owner.insecure_clone();
        let i = program_ix(
            acc::UpdateOffer {
                owner: owner.pubkey(),
                supplier: self.supplier,
            },
            ix::UpdateOffer { args },
        );
        self.s
            .chain
            .send(&[i], &[&owner])
            .await
            .expect("update offer");
    }
}

#[tokio::test]
async fn finding_18m_ignored_dispute_settles_as_undisputed() {
    let mut m = Market::new().await;
    let rental = m.create(0, 21, 10).await;
    m.start(rental).await;
    let cust = m.customer.insecure_clone();
    // the rental runs in full, then the customer disputes and the authority never answers
    m.travel(10 * 3_600).await;
    m.s.chain
        .send(&[m.dispute_ix(rental)], &[&cust])
        .await
        .unwrap();
    let before = [
        m.balance(&m.customer_ata[0].clone()).await,
        m.balance(&m.supplier_ata[0].clone()).await,
        m.balance(&m.treasury_ata[0].clone()).await,
    ];
    let stranger = Keypair::new();
    m.s.chain.airdrop(&stranger.pubkey(), 1_000_000_000).await;
    // error: before the authority's deadline (end + 2 windows) nobody else may settle it
    m.travel(86_400 + 86_399).await;
    let err =
        m.s.chain
            .send(
                &[m.settle_ix(&stranger.pubkey(), rental, 0, 10)],
                &[&stranger],
            )
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::SettlementNotAllowed)
    );
    m.travel(1).await;
    // error: past the deadline, silence does not refund the customer
    let err =
        m.s.chain
            .send(
                &[m.settle_ix(&stranger.pubkey(), rental, 0, 0)],
                &[&stranger],
            )
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::SettlementNotAllowed)
    );
    // it settles as undisputed: the full delivery to the supplier, the fee to the treasury
    m.s.chain
        .send(
            &[m.settle_ix(&stranger.pubkey(), rental, 0, 10)],
            &[&stranger],
        )
        .await
        .unwrap();
    assert_eq!(
        m.balance(&m.supplier_ata[0].clone()).await,
        before[1] + 200 * USDC
    );
    assert_eq!(
        m.balance(&m.treasury_ata[0].clone()).await,
        before[2] + 10 * USDC
    );
    assert_eq!(m.balance(&m.customer_ata[0].clone()).await, before[0]);
    assert!(m.rental(rental).await.is_none(), "rental closed");
    m.assert_solvent().await;
}

#[tokio::test]
async fn finding_18l_pausing_does_not_expire_waiting_rentals() {
    let mut m = Market::new().await;
    // start timeout 1 h; one rental to start after the pause, one to reclaim later
    let started = m.create(0, 31, 2).await;
    let expiring = m.create(0, 32, 2).await;
    m.travel(1_000).await;
    m.set_paused(true).await;
    m.travel(5_000).await; // paused for longer than the whole timeout
    let (owner, cust) = (
        m.supplier_owner.insecure_clone(),
        m.customer.insecure_clone(),
    );
    let reclaim = |m: &Market, rental| {
        program_ix(
            m.refund_accounts(&cust.pubkey(), rental, 0),
            ix::ReclaimExpired {},
        )
    };
    // error: while paused the supplier cannot start, and the customer cannot reclaim either
    let err =
        m.s.chain
            .send(&[m.start_ix(&owner.pubkey(), started)], &[&owner])
            .await
            .unwrap_err();
    assert_eq!(anchor_code(err), market_error(MarketError::MarketPaused));
    let err =
        m.s.chain
            .send(&[reclaim(&m, started)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::StartTimeoutNotReached)
    );
    m.set_paused(false).await;
    // 6 000 s after creation, 1 000 of them unpaused: the supplier still has 2 600 s
    let err =
        m.s.chain
            .send(&[reclaim(&m, expiring)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::StartTimeoutNotReached)
    );
    m.start(started).await;
    assert_eq!(m.rental(started).await.unwrap().state, RentalState::Active);
    // the deadline moved by the paused time only: 3 600 s of unpaused time in all
    m.travel(2_600).await;
    let err =
        m.s.chain
            .send(&[reclaim(&m, expiring)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::StartTimeoutNotReached)
    );
    m.travel(1).await;
    let err =
        m.s.chain
            .send(&[m.start_ix(&owner.pubkey(), expiring)], &[&owner])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::StartTimeoutPassed)
    );
    m.s.chain
        .send(&[reclaim(&m, expiring)], &[&cust])
        .await
        .unwrap();
    assert!(m.rental(expiring).await.is_none());
    m.assert_solvent().await;
}

#[tokio::test]
async fn finding_18l_a_rental_created_after_a_pause_gets_the_full_timeout_only() {
    let mut m = Market::new().await;
    m.set_paused(true).await;
    m.travel(10_000).await;
    m.set_paused(false).await;
    // earlier paused time does not lengthen the timeout of a rental created afterwards
    let rental = m.create(0, 33, 1).await;
    m.travel(3_601).await;
    let owner = m.supplier_owner.insecure_clone();
    let err =
        m.s.chain
            .send(&[m.start_ix(&owner.pubkey(), rental)], &[&owner])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::StartTimeoutPassed)
    );
}

#[tokio::test]
async fn finding_18l_token_price_updates_are_bounded() {
    let mut m = Market::new().await; // price 2.5 USDC
                                     // error: zero
    let err = m.set_price(0).await.unwrap_err();
    assert_eq!(anchor_code(err), market_error(MarketError::InvalidPrice));
    // error: a move of more than MAX_PRICE_CHANGE_BPS in one update, either way
    let max_move = TOKEN_PRICE * MAX_PRICE_CHANGE_BPS as u64 / MAX_BPS as u64;
    for price in [
        TOKEN_PRICE + max_move + 1,
        TOKEN_PRICE - max_move - 1,
        1,
        u64::MAX,
    ] {
        let err = m.set_price(price).await.unwrap_err();
        assert_eq!(
            anchor_code(err),
            market_error(MarketError::PriceChangeTooLarge),
            "{price}"
        );
    }
    // the bound itself is allowed, and is measured from the last price
    m.set_price(TOKEN_PRICE + max_move).await.unwrap();
    m.s.chain.refresh_blockhash().await; // the same transaction as the first price
    m.set_price(TOKEN_PRICE).await.unwrap();
    m.set_price(TOKEN_PRICE - max_move).await.unwrap();
    let market = market_state(&mut m.s.chain.ctx, m.s.market).await;
    assert_eq!(market.token_price, TOKEN_PRICE - max_move);
}

#[tokio::test]
async fn finding_10l_rental_snapshots_what_was_rented() {
    let mut m = Market::new().await;
    let rental = m.create(0, 41, 3).await;
    m.update_offer(UpdateOfferArgs {
        gpu_count: Some(1),
        hourly_price: Some(1),
        ..Default::default()
    })
    .await;
    let offer = m.supplier_state().await;
    assert_eq!((offer.gpu_count, offer.hourly_price), (1, 1));
    // the rental keeps the offer it was bought at
    let r = m.rental(rental).await.unwrap();
    assert_eq!(
        (r.gpu_model.as_str(), r.gpu_count, r.hourly_price),
        ("H100-80GB", 8, HOURLY)
    );
    assert_eq!(r.price, 3 * HOURLY);
    // the account is exactly its declared space, rent-exempt
    let account =
        m.s.chain
            .ctx
            .banks_client
            .get_account(rental)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(account.data.len(), 8 + Rental::INIT_SPACE);
    let rent = m.s.chain.ctx.banks_client.get_rent().await.unwrap();
    assert_eq!(account.lamports, rent.minimum_balance(account.data.len()));
    // and so are the offer and the market, which grew with this fix and the next ones
    for (address, space) in [
        (m.supplier, 8 + Supplier::INIT_SPACE),
        (m.s.market, 8 + MarketConfig::INIT_SPACE),
    ] {
        let account =
            m.s.chain
                .ctx
                .banks_client
                .get_account(address)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(account.data.len(), space);
        assert_eq!(account.lamports, rent.minimum_balance(space));
    }
}

#[tokio::test]
async fn finding_18l_supplier_sets_a_token_price_floor() {
    let mut m = Market::new().await; // price 2.5 USDC, no floor
    let cust = m.customer.insecure_clone();
    m.update_offer(UpdateOfferArgs {
        min_token_price: Some(TOKEN_PRICE + 1),
        ..Default::default()
    })
    .await;
    assert_eq!(m.supplier_state().await.min_token_price, TOKEN_PRICE + 1);
    // error: paying in the token below the supplier's floor
    let err =
        m.s.chain
            .send(&[m.create_ix(&cust.pubkey(), 1, 51, 1, u64::MAX)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::TokenPriceBelowFloor)
    );
    // the stablecoin is unaffected
    m.create(0, 52, 1).await;
    // at the floor, the token is accepted
    m.update_offer(UpdateOfferArgs {
        min_token_price: Some(TOKEN_PRICE),
        ..Default::default()
    })
    .await;
    m.create(1, 53, 1).await;
    // u64::MAX: the supplier takes no token payment at all
    m.update_offer(UpdateOfferArgs {
        min_token_price: Some(u64::MAX),
        ..Default::default()
    })
    .await;
    let err =
        m.s.chain
            .send(&[m.create_ix(&cust.pubkey(), 1, 54, 1, u64::MAX)], &[&cust])
            .await
            .unwrap_err();
    assert_eq!(
        anchor_code(err),
        market_error(MarketError::TokenPriceBelowFloor)
    );
    m.assert_solvent().await;
}

impl Market {
    /// The escrow of every open rental among `ids`, per mint, read from the chain.
    async fn open_escrow(&mut self, ids: &[u64]) -> [u64; 2] {
        let mut sum = [0u64; 2];
        for &id in ids {
            let address = rental_pda(&self.s.market, &self.customer.pubkey(), id);
            if let Some(r) = self.rental(address).await {
                let i = usize::from(r.payment_mint == self.s.token_mint);
                sum[i] += r.escrowed();
            }
        }
        sum
    }

    async fn payees(&mut self, i: usize) -> [u64; 3] {
        let (s, t, c) = (
            self.supplier_ata[i],
            self.treasury_ata[i],
            self.customer_ata[i],
        );
        [
            self.balance(&s).await,
            self.balance(&t).await,
            self.balance(&c).await,
        ]
    }
}

/// Random sequences of every escrow action (create in either mint, start, dispute, settle by the
/// authority with any delivered hours, settle by anyone, cancel, reclaim, pause, unpause, a new
/// price, time travel), valid or not. After each step: each vault holds exactly the market's
/// counter, and the counter is exactly the escrow of the open rentals (summed over the rental
/// accounts themselves); a rental that closes pays out exactly its escrow, to its three payees
/// only, the supplier and the treasury never more than the rental's price and fee; a refused
/// step moves nothing. (docs/INVARIANTS.md: escrow solvency and rental conservation, Solana.)
#[tokio::test]
async fn random_sequences_keep_the_escrow_solvent_and_conserve_every_rental() {
    let seeds: Vec<u64> = match std::env::var("CM_ESCROW_SEED") {
        Ok(s) => vec![s.parse().expect("CM_ESCROW_SEED is a number")],
        Err(_) => vec![1, 2, 3],
    };
    let steps: usize = std::env::var("CM_ESCROW_STEPS")
        .ok()
        .map_or(60, |s| s.parse().expect("CM_ESCROW_STEPS is a number"));
    let mut closed_by_kind = [0usize; 3]; // settled, cancelled, reclaimed
    for seed in seeds {
        let mut rng = SplitMix(seed);
        let mut m = Market::new().await;
        let (owner, cust, creator) = (
            m.supplier_owner.insecure_clone(),
            m.customer.insecure_clone(),
            m.s.creator.insecure_clone(),
        );
        let stranger = svm_harness::keypair("escrow sequence stranger");
        m.s.chain.airdrop(&stranger.pubkey(), 1_000_000_000).await;
        let mut ids: Vec<u64> = Vec::new();
        let mut paused = false;
        for step in 0..steps {
            let ctx = format!("seed {seed}, step {step} (replay: CM_ESCROW_SEED={seed})");
            // a rental to act on: an existing id (open or closed), or none yet
            let id = if ids.is_empty() {
                0
            } else {
                ids[rng.below(ids.len() as u64) as usize]
            };
            let rental = rental_pda(&m.s.market, &cust.pubkey(), id);
            let before = m.rental(rental).await;
            let i = before
                .as_ref()
                .map_or(0, |r| usize::from(r.payment_mint == m.s.token_mint));
            let paid_before = m.payees(i).await;
            let vaults_before = [
                m.balance(&escrow_vault(&m.s.market, &m.s.stable_mint))
                    .await,
                m.balance(&escrow_vault(&m.s.market, &m.s.token_mint)).await,
            ];
            let action = rng.below(12);
            let result = match action {
                0..=2 => {
                    let id = 100 + step as u64;
                    let mint = rng.below(2) as usize;
                    let hours = 1 + rng.below(48) as u32;
                    let r =
                        m.s.chain
                            .send(
                                &[m.create_ix(&cust.pubkey(), mint, id, hours, u64::MAX)],
                                &[&cust],
                            )
                            .await;
                    if r.is_ok() {
                        ids.push(id);
                    }
                    r
                }
                3 | 4 => {
                    m.s.chain
                        .send(&[m.start_ix(&owner.pubkey(), rental)], &[&owner])
                        .await
                }
                5 => m.s.chain.send(&[m.dispute_ix(rental)], &[&cust]).await,
                6 => {
                    let hours = before.as_ref().map_or(1, |r| r.hours);
                    let delivered = rng.below(u64::from(hours) + 2) as u32; // sometimes too many
                    m.s.chain
                        .send(
                            &[m.settle_ix(&creator.pubkey(), rental, i, delivered)],
                            &[&creator],
                        )
                        .await
                }
                7 => {
                    let hours = before.as_ref().map_or(1, |r| r.hours);
                    m.s.chain
                        .send(
                            &[m.settle_ix(&stranger.pubkey(), rental, i, hours)],
                            &[&stranger],
                        )
                        .await
                }
                8 => {
                    let accounts = m.refund_accounts(&cust.pubkey(), rental, i);
                    m.s.chain
                        .send(&[program_ix(accounts, ix::CancelRental {})], &[&cust])
                        .await
                }
                9 => {
                    let accounts = m.refund_accounts(&stranger.pubkey(), rental, i);
                    m.s.chain
                        .send(&[program_ix(accounts, ix::ReclaimExpired {})], &[&stranger])
                        .await
                }
                10 => {
                    match rng.below(3) {
                        0 => {
                            paused = !paused;
                            m.set_paused(paused).await;
                        }
                        1 => m.set_price(TOKEN_PRICE).await.expect("a fresh price"),
                        _ => {}
                    }
                    Ok(())
                }
                _ => {
                    // minutes to days: windows and timeouts open and close
                    let seconds = [60, 3_600, 86_400, 3 * 86_400][rng.below(4) as usize];
                    m.travel(seconds as i64).await;
                    Ok(())
                }
            };
            let after = m.rental(rental).await;
            let paid_after = m.payees(i).await;
            let vaults_after = [
                m.balance(&escrow_vault(&m.s.market, &m.s.stable_mint))
                    .await,
                m.balance(&escrow_vault(&m.s.market, &m.s.token_mint)).await,
            ];
            match (&before, &after, action) {
                // a rental closed by this step: its escrow went to its payees, exactly
                (Some(r), None, 6..=9) => {
                    assert!(result.is_ok(), "{ctx}: closed by a failed step");
                    let to: Vec<u64> = (0..3).map(|k| paid_after[k] - paid_before[k]).collect();
                    assert_eq!(to.iter().sum::<u64>(), r.escrowed(), "{ctx}: payouts");
                    assert_eq!(
                        vaults_before[i] - vaults_after[i],
                        r.escrowed(),
                        "{ctx}: vault"
                    );
                    assert!(to[0] <= r.price && to[1] <= r.fee, "{ctx}: {to:?} of {r:?}");
                    closed_by_kind[match action {
                        6 | 7 => 0,
                        8 => 1,
                        _ => 2,
                    }] += 1;
                }
                _ if result.is_err() || action >= 10 || (3..=5).contains(&action) => {
                    // nothing paid out (a refused step, or one that moves no tokens)
                    assert_eq!(paid_after, paid_before, "{ctx}: tokens moved");
                    assert_eq!(vaults_after, vaults_before, "{ctx}: vault moved");
                }
                _ => {}
            }
            m.assert_solvent().await;
            let open = m.open_escrow(&ids).await;
            let state = market_state(&mut m.s.chain.ctx, m.s.market).await;
            assert_eq!(
                [state.escrowed_stable, state.escrowed_token],
                open,
                "{ctx}: the counters are the open rentals' escrow"
            );
        }
    }
    // the sequences reach every way a rental closes (a generator that never did would prove
    // nothing about them)
    assert!(
        closed_by_kind.iter().all(|&n| n > 0),
        "settled, cancelled, reclaimed: {closed_by_kind:?}"
    );
}
