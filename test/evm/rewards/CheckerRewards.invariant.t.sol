// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

import {ICheckerNodeLicense} from "../../../contracts/interfaces/ICheckerNodeLicense.sol";
import {ICheckerRewards} from "../../../contracts/interfaces/ICheckerRewards.sol";
import {CheckerNodeLicense} from "../../../contracts/license/CheckerNodeLicense.sol";
import {CheckerRewards} from "../../../contracts/rewards/CheckerRewards.sol";
import {MockStablecoin} from "../../../contracts/mocks/MockStablecoin.sol";

/// @dev Posts single-leaf epochs (root == leaf, empty proof) for random licences and amounts,
///      claims random epochs, and moves time.
contract RewardsHandler is Test {
    CheckerRewards public immutable rewards;
    address public immutable holder;
    uint256 public nextEpoch = 1;
    mapping(uint256 epoch => uint256) public tokenOf;
    mapping(uint256 epoch => uint256) public amountOf;

    constructor(CheckerRewards rewards_, address holder_) {
        rewards = rewards_;
        holder = holder_;
    }

    function post(uint256 tokenId, uint256 amount) external {
        tokenId = bound(tokenId, 1, 10);
        amount = bound(amount, 1, 1_000 ether);
        uint256 epoch = nextEpoch;
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(tokenId, amount))));
        try rewards.postEpoch(epoch, leaf, amount) {
            tokenOf[epoch] = tokenId;
            amountOf[epoch] = amount;
            nextEpoch = epoch + 1;
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
        vm.prank(holder);
        try rewards.claim(claims) {} catch {}
    }

    function warp(uint256 s) external {
        vm.warp(block.timestamp + bound(s, 1, 2 hours));
    }
}

contract CheckerRewardsInvariantTest is Test {
    MockStablecoin internal token;
    CheckerRewards internal rewards;
    RewardsHandler internal handler;
    address internal constant HOLDER = address(0xB0B);
    uint256 internal constant FUNDING = 5_000 ether;

    function setUp() public {
        token = new MockStablecoin();
        CheckerNodeLicense license = new CheckerNodeLicense(
            "L",
            "L",
            10,
            0,
            0,
            address(this),
            address(this),
            0
        );
        license.grantRole(license.MINTER_ROLE(), address(this));
        license.mint(HOLDER, 10, 0);
        rewards = new CheckerRewards(
            ERC20(address(token)),
            ICheckerNodeLicense(address(license)),
            1_000 ether,
            1 hours,
            address(this)
        );
        token.mint(address(rewards), FUNDING);
        handler = new RewardsHandler(rewards, HOLDER);
        rewards.grantRole(rewards.REWARD_ROLE(), address(handler));
        targetContract(address(handler));
    }

    function invariant_paidNeverAbovePosted() public view {
        assertLe(rewards.totalClaimed(), rewards.totalPosted());
        assertLe(rewards.totalPosted(), FUNDING);
        assertEq(token.balanceOf(HOLDER), rewards.totalClaimed());
        assertEq(token.balanceOf(address(rewards)) + rewards.totalClaimed(), FUNDING);
    }

    function test_handlerReachesTheRewards() public {
        handler.post(3, 10 ether);
        handler.warp(2 hours);
        handler.claim(1, 1); // inflated: refused
        assertEq(rewards.totalClaimed(), 0);
        handler.claim(1, 0);
        assertEq(rewards.totalClaimed(), 10 ether);
    }
}
