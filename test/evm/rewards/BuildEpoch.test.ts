// rewards:build-epoch's library: checker reports -> per-licence amounts -> Merkle root + proofs.
import path from "node:path";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { parseEther } from "ethers";

import { buildEpoch, readReports } from "../../../src/evm/rewards.js";

const SAMPLE = path.resolve(import.meta.dirname, "../../../config/arbitrum/sample-reports.csv");
const REWARDS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER_REWARDS = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const domain = (epoch: bigint, chainId = 412346n, rewards = REWARDS) => ({ chainId, rewards, epoch });

describe("rewards:build-epoch", () => {
  it("splits the budget by checks passed, never above it, with proofs that verify", () => {
    const reports = readReports(SAMPLE);
    const budget = parseEther("500");
    const epoch = buildEpoch(domain(7n), budget, reports);
    const passed = reports.reduce((s, r) => s + BigInt(r.checksPassed), 0n);
    expect(epoch.epoch).to.equal("7");
    expect(epoch.chainId).to.equal("412346");
    expect(epoch.rewards).to.equal(REWARDS);
    expect(epoch.claims.length).to.equal(reports.filter((r) => r.checksPassed > 0).length);
    expect(BigInt(epoch.total) <= budget).to.equal(true);
    expect(budget - BigInt(epoch.total) < BigInt(epoch.claims.length)).to.equal(true); // rounding dust only
    for (const c of epoch.claims) {
      const r = reports.find((x) => x.licenseId === BigInt(c.tokenId))!;
      expect(BigInt(c.amount)).to.equal((budget * BigInt(r.checksPassed)) / passed);
      // the documented leaf: (chainId, rewards contract, epoch, licenceId, amount)
      expect(
        StandardMerkleTree.verify(
          epoch.root,
          ["uint256", "address", "uint256", "uint256", "uint256"],
          [412346n, REWARDS, 7n, c.tokenId, c.amount],
          c.proof,
        ),
      ).to.equal(true);
    }
  });

  it("merges several reports of one licence", () => {
    const epoch = buildEpoch(domain(1n), 100n, [
      { licenseId: 1n, checksPassed: 1 },
      { licenseId: 1n, checksPassed: 2 },
      { licenseId: 2n, checksPassed: 1 },
    ]);
    expect(epoch.claims.find((c) => c.tokenId === "1")!.amount).to.equal("75");
  });

  it("error: no licence passed any check", () => {
    expect(() => buildEpoch(domain(1n), 100n, [{ licenseId: 1n, checksPassed: 0 }])).to.throw(
      /nothing to reward/,
    );
  });

  it("finding 18-L (replay): the same reports for two epochs give different roots", () => {
    const reports = readReports(SAMPLE);
    const budget = parseEther("500");
    const roots = [
      buildEpoch(domain(1n), budget, reports).root,
      buildEpoch(domain(2n), budget, reports).root,
      buildEpoch(domain(1n, 42161n), budget, reports).root,
      buildEpoch(domain(1n, 412346n, OTHER_REWARDS), budget, reports).root,
    ];
    expect(new Set(roots).size, `roots ${roots.join(", ")}`).to.equal(4);
  });
});
