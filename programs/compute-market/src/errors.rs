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
    #[msg("The subsidy authority cannot be the default public key")]
    InvalidSubsidyAuthority,
    #[msg("The subsidy cap per period must be greater than zero")]
    InvalidSubsidyCap,
    #[msg("The subsidy period is outside MIN_SUBSIDY_PERIOD..=MAX_SUBSIDY_PERIOD")]
    InvalidSubsidyPeriod,
    #[msg("The subsidy claim delay is outside MIN_SUBSIDY_CLAIM_DELAY..=MAX_SUBSIDY_CLAIM_DELAY")]
    InvalidSubsidyClaimDelay,
    #[msg(
        "The subsidy claim window is outside MIN_SUBSIDY_CLAIM_WINDOW..=MAX_SUBSIDY_CLAIM_WINDOW"
    )]
    InvalidSubsidyClaimWindow,
    #[msg("A subsidy epoch needs a non-zero root, total and leaf count")]
    InvalidSubsidyEpoch,
    #[msg("The subsidies posted in this period would exceed max_subsidy_per_period")]
    SubsidyCapExceeded,
    #[msg("The ignition pool (funded - paid - reserved) does not cover the epoch's total")]
    SubsidyPoolExceeded,
    #[msg("The subsidy epoch's claims have opened: its root can no longer be replaced")]
    SubsidyEpochAlreadyOpen,
    #[msg("The subsidy epoch number is below the next unused one (posted or closed before)")]
    SubsidyEpochNumberUsed,
    #[msg("The subsidy epoch's claim window has not opened yet")]
    SubsidyEpochNotOpen,
    #[msg("The subsidy epoch's claim window has ended")]
    SubsidyEpochExpired,
    #[msg("The subsidy epoch's claim window has not ended yet")]
    SubsidyEpochNotExpired,
    #[msg("The claim index is not below the epoch's leaf count, or the chunk is out of range")]
    InvalidSubsidyIndex,
    #[msg("This subsidy has already been claimed")]
    SubsidyAlreadyClaimed,
    #[msg("The Merkle proof does not prove this claim against the epoch's root")]
    InvalidSubsidyProof,
    #[msg("The Merkle proof is longer than MAX_SUBSIDY_PROOF_DEPTH")]
    SubsidyProofTooLong,
    #[msg("The claims would exceed the subsidy epoch's total")]
    SubsidyEpochOverclaimed,
    #[msg("The account is not the payer recorded for it")]
    NotRecordedPayer,
    // Cross-chain swaps (`instructions/swap/`), appended so the codes above never move.
    #[msg("A swap with this maker and swap id is open")]
    SwapExists,
    #[msg("Swap timelocks must be > 0, strictly increasing and within MAX_SWAP_TIMELOCK / MAX_SWAP_PUBLIC_CANCELLATION")]
    InvalidTimelocks,
    #[msg("The swap's safety deposit must be greater than zero")]
    InvalidSafetyDeposit,
    #[msg("keccak256(secret) does not match the swap's hashlock")]
    InvalidSecret,
    #[msg("Only the swap's recipient may withdraw in the private withdrawal window")]
    NotRecipient,
    #[msg("Only the swap's maker may cancel in the private cancellation window")]
    NotMaker,
    #[msg("The swap's finality lock has not passed: withdrawal is not open yet")]
    WithdrawalNotOpen,
    #[msg("The swap's cancellation window has opened: withdrawal is closed")]
    WithdrawalClosed,
    #[msg("The swap's cancellation window has not opened yet")]
    CancellationNotOpen,
    #[msg("The swap's recipient cannot be the default public key")]
    InvalidRecipient,
}
