#!/usr/bin/env bash
# The main job: the market's story on three local chains, told with the commands its users run
# (`npm run cm -- <group> <command>`; deployments with the Hardhat tasks and the Solana deploy
# script), then a summary table read back from the chains (scripts/main/summary.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
main_start=$(date +%s)
# One clear last line when a step fails (its own output is above it).
trap 'echo "main: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
export CI="${CI:-true}"   # no telemetry prompts or update checks
source scripts/ready.sh   # installs what is missing, builds contracts, types and the Solana chain
export PATH="$PWD/node_modules/.bin:$PATH"   # the pinned Node and the local hardhat

evm_port="${EVM_PORT:-8545}"
arb_port="${ARB_PORT:-8547}"
sol_port="${SOLANA_PORT:-8899}"
logs=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$logs"; }
trap cleanup EXIT
wait_for() { # file pattern what
  for _ in $(seq 1 300); do grep -q "$2" "$1" && return 0; sleep 0.1; done
  echo "main: $3 did not start:" >&2; cat "$1" >&2; exit 1
}

echo "== starting local chains (EVM on :$evm_port, Solana on :$sol_port)"
hardhat node --hostname 127.0.0.1 --port "$evm_port" >"$logs/evm.log" 2>&1 &
pids+=($!)
hardhat node --hostname 127.0.0.1 --port "$arb_port" --chain-id 412346 >"$logs/arb.log" 2>&1 &
pids+=($!)
# Solana: Surfpool's network with SPL Token, Token-2022 and the associated-token program; the
# program itself is deployed below through the upgradeable loader, as on a cluster
"$CM_SURFNET_BIN" --port "$sol_port" >"$logs/sol.log" 2>&1 &
pids+=($!)
wait_for "$logs/evm.log" "Started HTTP" "hardhat node"
wait_for "$logs/arb.log" "Started HTTP" "hardhat node (Arbitrum)"
wait_for "$logs/sol.log" '"rpc"' "surfnet"

# Every command runs once in its own process, as a user would run it; `cm` is the operator CLI.
# (compiled once per run into one file with esbuild: a command then starts in about a second
# instead of two; out/ sits one level below the root, as src/ does, so paths resolve the same)
esbuild scripts/cli/cm.ts --bundle --platform=node --format=esm --packages=external \
  --outfile=out/cm.mjs --log-level=warning
cm() { node out/cm.mjs "$@"; }
step() { echo "== [$(( $(date +%s) - main_start )) s] $*"; }
hh() { hardhat "$@" --network localhost; }
arb() { hardhat "$@" --network localArbitrum; }
keys="$logs/keys"
mkdir -p "$keys"

step "1. Ethereum: the token and its allocations (Hardhat Ignition: config/ethereum/tokenomics.json)"
hh deploy:ethereum
echo "-- every role on chain, compared with the config"
hh audit:roles
step "2. Ethereum: holders delegate their votes; governance releases emission epoch 0 to its sinks"
cm governance delegate --account 4
cm governance delegate --account 5
cm dev advance --chain ethereum --seconds 1
cm governance plan
cm governance propose --account 4 --from 0 --to 0
cm dev advance --chain ethereum --seconds 86401          # voting delay (1 day)
cm governance vote --account 4 --from 0 --to 0
cm governance vote --account 5 --from 0 --to 0
cm dev advance --chain ethereum --seconds 432001         # voting period (5 days)
cm governance execute --from 0 --to 0                    # queue in the timelock
cm dev advance --chain ethereum --seconds 172801         # timelock delay (2 days)
cm governance execute --from 0 --to 0                    # execute: 2 000 000 CMT to the sinks
echo "-- a curve change passes and is queued; the guardian vetoes it (bootstrap period, 365 days)"
curve="1000000000000000000000,2500,52"
proposal=$(cm governance propose --account 4 --curve "$curve" --json | jq -r .id)
cm dev advance --chain ethereum --seconds 86401
cm governance vote --account 4 --curve "$curve"
cm governance vote --account 5 --curve "$curve"
cm dev advance --chain ethereum --seconds 432001
cm governance execute --curve "$curve"
cm governance veto --account 1 --id "$proposal"         # the tokenomics "guardian"

step "3. Arbitrum: CheckerNode licences (Ignition: config/arbitrum/licenses.json, escrow.json)"
arb deploy:arbitrum
arb audit:roles
cm node referral --account 6 --code ALICE5
echo "-- an allowlisted buyer quotes, then buys 8 licences across two tiers with a referral (5 % off)"
cm node buy --account 2 --quantity 8 --referral ALICE5 --dry-run
cm node buy --account 2 --quantity 8 --referral ALICE5
cm node delegate --account 2 --ids 1,2,3,4,5,6,7,8 --operator signer:7
step "4. Arbitrum: checkers' epoch 1: 500 CMT by checks passed; the operator claims for the holder"
arb dev:bridge-deposit --amount 1000                    # the emission's checker share, bridged
epoch_dir="$logs/epoch-1"
arb rewards:build-epoch --epoch 1 --budget 500 --reports config/arbitrum/sample-reports.csv --out "$epoch_dir"
cm governance post --account 1 --epoch-dir "$epoch_dir"
cm dev advance --chain arbitrum --seconds 3601           # the claim delay
cm node claim --account 7 --epoch-dir "$epoch_dir"

step "5. Solana: the program through the upgradeable loader, then the market (resumable deploy: config/solana/localnet.json)"
tsx scripts/deploy/solana.ts --config config/solana/localnet.json --rpc-url "http://127.0.0.1:$sol_port"
step "6. Solana: a supplier lists 8 x H100 at 20 USDC/h; a customer rents 10 h in USDC, then in CMT (fee discounted)"
supplier=$(cm dev wallet --out "$keys/supplier.json" | tail -1)
customer=$(cm dev wallet --out "$keys/customer.json" --stable 1000 --token 1000 | tail -1)
deployer="deployments/solana-localnet.deployer.json"   # the market authority on localnet
cm supplier offer --chain solana --keypair "$keys/supplier.json" --gpu-model H100-80GB --gpu-count 8 --hourly-price 20
cm customer quote --chain solana --supplier "$supplier" --hours 10
cm customer rent --chain solana --keypair "$keys/customer.json" --supplier "$supplier" --hours 10 --pay stable --rental-id 1
cm supplier start --chain solana --keypair "$keys/supplier.json" --rental "$customer:1"
echo "-- 4 of 10 hours delivered: the supplier is paid for 4, the customer refunded 6"
cm customer settle --chain solana --keypair "$deployer" --rental "$customer:1" --delivered 4
cm customer rent --chain solana --keypair "$keys/customer.json" --supplier "$supplier" --hours 10 --pay token --rental-id 2
cm supplier start --chain solana --keypair "$keys/supplier.json" --rental "$customer:2"
cm customer settle --chain solana --keypair "$deployer" --rental "$customer:2"

step "7. Solana: ignition subsidies: 10 000 suppliers paid for being available before demand exists"
subsidy() { tsx scripts/cli/subsidy.ts "$@"; }
subsidy sample-reports --count 9999 --include-owner "$supplier" --out "$logs/availability.csv"
subsidy build-epoch --epoch 1 --reports "$logs/availability.csv" --out "$logs/subsidy-1"
cm governance post-subsidy --epoch-dir "$logs/subsidy-1" --keypair "$deployer"   # the subsidy authority
cm dev advance --seconds 3601                                                     # the claim delay
cm supplier claim --epoch-dir "$logs/subsidy-1" --keypair "$keys/supplier.json"
cm supplier claim --epoch-dir "$logs/subsidy-1" --keypair "$keys/supplier.json"   # again: already paid, nothing sent

step "8. Arbitrum: the same rentals in USDC and in the bridged token"
arb dev:bridge-deposit --to signer:4 --amount 1000 --stable 1000
cm governance set-price --account 1 --price 2.5          # the price relayer: 1 CMT = 2.5 USDC
evm_supplier=$(cm supplier offer --chain arbitrum --account 3 --gpu-model H100-80GB --gpu-count 8 --hourly-price 20 | tail -1 | awk '{print $2}')
cm customer quote --chain arbitrum --supplier "$evm_supplier" --hours 10
cm customer rent --chain arbitrum --account 4 --supplier "$evm_supplier" --hours 10 --pay stable
cm supplier start --chain arbitrum --account 3 --rental 1
cm customer settle --chain arbitrum --account 1 --rental 1 --delivered 4   # the usage oracle (SETTLER_ROLE)
cm customer rent --chain arbitrum --account 4 --supplier "$evm_supplier" --hours 10 --pay token
cm supplier start --chain arbitrum --account 3 --rental 2
cm customer settle --chain arbitrum --account 1 --rental 2

step "9. Swap: Alice's 100 CMT on Solana for Bob's 40 CMT on Ethereum; nobody sends first"
cm dev wallet --out "$keys/alice.json" --token 1000 >/dev/null
cm dev wallet --out "$keys/bob.json" >/dev/null
alice=(--keypair "$keys/alice.json" --account 4)
bob=(--keypair "$keys/bob.json" --account 5)
bob_sol=$(cm swap balances "${bob[@]}" --label bob | sed -n 's/.*solana \([1-9A-HJ-NP-Za-km-z]*\):.*/\1/p')
bob_evm=$(cm swap balances "${bob[@]}" --label bob | sed -n 's/.*ethereum \(0x[0-9a-fA-F]*\):.*/\1/p')
echo "-- before"; cm swap balances "${alice[@]}" --label alice; cm swap balances "${bob[@]}" --label bob
cm swap offer "${alice[@]}" --give solana:100 --want ethereum:40 --counterparty-a "$bob_sol" --counterparty-b "$bob_evm" \
  --state "$keys/alice.swap" --terms "$logs/terms.json"
cm dev advance --seconds 31; cm dev advance --chain ethereum --seconds 31     # past the lock's finality window
cm swap accept "${bob[@]}" --terms "$logs/terms.json" --state "$keys/bob.swap"
cm dev advance --seconds 31; cm dev advance --chain ethereum --seconds 31
cm swap watch "${alice[@]}" --state "$keys/alice.swap" --once    # claims on Ethereum: reveals the secret
cm swap watch "${bob[@]}" --state "$keys/bob.swap" --once        # reads it there, withdraws on Solana
echo "-- after"; cm swap balances "${alice[@]}" --label alice; cm swap balances "${bob[@]}" --label bob

step "The story in numbers, read back from the three chains"
tsx scripts/main/summary.ts --solana-key supplier="$keys/supplier.json" --solana-key customer="$keys/customer.json" \
  --solana-key alice="$keys/alice.json" --solana-key bob="$keys/bob.json"
echo "== done in $(( $(date +%s) - main_start )) s: records in deployments/{ethereum-localhost,arbitrum-localArbitrum,solana-localnet}.json"
