"""Commit, draw, verify, replace, receipts: the protocol of SPEC.md through the Rust core."""

from __future__ import annotations

import collections.abc
import contextlib
import datetime
import json
import os
import typing
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Iterator, Literal, Mapping, Optional, Sequence, TypedDict, Union

import pandas as pd

from . import _convert, _display, _native
from ._convert import LotteryResult, OpeningsLike, ReplacementLike
from ._native import InvalidInput, KleroterionError, VerificationFailed
from .pool import PathLike, Pool, Quotas, check_args

if typing.TYPE_CHECKING:
    from .fair import Distribution

__all__ = [
    "ByHand",
    "Bundle",
    "BundleSummary",
    "NumbersShown",
    "PanelQuotaRow",
    "PanelQuotaTable",
    "SourceShown",
    "CommitPaths",
    "Dropped",
    "Manifest",
    "MaxentFigures",
    "Method",
    "OpeningsLike",
    "Outcome",
    "Parent",
    "Purpose",
    "Receipt",
    "ReceiptCheck",
    "Receipts",
    "Replacement",
    "Report",
    "Rfc3797Pick",
    "Rfc3797Result",
    "Rounding",
    "RoundingLoss",
    "RoundingWarning",
    "Step",
    "Verdict",
    "commit",
    "draw",
    "replace",
    "rfc3797",
    "verify",
]

JSON = dict[str, Any]
RevealLike = Union[Mapping[str, Any], Sequence[Mapping[str, Any]], str, PathLike]
Rounding = Literal["minimax", "systematic"]
"""How a LEXIMIN distribution is rounded to a lottery of M panels."""
Purpose = Literal["official", "rehearsal", "replay"]
"""A manifest's purpose (SPEC.md section 5): the real draw, a test before it, or a past draw
played again with randomness that already existed."""
Verdict = Literal["valid", "valid_if", "invalid"]
"""``invalid``: a step failed; ``valid_if``: every step passed, valid if the items to compare
by hand match their public records; ``valid``: nothing is left to compare by hand."""
Method = Literal["lottery", "greedy", "uniform", "stratified", "maxent"]
"""The selection methods :func:`commit` accepts (SPEC.md section 9; ``maxent``, section 9.6, is
a draft of protocol version 3); ``rfc3797`` is read in bundles made elsewhere."""
Outcome = Literal["selected", "alternate", "not_selected"]
StepStatus = Literal["passed", "failed", "skipped", "not_checked"]
Subject = Literal["purpose", "commitment", "announcement", "uncommitted", "lottery", "dice", "hex", "previous"]


def _invalid(message: str) -> InvalidInput:
    return _convert.invalid(message)


def _reveal_json(reveal: RevealLike, recipe: Optional[Mapping[str, Any]] = None) -> str:
    """A reveal given as a dict (``{"sources": [...]}`` or one source), a list of sources, a
    JSON text or a path to a reveal file, read as the command line reads it (a drand answer
    without its chain takes the chain of ``recipe``'s round)."""
    r = None if recipe is None else json.dumps(_convert.plain(recipe))
    if isinstance(reveal, Mapping) or (
        isinstance(reveal, collections.abc.Iterable) and not isinstance(reveal, (str, bytes, os.PathLike))
    ):
        return _native.parse_reveal(json.dumps(_convert.sources(reveal, "reveal")), "reveal", r)
    if isinstance(reveal, str) and reveal.lstrip().startswith("{"):
        return _native.parse_reveal(reveal, "reveal", r)
    if isinstance(reveal, (str, os.PathLike)):
        path = Path(reveal)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise _invalid(f"{path}: {e}") from e
        return _native.parse_reveal(text, str(path), r)
    raise _invalid("a reveal is a dict, a list of sources, a JSON text or a path to a reveal file")


Inputs = list[tuple[str, Path]]
"""The files an object was read from, as ``(role, path)``: no output may replace them."""


def _path_of(value: object) -> Optional[Path]:
    """The path of an argument that is a file (not a JSON text, a mapping or a list)."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return None
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    return None


def _input_args(inputs: Inputs) -> list[tuple[str, str]]:
    return [(role, os.fspath(path)) for role, path in inputs]


def _text_or_file(value: Union[str, PathLike]) -> str:
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return value
    path = Path(value)
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise _invalid(f"{path}: {e}") from e


_OPENING_ERRORS = ("OpeningMismatch", "WrongValueCount", "UnknownValue", "InvalidText")
"""The kinds of error an opening that does not open its record gives (SPEC.md section 4.1)."""


@contextlib.contextmanager
def _naming(path: Optional[Path]) -> Iterator[None]:
    """An error about openings read from a file names the file first."""
    try:
        yield
    except KleroterionError as e:
        if path is not None and e.kind in _OPENING_ERRORS and e.args and isinstance(e.args[0], str):
            e.args = (f"the openings file {path}: {e.args[0]}", *e.args[1:])
        raise


@contextlib.contextmanager
def _hint(fix: Optional[str], kinds: tuple[str, ...]) -> Iterator[None]:
    """Appends ``fix`` to an error of one of ``kinds`` (when ``fix`` is given)."""
    try:
        yield
    except KleroterionError as e:
        if fix is not None and e.kind in kinds and e.args and isinstance(e.args[0], str):
            e.args = (f"{e.args[0]}. {fix}", *e.args[1:])
        raise


class RoundingWarning(UserWarning):
    """Rounding a distribution to the committed lottery changed someone's selection
    probability by more than two panels' worth (2/M): the message says by how much, and that
    more panels lower it."""


@dataclass(frozen=True)
class RoundingLoss:
    """What rounding the distribution to the committed lottery of ``panels`` panels cost."""

    max_change: float
    """The largest change of anyone's selection probability."""
    changed: pd.Index
    """The people (by organiser id) whose probability changed by ``max_change``."""
    min_before: float
    """The distribution's lowest probability."""
    min_after: float
    """The committed lottery's lowest probability."""
    lower_bound: float
    """No lottery of ``panels`` panels has a smaller ``max_change``."""
    panels: int
    """M, the number of panels."""
    warning: Optional[str]
    """Set when ``max_change`` is above 2/M (also raised as a :class:`RoundingWarning`)."""

    @property
    def max_change_per_m(self) -> float:
        """``max_change`` in units of 1/M (panels' worth)."""
        return self.max_change * self.panels

    def __repr__(self) -> str:
        return (
            f"RoundingLoss(max_change={self.max_change:.4%} ({self.max_change_per_m:.2f}/M), "
            f"min {self.min_before:.2%} -> {self.min_after:.2%}, M={self.panels})"
        )

    def _repr_html_(self) -> str:
        return _display.rounding_html(self)


class MaxentFit(TypedDict):
    """How close ``maxent`` weights fitted to LEXIMIN's probabilities came
    (``commit(..., fit_to_leximin=True)``)."""

    largest_gap: float
    """The largest difference between a person's exact probability and their LEXIMIN one."""
    rounds: int
    """The round of the fit that found the weights."""
    leximin_min: float
    """LEXIMIN's lowest probability."""


class MaxentFigures(TypedDict):
    """What a ``maxent`` commit learnt before giving its commitment (SPEC.md section 9.6): the
    size of the exact count, and how often a walk of it met every quota and the household
    rule, that is how many attempts a draw needs. :attr:`Manifest.maxent` gives it."""

    cells: int
    """The count's cells (at most 1,000,000: a verifier redoes the count)."""
    panels: int
    """Z, the number of panels of the panel size that meet the quotas of the counted features
    (an exact integer, often beyond 64 bits); with weights, the sum over them of the product of
    their members' weights."""
    weighted: bool
    """Whether the manifest commits to weights (``commit(..., weights=COLUMN)`` or
    ``fit_to_leximin=True``)."""
    fit: Optional[MaxentFit]
    """When the weights were fitted to LEXIMIN's probabilities: how close they came."""
    walks: int
    """How many trial walks of the count were made."""
    accepted: int
    """How many of them met every quota and the household rule."""
    max_attempts: int
    """The committed attempts before the draw fails."""
    summary: str
    """The figures in one line, as ``kleroterion commit`` prints them."""
    exact: Optional[tuple[float, float]]
    """When no panel can be rejected (every quota that a panel could break is counted, and no
    two people share a household under the rule): the lowest and the highest exact selection
    probability. None otherwise: rejection conditions the distribution, and the probabilities
    can only be estimated from draws."""


@dataclass(frozen=True)
class Parent:
    """The previous stage a linked stage was drawn from (SPEC.md section 5.3): its pool is made
    of that stage's invitees who answered, each record linking to the invitee's ticket."""

    def _repr_html_(self) -> str:
        return _display.dataclass_html(self)


    commitment: str
    """The previous stage's commitment, in hex: find its bundle by it."""
    invitees: str
    """``H("invitees", ...)`` of the previous stage's selected tickets then alternates, in hex."""
    inherited: list[str]
    """The features whose values come from the previous stage's records (from the roll) and
    must agree with them; every other feature is declared by the volunteers."""

    @classmethod
    def of(cls, manifest: Mapping[str, Any]) -> Optional[Parent]:
        """The parent a manifest (as JSON) names, or None."""
        p = manifest.get("parent")
        if p is None:
            return None
        return cls(str(p["commitment"]), str(p["invitees"]), [str(n) for n in p["inherited"]])


# ------------------------------------------------------------------------------------------
# Receipts


@dataclass(frozen=True)
class ReceiptCheck:
    """What a bundle says happened to the holder of a receipt, and whether the bundle itself
    verifies: the outcome is the person's outcome only when the bundle verifies (SPEC.md
    section 13). Check :attr:`bundle_valid` (and :attr:`verdict`) before reading
    :attr:`outcome`."""

    ticket: str
    features: dict[str, str]
    outcome: Outcome
    """What the bundle says: ``"selected"``, ``"alternate"`` or ``"not_selected"``. Not
    established when :attr:`bundle_valid` is False."""
    verdict: Verdict
    """The bundle's verification verdict (see :class:`Report`)."""
    position: Optional[int] = None
    """1-based position on the panel, or alternate number."""
    bundle_error: Optional[str] = None
    """Why the bundle failed verification, when it did."""
    bundle_error_kind: Optional[str] = None
    by_hand: int = 0
    """How many items of the bundle's verification remain to compare by hand."""

    @property
    def bundle_valid(self) -> bool:
        """True when no verification step of the bundle failed."""
        return self.verdict != "invalid"

    def describe_outcome(self) -> str:
        """The outcome the bundle gives, in words (whether or not it is established)."""
        if self.outcome == "selected":
            return f"selected (position {self.position} of the draw)"
        if self.outcome == "alternate":
            return f"alternate number {self.position}"
        return "in the pool, not selected"

    def __str__(self) -> str:
        safe = _display.safe
        feats = ", ".join(f"{safe(k, 200)}={safe(v, 200)}" for k, v in self.features.items())
        who = f"ticket {safe(self.ticket, 200)} ({feats})"
        if self.verdict == "invalid":
            kind = f" [{safe(self.bundle_error_kind)}]" if self.bundle_error_kind else ""
            return (
                f"{who}: the bundle FAILED verification{kind}: {safe(self.bundle_error or 'a step failed')}\n"
                "What it says about this ticket is therefore not established and means nothing."
            )
        if self.verdict == "valid_if":
            return (
                f"{who}: {self.describe_outcome()}, if the bundle's {self.by_hand} items to compare by "
                "hand match their public records (kl.verify(bundle, commitment=...) lists them)"
            )
        return f"{who}: {self.describe_outcome()}"

    def _repr_html_(self) -> str:
        return _display.receipt_html(self)


def _receipt_check(out: Mapping[str, Any], report: Report) -> ReceiptCheck:
    """The core's answer for a receipt (its ``ReceiptCheck`` as JSON) with the verification of
    its bundle."""
    o = out["outcome"]
    return ReceiptCheck(
        ticket=out["ticket"],
        features={f: v for f, v in out["features"]},
        outcome=o["outcome"],
        verdict=report.verdict,
        position=o.get("position", o.get("number")),
        bundle_error=report.error,
        bundle_error_kind=report.error_kind,
        by_hand=len(report.by_hand),
    )


class Receipt:
    """A person's private receipt: their record and its inclusion proof (SPEC.md section 13)."""

    def __init__(self, text: str) -> None:
        self._json = text
        self.data: JSON = json.loads(text)

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        """Reads a receipt's JSON text."""
        _native.receipt_proof_verifies(text)  # parses, so a malformed receipt fails here
        return cls(text)

    @classmethod
    def load(cls, path: PathLike) -> Receipt:
        """Reads a receipt file."""
        return cls.from_json(_text_or_file(path))

    @property
    def ticket(self) -> str:
        return str(self.data["record"]["ticket"])

    @property
    def index(self) -> int:
        return int(self.data["index"])

    @property
    def commitment(self) -> str:
        return str(self.data["commitment"])

    @property
    def opening(self) -> Optional[JSON]:
        """In a sealed pool (SPEC.md section 4.1), the opening of the holder's record: its
        ``ticket``, ``values`` and ``salt``, which the public record hides behind its seal.
        None for an open record. :meth:`check` checks that it opens the record."""
        o: Optional[JSON] = self.data.get("opening")
        return None if o is None else dict(o)

    @property
    def link(self) -> Optional[str]:
        """In a linked stage (SPEC.md section 5.3), the previous stage's ticket of the invitee
        this record comes from (the holder's ticket in that stage); None otherwise."""
        link = self.data["record"].get("link")
        return None if link is None else str(link)

    @property
    def values(self) -> list[str]:
        """The holder's values, one per feature in feature order: the record's, or in a sealed
        pool those of its :attr:`opening` (the record publishes none)."""
        source = self.data.get("opening") or self.data["record"]
        return [str(v) for v in source.get("values", [])]

    def to_json(self) -> str:
        return self._json

    def proof_verifies(self) -> bool:
        """True when the proof puts the record at its index under the receipt's root."""
        return _native.receipt_proof_verifies(self._json)

    def check(
        self,
        bundle: Bundle,
        *,
        commitment: Union[str, PathLike, None] = None,
        lotteries: Optional[Sequence[LotteryResult]] = None,
        replacements: Optional[Sequence[ReplacementLike]] = None,
    ) -> ReceiptCheck:
        """Checks the receipt against a draw, and verifies the draw (with the published facts
        given, as :func:`verify` does). Raises :class:`VerificationFailed` when the receipt
        does not match this draw; otherwise the answer says what the bundle gives for this
        ticket and whether the bundle verifies: when it does not, that outcome means
        nothing."""
        report = bundle.verify(commitment=commitment, lotteries=lotteries, replacements=replacements)
        return _receipt_check(json.loads(_native.check_receipt(self._json, bundle.native)), report)

    def __repr__(self) -> str:
        return f"Receipt(ticket={_display.safe(self.ticket, 200)!r}, index={self.index})"

    def _repr_html_(self) -> str:
        return _display.receipt_object_html(self)


class Receipts(Mapping[Any, Receipt]):
    """The receipts of a commit, by organiser id with the pool's id type (``receipts[1000]``
    for integer ids; the id's text is also accepted), one per person, issued on demand."""

    def __init__(
        self, ids: pd.Index, lookup: Callable[[Any], Receipt], known: Optional[Callable[[Any], bool]] = None
    ) -> None:
        self._ids = ids
        self._lookup = lookup
        self._set = set(ids)
        self._known = known

    def _has(self, key: object) -> bool:
        try:
            if key in self._set:
                return True
        except TypeError:
            return False
        return self._known is not None and self._known(key)

    def __getitem__(self, key: Any) -> Receipt:
        if not self._has(key):
            raise KeyError(key)
        return self._lookup(key)

    def __contains__(self, key: object) -> bool:
        return self._has(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


# ------------------------------------------------------------------------------------------
# Manifest


_COMMIT_FILES = ("manifest", "pool", "commitment", "receipts", "tickets")


@dataclass(frozen=True)
class CommitPaths(Mapping[str, Path]):
    """Where :meth:`Manifest.write` put a commit folder. It is also a mapping of the five
    paths (``paths["tickets"]``), as :meth:`Manifest.write` returned before; :attr:`openings`
    is an attribute only."""

    def _repr_html_(self) -> str:
        return _display.fields_html("Commit files", [(k, v) for k, v in self.items()])


    directory: Path
    manifest: Path
    """``manifest.json`` (public)."""
    pool: Path
    """``pool.json`` (public)."""
    commitment: Path
    """``commitment.txt`` (public): the 64 hex digits to publish."""
    receipts: Path
    """``private/receipts/``, one private receipt per person."""
    tickets: Path
    """``private/tickets.csv``, the private ticket map (for :meth:`Bundle.write_csvs`)."""
    openings: Optional[Path] = None
    """``private/openings.json``, every record's opening (sealed features only; None
    otherwise): the draw opens the panel and the alternates from it, a replacement the people
    its rule reads. Not one of the mapping's keys."""
    replaced: Optional[Path] = None
    """Where the folder found at :attr:`directory` was moved (``overwrite=True``)."""
    kept: bool = False
    """True when the folder already held this same commit and was kept as it was
    (``exist_ok=True``): nothing was written."""

    def __getitem__(self, key: str) -> Path:
        if key not in _COMMIT_FILES:
            raise KeyError(key)
        path: Path = getattr(self, key)
        return path

    def __iter__(self) -> Iterator[str]:
        return iter(_COMMIT_FILES)

    def __len__(self) -> int:
        return len(_COMMIT_FILES)


class Manifest:
    """What the organiser commits to before the randomness exists (SPEC.md section 5), with
    the pool records to publish and the private receipts and ticket map."""

    def __init__(
        self,
        manifest_json: str,
        records: _native.Records,
        *,
        pool: Optional[Pool] = None,
        committed: Optional[_native.Committed] = None,
        tickets: Optional[pd.Series] = None,
    ) -> None:
        self._json = manifest_json
        self.data: JSON = json.loads(manifest_json)
        self._records = records
        self._pool = pool
        self._committed = committed
        self._commitment = _native.commitment(manifest_json)
        self._tickets = tickets
        self._by_id_cache: Optional[dict[Any, str]] = None
        self._inputs: Inputs = []
        self._openings: Optional[str] = None if committed is None else committed.openings_json()
        """With sealed features, every record's opening as a JSON list, when known."""
        self._openings_path: Optional[Path] = None

    @classmethod
    def from_json(cls, manifest: str, pool: str) -> Manifest:
        """A manifest and its pool file, as JSON texts (checked against each other)."""
        records = _native.Records.from_json(pool)
        _native.check_committed_pool(manifest, records)
        return cls(manifest, records)

    @classmethod
    def load(cls, directory: PathLike, *, openings: Optional[OpeningsLike] = None) -> Manifest:
        """Reads a commit directory written by :meth:`write` or ``kleroterion commit``
        (``manifest.json``, ``pool.json`` and, when present, the private ticket map
        ``private/tickets.csv``, or ``tickets.csv`` at the top of a folder written by an
        earlier version).

        With sealed features, the organiser's openings are read from ``openings`` (the path
        of an openings file, or every record's opening) or, by default, from
        ``private/openings.json`` beside the manifest when it is there (as ``kleroterion draw``
        does): :func:`draw` opens the panel and the alternates from them. Without them, the
        manifest loads but cannot be drawn."""
        d = Path(directory)
        manifest = _native.read_manifest(str(d / "manifest.json"))
        m = cls.from_json(manifest, _text_or_file(d / "pool.json"))
        m._inputs = [("the manifest", d / "manifest.json"), ("the pool", d / "pool.json")]
        if openings is not None and not m.sealed:
            raise _invalid(
                f"Manifest.load: openings were given, but the manifest {d / 'manifest.json'} does not seal the "
                "features, so there is nothing to open. Fix: drop openings="
            )
        default = d / "private" / "openings.json"
        if m.sealed and (openings is not None or default.exists()):
            m._openings, m._openings_path = _convert.openings(default if openings is None else openings, "Manifest.load")
            if m._openings_path is not None:
                m._inputs.append(("the openings file", m._openings_path))
        for tickets in (d / "private" / "tickets.csv", d / "tickets.csv"):
            if tickets.exists():
                t = _native.Table.read(str(tickets), None)
                cols = dict(zip(t.header, t.columns()))
                id_col = t.header[2] if len(t.header) > 2 else "ticket"
                m._tickets = pd.Series(cols["ticket"], index=pd.Index(cols[id_col], name=id_col), name="ticket")
                m._inputs.append(("the ticket map", tickets))
                break
        return m

    @property
    def commitment(self) -> str:
        """``H("manifest", man(M))`` in hex: publish it before the randomness exists."""
        return self._commitment

    @property
    def records(self) -> _native.Records:
        """The pool records, in pool order."""
        return self._records

    @property
    def pool(self) -> Optional[Pool]:
        """The pool the manifest was committed from (None when loaded from files)."""
        return self._pool

    @property
    def method(self) -> str:
        """The committed method: one of :data:`Method`, or ``rfc3797`` for a manifest made
        elsewhere."""
        return str(self.data["method"]["name"])

    @property
    def panel_size(self) -> int:
        return int(self.data["panel_size"])

    @property
    def pool_root(self) -> str:
        return str(self.data["pool"]["root"])

    @property
    def purpose(self) -> Purpose:
        """``official``, ``rehearsal`` or ``replay`` (SPEC.md section 5)."""
        p: Purpose = self.data.get("purpose") or "official"
        return p

    @property
    def recipe(self) -> Optional[JSON]:
        """The committed randomness recipe (None: any reveal is accepted)."""
        r: Optional[JSON] = self.data.get("randomness")
        return r

    @property
    def min_cell(self) -> int:
        """The disclosure floor: every published cell holds at least this many records (5 by
        default; lower when the commit was made with ``allow_small_cells``)."""
        return int(self.data.get("min_cell", 1))

    @property
    def sealed(self) -> bool:
        """True when the features are sealed (SPEC.md section 4.1, lottery only): the pool
        publishes a salted seal of each person's values instead of the values, and only the
        panel, the alternates and the replacements are opened."""
        return bool(self.data.get("sealed", False))

    @property
    def parent(self) -> Optional[Parent]:
        """The previous stage this pool was drawn from (SPEC.md section 5.3; made by
        ``commit(..., previous=...)``), or None: every record then links to the invitee it
        comes from."""
        return Parent.of(self.data)

    @property
    def openings(self) -> Optional[list[JSON]]:
        """Private, sealed features only: every record's opening (``ticket``, ``values``,
        ``salt``) in pool order, for a manifest committed in this session or loaded with its
        ``private/openings.json``; None otherwise. :func:`draw` and :func:`replace` use them;
        :meth:`write` keeps them in ``private/openings.json``."""
        if self._openings is None:
            return None
        openings: list[JSON] = json.loads(self._openings)
        return openings

    @property
    def cells(self) -> Optional[dict[str, int]]:
        """The disclosure figures of the pool committed here: ``smallest`` (the records of the
        smallest cell), ``alone`` (records alone in their cell) and ``cells``; None when the
        pool publishes nothing but tickets, or when this manifest was not committed here."""
        figures = self._committed.cells() if self._committed is not None else None
        if figures is None:
            return None
        smallest, alone, cells = figures
        return {"smallest": smallest, "alone": alone, "cells": cells}

    @property
    def tickets(self) -> Optional[pd.Series]:
        """Private: the ticket of each organiser id (None when unknown)."""
        if self._tickets is None and self._committed is not None:
            rows = self._committed.tickets()
            ids = [i for i, _, _ in rows]
            if self._pool is not None:
                index = pd.Index([self._pool._user_id(i) for i in ids], name=self._id_name())
                index = index.astype(self._pool.ids.dtype)
            else:
                index = pd.Index(ids, name=self._id_name())
            self._tickets = pd.Series([t for _, t, _ in rows], index=index, name="ticket")
        return self._tickets

    def _ticket_of(self, key: Any) -> Optional[str]:
        """The ticket of an id (with the pool's type, or as text), or None."""
        tickets = self.tickets
        if tickets is None:
            return None
        by_id = self._by_id()
        try:
            found = by_id.get(key)
        except TypeError:
            return None
        if found is None and self._pool is not None:
            text = self._pool._text(key)
            if text is not None:
                found = by_id.get(self._pool._user_id(text))
        return found

    def _by_id(self) -> dict[Any, str]:
        if self._by_id_cache is None:
            tickets = self.tickets
            self._by_id_cache = {} if tickets is None else dict(zip(tickets.index, tickets.tolist()))
        return self._by_id_cache

    def _id_of_ticket(self) -> Optional[dict[str, Any]]:
        """Each ticket's id, when the ticket map is known."""
        tickets = self.tickets
        return None if tickets is None else dict(zip(tickets.tolist(), tickets.index))

    def _id_name(self) -> str:
        return str(self._pool.ids.name) if self._pool is not None else "id"

    @property
    def receipts(self) -> Receipts:
        """Private receipts by organiser id, for a manifest committed in this session (each
        holds its person's secret, which a manifest read from a file does not know)."""
        tickets = self.tickets
        if tickets is None or self._committed is None:
            raise _invalid(
                "receipts are made at commit time: each holds its person's secret, which only the "
                "commit knows (SPEC.md section 13). Use the manifest returned by commit(), or the "
                "receipts it wrote to the private folder"
            )
        committed = self._committed
        pos = {t: i for i, t in enumerate(self._records.tickets())}

        def lookup(key: Any) -> Receipt:
            ticket = self._ticket_of(key)
            assert ticket is not None
            return Receipt(committed.receipt_json(pos[ticket]))

        return Receipts(tickets.index, lookup, lambda k: self._ticket_of(k) is not None)

    @property
    def probabilities(self) -> Optional[pd.Series]:
        """For ``lottery``: each person's selection probability (panels holding them / M),
        public before the draw, by organiser id (by ticket when the ids are unknown)."""
        if self.method != "lottery":
            return None
        portfolio = self.data["method"]["portfolio"]
        counts = [0] * len(self._records)
        for panel in portfolio:
            for i in panel:
                counts[i] += 1
        probs = pd.Series([c / len(portfolio) for c in counts], index=self._records.tickets(), name="probability")
        tickets = self.tickets
        if tickets is None:
            probs.index.name = "ticket"
            return probs
        return pd.Series(probs.loc[tickets.tolist()].to_numpy(), index=tickets.index, name="probability")

    @property
    def maxent(self) -> Optional[MaxentFigures]:
        """For ``maxent`` committed here: the size of the exact count and how often a trial walk
        of it met every quota and the household rule (:class:`MaxentFigures`; ``summary`` says
        it in a line, with the attempts a draw needs). None for the other methods, and for a
        manifest read from files.

        >>> import pandas as pd, kleroterion as kl
        >>> pool = kl.Pool.from_dataframe(pd.DataFrame({"id": range(1, 21), "gender": ["f", "m"] * 10}))
        >>> quotas = kl.Quotas.from_dataframe(pd.DataFrame(
        ...     {"feature": ["gender", "gender"], "value": ["f", "m"], "min": [2, 2], "max": [2, 2]}))
        >>> m = kl.commit(pool, quotas, 4, method="maxent", count=["gender"], progress=False)
        >>> m.maxent["panels"], m.maxent["accepted"] == m.maxent["walks"]  # C(10, 2) squared; every walk kept
        (2025, True)
        """
        raw = None if self._committed is None else self._committed.maxent_json()
        if raw is None:
            return None
        data = json.loads(raw)
        return MaxentFigures(
            cells=int(data["cells"]),
            panels=int(data["panels"]),
            weighted=bool(data["weighted"]),
            walks=int(data["walks"]),
            accepted=int(data["accepted"]),
            max_attempts=int(data["max_attempts"]),
            summary=str(data["summary"]),
            exact=None if data.get("exact") is None else (float(data["exact"][0]), float(data["exact"][1])),
            fit=None
            if data.get("fit") is None
            else MaxentFit(
                largest_gap=float(data["fit"]["largest_gap"]),
                rounds=int(data["fit"]["rounds"]),
                leximin_min=float(data["fit"]["leximin_min"]),
            ),
        )

    @property
    def leximin_min(self) -> Optional[float]:
        """For ``lottery`` committed here: the LEXIMIN minimum probability before rounding."""
        return None if self._committed is None else self._committed.leximin_min

    @property
    def rounding(self) -> Optional[RoundingLoss]:
        """For ``lottery`` committed here: what rounding the distribution to the committed
        panels cost (None otherwise)."""
        raw = None if self._committed is None else self._committed.rounding_json()
        if raw is None:
            return None
        data = json.loads(raw)
        tickets = self._records.tickets()
        changed = [tickets[i] for i in data["pool_indices"]]
        ids = self.tickets
        if ids is not None:
            by_ticket = pd.Series(ids.index, index=ids.to_numpy())
            index = pd.Index(by_ticket.loc[changed].to_numpy(), name=ids.index.name).astype(ids.index.dtype)
        else:
            index = pd.Index(changed, name="ticket")
        return RoundingLoss(
            max_change=float(data["max_change"]),
            changed=index,
            min_before=float(data["min_before"]),
            min_after=float(data["min_after"]),
            lower_bound=float(data["lower_bound"]),
            panels=int(data["panels"]),
            warning=data["warning"],
        )

    @property
    def ticket_key(self) -> Optional[str]:
        """The key the tickets were derived from, in hex (None for a manifest read from a file).

        Private: with the people file, it re-derives every ticket. Keep it with the ticket map
        (:meth:`write` puts it in ``private/ticket-key.txt``); giving it back to :func:`commit`
        with the same inputs gives the same commitment.
        """
        return None if self._committed is None else self._committed.ticket_key_hex()

    def to_json(self) -> str:
        """The manifest (SPEC.md section 14)."""
        return json.dumps(self.data, indent=2, ensure_ascii=False)

    def write(
        self, directory: PathLike, *, bom: bool = False, overwrite: bool = False, exist_ok: bool = False
    ) -> CommitPaths:
        """Writes the commit folder as ``kleroterion commit`` does: ``manifest.json``,
        ``pool.json`` and ``commitment.txt`` (public), ``private/receipts/`` (one receipt per
        person), ``private/tickets.csv`` (the ticket map, with every column of the pool) and,
        with sealed features, ``private/openings.json`` (every record's opening),
        ``private/`` and its files readable by their owner only. The folder is built under a
        temporary name and renamed when complete: it appears whole or not at all. Only for a
        manifest committed in this session; ``bom`` starts the CSV with a byte-order mark
        (for Excel).

        A commitment may already be published, so an existing folder is never replaced
        unasked:

        - by default, an existing ``directory`` raises :class:`OutputExists` and is left as
          it is;
        - ``overwrite=True`` moves it aside to ``NAME.replaced-N`` (never deleted;
          :attr:`CommitPaths.replaced` says where) and writes the new folder;
        - ``exist_ok=True``, for a notebook cell run again: a folder holding this same
          commit is kept as it is (:attr:`CommitPaths.kept`), and one holding another commit
          raises :class:`OutputExists`, naming both commitments.

        The same commitment on a second run needs a ``ticket_key`` given to :func:`commit`:
        random tickets differ on every run, and so do the pool and the commitment. With the
        same ticket key and the same inputs (pool, quotas, size, method, recipe, title...),
        :func:`commit` gives the same commitment again.

        A folder holding the pool's or the quotas' file is refused (``OutputIsInput``), even
        with ``overwrite=True``."""
        if self._committed is None:
            raise _invalid("only a manifest made by kleroterion.commit can write a commit directory")
        with _python_fixes():
            paths, replaced, kept = self._committed.write(
                os.fspath(directory), bom, overwrite, exist_ok, _input_args(self._inputs)
            )
        return CommitPaths(
            directory=Path(directory),
            manifest=Path(paths["manifest"]),
            pool=Path(paths["pool"]),
            commitment=Path(paths["commitment"]),
            receipts=Path(paths["receipts"]),
            tickets=Path(paths["tickets"]),
            openings=Path(paths["openings"]) if "openings" in paths else None,
            replaced=None if replaced is None else Path(replaced),
            kept=kept,
        )

    def check_reveal(self, reveal: RevealLike) -> list[str]:
        """Checks a reveal against the committed recipe; returns one line per source."""
        return _native.check_reveal(self._json, _reveal_json(reveal, self.recipe))

    def __repr__(self) -> str:
        purpose = "" if self.purpose == "official" else f", {self.purpose}"
        sealed = ", sealed" if self.sealed else ""
        return (
            f"Manifest({self.method}, k={self.panel_size}, n={len(self._records)}{purpose}{sealed}, "
            f"commitment={self.commitment[:16]}…)"
        )

    def _repr_html_(self) -> str:
        return _display.manifest_html(self)


_CLI_FIXES = (
    ("pass --replay", 'pass purpose="replay"'),
    ("kleroterion drand-round --after TIME", "kleroterion.randomness.first_drand_round(network, after)"),
    ("even with --force", "even with overwrite=True"),
    ("(drop --sealed)", "(drop sealed=True)"),
    ("(--count)", "(count=)"),
    ("(--max-attempts, up to", "(max_attempts= up to"),
)


@contextlib.contextmanager
def _python_fixes() -> Iterator[None]:
    """The files crate's messages name the command line's options; say the Python ones."""
    try:
        yield
    except InvalidInput as e:
        if e.args and isinstance(e.args[0], str):
            message = e.args[0]
            for cli, py in _CLI_FIXES:
                message = message.replace(cli, py)
            e.args = (message, *e.args[1:])
        raise


def commit(
    pool: Pool,
    quotas: Quotas,
    size: int,
    *,
    method: Method = "lottery",
    alternates: int = 0,
    title: str = "",
    announced_at: Optional[str] = None,
    randomness: Union[Mapping[str, Any], str, None] = None,
    ticket_key: Union[bytes, str, None] = None,
    panels: int = 1000,
    max_attempts: Optional[int] = None,
    strata: Optional[str] = None,
    allocation: str = "largest-remainder",
    progress: Union[bool, Callable[[str, int, int, int, int, float], object]] = True,
    time_limit: Optional[float] = None,
    purpose: Purpose = "official",
    now: Union[int, str, datetime.datetime, None] = None,
    allow_small_cells: Optional[int] = None,
    sealed: bool = False,
    rehearsal: bool = False,
    previous: Union[Bundle, str, PathLike, None] = None,
    previous_tickets: Union[PathLike, Manifest, None] = None,
    inherit: Union[str, Sequence[str]] = (),
    distribution: Optional[Distribution] = None,
    rounding: Rounding = "minimax",
    count: Union[str, Sequence[str], None] = None,
    weights: Optional[str] = None,
    fit_to_leximin: bool = False,
) -> Manifest:
    """Commits a draw, as ``kleroterion commit`` does: assigns tickets, orders the pool by
    ticket, builds the manifest (for ``lottery``: LEXIMIN rounded to ``panels`` equiprobable
    panels), the receipts and the private ticket map.

    - ``method``: ``lottery`` (default), ``greedy``, ``uniform``, ``stratified`` (with
      ``strata``, the feature, and ``allocation``: ``largest-remainder``, ``sainte-lague`` or
      ``explicit:3,4,5``) or ``maxent`` (SPEC.md section 9.6, a draft of protocol version 3:
      every panel that meets the quotas and the household rule equally likely). The household
      rule is on when the pool has address columns.
    - ``count``: for ``maxent``, the quota features whose quotas an exact count enforces (a
      list of names, in any order, or one name); the quotas of the others and the household
      rule are met by rejecting walked panels. More features mean fewer attempts and a larger
      count (at most 1,000,000 cells). The commit makes the count and tries 2,000 walks, and
      refuses a draw that would likely fail, saying to count more features or allow more
      attempts; :attr:`Manifest.maxent` gives the figures. Refused for the other methods.
    - ``weights``: for ``maxent``, the name of the pool's column holding each person's weight,
      a whole number from 1 to 4,294,967,295: a panel is then drawn in proportion to the
      product of its members' weights (fit them with any optimiser, to LEXIMIN's probabilities
      for example, and scale them to whole numbers). The manifest commits to every weight, so
      they are public. When nothing can be rejected, :attr:`Manifest.maxent` gives the lowest
      and the highest exact probability they imply. Refused for the other methods.
    - ``fit_to_leximin``: for ``maxent``, fit the weights instead, so that each person's exact
      probability comes as close as it can to their LEXIMIN probability, and commit them;
      ``manifest.maxent["fit"]`` says how close (``largest_gap``). Only when no panel can be
      rejected (every feature with a binding quota counted, no shared household); refused
      otherwise, and with ``weights``.
    - ``max_attempts``: attempts before the draw fails, for ``greedy`` (1 to 1,000, default
      100) and ``maxent`` (1 to 100,000, default 10,000); the other methods make none.
    - ``randomness``: the recipe (``{"sources": [...], "fallback": "next_value"}``, see
      :mod:`kleroterion.randomness`), or None to accept any reveal (the verifier then says the
      randomness was not committed). A recipe with a drand round or a lottery draw needs
      ``announced_at``, when the commitment is published (at least an hour before the first
      source).
    - ``purpose``: ``official`` (default), ``rehearsal`` (a test before the real draw) or
      ``replay`` (a past draw played again: the only purpose that may commit to randomness
      that already exists; its verification says it proves nothing about who was chosen).
      ``rehearsal=True`` is ``purpose="rehearsal"`` (as ``kleroterion commit --rehearsal``):
      the manifest, the bundle and every verdict then say it is a test.
    - ``now``: the current time, checked against the recipe (Unix seconds, an aware
      ``datetime`` or ``YYYY-MM-DDTHH:MM:SSZ``); default: the system clock. A recipe whose
      randomness already exists at ``now`` is refused unless ``purpose="replay"``.
    - ``ticket_key``: the secret key tickets are derived from (HMAC-SHA256 of each id): at
      least 16 random bytes, as ``bytes`` or as hex or base64 text (``secrets.token_hex(32)``).
      A passphrase is refused, because trying every id of a roll would match tickets to
      names. Default: a new 256-bit key, readable as ``manifest.ticket_key`` and written to
      ``private/ticket-key.txt`` by :meth:`Manifest.write`. The same key and the same inputs
      give the same commitment: in a notebook, keep the key to run a cell again.
    - ``allow_small_cells``: the disclosure floor, lowered. By default a pool in which some
      cell (the people sharing every published value, and the values of those they live with)
      holds fewer than 5 records is refused with :class:`InvalidInput`, because anyone who knows
      such a person could recognise them. ``allow_small_cells=N`` publishes cells down to ``N``
      records; the manifest records ``N`` (``manifest.min_cell``) and every verifier shows it.
      ``manifest.cells`` gives the figures.
    - ``sealed``: seal the features (SPEC.md section 4.1; ``lottery`` only, refused for the
      other methods, which read every record's values to draw). The public pool then gives each
      person a salted seal of their values instead of the values, so its cells are made by the
      household tags alone; verifiers check the quotas of the drawn panel, whose values the
      bundle opens with the alternates'. ``manifest.openings`` holds every record's opening
      (private; :meth:`Manifest.write` keeps them in ``private/openings.json``), each receipt
      its holder's.
    - ``previous``: draw this pool from the invitees of a previous stage (SPEC.md section 5.3),
      given as its :class:`Bundle`, or the path or JSON text of its bundle, which must verify.
      Each person is linked, by id, to the ticket that invited them, through the previous
      commit's private ticket map ``previous_tickets``: the path of its ``private/tickets.csv``,
      or the previous :class:`Manifest` (committed in this session, or loaded with its folder);
      by default that of the manifest a bundle of this session was drawn from. Only invitees
      (selected or alternates) may join, each once. ``inherit`` names the features whose values
      come from the previous stage (from the roll): each person's must be the invitee's; every
      other feature is declared by the volunteers. The manifest names the previous stage
      (:attr:`Manifest.parent`), and :func:`verify_chain` verifies both stages together.
    - ``distribution``: for ``lottery``, the :class:`Distribution` that :func:`leximin` (or
      :func:`maximin`) already gave on this pool, these quotas and this size: the commit rounds
      it to ``panels`` panels instead of computing LEXIMIN again. One computed on other people,
      quotas, size or households is refused. ``manifest.rounding`` reports what the rounding
      cost against it.
    - ``rounding``: how ``lottery`` rounds the distribution to ``panels`` panels:
      ``"minimax"`` (default: the largest change of anyone's probability kept small) or
      ``"systematic"``. Either way :attr:`Manifest.rounding` reports the cost, and a change
      above two panels' worth (2/M) raises a :class:`RoundingWarning`.
    """
    check_args("commit", pool, quotas, size)
    given = _given_distribution(distribution, pool, size, method)
    if rounding not in typing.get_args(Rounding):
        raise _invalid(
            f"commit: rounding {_display.safe(repr(rounding), 200)} is not a rounding. Fix: rounding= one of "
            + ", ".join(typing.get_args(Rounding))
        )
    linked = _previous_stage(previous, previous_tickets, inherit)
    if not isinstance(sealed, bool):
        raise _invalid(f"commit: sealed must be True or False, not {type(sealed).__name__}. Fix: sealed=True seals the features")
    if method not in typing.get_args(Method):
        raise _invalid(
            f"commit: method {_display.safe(repr(method), 200)} is not a method. Fix: method= one of "
            + ", ".join(typing.get_args(Method))
        )
    counted = _counted(count, method, quotas)
    if not isinstance(fit_to_leximin, bool):
        raise _invalid(f"commit: fit_to_leximin must be True or False, not {type(fit_to_leximin).__name__}")
    if weights is not None and not isinstance(weights, str):
        raise _invalid(
            f"commit: weights must be the name of the pool's weight column, not {type(weights).__name__}. "
            "Fix: add the weights to the pool as a column and give its name"
        )
    if max_attempts is not None and (
        isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1
    ):
        raise _invalid(
            f"commit: max_attempts must be a whole number of at least 1 (or None, the method's default), not "
            f"{_display.safe(repr(max_attempts), 200)}"
        )
    if not isinstance(rehearsal, bool):
        raise _invalid(f"commit: rehearsal must be True or False, not {type(rehearsal).__name__}")
    if rehearsal:
        if purpose not in ("official", "rehearsal"):
            raise _invalid(
                f"commit: rehearsal=True and purpose={purpose!r} disagree. Fix: give one of them "
                "(rehearsal=True is purpose=\"rehearsal\")"
            )
        purpose = "rehearsal"
    if purpose not in typing.get_args(Purpose):
        raise _invalid(f"commit: unknown purpose {_display.safe(repr(purpose), 200)}: use official, rehearsal or replay")
    unix_now = _convert.unix_time(now)
    recipe = None
    if randomness is not None:
        recipe = randomness if isinstance(randomness, str) else json.dumps(_convert.sources(randomness, "randomness"))
    if isinstance(ticket_key, (bytes, bytearray)):
        key: Optional[str] = bytes(ticket_key).hex()
    elif ticket_key is None or isinstance(ticket_key, str):
        key = ticket_key
    else:
        raise _invalid(f"ticket_key must be bytes or hex/base64 text, not {type(ticket_key).__name__}")
    people = pool.people(quotas)
    from .fair import _progress, nobody_has_said  # noqa: PLC0415 (tqdm is imported only when asked for)

    solving = method == "lottery" and given is None
    with _progress(progress, len(pool), solving) as callback, _python_fixes(), nobody_has_said(people, quotas):
        committed = _native.commit(
            people,
            quotas.native,
            size,
            method,
            alternates=alternates,
            title=title,
            announced_at=announced_at,
            randomness_json=recipe,
            ticket_key=key,
            max_attempts=max_attempts,
            panels=panels,
            strata=strata,
            allocation=allocation,
            progress=callback,
            time_limit=time_limit,
            purpose=purpose,
            now=unix_now,
            allow_small_cells=allow_small_cells,
            sealed=sealed,
            distribution=given,
            rounding=rounding,
            count=counted,
            weights=weights,
            fit_to_leximin=fit_to_leximin,
            **linked.native_args,
        )
    m = Manifest(committed.manifest_json(), committed.records(), pool=pool, committed=committed)
    m._inputs = [*pool._inputs, *quotas._inputs, *linked.inputs]
    loss = m.rounding
    if loss is not None and loss.warning is not None:
        warnings.warn(f"commit: {loss.warning}", RoundingWarning, stacklevel=2)
    return m


def _counted(count: Union[str, Sequence[str], None], method: str, quotas: Quotas) -> Optional[list[str]]:
    """Checks ``commit``'s ``count``: for ``maxent`` only, names of quota features (one name is
    a list of one). None when not given."""
    if count is None:
        return None
    if method != "maxent":
        raise _invalid(
            f"commit: count= names the features the maxent method counts exactly, and method={method!r}. "
            "Fix: drop count=, or method=\"maxent\""
        )
    names = [count] if isinstance(count, str) else count
    if not isinstance(names, collections.abc.Iterable) or not all(isinstance(n, str) for n in names):
        raise _invalid(
            f"commit: count is a list of quota feature names, e.g. count=[\"gender\", \"age\"], not "
            f"{_display.safe(repr(count), 200)}"
        )
    names = list(names)
    known = quotas.features
    for name in names:
        if _native.normalize(name.strip()) not in known:
            raise _convert.invalid(
                f"commit: count names {_display.safe(repr(name), 200)}, which is not a feature of the quotas: the "
                f"maxent method counts quota features. Fix: count= some of {', '.join(map(repr, known))}",
                "UnknownFeature",
            )
    return names


def _given_distribution(
    distribution: Optional[Distribution], pool: Pool, size: int, method: str
) -> Optional[tuple[_native.Instance, _native.Distribution]]:
    """Checks ``commit``'s ``distribution`` against its other arguments."""
    if distribution is None:
        return None
    from .fair import Distribution as FairDistribution  # noqa: PLC0415 (fair imports this module)

    if not isinstance(distribution, FairDistribution):
        raise _invalid(
            f"commit: distribution is a {type(distribution).__name__}. Fix: give the Distribution that "
            "leximin(pool, quotas, size) returned, or leave it out"
        )
    if method != "lottery":
        raise _invalid(
            f"commit: a distribution was given, and method={method!r}: only a lottery draw rounds a "
            "distribution to its panels. Fix: method=\"lottery\", or leave the distribution out"
        )
    if distribution.size != size:
        raise _invalid(
            f"commit: the distribution is for panels of {distribution.size}, and size={size}. Fix: give "
            f"size={distribution.size}, or compute the distribution again with size {size}"
        )
    if distribution._pool is not pool and not distribution._pool.ids.equals(pool.ids):
        raise _invalid(
            "commit: the distribution was computed on another pool (other ids, or another order). Fix: "
            "compute it with leximin() on the pool you commit"
        )
    return (distribution._instance, distribution._native)


@dataclass
class _Linked:
    """The previous stage of a linked commit, as the native commit takes it."""

    native_args: dict[str, Any] = field(default_factory=dict)
    inputs: Inputs = field(default_factory=list)
    """The previous stage's files, which no output of this commit may replace."""


def _previous_stage(
    previous: Union[Bundle, str, PathLike, None],
    tickets: Union[PathLike, Manifest, None],
    inherit: Union[str, Sequence[str]],
) -> _Linked:
    """Reads ``commit``'s ``previous``, ``previous_tickets`` and ``inherit``."""
    names = [inherit] if isinstance(inherit, str) else list(inherit)
    if not all(isinstance(n, str) for n in names):
        raise _invalid("commit: inherit is a list of feature names, e.g. inherit=[\"commune\", \"age\"]")
    if previous is None:
        if tickets is not None or names:
            raise _invalid(
                "commit: previous_tickets and inherit describe a previous stage, and previous= was not given. "
                "Fix: give previous=, the previous stage's bundle (or its path)"
            )
        return _Linked()
    if isinstance(previous, Bundle):
        bundle = previous
    elif isinstance(previous, (str, os.PathLike)):
        bundle = Bundle.load(previous)
    else:
        raise _invalid(
            f"commit: previous is a {type(previous).__name__}; give the previous stage's Bundle, or the path "
            "or JSON text of its bundle"
        )
    source = _path_of(previous) if not isinstance(previous, Bundle) else None
    linked = _Linked(inputs=[] if source is None else [("the previous stage's bundle", source)])
    name = str(source) if source is not None else "the previous stage's bundle"
    args: dict[str, Any] = {"previous": bundle.native, "previous_name": name, "inherit": names}
    if tickets is None:
        tickets = bundle._manifest
        if tickets is None:
            raise _invalid(
                "commit: previous_tickets is needed: the ticket map of the previous commit links each person "
                "to the ticket that invited them. Fix: previous_tickets= the path of the previous commit's "
                "private/tickets.csv (or its Manifest)"
            )
    if isinstance(tickets, Manifest):
        if tickets.commitment != bundle.commitment:
            raise _convert.invalid(
                f"commit: previous_tickets is the manifest of commitment {tickets.commitment[:16]}…, and the "
                f"previous bundle was drawn from {bundle.commitment[:16]}…. Fix: give the ticket map of the "
                "commit the previous bundle was drawn from",
                "TicketMapMismatch",
            )
        if tickets._committed is not None:
            args["previous_ids"] = [(i, t) for i, t, _ in tickets._committed.tickets()]
        else:
            path = next((p for role, p in tickets._inputs if role == "the ticket map"), None)
            if path is None:
                raise _invalid(
                    "commit: the previous manifest does not know its ticket map (it was loaded without "
                    "private/tickets.csv). Fix: previous_tickets= the path of that file"
                )
            args["previous_tickets"] = os.fspath(path)
            linked.inputs.append(("the previous ticket map", path))
    elif isinstance(tickets, (str, os.PathLike)):
        args["previous_tickets"] = os.fspath(tickets)
        linked.inputs.append(("the previous ticket map", Path(tickets)))
    else:
        raise _invalid(
            f"commit: previous_tickets is a {type(tickets).__name__}; give the path of the previous commit's "
            "private/tickets.csv, or its Manifest"
        )
    linked.native_args = args
    return linked


# ------------------------------------------------------------------------------------------
# Bundle, draw


class PanelQuotaRow(TypedDict):
    """One feature value of :meth:`Bundle.quota_table` (texts escaped for display)."""

    feature: str
    value: str
    min: int
    max: int
    panel: int
    """How many people of the published panel have this value."""
    pool: Optional[int]
    """How many people of the pool have this value; ``None`` when the features are sealed."""
    ok: bool
    """True when ``min <= panel <= max``."""


class PanelQuotaTable(TypedDict):
    """The published panel counted against every quota: the core's ``verify::QuotaTable``,
    as the command line's ``verify`` prints it and the verification page shows it."""

    method: str
    enforced: bool
    """True when the method enforces the quotas (greedy, lottery, maxent); otherwise
    informative."""
    rows: list[PanelQuotaRow]
    unknown_tickets: list[str]
    """Published panel tickets that are not in the pool (not counted)."""


class NumbersShown(TypedDict):
    """A group of lottery numbers as published, with its name (empty when unknown)."""

    name: str
    numbers: list[int]


class _SourceShownRequired(TypedDict):
    kind: str
    committed: bool
    revealed: bool


class SourceShown(_SourceShownRequired, total=False):
    """One randomness source of :meth:`Bundle.summary`, committed and revealed; the keys
    beyond ``kind``, ``committed`` and ``revealed`` are present when they apply."""

    network: str
    chain: str
    round: int
    time: str
    lottery: str
    name: str
    registered: bool
    date: str
    operator: str
    result_page: str
    groups: list[NumbersShown]
    values: list[int]
    canonical: str
    dice: list[int]
    witnesses: str
    hex: str


class BundleSummary(TypedDict):
    """A short description of a bundle for display (it verifies nothing): the core's
    ``verify::Summary``, every text from the bundle escaped for display."""

    title: str
    announced_at: Optional[str]
    purpose: Purpose
    method: str
    panel_size: int
    alternates: int
    pool_count: int
    household_rule: bool
    committed: bool
    sources: list[str]
    earliest_time: Optional[str]
    commitment: str
    commitment_grouped: str
    selected: list[str]
    alternates_list: list[str]
    randomness: list[SourceShown]


class Bundle:
    """Everything needed to verify a draw (SPEC.md section 11)."""

    def __init__(self, native: _native.Bundle, manifest: Optional[Manifest] = None) -> None:
        self._native = native
        self._manifest = manifest
        self._inputs: Inputs = [] if manifest is None else list(manifest._inputs)
        self._features: list[str] = [f["name"] for f in json.loads(native.manifest_json())["features"]]

    @classmethod
    def from_json(cls, text: str) -> Bundle:
        """Reads a bundle's JSON text."""
        return cls(_native.Bundle.from_json(text))

    @classmethod
    def load(cls, path: PathLike) -> Bundle:
        """Reads a bundle file."""
        b = cls.from_json(_text_or_file(path))
        source = _path_of(path)
        if source is not None:
            b._inputs.append(("the bundle", source))
        return b

    @property
    def native(self) -> _native.Bundle:
        return self._native

    @property
    def commitment(self) -> str:
        return self._native.commitment

    @property
    def seed(self) -> str:
        return self._native.seed

    @property
    def transcript(self) -> str:
        return self._native.transcript

    @property
    def manifest(self) -> JSON:
        """The committed manifest."""
        manifest: JSON = json.loads(self._native.manifest_json())
        return manifest

    @property
    def reveal(self) -> JSON:
        reveal: JSON = json.loads(self._native.reveal_json())
        return reveal

    @property
    def purpose(self) -> Purpose:
        """The manifest's purpose: ``official``, ``rehearsal`` or ``replay``."""
        p: Purpose = self.manifest.get("purpose") or "official"
        return p

    @property
    def sealed(self) -> bool:
        """True when the features are sealed (SPEC.md section 4.1): the pool publishes seals,
        and only the panel's and the alternates' values are public, in :attr:`openings`."""
        return bool(self.manifest.get("sealed", False))

    @property
    def parent(self) -> Optional[Parent]:
        """The previous stage this draw's pool comes from (SPEC.md section 5.3), or None. Verify
        both together with :func:`verify_chain`."""
        return Parent.of(self.manifest)

    @property
    def openings(self) -> list[JSON]:
        """With sealed features, the openings (``ticket``, ``values``, ``salt``) of the panel
        in draw order, then of the alternates in order (SPEC.md section 11); empty for open
        features. The ``openings`` step of :meth:`verify` checks that each opens its record."""
        openings: list[JSON] = json.loads(self._native.openings_json())
        return openings

    @property
    def rejections(self) -> Optional[int]:
        """For ``maxent`` (SPEC.md section 9.6): how many walked panels were rejected (they broke
        a quota of a feature the count does not enforce, or the household rule) before the one
        drawn, which attempt ``rejections`` (from 0) gave; part of the result, and so of the
        transcript. None for the other methods."""
        return self._native.rejections

    @property
    def selected_tickets(self) -> list[str]:
        """The selected tickets, in draw order."""
        return self._native.selected

    @property
    def alternate_tickets(self) -> list[str]:
        """The alternates' tickets, in order."""
        return self._native.alternates

    def _frame(self, tickets: Sequence[str]) -> pd.DataFrame:
        frame = self._rows(tickets)
        if self.parent is not None:
            # A linked stage: each record's link, the invitee's ticket in the previous stage.
            records = self._native.records()
            links = dict(zip(records.tickets(), records.links()))
            frame.insert(1, "link", [links.get(t) for t in tickets])
        return frame

    def _rows(self, tickets: Sequence[str]) -> pd.DataFrame:
        m = self._manifest
        if m is not None and m.pool is not None and m.tickets is not None:
            position = {t: i for i, t in enumerate(m.tickets.tolist())}
            return m.pool.frame([position[t] for t in tickets], tickets)
        records = self._native.records()
        index = dict(zip(records.tickets(), range(len(records))))
        # A sealed record publishes no values: those of the panel and the alternates are in the
        # bundle's openings (checked by verify), the others are not public (missing).
        opened = {str(o["ticket"]): list(o["values"]) for o in self.openings}
        unknown: list[Optional[str]] = [None] * len(self._features)
        rows = []
        for t in tickets:
            r = json.loads(records.record_json(index[t]))
            values = opened.get(t, unknown) if "seal" in r else r["values"]
            if len(values) != len(self._features):
                values = unknown
            rows.append([t, *values, r.get("household")])
        frame = pd.DataFrame(rows, columns=["ticket", *self._features, "household"])
        if m is not None and m.tickets is not None:
            ids = pd.Series(m.tickets.index, index=m.tickets.tolist())
            frame.index = pd.Index(ids.loc[list(tickets)].tolist(), name=m.tickets.index.name)
        else:
            frame.index = pd.Index(list(tickets), name="ticket")
        if frame["household"].isna().all():
            frame = frame.drop(columns="household")
        return frame

    @property
    def selected(self) -> pd.DataFrame:
        """The panel, in draw order: the original rows when the pool is known (indexed by id,
        with a ``ticket`` column), else the published records (with sealed features, the values
        of the bundle's :attr:`openings`). In a linked stage, a ``link`` column follows
        ``ticket``: each person's ticket in the previous stage."""
        return self._frame(self._native.selected)

    @property
    def alternates(self) -> pd.DataFrame:
        """The alternates, in order (same columns as :attr:`selected`)."""
        return self._frame(self._native.alternates)

    @property
    def remaining(self) -> pd.DataFrame:
        """Everyone not selected and, under the household rule, not living with someone
        selected (the Sortition Foundation's ``remaining``), in pool order. With sealed
        features and the pool unknown, the values of people who are not alternates are not
        public: they are missing."""
        return self._frame(_native.remaining_tickets(self._native))

    def to_json(self) -> str:
        """The bundle (SPEC.md section 14)."""
        return self._native.to_json()

    def quota_table(self) -> PanelQuotaTable:
        """The published panel counted against every quota, with the pool's counts (the
        table ``kleroterion verify`` prints); it checks nothing, :meth:`verify` does."""
        table: PanelQuotaTable = json.loads(self._native.quota_table())
        return table

    def picks(self) -> pd.DataFrame:
        """The draw pick by pick (SPEC.md section 10.3), in the style of the records RFC 3797
        draws are published with: one row per pick in draw order, with the stream that gave
        it (``panel``, ``stratum``, ``alternates`` or ``rfc3797``) and its ``index``, the random
        ``value`` in hex, how many draws were ``rejected`` before it, how many candidates it
        chose ``among``, the ``position`` drawn (from 0), and what it designates: ``kind``
        (``person``; for a portfolio, ``panel``; for ``maxent``, ``attempt``), the pool index,
        panel number or attempt number in ``picked``, and the person's ``ticket`` (None for a
        panel or an attempt). A ``maxent`` attempt draws one big integer that walks to a panel
        (SPEC.md section 9.6): its picks are its 64-bit draws, with ``among`` and ``position``
        0 when the number of panels counted is 2^64 or more; attempt ``rejections`` gave the
        panel. It draws again without verifying: read it for a bundle that :func:`verify`
        accepted. The seed is in ``frame.attrs["seed"]``.
        """
        rows = json.loads(self._native.picks_json())
        frame = pd.DataFrame(
            [
                {
                    "stream": p["stream"],
                    "index": p["index"],
                    "value": p["value"],
                    "rejected": p["rejected"],
                    "among": p["among"],
                    "position": p["position"],
                    "kind": p["picked"]["kind"],
                    "picked": p["picked"]["index"],
                    "ticket": p["ticket"],
                }
                for p in rows
            ],
            columns=["stream", "index", "value", "rejected", "among", "position", "kind", "picked", "ticket"],
        )
        # Kept as Python objects, so that a pick that designates no person has the ticket None
        # (not NaN, whatever pandas infers for a column of texts).
        frame["ticket"] = pd.Series([p["ticket"] for p in rows], index=frame.index, dtype=object)
        frame.index.name = "pick"
        frame.attrs["seed"] = self.seed
        return frame

    def summary(self) -> BundleSummary:
        """A short description of the bundle: title, purpose, method, sizes, committed and
        revealed randomness, result (what ``kleroterion verify`` prints first); it checks
        nothing, :meth:`verify` does."""
        summary: BundleSummary = json.loads(self._native.summary())
        return summary

    def write(self, path: PathLike, *, overwrite: bool = False) -> Path:
        """Writes the bundle's JSON to ``path`` (its folder is created), atomically: a
        temporary file renamed into place, so that ``path`` holds the old bundle or the new
        one, never half of one. An existing file raises :class:`OutputExists` and is left
        as it is, unless ``overwrite=True``; a file this bundle was read from (the bundle,
        the manifest, the pool, the ticket map or the reveal file) is always refused."""
        with _python_fixes():
            out = _native.write_text(
                os.fspath(path), self.to_json() + "\n", what="a bundle", overwrite=overwrite,
                inputs=_input_args(self._inputs),
            )
        return Path(out)

    def write_csvs(
        self,
        directory: PathLike,
        tickets_csv: PathLike,
        *,
        bom: bool = False,
        overwrite: bool = False,
        xlsx: bool = False,
    ) -> dict[str, Path]:
        """Writes ``selected.csv`` (draw order), ``alternates.csv`` (alternate order) and
        ``remaining.csv`` as ``kleroterion draw`` does, from the commit's private ticket map
        ``tickets_csv`` (``paths.tickets`` of :meth:`Manifest.write`, or
        ``private/tickets.csv`` of a commit folder). Their columns are every column of the
        pool: the id, the other columns in file order, then the features.

        ``directory`` is created if needed and made readable by its owner only: these lists
        name people. When one of the three files exists, none is written and
        :class:`OutputExists` is raised, unless ``overwrite=True``. A ticket map of another
        commit raises :class:`InvalidInput` (``TicketMapMismatch``).

        ``xlsx=True`` also writes each list as a workbook (``selected.xlsx``,
        ``alternates.xlsx``, ``remaining.xlsx``; keys ``selected_xlsx``... of the result), as
        ``kleroterion draw --xlsx`` does: every cell as text, so that ids and postcodes keep
        their leading zeros."""
        with _python_fixes():
            out = _native.write_draw_csvs(
                os.fspath(directory),
                os.fspath(tickets_csv),
                self._native,
                bom,
                overwrite,
                _input_args(self._inputs),
                xlsx,
            )
        return {k: Path(v) for k, v in out.items()}

    def verify(
        self,
        *,
        commitment: Union[str, PathLike, None] = None,
        lotteries: Optional[Sequence[LotteryResult]] = None,
        replacements: Optional[Sequence[ReplacementLike]] = None,
    ) -> Report:
        """Verifies the bundle against what was published outside it (SPEC.md section 12);
        see :func:`verify`."""
        published = _convert.published(commitment, lotteries)
        texts = _convert.replacement_texts(replacements)
        report = _native.verify(self._native, published, texts)
        return Report(report, recipe_committed=self.manifest.get("randomness") is not None)

    def replace(self, dropped: Dropped, openings: Optional[OpeningsLike] = None) -> Replacement:
        """Replaces the people of ``dropped`` (ids or tickets) who are on the panel; see
        :func:`replace`."""
        return replace(self, dropped, openings)

    def _ids_of_tickets(self) -> Optional[dict[str, Any]]:
        m = self._manifest
        return None if m is None else m._id_of_ticket()

    def _tickets_of(self, people: Any, where: str) -> list[str]:
        """Tickets of people given as ids of the pool or tickets; one id or ticket is a list
        of one. Anyone unknown is named in the error."""
        if isinstance(people, (str, bytes)) or not isinstance(people, collections.abc.Iterable):
            people = [people]
        known = set(self._native.records().tickets())
        m = self._manifest
        out = []
        for i, p in enumerate(people):
            if isinstance(p, str) and p in known:
                out.append(p)
                continue
            ticket = None if m is None else m._ticket_of(p)
            if ticket is None:
                hint = (
                    "an id of the pool or a ticket of the draw"
                    if m is not None and m.tickets is not None
                    else "a ticket of the draw (the ids are not known here: load the bundle with its "
                    "commit folder, or use manifest.tickets to find tickets)"
                )
                raise _convert.invalid(
                    f"{where}: dropped[{i}] = {_display.safe(repr(p), 200)} is not {hint}. Fix: give the ids "
                    "(or tickets) of the people who dropped out, e.g. dropped=[1282] or dropped=bundle.selected.index[:1]",
                    "UnknownTicket",
                )
            out.append(ticket)
        return out

    def __repr__(self) -> str:
        return (
            f"Bundle({len(self.selected_tickets)} selected, {len(self.alternate_tickets)} alternates, "
            f"transcript={self.transcript[:16]}…)"
        )

    def _repr_html_(self) -> str:
        return _display.bundle_html(self)



def _given_openings(openings: Any, sealed: bool, where: str, whose: str) -> tuple[str, Optional[Path]]:
    """The openings given to ``where`` as text (and their file, if any), refused when ``whose``
    features are open: there is nothing to open."""
    if not sealed:
        raise _invalid(
            f"{where}: openings were given, but {whose} does not seal the features, so there is nothing to "
            "open. Fix: drop openings="
        )
    return _convert.openings(openings, where)


def draw(manifest: Manifest, reveal: RevealLike, *, openings: Optional[OpeningsLike] = None) -> Bundle:
    """Draws: checks the reveal against the recipe, derives the seed, runs the method and the
    alternates (SPEC.md sections 6 to 11). ``reveal`` is a dict, a list of sources, a JSON
    text or a reveal file, read as ``kleroterion draw`` reads it.

    With sealed features (``commit(..., sealed=True)``), the bundle opens the panel and the
    alternates from the organiser's openings: those the manifest knows (committed in this
    session, or loaded with its folder's ``private/openings.json``), or ``openings``, the
    path of an openings file or every record's opening in pool order (``manifest.openings``).
    Each must open its record."""
    if not isinstance(manifest, Manifest):
        raise _invalid(
            f"draw: the first argument, manifest, must be the Manifest returned by kl.commit (or "
            f"kl.Manifest.load(directory)), not a {type(manifest).__name__}. Fix: commit first, "
            "manifest = kl.commit(pool, quotas, size, ...), publish manifest.commitment, then "
            "kl.draw(manifest, reveal)"
        )
    text, path = manifest._openings, manifest._openings_path
    if openings is not None:
        text, path = _given_openings(openings, manifest.sealed, "draw", "the manifest")
    if manifest.sealed and text is None:
        raise _convert.invalid(
            "draw: the manifest seals the features, and its openings are not known here: the bundle must open "
            "the panel and the alternates. Fix: draw with the manifest that kl.commit(..., sealed=True) returned, "
            "load the commit folder with its private/openings.json (kl.Manifest.load(directory)), or give "
            "openings= (the path of that file)",
            "OpeningMismatch",
        )
    reveal_json = _reveal_json(reveal, manifest.recipe)
    with _naming(path):
        native = _native.draw(manifest._json, manifest.records, reveal_json, text)
    bundle = Bundle(native, manifest)
    if path is not None:
        bundle._inputs.append(("the openings file", path))
    source = _path_of(reveal)
    if source is not None:
        bundle._inputs.append(("the reveal", source))
    return bundle


# ------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class Step:
    """One step of verification (SPEC.md section 12.1)."""

    def _repr_html_(self) -> str:
        return _display.dataclass_html(self)


    id: str
    title: str
    status: StepStatus
    """``passed`` (checked by computation), ``failed``, ``skipped`` (does not apply) or
    ``not_checked`` (an earlier step failed)."""
    computed: Optional[str] = None
    """The value recomputed, when there is one."""
    published: Optional[str] = None
    """The value it was compared with, when there is one."""
    detail: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ByHand:
    """An item no program can check offline: compare :attr:`value` with :attr:`record`
    (SPEC.md section 12.3)."""

    def _repr_html_(self) -> str:
        return _display.dataclass_html(self)


    subject: Subject
    what: str
    """What to check, in words."""
    value: str
    """The exact value to compare (the commitment in 16 groups of 4 hex digits)."""
    record: str
    """Where the public record is."""


_MARK = {"passed": "✓", "failed": "✗", "skipped": "–", "not_checked": "·"}


class Report:
    """The verification report (SPEC.md section 12), with items of three kinds: steps checked
    by computation (:attr:`steps` passed), items to compare by hand (:attr:`by_hand`) and the
    step that failed.

    ``bool(report)`` is :attr:`valid`: True when no step failed, even when items remain to
    compare by hand (as the command line's exit code). Read :attr:`verdict` and
    :attr:`headline`: a report is never plainly valid while :attr:`by_hand` is not empty."""

    def __init__(self, report_json: str, *, recipe_committed: Optional[bool] = None) -> None:
        d = json.loads(report_json)
        self._json = report_json
        self.verdict: Verdict = d["verdict"]
        self.valid: bool = bool(d["valid"])
        self.purpose: Optional[Purpose] = d.get("purpose")
        """The manifest's purpose, when the manifest could be read."""
        self.steps: list[Step] = [
            Step(s["id"], s["title"], s["status"], s.get("computed"), s.get("published"), list(s.get("detail", [])))
            for s in d["steps"]
        ]
        self.by_hand: list[ByHand] = [
            ByHand(b["subject"], b["what"], b["value"], b["record"]) for b in d.get("by_hand", [])
        ]
        self.error: Optional[str] = d.get("error")
        self.error_kind: Optional[str] = d.get("error_kind")
        self.headline: str = _native.report_headline(report_json)
        """``VALID``, ``VALID if the N items below match their public records`` or ``INVALID``."""
        if recipe_committed is None and any(b.subject == "uncommitted" for b in self.by_hand):
            recipe_committed = False
        self.recipe_committed: Optional[bool] = recipe_committed
        """False when the manifest commits to no randomness recipe (None: unknown)."""

    def __bool__(self) -> bool:
        return self.valid

    @property
    def failed_step(self) -> Optional[Step]:
        """The first failed step."""
        return next((s for s in self.steps if s.status == "failed"), None)

    @property
    def checked(self) -> list[Step]:
        """The steps checked by computation (passed)."""
        return [s for s in self.steps if s.status == "passed"]

    @property
    def summary(self) -> str:
        """The verdict in one line: :attr:`headline`, then ``RANDOMNESS NOT COMMITTED`` when the
        manifest commits to no recipe (any randomness verifies, so the draw proves nothing
        unless an announcement named this randomness before it existed)."""
        if self.recipe_committed is False and self.verdict != "invalid":
            return f"{self.headline}; RANDOMNESS NOT COMMITTED: any randomness verifies"
        return self.headline

    @property
    def notes(self) -> list[str]:
        """What must be said before anything else: a rehearsal, a replay, no recipe."""
        notes = [_display.purpose_note(self.purpose)] if self.purpose else []
        if self.recipe_committed is False:
            notes.append(_display.NO_RECIPE_NOTE)
        return [n for n in notes if n]

    def raise_for_status(self) -> Report:
        """Raises :class:`VerificationFailed` (with ``kind`` the protocol name of the
        failure) when a step failed; returns the report otherwise (the items to compare by
        hand remain to be compared)."""
        if not self.valid:
            err = VerificationFailed(self.error or "the bundle does not verify")
            err.kind = self.error_kind or "VerificationFailed"
            raise err
        return self

    def to_json(self) -> str:
        """The report as JSON (SPEC.md section 12.4)."""
        return self._json

    def to_frame(self) -> pd.DataFrame:
        """One row per step."""
        return pd.DataFrame(
            [(s.id, s.title, s.status, "; ".join(s.detail)) for s in self.steps],
            columns=["step", "checks", "status", "detail"],
        ).set_index("step")

    def __str__(self) -> str:
        safe = _display.safe
        top = safe(self.summary)
        if self.verdict == "invalid":
            top += f": {safe(self.error or 'a step failed')}"
        elif self.verdict == "valid":
            top += ": every step was checked by computation and nothing is left to compare by hand"
        lines = [top]
        lines.extend(self.notes)
        if self.by_hand:
            lines += ["", f"To compare by hand ({len(self.by_hand)}): no program can check these offline"]
            for i, b in enumerate(self.by_hand, 1):
                lines.append(f"  {i}. {safe(b.what)}")
                lines.append(f"     >>> {safe(b.value)}")
                lines.append(f"     against: {safe(b.record)}")
        failed = [s for s in self.steps if s.status == "failed"]
        if failed:
            lines += ["", "Failed:"]
            lines.extend(self._step_lines(failed))
        passed = self.checked
        if passed:
            lines += ["", "Checked by computation:"]
            lines.extend(self._step_lines(passed))
        rest = [s for s in self.steps if s.status in ("skipped", "not_checked")]
        if rest:
            lines += ["", "Does not apply (–) or not checked (·):"]
            lines.extend(self._step_lines(rest))
        return "\n".join(lines)

    @staticmethod
    def _step_lines(steps: Sequence[Step]) -> list[str]:
        safe = _display.safe
        lines = []
        for s in steps:
            lines.append(f"  {_MARK.get(s.status, '?')} {safe(s.id):<12} {safe(s.title)}")
            if s.computed is not None and (s.status == "failed" or s.computed != s.published):
                lines.append(f"      computed:      {safe(s.computed)}")
                if s.published is not None:
                    lines.append(f"      compared with: {safe(s.published)}")
            elif s.computed is not None:
                lines.append(f"      {safe(s.computed)}")
            lines.extend(f"      {safe(d)}" for d in s.detail)
        return lines

    def __repr__(self) -> str:
        extra = f", error_kind={self.error_kind!r}" if self.error_kind else f", by_hand={len(self.by_hand)}"
        return f"Report(verdict={self.verdict!r}{extra})"

    def _repr_html_(self) -> str:
        return _display.report_html(self)


def verify(
    bundle: Union[Bundle, str, PathLike],
    commitment: Union[str, PathLike, None] = None,
    lotteries: Optional[Sequence[LotteryResult]] = None,
    replacements: Optional[Sequence[ReplacementLike]] = None,
) -> Report:
    """Verifies a bundle (a :class:`Bundle`, a JSON text or a path) against what was published
    outside it (SPEC.md section 12). The bundle is the organiser's: its own copy of the
    commitment or of a lottery's numbers proves nothing, so give what you obtained elsewhere:

    - ``commitment``: the commitment as the organiser first published it (64 hex digits,
      spaces ignored, or a file holding them such as ``commitment.txt``);
    - ``lotteries``: lottery results as their operators published them, each a text
      ``"euromillions@2026-12-04=7,18,28,40,48+3,9"`` or a mapping ``{"lottery", "date",
      "main", "bonus"}`` (numbers as lists or numpy arrays; ``bonus`` one list per group);
    - ``replacements``: replacement records made from the bundle (:class:`Replacement`
      objects, JSON texts or files).

    Never raises for a bad bundle: the report says what failed (an input given here that
    cannot be read raises :class:`InvalidInput`). Its :attr:`Report.verdict` is ``invalid``,
    ``valid_if`` (valid if the items of :attr:`Report.by_hand` match their public records) or
    ``valid``. Use ``verify(b).raise_for_status()`` to raise when a step failed."""
    if isinstance(bundle, Bundle):
        return bundle.verify(commitment=commitment, lotteries=lotteries, replacements=replacements)
    text = _text_or_file(bundle).lstrip("\ufeff")
    try:
        native = _native.Bundle.from_json(text)
    except KleroterionError:
        published = _convert.published(commitment, lotteries)
        texts = _convert.replacement_texts(replacements)
        return Report(_native.verify_json(text, published, texts))
    return Bundle(native).verify(commitment=commitment, lotteries=lotteries, replacements=replacements)


# ------------------------------------------------------------------------------------------
# Replacement


class Replacement:
    """Verifiable replacements of people who dropped out (SPEC.md section 10.2). Give the
    records to :func:`verify` (``replacements=[...]``) to check them against the draw.

    The record itself names tickets (it is published). Made by :func:`replace` from a draw
    of this session, it also knows the organiser's ids: :meth:`to_frame` and :attr:`by_id`
    give them beside the tickets."""

    def __init__(self, text: str, ids: Optional[Mapping[str, Any]] = None) -> None:
        self._json = text
        self.data: JSON = json.loads(text)
        self._inputs: Inputs = []
        self._ids: Optional[dict[str, Any]] = None if ids is None else dict(ids)
        self._alternates: Optional[list[str]] = None

    @classmethod
    def from_json(cls, text: str) -> Replacement:
        """Reads a replacement record's JSON text."""
        try:
            data = json.loads(text)
        except ValueError as e:
            raise _convert.invalid(f"replacement record: {e}", "Json") from e
        if not isinstance(data, dict) or data.get("format") != "kleroterion-replacement":
            raise _convert.invalid('not a replacement record (its "format" is not "kleroterion-replacement")', "Json")
        return cls(text)

    @classmethod
    def load(cls, path: PathLike) -> Replacement:
        """Reads a replacement record file."""
        return cls.from_json(_text_or_file(path))

    def write(self, path: PathLike, *, overwrite: bool = False) -> Path:
        """Writes the record's JSON to ``path`` (its folder is created), atomically. An
        existing file raises :class:`OutputExists` and is left as it is, unless
        ``overwrite=True``; the bundle file the record was made from is always refused."""
        with _python_fixes():
            out = _native.write_text(
                os.fspath(path), self.to_json() + "\n", what="a replacement record", overwrite=overwrite,
                inputs=_input_args(self._inputs),
            )
        return Path(out)

    @property
    def dropped(self) -> list[str]:
        """The tickets declared dropped, in order."""
        return list(self.data["dropped"])

    @property
    def replacements(self) -> dict[str, Optional[str]]:
        """Each dropped ticket and the ticket who replaces them (None: not on the panel, or
        nobody can). :attr:`by_id` gives the same with ids."""
        return dict(zip(self.data["dropped"], self.data["replacements"]))

    @property
    def ids_known(self) -> bool:
        """True when the organiser's ids are known (a record made by :func:`replace` from a
        draw whose ticket map is known)."""
        return self._ids is not None

    def _id(self, ticket: Optional[str]) -> Any:
        if ticket is None:
            return None
        if self._ids is None:
            return ticket
        return self._ids.get(ticket, ticket)

    @property
    def by_id(self) -> dict[Any, Any]:
        """Each dropped person's id and the id of who replaces them (None: not on the panel, or
        nobody can); tickets when the ids are not known (see :attr:`ids_known`)."""
        return {self._id(d): self._id(r) for d, r in self.replacements.items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per dropped person, in the order they dropped out: ``id``, ``ticket``,
        ``replacement_id`` and ``replacement_ticket`` (missing when nobody replaces them, or
        when the person was not on the panel), and ``published_alternate`` (whether the
        replacement is on the published list of alternates, when known)."""
        alternates = self._alternates
        rows = []
        for d, r in self.replacements.items():
            rows.append((self._id(d), d, self._id(r), r, None if r is None or alternates is None else r in alternates))
        frame = pd.DataFrame(rows, columns=["id", "ticket", "replacement_id", "replacement_ticket", "published_alternate"])
        if alternates is None:
            frame = frame.drop(columns="published_alternate")
        return frame

    @property
    def panel(self) -> list[str]:
        """The panel's tickets after replacement, in panel order."""
        return list(self.data["panel"])

    @property
    def panel_ids(self) -> list[Any]:
        """The panel after replacement as ids (tickets when the ids are not known)."""
        return [self._id(t) for t in self.data["panel"]]

    @property
    def broken_quotas(self) -> list[str]:
        return list(self.data["broken_quotas"])

    @property
    def openings(self) -> list[JSON]:
        """With sealed features, the openings of the people whose values the rule read and
        the bundle does not open, in the order it read them (SPEC.md section 10.2): their
        values become public with the record. Empty otherwise."""
        return [dict(o) for o in self.data.get("openings", [])]

    @property
    def hash(self) -> str:
        return str(self.data["hash"])

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False)

    def __repr__(self) -> str:
        pairs = ", ".join(
            f"{_display.safe(repr(k), 200)}: {_display.safe(repr(v), 200)}" for k, v in self.by_id.items()
        )
        return f"Replacement({{{pairs}}}, hash={self.hash[:16]}…)"

    def _repr_html_(self) -> str:
        return _display.replacement_html(self)


Dropped = Union[Hashable, Iterable[Any]]
"""Who dropped out: ids of the pool or tickets, one or a list."""


def replace(
    bundle: Union[Bundle, str, PathLike], dropped: Dropped, openings: Optional[OpeningsLike] = None
) -> Replacement:
    """Replaces the people of ``dropped`` who are on the panel, after verifying the bundle
    (SPEC.md section 10.2).

    ``dropped`` lists the people who dropped out or declined, in the order they did: the
    organiser's ids (as in the pool: ``1282`` for an integer id column) when the draw was made
    in this session or from a commit folder with its ticket map, or tickets. A single id or
    ticket (one text or one number) is read as a list of one person. The record names tickets
    (it is published); :meth:`Replacement.to_frame` puts the ids beside them.

    A replacement may be someone who is not on the published list of alternates: the
    alternates are only the first names of the replacement order, and under quotas each
    replacement is the first person in that order who keeps every quota (README, "Why a
    replacement may not be a published alternate").

    With sealed features, the rule reads the values of the people it tries: the bundle opens
    the panel and the alternates, and the organiser's ``openings`` (the path of the commit's
    ``private/openings.json``, or ``manifest.openings``) open anyone further down the order;
    by default, those of the manifest the bundle was drawn from in this session. The record
    publishes the openings the rule read beyond the bundle's (:attr:`Replacement.openings`).
    """
    b = bundle if isinstance(bundle, Bundle) else Bundle.load(bundle)
    tickets = b._tickets_of(dropped, "replace")
    text: Optional[str] = None
    path: Optional[Path] = None
    if openings is not None:
        text, path = _given_openings(openings, b.sealed, "replace", "the bundle's manifest")
    elif b._manifest is not None:
        text = b._manifest._openings
    fix = None
    if b.sealed and text is None:
        fix = (
            "Fix: the features are sealed and the rule reads values the bundle does not open: give openings=, "
            "the path of the commit's private/openings.json (or manifest.openings)"
        )
    with _naming(path), _hint(fix, ("OpeningMismatch",)):
        r = Replacement(_native.replace(b.native, tickets, text), b._ids_of_tickets())
    r._alternates = list(b.alternate_tickets)
    r._inputs = list(b._inputs) + ([] if path is None else [("the openings file", path)])
    return r


# ------------------------------------------------------------------------------------------
# RFC 3797


@dataclass(frozen=True)
class Rfc3797Pick:
    """One pick of RFC 3797's table."""

    index: int
    md5: str
    remaining: int
    position: int
    """1-based position of the picked entry in the list of names."""
    name: str


@dataclass(frozen=True)
class Rfc3797Result:
    def _repr_html_(self) -> str:
        return _display.rfc3797_html(self)

    key: str
    picks: list[Rfc3797Pick]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.picks]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.__dict__ for p in self.picks]).set_index("index")

    def __str__(self) -> str:
        lines = [f"key: {self.key}", " index        hex value of MD5        div  selected"]
        for p in self.picks:
            lines.append(f"{p.index:>6}  {p.md5.upper()}  {p.remaining:>2}  -> {p.position:>2} <- {p.name}")
        return "\n".join(lines)


def rfc3797(names: Sequence[str], sources: Sequence[Union[str, Sequence[Union[int, str]]]], count: Optional[int] = None) -> Rfc3797Result:
    """The IETF NomCom procedure (RFC 3797): ``sources`` are the published random values, each
    a text of numbers (``"2 5 12 8 10"``) or a list of numbers; ``count`` picks (default: all)."""
    texts = [s if isinstance(s, str) else " ".join(str(x) for x in s) for s in sources]
    n = len(names)
    key, picks = _native.rfc3797(texts, n, n if count is None else count)
    return Rfc3797Result(
        key,
        [Rfc3797Pick(i + 1, md5, rem, idx + 1, names[idx]) for i, (md5, rem, idx) in enumerate(picks)],
    )
