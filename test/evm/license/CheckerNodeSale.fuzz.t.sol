// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ICheckerNodeLicense} from "../../../contracts/interfaces/ICheckerNodeLicense.sol";
import {ICheckerNodeSale} from "../../../contracts/interfaces/ICheckerNodeSale.sol";
import {CheckerNodeLicense} from "../../../contracts/license/CheckerNodeLicense.sol";
import {CheckerNodeSale} from "../../../contracts/license/CheckerNodeSale.sol";
import {MockStablecoin} from "../../../contracts/mocks/MockStablecoin.sol";

contract CheckerNodeSaleFuzzTest is Test {
    CheckerNodeLicense internal license;
    CheckerNodeSale internal sale;
    uint256[4] internal quantities = [uint256(7), 13, 29, 51];
    uint256[4] internal prices = [uint256(1 ether), 1.1 ether, 1.25 ether, 2 ether];

    function setUp() public {
        license = new CheckerNodeLicense("L", "L", 1_000, 0, 0, address(this), address(this), 0);
        ICheckerNodeSale.Tier[] memory tiers = new ICheckerNodeSale.Tier[](4);
        for (uint256 i = 0; i < 4; ++i) {
            tiers[i] = ICheckerNodeSale.Tier(
                uint128(prices[i]),
                uint128(prices[i] / 1e12),
                uint32(quantities[i])
            );
        }
        sale = new CheckerNodeSale(
            CheckerNodeSale.Config({
                license: ICheckerNodeLicense(address(license)),
                stable: new MockStablecoin(),
                treasury: address(0xBEEF),
                admin: address(this),
                allowlistStart: uint64(block.timestamp),
                publicStart: uint64(block.timestamp),
                saleEnd: uint64(block.timestamp + 1 days),
                allowlistRoot: bytes32(0),
                publicWalletCap: 1_000,
                referralDiscountBps: 0,
                referralRebateBps: 0
            }),
            tiers
        );
        license.grantRole(license.MINTER_ROLE(), address(sale));
    }

    /// Reference price of licences [from, from + n): one by one.
    function _reference(uint256 from, uint256 n) internal view returns (uint256 sum) {
        for (uint256 k = from; k < from + n; ++k) {
            uint256 end;
            for (uint256 t = 0; t < 4; ++t) {
                end += quantities[t];
                if (k < end) {
                    sum += prices[t];
                    break;
                }
            }
        }
    }

    /// quote == sum over tiers, and the charge == the quote, wherever the batch starts and ends.
    function testFuzz_quoteEqualsSumOverTiersAndCharge(uint256 first, uint256 second) public {
        first = bound(first, 1, 99);
        second = bound(second, 1, 100 - first);
        address buyer = address(0xB0B);
        vm.deal(buyer, 1_000 ether);
        (uint256 q1, , , ) = sale.quote(first, ICheckerNodeSale.Currency.ETH, bytes32(0));
        assertEq(q1, _reference(0, first));
        vm.prank(buyer);
        sale.buy{value: q1}(first, ICheckerNodeSale.Currency.ETH, bytes32(0), q1, 0, new bytes32[](0));
        (uint256 q2, , , ) = sale.quote(second, ICheckerNodeSale.Currency.ETH, bytes32(0));
        assertEq(q2, _reference(first, second));
        uint256 before = buyer.balance;
        vm.prank(buyer);
        sale.buy{value: q2}(second, ICheckerNodeSale.Currency.ETH, bytes32(0), q2, 0, new bytes32[](0));
        assertEq(before - buyer.balance, q2);
        assertEq(address(sale).balance, q1 + q2);
        assertEq(license.balanceOf(buyer), first + second);
        // each licence carries the tier it was priced in
        uint256 last = first + second; // ids start at 1
        uint256 end;
        uint24 expectedTier;
        for (uint256 t = 0; t < 4; ++t) {
            end += quantities[t];
            if (last <= end) {
                expectedTier = uint24(t);
                break;
            }
        }
        assertEq(license.tierOf(last), expectedTier);
    }

    /// However a cancelled purchase (anywhere in the tiers) is split into refunds, the refunds add
    /// up to what it paid, the first `split` licences getting `paid * split / quantity` rounded
    /// down; `purchaseOf` finds the purchase from any of its licences.
    function testFuzz_refundSharesAddUpToPaid(uint256 offset, uint256 quantity, uint256 split) public {
        offset = bound(offset, 0, 60);
        // leave one licence unsold: a sold-out sale cannot be cancelled
        quantity = bound(quantity, 1, sale.MAX_PURCHASE() < 99 - offset ? sale.MAX_PURCHASE() : 99 - offset);
        split = bound(split, 0, quantity);
        address buyer = address(0xB0B);
        vm.deal(buyer, 1_000 ether);
        if (offset > 0) {
            (uint256 q0, , , ) = sale.quote(offset, ICheckerNodeSale.Currency.ETH, bytes32(0));
            vm.deal(address(0xA11CE), q0);
            vm.prank(address(0xA11CE));
            sale.buy{value: q0}(offset, ICheckerNodeSale.Currency.ETH, bytes32(0), q0, 0, new bytes32[](0));
        }
        (uint256 total, , , ) = sale.quote(quantity, ICheckerNodeSale.Currency.ETH, bytes32(0));
        vm.prank(buyer);
        uint256 first = sale.buy{value: total}(
            quantity,
            ICheckerNodeSale.Currency.ETH,
            bytes32(0),
            total,
            0,
            new bytes32[](0)
        );
        assertEq(sale.purchaseOf(first + (split % quantity)), first);
        assertTrue(sale.purchaseOf(first + quantity) != first);
        sale.cancel();

        uint256[] memory head = new uint256[](split);
        uint256[] memory tail = new uint256[](quantity - split);
        for (uint256 i = 0; i < quantity; ++i) {
            if (i < split) head[i] = first + i;
            else tail[i - split] = first + i;
        }
        uint256 before = buyer.balance;
        vm.startPrank(buyer);
        if (split > 0) sale.refund(first, head);
        assertEq(buyer.balance - before, (total * split) / quantity);
        if (split < quantity) sale.refund(first, tail);
        vm.stopPrank();
        assertEq(buyer.balance - before, total);
        assertEq(license.balanceOf(buyer), 0);
    }
}
