use anchor_lang::prelude::*;

use crate::{
    constants::{
        ESCROW_VAULT_SEED, MARKET_SEED, MAX_DISPUTE_WINDOW, MAX_FEE_BPS, MAX_PRICE_CHANGE_BPS,
        MAX_PRICE_STALENESS, MAX_START_TIMEOUT, MAX_SUBSIDY_CLAIM_DELAY, MAX_SUBSIDY_CLAIM_WINDOW,
        MAX_SUBSIDY_PERIOD, MIN_DISPUTE_WINDOW, MIN_PRICE_STALENESS, MIN_START_TIMEOUT,
        MIN_SUBSIDY_CLAIM_DELAY, MIN_SUBSIDY_CLAIM_WINDOW, MIN_SUBSIDY_PERIOD,
    },
    errors::MarketError,
    math::Bps,
};

/// One market: who governs it, where fees go, which mints it accepts.
/// PDA `[MARKET_SEED, creator]`, so nobody can front-run a creator's initialisation.
#[account]
#[derive(InitSpace, Debug)]
pub struct MarketConfig {
    /// Signer of `initialize`; part of the PDA seeds, never changes.
    pub creator: Pubkey,
    /// May update fees, treasury and pause; may create vaults.
    pub authority: Pubkey,
    /// Wallet whose token accounts receive marketplace fees.
    pub treasury: Pubkey,
    /// The stablecoin customers may pay in (SPL Token, not Token-2022).
    pub stable_mint: Pubkey,
    /// The market's own token: paying in it earns the fee discount (SPL Token, not Token-2022).
    pub token_mint: Pubkey,
    /// Marketplace fee on each rental, in bps of the rental price; `<= MAX_FEE_BPS`.
    pub fee_bps: u16,
    /// Share of the fee waived when paying in the market token, in bps of the fee; `<= 10_000`.
    pub token_discount_bps: u16,
    /// While set, new rentals, starts, supplier registrations and ignition funding refuse to run.
    pub paused: bool,
    /// Cumulative market tokens deposited into the ignition vault.
    pub ignition_funded: u64,
    pub bump: u8,
    /// Bump of the ignition vault PDA, 0 until it is created.
    pub ignition_vault_bump: u8,
    /// Sets the market token's price in stablecoin (`set_token_price`).
    pub price_authority: Pubkey,
    /// Stablecoin base units per whole market token (10^decimals base units); 0 = unset.
    pub token_price: u64,
    pub token_price_updated_at: i64,
    /// A price older than this many seconds is refused; within the `*_PRICE_STALENESS` bounds.
    pub max_price_staleness: i64,
    /// Seconds a supplier has to start a rental before the customer may reclaim it, not counting
    /// paused time; within the `*_START_TIMEOUT` bounds.
    pub start_timeout: i64,
    /// Seconds after a rental's end during which the customer may dispute it (and the authority
    /// then has one more window to resolve); within the `*_DISPUTE_WINDOW` bounds.
    pub dispute_window: i64,
    /// Escrow held for open rentals, per mint: always equal to the escrow vault's balance.
    pub escrowed_stable: u64,
    pub escrowed_token: u64,
    /// Proposed by `transfer_authority`, becomes the authority on `accept_authority`.
    pub pending_authority: Pubkey,
    /// When the current pause began; 0 while not paused.
    pub paused_at: i64,
    /// Seconds the market has been paused in all, pauses that have ended only.
    pub paused_seconds: i64,
    /// Posts ignition-subsidy epochs (`post_subsidy_epoch`); never the default key.
    pub subsidy_authority: Pubkey,
    /// The most that may be posted over every subsidy epoch posted within one subsidy period
    /// (a replaced root's old total is freed if it was posted in the same period); `> 0`.
    pub max_subsidy_per_period: u64,
    /// Length in seconds of a subsidy period, counted from `subsidy_period_start`; within the
    /// `*_SUBSIDY_PERIOD` bounds.
    pub subsidy_period: i64,
    /// When the first subsidy period began (the `initialize` time).
    pub subsidy_period_start: i64,
    /// Seconds from posting an epoch to its claims opening (its root may be replaced until
    /// then); within the `*_SUBSIDY_CLAIM_DELAY` bounds.
    pub subsidy_claim_delay: i64,
    /// Seconds an epoch's claims stay open; within the `*_SUBSIDY_CLAIM_WINDOW` bounds.
    pub subsidy_claim_window: i64,
    /// The subsidy period of the last post, and what was posted in it.
    pub subsidy_period_index: u64,
    pub subsidy_posted_in_period: u64,
    /// Lowest epoch number that may be posted as a new epoch: epoch numbers only grow, so a
    /// closed epoch can never be posted again (its claims would be payable twice).
    pub subsidy_next_epoch: u64,
    /// Cumulative subsidies paid out of the ignition vault. The vault holds
    /// `ignition_funded - ignition_paid` (more only if someone sent tokens to it directly).
    pub ignition_paid: u64,
    /// Owed to open subsidy epochs: the sum of their `total - claimed`. Always
    /// `<= ignition_funded - ignition_paid`.
    pub ignition_reserved: u64,
    /// Bumps of the escrow vaults of the stablecoin and of the market token, set by
    /// `init_escrow_vault` (0 until then), so that the rental instructions re-derive a vault's
    /// address with one hash instead of searching its bump (`pda::check`).
    pub stable_vault_bump: u8,
    pub token_vault_bump: u8,
}

impl MarketConfig {
    pub fn signer_seeds(&self) -> [&[u8]; 3] {
        [
            MARKET_SEED,
            self.creator.as_ref(),
            std::slice::from_ref(&self.bump),
        ]
    }

    /// Validates a fee and discount pair against the protocol bounds.
    pub fn check_fees(fee_bps: u16, token_discount_bps: u16) -> Result<(Bps, Bps)> {
        let fee = Bps::new(fee_bps)?;
        require!(fee.get() <= MAX_FEE_BPS, MarketError::FeeTooHigh);
        let discount = Bps::new(token_discount_bps)?;
        Ok((fee, discount))
    }

    /// Validates the time settings against their protocol bounds (`constants.rs`).
    pub fn check_times(
        dispute_window: i64,
        start_timeout: i64,
        max_price_staleness: i64,
    ) -> Result<()> {
        require!(
            (MIN_DISPUTE_WINDOW..=MAX_DISPUTE_WINDOW).contains(&dispute_window),
            MarketError::InvalidDisputeWindow
        );
        require!(
            (MIN_START_TIMEOUT..=MAX_START_TIMEOUT).contains(&start_timeout),
            MarketError::InvalidStartTimeout
        );
        require!(
            (MIN_PRICE_STALENESS..=MAX_PRICE_STALENESS).contains(&max_price_staleness),
            MarketError::InvalidPriceStaleness
        );
        Ok(())
    }

    /// Validates the ignition-subsidy settings against their bounds (`constants.rs`).
    pub fn check_subsidy_settings(
        subsidy_authority: &Pubkey,
        max_subsidy_per_period: u64,
        subsidy_period: i64,
        subsidy_claim_delay: i64,
        subsidy_claim_window: i64,
    ) -> Result<()> {
        require_keys_neq!(
            *subsidy_authority,
            Pubkey::default(),
            MarketError::InvalidSubsidyAuthority
        );
        require!(max_subsidy_per_period > 0, MarketError::InvalidSubsidyCap);
        require!(
            (MIN_SUBSIDY_PERIOD..=MAX_SUBSIDY_PERIOD).contains(&subsidy_period),
            MarketError::InvalidSubsidyPeriod
        );
        require!(
            (MIN_SUBSIDY_CLAIM_DELAY..=MAX_SUBSIDY_CLAIM_DELAY).contains(&subsidy_claim_delay),
            MarketError::InvalidSubsidyClaimDelay
        );
        require!(
            (MIN_SUBSIDY_CLAIM_WINDOW..=MAX_SUBSIDY_CLAIM_WINDOW).contains(&subsidy_claim_window),
            MarketError::InvalidSubsidyClaimWindow
        );
        Ok(())
    }

    /// The subsidy period `now` falls in (0 before the first one began).
    pub fn subsidy_period_at(&self, now: i64) -> u64 {
        // subsidy_period >= MIN_SUBSIDY_PERIOD > 0 (checked at initialize)
        (now.saturating_sub(self.subsidy_period_start).max(0) / self.subsidy_period.max(1)) as u64
    }

    /// What the ignition pool can still promise: funded - paid - reserved.
    pub fn ignition_available(&self) -> Result<u64> {
        self.ignition_funded
            .checked_sub(self.ignition_paid)
            .and_then(|v| v.checked_sub(self.ignition_reserved))
            .ok_or_else(|| error!(MarketError::MathOverflow))
    }

    /// Pauses (`paused_at = now`) or unpauses (the pause's length joins `paused_seconds`).
    /// Setting the current state again changes nothing.
    pub fn set_paused(&mut self, paused: bool, now: i64) -> Result<()> {
        if paused == self.paused {
            return Ok(());
        }
        if paused {
            self.paused_at = now;
        } else {
            let pause = now.saturating_sub(self.paused_at).max(0);
            self.paused_seconds = self
                .paused_seconds
                .checked_add(pause)
                .ok_or(MarketError::MathOverflow)?;
            self.paused_at = 0;
        }
        self.paused = paused;
        Ok(())
    }

    /// Seconds the market has been paused in all up to `now`, the current pause included.
    pub fn paused_seconds_at(&self, now: i64) -> i64 {
        if self.paused {
            self.paused_seconds
                .saturating_add(now.saturating_sub(self.paused_at).max(0))
        } else {
            self.paused_seconds
        }
    }

    /// Validates a token price update: positive, and (once a price is set) within
    /// `MAX_PRICE_CHANGE_BPS` of the current price.
    pub fn check_price_update(&self, token_price: u64) -> Result<()> {
        require!(token_price > 0, MarketError::InvalidPrice);
        if self.token_price == 0 {
            return Ok(());
        }
        let max_change = Bps::new(MAX_PRICE_CHANGE_BPS)?.of_floor(self.token_price)?;
        require!(
            token_price.abs_diff(self.token_price) <= max_change,
            MarketError::PriceChangeTooLarge
        );
        Ok(())
    }

    pub fn is_accepted_mint(&self, mint: &Pubkey) -> bool {
        *mint == self.stable_mint || *mint == self.token_mint
    }

    /// The stored bump of the escrow vault of `mint` (which must be accepted).
    pub fn escrow_vault_bump(&self, mint: &Pubkey) -> u8 {
        if *mint == self.stable_mint {
            self.stable_vault_bump
        } else {
            self.token_vault_bump
        }
    }

    /// Whether `vault` is the escrow vault of `mint` (which must be accepted), by its stored
    /// bump: `[ESCROW_VAULT_SEED, market, mint]`.
    pub fn is_escrow_vault(&self, market: &Pubkey, mint: &Pubkey, vault: &Pubkey) -> bool {
        crate::pda::is_derived(
            vault,
            &[ESCROW_VAULT_SEED, market.as_ref(), mint.as_ref()],
            self.escrow_vault_bump(mint),
        )
    }

    /// Whether `market` is this market's address, `[MARKET_SEED, creator]` with its stored bump.
    pub fn is_at(&self, market: &Pubkey) -> bool {
        crate::pda::is_derived(market, &[MARKET_SEED, self.creator.as_ref()], self.bump)
    }

    /// The escrow counter of `mint` (which must be accepted).
    pub fn escrowed_mut(&mut self, mint: &Pubkey) -> &mut u64 {
        if *mint == self.stable_mint {
            &mut self.escrowed_stable
        } else {
            &mut self.escrowed_token
        }
    }

    pub fn fee(&self) -> Bps {
        Bps::new(self.fee_bps).expect("stored fee is validated")
    }

    pub fn token_discount(&self) -> Bps {
        Bps::new(self.token_discount_bps).expect("stored discount is validated")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market() -> MarketConfig {
        MarketConfig {
            creator: Pubkey::default(),
            authority: Pubkey::default(),
            treasury: Pubkey::default(),
            stable_mint: Pubkey::default(),
            token_mint: Pubkey::default(),
            fee_bps: 0,
            token_discount_bps: 0,
            paused: false,
            ignition_funded: 0,
            bump: 0,
            ignition_vault_bump: 0,
            price_authority: Pubkey::default(),
            token_price: 0,
            token_price_updated_at: 0,
            max_price_staleness: MIN_PRICE_STALENESS,
            start_timeout: MIN_START_TIMEOUT,
            dispute_window: MIN_DISPUTE_WINDOW,
            escrowed_stable: 0,
            escrowed_token: 0,
            pending_authority: Pubkey::default(),
            paused_at: 0,
            paused_seconds: 0,
            subsidy_authority: Pubkey::default(),
            max_subsidy_per_period: 1,
            subsidy_period: MIN_SUBSIDY_PERIOD,
            subsidy_period_start: 0,
            subsidy_claim_delay: MIN_SUBSIDY_CLAIM_DELAY,
            subsidy_claim_window: MIN_SUBSIDY_CLAIM_WINDOW,
            subsidy_period_index: 0,
            subsidy_posted_in_period: 0,
            subsidy_next_epoch: 0,
            ignition_paid: 0,
            ignition_reserved: 0,
            stable_vault_bump: 0,
            token_vault_bump: 0,
        }
    }

    #[test]
    fn paused_time_accumulates_and_repeated_calls_change_nothing() {
        let mut m = market();
        m.set_paused(true, 100).unwrap();
        m.set_paused(true, 150).unwrap(); // already paused: the pause still began at 100
        assert_eq!(m.paused_seconds_at(160), 60);
        m.set_paused(false, 200).unwrap();
        m.set_paused(false, 250).unwrap();
        assert_eq!((m.paused_seconds, m.paused_at), (100, 0));
        assert_eq!(m.paused_seconds_at(1_000), 100);
        m.set_paused(true, 1_000).unwrap();
        m.set_paused(false, 1_010).unwrap();
        assert_eq!(m.paused_seconds_at(2_000), 110);
    }

    #[test]
    fn price_updates_move_at_most_max_price_change_bps() {
        let mut m = market();
        assert!(m.check_price_update(0).is_err());
        assert!(m.check_price_update(u64::MAX).is_ok(), "first price: any");
        m.token_price = 10_000;
        for (price, ok) in [
            (5_000, true),
            (4_999, false),
            (15_000, true),
            (15_001, false),
            (1, false),
        ] {
            assert_eq!(m.check_price_update(price).is_ok(), ok, "{price}");
        }
        m.token_price = u64::MAX;
        assert!(m.check_price_update(u64::MAX / 2 + 1).is_ok());
    }

    #[test]
    fn time_settings_are_bounded() {
        let ok = (MIN_DISPUTE_WINDOW, MIN_START_TIMEOUT, MIN_PRICE_STALENESS);
        assert!(MarketConfig::check_times(ok.0, ok.1, ok.2).is_ok());
        assert!(MarketConfig::check_times(
            MAX_DISPUTE_WINDOW,
            MAX_START_TIMEOUT,
            MAX_PRICE_STALENESS
        )
        .is_ok());
        assert!(MarketConfig::check_times(-1, ok.1, ok.2).is_err());
        assert!(MarketConfig::check_times(ok.0, MAX_START_TIMEOUT + 1, ok.2).is_err());
        assert!(MarketConfig::check_times(ok.0, ok.1, i64::MIN).is_err());
    }

    #[test]
    fn subsidy_settings_are_bounded() {
        let key = Pubkey::new_unique();
        let ok = (
            MIN_SUBSIDY_PERIOD,
            MIN_SUBSIDY_CLAIM_DELAY,
            MIN_SUBSIDY_CLAIM_WINDOW,
        );
        let check =
            |k: &Pubkey, cap, p, d, w| MarketConfig::check_subsidy_settings(k, cap, p, d, w);
        assert!(check(&key, 1, ok.0, ok.1, ok.2).is_ok());
        assert!(check(
            &key,
            u64::MAX,
            MAX_SUBSIDY_PERIOD,
            MAX_SUBSIDY_CLAIM_DELAY,
            MAX_SUBSIDY_CLAIM_WINDOW
        )
        .is_ok());
        assert!(check(&Pubkey::default(), 1, ok.0, ok.1, ok.2).is_err());
        assert!(check(&key, 0, ok.0, ok.1, ok.2).is_err());
        assert!(check(&key, 1, MIN_SUBSIDY_PERIOD - 1, ok.1, ok.2).is_err());
        assert!(check(&key, 1, ok.0, MAX_SUBSIDY_CLAIM_DELAY + 1, ok.2).is_err());
        assert!(check(&key, 1, ok.0, ok.1, MIN_SUBSIDY_CLAIM_WINDOW - 1).is_err());
    }

    #[test]
    fn subsidy_periods_count_from_the_start() {
        let mut m = market();
        m.subsidy_period_start = 1_000;
        m.subsidy_period = 3_600;
        assert_eq!(m.subsidy_period_at(0), 0, "before the start");
        assert_eq!(m.subsidy_period_at(1_000), 0);
        assert_eq!(m.subsidy_period_at(4_599), 0);
        assert_eq!(m.subsidy_period_at(4_600), 1);
        assert_eq!(
            m.subsidy_period_at(i64::MAX),
            (i64::MAX - 1_000) as u64 / 3_600
        );
    }
}
