// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title ComputeTimelock
/// @notice Executes what the Governor passed, after `minDelay`; owns the emission schedule and
///         the treasury bucket. OpenZeppelin's TimelockController, unchanged.
contract ComputeTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
