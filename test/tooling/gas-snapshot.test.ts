// The comparison `npm run bench:gas` runs against gas-snapshot.json (src/bench/snapshot.ts).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";

import {
  compareSnapshots,
  describeComparison,
  readSnapshot,
  UPDATE_COMMAND,
  writeSnapshot,
} from "../../src/bench/snapshot.js";

const SNAPSHOT = { "escrow: create rental": 100_000, "rewards: claim 1 licence": 50_000 };

test("a 2 % regression fails, with the action, the old and new gas and the change", () => {
  const c = compareSnapshots(SNAPSHOT, { ...SNAPSHOT, "escrow: create rental": 102_000 });
  assert.equal(c.ok, false);
  assert.deepEqual(c.regressions, [{ action: "escrow: create rental", old: 100_000, new: 102_000, pct: 2 }]);
  const text = describeComparison(c).join("\n");
  assert.match(text, /FAIL, 1 action\(s\) cost more than 1 % above the snapshot/);
  assert.match(text, /\| escrow: create rental \| 100000 \| 102000 \| \+2\.00 % \|/);
});

test("a 0.5 % regression passes", () => {
  const c = compareSnapshots(SNAPSHOT, { ...SNAPSHOT, "rewards: claim 1 licence": 50_250 });
  assert.equal(c.ok, true);
  assert.equal(c.regressions.length, 0);
  assert.equal(c.improvements.length, 0);
  assert.match(describeComparison(c).join("\n"), /ok, 2 actions within 1 % of the snapshot/);
});

test("an improvement beyond 1 % passes and says how to update", () => {
  const c = compareSnapshots(SNAPSHOT, { ...SNAPSHOT, "escrow: create rental": 90_000 });
  assert.equal(c.ok, true);
  assert.deepEqual(c.improvements, [
    { action: "escrow: create rental", old: 100_000, new: 90_000, pct: -10 },
  ]);
  const text = describeComparison(c).join("\n");
  assert.ok(text.includes(`improved: 1 action(s) cost more than 1 % less; run ${UPDATE_COMMAND} to update`));
  assert.match(text, /\| escrow: create rental \| 100000 \| 90000 \| -10\.00 % \|/);
  assert.doesNotMatch(text, /FAIL/);
});

test("error: an action added to or gone from the bench fails until the snapshot is updated", () => {
  const c = compareSnapshots(SNAPSHOT, { "escrow: create rental": 100_000, "token: permit": 70_000 });
  assert.equal(c.ok, false);
  assert.deepEqual(c.added, ["token: permit"]);
  assert.deepEqual(c.removed, ["rewards: claim 1 licence"]);
  assert.match(describeComparison(c).join("\n"), /not in the snapshot: token: permit/);
});

test("the snapshot file round-trips; a malformed one is refused", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gas-snapshot-"));
  try {
    const file = path.join(dir, "gas-snapshot.json");
    writeSnapshot(file, SNAPSHOT);
    assert.deepEqual(readSnapshot(file), SNAPSHOT);
    writeFileSync(file, JSON.stringify({ actions: { "token: permit": "70000" } }));
    assert.throws(() => readSnapshot(file), /invalid .*gas-snapshot\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
