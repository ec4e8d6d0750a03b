// Starts and stops the local Solana test chain (`svm-rpc`, built from crates/svm-rpc): a
// JSON-RPC + websocket endpoint on 127.0.0.1 that web3.js, Anchor's client, the deploy scripts
// and the CLI use unchanged, exactly as they would use solana-test-validator.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { Connection } from "@solana/web3.js";

export interface LocalChain {
  rpcUrl: string;
  wsUrl: string;
  programId: string;
  connection: Connection;
  stop(): Promise<void>;
}

export function svmRpcBinary(): string {
  const targetDir =
    process.env.CARGO_TARGET_DIR ??
    path.join(process.env.CM_CACHE ?? path.join(homedir(), ".cache", "compute-market"), "target");
  const bin = process.env.CM_SVM_RPC_BIN ?? path.join(targetDir, "debug", "svm-rpc");
  if (!existsSync(bin)) {
    throw new Error(`svm-rpc not found at ${bin}: run 'bash scripts/solana/cargo.sh build -p svm-rpc' first`);
  }
  return bin;
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

/** Starts a fresh chain on free ports (or `port`/`port + 1`). */
export async function startLocalChain(opts: { port?: number } = {}): Promise<LocalChain> {
  const port = opts.port ?? (await freePortPair());
  const child: ChildProcess = spawn(svmRpcBinary(), ["--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    // the checkout whose target/deploy/*.so it serves (the binary may come from another
    // checkout sharing the cargo target directory)
    env: {
      ...process.env,
      RUST_LOG: process.env.RUST_LOG ?? "error",
      CM_REPO_ROOT:
        process.env.CM_REPO_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."),
    },
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4_000)));
  const ready = await new Promise<{ rpc: string; ws: string; programId: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`svm-rpc did not start in 60 s: ${stderr}`)), 60_000);
    child.once("exit", (code) => reject(new Error(`svm-rpc exited with ${code}: ${stderr}`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return; // program `msg!` output of the native program
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
  // The test chain registers a new blockhash every 6.4 ms of wall time (solana-program-test's
  // simulated PoH), so a blockhash stays valid for about one second, not one minute as on a
  // cluster: web3.js's 30-second blockhash cache must be off against it.
  (connection as unknown as { _disableBlockhashCaching: boolean })._disableBlockhashCaching = true;
  return {
    rpcUrl: ready.rpc,
    wsUrl: ready.ws,
    programId: ready.programId,
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

/** Moves the test chain's clock (an `svm-rpc` extension; not available on real clusters). */
export async function timeTravel(rpcUrl: string, to: { unixTimestamp?: number; slots?: number }) {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "cm_timeTravel", params: [to] }),
  });
  const body = (await res.json()) as {
    result?: { slot: number; unixTimestamp: number };
    error?: { message: string };
  };
  if (body.error) throw new Error(`cm_timeTravel: ${body.error.message}`);
  return body.result!;
}
