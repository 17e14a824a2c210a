#!/usr/bin/env bash
# Installs the wheel of scripts/build-wheel.sh into a fresh virtual environment whose PATH has no
# cargo, rustc or maturin, and runs the Python tests there against the installed package (not the
# source tree). Usage: scripts/test-wheel.sh [WHEEL]   (default: builds one into a scratch folder)
# pip fetches the wheel's dependencies (pandas, numpy, tqdm) and pytest as wheels, never sources.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

wheel=${1:-}
if [ -z "$wheel" ]; then
    wheel=$(bash scripts/build-wheel.sh "$WORK/dist" | tail -n 1)
fi

# A PATH without any folder that holds cargo, rustc, rustup or maturin.
clean=""
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    if [ -z "$d" ] || [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ] || [ -e "$d/maturin" ]; then
        continue
    fi
    clean="${clean:+$clean:}$d"
done
python=$(command -v python3)
env -i HOME="$HOME" PATH="$clean" bash -c '! command -v cargo && ! command -v rustc' >/dev/null ||
    { echo "test-wheel.sh: cargo is still on the cleaned PATH" >&2; exit 1; }

"$python" -m venv "$WORK/venv"
VENV=$WORK/venv
# The wheel and its run-time dependencies, and pytest: nothing is compiled (--only-binary).
pip_env=(env -i HOME="$HOME" PATH="$VENV/bin:$clean")
for var in PIP_FIND_LINKS PIP_CERT PIP_DEFAULT_TIMEOUT PIP_INDEX_URL PIP_EXTRA_INDEX_URL HTTPS_PROXY HTTP_PROXY NO_PROXY https_proxy http_proxy no_proxy; do
    if [ -n "${!var:-}" ]; then pip_env+=("$var=${!var}"); fi
done
"${pip_env[@]}" "$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
    "$wheel" -r <(grep -E '^(pytest|numpy|pandas|tqdm)==' bindings/python/requirements-dev.txt)

# From a scratch folder, so that `import kleroterion` cannot find the source tree.
cd "$WORK"
"${pip_env[@]}" "$VENV/bin/python" - "$ROOT" <<'PY'
import pathlib, sys
import kleroterion
root = pathlib.Path(sys.argv[1])
where = pathlib.Path(kleroterion.__file__).resolve()
assert str(where).startswith(sys.prefix), f"kleroterion imported from {where}, not the fresh environment"
spec = where.parent / "SPEC.md"
assert spec.read_bytes() == (root / "SPEC.md").read_bytes(), "SPEC.md is missing from the wheel or differs"
print(f"kleroterion {kleroterion.__version__} from {where.parent}")
PY
# Every test but the notebook's (jupyter is a development tool, not a dependency). The command
# line's tests use the binary that scripts/ci/python built; nothing here builds anything.
"${pip_env[@]}" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}" "$VENV/bin/python" -m pytest -q -p no:cacheprovider \
    --rootdir "$ROOT/bindings/python" --ignore "$ROOT/bindings/python/tests/test_notebook.py" "$ROOT/bindings/python/tests"
