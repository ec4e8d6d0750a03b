// The compute-market program through Anchor's TS client, on the local test chain (agave's
// runtime; the program native, SPL Token as SBF), over real JSON-RPC and websockets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { AnchorError, Wallet } from "@anchor-lang/core";
import { createAccount, createMint, getAccount, mintTo, TOKEN_2022_PROGRAM_ID } from "@solana/spl-token";
import idlJson from "../../src/solana/idl/compute_market.json" with { type: "json" };
import { Keypair, LAMPORTS_PER_SOL, PublicKey, SYSVAR_CLOCK_PUBKEY, type Connection } from "@solana/web3.js";

import { startLocalChain, timeTravel, type LocalChain } from "../../src/solana/localnet.js";
import {
  fundIgnition,
  ignitionVaultAddress,
  initIgnitionVault,
  initializeMarket,
  type InitializeMarketParams,
  marketAddress,
  marketProgram,
  MAX_FEE_BPS,
  programErrorName,
  PROGRAM_ID,
  TIME_BOUNDS,
} from "../../src/solana/market.js";

import { expectProgramError, funded, assertEventsDecoded, EVENT_COVERAGE, EVENTS_OF } from "./helpers.js";

describe("compute-market on the local SVM", () => {
  let chain: LocalChain;
  let connection: Connection;
  let mintAuthority: Keypair;
  let stableMint: PublicKey;
  let tokenMint: PublicKey;

  before(async () => {
    chain = await startLocalChain();
    connection = chain.connection;
    mintAuthority = await funded(connection);
    stableMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 6);
    tokenMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 9);
  });

  after(async () => {
    await chain?.stop();
  });

  /** A funded creator, its client, and initialize params (feeBps 100, no discount) with `overrides`. */
  async function freshMarket(overrides: Partial<InitializeMarketParams> = {}) {
    const creator = await funded(connection);
    const program = marketProgram(connection, new Wallet(creator));
    const params: InitializeMarketParams = {
      stableMint,
      tokenMint,
      treasury: PublicKey.unique(),
      feeBps: 100,
      tokenDiscountBps: 0,
      ...overrides,
    };
    return { creator, program, params };
  }

  it("serves the program that the IDL names", async () => {
    assert.equal(chain.programId, PROGRAM_ID.toBase58());
    const info = await connection.getAccountInfo(PROGRAM_ID);
    assert.ok(info?.executable, "program account is executable");
  });

  it("initialize creates the market config PDA, read back through the client", async () => {
    const creator = await funded(connection);
    const program = marketProgram(connection, new Wallet(creator));
    const treasury = Keypair.generate().publicKey;
    const { market } = await initializeMarket(program, {
      stableMint,
      tokenMint,
      treasury,
      feeBps: 500,
      tokenDiscountBps: 2_500,
    });
    assert.ok(market.equals(marketAddress(creator.publicKey)));
    const config = await program.account.marketConfig.fetch(market);
    assert.ok(config.creator.equals(creator.publicKey));
    assert.ok(config.authority.equals(creator.publicKey));
    assert.ok(config.treasury.equals(treasury));
    assert.ok(config.stableMint.equals(stableMint));
    assert.ok(config.tokenMint.equals(tokenMint));
    assert.equal(config.feeBps, 500);
    assert.equal(config.tokenDiscountBps, 2_500);
    assert.equal(config.paused, false);
  });

  it("error: fee bps above 10000 (a full AnchorError, with the program's logs)", async () => {
    const { program, params } = await freshMarket({ feeBps: 10_001 });
    await assert.rejects(initializeMarket(program, params), (err: unknown) => {
      assert.ok(err instanceof AnchorError, `expected an AnchorError, got: ${err}`);
      assert.equal(err.error.errorCode.code, "BpsOutOfRange");
      assert.equal(err.error.errorCode.number, 6000);
      assert.ok(err.logs.includes("Program log: Instruction: Initialize"), err.logs.join("\n"));
      return true;
    });
  });

  it("error: token discount bps above 10000", async () => {
    const { program, params } = await freshMarket({ tokenDiscountBps: 10_001 });
    await expectProgramError(initializeMarket(program, params), "BpsOutOfRange");
  });

  it("error: fee above the protocol maximum", async () => {
    const { program, params } = await freshMarket({ feeBps: MAX_FEE_BPS + 1 });
    await expectProgramError(initializeMarket(program, params), "FeeTooHigh");
  });

  it("finding 10-M: initialize refuses time settings outside their bounds, a negative dispute window first", async () => {
    const cases: [Partial<InitializeMarketParams>, string][] = [
      [{ disputeWindow: -1 }, "InvalidDisputeWindow"],
      [{ disputeWindow: TIME_BOUNDS.disputeWindow[0] - 1 }, "InvalidDisputeWindow"],
      [{ disputeWindow: TIME_BOUNDS.disputeWindow[1] + 1 }, "InvalidDisputeWindow"],
      [{ startTimeout: 0 }, "InvalidStartTimeout"],
      [{ startTimeout: TIME_BOUNDS.startTimeout[1] + 1 }, "InvalidStartTimeout"],
      [{ maxPriceStaleness: TIME_BOUNDS.maxPriceStaleness[0] - 1 }, "InvalidPriceStaleness"],
      [{ maxPriceStaleness: TIME_BOUNDS.maxPriceStaleness[1] + 1 }, "InvalidPriceStaleness"],
    ];
    for (const [overrides, error] of cases) {
      const { program, params } = await freshMarket(overrides);
      await expectProgramError(initializeMarket(program, params), error);
    }
    const { program, params } = await freshMarket({
      disputeWindow: TIME_BOUNDS.disputeWindow[1],
      startTimeout: TIME_BOUNDS.startTimeout[0],
      maxPriceStaleness: TIME_BOUNDS.maxPriceStaleness[1],
    });
    const { market } = await initializeMarket(program, params);
    const config = await program.account.marketConfig.fetch(market);
    assert.equal(config.disputeWindow.toNumber(), TIME_BOUNDS.disputeWindow[1]);
  });

  it("finding 18-L: initialize refuses the default key as price authority", async () => {
    const { program, params } = await freshMarket({ priceAuthority: PublicKey.default });
    await expectProgramError(initializeMarket(program, params), "InvalidPriceAuthority");
  });

  it("error: a Token-2022 mint is refused", async () => {
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
    const { program, params } = await freshMarket({ stableMint: t22 });
    await expectProgramError(initializeMarket(program, params), "AccountOwnedByWrongProgram");
  });

  it("error: update_config signed by someone other than the authority", async () => {
    const { program, params } = await freshMarket();
    const { market } = await initializeMarket(program, params);
    const intruder = marketProgram(connection, new Wallet(await funded(connection)));
    await expectProgramError(
      intruder.methods
        .updateConfig({ treasury: null, feeBps: 0, tokenDiscountBps: null, paused: null })
        .accounts({ authority: intruder.provider.publicKey!, market })
        .rpc(),
      "ConstraintHasOne",
    );
    const config = await intruder.account.marketConfig.fetch(market);
    assert.equal(config.feeBps, 100, "fee unchanged");
  });

  it("the authority hands the market over in two steps, and names the price authority", async () => {
    const { program, params } = await freshMarket();
    const { market } = await initializeMarket(program, params);
    const heir = await funded(connection);
    const pricer = Keypair.generate().publicKey;
    const authority = program.provider.publicKey!;
    await program.methods.setPriceAuthority(pricer).accounts({ authority, market }).rpc();
    await program.methods.transferAuthority(heir.publicKey).accounts({ authority, market }).rpc();
    assert.ok(
      (await program.account.marketConfig.fetch(market)).authority.equals(authority),
      "not before acceptance",
    );
    const heirs = marketProgram(connection, new Wallet(heir));
    await heirs.methods.acceptAuthority().accounts({ pendingAuthority: heir.publicKey, market }).rpc();
    const config = await program.account.marketConfig.fetch(market);
    assert.ok(config.authority.equals(heir.publicKey));
    assert.ok(config.priceAuthority.equals(pricer));
  });

  it("creates the ignition vault and moves tokens into it through SPL Token (CPI)", async () => {
    const { program, params } = await freshMarket();
    const { market } = await initializeMarket(program, params);
    const { vault } = await initIgnitionVault(program, market);
    assert.ok(vault.equals(ignitionVaultAddress(market)));
    const created = await getAccount(connection, vault);
    assert.ok(created.mint.equals(tokenMint));
    assert.ok(created.owner.equals(market), "the market PDA owns the vault");
    assert.equal(created.amount, 0n);

    const funder = await funded(connection);
    const from = await createAccount(connection, funder, tokenMint, funder.publicKey, Keypair.generate());
    await mintTo(connection, mintAuthority, tokenMint, from, mintAuthority, 5_000_000_000n);
    const funderProgram = marketProgram(connection, new Wallet(funder));
    await fundIgnition(funderProgram, market, from, 1_250_000_000n);

    assert.equal((await getAccount(connection, vault)).amount, 1_250_000_000n);
    assert.equal((await getAccount(connection, from)).amount, 3_750_000_000n);
    const config = await program.account.marketConfig.fetch(market);
    assert.equal(config.ignitionFunded.toString(), "1250000000");

    // error: more than the funder holds; SPL Token's InsufficientFunds (code 1) aborts the
    // whole instruction and nothing moves.
    await assert.rejects(
      fundIgnition(funderProgram, market, from, 10_000_000_000n),
      /custom program error: 0x1/,
    );
    await expectProgramError(fundIgnition(funderProgram, market, from, 0), "InvalidAmount");
    assert.equal((await getAccount(connection, vault)).amount, 1_250_000_000n);
  });

  it("error: funding is refused while the market is paused", async () => {
    const { creator, program, params } = await freshMarket();
    const { market } = await initializeMarket(program, params);
    await initIgnitionVault(program, market);
    await program.methods
      .updateConfig({ treasury: null, feeBps: null, tokenDiscountBps: null, paused: true })
      .accounts({ authority: creator.publicKey, market })
      .rpc();
    const from = await createAccount(connection, creator, tokenMint, creator.publicKey, Keypair.generate());
    await mintTo(connection, mintAuthority, tokenMint, from, mintAuthority, 10n);
    await expectProgramError(fundIgnition(program, market, from, 10n), "MarketPaused");
  });

  it("moves the cluster clock for time-dependent tests", async () => {
    const target = 2_000_000_000;
    const clock = await timeTravel(chain.rpcUrl, { unixTimestamp: target });
    assert.equal(clock.unixTimestamp, target);
    const sysvar = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
    // Clock layout: slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64, unix_timestamp i64
    assert.equal(sysvar!.data.readBigInt64LE(32), BigInt(target));
  });

  it("every event the program emitted decodes with Anchor's client (Program data: logs of the SBF program)", async () => {
    const checked = await assertEventsDecoded(connection);
    console.log(`events checked: ${JSON.stringify(Object.fromEntries(checked))}`);
    for (const ix of EVENT_COVERAGE.market)
      assert.ok(checked.has(ix), `${ix}: never ran here, its event unchecked`);
  });
});

it("the suites' event checks cover every instruction that emits one, and every event of the IDL", () => {
  const covered = new Set(Object.values(EVENT_COVERAGE).flat());
  assert.deepEqual([...covered].sort(), Object.keys(EVENTS_OF).sort());
  const emitted = new Set(Object.values(EVENTS_OF).flat());
  assert.deepEqual([...emitted].sort(), (idlJson.events ?? []).map((e: { name: string }) => e.name).sort());
});
