# Sourced by the Solana scripts: where Rust builds are cached (outside the clone, so CI and
# fresh clones on this machine reuse them).
export CM_CACHE="${CM_CACHE:-$HOME/.cache/compute-market}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CM_CACHE/target}"
export CM_SURFNET_BIN="${CM_SURFNET_BIN:-$CARGO_TARGET_DIR/debug/surfnet}"   # the local Solana network (crates/surfnet)
export CM_EPOCH_TREE_BIN="${CM_EPOCH_TREE_BIN:-$CARGO_TARGET_DIR/release/epoch-tree}"
