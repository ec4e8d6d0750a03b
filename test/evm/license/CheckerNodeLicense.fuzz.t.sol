// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {CheckerNodeLicense} from "../../../contracts/license/CheckerNodeLicense.sol";

/// @dev `ownersOf` against `ownerOf`, after random mints, transfers and burns: ERC721A leaves
///      most slots of a batch empty, and a transfer or a burn in the middle of one initializes
///      slots; the batch lookup must answer what `ownerOf` answers for every id, in any order.
contract CheckerNodeLicenseFuzzTest is Test {
    CheckerNodeLicense internal license;
    address[4] internal holders = [address(0xA1), address(0xA2), address(0xA3), address(0xA4)];

    function setUp() public {
        // no transfer lock (unlock time 0)
        license = new CheckerNodeLicense("L", "L", 10_000, 0, 0, address(this), address(this), 0);
        license.grantRole(license.MINTER_ROLE(), address(this));
    }

    function _rand(uint256 seed, uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, i)));
    }

    /// What `ownerOf` says, zero where it reverts.
    function _ownerOrZero(uint256 id) internal view returns (address) {
        try license.ownerOf(id) returns (address owner) {
            return owner;
        } catch {
            return address(0);
        }
    }

    function _check(uint256[] memory ids) internal view {
        address[] memory owners = license.ownersOf(ids);
        assertEq(owners.length, ids.length);
        for (uint256 i = 0; i < ids.length; ++i)
            assertEq(owners[i], _ownerOrZero(ids[i]), "ownersOf != ownerOf");
    }

    function testFuzz_ownersOfAnswersWhatOwnerOfDoes(uint256 seed, uint8 mints, uint8 moves) public {
        uint256 k;
        mints = uint8(_bound(mints, 1, 6));
        for (uint256 m = 0; m < mints; ++m) {
            license.mint(holders[_rand(seed, k++) % 4], 1 + (_rand(seed, k++) % 40), 0);
        }
        uint256 next = license.totalMinted() + 1;
        moves = uint8(_bound(moves, 0, 30));
        for (uint256 j = 0; j < moves; ++j) {
            uint256 id = 1 + (_rand(seed, k++) % (next - 1));
            address owner = _ownerOrZero(id);
            if (owner == address(0)) continue;
            vm.prank(owner);
            if (_rand(seed, k++) % 3 == 0) license.burn(id);
            else license.transferFrom(owner, holders[_rand(seed, k++) % 4], id);
        }
        // every id in order, from 0 to two past the last minted
        uint256[] memory ids = new uint256[](next + 2);
        for (uint256 id = 0; id < ids.length; ++id) ids[id] = id;
        _check(ids);
        // in reverse
        uint256[] memory reversed = new uint256[](ids.length);
        for (uint256 i = 0; i < ids.length; ++i) reversed[i] = ids[ids.length - 1 - i];
        _check(reversed);
        // random ids with repeats and runs
        uint256[] memory mixed = new uint256[](64);
        for (uint256 i = 0; i < mixed.length; ++i) {
            uint256 r = _rand(seed, k++);
            mixed[i] = i > 0 && r % 2 == 0 ? mixed[i - 1] + (r % 4 == 0 ? 0 : 1) : r % (next + 2);
        }
        _check(mixed);
    }

    function test_ownersOfOfNothing() public {
        license.mint(holders[0], 3, 0);
        assertEq(license.ownersOf(new uint256[](0)).length, 0);
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (0, 4, type(uint256).max);
        address[] memory owners = license.ownersOf(ids);
        for (uint256 i = 0; i < 3; ++i) assertEq(owners[i], address(0));
    }
}
