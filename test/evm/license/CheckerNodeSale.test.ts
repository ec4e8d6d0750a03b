import { expect } from "chai";
import { parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import { allowlistProof, Currency } from "../../../src/evm/arbitrum.js";
import { deployArbitrumFromConfig } from "../fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const fixture = () => deployArbitrumFromConfig(ethers);
const CODE = ethers.encodeBytes32String("ALICE5");
const NO_CODE = ethers.ZeroHash;

async function withReferral() {
  const d = await deployArbitrumFromConfig(ethers);
  const referrer = d.signers[6];
  await d.sale.connect(referrer).registerReferralCode(CODE);
  return { ...d, referrer };
}

async function publicPhase() {
  const d = await withReferral();
  await time.increaseTo(d.start + d.config.sale.publicStartSeconds);
  return d;
}

describe("CheckerNodeSale", () => {
  describe("quote", () => {
    it("sums prices across the tiers a batch crosses", async () => {
      const { sale } = await loadFixture(fixture);
      // tiers: 5 @ 0.1, 10 @ 0.12, then 0.15
      const [total, gross] = await sale.quote(7n, Currency.ETH, NO_CODE);
      expect(gross).to.equal(parseEther("0.5") + parseEther("0.24"));
      expect(total).to.equal(gross);
      const [, grossAll] = await sale.quote(20n, Currency.STABLE, NO_CODE);
      expect(grossAll).to.equal(parseUnits(String(5 * 300 + 10 * 360 + 5 * 450), 6));
    });

    it("applies the referral discount and computes the rebate, both rounded down", async () => {
      const { sale } = await loadFixture(withReferral);
      const [total, gross, discount, rebate] = await sale.quote(3n, Currency.STABLE, CODE);
      expect(gross).to.equal(parseUnits("900", 6));
      expect(discount).to.equal(parseUnits("45", 6));
      expect(rebate).to.equal(parseUnits("45", 6));
      expect(total).to.equal(gross - discount);
    });

    it("error: unknown referral code, zero quantity, beyond supply", async () => {
      const { sale } = await loadFixture(fixture);
      await expect(sale.quote(1n, Currency.ETH, CODE))
        .to.be.revertedWithCustomError(sale, "SaleUnknownReferral")
        .withArgs(CODE);
      await expect(sale.quote(0n, Currency.ETH, NO_CODE)).to.be.revertedWithCustomError(
        sale,
        "SaleZeroQuantity",
      );
      await expect(sale.quote(1_001n, Currency.ETH, NO_CODE))
        .to.be.revertedWithCustomError(sale, "SaleSoldOut")
        .withArgs(1_001n, 1_000n);
    });
  });

  describe("allowlist phase", () => {
    it("a listed buyer mints a batch across two tiers with a proof and a referral; charge == quote", async () => {
      const d = await loadFixture(withReferral);
      const buyer = d.signers[2];
      const { allowance, proof } = allowlistProof(d.allowlist, buyer.address)!;
      const [total, , , rebate] = await d.sale.quote(8n, Currency.ETH, CODE);
      const saleAddress = await d.sale.getAddress();
      const before = await ethers.provider.getBalance(saleAddress);
      await expect(
        d.sale.connect(buyer).buy(8n, Currency.ETH, CODE, total, allowance, proof, { value: total }),
      )
        .to.emit(d.sale, "Purchased")
        .withArgs(buyer.address, 1n, 8n, Currency.ETH, total, CODE);
      expect(await ethers.provider.getBalance(saleAddress)).to.equal(before + total);
      expect(await d.license.balanceOf(buyer.address)).to.equal(8n);
      expect(await d.license.tierOf(5n)).to.equal(0n);
      expect(await d.license.tierOf(6n)).to.equal(1n);
      expect(await d.license.tokenURI(6n)).to.equal(`${d.config.license.tierBaseURI}1/6`);
      expect(await d.sale.rebateWei(d.referrer.address)).to.equal(rebate);
      expect(await d.sale.proceedsWei()).to.equal(total - rebate);
      expect(await d.sale.allowlistMinted(buyer.address)).to.equal(8n);
    });

    it("error: beyond the allowance", async () => {
      const d = await loadFixture(fixture);
      const buyer = d.signers[3];
      const { allowance, proof } = allowlistProof(d.allowlist, buyer.address)!;
      const [total] = await d.sale.quote(4n, Currency.ETH, NO_CODE);
      await expect(
        d.sale.connect(buyer).buy(4n, Currency.ETH, NO_CODE, total, allowance, proof, { value: total }),
      )
        .to.be.revertedWithCustomError(d.sale, "SaleAllowanceExceeded")
        .withArgs(buyer.address, 4n, 3n);
    });

    it("error: an invalid proof or an inflated allowance", async () => {
      const d = await loadFixture(fixture);
      const [listed, outsider] = [d.signers[3], d.signers[7]];
      const { proof } = allowlistProof(d.allowlist, listed.address)!;
      const [total] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await expect(
        d.sale.connect(outsider).buy(1n, Currency.ETH, NO_CODE, total, 3n, proof, { value: total }),
      )
        .to.be.revertedWithCustomError(d.sale, "SaleAllowlistProofInvalid")
        .withArgs(outsider.address, 3n);
      await expect(
        d.sale.connect(listed).buy(1n, Currency.ETH, NO_CODE, total, 100n, proof, { value: total }),
      )
        .to.be.revertedWithCustomError(d.sale, "SaleAllowlistProofInvalid")
        .withArgs(listed.address, 100n);
    });
  });

  describe("public phase", () => {
    it("pays in the stablecoin, credited by balance delta", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(2n, Currency.STABLE, NO_CODE);
      await d.stable!.mint(buyer.address, total);
      await d.stable!.connect(buyer).approve(await d.sale.getAddress(), total);
      await d.sale.connect(buyer).buy(2n, Currency.STABLE, NO_CODE, total, 0n, []);
      expect(await d.stable!.balanceOf(await d.sale.getAddress())).to.equal(total);
      expect(await d.license.balanceOf(buyer.address)).to.equal(2n);
    });

    it("error: over the per-wallet cap", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(51n, Currency.ETH, NO_CODE);
      await expect(d.sale.connect(buyer).buy(51n, Currency.ETH, NO_CODE, total, 0n, [], { value: total }))
        .to.be.revertedWithCustomError(d.sale, "SaleWalletCapExceeded")
        .withArgs(buyer.address, 51n, 50n);
    });

    it("error: slippage (the price moved past maxTotalPrice)", async () => {
      const d = await loadFixture(publicPhase);
      const [first, second] = [d.signers[8], d.signers[9]];
      const [quoted] = await d.sale.quote(5n, Currency.ETH, NO_CODE); // all tier 0
      const [price] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await d.sale.connect(first).buy(1n, Currency.ETH, NO_CODE, price, 0n, [], { value: price });
      const [now] = await d.sale.quote(5n, Currency.ETH, NO_CODE);
      await expect(d.sale.connect(second).buy(5n, Currency.ETH, NO_CODE, quoted, 0n, [], { value: now }))
        .to.be.revertedWithCustomError(d.sale, "SaleSlippage")
        .withArgs(now, quoted);
    });

    it("error: wrong ETH amount, ETH sent with a stablecoin payment", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await expect(d.sale.connect(buyer).buy(1n, Currency.ETH, NO_CODE, total, 0n, [], { value: total + 1n }))
        .to.be.revertedWithCustomError(d.sale, "SaleWrongPayment")
        .withArgs(total, total + 1n);
      await expect(d.sale.connect(buyer).buy(1n, Currency.STABLE, NO_CODE, 10n ** 12n, 0n, [], { value: 1n }))
        .to.be.revertedWithCustomError(d.sale, "SaleWrongPayment")
        .withArgs(0n, 1n);
    });

    it("error: self-referral", async () => {
      const d = await loadFixture(publicPhase);
      const [total] = await d.sale.quote(1n, Currency.ETH, CODE);
      await expect(d.sale.connect(d.referrer).buy(1n, Currency.ETH, CODE, total, 0n, [], { value: total }))
        .to.be.revertedWithCustomError(d.sale, "SaleSelfReferral")
        .withArgs(d.referrer.address);
    });

    it("error: a referral code already taken", async () => {
      const d = await loadFixture(withReferral);
      await expect(d.sale.connect(d.signers[7]).registerReferralCode(CODE))
        .to.be.revertedWithCustomError(d.sale, "SaleReferralCodeTaken")
        .withArgs(CODE, d.referrer.address);
    });

    it("error: paused, before the sale, after the sale", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await d.sale.pause();
      await expect(
        d.sale.connect(buyer).buy(1n, Currency.ETH, NO_CODE, total, 0n, [], { value: total }),
      ).to.be.revertedWithCustomError(d.sale, "EnforcedPause");
      await d.sale.unpause();
      await time.increaseTo(d.start + d.config.sale.saleEndSeconds);
      await expect(
        d.sale.connect(buyer).buy(1n, Currency.ETH, NO_CODE, total, 0n, [], { value: total }),
      ).to.be.revertedWithCustomError(d.sale, "SalePhaseClosed");
    });

    it("error: a contract buyer that rejects licences gets nothing and pays nothing", async () => {
      const d = await loadFixture(publicPhase);
      const receiver = await ethers.deployContract("AdversarialReceiver", [await d.sale.getAddress()]);
      await receiver.setMode(1);
      const [total] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await expect(receiver.buy(1n, total, { value: total })).to.be.revertedWithCustomError(
        receiver,
        "NoLicencesPlease",
      );
      expect(await d.sale.sold()).to.equal(0n);
    });

    it("error: a contract buyer re-entering buy from onERC721Received", async () => {
      const d = await loadFixture(publicPhase);
      const receiver = await ethers.deployContract("AdversarialReceiver", [await d.sale.getAddress()]);
      await receiver.setMode(2);
      const [total] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await expect(receiver.buy(1n, total, { value: total })).to.be.revertedWithCustomError(
        d.sale,
        "ReentrancyGuardReentrantCall",
      );
    });
  });

  describe("fee-on-transfer stablecoin", () => {
    it("error: a token that delivers less than the price is refused", async () => {
      const [admin] = await ethers.getSigners();
      const fee = await ethers.deployContract("FeeOnTransferToken");
      const license = await ethers.deployContract("CheckerNodeLicense", [
        "L",
        "L",
        10n,
        0n,
        0n,
        admin.address,
        admin.address,
        0n,
      ]);
      const now = BigInt(await time.latest());
      const sale = await ethers.deployContract("CheckerNodeSale", [
        {
          license: await license.getAddress(),
          stable: await fee.getAddress(),
          treasury: admin.address,
          admin: admin.address,
          allowlistStart: now,
          publicStart: now,
          saleEnd: now + 1_000n,
          allowlistRoot: ethers.ZeroHash,
          publicWalletCap: 10,
          referralDiscountBps: 0,
          referralRebateBps: 0,
        },
        [{ quantity: 10, priceWei: 1n, priceStable: 1_000n }],
      ]);
      await license.grantRole(await license.MINTER_ROLE(), await sale.getAddress());
      await fee.mint(admin.address, 10_000n);
      await fee.approve(await sale.getAddress(), 10_000n);
      await expect(sale.buy(1n, Currency.STABLE, NO_CODE, 1_000n, 0n, []))
        .to.be.revertedWithCustomError(sale, "SaleWrongPayment")
        .withArgs(1_000n, 990n);
    });
  });

  describe("ending", () => {
    it("finalized: the treasury gets proceeds net of rebates, the referrer its rebate", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total, , , rebate] = await d.sale.quote(3n, Currency.ETH, CODE);
      await d.sale.connect(buyer).buy(3n, Currency.ETH, CODE, total, 0n, [], { value: total });
      await expect(d.sale.finalize()).to.be.revertedWithCustomError(d.sale, "SaleNotFinalizable");
      await time.increaseTo(d.start + d.config.sale.saleEndSeconds);
      await d.sale.finalize();
      const treasury = d.signers[0].address;
      await expect(d.sale.connect(d.signers[5]).withdrawProceeds()).to.changeEtherBalances(
        ethers,
        [treasury, d.sale],
        [total - rebate, -(total - rebate)],
      );
      await expect(d.sale.connect(d.referrer).claimRebate()).to.changeEtherBalances(
        ethers,
        [d.referrer, d.sale],
        [rebate, -rebate],
      );
      expect(await ethers.provider.getBalance(await d.sale.getAddress())).to.equal(0n);
    });

    it("cancelled: buyers burn their licences and get every unit back; rebates are void", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(3n, Currency.ETH, CODE);
      await d.sale.connect(buyer).buy(3n, Currency.ETH, CODE, total, 0n, [], { value: total });
      const [stableTotal] = await d.sale.quote(2n, Currency.STABLE, NO_CODE);
      await d.stable!.mint(buyer.address, stableTotal);
      await d.stable!.connect(buyer).approve(await d.sale.getAddress(), stableTotal);
      await d.sale.connect(buyer).buy(2n, Currency.STABLE, NO_CODE, stableTotal, 0n, []);
      await d.sale.cancel();
      await expect(d.sale.connect(d.referrer).claimRebate()).to.be.revertedWithCustomError(
        d.sale,
        "SaleNotActive",
      );
      await expect(d.sale.connect(buyer).refund([1n, 4n])).to.changeEtherBalances(
        ethers,
        [buyer, d.sale],
        [total, -total],
      );
      expect(await d.stable!.balanceOf(buyer.address)).to.equal(stableTotal);
      expect(await d.license.balanceOf(buyer.address)).to.equal(0n);
      // error: twice, or someone else's purchase
      await expect(d.sale.connect(buyer).refund([1n]))
        .to.be.revertedWithCustomError(d.sale, "SaleNotRefundable")
        .withArgs(1n, buyer.address);
    });

    it("error: refund re-entered from the buyer's ETH receive", async () => {
      const d = await loadFixture(publicPhase);
      const receiver = await ethers.deployContract("AdversarialReceiver", [await d.sale.getAddress()]);
      const [total] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await receiver.buy(1n, total, { value: total });
      await d.sale.cancel();
      await receiver.setMode(3);
      await expect(receiver.refund([1n])).to.be.revertedWithCustomError(d.sale, "SaleTransferFailed");
      expect(await ethers.provider.getBalance(await d.sale.getAddress())).to.equal(total);
    });

    it("error: only the admin cancels; not after finalization", async () => {
      const d = await loadFixture(publicPhase);
      await expect(d.sale.connect(d.signers[8]).cancel()).to.be.revertedWithCustomError(
        d.sale,
        "AccessControlUnauthorizedAccount",
      );
      await time.increaseTo(d.start + d.config.sale.saleEndSeconds);
      await d.sale.finalize();
      await expect(d.sale.cancel()).to.be.revertedWithCustomError(d.sale, "SaleNotActive").withArgs(2n);
    });
  });
});
