// What an EVM command needs from a Hardhat network connection: the signer `--account N`, the
// deployment record of the network and the contracts it names. Shared by the Hardhat tasks
// (scripts/tasks) and the operator CLI (src/cli), which open the connection each their own way.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { z } from "zod";

import {
  CheckerNodeLicense__factory,
  CheckerNodeSale__factory,
  CheckerRewards__factory,
  IERC20Metadata__factory,
} from "../../types/ethers-contracts/index.js";
import type { Denomination } from "../units.js";

import { refResolver } from "./arbitrum.js";
import { LOCAL_CHAIN_IDS } from "./ignition.js";
import { arbitrumRecord, ethereumRecord } from "./records.js";

/** The part of a Hardhat `NetworkConnection` the commands use. */
export interface EvmConnection {
  ethers: HardhatEthers;
  networkName: string;
}

export const AccountIndex = z.coerce.number().int().min(0);

/** Account `account` (an index) of the network; a one-line error naming `--account` otherwise. */
export async function evmSigner(ethers: HardhatEthers, account: string | number) {
  const parsed = AccountIndex.safeParse(account);
  if (!parsed.success) throw new Error(`--account '${account}': not an account index (0, 1, ...)`);
  const signers = await ethers.getSigners();
  const signer = signers[parsed.data];
  if (!signer) throw new Error(`--account ${parsed.data}: the network has ${signers.length} accounts`);
  return signer;
}

/** An ERC-20's units as people read them (decimals and symbol, from the contract). */
export async function erc20Denomination(ethers: HardhatEthers, address: string): Promise<Denomination> {
  const coin = IERC20Metadata__factory.connect(address, ethers.provider);
  return { decimals: Number(await coin.decimals()), symbol: await coin.symbol() };
}

export async function arbitrumContext(conn: EvmConnection, account: string | number) {
  const { ethers, networkName } = conn;
  const record = arbitrumRecord(networkName);
  const signer = await evmSigner(ethers, account);
  return {
    ethers,
    networkName,
    record,
    signer,
    license: CheckerNodeLicense__factory.connect(record.addresses.license, signer),
    sale: CheckerNodeSale__factory.connect(record.addresses.sale, signer),
    rewards: CheckerRewards__factory.connect(record.addresses.rewards, signer),
  };
}
export type ArbitrumContext = Awaited<ReturnType<typeof arbitrumContext>>;

export async function ethereumContext(conn: EvmConnection, account: string | number) {
  const { ethers, networkName } = conn;
  const record = ethereumRecord(networkName);
  const signer = await evmSigner(ethers, account);
  return { ethers, networkName, record, signer };
}

/** An address, or `signer:N` for account N of the network (`refResolver`), named by `option` in errors. */
export async function addressRef(ethers: HardhatEthers, ref: string, option: string): Promise<string> {
  if (!/^(0x[0-9a-fA-F]{40}|signer:\d+)$/.test(ref))
    throw new Error(`${option} '${ref}': not a 0x address or signer:N`);
  const resolve = await refResolver(ethers);
  try {
    return resolve(ref.startsWith("0x") ? ref.toLowerCase() : ref);
  } catch {
    throw new Error(`${option} '${ref}': no such account on the network`);
  }
}

/** Moves a local EVM chain's clock forward by `seconds` and mines a block; returns the new time. */
export async function advanceEvmClock(conn: EvmConnection, seconds: number): Promise<number> {
  const { chainId } = await conn.ethers.provider.getNetwork();
  if (!LOCAL_CHAIN_IDS.has(chainId)) throw new Error(`advance: chain ${chainId} is not a local chain`);
  await conn.ethers.provider.send("evm_increaseTime", [seconds]);
  await conn.ethers.provider.send("evm_mine", []);
  return Number((await conn.ethers.provider.getBlock("latest"))!.timestamp);
}
