// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {EmissionSchedule} from "../../../contracts/emission/EmissionSchedule.sol";
import {IEmissionSchedule} from "../../../contracts/interfaces/IEmissionSchedule.sol";
import {ComputeToken} from "../../../contracts/token/ComputeToken.sol";

/// @dev Drives the schedule with bounded inputs: time moves forward, the releaser releases
///      random epochs (started or not, released or not), the guardian pauses, the admin unpauses,
///      the admin sets random curves (in bounds or not). It records each epoch's amount the
///      moment the epoch begins, so the invariants can check that no later curve changes it.
contract EmissionHandler is Test {
    EmissionSchedule public immutable schedule;
    uint256 public constant MAX_EPOCH = 300;
    mapping(uint256 epoch => uint256 count) public releaseCount;
    uint256 public releases;
    uint256 public curveChanges;
    /// epochs [0, begun) have begun; amountAtStart[e] is what epoch e was scheduled when it began
    uint256 public begun;
    mapping(uint256 epoch => uint256 amount) public amountAtStart;
    /// Review L-3: 1 + the first epoch a curve change raised (0: none), and its amounts.
    uint256 public raisedAt;
    uint256 public raisedFrom;
    uint256 public raisedTo;
    /// Accepted curve changes that lowered the first epoch they apply to.
    uint256 public lowered;

    constructor(EmissionSchedule schedule_) {
        schedule = schedule_;
        _recordBegun();
    }

    function warp(uint256 seconds_) external {
        seconds_ = bound(seconds_, 1, 30 days);
        if (block.timestamp + seconds_ > schedule.genesis() + MAX_EPOCH * schedule.epochLength()) return;
        vm.warp(block.timestamp + seconds_);
        _recordBegun();
    }

    /// Any curve, mostly near or within the bounds: the schedule must refuse those outside.
    function setCurve(uint256 initial, uint256 decayBps, uint256 epochsPerPeriod) external {
        initial = bound(initial, 1, schedule.maxEpochEmission() + 1);
        decayBps = bound(decayBps, 0, 9_999);
        epochsPerPeriod = bound(
            epochsPerPeriod,
            1,
            2 * (schedule.MAX_PERIOD_LENGTH() / schedule.epochLength())
        );
        _trySetCurve(IEmissionSchedule.Curve(uint128(initial), uint16(decayBps), uint32(epochsPerPeriod)));
    }

    /// Review L-3: curves close to the one in force (a little higher or lower, a little slower or
    /// steeper, a period one shorter or longer), so that changes are often accepted and the ones
    /// that would cross the current curve later are tried too.
    function nudgeCurve(uint256 initialBps, int256 decayDelta, uint256 periodChoice) external {
        IEmissionSchedule.Curve memory c = schedule.curve();
        uint256 initial = (uint256(c.initialEpochEmission) * bound(initialBps, 5_000, 11_000)) / 10_000;
        int256 decay = int256(uint256(c.decayBps)) + bound(decayDelta, -1_000, 1_000);
        uint256 choice = bound(periodChoice, 0, 5);
        uint256 period = uint256(c.epochsPerPeriod);
        if (choice == 4 && period > 1) period -= 1;
        else if (choice == 5) period += 1;
        if (initial == 0 || decay < 0 || decay > 9_999) return;
        _trySetCurve(IEmissionSchedule.Curve(uint128(initial), uint16(uint256(decay)), uint32(period)));
    }

    /// Epochs compared before and after a change: every epoch of the next two longest periods
    /// (where curves with other periods or decays would first cross), then a sample further out.
    function _probes(uint256 fromEpoch) private pure returns (uint256[] memory probes) {
        probes = new uint256[](260);
        for (uint256 i = 0; i < 210; ++i) probes[i] = fromEpoch + i;
        for (uint256 i = 210; i < 260; ++i) probes[i] = fromEpoch + 210 + (i - 209) * 97;
    }

    function _trySetCurve(IEmissionSchedule.Curve memory c) private {
        uint256 fromEpoch = block.timestamp < schedule.genesis() ? 0 : schedule.currentEpoch() + 1;
        uint256[] memory probes = _probes(fromEpoch);
        uint256[] memory before = new uint256[](probes.length);
        for (uint256 i = 0; i < probes.length; ++i) before[i] = schedule.scheduledAmount(probes[i]);
        try schedule.setCurve(c) {
            curveChanges += 1;
            if (schedule.scheduledAmount(fromEpoch) < before[0]) lowered += 1;
            for (uint256 i = 0; i < probes.length; ++i) {
                uint256 afterAmount = schedule.scheduledAmount(probes[i]);
                if (afterAmount > before[i] && raisedAt == 0) {
                    raisedAt = probes[i] + 1;
                    raisedFrom = before[i];
                    raisedTo = afterAmount;
                }
            }
        } catch {}
    }

    function _recordBegun() private {
        uint256 current = schedule.currentEpoch();
        for (; begun <= current && begun <= MAX_EPOCH; ++begun) {
            amountAtStart[begun] = schedule.scheduledAmount(begun);
        }
    }

    function release(uint256 epoch) external {
        // mostly epochs that have begun (plus the next one, which must be refused)
        uint256 current = schedule.currentEpoch();
        epoch = bound(epoch, 0, current + 1 > MAX_EPOCH ? MAX_EPOCH : current + 1);
        try schedule.releaseEpoch(epoch) {
            releaseCount[epoch] += 1;
            releases += 1;
        } catch {}
    }

    function catchUp(uint256 from, uint256 span) external {
        from = bound(from, 0, MAX_EPOCH);
        span = bound(span, 0, 10);
        uint256 to = from + span > MAX_EPOCH ? MAX_EPOCH : from + span;
        bool[] memory before = new bool[](to - from + 1);
        for (uint256 e = from; e <= to; ++e) before[e - from] = schedule.isReleased(e);
        try schedule.releaseEpochs(from, to) {
            for (uint256 e = from; e <= to; ++e) if (!before[e - from]) releaseCount[e] += 1;
        } catch {}
    }

    function pause(bool on) external {
        if (on && !schedule.paused()) schedule.pause();
        else if (!on && schedule.paused()) schedule.unpause();
    }
}

contract EmissionScheduleInvariantTest is Test {
    ComputeToken internal token;
    EmissionSchedule internal schedule;
    EmissionHandler internal handler;
    address internal constant SINK_A = address(0xA11CE);
    address internal constant SINK_B = address(0xB0B);
    address internal constant SINK_C = address(0xCA11);
    uint256 internal constant CAP = 1_000_000_000 ether;
    uint256 internal constant EMISSION = 100_000_000 ether;

    function setUp() public {
        vm.warp(1_700_000_000);
        address[] memory to = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        to[0] = address(this);
        amounts[0] = CAP - EMISSION;
        // the schedule is the next contract this test deploys after the token
        to[1] = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        amounts[1] = EMISSION;
        token = new ComputeToken("T", "T", CAP, to, amounts, address(0), address(0), address(0));

        IEmissionSchedule.Sink[] memory sinks = new IEmissionSchedule.Sink[](3);
        sinks[0] = IEmissionSchedule.Sink(SINK_A, 3_333);
        sinks[1] = IEmissionSchedule.Sink(SINK_B, 3_333);
        sinks[2] = IEmissionSchedule.Sink(SINK_C, 3_334);
        handler = EmissionHandler(vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1));
        schedule = new EmissionSchedule(
            token,
            block.timestamp,
            7 days,
            2_000_000 ether,
            EMISSION,
            IEmissionSchedule.Curve(1_500_000 ether, 2_000, 13),
            sinks,
            address(handler),
            address(handler)
        );
        require(address(schedule) == to[1], "schedule address");
        new EmissionHandler(schedule);
        targetContract(address(handler));
    }

    function invariant_supplyNeverAboveCap() public view {
        assertLe(token.totalSupply(), token.cap());
        assertEq(token.totalSupply(), CAP);
    }

    function invariant_releasedNeverAboveScheduleUpToNow() public view {
        uint256 current = schedule.currentEpoch();
        uint256 allowed;
        for (uint256 e = 0; e <= current; ++e) allowed += schedule.scheduledAmount(e);
        assertLe(schedule.totalReleased(), allowed);
        assertLe(schedule.totalReleased(), schedule.totalEmissionCap());
    }

    function invariant_sinksHoldExactlyWhatWasReleased() public view {
        uint256 paid = token.balanceOf(SINK_A) + token.balanceOf(SINK_B) + token.balanceOf(SINK_C);
        assertEq(paid, schedule.totalReleased());
        assertEq(token.balanceOf(address(schedule)) + paid, EMISSION);
    }

    /// The handler really reaches the schedule (so the invariants are not vacuous).
    function test_handlerReachesTheSchedule() public {
        handler.release(0);
        assertEq(handler.releases(), 1);
        assertEq(schedule.totalReleased(), schedule.scheduledAmount(0));
        handler.release(0); // refused: already released
        assertEq(handler.releases(), 1);
        handler.warp(30 days);
        handler.catchUp(0, 10); // refused as a whole: epochs 5-10 have not begun
        assertEq(handler.releaseCount(4), 0);
        handler.catchUp(0, 4);
        assertEq(handler.releaseCount(4), 1);
        assertEq(schedule.totalReleased(), 5 * schedule.scheduledAmount(0));
    }

    /// Finding 18-L: a curve change never reaches an epoch that had begun (released or not).
    function invariant_curveChangesAreNotRetroactive() public view {
        for (uint256 e = 0; e < handler.begun(); ++e) {
            assertEq(schedule.scheduledAmount(e), handler.amountAtStart(e));
        }
    }

    /// Finding 18-L: every curve in force is within the bounds, so emission keeps decaying: epoch e
    /// never pays more than maxEpochEmission * (1 - MIN_DECAY_BPS)^floor(e / longest period).
    function invariant_everyCurveIsBoundedAndDecays() public view {
        uint256 longest = schedule.MAX_PERIOD_LENGTH() / schedule.epochLength();
        uint256 base = ((10_000 - schedule.MIN_DECAY_BPS()) * 1e18) / 10_000;
        for (uint256 e = 0; e <= handler.MAX_EPOCH() + 1; ++e) {
            IEmissionSchedule.Curve memory c = schedule.curveAt(e);
            assertGe(c.decayBps, schedule.MIN_DECAY_BPS());
            assertLt(c.decayBps, 10_000);
            assertGe(c.epochsPerPeriod, 1);
            assertLe(c.epochsPerPeriod, longest);
            assertLe(c.initialEpochEmission, schedule.maxEpochEmission());
            uint256 ceiling = schedule.maxEpochEmission();
            for (uint256 p = e / longest; p > 0; --p) ceiling = (ceiling * base) / 1e18;
            // the schedule rounds down at each step, the ceiling too but with fewer steps: 1 wei slack per period
            assertLe(schedule.scheduledAmount(e), ceiling + e / longest);
        }
    }

    /// A curve change right after an epoch begins, before anything is released.
    function test_curveChangeLeavesBegunEpochs() public {
        handler.warp(30 days); // epochs 0-4 have begun
        assertEq(handler.begun(), 5);
        handler.setCurve(2_000_000 ether, 500, 104); // review L-3: a raise, refused
        assertEq(handler.curveChanges(), 0);
        handler.setCurve(1_200_000 ether, 2_500, 13);
        assertEq(handler.curveChanges(), 1);
        for (uint256 e = 0; e < 5; ++e) assertEq(schedule.scheduledAmount(e), 1_500_000 ether);
        assertEq(schedule.scheduledAmount(5), 1_200_000 ether);
        handler.setCurve(1, 0, 1); // no decay: refused
        assertEq(handler.curveChanges(), 1);
        handler.catchUp(0, 4);
        assertEq(schedule.totalReleased(), 5 * 1_500_000 ether);
        assertEq(handler.raisedAt(), 0);
    }

    /// Review L-3: the handler's nudges are accepted when they lower, refused when they raise.
    function test_reviewL3_nudgesReachTheSchedule() public {
        handler.warp(30 days);
        handler.nudgeCurve(11_000, 0, 0); // 10 % higher: refused
        assertEq(handler.curveChanges(), 0);
        handler.nudgeCurve(9_000, 100, 0); // 10 % lower, 1 % steeper: accepted
        assertEq(handler.curveChanges(), 1);
        assertEq(handler.lowered(), 1);
        handler.nudgeCurve(10_000, 0, 5); // a longer period: refused
        handler.nudgeCurve(10_000, -1, 0); // a slower decay: refused
        assertEq(handler.curveChanges(), 1);
        assertEq(handler.raisedAt(), 0);
    }

    /// Review L-3: no curve change ever raises a future epoch's amount above the schedule
    /// before the change (checked by the handler on every accepted change).
    function invariant_reviewL3_noCurveChangeRaisesAnEpoch() public view {
        assertEq(handler.raisedAt(), 0, "a curve change raised an epoch");
        assertLe(handler.raisedFrom(), handler.raisedTo());
    }

    /// Review L-3, stateless: from any epoch, any curve in bounds is either refused or pays no
    /// epoch from the one it applies to on (probed over 3 000 epochs) more than before.
    function testFuzz_reviewL3_anAcceptedCurveNeverRaisesAFutureEpoch(
        uint256 at,
        uint256 initial,
        uint256 decayBps,
        uint256 epochsPerPeriod,
        uint256 probe
    ) public {
        vm.warp(schedule.genesis() + bound(at, 0, 600) * schedule.epochLength());
        uint256 fromEpoch = schedule.currentEpoch() + 1;
        // two in three keep the current period, so that many candidates are accepted
        uint256 period =
            epochsPerPeriod % 3 == 0
                ? bound(epochsPerPeriod / 3, 1, schedule.MAX_PERIOD_LENGTH() / schedule.epochLength())
                : schedule.curve().epochsPerPeriod;
        IEmissionSchedule.Curve memory c = IEmissionSchedule.Curve(
            uint128(bound(initial, 1, schedule.maxEpochEmission())),
            uint16(bound(decayBps, schedule.MIN_DECAY_BPS(), 9_999)),
            uint32(period)
        );
        uint256[] memory epochs = new uint256[](64);
        for (uint256 i = 0; i < 48; ++i) epochs[i] = fromEpoch + i;
        for (uint256 i = 48; i < 64; ++i)
            epochs[i] = fromEpoch + bound(uint256(keccak256(abi.encode(probe, i))), 48, 3_000);
        uint256[] memory before = new uint256[](epochs.length);
        for (uint256 i = 0; i < epochs.length; ++i) before[i] = schedule.scheduledAmount(epochs[i]);
        vm.prank(address(handler));
        try schedule.setCurve(c) {
            for (uint256 i = 0; i < epochs.length; ++i) {
                assertLe(schedule.scheduledAmount(epochs[i]), before[i], "an epoch was raised");
            }
        } catch {}
    }

    function invariant_noEpochReleasedTwice() public view {
        for (uint256 e = 0; e <= handler.MAX_EPOCH(); ++e) {
            assertLe(handler.releaseCount(e), 1);
            assertEq(handler.releaseCount(e) == 1, schedule.isReleased(e));
        }
    }
}
