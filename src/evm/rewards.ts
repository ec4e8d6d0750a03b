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
import { readFileSync } from "node:fs";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress } from "ethers";
import { z } from "zod";

/** The leaf's ABI types, in order: chain id, rewards contract, epoch, licence id, amount. */
export const REWARD_LEAF_TYPES = ["uint256", "address", "uint256", "uint256", "uint256"];

/** What every leaf of an epoch commits to besides the licence and its amount. */
export interface EpochDomain {
  chainId: bigint;
  /** the CheckerRewards contract */
  rewards: string;
  epoch: bigint;
}

/** An epoch's tree: one leaf per licence (a licence appearing twice is refused). */
export function rewardsTree(domain: EpochDomain, rewards: { tokenId: bigint; amount: bigint }[]) {
  const ids = new Set(rewards.map((r) => r.tokenId));
  if (ids.size !== rewards.length) throw new Error("a licence appears twice in the epoch's rewards");
  const rewardsAddress = getAddress(domain.rewards);
  return StandardMerkleTree.of(
    rewards.map((r) => [domain.chainId, rewardsAddress, domain.epoch, r.tokenId, r.amount]),
    REWARD_LEAF_TYPES,
  );
}

const Report = z.object({
  licenseId: z.coerce.bigint().positive(),
  checksPassed: z.coerce.number().int().min(0),
});
export type Report = z.infer<typeof Report>;

/** Reads reports from JSON (an array of objects) or CSV (header `licenseId,checksPassed`). */
export function readReports(file: string): Report[] {
  const text = readFileSync(file, "utf8");
  let rows: unknown[];
  if (file.endsWith(".csv")) {
    const [header, ...lines] = text.trim().split(/\r?\n/);
    const cols = header.split(",").map((c) => c.trim());
    rows = lines
      .filter((l) => l.trim())
      .map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v.trim()])));
  } else {
    rows = JSON.parse(text);
  }
  const parsed = z.array(Report).min(1).safeParse(rows);
  if (!parsed.success) throw new Error(`invalid reports in ${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const uint = z.string().regex(/^\d+$/, "a non-negative integer as a string");
const EpochFileSchema = z.object({
  chainId: uint,
  rewards: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  epoch: uint,
  root: z.string().regex(/^0x[0-9a-f]{64}$/),
  total: uint,
  claims: z.array(z.object({ tokenId: uint, amount: uint, proof: z.array(z.string()) })),
});
/** The file rewards:build-epoch writes: the domain, the root, the total and every licence's proof. */
export type EpochFile = z.infer<typeof EpochFileSchema>;

export function buildEpoch(domain: EpochDomain, budget: bigint, reports: Report[]): EpochFile {
  const merged = new Map<bigint, number>();
  for (const r of reports) merged.set(r.licenseId, (merged.get(r.licenseId) ?? 0) + r.checksPassed);
  const passed = [...merged.entries()].filter(([, n]) => n > 0);
  const totalChecks = passed.reduce((s, [, n]) => s + BigInt(n), 0n);
  if (totalChecks === 0n) throw new Error("no licence passed any check: nothing to reward");
  const rewards = passed.map(([tokenId, n]) => ({ tokenId, amount: (budget * BigInt(n)) / totalChecks }));
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

/** Reads and checks an epoch file: its schema, that its claims add up to its total, and that
 *  every proof verifies against its root under its own chain, contract and epoch. */
export function readEpochFile(file: string): EpochFile {
  const parsed = EpochFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`invalid epoch file ${file}: ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const sum = e.claims.reduce((s, c) => s + BigInt(c.amount), 0n);
  if (sum !== BigInt(e.total)) throw new Error(`${file}: claims add up to ${sum}, not the total ${e.total}`);
  for (const c of e.claims) {
    const leaf = [e.chainId, e.rewards, e.epoch, c.tokenId, c.amount];
    if (!StandardMerkleTree.verify(e.root, REWARD_LEAF_TYPES, leaf, c.proof))
      throw new Error(`${file}: the proof of licence ${c.tokenId} does not verify against the root`);
  }
  return e;
}

/** Refuses an epoch file built for another chain or another rewards contract than `target`. */
export function checkEpochTarget(e: EpochFile, target: { chainId: bigint; rewards: string }) {
  if (BigInt(e.chainId) !== target.chainId)
    throw new Error(`epoch file is for chain ${e.chainId}, this network is chain ${target.chainId}`);
  if (getAddress(e.rewards) !== getAddress(target.rewards))
    throw new Error(`epoch file is for rewards contract ${e.rewards}, this network's is ${target.rewards}`);
}
