#!/usr/bin/env bash
# cargo with the shared target directory and the committed lockfile.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/solana/env.sh
exec cargo "$@"
