"""Sealed features (SPEC.md section 4.1) through Python: a lottery whose public pool gives each
person a salted seal of their values instead of the values; the bundle opens the panel and the
alternates, a replacement record the people its rule reads, a receipt its holder's record."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import lowlevel as ll
from kleroterion import randomness as rnd

KEY = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"
REVEAL = rnd.reveal(rnd.hex_value("5ea1ed"))
FEATURES = ["g", "age"]


def people(n: int = 12) -> pd.DataFrame:
    """Integer ids and two features: each of the four profiles is held by n / 4 people."""
    return pd.DataFrame({"id": range(1000, 1000 + n), "g": ["f", "m"] * (n // 2), "age": ["young", "old", "old", "young"] * (n // 4)})


def quotas(lo: int = 1, hi: int = 3) -> kl.Quotas:
    return kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["g", "g", "age", "age"], "value": ["f", "m", "young", "old"], "min": [lo] * 4, "max": [hi] * 4})
    )


def pool() -> kl.Pool:
    return kl.Pool.from_dataframe(people(), features=FEATURES)


def sealed_commit(alternates: int = 2, lo: int = 1, hi: int = 3, key: str = KEY) -> kl.Manifest:
    # No floor is lowered: a sealed pool without households publishes one cell of everyone.
    return kl.commit(pool(), quotas(lo, hi), 4, method="lottery", sealed=True, alternates=alternates, panels=20,
                     ticket_key=key, progress=False)


@pytest.fixture(scope="module")
def manifest() -> kl.Manifest:
    return sealed_commit()


@pytest.fixture(scope="module")
def bundle(manifest: kl.Manifest) -> kl.Bundle:
    return kl.draw(manifest, REVEAL)


def values_of(manifest: kl.Manifest, ticket: str) -> list[str]:
    """The values the pool gave the person holding ``ticket``, by their id."""
    tickets = manifest.tickets
    assert tickets is not None
    person = tickets.index[tickets.tolist().index(ticket)]
    row = people().set_index("id").loc[person]
    return [str(row[f]) for f in FEATURES]


def edited(bundle: kl.Bundle, change: Any) -> str:
    """The bundle's JSON after ``change`` edited its parsed form."""
    data = json.loads(bundle.to_json())
    change(data)
    return json.dumps(data)


# -- commit --------------------------------------------------------------------------------------


def test_the_public_pool_has_seals_and_no_values(manifest: kl.Manifest) -> None:
    assert manifest.sealed and manifest.data["sealed"] is True and manifest.method == "lottery"
    records = [json.loads(manifest.records.record_json(i)) for i in range(len(manifest.records))]
    assert len(records) == 12
    for r in records:
        assert r["values"] == [] and len(r["seal"]) == 64
    # Every record's opening, in pool order, opens its seal with the person's own values.
    openings = manifest.openings
    assert openings is not None and [o["ticket"] for o in openings] == manifest.records.tickets()
    for o, r in zip(openings, records):
        assert ll.seal(o) == r["seal"]
        assert o["values"] == values_of(manifest, o["ticket"])
    # Seals are salted: two people with the same values have different seals.
    assert len({r["seal"] for r in records}) == 12
    # The only published cell is the whole pool (no household tags): nothing to lower.
    assert manifest.cells == {"smallest": 12, "alone": 0, "cells": 1}
    assert manifest.min_cell == 5 and "sealed" in repr(manifest) and "sealed" in manifest._repr_html_()


def test_sealing_publishes_a_pool_whose_values_the_floor_refuses() -> None:
    # Open, the four profiles are cells of 3 people, below the default floor of 5.
    with pytest.raises(kl.InvalidInput) as e:
        kl.commit(pool(), quotas(), 4, method="lottery", panels=20, ticket_key=KEY, progress=False)
    assert "cell of 3" in str(e.value)
    assert sealed_commit().commitment == sealed_commit().commitment  # keyed: the same commitment again


def test_an_open_commit_has_no_openings() -> None:
    m = kl.commit(pool(), quotas(), 4, method="lottery", panels=20, ticket_key=KEY, progress=False, allow_small_cells=3)
    assert not m.sealed and m.data["sealed"] is False and m.openings is None
    assert json.loads(m.records.record_json(0))["values"] != []


@pytest.mark.parametrize("method", ["greedy", "uniform", "stratified"])
def test_sealed_is_refused_for_the_other_methods(method: kl.Method) -> None:
    with pytest.raises(kl.InvalidInput) as e:
        kl.commit(pool(), quotas(), 4, method=method, strata="g", sealed=True, ticket_key=KEY, progress=False)
    message = str(e.value)
    assert f"sealed only for a lottery draw, and the method is {method}" in message
    assert "Fix: use the lottery method" in message and "drop sealed=True" in message and "--sealed" not in message


def test_sealed_must_be_a_bool() -> None:
    with pytest.raises(kl.InvalidInput) as e:
        kl.commit(pool(), quotas(), 4, sealed="yes", ticket_key=KEY, progress=False)  # type: ignore[arg-type]
    assert "sealed must be True or False" in str(e.value)


# -- draw and verify -----------------------------------------------------------------------------


def test_a_sealed_draw_verifies(bundle: kl.Bundle) -> None:
    report = kl.verify(bundle)
    assert report.verdict == "valid_if", report.error
    steps = {s.id: s.status for s in report.steps}
    assert steps["openings"] == "passed" and steps["quotas"] == "passed" and steps["portfolio"] == "passed"
    # Through its JSON, as anyone reads it.
    assert kl.verify(bundle.to_json()).verdict == "valid_if"


def test_the_bundle_opens_the_panel_and_the_alternates_only(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    assert bundle.sealed
    opened = [o["ticket"] for o in bundle.openings]
    assert opened == bundle.selected_tickets + bundle.alternate_tickets and len(opened) == 6
    for o in bundle.openings:
        assert o["values"] == values_of(manifest, o["ticket"])
    data = json.loads(bundle.to_json())
    assert all(r["values"] == [] and "seal" in r for r in data["pool"])
    assert [o["ticket"] for o in data["openings"]] == opened


def test_a_bundle_read_alone_shows_the_opened_values(bundle: kl.Bundle) -> None:
    alone = kl.Bundle.from_json(bundle.to_json())
    panel = alone.selected
    assert list(panel.index) == bundle.selected_tickets
    # The values of the openings, the same as the organiser's rows show.
    ours = bundle.selected
    assert panel[FEATURES].values.tolist() == ours[FEATURES].astype(str).values.tolist()
    assert alone.alternates[FEATURES].notna().all().all()
    # Nobody else's values are public: missing, never empty texts.
    remaining = alone.remaining
    others = [t for t in remaining.index if t not in bundle.alternate_tickets]
    assert others and remaining.loc[others, FEATURES].isna().all().all()
    html = alone._repr_html_()
    assert "Sealed features" in html
    for value in panel["g"]:
        assert f">{value}<" in html


def test_the_quota_table_counts_the_opened_panel_and_no_pool(bundle: kl.Bundle) -> None:
    table = kl.Bundle.from_json(bundle.to_json()).quota_table()
    rows = table["rows"]
    panel = bundle.selected
    for row in rows:
        assert row["panel"] == int((panel[row["feature"]].astype(str) == row["value"]).sum()), row
        assert row["pool"] is None, row
        assert row["ok"], row
    assert sum(r["panel"] for r in rows if r["feature"] == "g") == 4


def test_a_tampered_opening_fails_at_the_openings_step(bundle: kl.Bundle) -> None:
    def flip(data: dict[str, Any]) -> None:
        o = data["openings"][0]
        o["values"][0] = "m" if o["values"][0] == "f" else "f"

    def other_salt(data: dict[str, Any]) -> None:
        data["openings"][1]["salt"] = data["openings"][2]["salt"]

    def removed(data: dict[str, Any]) -> None:
        del data["openings"][-1]

    def swapped(data: dict[str, Any]) -> None:
        data["openings"][0], data["openings"][1] = data["openings"][1], data["openings"][0]

    for change in (flip, other_salt, removed, swapped):
        report = kl.verify(edited(bundle, change))
        failed = report.failed_step
        assert failed is not None and failed.id == "openings", (change.__name__, report.error)
        assert report.error_kind == "OpeningMismatch", change.__name__
        with pytest.raises(kl.VerificationFailed):
            report.raise_for_status()


def test_a_sealed_manifest_without_its_openings_cannot_be_drawn(manifest: kl.Manifest) -> None:
    public = kl.Manifest.from_json(manifest.to_json(), manifest.records.to_json())
    assert public.sealed and public.openings is None
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(public, REVEAL)
    assert e.value.kind == "OpeningMismatch"
    assert "openings=" in str(e.value) and "private/openings.json" in str(e.value)
    # With every record's opening, it draws the same bundle as the organiser's session.
    assert kl.draw(public, REVEAL, openings=manifest.openings).to_json() == kl.draw(manifest, REVEAL).to_json()


def test_openings_that_do_not_open_their_records_are_refused(manifest: kl.Manifest) -> None:
    public = kl.Manifest.from_json(manifest.to_json(), manifest.records.to_json())
    openings = manifest.openings
    assert openings is not None
    forged = [dict(o) for o in openings]
    forged[3] = dict(forged[3], values=["m" if forged[3]["values"][0] == "f" else "f", forged[3]["values"][1]])
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(public, REVEAL, openings=forged)
    assert e.value.kind == "OpeningMismatch" and forged[3]["ticket"] in str(e.value)
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(public, REVEAL, openings=openings[:-1])
    assert e.value.kind == "OpeningMismatch" and "11 openings given for 12 records" in str(e.value)
    for bad, where in ((42, "openings is a int"), ([1], "openings[0] is a int"), ({"openings": openings}, "openings is a dict")):
        with pytest.raises(kl.InvalidInput) as e:
            kl.draw(public, REVEAL, openings=bad)  # type: ignore[arg-type]
        assert where in str(e.value) and "Fix:" in str(e.value), str(e.value)


def test_openings_for_an_open_manifest_are_refused() -> None:
    m = kl.commit(pool(), quotas(), 4, method="lottery", panels=20, ticket_key=KEY, progress=False, allow_small_cells=3)
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(m, REVEAL, openings=[])
    assert "does not seal the features" in str(e.value) and "drop openings=" in str(e.value)
    b = kl.draw(m, REVEAL)
    assert not b.sealed and b.openings == []
    with pytest.raises(kl.InvalidInput) as e:
        kl.replace(b, b.selected_tickets[:1], openings=[])
    assert "drop openings=" in str(e.value)


# -- receipts ------------------------------------------------------------------------------------


def test_a_receipt_shows_the_values_of_its_opening(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    for person in (1000, 1007):
        receipt = manifest.receipts[person]
        assert receipt.data["record"]["values"] == [] and "seal" in receipt.data["record"]
        opening = receipt.opening
        assert opening is not None and opening["ticket"] == receipt.ticket
        row = people().set_index("id").loc[person]
        assert receipt.values == [str(row[f]) for f in FEATURES]
        answer = receipt.check(bundle)
        assert answer.features == dict(zip(FEATURES, receipt.values)) and answer.bundle_valid
        assert "from the opening" in receipt._repr_html_()
        assert f"g={row['g']}" in str(answer)


def test_a_receipt_whose_opening_was_removed_or_altered_does_not_match(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    data = json.loads(manifest.receipts[1003].to_json())
    other = json.loads(manifest.receipts[1004].to_json())["opening"]
    without = {k: v for k, v in data.items() if k != "opening"}
    altered = dict(data, opening=dict(data["opening"], values=["m" if data["opening"]["values"][0] == "f" else "f", data["opening"]["values"][1]]))
    salted = dict(data, opening=dict(data["opening"], salt=other["salt"]))
    someone_else = dict(data, opening=other)
    for name, bad in (("removed", without), ("altered", altered), ("another salt", salted), ("another record's", someone_else)):
        receipt = kl.Receipt.from_json(json.dumps(bad))
        with pytest.raises(kl.VerificationFailed) as e:
            receipt.check(bundle)
        assert e.value.kind == "ReceiptMismatch", name
        assert "opening" in str(e.value), (name, str(e.value))


# -- replacements --------------------------------------------------------------------------------


def test_a_replacement_that_reads_sealed_values_needs_the_openings(tmp_path: Path) -> None:
    # No alternate is published: every candidate the rule tries is sealed in the bundle.
    m = sealed_commit(alternates=0)
    b = kl.draw(m, REVEAL)
    assert len(b.openings) == 4
    alone = kl.Bundle.from_json(b.to_json())
    dropped = b.selected_tickets[:1]
    with pytest.raises(kl.InvalidInput) as e:
        kl.replace(alone, dropped)
    assert e.value.kind == "OpeningMismatch"
    assert "give openings=" in str(e.value) and "private/openings.json" in str(e.value)
    r = kl.replace(alone, dropped, openings=m.openings)
    assert r.openings and all(o["ticket"] not in b.selected_tickets for o in r.openings)
    report = kl.verify(alone, replacements=[r])
    assert report.valid, report.error
    assert {s.id: s.status for s in report.steps}["replacements"] == "passed"
    # In the organiser's session the bundle knows its manifest's openings; from the commit
    # folder's openings file, the same record.
    assert kl.replace(b, dropped).hash == r.hash
    paths = m.write(tmp_path / "commit")
    assert paths.openings is not None
    from_file = kl.replace(alone, dropped, openings=paths.openings)
    assert from_file.to_json() == r.to_json()
    assert "opens" in from_file._repr_html_()
    # The record must publish exactly the openings the rule read.
    record = json.loads(r.to_json())
    record["openings"] = record["openings"][:-1]
    tampered = kl.verify(alone, replacements=[json.dumps(record)])
    assert tampered.failed_step is not None and tampered.failed_step.id == "replacements"
    assert tampered.error_kind == "ReplacementMismatch"


def test_a_replacement_by_a_published_alternate_opens_nothing_more() -> None:
    # Loose quotas: the first alternate always fits, and the bundle already opens it.
    m = sealed_commit(alternates=2, lo=0, hi=4)
    alone = kl.Bundle.from_json(kl.draw(m, REVEAL).to_json())
    r = kl.replace(alone, alone.selected_tickets[:1])
    assert r.openings == [] and r.replacements[alone.selected_tickets[0]] == alone.alternate_tickets[0]
    assert kl.verify(alone, replacements=[r]).valid


# -- commit folders ------------------------------------------------------------------------------


def test_a_commit_folder_keeps_the_openings_and_draws_from_them(manifest: kl.Manifest, bundle: kl.Bundle, tmp_path: Path) -> None:
    folder = tmp_path / "commit"
    paths = manifest.write(folder)
    assert paths.openings == folder / "private" / "openings.json"
    written = json.loads(paths.openings.read_text(encoding="utf-8"))
    assert written == {"spec": kl.SPEC_VERSION, "openings": manifest.openings}
    assert "openings" not in paths  # the mapping keeps its five keys
    if os.name == "posix":  # private: every person's values, readable by the owner only
        assert paths.openings.stat().st_mode & 0o077 == 0
    # Loaded from the folder: the openings beside the manifest, by default.
    loaded = kl.Manifest.load(folder)
    assert loaded.sealed and loaded.openings == manifest.openings
    again = kl.draw(loaded, REVEAL)
    assert again.to_json() == bundle.to_json()
    # The draw never writes over the openings file it read.
    with pytest.raises(kl.InvalidInput) as e:
        again.write(paths.openings, overwrite=True)
    assert e.value.kind == "OutputIsInput"
    # The public files alone load, and cannot be drawn until the openings file is given.
    public = tmp_path / "public"
    public.mkdir()
    for name in ("manifest.json", "pool.json"):
        shutil.copy(folder / name, public / name)
    bare = kl.Manifest.load(public)
    assert bare.sealed and bare.openings is None
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(bare, REVEAL)
    assert e.value.kind == "OpeningMismatch"
    assert kl.draw(bare, REVEAL, openings=paths.openings).to_json() == bundle.to_json()
    assert kl.Manifest.load(public, openings=paths.openings).openings == manifest.openings
    from_list = kl.Manifest.load(public, openings=manifest.openings)
    assert kl.draw(from_list, REVEAL).to_json() == bundle.to_json()
    # A missing openings file named explicitly is an error that names it.
    with pytest.raises(kl.KleroterionError) as missing:
        kl.Manifest.load(public, openings=tmp_path / "nowhere.json")
    assert "nowhere.json" in str(missing.value)


def test_the_openings_file_of_another_commit_is_refused(manifest: kl.Manifest, tmp_path: Path) -> None:
    other = sealed_commit(key="7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a").write(tmp_path / "other")
    assert other.openings is not None
    public = kl.Manifest.from_json(manifest.to_json(), manifest.records.to_json())
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(public, REVEAL, openings=other.openings)
    assert e.value.kind == "OpeningMismatch" and str(other.openings) in str(e.value)
    # An openings file of another protocol version, named.
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"spec": "kleroterion/v1", "openings": []}), encoding="utf-8")
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(public, REVEAL, openings=old)
    assert "old.json" in str(e.value) and "kleroterion/v1" in str(e.value) and "Fix:" in str(e.value)


def test_an_open_commit_folder_refuses_an_openings_file(tmp_path: Path) -> None:
    m = kl.commit(pool(), quotas(), 4, method="lottery", panels=20, ticket_key=KEY, progress=False, allow_small_cells=3)
    paths = m.write(tmp_path / "commit")
    assert paths.openings is None and not (tmp_path / "commit" / "private" / "openings.json").exists()
    with pytest.raises(kl.InvalidInput) as e:
        kl.Manifest.load(tmp_path / "commit", openings=tmp_path / "openings.json")
    assert "does not seal the features" in str(e.value)
