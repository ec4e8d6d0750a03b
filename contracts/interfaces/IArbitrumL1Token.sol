// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IArbitrumL1Token
/// @notice An L1 token that registers itself with Arbitrum's token bridge as a custom-gateway
///         token: the functions of Arbitrum's `ICustomToken` (with `ERC20.balanceOf` and
///         `ERC20.transferFrom`, which the token has as an ERC-20), plus the fixed addresses it
///         registers with and the one account allowed to trigger the registration.
interface IArbitrumL1Token {
    /// @notice `registerTokenOnL2` was called by someone other than the registrar.
    error ArbitrumUnauthorizedRegistrar(address caller);
    /// @notice `registerTokenOnL2` asked for an L2 address other than the one already registered.
    error ArbitrumL2TokenAlreadySet(address registered, address requested);
    /// @notice The L2 address is zero.
    error ArbitrumInvalidL2Token();
    /// @notice `msg.value` is not exactly `valueForGateway + valueForRouter`.
    error ArbitrumRegistrationValue(uint256 sent, uint256 required);
    /// @notice `isArbitrumEnabled` was called outside a registration.
    error ArbitrumNotRegistering();
    /// @notice The constructor's gateway, router and registrar are neither all set nor all zero,
    ///         or the gateway does not serve that router.
    error ArbitrumInvalidBridge(address gateway, address router, address registrar);

    /// @notice The token asked Arbitrum's L1 custom gateway and L1 router to register it with
    ///         `l2Token` (the L2 side follows when the two retryable tickets are redeemed).
    event ArbitrumRegistrationSent(address indexed l2Token, uint256 gatewayTicket, uint256 routerTicket);

    /// @notice Arbitrum's gateways call this back on the token during registration.
    /// @return `0xb1` while `registerTokenOnL2` runs; reverts with `ArbitrumNotRegistering` otherwise
    function isArbitrumEnabled() external view returns (uint8);

    /// @notice Registers the token with Arbitrum's L1 custom gateway (L1 -> `l2CustomTokenAddress`)
    ///         and routes it to that gateway in the L1 gateway router; each sends a retryable
    ///         ticket to its L2 counterpart. Only the registrar. The first call fixes the L2
    ///         address; later calls (e.g. to resend expired tickets) must repeat it.
    /// @param l2CustomTokenAddress the token on Arbitrum (its `l1Address()` must be this token)
    /// @param maxSubmissionCostForCustomGateway submission cost of the gateway's ticket
    /// @param maxSubmissionCostForRouter submission cost of the router's ticket
    /// @param maxGasForCustomGateway L2 gas limit of the gateway's ticket
    /// @param maxGasForRouter L2 gas limit of the router's ticket
    /// @param gasPriceBid L2 gas price of both tickets
    /// @param valueForGateway ETH sent with the gateway's ticket
    /// @param valueForRouter ETH sent with the router's ticket
    /// @param creditBackAddress receives the tickets' unused submission cost on L2
    function registerTokenOnL2(
        address l2CustomTokenAddress,
        uint256 maxSubmissionCostForCustomGateway,
        uint256 maxSubmissionCostForRouter,
        uint256 maxGasForCustomGateway,
        uint256 maxGasForRouter,
        uint256 gasPriceBid,
        uint256 valueForGateway,
        uint256 valueForRouter,
        address creditBackAddress
    ) external payable;

    /// @notice Arbitrum's L1 custom gateway the token registers with (zero: no Arbitrum bridge).
    function l1CustomGateway() external view returns (address);

    /// @notice Arbitrum's L1 gateway router the token registers with (zero: no Arbitrum bridge).
    function l1GatewayRouter() external view returns (address);

    /// @notice The only account that may call `registerTokenOnL2` (the governance timelock).
    function arbitrumRegistrar() external view returns (address);

    /// @notice The L2 token registered so far (zero before the first registration).
    function l2Token() external view returns (address);
}
