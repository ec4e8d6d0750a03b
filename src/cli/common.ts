// What every `cm` command shares: the options (--network, --rpc-url, --keypair, --account, --json,
// --dry-run, --debug), input schemas, the connections to each chain, the output (text, or one
// JSON document on stdout with --json) and the one-line error reporter.
import { existsSync, readdirSync } from "node:fs";

import { PublicKey } from "@solana/web3.js";
import { Command, Option } from "commander";
import { z } from "zod";

import { DEPLOYMENTS_DIR } from "../deployments.js";
import { errorReason } from "../errors.js";
import type { EvmConnection } from "../evm/context.js";
import { readKeypair, solanaContext } from "../solana/context.js";

// ------------------------------------------------------------------ options

export interface Common {
  json: boolean;
  dryRun: boolean;
  debug: boolean;
}
export interface EvmOptions extends Common {
  network?: string;
  rpcUrl?: string;
  account: string;
}
export interface SolanaOptions extends Common {
  network?: string;
  keypair?: string;
}
export type ChainOptions = EvmOptions & SolanaOptions & { chain: "solana" | "arbitrum" };

export const withOutput = (c: Command) =>
  c
    .option("--json", "print one JSON document on stdout, nothing else", false)
    .option("--debug", "print the stack of an unexpected error", false);

export const withDryRun = (c: Command) =>
  c.option("--dry-run", "print what would be sent, send nothing", false);

export const withEvm = (c: Command, defaultNetwork: string) =>
  c
    .option("--network <name>", `Hardhat network (default: ${defaultNetwork})`)
    .option("--rpc-url <url>", "override the network's RPC URL")
    .option("--account <index>", "signer: account index of the network", "0");

export const withSolana = (c: Command) =>
  c
    .option(
      "--network <name>",
      "Solana deployment record, deployments/solana-<name>.json (default: localnet)",
    )
    .option("--keypair <file>", "Solana signer (JSON secret key)");

/** --chain solana | arbitrum, and each side's options. */
export const withChain = (c: Command) =>
  c
    .addOption(
      new Option("--chain <chain>", "solana | arbitrum")
        .choices(["solana", "arbitrum"])
        .makeOptionMandatory(),
    )
    .option("--network <name>", "solana: deployment record (localnet, ...); arbitrum: Hardhat network")
    .option("--rpc-url <url>", "arbitrum: override the network's RPC URL")
    .option("--keypair <file>", "Solana signer (JSON secret key)")
    .option("--account <index>", "Arbitrum signer: account index of the network", "0");

// ------------------------------------------------------------------ input schemas

export const EvmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "not a 0x address (40 hex digits)");
export const PositiveInt = z.coerce.number().int().positive();
export const NonNegativeInt = z.coerce.number().int().min(0);

/** `value` of option `name` through `schema`; a one-line error naming the option and the value. */
export function opt<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${name} '${String(value)}': ${r.error.issues[0].message}`);
  return r.data;
}

export function solanaPubkey(value: string, name: string): PublicKey {
  try {
    return new PublicKey(value);
  } catch {
    throw new Error(`${name} '${value}': not a base58 Solana public key`);
  }
}

// ------------------------------------------------------------------ connections

/** A one-line error naming `option` if `name` is not a network of the Hardhat config. */
export async function checkEvmNetwork(name: string, option: string) {
  const hre = await import("hardhat");
  const known = Object.keys(hre.config.networks);
  if (!known.includes(name))
    throw new Error(`${option} '${name}': unknown Hardhat network; known: ${known.join(", ")}`);
}

/** A connection to Hardhat network `name` (its URL overridden by `rpcUrl`); an unknown name is a
 *  one-line error listing the known ones. */
export async function evmConnection(name: string, rpcUrl?: string): Promise<EvmConnection> {
  await checkEvmNetwork(name, "--network");
  const hre = await import("hardhat");
  if (rpcUrl !== undefined) {
    opt(z.url({ protocol: /^https?$/ }), rpcUrl, "--rpc-url");
    if (hre.config.networks[name].type !== "http")
      throw new Error(`--rpc-url: network '${name}' is in-process, it has no URL`);
    return hre.network.create({ network: name, override: { url: rpcUrl } });
  }
  return hre.network.getOrCreate({ network: name });
}

/** The Solana context of `--network` (a deployment record) signed by `--keypair` (required when
 *  `needSigner`); a missing record or a bad keypair file is a one-line error naming the option. */
export function solana(o: { network?: string; keypair?: string }, needSigner: boolean) {
  const network = o.network ?? "localnet";
  if (!/^[A-Za-z0-9_-]+$/.test(network)) throw new Error(`--network '${network}': not a network name`);
  if (!existsSync(`${DEPLOYMENTS_DIR}/solana-${network}.json`)) {
    const known = existsSync(DEPLOYMENTS_DIR)
      ? readdirSync(DEPLOYMENTS_DIR)
          .map((f) => /^solana-(.+)\.json$/.exec(f)?.[1])
          .filter((n) => n !== undefined && !n.endsWith(".deployer"))
      : [];
    throw new Error(
      `--network '${network}': no deployment record deployments/solana-${network}.json (known: ${known.join(", ") || "none"}; deploy with scripts/deploy/solana.ts)`,
    );
  }
  if (needSigner && !o.keypair) throw new Error("--keypair <file> is required to sign on Solana");
  if (o.keypair) {
    try {
      readKeypair(o.keypair);
    } catch (err) {
      throw new Error(`--keypair ${(err as Error).message}`);
    }
  }
  return solanaContext({ network, keypair: o.keypair });
}

// ------------------------------------------------------------------ output

/** JSON with bigints as decimal strings and public keys in base58. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof PublicKey ? v.toBase58() : v),
    2,
  );
}

/** Prints a command's result: its text lines, or (--json) the result as one JSON document. */
export function emit(o: { json?: boolean }, result: unknown, lines: string[]) {
  if (o.json) process.stdout.write(toJson(result) + "\n");
  else for (const l of lines) console.log(l);
}

/** Progress lines: stdout in text mode, stderr with --json (stdout holds only the document). */
export const progress = (o: { json?: boolean }) => (line: string) =>
  o.json ? process.stderr.write(line + "\n") : console.log(line);

/** The one line a failure prints: `error: <what went wrong, naming the input>`. */
export function errorLine(err: unknown): string {
  let reason: string;
  if (err instanceof z.ZodError) {
    reason = err.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
  } else {
    reason = err instanceof Error ? errorReason(err) : String(err);
  }
  return `error: ${reason.replace(/\s*\n\s*/g, "; ").trim()}`;
}

/** Runs a commander program: a failure is one line on stderr and exit code 1 (with --debug, the
 *  stack follows); commander's own errors (unknown option, missing argument) are one line too. */
export async function run(program: Command, argv = process.argv) {
  program.configureOutput({ outputError: (str, write) => write(str.trim().split("\n")[0] + "\n") });
  program.exitOverride();
  for (const c of allCommands(program)) c.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = String((err as { code?: unknown }).code);
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
      process.exit(0);
    if (code.startsWith("commander.")) process.exit((err as { exitCode?: number }).exitCode || 1);
    process.stderr.write(errorLine(err) + "\n");
    if (argv.includes("--debug") && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
    process.exit(1);
  }
  // open websockets or HTTP keep-alive agents (Solana, Hardhat) must not keep the process alive
  process.exit(0);
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap((s) => allCommands(s as Command))];
}
