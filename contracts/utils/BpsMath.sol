// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BpsMath
/// @notice Basis-point arithmetic shared by the market's contracts (fees, discounts, rebates).
/// @dev Rounding is explicit at every call site: what the protocol charges rounds up
///      (`mulBpsUp`), what it pays out or waives rounds down (`mulBpsDown`).
library BpsMath {
    /// @notice One hundred percent, in basis points.
    uint256 internal constant MAX_BPS = 10_000;

    /// @notice A basis-point value above 10_000 was supplied.
    error BpsOutOfRange(uint256 bps);

    /// @notice Reverts unless `bps <= MAX_BPS`.
    function check(uint256 bps) internal pure {
        if (bps > MAX_BPS) revert BpsOutOfRange(bps);
    }

    /// @notice `amount * bps / 10_000`, rounded down. Reverts if `bps > MAX_BPS`.
    function mulBpsDown(uint256 amount, uint256 bps) internal pure returns (uint256) {
        check(bps);
        return Math.mulDiv(amount, bps, MAX_BPS);
    }

    /// @notice `amount * bps / 10_000`, rounded up. Reverts if `bps > MAX_BPS`.
    function mulBpsUp(uint256 amount, uint256 bps) internal pure returns (uint256) {
        check(bps);
        return Math.mulDiv(amount, bps, MAX_BPS, Math.Rounding.Ceil);
    }

    /// @notice Splits `amount` into a fee (rounded up, in the protocol's favour) and the rest.
    /// @return net `amount - fee`
    /// @return fee `ceil(amount * feeBps / 10_000)`, never more than `amount`
    function splitFee(uint256 amount, uint256 feeBps) internal pure returns (uint256 net, uint256 fee) {
        fee = mulBpsUp(amount, feeBps);
        // fee <= amount because feeBps <= MAX_BPS, so this cannot underflow.
        unchecked {
            net = amount - fee;
        }
    }
}
