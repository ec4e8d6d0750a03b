// Licence buyers', operators' and the reward poster's commands on Arbitrum (Hardhat tasks, see
// hardhat.config.ts): thin wrappers that print what the library calls (src/evm/licenses.ts,
// src/evm/reward-epochs.ts) return; the operator CLI (src/cli) calls the same functions.
import { formatEther, parseEther } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { z } from "zod";

import { addressRef, arbitrumContext, erc20Denomination } from "../../src/evm/context.js";
import {
  bindReferral,
  buyLicenses,
  delegateLicenses,
  describeBuy,
  describeDelegate,
  describeReferral,
} from "../../src/evm/licenses.js";
import { arbitrumRecord } from "../../src/evm/records.js";
import {
  claimRewards,
  closeRewardsEpoch,
  describeClaim,
  describeClose,
  describePost,
  postRewardsEpoch,
} from "../../src/evm/reward-epochs.js";
import { writeRewardsEpoch } from "../../src/evm/rewards.js";
import { MockStablecoin__factory } from "../../types/ethers-contracts/index.js";
import { setEvmTokenPrice, describeSetPrice } from "../../src/evm/escrow.js";
import { formatAmount, parseAmount } from "../../src/units.js";

const print = (lines: string[]) => lines.forEach((l) => console.log(l));

async function context(hre: HardhatRuntimeEnvironment, account: string) {
  return arbitrumContext(await hre.network.getOrCreate(), account);
}

export async function buyTask(
  args: {
    quantity: string;
    currency: string;
    referral: string;
    maxTotal: string;
    account: string;
    dryRun: boolean;
  },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  print(describeBuy(await buyLicenses(ctx, args, args)));
}

export async function delegateTask(
  args: { ids: string; operator: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  print(describeDelegate(await delegateLicenses(ctx, args, args)));
}

/** Builds the epoch artifact (a directory: src/epoch/artifact.ts) for the rewards contract of
 *  `--network`'s deployment record (its chain id and address are part of every leaf); reads the
 *  record only, sends nothing. */
export async function buildEpochTask(
  args: { epoch: string; budget: string; reports: string; out: string },
  hre: HardhatRuntimeEnvironment,
) {
  const epoch = z.coerce.bigint().nonnegative().parse(args.epoch);
  const budget = parseEther(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .parse(args.budget),
  );
  const networkName = hre.globalOptions.network;
  if (networkName === undefined)
    throw new Error(
      "rewards:build-epoch needs --network <the Arbitrum network>: every leaf commits to its chain id and rewards contract, read from deployments/arbitrum-<network>.json",
    );
  const record = arbitrumRecord(networkName);
  const domain = { chainId: BigInt(record.chainId), rewards: record.addresses.rewards, epoch };
  const m = await writeRewardsEpoch(args.out, domain, budget, args.reports);
  console.log(
    `epoch ${epoch} for rewards ${m.domain.rewards} on chain ${m.domain.chainId} (${networkName}): ${m.leafCount} licences, total ${formatEther(BigInt(m.total))}, root ${m.root} -> ${args.out}/`,
  );
}

export async function postTask(
  args: { epochDir: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  print(describePost(await postRewardsEpoch(ctx, args.epochDir, args)));
}

export async function claimTask(
  args: { epochDir: string; account: string; batch: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  const r = await claimRewards(ctx, args, { dryRun: args.dryRun, log: (l) => console.log(l) });
  if (!r.sent) print(describeClaim(r));
}

/** Anyone: closes an epoch whose claim window has ended; its unclaimed remainder returns to the pool. */
export async function closeEpochTask(
  args: { epoch: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  print(describeClose(await closeRewardsEpoch(ctx, args, args)));
}

/** Binds a referral code to the account `--account` (sent by the referral manager: REFERRAL_ROLE). */
export async function referralTask(
  args: { code: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  print(describeReferral(await bindReferral(ctx, args, args)));
}

const LOCAL_ARBITRUM = 412346n;

/** Local only: plays the L2 gateway and mints bridged tokens (to the rewards contract unless
 *  --to is given), and test stablecoin with --stable. */
export async function bridgeDepositTask(
  args: { amount: string; gatewayAccount: string; to: string; stable: string },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.gatewayAccount);
  const { chainId } = await ctx.ethers.provider.getNetwork();
  if (chainId !== LOCAL_ARBITRUM)
    throw new Error(`dev:bridge-deposit only runs on the local Arbitrum chain (${LOCAL_ARBITRUM})`);
  const amount = parseEther(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .parse(args.amount),
  );
  const { L2ComputeToken__factory } = await import("../../types/ethers-contracts/index.js");
  const token = L2ComputeToken__factory.connect(ctx.record.addresses.token, ctx.signer);
  const to = args.to === "" ? ctx.record.addresses.rewards : await addressRef(ctx.ethers, args.to, "--to");
  await (await token.bridgeMint(to, amount)).wait();
  console.log(`bridged ${formatEther(amount)} tokens to ${to}`);
  const stable = await erc20Denomination(ctx.ethers, ctx.record.addresses.stablecoin);
  const stableUnits = parseAmount(args.stable || "0", stable, "--stable");
  if (stableUnits > 0n) {
    await (
      await MockStablecoin__factory.connect(ctx.record.addresses.stablecoin, ctx.signer).mint(to, stableUnits)
    ).wait();
    console.log(`minted ${formatAmount(stableUnits, stable)} (test stablecoin) to ${to}`);
  }
}

/** The price relayer (PRICE_SETTER_ROLE) posts the market token's price for RentalEscrow. */
export async function setPriceTask(
  args: { price: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  print(describeSetPrice(await setEvmTokenPrice(ctx, args.price, args)));
}
