// `cm supplier`: offer (list or update a GPU offer), start a rental, withdraw credits (Arbitrum),
// claim ignition subsidies (Solana, from an epoch artifact).
import { Command } from "commander";
import { z } from "zod";

import { report } from "../errors.js";
import { setEvmOffer } from "../evm/escrow.js";
import * as sol from "../solana/escrow.js";
import { formatAmount, parseAmount, type Denomination } from "../units.js";

import {
  emit,
  opt,
  PositiveInt,
  solana,
  withChain,
  withDryRun,
  withOutput,
  type ChainOptions,
} from "./common.js";
import { arbitrumMarket, lifecycleCommand, withdrawCommand } from "./customer.js";
import { subsidyCommands } from "./subsidy.js";

const U64_MAX = 2n ** 64n - 1n;

export function offerCommand() {
  return withOutput(withDryRun(withChain(new Command("offer"))))
    .description("supplier: list or update a GPU offer")
    .requiredOption("--gpu-model <name>", "e.g. H100-80GB")
    .requiredOption("--gpu-count <n>", "GPUs in the offer")
    .requiredOption("--hourly-price <amount>", "stablecoin per hour of the whole offer, e.g. 20 or 19.5")
    .option(
      "--min-token-price <amount>",
      "lowest token price (stablecoin per whole token, e.g. 2) accepted for payment in the token",
      "0",
    )
    .option("--no-token", "refuse payment in the market token")
    .action(
      async (
        o: ChainOptions & {
          gpuModel: string;
          gpuCount: string;
          hourlyPrice: string;
          minTokenPrice: string;
          token: boolean;
        },
      ) => {
        const gpuCount = opt(PositiveInt.max(65_535), o.gpuCount, "--gpu-count");
        const gpuModel = opt(z.string().min(1).max(31), o.gpuModel, "--gpu-model");
        const priced = (coin: Denomination) => {
          const hourlyPrice = parseAmount(o.hourlyPrice, coin, "--hourly-price");
          if (hourlyPrice === 0n) throw new Error(`--hourly-price '${o.hourlyPrice}': must be above 0`);
          return hourlyPrice;
        };
        if (o.chain === "solana") {
          const ctx = solana(o, !o.dryRun);
          const stable = await ctx.denomination(ctx.stableMint);
          const hourlyPrice = priced(stable);
          // the program's "stablecoin only" is a floor no price reaches: u64::MAX
          const minTokenPrice = o.token ? parseAmount(o.minTokenPrice, stable, "--min-token-price") : U64_MAX;
          if (minTokenPrice > U64_MAX) throw new Error(`--min-token-price '${o.minTokenPrice}': too large`);
          const owner = ctx.signer.publicKey;
          const supplier = sol.supplierAddress(ctx.market, owner);
          const result = {
            chain: "solana",
            supplier: supplier.toBase58(),
            owner: owner.toBase58(),
            gpuModel,
            gpuCount,
            hourlyPrice,
            minTokenPrice,
            sent: false,
            signature: null as string | null,
          };
          const head = `offer ${gpuCount} x ${gpuModel} at ${formatAmount(hourlyPrice, stable)}/h`;
          if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
          const exists = await ctx.connection.getAccountInfo(supplier);
          const offer = { gpuModel, gpuCount, hourlyPrice, minTokenPrice };
          await report<unknown>(
            "offer",
            exists
              ? sol.updateOffer(ctx.program, ctx.market, {
                  gpuCount,
                  hourlyPrice,
                  minTokenPrice,
                  active: true,
                })
              : sol.registerSupplier(ctx.program, ctx.market, offer),
          );
          emit(o, { ...result, sent: true }, [
            head,
            `supplier ${supplier.toBase58()} (owner ${owner.toBase58()})`,
          ]);
        } else {
          const ctx = await arbitrumMarket(o);
          const hourlyPrice = priced(ctx.stable);
          const minTokenPrice = parseAmount(o.minTokenPrice, ctx.stable, "--min-token-price");
          const result = {
            chain: "arbitrum",
            supplier: ctx.signer.address,
            gpuModel,
            gpuCount,
            hourlyPrice,
            minTokenPrice,
            acceptToken: o.token,
            sent: false,
            tx: null as string | null,
          };
          const head = `offer ${gpuCount} x ${gpuModel} at ${formatAmount(hourlyPrice, ctx.stable)}/h`;
          if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
          const receipt = await report(
            "offer",
            setEvmOffer(ctx.escrow, {
              gpuModel,
              gpuCount,
              hourlyPrice,
              minTokenPrice,
              acceptToken: o.token,
            }).then((tx) => tx.wait()),
          );
          emit(o, { ...result, sent: true, tx: receipt!.hash }, [head, `supplier ${ctx.signer.address}`]);
        }
      },
    );
}

/** A subcommand of the `subsidy` program (src/cli/subsidy.ts), under another name. */
export function subsidyCommand(name: string, as: string) {
  const cmd = subsidyCommands().commands.find((c) => c.name() === name)!;
  return (cmd as Command).name(as);
}

export function supplierCommands() {
  const group = new Command("supplier").description(
    "supply GPUs: offer, start rentals, withdraw credits, claim ignition subsidies",
  );
  group.addCommand(offerCommand());
  group.addCommand(lifecycleCommand("start"));
  group.addCommand(withdrawCommand());
  group.addCommand(
    subsidyCommand("claim", "claim").description("claim ignition subsidies (Solana) from epoch artifacts"),
  );
  return group;
}
