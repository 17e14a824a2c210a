"""LEXIMIN through Python on the shared instances, against the reference figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kleroterion as kl

from conftest import REPLICATION, SF

HOUSEHOLD = ["primary_address1", "primary_zip"]


@pytest.fixture(scope="module")
def sf_pool() -> kl.Pool:
    return kl.Pool.from_csv(SF / "candidates.csv", id="nationbuilder_id", household=HOUSEHOLD)


@pytest.fixture(scope="module")
def sf_quotas() -> kl.Quotas:
    return kl.Quotas.from_csv(SF / "features.csv")


@pytest.fixture(scope="module")
def sf_leximin(sf_pool: kl.Pool, sf_quotas: kl.Quotas) -> kl.Distribution:
    return kl.fair.leximin(sf_pool, sf_quotas, 22, progress=False)


def test_sortition_foundation_fixture(sf_leximin: kl.Distribution, sf_pool: kl.Pool) -> None:
    d = sf_leximin
    assert len(sf_pool) == 150
    assert abs(d.min_probability - 1 / 11) < 1e-6
    assert isinstance(d.probabilities, pd.Series)
    assert d.probabilities.index.name == "nationbuilder_id"
    assert list(d.probabilities.index[:2]) == ["p0", "p1"]
    assert abs(float(d.probabilities.sum()) - 22) < 1e-6
    assert abs(min(d.probabilities) - d.min_probability) < 1e-12
    assert math.isclose(sum(d.weights), 1.0, abs_tol=1e-6)
    assert 0 <= d.gini < 1
    # Every panel of the support meets the quotas and the household rule.
    hh = sf_pool.households
    assert hh is not None
    for j in range(len(d.weights)):
        ids = d.panel_ids(j)
        assert len(ids) == 22
        assert hh.loc[ids].dropna().is_unique


def test_portfolio(sf_leximin: kl.Distribution) -> None:
    p = sf_leximin.to_portfolio(m=1000)
    assert p.m == 1000
    assert p.max_change <= p.bound + 1e-12
    assert abs(p.min_probability - sf_leximin.min_probability) <= p.bound + 1e-9
    assert (p.probabilities * 1000).round(9).apply(float.is_integer).all()


def test_expected_composition(sf_leximin: kl.Distribution) -> None:
    e = sf_leximin.expected()
    assert list(e.columns) == ["feature", "value", "min", "max", "expected"]
    assert ((e["expected"] >= e["min"] - 1e-6) & (e["expected"] <= e["max"] + 1e-6)).all()
    html = sf_leximin._repr_html_()
    assert "LEXIMIN" in html and "age_bracket" in html


def test_plot(sf_leximin: kl.Distribution) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = sf_leximin.plot()
    assert ax.get_ylabel() == "selection probability"


@pytest.mark.parametrize(("name", "k"), [("example_small_20", 20), ("example_large_200", 200)])
def test_replication_examples(name: str, k: int) -> None:
    pool = kl.Pool.from_csv(REPLICATION / name / "respondents.csv")
    quotas = kl.Quotas.from_csv(REPLICATION / name / "categories.csv")
    assert quotas.features == ["gender", "leaning"]
    d = kl.fair.leximin(pool, quotas, k, progress=False)
    assert abs(d.min_probability - 0.10) < 1e-6
    assert d.probabilities.index[0] == 1  # 1-based row numbers, as the command line does


def test_maximin_reaches_the_same_minimum(sf_pool: kl.Pool, sf_quotas: kl.Quotas) -> None:
    d = kl.fair.maximin(sf_pool, sf_quotas, 22, progress=False)
    assert abs(d.min_probability - 1 / 11) < 1e-6


def test_progress_callback_and_bar(sf_pool: kl.Pool, sf_quotas: kl.Quotas) -> None:
    seen: list[tuple[str, int]] = []

    def callback(phase: str, level: int, fixed: int, people: int, panels: int, value: float) -> None:
        seen.append((phase, fixed))
        assert people == 150

    kl.fair.leximin(sf_pool, sf_quotas, 22, progress=callback)
    assert seen and seen[-1] == ("finishing", 150)
    # The relaxation's LEXIMIN, then its decomposition into panels.
    phases = [phase for phase, _ in seen]
    assert phases[0] == "relaxation"
    assert phases.index("decomposing") > phases.index("relaxation")
    assert set(phases) == {"relaxation", "decomposing", "finishing"}
    # The tqdm bar (written to stderr) does not change the result.
    d = kl.fair.leximin(sf_pool, sf_quotas, 22, progress=True)
    assert abs(d.min_probability - 1 / 11) < 1e-6


def test_rounding_progress_and_stop(sf_leximin: kl.Distribution) -> None:
    seen: list[tuple[str, int, float]] = []

    def callback(phase: str, level: int, fixed: int, people: int, panels: int, value: float) -> None:
        seen.append((phase, level, value))
        assert (fixed, people) == (0, 150)

    p = sf_leximin.to_portfolio(1000, progress=callback)
    assert [phase for phase, _, _ in seen] == ["rounding"] * len(seen)
    assert [level for _, level, _ in seen] == list(range(1, len(seen) + 1))
    # The best largest change so far, ending at the portfolio's.
    assert all(b <= a for (_, _, a), (_, _, b) in zip(seen, seen[1:]))
    assert math.isclose(seen[-1][2], p.max_change, abs_tol=1e-12)

    class Stop(Exception):
        pass

    def stop(phase: str, level: int, *_: object) -> None:
        if level == 2:
            raise Stop

    with pytest.raises(Stop):
        sf_leximin.to_portfolio(1000, progress=stop)


def test_feasibility(sf_pool: kl.Pool, sf_quotas: kl.Quotas) -> None:
    f = kl.feasibility(sf_pool, sf_quotas, 22)
    assert f and f.example is not None and len(f.example) == 22
    tight = sf_quotas.to_dataframe()
    # Nobody in the pool is non-binary: asking for one makes every panel impossible.
    tight.loc[(tight.feature == "Gender") & (tight.value == "Non-binary or other"), ["min", "max"]] = 1
    f = kl.feasibility(sf_pool, kl.Quotas.from_dataframe(tight), 22)
    assert not f
    assert [(r.feature, r.value, r.bound, r.current, r.needed) for r in f.relaxations] == [
        ("Gender", "Non-binary or other", "min", 1, 0)
    ]
    assert str(f).startswith("not feasible")
    with pytest.raises(kl.InfeasibleQuotas) as e:
        kl.fair.leximin(sf_pool, kl.Quotas.from_dataframe(tight), 22, progress=False)
    assert "lower the min of Gender=Non-binary or other from 1 to 0" in str(e.value)
