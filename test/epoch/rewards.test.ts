// Checker rewards through the one epoch builder: same tree as StandardMerkleTree, the artifact
// that rewards:build-epoch writes and rewards:post / rewards:claim read.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { parseEther } from "ethers";

import {
  buildEpoch,
  openRewardsEpoch,
  readReports,
  REWARD_LEAF_TYPES,
  rewardsTree,
  writeRewardsEpoch,
} from "../../src/evm/rewards.js";
import { buildSubsidyEpoch, SubsidyConfigSchema } from "../../src/epoch/subsidy.js";

const SAMPLE = path.resolve(import.meta.dirname, "../../config/arbitrum/sample-reports.csv");
const REWARDS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const domain = { chainId: 412346n, rewards: REWARDS, epoch: 3n };
const work = mkdtempSync(path.join(tmpdir(), "epoch-rewards-"));
after(() => rmSync(work, { recursive: true, force: true }));

test("rewardsTree: the library's root, entries and proofs", () => {
  for (const n of [1, 2, 3, 10, 33]) {
    const rewards = Array.from({ length: n }, (_, i) => ({
      tokenId: BigInt(i * 7 + 1),
      amount: BigInt(1000 + i),
    }));
    const ours = rewardsTree(domain, rewards);
    const oz = StandardMerkleTree.of(
      rewards.map((r) => [domain.chainId, REWARDS, domain.epoch, r.tokenId, r.amount]),
      REWARD_LEAF_TYPES,
    );
    assert.equal(ours.root, oz.root);
    for (const [i, leaf] of ours.entries()) {
      assert.deepEqual(leaf, oz.at(i));
      assert.deepEqual(ours.getProof(i), oz.getProof(i));
    }
  }
});

test("rewards:build-epoch's artifact: the root of buildEpoch, proofs looked up by licence id verify", async () => {
  const dir = path.join(work, "epoch-3");
  const budget = parseEther("500");
  const m = await writeRewardsEpoch(dir, domain, budget, SAMPLE);
  const inMemory = buildEpoch(domain, budget, readReports(SAMPLE));
  assert.equal(m.root, inMemory.root);
  assert.equal(m.total, inMemory.total);
  assert.deepEqual(m.domain, { chainId: "412346", rewards: REWARDS });
  const e = await openRewardsEpoch(dir);
  assert.deepEqual(e.domain, domain);
  for (const c of inMemory.claims) {
    const got = (await e.lookup(c.tokenId))!;
    assert.equal(got.amount, BigInt(c.amount));
    assert.deepEqual(got.proof, c.proof);
    assert.ok(StandardMerkleTree.verify(m.root, REWARD_LEAF_TYPES, got.values, got.proof));
  }
  assert.equal(await e.lookup(4n), undefined, "licence 4 passed no check");
  await e.close();
});

test("error: a bad reports row is refused with its line", () => {
  const file = path.join(work, "bad.csv");
  writeFileSync(file, "licenseId,checksPassed\n1,5\n0,3\n");
  assert.throws(() => readReports(file), /line 3: licenseId '0' is not a licence id/);
  writeFileSync(file, "licenseId,checksPassed\n1,5\n2,-3\n");
  assert.throws(() => readReports(file), /line 3: checksPassed -3 is negative/);
});

test("error: rewards:post refuses an ignition subsidy epoch", async () => {
  const reports = path.join(work, "subsidy.csv");
  const supplier = "11111111111111111111111111111112";
  writeFileSync(
    reports,
    `supplier,gpuModel,gpuCount,secondsAvailable,checksPassed,checksFailed\n${supplier},H100,1,100,1,0\n`,
  );
  const config = SubsidyConfigSchema.parse({
    token: { symbol: "CMT", decimals: 9 },
    epochSeconds: 100,
    budget: "1",
    minAvailability: { seconds: 1 },
    weights: { H100: 1 },
  });
  const dir = path.join(work, "subsidy");
  await buildSubsidyEpoch({ config, reports, market: supplier, epoch: 1n, out: dir });
  await assert.rejects(openRewardsEpoch(dir), /is not a checker-rewards epoch \(kind ignition-subsidy/);
});
