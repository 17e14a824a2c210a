"""Linked stages (SPEC.md sections 5.3, 12.5 and 13): a stage whose pool is made of the
invitees of a previous stage who answered, verified together with that stage, and a person's
path through both from their receipts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Literal, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _convert, _display, _native
from ._convert import LotteryResult, ReplacementLike
from ._native import KleroterionError, VerificationFailed
from .pool import PathLike
from .protocol import (
    JSON,
    Bundle,
    Outcome,
    Receipt,
    ReceiptCheck,
    Report,
    Verdict,
    _receipt_check,
    _text_or_file,
)

__all__ = [
    "ChainReport",
    "PathCheck",
    "Place",
    "PlaceKind",
    "check_path",
    "verify_chain",
]

BundleLike = Union[Bundle, str, PathLike]
"""A bundle: a :class:`Bundle`, its JSON text or the path of its file."""
ReceiptLike = Union[Receipt, Mapping[str, Any], str, PathLike]
"""A receipt: a :class:`Receipt`, its JSON as a dict, its JSON text or the path of its file."""
PlaceKind = Literal["selected", "alternate"]

RESPONSE_COLUMNS = ["feature", "value", "invited", "volunteered", "rate"]


def _bundle_or_text(value: Any, what: str) -> Union[Bundle, str]:
    """A bundle argument as a :class:`Bundle`, or as its text when it is not a readable bundle
    (verification then reports it, as :func:`verify` does)."""
    if isinstance(value, Bundle):
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise _convert.invalid(f"{what}: a Bundle, the JSON text of a bundle or the path of its file, not {type(value).__name__}")
    text = _text_or_file(value).lstrip("\ufeff")
    try:
        bundle = Bundle(_native.Bundle.from_json(text))
    except KleroterionError:
        return text
    return bundle


def _recipe_committed(b: Union[Bundle, str]) -> Optional[bool]:
    return b.manifest.get("randomness") is not None if isinstance(b, Bundle) else None


class ChainReport:
    """The verification of a stage and of the previous stage it was drawn from (SPEC.md section
    12.5): :attr:`previous` is the previous stage's report, made with its own published facts,
    and :attr:`report` the stage's, made with the previous stage given, so that its ``parent``,
    ``links`` and ``inherited`` steps check the chain. :attr:`responses` gives who answered, by
    value of the previous stage's features, when every step of both passed.

    ``bool(chain)`` is :attr:`valid`: True when no step of either report failed, even when
    items remain to compare by hand (:attr:`by_hand`)."""

    def __init__(
        self,
        chain_json: str,
        rates: Sequence[str],
        *,
        recipe_committed: tuple[Optional[bool], Optional[bool]] = (None, None),
    ) -> None:
        d = json.loads(chain_json)
        self._json = chain_json
        self.verdict: Verdict = d["verdict"]
        """``invalid`` when either report failed, ``valid_if`` when either lists an item to
        compare by hand, ``valid`` otherwise."""
        self.valid: bool = bool(d["valid"])
        """True when no step of either report failed."""
        self.previous = Report(_compact(d["previous"]), recipe_committed=recipe_committed[0])
        """The previous stage's report."""
        self.report = Report(_compact(d["report"]), recipe_committed=recipe_committed[1])
        """The stage's report, made with the previous stage given."""
        self._responses: list[dict[str, Any]] = [dict(r, rate=rate) for r, rate in zip(d["responses"], rates)]

    def __bool__(self) -> bool:
        return self.valid

    @property
    def responses(self) -> pd.DataFrame:
        """The response rates (SPEC.md section 5.3): for each feature of the previous stage and
        each of its values, in its manifest's order, ``invited`` (the previous stage's invitees
        with that value), ``volunteered`` (the records of this pool linked to one of them) and
        ``rate`` (the share who answered, as the core writes it: ``"27.5%"``); the last row,
        with no feature and no value (missing), is the total (the invitees, and the pool's
        size). Empty when a step failed: the counts of a chain that does not verify mean
        nothing."""
        return pd.DataFrame(self._responses, columns=RESPONSE_COLUMNS)

    @property
    def by_hand(self) -> int:
        """How many items of the two reports remain to compare by hand."""
        return len(self.previous.by_hand) + len(self.report.by_hand)

    @property
    def headline(self) -> str:
        """The chain's verdict in words, as the command line's ``verify --previous`` says it."""
        if self.verdict == "invalid":
            return "INVALID"
        if self.verdict == "valid_if":
            return "VALID if the items listed under each stage match their public records"
        return "VALID"

    @property
    def failed(self) -> Optional[Report]:
        """The report that failed first: the previous stage's, else the stage's; None when no
        step failed."""
        if not self.previous.valid:
            return self.previous
        if not self.report.valid:
            return self.report
        return None

    @property
    def error(self) -> Optional[str]:
        """The first failure, in words (the previous stage's first)."""
        failed = self.failed
        return None if failed is None else failed.error

    @property
    def error_kind(self) -> Optional[str]:
        """The protocol name of the first failure (the previous stage's first)."""
        failed = self.failed
        return None if failed is None else failed.error_kind

    def raise_for_status(self) -> ChainReport:
        """Raises :class:`VerificationFailed` (``kind``: the first failure's) when a step of
        either stage failed; returns the report otherwise."""
        failed = self.failed
        if failed is not None:
            where = "the previous stage" if failed is self.previous else "this stage"
            err = VerificationFailed(f"{where}: {failed.error or 'a step failed'}")
            err.kind = failed.error_kind or "VerificationFailed"
            raise err
        return self

    def to_json(self) -> str:
        """The chain report as JSON (SPEC.md section 12.5)."""
        return self._json

    def __str__(self) -> str:
        safe = _display.safe
        top = f"Chain: {self.headline}"
        if self.verdict == "invalid":
            where = "the previous stage" if self.failed is self.previous else "this stage"
            top += f" ({where}: {safe(self.error or 'a step failed')})"
        lines = [top, "", "Previous stage:", str(self.previous), "", "This stage:", str(self.report)]
        if self._responses:
            lines += ["", "Who answered (invited by the previous stage, then in this pool):"]
            lines.append(f"  {'feature = value':<40} {'invited':>8} {'volunteered':>11} {'rate':>7}")
            for r in self._responses:
                label = "total" if r["feature"] is None else f"{r['feature']} = {r['value']}"
                lines.append(f"  {safe(label, 200):<40} {r['invited']:>8} {r['volunteered']:>11} {r['rate']:>7}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        extra = f", error_kind={self.error_kind!r}" if self.error_kind else f", by_hand={self.by_hand}"
        return f"ChainReport(verdict={self.verdict!r}{extra})"

    def _repr_html_(self) -> str:
        return _display.chain_html(self)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def verify_chain(
    bundle: BundleLike,
    previous: BundleLike,
    *,
    commitment: Union[str, PathLike, None] = None,
    lotteries: Optional[Sequence[LotteryResult]] = None,
    replacements: Optional[Sequence[ReplacementLike]] = None,
    previous_commitment: Union[str, PathLike, None] = None,
    previous_lotteries: Optional[Sequence[LotteryResult]] = None,
) -> ChainReport:
    """Verifies a stage (``bundle``) together with the previous stage it was drawn from
    (``previous``), each a :class:`Bundle`, a JSON text or a path (SPEC.md section 12.5). The
    previous stage is verified first, with its own published facts (``previous_commitment``,
    ``previous_lotteries``); then the stage, with its own (``commitment``, ``lotteries``,
    ``replacements``, as for :func:`verify`) and the previous stage given: its ``parent`` step
    checks that the previous stage verifies and is the one its manifest commits to, ``links``
    that every volunteer was invited, once, and ``inherited`` that the values from the roll are
    the invitees'.

    Never raises for a bad bundle: a text that is not a readable bundle fails its report's
    ``format`` step (each stage is then verified alone), and the chain is invalid. An input
    given here that cannot be read raises :class:`InvalidInput`."""
    b = _bundle_or_text(bundle, "verify_chain: bundle")
    p = _bundle_or_text(previous, "verify_chain: previous")
    published = _convert.published(commitment, lotteries)
    texts = _convert.replacement_texts(replacements)
    previous_published = _convert.published(previous_commitment, previous_lotteries)
    if isinstance(b, Bundle) and isinstance(p, Bundle):
        out, rates = _native.verify_chain(b.native, p.native, published, texts, previous_published, [])
    else:
        out, rates = _native.verify_chain_json(
            b.to_json() if isinstance(b, Bundle) else b,
            p.to_json() if isinstance(p, Bundle) else p,
            published,
            texts,
            previous_published,
            [],
        )
    return ChainReport(out, rates, recipe_committed=(_recipe_committed(p), _recipe_committed(b)))


# ------------------------------------------------------------------------------------------
# A person's path through a chain


@dataclass(frozen=True)
class Place:
    """Where an invitee stands in the previous stage's result."""

    def _repr_html_(self) -> str:
        return _display.dataclass_html(self)


    place: PlaceKind
    """``selected`` (on the panel) or ``alternate``."""
    number: int
    """1-based: the position in the panel, or the alternate number."""

    def __str__(self) -> str:
        return f"selected (position {self.number})" if self.place == "selected" else f"alternate number {self.number}"


@dataclass(frozen=True)
class PathCheck:
    """One person's path through a chain, from their receipts (SPEC.md section 13, "Receipts
    across stages"): on the previous stage's roll, invited, answered, then the outcome in this
    stage. Like a receipt's outcome, the path is established only when the chain verifies:
    check :attr:`chain_valid` (and :attr:`verdict`) first."""

    invited: Optional[Place]
    """What the previous stage's receipt says: where its holder stands among the invitees;
    None when they were not invited, or without that receipt."""
    answered: Optional[str]
    """For an invited holder of the previous stage's receipt: the ticket of this stage's record
    that links to them, when they answered; None otherwise."""
    previous: Optional[ReceiptCheck]
    """The previous stage's receipt checked, when it was given."""
    current: Optional[ReceiptCheck]
    """This stage's receipt checked, when it was given."""
    verdict: Verdict
    """The chain's verdict (see :class:`ChainReport`)."""
    chain_error: Optional[str] = None
    chain_error_kind: Optional[str] = None

    @property
    def chain_valid(self) -> bool:
        """True when no step of either stage failed."""
        return self.verdict != "invalid"

    @property
    def outcome(self) -> Optional[Outcome]:
        """The outcome in this stage (``selected``, ``alternate`` or ``not_selected``), from this
        stage's receipt; None without it."""
        return None if self.current is None else self.current.outcome

    @property
    def position(self) -> Optional[int]:
        """This stage's 1-based position on the panel, or alternate number, from its receipt."""
        return None if self.current is None else self.current.position

    def lines(self) -> list[str]:
        """The path in words, one step a line: what the previous stage's receipt says (on the
        roll, invited, answered), then what this stage's says (linked to an invitee, outcome)."""
        safe = _display.safe
        out = []
        if self.previous is not None:
            out.append(f"previous stage: ticket {safe(self.previous.ticket, 200)}, on its roll")
            out.append("invited: " + (str(self.invited) if self.invited is not None else "no"))
            if self.answered is not None:
                out.append(f"answered: this stage's record {safe(self.answered, 200)}")
            elif self.invited is not None:
                out.append("answered: no record of this stage links to this invitee")
        if self.current is not None:
            out.append(
                f"this stage: ticket {safe(self.current.ticket, 200)}, linked to an invitee of the previous stage: "
                f"{self.current.describe_outcome()}"
            )
        return out

    def __str__(self) -> str:
        safe = _display.safe
        if self.verdict == "invalid":
            kind = f" [{safe(self.chain_error_kind)}]" if self.chain_error_kind else ""
            head = (
                f"The chain FAILED verification{kind}: {safe(self.chain_error or 'a step failed')}\n"
                "What it says about this person is therefore not established and means nothing."
            )
        elif self.verdict == "valid_if":
            head = "If the chain's items to compare by hand match their public records (kl.verify_chain lists them):"
        else:
            head = "The chain verifies:"
        return "\n".join([head, *(f"  {line}" for line in self.lines())])

    def _repr_html_(self) -> str:
        return _display.path_html(self)


def _receipt_json(value: ReceiptLike, what: str) -> str:
    if isinstance(value, Receipt):
        return value.to_json()
    if isinstance(value, Mapping):
        return json.dumps(_convert.plain(value), ensure_ascii=False)
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return value
    if isinstance(value, (str, os.PathLike)):
        return _text_or_file(value)
    raise _convert.invalid(f"{what}: a Receipt, a receipt's JSON (a dict or a text) or the path of a receipt file")


def _loaded(value: BundleLike, what: str) -> Bundle:
    if isinstance(value, Bundle):
        return value
    if isinstance(value, (str, os.PathLike)):
        return Bundle.load(value)
    raise _convert.invalid(f"{what}: a Bundle, the JSON text of a bundle or the path of its file, not {type(value).__name__}")


def check_path(
    previous_bundle: BundleLike,
    bundle: BundleLike,
    previous_receipt: Optional[ReceiptLike] = None,
    receipt: Optional[ReceiptLike] = None,
    *,
    commitment: Union[str, PathLike, None] = None,
    lotteries: Optional[Sequence[LotteryResult]] = None,
    replacements: Optional[Sequence[ReplacementLike]] = None,
    previous_commitment: Union[str, PathLike, None] = None,
    previous_lotteries: Optional[Sequence[LotteryResult]] = None,
) -> PathCheck:
    """Checks one person's receipts along a chain (SPEC.md section 13): the previous stage's
    receipt says whether they were invited (seat or alternate number) and, when a record of this
    stage links to their ticket, that they answered (:attr:`PathCheck.invited`,
    :attr:`PathCheck.answered`); this stage's receipt shows its record's link, which must be an
    invitee, then the outcome (:attr:`PathCheck.outcome`). Give one receipt or both; with both, this
    stage's record must link to the previous receipt's ticket (the two are one person's).

    Raises :class:`VerificationFailed` (kind ``ReceiptMismatch``) when a receipt does not match
    its stage, links to no invitee, or the two are not one person's. The chain is verified too,
    with the published facts given (as :func:`verify_chain`): when it fails, :attr:`PathCheck.verdict`
    says so, and the path it gives is not established."""
    if previous_receipt is None and receipt is None:
        raise _convert.invalid(
            "check_path: give the previous stage's receipt (previous_receipt=), this stage's (receipt=), or both"
        )
    prev = _loaded(previous_bundle, "check_path: previous_bundle")
    this = _loaded(bundle, "check_path: bundle")
    earlier = None if previous_receipt is None else _receipt_json(previous_receipt, "check_path: previous_receipt")
    current = None if receipt is None else _receipt_json(receipt, "check_path: receipt")
    path: JSON = json.loads(_native.check_path(prev.native, this.native, earlier, current))
    chain = verify_chain(
        this,
        prev,
        commitment=commitment,
        lotteries=lotteries,
        replacements=replacements,
        previous_commitment=previous_commitment,
        previous_lotteries=previous_lotteries,
    )
    invited = path.get("invited")
    return PathCheck(
        invited=None if invited is None else Place(invited["place"], int(invited["number"])),
        answered=path.get("answered"),
        previous=None if path.get("previous") is None else _receipt_check(path["previous"], chain.previous),
        current=None if path.get("current") is None else _receipt_check(path["current"], chain.report),
        verdict=chain.verdict,
        chain_error=chain.error,
        chain_error_kind=chain.error_kind,
    )
