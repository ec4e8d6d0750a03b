// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ICheckerRewards
/// @notice Per-epoch checker rewards. Each epoch is a Merkle root of per-licence amounts, computed
///         off-chain from checker reports (`src/evm/rewards.ts`) and posted by REWARD_ROLE:
///         - under a cap per time period (`maxRewardsPerPeriod` per `periodLength` seconds, however
///           many epochs are posted in it), and only when the tokens held cover every reward still
///           reserved;
///         - it opens for claims `claimDelay` after posting and may be replaced until then;
///         - it expires `claimWindow` after opening, later by the time the contract spends paused
///           after the epoch was posted (`expiryOf`: a pause blocks claims, so it does not run
///           the window down); anyone may then close it, which releases the unclaimed remainder
///           back to the pool (to be posted again).
///         The licence's holder, or the operator it delegated to, claims; tokens go to the holder.
///
///         Leaf (the one definition; `src/evm/rewards.ts` builds the same, see README "rewards"):
///         an OpenZeppelin StandardMerkleTree leaf of
///         `(uint256 chainId, address rewards, uint256 epoch, uint256 licenceId, uint256 amount)`,
///         i.e. `keccak256(bytes.concat(keccak256(abi.encode(chainId, rewards, epoch, licenceId, amount))))`.
///         Committing to the chain, this contract and the epoch makes a proof valid in one place only:
///         re-posting last epoch's root under a new number, or on another deployment, pays nothing.
///
///         Accounting: `token.balanceOf(this) >= totalPosted - totalClaimed - totalReleased` always.
interface ICheckerRewards {
    struct Claim {
        uint256 epoch;
        uint256 tokenId;
        uint256 amount;
        bytes32[] proof;
    }

    /// @notice Posting `posted` in `period` (the epoch's total included) would exceed the cap.
    error RewardsPeriodCapExceeded(uint256 period, uint256 posted, uint256 maxRewardsPerPeriod);
    /// @notice The tokens held do not cover every reward still reserved (`needed`).
    error RewardsUnderfunded(uint256 needed, uint256 available);
    error RewardsEpochAlreadyOpen(uint256 epoch, uint256 openedAt);
    error RewardsEpochNotOpen(uint256 epoch, uint256 opensAt);
    /// @notice The epoch's claim window ended at `expiredAt` (its `expiryOf`).
    error RewardsEpochExpired(uint256 epoch, uint256 expiredAt);
    /// @notice `closeEpoch` before the claim window ends at `expiresAt` (its `expiryOf`).
    error RewardsEpochNotExpired(uint256 epoch, uint256 expiresAt);
    error RewardsEpochNotPosted(uint256 epoch);
    error RewardsEpochClosed(uint256 epoch);
    error RewardsInvalidProof(uint256 epoch, uint256 tokenId, uint256 amount);
    error RewardsAlreadyClaimed(uint256 epoch, uint256 tokenId);
    error RewardsNotHolderOrOperator(uint256 tokenId, address caller);
    error RewardsEpochOverclaimed(uint256 epoch);
    error RewardsInvalidRoot();
    /// @notice Constructor: a zero period length.
    error RewardsInvalidPeriodLength(uint256 periodLength);
    /// @notice Constructor: a claim window shorter than `minimum`.
    error RewardsInvalidClaimWindow(uint256 claimWindow, uint256 minimum);

    event EpochPosted(uint256 indexed epoch, bytes32 root, uint256 total, uint256 opensAt);
    event RewardClaimed(
        uint256 indexed epoch,
        uint256 indexed tokenId,
        address indexed holder,
        uint256 amount
    );
    /// @notice A claim in a batch was skipped because the licence does not exist (burned, or
    ///         never minted); it stays unclaimed and is released when the epoch is closed.
    event RewardSkipped(uint256 indexed epoch, uint256 indexed tokenId);
    /// @notice An expired epoch was closed; `released` (its unclaimed remainder) is free to post again.
    event EpochClosed(uint256 indexed epoch, uint256 released);

    /// @notice Posts (or, before it opens, replaces) `epoch`'s root with `total` to distribute.
    ///         REWARD_ROLE. Counts `total` against the current period's cap (a replaced root's old
    ///         total is freed from the period it was charged to) and reserves it from the pool.
    function postEpoch(uint256 epoch, bytes32 root, uint256 total) external;

    /// @notice Claims several `(epoch, licence)` rewards; each is paid to the licence's holder.
    ///         Reverts on any caller error (epoch not open or expired, double claim, bad proof, not
    ///         the holder or operator); a licence that no longer exists (the licence's `ownerOf`
    ///         reverts with ERC721A's `OwnerQueryForNonexistentToken()`) is skipped
    ///         (`RewardSkipped`), since a burn by someone else must not fail the caller's whole
    ///         batch. Any other revert of `ownerOf`, out of gas included, fails the batch with it.
    /// @return paid the sum paid
    function claim(Claim[] calldata claims) external returns (uint256 paid);

    /// @notice Closes `epoch` once its claim window has ended (at `expiryOf(epoch)`): its
    ///         unclaimed remainder is released (`totalReleased`) and may be posted again. Anyone;
    ///         nothing is paid to the caller.
    /// @return released the remainder released
    function closeEpoch(uint256 epoch) external returns (uint256 released);

    function isClaimed(uint256 epoch, uint256 tokenId) external view returns (bool);

    /// @notice When `epoch`'s claim window ends (0 if never posted): `expiresAt` plus the time
    ///         spent paused since it was posted. While paused, it moves with the clock.
    function expiryOf(uint256 epoch) external view returns (uint256);

    /// @notice Seconds the contract has spent paused since its deployment, the current pause included.
    function pausedTime() external view returns (uint256);

    /// @notice The period `block.timestamp` falls in: periods of `periodLength` seconds from deployment.
    function currentPeriod() external view returns (uint256);

    /// @notice The sum of the totals of the epochs charged to `period`.
    function postedInPeriod(uint256 period) external view returns (uint256);

    /// @notice An epoch (all zero if never posted).
    /// @return root the Merkle root of its per-licence amounts
    /// @return total the sum of its leaves, reserved from the pool when posted
    /// @return opensAt when claims open
    /// @return expiresAt `opensAt + claimWindow`: the end of the claim window had the contract
    ///         never been paused after the posting. Claims end, and `closeEpoch` is allowed, at
    ///         `expiryOf`
    /// @return claimed paid so far
    /// @return period the period whose cap the total counts against (when it was last posted)
    /// @return closed closed: the unclaimed remainder was released
    /// @return pausedTimeAtPost `pausedTime()` when the epoch was (last) posted: pauses after it
    ///         extend its window
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
        );
}
