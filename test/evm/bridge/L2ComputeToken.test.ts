import { expect } from "chai";
import { network } from "hardhat";

import { deployArbitrumFromConfig } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

const fixture = () => deployArbitrumFromConfig(connection);

describe("L2ComputeToken (Arbitrum standard bridge)", () => {
  it("the gateway mints on deposit and burns on withdrawal; l1Address is the L1 token", async () => {
    const d = await loadFixture(fixture);
    const gateway = d.signers[9];
    const user = d.signers[4];
    expect(await d.token.l2Gateway()).to.equal(gateway.address);
    expect(await d.token.l1Address()).to.equal(ethers.getAddress(d.config.bridge.l1Token));
    await d.token.connect(gateway).bridgeMint(user.address, 100n);
    await d.token.connect(gateway).bridgeBurn(user.address, 40n);
    expect(await d.token.balanceOf(user.address)).to.equal(60n);
    expect(await d.token.totalSupply()).to.equal(60n);
  });

  it("error: anyone but the gateway minting or burning", async () => {
    const d = await loadFixture(fixture);
    const intruder = d.signers[4];
    await expect(d.token.connect(intruder).bridgeMint(intruder.address, 1n))
      .to.be.revertedWithCustomError(d.token, "BridgeOnlyGateway")
      .withArgs(intruder.address);
    await expect(d.token.connect(intruder).bridgeBurn(intruder.address, 0n))
      .to.be.revertedWithCustomError(d.token, "BridgeOnlyGateway")
      .withArgs(intruder.address);
  });

  it("error: a zero gateway or L1 address", async () => {
    const factory = await ethers.getContractFactory("L2ComputeToken");
    await expect(
      ethers.deployContract("L2ComputeToken", [
        "T",
        "T",
        ethers.ZeroAddress,
        ethers.ZeroAddress.replace(/0$/, "1"),
      ]),
    ).to.be.revertedWithCustomError(factory, "BridgeInvalidAddress");
  });
});
