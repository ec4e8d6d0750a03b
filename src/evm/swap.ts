// HTLCEscrow (the EVM leg of a cross-chain swap, issue 12): deploy, lock, withdraw, cancel, read a
// swap and find its revealed secret. The swap orchestration (src/swap, the `swap` CLI) and the
// tests build on these; the contract's windows and rules are documented in IHTLCEscrow.sol and
// SWAP-DESIGN.md.
//
// Conventions: amounts and the swap id are bigints (wei / token base units; the id is a u64),
// timelocks are numbers of seconds counted from the lock's block timestamp, secrets and hashlocks
// are 0x-prefixed 32-byte hex strings. Each write helper sends from the escrow's runner (use
// `escrow.connect(signer)`), waits for the receipt and returns it; a revert throws (ethers decodes
// the contract's named error, e.g. `err.revert.name === "WithdrawalClosed"`).
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import {
  AbiCoder,
  getBytes,
  hexlify,
  keccak256,
  type BytesLike,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Signer,
} from "ethers";
import { z } from "zod";

import { IERC20Metadata__factory, type HTLCEscrow } from "../../types/ethers-contracts/index.js";

const DAY = 86_400;

/** Longest `finality`, `publicWithdrawal` and `cancellation` offset (the contract's `MAX_TIMELOCK_OFFSET`). */
export const MAX_TIMELOCK_OFFSET = 30 * DAY;
/** Longest `publicCancellation` offset (the contract's `MAX_PUBLIC_CANCELLATION`). */
export const MAX_PUBLIC_CANCELLATION = 60 * DAY;
const U64_MAX = 2n ** 64n - 1n;

/** Window offsets in seconds from `lockedAt`: 0 < finality < publicWithdrawal < cancellation < publicCancellation. */
export interface EvmTimelocks {
  finality: number;
  publicWithdrawal: number;
  cancellation: number;
  publicCancellation: number;
}

const seconds = z.number().int().positive();
/** The contract's timelock rule, checked before anything is sent. */
export const EvmTimelocksSchema = z
  .object({
    finality: seconds,
    publicWithdrawal: seconds,
    cancellation: seconds.max(MAX_TIMELOCK_OFFSET),
    publicCancellation: seconds.max(MAX_PUBLIC_CANCELLATION),
  })
  .refine(
    (t) =>
      t.finality < t.publicWithdrawal &&
      t.publicWithdrawal < t.cancellation &&
      t.cancellation < t.publicCancellation,
    {
      message:
        "timelocks must be strictly increasing: finality < publicWithdrawal < cancellation < publicCancellation",
    },
  );

/** What the maker locks (the maker is the escrow's runner). */
export interface EvmLockTerms {
  /** the maker's id for the swap (u64), never used before by this maker on this escrow */
  swapId: bigint;
  recipient: string;
  /** ERC-20 address */
  token: string;
  /** token base units, > 0 */
  amount: bigint;
  /** `evmHashlock(secret)` */
  hashlock: string;
  timelocks: EvmTimelocks;
  /** wei sent as the safety deposit, > 0 */
  safetyDeposit: bigint;
}

/** A swap's life on chain (`None` is `readEvmSwap(...) === null`). */
export type EvmSwapState = "locked" | "withdrawn" | "cancelled";
/** The window a locked swap is in (or its end): IHTLCEscrow.Stage. */
export type EvmStage =
  | "finalityLock"
  | "privateWithdrawal"
  | "publicWithdrawal"
  | "privateCancellation"
  | "publicCancellation"
  | "withdrawn"
  | "cancelled";

const STATES: readonly (EvmSwapState | null)[] = [null, "locked", "withdrawn", "cancelled"];
const STAGES: readonly (EvmStage | null)[] = [
  null,
  "finalityLock",
  "privateWithdrawal",
  "publicWithdrawal",
  "privateCancellation",
  "publicCancellation",
  "withdrawn",
  "cancelled",
];

/** A swap as stored on chain, read at one block. */
export interface EvmSwap {
  key: string;
  maker: string;
  swapId: bigint;
  recipient: string;
  token: string;
  amount: bigint;
  hashlock: string;
  timelocks: EvmTimelocks;
  /** unix seconds of the lock's block: the timelocks count from it */
  lockedAt: number;
  safetyDeposit: bigint;
  state: EvmSwapState;
  /** the window at `blockTimestamp` */
  stage: EvmStage;
  /** the block the swap was read at, and its timestamp */
  blockNumber: number;
  blockTimestamp: number;
}

/** `keccak256(secret)` of a 32-byte secret: the hashlock on both chains. */
export function evmHashlock(secret: BytesLike): string {
  const bytes = getBytes(secret);
  if (bytes.length !== 32) throw new Error(`a secret is 32 bytes, got ${bytes.length}`);
  return keccak256(bytes);
}

/** `keccak256(abi.encode(maker, swapId))`: the swap's key in the escrow (`swaps(key)`). */
export function evmSwapKey(maker: string, swapId: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint64"], [maker, swapId]));
}

/** Deploys an HTLCEscrow (no constructor arguments, no roles) and waits for it. */
export async function deployHtlc(ethers: HardhatEthers, signer?: Signer): Promise<HTLCEscrow> {
  const deployer = signer ?? (await ethers.getSigners())[0];
  const escrow = (await ethers.deployContract("HTLCEscrow", [], deployer)) as unknown as HTLCEscrow;
  await escrow.waitForDeployment();
  return escrow;
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction dropped");
  return receipt;
}

function checkSwapId(swapId: bigint) {
  if (swapId < 0n || swapId > U64_MAX) throw new Error(`swapId must be a u64, got ${swapId}`);
}

/**
 * The maker (the escrow's runner) locks `amount` of `token` for `recipient`, paying `safetyDeposit`
 * wei. Approves the escrow for exactly `amount` first when the allowance is lower. Every term is
 * checked here first (the contract checks them again). Returns the lock's receipt; the swap's
 * `lockedAt` is its block's timestamp (or `readEvmSwap`).
 */
export async function lockEvm(escrow: HTLCEscrow, terms: EvmLockTerms): Promise<ContractTransactionReceipt> {
  checkSwapId(terms.swapId);
  if (terms.amount <= 0n) throw new Error(`amount must be > 0, got ${terms.amount}`);
  if (terms.safetyDeposit <= 0n) throw new Error(`safetyDeposit must be > 0, got ${terms.safetyDeposit}`);
  if (getBytes(terms.hashlock).length !== 32) throw new Error("hashlock must be 32 bytes");
  const parsed = EvmTimelocksSchema.safeParse(terms.timelocks);
  if (!parsed.success) throw new Error(`invalid timelocks: ${z.prettifyError(parsed.error)}`);

  const runner = escrow.runner as Signer | null;
  if (!runner || typeof runner.getAddress !== "function")
    throw new Error("lockEvm: the escrow needs a signer");
  const maker = await runner.getAddress();
  const spender = await escrow.getAddress();
  const token = IERC20Metadata__factory.connect(terms.token, runner);
  if ((await token.allowance(maker, spender)) < terms.amount) {
    await mined(token.approve(spender, terms.amount));
  }
  return mined(
    escrow.lock(terms.swapId, terms.recipient, terms.token, terms.amount, terms.hashlock, terms.timelocks, {
      value: terms.safetyDeposit,
    }),
  );
}

/**
 * Withdraws `maker`'s swap `swapId` with `secret`: the tokens go to the swap's recipient, the
 * safety deposit to the sender (the escrow's runner). The recipient may send it from `finality`,
 * anyone from `publicWithdrawal`, nobody from `cancellation` on.
 */
export async function withdrawEvm(
  escrow: HTLCEscrow,
  maker: string,
  swapId: bigint,
  secret: BytesLike,
): Promise<ContractTransactionReceipt> {
  checkSwapId(swapId);
  evmHashlock(secret); // 32 bytes
  return mined(escrow.withdraw(maker, swapId, hexlify(secret)));
}

/**
 * Cancels `maker`'s swap `swapId`: the tokens go back to the maker, the safety deposit to the
 * sender (the escrow's runner). The maker may send it from `cancellation`, anyone from
 * `publicCancellation`.
 */
export async function cancelEvm(
  escrow: HTLCEscrow,
  maker: string,
  swapId: bigint,
): Promise<ContractTransactionReceipt> {
  checkSwapId(swapId);
  return mined(escrow.cancel(maker, swapId));
}

/**
 * `maker`'s swap `swapId` (terms, lockedAt, state and current window), read at the latest block;
 * `null` if it was never locked.
 */
export async function readEvmSwap(
  escrow: HTLCEscrow,
  maker: string,
  swapId: bigint,
): Promise<EvmSwap | null> {
  checkSwapId(swapId);
  const provider = escrow.runner?.provider;
  if (!provider) throw new Error("readEvmSwap: the escrow needs a provider");
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("readEvmSwap: no latest block");
  const at = { blockTag: block.number };
  const [s, stage] = await Promise.all([escrow.swapOf(maker, swapId, at), escrow.stage(maker, swapId, at)]);
  const state = STATES[Number(s.state)];
  if (!state) return null;
  return {
    key: evmSwapKey(s.maker, swapId),
    maker: s.maker,
    swapId,
    recipient: s.recipient,
    token: s.token,
    amount: s.amount,
    hashlock: s.hashlock,
    timelocks: {
      finality: Number(s.timelocks.finality),
      publicWithdrawal: Number(s.timelocks.publicWithdrawal),
      cancellation: Number(s.timelocks.cancellation),
      publicCancellation: Number(s.timelocks.publicCancellation),
    },
    lockedAt: Number(s.lockedAt),
    safetyDeposit: s.safetyDeposit,
    state,
    stage: STAGES[Number(stage)]!,
    blockNumber: block.number,
    blockTimestamp: block.timestamp,
  };
}

/**
 * The secret revealed by the withdrawal of `maker`'s swap `swapId`, read from its `Withdrawn`
 * event between `fromBlock` (e.g. the lock's block) and the latest block; `null` if it was not
 * withdrawn (yet). Public RPCs cap log ranges: pass a recent `fromBlock` there.
 */
export async function findEvmSecret(
  escrow: HTLCEscrow,
  maker: string,
  swapId: bigint,
  fromBlock: number,
): Promise<string | null> {
  checkSwapId(swapId);
  const events = await escrow.queryFilter(escrow.filters.Withdrawn(maker, swapId), fromBlock, "latest");
  return events.length > 0 ? events[0].args.secret : null;
}
