import { expect } from "chai";
import { network } from "hardhat";

import { buyLicences, deployArbitrumFromConfig } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

/** Public phase, signer 8 holds licences 1-3 and signer 9 holds 4. */
async function minted() {
  const d = await deployArbitrumFromConfig(connection);
  await time.increaseTo(d.start + d.config.sale.publicStartSeconds);
  const [holder, other] = [d.signers[8], d.signers[9]];
  await buyLicences(d, holder, 3n);
  await buyLicences(d, other, 1n);
  return { ...d, holder, other, operator: d.signers[7] };
}

describe("CheckerNodeLicense", () => {
  describe("review findings", () => {
    it("finding 18-Info: the transfer lock cannot be put back after it lifted", async () => {
      const d = await loadFixture(minted);
      const ceiling = await d.license.unlockCeiling();
      // while it holds, governance may still move it within the ceiling
      await d.license.setTransferUnlockTime(ceiling);
      await d.license.setTransferUnlockTime(0n);
      await d.license.connect(d.holder).transferFrom(d.holder.address, d.other.address, 1n);
      await expect(d.license.setTransferUnlockTime(ceiling))
        .to.be.revertedWithCustomError(d.license, "LicenseTransferLockLifted")
        .withArgs(0n);
      // the same once the date passes by itself
      const e = await loadFixture(minted);
      const unlock = await e.license.transferUnlockTime();
      await time.increaseTo(unlock);
      await expect(e.license.setTransferUnlockTime(unlock + 1n))
        .to.be.revertedWithCustomError(e.license, "LicenseTransferLockLifted")
        .withArgs(unlock);
    });

    it("finding 10-L (metadata): tokenURI is empty when the tier has no base URI", async () => {
      const d = await loadFixture(minted);
      await d.license.setTierURI(0, "");
      expect(await d.license.tokenURI(1n)).to.equal("");
      await expect(d.license.tokenURI(99n)).to.be.revertedWithCustomError(
        d.license,
        "URIQueryForNonexistentToken",
      );
    });

    it("finding 10-L (metadata): setApprovalForAll rejects the zero operator, as OpenZeppelin ERC721 does", async () => {
      const d = await loadFixture(minted);
      for (const approved of [true, false]) {
        await expect(d.license.connect(d.holder).setApprovalForAll(ethers.ZeroAddress, approved))
          .to.be.revertedWithCustomError(d.license, "ERC721InvalidOperator")
          .withArgs(ethers.ZeroAddress);
      }
      await d.license.connect(d.holder).setApprovalForAll(d.operator.address, true);
      expect(await d.license.isApprovedForAll(d.holder.address, d.operator.address)).to.equal(true);
    });

    it("finding 14 (stuck ETH): approve and every transfer refuse ETH that ERC721A's payable signatures would keep", async () => {
      const d = await loadFixture(minted);
      await d.license.setTransferUnlockTime(0n);
      const license = d.license.connect(d.holder);
      const [from, to] = [d.holder.address, d.other.address];
      const value = 1n;
      const calls = [
        () => license.approve(to, 1n, { value }),
        () => license.transferFrom(from, to, 1n, { value }),
        () => license["safeTransferFrom(address,address,uint256)"](from, to, 1n, { value }),
        () => license["safeTransferFrom(address,address,uint256,bytes)"](from, to, 1n, "0x", { value }),
      ];
      for (const call of calls) {
        await expect(call()).to.be.revertedWithCustomError(d.license, "LicenseNoEther").withArgs(value);
      }
      expect(await ethers.provider.getBalance(await d.license.getAddress())).to.equal(0n);
      expect(await d.license.ownerOf(1n)).to.equal(from);
      // without ETH each works as ERC-721 says
      await license.approve(to, 1n);
      expect(await d.license.getApproved(1n)).to.equal(to);
      await license.transferFrom(from, to, 1n);
      await license["safeTransferFrom(address,address,uint256)"](from, to, 2n);
      await license["safeTransferFrom(address,address,uint256,bytes)"](from, to, 3n, "0x");
      expect(await d.license.balanceOf(to)).to.equal(4n);
    });
  });

  it("error: only the minter (the sale) mints", async () => {
    const d = await loadFixture(minted);
    await expect(d.license.connect(d.holder).mint(d.holder.address, 1n, 0))
      .to.be.revertedWithCustomError(d.license, "AccessControlUnauthorizedAccount")
      .withArgs(d.holder.address, await d.license.MINTER_ROLE());
  });

  it("error: never more than maxSupply", async () => {
    const [admin] = await ethers.getSigners();
    const license = await ethers.deployContract("CheckerNodeLicense", [
      "L",
      "L",
      3n,
      0n,
      0n,
      admin.address,
      admin.address,
      0n,
    ]);
    await license.grantRole(await license.MINTER_ROLE(), admin.address);
    await license.mint(admin.address, 2n, 0);
    await expect(license.mint(admin.address, 2n, 0))
      .to.be.revertedWithCustomError(license, "LicenseMaxSupplyExceeded")
      .withArgs(2n, 1n);
  });

  describe("transfer lock", () => {
    it("error: transfers before the unlock date; burning is allowed", async () => {
      const d = await loadFixture(minted);
      const unlock = await d.license.transferUnlockTime();
      await expect(d.license.connect(d.holder).transferFrom(d.holder.address, d.other.address, 1n))
        .to.be.revertedWithCustomError(d.license, "LicenseTransferLocked")
        .withArgs(unlock);
      await d.license.connect(d.holder).burn(3n);
      expect(await d.license.balanceOf(d.holder.address)).to.equal(2n);
    });

    it("transfers after the unlock date, and governance can bring it forward", async () => {
      const d = await loadFixture(minted);
      await expect(d.license.setTransferUnlockTime(0n))
        .to.emit(d.license, "TransferUnlockTimeSet")
        .withArgs(0n);
      await d.license.connect(d.holder).transferFrom(d.holder.address, d.other.address, 1n);
      expect(await d.license.ownerOf(1n)).to.equal(d.other.address);
    });

    it("error: an unlock date past the ceiling, or set by a non-admin", async () => {
      const d = await loadFixture(minted);
      const ceiling = await d.license.unlockCeiling();
      await expect(d.license.setTransferUnlockTime(ceiling + 1n))
        .to.be.revertedWithCustomError(d.license, "LicenseUnlockTooLate")
        .withArgs(ceiling + 1n, ceiling);
      await expect(d.license.connect(d.holder).setTransferUnlockTime(0n)).to.be.revertedWithCustomError(
        d.license,
        "AccessControlUnauthorizedAccount",
      );
    });
  });

  describe("operators", () => {
    it("delegates several licences to one operator, revocably; a transfer clears it", async () => {
      const d = await loadFixture(minted);
      await expect(d.license.connect(d.holder).setOperator([1n, 2n], d.operator.address))
        .to.emit(d.license, "OperatorSet")
        .withArgs(1n, d.holder.address, d.operator.address);
      expect(await d.license.operatorOf(2n)).to.equal(d.operator.address);
      await d.license.connect(d.holder).setOperator([2n], ethers.ZeroAddress);
      expect(await d.license.operatorOf(2n)).to.equal(ethers.ZeroAddress);
      await d.license.setTransferUnlockTime(0n);
      await d.license.connect(d.holder).transferFrom(d.holder.address, d.other.address, 1n);
      expect(await d.license.operatorOf(1n)).to.equal(ethers.ZeroAddress);
    });

    it("error: delegating a licence one does not own", async () => {
      const d = await loadFixture(minted);
      await expect(d.license.connect(d.holder).setOperator([1n, 4n], d.operator.address))
        .to.be.revertedWithCustomError(d.license, "LicenseNotOwner")
        .withArgs(4n, d.holder.address);
    });
  });

  describe("metadata and royalty", () => {
    it("serves per-tier URIs and ERC-2981 royalties", async () => {
      const d = await loadFixture(minted);
      expect(await d.license.tokenURI(1n)).to.equal(`${d.config.license.tierBaseURI}0/1`);
      const [receiver, amount] = await d.license.royaltyInfo(1n, 10_000n);
      expect(receiver).to.equal(d.signers[0].address);
      expect(amount).to.equal(500n);
      expect(await d.license.supportsInterface("0x2a55205a")).to.equal(true); // ERC-2981
      expect(await d.license.supportsInterface("0x80ac58cd")).to.equal(true); // ERC-721
    });

    it("error: royalty above 10 %", async () => {
      const d = await loadFixture(minted);
      await expect(d.license.setDefaultRoyalty(d.holder.address, 1_001n))
        .to.be.revertedWithCustomError(d.license, "LicenseRoyaltyTooHigh")
        .withArgs(1_001n);
    });
  });
});
