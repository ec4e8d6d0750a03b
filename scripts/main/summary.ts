// The end of `npm run main`: what happened on the three local chains, read back from chain state
// and events (nothing here is taken from the commands' own output), as one table.
//   npx tsx scripts/main/summary.ts --solana-key supplier=<keypair> --solana-key customer=<keypair> ...
import { getAccount, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { Command } from "commander";

import { readDeployment } from "../../src/deployments.js";
import { errorReason } from "../../src/errors.js";
import { erc20Denomination } from "../../src/evm/context.js";
import { loadTokenomics } from "../../src/evm/tokenomics.js";
import { readKeypair, solanaContext } from "../../src/solana/context.js";
import { fetchSubsidyEpoch, ignitionPool } from "../../src/solana/ignition.js";
import { formatAmount, type Denomination } from "../../src/units.js";

const program = new Command("summary")
  .description("print what happened on the local chains, read from chain")
  .option("--solana-key <name=keypair>", "a named Solana party whose balances to show", collect, [])
  .option("--subsidy-epoch <n>", "the ignition-subsidy epoch to show", "1")
  .parse();

function collect(v: string, acc: string[]) {
  return [...acc, v];
}

const rows: [string, string, string][] = [];
const row = (chain: string, what: string, figure: string) => rows.push([chain, what, figure]);

async function ethereum() {
  const { network } = await import("hardhat");
  const { ethers } = await network.create({ network: "localhost" });
  const types = await import("../../types/ethers-contracts/index.js");
  const record = readDeployment<{ addresses: Record<string, string>; tokenomics: string; fromBlock: number }>(
    "ethereum-localhost",
  );
  const a = record.addresses;
  const CMT = await erc20Denomination(ethers, a.token);
  const signers = await ethers.getSigners();
  const named = (ref: string) => {
    const m = /^signer:(\d+)$/.exec(ref);
    return m ? `${signers[Number(m[1])].address} (${ref})` : ref;
  };
  const token = types.ComputeToken__factory.connect(a.token, ethers.provider);
  const schedule = types.EmissionSchedule__factory.connect(a.emissionSchedule, ethers.provider);
  const governor = types.ComputeGovernor__factory.connect(a.governor, ethers.provider);
  const config = loadTokenomics(record.tokenomics);
  row("Ethereum", "token supply (cap, minted at genesis)", formatAmount(await token.totalSupply(), CMT));
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  for (const b of config.buckets) {
    let where = "";
    if (b.kind === "vesting") {
      const w = types.ComputeVestingWallet__factory.connect(a[`vesting.${b.name}`], ethers.provider);
      const vested = await w["vestedAmount(address,uint64)"](a.token, now);
      where = `vesting wallet (${b.cliffDays} d cliff, ${b.durationDays} d): ${formatAmount(vested, CMT)} vested`;
    } else if (b.kind === "emission") where = "emission schedule";
    else where = b.recipient === "timelock" ? "timelock (treasury)" : named(b.recipient);
    row("Ethereum", `allocation ${b.name}`, `${formatAmount(b.amount, CMT)} -> ${where}`);
  }
  const released = await schedule.queryFilter(schedule.filters.EpochReleased(), record.fromBlock);
  const paid = await schedule.queryFilter(schedule.filters.SinkPaid(), record.fromBlock);
  const sinks = new Map<string, bigint>();
  for (const p of paid) sinks.set(p.args.sink, (sinks.get(p.args.sink) ?? 0n) + p.args.amount);
  row(
    "Ethereum",
    `emission released through governance (${released.length} epoch${released.length === 1 ? "" : "s"})`,
    `${formatAmount(await schedule.totalReleased(), CMT)}: ${[...sinks.entries()]
      .map(([s, v]) => `${formatAmount(v, CMT)} to ${s.slice(0, 8)}…`)
      .join(", ")}`,
  );
  const STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"];
  const proposals = await governor.queryFilter(governor.filters.ProposalCreated(), record.fromBlock);
  const states = await Promise.all(
    proposals.map(async (p) => STATES[Number(await governor.state(p.args.proposalId))]),
  );
  row("Ethereum", "governance proposals", states.map((s, i) => `#${i + 1} ${s}`).join(", ") || "none");
  const htlc = types.HTLCEscrow__factory.connect(a.htlcEscrow, ethers.provider);
  const withdrawn = await htlc.queryFilter(htlc.filters.Withdrawn(), record.fromBlock);
  row("Ethereum", "swap legs withdrawn with the secret (HTLCEscrow)", String(withdrawn.length));
}

async function arbitrum() {
  const { network } = await import("hardhat");
  const { ethers } = await network.create({ network: "localArbitrum" });
  const types = await import("../../types/ethers-contracts/index.js");
  const record = readDeployment<{ addresses: Record<string, string>; fromBlock: number }>(
    "arbitrum-localArbitrum",
  );
  const a = record.addresses;
  const [USDC, CMT] = await Promise.all([
    erc20Denomination(ethers, a.stablecoin),
    erc20Denomination(ethers, a.token),
  ]);
  const sale = types.CheckerNodeSale__factory.connect(a.sale, ethers.provider);
  const rewards = types.CheckerRewards__factory.connect(a.rewards, ethers.provider);
  const escrow = types.RentalEscrow__factory.connect(a.rentalEscrow, ethers.provider);
  const ETH: Denomination = { decimals: 18, symbol: "ETH" };
  const purchases = await sale.queryFilter(sale.filters.Purchased(), record.fromBlock);
  const sold = purchases.reduce((n, p) => n + p.args.quantity, 0n);
  const eth = purchases.filter((p) => p.args.currency === 0n).reduce((n, p) => n + p.args.total, 0n);
  const stable = purchases.filter((p) => p.args.currency === 1n).reduce((n, p) => n + p.args.total, 0n);
  const tiers = await Promise.all((await sale.tiers()).map((t) => t.quantity));
  row(
    "Arbitrum",
    `licences sold (tiers of ${tiers.join("/")})`,
    `${sold} for ${formatAmount(eth, ETH)} + ${formatAmount(stable, USDC)} (${purchases.length} purchase${purchases.length === 1 ? "" : "s"}, ${purchases.filter((p) => p.args.referralCode !== "0x" + "0".repeat(64)).length} with a referral)`,
  );
  const posted = await rewards.queryFilter(rewards.filters.EpochPosted(), record.fromBlock);
  const claimed = await rewards.queryFilter(rewards.filters.RewardClaimed(), record.fromBlock);
  row(
    "Arbitrum",
    `checker rewards (${posted.length} epoch${posted.length === 1 ? "" : "s"} posted)`,
    `${formatAmount(
      posted.reduce((n, p) => n + p.args.total, 0n),
      CMT,
    )} posted, ${formatAmount(
      claimed.reduce((n, c) => n + c.args.amount, 0n),
      CMT,
    )} claimed for ${new Set(claimed.map((c) => c.args.tokenId)).size} licences`,
  );
  const created = await escrow.queryFilter(escrow.filters.RentalCreated(), record.fromBlock);
  const settled = await escrow.queryFilter(escrow.filters.RentalSettled(), record.fromBlock);
  for (const c of created) {
    const d = c.args.currency === 0n ? USDC : CMT;
    const s = settled.find((x) => x.args.rentalId === c.args.rentalId);
    row(
      "Arbitrum",
      `GPU rental #${c.args.rentalId} in ${d.symbol} (${c.args.hours_} h)`,
      `paid ${formatAmount(c.args.price + c.args.fee, d)}` +
        (s
          ? `; ${s.args.delivered} h delivered: supplier ${formatAmount(s.args.toSupplier, d)}, fee ${formatAmount(s.args.fee, d)}, refund ${formatAmount(s.args.refund, d)}`
          : "; not settled"),
    );
  }
}

async function solana(subsidyEpoch: bigint, keys: string[]) {
  const ctx = solanaContext({});
  const record = readDeployment<{ stableMint: string; tokenMint: string; treasury: string }>(
    "solana-localnet",
  );
  const [stableMint, tokenMint] = [new PublicKey(record.stableMint), new PublicKey(record.tokenMint)];
  const USDC = await ctx.denomination(stableMint);
  const CMT = await ctx.denomination(tokenMint);
  const program = ctx.program;
  const pool = await ignitionPool(program, ctx.market);
  row(
    "Solana",
    "ignition pool",
    `funded ${formatAmount(pool.funded, CMT)}, paid ${formatAmount(pool.paid, CMT)}, reserved ${formatAmount(pool.reserved, CMT)}`,
  );
  const e = await fetchSubsidyEpoch(program, ctx.market, subsidyEpoch);
  if (e) {
    row(
      "Solana",
      `ignition subsidy epoch ${subsidyEpoch}`,
      `${e.leafCount} suppliers, ${formatAmount(e.total, CMT)} posted, ${e.claims} claim${e.claims === 1 ? "" : "s"} paid ${formatAmount(e.claimed, CMT)}`,
    );
  }
  const balance = async (owner: PublicKey, mint: PublicKey) => {
    try {
      return (await getAccount(ctx.connection, getAssociatedTokenAddressSync(mint, owner, true))).amount;
    } catch {
      return 0n;
    }
  };
  const parties: [string, PublicKey][] = [
    ...keys.map((k): [string, PublicKey] => {
      const [name, file] = k.split("=");
      return [name, readKeypair(file).publicKey];
    }),
    ["treasury", new PublicKey(record.treasury)],
  ];
  for (const [name, owner] of parties) {
    row(
      "Solana",
      `balance of ${name}`,
      `${formatAmount(await balance(owner, stableMint), USDC)}, ${formatAmount(await balance(owner, tokenMint), CMT)}`,
    );
  }
}

async function main() {
  const opts = program.opts<{ solanaKey: string[]; subsidyEpoch: string }>();
  await ethereum();
  await arbitrum();
  await solana(BigInt(opts.subsidyEpoch), opts.solanaKey);
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`${"chain".padEnd(w[0])}  ${"what".padEnd(w[1])}  figure`);
  console.log(`${"-".repeat(w[0])}  ${"-".repeat(w[1])}  ${"-".repeat(40)}`);
  for (const [c, what, figure] of rows) console.log(`${c.padEnd(w[0])}  ${what.padEnd(w[1])}  ${figure}`);
}

main().catch((err: unknown) => {
  console.error(`error: ${errorReason(err)}`);
  process.exit(1);
});
