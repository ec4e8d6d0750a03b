#!/usr/bin/env bash
# Every linter of the project; non-zero on the first finding.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/solana/env.sh
echo "lint: tsc"; npx tsc --noEmit -p tsconfig.json
echo "lint: prettier"; npx prettier --check "contracts/**/*.sol" "test/**/*.{ts,sol}" "src/**/*.ts" "scripts/**/*.ts" "tools/**/*.ts" "ignition/**/*.ts" hardhat.config.ts
echo "lint: solhint"; npx solhint --max-warnings 0 "contracts/**/*.sol"
echo "lint: cargo fmt"; cargo fmt --all --check
echo "lint: clippy"; cargo clippy --locked --workspace --all-targets --quiet -- -D warnings
