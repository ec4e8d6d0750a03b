// `cm governance`: emission plan/propose/vote/execute, the guardian's veto and vote delegation
// (Ethereum, src/evm/governance.ts); post reward epochs and the token price (Arbitrum), post
// subsidy epochs (Solana); pause and unpause (Arbitrum contracts or the Solana market).
import { Command, Option } from "commander";

import { report } from "../errors.js";
import { formatPlan } from "../evm/emission.js";
import { describeSetPrice, setEvmTokenPrice } from "../evm/escrow.js";
import {
  delegateVotes,
  describeDelegateVotes,
  describeExecute,
  describePropose,
  describeVeto,
  describeVote,
  emissionPlan,
  executeEmission,
  governanceContext,
  PAUSABLE,
  proposeEmission,
  setArbitrumPaused,
  vetoProposal,
  voteOnEmission,
  type ProposalArgs,
} from "../evm/governance.js";
import { describePost, postRewardsEpoch } from "../evm/reward-epochs.js";
import { setPaused } from "../solana/market.js";

import { emit, evmConnection, solana, withDryRun, withEvm, withOutput, type EvmOptions } from "./common.js";
import { arbitrum } from "./node.js";
import { subsidyCommand } from "./supplier.js";

const ethereumCommand = (name: string) => withOutput(withDryRun(withEvm(new Command(name), "localhost")));
const arbitrumCommand = (name: string) => withOutput(withDryRun(withEvm(new Command(name), "localArbitrum")));

async function ethereum(o: EvmOptions) {
  const conn = await evmConnection(o.network ?? "localhost", o.rpcUrl);
  try {
    return await governanceContext(conn, o.account);
  } catch (err) {
    const m = (err as Error).message;
    throw new Error(m.startsWith("no deployment record") ? `--network '${conn.networkName}': ${m}` : m);
  }
}

const proposalOptions = (c: Command) =>
  c
    .option("--from <epoch>", "first epoch to release (default: the oldest due)", "")
    .option("--to <epoch>", "last epoch to release (default: the current epoch)", "")
    .option("--curve <curve>", "instead of a release: 'initialWei,decayBps,epochsPerPeriod'", "");

type ProposalOptions = EvmOptions & Required<ProposalArgs>;

export function governanceCommands() {
  const group = new Command("governance").description(
    "emission plan/propose/vote/execute, veto, delegate votes, post epochs, set the token price, pause",
  );
  group.addCommand(
    withOutput(withEvm(new Command("plan"), "localhost"))
      .description("the next epochs' releases from chain state")
      .option("--epochs <n>", "how many epochs", "8")
      .action(async (o: EvmOptions & { epochs: string }) => {
        const plan = await emissionPlan(await ethereum(o), o.epochs);
        emit(o, plan, [formatPlan(plan)]);
      }),
  );
  group.addCommand(
    proposalOptions(ethereumCommand("propose"))
      .description("propose an emission release (or a curve change) to the Governor")
      .action(async (o: ProposalOptions) => {
        const r = await proposeEmission(await ethereum(o), o, o);
        emit(o, r, describePropose(r));
      }),
  );
  group.addCommand(
    proposalOptions(ethereumCommand("vote"))
      .description("vote on an emission proposal")
      .addOption(new Option("--support <vote>", "for | against | abstain").default("for"))
      .action(async (o: ProposalOptions & { support: string }) => {
        const r = await voteOnEmission(await ethereum(o), o, o);
        emit(o, r, describeVote(r));
      }),
  );
  group.addCommand(
    proposalOptions(ethereumCommand("execute"))
      .description("queue a passed emission proposal, or execute a queued one")
      .action(async (o: ProposalOptions) => {
        const r = await executeEmission(await ethereum(o), o, o);
        emit(o, r, describeExecute(r));
      }),
  );
  group.addCommand(
    ethereumCommand("veto")
      .description("guardian: veto a queued proposal during the bootstrap period")
      .requiredOption("--id <proposal>", "the proposal id")
      .action(async (o: EvmOptions & { id: string }) => {
        const r = await vetoProposal(await ethereum(o), o, o);
        emit(o, r, describeVeto(r));
      }),
  );
  group.addCommand(
    ethereumCommand("delegate")
      .description("delegate an account's votes (to itself by default)")
      .option("--to <address>", "the delegatee (default: the account itself)", "")
      .action(async (o: EvmOptions & { to: string }) => {
        const conn = await evmConnection(o.network ?? "localhost", o.rpcUrl);
        const r = await delegateVotes(conn, o, o);
        emit(o, r, describeDelegateVotes(r));
      }),
  );
  group.addCommand(
    arbitrumCommand("post")
      .description("reward poster: post a checker-rewards epoch's root (Arbitrum)")
      .requiredOption("--epoch-dir <dir>", "epoch artifact directory (rewards:build-epoch)")
      .action(async (o: EvmOptions & { epochDir: string }) => {
        const r = await postRewardsEpoch(await arbitrum(o), o.epochDir, o);
        emit(o, r, describePost(r));
      }),
  );
  group.addCommand(
    subsidyCommand("post", "post-subsidy").description(
      "subsidy authority: post an ignition-subsidy epoch (Solana)",
    ),
  );
  group.addCommand(
    arbitrumCommand("set-price")
      .description("price relayer: post the market token's price to the rental escrow's oracle (Arbitrum)")
      .requiredOption("--price <amount>", "stablecoin per whole token, e.g. 2.5")
      .action(async (o: EvmOptions & { price: string }) => {
        const r = await setEvmTokenPrice(await arbitrum(o), o.price, o);
        emit(o, r, describeSetPrice(r));
      }),
  );
  for (const paused of [true, false]) {
    const name = paused ? "pause" : "unpause";
    group.addCommand(
      withOutput(withDryRun(new Command(name)))
        .description(
          paused
            ? "pauser: pause an Arbitrum contract (--contract) or the Solana market (--chain solana)"
            : "admin: unpause an Arbitrum contract (--contract) or the Solana market (--chain solana)",
        )
        .addOption(
          new Option("--chain <chain>", "arbitrum | solana")
            .choices(["arbitrum", "solana"])
            .default("arbitrum"),
        )
        .option("--contract <name>", `Arbitrum: ${Object.values(PAUSABLE).join(" | ")}`)
        .option(
          "--network <name>",
          "arbitrum: Hardhat network (default localArbitrum); solana: deployment record (default localnet)",
        )
        .option("--rpc-url <url>", "arbitrum: override the network's RPC URL")
        .option("--account <index>", "arbitrum signer: account index of the network", "0")
        .option("--keypair <file>", "solana signer: the market authority's keypair")
        .action(async (o: EvmOptions & { chain: string; contract?: string; keypair?: string }) => {
          if (o.chain === "solana") {
            const ctx = solana(o, true);
            const market = await ctx.program.account.marketConfig.fetch(ctx.market);
            const me = ctx.signer.publicKey;
            if (!market.authority.equals(me))
              throw new Error(
                `--keypair ${o.keypair}: ${me.toBase58()} is not the market authority ${market.authority.toBase58()}`,
              );
            const result = {
              chain: "solana",
              market: ctx.market.toBase58(),
              paused,
              unchanged: market.paused === paused,
              sent: false,
              signature: null as string | null,
            };
            const head = `${name} the Solana market ${ctx.market.toBase58()}`;
            if (result.unchanged)
              return emit(o, result, [`${head}: already ${paused ? "paused" : "unpaused"}, nothing sent`]);
            if (o.dryRun) return emit(o, result, [head, "dry run: not sent"]);
            const signature = await report(name, setPaused(ctx.program, ctx.market, paused));
            emit(o, { ...result, sent: true, signature }, [head, `done: ${signature}`]);
          } else {
            if (!o.contract)
              throw new Error(`--contract is required on Arbitrum: ${Object.values(PAUSABLE).join(", ")}`);
            const r = await setArbitrumPaused(await arbitrum(o), o.contract, paused, o);
            const head = `${name} ${r.contract} ${r.address}`;
            emit(
              o,
              r,
              r.unchanged
                ? [`${head}: already ${paused ? "paused" : "unpaused"}, nothing sent`]
                : [head, r.sent ? `done: ${r.tx}` : "dry run: not sent"],
            );
          }
        }),
    );
  }
  return group;
}
