// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {ICheckerNodeLicense} from "../interfaces/ICheckerNodeLicense.sol";
import {ICheckerRewards} from "../interfaces/ICheckerRewards.sol";

/// @title CheckerRewards
/// @notice See ICheckerRewards (caps, claim window, and the leaf every proof is checked against).
/// @dev Storage is packed for `claim` (`npm run bench:gas`):
///      - slot 1: Pausable's `_paused` and, declared first below (the compiler packs a contract's
///        first small variables into its base's last slot), the paused time and `totalClaimed`:
///        one cold slot per claim for the pause check, the claim window and the accounting;
///      - an epoch is three slots (`EpochRecord`), of which a claim reads the root and one slot
///        holding what it checks and writes: the unclaimed rest, the opening, the pause mark.
///        `expiresAt` is `opensAt + claimWindow` (both fixed when posting), not stored;
///      - a batch looks its licences' owners up in one call (`ownersOf`, which reads a run of
///        ids of one mint without ERC721A's scan per id), reads an epoch once per run of claims
///        of that epoch, and pays each run of claims of the same holder in one transfer, after
///        every check and effect of the batch;
///      - the reentrancy guard is transient (EIP-1153: Cancun, Arbitrum since ArbOS 20).
contract CheckerRewards is ICheckerRewards, AccessControl, Pausable, ReentrancyGuardTransient {
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

    /// @dev Seconds spent paused in finished pauses, and when the current pause began; they and
    ///      `totalClaimed` share slot 1 with Pausable's `_paused` (see the contract's notes).
    uint48 private _pausedTotal;
    uint48 private _pausedSince;
    /// @dev `totalClaimed()`: 2^128 base units, far above the token's supply.
    uint128 private _totalClaimed;

    /// @dev An epoch as stored; `epochs()` returns it as an `Epoch`.
    struct EpochRecord {
        // slot 0
        bytes32 root;
        // slot 1: what every claim reads, and writes
        /// `total - claimed`
        uint128 unclaimed;
        uint64 opensAt;
        uint48 pausedTimeAtPost;
        bool closed;
        // slot 2: read when posting or replacing
        uint128 total;
        uint64 period;
    }

    mapping(uint256 epoch => EpochRecord) private _epochs;
    /// @inheritdoc ICheckerRewards
    mapping(uint256 period => uint256) public postedInPeriod;
    mapping(uint256 epoch => BitMaps.BitMap) private _claimed;
    /// @notice Sums over every epoch: totals posted (a replaced root's old total removed), and
    ///         remainders released by `closeEpoch`; with `totalClaimed()` (claims paid),
    ///         `totalPosted - totalClaimed - totalReleased` is what is still reserved, and the
    ///         tokens held always cover it.
    uint256 public totalPosted;
    uint256 public totalReleased;

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
        EpochRecord storage e = _epochs[epoch];
        (uint256 oldTotal, uint256 oldPeriod) = (e.total, e.period);
        bool replacing = e.root != bytes32(0);
        if (replacing && block.timestamp >= e.opensAt) revert RewardsEpochAlreadyOpen(epoch, e.opensAt);

        uint256 period = currentPeriod();
        uint256 inPeriod = postedInPeriod[period];
        if (replacing && oldPeriod == period) inPeriod -= oldTotal; // it was counted here
        inPeriod += total;
        if (inPeriod > maxRewardsPerPeriod)
            revert RewardsPeriodCapExceeded(period, inPeriod, maxRewardsPerPeriod);
        uint256 posted = totalPosted - oldTotal + total;
        _requireFunded(posted);

        if (replacing && oldPeriod != period) postedInPeriod[oldPeriod] -= oldTotal;
        postedInPeriod[period] = inPeriod;
        totalPosted = posted;
        uint64 opensAt = uint64(block.timestamp) + claimDelay;
        // SafeCast guards a cap configured above 2^128
        uint128 total128 = SafeCast.toUint128(total);
        _epochs[epoch] = EpochRecord({
            root: root,
            unclaimed: total128,
            opensAt: opensAt,
            // SafeCast: seconds paused since deployment fit in 48 bits (OpenZeppelin's Time)
            pausedTimeAtPost: SafeCast.toUint48(pausedTime()),
            closed: false,
            total: total128,
            period: SafeCast.toUint64(period)
        });
        emit EpochPosted(epoch, root, total, opensAt);
    }

    /// @dev The epoch a batch is claiming in: its root and unclaimed rest are read once per run of
    ///      claims of that epoch, and the rest written back when the batch moves on or ends.
    struct Run {
        uint256 epoch;
        bytes32 root;
        uint256 unclaimed;
    }

    /// @inheritdoc ICheckerRewards
    /// @dev Every check and effect of the whole batch first, then the transfers: one per run of
    ///      consecutive claims of the same holder.
    function claim(Claim[] calldata claims) external whenNotPaused nonReentrant returns (uint256 paid) {
        uint256 n = claims.length;
        // The licence contract is fixed at deployment. Its `ownersOf` gives each claim's licence
        // its owner in one call, or zero for a licence that does not exist (burned or not yet
        // minted): nobody can claim such a licence, and a burn by someone else between signing
        // and inclusion must not fail the whole batch, so it is skipped, left unclaimed, and
        // `closeEpoch` releases it once the window ends. Any failure of `ownersOf` fails the
        // batch, running out of gas included: a proof is public, and a replay with a gas limit too
        // tight for the licence's scan must not pass a live licence off as gone.
        address[] memory holders = license.ownersOf(_tokenIds(claims));
        address[] memory payees = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        uint256 payouts = 0;
        // not paused here (whenNotPaused), so this is `pausedTime()` now
        uint256 pausedNow = _pausedTotal;
        Run memory run = Run({epoch: 0, root: bytes32(0), unclaimed: 0});
        for (uint256 i = 0; i < n; ++i) {
            Claim calldata c = claims[i];
            if (i == 0 || c.epoch != run.epoch) _enterEpoch(run, c.epoch, pausedNow, i != 0);
            BitMaps.BitMap storage claimed = _claimed[c.epoch];
            if (claimed.get(c.tokenId)) revert RewardsAlreadyClaimed(c.epoch, c.tokenId);
            if (!MerkleProof.verifyCalldata(c.proof, run.root, _leaf(c.epoch, c.tokenId, c.amount))) {
                revert RewardsInvalidProof(c.epoch, c.tokenId, c.amount);
            }
            address holder = holders[i];
            if (holder == address(0)) {
                emit RewardSkipped(c.epoch, c.tokenId);
                continue;
            }
            if (msg.sender != holder && msg.sender != license.operatorOf(c.tokenId)) {
                revert RewardsNotHolderOrOperator(c.tokenId, msg.sender);
            }
            if (c.amount > run.unclaimed) revert RewardsEpochOverclaimed(c.epoch);
            claimed.set(c.tokenId);
            emit RewardClaimed(c.epoch, c.tokenId, holder, c.amount);
            if (payouts == 0 || payees[payouts - 1] != holder) {
                payees[payouts] = holder;
                ++payouts;
            }
            // c.amount <= run.unclaimed (checked above), so the rest cannot go below zero; and the
            // sums are of at most `n` amounts below 2^128 each (an epoch's total): they cannot wrap
            unchecked {
                run.unclaimed -= c.amount;
                amounts[payouts - 1] += c.amount;
                paid += c.amount;
            }
        }
        // run.unclaimed only went down from a uint128
        if (n != 0) _epochs[run.epoch].unclaimed = uint128(run.unclaimed);
        if (paid != 0) _totalClaimed = SafeCast.toUint128(_totalClaimed + paid);
        _transfer(payees, amounts, payouts);
    }

    /// @inheritdoc ICheckerRewards
    function closeEpoch(uint256 epoch) external whenNotPaused returns (uint256 released) {
        EpochRecord storage e = _epochs[epoch];
        if (e.root == bytes32(0)) revert RewardsEpochNotPosted(epoch);
        if (e.closed) revert RewardsEpochClosed(epoch);
        // not paused here (whenNotPaused), so `_pausedTotal` is `pausedTime()` now
        uint256 expiry = _expiry(e, _pausedTotal);
        if (block.timestamp < expiry) revert RewardsEpochNotExpired(epoch, expiry);
        released = e.unclaimed;
        e.closed = true;
        totalReleased += released;
        emit EpochClosed(epoch, released);
    }

    /// @inheritdoc ICheckerRewards
    function epochs(
        uint256 epoch
    )
        external
        view
        returns (
            bytes32 root,
            uint128 total,
            uint64 opensAt,
            uint64 expiresAt,
            uint128 claimed,
            uint64 period,
            bool closed,
            uint48 pausedTimeAtPost
        )
    {
        EpochRecord storage e = _epochs[epoch];
        root = e.root;
        if (root == bytes32(0)) return (0, 0, 0, 0, 0, 0, false, 0);
        (total, opensAt, period, closed, pausedTimeAtPost) = (
            e.total,
            e.opensAt,
            e.period,
            e.closed,
            e.pausedTimeAtPost
        );
        // both fixed when posting; claimed <= total (checked on every claim)
        (expiresAt, claimed) = (opensAt + claimWindow, total - e.unclaimed);
    }

    /// @notice The sum of every claim paid (see `totalPosted`).
    function totalClaimed() external view returns (uint256) {
        return _totalClaimed;
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
        EpochRecord storage e = _epochs[epoch];
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

    /// @dev `expiresAt` (`opensAt + claimWindow`) pushed back by the time spent paused since the
    ///      epoch was posted, given `pausedNow` = `pausedTime()`: it only grows, and was
    ///      `pausedTimeAtPost` at the posting, so the subtraction cannot underflow.
    function _expiry(EpochRecord storage e, uint256 pausedNow) private view returns (uint256) {
        return uint256(e.opensAt) + claimWindow + pausedNow - e.pausedTimeAtPost;
    }

    /// @dev Pays `amounts[k]` to `payees[k]` for each of the first `count` payouts.
    function _transfer(address[] memory payees, uint256[] memory amounts, uint256 count) private {
        for (uint256 k = 0; k < count; ++k) {
            if (amounts[k] != 0) token.safeTransfer(payees[k], amounts[k]);
        }
    }

    /// @dev The batch moves to `epoch`: the unclaimed rest of the epoch it leaves is written back
    ///      (`leaving`), and `epoch` is read and checked (posted, open, not expired; a closed epoch
    ///      has expired too).
    function _enterEpoch(Run memory run, uint256 epoch, uint256 pausedNow, bool leaving) private {
        // run.unclaimed only went down from a uint128
        if (leaving) _epochs[run.epoch].unclaimed = uint128(run.unclaimed);
        EpochRecord storage e = _epochs[epoch];
        (bytes32 root, uint256 opensAt) = (e.root, e.opensAt);
        if (root == bytes32(0) || block.timestamp < opensAt) revert RewardsEpochNotOpen(epoch, opensAt);
        uint256 expiry = _expiry(e, pausedNow);
        if (block.timestamp >= expiry) revert RewardsEpochExpired(epoch, expiry);
        (run.epoch, run.root, run.unclaimed) = (epoch, root, e.unclaimed);
    }

    /// @dev The licences of `claims`, in order.
    function _tokenIds(Claim[] calldata claims) private pure returns (uint256[] memory ids) {
        ids = new uint256[](claims.length);
        for (uint256 i = 0; i < claims.length; ++i) ids[i] = claims[i].tokenId;
    }

    /// @dev Every reward still reserved once `posted` is the new sum of posted totals is backed by
    ///      tokens held here. Claimed + released never exceed the totals posted before, minus a root
    ///      being replaced (which is unclaimed), so the subtraction cannot underflow.
    function _requireFunded(uint256 posted) private view {
        uint256 reserved = posted - _totalClaimed - totalReleased;
        uint256 available = token.balanceOf(address(this));
        if (reserved > available) revert RewardsUnderfunded(reserved, available);
    }

    /// @dev The leaf documented in ICheckerRewards: an OpenZeppelin standard-tree leaf of
    ///      `(chainId, this contract, epoch, licenceId, amount)`.
    ///      Hashed in the free memory past the free memory pointer, without allocating it: a batch
    ///      hashes one leaf per claim, and memory grows quadratically in cost.
    function _leaf(uint256 epoch, uint256 tokenId, uint256 amount) private view returns (bytes32 leaf) {
        // = keccak256(bytes.concat(keccak256(abi.encode(block.chainid, address(this), epoch, tokenId, amount))))
        // assembly: one leaf per claim, so no memory allocated per leaf
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, chainid())
            mstore(add(p, 0x20), address())
            mstore(add(p, 0x40), epoch)
            mstore(add(p, 0x60), tokenId)
            mstore(add(p, 0x80), amount)
            mstore(0x00, keccak256(p, 0xa0))
            leaf := keccak256(0x00, 0x20)
        }
    }
}
