// Ignition subsidies: the formula (config/ignition/subsidy.json), the checkers' availability
// reports, and the epoch they make (one leaf per paid supplier).
//
// THE SUBSIDY LEAF (shared with the Solana program, which rebuilds it with the keccak syscall): an
// OpenZeppelin StandardMerkleTree leaf of
//
//   (bytes32 market, uint256 epoch, uint256 index, bytes32 supplier, uint256 amount)
//
// market = the MarketConfig PDA, supplier = the Supplier record PDA (their 32 bytes), index = the
// supplier's position in the epoch's claims sorted by supplier bytes (0, 1, 2, ...).
//
// THE FORMULA, in integers (every step rounds down, so the amounts never add up to more than
// the budget):
//   a row qualifies when secondsAvailable >= minAvailability, it had at least one check, and
//     checksPassed / (checksPassed + checksFailed) >= minPassRatio;
//   score = weights[gpuModel] * gpuCount * secondsAvailable;
//   amount = min(floor(budget * score / sum of the qualifying scores), capPerSupplier).
// A capped supplier's excess stays in the pool (it is not shared out), and a supplier whose
// amount rounds to 0 gets no leaf.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { z } from "zod";

import { parseAmount } from "../units.js";
import { WORD, writeUint } from "./abi.js";
import { writeEpochArtifact, type Manifest } from "./artifact.js";
import { keyBytes, keyText } from "./base58.js";
import { compareKeys, sortKeys } from "./keys.js";
import { readTable, RowError, tableFormat } from "./reports.js";
import type { Engine } from "./tree.js";

export const SUBSIDY_KIND = "ignition-subsidy";
export const SUBSIDY_LEAF_TYPES = ["bytes32", "uint256", "uint256", "bytes32", "uint256"] as const;

const Tokens = z.string().regex(/^\d+(\.\d+)?$/, "a decimal number of tokens, as a string");
const Fraction = z.number().min(0).max(1);
/** A fraction kept to 6 decimals, as an integer number of millionths. */
const micro = (f: number) => Math.round(f * 1_000_000);

export const SubsidyConfigSchema = z
  .object({
    description: z.string().optional(),
    /** the market token the ignition vault pays (its decimals make `budget` exact) */
    token: z.object({ symbol: z.string().min(1), decimals: z.number().int().min(0).max(18) }).strict(),
    /** length of one epoch: no report can claim more available seconds */
    epochSeconds: z
      .number()
      .int()
      .positive()
      .max(366 * 86_400),
    /** tokens paid out per epoch, at most (decimal) */
    budget: Tokens,
    /** tokens one supplier can get in an epoch, at most (decimal) */
    capPerSupplier: Tokens.optional(),
    /** seconds, or a fraction of the epoch, a supplier must have been available to be paid */
    minAvailability: z.union([
      z.object({ seconds: z.number().int().nonnegative() }).strict(),
      z.object({ fraction: Fraction }).strict(),
    ]),
    /** share of the checks that must have passed (0..1) */
    minPassRatio: Fraction.default(0),
    /** GPUs one supplier record can report */
    maxGpuCount: z.number().int().positive().max(1_000_000).default(1024),
    /** relative weight of one GPU-second per model (positive integers) */
    weights: z.record(
      z.string().regex(/^[A-Za-z0-9._+-]+$/, "a GPU model name"),
      z.number().int().positive().max(1_000_000),
    ),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (Object.keys(c.weights).length === 0)
      ctx.addIssue({ code: "custom", path: ["weights"], message: "at least one GPU model" });
    if ("seconds" in c.minAvailability && c.minAvailability.seconds > c.epochSeconds)
      ctx.addIssue({ code: "custom", path: ["minAvailability"], message: "longer than the epoch" });
    // a score is computed exactly in a double
    const maxScore = Math.max(0, ...Object.values(c.weights)) * c.maxGpuCount * c.epochSeconds;
    if (!Number.isSafeInteger(maxScore))
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: "the largest weight x maxGpuCount x epochSeconds must stay below 2^53",
      });
  });
export type SubsidyConfig = z.infer<typeof SubsidyConfigSchema>;

export function loadSubsidyConfig(file: string): SubsidyConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const parsed = SubsidyConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid subsidy formula ${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The formula in base units and integers. */
export interface SubsidyFormula {
  config: SubsidyConfig;
  budget: bigint;
  cap?: bigint;
  minSeconds: number;
  /** minPassRatio in millionths */
  passRatioMicro: number;
  models: string[];
  weights: number[];
}

export function resolveFormula(config: SubsidyConfig): SubsidyFormula {
  const d = { decimals: config.token.decimals, symbol: config.token.symbol };
  const budget = parseAmount(config.budget, d, "budget");
  const cap =
    config.capPerSupplier === undefined ? undefined : parseAmount(config.capPerSupplier, d, "capPerSupplier");
  if (budget === 0n) throw new Error("budget: 0 pays nothing");
  if (cap === 0n) throw new Error("capPerSupplier: 0 pays nothing");
  const m = config.minAvailability;
  // ceil(fraction * epochSeconds) in integers: epochSeconds * 10^6 < 2^53
  const minSeconds =
    "seconds" in m ? m.seconds : Math.ceil((config.epochSeconds * micro(m.fraction)) / 1_000_000 - 1e-9);
  const models = Object.keys(config.weights).sort();
  return {
    config,
    budget,
    cap,
    minSeconds,
    passRatioMicro: micro(config.minPassRatio),
    models,
    weights: models.map((k) => config.weights[k]),
  };
}

export const REPORT_COLUMNS = [
  "supplier",
  "gpuModel",
  "gpuCount",
  "secondsAvailable",
  "checksPassed",
  "checksFailed",
] as const;

/** One epoch's availability reports, column by column (row r of every array is report r). */
export interface AvailabilityReports {
  count: number;
  /** the line of the file each report came from */
  lines: Uint32Array;
  /** 32 bytes a report: the Supplier record PDA */
  suppliers: Buffer;
  /** index into the formula's `models` */
  model: Uint16Array;
  gpuCount: Uint32Array;
  seconds: Uint32Array;
  passed: Uint32Array;
  failed: Uint32Array;
  sha256: string;
}

/** The input's errors, each with its line (the first MAX_ERRORS of them). */
export class ReportsError extends Error {
  constructor(
    readonly file: string,
    readonly errors: RowError[],
    more: boolean,
  ) {
    super(
      `${file}: ${errors.length}${more ? "+" : ""} invalid report${errors.length === 1 ? "" : "s"}\n` +
        errors.map((e) => `  ${e.message}`).join("\n"),
    );
  }
}
const MAX_ERRORS = 20;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_CHECKS = 0xffff_ffff;

/** Reads and validates the reports against the formula; every refused row is named by its line. */
export function readAvailabilityReports(file: string, formula: SubsidyFormula): AvailabilityReports {
  tableFormat(file);
  const bytes = readFileSync(file);
  let capacity = 1;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) capacity++;
  const r: AvailabilityReports = {
    count: 0,
    lines: new Uint32Array(capacity),
    suppliers: Buffer.alloc(capacity * WORD),
    model: new Uint16Array(capacity),
    gpuCount: new Uint32Array(capacity),
    seconds: new Uint32Array(capacity),
    passed: new Uint32Array(capacity),
    failed: new Uint32Array(capacity),
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
  const modelIndex = new Map(formula.models.map((m, i) => [m, i]));
  const { epochSeconds, maxGpuCount } = formula.config;
  const errors: RowError[] = [];
  let more = false;
  const fail = (e: unknown) => {
    if (!(e instanceof RowError)) throw e;
    if (errors.length < MAX_ERRORS) errors.push(e);
    else more = true;
  };
  // columns in REPORT_COLUMNS order
  const [SUPPLIER, MODEL, GPUS, SECONDS, PASSED, FAILED] = [0, 1, 2, 3, 4, 5];
  try {
    readTable(
      file,
      REPORT_COLUMNS,
      (row) => {
        const line = row.line;
        try {
          const i = r.count;
          if (!row.key32(SUPPLIER, r.suppliers, i * WORD))
            throw new RowError(
              line,
              `supplier '${row.text(SUPPLIER)}' is not a base58 public key (the Supplier record's address)`,
            );
          const m = modelIndex.get(row.text(MODEL));
          if (m === undefined)
            throw new RowError(
              line,
              `gpuModel '${row.text(MODEL)}' has no weight in the formula (${formula.models.join(", ")})`,
            );
          const g = row.int(GPUS);
          if (g < 1 || g > maxGpuCount)
            throw new RowError(line, `gpuCount ${g} is outside 1..${maxGpuCount}`);
          const s = row.int(SECONDS);
          if (s > epochSeconds)
            throw new RowError(
              line,
              `secondsAvailable ${s} is more than the epoch's ${epochSeconds} seconds`,
            );
          const p = row.int(PASSED);
          const f = row.int(FAILED);
          if (p > MAX_CHECKS || f > MAX_CHECKS) throw new RowError(line, `more than ${MAX_CHECKS} checks`);
          r.lines[i] = line;
          r.model[i] = m;
          r.gpuCount[i] = g;
          r.seconds[i] = s;
          r.passed[i] = p;
          r.failed[i] = f;
          r.count++;
        } catch (e) {
          fail(e);
        }
      },
      bytes,
    );
  } catch (e) {
    fail(e);
  }
  if (errors.length) throw new ReportsError(file, errors, more);
  if (r.count === 0) throw new Error(`${file}: no reports`);
  return r;
}

export interface SubsidySummary {
  reported: number;
  paid: number;
  belowMinimum: number;
  failedChecks: number;
  capped: number;
  roundedToZero: number;
}

export interface Subsidies {
  count: number;
  /** per paid supplier in ascending supplier order: its 32 bytes, then its amount (a word) */
  stored: Buffer;
  total: bigint;
  /** the report line of each paid supplier */
  lines: Uint32Array;
  summary: SubsidySummary;
}

/** Applies the formula: duplicate suppliers are refused (both lines named); amounts in base units. */
export function computeSubsidies(
  formula: SubsidyFormula,
  reports: AvailabilityReports,
  file = "reports",
): Subsidies {
  const n = reports.count;
  const keys = reports.suppliers;
  const order = sortKeys(keys, n);
  const errors: RowError[] = [];
  for (let i = 1; i < n; i++) {
    if (compareKeys(keys, order[i - 1], order[i]) === 0 && errors.length <= MAX_ERRORS) {
      const a = order[i - 1];
      const b = order[i];
      errors.push(
        new RowError(
          reports.lines[b],
          `supplier ${keyText(keys.subarray(b * WORD, b * WORD + WORD))} was already reported on line ${reports.lines[a]}`,
        ),
      );
    }
  }
  if (errors.length) {
    errors.sort((x, y) => x.line - y.line);
    throw new ReportsError(file, errors.slice(0, MAX_ERRORS), errors.length > MAX_ERRORS);
  }

  const summary: SubsidySummary = {
    reported: n,
    paid: 0,
    belowMinimum: 0,
    failedChecks: 0,
    capped: 0,
    roundedToZero: 0,
  };
  // scores are safe integers (the schema bounds weight x maxGpuCount x epochSeconds); their sum
  // may not be, so it is kept in a bigint, flushed from a double before it could round. Rows are
  // scored in file order (sequential reads), then paid in key order.
  const scores = new Float64Array(n);
  let sum = 0n;
  let partial = 0;
  for (let r = 0; r < n; r++) {
    const s = reports.seconds[r];
    if (s < formula.minSeconds || s === 0) {
      summary.belowMinimum++;
      continue;
    }
    const passed = reports.passed[r];
    const checks = passed + reports.failed[r];
    // passed * 10^6 and ratio * checks stay below 2^53 (checks < 2^33)
    if (checks === 0 || passed * 1_000_000 < formula.passRatioMicro * checks) {
      summary.failedChecks++;
      continue;
    }
    const score = formula.weights[reports.model[r]] * reports.gpuCount[r] * s;
    if (partial + score > Number.MAX_SAFE_INTEGER) {
      sum += BigInt(partial);
      partial = 0;
    }
    partial += score;
    scores[r] = score;
  }
  sum += BigInt(partial);
  if (sum === 0n)
    throw new Error(`${file}: no supplier qualifies (minimum availability, checks): nothing to pay`);
  const q = n - summary.belowMinimum - summary.failedChecks;

  // amount = min(floor(budget * score / sum), cap), written in key order
  const stored = Buffer.alloc(q * 2 * WORD);
  const lines = new Uint32Array(q);
  const { count, total } = pay(formula, sum, order, scores, keys, reports.lines, stored, lines, summary);
  if (total > formula.budget)
    throw new Error(`internal: amounts add up to ${total}, over the budget ${formula.budget}`);
  summary.paid = count;
  return {
    count,
    stored: stored.subarray(0, count * 2 * WORD),
    total,
    lines: lines.subarray(0, count),
    summary,
  };
}

/** The pay loop of computeSubsidies (its own function, so that V8 optimises it as one). */
function pay(
  formula: SubsidyFormula,
  sum: bigint,
  order: Uint32Array,
  scores: Float64Array,
  keys: Buffer,
  reportLines: Uint32Array,
  stored: Buffer,
  lines: Uint32Array,
  summary: SubsidySummary,
): { count: number; total: bigint } {
  // words move as 4-byte pieces; amounts below 2^53 are written without bigint arithmetic
  const aligned = keys.byteOffset % 4 === 0 ? keys : Buffer.from(keys);
  const keys32 = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
  const stored32 = new Uint32Array(stored.buffer, stored.byteOffset, stored.length / 4);
  const view = new DataView(stored.buffer, stored.byteOffset, stored.length);
  const { budget, cap } = formula;
  let count = 0;
  let total = 0n;
  let partial = 0;
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    const score = scores[r];
    if (score === 0) continue;
    let amount = (budget * BigInt(score)) / sum;
    if (cap !== undefined && amount > cap) {
      amount = cap;
      summary.capped++;
    }
    if (amount === 0n) {
      summary.roundedToZero++;
      continue;
    }
    const at = count * 16; // in 4-byte words: two 32-byte words a claim
    for (let w = 0; w < 8; w++) stored32[at + w] = keys32[r * 8 + w];
    if (amount <= MAX_SAFE) {
      const v = Number(amount);
      const hi = Math.floor(v / 0x1_0000_0000);
      view.setUint32((at + 14) * 4, hi);
      view.setUint32((at + 15) * 4, v - hi * 0x1_0000_0000);
      if (partial > Number.MAX_SAFE_INTEGER - v) {
        total += BigInt(partial);
        partial = 0;
      }
      partial += v;
    } else {
      writeUint(stored, (at + 8) * 4, amount);
      total += amount;
    }
    lines[count] = reportLines[r];
    count++;
  }
  return { count, total: total + BigInt(partial) };
}

export interface SubsidyEpochInput {
  config: SubsidyConfig;
  /** availability reports, .csv or .jsonl */
  reports: string;
  /** the MarketConfig PDA (base58) */
  market: string;
  epoch: bigint;
  /** the artifact directory to write */
  out: string;
  engine?: Engine;
}

/** Reports -> amounts -> the epoch's artifact directory (see artifact.ts). */
export async function buildSubsidyEpoch(
  input: SubsidyEpochInput,
): Promise<{ manifest: Manifest; summary: SubsidySummary }> {
  const formula = resolveFormula(input.config);
  const market = keyBytes(input.market, "market");
  if (input.epoch < 0n || input.epoch >= 1n << 64n)
    throw new Error(`epoch ${input.epoch}: outside 0..2^64-1`);
  const reports = readAvailabilityReports(input.reports, formula);
  const subsidies = computeSubsidies(formula, reports, input.reports);
  if (subsidies.count === 0)
    throw new Error(`${input.reports}: every qualifying amount rounds to 0: nothing to pay`);
  const manifest = await writeEpochArtifact(input.out, {
    kind: SUBSIDY_KIND,
    epoch: input.epoch,
    domain: {
      market: input.market,
      token: input.config.token.symbol,
      decimals: String(input.config.token.decimals),
    },
    columns: [
      { name: "market", type: "bytes32", value: "0x" + market.toString("hex") },
      { name: "epoch", type: "uint256", value: input.epoch },
      { name: "index", type: "uint256", position: true },
      { name: "supplier", type: "bytes32" },
      { name: "amount", type: "uint256" },
    ],
    key: { column: "supplier", format: "base58" },
    amount: "amount",
    input: { sha256: reports.sha256, rows: reports.count },
    formula: {
      ...input.config,
      budgetUnits: formula.budget.toString(),
      capUnits: formula.cap?.toString(),
      minSeconds: formula.minSeconds,
      suppliers: subsidies.summary,
    },
    count: subsidies.count,
    stored: subsidies.stored,
    total: subsidies.total,
    engine: input.engine,
  });
  return { manifest, summary: subsidies.summary };
}
