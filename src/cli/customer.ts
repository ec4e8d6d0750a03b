// `cm customer`: quote, rent (create), start, settle, cancel, reclaim, dispute, withdraw: rentals
// on Solana (src/solana/escrow.ts) or on Arbitrum (RentalEscrow, src/evm/escrow.ts), by --chain.
import { getAccount, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { Command, Option } from "commander";
import { z } from "zod";

import { report } from "../errors.js";
import { erc20Denomination, evmSigner } from "../evm/context.js";
import { EvmCurrency, evmCredits, withdrawEvmCredits } from "../evm/escrow.js";
import { arbitrumRecord } from "../evm/records.js";
import type { SolanaContext } from "../solana/context.js";
import * as sol from "../solana/escrow.js";
import { formatAmount, parseAmount } from "../units.js";

import {
  emit,
  EvmAddress,
  evmConnection,
  NonNegativeInt,
  opt,
  PositiveInt,
  solana,
  solanaPubkey,
  withChain,
  withDryRun,
  withOutput,
  type ChainOptions,
} from "./common.js";

// ------------------------------------------------------------------ Arbitrum plumbing

export async function arbitrumMarket(o: { network?: string; rpcUrl?: string; account: string }) {
  const conn = await evmConnection(o.network ?? "localArbitrum", o.rpcUrl);
  let record;
  try {
    record = arbitrumRecord(conn.networkName);
  } catch (err) {
    throw new Error(`--network '${conn.networkName}': ${(err as Error).message}`);
  }
  const signer = await evmSigner(conn.ethers, o.account);
  const types = await import("../../types/ethers-contracts/index.js");
  const escrow = types.RentalEscrow__factory.connect(record.addresses.rentalEscrow, signer);
  const erc20 = (a: string) => types.IERC20Metadata__factory.connect(a, signer);
  const stable = await erc20Denomination(conn.ethers, record.addresses.stablecoin);
  const token = await erc20Denomination(conn.ethers, record.addresses.token);
  return { conn, record, signer, escrow, erc20, stable, token };
}

/** A rental on Solana is named by its address; `<customer>:<id>` also works. */
export function solanaRental(ctx: SolanaContext, ref: string): PublicKey {
  const m = /^(\w+):(\d+)$/.exec(ref);
  if (m) return sol.rentalAddress(ctx.market, solanaPubkey(m[1], "--rental"), BigInt(m[2]));
  return solanaPubkey(ref, "--rental");
}

async function solanaNow(ctx: SolanaContext) {
  return (await ctx.connection.getBlockTime(await ctx.connection.getSlot())) ?? Math.floor(Date.now() / 1000);
}

async function splBalance(ctx: SolanaContext, mint: PublicKey, owner: PublicKey): Promise<bigint> {
  try {
    return (await getAccount(ctx.connection, getAssociatedTokenAddressSync(mint, owner))).amount;
  } catch {
    return 0n; // no token account: nothing held
  }
}

// ------------------------------------------------------------------ commands

export function quoteCommand() {
  return withOutput(withChain(new Command("quote")))
    .description("price of a rental in the stablecoin and in the token, side by side")
    .requiredOption("--supplier <address>", "the supplier (Solana: its owner's address)")
    .requiredOption("--hours <n>", "hours of GPU time")
    .action(async (o: ChainOptions & { supplier: string; hours: string }) => {
      const hours = opt(PositiveInt, o.hours, "--hours");
      const fmt = (q: { price: bigint; fee: bigint; total: bigint }, d: Parameters<typeof formatAmount>[1]) =>
        `price ${formatAmount(q.price, d)}  fee ${formatAmount(q.fee, d)}  total ${formatAmount(q.total, d)}`;
      if (o.chain === "solana") {
        const ctx = solana(o, false);
        const owner = solanaPubkey(o.supplier, "--supplier");
        const supplier = sol.supplierAddress(ctx.market, owner);
        if (!(await ctx.connection.getAccountInfo(supplier)))
          throw new Error(`--supplier ${o.supplier}: no offer on ${ctx.network}`);
        const q = await sol.quoteRental(ctx.program, ctx.market, supplier, hours, await solanaNow(ctx));
        const [st, tk] = [await ctx.denomination(ctx.stableMint), await ctx.denomination(ctx.tokenMint)];
        const result = {
          chain: "solana",
          supplier: o.supplier,
          hours,
          stable: q.stable,
          token: q.token ?? null,
          tokenUnavailable: q.tokenUnavailable ?? null,
        };
        emit(o, result, [
          `${hours} h of ${o.supplier} on Solana:`,
          `  stablecoin  ${fmt(q.stable, st)}`,
          q.token
            ? `  token       ${fmt(q.token, tk)}  (fee discounted)`
            : q.tokenUnavailable === "below-supplier-floor"
              ? `  token       unavailable: price ${formatAmount(q.tokenPrice, st)} per CMT is below the supplier's floor ${formatAmount(q.minTokenPrice, st)}`
              : "  token       unavailable: no fresh token price",
        ]);
      } else {
        const ctx = await arbitrumMarket(o);
        const supplier = opt(EvmAddress, o.supplier, "--supplier");
        const [sp, sf] = await report("quote", ctx.escrow.quote(supplier, hours, EvmCurrency.stable));
        const stable = { price: sp, fee: sf, total: sp + sf };
        let token: typeof stable | null = null;
        let tokenUnavailable: string | null = null;
        try {
          const [tp, tf] = await ctx.escrow.quote(supplier, hours, EvmCurrency.token);
          token = { price: tp, fee: tf, total: tp + tf };
        } catch (err) {
          // EscrowStalePrice, EscrowTokenPriceBelowFloor (the supplier's floor) or EscrowTokenPaymentDisabled
          tokenUnavailable =
            (err as { revert?: { name?: string } }).revert?.name ??
            /custom error '([^']+)'/.exec((err as Error).message)?.[1] ??
            "no fresh token price";
        }
        emit(o, { chain: "arbitrum", supplier, hours, stable, token, tokenUnavailable }, [
          `${hours} h of ${supplier} on Arbitrum:`,
          `  stablecoin  ${fmt(stable, ctx.stable)}`,
          token
            ? `  token       ${fmt(token, ctx.token)}  (fee discounted)`
            : `  token       unavailable: ${tokenUnavailable}`,
        ]);
      }
    });
}

export function createCommand(name = "create") {
  return withOutput(withDryRun(withChain(new Command(name))))
    .description("pay a rental into escrow")
    .requiredOption("--supplier <address>", "the supplier (Solana: its owner's address)")
    .requiredOption("--hours <n>", "hours of GPU time")
    .addOption(
      new Option("--pay <currency>", "stable | token").choices(["stable", "token"]).default("stable"),
    )
    .option("--max-amount <amount>", "slippage guard in the paying coin, e.g. 220.5 (default: the quote)")
    .option("--rental-id <n>", "Solana: your id for this rental (default: the current time)")
    .action(
      async (
        o: ChainOptions & {
          supplier: string;
          hours: string;
          pay: "stable" | "token";
          maxAmount?: string;
          rentalId?: string;
        },
      ) => {
        const hours = opt(PositiveInt, o.hours, "--hours");
        if (o.chain === "solana") {
          const ctx = solana(o, true);
          const supplier = sol.supplierAddress(ctx.market, solanaPubkey(o.supplier, "--supplier"));
          if (!(await ctx.connection.getAccountInfo(supplier)))
            throw new Error(`--supplier ${o.supplier}: no offer on ${ctx.network}`);
          const q = await sol.quoteRental(ctx.program, ctx.market, supplier, hours, await solanaNow(ctx));
          const chosen = o.pay === "stable" ? q.stable : q.token;
          if (!chosen) {
            throw new Error(
              q.tokenUnavailable === "below-supplier-floor"
                ? "--pay token: the token price is below the supplier's floor: pay in the stablecoin"
                : "--pay token: no fresh token price: pay in the stablecoin or retry later",
            );
          }
          const rentalId =
            o.rentalId === undefined
              ? BigInt(Date.now())
              : opt(
                  z.coerce
                    .bigint()
                    .nonnegative()
                    .max(2n ** 64n - 1n),
                  o.rentalId,
                  "--rental-id",
                );
          const coin = await ctx.denomination(chosen.mint);
          const maxAmount = o.maxAmount ? parseAmount(o.maxAmount, coin, "--max-amount") : chosen.total;
          const customer = ctx.signer.publicKey;
          const held = await splBalance(ctx, chosen.mint, customer);
          if (held < chosen.total)
            throw new Error(
              `--hours ${hours}: costs ${formatAmount(chosen.total, coin)}, ${customer.toBase58()} holds only ${formatAmount(held, coin)}`,
            );
          const rental = sol.rentalAddress(ctx.market, customer, rentalId);
          if (await ctx.connection.getAccountInfo(rental))
            throw new Error(
              `--rental-id ${rentalId}: ${customer.toBase58()} already has a rental with this id`,
            );
          const result = {
            chain: "solana",
            rental: rental.toBase58(),
            ref: `${customer.toBase58()}:${rentalId}`,
            hours,
            pay: o.pay,
            total: chosen.total,
            maxAmount,
            sent: false,
            signature: null as string | null,
          };
          const head = `rental ${result.ref}: ${formatAmount(chosen.total, coin)} (max ${formatAmount(maxAmount, coin)})`;
          if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
          const { signature } = await report(
            "create",
            sol.createRental(ctx.program, {
              market: ctx.market,
              supplier,
              rentalId,
              hours,
              mint: chosen.mint,
              maxAmount,
            }),
          );
          emit(o, { ...result, sent: true, signature }, [head, `created ${rental.toBase58()}`]);
        } else {
          const ctx = await arbitrumMarket(o);
          const supplier = opt(EvmAddress, o.supplier, "--supplier");
          const currency = EvmCurrency[o.pay];
          const [price, fee] = await report("quote", ctx.escrow.quote(supplier, hours, currency));
          const coin = o.pay === "stable" ? ctx.stable : ctx.token;
          const maxAmount = o.maxAmount ? parseAmount(o.maxAmount, coin, "--max-amount") : price + fee;
          const asset = ctx.erc20(
            o.pay === "stable" ? ctx.record.addresses.stablecoin : ctx.record.addresses.token,
          );
          const held = await asset.balanceOf(ctx.signer.address);
          if (held < price + fee)
            throw new Error(
              `--hours ${hours}: costs ${formatAmount(price + fee, coin)}, ${ctx.signer.address} holds only ${formatAmount(held, coin)}`,
            );
          const result = {
            chain: "arbitrum",
            rentalId: null as bigint | null,
            hours,
            pay: o.pay,
            total: price + fee,
            maxAmount,
            sent: false,
            tx: null as string | null,
          };
          const head = `rental of ${hours} h: ${formatAmount(price + fee, coin)} (max ${formatAmount(maxAmount, coin)})`;
          if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
          await (await asset.approve(ctx.record.addresses.rentalEscrow, maxAmount)).wait();
          const receipt = await (
            await report("create", ctx.escrow.createRental(supplier, hours, currency, maxAmount))
          ).wait();
          const event = receipt!.logs
            .map((l) => ctx.escrow.interface.parseLog(l))
            .find((e) => e?.name === "RentalCreated");
          const rentalId = event!.args.rentalId as bigint;
          emit(o, { ...result, rentalId, sent: true, tx: receipt!.hash }, [
            head,
            `created rental ${rentalId}`,
          ]);
        }
      },
    );
}

export const LIFECYCLE = {
  start: "supplier: start a rental",
  cancel: "customer: cancel a rental not yet started (full refund)",
  reclaim: "anyone: refund a rental not started within the timeout",
  dispute: "customer: dispute a rental within the window",
  settle:
    "settle a rental (authority: any delivered hours; anyone: full delivery after the window, or one window later on an unresolved dispute)",
} as const;

export function lifecycleCommand(name: keyof typeof LIFECYCLE) {
  const cmd = withOutput(withDryRun(withChain(new Command(name))))
    .description(LIFECYCLE[name])
    .requiredOption("--rental <ref>", "Solana: rental address or <customer>:<id>; Arbitrum: rental id");
  if (name === "settle") cmd.option("--delivered <hours>", "delivered hours (default: all)");
  return cmd.action(async (o: ChainOptions & { rental: string; delivered?: string }) => {
    if (o.chain === "solana") {
      const ctx = solana(o, true);
      const rental = solanaRental(ctx, o.rental);
      const r = await ctx.program.account.rental.fetchNullable(rental);
      if (!r) throw new Error(`--rental ${o.rental}: no open rental ${rental.toBase58()} on ${ctx.network}`);
      const delivered = o.delivered === undefined ? r.hours : opt(NonNegativeInt, o.delivered, "--delivered");
      const head = `${name} ${rental.toBase58()} (${r.gpuCount} x ${r.gpuModel})${name === "settle" ? ` (${delivered}/${r.hours} h delivered)` : ""}`;
      const result = {
        chain: "solana",
        action: name,
        rental: rental.toBase58(),
        delivered: name === "settle" ? delivered : null,
        sent: false,
        signature: null as string | null,
      };
      if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
      const send = {
        start: () => sol.startRental(ctx.program, rental),
        cancel: () => sol.cancelRental(ctx.program, rental),
        reclaim: () => sol.reclaimExpired(ctx.program, rental),
        dispute: () => sol.disputeRental(ctx.program, rental),
        settle: () => sol.settleRental(ctx.program, rental, delivered),
      }[name];
      const signature = await report(name, send());
      emit(o, { ...result, sent: true, signature }, [head, `done: ${signature}`]);
    } else {
      const ctx = await arbitrumMarket(o);
      const id = opt(z.coerce.bigint().positive("not a rental id"), o.rental, "--rental");
      const r = await ctx.escrow.rentals(id);
      if (r.customer === "0x0000000000000000000000000000000000000000")
        throw new Error(`--rental ${o.rental}: no rental ${id} on ${ctx.conn.networkName}`);
      const delivered =
        o.delivered === undefined ? r.hours_ : BigInt(opt(NonNegativeInt, o.delivered, "--delivered"));
      const head = `${name} rental ${id}${name === "settle" ? ` (${delivered}/${r.hours_} h delivered)` : ""}`;
      const result = {
        chain: "arbitrum",
        action: name,
        rental: id,
        delivered: name === "settle" ? delivered : null,
        sent: false,
        tx: null as string | null,
      };
      if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
      const send = {
        start: () => ctx.escrow.startRental(id),
        cancel: () => ctx.escrow.cancelRental(id),
        reclaim: () => ctx.escrow.reclaimExpired(id),
        dispute: () => ctx.escrow.disputeRental(id),
        settle: () => ctx.escrow.settleRental(id, delivered),
      }[name];
      const receipt = await report(
        name,
        send().then((tx) => tx.wait()),
      );
      emit(o, { ...result, sent: true, tx: receipt!.hash }, [head, `done: ${receipt!.hash}`]);
    }
  });
}

export function withdrawCommand() {
  return withOutput(withDryRun(withChain(new Command("withdraw"))))
    .description("Arbitrum: pay out an account's credits (payouts its token refused, e.g. while blocklisted)")
    .option("--for <address>", "the account credited (default: the signer); funds only ever go to it")
    .action(async (o: ChainOptions & { for?: string }) => {
      if (o.chain !== "arbitrum")
        throw new Error("--chain solana: withdraw is Arbitrum only (Solana pays out directly)");
      const ctx = await arbitrumMarket(o);
      const account = o.for ? opt(EvmAddress, o.for, "--for") : ctx.signer.address;
      const credits = await evmCredits(ctx.escrow, account);
      const head = `credits of ${account}: ${formatAmount(credits.stable.amount, ctx.stable)}, ${formatAmount(credits.token.amount, ctx.token)}`;
      const result = {
        account,
        stable: credits.stable.amount,
        token: credits.token.amount,
        sent: false,
        txs: [] as string[],
      };
      if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
      const { receipts } = await report("withdraw", withdrawEvmCredits(ctx.escrow, account));
      const txs = receipts.map((r) => r!.hash);
      emit(o, { ...result, sent: true, txs }, [
        head,
        txs.length ? `done: ${txs.join(", ")}` : "nothing to withdraw",
      ]);
    });
}

export function customerCommands() {
  const group = new Command("customer").description(
    "rent GPUs: quote, rent, start, settle, cancel, reclaim, dispute, withdraw",
  );
  group.addCommand(quoteCommand());
  group.addCommand(createCommand("rent"));
  for (const name of Object.keys(LIFECYCLE) as (keyof typeof LIFECYCLE)[])
    group.addCommand(lifecycleCommand(name));
  group.addCommand(withdrawCommand());
  return group;
}
