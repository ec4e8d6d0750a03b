// The rental CLI for customers and suppliers, on Solana and on Arbitrum: today's arguments, now an
// alias of `npm run cm -- customer|supplier|dev ...` (the commands live in src/cli/).
//   npm run rent -- quote --chain solana --supplier <address> --hours 10
//   npm run rent -- create --chain arbitrum --supplier <address> --hours 10 --pay token
import { Command } from "commander";

import { run } from "../../src/cli/common.js";
import {
  createCommand,
  LIFECYCLE,
  lifecycleCommand,
  quoteCommand,
  withdrawCommand,
} from "../../src/cli/customer.js";
import { advanceCommand, walletCommand } from "../../src/cli/dev.js";
import { offerCommand } from "../../src/cli/supplier.js";

const program = new Command("rent").description("Rent GPUs on compute-market (Solana or Arbitrum)");
program.addCommand(quoteCommand());
program.addCommand(createCommand("create"));
for (const name of Object.keys(LIFECYCLE) as (keyof typeof LIFECYCLE)[])
  program.addCommand(lifecycleCommand(name));
program.addCommand(offerCommand());
program.addCommand(withdrawCommand());
program.addCommand(walletCommand());
program.addCommand(advanceCommand());
await run(program);
