import { expect } from "chai";
import { encodeBytes32String, parseEther } from "ethers";
import { network } from "hardhat";

import type { MockStablecoin } from "../../../types/ethers-contracts/index.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const USDC = 1_000_000n;
const HOURLY = 20n * USDC;
const TOKEN_PRICE = 2_500_000n; // 1 token = 2.5 USDC
const STABLE = 0;
const TOKEN = 1;
const H100 = encodeBytes32String("H100-80GB");

async function escrowFixture(stableName: "MockStablecoin" | "FeeOnTransferToken" = "MockStablecoin") {
  const [admin, supplier, customer, treasury, stranger] = await ethers.getSigners();
  // both mocks expose mint() and the ERC-20 interface
  const stable = (await ethers.deployContract(stableName)) as unknown as MockStablecoin;
  const token = await ethers.deployContract("L2ComputeToken", ["CMT", "CMT", admin.address, admin.address]);
  const oracle = await ethers.deployContract("ManualPriceOracle", [admin.address, admin.address]);
  await oracle.setPrice(TOKEN_PRICE);
  const escrow = await ethers.deployContract("RentalEscrow", [
    {
      stable: await stable.getAddress(),
      token: await token.getAddress(),
      oracle: await oracle.getAddress(),
      treasury: treasury.address,
      admin: admin.address,
      feeBps: 500,
      tokenDiscountBps: 2_500,
      maxPriceStaleness: 3_600,
      startTimeout: 3_600,
      disputeWindow: 86_400,
    },
  ]);
  await escrow.connect(supplier).setOffer(H100, 8, HOURLY, true);
  await stable.mint(customer.address, 10_000n * USDC);
  await token.bridgeMint(customer.address, parseEther("10000"));
  const escrowAddress = await escrow.getAddress();
  await stable.connect(customer).approve(escrowAddress, ethers.MaxUint256);
  await token.connect(customer).approve(escrowAddress, ethers.MaxUint256);
  return { escrow, stable, token, oracle, admin, supplier, customer, treasury, stranger };
}
const fixture = () => escrowFixture();

async function solvent(d: Awaited<ReturnType<typeof fixture>>) {
  const at = await d.escrow.getAddress();
  expect(await d.stable.balanceOf(at)).to.equal(await d.escrow.escrowed(STABLE));
  expect(await d.token.balanceOf(at)).to.equal(await d.escrow.escrowed(TOKEN));
}

describe("RentalEscrow (Arbitrum)", () => {
  it("quotes both currencies: the token one converted at the oracle price with the fee discount", async () => {
    const d = await loadFixture(fixture);
    expect(await d.escrow.quote(d.supplier.address, 10, STABLE)).to.deep.equal([200n * USDC, 10n * USDC]);
    expect(await d.escrow.quote(d.supplier.address, 10, TOKEN)).to.deep.equal([
      parseEther("80"),
      parseEther("3"),
    ]);
  });

  it("stablecoin rental, full delivery settled by anyone after the window; fee and payout match the quote", async () => {
    const d = await loadFixture(fixture);
    const [price, fee] = await d.escrow.quote(d.supplier.address, 10, STABLE);
    await expect(
      d.escrow.connect(d.customer).createRental(d.supplier.address, 10, STABLE, price + fee),
    ).to.changeTokenBalances(ethers, d.stable, [d.customer, d.escrow], [-(price + fee), price + fee]);
    await solvent(d);
    await d.escrow.connect(d.supplier).startRental(1n);
    await expect(d.escrow.connect(d.stranger).settleRental(1n, 10))
      .to.be.revertedWithCustomError(d.escrow, "EscrowSettlementNotAllowed")
      .withArgs(1n);
    await time.increase(10 * 3_600 + 86_400);
    await expect(d.escrow.connect(d.stranger).settleRental(1n, 10)).to.changeTokenBalances(
      ethers,
      d.stable,
      [d.supplier, d.treasury, d.customer],
      [price, fee, 0n],
    );
    await solvent(d);
    await expect(d.escrow.settleRental(1n, 10))
      .to.be.revertedWithCustomError(d.escrow, "EscrowInvalidState")
      .withArgs(1n, 4n);
  });

  it("token rental, the settler reports 4 of 10 hours: pro rata payout and fee, the rest refunded", async () => {
    const d = await loadFixture(fixture);
    const [price, fee] = await d.escrow.quote(d.supplier.address, 10, TOKEN);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 10, TOKEN, price + fee);
    await d.escrow.connect(d.supplier).startRental(1n);
    const toSupplier = (price * 4n) / 10n;
    const feePaid = (fee * 4n) / 10n;
    await expect(d.escrow.settleRental(1n, 4)).to.changeTokenBalances(
      ethers,
      d.token,
      [d.supplier, d.treasury, d.customer],
      [toSupplier, feePaid, price + fee - toSupplier - feePaid],
    );
    await solvent(d);
  });

  it("dispute: only the settler resolves; an unresolved dispute refunds the customer after a further window", async () => {
    const d = await loadFixture(fixture);
    const [price, fee] = await d.escrow.quote(d.supplier.address, 2, STABLE);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 2, STABLE, price + fee);
    await d.escrow.connect(d.supplier).startRental(1n);
    await expect(d.escrow.connect(d.stranger).disputeRental(1n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowNotCustomer")
      .withArgs(1n, d.stranger.address);
    await d.escrow.connect(d.customer).disputeRental(1n);
    await time.increase(2 * 3_600 + 86_400);
    await expect(d.escrow.connect(d.stranger).settleRental(1n, 2)).to.be.revertedWithCustomError(
      d.escrow,
      "EscrowSettlementNotAllowed",
    );
    await time.increase(86_400);
    await expect(d.escrow.connect(d.stranger).settleRental(1n, 0)).to.changeTokenBalances(
      ethers,
      d.stable,
      [d.customer, d.supplier],
      [price + fee, 0n],
    );
  });

  it("cancel before start, reclaim after the timeout", async () => {
    const d = await loadFixture(fixture);
    const [price, fee] = await d.escrow.quote(d.supplier.address, 1, STABLE);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 1, STABLE, price + fee);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 1, STABLE, price + fee);
    await expect(d.escrow.connect(d.stranger).cancelRental(1n)).to.be.revertedWithCustomError(
      d.escrow,
      "EscrowNotCustomer",
    );
    await expect(d.escrow.connect(d.customer).cancelRental(1n)).to.changeTokenBalances(
      ethers,
      d.stable,
      [d.customer],
      [price + fee],
    );
    await expect(d.escrow.connect(d.stranger).reclaimExpired(2n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowStartTimeoutNotReached")
      .withArgs(2n);
    await time.increase(3_601);
    await expect(d.escrow.connect(d.supplier).startRental(2n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowStartTimeoutPassed")
      .withArgs(2n);
    await d.escrow.connect(d.stranger).reclaimExpired(2n);
    expect(await d.stable.balanceOf(d.customer.address)).to.equal(10_000n * USDC);
    await solvent(d);
  });

  it("error: slippage, stale price, inactive supplier, bad hours, wrong starter, paused", async () => {
    const d = await loadFixture(fixture);
    const [price, fee] = await d.escrow.quote(d.supplier.address, 10, TOKEN);
    await expect(d.escrow.connect(d.customer).createRental(d.supplier.address, 10, TOKEN, price + fee - 1n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowSlippage")
      .withArgs(price + fee, price + fee - 1n);
    await time.increase(3_601);
    await expect(
      d.escrow.connect(d.customer).createRental(d.supplier.address, 10, TOKEN, price + fee),
    ).to.be.revertedWithCustomError(d.escrow, "EscrowStalePrice");
    await expect(d.escrow.connect(d.customer).createRental(d.stranger.address, 1, STABLE, 1n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowSupplierInactive")
      .withArgs(d.stranger.address);
    await expect(d.escrow.connect(d.customer).createRental(d.supplier.address, 0, STABLE, 1n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowInvalidHours")
      .withArgs(0n);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 1, STABLE, ethers.MaxUint256);
    await expect(d.escrow.connect(d.customer).startRental(1n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowNotSupplier")
      .withArgs(1n, d.customer.address);
    await d.escrow.pause();
    await expect(
      d.escrow.connect(d.customer).createRental(d.supplier.address, 1, STABLE, ethers.MaxUint256),
    ).to.be.revertedWithCustomError(d.escrow, "EnforcedPause");
    await d.escrow.connect(d.customer).cancelRental(1n); // refunds still work while paused
    await solvent(d);
  });

  it("error: a fee-on-transfer stablecoin is refused", async () => {
    const d = await escrowFixture("FeeOnTransferToken");
    await expect(d.escrow.connect(d.customer).createRental(d.supplier.address, 1, STABLE, ethers.MaxUint256))
      .to.be.revertedWithCustomError(d.escrow, "EscrowFeeOnTransfer")
      .withArgs(21n * USDC, 21n * USDC - (21n * USDC) / 100n);
  });
});
