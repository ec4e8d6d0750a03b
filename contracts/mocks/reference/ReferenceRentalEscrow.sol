// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title ReferenceRentalEscrow
/// @dev Benchmark reference only (`npm run bench:gas`): the rental escrow one would write from
///      OpenZeppelin primitives alone (SafeERC20, AccessControl, ReentrancyGuard), with a plain
///      storage struct of full-width fields and no packing. The customer pays price + fee up
///      front; the supplier starts; the settler pays the supplier for the delivered hours, the
///      fee pro rata to the treasury and the rest back to the customer. It has none of
///      RentalEscrow's oracle pricing, pause, timeouts, disputes or blocklist credits: it stands
///      for the least an escrow of this shape costs, not for a usable contract.
contract ReferenceRentalEscrow is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");

    enum Status {
        None,
        Created,
        Active,
        Settled
    }

    struct Rental {
        address customer;
        address supplier;
        IERC20 token;
        uint256 price;
        uint256 fee;
        uint256 hoursRented;
        uint256 createdAt;
        uint256 startedAt;
        Status status;
    }

    address public immutable treasury;
    uint256 public immutable feeBps;
    /// @notice Each supplier's price per hour in each accepted token (0: not offered).
    mapping(address supplier => mapping(IERC20 token => uint256)) public hourlyPrice;
    mapping(uint256 rentalId => Rental) public rentals;
    uint256 public nextRentalId = 1;

    event OfferSet(address indexed supplier, IERC20 indexed token, uint256 hourlyPrice);
    event RentalCreated(
        uint256 indexed rentalId,
        address indexed customer,
        address indexed supplier,
        uint256 price,
        uint256 fee
    );
    event RentalStarted(uint256 indexed rentalId);
    event RentalSettled(uint256 indexed rentalId, uint256 toSupplier, uint256 fee, uint256 refund);

    error ReferenceNotOffered(address supplier, IERC20 token);
    error ReferenceInvalidStatus(uint256 rentalId, Status status);
    error ReferenceNotSupplier(uint256 rentalId, address caller);
    error ReferenceInvalidHours(uint256 hoursRented);

    constructor(address admin, address treasury_, uint256 feeBps_) {
        treasury = treasury_;
        feeBps = feeBps_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(SETTLER_ROLE, admin);
    }

    function setOffer(IERC20 token, uint256 price) external {
        hourlyPrice[msg.sender][token] = price;
        emit OfferSet(msg.sender, token, price);
    }

    function createRental(
        address supplier,
        IERC20 token,
        uint256 hoursRented
    ) external nonReentrant returns (uint256 rentalId) {
        uint256 perHour = hourlyPrice[supplier][token];
        if (perHour == 0) revert ReferenceNotOffered(supplier, token);
        if (hoursRented == 0) revert ReferenceInvalidHours(hoursRented);
        uint256 price = perHour * hoursRented;
        uint256 fee = (price * feeBps) / 10_000;
        rentalId = nextRentalId;
        ++nextRentalId;
        rentals[rentalId] = Rental({
            customer: msg.sender,
            supplier: supplier,
            token: token,
            price: price,
            fee: fee,
            hoursRented: hoursRented,
            createdAt: block.timestamp,
            startedAt: 0,
            status: Status.Created
        });
        emit RentalCreated(rentalId, msg.sender, supplier, price, fee);
        token.safeTransferFrom(msg.sender, address(this), price + fee);
    }

    function startRental(uint256 rentalId) external {
        Rental storage r = rentals[rentalId];
        if (r.status != Status.Created) revert ReferenceInvalidStatus(rentalId, r.status);
        if (msg.sender != r.supplier) revert ReferenceNotSupplier(rentalId, msg.sender);
        r.status = Status.Active;
        r.startedAt = block.timestamp;
        emit RentalStarted(rentalId);
    }

    function settleRental(uint256 rentalId, uint256 delivered) external onlyRole(SETTLER_ROLE) nonReentrant {
        Rental storage r = rentals[rentalId];
        if (r.status != Status.Active) revert ReferenceInvalidStatus(rentalId, r.status);
        if (delivered > r.hoursRented) revert ReferenceInvalidHours(delivered);
        uint256 toSupplier = (r.price * delivered) / r.hoursRented;
        uint256 feePaid = (r.fee * delivered) / r.hoursRented;
        uint256 refund = r.price + r.fee - toSupplier - feePaid;
        r.status = Status.Settled;
        emit RentalSettled(rentalId, toSupplier, feePaid, refund);
        if (toSupplier > 0) r.token.safeTransfer(r.supplier, toSupplier);
        if (feePaid > 0) r.token.safeTransfer(treasury, feePaid);
        if (refund > 0) r.token.safeTransfer(r.customer, refund);
    }
}
