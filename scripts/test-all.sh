#!/usr/bin/env bash
# Every test of the project: lint, IDL check, EVM (Solidity fuzz + mocha), Rust, TS on Solana.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/solana/env.sh
export CI="${CI:-true}"
# a fresh clone: install first (CI has already run scripts/setup.sh, so this is skipped there)
[[ -x node_modules/.bin/hardhat && -x "$CM_SVM_RPC_BIN" ]] || bash scripts/setup.sh
echo "== compile (contracts + TypeChain types)"; npx hardhat compile --quiet
bash scripts/lint.sh
echo "== IDL check"; bash scripts/solana/idl.sh --check
echo "== docs check"; npx tsx scripts/docs/tokenomics.ts --check
echo "== EVM: Solidity tests + mocha"; npx hardhat test
echo "== Rust: program unit tests + runtime tests"; RUST_LOG="${RUST_LOG:-error}" cargo test --locked --workspace
echo "== Solana TS: Anchor client against the local SVM"
cargo build --locked --quiet -p svm-rpc
node --import tsx --test --test-force-exit --test-timeout 120000 test/solana/*.test.ts
