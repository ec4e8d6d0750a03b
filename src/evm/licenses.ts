// CheckerNode licences on Arbitrum: buying (allowlist proof found automatically), delegating their
// operation, binding referral codes. Each call returns what it did (or, on a dry run, would do);
// the Hardhat tasks and the operator CLI print it.
import { encodeBytes32String, formatEther, ZeroAddress, ZeroHash } from "ethers";
import { z } from "zod";

import { MockStablecoin__factory } from "../../types/ethers-contracts/index.js";
import { errorReason } from "../errors.js";
import { formatAmount } from "../units.js";

import { allowlistProof, allowlistTree, Currency } from "./arbitrum.js";
import { addressRef, erc20Denomination, type ArbitrumContext } from "./context.js";

export const BuyArgs = z.object({
  quantity: z.coerce.number().int().positive(),
  currency: z.enum(["eth", "stable"]),
  referral: z.string().max(31),
  /** slippage guard in wei / stablecoin units; "" = the quote */
  maxTotal: z.string().regex(/^\d*$/, "an integer amount in wei / base units"),
});

export interface BuyResult {
  buyer: string;
  quantity: number;
  currency: "eth" | "stable";
  total: bigint;
  gross: bigint;
  discount: bigint;
  /** formatted amounts, e.g. "0.4 ETH" */
  display: { total: string; gross: string; discount: string };
  allowlist: boolean;
  sent: boolean;
  firstTokenId?: bigint;
  lastTokenId?: bigint;
  tx?: string;
}

export async function buyLicenses(
  ctx: ArbitrumContext,
  args: { quantity: string | number; currency: string; referral: string; maxTotal: string },
  opts: { dryRun: boolean },
): Promise<BuyResult> {
  const parsed = BuyArgs.safeParse(args);
  if (!parsed.success) {
    const key = String(parsed.error.issues[0].path[0]) as keyof typeof args;
    const option = {
      quantity: "--quantity",
      currency: "--currency",
      referral: "--referral",
      maxTotal: "--max-total",
    }[key];
    throw new Error(`${option} '${args[key]}': ${parsed.error.issues[0].message}`);
  }
  const a = parsed.data;
  const code = a.referral ? encodeBytes32String(a.referral) : ZeroHash;
  const currency = a.currency === "eth" ? Currency.ETH : Currency.STABLE;
  const [total, gross, discount] = await ctx.sale.quote(a.quantity, currency, code).catch((err: unknown) => {
    throw new Error(`--quantity ${a.quantity}: ${errorReason(err)}`);
  });
  const stable = await erc20Denomination(ctx.ethers, ctx.record.addresses.stablecoin);
  const fmt = (v: bigint) => (currency === Currency.ETH ? `${formatEther(v)} ETH` : formatAmount(v, stable));
  const maxTotal = a.maxTotal === "" ? total : BigInt(a.maxTotal);
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
  let allowance = 0n;
  let proof: string[] = [];
  const inAllowlistPhase = now < (await ctx.sale.publicStart());
  if (inAllowlistPhase) {
    const found = allowlistProof(allowlistTree(ctx.record.allowlist), ctx.signer.address);
    if (!found)
      throw new Error(`${ctx.signer.address} is not on the allowlist and the public phase has not begun`);
    ({ allowance, proof } = found);
  }
  // refuse before sending anything: an approval would already change the chain
  const held =
    currency === Currency.ETH
      ? await ctx.ethers.provider.getBalance(ctx.signer.address)
      : await MockStablecoin__factory.connect(ctx.record.addresses.stablecoin, ctx.signer).balanceOf(
          ctx.signer.address,
        );
  if (held < total)
    throw new Error(
      `--quantity ${a.quantity}: costs ${fmt(total)}, ${ctx.signer.address} holds only ${fmt(held)}`,
    );
  const result: BuyResult = {
    buyer: ctx.signer.address,
    quantity: a.quantity,
    currency: a.currency,
    total,
    gross,
    discount,
    display: { total: fmt(total), gross: fmt(gross), discount: fmt(discount) },
    allowlist: inAllowlistPhase,
    sent: false,
  };
  if (opts.dryRun) return result;
  if (currency === Currency.STABLE) {
    const coin = MockStablecoin__factory.connect(ctx.record.addresses.stablecoin, ctx.signer);
    await (await coin.approve(ctx.record.addresses.sale, total)).wait();
  }
  const tx = await ctx.sale.buy(a.quantity, currency, code, maxTotal, allowance, proof, {
    value: currency === Currency.ETH ? total : 0n,
  });
  const receipt = await tx.wait();
  const event = receipt!.logs.map((l) => ctx.sale.interface.parseLog(l)).find((e) => e?.name === "Purchased");
  const first = event!.args.firstTokenId as bigint;
  return {
    ...result,
    sent: true,
    firstTokenId: first,
    lastTokenId: first + BigInt(a.quantity) - 1n,
    tx: receipt!.hash,
  };
}

export function describeBuy(r: BuyResult): string[] {
  const lines = [
    `quote for ${r.quantity}: ${r.display.total} (gross ${r.display.gross}, referral discount ${r.display.discount})`,
  ];
  if (!r.sent) lines.push("dry run: not bought");
  else lines.push(`bought licences ${r.firstTokenId}..${r.lastTokenId} for ${r.display.total} in ${r.tx}`);
  return lines;
}

export interface DelegateResult {
  holder: string;
  ids: bigint[];
  operator: string;
  sent: boolean;
  tx?: string;
}

/** The holder puts licences `ids` under `operator`'s operation ("" revokes). */
export async function delegateLicenses(
  ctx: ArbitrumContext,
  args: { ids: string; operator: string },
  opts: { dryRun: boolean },
): Promise<DelegateResult> {
  const parsed = z.array(z.coerce.bigint().positive()).min(1).safeParse(args.ids.split(",").filter(Boolean));
  if (!parsed.success) throw new Error(`--ids '${args.ids}': licence ids, comma-separated (e.g. 1,2,3)`);
  const ids = parsed.data;
  const operator =
    args.operator === "" ? ZeroAddress : await addressRef(ctx.ethers, args.operator, "--operator");
  for (const id of ids) {
    const owner = await ctx.license.ownerOf(id).catch(() => undefined);
    if (owner !== ctx.signer.address)
      throw new Error(`--ids ${id}: licence ${id} is not held by ${ctx.signer.address}`);
  }
  const result: DelegateResult = { holder: ctx.signer.address, ids, operator, sent: false };
  if (opts.dryRun) return result;
  const receipt = await (await ctx.license.setOperator(ids, operator)).wait();
  return { ...result, sent: true, tx: receipt!.hash };
}

export function describeDelegate(r: DelegateResult): string[] {
  return [
    `${r.holder}: licences ${r.ids.join(",")} operated by ${r.operator}`,
    r.sent ? `done in ${r.tx}` : "dry run: not sent",
  ];
}

export interface ReferralResult {
  code: string;
  referrer: string;
  manager: string;
  sent: boolean;
  tx?: string;
}

/** Binds referral code `code` to the context's signer. Codes are assigned by the referral manager
 *  (REFERRAL_ROLE on the sale), never self-registered: the transaction is sent by the first local
 *  account holding that role (the config's `roles.admin` after deploy:arbitrum). */
export async function bindReferral(
  ctx: ArbitrumContext,
  args: { code: string },
  opts: { dryRun: boolean },
): Promise<ReferralResult> {
  const parsed = z.string().min(1).max(31).safeParse(args.code);
  if (!parsed.success) throw new Error(`--code '${args.code}': 1 to 31 characters`);
  const code = parsed.data;
  const referrer = ctx.signer.address;
  const code32 = encodeBytes32String(code);
  const taken = await ctx.sale.referrerOf(code32);
  if (taken !== ZeroAddress) throw new Error(`--code ${code}: already bound to ${taken}`);
  const role = await ctx.sale.REFERRAL_ROLE();
  const signers = await ctx.ethers.getSigners();
  const holds = await Promise.all(signers.map((s) => ctx.sale.hasRole(role, s.address)));
  const manager = signers[holds.indexOf(true)];
  if (!manager)
    throw new Error(
      `no local account holds REFERRAL_ROLE on ${ctx.record.addresses.sale}: the referral manager must call registerReferralCode(${code32}, ${referrer})`,
    );
  const result: ReferralResult = { code, referrer, manager: manager.address, sent: false };
  if (opts.dryRun) return result;
  const receipt = await (await ctx.sale.connect(manager).registerReferralCode(code32, referrer)).wait();
  return { ...result, sent: true, tx: receipt!.hash };
}

export function describeReferral(r: ReferralResult): string[] {
  return [
    `referral manager ${r.manager} binds code ${r.code} to ${r.referrer}`,
    r.sent ? "registered" : "dry run: not sent",
  ];
}
