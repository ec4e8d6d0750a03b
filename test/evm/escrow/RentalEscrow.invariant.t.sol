// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ManualPriceOracle} from "../../../contracts/escrow/ManualPriceOracle.sol";
import {RentalEscrow} from "../../../contracts/escrow/RentalEscrow.sol";
import {IRentalEscrow} from "../../../contracts/interfaces/IRentalEscrow.sol";
import {MockStablecoin} from "../../../contracts/mocks/MockStablecoin.sol";

/// @dev Customers create rentals in both currencies; the supplier starts them; the settler
///      settles with random delivered hours; customers cancel; time moves. All bounded.
contract EscrowHandler is Test {
    RentalEscrow public immutable escrow;
    ManualPriceOracle public immutable oracle;
    address public constant SUPPLIER = address(0x5A);
    address[2] internal customers = [address(0xC1), address(0xC2)];
    uint256 public created;

    constructor(RentalEscrow escrow_, ManualPriceOracle oracle_) {
        escrow = escrow_;
        oracle = oracle_;
    }

    function create(uint256 who, uint32 hours_, bool inToken) external {
        hours_ = uint32(bound(hours_, 1, 48));
        oracle.setPrice(2_500_000);
        vm.prank(customers[bound(who, 0, 1)]);
        escrow.createRental(
            SUPPLIER,
            hours_,
            inToken ? IRentalEscrow.Currency.TOKEN : IRentalEscrow.Currency.STABLE,
            type(uint256).max
        );
        created += 1;
    }

    function start(uint256 id) external {
        if (created == 0) return;
        id = bound(id, 1, created);
        vm.prank(SUPPLIER);
        try escrow.startRental(id) {} catch {}
    }

    function settle(uint256 id, uint32 delivered) external {
        if (created == 0) return;
        id = bound(id, 1, created);
        (, , uint32 hours_, , , , , , , ) = escrow.rentals(id);
        try escrow.settleRental(id, uint32(bound(delivered, 0, hours_))) {} catch {}
    }

    function cancel(uint256 id) external {
        if (created == 0) return;
        id = bound(id, 1, created);
        (address customer, , , , , , , , , ) = escrow.rentals(id);
        vm.prank(customer);
        try escrow.cancelRental(id) {} catch {}
    }

    function warp(uint256 s) external {
        vm.warp(block.timestamp + bound(s, 1, 12 hours));
    }
}

contract RentalEscrowInvariantTest is Test {
    MockStablecoin internal stable;
    MockStablecoin internal token;
    RentalEscrow internal escrow;
    EscrowHandler internal handler;
    uint256 internal constant SUPPLY = 1e30;

    function setUp() public {
        stable = new MockStablecoin();
        token = new MockStablecoin();
        ManualPriceOracle oracle = new ManualPriceOracle(address(this), address(this));
        oracle.setPrice(2_500_000);
        escrow = new RentalEscrow(
            RentalEscrow.Config({
                stable: IERC20(address(stable)),
                token: IERC20(address(token)),
                oracle: oracle,
                treasury: address(0x7EA),
                admin: address(this),
                feeBps: 777,
                tokenDiscountBps: 3_333,
                maxPriceStaleness: 1 hours,
                startTimeout: 2 hours,
                disputeWindow: 1 days
            })
        );
        handler = new EscrowHandler(escrow, oracle);
        oracle.grantRole(oracle.PRICE_SETTER_ROLE(), address(handler));
        escrow.grantRole(escrow.SETTLER_ROLE(), address(handler));
        vm.prank(handler.SUPPLIER());
        escrow.setOffer("H100", 8, 19_999_999, true);
        for (uint160 c = 0xC1; c <= 0xC2; ++c) {
            stable.mint(address(c), SUPPLY);
            token.mint(address(c), SUPPLY);
            vm.startPrank(address(c));
            stable.approve(address(escrow), type(uint256).max);
            token.approve(address(escrow), type(uint256).max);
            vm.stopPrank();
        }
        targetContract(address(handler));
    }

    /// The escrow holds exactly the open rentals' escrow, in each currency.
    function invariant_escrowSolvency() public view {
        assertEq(stable.balanceOf(address(escrow)), escrow.escrowed(0));
        assertEq(token.balanceOf(address(escrow)), escrow.escrowed(1));
    }

    /// No unit is created or lost: customers + supplier + treasury + escrow == what was minted.
    function invariant_conservation() public view {
        address[5] memory holders = [
            address(0xC1),
            address(0xC2),
            handler.SUPPLIER(),
            address(0x7EA),
            address(escrow)
        ];
        uint256 s;
        uint256 t;
        for (uint256 i = 0; i < 5; ++i) {
            s += stable.balanceOf(holders[i]);
            t += token.balanceOf(holders[i]);
        }
        assertEq(s, 2 * SUPPLY);
        assertEq(t, 2 * SUPPLY);
    }

    function test_handlerReachesTheEscrow() public {
        handler.create(0, 10, true);
        handler.start(1);
        handler.settle(1, 4);
        (, , , , IRentalEscrow.State state, , , , , ) = escrow.rentals(1);
        assertEq(uint8(state), uint8(IRentalEscrow.State.Closed));
        assertGt(token.balanceOf(handler.SUPPLIER()), 0);
    }
}
