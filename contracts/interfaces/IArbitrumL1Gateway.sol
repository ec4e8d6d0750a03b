// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IArbitrumL1CustomGateway
/// @notice The part of Arbitrum's L1 custom gateway (token-bridge-contracts `L1CustomGateway`)
///         that a custom L1 token calls to register itself.
interface IArbitrumL1CustomGateway {
    /// @notice Maps the caller (the L1 token, which must answer `isArbitrumEnabled() == 0xb1`
    ///         during this call) to `l2Address`, and sends the same mapping to the L2 custom
    ///         gateway as a retryable ticket paid with `msg.value`. Once set, the gateway refuses
    ///         any other L2 address for the token.
    /// @return the retryable ticket's sequence number
    function registerTokenToL2(
        address l2Address,
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost,
        address creditBackAddress
    ) external payable returns (uint256);

    /// @notice The L1 gateway router this gateway serves.
    function router() external view returns (address);
}

/// @title IArbitrumL1GatewayRouter
/// @notice The part of Arbitrum's L1 gateway router (token-bridge-contracts `L1GatewayRouter`)
///         that a custom L1 token calls to choose its gateway.
interface IArbitrumL1GatewayRouter {
    /// @notice Routes the caller's (the L1 token's) deposits to `gateway`, which must already map
    ///         the token to an L2 address, and sends the same route to the L2 router as a
    ///         retryable ticket paid with `msg.value`. Once a non-default gateway is set, the
    ///         router refuses any other.
    /// @return the retryable ticket's sequence number
    function setGateway(
        address gateway,
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost,
        address creditBackAddress
    ) external payable returns (uint256);
}
