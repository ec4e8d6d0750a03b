import assert from "node:assert/strict";
import { test } from "node:test";

import { formatAmount, parseAmount } from "../../src/units.js";

const USDC = { decimals: 6, symbol: "USDC" };
const CMT = { decimals: 9, symbol: "CMT" };

test("finding 10 (newcomer): amounts are read and printed in the coin's own units", () => {
  assert.equal(parseAmount("20", USDC), 20_000_000n);
  assert.equal(parseAmount("19.5", USDC), 19_500_000n);
  assert.equal(parseAmount("0.000001", USDC), 1n);
  assert.equal(parseAmount("1000", CMT), 1_000_000_000_000n);
  assert.equal(formatAmount(210_000_000n, USDC), "210 USDC");
  assert.equal(formatAmount(1n, USDC), "0.000001 USDC");
  assert.equal(formatAmount(157_500_000_000n, CMT), "157.5 CMT");
});

test("error: an amount with more decimals than the coin, or not a number", () => {
  assert.throws(
    () => parseAmount("0.0000001", USDC, "--hourly-price"),
    /--hourly-price: '0.0000001' has more than 6 decimals/,
  );
  assert.throws(() => parseAmount("-1", USDC), /not a decimal number of USDC/);
  assert.throws(() => parseAmount("1e6", USDC), /not a decimal number/);
});
