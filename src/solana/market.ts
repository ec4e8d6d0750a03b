// compute-market's Solana program: addresses, the typed Anchor client and the instructions
// that scripts, the CLI and tests share.
import {
  AnchorError,
  AnchorProvider,
  BN,
  LangErrorCode,
  Program,
  ProgramError,
  type Wallet,
} from "@anchor-lang/core";
import { PublicKey, type Connection } from "@solana/web3.js";

import idlJson from "./idl/compute_market.json" with { type: "json" };
import type { ComputeMarket } from "./idl/compute_market.js";

export const IDL = idlJson as unknown as ComputeMarket;
export const PROGRAM_ID = new PublicKey(idlJson.address);

/** A seed constant of the program, read from its IDL. */
export const idlSeed = (name: string): Buffer => {
  const constant = idlJson.constants.find((c) => c.name === name);
  if (!constant) throw new Error(`seed ${name} is not in the IDL`);
  return Buffer.from(JSON.parse(constant.value) as number[]);
};
/** A numeric constant of the program, read from its IDL. */
export const idlNumber = (name: string): number => {
  const constant = idlJson.constants.find((c) => c.name === name);
  if (!constant) throw new Error(`constant ${name} is not in the IDL`);
  return Number(constant.value);
};
export const MARKET_SEED = idlSeed("MARKET_SEED");
export const IGNITION_VAULT_SEED = idlSeed("IGNITION_VAULT_SEED");
export const MAX_BPS = idlNumber("MAX_BPS");
export const MAX_FEE_BPS = idlNumber("MAX_FEE_BPS");
/** Largest token price change in one `set_token_price`, in bps of the previous price. */
export const MAX_PRICE_CHANGE_BPS = idlNumber("MAX_PRICE_CHANGE_BPS");
/** Bounds (seconds, inclusive) of the time settings that `initialize` accepts. */
export const TIME_BOUNDS = {
  maxPriceStaleness: [idlNumber("MIN_PRICE_STALENESS"), idlNumber("MAX_PRICE_STALENESS")],
  startTimeout: [idlNumber("MIN_START_TIMEOUT"), idlNumber("MAX_START_TIMEOUT")],
  disputeWindow: [idlNumber("MIN_DISPUTE_WINDOW"), idlNumber("MAX_DISPUTE_WINDOW")],
} as const;

export function marketAddress(creator: PublicKey, programId = PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([MARKET_SEED, creator.toBuffer()], programId)[0];
}

export function ignitionVaultAddress(market: PublicKey, programId = PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([IGNITION_VAULT_SEED, market.toBuffer()], programId)[0];
}

export function marketProgram(connection: Connection, wallet: Wallet): Program<ComputeMarket> {
  const provider = new AnchorProvider(connection, wallet, { commitment: "confirmed" });
  return new Program<ComputeMarket>(IDL, provider);
}

export interface InitializeMarketParams {
  stableMint: PublicKey;
  tokenMint: PublicKey;
  treasury: PublicKey;
  feeBps: number;
  tokenDiscountBps: number;
  /** Sets the token price (default: the creator; never the default key). */
  priceAuthority?: PublicKey;
  /**
   * Seconds, within `TIME_BOUNDS`; defaults: price valid 1 h, supplier must start within 1 h,
   * disputes within 1 day.
   */
  maxPriceStaleness?: number;
  startTimeout?: number;
  disputeWindow?: number;
  /** Posts ignition-subsidy epochs (default: the creator; never the default key). */
  subsidyAuthority?: PublicKey;
  /**
   * The most posted over all subsidy epochs of one subsidy period, in market-token base units
   * (> 0; default: 2^64 - 1, i.e. bounded by the funded pool only: set it in production).
   */
  maxSubsidyPerPeriod?: bigint;
  /**
   * Seconds, within `SUBSIDY_BOUNDS` (src/solana/ignition.ts); defaults: 1-day periods, claims
   * open 1 h after posting, stay open 30 days.
   */
  subsidyPeriod?: number;
  subsidyClaimDelay?: number;
  subsidyClaimWindow?: number;
}

/** Creates the market of the provider's wallet; returns its address and the signature. */
export async function initializeMarket(program: Program<ComputeMarket>, p: InitializeMarketParams) {
  const creator = program.provider.publicKey!;
  const signature = await program.methods
    .initialize({
      treasury: p.treasury,
      feeBps: p.feeBps,
      tokenDiscountBps: p.tokenDiscountBps,
      priceAuthority: p.priceAuthority ?? creator,
      maxPriceStaleness: new BN(p.maxPriceStaleness ?? 3_600),
      startTimeout: new BN(p.startTimeout ?? 3_600),
      disputeWindow: new BN(p.disputeWindow ?? 86_400),
      subsidyAuthority: p.subsidyAuthority ?? creator,
      maxSubsidyPerPeriod: new BN((p.maxSubsidyPerPeriod ?? 2n ** 64n - 1n).toString()),
      subsidyPeriod: new BN(p.subsidyPeriod ?? 86_400),
      subsidyClaimDelay: new BN(p.subsidyClaimDelay ?? 3_600),
      subsidyClaimWindow: new BN(p.subsidyClaimWindow ?? 30 * 86_400),
    })
    .accounts({ creator, stableMint: p.stableMint, tokenMint: p.tokenMint })
    .rpc();
  return { market: marketAddress(creator, program.programId), signature };
}

/** Market authority: pauses or unpauses new rentals, starts, registrations and funding. */
export async function setPaused(program: Program<ComputeMarket>, market: PublicKey, paused: boolean) {
  return program.methods
    .updateConfig({ treasury: null, feeBps: null, tokenDiscountBps: null, paused })
    .accounts({ authority: program.provider.publicKey!, market })
    .rpc();
}

export async function initIgnitionVault(program: Program<ComputeMarket>, market: PublicKey) {
  const account = await program.account.marketConfig.fetch(market);
  const signature = await program.methods
    .initIgnitionVault()
    .accountsPartial({ authority: program.provider.publicKey!, market, tokenMint: account.tokenMint })
    .rpc();
  return { vault: ignitionVaultAddress(market, program.programId), signature };
}

export async function fundIgnition(
  program: Program<ComputeMarket>,
  market: PublicKey,
  from: PublicKey,
  amount: bigint | number,
) {
  const account = await program.account.marketConfig.fetch(market);
  return program.methods
    .fundIgnition(new BN(amount.toString()))
    .accountsPartial({
      funder: program.provider.publicKey!,
      market,
      tokenMint: account.tokenMint,
      funderTokenAccount: from,
      ignitionVault: ignitionVaultAddress(market, program.programId),
    })
    .rpc();
}

/**
 * The program error name of a failed call (`FeeTooHigh`, `ConstraintHasOne`...), whether the
 * client saw full Anchor logs (AnchorError) or only the custom error code (ProgramError).
 */
export function programErrorName(err: unknown): string | undefined {
  if (err instanceof AnchorError) return err.error.errorCode.code;
  const code =
    err instanceof ProgramError
      ? err.code
      : Number(/custom program error: (0x[0-9a-f]+)/i.exec(String(err))?.[1] ?? NaN);
  if (Number.isNaN(code)) return undefined;
  const own = idlJson.errors.find((e) => e.code === code);
  if (own) return own.name;
  return Object.entries(LangErrorCode).find(([, value]) => value === code)?.[0];
}
