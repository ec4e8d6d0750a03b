// The emission scripts governance runs each epoch (Hardhat tasks, see hardhat.config.ts):
//   emission:plan     the next epochs' releases from chain state, as a table
//   emission:propose  a release (or a curve change) as a Governor proposal, with the proposer's
//                     next nonce and OpenZeppelin's `#proposer=` suffix (nobody else can submit it)
//   governance:vote   find that proposal again (ProposalCreated events) and vote on it
//   emission:execute  queue it once passed, execute it once the timelock delay is over
// All take --network and --dry-run; inputs are validated with zod.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { z } from "zod";

import {
  castVote,
  curveProposal,
  curveRefusal,
  emissionSchedule,
  EpochRange,
  execute,
  findProposal,
  findProposals,
  formatPlan,
  governorAt,
  nextProposal,
  planEmission,
  proposalState,
  PROPOSAL_STATES,
  queue,
  releaseProposal,
  timelockOperationId,
  type FoundProposal,
  type ProposalCall,
} from "../../src/evm/emission.js";
import { MIN_DECAY_BPS } from "../../src/evm/tokenomics.js";
import { report } from "../../src/errors.js";
import { ethereumRecord } from "../../src/evm/records.js";

async function context(hre: HardhatRuntimeEnvironment, account: number) {
  const { ethers, networkName } = await hre.network.getOrCreate();
  const record = ethereumRecord(networkName);
  const signers = await ethers.getSigners();
  const signer = signers[account];
  if (!signer) throw new Error(`--account ${account}: the network has ${signers.length} accounts`);
  const schedule = emissionSchedule(record.addresses.emissionSchedule, signer);
  const governor = governorAt(record.addresses.governor, signer);
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  return { ethers, networkName, signer, schedule, governor, now, fromBlock: record.fromBlock };
}

const Account = z.coerce.number().int().min(0);
const CurveArgs = z.object({
  initial: z.coerce.bigint().positive(),
  decayBps: z.coerce.number().int().min(MIN_DECAY_BPS).max(9_999),
  epochsPerPeriod: z.coerce.number().int().positive(),
});

interface CommonArgs {
  account: string;
  dryRun: boolean;
}
interface ProposalArgs extends CommonArgs {
  from: string;
  to: string;
  curve: string;
}

const parseCurve = (curve: string) => {
  const [initial, decayBps, epochsPerPeriod] = curve.split(",");
  const c = CurveArgs.parse({ initial, decayBps, epochsPerPeriod });
  return { initialEpochEmission: c.initial, decayBps: c.decayBps, epochsPerPeriod: c.epochsPerPeriod };
};

/** The proposal named by --from/--to (release; default: the oldest due epochs) or --curve. */
async function buildProposal(
  args: ProposalArgs,
  ctx: Awaited<ReturnType<typeof context>>,
): Promise<ProposalCall> {
  if (args.curve) return curveProposal(ctx.schedule, parseCurve(args.curve));
  let { from, to } = args;
  if (from === "" || to === "") {
    const plan = await planEmission(ctx.schedule, 1, ctx.now);
    if (plan.nextDue === undefined) throw new Error("no epoch is due for release; pass --from/--to");
    from ||= String(plan.nextDue);
    to ||= String(plan.currentEpoch);
  }
  return releaseProposal(ctx.schedule, EpochRange.parse({ fromEpoch: from, toEpoch: to }));
}

export async function planTask(args: { epochs: string }, hre: HardhatRuntimeEnvironment) {
  const epochs = z.coerce.number().int().min(1).max(520).parse(args.epochs);
  const ctx = await context(hre, 0);
  console.log(formatPlan(await planEmission(ctx.schedule, epochs, ctx.now)));
}

const summary = (p: FoundProposal) => `proposal ${p.id} (nonce ${p.nonce} by ${p.proposer}, ${p.state})`;

/** The live proposal of the calls named by the arguments, or a one-line error saying what there is. */
async function liveProposal(call: ProposalCall, ctx: Awaited<ReturnType<typeof context>>) {
  const p = await findProposal(ctx.governor, call, ctx.fromBlock);
  if (p) return p;
  const all = await findProposals(ctx.governor, call, ctx.fromBlock);
  const seen = all.length === 0 ? "none was ever proposed" : `there are only: ${all.map(summary).join("; ")}`;
  const next = all.some((p) => p.state === "Executed") ? "" : " (propose it with emission:propose)";
  throw new Error(`no live proposal "${call.title}": ${seen}${next}`);
}

export async function proposeTask(args: ProposalArgs, hre: HardhatRuntimeEnvironment) {
  const ctx = await context(hre, Account.parse(args.account));
  if (args.curve) {
    // a curve change may only lower the schedule: refuse to put one to a vote that cannot execute
    const timelock = ethereumRecord(ctx.networkName).addresses.timelock;
    const refusal = await curveRefusal(ctx.schedule, timelock, parseCurve(args.curve));
    if (refusal) throw new Error(`the schedule would refuse this curve: ${refusal}`);
  }
  const call = await buildProposal(args, ctx);
  const live = await findProposal(ctx.governor, call, ctx.fromBlock);
  if (live) console.log(`note: ${summary(live)} is live already; proposing another`);
  const p = await nextProposal(ctx.governor, call, ctx.signer.address);
  console.log(`proposal ${p.id}\n  ${p.description}`);
  if (args.dryRun) return console.log("dry run: not proposed");
  await (await ctx.governor.propose(p.targets, p.values, p.calldatas, p.description)).wait();
  console.log(`proposed by ${ctx.signer.address}; state ${await proposalState(ctx.governor, p)}`);
}

export async function voteTask(args: ProposalArgs & { support: string }, hre: HardhatRuntimeEnvironment) {
  const support = z.enum(["against", "for", "abstain"]).parse(args.support);
  const ctx = await context(hre, Account.parse(args.account));
  const p = await liveProposal(await buildProposal(args, ctx), ctx);
  console.log(`vote ${support} on ${summary(p)}`);
  if (args.dryRun) return console.log("dry run: not voted");
  await castVote(ctx.governor, p, ctx.signer, support === "against" ? 0 : support === "for" ? 1 : 2);
  console.log(`voted by ${ctx.signer.address}`);
}

export async function executeTask(args: ProposalArgs, hre: HardhatRuntimeEnvironment) {
  const ctx = await context(hre, Account.parse(args.account));
  const p = await liveProposal(await buildProposal(args, ctx), ctx);
  console.log(summary(p));
  if (p.state === "Succeeded") {
    if (args.dryRun) return console.log("dry run: would queue");
    await queue(ctx.governor, p, ctx.signer);
    const eta = await ctx.governor.proposalEta(p.id);
    console.log(`queued; executable after ${new Date(Number(eta) * 1000).toISOString()}`);
  } else if (p.state === "Queued") {
    if (args.dryRun) return console.log("dry run: would execute");
    const receipt = await execute(ctx.governor, p, ctx.signer);
    console.log(`executed in ${receipt?.hash}`);
  } else {
    throw new Error(`${summary(p)}: nothing to queue or execute yet`);
  }
}

const VetoArgs = z.object({ id: z.coerce.bigint().positive("--id: the proposal id") });

/**
 * The guardian vetoes a queued proposal (any calls, not only emission) during the bootstrap
 * period: GuardianCanceller.cancel on the timelock operation the proposal queued.
 */
export async function vetoTask(args: CommonArgs & { id: string }, hre: HardhatRuntimeEnvironment) {
  const { id } = VetoArgs.parse(args);
  const ctx = await context(hre, Account.parse(args.account));
  const record = ethereumRecord(ctx.networkName);
  const cancellerAddress = record.addresses.guardianCanceller;
  if (!cancellerAddress)
    throw new Error(`deployments/ethereum-${ctx.networkName}.json has no guardianCanceller`);
  const { GuardianCanceller__factory } = await import("../../types/ethers-contracts/index.js");
  const canceller = GuardianCanceller__factory.connect(cancellerAddress, ctx.signer);
  const created = (
    await ctx.governor.queryFilter(ctx.governor.filters.ProposalCreated(), ctx.fromBlock)
  ).find((e) => e.args[0] === id);
  if (!created) throw new Error(`no proposal ${id} on ${ctx.networkName}`);
  const [, , targets, values, , calldatas, , , description] = created.args;
  const state = PROPOSAL_STATES[Number(await ctx.governor.state(id))];
  if (state !== "Queued") throw new Error(`proposal ${id} is ${state}: only a queued proposal can be vetoed`);
  const operation = await timelockOperationId(ctx.governor, {
    targets: [...targets],
    values: [...values],
    calldatas: [...calldatas],
    description,
  });
  console.log(`proposal ${id} "${description}": timelock operation ${operation}`);
  if (args.dryRun) return console.log("dry run: not vetoed");
  await report(
    "veto",
    canceller.cancel(operation).then((tx) => tx.wait()),
  );
  console.log(
    `vetoed by ${ctx.signer.address}; proposal ${id} is ${PROPOSAL_STATES[Number(await ctx.governor.state(id))]}`,
  );
}
