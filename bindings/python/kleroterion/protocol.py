"""Commit, draw, verify, replace, receipts: the protocol of SPEC.md through the Rust core."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _display, _native
from ._native import InvalidInput, VerificationFailed
from .pool import PathLike, Pool, Quotas

__all__ = [
    "Bundle",
    "Manifest",
    "Receipt",
    "ReceiptCheck",
    "Receipts",
    "Replacement",
    "Report",
    "Rfc3797Pick",
    "Rfc3797Result",
    "Step",
    "commit",
    "draw",
    "replace",
    "rfc3797",
    "verify",
]

JSON = dict[str, Any]
RevealLike = Union[Mapping[str, Any], Sequence[Mapping[str, Any]], str, PathLike]


def _invalid(message: str) -> InvalidInput:
    err = InvalidInput(message)
    err.kind = "InvalidArgument"
    return err


def _reveal_json(reveal: RevealLike) -> str:
    """A reveal given as a dict (``{"sources": [...]}`` or one source), a list of sources, a
    JSON text or a path to a reveal file, read as the command line reads it."""
    if isinstance(reveal, Mapping):
        return _native.parse_reveal(json.dumps(dict(reveal)))
    if isinstance(reveal, (list, tuple)):
        return _native.parse_reveal(json.dumps({"sources": [dict(s) for s in reveal]}))
    if isinstance(reveal, str) and reveal.lstrip().startswith("{"):
        return _native.parse_reveal(reveal)
    if isinstance(reveal, (str, os.PathLike)):
        path = Path(reveal)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise _invalid(f"{path}: {e}") from e
        return _native.parse_reveal(text, str(path))
    raise _invalid("a reveal is a dict, a list of sources, a JSON text or a path to a reveal file")


def _text_or_file(value: Union[str, PathLike]) -> str:
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return value
    path = Path(value)
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise _invalid(f"{path}: {e}") from e


# ------------------------------------------------------------------------------------------
# Receipts


@dataclass(frozen=True)
class ReceiptCheck:
    """What happened to the holder of a receipt."""

    ticket: str
    features: dict[str, str]
    outcome: str
    """``"selected"``, ``"alternate"`` or ``"not_selected"``."""
    position: Optional[int] = None
    """1-based position on the panel, or alternate number."""

    def __str__(self) -> str:
        feats = ", ".join(f"{k}={v}" for k, v in self.features.items())
        if self.outcome == "selected":
            what = f"selected (position {self.position} of the draw)"
        elif self.outcome == "alternate":
            what = f"alternate number {self.position}"
        else:
            what = "in the pool, not selected"
        return f"ticket {self.ticket} ({feats}): {what}"


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

    def to_json(self) -> str:
        return self._json

    def proof_verifies(self) -> bool:
        """True when the proof puts the record at its index under the receipt's root."""
        return _native.receipt_proof_verifies(self._json)

    def check(self, bundle: Bundle) -> ReceiptCheck:
        """Checks the receipt against a draw; raises :class:`VerificationFailed` when it
        does not match this draw."""
        out = json.loads(_native.check_receipt(self._json, bundle.native))
        o = out["outcome"]
        return ReceiptCheck(
            ticket=out["ticket"],
            features={f: v for f, v in out["features"]},
            outcome=o["outcome"],
            position=o.get("position", o.get("number")),
        )

    def __repr__(self) -> str:
        return f"Receipt(ticket={self.ticket!r}, index={self.index})"


class Receipts(Mapping[str, Receipt]):
    """The receipts of a commit, by organiser id (one per person, issued on demand)."""

    def __init__(self, ids: pd.Index, lookup: Callable[[str], Receipt]) -> None:
        self._ids = ids
        self._lookup = lookup
        self._set = set(ids)

    def __getitem__(self, key: str) -> Receipt:
        if key not in self._set:
            raise KeyError(key)
        return self._lookup(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


# ------------------------------------------------------------------------------------------
# Manifest


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

    @classmethod
    def from_json(cls, manifest: str, pool: str) -> Manifest:
        """A manifest and its pool file, as JSON texts (checked against each other)."""
        records = _native.Records.from_json(pool)
        _native.check_committed_pool(manifest, records)
        return cls(manifest, records)

    @classmethod
    def load(cls, directory: PathLike) -> Manifest:
        """Reads a commit directory written by :meth:`write` or ``kleroterion commit``
        (``manifest.json``, ``pool.json`` and, when present, the private ``tickets.csv``)."""
        d = Path(directory)
        manifest = _native.read_manifest(str(d / "manifest.json"))
        m = cls.from_json(manifest, _text_or_file(d / "pool.json"))
        if (d / "tickets.csv").exists():
            t = _native.Table.read(str(d / "tickets.csv"), None)
            cols = dict(zip(t.header, t.columns()))
            id_col = t.header[2] if len(t.header) > 2 else "ticket"
            m._tickets = pd.Series(cols["ticket"], index=pd.Index(cols[id_col], name=id_col), name="ticket")
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
        return str(self.data["method"]["name"])

    @property
    def panel_size(self) -> int:
        return int(self.data["panel_size"])

    @property
    def pool_root(self) -> str:
        return str(self.data["pool"]["root"])

    @property
    def tickets(self) -> Optional[pd.Series]:
        """Private: the ticket of each organiser id (None when unknown)."""
        if self._tickets is None and self._committed is not None:
            rows = self._committed.tickets()
            self._tickets = pd.Series(
                [t for _, t, _ in rows],
                index=pd.Index([i for i, _, _ in rows], name=self._id_name()),
                name="ticket",
            )
        return self._tickets

    def _id_name(self) -> str:
        return str(self._pool.ids.name) if self._pool is not None else "id"

    @property
    def receipts(self) -> Receipts:
        """Private receipts by organiser id (by ticket when the ids are unknown)."""
        tickets = self.tickets
        index_of: dict[str, int]
        if tickets is None:
            ts = self._records.tickets()
            index_of = {t: i for i, t in enumerate(ts)}
            ids = pd.Index(ts, name="ticket")
            return Receipts(ids, lambda k: Receipt(self._records.receipt(self.commitment, index_of[k])))
        pos = {t: i for i, t in enumerate(self._records.tickets())}
        by_id = dict(zip(tickets.index, tickets.tolist()))

        def lookup(key: str) -> Receipt:
            i = pos[by_id[key]]
            if self._committed is not None:
                return Receipt(self._committed.receipt_json(i))
            return Receipt(self._records.receipt(self.commitment, i))

        return Receipts(tickets.index, lookup)

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
    def leximin_min(self) -> Optional[float]:
        """For ``lottery`` committed here: the LEXIMIN minimum probability before rounding."""
        return None if self._committed is None else self._committed.leximin_min

    def to_json(self) -> str:
        """The manifest (SPEC.md section 14)."""
        return json.dumps(self.data, indent=2, ensure_ascii=False)

    def write(self, directory: PathLike, *, bom: bool = False) -> dict[str, Path]:
        """Writes the commit directory as ``kleroterion commit`` does: ``manifest.json``,
        ``pool.json``, ``commitment.txt`` (public), ``receipts/`` and ``tickets.csv``
        (private). Only for a manifest committed in this session."""
        if self._committed is None:
            raise _invalid("only a manifest made by kleroterion.commit can write a commit directory")
        return {k: Path(v) for k, v in self._committed.write(os.fspath(directory), bom).items()}

    def check_reveal(self, reveal: RevealLike) -> list[str]:
        """Checks a reveal against the committed recipe; returns one line per source."""
        return _native.check_reveal(self._json, _reveal_json(reveal))

    def __repr__(self) -> str:
        return (
            f"Manifest({self.method}, k={self.panel_size}, n={len(self._records)}, "
            f"commitment={self.commitment[:16]}…)"
        )

    def _repr_html_(self) -> str:
        return _display.manifest_html(self)


def commit(
    pool: Pool,
    quotas: Quotas,
    size: int,
    *,
    method: str = "lottery",
    alternates: int = 0,
    title: str = "",
    announced_at: Optional[str] = None,
    randomness: Union[Mapping[str, Any], str, None] = None,
    ticket_key: Union[bytes, str, None] = None,
    panels: int = 1000,
    max_attempts: int = 100,
    strata: Optional[str] = None,
    allocation: str = "largest-remainder",
    progress: Union[bool, Callable[[str, int, int, int, int, float], object]] = True,
    time_limit: Optional[float] = None,
) -> Manifest:
    """Commits a draw, as ``kleroterion commit`` does: assigns tickets, orders the pool by
    ticket, builds the manifest (for ``lottery``: LEXIMIN rounded to ``panels`` equiprobable
    panels), the receipts and the private ticket map.

    - ``method``: ``lottery`` (default), ``greedy``, ``uniform`` or ``stratified`` (with
      ``strata``, the feature, and ``allocation``: ``largest-remainder``, ``sainte-lague`` or
      ``explicit:3,4,5``). The household rule is on when the pool has address columns.
    - ``randomness``: the recipe (``{"sources": [...], "fallback": "..."}``), or None to
      accept any reveal (the verifier then says the randomness was not committed).
    - ``ticket_key``: a secret key for reproducible tickets (HMAC of the ids); default:
      random tickets.
    """
    recipe = None
    if randomness is not None:
        recipe = randomness if isinstance(randomness, str) else json.dumps(dict(randomness))
    key = ticket_key.encode() if isinstance(ticket_key, str) else ticket_key
    people = pool.people(quotas)
    from .fair import _progress  # noqa: PLC0415 (tqdm is imported only when asked for)

    with _progress(progress, len(pool), method == "lottery") as callback:
        committed = _native.commit(
            people,
            quotas.native,
            size,
            method,
            alternates=alternates,
            title=title,
            announced_at=announced_at,
            randomness_json=recipe,
            ticket_key=None if key is None else list(key),
            max_attempts=max_attempts,
            panels=panels,
            strata=strata,
            allocation=allocation,
            progress=callback,
            time_limit=time_limit,
        )
    return Manifest(committed.manifest_json(), committed.records(), pool=pool, committed=committed)


# ------------------------------------------------------------------------------------------
# Bundle, draw


class Bundle:
    """Everything needed to verify a draw (SPEC.md section 11)."""

    def __init__(self, native: _native.Bundle, manifest: Optional[Manifest] = None) -> None:
        self._native = native
        self._manifest = manifest
        self._features: list[str] = [f["name"] for f in json.loads(native.manifest_json())["features"]]

    @classmethod
    def from_json(cls, text: str) -> Bundle:
        """Reads a bundle's JSON text."""
        return cls(_native.Bundle.from_json(text))

    @classmethod
    def load(cls, path: PathLike) -> Bundle:
        """Reads a bundle file."""
        return cls.from_json(_text_or_file(path))

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
        return json.loads(self._native.manifest_json())  # type: ignore[no-any-return]

    @property
    def reveal(self) -> JSON:
        return json.loads(self._native.reveal_json())  # type: ignore[no-any-return]

    @property
    def selected_tickets(self) -> list[str]:
        """The selected tickets, in draw order."""
        return self._native.selected

    @property
    def alternate_tickets(self) -> list[str]:
        """The alternates' tickets, in order."""
        return self._native.alternates

    def _frame(self, tickets: Sequence[str]) -> pd.DataFrame:
        m = self._manifest
        if m is not None and m.pool is not None and m.tickets is not None:
            position = {t: i for i, t in enumerate(m.tickets.tolist())}
            return m.pool.frame([position[t] for t in tickets], tickets)
        records = self._native.records()
        index = dict(zip(records.tickets(), range(len(records))))
        rows = []
        for t in tickets:
            r = json.loads(records.record_json(index[t]))
            rows.append([t, *r["values"], r.get("household")])
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
        with a ``ticket`` column), else the published records."""
        return self._frame(self._native.selected)

    @property
    def alternates(self) -> pd.DataFrame:
        """The alternates, in order (same columns as :attr:`selected`)."""
        return self._frame(self._native.alternates)

    @property
    def remaining(self) -> pd.DataFrame:
        """Everyone not selected and, under the household rule, not living with someone
        selected (the Sortition Foundation's ``remaining``), in pool order."""
        return self._frame(_native.remaining_tickets(self._native))

    def to_json(self) -> str:
        """The bundle (SPEC.md section 14)."""
        return self._native.to_json()

    def write(self, path: PathLike) -> Path:
        """Writes the bundle's JSON to ``path``."""
        p = Path(path)
        p.write_text(self.to_json() + "\n", encoding="utf-8")
        return p

    def write_csvs(self, directory: PathLike, tickets_csv: PathLike, *, bom: bool = False) -> dict[str, Path]:
        """Writes ``selected.csv``, ``alternates.csv`` and ``remaining.csv`` as
        ``kleroterion draw`` does, from the commit's private ``tickets.csv``."""
        out = _native.write_draw_csvs(os.fspath(directory), os.fspath(tickets_csv), self._native, bom)
        return {k: Path(v) for k, v in out.items()}

    def verify(self) -> Report:
        """Verifies the bundle (SPEC.md section 12)."""
        return Report(_native.verify(self._native))

    def replace(self, dropped: Sequence[str]) -> Replacement:
        """Replaces the people of ``dropped`` (tickets) who are on the panel."""
        return replace(self, dropped)

    def __repr__(self) -> str:
        return (
            f"Bundle({len(self.selected_tickets)} selected, {len(self.alternate_tickets)} alternates, "
            f"transcript={self.transcript[:16]}…)"
        )

    def _repr_html_(self) -> str:
        return _display.bundle_html(self)


def draw(manifest: Manifest, reveal: RevealLike) -> Bundle:
    """Draws: checks the reveal against the recipe, derives the seed, runs the method and the
    alternates (SPEC.md sections 6 to 11). ``reveal`` is a dict, a list of sources, a JSON
    text or a reveal file, read as ``kleroterion draw`` reads it."""
    native = _native.draw(manifest._json, manifest.records, _reveal_json(reveal))
    return Bundle(native, manifest)


# ------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class Step:
    """One step of verification."""

    id: str
    title: str
    status: str
    """``passed``, ``failed``, ``skipped`` or ``not_checked``."""
    computed: Optional[str] = None
    published: Optional[str] = None
    detail: list[str] = field(default_factory=list)


class Report:
    """The verification report; ``bool(report)`` is True only when the bundle is valid."""

    def __init__(self, report_json: str) -> None:
        d = json.loads(report_json)
        self.valid: bool = bool(d["valid"])
        self.steps: list[Step] = [
            Step(s["id"], s["title"], s["status"], s.get("computed"), s.get("published"), list(s.get("detail", [])))
            for s in d["steps"]
        ]
        self.error: Optional[str] = d.get("error")
        self.error_kind: Optional[str] = d.get("error_kind")

    def __bool__(self) -> bool:
        return self.valid

    @property
    def failed_step(self) -> Optional[Step]:
        """The first failed step."""
        return next((s for s in self.steps if s.status == "failed"), None)

    def raise_for_status(self) -> Report:
        """Raises :class:`VerificationFailed` (with ``kind`` the protocol name of the
        failure) unless the bundle is valid; returns the report otherwise."""
        if not self.valid:
            err = VerificationFailed(self.error or "the bundle does not verify")
            err.kind = self.error_kind or "VerificationFailed"
            raise err
        return self

    def to_frame(self) -> pd.DataFrame:
        """One row per step."""
        return pd.DataFrame(
            [(s.id, s.title, s.status, "; ".join(s.detail)) for s in self.steps],
            columns=["step", "checks", "status", "detail"],
        ).set_index("step")

    def __str__(self) -> str:
        marks = {"passed": "ok", "failed": "FAILED", "skipped": "skipped", "not_checked": "not checked"}
        lines = [f"[{marks.get(s.status, s.status):>11}] {s.title}" for s in self.steps]
        lines.append("VALID" if self.valid else f"INVALID: {self.error}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Report(valid={self.valid}" + ("" if self.valid else f", error={self.error!r}") + ")"

    def _repr_html_(self) -> str:
        return _display.report_html(self)


def verify(bundle: Union[Bundle, str, PathLike]) -> Report:
    """Verifies a bundle (a :class:`Bundle`, a JSON text or a path). Never raises for a bad
    bundle: the report says what failed. Use ``verify(b).raise_for_status()`` to raise."""
    if isinstance(bundle, Bundle):
        return bundle.verify()
    return Report(_native.verify_json(_text_or_file(bundle)))


# ------------------------------------------------------------------------------------------
# Replacement


class Replacement:
    """Verifiable replacements of people who dropped out (SPEC.md section 10.2)."""

    def __init__(self, text: str) -> None:
        self._json = text
        self.data: JSON = json.loads(text)

    @property
    def dropped(self) -> list[str]:
        return list(self.data["dropped"])

    @property
    def replacements(self) -> dict[str, Optional[str]]:
        """Each dropped ticket and who replaces them (None: not on the panel, or nobody can)."""
        return dict(zip(self.data["dropped"], self.data["replacements"]))

    @property
    def panel(self) -> list[str]:
        """The panel after replacement, in panel order."""
        return list(self.data["panel"])

    @property
    def broken_quotas(self) -> list[str]:
        return list(self.data["broken_quotas"])

    @property
    def hash(self) -> str:
        return str(self.data["hash"])

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False)

    def __repr__(self) -> str:
        return f"Replacement({self.replacements}, hash={self.hash[:16]}…)"


def replace(bundle: Union[Bundle, str, PathLike], dropped: Sequence[str]) -> Replacement:
    """Replaces the people of ``dropped`` (tickets, in the order they dropped out) who are on
    the panel, after verifying the bundle."""
    b = bundle if isinstance(bundle, Bundle) else Bundle.load(bundle)
    return Replacement(_native.replace(b.native, list(dropped)))


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
