// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IHTLCEscrow} from "../../../contracts/interfaces/IHTLCEscrow.sol";
import {MockStablecoin} from "../../../contracts/mocks/MockStablecoin.sol";
import {HTLCEscrow} from "../../../contracts/swap/HTLCEscrow.sol";

contract HTLCEscrowFuzzTest is Test {
    HTLCEscrow internal escrow;
    MockStablecoin internal token;

    address internal constant RECIPIENT = address(0xB0B);
    address internal constant STRANGER = address(0x5742);
    address[2] internal makers = [address(0xA11CE), address(0xCA201)];
    bytes32 internal constant SECRET = bytes32(uint256(0xc0ffee));
    bytes32 internal constant HASHLOCK = keccak256(abi.encodePacked(SECRET));

    enum Action {
        RecipientWithdraws,
        StrangerWithdraws,
        MakerCancels,
        StrangerCancels,
        /// the recipient withdraws with a secret that does not hash to the hashlock
        WrongSecret
    }

    /// What `WrongSecret` presents: any value but `SECRET`.
    bytes32 internal constant WRONG_SECRET = bytes32(uint256(0xbad));

    function setUp() public {
        escrow = new HTLCEscrow();
        token = new MockStablecoin();
        for (uint256 i = 0; i < makers.length; ++i) {
            token.mint(makers[i], type(uint128).max);
            vm.deal(makers[i], 1_000_000 ether);
            vm.prank(makers[i]);
            token.approve(address(escrow), type(uint256).max);
        }
    }

    /// Valid timelocks: strictly increasing from > 0, within both bounds.
    function _timelocks(uint32[4] memory raw) internal view returns (IHTLCEscrow.Timelocks memory t) {
        uint32 maxOffset = escrow.MAX_TIMELOCK_OFFSET();
        t.finality = uint32(bound(raw[0], 1, maxOffset - 2));
        t.publicWithdrawal = uint32(bound(raw[1], t.finality + 1, maxOffset - 1));
        t.cancellation = uint32(bound(raw[2], t.publicWithdrawal + 1, maxOffset));
        t.publicCancellation = uint32(bound(raw[3], t.cancellation + 1, escrow.MAX_PUBLIC_CANCELLATION()));
    }

    /// Half of the runs land on a boundary second or the one before it, the rest anywhere up to
    /// two days past the public cancellation.
    function _offset(IHTLCEscrow.Timelocks memory t, uint256 raw) internal pure returns (uint256) {
        if (raw % 2 == 0) {
            uint256[4] memory b = [
                uint256(t.finality),
                t.publicWithdrawal,
                t.cancellation,
                t.publicCancellation
            ];
            return b[(raw >> 1) % 4] - ((raw >> 3) % 2);
        }
        return bound(raw >> 1, 0, uint256(t.publicCancellation) + 2 days);
    }

    /// The model: the revert `action` by its actor must meet at `lockedAt + dt`, empty if allowed.
    function _expected(
        IHTLCEscrow.Timelocks memory t,
        uint256 lockedAt,
        uint256 dt,
        Action action,
        address maker
    ) internal pure returns (bytes memory) {
        uint256 now_ = lockedAt + dt;
        if (
            action == Action.RecipientWithdraws ||
            action == Action.StrangerWithdraws ||
            action == Action.WrongSecret
        ) {
            if (dt < t.finality) {
                return
                    abi.encodeWithSelector(
                        IHTLCEscrow.WithdrawalNotOpen.selector,
                        now_,
                        lockedAt + t.finality
                    );
            }
            if (dt >= t.cancellation) {
                return
                    abi.encodeWithSelector(
                        IHTLCEscrow.WithdrawalClosed.selector,
                        now_,
                        lockedAt + t.cancellation
                    );
            }
            if (action == Action.StrangerWithdraws && dt < t.publicWithdrawal) {
                return abi.encodeWithSelector(IHTLCEscrow.NotRecipient.selector, STRANGER, RECIPIENT);
            }
            if (action == Action.WrongSecret) {
                return
                    abi.encodeWithSelector(
                        IHTLCEscrow.InvalidSecret.selector,
                        HASHLOCK,
                        keccak256(abi.encodePacked(WRONG_SECRET))
                    );
            }
            return "";
        }
        if (dt < t.cancellation) {
            return
                abi.encodeWithSelector(
                    IHTLCEscrow.CancellationNotOpen.selector,
                    now_,
                    lockedAt + t.cancellation
                );
        }
        if (action == Action.StrangerCancels && dt < t.publicCancellation) {
            return abi.encodeWithSelector(IHTLCEscrow.NotMaker.selector, STRANGER, maker);
        }
        return "";
    }

    function _caller(Action action, address maker) internal pure returns (address) {
        if (action == Action.RecipientWithdraws || action == Action.WrongSecret) return RECIPIENT;
        if (action == Action.MakerCancels) return maker;
        return STRANGER;
    }

    function _call(Action action, address maker, uint64 swapId) internal returns (bool ok, bytes memory ret) {
        bytes memory data =
            action == Action.RecipientWithdraws || action == Action.StrangerWithdraws
                ? abi.encodeCall(IHTLCEscrow.withdraw, (maker, swapId, SECRET))
                : action == Action.WrongSecret
                    ? abi.encodeCall(IHTLCEscrow.withdraw, (maker, swapId, WRONG_SECRET))
                    : abi.encodeCall(IHTLCEscrow.cancel, (maker, swapId));
        vm.prank(_caller(action, maker));
        (ok, ret) = address(escrow).call(data);
    }

    function _stageAt(IHTLCEscrow.Timelocks memory t, uint256 dt) internal pure returns (IHTLCEscrow.Stage) {
        if (dt < t.finality) return IHTLCEscrow.Stage.FinalityLock;
        if (dt < t.publicWithdrawal) return IHTLCEscrow.Stage.PrivateWithdrawal;
        if (dt < t.cancellation) return IHTLCEscrow.Stage.PublicWithdrawal;
        if (dt < t.publicCancellation) return IHTLCEscrow.Stage.PrivateCancellation;
        return IHTLCEscrow.Stage.PublicCancellation;
    }

    /// Runs `action` on the maker's swap 1 (holding `amount` and `deposit`) and checks the
    /// outcome against `expected` (empty: allowed).
    function _actAndCheck(Action action, bytes memory expected, uint256 amount, uint256 deposit) internal {
        address maker = makers[0];
        address caller = _caller(action, maker);
        address payee =
            action == Action.RecipientWithdraws || action == Action.StrangerWithdraws ? RECIPIENT : maker;
        uint256 payeeTokens = token.balanceOf(payee);
        uint256 callerEth = caller.balance;
        (bool ok, bytes memory ret) = _call(action, maker, 1);
        if (expected.length > 0) {
            assertFalse(ok, "refused");
            assertEq(ret, expected, "error");
            assertEq(token.balanceOf(address(escrow)), amount);
            assertEq(address(escrow).balance, deposit);
            assertEq(uint8(escrow.swapOf(maker, 1).state), uint8(IHTLCEscrow.State.Locked));
        } else {
            assertTrue(ok, "allowed");
            assertEq(token.balanceOf(payee), payeeTokens + amount, "tokens to the payee");
            assertEq(caller.balance, callerEth + deposit, "deposit to the caller");
            assertEq(token.balanceOf(address(escrow)), 0);
            assertEq(address(escrow).balance, 0);
        }
    }

    /// Every window boundary, to the second: each action succeeds exactly when SWAP-DESIGN.md
    /// allows it, with the model's error otherwise, and `stage()` names the window.
    function testFuzz_windowsDecideWhoMayDoWhat(
        uint32[4] memory raw,
        uint256 rawOffset,
        uint8 rawAction,
        uint256 amount,
        uint256 deposit
    ) public {
        IHTLCEscrow.Timelocks memory t = _timelocks(raw);
        amount = bound(amount, 1, type(uint128).max);
        deposit = bound(deposit, 1, 1_000 ether);
        Action action = Action(rawAction % 5);
        vm.prank(makers[0]);
        escrow.lock{value: deposit}(1, RECIPIENT, IERC20(address(token)), amount, HASHLOCK, t);
        uint256 lockedAt_ = block.timestamp;
        uint256 dt = _offset(t, rawOffset);
        vm.warp(lockedAt_ + dt);
        assertEq(uint8(escrow.stage(makers[0], 1)), uint8(_stageAt(t, dt)), "stage");
        _actAndCheck(action, _expected(t, lockedAt_, dt, action, makers[0]), amount, deposit);
    }

    /// `lock` accepts exactly the timelocks of SWAP-DESIGN.md, each bound included.
    function testFuzz_lockAcceptsExactlyTheValidTimelocks(IHTLCEscrow.Timelocks memory t) public {
        // near the bounds and each other, so that every clause is reached on both sides
        t.finality = uint32(bound(t.finality, 0, 31 days));
        t.publicWithdrawal = uint32(bound(t.publicWithdrawal, t.finality > 0 ? t.finality - 1 : 0, 31 days));
        t.cancellation = uint32(
            bound(t.cancellation, t.publicWithdrawal > 0 ? t.publicWithdrawal - 1 : 0, 31 days)
        );
        t.publicCancellation = uint32(
            bound(t.publicCancellation, t.cancellation > 0 ? t.cancellation - 1 : 0, 61 days)
        );
        bool valid =
            0 < t.finality &&
                t.finality < t.publicWithdrawal &&
                t.publicWithdrawal < t.cancellation &&
                t.cancellation < t.publicCancellation &&
                t.cancellation <= 30 days &&
                t.publicCancellation <= 60 days;
        if (!valid) vm.expectRevert(abi.encodeWithSelector(IHTLCEscrow.InvalidTimelocks.selector, t));
        vm.prank(makers[0]);
        escrow.lock{value: 1}(1, RECIPIENT, IERC20(address(token)), 1, HASHLOCK, t);
        if (valid) assertEq(uint8(escrow.swapOf(makers[0], 1).state), uint8(IHTLCEscrow.State.Locked));
    }

    // the conservation run's ledger (storage: too many values for the stack)
    IHTLCEscrow.Timelocks[] internal tl;
    uint256[] internal amounts;
    uint256[] internal deposits;
    uint256[] internal lockTimes;
    bool[] internal ended;
    uint256 internal lockedTokens;
    uint256 internal lockedEth;
    uint256 internal recipientTokens;
    uint256 internal recipientEth;
    uint256 internal strangerEth;

    function _lockAll(uint256 seed, uint256 n) internal {
        for (uint256 i = 0; i < n; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            IHTLCEscrow.Timelocks memory t = _timelocks(
                [uint32(seed), uint32(seed >> 32), uint32(seed >> 64), uint32(seed >> 96)]
            );
            uint256 amount = bound(seed >> 128, 1, 1e30);
            uint256 deposit = bound(seed >> 200, 1, 10 ether);
            vm.prank(makers[i % 2]);
            escrow.lock{value: deposit}(
                uint64(i / 2),
                RECIPIENT,
                IERC20(address(token)),
                amount,
                HASHLOCK,
                t
            );
            tl.push(t);
            amounts.push(amount);
            deposits.push(deposit);
            lockTimes.push(block.timestamp);
            ended.push(false);
            lockedTokens += amount;
            lockedEth += deposit;
            vm.warp(block.timestamp + bound(seed >> 232, 0, 1 days));
        }
    }

    function _step(uint256 seed) internal {
        uint256 i = seed % amounts.length;
        Action action = Action((seed >> 8) % 5);
        address maker = makers[i % 2];
        uint64 swapId = uint64(i / 2);
        vm.warp(block.timestamp + bound(seed >> 16, 0, 20 days));
        bytes memory expected =
            ended[i]
                ? abi.encodeWithSelector(
                    IHTLCEscrow.SwapClosed.selector,
                    maker,
                    swapId,
                    escrow.swapOf(maker, swapId).state
                )
                : _expected(tl[i], lockTimes[i], block.timestamp - lockTimes[i], action, maker);
        uint256 makerEth = maker.balance;
        (bool ok, bytes memory ret) = _call(action, maker, swapId);
        if (expected.length > 0) {
            assertFalse(ok, "refused");
            assertEq(ret, expected, "error");
            return;
        }
        assertTrue(ok, "allowed");
        ended[i] = true;
        lockedTokens -= amounts[i];
        lockedEth -= deposits[i];
        if (action == Action.RecipientWithdraws) {
            recipientTokens += amounts[i];
            recipientEth += deposits[i];
        } else if (action == Action.StrangerWithdraws) {
            recipientTokens += amounts[i];
            strangerEth += deposits[i];
        } else if (action == Action.MakerCancels) {
            assertEq(maker.balance, makerEth + deposits[i], "maker paid the deposit");
        } else {
            strangerEth += deposits[i];
        }
    }

    /// Token and ETH conservation over several swaps of two makers (the same ids on both, so keys
    /// must not collide): after every step the escrow holds exactly the amounts and deposits of
    /// the swaps still locked, every action succeeds exactly as the model says (ended swaps with
    /// `SwapClosed`), tokens only ever reach the maker or the recipient, each deposit is paid
    /// once, to its caller.
    function testFuzz_conservationOverManySwaps(uint256 seed, uint8 rawSwaps, uint8 rawSteps) public {
        uint256 supply = token.totalSupply();
        _lockAll(seed, bound(rawSwaps, 1, 6));
        uint256 steps = bound(rawSteps, 1, 24);
        for (uint256 s = 0; s < steps; ++s) {
            _step(uint256(keccak256(abi.encode(seed, "step", s))));
            assertEq(token.balanceOf(address(escrow)), lockedTokens, "escrow tokens");
            assertEq(address(escrow).balance, lockedEth, "escrow ETH");
            assertEq(token.balanceOf(RECIPIENT), recipientTokens, "recipient tokens");
            assertEq(RECIPIENT.balance, recipientEth, "recipient ETH");
            assertEq(STRANGER.balance, strangerEth, "stranger ETH");
            assertEq(token.balanceOf(STRANGER), 0, "stranger never gets tokens");
            assertEq(
                token.balanceOf(makers[0]) + token.balanceOf(makers[1]) + recipientTokens + lockedTokens,
                supply,
                "tokens conserved"
            );
        }
    }
}
