// Token amounts as people read and type them: "12.5" of a coin with its own decimals, converted
// exactly to and from base units (ethers' parseUnits / formatUnits, which never round).
import { formatUnits, parseUnits } from "ethers";

export interface Denomination {
  decimals: number;
  symbol: string;
}

/** "12.5" -> base units; refuses more fractional digits than the coin has. */
export function parseAmount(text: string, d: Denomination, what = "amount"): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`${what}: '${text}' is not a decimal number of ${d.symbol}`);
  if ((m[2] ?? "").length > d.decimals) {
    throw new Error(`${what}: '${text}' has more than ${d.decimals} decimals (${d.symbol})`);
  }
  return parseUnits(text.trim(), d.decimals);
}

/** base units -> "12.5 USDC" (trailing zeros dropped, exact). */
export function formatAmount(units: bigint, d: Denomination): string {
  const s = formatUnits(units, d.decimals);
  return `${s.endsWith(".0") ? s.slice(0, -2) : s} ${d.symbol}`;
}
