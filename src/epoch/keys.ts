// Claimers' keys (one 32-byte word each) in ascending byte order: the order of an epoch's claims,
// of its shards, and of the subsidy leaf's `index`.

/** The rows of `keys` (n words of 32 bytes) in ascending key order, ties in row order. A radix
 *  sort on the first 6 bytes (three 16-bit passes) then a comparison sort of each run sharing
 *  them: ~0.1 s for 10^6 keys where a comparison sort takes ~0.4 s. */
export function sortKeys(keys: Uint8Array, n: number): Uint32Array {
  if (keys.length < n * 32) throw new Error(`${keys.length} bytes hold fewer than ${n} keys`);
  // the three 16-bit digits of every key's first 6 bytes, side by side (small, cache-friendly)
  const digits = [new Uint16Array(n), new Uint16Array(n), new Uint16Array(n)];
  for (let i = 0; i < n; i++) {
    const o = i * 32;
    digits[0][i] = (keys[o] << 8) | keys[o + 1];
    digits[1][i] = (keys[o + 2] << 8) | keys[o + 3];
    digits[2][i] = (keys[o + 4] << 8) | keys[o + 5];
  }
  let a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  let b = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const digit of [digits[2], digits[1], digits[0]]) {
    // one stable counting-sort pass, least significant digit first
    count.fill(0);
    for (let i = 0; i < n; i++) count[digit[i] + 1]++;
    for (let d = 1; d <= 65536; d++) count[d] += count[d - 1];
    for (let i = 0; i < n; i++) {
      const r = a[i];
      b[count[digit[r]]++] = r;
    }
    [a, b] = [b, a];
  }
  const samePrefix = (x: number, y: number) => {
    for (let k = 0; k < 6; k++) if (keys[x * 32 + k] !== keys[y * 32 + k]) return false;
    return true;
  };
  const full = (x: number, y: number) => compareKeys(keys, x, y) || x - y;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && samePrefix(a[i], a[j])) j++;
    if (j - i > 1) a.subarray(i, j).sort(full);
    i = j;
  }
  return a;
}

/** Compares keys `x` and `y` of `keys` (32-byte words) byte by byte. */
export function compareKeys(keys: Uint8Array, x: number, y: number): number {
  for (let k = 0; k < 32; k++) {
    const d = keys[x * 32 + k] - keys[y * 32 + k];
    if (d !== 0) return d;
  }
  return 0;
}
