// `cm node`: CheckerNode licences on Arbitrum: buy, bind a referral code, delegate their operation,
// claim the checker rewards of an epoch (src/evm/licenses.ts, src/evm/reward-epochs.ts).
import { Command, Option } from "commander";

import { arbitrumContext } from "../evm/context.js";
import {
  bindReferral,
  buyLicenses,
  delegateLicenses,
  describeBuy,
  describeDelegate,
  describeReferral,
} from "../evm/licenses.js";
import { claimRewards, describeClaim } from "../evm/reward-epochs.js";

import { emit, evmConnection, progress, withDryRun, withEvm, withOutput, type EvmOptions } from "./common.js";

/** The Arbitrum context of --network/--rpc-url/--account; a missing record names --network. */
export async function arbitrum(o: EvmOptions) {
  const conn = await evmConnection(o.network ?? "localArbitrum", o.rpcUrl);
  try {
    return await arbitrumContext(conn, o.account);
  } catch (err) {
    const m = (err as Error).message;
    throw new Error(m.startsWith("no deployment record") ? `--network '${conn.networkName}': ${m}` : m);
  }
}

const command = (name: string) => withOutput(withDryRun(withEvm(new Command(name), "localArbitrum")));

export function nodeCommands() {
  const group = new Command("node").description(
    "CheckerNode licences (Arbitrum): buy, referral, delegate, claim rewards",
  );
  group.addCommand(
    command("buy")
      .description("quote and buy licences (allowlist proof found automatically)")
      .requiredOption("--quantity <n>", "how many licences")
      .addOption(new Option("--currency <coin>", "eth | stable").choices(["eth", "stable"]).default("eth"))
      .option("--referral <code>", "referral code", "")
      .option("--max-total <units>", "slippage guard in wei / stablecoin base units (default: the quote)", "")
      .action(
        async (
          o: EvmOptions & { quantity: string; currency: string; referral: string; maxTotal: string },
        ) => {
          const r = await buyLicenses(await arbitrum(o), o, o);
          emit(o, r, describeBuy(r));
        },
      ),
  );
  group.addCommand(
    command("referral")
      .description("bind a referral code to the account (sent by the referral manager)")
      .requiredOption("--code <code>", "the code (up to 31 characters)")
      .action(async (o: EvmOptions & { code: string }) => {
        const r = await bindReferral(await arbitrum(o), o, o);
        emit(o, r, describeReferral(r));
      }),
  );
  group.addCommand(
    command("delegate")
      .description("put licences under an operator (no --operator: revoke)")
      .requiredOption("--ids <ids>", "licence ids, comma-separated")
      .option("--operator <address>", "operator address or signer:N (default: revoke)", "")
      .action(async (o: EvmOptions & { ids: string; operator: string }) => {
        const r = await delegateLicenses(await arbitrum(o), o, o);
        emit(o, r, describeDelegate(r));
      }),
  );
  group.addCommand(
    command("claim")
      .description("claim every reward of an epoch that the account holds or operates")
      .requiredOption("--epoch-dir <dir>", "epoch artifact directory (rewards:build-epoch)")
      .option("--batch <n>", "claims per transaction (a re-run resumes)", "100")
      .action(async (o: EvmOptions & { epochDir: string; batch: string }) => {
        const r = await claimRewards(await arbitrum(o), o, { dryRun: o.dryRun, log: progress(o) });
        emit(o, r, r.sent ? [] : describeClaim(r));
      }),
  );
  return group;
}
