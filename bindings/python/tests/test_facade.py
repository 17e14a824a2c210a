"""The facade's own checks: each misuse an analyst makes from pandas gives a KleroterionError that
names the argument and the fix; ids keep their type from the pool to receipts and replacements;
every public object displays as HTML in a notebook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import randomness as rnd

KEY = "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b"
ANNOUNCED = "2026-11-30T12:00:00Z"
RECIPE = rnd.recipe(rnd.lottery_source("euromillions", "2026-12-01"))


def people(n: int = 12) -> pd.DataFrame:
    """Integer ids, as pandas reads them from a spreadsheet."""
    return pd.DataFrame({"id": range(1000, 1000 + n), "g": ["f", "m"] * (n // 2), "age": ["young", "old", "old", "young"] * (n // 4)})


def quotas(lo: int = 2, hi: int = 4) -> kl.Quotas:
    return kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["g", "g", "age", "age"], "value": ["f", "m", "young", "old"], "min": [lo] * 4, "max": [hi] * 4})
    )


@pytest.fixture(scope="module")
def manifest() -> kl.Manifest:
    pool = kl.Pool.from_dataframe(people(), features=["g", "age"])
    return kl.commit(pool, quotas(), 4, allow_small_cells=1, method="greedy", alternates=2, ticket_key=KEY, randomness=RECIPE,
                     announced_at=ANNOUNCED, now=ANNOUNCED, progress=False)


@pytest.fixture(scope="module")
def bundle(manifest: kl.Manifest) -> kl.Bundle:
    return kl.draw(manifest, rnd.reveal(rnd.lottery("euromillions", [7, 18, 28, 40, 48], [[3, 9]])))


def message(e: pytest.ExceptionInfo[kl.KleroterionError]) -> str:
    return str(e.value)


# -- one test per misuse ------------------------------------------------------------------------


def test_draw_with_a_pool_instead_of_a_manifest() -> None:
    pool = kl.Pool.from_dataframe(people(), features=["g", "age"])
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(pool, [rnd.hex_value("00")])  # type: ignore[arg-type]
    assert "manifest" in message(e) and "kl.commit" in message(e) and "Pool" in message(e)
    assert e.value.kind == "InvalidArgument"


def test_lottery_numbers_as_numpy_arrays_are_accepted(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    source = {"kind": "lottery", "lottery": "euromillions", "main": np.array([7, 18, 28, 40, 48]), "bonus": [np.array([3, 9])]}
    assert kl.draw(manifest, {"sources": [source]}).transcript == bundle.transcript
    assert kl.draw(manifest, [source]).transcript == bundle.transcript
    two_d = rnd.lottery("euromillions", np.array([7, 18, 28, 40, 48], dtype=np.int64), np.array([[3, 9]]))
    assert kl.draw(manifest, rnd.reveal(two_d)).transcript == bundle.transcript


def test_lottery_numbers_that_are_not_whole_numbers(manifest: kl.Manifest) -> None:
    source = {"kind": "lottery", "lottery": "euromillions", "main": np.array([7.5, 18, 28, 40, 48]), "bonus": [[3, 9]]}
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(manifest, {"sources": [source]})
    assert "reveal.sources[0].main[0]" in message(e) and "not a whole number" in message(e)


def test_a_bare_list_where_groups_are_expected(manifest: kl.Manifest) -> None:
    with pytest.raises(kl.InvalidInput) as e:
        rnd.lottery("euromillions", [7, 18, 28, 40, 48], [3, 9])  # type: ignore[list-item]
    assert "bonus" in message(e) and "[[3, 9]]" in message(e) and "Fix" in message(e)
    with pytest.raises(kl.InvalidInput) as e2:
        kl.draw(manifest, {"sources": [{"kind": "lottery", "lottery": "euromillions", "main": [7, 18, 28, 40, 48], "bonus": [3, 9]}]})
    assert "reveal.sources[0].bonus" in message(e2) and "[[3, 9]]" in message(e2)


def test_a_bare_list_of_numbers_as_the_reveal(manifest: kl.Manifest) -> None:
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(manifest, [7, 18, 28, 40, 48])  # type: ignore[list-item]
    assert "reveal" in message(e) and "not a bare list of numbers" in message(e) and "rnd.reveal(" in message(e)


def test_a_negative_lottery_number(manifest: kl.Manifest) -> None:
    with pytest.raises(kl.InvalidInput) as e:
        rnd.lottery("euromillions", [-7, 18, 28, 40, 48], [[3, 9]])
    assert "main[0]" in message(e) and "-7" in message(e) and "never negative" in message(e)
    source = {"kind": "lottery", "lottery": "euromillions", "main": [7, 18, 28, 40, 48], "bonus": [[-3, 9]]}
    with pytest.raises(kl.InvalidInput) as e2:
        kl.draw(manifest, rnd.reveal(source))
    assert "reveal.sources[0].bonus[0][0]" in message(e2) and "never negative" in message(e2)
    with pytest.raises(kl.InvalidInput) as e3:
        kl.verify(kl.Bundle.from_json(kl.draw(manifest, rnd.reveal(rnd.lottery("euromillions", [7, 18, 28, 40, 48], [[3, 9]]))).to_json()),
                  lotteries=[{"lottery": "euromillions", "date": "2026-12-01", "main": [7, 18, 28, 40, -48], "bonus": [[3, 9]]}])
    assert "lotteries[0].main[4]" in message(e3)


def test_replace_with_one_id_as_a_string_or_a_number(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    first = bundle.selected.index[0]
    assert isinstance(first, (int, np.integer))
    one = kl.replace(bundle, dropped=first)
    listed = kl.replace(bundle, dropped=[first])
    assert one.hash == listed.hash
    by_text = kl.replace(bundle, dropped=str(first))
    assert by_text.hash == listed.hash
    by_ticket = kl.replace(bundle, dropped=bundle.selected_tickets[0])
    assert by_ticket.hash == listed.hash


def test_replace_names_who_is_unknown(bundle: kl.Bundle) -> None:
    with pytest.raises(kl.InvalidInput) as e:
        kl.replace(bundle, dropped="1282-nobody")
    assert "dropped[0]" in message(e) and "1282-nobody" in message(e) and "Fix" in message(e)
    assert e.value.kind == "UnknownTicket"


def test_feasibility_never_raises_for_minimums_above_the_panel() -> None:
    pool = kl.Pool.from_dataframe(people(), features=["g", "age"])
    f = kl.feasibility(pool, quotas(3, 4), 4)
    assert not f and f.feasible is False
    assert f.reason is not None and "minimums" in f.reason and "add up to 6" in f.reason
    assert str(f).startswith("not feasible")


def test_errors_carry_the_line_their_message_names(tmp_path: Path) -> None:
    path = tmp_path / "quotas.csv"
    path.write_text("feature,value,min,max\ng,f,3,4\ng,m,3,4\nage,young,0,4\nage,old,0,4\n", encoding="utf-8")
    pool = kl.Pool.from_dataframe(people(), features=["g", "age"])
    with pytest.raises(kl.InvalidInput) as e:
        kl.fair.leximin(pool, kl.Quotas.from_csv(path), 4, progress=False)
    assert e.value.line == 2 and f"line {e.value.line}:" in message(e)
    assert e.value.file == str(path)
    # From a DataFrame: the row label rather than a line of a file that does not exist.
    frame = pd.DataFrame({"feature": ["g", "g"], "value": ["f", "m"], "min": [3, 3], "max": [4, 4]}, index=["women", "men"])
    with pytest.raises(kl.InvalidInput) as e2:
        kl.fair.leximin(pool.__class__.from_dataframe(people()[["id", "g"]], features=["g"]), kl.Quotas.from_dataframe(frame), 4,
                        progress=False)
    assert e2.value.row == "women" and "row 'women'" in message(e2) and not re.search(r"line \d", message(e2))


def test_a_nan_in_the_min_column_names_its_row() -> None:
    frame = pd.DataFrame({"feature": ["g", "g", "g"], "value": ["f", "m", "x"], "min": [18.0, np.nan, 0.0], "max": [20, 20, 3]},
                         index=[10, 11, 12])
    with pytest.raises(kl.InvalidInput) as e:
        kl.Quotas.from_dataframe(frame)
    assert e.value.row == 11 and e.value.column == "min"
    assert "row 11" in message(e) and "18.0" not in message(e)
    # Whole floats alone (pandas' way of holding integers beside a missing cell) are read as
    # the whole numbers they are.
    ok = kl.Quotas.from_dataframe(frame.fillna(1.0))
    assert ok["g", "m"].min == 1 and ok["g", "f"].min == 18


def test_a_quota_for_a_value_nobody_has() -> None:
    pool = kl.Pool.from_dataframe(people(), features=["g", "age"])
    q = kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["g", "g", "g"], "value": ["f", "m", "femme"], "min": [1, 1, 1], "max": [3, 3, 2]})
    )
    f = kl.feasibility(pool, q, 4)
    assert not f and f.nobody_has == [("g", "femme")]
    assert f.reason is not None and "Nobody in the pool has g=femme" in f.reason
    with pytest.raises(kl.InfeasibleQuotas) as e:
        kl.fair.leximin(pool, q, 4, progress=False)
    assert "Nobody in the pool has g=femme" in message(e)
    # With a minimum of 0 a panel exists; the answer still says that nobody has it.
    q0 = kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["g", "g", "g"], "value": ["f", "m", "femme"], "min": [1, 1, 0], "max": [3, 3, 2]})
    )
    f0 = kl.feasibility(pool, q0, 4)
    assert f0 and f0.nobody_has == [("g", "femme")] and "nobody in the pool has g=femme" in str(f0)


def test_commit_names_a_misspelt_method_and_a_wrong_argument() -> None:
    pool = kl.Pool.from_dataframe(people(), features=["g", "age"])
    # The ignore below is checked: scripts/ci/python runs mypy with --warn-unused-ignores, so if
    # `method` stopped being a Literal, mypy would fail on this line.
    with pytest.raises(kl.InvalidInput) as e:
        kl.commit(pool, quotas(), 4, allow_small_cells=1, method="leximim", ticket_key=KEY)  # type: ignore[arg-type]
    assert "method" in message(e) and "'leximim'" in message(e) and "lottery" in message(e)
    with pytest.raises(kl.InvalidInput) as e2:
        kl.commit(people(), quotas(), 4, allow_small_cells=1, ticket_key=KEY)  # type: ignore[arg-type]
    assert "pool must be a kl.Pool" in message(e2) and "DataFrame" in message(e2)
    with pytest.raises(kl.InvalidInput) as e3:
        kl.fair.leximin(pool, quotas(), 0, progress=False)
    assert "size" in message(e3)


# -- ids in, ids out ----------------------------------------------------------------------------


def test_integer_ids_stay_integers(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    pool = manifest.pool
    assert pool is not None and pool.ids.dtype == np.int64 and pool.ids[0] == 1000
    tickets = manifest.tickets
    assert tickets is not None and tickets.index.dtype == np.int64
    assert manifest.receipts[1000].ticket == tickets[1000]
    assert 1000 in manifest.receipts and "1000" in manifest.receipts and 999 not in manifest.receipts
    assert bundle.selected.index.dtype == np.int64
    assert set(bundle.selected["ticket"]) == set(bundle.selected_tickets)


def test_float_ids_lose_no_digits_and_gain_no_point() -> None:
    df = people(4)
    df["id"] = [1.0, 2.0, 3.0, 4.0]
    pool = kl.Pool.from_dataframe(df, features=["g"])
    assert pool.ids.tolist() == [1, 2, 3, 4]
    q = kl.Quotas.from_dataframe(pd.DataFrame({"feature": ["g", "g"], "value": ["f", "m"], "min": [1, 1], "max": [1, 1]}))
    m = kl.commit(pool, q, 2, allow_small_cells=1, method="uniform", ticket_key=KEY)
    assert m.receipts[3].ticket == m.tickets[3]  # type: ignore[index]
    assert "1.0" not in m.records.to_json()


def test_ids_under_a_header_with_spaces_are_the_columns_values() -> None:
    pool = kl.Pool.from_dataframe(pd.DataFrame({" id ": ["x", "y"], "g": ["f", "m"]}), features=["g"])
    assert pool.ids.tolist() == ["x", "y"]
    assert kl.Pool.from_dataframe(pd.DataFrame({"g": ["f", "m"]}), features=["g"]).ids.tolist() == [1, 2]


def test_an_error_names_the_row_label_and_the_id() -> None:
    df = people(4).set_index(pd.Index(["r1", "r2", "r3", "r4"]))
    df.loc["r3", "g"] = "femme"
    pool = kl.Pool.from_dataframe(df, features=["g"])
    q = kl.Quotas.from_dataframe(pd.DataFrame({"feature": ["g", "g"], "value": ["f", "m"], "min": [1, 1], "max": [1, 1]}))
    with pytest.raises(kl.InvalidInput) as e:
        kl.fair.leximin(pool, q, 2, progress=False)
    assert e.value.row == "r3" and e.value.id == 1002
    assert "row 'r3' (id 1002)" in message(e) and not re.search(r"line \d", message(e))


def test_replacements_in_ids_with_tickets_beside_them(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    dropped = list(bundle.selected.index[:2])
    r = kl.replace(bundle, dropped=dropped)
    assert r.ids_known
    frame = r.to_frame()
    assert frame["id"].tolist() == dropped
    assert frame["ticket"].tolist() == bundle.selected_tickets[:2]
    ids = manifest.tickets
    assert ids is not None
    for _, row in frame.iterrows():
        if row["replacement_ticket"] is not None:
            assert ids[row["replacement_id"]] == row["replacement_ticket"]
    assert list(r.by_id) == dropped
    assert len(r.panel_ids) == len(r.panel) and all(isinstance(i, (int, np.integer)) for i in r.panel_ids)
    # The published record names tickets only, and verifies.
    assert "1000" not in json.dumps(json.loads(r.to_json())["dropped"])
    assert kl.verify(bundle, replacements=[r]).valid
    # Read back from its file, it knows tickets only.
    loaded = kl.Replacement.from_json(r.to_json())
    assert not loaded.ids_known and loaded.by_id == r.replacements


# -- notebooks ----------------------------------------------------------------------------------


def test_every_public_object_has_an_html_display(manifest: kl.Manifest, bundle: kl.Bundle) -> None:
    pool = manifest.pool
    assert pool is not None
    q = quotas()
    shown = {
        "pool": pool._repr_html_(),
        "quotas": q._repr_html_(),
        "feasibility": kl.feasibility(pool, q, 4)._repr_html_(),
        "infeasible": kl.feasibility(pool, quotas(3, 4), 4)._repr_html_(),
        "replacement": kl.replace(bundle, bundle.selected.index[0])._repr_html_(),
        "receipt": manifest.receipts[1000]._repr_html_(),
        "receipt check": manifest.receipts[1000].check(bundle)._repr_html_(),
        "distribution": kl.fair.leximin(pool, q, 4, progress=False)._repr_html_(),
        "manifest": manifest._repr_html_(),
        "bundle": bundle._repr_html_(),
        "report": kl.verify(bundle)._repr_html_(),
    }
    for name, text in shown.items():
        assert text.startswith("<") and "<table" in text or "<p" in text, name
    assert "1000" in shown["pool"] and "<table" in shown["quotas"]
    assert "Feasible" in shown["feasibility"] and "Not feasible" in shown["infeasible"]
    assert "replacement_id" in shown["replacement"]
    assert manifest.receipts[1000].ticket in shown["receipt"]


def test_html_escapes_texts_from_the_data() -> None:
    df = pd.DataFrame({"id": ["<b>x</b>", "y"], "g": ["<i>f</i>", "m"]})
    pool = kl.Pool.from_dataframe(df, features=["g"])
    assert "<b>x</b>" not in pool._repr_html_() and "&lt;b&gt;x&lt;/b&gt;" in pool._repr_html_()


def test_a_report_without_a_recipe_says_so_first() -> None:
    pool = kl.Pool.from_dataframe(people(), features=["g", "age"])
    m = kl.commit(pool, quotas(), 4, allow_small_cells=1, method="uniform", ticket_key=KEY)
    report = kl.verify(kl.draw(m, [rnd.hex_value("00")]), commitment=m.commitment)
    assert report.summary.startswith(report.headline) and "RANDOMNESS NOT COMMITTED" in report.summary
    assert str(report).splitlines()[0] == report.summary
    assert "RANDOMNESS NOT COMMITTED" in report._repr_html_().split("</p>")[0]
    # From the bundle's text alone (no manifest object), the same.
    again = kl.verify(kl.draw(m, [rnd.hex_value("00")]).to_json())
    assert "RANDOMNESS NOT COMMITTED" in str(again).splitlines()[0]


def test_a_report_with_a_recipe_says_nothing_of_the_kind(bundle: kl.Bundle) -> None:
    assert "NOT COMMITTED" not in kl.verify(bundle).summary


def test_spec_ships_with_the_package() -> None:
    assert kl.SPEC_PATH.name == "SPEC.md" and kl.SPEC_PATH.is_file()
    assert "## 10. Alternates and replacements" in kl.SPEC_PATH.read_text(encoding="utf-8")
