// Starts and stops the local Solana network: Surfpool's engine (surfpool-core, the network Anchor
// 1.x runs for `anchor test`), embedded by crates/surfnet with the settings below. It serves the
// standard JSON-RPC and websocket API on 127.0.0.1 (websockets on port + 1), with SPL Token,
// Token-2022 and the associated-token program at genesis and compute_market.so put in place as the
// upgradeable loader deploys it (or, with `program: false`, left for scripts/deploy/solana.ts to
// deploy through the loader). Its clock moves with Surfpool's `surfnet_timeTravel` cheat code.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { Connection, Keypair } from "@solana/web3.js";

import { readClock } from "./clock.js";
import { PROGRAM_ID } from "./market.js";

export { readClock };

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The program's SBF bytes (npm run build:sbf). */
export const PROGRAM_SO = path.join(REPO_ROOT, "target/deploy/compute_market.so");
/** The localnet program keypair: public, so only for local chains (docs/SOLANA-DEPLOY.md). */
export const LOCAL_PROGRAM_KEYPAIR = path.join(REPO_ROOT, "keys/compute_market-program.localnet.json");
/** The localnet program keypair: the program's address, and the upgrade authority of the program a
 *  test chain starts with. */
export function localProgramKeypair(): Keypair {
  const key = Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(LOCAL_PROGRAM_KEYPAIR, "utf8"))));
  if (!key.publicKey.equals(PROGRAM_ID)) {
    throw new Error(
      `${LOCAL_PROGRAM_KEYPAIR} is ${key.publicKey.toBase58()}, the program is ${PROGRAM_ID.toBase58()}`,
    );
  }
  return key;
}

export interface LocalChain {
  rpcUrl: string;
  wsUrl: string;
  programId: string;
  connection: Connection;
  stop(): Promise<void>;
}

export function surfnetBinary(): string {
  const targetDir =
    process.env.CARGO_TARGET_DIR ??
    path.join(process.env.CM_CACHE ?? path.join(homedir(), ".cache", "compute-market"), "target");
  const bin = process.env.CM_SURFNET_BIN ?? path.join(targetDir, "debug", "surfnet");
  if (!existsSync(bin)) {
    throw new Error(
      `surfnet not found at ${bin}: run 'bash scripts/solana/cargo.sh build --workspace --all-targets' first`,
    );
  }
  return bin;
}

let checkedSo = false;
/** Refuses a missing or stale .so once per process (scripts/solana/build-sbf.sh --check). */
function checkProgramSo() {
  if (checkedSo) return;
  const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts/solana/build-sbf.sh"), "--check"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`${PROGRAM_SO}: ${(r.stderr || r.stdout).trim()}`);
  checkedSo = true;
}

async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    if (port < 65_000 && (await isFree(port + 1))) return port;
  }
  throw new Error("no free port pair on 127.0.0.1");
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * Starts a fresh chain on free ports (or `port`/`port + 1`), with compute-market loaded (upgrade
 * authority: the localnet program key) unless `program` is false.
 */
export async function startLocalChain(opts: { port?: number; program?: boolean } = {}): Promise<LocalChain> {
  const port = opts.port ?? (await freePortPair());
  const args = ["--port", String(port)];
  if (opts.program !== false) {
    checkProgramSo();
    const authority = localProgramKeypair().publicKey.toBase58();
    args.push("--upgradeable-program", PROGRAM_ID.toBase58(), PROGRAM_SO, authority);
  }
  const child: ChildProcess = spawn(surfnetBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4_000)));
  const ready = await new Promise<{ rpc: string; ws: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`surfnet did not start in 60 s: ${stderr}`));
    }, 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`surfnet exited with ${code}: ${stderr}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      try {
        const info = JSON.parse(line);
        if (info.rpc) {
          clearTimeout(timer);
          resolve(info);
        }
      } catch {
        /* not the ready line */
      }
    });
  });
  // Every HTTP request of this connection is tracked, so that `stop` lets the ones still in flight
  // finish first: web3.js starts some it never awaits (the status check racing a confirmation's
  // websocket notification), and killing the chain under them rejects after the caller is done.
  const inflight = new Set<Promise<unknown>>();
  const trackedFetch: typeof fetch = (input, init) => {
    const p = fetch(input, init);
    const settled = p.then(
      () => {},
      () => {},
    );
    inflight.add(settled);
    void settled.finally(() => inflight.delete(settled));
    return p;
  };
  const connection = new Connection(ready.rpc, {
    commitment: "confirmed",
    wsEndpoint: ready.ws,
    fetch: trackedFetch,
  });
  return {
    rpcUrl: ready.rpc,
    wsUrl: ready.ws,
    programId: PROGRAM_ID.toBase58(),
    connection,
    async stop() {
      // Close the client's websocket first (code 1000: no reconnect), so that no reconnect
      // loop keeps the process alive once the chain is gone. web3.js exposes no public close.
      // Auto-reconnect goes off too: on that close web3.js reconnects by itself if a
      // subscription is still registered (a confirmation whose unsubscribe has not run yet),
      // and a connect refused by the stopped chain would otherwise be retried forever.
      const ws = (
        connection as unknown as { _rpcWebSocket?: { close(): void; setAutoReconnect(on: boolean): void } }
      )._rpcWebSocket;
      ws?.setAutoReconnect(false);
      ws?.close();
      // Let requests still in flight settle against the live chain (each is one local round trip).
      const drained = Promise.allSettled([...inflight]);
      await Promise.race([drained, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Moves the local chain's clock forward with Surfpool's `surfnet_timeTravel` cheat code (not
 * available on real clusters) to `unixTimestamp`, or by `slots`; with neither, only reads it.
 * Returns once a `confirmed` read of the Clock sysvar shows the new time (what the next confirmed
 * transaction and every client reading at `confirmed` see), with that clock.
 */
export async function timeTravel(rpcUrl: string, to: { unixTimestamp?: number; slots?: number }) {
  const connection = new Connection(rpcUrl, "confirmed");
  if (to.unixTimestamp === undefined && to.slots === undefined) return readClock(connection);
  const start = await readClock(connection, "processed");
  const params =
    to.unixTimestamp !== undefined
      ? { absoluteTimestamp: to.unixTimestamp * 1_000 }
      : { absoluteSlot: start.slot + to.slots! };
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "surfnet_timeTravel", params: [params] }),
  });
  const body = (await res.json()) as { error?: { message: string } };
  if (body.error) throw new Error(`surfnet_timeTravel: ${body.error.message}`);
  for (let i = 0; ; i++) {
    const clock = await readClock(connection);
    const arrived =
      to.unixTimestamp !== undefined
        ? clock.unixTimestamp >= to.unixTimestamp
        : clock.slot >= start.slot + to.slots!;
    if (arrived) return clock;
    if (i === 50)
      throw new Error(`surfnet_timeTravel: the confirmed clock still reads ${JSON.stringify(clock)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
