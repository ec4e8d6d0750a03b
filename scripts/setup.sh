#!/usr/bin/env bash
# Installs everything the project needs, from the package registries only. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1. npm packages. `npm ci` fails on this registry (platform builds missing from the lockfile).
npm install --no-audit --no-fund
# npm itself runs on the machine's Node 20 and skips packages whose engines want Node >= 22,
# among them Hardhat's native EVM binding: repeat the install under the pinned Node.
pinned_node=node_modules/.bin/node
edr_ok() { "$pinned_node" -e "require('@nomicfoundation/edr')" >/dev/null 2>&1; }
if ! edr_ok; then
  echo "setup: repairing platform packages under $("$pinned_node" --version)"
  "$pinned_node" "$(readlink -f "$(command -v npm)")" install --no-audit --no-fund
fi
edr_ok || { echo "setup: @nomicfoundation/edr still does not load under the pinned Node" >&2; exit 1; }

# 2. Rust: the local Solana network, the IDL builder, and the test binaries (cached outside the clone).
source scripts/solana/env.sh
# clippy and rustfmt come with the machine's rustup toolchain; `rustup component add` fetches from
# outside the registries, so it is not a route: say what is missing instead.
for tool in cargo-clippy rustfmt; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is missing from the Rust toolchain ($(rustc --version))" >&2; exit 1; }
done
cargo build --locked --workspace --all-targets   # the network (surfnet), idl-gen and every test binary: one feature set, one build of the shared crates
cargo build --locked --release -p epoch-tree   # the native epoch builder (src/epoch/tree.ts)
cargo test --locked --workspace --no-run

# 2b. The SBF toolchain (Debian's rustc-web, its std sources and LLVM 22 from apt; sbpf-linker from
#     crates.io, under the cache): tools/sbf/README.md. The program itself is built by ready.sh.
bash scripts/solana/build-sbf.sh --install

# 3. Slither (PyPI, pinned in tools/slither/requirements.txt), in a venv under the cache directory.
bash scripts/slither.sh --install

# 4. The stamp scripts/ready.sh compares: setup finished for exactly these inputs.
source scripts/ready.sh --functions
setup_stamp > node_modules/.cm-setup
echo "setup: done"
