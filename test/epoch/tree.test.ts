// The epoch builder's tree against @openzeppelin/merkle-tree, the oracle: same nodes, same root,
// same proof for every value, with the native builder (crates/epoch-tree) and the JS one.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

import { encodeRow } from "../../src/epoch/abi.js";
import {
  buildTree,
  buildTreeSync,
  nativeAvailable,
  nativeBinary,
  type Engine,
} from "../../src/epoch/tree.js";

const ENGINES: Engine[] = ["native", "js"];
const SUBSIDY = ["bytes32", "uint256", "uint256", "bytes32", "uint256"];

function randomValue(type: string): unknown {
  if (type === "address") return "0x" + randomBytes(20).toString("hex");
  if (type === "bool") return randomBytes(1)[0] % 2 === 0;
  if (type.startsWith("bytes")) return "0x" + randomBytes(Number(type.slice(5))).toString("hex");
  const bits = Number(type.slice(4));
  return BigInt("0x" + randomBytes(bits / 8).toString("hex"));
}

/** The library's tree as ours stores it: 2n-1 nodes of 32 bytes, and each value's tree index. */
function oracle(values: unknown[][], types: string[]) {
  const oz = StandardMerkleTree.of(values, types);
  const dump = oz.dump();
  return {
    oz,
    nodes: Buffer.concat(dump.tree.map((h) => Buffer.from(h.slice(2), "hex"))),
    positions: dump.values.map((v) => v.treeIndex),
  };
}

describe("epoch tree", () => {
  test("the native builder is built (cargo build --release -p epoch-tree)", () => {
    assert.ok(nativeAvailable(), `${nativeBinary()} is missing`);
  });

  for (const engine of ENGINES) {
    test(`${engine}: same nodes, root and proofs as StandardMerkleTree.of on random leaves (n = 1, 2, 3, odd and even sizes)`, async () => {
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 100, 257, 1000, 1023]) {
        const values = Array.from({ length: n }, (_, i) => [
          "0x" + "ab".repeat(32),
          5n,
          BigInt(i),
          "0x" + randomBytes(32).toString("hex"),
          BigInt("0x" + randomBytes(16).toString("hex")),
        ]);
        const want = oracle(values, SUBSIDY);
        const rows = Buffer.concat(values.map((v) => encodeRow(SUBSIDY, v)));
        const got = await buildTree({ rows: [rows], count: n, rowBytes: rows.length / n, engine });
        assert.equal(got.engine, engine);
        assert.equal(got.root, want.oz.root, `root, n = ${n}`);
        assert.ok(got.nodes!.equals(want.nodes), `nodes, n = ${n}`);
        assert.deepEqual([...got.positions], want.positions, `positions, n = ${n}`);
        const sync = buildTreeSync({ rows, rowBytes: rows.length / n, engine });
        assert.ok(sync.nodes.equals(want.nodes), `sync nodes, n = ${n}`);
      }
    });

    test(`${engine}: rows split into chunks of any size give the same tree`, async () => {
      const types = ["uint256", "uint256"];
      const values = Array.from({ length: 70 }, () => [randomValue("uint256"), randomValue("uint256")]);
      const rows = values.map((v) => encodeRow(types, v));
      const chunks = [
        Buffer.concat(rows.slice(0, 1)),
        Buffer.concat(rows.slice(1, 33)),
        Buffer.concat(rows.slice(33)),
      ];
      const got = await buildTree({ rows: chunks, count: 70, rowBytes: 64, engine });
      assert.equal(got.root, oracle(values, types).oz.root);
    });

    test(`${engine}: every static one-word type (uint8, uint64, address, bool, bytes4, bytes32)`, async () => {
      const types = ["uint8", "uint64", "address", "bool", "bytes4", "bytes32", "uint256"];
      const values = Array.from({ length: 33 }, () => types.map(randomValue));
      const want = oracle(values, types);
      const rows = Buffer.concat(values.map((v) => encodeRow(types, v)));
      const got = await buildTree({ rows: [rows], count: 33, rowBytes: types.length * 32, engine });
      assert.ok(got.nodes!.equals(want.nodes));
    });

    test(`${engine}: equal leaves keep the library's order (its sort is stable)`, async () => {
      const types = ["uint256", "uint256"];
      const values = [
        [1n, 2n],
        [3n, 4n],
        [1n, 2n],
        [1n, 2n],
        [5n, 6n],
      ];
      const want = oracle(values, types);
      const rows = Buffer.concat(values.map((v) => encodeRow(types, v)));
      const got = await buildTree({ rows: [rows], count: 5, rowBytes: 64, engine });
      assert.deepEqual([...got.positions], want.positions);
      assert.ok(got.nodes!.equals(want.nodes));
    });

    test(`${engine}: proofs verify with StandardMerkleTree.verify`, () => {
      const types = ["uint256", "address", "uint256", "uint256", "uint256"];
      const values = Array.from({ length: 21 }, () => types.map(randomValue));
      const rows = Buffer.concat(values.map((v) => encodeRow(types, v)));
      const got = buildTreeSync({ rows, rowBytes: 160, engine });
      values.forEach((v, i) => {
        const proof: string[] = [];
        for (let p = got.positions[i]; p > 0; p = Math.floor((p - 1) / 2)) {
          const s = p % 2 === 0 ? p - 1 : p + 1;
          proof.push("0x" + got.nodes.toString("hex", s * 32, s * 32 + 32));
        }
        assert.ok(StandardMerkleTree.verify(got.root, types, v, proof), `value ${i}`);
      });
    });
  }

  test("error: an empty tree, a row that is not whole words, a truncated row stream", async () => {
    await assert.rejects(buildTree({ rows: [], count: 0, rowBytes: 64 }), /at least one leaf/);
    assert.throws(() => buildTreeSync({ rows: Buffer.alloc(40), rowBytes: 40 }), /row of 40 bytes/);
    assert.throws(() => buildTreeSync({ rows: Buffer.alloc(96), rowBytes: 64 }), /not whole rows/);
    await assert.rejects(
      buildTree({ rows: [Buffer.alloc(64)], count: 2, rowBytes: 64, engine: "native" }),
      /bytes of rows for 2 rows|positions for 2 rows/,
    );
    await assert.rejects(
      buildTree({ rows: [Buffer.alloc(64)], count: 2, rowBytes: 64, engine: "js" }),
      /1 rows, expected 2/,
    );
  });
});
