// Cross-chain swaps on Solana: the hash time-locked escrow of the compute_market program
// (SWAP-DESIGN.md). Addresses, the hashlock, the three instructions, reading a swap, and
// recovering a revealed secret from chain history. Amounts are bigints (base units, lamports);
// timelocks are numbers of seconds after the lock.
import { randomBytes } from "node:crypto";

import { BN, EventParser, type Program } from "@anchor-lang/core";
import { keccak_256 } from "@noble/hashes/sha3";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { PublicKey, type Connection } from "@solana/web3.js";

import idlJson from "./idl/compute_market.json" with { type: "json" };
import type { ComputeMarket } from "./idl/compute_market.js";
import { idlNumber, idlSeed, PROGRAM_ID } from "./market.js";

export const SWAP_SEED = idlSeed("SWAP_SEED");
export const SWAP_VAULT_SEED = idlSeed("SWAP_VAULT_SEED");
/** Longest finality, public-withdrawal and cancellation offset (seconds). */
export const MAX_SWAP_TIMELOCK = idlNumber("MAX_SWAP_TIMELOCK");
/** Longest public-cancellation offset (seconds). */
export const MAX_SWAP_PUBLIC_CANCELLATION = idlNumber("MAX_SWAP_PUBLIC_CANCELLATION");

/**
 * Offsets in seconds from the lock, strictly increasing. With t = now - lockedAt: nothing before
 * `finality`; the recipient withdraws from `finality`, anyone from `publicWithdrawal`; withdrawal
 * closes and the maker cancels from `cancellation`, anyone from `publicCancellation`.
 */
export interface SwapTimelocks {
  finality: number;
  publicWithdrawal: number;
  cancellation: number;
  publicCancellation: number;
}

export type SwapWindow =
  | "finality-lock"
  | "private-withdrawal"
  | "public-withdrawal"
  | "private-cancellation"
  | "public-cancellation";

/** A swap as stored on chain. */
export interface SolanaSwap {
  address: PublicKey;
  maker: PublicKey;
  swapId: bigint;
  recipient: PublicKey;
  mint: PublicKey;
  amount: bigint;
  hashlock: Uint8Array;
  timelocks: SwapTimelocks;
  /** Clock unix timestamp of the lock (seconds). */
  lockedAt: number;
  /** Lamports. */
  safetyDeposit: bigint;
}

/** No open swap at (maker, swapId): never locked, or already withdrawn or cancelled. */
export class SwapNotFoundError extends Error {
  constructor(readonly swap: PublicKey) {
    super(`SwapNotFound: no open swap at ${swap.toBase58()} (never locked, or withdrawn or cancelled)`);
    this.name = "SwapNotFoundError";
  }
}

const u64le = (value: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
};

/** The swap PDA `[SWAP_SEED, maker, swapId (u64 LE)]`. */
export function swapAddress(maker: PublicKey, swapId: bigint, programId = PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([SWAP_SEED, maker.toBuffer(), u64le(swapId)], programId)[0];
}

/** The swap's token vault PDA `[SWAP_VAULT_SEED, swap]`. */
export function swapVaultAddress(swap: PublicKey, programId = PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([SWAP_VAULT_SEED, swap.toBuffer()], programId)[0];
}

/** keccak256 of the 32-byte secret: the hashlock on Solana, equal to the EVM's `keccak256(abi.encodePacked(secret))`. */
export function solanaHashlock(secret: Uint8Array): Uint8Array {
  if (secret.length !== 32) throw new Error(`a swap secret is 32 bytes, got ${secret.length}`);
  return keccak_256(secret);
}

/** A fresh random 32-byte secret. */
export function newSwapSecret(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

/** Why `lock_swap` would refuse these timelocks (InvalidTimelocks), or undefined when it accepts them. */
export function swapTimelocksError(t: SwapTimelocks): string | undefined {
  const all = [t.finality, t.publicWithdrawal, t.cancellation, t.publicCancellation];
  if (!all.every((v) => Number.isInteger(v) && v > 0)) return "each timelock must be a positive integer";
  if (!(
    t.finality < t.publicWithdrawal &&
    t.publicWithdrawal < t.cancellation &&
    t.cancellation < t.publicCancellation
  ))
    return "timelocks must increase strictly: finality < publicWithdrawal < cancellation < publicCancellation";
  if (t.cancellation > MAX_SWAP_TIMELOCK) return `cancellation must be at most ${MAX_SWAP_TIMELOCK} s`;
  if (t.publicCancellation > MAX_SWAP_PUBLIC_CANCELLATION)
    return `publicCancellation must be at most ${MAX_SWAP_PUBLIC_CANCELLATION} s`;
  return undefined;
}

/** The window a swap is in at `now` (unix seconds), as the program decides it. */
export function swapWindow(swap: { lockedAt: number; timelocks: SwapTimelocks }, now: number): SwapWindow {
  const t = Math.max(0, now - swap.lockedAt);
  const { finality, publicWithdrawal, cancellation, publicCancellation } = swap.timelocks;
  if (t < finality) return "finality-lock";
  if (t < publicWithdrawal) return "private-withdrawal";
  if (t < cancellation) return "public-withdrawal";
  if (t < publicCancellation) return "private-cancellation";
  return "public-cancellation";
}

const bn = (v: bigint) => new BN(v.toString());

/**
 * The provider's wallet (the maker) locks `amount` of `mint` for `recipient` under `hashlock`,
 * with `safetyDeposit` lamports, from `makerTokenAccount` (default: its associated account).
 */
export async function lockSwap(
  program: Program<ComputeMarket>,
  p: {
    swapId: bigint;
    recipient: PublicKey;
    mint: PublicKey;
    amount: bigint;
    hashlock: Uint8Array;
    timelocks: SwapTimelocks;
    safetyDeposit: bigint;
    makerTokenAccount?: PublicKey;
  },
): Promise<{ swap: PublicKey; vault: PublicKey; signature: string }> {
  const maker = program.provider.publicKey!;
  const swap = swapAddress(maker, p.swapId, program.programId);
  const vault = swapVaultAddress(swap, program.programId);
  const signature = await program.methods
    .lockSwap(
      bn(p.swapId),
      p.recipient,
      bn(p.amount),
      Array.from(p.hashlock),
      {
        finality: p.timelocks.finality,
        publicWithdrawal: p.timelocks.publicWithdrawal,
        cancellation: p.timelocks.cancellation,
        publicCancellation: p.timelocks.publicCancellation,
      },
      bn(p.safetyDeposit),
    )
    .accountsPartial({
      maker,
      swap,
      mint: p.mint,
      makerTokenAccount: p.makerTokenAccount ?? getAssociatedTokenAddressSync(p.mint, maker, true),
      vault,
    })
    .rpc();
  return { swap, vault, signature };
}

async function openSwap(
  program: Program<ComputeMarket>,
  maker: PublicKey,
  swapId: bigint,
): Promise<SolanaSwap> {
  const s = await fetchSwap(program, maker, swapId);
  if (!s) throw new SwapNotFoundError(swapAddress(maker, swapId, program.programId));
  return s;
}

/**
 * The provider's wallet withdraws swap (maker, swapId) for its recipient with `secret` (the
 * recipient in the private window, anyone in the public one; the caller is paid the safety
 * deposit). The tokens go to `recipientTokenAccount`, by default the recipient's associated
 * account, created first (idempotently, paid by the caller) if missing. Returns the signature.
 */
export async function withdrawSwap(
  program: Program<ComputeMarket>,
  p: { maker: PublicKey; swapId: bigint; secret: Uint8Array; recipientTokenAccount?: PublicKey },
): Promise<string> {
  const s = await openSwap(program, p.maker, p.swapId);
  const caller = program.provider.publicKey!;
  const pre = [];
  let to = p.recipientTokenAccount;
  if (!to) {
    to = getAssociatedTokenAddressSync(s.mint, s.recipient, true);
    pre.push(createAssociatedTokenAccountIdempotentInstruction(caller, to, s.recipient, s.mint));
  }
  return program.methods
    .withdrawSwap(Array.from(p.secret))
    .accountsPartial({
      caller,
      maker: s.maker,
      swap: s.address,
      mint: s.mint,
      vault: swapVaultAddress(s.address, program.programId),
      recipientTokenAccount: to,
    })
    .preInstructions(pre)
    .rpc();
}

/**
 * The provider's wallet cancels swap (maker, swapId) (the maker in the private cancellation
 * window, anyone in the public one; the caller is paid the safety deposit). The tokens return to
 * `makerTokenAccount`, by default the maker's associated account, created first (idempotently,
 * paid by the caller) if missing. Returns the signature.
 */
export async function cancelSwap(
  program: Program<ComputeMarket>,
  p: { maker: PublicKey; swapId: bigint; makerTokenAccount?: PublicKey },
): Promise<string> {
  const s = await openSwap(program, p.maker, p.swapId);
  const caller = program.provider.publicKey!;
  const pre = [];
  let to = p.makerTokenAccount;
  if (!to) {
    to = getAssociatedTokenAddressSync(s.mint, s.maker, true);
    pre.push(createAssociatedTokenAccountIdempotentInstruction(caller, to, s.maker, s.mint));
  }
  return program.methods
    .cancelSwap()
    .accountsPartial({
      caller,
      maker: s.maker,
      swap: s.address,
      mint: s.mint,
      vault: swapVaultAddress(s.address, program.programId),
      makerTokenAccount: to,
    })
    .preInstructions(pre)
    .rpc();
}

/** The open swap (maker, swapId), or null when there is none (never locked, withdrawn or cancelled). */
export async function fetchSwap(
  program: Program<ComputeMarket>,
  maker: PublicKey,
  swapId: bigint,
): Promise<SolanaSwap | null> {
  const address = swapAddress(maker, swapId, program.programId);
  const s = await program.account.swap.fetchNullable(address);
  if (!s) return null;
  return {
    address,
    maker: s.maker,
    swapId: BigInt(s.swapId.toString()),
    recipient: s.recipient,
    mint: s.mint,
    amount: BigInt(s.amount.toString()),
    hashlock: Uint8Array.from(s.hashlock),
    timelocks: {
      finality: s.timelocks.finality,
      publicWithdrawal: s.timelocks.publicWithdrawal,
      cancellation: s.timelocks.cancellation,
      publicCancellation: s.timelocks.publicCancellation,
    },
    lockedAt: s.lockedAt.toNumber(),
    safetyDeposit: BigInt(s.safetyDeposit.toString()),
  };
}

const WITHDRAW_DISCRIMINATOR = Buffer.from(
  idlJson.instructions.find((i) => i.name === "withdraw_swap")!.discriminator,
);
const WITHDRAW_SWAP_ACCOUNT = idlJson.instructions
  .find((i) => i.name === "withdraw_swap")!
  .accounts.findIndex((a) => a.name === "swap");
const SECRET_LOG = /^Program log: SwapWithdrawn secret: ([0-9a-f]{64})$/;

/**
 * The secrets a transaction revealed for swap (maker, swapId): from its `SwapWithdrawn` events
 * (`Program data:` lines, on a cluster), its `SwapWithdrawn secret:` log lines (wherever the
 * program logs, the local test chain included), and the arguments of its top-level
 * `withdraw_swap` instructions on the swap's address. Unverified: check them against the hashlock.
 */
export function swapSecretsInTransaction(
  program: Program<ComputeMarket>,
  maker: PublicKey,
  swapId: bigint,
  tx: {
    logs: string[];
    instructions?: { programId: PublicKey; accounts: PublicKey[]; data: Uint8Array }[];
  },
): Uint8Array[] {
  const found: Uint8Array[] = [];
  const parser = new EventParser(program.programId, program.coder);
  try {
    for (const event of parser.parseLogs(tx.logs)) {
      if (event.name !== "swapWithdrawn" && event.name !== "SwapWithdrawn") continue;
      const d = event.data as { maker: PublicKey; swapId: BN; secret: number[] };
      if (d.maker.equals(maker) && BigInt(d.swapId.toString()) === swapId)
        found.push(Uint8Array.from(d.secret));
    }
  } catch {
    /* logs the parser does not follow (truncated): the other sources remain */
  }
  for (const line of tx.logs) {
    const m = SECRET_LOG.exec(line);
    if (m) found.push(Uint8Array.from(Buffer.from(m[1], "hex")));
  }
  const swap = swapAddress(maker, swapId, program.programId);
  for (const ix of tx.instructions ?? []) {
    const data = Buffer.from(ix.data);
    if (
      ix.programId.equals(program.programId) &&
      data.length >= 40 &&
      data.subarray(0, 8).equals(WITHDRAW_DISCRIMINATOR) &&
      ix.accounts[WITHDRAW_SWAP_ACCOUNT]?.equals(swap)
    ) {
      found.push(Uint8Array.from(data.subarray(8, 40)));
    }
  }
  return found;
}

/**
 * The secret that withdrew swap (maker, swapId), read from chain history: the successful
 * transactions on the swap's address (`getSignaturesForAddress`, newest first) and each one's
 * logs, events and instructions (`getTransaction`). With `hashlock`, only a secret whose
 * keccak256 equals it is returned (pass it: a closed swap id may be reused by a later swap).
 * Null when no withdrawal is found (not withdrawn yet, or older than the node's history).
 */
export async function findSwapSecret(
  connection: Connection,
  program: Program<ComputeMarket>,
  maker: PublicKey,
  swapId: bigint,
  hashlock?: Uint8Array,
): Promise<{ secret: Uint8Array; signature: string } | null> {
  const swap = swapAddress(maker, swapId, program.programId);
  const matches = (secret: Uint8Array) =>
    secret.length === 32 && (!hashlock || Buffer.from(solanaHashlock(secret)).equals(Buffer.from(hashlock)));
  let before: string | undefined;
  for (;;) {
    const page = await connection.getSignaturesForAddress(swap, { before, limit: 1_000 }, "confirmed");
    if (page.length === 0) return null;
    for (const entry of page) {
      if (entry.err) continue;
      const tx = await connection.getTransaction(entry.signature, {
        commitment: "confirmed",
        maxSupportedTransactionVersion: 0,
      });
      if (!tx || tx.meta?.err) continue;
      const message = tx.transaction.message;
      const keys = message.getAccountKeys({ accountKeysFromLookups: tx.meta?.loadedAddresses });
      const instructions = message.compiledInstructions.map((ci) => ({
        programId: keys.get(ci.programIdIndex)!,
        accounts: ci.accountKeyIndexes.map((i) => keys.get(i)!),
        data: ci.data,
      }));
      const secret = swapSecretsInTransaction(program, maker, swapId, {
        logs: tx.meta?.logMessages ?? [],
        instructions,
      }).find(matches);
      if (secret) return { secret, signature: entry.signature };
    }
    before = page[page.length - 1].signature;
  }
}
