// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ManualPriceOracle} from "../../../contracts/escrow/ManualPriceOracle.sol";
import {RentalEscrow} from "../../../contracts/escrow/RentalEscrow.sol";
import {IRentalEscrow} from "../../../contracts/interfaces/IRentalEscrow.sol";
import {BlocklistStablecoin} from "../../../contracts/mocks/BlocklistStablecoin.sol";

/// @dev Customers create rentals in both currencies at a price that moves within the oracle's
///      bound; the supplier starts them; the settler settles with random delivered hours, or
///      anyone settles in full once allowed; customers cancel and dispute; anyone reclaims; the
///      pauser pauses; any party may be blocklisted by either token (its payouts become credits)
///      and anyone withdraws credits; the supplier changes its offer; time moves. All bounded.
///      Ghosts track what each party was paid (pushed or credited), an independent model of the
///      start deadline, and each rental's terms as quoted and seen at its creation.
contract EscrowHandler is Test {
    RentalEscrow public immutable escrow;
    ManualPriceOracle public immutable oracle;
    BlocklistStablecoin[2] internal assets;
    address public constant SUPPLIER = address(0x5A);
    address public constant TREASURY = address(0x7EA);
    address public constant STRANGER = address(0x57);
    address[2] internal customers = [address(0xC1), address(0xC2)];
    uint256 public created;

    /// per currency: what settlements gave the supplier and the treasury (paid or credited)
    uint256[2] public ghostToSupplier;
    uint256[2] public ghostToTreasury;

    /// the handler's own account of paused time, and each rental's value of it at creation
    uint256 internal modelPausedTotal;
    uint256 internal modelPausedSince;
    mapping(uint256 rentalId => uint256) internal modelPausedAtCreation;
    /// starts refused before the modelled deadline, or accepted after it: must stay 0
    uint256 public startDeadlineMismatches;
    /// each rental's terms (what was rented, its price and fee) as `rentals()` showed them right
    /// after its creation; rentals whose price and fee differed from the quote: must stay 0
    mapping(uint256 rentalId => bytes32) public termsAtCreation;
    uint256 public quoteMismatches;
    bytes32[3] internal models = [bytes32("H100"), bytes32("A100-40GB"), bytes32("RTX-4090")];

    constructor(RentalEscrow escrow_, ManualPriceOracle oracle_, BlocklistStablecoin[2] memory assets_) {
        escrow = escrow_;
        oracle = oracle_;
        assets = assets_;
    }

    function parties() external view returns (address[4] memory) {
        return [customers[0], customers[1], SUPPLIER, TREASURY];
    }

    function create(uint256 who, uint32 hours_, bool inToken, uint256 newPrice) external {
        hours_ = uint32(_bound(hours_, 1, 48));
        (uint256 price, ) = oracle.latestPrice();
        // a fresh price, within the oracle's 20 % bound of the last one
        oracle.setPrice(_bound(newPrice, price - price / 5, price + price / 5));
        IRentalEscrow.Currency currency =
            inToken ? IRentalEscrow.Currency.TOKEN : IRentalEscrow.Currency.STABLE;
        (uint256 quotedPrice, uint256 quotedFee) = escrow.quote(SUPPLIER, hours_, currency);
        vm.prank(customers[_bound(who, 0, 1)]);
        uint256 id = escrow.createRental(SUPPLIER, hours_, currency, type(uint256).max);
        modelPausedAtCreation[id] = modelPausedTotal;
        created += 1;
        IRentalEscrow.Rental memory r = escrow.rentals(id);
        if (r.price != quotedPrice || r.fee != quotedFee) ++quoteMismatches;
        termsAtCreation[id] = termsOf(id);
    }

    /// The supplier lists new terms (model, count, hourly price): rentals already made keep theirs.
    function reoffer(uint256 model, uint16 gpuCount, uint128 hourlyPrice) external {
        vm.prank(SUPPLIER);
        escrow.setOffer(
            models[_bound(model, 0, 2)],
            uint16(_bound(gpuCount, 1, 16)),
            uint128(_bound(hourlyPrice, 1, 1_000e6)),
            0,
            true
        );
    }

    /// What a rental was made on: who, what was rented, for how long, in what, at what price.
    function termsOf(uint256 id) public view returns (bytes32) {
        IRentalEscrow.Rental memory r = escrow.rentals(id);
        return
            keccak256(
                abi.encode(
                    r.customer,
                    r.supplier,
                    r.createdAt,
                    r.hours_,
                    r.currency,
                    r.price,
                    r.fee,
                    r.gpuModel,
                    r.gpuCount,
                    r.hourlyPrice,
                    r.pausedTimeAtCreation
                )
            );
    }

    function start(uint256 id) external {
        if (created == 0) return;
        id = _bound(id, 1, created);
        IRentalEscrow.Rental memory r = escrow.rentals(id);
        uint256 deadline =
            uint256(r.createdAt) + escrow.startTimeout() + _modelPausedTime() - modelPausedAtCreation[id];
        vm.prank(SUPPLIER);
        try escrow.startRental(id) {
            if (block.timestamp > deadline) ++startDeadlineMismatches;
        } catch {
            if (!escrow.paused() && r.state == IRentalEscrow.State.Created && block.timestamp <= deadline) {
                ++startDeadlineMismatches;
            }
        }
    }

    function settle(uint256 id, uint32 delivered, bool byAnyone) external {
        if (created == 0) return;
        id = _bound(id, 1, created);
        IRentalEscrow.Rental memory r = escrow.rentals(id);
        delivered = byAnyone ? r.hours_ : uint32(_bound(delivered, 0, r.hours_));
        (uint256 toSupplier, uint256 fee, ) = escrow.split(r.price, r.fee, delivered, r.hours_);
        if (byAnyone) vm.prank(STRANGER);
        try escrow.settleRental(id, delivered) {
            ghostToSupplier[uint8(r.currency)] += toSupplier;
            ghostToTreasury[uint8(r.currency)] += fee;
        } catch {}
    }

    function dispute(uint256 id) external {
        if (created == 0) return;
        id = _bound(id, 1, created);
        vm.prank(escrow.rentals(id).customer);
        try escrow.disputeRental(id) {} catch {}
    }

    function cancel(uint256 id) external {
        if (created == 0) return;
        id = _bound(id, 1, created);
        vm.prank(escrow.rentals(id).customer);
        try escrow.cancelRental(id) {} catch {}
    }

    function reclaim(uint256 id) external {
        if (created == 0) return;
        id = _bound(id, 1, created);
        vm.prank(STRANGER);
        try escrow.reclaimExpired(id) {} catch {}
    }

    function withdraw(uint256 who, bool inToken) external {
        address account = this.parties()[_bound(who, 0, 3)];
        vm.prank(STRANGER);
        try escrow.withdraw(address(assets[inToken ? 1 : 0]), account) {} catch {}
    }

    function blocklist(uint256 who, bool inToken, bool isBlocked) external {
        assets[inToken ? 1 : 0].setBlocked(this.parties()[_bound(who, 0, 3)], isBlocked);
    }

    function pause(bool on) external {
        if (on && !escrow.paused()) {
            escrow.pause();
            modelPausedSince = block.timestamp;
        } else if (!on && escrow.paused()) {
            escrow.unpause();
            modelPausedTotal += block.timestamp - modelPausedSince;
        }
    }

    function warp(uint256 s) external {
        vm.warp(block.timestamp + _bound(s, 1, 12 hours));
    }

    function _modelPausedTime() internal view returns (uint256) {
        return escrow.paused() ? modelPausedTotal + block.timestamp - modelPausedSince : modelPausedTotal;
    }
}

contract RentalEscrowInvariantTest is Test {
    BlocklistStablecoin internal stable;
    BlocklistStablecoin internal token;
    RentalEscrow internal escrow;
    EscrowHandler internal handler;
    uint256 internal constant SUPPLY = 1e30;

    function setUp() public {
        stable = new BlocklistStablecoin();
        token = new BlocklistStablecoin();
        ManualPriceOracle oracle = new ManualPriceOracle(address(this), address(this), 2_000);
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
        handler = new EscrowHandler(escrow, oracle, [stable, token]);
        oracle.grantRole(oracle.PRICE_SETTER_ROLE(), address(handler));
        escrow.grantRole(escrow.SETTLER_ROLE(), address(handler));
        escrow.grantRole(escrow.PAUSER_ROLE(), address(handler));
        escrow.grantRole(escrow.DEFAULT_ADMIN_ROLE(), address(handler));
        vm.prank(handler.SUPPLIER());
        escrow.setOffer("H100", 8, 19_999_999, 0, true);
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

    /// The escrow holds exactly the open rentals' escrow plus the credits, in each currency.
    function invariant_escrowSolvency() public view {
        assertEq(
            stable.balanceOf(address(escrow)),
            escrow.escrowed(0) + escrow.totalCredits(address(stable))
        );
        assertEq(token.balanceOf(address(escrow)), escrow.escrowed(1) + escrow.totalCredits(address(token)));
    }

    /// Each currency's escrow counter is exactly the price and fee of its open rentals (every
    /// rental not Closed, summed from `rentals()`): no path leaves a closed rental's deposit in
    /// the counter or drops an open one's.
    function invariant_escrowedIsOpenDeposits() public view {
        uint256[2] memory open;
        uint256 last = escrow.nextRentalId();
        for (uint256 id = 1; id < last; ++id) {
            IRentalEscrow.Rental memory r = escrow.rentals(id);
            if (r.state != IRentalEscrow.State.Closed) open[uint8(r.currency)] += r.price + r.fee;
        }
        assertEq(escrow.escrowed(0), open[0], "stablecoin");
        assertEq(escrow.escrowed(1), open[1], "token");
    }

    /// No unit is created or lost, counting credits as their owner's: every party's balance plus
    /// its credit, plus the open escrow, is what was minted. And the credits add up.
    function invariant_conservationCountingCredits() public view {
        BlocklistStablecoin[2] memory assets = [stable, token];
        address[4] memory parties = handler.parties();
        for (uint256 c = 0; c < 2; ++c) {
            uint256 held;
            uint256 credited;
            for (uint256 i = 0; i < 4; ++i) {
                held += assets[c].balanceOf(parties[i]);
                credited += escrow.credits(parties[i], address(assets[c]));
            }
            assertEq(credited, escrow.totalCredits(address(assets[c])), "credits add up");
            assertEq(held + credited + escrow.escrowed(c), 2 * SUPPLY, "conservation");
        }
    }

    /// What settlements gave the supplier and the treasury reached them, or waits as their credit:
    /// a blocklist never loses a payout nor hands it to someone else.
    function invariant_payoutsPaidOrCredited() public view {
        BlocklistStablecoin[2] memory assets = [stable, token];
        for (uint256 c = 0; c < 2; ++c) {
            address a = address(assets[c]);
            address s = handler.SUPPLIER();
            address t = handler.TREASURY();
            assertEq(assets[c].balanceOf(s) + escrow.credits(s, a), handler.ghostToSupplier(c), "supplier");
            assertEq(assets[c].balanceOf(t) + escrow.credits(t, a), handler.ghostToTreasury(c), "treasury");
        }
    }

    /// A pause never expires a waiting rental, and never lets one start past its deadline
    /// (checked against the handler's own account of paused time).
    function invariant_startDeadlineFollowsPausedTime() public view {
        assertEq(handler.startDeadlineMismatches(), 0);
    }

    /// A rental's terms never change after its creation, whatever the supplier's offer does
    /// later, and its price and fee are what `quote` said when it was created.
    function invariant_rentalTermsNeverChange() public view {
        assertEq(handler.quoteMismatches(), 0, "price and fee as quoted");
        for (uint256 id = 1; id <= handler.created(); ++id) {
            assertEq(handler.termsOf(id), handler.termsAtCreation(id), "terms kept");
        }
    }

    function test_handlerReachesTheEscrow() public {
        handler.create(0, 10, true, 2_500_000);
        handler.start(1);
        handler.settle(1, 4, false);
        assertEq(uint8(escrow.rentals(1).state), uint8(IRentalEscrow.State.Closed));
        assertGt(token.balanceOf(handler.SUPPLIER()), 0);
        // a blocklisted supplier is credited, then withdraws once off the list
        handler.create(1, 10, false, 2_500_000);
        handler.start(2);
        handler.blocklist(2, false, true);
        handler.settle(2, 10, false);
        uint256 credit = escrow.credits(handler.SUPPLIER(), address(stable));
        assertGt(credit, 0);
        handler.blocklist(2, false, false);
        handler.withdraw(2, false);
        assertEq(stable.balanceOf(handler.SUPPLIER()), credit);
        // a pause longer than the timeout does not expire a waiting rental
        handler.create(0, 1, false, 2_500_000);
        handler.pause(true);
        handler.warp(12 hours);
        handler.pause(false);
        handler.start(3);
        assertEq(uint8(escrow.rentals(3).state), uint8(IRentalEscrow.State.Active));
        assertEq(handler.startDeadlineMismatches(), 0);
        // a new offer leaves the open rental's terms, price and fee as they were; it settles at them
        handler.reoffer(1, 2, 7e6);
        (bytes32 model, , , , , ) = escrow.suppliers(handler.SUPPLIER());
        assertEq(model, bytes32("A100-40GB"));
        assertEq(escrow.rentals(3).gpuModel, bytes32("H100"));
        handler.settle(3, 1, false);
        invariant_rentalTermsNeverChange();
        invariant_escrowSolvency();
        invariant_payoutsPaidOrCredited();
        invariant_conservationCountingCredits();
    }
}
