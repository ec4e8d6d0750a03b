// What governance runs each epoch: read the schedule, turn releases (or parameter changes) into
// Governor proposals, vote, queue and execute them. Shared by the Hardhat tasks and the tests.
import { id, type ContractRunner, type Signer } from "ethers";
import { z } from "zod";

import {
  ComputeGovernor__factory,
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

export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
}

/** A proposal that releases `[fromEpoch, toEpoch]` (one epoch: `releaseEpoch`; more: `releaseEpochs`). */
export async function releaseProposal(
  schedule: EmissionSchedule,
  range: { fromEpoch: bigint; toEpoch: bigint },
): Promise<Proposal> {
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
    description: `Emission: release ${what} of EmissionSchedule ${target}`,
  };
}

/** A proposal that retunes the curve (bounded on-chain by maxEpochEmission). */
export async function curveProposal(
  schedule: EmissionSchedule,
  curve: { initialEpochEmission: bigint; decayBps: number; epochsPerPeriod: number },
): Promise<Proposal> {
  const target = await schedule.getAddress();
  return {
    targets: [target],
    values: [0n],
    calldatas: [schedule.interface.encodeFunctionData("setCurve", [curve])],
    description: `Emission: set curve initial=${curve.initialEpochEmission} decayBps=${curve.decayBps} epochsPerPeriod=${curve.epochsPerPeriod} on ${target}`,
  };
}

export function descriptionHash(p: Proposal): string {
  return id(p.description);
}

export async function proposalId(governor: ComputeGovernor, p: Proposal): Promise<bigint> {
  return governor.hashProposal(p.targets, p.values, p.calldatas, descriptionHash(p));
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
  p: Proposal,
): Promise<(typeof PROPOSAL_STATES)[number]> {
  return PROPOSAL_STATES[Number(await governor.state(await proposalId(governor, p)))];
}

export async function propose(governor: ComputeGovernor, p: Proposal, proposer: Signer): Promise<bigint> {
  await (await governor.connect(proposer).propose(p.targets, p.values, p.calldatas, p.description)).wait();
  return proposalId(governor, p);
}

/** 0 = against, 1 = for, 2 = abstain */
export async function castVote(
  governor: ComputeGovernor,
  p: Proposal,
  voter: Signer,
  support: 0 | 1 | 2 = 1,
) {
  await (await governor.connect(voter).castVote(await proposalId(governor, p), support)).wait();
}

export async function queue(governor: ComputeGovernor, p: Proposal, signer: Signer) {
  await (await governor.connect(signer).queue(p.targets, p.values, p.calldatas, descriptionHash(p))).wait();
}

export async function execute(governor: ComputeGovernor, p: Proposal, signer: Signer) {
  const tx = await governor.connect(signer).execute(p.targets, p.values, p.calldatas, descriptionHash(p));
  return tx.wait();
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
