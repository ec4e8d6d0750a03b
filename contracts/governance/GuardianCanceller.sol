// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {IGuardianCanceller} from "../interfaces/IGuardianCanceller.sol";

/// @title GuardianCanceller
/// @notice A bounded guardian veto on the governance timelock (see IGuardianCanceller).
contract GuardianCanceller is IGuardianCanceller {
    /// @notice The bootstrap period cannot exceed two years from deployment.
    uint256 public constant MAX_VETO_PERIOD = 730 days;

    TimelockController private immutable _timelock;
    /// @inheritdoc IGuardianCanceller
    address public immutable guardian;
    /// @inheritdoc IGuardianCanceller
    uint256 public immutable expiresAt;

    /// @param timelock_ the timelock that grants this contract CANCELLER_ROLE
    /// @param guardian_ the security multisig
    /// @param expiresAt_ end of the bootstrap period (timestamp), at most MAX_VETO_PERIOD from now
    constructor(TimelockController timelock_, address guardian_, uint256 expiresAt_) {
        if (
            address(timelock_) == address(0) ||
            guardian_ == address(0) ||
            expiresAt_ <= block.timestamp ||
            expiresAt_ > block.timestamp + MAX_VETO_PERIOD
        ) revert GuardianCancellerInvalidConfig(address(timelock_), guardian_, expiresAt_);
        _timelock = timelock_;
        guardian = guardian_;
        expiresAt = expiresAt_;
    }

    /// @inheritdoc IGuardianCanceller
    function cancel(bytes32 id) external {
        if (msg.sender != guardian) revert GuardianCancellerUnauthorizedAccount(msg.sender);
        if (block.timestamp >= expiresAt) revert GuardianCancellerExpired(expiresAt);
        emit OperationVetoed(id, msg.sender);
        _timelock.cancel(id);
    }

    /// @inheritdoc IGuardianCanceller
    function timelock() external view returns (address) {
        return address(_timelock);
    }
}
