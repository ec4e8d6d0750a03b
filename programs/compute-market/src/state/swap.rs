use anchor_lang::prelude::*;

use crate::{
    constants::{MAX_SWAP_PUBLIC_CANCELLATION, MAX_SWAP_TIMELOCK, SWAP_SEED},
    errors::MarketError,
};

/// A swap's time windows, as offsets in seconds from its lock (`Swap::locked_at`), strictly
/// increasing. With `t = now - locked_at`:
///
/// | t                                       | withdraw (with the secret) | cancel       |
/// |-----------------------------------------|----------------------------|--------------|
/// | `t < finality`                          | no                         | no           |
/// | `finality <= t < public_withdrawal`     | the recipient only         | no           |
/// | `public_withdrawal <= t < cancellation` | anyone                     | no           |
/// | `cancellation <= t < public_cancellation` | no                       | the maker only |
/// | `public_cancellation <= t`              | no                         | anyone       |
///
/// Tokens always go to the recipient (withdraw) or back to the maker (cancel); the safety
/// deposit goes to whoever completed the swap.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub struct SwapTimelocks {
    /// End of the finality lock: the recipient may withdraw from here.
    pub finality: u32,
    /// Anyone holding the secret may withdraw (for the recipient) from here.
    pub public_withdrawal: u32,
    /// Withdrawal closes and the maker may cancel from here.
    pub cancellation: u32,
    /// Anyone may cancel (for the maker) from here.
    pub public_cancellation: u32,
}

/// Where a swap stands in its timeline (`SwapTimelocks`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapWindow {
    FinalityLock,
    PrivateWithdrawal,
    PublicWithdrawal,
    PrivateCancellation,
    PublicCancellation,
}

impl SwapTimelocks {
    /// Each offset > 0, strictly increasing, `cancellation <= MAX_SWAP_TIMELOCK` (so every
    /// offset before it too) and `public_cancellation <= MAX_SWAP_PUBLIC_CANCELLATION`.
    pub fn validate(&self) -> Result<()> {
        require!(
            0 < self.finality
                && self.finality < self.public_withdrawal
                && self.public_withdrawal < self.cancellation
                && self.cancellation < self.public_cancellation
                && self.cancellation <= MAX_SWAP_TIMELOCK
                && self.public_cancellation <= MAX_SWAP_PUBLIC_CANCELLATION,
            MarketError::InvalidTimelocks
        );
        Ok(())
    }

    /// The window `elapsed` seconds after the lock (a clock behind the lock counts as 0).
    pub fn window(&self, elapsed: i64) -> SwapWindow {
        let t = elapsed.max(0);
        if t < i64::from(self.finality) {
            SwapWindow::FinalityLock
        } else if t < i64::from(self.public_withdrawal) {
            SwapWindow::PrivateWithdrawal
        } else if t < i64::from(self.cancellation) {
            SwapWindow::PublicWithdrawal
        } else if t < i64::from(self.public_cancellation) {
            SwapWindow::PrivateCancellation
        } else {
            SwapWindow::PublicCancellation
        }
    }
}

/// One hash time-locked swap: `amount` of `mint` held in its vault (`[SWAP_VAULT_SEED, swap]`)
/// for `recipient` against the preimage of `hashlock`, and `safety_deposit` lamports above the
/// account's rent. PDA `[SWAP_SEED, maker, swap_id (u64 LE)]`, paid for by the maker; the swap
/// and its vault close (all rent to the maker) when it is withdrawn or cancelled.
///
/// A `swap_id` cannot be reused while its swap is open (`SwapExists`). Once closed, the maker
/// may lock a new swap under the same id. That is safe: a new lock carries its own hashlock,
/// terms and `locked_at` (a counterparty verifies those, never the id alone), a withdrawal
/// needs the preimage of the hashlock of the swap open at that moment, and a cancellation
/// needs that swap's own cancellation window. Tooling that looks a swap's secret up from chain
/// history must check `keccak256(secret) == hashlock` (the TS `findSwapSecret` does).
#[account]
#[derive(InitSpace, Debug)]
pub struct Swap {
    /// Locked the tokens and the deposit; receives the rent, and the tokens on cancel.
    pub maker: Pubkey,
    /// Chosen by the maker; part of the address.
    pub swap_id: u64,
    /// Receives the tokens on withdraw.
    pub recipient: Pubkey,
    /// Any SPL Token (not Token-2022) mint.
    pub mint: Pubkey,
    /// Tokens locked (base units).
    pub amount: u64,
    /// keccak256 of the 32-byte secret.
    pub hashlock: [u8; 32],
    pub timelocks: SwapTimelocks,
    /// Clock unix timestamp of the lock.
    pub locked_at: i64,
    /// Lamports held above the rent, paid to whoever completes the swap.
    pub safety_deposit: u64,
    pub bump: u8,
    pub vault_bump: u8,
}

impl Swap {
    pub fn window(&self, now: i64) -> SwapWindow {
        self.timelocks.window(now.saturating_sub(self.locked_at))
    }

    /// `caller` may withdraw at `now` (the secret is checked separately).
    pub fn check_withdraw(&self, now: i64, caller: &Pubkey) -> Result<()> {
        match self.window(now) {
            SwapWindow::FinalityLock => err!(MarketError::WithdrawalNotOpen),
            SwapWindow::PrivateWithdrawal => {
                require_keys_eq!(*caller, self.recipient, MarketError::NotRecipient);
                Ok(())
            }
            SwapWindow::PublicWithdrawal => Ok(()),
            SwapWindow::PrivateCancellation | SwapWindow::PublicCancellation => {
                err!(MarketError::WithdrawalClosed)
            }
        }
    }

    /// `caller` may cancel at `now`.
    pub fn check_cancel(&self, now: i64, caller: &Pubkey) -> Result<()> {
        match self.window(now) {
            SwapWindow::FinalityLock
            | SwapWindow::PrivateWithdrawal
            | SwapWindow::PublicWithdrawal => err!(MarketError::CancellationNotOpen),
            SwapWindow::PrivateCancellation => {
                require_keys_eq!(*caller, self.maker, MarketError::NotMaker);
                Ok(())
            }
            SwapWindow::PublicCancellation => Ok(()),
        }
    }

    /// Signs for the swap PDA (the vault's authority).
    pub fn with_signer_seeds<T>(&self, f: impl FnOnce(&[&[u8]]) -> T) -> T {
        let id = self.swap_id.to_le_bytes();
        let bump = [self.bump];
        f(&[SWAP_SEED, self.maker.as_ref(), &id, &bump])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: SwapTimelocks = SwapTimelocks {
        finality: 10,
        public_withdrawal: 20,
        cancellation: 30,
        public_cancellation: 40,
    };

    #[test]
    fn windows_change_on_the_boundary_second() {
        use SwapWindow::*;
        let at = |t| T.window(t);
        assert_eq!(
            [at(-5), at(0), at(9), at(10), at(19), at(20), at(29)],
            [
                FinalityLock,
                FinalityLock,
                FinalityLock,
                PrivateWithdrawal,
                PrivateWithdrawal,
                PublicWithdrawal,
                PublicWithdrawal
            ]
        );
        assert_eq!(
            [at(30), at(39), at(40), at(i64::MAX)],
            [
                PrivateCancellation,
                PrivateCancellation,
                PublicCancellation,
                PublicCancellation
            ]
        );
    }

    #[test]
    fn timelocks_must_increase_strictly_within_bounds() {
        assert!(T.validate().is_ok());
        let with = |f: fn(&mut SwapTimelocks)| {
            let mut t = T;
            f(&mut t);
            t.validate().is_ok()
        };
        assert!(!with(|t| t.finality = 0));
        assert!(!with(|t| t.public_withdrawal = t.finality));
        assert!(!with(|t| t.cancellation = t.public_withdrawal));
        assert!(!with(|t| t.public_cancellation = t.cancellation));
        assert!(with(|t| {
            t.cancellation = MAX_SWAP_TIMELOCK;
            t.public_cancellation = MAX_SWAP_PUBLIC_CANCELLATION;
        }));
        assert!(!with(|t| {
            t.cancellation = MAX_SWAP_TIMELOCK + 1;
            t.public_cancellation = MAX_SWAP_PUBLIC_CANCELLATION;
        }));
        assert!(!with(|t| {
            t.cancellation = MAX_SWAP_TIMELOCK;
            t.public_cancellation = MAX_SWAP_PUBLIC_CANCELLATION + 1;
        }));
    }
}
