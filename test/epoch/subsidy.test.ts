// Ignition subsidies: the formula, the reports' validation (each refusal names its line), and the
// epoch artifact whose leaves the Solana program verifies.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

import { encodeRow } from "../../src/epoch/abi.js";
import { openEpoch } from "../../src/epoch/artifact.js";
import { keyBytes, keyText } from "../../src/epoch/base58.js";
import { generateReports } from "../../src/epoch/generate.js";
import {
  buildSubsidyEpoch,
  loadSubsidyConfig,
  SUBSIDY_LEAF_TYPES,
  SubsidyConfigSchema,
  type SubsidyConfig,
} from "../../src/epoch/subsidy.js";
import { buildTreeSync, leafHash, proofPositions } from "../../src/epoch/tree.js";

const work = mkdtempSync(path.join(tmpdir(), "epoch-subsidy-"));
after(() => rmSync(work, { recursive: true, force: true }));

const CONFIG: SubsidyConfig = SubsidyConfigSchema.parse({
  token: { symbol: "CMT", decimals: 6 },
  epochSeconds: 1000,
  budget: "10",
  capPerSupplier: "4",
  minAvailability: { fraction: 0.5 },
  minPassRatio: 0.9,
  weights: { H100: 3, A100: 1 },
});
const MARKET = keyText(randomBytes(32));
const S = Array.from({ length: 6 }, () => keyText(randomBytes(32)));
const HEADER = "supplier,gpuModel,gpuCount,secondsAvailable,checksPassed,checksFailed";
const ROWS = [
  [S[0], "H100", 2, 1000, 10, 0], // score 6000 -> 6.666666 capped at 4
  [S[1], "A100", 1, 1000, 9, 1], // 90 % of checks: qualifies, 1000
  [S[2], "A100", 4, 500, 10, 0], // exactly the minimum availability, 2000
  [S[3], "H100", 1, 499, 10, 0], // below the minimum
  [S[4], "A100", 1, 1000, 8, 2], // 80 % of checks
  [S[5], "A100", 1, 1000, 0, 0], // never checked
];

function csv(name: string, lines: (string | number)[][], header = HEADER) {
  const file = path.join(work, name);
  writeFileSync(file, [header, ...lines.map((l) => l.join(","))].join("\n") + "\n");
  return file;
}

async function build(
  reports: string,
  config = CONFIG,
  out = path.join(work, "out-" + path.basename(reports)),
) {
  return buildSubsidyEpoch({ config, reports, market: MARKET, epoch: 4n, out });
}

describe("ignition subsidy epoch", () => {
  test("the formula: weights x GPUs x seconds, minimum availability, pass ratio, cap, rounded down", async () => {
    const { manifest, summary } = await build(csv("sample.csv", ROWS));
    assert.deepEqual(summary, {
      reported: 6,
      paid: 3,
      belowMinimum: 1,
      failedChecks: 2,
      capped: 1,
      roundedToZero: 0,
    });
    assert.equal(manifest.leafCount, 3);
    assert.equal(manifest.total, String(4_000_000 + 1_111_111 + 2_222_222));
    const e = await openEpoch(path.join(work, "out-sample.csv"));
    assert.equal((await e.lookup(S[0]))?.amount, 4_000_000n);
    assert.equal((await e.lookup(S[1]))?.amount, 1_111_111n);
    assert.equal((await e.lookup(S[2]))?.amount, 2_222_222n);
    for (const unpaid of S.slice(3)) assert.equal(await e.lookup(unpaid), undefined, "no leaf");
    await e.close();
  });

  test("the leaf is (market, epoch, index, supplier, amount), index = order of the supplier's bytes", async () => {
    const { manifest } = await build(csv("leaf.csv", ROWS));
    assert.deepEqual(manifest.leaf.types, [...SUBSIDY_LEAF_TYPES]);
    const e = await openEpoch(path.join(work, "out-leaf.csv"));
    const paid = S.slice(0, 3).sort((a, b) => Buffer.compare(keyBytes(a), keyBytes(b)));
    for (const [i, s] of paid.entries()) {
      const c = (await e.lookup(s))!;
      assert.equal(c.index, i);
      const hex = (k: string) => "0x" + keyBytes(k).toString("hex");
      assert.deepEqual(c.values, [hex(MARKET), 4n, BigInt(i), hex(s), c.amount]);
      assert.ok(StandardMerkleTree.verify(manifest.root, [...SUBSIDY_LEAF_TYPES], c.values, c.proof));
    }
    await e.close();
  });

  test("CSV and JSONL of the same reports give the same root; the manifest records the input's sha256", async () => {
    const a = await build(csv("same.csv", ROWS));
    const jsonl = path.join(work, "same.jsonl");
    const cols = HEADER.split(",");
    writeFileSync(
      jsonl,
      ROWS.map((r) => JSON.stringify(Object.fromEntries(cols.map((c, i) => [c, r[i]])))).join("\n"),
    );
    const b = await build(jsonl);
    assert.equal(a.manifest.root, b.manifest.root);
    assert.notEqual(a.manifest.input.sha256, b.manifest.input.sha256);
    assert.match(a.manifest.input.sha256, /^[0-9a-f]{64}$/);
  });

  test("amounts never add up to more than the budget; without a cap only rounding dust is left", async () => {
    const config = { ...CONFIG, capPerSupplier: undefined, minAvailability: { seconds: 1 } };
    const file = path.join(work, "gen.csv");
    generateReports(file, 3000, { ...config, epochSeconds: 1000 }, "rounding");
    const { manifest } = await build(file, config);
    const budget = 10_000_000n;
    assert.ok(BigInt(manifest.total) <= budget);
    assert.ok(
      budget - BigInt(manifest.total) < BigInt(manifest.leafCount),
      `dust ${budget - BigInt(manifest.total)}`,
    );
  });

  test("error: each bad report is refused with its line (key, model, GPUs, negative or impossible seconds, malformed numbers)", async () => {
    const file = csv("bad.csv", [
      [S[0], "H100", 1, 1000, 1, 0], // line 2: fine
      ["0OIl", "H100", 1, 1000, 1, 0],
      [S[1], "B200", 1, 1000, 1, 0],
      [S[2], "H100", 0, 1000, 1, 0],
      [S[3], "H100", 1, -5, 1, 0],
      [S[4], "H100", 1, 1001, 1, 0],
      [S[5], "H100", 1, 1000, "1.5", 0],
      [S[5], "H100", 1, 1000, 1, ""],
      [S[5], "H100", 1, "1e3", 1, 0],
      [S[5], "H100"],
    ]);
    await assert.rejects(build(file), (e: Error) => {
      const lines = e.message.split("\n").slice(1);
      assert.deepEqual(lines, [
        `  line 3: supplier '0OIl' is not a base58 public key (the Supplier record's address)`,
        `  line 4: gpuModel 'B200' has no weight in the formula (A100, H100)`,
        `  line 5: gpuCount 0 is outside 1..1024`,
        `  line 6: secondsAvailable -5 is negative`,
        `  line 7: secondsAvailable 1001 is more than the epoch's 1000 seconds`,
        `  line 8: checksPassed '1.5' is not an integer`,
        `  line 9: checksFailed '' is not an integer`,
        `  line 10: secondsAvailable '1e3' is not an integer`,
        `  line 11: 2 fields, the header has 6`,
      ]);
      assert.match(e.message, /bad\.csv: 9 invalid reports/);
      return true;
    });
  });

  test("error: a supplier reported twice is refused, naming both lines", async () => {
    const file = csv("dup.csv", [ROWS[0], ROWS[1], ["", "", "", "", "", ""].map((_, i) => ROWS[0][i])]);
    await assert.rejects(build(file), new RegExp(`line 4: supplier ${S[0]} was already reported on line 2`));
  });

  test("error: a header without a column, a file that is neither CSV nor JSONL, nobody qualifying", async () => {
    await assert.rejects(
      build(csv("nohead.csv", [], "supplier,gpuModel")),
      /line 1: the header lacks gpuCount/,
    );
    await assert.rejects(build(path.join(work, "reports.txt")), /must be \.csv/);
    await assert.rejects(build(csv("none.csv", [ROWS[3], ROWS[4]])), /no supplier qualifies/);
  });

  test("error: the formula's schema (unknown field, minimum above the epoch, bad budget, too many decimals)", async () => {
    const base = { ...CONFIG } as Record<string, unknown>;
    assert.throws(() => SubsidyConfigSchema.parse({ ...base, bonus: 1 }));
    assert.throws(
      () => SubsidyConfigSchema.parse({ ...base, minAvailability: { seconds: 1001 } }),
      /longer than the epoch/,
    );
    assert.throws(() => SubsidyConfigSchema.parse({ ...base, budget: "1.2.3" }));
    assert.throws(() => SubsidyConfigSchema.parse({ ...base, weights: {} }), /at least one GPU model/);
    await assert.rejects(
      build(csv("dec.csv", ROWS), { ...CONFIG, budget: "1.0000001" }),
      /more than 6 decimals/,
    );
  });

  test("a pinned vector for the Solana program's tests: one leaf, the root and a proof of three leaves", () => {
    // market = 0x01.., epoch 7, index i, supplier = 0x02.. / 0x03.. / 0x04.., amount (i + 1) * 10^9
    const types = [...SUBSIDY_LEAF_TYPES];
    const values = [0, 1, 2].map((i) => [
      "0x" + "01".repeat(32),
      7n,
      BigInt(i),
      "0x" +
        String(i + 2)
          .padStart(2, "0")
          .repeat(32),
      BigInt(i + 1) * 1_000_000_000n,
    ]);
    const rows = Buffer.concat(values.map((v) => encodeRow(types, v)));
    assert.equal(
      "0x" + Buffer.from(leafHash(rows.subarray(0, 160))).toString("hex"),
      "0x349a379516b3f02e03e69d0a7c5e2d003d13718b5e8eddb920f5e2a214d62da0",
    );
    const tree = buildTreeSync({ rows, rowBytes: 160 });
    assert.equal(tree.root, "0xcb8712de5b8e95a7bc74430da42ca2ec50805e6966642903d84a222cabd75b1c");
    const proof = proofPositions(tree.positions[0]).map(
      (p) => "0x" + tree.nodes.toString("hex", p * 32, p * 32 + 32),
    );
    assert.deepEqual(proof, [
      "0x3183f513581a9831f84df005c22e5dc0cc1efcb066b0b1e2e6a56c764963539e",
      "0x9a1474f34e5dcc9f09f5cc893ba13dbd931fe577f27c4fbdaeabb3bff560feff",
    ]);
  });

  test("config/ignition/subsidy.json is a valid formula", () => {
    const c = loadSubsidyConfig(path.resolve(import.meta.dirname, "../../config/ignition/subsidy.json"));
    assert.equal(c.token.decimals, 9);
  });
});
