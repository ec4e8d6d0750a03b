// The Solidity mutation campaign's own logic, on fixtures shaped like slither-mutate 0.11.6's log:
// no slither-mutate, no build, no test run here (scripts/mutation/solidity.sh runs the campaign).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import {
  classify,
  dependentContracts,
  type Equivalent,
  fatalError,
  type ImportGraph,
  keyOf,
  killRate,
  loadConfig,
  loadEquivalents,
  normalise,
  parseLog,
  passes,
  table,
  targetedFunctions,
  warnings,
} from "../../tools/mutation/campaign.js";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync } from "node:fs";

import { backup, type OutcomeCache, restore, writeScripts } from "../../tools/mutation/solidity.js";

const FILE = "contracts/utils/BpsMath.sol";

// What slither-mutate -v writes to stderr (Python's logging: LEVEL:logger:message), colours on;
// a statement spanning lines keeps its line breaks.
const LOG = [
  "INFO:Slither-Mutate:\x1b[94mStarting mutation campaign in /tmp/x/contracts/utils/BpsMath.sol\x1b[0m",
  "INFO:Slither-Mutate:Timing tests..",
  "INFO:Slither-Mutate:Mutating contract BpsMath",
  "INFO:Slither-Mutate:\x1b[92m[CR] Line 19: 'bps > MAX_BPS' ==> '//bps > MAX_BPS' --> CAUGHT\x1b[0m",
  "INFO:Slither-Mutate:[CR] Line 24: 'check(bps)' ==> '//check(bps)' --> UNCAUGHT",
  "INFO:Slither-Mutate:\x1b[93m[SBR] Line 12: 'uint256 internal constant MAX_BPS = 10_000' ==> 'uint256 internal immutable MAX_BPS = 10_000' --> COMPILATION FAILURE\x1b[0m",
  "INFO:Slither-Mutate:Tests took too long, consider increasing the timeout",
  "INFO:Slither-Mutate:[AOR] Line 41: 'net = amount - fee' ==> 'net = amount / fee' --> CAUGHT",
  "INFO:Slither-Mutate:[AOR] Line 41: 'net = amount - fee' ==> 'net = amount + fee' --> CAUGHT",
  "INFO:Slither-Mutate:[SBR] Line 12: 'uint256 internal constant MAX_BPS = 10_000' ==> 'uint128 internal constant MAX_BPS = 10_000' --> UNCAUGHT",
  "INFO:Slither-Mutate:[ROR] Line 87: 'if (",
  "            tiers_[i].quantity == 0 ||",
  "            (i > 0)",
  "        ) revert SaleInvalidConfig()' ==> 'if (",
  "            tiers_[i].quantity != 0 ||",
  "            (i > 0)",
  "        ) revert SaleInvalidConfig()' --> UNCAUGHT",
  "ERROR:CryticCompile:something unrelated",
  "INFO:Slither-Mutate:Done mutating BpsMath.",
  "INFO:Slither-Mutate:Comment mutants: 1 caught of 2 (50.0% caught)",
  "",
].join("\n");

const scratch = mkdtempSync(path.join(tmpdir(), "cm-mutation-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("the log: every mutant with its outcome, multi-line statements and timeouts included", () => {
  const mutants = parseLog(LOG);
  assert.deepEqual(
    mutants.map((m) => [m.mutator, m.line, m.outcome, m.timedOut]),
    [
      ["CR", 19, "killed", false],
      ["CR", 24, "survived", false],
      ["SBR", 12, "invalid", false],
      ["AOR", 41, "killed", true],
      ["AOR", 41, "killed", false],
      ["SBR", 12, "survived", false],
      ["ROR", 87, "survived", false],
    ],
  );
  assert.equal(mutants[1].original, "check(bps)");
  assert.equal(mutants[1].mutant, "//check(bps)");
  assert.equal(
    normalise(mutants[6].mutant),
    "if ( tiers_[i].quantity != 0 || (i > 0) ) revert SaleInvalidConfig()",
  );
  // a log cut in the middle of a record (the campaign reads it as it grows) loses only that record
  assert.equal(parseLog(LOG.slice(0, LOG.indexOf("[AOR]") + 20)).length, 3);
});

test("the log: slither-mutate's reasons to stop are reported, a normal run has none", () => {
  assert.equal(fatalError(LOG), undefined);
  assert.equal(
    fatalError(`${LOG}ERROR:Slither-Mutate:\x1b[91mTest suite fails with mutations, aborting\x1b[0m\n`),
    "Test suite fails with mutations, aborting",
  );
  assert.match(
    fatalError("ERROR:Slither-Mutate:No functions in RentalEscrow match selectors: ['0x12345678']\n") ?? "",
    /^No functions in RentalEscrow/,
  );
});

test("the log: the functions --target-functions matched, and mutators that crashed", () => {
  const log =
    "INFO:Slither-Mutate:Targeting functions: ['quote', 'split', '_refund']\n" +
    "ERROR:Slither-Mutate:MVIE mutator failed in CheckerRewards: 'NoneType' object has no attribute 'source_mapping'\n";
  assert.deepEqual(targetedFunctions(log), ["quote", "split", "_refund"]);
  assert.equal(targetedFunctions(LOG), undefined);
  assert.deepEqual(warnings(log), [
    "MVIE mutator failed in CheckerRewards: 'NoneType' object has no attribute 'source_mapping'",
  ]);
  assert.deepEqual(warnings(LOG), []);
});

const SBR_ENTRY: Equivalent = {
  file: FILE,
  mutator: "SBR",
  original: "uint256 internal constant MAX_BPS = 10_000",
  mutant: "uint128   internal constant MAX_BPS = 10_000",
  reason: "the value is the same and every use converts it to uint256",
};

test("equivalence: matched by file, mutator and text, whitespace and line numbers aside", () => {
  const mutants = parseLog(LOG);
  const r = classify(FILE, mutants, [SBR_ENTRY], 12);
  assert.equal(r.mutants.length, 6); // the one that did not compile is not a mutant
  assert.equal(r.invalid.length, 1);
  assert.equal(r.killed.length, 3);
  assert.deepEqual(
    r.equivalent.map((e) => [e.mutant.line, e.entry.reason]),
    [[12, SBR_ENTRY.reason]],
  );
  assert.deepEqual(
    r.unexplained.map((m) => [m.mutator, m.line]),
    [
      ["CR", 24],
      ["ROR", 87],
    ],
  );
  assert.deepEqual(r.stale, []);
  assert.equal(killRate(r), 3 / 6);
  assert.equal(passes(r, 0.5), false); // unexplained survivors fail whatever the rate
  // the same survivor in another file is not explained by this entry
  assert.equal(classify("contracts/Other.sol", mutants, [SBR_ENTRY]).unexplained.length, 3);
  assert.notEqual(keyOf(FILE, mutants[2]), keyOf(FILE, mutants[5])); // same line, other mutation
});

test("equivalence: an entry that matches no survivor is stale and fails the file", () => {
  const killedOnly = parseLog(LOG).filter((m) => m.outcome === "killed");
  const r = classify(FILE, killedOnly, [SBR_ENTRY]);
  assert.deepEqual(r.stale, [SBR_ENTRY]);
  assert.equal(killRate(r), 1);
  assert.equal(passes(r, 0.9), false);
  assert.equal(passes(classify(FILE, killedOnly, []), 0.9), true);
});

test("the threshold: a file passes at 90 % with every survivor explained, not below", () => {
  const m = (outcome: "killed" | "survived", i: number) => ({
    mutator: "AOR",
    line: i,
    original: `x = a - b${i}`,
    mutant: `x = a + b${i}`,
    outcome,
    timedOut: false,
  });
  const nine = [...Array.from({ length: 9 }, (_, i) => m("killed", i)), m("survived", 9)];
  const entry = { ...SBR_ENTRY, mutator: "AOR", original: "x = a - b9", mutant: "x = a + b9" };
  assert.equal(passes(classify(FILE, nine, [entry]), 0.9), true);
  const eight = [...nine.slice(0, 8), m("survived", 8), m("survived", 9)];
  const both = [entry, { ...entry, original: "x = a - b8", mutant: "x = a + b8" }];
  assert.equal(passes(classify(FILE, eight, both), 0.9), false);
});

test("the table: one row per file, a total, failing rows marked", () => {
  const a = classify(FILE, parseLog(LOG), [SBR_ENTRY], 61.4);
  const b = classify("contracts/escrow/RentalEscrow.sol", parseLog(LOG).slice(0, 1), [], 10);
  const lines = table([a, b], 0.9);
  assert.equal(lines.length, 5);
  assert.match(
    lines[0],
    /^\| file +\| mutants \| killed \| equivalent \| unexplained \| kill rate \| no compile \| +time \|$/,
  );
  assert.match(
    lines[2],
    /^\| contracts\/utils\/BpsMath\.sol +\| +6 \| +3 \| +1 \| +2 \| +50\.0 % ✗ \| +1 \| +61 s \|$/,
  );
  assert.match(lines[3], /\| +1 \| +1 \| +0 \| +0 \| +100\.0 % \| +0 \| +10 s \|$/);
  assert.match(lines[4], /^\| total +\| +7 \| +4 \| +1 \| +2 \| +57\.1 % \| +1 \| +71 s \|$/);
  assert.equal(new Set(lines.map((l) => [...l].length)).size, 1); // aligned
});

test("what to rebuild: every contract that imports the file, however indirectly", () => {
  const graph: ImportGraph = new Map([
    ["project/contracts/utils/BpsMath.sol", ["npm/@openzeppelin/contracts@5.7.0/utils/math/Math.sol"]],
    ["project/contracts/escrow/RentalEscrow.sol", ["project/contracts/utils/BpsMath.sol"]],
    ["project/contracts/mocks/EscrowUser.sol", ["project/contracts/escrow/RentalEscrow.sol"]],
    ["project/test/evm/escrow/RentalEscrow.fuzz.t.sol", ["project/contracts/escrow/RentalEscrow.sol"]],
    ["project/contracts/token/ComputeToken.sol", []],
  ]);
  assert.deepEqual(dependentContracts(graph, "contracts/utils/BpsMath.sol"), [
    "contracts/escrow/RentalEscrow.sol",
    "contracts/mocks/EscrowUser.sol",
  ]);
  assert.deepEqual(dependentContracts(graph, "contracts/token/ComputeToken.sol"), []);
});

test("backup and restore: a mutated file comes back, an untouched one is not rewritten", () => {
  const root = path.join(scratch, "repo");
  const dir = path.join(scratch, "backup");
  mkdirSync(path.join(root, "contracts"), { recursive: true });
  const a = path.join(root, "contracts/A.sol");
  const b = path.join(root, "contracts/B.sol");
  writeFileSync(a, "contract A {}\n");
  writeFileSync(b, "contract B {}\n");
  backup(dir, root, ["contracts/A.sol", "contracts/B.sol"]);
  writeFileSync(a, "contract A { /* a mutant */ }\n");
  // as after a kill: the next run finds the backup and restores from it
  assert.deepEqual(restore(dir, root), ["contracts/A.sol"]);
  assert.equal(readFileSync(a, "utf8"), "contract A {}\n");
  assert.equal(existsSync(dir), false);
  assert.deepEqual(restore(dir, root), []); // nothing to do without a backup
});

test("the committed configuration and equivalence files are valid and still match the code", () => {
  const config = loadConfig("tools/mutation/solidity.json");
  assert.ok(config.threshold >= 0.9);
  for (const t of config.targets) assert.ok(existsSync(t.file), t.file);
  const { equivalent } = loadEquivalents("tools/mutation/solidity-equivalent.json");
  for (const e of equivalent) {
    assert.ok(
      config.targets.some((t) => t.file === e.file),
      `${e.file} is not a target`,
    );
    // the statement is still in the file (else the entry is stale before any campaign runs)
    assert.ok(
      normalise(readFileSync(e.file, "utf8")).includes(normalise(e.original)),
      `${e.file}: ${e.original}`,
    );
  }
});

test("a mutant's outcome is remembered: a campaign stopped midway resumes without testing it again", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cm-mutation-cache-"));
  try {
    // a checkout whose hardhat is a stub: it logs its call and answers with the code in `code`
    const from = path.join(dir, "repo");
    mkdirSync(path.join(from, "node_modules/.bin"), { recursive: true });
    mkdirSync(path.join(from, "contracts"));
    const hardhat = path.join(from, "node_modules/.bin/hardhat");
    // (code "kill": the stub kills the script running it, as slither-mutate's timeout does)
    writeFileSync(
      hardhat,
      `#!/usr/bin/env bash\necho "$1 $2" >> ${dir}/calls\n` +
        `[ "$(cat ${dir}/code)" = kill ] && kill -9 $PPID\nexit "$(cat ${dir}/code)"\n`,
    );
    chmodSync(hardhat, 0o755);
    const target = path.join(from, "contracts/T.sol");
    writeFileSync(target, "original");
    const work = path.join(dir, "work");
    mkdirSync(work);
    const t = { file: "contracts/T.sol", about: "x", mocha: ["m.test.ts"], solidity: ["s.t.sol"] };
    const cache = (fresh: boolean): OutcomeCache => ({
      dir: path.join(dir, "outcomes"),
      base: "base",
      pristine: createHash("sha256").update("original").digest("hex"),
      target,
      fresh,
    });
    const run = (script: string, code: number | "kill", content: string) => {
      writeFileSync(path.join(dir, "code"), String(code));
      writeFileSync(target, content);
      return spawnSync("bash", [script]).status;
    };
    const calls = () =>
      existsSync(path.join(dir, "calls"))
        ? readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n").length
        : 0;

    let { build, test: tst } = writeScripts(work, t as never, [t.file], cache(false), from);
    // a mutant the tests kill: tested once, then answered from memory, its build skipped too
    assert.equal(run(build, 0, "mutant A"), 0);
    assert.equal(run(tst, 1, "mutant A"), 1);
    assert.equal(calls(), 2); // build, mocha (which failed: the Solidity tests never ran)
    assert.equal(run(build, 0, "mutant A"), 0);
    assert.equal(run(tst, 0, "mutant A"), 1, "the remembered kill, whatever the stub says now");
    assert.equal(calls(), 2);
    // a survivor is remembered as such
    assert.equal(run(tst, 0, "mutant B"), 0);
    assert.equal(calls(), 4); // mocha and Solidity tests
    assert.equal(run(tst, 1, "mutant B"), 0);
    assert.equal(calls(), 4);
    // a mutant that does not compile: remembered; one that compiled is built again (its tests need it)
    assert.equal(run(build, 1, "mutant C"), 1);
    assert.equal(run(build, 0, "mutant C"), 1);
    assert.equal(calls(), 5);
    assert.equal(run(build, 0, "mutant D"), 0);
    assert.equal(run(build, 0, "mutant D"), 0);
    assert.equal(calls(), 7);
    // the unmutated file (slither-mutate's baseline and final rebuild) always runs for real
    assert.equal(run(tst, 0, "original"), 0);
    assert.equal(run(tst, 0, "original"), 0);
    assert.equal(calls(), 11);
    // a test run killed (a timeout) is not remembered
    assert.equal(run(tst, "kill", "mutant E"), null);
    assert.equal(calls(), 12);
    assert.equal(run(tst, 1, "mutant E"), 1);
    assert.equal(calls(), 13);
    // --fresh: tested again, and the new outcome recorded
    ({ build, test: tst } = writeScripts(work, t as never, [t.file], cache(true), from));
    assert.equal(run(tst, 0, "mutant A"), 0);
    assert.equal(calls(), 15);
    ({ build, test: tst } = writeScripts(work, t as never, [t.file], cache(false), from));
    assert.equal(run(tst, 1, "mutant A"), 0, "the outcome --fresh recorded");
    assert.equal(calls(), 15);
    // another base (a test or contract changed): nothing remembered applies
    ({ build, test: tst } = writeScripts(
      work,
      t as never,
      [t.file],
      { ...cache(false), base: "other" },
      from,
    ));
    assert.equal(run(tst, 1, "mutant B"), 1);
    assert.equal(calls(), 16);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
