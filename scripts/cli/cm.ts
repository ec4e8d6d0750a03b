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
import { customerCommands } from "../../src/cli/customer.js";
import { devCommands } from "../../src/cli/dev.js";
import { governanceCommands } from "../../src/cli/governance.js";
import { nodeCommands } from "../../src/cli/node.js";
import { statusCommands } from "../../src/cli/status.js";
import { supplierCommands } from "../../src/cli/supplier.js";
import { swapCommands } from "../../src/cli/swap.js";

const program = new Command("cm").description("compute-market operator CLI");
program.addCommand(customerCommands());
program.addCommand(supplierCommands());
program.addCommand(nodeCommands());
program.addCommand(governanceCommands());
program.addCommand(swapCommands());
program.addCommand(statusCommands());
program.addCommand(devCommands());
await run(program);
