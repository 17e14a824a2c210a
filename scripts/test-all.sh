#!/usr/bin/env bash
# Runs every test of the project: Rust (native, no_std targets), the fuzz smoke test, Python and
# the browser page.
# On a fresh machine it first installs what the tests need (scripts/setup.sh); SKIP_SETUP=1 skips that.
# Each step is a script in scripts/ci/, runnable alone once setup has run.
# Usage: scripts/test-all.sh [STEP...]   (e.g. `scripts/test-all.sh python wasm`)
# With step names, only those steps run (after setup), in the order below. The opt-in steps
# (long: the slow statistical tests) run only when named: `scripts/test-all.sh long`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's header gives the time and the disk left, so a run that fails for want of disk
# says so.
step() {
    printf '\n==> %s (%s UTC, %s free on disk)\n' "$*" "$(date -u +%T)" \
        "$(df -h --output=avail . | tail -n 1 | tr -d ' ')"
}

# Step names (scripts/ci/NAME) and their headers, in the order they run.
STEPS=(lint rust nostd fuzz reference python wasm)
HEADERS=(
    "Formatting and lints"
    "Rust tests (workspace)"
    "The core builds without std: thumbv7em-none-eabihf and wasm32-unknown-unknown"
    "Fuzz smoke test: every fuzz target for a few seconds, or the corpus replayed"
    "Independent reference implementation reproduces the vectors"
    "Python package"
    "WebAssembly binding and the verification page (headless Chromium)"
)
# Opt-in steps: never part of the default run.
OPT_IN=(long)
OPT_IN_HEADERS=(
    "Slow ignored tests (statistical honesty, release)"
)

# Check the requested step names before anything runs (setup included).
for name in "$@"; do
    known=0
    for s in "${STEPS[@]}" "${OPT_IN[@]}"; do
        if [ "$name" = "$s" ]; then known=1; fi
    done
    if [ "$known" != 1 ]; then
        echo "test-all.sh: unknown step '$name'; valid steps: ${STEPS[*]} (opt-in: ${OPT_IN[*]})" >&2
        exit 2
    fi
done

selected() {
    [ "$#" -eq 1 ] && return 0  # no names given: every step runs
    local want=$1 name
    shift
    for name in "$@"; do
        if [ "$name" = "$want" ]; then return 0; fi
    done
    return 1
}

if [ "${SKIP_SETUP:-0}" != 1 ]; then
    bash scripts/setup.sh
fi

for i in "${!STEPS[@]}"; do
    if selected "${STEPS[$i]}" "$@"; then
        step "${HEADERS[$i]}"
        bash "scripts/ci/${STEPS[$i]}"
    fi
done

for i in "${!OPT_IN[@]}"; do
    if [ "$#" -gt 0 ] && selected "${OPT_IN[$i]}" "$@"; then
        step "${OPT_IN_HEADERS[$i]}"
        bash "scripts/ci/${OPT_IN[$i]}"
    fi
done

step "All tests passed"
