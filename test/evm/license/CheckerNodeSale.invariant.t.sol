// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ICheckerNodeLicense} from "../../../contracts/interfaces/ICheckerNodeLicense.sol";
import {ICheckerNodeSale} from "../../../contracts/interfaces/ICheckerNodeSale.sol";
import {CheckerNodeLicense} from "../../../contracts/license/CheckerNodeLicense.sol";
import {CheckerNodeSale} from "../../../contracts/license/CheckerNodeSale.sol";
import {MockStablecoin} from "../../../contracts/mocks/MockStablecoin.sol";

/// @dev Buyers buy in either currency with or without the referral code; the referrer claims once
///      the sale is finalized; proceeds are withdrawn. Ghost totals track what moved.
contract SaleHandler is Test {
    CheckerNodeSale public immutable sale;
    MockStablecoin public immutable stable;
    bytes32 public constant CODE = "REF";
    address public constant REFERRER = address(0x5EF);
    address[3] internal buyers = [address(0xB1), address(0xB2), address(0xB3)];
    uint256 public paidWei;
    uint256 public paidStable;
    uint256 public outWei;
    uint256 public outStable;

    constructor(CheckerNodeSale sale_, MockStablecoin stable_) {
        sale = sale_;
        stable = stable_;
        vm.prank(REFERRER);
        sale.registerReferralCode(CODE);
    }

    function buy(uint256 who, uint256 quantity, bool inStable, bool referred) external {
        if (sale.state() != ICheckerNodeSale.State.Active) return;
        address buyer = buyers[bound(who, 0, 2)];
        uint256 remaining = sale.supply() - sale.sold();
        if (remaining == 0) return;
        quantity = bound(quantity, 1, remaining < 20 ? remaining : 20);
        ICheckerNodeSale.Currency c =
            inStable ? ICheckerNodeSale.Currency.STABLE : ICheckerNodeSale.Currency.ETH;
        bytes32 code = referred ? CODE : bytes32(0);
        (uint256 total, , , ) = sale.quote(quantity, c, code);
        if (inStable) {
            stable.mint(buyer, total);
            vm.prank(buyer);
            stable.approve(address(sale), total);
            vm.prank(buyer);
            sale.buy(quantity, c, code, total, 0, new bytes32[](0));
            paidStable += total;
        } else {
            vm.deal(buyer, total);
            vm.prank(buyer);
            sale.buy{value: total}(quantity, c, code, total, 0, new bytes32[](0));
            paidWei += total;
        }
    }

    function finalizeAndPay() external {
        if (sale.state() == ICheckerNodeSale.State.Active) {
            vm.warp(sale.saleEnd());
            sale.finalize();
        }
        uint256 w = sale.rebateWei(REFERRER) + sale.proceedsWei();
        uint256 s = sale.rebateStable(REFERRER) + sale.proceedsStable();
        vm.prank(REFERRER);
        sale.claimRebate();
        sale.withdrawProceeds();
        outWei += w;
        outStable += s;
    }
}

contract CheckerNodeSaleInvariantTest is Test {
    CheckerNodeLicense internal license;
    CheckerNodeSale internal sale;
    MockStablecoin internal stable;
    SaleHandler internal handler;

    function setUp() public {
        license = new CheckerNodeLicense("L", "L", 300, 0, 0, address(this), address(this), 0);
        stable = new MockStablecoin();
        ICheckerNodeSale.Tier[] memory tiers = new ICheckerNodeSale.Tier[](3);
        tiers[0] = ICheckerNodeSale.Tier(0.1 ether, 333_333, 50);
        tiers[1] = ICheckerNodeSale.Tier(0.13 ether, 444_447, 100);
        tiers[2] = ICheckerNodeSale.Tier(0.17 ether, 555_559, 150);
        sale = new CheckerNodeSale(
            CheckerNodeSale.Config({
                license: ICheckerNodeLicense(address(license)),
                stable: stable,
                treasury: address(0x7EA),
                admin: address(this),
                allowlistStart: uint64(block.timestamp),
                publicStart: uint64(block.timestamp),
                saleEnd: uint64(block.timestamp + 30 days),
                allowlistRoot: bytes32(0),
                publicWalletCap: 300,
                referralDiscountBps: 777,
                referralRebateBps: 1_111
            }),
            tiers
        );
        license.grantRole(license.MINTER_ROLE(), address(sale));
        handler = new SaleHandler(sale, stable);
        targetContract(address(handler));
    }

    function invariant_mintedNeverAboveMaxSupply() public view {
        assertLe(license.totalMinted(), license.maxSupply());
        assertEq(license.totalMinted(), sale.sold());
    }

    /// The sale holds exactly what came in minus what went out (no unit created or lost), and
    /// what it holds covers what it owes.
    function invariant_balanceEqualsInflowsMinusOutflows() public view {
        assertEq(address(sale).balance, handler.paidWei() - handler.outWei());
        assertEq(stable.balanceOf(address(sale)), handler.paidStable() - handler.outStable());
        assertGe(address(sale).balance, sale.proceedsWei() + sale.rebateWei(handler.REFERRER()));
        assertGe(
            stable.balanceOf(address(sale)),
            sale.proceedsStable() + sale.rebateStable(handler.REFERRER())
        );
    }

    function test_handlerReachesTheSale() public {
        handler.buy(0, 20, false, true);
        handler.buy(1, 7, true, false);
        assertEq(sale.sold(), 27);
        handler.finalizeAndPay();
        assertEq(address(sale).balance, 0);
        assertEq(stable.balanceOf(address(sale)), 0);
    }
}
