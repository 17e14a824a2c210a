"""The Montpellier replay (`kleroterion demo`) verifies from Python, and the report treats each
randomness source as it must: the drand quicknet round is checked by computation (its BLS
signature), the EuroMillions draw is never checked, only compared with the published result
when it is given, and always left to compare by hand. The demo is a replay: that is said first.

The demo's bundles are found, in this order, in $KLEROTERION_DEMO_DIR, in target/wasm-demo
(written by bindings/wasm/build.sh with the release binary, used while it is not older than that
binary), or made here with the release binary (`kleroterion demo --out <dir>`, about half a
minute). The release binary is built by `scripts/ci/python` (`cargo build --release -p
kleroterion-cli`), not here.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

import kleroterion as kl

from conftest import BUILD_CLI, REPO, cli_binary, newer_cli_source

QUICKNET = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
STEPS = [
    "format", "manifest", "pool", "parent", "links", "portfolio", "randomness", "time_order", "seed", "draw",
    "openings", "quotas", "transcript", "replacements", "inherited",
]
NOT_APPLICABLE = {"openings", "replacements", "time_order", "parent", "links", "inherited"}
"""Stage 1's features are open (nothing to open; stage 2's are sealed); no replacement record is
given; a replay's time order proves nothing (the core may skip it); each stage verified alone
checks no chain (stage 2's links are checked against each other only)."""


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
    announced_at: str
    portfolio: str
    """The portfolio step: skipped by stage 1's stratified draw, passed by stage 2's LEXIMIN lottery."""
    openings: str
    """The openings step: skipped by stage 1's open features, passed by stage 2's sealed ones."""
    links: str
    """The links step, the stage verified alone: skipped by stage 1 (it names no previous stage),
    passed by stage 2 (each volunteer has a link of their own; who was invited is not checked)."""


STAGE1 = Recorded(
    "stage1-invitations",
    3,
    "b3fab6df720b68cc47175f2c777e86d84187caab5770906f515ff1099cb01e4deaa027075d860823e49477b93c72bd64",
    "2023-08-23T15:09:33Z",
    "2023-09-01",
    (4, 5, 35, 37, 43, 5, 6),
    "2023-08-22T12:00:00Z",
    "skipped",
    "skipped",
    "skipped",
)
STAGE2 = Recorded(
    "stage2-panel",
    657413,
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b",
    "2023-09-15T11:00:03Z",
    "2023-09-29",
    (7, 12, 17, 28, 36, 4, 11),
    "2023-09-14T12:00:00Z",
    "passed",
    "passed",
    "passed",
)


def _bundles_in(folder: Path) -> bool:
    return all((folder / s.folder / "bundle.json").is_file() for s in (STAGE1, STAGE2))


def _release_cli() -> Path | None:
    """The release `kleroterion`, or None when it is missing; fails when it is older than its sources."""
    binary = cli_binary("release")
    if not binary.is_file():
        return None
    newer = newer_cli_source(binary)
    if newer is not None:
        pytest.fail(f"{binary} is older than {newer}: run `{BUILD_CLI}` first")
    return binary


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
        pytest.fail(f"no demo output was found and no release `kleroterion` at {cli_binary('release')}: "
                    f"run `{BUILD_CLI}` first")
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


def _result(stage: Recorded, numbers: tuple[int, ...] | None = None) -> str:
    """The EuroMillions result as a reader types it: ``euromillions@DATE=MAIN+STARS``."""
    n = stage.numbers if numbers is None else numbers
    return f"euromillions@{stage.lottery_date}={','.join(map(str, n[:5]))}+{','.join(map(str, n[5:]))}"


def _shown(numbers: tuple[int, ...]) -> str:
    """How the core writes a EuroMillions result: numbers, then stars, in the published order."""
    return f"numbers {' '.join(map(str, numbers[:5]))} · stars {' '.join(map(str, numbers[5:]))}"


@pytest.mark.parametrize("stage", [STAGE1, STAGE2], ids=lambda s: s.folder)
def test_each_source_is_treated_on_its_own(demo_dir: Path, stage: Recorded) -> None:
    bundle = kl.Bundle.load(demo_dir / stage.folder / "bundle.json")
    published = demo_dir / stage.folder / "commitment.txt"
    report = kl.verify(bundle, commitment=published if published.exists() else bundle.commitment,
                       lotteries=[_result(stage)])
    assert report.valid and bool(report), str(report)
    assert report.error is None and report.failed_step is None
    assert [s.id for s in report.steps] == STEPS
    assert _step(report, "portfolio").status == stage.portfolio, str(report)
    assert _step(report, "openings").status == stage.openings, str(report)
    assert _step(report, "links").status == stage.links, str(report)
    assert _step(report, "parent").status == "skipped" and _step(report, "inherited").status == "skipped"
    assert all(
        s.status == "passed" for s in report.steps if s.id not in ("portfolio", *NOT_APPLICABLE)
    ), str(report)
    # A replay: never plainly valid, and said before anything else.
    assert report.purpose == "replay" and report.verdict == "valid_if"
    lines = str(report).splitlines()
    assert lines[0] == report.headline and lines[1].startswith("REPLAY:")
    # Stage 2 names stage 1 as its previous stage, which was not given: the chain is left to
    # compare by hand (test_the_demo_is_a_chain verifies it).
    linked = ["previous"] if stage is STAGE2 else []
    assert [b.subject for b in report.by_hand] == ["purpose", "announcement", "lottery", *linked]

    # What was committed before the randomness existed, and what was revealed afterwards.
    manifest = json.loads(bundle.native.manifest_json())
    assert manifest["announced_at"] == stage.announced_at and manifest["purpose"] == "replay"
    assert manifest["randomness"] == {
        "sources": [
            {"kind": "drand", "chain": QUICKNET, "round": stage.drand_round},
            {"kind": "lottery", "lottery": "euromillions", "date": stage.lottery_date},
        ],
        "fallback": "next_value",
    }
    reveal = json.loads(bundle.native.reveal_json())
    assert reveal["sources"] == [
        {"kind": "drand", "chain": QUICKNET, "round": stage.drand_round, "signature": stage.drand_signature},
        {"kind": "lottery", "lottery": "euromillions", "main": list(stage.numbers[:5]),
         "bonus": [list(stage.numbers[5:])]},
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
    # The lottery draw: its date and its numbers, main numbers and stars apart.
    assert lottery_line == f"source 2: EuroMillions draw of {stage.lottery_date}: {_shown(stage.numbers)}"
    # ...and, matched or not, left to compare with the operator's page.
    item = next(b for b in report.by_hand if b.subject == "lottery")
    assert item.value == _shown(stage.numbers) and stage.lottery_date in item.what

    # The time order: both sources came after the announcement (a replay may skip it, as
    # its manifest was written after its randomness existed).
    time_order = _step(report, "time_order")
    assert time_order.status in ("passed", "skipped"), time_order
    if time_order.status == "passed":
        assert any(stage.drand_time in d for d in time_order.detail), time_order.detail

    # The table form carries the same lines, on the randomness row.
    row = report.to_frame().loc["randomness"]
    assert row["status"] == "passed"
    assert str(row["detail"]).split("; ")[:2] == [drand_line, lottery_line]


def _tampered(demo_dir: Path, change: dict[str, object], source: int, **published: object) -> kl.Report:
    """Stage 2's bundle with one revealed source changed, verified."""
    bundle = json.loads((demo_dir / STAGE2.folder / "bundle.json").read_text(encoding="utf-8"))
    bundle["reveal"]["sources"][source].update(change)
    return kl.verify(json.dumps(bundle), **published)  # type: ignore[arg-type]


def test_another_rounds_genuine_signature_fails_the_drand_source(demo_dir: Path) -> None:
    # Stage 1's quicknet signature is genuine, but for round 3, not round 657413.
    report = _tampered(demo_dir, {"signature": STAGE1.drand_signature}, 0)
    assert not report.valid and report.verdict == "invalid" and not report.by_hand
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


def test_other_lottery_numbers(demo_dir: Path) -> None:
    numbers = (8, *STAGE2.numbers[1:])
    change: dict[str, object] = {"main": list(numbers[:5])}
    # Without the published result, the lottery source reads as revealed (no program can
    # check a lottery's numbers offline); the seed no longer follows from them.
    report = _tampered(demo_dir, change, 1)
    assert not report.valid
    randomness = _step(report, "randomness")
    assert randomness.status == "passed"
    drand_line, lottery_line = _source_lines(randomness)
    assert drand_line.startswith(f"source 1: drand round {STAGE2.drand_round},") and "signature verified" in drand_line
    assert lottery_line == f"source 2: EuroMillions draw of {STAGE2.lottery_date}: {_shown(numbers)}"
    seed = _step(report, "seed")
    assert seed.status == "failed" and report.error_kind == "SeedMismatch"
    assert seed.computed != seed.published
    # With the published result, the randomness step itself fails.
    given = _tampered(demo_dir, change, 1, lotteries=[_result(STAGE2)])
    assert given.error_kind == "LotteryMismatch" and _step(given, "randomness").status == "failed"


def test_the_demo_is_a_chain(demo_dir: Path) -> None:
    """Stage 2 was drawn among the invitees of stage 1 who answered: verified together, every
    volunteer was invited once, with the roll's values, and the response rates add up."""
    stage1, stage2 = (kl.Bundle.load(demo_dir / s.folder / "bundle.json") for s in (STAGE1, STAGE2))
    parent = stage2.parent
    assert parent is not None and parent.commitment == stage1.commitment and stage1.parent is None
    chain = kl.verify_chain(stage2, stage1, lotteries=[_result(STAGE2)], previous_lotteries=[_result(STAGE1)])
    assert chain.valid and chain.verdict == "valid_if", str(chain)
    assert all(_step(chain.report, s).status == "passed" for s in ("parent", "links", "inherited")), str(chain)
    assert "previous" not in [b.subject for b in chain.report.by_hand]
    responses = chain.responses
    total = responses.iloc[-1]
    invited = len(stage1.selected_tickets) + len(stage1.alternate_tickets)
    assert responses["feature"].isna().iloc[-1] and responses["feature"].notna().iloc[:-1].all()
    assert (int(total["invited"]), int(total["volunteered"])) == (invited, len(stage2.native.records()))
    # Each feature's values share out the invitees and the volunteers.
    for _, rows in responses.iloc[:-1].groupby("feature"):
        assert rows["invited"].sum() == invited and rows["volunteered"].sum() == total["volunteered"]
