// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Enumerable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Enumerable.sol";

/// @dev Benchmark reference only: an OpenZeppelin ERC721Enumerable licence that mints one by one
///      and records the tier per token, i.e. the naive design CheckerNodeLicense is measured against.
contract ReferenceEnumerableLicense is ERC721Enumerable {
    mapping(uint256 tokenId => uint24 tier) public tierOf;
    uint256 public nextId = 1;

    constructor() ERC721("Reference", "REF") {}

    function buy(uint256 quantity, uint24 tier) external payable {
        for (uint256 i = 0; i < quantity; ++i) {
            uint256 id = nextId;
            ++nextId;
            tierOf[id] = tier;
            _safeMint(msg.sender, id);
        }
    }
}
