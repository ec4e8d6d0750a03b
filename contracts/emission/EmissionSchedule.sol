// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IEmissionSchedule} from "../interfaces/IEmissionSchedule.sol";
import {BpsMath} from "../utils/BpsMath.sol";

/// @title EmissionSchedule
/// @notice Holds the emission bucket and releases it per epoch to the sinks (see IEmissionSchedule).
contract EmissionSchedule is IEmissionSchedule, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;
    using Checkpoints for Checkpoints.Trace256;

    /// @notice May release epochs: the timelock, so every release is a passed proposal.
    bytes32 public constant RELEASER_ROLE = keccak256("RELEASER_ROLE");
    /// @notice May pause, and nothing else.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice No epoch can be shorter than a day.
    uint256 public constant MIN_EPOCH_LENGTH = 1 days;
    /// @notice Every curve decays by at least 5 % per period...
    uint256 public constant MIN_DECAY_BPS = 500;
    /// @notice ...and no period (nor epoch) lasts longer than two years, so no curve stops decaying.
    uint256 public constant MAX_PERIOD_LENGTH = 730 days;
    /// @notice At most this many sinks, so a release's gas stays bounded.
    uint256 public constant MAX_SINKS = 16;
    uint256 private constant WAD = 1e18;

    IERC20 public immutable token;
    uint256 public immutable genesis;
    uint256 public immutable epochLength;
    uint256 public immutable maxEpochEmission;
    uint256 public immutable totalEmissionCap;

    /// @dev first epoch a curve is in force for => the curve, packed (see `_pack`)
    Checkpoints.Trace256 private _curves;
    Sink[] private _sinks;
    BitMaps.BitMap private _released;
    uint256 public totalReleased;

    /// @param admin receives DEFAULT_ADMIN_ROLE and RELEASER_ROLE (the timelock)
    /// @param guardian receives GUARDIAN_ROLE (may be zero: no guardian)
    constructor(
        IERC20 token_,
        uint256 genesis_,
        uint256 epochLength_,
        uint256 maxEpochEmission_,
        uint256 totalEmissionCap_,
        Curve memory curve_,
        Sink[] memory sinks_,
        address admin,
        address guardian
    ) {
        if (
            address(token_) == address(0) ||
            admin == address(0) ||
            epochLength_ < MIN_EPOCH_LENGTH ||
            epochLength_ > MAX_PERIOD_LENGTH ||
            maxEpochEmission_ == 0 ||
            totalEmissionCap_ < maxEpochEmission_
        ) revert EmissionInvalidBounds();
        token = token_;
        genesis = genesis_;
        epochLength = epochLength_;
        maxEpochEmission = maxEpochEmission_;
        totalEmissionCap = totalEmissionCap_;
        _requireInBounds(curve_);
        _setCurve(0, curve_);
        _setSinks(sinks_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(RELEASER_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
    }

    // ------------------------------------------------------------------ releases

    /// @inheritdoc IEmissionSchedule
    function releaseEpoch(
        uint256 epoch
    ) external onlyRole(RELEASER_ROLE) whenNotPaused nonReentrant returns (uint256 amount) {
        return _release(epoch);
    }

    /// @inheritdoc IEmissionSchedule
    function releaseEpochs(
        uint256 fromEpoch,
        uint256 toEpoch
    ) external onlyRole(RELEASER_ROLE) whenNotPaused nonReentrant returns (uint256 total) {
        for (uint256 epoch = fromEpoch; epoch <= toEpoch; ++epoch) {
            if (!_released.get(epoch)) total += _release(epoch);
        }
    }

    function _release(uint256 epoch) private returns (uint256 amount) {
        uint256 startsAt = genesis + epoch * epochLength;
        if (block.timestamp < startsAt) revert EmissionEpochNotStarted(epoch, startsAt);
        if (_released.get(epoch)) revert EmissionEpochAlreadyReleased(epoch);
        amount = _releasable(epoch);
        uint256 balance = token.balanceOf(address(this));
        if (balance < amount) revert EmissionInsufficientBalance(amount, balance);

        _released.set(epoch);
        totalReleased += amount;
        emit EpochReleased(epoch, amount, totalReleased);

        // Pro rata, rounding down for all but the last sink, which takes the remainder:
        // the sum paid is exactly `amount`.
        uint256 paid;
        uint256 last = _sinks.length - 1;
        for (uint256 i = 0; i <= last; ++i) {
            Sink memory sink = _sinks[i];
            uint256 share = i == last ? amount - paid : BpsMath.mulBpsDown(amount, sink.weightBps);
            paid += share;
            emit SinkPaid(epoch, sink.account, share);
            if (share > 0) token.safeTransfer(sink.account, share);
        }
    }

    function _releasable(uint256 epoch) private view returns (uint256) {
        uint256 remaining = totalEmissionCap - totalReleased;
        return Math.min(_scheduled(epoch), remaining);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IEmissionSchedule
    function setSinks(Sink[] calldata sinks_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSinks(sinks_);
    }

    /// @inheritdoc IEmissionSchedule
    function setCurve(Curve calldata curve_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // the first epoch that has not begun: epochs that have begun keep their curve
        uint256 fromEpoch = block.timestamp < genesis ? 0 : (block.timestamp - genesis) / epochLength + 1;
        _requireInBounds(curve_);
        _requireNotAboveCurrent(fromEpoch, curve_);
        _setCurve(fromEpoch, curve_);
    }

    /// @inheritdoc IEmissionSchedule
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @inheritdoc IEmissionSchedule
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _setSinks(Sink[] memory sinks_) private {
        uint256 n = sinks_.length;
        if (n == 0 || n > MAX_SINKS) revert EmissionInvalidSinks();
        uint256 total;
        delete _sinks;
        for (uint256 i = 0; i < n; ++i) {
            if (sinks_[i].account == address(0) || sinks_[i].weightBps == 0) revert EmissionInvalidSinks();
            for (uint256 j = 0; j < i; ++j) {
                if (sinks_[j].account == sinks_[i].account) revert EmissionInvalidSinks();
            }
            total += sinks_[i].weightBps;
            _sinks.push(sinks_[i]);
        }
        if (total != BpsMath.MAX_BPS) revert EmissionInvalidSinks();
        emit SinksUpdated(sinks_);
    }

    function _requireInBounds(Curve memory curve_) private view {
        if (
            curve_.initialEpochEmission == 0 ||
            curve_.initialEpochEmission > maxEpochEmission ||
            curve_.decayBps < MIN_DECAY_BPS ||
            curve_.decayBps >= BpsMath.MAX_BPS ||
            curve_.epochsPerPeriod == 0 ||
            curve_.epochsPerPeriod > MAX_PERIOD_LENGTH / epochLength
        ) revert EmissionInvalidCurve(curve_.initialEpochEmission, curve_.decayBps, curve_.epochsPerPeriod);
    }

    /// @dev A curve change never raises an epoch's amount above the schedule it replaces.
    ///      The curve compared with is the latest one set: it is in force at `fromEpoch` (set for
    ///      an earlier epoch, or for `fromEpoch` itself earlier in the same epoch).
    ///
    ///      Why the second check covers every epoch from `fromEpoch` on, rounding included: with
    ///      the same `epochsPerPeriod`, every epoch has the same period index `k` under both
    ///      curves. `_amountOn` is `min(maxEpochEmission, initial * F(k) / WAD)`, where `F(k)` is
    ///      square-and-multiply from `base = (10_000 - decayBps) * WAD / 10_000` along the bits of
    ///      `k`, each step a `mulDiv` rounding down. Every step is non-decreasing in its inputs
    ///      (and once a factor is 0 it stays 0), so a decay at least as steep gives a base, hence
    ///      an `F(k)`, no higher for every `k`; an initial amount no higher then gives an amount no
    ///      higher in every epoch. Other curves may be lower at `fromEpoch` and cross above later
    ///      (a slower decay, a longer period: e.g. 6 000 decaying 40 % per 2 epochs against 8 000
    ///      decaying 50 %), so they are refused even where exact arithmetic would keep them below.
    function _requireNotAboveCurrent(uint256 fromEpoch, Curve memory curve_) private view {
        Curve memory current = _unpack(_curves.latest());
        uint256 amount = _amountOn(curve_, fromEpoch);
        uint256 currentAmount = _amountOn(current, fromEpoch);
        if (amount > currentAmount) revert EmissionCurveRaised(fromEpoch, amount, currentAmount);
        if (
            curve_.epochsPerPeriod != current.epochsPerPeriod ||
            curve_.decayBps < current.decayBps ||
            curve_.initialEpochEmission > current.initialEpochEmission
        ) {
            revert EmissionCurveAboveCurrent(
                curve_.initialEpochEmission,
                curve_.decayBps,
                curve_.epochsPerPeriod,
                current.initialEpochEmission,
                current.decayBps,
                current.epochsPerPeriod
            );
        }
    }

    /// @dev `fromEpoch` never decreases (genesis and the clock only move forward), so the push
    ///      appends, or replaces the curve set earlier in the same epoch.
    function _setCurve(uint256 fromEpoch, Curve memory curve_) private {
        _curves.push(fromEpoch, _pack(curve_));
        emit CurveUpdated(fromEpoch, curve_.initialEpochEmission, curve_.decayBps, curve_.epochsPerPeriod);
    }

    /// @dev initialEpochEmission (128 bits) | decayBps (16 bits) | epochsPerPeriod (32 bits)
    function _pack(Curve memory c) private pure returns (uint256) {
        return
            (uint256(c.initialEpochEmission) << 48) |
            (uint256(c.decayBps) << 32) |
            uint256(c.epochsPerPeriod);
    }

    function _unpack(uint256 packed) private pure returns (Curve memory) {
        return Curve(uint128(packed >> 48), uint16(packed >> 32), uint32(packed));
    }

    /// @dev The constructor set epoch 0, so every epoch has a curve.
    function _curveAt(uint256 epoch) private view returns (Curve memory) {
        return _unpack(_curves.upperLookupRecent(epoch));
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IEmissionSchedule
    function epochAt(uint256 timestamp) public view returns (uint256) {
        if (timestamp < genesis) revert EmissionEpochNotStarted(0, genesis);
        return (timestamp - genesis) / epochLength;
    }

    /// @inheritdoc IEmissionSchedule
    function currentEpoch() external view returns (uint256) {
        return epochAt(block.timestamp);
    }

    /// @inheritdoc IEmissionSchedule
    function scheduledAmount(uint256 epoch) external view returns (uint256) {
        return _scheduled(epoch);
    }

    /// @inheritdoc IEmissionSchedule
    function releasableAmount(uint256 epoch) external view returns (uint256) {
        return _released.get(epoch) ? 0 : _releasable(epoch);
    }

    /// @inheritdoc IEmissionSchedule
    function isReleased(uint256 epoch) external view returns (bool) {
        return _released.get(epoch);
    }

    /// @inheritdoc IEmissionSchedule
    function sinks() external view returns (Sink[] memory) {
        return _sinks;
    }

    /// @inheritdoc IEmissionSchedule
    function curve() external view returns (Curve memory) {
        return _unpack(_curves.latest());
    }

    /// @inheritdoc IEmissionSchedule
    function curveAt(uint256 epoch) external view returns (Curve memory) {
        return _curveAt(epoch);
    }

    /// @dev The amount of `epoch` along the curve in force for it.
    function _scheduled(uint256 epoch) private view returns (uint256) {
        return _amountOn(_curveAt(epoch), epoch);
    }

    /// @dev `initial * ((10_000 - decay) / 10_000) ^ period` along curve `c` for `epoch`, in
    ///      18-decimal fixed point by square-and-multiply (rounding down at each step, so never
    ///      above the exact curve), clamped to `maxEpochEmission`.
    function _amountOn(Curve memory c, uint256 epoch) private view returns (uint256) {
        uint256 period = epoch / c.epochsPerPeriod;
        uint256 factor = WAD;
        uint256 base = ((BpsMath.MAX_BPS - c.decayBps) * WAD) / BpsMath.MAX_BPS;
        while (period > 0 && factor > 0) {
            if (period & 1 == 1) factor = Math.mulDiv(factor, base, WAD);
            base = Math.mulDiv(base, base, WAD);
            period >>= 1;
        }
        return Math.min(Math.mulDiv(c.initialEpochEmission, factor, WAD), maxEpochEmission);
    }
}
