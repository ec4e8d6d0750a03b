// Shared fixtures for the EVM tests: the Ethereum side deployed from the checked-in tokenomics
// config by the same library (and Ignition module) the deploy script uses.
import path from "node:path";

import { ZeroHash } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { Currency, deployArbitrum, loadLicenseConfig } from "../../src/evm/arbitrum.js";
import { deployEthereum } from "../../src/evm/ethereum.js";
import { loadTokenomics } from "../../src/evm/tokenomics.js";

export const TOKENOMICS_FILE = path.resolve(import.meta.dirname, "../../config/ethereum/tokenomics.json");

export function tokenomics() {
  return loadTokenomics(TOKENOMICS_FILE);
}

export async function deployFromConfig(connection: NetworkConnection) {
  const config = tokenomics();
  const deployment = await deployEthereum(connection, config);
  const signers = await connection.ethers.getSigners();
  return { config, signers, ...deployment };
}

export const LICENSES_FILE = path.resolve(import.meta.dirname, "../../config/arbitrum/licenses.json");

export async function deployArbitrumFromConfig(connection: NetworkConnection) {
  const config = loadLicenseConfig(LICENSES_FILE);
  const deployment = await deployArbitrum(connection, config);
  const signers = await connection.ethers.getSigners();
  return { config, signers, ...deployment };
}

/** Public-phase ETH purchase of `quantity` licences at the quoted price. */
export async function buyLicences(
  d: Awaited<ReturnType<typeof deployArbitrumFromConfig>>,
  buyer: Awaited<ReturnType<typeof deployArbitrumFromConfig>>["signers"][number],
  quantity: bigint,
) {
  const [total] = await d.sale.quote(quantity, Currency.ETH, ZeroHash);
  await d.sale.connect(buyer).buy(quantity, Currency.ETH, ZeroHash, total, 0n, [], { value: total });
}
