// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IHTLCEscrow} from "../interfaces/IHTLCEscrow.sol";

/// @title HTLCEscrow
/// @notice Hash time-locked escrow for any ERC-20, with an ETH safety deposit: the EVM leg of a
///         cross-chain swap. One contract per chain serves every swap; see {IHTLCEscrow}.
/// @dev No privileged role of any kind (docs/AUTHORITIES.md): no owner, pause, upgrade or rescue.
///      The reentrancy guard lives in transient storage (EIP-1153, Cancun: Ethereum and Arbitrum
///      ArbOS 20+), cleared at the end of each guarded call; solc's generic `tstore` warning
///      about transient storage does not apply to this use.
///      Every external function that moves value is `nonReentrant` and follows checks, effects,
///      event, then the token transfer and the deposit payment last.
contract HTLCEscrow is IHTLCEscrow, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IHTLCEscrow
    uint32 public constant MAX_TIMELOCK_OFFSET = 30 days;
    /// @inheritdoc IHTLCEscrow
    uint32 public constant MAX_PUBLIC_CANCELLATION = 60 days;

    /// @dev A swap packed into five slots (the public {Swap} view unpacks it). `lockedAt` fits
    ///      40 bits until the year 36812; `safetyDeposit` 96 bits is 79 billion ETH (checked at `lock`).
    struct StoredSwap {
        // slot 0
        address maker;
        uint96 safetyDeposit;
        // slot 1
        address recipient;
        uint40 lockedAt;
        uint32 finality;
        State state;
        // slot 2
        IERC20 token;
        uint32 publicWithdrawal;
        uint32 cancellation;
        uint32 publicCancellation;
        // slots 3, 4
        uint256 amount;
        bytes32 hashlock;
    }

    mapping(bytes32 key => StoredSwap) private _swaps;

    // ------------------------------------------------------------------ swaps

    /// @inheritdoc IHTLCEscrow
    function lock(
        uint64 swapId,
        address recipient,
        IERC20 token,
        uint256 amount,
        bytes32 hashlock,
        Timelocks calldata timelocks
    ) external payable nonReentrant returns (bytes32 key) {
        if (recipient == address(0)) revert InvalidRecipient(recipient);
        if (amount == 0) revert InvalidAmount(amount);
        if (msg.value == 0 || msg.value > type(uint96).max) revert InvalidSafetyDeposit(msg.value);
        _checkTimelocks(timelocks);
        key = swapKey(msg.sender, swapId);
        StoredSwap storage s = _swaps[key];
        if (s.state != State.None) revert SwapExists(msg.sender, swapId);

        uint40 lockedAt = SafeCast.toUint40(block.timestamp);
        s.maker = msg.sender;
        s.safetyDeposit = uint96(msg.value); // checked above
        s.recipient = recipient;
        s.lockedAt = lockedAt;
        s.finality = timelocks.finality;
        s.state = State.Locked;
        s.token = token;
        s.publicWithdrawal = timelocks.publicWithdrawal;
        s.cancellation = timelocks.cancellation;
        s.publicCancellation = timelocks.publicCancellation;
        s.amount = amount;
        s.hashlock = hashlock;
        emit Locked(msg.sender, swapId, recipient, token, amount, hashlock, timelocks, lockedAt, msg.value);

        // The escrow must hold exactly `amount` for this swap: measure what arrived.
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 balance = token.balanceOf(address(this));
        uint256 received;
        unchecked {
            // cannot underflow: subtracted only when balance > before
            received = balance > before ? balance - before : 0;
        }
        if (received != amount) revert FeeOnTransferToken(address(token), amount, received);
    }

    /// @inheritdoc IHTLCEscrow
    function withdraw(address maker, uint64 swapId, bytes32 secret) external nonReentrant {
        StoredSwap storage s = _lockedSwap(maker, swapId);
        uint256 lockedAt = s.lockedAt;
        // uint40 + uint32 in uint256 arithmetic: cannot overflow
        uint256 opensAt = lockedAt + s.finality;
        if (block.timestamp < opensAt) revert WithdrawalNotOpen(block.timestamp, opensAt);
        uint256 closedAt = lockedAt + s.cancellation;
        if (block.timestamp >= closedAt) revert WithdrawalClosed(block.timestamp, closedAt);
        address recipient = s.recipient;
        if (block.timestamp < lockedAt + s.publicWithdrawal && msg.sender != recipient) {
            revert NotRecipient(msg.sender, recipient);
        }
        bytes32 secretHash = keccak256(abi.encodePacked(secret));
        if (secretHash != s.hashlock) revert InvalidSecret(s.hashlock, secretHash);

        s.state = State.Withdrawn;
        emit Withdrawn(maker, swapId, secret, msg.sender);

        s.token.safeTransfer(recipient, s.amount);
        // Reverts if the caller rejects ETH: it chose to be paid, and anyone else can withdraw
        // in the public window, so this blocks no one but itself.
        Address.sendValue(payable(msg.sender), s.safetyDeposit);
    }

    /// @inheritdoc IHTLCEscrow
    function cancel(address maker, uint64 swapId) external nonReentrant {
        StoredSwap storage s = _lockedSwap(maker, swapId);
        uint256 lockedAt = s.lockedAt;
        // uint40 + uint32 in uint256 arithmetic: cannot overflow
        uint256 opensAt = lockedAt + s.cancellation;
        if (block.timestamp < opensAt) revert CancellationNotOpen(block.timestamp, opensAt);
        if (block.timestamp < lockedAt + s.publicCancellation && msg.sender != maker) {
            revert NotMaker(msg.sender, maker);
        }

        s.state = State.Cancelled;
        emit Cancelled(maker, swapId, msg.sender);

        s.token.safeTransfer(maker, s.amount);
        // As in `withdraw`: a caller that rejects ETH only blocks itself (public cancellation).
        Address.sendValue(payable(msg.sender), s.safetyDeposit);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IHTLCEscrow
    function swapKey(address maker, uint64 swapId) public pure returns (bytes32) {
        return keccak256(abi.encode(maker, swapId));
    }

    /// @inheritdoc IHTLCEscrow
    function swaps(bytes32 key) public view returns (Swap memory) {
        StoredSwap storage s = _swaps[key];
        return
            Swap({
                maker: s.maker,
                recipient: s.recipient,
                token: s.token,
                amount: s.amount,
                hashlock: s.hashlock,
                timelocks: Timelocks({
                    finality: s.finality,
                    publicWithdrawal: s.publicWithdrawal,
                    cancellation: s.cancellation,
                    publicCancellation: s.publicCancellation
                }),
                lockedAt: s.lockedAt,
                safetyDeposit: s.safetyDeposit,
                state: s.state
            });
    }

    /// @inheritdoc IHTLCEscrow
    function swapOf(address maker, uint64 swapId) external view returns (Swap memory) {
        return swaps(swapKey(maker, swapId));
    }

    /// @inheritdoc IHTLCEscrow
    function stage(address maker, uint64 swapId) external view returns (Stage) {
        StoredSwap storage s = _swaps[swapKey(maker, swapId)];
        State state = s.state;
        if (state == State.None) return Stage.None;
        if (state == State.Withdrawn) return Stage.Withdrawn;
        if (state == State.Cancelled) return Stage.Cancelled;
        // uint40 - uint40 checked: block.timestamp >= lockedAt (set from an earlier block)
        uint256 t = block.timestamp - s.lockedAt;
        if (t < s.finality) return Stage.FinalityLock;
        if (t < s.publicWithdrawal) return Stage.PrivateWithdrawal;
        if (t < s.cancellation) return Stage.PublicWithdrawal;
        if (t < s.publicCancellation) return Stage.PrivateCancellation;
        return Stage.PublicCancellation;
    }

    // ------------------------------------------------------------------ internal

    /// @dev The swap under (`maker`, `swapId`), which must be `Locked`.
    function _lockedSwap(address maker, uint64 swapId) private view returns (StoredSwap storage s) {
        s = _swaps[swapKey(maker, swapId)];
        State state = s.state;
        if (state == State.None) revert SwapNotFound(maker, swapId);
        if (state != State.Locked) revert SwapClosed(maker, swapId, state);
    }

    /// @dev `0 < finality < publicWithdrawal < cancellation <= MAX_TIMELOCK_OFFSET` and
    ///      `cancellation < publicCancellation <= MAX_PUBLIC_CANCELLATION`.
    function _checkTimelocks(Timelocks calldata t) private pure {
        if (
            t.finality == 0 ||
            t.publicWithdrawal <= t.finality ||
            t.cancellation <= t.publicWithdrawal ||
            t.publicCancellation <= t.cancellation ||
            t.cancellation > MAX_TIMELOCK_OFFSET ||
            t.publicCancellation > MAX_PUBLIC_CANCELLATION
        ) revert InvalidTimelocks(t);
    }
}
