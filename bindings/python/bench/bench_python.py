"""Benchmarks of the Python package (results in BENCHMARKS.md section 4).

1. Building a Pool from a 100,000-row DataFrame (goal: under 1 s).
2. LEXIMIN through Python against the same call from Rust (the fair crate's example binary
   `cargo run --release -p kleroterion-fair --example leximin -- <dir> <k>`), on the shared
   instances. Goal: Python within 10% of Rust.

Usage: python bindings/python/bench/bench_python.py [--repeat N] [--skip-rust] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

import pandas as pd

import kleroterion as kl
from kleroterion import _native

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"

FEATURES = {
    "gender": ["female", "male", "other"],
    "age": ["16-29", "30-44", "45-59", "60-74", "75+"],
    "region": ["north", "south", "east", "west", "centre", "islands"],
    "education": ["none", "secondary", "vocational", "degree"],
    "urban": ["city", "town", "rural"],
    "housing": ["owner", "renter", "social"],
}


def synthetic_frame(n: int, seed: int = 1) -> pd.DataFrame:
    rng = random.Random(seed)
    data: dict[str, list[str]] = {"id": [f"V{i:06d}" for i in range(n)]}
    for name, values in FEATURES.items():
        data[name] = [rng.choice(values) for _ in range(n)]
    data["address"] = [f"{rng.randrange(n // 2)} Main Street" for _ in range(n)]
    data["postcode"] = [f"PC{rng.randrange(50)}" for _ in range(n)]
    data["email"] = [f"person{i}@example.org" for i in range(n)]
    return pd.DataFrame(data)


def best_of(repeat: int, f: Callable[[], Any]) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def bench_pool(repeat: int) -> dict[str, Any]:
    df = synthetic_frame(100_000)
    best, median = best_of(
        repeat,
        lambda: kl.Pool.from_dataframe(df, id="id", features=list(FEATURES), household=["address", "postcode"]),
    )
    pool = kl.Pool.from_dataframe(df, id="id", features=list(FEATURES), household=["address", "postcode"])
    hh = pool.households
    return {
        "rows": len(df),
        "features": len(FEATURES),
        "households": int(hh.nunique()) if hh is not None else 0,
        "best_s": best,
        "median_s": median,
    }


INSTANCES = [
    # (name, k, pool builder, rust argument)
    ("example_small_20", 20, "replication/example_small_20"),
    ("sortition-foundation", 22, "sortition-foundation"),
    ("example_large_200", 200, "replication/example_large_200"),
]


def load(name: str) -> tuple[kl.Pool, kl.Quotas]:
    if name == "sortition-foundation":
        d = DATA / "sortition-algorithms"
        pool = kl.Pool.from_csv(d / "candidates.csv", id="nationbuilder_id", household=["primary_address1", "primary_zip"])
        return pool, kl.Quotas.from_csv(d / "features.csv")
    d = DATA / "replication" / name
    return kl.Pool.from_csv(d / "respondents.csv"), kl.Quotas.from_csv(d / "categories.csv")


def rust_leximin(arg: str, k: int) -> dict[str, Any]:
    target = arg if arg == "sortition-foundation" else str(DATA / arg)
    done = subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "kleroterion-fair", "--example", "leximin", "--", target, str(k)],
        cwd=REPO, capture_output=True, text=True, timeout=3600, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_leximin(repeat: int, skip_rust: bool) -> list[dict[str, Any]]:
    rows = []
    for name, k, arg in INSTANCES:
        pool, quotas = load(name)
        total_best, total_median = best_of(repeat, lambda: kl.fair.leximin(pool, quotas, k, progress=False))
        # The solver call alone (the same call the Rust example times).
        people = pool.people(quotas)
        instance = people.instance(quotas.native, k, people.has_households)
        solver_best, solver_median = best_of(repeat, lambda: _native.leximin(instance))
        d = kl.fair.leximin(pool, quotas, k, progress=False)
        row: dict[str, Any] = {
            "instance": name, "n": len(pool), "k": k, "min_probability": d.min_probability,
            "python_total_best_s": total_best, "python_total_median_s": total_median,
            "python_solver_best_s": solver_best, "python_solver_median_s": solver_median,
        }
        if not skip_rust:
            runs = [rust_leximin(arg, k) for _ in range(repeat)]
            rust = [float(r["seconds"]) for r in runs]
            row["rust_best_s"] = min(rust)
            row["rust_median_s"] = statistics.median(rust)
            row["rust_min_probability"] = runs[0]["min_probability"]
            row["ratio_total_to_rust"] = total_median / statistics.median(rust)
            row["ratio_solver_to_rust"] = solver_median / statistics.median(rust)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-rust", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    pool = bench_pool(args.repeat)
    print(json.dumps({"pool_from_dataframe": pool}), flush=True)
    leximin = bench_leximin(args.repeat, args.skip_rust)
    if args.json:
        args.json.write_text(json.dumps({"pool_from_dataframe": pool, "leximin": leximin}, indent=2))


if __name__ == "__main__":
    main()
