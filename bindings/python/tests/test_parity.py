"""Parity of the rules with one home in the core, for the inputs of tests/parity/cases.json:
drand round planning, the RFC 3797 key and picks, and the verification summary and quota table,
computed by the Python package and by the command line's ``--json``, must be equal. The Rust
and wasm tests compare theirs with the command line's the same way. The RFC 3797 worked example
is also checked against the key RFC 3797 section 6 gives, typed from the RFC."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import kleroterion as kl
from kleroterion.randomness import first_drand_round

from conftest import REPO

RFC3797_SECTION_6_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"

CASES: dict[str, Any] = json.loads((REPO / "tests" / "parity" / "cases.json").read_text(encoding="utf-8"))


def cli_json(cli: Path, *args: str) -> Any:
    # verify exits with 1 for a bundle that does not verify; its JSON is printed all the same.
    out = subprocess.run([str(cli), "--quiet", "--json", *args], capture_output=True, text=True)
    assert out.stdout, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("case", CASES["drand_rounds"], ids=lambda c: f"{c['chain']}@{c['after']}")
def test_drand_round_planning(cli: Path, case: dict[str, str]) -> None:
    python = first_drand_round(case["chain"], case["after"])._asdict()
    assert python == cli_json(cli, "drand-round", "--chain", case["chain"], "--after", case["after"])


def test_rfc3797_key_and_picks(cli: Path, tmp_path: Path) -> None:
    example_seen = False
    for case in CASES["rfc3797"]:
        names = [f"person-{i + 1}" for i in range(case["entries"])]
        python = kl.rfc3797(names, case["sources"], case["count"])
        names_file = tmp_path / "names.txt"
        names_file.write_text("\n".join(names), encoding="utf-8")
        out = cli_json(
            cli, "rfc3797", "--names", str(names_file), "--sources", *case["sources"], "--count", str(case["count"])
        )
        assert python.key == out["key"], case
        assert [(p.md5.lower(), p.remaining, p.position, p.name) for p in python.picks] == [
            (p["md5"].lower(), p["remaining"], p["position"], p["name"]) for p in out["picks"]
        ], case
        if case.get("rfc_example"):
            assert python.key == RFC3797_SECTION_6_KEY
            example_seen = True
    assert example_seen, "cases.json holds RFC 3797's worked example"


def test_rfc3797_too_many_picks_is_a_typed_error() -> None:
    with pytest.raises(kl.InvalidInput, match="65,536 or fewer") as e:
        kl.rfc3797([f"p{i}" for i in range(65_537)], ["9319"])
    assert getattr(e.value, "kind") == "TooManyPicks"


@pytest.mark.parametrize("path", CASES["bundles"])
def test_verification_summary_and_quota_table(cli: Path, path: str) -> None:
    bundle = kl.Bundle.load(REPO / path)
    report = cli_json(cli, "verify", str(REPO / path))
    assert bundle.summary() == report["summary"]
    assert bundle.quota_table() == report["quota_table"]
