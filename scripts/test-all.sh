#!/usr/bin/env bash
# Every test of the project: lint, IDL check, EVM (Solidity fuzz + mocha), Rust, TS on Solana.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-true}"
source scripts/ready.sh   # installs what is missing, builds contracts, types and the Solana chain
bash scripts/lint.sh
echo "== IDL check"; bash scripts/solana/idl.sh --check
echo "== tooling: lockfile, setup"; node --import tsx --test test/tooling/*.test.ts
echo "== epoch pipeline: builder against @openzeppelin/merkle-tree, artifacts, formula"
node --import tsx --test test/epoch/*.test.ts
echo "== docs check"; npx tsx scripts/docs/tokenomics.ts --check
echo "== Slither: every finding in contracts/ triaged (tools/slither/triage.json)"; bash scripts/slither.sh --no-compile
echo "== EVM: Solidity tests + mocha"; npx hardhat test
echo "== gas: every user action against gas-snapshot.json (> 1 % regression fails; issue-14 targets printed, not yet enforced)"
GAS_SNAPSHOT=check GAS_TARGETS=warn npx hardhat run scripts/bench/gas.ts
echo "== Rust: program unit tests + runtime tests on the SBF program; compute units against cu-snapshot.json and their budgets"
RUST_LOG="${RUST_LOG:-error}" cargo test --locked --workspace
echo "== Solana TS: Anchor client against the local SVM"
node --import tsx --test --test-force-exit --test-timeout 120000 test/solana/*.test.ts
echo "== Deployments: Ignition (EVM) and the Solana deploy, interrupted and resumed; audit:roles; upgrade authority"
node --import tsx --test --test-force-exit --test-timeout 300000 test/deploy/*.test.ts
echo "== Operator CLI: every group on the local chains, bad inputs change nothing"
node --import tsx --test --test-force-exit --test-timeout 600000 test/cli/*.test.ts
echo "== Swap: both chains together (local Solana chain + in-process EVM)"
node --import tsx --test --test-force-exit --test-timeout 300000 test/swap/*.test.ts
