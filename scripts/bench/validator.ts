// npm run bench:validator: what the local Solana network (crates/surfnet, Surfpool's engine) costs
// and how close it is to a cluster, measured on this machine: start to first answer, memory,
// blockhash lifetime, the commitment levels' distance from the tip, a confirmed transfer, and the
// program deployed through the upgradeable loader (every write signed and checked). The figures in
// the README's "The local Solana network" section come from this command.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import {
  Keypair,
  LAMPORTS_PER_SOL,
  sendAndConfirmTransaction,
  SystemProgram,
  Transaction,
} from "@solana/web3.js";

import { deployProgram } from "../../src/solana/loader.js";
import { localProgramKeypair, PROGRAM_SO, startLocalChain } from "../../src/solana/localnet.js";

const rows: [string, string][] = [];
const row = (what: string, value: string) => {
  rows.push([what, value]);
  console.error(`${what}: ${value}`);
};
const rssMb = (pid: number) =>
  Math.round(
    Number(
      execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
        .toString()
        .trim(),
    ) / 1024,
  );

const started = performance.now();
const chain = await startLocalChain({ program: false });
row("start (spawn to ready line), no program", `${Math.round(performance.now() - started)} ms`);
const pid = Number(
  execFileSync("pgrep", ["-n", "-f", `surfnet --port ${new URL(chain.rpcUrl).port}`]).toString(),
);
row("memory after start (RSS)", `${rssMb(pid)} MB`);
const c = chain.connection;

const { lastValidBlockHeight } = await c.getLatestBlockhash("processed");
const lifetime = lastValidBlockHeight - (await c.getBlockHeight("processed"));
row("blockhash lifetime", `${lifetime} blocks (${((lifetime * 400) / 1000).toFixed(0)} s at 400 ms slots)`);

await new Promise((r) => setTimeout(r, 14_000)); // finalized trails by 31 slots
const [p, cf, f] = [await c.getSlot("processed"), await c.getSlot("confirmed"), await c.getSlot("finalized")];
row("commitment: tip - confirmed, tip - finalized", `${p - cf} slot(s), ${p - f} slots`);

const payer = Keypair.generate();
await c.confirmTransaction({
  signature: await c.requestAirdrop(payer.publicKey, 100 * LAMPORTS_PER_SOL),
  ...(await c.getLatestBlockhash()),
});
const n = 10;
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const tx = new Transaction().add(
    SystemProgram.transfer({
      fromPubkey: payer.publicKey,
      toPubkey: Keypair.generate().publicKey,
      lamports: 1e6,
    }),
  );
  await sendAndConfirmTransaction(c, tx, [payer], { commitment: "confirmed" });
}
row(
  "a transfer, sent and confirmed (web3.js, one at a time)",
  `${Math.round((performance.now() - t0) / n)} ms`,
);

const elf = readFileSync(PROGRAM_SO);
const t1 = performance.now();
const deployed = await deployProgram(c, { authority: payer, programKeypair: localProgramKeypair(), elf });
row(
  `compute_market.so (${elf.length} bytes) through the upgradeable loader`,
  `${((performance.now() - t1) / 1000).toFixed(1)} s, ${deployed.sent} transactions`,
);
row("memory after the deploy (RSS)", `${rssMb(pid)} MB`);
await chain.stop();

// what every test suite does: a network with the program put in place at start
const t2 = performance.now();
const loaded = await startLocalChain();
row("start with compute_market.so loaded (the tests' way)", `${Math.round(performance.now() - t2)} ms`);
await loaded.stop();

console.log("| local Solana network (crates/surfnet, surfpool-core 1.6.1, debug build) | measured |");
console.log("| --- | ---: |");
for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
