// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IRentalEscrow} from "../interfaces/IRentalEscrow.sol";
import {BpsMath} from "../utils/BpsMath.sol";

/// @title RentalEscrow
/// @notice See IRentalEscrow. Rounding: the fee rounds up, the token discount down, the token
///         conversion up (what the customer pays); payouts to the supplier and the fee on
///         partial delivery round down and the customer receives the exact remainder, so
///         payout + fee + refund == deposit and nothing leaves that was not escrowed.
contract RentalEscrow is IRentalEscrow, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    uint256 public constant MAX_FEE_BPS = 2_000;
    uint32 public constant MAX_RENTAL_HOURS = 2_160;

    IERC20 public immutable stable;
    IERC20 public immutable token;
    IPriceOracle public immutable oracle;
    address public immutable treasury;
    uint16 public immutable feeBps;
    uint16 public immutable tokenDiscountBps;
    uint64 public immutable maxPriceStaleness;
    uint64 public immutable startTimeout;
    uint64 public immutable disputeWindow;

    mapping(address supplier => Supplier) public suppliers;
    mapping(uint256 rentalId => Rental) public rentals;
    uint256 public nextRentalId = 1;
    /// @notice Escrow of open rentals per currency: the contract always holds at least this.
    uint256[2] public escrowed;

    struct Config {
        IERC20 stable;
        IERC20 token;
        IPriceOracle oracle;
        address treasury;
        address admin;
        uint16 feeBps;
        uint16 tokenDiscountBps;
        uint64 maxPriceStaleness;
        uint64 startTimeout;
        uint64 disputeWindow;
    }

    constructor(Config memory c) {
        if (
            address(c.stable) == address(0) ||
            address(c.token) == address(0) ||
            address(c.oracle) == address(0) ||
            c.treasury == address(0) ||
            c.admin == address(0) ||
            c.feeBps > MAX_FEE_BPS ||
            c.tokenDiscountBps > BpsMath.MAX_BPS ||
            c.startTimeout == 0 ||
            c.disputeWindow == 0
        ) revert EscrowInvalidConfig();
        stable = c.stable;
        token = c.token;
        oracle = c.oracle;
        treasury = c.treasury;
        feeBps = c.feeBps;
        tokenDiscountBps = c.tokenDiscountBps;
        maxPriceStaleness = c.maxPriceStaleness;
        startTimeout = c.startTimeout;
        disputeWindow = c.disputeWindow;
        _grantRole(DEFAULT_ADMIN_ROLE, c.admin);
        _grantRole(SETTLER_ROLE, c.admin);
        _grantRole(PAUSER_ROLE, c.admin);
    }

    // ------------------------------------------------------------------ suppliers

    /// @inheritdoc IRentalEscrow
    function setOffer(bytes32 gpuModel, uint16 gpuCount, uint128 hourlyPrice, bool active) external {
        if (gpuModel == bytes32(0) || gpuCount == 0 || hourlyPrice == 0) revert EscrowInvalidOffer();
        Supplier storage s = suppliers[msg.sender];
        (s.gpuModel, s.gpuCount, s.hourlyPrice, s.active) = (gpuModel, gpuCount, hourlyPrice, active);
        emit SupplierUpdated(msg.sender, gpuModel, gpuCount, hourlyPrice, active);
    }

    // ------------------------------------------------------------------ rentals

    /// @inheritdoc IRentalEscrow
    function quote(
        address supplier,
        uint32 hours_,
        Currency currency
    ) public view returns (uint256 price, uint256 fee) {
        uint256 priceStable = uint256(suppliers[supplier].hourlyPrice) * hours_;
        uint256 feeStable = BpsMath.mulBpsUp(priceStable, feeBps);
        if (currency == Currency.STABLE) return (priceStable, feeStable);
        (uint256 tokenPrice, uint256 updatedAt) = oracle.latestPrice();
        if (tokenPrice == 0 || block.timestamp > updatedAt + maxPriceStaleness) {
            revert EscrowStalePrice(updatedAt, maxPriceStaleness);
        }
        uint256 waived = BpsMath.mulBpsDown(feeStable, tokenDiscountBps);
        price = Math.mulDiv(priceStable, 1e18, tokenPrice, Math.Rounding.Ceil);
        fee = Math.mulDiv(feeStable - waived, 1e18, tokenPrice, Math.Rounding.Ceil);
    }

    /// @inheritdoc IRentalEscrow
    function createRental(
        address supplier,
        uint32 hours_,
        Currency currency,
        uint256 maxAmount
    ) external whenNotPaused nonReentrant returns (uint256 rentalId) {
        Supplier storage s = suppliers[supplier];
        if (!s.active) revert EscrowSupplierInactive(supplier);
        if (hours_ == 0 || hours_ > MAX_RENTAL_HOURS) revert EscrowInvalidHours(hours_);
        (uint256 price, uint256 fee) = quote(supplier, hours_, currency);
        uint256 total = price + fee;
        if (total > maxAmount) revert EscrowSlippage(total, maxAmount);

        rentalId = nextRentalId;
        ++nextRentalId;
        rentals[rentalId] = Rental({
            customer: msg.sender,
            supplier: supplier,
            hours_: hours_,
            currency: currency,
            state: State.Created,
            price: SafeCast.toUint128(price),
            fee: SafeCast.toUint128(fee),
            createdAt: uint64(block.timestamp),
            startedAt: 0,
            endsAt: 0
        });
        escrowed[uint8(currency)] += total;
        ++s.openRentals;
        emit RentalCreated(rentalId, msg.sender, supplier, hours_, currency, price, fee);

        IERC20 asset = _asset(currency);
        uint256 before = asset.balanceOf(address(this));
        asset.safeTransferFrom(msg.sender, address(this), total);
        uint256 received = asset.balanceOf(address(this)) - before;
        if (received != total) revert EscrowFeeOnTransfer(total, received);
    }

    /// @inheritdoc IRentalEscrow
    function startRental(uint256 rentalId) external whenNotPaused {
        Rental storage r = rentals[rentalId];
        if (r.state != State.Created) revert EscrowInvalidState(rentalId, r.state);
        if (msg.sender != r.supplier) revert EscrowNotSupplier(rentalId, msg.sender);
        if (block.timestamp > r.createdAt + startTimeout) revert EscrowStartTimeoutPassed(rentalId);
        r.state = State.Active;
        r.startedAt = uint64(block.timestamp);
        r.endsAt = uint64(block.timestamp + uint256(r.hours_) * 1 hours);
        emit RentalStarted(rentalId, r.endsAt);
    }

    /// @inheritdoc IRentalEscrow
    function disputeRental(uint256 rentalId) external {
        Rental storage r = rentals[rentalId];
        if (r.state != State.Active) revert EscrowInvalidState(rentalId, r.state);
        if (msg.sender != r.customer) revert EscrowNotCustomer(rentalId, msg.sender);
        if (block.timestamp >= r.endsAt + disputeWindow) revert EscrowDisputeWindowClosed(rentalId);
        r.state = State.Disputed;
        emit RentalDisputed(rentalId);
    }

    /// @inheritdoc IRentalEscrow
    function settleRental(uint256 rentalId, uint32 delivered) external nonReentrant {
        Rental storage r = rentals[rentalId];
        State state = r.state;
        if (state != State.Active && state != State.Disputed) revert EscrowInvalidState(rentalId, state);
        uint256 windowEnd = uint256(r.endsAt) + disputeWindow;
        if (hasRole(SETTLER_ROLE, msg.sender)) {
            if (delivered > r.hours_) revert EscrowInvalidDeliveredHours(delivered, r.hours_);
        } else if (state == State.Active && block.timestamp >= windowEnd && delivered == r.hours_) {
            // undisputed and past the window: the full delivery is due
        } else if (
            state == State.Disputed && block.timestamp >= windowEnd + disputeWindow && delivered == 0
        ) {
            // a dispute left unresolved for a further window: full refund, nothing stays locked
        } else {
            revert EscrowSettlementNotAllowed(rentalId);
        }
        (uint256 toSupplier, uint256 fee, uint256 refund) = split(r.price, r.fee, delivered, r.hours_);
        r.state = State.Closed;
        escrowed[uint8(r.currency)] -= uint256(r.price) + r.fee;
        --suppliers[r.supplier].openRentals;
        emit RentalSettled(rentalId, delivered, toSupplier, fee, refund);
        IERC20 asset = _asset(r.currency);
        if (toSupplier > 0) asset.safeTransfer(r.supplier, toSupplier);
        if (fee > 0) asset.safeTransfer(treasury, fee);
        if (refund > 0) asset.safeTransfer(r.customer, refund);
    }

    /// @inheritdoc IRentalEscrow
    function cancelRental(uint256 rentalId) external nonReentrant {
        if (msg.sender != rentals[rentalId].customer) revert EscrowNotCustomer(rentalId, msg.sender);
        _refund(rentalId, false);
    }

    /// @inheritdoc IRentalEscrow
    function reclaimExpired(uint256 rentalId) external nonReentrant {
        if (block.timestamp <= rentals[rentalId].createdAt + startTimeout)
            revert EscrowStartTimeoutNotReached(rentalId);
        _refund(rentalId, true);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @notice How an escrow of `price + fee` splits when `delivered` of `hours_` were delivered.
    function split(
        uint256 price,
        uint256 fee,
        uint32 delivered,
        uint32 hours_
    ) public pure returns (uint256 toSupplier, uint256 feePaid, uint256 refund) {
        if (delivered > hours_) revert EscrowInvalidDeliveredHours(delivered, hours_);
        toSupplier = Math.mulDiv(price, delivered, hours_);
        feePaid = Math.mulDiv(fee, delivered, hours_);
        // toSupplier <= price and feePaid <= fee, so this cannot underflow
        refund = price + fee - toSupplier - feePaid;
    }

    function _refund(uint256 rentalId, bool reclaimed) private {
        Rental storage r = rentals[rentalId];
        if (r.state != State.Created) revert EscrowInvalidState(rentalId, r.state);
        uint256 amount = uint256(r.price) + r.fee;
        r.state = State.Closed;
        escrowed[uint8(r.currency)] -= amount;
        --suppliers[r.supplier].openRentals;
        emit RentalRefunded(rentalId, amount, reclaimed);
        _asset(r.currency).safeTransfer(r.customer, amount);
    }

    function _asset(Currency currency) private view returns (IERC20) {
        return currency == Currency.STABLE ? stable : token;
    }
}
