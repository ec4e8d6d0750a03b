// Checker reward epochs on chain: the reward poster posts an epoch artifact's root, holders and
// operators claim, anyone closes an expired epoch. Each call returns what it did (or would do on a
// dry run); the Hardhat tasks (rewards:*) and the operator CLI (cm governance post, cm node claim)
// print it.
import { formatEther, ZeroAddress, ZeroHash } from "ethers";
import { z } from "zod";

import type { ArbitrumContext } from "./context.js";
import { checkEpochTarget, openRewardsEpoch } from "./rewards.js";

/** Licences per `ownersOf` call: well inside a node's eth_call gas cap at ERC721A's worst scan. */
const OWNER_LOOKUP_CHUNK = 500;

const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString();

/** The artifact of `epochDir`, refused if it was built for another chain or contract. */
async function openFor(ctx: ArbitrumContext, epochDir: string) {
  const e = await openRewardsEpoch(epochDir);
  const { chainId } = await ctx.ethers.provider.getNetwork();
  try {
    checkEpochTarget(e.manifest.domain as { chainId: string; rewards: string }, {
      chainId,
      rewards: ctx.record.addresses.rewards,
    });
  } catch (err) {
    await e.close();
    throw err;
  }
  return e;
}

export interface PostResult {
  epoch: string;
  root: string;
  total: bigint;
  leafCount: number;
  period: bigint;
  postedInPeriod: bigint;
  cap: bigint;
  sent: boolean;
  opensAt?: string;
  closesAt?: string;
  tx?: string;
}

export async function postRewardsEpoch(
  ctx: ArbitrumContext,
  epochDir: string,
  opts: { dryRun: boolean },
): Promise<PostResult> {
  const e = await openFor(ctx, epochDir);
  const m = e.manifest;
  await e.close();
  const period = await ctx.rewards.currentPeriod();
  const [posted, cap] = await Promise.all([
    ctx.rewards.postedInPeriod(period),
    ctx.rewards.maxRewardsPerPeriod(),
  ]);
  const result: PostResult = {
    epoch: String(m.epoch),
    root: m.root,
    total: BigInt(m.total),
    leafCount: m.leafCount,
    period,
    postedInPeriod: posted,
    cap,
    sent: false,
  };
  if (opts.dryRun) return result;
  const receipt = await (await ctx.rewards.postEpoch(BigInt(m.epoch), m.root, BigInt(m.total))).wait();
  const [, , opensAt] = await ctx.rewards.epochs(BigInt(m.epoch));
  const expiry = await ctx.rewards.expiryOf(BigInt(m.epoch));
  return { ...result, sent: true, opensAt: iso(opensAt), closesAt: iso(expiry), tx: receipt!.hash };
}

export function describePost(r: PostResult): string[] {
  return [
    `post epoch ${r.epoch}: root ${r.root}, total ${formatEther(r.total)}, ${r.leafCount} licences (period ${r.period}: ${formatEther(r.postedInPeriod)} of ${formatEther(r.cap)} posted)`,
    r.sent
      ? `posted; claims open at ${r.opensAt} and close at ${r.closesAt} (later if paused meanwhile)`
      : "dry run: not posted",
  ];
}

export interface ClaimResult {
  claimer: string;
  epoch: string;
  licences: bigint[];
  amount: bigint;
  batches: number;
  sent: boolean;
  txs: string[];
}

/** Claims every reward of the epoch that the signer holds or operates, `batch` per transaction. */
export async function claimRewards(
  ctx: ArbitrumContext,
  args: { epochDir: string; batch: string | number },
  opts: { dryRun: boolean; log?: (line: string) => void },
): Promise<ClaimResult> {
  const batchParsed = z.coerce.number().int().min(1).max(500).safeParse(args.batch);
  if (!batchParsed.success) throw new Error(`--batch '${args.batch}': an integer from 1 to 500`);
  const batch = batchParsed.data;
  const e = await openFor(ctx, args.epochDir);
  const m = e.manifest;
  const epoch = BigInt(m.epoch);
  try {
    // the end of the claim window, pushed back by any pause since the epoch was posted (0: not posted)
    const expiry = await ctx.rewards.expiryOf(epoch);
    const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
    if (expiry !== 0n && now >= expiry) throw new Error(`epoch ${m.epoch} expired at ${iso(expiry)}`);
    const me = ctx.signer.address;
    // The licences the account may claim for: those transferred to it or put under its operation
    // (logs since deployment), as they stand now. Each is looked up in the artifact (one shard and
    // ~log2(n) nodes), so an epoch of 10^6 licences is never read whole.
    const from = ctx.record.fromBlock;
    const [received, operated] = await Promise.all([
      ctx.license.queryFilter(ctx.license.filters.Transfer(undefined, me), from),
      ctx.license.queryFilter(ctx.license.filters.OperatorSet(undefined, undefined, me), from),
    ]);
    const candidates = [...new Set([...received, ...operated].map((l) => l.args.tokenId))].sort((a, b) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    // Owners in one `ownersOf` call per chunk (zero: burned, nobody's), not one `ownerOf` each.
    const owners: string[] = [];
    for (let i = 0; i < candidates.length; i += OWNER_LOOKUP_CHUNK)
      owners.push(...(await ctx.license.ownersOf(candidates.slice(i, i + OWNER_LOOKUP_CHUNK))));
    const mine = [];
    for (const [k, id] of candidates.entries()) {
      const owner = owners[k];
      if (owner === ZeroAddress) continue;
      const [operator, claimed] = await Promise.all([
        ctx.license.operatorOf(id),
        ctx.rewards.isClaimed(epoch, id),
      ]);
      if (claimed || (owner !== me && operator !== me)) continue;
      const c = await e.lookup(id); // read from the artifact, checked against its root
      if (c) mine.push({ owner, claim: { epoch, tokenId: id, amount: c.amount, proof: c.proof } });
    }
    // Grouped by holder, each holder's licences in id order: the contract pays each run of claims
    // of one holder in one transfer, and reads each id of a run of one mint once.
    mine.sort((a, b) =>
      a.owner !== b.owner ? (a.owner < b.owner ? -1 : 1) : a.claim.tokenId < b.claim.tokenId ? -1 : 1,
    );
    const claims = mine.map((m) => m.claim);
    if (claims.length === 0) throw new Error(`nothing to claim for ${me} in epoch ${m.epoch}`);
    const result: ClaimResult = {
      claimer: me,
      epoch: String(m.epoch),
      licences: claims.map((c) => c.tokenId),
      amount: claims.reduce((s, c) => s + c.amount, 0n),
      batches: Math.ceil(claims.length / batch),
      sent: false,
      txs: [],
    };
    if (opts.dryRun) return result;
    opts.log?.(describeClaim(result)[0]);
    // Resumable: a re-run finds the licences already paid claimed on chain and leaves them out.
    for (let i = 0; i < claims.length; i += batch) {
      const receipt = await (await ctx.rewards.claim(claims.slice(i, i + batch))).wait();
      result.txs.push(receipt!.hash);
      opts.log?.(`claimed ${Math.min(i + batch, claims.length)}/${claims.length} in ${receipt!.hash}`);
    }
    return { ...result, sent: true };
  } finally {
    await e.close();
  }
}

export function describeClaim(r: ClaimResult): string[] {
  return [
    `${r.claimer} claims ${r.licences.length} licences, ${formatEther(r.amount)} tokens (paid to the holders), in ${r.batches} transactions`,
    r.sent ? `claimed in ${r.txs.join(", ")}` : "dry run: not claimed",
  ];
}

export interface CloseResult {
  epoch: bigint;
  released: bigint;
  sent: boolean;
  tx?: string;
}

/** Anyone: closes an epoch whose claim window has ended; its unclaimed remainder returns to the pool. */
export async function closeRewardsEpoch(
  ctx: ArbitrumContext,
  args: { epoch: string },
  opts: { dryRun: boolean },
): Promise<CloseResult> {
  const parsed = z.coerce.bigint().nonnegative().safeParse(args.epoch);
  if (!parsed.success) throw new Error(`--epoch '${args.epoch}': not an epoch number`);
  const epoch = parsed.data;
  const [root, total, , , claimed, , closed] = await ctx.rewards.epochs(epoch);
  if (root === ZeroHash) throw new Error(`--epoch ${epoch}: never posted`);
  if (closed) throw new Error(`--epoch ${epoch}: already closed`);
  if (await ctx.rewards.paused()) throw new Error("the rewards contract is paused: nothing can be closed");
  // the end of the claim window, pushed back by any pause since the epoch was posted
  const expiry = await ctx.rewards.expiryOf(epoch);
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
  if (now < expiry) throw new Error(`--epoch ${epoch}: can be closed from ${iso(expiry)}`);
  const result: CloseResult = { epoch, released: total - claimed, sent: false };
  if (opts.dryRun) return result;
  const receipt = await (await ctx.rewards.closeEpoch(epoch)).wait();
  return { ...result, sent: true, tx: receipt!.hash };
}

export function describeClose(r: CloseResult): string[] {
  return [
    `close epoch ${r.epoch}: releases ${formatEther(r.released)} unclaimed tokens to the pool`,
    r.sent ? "closed" : "dry run: not sent",
  ];
}
