// Deploys compute-market's Solana market configuration one step at a time: (test mints), the
// market, the ignition vault, both escrow vaults, the token price, the ignition funding. Every
// step reads the chain first and sends only what is missing, and the record
// deployments/solana-<network>.json is rewritten (atomically) after every step with the steps
// done so far: an interrupted run resumes where it stopped, a finished one sends nothing.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

import { Wallet } from "@anchor-lang/core";
import {
  createInitializeMint2Instruction,
  getAccount,
  getAssociatedTokenAddressSync,
  getOrCreateAssociatedTokenAccount,
  MINT_SIZE,
  mintTo,
  TOKEN_PROGRAM_ID,
  unpackMint,
} from "@solana/spl-token";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  sendAndConfirmTransaction,
  SystemProgram,
  Transaction,
} from "@solana/web3.js";
import { z } from "zod";

import { DEPLOYMENTS_DIR, writeDeployment } from "../deployments.js";

import { escrowVaultAddress, setTokenPrice } from "./escrow.js";
import { SUBSIDY_BOUNDS } from "./ignition.js";
import {
  fundIgnition,
  ignitionVaultAddress,
  initIgnitionVault,
  initializeMarket,
  marketAddress,
  marketProgram,
  MAX_BPS,
  MAX_FEE_BPS,
  PROGRAM_ID,
  TIME_BOUNDS,
} from "./market.js";
import { deployProgram } from "./loader.js";
import { localProgramKeypair, PROGRAM_SO } from "./localnet.js";
import { SolanaPubkey } from "./validation.js";

/** Seconds within the program's bounds for `name` (`TIME_BOUNDS`, read from the IDL). */
const seconds = (name: keyof typeof TIME_BOUNDS, fallback: number) =>
  z.number().int().min(TIME_BOUNDS[name][0]).max(TIME_BOUNDS[name][1]).default(fallback);
/** Seconds within the program's bounds for subsidy setting `name` (`SUBSIDY_BOUNDS`, from the IDL). */
const subsidySeconds = (name: keyof typeof SUBSIDY_BOUNDS, fallback: number) =>
  z.number().int().min(SUBSIDY_BOUNDS[name][0]).max(SUBSIDY_BOUNDS[name][1]).default(fallback);
const U64_MAX = 2n ** 64n - 1n;

export const DeployConfig = z
  .object({
    network: z.string().regex(/^[a-z0-9-]+$/),
    feeBps: z.number().int().min(0).max(MAX_FEE_BPS),
    tokenDiscountBps: z.number().int().min(0).max(MAX_BPS),
    treasury: SolanaPubkey.optional(),
    createTestMints: z.boolean().default(false),
    stableMint: SolanaPubkey.optional(),
    tokenMint: SolanaPubkey.optional(),
    stableDecimals: z.number().int().min(0).max(18).default(6),
    tokenDecimals: z.number().int().min(0).max(18).default(9),
    /** market-token base units the ignition vault is funded with, in all (never twice) */
    ignitionFunding: z.string().regex(/^\d+$/).default("0"),
    /** a token price older than this is refused (seconds) */
    maxPriceStaleness: seconds("maxPriceStaleness", 3_600),
    /** time a supplier has to start a rental, paused time not counted (seconds) */
    startTimeout: seconds("startTimeout", 3_600),
    /** time after a rental's end to dispute it; the authority has one more to rule (seconds) */
    disputeWindow: seconds("disputeWindow", 86_400),
    /** stablecoin base units per whole token; the deployer is the price authority at first */
    initialTokenPrice: z.string().regex(/^\d+$/).optional(),
    /** posts ignition-subsidy epochs (default: the deployer; required on public clusters) */
    subsidyAuthority: SolanaPubkey.optional(),
    /** the price relayer after deployment (the deployer sets the first price, then hands it over;
     *  required on public clusters) */
    priceAuthority: SolanaPubkey.optional(),
    /** the market authority after deployment (a multisig): the deploy proposes it
     *  (`transfer_authority`), it accepts with `accept_authority` (required on public clusters) */
    authority: SolanaPubkey.optional(),
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
export type DeployConfig = z.infer<typeof DeployConfig>;

export function readDeployConfig(file: string): DeployConfig {
  const parsed = DeployConfig.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(`invalid config ${file}: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`);
  return parsed.data;
}

/** Genesis hashes of the public clusters (what `getGenesisHash` answers there). */
export const PUBLIC_CLUSTERS: Readonly<Record<string, string>> = {
  "mainnet-beta": "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d",
  devnet: "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG",
  testnet: "4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY",
};

/**
 * Program ids that must never be deployed to a public cluster: ids committed to this repo whose
 * keypair is not in the hands of whoever deploys (absent from the repo, or public). Deploying
 * there needs the real program keypair: `anchor keys sync` writes its address into `declare_id!`
 * and Anchor.toml, and the rebuilt IDL carries it into `PROGRAM_ID`.
 */
export const PLACEHOLDER_PROGRAM_IDS: Readonly<Record<string, string>> = {
  AgURfMYjdzoWzsnuSg1AFhyrKVEMh2tUx8pyh8GAzvK3:
    "the localnet id committed in Anchor.toml and declare_id!: its keypair is public (keys/compute_market-program.localnet.json), anyone could take that address",
};

/** The public cluster `network` or `genesisHash` names, if any. */
export function publicCluster(network: string, genesisHash?: string): string | undefined {
  if (network in PUBLIC_CLUSTERS) return network;
  return Object.entries(PUBLIC_CLUSTERS).find(([, hash]) => hash === genesisHash)?.[0];
}

/** Refuses a placeholder program id on a public cluster, and a config that names another chain. */
export function checkCluster(network: string, genesisHash?: string, programId = PROGRAM_ID): void {
  const cluster = publicCluster(network, genesisHash);
  const placeholder = PLACEHOLDER_PROGRAM_IDS[programId.toBase58()];
  if (cluster && placeholder) {
    throw new Error(
      `refusing to deploy to ${cluster}: program id ${programId.toBase58()} is ${placeholder}; run 'anchor keys sync' with the real program keypair, then rebuild (npm run idl) and deploy the program first`,
    );
  }
  if (genesisHash && cluster && PUBLIC_CLUSTERS[cluster] !== genesisHash) {
    const actual = publicCluster("", genesisHash) ?? `genesis ${genesisHash}`;
    throw new Error(`the config's network is ${network} but the RPC serves ${actual}`);
  }
}

/** The steps of a deployment, in order; `deployer` is localnet's own key, saved and funded. */
export const STEPS = [
  "deployer",
  "program",
  "testMints",
  "market",
  "ignitionVault",
  "escrowVaults",
  "tokenPrice",
  "ignitionFunding",
  "priceAuthority",
  "authorityTransfer",
] as const;
export type Step = (typeof STEPS)[number];

/** deployments/solana-<network>.json (fields other tools read: rpcUrl, market, stableMint, tokenMint). */
export interface SolanaDeployment {
  network: string;
  programId: string;
  deployer: string;
  market: string;
  feeBps: number;
  tokenDiscountBps: number;
  maxPriceStaleness: number;
  startTimeout: number;
  disputeWindow: number;
  subsidyAuthority: string;
  maxSubsidyPerPeriod: string;
  subsidyPeriod: number;
  subsidyClaimDelay: number;
  subsidyClaimWindow: number;
  rpcUrl: string;
  /** the chain this record describes (`getGenesisHash`) */
  genesisHash: string;
  stableMint: string;
  tokenMint: string;
  treasury: string;
  ignitionVault: string;
  /** cumulative market tokens in the ignition vault (the market's `ignition_funded`) */
  ignitionFunded: string;
  initializeSignature?: string;
  /** steps done so far; the deployment is complete when `complete` is true */
  steps: Step[];
  complete: boolean;
  deployedAt?: string;
}

const recordName = (network: string) => `solana-${network}`;
export const recordFile = (network: string) => path.join(DEPLOYMENTS_DIR, `${recordName(network)}.json`);
/** The local deployer key (mint and market authority on localnet), read by the CLI's local tools. */
export const localDeployerFile = () => path.join(DEPLOYMENTS_DIR, "solana-localnet.deployer.json");

function readRecord(network: string): SolanaDeployment | null {
  const file = recordFile(network);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, "utf8")) as SolanaDeployment;
}

function saveKey(file: string, key: Keypair) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify([...key.secretKey]), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Test mints live at addresses derived from the deployer (`createWithSeed`): a rerun finds them. */
export const TEST_MINT_SEEDS = { stable: "cm-test-stable-mint", token: "cm-test-token-mint" } as const;
export const testMintAddress = (deployer: PublicKey, which: keyof typeof TEST_MINT_SEEDS) =>
  // PublicKey.createWithSeed, synchronously: sha256(base || seed || owner program)
  new PublicKey(
    createHash("sha256")
      .update(
        Buffer.concat([
          deployer.toBuffer(),
          Buffer.from(TEST_MINT_SEEDS[which]),
          TOKEN_PROGRAM_ID.toBuffer(),
        ]),
      )
      .digest(),
  );

export interface DeployOptions {
  config: DeployConfig;
  rpcUrl: string;
  /** --keypair; required outside localnet (localnet: a key saved in deployments/, reused) */
  keypair?: Keypair;
  /** --program-keypair: needed only while the program is not deployed (localnet: keys/) */
  programKeypair?: Keypair;
  /** --program-so: the ELF the `program` step deploys (default target/deploy/compute_market.so) */
  programSo?: string;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface DeployResult {
  record: SolanaDeployment;
  /** steps that were (or, on a dry run, would be) carried out */
  pending: Step[];
  /** transactions sent by this run */
  sent: number;
  file?: string;
}

export async function deploySolana(o: DeployOptions): Promise<DeployResult> {
  const { config } = o;
  const log = o.log ?? ((line: string) => console.log(line));
  const localnet = config.network === "localnet";
  const connection = new Connection(o.rpcUrl, "confirmed");

  checkCluster(config.network); // by name first: refuse before even asking the RPC
  let genesisHash: string;
  try {
    genesisHash = await connection.getGenesisHash();
  } catch (err) {
    throw new Error(`cannot reach ${o.rpcUrl}: ${(err as Error).message}`);
  }
  checkCluster(config.network, genesisHash);
  if (localnet && publicCluster("", genesisHash)) {
    throw new Error(`the config's network is localnet but the RPC serves ${publicCluster("", genesisHash)}`);
  }
  if (!o.keypair && !localnet) throw new Error("--keypair is required outside localnet");
  // The program: deployed by the `program` step through the upgradeable loader when missing.
  const programAccount = await connection.getAccountInfo(PROGRAM_ID);
  if (programAccount && !programAccount.executable) {
    throw new Error(`${PROGRAM_ID.toBase58()} on ${o.rpcUrl} is an account, not a program`);
  }
  let programKeypair = o.programKeypair;
  if (!programAccount && !programKeypair) {
    if (!localnet) {
      throw new Error(
        `program ${PROGRAM_ID.toBase58()} is not deployed on ${o.rpcUrl}: give its keypair (--program-keypair) to deploy it (docs/SOLANA-DEPLOY.md)`,
      );
    }
    programKeypair = localProgramKeypair();
  }
  if (programKeypair && !programKeypair.publicKey.equals(PROGRAM_ID)) {
    throw new Error(
      `the program keypair is ${programKeypair.publicKey.toBase58()}, this build's program id is ${PROGRAM_ID.toBase58()}`,
    );
  }
  const programSo = o.programSo ?? PROGRAM_SO;
  if (!programAccount && !existsSync(programSo)) {
    throw new Error(`${programSo} is missing: build the program first (npm run build:sbf)`);
  }

  const file = recordFile(config.network);
  const where = path.relative(process.cwd(), file);
  let record = readRecord(config.network);
  let deployer =
    o.keypair ?? (localnet && existsSync(localDeployerFile()) ? loadKey(localDeployerFile()) : null);
  let state: ChainState;
  // A record that does not describe this chain: localnet restarts cleanly (a fresh chain), any
  // other network stops with the mismatch.
  for (;;) {
    deployer ??= Keypair.generate();
    state = await probe(connection, config, deployer.publicKey);
    const mismatch = record && recordMismatch(record, { genesisHash, deployer: deployer.publicKey, state });
    if (!mismatch) break;
    if (!localnet) throw new Error(`${where} does not match the chain: ${mismatch}`);
    log(`localnet: ${where} ${mismatch}, so it describes an earlier chain: starting over`);
    record = null;
    if (!o.keypair) deployer = null;
  }
  const deployerKey = deployer;
  checkHandOver(config, deployerKey.publicKey, publicCluster(config.network, genesisHash));
  const expected = expectedMarket(config, deployerKey.publicKey);
  if (state.market) {
    const diffs = marketDiffs(state.market, expected);
    if (diffs.length > 0) {
      throw new Error(
        `market ${state.marketAddress.toBase58()} exists with other settings (${diffs.join("; ")}): change the config back, or deploy a new market with another deployer key`,
      );
    }
  }
  for (const which of ["stable", "token"] as const) {
    const mint = state.testMints?.[which];
    if (mint === undefined || mint === null) continue;
    const decimals = which === "stable" ? config.stableDecimals : config.tokenDecimals;
    if (mint.decimals !== decimals) {
      throw new Error(
        `test ${which} mint ${mint.address.toBase58()} has ${mint.decimals} decimals, the config says ${decimals}`,
      );
    }
  }

  let pending = pendingSteps(config, state);
  const lowFunds =
    localnet && !o.keypair && (await connection.getBalance(deployerKey.publicKey)) < LAMPORTS_PER_SOL;
  if (pending.length > 0 && lowFunds) pending = ["deployer", ...pending];
  const build = (s: ChainState, signature?: string): SolanaDeployment =>
    buildRecord({
      config,
      rpcUrl: o.rpcUrl,
      genesisHash,
      deployer: deployerKey.publicKey,
      state: s,
      record,
      signature,
    });

  if (o.dryRun) {
    const plan = build(state);
    log(JSON.stringify({ dryRun: true, ...plan, pending }, null, 2));
    return { record: plan, pending, sent: 0 };
  }
  if (
    localnet &&
    !o.keypair &&
    !(existsSync(localDeployerFile()) && sameKey(localDeployerFile(), deployerKey))
  ) {
    saveKey(localDeployerFile(), deployerKey); // before the first transaction: a rerun resumes with it
  } else if (localnet && o.keypair) {
    saveKey(localDeployerFile(), deployerKey); // local tools mint test tokens and settle with it
  }
  let sent = 0;
  const write = (r: SolanaDeployment) => {
    record = r;
    return writeDeployment(recordName(config.network), r as unknown as Record<string, unknown>);
  };
  const now = build(state);
  if (pending.length === 0) {
    if (record && JSON.stringify(record) === JSON.stringify(now)) {
      log(`nothing to do: ${config.network} deployment of market ${now.market} is complete (${where})`);
      return { record: now, pending, sent, file };
    }
    write(now);
    log(`nothing to send: the chain has every step; ${where} brought up to date`);
    return { record: now, pending, sent, file };
  }
  write(now);

  const program = marketProgram(connection, new Wallet(deployerKey));
  const send = async (tx: Transaction, signers: Keypair[]) => {
    sent++;
    return sendAndConfirmTransaction(connection, tx, signers, { commitment: "confirmed" });
  };
  let initializeSignature: string | undefined;
  for (const step of pending) {
    let detail = "";
    if (step === "deployer") {
      const sig = await connection.requestAirdrop(deployerKey.publicKey, 100 * LAMPORTS_PER_SOL);
      await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) });
      sent++;
      detail = `${deployerKey.publicKey.toBase58()} saved in ${path.relative(process.cwd(), localDeployerFile())}, airdropped 100 SOL`;
    } else if (step === "program") {
      const deployed = await deployProgram(connection, {
        authority: deployerKey,
        programKeypair,
        elf: readFileSync(programSo),
        log: (line) => log(`step program: ${line}`),
      });
      sent += deployed.sent;
      detail = `deployed ${path.relative(process.cwd(), programSo)} at ${PROGRAM_ID.toBase58()} through the upgradeable loader; upgrade authority ${deployed.authority?.toBase58()}`;
    } else if (step === "testMints") {
      const rent = await connection.getMinimumBalanceForRentExemption(MINT_SIZE);
      for (const which of ["stable", "token"] as const) {
        if (state.testMints?.[which]) continue;
        const mint = testMintAddress(deployerKey.publicKey, which);
        const decimals = which === "stable" ? config.stableDecimals : config.tokenDecimals;
        await send(
          new Transaction().add(
            SystemProgram.createAccountWithSeed({
              fromPubkey: deployerKey.publicKey,
              newAccountPubkey: mint,
              basePubkey: deployerKey.publicKey,
              seed: TEST_MINT_SEEDS[which],
              lamports: rent,
              space: MINT_SIZE,
              programId: TOKEN_PROGRAM_ID,
            }),
            createInitializeMint2Instruction(mint, decimals, deployerKey.publicKey, null),
          ),
          [deployerKey],
        );
        detail += `${which} ${mint.toBase58()} `;
      }
      detail = `created ${detail.trim()}`;
    } else if (step === "market") {
      sent++;
      const { signature } = await initializeMarket(program, {
        stableMint: expected.stableMint,
        tokenMint: expected.tokenMint,
        treasury: expected.treasury,
        feeBps: config.feeBps,
        tokenDiscountBps: config.tokenDiscountBps,
        maxPriceStaleness: config.maxPriceStaleness,
        startTimeout: config.startTimeout,
        disputeWindow: config.disputeWindow,
        subsidyAuthority: expected.subsidyAuthority,
        maxSubsidyPerPeriod: BigInt(config.maxSubsidyPerPeriod),
        subsidyPeriod: config.subsidyPeriod,
        subsidyClaimDelay: config.subsidyClaimDelay,
        subsidyClaimWindow: config.subsidyClaimWindow,
      });
      initializeSignature = signature;
      detail = `initialized ${state.marketAddress.toBase58()} (${signature})`;
    } else if (step === "ignitionVault") {
      sent++;
      const { vault, signature } = await initIgnitionVault(program, state.marketAddress);
      detail = `created ${vault.toBase58()} (${signature})`;
    } else if (step === "escrowVaults") {
      for (const [i, mint] of [expected.stableMint, expected.tokenMint].entries()) {
        if (state.escrowVaults[i]) continue;
        sent++;
        await program.methods
          .initEscrowVault()
          .accountsPartial({
            authority: deployerKey.publicKey,
            market: state.marketAddress,
            mint,
            escrowVault: escrowVaultAddress(state.marketAddress, mint),
          })
          .rpc();
        detail += `${escrowVaultAddress(state.marketAddress, mint).toBase58()} `;
      }
      detail = `created ${detail.trim()}`;
    } else if (step === "tokenPrice") {
      sent++;
      const signature = await setTokenPrice(program, state.marketAddress, BigInt(config.initialTokenPrice!));
      detail = `set to ${config.initialTokenPrice} (${signature})`;
    } else if (step === "ignitionFunding") {
      const target = BigInt(config.ignitionFunding);
      const missing = target - BigInt(state.market!.ignitionFunded.toString());
      // the deployer's associated token account is the source: a rerun finds what it minted
      const ata = getAssociatedTokenAddressSync(expected.tokenMint, deployerKey.publicKey);
      if (!(await connection.getAccountInfo(ata))) sent++;
      const source = await getOrCreateAssociatedTokenAccount(
        connection,
        deployerKey,
        expected.tokenMint,
        deployerKey.publicKey,
      );
      const balance = (await getAccount(connection, source.address)).amount;
      if (balance < missing) {
        if (!config.createTestMints) {
          throw new Error(
            `the deployer's token account ${source.address.toBase58()} holds ${balance}, funding the ignition vault needs ${missing}`,
          );
        }
        sent++;
        await mintTo(
          connection,
          deployerKey,
          expected.tokenMint,
          source.address,
          deployerKey,
          missing - balance,
        );
        log(`step ignitionFunding: minted ${missing - balance} to ${source.address.toBase58()}`);
      }
      sent++;
      const signature = await fundIgnition(program, state.marketAddress, source.address, missing);
      detail = `funded ${missing} (${target} in all) (${signature})`;
    } else if (step === "priceAuthority") {
      sent++;
      const signature = await program.methods
        .setPriceAuthority(new PublicKey(config.priceAuthority!))
        .accountsPartial({ authority: deployerKey.publicKey, market: state.marketAddress })
        .rpc();
      detail = `handed to ${config.priceAuthority} (${signature})`;
    } else if (step === "authorityTransfer") {
      sent++;
      const signature = await program.methods
        .transferAuthority(new PublicKey(config.authority!))
        .accountsPartial({ authority: deployerKey.publicKey, market: state.marketAddress })
        .rpc();
      detail = `proposed ${config.authority}; it takes over when it signs accept_authority (${signature})`;
    }
    state = await probe(connection, config, deployerKey.publicKey);
    write(build(state, initializeSignature));
    log(`step ${step}: ${detail}`);
  }
  const final = build(state, initializeSignature);
  if (!final.complete) throw new Error(`steps left after the run: ${pendingSteps(config, state).join(", ")}`);
  log(`done: ${sent} transactions; record written to ${where}`);
  return { record: final, pending, sent, file };
}

function loadKey(file: string): Keypair {
  return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(file, "utf8")) as number[]));
}

function sameKey(file: string, key: Keypair): boolean {
  try {
    return loadKey(file).publicKey.equals(key.publicKey);
  } catch {
    return false;
  }
}

type MarketAccount = NonNullable<
  Awaited<ReturnType<ReturnType<typeof marketProgram>["account"]["marketConfig"]["fetchNullable"]>>
>;

interface TestMint {
  address: PublicKey;
  decimals: number;
}

interface ChainState {
  /** the program is deployed */
  program: boolean;
  marketAddress: PublicKey;
  market: MarketAccount | null;
  /** only with createTestMints: each mint if it exists */
  testMints?: { stable: TestMint | null; token: TestMint | null };
  ignitionVault: boolean;
  /** stable, token */
  escrowVaults: [boolean, boolean];
}

/** Reads every account a deployment consists of. */
async function probe(connection: Connection, config: DeployConfig, deployer: PublicKey): Promise<ChainState> {
  const marketAddr = marketAddress(deployer);
  const program = marketProgram(connection, new Wallet(Keypair.generate()));
  const market = await program.account.marketConfig.fetchNullable(marketAddr);
  let testMints: ChainState["testMints"];
  if (config.createTestMints) {
    const read = async (which: "stable" | "token"): Promise<TestMint | null> => {
      const address = testMintAddress(deployer, which);
      const info = await connection.getAccountInfo(address);
      if (!info) return null;
      if (!info.owner.equals(TOKEN_PROGRAM_ID))
        throw new Error(`test mint ${address.toBase58()} is not an SPL Token account`);
      const mint = unpackMint(address, info);
      if (!mint.mintAuthority?.equals(deployer)) {
        throw new Error(
          `test mint ${address.toBase58()} has mint authority ${mint.mintAuthority?.toBase58()}, not the deployer`,
        );
      }
      return { address, decimals: mint.decimals };
    };
    testMints = { stable: await read("stable"), token: await read("token") };
  }
  const mints = market ? [market.stableMint, market.tokenMint] : [];
  const exists = async (a: PublicKey) => (await connection.getAccountInfo(a)) !== null;
  return {
    program: (await connection.getAccountInfo(PROGRAM_ID))?.executable ?? false,
    marketAddress: marketAddr,
    market,
    testMints,
    ignitionVault: market ? await exists(ignitionVaultAddress(marketAddr)) : false,
    escrowVaults: market
      ? [
          await exists(escrowVaultAddress(marketAddr, mints[0])),
          await exists(escrowVaultAddress(marketAddr, mints[1])),
        ]
      : [false, false],
  };
}

interface ExpectedMarket {
  treasury: PublicKey;
  stableMint: PublicKey;
  tokenMint: PublicKey;
  subsidyAuthority: PublicKey;
  values: Record<string, string>;
}

function expectedMarket(config: DeployConfig, deployer: PublicKey): ExpectedMarket {
  const stableMint = config.createTestMints
    ? testMintAddress(deployer, "stable")
    : new PublicKey(config.stableMint!);
  const tokenMint = config.createTestMints
    ? testMintAddress(deployer, "token")
    : new PublicKey(config.tokenMint!);
  const treasury = config.treasury ? new PublicKey(config.treasury) : deployer;
  const subsidyAuthority = config.subsidyAuthority ? new PublicKey(config.subsidyAuthority) : deployer;
  return {
    treasury,
    stableMint,
    tokenMint,
    subsidyAuthority,
    values: {
      treasury: treasury.toBase58(),
      stableMint: stableMint.toBase58(),
      tokenMint: tokenMint.toBase58(),
      feeBps: String(config.feeBps),
      tokenDiscountBps: String(config.tokenDiscountBps),
      maxPriceStaleness: String(config.maxPriceStaleness),
      startTimeout: String(config.startTimeout),
      disputeWindow: String(config.disputeWindow),
      subsidyAuthority: subsidyAuthority.toBase58(),
      maxSubsidyPerPeriod: config.maxSubsidyPerPeriod,
      subsidyPeriod: String(config.subsidyPeriod),
      subsidyClaimDelay: String(config.subsidyClaimDelay),
      subsidyClaimWindow: String(config.subsidyClaimWindow),
    },
  };
}

/** `field: chain X, config Y` for each setting of an existing market that the config contradicts. */
function marketDiffs(market: MarketAccount, expected: ExpectedMarket): string[] {
  const onChain = market as unknown as Record<string, { toString(): string }>;
  return Object.entries(expected.values)
    .filter(([field, value]) => onChain[field].toString() !== value)
    .map(([field, value]) => `${field}: chain ${onChain[field].toString()}, config ${value}`);
}

function pendingSteps(config: DeployConfig, s: ChainState): Step[] {
  const pending: Step[] = [];
  if (!s.program) pending.push("program");
  if (config.createTestMints && (!s.testMints?.stable || !s.testMints.token)) pending.push("testMints");
  if (!s.market) pending.push("market");
  if (!s.ignitionVault) pending.push("ignitionVault");
  if (!s.escrowVaults[0] || !s.escrowVaults[1]) pending.push("escrowVaults");
  if (config.initialTokenPrice && (!s.market || s.market.tokenPrice.isZero())) pending.push("tokenPrice");
  const funding = BigInt(config.ignitionFunding);
  if (funding > 0n && (!s.market || BigInt(s.market.ignitionFunded.toString()) < funding)) {
    pending.push("ignitionFunding");
  }
  // last: the steps above need the deployer's powers
  if (config.priceAuthority && !s.market?.priceAuthority.equals(new PublicKey(config.priceAuthority))) {
    pending.push("priceAuthority");
  }
  if (config.authority) {
    const a = new PublicKey(config.authority);
    if (!s.market || !(s.market.authority.equals(a) || s.market.pendingAuthority.equals(a))) {
      pending.push("authorityTransfer");
    }
  }
  return pending;
}

/**
 * On a public cluster the deployer is a hot key that must keep no power: every holder is named in
 * the config and none is the deployer (docs/AUTHORITIES.md). Checked before anything is sent.
 */
export function checkHandOver(config: DeployConfig, deployer: PublicKey, cluster: string | undefined): void {
  if (!cluster) return;
  if (config.createTestMints) {
    throw new Error(
      `${cluster}: "createTestMints" is for local chains; name the real "stableMint" and "tokenMint"`,
    );
  }
  for (const field of ["authority", "priceAuthority", "subsidyAuthority", "treasury"] as const) {
    const holder = config[field];
    if (!holder) {
      throw new Error(
        `${cluster}: the config must name "${field}" (a multisig or the service that holds it), not leave it to the deployer`,
      );
    }
    if (new PublicKey(holder).equals(deployer)) {
      throw new Error(`${cluster}: "${field}" is the deployer ${holder}; name another holder`);
    }
  }
}

/** Why `record` cannot describe this chain and deployer, if it cannot. */
function recordMismatch(
  record: SolanaDeployment,
  c: { genesisHash: string; deployer: PublicKey; state: ChainState },
): string | undefined {
  if (record.genesisHash !== c.genesisHash) {
    return `names genesis ${record.genesisHash ?? "(none)"}, the chain's is ${c.genesisHash}`;
  }
  if (record.programId !== PROGRAM_ID.toBase58()) {
    return `names program ${record.programId}, this build's is ${PROGRAM_ID.toBase58()}`;
  }
  if (record.deployer !== c.deployer.toBase58()) {
    return `was deployed by ${record.deployer}, not ${c.deployer.toBase58()}`;
  }
  const done = new Set(record.steps ?? []);
  const s = c.state;
  if (done.has("testMints") && (!s.testMints?.stable || !s.testMints.token)) {
    return `says the test mints exist, the chain has no ${s.testMints?.stable ? "token" : "stable"} mint at ${record.stableMint}`;
  }
  if (done.has("market") && !s.market)
    return `says market ${record.market} is initialized, the chain has no such account`;
  if (done.has("ignitionVault") && !s.ignitionVault)
    return `says ignition vault ${record.ignitionVault} exists, it does not`;
  if (done.has("escrowVaults") && !(s.escrowVaults[0] && s.escrowVaults[1]))
    return "says both escrow vaults exist, they do not";
  return undefined;
}

function buildRecord(p: {
  config: DeployConfig;
  rpcUrl: string;
  genesisHash: string;
  deployer: PublicKey;
  state: ChainState;
  record: SolanaDeployment | null;
  signature?: string;
}): SolanaDeployment {
  const { config, state } = p;
  const expected = expectedMarket(config, p.deployer);
  const pending = pendingSteps(config, state);
  const applicable = STEPS.filter(
    (s) =>
      s !== "deployer" &&
      (s !== "testMints" || config.createTestMints) &&
      (s !== "tokenPrice" || config.initialTokenPrice) &&
      (s !== "ignitionFunding" || BigInt(config.ignitionFunding) > 0n) &&
      (s !== "priceAuthority" || config.priceAuthority) &&
      (s !== "authorityTransfer" || config.authority),
  );
  const complete = pending.length === 0;
  const initializeSignature = p.signature ?? p.record?.initializeSignature;
  return {
    network: config.network,
    programId: PROGRAM_ID.toBase58(),
    deployer: p.deployer.toBase58(),
    market: state.marketAddress.toBase58(),
    feeBps: config.feeBps,
    tokenDiscountBps: config.tokenDiscountBps,
    maxPriceStaleness: config.maxPriceStaleness,
    startTimeout: config.startTimeout,
    disputeWindow: config.disputeWindow,
    subsidyAuthority: expected.subsidyAuthority.toBase58(),
    maxSubsidyPerPeriod: config.maxSubsidyPerPeriod,
    subsidyPeriod: config.subsidyPeriod,
    subsidyClaimDelay: config.subsidyClaimDelay,
    subsidyClaimWindow: config.subsidyClaimWindow,
    rpcUrl: p.rpcUrl,
    genesisHash: p.genesisHash,
    stableMint: expected.stableMint.toBase58(),
    tokenMint: expected.tokenMint.toBase58(),
    treasury: expected.treasury.toBase58(),
    ignitionVault: ignitionVaultAddress(state.marketAddress).toBase58(),
    ignitionFunded: state.market ? state.market.ignitionFunded.toString() : "0",
    ...(initializeSignature ? { initializeSignature } : {}),
    steps: applicable.filter((s) => !pending.includes(s)),
    complete,
    ...(complete ? { deployedAt: p.record?.deployedAt ?? new Date().toISOString() } : {}),
  };
}
