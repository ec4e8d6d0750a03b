// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @dev Test-only licence for the rewards contract: `ownersOf` answers for every id as `mode`
///      says. 0 returns `holder`; 1 returns zero (the id does not exist, as a burned licence's);
///      2 reverts with another error; 3 runs out of gas (a loop that burns all the gas it was
///      given, as an ownership scan too long for the gas left would).
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

    function ownersOf(uint256[] calldata tokenIds) external view returns (address[] memory owners) {
        uint8 m = mode;
        if (m == 2) revert SomethingElse(tokenIds[0]);
        if (m == 3) {
            uint256 spin;
            while (gasleft() > 0) ++spin;
        }
        owners = new address[](tokenIds.length);
        if (m == 0) for (uint256 i = 0; i < owners.length; ++i) owners[i] = holder;
    }

    function operatorOf(uint256) external pure returns (address) {
        return address(0);
    }
}
