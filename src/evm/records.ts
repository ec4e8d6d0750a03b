// The Ethereum deployment record: what scripts read to find the contracts of a network.
import { z } from "zod";

import { readDeployment } from "../deployments.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const EthereumRecord = z.object({
  network: z.string(),
  chainId: z.number().int(),
  addresses: z
    .object({ token: address, timelock: address, governor: address, emissionSchedule: address })
    .catchall(address),
  start: z.number().int(),
  /** the block before deployment: event searches (proposals) start here, not at genesis */
  fromBlock: z.number().int().min(0).default(0),
});
export type EthereumRecord = z.infer<typeof EthereumRecord>;

export function ethereumRecord(network: string): EthereumRecord {
  let raw: unknown;
  try {
    raw = readDeployment(`ethereum-${network}`);
  } catch {
    throw new Error(
      `no deployment record deployments/ethereum-${network}.json: run 'npx hardhat deploy:ethereum --network ${network}' first`,
    );
  }
  const parsed = EthereumRecord.safeParse(raw);
  if (!parsed.success)
    throw new Error(`deployments/ethereum-${network}.json is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The Arbitrum deployment record (deploy:arbitrum): licences, sale, rewards, escrow and the tokens. */
export const ArbitrumRecord = z.object({
  network: z.string(),
  chainId: z.number().int().positive(),
  addresses: z
    .object({
      license: address,
      sale: address,
      rewards: address,
      token: address,
      stablecoin: address,
      priceOracle: address,
      rentalEscrow: address,
    })
    .catchall(address),
  allowlist: z.array(z.object({ account: address, allowance: z.number() })),
  fromBlock: z.number().int().min(0).default(0),
});
export type ArbitrumRecord = z.infer<typeof ArbitrumRecord>;

export function arbitrumRecord(network: string): ArbitrumRecord {
  let raw: unknown;
  try {
    raw = readDeployment(`arbitrum-${network}`);
  } catch {
    throw new Error(
      `no deployment record deployments/arbitrum-${network}.json: run 'npx hardhat deploy:arbitrum --network ${network}' first`,
    );
  }
  const parsed = ArbitrumRecord.safeParse(raw);
  if (!parsed.success)
    throw new Error(`deployments/arbitrum-${network}.json is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
