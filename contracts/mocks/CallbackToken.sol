// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @dev Test-only adversarial token with a transfer hook (as ERC-777 tokens have): the next
///      transfer between two accounts first makes one call `hookTarget.call(hookData)`, set by
///      anyone (names that do not clash with ethers' `Contract.target`).
contract CallbackToken is ERC20 {
    address public hookTarget;
    bytes public hookData;

    constructor() ERC20("Hook", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setCallback(address target_, bytes calldata data_) external {
        (hookTarget, hookData) = (target_, data_);
    }

    function _update(address from, address to, uint256 value) internal override {
        address t = hookTarget;
        if (from != address(0) && to != address(0) && t != address(0)) {
            hookTarget = address(0);
            Address.functionCall(t, hookData);
        }
        super._update(from, to, value);
    }
}
