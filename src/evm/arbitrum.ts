// The Arbitrum side: licence, sale, rewards and the bridged token, from config/arbitrum/*.json;
// plus the Merkle trees of the allowlist and of each reward epoch (OpenZeppelin standard trees).
import { readFileSync } from "node:fs";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { parseEther, parseUnits, type Signer } from "ethers";
import { z } from "zod";

import type {
  CheckerNodeLicense,
  CheckerNodeSale,
  CheckerRewards,
  L2ComputeToken,
  MockStablecoin,
} from "../../types/ethers-contracts/index.js";

import { deployRentalEscrow, type EscrowConfig } from "./escrow.js";
import { handOverRoles } from "./roles.js";
import { deployHtlc } from "./swap.js";

const addressRef = z.string().regex(/^(0x[0-9a-fA-F]{40}|signer:\d+)$/, "0x-address or 'signer:N'");
const decimal = z.string().regex(/^\d+(\.\d+)?$/, "a decimal number as a string");

export const LicenseConfigSchema = z
  .object({
    license: z.object({
      name: z.string().min(1),
      symbol: z.string().min(1),
      maxSupply: z.number().int().positive(),
      transferLockSeconds: z.number().int().min(0),
      unlockCeilingSeconds: z.number().int().min(0),
      royaltyBps: z.number().int().min(0).max(1_000),
      royaltyReceiver: addressRef,
      tierBaseURI: z.string(),
    }),
    sale: z.object({
      treasury: addressRef,
      allowlistStartSeconds: z.number().int().min(0),
      publicStartSeconds: z.number().int().min(0),
      saleEndSeconds: z.number().int().positive(),
      publicWalletCap: z.number().int().positive(),
      referralDiscountBps: z.number().int().min(0).max(1_500),
      referralRebateBps: z.number().int().min(0).max(1_500),
      tiers: z
        .array(z.object({ quantity: z.number().int().positive(), priceEth: decimal, priceStable: decimal }))
        .min(1),
      allowlist: z.array(z.object({ account: addressRef, allowance: z.number().int().positive() })),
    }),
    rewards: z.object({
      /** whole tokens that may be posted per period, over all epochs posted in it */
      maxRewardsPerPeriod: z.string().regex(/^\d+$/),
      periodSeconds: z.number().int().positive(),
      claimDelaySeconds: z.number().int().min(0),
      /** how long an epoch may be claimed once open; then anyone may close it (CheckerRewards.MIN_CLAIM_WINDOW: 1 day) */
      claimWindowSeconds: z.number().int().min(86_400),
      rewardPoster: addressRef,
    }),
    bridge: z.object({ l2Gateway: addressRef, l1Token: addressRef }),
    /** USDC's address on the network, or "local-mock": a mintable test coin, local chains only. */
    stablecoin: z.union([z.literal("local-mock"), z.string().regex(/^0x[0-9a-fA-F]{40}$/, "0x-address")]),
    /** Who holds each power after deployment (docs/AUTHORITIES.md); never the deployer. */
    roles: z.object({
      admin: addressRef,
      pauser: addressRef,
      settler: addressRef,
      priceSetter: addressRef,
    }),
  })
  .superRefine((c, ctx) => {
    const s = c.sale;
    if (!(s.allowlistStartSeconds <= s.publicStartSeconds && s.publicStartSeconds < s.saleEndSeconds)) {
      ctx.addIssue({
        code: "custom",
        path: ["sale"],
        message: "need allowlistStart <= publicStart < saleEnd",
      });
    }
    const supply = s.tiers.reduce((n, t) => n + t.quantity, 0);
    if (supply > c.license.maxSupply) {
      ctx.addIssue({
        code: "custom",
        path: ["sale", "tiers"],
        message: `tiers sell ${supply} > maxSupply ${c.license.maxSupply}`,
      });
    }
    for (let i = 1; i < s.tiers.length; i++) {
      if (
        parseEther(s.tiers[i].priceEth) < parseEther(s.tiers[i - 1].priceEth) ||
        Number(s.tiers[i].priceStable) < Number(s.tiers[i - 1].priceStable)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["sale", "tiers", i],
          message: "prices must not fall from one tier to the next",
        });
      }
    }
    if (c.license.transferLockSeconds > c.license.unlockCeilingSeconds) {
      ctx.addIssue({ code: "custom", path: ["license"], message: "transfer lock beyond the unlock ceiling" });
    }
  });
export type LicenseConfig = z.infer<typeof LicenseConfigSchema>;

export function loadLicenseConfig(file: string): LicenseConfig {
  const parsed = LicenseConfigSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`invalid ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const STABLE_DECIMALS = 6;
export const Currency = { ETH: 0, STABLE: 1 } as const;

// ------------------------------------------------------------------ Merkle trees

/** Allowlist tree: leaves `(address account, uint256 allowance)`. */
export function allowlistTree(entries: { account: string; allowance: number | bigint }[]) {
  return StandardMerkleTree.of(
    entries.map((e) => [e.account, BigInt(e.allowance)]),
    ["address", "uint256"],
  );
}

export function allowlistProof(tree: ReturnType<typeof allowlistTree>, account: string) {
  for (const [i, [a, allowance]] of tree.entries()) {
    if ((a as string).toLowerCase() === account.toLowerCase())
      return { allowance: allowance as bigint, proof: tree.getProof(i) };
  }
  return undefined;
}

/** A reward epoch's tree: see src/evm/rewards.ts (the leaf is defined there, once). */
export { rewardsTree } from "./rewards.js";

// ------------------------------------------------------------------ deployment

export interface ArbitrumDeployment {
  license: CheckerNodeLicense;
  sale: CheckerNodeSale;
  rewards: CheckerRewards;
  token: L2ComputeToken;
  stable: MockStablecoin | undefined;
  allowlist: ReturnType<typeof allowlistTree>;
  addresses: Record<string, string>;
  start: number;
}

/** A config address: `0x…`, or `signer:N` (the network's N-th account, local chains). */
export async function resolveRef(ethers: HardhatEthers, ref: string): Promise<string> {
  const m = /^signer:(\d+)$/.exec(ref);
  if (!m) return ethers.getAddress(ref);
  const signers = await ethers.getSigners();
  const s = signers[Number(m[1])];
  if (!s) throw new Error(`${ref}: this network has only ${signers.length} accounts`);
  return s.getAddress();
}

/** Chain ids of the local chains this project runs (Hardhat's default, Arbitrum's nitro devnode). */
export const LOCAL_CHAIN_IDS = new Set([31337n, 412346n]);

/** Where a deployment goes: its name, and whether the caller's network config says it is local. */
export interface TargetNetwork {
  name: string;
  local: boolean;
}

/**
 * The stablecoin the sale and the escrow take. A mintable test coin only where both the network
 * config and the chain id say local; anywhere else the config must name a deployed 6-decimal
 * token (USDC), or nothing is sent.
 */
export async function resolveStablecoin(
  ethers: HardhatEthers,
  config: LicenseConfig,
  network: TargetNetwork,
): Promise<{ address: string } | { mock: true }> {
  const { chainId } = await ethers.provider.getNetwork();
  const local = network.local && LOCAL_CHAIN_IDS.has(chainId);
  if (config.stablecoin === "local-mock") {
    if (!local) {
      throw new Error(
        `${network.name} (chain ${chainId}) is not a local chain: set "stablecoin" in the licence config to USDC's address there; the mintable test coin is for local chains only`,
      );
    }
    return { mock: true };
  }
  const address = ethers.getAddress(config.stablecoin);
  if ((await ethers.provider.getCode(address)) === "0x") {
    throw new Error(`stablecoin ${address} has no code on ${network.name} (chain ${chainId})`);
  }
  const decimals = await new ethers.Contract(
    address,
    ["function decimals() view returns (uint8)"],
    ethers.provider,
  ).decimals();
  if (BigInt(decimals) !== BigInt(STABLE_DECIMALS)) {
    throw new Error(
      `stablecoin ${address} has ${decimals} decimals; the sale and escrow price in ${STABLE_DECIMALS}`,
    );
  }
  return { address };
}

export async function deployArbitrum(
  ethers: HardhatEthers,
  config: LicenseConfig,
  opts: { deployer?: Signer; network?: TargetNetwork; log?: (line: string) => void } = {},
): Promise<ArbitrumDeployment> {
  const log = opts.log ?? (() => {});
  const signers = await ethers.getSigners();
  const deployer = opts.deployer ?? signers[0];
  const admin = await deployer.getAddress();
  const resolve = (ref: string) => resolveRef(ethers, ref);
  const start = Number((await ethers.provider.getBlock("latest"))!.timestamp);
  const l = config.license;

  const coin = await resolveStablecoin(ethers, config, opts.network ?? { name: "hardhat", local: true });
  let stable: MockStablecoin | undefined;
  let stableAddress: string;
  if ("address" in coin) {
    stableAddress = coin.address;
  } else {
    stable = (await ethers.deployContract("MockStablecoin", [], deployer)) as unknown as MockStablecoin;
    stableAddress = await stable.getAddress();
    log(`test stablecoin ${stableAddress} (local chain only)`);
  }
  const token = (await ethers.deployContract(
    "L2ComputeToken",
    [
      "Compute Market Token",
      "CMT",
      await resolve(config.bridge.l2Gateway),
      await resolve(config.bridge.l1Token),
    ],
    deployer,
  )) as unknown as L2ComputeToken;
  const license = (await ethers.deployContract(
    "CheckerNodeLicense",
    [
      l.name,
      l.symbol,
      l.maxSupply,
      start + l.transferLockSeconds,
      start + l.unlockCeilingSeconds,
      admin,
      await resolve(l.royaltyReceiver),
      l.royaltyBps,
    ],
    deployer,
  )) as unknown as CheckerNodeLicense;
  const s = config.sale;
  const allowlist = allowlistTree(
    await Promise.all(
      s.allowlist.map(async (e) => ({ account: await resolve(e.account), allowance: e.allowance })),
    ),
  );
  const sale = (await ethers.deployContract(
    "CheckerNodeSale",
    [
      {
        license: await license.getAddress(),
        stable: stableAddress,
        treasury: await resolve(s.treasury),
        admin,
        allowlistStart: start + s.allowlistStartSeconds,
        publicStart: start + s.publicStartSeconds,
        saleEnd: start + s.saleEndSeconds,
        allowlistRoot: allowlist.root,
        publicWalletCap: s.publicWalletCap,
        referralDiscountBps: s.referralDiscountBps,
        referralRebateBps: s.referralRebateBps,
      },
      s.tiers.map((t) => ({
        quantity: t.quantity,
        priceWei: parseEther(t.priceEth),
        priceStable: parseUnits(t.priceStable, STABLE_DECIMALS),
      })),
    ],
    deployer,
  )) as unknown as CheckerNodeSale;
  const rewards = (await ethers.deployContract(
    "CheckerRewards",
    [
      await token.getAddress(),
      await license.getAddress(),
      parseEther(config.rewards.maxRewardsPerPeriod),
      config.rewards.periodSeconds,
      config.rewards.claimDelaySeconds,
      config.rewards.claimWindowSeconds,
      admin,
    ],
    deployer,
  )) as unknown as CheckerRewards;
  await (
    await license.connect(deployer).grantRole(await license.MINTER_ROLE(), await sale.getAddress())
  ).wait();
  await (
    await rewards
      .connect(deployer)
      .grantRole(await rewards.REWARD_ROLE(), await resolve(config.rewards.rewardPoster))
  ).wait();
  for (let tier = 0; tier < s.tiers.length; tier++) {
    await (await license.connect(deployer).setTierURI(tier, `${l.tierBaseURI}${tier}/`)).wait();
  }
  const addresses: Record<string, string> = {
    license: await license.getAddress(),
    sale: await sale.getAddress(),
    rewards: await rewards.getAddress(),
    token: await token.getAddress(),
    stablecoin: stableAddress,
  };
  for (const [k, v] of Object.entries(addresses)) log(`${k} ${v}`);
  return { license, sale, rewards, token, stable, allowlist, addresses, start };
}

/**
 * The whole Arbitrum side, as `deploy:arbitrum` runs it: licence, sale, rewards, bridged token,
 * rental escrow and its price oracle; then every role handed to the holders the config names
 * (docs/AUTHORITIES.md) and renounced by the deployer, and the result checked on chain.
 */
export async function deployArbitrumMarket(
  ethers: HardhatEthers,
  config: LicenseConfig,
  escrowConfig: EscrowConfig,
  opts: { network: TargetNetwork; log?: (line: string) => void },
) {
  const log = opts.log ?? (() => {});
  const [deployer] = await ethers.getSigners();
  const fromBlock = await ethers.provider.getBlockNumber();
  const d = await deployArbitrum(ethers, config, { deployer, network: opts.network, log });
  const e = await deployRentalEscrow(ethers, escrowConfig, {
    stable: d.addresses.stablecoin,
    token: d.addresses.token,
    treasury: await d.sale.treasury(),
    deployer,
  });
  for (const [k, v] of Object.entries(e.addresses)) log(`${k} ${v}`);
  // the cross-chain swap escrow: no constructor arguments, no roles (docs/AUTHORITIES.md)
  const htlc = await deployHtlc(ethers, deployer);
  log(`htlcEscrow ${await htlc.getAddress()}`);
  const addresses: Record<string, string> = {
    ...d.addresses,
    ...e.addresses,
    htlcEscrow: await htlc.getAddress(),
  };
  const r = config.roles;
  const [admin, pauser, settler, priceSetter, poster] = await Promise.all(
    [r.admin, r.pauser, r.settler, r.priceSetter, config.rewards.rewardPoster].map((x) =>
      resolveRef(ethers, x),
    ),
  );
  await handOverRoles(
    deployer,
    [
      {
        name: "license",
        address: addresses.license,
        grants: [
          { role: "DEFAULT_ADMIN_ROLE", holder: admin },
          { role: "MINTER_ROLE", holder: addresses.sale },
        ],
      },
      {
        name: "sale",
        address: addresses.sale,
        grants: [
          { role: "DEFAULT_ADMIN_ROLE", holder: admin },
          { role: "PAUSER_ROLE", holder: pauser },
          { role: "REFERRAL_ROLE", holder: admin },
        ],
      },
      {
        name: "rewards",
        address: addresses.rewards,
        grants: [
          { role: "DEFAULT_ADMIN_ROLE", holder: admin },
          { role: "PAUSER_ROLE", holder: pauser },
          { role: "REWARD_ROLE", holder: poster },
        ],
      },
      {
        name: "rentalEscrow",
        address: addresses.rentalEscrow,
        grants: [
          { role: "DEFAULT_ADMIN_ROLE", holder: admin },
          { role: "PAUSER_ROLE", holder: pauser },
          { role: "SETTLER_ROLE", holder: settler },
        ],
      },
      {
        name: "priceOracle",
        address: addresses.priceOracle,
        grants: [
          { role: "DEFAULT_ADMIN_ROLE", holder: admin },
          { role: "PRICE_SETTER_ROLE", holder: priceSetter },
        ],
      },
    ],
    { fromBlock, log },
  );
  return { ...d, escrow: e.escrow, oracle: e.oracle, addresses, deployer: deployer.address, fromBlock };
}
