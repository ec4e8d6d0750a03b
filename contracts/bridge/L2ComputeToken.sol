// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

import {IArbToken} from "../interfaces/IArbToken.sol";

/// @title L2ComputeToken
/// @notice The market token on Arbitrum, as the standard token bridge's custom gateway expects
///         (IArbToken). Supply exists only as bridged from L1: the gateway mints and burns; no
///         one else can. The gateway and L1 addresses are fixed at deployment.
contract L2ComputeToken is ERC20, ERC20Permit, IArbToken {
    /// @notice The caller is not the L2 gateway.
    error BridgeOnlyGateway(address caller);
    error BridgeInvalidAddress();

    address public immutable l2Gateway;
    address public immutable override l1Address;

    constructor(
        string memory name_,
        string memory symbol_,
        address l2Gateway_,
        address l1Address_
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        if (l2Gateway_ == address(0) || l1Address_ == address(0)) revert BridgeInvalidAddress();
        l2Gateway = l2Gateway_;
        l1Address = l1Address_;
    }

    modifier onlyGateway() {
        if (msg.sender != l2Gateway) revert BridgeOnlyGateway(msg.sender);
        _;
    }

    /// @inheritdoc IArbToken
    function bridgeMint(address account, uint256 amount) external onlyGateway {
        _mint(account, amount);
    }

    /// @inheritdoc IArbToken
    function bridgeBurn(address account, uint256 amount) external onlyGateway {
        _burn(account, amount);
    }
}
