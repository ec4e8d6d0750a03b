// RentalEscrow on Arbitrum: config, deployment and the customer/supplier calls the CLI makes.
import { readFileSync } from "node:fs";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { encodeBytes32String, type Signer } from "ethers";
import { z } from "zod";

import {
  ManualPriceOracle__factory,
  type ManualPriceOracle,
  type RentalEscrow,
} from "../../types/ethers-contracts/index.js";
import { report } from "../errors.js";
import { formatAmount, parseAmount } from "../units.js";

import { erc20Denomination } from "./context.js";

const HOUR = 3_600;
const DAY = 24 * HOUR;

// The same bounds as the contracts' constants (IRentalEscrow, IManualPriceOracle): a config out
// of them is refused here, before anything is sent.
export const EscrowConfigSchema = z.object({
  feeBps: z.number().int().min(0).max(2_000),
  tokenDiscountBps: z.number().int().min(0).max(10_000),
  maxPriceStalenessSeconds: z.number().int().min(60).max(DAY),
  startTimeoutSeconds: z
    .number()
    .int()
    .min(5 * 60)
    .max(7 * DAY),
  disputeWindowSeconds: z
    .number()
    .int()
    .min(HOUR)
    .max(30 * DAY),
  maxPriceDeviationBps: z.number().int().min(1).max(5_000),
  initialTokenPrice: z.string().regex(/^[1-9]\d*$/),
});
export type EscrowConfig = z.infer<typeof EscrowConfigSchema>;

export function loadEscrowConfig(file: string): EscrowConfig {
  const parsed = EscrowConfigSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`invalid ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const EvmCurrency = { stable: 0, token: 1 } as const;

/** `minTokenPrice` with which an offer refuses payment in the token (`NO_TOKEN_PAYMENT`, uint128 max). */
export const NO_TOKEN_PAYMENT = 2n ** 128n - 1n;

export async function deployRentalEscrow(
  ethers: HardhatEthers,
  config: EscrowConfig,
  p: { stable: string; token: string; treasury: string; deployer?: Signer },
) {
  const deployer = p.deployer ?? (await ethers.getSigners())[0];
  const admin = await deployer.getAddress();
  const oracle = (await ethers.deployContract(
    "ManualPriceOracle",
    [admin, admin, config.maxPriceDeviationBps],
    deployer,
  )) as unknown as ManualPriceOracle;
  await (await oracle.setPrice(BigInt(config.initialTokenPrice))).wait();
  const escrow = (await ethers.deployContract(
    "RentalEscrow",
    [
      {
        stable: p.stable,
        token: p.token,
        oracle: await oracle.getAddress(),
        treasury: p.treasury,
        admin,
        feeBps: config.feeBps,
        tokenDiscountBps: config.tokenDiscountBps,
        maxPriceStaleness: config.maxPriceStalenessSeconds,
        startTimeout: config.startTimeoutSeconds,
        disputeWindow: config.disputeWindowSeconds,
      },
    ],
    deployer,
  )) as unknown as RentalEscrow;
  return {
    escrow,
    oracle,
    addresses: { rentalEscrow: await escrow.getAddress(), priceOracle: await oracle.getAddress() },
  };
}

export interface EvmOffer {
  gpuModel: string;
  gpuCount: number;
  /** stablecoin base units per hour of the whole offer */
  hourlyPrice: bigint;
  /** lowest token price (stablecoin base units per whole token) accepted for token payment; 0: any */
  minTokenPrice?: bigint;
  /** false: refuse token payment altogether (overrides minTokenPrice) */
  acceptToken?: boolean;
  active?: boolean;
}

/** The supplier (the escrow's signer) lists or updates its offer. */
export async function setEvmOffer(escrow: RentalEscrow, o: EvmOffer) {
  const minTokenPrice = o.acceptToken === false ? NO_TOKEN_PAYMENT : (o.minTokenPrice ?? 0n);
  return escrow.setOffer(
    encodeBytes32String(o.gpuModel),
    o.gpuCount,
    o.hourlyPrice,
    minTokenPrice,
    o.active ?? true,
  );
}

/** What `account` has credited in each currency: payouts the token refused (e.g. a blocklist). */
export async function evmCredits(escrow: RentalEscrow, account: string) {
  const [stable, token] = await Promise.all([escrow.stable(), escrow.token()]);
  const [s, t] = await Promise.all([escrow.credits(account, stable), escrow.credits(account, token)]);
  return { stable: { token: stable, amount: s }, token: { token, amount: t } };
}

/**
 * Pays `account` its credits (anyone may send this; the funds only go to `account`). Returns the
 * transactions sent, one per currency with a non-zero credit.
 */
export async function withdrawEvmCredits(escrow: RentalEscrow, account: string) {
  const credits = await evmCredits(escrow, account);
  const sent = [];
  for (const c of [credits.stable, credits.token]) {
    if (c.amount > 0n) sent.push(await (await escrow.withdraw(c.token, account)).wait());
  }
  return { credits, receipts: sent };
}

export interface SetPriceResult {
  oracle: string;
  price: bigint;
  display: string;
  sent: boolean;
  tx?: string;
}

/** The price relayer (PRICE_SETTER_ROLE) posts the market token's price (stablecoin per whole
 *  token, e.g. "2.5") to the escrow's oracle. */
export async function setEvmTokenPrice(
  ctx: {
    ethers: HardhatEthers;
    signer: Signer;
    record: { addresses: { stablecoin: string; priceOracle: string } };
  },
  priceText: string,
  opts: { dryRun: boolean },
): Promise<SetPriceResult> {
  const stable = await erc20Denomination(ctx.ethers, ctx.record.addresses.stablecoin);
  const price = parseAmount(priceText, stable, "--price");
  if (price === 0n) throw new Error(`--price '${priceText}': must be above 0`);
  const oracle = ManualPriceOracle__factory.connect(ctx.record.addresses.priceOracle, ctx.signer);
  const result: SetPriceResult = {
    oracle: ctx.record.addresses.priceOracle,
    price,
    display: formatAmount(price, stable),
    sent: false,
  };
  if (opts.dryRun) return result;
  const receipt = await report(
    "set-price",
    oracle.setPrice(price).then((tx) => tx.wait()),
  );
  return { ...result, sent: true, tx: receipt!.hash };
}

export function describeSetPrice(r: SetPriceResult): string[] {
  return [`token price ${r.display} per token on ${r.oracle}`, r.sent ? "price set" : "dry run: not sent"];
}
