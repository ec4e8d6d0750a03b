// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IArbToken
/// @notice The interface Arbitrum's standard token bridge (L2 custom gateway) expects of an L2
///         token: the gateway mints on deposit and burns on withdrawal.
interface IArbToken {
    /// @notice Mints `amount` to `account`. Only the L2 gateway.
    function bridgeMint(address account, uint256 amount) external;

    /// @notice Burns `amount` from `account`. Only the L2 gateway.
    function bridgeBurn(address account, uint256 amount) external;

    /// @notice The token's address on L1.
    function l1Address() external view returns (address);
}
