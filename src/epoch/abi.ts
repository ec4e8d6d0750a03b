// Static ABI types, one 32-byte word per value: what an epoch leaf is made of. For such types
// `abi.encode(values)` is the values' words one after the other, so a leaf's encoding is a row of
// `32 * k` bytes that the tree builder hashes without knowing the types.
import { getAddress } from "ethers";

/** A value of a leaf column: `uint<M>` as bigint, `address` as a checksummed 0x string, `bytes<N>`
 *  as a 0x string of N bytes, `bool` as boolean (what ethers and `StandardMerkleTree` take). */
export type LeafValue = bigint | string | boolean;

export const WORD = 32;

const UINT = /^uint(\d{1,3})$/;
const BYTES = /^bytes(\d{1,2})$/;

/** Refuses any type that is not one static word (`uint8`..`uint256`, `address`, `bool`, `bytes1`..`bytes32`). */
export function checkStaticType(type: string): string {
  const u = UINT.exec(type);
  if (u) {
    const bits = Number(u[1]);
    if (bits >= 8 && bits <= 256 && bits % 8 === 0) return type;
  }
  const b = BYTES.exec(type);
  if (b) {
    const n = Number(b[1]);
    if (n >= 1 && n <= 32) return type;
  }
  if (type === "address" || type === "bool") return type;
  throw new Error(
    `leaf type '${type}' is not a static one-word ABI type (uint8..uint256, address, bool, bytes1..bytes32)`,
  );
}

const MASK64 = (1n << 64n) - 1n;

/** Writes an unsigned integer (< 2^256, unchecked) as a big-endian word at `offset`. */
export function writeUint(out: Buffer, offset: number, v: bigint) {
  if (v <= MASK64) {
    out.fill(0, offset, offset + 24);
    out.writeBigUInt64BE(v, offset + 24);
    return;
  }
  for (let i = 3; i >= 0; i--) {
    out.writeBigUInt64BE(v & MASK64, offset + i * 8);
    v >>= 64n;
  }
}

/** Reads a big-endian word at `offset` as an unsigned integer. */
export function readUint(buf: Uint8Array, offset: number): bigint {
  const b = Buffer.from(buf.buffer, buf.byteOffset + offset, WORD);
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 64n) | b.readBigUInt64BE(i * 8);
  return v;
}

function hexBytes(value: unknown, n: number, what: string): Buffer {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]*$/.test(value) || value.length !== 2 + 2 * n)
    throw new Error(`${what}: '${String(value)}' is not 0x and ${n} bytes of hex`);
  return Buffer.from(value.slice(2), "hex");
}

/** Encodes `value` as one word of `type` at `offset` of `out` (checks the value's range). */
export function encodeWord(type: string, value: unknown, out: Buffer, offset: number, what = type) {
  const u = UINT.exec(type);
  if (u) {
    let v: bigint;
    try {
      if (typeof value === "bigint") v = value;
      else if (typeof value === "number" && Number.isSafeInteger(value)) v = BigInt(value);
      else if (typeof value === "string" && /^(\d+|0x[0-9a-fA-F]+)$/.test(value)) v = BigInt(value);
      else throw new Error();
    } catch {
      throw new Error(`${what}: '${String(value)}' is not an unsigned integer`);
    }
    if (v < 0n || v >= 1n << BigInt(u[1])) throw new Error(`${what}: ${v} does not fit ${type}`);
    writeUint(out, offset, v);
    return;
  }
  if (type === "address") {
    const b = hexBytes(value, 20, what);
    out.fill(0, offset, offset + 12);
    b.copy(out, offset + 12);
    return;
  }
  if (type === "bool") {
    if (typeof value !== "boolean") throw new Error(`${what}: '${String(value)}' is not a boolean`);
    writeUint(out, offset, value ? 1n : 0n);
    return;
  }
  const b = BYTES.exec(type);
  if (b) {
    const bytes = hexBytes(value, Number(b[1]), what);
    out.fill(0, offset, offset + WORD);
    bytes.copy(out, offset);
    return;
  }
  throw new Error(`unsupported leaf type ${type}`);
}

/** Decodes the word at `offset` as `type` (the inverse of encodeWord). */
export function decodeWord(type: string, buf: Uint8Array, offset: number): LeafValue {
  const word = Buffer.from(buf.buffer, buf.byteOffset + offset, WORD);
  if (UINT.test(type)) return readUint(word, 0);
  if (type === "address") return getAddress("0x" + word.subarray(12).toString("hex"));
  if (type === "bool") return word[31] === 1;
  const b = BYTES.exec(type);
  if (b) return "0x" + word.subarray(0, Number(b[1])).toString("hex");
  throw new Error(`unsupported leaf type ${type}`);
}

/** `abi.encode(values)` for static types: one word per value. */
export function encodeRow(types: readonly string[], values: readonly unknown[]): Buffer {
  if (values.length !== types.length)
    throw new Error(`a leaf has ${values.length} values, its types ${types.length}`);
  const out = Buffer.alloc(WORD * types.length);
  types.forEach((t, i) => encodeWord(t, values[i], out, i * WORD, `value ${i} (${t})`));
  return out;
}
