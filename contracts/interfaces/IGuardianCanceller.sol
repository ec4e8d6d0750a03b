// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IGuardianCanceller
/// @notice The guardian's veto over governance during the bootstrap period: holds the timelock's
///         CANCELLER_ROLE, and lets one address (the security multisig) cancel any operation
///         waiting in the timelock (a passed proposal queued by the Governor) until `expiresAt`.
///         After that, nobody can cancel through it.
///
///         It can only cancel: it cannot propose, execute, or delay anything. Governance removes it
///         with `timelock.revokeRole(CANCELLER_ROLE, canceller)`, which is itself a timelocked
///         operation: during the bootstrap the guardian may veto its own removal; once expired,
///         the contract is inert and its role can be revoked without its consent.
interface IGuardianCanceller {
    /// @notice `caller` is not the guardian.
    error GuardianCancellerUnauthorizedAccount(address caller);
    /// @notice The veto ended at `expiresAt`.
    error GuardianCancellerExpired(uint256 expiresAt);
    /// @notice A constructor argument is zero, or the expiry is not within `(now, now + MAX_VETO_PERIOD]`.
    error GuardianCancellerInvalidConfig(address timelock, address guardian, uint256 expiresAt);

    /// @notice The guardian cancelled the timelock operation `id`.
    event OperationVetoed(bytes32 indexed id, address indexed guardian);

    /// @notice Cancels the pending timelock operation `id`. Only the guardian, before `expiresAt`.
    ///         Reverts (TimelockUnexpectedOperationState) if `id` is not pending, and
    ///         (AccessControlUnauthorizedAccount) if governance has revoked this contract's role.
    function cancel(bytes32 id) external;

    /// @notice The TimelockController whose operations may be cancelled.
    function timelock() external view returns (address);

    /// @notice The only address that may cancel.
    function guardian() external view returns (address);

    /// @notice From this timestamp on, `cancel` always reverts.
    function expiresAt() external view returns (uint256);
}
