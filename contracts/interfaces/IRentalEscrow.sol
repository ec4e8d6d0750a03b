// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IRentalEscrow
/// @notice GPU rentals paid up front on Arbitrum, in a stablecoin or in the bridged market token
///         (whose fee is discounted): the escrow pays the supplier for delivered hours, the fee
///         to the treasury, and the rest back to the customer. The twin of the Solana program.
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

    struct Supplier {
        bytes32 gpuModel;
        uint16 gpuCount;
        bool active;
        uint32 openRentals;
        /// stablecoin base units per hour of the whole offer
        uint128 hourlyPrice;
    }

    struct Rental {
        address customer;
        address supplier;
        uint32 hours_;
        Currency currency;
        State state;
        uint128 price;
        uint128 fee;
        uint64 createdAt;
        uint64 startedAt;
        uint64 endsAt;
    }

    error EscrowInvalidConfig();
    error EscrowInvalidOffer();
    error EscrowSupplierInactive(address supplier);
    error EscrowInvalidHours(uint256 hours_);
    error EscrowStalePrice(uint256 updatedAt, uint256 maxStaleness);
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

    event SupplierUpdated(
        address indexed supplier,
        bytes32 gpuModel,
        uint16 gpuCount,
        uint128 hourlyPrice,
        bool active
    );
    event RentalCreated(
        uint256 indexed rentalId,
        address indexed customer,
        address indexed supplier,
        uint32 hours_,
        Currency currency,
        uint256 price,
        uint256 fee
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

    /// @notice Lists or updates the caller's offer (open rentals keep their terms).
    function setOffer(bytes32 gpuModel, uint16 gpuCount, uint128 hourlyPrice, bool active) external;

    /// @notice Price, fee and total of `hours_` of `supplier` in `currency`, with the escrow's rounding.
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

    /// @notice The supplier starts the rental, within the start timeout.
    function startRental(uint256 rentalId) external;

    /// @notice Settles for `delivered` hours: SETTLER_ROLE any time after the start; anyone once the
    ///         dispute window closed on an undisputed rental (full delivery).
    function settleRental(uint256 rentalId, uint32 delivered) external;

    /// @notice The customer cancels before the start: full refund.
    function cancelRental(uint256 rentalId) external;

    /// @notice Anyone refunds a rental not started within the timeout.
    function reclaimExpired(uint256 rentalId) external;

    /// @notice The customer disputes before the window closes.
    function disputeRental(uint256 rentalId) external;
}
