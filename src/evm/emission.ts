// What governance runs each epoch: read the schedule, turn releases (or parameter changes) into
// Governor proposals, find them again, vote, queue and execute them. Shared by the Hardhat tasks
// and the tests.
import { getAddress, id, toBeHex, ZeroHash, type ContractRunner, type Signer } from "ethers";
import { z } from "zod";

import {
  ComputeGovernor__factory,
  ComputeTimelock__factory,
  EmissionSchedule__factory,
  type ComputeGovernor,
  type EmissionSchedule,
} from "../../types/ethers-contracts/index.js";

export const EpochRange = z
  .object({ fromEpoch: z.coerce.bigint().nonnegative(), toEpoch: z.coerce.bigint().nonnegative() })
  .refine((r) => r.toEpoch >= r.fromEpoch, "toEpoch must be >= fromEpoch")
  .refine((r) => r.toEpoch - r.fromEpoch < 520n, "at most 520 epochs per proposal");

export interface PlanRow {
  epoch: bigint;
  startsAt: bigint;
  scheduled: bigint;
  releasable: bigint;
  released: boolean;
  /** the epoch has begun, so a release of it can execute */
  due: boolean;
}

export interface Plan {
  now: bigint;
  currentEpoch: bigint;
  totalReleased: bigint;
  totalEmissionCap: bigint;
  /** oldest unreleased epoch that is due, if any */
  nextDue?: bigint;
  rows: PlanRow[];
}

export function emissionSchedule(address: string, runner: ContractRunner): EmissionSchedule {
  return EmissionSchedule__factory.connect(address, runner);
}

export function governorAt(address: string, runner: ContractRunner): ComputeGovernor {
  return ComputeGovernor__factory.connect(address, runner);
}

/** The next `count` epochs from the first unreleased one before now (or the current one), from chain state. */
export async function planEmission(schedule: EmissionSchedule, count: number, now: bigint): Promise<Plan> {
  const [genesis, epochLength, totalReleased, totalEmissionCap] = await Promise.all([
    schedule.genesis(),
    schedule.epochLength(),
    schedule.totalReleased(),
    schedule.totalEmissionCap(),
  ]);
  const currentEpoch = now >= genesis ? (now - genesis) / epochLength : 0n;
  // look back for late epochs (bounded), so catch-ups show up in the plan
  const from = currentEpoch > 519n ? currentEpoch - 519n : 0n;
  const back = Array.from({ length: Number(currentEpoch - from + 1n) }, (_, i) => from + BigInt(i));
  const released = await Promise.all(back.map((e) => schedule.isReleased(e)));
  const firstLate = released.findIndex((r) => !r);
  const first = firstLate < 0 ? currentEpoch : back[firstLate];
  const rows: PlanRow[] = [];
  let remaining = totalEmissionCap - totalReleased;
  for (let epoch = first; rows.length < count; epoch++) {
    const [scheduled, released] = await Promise.all([
      schedule.scheduledAmount(epoch),
      schedule.isReleased(epoch),
    ]);
    const startsAt = genesis + epoch * epochLength;
    const releasable = released ? 0n : scheduled < remaining ? scheduled : remaining;
    if (!released) remaining -= releasable;
    rows.push({ epoch, startsAt, scheduled, releasable, released, due: startsAt <= now });
  }
  const nextDue = rows.find((r) => r.due && !r.released)?.epoch;
  return { now, currentEpoch, totalReleased, totalEmissionCap, nextDue, rows };
}

/** What a proposal does, and a one-line title (the description adds a nonce and the proposer). */
export interface ProposalCall {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  title: string;
}

/**
 * A proposal as submitted: its description is `<title> (nonce <n>)#proposer=<address>`. The
 * suffix is OpenZeppelin's front-running protection (Governor._isValidDescriptionForProposer):
 * only `proposer` may submit this description, so nobody can take its id and cancel it. The nonce
 * lets the same calls be proposed again after a defeated, cancelled or expired proposal.
 */
export interface Proposal extends ProposalCall {
  description: string;
  proposer: string;
  nonce: bigint;
  id: bigint;
}

/** A proposal and its state now, as found on chain. */
export interface FoundProposal extends Proposal {
  state: (typeof PROPOSAL_STATES)[number];
  forVotes: bigint;
  blockNumber: number;
}

/** A proposal that releases `[fromEpoch, toEpoch]` (one epoch: `releaseEpoch`; more: `releaseEpochs`). */
export async function releaseProposal(
  schedule: EmissionSchedule,
  range: { fromEpoch: bigint; toEpoch: bigint },
): Promise<ProposalCall> {
  const { fromEpoch, toEpoch } = EpochRange.parse(range);
  const target = await schedule.getAddress();
  const calldata =
    fromEpoch === toEpoch
      ? schedule.interface.encodeFunctionData("releaseEpoch", [fromEpoch])
      : schedule.interface.encodeFunctionData("releaseEpochs", [fromEpoch, toEpoch]);
  const what = fromEpoch === toEpoch ? `epoch ${fromEpoch}` : `epochs ${fromEpoch}-${toEpoch}`;
  return {
    targets: [target],
    values: [0n],
    calldatas: [calldata],
    title: `Emission: release ${what} of EmissionSchedule ${target}`,
  };
}

/** A proposal that retunes the curve of the epochs that have not begun (bounded on-chain). */
export async function curveProposal(
  schedule: EmissionSchedule,
  curve: { initialEpochEmission: bigint; decayBps: number; epochsPerPeriod: number },
): Promise<ProposalCall> {
  const target = await schedule.getAddress();
  return {
    targets: [target],
    values: [0n],
    calldatas: [schedule.interface.encodeFunctionData("setCurve", [curve])],
    title: `Emission: set curve initial=${curve.initialEpochEmission} decayBps=${curve.decayBps} epochsPerPeriod=${curve.epochsPerPeriod} on ${target}`,
  };
}

/**
 * Why the schedule would refuse `curve` were its admin (the timelock) to set it now, e.g.
 * `EmissionCurveRaised(521, ..., ...)`: a curve change may only lower the schedule, and one that
 * cannot execute should never be put to a vote. Undefined when it would be accepted.
 */
export async function curveRefusal(
  schedule: EmissionSchedule,
  admin: string,
  curve: { initialEpochEmission: bigint; decayBps: number; epochsPerPeriod: number },
): Promise<string | undefined> {
  // through the provider: a signer would refuse a call `from` another address
  const asProvider = schedule.connect(schedule.runner!.provider!);
  try {
    await asProvider.setCurve.staticCall(curve, { from: admin });
    return undefined;
  } catch (err) {
    // the revert data: on an ethers CallException, or on the in-process chain's error
    const data = (err as { data?: unknown }).data;
    const parsed = typeof data === "string" ? schedule.interface.parseError(data) : null;
    if (!parsed) throw err;
    return `${parsed.name}(${parsed.args.join(", ")})`;
  }
}

const DESCRIPTION = /^(.*) \(nonce (\d+)\)#proposer=(0x[0-9a-fA-F]{40})$/s;

export function proposalDescription(title: string, proposer: string, nonce: bigint): string {
  return `${title} (nonce ${nonce})#proposer=${getAddress(proposer)}`;
}

export function descriptionHash(p: { description: string }): string {
  return id(p.description);
}

/** `call` as `proposer` would submit it with `nonce`. */
export async function withNonce(
  governor: ComputeGovernor,
  call: ProposalCall,
  proposer: string,
  nonce: bigint,
): Promise<Proposal> {
  const description = proposalDescription(call.title, proposer, nonce);
  const proposalId = await governor.hashProposal(call.targets, call.values, call.calldatas, id(description));
  return { ...call, description, proposer: getAddress(proposer), nonce, id: proposalId };
}

/** Nonces tried before giving up: each used one is a proposal of the same calls by the same proposer. */
const MAX_NONCE = 1_000n;

/** `call` with the lowest nonce that `proposer` has not used for it yet. */
export async function nextProposal(
  governor: ComputeGovernor,
  call: ProposalCall,
  proposer: string,
): Promise<Proposal> {
  for (let nonce = 0n; nonce < MAX_NONCE; nonce++) {
    const p = await withNonce(governor, call, proposer, nonce);
    if ((await governor.proposalSnapshot(p.id)) === 0n) return p;
  }
  throw new Error(`${proposer} proposed "${call.title}" ${MAX_NONCE} times already`);
}

export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;

export async function proposalState(
  governor: ComputeGovernor,
  p: { id: bigint },
): Promise<(typeof PROPOSAL_STATES)[number]> {
  return PROPOSAL_STATES[Number(await governor.state(p.id))];
}

/** Submits `call` with `proposer`'s next nonce; returns it as submitted. */
export async function propose(
  governor: ComputeGovernor,
  call: ProposalCall,
  proposer: Signer,
): Promise<Proposal> {
  const p = await nextProposal(governor, call, await proposer.getAddress());
  await (await governor.connect(proposer).propose(p.targets, p.values, p.calldatas, p.description)).wait();
  return p;
}

const sameCalls = (a: ProposalCall, targets: string[], values: bigint[], calldatas: string[]) =>
  a.targets.length === targets.length &&
  a.targets.every((t, i) => t.toLowerCase() === targets[i].toLowerCase()) &&
  a.values.every((v, i) => v === values[i]) &&
  a.calldatas.every((c, i) => c.toLowerCase() === calldatas[i].toLowerCase());

/**
 * Every proposal of `call` in the tooling's format (same calls, same title, nonce and proposer
 * suffix), whoever proposed it, oldest first, from the Governor's ProposalCreated events.
 */
export async function findProposals(
  governor: ComputeGovernor,
  call: ProposalCall,
  fromBlock = 0,
): Promise<FoundProposal[]> {
  const events = await governor.queryFilter(governor.filters.ProposalCreated(), fromBlock);
  const found: FoundProposal[] = [];
  for (const e of events) {
    // ProposalCreated(proposalId, proposer, targets, values, signatures, calldatas, voteStart, voteEnd, description);
    // by index: `values` is also the name of an Array method on ethers' Result
    const [proposalId, proposer, targets, values, , calldatas, , , description] = e.args;
    const m = DESCRIPTION.exec(description);
    if (!m || m[1] !== call.title || getAddress(m[3]) !== getAddress(proposer)) continue;
    if (!sameCalls(call, [...targets], [...values], [...calldatas])) continue;
    const [state, votes] = await Promise.all([
      governor.state(proposalId),
      governor.proposalVotes(proposalId),
    ]);
    found.push({
      ...call,
      description,
      proposer: getAddress(proposer),
      nonce: BigInt(m[2]),
      id: proposalId,
      state: PROPOSAL_STATES[Number(state)],
      forVotes: votes.forVotes,
      blockNumber: e.blockNumber,
    });
  }
  return found;
}

const LIVE: readonly string[] = ["Queued", "Succeeded", "Active", "Pending"];

/**
 * The live proposal of `call` the vote and execute scripts act on: the most advanced
 * (Queued, Succeeded, Active, Pending), then the one with the most votes for, then the oldest.
 * Any live copy does the same thing (same calls), so whoever proposed it does not matter.
 */
export async function findProposal(
  governor: ComputeGovernor,
  call: ProposalCall,
  fromBlock = 0,
): Promise<FoundProposal | undefined> {
  const live = (await findProposals(governor, call, fromBlock)).filter((p) => LIVE.includes(p.state));
  live.sort(
    (a, b) =>
      LIVE.indexOf(a.state) - LIVE.indexOf(b.state) ||
      (a.forVotes === b.forVotes ? a.blockNumber - b.blockNumber : a.forVotes > b.forVotes ? -1 : 1),
  );
  return live[0];
}

/** 0 = against, 1 = for, 2 = abstain */
export async function castVote(
  governor: ComputeGovernor,
  p: { id: bigint },
  voter: Signer,
  support: 0 | 1 | 2 = 1,
) {
  await (await governor.connect(voter).castVote(p.id, support)).wait();
}

export async function queue(governor: ComputeGovernor, p: Proposal, signer: Signer) {
  await (await governor.connect(signer).queue(p.targets, p.values, p.calldatas, descriptionHash(p))).wait();
}

export async function execute(governor: ComputeGovernor, p: Proposal, signer: Signer) {
  const tx = await governor.connect(signer).execute(p.targets, p.values, p.calldatas, descriptionHash(p));
  return tx.wait();
}

/**
 * The timelock operation a queued proposal became (GovernorTimelockControl: a batch with no
 * predecessor, salted with the governor's address XOR the description hash): what the guardian
 * passes to GuardianCanceller.cancel.
 */
export async function timelockOperationId(
  governor: ComputeGovernor,
  p: { targets: string[]; values: bigint[]; calldatas: string[]; description: string },
): Promise<string> {
  const timelock = ComputeTimelock__factory.connect(await governor.timelock(), governor.runner);
  const salt = toBeHex((BigInt(await governor.getAddress()) << 96n) ^ BigInt(id(p.description)), 32);
  return timelock.hashOperationBatch(p.targets, p.values, p.calldatas, ZeroHash, salt);
}

export function formatPlan(plan: Plan, decimals = 18): string {
  const unit = 10n ** BigInt(decimals);
  const fmt = (v: bigint) => `${v / unit}.${(v % unit).toString().padStart(decimals, "0").slice(0, 2)}`;
  const head = `now ${new Date(Number(plan.now) * 1000).toISOString()}  current epoch ${plan.currentEpoch}  released ${fmt(plan.totalReleased)} / ${fmt(plan.totalEmissionCap)}`;
  const lines = plan.rows.map(
    (r) =>
      `${String(r.epoch).padStart(6)}  ${new Date(Number(r.startsAt) * 1000).toISOString().slice(0, 16)}  ${fmt(r.scheduled).padStart(16)}  ${fmt(r.releasable).padStart(16)}  ${r.released ? "released" : r.due ? "DUE" : "future"}`,
  );
  return [head, " epoch  starts            scheduled        releasable       status", ...lines].join("\n");
}
