// Governance's commands on Ethereum (emission plan, propose, vote, queue/execute, the guardian's
// veto, vote delegation) and the pauser's on Arbitrum, as functions that return what they did (or
// would do, on a dry run). The Hardhat tasks (scripts/tasks/emission.ts, dev.ts) and the operator
// CLI (src/cli/governance.ts) print the same results.
import { Contract, getAddress } from "ethers";
import { z } from "zod";

import { ComputeToken__factory, GuardianCanceller__factory } from "../../types/ethers-contracts/index.js";
import { report } from "../errors.js";

import { ethereumContext, type ArbitrumContext, type EvmConnection } from "./context.js";
import {
  castVote,
  curveProposal,
  curveRefusal,
  emissionSchedule,
  EpochRange,
  execute,
  findProposal,
  findProposals,
  governorAt,
  nextProposal,
  planEmission,
  proposalState,
  PROPOSAL_STATES,
  queue,
  releaseProposal,
  timelockOperationId,
  type FoundProposal,
  type Plan,
  type ProposalCall,
} from "./emission.js";
import { roleId } from "./roles.js";
import { MIN_DECAY_BPS } from "./tokenomics.js";

export async function governanceContext(conn: EvmConnection, account: string | number) {
  const ctx = await ethereumContext(conn, account);
  const schedule = emissionSchedule(ctx.record.addresses.emissionSchedule, ctx.signer);
  const governor = governorAt(ctx.record.addresses.governor, ctx.signer);
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
  return { ...ctx, schedule, governor, now, fromBlock: ctx.record.fromBlock };
}
export type GovernanceContext = Awaited<ReturnType<typeof governanceContext>>;

const CurveArgs = z.object({
  initial: z.coerce.bigint().positive(),
  decayBps: z.coerce.number().int().min(MIN_DECAY_BPS).max(9_999),
  epochsPerPeriod: z.coerce.number().int().positive(),
});

/** `initialWei,decayBps,epochsPerPeriod` */
export function parseCurve(curve: string) {
  const [initial, decayBps, epochsPerPeriod] = curve.split(",");
  const c = CurveArgs.safeParse({ initial, decayBps, epochsPerPeriod });
  if (!c.success)
    throw new Error(
      `--curve '${curve}': expected initialWei,decayBps,epochsPerPeriod (${String(c.error.issues[0].path[0])}: ${c.error.issues[0].message})`,
    );
  return {
    initialEpochEmission: c.data.initial,
    decayBps: c.data.decayBps,
    epochsPerPeriod: c.data.epochsPerPeriod,
  };
}

/** What a proposal command names: a release of epochs --from..--to (default: the oldest due ones) or --curve. */
export interface ProposalArgs {
  from?: string;
  to?: string;
  curve?: string;
}

export async function buildProposal(ctx: GovernanceContext, args: ProposalArgs): Promise<ProposalCall> {
  if (args.curve) return curveProposal(ctx.schedule, parseCurve(args.curve));
  let from = args.from ?? "";
  let to = args.to ?? "";
  if (from === "" || to === "") {
    const plan = await planEmission(ctx.schedule, 1, ctx.now);
    if (plan.nextDue === undefined) throw new Error("no epoch is due for release; pass --from/--to");
    from ||= String(plan.nextDue);
    to ||= String(plan.currentEpoch);
  }
  const range = EpochRange.safeParse({ fromEpoch: from, toEpoch: to });
  if (!range.success) throw new Error(`--from ${from} --to ${to}: ${range.error.issues[0].message}`);
  return releaseProposal(ctx.schedule, range.data);
}

export async function emissionPlan(ctx: GovernanceContext, epochs: string | number): Promise<Plan> {
  const n = z.coerce.number().int().min(1).max(520).safeParse(epochs);
  if (!n.success) throw new Error(`--epochs '${epochs}': an integer from 1 to 520`);
  return planEmission(ctx.schedule, n.data, ctx.now);
}

export const summary = (p: FoundProposal) =>
  `proposal ${p.id} (nonce ${p.nonce} by ${p.proposer}, ${p.state})`;

/** The live proposal of `call`, or a one-line error saying what there is. */
export async function liveProposal(ctx: GovernanceContext, call: ProposalCall) {
  const p = await findProposal(ctx.governor, call, ctx.fromBlock);
  if (p) return p;
  const all = await findProposals(ctx.governor, call, ctx.fromBlock);
  const seen = all.length === 0 ? "none was ever proposed" : `there are only: ${all.map(summary).join("; ")}`;
  const next = all.some((x) => x.state === "Executed") ? "" : " (propose it first)";
  throw new Error(`no live proposal "${call.title}": ${seen}${next}`);
}

export interface ProposeResult {
  id: bigint;
  title: string;
  description: string;
  proposer: string;
  /** a live proposal of the same calls that already existed */
  alreadyLive?: string;
  sent: boolean;
  state?: string;
  tx?: string;
}

export async function proposeEmission(
  ctx: GovernanceContext,
  args: ProposalArgs,
  opts: { dryRun: boolean },
): Promise<ProposeResult> {
  if (args.curve) {
    // a curve change may only lower the schedule: refuse to put one to a vote that cannot execute
    const refusal = await curveRefusal(ctx.schedule, ctx.record.addresses.timelock, parseCurve(args.curve));
    if (refusal) throw new Error(`--curve '${args.curve}': the schedule would refuse it: ${refusal}`);
  }
  const call = await buildProposal(ctx, args);
  const live = await findProposal(ctx.governor, call, ctx.fromBlock);
  const p = await nextProposal(ctx.governor, call, ctx.signer.address);
  const result: ProposeResult = {
    id: p.id,
    title: call.title,
    description: p.description,
    proposer: ctx.signer.address,
    alreadyLive: live ? summary(live) : undefined,
    sent: false,
  };
  if (opts.dryRun) return result;
  const receipt = await report(
    "propose",
    ctx.governor.propose(p.targets, p.values, p.calldatas, p.description).then((tx) => tx.wait()),
  );
  return { ...result, sent: true, state: await proposalState(ctx.governor, p), tx: receipt!.hash };
}

export function describePropose(r: ProposeResult): string[] {
  return [
    ...(r.alreadyLive ? [`note: ${r.alreadyLive} is live already; proposing another`] : []),
    `proposal ${r.id}`,
    `  ${r.description}`,
    r.sent ? `proposed by ${r.proposer}; state ${r.state}` : "dry run: not proposed",
  ];
}

export const Support = z.enum(["against", "for", "abstain"]);

export interface VoteResult {
  proposal: string;
  id: bigint;
  support: z.infer<typeof Support>;
  voter: string;
  sent: boolean;
}

export async function voteOnEmission(
  ctx: GovernanceContext,
  args: ProposalArgs & { support: string },
  opts: { dryRun: boolean },
): Promise<VoteResult> {
  const s = Support.safeParse(args.support);
  if (!s.success) throw new Error(`--support '${args.support}': one of for, against, abstain`);
  const p = await liveProposal(ctx, await buildProposal(ctx, args));
  const result: VoteResult = {
    proposal: summary(p),
    id: p.id,
    support: s.data,
    voter: ctx.signer.address,
    sent: false,
  };
  if (opts.dryRun) return result;
  await report(
    "vote",
    castVote(ctx.governor, p, ctx.signer, s.data === "against" ? 0 : s.data === "for" ? 1 : 2),
  );
  return { ...result, sent: true };
}

export function describeVote(r: VoteResult): string[] {
  return [`vote ${r.support} on ${r.proposal}`, r.sent ? `voted by ${r.voter}` : "dry run: not voted"];
}

export interface ExecuteResult {
  proposal: string;
  id: bigint;
  action: "queue" | "execute";
  sent: boolean;
  eta?: string;
  tx?: string;
}

/** Queues a passed proposal, or executes a queued one whose timelock delay is over. */
export async function executeEmission(
  ctx: GovernanceContext,
  args: ProposalArgs,
  opts: { dryRun: boolean },
): Promise<ExecuteResult> {
  const p = await liveProposal(ctx, await buildProposal(ctx, args));
  if (p.state !== "Succeeded" && p.state !== "Queued")
    throw new Error(`${summary(p)}: nothing to queue or execute yet`);
  const action = p.state === "Succeeded" ? "queue" : "execute";
  const result: ExecuteResult = { proposal: summary(p), id: p.id, action, sent: false };
  if (opts.dryRun) return result;
  if (action === "queue") {
    await report("queue", queue(ctx.governor, p, ctx.signer));
    const eta = await ctx.governor.proposalEta(p.id);
    return { ...result, sent: true, eta: new Date(Number(eta) * 1000).toISOString() };
  }
  const receipt = await report("execute", execute(ctx.governor, p, ctx.signer));
  return { ...result, sent: true, tx: receipt?.hash };
}

export function describeExecute(r: ExecuteResult): string[] {
  if (!r.sent) return [r.proposal, `dry run: would ${r.action}`];
  return [r.proposal, r.action === "queue" ? `queued; executable after ${r.eta}` : `executed in ${r.tx}`];
}

export interface VetoResult {
  id: bigint;
  description: string;
  operation: string;
  guardian: string;
  sent: boolean;
  state?: string;
}

/**
 * The guardian vetoes a queued proposal (any calls, not only emission) during the bootstrap
 * period: GuardianCanceller.cancel on the timelock operation the proposal queued.
 */
export async function vetoProposal(
  ctx: GovernanceContext,
  args: { id: string },
  opts: { dryRun: boolean },
): Promise<VetoResult> {
  const parsed = z.coerce.bigint().positive().safeParse(args.id);
  if (!parsed.success) throw new Error(`--id '${args.id}': not a proposal id`);
  const id = parsed.data;
  const cancellerAddress = ctx.record.addresses.guardianCanceller;
  if (!cancellerAddress)
    throw new Error(`deployments/ethereum-${ctx.networkName}.json has no guardianCanceller`);
  const canceller = GuardianCanceller__factory.connect(cancellerAddress, ctx.signer);
  const created = (
    await ctx.governor.queryFilter(ctx.governor.filters.ProposalCreated(), ctx.fromBlock)
  ).find((e) => e.args[0] === id);
  if (!created) throw new Error(`--id ${id}: no such proposal on ${ctx.networkName}`);
  const [, , targets, values, , calldatas, , , description] = created.args;
  const state = PROPOSAL_STATES[Number(await ctx.governor.state(id))];
  if (state !== "Queued")
    throw new Error(`--id ${id}: proposal is ${state}; only a queued proposal can be vetoed`);
  const operation = await timelockOperationId(ctx.governor, {
    targets: [...targets],
    values: [...values],
    calldatas: [...calldatas],
    description,
  });
  const result: VetoResult = { id, description, operation, guardian: ctx.signer.address, sent: false };
  if (opts.dryRun) return result;
  await report(
    "veto",
    canceller.cancel(operation).then((tx) => tx.wait()),
  );
  return { ...result, sent: true, state: PROPOSAL_STATES[Number(await ctx.governor.state(id))] };
}

export function describeVeto(r: VetoResult): string[] {
  return [
    `proposal ${r.id} "${r.description}": timelock operation ${r.operation}`,
    r.sent ? `vetoed by ${r.guardian}; proposal ${r.id} is ${r.state}` : "dry run: not vetoed",
  ];
}

export interface DelegateVotesResult {
  holder: string;
  delegatee: string;
  balance: bigint;
  sent: boolean;
  votes?: bigint;
}

/** A token holder delegates its votes (to itself by default). */
export async function delegateVotes(
  conn: EvmConnection,
  args: { account: string; to: string },
  opts: { dryRun: boolean },
): Promise<DelegateVotesResult> {
  const ctx = await ethereumContext(conn, args.account);
  let delegatee = ctx.signer.address;
  if (args.to !== "") {
    if (!/^0x[0-9a-fA-F]{40}$/.test(args.to)) throw new Error(`--to '${args.to}': not a 0x address`);
    delegatee = getAddress(args.to.toLowerCase());
  }
  const token = ComputeToken__factory.connect(ctx.record.addresses.token, ctx.signer);
  const result: DelegateVotesResult = {
    holder: ctx.signer.address,
    delegatee,
    balance: await token.balanceOf(ctx.signer.address),
    sent: false,
  };
  if (opts.dryRun) return result;
  await report(
    "delegate",
    token.delegate(delegatee).then((tx) => tx.wait()),
  );
  return { ...result, sent: true, votes: await token.getVotes(delegatee) };
}

export function describeDelegateVotes(r: DelegateVotesResult): string[] {
  return [
    `${r.holder} delegates ${r.balance} votes to ${r.delegatee}`,
    r.sent ? `votes of ${r.delegatee}: ${r.votes}` : "dry run: not sent",
  ];
}

/** The Arbitrum contracts the pauser (PAUSER_ROLE) can pause; unpausing takes the admin role. */
export const PAUSABLE = {
  rentalEscrow: "RentalEscrow",
  sale: "CheckerNodeSale",
  rewards: "CheckerRewards",
} as const;
export type Pausable = keyof typeof PAUSABLE;

export interface PauseResult {
  contract: string;
  address: string;
  paused: boolean;
  signer: string;
  sent: boolean;
  /** already in the asked state: nothing to send */
  unchanged: boolean;
  tx?: string;
}

const PAUSE_ABI = [
  "function pause()",
  "function unpause()",
  "function paused() view returns (bool)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
];

/** Pauses (PAUSER_ROLE) or unpauses (DEFAULT_ADMIN_ROLE) one of the Arbitrum contracts. */
export async function setArbitrumPaused(
  ctx: ArbitrumContext,
  contract: string,
  paused: boolean,
  opts: { dryRun: boolean },
): Promise<PauseResult> {
  const key = (Object.keys(PAUSABLE) as Pausable[]).find(
    (k) => k.toLowerCase() === contract.toLowerCase() || PAUSABLE[k].toLowerCase() === contract.toLowerCase(),
  );
  if (!key)
    throw new Error(`--contract '${contract}': not pausable; one of ${Object.values(PAUSABLE).join(", ")}`);
  const address = ctx.record.addresses[key];
  const c = new Contract(address, PAUSE_ABI, ctx.signer);
  const role = paused ? "PAUSER_ROLE" : "DEFAULT_ADMIN_ROLE";
  const now = (await c.paused()) as boolean;
  const result: PauseResult = {
    contract: PAUSABLE[key],
    address,
    paused,
    signer: ctx.signer.address,
    sent: false,
    unchanged: now === paused,
  };
  if (result.unchanged) return result;
  if (!((await c.hasRole(roleId(role), ctx.signer.address)) as boolean))
    throw new Error(`--account: ${ctx.signer.address} does not hold ${role} on ${PAUSABLE[key]} ${address}`);
  if (opts.dryRun) return result;
  const receipt = await report(
    paused ? "pause" : "unpause",
    (c[paused ? "pause" : "unpause"]() as Promise<{ wait(): Promise<{ hash: string } | null> }>).then((tx) =>
      tx.wait(),
    ),
  );
  return { ...result, sent: true, tx: receipt!.hash };
}
