// Rentals through Anchor's TS client on the local SVM: both payment mints, the token discount,
// time windows, and the escrow always equal to the open rentals' escrow.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { Wallet } from "@anchor-lang/core";
import { createAssociatedTokenAccount, createMint, getAccount, mintTo } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, type Connection, type PublicKey } from "@solana/web3.js";

import {
  cancelRental,
  createRental,
  disputeRental,
  escrowVaultAddress,
  initEscrowVaults,
  quoteRental,
  reclaimExpired,
  registerSupplier,
  setTokenPrice,
  settleRental,
  startDeadline,
  startRental,
  tokenPriceRange,
  updateOffer,
} from "../../src/solana/escrow.js";
import { startLocalChain, timeTravel, type LocalChain } from "../../src/solana/localnet.js";
import { initializeMarket, marketProgram, programErrorName, setPaused } from "../../src/solana/market.js";

import { expectProgramError, funded, assertEventsDecoded, EVENT_COVERAGE } from "./helpers.js";

const USDC = 1_000_000n;
const TOKEN = 1_000_000_000n;

describe("rental escrow on the local SVM", () => {
  let chain: LocalChain;
  let connection: Connection;
  let market: PublicKey;
  let supplier: PublicKey;
  let stableMint: PublicKey;
  let tokenMint: PublicKey;
  let creator: Keypair;
  let customer: Keypair;
  let supplierOwner: Keypair;
  let treasury: Keypair;
  let nextId = 1n;
  const ata: Record<string, [PublicKey, PublicKey]> = {};
  const program = (k: Keypair) => marketProgram(connection, new Wallet(k));
  const now = async () => (await timeTravel(chain.rpcUrl, {})).unixTimestamp;
  const balance = async (a: PublicKey) => (await getAccount(connection, a)).amount;

  async function assertSolvent() {
    const m = await program(creator).account.marketConfig.fetch(market);
    assert.equal(await balance(escrowVaultAddress(market, stableMint)), BigInt(m.escrowedStable.toString()));
    assert.equal(await balance(escrowVaultAddress(market, tokenMint)), BigInt(m.escrowedToken.toString()));
  }

  before(async () => {
    chain = await startLocalChain();
    connection = chain.connection;
    const mintAuthority = await funded(connection);
    stableMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 6);
    tokenMint = await createMint(connection, mintAuthority, mintAuthority.publicKey, null, 9);
    [creator, customer, supplierOwner, treasury] = await Promise.all(
      [0, 1, 2, 3].map(() => funded(connection)),
    );
    ({ market } = await initializeMarket(program(creator), {
      stableMint,
      tokenMint,
      treasury: treasury.publicKey,
      feeBps: 500,
      tokenDiscountBps: 2_500,
    }));
    await initEscrowVaults(program(creator), market);
    await setTokenPrice(program(creator), market, 2_500_000n); // 1 token = 2.5 USDC
    supplier = await registerSupplier(program(supplierOwner), market, {
      gpuModel: "RTX-4090",
      gpuCount: 4,
      hourlyPrice: 20n * USDC,
    });
    for (const [name, k] of [
      ["customer", customer],
      ["supplier", supplierOwner],
      ["treasury", treasury],
    ] as const) {
      ata[name] = [
        await createAssociatedTokenAccount(connection, k, stableMint, k.publicKey),
        await createAssociatedTokenAccount(connection, k, tokenMint, k.publicKey),
      ];
    }
    await mintTo(connection, mintAuthority, stableMint, ata.customer[0], mintAuthority, 10_000n * USDC);
    await mintTo(connection, mintAuthority, tokenMint, ata.customer[1], mintAuthority, 10_000n * TOKEN);
  });

  after(async () => {
    await chain?.stop();
  });

  it("quotes both payment modes side by side, the token one with the fee discount", async () => {
    const q = await quoteRental(program(customer), market, supplier, 10, await now());
    assert.deepEqual([q.stable.price, q.stable.fee, q.stable.total], [200n * USDC, 10n * USDC, 210n * USDC]);
    // 200 USDC = 80 tokens; fee 10 USDC - 25 % = 7.5 USDC = 3 tokens
    assert.deepEqual([q.token!.price, q.token!.fee, q.token!.total], [80n * TOKEN, 3n * TOKEN, 83n * TOKEN]);
  });

  it("rents in the stablecoin; after the window anyone settles; amounts match the quote to the unit", async () => {
    const q = await quoteRental(program(customer), market, supplier, 10, await now());
    const before = await Promise.all([ata.customer[0], ata.supplier[0], ata.treasury[0]].map(balance));
    const { rental } = await createRental(program(customer), {
      market,
      supplier,
      rentalId: nextId++,
      hours: 10,
      mint: stableMint,
      maxAmount: q.stable.total,
    });
    assert.equal(await balance(ata.customer[0]), before[0] - q.stable.total);
    await assertSolvent();
    await startRental(program(supplierOwner), rental);
    await expectProgramError(settleRental(program(customer), rental, 10), "SettlementNotAllowed");
    await timeTravel(chain.rpcUrl, { unixTimestamp: (await now()) + 10 * 3_600 + 86_400 });
    await settleRental(program(await funded(connection)), rental, 10);
    assert.equal(await balance(ata.supplier[0]), before[1] + q.stable.price);
    assert.equal(await balance(ata.treasury[0]), before[2] + q.stable.fee);
    assert.equal(await connection.getAccountInfo(rental), null, "rental account closed");
    await assertSolvent();
  });

  it("rents in the token; the authority settles a usage report of 4 of 10 hours", async () => {
    await setTokenPrice(program(creator), market, 2_500_000n);
    const q = await quoteRental(program(customer), market, supplier, 10, await now());
    const before = await Promise.all([ata.customer[1], ata.supplier[1], ata.treasury[1]].map(balance));
    const { rental } = await createRental(program(customer), {
      market,
      supplier,
      rentalId: nextId++,
      hours: 10,
      mint: tokenMint,
      maxAmount: q.token!.total,
    });
    await startRental(program(supplierOwner), rental);
    await settleRental(program(creator), rental, 4);
    const toSupplier = (q.token!.price * 4n) / 10n;
    const fee = (q.token!.fee * 4n) / 10n;
    assert.equal(await balance(ata.supplier[1]), before[1] + toSupplier);
    assert.equal(await balance(ata.treasury[1]), before[2] + fee);
    assert.equal(await balance(ata.customer[1]), before[0] - toSupplier - fee);
    await assertSolvent();
  });

  it("error: slippage, stale price, someone else's cancel; disputes go to the authority", async () => {
    await setTokenPrice(program(creator), market, 2_500_000n);
    const q = await quoteRental(program(customer), market, supplier, 2, await now());
    const params = { market, supplier, hours: 2, mint: tokenMint };
    await expectProgramError(
      createRental(program(customer), { ...params, rentalId: nextId++, maxAmount: q.token!.total - 1n }),
      "SlippageExceeded",
    );
    await timeTravel(chain.rpcUrl, { unixTimestamp: (await now()) + 3_601 });
    await expectProgramError(
      createRental(program(customer), { ...params, rentalId: nextId++, maxAmount: q.token!.total }),
      "StalePrice",
    );
    const { rental } = await createRental(program(customer), {
      ...params,
      mint: stableMint,
      rentalId: nextId++,
      maxAmount: q.stable.total,
    });
    await expectProgramError(cancelRental(program(supplierOwner), rental), "NotCustomer");
    await expectProgramError(reclaimExpired(program(supplierOwner), rental), "StartTimeoutNotReached");
    await startRental(program(supplierOwner), rental);
    await disputeRental(program(customer), rental);
    const before = await balance(ata.customer[0]);
    await settleRental(program(creator), rental, 0); // the authority rules nothing was delivered
    assert.equal(await balance(ata.customer[0]), before + q.stable.total);
    await assertSolvent();
  });

  it("a rental never started is cancelled, or reclaimed by anyone after the timeout", async () => {
    const q = await quoteRental(program(customer), market, supplier, 1, await now());
    const params = { market, supplier, hours: 1, mint: stableMint, maxAmount: q.stable.total };
    const before = await balance(ata.customer[0]);
    const a = await createRental(program(customer), { ...params, rentalId: nextId++ });
    await cancelRental(program(customer), a.rental);
    const b = await createRental(program(customer), { ...params, rentalId: nextId++ });
    await timeTravel(chain.rpcUrl, { unixTimestamp: (await now()) + 3_601 });
    await expectProgramError(startRental(program(supplierOwner), b.rental), "StartTimeoutPassed");
    await reclaimExpired(program(await funded(connection)), b.rental);
    assert.equal(await balance(ata.customer[0]), before);
    await assertSolvent();
  });

  it("finding 10-L: a rental records the offer it was bought at; a later update_offer does not change it", async () => {
    const q = await quoteRental(program(customer), market, supplier, 2, await now());
    const { rental } = await createRental(program(customer), {
      market,
      supplier,
      rentalId: nextId++,
      hours: 2,
      mint: stableMint,
      maxAmount: q.stable.total,
    });
    await updateOffer(program(supplierOwner), market, { gpuCount: 1, hourlyPrice: 1n });
    const r = await program(customer).account.rental.fetch(rental);
    assert.deepEqual([r.gpuModel, r.gpuCount, BigInt(r.hourlyPrice.toString())], ["RTX-4090", 4, 20n * USDC]);
    await updateOffer(program(supplierOwner), market, { gpuCount: 4, hourlyPrice: 20n * USDC });
    await cancelRental(program(customer), rental);
    await assertSolvent();
  });

  it("finding 18-M: a fully used rental disputed and ignored pays supplier and treasury as undisputed", async () => {
    const q = await quoteRental(program(customer), market, supplier, 3, await now());
    const before = await Promise.all([ata.customer[0], ata.supplier[0], ata.treasury[0]].map(balance));
    const { rental } = await createRental(program(customer), {
      market,
      supplier,
      rentalId: nextId++,
      hours: 3,
      mint: stableMint,
      maxAmount: q.stable.total,
    });
    await startRental(program(supplierOwner), rental);
    await timeTravel(chain.rpcUrl, { unixTimestamp: (await now()) + 3 * 3_600 });
    await disputeRental(program(customer), rental);
    const stranger = program(await funded(connection));
    // the authority has one more window to rule: until end + 2 windows nobody else settles
    await timeTravel(chain.rpcUrl, { unixTimestamp: (await now()) + 86_400 });
    await expectProgramError(settleRental(stranger, rental, 3), "SettlementNotAllowed");
    await timeTravel(chain.rpcUrl, { unixTimestamp: (await now()) + 86_400 });
    await expectProgramError(settleRental(stranger, rental, 0), "SettlementNotAllowed");
    await settleRental(stranger, rental, 3);
    assert.equal(await balance(ata.customer[0]), before[0] - q.stable.total);
    assert.equal(await balance(ata.supplier[0]), before[1] + q.stable.price);
    assert.equal(await balance(ata.treasury[0]), before[2] + q.stable.fee);
    await assertSolvent();
  });

  it("finding 18-L: pausing does not expire a rental waiting to start", async () => {
    const q = await quoteRental(program(customer), market, supplier, 1, await now());
    const { rental } = await createRental(program(customer), {
      market,
      supplier,
      rentalId: nextId++,
      hours: 1,
      mint: stableMint,
      maxAmount: q.stable.total,
    });
    const deadline = async () => {
      const [m, r] = await Promise.all([
        program(creator).account.marketConfig.fetch(market),
        program(creator).account.rental.fetch(rental),
      ]);
      return startDeadline(m, r, await now());
    };
    const created = await deadline();
    await setPaused(program(creator), market, true);
    await timeTravel(chain.rpcUrl, { unixTimestamp: (await now()) + 2 * 3_600 }); // longer than the timeout
    await expectProgramError(startRental(program(supplierOwner), rental), "MarketPaused");
    await expectProgramError(reclaimExpired(program(customer), rental), "StartTimeoutNotReached");
    await setPaused(program(creator), market, false);
    const extended = await deadline();
    assert.ok(extended >= created + 2 * 3_600, `deadline ${created} -> ${extended}`);
    assert.ok((await now()) <= extended);
    await expectProgramError(reclaimExpired(program(customer), rental), "StartTimeoutNotReached");
    await startRental(program(supplierOwner), rental);
    await settleRental(program(creator), rental, 1);
    await assertSolvent();
  });

  it("finding 18-L: a supplier refuses the token below its floor; token price moves are bounded", async () => {
    await setTokenPrice(program(creator), market, 2_500_000n);
    await updateOffer(program(supplierOwner), market, { minTokenPrice: 3_000_000n });
    const q = await quoteRental(program(customer), market, supplier, 1, await now());
    assert.equal(q.token, undefined);
    assert.equal(q.tokenUnavailable, "below-supplier-floor");
    await expectProgramError(
      createRental(program(customer), {
        market,
        supplier,
        rentalId: nextId++,
        hours: 1,
        mint: tokenMint,
        maxAmount: 10n ** 18n,
      }),
      "TokenPriceBelowFloor",
    );
    await updateOffer(program(supplierOwner), market, { minTokenPrice: 0n });
    assert.equal(
      (await quoteRental(program(customer), market, supplier, 1, await now())).tokenUnavailable,
      undefined,
    );

    const { min, max } = tokenPriceRange(2_500_000n);
    assert.deepEqual([min, max], [1_250_000n, 3_750_000n]);
    await expectProgramError(setTokenPrice(program(creator), market, max + 1n), "PriceChangeTooLarge");
    await expectProgramError(setTokenPrice(program(creator), market, min - 1n), "PriceChangeTooLarge");
    await expectProgramError(setTokenPrice(program(creator), market, 0n), "InvalidPrice");
    await setTokenPrice(program(creator), market, max);
    await setTokenPrice(program(creator), market, 2_500_000n);
  });

  it("every event the program emitted decodes with Anchor's client (Program data: logs of the SBF program)", async () => {
    const checked = await assertEventsDecoded(connection);
    console.log(`events checked: ${JSON.stringify(Object.fromEntries(checked))}`);
    for (const ix of EVENT_COVERAGE.escrow)
      assert.ok(checked.has(ix), `${ix}: never ran here, its event unchecked`);
  });
});
