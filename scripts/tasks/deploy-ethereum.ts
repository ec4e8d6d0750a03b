// npx hardhat deploy:ethereum --network <net> [--tokenomics config/ethereum/tokenomics.json] [--strategy create2|basic] [--dry-run]
// Runs the Ethereum Ignition module (ignition/modules/Ethereum.ts). Ignition's journal in
// ignition/deployments/ethereum-<net>/ makes an interrupted run resume where it stopped and a
// finished one a no-op; deployments/ethereum-<net>.json is derived from it.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { writeDeployment } from "../../src/deployments.js";
import { deployEthereum } from "../../src/evm/ethereum.js";
import { loadTokenomics, TOKEN_UNIT } from "../../src/evm/tokenomics.js";
import { parseStrategy } from "../../src/evm/ignition.js";

interface Args {
  tokenomics: string;
  strategy: string;
  salt: string;
  dryRun: boolean;
}

export default async function deployEthereumTask(args: Args, hre: HardhatRuntimeEnvironment) {
  const config = loadTokenomics(args.tokenomics);
  const strategy = parseStrategy(args.strategy);
  const connection = await hre.network.getOrCreate();
  const { ethers, networkName } = connection;
  const { chainId } = await ethers.provider.getNetwork();
  console.log(
    `tokenomics ${args.tokenomics}: ${config.token.name} (${config.token.symbol}), cap ${config.token.cap / TOKEN_UNIT}`,
  );
  for (const b of config.buckets)
    console.log(`  ${b.name.padEnd(12)} ${String(b.amount / TOKEN_UNIT).padStart(14)}  ${b.kind}`);
  if (args.dryRun) {
    console.log(
      `dry run: would deploy to ${networkName} (chain ${chainId}) with the ${strategy} strategy; nothing sent`,
    );
    return;
  }
  const d = await deployEthereum(connection, config, {
    saltTag: args.salt,
    strategy,
    ignitionDir: hre.config.paths.ignition,
    log: (l) => console.log(l),
  });
  const file = writeDeployment(`ethereum-${networkName}`, {
    network: networkName,
    chainId: Number(chainId),
    addresses: d.addresses,
    start: d.start,
    fromBlock: d.run.fromBlock,
    tokenomics: args.tokenomics,
    ignition: { deploymentId: d.run.deploymentId, strategy: d.run.strategy, saltTag: d.run.saltTag },
    deployedAt: d.run.startedAt,
  });
  console.log(`record written to ${file}`);
}
