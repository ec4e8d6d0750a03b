// Deploys the Solana side: creates (on localnet) the test mints, initializes the market (its
// subsidy authority and ignition-subsidy settings included), creates and funds the ignition
// vault, and writes deployments/solana-<network>.json.
//   npx tsx scripts/deploy/solana.ts --config config/solana/localnet.json --rpc-url http://127.0.0.1:8899
import { readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

import { Wallet } from "@anchor-lang/core";
import { createAccount, createMint, mintTo } from "@solana/spl-token";
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from "@solana/web3.js";
import { Command } from "commander";
import { z } from "zod";

import { DEPLOYMENTS_DIR, writeDeployment } from "../../src/deployments.js";
import { initEscrowVaults, setTokenPrice } from "../../src/solana/escrow.js";
import { SUBSIDY_BOUNDS } from "../../src/solana/ignition.js";
import {
  fundIgnition,
  initIgnitionVault,
  initializeMarket,
  marketAddress,
  marketProgram,
  MAX_BPS,
  MAX_FEE_BPS,
  PROGRAM_ID,
  TIME_BOUNDS,
} from "../../src/solana/market.js";
import { SolanaPubkey } from "../../src/solana/validation.js";

const pubkey = SolanaPubkey;
/** Seconds within the program's bounds for `name` (`TIME_BOUNDS`, read from the IDL). */
const seconds = (name: keyof typeof TIME_BOUNDS, fallback: number) =>
  z.number().int().min(TIME_BOUNDS[name][0]).max(TIME_BOUNDS[name][1]).default(fallback);
/** Seconds within the program's bounds for subsidy setting `name` (`SUBSIDY_BOUNDS`, from the IDL). */
const subsidySeconds = (name: keyof typeof SUBSIDY_BOUNDS, fallback: number) =>
  z.number().int().min(SUBSIDY_BOUNDS[name][0]).max(SUBSIDY_BOUNDS[name][1]).default(fallback);
const U64_MAX = 2n ** 64n - 1n;

const Config = z
  .object({
    network: z.string().regex(/^[a-z0-9-]+$/),
    feeBps: z.number().int().min(0).max(MAX_FEE_BPS),
    tokenDiscountBps: z.number().int().min(0).max(MAX_BPS),
    treasury: pubkey.optional(),
    createTestMints: z.boolean().default(false),
    stableMint: pubkey.optional(),
    tokenMint: pubkey.optional(),
    stableDecimals: z.number().int().min(0).max(18).default(6),
    tokenDecimals: z.number().int().min(0).max(18).default(9),
    ignitionFunding: z.string().regex(/^\d+$/).default("0"),
    /** a token price older than this is refused (seconds) */
    maxPriceStaleness: seconds("maxPriceStaleness", 3_600),
    /** time a supplier has to start a rental, paused time not counted (seconds) */
    startTimeout: seconds("startTimeout", 3_600),
    /** time after a rental's end to dispute it; the authority has one more to rule (seconds) */
    disputeWindow: seconds("disputeWindow", 86_400),
    /** stablecoin base units per whole token; the deployer is the price authority at first */
    initialTokenPrice: z.string().regex(/^\d+$/).optional(),
    /** posts ignition-subsidy epochs (default: the deployer) */
    subsidyAuthority: pubkey.optional(),
    /** most market-token base units posted over all subsidy epochs of one subsidy period */
    maxSubsidyPerPeriod: z
      .string()
      .regex(/^[1-9]\d*$/, "a positive integer (base units)")
      .refine((v) => BigInt(v) <= U64_MAX, "at most 2^64 - 1"),
    /** length of a subsidy period, over which maxSubsidyPerPeriod applies (seconds) */
    subsidyPeriod: subsidySeconds("period", 86_400),
    /** from posting an epoch to its claims opening; its root may be replaced until then (seconds) */
    subsidyClaimDelay: subsidySeconds("claimDelay", 3_600),
    /** how long an epoch's claims stay open; then anyone closes it back to the pool (seconds) */
    subsidyClaimWindow: subsidySeconds("claimWindow", 30 * 86_400),
  })
  .refine((c) => c.createTestMints || (c.stableMint && c.tokenMint), {
    message: "stableMint and tokenMint are required unless createTestMints is true",
  });

const program = new Command("deploy-solana")
  .description("Deploy compute-market's Solana market configuration")
  .requiredOption("--config <file>", "deployment config (JSON)")
  .option("--rpc-url <url>", "Solana JSON-RPC endpoint", "http://127.0.0.1:8899")
  .option("--keypair <file>", "deployer keypair (JSON array); default: a fresh airdropped key on localnet")
  .option("--dry-run", "validate and print the plan without sending transactions", false)
  .parse();

async function main() {
  const opts = program.opts<{ config: string; rpcUrl: string; keypair?: string; dryRun: boolean }>();
  const parsed = Config.safeParse(JSON.parse(readFileSync(opts.config, "utf8")));
  if (!parsed.success) throw new Error(`invalid config ${opts.config}: ${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const connection = new Connection(opts.rpcUrl, "confirmed");
  (connection as unknown as { _disableBlockhashCaching: boolean })._disableBlockhashCaching =
    config.network === "localnet";

  const deployer = opts.keypair
    ? Keypair.fromSecretKey(
        Uint8Array.from(JSON.parse(readFileSync(opts.keypair.replace(/^~/, homedir()), "utf8"))),
      )
    : Keypair.generate();
  const plan = {
    network: config.network,
    programId: PROGRAM_ID.toBase58(),
    deployer: deployer.publicKey.toBase58(),
    market: marketAddress(deployer.publicKey).toBase58(),
    feeBps: config.feeBps,
    tokenDiscountBps: config.tokenDiscountBps,
    maxPriceStaleness: config.maxPriceStaleness,
    startTimeout: config.startTimeout,
    disputeWindow: config.disputeWindow,
    subsidyAuthority: config.subsidyAuthority ?? deployer.publicKey.toBase58(),
    maxSubsidyPerPeriod: config.maxSubsidyPerPeriod,
    subsidyPeriod: config.subsidyPeriod,
    subsidyClaimDelay: config.subsidyClaimDelay,
    subsidyClaimWindow: config.subsidyClaimWindow,
  };
  if (opts.dryRun) {
    console.log(JSON.stringify({ dryRun: true, ...plan }, null, 2));
    return;
  }
  if (!opts.keypair) {
    if (config.network !== "localnet") throw new Error("--keypair is required outside localnet");
    const sig = await connection.requestAirdrop(deployer.publicKey, 100 * LAMPORTS_PER_SOL);
    await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) });
  }

  let stableMint: PublicKey;
  let tokenMint: PublicKey;
  if (config.createTestMints) {
    stableMint = await createMint(connection, deployer, deployer.publicKey, null, config.stableDecimals);
    tokenMint = await createMint(connection, deployer, deployer.publicKey, null, config.tokenDecimals);
  } else {
    stableMint = new PublicKey(config.stableMint!);
    tokenMint = new PublicKey(config.tokenMint!);
  }
  const treasury = config.treasury ? new PublicKey(config.treasury) : deployer.publicKey;
  const anchorProgram = marketProgram(connection, new Wallet(deployer));
  const { market, signature } = await initializeMarket(anchorProgram, {
    stableMint,
    tokenMint,
    treasury,
    feeBps: config.feeBps,
    tokenDiscountBps: config.tokenDiscountBps,
    maxPriceStaleness: config.maxPriceStaleness,
    startTimeout: config.startTimeout,
    disputeWindow: config.disputeWindow,
    subsidyAuthority: new PublicKey(plan.subsidyAuthority),
    maxSubsidyPerPeriod: BigInt(config.maxSubsidyPerPeriod),
    subsidyPeriod: config.subsidyPeriod,
    subsidyClaimDelay: config.subsidyClaimDelay,
    subsidyClaimWindow: config.subsidyClaimWindow,
  });
  const { vault } = await initIgnitionVault(anchorProgram, market);
  await initEscrowVaults(anchorProgram, market);
  if (config.initialTokenPrice) await setTokenPrice(anchorProgram, market, BigInt(config.initialTokenPrice));
  const funding = BigInt(config.ignitionFunding);
  if (funding > 0n) {
    const from = await createAccount(connection, deployer, tokenMint, deployer.publicKey, Keypair.generate());
    if (config.createTestMints) await mintTo(connection, deployer, tokenMint, from, deployer, funding);
    await fundIgnition(anchorProgram, market, from, funding);
  }
  const record = {
    ...plan,
    rpcUrl: opts.rpcUrl,
    market: market.toBase58(),
    stableMint: stableMint.toBase58(),
    tokenMint: tokenMint.toBase58(),
    treasury: treasury.toBase58(),
    ignitionVault: vault.toBase58(),
    ignitionFunded: funding.toString(),
    initializeSignature: signature,
    deployedAt: new Date().toISOString(),
  };
  const file = writeDeployment(`solana-${config.network}`, record);
  if (config.network === "localnet") {
    // local tools (the CLI's faucet, the authority's settlements) need the ephemeral deployer
    writeFileSync(
      path.join(DEPLOYMENTS_DIR, "solana-localnet.deployer.json"),
      JSON.stringify([...deployer.secretKey]),
    );
  }
  console.log(JSON.stringify(record, null, 2));
  console.log(`record written to ${file}`);
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
