// The epoch's Merkle tree: an OpenZeppelin StandardMerkleTree (default options) over rows that
// are already ABI-encoded (see abi.ts), built natively by crates/epoch-tree or, where that binary
// is not built, with @noble/hashes' keccak in this process. Both produce the library's exact array
// layout (tested against `StandardMerkleTree.of` as the oracle):
//   leaf = keccak256(keccak256(row)); leaves sorted by hash (stable), the i-th smallest at
//   position 2n-2-i of an array of 2n-1 nodes; node i = keccak256(sorted(node 2i+1, node 2i+2)).
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";

import { keccak_256 } from "@noble/hashes/sha3";

export type Engine = "auto" | "native" | "js";

/** Where scripts/setup.sh builds the native builder: `$CARGO_TARGET_DIR/release/epoch-tree`, with
 *  the defaults of scripts/solana/env.sh; `CM_EPOCH_TREE_BIN` overrides it. */
export function nativeBinary(): string {
  if (process.env.CM_EPOCH_TREE_BIN) return process.env.CM_EPOCH_TREE_BIN;
  const cache = process.env.CM_CACHE ?? path.join(homedir(), ".cache", "compute-market");
  const target = process.env.CARGO_TARGET_DIR ?? path.join(cache, "target");
  return path.join(target, "release", "epoch-tree");
}

export function nativeAvailable(): boolean {
  try {
    accessSync(nativeBinary(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Above this many leaves, building in JS (~6 µs a keccak) is slow enough to say so. */
const JS_WARN_LEAVES = 20_000;

export interface TreeInput {
  /** whole rows of `rowBytes` each, in the order that `positions` answers for */
  rows: Iterable<Buffer>;
  /** how many rows `rows` yields */
  count: number;
  rowBytes: number;
  /** write the nodes here (the artifact's tree.bin); without it they are returned in `nodes` */
  treeFile?: string;
  engine?: Engine;
}

export interface BuiltTree {
  root: string;
  leafCount: number;
  /** positions[r]: the index of row r's leaf in the node array */
  positions: Uint32Array;
  /** the 2n-1 nodes, 32 bytes each (only when no treeFile was given) */
  nodes?: Buffer;
  engine: "native" | "js";
}

/** Whether `engine` means the native builder for `count` leaves (saying so when JS will be slow). */
function chooseNative(engine: Engine, count: number): boolean {
  if (engine === "js") return false;
  if (nativeAvailable()) return true;
  if (engine === "native")
    throw new Error(`${nativeBinary()} is not built: cargo build --release -p epoch-tree`);
  if (count > JS_WARN_LEAVES)
    console.warn(
      `epoch: ${nativeBinary()} is not built, hashing ${count} leaves in JS (slow); build it with 'cargo build --release -p epoch-tree'`,
    );
  return false;
}

export async function buildTree(input: TreeInput): Promise<BuiltTree> {
  if (input.count < 1) throw new Error("an epoch needs at least one leaf");
  if (input.rowBytes <= 0 || input.rowBytes % 32 !== 0) throw new Error(`row of ${input.rowBytes} bytes`);
  const native = chooseNative(input.engine ?? "auto", input.count);
  if (!native) {
    const { nodes, positions } = buildJs(input.rows, input.count, input.rowBytes);
    if (input.treeFile) writeFileSync(input.treeFile, nodes);
    const root = "0x" + nodes.toString("hex", 0, 32);
    return {
      root,
      leafCount: input.count,
      positions,
      nodes: input.treeFile ? undefined : nodes,
      engine: "js",
    };
  }
  const scratch = input.treeFile ? undefined : mkdtempSync(path.join(tmpdir(), "epoch-tree-"));
  const treeFile = input.treeFile ?? path.join(scratch!, "tree.bin");
  try {
    const positions = await buildNative(input.rows, input.count, input.rowBytes, treeFile);
    const handle = await open(treeFile, "r");
    const root = Buffer.alloc(32);
    try {
      await handle.read(root, 0, 32, 0);
    } finally {
      await handle.close();
    }
    return {
      root: "0x" + root.toString("hex"),
      leafCount: input.count,
      positions,
      nodes: scratch ? readFileSync(treeFile) : undefined,
      engine: "native",
    };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

async function buildNative(rows: Iterable<Buffer>, count: number, rowBytes: number, treeFile: string) {
  // CM_EPOCH_TREE_STATS=1 (npm run bench:epoch): the builder reports its time and peak memory
  const stats = process.env.CM_EPOCH_TREE_STATS === "1";
  const args = ["--row-bytes", String(rowBytes), "--tree", treeFile, ...(stats ? ["--stats"] : [])];
  const child = spawn(nativeBinary(), args, { stdio: ["pipe", "pipe", "pipe"] });
  const out: Buffer[] = [];
  let err = "";
  child.stdout.on("data", (b: Buffer) => out.push(b));
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  let broken: Error | undefined;
  child.stdin.on("error", (e) => (broken = e)); // the child died early: its stderr says why
  let sent = 0;
  for (const chunk of rows) {
    if (broken) break;
    sent += chunk.length;
    if (!child.stdin.write(chunk)) await Promise.race([once(child.stdin, "drain"), exited]);
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`epoch-tree failed (exit ${code}): ${err.trim() || broken?.message}`);
  if (stats)
    for (const l of err.split("\n")) if (l.startsWith("epoch-tree stats ")) process.stderr.write(l + "\n");
  if (sent !== count * rowBytes)
    throw new Error(`epoch: ${sent} bytes of rows for ${count} rows of ${rowBytes}`);
  return readPositions(Buffer.concat(out), count);
}

/** keccak256(keccak256(row)): the library's standardLeafHash of an encoded row. */
export function leafHash(row: Uint8Array): Uint8Array {
  return keccak_256(keccak_256(row));
}

const pair = new Uint8Array(64);
/** The library's standardNodeHash: keccak256 of the two children, the smaller first. */
export function nodeHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  const aFirst = Buffer.compare(a, b) <= 0;
  pair.set(aFirst ? a : b, 0);
  pair.set(aFirst ? b : a, 32);
  return keccak_256(pair);
}

function buildJs(
  rows: Iterable<Buffer>,
  count: number,
  rowBytes: number,
): { nodes: Buffer; positions: Uint32Array } {
  const hashes = Buffer.alloc(count * 32);
  let r = 0;
  for (const chunk of rows) {
    if (chunk.length % rowBytes !== 0)
      throw new Error(`epoch: a chunk of ${chunk.length} bytes is not whole rows of ${rowBytes}`);
    for (let o = 0; o < chunk.length; o += rowBytes) {
      if (r === count) throw new Error(`epoch: more than ${count} rows`);
      hashes.set(leafHash(chunk.subarray(o, o + rowBytes)), r++ * 32);
    }
  }
  if (r !== count) throw new Error(`epoch: ${r} rows, expected ${count}`);
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort(
    (a, b) =>
      Buffer.compare(hashes.subarray(a * 32, a * 32 + 32), hashes.subarray(b * 32, b * 32 + 32)) || a - b,
  );
  const len = 2 * count - 1;
  const nodes = Buffer.alloc(len * 32);
  const positions = new Uint32Array(count);
  order.forEach((row, i) => {
    const at = len - 1 - i;
    hashes.copy(nodes, at * 32, row * 32, row * 32 + 32);
    positions[row] = at;
  });
  for (let i = count - 2; i >= 0; i--) {
    const a = nodes.subarray((2 * i + 1) * 32, (2 * i + 2) * 32);
    const b = nodes.subarray((2 * i + 2) * 32, (2 * i + 3) * 32);
    nodes.set(nodeHash(a, b), i * 32);
  }
  return { nodes, positions };
}

/** The positions the native builder wrote to stdout (u32 little-endian, one per row). */
function readPositions(bytes: Buffer, count: number): Uint32Array {
  if (bytes.length !== count * 4)
    throw new Error(`epoch-tree answered ${bytes.length / 4} positions for ${count} rows`);
  const positions = new Uint32Array(count);
  for (let i = 0; i < count; i++) positions[i] = bytes.readUInt32LE(i * 4);
  return positions;
}

/** buildTree for rows already in memory, synchronously; the nodes are returned. */
export function buildTreeSync(input: {
  rows: Buffer;
  rowBytes: number;
  engine?: Engine;
}): Required<BuiltTree> {
  const { rows, rowBytes } = input;
  if (rowBytes <= 0 || rowBytes % 32 !== 0) throw new Error(`row of ${rowBytes} bytes`);
  if (rows.length === 0 || rows.length % rowBytes !== 0)
    throw new Error(`${rows.length} bytes are not whole rows of ${rowBytes}`);
  const count = rows.length / rowBytes;
  const native = chooseNative(input.engine ?? "auto", count);
  if (!native) {
    const { nodes, positions } = buildJs([rows], count, rowBytes);
    return { root: "0x" + nodes.toString("hex", 0, 32), leafCount: count, positions, nodes, engine: "js" };
  }
  const scratch = mkdtempSync(path.join(tmpdir(), "epoch-tree-"));
  try {
    const treeFile = path.join(scratch, "tree.bin");
    const run = spawnSync(nativeBinary(), ["--row-bytes", String(rowBytes), "--tree", treeFile], {
      input: rows,
      maxBuffer: count * 4 + 1024,
    });
    if (run.error) throw run.error;
    if (run.status !== 0)
      throw new Error(`epoch-tree failed (exit ${run.status}): ${run.stderr.toString().trim()}`);
    const nodes = readFileSync(treeFile);
    const positions = readPositions(run.stdout, count);
    return {
      root: "0x" + nodes.toString("hex", 0, 32),
      leafCount: count,
      positions,
      nodes,
      engine: "native",
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The node positions a proof of the node at `position` reads: its sibling, then each ancestor's. */
export function proofPositions(position: number): number[] {
  const out: number[] = [];
  while (position > 0) {
    out.push(position % 2 === 0 ? position - 1 : position + 1);
    position = Math.floor((position - 1) / 2);
  }
  return out;
}

/** Folds `proof` onto `leaf` with the sorted-pair hash (OpenZeppelin's MerkleProof.processProof). */
export function processProof(leaf: Uint8Array, proof: readonly string[]): string {
  let acc = leaf;
  for (const p of proof) acc = nodeHash(acc, Buffer.from(p.slice(2), "hex"));
  return "0x" + Buffer.from(acc).toString("hex");
}
