//! The money math of the market: typed basis points, the rounding rules, what a rental costs
//! and how its escrow splits. Pure functions, no accounts: unit-tested here and mutation-tested
//! (`npm run mutation:rust`, tools/mutation/README.md).
//!
//! Every operation is checked: an overflow is `MathOverflow`, never a wrap or a panic
//! (`clippy::arithmetic_side_effects` is denied in this module).
#![deny(clippy::arithmetic_side_effects)]

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
        let quotient = self.product(amount)?.checked_div(u128::from(MAX_BPS));
        narrow(quotient)
    }

    /// `amount * bps / 10_000`, rounded up. Used for what the protocol charges
    /// (fees), so rounding favours the protocol by at most one unit.
    pub fn of_ceil(self, amount: u64) -> Result<u64> {
        narrow(Some(self.product(amount)?.div_ceil(u128::from(MAX_BPS))))
    }

    /// The complement `10_000 - bps` (cannot underflow: `bps <= 10_000`).
    pub fn complement(self) -> Bps {
        Bps(MAX_BPS.saturating_sub(self.0))
    }

    fn product(self, amount: u64) -> Result<u128> {
        u128::from(amount)
            .checked_mul(u128::from(self.0))
            .ok_or_else(|| error!(MarketError::MathOverflow))
    }
}

/// A checked `u128` result that must fit the `u64` of an SPL amount.
fn narrow(value: Option<u128>) -> Result<u64> {
    value
        .and_then(|v| u64::try_from(v).ok())
        .ok_or_else(|| error!(MarketError::MathOverflow))
}

/// Market-token base units worth `stable_amount` stablecoin base units, at `token_price`
/// stablecoin base units per whole token, rounded up (the payer never pays less than the price).
pub fn stable_to_token(stable_amount: u64, token_price: u64, token_decimals: u8) -> Result<u64> {
    require!(token_price > 0, MarketError::InvalidPrice);
    let numerator = 10u128
        .checked_pow(u32::from(token_decimals))
        .and_then(|scale| u128::from(stable_amount).checked_mul(scale))
        .ok_or(MarketError::MathOverflow)?;
    narrow(Some(numerator.div_ceil(u128::from(token_price))))
}

/// `amount * part / whole`, rounded down (what is paid out for a partial delivery).
pub fn pro_rata_floor(amount: u64, part: u32, whole: u32) -> Result<u64> {
    require!(
        whole > 0 && part <= whole,
        MarketError::InvalidDeliveredHours
    );
    // part <= whole, so the quotient is at most `amount`
    let quotient = u128::from(amount)
        .checked_mul(u128::from(part))
        .and_then(|p| p.checked_div(u128::from(whole)));
    narrow(quotient)
}

/// The terms of a payment in the market token instead of the stablecoin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenTerms {
    /// The share of the fee waived for paying in the token.
    pub discount: Bps,
    /// Stablecoin base units per whole token (checked fresh and above the supplier's floor by
    /// the caller).
    pub price: u64,
    pub decimals: u8,
}

/// What a rental costs in its payment mint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RentalQuote {
    pub price: u64,
    pub fee: u64,
}

impl RentalQuote {
    /// What the customer pays into the escrow.
    pub fn total(&self) -> Result<u64> {
        self.price
            .checked_add(self.fee)
            .ok_or_else(|| error!(MarketError::MathOverflow))
    }
}

/// `hours` at `hourly_price` (stablecoin base units). In the stablecoin the fee is `fee` of the
/// price, rounded up. In the token (`token` given) the fee is reduced by the discount (the waived
/// part rounded down, so the protocol never waives more than the discount), and price and fee
/// are converted at the token price, each rounded up.
pub fn rental_quote(
    hourly_price: u64,
    hours: u32,
    fee: Bps,
    token: Option<TokenTerms>,
) -> Result<RentalQuote> {
    let price_stable = hourly_price
        .checked_mul(u64::from(hours))
        .ok_or(MarketError::MathOverflow)?;
    let fee_stable = fee.of_ceil(price_stable)?;
    let Some(t) = token else {
        return Ok(RentalQuote {
            price: price_stable,
            fee: fee_stable,
        });
    };
    let waived = t.discount.of_floor(fee_stable)?;
    // waived <= fee_stable: the discount is at most 100 %
    let fee_after_discount = fee_stable
        .checked_sub(waived)
        .ok_or(MarketError::MathOverflow)?;
    Ok(RentalQuote {
        price: stable_to_token(price_stable, t.price, t.decimals)?,
        fee: stable_to_token(fee_after_discount, t.price, t.decimals)?,
    })
}

/// How a rental's escrow splits when `delivered` of its `hours` were delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub to_supplier: u64,
    pub fee: u64,
    pub refund: u64,
}

/// Supplier and fee are paid pro rata, rounded down; the customer gets the exact remainder,
/// so the three always sum to `price + fee` and nothing is paid out that was not escrowed.
pub fn settlement(price: u64, fee: u64, delivered: u32, hours: u32) -> Result<Settlement> {
    let to_supplier = pro_rata_floor(price, delivered, hours)?;
    let fee_paid = pro_rata_floor(fee, delivered, hours)?;
    let refund = price
        .checked_add(fee)
        .and_then(|escrowed| escrowed.checked_sub(to_supplier))
        .and_then(|rest| rest.checked_sub(fee_paid))
        .ok_or(MarketError::MathOverflow)?;
    Ok(Settlement {
        to_supplier,
        fee: fee_paid,
        refund,
    })
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift64*): the same cases on every run.
    struct Cases(u64);
    impl Cases {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        /// Mostly small numbers, sometimes any u64: both edges of every rounding.
        fn amount(&mut self) -> u64 {
            let raw = self.next();
            match raw % 4 {
                0 => raw % 100,
                1 => raw % 1_000_000_000,
                2 => raw >> (raw % 64),
                _ => raw,
            }
        }
    }

    fn code(err: anchor_lang::error::Error) -> u32 {
        match err {
            anchor_lang::error::Error::AnchorError(e) => e.error_code_number,
            other => panic!("not an Anchor error: {other:?}"),
        }
    }

    fn is(err: anchor_lang::error::Error, expected: MarketError) -> bool {
        code(err) == u32::from(expected)
    }

    #[test]
    fn new_rejects_above_max() {
        assert_eq!(Bps::new(10_000).unwrap().get(), 10_000);
        assert_eq!(Bps::new(0).unwrap(), Bps::ZERO);
        assert!(is(
            Bps::new(10_001).unwrap_err(),
            MarketError::BpsOutOfRange
        ));
    }

    #[test]
    fn floor_and_ceil_bracket_the_exact_value() {
        let mut cases = Cases(0x5eed);
        for _ in 0..20_000 {
            let bps = Bps::new((cases.next() % 10_001) as u16).unwrap();
            let amount = cases.amount();
            let exact = u128::from(amount) * u128::from(bps.get());
            let floor = bps.of_floor(amount).unwrap();
            let ceil = bps.of_ceil(amount).unwrap();
            // floor = the largest f with f * 10_000 <= exact; ceil = the smallest c with c * 10_000 >= exact
            assert!(u128::from(floor) * 10_000 <= exact, "{amount} {bps:?}");
            assert!((u128::from(floor) + 1) * 10_000 > exact, "{amount} {bps:?}");
            assert!(u128::from(ceil) * 10_000 >= exact, "{amount} {bps:?}");
            assert!(
                ceil == 0 || (u128::from(ceil) - 1) * 10_000 < exact,
                "{amount} {bps:?}"
            );
        }
    }

    #[test]
    fn rounding_by_example() {
        let bps = Bps::new(333).unwrap();
        assert_eq!(bps.of_floor(30).unwrap(), 0);
        assert_eq!(bps.of_ceil(30).unwrap(), 1);
        assert_eq!(bps.of_floor(10_000).unwrap(), 333);
        assert_eq!(bps.of_ceil(10_000).unwrap(), 333);
        assert_eq!(bps.of_floor(10_001).unwrap(), 333);
        assert_eq!(bps.of_ceil(10_001).unwrap(), 334);
        assert_eq!(
            Bps::new(10_000).unwrap().of_floor(u64::MAX).unwrap(),
            u64::MAX
        );
        assert_eq!(
            Bps::new(10_000).unwrap().of_ceil(u64::MAX).unwrap(),
            u64::MAX
        );
        assert_eq!(Bps::ZERO.of_ceil(u64::MAX).unwrap(), 0);
        assert_eq!(Bps::ZERO.of_floor(u64::MAX).unwrap(), 0);
    }

    #[test]
    fn complement() {
        assert_eq!(Bps::new(2_500).unwrap().complement().get(), 7_500);
        assert_eq!(Bps::ZERO.complement().get(), 10_000);
        assert_eq!(Bps::new(10_000).unwrap().complement(), Bps::ZERO);
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
        assert_eq!(stable_to_token(3, 3, 0).unwrap(), 1);
        assert_eq!(stable_to_token(4, 3, 0).unwrap(), 2);
        assert_eq!(stable_to_token(0, 3, 9).unwrap(), 0);
        assert_eq!(stable_to_token(7, 1, 2).unwrap(), 700);
        assert!(is(
            stable_to_token(1, 0, 9).unwrap_err(),
            MarketError::InvalidPrice
        ));
        // 10^39 overflows u128; a result above u64 is refused, not truncated
        assert!(is(
            stable_to_token(1, 1, 39).unwrap_err(),
            MarketError::MathOverflow
        ));
        assert!(is(
            stable_to_token(u64::MAX, 1, 1).unwrap_err(),
            MarketError::MathOverflow
        ));
        assert_eq!(stable_to_token(u64::MAX, 10, 1).unwrap(), u64::MAX);
    }

    #[test]
    fn stable_to_token_is_the_smallest_amount_worth_the_price() {
        let mut cases = Cases(0xc0ffee);
        for _ in 0..20_000 {
            let stable = cases.amount() % 1_000_000_000_000;
            let price = 1 + cases.amount() % 1_000_000_000_000;
            let decimals = (cases.next() % 10) as u8;
            let scale = 10u128.pow(u32::from(decimals));
            let Ok(tokens) = stable_to_token(stable, price, decimals) else {
                assert!(u128::from(stable) * scale / u128::from(price) >= u128::from(u64::MAX));
                continue;
            };
            // tokens * price >= stable * scale, and one unit less would not be
            let value = u128::from(tokens) * u128::from(price);
            assert!(
                value >= u128::from(stable) * scale,
                "{stable} {price} {decimals}"
            );
            assert!(tokens == 0 || value - u128::from(price) < u128::from(stable) * scale);
        }
    }

    #[test]
    fn pro_rata_never_exceeds_the_amount() {
        assert_eq!(pro_rata_floor(100, 1, 3).unwrap(), 33);
        assert_eq!(pro_rata_floor(100, 2, 3).unwrap(), 66);
        assert_eq!(pro_rata_floor(100, 3, 3).unwrap(), 100);
        assert_eq!(pro_rata_floor(100, 0, 3).unwrap(), 0);
        assert_eq!(pro_rata_floor(u64::MAX, 7, 7).unwrap(), u64::MAX);
        assert_eq!(pro_rata_floor(u64::MAX, 1, 2).unwrap(), u64::MAX / 2);
        assert!(is(
            pro_rata_floor(100, 4, 3).unwrap_err(),
            MarketError::InvalidDeliveredHours
        ));
        assert!(is(
            pro_rata_floor(100, 0, 0).unwrap_err(),
            MarketError::InvalidDeliveredHours
        ));
    }

    #[test]
    fn quote_in_the_stablecoin() {
        // 3 hours at 1.000001 USDC, 2.5 % fee rounded up
        let q = rental_quote(1_000_001, 3, Bps::new(250).unwrap(), None).unwrap();
        assert_eq!(
            q,
            RentalQuote {
                price: 3_000_003,
                fee: 75_001
            }
        );
        assert_eq!(q.total().unwrap(), 3_075_004);
        assert_eq!(rental_quote(5, 1, Bps::ZERO, None).unwrap().fee, 0);
        assert!(is(
            rental_quote(u64::MAX, 2, Bps::ZERO, None).unwrap_err(),
            MarketError::MathOverflow
        ));
        assert!(is(
            RentalQuote {
                price: u64::MAX,
                fee: 1
            }
            .total()
            .unwrap_err(),
            MarketError::MathOverflow
        ));
    }

    #[test]
    fn quote_in_the_token() {
        // 10 hours at 2 USDC = 20 USDC; fee 5 % = 1 USDC; 30 % of it waived = 0.3 USDC;
        // 1 token (9 decimals) = 0.4 USDC: price 50 tokens, fee 0.7 / 0.4 = 1.75 tokens
        let terms = TokenTerms {
            discount: Bps::new(3_000).unwrap(),
            price: 400_000,
            decimals: 9,
        };
        let q = rental_quote(2_000_000, 10, Bps::new(500).unwrap(), Some(terms)).unwrap();
        assert_eq!(
            q,
            RentalQuote {
                price: 50_000_000_000,
                fee: 1_750_000_000
            }
        );
        // rounding: fee 1 unit (ceil of 0.25), discount 50 % waives floor(0.5) = 0 of it;
        // price 5 / 3 per token rounds up to 2
        let odd = TokenTerms {
            discount: Bps::new(5_000).unwrap(),
            price: 3,
            decimals: 0,
        };
        assert_eq!(
            rental_quote(5, 1, Bps::new(500).unwrap(), Some(odd)).unwrap(),
            RentalQuote { price: 2, fee: 1 }
        );
        // the whole fee waived
        let free = TokenTerms {
            discount: Bps::new(10_000).unwrap(),
            price: 1,
            decimals: 0,
        };
        assert_eq!(
            rental_quote(100, 1, Bps::new(2_000).unwrap(), Some(free))
                .unwrap()
                .fee,
            0
        );
    }

    #[test]
    fn quote_matches_the_formula_on_many_cases() {
        let mut cases = Cases(0xfee);
        for _ in 0..10_000 {
            let hourly = 1 + cases.amount() % 1_000_000_000;
            let hours = 1 + (cases.next() % 2_160) as u32;
            let fee = Bps::new((cases.next() % 2_001) as u16).unwrap();
            let discount = Bps::new((cases.next() % 10_001) as u16).unwrap();
            let price = 1 + cases.amount() % 1_000_000_000;
            let decimals = (cases.next() % 10) as u8;
            let terms = TokenTerms {
                discount,
                price,
                decimals,
            };
            let stable = rental_quote(hourly, hours, fee, None).unwrap();
            let base = u128::from(hourly) * u128::from(hours);
            assert_eq!(u128::from(stable.price), base);
            let fee_stable = (base * u128::from(fee.get())).div_ceil(10_000);
            assert_eq!(u128::from(stable.fee), fee_stable);
            let Ok(token) = rental_quote(hourly, hours, fee, Some(terms)) else {
                continue;
            };
            let scale = 10u128.pow(u32::from(decimals));
            let fee_net = fee_stable - fee_stable * u128::from(discount.get()) / 10_000;
            assert_eq!(
                u128::from(token.price),
                (base * scale).div_ceil(u128::from(price))
            );
            assert_eq!(
                u128::from(token.fee),
                (fee_net * scale).div_ceil(u128::from(price))
            );
        }
    }

    #[test]
    fn settlement_by_example() {
        // 3 hours, 2 delivered: 2/3 of 100 and of 10, rounded down; the rest refunded
        assert_eq!(
            settlement(100, 10, 2, 3).unwrap(),
            Settlement {
                to_supplier: 66,
                fee: 6,
                refund: 38
            }
        );
        assert_eq!(
            settlement(100, 10, 3, 3).unwrap(),
            Settlement {
                to_supplier: 100,
                fee: 10,
                refund: 0
            }
        );
        assert_eq!(
            settlement(100, 10, 0, 3).unwrap(),
            Settlement {
                to_supplier: 0,
                fee: 0,
                refund: 110
            }
        );
        assert!(is(
            settlement(100, 10, 4, 3).unwrap_err(),
            MarketError::InvalidDeliveredHours
        ));
        assert!(is(
            settlement(u64::MAX, 1, 1, 1).unwrap_err(),
            MarketError::MathOverflow
        ));
    }

    #[test]
    fn settlement_conserves_the_escrow() {
        let mut cases = Cases(0x5e771e);
        for _ in 0..20_000 {
            let price = cases.amount() >> 1;
            let fee = cases.amount() >> 1;
            let hours = 1 + (cases.next() % 2_160) as u32;
            let delivered = (cases.next() % (u64::from(hours) + 1)) as u32;
            let s = settlement(price, fee, delivered, hours).unwrap();
            assert_eq!(
                u128::from(s.to_supplier) + u128::from(s.fee) + u128::from(s.refund),
                u128::from(price) + u128::from(fee)
            );
            let share =
                |amount: u64| u128::from(amount) * u128::from(delivered) / u128::from(hours);
            assert_eq!(u128::from(s.to_supplier), share(price));
            assert_eq!(u128::from(s.fee), share(fee));
        }
    }
}
