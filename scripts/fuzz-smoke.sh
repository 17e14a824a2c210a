#!/usr/bin/env bash
# Fuzz smoke test, as scripts/test-all.sh (and so CI) runs it (see RELIABILITY.md, "Fuzzing").
#
# When cargo-fuzz can build the targets with this toolchain, builds them all in one call
# (AddressSanitizer, debug assertions and overflow checks) and runs each for FUZZ_SECONDS
# seconds (default 10), FUZZ_JOBS at a time, starting from the committed corpus, which
# libFuzzer replays first.
# Otherwise (no cargo-fuzz and it cannot be installed, or the build fails with this toolchain)
# replays the committed corpus through the same target logic as ordinary tests (`cargo test`
# in fuzz/). Exits non-zero on any crash, hang (10 s per input) or out-of-memory (2 GB), naming
# the target and the input libFuzzer saved under fuzz/artifacts/<target>/.
#
# cargo-fuzz is installed by scripts/setup.sh; this script installs it too when it is missing,
# so it also runs alone. The machine has a stable toolchain: RUSTC_BOOTSTRAP=1 lets it accept
# the nightly flags (-Zsanitizer=address) that cargo-fuzz passes.
#
# Variables: FUZZ_SECONDS (per target), FUZZ_TARGETS (space-separated subset), FUZZ_JOBS (targets
# fuzzed at the same time, default the number of CPUs), FUZZ_MODE=corpus to skip libFuzzer and
# only replay the corpus.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET=${FUZZ_SECONDS:-10}
TARGETS=${FUZZ_TARGETS:-"bundle_json manifest_json reveal_json receipt csv_people csv_quotas draw"}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=1
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

if ! cargo fuzz --version >/dev/null 2>&1; then
    step "Installing cargo-fuzz ${CARGO_FUZZ_VERSION}"
    if ! cargo install cargo-fuzz --version "${CARGO_FUZZ_VERSION}" --locked; then
        echo "cargo-fuzz cannot be installed: falling back to the corpus"
        replay_corpus
        exit 0
    fi
fi

step "Building the fuzz targets ($(cargo fuzz --version))"
build_log=$(mktemp)
# No target named: one cargo call builds every target, sharing the dependencies.
if ! cargo fuzz build >"$build_log" 2>&1; then
    tail -n 30 "$build_log"
    rm -f "$build_log"
    echo "cargo fuzz cannot build with this toolchain: falling back to the corpus"
    replay_corpus
    exit 0
fi
tail -n 3 "$build_log"
rm -f "$build_log"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs one target; its output goes to $work/<target>.log, its exit status to $work/<target>.rc.
fuzz_one() {
    local t=$1
    mkdir -p "$work/$t"
    local dirs=("$work/$t" "corpus/$t")
    [ -d "regressions/$t" ] && dirs+=("regressions/$t")
    # New inputs go to the temporary folder (first one), never into the committed corpus.
    local rc=0
    cargo fuzz run "$t" "${dirs[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks=0 -print_final_stats=1 >"$work/$t.log" 2>&1 || rc=$?
    echo "$rc" >"$work/$t.rc"
}

step "Fuzzing each target for ${SECONDS_PER_TARGET} s, ${JOBS} at a time: ${TARGETS}"
running=0
for t in $TARGETS; do
    if [ "$running" -ge "$JOBS" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    fuzz_one "$t" &
    running=$((running + 1))
done
wait

failed=()
for t in $TARGETS; do
    printf '\n%s:\n' "$t"
    if [ "$(cat "$work/$t.rc" 2>/dev/null || echo missing)" = 0 ]; then
        grep -E '^Done|stat::number_of_executed_units' "$work/$t.log" || true
        grep -E ' (cov|ft): ' "$work/$t.log" | tail -n 1 || true
        continue
    fi
    tail -n 60 "$work/$t.log"
    echo "--- cause:"
    grep -E -A2 'panicked at|==ERROR|ALARM: working|out-of-memory' "$work/$t.log" | head -n 12 || true
    # libFuzzer: "Test unit written to <path>" for a crash, a hang (timeout-*) or an OOM.
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/$t.log" | tail -n 1)
    artifact=${artifact#"$PWD/"}
    artifact=${artifact#./}
    if [ -n "$artifact" ]; then
        kind=$(basename "$artifact")
        kind=${kind%%-*}
        failed+=("$t ($kind): fuzz/$artifact")
        echo "fuzz smoke: $t failed ($kind), input saved as fuzz/$artifact"
        echo "  reproduce: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $t $artifact)"
    else
        failed+=("$t: failed without saving an input (see its log above)")
        echo "fuzz smoke: $t failed without saving an input (see its log above)"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo
    echo "fuzz smoke: ${#failed[@]} target(s) failed:"
    printf '  %s\n' "${failed[@]}"
    exit 1
fi
echo
echo "fuzz smoke: every target ran ${SECONDS_PER_TARGET} s without a crash"
