// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {IRentalEscrow} from "../interfaces/IRentalEscrow.sol";
import {BpsMath} from "../utils/BpsMath.sol";

/// @title RentalEscrow
/// @notice See IRentalEscrow. Rounding: the fee rounds up, the token discount down, the token
///         conversion up (what the customer pays); payouts to the supplier and the fee on
///         partial delivery round down and the customer receives the exact remainder, so
///         payout + fee + refund == deposit and nothing leaves that was not escrowed.
///         A payout the token refuses (a blocklisted recipient) becomes a credit of the recipient,
///         so the contract always holds exactly `escrowed(c)` + `totalCredits(asset of c)`.
/// @dev Storage is packed for the calls that pay for it (`npm run bench:gas`):
///      - slot 1: Pausable's `_paused` and the four words declared first below (the compiler packs
///        a contract's first small variables into its base's last slot): one cold slot gives a
///        createRental the pause flag, the paused time, the next id and the stablecoin escrow;
///      - a rental is two slots (`RentalRecord`), three in the token: it keeps the offer version
///        it was priced from, whose terms are never rewritten (`OfferTerms`), instead of a copy of
///        them, and a stablecoin rental's price and fee are derived from that version;
///      - a supplier's current state is one slot (`SupplierRecord`);
///      - the reentrancy guard is transient (EIP-1153: Cancun, Arbitrum since ArbOS 20).
contract RentalEscrow is IRentalEscrow, AccessControl, Pausable, ReentrancyGuardTransient {
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

    // ------------------------------------------------------------------ storage

    /// @dev Seconds spent paused in finished pauses, and when the current pause began. These four
    ///      share slot 1 with Pausable's `_paused` (see the contract's notes); uint40 seconds last
    ///      until the year 36812.
    uint40 private _pausedTotal;
    uint40 private _pausedSince;
    /// @dev The id of the next rental: `nextRentalId()`. 2^48 ids.
    uint48 private _nextRentalId = 1;
    /// @dev `escrowed(STABLE)`: 2^120 base units, far above any stablecoin's supply.
    uint120 private _escrowedStable;
    /// @dev `escrowed(TOKEN)`.
    uint128 private _escrowedToken;

    /// @dev A supplier's current state, one slot: its current terms (a version of `_offers`),
    ///      the token floor, whether it takes rentals, and how many of its rentals are open.
    struct SupplierRecord {
        uint128 minTokenPrice;
        /// 0 until the first `setOffer`; 2^24 - 1 versions at most (setOffer reverts beyond)
        uint24 offerVersion;
        uint32 openRentals;
        bool active;
    }
    /// @dev One version of a supplier's terms, two slots, written once and never changed: a rental
    ///      keeps the version it was priced from, so later offer changes never reach it.
    struct OfferTerms {
        bytes32 gpuModel;
        uint128 hourlyPrice;
        uint16 gpuCount;
    }
    /// @dev A rental: two slots in the stablecoin, three in the token. `rentals()` returns it
    ///      with its terms, its price and fee (`_amounts`) and `endsAt` (`startedAt + hours_`).
    struct RentalRecord {
        // slot 0: who paid, and the inputs of the start deadline
        address customer;
        uint40 createdAt;
        /// `pausedTime()` when the rental was created: pauses after it extend its start deadline
        uint40 pausedTimeAtCreation;
        // slot 1: what start, dispute and settlement read and write
        address supplier;
        State state;
        Currency currency;
        /// <= MAX_RENTAL_HOURS (2_160)
        uint16 hours_;
        uint40 startedAt;
        uint24 offerVersion;
        // slot 2, written for a token rental only (`_amounts`)
        uint128 price;
        uint128 fee;
    }

    mapping(address supplier => SupplierRecord) private _suppliers;
    mapping(address supplier => mapping(uint256 version => OfferTerms)) private _offers;
    mapping(uint256 rentalId => RentalRecord) private _rentals;
    /// @inheritdoc IRentalEscrow
    mapping(address account => mapping(address token => uint256)) public credits;
    /// @inheritdoc IRentalEscrow
    mapping(address token => uint256) public totalCredits;

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
    /// @dev New terms (model, count or hourly price) are written as a new version; the floor and
    ///      `active` are the supplier's current state and change in place.
    function setOffer(
        bytes32 gpuModel,
        uint16 gpuCount,
        uint128 hourlyPrice,
        uint128 minTokenPrice,
        bool active
    ) external {
        if (gpuModel == bytes32(0) || gpuCount == 0 || hourlyPrice == 0) revert EscrowInvalidOffer();
        SupplierRecord storage s = _suppliers[msg.sender];
        uint256 version = s.offerVersion;
        OfferTerms storage current = _offers[msg.sender][version];
        // version 0 holds no terms (its gpuModel is zero, a valid offer's never is): the first
        // offer always writes version 1
        if (
            current.gpuModel != gpuModel || current.gpuCount != gpuCount || current.hourlyPrice != hourlyPrice
        ) {
            ++version;
            _offers[msg.sender][version] = OfferTerms({
                gpuModel: gpuModel,
                hourlyPrice: hourlyPrice,
                gpuCount: gpuCount
            });
            s.offerVersion = SafeCast.toUint24(version);
        }
        (s.minTokenPrice, s.active) = (minTokenPrice, active);
        emit SupplierUpdated(msg.sender, gpuModel, gpuCount, hourlyPrice, minTokenPrice, active);
    }

    // ------------------------------------------------------------------ rentals

    /// @inheritdoc IRentalEscrow
    function quote(
        address supplier,
        uint32 hours_,
        Currency currency
    ) external view returns (uint256 price, uint256 fee) {
        SupplierRecord storage s = _suppliers[supplier];
        return
            _quote(
                supplier,
                _offers[supplier][s.offerVersion].hourlyPrice,
                s.minTokenPrice,
                hours_,
                currency
            );
    }

    /// @inheritdoc IRentalEscrow
    function createRental(
        address supplier,
        uint32 hours_,
        Currency currency,
        uint256 maxAmount
    ) external whenNotPaused nonReentrant returns (uint256 rentalId) {
        SupplierRecord storage s = _suppliers[supplier];
        if (!s.active) revert EscrowSupplierInactive(supplier);
        if (hours_ == 0 || hours_ > MAX_RENTAL_HOURS) revert EscrowInvalidHours(hours_);
        uint24 version = s.offerVersion;
        OfferTerms storage terms = _offers[supplier][version];
        (uint256 price, uint256 fee) = _quote(supplier, terms.hourlyPrice, s.minTokenPrice, hours_, currency);
        uint256 total = price + fee;
        if (total > maxAmount) revert EscrowSlippage(total, maxAmount);
        rentalId = _record(supplier, hours_, currency, version, price, fee);
        ++s.openRentals;
        emit RentalCreated(
            rentalId,
            msg.sender,
            supplier,
            hours_,
            currency,
            price,
            fee,
            terms.gpuModel,
            terms.gpuCount,
            terms.hourlyPrice
        );

        IERC20 asset = _asset(currency);
        uint256 before = asset.balanceOf(address(this));
        asset.safeTransferFrom(msg.sender, address(this), total);
        uint256 received = asset.balanceOf(address(this)) - before;
        if (received != total) revert EscrowFeeOnTransfer(total, received);
    }

    /// @inheritdoc IRentalEscrow
    function startRental(uint256 rentalId) external whenNotPaused {
        RentalRecord storage r = _rentals[rentalId];
        State state = r.state;
        if (state != State.Created) revert EscrowInvalidState(rentalId, state);
        if (msg.sender != r.supplier) revert EscrowNotSupplier(rentalId, msg.sender);
        // not paused here (whenNotPaused), so `_pausedTotal` is `pausedTime()` now
        if (block.timestamp > _startDeadline(r, _pausedTotal)) revert EscrowStartTimeoutPassed(rentalId);
        (r.state, r.startedAt) = (State.Active, uint40(block.timestamp));
        emit RentalStarted(rentalId, uint64(_endsAt(r)));
    }

    /// @inheritdoc IRentalEscrow
    function disputeRental(uint256 rentalId) external {
        RentalRecord storage r = _rentals[rentalId];
        State state = r.state;
        if (state != State.Active) revert EscrowInvalidState(rentalId, state);
        if (msg.sender != r.customer) revert EscrowNotCustomer(rentalId, msg.sender);
        if (block.timestamp >= _endsAt(r) + disputeWindow) revert EscrowDisputeWindowClosed(rentalId);
        r.state = State.Disputed;
        emit RentalDisputed(rentalId);
    }

    /// @inheritdoc IRentalEscrow
    /// @dev Why an unresolved dispute settles in full rather than refunding: the supplier has
    ///      started the rental and, absent a ruling, nothing shows it was not delivered; a refund
    ///      on silence would let any customer dispute every rental and get the GPU time free
    ///      whenever the settler is slow. The dispute only buys the settler a further window.
    function settleRental(uint256 rentalId, uint32 delivered) external nonReentrant {
        RentalRecord storage r = _rentals[rentalId];
        State state = r.state;
        if (state != State.Active && state != State.Disputed) revert EscrowInvalidState(rentalId, state);
        uint32 hours_ = r.hours_;
        if (hasRole(SETTLER_ROLE, msg.sender)) {
            if (delivered > hours_) revert EscrowInvalidDeliveredHours(delivered, hours_);
        } else {
            // undisputed: anyone once the dispute window closed; disputed and left unresolved by
            // the settler: anyone a further window later. Either way only the full delivery.
            uint256 openAt = _endsAt(r) + disputeWindow;
            if (state == State.Disputed) openAt += disputeWindow;
            if (block.timestamp < openAt || delivered != hours_) revert EscrowSettlementNotAllowed(rentalId);
        }
        (address supplier, Currency currency) = (r.supplier, r.currency);
        (uint256 price, uint256 fee) = _amounts(r, supplier, currency);
        (uint256 toSupplier, uint256 feePaid, uint256 refund) = split(price, fee, delivered, hours_);
        r.state = State.Closed;
        _release(currency, price + fee);
        --_suppliers[supplier].openRentals;
        emit RentalSettled(rentalId, delivered, toSupplier, feePaid, refund);
        IERC20 asset = _asset(currency);
        _pay(asset, supplier, toSupplier);
        _pay(asset, treasury, feePaid);
        // the customer's slot is read only when there is something to refund
        if (refund != 0) _pay(asset, r.customer, refund);
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
        _pausedSince = uint40(block.timestamp);
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
        _pausedTotal += uint40(block.timestamp) - _pausedSince;
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRentalEscrow
    function rentals(uint256 rentalId) external view returns (Rental memory rental) {
        RentalRecord storage r = _rentals[rentalId];
        OfferTerms storage terms = _offers[r.supplier][r.offerVersion];
        (uint256 price, uint256 fee) = _amounts(r, r.supplier, r.currency);
        rental = Rental({
            customer: r.customer,
            createdAt: r.createdAt,
            hours_: r.hours_,
            supplier: r.supplier,
            startedAt: r.startedAt,
            currency: r.currency,
            state: r.state,
            gpuCount: terms.gpuCount,
            // what createRental charged, which fit in 128 bits (SafeCast there)
            price: uint128(price),
            fee: uint128(fee),
            hourlyPrice: terms.hourlyPrice,
            endsAt: uint64(_endsAt(r)),
            pausedTimeAtCreation: r.pausedTimeAtCreation,
            gpuModel: terms.gpuModel
        });
    }

    /// @inheritdoc IRentalEscrow
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
        )
    {
        SupplierRecord storage s = _suppliers[supplier];
        OfferTerms storage terms = _offers[supplier][s.offerVersion];
        return (terms.gpuModel, terms.gpuCount, s.active, s.openRentals, terms.hourlyPrice, s.minTokenPrice);
    }

    /// @inheritdoc IRentalEscrow
    function nextRentalId() external view returns (uint256) {
        return _nextRentalId;
    }

    /// @inheritdoc IRentalEscrow
    /// @dev Panics on another index, as the public array it replaces did.
    function escrowed(uint256 currency) external view returns (uint256) {
        uint256[2] memory byCurrency = [uint256(_escrowedStable), _escrowedToken];
        return byCurrency[currency];
    }

    /// @inheritdoc IRentalEscrow
    function startDeadline(uint256 rentalId) public view returns (uint256) {
        return _startDeadline(_rentals[rentalId], pausedTime());
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
        // full delivery: what the two mulDivs below give (x * h / h == x), without them
        if (delivered == hours_) return (price, fee, 0);
        toSupplier = Math.mulDiv(price, delivered, hours_);
        feePaid = Math.mulDiv(fee, delivered, hours_);
        // toSupplier <= price and feePaid <= fee, so this cannot underflow
        refund = price + fee - toSupplier - feePaid;
    }

    // ------------------------------------------------------------------ internals

    /// @dev `quote` from the supplier's loaded terms.
    function _quote(
        address supplier,
        uint256 hourlyPrice,
        uint256 floor,
        uint32 hours_,
        Currency currency
    ) private view returns (uint256 price, uint256 fee) {
        (uint256 priceStable, uint256 feeStable) = _stableAmounts(hourlyPrice, hours_);
        if (currency == Currency.STABLE) return (priceStable, feeStable);
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

    /// @dev Creation + start timeout + the time spent paused since the creation, given
    ///      `pausedNow` = `pausedTime()`: it only grows and was `pausedTimeAtCreation` at the
    ///      creation, so the subtraction cannot underflow.
    function _startDeadline(RentalRecord storage r, uint256 pausedNow) private view returns (uint256) {
        return uint256(r.createdAt) + startTimeout + pausedNow - r.pausedTimeAtCreation;
    }

    /// @dev When a started rental's hours run out; 0 before the start.
    function _endsAt(RentalRecord storage r) private view returns (uint256) {
        uint256 startedAt = r.startedAt;
        return startedAt == 0 ? 0 : startedAt + uint256(r.hours_) * 1 hours;
    }

    /// @dev Writes a new rental of the caller's, priced `price` + `fee`, into escrow; its id.
    function _record(
        address supplier,
        uint32 hours_,
        Currency currency,
        uint24 version,
        uint256 price,
        uint256 fee
    ) private returns (uint256 rentalId) {
        rentalId = _nextRentalId;
        // checked: the 2^48th rental reverts
        ++_nextRentalId;
        RentalRecord storage r = _rentals[rentalId];
        // not paused here (createRental is whenNotPaused), so `_pausedTotal` is `pausedTime()` now
        (r.customer, r.createdAt, r.pausedTimeAtCreation) = (
            msg.sender,
            uint40(block.timestamp),
            _pausedTotal
        );
        // hours_ <= MAX_RENTAL_HOURS (checked by the caller) fits in 16 bits; what was rented is
        // the offer version, which later offer changes never rewrite
        (r.supplier, r.state, r.currency, r.hours_, r.offerVersion) = (
            supplier,
            State.Created,
            currency,
            uint16(hours_),
            version
        );
        // the view returns both as uint128, whichever the currency
        (uint128 price128, uint128 fee128) = (SafeCast.toUint128(price), SafeCast.toUint128(fee));
        // a stablecoin rental's price and fee follow from what is stored (`_amounts`): only a
        // token rental's, which depend on the oracle price of the moment, take a third slot
        if (currency == Currency.TOKEN) {
            (r.price, r.fee) = (price128, fee128);
            _escrowedToken = SafeCast.toUint128(_escrowedToken + price + fee);
        } else {
            _escrowedStable = SafeCast.toUint120(_escrowedStable + price + fee);
        }
    }

    /// @dev A rental's price and fee. A token rental stores them. A stablecoin rental's are what
    ///      `_quote` charged at its creation, computed again from the same inputs, none of which can
    ///      change: its offer version (never rewritten), its hours and the immutable `feeBps`.
    ///      A rental that does not exist has no offer version: 0 and 0.
    function _amounts(
        RentalRecord storage r,
        address supplier,
        Currency currency
    ) private view returns (uint256 price, uint256 fee) {
        if (currency == Currency.TOKEN) return (r.price, r.fee);
        return _stableAmounts(_offers[supplier][r.offerVersion].hourlyPrice, r.hours_);
    }

    /// @dev The price of `hours_` at `hourlyPrice` and its fee (rounded up) in the stablecoin: the
    ///      one formula behind a quote and behind a stablecoin rental's stored-nowhere amounts.
    function _stableAmounts(
        uint256 hourlyPrice,
        uint256 hours_
    ) private view returns (uint256 price, uint256 fee) {
        price = hourlyPrice * hours_;
        fee = BpsMath.mulBpsUp(price, feeBps);
    }

    /// @dev `amount` of `currency` leaves the escrow of open rentals (checked: never below zero).
    function _release(Currency currency, uint256 amount) private {
        if (currency == Currency.STABLE) _escrowedStable -= SafeCast.toUint120(amount);
        else _escrowedToken -= SafeCast.toUint128(amount);
    }

    function _refund(uint256 rentalId, bool reclaimed) private {
        RentalRecord storage r = _rentals[rentalId];
        State state = r.state;
        if (state != State.Created) revert EscrowInvalidState(rentalId, state);
        (address supplier, Currency currency) = (r.supplier, r.currency);
        (uint256 price, uint256 fee) = _amounts(r, supplier, currency);
        uint256 amount = price + fee;
        r.state = State.Closed;
        _release(currency, amount);
        --_suppliers[supplier].openRentals;
        emit RentalRefunded(rentalId, amount, reclaimed);
        _pay(_asset(currency), r.customer, amount);
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
