// The swap protocol's escrow on an EVM chain: HTLCEscrow through src/evm/swap.ts.
import type { Signer } from "ethers";

import type { HTLCEscrow } from "../../types/ethers-contracts/index.js";
import { cancelEvm, findEvmSecret, lockEvm, readEvmSwap, withdrawEvm } from "../evm/swap.js";

import type { ChainName, Escrow, LockState, LockTerms } from "./escrow.js";

export function evmEscrow(chain: Exclude<ChainName, "solana">, escrow: HTLCEscrow, signer: Signer): Escrow {
  const connected = escrow.connect(signer) as HTLCEscrow;
  const provider = signer.provider!;
  return {
    chain,
    me: () => signer.getAddress(),
    now: async () => (await provider.getBlock("latest"))!.timestamp,
    async read(maker, swapId): Promise<LockState> {
      const s = await readEvmSwap(connected, maker, swapId);
      if (!s) return { state: "none" };
      if (s.state === "cancelled") return { state: "cancelled" };
      if (s.state === "withdrawn") {
        // the lock's block is the earliest a withdrawal can be in
        const from = await lockBlock(connected, maker, swapId);
        return {
          state: "withdrawn",
          secret: (await findEvmSecret(connected, maker, swapId, from)) ?? undefined,
        };
      }
      return {
        state: "locked",
        lock: {
          chain,
          maker: s.maker,
          recipient: s.recipient,
          asset: s.token,
          amount: s.amount,
          safetyDeposit: s.safetyDeposit,
          timelocks: s.timelocks,
          swapId,
          hashlock: s.hashlock,
          lockedAt: s.lockedAt,
        },
      };
    },
    async lock(swapId: bigint, hashlock: string, t: LockTerms) {
      const r = await lockEvm(connected, {
        swapId,
        recipient: t.recipient,
        token: t.asset,
        amount: t.amount,
        hashlock,
        timelocks: t.timelocks,
        safetyDeposit: t.safetyDeposit,
      });
      return r.hash;
    },
    withdraw: async (maker, swapId, secret) => (await withdrawEvm(connected, maker, swapId, secret)).hash,
    cancel: async (maker, swapId) => (await cancelEvm(connected, maker, swapId)).hash,
  };
}

async function lockBlock(escrow: HTLCEscrow, maker: string, swapId: bigint): Promise<number> {
  const locked = await escrow.queryFilter(escrow.filters.Locked(maker, swapId));
  return locked.length ? locked[0].blockNumber : 0;
}
