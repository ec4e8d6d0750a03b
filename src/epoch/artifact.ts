// The epoch artifact: a directory that one epoch's claimers read their proofs from, written
// byte for byte the same from the same input.
//
//   manifest.json      what the epoch is: kind, epoch, domain, leaf columns and types, the input's
//                      sha256, root, total, leaf count, and the shard list (each shard's first and
//                      last key and its sha256)
//   tree.bin           the 2n-1 tree nodes, 32 bytes each, in OpenZeppelin's array layout (node 0
//                      is the root): a proof is ~log2(n) positional reads
//   claims/NNNNNN.bin  the claims in key order, at most 10^4 a shard; a record is the claim's
//                      stored words (the leaf columns that are neither constant nor the position)
//                      then its leaf's position in tree.bin (u32, big-endian)
//
// A lookup reads the manifest, one shard (binary search on the shard list's key ranges, then in
// the shard) and ~log2(n) nodes: it never loads the whole epoch.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { open, readFile, type FileHandle } from "node:fs/promises";
import path from "node:path";

import { z } from "zod";

import {
  checkStaticType,
  decodeWord,
  encodeRow,
  encodeWord,
  readUint,
  WORD,
  writeUint,
  type LeafValue,
} from "./abi.js";
import { decodeKey32, keyText } from "./base58.js";
import { buildTree, leafHash, processProof, proofPositions, type Engine } from "./tree.js";

export const ARTIFACT_VERSION = 1;
export const CLAIMS_PER_SHARD = 10_000;
/** Rows handed to the tree builder at a time (bounded memory, and JS encodes while Rust hashes). */
const CHUNK_ROWS = 1 << 15;

/** How a claimer's key is written by people: a Solana public key, a number, or 0x hex. */
export type KeyFormat = "base58" | "uint" | "hex";

export interface ColumnSpec {
  name: string;
  type: string;
  /** the same in every leaf (part of the epoch's domain): kept once, in the manifest */
  value?: LeafValue;
  /** the claim's position in key order (0, 1, 2, ...) */
  position?: boolean;
}

export interface EpochSpec {
  kind: string;
  epoch: bigint;
  /** human-readable description of the constant columns (e.g. the market's base58 key) */
  domain: Record<string, string>;
  columns: ColumnSpec[];
  /** the stored column that identifies a claimer (unique; the claims are sorted by it) */
  key: { column: string; format: KeyFormat };
  /** the stored uint column that is paid */
  amount: string;
  input: { sha256: string; rows: number };
  /** the parameters the amounts came from (kind-specific, recorded for audit) */
  formula: unknown;
  /** leaf count */
  count: number;
  /** per claim, in strictly ascending key order: the stored columns' words in column order */
  stored: Buffer;
  /** sum of the amounts */
  total: bigint;
  engine?: Engine;
}

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const uint = z.string().regex(/^\d+$/);
const ManifestSchema = z.object({
  kind: z.string(),
  version: z.literal(ARTIFACT_VERSION),
  epoch: uint,
  domain: z.record(z.string(), z.string()),
  leaf: z.object({
    encoding: z.string(),
    types: z.array(z.string()),
    columns: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        value: z.string().optional(),
        position: z.literal(true).optional(),
      }),
    ),
  }),
  key: z.object({ column: z.string(), format: z.enum(["base58", "uint", "hex"]) }),
  amount: z.string(),
  input: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), rows: z.number().int().nonnegative() }),
  formula: z.unknown(),
  root: hex32,
  total: uint,
  leafCount: z.number().int().positive(),
  tree: z.object({ file: z.literal("tree.bin"), nodes: z.number().int().positive() }),
  claims: z.object({
    perShard: z.number().int().positive(),
    recordBytes: z.number().int().positive(),
    record: z.array(z.string()),
  }),
  shards: z.array(
    z.object({
      file: z.string().regex(/^claims\/\d{6}\.bin$/),
      count: z.number().int().positive(),
      first: hex32,
      last: hex32,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** A column's constant value as the manifest writes it (uint in decimal, others as abi.ts prints them). */
function printValue(v: LeafValue): string {
  return typeof v === "bigint" ? v.toString() : String(v);
}
function parseValue(type: string, text: string): LeafValue {
  if (type.startsWith("uint")) return BigInt(text);
  if (type === "bool") return text === "true";
  return text;
}

function sha256(b: Uint8Array) {
  return createHash("sha256").update(b).digest("hex");
}

/** sha256 of a file, for the manifest's `input.sha256`. */
export function fileSha256(file: string) {
  return sha256(readFileSync(file));
}

/** Writes the artifact of `spec` into `dir` (replacing an earlier artifact there; refusing any
 *  other non-empty directory). Returns its manifest. */
export async function writeEpochArtifact(dir: string, spec: EpochSpec): Promise<Manifest> {
  const { columns, count } = spec;
  if (count < 1) throw new Error("an epoch needs at least one claim");
  columns.forEach((c) => checkStaticType(c.type));
  if (new Set(columns.map((c) => c.name)).size !== columns.length)
    throw new Error("two leaf columns share a name");
  const stored = columns.filter((c) => c.value === undefined && !c.position);
  const keyAt = stored.findIndex((c) => c.name === spec.key.column);
  const amountAt = stored.findIndex((c) => c.name === spec.amount);
  if (keyAt < 0) throw new Error(`the key column ${spec.key.column} must be a stored column`);
  if (amountAt < 0 || !stored[amountAt].type.startsWith("uint"))
    throw new Error(`the amount column ${spec.amount} must be a stored uint column`);
  const storedBytes = stored.length * WORD;
  if (spec.stored.length !== count * storedBytes)
    throw new Error(`${spec.stored.length} bytes of stored columns for ${count} claims of ${storedBytes}`);
  // the hot loops below move 4-byte words (an aligned copy of the claims if need be)
  const data = spec.stored.byteOffset % 4 === 0 ? spec.stored : Buffer.from(spec.stored);
  const data32 = new Uint32Array(data.buffer, data.byteOffset, data.length / 4);
  const storedWords = storedBytes / 4;

  // keys strictly ascending: unique claimers, and the order shards and lookups rely on
  for (let i = 1; i < count; i++) {
    const a = (i - 1) * storedBytes + keyAt * WORD;
    const b = a + storedBytes;
    let k = 0;
    while (k < WORD && data[a + k] === data[b + k]) k++;
    if (k === WORD || data[a + k] > data[b + k])
      throw new Error(`claims ${i - 1} and ${i} are not in strictly ascending key order (a claimer twice?)`);
  }

  // one row = abi.encode of the leaf: constant words from a template, the position, the stored words
  const rowBytes = columns.length * WORD;
  const template = Buffer.alloc(rowBytes);
  columns.forEach((c, i) => {
    if (c.value !== undefined) encodeWord(c.type, c.value, template, i * WORD, `column ${c.name}`);
  });
  const template32 = new Uint32Array(template.buffer, template.byteOffset, rowBytes / 4);
  const positionAt = columns.findIndex((c) => c.position);
  const storedAt = columns.flatMap((c, i) => (c.value === undefined && !c.position ? [(i * WORD) / 4] : []));
  const rowWords = rowBytes / 4;
  function* rows() {
    for (let start = 0; start < count; start += CHUNK_ROWS) {
      const end = Math.min(count, start + CHUNK_ROWS);
      const chunk = new ArrayBuffer((end - start) * rowBytes);
      const chunk32 = new Uint32Array(chunk);
      const view = new DataView(chunk);
      for (let r = start; r < end; r++) {
        const off = (r - start) * rowWords;
        for (let w = 0; w < rowWords; w++) chunk32[off + w] = template32[w];
        if (positionAt >= 0) view.setUint32((off + (positionAt * WORD) / 4 + 7) * 4, r);
        for (let s = 0; s < storedAt.length; s++) {
          const from = r * storedWords + s * 8;
          const to = off + storedAt[s];
          for (let w = 0; w < 8; w++) chunk32[to + w] = data32[from + w];
        }
      }
      yield Buffer.from(chunk);
    }
  }

  const parent = path.dirname(path.resolve(dir));
  mkdirSync(parent, { recursive: true });
  const partial = path.join(parent, `.${path.basename(dir)}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(path.join(partial, "claims"), { recursive: true });
  try {
    const tree = await buildTree({
      rows: rows(),
      count,
      rowBytes,
      treeFile: path.join(partial, "tree.bin"),
      engine: spec.engine,
    });

    const recordBytes = storedBytes + 4;
    const shards: Manifest["shards"] = [];
    const keyHex = (claim: number) => {
      const o = claim * storedBytes + keyAt * WORD;
      return "0x" + data.toString("hex", o, o + WORD);
    };
    for (let start = 0, s = 0; start < count; start += CLAIMS_PER_SHARD, s++) {
      const end = Math.min(count, start + CLAIMS_PER_SHARD);
      const buf = Buffer.from(new ArrayBuffer((end - start) * recordBytes));
      const buf32 = new Uint32Array(buf.buffer);
      const view = new DataView(buf.buffer);
      const recordWords = recordBytes / 4;
      for (let c = start; c < end; c++) {
        const off = (c - start) * recordWords;
        for (let w = 0; w < storedWords; w++) buf32[off + w] = data32[c * storedWords + w];
        view.setUint32((off + storedWords) * 4, tree.positions[c]);
      }
      const file = `claims/${String(s).padStart(6, "0")}.bin`;
      writeFileSync(path.join(partial, file), buf);
      shards.push({
        file,
        count: end - start,
        first: keyHex(start),
        last: keyHex(end - 1),
        sha256: sha256(buf),
      });
    }

    const manifest: Manifest = {
      kind: spec.kind,
      version: ARTIFACT_VERSION,
      epoch: spec.epoch.toString(),
      domain: spec.domain,
      leaf: {
        encoding:
          "OpenZeppelin StandardMerkleTree: leaf = keccak256(keccak256(abi.encode(values))), leaves sorted by hash, node = keccak256(sorted pair)",
        types: columns.map((c) => c.type),
        columns: columns.map((c) => ({
          name: c.name,
          type: c.type,
          ...(c.value !== undefined ? { value: printValue(c.value) } : {}),
          ...(c.position ? { position: true as const } : {}),
        })),
      },
      key: spec.key,
      amount: spec.amount,
      input: spec.input,
      formula: spec.formula,
      root: tree.root,
      total: spec.total.toString(),
      leafCount: count,
      tree: { file: "tree.bin", nodes: 2 * count - 1 },
      claims: {
        perShard: CLAIMS_PER_SHARD,
        recordBytes,
        record: [...stored.map((c) => c.name), "treeIndex:u32be"],
      },
      shards,
    };
    writeFileSync(path.join(partial, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

    if (existsSync(dir)) {
      const entries = readdirSync(dir);
      if (entries.length > 0 && !entries.includes("manifest.json"))
        throw new Error(`${dir} exists and is not an epoch artifact: refusing to replace it`);
      rmSync(dir, { recursive: true, force: true });
    }
    renameSync(partial, dir);
    return manifest;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** One claim of an epoch, with everything a claim transaction needs. */
export interface EpochClaim {
  /** the claim's position in key order (the leaf's `index` where it has one) */
  index: number;
  /** the claimer as people write it (base58, decimal or 0x hex) */
  key: string;
  amount: bigint;
  /** the leaf's values, in column order (bigint for uint, 0x hex for bytes32/address) */
  values: LeafValue[];
  /** sibling hashes from the leaf up (OpenZeppelin MerkleProof order) */
  proof: string[];
  /** the leaf's position in tree.bin */
  treeIndex: number;
}

export interface OpenedEpoch {
  dir: string;
  manifest: Manifest;
  /** The claim of `key` (base58 / decimal / 0x as the manifest's key format says), its proof
   *  checked against the root; undefined when the epoch has no such claimer. */
  lookup(key: string | bigint): Promise<EpochClaim | undefined>;
  /** Every claim in key order, shard by shard; `proofs: false` skips the proofs (a fast scan),
   *  with proofs the tree is read into memory once. */
  claims(opts?: { proofs?: boolean; fromIndex?: number }): AsyncIterable<EpochClaim>;
  /** Checks the files against the manifest: sizes, shard hashes, key order, root present. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** Opens an artifact directory written by writeEpochArtifact. */
export async function openEpoch(dir: string): Promise<OpenedEpoch> {
  const manifestFile = path.join(dir, "manifest.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestFile, "utf8"));
  } catch (e) {
    throw new Error(`${manifestFile}: ${(e as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${manifestFile}: not an epoch manifest: ${z.prettifyError(parsed.error)}`);
  const m = parsed.data;
  const columns = m.leaf.columns;
  const types = m.leaf.types;
  types.forEach(checkStaticType);
  if (columns.length !== types.length || columns.some((c, i) => c.type !== types[i]))
    throw new Error(`${manifestFile}: leaf columns and types disagree`);
  const stored = columns.filter((c) => c.value === undefined && !c.position);
  const keyAt = stored.findIndex((c) => c.name === m.key.column);
  const amountAt = stored.findIndex((c) => c.name === m.amount);
  if (keyAt < 0 || amountAt < 0) throw new Error(`${manifestFile}: key or amount is not a stored column`);
  const storedBytes = stored.length * WORD;
  if (m.claims.recordBytes !== storedBytes + 4)
    throw new Error(`${manifestFile}: record size disagrees with the columns`);
  const starts: number[] = [];
  let n = 0;
  for (const s of m.shards) {
    starts.push(n);
    n += s.count;
  }
  if (n !== m.leafCount || m.tree.nodes !== 2 * m.leafCount - 1)
    throw new Error(`${manifestFile}: counts disagree`);
  const constants = columns.map((c) => (c.value !== undefined ? parseValue(c.type, c.value) : undefined));
  const root = m.root;

  let tree: FileHandle | undefined;
  const treeHandle = async () => (tree ??= await open(path.join(dir, m.tree.file), "r"));

  function keyWord(key: string | bigint): Buffer | undefined {
    const out = Buffer.alloc(WORD);
    if (m.key.format === "base58")
      return typeof key === "string" && decodeKey32(key, out, 0) ? out : undefined;
    if (m.key.format === "uint") {
      const text = String(key);
      if (!/^\d+$/.test(text)) return undefined;
      const v = BigInt(text);
      if (v >= 1n << 256n) return undefined;
      writeUint(out, 0, v);
      return out;
    }
    const text = String(key);
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(text)) return undefined;
    const b = Buffer.from(text.slice(2).padStart(64, "0"), "hex");
    return b;
  }
  function keyDisplay(word: Buffer): string {
    if (m.key.format === "base58") return keyText(word);
    if (m.key.format === "uint") return readUint(word, 0).toString();
    return "0x" + word.toString("hex");
  }

  async function readShard(s: number): Promise<Buffer> {
    const shard = m.shards[s];
    const buf = await readFile(path.join(dir, shard.file));
    if (buf.length !== shard.count * m.claims.recordBytes || sha256(buf) !== shard.sha256)
      throw new Error(`${path.join(dir, shard.file)} does not match the manifest (size or sha256)`);
    return buf;
  }

  function claimAt(shard: Buffer, s: number, i: number): Omit<EpochClaim, "proof"> {
    const off = i * m.claims.recordBytes;
    const index = starts[s] + i;
    let k = 0;
    const values = columns.map((c, ci) => {
      if (constants[ci] !== undefined) return constants[ci];
      if (c.position) return BigInt(index);
      return decodeWord(c.type, shard, off + k++ * WORD);
    });
    return {
      index,
      key: keyDisplay(shard.subarray(off + keyAt * WORD, off + keyAt * WORD + WORD)),
      amount: readUint(shard, off + amountAt * WORD),
      values,
      treeIndex: shard.readUInt32BE(off + storedBytes),
    };
  }

  /** The proof of `c`, checked: the encoded values hash to a leaf that the proof folds to the root. */
  function checked(c: Omit<EpochClaim, "proof">, proof: string[]): EpochClaim {
    const leaf = leafHash(encodeRow(types, c.values));
    if (processProof(leaf, proof) !== root)
      throw new Error(`${dir}: the proof of ${c.key} does not verify against the manifest's root`);
    return { ...c, proof };
  }

  async function proofFromFile(treeIndex: number): Promise<string[]> {
    const h = await treeHandle();
    const positions = proofPositions(treeIndex);
    const buf = Buffer.alloc(positions.length * WORD);
    await Promise.all(positions.map((p, i) => h.read(buf, i * WORD, WORD, p * WORD)));
    return positions.map((_, i) => "0x" + buf.toString("hex", i * WORD, i * WORD + WORD));
  }

  return {
    dir,
    manifest: m,
    async lookup(key) {
      const word = keyWord(key);
      if (!word) throw new Error(`'${key}' is not a ${m.key.format} key`);
      const hex = "0x" + word.toString("hex");
      // shards hold ascending, disjoint key ranges
      let lo = 0;
      let hi = m.shards.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const s = m.shards[mid];
        if (hex < s.first) hi = mid - 1;
        else if (hex > s.last) lo = mid + 1;
        else {
          const shard = await readShard(mid);
          let a = 0;
          let b = s.count - 1;
          while (a <= b) {
            const i = (a + b) >> 1;
            const off = i * m.claims.recordBytes + keyAt * WORD;
            const cmp = Buffer.compare(shard.subarray(off, off + WORD), word);
            if (cmp === 0) {
              const c = claimAt(shard, mid, i);
              return checked(c, await proofFromFile(c.treeIndex));
            }
            if (cmp < 0) a = i + 1;
            else b = i - 1;
          }
          return undefined;
        }
      }
      return undefined;
    },
    async *claims(opts = {}) {
      const withProofs = opts.proofs ?? true;
      const from = opts.fromIndex ?? 0;
      const nodes = withProofs ? await readFile(path.join(dir, m.tree.file)) : undefined;
      for (let s = 0; s < m.shards.length; s++) {
        if (starts[s] + m.shards[s].count <= from) continue;
        const shard = await readShard(s);
        for (let i = Math.max(0, from - starts[s]); i < m.shards[s].count; i++) {
          const c = claimAt(shard, s, i);
          if (!nodes) {
            yield { ...c, proof: [] };
            continue;
          }
          const proof = proofPositions(c.treeIndex).map(
            (p) => "0x" + nodes.toString("hex", p * WORD, p * WORD + WORD),
          );
          yield checked(c, proof);
        }
      }
    },
    async check() {
      const h = await treeHandle();
      const { size } = await h.stat();
      if (size !== m.tree.nodes * WORD)
        throw new Error(`${dir}/tree.bin: ${size} bytes, the manifest says ${m.tree.nodes} nodes`);
      const top = Buffer.alloc(WORD);
      await h.read(top, 0, WORD, 0);
      if ("0x" + top.toString("hex") !== root)
        throw new Error(`${dir}/tree.bin: its root is not the manifest's`);
      let previous = "";
      let total = 0n;
      for (let s = 0; s < m.shards.length; s++) {
        const shard = await readShard(s);
        const sh = m.shards[s];
        if (sh.first <= previous) throw new Error(`${dir}: shard ${sh.file} overlaps the one before`);
        for (let i = 0; i < sh.count; i++) {
          const off = i * m.claims.recordBytes;
          const k = "0x" + shard.toString("hex", off + keyAt * WORD, off + keyAt * WORD + WORD);
          if (k <= previous)
            throw new Error(`${dir}: ${sh.file} is not in ascending key order at claim ${i}`);
          if ((i === 0 && k !== sh.first) || (i === sh.count - 1 && k !== sh.last))
            throw new Error(`${dir}: ${sh.file}'s key range is not the manifest's`);
          previous = k;
          total += readUint(shard, off + amountAt * WORD);
          const t = shard.readUInt32BE(off + storedBytes);
          if (t < m.leafCount - 1 || t >= m.tree.nodes)
            throw new Error(`${dir}: ${sh.file} claim ${i} points outside the leaves`);
        }
      }
      if (total !== BigInt(m.total))
        throw new Error(`${dir}: the claims add up to ${total}, the manifest says ${m.total}`);
    },
    async close() {
      await tree?.close();
      tree = undefined;
    },
  };
}
