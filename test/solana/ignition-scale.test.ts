// Issue 11's "done when", on Solana: an epoch of 10^5 suppliers is built by the epoch pipeline
// (src/epoch: reports -> formula -> native tree -> sharded artifact), posted on the local chain,
// and sampled suppliers claim with proofs read from the artifact (one shard + ~17 tree nodes
// each). Double claims and forged proofs fail with their named errors.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { Wallet } from "@anchor-lang/core";
import {
  createAccount,
  createMint,
  getAccount,
  getAssociatedTokenAddressSync,
  mintTo,
} from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, PublicKey, type Connection } from "@solana/web3.js";

import { openEpoch, type OpenedEpoch } from "../../src/epoch/artifact.js";
import { generateReports } from "../../src/epoch/generate.js";
import { buildSubsidyEpoch, loadSubsidyConfig, REPORT_COLUMNS } from "../../src/epoch/subsidy.js";
import { registerSupplier, supplierAddress } from "../../src/solana/escrow.js";
import {
  claimSubsidy,
  ignitionPool,
  postSubsidyEpoch,
  type SubsidyClaim,
} from "../../src/solana/ignition.js";
import { startLocalChain, timeTravel, type LocalChain } from "../../src/solana/localnet.js";
import {
  fundIgnition,
  ignitionVaultAddress,
  initIgnitionVault,
  initializeMarket,
  marketProgram,
  programErrorName,
} from "../../src/solana/market.js";

import { expectProgramError, funded } from "./helpers.js";

const SUPPLIERS = 100_000;
const SAMPLED = 3;
const TOKEN = 1_000_000_000n;

describe("an ignition epoch of 10^5 suppliers, built by the pipeline, on the local SVM", () => {
  let chain: LocalChain;
  let connection: Connection;
  let tokenMint: PublicKey;
  let market: PublicKey;
  let auth: Keypair;
  let epoch: OpenedEpoch;
  const owners: Keypair[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "cm-subsidy-"));
  const program = (k: Keypair) => marketProgram(connection, new Wallet(k));
  const balance = async (a: PublicKey) => (await getAccount(connection, a)).amount;

  before(async () => {
    chain = await startLocalChain();
    connection = chain.connection;
    const mintAuthority = await funded(connection);
    const stableMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 6);
    tokenMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 9);
    const creator = await funded(connection);
    auth = await funded(connection);
    ({ market } = await initializeMarket(program(creator), {
      stableMint,
      tokenMint,
      treasury: creator.publicKey,
      feeBps: 100,
      tokenDiscountBps: 0,
      subsidyAuthority: auth.publicKey,
      maxSubsidyPerPeriod: 500n * TOKEN,
    }));
    await initIgnitionVault(program(creator), market);
    const from = await createAccount(connection, creator, tokenMint, creator.publicKey, Keypair.generate());
    await mintTo(connection, mintAuthority, tokenMint, from, mintAuthority, 1_000n * TOKEN);
    await fundIgnition(program(creator), market, from, 1_000n * TOKEN);
    for (let i = 0; i < SAMPLED; i++) {
      const owner = await funded(connection);
      await registerSupplier(program(owner), market, {
        gpuModel: "H100",
        gpuCount: 8,
        hourlyPrice: 20_000_000n,
      });
      owners.push(owner);
    }
    // 10^5 generated reports, and the sampled suppliers' own (a full epoch, every check passed)
    const config = loadSubsidyConfig("config/ignition/subsidy.json");
    const reports = path.join(dir, "availability.csv");
    generateReports(reports, SUPPLIERS - SAMPLED, config, "scale", true);
    for (const o of owners) {
      const row = [supplierAddress(market, o.publicKey).toBase58(), "H100", 8, config.epochSeconds, 48, 0];
      appendFileSync(reports, row.join(",") + "\n");
    }
    const { manifest } = await buildSubsidyEpoch({
      config,
      reports,
      market: market.toBase58(),
      epoch: 1n,
      out: path.join(dir, "epoch-1"),
    });
    assert.equal(manifest.leafCount, SUPPLIERS, `${REPORT_COLUMNS.join(",")}: every supplier qualifies`);
    epoch = await openEpoch(path.join(dir, "epoch-1"));
  });

  after(async () => {
    await epoch?.close();
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const claimOf = async (owner: Keypair): Promise<SubsidyClaim> => {
    const c = await epoch.lookup(supplierAddress(market, owner.publicKey).toBase58());
    assert.ok(c, "the sampled supplier has a leaf");
    return { epoch: 1n, index: c.index, amount: c.amount, proof: c.proof };
  };

  it("the authority posts the epoch; sampled suppliers claim with proofs read from the artifact", async () => {
    const m = epoch.manifest;
    await postSubsidyEpoch(program(auth), market, {
      epoch: 1n,
      root: m.root,
      total: BigInt(m.total),
      leafCount: m.leafCount,
    });
    assert.equal((await ignitionPool(program(auth), market)).reserved, BigInt(m.total));
    const now = (await timeTravel(chain.rpcUrl, {})).unixTimestamp;
    await timeTravel(chain.rpcUrl, { unixTimestamp: now + 3_601 });
    for (const owner of owners.slice(0, 2)) {
      const claim = await claimOf(owner);
      assert.ok(claim.proof.length >= 16, `a proof of a 10^5 tree has ~17 nodes, got ${claim.proof.length}`);
      const r = await claimSubsidy(program(owner), market, [claim]);
      assert.equal(r.claimed.length, 1);
      assert.equal(await balance(getAssociatedTokenAddressSync(tokenMint, owner.publicKey)), claim.amount);
    }
    const pool = await ignitionPool(program(auth), market);
    const paid = (await Promise.all(owners.slice(0, 2).map(claimOf))).reduce((a, c) => a + c.amount, 0n);
    assert.equal(pool.paid, paid);
    assert.equal(await balance(ignitionVaultAddress(market)), pool.funded - pool.paid);
  });

  it("error: a double claim and forged proofs fail with their named errors; nothing moves", async () => {
    const [first, second, third] = owners;
    await expectProgramError(
      claimSubsidy(program(first), market, [await claimOf(first)], { skipClaimed: false }),
      "SubsidyAlreadyClaimed",
    );
    const own = await claimOf(third);
    await expectProgramError(
      claimSubsidy(program(third), market, [{ ...own, amount: own.amount + 1n }], { skipClaimed: false }),
      "InvalidSubsidyProof",
    );
    const other = await claimOf(second);
    await expectProgramError(
      claimSubsidy(program(third), market, [{ ...own, proof: other.proof }], { skipClaimed: false }),
      "InvalidSubsidyProof",
    );
    const before = await ignitionPool(program(auth), market);
    await claimSubsidy(program(third), market, [own]);
    assert.equal((await ignitionPool(program(auth), market)).paid, before.paid + own.amount);
  });
});
