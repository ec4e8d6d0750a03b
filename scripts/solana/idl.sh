#!/usr/bin/env bash
# Builds the program's IDL from its source (anchor-lang-idl, as `anchor idl build` does) and
# writes it with its TypeScript type to src/solana/idl/. With --check, fails when the
# checked-in IDL differs from the program instead of writing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/solana/env.sh
out_dir=src/solana/idl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo build --locked --quiet -p idl-gen
# The IDL build compiles the program with `-A warnings`: keep it in its own target dir so it
# does not invalidate the main build cache.
CARGO_TARGET_DIR="$CM_CACHE/idl-target" "$CARGO_TARGET_DIR/debug/idl-gen" programs/compute-market > "$tmp/compute_market.json"
npx tsx scripts/solana/idl-ts.ts "$tmp/compute_market.json" "$tmp"
if [[ "${1:-}" == "--check" ]]; then
  for f in compute_market.json compute_market.ts; do
    if ! diff -u "$out_dir/$f" "$tmp/$f"; then
      echo "error: $out_dir/$f is out of date with programs/compute-market; run 'npm run idl'" >&2
      exit 1
    fi
  done
  echo "IDL matches the program"
else
  mkdir -p "$out_dir"
  cp "$tmp/compute_market.json" "$tmp/compute_market.ts" "$out_dir/"
  echo "wrote $out_dir/compute_market.{json,ts}"
fi
