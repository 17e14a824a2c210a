"""Which of sortition-algorithms' LEXIMIN models the size-limited Gurobi licence accepts.

Runs in the PEER's environment (sortition-algorithms and gurobipy, never the project's):

    .venv/bin/python bindings/python/bench/side_by_side.py --peer-algorithm leximin \
        --only example_large_200 --prepare-only --work /tmp/side-work
    /tmp/peer-venv/bin/python bindings/python/bench/peer_gurobi_probe.py /tmp/side-work/example_large_200

It loads the instance as their `sortition csv` does and calls their `find_distribution_leximin`
with the seeding (3 n rounds of multiplicative weights, each a HiGHS MIP, all before the first
Gurobi model) cut to `--rounds` rounds, so that the first Gurobi model, their dual LP with one
variable per person plus one, is reached sooner (on example_large_200 about 4 minutes instead
of about 12: the rest of the seeding is one MIP per person not yet on a panel). Prints the outcome as one JSON line:
the Gurobi error number and message if the licence refuses the model.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import gurobipy as grb
from sortition_algorithms import adapters
from sortition_algorithms.committee_generation import leximin
from sortition_algorithms.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("work", type=Path, help="a directory written by side_by_side.py --prepare-only")
    ap.add_argument("--rounds", type=int, default=1, help="multiplicative-weights rounds (theirs: 3 n)")
    args = ap.parse_args()
    work: Path = args.work
    instance = json.loads((work / "instance.json").read_text(encoding="utf-8"))
    people_csv = Path(instance["people"])
    k = int(instance["k"])
    source = adapters.CSVFileDataSource(
        features_file=work / "features.csv", people_file=people_csv, already_selected_file=None,
        selected_file=work / "sel.csv", remaining_file=work / "rem.csv",
    )
    data = adapters.SelectionData(source)
    settings, _ = Settings.load_from_file(work / "settings.toml")
    features, _ = data.load_features(k)
    assert features is not None
    people, _ = data.load_people(settings, features)
    assert people is not None

    seed = leximin.generate_initial_committees

    def short_seed(solver: Any, agent_vars: Any, rounds: int, **kw: Any) -> Any:
        return seed(solver, agent_vars, min(rounds, args.rounds), **kw)

    setattr(leximin, "generate_initial_committees", short_seed)  # their module, patched for this probe only
    t = time.perf_counter()
    out: dict[str, Any] = {"people": people.count, "k": k, "seeding_rounds": args.rounds,
                           "gurobi": ".".join(map(str, grb.gurobi.version()))}
    try:
        committees, probs, _ = leximin.find_distribution_leximin(
            features, people, k, settings.normalised_address_columns, settings.solver_backend
        )
        out["outcome"] = "finished"
        out["panels"] = len(committees)
    except grb.GurobiError as e:
        out["outcome"] = "GurobiError"
        out["errno"] = e.errno
        out["message"] = str(e)
    out["seconds"] = time.perf_counter() - t
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
