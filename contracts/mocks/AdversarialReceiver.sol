// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

import {ICheckerNodeLicense} from "../interfaces/ICheckerNodeLicense.sol";
import {ICheckerNodeSale} from "../interfaces/ICheckerNodeSale.sol";

/// @dev Test-only adversarial licence buyer. Modes: 0 accepts, 1 rejects every licence,
///      2 re-enters `buy` from `onERC721Received`, 3 re-enters `refund` from its ETH receive,
///      4 records, for each licence it receives, the purchase `purchaseOf` finds at that moment,
///      5 (given MINTER_ROLE) mints one licence elsewhere on its first licence, between two mints
///      of a purchase that crosses tiers.
contract AdversarialReceiver is IERC721Receiver {
    error NoLicencesPlease();

    ICheckerNodeSale public immutable sale;
    uint8 public mode;
    uint256 internal _refundFirst;
    uint256[] internal _refundIds;
    /// @notice Mode 4: `purchaseOf(tokenId)` as the sale answered inside `onERC721Received`.
    mapping(uint256 tokenId => uint256 firstTokenId) public purchaseSeen;
    bool internal _mintedBetween;

    constructor(ICheckerNodeSale sale_) {
        sale = sale_;
    }

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function buy(uint256 quantity, uint256 maxTotal) external payable returns (uint256) {
        return
            sale.buy{value: msg.value}(
                quantity,
                ICheckerNodeSale.Currency.ETH,
                bytes32(0),
                maxTotal,
                0,
                new bytes32[](0)
            );
    }

    function refund(uint256 firstTokenId, uint256[] calldata ids) external {
        _refundFirst = firstTokenId;
        _refundIds = ids;
        sale.refund(firstTokenId, ids);
    }

    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external returns (bytes4) {
        if (mode == 1) revert NoLicencesPlease();
        if (mode == 4) purchaseSeen[tokenId] = sale.purchaseOf(tokenId);
        if (mode == 5 && !_mintedBetween) {
            _mintedBetween = true;
            ICheckerNodeLicense(msg.sender).mint(address(0xdead), 1, 0);
        }
        if (mode == 2) {
            sale.buy{value: 0}(
                1,
                ICheckerNodeSale.Currency.ETH,
                bytes32(0),
                type(uint256).max,
                0,
                new bytes32[](0)
            );
        }
        return IERC721Receiver.onERC721Received.selector;
    }

    receive() external payable {
        if (mode == 3) sale.refund(_refundFirst, _refundIds);
    }
}
