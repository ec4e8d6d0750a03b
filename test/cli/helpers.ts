// The chains the CLI tests share: two `hardhat node`s (Ethereum, and Arbitrum with chain id
// 412346) and the local Solana chain, everything deployed with the project's own deploy code,
// records in a temp directory (CM_DEPLOYMENTS_DIR). `cm` runs as a child process, as users run it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { buildSync } from "esbuild";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const DIR = mkdtempSync(path.join(tmpdir(), "cm-cli-"));
process.env.CM_DEPLOYMENTS_DIR = DIR;
export const PORTS = { ethereum: 19101, arbitrum: 19102, solana: 19110 };
export const URLS = {
  ethereum: `http://127.0.0.1:${PORTS.ethereum}`,
  arbitrum: `http://127.0.0.1:${PORTS.arbitrum}`,
};

/** The pinned Node first on PATH (node_modules/.bin), as scripts/main.sh has it. */
export const ENV = {
  ...process.env,
  CM_DEPLOYMENTS_DIR: DIR,
  // the Hardhat networks localhost/localArbitrum at the test nodes, Ignition's journals apart
  CM_EVM_URL: URLS.ethereum,
  CM_ARB_URL: URLS.arbitrum,
  CM_IGNITION_DIR: path.join(DIR, "ignition"),
  PATH: `${path.join(ROOT, "node_modules/.bin")}:${process.env.PATH}`,
};

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// The CLI's source compiled once into one file (esbuild, as `npm run main` does): each of the
// suite's runs then starts in about a second instead of two under tsx. out/ is one level below the
// root, like src/, so the code's own paths resolve the same.
const CM = path.join(ROOT, "out", "cm.test.mjs");
buildSync({
  entryPoints: [path.join(ROOT, "scripts/cli/cm.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: CM,
  logLevel: "warning",
});

/** `npm run cm -- ...args` (the EVM networks pointed at the test nodes with --rpc-url where given). */
export function cm(...args: string[]): Run {
  const r = spawnSync(path.join(ROOT, "node_modules/.bin/node"), [CM, ...args], {
    cwd: ROOT,
    env: ENV,
    encoding: "utf8",
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `cm ... --json`, parsed; throws with the error line if it failed. */
export function cmJson<T = Record<string, unknown>>(...args: string[]): T {
  const r = cm(...args, "--json");
  if (r.code !== 0) throw new Error(`cm ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export function startHardhatNode(port: number, chainId?: number): Promise<ChildProcess> {
  const args = ["node", "--hostname", "127.0.0.1", "--port", String(port)];
  if (chainId) args.push("--chain-id", String(chainId));
  const child = spawn(path.join(ROOT, "node_modules/.bin/hardhat"), args, {
    cwd: ROOT,
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: false,
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`hardhat node :${port} did not start: ${out}`)), 120_000);
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("Started HTTP")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on("data", (d) => (out += d));
    child.once("exit", (c) => reject(new Error(`hardhat node :${port} exited ${c}: ${out}`)));
  });
}

/** A fake Hardhat runtime for the deploy tasks: its only network is `name` at `url`. */
export async function hreFor(name: string, url: string) {
  const { network } = await import("hardhat");
  const conn = await network.create({ network: name, override: { url } });
  return { network: { getOrCreate: async () => conn } } as never;
}
