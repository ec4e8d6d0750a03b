// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

import {ICheckerNodeSale} from "../../interfaces/ICheckerNodeSale.sol";

/// @dev Test-only licence buyer (and transfer recipient) whose `onERC721Received` misbehaves as
///      `mode` says: 0 accepts; 1 reverts with a reason string; 2 with a custom error; 3 with no
///      data; 4 returns the wrong selector; 5 burns all the gas it is given; 6 panics.
contract RevertingReceiver is IERC721Receiver {
    error ReceiverRefused(uint256 tokenId);

    ICheckerNodeSale public immutable sale;
    IERC20 public immutable stable;
    uint8 public mode;

    constructor(ICheckerNodeSale sale_, IERC20 stable_) {
        sale = sale_;
        stable = stable_;
    }

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    /// @notice Buys `quantity` licences in `currency` (the stablecoin is approved first).
    function buy(
        uint256 quantity,
        ICheckerNodeSale.Currency currency,
        uint256 maxTotal
    ) external payable returns (uint256) {
        if (currency == ICheckerNodeSale.Currency.STABLE) {
            stable.approve(address(sale), maxTotal);
        }
        return sale.buy{value: msg.value}(quantity, currency, bytes32(0), maxTotal, 0, new bytes32[](0));
    }

    function onERC721Received(
        address,
        address,
        uint256 tokenId,
        bytes calldata
    ) external view returns (bytes4) {
        uint8 m = mode;
        // solhint-disable-next-line gas-custom-errors
        if (m == 1) revert("RevertingReceiver: no licences");
        if (m == 2) revert ReceiverRefused(tokenId);
        // solhint-disable-next-line reason-string, gas-custom-errors
        if (m == 3) revert();
        if (m == 4) return bytes4(0xdeadbeef);
        if (m == 5) {
            uint256 spin;
            while (gasleft() > 0) ++spin;
        }
        if (m == 6) assert(tokenId == type(uint256).max);
        return IERC721Receiver.onERC721Received.selector;
    }
}
