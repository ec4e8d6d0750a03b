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
///         A payout the token refuses (a blocklisted recipient) becomes a credit of the recipient,
///         so the contract always holds exactly `escrowed[c]` + `totalCredits[asset of c]`.
contract RentalEscrow is IRentalEscrow, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IRentalEscrow
    uint16 public constant MAX_FEE_BPS = 2_000;
    /// @inheritdoc IRentalEscrow
    uint16 public constant MAX_TOKEN_DISCOUNT_BPS = 10_000;
    /// @inheritdoc IRentalEscrow
    uint64 public constant MIN_DISPUTE_WINDOW = 1 hours;
    /// @inheritdoc IRentalEscrow
    uint64 public constant MAX_DISPUTE_WINDOW = 30 days;
    /// @inheritdoc IRentalEscrow
    uint64 public constant MIN_START_TIMEOUT = 5 minutes;
    /// @inheritdoc IRentalEscrow
    uint64 public constant MAX_START_TIMEOUT = 7 days;
    /// @inheritdoc IRentalEscrow
    uint64 public constant MIN_PRICE_STALENESS = 1 minutes;
    /// @inheritdoc IRentalEscrow
    uint64 public constant MAX_PRICE_STALENESS = 1 days;
    /// @inheritdoc IRentalEscrow
    uint32 public constant MAX_RENTAL_HOURS = 2_160;
    /// @inheritdoc IRentalEscrow
    uint128 public constant NO_TOKEN_PAYMENT = type(uint128).max;

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
    mapping(uint256 rentalId => Rental) private _rentals;
    uint256 public nextRentalId = 1;
    /// @notice Escrow of open rentals per currency.
    uint256[2] public escrowed;
    /// @inheritdoc IRentalEscrow
    mapping(address account => mapping(address token => uint256)) public credits;
    /// @inheritdoc IRentalEscrow
    mapping(address token => uint256) public totalCredits;
    /// @dev Seconds spent paused in finished pauses, and when the current pause began.
    uint64 private _pausedTotal;
    uint64 private _pausedSince;

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

    /// @dev Every time and bps field is bounded here; none has a setter (they are immutable).
    constructor(Config memory c) {
        if (
            address(c.stable) == address(0) ||
            address(c.token) == address(0) ||
            address(c.oracle) == address(0) ||
            c.treasury == address(0) ||
            c.admin == address(0)
        ) revert EscrowInvalidConfig();
        if (c.feeBps > MAX_FEE_BPS) revert EscrowInvalidFeeBps(c.feeBps, MAX_FEE_BPS);
        if (c.tokenDiscountBps > MAX_TOKEN_DISCOUNT_BPS) {
            revert EscrowInvalidTokenDiscountBps(c.tokenDiscountBps, MAX_TOKEN_DISCOUNT_BPS);
        }
        if (c.disputeWindow < MIN_DISPUTE_WINDOW || c.disputeWindow > MAX_DISPUTE_WINDOW) {
            revert EscrowInvalidDisputeWindow(c.disputeWindow, MIN_DISPUTE_WINDOW, MAX_DISPUTE_WINDOW);
        }
        if (c.startTimeout < MIN_START_TIMEOUT || c.startTimeout > MAX_START_TIMEOUT) {
            revert EscrowInvalidStartTimeout(c.startTimeout, MIN_START_TIMEOUT, MAX_START_TIMEOUT);
        }
        if (c.maxPriceStaleness < MIN_PRICE_STALENESS || c.maxPriceStaleness > MAX_PRICE_STALENESS) {
            revert EscrowInvalidPriceStaleness(c.maxPriceStaleness, MIN_PRICE_STALENESS, MAX_PRICE_STALENESS);
        }
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
    function setOffer(
        bytes32 gpuModel,
        uint16 gpuCount,
        uint128 hourlyPrice,
        uint128 minTokenPrice,
        bool active
    ) external {
        if (gpuModel == bytes32(0) || gpuCount == 0 || hourlyPrice == 0) revert EscrowInvalidOffer();
        Supplier storage s = suppliers[msg.sender];
        (s.gpuModel, s.gpuCount, s.hourlyPrice, s.minTokenPrice, s.active) = (
            gpuModel,
            gpuCount,
            hourlyPrice,
            minTokenPrice,
            active
        );
        emit SupplierUpdated(msg.sender, gpuModel, gpuCount, hourlyPrice, minTokenPrice, active);
    }

    // ------------------------------------------------------------------ rentals

    /// @inheritdoc IRentalEscrow
    function quote(
        address supplier,
        uint32 hours_,
        Currency currency
    ) public view returns (uint256 price, uint256 fee) {
        Supplier storage s = suppliers[supplier];
        uint256 priceStable = uint256(s.hourlyPrice) * hours_;
        uint256 feeStable = BpsMath.mulBpsUp(priceStable, feeBps);
        if (currency == Currency.STABLE) return (priceStable, feeStable);
        uint256 floor = s.minTokenPrice;
        if (floor == NO_TOKEN_PAYMENT) revert EscrowTokenPaymentDisabled(supplier);
        (uint256 tokenPrice, uint256 updatedAt) = oracle.latestPrice();
        if (tokenPrice == 0 || block.timestamp > updatedAt + maxPriceStaleness) {
            revert EscrowStalePrice(updatedAt, maxPriceStaleness);
        }
        if (tokenPrice < floor) revert EscrowTokenPriceBelowFloor(tokenPrice, floor);
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
        Rental storage r = _rentals[rentalId];
        r.customer = msg.sender;
        r.createdAt = uint64(block.timestamp);
        r.hours_ = hours_;
        r.supplier = supplier;
        r.currency = currency;
        r.state = State.Created;
        r.price = SafeCast.toUint128(price);
        r.fee = SafeCast.toUint128(fee);
        // what was rented: later offer changes never reach this rental
        r.gpuModel = s.gpuModel;
        r.gpuCount = s.gpuCount;
        r.hourlyPrice = s.hourlyPrice;
        // not paused here (whenNotPaused), so this is `pausedTime()` now
        r.pausedTimeAtCreation = _pausedTotal;
        escrowed[uint8(currency)] += total;
        ++s.openRentals;
        emit RentalCreated(
            rentalId,
            msg.sender,
            supplier,
            hours_,
            currency,
            price,
            fee,
            s.gpuModel,
            s.gpuCount,
            s.hourlyPrice
        );

        IERC20 asset = _asset(currency);
        uint256 before = asset.balanceOf(address(this));
        asset.safeTransferFrom(msg.sender, address(this), total);
        uint256 received = asset.balanceOf(address(this)) - before;
        if (received != total) revert EscrowFeeOnTransfer(total, received);
    }

    /// @inheritdoc IRentalEscrow
    function startRental(uint256 rentalId) external whenNotPaused {
        Rental storage r = _rentals[rentalId];
        if (r.state != State.Created) revert EscrowInvalidState(rentalId, r.state);
        if (msg.sender != r.supplier) revert EscrowNotSupplier(rentalId, msg.sender);
        if (block.timestamp > startDeadline(rentalId)) revert EscrowStartTimeoutPassed(rentalId);
        r.state = State.Active;
        r.startedAt = uint64(block.timestamp);
        r.endsAt = uint64(block.timestamp + uint256(r.hours_) * 1 hours);
        emit RentalStarted(rentalId, r.endsAt);
    }

    /// @inheritdoc IRentalEscrow
    function disputeRental(uint256 rentalId) external {
        Rental storage r = _rentals[rentalId];
        if (r.state != State.Active) revert EscrowInvalidState(rentalId, r.state);
        if (msg.sender != r.customer) revert EscrowNotCustomer(rentalId, msg.sender);
        if (block.timestamp >= r.endsAt + disputeWindow) revert EscrowDisputeWindowClosed(rentalId);
        r.state = State.Disputed;
        emit RentalDisputed(rentalId);
    }

    /// @inheritdoc IRentalEscrow
    /// @dev Why an unresolved dispute settles in full rather than refunding: the supplier has
    ///      started the rental and, absent a ruling, nothing shows it was not delivered; a refund
    ///      on silence would let any customer dispute every rental and get the GPU time free
    ///      whenever the settler is slow. The dispute only buys the settler a further window.
    function settleRental(uint256 rentalId, uint32 delivered) external nonReentrant {
        Rental storage r = _rentals[rentalId];
        State state = r.state;
        if (state != State.Active && state != State.Disputed) revert EscrowInvalidState(rentalId, state);
        if (hasRole(SETTLER_ROLE, msg.sender)) {
            if (delivered > r.hours_) revert EscrowInvalidDeliveredHours(delivered, r.hours_);
        } else {
            // undisputed: anyone once the dispute window closed; disputed and left unresolved by
            // the settler: anyone a further window later. Either way only the full delivery.
            uint256 openAt = uint256(r.endsAt) + disputeWindow;
            if (state == State.Disputed) openAt += disputeWindow;
            if (block.timestamp < openAt || delivered != r.hours_)
                revert EscrowSettlementNotAllowed(rentalId);
        }
        (uint256 toSupplier, uint256 fee, uint256 refund) = split(r.price, r.fee, delivered, r.hours_);
        r.state = State.Closed;
        escrowed[uint8(r.currency)] -= uint256(r.price) + r.fee;
        --suppliers[r.supplier].openRentals;
        emit RentalSettled(rentalId, delivered, toSupplier, fee, refund);
        IERC20 asset = _asset(r.currency);
        _pay(asset, r.supplier, toSupplier);
        _pay(asset, treasury, fee);
        _pay(asset, r.customer, refund);
    }

    /// @inheritdoc IRentalEscrow
    function cancelRental(uint256 rentalId) external nonReentrant {
        if (msg.sender != _rentals[rentalId].customer) revert EscrowNotCustomer(rentalId, msg.sender);
        _refund(rentalId, false);
    }

    /// @inheritdoc IRentalEscrow
    function reclaimExpired(uint256 rentalId) external nonReentrant {
        if (block.timestamp <= startDeadline(rentalId)) revert EscrowStartTimeoutNotReached(rentalId);
        _refund(rentalId, true);
    }

    /// @inheritdoc IRentalEscrow
    function withdraw(address token_, address account) external nonReentrant returns (uint256 amount) {
        amount = credits[account][token_];
        if (amount == 0) revert EscrowNothingToWithdraw(account, token_);
        credits[account][token_] = 0;
        totalCredits[token_] -= amount;
        emit CreditWithdrawn(account, token_, amount);
        IERC20(token_).safeTransfer(account, amount);
    }

    /// @notice Pauses new rentals and starts; the start deadlines of waiting rentals stop running.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
        _pausedSince = uint64(block.timestamp);
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
        _pausedTotal += uint64(block.timestamp) - _pausedSince;
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRentalEscrow
    function rentals(uint256 rentalId) external view returns (Rental memory) {
        return _rentals[rentalId];
    }

    /// @inheritdoc IRentalEscrow
    function startDeadline(uint256 rentalId) public view returns (uint256) {
        Rental storage r = _rentals[rentalId];
        // pausedTime() only grows and was pausedTimeAtCreation at the creation: no underflow
        return uint256(r.createdAt) + startTimeout + pausedTime() - r.pausedTimeAtCreation;
    }

    /// @inheritdoc IRentalEscrow
    function pausedTime() public view returns (uint256) {
        return paused() ? uint256(_pausedTotal) + block.timestamp - _pausedSince : _pausedTotal;
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
        Rental storage r = _rentals[rentalId];
        if (r.state != State.Created) revert EscrowInvalidState(rentalId, r.state);
        uint256 amount = uint256(r.price) + r.fee;
        r.state = State.Closed;
        escrowed[uint8(r.currency)] -= amount;
        --suppliers[r.supplier].openRentals;
        emit RentalRefunded(rentalId, amount, reclaimed);
        _pay(_asset(r.currency), r.customer, amount);
    }

    /// @dev Pays `amount` to `to`, or credits it to `to` if the token refuses the transfer (a
    ///      blocklisted recipient, a paused token): one party can never block the others' payouts.
    ///      The credit is written after the call only when the call failed, i.e. changed nothing;
    ///      callers are nonReentrant and the two tokens are the configured ones. A caller who
    ///      starves the transfer of gas only turns a payout into a credit of the same recipient.
    function _pay(IERC20 asset, address to, uint256 amount) private {
        if (amount == 0) return;
        if (!asset.trySafeTransfer(to, amount)) {
            credits[to][address(asset)] += amount;
            totalCredits[address(asset)] += amount;
            emit PaymentCredited(to, address(asset), amount);
        }
    }

    function _asset(Currency currency) private view returns (IERC20) {
        return currency == Currency.STABLE ? stable : token;
    }
}
