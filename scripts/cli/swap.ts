// Cross-token swap: the market token on Solana for the Ethereum token (or its Arbitrum copy),
// between two parties that never trust each other, each running its own process.
//   initiator: npm run swap -- offer --give solana:100 --want ethereum:40 --counterparty-a <their Solana key> \
//                --counterparty-b <their EVM address> --keypair me.json --account 4 --state me.swap --terms terms.json
//   responder: npm run swap -- accept --terms terms.json --keypair them.json --account 5 --state them.swap
//   initiator: npm run swap -- claim --state me.swap        (reveals the secret on chain B)
//   responder: npm run swap -- complete --state them.swap   (reads it there, withdraws on chain A)
//   either:    npm run swap -- refund --state <file> | watch --state <file> | status --state <file>
// The commands live in src/cli/swap.ts (also `npm run cm -- swap ...`).
import { run } from "../../src/cli/common.js";
import { swapCommands } from "../../src/cli/swap.js";

await run(swapCommands());
