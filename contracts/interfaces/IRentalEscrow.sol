// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IRentalEscrow
/// @notice GPU rentals paid up front on Arbitrum, in a stablecoin or in the bridged market token
///         (whose fee is discounted): the escrow pays the supplier for delivered hours, the fee
///         to the treasury, and the rest back to the customer. The twin of the Solana program.
/// @dev Payouts are pushed; a payout the token refuses (e.g. a USDC-blocklisted recipient) is
///      credited to the recipient instead, who (or anyone for it) later calls `withdraw`, so
///      no party can block a settlement or a refund for the others.
interface IRentalEscrow {
    enum Currency {
        STABLE,
        TOKEN
    }
    enum State {
        None,
        Created,
        Active,
        Disputed,
        Closed
    }

    /// @notice A rental as `rentals()` returns it. What was rented (model, count, hourly price)
    ///         is the version of the supplier's offer the rental was priced from: `setOffer` writes
    ///         new terms as a new version and never rewrites one, so later offer changes never
    ///         reach an existing rental. `endsAt` is `startedAt + hours_` hours (0 before the
    ///         start). The contract stores less than this (see RentalEscrow's storage notes).
    struct Rental {
        address customer;
        uint64 createdAt;
        uint32 hours_;
        address supplier;
        uint64 startedAt;
        Currency currency;
        State state;
        uint16 gpuCount;
        uint128 price;
        uint128 fee;
        uint128 hourlyPrice;
        uint64 endsAt;
        /// `pausedTime()` when the rental was created: pauses after it extend its start deadline
        uint64 pausedTimeAtCreation;
        bytes32 gpuModel;
    }

    /// @notice A zero address among the stablecoin, token, oracle, treasury or admin.
    error EscrowInvalidConfig();
    /// @notice The fee is above `MAX_FEE_BPS`.
    error EscrowInvalidFeeBps(uint256 feeBps, uint256 maxFeeBps);
    /// @notice The token discount is above `MAX_TOKEN_DISCOUNT_BPS` (100 % of the fee).
    error EscrowInvalidTokenDiscountBps(uint256 tokenDiscountBps, uint256 maxTokenDiscountBps);
    /// @notice The dispute window is outside [`MIN_DISPUTE_WINDOW`, `MAX_DISPUTE_WINDOW`].
    error EscrowInvalidDisputeWindow(uint256 disputeWindow, uint256 min, uint256 max);
    /// @notice The start timeout is outside [`MIN_START_TIMEOUT`, `MAX_START_TIMEOUT`].
    error EscrowInvalidStartTimeout(uint256 startTimeout, uint256 min, uint256 max);
    /// @notice The maximum price staleness is outside [`MIN_PRICE_STALENESS`, `MAX_PRICE_STALENESS`].
    error EscrowInvalidPriceStaleness(uint256 maxPriceStaleness, uint256 min, uint256 max);
    error EscrowInvalidOffer();
    error EscrowSupplierInactive(address supplier);
    error EscrowInvalidHours(uint256 hours_);
    error EscrowStalePrice(uint256 updatedAt, uint256 maxStaleness);
    /// @notice The supplier's offer refuses payment in the market token.
    error EscrowTokenPaymentDisabled(address supplier);
    /// @notice The oracle's token price is below the floor the supplier accepts.
    error EscrowTokenPriceBelowFloor(uint256 price, uint256 minTokenPrice);
    error EscrowSlippage(uint256 total, uint256 maxAmount);
    error EscrowFeeOnTransfer(uint256 expected, uint256 received);
    error EscrowInvalidState(uint256 rentalId, State state);
    error EscrowNotCustomer(uint256 rentalId, address caller);
    error EscrowNotSupplier(uint256 rentalId, address caller);
    error EscrowStartTimeoutPassed(uint256 rentalId);
    error EscrowStartTimeoutNotReached(uint256 rentalId);
    error EscrowSettlementNotAllowed(uint256 rentalId);
    error EscrowInvalidDeliveredHours(uint256 delivered, uint256 hours_);
    error EscrowDisputeWindowClosed(uint256 rentalId);
    /// @notice `account` has no credit in `token`.
    error EscrowNothingToWithdraw(address account, address token);

    event SupplierUpdated(
        address indexed supplier,
        bytes32 gpuModel,
        uint16 gpuCount,
        uint128 hourlyPrice,
        uint128 minTokenPrice,
        bool active
    );
    event RentalCreated(
        uint256 indexed rentalId,
        address indexed customer,
        address indexed supplier,
        uint32 hours_,
        Currency currency,
        uint256 price,
        uint256 fee,
        bytes32 gpuModel,
        uint16 gpuCount,
        uint128 hourlyPrice
    );
    event RentalStarted(uint256 indexed rentalId, uint64 endsAt);
    event RentalDisputed(uint256 indexed rentalId);
    event RentalSettled(
        uint256 indexed rentalId,
        uint32 delivered,
        uint256 toSupplier,
        uint256 fee,
        uint256 refund
    );
    event RentalRefunded(uint256 indexed rentalId, uint256 amount, bool reclaimed);
    /// @notice `token` refused to pay `amount` to `account` (e.g. a blocklist): it was credited instead.
    event PaymentCredited(address indexed account, address indexed token, uint256 amount);
    /// @notice `account`'s credit of `amount` in `token` was paid out to it.
    event CreditWithdrawn(address indexed account, address indexed token, uint256 amount);

    // ------------------------------------------------------------------ bounds (constants)

    /// @notice Highest marketplace fee: 2_000 bps (20 %) of the rental price.
    function MAX_FEE_BPS() external view returns (uint16);
    /// @notice Highest token discount: 10_000 bps (100 %) of the fee.
    function MAX_TOKEN_DISCOUNT_BPS() external view returns (uint16);
    /// @notice Dispute window bounds: 1 hour .. 30 days.
    function MIN_DISPUTE_WINDOW() external view returns (uint64);
    function MAX_DISPUTE_WINDOW() external view returns (uint64);
    /// @notice Start timeout bounds: 5 minutes .. 7 days.
    function MIN_START_TIMEOUT() external view returns (uint64);
    function MAX_START_TIMEOUT() external view returns (uint64);
    /// @notice Maximum price staleness bounds: 1 minute .. 1 day.
    function MIN_PRICE_STALENESS() external view returns (uint64);
    function MAX_PRICE_STALENESS() external view returns (uint64);
    /// @notice Longest rental bought at once: 2_160 hours (90 days).
    function MAX_RENTAL_HOURS() external view returns (uint32);
    /// @notice `minTokenPrice` value with which an offer refuses token payment: `type(uint128).max`.
    function NO_TOKEN_PAYMENT() external view returns (uint128);

    // ------------------------------------------------------------------ suppliers

    /// @notice Lists or updates the caller's offer (open rentals keep their terms: new model,
    ///         count or hourly price are a new version of the offer; the floor and `active` change
    ///         in place).
    /// @param minTokenPrice lowest oracle price of the token (stablecoin base units per whole token)
    ///        at which token payment is accepted; 0 accepts any price, `NO_TOKEN_PAYMENT` none
    function setOffer(
        bytes32 gpuModel,
        uint16 gpuCount,
        uint128 hourlyPrice,
        uint128 minTokenPrice,
        bool active
    ) external;

    // ------------------------------------------------------------------ rentals

    /// @notice Price and fee of `hours_` of `supplier` in `currency`, with the escrow's rounding.
    ///         In the token it reverts on a stale price or one below the supplier's floor.
    function quote(
        address supplier,
        uint32 hours_,
        Currency currency
    ) external view returns (uint256 price, uint256 fee);

    /// @notice Pays price + fee into escrow. Reverts above `maxAmount`.
    function createRental(
        address supplier,
        uint32 hours_,
        Currency currency,
        uint256 maxAmount
    ) external returns (uint256 rentalId);

    /// @notice The supplier starts the rental, before `startDeadline(rentalId)`.
    function startRental(uint256 rentalId) external;

    /// @notice Settles for `delivered` hours: SETTLER_ROLE any time after the start. Anyone settles the
    ///         full delivery once the dispute window closed on an undisputed rental, or a further
    ///         window later on a disputed one the settler left unresolved: silence does not
    ///         refund a rental, only the settler's ruling does.
    function settleRental(uint256 rentalId, uint32 delivered) external;

    /// @notice The customer cancels before the start: full refund.
    function cancelRental(uint256 rentalId) external;

    /// @notice Anyone refunds a rental not started by its start deadline.
    function reclaimExpired(uint256 rentalId) external;

    /// @notice The customer disputes before the window closes.
    function disputeRental(uint256 rentalId) external;

    /// @notice Anyone pays `account` its whole credit in `token`, to `account` itself (never elsewhere,
    ///         so the escrow cannot move a blocklisted party's funds past the blocklist).
    function withdraw(address token, address account) external returns (uint256 amount);

    // ------------------------------------------------------------------ views

    /// @notice A rental, with what was rented.
    function rentals(uint256 rentalId) external view returns (Rental memory);

    /// @notice A supplier's current offer, whether it takes rentals, its open rentals, and the
    ///         lowest token price it accepts (`minTokenPrice`: 0 any, `NO_TOKEN_PAYMENT` none).
    function suppliers(
        address supplier
    )
        external
        view
        returns (
            bytes32 gpuModel,
            uint16 gpuCount,
            bool active,
            uint32 openRentals,
            uint128 hourlyPrice,
            uint128 minTokenPrice
        );

    /// @notice The id the next rental gets (ids start at 1).
    function nextRentalId() external view returns (uint256);

    /// @notice Escrow of open rentals in `currency` (0: stablecoin, 1: token): with `totalCredits`,
    ///         what the escrow holds. Panics on another index.
    function escrowed(uint256 currency) external view returns (uint256);

    /// @notice The last moment the supplier may start the rental: creation + start timeout + the
    ///         time the escrow spent paused since the creation (a pause blocks `startRental`).
    function startDeadline(uint256 rentalId) external view returns (uint256);

    /// @notice Seconds the escrow has spent paused since its deployment, the current pause included.
    function pausedTime() external view returns (uint256);

    /// @notice What `account` may withdraw in `token`: payouts the token refused.
    function credits(address account, address token) external view returns (uint256);

    /// @notice The sum of all credits in `token`: with `escrowed`, what the escrow holds.
    function totalCredits(address token) external view returns (uint256);
}
