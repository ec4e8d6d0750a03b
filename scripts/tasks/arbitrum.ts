// Licence buyers', operators' and the reward poster's commands on Arbitrum (Hardhat tasks, see
// hardhat.config.ts). All validate their inputs with zod and take --network and --dry-run.
import { formatEther, parseEther } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { z } from "zod";

import { writeDeployment, readDeployment } from "../../src/deployments.js";
import {
  allowlistProof,
  allowlistTree,
  Currency,
  deployArbitrumMarket,
  loadLicenseConfig,
  resolveStablecoin,
} from "../../src/evm/arbitrum.js";
import { loadEscrowConfig } from "../../src/evm/escrow.js";
import { checkEpochTarget, openRewardsEpoch, writeRewardsEpoch } from "../../src/evm/rewards.js";
import {
  CheckerNodeLicense__factory,
  CheckerNodeSale__factory,
  CheckerRewards__factory,
  IERC20Metadata__factory,
  MockStablecoin__factory,
} from "../../types/ethers-contracts/index.js";
import { report } from "../../src/errors.js";
import { formatAmount, parseAmount } from "../../src/units.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const Record = z.object({
  network: z.string(),
  chainId: z.number().int().positive(),
  addresses: z.object({
    license: address,
    sale: address,
    rewards: address,
    token: address,
    stablecoin: address,
    priceOracle: address,
  }),
  allowlist: z.array(z.object({ account: address, allowance: z.number() })),
  fromBlock: z.number().int().min(0).default(0),
});

function readRecord(networkName: string) {
  let raw: unknown;
  try {
    raw = readDeployment(`arbitrum-${networkName}`);
  } catch {
    throw new Error(
      `no deployments/arbitrum-${networkName}.json: run 'npx hardhat deploy:arbitrum --network ${networkName}'`,
    );
  }
  return Record.parse(raw);
}

async function context(hre: HardhatRuntimeEnvironment, account: string) {
  const { ethers, networkName } = await hre.network.getOrCreate();
  const record = readRecord(networkName);
  const index = z.coerce.number().int().min(0).parse(account);
  const signer = (await ethers.getSigners())[index];
  if (!signer) throw new Error(`--account ${index}: no such account`);
  return {
    ethers,
    record,
    signer,
    license: CheckerNodeLicense__factory.connect(record.addresses.license, signer),
    sale: CheckerNodeSale__factory.connect(record.addresses.sale, signer),
    rewards: CheckerRewards__factory.connect(record.addresses.rewards, signer),
  };
}

const BuyArgs = z.object({
  quantity: z.coerce.number().int().positive(),
  currency: z.enum(["eth", "stable"]),
  referral: z.string().max(31),
  maxTotal: z.string(),
});

export async function buyTask(
  args: {
    quantity: string;
    currency: string;
    referral: string;
    maxTotal: string;
    account: string;
    dryRun: boolean;
  },
  hre: HardhatRuntimeEnvironment,
) {
  const a = BuyArgs.parse(args);
  const ctx = await context(hre, args.account);
  const code = a.referral ? ctx.ethers.encodeBytes32String(a.referral) : ctx.ethers.ZeroHash;
  const currency = a.currency === "eth" ? Currency.ETH : Currency.STABLE;
  const [total, gross, discount] = await ctx.sale.quote(a.quantity, currency, code);
  const fmt = (v: bigint) =>
    currency === Currency.ETH ? `${formatEther(v)} ETH` : `${Number(v) / 1e6} stable`;
  console.log(
    `quote for ${a.quantity}: ${fmt(total)} (gross ${fmt(gross)}, referral discount ${fmt(discount)})`,
  );
  const maxTotal = a.maxTotal === "" ? total : BigInt(a.maxTotal);
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
  let allowance = 0n;
  let proof: string[] = [];
  if (now < (await ctx.sale.publicStart())) {
    const found = allowlistProof(allowlistTree(ctx.record.allowlist), ctx.signer.address);
    if (!found)
      throw new Error(`${ctx.signer.address} is not on the allowlist and the public phase has not begun`);
    ({ allowance, proof } = found);
  }
  if (args.dryRun) return console.log("dry run: not bought");
  if (currency === Currency.STABLE) {
    const stable = MockStablecoin__factory.connect(ctx.record.addresses.stablecoin, ctx.signer);
    await (await stable.approve(ctx.record.addresses.sale, total)).wait();
  }
  const tx = await ctx.sale.buy(a.quantity, currency, code, maxTotal, allowance, proof, {
    value: currency === Currency.ETH ? total : 0n,
  });
  const receipt = await tx.wait();
  const event = receipt!.logs.map((l) => ctx.sale.interface.parseLog(l)).find((e) => e?.name === "Purchased");
  const first = event!.args.firstTokenId as bigint;
  console.log(
    `bought licences ${first}..${first + BigInt(a.quantity) - 1n} for ${fmt(total)} in ${receipt!.hash}`,
  );
}

export async function delegateTask(
  args: { ids: string; operator: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ids = z.array(z.coerce.bigint().positive()).min(1).parse(args.ids.split(",").filter(Boolean));
  const ctx = await context(hre, args.account);
  const signerRef = /^signer:(\d+)$/.exec(args.operator);
  const operator =
    args.operator === ""
      ? ctx.ethers.ZeroAddress
      : signerRef
        ? (await ctx.ethers.getSigners())[Number(signerRef[1])].address
        : address.parse(args.operator);
  console.log(`${ctx.signer.address}: licences ${ids.join(",")} operated by ${operator}`);
  if (args.dryRun) return console.log("dry run: not sent");
  await (await ctx.license.setOperator(ids, operator)).wait();
  console.log("done");
}

/** Builds the epoch artifact (a directory: src/epoch/artifact.ts) for the rewards contract of
 *  `--network`'s deployment record (its chain id and address are part of every leaf); reads the
 *  record only, sends nothing. */
export async function buildEpochTask(
  args: { epoch: string; budget: string; reports: string; out: string },
  hre: HardhatRuntimeEnvironment,
) {
  const epoch = z.coerce.bigint().nonnegative().parse(args.epoch);
  const budget = parseEther(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .parse(args.budget),
  );
  const networkName = hre.globalOptions.network;
  if (networkName === undefined)
    throw new Error(
      "rewards:build-epoch needs --network <the Arbitrum network>: every leaf commits to its chain id and rewards contract, read from deployments/arbitrum-<network>.json",
    );
  const record = readRecord(networkName);
  const domain = { chainId: BigInt(record.chainId), rewards: record.addresses.rewards, epoch };
  const m = await writeRewardsEpoch(args.out, domain, budget, args.reports);
  console.log(
    `epoch ${epoch} for rewards ${m.domain.rewards} on chain ${m.domain.chainId} (${networkName}): ${m.leafCount} licences, total ${formatEther(BigInt(m.total))}, root ${m.root} -> ${args.out}/`,
  );
}

/** The rewards context of a task that acts on an epoch artifact: refuses one built for another
 *  chain or contract than this network's. */
async function epochContext(hre: HardhatRuntimeEnvironment, account: string, epochDir: string) {
  const e = await openRewardsEpoch(epochDir);
  const ctx = await context(hre, account);
  const { chainId } = await ctx.ethers.provider.getNetwork();
  checkEpochTarget(e.manifest.domain as { chainId: string; rewards: string }, {
    chainId,
    rewards: ctx.record.addresses.rewards,
  });
  return { e, m: e.manifest, ctx };
}

export async function postTask(
  args: { epochDir: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const { e, m, ctx } = await epochContext(hre, args.account, args.epochDir);
  await e.close();
  const period = await ctx.rewards.currentPeriod();
  const [posted, cap] = await Promise.all([
    ctx.rewards.postedInPeriod(period),
    ctx.rewards.maxRewardsPerPeriod(),
  ]);
  console.log(
    `post epoch ${m.epoch}: root ${m.root}, total ${formatEther(BigInt(m.total))}, ${m.leafCount} licences (period ${period}: ${formatEther(posted)} of ${formatEther(cap)} posted)`,
  );
  if (args.dryRun) return console.log("dry run: not posted");
  await (await ctx.rewards.postEpoch(BigInt(m.epoch), m.root, BigInt(m.total))).wait();
  const [, , opensAt] = await ctx.rewards.epochs(BigInt(m.epoch));
  const expiry = await ctx.rewards.expiryOf(BigInt(m.epoch));
  const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString();
  console.log(
    `posted; claims open at ${iso(opensAt)} and close at ${iso(expiry)} (later if paused meanwhile)`,
  );
}

export async function claimTask(
  args: { epochDir: string; account: string; batch: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const { e, m, ctx } = await epochContext(hre, args.account, args.epochDir);
  const epoch = BigInt(m.epoch);
  // the end of the claim window, pushed back by any pause since the epoch was posted (0: not posted)
  const expiry = await ctx.rewards.expiryOf(epoch);
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
  if (expiry !== 0n && now >= expiry)
    throw new Error(`epoch ${m.epoch} expired at ${new Date(Number(expiry) * 1000).toISOString()}`);
  const me = ctx.signer.address;
  // The licences the account may claim for: those transferred to it or put under its operation
  // (logs since deployment), as they stand now. Each is looked up in the artifact (one shard and
  // ~log2(n) nodes), so an epoch of 10^6 licences is never read whole.
  const from = ctx.record.fromBlock;
  const [received, operated] = await Promise.all([
    ctx.license.queryFilter(ctx.license.filters.Transfer(undefined, me), from),
    ctx.license.queryFilter(ctx.license.filters.OperatorSet(undefined, undefined, me), from),
  ]);
  const candidates = [...new Set([...received, ...operated].map((l) => l.args.tokenId))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const mine = [];
  for (const id of candidates) {
    const [owner, operator, claimed] = await Promise.all([
      ctx.license.ownerOf(id).catch(() => undefined), // burned: nobody's
      ctx.license.operatorOf(id),
      ctx.rewards.isClaimed(epoch, id),
    ]);
    if (!owner || claimed || (owner !== me && operator !== me)) continue;
    const c = await e.lookup(id); // read from the artifact, checked against its root
    if (c) mine.push({ epoch, tokenId: id, amount: c.amount, proof: c.proof });
  }
  await e.close();
  if (mine.length === 0) throw new Error(`nothing to claim for ${me} in epoch ${m.epoch}`);
  const sum = mine.reduce((s, c) => s + c.amount, 0n);
  const batch = z.coerce.number().int().min(1).max(500).parse(args.batch);
  const txs = Math.ceil(mine.length / batch);
  console.log(
    `${me} claims ${mine.length} licences, ${formatEther(sum)} tokens (paid to the holders), in ${txs} transactions of at most ${batch}`,
  );
  if (args.dryRun) return console.log("dry run: not claimed");
  // Resumable: a re-run finds the licences already paid claimed on chain and leaves them out.
  for (let i = 0; i < mine.length; i += batch) {
    const receipt = await (await ctx.rewards.claim(mine.slice(i, i + batch))).wait();
    console.log(`claimed ${Math.min(i + batch, mine.length)}/${mine.length} in ${receipt!.hash}`);
  }
}

/** Anyone: closes an epoch whose claim window has ended; its unclaimed remainder returns to the pool. */
export async function closeEpochTask(
  args: { epoch: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const epoch = z.coerce.bigint().nonnegative().parse(args.epoch);
  const ctx = await context(hre, args.account);
  const [root, total, , , claimed, , closed] = await ctx.rewards.epochs(epoch);
  if (root === ctx.ethers.ZeroHash) throw new Error(`epoch ${epoch} was never posted`);
  if (closed) throw new Error(`epoch ${epoch} is already closed`);
  if (await ctx.rewards.paused()) throw new Error("the rewards contract is paused: nothing can be closed");
  // the end of the claim window, pushed back by any pause since the epoch was posted
  const expiry = await ctx.rewards.expiryOf(epoch);
  const now = BigInt((await ctx.ethers.provider.getBlock("latest"))!.timestamp);
  if (now < expiry)
    throw new Error(`epoch ${epoch} can be closed from ${new Date(Number(expiry) * 1000).toISOString()}`);
  console.log(`close epoch ${epoch}: releases ${formatEther(total - claimed)} unclaimed tokens to the pool`);
  if (args.dryRun) return console.log("dry run: not sent");
  await (await ctx.rewards.closeEpoch(epoch)).wait();
  console.log("closed");
}

/** Binds a referral code to the account `--account`. Codes are assigned by the referral manager
 *  (REFERRAL_ROLE on the sale), never self-registered: the transaction is sent by the first local
 *  account holding that role (the config's `roles.admin` after deploy:arbitrum). */
export async function referralTask(
  args: { code: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const code = z.string().min(1).max(31).parse(args.code);
  const ctx = await context(hre, args.account);
  const referrer = ctx.signer.address;
  const code32 = ctx.ethers.encodeBytes32String(code);
  const taken = await ctx.sale.referrerOf(code32);
  if (taken !== ctx.ethers.ZeroAddress) throw new Error(`referral code ${code} is already bound to ${taken}`);
  const role = await ctx.sale.REFERRAL_ROLE();
  const signers = await ctx.ethers.getSigners();
  const holds = await Promise.all(signers.map((s) => ctx.sale.hasRole(role, s.address)));
  const manager = signers[holds.indexOf(true)];
  if (!manager)
    throw new Error(
      `no local account holds REFERRAL_ROLE on ${ctx.record.addresses.sale}: the referral manager must call registerReferralCode(${code32}, ${referrer})`,
    );
  console.log(`referral manager ${manager.address} binds code ${code} to ${referrer}`);
  if (args.dryRun) return console.log("dry run: not sent");
  await (await ctx.sale.connect(manager).registerReferralCode(code32, referrer)).wait();
  console.log("registered");
}

const LOCAL_ARBITRUM = 412346n;

/** Local only: plays the L2 gateway and mints bridged tokens (to the rewards contract unless
 *  --to is given), and test stablecoin with --stable. */
export async function bridgeDepositTask(
  args: { amount: string; gatewayAccount: string; to: string; stable: string },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.gatewayAccount);
  const { chainId } = await ctx.ethers.provider.getNetwork();
  if (chainId !== LOCAL_ARBITRUM)
    throw new Error(`dev:bridge-deposit only runs on the local Arbitrum chain (${LOCAL_ARBITRUM})`);
  const amount = parseEther(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .parse(args.amount),
  );
  const { L2ComputeToken__factory } = await import("../../types/ethers-contracts/index.js");
  const token = L2ComputeToken__factory.connect(ctx.record.addresses.token, ctx.signer);
  const signerRef = /^signer:(\d+)$/.exec(args.to);
  const to =
    args.to === ""
      ? ctx.record.addresses.rewards
      : signerRef
        ? (await ctx.ethers.getSigners())[Number(signerRef[1])].address
        : address.parse(args.to);
  await (await token.bridgeMint(to, amount)).wait();
  console.log(`bridged ${formatEther(amount)} tokens to ${to}`);
  const stable = await stableDenomination(ctx);
  const stableUnits = parseAmount(args.stable || "0", stable, "--stable");
  if (stableUnits > 0n) {
    await (
      await MockStablecoin__factory.connect(ctx.record.addresses.stablecoin, ctx.signer).mint(to, stableUnits)
    ).wait();
    console.log(`minted ${formatAmount(stableUnits, stable)} (test stablecoin) to ${to}`);
  }
}

async function stableDenomination(ctx: Awaited<ReturnType<typeof context>>) {
  const coin = IERC20Metadata__factory.connect(ctx.record.addresses.stablecoin, ctx.signer);
  return { decimals: Number(await coin.decimals()), symbol: await coin.symbol() };
}

/** The price relayer (PRICE_SETTER_ROLE) posts the market token's price for RentalEscrow. */
export async function setPriceTask(
  args: { price: string; account: string; dryRun: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const ctx = await context(hre, args.account);
  const stable = await stableDenomination(ctx);
  const price = parseAmount(args.price, stable, "--price");
  if (price === 0n) throw new Error("--price: must be above 0");
  const oracleAddress = ctx.record.addresses.priceOracle;
  console.log(`token price ${formatAmount(price, stable)} per token on ${oracleAddress}`);
  if (args.dryRun) return console.log("dry run: not sent");
  const { ManualPriceOracle__factory } = await import("../../types/ethers-contracts/index.js");
  const oracle = ManualPriceOracle__factory.connect(oracleAddress, ctx.signer);
  await report(
    "escrow:set-price",
    oracle.setPrice(price).then((tx) => tx.wait()),
  );
  console.log("price set");
}
