use anchor_lang::prelude::*;

#[error_code]
pub enum MarketError {
    #[msg("Basis points must be at most 10000")]
    BpsOutOfRange,
    #[msg("Fee exceeds the protocol maximum (MAX_FEE_BPS)")]
    FeeTooHigh,
    #[msg("The stablecoin and the market token must be different mints")]
    SameMint,
    #[msg("Amount must be greater than zero")]
    InvalidAmount,
    #[msg("The market is paused")]
    MarketPaused,
    #[msg("Arithmetic overflow")]
    MathOverflow,
    #[msg("The treasury cannot be the default public key")]
    InvalidTreasury,
    #[msg("Unexpected remaining accounts were passed")]
    UnexpectedRemainingAccounts,
}
