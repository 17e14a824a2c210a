#!/usr/bin/env bash
# CPU time (user + sys, whole process) of kleroterion's LEXIMIN and maximin (the `leximin`
# example, release build) against the Sortition Foundation's `sortition-algorithms` (PyPI)
# maximin with the open-source CBC solver through python-mip (`solver_backend = "mip-cbc"`),
# run through its `sortition csv` console script, on fresh synthetic pools
# (kleroterion_fair::synthetic: 7 features, about a tenth of the volunteers in two-person
# households, household rule on for both) of 400, 700 and 1,000 volunteers (k = 40, 60, 80)
# and several generator seeds. Per instance the three runs alternate (ours LEXIMIN, ours
# maximin, theirs); each is timed with /usr/bin/time. Their figure includes starting Python
# (measured once with `sortition --help` and printed). Both minimum selection probabilities
# are printed: they agree when both solved the same instance to optimality. Every run has a
# time limit (PEER_TIMEOUT, OURS_TIMEOUT, 600 s each); a run that reaches it is reported as
# "> 600", and a ratio against it as a bound.
#
#   bash benches/peer_maximin.sh
#   SEEDS="1 2 3" REPEAT=2 SIZES="400:40 1000:80" bash benches/peer_maximin.sh
#
# The peer lives in a separate virtual environment, never in the project's (PEER_VENV, default
# /work/peer-venv):
#
#   python3 -m venv /work/peer-venv
#   /work/peer-venv/bin/pip install "sortition-algorithms[mip,cli]" "mip<2"
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PEER_VENV:-/work/peer-venv}
seeds=${SEEDS:-1 2}
repeat=${REPEAT:-1}
limit=${PEER_TIMEOUT:-600}
ours_limit=${OURS_TIMEOUT:-600}
sizes=${SIZES:-400:40 700:60 1000:80}
peer=$venv/bin/sortition
if [ ! -x "$peer" ] || ! "$peer" --help > /dev/null 2>&1; then
  echo "no working sortition-algorithms console script at $peer; create the environment with:" >&2
  echo "  python3 -m venv $venv" >&2
  echo "  $venv/bin/pip install \"sortition-algorithms[mip,cli]\" \"mip<2\"" >&2
  exit 1
fi
cargo build --release -q -p kleroterion-fair --example leximin
ours=target/release/examples/leximin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "uptime at start: $(uptime)"
echo "peer: sortition-algorithms $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("sortition-algorithms"), "mip", m.version("mip"))'), solver_backend = \"mip-cbc\", selection_algorithm = \"maximin\""

# CPU seconds (user + sys) from a /usr/bin/time -f "%U %S %e" file (its last line; a
# "Command exited with non-zero status" line may precede it).
cpu() { tail -n 1 "$1" | awk '{printf "%.2f", $1 + $2}'; }
wall() { tail -n 1 "$1" | awk '{printf "%.2f", $3}'; }
# theirs / ours, where either may be "> limit" (a bound) or "exit N" (no figure).
ratio() {
  case "$1$2" in
    *exit*) echo - ;;
    \>*\>*) echo "?" ;;
    \>*) awk -v c="${1#> }" -v o="$2" 'BEGIN{printf "> %.0f", c / o}' ;;
    *\>*) awk -v c="$1" -v o="${2#> }" 'BEGIN{printf "< %.2f", c / o}' ;;
    *) awk -v c="$1" -v o="$2" 'BEGIN{printf "%.1f", c / o}' ;;
  esac
}

/usr/bin/time -f "%U %S %e" -o "$work/help.time" "$peer" --help > /dev/null
echo "their Python start-up (sortition --help): $(cpu "$work/help.time") s CPU, $(wall "$work/help.time") s wall"

cat > "$work/settings.toml" <<'EOF'
id_column = "id"
columns_to_keep = []
check_same_address = true
check_same_address_columns = ["address"]
max_attempts = 100
selection_algorithm = "maximin"
solver_backend = "mip-cbc"
random_number_seed = 0
EOF

echo
printf '%-5s %-3s %-4s %-3s | %10s %10s %12s | %9s %9s | %-12s %-12s %-10s | %s\n' \
  n k seed run "LEXIMIN s" "maximin s" "theirs s" "th/LEXIMIN" "th/maximin" \
  "min ours" "min ours mx" "min theirs" "their wall s, checks"
for size in $sizes; do
  n=${size%%:*}
  k=${size##*:}
  for seed in $seeds; do
    dir=$work/n$n-s$seed
    mkdir -p "$dir"
    for r in $(seq "$repeat"); do
      # (a) our LEXIMIN; also writes the instance for the peer (before solving, a few ms).
      status_a=0
      /usr/bin/time -f "%U %S %e" -o "$dir/a.time" timeout "$ours_limit" \
        "$ours" synthetic-n "$n" "$k" --seed="$seed" --write-csv="$dir" > "$dir/a.json" || status_a=$?
      # (b) our maximin.
      status_b=0
      /usr/bin/time -f "%U %S %e" -o "$dir/b.time" timeout "$ours_limit" \
        "$ours" synthetic-n "$n" "$k" --seed="$seed" --maximin > "$dir/b.json" || status_b=$?
      # (c) their maximin with CBC, on the same instance.
      rm -f "$dir/sel.csv" "$dir/rem.csv"
      status=0
      /usr/bin/time -f "%U %S %e" -o "$dir/c.time" timeout "$limit" "$peer" csv \
        -S "$work/settings.toml" -f "$dir/features.csv" -p "$dir/people.csv" \
        -s "$dir/sel.csv" -r "$dir/rem.csv" -n "$k" --no-progress > "$dir/c.out" 2>&1 || status=$?
      a=$(cpu "$dir/a.time")
      b=$(cpu "$dir/b.time")
      min_a=$(sed -n 's/.*"min_probability":\([^,]*\),.*/\1/p' "$dir/a.json")
      min_b=$(sed -n 's/.*"min_probability":\([^,]*\),.*/\1/p' "$dir/b.json")
      # A run of ours that failed or reached the limit: no minimum, its time as a bound.
      [ "$status_a" = 0 ] || { min_a=-; [ "$status_a" = 124 ] && a="> $ours_limit" || a="exit $status_a"; }
      [ "$status_b" = 0 ] || { min_b=-; [ "$status_b" = 124 ] && b="> $ours_limit" || b="exit $status_b"; }
      if [ "$status" = 124 ]; then
        c="> $limit"
        ra=$(ratio "$c" "$a")
        rb=$(ratio "$c" "$b")
        min_c="-"
        note="timed out"
      elif [ "$status" != 0 ]; then
        c="exit $status"
        ra="-"
        rb="-"
        min_c="-"
        note="$(tail -n 2 "$dir/c.out" | tr '\n' ' ')"
      else
        c=$(cpu "$dir/c.time")
        ra=$(ratio "$c" "$a")
        rb=$(ratio "$c" "$b")
        # Their table "Agent ID / Probability of selection / Included in # of committees":
        # the smallest percentage in it, as a fraction.
        min_c=$(awk '/Probability of selection/ {t = 1; next}
          t && /^-/ {next}
          t && $2 ~ /%$/ {v = substr($2, 1, length($2) - 1) / 100; if (m == "" || v < m) m = v; next}
          t {t = 0}
          END {if (m == "") print "-"; else printf "%.6f", m}' "$dir/c.out")
        checks=""
        grep -q "Using maximin algorithm." "$dir/c.out" || checks+=" NOT-MAXIMIN"
        grep -qE "^(Optimal|Clp|Cbc|0  Obj)" "$dir/c.out" || checks+=" NO-CBC/CLP-LOG"
        # Their one drawn panel: k people, no address twice (the household rule).
        rows=$(($(wc -l < "$dir/sel.csv") - 1))
        [ "$rows" = "$k" ] || checks+=" PANEL-$rows"
        dup=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "address") c = i; next}
          {print $c}' "$dir/sel.csv" | sort | uniq -d | wc -l)
        [ "$dup" = 0 ] || checks+=" SHARED-ADDRESS"
        note="$(wall "$dir/c.time")${checks:- ok}"
      fi
      [ "$min_a" = - ] || min_a=$(printf '%.6f' "$min_a")
      [ "$min_b" = - ] || min_b=$(printf '%.6f' "$min_b")
      printf '%-5s %-3s %-4s %-3s | %10s %10s %12s | %9s %9s | %-12s %-12s %-10s | %s\n' \
        "$n" "$k" "$seed" "$r" "$a" "$b" "$c" "$ra" "$rb" "$min_a" "$min_b" "$min_c" "$note"
    done
  done
done
echo
echo "uptime at end: $(uptime)"
