// The rental CLI for customers and suppliers, on Solana and on Arbitrum.
//   npm run rent -- quote --chain solana --supplier <address> --hours 10
//   npm run rent -- create --chain arbitrum --supplier <address> --hours 10 --pay token
// Solana reads deployments/solana-<network>.json and signs with --keypair; Arbitrum reads
// deployments/arbitrum-<network>.json and signs with account --account of the Hardhat network.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getOrCreateAssociatedTokenAccount, mintTo } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, PublicKey } from "@solana/web3.js";
import { Command, Option } from "commander";
import { z } from "zod";

import { DEPLOYMENTS_DIR, readDeployment } from "../../src/deployments.js";
import { report } from "../../src/errors.js";
import { EvmCurrency, evmCredits, setEvmOffer, withdrawEvmCredits } from "../../src/evm/escrow.js";
import * as sol from "../../src/solana/escrow.js";
import { timeTravel } from "../../src/solana/localnet.js";
import { solanaContext, type SolanaContext } from "../../src/solana/context.js";
import { SolanaPubkey } from "../../src/solana/validation.js";
import { formatAmount, parseAmount, type Denomination } from "../../src/units.js";

const solanaPubkey = SolanaPubkey;
const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "not a 0x address");
const positiveInt = z.coerce.number().int().positive();

interface Common {
  chain: "solana" | "arbitrum";
  network?: string;
  keypair?: string;
  account: string;
  dryRun: boolean;
}

// ------------------------------------------------------------------ Solana plumbing

const solana = (o: Common) => solanaContext(o);

function needKeypair(o: Common) {
  if (!o.keypair) throw new Error("--keypair <file> is required to sign on Solana");
}

/** A rental on Solana is named by its address; `<customer>:<id>` also works. */
function solanaRental(ctx: SolanaContext, ref: string): PublicKey {
  const m = /^(\w+):(\d+)$/.exec(ref);
  if (m) return sol.rentalAddress(ctx.market, new PublicKey(solanaPubkey.parse(m[1])), BigInt(m[2]));
  return new PublicKey(solanaPubkey.parse(ref));
}

// ------------------------------------------------------------------ Arbitrum plumbing

async function arbitrum(o: Common) {
  const { network } = await import("hardhat");
  const conn = await network.getOrCreate({ network: o.network ?? "localArbitrum" });
  const record = z
    .object({ addresses: z.object({ rentalEscrow: evmAddress, stablecoin: evmAddress, token: evmAddress }) })
    .parse(readDeployment(`arbitrum-${conn.networkName}`));
  const signer = (await conn.ethers.getSigners())[Number(positiveInt.or(z.literal("0")).parse(o.account))];
  if (!signer) throw new Error(`--account ${o.account}: no such account on ${conn.networkName}`);
  const types = await import("../../types/ethers-contracts/index.js").catch(() => {
    throw new Error("the contracts' TypeScript types are not built: run 'npx hardhat compile' first");
  });
  const escrow = types.RentalEscrow__factory.connect(record.addresses.rentalEscrow, signer);
  // Any ERC-20 the escrow takes, through the standard interface (USDC, the bridged token).
  const erc20 = (a: string) => types.IERC20Metadata__factory.connect(a, signer);
  const denomination = async (a: string): Promise<Denomination> => {
    const t = erc20(a);
    return { decimals: Number(await t.decimals()), symbol: await t.symbol() };
  };
  const stable = await denomination(record.addresses.stablecoin);
  const token = await denomination(record.addresses.token);
  return { conn, record, signer, escrow, erc20, stable, token };
}

// ------------------------------------------------------------------ commands

const program = new Command("rent").description("Rent GPUs on compute-market (Solana or Arbitrum)");
const withCommon = (c: Command) =>
  c
    .addOption(
      new Option("--chain <chain>", "solana | arbitrum")
        .choices(["solana", "arbitrum"])
        .makeOptionMandatory(),
    )
    .option("--network <name>", "solana: localnet | devnet | ...; arbitrum: Hardhat network name")
    .option("--keypair <file>", "Solana signer (JSON secret key)")
    .option("--account <index>", "Arbitrum signer: account index of the network", "0")
    .option("--dry-run", "print what would be sent, send nothing", false);

withCommon(
  program.command("quote").description("price of a rental in the stablecoin and in the token, side by side"),
)
  .requiredOption("--supplier <address>", "the supplier (Solana: its owner's address)")
  .requiredOption("--hours <n>", "hours of GPU time")
  .action(async (o: Common & { supplier: string; hours: string }) => {
    const hours = positiveInt.parse(o.hours);
    if (o.chain === "solana") {
      const ctx = solana(o);
      const supplier = sol.supplierAddress(ctx.market, new PublicKey(solanaPubkey.parse(o.supplier)));
      const now =
        (await ctx.connection.getBlockTime(await ctx.connection.getSlot())) ?? Math.floor(Date.now() / 1000);
      const q = await sol.quoteRental(ctx.program, ctx.market, supplier, hours, now);
      const [st, tk] = [await ctx.denomination(ctx.stableMint), await ctx.denomination(ctx.tokenMint)];
      console.log(`${hours} h of ${o.supplier} on Solana:`);
      console.log(
        `  stablecoin  price ${formatAmount(q.stable.price, st)}  fee ${formatAmount(q.stable.fee, st)}  total ${formatAmount(q.stable.total, st)}`,
      );
      console.log(
        q.token
          ? `  token       price ${formatAmount(q.token.price, tk)}  fee ${formatAmount(q.token.fee, tk)}  total ${formatAmount(q.token.total, tk)}  (fee discounted)`
          : q.tokenUnavailable === "below-supplier-floor"
            ? `  token       unavailable: price ${formatAmount(q.tokenPrice, st)} per CMT is below the supplier's floor ${formatAmount(q.minTokenPrice, st)}`
            : "  token       unavailable: no fresh token price",
      );
    } else {
      const ctx = await arbitrum(o);
      const supplier = evmAddress.parse(o.supplier);
      const [sp, sf] = await ctx.escrow.quote(supplier, hours, EvmCurrency.stable);
      console.log(`${hours} h of ${supplier} on Arbitrum:`);
      const [st, tk] = [ctx.stable, ctx.token];
      console.log(
        `  stablecoin  price ${formatAmount(sp, st)}  fee ${formatAmount(sf, st)}  total ${formatAmount(sp + sf, st)}`,
      );
      try {
        const [tp, tf] = await ctx.escrow.quote(supplier, hours, EvmCurrency.token);
        console.log(
          `  token       price ${formatAmount(tp, tk)}  fee ${formatAmount(tf, tk)}  total ${formatAmount(tp + tf, tk)}  (fee discounted)`,
        );
      } catch (err) {
        // EscrowStalePrice, EscrowTokenPriceBelowFloor (the supplier's floor) or EscrowTokenPaymentDisabled
        const reason =
          (err as { revert?: { name?: string } }).revert?.name ??
          /custom error '([^']+)'/.exec((err as Error).message)?.[1] ??
          "no fresh token price";
        console.log(`  token       unavailable: ${reason}`);
      }
    }
  });

withCommon(program.command("create").description("pay a rental into escrow"))
  .requiredOption("--supplier <address>", "the supplier (Solana: its owner's address)")
  .requiredOption("--hours <n>", "hours of GPU time")
  .addOption(new Option("--pay <currency>", "stable | token").choices(["stable", "token"]).default("stable"))
  .option("--max-amount <amount>", "slippage guard in the paying coin, e.g. 220.5 (default: the quote)")
  .option("--rental-id <n>", "Solana: your id for this rental (default: the current time)")
  .action(
    async (
      o: Common & {
        supplier: string;
        hours: string;
        pay: "stable" | "token";
        maxAmount?: string;
        rentalId?: string;
      },
    ) => {
      const hours = positiveInt.parse(o.hours);
      if (o.chain === "solana") {
        needKeypair(o);
        const ctx = solana(o);
        const supplier = sol.supplierAddress(ctx.market, new PublicKey(solanaPubkey.parse(o.supplier)));
        const now =
          (await ctx.connection.getBlockTime(await ctx.connection.getSlot())) ??
          Math.floor(Date.now() / 1000);
        const q = await sol.quoteRental(ctx.program, ctx.market, supplier, hours, now);
        const chosen = o.pay === "stable" ? q.stable : q.token;
        if (!chosen) {
          throw new Error(
            q.tokenUnavailable === "below-supplier-floor"
              ? "the token price is below the supplier's floor: pay in the stablecoin"
              : "no fresh token price: pay in the stablecoin or retry later",
          );
        }
        const rentalId = BigInt(o.rentalId ?? Date.now());
        const coin = await ctx.denomination(chosen.mint);
        const maxAmount = o.maxAmount ? parseAmount(o.maxAmount, coin, "--max-amount") : chosen.total;
        console.log(
          `rental ${ctx.signer.publicKey.toBase58()}:${rentalId}: ${formatAmount(chosen.total, coin)} (max ${formatAmount(maxAmount, coin)})`,
        );
        if (o.dryRun) return console.log("dry run: not sent");
        const { rental } = await report(
          "create",
          sol.createRental(ctx.program, {
            market: ctx.market,
            supplier,
            rentalId,
            hours,
            mint: chosen.mint,
            maxAmount,
          }),
        );
        console.log(`created ${rental.toBase58()}`);
      } else {
        const ctx = await arbitrum(o);
        const supplier = evmAddress.parse(o.supplier);
        const currency = EvmCurrency[o.pay];
        const [price, fee] = await ctx.escrow.quote(supplier, hours, currency);
        const coin = o.pay === "stable" ? ctx.stable : ctx.token;
        const maxAmount = o.maxAmount ? parseAmount(o.maxAmount, coin, "--max-amount") : price + fee;
        console.log(
          `rental of ${hours} h: ${formatAmount(price + fee, coin)} (max ${formatAmount(maxAmount, coin)})`,
        );
        if (o.dryRun) return console.log("dry run: not sent");
        const asset = ctx.erc20(
          o.pay === "stable" ? ctx.record.addresses.stablecoin : ctx.record.addresses.token,
        );
        await (await asset.approve(ctx.record.addresses.rentalEscrow, maxAmount)).wait();
        const receipt = await (
          await report("create", ctx.escrow.createRental(supplier, hours, currency, maxAmount))
        ).wait();
        const event = receipt!.logs
          .map((l) => ctx.escrow.interface.parseLog(l))
          .find((e) => e?.name === "RentalCreated");
        console.log(`created rental ${event!.args.rentalId}`);
      }
    },
  );

for (const [name, description] of [
  ["start", "supplier: start a rental"],
  ["cancel", "customer: cancel a rental not yet started (full refund)"],
  ["reclaim", "anyone: refund a rental not started within the timeout"],
  ["dispute", "customer: dispute a rental within the window"],
  [
    "settle",
    "settle a rental (authority: any delivered hours; anyone: full delivery after the window, or one window later on an unresolved dispute)",
  ],
] as const) {
  const cmd = withCommon(program.command(name).description(description)).requiredOption(
    "--rental <ref>",
    "Solana: rental address or <customer>:<id>; Arbitrum: rental id",
  );
  if (name === "settle") cmd.option("--delivered <hours>", "delivered hours (default: all)");
  cmd.action(async (o: Common & { rental: string; delivered?: string }) => {
    if (o.chain === "solana") {
      needKeypair(o);
      const ctx = solana(o);
      const rental = solanaRental(ctx, o.rental);
      const r = await ctx.program.account.rental.fetch(rental);
      const delivered =
        o.delivered === undefined ? r.hours : z.coerce.number().int().min(0).parse(o.delivered);
      console.log(
        `${name} ${rental.toBase58()} (${r.gpuCount} x ${r.gpuModel})${name === "settle" ? ` (${delivered}/${r.hours} h delivered)` : ""}`,
      );
      if (o.dryRun) return console.log("dry run: not sent");
      const run = {
        start: () => sol.startRental(ctx.program, rental),
        cancel: () => sol.cancelRental(ctx.program, rental),
        reclaim: () => sol.reclaimExpired(ctx.program, rental),
        dispute: () => sol.disputeRental(ctx.program, rental),
        settle: () => sol.settleRental(ctx.program, rental, delivered),
      }[name];
      console.log(`done: ${await report(name, run())}`);
    } else {
      const ctx = await arbitrum(o);
      const id = z.coerce.bigint().positive().parse(o.rental);
      const r = await ctx.escrow.rentals(id);
      const delivered =
        o.delivered === undefined ? r.hours_ : BigInt(z.coerce.number().int().min(0).parse(o.delivered));
      console.log(
        `${name} rental ${id}${name === "settle" ? ` (${delivered}/${r.hours_} h delivered)` : ""}`,
      );
      if (o.dryRun) return console.log("dry run: not sent");
      const run = {
        start: () => ctx.escrow.startRental(id),
        cancel: () => ctx.escrow.cancelRental(id),
        reclaim: () => ctx.escrow.reclaimExpired(id),
        dispute: () => ctx.escrow.disputeRental(id),
        settle: () => ctx.escrow.settleRental(id, delivered),
      }[name];
      const receipt = await (await report(name, run())).wait();
      console.log(`done: ${receipt!.hash}`);
    }
  });
}

withCommon(program.command("offer").description("supplier: list or update a GPU offer"))
  .requiredOption("--gpu-model <name>", "e.g. H100-80GB")
  .requiredOption("--gpu-count <n>", "GPUs in the offer")
  .requiredOption("--hourly-price <amount>", "stablecoin per hour of the whole offer, e.g. 20 or 19.5")
  .option(
    "--min-token-price <amount>",
    "lowest token price (stablecoin per whole token, e.g. 2) accepted for payment in the token",
    "0",
  )
  .option("--no-token", "refuse payment in the market token")
  .action(
    async (
      o: Common & {
        gpuModel: string;
        gpuCount: string;
        hourlyPrice: string;
        minTokenPrice: string;
        token: boolean;
      },
    ) => {
      const gpuCount = positiveInt.parse(o.gpuCount);
      const gpuModel = z.string().min(1).max(31).parse(o.gpuModel);
      const priced = (coin: Denomination) => {
        const hourlyPrice = parseAmount(o.hourlyPrice, coin, "--hourly-price");
        if (hourlyPrice === 0n) throw new Error("--hourly-price: must be above 0");
        console.log(`offer ${gpuCount} x ${gpuModel} at ${formatAmount(hourlyPrice, coin)}/h`);
        return hourlyPrice;
      };
      if (o.chain === "solana") {
        const ctx = solana(o);
        const stable = await ctx.denomination(ctx.stableMint);
        const hourlyPrice = priced(stable);
        // the program's "stablecoin only" is a floor no price reaches: u64::MAX
        const minTokenPrice = o.token
          ? parseAmount(o.minTokenPrice, stable, "--min-token-price")
          : 2n ** 64n - 1n;
        if (minTokenPrice >= 2n ** 64n) throw new Error("--min-token-price: too large");
        if (o.dryRun) return console.log("dry run: not sent");
        needKeypair(o);
        const supplier = await report(
          "offer",
          sol.registerSupplier(ctx.program, ctx.market, { gpuModel, gpuCount, hourlyPrice, minTokenPrice }),
        );
        console.log(`supplier ${supplier.toBase58()} (owner ${ctx.signer.publicKey.toBase58()})`);
      } else {
        const ctx = await arbitrum(o);
        const hourlyPrice = priced(ctx.stable);
        const minTokenPrice = parseAmount(o.minTokenPrice, ctx.stable, "--min-token-price");
        if (o.dryRun) return console.log("dry run: not sent");
        await (
          await report(
            "offer",
            setEvmOffer(ctx.escrow, { gpuModel, gpuCount, hourlyPrice, minTokenPrice, acceptToken: o.token }),
          )
        ).wait();
        console.log(`supplier ${ctx.signer.address}`);
      }
    },
  );

withCommon(
  program
    .command("withdraw")
    .description(
      "Arbitrum: pay out an account's credits (payouts its token refused, e.g. while blocklisted)",
    ),
)
  .option("--for <address>", "the account credited (default: the signer); funds only ever go to it")
  .action(async (o: Common & { for?: string }) => {
    if (o.chain !== "arbitrum") throw new Error("withdraw: --chain arbitrum only (Solana pays out directly)");
    const ctx = await arbitrum(o);
    const account = o.for ? evmAddress.parse(o.for) : ctx.signer.address;
    const credits = await evmCredits(ctx.escrow, account);
    console.log(
      `credits of ${account}: ${formatAmount(credits.stable.amount, ctx.stable)}, ${formatAmount(credits.token.amount, ctx.token)}`,
    );
    if (o.dryRun) return console.log("dry run: not sent");
    const { receipts } = await report("withdraw", withdrawEvmCredits(ctx.escrow, account));
    console.log(receipts.length ? `done: ${receipts.map((r) => r!.hash).join(", ")}` : "nothing to withdraw");
  });

// ------------------------------------------------------------------ local chains only

program
  .command("wallet")
  .description("localnet: create a Solana keypair file, funded with SOL and test tokens")
  .requiredOption("--out <file>", "where to write the keypair")
  .option("--sol <n>", "SOL to airdrop", "10")
  .option("--stable <amount>", "test stablecoin to mint, e.g. 1000", "0")
  .option("--token <amount>", "test market token to mint, e.g. 1000", "0")
  .action(async (o: { out: string; sol: string; stable: string; token: string }) => {
    const ctx = solana({ chain: "solana", account: "0", dryRun: false, network: "localnet" });
    const deployer = Keypair.fromSecretKey(
      Uint8Array.from(
        JSON.parse(readFileSync(path.join(DEPLOYMENTS_DIR, "solana-localnet.deployer.json"), "utf8")),
      ),
    );
    const kp = Keypair.generate();
    const sig = await ctx.connection.requestAirdrop(kp.publicKey, Number(o.sol) * LAMPORTS_PER_SOL);
    await ctx.connection.confirmTransaction({
      signature: sig,
      ...(await ctx.connection.getLatestBlockhash()),
    });
    const amounts = [
      [ctx.stableMint, parseAmount(o.stable, await ctx.denomination(ctx.stableMint), "--stable")],
      [ctx.tokenMint, parseAmount(o.token, await ctx.denomination(ctx.tokenMint), "--token")],
    ] as const;
    for (const [mint, amount] of amounts) {
      const ata = await getOrCreateAssociatedTokenAccount(ctx.connection, deployer, mint, kp.publicKey);
      if (amount > 0n) await mintTo(ctx.connection, deployer, mint, ata.address, deployer, amount);
    }
    writeFileSync(o.out, JSON.stringify([...kp.secretKey]));
    console.log(kp.publicKey.toBase58());
  });

program
  .command("advance")
  .description("localnet: move the Solana test chain's clock forward (claim delays, windows)")
  .requiredOption("--seconds <n>", "seconds to add")
  .action(async (o: { seconds: string }) => {
    const ctx = solana({ chain: "solana", account: "0", dryRun: false, network: "localnet" });
    const seconds = positiveInt.parse(o.seconds);
    const now = (await ctx.connection.getBlockTime(await ctx.connection.getSlot())) ?? 0;
    const clock = await timeTravel(ctx.record.rpcUrl, { unixTimestamp: now + seconds });
    console.log(`clock now ${new Date(clock.unixTimestamp * 1000).toISOString()}`);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
