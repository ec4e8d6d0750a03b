// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ComputeVestingWallet} from "../../../contracts/token/ComputeVestingWallet.sol";
import {ComputeToken} from "../../../contracts/token/ComputeToken.sol";

contract ComputeTokenFuzzTest is Test {
    function testFuzz_genesisMintsExactlyTheCap(uint96 a, uint96 b, uint96 c) public {
        address[] memory to = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        (to[0], to[1], to[2]) = (address(1), address(2), address(3));
        (amounts[0], amounts[1], amounts[2]) = (a, b, c);
        uint256 cap = uint256(a) + b + c;
        vm.assume(cap > 0);
        ComputeToken token = new ComputeToken("T", "T", cap, to, amounts, address(0), address(0), address(0));
        assertEq(token.totalSupply(), cap);
        assertEq(token.balanceOf(address(2)), b);
    }

    function testFuzz_revertsUnlessAllocationEqualsCap(uint96 a, uint96 cap) public {
        vm.assume(cap > 0 && a != cap && a <= cap);
        address[] memory to = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        to[0] = address(1);
        amounts[0] = a;
        vm.expectRevert(abi.encodeWithSelector(ComputeToken.TokenAllocationMismatch.selector, a, cap));
        new ComputeToken("T", "T", cap, to, amounts, address(0), address(0), address(0));
    }

    uint64 internal constant VESTING_START = 1_700_000_000;

    /// A token whose whole supply (`allocation`) is minted to a vesting wallet for 0xBEEF starting
    /// at `VESTING_START`.
    function _vestingWallet(
        uint96 allocation,
        uint32 duration,
        uint32 cliff
    ) private returns (ComputeToken token, ComputeVestingWallet wallet) {
        address[] memory to = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        to[0] = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        amounts[0] = allocation;
        token = new ComputeToken("T", "T", allocation, to, amounts, address(0), address(0), address(0));
        wallet = new ComputeVestingWallet(address(0xBEEF), VESTING_START, duration, cliff);
    }

    /// Vested amounts only grow, never exceed the allocation, are zero before the cliff and
    /// complete at the end.
    function testFuzz_vestingIsMonotonicAndBounded(
        uint96 allocation,
        uint32 cliff,
        uint32 duration,
        uint32 t1,
        uint32 t2
    ) public {
        vm.assume(allocation > 0 && duration > 0);
        cliff = uint32(bound(cliff, 0, duration));
        uint64 start = VESTING_START;
        (ComputeToken token, ComputeVestingWallet wallet) = _vestingWallet(allocation, duration, cliff);
        assertEq(token.balanceOf(address(wallet)), allocation);

        (uint64 early, uint64 late) = t1 <= t2 ? (start + t1, start + t2) : (start + t2, start + t1);
        uint256 vestedEarly = wallet.vestedAmount(address(token), early);
        uint256 vestedLate = wallet.vestedAmount(address(token), late);
        assertLe(vestedEarly, vestedLate);
        assertLe(vestedLate, allocation);
        if (early < start + cliff) assertEq(vestedEarly, 0);
        assertEq(wallet.vestedAmount(address(token), start + duration), allocation);

        vm.warp(late);
        wallet.release(address(token));
        assertEq(token.balanceOf(address(0xBEEF)), vestedLate);
    }

    /// Released over several calls, the beneficiary holds exactly what has vested at the last
    /// one: each release pays the difference, never a unit twice, and the wallet keeps the rest.
    function testFuzz_vestingReleasedInSeveralStepsPaysWhatVested(
        uint96 allocation,
        uint32 cliff,
        uint32 duration,
        uint32[3] memory offsets
    ) public {
        vm.assume(allocation > 0 && duration > 0);
        cliff = uint32(bound(cliff, 0, duration));
        uint64 start = VESTING_START;
        (ComputeToken token, ComputeVestingWallet wallet) = _vestingWallet(allocation, duration, cliff);
        uint64 t = start;
        for (uint256 i = 0; i < offsets.length; ++i) {
            // each release at or after the previous one, up to a little past the end
            t += uint64(bound(offsets[i], 0, uint256(duration) / 2 + 1));
            vm.warp(t);
            uint256 vested = wallet.vestedAmount(address(token), t);
            wallet.release(address(token));
            assertEq(wallet.released(address(token)), vested, "released is what vested");
            assertEq(token.balanceOf(address(0xBEEF)), vested, "the beneficiary holds it");
            assertEq(token.balanceOf(address(wallet)), allocation - vested, "the wallet the rest");
        }
    }
}
