# Sourced by the entry points (`npm run main`, `npm test`): makes sure everything the project
# needs is installed and built, whichever order a user ran the README's commands in (a bare
# clone, `npm install` under the machine's Node 20, a half-finished setup). Checks what must
# *work*, not which files exist, and runs scripts/setup.sh when anything is missing.
# Every step that cannot be done stops with one line saying which.
source scripts/solana/env.sh

fail() { echo "error: $*" >&2; exit 1; }

# What setup.sh leaves behind when it finishes: a stamp over the inputs it installed from.
setup_stamp() { { cat package.json package-lock.json Cargo.lock; rustc --version; } | sha256sum | cut -c1-16; }
setup_ok() {
  [[ -x node_modules/.bin/node && -x node_modules/.bin/hardhat ]] || return 1
  node_modules/.bin/node -e "require('@nomicfoundation/edr')" >/dev/null 2>&1 || return 1
  [[ -x "$CM_SURFNET_BIN" && -x "$CM_EPOCH_TREE_BIN" ]] || return 1
  [[ "$(cat node_modules/.cm-setup 2>/dev/null)" == "$(setup_stamp)" ]]
}
[[ "${1:-}" == "--functions" ]] && return 0

if ! setup_ok; then
  echo "== setup: installing what is missing (scripts/setup.sh)"
  bash scripts/setup.sh || fail "setup failed (see above): fix it and rerun, or run 'bash scripts/setup.sh' alone"
  setup_ok || fail "setup finished but the install is still incomplete: run 'bash scripts/setup.sh' and read its output"
fi

# Builds (each a no-op when up to date).
echo "== build: contracts and their TypeChain types"
npx hardhat compile --quiet || fail "the Solidity build failed (see above)"
echo "== build: the local Solana network (crates/surfnet: Surfpool)"
cargo build --locked --quiet --workspace --all-targets || fail "the Rust build of crates/surfnet failed (see above)"
echo "== build: the native epoch builder (epoch-tree)"
cargo build --locked --release --quiet -p epoch-tree || fail "the Rust build of crates/epoch-tree failed (see above)"
echo "== build: the program as SBF bytecode (target/deploy/compute_market.so)"
bash scripts/solana/build-sbf.sh || fail "the SBF build of the program failed (see above; tools/sbf/README.md)"
