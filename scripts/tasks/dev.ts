// Small operator tasks: delegate votes (any network) and advance a local chain's clock.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { z } from "zod";

import { delegateVotes, describeDelegateVotes } from "../../src/evm/governance.js";

export async function delegateTask(
  args: { account: string; to: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const r = await delegateVotes(await hre.network.getOrCreate(), args, args);
  describeDelegateVotes(r).forEach((l) => console.log(l));
}

const LOCAL_CHAIN_IDS = new Set([31337n, 412346n]);

export async function advanceTask(args: { seconds: string }, hre: HardhatRuntimeEnvironment) {
  const seconds = z.coerce.number().int().positive().parse(args.seconds);
  const { ethers, provider } = await hre.network.getOrCreate();
  const { chainId } = await ethers.provider.getNetwork();
  if (!LOCAL_CHAIN_IDS.has(chainId))
    throw new Error(`dev:advance only runs on local chains (chain ${chainId})`);
  await provider.request({ method: "evm_increaseTime", params: [seconds] });
  await provider.request({ method: "evm_mine", params: [] });
  const block = await ethers.provider.getBlock("latest");
  console.log(`clock now ${new Date(Number(block!.timestamp) * 1000).toISOString()}`);
}
