#!/usr/bin/env bash
# npm run build:sbf: the program as SBF bytecode (target/deploy/compute_market.so) from the package
# registries alone: Debian's rustc-web 1.96 + its std sources + LLVM 22, the sbpf-linker crate.
# How and why: tools/sbf/README.md. Installed by scripts/setup.sh (`--install` here).
#   build-sbf.sh            build if the sources changed (else reuse the cached .so files)
#   build-sbf.sh --install  install the toolchain only (apt packages, sbpf-linker)
#   build-sbf.sh --check    exit 1 unless target/deploy/*.so are built from these sources
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/solana/env.sh

SBF_CACHE="$CM_CACHE/sbf"
LINKER_ROOT="$CM_CACHE/tools/sbf"                  # sbpf-linker, built against Debian's LLVM 22
SBPF_LINKER_VERSION=0.2.6
LLVM=/usr/lib/llvm-22
RUSTC_WEB=/usr/bin/rustc CARGO_WEB=/usr/bin/cargo RUST_WEB_SRC=/usr/src/rustc-1.96.0/library
APT_PACKAGES=(rustc-web cargo-web rust-web-src llvm-22-dev libpolly-22-dev libzstd-dev zlib1g-dev libxml2-dev libffi-dev)
# package -> library: the program, and the reference of npm run bench:cu (an Anchor no-op)
PROGRAMS=(compute-market:compute_market bench-noop:bench_noop)
OUT=target/deploy
STAMP=$OUT/programs.sources

die() { echo "build:sbf: $*" >&2; exit 1; }

# Everything the bytes are built from: the program, the workspace's lockfile and manifests, this
# route. A change to any of them makes the .so stale (tests refuse a stale .so).
sources_hash() {
  { git ls-files -co --exclude-standard -- programs/compute-market programs/bench-noop Cargo.toml Cargo.lock tools/sbf scripts/solana/build-sbf.sh \
      | grep -v '\.md$' | LC_ALL=C sort | while read -r f; do [ -f "$f" ] && { echo "$f"; cat "$f"; }; done
    "$RUSTC_WEB" --version 2>/dev/null; echo "sbpf-linker $SBPF_LINKER_VERSION"; } | sha256sum | cut -c1-16
}

install() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "build:sbf: installing ${missing[*]} (apt)"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  "$RUSTC_WEB" --version | grep -q '^rustc 1\.96\.' || die "$RUSTC_WEB is not rustc 1.96 (Debian's rustc-web): $("$RUSTC_WEB" --version)"
  [ -d "$RUST_WEB_SRC/std" ] || die "$RUST_WEB_SRC is missing (Debian's rust-web-src)"
  if [[ "$("$LINKER_ROOT/bin/sbpf-linker" --version 2>/dev/null)" != *"sbpf-linker $SBPF_LINKER_VERSION"* ]]; then
    echo "build:sbf: building sbpf-linker $SBPF_LINKER_VERSION against LLVM 22 (about 3 min, once)"
    # its default feature wants LLVM 23 (rustc's own), which no registry here has
    LLVM_PREFIX=$LLVM cargo install "sbpf-linker@$SBPF_LINKER_VERSION" --locked --quiet \
      --no-default-features --features bpf-linker/llvm-22 --root "$LINKER_ROOT"
  fi
}

case "${1:-}" in
  --install) install; exit 0 ;;
  --check)
    for p in "${PROGRAMS[@]}"; do
      [ -f "$OUT/${p#*:}.so" ] || die "$OUT/${p#*:}.so is missing: npm run build:sbf"
    done
    [ "$(cat "$STAMP" 2>/dev/null)" = "$(sources_hash)" ] || die "$OUT/*.so are stale (built from other sources): npm run build:sbf"
    exit 0 ;;
  "") ;;
  *) die "unknown option $1 (--install, --check)" ;;
esac

install
hash=$(sources_hash)
cached="$SBF_CACHE/out/$hash"
mkdir -p "$OUT"
if [ -f "$cached/done" ]; then
  for p in "${PROGRAMS[@]}"; do cp "$cached/${p#*:}.so" "$OUT/"; done
  echo "$hash" > "$STAMP"
  echo "build:sbf: $OUT/*.so up to date (sources $hash)"
  exit 0
fi

# 1. std for target_os = "solana": Debian's std sources with tools/sbf/std-solana.patch.
std_root="$SBF_CACHE/rust-src-$(cat tools/sbf/std-solana.patch <("$RUSTC_WEB" --version) | sha256sum | cut -c1-12)"
if [ ! -f "$std_root/.patched" ]; then
  rm -rf "$SBF_CACHE"/rust-src-*
  mkdir -p "$std_root"
  cp -a "$RUST_WEB_SRC" "$std_root/library"
  patch -s -d "$std_root" -p0 < tools/sbf/std-solana.patch
  touch "$std_root/.patched"
fi

work="$SBF_CACHE/work"
rm -rf "$work" "$cached"; mkdir -p "$work" "$cached"
export PATH="$LINKER_ROOT/bin:$PATH"

build() { # <package> <library>
  local pkg=$1 lib=$2 dir="$work/$2"
  mkdir -p "$dir" "$work/module"
  # 2. Compile with rustc-web and link a first time: sbpf-linker dumps the optimized module.
  #    That first link's code is not used (it has the LLVM 22 miscompilations the rewrite
  #    removes), and it may even fail; only the dumped module matters, so it must be fresh: the
  #    program's fingerprint goes, so cargo relinks it even when it finds it up to date. The dump
  #    path is the same for every program (RUSTFLAGS are part of every crate's fingerprint).
  rm -rf "$SBF_CACHE/target/bpfel-solana-solana/release/.fingerprint/$pkg-"* "$work/module/"*
  echo "build:sbf: $pkg: compiling (rustc $("$RUSTC_WEB" --version | cut -d' ' -f2), LLVM 22 BPF, std from source)"
  local status=0
  RUSTC="$RUSTC_WEB" RUSTC_BOOTSTRAP=1 RUSTC_BOOTSTRAP_SYNTHETIC_TARGET=1 \
    __CARGO_TESTS_ONLY_SRC_ROOT="$std_root/library" CARGO_TARGET_DIR="$SBF_CACHE/target" \
    RUSTFLAGS="-C linker=sbpf-linker -Zunstable-options -C panic=immediate-abort -C relocation-model=static \
      -C passes=lower-atomic -C link-arg=--disable-math-builtins -C link-arg=--fatal-errors=false \
      -C link-arg=--llvm-args=-bpf-stack-size=4096 -C link-arg=--dump-module=$work/module" \
    "$CARGO_WEB" build --locked --release -p "$pkg" --lib \
      --target tools/sbf/bpfel-solana-solana.json -Zbuild-std=std,panic_abort -Zjson-target-spec \
      > "$dir/cargo.log" 2>&1 || status=$?
  # dependencies that are cdylibs too (solana-zk-sdk) are linked and dumped before the program:
  # its module is the one that defines the entrypoint and names the program's crate
  local module="$work/module/post-opt.ll"
  if [ ! -f "$module" ] || ! grep -q '^define .*@entrypoint(' "$module" || ! grep -q "${#lib}$lib" "$module"; then
    grep -E '^error' -A6 "$dir/cargo.log" | head -40 >&2 || true
    die "$pkg: compiling failed (exit $status, no linked module): $dir/cargo.log"
  fi
  mv "$module" "$dir/linked.ll"

  # 3. The rewrite (tools/sbf/ir-rewrite.ts), its helpers inlined, the final link.
  npx tsx tools/sbf/ir-rewrite.ts "$dir/linked.ll" "$dir/rewritten.ll"
  "$LLVM/bin/opt" -passes=always-inline "$dir/rewritten.ll" -o "$dir/rewritten.bc"
  printf 'entrypoint\ncustom_panic\n' > "$dir/exports"
  # -bpf-stack-size=4096: LLVM reports any function whose frame is above the runtime's 4,096
  # bytes (SBPF v3 frames are fixed at 4 KiB; a bigger frame silently overwrites its caller's).
  sbpf-linker --cpu generic -O3 --disable-math-builtins --fatal-errors=false \
    --llvm-args=-bpf-stack-size=4096 --export-symbols "$dir/exports" \
    --export=memcpy,memmove,memset,memcmp,bcmp,__adddf3,__subdf3,__negdf2,__muldf3,__divdf3,__floatundidf,__fixunsdfdi,__gedf2,__gtdf2 \
    -o "$dir/$lib.so" "$dir/rewritten.bc" > "$dir/link.log" 2>&1 || {
    tail -20 "$dir/link.log" >&2; die "$pkg: the final link failed: $dir/link.log"; }

  # 4. The link ran with --fatal-errors=false (the first link needs it), which also turns LLVM's
  #    wrong-code diagnostics into log lines: tools/sbf/link-check.ts fails on each that is not
  #    known to be harmless. (The f64 helpers are exported so the calls LLVM emits to them
  #    resolve; the 128-bit ones are not: the rewrite leaves nothing that calls them.)
  npx tsx tools/sbf/link-check.ts "$dir/link.log" || die "$pkg: the final link reported wrong code (above; $dir/link.log): tools/sbf/README.md"
  [ -s "$dir/$lib.so" ] || die "$pkg: the link wrote no program"
  cp "$dir/$lib.so" "$cached/"
}

for p in "${PROGRAMS[@]}"; do build "${p%%:*}" "${p#*:}"; done
touch "$cached/done"
for p in "${PROGRAMS[@]}"; do cp "$cached/${p#*:}.so" "$OUT/"; done
echo "$hash" > "$STAMP"
# keep the cache small: the last 5 builds, the std build, no scratch or incremental state
ls -td "$SBF_CACHE"/out/*/ | tail -n +6 | xargs -r rm -rf
rm -rf "$SBF_CACHE/target/"*/release/incremental "$work"/*/linked.ll "$work"/*/rewritten.ll
echo "build:sbf: $(for p in "${PROGRAMS[@]}"; do printf '%s (%s bytes) ' "$OUT/${p#*:}.so" "$(stat -c %s "$OUT/${p#*:}.so")"; done)sources $hash"
