// One hash time-locked escrow on one chain, as the swap protocol sees it. The Solana program's
// swap instructions and the EVM `HTLCEscrow` both implement the windows of docs (README, "Swap"):
// offsets from the lock's own timestamp, finality < publicWithdrawal < cancellation < publicCancellation.

export type ChainName = "solana" | "ethereum" | "arbitrum";

export interface Timelocks {
  finality: number;
  publicWithdrawal: number;
  cancellation: number;
  publicCancellation: number;
}

/** What a lock promises: checked by the other party before it locks anything. */
export interface LockTerms {
  chain: ChainName;
  /** the maker (locker) and the recipient, in the chain's own address format */
  maker: string;
  recipient: string;
  /** ERC-20 address or SPL mint */
  asset: string;
  amount: bigint;
  safetyDeposit: bigint;
  timelocks: Timelocks;
}

export interface OnChainLock extends LockTerms {
  swapId: bigint;
  hashlock: string;
  lockedAt: number;
}

export type LockState =
  | { state: "none" }
  | { state: "locked"; lock: OnChainLock }
  | { state: "withdrawn"; secret?: string }
  | { state: "cancelled" };

export interface Escrow {
  chain: ChainName;
  /** the signer's address on this chain */
  me(): Promise<string>;
  /** the chain's clock (the last block's / slot's time) */
  now(): Promise<number>;
  /** where the lock stands; `withdrawn` carries the secret when the chain shows it */
  read(maker: string, swapId: bigint): Promise<LockState>;
  lock(swapId: bigint, hashlock: string, terms: LockTerms): Promise<string>;
  withdraw(maker: string, swapId: bigint, secret: string): Promise<string>;
  cancel(maker: string, swapId: bigint): Promise<string>;
}

export const WINDOW_NAMES = [
  "finality lock",
  "private withdrawal",
  "public withdrawal",
  "private cancellation",
  "public cancellation",
] as const;
export type Window = (typeof WINDOW_NAMES)[number];

/** The window a lock is in at `now`. */
export function windowAt(lock: { lockedAt: number; timelocks: Timelocks }, now: number): Window {
  const t = now - lock.lockedAt;
  const tl = lock.timelocks;
  if (t < tl.finality) return "finality lock";
  if (t < tl.publicWithdrawal) return "private withdrawal";
  if (t < tl.cancellation) return "public withdrawal";
  if (t < tl.publicCancellation) return "private cancellation";
  return "public cancellation";
}
