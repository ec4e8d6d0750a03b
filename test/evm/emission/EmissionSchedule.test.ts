import { expect } from "chai";
import { network } from "hardhat";

import { DAY, scheduledAmount, TOKEN_UNIT } from "../../../src/evm/tokenomics.js";
import { deployFromConfig, tokenomics } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time, impersonateAccount, setBalance } = networkHelpers;

const EPOCH = 7 * DAY;
const MAX_EPOCH = 10_000n * TOKEN_UNIT;
const TOTAL = 25_000n * TOKEN_UNIT;
const CURVE = { initialEpochEmission: 8_000n * TOKEN_UNIT, decayBps: 5_000, epochsPerPeriod: 2 };

const fromConfig = () => deployFromConfig(connection);

/** A schedule administered by a plain signer, for unit tests of its rules. */
async function standaloneWith(curve: typeof CURVE) {
  const [admin, guardian, sinkA, sinkB, outsider] = await ethers.getSigners();
  const token = await ethers.deployContract("ComputeToken", [
    "T",
    "T",
    TOTAL * 2n,
    [admin.address],
    [TOTAL * 2n],
    ethers.ZeroAddress,
    ethers.ZeroAddress,
    ethers.ZeroAddress,
  ]);
  const genesis = BigInt(await time.latest()) + 100n;
  const sinks = [
    { account: sinkA.address, weightBps: 6_000 },
    { account: sinkB.address, weightBps: 4_000 },
  ];
  const schedule = await ethers.deployContract("EmissionSchedule", [
    await token.getAddress(),
    genesis,
    EPOCH,
    MAX_EPOCH,
    TOTAL,
    curve,
    sinks,
    admin.address,
    guardian.address,
  ]);
  await token.transfer(await schedule.getAddress(), TOTAL);
  return { token, schedule, genesis, admin, guardian, sinkA, sinkB, outsider };
}

const standalone = () => standaloneWith(CURVE);
/** The flattest curve the bounds allow, at the per-epoch cap, with weekly epochs. */
const FLATTEST = { initialEpochEmission: MAX_EPOCH, decayBps: 500, epochsPerPeriod: 104 };
const flattest = () => standaloneWith(FLATTEST);
const flattestPerEpoch = () => standaloneWith({ ...FLATTEST, epochsPerPeriod: 1 });

describe("EmissionSchedule", () => {
  describe("curve", () => {
    it("decays geometrically per period and is clamped by the per-epoch cap", async () => {
      const { schedule } = await loadFixture(standalone);
      expect(await schedule.scheduledAmount(0n)).to.equal(8_000n * TOKEN_UNIT);
      expect(await schedule.scheduledAmount(1n)).to.equal(8_000n * TOKEN_UNIT);
      expect(await schedule.scheduledAmount(2n)).to.equal(4_000n * TOKEN_UNIT);
      expect(await schedule.scheduledAmount(5n)).to.equal(2_000n * TOKEN_UNIT);
      expect(await schedule.scheduledAmount(10_000n)).to.equal(0n);
      // the flattest curve allowed still decays (a flat one is refused: see "curve changes")
      const flat = (await loadFixture(flattestPerEpoch)).schedule;
      expect(await flat.scheduledAmount(2n)).to.equal(9_025n * TOKEN_UNIT); // 10 000 × 0.95²
      expect(await flat.scheduledAmount(1_000n)).to.equal(0n);
    });

    it("matches the off-chain planner for the deployed config", async () => {
      const { schedule } = await loadFixture(fromConfig);
      const { emission } = tokenomics();
      for (const epoch of [0n, 1n, 51n, 52n, 53n, 104n, 500n, 5_000n]) {
        expect(await schedule.scheduledAmount(epoch), `epoch ${epoch}`).to.equal(
          scheduledAmount(emission, epoch),
        );
      }
    });
  });

  describe("curve changes", () => {
    it("finding 18-L: setCurve leaves every epoch that has begun on the curve it began with", async () => {
      const { schedule, genesis } = await loadFixture(standalone);
      await time.increaseTo(genesis + 3n * BigInt(EPOCH) + 10n); // epochs 0-3 have begun, none released
      const begun = [0n, 1n, 2n, 3n];
      const before = await Promise.all(begun.map((e) => schedule.scheduledAmount(e)));
      expect(before).to.deep.equal([8_000n, 8_000n, 4_000n, 4_000n].map((t) => t * TOKEN_UNIT));
      // review L-3: jumping epoch 4 to the per-epoch cap (the flattest curve in bounds) is refused
      await expect(
        schedule.setCurve({ initialEpochEmission: MAX_EPOCH, decayBps: 500, epochsPerPeriod: 100 }),
      )
        .to.be.revertedWithCustomError(schedule, "EmissionCurveRaised")
        .withArgs(4n, MAX_EPOCH, 2_000n * TOKEN_UNIT);
      // a steeper curve is in force from epoch 4 on; the epochs that had begun keep theirs
      await schedule.setCurve({ ...CURVE, decayBps: 6_000 });
      for (const [i, epoch] of begun.entries()) {
        expect(await schedule.scheduledAmount(epoch), `epoch ${epoch}`).to.equal(before[i]);
      }
      expect(await schedule.scheduledAmount(4n)).to.equal(1_280n * TOKEN_UNIT); // 8 000 × 0.4²
      await schedule.releaseEpochs(0n, 3n);
      expect(await schedule.totalReleased()).to.equal(24_000n * TOKEN_UNIT);
    });

    it("finding 18-L: a curve without decay, or with a period longer than MAX_PERIOD_LENGTH, is refused", async () => {
      const { schedule } = await loadFixture(flattest);
      const flat = { initialEpochEmission: MAX_EPOCH, decayBps: 0, epochsPerPeriod: 1 };
      await expect(schedule.setCurve(flat))
        .to.be.revertedWithCustomError(schedule, "EmissionInvalidCurve")
        .withArgs(MAX_EPOCH, 0n, 1n);
      await expect(schedule.setCurve({ ...flat, decayBps: 499 }))
        .to.be.revertedWithCustomError(schedule, "EmissionInvalidCurve")
        .withArgs(MAX_EPOCH, 499n, 1n);
      // 105 weekly epochs = 735 days > 730 days
      await expect(schedule.setCurve({ ...flat, decayBps: 500, epochsPerPeriod: 105 }))
        .to.be.revertedWithCustomError(schedule, "EmissionInvalidCurve")
        .withArgs(MAX_EPOCH, 500n, 105n);
      await expect(schedule.setCurve({ ...flat, decayBps: 500, epochsPerPeriod: 104 })).to.emit(
        schedule,
        "CurveUpdated",
      );
    });

    it("a curve set before genesis is in force from epoch 0; a second one in the same epoch replaces it", async () => {
      const { schedule, genesis } = await loadFixture(standalone);
      expect(BigInt(await time.latest())).to.be.lessThan(genesis);
      const next = { initialEpochEmission: 6_000n * TOKEN_UNIT, decayBps: 5_000, epochsPerPeriod: 2 };
      await expect(schedule.setCurve(next))
        .to.emit(schedule, "CurveUpdated")
        .withArgs(0n, next.initialEpochEmission, next.decayBps, next.epochsPerPeriod);
      expect(await schedule.scheduledAmount(0n)).to.equal(6_000n * TOKEN_UNIT);

      await time.increaseTo(genesis + 10n); // epoch 0 has begun
      await expect(schedule.setCurve({ ...next, decayBps: 6_000 }))
        .to.emit(schedule, "CurveUpdated")
        .withArgs(1n, next.initialEpochEmission, 6_000, next.epochsPerPeriod);
      await schedule.setCurve({ ...next, decayBps: 7_000 });
      expect((await schedule.curveAt(0n)).decayBps).to.equal(5_000n);
      expect((await schedule.curveAt(1n)).decayBps).to.equal(7_000n);
      expect((await schedule.curveAt(10_000n)).decayBps).to.equal(7_000n);
      expect((await schedule.curve()).decayBps).to.equal(7_000n);
      // epoch 4 is in the third period of the new curve, counted from genesis
      expect(await schedule.scheduledAmount(4n)).to.equal(540n * TOKEN_UNIT); // 6 000 × 0.3²
    });

    it("review L-3: a curve that would raise a future epoch's emission is refused (the deployed schedule at epoch 520)", async () => {
      const d = await loadFixture(fromConfig);
      const e = d.config.emission;
      await time.increaseTo(BigInt(d.start) + 520n * BigInt(e.epochDays * DAY) + 10n); // epoch 520
      const timelock = await d.timelock.getAddress();
      await impersonateAccount(timelock);
      await setBalance(timelock, 10n ** 18n);
      const governance = d.schedule.connect(await ethers.getSigner(timelock));
      const current = scheduledAmount(e, 521n); // ~113k tokens
      const raised = { initialEpochEmission: 2_500_000n * TOKEN_UNIT, decayBps: 500, epochsPerPeriod: 104 };
      const wouldPay = scheduledAmount({ ...e, ...raised }, 521n); // ~1.93M tokens
      expect(wouldPay > 15n * current).to.equal(true);
      await expect(governance.setCurve(raised))
        .to.be.revertedWithCustomError(d.schedule, "EmissionCurveRaised")
        .withArgs(521n, wouldPay, current);
      expect(await d.schedule.scheduledAmount(521n)).to.equal(current);
    });

    it("review L-3: a curve below the current one at fromEpoch but not provably below it later is refused", async () => {
      const { schedule, genesis } = await loadFixture(standalone);
      await time.increaseTo(genesis + 2n * BigInt(EPOCH) + 10n); // changes apply from epoch 3: 4 000
      const cases = [
        // slower decay from a lower start: 3 600 at epoch 3, but 2 160 > 2 000 at epoch 4
        { initialEpochEmission: 6_000n * TOKEN_UNIT, decayBps: 4_000, epochsPerPeriod: 2 },
        // a longer period: 4 000 at epoch 3, but 2 000 > 1 000 at epoch 6
        { initialEpochEmission: 4_000n * TOKEN_UNIT, decayBps: 5_000, epochsPerPeriod: 4 },
        // lower at every epoch in exact arithmetic, refused all the same: only the same period, a
        // decay at least as steep and an initial amount no higher are below the current curve in
        // every epoch, rounding included
        { initialEpochEmission: 8_000n * TOKEN_UNIT, decayBps: 5_000, epochsPerPeriod: 1 },
        { initialEpochEmission: 9_000n * TOKEN_UNIT, decayBps: 6_000, epochsPerPeriod: 2 },
      ];
      for (const c of cases) {
        await expect(schedule.setCurve(c))
          .to.be.revertedWithCustomError(schedule, "EmissionCurveAboveCurrent")
          .withArgs(
            c.initialEpochEmission,
            c.decayBps,
            c.epochsPerPeriod,
            CURVE.initialEpochEmission,
            CURVE.decayBps,
            CURVE.epochsPerPeriod,
          );
      }
      expect(await schedule.curveAt(10_000n)).to.deep.equal(Object.values(CURVE).map(BigInt));
    });

    it("review L-3: lowering works: a lower initial amount, a steeper decay, or the same curve", async () => {
      const { schedule, genesis } = await loadFixture(standalone);
      await time.increaseTo(genesis + 2n * BigInt(EPOCH) + 10n); // epoch 2: changes apply from 3
      const lower = { ...CURVE, initialEpochEmission: 6_000n * TOKEN_UNIT };
      await expect(schedule.setCurve(lower))
        .to.emit(schedule, "CurveUpdated")
        .withArgs(3n, lower.initialEpochEmission, CURVE.decayBps, CURVE.epochsPerPeriod);
      expect(await schedule.scheduledAmount(3n)).to.equal(3_000n * TOKEN_UNIT);
      expect(await schedule.scheduledAmount(2n)).to.equal(4_000n * TOKEN_UNIT); // begun: unchanged
      const steeper = { ...lower, decayBps: 7_500 };
      await schedule.setCurve(steeper);
      expect(await schedule.scheduledAmount(3n)).to.equal(1_500n * TOKEN_UNIT);
      expect(await schedule.scheduledAmount(4n)).to.equal(375n * TOKEN_UNIT);
      await expect(schedule.setCurve(steeper)).to.emit(schedule, "CurveUpdated"); // the same curve again
      // undoing the lowering is a raise, refused like any other
      await expect(schedule.setCurve(lower))
        .to.be.revertedWithCustomError(schedule, "EmissionCurveRaised")
        .withArgs(3n, 3_000n * TOKEN_UNIT, 1_500n * TOKEN_UNIT);
    });

    it("error: a deployment curve out of bounds, an epoch longer than MAX_PERIOD_LENGTH", async () => {
      const { token, admin, sinkA } = await loadFixture(standalone);
      const factory = await ethers.getContractFactory("EmissionSchedule");
      const sinks = [{ account: sinkA.address, weightBps: 10_000 }];
      const deploy = (epoch: number, curve: typeof CURVE) =>
        ethers.deployContract("EmissionSchedule", [
          token.getAddress(),
          0n,
          epoch,
          MAX_EPOCH,
          TOTAL,
          curve,
          sinks,
          admin.address,
          ethers.ZeroAddress,
        ]);
      await expect(deploy(EPOCH, { ...CURVE, decayBps: 100 }))
        .to.be.revertedWithCustomError(factory, "EmissionInvalidCurve")
        .withArgs(CURVE.initialEpochEmission, 100n, CURVE.epochsPerPeriod);
      await expect(deploy(731 * DAY, CURVE)).to.be.revertedWithCustomError(factory, "EmissionInvalidBounds");
      const longest = await deploy(730 * DAY, { ...CURVE, epochsPerPeriod: 1 });
      expect((await longest.curve()).epochsPerPeriod).to.equal(1n);
    });
  });

  describe("releaseEpoch", () => {
    it("pays the sinks pro rata once the epoch has begun", async () => {
      const { schedule, token, genesis, sinkA, sinkB } = await loadFixture(standalone);
      await time.increaseTo(genesis);
      const amount = 8_000n * TOKEN_UNIT;
      await expect(schedule.releaseEpoch(0n))
        .to.emit(schedule, "EpochReleased")
        .withArgs(0n, amount, amount)
        .and.to.emit(schedule, "SinkPaid")
        .withArgs(0n, sinkA.address, (amount * 6_000n) / 10_000n);
      expect(await token.balanceOf(sinkA.address)).to.equal((amount * 6_000n) / 10_000n);
      expect(await token.balanceOf(sinkB.address)).to.equal((amount * 4_000n) / 10_000n);
      expect(await schedule.totalReleased()).to.equal(amount);
      expect(await schedule.isReleased(0n)).to.equal(true);
      expect(await schedule.releasableAmount(0n)).to.equal(0n);
    });

    it("error: an epoch that has not begun", async () => {
      const { schedule, genesis } = await loadFixture(standalone);
      await time.increaseTo(genesis + BigInt(EPOCH) - 10n);
      await expect(schedule.releaseEpoch(1n))
        .to.be.revertedWithCustomError(schedule, "EmissionEpochNotStarted")
        .withArgs(1n, genesis + BigInt(EPOCH));
    });

    it("error: releasing an epoch twice", async () => {
      const { schedule, genesis } = await loadFixture(standalone);
      await time.increaseTo(genesis);
      await schedule.releaseEpoch(0n);
      await expect(schedule.releaseEpoch(0n))
        .to.be.revertedWithCustomError(schedule, "EmissionEpochAlreadyReleased")
        .withArgs(0n);
    });

    it("catches up late epochs, skipping released ones", async () => {
      const { schedule, genesis, token, sinkA, sinkB } = await loadFixture(standalone);
      await time.increaseTo(genesis + 3n * BigInt(EPOCH));
      await schedule.releaseEpoch(1n);
      await schedule.releaseEpochs(0n, 3n);
      // 8000 + 8000 + 4000 + 4000 = 24000 <= 25000 total
      expect(await schedule.totalReleased()).to.equal(24_000n * TOKEN_UNIT);
      expect((await token.balanceOf(sinkA.address)) + (await token.balanceOf(sinkB.address))).to.equal(
        24_000n * TOKEN_UNIT,
      );
    });

    it("clamps the last releases to the total cap", async () => {
      const { schedule, genesis } = await loadFixture(standalone);
      await time.increaseTo(genesis + 5n * BigInt(EPOCH));
      await schedule.releaseEpochs(0n, 3n); // 24000
      expect(await schedule.releasableAmount(4n)).to.equal(1_000n * TOKEN_UNIT);
      await schedule.releaseEpoch(4n);
      expect(await schedule.totalReleased()).to.equal(TOTAL);
      await expect(schedule.releaseEpoch(5n)).to.emit(schedule, "EpochReleased").withArgs(5n, 0n, TOTAL);
    });

    it("error: released by an account without RELEASER_ROLE", async () => {
      const { schedule, genesis, outsider } = await loadFixture(standalone);
      await time.increaseTo(genesis);
      await expect(schedule.connect(outsider).releaseEpoch(0n))
        .to.be.revertedWithCustomError(schedule, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await schedule.RELEASER_ROLE());
    });

    it("error: the schedule holds fewer tokens than the release", async () => {
      const { schedule, genesis, token } = await loadFixture(standalone);
      const scheduleAddress = await schedule.getAddress();
      await impersonateAccount(scheduleAddress);
      await setBalance(scheduleAddress, 10n ** 18n);
      const asSchedule = await ethers.getSigner(scheduleAddress);
      await token.connect(asSchedule).transfer(ethers.ZeroAddress.replace(/0$/, "1"), TOTAL - 1n);
      await time.increaseTo(genesis);
      await expect(schedule.releaseEpoch(0n))
        .to.be.revertedWithCustomError(schedule, "EmissionInsufficientBalance")
        .withArgs(8_000n * TOKEN_UNIT, 1n);
    });
  });

  describe("pause", () => {
    it("the guardian pauses; only the admin unpauses", async () => {
      const { schedule, genesis, guardian } = await loadFixture(standalone);
      await schedule.connect(guardian).pause();
      await time.increaseTo(genesis);
      await expect(schedule.releaseEpoch(0n)).to.be.revertedWithCustomError(schedule, "EnforcedPause");
      await expect(schedule.connect(guardian).unpause())
        .to.be.revertedWithCustomError(schedule, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, ethers.ZeroHash);
      await schedule.unpause();
      await expect(schedule.releaseEpoch(0n)).to.emit(schedule, "EpochReleased");
    });

    it("error: the guardian cannot change sinks or curve", async () => {
      const { schedule, guardian } = await loadFixture(standalone);
      await expect(schedule.connect(guardian).setSinks([{ account: guardian.address, weightBps: 10_000 }]))
        .to.be.revertedWithCustomError(schedule, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, ethers.ZeroHash);
      await expect(schedule.connect(guardian).setCurve(CURVE)).to.be.revertedWithCustomError(
        schedule,
        "AccessControlUnauthorizedAccount",
      );
    });

    it("error: an outsider cannot pause", async () => {
      const { schedule, outsider } = await loadFixture(standalone);
      await expect(schedule.connect(outsider).pause())
        .to.be.revertedWithCustomError(schedule, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await schedule.GUARDIAN_ROLE());
    });
  });

  describe("governance parameters", () => {
    it("replaces the sinks", async () => {
      const { schedule, sinkA, outsider } = await loadFixture(standalone);
      const next = [
        { account: sinkA.address, weightBps: 2_500 },
        { account: outsider.address, weightBps: 7_500 },
      ];
      await expect(schedule.setSinks(next)).to.emit(schedule, "SinksUpdated");
      const stored = await schedule.sinks();
      expect(stored.map((s) => [s.account, s.weightBps])).to.deep.equal(
        next.map((s) => [s.account, BigInt(s.weightBps)]),
      );
    });

    it("error: sinks whose weights do not sum to 10000, duplicates, zero address, none", async () => {
      const { schedule, sinkA, sinkB } = await loadFixture(standalone);
      const bad = [
        [{ account: sinkA.address, weightBps: 9_999 }],
        [
          { account: sinkA.address, weightBps: 5_000 },
          { account: sinkA.address, weightBps: 5_000 },
        ],
        [{ account: ethers.ZeroAddress, weightBps: 10_000 }],
        [
          { account: sinkA.address, weightBps: 10_000 },
          { account: sinkB.address, weightBps: 0 },
        ],
        [],
      ];
      for (const sinks of bad) {
        await expect(schedule.setSinks(sinks)).to.be.revertedWithCustomError(
          schedule,
          "EmissionInvalidSinks",
        );
      }
    });

    it("error: a curve above the per-epoch cap or with decay >= 100 %", async () => {
      const { schedule } = await loadFixture(standalone);
      await expect(schedule.setCurve({ ...CURVE, initialEpochEmission: MAX_EPOCH + 1n }))
        .to.be.revertedWithCustomError(schedule, "EmissionInvalidCurve")
        .withArgs(MAX_EPOCH + 1n, CURVE.decayBps, CURVE.epochsPerPeriod);
      await expect(schedule.setCurve({ ...CURVE, decayBps: 10_000 })).to.be.revertedWithCustomError(
        schedule,
        "EmissionInvalidCurve",
      );
      await expect(schedule.setCurve({ ...CURVE, epochsPerPeriod: 0 })).to.be.revertedWithCustomError(
        schedule,
        "EmissionInvalidCurve",
      );
    });

    it("error: constructor bounds (epoch shorter than a day, cap below per-epoch cap)", async () => {
      const { token, admin, sinkA } = await loadFixture(standalone);
      const sinks = [{ account: sinkA.address, weightBps: 10_000 }];
      const factory = await ethers.getContractFactory("EmissionSchedule");
      const args = (epoch: number, max: bigint, total: bigint) => [
        token.getAddress(),
        0n,
        epoch,
        max,
        total,
        CURVE,
        sinks,
        admin.address,
        ethers.ZeroAddress,
      ];
      await expect(
        ethers.deployContract("EmissionSchedule", args(DAY - 1, MAX_EPOCH, TOTAL)),
      ).to.be.revertedWithCustomError(factory, "EmissionInvalidBounds");
      await expect(
        ethers.deployContract("EmissionSchedule", args(DAY, MAX_EPOCH, MAX_EPOCH - 1n)),
      ).to.be.revertedWithCustomError(factory, "EmissionInvalidBounds");
    });
  });
});
