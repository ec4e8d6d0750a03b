// Ignition subsidies through Anchor's TS client on the local SVM, with the epochs built by
// @openzeppelin/merkle-tree's StandardMerkleTree: the program is checked against the library
// (same leaf, same proofs). After every step the pool invariant holds: vault == funded - paid,
// reserved == the open epochs' unpaid totals.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { Wallet } from "@anchor-lang/core";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  createAccount,
  createMint,
  getAccount,
  getAssociatedTokenAddressSync,
  mintTo,
} from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, PublicKey, type Connection } from "@solana/web3.js";

import { registerSupplier, supplierAddress } from "../../src/solana/escrow.js";
import {
  claimSubsidy,
  closeSubsidyClaims,
  closeSubsidyEpoch,
  fetchSubsidyEpoch,
  ignitionPool,
  isSubsidyClaimed,
  postSubsidyEpoch,
  processSubsidyProof,
  setSubsidyAuthority,
  SUBSIDY_BOUNDS,
  SUBSIDY_LEAF_TYPES,
  subsidyClaimsAddress,
  subsidyClaimTransactions,
  subsidyEpochAddress,
  subsidyLeafHash,
  subsidyLeafValues,
  type SubsidyClaim,
} from "../../src/solana/ignition.js";
import { startLocalChain, timeTravel, type LocalChain } from "../../src/solana/localnet.js";
import {
  fundIgnition,
  ignitionVaultAddress,
  initIgnitionVault,
  initializeMarket,
  type InitializeMarketParams,
  marketProgram,
  programErrorName,
} from "../../src/solana/market.js";

import { expectProgramError, funded, assertEventsDecoded, EVENT_COVERAGE } from "./helpers.js";

const TOKEN = 1_000_000_000n;
const FUNDED = 1_000n * TOKEN;
const DELAY = 3_600;
const WINDOW = 2 * 86_400;

describe("ignition subsidies on the local SVM", () => {
  let chain: LocalChain;
  let connection: Connection;
  let stableMint: PublicKey;
  let tokenMint: PublicKey;
  let creator: Keypair;
  let auth: Keypair;
  let market: PublicKey;
  const owners: Keypair[] = [];
  const posted: bigint[] = [];
  const program = (k: Keypair) => marketProgram(connection, new Wallet(k));
  const now = async () => (await timeTravel(chain.rpcUrl, {})).unixTimestamp;
  const balance = async (a: PublicKey) => (await getAccount(connection, a)).amount;
  const ata = (owner: PublicKey) => getAssociatedTokenAddressSync(tokenMint, owner);

  /** Rows (index i, supplier of owner i, amount) as StandardMerkleTree values. */
  function epochTree(epoch: bigint, rows: { owner: PublicKey; amount: bigint }[]) {
    const values = rows.map((r, i) =>
      subsidyLeafValues(market, epoch, i, supplierAddress(market, r.owner), r.amount),
    );
    const tree = StandardMerkleTree.of(values, SUBSIDY_LEAF_TYPES);
    const total = rows.reduce((a, r) => a + r.amount, 0n);
    const claim = (i: number): SubsidyClaim => ({
      epoch,
      index: i,
      amount: rows[i].amount,
      proof: tree.getProof(i),
    });
    return { tree, total, leafCount: rows.length, claim };
  }

  async function post(epoch: bigint, t: { tree: { root: string }; total: bigint; leafCount: number }) {
    await postSubsidyEpoch(program(auth), market, {
      epoch,
      root: t.tree.root,
      total: t.total,
      leafCount: t.leafCount,
    });
    if (!posted.includes(epoch)) posted.push(epoch);
    await assertPool();
  }

  async function assertPool() {
    const pool = await ignitionPool(program(creator), market);
    assert.equal(
      await balance(ignitionVaultAddress(market)),
      pool.funded - pool.paid,
      "vault == funded - paid",
    );
    let owed = 0n;
    for (const e of posted) {
      const state = await fetchSubsidyEpoch(program(creator), market, e);
      if (state) owed += state.total - state.claimed;
    }
    assert.equal(pool.reserved, owed, "reserved == open epochs' unpaid");
    assert.ok(pool.available >= 0n);
  }

  before(async () => {
    chain = await startLocalChain();
    connection = chain.connection;
    const mintAuthority = await funded(connection);
    stableMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 6);
    tokenMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 9);
    [creator, auth] = await Promise.all([funded(connection), funded(connection)]);
    ({ market } = await initializeMarket(program(creator), {
      stableMint,
      tokenMint,
      treasury: creator.publicKey,
      feeBps: 100,
      tokenDiscountBps: 0,
      subsidyAuthority: auth.publicKey,
      maxSubsidyPerPeriod: 500n * TOKEN,
      subsidyPeriod: 86_400,
      subsidyClaimDelay: DELAY,
      subsidyClaimWindow: WINDOW,
    }));
    await initIgnitionVault(program(creator), market);
    const from = await createAccount(connection, creator, tokenMint, creator.publicKey, Keypair.generate());
    await mintTo(connection, mintAuthority, tokenMint, from, mintAuthority, FUNDED);
    await fundIgnition(program(creator), market, from, FUNDED);
    for (let i = 0; i < 4; i++) {
      const owner = await funded(connection);
      await registerSupplier(program(owner), market, {
        gpuModel: "H100-80GB",
        gpuCount: 8,
        hourlyPrice: 20_000_000n,
      });
      owners.push(owner);
    }
  });

  after(async () => {
    await chain?.stop();
  });

  it("the program's leaf is StandardMerkleTree's leaf, and its proofs verify the same way", () => {
    const rows = [0, 1, 2].map((i) => ({
      owner: Keypair.generate().publicKey,
      amount: BigInt(i + 1) * TOKEN,
    }));
    const m = Keypair.generate().publicKey;
    const values = rows.map((r, i) => subsidyLeafValues(m, 7n, i, r.owner, r.amount));
    const tree = StandardMerkleTree.of(values, SUBSIDY_LEAF_TYPES);
    for (const [i, v] of values.entries()) {
      const leaf = subsidyLeafHash(m, 7n, i, rows[i].owner, rows[i].amount);
      assert.equal("0x" + leaf.toString("hex"), tree.leafHash(v));
      assert.equal("0x" + processSubsidyProof(leaf, tree.getProof(i)).toString("hex"), tree.root);
    }
    // the vector the Rust unit test checks (programs/compute-market/src/merkle.rs)
    const market11 = new PublicKey(Buffer.alloc(32, 0x11));
    const supplier22 = new PublicKey(Buffer.alloc(32, 0x22));
    assert.equal(
      subsidyLeafHash(market11, 7n, 3, supplier22, 1_000n).toString("hex"),
      "43ca7b6b192d18216a28355ad0647162974086abe9623dbe79a669b65805119b",
    );
  });

  it("an epoch built by StandardMerkleTree is posted, and each supplier claims once with the library's proof", async () => {
    const t = epochTree(
      0n,
      owners.map((o, i) => ({ owner: o.publicKey, amount: BigInt(i + 1) * TOKEN })),
    );
    const postedAt = await now();
    await post(0n, t);
    const e = (await fetchSubsidyEpoch(program(creator), market, 0n))!;
    assert.equal("0x" + e.root.toString("hex"), t.tree.root);
    assert.equal(e.total, 10n * TOKEN);
    assert.ok(e.payer.equals(auth.publicKey));
    assert.ok(e.opensAt >= postedAt + DELAY && e.expiresAt === e.opensAt + WINDOW);

    await expectProgramError(claimSubsidy(program(owners[0]), market, [t.claim(0)]), "SubsidyEpochNotOpen");
    await timeTravel(chain.rpcUrl, { unixTimestamp: e.opensAt });
    for (const [i, owner] of owners.slice(0, 3).entries()) {
      const { signatures, claimed } = await claimSubsidy(program(owner), market, [t.claim(i)]);
      assert.equal(signatures.length, 1);
      assert.equal(claimed.length, 1);
      assert.equal(await balance(ata(owner.publicKey)), BigInt(i + 1) * TOKEN, "paid into the owner's ATA");
      assert.equal(await isSubsidyClaimed(program(owner), market, 0n, i), true);
      await assertPool();
    }
    assert.equal(await isSubsidyClaimed(program(creator), market, 0n, 3), false);
    const pool = await ignitionPool(program(creator), market);
    assert.equal(pool.paid, 6n * TOKEN);
    assert.equal(pool.reserved, 4n * TOKEN);
  });

  it("error: a second claim of the same leaf (SubsidyAlreadyClaimed); the helper skips paid claims", async () => {
    const t = epochTree(
      0n,
      owners.map((o, i) => ({ owner: o.publicKey, amount: BigInt(i + 1) * TOKEN })),
    );
    await expectProgramError(
      claimSubsidy(program(owners[0]), market, [t.claim(0)], { skipClaimed: false }),
      "SubsidyAlreadyClaimed",
    );
    const again = await claimSubsidy(program(owners[0]), market, [t.claim(0)]);
    assert.deepEqual([again.signatures.length, again.skipped.length], [0, 1]);
    assert.equal(await balance(ata(owners[0].publicKey)), TOKEN);
    await assertPool();
  });

  it("error: forged proofs, another supplier's leaf (InvalidSubsidyProof)", async () => {
    const t = epochTree(
      0n,
      owners.map((o, i) => ({ owner: o.publicKey, amount: BigInt(i + 1) * TOKEN })),
    );
    const c = t.claim(3);
    await expectProgramError(
      claimSubsidy(program(owners[3]), market, [{ ...c, amount: c.amount + 1n }]),
      "InvalidSubsidyProof",
    );
    const tampered = [...c.proof];
    tampered[0] = "0x" + "00".repeat(32);
    await expectProgramError(
      claimSubsidy(program(owners[3]), market, [{ ...c, proof: tampered }]),
      "InvalidSubsidyProof",
    );
    // owner 2 presents owner 3's leaf: the program hashes owner 2's supplier account
    await expectProgramError(
      claimSubsidy(program(owners[2]), market, [c], { skipClaimed: false }),
      "InvalidSubsidyProof",
    );
    assert.equal(await isSubsidyClaimed(program(owners[3]), market, 0n, 3), false);
    await assertPool(); // owner 3 never claims: its 4 tokens go back to the pool at close
  });

  it("error: only the subsidy authority posts; the market authority rotates it", async () => {
    const t = epochTree(1n, [{ owner: owners[0].publicKey, amount: TOKEN }]);
    await expectProgramError(
      postSubsidyEpoch(program(creator), market, {
        epoch: 1n,
        root: t.tree.root,
        total: t.total,
        leafCount: 1,
      }),
      "ConstraintHasOne",
    );
    await expectProgramError(
      setSubsidyAuthority(program(auth), market, creator.publicKey),
      "ConstraintHasOne",
    );
    await expectProgramError(
      setSubsidyAuthority(program(creator), market, PublicKey.default),
      "InvalidSubsidyAuthority",
    );
    const next = await funded(connection);
    await setSubsidyAuthority(program(creator), market, next.publicKey);
    assert.ok((await ignitionPool(program(creator), market)).subsidyAuthority.equals(next.publicKey));
    await setSubsidyAuthority(program(creator), market, auth.publicKey);
  });

  it("error: a total over the period cap (the pool bound is tested in Rust)", async () => {
    const t = epochTree(1n, [{ owner: owners[0].publicKey, amount: TOKEN }]);
    const at = (total: bigint) => ({ epoch: 1n, root: t.tree.root, total, leafCount: 1 });
    await expectProgramError(
      postSubsidyEpoch(program(auth), market, at(500n * TOKEN + 1n)),
      "SubsidyCapExceeded",
    );
    // 10 were posted this period already: 490 left under the cap
    await expectProgramError(postSubsidyEpoch(program(auth), market, at(491n * TOKEN)), "SubsidyCapExceeded");
    await assertPool();
  });

  it("several epochs are claimed in one transaction", async () => {
    const owner = owners[1];
    const trees = [1n, 2n, 3n].map((epoch) =>
      epochTree(epoch, [
        { owner: owners[0].publicKey, amount: TOKEN },
        { owner: owner.publicKey, amount: 2n * TOKEN },
        { owner: owners[2].publicKey, amount: 3n * TOKEN },
      ]),
    );
    for (const [i, t] of trees.entries()) await post(BigInt(i + 1), t);
    const last = (await fetchSubsidyEpoch(program(creator), market, 3n))!;
    await timeTravel(chain.rpcUrl, { unixTimestamp: last.opensAt });
    const claims = trees.map((t) => t.claim(1));
    const { transactions } = await subsidyClaimTransactions(program(owner), market, claims);
    assert.equal(transactions.length, 1, "three claims of depth 2 fit in one transaction");
    const before = await balance(ata(owner.publicKey));
    const { signatures } = await claimSubsidy(program(owner), market, claims);
    assert.equal(signatures.length, 1);
    assert.equal(await balance(ata(owner.publicKey)), before + 6n * TOKEN);
    await assertPool();
  });

  it("a claim in a 1024-leaf epoch (proof depth 10) built by StandardMerkleTree", async () => {
    const owner = owners[2];
    const rows = Array.from({ length: 1024 }, (_, i) => ({
      owner: i === 517 ? owner.publicKey : Keypair.generate().publicKey,
      amount: 1_000n + BigInt(i),
    }));
    const t = epochTree(4n, rows);
    await post(4n, t);
    const e = (await fetchSubsidyEpoch(program(creator), market, 4n))!;
    await timeTravel(chain.rpcUrl, { unixTimestamp: e.opensAt });
    const c = t.claim(517);
    assert.equal(c.proof.length, 10);
    const before = await balance(ata(owner.publicKey));
    await claimSubsidy(program(owner), market, [c]);
    assert.equal(await balance(ata(owner.publicKey)), before + 1_517n);
    await assertPool();
  });

  it("error: closing before expiry; after it, unclaimed subsidies return to the pool and rent to each payer", async () => {
    await expectProgramError(closeSubsidyEpoch(program(creator), market, 0n), "SubsidyEpochNotExpired");
    const e = (await fetchSubsidyEpoch(program(creator), market, 0n))!;
    await timeTravel(chain.rpcUrl, { unixTimestamp: e.expiresAt });
    const t = epochTree(
      0n,
      owners.map((o, i) => ({ owner: o.publicKey, amount: BigInt(i + 1) * TOKEN })),
    );
    await expectProgramError(claimSubsidy(program(owners[3]), market, [t.claim(3)]), "SubsidyEpochExpired");

    const chunk = subsidyClaimsAddress(market, 0n, 0);
    const chunkRent = (await connection.getBalance(chunk)) as number;
    const epochRent = (await connection.getBalance(subsidyEpochAddress(market, 0n))) as number;
    const reservedBefore = (await ignitionPool(program(creator), market)).reserved;
    // owner 0 claimed first: it paid for chunk 0
    const [authBefore, payerBefore] = await Promise.all([
      connection.getBalance(auth.publicKey),
      connection.getBalance(owners[0].publicKey),
    ]);
    const closer = await funded(connection);
    const chunkSigs = await closeSubsidyClaims(program(closer), market, 0n);
    assert.equal(chunkSigs.length, 1);
    await closeSubsidyEpoch(program(closer), market, 0n);
    assert.equal(await fetchSubsidyEpoch(program(creator), market, 0n), null);
    assert.equal(await connection.getBalance(auth.publicKey), authBefore + epochRent);
    assert.equal(await connection.getBalance(owners[0].publicKey), payerBefore + chunkRent);
    // owner 3's 4 tokens were never claimed: released
    assert.equal((await ignitionPool(program(creator), market)).reserved, reservedBefore - 4n * TOKEN);
    posted.splice(posted.indexOf(0n), 1);
    await assertPool();
    // a closed epoch number is never posted again
    const again = epochTree(0n, [{ owner: owners[0].publicKey, amount: TOKEN }]);
    await expectProgramError(
      postSubsidyEpoch(program(auth), market, {
        epoch: 0n,
        root: again.tree.root,
        total: TOKEN,
        leafCount: 1,
      }),
      "SubsidyEpochNumberUsed",
    );
  });

  it("initialize refuses subsidy settings outside their bounds, and a default subsidy authority", async () => {
    const base: InitializeMarketParams = {
      stableMint,
      tokenMint,
      treasury: creator.publicKey,
      feeBps: 0,
      tokenDiscountBps: 0,
    };
    const cases: [Partial<InitializeMarketParams>, string][] = [
      [{ subsidyAuthority: PublicKey.default }, "InvalidSubsidyAuthority"],
      [{ maxSubsidyPerPeriod: 0n }, "InvalidSubsidyCap"],
      [{ subsidyPeriod: SUBSIDY_BOUNDS.period[0] - 1 }, "InvalidSubsidyPeriod"],
      [{ subsidyClaimDelay: SUBSIDY_BOUNDS.claimDelay[1] + 1 }, "InvalidSubsidyClaimDelay"],
      [{ subsidyClaimWindow: SUBSIDY_BOUNDS.claimWindow[0] - 1 }, "InvalidSubsidyClaimWindow"],
    ];
    for (const [overrides, error] of cases) {
      const kp = await funded(connection);
      await expectProgramError(initializeMarket(program(kp), { ...base, ...overrides }), error);
    }
  });

  it("every event the program emitted decodes with Anchor's client (Program data: logs of the SBF program)", async () => {
    const checked = await assertEventsDecoded(connection);
    console.log(`events checked: ${JSON.stringify(Object.fromEntries(checked))}`);
    for (const ix of EVENT_COVERAGE.ignition)
      assert.ok(checked.has(ix), `${ix}: never ran here, its event unchecked`);
  });
});
