// The emission scripts governance runs each epoch (Hardhat tasks, see hardhat.config.ts):
//   emission:plan     the next epochs' releases from chain state, as a table
//   emission:propose  a release (or a curve change) as a Governor proposal, with the proposer's
//                     next nonce and OpenZeppelin's `#proposer=` suffix (nobody else can submit it)
//   governance:vote   find that proposal again (ProposalCreated events) and vote on it
//   emission:execute  queue it once passed, execute it once the timelock delay is over
//   governance:veto   the guardian cancels a queued proposal (bootstrap period)
// All take --network and --dry-run. Thin wrappers printing what src/evm/governance.ts returns
// (the operator CLI, `npm run cm -- governance ...`, calls the same functions).
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { formatPlan } from "../../src/evm/emission.js";
import {
  describeExecute,
  describePropose,
  describeVeto,
  describeVote,
  emissionPlan,
  executeEmission,
  governanceContext,
  proposeEmission,
  vetoProposal,
  voteOnEmission,
} from "../../src/evm/governance.js";

interface CommonArgs {
  account: string;
  dryRun: boolean;
}
interface ProposalArgs extends CommonArgs {
  from: string;
  to: string;
  curve: string;
}

const print = (lines: string[]) => lines.forEach((l) => console.log(l));
const context = async (hre: HardhatRuntimeEnvironment, account: string) =>
  governanceContext(await hre.network.getOrCreate(), account);

export async function planTask(args: { epochs: string }, hre: HardhatRuntimeEnvironment) {
  console.log(formatPlan(await emissionPlan(await context(hre, "0"), args.epochs)));
}

export async function proposeTask(args: ProposalArgs, hre: HardhatRuntimeEnvironment) {
  print(describePropose(await proposeEmission(await context(hre, args.account), args, args)));
}

export async function voteTask(args: ProposalArgs & { support: string }, hre: HardhatRuntimeEnvironment) {
  print(describeVote(await voteOnEmission(await context(hre, args.account), args, args)));
}

export async function executeTask(args: ProposalArgs, hre: HardhatRuntimeEnvironment) {
  print(describeExecute(await executeEmission(await context(hre, args.account), args, args)));
}

/**
 * The guardian vetoes a queued proposal (any calls, not only emission) during the bootstrap
 * period: GuardianCanceller.cancel on the timelock operation the proposal queued.
 */
export async function vetoTask(args: CommonArgs & { id: string }, hre: HardhatRuntimeEnvironment) {
  print(describeVeto(await vetoProposal(await context(hre, args.account), args, args)));
}
