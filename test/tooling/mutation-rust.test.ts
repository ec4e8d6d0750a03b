// The cargo-mutants report (tools/mutation/rust.ts) on outcome fixtures shaped like
// cargo-mutants 27's outcomes.json: no mutation campaign runs here (npm run mutation:rust does).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  mergeOutcomes,
  stableName,
  summarize,
  table,
  type Equivalent,
  type Outcomes,
} from "../../tools/mutation/rust.js";

const MATH = "programs/compute-market/src/math.rs";
const SETTLE = "programs/compute-market/src/instructions/escrow/settle_rental.rs";
const m = (file: string, at: string, what: string, summary: Outcomes["outcomes"][number]["summary"]) => ({
  scenario: { Mutant: { name: `${file}:${at}: ${what}`, file } },
  summary,
});
const none: Equivalent = { mutants: [] };

test("the stable name drops line and column only", () => {
  assert.equal(
    stableName(`${MATH}:26:9: replace Bps::get -> u16 with 0`),
    `${MATH}: replace Bps::get -> u16 with 0`,
  );
  assert.equal(stableName(`${MATH}: replace a:b with c`), `${MATH}: replace a:b with c`);
});

test("kill rate per file: caught and timed-out mutants count as killed, unviable ones not at all", () => {
  const outcomes: Outcomes = {
    outcomes: [
      { scenario: "Baseline", summary: "Success" },
      m(MATH, "1:1", "a", "CaughtMutant"),
      m(MATH, "2:1", "b", "Timeout"),
      m(MATH, "3:1", "c", "Unviable"),
      m(SETTLE, "4:1", "d", "CaughtMutant"),
    ],
  };
  const r = summarize(outcomes, none, 0.9);
  assert.deepEqual(r.problems, []);
  const math = r.rows.find((row) => row.file === MATH)!;
  assert.deepEqual([math.viable, math.killed, math.unviable, math.rate], [2, 2, 1, 1]);
  assert.match(table(r), /\| all .*\|\s+3 \|\s+3 \|\s+0 \|\s+0 \|\s+1 \|\s+100\.0 % \|/);
});

test("an unexplained survivor fails, and so does a rate under the minimum", () => {
  const outcomes: Outcomes = {
    outcomes: [m(MATH, "1:1", "a", "CaughtMutant"), m(MATH, "2:1", "b", "MissedMutant")],
  };
  const r = summarize(outcomes, none, 0.9);
  assert.equal(r.rows[0].rate, 0.5);
  assert.deepEqual(r.problems, [
    `${MATH}: kill rate 50.0 % is under 90.0 %`,
    `survived, not explained: ${MATH}:2:1: b`,
  ]);
});

test("an explained survivor leaves the denominator; an explanation nobody matches is stale", () => {
  const outcomes: Outcomes = {
    outcomes: [m(MATH, "1:1", "a", "CaughtMutant"), m(MATH, "2:1", "b", "MissedMutant")],
  };
  const explained: Equivalent = {
    mutants: [
      { mutant: `${MATH}: b`, reason: "cannot change any result: proven below" },
      { mutant: `${MATH}: gone`, reason: "an old survivor that a test now kills" },
      { mutant: `${SETTLE}: other`, reason: "a file this campaign did not cover" },
    ],
  };
  const r = summarize(outcomes, explained, 0.9);
  assert.equal(r.rows[0].rate, 1);
  assert.equal(r.rows[0].equivalent, 1);
  assert.deepEqual(r.stale, [`${MATH}: gone`]);
  assert.deepEqual(r.problems, [`stale equivalent entry (no such survivor): ${MATH}: gone`]);
});

test("an outcome cargo-mutants does not give a mutant is an error, not a silent pass", () => {
  assert.throws(
    () => summarize({ outcomes: [m(MATH, "1:1", "a", "Failure")] }, none, 0.9),
    /unexpected outcome Failure/,
  );
});

test("campaigns merge by mutant: the later outcome wins, the baseline is dropped", () => {
  const first: Outcomes = {
    outcomes: [
      { scenario: "Baseline", summary: "Success" },
      m(MATH, "1:1", "a", "MissedMutant"),
      m(MATH, "2:1", "b", "CaughtMutant"),
    ],
  };
  const second: Outcomes = {
    outcomes: [m(MATH, "1:1", "a", "CaughtMutant"), m(SETTLE, "3:1", "c", "Unviable")],
  };
  const merged = mergeOutcomes([first, second]);
  assert.deepEqual(
    merged.outcomes.map((o) =>
      o.scenario === "Baseline" ? "baseline" : `${o.scenario.Mutant.name} ${o.summary}`,
    ),
    [`${MATH}:1:1: a CaughtMutant`, `${MATH}:2:1: b CaughtMutant`, `${SETTLE}:3:1: c Unviable`],
  );
});
