// Generated availability reports for tests and `npm run bench:epoch`: n suppliers with random
// (seeded, so reproducible) 32-byte keys, GPU models from the formula, availability spread over
// the epoch (some below the minimum), mostly passing checks.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";

import { keyText } from "./base58.js";
import { REPORT_COLUMNS, type SubsidyConfig } from "./subsidy.js";

/** A small deterministic PRNG (xorshift128+ on two 32-bit halves is enough for test data). */
export function prng(seed: string) {
  const s = createHash("sha256").update(seed).digest();
  let a = s.readUInt32LE(0) | 1;
  let b = s.readUInt32LE(4) | 1;
  let c = s.readUInt32LE(8) | 1;
  let d = s.readUInt32LE(12) | 1;
  /** a uniform 32-bit unsigned integer */
  return () => {
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return d;
  };
}

/** Writes `n` reports to `file` (.csv or .jsonl) and returns the suppliers' keys in file order.
 *  With `allQualify` every supplier is available long enough and passes its checks (one leaf each). */
export function generateReports(
  file: string,
  n: number,
  config: SubsidyConfig,
  seed = "epoch",
  allQualify = false,
): string[] {
  const next = prng(seed);
  const models = Object.keys(config.weights).sort();
  const jsonl = file.endsWith(".jsonl");
  const lines: string[] = jsonl ? [] : [REPORT_COLUMNS.join(",")];
  const keys: string[] = [];
  const key = Buffer.alloc(32);
  for (let i = 0; i < n; i++) {
    for (let w = 0; w < 8; w++) key.writeUInt32LE(next(), w * 4);
    const supplier = keyText(key);
    keys.push(supplier);
    const model = models[next() % models.length];
    const gpuCount = 1 + (next() % 8);
    // unless allQualify: ~1 in 8 below half the epoch, ~1 in 16 failing half its checks
    const slack = Math.max(1, Math.floor(config.epochSeconds / 24));
    const short = !allQualify && next() % 8 === 0;
    const seconds = short ? next() % (config.epochSeconds >>> 1) : config.epochSeconds - (next() % slack);
    const checks = 24 + (next() % 24);
    const failed = !allQualify && next() % 16 === 0 ? checks >>> 1 : next() % 2;
    const row = [supplier, model, gpuCount, seconds, checks - failed, failed];
    lines.push(
      jsonl ? JSON.stringify(Object.fromEntries(REPORT_COLUMNS.map((c, j) => [c, row[j]]))) : row.join(","),
    );
  }
  writeFileSync(file, lines.join("\n") + "\n");
  return keys;
}
