// Rentals on Solana: addresses, quotes (both payment mints side by side), and the instructions
// customers and suppliers send. Shared by the CLI and the tests.
import { BN, type Program } from "@anchor-lang/core";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
  getMint,
} from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";

import type { ComputeMarket } from "./idl/compute_market.js";
import { idlSeed, MAX_BPS, MAX_PRICE_CHANGE_BPS, PROGRAM_ID } from "./market.js";

export const SUPPLIER_SEED = idlSeed("SUPPLIER_SEED");
export const RENTAL_SEED = idlSeed("RENTAL_SEED");
export const ESCROW_VAULT_SEED = idlSeed("ESCROW_VAULT_SEED");

export function supplierAddress(market: PublicKey, owner: PublicKey, programId = PROGRAM_ID) {
  return PublicKey.findProgramAddressSync([SUPPLIER_SEED, market.toBuffer(), owner.toBuffer()], programId)[0];
}

export function rentalAddress(
  market: PublicKey,
  customer: PublicKey,
  rentalId: bigint,
  programId = PROGRAM_ID,
) {
  const id = Buffer.alloc(8);
  id.writeBigUInt64LE(rentalId);
  return PublicKey.findProgramAddressSync(
    [RENTAL_SEED, market.toBuffer(), customer.toBuffer(), id],
    programId,
  )[0];
}

export function escrowVaultAddress(market: PublicKey, mint: PublicKey, programId = PROGRAM_ID) {
  return PublicKey.findProgramAddressSync(
    [ESCROW_VAULT_SEED, market.toBuffer(), mint.toBuffer()],
    programId,
  )[0];
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export interface Quote {
  mint: PublicKey;
  price: bigint;
  fee: bigint;
  total: bigint;
}

/** Why paying in the token is impossible: no fresh price, or a price below the supplier's floor. */
export type TokenUnavailable = "stale-price" | "below-supplier-floor";

/**
 * What `hours` of `supplier` cost in each mint, with the program's rounding (fee up, discount
 * down, token conversion up). `token` is undefined when the token price is unset or stale, or
 * below the supplier's `minTokenPrice`; `tokenUnavailable` then says which.
 */
export async function quoteRental(
  program: Program<ComputeMarket>,
  market: PublicKey,
  supplier: PublicKey,
  hours: number,
  now: number,
) {
  const [m, s] = await Promise.all([
    program.account.marketConfig.fetch(market),
    program.account.supplier.fetch(supplier),
  ]);
  const priceStable = BigInt(s.hourlyPrice.toString()) * BigInt(hours);
  const feeStable = ceilDiv(priceStable * BigInt(m.feeBps), BigInt(MAX_BPS));
  const stable: Quote = {
    mint: m.stableMint,
    price: priceStable,
    fee: feeStable,
    total: priceStable + feeStable,
  };
  const tokenPrice = BigInt(m.tokenPrice.toString());
  const minTokenPrice = BigInt(s.minTokenPrice.toString());
  const fresh = tokenPrice > 0n && now - Number(m.tokenPriceUpdatedAt) <= Number(m.maxPriceStaleness);
  const tokenUnavailable: TokenUnavailable | undefined = !fresh
    ? "stale-price"
    : tokenPrice < minTokenPrice
      ? "below-supplier-floor"
      : undefined;
  let token: Quote | undefined;
  if (!tokenUnavailable) {
    const { decimals } = await getMint(program.provider.connection, m.tokenMint);
    const scale = 10n ** BigInt(decimals);
    const waived = (feeStable * BigInt(m.tokenDiscountBps)) / BigInt(MAX_BPS);
    const price = ceilDiv(priceStable * scale, tokenPrice);
    const fee = ceilDiv((feeStable - waived) * scale, tokenPrice);
    token = { mint: m.tokenMint, price, fee, total: price + fee };
  }
  return {
    stable,
    token,
    tokenUnavailable,
    tokenPrice,
    minTokenPrice,
    supplierOwner: s.owner,
    hourlyPrice: BigInt(s.hourlyPrice.toString()),
  };
}

/**
 * The last moment (unix seconds) the supplier may start a rental, as the program computes it:
 * `startTimeout` after creation plus the time the market has been paused since. After it,
 * anyone may `reclaimExpired`.
 */
export function startDeadline(
  market: { startTimeout: BN; paused: boolean; pausedAt: BN; pausedSeconds: BN },
  rental: { createdAt: BN; pausedSecondsAtCreation: BN },
  now: number,
): number {
  const pausedNow = market.paused ? Math.max(0, now - market.pausedAt.toNumber()) : 0;
  const pausedSinceCreation =
    market.pausedSeconds.toNumber() + pausedNow - rental.pausedSecondsAtCreation.toNumber();
  return rental.createdAt.toNumber() + market.startTimeout.toNumber() + pausedSinceCreation;
}

/** The range of token prices one `set_token_price` may move to from `previous` (unset: any positive). */
export function tokenPriceRange(previous: bigint): { min: bigint; max: bigint } {
  if (previous === 0n) return { min: 1n, max: 2n ** 64n - 1n };
  const change = (previous * BigInt(MAX_PRICE_CHANGE_BPS)) / BigInt(MAX_BPS);
  const max = previous + change;
  return { min: previous - change, max: max > 2n ** 64n - 1n ? 2n ** 64n - 1n : max };
}

export async function createRental(
  program: Program<ComputeMarket>,
  p: {
    market: PublicKey;
    supplier: PublicKey;
    rentalId: bigint;
    hours: number;
    mint: PublicKey;
    maxAmount: bigint;
    from?: PublicKey;
  },
) {
  const customer = program.provider.publicKey!;
  const signature = await program.methods
    .createRental({
      rentalId: new BN(p.rentalId.toString()),
      hours: p.hours,
      maxAmount: new BN(p.maxAmount.toString()),
    })
    .accountsPartial({
      customer,
      market: p.market,
      supplier: p.supplier,
      rental: rentalAddress(p.market, customer, p.rentalId, program.programId),
      paymentMint: p.mint,
      customerTokenAccount: p.from ?? getAssociatedTokenAddressSync(p.mint, customer),
      escrowVault: escrowVaultAddress(p.market, p.mint, program.programId),
    })
    .rpc();
  return { rental: rentalAddress(p.market, customer, p.rentalId, program.programId), signature };
}

export async function startRental(program: Program<ComputeMarket>, rental: PublicKey) {
  const r = await program.account.rental.fetch(rental);
  return program.methods
    .startRental()
    .accountsPartial({ owner: program.provider.publicKey!, market: r.market, supplier: r.supplier, rental })
    .rpc();
}

/** Accounts of settle/cancel/reclaim, with the parties' associated token accounts by default. */
async function paymentAccounts(program: Program<ComputeMarket>, rental: PublicKey) {
  const r = await program.account.rental.fetch(rental);
  const m = await program.account.marketConfig.fetch(r.market);
  const payer = program.provider.publicKey!;
  // every party's associated account must exist to be paid: create the missing ones (idempotent)
  const ensure = [r.customer, r.supplierOwner, m.treasury].map((owner) =>
    createAssociatedTokenAccountIdempotentInstruction(
      payer,
      getAssociatedTokenAddressSync(r.paymentMint, owner, true),
      owner,
      r.paymentMint,
    ),
  );
  return {
    r,
    ensure,
    base: {
      market: r.market,
      supplier: r.supplier,
      rental,
      customer: r.customer,
      paymentMint: r.paymentMint,
      escrowVault: escrowVaultAddress(r.market, r.paymentMint, program.programId),
      customerTokenAccount: getAssociatedTokenAddressSync(r.paymentMint, r.customer, true),
    },
    supplierTokenAccount: getAssociatedTokenAddressSync(r.paymentMint, r.supplierOwner, true),
    treasuryTokenAccount: getAssociatedTokenAddressSync(r.paymentMint, m.treasury, true),
  };
}

export async function settleRental(
  program: Program<ComputeMarket>,
  rental: PublicKey,
  deliveredHours: number,
) {
  const a = await paymentAccounts(program, rental);
  return program.methods
    .settleRental(deliveredHours)
    .accountsPartial({
      ...a.base,
      settler: program.provider.publicKey!,
      supplierTokenAccount: a.supplierTokenAccount,
      treasuryTokenAccount: a.treasuryTokenAccount,
    })
    .preInstructions(a.ensure)
    .rpc();
}

export async function cancelRental(program: Program<ComputeMarket>, rental: PublicKey) {
  const a = await paymentAccounts(program, rental);
  return program.methods
    .cancelRental()
    .accountsPartial({ ...a.base, caller: program.provider.publicKey! })
    .rpc();
}

export async function reclaimExpired(program: Program<ComputeMarket>, rental: PublicKey) {
  const a = await paymentAccounts(program, rental);
  return program.methods
    .reclaimExpired()
    .accountsPartial({ ...a.base, caller: program.provider.publicKey! })
    .rpc();
}

export async function disputeRental(program: Program<ComputeMarket>, rental: PublicKey) {
  const r = await program.account.rental.fetch(rental);
  return program.methods
    .disputeRental()
    .accountsPartial({ customer: program.provider.publicKey!, rental, market: r.market })
    .rpc();
}

/** Market authority: creates the escrow vaults of both accepted mints. */
export async function initEscrowVaults(program: Program<ComputeMarket>, market: PublicKey) {
  const m = await program.account.marketConfig.fetch(market);
  for (const mint of [m.stableMint, m.tokenMint]) {
    await program.methods
      .initEscrowVault()
      .accountsPartial({
        authority: program.provider.publicKey!,
        market,
        mint,
        escrowVault: escrowVaultAddress(market, mint, program.programId),
      })
      .rpc();
  }
}

/** Price authority: stablecoin base units per whole market token. */
export async function setTokenPrice(program: Program<ComputeMarket>, market: PublicKey, tokenPrice: bigint) {
  return program.methods
    .setTokenPrice(new BN(tokenPrice.toString()))
    .accountsPartial({ priceAuthority: program.provider.publicKey!, market })
    .rpc();
}

/** `minTokenPrice`: lowest token price accepted for token payment (0 / unset: any; 2^64 - 1: none). */
export async function registerSupplier(
  program: Program<ComputeMarket>,
  market: PublicKey,
  offer: { gpuModel: string; gpuCount: number; hourlyPrice: bigint; minTokenPrice?: bigint },
) {
  const owner = program.provider.publicKey!;
  await program.methods
    .registerSupplier({
      gpuModel: offer.gpuModel,
      gpuCount: offer.gpuCount,
      hourlyPrice: new BN(offer.hourlyPrice.toString()),
      minTokenPrice: new BN((offer.minTokenPrice ?? 0n).toString()),
    })
    .accountsPartial({ owner, market, supplier: supplierAddress(market, owner, program.programId) })
    .rpc();
  return supplierAddress(market, owner, program.programId);
}

/** Supplier: changes the offer of the provider's wallet on `market`; unset fields stay. */
export async function updateOffer(
  program: Program<ComputeMarket>,
  market: PublicKey,
  change: { gpuCount?: number; hourlyPrice?: bigint; active?: boolean; minTokenPrice?: bigint },
) {
  const owner = program.provider.publicKey!;
  const bn = (v?: bigint) => (v === undefined ? null : new BN(v.toString()));
  return program.methods
    .updateOffer({
      gpuCount: change.gpuCount ?? null,
      hourlyPrice: bn(change.hourlyPrice),
      active: change.active ?? null,
      minTokenPrice: bn(change.minTokenPrice),
    })
    .accountsPartial({ owner, supplier: supplierAddress(market, owner, program.programId) })
    .rpc();
}

/** Rental account layout: discriminator (8), market (32), customer (32), supplier (32), supplier_owner (32). */
const RENTAL_OFFSETS = { market: 8, customer: 40, supplier: 72, supplierOwner: 104 } as const;

/**
 * The open rentals (accounts not yet closed) of `key` in `market`, as customer or as supplier
 * owner. Uses `getProgramAccounts` with memcmp filters; where the RPC lacks it (the local test
 * chain), finds the candidates among the accounts of the transactions that touched the key or its
 * supplier account instead.
 */
export async function openRentals(program: Program<ComputeMarket>, market: PublicKey, key: PublicKey) {
  const by = (field: "customer" | "supplierOwner") =>
    program.account.rental.all([
      { memcmp: { offset: RENTAL_OFFSETS.market, bytes: market.toBase58() } },
      { memcmp: { offset: RENTAL_OFFSETS[field], bytes: key.toBase58() } },
    ]);
  try {
    const [asCustomer, asSupplier] = await Promise.all([by("customer"), by("supplierOwner")]);
    return { asCustomer, asSupplier };
  } catch (err) {
    if (!/getProgramAccounts/.test(String(err))) throw err;
  }
  const connection = program.provider.connection;
  const candidates = new Set<string>();
  for (const address of [key, supplierAddress(market, key, program.programId)]) {
    const sigs = await connection.getSignaturesForAddress(address, { limit: 1_000 });
    for (const s of sigs) {
      const tx = await connection.getTransaction(s.signature, { maxSupportedTransactionVersion: 0 });
      for (const k of tx?.transaction.message.staticAccountKeys ?? []) candidates.add(k.toBase58());
    }
  }
  const keys = [...candidates].map((k) => new PublicKey(k));
  const infos = keys.length ? await connection.getMultipleAccountsInfo(keys) : [];
  const found = [];
  for (const [i, info] of infos.entries()) {
    if (!info || !info.owner.equals(program.programId)) continue;
    try {
      const account = program.coder.accounts.decode("rental", info.data);
      if (account.market.equals(market)) found.push({ publicKey: keys[i], account });
    } catch {
      /* another account type */
    }
  }
  type Found = Awaited<ReturnType<typeof program.account.rental.all>>;
  return {
    asCustomer: found.filter((r) => r.account.customer.equals(key)) as Found,
    asSupplier: found.filter((r) => r.account.supplierOwner.equals(key)) as Found,
  };
}
