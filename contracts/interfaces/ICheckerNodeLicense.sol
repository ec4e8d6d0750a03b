// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ICheckerNodeLicense
/// @notice CheckerNode licences: ERC-721 (ERC721A, sequential ids from 1), minted by the sale in
///         price tiers, transfer-locked until a governance-set date (which, once passed, is final:
///         a lifted lock never comes back), operable by a delegate. `tokenURI` is the tier's base
///         URI followed by the id, or "" when the tier has no base URI; `setApprovalForAll`
///         rejects the zero operator with OpenZeppelin's `ERC721InvalidOperator(address(0))`;
///         `approve` and the transfers keep ERC721A's `payable` signature but refuse any ETH.
interface ICheckerNodeLicense {
    /// @notice Minting `quantity` more would exceed `maxSupply`.
    error LicenseMaxSupplyExceeded(uint256 requested, uint256 remaining);
    /// @notice Transfers are locked until `unlockTime` (minting and burning are not).
    error LicenseTransferLocked(uint256 unlockTime);
    /// @notice The unlock time is later than the ceiling fixed at deployment.
    error LicenseUnlockTooLate(uint256 unlockTime, uint256 ceiling);
    /// @notice The transfer lock lifted at `unlockTime`: it can no longer move.
    error LicenseTransferLockLifted(uint256 unlockTime);
    /// @notice The caller does not own `tokenId`.
    error LicenseNotOwner(uint256 tokenId, address caller);
    /// @notice Royalty above the bound.
    error LicenseRoyaltyTooHigh(uint256 bps);
    /// @notice ETH sent with `approve` or a transfer: ERC721A declares them `payable` (as ERC-721
    ///         allows), this contract takes no ETH there (it would be stuck).
    error LicenseNoEther(uint256 value);

    /// @notice `operator` now runs `tokenId` (zero: revoked).
    event OperatorSet(uint256 indexed tokenId, address indexed owner, address indexed operator);
    /// @notice The transfer lock moved.
    event TransferUnlockTimeSet(uint256 unlockTime);
    /// @notice Tier `tier`'s metadata base URI changed.
    event TierURISet(uint256 indexed tier, string baseURI);

    /// @notice Mints `quantity` licences of `tier` to `to` (safe mint). MINTER_ROLE (the sale).
    /// @return firstTokenId the first id of the contiguous range minted
    function mint(address to, uint256 quantity, uint24 tier) external returns (uint256 firstTokenId);

    /// @notice Burns `tokenId`, which must belong to `expectedOwner`. MINTER_ROLE (sale refunds).
    function burnFrom(address expectedOwner, uint256 tokenId) external;

    /// @notice Burns `tokenId`: its owner or an approved address.
    function burn(uint256 tokenId) external;

    /// @notice Delegates (or, with `operator == 0`, revokes) the operation of the caller's `tokenIds`.
    function setOperator(uint256[] calldata tokenIds, address operator) external;

    /// @notice The operator of `tokenId` (zero if none). Cleared whenever the licence moves.
    function operatorOf(uint256 tokenId) external view returns (address);

    /// @notice The owner of each of `tokenIds`, or the zero address for an id that does not exist
    ///         (never minted, or burned) where `ownerOf` would revert: what a batch of reward
    ///         claims needs in one call. Ids in any order, repeats allowed; a run of consecutive
    ///         ids of one mint reads each id's own slot once instead of scanning back to the
    ///         mint's first id for each, as `ownerOf` does.
    function ownersOf(uint256[] calldata tokenIds) external view returns (address[] memory owners);

    /// @notice The price tier `tokenId` was sold in.
    function tierOf(uint256 tokenId) external view returns (uint24);

    /// @notice Licences minted so far (burned ones included).
    function totalMinted() external view returns (uint256);

    /// @notice Moves the transfer lock, earlier or later, while it still holds. DEFAULT_ADMIN_ROLE
    ///         (governance); never past the ceiling, and never once it has lifted.
    function setTransferUnlockTime(uint256 unlockTime) external;
}
