// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ManualPriceOracle} from "../../../contracts/escrow/ManualPriceOracle.sol";
import {RentalEscrow} from "../../../contracts/escrow/RentalEscrow.sol";
import {IManualPriceOracle, IPriceOracle} from "../../../contracts/interfaces/IPriceOracle.sol";
import {IRentalEscrow} from "../../../contracts/interfaces/IRentalEscrow.sol";

/// @dev Test-only oracle: whatever price and update time the test sets, zero included (the
///      ManualPriceOracle refuses a zero price, a market-feed adapter might not).
contract SetPriceOracle is IPriceOracle {
    uint256 internal _price;
    uint256 internal _updatedAt;

    function set(uint256 price, uint256 updatedAt) external {
        (_price, _updatedAt) = (price, updatedAt);
    }

    function latestPrice() external view returns (uint256, uint256) {
        return (_price, _updatedAt);
    }
}

contract RentalEscrowFuzzTest is Test {
    RentalEscrow internal escrow;

    function setUp() public {
        escrow = new RentalEscrow(_config(500, 2_500, 1 hours, 1 hours, 1 days));
    }

    function _config(
        uint16 feeBps,
        uint16 tokenDiscountBps,
        uint64 maxPriceStaleness,
        uint64 startTimeout,
        uint64 disputeWindow
    ) internal view returns (RentalEscrow.Config memory) {
        return
            RentalEscrow.Config({
                stable: IERC20(address(1)),
                token: IERC20(address(2)),
                oracle: IPriceOracle(address(3)),
                treasury: address(4),
                admin: address(this),
                feeBps: feeBps,
                tokenDiscountBps: tokenDiscountBps,
                maxPriceStaleness: maxPriceStaleness,
                startTimeout: startTimeout,
                disputeWindow: disputeWindow
            });
    }

    /// finding 10-M: any configuration is accepted exactly when every field is within its bound,
    /// and the first field out of bound names itself.
    function testFuzz_constructorAcceptsExactlyTheBoundedConfigs(
        uint16 feeBps,
        uint16 discountBps,
        uint64 staleness,
        uint64 timeout,
        uint64 window
    ) public {
        // mostly near the bounds, so that both sides of each are reached
        feeBps = uint16(bound(feeBps, 1_900, 2_100));
        discountBps = uint16(bound(discountBps, 9_900, 10_100));
        staleness = uint64(bound(staleness, 0, 2 days));
        timeout = uint64(bound(timeout, 0, 8 days));
        window = uint64(bound(window, 0, 31 days));
        RentalEscrow.Config memory c = _config(feeBps, discountBps, staleness, timeout, window);
        if (feeBps > 2_000) {
            vm.expectRevert(
                abi.encodeWithSelector(IRentalEscrow.EscrowInvalidFeeBps.selector, feeBps, 2_000)
            );
        } else if (discountBps > 10_000) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRentalEscrow.EscrowInvalidTokenDiscountBps.selector,
                    discountBps,
                    10_000
                )
            );
        } else if (window < 1 hours || window > 30 days) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRentalEscrow.EscrowInvalidDisputeWindow.selector,
                    window,
                    1 hours,
                    30 days
                )
            );
        } else if (timeout < 5 minutes || timeout > 7 days) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRentalEscrow.EscrowInvalidStartTimeout.selector,
                    timeout,
                    5 minutes,
                    7 days
                )
            );
        } else if (staleness < 1 minutes || staleness > 1 days) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRentalEscrow.EscrowInvalidPriceStaleness.selector,
                    staleness,
                    1 minutes,
                    1 days
                )
            );
        }
        new RentalEscrow(c);
    }

    /// finding 18-L: after the first price, an update is accepted exactly when it is non-zero and
    /// within maxDeviationBps of the current price.
    function testFuzz_oracleAcceptsExactlyTheBoundedMoves(uint16 maxBps, uint256 first, uint256 next) public {
        maxBps = uint16(bound(maxBps, 1, 5_000));
        first = bound(first, 1, 1e30);
        ManualPriceOracle oracle = new ManualPriceOracle(address(this), address(this), maxBps);
        oracle.setPrice(first);
        uint256 allowed = (first * maxBps) / 10_000;
        next = bound(next, 0, first * 2);
        uint256 move = next > first ? next - first : first - next;
        if (next == 0) {
            vm.expectRevert(abi.encodeWithSelector(IManualPriceOracle.OracleInvalidPrice.selector, 0));
        } else if (move > allowed) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IManualPriceOracle.OraclePriceDeviationTooHigh.selector,
                    first,
                    next,
                    maxBps
                )
            );
        }
        oracle.setPrice(next);
    }

    /// refund + payout + fee == deposit, and no part exceeds what it is paid from.
    function testFuzz_splitConservesTheDeposit(
        uint128 price,
        uint128 fee,
        uint32 hours_,
        uint32 delivered
    ) public view {
        hours_ = uint32(bound(hours_, 1, 2_160));
        delivered = uint32(bound(delivered, 0, hours_));
        (uint256 toSupplier, uint256 feePaid, uint256 refund) = escrow.split(price, fee, delivered, hours_);
        assertEq(toSupplier + feePaid + refund, uint256(price) + fee);
        assertLe(toSupplier, price);
        assertLe(feePaid, fee);
        if (delivered == hours_) assertEq(refund, 0);
        if (delivered == 0) assertEq(refund, uint256(price) + fee);
    }

    /// A rental has at least one hour, but `split` is a public view: the degenerate 0-of-0 split
    /// is answered as full delivery (nothing refunded), never as a division by zero.
    function testFuzz_splitOfZeroHoursIsFullDeliveryWithoutDividing(uint128 price, uint128 fee) public view {
        (uint256 toSupplier, uint256 feePaid, uint256 refund) = escrow.split(price, fee, 0, 0);
        assertEq(toSupplier, price);
        assertEq(feePaid, fee);
        assertEq(refund, 0);
    }

    /// Delivered hours above the rented ones are refused by name, whatever the amounts (zero
    /// amounts included, where the pro-rata arithmetic alone would not fail).
    function testFuzz_splitRefusesMoreHoursThanRented(
        uint128 price,
        uint128 fee,
        uint32 hours_,
        uint32 delivered
    ) public {
        hours_ = uint32(bound(hours_, 1, 2_159));
        delivered = uint32(bound(delivered, hours_ + 1, type(uint32).max));
        if (price % 4 == 0) (price, fee) = (0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IRentalEscrow.EscrowInvalidDeliveredHours.selector, delivered, hours_)
        );
        escrow.split(price, fee, delivered, hours_);
    }

    /// A token quote uses the oracle's price until exactly `maxPriceStaleness` (1 hour here) after
    /// its update and refuses it from the next second; a zero price is refused as stale at any age.
    /// Ages and prices are drawn at those edges, so every run lands on one of them.
    function testFuzz_quoteTakesThePriceUntilExactlyStale(uint256 price, uint256 age) public {
        SetPriceOracle oracle = new SetPriceOracle();
        RentalEscrow.Config memory c = _config(500, 2_500, 1 hours, 1 hours, 1 days);
        c.oracle = oracle;
        RentalEscrow priced = new RentalEscrow(c);
        address supplier = address(0x5EED);
        vm.prank(supplier);
        priced.setOffer(bytes32("H100"), 1, 20e6, 0, true);

        vm.warp(30 days);
        price = bound(price, 0, 2);
        age = bound(age, 1 hours - 1, 1 hours + 1);
        uint256 updatedAt = block.timestamp - age;
        oracle.set(price, updatedAt);
        if (price == 0 || age > 1 hours) {
            vm.expectRevert(
                abi.encodeWithSelector(IRentalEscrow.EscrowStalePrice.selector, updatedAt, 1 hours)
            );
            priced.quote(supplier, 10, IRentalEscrow.Currency.TOKEN);
            return;
        }
        (uint256 tokens, uint256 fee) = priced.quote(supplier, 10, IRentalEscrow.Currency.TOKEN);
        // 200e6 stable at `price` stable units per token, rounded up; the fee 5 % less 25 % of it
        assertEq(tokens, Math.mulDiv(200e6, 1e18, price, Math.Rounding.Ceil));
        assertEq(fee, Math.mulDiv(10e6 - 2.5e6, 1e18, price, Math.Rounding.Ceil));
    }
}
