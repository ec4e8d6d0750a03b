// The fast base58 key codec against @solana/web3.js's PublicKey (bs58).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";

import { PublicKey } from "@solana/web3.js";

import { decodeKey32, keyText } from "../../src/epoch/base58.js";

const accepts = (text: string) => {
  try {
    return new PublicKey(text).toBytes().length === 32;
  } catch {
    return false;
  }
};

test("decodes and prints exactly what PublicKey does, leading zero bytes included", () => {
  for (let i = 0; i < 20_000; i++) {
    const key = randomBytes(32);
    if (i % 3 === 0) key.fill(0, 0, i % 33); // 0..32 leading zero bytes ('1's)
    const text = new PublicKey(key).toBase58();
    const out = Buffer.alloc(32);
    assert.ok(decodeKey32(text, out, 0), text);
    assert.ok(out.equals(key), text);
    assert.equal(keyText(key), text);
  }
});

test("error: refuses what PublicKey refuses (bad characters, 31 or 33 bytes, too long)", () => {
  const samples = [
    "",
    "0" + "1".repeat(31),
    "O".repeat(44),
    "I".repeat(44),
    "l".repeat(44),
    "1".repeat(31),
    "1".repeat(33),
    "2".repeat(45),
    "z".repeat(44), // more than 32 bytes
    new PublicKey(randomBytes(32)).toBase58() + "1",
    new PublicKey(randomBytes(32)).toBase58().slice(1),
    "é".repeat(44),
  ];
  for (let i = 0; i < 2000; i++)
    samples.push(new PublicKey(randomBytes(32)).toBase58().slice(0, 30 + (i % 15)));
  for (const s of samples) {
    const out = Buffer.alloc(32);
    assert.equal(decodeKey32(s, out, 0), accepts(s), `'${s}'`);
  }
});
