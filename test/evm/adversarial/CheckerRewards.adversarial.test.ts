// CheckerRewards against a reward token with transfer hooks (re-entering claim) and against
// reward tokens that answer false or nothing. The licence holder is a contract (ReentrantProbe),
// so the re-entered claim comes from the one account allowed to claim.
import { expect } from "chai";
import { parseEther, type Interface } from "ethers";
import { network } from "hardhat";

import { rewardsTree } from "../../../src/evm/rewards.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const R = (n: string) => parseEther(n);
const BEFORE = 0;
const AFTER = 1;

function errorName(iface: Interface, data: string) {
  return iface.parseError(data)?.name;
}

/** Rewards paid in `tokenName` over a real licence; licences 1-2 held by a contract; epoch 1
 *  (10 to licence 1, 20 to licence 2) posted and open. */
async function deploy(tokenName: "HookToken" | "ReturnFalseToken" | "NoReturnToken") {
  const [admin] = await ethers.getSigners();
  const token = await ethers.deployContract(tokenName);
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
  await license.grantRole(await license.MINTER_ROLE(), admin.address);
  const holder = await ethers.deployContract("ReentrantProbe");
  const holderAddress = await holder.getAddress();
  await license.mint(holderAddress, 2n, 0);
  const rewards = await ethers.deployContract("CheckerRewards", [
    await token.getAddress(),
    await license.getAddress(),
    R("1000"),
    7 * 86_400,
    0, // no claim delay: open at once
    86_400,
    admin.address,
  ]);
  const rewardsAddress = await rewards.getAddress();
  await rewards.grantRole(await rewards.REWARD_ROLE(), admin.address);
  await token.mint(rewardsAddress, R("100"));
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const tree = rewardsTree({ chainId, rewards: rewardsAddress, epoch: 1n }, [
    { tokenId: 1n, amount: R("10") },
    { tokenId: 2n, amount: R("20") },
  ]);
  await rewards.postEpoch(1n, tree.root, R("30"));
  const claimOf = (tokenId: bigint) => {
    for (const [i, [, , epoch, id, amount]] of tree.entries()) {
      if (id === tokenId) return { epoch, tokenId, amount, proof: tree.getProof(i) };
    }
    throw new Error(`licence ${tokenId} not in tree`);
  };
  const claimData = (...ids: bigint[]) =>
    rewards.interface.encodeFunctionData("claim", [ids.map((tokenId) => claimOf(tokenId))]);
  /** The holder's `execute(rewards, claim(ids))`, as calldata to the holder. */
  const asHolder = (...ids: bigint[]) =>
    holder.interface.encodeFunctionData("execute", [rewardsAddress, claimData(...ids)]);
  return { token, license, rewards, rewardsAddress, holder, holderAddress, claimData, asHolder };
}

const hookRewards = async () => {
  const d = await deploy("HookToken");
  return { ...d, hook: await ethers.getContractAt("HookToken", await d.token.getAddress()) };
};

const returnFalseRewards = () => deploy("ReturnFalseToken");
const noReturnRewards = () => deploy("NoReturnToken");

describe("CheckerRewards: adversarial reward tokens", () => {
  for (const [phase, name] of [
    [BEFORE, "before"],
    [AFTER, "after"],
  ] as const) {
    it(`error: the holder re-entering claim (same proof) from the payout's ${name}-transfer hook is paid once`, async () => {
      const d = await loadFixture(hookRewards);
      await d.hook.setHook(phase, d.holderAddress, d.rewardsAddress, d.asHolder(1n), true);
      await d.holder.execute(d.rewardsAddress, d.claimData(1n));
      expect(errorName(d.rewards.interface, await d.hook.lastHookRevert())).to.equal(
        "ReentrancyGuardReentrantCall",
      );
      expect(await d.token.balanceOf(d.holderAddress)).to.equal(R("10"));
      expect(await d.token.balanceOf(d.rewardsAddress)).to.equal(R("90"));
      expect(await d.rewards.totalClaimed()).to.equal(R("10"));
      expect((await d.rewards.epochs(1n)).claimed).to.equal(R("10"));
      await expect(d.holder.execute(d.rewardsAddress, d.claimData(1n)))
        .to.be.revertedWithCustomError(d.rewards, "RewardsAlreadyClaimed")
        .withArgs(1n, 1n);
    });
  }

  it("error: a claim re-entered for another licence is refused; that licence stays claimable, once", async () => {
    const d = await loadFixture(hookRewards);
    await d.hook.setHook(AFTER, d.holderAddress, d.rewardsAddress, d.asHolder(2n), true);
    await d.holder.execute(d.rewardsAddress, d.claimData(1n));
    expect(errorName(d.rewards.interface, await d.hook.lastHookRevert())).to.equal(
      "ReentrancyGuardReentrantCall",
    );
    expect(await d.rewards.isClaimed(1n, 2n)).to.equal(false);
    await d.holder.execute(d.rewardsAddress, d.claimData(2n));
    expect(await d.token.balanceOf(d.holderAddress)).to.equal(R("30"));
    expect(await d.rewards.totalClaimed()).to.equal(R("30"));
  });

  it("error: a hook that fails the payout with the guard's error reverts the whole batch; nothing is marked claimed", async () => {
    const d = await loadFixture(hookRewards);
    await d.hook.setHook(BEFORE, d.holderAddress, d.rewardsAddress, d.asHolder(2n), false);
    await expect(d.holder.execute(d.rewardsAddress, d.claimData(1n, 2n))).to.be.revertedWithCustomError(
      d.rewards,
      "ReentrancyGuardReentrantCall",
    );
    expect(await d.rewards.isClaimed(1n, 1n)).to.equal(false);
    expect(await d.rewards.isClaimed(1n, 2n)).to.equal(false);
    expect(await d.rewards.totalClaimed()).to.equal(0n);
    expect(await d.token.balanceOf(d.rewardsAddress)).to.equal(R("100"));
  });

  it("error: a reward token whose transfer returns false: the claim reverts with SafeERC20FailedOperation, unclaimed", async () => {
    const d = await loadFixture(returnFalseRewards);
    const rf = await ethers.getContractAt("ReturnFalseToken", await d.token.getAddress());
    await rf.setFailing(true);
    await expect(d.holder.execute(d.rewardsAddress, d.claimData(1n)))
      .to.be.revertedWithCustomError(d.rewards, "SafeERC20FailedOperation")
      .withArgs(await d.token.getAddress());
    expect(await d.rewards.isClaimed(1n, 1n)).to.equal(false);
    await rf.setFailing(false);
    await d.holder.execute(d.rewardsAddress, d.claimData(1n));
    expect(await d.token.balanceOf(d.holderAddress)).to.equal(R("10"));
  });

  it("a USDT-style reward token (no return value) pays claims to the unit", async () => {
    const d = await loadFixture(noReturnRewards);
    await d.holder.execute(d.rewardsAddress, d.claimData(1n, 2n));
    expect(await d.token.balanceOf(d.holderAddress)).to.equal(R("30"));
    expect(await d.token.balanceOf(d.rewardsAddress)).to.equal(R("70"));
    expect(await d.rewards.totalClaimed()).to.equal(R("30"));
  });
});
