// Hostile proposals, run through the whole propose -> vote -> queue -> execute path on the
// deployment from the tokenomics config. What the design allows, written down as tests:
// - the emission schedule's bounds (an epoch once, only once begun, a curve within the immutable
//   bounds and never above the one in force) hold even for a passed proposal, and even for a
//   releaser or admin the DAO appoints;
// - the timelock is its own admin, so a passed proposal CAN grant any role on the timelock and the
//   schedule, cut the timelock delay, remove the guardian's veto and move the treasury: that is
//   governance's power. During the bootstrap period the guardian vetoes such a proposal; after the
//   veto expires only the vote and the timelock delay stand in the way.
import { expect } from "chai";
import { network } from "hardhat";

import {
  castVote,
  execute,
  propose,
  queue,
  timelockOperationId,
  type Proposal,
  type ProposalCall,
} from "../../../src/evm/emission.js";
import { DAY } from "../../../src/evm/tokenomics.js";
import { deployFromConfig } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

async function delegated() {
  const d = await deployFromConfig(connection);
  const [guardian, liquidity, community, attacker] = [d.signers[1], d.signers[4], d.signers[5], d.signers[9]];
  await d.token.connect(liquidity).delegate(liquidity.address);
  await d.token.connect(community).delegate(community.address);
  await time.increase(1);
  return { ...d, guardian, liquidity, community, attacker };
}
type D = Awaited<ReturnType<typeof delegated>>;

const call = (title: string, calls: { target: string; data: string }[]): ProposalCall => ({
  title,
  targets: calls.map((c) => c.target),
  values: calls.map(() => 0n),
  calldatas: calls.map((c) => c.data),
});

/** Proposes every call (the liquidity holder), both large holders vote for each, all queued. */
async function passAll(d: D, calls: ProposalCall[]): Promise<Proposal[]> {
  const g = d.config.governance;
  const proposals: Proposal[] = [];
  for (const c of calls) proposals.push(await propose(d.governor, c, d.liquidity));
  await time.increase(g.votingDelaySeconds + 1);
  for (const p of proposals) {
    await castVote(d.governor, p, d.liquidity, 1);
    await castVote(d.governor, p, d.community, 1);
  }
  await time.increase(g.votingPeriodSeconds + 1);
  for (const p of proposals) await queue(d.governor, p, d.liquidity);
  return proposals;
}

/** Passes, queues and waits out the timelock delay. */
async function passAndWait(d: D, calls: ProposalCall[]) {
  const proposals = await passAll(d, calls);
  await time.increase(d.config.governance.timelockDelaySeconds + 1);
  return proposals;
}

/** The captured governance's batch: every role to the attacker, the veto and the delay gone, the treasury moved. */
async function captureBatch(d: D) {
  const [tl, s, token] = [d.timelock, d.schedule, d.token];
  const timelock = await tl.getAddress();
  const schedule = await s.getAddress();
  const attacker = d.attacker.address;
  const treasury = await token.balanceOf(timelock);
  const batch = call("Housekeeping", [
    {
      target: timelock,
      data: tl.interface.encodeFunctionData("grantRole", [await tl.DEFAULT_ADMIN_ROLE(), attacker]),
    },
    {
      target: timelock,
      data: tl.interface.encodeFunctionData("grantRole", [await tl.PROPOSER_ROLE(), attacker]),
    },
    {
      target: timelock,
      data: tl.interface.encodeFunctionData("revokeRole", [
        await tl.CANCELLER_ROLE(),
        await d.guardianCanceller!.getAddress(),
      ]),
    },
    { target: timelock, data: tl.interface.encodeFunctionData("updateDelay", [0n]) },
    {
      target: schedule,
      data: s.interface.encodeFunctionData("grantRole", [await s.RELEASER_ROLE(), attacker]),
    },
    {
      target: schedule,
      data: s.interface.encodeFunctionData("grantRole", [await s.DEFAULT_ADMIN_ROLE(), attacker]),
    },
    {
      target: await token.getAddress(),
      data: token.interface.encodeFunctionData("transfer", [attacker, treasury]),
    },
  ]);
  return { batch, treasury, timelock };
}

describe("Governance: hostile proposals", () => {
  describe("the emission bounds hold against a passed proposal", () => {
    it("error: a passed proposal releasing an epoch already released fails at execution; a range over it pays nothing", async () => {
      const d = await loadFixture(delegated);
      const s = d.schedule;
      const target = await s.getAddress();
      const release0 = call("Release epoch 0", [
        { target, data: s.interface.encodeFunctionData("releaseEpoch", [0n]) },
      ]);
      const range00 = call("Release epochs 0-0", [
        { target, data: s.interface.encodeFunctionData("releaseEpochs", [0n, 0n]) },
      ]);
      const [first, twice, range] = await passAndWait(d, [release0, release0, range00]);
      await execute(d.governor, first, d.attacker);
      const released = await s.totalReleased();
      expect(released).to.equal(d.config.emission.initialEpochEmission);
      await expect(execute(d.governor, twice, d.attacker))
        .to.be.revertedWithCustomError(s, "EmissionEpochAlreadyReleased")
        .withArgs(0n);
      const held = await d.token.balanceOf(target);
      await execute(d.governor, range, d.attacker);
      expect(await s.totalReleased()).to.equal(released);
      expect(await d.token.balanceOf(target)).to.equal(held);
    });

    it("error: a passed proposal releasing an epoch that has not begun fails at execution, the whole range with it", async () => {
      const d = await loadFixture(delegated);
      const s = d.schedule;
      const target = await s.getAddress();
      const genesis = await s.genesis();
      const length = await s.epochLength();
      const [future, range] = await passAndWait(d, [
        call("Release epoch 5", [{ target, data: s.interface.encodeFunctionData("releaseEpoch", [5n]) }]),
        call("Release epochs 0-5", [
          { target, data: s.interface.encodeFunctionData("releaseEpochs", [0n, 5n]) },
        ]),
      ]);
      // about 8 days have passed: epochs 0 and 1 have begun, 2 has not
      expect(await s.currentEpoch()).to.equal(1n);
      await expect(execute(d.governor, future, d.attacker))
        .to.be.revertedWithCustomError(s, "EmissionEpochNotStarted")
        .withArgs(5n, genesis + 5n * length);
      await expect(execute(d.governor, range, d.attacker))
        .to.be.revertedWithCustomError(s, "EmissionEpochNotStarted")
        .withArgs(2n, genesis + 2n * length);
      expect(await s.totalReleased()).to.equal(0n);
    });

    it("error: a passed proposal setting a curve outside the immutable bounds fails at execution (EmissionInvalidCurve)", async () => {
      const d = await loadFixture(delegated);
      const s = d.schedule;
      const e = d.config.emission;
      const curves = [
        {
          initialEpochEmission: e.maxEpochEmission + 1n,
          decayBps: e.decayBps,
          epochsPerPeriod: e.epochsPerPeriod,
        },
        { initialEpochEmission: e.initialEpochEmission, decayBps: 0, epochsPerPeriod: e.epochsPerPeriod },
        { initialEpochEmission: e.initialEpochEmission, decayBps: e.decayBps, epochsPerPeriod: 0 },
        { initialEpochEmission: e.initialEpochEmission, decayBps: e.decayBps, epochsPerPeriod: 1_000 },
      ];
      const target = await s.getAddress();
      const proposals = await passAndWait(
        d,
        curves.map((c, i) =>
          call(`Curve ${i}`, [{ target, data: s.interface.encodeFunctionData("setCurve", [c]) }]),
        ),
      );
      for (const [i, p] of proposals.entries()) {
        const c = curves[i];
        await expect(execute(d.governor, p, d.attacker))
          .to.be.revertedWithCustomError(s, "EmissionInvalidCurve")
          .withArgs(c.initialEpochEmission, c.decayBps, c.epochsPerPeriod);
      }
      expect(await s.curve()).to.deep.equal([
        e.initialEpochEmission,
        BigInt(e.decayBps),
        BigInt(e.epochsPerPeriod),
      ]);
    });
  });

  describe("roles and the treasury", () => {
    it("error: nobody bypasses the Governor: scheduling, granting roles or changing the delay directly", async () => {
      const d = await loadFixture(delegated);
      const [tl, s, a] = [d.timelock, d.schedule, d.attacker];
      const grant = tl.interface.encodeFunctionData("grantRole", [await tl.PROPOSER_ROLE(), a.address]);
      await expect(
        tl.connect(a).schedule(await tl.getAddress(), 0n, grant, ethers.ZeroHash, ethers.ZeroHash, 0n),
      )
        .to.be.revertedWithCustomError(tl, "AccessControlUnauthorizedAccount")
        .withArgs(a.address, await tl.PROPOSER_ROLE());
      await expect(tl.connect(a).grantRole(await tl.PROPOSER_ROLE(), a.address))
        .to.be.revertedWithCustomError(tl, "AccessControlUnauthorizedAccount")
        .withArgs(a.address, await tl.DEFAULT_ADMIN_ROLE());
      await expect(tl.connect(a).updateDelay(0n))
        .to.be.revertedWithCustomError(tl, "TimelockUnauthorizedCaller")
        .withArgs(a.address);
      await expect(s.connect(a).grantRole(await s.RELEASER_ROLE(), a.address))
        .to.be.revertedWithCustomError(s, "AccessControlUnauthorizedAccount")
        .withArgs(a.address, await s.DEFAULT_ADMIN_ROLE());
    });

    it("error: during the bootstrap period the guardian vetoes a passed proposal granting roles, removing the veto, zeroing the delay and moving the treasury", async () => {
      const d = await loadFixture(delegated);
      const { batch, treasury, timelock } = await captureBatch(d);
      const [p] = await passAll(d, [batch]);
      const operation = await timelockOperationId(d.governor, p);
      await d.guardianCanceller!.connect(d.guardian).cancel(operation);
      await time.increase(d.config.governance.timelockDelaySeconds + 1);
      await expect(execute(d.governor, p, d.attacker)).to.be.revertedWithCustomError(
        d.governor,
        "GovernorUnexpectedProposalState",
      );
      const [tl, s] = [d.timelock, d.schedule];
      expect(await tl.hasRole(await tl.DEFAULT_ADMIN_ROLE(), d.attacker.address)).to.equal(false);
      expect(await tl.hasRole(await tl.PROPOSER_ROLE(), d.attacker.address)).to.equal(false);
      expect(await tl.hasRole(await tl.CANCELLER_ROLE(), await d.guardianCanceller!.getAddress())).to.equal(
        true,
      );
      expect(await tl.getMinDelay()).to.equal(BigInt(d.config.governance.timelockDelaySeconds));
      expect(await s.hasRole(await s.RELEASER_ROLE(), d.attacker.address)).to.equal(false);
      expect(await d.token.balanceOf(timelock)).to.equal(treasury);
    });

    it("DAO power: after the guardian's veto expires the same passed proposal executes; the schedule's bounds still bind the appointed releaser and admin", async () => {
      const d = await loadFixture(delegated);
      const expiresAt = await d.guardianCanceller!.expiresAt();
      expect(expiresAt - BigInt(d.start)).to.equal(BigInt(d.config.governance.guardianVetoDays * DAY));
      await time.increaseTo(expiresAt);
      const { batch, treasury, timelock } = await captureBatch(d);
      const [p] = await passAll(d, [batch]);
      const operation = await timelockOperationId(d.governor, p);
      await expect(d.guardianCanceller!.connect(d.guardian).cancel(operation))
        .to.be.revertedWithCustomError(d.guardianCanceller!, "GuardianCancellerExpired")
        .withArgs(expiresAt);
      await time.increase(d.config.governance.timelockDelaySeconds + 1);
      await execute(d.governor, p, d.attacker);

      // what governance can do: every role, no delay, no veto, the treasury
      const [tl, s, a] = [d.timelock, d.schedule, d.attacker];
      expect(await tl.hasRole(await tl.DEFAULT_ADMIN_ROLE(), a.address)).to.equal(true);
      expect(await tl.hasRole(await tl.PROPOSER_ROLE(), a.address)).to.equal(true);
      expect(await tl.hasRole(await tl.CANCELLER_ROLE(), await d.guardianCanceller!.getAddress())).to.equal(
        false,
      );
      expect(await tl.getMinDelay()).to.equal(0n);
      expect(await d.token.balanceOf(timelock)).to.equal(0n);
      expect(await d.token.balanceOf(a.address)).to.equal(treasury);

      // what it cannot: the appointed releaser releases only what the schedule allows, to the sinks
      const e = d.config.emission;
      const current = await s.currentEpoch();
      await s.connect(a).releaseEpoch(0n);
      expect(await s.totalReleased()).to.equal(e.initialEpochEmission);
      await expect(s.connect(a).releaseEpoch(0n)).to.be.revertedWithCustomError(
        s,
        "EmissionEpochAlreadyReleased",
      );
      await expect(s.connect(a).releaseEpoch(current + 1n))
        .to.be.revertedWithCustomError(s, "EmissionEpochNotStarted")
        .withArgs(current + 1n, (await s.genesis()) + (current + 1n) * (await s.epochLength()));
      // ... and the appointed admin cannot raise the curve nor leave the immutable bounds
      await expect(
        s.connect(a).setCurve({
          initialEpochEmission: e.maxEpochEmission,
          decayBps: e.decayBps,
          epochsPerPeriod: e.epochsPerPeriod,
        }),
      ).to.be.revertedWithCustomError(s, "EmissionCurveRaised");
      await expect(
        s.connect(a).setCurve({
          initialEpochEmission: e.maxEpochEmission + 1n,
          decayBps: e.decayBps,
          epochsPerPeriod: e.epochsPerPeriod,
        }),
      ).to.be.revertedWithCustomError(s, "EmissionInvalidCurve");
      expect(await d.token.balanceOf(a.address)).to.equal(treasury);
    });
  });
});
