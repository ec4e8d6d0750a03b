// A deployment killed while Ignition writes its files: the torn files are repaired from the journal.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";

import { repairInterrupted } from "../../src/evm/ignition.js";

const complete = (id: string, address: string) =>
  JSON.stringify({
    futureId: id,
    result: { address, type: "SUCCESS" },
    type: "DEPLOYMENT_EXECUTION_STATE_COMPLETE",
  });
const A = "0x45e5F2A4EC9EAe844679b421fB1b42652eBBABc6";
const B = "0x4d00B13a6001045856650B54A4590BfE7Be68213";

it("a cut deployed_addresses.json is rebuilt from the journal, a torn last journal line dropped", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cm-repair-"));
  writeFileSync(
    path.join(dir, "journal.jsonl"),
    `${complete("M#A", A)}\n${complete("M#B", B)}\n{"futureId":"M#C","ty`,
  );
  writeFileSync(path.join(dir, "deployed_addresses.json"), `{\n  "M#A": "${A}",`);
  const lines: string[] = [];
  repairInterrupted(dir, (l) => lines.push(l));
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "deployed_addresses.json"), "utf8")), {
    "M#A": A,
    "M#B": B,
  });
  assert.equal(
    readFileSync(path.join(dir, "journal.jsonl"), "utf8"),
    `${complete("M#A", A)}\n${complete("M#B", B)}\n`,
  );
  assert.equal(lines.length, 2);
});

it("intact files are left as they are; a damaged line before the last is an error", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cm-repair-"));
  const journal = `${complete("M#A", A)}\n`;
  writeFileSync(path.join(dir, "journal.jsonl"), journal);
  writeFileSync(path.join(dir, "deployed_addresses.json"), `{"M#A":"${A}"}`);
  repairInterrupted(dir, () => assert.fail("nothing to repair"));
  assert.equal(readFileSync(path.join(dir, "journal.jsonl"), "utf8"), journal);
  writeFileSync(path.join(dir, "journal.jsonl"), `{"broken\n${complete("M#A", A)}\n`);
  assert.throws(() => repairInterrupted(dir, () => {}), /line 1 is not JSON: the journal is damaged/);
});
