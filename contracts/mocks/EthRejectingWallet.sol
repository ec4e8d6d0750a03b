// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @dev Test-only adversarial wallet: a treasury or referrer contract whose `receive` reverts (a
///      multisig without a payable fallback, a blocklisting proxy). Anyone may make it call another
///      contract, so tests can act through it; reverts bubble up unchanged.
contract EthRejectingWallet {
    error EthRejected();

    function execute(address target, bytes calldata data) external returns (bytes memory) {
        return Address.functionCall(target, data);
    }

    receive() external payable {
        revert EthRejected();
    }
}
