// Re-reads campaign reports (cache/mutation/solidity-report.json of one or more runs, e.g. one run
// per file) and prints the kill-rate table with the equivalence file as it is now: the table of a
// campaign run file by file, and of survivors explained after the run.
//   npx tsx tools/mutation/tabulate.ts <report.json> [...]
import { readFileSync } from "node:fs";
import path from "node:path";

import { classify, loadConfig, loadEquivalents, passes, table, type Mutant } from "./campaign.js";

const root = path.resolve(import.meta.dirname, "../..");
const config = loadConfig(path.join(root, "tools/mutation/solidity.json"));
const { equivalent } = loadEquivalents(path.join(root, "tools/mutation/solidity-equivalent.json"));
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx tools/mutation/tabulate.ts <report.json> [...]");
  process.exit(2);
}
const results = files.flatMap((f) =>
  (
    JSON.parse(readFileSync(f, "utf8")) as { files: { file: string; seconds: number; mutants: Mutant[] }[] }
  ).files.map((r) => classify(r.file, r.mutants, equivalent, r.seconds)),
);
console.log(table(results, config.threshold).join("\n"));
for (const r of results) {
  for (const m of r.unexplained) console.error(`${r.file}:${m.line}: ${m.mutator} survived: ${m.mutant}`);
  for (const e of r.stale) console.error(`${r.file}: stale equivalence entry: ${e.mutator} ${e.mutant}`);
}
process.exitCode = results.every((r) => passes(r, config.threshold)) ? 0 : 1;
