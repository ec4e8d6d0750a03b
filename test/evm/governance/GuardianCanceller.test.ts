// The guardian's bounded veto: cancels queued timelock operations until it expires, nothing else;
// governance removes it through a timelocked operation the guardian may veto while it lasts.
import { expect } from "chai";
import { network } from "hardhat";

import { DAY } from "../../../src/evm/tokenomics.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const DELAY = 2 * DAY;
const VETO = 365 * DAY;

/** A timelock whose proposer is a plain signer (standing in for the Governor), and its canceller. */
async function deployed() {
  const [governance, guardian, outsider] = await ethers.getSigners();
  const timelock = await ethers.deployContract("ComputeTimelock", [
    DELAY,
    [governance.address],
    [ethers.ZeroAddress],
    ethers.ZeroAddress,
  ]);
  const expiresAt = BigInt(await time.latest()) + BigInt(VETO);
  const canceller = await ethers.deployContract("GuardianCanceller", [
    await timelock.getAddress(),
    guardian.address,
    expiresAt,
  ]);
  // the timelock administers itself: granting the role is itself an operation
  const CANCELLER_ROLE = await timelock.CANCELLER_ROLE();
  const grant = timelock.interface.encodeFunctionData("grantRole", [
    CANCELLER_ROLE,
    await canceller.getAddress(),
  ]);
  await schedule(timelock, governance, grant, ethers.id("grant"));
  await time.increase(DELAY);
  await timelock.execute(await timelock.getAddress(), 0n, grant, ethers.ZeroHash, ethers.id("grant"));
  return { timelock, canceller, expiresAt, governance, guardian, outsider, CANCELLER_ROLE };
}

async function schedule(
  timelock: Awaited<ReturnType<typeof deployed>>["timelock"],
  proposer: Awaited<ReturnType<typeof deployed>>["governance"],
  data: string,
  salt: string,
) {
  const target = await timelock.getAddress();
  await timelock.connect(proposer).schedule(target, 0n, data, ethers.ZeroHash, salt, DELAY);
  return timelock.hashOperation(target, 0n, data, ethers.ZeroHash, salt);
}

describe("GuardianCanceller", () => {
  it("the guardian cancels a queued operation before the expiry", async () => {
    const { timelock, canceller, governance, guardian } = await loadFixture(deployed);
    const op = await schedule(
      timelock,
      governance,
      timelock.interface.encodeFunctionData("updateDelay", [0n]),
      ethers.id("a"),
    );
    await expect(canceller.connect(guardian).cancel(op))
      .to.emit(canceller, "OperationVetoed")
      .withArgs(op, guardian.address)
      .and.to.emit(timelock, "Cancelled")
      .withArgs(op);
    expect(await timelock.isOperation(op)).to.equal(false);
  });

  it("error: anyone but the guardian", async () => {
    const { timelock, canceller, governance, outsider } = await loadFixture(deployed);
    const op = await schedule(
      timelock,
      governance,
      timelock.interface.encodeFunctionData("updateDelay", [0n]),
      ethers.id("a"),
    );
    for (const caller of [outsider, governance]) {
      await expect(canceller.connect(caller).cancel(op))
        .to.be.revertedWithCustomError(canceller, "GuardianCancellerUnauthorizedAccount")
        .withArgs(caller.address);
    }
  });

  it("error: the guardian cannot cancel once the bootstrap period is over", async () => {
    const { timelock, canceller, governance, guardian, expiresAt } = await loadFixture(deployed);
    await time.increaseTo(expiresAt);
    const op = await schedule(
      timelock,
      governance,
      timelock.interface.encodeFunctionData("updateDelay", [0n]),
      ethers.id("a"),
    );
    await expect(canceller.connect(guardian).cancel(op))
      .to.be.revertedWithCustomError(canceller, "GuardianCancellerExpired")
      .withArgs(expiresAt);
    expect(await timelock.isOperationPending(op)).to.equal(true);
  });

  it("error: an operation that is not pending (done or unknown)", async () => {
    const { timelock, canceller, guardian } = await loadFixture(deployed);
    await expect(canceller.connect(guardian).cancel(ethers.id("nothing"))).to.be.revertedWithCustomError(
      timelock,
      "TimelockUnexpectedOperationState",
    );
  });

  it("governance removes it by a timelocked revokeRole, which the guardian may veto until the expiry", async () => {
    const { timelock, canceller, governance, guardian, expiresAt, CANCELLER_ROLE } =
      await loadFixture(deployed);
    const target = await timelock.getAddress();
    const revoke = timelock.interface.encodeFunctionData("revokeRole", [
      CANCELLER_ROLE,
      await canceller.getAddress(),
    ]);
    const first = await schedule(timelock, governance, revoke, ethers.id("revoke 1"));
    await canceller.connect(guardian).cancel(first);
    await time.increaseTo(expiresAt);
    const second = await schedule(timelock, governance, revoke, ethers.id("revoke 2"));
    await expect(canceller.connect(guardian).cancel(second)).to.be.revertedWithCustomError(
      canceller,
      "GuardianCancellerExpired",
    );
    await time.increase(DELAY);
    await timelock.execute(target, 0n, revoke, ethers.ZeroHash, ethers.id("revoke 2"));
    expect(await timelock.hasRole(CANCELLER_ROLE, await canceller.getAddress())).to.equal(false);
  });

  it("error: constructor bounds (zero addresses, expiry not in (now, now + MAX_VETO_PERIOD])", async () => {
    const { timelock, guardian } = await loadFixture(deployed);
    const factory = await ethers.getContractFactory("GuardianCanceller");
    const maxPeriod = await (
      await ethers.deployContract("GuardianCanceller", [
        await timelock.getAddress(),
        guardian.address,
        BigInt(await time.latest()) + 10n,
      ])
    ).MAX_VETO_PERIOD();
    expect(maxPeriod).to.equal(730n * BigInt(DAY));
    const now = BigInt(await time.latest());
    const tl = await timelock.getAddress();
    const cases: [string, string, bigint][] = [
      [ethers.ZeroAddress, guardian.address, now + 100n],
      [tl, ethers.ZeroAddress, now + 100n],
      [tl, guardian.address, now], // the next block is later still
      [tl, guardian.address, now + maxPeriod + 1_000n], // 1 000 s past the longest bootstrap
    ];
    for (const [t, g, e] of cases) {
      await expect(ethers.deployContract("GuardianCanceller", [t, g, e]))
        .to.be.revertedWithCustomError(factory, "GuardianCancellerInvalidConfig")
        .withArgs(t, g, e);
    }
  });
});
