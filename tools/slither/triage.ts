// Slither's findings against the triage file: every finding in the project's contracts must be
// accepted there (detector + contract + function, stable across line moves), and every entry must
// still match a finding. Pure functions over Slither's JSON output; tools/slither/slither.ts runs
// Slither and prints, test/tooling/slither.test.ts checks this on fixtures.
import { readFileSync } from "node:fs";

import { z } from "zod";

/** The contracts analysed: contracts/**, not the mocks (tests are not in the pruned build). */
export const IN_SCOPE = /^contracts\/(?!mocks\/)/;

const entry = z
  .object({
    detector: z.string().min(1),
    contract: z.string().min(1),
    /** The function the finding is in (or about); absent for contract- and state-level findings. */
    function: z.string().min(1).optional(),
    /** Narrows the entry to one variable (a local, a parameter or a state variable). */
    variable: z.string().min(1).optional(),
    reason: z.string().min(10),
  })
  .strict();
export type TriageEntry = z.infer<typeof entry>;

export const triageSchema = z
  .object({
    $comment: z.string().optional(),
    findings: z.array(entry),
  })
  .strict();
export type Triage = z.infer<typeof triageSchema>;

interface SourceMapping {
  filename_relative?: string;
  lines?: number[];
}
interface Parent {
  type: string;
  name: string;
  type_specific_fields?: { parent?: Parent };
}
interface Element {
  type: string;
  name: string;
  source_mapping?: SourceMapping;
  type_specific_fields?: { parent?: Parent };
}
export interface SlitherResult {
  check: string;
  impact: string;
  confidence: string;
  description: string;
  elements: Element[];
}
export interface SlitherOutput {
  success: boolean;
  error: string | null;
  results?: { detectors?: SlitherResult[] };
}

/** One finding, located by names (not lines) so that the triage survives edits. */
export interface Finding {
  detector: string;
  impact: string;
  contract: string;
  function?: string;
  variable?: string;
  file: string;
  line: number;
  summary: string;
}

const FUNCTION_LIKE = new Set(["function", "modifier"]);

/** Where a result is: the contract and function of its first element (Slither's primary one). */
export function locate(r: SlitherResult): Finding {
  const e = r.elements[0];
  const base = {
    detector: r.check,
    impact: r.impact,
    file: e?.source_mapping?.filename_relative ?? "?",
    line: e?.source_mapping?.lines?.[0] ?? 0,
    summary: r.description.split("\n")[0].trim(),
  };
  if (!e) return { ...base, contract: "?" };
  const parent = e.type_specific_fields?.parent;
  if (e.type === "contract") return { ...base, contract: e.name };
  if (FUNCTION_LIKE.has(e.type)) return { ...base, contract: parent?.name ?? "?", function: e.name };
  // a node (a statement) or a variable: inside a function, or a contract's member
  if (parent && FUNCTION_LIKE.has(parent.type)) {
    const contract = parent.type_specific_fields?.parent?.name ?? "?";
    return e.type === "node"
      ? { ...base, contract, function: parent.name }
      : { ...base, contract, function: parent.name, variable: e.name };
  }
  return { ...base, contract: parent?.name ?? "?", variable: e.name };
}

/** A result is the project's when one of its elements is in a contract of contracts/ (not a mock). */
export function inScope(r: SlitherResult): boolean {
  return r.elements.some((e) => IN_SCOPE.test(e.source_mapping?.filename_relative ?? ""));
}

export function matches(t: TriageEntry, f: Finding): boolean {
  return (
    t.detector === f.detector &&
    t.contract === f.contract &&
    t.function === f.function &&
    (t.variable === undefined || t.variable === f.variable)
  );
}

export interface Verdict {
  findings: Finding[];
  /** Findings no entry accepts. */
  untriaged: Finding[];
  /** Entries that match no finding any more. */
  stale: TriageEntry[];
}

export function checkFindings(output: SlitherOutput, triage: Triage): Verdict {
  if (!output.success) throw new Error(`slither failed: ${output.error ?? "no error message"}`);
  const findings = (output.results?.detectors ?? []).filter(inScope).map(locate);
  const untriaged = findings.filter((f) => !triage.findings.some((t) => matches(t, f)));
  const stale = triage.findings.filter((t) => !findings.some((f) => matches(t, f)));
  return { findings, untriaged, stale };
}

export function loadTriage(file: string): Triage {
  const parsed = triageSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`${file}: ${first.path.join(".")}: ${first.message}`);
  }
  return parsed.data;
}

export const where = (x: { contract: string; function?: string; variable?: string }): string =>
  [x.contract, x.function, x.variable].filter(Boolean).join(".");

/** One line per untriaged finding: detector, contract.function, file:line, description's first line. */
export const formatFinding = (f: Finding): string =>
  `${f.detector} (${f.impact}) ${where(f)} ${f.file}:${f.line} ${f.summary}`;

/** The entry to paste into the triage file once the finding has been read and accepted. */
export const entryFor = (f: Finding): TriageEntry => ({
  detector: f.detector,
  contract: f.contract,
  ...(f.function ? { function: f.function } : {}),
  ...(f.variable ? { variable: f.variable } : {}),
  reason: "TODO: why this is accepted, in one line",
});

/** The exit status and the lines to print. */
export function report(v: Verdict, triageFile: string): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  for (const f of v.untriaged) lines.push(`slither: NEW ${formatFinding(f)}`);
  for (const t of v.stale) {
    lines.push(
      `slither: STALE triage entry ${t.detector} ${where(t)}: matches no finding any more (remove it from ${triageFile})`,
    );
  }
  if (v.untriaged.length === 0 && v.stale.length === 0) {
    lines.push(`slither: ${v.findings.length} findings, all triaged`);
    return { ok: true, lines };
  }
  lines.push(
    `slither: ${v.untriaged.length} untriaged finding(s), ${v.stale.length} stale entr${v.stale.length === 1 ? "y" : "ies"}` +
      ` (${v.findings.length} findings). Fix the contract, or accept the finding in ${triageFile} with a one-line reason.`,
  );
  return { ok: false, lines };
}
