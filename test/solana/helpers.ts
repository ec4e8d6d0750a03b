// What every Solana suite needs: a funded key, and a check that a promise fails with a named
// program error (not just that it failed).
import assert from "node:assert/strict";

import { Keypair, LAMPORTS_PER_SOL, type Connection } from "@solana/web3.js";

import { programErrorName } from "../../src/solana/market.js";

export async function funded(connection: Connection, sol = 10): Promise<Keypair> {
  const kp = Keypair.generate();
  const sig = await connection.requestAirdrop(kp.publicKey, sol * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) });
  return kp;
}

export async function expectProgramError(promise: Promise<unknown>, name: string) {
  await assert.rejects(promise, (err: unknown) => {
    assert.equal(programErrorName(err), name, `expected ${name}, got: ${err}`);
    return true;
  });
}
