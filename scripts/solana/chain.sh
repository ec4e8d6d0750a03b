#!/usr/bin/env bash
# npm run chain:solana: the local Solana network for a person, in the foreground until Ctrl-C.
# Surfpool's engine (crates/surfnet) on 127.0.0.1:8899 (websockets :8900; SOLANA_PORT moves both)
# with SPL Token, Token-2022, the associated-token program, and compute_market.so loaded as the
# upgradeable loader deploys it (upgrade authority: the localnet program key, keys/).
#   npm run chain:solana                  with the program
#   npm run chain:solana -- --no-program  without it: deploy it yourself through the loader
#                                         (npx tsx scripts/deploy/solana.ts --config config/solana/localnet.json)
# Any other argument goes to surfnet (`--slot-time <ms>`, `--log`; `--help`).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/solana/env.sh

program=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-program" ]]; then program=0; else args+=("$a"); fi
done
cargo build --locked --quiet --workspace --all-targets   # as scripts/ready.sh: one feature set, so nothing is built twice
if [[ $program == 1 ]]; then
  bash scripts/solana/build-sbf.sh
  id=$(node -e 'console.log(require("./src/solana/idl/compute_market.json").address)')
  args+=(--upgradeable-program "$id" target/deploy/compute_market.so "$id")
fi
port="${SOLANA_PORT:-8899}"
echo "surfnet: http://127.0.0.1:$port (websockets ws://127.0.0.1:$((port + 1))); Ctrl-C stops it, the state goes with it" >&2
exec "$CM_SURFNET_BIN" --port "$port" --log "${args[@]}"
