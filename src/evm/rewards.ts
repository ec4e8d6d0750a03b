// Builds a reward epoch from checker reports: each licence's share of the epoch budget is
// proportional to the checks it passed (rounded down, so the total never exceeds the budget).
import { readFileSync } from "node:fs";

import { z } from "zod";

import { rewardsTree } from "./arbitrum.js";

const Report = z.object({
  licenseId: z.coerce.bigint().positive(),
  checksPassed: z.coerce.number().int().min(0),
});
export type Report = z.infer<typeof Report>;

/** Reads reports from JSON (an array of objects) or CSV (header `licenseId,checksPassed`). */
export function readReports(file: string): Report[] {
  const text = readFileSync(file, "utf8");
  let rows: unknown[];
  if (file.endsWith(".csv")) {
    const [header, ...lines] = text.trim().split(/\r?\n/);
    const cols = header.split(",").map((c) => c.trim());
    rows = lines
      .filter((l) => l.trim())
      .map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v.trim()])));
  } else {
    rows = JSON.parse(text);
  }
  const parsed = z.array(Report).min(1).safeParse(rows);
  if (!parsed.success) throw new Error(`invalid reports in ${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export interface EpochFile {
  epoch: string;
  root: string;
  total: string;
  claims: { tokenId: string; amount: string; proof: string[] }[];
}

export function buildEpoch(epoch: bigint, budget: bigint, reports: Report[]): EpochFile {
  const merged = new Map<bigint, number>();
  for (const r of reports) merged.set(r.licenseId, (merged.get(r.licenseId) ?? 0) + r.checksPassed);
  const passed = [...merged.entries()].filter(([, n]) => n > 0);
  const totalChecks = passed.reduce((s, [, n]) => s + BigInt(n), 0n);
  if (totalChecks === 0n) throw new Error("no licence passed any check: nothing to reward");
  const rewards = passed.map(([tokenId, n]) => ({ tokenId, amount: (budget * BigInt(n)) / totalChecks }));
  const tree = rewardsTree(rewards);
  const claims = [...tree.entries()].map(([i, [tokenId, amount]]) => ({
    tokenId: String(tokenId),
    amount: String(amount),
    proof: tree.getProof(i),
  }));
  const total = rewards.reduce((s, r) => s + r.amount, 0n);
  return { epoch: String(epoch), root: tree.root, total: String(total), claims };
}
