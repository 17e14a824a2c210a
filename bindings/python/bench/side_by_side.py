"""kleroterion against the Sortition Foundation's `sortition-algorithms` (PyPI) on the shared
instances: their maximin with HiGHS (the open-source path; their LEXIMIN needs Gurobi) and
kleroterion's maximin and LEXIMIN (pure-Rust solvers), wall-clock, with a timeout.

sortition-algorithms is installed in a SEPARATE virtual environment, never in the project's:

    python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install 'sortition-algorithms[cli]'
    .venv/bin/python bindings/python/bench/side_by_side.py --peer /tmp/peer-venv/bin/sortition

Their console script is run as `sortition csv -S settings.toml -f features.csv -p people.csv
-s sel.csv -r rem.csv -n K`; its wall time includes starting Python (measured separately with
`sortition --help` and reported). Results: ../BENCHMARKS-python.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

import kleroterion as kl

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"

SETTINGS = """id_column = "{id}"
columns_to_keep = []
check_same_address = {check}
check_same_address_columns = {columns}
max_attempts = 100
selection_algorithm = "maximin"
solver_backend = "highspy"
random_number_seed = 0
"""


def prepare(name: str, k: int, work: Path) -> tuple[Path, Path, Path, kl.Pool, kl.Quotas]:
    """The instance in the peer's formats (an id column; `feature,value,min,max`)."""
    work.mkdir(parents=True, exist_ok=True)
    if name == "sortition-foundation":
        d = DATA / "sortition-algorithms"
        hh = ["primary_address1", "primary_zip"]
        pool = kl.Pool.from_csv(d / "candidates.csv", id="nationbuilder_id", household=hh)
        quotas = kl.Quotas.from_csv(d / "features.csv")
        people = d / "candidates.csv"
        settings = SETTINGS.format(id="nationbuilder_id", check="true", columns=json.dumps(hh))
    else:
        d = DATA / "replication" / name
        pool = kl.Pool.from_csv(d / "respondents.csv")
        quotas = kl.Quotas.from_csv(d / "categories.csv")
        people = work / "people.csv"
        with open(d / "respondents.csv", newline="", encoding="utf-8") as src:
            rows = list(csv.reader(src))
        with open(people, "w", newline="", encoding="utf-8") as dst:
            w = csv.writer(dst)
            w.writerow(["id", *rows[0]])
            for i, r in enumerate(rows[1:], start=1):
                if r:
                    w.writerow([str(i), *r])
        settings = SETTINGS.format(id="id", check="false", columns="[]")
    features = work / "features.csv"
    quotas.to_dataframe().to_csv(features, index=False)
    (work / "settings.toml").write_text(settings, encoding="utf-8")
    return work / "settings.toml", features, people, pool, quotas


def run_peer(peer: str, settings: Path, features: Path, people: Path, k: int, timeout: float) -> dict[str, Any]:
    work = settings.parent
    cmd = [peer, "csv", "-S", str(settings), "-f", str(features), "-p", str(people),
           "-s", str(work / "sel.csv"), "-r", str(work / "rem.csv"), "-n", str(k), "--no-progress"]
    t = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": f"did not finish in {timeout:.0f} s", "seconds": None, "min_probability": None}
    seconds = time.perf_counter() - t
    out = done.stdout + done.stderr
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    # Their report lists everyone's probability, lowest first, as percentages.
    m = re.search(r"Probability of selection.*?(\d+\.\d+)%", out, re.S)
    return {
        "status": status,
        "seconds": seconds,
        "min_probability": float(m.group(1)) / 100 if m else None,
        "tail": out.strip().splitlines()[-3:] if status != "ok" else [],
    }


def python_startup(peer: str) -> float:
    t = time.perf_counter()
    subprocess.run([peer, "--help"], capture_output=True, check=False)
    return time.perf_counter() - t


def timed(f: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    r = f()
    return time.perf_counter() - t, r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", default="/tmp/peer-venv/bin/sortition")
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    instances = [("example_small_20", 20), ("sortition-foundation", 22), ("example_large_200", 200)]
    if args.only:
        instances = [i for i in instances if i[0] in args.only]
    startup = python_startup(args.peer)
    print(json.dumps({"peer_startup_s": startup}), flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, k in instances:
            settings, features, people, pool, quotas = prepare(name, k, Path(tmp) / name)
            kmax_s, kmax = timed(lambda: kl.fair.maximin(pool, quotas, k, progress=False))
            klex_s, klex = timed(lambda: kl.fair.leximin(pool, quotas, k, progress=False))
            peer = run_peer(args.peer, settings, features, people, k, args.timeout)
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
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"peer_startup_s": startup, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
