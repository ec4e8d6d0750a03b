// Small operator tasks: delegate votes (any network) and advance a local chain's clock.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { z } from "zod";

import { ComputeToken__factory } from "../../types/ethers-contracts/index.js";
import { ethereumRecord } from "../../src/evm/records.js";

export async function delegateTask(
  args: { account: string; to: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const account = z.coerce.number().int().min(0).parse(args.account);
  const { ethers, networkName } = await hre.network.getOrCreate();
  const signer = (await ethers.getSigners())[account];
  if (!signer) throw new Error(`--account ${account}: no such account`);
  const delegatee = args.to === "" ? signer.address : ethers.getAddress(args.to);
  const token = ComputeToken__factory.connect(ethereumRecord(networkName).addresses.token, signer);
  console.log(`${signer.address} delegates ${await token.balanceOf(signer.address)} votes to ${delegatee}`);
  if (args.dryRun) return console.log("dry run: not sent");
  await (await token.delegate(delegatee)).wait();
  console.log(`votes of ${delegatee}: ${await token.getVotes(delegatee)}`);
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
