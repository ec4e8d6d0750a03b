// RentalEscrow on Arbitrum: config, deployment and the customer/supplier calls the CLI makes.
import { readFileSync } from "node:fs";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { Signer } from "ethers";
import { z } from "zod";

import type { ManualPriceOracle, RentalEscrow } from "../../types/ethers-contracts/index.js";

export const EscrowConfigSchema = z.object({
  feeBps: z.number().int().min(0).max(2_000),
  tokenDiscountBps: z.number().int().min(0).max(10_000),
  maxPriceStalenessSeconds: z.number().int().positive(),
  startTimeoutSeconds: z.number().int().positive(),
  disputeWindowSeconds: z.number().int().positive(),
  initialTokenPrice: z.string().regex(/^\d+$/),
});
export type EscrowConfig = z.infer<typeof EscrowConfigSchema>;

export function loadEscrowConfig(file: string): EscrowConfig {
  const parsed = EscrowConfigSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`invalid ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const EvmCurrency = { stable: 0, token: 1 } as const;

export async function deployRentalEscrow(
  ethers: HardhatEthers,
  config: EscrowConfig,
  p: { stable: string; token: string; treasury: string; deployer?: Signer },
) {
  const deployer = p.deployer ?? (await ethers.getSigners())[0];
  const admin = await deployer.getAddress();
  const oracle = (await ethers.deployContract(
    "ManualPriceOracle",
    [admin, admin],
    deployer,
  )) as unknown as ManualPriceOracle;
  await (await oracle.setPrice(BigInt(config.initialTokenPrice))).wait();
  const escrow = (await ethers.deployContract(
    "RentalEscrow",
    [
      {
        stable: p.stable,
        token: p.token,
        oracle: await oracle.getAddress(),
        treasury: p.treasury,
        admin,
        feeBps: config.feeBps,
        tokenDiscountBps: config.tokenDiscountBps,
        maxPriceStaleness: config.maxPriceStalenessSeconds,
        startTimeout: config.startTimeoutSeconds,
        disputeWindow: config.disputeWindowSeconds,
      },
    ],
    deployer,
  )) as unknown as RentalEscrow;
  return {
    escrow,
    oracle,
    addresses: { rentalEscrow: await escrow.getAddress(), priceOracle: await oracle.getAddress() },
  };
}
