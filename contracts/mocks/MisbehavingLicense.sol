// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC721A} from "erc721a/contracts/IERC721A.sol";

/// @dev Test-only licence for the rewards contract: `ownerOf` of every id answers as `mode` says.
///      0 returns `holder`; 1 reverts like ERC721A for an id that does not exist; 2 reverts with
///      another error; 3 runs out of gas (a loop that burns all the gas it was given, as an
///      ownerOf scan too long for the gas left would).
contract MisbehavingLicense {
    error SomethingElse(uint256 tokenId);

    address public immutable holder;
    uint8 public mode;

    constructor(address holder_) {
        holder = holder_;
    }

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function ownerOf(uint256 tokenId) external view returns (address) {
        uint8 m = mode;
        if (m == 1) revert IERC721A.OwnerQueryForNonexistentToken();
        if (m == 2) revert SomethingElse(tokenId);
        if (m == 3) {
            uint256 spin;
            while (gasleft() > 0) ++spin;
        }
        return holder;
    }

    function operatorOf(uint256) external pure returns (address) {
        return address(0);
    }
}
