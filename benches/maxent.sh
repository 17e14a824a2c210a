#!/usr/bin/env bash
# Maximal entropy (SPEC.md section 9.6, draft) on the demo's stage 2 and the Sortition
# Foundation fixture: commit (the count and the forecast of attempts), draw, and verify, natively
# and in WebAssembly. Figures in BENCHMARKS.md section 10.
#
#   bash benches/maxent.sh [RUNS]
#
# Needs the release command line (built here) and the page's build (bash bindings/wasm/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release -q -p kleroterion-cli
kl=target/release/kleroterion
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# The demo's stage 2: its volunteers and quotas, as the demo writes them.
$kl demo --out "$work/demo" > /dev/null
demo=$work/demo/stage2-panel/input
fixture=tests/data/sortition-algorithms
printf '{"sources":[{"kind":"hex","value":"%s"}]}\n' 6d6178656e74 > "$work/reveal.json"

run() { # name, counted features, commit arguments...
  local name=$1 counted=$2
  shift 2
  echo "== $name, counting $counted"
  # shellcheck disable=SC2086
  /usr/bin/time -f "commit: %e s wall, %M KB peak" $kl commit --allow-small-cells 1 --method maxent \
    --count $counted --ticket-key 6d6178656e742062656e6368206b6579 --out "$work/$name" "$@" \
    | grep -i "maximal entropy"
  /usr/bin/time -f "draw: %e s wall, %M KB peak" $kl draw "$work/$name/manifest.json" \
    --reveal "$work/reveal.json" --out "$work/$name-draw/bundle.json" > /dev/null
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    $kl verify "$work/$name-draw/bundle.json" > /dev/null
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc)")
  done
  printf 'verify natively (the command, whole process), median of %s: %s s\n' "$runs" \
    "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
  /usr/bin/time -f "verify natively: %M KB peak" $kl verify "$work/$name-draw/bundle.json" > /dev/null
  grep -o '"rejections": [0-9]*' "$work/$name-draw/bundle.json"
  node bindings/wasm/bench/maxent-bench.mjs "$runs" "$work/$name-draw/bundle.json"
}

run demo-stage2 "gender age" --people "$demo/people.csv" --quotas "$demo/quotas.csv" --size 40
run fixture "age_bracket geo_bucket" --people "$fixture/candidates.csv" \
  --quotas "$fixture/features.csv" --size 22 --id-column nationbuilder_id \
  --household primary_address1 primary_zip
# Near the cell limit: the demo's stage 2 counting socio-professional category and commune size
# (about 750,000 cells), what a verifier's browser redoes at worst.
run demo-stage2-near-limit "csp commune_size" --people "$demo/people.csv" \
  --quotas "$demo/quotas.csv" --size 40 --max-attempts 100000
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
