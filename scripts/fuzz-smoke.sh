#!/usr/bin/env bash
# Fuzz smoke test, as CI runs it (see RELIABILITY.md, "Fuzzing").
#
# When cargo-fuzz can build the targets with this toolchain, builds them (AddressSanitizer,
# debug assertions and overflow checks) and runs each for FUZZ_SECONDS seconds (default 20),
# starting from the committed corpus, which libFuzzer replays first. Otherwise replays the
# committed corpus through the same target logic as ordinary tests (`cargo test` in fuzz/).
# Exits non-zero on any crash, hang (10 s per input) or out-of-memory (2 GB).
#
# The machine has a stable toolchain: RUSTC_BOOTSTRAP=1 lets it accept the nightly flags
# (-Zsanitizer=address) that cargo-fuzz passes.
#
# Variables: FUZZ_SECONDS (per target), FUZZ_TARGETS (space-separated subset),
# FUZZ_MODE=corpus to skip libFuzzer and only replay the corpus.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}
TARGETS=${FUZZ_TARGETS:-"bundle_json manifest_json reveal_json receipt csv_people csv_quotas draw"}
export RUSTC_BOOTSTRAP=1

step() { printf '\n==> %s\n' "$*"; }

replay_corpus() {
    step "Replaying the committed corpus as regression tests"
    cargo test --release --test corpus
}

if [ "${FUZZ_MODE:-fuzz}" = corpus ]; then
    replay_corpus
    exit 0
fi

if ! command -v cargo-fuzz >/dev/null; then
    step "Installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

step "Building the fuzz targets"
build_log=$(mktemp)
if ! cargo fuzz build >"$build_log" 2>&1; then
    tail -n 30 "$build_log"
    echo "cargo fuzz cannot build with this toolchain: falling back to the corpus"
    replay_corpus
    exit 0
fi
tail -n 3 "$build_log"
rm -f "$build_log"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
for t in $TARGETS; do
    step "Fuzzing $t for ${SECONDS_PER_TARGET} s"
    mkdir -p "$work/$t"
    dirs=("$work/$t" "corpus/$t")
    [ -d "regressions/$t" ] && dirs+=("regressions/$t")
    # New inputs go to the temporary folder (first one), never into the committed corpus.
    if cargo fuzz run "$t" "${dirs[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks=0 -print_final_stats=1 >"$work/$t.log" 2>&1; then
        grep -E '^Done|stat::number_of_executed_units' "$work/$t.log" || true
        grep -E ' (cov|ft): ' "$work/$t.log" | tail -n 1 || true
    else
        echo "CRASH in $t (input saved under fuzz/artifacts/$t/):"
        tail -n 60 "$work/$t.log"
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo
    echo "fuzz smoke: ${#failed[@]} target(s) crashed: ${failed[*]}"
    exit 1
fi
echo
echo "fuzz smoke: every target ran ${SECONDS_PER_TARGET} s without a crash"
