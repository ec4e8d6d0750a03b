// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev Test-only: a 6-decimal stablecoin with a USDC-like blocklist (a blocklisted account can
///      neither send nor receive). For fuzzing; the escrow's unit test uses Circle's real FiatToken.
contract BlocklistStablecoin is ERC20 {
    error BlocklistedAccount(address account);

    mapping(address account => bool) public blocked;

    constructor() ERC20("Blocklist USD", "bUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert BlocklistedAccount(from);
        if (blocked[to]) revert BlocklistedAccount(to);
        super._update(from, to, value);
    }
}
