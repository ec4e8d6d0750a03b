//! compute-market on agave's runtime: the program runs natively, SPL Token runs as SBF.

mod common;

use anchor_lang::{
    prelude::Pubkey, solana_program::instruction::Instruction, InstructionData, ToAccountMetas,
};
use common::*;
use compute_market::{
    accounts as acc, constants::*, errors::MarketError, instruction as ix,
    instructions::UpdateConfigArgs,
};
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test]
async fn initialize_stores_the_config() {
    let mut s = setup().await;
    let treasury = Pubkey::new_unique();
    let ix = initialize_ix(
        &s.creator.pubkey(),
        &s.stable_mint,
        &s.token_mint,
        default_args(treasury),
    );
    s.chain.send(&[ix], &[&s.creator]).await.unwrap();

    let m = market_state(&mut s.chain.ctx, s.market).await;
    assert_eq!(m.creator, s.creator.pubkey());
    assert_eq!(m.authority, s.creator.pubkey());
    assert_eq!(m.treasury, treasury);
    assert_eq!(m.stable_mint, s.stable_mint);
    assert_eq!(m.token_mint, s.token_mint);
    assert_eq!(
        (m.fee_bps, m.token_discount_bps, m.paused),
        (500, 2_500, false)
    );
}

#[tokio::test]
async fn error_fee_bps_above_10000() {
    let mut s = setup().await;
    let mut args = default_args(Pubkey::new_unique());
    args.fee_bps = 10_001;
    let ix = initialize_ix(&s.creator.pubkey(), &s.stable_mint, &s.token_mint, args);
    let err = s.chain.send(&[ix], &[&s.creator]).await.unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::BpsOutOfRange));
}

#[tokio::test]
async fn error_fee_above_protocol_max() {
    let mut s = setup().await;
    let mut args = default_args(Pubkey::new_unique());
    args.fee_bps = MAX_FEE_BPS + 1;
    let ix = initialize_ix(&s.creator.pubkey(), &s.stable_mint, &s.token_mint, args);
    let err = s.chain.send(&[ix], &[&s.creator]).await.unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::FeeTooHigh));
}

#[tokio::test]
async fn error_discount_bps_above_10000() {
    let mut s = setup().await;
    let mut args = default_args(Pubkey::new_unique());
    args.token_discount_bps = 10_001;
    let ix = initialize_ix(&s.creator.pubkey(), &s.stable_mint, &s.token_mint, args);
    let err = s.chain.send(&[ix], &[&s.creator]).await.unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::BpsOutOfRange));
}

#[tokio::test]
async fn error_same_mint_twice() {
    let mut s = setup().await;
    let ix = initialize_ix(
        &s.creator.pubkey(),
        &s.stable_mint,
        &s.stable_mint,
        default_args(Pubkey::new_unique()),
    );
    let err = s.chain.send(&[ix], &[&s.creator]).await.unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::SameMint));
}

#[tokio::test]
async fn error_reinitialize() {
    let mut s = initialized().await;
    let ix = initialize_ix(
        &s.creator.pubkey(),
        &s.stable_mint,
        &s.token_mint,
        default_args(Pubkey::new_unique()),
    );
    // Same instruction with a fresh blockhash: the `init` constraint's create_account CPI is
    // refused by the System program (SystemError::AccountAlreadyInUse = 0).
    s.chain.refresh_blockhash().await;
    let err = s.chain.send(&[ix], &[&s.creator]).await.unwrap_err();
    assert_eq!(anchor_code(err), 0);
}

#[tokio::test]
async fn error_token_2022_mint_is_refused() {
    let mut s = setup().await;
    let t22 = s
        .chain
        .create_mint_2022(&s.mint_authority.pubkey(), DECIMALS)
        .await;
    let ix = initialize_ix(
        &s.creator.pubkey(),
        &t22,
        &s.token_mint,
        default_args(Pubkey::new_unique()),
    );
    let err = s.chain.send(&[ix], &[&s.creator]).await.unwrap_err();
    // AccountOwnedByWrongProgram
    assert_eq!(
        anchor_code(err),
        anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram as u32
    );
}

#[tokio::test]
async fn error_update_config_wrong_signer() {
    let mut s = initialized().await;
    let intruder = Keypair::new();
    s.chain.airdrop(&intruder.pubkey(), 1_000_000_000).await;
    let ix = Instruction {
        program_id: compute_market::ID,
        accounts: acc::UpdateConfig {
            authority: intruder.pubkey(),
            market: s.market,
        }
        .to_account_metas(None),
        data: ix::UpdateConfig {
            args: UpdateConfigArgs {
                fee_bps: Some(0),
                ..Default::default()
            },
        }
        .data(),
    };
    let err = s.chain.send(&[ix], &[&intruder]).await.unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_lang::error::ErrorCode::ConstraintHasOne as u32
    );
}

#[tokio::test]
async fn update_config_changes_fees_and_pause() {
    let mut s = initialized().await;
    let ix = Instruction {
        program_id: compute_market::ID,
        accounts: acc::UpdateConfig {
            authority: s.creator.pubkey(),
            market: s.market,
        }
        .to_account_metas(None),
        data: ix::UpdateConfig {
            args: UpdateConfigArgs {
                fee_bps: Some(300),
                paused: Some(true),
                ..Default::default()
            },
        }
        .data(),
    };
    s.chain.send(&[ix], &[&s.creator]).await.unwrap();
    let m = market_state(&mut s.chain.ctx, s.market).await;
    assert_eq!(
        (m.fee_bps, m.token_discount_bps, m.paused),
        (300, 2_500, true)
    );
}

fn init_vault_ix(s: &Setup) -> Instruction {
    Instruction {
        program_id: compute_market::ID,
        accounts: acc::InitIgnitionVault {
            authority: s.creator.pubkey(),
            market: s.market,
            token_mint: s.token_mint,
            ignition_vault: vault_pda(&s.market),
            token_program: anchor_spl::token::ID,
            system_program: anchor_lang::system_program::ID,
        }
        .to_account_metas(None),
        data: ix::InitIgnitionVault {}.data(),
    }
}

fn fund_ix(s: &Setup, funder: &Pubkey, from: &Pubkey, amount: u64) -> Instruction {
    Instruction {
        program_id: compute_market::ID,
        accounts: acc::FundIgnition {
            funder: *funder,
            market: s.market,
            token_mint: s.token_mint,
            funder_token_account: *from,
            ignition_vault: vault_pda(&s.market),
            token_program: anchor_spl::token::ID,
        }
        .to_account_metas(None),
        data: ix::FundIgnition { amount }.data(),
    }
}

#[tokio::test]
async fn ignition_vault_is_created_and_funded_through_spl_token() {
    let mut s = initialized().await;
    s.chain
        .send(&[init_vault_ix(&s)], &[&s.creator])
        .await
        .unwrap();
    let vault = vault_pda(&s.market);
    let state = s.chain.token_account(&vault).await;
    assert_eq!(state.mint, s.token_mint);
    assert_eq!(state.owner, s.market);
    assert_eq!(state.amount, 0);

    let funder = Keypair::new();
    s.chain.airdrop(&funder.pubkey(), 1_000_000_000).await;
    let from = s
        .chain
        .create_token_account(&s.token_mint, &funder.pubkey())
        .await;
    s.chain
        .mint_to(&s.token_mint, &s.mint_authority, &from, 5_000)
        .await;

    s.chain
        .send(&[fund_ix(&s, &funder.pubkey(), &from, 1_234)], &[&funder])
        .await
        .unwrap();
    assert_eq!(s.chain.token_account(&vault).await.amount, 1_234);
    assert_eq!(s.chain.token_account(&from).await.amount, 5_000 - 1_234);
    assert_eq!(
        market_state(&mut s.chain.ctx, s.market)
            .await
            .ignition_funded,
        1_234
    );

    // error: more than the funder holds (SPL Token's own InsufficientFunds = 1)
    let err = s
        .chain
        .send(&[fund_ix(&s, &funder.pubkey(), &from, 10_000)], &[&funder])
        .await
        .unwrap_err();
    assert_eq!(anchor_code(err), 1);
    // error: zero amount
    let err = s
        .chain
        .send(&[fund_ix(&s, &funder.pubkey(), &from, 0)], &[&funder])
        .await
        .unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::InvalidAmount));
    assert_eq!(s.chain.token_account(&vault).await.amount, 1_234);
}

#[tokio::test]
async fn error_fund_someone_elses_token_account() {
    let mut s = initialized().await;
    s.chain
        .send(&[init_vault_ix(&s)], &[&s.creator])
        .await
        .unwrap();
    let victim = Keypair::new();
    let victim_account = s
        .chain
        .create_token_account(&s.token_mint, &victim.pubkey())
        .await;
    s.chain
        .mint_to(&s.token_mint, &s.mint_authority, &victim_account, 100)
        .await;
    let thief = Keypair::new();
    s.chain.airdrop(&thief.pubkey(), 1_000_000_000).await;
    let err = s
        .chain
        .send(
            &[fund_ix(&s, &thief.pubkey(), &victim_account, 100)],
            &[&thief],
        )
        .await
        .unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_lang::error::ErrorCode::ConstraintTokenOwner as u32
    );
    assert_eq!(s.chain.token_account(&victim_account).await.amount, 100);
}

#[tokio::test]
async fn error_init_vault_by_non_authority() {
    let mut s = initialized().await;
    let intruder = Keypair::new();
    s.chain.airdrop(&intruder.pubkey(), 1_000_000_000).await;
    let mut ix = init_vault_ix(&s);
    ix.accounts[0].pubkey = intruder.pubkey();
    let err = s.chain.send(&[ix], &[&intruder]).await.unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_lang::error::ErrorCode::ConstraintHasOne as u32
    );
}

fn authority_ix(signer: &Pubkey, market: Pubkey, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: compute_market::ID,
        accounts: acc::UpdateConfig {
            authority: *signer,
            market,
        }
        .to_account_metas(None),
        data: data.data(),
    }
}

#[tokio::test]
async fn authority_moves_in_two_steps_only_to_a_key_that_signs() {
    let mut s = initialized().await;
    let next = Keypair::new();
    s.chain.airdrop(&next.pubkey(), 1_000_000_000).await;
    let creator = s.creator.insecure_clone();
    let propose = authority_ix(
        &creator.pubkey(),
        s.market,
        ix::TransferAuthority {
            new_authority: next.pubkey(),
        },
    );
    s.chain.send(&[propose], &[&creator]).await.unwrap();
    // still the old authority until accepted
    assert_eq!(
        market_state(&mut s.chain.ctx, s.market).await.authority,
        creator.pubkey()
    );

    // error: someone other than the proposed key accepts
    let intruder = Keypair::new();
    s.chain.airdrop(&intruder.pubkey(), 1_000_000_000).await;
    let accept = |who: &Pubkey| Instruction {
        program_id: compute_market::ID,
        accounts: acc::AcceptAuthority {
            pending_authority: *who,
            market: s.market,
        }
        .to_account_metas(None),
        data: ix::AcceptAuthority {}.data(),
    };
    let err = s
        .chain
        .send(&[accept(&intruder.pubkey())], &[&intruder])
        .await
        .unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_lang::error::ErrorCode::ConstraintHasOne as u32
    );

    s.chain
        .send(&[accept(&next.pubkey())], &[&next])
        .await
        .unwrap();
    let m = market_state(&mut s.chain.ctx, s.market).await;
    assert_eq!(
        (m.authority, m.pending_authority),
        (next.pubkey(), Pubkey::default())
    );

    // error: the old authority has lost its powers
    let err = s
        .chain
        .send(
            &[authority_ix(
                &creator.pubkey(),
                s.market,
                ix::SetPriceAuthority {
                    price_authority: creator.pubkey(),
                },
            )],
            &[&creator],
        )
        .await
        .unwrap_err();
    assert_eq!(
        anchor_code(err),
        anchor_lang::error::ErrorCode::ConstraintHasOne as u32
    );
    // the new one rotates the price authority
    let relayer = Pubkey::new_unique();
    s.chain
        .send(
            &[authority_ix(
                &next.pubkey(),
                s.market,
                ix::SetPriceAuthority {
                    price_authority: relayer,
                },
            )],
            &[&next],
        )
        .await
        .unwrap();
    assert_eq!(
        market_state(&mut s.chain.ctx, s.market)
            .await
            .price_authority,
        relayer
    );
    // error: a default price authority
    let err = s
        .chain
        .send(
            &[authority_ix(
                &next.pubkey(),
                s.market,
                ix::SetPriceAuthority {
                    price_authority: Pubkey::default(),
                },
            )],
            &[&next],
        )
        .await
        .unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::InvalidPriceAuthority));
}

/// Initializes a market for a fresh creator on `s`'s chain; the result of the transaction.
async fn try_initialize(
    s: &mut Setup,
    args: compute_market::instructions::InitializeArgs,
) -> Result<(), svm_harness::solana_program_test::BanksClientError> {
    let creator = Keypair::new();
    s.chain.airdrop(&creator.pubkey(), 1_000_000_000).await;
    let ix = initialize_ix(&creator.pubkey(), &s.stable_mint, &s.token_mint, args);
    s.chain.send(&[ix], &[&creator]).await
}

/// Each `(value, expected)` of one initialize field: `None` = accepted, `Some(e)` = refused with `e`.
async fn assert_initialize_bounds(
    s: &mut Setup,
    set: impl Fn(&mut compute_market::instructions::InitializeArgs, i64),
    cases: &[(i64, Option<MarketError>)],
) {
    for &(value, expected) in cases {
        let mut args = default_args(Pubkey::new_unique());
        set(&mut args, value);
        let result = try_initialize(s, args).await;
        match expected {
            None => assert!(result.is_ok(), "{value}: {result:?}"),
            Some(e) => assert_eq!(anchor_code(result.unwrap_err()), code(e), "{value}"),
        }
    }
}

#[tokio::test]
async fn finding_10m_initialize_rejects_negative_dispute_window() {
    let mut s = setup().await;
    use MarketError::InvalidDisputeWindow as E;
    assert_initialize_bounds(
        &mut s,
        |a, v| a.dispute_window = v,
        &[
            (-1, Some(E)),
            (0, Some(E)),
            (MIN_DISPUTE_WINDOW - 1, Some(E)),
            (MIN_DISPUTE_WINDOW, None),
            (MAX_DISPUTE_WINDOW, None),
            (MAX_DISPUTE_WINDOW + 1, Some(E)),
            (i64::MAX, Some(E)),
        ],
    )
    .await;
}

#[tokio::test]
async fn finding_10m_initialize_bounds_the_start_timeout() {
    let mut s = setup().await;
    use MarketError::InvalidStartTimeout as E;
    assert_initialize_bounds(
        &mut s,
        |a, v| a.start_timeout = v,
        &[
            (i64::MIN, Some(E)),
            (0, Some(E)),
            (MIN_START_TIMEOUT - 1, Some(E)),
            (MIN_START_TIMEOUT, None),
            (MAX_START_TIMEOUT, None),
            (MAX_START_TIMEOUT + 1, Some(E)),
        ],
    )
    .await;
}

#[tokio::test]
async fn finding_10m_initialize_bounds_the_price_staleness() {
    let mut s = setup().await;
    use MarketError::InvalidPriceStaleness as E;
    assert_initialize_bounds(
        &mut s,
        |a, v| a.max_price_staleness = v,
        &[
            (-3_600, Some(E)),
            (0, Some(E)),
            (MIN_PRICE_STALENESS - 1, Some(E)),
            (MIN_PRICE_STALENESS, None),
            (MAX_PRICE_STALENESS, None),
            (MAX_PRICE_STALENESS + 1, Some(E)),
        ],
    )
    .await;
}

#[tokio::test]
async fn finding_10m_initialize_and_update_config_bound_fee_and_discount() {
    let mut s = setup().await;
    let fee = |a: &mut compute_market::instructions::InitializeArgs, v: i64| a.fee_bps = v as u16;
    assert_initialize_bounds(
        &mut s,
        fee,
        &[
            (0, None),
            (MAX_FEE_BPS as i64, None),
            (MAX_FEE_BPS as i64 + 1, Some(MarketError::FeeTooHigh)),
        ],
    )
    .await;
    let discount = |a: &mut compute_market::instructions::InitializeArgs, v: i64| {
        a.token_discount_bps = v as u16
    };
    assert_initialize_bounds(
        &mut s,
        discount,
        &[
            (0, None),
            (MAX_BPS as i64, None),
            (MAX_BPS as i64 + 1, Some(MarketError::BpsOutOfRange)),
        ],
    )
    .await;
    // update_config: the same bounds
    let creator = Keypair::new();
    s.chain.airdrop(&creator.pubkey(), 1_000_000_000).await;
    let init = initialize_ix(
        &creator.pubkey(),
        &s.stable_mint,
        &s.token_mint,
        default_args(Pubkey::new_unique()),
    );
    s.chain.send(&[init], &[&creator]).await.unwrap();
    let market = market_pda(&creator.pubkey());
    for (args, expected) in [
        (
            UpdateConfigArgs {
                fee_bps: Some(MAX_FEE_BPS + 1),
                ..Default::default()
            },
            Some(MarketError::FeeTooHigh),
        ),
        (
            UpdateConfigArgs {
                token_discount_bps: Some(MAX_BPS + 1),
                ..Default::default()
            },
            Some(MarketError::BpsOutOfRange),
        ),
        (
            UpdateConfigArgs {
                fee_bps: Some(MAX_FEE_BPS),
                token_discount_bps: Some(MAX_BPS),
                ..Default::default()
            },
            None,
        ),
    ] {
        let result = s
            .chain
            .send(
                &[authority_ix(
                    &creator.pubkey(),
                    market,
                    ix::UpdateConfig { args },
                )],
                &[&creator],
            )
            .await;
        match expected {
            None => result.unwrap(),
            Some(e) => assert_eq!(anchor_code(result.unwrap_err()), code(e)),
        }
    }
}

#[tokio::test]
async fn finding_18l_initialize_rejects_a_default_price_authority() {
    let mut s = setup().await;
    let mut args = default_args(Pubkey::new_unique());
    args.price_authority = Pubkey::default();
    let err = try_initialize(&mut s, args).await.unwrap_err();
    assert_eq!(anchor_code(err), code(MarketError::InvalidPriceAuthority));
}
