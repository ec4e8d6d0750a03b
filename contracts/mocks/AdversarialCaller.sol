// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @dev Test-only adversarial contract account (a party or a keeper that is a contract): acts
///      through `execute` (forwarding any ETH sent), and when it is paid ETH it either rejects it
///      (`setRejectEth(true)`) or first makes one call `reentryTarget.call(reentryData)` (e.g.
///      back into the contract paying it). Reverts bubble up unchanged.
contract AdversarialCaller {
    error EthRejected();

    address public reentryTarget;
    bytes public reentryData;
    bool public rejectEth;

    function setReentry(address target_, bytes calldata data_) external {
        (reentryTarget, reentryData) = (target_, data_);
    }

    function setRejectEth(bool reject) external {
        rejectEth = reject;
    }

    function execute(address target, bytes calldata data) external payable returns (bytes memory) {
        return Address.functionCallWithValue(target, data, msg.value);
    }

    receive() external payable {
        _onPayment();
    }

    function _onPayment() private {
        if (rejectEth) revert EthRejected();
        address t = reentryTarget;
        if (t != address(0)) {
            reentryTarget = address(0);
            Address.functionCall(t, reentryData);
        }
    }
}
