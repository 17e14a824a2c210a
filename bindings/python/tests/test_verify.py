"""Verification that rests on what was published (SPEC.md sections 12 and 13): the commitment
and the lottery results given from outside the bundle, the time order, replacement records,
receipts of a failed bundle, and texts from a bundle shown safely."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import randomness as rnd

ANNOUNCED = "2026-11-30T12:00:00Z"
"""The announcement; the EuroMillions draw of Tuesday 2026-12-01 is at 19:30 UTC. Commits pass
`now=ANNOUNCED`, so the recipe is in the future whatever the day the tests run."""
RECIPE = rnd.recipe(rnd.lottery_source("euromillions", "2026-12-01"))
REAL = ([3, 14, 22, 41, 47], [[2, 9]])
"""The numbers the operator published, for these tests."""
REAL_TEXT = "euromillions@2026-12-01=3,14,22,41,47+2,9"

# Characters no verifier may print from a file: C0 (but the newlines the report writes), DEL,
# C1, and the bidirectional formatting characters (SPEC.md section 3).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pool() -> kl.Pool:
    df = pd.DataFrame({"id": [f"v{i}" for i in range(12)], "g": ["f", "m"] * 6})
    return kl.Pool.from_dataframe(df)


def quotas() -> kl.Quotas:
    return kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["g", "g"], "value": ["f", "m"], "min": [1, 1], "max": [3, 3]})
    )


def commit(**kw: Any) -> kl.Manifest:
    args: dict[str, Any] = dict(method="greedy", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", randomness=RECIPE, announced_at=ANNOUNCED,
                                now=ANNOUNCED, alternates=2, title="Test assembly")
    args.update(kw)
    return kl.commit(pool(), quotas(), 4, allow_small_cells=1, **args)


def real_draw(m: kl.Manifest) -> kl.Bundle:
    return kl.draw(m, [rnd.lottery("euromillions", *REAL)])


@pytest.fixture(scope="module")
def official() -> kl.Manifest:
    return commit()


@pytest.fixture(scope="module")
def bundle(official: kl.Manifest) -> kl.Bundle:
    return real_draw(official)


def subjects(report: kl.Report) -> list[str]:
    return [b.subject for b in report.by_hand]


def test_the_three_kinds_of_result(official: kl.Manifest, bundle: kl.Bundle) -> None:
    report = kl.verify(bundle, commitment=official.commitment, lotteries=[REAL_TEXT])
    assert report.valid and report.verdict == "valid_if" and report.purpose == "official"
    assert report.headline == "VALID if the 2 items below match their public records"
    assert subjects(report) == ["announcement", "lottery"]
    assert [s.id for s in report.checked] == [
        "format", "manifest", "pool", "randomness", "time_order", "seed", "draw", "quotas", "transcript"
    ]
    text = str(report)
    assert text.splitlines()[0] == report.headline
    assert text.index("To compare by hand (2)") < text.index("Checked by computation:")
    assert "2026-12-01T19:30:00Z (UTC)" in text  # the earliest source time, to compare by hand
    html = report._repr_html_()
    assert html.index("VALID if the 2 items") < html.index("To compare by hand (2)")
    # The same through Bundle.verify, and through the JSON text.
    again = bundle.verify(commitment=official.commitment, lotteries=[REAL_TEXT])
    assert again.to_json() == report.to_json()
    assert kl.verify(bundle.to_json(), official.commitment, [REAL_TEXT]).to_json() == report.to_json()


def test_never_a_bare_valid_while_items_remain(bundle: kl.Bundle) -> None:
    report = kl.verify(bundle)
    assert report.verdict == "valid_if" and report.by_hand
    assert report.headline != "VALID" and not str(report).startswith("VALID\n")
    assert str(report).splitlines()[0].startswith("VALID if the 3 items below")
    # Without the commitment, it is to compare by hand, in 16 groups of 4 hex digits.
    item = report.by_hand[0]
    assert item.subject == "commitment"
    assert item.value.split() == [bundle.commitment[i:i + 4] for i in range(0, 64, 4)]
    assert item.value in str(report) and item.value in report._repr_html_()


def test_recommitted_bundle_fails_with_the_real_commitment(official: kl.Manifest) -> None:
    # After seeing the numbers, the organiser commits again (another title: another
    # commitment, another panel) and publishes that bundle with its own commitment.
    again = commit(title="Test assembly, take 2")
    forged = real_draw(again)
    assert forged.commitment != official.commitment
    report = kl.verify(forged, commitment=official.commitment)
    assert not report and report.verdict == "invalid" and report.error_kind == "CommitmentMismatch"
    failed = report.failed_step
    assert failed is not None and failed.id == "manifest"
    assert (failed.computed, failed.published) == (forged.commitment, official.commitment)
    assert report.by_hand == [] and str(report).startswith("INVALID: ")
    # Without the published commitment it cannot be caught by computation: it is valid if the
    # reader compares the commitment by hand, never plainly valid.
    alone = kl.verify(forged)
    assert alone.valid and alone.verdict == "valid_if" and "commitment" in subjects(alone)
    # A receipt of the forged draw checked with the real commitment: the outcome means nothing.
    someone = forged.selected.index[0]
    check = again.receipts[str(someone)].check(forged, commitment=official.commitment)
    assert not check.bundle_valid and check.verdict == "invalid"
    assert check.bundle_error_kind == "CommitmentMismatch"


def test_ground_lottery_numbers_fail_when_the_published_ones_are_given(official: kl.Manifest) -> None:
    ground = kl.draw(official, [rnd.lottery("euromillions", [1, 2, 3, 4, 5], [[1, 2]])])
    report = kl.verify(ground, commitment=official.commitment, lotteries=[REAL_TEXT])
    assert not report and report.error_kind == "LotteryMismatch"
    failed = report.failed_step
    assert failed is not None and failed.id == "randomness"
    assert failed.computed == "numbers 1 2 3 4 5 · stars 1 2"
    assert failed.published == "numbers 3 14 22 41 47 · stars 2 9"
    # Given as a mapping, with numpy arrays and in the order drawn: the same answer.
    as_mapping = {"lottery": "euromillions", "date": "2026-12-01", "main": np.array([47, 3, 22, 14, 41]),
                  "bonus": [np.array([9, 2])]}
    assert kl.verify(ground, lotteries=[as_mapping]).error_kind == "LotteryMismatch"
    # Without the published numbers nothing can catch it: the numbers are to compare by hand.
    alone = kl.verify(ground, commitment=official.commitment)
    assert alone.verdict == "valid_if" and "lottery" in subjects(alone)
    lottery_item = next(b for b in alone.by_hand if b.subject == "lottery")
    assert lottery_item.value == "numbers 1 2 3 4 5 · stars 1 2"
    assert "fdj.fr" in lottery_item.record


def test_a_lottery_is_never_checked_even_when_its_numbers_match(official: kl.Manifest, bundle: kl.Bundle) -> None:
    for given in ([REAL_TEXT], [{"lottery": "euromillions", "date": "2026-12-01", "main": REAL[0], "bonus": REAL[1]}]):
        report = kl.verify(bundle, commitment=official.commitment, lotteries=given)
        assert report.verdict == "valid_if" and "lottery" in subjects(report), given
        item = next(b for b in report.by_hand if b.subject == "lottery")
        assert "they match the numbers you gave" in item.what
    # A result for a draw the recipe does not name.
    other = kl.verify(bundle, lotteries=["euromillions@2026-12-04=3,14,22,41,47+2,9"])
    assert other.error_kind == "LotteryMismatch"


def test_bad_published_facts_are_refused_before_verifying(bundle: kl.Bundle) -> None:
    with pytest.raises(kl.InvalidInput, match="64 hexadecimal digits"):
        kl.verify(bundle, commitment="not a commitment")
    with pytest.raises(kl.InvalidInput, match="LOTTERY@YYYY-MM-DD"):
        kl.verify(bundle, lotteries=["euromillions 2026-12-01"])
    with pytest.raises(kl.InvalidInput, match="one list per bonus group"):
        kl.verify(bundle, lotteries=[{"lottery": "euromillions", "date": "2026-12-01", "main": REAL[0], "bonus": [2, 9]}])
    with pytest.raises(kl.InvalidInput, match="unknown field"):
        kl.verify(bundle, lotteries=[{"lottery": "euromillions", "date": "2026-12-01", "main": [1], "stars": [2]}])
    with pytest.raises(kl.InvalidInput, match="not a whole number"):
        kl.verify(bundle, lotteries=[{"lottery": "euromillions", "date": "2026-12-01", "main": np.array([1.5])}])


def test_late_commitment_fails(official: kl.Manifest) -> None:
    # A manifest that says it was announced after the draw it commits to.
    late = dict(official.data, announced_at="2026-12-01T20:00:00Z")
    m = kl.Manifest.from_json(json.dumps(late), official.records.to_json())
    b = real_draw(m)
    report = kl.verify(b, commitment=m.commitment, lotteries=[REAL_TEXT])
    assert not report and report.error_kind == "CommittedLate"
    failed = report.failed_step
    assert failed is not None and failed.id == "time_order"
    assert "the draw proves nothing" in (report.error or "")
    assert (failed.computed, failed.published) == ("2026-12-01T19:30:00Z", "2026-12-01T20:00:00Z")


def test_commit_refuses_randomness_that_already_exists() -> None:
    with pytest.raises(kl.InvalidInput) as e:
        commit(now="2026-12-02T00:00:00Z")
    assert "already exists" in str(e.value) and 'purpose="replay"' in str(e.value)
    with pytest.raises(kl.InvalidInput, match="less than an hour"):
        commit(announced_at="2026-12-01T19:00:00Z")
    with pytest.raises(kl.InvalidInput, match="purpose"):
        commit(purpose="demo")
    with pytest.raises(kl.InvalidInput, match="timezone-aware"):
        import datetime

        commit(now=datetime.datetime(2026, 11, 30, 12))


@pytest.mark.parametrize("purpose", ["replay", "rehearsal"])
def test_purpose_is_said_at_the_top(purpose: str) -> None:
    # A replay may commit to a draw in the past; a rehearsal commits like an official draw.
    m = commit(purpose=purpose, now="2026-12-06T12:00:00Z" if purpose == "replay" else ANNOUNCED)
    assert m.purpose == purpose and m.data["purpose"] == purpose
    b = real_draw(m)
    assert b.purpose == purpose
    report = kl.verify(b, commitment=m.commitment)
    assert report.valid and report.verdict == "valid_if" and report.purpose == purpose
    assert subjects(report)[0] == "purpose"
    lines = str(report).splitlines()
    assert lines[0] == report.headline and lines[1].startswith(purpose.upper() + ":")
    html = report._repr_html_()
    assert html.index(purpose.upper() + ":") < html.index("To compare by hand")
    assert purpose.upper() in m._repr_html_() and purpose.upper() in b._repr_html_()


def test_replacement_records_verify_and_tampered_ones_fail(official: kl.Manifest, bundle: kl.Bundle,
                                                           tmp_path: Path) -> None:
    rep = kl.replace(bundle, bundle.selected_tickets[:1])
    path = rep.write(tmp_path / "replacement.json")
    for given in ([rep], [path], [str(path)], [rep.to_json()]):
        report = kl.verify(bundle, commitment=official.commitment, replacements=given)
        step = next(s for s in report.steps if s.id == "replacements")
        assert report.valid and step.status == "passed", given
        assert any(bundle.selected_tickets[0] in d for d in step.detail)
    assert kl.Replacement.load(path).hash == rep.hash
    # Another replacement than the rule gives.
    data = json.loads(rep.to_json())
    data["replacements"] = [bundle.alternate_tickets[1]]
    tampered = kl.Replacement(json.dumps(data))
    report = kl.verify(bundle, commitment=official.commitment, replacements=[rep, tampered])
    assert not report and report.error_kind == "ReplacementMismatch"
    failed = report.failed_step
    assert failed is not None and failed.id == "replacements" and "record 2" in (report.error or "")
    # A record of another draw.
    other = kl.replace(real_draw(commit(title="Another draw")), [bundle.selected_tickets[0]])
    assert kl.verify(bundle, replacements=[other]).error_kind == "ReplacementMismatch"
    with pytest.raises(kl.InvalidInput):
        kl.verify(bundle, replacements=['{"format": "kleroterion-replacement"}'])


def test_receipt_of_a_failed_bundle_is_not_an_outcome(official: kl.Manifest, bundle: kl.Bundle) -> None:
    data = json.loads(bundle.to_json())
    data["seed"] = "00" * 32
    broken = kl.Bundle.from_json(json.dumps(data))
    first = str(bundle.selected.index[0])
    check = official.receipts[first].check(broken)
    assert check.outcome == "selected"  # what the bundle says...
    assert not check.bundle_valid and check.verdict == "invalid" and check.bundle_error_kind == "SeedMismatch"
    text = str(check)
    assert "FAILED verification" in text and "means nothing" in text
    assert "selected" not in text.lower().replace("not established", "")
    html = check._repr_html_()
    assert "FAILED" in html and "#080" not in html and "selected" not in html.lower()
    ok = official.receipts[first].check(bundle, commitment=official.commitment)
    assert ok.bundle_valid and "selected (position 1" in str(ok)


def test_texts_from_a_bundle_are_escaped(official: kl.Manifest, bundle: kl.Bundle) -> None:
    evil = "\x1b[2J\x1b[32mVALID\u202e\u2066<script>x</script>\x85"
    # A ticket in the result that is not in the pool: the draw step names it.
    data = json.loads(bundle.to_json())
    data["result"]["selected"][0] = evil
    report = kl.verify(json.dumps(data), commitment=official.commitment)
    assert report.error_kind == "DrawMismatch"
    # A manifest with such a title fails InvalidText.
    data2 = json.loads(bundle.to_json())
    data2["manifest"]["title"] = evil
    report2 = kl.verify(json.dumps(data2))
    assert report2.error_kind == "InvalidText"
    for r in (report, report2):
        for shown in (str(r), r._repr_html_(), repr(r)):
            assert not UNSAFE.search(shown), repr(shown)
        assert "<script>" not in r._repr_html_()
    assert "\\u{1b}[2J\\u{1b}[32mVALID\\u{202e}\\u{2066}<script>" in str(report)
    assert "&lt;script&gt;" in report._repr_html_()
    # A receipt check names the ticket and the features: escaped too.
    check = kl.ReceiptCheck(evil, {evil: evil}, "selected", "valid_if", 1, None, None, 2)
    for shown in (str(check), check._repr_html_()):
        assert not UNSAFE.search(shown)
    assert kl.lowlevel.display("a\u202eb") == "a\\u{202e}b"


def test_randomness_helpers_build_v2_values() -> None:
    v = rnd.lottery("euromillions", np.array([7, 18, 28, 40, 48], dtype=np.int64), [np.array([3, 9])])
    assert v == {"kind": "lottery", "lottery": "euromillions", "main": [7, 18, 28, 40, 48], "bonus": [[3, 9]]}
    assert json.dumps(v)  # plain ints
    assert rnd.lottery_value("uk-lotto", (1, 2, 3, 4, 5, 6), np.array([[7]]))["bonus"] == [[7]]
    with pytest.raises(kl.InvalidInput, match="one list per bonus group"):
        rnd.lottery("euromillions", [7, 18, 28, 40, 48], [3, 9])  # type: ignore[list-item]
    with pytest.raises(kl.InvalidInput, match="whole number"):
        rnd.lottery("euromillions", ["7"], [])
    assert rnd.recipe(rnd.hex_source("x"))["fallback"] == "next_value"
    declared = rnd.lottery_source(
        "Tombola de Pérols", "2026-12-01", draw_at="2026-12-01T18:00:00Z",
        format=rnd.lottery_format(rnd.number_group("numbers", 3, 1, 90)),
    )
    assert rnd.source_time(declared) == "2026-12-01T18:00:00Z"
    assert rnd.source_time(rnd.lottery_source("euromillions", "2026-12-08")) == "2026-12-08T19:30:00Z"
    assert rnd.source_time(rnd.hex_source("x")) is None
    with pytest.raises(kl.InvalidInput, match="Tuesday and Friday"):
        rnd.source_time(rnd.lottery_source("euromillions", "2026-12-07"))
    ids = [e["id"] for e in rnd.lottery_registry()]
    assert "euromillions" in ids and "us-powerball" in ids
    assert rnd.drand_value("ab", 1, "cd", randomness="ef")["randomness"] == "ef"
    assert kl.lowlevel.canonical_numbers(np.array([12, 2, 5])) == "2.5.12."


def test_rehearsal_true_is_a_rehearsal_said_everywhere() -> None:
    m = commit(rehearsal=True, now=ANNOUNCED)
    assert m.purpose == "rehearsal" and m.data["purpose"] == "rehearsal"
    b = real_draw(m)
    report = kl.verify(b, commitment=m.commitment)
    assert b.purpose == "rehearsal" and report.purpose == "rehearsal"
    assert str(report).splitlines()[1].startswith("REHEARSAL:")
    # The same commit as purpose="rehearsal", byte for byte.
    assert commit(purpose="rehearsal", now=ANNOUNCED).commitment == m.commitment
    with pytest.raises(kl.InvalidInput, match=r"rehearsal=True and purpose='replay' disagree"):
        commit(rehearsal=True, purpose="replay")
    with pytest.raises(kl.InvalidInput, match="rehearsal must be True or False"):
        commit(rehearsal="yes")
