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
    #[msg("GPU model name is empty or too long")]
    InvalidGpuModel,
    #[msg("GPU count and hourly price must be greater than zero")]
    InvalidOffer,
    #[msg("The supplier is not accepting rentals")]
    SupplierInactive,
    #[msg("Rental hours must be between 1 and MAX_RENTAL_HOURS")]
    InvalidHours,
    #[msg("The payment mint is not accepted by this market")]
    MintNotAccepted,
    #[msg("The token price has not been set or is older than the allowed staleness")]
    StalePrice,
    #[msg("The amount to pay exceeds the customer's maximum")]
    SlippageExceeded,
    #[msg("The rental is not in the state this instruction needs")]
    InvalidRentalState,
    #[msg("The supplier did not start in time: the rental can only be reclaimed")]
    StartTimeoutPassed,
    #[msg("The start timeout has not passed yet")]
    StartTimeoutNotReached,
    #[msg("Delivered hours exceed the hours bought")]
    InvalidDeliveredHours,
    #[msg("Only the market authority may settle before the dispute window closes, or a disputed rental")]
    SettlementNotAllowed,
    #[msg("The dispute window is closed")]
    DisputeWindowClosed,
    #[msg("The dispute window is outside MIN_DISPUTE_WINDOW..=MAX_DISPUTE_WINDOW")]
    InvalidDisputeWindow,
    #[msg("The token price must be greater than zero")]
    InvalidPrice,
    #[msg("Only the rental's customer may do this")]
    NotCustomer,
    #[msg("The price authority cannot be the default public key")]
    InvalidPriceAuthority,
    #[msg("The start timeout is outside MIN_START_TIMEOUT..=MAX_START_TIMEOUT")]
    InvalidStartTimeout,
    #[msg("The price staleness is outside MIN_PRICE_STALENESS..=MAX_PRICE_STALENESS")]
    InvalidPriceStaleness,
    #[msg("The token price moves by more than MAX_PRICE_CHANGE_BPS of the previous price")]
    PriceChangeTooLarge,
    #[msg("The token price is below the supplier's floor for token payment")]
    TokenPriceBelowFloor,
}
