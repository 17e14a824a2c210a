"""Fair selection probabilities: LEXIMIN and maximin (crate kleroterion-fair), rounding to a
uniform lottery over M panels, and quota feasibility with the smallest relaxation."""

from __future__ import annotations

import contextlib
import json
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Optional, Union

import pandas as pd

from . import _display, _native
from ._native import InfeasibleQuotas, InvalidInput
from .pool import Pool, Quotas, check_args

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "Distribution",
    "Feasibility",
    "Portfolio",
    "Relaxation",
    "feasibility",
    "leximin",
    "maximin",
]

FairMethod = Literal["leximin", "maximin"]
"""How a :class:`Distribution` was computed."""
Bound = Literal["min", "max"]
"""The bound of a quota a relaxation changes."""
ProgressCallback = Callable[[str, int, int, int, int, float], object]
Progress = Union[bool, ProgressCallback]


DECOMPOSITION_TARGET: float = _native.DECOMPOSITION_TARGET
"""The deviation at which LEXIMIN's decomposition stops (the fair crate's target): the
largest difference between anyone's probability under the panels found so far and their
target probability."""


def decomposition_fraction(first: float, deviation: float) -> float:
    """How far the decomposition has gone, from 0 to 1, on a log scale: from its first
    deviation ``first`` down to :data:`DECOMPOSITION_TARGET` (the fair crate's function, as the
    command line shows it). The deviation falls by orders of magnitude, so the fraction moves
    evenly through the run."""
    return _native.decomposition_fraction(first, deviation)


@contextlib.contextmanager
def _progress(progress: Progress, people: int, active: bool = True) -> Iterator[Optional[ProgressCallback]]:
    """A tqdm bar (notebook-aware), or the caller's callback, or nothing. The bar counts the
    people whose probability is fixed; while decomposing (when nobody's is fixed until the
    end), it shows the percentage of the way from the first deviation to the target, on a log
    scale (:func:`decomposition_fraction`); while rounding, it counts the rounds and shows the
    largest change so far."""
    if callable(progress):
        yield progress
        return
    if not progress or not active:
        yield None
        return
    from tqdm.auto import tqdm  # imported only when a bar is asked for

    bar = tqdm(total=people, desc="LEXIMIN", unit="people", leave=False)
    first: list[float] = []

    def update(phase: str, level: int, fixed: int, total: int, panels: int, value: float) -> None:
        if phase == "rounding":
            if bar.unit != "rounds":
                bar.reset()
                bar.total = None  # a count of rounds, with no end known in advance
                bar.unit = "rounds"
            bar.n = level
            bar.set_description("rounding to a lottery", refresh=False)
            bar.set_postfix(panels=panels, largest_change=f"{value:.3%}", refresh=False)
            bar.refresh()
            return
        if phase == "decomposing":
            if not first:
                first.append(value)
                bar.reset(total=100)
                bar.unit = "%"
            bar.n = max(bar.n, int(100 * decomposition_fraction(first[0], value)))
            bar.set_postfix(panels=panels, gap=f"{value:.1e}", refresh=False)
        elif first:
            bar.n = 100
            bar.set_postfix(panels=panels, refresh=False)
        else:
            bar.n = fixed
            bar.set_postfix(level=level, panels=panels, min=f"{value:.4%}", refresh=False)
        bar.set_description(f"LEXIMIN ({phase})", refresh=False)
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


def _stats(report_json: str) -> dict[str, float]:
    return {k: float(v) for k, v in json.loads(report_json).items()}


class Portfolio:
    """A uniform lottery over M panels taken from a distribution's support; the ``lottery``
    method commits to it."""

    def _repr_html_(self) -> str:
        return _display.portfolio_html(self)


    def __init__(self, data: dict[str, Any], ids: pd.Index, size: int) -> None:
        self.panels: list[list[int]] = data["panels"]
        """The M panels, each ascending positions in the pool's file order."""
        self.probabilities = pd.Series(data["probabilities"], index=ids, name="probability")
        """Each person's probability under the lottery (panels holding them / M)."""
        self.rounding: str = data["rounding"]
        """How it was rounded: ``"minimax"`` or ``"systematic"``."""
        self.max_change: float = float(data["max_change"])
        """The largest change of anyone's probability from the distribution."""
        self.changed = ids[data["changed"]]
        """The people whose probability changed by ``max_change``."""
        self.min_before: float = float(data["min_before"])
        """The distribution's lowest probability."""
        self.min_after: float = float(data["min_after"])
        """The lottery's lowest probability."""
        self.lower_bound: float = float(data["lower_bound"])
        """No lottery of M panels has a smaller ``max_change``."""
        self.bound: float = float(data["bound"])
        """The guaranteed bound on ``max_change``."""
        self.warning: Optional[str] = data["warning"]
        """Set when ``max_change`` is above two panels' worth (2/M); also raised as a
        :class:`~kleroterion.RoundingWarning` by :meth:`Distribution.to_portfolio`."""
        self._report = {k: float(v) for k, v in data["report"].items()}
        self.size = size

    @property
    def m(self) -> int:
        return len(self.panels)

    @property
    def min_probability(self) -> float:
        return self._report["min"]

    @property
    def gini(self) -> float:
        return self._report["gini"]

    def __repr__(self) -> str:
        return f"Portfolio(M={self.m}, min={self.min_probability:.4%}, max_change={self.max_change:.2e})"


class Distribution:
    """A distribution over panels and each person's selection probability."""

    def __init__(
        self,
        native: _native.Distribution,
        instance: _native.Instance,
        pool: Pool,
        quotas: Quotas,
        people: _native.People,
        size: int,
        method: FairMethod,
    ) -> None:
        self._native = native
        self._instance = instance
        self._pool = pool
        self._quotas = quotas
        self._people = people
        self.size = size
        self.method = method
        self._stats = _stats(native.report_json())
        self.probabilities = pd.Series(native.probabilities, index=pool.ids, name="probability")
        """Each person's selection probability, indexed by id."""

    @property
    def min_probability(self) -> float:
        """The lowest selection probability."""
        return self._stats["min"]

    @property
    def max_probability(self) -> float:
        return self._stats["max"]

    @property
    def mean(self) -> float:
        """k / n."""
        return self._stats["mean"]

    @property
    def gini(self) -> float:
        """Gini coefficient of the probabilities (0: everyone equal)."""
        return self._stats["gini"]

    @property
    def geometric_mean(self) -> float:
        return self._stats["geometric_mean"]

    @property
    def share_below_mean(self) -> float:
        return self._stats["share_below_mean"]

    @property
    def panels(self) -> list[list[int]]:
        """The panels of the support, each ascending positions in the pool's file order."""
        return self._native.panels

    @property
    def weights(self) -> list[float]:
        """The probability of each panel."""
        return self._native.weights

    def panel_ids(self, j: int) -> list[Any]:
        """The ids on panel ``j`` of the support (with the pool's id type)."""
        return [self._pool.ids[i] for i in self._native.panels[j]]

    def to_portfolio(self, m: int = 1000, rounding: str = "minimax", progress: Progress = True) -> Portfolio:
        """Rounds to a uniform lottery over ``m`` panels. ``"minimax"`` keeps the largest change
        of anyone's probability small; ``"systematic"`` is systematic sampling along the
        distribution's panels. Every panel meets every quota and the household rule.

        ``progress``: a tqdm bar (True), nothing (False) or a callback called after each round
        of minimax rounding with ``("rounding", round, 0, people, panels, largest change so
        far)``; an exception in the callback or Ctrl-C stops the rounding."""
        with _progress(progress, len(self._pool), rounding == "minimax") as callback:
            raw = self._native.round(self._instance, m, rounding, callback)
        portfolio = Portfolio(json.loads(raw), self._pool.ids, self.size)
        if portfolio.warning is not None:
            from .protocol import RoundingWarning  # noqa: PLC0415 (protocol imports this module lazily)

            warnings.warn(f"to_portfolio: {portfolio.warning}", RoundingWarning, stacklevel=2)
        return portfolio

    def expected(self) -> pd.DataFrame:
        """Per quota: ``min``, ``max`` and the expected number of panel members."""
        cols = self._people.columns()
        probs = self.probabilities.to_numpy()
        rows = []
        for f_index, f in enumerate(self._quotas.features):
            frame = pd.DataFrame({"value": cols[f_index], "p": probs})
            sums = frame.groupby("value", sort=False)["p"].sum()
            for q in self._quotas.values(f):
                rows.append((f, q.value, q.min, q.max, float(sums.get(q.value, 0.0))))
        return pd.DataFrame(rows, columns=["feature", "value", "min", "max", "expected"])

    def plot(self, ax: Optional[Axes] = None) -> Axes:
        """The sorted probability profile (matplotlib, imported only here)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        values = self.probabilities.sort_values().to_numpy()
        x = [(i + 0.5) / len(values) * 100 for i in range(len(values))]
        ax.plot(x, values, label=self.method.upper())
        ax.axhline(self.mean, linestyle="--", color="grey", linewidth=1, label="k/n")
        ax.set_xlabel("people, sorted by probability (percentile)")
        ax.set_ylabel("selection probability")
        ax.set_ylim(bottom=0)
        ax.legend()
        return ax

    def __repr__(self) -> str:
        return (
            f"Distribution({self.method}, n={len(self.probabilities)}, k={self.size}, "
            f"min={self.min_probability:.4%}, gini={self.gini:.4f}, panels={len(self.weights)})"
        )

    def _repr_html_(self) -> str:
        return _display.distribution_html(self)


def _instance(pool: Pool, quotas: Quotas, size: int, households: bool) -> tuple[_native.People, _native.Instance]:
    people = pool.people(quotas)
    with nobody_has_said(people, quotas):
        quotas._check_size(size)
        rule = households and people.has_households
        return people, people.instance(quotas.native, size, rule)


@contextlib.contextmanager
def nobody_has_said(people: _native.People, quotas: Quotas) -> Iterator[None]:
    """Quotas that cannot be met say which of their values nobody in the pool has."""
    try:
        yield
    except (InvalidInput, InfeasibleQuotas) as e:
        if isinstance(e, InfeasibleQuotas) or e.kind == "Invalid":
            missing = _nobody_has(people, quotas)
            if missing and e.args and isinstance(e.args[0], str):
                e.args = (f"{e.args[0].rstrip('.')}. {missing}", *e.args[1:])
        raise


def _held(people: _native.People, quotas: Quotas) -> dict[tuple[str, str], int]:
    """How many people of the pool hold each quota's value."""
    columns = people.columns()
    counts: dict[tuple[str, str], int] = {}
    for f_index, f in enumerate(quotas.features):
        found = pd.Series(columns[f_index]).value_counts()
        for q in quotas.values(f):
            counts[(f, q.value)] = int(found.get(q.value, 0))
    return counts


def _unheld(people: _native.People, quotas: Quotas) -> list[tuple[str, str, int]]:
    """The quotas whose value nobody in the pool has, as ``(feature, value, min)``."""
    held = _held(people, quotas)
    return [(q.feature, q.value, q.min) for q in quotas if held[(q.feature, q.value)] == 0]


def _nobody_has(people: _native.People, quotas: Quotas) -> str:
    """A sentence naming the quotas with a minimum that nobody in the pool has ("" if none)."""
    needed = [(f, v, lo) for f, v, lo in _unheld(people, quotas) if lo > 0]
    if not needed:
        return ""
    listed = "; ".join(f"{f}={v} (its min is {lo})" for f, v, lo in needed)
    return f"Nobody in the pool has {listed}. Fix: check the spelling of the value in both files, or set its min to 0"


def _run(
    pool: Pool,
    quotas: Quotas,
    size: int,
    *,
    maximin: bool,
    households: bool,
    progress: Progress,
    time_limit: Optional[float],
) -> Distribution:
    check_args("leximin" if not maximin else "maximin", pool, quotas, size)
    people, instance = _instance(pool, quotas, size, households)
    with _progress(progress, len(pool)) as callback, nobody_has_said(people, quotas):
        native = _native.leximin(instance, maximin, callback, time_limit)
    return Distribution(native, instance, pool, quotas, people, size, "maximin" if maximin else "leximin")


def leximin(
    pool: Pool,
    quotas: Quotas,
    size: int,
    *,
    households: bool = True,
    progress: Progress = True,
    time_limit: Optional[float] = None,
) -> Distribution:
    """The LEXIMIN distribution (Flanigan et al., Nature 2021): the lowest selection
    probability as high as possible, then the second lowest, and so on.

    ``households``: apply the household rule when the pool has address columns.
    ``progress``: a tqdm bar (True), nothing (False) or a callback
    ``(phase, level, fixed, people, panels, value)``; an exception in the callback or
    Ctrl-C stops the run. ``time_limit`` in seconds raises :class:`Interrupted`.
    Raises :class:`InfeasibleQuotas` naming the smallest relaxation when no panel exists.

    The phases: ``"relaxation"`` (the LEXIMIN of the LP relaxation, level by level; ``value``
    is the level), then ``"decomposing"`` (panels whose mix gives everyone that probability;
    ``fixed`` counts the people already there and ``value`` is the largest gap), then
    ``"finishing"``. When the relaxation's probabilities cannot be reached by real panels,
    column generation takes over: ``"seeding"``, then ``"level"`` and ``"fixed"`` for each
    level, then ``"finishing"``.

    >>> import pandas as pd, kleroterion as kl
    >>> pool = kl.Pool.from_dataframe(pd.DataFrame({"id": range(1, 9), "g": list("ffffffmm")}))
    >>> quotas = kl.Quotas.from_dataframe(pd.DataFrame(
    ...     {"feature": ["g", "g"], "value": ["f", "m"], "min": [2, 2], "max": [2, 2]}))
    >>> dist = kl.fair.leximin(pool, quotas, 4, progress=False)
    >>> dist.probabilities.round(4).to_dict()
    {1: 0.3333, 2: 0.3333, 3: 0.3333, 4: 0.3333, 5: 0.3333, 6: 0.3333, 7: 1.0, 8: 1.0}
    """
    return _run(pool, quotas, size, maximin=False, households=households, progress=progress, time_limit=time_limit)


def maximin(
    pool: Pool,
    quotas: Quotas,
    size: int,
    *,
    households: bool = True,
    progress: Progress = True,
    time_limit: Optional[float] = None,
) -> Distribution:
    """A maximin distribution: only the lowest probability is maximised."""
    return _run(pool, quotas, size, maximin=True, households=households, progress=progress, time_limit=time_limit)


@dataclass(frozen=True)
class Relaxation:
    """One quota change of a smallest relaxation."""

    feature: str
    value: str
    bound: Bound
    """``"min"`` (lowered) or ``"max"`` (raised)."""
    current: int
    needed: int
    reason: str


@dataclass(frozen=True)
class Feasibility:
    """Whether a panel exists; ``bool(f)`` is True when one does."""

    feasible: bool
    example: Optional[list[Any]]
    """Ids of one panel meeting every quota (when feasible), with the pool's id type."""
    reason: Optional[str]
    relaxations: list[Relaxation]
    """The smallest set of quota changes after which a panel exists (when infeasible; empty
    when the quotas' sums alone rule out the panel size, as :attr:`reason` says)."""
    nobody_has: list[tuple[str, str]] = field(default_factory=list)
    """The quotas' ``(feature, value)`` that nobody in the pool has (a misspelling, or a value
    with no volunteer): a minimum above 0 on one of them can never be met."""

    def __bool__(self) -> bool:
        return self.feasible

    def __str__(self) -> str:
        nobody = "".join(f"\nnobody in the pool has {f}={v}" for f, v in self.nobody_has)
        if self.feasible:
            return "feasible: a panel meets every quota" + nobody
        fixes = "; ".join(r.reason for r in self.relaxations)
        fix = f". Smallest relaxation: {fixes}" if fixes else ""
        return f"not feasible: {self.reason}{fix}{nobody}"

    def _repr_html_(self) -> str:
        return _display.feasibility_html(self)


def feasibility(pool: Pool, quotas: Quotas, size: int, *, households: bool = True) -> Feasibility:
    """Checks that some panel meets every quota (and the household rule); when none does,
    finds the smallest relaxation of the quotas (fewest seats moved). It never raises for
    quotas that cannot be met, even when their minimums add up to more than the panel: the
    answer says "not feasible" and why. Quotas for values nobody in the pool has are listed in
    :attr:`Feasibility.nobody_has`.

    >>> import pandas as pd, kleroterion as kl
    >>> pool = kl.Pool.from_dataframe(pd.DataFrame({"id": [1, 2, 3, 4], "g": ["f", "m", "f", "m"]}))
    >>> quotas = kl.Quotas.from_dataframe(pd.DataFrame(
    ...     {"feature": ["g", "g", "g"], "value": ["f", "m", "x"], "min": [2, 2, 1], "max": [2, 2, 1]}))
    >>> f = kl.feasibility(pool, quotas, 2)
    >>> bool(f), f.nobody_has
    (False, [('g', 'x')])
    """
    check_args("feasibility", pool, quotas, size)
    people = pool.people(quotas)
    nobody = [(f, v) for f, v, _ in _unheld(people, quotas)]
    try:
        quotas._check_size(size)
    except InvalidInput as e:
        reason = str(e.args[0]) if e.args else str(e)
        missing = _nobody_has(people, quotas)
        return Feasibility(False, None, f"{reason}. {missing}" if missing else reason, [], nobody)
    _, instance = _instance(pool, quotas, size, households)
    d = json.loads(_native.feasibility(instance))
    if d["feasible"]:
        return Feasibility(True, [pool.ids[i] for i in d["example"]], None, [], nobody)
    reason = str(d["reason"])
    missing = _nobody_has(people, quotas)
    if missing:
        reason = f"{reason}. {missing}"
    return Feasibility(
        False,
        None,
        reason,
        [Relaxation(r["feature"], r["value"], r["bound"], r["from"], r["to"], r["reason"]) for r in d["relaxations"]],
        nobody,
    )
