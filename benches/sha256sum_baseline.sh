#!/bin/sh
# The "hashing limit" of the Merkle benchmark: times `sha256sum` over the canonical leaf bytes
# of the benchmark's 1,000,000-record pool (0x00 || str("kleroterion/v2/record") || rec(r),
# concatenated), written by the benchmark program itself, and compares with the criterion
# estimate of `merkle/pool_root 1,000,000 records` when one exists.
#
# Usage: benches/sha256sum_baseline.sh [leaf-bytes-file]
# Run `cargo bench -p kleroterion-benches --bench core` first for the ratio.
set -eu
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/kleroterion-leaf-bytes.bin}
target=${CARGO_TARGET_DIR:-target}
runs=${RUNS:-5}

KLEROTERION_LEAF_BYTES="$out" cargo bench -q -p kleroterion-benches --bench core
bytes=$(wc -c < "$out")
cat "$out" > /dev/null # into the page cache

best=
i=0
while [ "$i" -lt "$runs" ]; do
    start=$(date +%s%N)
    sha256sum "$out" > /dev/null
    end=$(date +%s%N)
    ns=$((end - start))
    if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
    i=$((i + 1))
done
echo "sha256sum $(sha256sum --version | head -n 1 | sed 's/.* //'): $bytes bytes, best of $runs: $((best / 1000000)) ms ($((bytes * 1000 / best)) MB/s)"

est="$target/criterion/merkle/pool_root 1,000,000 records/new/estimates.json"
if [ -f "$est" ]; then
    merkle=$(sed -n 's/.*"mean":{"confidence_interval":{[^}]*},"point_estimate":\([0-9.eE+-]*\).*/\1/p' "$est")
    awk -v m="$merkle" -v s="$best" 'BEGIN {
        printf "Merkle root (criterion mean): %.0f ms; ratio to sha256sum: %.2fx\n", m / 1e6, m / s
    }'
else
    echo "no criterion estimate at $est: run cargo bench -p kleroterion-benches --bench core first"
fi
rm -f "$out"
