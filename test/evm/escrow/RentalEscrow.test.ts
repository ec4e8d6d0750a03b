import path from "node:path";

import { expect } from "chai";
import { encodeBytes32String, parseEther } from "ethers";
import { network } from "hardhat";

import {
  deployRentalEscrow,
  evmCredits,
  loadEscrowConfig,
  NO_TOKEN_PAYMENT,
  setEvmOffer,
  withdrawEvmCredits,
  type EvmOffer,
} from "../../../src/evm/escrow.js";
import type { MockStablecoin, RentalEscrow } from "../../../types/ethers-contracts/index.js";
import { deployFiatToken } from "./fiatToken.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const ESCROW_CONFIG_FILE = path.resolve(import.meta.dirname, "../../../config/arbitrum/escrow.json");
const USDC = 1_000_000n;
const HOURLY = 20n * USDC;
const TOKEN_PRICE = 2_500_000n; // 1 token = 2.5 USDC
const STABLE = 0;
const TOKEN = 1;
const H100 = encodeBytes32String("H100-80GB");
const HOUR = 3_600;
const DAY = 86_400;
const CLOSED = 4n;

type Signer = Awaited<ReturnType<typeof ethers.getSigners>>[number];

/** A supplier lists its offer through the library the CLI uses: by default 8 x H100 at 20 USDC/h. */
async function setOffer(escrow: RentalEscrow, supplier: Signer, o: Partial<EvmOffer> = {}) {
  await (
    await setEvmOffer(escrow.connect(supplier), {
      gpuModel: "H100-80GB",
      gpuCount: 8,
      hourlyPrice: HOURLY,
      ...o,
    })
  ).wait();
}

/** The bounds test's base configuration (the values of config/arbitrum/escrow.json). */
const CONFIG = {
  feeBps: 500,
  tokenDiscountBps: 2_500,
  maxPriceStaleness: 3_600,
  startTimeout: 3_600,
  disputeWindow: 86_400,
};

/** The escrow and its oracle deployed by the library from config/arbitrum/escrow.json. */
async function escrowFixture(stableName: "MockStablecoin" | "FeeOnTransferToken" = "MockStablecoin") {
  const [admin, supplier, customer, treasury, stranger] = await ethers.getSigners();
  // both mocks expose mint() and the ERC-20 interface
  const stable = (await ethers.deployContract(stableName)) as unknown as MockStablecoin;
  const token = await ethers.deployContract("L2ComputeToken", ["CMT", "CMT", admin.address, admin.address]);
  const config = loadEscrowConfig(ESCROW_CONFIG_FILE);
  expect(BigInt(config.initialTokenPrice)).to.equal(TOKEN_PRICE);
  const { escrow, oracle } = await deployRentalEscrow(ethers, config, {
    stable: await stable.getAddress(),
    token: await token.getAddress(),
    treasury: treasury.address,
    deployer: admin,
  });
  await setOffer(escrow, supplier);
  await stable.mint(customer.address, 10_000n * USDC);
  await token.bridgeMint(customer.address, parseEther("10000"));
  const escrowAddress = await escrow.getAddress();
  await stable.connect(customer).approve(escrowAddress, ethers.MaxUint256);
  await token.connect(customer).approve(escrowAddress, ethers.MaxUint256);
  return { escrow, stable, token, oracle, admin, supplier, customer, treasury, stranger };
}
const fixture = () => escrowFixture();

/** The escrow holds exactly the open rentals' escrow plus the credits, in each currency. */
async function solvent(d: Awaited<ReturnType<typeof fixture>>) {
  const at = await d.escrow.getAddress();
  for (const [asset, currency] of [
    [d.stable, STABLE],
    [d.token, TOKEN],
  ] as const) {
    const credits = await d.escrow.totalCredits(await asset.getAddress());
    expect(await asset.balanceOf(at)).to.equal((await d.escrow.escrowed(currency)) + credits);
  }
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

  it("dispute: only the settler resolves, even after the further window; its ruling of no delivery refunds the customer", async () => {
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
    // (an unresolved dispute no longer refunds on silence: finding 18-M below)
    await expect(d.escrow.connect(d.stranger).settleRental(1n, 0)).to.be.revertedWithCustomError(
      d.escrow,
      "EscrowSettlementNotAllowed",
    );
    await expect(d.escrow.settleRental(1n, 0)).to.changeTokenBalances(
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
    const openRentals = async () => (await d.escrow.suppliers(d.supplier.address)).openRentals;
    expect(await openRentals()).to.equal(2n);
    const cancel = d.escrow.connect(d.customer).cancelRental(1n);
    await expect(cancel).to.changeTokenBalances(ethers, d.stable, [d.customer], [price + fee]);
    await expect(cancel)
      .to.emit(d.escrow, "RentalRefunded")
      .withArgs(1n, price + fee, false);
    await expect(d.escrow.connect(d.customer).cancelRental(1n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowInvalidState")
      .withArgs(1n, 4n); // Closed
    expect(await openRentals()).to.equal(1n);
    await expect(d.escrow.connect(d.stranger).reclaimExpired(2n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowStartTimeoutNotReached")
      .withArgs(2n);
    await time.increase(3_601);
    await expect(d.escrow.connect(d.supplier).startRental(2n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowStartTimeoutPassed")
      .withArgs(2n);
    await expect(d.escrow.connect(d.stranger).reclaimExpired(2n))
      .to.emit(d.escrow, "RentalRefunded")
      .withArgs(2n, price + fee, true);
    expect(await openRentals()).to.equal(0n);
    expect(await d.stable.balanceOf(d.customer.address)).to.equal(10_000n * USDC);
    // a rental that was never created has nothing to reclaim, even once its "deadline" passed
    await expect(d.escrow.connect(d.stranger).reclaimExpired(99n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowInvalidState")
      .withArgs(99n, 0n); // None
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

describe("RentalEscrow (Arbitrum): review findings", () => {
  it("finding 10-M: every time and bps field is bounded in the constructor, each with its named error", async () => {
    const [admin, , , treasury] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("RentalEscrow");
    const base = {
      stable: admin.address,
      token: admin.address,
      oracle: admin.address,
      treasury: treasury.address,
      admin: admin.address,
      ...CONFIG,
    };
    const cases: [Partial<typeof CONFIG>, string, bigint[]][] = [
      [{ feeBps: 2_001 }, "EscrowInvalidFeeBps", [2_001n, 2_000n]],
      [{ tokenDiscountBps: 10_001 }, "EscrowInvalidTokenDiscountBps", [10_001n, 10_000n]],
      [{ disputeWindow: HOUR - 1 }, "EscrowInvalidDisputeWindow", [BigInt(HOUR - 1), 3_600n, 2_592_000n]],
      [{ disputeWindow: 30 * DAY + 1 }, "EscrowInvalidDisputeWindow", [2_592_001n, 3_600n, 2_592_000n]],
      [{ startTimeout: 299 }, "EscrowInvalidStartTimeout", [299n, 300n, 604_800n]],
      [{ startTimeout: 7 * DAY + 1 }, "EscrowInvalidStartTimeout", [604_801n, 300n, 604_800n]],
      [{ maxPriceStaleness: 59 }, "EscrowInvalidPriceStaleness", [59n, 60n, 86_400n]],
      [{ maxPriceStaleness: DAY + 1 }, "EscrowInvalidPriceStaleness", [86_401n, 60n, 86_400n]],
    ];
    for (const [field, error, args] of cases) {
      await expect(factory.deploy({ ...base, ...field }), `${JSON.stringify(field)}`)
        .to.be.revertedWithCustomError(factory, error)
        .withArgs(...args);
    }
    // each bound itself is accepted
    const escrow = await factory.deploy({
      ...base,
      feeBps: 2_000,
      tokenDiscountBps: 10_000,
      disputeWindow: HOUR,
      startTimeout: 300,
      maxPriceStaleness: 60,
    });
    await factory.deploy({ ...base, disputeWindow: 30 * DAY, startTimeout: 7 * DAY, maxPriceStaleness: DAY });
    // and published by the contract
    expect(await escrow.MAX_FEE_BPS()).to.equal(2_000n);
    expect(await escrow.MAX_TOKEN_DISCOUNT_BPS()).to.equal(10_000n);
    expect([await escrow.MIN_DISPUTE_WINDOW(), await escrow.MAX_DISPUTE_WINDOW()]).to.deep.equal([
      3_600n,
      2_592_000n,
    ]);
    expect([await escrow.MIN_START_TIMEOUT(), await escrow.MAX_START_TIMEOUT()]).to.deep.equal([
      300n,
      604_800n,
    ]);
    expect([await escrow.MIN_PRICE_STALENESS(), await escrow.MAX_PRICE_STALENESS()]).to.deep.equal([
      60n,
      86_400n,
    ]);
  });

  it("finding 10-L: a rental records the GPU model, count and hourly price it was rented at; a later offer change does not affect it", async () => {
    const d = await loadFixture(fixture);
    const [price, fee] = await d.escrow.quote(d.supplier.address, 10, STABLE);
    await expect(d.escrow.connect(d.customer).createRental(d.supplier.address, 10, STABLE, price + fee))
      .to.emit(d.escrow, "RentalCreated")
      .withArgs(1n, d.customer.address, d.supplier.address, 10n, STABLE, price, fee, H100, 8n, HOURLY);
    await setOffer(d.escrow, d.supplier, { gpuModel: "A100-40GB", gpuCount: 4, hourlyPrice: 3n * HOURLY });
    const r = await d.escrow.rentals(1n);
    expect([r.gpuModel, r.gpuCount, r.hourlyPrice, r.price, r.fee]).to.deep.equal([
      H100,
      8n,
      HOURLY,
      price,
      fee,
    ]);
    await d.escrow.connect(d.supplier).startRental(1n);
    await time.increase(10 * HOUR + DAY);
    await expect(d.escrow.connect(d.stranger).settleRental(1n, 10)).to.changeTokenBalances(
      ethers,
      d.stable,
      [d.supplier, d.treasury],
      [price, fee],
    );
  });

  it("finding 10-L: a USDC-blocklisted party does not block settlement; its share stays credited (Circle's FiatTokenV2_2)", async () => {
    const [admin, supplier, customer, treasury, stranger, proxyAdmin, circle] = await ethers.getSigners();
    const usdc = await deployFiatToken(ethers, { proxyAdmin, circle });
    const token = await ethers.deployContract("L2ComputeToken", ["CMT", "CMT", admin.address, admin.address]);
    const { escrow } = await deployRentalEscrow(ethers, loadEscrowConfig(ESCROW_CONFIG_FILE), {
      stable: await usdc.getAddress(),
      token: await token.getAddress(),
      treasury: treasury.address,
      deployer: admin,
    });
    const at = await escrow.getAddress();
    await setOffer(escrow, supplier);
    await (await usdc.mint(customer.address, 10_000n * USDC)).wait();
    await usdc.connect(customer).getFunction("approve")(at, ethers.MaxUint256);
    const usdcAddress = await usdc.getAddress();
    const [price, fee] = await escrow.quote(supplier.address, 10, STABLE);
    const credits = async (who: Signer) => escrow.credits(who.address, usdcAddress);
    const solventInUsdc = async () =>
      expect(await usdc.balanceOf(at)).to.equal(
        (await escrow.escrowed(STABLE)) + (await escrow.totalCredits(usdcAddress)),
      );

    // rental 1: the supplier is blocklisted before settlement of 4 of 10 hours
    await escrow.connect(customer).createRental(supplier.address, 10, STABLE, price + fee);
    await escrow.connect(supplier).startRental(1n);
    await usdc.blacklist(supplier.address);
    const toSupplier = (price * 4n) / 10n;
    const feePaid = (fee * 4n) / 10n;
    const settle = escrow.settleRental(1n, 4);
    await expect(settle).to.changeTokenBalances(
      ethers,
      usdc,
      [supplier, treasury, customer],
      [0n, feePaid, price + fee - toSupplier - feePaid],
    );
    await expect(settle)
      .to.emit(escrow, "PaymentCredited")
      .withArgs(supplier.address, usdcAddress, toSupplier);
    expect((await escrow.rentals(1n)).state).to.equal(CLOSED);
    expect(await credits(supplier)).to.equal(toSupplier);
    await solventInUsdc();
    // still blocklisted: USDC refuses the withdrawal, the credit stays
    await expect(escrow.connect(stranger).withdraw(usdcAddress, supplier.address)).to.be.revertedWith(
      "Blacklistable: account is blacklisted",
    );
    expect(await credits(supplier)).to.equal(toSupplier);

    // rental 2: the treasury and the customer are blocklisted, the full delivery is settled by anyone
    await escrow.connect(customer).createRental(supplier.address, 10, STABLE, price + fee);
    await usdc.unBlacklist(supplier.address);
    await escrow.connect(supplier).startRental(2n);
    await usdc.blacklist(treasury.address);
    await usdc.blacklist(customer.address);
    await time.increase(10 * HOUR + DAY);
    await expect(escrow.connect(stranger).settleRental(2n, 10)).to.changeTokenBalances(
      ethers,
      usdc,
      [supplier, treasury],
      [price, 0n],
    );
    expect(await credits(treasury)).to.equal(fee);
    await solventInUsdc();

    // rental 3: a blocklisted customer's expired rental is reclaimed into its credit
    await usdc.unBlacklist(customer.address);
    await escrow.connect(customer).createRental(supplier.address, 1, STABLE, ethers.MaxUint256);
    await usdc.blacklist(customer.address);
    await time.increase(HOUR + 1);
    await escrow.connect(stranger).reclaimExpired(3n);
    const [p1, f1] = await escrow.quote(supplier.address, 1, STABLE);
    expect(await credits(customer)).to.equal(p1 + f1);
    await solventInUsdc();

    // once off the list, anyone sends each party its credit, to that party only
    await usdc.unBlacklist(treasury.address);
    await usdc.unBlacklist(customer.address);
    const asCustomer = await evmCredits(escrow, customer.address); // what the CLI shows
    expect([asCustomer.stable.token, asCustomer.stable.amount]).to.deep.equal([usdcAddress, p1 + f1]);
    for (const [who, amount] of [
      [supplier, toSupplier],
      [treasury, fee],
    ] as const) {
      await expect(escrow.connect(stranger).withdraw(usdcAddress, who.address))
        .to.emit(escrow, "CreditWithdrawn")
        .withArgs(who.address, usdcAddress, amount);
      expect(await credits(who)).to.equal(0n);
    }
    // the library's withdrawal, as the CLI sends it
    const { receipts } = await withdrawEvmCredits(escrow.connect(stranger), customer.address);
    expect(receipts).to.have.length(1);
    // the customer paid for 4 h of rental 1 and all of rental 2; rental 3 came back in full
    expect(await usdc.balanceOf(customer.address)).to.equal(
      10_000n * USDC - (toSupplier + feePaid) - (price + fee),
    );
    await expect(escrow.connect(stranger).withdraw(usdcAddress, supplier.address))
      .to.be.revertedWithCustomError(escrow, "EscrowNothingToWithdraw")
      .withArgs(supplier.address, usdcAddress);
    expect(await usdc.balanceOf(at)).to.equal(0n);
  });

  it("finding 18-M: an ignored dispute of a fully used rental settles as undisputed; the customer gains nothing by disputing", async () => {
    const d = await loadFixture(fixture);
    const [price, fee] = await d.escrow.quote(d.supplier.address, 10, STABLE);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 10, STABLE, price + fee);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 10, STABLE, price + fee);
    await d.escrow.connect(d.supplier).startRental(1n);
    await d.escrow.connect(d.supplier).startRental(2n);
    await time.increase(10 * HOUR); // both fully used
    await d.escrow.connect(d.customer).disputeRental(2n);
    await time.increase(DAY);
    // rental 1 was not disputed: anyone settles it in full once the window closed
    await expect(d.escrow.connect(d.stranger).settleRental(1n, 10)).to.changeTokenBalances(
      ethers,
      d.stable,
      [d.supplier, d.treasury, d.customer],
      [price, fee, 0n],
    );
    // rental 2 was disputed: the authority has a further window to resolve it
    await expect(d.escrow.connect(d.stranger).settleRental(2n, 10))
      .to.be.revertedWithCustomError(d.escrow, "EscrowSettlementNotAllowed")
      .withArgs(2n);
    await time.increase(DAY);
    // ignored: silence does not refund the customer ...
    await expect(d.escrow.connect(d.stranger).settleRental(2n, 0))
      .to.be.revertedWithCustomError(d.escrow, "EscrowSettlementNotAllowed")
      .withArgs(2n);
    // ... it settles as undisputed, the same payouts as rental 1
    await expect(d.escrow.connect(d.customer).settleRental(2n, 10)).to.changeTokenBalances(
      ethers,
      d.stable,
      [d.supplier, d.treasury, d.customer],
      [price, fee, 0n],
    );
    await solvent(d);
  });

  it("finding 18-L: pausing does not expire rentals waiting to start", async () => {
    const d = await loadFixture(fixture);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 1, STABLE, ethers.MaxUint256);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 1, STABLE, ethers.MaxUint256);
    await time.increase(HOUR / 2); // half the start timeout used
    await d.escrow.pause();
    await time.increase(2 * HOUR); // a pause longer than the timeout
    await expect(d.escrow.connect(d.stranger).reclaimExpired(1n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowStartTimeoutNotReached")
      .withArgs(1n);
    await d.escrow.unpause();
    await d.escrow.connect(d.supplier).startRental(1n); // the supplier can still start
    // the deadline moved by exactly the paused time: what was left of the timeout remains, no more
    const pausedTime = await d.escrow.pausedTime();
    expect(pausedTime >= 2n * 3_600n).to.equal(true);
    const deadline = await d.escrow.startDeadline(2n);
    expect(deadline).to.equal((await d.escrow.rentals(2n)).createdAt + 3_600n + pausedTime);
    await time.setNextBlockTimestamp(deadline);
    await expect(d.escrow.connect(d.stranger).reclaimExpired(2n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowStartTimeoutNotReached")
      .withArgs(2n);
    await time.setNextBlockTimestamp(deadline + 1n); // one second past it
    await expect(d.escrow.connect(d.supplier).startRental(2n))
      .to.be.revertedWithCustomError(d.escrow, "EscrowStartTimeoutPassed")
      .withArgs(2n);
    await d.escrow.connect(d.stranger).reclaimExpired(2n);
    await solvent(d);
  });

  it("finding 18-L: the oracle rejects a zero price and bounds each update's change", async () => {
    const [admin] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("ManualPriceOracle");
    await expect(factory.deploy(admin.address, admin.address, 0))
      .to.be.revertedWithCustomError(factory, "OracleInvalidMaxDeviation")
      .withArgs(0n, 5_000n);
    await expect(factory.deploy(admin.address, admin.address, 5_001))
      .to.be.revertedWithCustomError(factory, "OracleInvalidMaxDeviation")
      .withArgs(5_001n, 5_000n);
    const oracle = await factory.deploy(admin.address, admin.address, 2_000);
    await expect(oracle.setPrice(0)).to.be.revertedWithCustomError(oracle, "OracleInvalidPrice").withArgs(0n);
    await oracle.setPrice(TOKEN_PRICE); // the first price has nothing to deviate from
    await expect(oracle.setPrice(3_000_001n))
      .to.be.revertedWithCustomError(oracle, "OraclePriceDeviationTooHigh")
      .withArgs(TOKEN_PRICE, 3_000_001n, 2_000n);
    await expect(oracle.setPrice(1_999_999n))
      .to.be.revertedWithCustomError(oracle, "OraclePriceDeviationTooHigh")
      .withArgs(TOKEN_PRICE, 1_999_999n, 2_000n);
    await expect(oracle.setPrice(TOKEN_PRICE * 10n ** 12n)) // a decimals mix-up
      .to.be.revertedWithCustomError(oracle, "OraclePriceDeviationTooHigh");
    await oracle.setPrice(3_000_000n); // +20 %
    await oracle.setPrice(2_400_000n); // -20 %
    expect((await oracle.latestPrice())[0]).to.equal(2_400_000n);
  });

  it("finding 18-L: a supplier sets a floor on the token price it accepts, or refuses token payment", async () => {
    const d = await loadFixture(fixture);
    await setOffer(d.escrow, d.supplier, { minTokenPrice: 3n * USDC });
    await expect(d.escrow.connect(d.customer).createRental(d.supplier.address, 10, TOKEN, ethers.MaxUint256))
      .to.be.revertedWithCustomError(d.escrow, "EscrowTokenPriceBelowFloor")
      .withArgs(TOKEN_PRICE, 3n * USDC);
    await expect(d.escrow.quote(d.supplier.address, 10, TOKEN))
      .to.be.revertedWithCustomError(d.escrow, "EscrowTokenPriceBelowFloor")
      .withArgs(TOKEN_PRICE, 3n * USDC);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 10, STABLE, ethers.MaxUint256);
    await d.oracle.setPrice(3n * USDC);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 10, TOKEN, ethers.MaxUint256);
    // opting out of token payment altogether
    expect(await d.escrow.NO_TOKEN_PAYMENT()).to.equal(NO_TOKEN_PAYMENT);
    await setOffer(d.escrow, d.supplier, { acceptToken: false });
    expect((await d.escrow.suppliers(d.supplier.address)).minTokenPrice).to.equal(NO_TOKEN_PAYMENT);
    await expect(d.escrow.connect(d.customer).createRental(d.supplier.address, 10, TOKEN, ethers.MaxUint256))
      .to.be.revertedWithCustomError(d.escrow, "EscrowTokenPaymentDisabled")
      .withArgs(d.supplier.address);
    await d.escrow.connect(d.customer).createRental(d.supplier.address, 10, STABLE, ethers.MaxUint256);
    await solvent(d);
  });
});
