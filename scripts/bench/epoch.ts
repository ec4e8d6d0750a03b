// `npm run bench:epoch`: ignition-subsidy epochs of 10^4, 10^5 and 10^6 suppliers built from
// generated reports by our builder (native keccak, and the JS fallback) and by OpenZeppelin's
// StandardMerkleTree in the same run; each build in its own child process, which reports its
// time and peak memory. Then the floor (keccak calls x one native keccak), and the claim cost.
//   npm run bench:epoch [-- --sizes 10000,100000,1000000 --reference-max 100000 --js-max 100000 --no-gas]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { Command } from "commander";

import { openEpoch } from "../../src/epoch/artifact.js";
import { keyBytes } from "../../src/epoch/base58.js";
import { generateReports } from "../../src/epoch/generate.js";
import {
  buildSubsidyEpoch,
  computeSubsidies,
  loadSubsidyConfig,
  readAvailabilityReports,
  resolveFormula,
  SUBSIDY_LEAF_TYPES,
  type SubsidyConfig,
} from "../../src/epoch/subsidy.js";
import { nativeAvailable, nativeBinary, type Engine } from "../../src/epoch/tree.js";

const MARKET = "CMarket1111111111111111111111111111111111111";
const EPOCH = 1n;

/** The formula of config/ignition/subsidy.json with a budget that pays a million suppliers. */
function benchConfig(): SubsidyConfig {
  return {
    ...loadSubsidyConfig("config/ignition/subsidy.json"),
    budget: "1000000",
    capPerSupplier: undefined,
  };
}

// ------------------------------------------------------------------ children (one build each)

async function child(task: string, args: string[]) {
  const config = benchConfig();
  const t0 = performance.now();
  let extra: Record<string, unknown> = {};
  if (task === "ours") {
    const [reports, out, engine] = args;
    const { manifest } = await buildSubsidyEpoch({
      config,
      reports,
      market: MARKET,
      epoch: EPOCH,
      out,
      engine: engine as Engine,
    });
    extra = { root: manifest.root, leaves: manifest.leafCount };
  } else if (task === "reference") {
    // the same amounts, then the library's tree, saved in the library's own format (dump())
    const [reports, out] = args;
    const formula = resolveFormula(config);
    const s = computeSubsidies(formula, readAvailabilityReports(reports, formula));
    const market = "0x" + keyBytes(MARKET).toString("hex");
    const values = Array.from({ length: s.count }, (_, i) => [
      market,
      EPOCH.toString(),
      String(i),
      "0x" + s.stored.toString("hex", i * 64, i * 64 + 32),
      BigInt("0x" + s.stored.toString("hex", i * 64 + 32, i * 64 + 64)).toString(),
    ]);
    const tree = StandardMerkleTree.of(values, [...SUBSIDY_LEAF_TYPES]);
    writeFileSync(path.join(out, "tree.json"), JSON.stringify(tree.dump()));
    extra = { root: tree.root, leaves: s.count };
  } else if (task === "lookup-ours") {
    const [dir, key] = args;
    const e = await openEpoch(dir);
    const c = await e.lookup(key);
    await e.close();
    if (!c) throw new Error(`${key}: no claim`);
    extra = { proof: c.proof.length };
  } else if (task === "lookup-reference") {
    // the library's way: load the dump (which re-validates the whole tree), find the value, prove
    const [file, key] = args;
    const tree = StandardMerkleTree.load(JSON.parse(readFileSync(file, "utf8")));
    const hex = "0x" + keyBytes(key).toString("hex");
    let proof: string[] | undefined;
    for (const [i, v] of tree.entries()) if (v[3] === hex) proof = tree.getProof(i);
    if (!proof) throw new Error(`${key}: no claim`);
    extra = { proof: proof.length };
  } else throw new Error(`unknown child task ${task}`);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, rssKib: process.resourceUsage().maxRSS, ...extra }));
}

interface Run {
  ms: number;
  rssKib: number;
  nativeRssKib?: number;
  native?: Record<string, number>;
  root?: string;
  leaves?: number;
  proof?: number;
}

function runChild(task: string, args: string[]): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--child", task, ...args], {
    encoding: "utf8",
    env: { ...process.env, CM_EPOCH_TREE_STATS: "1" },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`bench child ${task} failed:\n${r.stderr}`);
  const run = JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
  const stats = /epoch-tree stats (\{.*\})/.exec(r.stderr);
  if (stats) {
    run.native = JSON.parse(stats[1]);
    run.nativeRssKib = run.native!.peakRssKib;
  }
  return run;
}

// ------------------------------------------------------------------ the table

function sizeOf(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((s, f) => s + sizeOf(path.join(p, f)), 0);
}
const sec = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const pow = (n: number) => (Math.log10(n) % 1 === 0 ? `10^${Math.log10(n)}` : n.toLocaleString("en-US"));

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function main() {
  const opts = new Command()
    .name("bench:epoch")
    .option("--sizes <list>", "supplier counts", "10000,100000,1000000")
    .option("--reference-max <n>", "largest size StandardMerkleTree builds", "100000")
    .option("--js-max <n>", "largest size the JS-keccak fallback builds", "100000")
    .option("--lookups <n>", "lookups timed per artifact (the median is shown)", "5")
    .option("--no-gas", "skip the claim-gas part (hardhat run scripts/bench/epoch-gas.ts)")
    .parse()
    .opts();
  const sizes = String(opts.sizes).split(",").map(Number);
  const refMax = Number(opts.referenceMax);
  const jsMax = Number(opts.jsMax);
  if (!nativeAvailable())
    throw new Error(
      `${nativeBinary()} is not built: cargo build --release -p epoch-tree (scripts/setup.sh does)`,
    );

  const floor = JSON.parse(
    spawnSync(
      nativeBinary(),
      ["--keccak-bench", "1000000", "--row-bytes", String(SUBSIDY_LEAF_TYPES.length * 32)],
      {
        encoding: "utf8",
      },
    ).stdout,
  ) as {
    rowNs: number;
    leafNs: number;
    nodeNs: number;
    batch: { isa: string; rowNs: number; leafNs: number; nodeNs: number };
  };
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  const loadBefore = load();

  const work = mkdtempSync(path.join(tmpdir(), "epoch-bench-"));
  const rows: string[] = [];
  const refMs = new Map<number, number>();
  const oursMs = new Map<number, number>();
  try {
    const config = benchConfig();
    for (const n of sizes) {
      const reports = path.join(work, `reports-${n}.csv`);
      const keys = generateReports(reports, n, config, `bench-${n}`, true);
      const sample = Array.from(
        { length: Number(opts.lookups) },
        (_, i) => keys[Math.floor(((i + 0.5) * n) / Number(opts.lookups))],
      );
      const lookupMs = (task: string, target: string, times = sample.length) =>
        median(sample.slice(0, times).map((k) => runChild(task, [target, k]).ms));

      for (const engine of ["native", "js"] as Engine[]) {
        if (engine === "js" && n > jsMax) {
          rows.push(`| ${pow(n)} | ours, JS keccak | skipped (> ${pow(jsMax)}) | | | |`);
          continue;
        }
        const out = path.join(work, `ours-${engine}-${n}`);
        const run = runChild("ours", [reports, out, engine]);
        if (run.leaves !== n) throw new Error(`${run.leaves} leaves for ${n} suppliers`);
        if (engine === "native") oursMs.set(n, run.ms);
        const rss =
          run.nativeRssKib !== undefined
            ? `${mib(run.rssKib + run.nativeRssKib)} (node ${mib(run.rssKib)} + native ${mib(run.nativeRssKib)})`
            : mib(run.rssKib);
        const native = run.native
          ? ` (epoch-tree ran ${sec(run.native.totalMs)}, ${run.native.threads} threads)`
          : "";
        rows.push(
          `| ${pow(n)} | ours, ${engine === "js" ? "JS" : engine} keccak | ${sec(run.ms)}${native} | ${rss} | ${mb(sizeOf(out))} | ${sec(lookupMs("lookup-ours", out))} |`,
        );
        if (engine === "native") writeFileSync(path.join(work, `root-${n}`), run.root!);
        rmSync(out, { recursive: true, force: true });
      }

      if (n > refMax) {
        const last = [...refMs.entries()].pop();
        rows.push(
          `| ${pow(n)} | StandardMerkleTree | skipped${last ? ` (${pow(last[0])}: ${sec(last[1])}; ~213 s at 10^6 when issue 11 was filed)` : ""} | | | |`,
        );
      } else {
        const out = path.join(work, `reference-${n}`);
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        const run = runChild("reference", [reports, out]);
        refMs.set(n, run.ms);
        const same =
          run.root === readFileSync(path.join(work, `root-${n}`), "utf8") ? "same root" : "ROOTS DIFFER";
        rows.push(
          `| ${pow(n)} | StandardMerkleTree (${same}) | ${sec(run.ms)} | ${mib(run.rssKib)} | ${mb(sizeOf(out))} (dump JSON) | ${sec(lookupMs("lookup-reference", path.join(out, "tree.json"), 1))} (load + validate) |`,
        );
        rmSync(out, { recursive: true, force: true });
      }
      const calls = (3 * n - 1).toLocaleString("en-US");
      const floorMs = (n * floor.rowNs + n * floor.leafNs + (n - 1) * floor.nodeNs) / 1e6;
      const b = floor.batch;
      const batchMs = (n * b.rowNs + n * b.leafNs + (n - 1) * b.nodeNs) / 1e6;
      rows.push(
        `| ${pow(n)} | floor: ${calls} keccak calls x one native keccak, one core | ${sec(floorMs)} | | | |`,
      );
      rows.push(`| ${pow(n)} | the same hashed in ${b.isa} batches, one core | ${sec(batchMs)} | | | |`);
      rmSync(reports, { force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model}; load average ${loadBefore} before, ${load()} after (other work shares these cores)`,
  );
  console.log(
    `one native keccak256 here: ${floor.rowNs.toFixed(0)} ns (a ${SUBSIDY_LEAF_TYPES.length * 32}-byte leaf row), ${floor.leafNs.toFixed(0)} ns (32 bytes), ${floor.nodeNs.toFixed(0)} ns (64-byte node); in ${floor.batch.isa} batches ${floor.batch.rowNs.toFixed(0)} / ${floor.batch.leafNs.toFixed(0)} / ${floor.batch.nodeNs.toFixed(0)} ns\n`,
  );
  console.log("| suppliers | builder | build time | peak RSS | artifact on disk | one claimer's proof |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: |");
  for (const r of rows) console.log(r);
  for (const [n, ref] of refMs) {
    const ours = oursMs.get(n);
    if (ours)
      console.log(`\nat ${pow(n)}: ours is ${(ref / ours).toFixed(0)}x faster than StandardMerkleTree`);
  }

  if (opts.gas) {
    console.log("\nclaim cost (gas on Hardhat's in-process EVM: hardhat run scripts/bench/epoch-gas.ts):\n");
    const r = spawnSync("npx", ["hardhat", "run", "scripts/bench/epoch-gas.ts"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("the claim-gas part failed");
    // Solana: the program runs natively on the test chain, so its claim is costed by its keccak
    // syscalls (priced with the runtime's cost table), bytes and the metered SPL Token CPI:
    // crates/svm-harness/tests/ignition.rs, claim_cost_at_depth_10_and_20.
    console.log(
      "\nclaim cost on Solana (cargo test -p svm-harness --test ignition claim_cost_at_depth_10_and_20):",
    );
    const sol = spawnSync(
      "bash",
      [
        "-c",
        "source scripts/solana/env.sh && cargo test --locked --quiet -p svm-harness --test ignition claim_cost_at_depth_10_and_20 -- --nocapture",
      ],
      { encoding: "utf8", env: { ...process.env, RUST_LOG: "error" } },
    );
    if (sol.status !== 0) throw new Error(`the Solana claim-cost part failed:\n${sol.stderr}`);
    const lines = sol.stdout.split("\n");
    const from = lines.findIndex((l) => l.startsWith("claim_subsidy cost"));
    if (from < 0) throw new Error("the Solana claim-cost test printed no table");
    const to = lines.findIndex((l, i) => i > from && l.startsWith("(keccak CU"));
    // the native program's `msg!` lines go to the same stdout: leave them out
    const table = lines
      .slice(from, to < 0 ? undefined : to + 1)
      .filter((l) => !/^(Instruction|Program) /.test(l));
    console.log(table.join("\n"));
  }
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) await child(process.argv[childAt + 1], process.argv.slice(childAt + 2));
else await main();
