// Checker reward epochs: reports -> per-licence amounts -> the epoch's Merkle tree, root and proofs
// (the library of rewards:build-epoch, rewards:post and rewards:claim).
//
// THE REWARD LEAF (the one off-chain definition; CheckerRewards._leaf verifies the same, and
// README "Checker rewards" documents it): an OpenZeppelin StandardMerkleTree leaf of
//
//   (uint256 chainId, address rewards, uint256 epoch, uint256 licenceId, uint256 amount)
//
// i.e. keccak256(bytes.concat(keccak256(abi.encode(chainId, rewards, epoch, licenceId, amount)))),
// where `rewards` is the CheckerRewards contract's address. A proof is therefore valid for one
// chain, one contract and one epoch: re-posting a root under another epoch number, on another
// deployment or on another chain pays nothing.
//
// Each licence's share of the epoch budget is proportional to the checks it passed (rounded down,
// so the total never exceeds the budget).
//
// The tree and the epoch artifact come from the one epoch builder that ignition subsidies use too
// (src/epoch): same root and proofs as `StandardMerkleTree.of(values, REWARD_LEAF_TYPES)`.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { getAddress } from "ethers";
import { z } from "zod";

import { encodeRow, WORD, writeUint } from "../epoch/abi.js";
import {
  openEpoch,
  writeEpochArtifact,
  type ColumnSpec,
  type Manifest,
  type OpenedEpoch,
} from "../epoch/artifact.js";
import { readTable, RowError } from "../epoch/reports.js";
import { buildTreeSync, proofPositions, type Engine } from "../epoch/tree.js";

/** The leaf's ABI types, in order: chain id, rewards contract, epoch, licence id, amount. */
export const REWARD_LEAF_TYPES = ["uint256", "address", "uint256", "uint256", "uint256"];

/** What every leaf of an epoch commits to besides the licence and its amount. */
export interface EpochDomain {
  chainId: bigint;
  /** the CheckerRewards contract */
  rewards: string;
  epoch: bigint;
}

/** The artifact kind of a checker-rewards epoch (manifest.json `kind`). */
export const REWARDS_KIND = "checker-rewards";

/** A reward leaf's values, in REWARD_LEAF_TYPES order. */
export type RewardLeaf = [chainId: bigint, rewards: string, epoch: bigint, licenceId: bigint, amount: bigint];

/** An epoch's tree, with the StandardMerkleTree methods the callers use (root, entries, getProof). */
export interface RewardsTree {
  root: string;
  length: number;
  entries(): Generator<[number, RewardLeaf]>;
  getProof(index: number): string[];
}

/** An epoch's tree: one leaf per licence (a licence appearing twice is refused). */
export function rewardsTree(
  domain: EpochDomain,
  rewards: { tokenId: bigint; amount: bigint }[],
  engine?: Engine,
): RewardsTree {
  const ids = new Set(rewards.map((r) => r.tokenId));
  if (ids.size !== rewards.length) throw new Error("a licence appears twice in the epoch's rewards");
  const rewardsAddress = getAddress(domain.rewards);
  const leaves: RewardLeaf[] = rewards.map((r) => [
    domain.chainId,
    rewardsAddress,
    domain.epoch,
    r.tokenId,
    r.amount,
  ]);
  const tree = buildTreeSync({
    rows: Buffer.concat(leaves.map((l) => encodeRow(REWARD_LEAF_TYPES, l))),
    rowBytes: REWARD_LEAF_TYPES.length * WORD,
    engine,
  });
  const node = (p: number) => "0x" + tree.nodes.toString("hex", p * WORD, p * WORD + WORD);
  return {
    root: tree.root,
    length: leaves.length,
    *entries() {
      for (let i = 0; i < leaves.length; i++) yield [i, leaves[i]];
    },
    getProof(index: number) {
      if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
        throw new Error(`no leaf ${index}`);
      return proofPositions(tree.positions[index]).map(node);
    },
  };
}

const Report = z.object({
  licenseId: z.coerce.bigint().positive(),
  checksPassed: z.coerce.number().int().min(0),
});
export type Report = z.infer<typeof Report>;

/** Reads reports from CSV (header `licenseId,checksPassed`) or JSONL, refusing a bad row with its
 *  line number, or from JSON (an array of objects). */
export function readReports(file: string): Report[] {
  if (!file.endsWith(".json")) {
    const reports: Report[] = [];
    try {
      readTable(file, ["licenseId", "checksPassed"], (row) => {
        const id = row.text(0);
        if (!/^\d{1,78}$/.test(id) || BigInt(id) === 0n || BigInt(id) >= 1n << 256n)
          throw new RowError(row.line, `licenseId '${id}' is not a licence id`);
        reports.push({ licenseId: BigInt(id), checksPassed: row.int(1) });
      });
    } catch (e) {
      throw new Error(`invalid reports in ${file}: ${(e as Error).message}`);
    }
    if (reports.length === 0) throw new Error(`invalid reports in ${file}: no reports`);
    return reports;
  }
  const parsed = z
    .array(Report)
    .min(1)
    .safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`invalid reports in ${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** An epoch as buildEpoch returns it: the domain, the root, the total and every licence's proof. */
export interface EpochFile {
  chainId: string;
  rewards: string;
  epoch: string;
  root: string;
  total: string;
  claims: { tokenId: string; amount: string; proof: string[] }[];
}

/** Each licence's share of `budget`, by the checks it passed (several reports of a licence add
 *  up; licences that passed none get nothing), rounded down; in ascending licence order. */
export function rewardAmounts(budget: bigint, reports: Report[]): { tokenId: bigint; amount: bigint }[] {
  const merged = new Map<bigint, number>();
  for (const r of reports) merged.set(r.licenseId, (merged.get(r.licenseId) ?? 0) + r.checksPassed);
  const passed = [...merged.entries()]
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const totalChecks = passed.reduce((s, [, n]) => s + BigInt(n), 0n);
  if (totalChecks === 0n) throw new Error("no licence passed any check: nothing to reward");
  return passed
    .map(([tokenId, n]) => ({ tokenId, amount: (budget * BigInt(n)) / totalChecks }))
    .filter((r) => r.amount > 0n);
}

export function buildEpoch(domain: EpochDomain, budget: bigint, reports: Report[]): EpochFile {
  const rewards = rewardAmounts(budget, reports);
  const tree = rewardsTree(domain, rewards);
  const claims = [...tree.entries()].map(([i, leaf]) => ({
    tokenId: String(leaf[3]),
    amount: String(leaf[4]),
    proof: tree.getProof(i),
  }));
  const total = rewards.reduce((s, r) => s + r.amount, 0n);
  return {
    chainId: String(domain.chainId),
    rewards: getAddress(domain.rewards),
    epoch: String(domain.epoch),
    root: tree.root,
    total: String(total),
    claims,
  };
}

/** The leaf columns of a rewards epoch: the domain is constant, the licence is the claimer's key. */
function rewardColumns(domain: EpochDomain): ColumnSpec[] {
  return [
    { name: "chainId", type: "uint256", value: domain.chainId },
    { name: "rewards", type: "address", value: getAddress(domain.rewards) },
    { name: "epoch", type: "uint256", value: domain.epoch },
    { name: "licenceId", type: "uint256" },
    { name: "amount", type: "uint256" },
  ];
}

/** rewards:build-epoch: reports file -> the epoch's artifact directory `out` (src/epoch/artifact.ts). */
export async function writeRewardsEpoch(
  out: string,
  domain: EpochDomain,
  budget: bigint,
  reportsFile: string,
  engine?: Engine,
): Promise<Manifest> {
  const reports = readReports(reportsFile);
  const rewards = rewardAmounts(budget, reports);
  const stored = Buffer.alloc(rewards.length * 2 * WORD);
  rewards.forEach((r, i) => {
    writeUint(stored, i * 2 * WORD, r.tokenId);
    writeUint(stored, i * 2 * WORD + WORD, r.amount);
  });
  return writeEpochArtifact(out, {
    kind: REWARDS_KIND,
    epoch: domain.epoch,
    domain: { chainId: String(domain.chainId), rewards: getAddress(domain.rewards) },
    columns: rewardColumns(domain),
    key: { column: "licenceId", format: "uint" },
    amount: "amount",
    input: {
      sha256: createHash("sha256").update(readFileSync(reportsFile)).digest("hex"),
      rows: reports.length,
    },
    formula: {
      budget: budget.toString(),
      rule: "amount = floor(budget * checksPassed / total checks passed)",
    },
    count: rewards.length,
    stored,
    total: rewards.reduce((s, r) => s + r.amount, 0n),
    engine,
  });
}

/** Opens a rewards epoch artifact and checks it (kind, files against the manifest). */
export async function openRewardsEpoch(dir: string): Promise<OpenedEpoch & { domain: EpochDomain }> {
  const e = await openEpoch(dir);
  const m = e.manifest;
  const types = m.leaf.types.join(",");
  if (m.kind !== REWARDS_KIND || types !== REWARD_LEAF_TYPES.join(","))
    throw new Error(`${dir} is not a checker-rewards epoch (kind ${m.kind}, leaf ${types})`);
  await e.check();
  const domain = {
    chainId: BigInt(m.domain.chainId),
    rewards: getAddress(m.domain.rewards),
    epoch: BigInt(m.epoch),
  };
  return Object.assign(e, { domain });
}

/** Refuses an epoch built for another chain or another rewards contract than `target`. */
export function checkEpochTarget(
  e: { chainId: string | bigint; rewards: string },
  target: { chainId: bigint; rewards: string },
) {
  if (BigInt(e.chainId) !== target.chainId)
    throw new Error(`epoch is for chain ${e.chainId}, this network is chain ${target.chainId}`);
  if (getAddress(e.rewards) !== getAddress(target.rewards))
    throw new Error(`epoch is for rewards contract ${e.rewards}, this network's is ${target.rewards}`);
}
