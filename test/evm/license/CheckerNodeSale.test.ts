import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { expect } from "chai";
import { parseEther, parseUnits } from "ethers";
import { network } from "hardhat";

import { allowlistProof, Currency, deployArbitrum, loadLicenseConfig } from "../../../src/evm/arbitrum.js";
import { deployArbitrumFromConfig, LICENSES_FILE } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const fixture = () => deployArbitrumFromConfig(connection);
const CODE = ethers.encodeBytes32String("ALICE5");
const NO_CODE = ethers.ZeroHash;
const REFERRAL_ROLE = ethers.id("REFERRAL_ROLE");
const MAX_PURCHASE = 100n;

async function withReferral() {
  const d = await deployArbitrumFromConfig(connection);
  const referrer = d.signers[6];
  await d.sale.registerReferralCode(CODE, referrer.address); // the deployer is the referral manager
  return { ...d, referrer };
}

async function publicPhase() {
  const d = await withReferral();
  await time.increaseTo(d.start + d.config.sale.publicStartSeconds);
  return d;
}

/** The configured sale in its public phase with a wallet cap above MAX_PURCHASE. */
async function openWallets() {
  const config = loadLicenseConfig(LICENSES_FILE);
  config.sale.publicWalletCap = 1_000;
  const d = await deployArbitrum(connection, config);
  await time.increaseTo(d.start + config.sale.publicStartSeconds);
  return { ...d, config, signers: await ethers.getSigners() };
}

const WEI_PRICE = parseEther("0.001");
const STABLE_PRICE = parseUnits("3", 6);

/** A one-tier sale of `supply` licences, public from now for 1,000 s, with its own stablecoin. */
async function bareSale(opts: { supply?: number; treasury?: string; rebateBps?: number } = {}) {
  const [admin] = await ethers.getSigners();
  const supply = opts.supply ?? 10;
  const stable = await ethers.deployContract("MockStablecoin");
  const license = await ethers.deployContract("CheckerNodeLicense", [
    "L",
    "L",
    supply,
    0n,
    0n,
    admin.address,
    admin.address,
    0n,
  ]);
  const now = BigInt(await time.latest());
  const end = now + 1_000n;
  const sale = await ethers.deployContract("CheckerNodeSale", [
    {
      license: await license.getAddress(),
      stable: await stable.getAddress(),
      treasury: opts.treasury ?? admin.address,
      admin: admin.address,
      allowlistStart: now,
      publicStart: now,
      saleEnd: end,
      allowlistRoot: ethers.ZeroHash,
      publicWalletCap: supply,
      referralDiscountBps: 0,
      referralRebateBps: opts.rebateBps ?? 0,
    },
    [{ quantity: supply, priceWei: WEI_PRICE, priceStable: STABLE_PRICE }],
  ]);
  await license.grantRole(await license.MINTER_ROLE(), await sale.getAddress());
  return { admin, stable, license, sale, end };
}

/** `buyer` buys `quantity` of a bare sale in each currency. */
async function buyBoth(b: Awaited<ReturnType<typeof bareSale>>, buyer: (typeof b)["admin"], code = NO_CODE) {
  const [totalWei] = await b.sale.quote(1n, Currency.ETH, code);
  await b.sale.connect(buyer).buy(1n, Currency.ETH, code, totalWei, 0n, [], { value: totalWei });
  const [totalStable] = await b.sale.quote(1n, Currency.STABLE, code);
  await b.stable.mint(buyer.address, totalStable);
  await b.stable.connect(buyer).approve(await b.sale.getAddress(), totalStable);
  await b.sale.connect(buyer).buy(1n, Currency.STABLE, code, totalStable, 0n, []);
}

describe("CheckerNodeSale", () => {
  describe("review findings", () => {
    it("finding 10-L (referrals): self-referral through a second wallet pays no rebate", async () => {
      const d = await loadFixture(publicPhase);
      const [buyer, secondWallet] = [d.signers[8], d.signers[9]];
      const OWN = ethers.encodeBytes32String("BOB-ALT");
      // the buyer's second wallet cannot give itself a code: only the referral manager assigns codes
      await expect(d.sale.connect(secondWallet).registerReferralCode(OWN, secondWallet.address))
        .to.be.revertedWithCustomError(d.sale, "AccessControlUnauthorizedAccount")
        .withArgs(secondWallet.address, REFERRAL_ROLE);
      // so a purchase "referred" by it is refused and nothing accrues to it
      const [price] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await expect(d.sale.connect(buyer).buy(1n, Currency.ETH, OWN, price, 0n, [], { value: price }))
        .to.be.revertedWithCustomError(d.sale, "SaleUnknownReferral")
        .withArgs(OWN);
      expect(await d.sale.rebateWei(secondWallet.address)).to.equal(0n);
    });

    it("finding 10-L (referrals): a code cannot be squatted", async () => {
      const d = await loadFixture(fixture);
      const [alice, squatter] = [d.signers[6], d.signers[7]];
      const BRAND = ethers.encodeBytes32String("ALICE5");
      // an outsider cannot take the code before its owner
      await expect(d.sale.connect(squatter).registerReferralCode(BRAND, squatter.address))
        .to.be.revertedWithCustomError(d.sale, "AccessControlUnauthorizedAccount")
        .withArgs(squatter.address, REFERRAL_ROLE);
      // the manager assigns it to its owner; nobody, the manager included, can move it afterwards
      await expect(d.sale.registerReferralCode(BRAND, alice.address))
        .to.emit(d.sale, "ReferralCodeRegistered")
        .withArgs(BRAND, alice.address);
      await expect(d.sale.registerReferralCode(BRAND, squatter.address))
        .to.be.revertedWithCustomError(d.sale, "SaleReferralCodeTaken")
        .withArgs(BRAND, alice.address);
      expect(await d.sale.referrerOf(BRAND)).to.equal(alice.address);
    });

    it("finding 10-L (refunds): a purchase is at most MAX_PURCHASE licences and refunds in one transaction", async () => {
      const d = await loadFixture(openWallets);
      const buyer = d.signers[8];
      const [tooMuch] = await d.sale.quote(MAX_PURCHASE + 1n, Currency.ETH, NO_CODE);
      await expect(
        d.sale
          .connect(buyer)
          .buy(MAX_PURCHASE + 1n, Currency.ETH, NO_CODE, tooMuch, 0n, [], { value: tooMuch }),
      )
        .to.be.revertedWithCustomError(d.sale, "SalePurchaseTooLarge")
        .withArgs(MAX_PURCHASE + 1n, MAX_PURCHASE);
      // the largest purchase (across three tiers) comes back whole, to the unit, in one call
      const [total] = await d.sale.quote(MAX_PURCHASE, Currency.ETH, NO_CODE);
      await d.sale.connect(buyer).buy(MAX_PURCHASE, Currency.ETH, NO_CODE, total, 0n, [], { value: total });
      await d.sale.cancel();
      const ids = Array.from({ length: Number(MAX_PURCHASE) }, (_, i) => BigInt(i + 1));
      const tx = d.sale.connect(buyer).refund(1n, ids);
      await expect(tx).to.changeEtherBalances(ethers, [buyer, d.sale], [total, -total]);
      const receipt = await (await tx).wait();
      expect(receipt!.gasUsed).to.be.lessThan(5_000_000n);
    });

    it("finding 10-L (refunds): selling one licence of a purchase only forfeits that licence's refund", async () => {
      const d = await loadFixture(publicPhase);
      const [buyer, other] = [d.signers[8], d.signers[9]];
      const [total] = await d.sale.quote(3n, Currency.ETH, NO_CODE);
      await d.sale.connect(buyer).buy(3n, Currency.ETH, NO_CODE, total, 0n, [], { value: total });
      await d.license.setTransferUnlockTime(0n);
      await d.license.connect(buyer).transferFrom(buyer.address, other.address, 2n);
      await d.sale.cancel();
      const share = total / 3n; // one tier: each licence cost the same
      await expect(d.sale.connect(buyer).refund(1n, [1n, 3n])).to.changeEtherBalances(
        ethers,
        [buyer, d.sale],
        [2n * share, -2n * share],
      );
      // the refund follows the licence: its new holder gets it
      await expect(d.sale.connect(other).refund(1n, [2n])).to.changeEtherBalances(
        ethers,
        [other, d.sale],
        [share, -share],
      );
      expect(await ethers.provider.getBalance(await d.sale.getAddress())).to.equal(0n);
    });

    it("finding 18-L: a treasury that rejects ETH still receives the stablecoin proceeds", async () => {
      const wallet = await ethers.deployContract("EthRejectingWallet");
      const b = await bareSale({ treasury: await wallet.getAddress() });
      await buyBoth(b, (await ethers.getSigners())[8]);
      await time.increaseTo(b.end);
      await b.sale.finalize();
      await expect(b.sale.withdrawProceeds(Currency.STABLE)).to.changeTokenBalance(
        ethers,
        b.stable,
        wallet,
        STABLE_PRICE,
      );
      await expect(b.sale.withdrawProceeds(Currency.ETH))
        .to.be.revertedWithCustomError(b.sale, "SaleTransferFailed")
        .withArgs(await wallet.getAddress(), WEI_PRICE);
      expect(await b.sale.proceedsWei()).to.equal(WEI_PRICE); // still owed, not lost
    });

    it("finding 18-L: a referrer that rejects ETH still claims its stablecoin rebate", async () => {
      const wallet = await ethers.deployContract("EthRejectingWallet");
      const b = await bareSale({ rebateBps: 1_000 });
      await b.sale.registerReferralCode(CODE, await wallet.getAddress());
      await buyBoth(b, (await ethers.getSigners())[8], CODE);
      await time.increaseTo(b.end);
      await b.sale.finalize();
      const claim = async (currency: number) =>
        wallet.execute(
          b.sale,
          b.sale.interface.encodeFunctionData("claimRebate", [currency, await wallet.getAddress()]),
        );
      await expect(claim(Currency.STABLE)).to.changeTokenBalance(
        ethers,
        b.stable,
        wallet,
        STABLE_PRICE / 10n,
      );
      await expect(claim(Currency.ETH))
        .to.be.revertedWithCustomError(b.sale, "SaleTransferFailed")
        .withArgs(await wallet.getAddress(), WEI_PRICE / 10n);
      expect(await b.sale.rebateWei(await wallet.getAddress())).to.equal(WEI_PRICE / 10n);
    });

    it("review I-4: a referrer that rejects ETH has its ETH rebate paid to an address it names", async () => {
      const [, buyer, cold] = await ethers.getSigners();
      const wallet = await ethers.deployContract("EthRejectingWallet");
      const walletAddress = await wallet.getAddress();
      const b = await bareSale({ rebateBps: 1_000 });
      await b.sale.registerReferralCode(CODE, walletAddress);
      await buyBoth(b, buyer, CODE);
      await time.increaseTo(b.end);
      await b.sale.finalize();
      const rebate = WEI_PRICE / 10n;
      const claimTo = (to: string) =>
        wallet.execute(b.sale, b.sale.interface.encodeFunctionData("claimRebate", [Currency.ETH, to]));
      await expect(claimTo(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(b.sale, "SaleInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      const tx = claimTo(cold.address);
      await expect(tx).to.changeEtherBalances(ethers, [cold, b.sale], [rebate, -rebate]);
      await expect(tx)
        .to.emit(b.sale, "RebateClaimed")
        .withArgs(walletAddress, cold.address, Currency.ETH, rebate);
      expect(await b.sale.rebateWei(walletAddress)).to.equal(0n);
      // the caller's own rebate only: someone else naming the cold wallet gets nothing
      await expect(b.sale.connect(buyer).claimRebate(Currency.ETH, cold.address)).to.changeEtherBalance(
        ethers,
        cold,
        0n,
      );
    });

    it("review I-4: a treasury that rejects ETH withdraws its ETH proceeds to an address it names", async () => {
      const [, buyer, cold] = await ethers.getSigners();
      const wallet = await ethers.deployContract("EthRejectingWallet");
      const walletAddress = await wallet.getAddress();
      const b = await bareSale({ treasury: walletAddress });
      await buyBoth(b, buyer);
      await time.increaseTo(b.end);
      await b.sale.finalize();
      const withdrawTo = (to: string) =>
        wallet.execute(b.sale, b.sale.interface.encodeFunctionData("withdrawProceedsTo", [Currency.ETH, to]));
      // only the treasury names where its proceeds go
      await expect(b.sale.connect(buyer).withdrawProceedsTo(Currency.ETH, buyer.address))
        .to.be.revertedWithCustomError(b.sale, "SaleNotTreasury")
        .withArgs(buyer.address);
      await expect(withdrawTo(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(b.sale, "SaleInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      const tx = withdrawTo(cold.address);
      await expect(tx).to.changeEtherBalances(ethers, [cold, b.sale], [WEI_PRICE, -WEI_PRICE]);
      await expect(tx).to.emit(b.sale, "ProceedsWithdrawn").withArgs(cold.address, Currency.ETH, WEI_PRICE);
      expect(await b.sale.proceedsWei()).to.equal(0n);
      // not before finalization either (a fresh sale)
      const early = await bareSale({ treasury: walletAddress });
      await expect(
        wallet.execute(
          early.sale,
          early.sale.interface.encodeFunctionData("withdrawProceedsTo", [Currency.ETH, cold.address]),
        ),
      )
        .to.be.revertedWithCustomError(early.sale, "SaleNotActive")
        .withArgs(0n);
    });

    it("review I-7: a buyer's onERC721Received already sees its purchase recorded", async () => {
      const d = await loadFixture(publicPhase);
      // one licence sold first, so the purchase does not start at id 1
      const [one] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await d.sale.connect(d.signers[8]).buy(1n, Currency.ETH, NO_CODE, one, 0n, [], { value: one });
      const receiver = await ethers.deployContract("AdversarialReceiver", [await d.sale.getAddress()]);
      await receiver.setMode(4);
      // 7 licences, ids 2-8, across tiers 0 and 1 (two mints)
      const [total] = await d.sale.quote(7n, Currency.ETH, NO_CODE);
      await expect(receiver.buy(7n, total, { value: total }))
        .to.emit(d.sale, "Purchased")
        .withArgs(await receiver.getAddress(), 2n, 7n, Currency.ETH, total, NO_CODE);
      for (let id = 2n; id <= 8n; id++) {
        expect(await receiver.purchaseSeen(id), `licence ${id}`).to.equal(2n);
      }
      expect(await d.license.tierOf(8n)).to.equal(1n);
      expect(await d.sale.purchaseOf(8n)).to.equal(2n);
    });

    it("review I-7: error: a licence minted by someone else before the purchase's mint", async () => {
      const [admin, other] = await ethers.getSigners();
      // a stablecoin with a transfer hook, itself a second minter: while the sale pulls the
      // payment, it mints a licence, so the purchase's recorded first id would be taken
      const hook = await ethers.deployContract("CallbackToken");
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
          stable: await hook.getAddress(),
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
      const MINTER = await license.MINTER_ROLE();
      await license.grantRole(MINTER, await sale.getAddress());
      await license.grantRole(MINTER, await hook.getAddress());
      await hook.mint(admin.address, 10_000n);
      await hook.approve(await sale.getAddress(), 10_000n);
      await hook.setCallback(
        await license.getAddress(),
        license.interface.encodeFunctionData("mint", [other.address, 1n, 0]),
      );
      await expect(sale.buy(2n, Currency.STABLE, NO_CODE, 2_000n, 0n, []))
        .to.be.revertedWithCustomError(sale, "SaleUnexpectedLicenceId")
        .withArgs(1n, 2n);
      // the buyer's own onERC721Received cannot mint in between: ERC721A refuses a mint
      // re-entered from its receiver check
      const d = await loadFixture(publicPhase);
      const receiver = await ethers.deployContract("AdversarialReceiver", [await d.sale.getAddress()]);
      await d.license.grantRole(await d.license.MINTER_ROLE(), await receiver.getAddress());
      await receiver.setMode(5);
      const [total] = await d.sale.quote(7n, Currency.ETH, NO_CODE);
      await expect(receiver.buy(7n, total, { value: total })).to.be.revertedWithoutReason(ethers);
    });

    it("finding 18-Info: cancel is refused once the sale has ended or sold out", async () => {
      const d = await loadFixture(publicPhase);
      const end = d.start + d.config.sale.saleEndSeconds;
      await time.increaseTo(end);
      await expect(d.sale.cancel())
        .to.be.revertedWithCustomError(d.sale, "SaleNotCancellable")
        .withArgs(anyValue, end, 1_000n);
      // sold out before its end
      const b = await bareSale({ supply: 2 });
      const [total] = await b.sale.quote(2n, Currency.ETH, NO_CODE);
      await b.sale.buy(2n, Currency.ETH, NO_CODE, total, 0n, [], { value: total });
      await expect(b.sale.cancel())
        .to.be.revertedWithCustomError(b.sale, "SaleNotCancellable")
        .withArgs(anyValue, b.end, 0n);
    });
  });

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

    it("error: beyond what is left once some are sold, which is the supply less the sold", async () => {
      const b = await bareSale({ supply: 10 });
      const [total] = await b.sale.quote(3n, Currency.ETH, NO_CODE);
      await b.sale.buy(3n, Currency.ETH, NO_CODE, total, 0n, [], { value: total });
      await expect(b.sale.quote(8n, Currency.ETH, NO_CODE))
        .to.be.revertedWithCustomError(b.sale, "SaleSoldOut")
        .withArgs(8n, 7n);
      expect((await b.sale.quote(7n, Currency.ETH, NO_CODE))[0]).to.equal(7n * WEI_PRICE);
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

    it("error: a referral code already taken, the zero code, the zero referrer", async () => {
      const d = await loadFixture(withReferral);
      await expect(d.sale.registerReferralCode(CODE, d.signers[7].address))
        .to.be.revertedWithCustomError(d.sale, "SaleReferralCodeTaken")
        .withArgs(CODE, d.referrer.address);
      await expect(d.sale.registerReferralCode(NO_CODE, d.signers[7].address))
        .to.be.revertedWithCustomError(d.sale, "SaleReferralCodeTaken")
        .withArgs(NO_CODE, ethers.ZeroAddress);
      const OTHER = ethers.encodeBytes32String("OTHER");
      await expect(d.sale.registerReferralCode(OTHER, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(d.sale, "SaleInvalidReferrer")
        .withArgs(ethers.ZeroAddress);
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
      const withdrawal = d.sale.connect(d.signers[5]).withdrawProceeds(Currency.ETH);
      await expect(withdrawal).to.changeEtherBalances(
        ethers,
        [treasury, d.sale],
        [total - rebate, -(total - rebate)],
      );
      await expect(withdrawal)
        .to.emit(d.sale, "ProceedsWithdrawn")
        .withArgs(treasury, Currency.ETH, total - rebate);
      await expect(
        d.sale.connect(d.referrer).claimRebate(Currency.ETH, d.referrer.address),
      ).to.changeEtherBalances(ethers, [d.referrer, d.sale], [rebate, -rebate]);
      expect(await ethers.provider.getBalance(await d.sale.getAddress())).to.equal(0n);
    });

    it("cancelled: holders burn their licences and get every unit back; rebates are void", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(3n, Currency.ETH, CODE);
      await d.sale.connect(buyer).buy(3n, Currency.ETH, CODE, total, 0n, [], { value: total });
      const [stableTotal] = await d.sale.quote(2n, Currency.STABLE, NO_CODE);
      await d.stable!.mint(buyer.address, stableTotal);
      await d.stable!.connect(buyer).approve(await d.sale.getAddress(), stableTotal);
      await d.sale.connect(buyer).buy(2n, Currency.STABLE, NO_CODE, stableTotal, 0n, []);
      await expect(d.sale.cancel()).to.emit(d.sale, "SaleCancelled");
      await expect(
        d.sale.connect(d.referrer).claimRebate(Currency.ETH, d.referrer.address),
      ).to.be.revertedWithCustomError(d.sale, "SaleNotActive");
      expect(await d.sale.purchaseOf(3n)).to.equal(1n);
      expect(await d.sale.purchaseOf(5n)).to.equal(4n);
      expect(await d.sale.purchaseOf(6n)).to.equal(0n);
      const tx = d.sale.connect(buyer).refund(1n, [1n, 2n, 3n]);
      await expect(tx).to.changeEtherBalances(ethers, [buyer, d.sale], [total, -total]);
      await expect(tx).to.emit(d.sale, "Refunded").withArgs(buyer.address, 1n, 3n, Currency.ETH, total);
      await expect(d.sale.connect(buyer).refund(4n, [5n, 4n])).to.changeTokenBalances(
        ethers,
        d.stable!,
        [buyer, d.sale],
        [stableTotal, -stableTotal],
      );
      expect(await d.license.balanceOf(buyer.address)).to.equal(0n);
      // error: twice, a licence of another purchase, nothing, someone else's licence
      await expect(d.sale.connect(buyer).refund(1n, [1n])).to.be.revertedWithCustomError(
        d.license,
        "OwnerQueryForNonexistentToken",
      );
      await expect(d.sale.connect(buyer).refund(1n, [4n]))
        .to.be.revertedWithCustomError(d.sale, "SaleTokenNotInPurchase")
        .withArgs(1n, 4n);
      await expect(d.sale.connect(buyer).refund(2n, [2n]))
        .to.be.revertedWithCustomError(d.sale, "SaleTokenNotInPurchase")
        .withArgs(2n, 2n);
      await expect(d.sale.connect(buyer).refund(1n, [])).to.be.revertedWithCustomError(
        d.sale,
        "SaleZeroQuantity",
      );
    });

    it("error: a licence past the end of a purchase (a later purchase's) is not refunded at the earlier purchase's price", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(3n, Currency.ETH, NO_CODE);
      await d.sale.connect(buyer).buy(3n, Currency.ETH, NO_CODE, total, 0n, [], { value: total }); // ids 1-3
      const [stableTotal] = await d.sale.quote(2n, Currency.STABLE, NO_CODE);
      await d.stable!.mint(buyer.address, stableTotal);
      await d.stable!.connect(buyer).approve(await d.sale.getAddress(), stableTotal);
      await d.sale.connect(buyer).buy(2n, Currency.STABLE, NO_CODE, stableTotal, 0n, []); // ids 4-5
      await d.sale.cancel();
      // id 5 is one past the first id after purchase 1 (4): both must be refused there, not only 4
      for (const ids of [[5n], [3n, 5n]]) {
        await expect(d.sale.connect(buyer).refund(1n, ids))
          .to.be.revertedWithCustomError(d.sale, "SaleTokenNotInPurchase")
          .withArgs(1n, 5n);
      }
      expect(await d.license.balanceOf(buyer.address)).to.equal(5n, "nothing burned");
      await expect(d.sale.connect(buyer).refund(4n, [5n])).to.changeTokenBalances(
        ethers,
        d.stable!,
        [buyer, d.sale],
        [stableTotal - stableTotal / 2n, -(stableTotal - stableTotal / 2n)], // the second of two shares
      );
    });

    it("error: no refund unless the sale was cancelled (active, then finalized)", async () => {
      const d = await loadFixture(publicPhase);
      const buyer = d.signers[8];
      const [total] = await d.sale.quote(2n, Currency.ETH, NO_CODE);
      await d.sale.connect(buyer).buy(2n, Currency.ETH, NO_CODE, total, 0n, [], { value: total });
      await expect(d.sale.connect(buyer).refund(1n, [1n]))
        .to.be.revertedWithCustomError(d.sale, "SaleNotActive")
        .withArgs(0n); // State.Active
      await time.increaseTo(await d.sale.saleEnd());
      await d.sale.finalize();
      await expect(d.sale.connect(buyer).refund(1n, [1n, 2n]))
        .to.be.revertedWithCustomError(d.sale, "SaleNotActive")
        .withArgs(2n); // State.Finalized
      expect(await d.license.balanceOf(buyer.address)).to.equal(2n);
      expect(await ethers.provider.getBalance(await d.sale.getAddress())).to.equal(total);
    });

    it("error: refunding a licence one does not hold, or the same licence twice in one call", async () => {
      const d = await loadFixture(publicPhase);
      const [buyer, other] = [d.signers[8], d.signers[9]];
      const [total] = await d.sale.quote(2n, Currency.ETH, NO_CODE);
      await d.sale.connect(buyer).buy(2n, Currency.ETH, NO_CODE, total, 0n, [], { value: total });
      await d.sale.cancel();
      await expect(d.sale.connect(other).refund(1n, [1n]))
        .to.be.revertedWithCustomError(d.license, "LicenseNotOwner")
        .withArgs(1n, other.address);
      await expect(d.sale.connect(buyer).refund(1n, [2n, 2n])).to.be.revertedWithCustomError(
        d.license,
        "OwnerQueryForNonexistentToken",
      );
      expect(await ethers.provider.getBalance(await d.sale.getAddress())).to.equal(total);
    });

    it("error: refund re-entered from the buyer's ETH receive", async () => {
      const d = await loadFixture(publicPhase);
      const receiver = await ethers.deployContract("AdversarialReceiver", [await d.sale.getAddress()]);
      const [total] = await d.sale.quote(1n, Currency.ETH, NO_CODE);
      await receiver.buy(1n, total, { value: total });
      await d.sale.cancel();
      await receiver.setMode(3);
      await expect(receiver.refund(1n, [1n])).to.be.revertedWithCustomError(d.sale, "SaleTransferFailed");
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
