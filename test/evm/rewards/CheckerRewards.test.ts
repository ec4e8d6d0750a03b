import { expect } from "chai";
import { parseEther } from "ethers";
import { network } from "hardhat";

import { rewardsTree, type EpochDomain } from "../../../src/evm/rewards.js";
import { buyLicences, deployArbitrumFromConfig } from "../fixtures.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const R = (n: string) => parseEther(n);

/** Licences 1-2 (holder), 3 (other); the rewards contract funded with 1000 bridged tokens; epoch 1 posted. */
async function posted() {
  const d = await deployArbitrumFromConfig(connection);
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
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const rewardsAddress = await d.rewards.getAddress();
  /** The domain every leaf of `epoch` commits to, on this chain and this contract. */
  const at = (epoch: bigint): EpochDomain => ({ chainId, rewards: rewardsAddress, epoch });
  const epoch1 = rewardsTree(at(1n), [
    { tokenId: 1n, amount: R("10") },
    { tokenId: 2n, amount: R("20") },
    { tokenId: 3n, amount: R("5") },
  ]);
  await d.rewards.connect(poster).postEpoch(1n, epoch1.root, R("35"));
  const cap = parseEther(d.config.rewards.maxRewardsPerPeriod);
  return { ...d, holder, other, operator, poster, gateway, chainId, at, epoch1, cap };
}

/** The claim of `tokenId` in `tree`, under `epoch` (by default the epoch the tree was built for). */
function claimOf(tree: ReturnType<typeof rewardsTree>, tokenId: bigint, epoch?: bigint) {
  for (const [i, [, , treeEpoch, id, amount]] of tree.entries()) {
    if (id === tokenId)
      return {
        epoch: epoch ?? (treeEpoch as bigint),
        tokenId,
        amount: amount as bigint,
        proof: tree.getProof(i),
      };
  }
  throw new Error(`licence ${tokenId} not in tree`);
}

describe("CheckerRewards", () => {
  it("error: claims before the epoch opens", async () => {
    const d = await loadFixture(posted);
    const [, , opensAt] = await d.rewards.epochs(1n);
    await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsEpochNotOpen")
      .withArgs(1n, opensAt);
  });

  it("error: claims in an epoch never posted (RewardsEpochNotOpen, at any time)", async () => {
    const d = await loadFixture(posted);
    // a leaf of a tree the poster never posted, claimed long after any window would have closed
    const never = rewardsTree(d.at(9n), [{ tokenId: 1n, amount: R("1") }]);
    await time.increase(365n * 86_400n);
    await expect(d.rewards.connect(d.holder).claim([claimOf(never, 1n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsEpochNotOpen")
      .withArgs(9n, 0n);
  });

  it("the operator claims several licences for the holder; the holder is paid", async () => {
    const d = await loadFixture(posted);
    await d.license.connect(d.holder).setOperator([1n, 2n], d.operator.address);
    await time.increase(d.config.rewards.claimDelaySeconds);
    await expect(d.rewards.connect(d.operator).claim([claimOf(d.epoch1, 1n), claimOf(d.epoch1, 2n)]))
      .to.emit(d.rewards, "RewardClaimed")
      .withArgs(1n, 1n, d.holder.address, R("10"));
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("30"));
    expect(await d.token.balanceOf(d.operator.address)).to.equal(0n);
    expect(await d.rewards.isClaimed(1n, 2n)).to.equal(true);
  });

  /** Licences 1-3 operated by `operator`, the claim delay passed; `claim` returns the token transfers of a batch. */
  async function operatedBatch() {
    const d = await loadFixture(posted);
    await d.license.connect(d.holder).setOperator([1n, 2n], d.operator.address);
    await d.license.connect(d.other).setOperator([3n], d.operator.address);
    await time.increase(d.config.rewards.claimDelaySeconds);
    const claim = async (ids: bigint[]) => {
      const receipt = await (
        await d.rewards.connect(d.operator).claim(ids.map((id) => claimOf(d.epoch1, id)))
      ).wait();
      return receipt!.logs
        .map((l) => d.token.interface.parseLog(l))
        .filter((e) => e?.name === "Transfer")
        .map((e) => [e!.args.from, e!.args.to, e!.args.value]);
    };
    return { ...d, claim, rewards: await d.rewards.getAddress() };
  }

  it("a batch pays each run of one holder's licences with one transfer", async () => {
    const d = await operatedBatch();
    expect(await d.claim([1n, 2n, 3n])).to.deep.equal([
      [d.rewards, d.holder.address, R("30")],
      [d.rewards, d.other.address, R("5")],
    ]);
  });

  it("a holder's licences apart in a batch are separate runs, each paid to its own holder", async () => {
    const d = await operatedBatch();
    expect(await d.claim([1n, 3n, 2n])).to.deep.equal([
      [d.rewards, d.holder.address, R("10")],
      [d.rewards, d.other.address, R("5")],
      [d.rewards, d.holder.address, R("20")],
    ]);
  });

  it("error: an epoch whose tree sums above its posted total pays out no more than the total", async () => {
    const d = await loadFixture(posted);
    // a faulty tree: 10 + 20 + 5 = 35 to claim, 30 posted
    const epoch2 = rewardsTree(d.at(2n), [
      { tokenId: 1n, amount: R("10") },
      { tokenId: 2n, amount: R("20") },
      { tokenId: 3n, amount: R("5") },
    ]);
    await d.rewards.connect(d.poster).postEpoch(2n, epoch2.root, R("30"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    await d.rewards.connect(d.holder).claim([claimOf(epoch2, 1n), claimOf(epoch2, 2n)]);
    await expect(d.rewards.connect(d.other).claim([claimOf(epoch2, 3n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsEpochOverclaimed")
      .withArgs(2n);
    expect((await d.rewards.epochs(2n)).claimed).to.equal(R("30"));
  });

  it("an empty batch, or a batch of another epoch, leaves epoch 0 untouched", async () => {
    const d = await loadFixture(posted);
    const epoch0 = rewardsTree(d.at(0n), [{ tokenId: 1n, amount: R("4") }]);
    await d.rewards.connect(d.poster).postEpoch(0n, epoch0.root, R("4"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    const before = await d.rewards.epochs(0n);
    await d.rewards.connect(d.other).claim([]);
    expect(await d.rewards.epochs(0n)).to.deep.equal(before);
    // nor does a batch of another epoch
    await d.rewards.connect(d.other).claim([claimOf(d.epoch1, 3n)]);
    expect(await d.rewards.epochs(0n)).to.deep.equal(before);
    await d.rewards.connect(d.holder).claim([claimOf(epoch0, 1n)]);
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("4"));
  });

  it("claims several epochs in one call", async () => {
    const d = await loadFixture(posted);
    const epoch2 = rewardsTree(d.at(2n), [{ tokenId: 1n, amount: R("7") }]);
    await d.rewards.connect(d.poster).postEpoch(2n, epoch2.root, R("7"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    await d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n), claimOf(epoch2, 1n)]);
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("17"));
    // each epoch of the batch keeps its own account of what was claimed from it
    expect((await d.rewards.epochs(1n)).claimed).to.equal(R("10"));
    expect((await d.rewards.epochs(2n)).claimed).to.equal(R("7"));
  });

  it("claims several epochs in one call in any order, a later epoch first", async () => {
    const d = await loadFixture(posted);
    const epoch2 = rewardsTree(d.at(2n), [{ tokenId: 1n, amount: R("7") }]);
    await d.rewards.connect(d.poster).postEpoch(2n, epoch2.root, R("7"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    // the batch goes back from epoch 2 to epoch 1: epoch 1's claim is checked against epoch 1
    await d.rewards.connect(d.holder).claim([claimOf(epoch2, 1n), claimOf(d.epoch1, 1n)]);
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("17"));
    expect((await d.rewards.epochs(1n)).claimed).to.equal(R("10"));
    expect((await d.rewards.epochs(2n)).claimed).to.equal(R("7"));
  });

  it("a zero-amount leaf is marked claimed without a transfer", async () => {
    const d = await loadFixture(posted);
    const epoch2 = rewardsTree(d.at(2n), [
      { tokenId: 1n, amount: 0n },
      { tokenId: 2n, amount: R("5") },
    ]);
    await d.rewards.connect(d.poster).postEpoch(2n, epoch2.root, R("5"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    await expect(d.rewards.connect(d.holder).claim([claimOf(epoch2, 1n)])).not.to.emit(d.token, "Transfer");
    expect(await d.rewards.isClaimed(2n, 1n)).to.equal(true);
  });

  it("error: double claim", async () => {
    const d = await loadFixture(posted);
    await time.increase(d.config.rewards.claimDelaySeconds);
    await d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)]);
    await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyClaimed")
      .withArgs(1n, 1n);
  });

  it("error: someone else's licence, a wrong amount", async () => {
    const d = await loadFixture(posted);
    await time.increase(d.config.rewards.claimDelaySeconds);
    await expect(d.rewards.connect(d.other).claim([claimOf(d.epoch1, 1n)]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsNotHolderOrOperator")
      .withArgs(1n, d.other.address);
    const forged = { ...claimOf(d.epoch1, 3n), amount: R("500") };
    await expect(d.rewards.connect(d.other).claim([forged]))
      .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidProof")
      .withArgs(1n, 3n, R("500"));
  });

  it("replaces a root before it opens, never after", async () => {
    const d = await loadFixture(posted);
    const fixed = rewardsTree(d.at(1n), [{ tokenId: 1n, amount: R("11") }]);
    await d.rewards.connect(d.poster).postEpoch(1n, fixed.root, R("11"));
    expect(await d.rewards.totalPosted()).to.equal(R("11"));
    await time.increase(d.config.rewards.claimDelaySeconds);
    const [, , opensAt] = await d.rewards.epochs(1n);
    await expect(d.rewards.connect(d.poster).postEpoch(1n, d.epoch1.root, R("35")))
      .to.be.revertedWithCustomError(d.rewards, "RewardsEpochAlreadyOpen")
      .withArgs(1n, opensAt);
    await d.rewards.connect(d.holder).claim([claimOf(fixed, 1n)]);
    expect(await d.token.balanceOf(d.holder.address)).to.equal(R("11"));
  });

  it("error: unfunded, by a non-poster", async () => {
    const d = await loadFixture(posted);
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
    await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)])).to.be.revertedWithCustomError(
      d.rewards,
      "EnforcedPause",
    );
  });

  it("error: deployed with a zero period or a claim window under a day", async () => {
    const d = await loadFixture(posted);
    const r = d.config.rewards;
    const args = (period: number, window: number) => [
      d.addresses.token,
      d.addresses.license,
      d.cap,
      period,
      r.claimDelaySeconds,
      window,
      d.signers[0].address,
    ];
    await expect(ethers.deployContract("CheckerRewards", args(0, r.claimWindowSeconds)))
      .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidPeriodLength")
      .withArgs(0n);
    await expect(ethers.deployContract("CheckerRewards", args(r.periodSeconds, 86_399)))
      .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidClaimWindow")
      .withArgs(86_399n, 86_400n);
  });

  describe("finding 10-L: the rewards cap is per period, not per epoch", () => {
    it("finding 10-L: posting many epochs within one period beyond the period cap reverts", async () => {
      const d = await loadFixture(posted);
      await d.token.connect(d.gateway).bridgeMint(await d.rewards.getAddress(), 3n * d.cap);
      const period = await d.rewards.currentPeriod();
      // epoch 1 holds 35; many small epochs fill the rest of the period's cap exactly
      const slice = (d.cap - R("35")) / 4n;
      for (let epoch = 2n; epoch <= 5n; epoch++) {
        await d.rewards.connect(d.poster).postEpoch(epoch, d.epoch1.root, slice);
      }
      const used = R("35") + 4n * slice;
      expect(await d.rewards.postedInPeriod(period)).to.equal(used);
      // one more epoch in the same period, however small, is refused although the pool could pay it
      await expect(d.rewards.connect(d.poster).postEpoch(6n, d.epoch1.root, d.cap - used + 1n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsPeriodCapExceeded")
        .withArgs(period, d.cap + 1n, d.cap);
      // the next period has its own cap
      await time.increase(await d.rewards.periodLength());
      await d.rewards.connect(d.poster).postEpoch(6n, d.epoch1.root, d.cap);
      expect(await d.rewards.postedInPeriod(period + 1n)).to.equal(d.cap);
    });

    it("finding 10-L: a replaced root frees its old total in the period cap", async () => {
      const d = await loadFixture(posted);
      await d.token.connect(d.gateway).bridgeMint(await d.rewards.getAddress(), d.cap);
      const period = await d.rewards.currentPeriod();
      await d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, d.cap - R("35"));
      await expect(d.rewards.connect(d.poster).postEpoch(3n, d.epoch1.root, R("1")))
        .to.be.revertedWithCustomError(d.rewards, "RewardsPeriodCapExceeded")
        .withArgs(period, d.cap + R("1"), d.cap);
      // epoch 2 replaced (before it opens) by a smaller root: its old total no longer counts
      await d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, R("100"));
      expect(await d.rewards.postedInPeriod(period)).to.equal(R("135"));
      await d.rewards.connect(d.poster).postEpoch(3n, d.epoch1.root, d.cap - R("135"));
      expect(await d.rewards.postedInPeriod(period)).to.equal(d.cap);
    });

    it("a root replaced in the next period moves its total to that period", async () => {
      const d = await loadFixture(posted);
      const period = await d.rewards.currentPeriod();
      const length = await d.rewards.periodLength();
      const nextStart = (await d.rewards.periodStart()) + (period + 1n) * length;
      await time.setNextBlockTimestamp(nextStart - 1n);
      await d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, R("100"));
      expect(await d.rewards.postedInPeriod(period)).to.equal(R("135"));
      await time.setNextBlockTimestamp(nextStart); // still before epoch 2 opens
      await d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, R("60"));
      expect(await d.rewards.postedInPeriod(period)).to.equal(R("35"));
      expect(await d.rewards.postedInPeriod(period + 1n)).to.equal(R("60"));
      expect((await d.rewards.epochs(2n))[5]).to.equal(period + 1n);
    });
  });

  describe("finding 18-L (replay): leaves commit to chain, contract and epoch", () => {
    it("finding 18-L (replay): a proof of epoch N is rejected under epoch N+1", async () => {
      const d = await loadFixture(posted);
      // last epoch's file posted again under a new number
      await d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, R("35"));
      await time.increase(d.config.rewards.claimDelaySeconds);
      await d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)]);
      const replayed = claimOf(d.epoch1, 1n, 2n);
      await expect(d.rewards.connect(d.holder).claim([replayed]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidProof")
        .withArgs(2n, 1n, R("10"));
      expect(await d.token.balanceOf(d.holder.address)).to.equal(R("10"));
    });

    it("finding 18-L (replay): a proof for another contract or another chain is rejected", async () => {
      const d = await loadFixture(posted);
      const r = d.config.rewards;
      const twin = await ethers.deployContract("CheckerRewards", [
        await d.token.getAddress(),
        await d.license.getAddress(),
        d.cap,
        r.periodSeconds,
        r.claimDelaySeconds,
        r.claimWindowSeconds,
        d.signers[0].address,
      ]);
      await twin.grantRole(await twin.REWARD_ROLE(), d.poster.address);
      await d.token.connect(d.gateway).bridgeMint(await twin.getAddress(), R("1000"));
      // epoch 1's file, built for the first contract, posted on its twin
      await twin.connect(d.poster).postEpoch(1n, d.epoch1.root, R("35"));
      // a file built for another chain, posted on the first contract
      const otherChain = rewardsTree({ ...d.at(2n), chainId: d.chainId + 1n }, [
        { tokenId: 1n, amount: R("10") },
      ]);
      await d.rewards.connect(d.poster).postEpoch(2n, otherChain.root, R("10"));
      await time.increase(r.claimDelaySeconds);
      await expect(twin.connect(d.holder).claim([claimOf(d.epoch1, 1n)]))
        .to.be.revertedWithCustomError(twin, "RewardsInvalidProof")
        .withArgs(1n, 1n, R("10"));
      await expect(d.rewards.connect(d.holder).claim([claimOf(otherChain, 1n)]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsInvalidProof")
        .withArgs(2n, 1n, R("10"));
    });
  });

  describe("finding 18-L (locked rewards): burned licences and unclaimed rewards", () => {
    it("finding 18-L (locked rewards): a burned licence is skipped, the rest of the batch is paid", async () => {
      const d = await loadFixture(posted);
      await time.increase(d.config.rewards.claimDelaySeconds);
      await d.license.connect(d.holder).burn(2n);
      await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 2n), claimOf(d.epoch1, 1n)]))
        .to.emit(d.rewards, "RewardSkipped")
        .withArgs(1n, 2n)
        .and.to.emit(d.rewards, "RewardClaimed")
        .withArgs(1n, 1n, d.holder.address, R("10"));
      expect(await d.token.balanceOf(d.holder.address)).to.equal(R("10"));
      expect(await d.rewards.isClaimed(1n, 2n)).to.equal(false);
      expect(await d.rewards.totalClaimed()).to.equal(R("10"));
    });

    it("finding 18-L (locked rewards): claims after the claim window fail with a named error", async () => {
      const d = await loadFixture(posted);
      const [, , opensAt, expiresAt] = await d.rewards.epochs(1n);
      expect(expiresAt).to.equal(opensAt + BigInt(d.config.rewards.claimWindowSeconds));
      await time.setNextBlockTimestamp(expiresAt - 1n);
      await d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)]); // the window's last second
      await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 2n)]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochExpired")
        .withArgs(1n, expiresAt);
    });

    it("finding 18-L (locked rewards): closeEpoch releases the unclaimed remainder to be posted again", async () => {
      const d = await loadFixture(posted);
      await time.increase(d.config.rewards.claimDelaySeconds);
      await d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)]);
      await d.license.connect(d.holder).burn(2n); // its 20 could never be claimed
      // 990 held, 25 still reserved for epoch 1
      await expect(d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, R("990")))
        .to.be.revertedWithCustomError(d.rewards, "RewardsUnderfunded")
        .withArgs(R("1015"), R("990"));
      const [, , , expiresAt] = await d.rewards.epochs(1n);
      await time.increaseTo(expiresAt);
      // anyone may close an expired epoch: the remainder goes back to the pool, not to the caller
      await expect(d.rewards.connect(d.other).closeEpoch(1n))
        .to.emit(d.rewards, "EpochClosed")
        .withArgs(1n, R("25"));
      expect(await d.rewards.totalReleased()).to.equal(R("25"));
      expect(await d.token.balanceOf(d.other.address)).to.equal(0n);
      await d.rewards.connect(d.poster).postEpoch(2n, d.epoch1.root, R("990"));
      expect(await d.token.balanceOf(await d.rewards.getAddress())).to.equal(
        (await d.rewards.totalPosted()) -
          (await d.rewards.totalClaimed()) -
          (await d.rewards.totalReleased()),
      );
    });

    it("error: closeEpoch before expiry, twice, while paused, or of an epoch never posted", async () => {
      const d = await loadFixture(posted);
      const [, , , expiresAt] = await d.rewards.epochs(1n);
      await expect(d.rewards.closeEpoch(1n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochNotExpired")
        .withArgs(1n, expiresAt);
      await expect(d.rewards.closeEpoch(9n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochNotPosted")
        .withArgs(9n);
      await time.increaseTo(expiresAt);
      await d.rewards.pause();
      await expect(d.rewards.closeEpoch(1n)).to.be.revertedWithCustomError(d.rewards, "EnforcedPause");
      await d.rewards.unpause();
      await d.rewards.closeEpoch(1n);
      await expect(d.rewards.closeEpoch(1n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochClosed")
        .withArgs(1n);
      await expect(d.rewards.connect(d.poster).postEpoch(1n, d.epoch1.root, R("35")))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochAlreadyOpen")
        .withArgs(1n, (await d.rewards.epochs(1n))[2]);
    });
  });

  describe("review L-1: a pause does not run down an epoch's claim window", () => {
    it("review L-1: a pause across expiry, then unpause: the holder still claims for the time paused", async () => {
      const d = await loadFixture(posted);
      const [, , , expiresAt] = await d.rewards.epochs(1n);
      // paused an hour before the window ends, unpaused a day after it would have ended
      await time.setNextBlockTimestamp(expiresAt - 3_600n);
      await d.rewards.pause();
      await time.setNextBlockTimestamp(expiresAt + 86_400n);
      await d.rewards.unpause();
      const paused = 3_600n + 86_400n;
      // the hour that was left when the pause began is still there
      await time.setNextBlockTimestamp(expiresAt + paused - 1n);
      await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 1n)]))
        .to.emit(d.rewards, "RewardClaimed")
        .withArgs(1n, 1n, d.holder.address, R("10"));
      expect(await d.rewards.expiryOf(1n)).to.equal(expiresAt + paused);
      await expect(d.rewards.connect(d.holder).claim([claimOf(d.epoch1, 2n)]))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochExpired")
        .withArgs(1n, expiresAt + paused);
    });

    it("review L-1: closeEpoch is refused until the expiry extended by the time paused", async () => {
      const d = await loadFixture(posted);
      const [, , , expiresAt] = await d.rewards.epochs(1n);
      await time.setNextBlockTimestamp(expiresAt - 100n);
      await d.rewards.pause();
      await time.setNextBlockTimestamp(expiresAt + 5_000n);
      await d.rewards.unpause(); // 5 100 s paused
      const expiry = expiresAt + 5_100n;
      await expect(d.rewards.connect(d.other).closeEpoch(1n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochNotExpired")
        .withArgs(1n, expiry);
      expect(await d.rewards.expiryOf(1n)).to.equal(expiry);
      await time.setNextBlockTimestamp(expiry - 1n);
      await expect(d.rewards.connect(d.other).closeEpoch(1n))
        .to.be.revertedWithCustomError(d.rewards, "RewardsEpochNotExpired")
        .withArgs(1n, expiry);
      await time.setNextBlockTimestamp(expiry);
      await expect(d.rewards.connect(d.other).closeEpoch(1n))
        .to.emit(d.rewards, "EpochClosed")
        .withArgs(1n, R("35"));
    });

    it("review L-1: only pauses after an epoch was posted extend it; one posted during a pause counts the rest of it", async () => {
      const d = await loadFixture(posted);
      // a pause and unpause before epoch 2 is posted does not extend it...
      const t0 = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(t0);
      await d.rewards.pause();
      await time.setNextBlockTimestamp(t0 + 1_000n);
      await d.rewards.unpause();
      const epoch2 = rewardsTree(d.at(2n), [{ tokenId: 1n, amount: R("7") }]);
      await d.rewards.connect(d.poster).postEpoch(2n, epoch2.root, R("7"));
      expect(await d.rewards.expiryOf(2n)).to.equal((await d.rewards.epochs(2n))[3]);
      // ...but extends epoch 1, posted before it
      const pausedBefore = await d.rewards.pausedTime();
      expect(await d.rewards.expiryOf(1n)).to.equal((await d.rewards.epochs(1n))[3] + pausedBefore);
      expect(pausedBefore).to.equal(1_000n);
      // epoch 3, posted while paused, counts only the part of the pause after its posting
      const t1 = t0 + 5_000n;
      await time.setNextBlockTimestamp(t1);
      await d.rewards.pause();
      const epoch3 = rewardsTree(d.at(3n), [{ tokenId: 1n, amount: R("3") }]);
      await time.setNextBlockTimestamp(t1 + 500n);
      await d.rewards.connect(d.poster).postEpoch(3n, epoch3.root, R("3"));
      await time.setNextBlockTimestamp(t1 + 2_500n);
      await d.rewards.unpause();
      expect(await d.rewards.expiryOf(3n)).to.equal((await d.rewards.epochs(3n))[3] + 2_000n);
      // while paused, the expiry keeps moving with the clock
      await time.setNextBlockTimestamp(t1 + 3_000n);
      await d.rewards.pause();
      await time.increaseTo(t1 + 3_300n);
      expect(await d.rewards.expiryOf(3n)).to.equal((await d.rewards.epochs(3n))[3] + 2_300n);
      expect(await d.rewards.pausedTime()).to.equal(1_000n + 2_500n + 300n);
      // an epoch never posted has no expiry
      expect(await d.rewards.expiryOf(9n)).to.equal(0n);
    });
  });

  describe("review I-1: only a licence that does not exist is skipped", () => {
    /** A rewards contract over a licence whose `ownersOf` misbehaves as told; epoch 1 pays licence 1. */
    async function overMisbehavingLicence() {
      const [admin, holder] = await ethers.getSigners();
      const token = await ethers.deployContract("MockStablecoin");
      const license = await ethers.deployContract("MisbehavingLicense", [holder.address]);
      const rewards = await ethers.deployContract("CheckerRewards", [
        await token.getAddress(),
        await license.getAddress(),
        R("1000"),
        7 * 86_400,
        0,
        86_400,
        admin.address,
      ]);
      await rewards.grantRole(await rewards.REWARD_ROLE(), admin.address);
      await token.mint(await rewards.getAddress(), R("100"));
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const tree = rewardsTree({ chainId, rewards: await rewards.getAddress(), epoch: 1n }, [
        { tokenId: 1n, amount: R("10") },
        { tokenId: 2n, amount: R("20") },
      ]);
      await rewards.postEpoch(1n, tree.root, R("30"));
      return { token, license, rewards, tree, holder };
    }

    it("review I-1: a live licence whose ownersOf runs out of gas fails the claim, it is not skipped", async () => {
      const m = await loadFixture(overMisbehavingLicence);
      await m.license.setMode(3);
      // anyone replaying the holder's public proof with a gas limit too tight for the lookup
      await expect(
        m.rewards.claim([claimOf(m.tree, 1n)], { gasLimit: 1_000_000n }),
      ).to.be.revertedWithoutReason(ethers);
      expect(await m.rewards.isClaimed(1n, 1n)).to.equal(false);
      // with ownersOf answering again, the holder is paid
      await m.license.setMode(0);
      await expect(m.rewards.connect(m.holder).claim([claimOf(m.tree, 1n)])).to.changeTokenBalance(
        ethers,
        m.token,
        m.holder,
        R("10"),
      );
    });

    it("review I-1: ownersOf reverting fails the claim with its error", async () => {
      const m = await loadFixture(overMisbehavingLicence);
      await m.license.setMode(2);
      await expect(m.rewards.connect(m.holder).claim([claimOf(m.tree, 2n)]))
        .to.be.revertedWithCustomError(m.license, "SomethingElse")
        .withArgs(2n);
    });

    it("review I-1: a licence ownersOf says does not exist (zero owner) is skipped", async () => {
      const m = await loadFixture(overMisbehavingLicence);
      await m.license.setMode(1);
      await expect(m.rewards.connect(m.holder).claim([claimOf(m.tree, 1n), claimOf(m.tree, 2n)]))
        .to.emit(m.rewards, "RewardSkipped")
        .withArgs(1n, 2n);
      expect(await m.rewards.totalClaimed()).to.equal(0n);
    });
  });
});
