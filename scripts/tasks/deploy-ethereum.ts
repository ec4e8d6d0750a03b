// npx hardhat deploy:ethereum --network <net> [--config config/ethereum/tokenomics.json] [--dry-run]
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { writeDeployment } from "../../src/deployments.js";
import { deployEthereum } from "../../src/evm/ethereum.js";
import { deployHtlc } from "../../src/evm/swap.js";
import { loadTokenomics, TOKEN_UNIT } from "../../src/evm/tokenomics.js";

interface Args {
  tokenomics: string;
  dryRun: boolean;
}

export default async function deployEthereumTask(args: Args, hre: HardhatRuntimeEnvironment) {
  const config = loadTokenomics(args.tokenomics);
  const connection = await hre.network.getOrCreate();
  const { ethers, networkName } = connection;
  const { chainId } = await ethers.provider.getNetwork();
  console.log(
    `tokenomics ${args.tokenomics}: ${config.token.name} (${config.token.symbol}), cap ${config.token.cap / TOKEN_UNIT}`,
  );
  for (const b of config.buckets)
    console.log(`  ${b.name.padEnd(12)} ${String(b.amount / TOKEN_UNIT).padStart(14)}  ${b.kind}`);
  if (args.dryRun) {
    console.log(`dry run: would deploy to ${networkName} (chain ${chainId}); nothing sent`);
    return;
  }
  const fromBlock = await ethers.provider.getBlockNumber(); // log searches start here
  const d = await deployEthereum(ethers, config, { log: (l) => console.log(`deployed ${l}`) });
  // the cross-chain swap escrow: no constructor arguments, no roles (docs/AUTHORITIES.md)
  const htlc = await deployHtlc(ethers);
  d.addresses.htlcEscrow = await htlc.getAddress();
  console.log(`deployed htlcEscrow ${d.addresses.htlcEscrow}`);
  const file = writeDeployment(`ethereum-${networkName}`, {
    network: networkName,
    chainId: Number(chainId),
    addresses: d.addresses,
    start: d.start,
    fromBlock,
    tokenomics: args.tokenomics,
    deployedAt: new Date().toISOString(),
  });
  console.log(`record written to ${file}`);
}
