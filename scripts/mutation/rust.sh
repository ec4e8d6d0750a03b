#!/usr/bin/env bash
# Mutation testing of the Solana money math with cargo-mutants (tools/mutation/README.md).
#   scripts/mutation/rust.sh            the whole campaign (scope: .cargo/mutants.toml), then the report
#   scripts/mutation/rust.sh --report   only the report of the last campaign
#   scripts/mutation/rust.sh -- ARGS    extra cargo-mutants arguments, e.g. -- -F settlement
# cargo-mutants (crates.io, pinned below) is installed under $CM_CACHE/tools on first use. It runs
# in place on a copy of the Rust workspace at $CM_CACHE/mutants/src (a stable path, so builds stay
# incremental in the shared target directory); this clone is never modified. The report fails
# (exit 1) when a file's kill rate is under 90 % or a surviving mutant is not explained in
# tools/mutation/rust-equivalent.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/solana/env.sh
version=27.1.0
tools="$CM_CACHE/tools"
work="$CM_CACHE/mutants"
out="$work/out"

report() { exec npx tsx tools/mutation/rust.ts --outcomes "$out/mutants.out/outcomes.json"; }
case "${1:-}" in
  -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --report) report ;;
  --) shift ;;
  "") ;;
  *) echo "mutation: unknown argument $1 (--help)" >&2; exit 1 ;;
esac

if [[ "$("$tools/bin/cargo-mutants" mutants --version 2>/dev/null)" != "cargo-mutants $version" ]]; then
  echo "mutation: installing cargo-mutants $version into $tools"
  cargo install --quiet --locked --root "$tools" cargo-mutants --version "=$version"
fi

# the Rust workspace as committed or changed here (tracked and new files, nothing ignored)
# (tar keeps modification times: cargo's fingerprints stay valid between runs)
rm -rf "$work/src"
mkdir -p "$work/src" "$out"
git ls-files -co --exclude-standard -- Cargo.toml Cargo.lock .cargo programs crates |
  tar -cf - -T - | tar -xf - -C "$work/src"
# cargo-mutants' own baseline builds only the mutated package, which has none of the runtime
# tests: run the baseline here (the same tests, unmutated, must pass) and size the timeout on it
test_args=(-p compute-market -p svm-harness --lib --test escrow --test attacks --test compute_market)
start=$SECONDS
(cd "$work/src" && flock /tmp/cm-rust.lock cargo test --quiet "${test_args[@]}" >"$work/baseline.log" 2>&1) ||
  { tail -30 "$work/baseline.log"; echo "mutation: the unmutated tests fail ($work/baseline.log)" >&2; exit 1; }
baseline=$((SECONDS - start))
start=$SECONDS
# the Rust builds of the project share one lock (two at once do not fit this machine)
flock /tmp/cm-rust.lock "$tools/bin/cargo-mutants" mutants --in-place --dir "$work/src" \
  --output "$out" --no-shuffle --baseline=skip \
  --timeout $((3 * baseline + 60)) --build-timeout 900 "$@" || true # survivors exit non-zero: the report decides
echo "mutation: baseline (build + tests) $baseline s, cargo-mutants $((SECONDS - start)) s"
report
