// The emission scripts governance runs each epoch (Hardhat tasks, see hardhat.config.ts):
//   emission:plan     the next epochs' releases from chain state, as a table
//   emission:propose  a release (or a curve change) as a Governor proposal
//   governance:vote   vote on it with the configured account
//   emission:execute  queue it once passed, execute it once the timelock delay is over
// All take --network and --dry-run; inputs are validated with zod.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { z } from "zod";

import {
  castVote,
  curveProposal,
  emissionSchedule,
  EpochRange,
  execute,
  formatPlan,
  governorAt,
  planEmission,
  proposalId,
  proposalState,
  propose,
  queue,
  releaseProposal,
  type Proposal,
} from "../../src/evm/emission.js";
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
  return { ethers, networkName, signer, schedule, governor, now };
}

const Account = z.coerce.number().int().min(0);
const CurveArgs = z.object({
  initial: z.coerce.bigint().positive(),
  decayBps: z.coerce.number().int().min(0).max(9_999),
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

/** The proposal named by --from/--to (release; default: the oldest due epochs) or --curve. */
async function buildProposal(
  args: ProposalArgs,
  ctx: Awaited<ReturnType<typeof context>>,
): Promise<Proposal> {
  if (args.curve) {
    const [initial, decayBps, epochsPerPeriod] = args.curve.split(",");
    const c = CurveArgs.parse({ initial, decayBps, epochsPerPeriod });
    return curveProposal(ctx.schedule, {
      initialEpochEmission: c.initial,
      decayBps: c.decayBps,
      epochsPerPeriod: c.epochsPerPeriod,
    });
  }
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

export async function proposeTask(args: ProposalArgs, hre: HardhatRuntimeEnvironment) {
  const ctx = await context(hre, Account.parse(args.account));
  const p = await buildProposal(args, ctx);
  const id = await proposalId(ctx.governor, p);
  console.log(`proposal ${id}\n  ${p.description}`);
  if (args.dryRun) return console.log("dry run: not proposed");
  await propose(ctx.governor, p, ctx.signer);
  console.log(`proposed by ${ctx.signer.address}; state ${await proposalState(ctx.governor, p)}`);
}

export async function voteTask(args: ProposalArgs & { support: string }, hre: HardhatRuntimeEnvironment) {
  const support = z.enum(["against", "for", "abstain"]).parse(args.support);
  const ctx = await context(hre, Account.parse(args.account));
  const p = await buildProposal(args, ctx);
  console.log(
    `vote ${support} on ${await proposalId(ctx.governor, p)} (${await proposalState(ctx.governor, p)})`,
  );
  if (args.dryRun) return console.log("dry run: not voted");
  await castVote(ctx.governor, p, ctx.signer, support === "against" ? 0 : support === "for" ? 1 : 2);
  console.log(`voted by ${ctx.signer.address}`);
}

export async function executeTask(args: ProposalArgs, hre: HardhatRuntimeEnvironment) {
  const ctx = await context(hre, Account.parse(args.account));
  const p = await buildProposal(args, ctx);
  const state = await proposalState(ctx.governor, p);
  console.log(`proposal ${await proposalId(ctx.governor, p)}: ${state}`);
  if (state === "Succeeded") {
    if (args.dryRun) return console.log("dry run: would queue");
    await queue(ctx.governor, p, ctx.signer);
    const eta = await ctx.governor.proposalEta(await proposalId(ctx.governor, p));
    console.log(`queued; executable after ${new Date(Number(eta) * 1000).toISOString()}`);
  } else if (state === "Queued") {
    if (args.dryRun) return console.log("dry run: would execute");
    const receipt = await execute(ctx.governor, p, ctx.signer);
    console.log(`executed in ${receipt?.hash}`);
  } else {
    throw new Error(`proposal is ${state}: nothing to queue or execute`);
  }
}
