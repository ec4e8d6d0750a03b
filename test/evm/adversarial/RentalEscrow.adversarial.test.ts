// RentalEscrow against hostile tokens: a stablecoin whose transfers call back into the escrow
// before or after the balances move (ERC-777 style), one that answers `false`, one that answers
// nothing (USDT). The customer is a contract account (ReentrantProbe) so that a re-entry can come
// from the party the escrow would otherwise accept.
import path from "node:path";

import { expect } from "chai";
import type { Interface } from "ethers";
import { network } from "hardhat";

import { deployRentalEscrow, loadEscrowConfig, setEvmOffer } from "../../../src/evm/escrow.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const ESCROW_CONFIG_FILE = path.resolve(import.meta.dirname, "../../../config/arbitrum/escrow.json");
const USDC = 1_000_000n;
const HOURLY = 20n * USDC;
const STABLE = 0;
const HOURS = 10;
const BEFORE = 0;
const AFTER = 1;
const CREATED = 1n;
const CLOSED = 4n;

/** The name of the custom error `data` encodes, as `iface` knows it. */
function errorName(iface: Interface, data: string) {
  return iface.parseError(data)?.name;
}

/** An escrow whose stablecoin is `stableName`; the customer a contract account holding 10,000. */
async function deploy(stableName: "HookToken" | "ReturnFalseToken" | "NoReturnToken") {
  const [admin, supplier, treasury, stranger] = await ethers.getSigners();
  const stable = await ethers.deployContract(stableName);
  const token = await ethers.deployContract("L2ComputeToken", ["CMT", "CMT", admin.address, admin.address]);
  const { escrow } = await deployRentalEscrow(ethers, loadEscrowConfig(ESCROW_CONFIG_FILE), {
    stable: await stable.getAddress(),
    token: await token.getAddress(),
    treasury: treasury.address,
    deployer: admin,
  });
  await (
    await setEvmOffer(escrow.connect(supplier), { gpuModel: "H100-80GB", gpuCount: 8, hourlyPrice: HOURLY })
  ).wait();
  const customer = await ethers.deployContract("ReentrantProbe");
  await stable.mint(await customer.getAddress(), 10_000n * USDC);
  await customer.execute(
    await stable.getAddress(),
    stable.interface.encodeFunctionData("approve", [await escrow.getAddress(), ethers.MaxUint256]),
  );
  const [price, fee] = await escrow.quote(supplier.address, HOURS, STABLE);
  return { escrow, stable, customer, admin, supplier, treasury, stranger, price, fee, deposit: price + fee };
}

const hookFixture = async () => {
  const d = await deploy("HookToken");
  return { ...d, hook: await ethers.getContractAt("HookToken", await d.stable.getAddress()) };
};
const returnFalseFixture = async () => {
  const d = await deploy("ReturnFalseToken");
  return { ...d, rf: await ethers.getContractAt("ReturnFalseToken", await d.stable.getAddress()) };
};
const noReturnFixture = () => deploy("NoReturnToken");

type D = Awaited<ReturnType<typeof hookFixture>>;

/** Calldata of the customer (the probe) calling `fn(args)` on the escrow. */
function asCustomer(d: Pick<D, "customer" | "escrow">, escrowAddress: string, fn: string, args: unknown[]) {
  return d.customer.interface.encodeFunctionData("execute", [
    escrowAddress,
    (d.escrow.interface as Interface).encodeFunctionData(fn, args),
  ]);
}

/** The customer creates the 10-hour stablecoin rental. */
async function create(d: Pick<D, "customer" | "escrow" | "supplier" | "deposit">) {
  const at = await d.escrow.getAddress();
  return d.customer.execute(
    at,
    d.escrow.interface.encodeFunctionData("createRental", [d.supplier.address, HOURS, STABLE, d.deposit]),
  );
}

/** The escrow holds exactly the open rentals' escrow plus the credits (stablecoin side). */
async function solvent(d: Pick<D, "escrow" | "stable">) {
  const stable = await d.stable.getAddress();
  expect(await d.stable.balanceOf(await d.escrow.getAddress())).to.equal(
    (await d.escrow.escrowed(STABLE)) + (await d.escrow.totalCredits(stable)),
  );
}

/** An open, started rental 1; every balance read before its settlement. */
async function started() {
  const d = await hookFixture();
  await create(d);
  await d.escrow.connect(d.supplier).startRental(1n);
  return d;
}

async function balances(d: D) {
  const at = [
    d.supplier.address,
    d.treasury.address,
    await d.customer.getAddress(),
    await d.escrow.getAddress(),
  ];
  return Promise.all(at.map((a) => d.stable.balanceOf(a)));
}

describe("RentalEscrow: adversarial tokens", () => {
  describe("re-entrant stablecoin (hooks before and after the balances move)", () => {
    for (const [phase, name] of [
      [BEFORE, "before"],
      [AFTER, "after"],
    ] as const) {
      it(`error: the customer re-entering createRental from the deposit's ${name}-transfer hook is refused; nothing is recorded`, async () => {
        const d = await loadFixture(hookFixture);
        const at = await d.escrow.getAddress();
        const again = asCustomer(d, at, "createRental", [d.supplier.address, HOURS, STABLE, d.deposit]);
        await d.hook.setHook(phase, await d.customer.getAddress(), ethers.ZeroAddress, again, false);
        await expect(create(d)).to.be.revertedWithCustomError(d.escrow, "ReentrancyGuardReentrantCall");
        expect(await d.escrow.nextRentalId()).to.equal(1n);
        expect(await d.escrow.escrowed(STABLE)).to.equal(0n);
        expect(await d.stable.balanceOf(at)).to.equal(0n);
        expect(await d.stable.balanceOf(await d.customer.getAddress())).to.equal(10_000n * USDC);
      });
    }

    it("error: cancelRental re-entered from the deposit's after-transfer hook is refused; the rental stays funded once", async () => {
      const d = await loadFixture(hookFixture);
      const at = await d.escrow.getAddress();
      // the rental is recorded before the deposit moves: without the guard this would refund it
      // while the deposit is still in flight
      const cancel = asCustomer(d, at, "cancelRental", [1n]);
      await d.hook.setHook(AFTER, await d.customer.getAddress(), ethers.ZeroAddress, cancel, true);
      await create(d);
      expect(await d.hook.hookCalls()).to.equal(1n);
      expect(errorName(d.escrow.interface, await d.hook.lastHookRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect((await d.escrow.rentals(1n)).state).to.equal(CREATED);
      expect(await d.stable.balanceOf(at)).to.equal(d.deposit);
      expect(await d.escrow.escrowed(STABLE)).to.equal(d.deposit);
      await solvent(d);
    });

    for (const [phase, name] of [
      [BEFORE, "before"],
      [AFTER, "after"],
    ] as const) {
      it(`error: a token that re-enters settleRental from its ${name}-transfer hook cannot pay twice`, async () => {
        const d = await loadFixture(started);
        const at = await d.escrow.getAddress();
        const settleAgain = d.escrow.interface.encodeFunctionData("settleRental", [1n, HOURS]);
        await d.hook.setHook(phase, at, at, settleAgain, true);
        const before = await balances(d);
        await d.escrow.settleRental(1n, HOURS);
        expect(errorName(d.escrow.interface, await d.hook.lastHookRevert())).to.equal(
          "ReentrancyGuardReentrantCall",
        );
        const after = await balances(d);
        expect(after.map((b, i) => b - before[i])).to.deep.equal([d.price, d.fee, 0n, -d.deposit]);
        expect((await d.escrow.rentals(1n)).state).to.equal(CLOSED);
        await solvent(d);
      });
    }

    it("error: a hook that re-enters settleRental and fails every payout turns them into credits, each withdrawn once", async () => {
      const d = await loadFixture(started);
      const at = await d.escrow.getAddress();
      // bubbling: each payout's transfer reverts with the guard's error, and the revert also
      // undoes the hook's one-shot clearing, so it fires again on every payout
      const settleAgain = d.escrow.interface.encodeFunctionData("settleRental", [1n, 4]);
      await d.hook.setHook(BEFORE, at, at, settleAgain, false);
      const before = await balances(d);
      await expect(d.escrow.settleRental(1n, 4)).to.emit(d.escrow, "PaymentCredited");
      const [toSupplier, fee, refund] = await d.escrow.split(d.price, d.fee, 4, HOURS);
      expect(await balances(d)).to.deep.equal(before);
      const stable = await d.stable.getAddress();
      const customer = await d.customer.getAddress();
      expect(await d.escrow.credits(d.supplier.address, stable)).to.equal(toSupplier);
      expect(await d.escrow.credits(d.treasury.address, stable)).to.equal(fee);
      expect(await d.escrow.credits(customer, stable)).to.equal(refund);
      expect(await d.escrow.totalCredits(stable)).to.equal(d.deposit);
      await solvent(d);
      // while the hook still fails transfers, a withdrawal reverts with it and changes nothing
      await expect(d.escrow.withdraw(stable, d.supplier.address)).to.be.revertedWithCustomError(
        d.escrow,
        "ReentrancyGuardReentrantCall",
      );
      // withdraw re-entered for the same account from a swallowing hook: refused, paid once
      const withdrawAgain = d.escrow.interface.encodeFunctionData("withdraw", [stable, d.supplier.address]);
      await d.hook.setHook(BEFORE, at, at, withdrawAgain, true);
      await expect(d.escrow.connect(d.stranger).withdraw(stable, d.supplier.address)).to.changeTokenBalances(
        ethers,
        d.stable,
        [d.supplier, d.escrow],
        [toSupplier, -toSupplier],
      );
      expect(errorName(d.escrow.interface, await d.hook.lastHookRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      await d.escrow.withdraw(stable, d.treasury.address);
      await d.escrow.withdraw(stable, customer);
      for (const account of [d.supplier.address, d.treasury.address, customer]) {
        await expect(d.escrow.withdraw(stable, account))
          .to.be.revertedWithCustomError(d.escrow, "EscrowNothingToWithdraw")
          .withArgs(account, stable);
      }
      const after = await balances(d);
      expect(after.map((b, i) => b - before[i])).to.deep.equal([toSupplier, fee, refund, -d.deposit]);
      await solvent(d);
    });

    it("error: the customer re-entering cancelRental from its refund's after-transfer hook is refunded once per rental", async () => {
      const d = await loadFixture(hookFixture);
      await create(d);
      await create(d);
      const at = await d.escrow.getAddress();
      const customer = await d.customer.getAddress();
      const held = await d.stable.balanceOf(customer);
      const cancel = (id: bigint) => d.escrow.interface.encodeFunctionData("cancelRental", [id]);
      // rental 1's refund tries to cancel rental 2 from inside: refused, rental 2 stays funded
      await d.hook.setHook(AFTER, customer, at, asCustomer(d, at, "cancelRental", [2n]), true);
      await d.customer.execute(at, cancel(1n));
      expect(errorName(d.escrow.interface, await d.hook.lastHookRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect((await d.stable.balanceOf(customer)) - held).to.equal(d.deposit);
      expect((await d.escrow.rentals(2n)).state).to.equal(CREATED);
      expect(await d.escrow.escrowed(STABLE)).to.equal(d.deposit);
      await solvent(d);
      // rental 2's refund tries to cancel rental 2 again: refused, refunded once
      await d.hook.setHook(AFTER, customer, at, asCustomer(d, at, "cancelRental", [2n]), true);
      await d.customer.execute(at, cancel(2n));
      expect(errorName(d.escrow.interface, await d.hook.lastHookRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect((await d.stable.balanceOf(customer)) - held).to.equal(2n * d.deposit);
      expect(await d.stable.balanceOf(at)).to.equal(0n);
      await expect(d.customer.execute(at, cancel(2n)))
        .to.be.revertedWithCustomError(d.escrow, "EscrowInvalidState")
        .withArgs(2n, CLOSED);
      await solvent(d);
    });

    it("error: reclaimExpired re-entered from the refund's hooks (another rental, then the same) pays each deposit once", async () => {
      const d = await loadFixture(hookFixture);
      await create(d);
      await create(d);
      await time.increase(3_600 + 1);
      const at = await d.escrow.getAddress();
      const customer = await d.customer.getAddress();
      const held = await d.stable.balanceOf(customer);
      const reclaim = (id: bigint) => d.escrow.interface.encodeFunctionData("reclaimExpired", [id]);
      await d.hook.setHook(BEFORE, at, at, reclaim(2n), true);
      await d.escrow.connect(d.stranger).reclaimExpired(1n);
      expect(errorName(d.escrow.interface, await d.hook.lastHookRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect((await d.stable.balanceOf(customer)) - held).to.equal(d.deposit);
      expect((await d.escrow.rentals(2n)).state).to.equal(CREATED);
      await d.hook.setHook(AFTER, at, at, reclaim(2n), true);
      await d.escrow.connect(d.stranger).reclaimExpired(2n);
      expect(errorName(d.escrow.interface, await d.hook.lastHookRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect(await d.hook.hookCalls()).to.equal(2n);
      expect((await d.stable.balanceOf(customer)) - held).to.equal(2n * d.deposit);
      expect(await d.stable.balanceOf(at)).to.equal(0n);
      await solvent(d);
    });
  });

  describe("non-standard stablecoins", () => {
    it("error: a token whose transferFrom returns false: createRental reverts with SafeERC20FailedOperation", async () => {
      const d = await loadFixture(returnFalseFixture);
      await d.rf.setFailing(true);
      await expect(create(d))
        .to.be.revertedWithCustomError(d.escrow, "SafeERC20FailedOperation")
        .withArgs(await d.stable.getAddress());
      expect(await d.escrow.nextRentalId()).to.equal(1n);
      expect(await d.escrow.escrowed(STABLE)).to.equal(0n);
    });

    it("a token whose transfer returns false at settlement: every payout is credited, none lost or doubled", async () => {
      const d = await loadFixture(returnFalseFixture);
      await create(d);
      await d.escrow.connect(d.supplier).startRental(1n);
      await d.rf.setFailing(true);
      const stable = await d.stable.getAddress();
      const customer = await d.customer.getAddress();
      await d.escrow.settleRental(1n, 4);
      const [toSupplier, fee, refund] = await d.escrow.split(d.price, d.fee, 4, HOURS);
      expect(await d.escrow.credits(d.supplier.address, stable)).to.equal(toSupplier);
      expect(await d.escrow.credits(d.treasury.address, stable)).to.equal(fee);
      expect(await d.escrow.credits(customer, stable)).to.equal(refund);
      expect(await d.stable.balanceOf(await d.escrow.getAddress())).to.equal(d.deposit);
      await solvent(d);
      // withdraw goes through SafeERC20 and reverts while the token answers false
      await expect(d.escrow.withdraw(stable, d.supplier.address))
        .to.be.revertedWithCustomError(d.escrow, "SafeERC20FailedOperation")
        .withArgs(stable);
      expect(await d.escrow.credits(d.supplier.address, stable)).to.equal(toSupplier);
      await d.rf.setFailing(false);
      await expect(d.escrow.withdraw(stable, d.supplier.address)).to.changeTokenBalance(
        ethers,
        d.stable,
        d.supplier,
        toSupplier,
      );
      await expect(d.escrow.withdraw(stable, d.supplier.address)).to.be.revertedWithCustomError(
        d.escrow,
        "EscrowNothingToWithdraw",
      );
      await solvent(d);
    });

    it("a USDT-style token (no return value) works: deposit, partial settlement and cancellation to the unit", async () => {
      const d = await loadFixture(noReturnFixture);
      const at = await d.escrow.getAddress();
      const customer = await d.customer.getAddress();
      const held = await d.stable.balanceOf(customer);
      await create(d);
      await create(d);
      expect(await d.stable.balanceOf(at)).to.equal(2n * d.deposit);
      await d.escrow.connect(d.supplier).startRental(1n);
      const [toSupplier, fee, refund] = await d.escrow.split(d.price, d.fee, 7, HOURS);
      await d.escrow.settleRental(1n, 7);
      await d.customer.execute(at, d.escrow.interface.encodeFunctionData("cancelRental", [2n]));
      expect(await d.stable.balanceOf(d.supplier.address)).to.equal(toSupplier);
      expect(await d.stable.balanceOf(d.treasury.address)).to.equal(fee);
      expect(await d.stable.balanceOf(customer)).to.equal(held - d.deposit + refund);
      expect(await d.stable.balanceOf(at)).to.equal(0n);
      expect(await d.escrow.totalCredits(await d.stable.getAddress())).to.equal(0n);
      await solvent(d);
    });
  });
});
