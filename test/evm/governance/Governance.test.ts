// End to end on the in-process chain: the Ethereum side deployed from the tokenomics config,
// an emission release passed by token vote, delayed by the timelock, and paid to the sinks.
import { expect } from "chai";
import { network } from "hardhat";

import {
  castVote,
  curveProposal,
  execute,
  planEmission,
  proposalState,
  propose,
  queue,
  releaseProposal,
} from "../../../src/evm/emission.js";
import { DAY } from "../../../src/evm/tokenomics.js";
import { deployFromConfig } from "../fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

async function delegated() {
  const d = await deployFromConfig(ethers);
  const [liquidity, community] = [d.signers[4], d.signers[5]];
  await d.token.connect(liquidity).delegate(liquidity.address);
  await d.token.connect(community).delegate(community.address);
  await time.increase(1);
  return { ...d, liquidity, community };
}

async function passAndQueue(
  d: Awaited<ReturnType<typeof delegated>>,
  proposal: Awaited<ReturnType<typeof releaseProposal>>,
) {
  const g = d.config.governance;
  await propose(d.governor, proposal, d.liquidity);
  expect(await proposalState(d.governor, proposal)).to.equal("Pending");
  await time.increase(g.votingDelaySeconds + 1);
  await castVote(d.governor, proposal, d.liquidity, 1);
  await castVote(d.governor, proposal, d.community, 1);
  await time.increase(g.votingPeriodSeconds + 1);
  expect(await proposalState(d.governor, proposal)).to.equal("Succeeded");
  await queue(d.governor, proposal, d.liquidity);
  expect(await proposalState(d.governor, proposal)).to.equal("Queued");
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
  });

  it("releases an epoch through propose, vote, queue and execute; tokens arrive at the sinks", async () => {
    const d = await loadFixture(delegated);
    const plan = await planEmission(d.schedule, 3, BigInt(await time.latest()));
    expect(plan.nextDue).to.equal(0n);
    const amount = plan.rows[0].releasable;
    expect(amount).to.equal(d.config.emission.initialEpochEmission);

    const proposal = await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n });
    await passAndQueue(d, proposal);

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
    const proposal = await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 3n });
    await passAndQueue(d, proposal);
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    await execute(d.governor, proposal, d.liquidity);
    expect(await d.schedule.totalReleased()).to.equal(due.reduce((s, r) => s + r.releasable, 0n));
  });

  it("retunes the curve by proposal, within the hard per-epoch cap", async () => {
    const d = await loadFixture(delegated);
    const curve = {
      initialEpochEmission: d.config.emission.maxEpochEmission,
      decayBps: 1_000,
      epochsPerPeriod: 26,
    };
    const proposal = await curveProposal(d.schedule, curve);
    await passAndQueue(d, proposal);
    await time.increase(d.config.governance.timelockDelaySeconds + 1);
    await execute(d.governor, proposal, d.liquidity);
    expect((await d.schedule.curve()).initialEpochEmission).to.equal(curve.initialEpochEmission);
  });

  it("error: a proposal without quorum is defeated and cannot be queued", async () => {
    const d = await loadFixture(delegated);
    const small = d.signers[9];
    await d.token.connect(d.liquidity).transfer(small.address, d.config.governance.proposalThreshold);
    await d.token.connect(small).delegate(small.address);
    await time.increase(1);
    const proposal = await releaseProposal(d.schedule, { fromEpoch: 0n, toEpoch: 0n });
    await propose(d.governor, proposal, small);
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
