// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {ICheckerNodeLicense} from "../interfaces/ICheckerNodeLicense.sol";
import {ICheckerRewards} from "../interfaces/ICheckerRewards.sol";

/// @title CheckerRewards
/// @notice See ICheckerRewards. Leaves are OpenZeppelin standard-tree leaves of
///         `(uint256 tokenId, uint256 amount)`: `keccak256(bytes.concat(keccak256(abi.encode(id, amount))))`.
contract CheckerRewards is ICheckerRewards, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    bytes32 public constant REWARD_ROLE = keccak256("REWARD_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    IERC20 public immutable token;
    ICheckerNodeLicense public immutable license;
    uint256 public immutable maxEpochRewards;
    uint64 public immutable claimDelay;

    mapping(uint256 epoch => Epoch) public epochs;
    mapping(uint256 epoch => uint256) public claimedInEpoch;
    mapping(uint256 epoch => BitMaps.BitMap) private _claimed;
    /// @notice Sum of posted epoch totals, and of claims paid: `totalClaimed <= totalPosted` always.
    uint256 public totalPosted;
    uint256 public totalClaimed;

    constructor(
        IERC20 token_,
        ICheckerNodeLicense license_,
        uint256 maxEpochRewards_,
        uint64 claimDelay_,
        address admin
    ) {
        token = token_;
        license = license_;
        maxEpochRewards = maxEpochRewards_;
        claimDelay = claimDelay_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @inheritdoc ICheckerRewards
    function postEpoch(uint256 epoch, bytes32 root, uint256 total) external onlyRole(REWARD_ROLE) {
        if (root == bytes32(0)) revert RewardsInvalidRoot();
        if (total > maxEpochRewards) revert RewardsEpochTotalTooHigh(total, maxEpochRewards);
        Epoch storage e = epochs[epoch];
        if (e.root != bytes32(0) && block.timestamp >= e.opensAt)
            revert RewardsEpochAlreadyOpen(epoch, e.opensAt);
        uint256 posted = totalPosted - e.total + total;
        // every posted reward is backed by tokens held here
        uint256 available = token.balanceOf(address(this)) + totalClaimed;
        if (posted > available) revert RewardsUnderfunded(posted, available);
        totalPosted = posted;
        uint64 opensAt = uint64(block.timestamp) + claimDelay;
        // total <= maxEpochRewards; SafeCast guards a cap configured above 2^128
        epochs[epoch] = Epoch({root: root, total: SafeCast.toUint128(total), opensAt: opensAt});
        emit EpochPosted(epoch, root, total, opensAt);
    }

    /// @inheritdoc ICheckerRewards
    function claim(Claim[] calldata claims) external whenNotPaused nonReentrant returns (uint256 paid) {
        for (uint256 i = 0; i < claims.length; ++i) {
            Claim calldata c = claims[i];
            Epoch memory e = epochs[c.epoch];
            if (e.root == bytes32(0) || block.timestamp < e.opensAt)
                revert RewardsEpochNotOpen(c.epoch, e.opensAt);
            if (_claimed[c.epoch].get(c.tokenId)) revert RewardsAlreadyClaimed(c.epoch, c.tokenId);
            bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(c.tokenId, c.amount))));
            if (!MerkleProof.verifyCalldata(c.proof, e.root, leaf)) {
                revert RewardsInvalidProof(c.epoch, c.tokenId, c.amount);
            }
            address holder = IERC721(address(license)).ownerOf(c.tokenId);
            if (msg.sender != holder && msg.sender != license.operatorOf(c.tokenId)) {
                revert RewardsNotHolderOrOperator(c.tokenId, msg.sender);
            }
            _claimed[c.epoch].set(c.tokenId);
            uint256 claimed = claimedInEpoch[c.epoch] + c.amount;
            if (claimed > e.total) revert RewardsEpochOverclaimed(c.epoch);
            claimedInEpoch[c.epoch] = claimed;
            totalClaimed += c.amount;
            paid += c.amount;
            emit RewardClaimed(c.epoch, c.tokenId, holder, c.amount);
            token.safeTransfer(holder, c.amount);
        }
    }

    /// @inheritdoc ICheckerRewards
    function isClaimed(uint256 epoch, uint256 tokenId) external view returns (bool) {
        return _claimed[epoch].get(tokenId);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }
}
