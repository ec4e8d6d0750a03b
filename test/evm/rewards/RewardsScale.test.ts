// Issue 11's "done when", on Arbitrum: a checker-rewards epoch of 10^5 licences is built by the
// epoch pipeline (src/epoch, the same builder as the Solana subsidies), posted on the rewards
// contract, and sampled holders and an operator claim with proofs read from the sharded artifact.
// Double claims and forged proofs fail with their named errors.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { parseEther } from "ethers";
import { network } from "hardhat";

import { openRewardsEpoch, writeRewardsEpoch } from "../../../src/evm/rewards.js";
import { buyLicences, deployArbitrumFromConfig } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const LICENCES = 100_000;

async function epochOf100k() {
  const d = await deployArbitrumFromConfig(connection);
  await networkHelpers.time.increaseTo(d.start + d.config.sale.publicStartSeconds);
  const [holder, other, operator, poster, gateway] = [8, 9, 7, 1, 9].map((i) => d.signers[i]);
  await buyLicences(d, holder, 2n); // licences 1, 2
  await buyLicences(d, other, 1n); // licence 3
  await d.license.connect(holder).setOperator([2n], operator.address);
  await d.token.connect(gateway).bridgeMint(await d.rewards.getAddress(), parseEther("1000"));
  // checker reports for 10^5 licence ids (the ones not minted here stand for the rest of the network)
  const dir = mkdtempSync(path.join(tmpdir(), "cm-rewards-"));
  const rows = ["licenseId,checksPassed"];
  for (let id = 1; id <= LICENCES; id++) rows.push(`${id},${1 + (id % 48)}`);
  writeFileSync(path.join(dir, "reports.csv"), rows.join("\n") + "\n");
  const domain = {
    chainId: (await ethers.provider.getNetwork()).chainId,
    rewards: await d.rewards.getAddress(),
    epoch: 1n,
  };
  const manifest = await writeRewardsEpoch(
    path.join(dir, "epoch-1"),
    domain,
    parseEther("1000"),
    path.join(dir, "reports.csv"),
  );
  await d.rewards.connect(poster).postEpoch(1n, manifest.root, BigInt(manifest.total));
  const [, , opensAt] = await d.rewards.epochs(1n);
  await networkHelpers.time.increaseTo(opensAt);
  const epoch = await openRewardsEpoch(path.join(dir, "epoch-1"));
  const claimOf = async (tokenId: bigint) => {
    const c = await epoch.lookup(tokenId);
    if (!c) throw new Error(`licence ${tokenId} has no leaf`);
    return { epoch: 1n, tokenId, amount: c.amount, proof: c.proof };
  };
  return { ...d, holder, other, operator, manifest, epoch, claimOf, dir };
}

describe("a checker-rewards epoch of 10^5 licences, built by the pipeline", () => {
  let d: Awaited<ReturnType<typeof epochOf100k>>;
  before(async () => {
    d = await epochOf100k();
  });
  after(async () => {
    await d.epoch.close();
    rmSync(d.dir, { recursive: true, force: true });
  });

  it("holders and an operator claim with proofs read from the artifact", async () => {
    expect(d.manifest.leafCount).to.equal(LICENCES);
    const [c1, c2, c3] = await Promise.all([1n, 2n, 3n].map(d.claimOf));
    expect(c1.proof.length).to.be.greaterThanOrEqual(16); // ~log2(10^5)
    await expect(d.rewards.connect(d.holder).claim([c1])).to.changeTokenBalance(
      ethers,
      d.token,
      d.holder,
      c1.amount,
    );
    // the operator of licence 2 claims it; the holder is paid
    await expect(d.rewards.connect(d.operator).claim([c2])).to.changeTokenBalance(
      ethers,
      d.token,
      d.holder,
      c2.amount,
    );
    expect(c3.amount).to.be.greaterThan(0n); // licence 3 is claimed below, after the forgeries
  });

  it("error: a double claim and forged proofs fail with their named errors", async () => {
    const c1 = await d.claimOf(1n);
    await expect(d.rewards.connect(d.holder).claim([c1])).to.be.revertedWithCustomError(
      d.rewards,
      "RewardsAlreadyClaimed",
    );
    const c3 = await d.claimOf(3n);
    const fresh = { ...c3, tokenId: 3n };
    await expect(
      d.rewards.connect(d.other).claim([{ ...fresh, amount: fresh.amount + 1n }]),
    ).to.be.revertedWithCustomError(d.rewards, "RewardsInvalidProof");
    await expect(
      d.rewards.connect(d.other).claim([{ ...fresh, proof: c1.proof }]),
    ).to.be.revertedWithCustomError(d.rewards, "RewardsInvalidProof");
    // nothing moved: the real claim of licence 3 still pays in full
    await expect(d.rewards.connect(d.other).claim([c3])).to.changeTokenBalance(
      ethers,
      d.token,
      d.other,
      c3.amount,
    );
  });
});
