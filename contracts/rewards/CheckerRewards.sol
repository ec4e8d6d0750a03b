// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IERC721A} from "erc721a/contracts/IERC721A.sol";

import {ICheckerNodeLicense} from "../interfaces/ICheckerNodeLicense.sol";
import {ICheckerRewards} from "../interfaces/ICheckerRewards.sol";

/// @title CheckerRewards
/// @notice See ICheckerRewards (caps, claim window, and the leaf every proof is checked against).
contract CheckerRewards is ICheckerRewards, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    bytes32 public constant REWARD_ROLE = keccak256("REWARD_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice The shortest claim window a deployment may set.
    uint64 public constant MIN_CLAIM_WINDOW = 1 days;

    IERC20 public immutable token;
    ICheckerNodeLicense public immutable license;
    /// @notice The most that may be posted in one period, over every epoch posted in it.
    uint256 public immutable maxRewardsPerPeriod;
    /// @notice Periods are `periodLength` seconds long, counted from `periodStart` (deployment).
    uint64 public immutable periodLength;
    uint64 public immutable periodStart;
    uint64 public immutable claimDelay;
    uint64 public immutable claimWindow;

    mapping(uint256 epoch => Epoch) public epochs;
    /// @inheritdoc ICheckerRewards
    mapping(uint256 period => uint256) public postedInPeriod;
    mapping(uint256 epoch => BitMaps.BitMap) private _claimed;
    /// @notice Sums over every epoch: totals posted (a replaced root's old total removed), claims
    ///         paid, and remainders released by `closeEpoch`. `totalPosted - totalClaimed -
    ///         totalReleased` is what is still reserved, and the tokens held always cover it.
    uint256 public totalPosted;
    uint256 public totalClaimed;
    uint256 public totalReleased;
    /// @dev Seconds spent paused in finished pauses, and when the current pause began.
    uint48 private _pausedTotal;
    uint48 private _pausedSince;

    constructor(
        IERC20 token_,
        ICheckerNodeLicense license_,
        uint256 maxRewardsPerPeriod_,
        uint64 periodLength_,
        uint64 claimDelay_,
        uint64 claimWindow_,
        address admin
    ) {
        if (periodLength_ == 0) revert RewardsInvalidPeriodLength(periodLength_);
        if (claimWindow_ < MIN_CLAIM_WINDOW) revert RewardsInvalidClaimWindow(claimWindow_, MIN_CLAIM_WINDOW);
        token = token_;
        license = license_;
        maxRewardsPerPeriod = maxRewardsPerPeriod_;
        periodLength = periodLength_;
        periodStart = uint64(block.timestamp);
        claimDelay = claimDelay_;
        claimWindow = claimWindow_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @inheritdoc ICheckerRewards
    function postEpoch(uint256 epoch, bytes32 root, uint256 total) external onlyRole(REWARD_ROLE) {
        if (root == bytes32(0)) revert RewardsInvalidRoot();
        // a root being replaced is not open yet: nothing of it was claimed or released
        Epoch memory old = epochs[epoch];
        bool replacing = old.root != bytes32(0);
        if (replacing && block.timestamp >= old.opensAt) revert RewardsEpochAlreadyOpen(epoch, old.opensAt);

        uint256 period = currentPeriod();
        uint256 inPeriod = postedInPeriod[period];
        if (replacing && old.period == period) inPeriod -= old.total; // it was counted here
        inPeriod += total;
        if (inPeriod > maxRewardsPerPeriod)
            revert RewardsPeriodCapExceeded(period, inPeriod, maxRewardsPerPeriod);
        uint256 posted = totalPosted - old.total + total;
        _requireFunded(posted);

        if (replacing && old.period != period) postedInPeriod[old.period] -= old.total;
        postedInPeriod[period] = inPeriod;
        totalPosted = posted;
        uint64 opensAt = uint64(block.timestamp) + claimDelay;
        epochs[epoch] = Epoch({
            root: root,
            // SafeCast guards a cap configured above 2^128
            total: SafeCast.toUint128(total),
            opensAt: opensAt,
            expiresAt: opensAt + claimWindow,
            claimed: 0,
            period: SafeCast.toUint64(period),
            closed: false,
            // SafeCast: seconds paused since deployment fit in 48 bits (OpenZeppelin's Time)
            pausedTimeAtPost: SafeCast.toUint48(pausedTime())
        });
        emit EpochPosted(epoch, root, total, opensAt);
    }

    /// @inheritdoc ICheckerRewards
    function claim(Claim[] calldata claims) external whenNotPaused nonReentrant returns (uint256 paid) {
        // not paused here (whenNotPaused), so this is `pausedTime()` now
        uint256 pausedNow = _pausedTotal;
        for (uint256 i = 0; i < claims.length; ++i) {
            Claim calldata c = claims[i];
            Epoch storage e = epochs[c.epoch];
            bytes32 root = e.root;
            if (root == bytes32(0) || block.timestamp < e.opensAt)
                revert RewardsEpochNotOpen(c.epoch, e.opensAt);
            // a closed epoch has expired too
            uint256 expiry = _expiry(e, pausedNow);
            if (block.timestamp >= expiry) revert RewardsEpochExpired(c.epoch, expiry);
            if (_claimed[c.epoch].get(c.tokenId)) revert RewardsAlreadyClaimed(c.epoch, c.tokenId);
            if (!MerkleProof.verifyCalldata(c.proof, root, _leaf(c.epoch, c.tokenId, c.amount))) {
                revert RewardsInvalidProof(c.epoch, c.tokenId, c.amount);
            }
            // The licence contract is fixed at deployment; ERC721A's `ownerOf` reverts with
            // `OwnerQueryForNonexistentToken()` for an id that does not exist (burned or not yet
            // minted). Nobody can claim such a licence, and a burn by someone else between signing
            // and inclusion must not fail the whole batch: skip it, leave it unclaimed;
            // `closeEpoch` releases it once the window ends. Any other failure of `ownerOf` fails
            // the batch with it, running out of gas included: a proof is public, and a replay with
            // a gas limit too tight for `ownerOf`'s scan must not pass a live licence off as gone.
            address holder;
            try IERC721(address(license)).ownerOf(c.tokenId) returns (address owner) {
                holder = owner;
            } catch (bytes memory reason) {
                if (reason.length != 4 || bytes4(reason) != IERC721A.OwnerQueryForNonexistentToken.selector) {
                    LowLevelCall.bubbleRevert(reason);
                }
                emit RewardSkipped(c.epoch, c.tokenId);
                continue;
            }
            if (msg.sender != holder && msg.sender != license.operatorOf(c.tokenId)) {
                revert RewardsNotHolderOrOperator(c.tokenId, msg.sender);
            }
            uint256 claimed = e.claimed + c.amount;
            if (claimed > e.total) revert RewardsEpochOverclaimed(c.epoch);
            _claimed[c.epoch].set(c.tokenId);
            // claimed <= total, which fits in uint128
            e.claimed = uint128(claimed);
            totalClaimed += c.amount;
            paid += c.amount;
            emit RewardClaimed(c.epoch, c.tokenId, holder, c.amount);
            token.safeTransfer(holder, c.amount);
        }
    }

    /// @inheritdoc ICheckerRewards
    function closeEpoch(uint256 epoch) external whenNotPaused returns (uint256 released) {
        Epoch storage e = epochs[epoch];
        if (e.root == bytes32(0)) revert RewardsEpochNotPosted(epoch);
        if (e.closed) revert RewardsEpochClosed(epoch);
        // not paused here (whenNotPaused), so `_pausedTotal` is `pausedTime()` now
        uint256 expiry = _expiry(e, _pausedTotal);
        if (block.timestamp < expiry) revert RewardsEpochNotExpired(epoch, expiry);
        // claimed <= total (checked on every claim)
        released = e.total - e.claimed;
        e.closed = true;
        totalReleased += released;
        emit EpochClosed(epoch, released);
    }

    /// @inheritdoc ICheckerRewards
    function isClaimed(uint256 epoch, uint256 tokenId) external view returns (bool) {
        return _claimed[epoch].get(tokenId);
    }

    /// @inheritdoc ICheckerRewards
    function currentPeriod() public view returns (uint256) {
        return (block.timestamp - periodStart) / periodLength;
    }

    /// @inheritdoc ICheckerRewards
    function expiryOf(uint256 epoch) external view returns (uint256) {
        Epoch storage e = epochs[epoch];
        if (e.root == bytes32(0)) return 0;
        return _expiry(e, pausedTime());
    }

    /// @inheritdoc ICheckerRewards
    function pausedTime() public view returns (uint256) {
        return paused() ? uint256(_pausedTotal) + block.timestamp - _pausedSince : _pausedTotal;
    }

    /// @notice Pauses claims and closes; the claim windows of posted epochs stop running.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
        _pausedSince = Time.timestamp();
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
        _pausedTotal += Time.timestamp() - _pausedSince;
    }

    /// @dev `expiresAt` pushed back by the time spent paused since the epoch was posted, given
    ///      `pausedNow` = `pausedTime()`: it only grows, and was `pausedTimeAtPost` at the posting,
    ///      so the subtraction cannot underflow.
    function _expiry(Epoch storage e, uint256 pausedNow) private view returns (uint256) {
        return uint256(e.expiresAt) + pausedNow - e.pausedTimeAtPost;
    }

    /// @dev Every reward still reserved once `posted` is the new sum of posted totals is backed by
    ///      tokens held here. Claimed + released never exceed the totals posted before, minus a root
    ///      being replaced (which is unclaimed), so the subtraction cannot underflow.
    function _requireFunded(uint256 posted) private view {
        uint256 reserved = posted - totalClaimed - totalReleased;
        uint256 available = token.balanceOf(address(this));
        if (reserved > available) revert RewardsUnderfunded(reserved, available);
    }

    /// @dev The leaf documented in ICheckerRewards: an OpenZeppelin standard-tree leaf of
    ///      `(chainId, this contract, epoch, licenceId, amount)`.
    function _leaf(uint256 epoch, uint256 tokenId, uint256 amount) private view returns (bytes32) {
        return
            keccak256(
                bytes.concat(keccak256(abi.encode(block.chainid, address(this), epoch, tokenId, amount)))
            );
    }
}
