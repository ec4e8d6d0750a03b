// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @dev Test-only contract account (a buyer, customer or licence holder) that acts through
///      `execute` (reverts bubble up unchanged) and, the next time it is paid ETH, tries one call
///      `armedTarget.call(armedData)` (a re-entry into the payer). Unlike AdversarialCaller it
///      never fails the payment: it records whether the re-entry succeeded and what it reverted
///      with, so a test can check both the refusal and that the outer payment arrived once.
///      Accepts licences.
contract ReentrantProbe is IERC721Receiver {
    address public armedTarget;
    bytes public armedData;
    uint256 public attempts;
    bool public lastOk;
    bytes public lastRevert;

    function arm(address target_, bytes calldata data_) external {
        (armedTarget, armedData) = (target_, data_);
    }

    function execute(address target, bytes calldata data) external payable returns (bytes memory) {
        return Address.functionCallWithValue(target, data, msg.value);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }

    // the re-entry attempt is the point of this mock, and it must not fail the payment
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        address t = armedTarget;
        if (t == address(0)) return;
        armedTarget = address(0);
        ++attempts;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = t.call(armedData);
        lastOk = ok;
        if (!ok) lastRevert = ret;
    }
}
