// The swap protocol's escrow on Solana: the program's swap instructions through src/solana/swap.ts.
// A swap's accounts are closed when it ends, so its end is read from chain history: a withdrawal
// shows its secret (events, logs, instruction data); any other successful transaction on the
// swap's address after its lock is its cancellation.
import { PublicKey } from "@solana/web3.js";
import { hexlify } from "ethers";

import { readClock } from "../solana/clock.js";
import type { SolanaContext } from "../solana/context.js";

/** What the escrow needs of a Solana context (a command's, or a test's). */
type Ctx = Pick<SolanaContext, "program" | "connection" | "signer">;
import {
  cancelSwap,
  fetchSwap,
  findSwapSecret,
  lockSwap,
  swapAddress,
  withdrawSwap,
} from "../solana/swap.js";

import type { Escrow, LockState, LockTerms } from "./escrow.js";

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));

export function solanaEscrow(ctx: Ctx): Escrow {
  const { program, connection } = ctx;
  return {
    chain: "solana",
    me: async () => ctx.signer.publicKey.toBase58(),
    // the Clock sysvar the program checks the windows against, at confirmed
    now: async () => (await readClock(connection)).unixTimestamp,
    async read(maker, swapId): Promise<LockState> {
      const makerKey = new PublicKey(maker);
      const s = await fetchSwap(program, makerKey, swapId);
      if (s) {
        return {
          state: "locked",
          lock: {
            chain: "solana",
            maker: s.maker.toBase58(),
            recipient: s.recipient.toBase58(),
            asset: s.mint.toBase58(),
            amount: s.amount,
            safetyDeposit: s.safetyDeposit,
            timelocks: s.timelocks,
            swapId,
            hashlock: hexlify(s.hashlock),
            lockedAt: s.lockedAt,
          },
        };
      }
      const found = await findSwapSecret(connection, program, makerKey, swapId);
      if (found) return { state: "withdrawn", secret: hexlify(found.secret) };
      const history = await connection.getSignaturesForAddress(
        swapAddress(makerKey, swapId, program.programId),
        {
          limit: 10,
        },
      );
      return history.some((h) => !h.err) ? { state: "cancelled" } : { state: "none" };
    },
    async lock(swapId: bigint, hashlock: string, t: LockTerms) {
      const r = await lockSwap(program, {
        swapId,
        recipient: new PublicKey(t.recipient),
        mint: new PublicKey(t.asset),
        amount: t.amount,
        hashlock: bytes(hashlock),
        timelocks: t.timelocks,
        safetyDeposit: t.safetyDeposit,
      });
      return r.signature;
    },
    withdraw: (maker, swapId, secret) =>
      withdrawSwap(program, { maker: new PublicKey(maker), swapId, secret: bytes(secret) }),
    cancel: (maker, swapId) => cancelSwap(program, { maker: new PublicKey(maker), swapId }),
  };
}
