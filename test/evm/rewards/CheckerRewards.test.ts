import { expect } from "chai";
import { parseEther } from "ethers";
import { network } from "hardhat";

import { rewardsTree } from "../../../src/evm/arbitrum.js";
import { buyLicences, deployArbitrumFromConfig } from "../fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const R = (n: string) => parseEther(n);

/** Licences 1-2 (holder), 3 (other); the rewards contract funded with 1000 bridged tokens; epoch 1 posted. */
async function posted() {
  const d = await deployArbitrumFromConfig(ethers);
  await time.increaseTo(d.start + d.config.sale.publicStartSeconds);
  const [holder, other, operator, poster, gateway] = [
    d.signers[8],
    d.signers[9],
    d.signers[7],
    d.signers[1],
    d.signers[9],
  ];
  await buyLicences(d, holder, 2n);
  await buyLicences(d, other, 1n);
  // the emission sink's tokens arrive over the bridge
  await d.token.connect(gateway).bridgeMint(await d.rewards.getAddress(), R("1000"));
  const epoch1 = rewardsTree([
    { tokenId: 1n, amount: R("10") },
    { tokenId: 2n, amount: R("20") },
    { tokenId: 3n, amount: R("5") },
  ]);
  await d.rewards.connect(poster).postEpoch(1n, epoch1.root, R("35"));
  return { ...d, holder, other, operator, poster, epoch1 };
}

function claimOf(tree: ReturnType<typeof rewardsTree>, epoch: bigint, tokenId: bigint) {
  for (const [i, [id, amount]] of tree.entries()) {
    if (id === tokenId) return { epoch, tokenId, amount: amount as bigint, proof: tree.getProof(i) };
  }
  throw new Error(`licence ${tokenId} not in tree`);
}

describe("CheckerRewards", () => {
  it("error: claims before the epoch opens", async () => {
    const d = await loadFixture(posted);
    const [, , opensAt] = await d.rewards.epochs(1n);
    await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n, 1n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsEpochNotOpen")
      .withArgs(1n, opensAt);
  });

  it("the operator claims several licences for the holder; the holder is paid", async () => {
    const d = await loadFixture(posted);
    await d.license.connect(d.holder).setOperator([1n, 2n], d.operator.address);
    await time.increase(d.config.rewards.claimDelaySeconds);
    await expect(d.rewards.connect(d.operator).claim([claimOf(d.epoch1, 1n, 1n), claimOf(d.epoch1, 1n, 2n)]))
      .to.emit(d.rewards, "RewardClaimed")
      .withArgs(1n, 1n, d.holder.address, R("10"));
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("30"));
    expect(await d.token.balanceOf(d.operator.address)).to.equal(0n);
    expect(await d.rewards.isClaimed(1n, 2n)).to.equal(true);
  });

  it("claims several epochs in one call", async () => {
    const d = await loadFixture(posted);
    const epoch2 = rewardsTree([{ tokenId: 1n, amount: R("7") }]);
    await d.rewards.connect(d.poster).postEpoch(2n, epoch2.root, R("7"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    await d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n, 1n), claimOf(epoch2, 2n, 1n)]);
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("17"));
  });

  it("error: double claim", async () => {
    const d = await loadFixture(posted);
    await time.increase(d.config.rewards.claimDelaySeconds);
    await d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n, 1n)]);
    await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n, 1n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyClaimed")
      .withArgs(1n, 1n);
  });

  it("error: someone else's licence, a wrong amount", async () => {
    const d = await loadFixture(posted);
    await time.increase(d.config.rewards.claimDelaySeconds);
    await expect(d.rewards.connect(d.other).claim([claimOf(d.epoch1, 1n, 1n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsNotHolderOrOperator")
      .withArgs(1n, d.other.address);
    const forged = { ...claimOf(d.epoch1, 1n, 3n), amount: R("500") };
    await expect(d.rewards.connect(d.other).claim([forged]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidProof")
      .withArgs(1n, 3n, R("500"));
  });

  it("replaces a root before it opens, never after", async () => {
    const d = await loadFixture(posted);
    const fixed = rewardsTree([{ tokenId: 1n, amount: R("11") }]);
    await d.rewards.connect(d.poster).postEpoch(1n, fixed.root, R("11"));
    expect(await d.rewards.totalPosted()).to.equal(R("11"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    const [, , opensAt] = await d.rewards.epochs(1n);
    await expect(d.rewards.connect(d.poster).postEpoch(1n, d.epoch1.root, R("35")))
      .to.be.revertedWithCustomError(d.rewards, "RewardsEpochAlreadyOpen")
      .withArgs(1n, opensAt);
    await d.rewards.connect(d.holder).claim([claimOf(fixed, 1n, 1n)]);
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("11"));
  });

  it("error: above the per-epoch cap, unfunded, by a non-poster", async () => {
    const d = await loadFixture(posted);
    const max = parseEther(d.config.rewards.maxEpochRewards);
    await expect(d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, max + 1n))
      .to.be.revertedWithCustomError(d.rewards, "RewardsEpochTotalTooHigh")
      .withArgs(max + 1n, max);
    await expect(d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, R("966")))
      .to.be.revertedWithCustomError(d.rewards, "RewardsUnderfunded")
      .withArgs(R("1001"), R("1000"));
    await expect(d.rewards.connect(d.holder).postEpoch(2n, d.epoch1.root, 1n)).to.be.revertedWithCustomError(
      d.rewards,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("error: claims while paused", async () => {
    const d = await loadFixture(posted);
    await time.increase(d.config.rewards.claimDelaySeconds);
    await d.rewards.pause();
    await expect(
      d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n, 1n)]),
    ).to.be.revertedWithCustomError(d.rewards, "EnforcedPause");
  });
});
