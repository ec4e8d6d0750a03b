// `cm dev`: local chains only: a funded Solana wallet, the Solana test chain's clock.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getOrCreateAssociatedTokenAccount, mintTo } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { Command } from "commander";
import { z } from "zod";

import { DEPLOYMENTS_DIR } from "../deployments.js";
import { timeTravel } from "../solana/localnet.js";
import { parseAmount } from "../units.js";

import { emit, opt, PositiveInt, solana, withOutput } from "./common.js";

export function walletCommand() {
  return withOutput(new Command("wallet"))
    .description("localnet: create a Solana keypair file, funded with SOL and test tokens")
    .requiredOption("--out <file>", "where to write the keypair")
    .option("--sol <n>", "SOL to airdrop", "10")
    .option("--stable <amount>", "test stablecoin to mint, e.g. 1000", "0")
    .option("--token <amount>", "test market token to mint, e.g. 1000", "0")
    .action(async (o: { out: string; sol: string; stable: string; token: string; json: boolean }) => {
      const ctx = solana({ network: "localnet" }, false);
      const sol = opt(z.coerce.number().positive().max(1_000_000), o.sol, "--sol");
      const amounts = [
        [ctx.stableMint, parseAmount(o.stable, await ctx.denomination(ctx.stableMint), "--stable")],
        [ctx.tokenMint, parseAmount(o.token, await ctx.denomination(ctx.tokenMint), "--token")],
      ] as const;
      const deployer = Keypair.fromSecretKey(
        Uint8Array.from(
          JSON.parse(
            readFileSync(path.join(DEPLOYMENTS_DIR, "solana-localnet.deployer.json"), "utf8"),
          ) as number[],
        ),
      );
      const kp = Keypair.generate();
      const sig = await ctx.connection.requestAirdrop(kp.publicKey, Math.round(sol * LAMPORTS_PER_SOL));
      await ctx.connection.confirmTransaction({
        signature: sig,
        ...(await ctx.connection.getLatestBlockhash()),
      });
      for (const [mint, amount] of amounts) {
        const ata = await getOrCreateAssociatedTokenAccount(ctx.connection, deployer, mint, kp.publicKey);
        if (amount > 0n) await mintTo(ctx.connection, deployer, mint, ata.address, deployer, amount);
      }
      writeFileSync(o.out, JSON.stringify([...kp.secretKey]));
      emit(o, { pubkey: kp.publicKey.toBase58(), file: o.out }, [kp.publicKey.toBase58()]);
    });
}

export function advanceCommand() {
  return withOutput(new Command("advance"))
    .description("localnet: move the Solana test chain's clock forward (claim delays, windows)")
    .requiredOption("--seconds <n>", "seconds to add")
    .action(async (o: { seconds: string; json: boolean }) => {
      const seconds = opt(PositiveInt, o.seconds, "--seconds");
      const ctx = solana({ network: "localnet" }, false);
      const now = (await ctx.connection.getBlockTime(await ctx.connection.getSlot())) ?? 0;
      const clock = await timeTravel(ctx.record.rpcUrl, { unixTimestamp: now + seconds });
      const at = new Date(clock.unixTimestamp * 1000).toISOString();
      emit(o, { unixTimestamp: clock.unixTimestamp, slot: clock.slot }, [`clock now ${at}`]);
    });
}

export function devCommands() {
  const group = new Command("dev").description("local chains only: funded Solana wallets, the clock");
  group.addCommand(walletCommand());
  group.addCommand(advanceCommand());
  return group;
}
