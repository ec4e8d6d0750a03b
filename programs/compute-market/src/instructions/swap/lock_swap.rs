use anchor_lang::{
    prelude::*,
    system_program::{self, Transfer},
};
use anchor_spl::token::{self, Mint, Token, TokenAccount, TransferChecked};

use crate::{
    constants::{SWAP_SEED, SWAP_VAULT_SEED},
    errors::MarketError,
    events::SwapLocked,
    state::{Swap, SwapTimelocks},
};

#[derive(Accounts)]
#[instruction(swap_id: u64)]
pub struct LockSwap<'info> {
    /// The maker: pays the tokens, the safety deposit and the rent of the swap and its vault.
    #[account(mut)]
    pub maker: Signer<'info>,

    /// The new swap, `[SWAP_SEED, maker, swap_id]`. `init_if_needed` only so that an id whose
    /// swap is still open fails with the named `SwapExists` (a fresh account has the default
    /// maker; an open swap never does, as the default key cannot sign).
    #[account(
        init_if_needed,
        payer = maker,
        space = Swap::DISCRIMINATOR.len() + Swap::INIT_SPACE,
        seeds = [SWAP_SEED, maker.key().as_ref(), &swap_id.to_le_bytes()],
        bump,
        constraint = swap.maker == Pubkey::default() @ MarketError::SwapExists,
    )]
    pub swap: Account<'info, Swap>,

    /// Any SPL Token mint (a Token-2022 mint fails the owner check of `Account<Mint>`).
    pub mint: Account<'info, Mint>,

    /// The maker's account in `mint`: pays `amount`.
    #[account(mut, token::mint = mint, token::authority = maker)]
    pub maker_token_account: Account<'info, TokenAccount>,

    /// The swap's vault, `[SWAP_VAULT_SEED, swap]`, owned by the swap PDA.
    #[account(
        init,
        payer = maker,
        seeds = [SWAP_VAULT_SEED, swap.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = swap,
        token::token_program = token_program,
    )]
    pub vault: Account<'info, TokenAccount>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl LockSwap<'_> {
    pub fn validate(
        &self,
        recipient: &Pubkey,
        amount: u64,
        timelocks: &SwapTimelocks,
        safety_deposit: u64,
    ) -> Result<()> {
        require!(amount > 0, MarketError::InvalidAmount);
        require!(safety_deposit > 0, MarketError::InvalidSafetyDeposit);
        require_keys_neq!(*recipient, Pubkey::default(), MarketError::InvalidRecipient);
        timelocks.validate()
    }
}

pub fn handler(
    ctx: Context<LockSwap>,
    swap_id: u64,
    recipient: Pubkey,
    amount: u64,
    hashlock: [u8; 32],
    timelocks: SwapTimelocks,
    safety_deposit: u64,
) -> Result<()> {
    require!(
        ctx.remaining_accounts.is_empty(),
        MarketError::UnexpectedRemainingAccounts
    );
    let now = Clock::get()?.unix_timestamp;
    let maker = ctx.accounts.maker.key();
    let mint = ctx.accounts.mint.key();
    ctx.accounts.swap.set_inner(Swap {
        maker,
        swap_id,
        recipient,
        mint,
        amount,
        hashlock,
        timelocks,
        locked_at: now,
        safety_deposit,
        bump: ctx.bumps.swap,
        vault_bump: ctx.bumps.vault,
    });

    let a = &ctx.accounts;
    token::transfer_checked(
        CpiContext::new(
            a.token_program.key(),
            TransferChecked {
                from: a.maker_token_account.to_account_info(),
                mint: a.mint.to_account_info(),
                to: a.vault.to_account_info(),
                authority: a.maker.to_account_info(),
            },
        ),
        amount,
        a.mint.decimals,
    )?;
    // the deposit sits in the swap account, above its rent
    system_program::transfer(
        CpiContext::new(
            a.system_program.key(),
            Transfer {
                from: a.maker.to_account_info(),
                to: a.swap.to_account_info(),
            },
        ),
        safety_deposit,
    )?;

    emit!(SwapLocked {
        maker,
        swap_id,
        recipient,
        mint,
        amount,
        hashlock,
        timelocks,
        locked_at: now,
        safety_deposit,
    });
    Ok(())
}
