import { expect } from "chai";
import { network } from "hardhat";

const { ethers, networkHelpers } = await network.create();

async function deployHarness() {
  const harness = await ethers.deployContract("BpsMathHarness");
  return { harness };
}

describe("BpsMath", () => {
  it("rounds fees up and payouts down", async () => {
    const { harness } = await networkHelpers.loadFixture(deployHarness);
    // 1_001 * 250 / 10_000 = 25.025
    expect(await harness.mulBpsDown(1_001n, 250n)).to.equal(25n);
    expect(await harness.mulBpsUp(1_001n, 250n)).to.equal(26n);
    // exact results are not rounded
    expect(await harness.mulBpsUp(10_000n, 250n)).to.equal(250n);
  });

  it("splits a payment into net + fee without losing a unit", async () => {
    const { harness } = await networkHelpers.loadFixture(deployHarness);
    const [net, fee] = await harness.splitFee(999n, 333n);
    expect(fee).to.equal(34n); // ceil(33.2667)
    expect(net + fee).to.equal(999n);
  });

  it("error: bps above 10000", async () => {
    const { harness } = await networkHelpers.loadFixture(deployHarness);
    await expect(harness.check(10_001n))
      .to.be.revertedWithCustomError(harness, "BpsOutOfRange")
      .withArgs(10_001n);
    for (const call of [harness.mulBpsDown, harness.mulBpsUp, harness.splitFee]) {
      await expect(call(0n, 10_001n))
        .to.be.revertedWithCustomError(harness, "BpsOutOfRange")
        .withArgs(10_001n);
    }
    await expect(harness.mulBpsDown(1n, 10_000n)).to.not.be.revert(ethers);
  });
});
