// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";

/// @dev Test-only adversarial 6-decimal token with a hook before and a hook after the balances
///      move (as ERC-777 `tokensToSend` / `tokensReceived` do). Each hook is one-shot: the next
///      transfer between two accounts (not a mint or burn) whose sender is `from` (zero: any)
///      clears it and calls `target` with `data`. A failing call either bubbles its revert (the
///      transfer fails with it) or, with `swallow`, is recorded in `lastHookRevert` and the
///      transfer goes on, so a test can see both what the re-entered contract answered and
///      what the outer call paid.
contract HookToken is ERC20 {
    enum Phase {
        Before,
        After
    }

    struct Hook {
        address target;
        address from;
        bool swallow;
        bytes data;
    }

    mapping(Phase phase => Hook) public hooks;
    /// @notice Hook calls made, and the revert data of the last one that failed and was swallowed.
    uint256 public hookCalls;
    bytes public lastHookRevert;

    constructor() ERC20("Hook USD", "hUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setHook(Phase phase, address target_, address from, bytes calldata data, bool swallow) external {
        hooks[phase] = Hook({target: target_, from: from, swallow: swallow, data: data});
    }

    function _update(address from, address to, uint256 value) internal override {
        bool isTransfer = from != address(0) && to != address(0);
        if (isTransfer) _runHook(Phase.Before, from);
        super._update(from, to, value);
        if (isTransfer) _runHook(Phase.After, from);
    }

    function _runHook(Phase phase, address from) private {
        Hook memory h = hooks[phase];
        if (h.target == address(0) || (h.from != address(0) && h.from != from)) return;
        delete hooks[phase];
        ++hookCalls;
        // the hook is an arbitrary call by design: it is what the token under test is for
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = h.target.call(h.data);
        if (ok) return;
        if (!h.swallow) LowLevelCall.bubbleRevert(ret);
        lastHookRevert = ret;
    }
}
