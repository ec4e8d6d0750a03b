// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {VestingWalletCliff} from "@openzeppelin/contracts/finance/VestingWalletCliff.sol";

/// @title ComputeVestingWallet
/// @notice Holds one tokenomics bucket (team, investors...) and releases it to its beneficiary
///         linearly from `start` over `duration`, with nothing before `start + cliff`.
/// @dev OpenZeppelin's VestingWalletCliff, unchanged. Tokens held here do not vote.
contract ComputeVestingWallet is VestingWalletCliff {
    constructor(
        address beneficiary,
        uint64 start,
        uint64 duration,
        uint64 cliff
    ) VestingWallet(beneficiary, start, duration) VestingWalletCliff(cliff) {}
}
