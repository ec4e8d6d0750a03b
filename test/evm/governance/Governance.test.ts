// End to end on the in-process chain: the Ethereum side deployed from the tokenomics config,
// an emission release passed by token vote, delayed by the timelock, and paid to the sinks.
import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import {
  castVote,
  curveProposal,
  curveRefusal,
  execute,
  findProposal,
  planEmission,
  proposalState,
  propose,
  queue,
  releaseProposal,
  timelockOperationId,
} from "../../../src/evm/emission.js";
import { DAY } from "../../../src/evm/tokenomics.js";
import { deployFromConfig } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time, takeSnapshot } = networkHelpers;

/** Governor.ProposalState */
const STATE = {
  Pending: 0n,
  Active: 1n,
  Canceled: 2n,
  Defeated: 3n,
  Succeeded: 4n,
  Queued: 5n,
  Executed: 7n,
};

async function delegated() {
  const d = await deployFromConfig(connection);
  const [liquidity, community] = [d.signers[4], d.signers[5]];
  await d.token.connect(liquidity).delegate(liquidity.address);
  await d.token.connect(community).delegate(community.address);
  await time.increase(1);
  return { ...d, liquidity, community };
}

async function passAndQueue(
  d: Awaited<ReturnType<typeof delegated>>,
  call: Awaited<ReturnType<typeof releaseProposal>>,
) {
  const g = d.config.governance;
  const proposal = await propose(d.governor, call, d.liquidity);
  expect(await proposalState(d.governor, proposal)).to.equal("Pending");
  await time.increase(g.votingDelaySeconds + 1);
  await castVote(d.governor, proposal, d.liquidity, 1);
  await castVote(d.governor, proposal, d.community, 1);
  await time.increase(g.votingPeriodSeconds + 1);
  expect(await proposalState(d.governor, proposal)).to.equal("Succeeded");
  await queue(d.governor, proposal, d.liquidity);
  expect(await proposalState(d.governor, proposal)).to.equal("Queued");
  return proposal;
}

describe("Governance runs the emission schedule", () => {
  it("deploys with governance in control and the deployer powerless", async () => {
    const { timelock, governor, schedule, signers } = await loadFixture(delegated);
    const deployer = signers[0].address;
    const governorAddress = await governor.getAddress();
    expect(await timelock.hasRole(await timelock.PROPOSER_ROLE(), governorAddress)).to.equal(true);
    expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ethers.ZeroAddress)).to.equal(true);
    expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), deployer)).to.equal(false);
    expect(await schedule.hasRole(await schedule.RELEASER_ROLE(), await timelock.getAddress())).to.equal(
      true,
    );
    expect(await schedule.hasRole(await schedule.DEFAULT_ADMIN_ROLE(), deployer)).to.equal(false);
    expect(await schedule.hasRole(await schedule.GUARDIAN_ROLE(), signers[1].address)).to.equal(true);
    for (const role of [
      await timelock.PROPOSER_ROLE(),
      await timelock.CANCELLER_ROLE(),
      await timelock.EXECUTOR_ROLE(),
    ]) {
      expect(await timelock.hasRole(role, deployer)).to.equal(false);
    }
  });

  it("deploys the guardian's veto: CANCELLER_ROLE on the timelock, the guardian, expiring after guardianVetoDays", async () => {
    const { timelock, guardianCanceller, config, signers, run } = await loadFixture(delegated);
    if (!guardianCanceller) throw new Error("the default config has a guardian veto");
    // the deployment's time: the block in which the timelock granted the canceller its role
    const [granted] = await timelock.queryFilter(
      timelock.filters.RoleGranted(await timelock.CANCELLER_ROLE(), await guardianCanceller.getAddress()),
    );
    const deployedAt = (await granted.getBlock()).timestamp;
    expect(
      await timelock.hasRole(await timelock.CANCELLER_ROLE(), await guardianCanceller.getAddress()),
    ).to.equal(true);
    expect(await guardianCanceller.guardian()).to.equal(signers[1].address);
    expect(await guardianCanceller.timelock()).to.equal(await timelock.getAddress());
    // counted from the deployment's first run (a resumed deployment keeps it), which precedes the
    // canceller's own transaction by the few blocks of the deployment
    const plannedAt = run.values.start; // the config's start is "deployment": the first run's time
    expect(await guardianCanceller.expiresAt()).to.equal(
      BigInt(plannedAt + config.governance.guardianVetoDays * DAY),
    );
    expect(deployedAt - plannedAt).to.be.within(0, 60);
  });

  it("releases an epoch through propose, vote, queue and execute; tokens arrive at the sinks", async () => {
    const d = await loadFixture(delegated);
    const plan = await planEmission(d.schedule, 3, BigInt(await time.latest()));
    expect(plan.nextDue).to.equal(0n);
    const amount = plan.rows[0].releasable;
    expect(amount).to.equal(d.config.emission.initialEpochEmission);

    const proposal = await passAndQueue(d, await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n }));

    // error: the timelock delay has not passed
    await expect(execute(d.governor, proposal, d.liquidity)).to.be.revertedWithCustomError(
      d.timelock,
      "TimelockUnexpectedOperationState",
    );
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    const [checker, ignition] = [d.signers[6], d.signers[7]];
    const before = [await d.token.balanceOf(checker.address), await d.token.balanceOf(ignition.address)];
    await expect(execute(d.governor, proposal, d.signers[9]))
      .to.emit(d.schedule, "EpochReleased")
      .withArgs(0n, amount, amount);
    expect((await d.token.balanceOf(checker.address)) - before[0]).to.equal((amount * 6_000n) / 10_000n);
    expect((await d.token.balanceOf(ignition.address)) - before[1]).to.equal(
      amount - (amount * 6_000n) / 10_000n,
    );
    expect(await proposalState(d.governor, proposal)).to.equal("Executed");
    expect(await d.schedule.isReleased(0n)).to.equal(true);
  });

  it("catches up several late epochs in one proposal", async () => {
    const d = await loadFixture(delegated);
    await time.increase(3 * d.config.emission.epochDays * DAY);
    const plan = await planEmission(d.schedule, 5, BigInt(await time.latest()));
    const due = plan.rows.filter((r) => r.due && !r.released);
    expect(due.map((r) => r.epoch)).to.deep.equal([0n, 1n, 2n, 3n]);
    const proposal = await passAndQueue(d, await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 3n }));
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    await execute(d.governor, proposal, d.liquidity);
    expect(await d.schedule.totalReleased()).to.equal(due.reduce((s, r) => s + r.releasable, 0n));
  });

  it("retunes the curve by proposal, lower only", async () => {
    const d = await loadFixture(delegated);
    const curve = {
      initialEpochEmission: (d.config.emission.initialEpochEmission * 3n) / 4n,
      decayBps: d.config.emission.decayBps + 500,
      epochsPerPeriod: d.config.emission.epochsPerPeriod,
    };
    const proposal = await passAndQueue(d, await curveProposal(d.schedule, curve));
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    await expect(execute(d.governor, proposal, d.liquidity))
      .to.emit(d.schedule, "CurveUpdated")
      .withArgs(
        (await d.schedule.currentEpoch()) + 1n,
        curve.initialEpochEmission,
        curve.decayBps,
        curve.epochsPerPeriod,
      );
    expect((await d.schedule.curve()).initialEpochEmission).to.equal(curve.initialEpochEmission);
    // epochs that had begun keep the deployment's curve
    expect((await d.schedule.curveAt(0n)).initialEpochEmission).to.equal(
      d.config.emission.initialEpochEmission,
    );
  });

  it("review L-3: a passed proposal that would raise the curve fails at execution", async () => {
    const d = await loadFixture(delegated);
    // within the hard per-epoch cap, but above the deployed curve from the next epoch on
    const curve = {
      initialEpochEmission: d.config.emission.maxEpochEmission,
      decayBps: 1_000,
      epochsPerPeriod: 26,
    };
    // the tooling would not have put it to a vote
    const timelock = await d.timelock.getAddress();
    expect(await curveRefusal(d.schedule, timelock, curve)).to.match(/^EmissionCurveRaised\(/);
    expect(
      await curveRefusal(d.schedule, timelock, {
        ...curve,
        epochsPerPeriod: 52,
        decayBps: 2_500,
        initialEpochEmission: 1n,
      }),
    ).to.equal(undefined);
    const proposal = await passAndQueue(d, await curveProposal(d.schedule, curve));
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    const from = (await d.schedule.currentEpoch()) + 1n;
    await expect(execute(d.governor, proposal, d.liquidity))
      .to.be.revertedWithCustomError(d.schedule, "EmissionCurveRaised")
      .withArgs(from, curve.initialEpochEmission, d.config.emission.initialEpochEmission);
    expect((await d.schedule.curve()).initialEpochEmission).to.equal(d.config.emission.initialEpochEmission);
  });

  it("error: a proposal without quorum is defeated and cannot be queued", async () => {
    const d = await loadFixture(delegated);
    const small = d.signers[9];
    await d.token.connect(d.liquidity).transfer(small.address, d.config.governance.proposalThreshold);
    await d.token.connect(small).delegate(small.address);
    await time.increase(1);
    const proposal = await propose(
      d.governor,
      await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n }),
      small,
    );
    await time.increase(d.config.governance.votingDelaySeconds + 1);
    await castVote(d.governor, proposal, small, 1);
    await time.increase(d.config.governance.votingPeriodSeconds + 1);
    expect(await proposalState(d.governor, proposal)).to.equal("Defeated");
    await expect(queue(d.governor, proposal, small)).to.be.revertedWithCustomError(
      d.governor,
      "GovernorUnexpectedProposalState",
    );
  });

  it("error: proposing below the threshold", async () => {
    const d = await loadFixture(delegated);
    const nobody = d.signers[9];
    const proposal = await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n });
    await expect(propose(d.governor, proposal, nobody))
      .to.be.revertedWithCustomError(d.governor, "GovernorInsufficientProposerVotes")
      .withArgs(nobody.address, 0n, d.config.governance.proposalThreshold);
  });

  it("error: releasing without governance, even by the guardian", async () => {
    const d = await loadFixture(delegated);
    await expect(d.schedule.connect(d.signers[1]).releaseEpoch(0n))
      .to.be.revertedWithCustomError(d.schedule, "AccessControlUnauthorizedAccount")
      .withArgs(d.signers[1].address, await d.schedule.RELEASER_ROLE());
  });

  it("vests the team bucket: nothing before the cliff, linear after, all at the end", async () => {
    const d = await loadFixture(delegated);
    const bucket = d.config.buckets.find((b) => b.name === "team");
    if (bucket?.kind !== "vesting") throw new Error("config has no team vesting bucket");
    const wallet = d.vesting.team;
    const token = await d.token.getAddress();
    const release = (w: typeof wallet) => w["release(address)"](token);
    await time.increaseTo(d.start + bucket.cliffDays * DAY - 10);
    expect(await wallet["releasable(address)"](token)).to.equal(0n);
    await time.increaseTo(d.start + (bucket.durationDays * DAY) / 2);
    await release(wallet);
    const beneficiary = d.signers[2].address;
    const half = await d.token.balanceOf(beneficiary);
    expect(half).to.be.closeTo(bucket.amount / 2n, bucket.amount / 1_000_000n);
    await time.increaseTo(d.start + bucket.durationDays * DAY);
    await release(wallet);
    expect(await d.token.balanceOf(beneficiary)).to.equal(bucket.amount);
  });
});

/** A proposal sent straight to the Governor (an attacker need not use the tooling). */
async function rawProposal(
  d: Awaited<ReturnType<typeof delegated>>,
  calls: { target: string; data: string }[],
  description: string,
) {
  const targets = calls.map((c) => c.target);
  const values = calls.map(() => 0n);
  const calldatas = calls.map((c) => c.data);
  const proposalId = await d.governor.hashProposal(targets, values, calldatas, id(description));
  return { targets, values, calldatas, description, proposalId };
}

/** The liquidity holder alone proposes, votes for, waits out the vote and queues. */
async function passAlone(
  d: Awaited<ReturnType<typeof delegated>>,
  p: Awaited<ReturnType<typeof rawProposal>>,
) {
  const g = d.config.governance;
  const attacker = d.liquidity;
  await d.governor.connect(attacker).propose(p.targets, p.values, p.calldatas, p.description);
  await time.increase(g.votingDelaySeconds + 1);
  await d.governor.connect(attacker).castVote(p.proposalId, 1);
  await time.increase(g.votingPeriodSeconds + 1);
  expect(await d.governor.state(p.proposalId)).to.equal(STATE.Succeeded);
  await d.governor.connect(attacker).queue(p.targets, p.values, p.calldatas, id(p.description));
  expect(await d.governor.state(p.proposalId)).to.equal(STATE.Queued);
}

describe("Governance capture: the guardian's veto and delegated vesting votes", () => {
  it("finding 10-M: the liquidity-bucket holder alone proposes a treasury drain; the guardian cancels it", async () => {
    const d = await loadFixture(delegated);
    const guardian = d.signers[1];
    const attacker = d.liquidity;
    const treasury = await d.timelock.getAddress();
    const held = await d.token.balanceOf(treasury);
    expect(held).to.equal(200_000_000n * 10n ** 18n);
    // the premise of the finding: one unlocked bucket meets quorum on its own
    const now = await time.latest();
    expect(await d.token.getVotes(attacker.address)).to.be.gte(await d.governor.quorum(now - 1));

    const drain = await rawProposal(
      d,
      [
        {
          target: await d.token.getAddress(),
          data: d.token.interface.encodeFunctionData("transfer", [attacker.address, held]),
        },
      ],
      "Treasury: fund market making",
    );
    await passAlone(d, drain);

    // the guardian sees the queued operation during the timelock delay and vetoes it
    const operation = await timelockOperationId(d.governor, drain);
    await expect(d.guardianCanceller!.connect(guardian).cancel(operation))
      .to.emit(d.timelock, "Cancelled")
      .withArgs(operation)
      .and.to.emit(d.guardianCanceller!, "OperationVetoed")
      .withArgs(operation, guardian.address);
    expect(await d.governor.state(drain.proposalId)).to.equal(STATE.Canceled);
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    await expect(
      d.governor
        .connect(attacker)
        .execute(drain.targets, drain.values, drain.calldatas, id(drain.description)),
    ).to.be.revertedWithCustomError(d.governor, "GovernorUnexpectedProposalState");
    expect(await d.token.balanceOf(treasury)).to.equal(held);
  });

  it("finding 10-M: vesting beneficiaries delegate their wallets' votes and defeat a treasury drain", async () => {
    const d = await loadFixture(delegated);
    const [team, investors] = [d.signers[2], d.signers[3]];
    const token = await d.token.getAddress();
    await d.vesting.team.connect(team).delegate(token, team.address);
    await d.vesting.investors.connect(investors).delegate(token, investors.address);
    await time.increase(1);
    expect(await d.token.getVotes(team.address)).to.equal(
      await d.token.balanceOf(d.addresses["vesting.team"]),
    );

    const g = d.config.governance;
    const treasury = await d.timelock.getAddress();
    const held = await d.token.balanceOf(treasury);
    const drain = await rawProposal(
      d,
      [
        {
          target: token,
          data: d.token.interface.encodeFunctionData("transfer", [d.liquidity.address, held]),
        },
      ],
      "Treasury: fund market making",
    );
    await d.governor
      .connect(d.liquidity)
      .propose(drain.targets, drain.values, drain.calldatas, drain.description);
    await time.increase(g.votingDelaySeconds + 1);
    await d.governor.connect(d.liquidity).castVote(drain.proposalId, 1);
    await d.governor.connect(team).castVote(drain.proposalId, 0);
    await time.increase(g.votingPeriodSeconds + 1);
    expect(await d.governor.state(drain.proposalId)).to.equal(STATE.Defeated);
    expect(await d.token.balanceOf(treasury)).to.equal(held);
  });

  it("error: only a vesting wallet's beneficiary delegates its votes", async () => {
    const d = await loadFixture(delegated);
    const outsider = d.signers[9];
    await expect(d.vesting.team.connect(outsider).delegate(await d.token.getAddress(), outsider.address))
      .to.be.revertedWithCustomError(d.vesting.team, "OwnableUnauthorizedAccount")
      .withArgs(outsider.address);
  });

  it("finding 18-L: the guardian vetoes a captured governance's batch (revoke guardian, unpause, setSinks, release)", async () => {
    const d = await loadFixture(delegated);
    const guardian = d.signers[1];
    const attacker = d.liquidity;
    const s = d.schedule;
    const target = await s.getAddress();
    await s.connect(guardian).pause();
    const sinksBefore = (await s.sinks()).map((x) => [x.account, x.weightBps]);

    const batch = await rawProposal(
      d,
      [
        {
          target,
          data: s.interface.encodeFunctionData("revokeRole", [await s.GUARDIAN_ROLE(), guardian.address]),
        },
        { target, data: s.interface.encodeFunctionData("unpause") },
        {
          target,
          data: s.interface.encodeFunctionData("setSinks", [
            [{ account: attacker.address, weightBps: 10_000 }],
          ]),
        },
        { target, data: s.interface.encodeFunctionData("releaseEpoch", [0n]) },
      ],
      "Emission: new sinks",
    );
    await passAlone(d, batch);
    const operation = await timelockOperationId(d.governor, batch);
    await d.guardianCanceller!.connect(guardian).cancel(operation);
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    await expect(
      d.governor
        .connect(attacker)
        .execute(batch.targets, batch.values, batch.calldatas, id(batch.description)),
    ).to.be.revertedWithCustomError(d.governor, "GovernorUnexpectedProposalState");
    // the operation is gone from the timelock: nobody can execute it there either
    expect(await d.timelock.isOperation(operation)).to.equal(false);

    expect(await s.paused()).to.equal(true);
    expect(await s.hasRole(await s.GUARDIAN_ROLE(), guardian.address)).to.equal(true);
    expect((await s.sinks()).map((x) => [x.account, x.weightBps])).to.deep.equal(sinksBefore);
    expect(await s.isReleased(0n)).to.equal(false);
  });
});

describe("Release proposals cannot be blocked", () => {
  it("finding 18-L: an attacker front-running the tooling's exact proposal cannot block it", async () => {
    const d = await loadFixture(delegated);
    const g = d.config.governance;
    const attacker = d.signers[9];
    await d.token.connect(d.community).transfer(attacker.address, g.proposalThreshold);
    await d.token.connect(attacker).delegate(attacker.address);
    await time.increase(1);
    const release = await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n });

    // the transaction the tooling sends, as the attacker sees it in the mempool
    const before = await takeSnapshot();
    await propose(d.governor, release, d.liquidity);
    const [sent] = await d.governor.queryFilter(d.governor.filters.ProposalCreated());
    await before.restore();
    // ProposalCreated(proposalId, proposer, targets, values, signatures, calldatas, voteStart, voteEnd, description)
    const targets: string[] = [...sent.args[2]];
    const values: bigint[] = [...sent.args[3]];
    const calldatas: string[] = [...sent.args[5]];
    const description: string = sent.args[8];

    // the attacker submits it first (to cancel it while pending and kill its id)
    await expect(d.governor.connect(attacker).propose(targets, values, calldatas, description))
      .to.be.revertedWithCustomError(d.governor, "GovernorRestrictedProposer")
      .withArgs(attacker.address);
    // its own copy (same calls, its own address in the suffix), cancelled while pending, is another id
    const copy = description.replace(/#proposer=0x[0-9a-fA-F]{40}$/, `#proposer=${attacker.address}`);
    await d.governor.connect(attacker).propose(targets, values, calldatas, copy);
    await d.governor.connect(attacker).cancel(targets, values, calldatas, id(copy));

    const mine = await propose(d.governor, release, d.liquidity);
    expect(await proposalState(d.governor, mine)).to.equal("Pending");
    // what the vote and execute tasks look up: the live proposal, not the cancelled copy
    expect((await findProposal(d.governor, release))?.id).to.equal(mine.id);
  });

  it("finding 18-L: the tooling re-proposes a range after a defeated proposal, and finds it again", async () => {
    const d = await loadFixture(delegated);
    const g = d.config.governance;
    const release = await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n });
    const first = await propose(d.governor, release, d.liquidity);
    await time.increase(g.votingDelaySeconds + g.votingPeriodSeconds + 2); // nobody votes
    const second = await propose(d.governor, release, d.liquidity);
    expect(await proposalState(d.governor, first)).to.equal("Defeated");
    expect(second.id).to.not.equal(first.id);

    await time.increase(g.votingDelaySeconds + 1);
    for (const voter of [d.liquidity, d.community]) {
      const found = await findProposal(d.governor, release);
      expect(found?.id).to.equal(second.id);
      await castVote(d.governor, found!, voter, 1);
    }
    await time.increase(g.votingPeriodSeconds + 1);
    await queue(d.governor, (await findProposal(d.governor, release))!, d.signers[9]);
    await time.increase(g.timelockDelaySeconds + 1);
    await execute(d.governor, (await findProposal(d.governor, release))!, d.signers[9]);
    expect(await d.schedule.isReleased(0n)).to.equal(true);
    expect(await proposalState(d.governor, second)).to.equal("Executed");
  });
});
