// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IHTLCEscrow
/// @notice Hash time-locked escrow for any ERC-20: one leg of a cross-chain swap (issue 12). A
///         maker locks `amount` of `token` for a `recipient` under `hashlock = keccak256(secret)`
///         (a 32-byte secret) and pays a safety deposit in ETH. The recipient withdraws with the
///         secret, which the `Withdrawn` event publishes so the other leg can be opened with it;
///         failing that, the maker gets the tokens back after the cancellation time.
///         The twin of the Solana program's swap instructions (docs: SWAP-DESIGN.md): same
///         hash, same timelocks, same windows, same error names where the chains allow.
/// @dev Windows, with `t = block.timestamp - lockedAt` and the swap's offsets (seconds):
///
///      t:  0 ---- finality ---- publicWithdrawal ---- cancellation ---- publicCancellation ---->
///          | finality lock |  private withdrawal |  public withdrawal | private cancel | public cancel
///          |   (nothing)   |  (recipient only)   |  (anyone)         |  (maker only)  |  (anyone)
///
///      Each boundary belongs to the window it opens (`t == finality` is private withdrawal).
///      Withdrawal is refused from `cancellation` on, cancellation before it: a swap ends exactly
///      once. Whoever calls a successful `withdraw` or `cancel` is paid the safety deposit (in the
///      private windows that is the recipient or the maker themselves): the deposit pays a third
///      party to finish a swap its parties abandoned, tokens only ever go to the recipient
///      (withdraw) or to the maker (cancel).
///
///      The deposit is sent with a checked call: if the caller cannot receive ETH, the whole
///      call reverts and the swap stays as it was. The caller chose to be the deposit's
///      recipient, so it cannot block anyone else: another caller finishes the swap in the
///      public window. (A recipient or maker contract that rejects ETH can therefore only be
///      served by a third party in the public windows.)
///
///      Tokens: any ERC-20 that moves exactly the amount asked (fee-on-transfer tokens are refused
///      at `lock` by balance delta). Rebasing tokens are not supported: the escrow pays each swap
///      its recorded amount. A token that refuses to pay the recipient (e.g. a blocklist) makes
///      `withdraw` fail; such a swap ends by cancellation.
///
///      Nothing is privileged: no owner, no admin, no pause, no upgrade, no rescue. Tokens or
///      ETH sent to the contract other than through `lock` cannot be recovered.
interface IHTLCEscrow {
    /// @notice Offsets in seconds from `lockedAt`, strictly increasing, each > 0.
    struct Timelocks {
        /// end of the finality lock: the private withdrawal opens
        uint32 finality;
        /// the public withdrawal opens
        uint32 publicWithdrawal;
        /// withdrawal closes, the private cancellation opens
        uint32 cancellation;
        /// the public cancellation opens
        uint32 publicCancellation;
    }

    /// @notice Life of a swap. A key never goes back to `None`: swap ids are not reused.
    enum State {
        None,
        Locked,
        Withdrawn,
        Cancelled
    }

    /// @notice Where a swap is now: its window while `Locked`, else its end.
    enum Stage {
        /// no swap under this key
        None,
        /// locked, `t < finality`: nothing is possible
        FinalityLock,
        /// `finality <= t < publicWithdrawal`: the recipient may withdraw
        PrivateWithdrawal,
        /// `publicWithdrawal <= t < cancellation`: anyone with the secret may withdraw
        PublicWithdrawal,
        /// `cancellation <= t < publicCancellation`: the maker may cancel
        PrivateCancellation,
        /// `publicCancellation <= t`: anyone may cancel
        PublicCancellation,
        /// ended: the recipient was paid
        Withdrawn,
        /// ended: the maker was refunded
        Cancelled
    }

    /// @notice A swap's terms and state.
    /// @dev Returned by the views only, never stored as such: the escrow stores a packed copy.
    // solhint-disable-next-line gas-struct-packing
    struct Swap {
        address maker;
        address recipient;
        IERC20 token;
        uint256 amount;
        /// `keccak256(abi.encodePacked(secret))`, `secret` a bytes32
        bytes32 hashlock;
        Timelocks timelocks;
        /// `block.timestamp` of the `lock`: the offsets count from it
        uint64 lockedAt;
        /// wei paid by the maker, paid to whoever ends the swap
        uint256 safetyDeposit;
        State state;
    }

    // ------------------------------------------------------------------ errors

    /// @notice `maker` already used `swapId` (locked, withdrawn or cancelled): ids are never reused.
    error SwapExists(address maker, uint64 swapId);
    /// @notice `maker` never locked a swap with `swapId`.
    error SwapNotFound(address maker, uint64 swapId);
    /// @notice The swap already ended (`state` is `Withdrawn` or `Cancelled`).
    error SwapClosed(address maker, uint64 swapId, State state);
    /// @notice The offsets are not `0 < finality < publicWithdrawal < cancellation < publicCancellation`,
    ///         or exceed `MAX_TIMELOCK_OFFSET` (the first three) / `MAX_PUBLIC_CANCELLATION`.
    error InvalidTimelocks(Timelocks timelocks);
    /// @notice The locked amount is zero.
    error InvalidAmount(uint256 amount);
    /// @notice The safety deposit (`msg.value`) is zero, or above `type(uint96).max` wei.
    error InvalidSafetyDeposit(uint256 safetyDeposit);
    /// @notice The recipient is the zero address.
    error InvalidRecipient(address recipient);
    /// @notice `keccak256(secret)` is `secretHash`, not the swap's `hashlock`.
    error InvalidSecret(bytes32 hashlock, bytes32 secretHash);
    /// @notice In the private withdrawal window only the swap's `recipient` may withdraw.
    error NotRecipient(address caller, address recipient);
    /// @notice In the private cancellation window only the swap's `maker` may cancel.
    error NotMaker(address caller, address maker);
    /// @notice The finality lock is not over: withdrawal opens at `opensAt` (a timestamp).
    error WithdrawalNotOpen(uint256 timestamp, uint256 opensAt);
    /// @notice The cancellation time `closedAt` is reached: the swap can only be cancelled.
    error WithdrawalClosed(uint256 timestamp, uint256 closedAt);
    /// @notice Cancellation opens at `opensAt` (a timestamp).
    error CancellationNotOpen(uint256 timestamp, uint256 opensAt);
    /// @notice The escrow received `received` of `token` for a lock of `expected`: fee-on-transfer
    ///         (or otherwise non-standard) tokens are refused.
    error FeeOnTransferToken(address token, uint256 expected, uint256 received);

    // ------------------------------------------------------------------ events

    /// @notice `maker` locked `amount` of `token` for `recipient` under `hashlock` at `lockedAt`.
    event Locked(
        address indexed maker,
        uint64 indexed swapId,
        address indexed recipient,
        IERC20 token,
        uint256 amount,
        bytes32 hashlock,
        Timelocks timelocks,
        uint64 lockedAt,
        uint256 safetyDeposit
    );
    /// @notice The swap's tokens went to its recipient; `secret` opens the other leg; `caller`
    ///         was paid the safety deposit.
    event Withdrawn(address indexed maker, uint64 indexed swapId, bytes32 secret, address indexed caller);
    /// @notice The swap's tokens went back to its maker; `caller` was paid the safety deposit.
    event Cancelled(address indexed maker, uint64 indexed swapId, address indexed caller);

    // ------------------------------------------------------------------ bounds (constants)

    /// @notice Longest `finality`, `publicWithdrawal` and `cancellation` offset: 30 days.
    function MAX_TIMELOCK_OFFSET() external view returns (uint32);
    /// @notice Longest `publicCancellation` offset: 60 days.
    function MAX_PUBLIC_CANCELLATION() external view returns (uint32);

    // ------------------------------------------------------------------ swaps

    /// @notice Locks `amount` of `token` from the caller (the maker) for `recipient`, with
    ///         `msg.value` as the safety deposit. The maker approves `amount` to this contract first.
    /// @dev Refuses a `swapId` the maker ever used, a zero amount, deposit or recipient, invalid
    ///      timelocks, and a token that delivers anything but `amount` (balance delta).
    /// @param swapId the maker's id for the swap (with the maker, the swap's identity on both chains)
    /// @param hashlock `keccak256(abi.encodePacked(secret))` of the 32-byte secret
    /// @param timelocks window offsets in seconds from this block's timestamp
    /// @return key `swapKey(msg.sender, swapId)`
    function lock(
        uint64 swapId,
        address recipient,
        IERC20 token,
        uint256 amount,
        bytes32 hashlock,
        Timelocks calldata timelocks
    ) external payable returns (bytes32 key);

    /// @notice Pays the swap's tokens to its recipient, given the secret; the caller gets the
    ///         safety deposit. From `finality` by the recipient, from `publicWithdrawal` by
    ///         anyone; never from `cancellation` on. Emits the secret.
    function withdraw(address maker, uint64 swapId, bytes32 secret) external;

    /// @notice Returns the swap's tokens to its maker; the caller gets the safety deposit. From
    ///         `cancellation` by the maker, from `publicCancellation` by anyone.
    function cancel(address maker, uint64 swapId) external;

    // ------------------------------------------------------------------ views

    /// @notice `keccak256(abi.encode(maker, swapId))`: the key of `maker`'s swap `swapId`.
    function swapKey(address maker, uint64 swapId) external pure returns (bytes32);

    /// @notice The swap stored under `key` (all zero, `State.None`, if there is none).
    function swaps(bytes32 key) external view returns (Swap memory);

    /// @notice `swaps(swapKey(maker, swapId))`.
    function swapOf(address maker, uint64 swapId) external view returns (Swap memory);

    /// @notice The window `maker`'s swap `swapId` is in at this block's timestamp, or its end.
    function stage(address maker, uint64 swapId) external view returns (Stage);
}
