// The kill rate of a cargo-mutants campaign, per file, checked against the list of surviving
// mutants explained as equivalent (tools/mutation/rust-equivalent.json). scripts/mutation/rust.sh
// runs the campaign, then this; test/tooling/mutation-rust.test.ts checks it on fixtures.
//
//   rust.ts --outcomes <mutants.out/outcomes.json> [--outcomes <more>...] [--equivalent <file>] [--min-rate 0.9]
//
// Several --outcomes (e.g. a campaign and its `--iterate` continuation) are merged by mutant name,
// a later file's outcome replacing an earlier one's.
//
// Exit 1 when a file's kill rate (killed / viable mutants not explained as equivalent) is under
// the minimum, when a survivor is not explained, or when an explanation matches no survivor of a
// file the campaign covered (a stale entry).
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { z } from "zod";

const root = path.resolve(import.meta.dirname, "../..");

const mutant = z.object({
  name: z.string(),
  file: z.string(),
});
const outcome = z.object({
  scenario: z.union([z.literal("Baseline"), z.object({ Mutant: mutant })]),
  summary: z.enum(["Success", "CaughtMutant", "MissedMutant", "Unviable", "Timeout", "Failure"]),
});
export const outcomesSchema = z.object({ outcomes: z.array(outcome) });
export type Outcomes = z.infer<typeof outcomesSchema>;

export const equivalentSchema = z
  .object({
    $comment: z.string().optional(),
    mutants: z.array(
      z
        .object({
          /** cargo-mutants' name without the line and column: `<file>: <mutation>` */
          mutant: z.string().regex(/^[^:]+\.rs: .+/),
          reason: z.string().min(10),
        })
        .strict(),
    ),
  })
  .strict();
export type Equivalent = z.infer<typeof equivalentSchema>;

/** `programs/x.rs:26:9: replace f -> u16 with 0` -> `programs/x.rs: replace f -> u16 with 0` */
export function stableName(name: string): string {
  return name.replace(/^([^:]+\.rs):\d+:\d+: /, "$1: ");
}

export interface FileRow {
  file: string;
  viable: number;
  killed: number;
  equivalent: number;
  unexplained: string[];
  unviable: number;
  rate: number;
}

export interface Report {
  rows: FileRow[];
  stale: string[];
  problems: string[];
}

/** Merge campaigns: one outcome per mutant, the later campaign's winning; the baseline dropped. */
export function mergeOutcomes(runs: Outcomes[]): Outcomes {
  const byName = new Map<string, Outcomes["outcomes"][number]>();
  for (const run of runs)
    for (const o of run.outcomes) if (o.scenario !== "Baseline") byName.set(o.scenario.Mutant.name, o);
  return { outcomes: [...byName.values()] };
}

export function summarize(outcomes: Outcomes, equivalent: Equivalent, minRate: number): Report {
  const explained = new Map(equivalent.mutants.map((m) => [m.mutant, m.reason]));
  const used = new Set<string>();
  const rows = new Map<string, FileRow>();
  for (const o of outcomes.outcomes) {
    if (o.scenario === "Baseline") continue;
    const { file, name } = o.scenario.Mutant;
    const row = rows.get(file) ?? {
      file,
      viable: 0,
      killed: 0,
      equivalent: 0,
      unexplained: [],
      unviable: 0,
      rate: 0,
    };
    rows.set(file, row);
    switch (o.summary) {
      case "Unviable":
        row.unviable++;
        continue;
      case "CaughtMutant":
      case "Timeout": // a mutant that makes the tests hang is detected too
        row.viable++;
        row.killed++;
        continue;
      case "MissedMutant": {
        row.viable++;
        const key = stableName(name);
        if (explained.has(key)) {
          used.add(key);
          row.equivalent++;
        } else row.unexplained.push(name);
        continue;
      }
      default:
        throw new Error(`mutation: unexpected outcome ${o.summary} for ${name}`);
    }
  }
  const problems: string[] = [];
  for (const row of rows.values()) {
    const counted = row.viable - row.equivalent;
    row.rate = counted === 0 ? 1 : row.killed / counted;
    if (row.rate < minRate) problems.push(`${row.file}: kill rate ${pct(row.rate)} is under ${pct(minRate)}`);
    for (const name of row.unexplained) problems.push(`survived, not explained: ${name}`);
  }
  // an explanation of a file this campaign covered must still match a survivor
  const stale = equivalent.mutants
    .map((m) => m.mutant)
    .filter((m) => !used.has(m) && rows.has(m.slice(0, m.indexOf(": "))));
  for (const m of stale) problems.push(`stale equivalent entry (no such survivor): ${m}`);
  return { rows: [...rows.values()].sort((a, b) => a.file.localeCompare(b.file)), stale, problems };
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;

export function table(report: Report): string {
  const head = ["file", "mutants", "killed", "equivalent", "unexplained", "unviable", "kill rate"];
  const lines = report.rows.map((r) => [
    r.file,
    String(r.viable),
    String(r.killed),
    String(r.equivalent),
    String(r.unexplained.length),
    String(r.unviable),
    pct(r.rate),
  ]);
  const total = report.rows.reduce(
    (t, r) => ({
      viable: t.viable + r.viable,
      killed: t.killed + r.killed,
      equivalent: t.equivalent + r.equivalent,
      unexplained: t.unexplained + r.unexplained.length,
      unviable: t.unviable + r.unviable,
    }),
    { viable: 0, killed: 0, equivalent: 0, unexplained: 0, unviable: 0 },
  );
  const counted = total.viable - total.equivalent;
  lines.push([
    "all",
    String(total.viable),
    String(total.killed),
    String(total.equivalent),
    String(total.unexplained),
    String(total.unviable),
    pct(counted === 0 ? 1 : total.killed / counted),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  return [
    fmt(head),
    `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...lines.map(fmt),
  ].join("\n");
}

function main() {
  const { values } = parseArgs({
    options: {
      outcomes: { type: "string", multiple: true },
      equivalent: { type: "string", default: path.join(root, "tools/mutation/rust-equivalent.json") },
      "min-rate": { type: "string", default: "0.9" },
    },
  });
  if (!values.outcomes?.length)
    throw new Error("mutation: --outcomes <mutants.out/outcomes.json> is required");
  const outcomes = mergeOutcomes(
    values.outcomes.map((file) => outcomesSchema.parse(JSON.parse(readFileSync(file, "utf8")))),
  );
  const equivalent = equivalentSchema.parse(JSON.parse(readFileSync(values.equivalent, "utf8")));
  const report = summarize(outcomes, equivalent, Number(values["min-rate"]));
  console.log(table(report));
  for (const p of report.problems) console.error(`mutation: ${p}`);
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
