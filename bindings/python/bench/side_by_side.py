"""kleroterion against the Sortition Foundation's `sortition-algorithms` (PyPI) on the shared
instances, wall-clock, with a timeout. Two modes:

- `--peer-algorithm maximin` (default): their maximin with HiGHS (the open-source path)
  against kleroterion's maximin and LEXIMIN (pure-Rust solvers);
- `--peer-algorithm leximin`: their LEXIMIN against kleroterion's LEXIMIN. Theirs solves the
  dual LP of every level with Gurobi (`gurobipy`, whatever `solver_backend` says; the
  pricing MIP uses `solver_backend`, here HiGHS). The `gurobipy` wheel from PyPI carries a
  size-limited licence (2,000 variables and 2,000 linear constraints per model): their dual
  LP has one variable per person plus one and one constraint per panel found plus one.
  Without `gurobipy` they fall back to maximin and only say so in their report, which the
  script checks.

sortition-algorithms (and gurobipy) are installed in a SEPARATE virtual environment, never in
the project's:

    python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install 'sortition-algorithms[cli]' gurobipy
    .venv/bin/python bindings/python/bench/side_by_side.py --peer /tmp/peer-venv/bin/sortition
    .venv/bin/python bindings/python/bench/side_by_side.py --peer-algorithm leximin --repeat 3

Their console script is run as `sortition csv -S settings.toml -f features.csv -p people.csv
-s sel.csv -r rem.csv -n K`; its wall time includes starting Python (measured separately with
`sortition --help` and reported) and, for LEXIMIN, importing gurobipy and checking its licence
(measured separately too). Their report lists every person's selection probability (as a
percentage with 4 decimals, so to about 5e-7); the script compares it with kleroterion's,
sorted and person by person. Results: BENCHMARKS.md, sections 3 and 4.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

import kleroterion as kl

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"

SETTINGS = """id_column = "{id}"
columns_to_keep = []
check_same_address = {check}
check_same_address_columns = {columns}
max_attempts = 100
selection_algorithm = "{algorithm}"
solver_backend = "highspy"
random_number_seed = 0
"""

# One row of their "Probability of selection" table: id, percentage, number of committees.
PROBABILITY_ROW = re.compile(r"^\s*(\S+)\s+(\d+(?:\.\d+)?)%\s+(\d+)\s*$")
# Their percentages have 4 decimals: a probability to 5e-7; with a margin for our solver's tolerance.
RESOLUTION = 1e-6


def prepare(name: str, k: int, work: Path, algorithm: str) -> tuple[Path, Path, Path, kl.Pool, kl.Quotas]:
    """The instance in the peer's formats (an id column; `feature,value,min,max`)."""
    work.mkdir(parents=True, exist_ok=True)
    if name == "sortition-foundation":
        d = DATA / "sortition-algorithms"
        hh = ["primary_address1", "primary_zip"]
        pool = kl.Pool.from_csv(d / "candidates.csv", id="nationbuilder_id", household=hh)
        quotas = kl.Quotas.from_csv(d / "features.csv")
        people = d / "candidates.csv"
        settings = SETTINGS.format(id="nationbuilder_id", check="true", columns=json.dumps(hh), algorithm=algorithm)
    else:
        d = DATA / "replication" / name
        pool = kl.Pool.from_csv(d / "respondents.csv")
        quotas = kl.Quotas.from_csv(d / "categories.csv")
        people = work / "people.csv"
        with open(d / "respondents.csv", newline="", encoding="utf-8") as src:
            rows = list(csv.reader(src))
        # Ids 1..n in file order, the ids kleroterion gives a pool without an id column.
        with open(people, "w", newline="", encoding="utf-8") as dst:
            w = csv.writer(dst)
            w.writerow(["id", *rows[0]])
            for i, r in enumerate(rows[1:], start=1):
                if r:
                    w.writerow([str(i), *r])
        settings = SETTINGS.format(id="id", check="false", columns="[]", algorithm=algorithm)
    features = work / "features.csv"
    quotas.to_dataframe().to_csv(features, index=False)
    (work / "settings.toml").write_text(settings, encoding="utf-8")
    (work / "instance.json").write_text(json.dumps({"people": str(people), "k": k}), encoding="utf-8")
    return work / "settings.toml", features, people, pool, quotas


def parse_probabilities(out: str) -> dict[str, float]:
    """Their table of everyone's probability of selection (lowest first), as fractions."""
    probs: dict[str, float] = {}
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if "Probability of selection" in line and "Agent ID" in line:
            for row in lines[i + 2:]:
                m = PROBABILITY_ROW.match(row)
                if not m:
                    break
                probs[m.group(1)] = float(m.group(2)) / 100
            break
    return probs


def text(out: Any) -> str:
    if out is None:
        return ""
    return out.decode("utf-8", "replace") if isinstance(out, bytes) else str(out)


def run_peer(
    peer: str, settings: Path, features: Path, people: Path, k: int, timeout: float, algorithm: str,
    verbose: bool = False,
) -> dict[str, Any]:
    work = settings.parent
    cmd = [peer, "csv", "-S", str(settings), "-f", str(features), "-p", str(people),
           "-s", str(work / "sel.csv"), "-r", str(work / "rem.csv"), "-n", str(k), "--no-progress"]
    if verbose:
        cmd.append("-v")  # their debug log: one line per seeding round and per LEXIMIN step
    t = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        partial = (text(e.stdout) + text(e.stderr)).strip().splitlines()
        return {"status": f"did not finish in {timeout:.0f} s", "seconds": None, "min_probability": None,
                "probabilities": {}, "tail": partial[-3:]}
    seconds = time.perf_counter() - t
    out = done.stdout + done.stderr
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    probs = parse_probabilities(out)
    # Their report lists everyone's probability, lowest first, as percentages.
    m = re.search(r"Probability of selection.*?(\d+\.\d+)%", out, re.S)
    result: dict[str, Any] = {
        "status": status,
        "seconds": seconds,
        "min_probability": float(m.group(1)) / 100 if m else None,
        "probabilities": probs,
        "tail": out.strip().splitlines()[-3:] if status != "ok" else [],
    }
    if algorithm == "leximin":
        # Without gurobipy they switch to maximin and say so; with it they report LEXIMIN.
        result["ran_leximin"] = "Using leximin algorithm." in out
        result["gurobi_messages"] = sorted({
            line.strip() for line in out.splitlines()
            if re.search(r"gurobi|restricted license|size-limited|model too large", line, re.I)
        })
    if status == "ok" and "Probability of selection" not in out:
        result["status"] = "ok, but no probability table in the report"
    return result


def compare(ours: dict[str, float], theirs: dict[str, float]) -> dict[str, Any]:
    """Largest difference between the sorted profiles and person by person (same ids)."""
    if not theirs:
        return {"compared": 0}
    a = sorted(ours.values())
    b = sorted(theirs.values())
    out: dict[str, Any] = {"compared": len(b), "people_ours": len(a)}
    if len(a) == len(b):
        out["max_sorted_difference"] = max(abs(x - y) for x, y in zip(a, b))
        # The first rank where the sorted profiles differ by more than their printing resolution
        # (4 decimals of a percentage), and by more than 1e-4: the higher one there is the
        # leximin-better profile (both solvers work to tolerances, so small gaps can go either way).
        for key, tol in (("first_difference", RESOLUTION), ("first_difference_1e-4", 1e-4)):
            out[key] = None
            for rank, (x, y) in enumerate(zip(a, b)):
                if abs(x - y) > tol:
                    out[key] = {"rank": rank, "ours": x, "theirs": y, "leximin_better": "ours" if x > y else "theirs"}
                    break
    shared = ours.keys() & theirs.keys()
    if shared:
        out["max_person_difference"] = max(abs(ours[i] - theirs[i]) for i in shared)
        out["people_matched_by_id"] = len(shared)
        out["people_differing"] = sum(1 for i in shared if abs(ours[i] - theirs[i]) > RESOLUTION)
    return out


def python_startup(peer: str) -> float:
    t = time.perf_counter()
    subprocess.run([peer, "--help"], capture_output=True, check=False)
    return time.perf_counter() - t


def gurobi_startup(peer: str) -> float:
    """Importing gurobipy and building an empty model (the licence check) in the peer's Python."""
    python = str(Path(peer).parent / "python")
    t = time.perf_counter()
    subprocess.run([python, "-c", "import gurobipy; gurobipy.Model()"], capture_output=True, check=False)
    return time.perf_counter() - t


def timed(f: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    r = f()
    return time.perf_counter() - t, r


def spread(xs: list[float]) -> dict[str, Any]:
    return {"runs": xs, "min": min(xs), "median": statistics.median(xs), "max": max(xs)}


def run_maximin_mode(args: argparse.Namespace, name: str, k: int, work: Path, startup: float) -> dict[str, Any]:
    settings, features, people, pool, quotas = prepare(name, k, work, "maximin")
    kmax_s, kmax = timed(lambda: kl.fair.maximin(pool, quotas, k, progress=False))
    klex_s, klex = timed(lambda: kl.fair.leximin(pool, quotas, k, progress=False))
    peer = run_peer(args.peer, settings, features, people, k, args.timeout, "maximin", args.peer_verbose)
    peer.pop("probabilities")
    row: dict[str, Any] = {
        "instance": name, "n": len(pool), "k": k,
        "kleroterion_maximin_s": kmax_s, "kleroterion_maximin_min": kmax.min_probability,
        "kleroterion_leximin_s": klex_s, "kleroterion_leximin_min": klex.min_probability,
        "peer_maximin_highs": peer,
    }
    secs: Optional[float] = peer["seconds"]
    if secs is not None:
        row["ratio_peer_maximin_to_kleroterion_maximin"] = secs / kmax_s
        row["ratio_peer_maximin_to_kleroterion_leximin"] = secs / klex_s
        row["ratio_without_startup"] = (secs - startup) / kmax_s
    else:
        row["ratio_peer_maximin_to_kleroterion_maximin"] = f"> {args.timeout / kmax_s:.0f}"
    return row


def run_leximin_mode(args: argparse.Namespace, name: str, k: int, work: Path, startup: float) -> dict[str, Any]:
    """Their LEXIMIN (Gurobi) against ours, `--repeat` times each, alternating."""
    settings, features, people, pool, quotas = prepare(name, k, work, "leximin")
    ours_s: list[float] = []
    theirs_s: list[float] = []
    runs: list[dict[str, Any]] = []
    ours: Optional[kl.fair.Distribution] = None
    ours_spread = 0.0  # largest change of anyone's probability between our repeats
    for _ in range(args.repeat):
        secs, run = timed(lambda: kl.fair.leximin(pool, quotas, k, progress=False))
        ours_s.append(secs)
        if ours is not None:
            ours_spread = max(ours_spread, float((run.probabilities - ours.probabilities).abs().max()))
        ours = run
        if runs and runs[-1]["seconds"] is None:
            continue  # theirs failed or timed out: not repeated
        peer = run_peer(args.peer, settings, features, people, k, args.timeout, "leximin", args.peer_verbose)
        runs.append(peer)
        if peer["seconds"] is not None and peer["status"] == "ok" and peer.get("ran_leximin"):
            theirs_s.append(peer["seconds"])
        elif peer["seconds"] is not None:
            # A failure's time is not a LEXIMIN time; kept as the time to the failure.
            peer["failed_after_s"] = peer["seconds"]
            peer["seconds"] = None
    assert ours is not None
    our_probs = {str(i): float(p) for i, p in ours.probabilities.items()}
    row: dict[str, Any] = {
        "instance": name, "n": len(pool), "k": k,
        "kleroterion_leximin_s": spread(ours_s), "kleroterion_leximin_min": ours.min_probability,
        "kleroterion_repeats_max_difference": ours_spread,
    }
    peer_rows = []
    profiles: list[dict[str, float]] = []
    for peer in runs:
        probs = peer.pop("probabilities")
        profiles.append(probs)
        peer["profile"] = compare(our_probs, probs)
        peer_rows.append(peer)
    row["peer_leximin_gurobi"] = peer_rows
    if args.keep_profiles:
        # Not printed, only in --json: every person's probability, ours and each of their runs.
        row["profiles"] = {"ours": our_probs, "theirs": profiles}
    if theirs_s:
        row["peer_leximin_s"] = spread(theirs_s)
        row["peer_leximin_min"] = [p["min_probability"] for p in peer_rows if p["seconds"] is not None]
        med_theirs = statistics.median(theirs_s)
        med_ours = statistics.median(ours_s)
        row["ratio_medians"] = med_theirs / med_ours
        row["ratio_range"] = [min(theirs_s) / max(ours_s), max(theirs_s) / min(ours_s)]
        row["ratio_medians_without_startup"] = (med_theirs - startup) / med_ours
    else:
        row["ratio_medians"] = None
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", default="/tmp/peer-venv/bin/sortition")
    ap.add_argument("--peer-algorithm", choices=["maximin", "leximin"], default="maximin",
                    help="their maximin (HiGHS) or their LEXIMIN (needs gurobipy in the peer's environment)")
    ap.add_argument("--repeat", type=int, default=1, help="LEXIMIN mode: timings per instance and side")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--peer-verbose", action="store_true",
                    help="pass -v to their command (debug log, shows where a timed-out run stood; slows it)")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep-profiles", action="store_true",
                    help="LEXIMIN mode: write everyone's probability, ours and theirs, to --json")
    ap.add_argument("--work", type=Path, help="keep the instances in the peer's formats here (default: a temporary directory)")
    ap.add_argument("--prepare-only", action="store_true", help="write the instances to --work and stop")
    args = ap.parse_args()
    instances = [("example_small_20", 20), ("sortition-foundation", 22), ("example_large_200", 200)]
    if args.only:
        instances = [i for i in instances if i[0] in args.only]
    if args.prepare_only:
        if args.work is None:
            ap.error("--prepare-only needs --work")
        for name, k in instances:
            prepare(name, k, args.work / name, args.peer_algorithm)
            print(args.work / name)
        return
    startup = python_startup(args.peer)
    header: dict[str, Any] = {"peer_algorithm": args.peer_algorithm, "peer_startup_s": startup}
    if args.peer_algorithm == "leximin":
        header["peer_gurobipy_import_s"] = gurobi_startup(args.peer)
    print(json.dumps(header), flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = args.work if args.work is not None else Path(tmp)
        for name, k in instances:
            if args.peer_algorithm == "leximin":
                row = run_leximin_mode(args, name, k, root / name, startup)
            else:
                row = run_maximin_mode(args, name, k, root / name, startup)
            rows.append(row)
            print(json.dumps({key: v for key, v in row.items() if key != "profiles"}), flush=True)
    if args.json:
        args.json.write_text(json.dumps({**header, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
