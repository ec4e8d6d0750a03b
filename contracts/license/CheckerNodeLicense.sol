// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC2981} from "@openzeppelin/contracts/token/common/ERC2981.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ERC721A} from "erc721a/contracts/ERC721A.sol";

import {ICheckerNodeLicense} from "../interfaces/ICheckerNodeLicense.sol";

/// @title CheckerNodeLicense
/// @notice See ICheckerNodeLicense. ERC721A makes a batch of N licences cost about one storage
///         write instead of N; the tier rides in ERC721A's 24-bit `extraData` of each batch.
contract CheckerNodeLicense is ICheckerNodeLicense, IERC721Errors, ERC721A, ERC2981, AccessControl {
    /// @notice May mint and burn for refunds: the sale contract.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Royalties never exceed 10 %.
    uint96 public constant MAX_ROYALTY_BPS = 1_000;

    uint256 public immutable maxSupply;
    /// @notice The transfer lock can never be set later than this (holders' guarantee).
    uint256 public immutable unlockCeiling;
    uint256 public transferUnlockTime;

    mapping(uint256 tier => string baseURI) public tierBaseURI;
    mapping(uint256 tokenId => address operator) private _operators;
    /// @dev Tier of the licences being minted, read by `_extraData` during the mint.
    uint24 private transient _mintingTier;

    constructor(
        string memory name_,
        string memory symbol_,
        uint256 maxSupply_,
        uint256 transferUnlockTime_,
        uint256 unlockCeiling_,
        address admin,
        address royaltyReceiver,
        uint96 royaltyBps
    ) ERC721A(name_, symbol_) {
        if (transferUnlockTime_ > unlockCeiling_)
            revert LicenseUnlockTooLate(transferUnlockTime_, unlockCeiling_);
        if (royaltyBps > MAX_ROYALTY_BPS) revert LicenseRoyaltyTooHigh(royaltyBps);
        maxSupply = maxSupply_;
        unlockCeiling = unlockCeiling_;
        transferUnlockTime = transferUnlockTime_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setDefaultRoyalty(royaltyReceiver, royaltyBps);
    }

    // ------------------------------------------------------------------ minting

    /// @inheritdoc ICheckerNodeLicense
    function mint(
        address to,
        uint256 quantity,
        uint24 tier
    ) external onlyRole(MINTER_ROLE) returns (uint256 firstTokenId) {
        uint256 remaining = maxSupply - _totalMinted();
        if (quantity > remaining) revert LicenseMaxSupplyExceeded(quantity, remaining);
        firstTokenId = _nextTokenId();
        _mintingTier = tier;
        _safeMint(to, quantity);
    }

    /// @inheritdoc ICheckerNodeLicense
    function burnFrom(address expectedOwner, uint256 tokenId) external onlyRole(MINTER_ROLE) {
        if (ownerOf(tokenId) != expectedOwner) revert LicenseNotOwner(tokenId, expectedOwner);
        _burn(tokenId, false);
    }

    /// @inheritdoc ICheckerNodeLicense
    function burn(uint256 tokenId) external {
        _burn(tokenId, true);
    }

    // ------------------------------------------------------------------ operators

    /// @inheritdoc ICheckerNodeLicense
    function setOperator(uint256[] calldata tokenIds, address operator) external {
        for (uint256 i = 0; i < tokenIds.length; ++i) {
            uint256 tokenId = tokenIds[i];
            if (ownerOf(tokenId) != msg.sender) revert LicenseNotOwner(tokenId, msg.sender);
            _operators[tokenId] = operator;
            emit OperatorSet(tokenId, msg.sender, operator);
        }
    }

    /// @inheritdoc ICheckerNodeLicense
    function operatorOf(uint256 tokenId) external view returns (address) {
        return _operators[tokenId];
    }

    /// @inheritdoc ICheckerNodeLicense
    /// @dev ERC721A keeps an owner in the slot of the first id of each mint and of each id that
    ///      moved since (a burn marks its own slot and initializes the next id's); an id with an
    ///      empty slot, below the next id to mint, belongs to the nearest initialized slot below
    ///      it, and no slot at or above the next id is ever initialized. So an id with an empty
    ///      slot right after an id that exists has that id's owner; any other id is resolved as
    ///      `ownerOf` resolves it, with zero where it would revert.
    function ownersOf(uint256[] calldata tokenIds) external view returns (address[] memory owners) {
        owners = new address[](tokenIds.length);
        // `_nextTokenId()`, read when first needed (an id with an empty slot); it is >= 1
        uint256 next = 0;
        // the previous id and its owner (zero: none, or it does not exist)
        uint256 lastId = 0;
        address lastOwner = address(0);
        for (uint256 i = 0; i < tokenIds.length; ++i) {
            uint256 id = tokenIds[i];
            address owner = address(0);
            if (id >= _startTokenId()) {
                if (_ownershipIsInitialized(id)) {
                    TokenOwnership memory o = _ownershipAt(id);
                    if (!o.burned) owner = o.addr;
                } else {
                    if (next == 0) next = _nextTokenId();
                    if (id < next) {
                        if (lastOwner != address(0) && id == lastId + 1) {
                            // the slot lastId's owner came from is the nearest initialized one below id too
                            owner = lastOwner;
                        } else {
                            // the mint of id initialized its first id's slot, at or above
                            // `_startTokenId()`: the scan stops there
                            uint256 slot = id;
                            while (!_ownershipIsInitialized(slot)) --slot;
                            TokenOwnership memory o = _ownershipAt(slot);
                            // burned there (a batch burn marks only its first id): does not exist
                            if (!o.burned) owner = o.addr;
                        }
                    }
                }
            }
            owners[i] = owner;
            (lastId, lastOwner) = (id, owner);
        }
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc ICheckerNodeLicense
    function setTransferUnlockTime(uint256 unlockTime) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 current = transferUnlockTime;
        if (block.timestamp >= current) revert LicenseTransferLockLifted(current);
        if (unlockTime > unlockCeiling) revert LicenseUnlockTooLate(unlockTime, unlockCeiling);
        transferUnlockTime = unlockTime;
        emit TransferUnlockTimeSet(unlockTime);
    }

    /// @notice Sets the metadata base URI of a tier. DEFAULT_ADMIN_ROLE.
    function setTierURI(uint256 tier, string calldata baseURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        tierBaseURI[tier] = baseURI;
        emit TierURISet(tier, baseURI);
    }

    /// @notice Sets the ERC-2981 royalty (at most MAX_ROYALTY_BPS). DEFAULT_ADMIN_ROLE.
    function setDefaultRoyalty(address receiver, uint96 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps > MAX_ROYALTY_BPS) revert LicenseRoyaltyTooHigh(bps);
        _setDefaultRoyalty(receiver, bps);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICheckerNodeLicense
    function tierOf(uint256 tokenId) public view returns (uint24) {
        return _ownershipOf(tokenId).extraData;
    }

    /// @inheritdoc ICheckerNodeLicense
    function totalMinted() external view returns (uint256) {
        return _totalMinted();
    }

    /// @notice `tierBaseURI[tier] + tokenId`, or "" if the tier has no base URI (as ERC721 does).
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        if (!_exists(tokenId)) revert URIQueryForNonexistentToken();
        string memory base = tierBaseURI[tierOf(tokenId)];
        return bytes(base).length == 0 ? "" : string.concat(base, Strings.toString(tokenId));
    }

    /// @notice ERC-721 `setApprovalForAll`; the zero address is no operator (OpenZeppelin ERC721).
    function setApprovalForAll(address operator, bool approved) public override {
        if (operator == address(0)) revert ERC721InvalidOperator(operator);
        super.setApprovalForAll(operator, approved);
    }

    /// @notice ERC-721 `approve`; refuses ETH (`LicenseNoEther`): nothing could withdraw it.
    function approve(address to, uint256 tokenId) public payable override {
        if (msg.value != 0) revert LicenseNoEther(msg.value);
        super.approve(to, tokenId);
    }

    /// @notice ERC-721 `transferFrom`; refuses ETH (`LicenseNoEther`). Both `safeTransferFrom`
    ///         overloads of ERC721A call this one, so they refuse it too.
    function transferFrom(address from, address to, uint256 tokenId) public payable override {
        if (msg.value != 0) revert LicenseNoEther(msg.value);
        super.transferFrom(from, to, tokenId);
    }

    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC721A, ERC2981, AccessControl) returns (bool) {
        return
            ERC721A.supportsInterface(interfaceId) ||
            ERC2981.supportsInterface(interfaceId) ||
            AccessControl.supportsInterface(interfaceId);
    }

    // ------------------------------------------------------------------ hooks

    function _startTokenId() internal pure override returns (uint256) {
        return 1;
    }

    /// @dev Mints carry the tier being minted; transfers and burns keep the tier.
    function _extraData(
        address from,
        address,
        uint24 previousExtraData
    ) internal view override returns (uint24) {
        return from == address(0) ? _mintingTier : previousExtraData;
    }

    /// @dev Transfers (not mints, not burns) are locked until `transferUnlockTime`; a licence
    ///      that moves or burns loses its operator.
    function _beforeTokenTransfers(
        address from,
        address to,
        uint256 startTokenId,
        uint256
    ) internal override {
        if (from == address(0)) return;
        if (to != address(0) && block.timestamp < transferUnlockTime)
            revert LicenseTransferLocked(transferUnlockTime);
        // transfers and burns move one token at a time in ERC721A
        if (_operators[startTokenId] != address(0)) {
            delete _operators[startTokenId];
            emit OperatorSet(startTokenId, from, address(0));
        }
    }
}
