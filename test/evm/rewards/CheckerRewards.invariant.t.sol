// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {ICheckerNodeLicense} from "../../../contracts/interfaces/ICheckerNodeLicense.sol";
import {ICheckerRewards} from "../../../contracts/interfaces/ICheckerRewards.sol";
import {CheckerNodeLicense} from "../../../contracts/license/CheckerNodeLicense.sol";
import {CheckerRewards} from "../../../contracts/rewards/CheckerRewards.sol";
import {MockStablecoin} from "../../../contracts/mocks/MockStablecoin.sol";

/// @dev Posts (and replaces, before they open) single-leaf epochs (root == leaf, empty proof) for
///      random licences and amounts, claims random epochs (sometimes with an inflated amount),
///      burns licences (claims of them are skipped), closes expired epochs, funds the pool and
///      moves time. Keeps ghost sums to check the contract's accounting against.
contract RewardsHandler is Test {
    CheckerRewards public immutable rewards;
    CheckerNodeLicense public immutable license;
    MockStablecoin public immutable token;
    address public immutable holder;
    uint256 public nextEpoch = 1;
    mapping(uint256 epoch => uint256) public tokenOf;
    mapping(uint256 epoch => uint256) public amountOf;
    mapping(uint256 epoch => uint256) public releasedOf;
    uint256 public funded;
    uint256 public skipped;
    uint256 public closes;

    constructor(
        CheckerRewards rewards_,
        CheckerNodeLicense license_,
        MockStablecoin token_,
        address holder_
    ) {
        rewards = rewards_;
        license = license_;
        token = token_;
        holder = holder_;
    }

    function leaf(uint256 epoch, uint256 tokenId, uint256 amount) public view returns (bytes32) {
        return
            keccak256(
                bytes.concat(keccak256(abi.encode(block.chainid, address(rewards), epoch, tokenId, amount)))
            );
    }

    function post(uint256 tokenId, uint256 amount) external {
        tokenId = bound(tokenId, 1, 10);
        amount = bound(amount, 1, 1_000 ether);
        uint256 epoch = nextEpoch;
        try rewards.postEpoch(epoch, leaf(epoch, tokenId, amount), amount) {
            tokenOf[epoch] = tokenId;
            amountOf[epoch] = amount;
            nextEpoch = epoch + 1;
        } catch {}
    }

    function replace(uint256 epoch, uint256 tokenId, uint256 amount) external {
        if (nextEpoch == 1) return;
        epoch = bound(epoch, 1, nextEpoch - 1);
        tokenId = bound(tokenId, 1, 10);
        amount = bound(amount, 1, 1_000 ether);
        try rewards.postEpoch(epoch, leaf(epoch, tokenId, amount), amount) {
            tokenOf[epoch] = tokenId;
            amountOf[epoch] = amount;
        } catch {}
    }

    function claim(uint256 epoch, uint256 inflate) external {
        if (nextEpoch == 1) return;
        epoch = bound(epoch, 1, nextEpoch - 1);
        ICheckerRewards.Claim[] memory claims = new ICheckerRewards.Claim[](1);
        claims[0] = ICheckerRewards.Claim(
            epoch,
            tokenOf[epoch],
            amountOf[epoch] + bound(inflate, 0, 1),
            new bytes32[](0)
        );
        uint256 claimedBefore = rewards.totalClaimed();
        vm.prank(holder);
        try rewards.claim(claims) returns (uint256 paid) {
            if (paid == 0) {
                ++skipped;
                assertEq(rewards.totalClaimed(), claimedBefore, "a skipped claim paid");
            }
        } catch {}
    }

    function close(uint256 epoch) external {
        if (nextEpoch == 1) return;
        epoch = bound(epoch, 1, nextEpoch - 1);
        try rewards.closeEpoch(epoch) returns (uint256 released) {
            releasedOf[epoch] = released;
            ++closes;
        } catch {}
    }

    function burn(uint256 tokenId) external {
        tokenId = bound(tokenId, 1, 10);
        vm.prank(holder);
        try license.burn(tokenId) {} catch {}
    }

    function fund(uint256 amount) external {
        amount = bound(amount, 1, 1_000 ether);
        token.mint(address(rewards), amount);
        funded += amount;
    }

    function warp(uint256 s) external {
        vm.warp(block.timestamp + bound(s, 1, 10 days));
    }
}

contract CheckerRewardsInvariantTest is Test {
    MockStablecoin internal token;
    CheckerNodeLicense internal license;
    CheckerRewards internal rewards;
    RewardsHandler internal handler;
    address internal constant HOLDER = address(0xB0B);
    uint256 internal constant FUNDING = 5_000 ether;
    uint256 internal constant PERIOD_CAP = 2_000 ether;

    function setUp() public {
        token = new MockStablecoin();
        license = new CheckerNodeLicense("L", "L", 10, 0, 0, address(this), address(this), 0);
        license.grantRole(license.MINTER_ROLE(), address(this));
        license.mint(HOLDER, 10, 0);
        rewards = new CheckerRewards(
            ERC20(address(token)),
            ICheckerNodeLicense(address(license)),
            PERIOD_CAP,
            7 days,
            1 hours,
            3 days,
            address(this)
        );
        token.mint(address(rewards), FUNDING);
        handler = new RewardsHandler(rewards, license, token, HOLDER);
        rewards.grantRole(rewards.REWARD_ROLE(), address(handler));
        targetContract(address(handler));
    }

    /// @dev The accounting invariant: the tokens held cover every reward still reserved.
    function invariant_reservedIsBacked() public view {
        assertLe(rewards.totalClaimed() + rewards.totalReleased(), rewards.totalPosted());
        assertGe(
            token.balanceOf(address(rewards)),
            rewards.totalPosted() - rewards.totalClaimed() - rewards.totalReleased()
        );
        // tokens leave only as claims, and only to the holder
        assertEq(token.balanceOf(address(rewards)) + rewards.totalClaimed(), FUNDING + handler.funded());
        assertEq(token.balanceOf(HOLDER), rewards.totalClaimed());
    }

    /// @dev The contract's sums match its epochs, and a closed epoch released exactly its remainder.
    function invariant_sumsMatchEpochs() public view {
        uint256 posted;
        uint256 claimed;
        uint256 released;
        for (uint256 epoch = 1; epoch < handler.nextEpoch(); ++epoch) {
            (, uint128 total, , , uint128 paid, , bool closed) = rewards.epochs(epoch);
            assertLe(paid, total);
            posted += total;
            claimed += paid;
            if (closed) {
                assertEq(uint256(paid) + handler.releasedOf(epoch), total, "claimed after close");
                released += handler.releasedOf(epoch);
            }
        }
        assertEq(posted, rewards.totalPosted());
        assertEq(claimed, rewards.totalClaimed());
        assertEq(released, rewards.totalReleased());
    }

    /// @dev However many epochs are posted, no period holds more than the cap, and every posted
    ///      total is charged to exactly one period.
    function invariant_periodCap() public view {
        uint256 charged;
        for (uint256 p = 0; p <= rewards.currentPeriod(); ++p) {
            assertLe(rewards.postedInPeriod(p), PERIOD_CAP);
            charged += rewards.postedInPeriod(p);
        }
        assertEq(charged, rewards.totalPosted());
    }

    function test_handlerReachesTheRewards() public {
        handler.post(3, 10 ether);
        handler.post(4, 20 ether);
        handler.replace(2, 4, 15 ether); // before it opens
        assertEq(rewards.totalPosted(), 25 ether);
        handler.warp(2 hours);
        handler.claim(1, 1); // inflated: refused
        assertEq(rewards.totalClaimed(), 0);
        handler.claim(1, 0);
        assertEq(rewards.totalClaimed(), 10 ether);
        handler.burn(4);
        handler.claim(2, 0); // licence 4 burned: skipped
        assertEq(handler.skipped(), 1);
        assertEq(rewards.totalClaimed(), 10 ether);
        handler.warp(3 days);
        handler.close(2);
        assertEq(handler.closes(), 1);
        assertEq(rewards.totalReleased(), 15 ether);
        // 3 posts of 1000 each: the third is over the 2000 cap of the current period
        handler.post(1, 1_000 ether);
        handler.post(1, 1_000 ether);
        assertEq(handler.nextEpoch(), 4);
        handler.warp(7 days);
        handler.post(1, 1_000 ether);
        assertEq(handler.nextEpoch(), 5);
        invariant_reservedIsBacked();
        invariant_sumsMatchEpochs();
        invariant_periodCap();
    }
}
