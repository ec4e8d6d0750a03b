#!/usr/bin/env bash
# npm run bench:cu: compute units of every instruction on the SBF program, beside SPL Token's
# transfer and an Anchor no-op in the same run; account sizes and rent; the committed snapshot
# (cu-snapshot.json) compared. CU_SNAPSHOT=update rewrites it; CU_BUDGETS=warn reports a missed
# budget without failing. The test behind it: crates/svm-harness/tests/attack_matrix.rs,
# compute_units_of_every_instruction.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/solana/env.sh
bash scripts/solana/build-sbf.sh >&2
RUST_LOG=error cargo test --locked --quiet -p svm-harness --test attack_matrix -- \
  --nocapture --exact compute_units_of_every_instruction 2>&1 \
  | sed -n '/^Compute units per instruction/,/^test result/p' | grep -v '^\['
