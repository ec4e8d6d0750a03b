// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IArbitrumL1CustomGateway, IArbitrumL1GatewayRouter} from "../interfaces/IArbitrumL1Gateway.sol";
import {IArbitrumL1Token} from "../interfaces/IArbitrumL1Token.sol";

/// @title ArbitrumL1Token
/// @notice Makes an L1 token registrable with Arbitrum's token bridge as a custom-gateway token.
///         The gateway, the router and the registrar are fixed at deployment; the registrar
///         chooses the L2 address once (the gateway itself then refuses any other).
/// @dev `isArbitrumEnabled` answers `0xb1` only while `registerTokenOnL2` runs, so the gateway
///      and router accept a registration from this token only when it comes from that function
///      (Arbitrum's own TestCustomTokenL1 does the same).
abstract contract ArbitrumL1Token is IArbitrumL1Token {
    /// @dev What Arbitrum's gateway and router expect from `isArbitrumEnabled`.
    uint8 private constant _ARBITRUM_ENABLED = 0xb1;

    /// @inheritdoc IArbitrumL1Token
    address public immutable override l1CustomGateway;
    /// @inheritdoc IArbitrumL1Token
    address public immutable override l1GatewayRouter;
    /// @inheritdoc IArbitrumL1Token
    address public immutable override arbitrumRegistrar;
    /// @inheritdoc IArbitrumL1Token
    address public override l2Token;
    /// @dev True only while `registerTokenOnL2` runs (set and cleared in the same call, so a
    ///      revert anywhere leaves it false).
    bool private _registering;

    /// @param gateway_ Arbitrum's L1 custom gateway, or zero on a chain without Arbitrum
    /// @param router_ Arbitrum's L1 gateway router (the one `gateway_` serves), or zero
    /// @param registrar_ the only account allowed to register (the governance timelock), or zero
    constructor(address gateway_, address router_, address registrar_) {
        bool none = gateway_ == address(0) && router_ == address(0) && registrar_ == address(0);
        bool all = gateway_ != address(0) && router_ != address(0) && registrar_ != address(0);
        // A gateway of another router would register the token on one chain and route it on
        // another: refuse the pair at deployment, while nothing is registered yet.
        if (!none && !(all && IArbitrumL1CustomGateway(gateway_).router() == router_)) {
            revert ArbitrumInvalidBridge(gateway_, router_, registrar_);
        }
        l1CustomGateway = gateway_;
        l1GatewayRouter = router_;
        arbitrumRegistrar = registrar_;
    }

    /// @inheritdoc IArbitrumL1Token
    function isArbitrumEnabled() external view override returns (uint8) {
        if (!_registering) revert ArbitrumNotRegistering();
        return _ARBITRUM_ENABLED;
    }

    /// @inheritdoc IArbitrumL1Token
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
    ) external payable override {
        _recordRegistration(l2CustomTokenAddress, valueForGateway, valueForRouter);

        _registering = true;
        // The gateway first: the router refuses a gateway that does not yet map the token.
        uint256 gatewayTicket = IArbitrumL1CustomGateway(l1CustomGateway).registerTokenToL2{
            value: valueForGateway
        }(
            l2CustomTokenAddress,
            maxGasForCustomGateway,
            gasPriceBid,
            maxSubmissionCostForCustomGateway,
            creditBackAddress
        );
        uint256 routerTicket = _setRouterGateway(
            maxGasForRouter,
            gasPriceBid,
            maxSubmissionCostForRouter,
            creditBackAddress,
            valueForRouter
        );
        _registering = false;

        // Emitted after the calls because it carries their ticket numbers; the callees are the
        // immutable gateway and router, and only the registrar gets here.
        emit ArbitrumRegistrationSent(l2CustomTokenAddress, gatewayTicket, routerTicket);
    }

    /// @dev Checks and effects of `registerTokenOnL2`: the caller, the L2 address (fixed by the
    ///      first call), the ETH (the token has no other way to move ETH, so all of it must go
    ///      to the two tickets).
    function _recordRegistration(address l2, uint256 valueForGateway, uint256 valueForRouter) private {
        // A zero registrar (no bridge configured) can never be msg.sender.
        if (msg.sender != arbitrumRegistrar) revert ArbitrumUnauthorizedRegistrar(msg.sender);
        if (l2 == address(0)) revert ArbitrumInvalidL2Token();
        address registered = l2Token;
        if (registered != address(0) && registered != l2) revert ArbitrumL2TokenAlreadySet(registered, l2);
        uint256 required = valueForGateway + valueForRouter;
        if (msg.value != required) revert ArbitrumRegistrationValue(msg.value, required);
        l2Token = l2;
    }

    /// @dev The router's half, apart to keep `registerTokenOnL2` within the stack limit.
    function _setRouterGateway(
        uint256 maxGas,
        uint256 gasPriceBid,
        uint256 maxSubmissionCost,
        address creditBackAddress,
        uint256 value
    ) private returns (uint256) {
        return
            IArbitrumL1GatewayRouter(l1GatewayRouter).setGateway{value: value}(
                l1CustomGateway,
                maxGas,
                gasPriceBid,
                maxSubmissionCost,
                creditBackAddress
            );
    }
}
