// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {BpsMathHarness} from "../../../contracts/mocks/BpsMathHarness.sol";
import {BpsMath} from "../../../contracts/utils/BpsMath.sol";

contract BpsMathFuzzTest is Test {
    BpsMathHarness internal harness;

    function setUp() public {
        harness = new BpsMathHarness();
    }

    function testFuzz_downAndUpBracketTheExactValue(uint256 amount, uint256 bps) public view {
        amount = bound(amount, 0, type(uint128).max);
        bps = bound(bps, 0, BpsMath.MAX_BPS);
        uint256 down = harness.mulBpsDown(amount, bps);
        uint256 up = harness.mulBpsUp(amount, bps);
        assertLe(down, up);
        assertLe(up - down, 1);
        assertLe(down * BpsMath.MAX_BPS, amount * bps);
        assertGe(up * BpsMath.MAX_BPS, amount * bps);
    }

    function testFuzz_splitFeeConservesTheAmount(uint256 amount, uint256 feeBps) public view {
        feeBps = bound(feeBps, 0, BpsMath.MAX_BPS);
        (uint256 net, uint256 fee) = harness.splitFee(amount, feeBps);
        assertEq(net + fee, amount);
        assertLe(fee, amount);
    }

    function testFuzz_revertsAboveMaxBps(uint256 bps) public {
        bps = bound(bps, BpsMath.MAX_BPS + 1, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(BpsMath.BpsOutOfRange.selector, bps));
        harness.check(bps);
    }

    /// Every entry point checks its bps, whatever the amount (zero included, where the product
    /// alone would not overflow).
    function testFuzz_everyOperationRevertsAboveMaxBps(uint256 amount, uint256 bps) public {
        amount = bound(amount, 0, type(uint128).max);
        bps = bound(bps, BpsMath.MAX_BPS + 1, type(uint256).max);
        bytes memory outOfRange = abi.encodeWithSelector(BpsMath.BpsOutOfRange.selector, bps);
        vm.expectRevert(outOfRange);
        harness.mulBpsDown(amount, bps);
        vm.expectRevert(outOfRange);
        harness.mulBpsUp(amount, bps);
        vm.expectRevert(outOfRange);
        harness.splitFee(amount, bps);
    }
}
