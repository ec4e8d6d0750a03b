// Ignition subsidies, the off-chain half: availability reports -> the epoch's artifact directory
// (src/epoch). Posting the root and claiming are Solana transactions (see the README).
//   npm run subsidy -- build-epoch --epoch 1 --reports availability.csv --out subsidy-1 [--network localnet | --market <pda>]
//   npm run subsidy -- sample-reports --count 100000 --out availability.csv [--include-owner <owner,...>]
//   npm run subsidy -- show --epoch-dir subsidy-1 [--supplier <pda>]
import { appendFileSync } from "node:fs";

import { PublicKey } from "@solana/web3.js";
import { Command } from "commander";
import { z } from "zod";

import { readDeployment } from "../../src/deployments.js";
import { openEpoch } from "../../src/epoch/artifact.js";
import { generateReports } from "../../src/epoch/generate.js";
import {
  buildSubsidyEpoch,
  loadSubsidyConfig,
  REPORT_COLUMNS,
  SUBSIDY_KIND,
} from "../../src/epoch/subsidy.js";
import { supplierAddress } from "../../src/solana/escrow.js";
import { SolanaPubkey } from "../../src/solana/validation.js";
import { formatAmount } from "../../src/units.js";

const FORMULA = "config/ignition/subsidy.json";
const epochNumber = z.coerce
  .bigint()
  .nonnegative()
  .max((1n << 64n) - 1n);

/** The MarketConfig PDA: --market, or the `market` of deployments/solana-<network>.json. */
function marketOf(o: { market?: string; network?: string }): string {
  if (o.market) return SolanaPubkey.parse(o.market);
  const record = z
    .object({ market: SolanaPubkey })
    .parse(readDeployment(`solana-${o.network ?? "localnet"}`));
  return record.market;
}

const program = new Command("subsidy").description(
  "Ignition subsidy epochs (reports -> Merkle root and claims)",
);

program
  .command("build-epoch")
  .description("validate availability reports, apply the formula, write the epoch's artifact directory")
  .requiredOption("--epoch <n>", "epoch number")
  .requiredOption("--reports <file>", "availability reports (.csv or .jsonl): " + REPORT_COLUMNS.join(","))
  .requiredOption("--out <dir>", "artifact directory to write (an earlier artifact there is replaced)")
  .option("--formula <file>", "subsidy formula", FORMULA)
  .option("--market <pda>", "the MarketConfig PDA (default: from deployments/solana-<network>.json)")
  .option("--network <name>", "Solana deployment record to read the market from", "localnet")
  .action(
    async (o: {
      epoch: string;
      reports: string;
      out: string;
      formula: string;
      market?: string;
      network: string;
    }) => {
      const config = loadSubsidyConfig(o.formula);
      const t0 = performance.now();
      const { manifest: m, summary: s } = await buildSubsidyEpoch({
        config,
        reports: o.reports,
        market: marketOf(o),
        epoch: epochNumber.parse(o.epoch),
        out: o.out,
      });
      const d = { decimals: config.token.decimals, symbol: config.token.symbol };
      console.log(
        `epoch ${m.epoch} of market ${m.domain.market}: ${s.reported} reports, ${s.paid} suppliers paid ` +
          `(${s.belowMinimum} below the minimum availability, ${s.failedChecks} failing checks, ${s.capped} capped, ${s.roundedToZero} rounded to 0)`,
      );
      console.log(
        `total ${formatAmount(BigInt(m.total), d)} of ${config.budget} ${d.symbol}; root ${m.root}; ${m.shards.length} shards -> ${o.out}/ (${((performance.now() - t0) / 1000).toFixed(2)} s)`,
      );
    },
  );

program
  .command("sample-reports")
  .description("write generated availability reports (tests, benchmarks, the local demo)")
  .requiredOption("--count <n>", "generated suppliers")
  .requiredOption("--out <file>", ".csv or .jsonl")
  .option(
    "--include-owner <owners>",
    "supplier owners (comma-separated) whose Supplier records report a full epoch",
  )
  .option("--include <pdas>", "Supplier record PDAs (comma-separated) that report a full epoch")
  .option("--formula <file>", "subsidy formula (GPU models, epoch length)", FORMULA)
  .option("--market <pda>", "the MarketConfig PDA, for --include-owner")
  .option("--network <name>", "Solana deployment record to read the market from", "localnet")
  .option("--seed <text>", "seed of the generator", "sample")
  .action(
    (o: {
      count: string;
      out: string;
      includeOwner?: string;
      include?: string;
      formula: string;
      market?: string;
      network: string;
      seed: string;
    }) => {
      const config = loadSubsidyConfig(o.formula);
      const count = z.coerce.number().int().nonnegative().max(10_000_000).parse(o.count);
      const list = (s?: string) => (s ? s.split(",").map((x) => SolanaPubkey.parse(x.trim())) : []);
      const pdas = list(o.include);
      const owners = list(o.includeOwner);
      if (owners.length) {
        const market = new PublicKey(marketOf(o));
        pdas.push(...owners.map((owner) => supplierAddress(market, new PublicKey(owner)).toBase58()));
      }
      generateReports(o.out, count, config, o.seed);
      const model = Object.keys(config.weights).sort()[0];
      const jsonl = o.out.endsWith(".jsonl");
      for (const pda of pdas) {
        const row = [pda, model, 1, config.epochSeconds, 96, 0];
        appendFileSync(
          o.out,
          (jsonl
            ? JSON.stringify(Object.fromEntries(REPORT_COLUMNS.map((c, i) => [c, row[i]])))
            : row.join(",")) + "\n",
        );
      }
      console.log(
        `${count + pdas.length} reports -> ${o.out}${pdas.length ? ` (including ${pdas.join(", ")})` : ""}`,
      );
    },
  );

program
  .command("show")
  .description("an epoch artifact's manifest, or one supplier's claim and proof")
  .requiredOption("--epoch-dir <dir>", "artifact directory from build-epoch")
  .option("--supplier <pda>", "the Supplier record PDA to look up")
  .action(async (o: { epochDir: string; supplier?: string }) => {
    const e = await openEpoch(o.epochDir);
    const m = e.manifest;
    if (m.kind !== SUBSIDY_KIND) throw new Error(`${o.epochDir} is a ${m.kind} epoch, not ${SUBSIDY_KIND}`);
    if (!o.supplier) {
      await e.check();
      console.log(
        `epoch ${m.epoch} of market ${m.domain.market}: root ${m.root}, total ${m.total}, ${m.leafCount} leaves in ${m.shards.length} shards; files match the manifest`,
      );
    } else {
      const c = await e.lookup(SolanaPubkey.parse(o.supplier));
      if (!c) throw new Error(`${o.supplier} has no claim in epoch ${m.epoch}`);
      console.log(
        JSON.stringify(
          { epoch: m.epoch, index: c.index, supplier: c.key, amount: String(c.amount), proof: c.proof },
          null,
          2,
        ),
      );
    }
    await e.close();
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
