// The committed gas snapshot (gas-snapshot.json) and its comparison with a new measurement: what
// `npm run bench:gas` checks (GAS_SNAPSHOT=check) and rewrites (GAS_SNAPSHOT=update).
// A regression beyond the tolerance fails; an improvement beyond it only asks for an update; an
// action added to or gone from the bench fails too, so a renamed action cannot slip past.
import { readFileSync, writeFileSync } from "node:fs";

import { z } from "zod";

/** A change of more than 1 % either way counts. */
export const TOLERANCE = 0.01;

/** The command that rewrites the snapshot (what the messages tell the reader to run). */
export const UPDATE_COMMAND = "GAS_SNAPSHOT=update npm run bench:gas";

const SnapshotSchema = z.object({
  $comment: z.string().optional(),
  /** gas used (receipt.gasUsed) per action, by the action's name in the bench's table */
  actions: z.record(z.string(), z.number().int().nonnegative()),
});
export type GasSnapshot = Record<string, number>;

export interface Change {
  action: string;
  old: number;
  new: number;
  /** (new - old) / old, in percent */
  pct: number;
}

export interface Comparison {
  regressions: Change[];
  improvements: Change[];
  /** within the tolerance */
  unchanged: Change[];
  /** measured now, not in the snapshot */
  added: string[];
  /** in the snapshot, not measured now */
  removed: string[];
  /** no regression, nothing added or removed */
  ok: boolean;
}

export function compareSnapshots(
  old: GasSnapshot,
  now: GasSnapshot,
  tolerance: number = TOLERANCE,
): Comparison {
  const c: Comparison = {
    regressions: [],
    improvements: [],
    unchanged: [],
    added: [],
    removed: [],
    ok: true,
  };
  for (const [action, gas] of Object.entries(now)) {
    if (!(action in old)) {
      c.added.push(action);
      continue;
    }
    const before = old[action];
    const pct = before === 0 ? (gas === 0 ? 0 : Infinity) : ((gas - before) / before) * 100;
    const change = { action, old: before, new: gas, pct };
    if (pct > tolerance * 100) c.regressions.push(change);
    else if (pct < -tolerance * 100) c.improvements.push(change);
    else c.unchanged.push(change);
  }
  for (const action of Object.keys(old)) if (!(action in now)) c.removed.push(action);
  c.ok = c.regressions.length === 0 && c.added.length === 0 && c.removed.length === 0;
  return c;
}

const signed = (pct: number) => `${pct >= 0 ? "+" : ""}${pct.toFixed(2)} %`;

function diffTable(changes: Change[]): string[] {
  return [
    "| action | snapshot | now | change |",
    "| --- | ---: | ---: | ---: |",
    ...changes.map((c) => `| ${c.action} | ${c.old} | ${c.new} | ${signed(c.pct)} |`),
  ];
}

/** What the check prints: the regressions (with the diff), the improvements, the added/removed. */
export function describeComparison(c: Comparison, tolerance: number = TOLERANCE): string[] {
  const lines: string[] = [];
  const limit = `${(tolerance * 100).toFixed(0)} %`;
  if (c.regressions.length > 0) {
    lines.push(
      `gas snapshot: FAIL, ${c.regressions.length} action(s) cost more than ${limit} above the snapshot:`,
    );
    lines.push(...diffTable(c.regressions));
  }
  if (c.added.length > 0 || c.removed.length > 0) {
    lines.push(`gas snapshot: FAIL, the snapshot does not list the actions measured: run ${UPDATE_COMMAND}`);
    for (const a of c.added) lines.push(`  not in the snapshot: ${a}`);
    for (const a of c.removed) lines.push(`  no longer measured: ${a}`);
  }
  if (c.improvements.length > 0) {
    lines.push(
      `gas snapshot: improved: ${c.improvements.length} action(s) cost more than ${limit} less; run ${UPDATE_COMMAND} to update:`,
    );
    lines.push(...diffTable(c.improvements));
  }
  if (c.ok && c.improvements.length === 0)
    lines.push(`gas snapshot: ok, ${c.unchanged.length} actions within ${limit} of the snapshot`);
  return lines;
}

export function readSnapshot(file: string): GasSnapshot {
  const parsed = SnapshotSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`invalid ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data.actions;
}

export function writeSnapshot(file: string, actions: GasSnapshot) {
  const doc = {
    $comment: `Gas (receipt.gasUsed on Hardhat's in-process EVM) per user action, written by ${UPDATE_COMMAND}; npm test fails when an action costs more than ${(TOLERANCE * 100).toFixed(0)} % above it (scripts/bench/gas.ts).`,
    actions,
  };
  writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
}
