#!/usr/bin/env bash
# The main job: start the local chains, deploy every side that exists, and run one round of what
# its users do (governance releasing an emission epoch; a licence sale, delegation and reward
# claim on Arbitrum; the Solana market set up and funded).
set -euo pipefail
cd "$(dirname "$0")/.."
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
RUST_LOG="${RUST_LOG:-error}" "$CM_SVM_RPC_BIN" --port "$sol_port" >"$logs/sol.log" 2>&1 &
pids+=($!)
wait_for "$logs/evm.log" "Started HTTP" "hardhat node"
wait_for "$logs/arb.log" "Started HTTP" "hardhat node (Arbitrum)"
wait_for "$logs/sol.log" '"rpc"' "svm-rpc"

hh() { npx hardhat "$@" --network localhost; }
echo "== Ethereum: deploy from config/ethereum/tokenomics.json"
hh deploy:ethereum
echo "== Ethereum: holders delegate their votes"
hh token:delegate --account 4
hh token:delegate --account 5
hh dev:advance --seconds 1
echo "== Ethereum: governance releases emission epoch 0"
hh emission:plan --epochs 4
hh emission:propose --account 4 --from 0 --to 0
hh dev:advance --seconds 86401                  # voting delay
hh governance:vote --account 4 --from 0 --to 0
hh governance:vote --account 5 --from 0 --to 0
hh dev:advance --seconds 432001                 # voting period
hh emission:execute --from 0 --to 0             # queue
hh dev:advance --seconds 172801                 # timelock delay
hh emission:execute --from 0 --to 0             # execute
hh emission:plan --epochs 4
echo "== Ethereum: a curve change passes and is queued; the guardian vetoes it (bootstrap period)"
curve="1000000000000000000000,2500,52"
proposal=$(hh emission:propose --account 4 --curve "$curve" | awk '/^proposal /{print $2}')
hh dev:advance --seconds 86401
hh governance:vote --account 4 --curve "$curve"
hh governance:vote --account 5 --curve "$curve"
hh dev:advance --seconds 432001
hh emission:execute --curve "$curve"             # queue
hh governance:veto --account 1 --id "$proposal"  # the guardian (tokenomics "guardian")

arb() { npx hardhat "$@" --network localArbitrum; }
echo "== Arbitrum: deploy licences, sale, rewards and the bridged token"
arb deploy:arbitrum
arb licenses:referral --account 6 --code ALICE5
echo "== Arbitrum: an allowlisted buyer quotes, then buys 8 licences across two tiers with a referral"
arb licenses:buy --account 2 --quantity 8 --referral ALICE5 --dry-run
arb licenses:buy --account 2 --quantity 8 --referral ALICE5
arb licenses:delegate --account 2 --ids 1,2,3,4,5,6,7,8 --operator signer:7
echo "== Arbitrum: governance's reward poster posts epoch 1, the operator claims for the holder"
arb dev:bridge-deposit --amount 1000
epoch_dir="$logs/epoch-1"
arb rewards:build-epoch --epoch 1 --budget 500 --reports config/arbitrum/sample-reports.csv --out "$epoch_dir"
arb rewards:post --account 1 --epoch-dir "$epoch_dir"
arb dev:advance --seconds 3601
arb rewards:claim --account 7 --epoch-dir "$epoch_dir"

echo "== Solana: deploy the market to the local chain"
npx tsx scripts/deploy/solana.ts --config config/solana/localnet.json --rpc-url "http://127.0.0.1:$sol_port"
rent() { npm run -s rent -- "$@"; }
echo "== Solana: a supplier lists an H100 offer; a customer rents it in each payment mode"
keys="$logs/keys"
mkdir -p "$keys"
supplier=$(rent wallet --out "$keys/supplier.json" | tail -1)
customer=$(rent wallet --out "$keys/customer.json" --stable 1000 --token 1000 | tail -1)
deployer="deployments/solana-localnet.deployer.json"   # the market authority on localnet
rent offer --chain solana --keypair "$keys/supplier.json" --gpu-model H100-80GB --gpu-count 8 --hourly-price 20
rent quote --chain solana --supplier "$supplier" --hours 10
rent create --chain solana --keypair "$keys/customer.json" --supplier "$supplier" --hours 10 --pay stable --rental-id 1
rent start --chain solana --keypair "$keys/supplier.json" --rental "$customer:1"
rent settle --chain solana --keypair "$deployer" --rental "$customer:1" --delivered 4   # usage report
rent create --chain solana --keypair "$keys/customer.json" --supplier "$supplier" --hours 10 --pay token --rental-id 2
rent start --chain solana --keypair "$keys/supplier.json" --rental "$customer:2"
rent settle --chain solana --keypair "$deployer" --rental "$customer:2"

echo "== Solana: ignition subsidies: an epoch of 10 000 suppliers' availability; the H100 supplier claims"
subsidy() { npm run -s subsidy -- "$@"; }
subsidy sample-reports --count 9999 --include-owner "$supplier" --out "$logs/availability.csv"
subsidy build-epoch --epoch 1 --reports "$logs/availability.csv" --out "$logs/subsidy-1"
subsidy post --epoch-dir "$logs/subsidy-1" --keypair "$deployer"        # the subsidy authority on localnet
rent advance --seconds 3601                                               # the claim delay
subsidy claim --epoch-dir "$logs/subsidy-1" --keypair "$keys/supplier.json"
subsidy claim --epoch-dir "$logs/subsidy-1" --keypair "$keys/supplier.json"   # again: already paid, nothing sent

echo "== Arbitrum: the same rentals in the stablecoin and in the bridged token"
arb dev:bridge-deposit --to signer:4 --amount 1000 --stable 1000
arb escrow:set-price --account 1 --price 2.5            # the price relayer: 1 token = 2.5 USDC
evm_supplier=$(rent offer --chain arbitrum --account 3 --gpu-model H100-80GB --gpu-count 8 --hourly-price 20 | tail -1 | awk '{print $2}')
rent quote --chain arbitrum --supplier "$evm_supplier" --hours 10
rent create --chain arbitrum --account 4 --supplier "$evm_supplier" --hours 10 --pay stable
rent start --chain arbitrum --account 3 --rental 1
rent settle --chain arbitrum --account 1 --rental 1 --delivered 4   # the usage oracle (SETTLER_ROLE)
rent create --chain arbitrum --account 4 --supplier "$evm_supplier" --hours 10 --pay token
rent start --chain arbitrum --account 3 --rental 2
rent settle --chain arbitrum --account 1 --rental 2
echo "== Swap: Alice's 100 CMT on Solana for Bob's 40 CMT on Ethereum; each party runs its own commands"
swap() { npm run -s swap -- "$@"; }
rent wallet --out "$keys/alice.json" --token 1000 >/dev/null
rent wallet --out "$keys/bob.json" >/dev/null
alice=(--keypair "$keys/alice.json" --account 4)
bob=(--keypair "$keys/bob.json" --account 5)
bob_sol=$(swap balances "${bob[@]}" --label bob | sed -n 's/.*solana \([1-9A-HJ-NP-Za-km-z]*\):.*/\1/p')
bob_evm=$(swap balances "${bob[@]}" --label bob | sed -n 's/.*ethereum \(0x[0-9a-fA-F]*\):.*/\1/p')
echo "-- before"; swap balances "${alice[@]}" --label alice; swap balances "${bob[@]}" --label bob
swap offer "${alice[@]}" --give solana:100 --want ethereum:40 --counterparty-a "$bob_sol" --counterparty-b "$bob_evm" \
  --state "$keys/alice.swap" --terms "$logs/terms.json"
rent advance --seconds 31; hh dev:advance --seconds 31        # past the lock's finality window
swap accept "${bob[@]}" --terms "$logs/terms.json" --state "$keys/bob.swap"
rent advance --seconds 31; hh dev:advance --seconds 31
swap watch "${alice[@]}" --state "$keys/alice.swap" --once    # claims on Ethereum: reveals the secret
swap watch "${bob[@]}" --state "$keys/bob.swap" --once        # reads it there, withdraws on Solana
echo "-- after"; swap balances "${alice[@]}" --label alice; swap balances "${bob[@]}" --label bob

echo "== done: records in deployments/{ethereum-localhost,arbitrum-localArbitrum,solana-localnet}.json"
