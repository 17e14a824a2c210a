"""The Montpellier replay (`kleroterion demo`) verifies from Python, and the report checks each
randomness source on its own: the drand quicknet round (its BLS signature) and the EuroMillions
draw (its numbers, bound to the seed).

The demo's bundles are found, in this order, in $KLEROTERION_DEMO_DIR, in target/wasm-demo
(written by bindings/wasm/build.sh with the release binary, used while it is not older than that
binary), or made here with the release binary (`kleroterion demo --out <dir>`, about half a
minute).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

import kleroterion as kl

from conftest import REPO

QUICKNET = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
STEPS = ["format", "manifest", "pool", "portfolio", "randomness", "seed", "draw", "quotas", "transcript"]


class Recorded(NamedTuple):
    """What the demo records for one stage (crates/kleroterion-cli/src/demo/randomness.rs)."""

    folder: str
    drand_round: int
    drand_signature: str
    drand_time: str
    """quicknet produces round r at 1692803367 + 3 (r - 1), written in UTC by hand."""
    lottery_date: str
    numbers: tuple[int, ...]
    """The five numbers then the two stars, as published."""
    portfolio: str
    """The portfolio step: skipped by stage 1's stratified draw, passed by stage 2's LEXIMIN lottery."""


STAGE1 = Recorded(
    "stage1-invitations",
    3,
    "b3fab6df720b68cc47175f2c777e86d84187caab5770906f515ff1099cb01e4deaa027075d860823e49477b93c72bd64",
    "2023-08-23T15:09:33Z",
    "2023-09-01",
    (4, 5, 35, 37, 43, 5, 6),
    "skipped",
)
STAGE2 = Recorded(
    "stage2-panel",
    657413,
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b",
    "2023-09-15T11:00:03Z",
    "2023-09-29",
    (7, 12, 17, 28, 36, 4, 11),
    "passed",
)


def _bundles_in(folder: Path) -> bool:
    return all((folder / s.folder / "bundle.json").is_file() for s in (STAGE1, STAGE2))


def _release_cli() -> Path | None:
    """The release `kleroterion`, built when missing (returns None without cargo)."""
    exe = "kleroterion.exe" if os.name == "nt" else "kleroterion"
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = target / "release" / exe
    if not binary.exists():
        cargo = shutil.which("cargo")
        if cargo is None:
            return None
        subprocess.run(
            [cargo, "build", "--release", "-q", "-p", "kleroterion-cli"],
            cwd=REPO, capture_output=True, text=True, timeout=3600, check=False,
        )
    return binary if binary.exists() else None


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("KLEROTERION_DEMO_DIR")
    if env:
        if not _bundles_in(Path(env)):
            pytest.fail(f"$KLEROTERION_DEMO_DIR={env} holds no demo bundles")
        return Path(env)
    if not (REPO / "crates" / "kleroterion-cli" / "Cargo.toml").exists():
        pytest.skip("the command-line crate crates/kleroterion-cli does not exist in this checkout")
    cli = _release_cli()
    kept = REPO / "target" / "wasm-demo"
    if _bundles_in(kept) and (
        cli is None
        or all((kept / s.folder / "bundle.json").stat().st_mtime >= cli.stat().st_mtime for s in (STAGE1, STAGE2))
    ):
        return kept
    if cli is None:
        pytest.fail("the release `kleroterion` binary could not be built, and no demo output was found")
    out = tmp_path_factory.mktemp("demo") / "montpellier"
    done = subprocess.run(
        [str(cli), "demo", "--quiet", "--out", str(out)], capture_output=True, text=True, timeout=1800
    )
    assert done.returncode == 0, f"kleroterion demo exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert _bundles_in(out), done.stdout
    return out


def _step(report: kl.Report, step_id: str) -> kl.Step:
    return next(s for s in report.steps if s.id == step_id)


def _source_lines(step: kl.Step) -> list[str]:
    """The randomness step's line for each source, in recipe order."""
    return [d for d in step.detail if d.startswith("source ")]


def _canonical(numbers: tuple[int, ...]) -> str:
    """RFC 3797's canonical form of integers, written by hand: sorted, each followed by a period."""
    return "".join(f"{n}." for n in sorted(numbers))


@pytest.mark.parametrize("stage", [STAGE1, STAGE2], ids=lambda s: s.folder)
def test_each_source_is_checked_on_its_own_line(demo_dir: Path, stage: Recorded) -> None:
    bundle = kl.Bundle.load(demo_dir / stage.folder / "bundle.json")
    report = kl.verify(bundle)
    assert report.valid and bool(report), str(report)
    assert report.error is None and report.failed_step is None
    assert [s.id for s in report.steps] == STEPS
    assert _step(report, "portfolio").status == stage.portfolio, str(report)
    assert all(s.status == "passed" for s in report.steps if s.id != "portfolio"), str(report)

    # What was committed before the randomness existed, and what was revealed afterwards.
    recipe = json.loads(bundle.native.manifest_json())["randomness"]
    assert recipe["sources"] == [
        {"kind": "drand", "chain": QUICKNET, "round": stage.drand_round},
        {"kind": "lottery", "name": "EuroMillions", "date": stage.lottery_date},
    ]
    reveal = json.loads(bundle.native.reveal_json())
    assert reveal["sources"] == [
        {"kind": "drand", "chain": QUICKNET, "round": stage.drand_round, "signature": stage.drand_signature},
        {"kind": "lottery", "name": "EuroMillions", "numbers": list(stage.numbers)},
    ]

    randomness = _step(report, "randomness")
    assert randomness.title == "The randomness was revealed as committed"
    assert randomness.status == "passed"
    drand_line, lottery_line = _source_lines(randomness)

    # The drand round: its number, its production time, its BLS signature checked offline
    # against the quicknet key, and its randomness (SHA-256 of the signature).
    drand_randomness = hashlib.sha256(bytes.fromhex(stage.drand_signature)).hexdigest()
    assert drand_line == (
        f"source 1: drand round {stage.drand_round}, produced at {stage.drand_time}: "
        f"signature verified, randomness {drand_randomness}"
    )
    # The lottery draw: its name, its date and its numbers (in the canonical form hashed into
    # the seed).
    assert lottery_line == f"source 2: lottery EuroMillions of {stage.lottery_date}: {_canonical(stage.numbers)}"

    # The table form carries the same lines, on the randomness row.
    row = report.to_frame().loc["randomness"]
    assert row["status"] == "passed"
    assert str(row["detail"]).split("; ")[:2] == [drand_line, lottery_line]


def _tampered(demo_dir: Path, change: dict[str, object], source: int) -> kl.Report:
    """Stage 2's bundle with one revealed source changed, verified."""
    bundle = json.loads((demo_dir / STAGE2.folder / "bundle.json").read_text(encoding="utf-8"))
    bundle["reveal"]["sources"][source].update(change)
    return kl.verify(json.dumps(bundle))


def test_another_rounds_genuine_signature_fails_the_drand_source(demo_dir: Path) -> None:
    # Stage 1's quicknet signature is genuine, but for round 3, not round 657413.
    report = _tampered(demo_dir, {"signature": STAGE1.drand_signature}, 0)
    assert not report.valid
    failed = report.failed_step
    assert failed is not None and failed.id == "randomness"
    assert report.error_kind == "DrandSignature"
    assert f"round {STAGE2.drand_round}" in (report.error or "") and "quicknet" in (report.error or "")
    assert [s.status for s in report.steps if s.id in ("seed", "draw", "quotas", "transcript")] == ["not_checked"] * 4


def test_another_drand_round_than_committed_fails_the_drand_source(demo_dir: Path) -> None:
    report = _tampered(demo_dir, {"round": STAGE2.drand_round + 1}, 0)
    assert not report.valid
    assert report.error_kind == "RevealMismatch"
    assert _step(report, "randomness").status == "failed"
    assert (
        f"source 1: the reveal gives drand round {STAGE2.drand_round + 1}, "
        f"but the recipe committed to round {STAGE2.drand_round}"
    ) in (report.error or "")


def test_other_lottery_numbers_change_the_seed(demo_dir: Path) -> None:
    numbers = [8, *STAGE2.numbers[1:]]
    report = _tampered(demo_dir, {"numbers": numbers}, 1)
    assert not report.valid
    # The lottery source itself reads as revealed (nothing can check a lottery's numbers
    # offline) and shows the numbers given; the seed no longer follows from them.
    randomness = _step(report, "randomness")
    assert randomness.status == "passed"
    drand_line, lottery_line = _source_lines(randomness)
    assert drand_line.startswith(f"source 1: drand round {STAGE2.drand_round},") and "signature verified" in drand_line
    assert lottery_line == f"source 2: lottery EuroMillions of {STAGE2.lottery_date}: {_canonical(tuple(numbers))}"
    seed = _step(report, "seed")
    assert seed.status == "failed" and report.error_kind == "SeedMismatch"
    assert seed.computed != seed.published
