// Cross-chain swap escrows through Anchor's TS client on the local SVM (src/solana/swap.ts):
// lock, withdraw (private and public), cancel (private and public), the named errors, and the
// secret recovered from chain history. Every party's lamports and tokens are checked after each
// step, fees included (each caller pays its own transaction fee).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { Wallet } from "@anchor-lang/core";
import {
  createAssociatedTokenAccount,
  createMint,
  getAccount,
  getAssociatedTokenAddressSync,
  mintTo,
  TOKEN_2022_PROGRAM_ID,
} from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, PublicKey, type Connection } from "@solana/web3.js";

import idlJson from "../../src/solana/idl/compute_market.json" with { type: "json" };
import { startLocalChain, timeTravel, type LocalChain } from "../../src/solana/localnet.js";
import { marketProgram, programErrorName } from "../../src/solana/market.js";

import { assertEventsDecoded, EVENT_COVERAGE } from "./helpers.js";
import {
  cancelSwap,
  fetchSwap,
  findSwapSecret,
  lockSwap,
  newSwapSecret,
  solanaHashlock,
  SwapNotFoundError,
  swapAddress,
  swapSecretsInTransaction,
  swapTimelocksError,
  swapVaultAddress,
  swapWindow,
  withdrawSwap,
  type SwapTimelocks,
} from "../../src/solana/swap.js";

const UNIT = 1_000_000n;
const AMOUNT = 250n * UNIT;
const DEPOSIT = 5_000_000n; // lamports
const T: SwapTimelocks = {
  finality: 60,
  publicWithdrawal: 600,
  cancellation: 1_200,
  publicCancellation: 1_800,
};
const ATA_RENT = 2_039_280n;

async function funded(connection: Connection): Promise<Keypair> {
  const kp = Keypair.generate();
  const sig = await connection.requestAirdrop(kp.publicKey, 10 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) });
  return kp;
}

async function expectProgramError(promise: Promise<unknown>, name: string) {
  await assert.rejects(promise, (err: unknown) => {
    assert.equal(programErrorName(err), name, `expected ${name}, got: ${err}`);
    return true;
  });
}

describe("cross-chain swap escrow on the local SVM", () => {
  let chain: LocalChain;
  let connection: Connection;
  let mint: PublicKey;
  let maker: Keypair;
  let recipient: Keypair;
  let third: Keypair;
  let makerAta: PublicKey;
  let nextId = 1n;
  const program = (k: Keypair) => marketProgram(connection, new Wallet(k));
  const lamports = async (k: PublicKey) => BigInt(await connection.getBalance(k, "confirmed"));
  const tokens = async (a: PublicKey) => {
    try {
      return (await getAccount(connection, a, "confirmed")).amount;
    } catch {
      return 0n; // no such account
    }
  };
  const fee = async (signature: string) => {
    const tx = await connection.getTransaction(signature, {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    return BigInt(tx!.meta!.fee);
  };
  const travel = (unixTimestamp: number) => timeTravel(chain.rpcUrl, { unixTimestamp });
  const rent = async (space: number) => BigInt(await connection.getMinimumBalanceForRentExemption(space));

  /** Lamports and tokens of maker, recipient, third party (associated accounts). */
  async function ledger() {
    const parties = [maker, recipient, third].map((k) => k.publicKey);
    return {
      lamports: await Promise.all(parties.map(lamports)),
      tokens: await Promise.all(parties.map((p) => tokens(getAssociatedTokenAddressSync(mint, p)))),
    };
  }
  const delta = (a: bigint[], b: bigint[]) => b.map((v, i) => v - a[i]);

  async function lock(secret = newSwapSecret()) {
    const swapId = nextId++;
    const signature = (
      await lockSwap(program(maker), {
        swapId,
        recipient: recipient.publicKey,
        mint,
        amount: AMOUNT,
        hashlock: solanaHashlock(secret),
        timelocks: T,
        safetyDeposit: DEPOSIT,
      })
    ).signature;
    const swap = (await fetchSwap(program(maker), maker.publicKey, swapId))!;
    return { swapId, secret, swap, signature };
  }

  before(async () => {
    chain = await startLocalChain();
    connection = chain.connection;
    const mintAuthority = await funded(connection);
    mint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 6);
    [maker, recipient, third] = await Promise.all([0, 1, 2].map(() => funded(connection)));
    makerAta = await createAssociatedTokenAccount(connection, maker, mint, maker.publicKey);
    await mintTo(connection, mintAuthority, mint, makerAta, mintAuthority, 10_000n * UNIT);
  });

  after(async () => {
    await chain?.stop();
  });

  it("hashlock: keccak256 of the 32-byte secret, as on the EVM", () => {
    assert.equal(
      Buffer.from(solanaHashlock(new Uint8Array(32))).toString("hex"),
      "290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563",
    );
    assert.throws(() => solanaHashlock(new Uint8Array(31)));
    assert.equal(swapTimelocksError(T), undefined);
    assert.match(swapTimelocksError({ ...T, finality: 0 })!, /positive/);
    assert.match(swapTimelocksError({ ...T, cancellation: T.publicWithdrawal })!, /strictly/);
  });

  it("happy path: lock, the recipient withdraws after finality (its account created), the secret is found on chain", async () => {
    const l0 = await ledger();
    const { swapId, secret, swap, signature: lockSig } = await lock();
    // the stored terms
    assert.equal(swap.address.toBase58(), swapAddress(maker.publicKey, swapId).toBase58());
    assert.deepEqual(
      [
        swap.maker.toBase58(),
        swap.recipient.toBase58(),
        swap.mint.toBase58(),
        swap.amount,
        swap.safetyDeposit,
      ],
      [maker.publicKey.toBase58(), recipient.publicKey.toBase58(), mint.toBase58(), AMOUNT, DEPOSIT],
    );
    assert.deepEqual(swap.timelocks, T);
    assert.deepEqual(Buffer.from(swap.hashlock), Buffer.from(solanaHashlock(secret)));
    assert.equal(swap.swapId, swapId);
    assert.equal(await tokens(swapVaultAddress(swap.address)), AMOUNT);
    const swapRent = await rent((await connection.getAccountInfo(swap.address))!.data.length);
    const vaultRent = await rent(165);
    assert.equal(await lamports(swap.address), swapRent + DEPOSIT);
    const l1 = await ledger();
    assert.deepEqual(delta(l0.lamports, l1.lamports), [
      -(swapRent + vaultRent + DEPOSIT + (await fee(lockSig))),
      0n,
      0n,
    ]);
    assert.deepEqual(delta(l0.tokens, l1.tokens), [-AMOUNT, 0n, 0n]);

    // finality lock, then the private window
    assert.equal(swapWindow(swap, swap.lockedAt + T.finality - 1), "finality-lock");
    await travel(swap.lockedAt + T.finality - 1);
    await expectProgramError(
      withdrawSwap(program(recipient), { maker: maker.publicKey, swapId, secret }),
      "WithdrawalNotOpen",
    );
    await travel(swap.lockedAt + T.finality);
    assert.equal(
      await findSwapSecret(connection, program(third), maker.publicKey, swapId),
      null,
      "not revealed yet",
    );
    const l2 = await ledger();
    const sig = await withdrawSwap(program(recipient), { maker: maker.publicKey, swapId, secret });
    const l3 = await ledger();
    // the recipient paid its fee and its new associated account, and got the deposit
    assert.deepEqual(delta(l2.lamports, l3.lamports), [
      swapRent + vaultRent,
      DEPOSIT - ATA_RENT - (await fee(sig)),
      0n,
    ]);
    assert.deepEqual(delta(l2.tokens, l3.tokens), [0n, AMOUNT, 0n]);
    assert.equal(await fetchSwap(program(maker), maker.publicKey, swapId), null, "closed");
    assert.equal(await connection.getAccountInfo(swapVaultAddress(swap.address)), null, "vault closed");

    // the other party learns the secret from chain data
    const found = await findSwapSecret(connection, program(third), maker.publicKey, swapId, swap.hashlock);
    assert.ok(found);
    assert.deepEqual(Buffer.from(found.secret), Buffer.from(secret));
    assert.equal(found.signature, sig);
    // the log line carries it too
    const tx = await connection.getTransaction(sig, {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    assert.ok(
      tx!.meta!.logMessages!.includes(
        `Program log: SwapWithdrawn secret: ${Buffer.from(secret).toString("hex")}`,
      ),
    );
    // a hashlock that is not this swap's finds nothing
    assert.equal(
      await findSwapSecret(
        connection,
        program(third),
        maker.publicKey,
        swapId,
        solanaHashlock(newSwapSecret()),
      ),
      null,
    );
    // a second withdrawal: no open swap (client side), AccountNotInitialized (program side)
    await assert.rejects(
      withdrawSwap(program(recipient), { maker: maker.publicKey, swapId, secret }),
      SwapNotFoundError,
    );
    await expectProgramError(
      program(recipient)
        .methods.withdrawSwap(Array.from(secret))
        .accountsPartial({
          caller: recipient.publicKey,
          maker: maker.publicKey,
          swap: swap.address,
          mint,
          vault: swapVaultAddress(swap.address),
          recipientTokenAccount: getAssociatedTokenAddressSync(mint, recipient.publicKey),
        })
        .rpc(),
      "AccountNotInitialized",
    );
    // over the whole swap, fees and the recipient's account rent aside: the maker paid the
    // amount and the deposit, the recipient received them
    const l4 = await ledger();
    assert.deepEqual(delta(l0.tokens, l4.tokens), [-AMOUNT, AMOUNT, 0n]);
  });

  it("a wrong secret and a third party in the private window are refused; in the public window a third party withdraws for the recipient and is paid the deposit", async () => {
    const { swapId, secret, swap } = await lock();
    await travel(swap.lockedAt + T.finality);
    await expectProgramError(
      withdrawSwap(program(recipient), { maker: maker.publicKey, swapId, secret: newSwapSecret() }),
      "InvalidSecret",
    );
    await expectProgramError(
      withdrawSwap(program(third), { maker: maker.publicKey, swapId, secret }),
      "NotRecipient",
    );
    await travel(swap.lockedAt + T.publicWithdrawal);
    assert.equal(swapWindow(swap, swap.lockedAt + T.publicWithdrawal), "public-withdrawal");
    await expectProgramError(
      withdrawSwap(program(third), { maker: maker.publicKey, swapId, secret: solanaHashlock(secret) }),
      "InvalidSecret",
    );
    const l0 = await ledger();
    const swapLamports = await lamports(swap.address);
    const vaultLamports = await lamports(swapVaultAddress(swap.address));
    const sig = await withdrawSwap(program(third), { maker: maker.publicKey, swapId, secret });
    const l1 = await ledger();
    assert.deepEqual(delta(l0.lamports, l1.lamports), [
      swapLamports - DEPOSIT + vaultLamports,
      0n,
      DEPOSIT - (await fee(sig)),
    ]);
    assert.deepEqual(delta(l0.tokens, l1.tokens), [0n, AMOUNT, 0n]);
    const found = await findSwapSecret(connection, program(maker), maker.publicKey, swapId, swap.hashlock);
    assert.deepEqual(Buffer.from(found!.secret), Buffer.from(secret));
  });

  it("cancellation: refused before its window, the maker only in the private one; withdrawal closed from then on", async () => {
    const { swapId, secret, swap } = await lock();
    await travel(swap.lockedAt + T.cancellation - 1);
    await expectProgramError(
      cancelSwap(program(maker), { maker: maker.publicKey, swapId }),
      "CancellationNotOpen",
    );
    await travel(swap.lockedAt + T.cancellation);
    await expectProgramError(
      withdrawSwap(program(recipient), { maker: maker.publicKey, swapId, secret }),
      "WithdrawalClosed",
    );
    await expectProgramError(cancelSwap(program(third), { maker: maker.publicKey, swapId }), "NotMaker");
    const l0 = await ledger();
    const swapLamports = await lamports(swap.address);
    const vaultLamports = await lamports(swapVaultAddress(swap.address));
    const sig = await cancelSwap(program(maker), { maker: maker.publicKey, swapId });
    const l1 = await ledger();
    assert.deepEqual(delta(l0.lamports, l1.lamports), [
      swapLamports + vaultLamports - (await fee(sig)),
      0n,
      0n,
    ]);
    assert.deepEqual(delta(l0.tokens, l1.tokens), [AMOUNT, 0n, 0n]);
    assert.equal(await fetchSwap(program(maker), maker.publicKey, swapId), null);
    assert.equal(
      await findSwapSecret(connection, program(third), maker.publicKey, swapId),
      null,
      "never revealed",
    );
    await assert.rejects(cancelSwap(program(maker), { maker: maker.publicKey, swapId }), SwapNotFoundError);
  });

  it("public cancellation: a third party returns the tokens to the maker and is paid the deposit", async () => {
    const { swapId, swap } = await lock();
    await travel(swap.lockedAt + T.publicCancellation);
    assert.equal(swapWindow(swap, swap.lockedAt + T.publicCancellation), "public-cancellation");
    const l0 = await ledger();
    const swapLamports = await lamports(swap.address);
    const vaultLamports = await lamports(swapVaultAddress(swap.address));
    const sig = await cancelSwap(program(third), { maker: maker.publicKey, swapId });
    const l1 = await ledger();
    assert.deepEqual(delta(l0.lamports, l1.lamports), [
      swapLamports - DEPOSIT + vaultLamports,
      0n,
      DEPOSIT - (await fee(sig)),
    ]);
    assert.deepEqual(delta(l0.tokens, l1.tokens), [AMOUNT, 0n, 0n]);
  });

  it("lock refuses bad terms, an open swap id, and Token-2022 mints", async () => {
    const base = {
      recipient: recipient.publicKey,
      mint,
      amount: AMOUNT,
      hashlock: solanaHashlock(newSwapSecret()),
      timelocks: T,
      safetyDeposit: DEPOSIT,
    };
    const p = program(maker);
    const l0 = await ledger();
    await expectProgramError(lockSwap(p, { ...base, swapId: 900n, amount: 0n }), "InvalidAmount");
    await expectProgramError(
      lockSwap(p, { ...base, swapId: 900n, safetyDeposit: 0n }),
      "InvalidSafetyDeposit",
    );
    await expectProgramError(
      lockSwap(p, { ...base, swapId: 900n, timelocks: { ...T, publicCancellation: T.cancellation } }),
      "InvalidTimelocks",
    );
    await expectProgramError(
      lockSwap(p, { ...base, swapId: 900n, recipient: PublicKey.default }),
      "InvalidRecipient",
    );
    const { swapId } = await lock();
    await expectProgramError(lockSwap(p, { ...base, swapId }), "SwapExists");
    const mintAuthority = await funded(connection);
    const t22 = await createMint(
      connection,
      mintAuthority,
      mintAuthority.publicKey,
      null,
      6,
      undefined,
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    await expectProgramError(
      lockSwap(p, { ...base, swapId: 901n, mint: t22, makerTokenAccount: makerAta }),
      "AccountOwnedByWrongProgram",
    );
    // the refused locks failed in preflight: only the one lock moved tokens
    const l1 = await ledger();
    assert.deepEqual(delta(l0.tokens, l1.tokens), [-AMOUNT, 0n, 0n], "only the one lock moved tokens");
  });

  it("finds the secret from a cluster's event log (Program data) and ignores other swaps' events", () => {
    const p = program(third);
    const secret = newSwapSecret();
    const otherSecret = newSwapSecret();
    const event = (m: PublicKey, id: bigint, s: Uint8Array) => {
      const disc = Buffer.from(idlJson.events.find((e) => e.name === "SwapWithdrawn")!.discriminator);
      const idLe = Buffer.alloc(8);
      idLe.writeBigUInt64LE(id);
      return Buffer.concat([disc, m.toBuffer(), idLe, Buffer.from(s), third.publicKey.toBuffer()]).toString(
        "base64",
      );
    };
    const pid = p.programId.toBase58();
    const logs = [
      `Program ${pid} invoke [1]`,
      `Program log: Instruction: WithdrawSwap`,
      `Program data: ${event(maker.publicKey, 41n, otherSecret)}`,
      `Program data: ${event(maker.publicKey, 42n, secret)}`,
      `Program ${pid} consumed 30000 of 200000 compute units`,
      `Program ${pid} success`,
    ];
    const found = swapSecretsInTransaction(p, maker.publicKey, 42n, { logs });
    assert.deepEqual(
      found.map((s) => Buffer.from(s).toString("hex")),
      [Buffer.from(secret).toString("hex")],
    );
    // and from a top-level withdraw_swap instruction's argument
    const data = Buffer.concat([
      Buffer.from(idlJson.instructions.find((i) => i.name === "withdraw_swap")!.discriminator),
      Buffer.from(secret),
    ]);
    const swap = swapAddress(maker.publicKey, 42n);
    const accounts = [third.publicKey, maker.publicKey, swap];
    const fromIx = swapSecretsInTransaction(p, maker.publicKey, 42n, {
      logs: [],
      instructions: [{ programId: p.programId, accounts, data }],
    });
    assert.deepEqual(Buffer.from(fromIx[0]), Buffer.from(secret));
    assert.equal(
      swapSecretsInTransaction(p, maker.publicKey, 43n, {
        logs: [],
        instructions: [{ programId: p.programId, accounts, data }],
      }).length,
      0,
    );
  });

  it("the local chain answers getSignaturesForAddress newest first, with limit, before and until", async () => {
    const { swapId, secret, swap, signature: lockSig } = await lock();
    await travel(swap.lockedAt + T.finality);
    const withdrawSig = await withdrawSwap(program(recipient), { maker: maker.publicKey, swapId, secret });
    const all = await connection.getSignaturesForAddress(swap.address, {}, "confirmed");
    assert.deepEqual(
      all.map((s) => s.signature),
      [withdrawSig, lockSig],
    );
    assert.equal(all[0].err, null);
    assert.ok(all[0].blockTime! >= swap.lockedAt);
    const one = await connection.getSignaturesForAddress(swap.address, { limit: 1 }, "confirmed");
    assert.deepEqual(
      one.map((s) => s.signature),
      [withdrawSig],
    );
    const older = await connection.getSignaturesForAddress(
      swap.address,
      { before: withdrawSig },
      "confirmed",
    );
    assert.deepEqual(
      older.map((s) => s.signature),
      [lockSig],
    );
    const newer = await connection.getSignaturesForAddress(swap.address, { until: lockSig }, "confirmed");
    assert.deepEqual(
      newer.map((s) => s.signature),
      [withdrawSig],
    );
    assert.deepEqual(
      await connection.getSignaturesForAddress(Keypair.generate().publicKey, {}, "confirmed"),
      [],
    );
  });

  it("every event the program emitted decodes with Anchor's client (Program data: logs of the SBF program)", async () => {
    const checked = await assertEventsDecoded(connection);
    console.log(`events checked: ${JSON.stringify(Object.fromEntries(checked))}`);
    for (const ix of EVENT_COVERAGE.swap)
      assert.ok(checked.has(ix), `${ix}: never ran here, its event unchecked`);
  });
});
