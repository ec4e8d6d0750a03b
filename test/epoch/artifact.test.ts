// The epoch artifact: sharded claims + tree nodes, looked up one claimer at a time.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

import { WORD, writeUint } from "../../src/epoch/abi.js";
import { CLAIMS_PER_SHARD, openEpoch, writeEpochArtifact, type EpochSpec } from "../../src/epoch/artifact.js";
import { keyText } from "../../src/epoch/base58.js";
import { sortKeys } from "../../src/epoch/keys.js";
import type { Engine } from "../../src/epoch/tree.js";

const TYPES = ["bytes32", "uint256", "uint256", "bytes32", "uint256"];
const MARKET = "0x" + "7a".repeat(32);
const work = mkdtempSync(path.join(tmpdir(), "epoch-artifact-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** n random claimers with amounts, sorted by key, as the writer takes them. */
function claims(n: number) {
  const keys = randomBytes(n * WORD);
  const order = sortKeys(keys, n);
  const stored = Buffer.alloc(n * 2 * WORD);
  const amounts: bigint[] = [];
  let total = 0n;
  order.forEach((r, i) => {
    keys.copy(stored, i * 2 * WORD, r * WORD, r * WORD + WORD);
    const amount = 1n + BigInt("0x" + randomBytes(10).toString("hex"));
    writeUint(stored, i * 2 * WORD + WORD, amount);
    amounts.push(amount);
    total += amount;
  });
  const key = (i: number) => stored.subarray(i * 2 * WORD, i * 2 * WORD + WORD);
  return { n, stored, amounts, total, key };
}

function spec(c: ReturnType<typeof claims>, engine?: Engine): EpochSpec {
  return {
    kind: "ignition-subsidy",
    epoch: 9n,
    domain: { market: "test" },
    columns: [
      { name: "market", type: "bytes32", value: MARKET },
      { name: "epoch", type: "uint256", value: 9n },
      { name: "index", type: "uint256", position: true },
      { name: "supplier", type: "bytes32" },
      { name: "amount", type: "uint256" },
    ],
    key: { column: "supplier", format: "base58" },
    amount: "amount",
    input: { sha256: "ab".repeat(32), rows: c.n },
    formula: { test: true },
    count: c.n,
    stored: c.stored,
    total: c.total,
    engine,
  };
}

/** The library's tree over the same values (leaf i = the claim at position i in key order). */
function oracle(c: ReturnType<typeof claims>) {
  const values = Array.from({ length: c.n }, (_, i) => [
    MARKET,
    9n,
    BigInt(i),
    "0x" + c.key(i).toString("hex"),
    c.amounts[i],
  ]);
  return StandardMerkleTree.of(values, TYPES);
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
  );

describe("epoch artifact", () => {
  const big = claims(2 * CLAIMS_PER_SHARD + 1);
  const bigDir = path.join(work, "big");
  let bigTree: ReturnType<typeof oracle> | undefined;
  const bigOracle = () => (bigTree ??= oracle(big));

  test("shards of at most 10^4 claims, key ranges in the manifest, tree of 2n-1 nodes", async () => {
    const m = await writeEpochArtifact(bigDir, spec(big));
    assert.equal(m.leafCount, big.n);
    assert.equal(m.total, big.total.toString());
    assert.deepEqual(
      m.shards.map((s) => s.count),
      [CLAIMS_PER_SHARD, CLAIMS_PER_SHARD, 1],
    );
    assert.equal(m.shards[0].first, "0x" + big.key(0).toString("hex"));
    assert.equal(m.shards[1].last, "0x" + big.key(2 * CLAIMS_PER_SHARD - 1).toString("hex"));
    assert.equal(readFileSync(path.join(bigDir, "tree.bin")).length, (2 * big.n - 1) * 32);
    assert.equal(m.root, bigOracle().root);
    const e = await openEpoch(bigDir);
    await e.check();
    await e.close();
  });

  test("a lookup reads one shard and the tree: it works with every other shard gone", async () => {
    const dir = path.join(work, "one-shard");
    await writeEpochArtifact(dir, spec(big));
    rmSync(path.join(dir, "claims", "000000.bin"));
    rmSync(path.join(dir, "claims", "000002.bin"));
    const e = await openEpoch(dir);
    const i = CLAIMS_PER_SHARD + 17;
    const c = await e.lookup(keyText(big.key(i)));
    assert.equal(c?.index, i);
    assert.equal(c?.amount, big.amounts[i]);
    await e.close();
  });

  for (const engine of ["native", "js"] as Engine[]) {
    test(`${engine}: every claimer's lookup gives the library's proof, values and index`, async () => {
      const c = claims(333);
      const dir = path.join(work, `lookup-${engine}`);
      await writeEpochArtifact(dir, spec(c, engine));
      const oz = oracle(c);
      const e = await openEpoch(dir);
      for (let i = 0; i < c.n; i++) {
        const got = await e.lookup(keyText(c.key(i)));
        assert.ok(got, `claim ${i}`);
        assert.equal(got.index, i);
        assert.equal(got.amount, c.amounts[i]);
        assert.deepEqual(got.values, oz.at(i));
        assert.deepEqual(got.proof, oz.getProof(i));
        assert.ok(StandardMerkleTree.verify(e.manifest.root, TYPES, got.values, got.proof));
      }
      assert.equal(await e.lookup(keyText(randomBytes(32))), undefined);
      await assert.rejects(e.lookup("not-a-key"), /not a base58 key/);
      await e.close();
    });
  }

  test("byte for byte the same from the same claims, whichever engine hashes", async () => {
    const c = claims(CLAIMS_PER_SHARD + 5);
    const a = path.join(work, "same-a");
    const b = path.join(work, "same-b");
    await writeEpochArtifact(a, spec(c, "native"));
    await writeEpochArtifact(b, spec(c, "js"));
    await writeEpochArtifact(a, spec(c, "native")); // rebuilt in place
    assert.deepEqual(files(a), files(b));
    for (const f of files(a))
      assert.ok(readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))), f);
  });

  test("claims() walks every claim in key order with checked proofs, and resumes from an index", async () => {
    const e = await openEpoch(bigDir);
    const oz = bigOracle();
    let i = 0;
    for await (const c of e.claims()) {
      assert.equal(c.index, i);
      if (i % 997 === 0) assert.deepEqual(c.proof, oz.getProof(i));
      i++;
    }
    assert.equal(i, big.n);
    const rest = [];
    for await (const c of e.claims({ proofs: false, fromIndex: big.n - 3 })) rest.push(c.index);
    assert.deepEqual(rest, [big.n - 3, big.n - 2, big.n - 1]);
    await e.close();
  });

  test("error: a tampered shard or tree is refused", async () => {
    const c = claims(50);
    const dir = path.join(work, "tampered");
    await writeEpochArtifact(dir, spec(c));
    const shard = path.join(dir, "claims", "000000.bin");
    const bytes = readFileSync(shard);
    bytes[2 * WORD + 3] ^= 1; // claim 0's amount
    writeFileSync(shard, bytes);
    const e = await openEpoch(dir);
    await assert.rejects(e.check(), /does not match the manifest/);
    await assert.rejects(e.lookup(keyText(c.key(0))), /does not match the manifest/);
    await e.close();

    await writeEpochArtifact(dir, spec(c));
    const tree = path.join(dir, "tree.bin");
    const nodes = readFileSync(tree);
    nodes[nodes.length - 1] ^= 1; // a leaf
    writeFileSync(tree, nodes);
    const e2 = await openEpoch(dir);
    const results = await Promise.allSettled(
      Array.from({ length: c.n }, (_, i) => e2.lookup(keyText(c.key(i)))),
    );
    assert.ok(
      results.some(
        (r) =>
          r.status === "rejected" && /does not verify against the manifest's root/.test(String(r.reason)),
      ),
    );
    await e2.close();
  });

  test("error: claimers out of order or twice, and a directory that is not an artifact", async () => {
    const c = claims(3);
    const twice = Buffer.concat([c.stored.subarray(0, 64), c.stored.subarray(0, 64)]);
    await assert.rejects(
      writeEpochArtifact(path.join(work, "dup"), { ...spec(c), count: 2, stored: twice }),
      /claims 0 and 1 are not in strictly ascending key order/,
    );
    const broken = path.join(work, "broken");
    await writeEpochArtifact(broken, spec(c));
    writeFileSync(path.join(broken, "manifest.json"), "{}");
    await assert.rejects(openEpoch(broken), /not an epoch manifest/);
    const notArtifact = path.join(work, "notes");
    mkdirSync(notArtifact);
    writeFileSync(path.join(notArtifact, "notes.txt"), "keep me");
    await assert.rejects(writeEpochArtifact(notArtifact, spec(c)), /is not an epoch artifact: refusing/);
    assert.equal(readFileSync(path.join(notArtifact, "notes.txt"), "utf8"), "keep me");
  });
});
