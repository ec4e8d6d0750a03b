// The two-party atomic swap over two hash time-locked escrows (src/swap/escrow.ts), chain-agnostic.
// The initiator holds the secret, locks first on chain A for the responder; the responder checks
// that lock against the terms and only then locks on chain B for the initiator; the initiator
// withdraws on B, which reveals the secret on chain B; the responder reads it there and withdraws
// on A. Every step reads the chains first, so a step re-run after a crash does what is left.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

import { keccak256 } from "ethers";
import { z } from "zod";

import { windowAt, type Escrow, type LockTerms, type OnChainLock, type Timelocks } from "./escrow.js";

/** The least time the responder keeps to withdraw on A after the secret can appear on B. */
export const MIN_MARGIN_SECONDS = 600;
export const MAX_OFFSET_SECONDS = 30 * 86_400;

export const TimelocksSchema = z
  .object({
    finality: z.number().int().positive(),
    publicWithdrawal: z.number().int().positive(),
    cancellation: z.number().int().positive(),
    publicCancellation: z
      .number()
      .int()
      .positive()
      .max(2 * MAX_OFFSET_SECONDS),
  })
  .refine(
    (t) =>
      t.finality < t.publicWithdrawal &&
      t.publicWithdrawal < t.cancellation &&
      t.cancellation < t.publicCancellation,
    "need finality < publicWithdrawal < cancellation < publicCancellation",
  );

const bigintText = z.string().regex(/^\d+$/);
const LockTermsSchema = z.object({
  chain: z.enum(["solana", "ethereum", "arbitrum"]),
  maker: z.string().min(1),
  recipient: z.string().min(1),
  asset: z.string().min(1),
  amount: bigintText,
  safetyDeposit: bigintText,
  timelocks: TimelocksSchema,
});

export const SwapTermsSchema = z
  .object({
    version: z.literal(1),
    swapId: bigintText,
    hashlock: z.string().regex(/^0x[0-9a-f]{64}$/),
    marginSeconds: z.number().int().min(MIN_MARGIN_SECONDS),
    /** the lock on chain A, by the initiator for the responder */
    initiator: LockTermsSchema,
    /** the lock on chain B, by the responder for the initiator */
    responder: LockTermsSchema,
  })
  .superRefine((t, ctx) => {
    if (t.initiator.chain === t.responder.chain)
      ctx.addIssue({ code: "custom", message: "the two locks must be on different chains" });
    // A's cancellation opens strictly after B's, by the margin, counted from their own locks;
    // `accept` checks it again against the clocks when B actually locks.
    const slack = t.initiator.timelocks.cancellation - t.responder.timelocks.cancellation;
    if (slack < t.marginSeconds)
      ctx.addIssue({
        code: "custom",
        message: `the initiator's cancellation must open at least marginSeconds (${t.marginSeconds} s) after the responder's: it opens ${slack} s after`,
      });
  });
export type SwapTerms = z.infer<typeof SwapTermsSchema>;

export type Role = "initiator" | "responder";
const StateSchema = z.object({
  role: z.enum(["initiator", "responder"]),
  terms: SwapTermsSchema,
  /** the initiator's only: never written anywhere else */
  secret: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .optional(),
  done: z.array(z.object({ step: z.string(), at: z.string(), tx: z.string().optional() })),
});
export type SwapState = z.infer<typeof StateSchema>;

// ------------------------------------------------------------------ the state file

/** Written whole to a temporary file, then renamed: a crash leaves the old or the new state. */
export function saveState(file: string, s: SwapState) {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(s, null, 2) + "\n", { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function loadState(file: string): SwapState {
  if (!existsSync(file)) throw new Error(`no swap state ${file}`);
  const parsed = StateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a swap state: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function record(file: string, s: SwapState, step: string, tx?: string) {
  s.done.push({ step, at: new Date().toISOString(), ...(tx ? { tx } : {}) });
  saveState(file, s);
}

// ------------------------------------------------------------------ terms

export function hashlockOf(secret: string): string {
  return keccak256(secret);
}

const toTerms = (t: SwapTerms["initiator"]): LockTerms => ({
  ...t,
  amount: BigInt(t.amount),
  safetyDeposit: BigInt(t.safetyDeposit),
});
const fromTerms = (t: LockTerms): SwapTerms["initiator"] => ({
  ...t,
  amount: t.amount.toString(),
  safetyDeposit: t.safetyDeposit.toString(),
});

/** Every field of an on-chain lock against the terms; the list of differences ("" when none). */
export function lockDifferences(
  lock: OnChainLock,
  terms: SwapTerms,
  side: "initiator" | "responder",
): string[] {
  const want = toTerms(terms[side]);
  const diffs: string[] = [];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (lock.swapId !== BigInt(terms.swapId)) diffs.push(`swap id ${lock.swapId} != ${terms.swapId}`);
  if (!same(lock.hashlock, terms.hashlock)) diffs.push(`hashlock ${lock.hashlock} != ${terms.hashlock}`);
  if (!same(lock.maker, want.maker)) diffs.push(`maker ${lock.maker} != ${want.maker}`);
  if (!same(lock.recipient, want.recipient)) diffs.push(`recipient ${lock.recipient} != ${want.recipient}`);
  if (!same(lock.asset, want.asset)) diffs.push(`asset ${lock.asset} != ${want.asset}`);
  if (lock.amount !== want.amount) diffs.push(`amount ${lock.amount} != ${want.amount}`);
  if (lock.safetyDeposit !== want.safetyDeposit)
    diffs.push(`safety deposit ${lock.safetyDeposit} != ${want.safetyDeposit}`);
  for (const k of ["finality", "publicWithdrawal", "cancellation", "publicCancellation"] as const) {
    if (lock.timelocks[k] !== want.timelocks[k])
      diffs.push(`${k} ${lock.timelocks[k]} != ${want.timelocks[k]}`);
  }
  return diffs;
}

export interface OfferInput {
  /** chain A (the initiator locks here) and chain B (the responder locks there) */
  a: Escrow;
  b: Escrow;
  give: { asset: string; amount: bigint; safetyDeposit: bigint; timelocks: Timelocks };
  want: { asset: string; amount: bigint; safetyDeposit: bigint; timelocks: Timelocks };
  /** the responder's addresses: its address on A (receives), its address on B (locks) */
  counterparty: { onA: string; onB: string };
  marginSeconds: number;
  swapId?: bigint;
}

/** Initiator: a fresh secret, the terms, the state file (written before anything is sent), the lock on A. */
export async function offer(input: OfferInput, stateFile: string): Promise<SwapState> {
  if (existsSync(stateFile)) throw new Error(`${stateFile} exists: resume it with 'swap watch' instead`);
  const secret = "0x" + randomBytes(32).toString("hex");
  const swapId = input.swapId ?? randomBytes(8).readBigUInt64BE();
  const terms = SwapTermsSchema.parse({
    version: 1,
    swapId: swapId.toString(),
    hashlock: hashlockOf(secret),
    marginSeconds: input.marginSeconds,
    initiator: fromTerms({
      chain: input.a.chain,
      maker: await input.a.me(),
      recipient: input.counterparty.onA,
      ...input.give,
    }),
    responder: fromTerms({
      chain: input.b.chain,
      maker: input.counterparty.onB,
      recipient: await input.b.me(),
      ...input.want,
    }),
  });
  const s: SwapState = { role: "initiator", terms, secret, done: [] };
  record(stateFile, s, "offered");
  await lockOffer(input.a, s, stateFile);
  return s;
}

/** Initiator: the lock on A of an offer whose state is written (a re-run after a crash locks once). */
export async function lockOffer(a: Escrow, s: SwapState, stateFile: string) {
  const t = s.terms;
  const st = await a.read(t.initiator.maker, BigInt(t.swapId));
  if (st.state === "none") {
    const tx = await a.lock(BigInt(t.swapId), t.hashlock, toTerms(t.initiator));
    record(stateFile, s, "locked on A", tx);
  } else if (st.state === "locked") {
    const diffs = lockDifferences(st.lock, t, "initiator");
    if (diffs.length)
      throw new Error(`a different lock with this id exists on ${a.chain}: ${diffs.join("; ")}`);
  }
}

/**
 * Responder: checks the initiator's lock on A against the terms (every field, the window, the
 * margin on the clocks), then locks on B. Refuses, sending nothing, if anything differs.
 */
export async function accept(a: Escrow, b: Escrow, terms: SwapTerms, stateFile: string): Promise<SwapState> {
  const t = SwapTermsSchema.parse(terms);
  if (t.initiator.chain !== a.chain || t.responder.chain !== b.chain)
    throw new Error(
      `the terms swap ${t.initiator.chain} for ${t.responder.chain}, not ${a.chain} for ${b.chain}`,
    );
  const meOnA = await a.me();
  const meOnB = await b.me();
  if (t.initiator.recipient.toLowerCase() !== meOnA.toLowerCase())
    throw new Error(`the lock on ${a.chain} pays ${t.initiator.recipient}, not this signer ${meOnA}`);
  if (t.responder.maker.toLowerCase() !== meOnB.toLowerCase())
    throw new Error(`the terms have ${t.responder.maker} lock on ${b.chain}, not this signer ${meOnB}`);
  const s: SwapState = existsSync(stateFile)
    ? loadState(stateFile)
    : { role: "responder", terms: t, done: [] };
  if (!existsSync(stateFile)) record(stateFile, s, "accepted terms");
  // already locked on B (a re-run after a crash): nothing more to check or send
  const mine = await b.read(t.responder.maker, BigInt(t.swapId));
  if (mine.state !== "none") return s;
  const theirs = await a.read(t.initiator.maker, BigInt(t.swapId));
  if (theirs.state !== "locked")
    throw new Error(`no lock of swap ${t.swapId} on ${a.chain} (${theirs.state})`);
  const diffs = lockDifferences(theirs.lock, t, "initiator");
  if (diffs.length) throw new Error(`the lock on ${a.chain} differs from the terms: ${diffs.join("; ")}`);
  const nowA = await a.now();
  const w = windowAt(theirs.lock, nowA);
  if (w === "finality lock")
    throw new Error(
      `the lock on ${a.chain} is not final yet (${theirs.lock.lockedAt + theirs.lock.timelocks.finality - nowA} s to go)`,
    );
  if (w !== "private withdrawal")
    throw new Error(`the lock on ${a.chain} is already in its ${w} window: too late to accept`);
  // On each chain's own clock: the initiator's cancellation must open at least the margin after
  // ours would, if we lock now.
  const left = theirs.lock.lockedAt + theirs.lock.timelocks.cancellation - nowA;
  const need = t.responder.timelocks.cancellation + t.marginSeconds;
  if (left < need)
    throw new Error(
      `the lock on ${a.chain} cancels in ${left} s; locking now needs at least ${need} s (our cancellation + the margin)`,
    );
  const tx = await b.lock(BigInt(t.swapId), t.hashlock, toTerms(t.responder));
  record(stateFile, s, "locked on B", tx);
  return s;
}

/** Initiator: withdraws on B with the secret (which reveals it), once B's lock matches the terms. */
export async function claim(b: Escrow, s: SwapState, stateFile: string): Promise<string | undefined> {
  if (s.role !== "initiator" || !s.secret)
    throw new Error("claim: only the initiator (who holds the secret) claims");
  const t = s.terms;
  const st = await b.read(t.responder.maker, BigInt(t.swapId));
  if (st.state === "withdrawn") return undefined; // done before a crash
  if (st.state !== "locked") throw new Error(`no lock of swap ${t.swapId} on ${b.chain} (${st.state})`);
  const diffs = lockDifferences(st.lock, t, "responder");
  if (diffs.length) throw new Error(`the lock on ${b.chain} differs from the terms: ${diffs.join("; ")}`);
  const w = windowAt(st.lock, await b.now());
  if (w === "finality lock") throw new Error(`the lock on ${b.chain} is not final yet`);
  if (w === "private cancellation" || w === "public cancellation")
    throw new Error(`the lock on ${b.chain} is in its ${w} window: withdrawal is closed`);
  const tx = await b.withdraw(t.responder.maker, BigInt(t.swapId), s.secret);
  record(stateFile, s, "claimed on B", tx);
  return tx;
}

/** Responder: reads the secret the initiator revealed on B and withdraws on A. */
export async function complete(
  a: Escrow,
  b: Escrow,
  s: SwapState,
  stateFile: string,
): Promise<string | undefined> {
  const t = s.terms;
  const mine = await a.read(t.initiator.maker, BigInt(t.swapId));
  if (mine.state === "withdrawn") return undefined;
  if (mine.state !== "locked") throw new Error(`the lock on ${a.chain} is ${mine.state}`);
  const revealed = await b.read(t.responder.maker, BigInt(t.swapId));
  const secret = revealed.state === "withdrawn" ? revealed.secret : undefined;
  if (!secret) throw new Error(`the secret is not on ${b.chain} yet (its lock is ${revealed.state})`);
  if (hashlockOf(secret) !== t.hashlock)
    throw new Error("the secret read from chain does not open the hashlock");
  const tx = await a.withdraw(t.initiator.maker, BigInt(t.swapId), secret);
  record(stateFile, s, "completed on A", tx);
  return tx;
}

/** Either party: cancels its own lock once its cancellation window is open. */
export async function refund(escrow: Escrow, s: SwapState, stateFile: string): Promise<string | undefined> {
  const t = s.terms;
  const side = s.role === "initiator" ? t.initiator : t.responder;
  const st = await escrow.read(side.maker, BigInt(t.swapId));
  if (st.state === "cancelled" || st.state === "none") return undefined;
  if (st.state === "withdrawn")
    throw new Error(`the lock on ${escrow.chain} was withdrawn: nothing to refund`);
  const w = windowAt(st.lock, await escrow.now());
  if (w !== "private cancellation" && w !== "public cancellation")
    throw new Error(
      `the lock on ${escrow.chain} is in its ${w} window: cancellation opens at ${st.lock.lockedAt + st.lock.timelocks.cancellation}`,
    );
  const tx = await escrow.cancel(side.maker, BigInt(t.swapId));
  record(stateFile, s, `refunded on ${escrow.chain}`, tx);
  return tx;
}

export type Next = "wait" | "lock" | "claim" | "complete" | "refund" | "done";

/**
 * What the party should do now, from the chains alone (the state file only says who we are):
 * `watch` runs this in a loop and performs it.
 */
export async function nextStep(a: Escrow, b: Escrow, s: SwapState): Promise<{ next: Next; why: string }> {
  const t = s.terms;
  const [onA, onB] = await Promise.all([
    a.read(t.initiator.maker, BigInt(t.swapId)),
    b.read(t.responder.maker, BigInt(t.swapId)),
  ]);
  const cancellable = async (e: Escrow, st: typeof onA) =>
    st.state === "locked" &&
    ["private cancellation", "public cancellation"].includes(windowAt(st.lock, await e.now()));
  if (s.role === "initiator") {
    if (onA.state === "none") return { next: "lock", why: `not locked on ${a.chain} yet` };
    if (onB.state === "withdrawn") return { next: "done", why: `claimed on ${b.chain}` };
    if (onA.state === "cancelled") return { next: "done", why: `refunded on ${a.chain}` };
    if (onB.state === "locked") {
      const w = windowAt(onB.lock, await b.now());
      if (w === "private withdrawal" || w === "public withdrawal")
        return lockDifferences(onB.lock, t, "responder").length
          ? {
              next: (await cancellable(a, onA)) ? "refund" : "wait",
              why: `the lock on ${b.chain} differs from the terms`,
            }
          : { next: "claim", why: `the responder locked on ${b.chain}` };
    }
    if (await cancellable(a, onA)) return { next: "refund", why: `the responder did not lock in time` };
    return { next: "wait", why: `waiting for the responder's lock on ${b.chain}` };
  }
  if (onA.state === "withdrawn") return { next: "done", why: `completed on ${a.chain}` };
  if (onB.state === "cancelled") return { next: "done", why: `refunded on ${b.chain}` };
  if (onB.state === "none") return { next: "lock", why: `not locked on ${b.chain} yet` };
  if (onB.state === "withdrawn" && onA.state === "locked")
    return { next: "complete", why: `the secret is on ${b.chain}` };
  if (await cancellable(b, onB)) return { next: "refund", why: `the initiator did not claim in time` };
  return { next: "wait", why: `waiting for the initiator to claim on ${b.chain}` };
}
