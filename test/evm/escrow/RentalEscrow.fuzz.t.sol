// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ManualPriceOracle} from "../../../contracts/escrow/ManualPriceOracle.sol";
import {RentalEscrow} from "../../../contracts/escrow/RentalEscrow.sol";
import {IManualPriceOracle, IPriceOracle} from "../../../contracts/interfaces/IPriceOracle.sol";
import {IRentalEscrow} from "../../../contracts/interfaces/IRentalEscrow.sol";

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
}
