// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ICheckerRewards
/// @notice Per-epoch checker rewards: a Merkle root of `(licenceId, amount)` leaves, computed
///         off-chain from checker reports, posted under a per-epoch cap and only when funded; it
///         opens for claims `claimDelay` after posting and may be replaced until then. The
///         licence's holder, or the operator it delegated to, claims; tokens go to the holder.
interface ICheckerRewards {
    struct Claim {
        uint256 epoch;
        uint256 tokenId;
        uint256 amount;
        bytes32[] proof;
    }

    struct Epoch {
        bytes32 root;
        uint128 total;
        uint64 opensAt;
    }

    error RewardsEpochTotalTooHigh(uint256 total, uint256 maxEpochRewards);
    error RewardsUnderfunded(uint256 needed, uint256 available);
    error RewardsEpochAlreadyOpen(uint256 epoch, uint256 openedAt);
    error RewardsEpochNotOpen(uint256 epoch, uint256 opensAt);
    error RewardsInvalidProof(uint256 epoch, uint256 tokenId, uint256 amount);
    error RewardsAlreadyClaimed(uint256 epoch, uint256 tokenId);
    error RewardsNotHolderOrOperator(uint256 tokenId, address caller);
    error RewardsEpochOverclaimed(uint256 epoch);
    error RewardsInvalidRoot();

    event EpochPosted(uint256 indexed epoch, bytes32 root, uint256 total, uint256 opensAt);
    event RewardClaimed(
        uint256 indexed epoch,
        uint256 indexed tokenId,
        address indexed holder,
        uint256 amount
    );

    /// @notice Posts (or, before it opens, replaces) `epoch`'s root. REWARD_ROLE.
    function postEpoch(uint256 epoch, bytes32 root, uint256 total) external;

    /// @notice Claims several `(epoch, licence)` rewards; each is paid to the licence's holder.
    function claim(Claim[] calldata claims) external returns (uint256 paid);

    function isClaimed(uint256 epoch, uint256 tokenId) external view returns (bool);

    function epochs(uint256 epoch) external view returns (bytes32 root, uint128 total, uint64 opensAt);
}
