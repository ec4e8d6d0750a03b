// The claim side of `npm run bench:epoch`: gas of CheckerRewards.claim for one licence whose proof
// comes from an epoch artifact of 10^3 and of 10^6 leaves, on Hardhat's in-process EVM.
//   npx hardhat run scripts/bench/epoch-gas.ts        (EPOCH_GAS_SIZES=1000,1000000 by default)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { parseEther } from "ethers";
import { network } from "hardhat";

import { prng } from "../../src/epoch/generate.js";
import { Currency, deployArbitrum, loadLicenseConfig, resolveRef } from "../../src/evm/arbitrum.js";
import { openRewardsEpoch, writeRewardsEpoch } from "../../src/evm/rewards.js";

const sizes = (process.env.EPOCH_GAS_SIZES ?? "1000,1000000").split(",").map(Number);
const work = mkdtempSync(path.join(tmpdir(), "epoch-gas-"));
try {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const config = loadLicenseConfig("config/arbitrum/licenses.json");
  const d = await deployArbitrum(connection, config);
  await networkHelpers.time.increaseTo(d.start + config.sale.publicStartSeconds);
  const holder = (await ethers.getSigners())[5];
  const [price] = await d.sale.quote(1n, Currency.ETH, ethers.ZeroHash);
  await (
    await d.sale.connect(holder).buy(1n, Currency.ETH, ethers.ZeroHash, price, 0n, [], { value: price })
  ).wait();
  const gateway = await ethers.getSigner(await resolveRef(ethers, config.bridge.l2Gateway));
  const poster = await ethers.getSigner(await resolveRef(ethers, config.rewards.rewardPoster));
  const rewardsAddress = await d.rewards.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const budget = parseEther("1000");
  await (await d.token.connect(gateway).bridgeMint(rewardsAddress, budget * BigInt(sizes.length + 1))).wait();

  /** an epoch of licences 1..n with random checks, built and posted; its artifact opened */
  async function epochOf(epoch: bigint, n: number) {
    const next = prng(`gas-${n}`);
    const reports = path.join(work, `reports-${n}.csv`);
    const lines = ["licenseId,checksPassed"];
    for (let id = 1; id <= n; id++) lines.push(`${id},${1 + (next() % 100)}`);
    writeFileSync(reports, lines.join("\n") + "\n");
    const dir = path.join(work, `epoch-${epoch}`);
    const m = await writeRewardsEpoch(dir, { chainId, rewards: rewardsAddress, epoch }, budget, reports);
    await (await d.rewards.connect(poster).postEpoch(epoch, m.root, BigInt(m.total))).wait();
    return openRewardsEpoch(dir);
  }

  const warmUp = await epochOf(1n, 3);
  const measured = [];
  for (const [i, n] of sizes.entries()) measured.push({ n, epoch: await epochOf(BigInt(i + 2), n) });
  await networkHelpers.time.increase(config.rewards.claimDelaySeconds + 1);

  const claimOne = async (e: Awaited<ReturnType<typeof openRewardsEpoch>>) => {
    const c = (await e.lookup(1n))!;
    const tx = await d.rewards
      .connect(holder)
      .claim([{ epoch: e.domain.epoch, tokenId: 1n, amount: c.amount, proof: c.proof }]);
    return { gas: (await tx.wait())!.gasUsed, proof: c.proof.length };
  };
  await claimOne(warmUp); // the holder's balance slot is warm for every measured claim alike
  console.log("| leaves | CheckerRewards.claim gas (one licence) | proof nodes |");
  console.log("| ---: | ---: | ---: |");
  for (const { n, epoch } of measured) {
    const { gas, proof } = await claimOne(epoch);
    console.log(`| ${n.toLocaleString("en-US")} | ${gas} | ${proof} |`);
    await epoch.close();
  }
  await warmUp.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
