// Solana public keys (base58 of 32 bytes) <-> their bytes32 word. Decoding a million supplier
// keys with bs58 costs ~2.5 s; this decoder, specialised for 32-byte keys, costs ~0.3 µs a key
// and accepts exactly what `new PublicKey(text)` accepts (tested against it); likewise keyText.
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

const LIMBS = 11; // 11 x 24 bits = 264 bits: room to see a number of more than 32 bytes
const limbs = new Float64Array(LIMBS);
const POW58 = [1, 58, 58 ** 2, 58 ** 3, 58 ** 4];
const LIMB = 0x1000000;
const INV_LIMB = 1 / LIMB; // a power of two: x * INV_LIMB is exact
const encodeLimbs = new Int32Array(LIMBS);
const chars = new Uint16Array(44);
const ALPHABET_CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

/** Decodes a base58 public key into 32 bytes at `out[offset]`; false when `text` is not the
 *  base58 of exactly 32 bytes (the 32 bytes at `offset` are then unspecified). */
export function decodeKey32(text: string, out: Uint8Array, offset: number): boolean {
  const len = text.length;
  if (len === 0 || len > 44) return false;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return false;
    codes[i] = c;
  }
  return decodeKey32Ascii(codes, 0, len, out, offset);
}
const codes = new Uint8Array(44);

/** decodeKey32 of the ASCII text `src[start..end)` (e.g. a field of a CSV file's bytes). */
export function decodeKey32Ascii(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  offset: number,
): boolean {
  const len = end - start;
  if (len <= 0 || len > 44) return false;
  let i = start;
  while (i < end && src[i] === 49 /* '1' */) i++;
  const zeros = i - start;
  let used = 0; // limbs written so far (the rest are zero)
  // four digits at a time: limb * 58^4 + carry < 2^24 * 2^24 = 2^48, exact in a double
  while (i < end) {
    const take = Math.min(4, end - i);
    let carry = 0;
    for (let k = 0; k < take; k++) {
      const c = src[i + k];
      const d = c < 128 ? DIGIT[c] : -1;
      if (d < 0) return false;
      carry = carry * 58 + d;
    }
    i += take;
    const mul = POW58[take];
    for (let j = 0; j < used; j++) {
      const x = limbs[j] * mul + carry;
      carry = Math.floor(x * INV_LIMB);
      limbs[j] = x - carry * LIMB;
    }
    while (carry > 0) {
      if (used === LIMBS) return false;
      const q = Math.floor(carry * INV_LIMB);
      limbs[used++] = carry - q * LIMB;
      carry = q;
    }
  }
  // 264 bits: the top 8 must be zero, and the number must take exactly 32 - zeros bytes (bs58
  // keeps one zero byte per leading '1' and no other leading zero)
  for (let j = used; j < LIMBS; j++) limbs[j] = 0;
  if (limbs[LIMBS - 1] >= 0x10000) return false;
  for (let j = 0; j < LIMBS - 1; j++) {
    const v = limbs[j];
    const at = offset + 31 - 3 * j;
    out[at] = v & 0xff;
    out[at - 1] = (v >>> 8) & 0xff;
    out[at - 2] = (v >>> 16) & 0xff;
  }
  out[offset + 1] = limbs[LIMBS - 1] & 0xff;
  out[offset] = (limbs[LIMBS - 1] >>> 8) & 0xff;
  let leading = 0;
  while (leading < 32 && out[offset + leading] === 0) leading++;
  return leading === zeros;
}

/** The 32 bytes of a base58 public key, or an error naming `what`. */
export function keyBytes(text: string, what = "key"): Buffer {
  const out = Buffer.alloc(32);
  if (!decodeKey32(text, out, 0)) throw new Error(`${what}: '${text}' is not a base58 public key (32 bytes)`);
  return out;
}

/** The base58 text of 32 key bytes (what `new PublicKey(bytes).toBase58()` prints). */
export function keyText(key: Uint8Array): string {
  if (key.length !== 32) throw new Error(`a key is 32 bytes, not ${key.length}`);
  let zeros = 0;
  while (zeros < 32 && key[zeros] === 0) zeros++;
  const limbs = encodeLimbs;
  for (let j = 0; j < LIMBS; j++) {
    const at = 31 - 3 * j; // bytes 31-3j (low) .. 29-3j (high) of the 32
    limbs[j] = (key[at] ?? 0) | ((key[at - 1] ?? 0) << 8) | ((key[at - 2] ?? 0) << 16);
  }
  let top = LIMBS - 1;
  let at = 44;
  for (;;) {
    while (top >= 0 && limbs[top] === 0) top--;
    if (top < 0) break;
    let rem = 0;
    for (let j = top; j >= 0; j--) {
      const cur = rem * LIMB + limbs[j]; // < 58 * 2^24 + 2^24 < 2^31: exact
      const q = (cur / 58) | 0;
      limbs[j] = q;
      rem = cur - q * 58;
    }
    chars[--at] = ALPHABET_CODES[rem];
  }
  for (let z = 0; z < zeros; z++) chars[--at] = 49; // '1'
  return String.fromCharCode.apply(null, chars.subarray(at) as unknown as number[]);
}
