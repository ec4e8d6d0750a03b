// Cross-token swap: the market token on Solana for the Ethereum token (or its Arbitrum copy),
// between two parties that never trust each other, each running its own process.
//   initiator: npm run swap -- offer --give solana:100 --want ethereum:40 --counterparty-a <their Solana key> \
//                --counterparty-b <their EVM address> --keypair me.json --account 4 --state me.swap --terms terms.json
//   responder: npm run swap -- accept --terms terms.json --keypair them.json --account 5 --state them.swap
//   initiator: npm run swap -- claim --state me.swap        (reveals the secret on chain B)
//   responder: npm run swap -- complete --state them.swap   (reads it there, withdraws on chain A)
//   either:    npm run swap -- refund --state <file> | watch --state <file> | status --state <file>
// The secret is written only to the initiator's state file (mode 0600).
import { readFileSync, writeFileSync } from "node:fs";

import { Command, Option } from "commander";
import { z } from "zod";

import { readDeployment } from "../deployments.js";
import { solanaContext } from "../solana/context.js";
import type { ChainName, Escrow, Timelocks } from "../swap/escrow.js";
import { evmEscrow } from "../swap/evm.js";
import {
  accept,
  claim,
  complete,
  loadState,
  lockOffer,
  nextStep,
  offer,
  refund,
  SwapTermsSchema,
  type SwapState,
} from "../swap/protocol.js";
import { solanaEscrow } from "../swap/solana.js";
import { formatAmount, parseAmount, type Denomination } from "../units.js";

/** Defaults: the initiator's lock (chain A) cancels 2 h after the responder's (chain B) could. */
export const DEFAULT_TIMELOCKS: { initiator: Timelocks; responder: Timelocks; margin: number } = {
  initiator: { finality: 30, publicWithdrawal: 7_200, cancellation: 14_400, publicCancellation: 18_000 },
  responder: { finality: 30, publicWithdrawal: 3_600, cancellation: 7_200, publicCancellation: 9_000 },
  margin: 3_600,
};
const DEPOSIT = { solana: 10_000_000n, ethereum: 10n ** 15n, arbitrum: 10n ** 15n } as const; // 0.01 SOL, 0.001 ETH
const EVM_NETWORK = { ethereum: "localhost", arbitrum: "localArbitrum" } as const;

interface Signers {
  keypair?: string;
  account: string;
  solanaNetwork: string;
  ethereumNetwork?: string;
  arbitrumNetwork?: string;
}

/** The escrow of `chain` signed by this party, the swapped asset and its units. */
async function escrowOn(
  chain: ChainName,
  o: Signers,
): Promise<{ escrow: Escrow; asset: string; unit: Denomination }> {
  if (chain === "solana") {
    if (!o.keypair) throw new Error("--keypair <file> is required for the Solana side");
    const ctx = solanaContext({ network: o.solanaNetwork, keypair: o.keypair });
    return {
      escrow: solanaEscrow(ctx),
      asset: ctx.tokenMint.toBase58(),
      unit: await ctx.denomination(ctx.tokenMint),
    };
  }
  const networkName =
    chain === "ethereum"
      ? (o.ethereumNetwork ?? EVM_NETWORK.ethereum)
      : (o.arbitrumNetwork ?? EVM_NETWORK.arbitrum);
  const { network } = await import("hardhat");
  const conn = await network.getOrCreate({ network: networkName });
  const record = z
    .object({ addresses: z.object({ token: z.string(), htlcEscrow: z.string() }) })
    .parse(readDeployment(`${chain}-${conn.networkName}`));
  const index = z.coerce.number().int().min(0).parse(o.account);
  const signer = (await conn.ethers.getSigners())[index];
  if (!signer) throw new Error(`--account ${index}: no such account on ${conn.networkName}`);
  const { HTLCEscrow__factory, IERC20Metadata__factory } =
    await import("../../types/ethers-contracts/index.js");
  const token = IERC20Metadata__factory.connect(record.addresses.token, signer);
  return {
    escrow: evmEscrow(chain, HTLCEscrow__factory.connect(record.addresses.htlcEscrow, signer), signer),
    asset: record.addresses.token,
    unit: { decimals: Number(await token.decimals()), symbol: await token.symbol() },
  };
}

const side = z
  .string()
  .regex(/^(solana|ethereum|arbitrum):\d+(\.\d+)?$/, "chain:amount, e.g. solana:100 or ethereum:40.5")
  .transform((s) => {
    const [chain, amount] = s.split(":");
    return { chain: chain as ChainName, amount };
  });

const withSigners = (c: Command) =>
  c
    .option("--keypair <file>", "Solana signer (JSON secret key)")
    .option("--account <index>", "EVM signer: account index of the Hardhat network", "0")
    .option("--solana-network <name>", "Solana deployment record", "localnet")
    .option("--ethereum-network <name>", "Hardhat network of the Ethereum side", EVM_NETWORK.ethereum)
    .option("--arbitrum-network <name>", "Hardhat network of the Arbitrum side", EVM_NETWORK.arbitrum)
    .requiredOption("--state <file>", "this party's swap state (resume from it after a crash)");

async function legs(s: SwapState, o: Signers) {
  const a = await escrowOn(s.terms.initiator.chain, o);
  const b = await escrowOn(s.terms.responder.chain, o);
  return { a, b };
}

/** The `swap` commands (the cross-chain swap), as one commander program: `npm run swap` and `cm`. */
export function swapCommands(): Command {
  const program = new Command("swap").description(
    "Atomic cross-chain swap of the market token (HTLC on both chains)",
  );

  withSigners(
    program.command("offer").description("initiator: make the secret, lock on chain A, write the terms"),
  )
    .requiredOption("--give <chain:amount>", "what the initiator locks, e.g. solana:100")
    .requiredOption("--want <chain:amount>", "what the responder must lock, e.g. ethereum:40")
    .requiredOption(
      "--counterparty-a <address>",
      "the responder's address on the initiator's chain (it receives there)",
    )
    .requiredOption("--counterparty-b <address>", "the responder's address on its own chain (it locks there)")
    .requiredOption("--terms <file>", "where to write the terms for the responder (no secret in them)")
    .option(
      "--margin <seconds>",
      "the least time the responder keeps after the secret can appear",
      String(DEFAULT_TIMELOCKS.margin),
    )
    .option("--dry-run", "print the terms, lock nothing", false)
    .action(
      async (
        o: Signers & {
          give: string;
          want: string;
          counterpartyA: string;
          counterpartyB: string;
          terms: string;
          state: string;
          margin: string;
          dryRun: boolean;
        },
      ) => {
        const give = side.parse(o.give);
        const want = side.parse(o.want);
        const A = await escrowOn(give.chain, o);
        const B = await escrowOn(want.chain, o);
        const input = {
          a: A.escrow,
          b: B.escrow,
          give: {
            asset: A.asset,
            amount: parseAmount(give.amount, A.unit, "--give"),
            safetyDeposit: DEPOSIT[give.chain],
            timelocks: DEFAULT_TIMELOCKS.initiator,
          },
          want: {
            asset: B.asset,
            amount: parseAmount(want.amount, B.unit, "--want"),
            safetyDeposit: DEPOSIT[want.chain],
            timelocks: DEFAULT_TIMELOCKS.responder,
          },
          counterparty: { onA: o.counterpartyA, onB: o.counterpartyB },
          marginSeconds: z.coerce.number().int().parse(o.margin),
        };
        console.log(
          `offer: ${formatAmount(input.give.amount, A.unit)} on ${give.chain} for ${formatAmount(input.want.amount, B.unit)} on ${want.chain}`,
        );
        if (o.dryRun) return console.log("dry run: nothing locked");
        const s = await offer(input, o.state);
        writeFileSync(o.terms, JSON.stringify(s.terms, null, 2) + "\n");
        console.log(
          `locked on ${give.chain}; swap ${s.terms.swapId}, hashlock ${s.terms.hashlock}; terms -> ${o.terms}`,
        );
      },
    );

  withSigners(
    program
      .command("accept")
      .description("responder: verify the lock on chain A against the terms, then lock on chain B"),
  )
    .requiredOption("--terms <file>", "the terms from the initiator")
    .action(async (o: Signers & { terms: string; state: string }) => {
      const terms = SwapTermsSchema.parse(JSON.parse(readFileSync(o.terms, "utf8")));
      const A = await escrowOn(terms.initiator.chain, o);
      const B = await escrowOn(terms.responder.chain, o);
      await accept(A.escrow, B.escrow, terms, o.state);
      console.log(
        `verified ${formatAmount(BigInt(terms.initiator.amount), A.unit)} locked for us on ${terms.initiator.chain}; locked ${formatAmount(BigInt(terms.responder.amount), B.unit)} on ${terms.responder.chain}`,
      );
    });

  withSigners(
    program.command("claim").description("initiator: withdraw on chain B with the secret (reveals it)"),
  ).action(async (o: Signers & { state: string }) => {
    const s = loadState(o.state);
    const { b } = await legs(s, o);
    const tx = await claim(b.escrow, s, o.state);
    console.log(tx ? `claimed on ${s.terms.responder.chain}: ${tx}` : "already claimed");
  });

  withSigners(
    program.command("complete").description("responder: read the secret on chain B, withdraw on chain A"),
  ).action(async (o: Signers & { state: string }) => {
    const s = loadState(o.state);
    const { a, b } = await legs(s, o);
    const tx = await complete(a.escrow, b.escrow, s, o.state);
    console.log(tx ? `completed on ${s.terms.initiator.chain}: ${tx}` : "already completed");
  });

  withSigners(
    program
      .command("refund")
      .description("either party: cancel its own lock once its cancellation window is open"),
  ).action(async (o: Signers & { state: string }) => {
    const s = loadState(o.state);
    const { a, b } = await legs(s, o);
    const tx = await refund(s.role === "initiator" ? a.escrow : b.escrow, s, o.state);
    console.log(tx ? `refunded: ${tx}` : "nothing to refund");
  });

  withSigners(
    program.command("status").description("where the swap stands on both chains, and the next step"),
  ).action(async (o: Signers & { state: string }) => {
    const s = loadState(o.state);
    const { a, b } = await legs(s, o);
    const n = await nextStep(a.escrow, b.escrow, s);
    console.log(`${s.role} of swap ${s.terms.swapId}: next ${n.next} (${n.why})`);
  });

  withSigners(
    program.command("watch").description("do the next step whenever it is due, until the swap is done"),
  )
    .addOption(new Option("--interval <seconds>", "seconds between looks").default("2"))
    .option("--once", "do at most one step, then exit", false)
    .action(async (o: Signers & { state: string; interval: string; once: boolean }) => {
      const interval = z.coerce.number().positive().parse(o.interval);
      for (;;) {
        const s = loadState(o.state);
        const { a, b } = await legs(s, o);
        const n = await nextStep(a.escrow, b.escrow, s);
        console.log(`${s.role}: ${n.next} (${n.why})`);
        if (n.next === "done") return;
        if (n.next === "claim") await claim(b.escrow, s, o.state);
        else if (n.next === "complete") await complete(a.escrow, b.escrow, s, o.state);
        else if (n.next === "refund") await refund(s.role === "initiator" ? a.escrow : b.escrow, s, o.state);
        else if (n.next === "lock") {
          if (s.role === "responder") await accept(a.escrow, b.escrow, s.terms, o.state);
          else await lockOffer(a.escrow, s, o.state); // the offer's state was written, its lock not sent
        }
        if (o.once && n.next !== "wait") return;
        await new Promise((r) => setTimeout(r, interval * 1000));
      }
    });

  program
    .command("balances")
    .description("a party's addresses and its swapped token on Solana and on an EVM chain")
    .option("--keypair <file>", "Solana key (JSON secret key)")
    .option("--account <index>", "EVM account index of the Hardhat network", "0")
    .option("--solana-network <name>", "Solana deployment record", "localnet")
    .addOption(
      new Option("--evm <chain>", "the EVM chain").choices(["ethereum", "arbitrum"]).default("ethereum"),
    )
    .option("--ethereum-network <name>", "Hardhat network of the Ethereum side", EVM_NETWORK.ethereum)
    .option("--arbitrum-network <name>", "Hardhat network of the Arbitrum side", EVM_NETWORK.arbitrum)
    .option("--label <name>", "a name to print", "party")
    .action(async (o: Signers & { evm: "ethereum" | "arbitrum"; label: string }) => {
      const parts: string[] = [];
      if (o.keypair) {
        const ctx = solanaContext({ network: o.solanaNetwork, keypair: o.keypair });
        const { getAssociatedTokenAddressSync, getAccount } = await import("@solana/spl-token");
        const ata = getAssociatedTokenAddressSync(ctx.tokenMint, ctx.signer.publicKey);
        const amount = (await getAccount(ctx.connection, ata).catch(() => undefined))?.amount ?? 0n;
        const sol = await ctx.connection.getBalance(ctx.signer.publicKey);
        parts.push(
          `solana ${ctx.signer.publicKey.toBase58()}: ${formatAmount(amount, await ctx.denomination(ctx.tokenMint))}, ${formatAmount(BigInt(sol), { decimals: 9, symbol: "SOL" })}`,
        );
      }
      const e = await escrowOn(o.evm, o);
      const me = await e.escrow.me();
      const { network } = await import("hardhat");
      const conn = await network.getOrCreate({
        network:
          o.evm === "ethereum"
            ? (o.ethereumNetwork ?? EVM_NETWORK.ethereum)
            : (o.arbitrumNetwork ?? EVM_NETWORK.arbitrum),
      });
      const { IERC20Metadata__factory } = await import("../../types/ethers-contracts/index.js");
      const bal = await IERC20Metadata__factory.connect(e.asset, conn.ethers.provider).balanceOf(me);
      const eth = await conn.ethers.provider.getBalance(me);
      parts.push(
        `${o.evm} ${me}: ${formatAmount(bal, e.unit)}, ${formatAmount(eth, { decimals: 18, symbol: "ETH" })}`,
      );
      console.log(`${o.label}: ${parts.join("; ")}`);
    });
  return program;
}
