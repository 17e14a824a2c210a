"""Pools of volunteers and quotas: pandas in, the files crate's tables out.

The reading rules are the command line's (crate kleroterion-files): cells trimmed and
normalised to NFC, ids unique and non-blank, values matched exactly against the quotas,
households from address columns (equal after trimming and case folding). Errors name the
file (or DataFrame), the line, the column and the fix.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Literal, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _native
from ._native import InvalidInput

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["Pool", "Quota", "Quotas"]


def _invalid(message: str) -> InvalidInput:
    err = InvalidInput(message)
    err.kind = "InvalidArgument"
    return err


def _cells(series: pd.Series) -> list[str]:
    """A column as texts: missing cells become empty texts (then reported as blank)."""
    if isinstance(series.dtype, pd.StringDtype) and not series.hasnans:
        return series.tolist()
    return series.astype("string").fillna("").tolist()


Sheet = Union[str, int]
Encoding = Literal["auto", "utf-8", "windows-1252"]


def _read(path: PathLike, sep: Optional[str], sheet: Optional[Sheet], encoding: Encoding) -> _native.Table:
    """Reads a table file; a notice on the encoding found is a warning."""
    if isinstance(sheet, bool) or not isinstance(sheet, (str, int, type(None))):
        raise _invalid(f"sheet: a name or a number counted from 1, not {sheet!r}")
    if isinstance(sheet, int) and sheet < 1:
        raise _invalid(f"sheet: {sheet} is not a sheet number; sheets are counted from 1 (the first sheet is 1)")
    table = _native.Table.read(os.fspath(path), sep, sheet, encoding)
    if table.notice is not None:
        warnings.warn(table.notice, stacklevel=3)
    return table


def _table(df: pd.DataFrame, name: str, columns: Optional[Sequence[str]] = None) -> _native.Table:
    cols = [str(c) for c in df.columns] if columns is None else list(columns)
    data = [_cells(df[c]) for c in cols]
    return _native.Table.from_columns(name, cols, data)


@dataclass(frozen=True)
class Quota:
    """The quota of one value: between ``min`` and ``max`` panel members have it."""

    feature: str
    value: str
    min: int
    max: int


class Quotas:
    """Min/max quotas per feature value, read by the command line's rules.

    Accepted layouts: ``feature,value,min,max[,min_flex,max_flex]`` (Sortition Foundation;
    the flex columns are checked then ignored), ``category,name,min,max`` (their older
    layout) and ``category,feature,min,max`` (Panelot: the category is the feature)."""

    def __init__(self, native: _native.QuotaTable) -> None:
        self._native = native
        self._features: list[dict[str, object]] = json.loads(native.features_json())
        self._source: Optional[Path] = None

    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        *,
        sep: Optional[str] = None,
        sheet: Optional[Sheet] = None,
        encoding: Encoding = "auto",
    ) -> Quotas:
        """Reads a quotas file: CSV (`,` or `;` detected) or a spreadsheet (``.xlsx``,
        ``.xls``, ``.ods``), with the reading rules of :meth:`Pool.from_csv` (``sheet``,
        ``encoding``)."""
        quotas = cls(_native.QuotaTable.from_table(_read(path, sep, sheet, encoding)))
        quotas._source = Path(path)
        return quotas

    @classmethod
    def from_dataframe(cls, df: pd.DataFrame, *, name: str = "quotas DataFrame") -> Quotas:
        """Reads quotas from a DataFrame laid out as a quotas CSV; errors name ``name``, with
        line 1 for the header and line ``i + 2`` for row ``i``."""
        return cls(_native.QuotaTable.from_table(_table(df, name)))

    @classmethod
    def proportional(
        cls,
        population_shares: Mapping[str, Mapping[str, float]],
        size: int,
        slack: int = 1,
    ) -> Quotas:
        """Quotas around proportional targets. For each feature the ``size`` seats are
        apportioned to the values by largest remainder (the core's Hamilton method) on the
        population shares; then ``min = target - slack`` and ``max = target + slack``.

        ``population_shares`` maps feature -> value -> share, on any positive scale
        (fractions, percents or head counts)."""
        if size < 1:
            raise _invalid("the panel size must be at least 1")
        if slack < 0:
            raise _invalid("the slack must be non-negative")
        rows: list[tuple[str, str, int, int]] = []
        for feature, shares in population_shares.items():
            if not shares:
                raise _invalid(f"feature {feature!r} has no value")
            if any(s < 0 for s in shares.values()):
                raise _invalid(f"feature {feature!r}: shares must be non-negative")
            total = float(sum(shares.values()))
            if total <= 0:
                raise _invalid(f"feature {feature!r}: the shares add up to zero")
            values = list(shares)
            # Integer sizes for the core's apportionment: parts per billion of the total.
            sizes = [round(shares[v] / total * 1_000_000_000) for v in values]
            seats = _native.largest_remainder(sizes, size)
            for v, t in zip(values, seats):
                rows.append((str(feature), str(v), max(0, t - slack), min(size, t + slack)))
        frame = pd.DataFrame(rows, columns=["feature", "value", "min", "max"])
        return cls.from_dataframe(frame, name="proportional quotas")

    @property
    def native(self) -> _native.QuotaTable:
        """The files crate's quotas."""
        return self._native

    @property
    def _inputs(self) -> list[tuple[str, Path]]:
        """The file the quotas were read from, as ``(role, path)``: no output may replace it."""
        return [] if self._source is None else [("the quotas file", self._source)]

    @property
    def features(self) -> list[str]:
        """Feature names, in declared order."""
        return [str(f["name"]) for f in self._features]

    @property
    def format(self) -> str:
        """The layout the quotas were read in, in words."""
        return self._native.format

    def values(self, feature: str) -> list[Quota]:
        """The quotas of one feature, in declared order."""
        for f in self._features:
            if f["name"] == feature:
                vals = f["values"]
                assert isinstance(vals, list)
                return [Quota(feature, str(v["value"]), int(v["min"]), int(v["max"])) for v in vals]
        raise KeyError(feature)

    def __iter__(self) -> Iterator[Quota]:
        for f in self.features:
            yield from self.values(f)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __getitem__(self, key: tuple[str, str]) -> Quota:
        for q in self:
            if (q.feature, q.value) == key:
                return q
        raise KeyError(key)

    def __repr__(self) -> str:
        return f"Quotas({len(self.features)} features, {len(self)} values)"

    def to_dataframe(self) -> pd.DataFrame:
        """``feature, value, min, max``, one row per value."""
        return pd.DataFrame(
            [(q.feature, q.value, q.min, q.max) for q in self],
            columns=["feature", "value", "min", "max"],
        )

    def to_features(self) -> list[dict[str, object]]:
        """The manifest's ``features`` list (SPEC.md section 14)."""
        return json.loads(self._native.features_json())  # type: ignore[no-any-return]


class Pool:
    """The volunteers: one row per person with an id, feature columns, optional address
    columns for the household rule, and any other columns (kept for the output tables).

    Build it with :meth:`from_dataframe` or :meth:`from_csv`. Nothing is published from a
    pool: tickets are assigned at :func:`kleroterion.commit`."""

    def __init__(
        self,
        data: pd.DataFrame,
        table: _native.Table,
        id: Optional[str],
        features: Optional[list[str]],
        household: list[str],
    ) -> None:
        self._data = data.reset_index(drop=True)
        self._table = table
        self._id = id
        self._features = features
        self._household = household
        self._people = self._resolve(None)
        self._ids = pd.Index(self._people.ids(), name=self._people.id_header)
        self._source: Optional[Path] = None

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def from_dataframe(
        cls,
        df: pd.DataFrame,
        id: Optional[str] = "id",
        features: Optional[Sequence[str]] = None,
        household: Union[str, Sequence[str], None] = None,
        *,
        name: str = "DataFrame",
    ) -> Pool:
        """A pool from a table with one row per volunteer.

        - ``id``: the id column. With the default ``"id"`` and no such column, ids are the
          1-based row numbers (as for Panelot files); ``None`` always uses row numbers.
        - ``features``: the feature columns, in order. Default: the quotas' features, given
          when the pool is used (:func:`kleroterion.fair.leximin`, :func:`kleroterion.commit`).
        - ``household``: address column(s); people whose address cells are all equal (after
          trimming and case folding) share a household; blank addresses are no household.

        Every column crosses into the files crate, as texts (``str`` of each value as pandas
        holds it: ``7`` in an integer column, ``"0612345678"`` in a text column; missing
        values are blank), so that the private ticket map and the lists of
        :meth:`Bundle.write_csvs` keep all of them. The index is not a column: use
        ``df.reset_index()`` to keep it.

        Errors name ``name``, line ``i + 2`` for row ``i`` and the column."""
        hh = [household] if isinstance(household, str) else list(household or [])
        feats = list(features) if features is not None else None
        id_cols = [] if id is None or (id == "id" and id not in df.columns) else [id]
        wanted = id_cols + (feats or []) + hh
        missing = [c for c in wanted if c not in df.columns]
        if missing:
            raise _invalid(
                f"{name}: no column {missing[0]!r}; the columns are {', '.join(map(repr, map(str, df.columns)))}"
            )
        if df.columns.has_duplicates:
            twice = next(str(c) for c in df.columns[df.columns.duplicated()])
            raise _invalid(f"{name}: the column {twice!r} appears twice. Fix: rename or remove one of them")
        table = _native.Table.from_columns(name, [str(c) for c in df.columns], [_cells(df[c]) for c in df.columns])
        return cls(df, table, id, feats, hh)

    @classmethod
    def from_csv(
        cls,
        path: PathLike,
        id: Optional[str] = "id",
        features: Optional[Sequence[str]] = None,
        household: Union[str, Sequence[str], None] = None,
        *,
        sep: Optional[str] = None,
        sheet: Optional[Sheet] = None,
        encoding: Encoding = "auto",
    ) -> Pool:
        """Reads a people file (Sortition Foundation or Panelot) with the arguments of
        :meth:`from_dataframe`.

        - CSV: `,` or `;` detected (or ``sep``); ``encoding`` ``"auto"`` reads a file that is
          valid UTF-8 (with or without BOM) as UTF-8 and any other as Windows-1252 (Excel's
          plain "CSV"), with a warning saying so; ``"utf-8"`` or ``"windows-1252"`` choose.
        - ``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``: the sheet ``sheet`` (a name, or a number
          counted from 1 as the tabs are, not from 0), by default the workbook's only sheet.
          Cells are read as typed: ``1`` never ``1.0``, dates as ISO 8601 (``2024-03-05``),
          a formula's saved value. Errors name the sheet and its row.

        Every cell is a text, as the command line reads it."""
        table = _read(path, sep, sheet, encoding)
        header = table.header
        data = pd.DataFrame(dict(zip(header, table.columns())), columns=header)
        hh = [household] if isinstance(household, str) else list(household or [])
        pool = cls(data, table, id, list(features) if features is not None else None, hh)
        pool._source = Path(path)
        return pool

    # -- resolution --------------------------------------------------------------------------

    def _id_arg(self) -> Optional[str]:
        # "" is the files crate's default: the column `id` when present, else row numbers.
        if self._id == "id":
            return ""
        return self._id

    def _resolve(self, quotas: Optional[Quotas]) -> _native.People:
        extra = [f for f in (self._features or []) if quotas is None or f not in quotas.features]
        return _native.People(
            self._table,
            None if quotas is None else quotas.native,
            self._id_arg(),
            self._household,
            extra,
        )

    def people(self, quotas: Quotas) -> _native.People:
        """The pool resolved against ``quotas`` (every value checked), in file order."""
        if self._features is not None:
            unknown = [f for f in quotas.features if f not in self._features]
            if unknown:
                raise _invalid(
                    f"the quotas name feature(s) {', '.join(map(repr, unknown))}, which are not among "
                    f"the pool's features {self._features}"
                )
        return self._resolve(quotas)

    # -- views -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        feats = self._features if self._features is not None else "(from the quotas)"
        hh = f", households on {self._household}" if self._household else ""
        return f"Pool({len(self)} people, features {feats}{hh})"

    @property
    def ids(self) -> pd.Index:
        """The organiser's ids, in file order."""
        return self._ids

    @property
    def features(self) -> Optional[list[str]]:
        """The feature columns given, or None when they come from the quotas."""
        return None if self._features is None else list(self._features)

    @property
    def _inputs(self) -> list[tuple[str, Path]]:
        """The file the pool was read from, as ``(role, path)``: no output may replace it."""
        return [] if self._source is None else [("the people file", self._source)]

    @property
    def household_columns(self) -> list[str]:
        """The address columns of the household rule."""
        return list(self._household)

    @property
    def households(self) -> Optional[pd.Series]:
        """Each person's household number (from 1; missing when the address is blank), or
        None without address columns."""
        if not self._household:
            return None
        return pd.Series(self._people.households(), index=self._ids, name="household", dtype="Int64")

    @property
    def data(self) -> pd.DataFrame:
        """The original table, in file order (index reset)."""
        return self._data

    def frame(self, positions: Sequence[int], tickets: Optional[Sequence[str]] = None) -> pd.DataFrame:
        """The original rows at ``positions`` (file order), with a ``ticket`` column first
        when ``tickets`` are given."""
        out = self._data.iloc[list(positions)].copy()
        out.index = self._ids[list(positions)]
        if tickets is not None:
            out.insert(0, "ticket", list(tickets))
        return out
