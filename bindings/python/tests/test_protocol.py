"""Commit, draw, verify, receipts and replacements through Python, on the Sortition
Foundation fixture and on small pandas pools."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Union

import numpy as np
import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import randomness as rnd

from conftest import DATA, SF

HOUSEHOLD = ["primary_address1", "primary_zip"]
RECIPE = rnd.recipe(rnd.hex_source("test value"), rnd.lottery_source("euromillions", "2026-12-01"))
REVEAL = rnd.reveal(rnd.hex_value(b"\x01\x02\x03"), rnd.lottery_value("euromillions", [7, 18, 28, 40, 48], [[8, 11]]))
ANNOUNCED = "2026-11-30T12:00:00Z"
"""The commitment's announcement; the EuroMillions draw of Tuesday 2026-12-01 is at 20:30 Paris
time, 19:30 UTC. Commits say `now=ANNOUNCED` so that the recipe is in the future whatever the
day the tests run."""


@pytest.fixture(scope="module")
def sf() -> tuple[kl.Pool, kl.Quotas]:
    pool = kl.Pool.from_csv(SF / "candidates.csv", id="nationbuilder_id", household=HOUSEHOLD)
    return pool, kl.Quotas.from_csv(SF / "features.csv")


@pytest.fixture(scope="module")
def lottery(sf: tuple[kl.Pool, kl.Quotas]) -> kl.Manifest:
    pool, quotas = sf
    return kl.commit(pool, quotas, 22, allow_small_cells=1, method="lottery", alternates=5, title="Fixture assembly",
                     announced_at=ANNOUNCED, randomness=RECIPE, ticket_key=b"secret key 16 by",
                     panels=200, progress=False, now=ANNOUNCED)


def test_lottery_commit(lottery: kl.Manifest) -> None:
    m = lottery
    assert m.method == "lottery" and m.panel_size == 22
    assert len(m.commitment) == 64
    assert m.data["household_rule"] is True
    assert m.purpose == "official" and m.data["randomness"]["fallback"] == "next_value"
    assert len(m.data["method"]["portfolio"]) == 200
    assert m.leximin_min is not None and abs(m.leximin_min - 1 / 11) < 1e-6
    probs = m.probabilities
    assert probs is not None and probs.index.name == "nationbuilder_id"
    assert abs(float(probs.sum()) - 22) < 1e-9
    tickets = m.tickets
    assert tickets is not None and len(tickets) == 150 and tickets.is_unique
    # Keyed tickets are reproducible; the commitment too.
    pool = m.pool
    assert pool is not None


def test_commit_is_reproducible_with_a_ticket_key(sf: tuple[kl.Pool, kl.Quotas]) -> None:
    pool, quotas = sf
    a = kl.commit(pool, quotas, 22, allow_small_cells=1, method="greedy", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", progress=False)
    b = kl.commit(pool, quotas, 22, allow_small_cells=1, method="greedy", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", progress=False)
    c = kl.commit(pool, quotas, 22, allow_small_cells=1, method="greedy", progress=False)
    assert a.commitment == b.commitment
    assert a.commitment != c.commitment  # a generated key
    assert a.ticket_key == "6b" * 16
    generated = c.ticket_key
    assert generated is not None and len(generated) == 64
    again = kl.commit(pool, quotas, 22, allow_small_cells=1, method="greedy", ticket_key=bytes.fromhex(generated), progress=False)
    assert again.commitment == c.commitment


@pytest.mark.parametrize("weak", ["organiser-secret", "", "00112233", b"short", "correcthorsebatterystaples"])
def test_a_weak_ticket_key_is_refused(sf: tuple[kl.Pool, kl.Quotas], weak: Union[str, bytes]) -> None:
    pool, quotas = sf
    with pytest.raises(kl.InvalidInput) as e:
        kl.commit(pool, quotas, 22, allow_small_cells=1, method="greedy", ticket_key=weak, progress=False)
    assert e.value.kind == "WeakTicketKey"
    assert "ticket key" in str(e.value)


def test_draw_verify_receipts_replace(lottery: kl.Manifest) -> None:
    b = kl.draw(lottery, REVEAL)
    assert len(b.selected_tickets) == 22 and len(b.alternate_tickets) == 5
    sel = b.selected
    assert isinstance(sel, pd.DataFrame)
    assert sel.index.name == "nationbuilder_id"
    assert list(sel["ticket"]) == b.selected_tickets
    assert "first_name" in sel.columns  # extra columns are kept
    assert len(b.remaining) == 150 - 22
    assert len(b.alternates) == 5
    report = kl.verify(b)
    assert report and report.valid and report.raise_for_status() is report
    # Without the commitment, nothing says this is the draw that was committed: valid if.
    assert report.verdict == "valid_if"
    assert [s.status for s in report.steps][:5] == ["passed", "passed", "passed", "skipped", "skipped"]
    assert [s.id for s in report.steps][3:5] == ["parent", "links"]  # no previous stage
    assert str(report).startswith("VALID if the 4 items below") and "VALID if" in report._repr_html_()
    assert [x.subject for x in report.by_hand] == ["commitment", "announcement", "lottery", "hex"]
    with_facts = kl.verify(b, commitment=lottery.commitment, lotteries=["euromillions@2026-12-01=48,40,28,18,7+11,8"])
    assert with_facts.verdict == "valid_if"
    assert [x.subject for x in with_facts.by_hand] == ["announcement", "lottery", "hex"]
    assert "on the panel" in b._repr_html_()
    assert "commitment" in lottery._repr_html_()
    # Through JSON.
    again = kl.Bundle.from_json(b.to_json())
    assert again.transcript == b.transcript and kl.verify(again)
    assert list(again.selected.index) == b.selected_tickets  # no pool: indexed by ticket
    # Receipts, by organiser id.
    first = str(sel.index[0])
    r = lottery.receipts[first]
    assert r.proof_verifies()
    check = r.check(b, commitment=lottery.commitment)
    assert check.outcome == "selected" and check.position == 1
    assert check.bundle_valid and check.verdict == "valid_if" and check.by_hand == 3
    assert "selected (position 1" in str(check) and "if the bundle's 3 items" in str(check)
    assert check.features["Gender"] == sel.iloc[0]["Gender"]
    assert len(lottery.receipts) == 150
    # `remaining` holds the alternates too: the first who is not one was simply not drawn.
    loser = str(next(i for i in b.remaining.index if i not in set(b.alternates.index)))
    assert lottery.receipts[loser].check(b).outcome == "not_selected"
    alt = lottery.receipts[str(b.alternates.index[0])].check(b)
    assert (alt.outcome, alt.position) == ("alternate", 1)
    # Replacement.
    dropped = b.selected_tickets[:2]
    rep = kl.replace(b, dropped)
    assert list(rep.replacements) == dropped
    assert all(t is not None for t in rep.replacements.values())
    assert len(rep.panel) == 22 and not set(dropped) & set(rep.panel)
    # Whether the replacements keep every quota depends on the draw (SPEC 10.2: the first
    # candidate that does, else the least violation); the quotas it reports as broken must be
    # exactly those the panel breaks, recounted here from the CSV files.
    assert sorted(rep.broken_quotas) == broken_quotas_of(lottery, rep.panel)
    assert rep.hash == b.replace(dropped).hash


def broken_quotas_of(manifest: kl.Manifest, panel: list[str]) -> list[str]:
    """The quotas `panel` (tickets) breaks, in the core's words, counted from the fixture's CSVs."""
    tickets = manifest.tickets
    assert tickets is not None
    seated = set(panel)
    ids = {str(i) for i, t in tickets.items() if t in seated}
    with open(SF / "candidates.csv", newline="", encoding="utf-8") as f:
        on_panel = [row for row in csv.DictReader(f) if row["nationbuilder_id"] in ids]
    assert len(on_panel) == len(panel)
    broken = []
    with open(SF / "features.csv", newline="", encoding="utf-8") as f:
        for q in csv.DictReader(f):
            n = sum(1 for row in on_panel if row[q["feature"]] == q["value"])
            lo, hi = int(q["min"]), int(q["max"])
            if n < lo:
                broken.append(f"{q['feature']}={q['value']}: {n} on the panel, below the minimum {lo}")
            elif n > hi:
                broken.append(f"{q['feature']}={q['value']}: {n} on the panel, above the maximum {hi}")
    return sorted(broken)


def test_tampered_bundle_fails(lottery: kl.Manifest) -> None:
    b = kl.draw(lottery, REVEAL)
    data = json.loads(b.to_json())
    data["result"]["selected"][0], data["result"]["selected"][1] = (
        data["result"]["selected"][1],
        data["result"]["selected"][0],
    )
    report = kl.verify(json.dumps(data))
    assert not report
    assert report.failed_step is not None and report.failed_step.id == "draw"
    with pytest.raises(kl.VerificationFailed) as e:
        report.raise_for_status()
    assert e.value.kind == "DrawMismatch"
    assert "INVALID" in report._repr_html_()
    bad = kl.verify("{ not json")
    assert not bad and bad.failed_step is not None and bad.failed_step.id == "format"
    assert bad.error_kind == "UnreadableBundle" and bad.verdict == "invalid" and bad.headline == "INVALID"


def test_write_and_load(lottery: kl.Manifest, tmp_path: Path) -> None:
    paths = lottery.write(tmp_path / "commit")
    assert paths["manifest"].exists() and paths["tickets"].exists()
    assert len(list(paths["receipts"].iterdir())) == 150
    loaded = kl.Manifest.load(tmp_path / "commit")
    assert loaded.commitment == lottery.commitment
    b = kl.draw(loaded, REVEAL)
    assert b.transcript == kl.draw(lottery, REVEAL).transcript
    bundle_path = b.write(tmp_path / "bundle.json")
    assert kl.verify(bundle_path)
    # The commitment as published, from commitment.txt or in groups of four.
    report = kl.verify(bundle_path, commitment=paths["commitment"])
    assert report.verdict == "valid_if" and "commitment" not in [x.subject for x in report.by_hand]
    grouped = " ".join(lottery.commitment[i:i + 4] for i in range(0, 64, 4))
    assert kl.verify(bundle_path, commitment=grouped).valid
    assert kl.verify(bundle_path, commitment=str(paths["commitment"])).valid
    out = b.write_csvs(tmp_path, paths["tickets"])
    selected = pd.read_csv(out["selected"], dtype=str)
    assert list(selected["nationbuilder_id"]) == list(kl.draw(lottery, REVEAL).selected.index)
    receipt = kl.Receipt.load(next(paths["receipts"].iterdir()))
    assert receipt.check(kl.Bundle.load(bundle_path)).outcome in ("selected", "alternate", "not_selected")


def test_pandas_pool_uniform_and_stratified() -> None:
    df = pd.DataFrame(
        {
            "id": [f"v{i}" for i in range(40)],
            "gender": ["femme", "homme"] * 20,
            "commune": ["Pérols", "Lattes", "Montpellier", "Grabels"] * 10,
            "name": [f"Person {i}" for i in range(40)],
        }
    )
    quotas = kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["gender", "gender"], "value": ["femme", "homme"], "min": [4, 4], "max": [6, 6]})
    )
    pool = kl.Pool.from_dataframe(df, id="id", features=["gender", "commune"])
    m = kl.commit(pool, quotas, 10, allow_small_cells=1, method="stratified", strata="commune", allocation="largest-remainder",
                  ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", alternates=3)
    assert [f["name"] for f in m.data["features"]] == ["gender", "commune"]
    b = kl.draw(m, {"sources": [{"kind": "hex", "value": "00"}]})
    counts = b.selected["commune"].value_counts()
    assert sorted(counts.tolist()) == [2, 2, 3, 3]
    report = kl.verify(b, commitment=m.commitment)
    assert report and report.verdict == "valid_if" and report.recipe_committed is False
    assert [x.subject for x in report.by_hand] == ["uncommitted", "hex"]
    # No recipe: said at the top, before anything else.
    assert str(report).splitlines()[1].startswith("NO RECIPE")
    assert "NO RECIPE" in report._repr_html_()
    time_order = next(s for s in report.steps if s.id == "time_order")
    assert time_order.status == "skipped"
    u = kl.commit(pool, quotas, 10, allow_small_cells=1, method="uniform", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b")
    assert kl.verify(kl.draw(u, [rnd.dice_value(np.array([1, 2, 3]))]))


def test_nfc_on_import() -> None:
    decomposed = "Pe\u0301rols"
    df = pd.DataFrame({"id": ["a", "b", "c"], "commune": [decomposed, "Lattes", "Pérols"]})
    q = kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["commune"] * 2, "value": ["P\u00e9rols", "Lattes"], "min": [0, 0], "max": [2, 2]})
    )
    m = kl.commit(kl.Pool.from_dataframe(df), q, 2, allow_small_cells=1, method="uniform", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b")
    values = {r["values"][0] for r in json.loads(m.records.to_json())["records"]}
    assert values == {"P\u00e9rols", "Lattes"}


def test_proportional_quotas() -> None:
    q = kl.Quotas.proportional({"gender": {"woman": 51.6, "man": 48.4}, "age": {"18-34": 25, "35-64": 50, "65+": 25}}, 40)
    assert q["gender", "woman"] == kl.Quota("gender", "woman", 20, 22)
    assert q["gender", "man"] == kl.Quota("gender", "man", 18, 20)
    assert [(x.min, x.max) for x in q.values("age")] == [(9, 11), (19, 21), (9, 11)]
    assert q.to_dataframe().shape == (5, 4)
    assert q.features == ["gender", "age"]


def test_rfc3797_example() -> None:
    names = (DATA / "rfc3797" / "ref.names").read_text().split()
    assert len(names) == 25
    r = kl.rfc3797(names, ["9319", "2 5 12 8 10", [9, 18, 26, 34, 41, 45]], 11)
    assert r.key == "9319./2.5.8.10.12./9.18.26.34.41.45./"
    expected = ["Lee", "Doc", "Mary", "Charity", "Kasczynski", "Envy", "Sneazy", "Anger", "Chastity", "Pandora", "Sloth"]
    assert r.names == expected
    assert r.picks[0].md5.upper() == "990DD0A5692A029A98B5E01AA28F3459"
    assert (r.picks[0].remaining, r.picks[0].position) == (25, 17)
    assert "990DD0A5692A029A98B5E01AA28F3459" in str(r)
    assert r.to_frame().shape[0] == 11


def test_small_cells_are_refused_unless_the_floor_is_lowered_on_record(sf: tuple[kl.Pool, kl.Quotas]) -> None:
    pool, quotas = sf
    key = "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b"
    with pytest.raises(kl.InvalidInput) as e:
        kl.commit(pool, quotas, 22, method="greedy", ticket_key=key, progress=False)
    message = str(e.value)
    # 100 of the fixture's 150 people have values (with those of their housemates) nobody
    # else has; the message names one of them and the fixes.
    assert "100 record(s) are alone in their cell" in message, message
    assert "publish only the value a quota refers to" in message and "allow_small_cells" in message
    m = kl.commit(pool, quotas, 22, method="greedy", ticket_key=key, progress=False, allow_small_cells=1)
    assert m.min_cell == 1 and m.data["min_cell"] == 1
    assert m.cells is not None and (m.cells["smallest"], m.cells["alone"]) == (1, 100)
    # The lowered floor is in every verifier's report.
    bundle = kl.draw(m, rnd.reveal(rnd.hex_value(b"\x05")))
    pool_step = next(s for s in kl.verify(bundle, commitment=m.commitment).steps if s.id == "pool")
    assert any("lowered it below the default of 5" in d for d in pool_step.detail), pool_step.detail


def test_a_receipt_rebuilt_from_the_public_pool_is_refused(lottery: kl.Manifest, tmp_path: Path) -> None:
    bundle = kl.draw(lottery, REVEAL)
    genuine = next(iter(lottery.receipts.values()))
    assert genuine.check(bundle).outcome in ("selected", "alternate", "not_selected")
    # Everything but the secret is public: index, record and proof come from pool.json.
    rebuilt = dict(genuine.data)
    rebuilt["secret"] = "00" * 32
    with pytest.raises(kl.KleroterionError) as e:
        kl.Receipt.from_json(json.dumps(rebuilt)).check(bundle)
    assert e.value.kind == "ReceiptMismatch" and "not issued" in str(e.value)
    # A manifest read back from its files knows no secret, so it issues no receipt.
    lottery.write(tmp_path / "commit")
    loaded = kl.Manifest.load(tmp_path / "commit")
    with pytest.raises(kl.InvalidInput) as refused:
        loaded.receipts
    assert "made at commit time" in str(refused.value)
