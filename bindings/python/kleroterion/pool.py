"""Pools of volunteers and quotas: pandas in, the files crate's tables out.

The reading rules are the command line's (crate kleroterion-files): cells trimmed and
normalised to NFC, ids unique and non-blank, values matched exactly against the quotas,
households from address columns (equal after trimming and case folding). Errors name the
file (or DataFrame), the line, the column and the fix.
"""

from __future__ import annotations

import contextlib
import json
import operator
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Hashable, Iterator, Literal, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _display, _native
from ._native import InvalidInput, KleroterionError

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["Pool", "Quota", "Quotas"]


def _invalid(message: str) -> InvalidInput:
    err = InvalidInput(message)
    err.kind = "InvalidArgument"
    return err


def _whole_floats(series: pd.Series) -> pd.Series:
    """A float column whose values are all whole numbers, as nullable integers: pandas turns an
    integer column with a missing cell into floats, and ``1000`` must not become ``"1000.0"``."""
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.dropna()
        if len(values) and bool((values == values.round()).all()) and float(values.abs().max()) < 2**53:
            return series.astype("Int64")
    return series


def _cells(series: pd.Series) -> list[str]:
    """A column as texts: missing cells become empty texts (then reported as blank); whole
    numbers in a float column are written without ``.0``."""
    if isinstance(series.dtype, pd.StringDtype) and not series.hasnans:
        return series.tolist()
    return _whole_floats(series).astype("string").fillna("").tolist()


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


_LINE = re.compile(r"\bline (\d+)\b")


@contextlib.contextmanager
def _located(file: str, labels: Optional[pd.Index] = None, ids: Optional[pd.Index] = None) -> Iterator[None]:
    """Errors about ``file`` say where, consistently: ``line`` is set from a message that names
    a line without setting it. For a DataFrame (``labels``, its index), the message names the
    row label (and the id, ``ids``) instead of a line of a CSV file that does not exist, and
    ``row`` (and ``id``) carry them; ``line`` keeps the CSV line the row would be on (the
    header is line 1, row ``i`` is line ``i + 2``)."""
    try:
        yield
    except KleroterionError as e:
        message = e.args[0] if e.args and isinstance(e.args[0], str) else None
        if message is None:
            raise
        if getattr(e, "line", None) is None and message.startswith(f"{file}, line "):
            found = _LINE.match(message, len(file) + 2)
            if found:
                e.file = file
                e.line = int(found.group(1))
        if labels is None or getattr(e, "file", None) != file:
            raise

        def row(found: re.Match[str]) -> str:
            i = int(found.group(1)) - 2
            if i == -1:
                return "the header"
            if not 0 <= i < len(labels):
                return found.group(0)
            who = f" (id {_shown(ids[i])})" if ids is not None else ""
            return f"row {_shown(labels[i])}{who}"

        e.args = (_LINE.sub(row, message), *e.args[1:])
        line = getattr(e, "line", None)
        if line is not None and 0 <= line - 2 < len(labels):
            e.row = labels[line - 2]
            if ids is not None:
                e.id = ids[line - 2]
        raise


def _check_frame(df: Any, what: str, where: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise _invalid(
            f"{where}: df must be a pandas DataFrame of the {what}, not {type(df).__name__}. "
            f"Fix: pass a DataFrame, or read a file with from_csv"
        )


def check_args(where: str, pool: Any = None, quotas: Any = None, size: Any = None) -> None:
    """The arguments shared by leximin, feasibility and commit, checked before anything runs."""
    if pool is not None and not isinstance(pool, Pool):
        raise _invalid(
            f"{where}: pool must be a kl.Pool, not {type(pool).__name__}. "
            "Fix: kl.Pool.from_dataframe(df, id=...) or kl.Pool.from_csv(path, id=...)"
        )
    if quotas is not None and not isinstance(quotas, Quotas):
        raise _invalid(
            f"{where}: quotas must be kl.Quotas, not {type(quotas).__name__}. "
            "Fix: kl.Quotas.from_dataframe(df) or kl.Quotas.from_csv(path)"
        )
    if size is not None:
        try:
            n = operator.index(size)
        except TypeError:
            n = None
        if n is None or isinstance(size, bool) or n < 1:
            raise _invalid(f"{where}: size, the panel size, must be a whole number of at least 1, not {size!r}")


def _shown(value: Any) -> str:
    """A row label or an id in a message: numbers bare, texts quoted."""
    text = repr(value.item() if hasattr(value, "item") else value)
    return _native.display(text, 200)


@dataclass(frozen=True)
class Quota:
    """The quota of one value: between ``min`` and ``max`` panel members have it."""

    def _repr_html_(self) -> str:
        return _display.dataclass_html(self)


    feature: str
    value: str
    min: int
    max: int


class Quotas:
    """Min/max quotas per feature value, read by the command line's rules.

    Accepted layouts: ``feature,value,min,max[,min_flex,max_flex]`` (Sortition Foundation;
    the flex columns are checked then ignored), ``category,name,min,max`` (their older
    layout) and ``category,feature,min,max`` (Panelot: the category is the feature)."""

    def __init__(self, native: _native.QuotaTable, file: str = "", labels: Optional[pd.Index] = None) -> None:
        self._native = native
        self._features: list[dict[str, object]] = json.loads(native.features_json())
        self._source: Optional[Path] = None
        self._file = file
        self._labels = labels

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
        table = _read(path, sep, sheet, encoding)
        with _located(table.file):
            quotas = cls(_native.QuotaTable.from_table(table), table.file)
        quotas._source = Path(path)
        return quotas

    @classmethod
    def from_dataframe(cls, df: pd.DataFrame, *, name: str = "quotas DataFrame") -> Quotas:
        """Reads quotas from a DataFrame laid out as a quotas CSV. Errors name ``name`` and
        the row label (``err.row``); ``err.line`` is the line the row would have in a CSV file
        (``i + 2`` for row ``i``). A column of whole numbers that pandas turned into floats
        (one cell missing) is read as whole numbers, and the missing cell is reported at its
        own row.

        >>> import pandas as pd, kleroterion as kl
        >>> kl.Quotas.from_dataframe(pd.DataFrame(
        ...     {"feature": ["gender", "gender"], "value": ["f", "m"], "min": [2, 2], "max": [3, 3]}))
        Quotas(1 features, 2 values)
        """
        _check_frame(df, "quotas", "Quotas.from_dataframe")
        with _located(name, df.index):
            return cls(_native.QuotaTable.from_table(_table(df, name)), name, df.index)

    def _check_size(self, size: int) -> None:
        """The sums of minimums and maximums against the panel size; the error names the
        feature's first line (or row)."""
        with _located(self._file, self._labels):
            self._native.check_panel_size(size)

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
        (fractions, percents or head counts).

        >>> import kleroterion as kl
        >>> q = kl.Quotas.proportional({"gender": {"woman": 51.6, "man": 48.4}}, 40)
        >>> q["gender", "woman"], q["gender", "man"]
        (Quota(feature='gender', value='woman', min=20, max=22), Quota(feature='gender', value='man', min=18, max=20))
        """
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

    def _repr_html_(self) -> str:
        return _display.quotas_html(self)

    def to_dataframe(self) -> pd.DataFrame:
        """``feature, value, min, max``, one row per value."""
        return pd.DataFrame(
            [(q.feature, q.value, q.min, q.max) for q in self],
            columns=["feature", "value", "min", "max"],
        )

    def to_features(self) -> list[dict[str, object]]:
        """The manifest's ``features`` list (SPEC.md section 14)."""
        features: list[dict[str, object]] = json.loads(self._native.features_json())
        return features


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
        labels: Optional[pd.Index] = None,
    ) -> None:
        self._labels: Optional[pd.Index] = labels
        self._data = data.reset_index(drop=True)
        self._table = table
        self._id = id
        self._features = features
        self._household = household
        self._people = self._resolve(None)
        texts = self._people.ids()
        header = self._people.id_header
        if header in self._data.columns:
            ids = pd.Index(_whole_floats(self._data[header]), name=header)
        elif texts == [str(i) for i in range(1, len(texts) + 1)]:
            ids = pd.Index(range(1, len(texts) + 1), name=header)
        else:
            # The files crate found the id column under a header written otherwise (spaces).
            ids = pd.Index(texts, name=header)
        self._ids = ids
        self._text_of: dict[Hashable, str] = dict(zip(ids, texts))
        self._id_of: dict[str, Hashable] = dict(zip(texts, ids))
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

        Ids keep their type: an integer id column gives integer ids (``receipts[1000]``),
        and a column of whole numbers that pandas holds as floats (a missing cell) gives
        ``1000``, never ``1000.0``.

        Errors name ``name``, the row label and the id (``err.row``, ``err.id``) and the
        column; ``err.line`` is the line the row would have in a CSV file (``i + 2`` for row
        ``i``).

        >>> import pandas as pd, kleroterion as kl
        >>> df = pd.DataFrame({"id": [1000, 1001, 1002], "gender": ["f", "m", "f"]})
        >>> pool = kl.Pool.from_dataframe(df, features=["gender"])
        >>> pool.ids.tolist()
        [1000, 1001, 1002]
        >>> kl.Pool.from_dataframe(pd.DataFrame({"id": [7, 7], "g": ["f", "m"]}))
        Traceback (most recent call last):
        ...
        kleroterion.InvalidInput: DataFrame, row 1 (id 7), column "id": the id "7" is already used on row 0 (id 7). Fix: give every person a different id
        """
        _check_frame(df, "volunteers", "Pool.from_dataframe")
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
        ids = pd.Index(_whole_floats(df[id])) if id_cols else None
        with _located(name, df.index, ids):
            table = _native.Table.from_columns(name, [str(c) for c in df.columns], [_cells(df[c]) for c in df.columns])
            return cls(df, table, id, feats, hh, df.index)

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
        ids = None
        if self._labels is not None and self._id is not None and self._id in self._data.columns:
            ids = pd.Index(_whole_floats(self._data[self._id]))
        with _located(self._table.file, self._labels, ids):
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

    def _repr_html_(self) -> str:
        return _display.pool_html(self)

    @property
    def ids(self) -> pd.Index:
        """The organiser's ids, in file order, with the id column's type (row numbers from 1
        without an id column; texts for a CSV file)."""
        return self._ids

    def _text(self, key: Any) -> Optional[str]:
        """The files crate's text of an id given as the user holds it (or as its text)."""
        try:
            found = self._text_of.get(key)
        except TypeError:
            return None
        if found is None and isinstance(key, str) and key in self._id_of:
            return key
        return found

    def _user_id(self, text: str) -> Hashable:
        """The user's id of an id text of the files crate."""
        return self._id_of.get(text, text)

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
