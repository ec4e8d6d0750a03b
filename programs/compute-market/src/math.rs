//! Typed basis points and the rounding rules of the market.

use anchor_lang::prelude::*;

use crate::{constants::MAX_BPS, errors::MarketError};

/// A basis-point value that is known to be within `0..=10_000`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bps(u16);

impl Bps {
    pub const ZERO: Bps = Bps(0);

    pub fn new(value: u16) -> Result<Self> {
        require!(value <= MAX_BPS, MarketError::BpsOutOfRange);
        Ok(Self(value))
    }

    pub fn get(self) -> u16 {
        self.0
    }

    /// `amount * bps / 10_000`, rounded down. Used for what the protocol pays out
    /// (discounts, rebates), so rounding never pays out more than was owed.
    pub fn of_floor(self, amount: u64) -> Result<u64> {
        let product = (amount as u128) * (self.0 as u128);
        u64::try_from(product / MAX_BPS as u128).map_err(|_| error!(MarketError::MathOverflow))
    }

    /// `amount * bps / 10_000`, rounded up. Used for what the protocol charges
    /// (fees), so rounding favours the protocol by at most one unit.
    pub fn of_ceil(self, amount: u64) -> Result<u64> {
        let product = (amount as u128) * (self.0 as u128);
        let quotient = product.div_ceil(MAX_BPS as u128);
        u64::try_from(quotient).map_err(|_| error!(MarketError::MathOverflow))
    }

    /// The complement `10_000 - bps`.
    pub fn complement(self) -> Bps {
        Bps(MAX_BPS - self.0)
    }
}

/// Market-token base units worth `stable_amount` stablecoin base units, at `token_price`
/// stablecoin base units per whole token, rounded up (the payer never pays less than the price).
pub fn stable_to_token(stable_amount: u64, token_price: u64, token_decimals: u8) -> Result<u64> {
    require!(token_price > 0, MarketError::InvalidPrice);
    let scale = 10u128
        .checked_pow(token_decimals as u32)
        .ok_or(MarketError::MathOverflow)?;
    let numerator = (stable_amount as u128)
        .checked_mul(scale)
        .ok_or(MarketError::MathOverflow)?;
    u64::try_from(numerator.div_ceil(token_price as u128))
        .map_err(|_| error!(MarketError::MathOverflow))
}

/// `amount * part / whole`, rounded down (what is paid out for a partial delivery).
pub fn pro_rata_floor(amount: u64, part: u32, whole: u32) -> Result<u64> {
    require!(
        whole > 0 && part <= whole,
        MarketError::InvalidDeliveredHours
    );
    Ok(((amount as u128) * (part as u128) / (whole as u128)) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_rejects_above_max() {
        assert!(Bps::new(10_000).is_ok());
        assert!(Bps::new(10_001).is_err());
    }

    #[test]
    fn floor_and_ceil_bracket_the_exact_value() {
        let bps = Bps::new(333).unwrap();
        for amount in [0u64, 1, 29, 30, 31, 9_999, 10_000, 1_000_003, u64::MAX] {
            let floor = bps.of_floor(amount).unwrap();
            let ceil = bps.of_ceil(amount).unwrap();
            assert!(floor <= ceil && ceil - floor <= 1, "amount {amount}");
            let exact = (amount as u128) * 333;
            assert!((floor as u128) * 10_000 <= exact);
            assert!((ceil as u128) * 10_000 >= exact);
        }
    }

    #[test]
    fn stable_to_token_rounds_up() {
        // 1 token = 2.5 USDC (6 decimals) and the token has 9 decimals
        assert_eq!(
            stable_to_token(2_500_000, 2_500_000, 9).unwrap(),
            1_000_000_000
        );
        assert_eq!(stable_to_token(1, 2_500_000, 9).unwrap(), 400);
        assert_eq!(stable_to_token(1, 3, 0).unwrap(), 1);
        assert!(stable_to_token(1, 0, 9).is_err());
    }

    #[test]
    fn pro_rata_never_exceeds_the_amount() {
        assert_eq!(pro_rata_floor(100, 1, 3).unwrap(), 33);
        assert_eq!(pro_rata_floor(100, 3, 3).unwrap(), 100);
        assert_eq!(pro_rata_floor(u64::MAX, 7, 7).unwrap(), u64::MAX);
        assert!(pro_rata_floor(100, 4, 3).is_err());
    }

    #[test]
    fn full_and_zero() {
        assert_eq!(
            Bps::new(10_000).unwrap().of_floor(u64::MAX).unwrap(),
            u64::MAX
        );
        assert_eq!(Bps::ZERO.of_ceil(u64::MAX).unwrap(), 0);
        assert_eq!(Bps::new(2_500).unwrap().complement().get(), 7_500);
    }
}
