// `cm dev`: local chains only: a funded Solana wallet, the Solana test chain's clock.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getOrCreateAssociatedTokenAccount, mintTo } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { Command } from "commander";
import { z } from "zod";

import { DEPLOYMENTS_DIR } from "../deployments.js";
import { readClock, timeTravel } from "../solana/localnet.js";
import { parseAmount } from "../units.js";

import { advanceEvmClock } from "../evm/context.js";

import { emit, evmConnection, opt, PositiveInt, solana, withOutput } from "./common.js";

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
    .description("local chains: move a chain's clock forward (claim delays, voting periods, windows)")
    .requiredOption("--seconds <n>", "seconds to add")
    .option("--chain <chain>", "solana | ethereum | arbitrum", "solana")
    .option("--network <name>", "EVM: the Hardhat network (default: localhost / localArbitrum)")
    .option("--rpc-url <url>", "EVM: override the network's RPC URL")
    .action(
      async (o: { seconds: string; chain: string; network?: string; rpcUrl?: string; json: boolean }) => {
        const seconds = opt(PositiveInt, o.seconds, "--seconds");
        const chain = opt(z.enum(["solana", "ethereum", "arbitrum"]), o.chain, "--chain");
        let unixTimestamp: number;
        if (chain === "solana") {
          const ctx = solana({ network: "localnet" }, false);
          const now = (await readClock(ctx.connection)).unixTimestamp;
          unixTimestamp = (await timeTravel(ctx.record.rpcUrl, { unixTimestamp: now + seconds }))
            .unixTimestamp;
        } else {
          const name = o.network ?? (chain === "ethereum" ? "localhost" : "localArbitrum");
          unixTimestamp = await advanceEvmClock(await evmConnection(name, o.rpcUrl), seconds);
        }
        const at = new Date(unixTimestamp * 1000).toISOString();
        emit(o, { chain, unixTimestamp }, [`clock now ${at}`]);
      },
    );
}

export function devCommands() {
  const group = new Command("dev").description("local chains only: funded Solana wallets, the clock");
  group.addCommand(walletCommand());
  group.addCommand(advanceCommand());
  return group;
}
