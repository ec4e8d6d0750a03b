#!/usr/bin/env bash
# Mutation testing of the Solidity money math with slither-mutate (tools/mutation/README.md).
#   scripts/mutation/solidity.sh                       every file of tools/mutation/solidity.json
#   scripts/mutation/solidity.sh contracts/utils/BpsMath.sol   one file (repository paths)
#   scripts/mutation/solidity.sh --list                the mutants only: no build, no test
#   scripts/mutation/solidity.sh --restore             put back files an interrupted run left mutated
#   scripts/mutation/solidity.sh --help                every option
# slither-mutate comes from the pinned Slither venv of scripts/slither.sh (installed if missing).
# The target files are rewritten in place, one mutant at a time: they are backed up first and put
# back at the end, on Ctrl-C or a kill, and by the next run if this one was killed outright.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv="${CM_CACHE:-$HOME/.cache/compute-market}/slither-venv"

case "${1:-}" in
  -h | --help)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    echo
    exec npx tsx tools/mutation/solidity.ts --help
    ;;
  --restore) exec npx tsx tools/mutation/solidity.ts --restore ;;
esac

bash scripts/slither.sh --install
# The TypeScript command restores on SIGINT/SIGTERM itself; this trap covers its own death.
trap 'npx tsx tools/mutation/solidity.ts --restore' EXIT
npx tsx tools/mutation/solidity.ts --venv "$venv" "$@"
