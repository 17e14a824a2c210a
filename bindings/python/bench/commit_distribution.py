"""commit(method="lottery") recomputing LEXIMIN against commit(distribution=dist) rounding the
distribution already computed, on the Sortition Foundation fixture, alternating, in one run.

Usage: .venv/bin/python bindings/python/bench/commit_distribution.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import kleroterion as kl

REPO = Path(__file__).resolve().parents[3]
SF = REPO / "tests" / "data" / "sortition-algorithms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pool = kl.Pool.from_csv(SF / "candidates.csv", id="nationbuilder_id", household=["primary_address1", "primary_zip"])
    quotas = kl.Quotas.from_csv(SF / "features.csv")
    dist = kl.fair.leximin(pool, quotas, 22, progress=False)
    common = {"ticket_key": "6b" * 16, "allow_small_cells": 1, "progress": False}
    again: list[float] = []
    given: list[float] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        kl.commit(pool, quotas, 22, **common)  # type: ignore[arg-type]
        again.append(time.perf_counter() - start)
        start = time.perf_counter()
        kl.commit(pool, quotas, 22, distribution=dist, **common)  # type: ignore[arg-type]
        given.append(time.perf_counter() - start)
    for name, runs in (("recomputing LEXIMIN", again), ("distribution=dist", given)):
        print(f"{name:20} " + " ".join(f"{x:.3f}" for x in runs) + f"  median {statistics.median(runs):.3f} s")
    print(f"ratio of medians {statistics.median(again) / statistics.median(given):.2f}")


if __name__ == "__main__":
    main()
