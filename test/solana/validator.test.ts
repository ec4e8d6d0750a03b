// The local Solana network against clients this project did not write: plain `fetch` for
// JSON-RPC 2.0 and Node's own WebSocket (WHATWG) for the pubsub API, nothing of web3.js. Each
// check is one of the differences that would bite a script pointed at devnet or mainnet:
// blockhash lifetime, commitment levels, `jsonParsed`, `dataSlice`, compute-unit metering, the
// program loaded under the upgradeable loader, websockets (signature, account, logs, slot) and
// the clock moved by the engine's own cheat code (`surfnet_timeTravel`).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { utils } from "@anchor-lang/core";
import { createMint } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, Transaction, TransactionInstruction } from "@solana/web3.js";

import { PROGRAMDATA_METADATA_SIZE, programDataAddress } from "../../src/solana/loader.js";
import { startLocalChain, type LocalChain } from "../../src/solana/localnet.js";
import { PROGRAM_ID } from "../../src/solana/market.js";

import { funded } from "./helpers.js";

let chain: LocalChain;

async function rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(chain.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.code} ${body.error.message}`);
  return body.result as T;
}

/** One websocket subscription: resolves with the first notification that `accept` takes. */
async function subscribe<T>(
  method: string,
  params: unknown[],
  trigger: () => Promise<unknown>,
  accept: (result: T) => boolean = () => true,
): Promise<T> {
  const ws = new WebSocket(chain.wsUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`websocket ${chain.wsUrl} did not open`));
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no notification in 30 s`)), 30_000);
      let subscription: number | undefined;
      ws.onmessage = (event) => {
        const msg = JSON.parse(String(event.data));
        if (msg.id === 1) {
          if (msg.error) return reject(new Error(`${method}: ${msg.error.message}`));
          subscription = msg.result;
          trigger().catch(reject);
        } else if (msg.params?.subscription === subscription) {
          const result = (msg.params.result?.value ?? msg.params.result) as T;
          if (accept(result)) {
            clearTimeout(timer);
            resolve(result);
          }
        }
      };
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
    });
  } finally {
    ws.close();
  }
}

describe("the local Solana network, through the standard protocol only", () => {
  before(async () => {
    chain = await startLocalChain();
  });
  after(async () => {
    await chain?.stop();
  });

  it("answers getHealth and getVersion as a validator does", async () => {
    assert.equal(await rpc("getHealth"), "ok");
    const version = await rpc<Record<string, unknown>>("getVersion");
    assert.equal(typeof version["solana-core"], "string");
    assert.equal(typeof version["feature-set"], "number");
  });

  it("a blockhash lives 150 blocks, as on a cluster (a minute at 400 ms slots)", async () => {
    const { value } = await rpc<{ value: { lastValidBlockHeight: number } }>("getLatestBlockhash", [
      { commitment: "processed" },
    ]);
    const height = await rpc<number>("getBlockHeight", [{ commitment: "processed" }]);
    const lifetime = value.lastValidBlockHeight - height;
    assert.ok(lifetime >= 148 && lifetime <= 150, `lifetime ${lifetime} blocks`);
  });

  it("commitment levels: processed runs ahead of confirmed, confirmed of finalized", async () => {
    // finalized trails the tip by 31 slots: wait until it has a slot of its own
    let finalized = 0;
    for (let i = 0; i < 100 && finalized === 0; i++) {
      finalized = await rpc<number>("getSlot", [{ commitment: "finalized" }]);
      if (finalized === 0) await new Promise((r) => setTimeout(r, 200));
    }
    const confirmed = await rpc<number>("getSlot", [{ commitment: "confirmed" }]);
    const processed = await rpc<number>("getSlot", [{ commitment: "processed" }]);
    assert.ok(finalized > 0, "finalized reached a slot");
    assert.ok(processed >= confirmed && confirmed > finalized, `${processed} / ${confirmed} / ${finalized}`);
  });

  it("the program is an upgradeable-loader program: jsonParsed names its ProgramData, dataSlice reads its ELF header", async () => {
    const program = await rpc<{
      value: {
        owner: string;
        executable: boolean;
        data: { parsed: { type: string; info: { programData: string } } };
      };
    }>("getAccountInfo", [PROGRAM_ID.toBase58(), { encoding: "jsonParsed" }]);
    assert.equal(program.value.owner, "BPFLoaderUpgradeab1e11111111111111111111111");
    assert.equal(program.value.executable, true);
    assert.equal(program.value.data.parsed.type, "program");
    assert.equal(program.value.data.parsed.info.programData, programDataAddress(PROGRAM_ID).toBase58());
    const slice = await rpc<{ value: { data: [string, string] } }>("getAccountInfo", [
      program.value.data.parsed.info.programData,
      { encoding: "base64", dataSlice: { offset: PROGRAMDATA_METADATA_SIZE, length: 4 } },
    ]);
    assert.deepEqual([...Buffer.from(slice.value.data[0], "base64")], [0x7f, 0x45, 0x4c, 0x46]); // \x7fELF
  });

  it("jsonParsed decodes SPL Token accounts", async () => {
    const payer = await funded(chain.connection, 2);
    const mint = await createMint(chain.connection, payer, payer.publicKey, null, 6);
    const info = await rpc<{
      value: {
        data: {
          program: string;
          parsed: { type: string; info: { decimals: number; mintAuthority: string } };
        };
      };
    }>("getAccountInfo", [mint.toBase58(), { encoding: "jsonParsed" }]);
    assert.equal(info.value.data.program, "spl-token");
    assert.equal(info.value.data.parsed.type, "mint");
    assert.equal(info.value.data.parsed.info.decimals, 6);
    assert.equal(info.value.data.parsed.info.mintAuthority, payer.publicKey.toBase58());
  });

  it("meters the program's compute units (simulateTransaction)", async () => {
    const payer = await funded(chain.connection, 1);
    // an instruction the program refuses after running: Anchor's dispatcher meets unknown data
    const tx = new Transaction().add(
      new TransactionInstruction({ programId: PROGRAM_ID, keys: [], data: Buffer.alloc(8, 0xff) }),
    );
    tx.feePayer = payer.publicKey;
    tx.recentBlockhash = (await chain.connection.getLatestBlockhash()).blockhash;
    tx.sign(payer);
    const sim = await rpc<{ value: { err: unknown; logs: string[]; unitsConsumed: number } }>(
      "simulateTransaction",
      [tx.serialize().toString("base64"), { encoding: "base64" }],
    );
    assert.deepEqual(sim.value.err, { InstructionError: [0, { Custom: 101 }] }); // InstructionFallbackNotFound
    assert.ok(sim.value.unitsConsumed > 0, `${sim.value.unitsConsumed} CU`);
    assert.ok(
      sim.value.logs.some((l) =>
        new RegExp(`^Program ${PROGRAM_ID.toBase58()} consumed \\d+ of \\d+ compute units$`).test(l),
      ),
      sim.value.logs.join("\n"),
    );
    assert.ok(
      sim.value.logs.some((l) => /InstructionFallbackNotFound/.test(l)),
      sim.value.logs.join("\n"),
    );
  });

  it("websockets: signatureSubscribe, accountSubscribe, logsSubscribe and slotSubscribe notify", async () => {
    const someone = Keypair.generate().publicKey;
    const account = await subscribe<{ lamports: number }>(
      "accountSubscribe",
      [someone.toBase58(), { encoding: "base64", commitment: "confirmed" }],
      () => rpc("requestAirdrop", [someone.toBase58(), LAMPORTS_PER_SOL]),
    );
    assert.equal(account.lamports, LAMPORTS_PER_SOL);

    const payer = await funded(chain.connection, 1);
    const signed = async () => {
      const tx = new Transaction().add(
        new TransactionInstruction({ programId: PROGRAM_ID, keys: [], data: Buffer.alloc(8, 0xff) }),
      );
      tx.feePayer = payer.publicKey;
      tx.recentBlockhash = (await chain.connection.getLatestBlockhash()).blockhash;
      tx.sign(payer);
      return { wire: tx.serialize().toString("base64"), signature: utils.bytes.bs58.encode(tx.signature!) };
    };
    const first = await signed();
    const logs = await subscribe<{ signature: string; err: unknown; logs: string[] }>(
      "logsSubscribe",
      [{ mentions: [PROGRAM_ID.toBase58()] }, { commitment: "confirmed" }],
      () => rpc("sendTransaction", [first.wire, { encoding: "base64", skipPreflight: true }]),
    );
    assert.equal(logs.signature, first.signature);
    // A validator sets `err` here; Surfpool 1.6.1 sends null for every logs notification
    // (surfpool-core src/surfnet/svm.rs, notify_logs_subscribers(.., None, ..)): the failure shows
    // in the logs, and signatureSubscribe / getTransaction carry the error (README).
    assert.ok(
      logs.logs.some((l) => l === `Program ${PROGRAM_ID.toBase58()} failed: custom program error: 0x65`),
      logs.logs.join("\n"),
    );
    assert.ok(
      logs.logs.some((l) => l.startsWith(`Program ${PROGRAM_ID.toBase58()} invoke [1]`)),
      logs.logs.join("\n"),
    );

    const second = await signed();
    const status = await subscribe<{ err: unknown }>(
      "signatureSubscribe",
      [second.signature, { commitment: "confirmed" }],
      () => rpc("sendTransaction", [second.wire, { encoding: "base64", skipPreflight: true }]),
    );
    assert.deepEqual(
      status.err,
      { InstructionError: [0, { Custom: 101 }] },
      "the refused instruction's error reaches the subscriber",
    );

    const slot = await subscribe<{ slot: number }>("slotSubscribe", [], async () => {});
    assert.ok(slot.slot > 0);
  });

  it("surfnet_timeTravel moves the Clock sysvar forward (the expiry tests' means)", async () => {
    const clock = async () =>
      (
        await rpc<{ value: { data: { parsed: { info: { unixTimestamp: number; slot: number } } } } }>(
          "getAccountInfo",
          ["SysvarC1ock11111111111111111111111111111111", { encoding: "jsonParsed" }],
        )
      ).value.data.parsed.info;
    const before = await clock();
    const target = before.unixTimestamp + 86_400;
    await rpc("surfnet_timeTravel", [{ absoluteTimestamp: target * 1_000 }]);
    const after = await clock();
    assert.ok(
      after.unixTimestamp >= target && after.unixTimestamp <= target + 2,
      `${after.unixTimestamp} vs ${target}`,
    );
    assert.ok(after.slot > before.slot + 200_000, "a day of 400 ms slots");
  });
});
