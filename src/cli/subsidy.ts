// Ignition subsidies: availability reports -> the epoch's artifact directory (src/epoch), then
// the Solana transactions: the subsidy authority posts the root, suppliers claim, anyone closes.
//   npm run subsidy -- build-epoch --epoch 1 --reports availability.csv --out subsidy-1 [--network localnet | --market <pda>]
//   npm run subsidy -- sample-reports --count 100000 --out availability.csv [--include-owner <owner,...>]
//   npm run subsidy -- show --epoch-dir subsidy-1 [--supplier <pda>]
//   npm run subsidy -- post --epoch-dir subsidy-1 --keypair authority.json [--dry-run]
//   npm run subsidy -- claim --epoch-dir subsidy-1[,subsidy-2] --keypair supplier-owner.json [--dry-run]
//   npm run subsidy -- bulk-claim --epoch-dir subsidy-1 --keypairs owners/ --state claims.state [--dry-run]
//   npm run subsidy -- close --epoch 1 --keypair anyone.json
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { PublicKey } from "@solana/web3.js";
import { Command } from "commander";
import { z } from "zod";

import { readDeployment } from "../deployments.js";
import { report } from "../errors.js";
import { openEpoch } from "../epoch/artifact.js";
import { generateReports } from "../epoch/generate.js";
import { buildSubsidyEpoch, loadSubsidyConfig, REPORT_COLUMNS, SUBSIDY_KIND } from "../epoch/subsidy.js";
import { solanaContext, type SolanaContext } from "../solana/context.js";
import { supplierAddress } from "../solana/escrow.js";
import {
  claimSubsidy,
  closeSubsidyClaims,
  closeSubsidyEpoch,
  fetchSubsidyEpoch,
  ignitionPool,
  postSubsidyEpoch,
  subsidyClaimTransactions,
  type SubsidyClaim,
} from "../solana/ignition.js";
import { SolanaPubkey } from "../solana/validation.js";
import { formatAmount } from "../units.js";

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

/** The `subsidy` commands (ignition subsidies), as one commander program: `npm run subsidy` and `cm`. */
export function subsidyCommands(): Command {
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

  // ------------------------------------------------------------------ on chain

  /** An epoch artifact of this market's subsidies, refused if built for another market. */
  async function subsidyEpoch(dir: string, ctx: SolanaContext) {
    const e = await openEpoch(dir);
    const m = e.manifest;
    if (m.kind !== SUBSIDY_KIND) throw new Error(`${dir} is a ${m.kind} epoch, not ${SUBSIDY_KIND}`);
    if (m.domain.market !== ctx.market.toBase58()) {
      throw new Error(
        `${dir} was built for market ${m.domain.market}, not ${ctx.market.toBase58()} (${ctx.network})`,
      );
    }
    return e;
  }

  /** One line of progress, redrawn in place on a terminal, every 10 % otherwise. */
  function progress(what: string) {
    let last = -1;
    return (done: number, total: number) => {
      const pct = total === 0 ? 100 : Math.floor((done * 100) / total);
      if (process.stderr.isTTY) {
        const bar = "#".repeat(Math.floor(pct / 5)).padEnd(20, ".");
        process.stderr.write(`\r${what} [${bar}] ${done}/${total}${done === total ? "\n" : ""}`);
      } else if (Math.floor(pct / 10) !== Math.floor(last / 10) || done === total) {
        process.stderr.write(`${what}: ${done}/${total}\n`);
      }
      last = pct;
    };
  }

  const withSolana = (c: Command) =>
    c
      .option("--network <name>", "Solana deployment record (deployments/solana-<network>.json)", "localnet")
      .option("--dry-run", "print what would be sent, send nothing", false);

  withSolana(
    program
      .command("post")
      .description("subsidy authority: post an epoch's root (or replace it before its claims open)"),
  )
    .requiredOption("--epoch-dir <dir>", "artifact directory from build-epoch")
    .requiredOption("--keypair <file>", "the subsidy authority")
    .action(async (o: { epochDir: string; keypair: string; network: string; dryRun: boolean }) => {
      const ctx = solanaContext(o);
      const e = await subsidyEpoch(o.epochDir, ctx);
      await e.check(); // the files are the ones the manifest names (sizes, hashes, total)
      const m = e.manifest;
      const token = await ctx.denomination(ctx.tokenMint);
      const pool = await ignitionPool(ctx.program, ctx.market);
      const total = BigInt(m.total);
      console.log(
        `epoch ${m.epoch}: root ${m.root}, ${m.leafCount} suppliers, total ${formatAmount(total, token)}; ` +
          `pool: funded ${formatAmount(pool.funded, token)}, paid ${formatAmount(pool.paid, token)}, ` +
          `reserved ${formatAmount(pool.reserved, token)}, available ${formatAmount(pool.available, token)}; ` +
          `cap per period ${formatAmount(pool.maxSubsidyPerPeriod, token)}`,
      );
      if (!pool.subsidyAuthority.equals(ctx.signer.publicKey)) {
        throw new Error(
          `${ctx.signer.publicKey.toBase58()} is not the subsidy authority (${pool.subsidyAuthority.toBase58()})`,
        );
      }
      if (o.dryRun) return console.log("dry run: not posted");
      await report(
        "post",
        postSubsidyEpoch(ctx.program, ctx.market, {
          epoch: BigInt(m.epoch),
          root: m.root,
          total,
          leafCount: m.leafCount,
        }),
      );
      const state = await fetchSubsidyEpoch(ctx.program, ctx.market, BigInt(m.epoch));
      const iso = (t: bigint | number) => new Date(Number(t) * 1000).toISOString();
      console.log(`posted; claims open at ${iso(state!.opensAt)} and end at ${iso(state!.expiresAt)}`);
      await e.close();
    });

  /** The claims of `owner`'s supplier in each epoch artifact (none where it has no leaf). */
  async function claimsOf(ctx: SolanaContext, dirs: string[], owner: PublicKey) {
    const supplier = supplierAddress(ctx.market, owner).toBase58();
    const claims: SubsidyClaim[] = [];
    for (const dir of dirs) {
      const e = await subsidyEpoch(dir, ctx);
      const c = await e.lookup(supplier);
      if (c)
        claims.push({ epoch: BigInt(e.manifest.epoch), index: c.index, amount: c.amount, proof: c.proof });
      await e.close();
    }
    return { supplier, claims };
  }

  withSolana(
    program
      .command("claim")
      .description(
        "supplier: claim its subsidies of one or more epochs (the owner of the supplier record signs)",
      ),
  )
    .requiredOption("--epoch-dir <dirs>", "artifact directories, comma-separated (several epochs in one go)")
    .requiredOption("--keypair <file>", "the supplier record's owner")
    .action(async (o: { epochDir: string; keypair: string; network: string; dryRun: boolean }) => {
      const ctx = solanaContext(o);
      const token = await ctx.denomination(ctx.tokenMint);
      const { supplier, claims } = await claimsOf(ctx, o.epochDir.split(","), ctx.signer.publicKey);
      if (claims.length === 0) throw new Error(`supplier ${supplier} has no subsidy in ${o.epochDir}`);
      const sum = claims.reduce((a, c) => a + c.amount, 0n);
      console.log(
        `supplier ${supplier}: ${claims.map((c) => `epoch ${c.epoch} ${formatAmount(c.amount, token)}`).join(", ")}`,
      );
      if (o.dryRun) {
        const plan = await subsidyClaimTransactions(ctx.program, ctx.market, claims);
        return console.log(
          `dry run: ${plan.claims.length} claims in ${plan.transactions.length} transactions, ${plan.skipped.length} already paid; not sent`,
        );
      }
      const r = await report("claim", claimSubsidy(ctx.program, ctx.market, claims));
      const paid = r.claimed.reduce((a, c) => a + c.amount, 0n);
      console.log(
        `claimed ${formatAmount(paid, token)} of ${formatAmount(sum, token)} in ${r.signatures.length} transactions` +
          (r.skipped.length ? ` (${r.skipped.length} already paid)` : ""),
      );
    });

  const StateLine = z.object({ owner: z.string(), epoch: z.string(), done: z.literal(true) });

  withSolana(
    program
      .command("bulk-claim")
      .description(
        "operator: claim for every supplier owner keypair in a directory; resumable (--state, and claims already paid on chain are skipped)",
      ),
  )
    .requiredOption("--epoch-dir <dirs>", "artifact directories, comma-separated")
    .requiredOption("--keypairs <dir>", "directory of the supplier owners' keypair files (*.json)")
    .requiredOption("--state <file>", "progress file: owners already done are skipped on a re-run")
    .action(
      async (o: { epochDir: string; keypairs: string; state: string; network: string; dryRun: boolean }) => {
        const files = readdirSync(o.keypairs)
          .filter((f) => f.endsWith(".json"))
          .sort();
        if (files.length === 0) throw new Error(`${o.keypairs}: no keypair files (*.json)`);
        const done = new Set<string>();
        if (existsSync(o.state)) {
          for (const [i, line] of readFileSync(o.state, "utf8").split("\n").entries()) {
            if (!line.trim()) continue;
            const parsed = StateLine.safeParse(JSON.parse(line));
            if (!parsed.success) throw new Error(`${o.state}:${i + 1}: not a progress line of bulk-claim`);
            done.add(`${parsed.data.owner}:${parsed.data.epoch}`);
          }
        }
        const dirs = o.epochDir.split(",");
        const tick = progress("bulk-claim");
        let paid = 0n;
        let claimedCount = 0;
        let skipped = 0;
        let token: Awaited<ReturnType<SolanaContext["denomination"]>> | undefined;
        for (const [n, file] of files.entries()) {
          const ctx = solanaContext({ network: o.network, keypair: path.join(o.keypairs, file) });
          token ??= await ctx.denomination(ctx.tokenMint);
          const owner = ctx.signer.publicKey.toBase58();
          const { claims } = await claimsOf(ctx, dirs, ctx.signer.publicKey);
          const todo = claims.filter((c) => !done.has(`${owner}:${c.epoch}`));
          skipped += claims.length - todo.length;
          if (todo.length > 0 && !o.dryRun) {
            const r = await report(`claim of ${owner}`, claimSubsidy(ctx.program, ctx.market, todo));
            paid += r.claimed.reduce((a, c) => a + c.amount, 0n);
            claimedCount += r.claimed.length;
            skipped += r.skipped.length;
            for (const c of todo) {
              appendFileSync(o.state, JSON.stringify({ owner, epoch: String(c.epoch), done: true }) + "\n");
            }
          }
          tick(n + 1, files.length);
        }
        console.log(
          o.dryRun
            ? `dry run: ${files.length} owners; nothing sent`
            : `bulk-claim: ${claimedCount} claims paid ${formatAmount(paid, token!)}; ${skipped} already done`,
        );
      },
    );

  withSolana(
    program
      .command("close")
      .description(
        "anyone, after the claim window: release an epoch's unclaimed rest, return every account's rent",
      ),
  )
    .requiredOption("--epoch <n>", "epoch number")
    .requiredOption("--keypair <file>", "pays the transaction fees")
    .action(async (o: { epoch: string; keypair: string; network: string; dryRun: boolean }) => {
      const ctx = solanaContext(o);
      const epoch = epochNumber.parse(o.epoch);
      const state = await fetchSubsidyEpoch(ctx.program, ctx.market, epoch);
      if (!state) throw new Error(`epoch ${epoch} is not open on ${ctx.network} (never posted, or closed)`);
      const token = await ctx.denomination(ctx.tokenMint);
      console.log(
        `epoch ${epoch}: ${formatAmount(state.total - state.claimed, token)} unclaimed returns to the pool`,
      );
      if (o.dryRun) return console.log("dry run: not sent");
      const chunks = await report("close claims", closeSubsidyClaims(ctx.program, ctx.market, epoch));
      await report("close", closeSubsidyEpoch(ctx.program, ctx.market, epoch));
      console.log(`closed epoch ${epoch} and ${chunks.length} claim chunks; rent returned to their payers`);
    });
  return program;
}
