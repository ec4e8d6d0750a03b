// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

/// @title ReferenceMerkleDistributor
/// @dev Benchmark reference only (`npm run bench:gas`): the classic Uniswap-style distributor,
///      one leaf per `claim` call, built from OpenZeppelin's MerkleProof and BitMaps. The leaf is
///      an OpenZeppelin standard-tree leaf of `(uint256 index, address account, uint256 amount)`,
///      the claimed flag is bit `index`, and anyone may claim for `account` (the tokens go to it).
///      One root fixed at deployment: it stands for the per-claim cost CheckerRewards is measured
///      against, not for a way to run reward epochs.
contract ReferenceMerkleDistributor {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    IERC20 public immutable token;
    bytes32 public immutable merkleRoot;
    BitMaps.BitMap private _claimed;

    event Claimed(uint256 index, address indexed account, uint256 amount);

    error ReferenceAlreadyClaimed(uint256 index);
    error ReferenceInvalidProof(uint256 index);

    constructor(IERC20 token_, bytes32 merkleRoot_) {
        token = token_;
        merkleRoot = merkleRoot_;
    }

    function isClaimed(uint256 index) external view returns (bool) {
        return _claimed.get(index);
    }

    function claim(uint256 index, address account, uint256 amount, bytes32[] calldata proof) external {
        if (_claimed.get(index)) revert ReferenceAlreadyClaimed(index);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, leaf)) revert ReferenceInvalidProof(index);
        _claimed.set(index);
        emit Claimed(index, account, amount);
        token.safeTransfer(account, amount);
    }
}
