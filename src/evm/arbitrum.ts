// The Arbitrum side: licence, sale, rewards and the bridged token, from config/arbitrum/*.json;
// plus the Merkle trees of the allowlist and of each reward epoch (OpenZeppelin standard trees).
import { readFileSync } from "node:fs";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { parseEther, parseUnits } from "ethers";
import { z } from "zod";

import type { NetworkConnection } from "hardhat/types/network";

// Ignition (and its module files) load only when deploying: the CLI imports this file too.
import type { ArbitrumPlan } from "../../ignition/modules/Arbitrum.js";
import {
  CheckerNodeLicense__factory,
  CheckerNodeSale__factory,
  CheckerRewards__factory,
  L2ComputeToken__factory,
  ManualPriceOracle__factory,
  MockStablecoin__factory,
  RentalEscrow__factory,
  type CheckerNodeLicense,
  type CheckerNodeSale,
  type CheckerRewards,
  type L2ComputeToken,
  type MockStablecoin,
} from "../../types/ethers-contracts/index.js";
import type { EscrowConfig } from "./escrow.js";
import {
  deployModule,
  digest,
  LOCAL_CHAIN_IDS,
  openRun,
  pinPlan,
  targetNetwork,
  type IgnitionRun,
  type Strategy,
  type TargetNetwork,
} from "./ignition.js";
import { checkRoles, type RolePlan } from "./roles.js";

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

export { LOCAL_CHAIN_IDS, type TargetNetwork };

export interface ArbitrumDeployment {
  license: CheckerNodeLicense;
  sale: CheckerNodeSale;
  rewards: CheckerRewards;
  token: L2ComputeToken;
  stable: MockStablecoin | undefined;
  allowlist: ReturnType<typeof allowlistTree>;
  addresses: Record<string, string>;
  start: number;
  run: IgnitionRun;
}

/**
 * Resolves config addresses: `0x…`, or `signer:N` (the network's N-th account, local chains). The
 * accounts are read once, however many references a plan resolves.
 */
export async function refResolver(ethers: HardhatEthers): Promise<(ref: string) => string> {
  const signers = await ethers.getSigners();
  return (ref) => {
    const m = /^signer:(\d+)$/.exec(ref);
    if (!m) return ethers.getAddress(ref);
    const s = signers[Number(m[1])];
    if (!s) throw new Error(`${ref}: this network has only ${signers.length} accounts`);
    return s.address;
  };
}

/** One config address (see `refResolver`). */
export async function resolveRef(ethers: HardhatEthers, ref: string): Promise<string> {
  return (await refResolver(ethers))(ref);
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

/** The modules' plan: the configs with every address resolved and the run's start time. */
export async function arbitrumPlan(
  ethers: HardhatEthers,
  config: LicenseConfig,
  escrowConfig: EscrowConfig | undefined,
  p: { deployer: string; start: number; stablecoin: string | "mock" },
): Promise<{ plan: ArbitrumPlan; allowlist: ReturnType<typeof allowlistTree> }> {
  const resolve = await refResolver(ethers);
  const l = config.license;
  const s = config.sale;
  const allowlist = allowlistTree(
    await Promise.all(
      s.allowlist.map(async (e) => ({ account: await resolve(e.account), allowance: e.allowance })),
    ),
  );
  const r = config.roles;
  const [admin, pauser, settler, priceSetter] = await Promise.all(
    [r.admin, r.pauser, r.settler, r.priceSetter].map(resolve),
  );
  const e = escrowConfig;
  const plan: ArbitrumPlan = {
    deployer: p.deployer,
    start: p.start,
    stablecoin: p.stablecoin,
    token: {
      name: "Compute Market Token",
      symbol: "CMT",
      l2Gateway: await resolve(config.bridge.l2Gateway),
      l1Token: await resolve(config.bridge.l1Token),
    },
    license: {
      name: l.name,
      symbol: l.symbol,
      maxSupply: l.maxSupply,
      transferLockUntil: p.start + l.transferLockSeconds,
      unlockCeiling: p.start + l.unlockCeilingSeconds,
      royaltyReceiver: await resolve(l.royaltyReceiver),
      royaltyBps: l.royaltyBps,
      tierURIs: s.tiers.map((_t, tier) => `${l.tierBaseURI}${tier}/`),
    },
    sale: {
      treasury: await resolve(s.treasury),
      allowlistStart: p.start + s.allowlistStartSeconds,
      publicStart: p.start + s.publicStartSeconds,
      saleEnd: p.start + s.saleEndSeconds,
      allowlistRoot: allowlist.root,
      publicWalletCap: s.publicWalletCap,
      referralDiscountBps: s.referralDiscountBps,
      referralRebateBps: s.referralRebateBps,
      tiers: s.tiers.map((t) => ({
        quantity: t.quantity,
        priceWei: parseEther(t.priceEth),
        priceStable: parseUnits(t.priceStable, STABLE_DECIMALS),
      })),
    },
    rewards: {
      maxRewardsPerPeriod: parseEther(config.rewards.maxRewardsPerPeriod),
      periodSeconds: config.rewards.periodSeconds,
      claimDelaySeconds: config.rewards.claimDelaySeconds,
      claimWindowSeconds: config.rewards.claimWindowSeconds,
      poster: await resolve(config.rewards.rewardPoster),
    },
    escrow: {
      feeBps: e?.feeBps ?? 0,
      tokenDiscountBps: e?.tokenDiscountBps ?? 0,
      maxPriceStaleness: e?.maxPriceStalenessSeconds ?? 0,
      startTimeout: e?.startTimeoutSeconds ?? 0,
      disputeWindow: e?.disputeWindowSeconds ?? 0,
      maxPriceDeviationBps: e?.maxPriceDeviationBps ?? 0,
      initialTokenPrice: BigInt(e?.initialTokenPrice ?? 0),
    },
    roles: { admin, pauser, settler, priceSetter },
  };
  return { plan, allowlist };
}

interface DeployOptions {
  network?: TargetNetwork;
  log?: (line: string) => void;
  /** Ignition's deployment id (default `arbitrum-<network>`) and where its directory lives */
  deploymentId?: string;
  ignitionDir?: string;
  strategy?: Strategy;
  saltTag?: string;
  displayUi?: boolean;
}

async function arbitrumRun(
  connection: NetworkConnection,
  config: LicenseConfig,
  escrowConfig: EscrowConfig | undefined,
  opts: DeployOptions,
) {
  const { ethers } = connection;
  const [deployer] = await ethers.getSigners();
  const network = opts.network ?? (await targetNetwork(connection));
  const coin = await resolveStablecoin(ethers, config, network);
  const run = await openRun(connection, {
    deploymentId: opts.deploymentId ?? `arbitrum-${connection.networkName}`,
    ignitionDir: opts.ignitionDir ?? "ignition",
    configDigest: digest({ config, escrowConfig }),
    strategy: opts.strategy ?? "basic",
    saltTag: opts.saltTag,
    values: async () => ({ start: Number((await ethers.provider.getBlock("latest"))!.timestamp) }),
    log: opts.log,
  });
  const { plan, allowlist } = await arbitrumPlan(ethers, config, escrowConfig, {
    deployer: deployer.address,
    start: run.values.start,
    stablecoin: "address" in coin ? coin.address : "mock",
  });
  pinPlan(run, plan);
  return { deployer, run, plan, allowlist };
}

function coreContracts(
  addresses: Record<string, string>,
  deployer: Awaited<ReturnType<HardhatEthers["getSigners"]>>[number],
) {
  return {
    license: CheckerNodeLicense__factory.connect(addresses.license, deployer),
    sale: CheckerNodeSale__factory.connect(addresses.sale, deployer),
    rewards: CheckerRewards__factory.connect(addresses.rewards, deployer),
    token: L2ComputeToken__factory.connect(addresses.token, deployer),
    stable: addresses.stable ? MockStablecoin__factory.connect(addresses.stable, deployer) : undefined,
  };
}

/** The core (token, licence, sale, rewards; a test coin on local chains), the deployer as admin. */
export async function deployArbitrum(
  connection: NetworkConnection,
  config: LicenseConfig,
  opts: DeployOptions = {},
): Promise<ArbitrumDeployment> {
  const log = opts.log ?? (() => {});
  const { deployer, run, plan, allowlist } = await arbitrumRun(connection, config, undefined, {
    ...opts,
    deploymentId: opts.deploymentId ?? `arbitrum-core-${connection.networkName}`,
  });
  const { arbitrumCoreModule } = await import("../../ignition/modules/Arbitrum.js");
  const deployed = await deployModule(connection, arbitrumCoreModule(plan), run, {
    deployer: deployer.address,
    displayUi: opts.displayUi,
  });
  const addresses = recordAddresses(deployed, plan);
  for (const [k, v] of Object.entries(addresses)) log(`${k} ${v}`);
  return { ...coreContracts(deployed, deployer), allowlist, addresses, start: plan.start, run };
}

function recordAddresses(deployed: Record<string, string>, plan: ArbitrumPlan): Record<string, string> {
  const { stable, ...rest } = deployed;
  return { ...rest, stablecoin: stable ?? plan.stablecoin };
}

/** Who holds which role after the hand-over: what `audit:roles` and the deploy check compare. */
export function arbitrumRolePlans(addresses: Record<string, string>, plan: ArbitrumPlan): RolePlan[] {
  const r = plan.roles;
  return [
    {
      name: "license",
      address: addresses.license,
      grants: [
        { role: "DEFAULT_ADMIN_ROLE", holder: r.admin },
        { role: "MINTER_ROLE", holder: addresses.sale },
      ],
    },
    {
      name: "sale",
      address: addresses.sale,
      grants: [
        { role: "DEFAULT_ADMIN_ROLE", holder: r.admin },
        { role: "PAUSER_ROLE", holder: r.pauser },
        { role: "REFERRAL_ROLE", holder: r.admin },
      ],
    },
    {
      name: "rewards",
      address: addresses.rewards,
      grants: [
        { role: "DEFAULT_ADMIN_ROLE", holder: r.admin },
        { role: "PAUSER_ROLE", holder: r.pauser },
        { role: "REWARD_ROLE", holder: plan.rewards.poster },
      ],
    },
    {
      name: "rentalEscrow",
      address: addresses.rentalEscrow,
      grants: [
        { role: "DEFAULT_ADMIN_ROLE", holder: r.admin },
        { role: "PAUSER_ROLE", holder: r.pauser },
        { role: "SETTLER_ROLE", holder: r.settler },
      ],
    },
    {
      name: "priceOracle",
      address: addresses.priceOracle,
      grants: [
        { role: "DEFAULT_ADMIN_ROLE", holder: r.admin },
        { role: "PRICE_SETTER_ROLE", holder: r.priceSetter },
      ],
    },
  ];
}

/**
 * The whole Arbitrum side, as `deploy:arbitrum` runs it: licence, sale, rewards, bridged token,
 * rental escrow and its price oracle, swap escrow; then every role handed to the holders the
 * config names (docs/AUTHORITIES.md) and renounced by the deployer, and the result checked on chain.
 */
export async function deployArbitrumMarket(
  connection: NetworkConnection,
  config: LicenseConfig,
  escrowConfig: EscrowConfig,
  opts: DeployOptions = {},
) {
  const log = opts.log ?? (() => {});
  const { deployer, run, plan, allowlist } = await arbitrumRun(connection, config, escrowConfig, opts);
  const r = plan.roles;
  for (const [role, holder] of [
    ["DEFAULT_ADMIN_ROLE", r.admin],
    ["PAUSER_ROLE", r.pauser],
    ["SETTLER_ROLE", r.settler],
    ["PRICE_SETTER_ROLE", r.priceSetter],
    ["REWARD_ROLE", plan.rewards.poster],
  ]) {
    if (holder.toLowerCase() === deployer.address.toLowerCase()) {
      throw new Error(`the config gives ${role} to the deployer ${holder}; name another holder`);
    }
  }
  const { arbitrumMarketModule } = await import("../../ignition/modules/Arbitrum.js");
  const deployed = await deployModule(connection, arbitrumMarketModule(plan), run, {
    deployer: deployer.address,
    displayUi: opts.displayUi,
  });
  const addresses = recordAddresses(deployed, plan);
  for (const [k, v] of Object.entries(addresses)) log(`${k} ${v}`);
  await checkRoles(
    connection.ethers.provider,
    arbitrumRolePlans(addresses, plan),
    deployer.address,
    run.fromBlock,
  );
  return {
    ...coreContracts(deployed, deployer),
    escrow: RentalEscrow__factory.connect(addresses.rentalEscrow, deployer),
    oracle: ManualPriceOracle__factory.connect(addresses.priceOracle, deployer),
    allowlist,
    addresses,
    start: plan.start,
    run,
    plan,
    deployer: deployer.address,
    fromBlock: run.fromBlock,
  };
}
