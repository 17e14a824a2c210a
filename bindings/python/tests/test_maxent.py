"""The maxent method (SPEC.md section 9.6, a draft of protocol version 3) through Python: a commit
with ``method="maxent"`` on a small pandas pool that then draws and verifies, the figures of the
commit, its arguments and their errors, the rejections of a bundle and the record of its picks.
The shared vectors of maxent draws are reproduced in test_vectors.py."""

from __future__ import annotations

import itertools
import json
import math
from math import comb
from typing import Any

import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import lowlevel as ll
from kleroterion import randomness as rnd

KEY = "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b"
RECIPE = rnd.recipe(rnd.hex_source("read aloud at the meeting"))
N = 24


def people() -> pd.DataFrame:
    """Twenty-four volunteers: gender alternates, age goes by pairs, and people 0 and 2, 1 and
    3, 4 and 6... share a household (one young and one old of the same gender)."""
    return pd.DataFrame(
        {
            "id": range(100, 100 + N),
            "gender": ["f", "m"] * (N // 2),
            "age": ["young", "young", "old", "old"] * (N // 4),
            "address": [f"{i // 4} rue {'A' if i % 2 == 0 else 'B'}" for i in range(N)],
        }
    )


def quotas() -> kl.Quotas:
    """Two of each gender and two of each age on a panel of four."""
    return kl.Quotas.from_dataframe(
        pd.DataFrame(
            {
                "feature": ["gender", "gender", "age", "age"],
                "value": ["f", "m", "young", "old"],
                "min": [2, 2, 2, 2],
                "max": [2, 2, 2, 2],
            }
        )
    )


def pool(households: bool = True) -> kl.Pool:
    return kl.Pool.from_dataframe(people(), features=["gender", "age"], household="address" if households else None)


def commit(**kwargs: Any) -> kl.Manifest:
    args: dict[str, Any] = dict(
        method="maxent", ticket_key=KEY, allow_small_cells=1, alternates=2, randomness=RECIPE, progress=False
    )
    args.update(kwargs)
    p = args.pop("pool", None)
    return kl.commit(pool() if p is None else p, quotas(), 4, **args)


@pytest.fixture(scope="module")
def manifest() -> kl.Manifest:
    return commit(count=["gender"])


def reveals(n: int) -> list[dict[str, Any]]:
    return [rnd.reveal(rnd.hex_value(f"{i:04x}")) for i in range(n)]


def records(m: kl.Manifest) -> list[dict[str, Any]]:
    return [json.loads(m.records.record_json(i)) for i in range(len(m.records))]


def test_commit_writes_the_method_and_its_figures(manifest: kl.Manifest) -> None:
    m = manifest
    assert m.method == "maxent" and m.data["household_rule"] is True
    method = m.data["method"]
    assert method["counted"] == ["gender"] and method["max_attempts"] == 10_000
    assert not method.get("weights")
    figures = m.maxent
    assert figures is not None
    # The count enforces gender exactly: two of the twelve women, two of the twelve men.
    assert figures["panels"] == comb(N // 2, 2) ** 2
    assert figures["max_attempts"] == 10_000 and figures["walks"] == 2000
    assert 0 < figures["accepted"] < figures["walks"]  # age and households are met by rejection
    assert figures["cells"] > 0
    assert str(figures["panels"]) in figures["summary"] and "attempts" in figures["summary"]
    # A verifier's count of the published manifest and pool is the commit's.
    count = ll.maxent_count(m.data, records(m))
    assert (count["cells"], count["total"]) == (figures["cells"], figures["panels"])
    assert [t["values"] for t in count["types"]] == [[0], [1]]
    # Shown in a notebook.
    html = m._repr_html_()
    assert "counted features: gender" in html and "maxent count" in html
    # Loaded from files, the figures are not known; the method is.
    loaded = kl.Manifest.from_json(m.to_json(), m.records.to_json())
    assert loaded.maxent is None and loaded.commitment == m.commitment


def test_draws_verify_and_meet_every_quota(manifest: kl.Manifest) -> None:
    rejected = 0
    for reveal in reveals(12):
        b = kl.draw(manifest, reveal)
        report = kl.verify(b, commitment=manifest.commitment)
        assert report.valid, report.error
        panel = b.selected
        assert panel["gender"].value_counts().to_dict() == {"f": 2, "m": 2}
        assert panel["age"].value_counts().to_dict() == {"young": 2, "old": 2}
        assert panel["address"].is_unique  # the household rule
        assert isinstance(b.rejections, int) and b.rejections >= 0
        rejected += b.rejections
        # The rejections travel in the bundle's JSON.
        again = kl.Bundle.from_json(b.to_json())
        assert again.rejections == b.rejections and json.loads(b.to_json())["result"]["rejections"] == b.rejections
    assert rejected > 0, "no draw of the fixture rejected a panel: the test shows nothing of rejections"


def test_picks_of_kind_attempt(manifest: kl.Manifest) -> None:
    b = next(b for b in (kl.draw(manifest, r) for r in reveals(12)) if b.rejections)
    assert b.rejections is not None
    picks = b.picks()
    attempts = picks[picks["stream"] == "panel"]
    # Fewer than 2^64 panels: one pick of uniform(Z) per attempt, up to the accepted one.
    assert attempts["kind"].tolist() == ["attempt"] * (b.rejections + 1)
    assert attempts["picked"].tolist() == attempts["index"].tolist() == list(range(b.rejections + 1))
    assert all(t is None for t in attempts["ticket"])
    assert (attempts["among"] == comb(N // 2, 2) ** 2).all()
    people = picks[picks["kind"] == "person"]
    assert (people["stream"] == "alternates").all() and people["ticket"].tolist() == b.alternate_tickets
    assert f"{b.rejections} walked panels rejected" in b._repr_html_()


def test_other_methods_have_no_rejections_and_no_figures() -> None:
    g = commit(method="greedy")
    assert g.maxent is None and g.data["method"] == {"name": "greedy", "max_attempts": 100}
    b = kl.draw(g, reveals(1)[0])
    assert b.rejections is None and "rejections" not in json.loads(b.to_json())["result"]
    assert "rejected" not in b._repr_html_()


def test_max_attempts_defaults_by_method() -> None:
    assert commit(count=["gender"], max_attempts=500).data["method"]["max_attempts"] == 500
    # greedy keeps its default of 100, and an explicit number as before.
    assert commit(method="greedy", max_attempts=7).data["method"]["max_attempts"] == 7
    with pytest.raises(kl.InvalidInput) as e:
        commit(count=["gender"], max_attempts=0)
    assert "max_attempts" in str(e.value)
    with pytest.raises(kl.InvalidInput) as e:
        commit(count=["gender"], max_attempts=100_001)
    assert e.value.kind == "InvalidMethod" and "100,000" in str(e.value)


def test_counted_features_in_any_order() -> None:
    a = commit(count=["gender", "age"])
    b = commit(count=["age", "gender"])
    assert a.commitment == b.commitment and sorted(a.data["method"]["counted"]) == ["age", "gender"]
    # Every quota counted: every walk is kept but for the household rule.
    figures = a.maxent
    assert figures is not None and figures["accepted"] > 0
    # One name alone is a list of one; without households, every walk meets every quota.
    c = commit(count="gender", pool=pool(households=False))
    assert c.data["method"]["counted"] == ["gender"]
    d = commit(count=("gender", "age"), pool=pool(households=False))
    assert d.maxent is not None and d.maxent["accepted"] == d.maxent["walks"]
    # Six people of each (gender, age): two young women and two old men, one of each pair, or
    # two young men and two old women.
    assert d.maxent["panels"] == 2 * comb(N // 4, 2) ** 2 + (N // 4) ** 4


def test_an_unknown_counted_feature_is_refused() -> None:
    with pytest.raises(kl.InvalidInput) as e:
        commit(count=["gendre"])
    message = str(e.value)
    assert e.value.kind == "UnknownFeature"
    assert "'gendre'" in message and "count=" in message and "'gender'" in message and "'age'" in message
    # The files crate refuses it too, when the facade is bypassed.
    p, q = pool(), quotas()
    with pytest.raises(kl.InvalidInput) as e2:
        kl._native.commit(p.people(q), q.native, 4, "maxent", count=["gendre"], ticket_key=KEY, allow_small_cells=1)
    assert '"gendre"' in str(e2.value) and "not a quota feature" in str(e2.value)
    with pytest.raises(kl.InvalidInput) as e3:
        commit(count=["gender", "gender"])
    assert "twice" in str(e3.value)
    with pytest.raises(kl.InvalidInput) as e4:
        commit(count=[3])
    assert "count" in str(e4.value)


def test_count_is_only_for_maxent() -> None:
    with pytest.raises(kl.InvalidInput) as e:
        commit(method="greedy", count=["gender"])
    assert "count=" in str(e.value) and "maxent" in str(e.value)


def test_a_draw_that_would_likely_fail_is_refused_with_the_python_fix() -> None:
    # Nothing counted and one attempt: most walks break a quota.
    with pytest.raises(kl.InvalidInput) as e:
        commit(max_attempts=1)
    message = str(e.value)
    assert "would fail too often" in message
    assert "(count=)" in message and "max_attempts=" in message and "--" not in message


def test_sealed_features_are_refused() -> None:
    with pytest.raises(kl.InvalidInput) as e:
        commit(count=["gender"], sealed=True)
    assert "lottery" in str(e.value)


def test_replacement_keeps_the_quotas(manifest: kl.Manifest) -> None:
    b = kl.draw(manifest, reveals(1)[0])
    dropped = b.selected.index[0]
    r = kl.replace(b, [dropped])
    assert r.by_id[dropped] is not None and not r.broken_quotas
    assert kl.verify(b, replacements=[r]).valid


def test_exact_probabilities_only_when_nothing_can_be_rejected(manifest: kl.Manifest) -> None:
    # Age and households are met by rejection: the probabilities are not given by the count.
    figures = manifest.maxent
    assert figures is not None and figures["exact"] is None
    # Both features counted and no household rule: every one of the 24 is on a panel of four
    # with the same chance (each pair of a gender and an age holds six people, and a panel takes
    # one of each pair), 4 / 24.
    m = commit(count=["gender", "age"], pool=pool(households=False))
    figures = m.maxent
    assert figures is not None and figures["accepted"] == figures["walks"]
    assert figures["exact"] is not None
    lowest, highest = figures["exact"]
    assert lowest == pytest.approx(4 / N) and highest == pytest.approx(4 / N)
    assert "selection probabilities are exact" in figures["summary"]


def test_weights_from_a_column_give_the_exact_probabilities_of_brute_force() -> None:
    # Every quota counted and no households: nothing is rejected, so the chances are exact.
    frame = people().assign(w=[1 + i % 5 for i in range(N)])
    weighted = kl.Pool.from_dataframe(frame, features=["gender", "age"])
    m = commit(pool=weighted, count=["gender", "age"], weights="w")
    figures = m.maxent
    assert figures is not None and figures["weighted"] and "weigh" in figures["summary"]
    # Brute force over every panel of four: the weight of the panels meeting every quota.
    rows = frame.to_dict("records")
    z, held = 0, [0] * N
    for panel in itertools.combinations(range(N), 4):
        genders = [rows[i]["gender"] for i in panel]
        ages = [rows[i]["age"] for i in panel]
        if genders.count("f") != 2 or ages.count("young") != 2:
            continue
        weight = math.prod(rows[i]["w"] for i in panel)
        z += weight
        for i in panel:
            held[i] += weight
    assert figures["panels"] == z
    assert figures["exact"] is not None
    lowest, highest = figures["exact"]
    assert lowest == pytest.approx(min(held) / z, rel=1e-12)
    assert highest == pytest.approx(max(held) / z, rel=1e-12)
    # The manifest commits to each person's weight, in pool order.
    tickets = m.tickets
    assert tickets is not None
    id_of = {str(ticket): int(str(i)) for i, ticket in tickets.items()}
    weights = m.data["method"]["weights"]
    for position, record in enumerate(records(m)):
        assert weights[position] == 1 + (id_of[record["ticket"]] - 100) % 5
    report = kl.verify(kl.draw(m, reveals(1)[0]), commitment=m.commitment)
    assert report.valid, report.error


def test_weights_are_checked() -> None:
    frame = people().assign(w=[0] + [1] * (N - 1))
    with pytest.raises(kl.InvalidInput) as e:
        commit(pool=kl.Pool.from_dataframe(frame, features=["gender", "age"]), count=["gender", "age"], weights="w")
    assert "column \"w\"" in str(e.value) and "whole number from 1" in str(e.value)
    with pytest.raises(kl.InvalidInput) as e2:
        commit(count=["gender"], weights="weight")
    assert "no column \"weight\"" in str(e2.value)
    with pytest.raises(kl.InvalidInput) as e3:
        commit(method="greedy", weights="w")
    assert "maxent" in str(e3.value)


def test_weights_fitted_to_leximin_bring_every_chance_to_a_quarter() -> None:
    # Nine panels pair a young woman with an old man, one an old woman with a young man: drawn
    # uniformly the old woman's chance is 1/10; LEXIMIN gives everyone 1/4 (by hand), which the
    # fitted weights must reach.
    frame = pd.DataFrame(
        {"id": range(1, 9), "gender": ["f"] * 4 + ["m"] * 4, "age": ["y", "y", "y", "o", "y", "o", "o", "o"]}
    )
    one_each = kl.Quotas.from_dataframe(
        pd.DataFrame(
            {"feature": ["gender", "gender", "age", "age"], "value": ["f", "m", "y", "o"], "min": 1, "max": 1}
        )
    )
    m = kl.commit(
        kl.Pool.from_dataframe(frame),
        one_each,
        2,
        method="maxent",
        count=["gender", "age"],
        fit_to_leximin=True,
        ticket_key=KEY,
        allow_small_cells=1,
        progress=False,
    )
    figures = m.maxent
    assert figures is not None and figures["weighted"] and figures["fit"] is not None
    assert figures["fit"]["leximin_min"] == pytest.approx(0.25)
    assert figures["exact"] is not None
    lowest, highest = figures["exact"]
    assert lowest == pytest.approx(0.25, abs=1e-4) and highest == pytest.approx(0.25, abs=1e-4)
    with pytest.raises(kl.InvalidInput) as e:
        commit(count=["gender"], fit_to_leximin=True)
    assert "only when no panel can be rejected" in str(e.value)
    with pytest.raises(kl.InvalidInput) as e2:
        commit(count=["gender"], fit_to_leximin=True, weights="w")
    assert "give one of them" in str(e2.value)
