// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {BpsMath} from "../utils/BpsMath.sol";

/// @dev Test-only: exposes the internal library functions.
contract BpsMathHarness {
    function check(uint256 bps) external pure {
        BpsMath.check(bps);
    }

    function mulBpsDown(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BpsMath.mulBpsDown(amount, bps);
    }

    function mulBpsUp(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BpsMath.mulBpsUp(amount, bps);
    }

    function splitFee(uint256 amount, uint256 feeBps) external pure returns (uint256 net, uint256 fee) {
        return BpsMath.splitFee(amount, feeBps);
    }
}
