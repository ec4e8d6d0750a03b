// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IEmissionSchedule
/// @notice Releases the emission bucket of the market token, one epoch at a time, along a
///         geometrically decaying curve, to weighted sinks (checker rewards, ignition, bridges).
///
///         Epoch `e` spans `[genesis + e * epochLength, genesis + (e + 1) * epochLength)` and may
///         be released once that span has begun: once, never ahead of time, late ones any time.
///         Its amount is `min(maxEpochEmission, initialEpochEmission * (1 - decayBps / 10_000) ^ floor(e / epochsPerPeriod))`,
///         capped by what remains of `totalEmissionCap`, where the curve is the one in force for `e`.
///
///         Curves are never retroactive: the deployment's curve is in force from epoch 0, and a
///         curve set later is in force from the first epoch that begins after it was set (epoch 0
///         if set before genesis). Every epoch keeps the curve it began with, released or not.
///         Each curve is a function of the absolute epoch `e` (its `initialEpochEmission` is what
///         epoch 0 would have had), so no curve change undoes the decay accrued since genesis.
///         And no curve change ever raises emission: a new curve keeps `epochsPerPeriod`, decays
///         at least as steeply and starts no higher, so it pays no epoch more than the schedule
///         it replaces (see `setCurve`). Governance may only lower the schedule.
///
///         Hard bounds fixed at deployment that no role can change: `maxEpochEmission`,
///         `totalEmissionCap`, `MIN_EPOCH_LENGTH <= epochLength <= MAX_PERIOD_LENGTH`, `genesis`;
///         and on every curve: `MIN_DECAY_BPS <= decayBps < 10_000`, one period at most
///         `MAX_PERIOD_LENGTH` long. So epoch `e` never pays more than
///         `maxEpochEmission * (1 - MIN_DECAY_BPS / 10_000) ^ floor(e * epochLength / MAX_PERIOD_LENGTH)`.
interface IEmissionSchedule {
    /// @notice A sink and its share of each release.
    struct Sink {
        address account;
        uint16 weightBps;
    }

    /// @notice The curve that governance may retune (within the hard bounds), for epochs that
    ///         have not begun.
    struct Curve {
        uint128 initialEpochEmission;
        uint16 decayBps;
        uint32 epochsPerPeriod;
    }

    /// @notice `epoch` has not begun yet.
    error EmissionEpochNotStarted(uint256 epoch, uint256 startsAt);
    /// @notice `epoch` was released already.
    error EmissionEpochAlreadyReleased(uint256 epoch);
    /// @notice The sinks are empty, too many, contain the zero address or a duplicate, or weights do not sum to 10_000.
    error EmissionInvalidSinks();
    /// @notice A curve parameter is out of bounds.
    error EmissionInvalidCurve(uint256 initialEpochEmission, uint256 decayBps, uint256 epochsPerPeriod);
    /// @notice The new curve would pay `amount` for `fromEpoch`, the first epoch it would apply
    ///         to, more than the `currentAmount` of the curve in force.
    error EmissionCurveRaised(uint256 fromEpoch, uint256 amount, uint256 currentAmount);
    /// @notice The new curve is not below the current one in every epoch: it changes
    ///         `epochsPerPeriod`, decays more slowly, or starts higher.
    error EmissionCurveAboveCurrent(
        uint256 initialEpochEmission,
        uint256 decayBps,
        uint256 epochsPerPeriod,
        uint256 currentInitialEpochEmission,
        uint256 currentDecayBps,
        uint256 currentEpochsPerPeriod
    );
    /// @notice A constructor bound is invalid.
    error EmissionInvalidBounds();
    /// @notice The schedule holds fewer tokens than the release needs.
    error EmissionInsufficientBalance(uint256 needed, uint256 balance);

    /// @notice An epoch was released: `amount` went to the sinks pro rata.
    event EpochReleased(uint256 indexed epoch, uint256 amount, uint256 totalReleased);
    /// @notice One sink's part of an epoch's release.
    event SinkPaid(uint256 indexed epoch, address indexed sink, uint256 amount);
    /// @notice The sinks changed.
    event SinksUpdated(Sink[] sinks);
    /// @notice A curve was set, in force from `fromEpoch` (the first epoch that had not begun).
    event CurveUpdated(
        uint256 indexed fromEpoch,
        uint128 initialEpochEmission,
        uint16 decayBps,
        uint32 epochsPerPeriod
    );

    /// @notice Releases `epoch`'s amount to the sinks. RELEASER_ROLE (the timelock).
    function releaseEpoch(uint256 epoch) external returns (uint256 amount);

    /// @notice Releases every epoch in `[fromEpoch, toEpoch]` not yet released (catch-up). RELEASER_ROLE.
    function releaseEpochs(uint256 fromEpoch, uint256 toEpoch) external returns (uint256 total);

    /// @notice Replaces the sinks; weights in bps must sum to 10_000. DEFAULT_ADMIN_ROLE (the timelock).
    function setSinks(Sink[] calldata sinks) external;

    /// @notice Sets the curve of every epoch that has not begun (from `currentEpoch() + 1`, or
    ///         from epoch 0 before genesis); epochs that have begun keep theirs. Bounded:
    ///         `0 < initialEpochEmission <= maxEpochEmission`, `MIN_DECAY_BPS <= decayBps < 10_000`,
    ///         `1 <= epochsPerPeriod`, `epochsPerPeriod * epochLength <= MAX_PERIOD_LENGTH`
    ///         (`EmissionInvalidCurve`). Lower only: its amount for the first epoch it applies to
    ///         is at most the current curve's (`EmissionCurveRaised`), and it keeps the current
    ///         `epochsPerPeriod`, a `decayBps` at least the current one and an
    ///         `initialEpochEmission` at most the current one (`EmissionCurveAboveCurrent`), which
    ///         keeps every later epoch at most what the current curve pays, rounding included.
    ///         DEFAULT_ADMIN_ROLE (the timelock).
    function setCurve(Curve calldata curve) external;

    /// @notice Stops releases. GUARDIAN_ROLE; only DEFAULT_ADMIN_ROLE may unpause. (The
    ///         guardian's veto over governance itself is the timelock's GuardianCanceller.)
    function pause() external;

    /// @notice Resumes releases. DEFAULT_ADMIN_ROLE.
    function unpause() external;

    /// @notice The epoch in progress at `timestamp` (reverts before genesis).
    function epochAt(uint256 timestamp) external view returns (uint256);

    /// @notice The epoch in progress now.
    function currentEpoch() external view returns (uint256);

    /// @notice The amount of `epoch` along the curve in force for it, before the total-cap clamp.
    function scheduledAmount(uint256 epoch) external view returns (uint256);

    /// @notice What `releaseEpoch(epoch)` would transfer now (0 if released or capped out).
    function releasableAmount(uint256 epoch) external view returns (uint256);

    /// @notice Whether `epoch` was released.
    function isReleased(uint256 epoch) external view returns (bool);

    /// @notice Total released so far.
    function totalReleased() external view returns (uint256);

    /// @notice The current sinks.
    function sinks() external view returns (Sink[] memory);

    /// @notice The curve set last (in force from the `fromEpoch` of the last CurveUpdated).
    function curve() external view returns (Curve memory);

    /// @notice The curve in force for `epoch`.
    function curveAt(uint256 epoch) external view returns (Curve memory);
}
