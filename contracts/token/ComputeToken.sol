// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {ArbitrumL1Token} from "../bridge/ArbitrumL1Token.sol";

/// @title ComputeToken
/// @notice The market's token on Ethereum: hard-capped, EIP-2612 permit, ERC-5805 votes on a
///         timestamp clock, burnable. The whole cap is minted once, at deployment, to the
///         tokenomics buckets; no address can ever mint again. Registrable once with Arbitrum's
///         token bridge (custom gateway) by the registrar fixed at deployment: see ArbitrumL1Token.
contract ComputeToken is ERC20, ERC20Capped, ERC20Burnable, ERC20Permit, ERC20Votes, ArbitrumL1Token {
    /// @notice The genesis allocation does not sum exactly to the cap.
    error TokenAllocationMismatch(uint256 allocated, uint256 cap);
    /// @notice `recipients` and `amounts` differ in length, or are empty.
    error TokenAllocationLength(uint256 recipients, uint256 amounts);

    /// @param name_ ERC-20 name (also the EIP-712 domain name)
    /// @param symbol_ ERC-20 symbol
    /// @param cap_ the hard cap, in wei units (18 decimals)
    /// @param recipients the buckets' receivers (vesting wallets, emission schedule, treasury...)
    /// @param amounts what each receives; must sum exactly to `cap_`
    /// @param l1CustomGateway_ Arbitrum's L1 custom gateway (zero, with the next two: no bridge)
    /// @param l1GatewayRouter_ Arbitrum's L1 gateway router, the one the gateway serves
    /// @param arbitrumRegistrar_ who may call `registerTokenOnL2` (the governance timelock)
    constructor(
        string memory name_,
        string memory symbol_,
        uint256 cap_,
        address[] memory recipients,
        uint256[] memory amounts,
        address l1CustomGateway_,
        address l1GatewayRouter_,
        address arbitrumRegistrar_
    )
        ERC20(name_, symbol_)
        ERC20Capped(cap_)
        ERC20Permit(name_)
        ArbitrumL1Token(l1CustomGateway_, l1GatewayRouter_, arbitrumRegistrar_)
    {
        if (recipients.length != amounts.length || recipients.length == 0) {
            revert TokenAllocationLength(recipients.length, amounts.length);
        }
        uint256 allocated;
        for (uint256 i = 0; i < recipients.length; ++i) {
            allocated += amounts[i];
            _mint(recipients[i], amounts[i]);
        }
        if (allocated != cap_) revert TokenAllocationMismatch(allocated, cap_);
    }

    /// @notice Votes are checkpointed by timestamp (ERC-6372), as the Governor expects.
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice ERC-6372 clock mode: timestamps.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(
        address from,
        address to,
        uint256 value
    ) internal override(ERC20, ERC20Capped, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
