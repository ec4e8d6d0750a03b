// npx hardhat deploy:arbitrum --network <net> [--licenses …] [--escrow …] [--strategy create2|basic] [--dry-run]
// Runs the Arbitrum Ignition module (ignition/modules/Arbitrum.ts): licence, sale, rewards,
// bridged token, rental escrow and price oracle, swap escrow, role hand-over. Ignition's journal
// in ignition/deployments/arbitrum-<net>/ makes an interrupted run resume and a finished one a
// no-op; deployments/arbitrum-<net>.json is derived from it.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { writeDeployment } from "../../src/deployments.js";
import { deployArbitrumMarket, loadLicenseConfig, resolveStablecoin } from "../../src/evm/arbitrum.js";
import { loadEscrowConfig } from "../../src/evm/escrow.js";
import { parseStrategy, targetNetwork } from "../../src/evm/ignition.js";

interface Args {
  licenses: string;
  escrow: string;
  strategy: string;
  salt: string;
  dryRun: boolean;
}

export default async function deployArbitrumTask(args: Args, hre: HardhatRuntimeEnvironment) {
  const config = loadLicenseConfig(args.licenses);
  const escrowConfig = loadEscrowConfig(args.escrow);
  const strategy = parseStrategy(args.strategy);
  const connection = await hre.network.getOrCreate();
  const { ethers, networkName } = connection;
  const network = await targetNetwork(connection);
  const supply = config.sale.tiers.reduce((n, t) => n + t.quantity, 0);
  console.log(
    `licences ${args.licenses}: ${config.license.name}, ${config.sale.tiers.length} tiers, ${supply} for sale`,
  );
  if (args.dryRun) {
    const coin = await resolveStablecoin(ethers, config, network);
    const stable = "address" in coin ? coin.address : "a local test coin";
    return console.log(
      `dry run: would deploy to ${networkName} with stablecoin ${stable} (${strategy} strategy); nothing sent`,
    );
  }
  const d = await deployArbitrumMarket(connection, config, escrowConfig, {
    saltTag: args.salt,
    network,
    strategy,
    ignitionDir: hre.config.paths.ignition,
    log: (l) => console.log(l),
  });
  console.log(`deployer ${d.deployer} holds no role; holders as in the config's "roles"`);
  const allowlist = [...d.allowlist.entries()].map(([, [account, allowance]]) => ({
    account: account as string,
    allowance: Number(allowance),
  }));
  const file = writeDeployment(`arbitrum-${networkName}`, {
    network: networkName,
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    addresses: d.addresses,
    allowlist,
    allowlistRoot: d.allowlist.root,
    start: d.start,
    fromBlock: d.fromBlock, // event searches (licences held or operated) start here
    licenses: args.licenses,
    escrow: args.escrow,
    ignition: { deploymentId: d.run.deploymentId, strategy: d.run.strategy, saltTag: d.run.saltTag },
    deployedAt: d.run.startedAt,
  });
  console.log(`record written to ${file}`);
}
