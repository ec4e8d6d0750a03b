// Deploys the Solana side (src/solana/deploy.ts): the program through the upgradeable loader if it
// is not there (resumable; `program` upgrades it), creates (on localnet) the test mints,
// initializes the market, creates the ignition and escrow vaults, sets the token price, funds
// the ignition vault, and writes deployments/solana-<network>.json after every step. Each step
// reads the chain first, so a rerun resumes an interrupted deployment and a finished one sends
// nothing. `upgrade-authority` hands the program's upgrade authority on (docs/SOLANA-DEPLOY.md).
//   npx tsx scripts/deploy/solana.ts --config config/solana/localnet.json --rpc-url http://127.0.0.1:8899
//   npx tsx scripts/deploy/solana.ts program --keypair <authority.json> [--program-keypair <program.json>] --rpc-url <url>
//   npx tsx scripts/deploy/solana.ts upgrade-authority --program <id> --to <pubkey> --keypair <authority.json>
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";

import { Connection, PublicKey } from "@solana/web3.js";
import { Command } from "commander";

import { errorReason } from "../../src/errors.js";
import { readKeypair } from "../../src/solana/context.js";
import { checkCluster, deploySolana, publicCluster, readDeployConfig } from "../../src/solana/deploy.js";
import { deployProgram, readUpgradeAuthority, setUpgradeAuthority } from "../../src/solana/loader.js";
import { PROGRAM_ID } from "../../src/solana/market.js";
import { SolanaPubkey } from "../../src/solana/validation.js";

const keyFile = (file: string) => readKeypair(file.replace(/^~/, homedir()));
const pubkey = (value: string, flag: string) => {
  const parsed = SolanaPubkey.safeParse(value);
  if (!parsed.success) throw new Error(`${flag}: not a Solana address: ${value}`);
  return new PublicKey(parsed.data);
};

const program = new Command("deploy-solana").description(
  "Deploy compute-market's Solana market configuration, or hand on the program's upgrade authority",
);

program
  .command("deploy", { isDefault: true })
  .description("deploy (or resume deploying) the market of --config; a finished deployment sends nothing")
  .requiredOption("--config <file>", "deployment config (JSON)")
  .option("--rpc-url <url>", "Solana JSON-RPC endpoint", "http://127.0.0.1:8899")
  .option(
    "--keypair <file>",
    "deployer keypair (JSON array); default on localnet: a key saved in deployments/",
  )
  .option(
    "--program-keypair <file>",
    "the program's keypair, needed only while the program is not deployed (default on localnet: keys/)",
  )
  .option("--program-so <file>", "the program the step `program` deploys", "target/deploy/compute_market.so")
  .option("--dry-run", "read the chain and print the plan and the steps left, sending nothing", false)
  .action(
    async (o: {
      config: string;
      rpcUrl: string;
      keypair?: string;
      programKeypair?: string;
      programSo: string;
      dryRun: boolean;
    }) => {
      const { record, sent } = await deploySolana({
        config: readDeployConfig(o.config),
        rpcUrl: o.rpcUrl,
        keypair: o.keypair ? keyFile(o.keypair) : undefined,
        programKeypair: o.programKeypair ? keyFile(o.programKeypair) : undefined,
        programSo: o.programSo,
        dryRun: o.dryRun,
      });
      if (!o.dryRun && sent > 0) console.log(JSON.stringify(record, null, 2));
    },
  );

program
  .command("program")
  .description(
    "deploy the program through the upgradeable loader, or upgrade it when its ELF differs (resumable: the ELF goes through the authority's buffer)",
  )
  .requiredOption("--keypair <file>", "the upgrade authority (pays; the new program's authority)")
  .option("--program-keypair <file>", "the program's keypair: needed for a first deploy")
  .option("--program <id>", "the program to upgrade (default: this build's id)")
  .option("--program-so <file>", "the ELF", "target/deploy/compute_market.so")
  .option("--max-len <bytes>", "room of a new program's ProgramData (default: twice the ELF)")
  .option("--rpc-url <url>", "Solana JSON-RPC endpoint", "http://127.0.0.1:8899")
  .action(
    async (o: {
      keypair: string;
      programKeypair?: string;
      program?: string;
      programSo: string;
      maxLen?: string;
      rpcUrl: string;
    }) => {
      // every input first: nothing is read from the chain before it is all valid
      if (o.maxLen !== undefined && !/^[1-9]\d*$/.test(o.maxLen))
        throw new Error(`--max-len: not a byte count: ${o.maxLen}`);
      if (!existsSync(o.programSo))
        throw new Error(`${o.programSo} is missing: build it first (npm run build:sbf)`);
      const authority = keyFile(o.keypair);
      const programKeypair = o.programKeypair ? keyFile(o.programKeypair) : undefined;
      const named = o.program === undefined ? undefined : pubkey(o.program, "--program");
      if (named && programKeypair && !named.equals(programKeypair.publicKey)) {
        throw new Error(
          `--program ${named.toBase58()} is not the --program-keypair's ${programKeypair.publicKey.toBase58()}`,
        );
      }
      const programId = programKeypair?.publicKey ?? named ?? PROGRAM_ID;
      if (!programId.equals(PROGRAM_ID)) {
        throw new Error(
          `${programId.toBase58()} is not this build's program id ${PROGRAM_ID.toBase58()} (declare_id!): the program would refuse every call there; run 'anchor keys sync' with that keypair and rebuild`,
        );
      }
      const connection = new Connection(o.rpcUrl, "confirmed");
      const cluster = publicCluster("", await connection.getGenesisHash());
      checkCluster(cluster ?? "localnet", undefined, programId);
      const elf = readFileSync(o.programSo);
      const r = await deployProgram(connection, {
        authority,
        programKeypair,
        programId,
        elf,
        maxDataLen: o.maxLen === undefined ? undefined : Number(o.maxLen),
        log: (line) => console.log(line),
      });
      const what = {
        deployed: "deployed",
        upgraded: "upgraded",
        unchanged: "nothing to do: already running",
      }[r.action];
      console.log(
        `${what} ${o.programSo} at ${programId.toBase58()} (programdata ${r.programData.toBase58()}, upgrade authority ${r.authority?.toBase58() ?? "none"}, ${r.sent} transactions)`,
      );
    },
  );

program
  .command("upgrade-authority")
  .description("hand the program's upgrade authority to --to (a Squads vault) or remove it (--final)")
  .option("--program <id>", "the program", PROGRAM_ID.toBase58())
  .option("--to <pubkey>", "the new upgrade authority (SetAuthority: it does not sign)")
  .option("--to-keypair <file>", "the new authority's keypair: SetAuthorityChecked, it signs")
  .option("--final", "remove the upgrade authority: the program can never change again", false)
  .option("--keypair <file>", "the current upgrade authority (its keypair file)")
  .option("--rpc-url <url>", "Solana JSON-RPC endpoint", "http://127.0.0.1:8899")
  .option("--dry-run", "check the current authority and print what would be sent", false)
  .action(
    async (o: {
      program: string;
      to?: string;
      toKeypair?: string;
      final: boolean;
      keypair?: string;
      rpcUrl: string;
      dryRun: boolean;
    }) => {
      const targets = [o.to, o.toKeypair, o.final || undefined].filter((t) => t !== undefined);
      if (targets.length !== 1) throw new Error("give exactly one of --to, --to-keypair, --final");
      const connection = new Connection(o.rpcUrl, "confirmed");
      const programId = pubkey(o.program, "--program");
      if (!o.keypair) {
        const now = await readUpgradeAuthority(connection, programId);
        throw new Error(
          `--keypair (the current authority, ${now.authority?.toBase58() ?? "none"}) is required`,
        );
      }
      const toSigner = o.toKeypair ? keyFile(o.toKeypair) : undefined;
      const to = o.final ? null : (toSigner?.publicKey ?? pubkey(o.to!, "--to"));
      const { before, after, signature } = await setUpgradeAuthority(connection, {
        program: programId,
        current: keyFile(o.keypair),
        to,
        toSigner,
        dryRun: o.dryRun,
      });
      const name = (k: PublicKey | null) => k?.toBase58() ?? "none (immutable)";
      const target = to === null ? "none (immutable)" : to.toBase58();
      console.log(`program ${programId.toBase58()}, programdata ${before.programData.toBase58()}`);
      if (o.dryRun && name(before.authority) !== target) {
        console.log(`dry run: would set the upgrade authority from ${name(before.authority)} to ${target}`);
      } else if (!signature) {
        console.log(`nothing to do: the upgrade authority is already ${name(before.authority)}`);
      } else {
        console.log(
          `upgrade authority: ${name(before.authority)} -> ${name(after.authority)} (${signature})`,
        );
      }
    },
  );

/** One line: the program's error name or the message's first line, and the log line that says why. */
function oneLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const reason = errorReason(err).split("\n")[0].trim();
  const logs =
    (err as { transactionLogs?: string[]; logs?: string[] }).transactionLogs ??
    (err as { logs?: string[] }).logs;
  const why = logs?.filter((l) => !/ (invoke \[\d+\]|success|consumed \d+)/.test(l)).at(-1);
  return why ? `${reason} (${why})` : reason;
}

program.parseAsync().catch((err: unknown) => {
  console.error(`error: ${oneLine(err)}`);
  process.exit(1);
});
