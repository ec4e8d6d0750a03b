// Ignition subsidies on Solana: addresses, the leaf every epoch tree is built from, and the
// instructions the subsidy authority, suppliers and anyone (closing) send. Shared by the
// commands, `npm run main` and the tests.
//
// Leaf (shared with the EVM rewards builder): OpenZeppelin's standard-tree leaf of
//   (bytes32 market, uint256 epoch, uint256 index, bytes32 supplier, uint256 amount)
// = keccak256(keccak256(abi.encode(...))), where `market` is the MarketConfig PDA and `supplier`
// the Supplier PDA (not its owner). Build trees with
//   StandardMerkleTree.of(rows.map(r => subsidyLeafValues(market, epoch, r.index, r.supplier, r.amount)),
//                         SUBSIDY_LEAF_TYPES)
// and pass `tree.root` to `postSubsidyEpoch`, `tree.getProof(i)` to `claimSubsidy`.
import { BN, type Program } from "@anchor-lang/core";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { PACKET_DATA_SIZE, PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";
import { getBytes, hexlify, keccak256 } from "ethers";

import { supplierAddress } from "./escrow.js";
import type { ComputeMarket } from "./idl/compute_market.js";
import { idlNumber, idlSeed, ignitionVaultAddress, PROGRAM_ID } from "./market.js";

export const SUBSIDY_EPOCH_SEED = idlSeed("SUBSIDY_EPOCH_SEED");
export const SUBSIDY_CLAIMS_SEED = idlSeed("SUBSIDY_CLAIMS_SEED");
/** Claim indices per claimed-bitmap chunk account. */
export const SUBSIDY_CHUNK_BITS = idlNumber("SUBSIDY_CHUNK_BITS");
export const MAX_SUBSIDY_PROOF_DEPTH = idlNumber("MAX_SUBSIDY_PROOF_DEPTH");
/** Bounds (seconds, inclusive) of the subsidy settings that `initialize` accepts. */
export const SUBSIDY_BOUNDS = {
  period: [idlNumber("MIN_SUBSIDY_PERIOD"), idlNumber("MAX_SUBSIDY_PERIOD")],
  claimDelay: [idlNumber("MIN_SUBSIDY_CLAIM_DELAY"), idlNumber("MAX_SUBSIDY_CLAIM_DELAY")],
  claimWindow: [idlNumber("MIN_SUBSIDY_CLAIM_WINDOW"), idlNumber("MAX_SUBSIDY_CLAIM_WINDOW")],
} as const;
/** The ABI types of a subsidy leaf, for `StandardMerkleTree.of(values, SUBSIDY_LEAF_TYPES)`. */
export const SUBSIDY_LEAF_TYPES = ["bytes32", "uint256", "uint256", "bytes32", "uint256"];
/** Byte offset of the bitmap in a chunk account (discriminator + the fields before `bits`). */
const CHUNK_BITS_OFFSET = 8 + 32 + 32 + 8 + 4 + 4 + 1 + 7;
const U64_MAX = 2n ** 64n - 1n;

type Bytes32 = string | Uint8Array | number[];

const u64le = (v: bigint | number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const u32le = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
/** 32 bytes from a 0x-hex string, bytes or a number array. */
export function bytes32(value: Bytes32): Buffer {
  const b = typeof value === "string" ? Buffer.from(getBytes(value)) : Buffer.from(value);
  if (b.length !== 32) throw new Error(`expected 32 bytes, got ${b.length}`);
  return b;
}

export function subsidyEpochAddress(
  market: PublicKey,
  epoch: bigint | number,
  programId = PROGRAM_ID,
): PublicKey {
  return PublicKey.findProgramAddressSync(
    [SUBSIDY_EPOCH_SEED, market.toBuffer(), u64le(epoch)],
    programId,
  )[0];
}

/** The chunk that holds claim `index`, and the bit in it. */
export function subsidyChunkOf(index: number): { chunk: number; bit: number } {
  return { chunk: Math.floor(index / SUBSIDY_CHUNK_BITS), bit: index % SUBSIDY_CHUNK_BITS };
}

export function subsidyClaimsAddress(
  market: PublicKey,
  epoch: bigint | number,
  chunk: number,
  programId = PROGRAM_ID,
): PublicKey {
  return PublicKey.findProgramAddressSync(
    [SUBSIDY_CLAIMS_SEED, market.toBuffer(), u64le(epoch), u32le(chunk)],
    programId,
  )[0];
}

/**
 * One leaf's values in `SUBSIDY_LEAF_TYPES` order (hex bytes32, decimal uint256), as
 * `StandardMerkleTree.of` takes them. `supplier` is the Supplier account (`supplierAddress`).
 */
export function subsidyLeafValues(
  market: PublicKey,
  epoch: bigint | number,
  index: number,
  supplier: PublicKey,
  amount: bigint,
): [string, string, string, string, string] {
  if (amount <= 0n || amount > U64_MAX) throw new Error(`amount ${amount} is not a positive u64`);
  if (!Number.isInteger(index) || index < 0 || index > 0xffff_ffff)
    throw new Error(`index ${index} is not a u32`);
  return [
    hexlify(market.toBytes()),
    BigInt(epoch).toString(),
    String(index),
    hexlify(supplier.toBytes()),
    amount.toString(),
  ];
}

/** A `uint256` ABI word. */
const word = (v: bigint) => Buffer.from(v.toString(16).padStart(64, "0"), "hex");

/**
 * The leaf hash the program computes: keccak256(keccak256(abi.encode(bytes32 market, uint256
 * epoch, uint256 index, bytes32 supplier, uint256 amount))), equal to
 * `StandardMerkleTree.leafHash(subsidyLeafValues(...))`.
 */
export function subsidyLeafHash(
  market: PublicKey,
  epoch: bigint | number,
  index: number,
  supplier: PublicKey,
  amount: bigint,
): Buffer {
  subsidyLeafValues(market, epoch, index, supplier, amount); // range checks
  const encoded = Buffer.concat([
    market.toBuffer(),
    word(BigInt(epoch)),
    word(BigInt(index)),
    supplier.toBuffer(),
    word(amount),
  ]);
  return Buffer.from(getBytes(keccak256(getBytes(keccak256(encoded)))));
}

/** OpenZeppelin's `MerkleProof.processProof` (sorted pairs): the root `proof` leads to from `leaf`. */
export function processSubsidyProof(leaf: Bytes32, proof: Bytes32[]): Buffer {
  let node = bytes32(leaf);
  for (const p of proof) {
    const sibling = bytes32(p);
    const [a, b] = Buffer.compare(node, sibling) < 0 ? [node, sibling] : [sibling, node];
    node = Buffer.from(getBytes(keccak256(Buffer.concat([a, b]))));
  }
  return node;
}

/** One claim of the wallet's supplier: the epoch, its row in the tree and its proof. */
export interface SubsidyClaim {
  epoch: bigint;
  index: number;
  amount: bigint;
  /** As `StandardMerkleTree.getProof` returns it (0x-hex strings), or raw bytes. */
  proof: Bytes32[];
}

/** Subsidy authority: posts epoch `epoch` (or replaces its root before its claims open). */
export async function postSubsidyEpoch(
  program: Program<ComputeMarket>,
  market: PublicKey,
  p: { epoch: bigint; root: Bytes32; total: bigint; leafCount: number },
): Promise<string> {
  return program.methods
    .postSubsidyEpoch(
      new BN(p.epoch.toString()),
      [...bytes32(p.root)],
      new BN(p.total.toString()),
      p.leafCount,
    )
    .accountsPartial({
      subsidyAuthority: program.provider.publicKey!,
      market,
      subsidyEpoch: subsidyEpochAddress(market, p.epoch, program.programId),
    })
    .rpc();
}

/** Market authority: rotates the subsidy authority (never the default key). */
export async function setSubsidyAuthority(
  program: Program<ComputeMarket>,
  market: PublicKey,
  subsidyAuthority: PublicKey,
): Promise<string> {
  return program.methods
    .setSubsidyAuthority(subsidyAuthority)
    .accounts({ authority: program.provider.publicKey!, market })
    .rpc();
}

/** Anyone: creates chunk `chunk` of an epoch's claimed-bitmap, so its claimers do not pay its rent. */
export async function initSubsidyClaims(
  program: Program<ComputeMarket>,
  market: PublicKey,
  epoch: bigint,
  chunk: number,
): Promise<string> {
  return program.methods
    .initSubsidyClaims(new BN(epoch.toString()), chunk)
    .accountsPartial({
      payer: program.provider.publicKey!,
      market,
      subsidyEpoch: subsidyEpochAddress(market, epoch, program.programId),
      subsidyClaims: subsidyClaimsAddress(market, epoch, chunk, program.programId),
    })
    .rpc();
}

/** The `claim_subsidy` instruction of the wallet's supplier (paid to `ownerTokenAccount`, default its ATA). */
export async function claimSubsidyInstruction(
  program: Program<ComputeMarket>,
  market: PublicKey,
  claim: SubsidyClaim,
  opts: { tokenMint: PublicKey; ownerTokenAccount?: PublicKey },
): Promise<TransactionInstruction> {
  const owner = program.provider.publicKey!;
  if (claim.proof.length > MAX_SUBSIDY_PROOF_DEPTH)
    throw new Error(`proof longer than ${MAX_SUBSIDY_PROOF_DEPTH}`);
  const { chunk } = subsidyChunkOf(claim.index);
  return program.methods
    .claimSubsidy(
      new BN(claim.epoch.toString()),
      claim.index,
      new BN(claim.amount.toString()),
      claim.proof.map((p) => [...bytes32(p)]),
    )
    .accountsPartial({
      owner,
      market,
      supplier: supplierAddress(market, owner, program.programId),
      subsidyEpoch: subsidyEpochAddress(market, claim.epoch, program.programId),
      subsidyClaims: subsidyClaimsAddress(market, claim.epoch, chunk, program.programId),
      tokenMint: opts.tokenMint,
      ignitionVault: ignitionVaultAddress(market, program.programId),
      ownerTokenAccount: opts.ownerTokenAccount ?? getAssociatedTokenAddressSync(opts.tokenMint, owner, true),
    })
    .instruction();
}

/** Bytes of a legacy transaction with one signer (the fee payer). */
function transactionSize(instructions: TransactionInstruction[], feePayer: PublicKey): number {
  const tx = new Transaction({ feePayer, recentBlockhash: PublicKey.default.toBase58() }).add(
    ...instructions,
  );
  return 1 + 64 + tx.serializeMessage().length;
}

/**
 * The transactions that pay `claims` to the wallet's supplier, packed greedily: as many claims
 * (of any epochs) per transaction as fit in `PACKET_DATA_SIZE` bytes. The first one also
 * creates the owner's associated token account if `ownerTokenAccount` is not given and it does
 * not exist. With `skipClaimed` (default), claims already paid are left out, so a bulk claim
 * can be re-run after an interruption. Claims per transaction, measured by proof depth
 * (`cargo test -p svm-harness --test ignition claims_per_transaction -- --nocapture`): 7 at
 * depth 0, 4 at 3, 3 at 5, 2 at 7 to 9, 1 from 10 (~10^3 leaves) to 22 (~4·10^6); a claim of
 * depth 23 or more does not fit a legacy transaction.
 */
export async function subsidyClaimTransactions(
  program: Program<ComputeMarket>,
  market: PublicKey,
  claims: SubsidyClaim[],
  opts: { ownerTokenAccount?: PublicKey; skipClaimed?: boolean } = {},
): Promise<{ transactions: Transaction[]; claims: SubsidyClaim[]; skipped: SubsidyClaim[] }> {
  const owner = program.provider.publicKey!;
  const connection = program.provider.connection;
  const m = await program.account.marketConfig.fetch(market);
  const tokenMint = m.tokenMint;
  let todo = claims;
  const skipped: SubsidyClaim[] = [];
  if (opts.skipClaimed ?? true) {
    const claimed = await subsidyClaimedMany(program, market, claims);
    todo = claims.filter((_, i) => !claimed[i]);
    skipped.push(...claims.filter((_, i) => claimed[i]));
  }
  const pre: TransactionInstruction[] = [];
  if (!opts.ownerTokenAccount && todo.length > 0) {
    const ata = getAssociatedTokenAddressSync(tokenMint, owner, true);
    if (!(await connection.getAccountInfo(ata))) {
      pre.push(createAssociatedTokenAccountIdempotentInstruction(owner, ata, owner, tokenMint));
    }
  }
  const transactions: Transaction[] = [];
  let current: TransactionInstruction[] = [...pre];
  let inCurrent = 0;
  for (const claim of todo) {
    const ix = await claimSubsidyInstruction(program, market, claim, { tokenMint, ...opts });
    if (transactionSize([...current, ix], owner) <= PACKET_DATA_SIZE) {
      current.push(ix);
      inCurrent++;
      continue;
    }
    if (inCurrent === 0 && current.length > 0) {
      // the account creation and this claim do not fit together: send the creation alone
      transactions.push(new Transaction().add(...current));
      current = [];
    } else if (inCurrent > 0) {
      transactions.push(new Transaction().add(...current));
      current = [];
      inCurrent = 0;
    }
    if (transactionSize([ix], owner) > PACKET_DATA_SIZE) {
      throw new Error(
        `the claim of epoch ${claim.epoch} index ${claim.index} (proof of ${claim.proof.length}) ` +
          `does not fit in one transaction`,
      );
    }
    current.push(ix);
    inCurrent = 1;
  }
  if (inCurrent > 0) transactions.push(new Transaction().add(...current));
  return { transactions, claims: todo, skipped };
}

/**
 * The wallet's supplier claims `claims` (any epochs), packed into as few transactions as fit;
 * returns the signatures, in order. Claims already paid are skipped (see
 * `subsidyClaimTransactions`). `onProgress(sent, total)` runs after each transaction.
 */
export async function claimSubsidy(
  program: Program<ComputeMarket>,
  market: PublicKey,
  claims: SubsidyClaim[],
  opts: {
    ownerTokenAccount?: PublicKey;
    skipClaimed?: boolean;
    onProgress?: (sent: number, total: number) => void;
  } = {},
): Promise<{ signatures: string[]; claimed: SubsidyClaim[]; skipped: SubsidyClaim[] }> {
  const {
    transactions,
    claims: todo,
    skipped,
  } = await subsidyClaimTransactions(program, market, claims, opts);
  const signatures: string[] = [];
  for (const tx of transactions) {
    signatures.push(await program.provider.sendAndConfirm!(tx));
    opts.onProgress?.(signatures.length, transactions.length);
  }
  return { signatures, claimed: todo, skipped };
}

/** Anyone, once the epoch's claim window has ended: releases its unclaimed part, closes its account. */
export async function closeSubsidyEpoch(
  program: Program<ComputeMarket>,
  market: PublicKey,
  epoch: bigint,
): Promise<string> {
  const address = subsidyEpochAddress(market, epoch, program.programId);
  const e = await program.account.subsidyEpoch.fetch(address);
  return program.methods
    .closeSubsidyEpoch(new BN(epoch.toString()))
    .accountsPartial({ market, subsidyEpoch: address, payer: e.payer })
    .rpc();
}

/**
 * Anyone, once the epoch's claim window has ended: closes the given chunks of its
 * claimed-bitmap (default: every chunk of the epoch while its account still exists), rent to
 * each chunk's payer. Chunks that do not exist are skipped. Returns one signature per chunk.
 */
export async function closeSubsidyClaims(
  program: Program<ComputeMarket>,
  market: PublicKey,
  epoch: bigint,
  chunks?: number[],
): Promise<string[]> {
  let indices = chunks;
  if (!indices) {
    const e = await fetchSubsidyEpoch(program, market, epoch);
    if (!e) throw new Error(`epoch ${epoch} is closed: name its chunks`);
    indices = [...Array(Math.ceil(e.leafCount / SUBSIDY_CHUNK_BITS)).keys()];
  }
  const addresses = indices.map((c) => subsidyClaimsAddress(market, epoch, c, program.programId));
  const infos = await getMultiple(program, addresses);
  const signatures: string[] = [];
  for (const [i, info] of infos.entries()) {
    if (!info) continue;
    const payer = new PublicKey(info.subarray(8 + 32, 8 + 64));
    signatures.push(
      await program.methods
        .closeSubsidyClaims(new BN(epoch.toString()), indices[i])
        .accountsPartial({
          market,
          subsidyEpoch: subsidyEpochAddress(market, epoch, program.programId),
          subsidyClaims: addresses[i],
          payer,
        })
        .rpc(),
    );
  }
  return signatures;
}

/** Account data of `addresses` (null where none), 100 per request. */
async function getMultiple(
  program: Program<ComputeMarket>,
  addresses: PublicKey[],
): Promise<(Buffer | null)[]> {
  const out: (Buffer | null)[] = [];
  for (let i = 0; i < addresses.length; i += 100) {
    const infos = await program.provider.connection.getMultipleAccountsInfo(addresses.slice(i, i + 100));
    out.push(...infos.map((a) => (a ? Buffer.from(a.data) : null)));
  }
  return out;
}

export interface SubsidyEpochState {
  address: PublicKey;
  epoch: bigint;
  root: Buffer;
  total: bigint;
  claimed: bigint;
  leafCount: number;
  claims: number;
  postedAt: number;
  opensAt: number;
  expiresAt: number;
  payer: PublicKey;
}

/** An epoch as stored (null once closed, or never posted). */
export async function fetchSubsidyEpoch(
  program: Program<ComputeMarket>,
  market: PublicKey,
  epoch: bigint,
): Promise<SubsidyEpochState | null> {
  const address = subsidyEpochAddress(market, epoch, program.programId);
  const e = await program.account.subsidyEpoch.fetchNullable(address);
  if (!e) return null;
  return {
    address,
    epoch,
    root: Buffer.from(e.root),
    total: BigInt(e.total.toString()),
    claimed: BigInt(e.claimed.toString()),
    leafCount: e.leafCount,
    claims: e.claims,
    postedAt: e.postedAt.toNumber(),
    opensAt: e.opensAt.toNumber(),
    expiresAt: e.expiresAt.toNumber(),
    payer: e.payer,
  };
}

/** Whether each claim (epoch, index) has been paid, reading each chunk once. */
export async function subsidyClaimedMany(
  program: Program<ComputeMarket>,
  market: PublicKey,
  claims: { epoch: bigint; index: number }[],
): Promise<boolean[]> {
  const keys = [...new Set(claims.map((c) => `${c.epoch}:${subsidyChunkOf(c.index).chunk}`))];
  const addresses = keys.map((k) => {
    const [epoch, chunk] = k.split(":");
    return subsidyClaimsAddress(market, BigInt(epoch), Number(chunk), program.programId);
  });
  const data = new Map(keys.map((k, i) => [k, i]));
  const infos = await getMultiple(program, addresses);
  return claims.map((c) => {
    const { chunk, bit } = subsidyChunkOf(c.index);
    const info = infos[data.get(`${c.epoch}:${chunk}`)!];
    if (!info) return false;
    return (info[CHUNK_BITS_OFFSET + (bit >> 3)] & (1 << (bit & 7))) !== 0;
  });
}

/** Whether claim `index` of `epoch` has been paid. */
export async function isSubsidyClaimed(
  program: Program<ComputeMarket>,
  market: PublicKey,
  epoch: bigint,
  index: number,
): Promise<boolean> {
  return (await subsidyClaimedMany(program, market, [{ epoch, index }]))[0];
}

/** The ignition pool: funded, paid, reserved for open epochs, and what new epochs may still take. */
export async function ignitionPool(program: Program<ComputeMarket>, market: PublicKey) {
  const m = await program.account.marketConfig.fetch(market);
  const funded = BigInt(m.ignitionFunded.toString());
  const paid = BigInt(m.ignitionPaid.toString());
  const reserved = BigInt(m.ignitionReserved.toString());
  return {
    funded,
    paid,
    reserved,
    available: funded - paid - reserved,
    subsidyAuthority: m.subsidyAuthority,
    maxSubsidyPerPeriod: BigInt(m.maxSubsidyPerPeriod.toString()),
    nextEpoch: BigInt(m.subsidyNextEpoch.toString()),
  };
}
