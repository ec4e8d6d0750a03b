// Issue 12: the atomic swap on the local Solana chain and a local EVM chain together, in both
// directions, through the same protocol the `swap` CLI runs (src/swap/protocol.ts). Each party
// is rebuilt from its state file before every step, as a restarted process would be; a crash
// after a transaction was sent but before the state was saved is simulated and resumed. Every
// scenario ends with each party holding exactly what it should, on both chains, fees included.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { Wallet } from "@anchor-lang/core";
import {
  createAssociatedTokenAccount,
  createMint,
  getAccount,
  getAssociatedTokenAddressSync,
  mintTo,
} from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, type Connection, type PublicKey } from "@solana/web3.js";
import type { Signer } from "ethers";
import { network } from "hardhat";

import { deployHtlc } from "../../src/evm/swap.js";
import { startLocalChain, timeTravel, type LocalChain } from "../../src/solana/localnet.js";
import { marketProgram } from "../../src/solana/market.js";
import type { ChainName, Escrow, Timelocks } from "../../src/swap/escrow.js";
import { evmEscrow } from "../../src/swap/evm.js";
import {
  accept,
  claim,
  complete,
  loadState,
  lockOffer,
  nextStep,
  offer,
  refund,
  type SwapState,
  type SwapTerms,
} from "../../src/swap/protocol.js";
import { solanaEscrow } from "../../src/swap/solana.js";
import type { HTLCEscrow, L2ComputeToken } from "../../types/ethers-contracts/index.js";

const INITIATOR_TL: Timelocks = {
  finality: 30,
  publicWithdrawal: 7_200,
  cancellation: 14_400,
  publicCancellation: 18_000,
};
const RESPONDER_TL: Timelocks = {
  finality: 30,
  publicWithdrawal: 3_600,
  cancellation: 7_200,
  publicCancellation: 9_000,
};
const MARGIN = 3_600;
const SOL_AMOUNT = 100n * 10n ** 9n; // 100 tokens of 9 decimals
const EVM_AMOUNT = 40n * 10n ** 18n; // 40 tokens of 18 decimals
const SOL_DEPOSIT = 10_000_000n;
const EVM_DEPOSIT = 10n ** 15n;

const { ethers, networkHelpers } = await network.create();

describe("atomic swap: Solana market token <-> EVM token", () => {
  let chain: LocalChain;
  let connection: Connection;
  let mint: PublicKey;
  let htlc: HTLCEscrow;
  let token: L2ComputeToken;
  const dir = mkdtempSync(path.join(tmpdir(), "cm-swap-"));
  // two parties, each with a Solana key and an EVM account; a keeper for the public windows
  const sol: Record<"alice" | "bob" | "keeper", Keypair> = {
    alice: Keypair.generate(),
    bob: Keypair.generate(),
    keeper: Keypair.generate(),
  };
  let evm: Record<"alice" | "bob" | "keeper", Signer>;
  let n = 0;

  const solEscrow = (who: keyof typeof sol) =>
    solanaEscrow({ program: marketProgram(connection, new Wallet(sol[who])), connection, signer: sol[who] });
  const evmEscrowOf = (who: keyof typeof sol) => evmEscrow("ethereum", htlc, evm[who]);
  const escrowOf = (c: ChainName, who: keyof typeof sol) =>
    c === "solana" ? solEscrow(who) : evmEscrowOf(who);

  /** Moves both chains' clocks by `seconds`. */
  async function advance(seconds: number) {
    const now = (await timeTravel(chain.rpcUrl, {})).unixTimestamp;
    await timeTravel(chain.rpcUrl, { unixTimestamp: now + seconds });
    await networkHelpers.time.increase(seconds);
  }

  /** Tokens and native coin of each party on both chains, fees paid counted apart. */
  async function balances() {
    const out: Record<string, bigint> = {};
    for (const who of ["alice", "bob", "keeper"] as const) {
      const ata = await getAccount(connection, getAssociatedTokenAddressSync(mint, sol[who].publicKey)).catch(
        () => undefined,
      );
      out[`${who}.solToken`] = ata?.amount ?? 0n;
      out[`${who}.lamports`] = BigInt(await connection.getBalance(sol[who].publicKey));
      out[`${who}.evmToken`] = await token.balanceOf(await evm[who].getAddress());
      out[`${who}.wei`] = await ethers.provider.getBalance(await evm[who].getAddress());
    }
    return out;
  }

  /** Fees each party paid since `fromSlot`/`fromBlock`: Solana fee payer of each tx, EVM gas. */
  async function feesSince(from: { block: number }, sigs: Map<string, string[]>) {
    const fees: Record<string, bigint> = {};
    for (const who of ["alice", "bob", "keeper"] as const) {
      let lamports = 0n;
      for (const sig of sigs.get(who) ?? []) {
        const tx = await connection.getTransaction(sig, {
          commitment: "confirmed",
          maxSupportedTransactionVersion: 0,
        });
        lamports += BigInt(tx?.meta?.fee ?? 0);
      }
      fees[`${who}.lamports`] = lamports;
      let wei = 0n;
      const me = (await evm[who].getAddress()).toLowerCase();
      const latest = await ethers.provider.getBlockNumber();
      for (let b = from.block + 1; b <= latest; b++) {
        const block = await ethers.provider.getBlock(b, true);
        for (const tx of block?.prefetchedTransactions ?? []) {
          if (tx.from.toLowerCase() !== me) continue;
          const r = await ethers.provider.getTransactionReceipt(tx.hash);
          wei += r!.gasUsed * r!.gasPrice;
        }
      }
      fees[`${who}.wei`] = wei;
    }
    return fees;
  }

  before(async () => {
    chain = await startLocalChain();
    connection = chain.connection;
    for (const kp of Object.values(sol)) {
      const sig = await connection.requestAirdrop(kp.publicKey, 10 * LAMPORTS_PER_SOL);
      await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) });
    }
    mint = await createMint(connection, sol.keeper, sol.keeper.publicKey, null, 9);
    for (const who of ["alice", "bob", "keeper"] as const) {
      const ata = await createAssociatedTokenAccount(connection, sol[who], mint, sol[who].publicKey);
      if (who !== "keeper") await mintTo(connection, sol.keeper, mint, ata, sol.keeper, 1_000n * 10n ** 9n);
    }
    const signers = await ethers.getSigners();
    evm = { alice: signers[4], bob: signers[5], keeper: signers[6] };
    htlc = await deployHtlc(ethers);
    const gateway = signers[9];
    token = (await ethers.deployContract("L2ComputeToken", [
      "Compute Market Token",
      "CMT",
      gateway.address,
      "0x0000000000000000000000000000000000000001",
    ])) as unknown as L2ComputeToken;
    for (const who of ["alice", "bob"] as const)
      await token.connect(gateway).bridgeMint(await evm[who].getAddress(), 1_000n * 10n ** 18n);
  });

  after(async () => {
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** After a swap that refunded everyone: tokens back to the unit, only fees spent (deposits back). */
  async function assertOnlyFeesSpent(
    before_: Record<string, bigint>,
    startBlock: number,
    files: [string, string][],
  ) {
    const after_ = await balances();
    const sigs = new Map<string, string[]>();
    for (const [who, file] of files) {
      sigs.set(
        who,
        loadState(file)
          .done.filter((x) => x.tx && !x.tx.startsWith("0x"))
          .map((x) => x.tx!),
      );
    }
    const fees = await feesSince({ block: startBlock }, sigs);
    for (const [who] of files) {
      for (const k of ["solToken", "evmToken"])
        assert.equal(after_[`${who}.${k}`], before_[`${who}.${k}`], `${who}.${k}`);
      for (const k of ["lamports", "wei"]) {
        assert.equal(
          after_[`${who}.${k}`] - before_[`${who}.${k}`] + fees[`${who}.${k}`],
          0n,
          `${who}.${k}: fees only`,
        );
      }
    }
  }

  /** Alice offers `give` on chain A for `want` on chain B; returns her state file. */
  async function aliceOffers(
    a: ChainName,
    b: ChainName,
    opts: { giveAmount?: bigint; responderTimelocks?: Timelocks; file?: string } = {},
  ) {
    const file = opts.file ?? path.join(dir, `alice-${++n}.json`);
    const A = escrowOf(a, "alice");
    const B = escrowOf(b, "alice");
    const assetOf = (c: ChainName) => (c === "solana" ? mint.toBase58() : (token.target as string));
    const amountOf = (c: ChainName) => (c === "solana" ? SOL_AMOUNT : EVM_AMOUNT);
    const depositOf = (c: ChainName) => (c === "solana" ? SOL_DEPOSIT : EVM_DEPOSIT);
    await offer(
      {
        a: A,
        b: B,
        give: {
          asset: assetOf(a),
          amount: opts.giveAmount ?? amountOf(a),
          safetyDeposit: depositOf(a),
          timelocks: INITIATOR_TL,
        },
        want: {
          asset: assetOf(b),
          amount: amountOf(b),
          safetyDeposit: depositOf(b),
          timelocks: opts.responderTimelocks ?? RESPONDER_TL,
        },
        counterparty: { onA: await escrowOf(a, "bob").me(), onB: await escrowOf(b, "bob").me() },
        marginSeconds: MARGIN,
      },
      file,
    );
    return file;
  }
  const terms = (file: string): SwapTerms => loadState(file).terms;
  const bobFile = (aliceFile: string) => aliceFile.replace("alice-", "bob-");

  for (const [a, b] of [
    ["solana", "ethereum"],
    ["ethereum", "solana"],
  ] as const) {
    describe(`${a} first (the initiator locks on ${a})`, () => {
      it("happy path, each party restarted from its state file before every step", async () => {
        const before_ = await balances();
        const startBlock = await ethers.provider.getBlockNumber();
        const alice = await aliceOffers(a, b);
        await advance(31); // past the finality lock of A
        await accept(escrowOf(a, "bob"), escrowOf(b, "bob"), terms(alice), bobFile(alice));
        await advance(31);
        assert.equal(
          (await nextStep(escrowOf(a, "alice"), escrowOf(b, "alice"), loadState(alice))).next,
          "claim",
        );
        await claim(escrowOf(b, "alice"), loadState(alice), alice);
        assert.equal(
          (await nextStep(escrowOf(a, "bob"), escrowOf(b, "bob"), loadState(bobFile(alice)))).next,
          "complete",
        );
        await complete(escrowOf(a, "bob"), escrowOf(b, "bob"), loadState(bobFile(alice)), bobFile(alice));
        assert.equal(
          (await nextStep(escrowOf(a, "alice"), escrowOf(b, "alice"), loadState(alice))).next,
          "done",
        );
        assert.equal(
          (await nextStep(escrowOf(a, "bob"), escrowOf(b, "bob"), loadState(bobFile(alice)))).next,
          "done",
        );
        const after_ = await balances();
        const d = (k: string) => after_[k] - before_[k];
        // tokens: exactly swapped
        const [aliceGives, bobGives] = a === "solana" ? [SOL_AMOUNT, EVM_AMOUNT] : [EVM_AMOUNT, SOL_AMOUNT];
        assert.equal(d(a === "solana" ? "alice.solToken" : "alice.evmToken"), -aliceGives);
        assert.equal(d(a === "solana" ? "bob.solToken" : "bob.evmToken"), aliceGives);
        assert.equal(d(b === "solana" ? "bob.solToken" : "bob.evmToken"), -bobGives);
        assert.equal(d(b === "solana" ? "alice.solToken" : "alice.evmToken"), bobGives);
        // native coin: each deposit came back to its maker (the private withdrawer is the
        // recipient, who is paid the other party's deposit): only fees were spent
        const sigs = new Map<string, string[]>();
        for (const [who, file] of [
          ["alice", alice],
          ["bob", bobFile(alice)],
        ] as const) {
          sigs.set(
            who,
            loadState(file)
              .done.filter((x) => x.tx && !x.tx.startsWith("0x"))
              .map((x) => x.tx!),
          );
        }
        const fees = await feesSince({ block: startBlock }, sigs);
        const solDep = SOL_DEPOSIT,
          evmDep = EVM_DEPOSIT;
        // on A Alice paid the A deposit, Bob (withdrawing on A) received it; on B the reverse
        const depA = a === "solana" ? solDep : evmDep;
        const depB = b === "solana" ? solDep : evmDep;
        const native = (c: ChainName) => (c === "solana" ? "lamports" : "wei");
        assert.equal(d(`alice.${native(a)}`) + fees[`alice.${native(a)}`], -depA, "alice on A: her deposit");
        assert.equal(d(`bob.${native(a)}`) + fees[`bob.${native(a)}`], depA, "bob on A: alice's deposit");
        assert.equal(d(`bob.${native(b)}`) + fees[`bob.${native(b)}`], -depB, "bob on B: his deposit");
        assert.equal(d(`alice.${native(b)}`) + fees[`alice.${native(b)}`], depB, "alice on B: bob's deposit");
        // the secret is nowhere but Alice's state file
        assert.ok(loadState(alice).secret);
        assert.equal(loadState(bobFile(alice)).secret, undefined);
        assert.ok(!readFileSync(bobFile(alice), "utf8").includes(loadState(alice).secret!.slice(2)));
      });

      it("the responder never locks: the initiator refunds once its cancellation opens", async () => {
        const [before_, startBlock] = [await balances(), await ethers.provider.getBlockNumber()];
        const alice = await aliceOffers(a, b);
        await assert.rejects(refund(escrowOf(a, "alice"), loadState(alice), alice), /cancellation opens/);
        await advance(INITIATOR_TL.cancellation);
        assert.equal(
          (await nextStep(escrowOf(a, "alice"), escrowOf(b, "alice"), loadState(alice))).next,
          "refund",
        );
        await refund(escrowOf(a, "alice"), loadState(alice), alice);
        assert.equal(
          (await escrowOf(a, "alice").read(terms(alice).initiator.maker, BigInt(terms(alice).swapId))).state,
          "cancelled",
        );
        await assertOnlyFeesSpent(before_, startBlock, [["alice", alice]]);
      });

      it("the initiator never claims: both refund; a withdrawal after cancellation opened is refused", async () => {
        const [before_, startBlock] = [await balances(), await ethers.provider.getBlockNumber()];
        const alice = await aliceOffers(a, b);
        await advance(31);
        await accept(escrowOf(a, "bob"), escrowOf(b, "bob"), terms(alice), bobFile(alice));
        await advance(RESPONDER_TL.cancellation);
        await assert.rejects(claim(escrowOf(b, "alice"), loadState(alice), alice), /withdrawal is closed/);
        // the escrow itself refuses too (not only the tooling)
        const t = terms(alice);
        await assert.rejects(
          escrowOf(b, "alice").withdraw(t.responder.maker, BigInt(t.swapId), loadState(alice).secret!),
        );
        await refund(escrowOf(b, "bob"), loadState(bobFile(alice)), bobFile(alice));
        await advance(INITIATOR_TL.cancellation - RESPONDER_TL.cancellation);
        await refund(escrowOf(a, "alice"), loadState(alice), alice);
        assert.equal(
          (await nextStep(escrowOf(a, "alice"), escrowOf(b, "alice"), loadState(alice))).next,
          "done",
        );
        await assertOnlyFeesSpent(before_, startBlock, [
          ["alice", alice],
          ["bob", bobFile(alice)],
        ]);
      });

      it("a keeper withdraws publicly after the private window and is paid the deposit; a wrong preimage fails", async () => {
        const alice = await aliceOffers(a, b);
        await advance(31);
        await accept(escrowOf(a, "bob"), escrowOf(b, "bob"), terms(alice), bobFile(alice));
        await advance(31);
        await claim(escrowOf(b, "alice"), loadState(alice), alice);
        const t = terms(alice);
        const wrong = "0x" + "11".repeat(32);
        await assert.rejects(escrowOf(a, "bob").withdraw(t.initiator.maker, BigInt(t.swapId), wrong));
        // Bob sleeps through his private window; a keeper reads the secret on B and finishes A
        await advance(INITIATOR_TL.publicWithdrawal);
        const secret = (await escrowOf(b, "keeper").read(t.responder.maker, BigInt(t.swapId))) as {
          state: string;
          secret?: string;
        };
        assert.equal(secret.state, "withdrawn");
        const keeperBefore = await balances();
        await escrowOf(a, "keeper").withdraw(t.initiator.maker, BigInt(t.swapId), secret.secret!);
        const keeperAfter = await balances();
        const tokenKey = a === "solana" ? "bob.solToken" : "bob.evmToken";
        assert.equal(
          keeperAfter[tokenKey] - keeperBefore[tokenKey],
          BigInt(t.initiator.amount),
          "bob got the tokens",
        );
        const native = a === "solana" ? "keeper.lamports" : "keeper.wei";
        assert.ok(keeperAfter[native] > keeperBefore[native], "the keeper was paid more than its fees");
      });

      it("error: accept refuses a lock whose amount or timelocks differ from the terms, sending nothing", async () => {
        const alice = await aliceOffers(a, b, {
          giveAmount: (a === "solana" ? SOL_AMOUNT : EVM_AMOUNT) - 1n,
        });
        await advance(31);
        const honest = { ...terms(alice) };
        const claimed = {
          ...honest,
          initiator: { ...honest.initiator, amount: String(BigInt(honest.initiator.amount) + 1n) },
        };
        await assert.rejects(
          accept(escrowOf(a, "bob"), escrowOf(b, "bob"), claimed, bobFile(alice)),
          /differs from the terms: amount/,
        );
        const longer = {
          ...honest,
          initiator: {
            ...honest.initiator,
            timelocks: { ...honest.initiator.timelocks, publicCancellation: 20_000 },
          },
        };
        await assert.rejects(
          accept(escrowOf(a, "bob"), escrowOf(b, "bob"), longer, bobFile(alice) + ".2"),
          /differs from the terms: publicCancellation/,
        );
        assert.equal(
          (await escrowOf(b, "bob").read(honest.responder.maker, BigInt(honest.swapId))).state,
          "none",
        );
      });

      it("error: terms whose initiator cancellation opens less than the margin after the responder's are refused before anything is written or sent", async () => {
        const file = path.join(dir, `alice-margin-${a}.json`);
        const before = await balances();
        // 14,400 - 12,000 = 2,400 s of slack, under the 3,600 s margin
        const tight = { ...RESPONDER_TL, cancellation: 12_000, publicCancellation: 13_000 };
        await assert.rejects(
          aliceOffers(a, b, { responderTimelocks: tight, file }),
          /the initiator's cancellation must open at least marginSeconds \(3600 s\) after the responder's: it opens 2400 s after/,
        );
        assert.equal(existsSync(file), false, "no state file");
        assert.deepEqual(await balances(), before, "nothing sent");
      });

      it("error: accept refuses to lock when the initiator's lock would cancel less than the margin after ours, on A's clock; nothing is sent", async () => {
        const alice = await aliceOffers(a, b);
        // A's private window runs to 7,200 s; its cancellation opens at 14,400 s; ours would open
        // 7,200 s after we lock, plus the 3,600 s margin: locking after 3,600 s is too late
        await advance(4_000);
        await assert.rejects(
          accept(escrowOf(a, "bob"), escrowOf(b, "bob"), terms(alice), bobFile(alice)),
          /cancels in \d+ s; locking now needs at least 10800 s \(our cancellation \+ the margin\)/,
        );
        const t = terms(alice);
        assert.equal((await escrowOf(b, "bob").read(t.responder.maker, BigInt(t.swapId))).state, "none");
        // the initiator gets its lock back once its cancellation opens
        await advance(14_400);
        await refund(escrowOf(a, "alice"), loadState(alice), alice);
        assert.equal(
          (await escrowOf(a, "alice").read(t.initiator.maker, BigInt(t.swapId))).state,
          "cancelled",
        );
      });

      it("a crash after each transaction is sent, before the state is saved: the re-run finishes without sending twice", async () => {
        /** An escrow that performs the action and then 'crashes' before the caller can save. */
        const crashing = (e: Escrow): Escrow => ({
          ...e,
          lock: async (...args) => {
            await e.lock(...args);
            throw new Error("crash");
          },
          withdraw: async (...args) => {
            await e.withdraw(...args);
            throw new Error("crash");
          },
        });
        const file = path.join(dir, `alice-${++n}.json`);
        const A = escrowOf(a, "alice");
        const assetOf = (c: ChainName) => (c === "solana" ? mint.toBase58() : (token.target as string));
        const amountOf = (c: ChainName) => (c === "solana" ? SOL_AMOUNT : EVM_AMOUNT);
        const depositOf = (c: ChainName) => (c === "solana" ? SOL_DEPOSIT : EVM_DEPOSIT);
        await assert.rejects(
          offer(
            {
              a: crashing(A),
              b: escrowOf(b, "alice"),
              give: {
                asset: assetOf(a),
                amount: amountOf(a),
                safetyDeposit: depositOf(a),
                timelocks: INITIATOR_TL,
              },
              want: {
                asset: assetOf(b),
                amount: amountOf(b),
                safetyDeposit: depositOf(b),
                timelocks: RESPONDER_TL,
              },
              counterparty: { onA: await escrowOf(a, "bob").me(), onB: await escrowOf(b, "bob").me() },
              marginSeconds: MARGIN,
            },
            file,
          ),
          /crash/,
        );
        // restart: the lock is on chain, not in the state; resuming does not lock twice
        await lockOffer(escrowOf(a, "alice"), loadState(file), file);
        await advance(31);
        const bob = bobFile(file);
        await assert.rejects(
          accept(escrowOf(a, "bob"), crashing(escrowOf(b, "bob")), terms(file), bob),
          /crash/,
        );
        await accept(escrowOf(a, "bob"), escrowOf(b, "bob"), terms(file), bob); // sees its lock, sends nothing
        await advance(31);
        await assert.rejects(claim(crashing(escrowOf(b, "alice")), loadState(file), file), /crash/);
        assert.equal(await claim(escrowOf(b, "alice"), loadState(file), file), undefined); // already claimed
        await assert.rejects(
          complete(crashing(escrowOf(a, "bob")), escrowOf(b, "bob"), loadState(bob), bob),
          /crash/,
        );
        assert.equal(await complete(escrowOf(a, "bob"), escrowOf(b, "bob"), loadState(bob), bob), undefined);
        for (const [who, f] of [
          ["alice", file],
          ["bob", bob],
        ] as const) {
          assert.equal(
            (await nextStep(escrowOf(a, who), escrowOf(b, who), loadState(f) as SwapState)).next,
            "done",
          );
        }
      });
    });
  }
});
