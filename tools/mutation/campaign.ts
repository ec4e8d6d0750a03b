// The pure half of the Solidity mutation campaign: the configuration and equivalence files,
// slither-mutate's log parsed into mutants, each survivor matched against the explained
// equivalents, the import graph that decides what to rebuild, and the table. No file is read
// here but the two JSON files; tools/mutation/solidity.ts runs the campaign,
// test/tooling/mutation.test.ts checks this on fixtures.
import { readFileSync } from "node:fs";

import { z } from "zod";

// ------------------------------------------------------------------ configuration

const relPath = (ext: string) =>
  z.string().regex(new RegExp(`^(contracts|test)/[\\w./-]+\\${ext}$`), `a repository path ending in ${ext}`);

const target = z
  .object({
    /** The file mutated: its contract has the file's name (slither-mutate picks it so). */
    file: relPath(".sol"),
    /** Why these tests, and what the money math of the file is. */
    about: z.string().min(10),
    /** Restrict mutation to these functions (signatures, e.g. `quote(address,uint32,uint8)`). */
    functions: z
      .array(z.string().regex(/^\w+\(.*\)$/))
      .min(1)
      .optional(),
    /**
     * Contract roots the tests deploy that embed the mutated file (an internal library is
     * inlined): rebuilt with every mutant. Default: every contract that imports it.
     */
    contracts: z.array(relPath(".sol")).optional(),
    /** Solidity tests (`hardhat test solidity`), run if the mocha tests pass. */
    solidity: z.array(relPath(".t.sol")).default([]),
    /** Mocha tests (`hardhat test mocha --bail`), run first. */
    mocha: z.array(relPath(".ts")).default([]),
    /** Only the mocha tests whose title matches (mocha's --grep). */
    grep: z.string().min(1).optional(),
    /** Only the Solidity tests whose name matches (`hardhat test solidity --grep`). */
    solidityGrep: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => t.solidity.length + t.mocha.length > 0, "a target needs at least one test");
export type Target = z.infer<typeof target>;

export const configSchema = z
  .object({
    $comment: z.string().optional(),
    /** Kill rate (killed / mutants that compile) below which a file fails. */
    threshold: z.number().min(0).max(1),
    /** slither-mutate's mutators to run (its --mutators-to-run); default: all of them. */
    mutators: z
      .array(z.string().regex(/^[A-Z]{2,4}$/))
      .min(1)
      .optional(),
    targets: z.array(target).min(1),
  })
  .strict();
export type Config = z.infer<typeof configSchema>;

const equivalent = z
  .object({
    file: relPath(".sol"),
    /** slither-mutate's mutator (CR, RR, AOR, ROR, ...). */
    mutator: z.string().regex(/^[A-Z]{2,4}$/),
    /** The statement or expression as written (whitespace is normalised when matching). */
    original: z.string().min(1),
    /** What the mutator wrote in its place. */
    mutant: z.string(),
    /** Why no test can tell the two apart. */
    reason: z.string().min(10),
  })
  .strict();
export type Equivalent = z.infer<typeof equivalent>;

export const equivalentsSchema = z
  .object({
    $comment: z.string().optional(),
    equivalent: z.array(equivalent),
  })
  .strict();
export type Equivalents = z.infer<typeof equivalentsSchema>;

function loadJson<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

export const loadConfig = (file: string): Config => loadJson(file, configSchema);
export const loadEquivalents = (file: string): Equivalents => loadJson(file, equivalentsSchema);

// ------------------------------------------------------------------ slither-mutate's log

/** What the test command made of a mutant. */
export type Outcome = "killed" | "survived" | "invalid" | "listed";

export interface Mutant {
  mutator: string;
  line: number;
  original: string;
  mutant: string;
  outcome: Outcome;
  /** The tests ran past slither-mutate's timeout (it counts that as caught). */
  timedOut: boolean;
}

const OUTCOMES: Record<string, Outcome> = {
  CAUGHT: "killed",
  UNCAUGHT: "survived",
  "COMPILATION FAILURE": "invalid",
  LISTED: "listed",
};

// Python's logging.basicConfig() format: `LEVEL:logger:message`; a message may span lines.
const RECORD_START = /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.-]+:/m;
const MUTANT =
  /^\[([A-Z]+)\] Line (\d+): '([\s\S]*)' ==> '([\s\S]*)' --> (CAUGHT|UNCAUGHT|COMPILATION FAILURE|LISTED)$/;
const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex

/** The messages of a Python log (each record's text after `LEVEL:logger:`). */
export function logRecords(log: string): string[] {
  const text = log.replace(ANSI, "").replace(/\r\n/g, "\n");
  const starts: number[] = [];
  const re = new RegExp(RECORD_START.source, "gm");
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
  return starts.map((s, i) => {
    const record = text.slice(s, i + 1 < starts.length ? starts[i + 1] : text.length);
    return record.replace(RECORD_START, "").replace(/\n+$/, "");
  });
}

/**
 * Every mutant slither-mutate reported (run with -v: caught, uncaught and non-compiling mutants
 * are each logged once, in order). A timeout is logged just before the mutant it caught.
 */
export function parseLog(log: string): Mutant[] {
  const mutants: Mutant[] = [];
  let timedOut = false;
  for (const message of logRecords(log)) {
    if (message.startsWith("Tests took too long")) {
      timedOut = true;
      continue;
    }
    const m = MUTANT.exec(message);
    if (!m) continue;
    mutants.push({
      mutator: m[1],
      line: Number(m[2]),
      original: m[3],
      mutant: m[4],
      outcome: OUTCOMES[m[5]],
      timedOut: timedOut && m[5] === "CAUGHT",
    });
    timedOut = false;
  }
  return mutants;
}

/** The one error slither-mutate logs when it stops before mutating (broken tests, bad input). */
export function fatalError(log: string): string | undefined {
  return logRecords(log).find(
    (m) =>
      m.startsWith("Test suite fails") ||
      m.startsWith("Cannot find contracts") ||
      m.startsWith("No functions in") ||
      m.startsWith("Provided timeout"),
  );
}

/** A mutator that crashed on the contract (slither-mutate logs it and goes on without it). */
export const warnings = (log: string): string[] =>
  logRecords(log).filter((m) => m.includes("mutator failed"));

/** The functions `--target-functions` matched, by name (slither-mutate logs them). */
export function targetedFunctions(log: string): string[] | undefined {
  const record = logRecords(log).find((m) => m.startsWith("Targeting functions: "));
  return record === undefined ? undefined : [...record.matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

// ------------------------------------------------------------------ equivalence

/** Whitespace-insensitive text, so that reformatting a statement keeps its entry. */
export const normalise = (s: string): string => s.replace(/\s+/g, " ").trim();

/** The key of a mutant: file + mutator + statement + mutation, no line number. */
export function keyOf(file: string, m: Pick<Mutant, "mutator" | "original" | "mutant">): string {
  return [file, m.mutator, normalise(m.original), normalise(m.mutant)].join("\u0000");
}

export interface FileResult {
  file: string;
  mutants: Mutant[];
  killed: Mutant[];
  equivalent: { mutant: Mutant; entry: Equivalent }[];
  unexplained: Mutant[];
  invalid: Mutant[];
  /** Entries for this file that match no survivor: killed since, or never produced. */
  stale: Equivalent[];
  seconds: number;
}

/** Sorts a file's mutants into killed, explained and unexplained survivors. */
export function classify(
  file: string,
  mutants: Mutant[],
  equivalents: Equivalent[],
  seconds = 0,
): FileResult {
  const entries = equivalents.filter((e) => e.file === file);
  const byKey = new Map(entries.map((e) => [keyOf(file, e), e]));
  const used = new Set<Equivalent>();
  const result: FileResult = {
    file,
    mutants: mutants.filter((m) => m.outcome !== "invalid"),
    killed: [],
    equivalent: [],
    unexplained: [],
    invalid: mutants.filter((m) => m.outcome === "invalid"),
    stale: [],
    seconds,
  };
  for (const m of result.mutants) {
    if (m.outcome === "killed") {
      result.killed.push(m);
      continue;
    }
    if (m.outcome !== "survived") continue; // listed
    const entry = byKey.get(keyOf(file, m));
    if (entry) {
      result.equivalent.push({ mutant: m, entry });
      used.add(entry);
    } else {
      result.unexplained.push(m);
    }
  }
  result.stale = entries.filter((e) => !used.has(e));
  return result;
}

/** Killed over mutants that compile (an empty file counts as fully killed). */
export const killRate = (r: FileResult): number =>
  r.mutants.length === 0 ? 1 : r.killed.length / r.mutants.length;

/** A file passes with no unexplained survivor, no stale entry and a kill rate at the threshold. */
export const passes = (r: FileResult, threshold: number): boolean =>
  r.unexplained.length === 0 && r.stale.length === 0 && killRate(r) >= threshold;

/** An entry for tools/mutation/solidity-equivalent.json, reason to be written. */
export const entryFor = (file: string, m: Mutant): Equivalent => ({
  file,
  mutator: m.mutator,
  original: normalise(m.original),
  mutant: normalise(m.mutant),
  reason: "TODO why no test can tell it from the original",
});

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The table: one row per file and a total, aligned for a terminal (and a Markdown reader). */
export function table(results: FileResult[], threshold: number): string[] {
  const head = ["file", "mutants", "killed", "equivalent", "unexplained", "kill rate", "no compile", "time"];
  const row = (r: FileResult) => [
    r.file,
    String(r.mutants.length),
    String(r.killed.length),
    String(r.equivalent.length),
    String(r.unexplained.length),
    `${pct(killRate(r))}${passes(r, threshold) ? "" : " ✗"}`,
    String(r.invalid.length),
    `${Math.round(r.seconds)} s`,
  ];
  const rows = results.map(row);
  if (results.length > 1) {
    const sum = (f: (r: FileResult) => number) => results.reduce((a, r) => a + f(r), 0);
    const mutants = sum((r) => r.mutants.length);
    const killed = sum((r) => r.killed.length);
    rows.push([
      "total",
      String(mutants),
      String(killed),
      String(sum((r) => r.equivalent.length)),
      String(sum((r) => r.unexplained.length)),
      pct(mutants === 0 ? 1 : killed / mutants),
      String(sum((r) => r.invalid.length)),
      `${Math.round(sum((r) => r.seconds))} s`,
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  return [
    line(head),
    `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...rows.map(line),
  ];
}

// ------------------------------------------------------------------ what to rebuild

/** source name (`project/contracts/...`, `npm/...`) => the source names it imports */
export type ImportGraph = Map<string, string[]>;

/** Every source reachable from `from` along `edges` (not `from` itself unless on a cycle). */
export function reachable(edges: ImportGraph, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(edges.get(from) ?? [])];
  for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
    if (seen.has(s)) continue;
    seen.add(s);
    todo.push(...(edges.get(s) ?? []));
  }
  return seen;
}

/** The graph with every edge turned round: who imports whom. */
export function reversed(graph: ImportGraph): ImportGraph {
  const rev: ImportGraph = new Map();
  for (const [from, imports] of graph) {
    for (const to of imports) rev.set(to, [...(rev.get(to) ?? []), from]);
  }
  return rev;
}

/** The contracts (`contracts/**`, mocks included) that import `file`, directly or not. */
export function dependentContracts(graph: ImportGraph, file: string): string[] {
  return [...reachable(reversed(graph), `project/${file}`)]
    .filter((s) => s.startsWith("project/contracts/"))
    .map((s) => s.slice("project/".length))
    .sort();
}
