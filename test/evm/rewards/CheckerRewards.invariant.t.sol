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
///      burns licences (claims of them are skipped), closes expired epochs, funds the pool,
///      pauses and unpauses, and moves time. Keeps ghost sums to check the contract's accounting
///      against, and its own count of the time paused to check each epoch's expiry against.
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
    /// Review L-1: seconds paused in finished pauses, when the current pause began, and the
    /// paused time when each epoch was last posted.
    uint256 public pausedTotal;
    uint256 public pausedSince;
    mapping(uint256 epoch => uint256) public pausedAtPost;
    uint256 public pauses;
    /// Review L-1: set when a claim succeeded at or after, or a close before, the epoch's expiry
    /// as counted here (expiresAt + time paused since the posting).
    bool public windowBroken;

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
            pausedAtPost[epoch] = pausedTime();
            nextEpoch = epoch + 1;
        } catch {}
    }

    /// The time paused so far as this handler counted it.
    function pausedTime() public view returns (uint256) {
        return rewards.paused() ? pausedTotal + block.timestamp - pausedSince : pausedTotal;
    }

    /// The end of `epoch`'s claim window as this handler counts it.
    function expectedExpiry(uint256 epoch) public view returns (uint256) {
        (, , , uint64 expiresAt, , , , ) = rewards.epochs(epoch);
        return uint256(expiresAt) + pausedTime() - pausedAtPost[epoch];
    }

    function pause(bool on) external {
        if (on && !rewards.paused()) {
            rewards.pause();
            pausedSince = block.timestamp;
            ++pauses;
        } else if (!on && rewards.paused()) {
            rewards.unpause();
            pausedTotal += block.timestamp - pausedSince;
        }
    }

    function replace(uint256 epoch, uint256 tokenId, uint256 amount) external {
        if (nextEpoch == 1) return;
        epoch = bound(epoch, 1, nextEpoch - 1);
        tokenId = bound(tokenId, 1, 10);
        amount = bound(amount, 1, 1_000 ether);
        try rewards.postEpoch(epoch, leaf(epoch, tokenId, amount), amount) {
            tokenOf[epoch] = tokenId;
            amountOf[epoch] = amount;
            pausedAtPost[epoch] = pausedTime();
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
        uint256 expiry = expectedExpiry(epoch);
        vm.prank(holder);
        try rewards.claim(claims) returns (uint256 paid) {
            if (block.timestamp >= expiry) windowBroken = true;
            if (paid == 0) {
                ++skipped;
                assertEq(rewards.totalClaimed(), claimedBefore, "a skipped claim paid");
            }
        } catch {}
    }

    function close(uint256 epoch) external {
        if (nextEpoch == 1) return;
        epoch = bound(epoch, 1, nextEpoch - 1);
        uint256 expiry = expectedExpiry(epoch);
        try rewards.closeEpoch(epoch) returns (uint256 released) {
            if (block.timestamp < expiry) windowBroken = true;
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
        rewards.grantRole(rewards.PAUSER_ROLE(), address(handler));
        rewards.grantRole(rewards.DEFAULT_ADMIN_ROLE(), address(handler)); // to unpause
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
            (, uint128 total, , , uint128 paid, , bool closed, ) = rewards.epochs(epoch);
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

    /// Review I-1: replaying a holder's public proof with a gas limit that starves the licence's
    /// owner lookup (`ownersOf`: a licence far into a batch, looked up alone, makes ERC721A scan
    /// back to the batch's first id) never skips a live licence: every gas limit either pays the
    /// holder or reverts.
    function test_reviewI1_gasStarvedOwnerOfNeverSkipsALiveLicence() public {
        uint256 batch = 500;
        CheckerNodeLicense big = new CheckerNodeLicense(
            "B",
            "B",
            batch,
            0,
            0,
            address(this),
            address(this),
            0
        );
        big.grantRole(big.MINTER_ROLE(), address(this));
        big.mint(HOLDER, batch, 0);
        CheckerRewards r = new CheckerRewards(
            ERC20(address(token)),
            ICheckerNodeLicense(address(big)),
            PERIOD_CAP,
            7 days,
            0,
            1 days,
            address(this)
        );
        r.grantRole(r.REWARD_ROLE(), address(this));
        token.mint(address(r), 10 ether);
        uint256 id = batch; // the last of the batch: the longest scan
        bytes32 leaf = keccak256(
            bytes.concat(keccak256(abi.encode(block.chainid, address(r), 1, id, 10 ether)))
        );
        r.postEpoch(1, leaf, 10 ether);
        ICheckerRewards.Claim[] memory claims = new ICheckerRewards.Claim[](1);
        claims[0] = ICheckerRewards.Claim(1, id, 10 ether, new bytes32[](0));

        uint256 starved;
        for (uint256 gas = 20_000; gas <= 2_000_000; gas += 10_000) {
            vm.prank(HOLDER);
            try r.claim{gas: gas}(claims) returns (uint256 paid) {
                assertEq(paid, 10 ether, "a live licence was skipped");
                assertTrue(r.isClaimed(1, id));
                break;
            } catch {
                ++starved;
                assertFalse(r.isClaimed(1, id));
            }
        }
        assertGt(starved, 0, "no gas limit starved the claim");
        assertEq(token.balanceOf(HOLDER), 10 ether, "never paid");
    }

    /// Review L-1: each epoch expires at expiresAt + the time paused since it was posted, and
    /// no claim succeeded at or after that expiry, nor a close before it.
    function invariant_reviewL1_pausesExtendTheClaimWindow() public view {
        assertEq(rewards.pausedTime(), handler.pausedTime());
        for (uint256 epoch = 1; epoch < handler.nextEpoch(); ++epoch) {
            assertEq(rewards.expiryOf(epoch), handler.expectedExpiry(epoch));
        }
        assertFalse(handler.windowBroken(), "a claim after expiry or a close before it");
    }

    /// Review L-1: a pause across an epoch's expiry leaves its holder the time that was left.
    function test_reviewL1_handlerPausesAcrossExpiry() public {
        handler.post(3, 10 ether);
        (, , , uint64 expiresAt, , , , ) = rewards.epochs(1);
        vm.warp(expiresAt - 1 hours);
        handler.pause(true);
        handler.warp(10 days);
        handler.pause(false);
        handler.close(1); // refused: the hour that was left remains
        assertEq(handler.closes(), 0);
        handler.claim(1, 0);
        assertEq(rewards.totalClaimed(), 10 ether);
        handler.warp(1 hours);
        handler.close(1);
        assertEq(handler.closes(), 1);
        invariant_reviewL1_pausesExtendTheClaimWindow();
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
