// Deployments through Hardhat Ignition: one deployment id per chain side and network
// (`ethereum-<network>`, `arbitrum-<network>`), Ignition's journal under ignition/deployments/<id>
// (it makes an interrupted run resume and a finished one a no-op), and next to it `run.json`: the
// values a deployment fixes on its first run (genesis time, first block, config digest, strategy),
// so that a resumed run rebuilds exactly the same module.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toUtf8Bytes, Transaction } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

export type Strategy = "basic" | "create2";

/** Chain ids of the local chains this project runs (Hardhat's default, Arbitrum's nitro devnode). */
export const LOCAL_CHAIN_IDS = new Set([31337n, 412346n]);

/** What a deployment fixed on its first run; a resumed run reuses it. */
export interface IgnitionRun {
  deploymentId: string;
  /** Ignition's deployment directory (journal, deployed addresses); undefined in-process */
  dir?: string;
  strategy: Strategy;
  /** hash of the chain's block 0: a restarted local node is a different chain */
  genesisHash: string;
  chainId: number;
  /** first block of the deployment: event searches start here */
  fromBlock: number;
  /** sha-256 of the config the deployment was planned from */
  configDigest: string;
  /** values the plan took from the chain on the first run (e.g. the genesis time) */
  values: Record<string, number>;
  /** CREATE2 salt tag: a new deployment of the same contracts by the same deployer needs a new one */
  saltTag: string;
  /** digest of the resolved plan (every address): a resume must rebuild exactly this one */
  planDigest?: string;
  startedAt: string;
}

export interface TargetNetwork {
  name: string;
  local: boolean;
}

/** A network is local when its config says so (in-process, or an HTTP node on this machine). */
export async function targetNetwork(connection: NetworkConnection): Promise<TargetNetwork> {
  const c = connection.networkConfig;
  const url = c.type === "http" ? await c.url.get() : "";
  return {
    name: connection.networkName,
    local: c.type === "edr-simulated" || /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(url),
  };
}

export function digest(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return createHash("sha256").update(json).digest("hex").slice(0, 16);
}

function writeJsonAtomic(file: string, value: unknown) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
}

/**
 * Opens the run of deployment `deploymentId`: the one recorded in its directory, or a new one
 * whose first-run values come from `values()`. A local node restarted since (another block 0)
 * starts over; on any other network a record that disagrees with the chain or the config is an
 * error and nothing is sent.
 */
export async function openRun(
  connection: NetworkConnection,
  opts: {
    deploymentId: string;
    ignitionDir: string;
    configDigest: string;
    strategy: Strategy;
    saltTag?: string;
    values: () => Promise<Record<string, number>>;
    log?: (line: string) => void;
  },
): Promise<IgnitionRun> {
  const log = opts.log ?? (() => {});
  const { ethers } = connection;
  const network = await targetNetwork(connection);
  const inProcess = connection.networkConfig.type === "edr-simulated";
  const dir = inProcess ? undefined : path.join(opts.ignitionDir, "deployments", opts.deploymentId);
  const genesisHash = (await ethers.provider.getBlock(0))!.hash!;
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const file = dir && path.join(dir, "run.json");
  if (file && existsSync(file)) {
    const run = JSON.parse(readFileSync(file, "utf8")) as IgnitionRun;
    if (run.genesisHash !== genesisHash || run.chainId !== chainId) {
      if (!network.local) {
        throw new Error(
          `${path.relative(process.cwd(), dir!)} belongs to another chain (chain ${run.chainId}, block 0 ${run.genesisHash.slice(0, 10)}…) than ${network.name}'s: nothing sent`,
        );
      }
      log(`${network.name} was restarted since ${opts.deploymentId} began: starting over`);
      rmSync(dir!, { recursive: true, force: true });
    } else {
      if (run.configDigest !== opts.configDigest) {
        throw new Error(
          `the config changed since deployment ${opts.deploymentId} began (${run.startedAt}): finish it with the config it began with, or move ${path.relative(process.cwd(), dir!)} away and start a new one (with --strategy create2, under another --salt); nothing sent`,
        );
      }
      if ((run.saltTag ?? "v1") !== (opts.saltTag ?? "v1")) {
        throw new Error(
          `deployment ${opts.deploymentId} began with salt tag '${run.saltTag}', not '${opts.saltTag}': nothing sent`,
        );
      }
      if (run.strategy !== opts.strategy) {
        throw new Error(
          `deployment ${opts.deploymentId} began with the ${run.strategy} strategy, not ${opts.strategy}: nothing sent`,
        );
      }
      repairInterrupted(dir!, log);
      log(`resuming deployment ${opts.deploymentId} (begun ${run.startedAt})`);
      return { ...run, dir };
    }
  }
  const run: IgnitionRun = {
    deploymentId: opts.deploymentId,
    strategy: opts.strategy,
    genesisHash,
    chainId,
    fromBlock: await ethers.provider.getBlockNumber(),
    configDigest: opts.configDigest,
    values: await opts.values(),
    saltTag: opts.saltTag ?? "v1",
    startedAt: new Date().toISOString(),
  };
  if (file) writeJsonAtomic(file, run);
  return { ...run, dir };
}

/**
 * A run killed while Ignition was writing leaves a torn file: the journal's last line cut short, or
 * deployed_addresses.json (rewritten whole, not atomically, after each contract) empty or cut.
 * The journal is the record: a torn last line is a message that was never complete (dropped), and
 * the addresses file is rebuilt from the journal's completed deployments.
 */
export function repairInterrupted(dir: string, log: (line: string) => void): void {
  const journal = path.join(dir, "journal.jsonl");
  if (!existsSync(journal)) return;
  const lines = readFileSync(journal, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const parsed: { type?: string; futureId?: string; result?: { type?: string; address?: string } }[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      if (i !== lines.length - 1)
        throw new Error(`${journal}: line ${i + 1} is not JSON: the journal is damaged`);
      writeFileSync(journal, lines.slice(0, -1).join("\n") + "\n");
      log(
        `${path.basename(dir)}: dropped the journal's torn last line (the run was killed while writing it)`,
      );
    }
  }
  const addresses = path.join(dir, "deployed_addresses.json");
  if (!existsSync(addresses)) return;
  try {
    JSON.parse(readFileSync(addresses, "utf8"));
  } catch {
    const rebuilt: Record<string, string> = {};
    for (const m of parsed) {
      if (
        m.type === "DEPLOYMENT_EXECUTION_STATE_COMPLETE" &&
        m.result?.type === "SUCCESS" &&
        m.futureId &&
        m.result.address
      ) {
        rebuilt[m.futureId] = m.result.address;
      }
    }
    writeJsonAtomic(addresses, rebuilt);
    log(
      `${path.basename(dir)}: rebuilt deployed_addresses.json from the journal (the run was killed while writing it)`,
    );
  }
}

/**
 * CREATE2 salt for Ignition's strategy (CreateX `deployCreate2`): the deployer's address first,
 * so only the deployer can deploy to these addresses (CreateX's permissioned salt), then 0x00
 * (no chain id mixed in: the same initcode lands at the same address on every chain), then a
 * fixed project tag.
 */
export function create2Salt(deployer: string, saltTag = "v1"): string {
  const tag = keccak256(toUtf8Bytes(`compute-market/${saltTag}`)).slice(2, 24);
  return `0x${deployer.slice(2).toLowerCase()}00${tag}`;
}

export const CREATE_X_ADDRESS = "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed";

/**
 * CreateX is deployed on public chains by its keyless transaction; Ignition sends that same
 * transaction itself on chain 31337 only. Our local Arbitrum (412346) gets it here, the same way.
 */
export async function ensureCreateX(ethers: HardhatEthers, network: TargetNetwork): Promise<void> {
  if ((await ethers.provider.getCode(CREATE_X_ADDRESS)) !== "0x") return;
  const { chainId } = await ethers.provider.getNetwork();
  if (!network.local || !LOCAL_CHAIN_IDS.has(chainId)) {
    throw new Error(`CreateX is not deployed on ${network.name} (chain ${chainId}): use --strategy basic`);
  }
  const require = createRequire(import.meta.url);
  const core = path.dirname(require.resolve("@nomicfoundation/ignition-core/package.json"));
  const { presignedTx } = (await import(
    path.join(core, "dist/src/internal/execution/strategy/createx-artifact.js")
  )) as { presignedTx: string };
  const from = Transaction.from(presignedTx).from!;
  await ethers.provider.send("hardhat_setBalance", [from, "0x58d15e176280000"]);
  const hash = (await ethers.provider.send("eth_sendRawTransaction", [presignedTx])) as string;
  await ethers.provider.waitForTransaction(hash);
  if ((await ethers.provider.getCode(CREATE_X_ADDRESS)) === "0x")
    throw new Error("CreateX deployment failed");
}

/**
 * Pins the resolved plan to the run: the first run records its digest, a resumed run must rebuild
 * the same plan (a `signer:N` that now resolves to another account, another deployer: refused
 * before anything is sent, since Ignition only re-checks the futures it has already started).
 */
export function pinPlan(run: IgnitionRun, plan: unknown): void {
  const d = digest(plan);
  if (run.planDigest !== undefined && run.planDigest !== d) {
    throw new Error(
      `deployment ${run.deploymentId}: the resolved plan (accounts, addresses) differs from the one it began with; nothing sent`,
    );
  }
  run.planDigest = d;
  if (run.dir) {
    const { dir, ...stored } = run;
    writeJsonAtomic(path.join(dir, "run.json"), stored);
  }
}

/** Deploys `module` under `run` and returns its contracts' addresses by future name. */
export async function deployModule(
  connection: NetworkConnection,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Ignition's module type is generic in its results
  module: any,
  run: IgnitionRun,
  opts: { deployer: string; displayUi?: boolean },
): Promise<Record<string, string>> {
  if (run.strategy === "create2") await ensureCreateX(connection.ethers, await targetNetwork(connection));
  const result = (await connection.ignition.deploy(module, {
    deploymentId: run.deploymentId,
    defaultSender: opts.deployer,
    displayUi: opts.displayUi ?? false,
    ...(run.strategy === "create2"
      ? { strategy: "create2" as const, strategyConfig: { salt: create2Salt(opts.deployer, run.saltTag) } }
      : {}),
  })) as Record<string, { getAddress(): Promise<string> }>;
  const addresses: Record<string, string> = {};
  for (const [name, contract] of Object.entries(result)) addresses[name] = await contract.getAddress();
  return addresses;
}

export function parseStrategy(s: string): Strategy {
  if (s !== "basic" && s !== "create2") throw new Error(`--strategy ${s}: use basic or create2`);
  return s;
}
