// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ICheckerNodeLicense} from "../../../contracts/interfaces/ICheckerNodeLicense.sol";
import {ICheckerNodeSale} from "../../../contracts/interfaces/ICheckerNodeSale.sol";
import {CheckerNodeLicense} from "../../../contracts/license/CheckerNodeLicense.sol";
import {CheckerNodeSale} from "../../../contracts/license/CheckerNodeSale.sol";
import {MockStablecoin} from "../../../contracts/mocks/MockStablecoin.sol";

/// @dev Buyers buy in either currency with or without the referral code; the admin may cancel
///      while the sale can sell, after which holders refund any part of any purchase; otherwise
///      the referrer claims once the sale is finalized and proceeds are withdrawn, currency by
///      currency. Ghost totals track what moved, measured by balance deltas.
contract SaleHandler is Test {
    struct Bought {
        address buyer;
        uint256 first;
        uint256 quantity;
        uint256 paid;
        bool inStable;
        uint256 nextRefund; // licences [first, first + nextRefund) are refunded
        uint256 refunded;
    }

    CheckerNodeSale public immutable sale;
    MockStablecoin public immutable stable;
    bytes32 public constant CODE = "REF";
    address public constant REFERRER = address(0x5EF);
    /// Where a referrer or the treasury may have its payouts sent instead (review I-4).
    address public constant COLD = address(0xC01D);
    address[3] internal buyers = [address(0xB1), address(0xB2), address(0xB3)];
    Bought[] internal bought;
    uint256 public paidWei;
    uint256 public paidStable;
    uint256 public outWei;
    uint256 public outStable;
    /// @dev Set if a refund paid more than its purchase, or a whole purchase came back short.
    bool public refundMismatch;

    constructor(CheckerNodeSale sale_, MockStablecoin stable_) {
        sale = sale_;
        stable = stable_;
    }

    function buy(uint256 who, uint256 quantity, bool inStable, bool referred) external {
        if (sale.state() != ICheckerNodeSale.State.Active || block.timestamp >= sale.saleEnd()) return;
        address buyer = buyers[bound(who, 0, 2)];
        uint256 remaining = sale.supply() - sale.sold();
        if (remaining == 0) return;
        quantity = bound(quantity, 1, remaining < 20 ? remaining : 20);
        ICheckerNodeSale.Currency c =
            inStable ? ICheckerNodeSale.Currency.STABLE : ICheckerNodeSale.Currency.ETH;
        bytes32 code = referred ? CODE : bytes32(0);
        (uint256 total, , , ) = sale.quote(quantity, c, code);
        uint256 first;
        if (inStable) {
            stable.mint(buyer, total);
            vm.prank(buyer);
            stable.approve(address(sale), total);
            vm.prank(buyer);
            first = sale.buy(quantity, c, code, total, 0, new bytes32[](0));
            paidStable += total;
        } else {
            vm.deal(buyer, total);
            vm.prank(buyer);
            first = sale.buy{value: total}(quantity, c, code, total, 0, new bytes32[](0));
            paidWei += total;
        }
        bought.push(Bought(buyer, first, quantity, total, inStable, 0, 0));
    }

    function cancel() external {
        if (
            sale.state() != ICheckerNodeSale.State.Active ||
            block.timestamp >= sale.saleEnd() ||
            sale.sold() == sale.supply()
        ) return;
        sale.cancel();
    }

    /// Refunds the next `count` licences of purchase `which` (buyers keep what they bought here).
    function refund(uint256 which, uint256 count) external {
        if (sale.state() != ICheckerNodeSale.State.Cancelled || bought.length == 0) return;
        Bought storage b = bought[bound(which, 0, bought.length - 1)];
        uint256 left = b.quantity - b.nextRefund;
        if (left == 0) return;
        count = bound(count, 1, left);
        uint256[] memory ids = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) ids[i] = b.first + b.nextRefund + i;
        uint256 before = b.inStable ? stable.balanceOf(b.buyer) : b.buyer.balance;
        vm.prank(b.buyer);
        sale.refund(b.first, ids);
        uint256 got = (b.inStable ? stable.balanceOf(b.buyer) : b.buyer.balance) - before;
        if (b.inStable) outStable += got;
        else outWei += got;
        b.nextRefund += count;
        b.refunded += got;
        if (b.refunded > b.paid || (b.nextRefund == b.quantity && b.refunded != b.paid))
            refundMismatch = true;
    }

    /// Pays everyone, to their own address or (`redirect`) to another one they name.
    function finalizeAndPay(bool redirect) external {
        if (sale.state() == ICheckerNodeSale.State.Cancelled) return;
        if (sale.state() == ICheckerNodeSale.State.Active) {
            vm.warp(sale.saleEnd());
            sale.finalize();
        }
        uint256 w = sale.rebateWei(REFERRER) + sale.proceedsWei();
        uint256 s = sale.rebateStable(REFERRER) + sale.proceedsStable();
        address referrerTo = redirect ? COLD : REFERRER;
        vm.startPrank(REFERRER);
        sale.claimRebate(ICheckerNodeSale.Currency.ETH, referrerTo);
        sale.claimRebate(ICheckerNodeSale.Currency.STABLE, referrerTo);
        vm.stopPrank();
        if (redirect) {
            vm.startPrank(sale.treasury());
            sale.withdrawProceedsTo(ICheckerNodeSale.Currency.STABLE, COLD);
            sale.withdrawProceedsTo(ICheckerNodeSale.Currency.ETH, COLD);
            vm.stopPrank();
        } else {
            sale.withdrawProceeds(ICheckerNodeSale.Currency.STABLE);
            sale.withdrawProceeds(ICheckerNodeSale.Currency.ETH);
        }
        outWei += w;
        outStable += s;
    }

    /// Set if asking for more than is left was not refused with `SaleSoldOut` (quote and buy), or
    /// a mint past `maxSupply` by another minter was not refused with `LicenseMaxSupplyExceeded`.
    bool public boundNotEnforced;
    /// A second minter (granted `MINTER_ROLE` by the test); it never mints, only asks past the cap.
    address public constant OTHER_MINTER = address(0x313);

    /// Asks for 1-5 licences more than the sale has left, paying enough: always refused.
    function buyPastSupply(uint256 who, uint256 extra, bool inStable) external {
        if (sale.state() != ICheckerNodeSale.State.Active || block.timestamp >= sale.saleEnd()) return;
        address buyer = buyers[bound(who, 0, 2)];
        uint256 remaining = sale.supply() - sale.sold();
        uint256 quantity = remaining + bound(extra, 1, 5);
        bytes memory soldOut = abi.encodeWithSelector(
            ICheckerNodeSale.SaleSoldOut.selector,
            quantity,
            remaining
        );
        ICheckerNodeSale.Currency c =
            inStable ? ICheckerNodeSale.Currency.STABLE : ICheckerNodeSale.Currency.ETH;
        try sale.quote(quantity, c, bytes32(0)) {
            boundNotEnforced = true;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(soldOut)) boundNotEnforced = true;
        }
        uint256 pay = 1_000 ether;
        uint256 soldBefore = sale.sold();
        if (inStable) {
            stable.mint(buyer, pay);
            vm.prank(buyer);
            stable.approve(address(sale), pay);
        } else {
            vm.deal(buyer, pay);
        }
        // buy checks the per-purchase and per-wallet limits before what is left: when one of them
        // binds first, it is the reason given (a refusal all the same)
        bool limitFirst =
            quantity > sale.MAX_PURCHASE() || sale.publicMinted(buyer) + quantity > sale.publicWalletCap();
        vm.prank(buyer);
        try sale.buy{value: inStable ? 0 : pay}(quantity, c, bytes32(0), pay, 0, new bytes32[](0)) {
            boundNotEnforced = true;
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            bool limit =
                selector == ICheckerNodeSale.SalePurchaseTooLarge.selector ||
                    selector == ICheckerNodeSale.SaleWalletCapExceeded.selector;
            if (keccak256(reason) != keccak256(soldOut) && !(limitFirst && limit)) boundNotEnforced = true;
        }
        if (sale.sold() != soldBefore) boundNotEnforced = true;
    }

    /// Another minter asks the licence for 1-5 more than its max supply leaves: always refused.
    function mintPastMaxSupply(uint256 extra) external {
        CheckerNodeLicense license = CheckerNodeLicense(address(sale.license()));
        uint256 remaining = license.maxSupply() - license.totalMinted();
        uint256 quantity = remaining + bound(extra, 1, 5);
        uint256 mintedBefore = license.totalMinted();
        vm.prank(OTHER_MINTER);
        try license.mint(OTHER_MINTER, quantity, 0) {
            boundNotEnforced = true;
        } catch (bytes memory reason) {
            bytes memory exceeded = abi.encodeWithSelector(
                ICheckerNodeLicense.LicenseMaxSupplyExceeded.selector,
                quantity,
                remaining
            );
            if (keccak256(reason) != keccak256(exceeded)) boundNotEnforced = true;
        }
        if (license.totalMinted() != mintedBefore) boundNotEnforced = true;
    }

    function purchases() external view returns (uint256) {
        return bought.length;
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
        sale.registerReferralCode(handler.CODE(), handler.REFERRER());
        sale.grantRole(sale.DEFAULT_ADMIN_ROLE(), address(handler)); // to cancel
        license.grantRole(license.MINTER_ROLE(), handler.OTHER_MINTER());
        targetContract(address(handler));
    }

    function invariant_mintedNeverAboveMaxSupply() public view {
        assertLe(license.totalMinted(), license.maxSupply());
        assertEq(license.totalMinted(), sale.sold());
        assertFalse(handler.boundNotEnforced(), "a purchase or mint past the cap was not refused");
    }

    /// The sale holds exactly what came in minus what went out (no unit created or lost), and
    /// what it holds covers what it owes (in a cancelled sale: the refunds, checked below).
    function invariant_balanceEqualsInflowsMinusOutflows() public view {
        assertEq(address(sale).balance, handler.paidWei() - handler.outWei());
        assertEq(stable.balanceOf(address(sale)), handler.paidStable() - handler.outStable());
        if (sale.state() == ICheckerNodeSale.State.Cancelled) return;
        assertGe(address(sale).balance, sale.proceedsWei() + sale.rebateWei(handler.REFERRER()));
        assertGe(
            stable.balanceOf(address(sale)),
            sale.proceedsStable() + sale.rebateStable(handler.REFERRER())
        );
    }

    /// Refunds of a purchase never exceed what it paid, and add up to it exactly once all its
    /// licences are refunded.
    function invariant_refundSharesAddUpToThePurchase() public view {
        assertFalse(handler.refundMismatch());
    }

    /// The two over-cap actions, at the start and once everything is sold: refused each time.
    function test_handlerAsksPastTheCaps() public {
        handler.buyPastSupply(0, 1, false);
        handler.mintPastMaxSupply(5);
        for (uint256 i = 0; i < 15; ++i) handler.buy(i, 20, i % 2 == 0, false);
        assertEq(sale.sold(), sale.supply());
        handler.buyPastSupply(1, 3, true);
        handler.mintPastMaxSupply(1);
        assertFalse(handler.boundNotEnforced());
        assertEq(license.totalMinted(), 300);
    }

    function test_handlerReachesTheSale() public {
        handler.buy(0, 20, false, true);
        handler.buy(1, 7, true, false);
        assertEq(sale.sold(), 27);
        handler.finalizeAndPay(false);
        assertEq(address(sale).balance, 0);
        assertEq(stable.balanceOf(address(sale)), 0);
    }

    /// Review I-4: the referrer and the treasury have everything paid to another address.
    function test_reviewI4_handlerRedirectsPayouts() public {
        handler.buy(0, 20, false, true);
        handler.buy(1, 7, true, true);
        handler.finalizeAndPay(true);
        assertEq(address(sale).balance, 0);
        assertEq(stable.balanceOf(address(sale)), 0);
        assertEq(handler.COLD().balance, handler.paidWei());
        assertEq(stable.balanceOf(handler.COLD()), handler.paidStable());
    }

    function test_handlerRefundsACancelledSale() public {
        handler.buy(0, 20, false, true);
        handler.buy(1, 7, true, false);
        handler.cancel();
        handler.refund(0, 13);
        handler.refund(0, 7); // the 7 left (forge's bound wraps, it does not clamp)
        handler.refund(1, 7);
        assertEq(address(sale).balance, 0);
        assertEq(stable.balanceOf(address(sale)), 0);
        assertEq(license.balanceOf(address(0xB1)) + license.balanceOf(address(0xB2)), 0);
        assertFalse(handler.refundMismatch());
    }
}
