// What a Solana command needs: the deployment record of a network, a connection, the program
// client signing with a keypair file (or a throwaway key for read-only commands), and the
// market's mints with their decimals.
import { readFileSync } from "node:fs";

import { Wallet } from "@anchor-lang/core";
import { getMint } from "@solana/spl-token";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { z } from "zod";

import { readDeployment } from "../deployments.js";
import type { Denomination } from "../units.js";

import { marketProgram } from "./market.js";
import { SolanaPubkey } from "./validation.js";

export const SolanaRecord = z.object({
  rpcUrl: z.string(),
  market: SolanaPubkey,
  stableMint: SolanaPubkey,
  tokenMint: SolanaPubkey,
});

export function readKeypair(file: string): Keypair {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not a readable keypair file (${(err as Error).message})`);
  }
  const bytes = z.array(z.number().int().min(0).max(255)).length(64).safeParse(raw);
  if (!bytes.success) throw new Error(`${file}: not a Solana keypair (a JSON array of 64 bytes)`);
  return Keypair.fromSecretKey(Uint8Array.from(bytes.data));
}

export function solanaContext(o: { network?: string; keypair?: string }) {
  const network = o.network ?? "localnet";
  const record = SolanaRecord.parse(readDeployment(`solana-${network}`));
  const connection = new Connection(record.rpcUrl, "confirmed");
  const signer = o.keypair ? readKeypair(o.keypair) : Keypair.generate(); // read-only commands
  const program = marketProgram(connection, new Wallet(signer));
  const stableMint = new PublicKey(record.stableMint);
  const tokenMint = new PublicKey(record.tokenMint);
  /** The mint's decimals, read from chain (SPL mints carry no symbol: the market's names). */
  const denomination = async (mint: PublicKey): Promise<Denomination> => ({
    decimals: (await getMint(connection, mint)).decimals,
    symbol: mint.equals(stableMint) ? "USDC" : mint.equals(tokenMint) ? "CMT" : mint.toBase58(),
  });
  return {
    network,
    record,
    connection,
    signer,
    program,
    market: new PublicKey(record.market),
    stableMint,
    tokenMint,
    denomination,
  };
}
export type SolanaContext = ReturnType<typeof solanaContext>;
