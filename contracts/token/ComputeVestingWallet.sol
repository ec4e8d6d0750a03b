// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {VestingWalletCliff} from "@openzeppelin/contracts/finance/VestingWalletCliff.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title ComputeVestingWallet
/// @notice Holds one tokenomics bucket (team, investors...) and releases it to its beneficiary
///         linearly from `start` over `duration`, with nothing before `start + cliff`.
/// @dev OpenZeppelin's VestingWalletCliff, plus `delegate`: the beneficiary may delegate the
///      votes of the tokens still vesting here, so that locked supply can vote (and outvote a
///      small holder) instead of only raising the quorum's denominator.
contract ComputeVestingWallet is VestingWalletCliff {
    constructor(
        address beneficiary,
        uint64 start,
        uint64 duration,
        uint64 cliff
    ) VestingWallet(beneficiary, start, duration) VestingWalletCliff(cliff) {}

    /// @notice Delegates this wallet's votes in the ERC-5805 `token` to `delegatee`. Only the
    ///         beneficiary (owner). Moves no tokens; the token emits DelegateChanged.
    function delegate(IVotes token, address delegatee) external onlyOwner {
        token.delegate(delegatee);
    }
}
