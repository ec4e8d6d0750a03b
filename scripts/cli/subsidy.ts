// Ignition subsidies: availability reports -> the epoch's artifact directory (src/epoch), then
// the Solana transactions: the subsidy authority posts the root, suppliers claim, anyone closes.
//   npm run subsidy -- build-epoch --epoch 1 --reports availability.csv --out subsidy-1 [--network localnet | --market <pda>]
//   npm run subsidy -- sample-reports --count 100000 --out availability.csv [--include-owner <owner,...>]
//   npm run subsidy -- show --epoch-dir subsidy-1 [--supplier <pda>]
//   npm run subsidy -- post --epoch-dir subsidy-1 --keypair authority.json [--dry-run]
//   npm run subsidy -- claim --epoch-dir subsidy-1[,subsidy-2] --keypair supplier-owner.json [--dry-run]
//   npm run subsidy -- bulk-claim --epoch-dir subsidy-1 --keypairs owners/ --state claims.state [--dry-run]
//   npm run subsidy -- close --epoch 1 --keypair anyone.json
// The commands live in src/cli/subsidy.ts (also under `npm run cm -- supplier claim` and
// `npm run cm -- governance post-subsidy`).
import { run } from "../../src/cli/common.js";
import { subsidyCommands } from "../../src/cli/subsidy.js";

await run(subsidyCommands());
