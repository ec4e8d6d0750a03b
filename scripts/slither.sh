#!/usr/bin/env bash
# Slither over the Hardhat build, checked against tools/slither/triage.json (tools/slither/README.md).
#   scripts/slither.sh            install the pinned Slither if needed, compile, run, check
#   scripts/slither.sh --install  only create (or refresh) the venv: what scripts/setup.sh runs
#   scripts/slither.sh --no-compile  use artifacts/build-info as it is (the caller just compiled)
#   scripts/slither.sh --help     the checker's options (passed through, e.g. --json-out, --keep)
# Slither (PyPI, pinned in tools/slither/requirements.txt) lives in a venv outside the clone, at
# ${CM_CACHE:-$HOME/.cache/compute-market}/slither-venv. It reads Hardhat's build-info: no solc is
# downloaded or run.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${CM_CACHE:-$HOME/.cache/compute-market}/slither-venv"
requirements=tools/slither/requirements.txt
python="${PYTHON:-python3}"

case "${1:-}" in
  -h | --help)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    echo
    exec npx tsx tools/slither/slither.ts --help
    ;;
esac

# The venv is current when it was built from exactly this requirements file by this Python.
stamp() { echo "$(sha256sum "$requirements" | cut -d' ' -f1) $("$1" -c 'import sys; print(sys.version.split()[0])')"; }

install_venv() {
  command -v "$python" >/dev/null || { echo "slither: $python not found (Python >= 3.10 is needed)" >&2; exit 1; }
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    { echo "slither: $("$python" --version) is too old (Slither needs >= 3.10)" >&2; exit 1; }
  if [[ -x "$venv/bin/python" && -f "$venv/.cm-stamp" && "$(cat "$venv/.cm-stamp")" == "$(stamp "$venv/bin/python")" ]]; then
    return 0
  fi
  echo "slither: installing $(grep -E '^slither-analyzer==' "$requirements") into $venv"
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  stamp "$venv/bin/python" > "$venv/.cm-stamp"
}

install_venv
[[ "${1:-}" == "--install" ]] && exit 0

# The build-info Slither reads (a no-op when up to date).
if [[ "${1:-}" == "--no-compile" ]]; then shift; else npx hardhat compile --quiet >/dev/null; fi
exec npx tsx tools/slither/slither.ts --slither "$venv/bin/slither" "$@"
