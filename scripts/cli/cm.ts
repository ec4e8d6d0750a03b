// The operator CLI: one entry point for every group of commands (src/cli/, one file per group).
//   npm run cm -- customer quote --chain solana --supplier <owner> --hours 10
//   npm run cm -- supplier offer --chain arbitrum --account 3 --gpu-model H100-80GB --gpu-count 8 --hourly-price 20
//   npm run cm -- node buy --account 2 --quantity 8 --referral ALICE5
//   npm run cm -- governance propose --account 4 --from 0 --to 0
//   npm run cm -- swap offer ... | status roles | status balances --key <address|pubkey|keypair>
// Every command takes --json (one JSON document on stdout) and, where it sends, --dry-run; an error
// is one line on stderr, `error: ...`, and exit code 1.
import { Command } from "commander";

import { run } from "../../src/cli/common.js";

// Each group loads only when named (a command's start-up stays short); `cm --help` loads them all.
const groups: Record<string, () => Promise<Command>> = {
  customer: async () => (await import("../../src/cli/customer.js")).customerCommands(),
  supplier: async () => (await import("../../src/cli/supplier.js")).supplierCommands(),
  node: async () => (await import("../../src/cli/node.js")).nodeCommands(),
  governance: async () => (await import("../../src/cli/governance.js")).governanceCommands(),
  swap: async () => (await import("../../src/cli/swap.js")).swapCommands(),
  status: async () => (await import("../../src/cli/status.js")).statusCommands(),
  dev: async () => (await import("../../src/cli/dev.js")).devCommands(),
};

const program = new Command("cm").description("compute-market operator CLI");
const named = process.argv[2];
for (const name of named in groups ? [named] : Object.keys(groups)) program.addCommand(await groups[name]());
await run(program);
