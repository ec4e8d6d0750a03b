// The Slither check itself, on fixtures shaped like Slither 0.11's JSON output: no Slither runs
// here (scripts/slither.sh runs the real analysis in npm test).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import {
  checkFindings,
  loadTriage,
  locate,
  type SlitherOutput,
  type SlitherResult,
  type Triage,
} from "../../tools/slither/triage.js";

const contract = (name: string, file: string) => ({
  type: "contract",
  name,
  source_mapping: { filename_relative: file },
});
const fn = (name: string, of: string, file: string, line: number) => ({
  type: "function",
  name,
  source_mapping: { filename_relative: file, lines: [line, line + 1] },
  type_specific_fields: { parent: contract(of, file) },
});

const TIMESTAMP: SlitherResult = {
  check: "timestamp",
  impact: "Low",
  confidence: "Medium",
  description:
    "RentalEscrow.startRental(uint256) (contracts/escrow/RentalEscrow.sol#221-230) uses timestamp for comparisons\n\tDangerous comparisons:\n",
  elements: [fn("startRental", "RentalEscrow", "contracts/escrow/RentalEscrow.sol", 221)],
};
const REENTRANCY: SlitherResult = {
  check: "reentrancy-eth",
  impact: "High",
  confidence: "Medium",
  description:
    "Reentrancy in CheckerNodeSale.refund(uint256,uint256[]) (contracts/license/CheckerNodeSale.sol#265-285):\n\tExternal calls:\n",
  elements: [fn("refund", "CheckerNodeSale", "contracts/license/CheckerNodeSale.sol", 265)],
};
const UNINITIALIZED: SlitherResult = {
  check: "uninitialized-local",
  impact: "Medium",
  confidence: "Medium",
  description:
    "CheckerRewards.claim(ICheckerRewards.Claim[]).holder (contracts/rewards/CheckerRewards.sol#137) is a local variable never initialized\n",
  elements: [
    {
      type: "variable",
      name: "holder",
      source_mapping: { filename_relative: "contracts/rewards/CheckerRewards.sol", lines: [137] },
      type_specific_fields: {
        parent: {
          type: "function",
          name: "claim",
          type_specific_fields: { parent: contract("CheckerRewards", "x") },
        },
      },
    },
  ],
};
const IN_A_MOCK: SlitherResult = {
  ...REENTRANCY,
  elements: [fn("reenter", "CallbackToken", "contracts/mocks/CallbackToken.sol", 10)],
};
const IN_A_DEPENDENCY: SlitherResult = {
  ...REENTRANCY,
  elements: [fn("_update", "ERC20", "node_modules/@openzeppelin/contracts/token/ERC20/ERC20.sol", 180)],
};

const scratch = mkdtempSync(path.join(tmpdir(), "cm-slither-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const output = (...detectors: SlitherResult[]): SlitherOutput => ({
  success: true,
  error: null,
  results: { detectors },
});
const triage: Triage = {
  findings: [
    {
      detector: "timestamp",
      contract: "RentalEscrow",
      function: "startRental",
      reason: "start timeout is an hour long",
    },
    {
      detector: "uninitialized-local",
      contract: "CheckerRewards",
      function: "claim",
      variable: "holder",
      reason: "set by try's returns",
    },
  ],
};

test("a finding is located by contract, function and variable, not by line", () => {
  assert.deepEqual(locate(UNINITIALIZED), {
    detector: "uninitialized-local",
    impact: "Medium",
    contract: "CheckerRewards",
    function: "claim",
    variable: "holder",
    file: "contracts/rewards/CheckerRewards.sol",
    line: 137,
    summary:
      "CheckerRewards.claim(ICheckerRewards.Claim[]).holder (contracts/rewards/CheckerRewards.sol#137) is a local variable never initialized",
  });
  const moved = {
    ...TIMESTAMP,
    elements: [fn("startRental", "RentalEscrow", "contracts/escrow/RentalEscrow.sol", 400)],
  };
  const v = checkFindings(output(moved, UNINITIALIZED), triage);
  assert.deepEqual([v.untriaged, v.stale], [[], []]);
});

test("findings only in mocks or dependencies are not the project's", () => {
  const v = checkFindings(output(TIMESTAMP, UNINITIALIZED, IN_A_MOCK, IN_A_DEPENDENCY), triage);
  assert.equal(v.findings.length, 2);
  assert.deepEqual(v.untriaged, []);
});

test("error: a finding the triage does not accept", () => {
  const v = checkFindings(output(TIMESTAMP, UNINITIALIZED, REENTRANCY), triage);
  assert.deepEqual(
    v.untriaged.map((f) => [f.detector, f.contract, f.function, f.line]),
    [["reentrancy-eth", "CheckerNodeSale", "refund", 265]],
  );
  // the same detector elsewhere is new too: entries are per function
  const other = {
    ...TIMESTAMP,
    elements: [fn("disputeRental", "RentalEscrow", "contracts/escrow/RentalEscrow.sol", 233)],
  };
  assert.equal(checkFindings(output(TIMESTAMP, UNINITIALIZED, other), triage).untriaged.length, 1);
});

test("error: a triage entry that matches no finding any more", () => {
  const v = checkFindings(output(TIMESTAMP), triage);
  assert.deepEqual(v.untriaged, []);
  assert.deepEqual(
    v.stale.map((t) => t.variable),
    ["holder"],
  );
});

test("error: Slither's own failure is not a clean run", () => {
  assert.throws(
    () => checkFindings({ success: false, error: "Unknown file: x.sol" }, triage),
    /Unknown file: x.sol/,
  );
});

test("error: a triage entry without a reason", () => {
  const file = path.join(scratch, "bad-triage.json");
  writeFileSync(
    file,
    JSON.stringify({ findings: [{ detector: "timestamp", contract: "X", function: "f" }] }),
  );
  assert.throws(() => loadTriage(file), /findings\.0\.reason/);
});

test("the committed triage file is valid", () => {
  const t = loadTriage("tools/slither/triage.json");
  assert.ok(t.findings.length > 0);
});

test("the command: exit 1 and one line per new finding; exit 0 and a summary when clean", () => {
  const results = path.join(scratch, "slither.json");
  const triageFile = path.join(scratch, "triage.json");
  writeFileSync(triageFile, JSON.stringify(triage));
  const run = () =>
    spawnSync(
      process.execPath,
      ["--import", "tsx", "tools/slither/slither.ts", "--results", results, "--triage", triageFile],
      {
        encoding: "utf8",
      },
    );

  writeFileSync(results, JSON.stringify(output(TIMESTAMP, UNINITIALIZED, REENTRANCY)));
  let r = run();
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(
    lines[0],
    "slither: NEW reentrancy-eth (High) CheckerNodeSale.refund contracts/license/CheckerNodeSale.sol:265 " +
      "Reentrancy in CheckerNodeSale.refund(uint256,uint256[]) (contracts/license/CheckerNodeSale.sol#265-285):",
  );
  assert.match(lines[1], /^slither: 1 untriaged finding\(s\), 0 stale entries/);

  writeFileSync(results, JSON.stringify(output(TIMESTAMP, UNINITIALIZED)));
  r = run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "slither: 2 findings, all triaged");
});
