// Small operator tasks: delegate votes (any network) and advance a local chain's clock.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { z } from "zod";

import { advanceEvmClock } from "../../src/evm/context.js";
import { delegateVotes, describeDelegateVotes } from "../../src/evm/governance.js";

export async function delegateTask(
  args: { account: string; to: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const r = await delegateVotes(await hre.network.getOrCreate(), args, args);
  describeDelegateVotes(r).forEach((l) => console.log(l));
}

export async function advanceTask(args: { seconds: string }, hre: HardhatRuntimeEnvironment) {
  const seconds = z.coerce.number().int().positive().parse(args.seconds);
  const at = await advanceEvmClock(await hre.network.getOrCreate(), seconds);
  console.log(`clock now ${new Date(at * 1000).toISOString()}`);
}
