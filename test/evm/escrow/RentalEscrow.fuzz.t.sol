// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {RentalEscrow} from "../../../contracts/escrow/RentalEscrow.sol";
import {IPriceOracle} from "../../../contracts/interfaces/IPriceOracle.sol";

contract RentalEscrowFuzzTest is Test {
    RentalEscrow internal escrow;

    function setUp() public {
        escrow = new RentalEscrow(
            RentalEscrow.Config({
                stable: IERC20(address(1)),
                token: IERC20(address(2)),
                oracle: IPriceOracle(address(3)),
                treasury: address(4),
                admin: address(this),
                feeBps: 500,
                tokenDiscountBps: 2_500,
                maxPriceStaleness: 1 hours,
                startTimeout: 1 hours,
                disputeWindow: 1 days
            })
        );
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
