"""Building randomness recipes (committed) and reveals (published later) as the JSON of
SPEC.md section 14. Plain dicts, plus a planning helper.

>>> recipe(lottery_source("euromillions", "2026-12-08"))["fallback"]
'next_value'
>>> lottery("euromillions", [7, 18, 28, 40, 48], [[3, 9]])["bonus"]
[[3, 9]]
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, NamedTuple, Optional, Union

from . import _convert, _native

__all__ = [
    "DrandRound",
    "dice_source",
    "dice_value",
    "drand_source",
    "drand_value",
    "first_drand_round",
    "hex_source",
    "hex_value",
    "lottery",
    "lottery_format",
    "lottery_registry",
    "lottery_source",
    "lottery_value",
    "number_group",
    "recipe",
    "reveal",
    "source_time",
]

Source = dict[str, Any]
Numbers = Iterable[Any]
"""Whole numbers: a list or tuple of ints, or a numpy integer array."""



def lottery_registry() -> list[dict[str, Any]]:
    """The lotteries the protocol knows (SPEC.md section 6.6), from the core: for each, its
    ``id`` (used in recipes), ``name``, ``operator``, ``result_page``, ``zone``, ``draws``
    (day and local time), ``since`` (first date accepted) and ``format`` (main and bonus
    groups). Another lottery is declared with ``format`` and ``draw_at``."""
    entries: list[dict[str, Any]] = json.loads(_native.lottery_registry())
    return entries


def source_time(source: Mapping[str, Any]) -> Optional[str]:
    """When a recipe source comes into existence (UTC, ``YYYY-MM-DDTHH:MM:SSZ``): a drand
    round's production time, a lottery's draw time; None for hex values and dice. Announce
    the commitment at least an hour before the earliest.

    >>> source_time(lottery_source("euromillions", "2026-12-08"))
    '2026-12-08T19:30:00Z'
    """
    return _native.source_time(json.dumps(dict(source)))


def recipe(*sources: Source, fallback: str = "next_value") -> dict[str, Any]:
    """A recipe: the ordered sources (1 to 16) and the fallback rule, fixed before the
    randomness exists. The only rule is ``next_value``: if a source never publishes the
    committed value, the first value of the same source published after it is used."""
    return {"sources": list(sources), "fallback": fallback}


def hex_source(label: str) -> Source:
    """Bytes given at reveal time: for tests and private use, not public randomness (the
    verifier says so)."""
    return {"kind": "hex", "label": label}


def number_group(name: str, count: int, min: int, max: int, from_main_drum: bool = False) -> dict[str, Any]:
    """A group of numbers a declared lottery publishes: ``count`` distinct numbers from
    ``min`` to ``max``; ``from_main_drum`` for a bonus drawn from the main numbers' drum."""
    return {"name": name, "count": count, "min": min, "max": max, "from_main_drum": from_main_drum}


def lottery_format(main: Mapping[str, Any], *bonus: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers a declared lottery publishes: the main group and 0 to 8 bonus groups,
    each made with :func:`number_group`."""
    return {"main": dict(main), "bonus": [dict(b) for b in bonus]}


def lottery_source(
    lottery: str,
    date: str,
    *,
    format: Optional[Mapping[str, Any]] = None,
    draw_at: Optional[str] = None,
) -> Source:
    """A public lottery draw on ``date`` (``YYYY-MM-DD``): a registry id (see
    :func:`lottery_registry`, e.g. ``lottery_source("euromillions", "2026-12-08")``, on one of its
    draw days), or another lottery with its ``format`` (:func:`lottery_format`) and
    ``draw_at`` (``YYYY-MM-DDTHH:MM:SSZ``) declared."""
    s: Source = {"kind": "lottery", "lottery": lottery, "date": str(date)}
    if format is not None:
        s["format"] = dict(format)
    if draw_at is not None:
        s["draw_at"] = draw_at
    return s


def drand_source(chain: str, round: int) -> Source:
    """A drand round of the chain with this chain hash (hex); see :func:`first_drand_round`."""
    return {"kind": "drand", "chain": chain, "round": round}


def dice_source(count: int, faces: int, witnesses: str) -> Source:
    """Dice thrown in public."""
    return {"kind": "dice", "count": count, "faces": faces, "witnesses": witnesses}


def reveal(*values: Source) -> dict[str, Any]:
    """A reveal: one value per recipe source, in the recipe's order."""
    return {"sources": list(values)}


def hex_value(value: Union[bytes, str]) -> Source:
    """The bytes of a ``hex`` source (bytes, or a hex text)."""
    return {"kind": "hex", "value": value.hex() if isinstance(value, bytes) else value}


def lottery_value(lottery: str, main: Numbers, bonus: Iterable[Numbers] = ()) -> Source:
    """The numbers a lottery drew, as its operator published them: the main numbers, and one
    list per bonus group in the format's order (numbers in any order; lists, tuples or numpy
    integer arrays). ``lottery`` is the recipe's: a registry id or the declared name.

    >>> lottery_value("euromillions", [7, 18, 28, 40, 48], [[3, 9]])["main"]
    [7, 18, 28, 40, 48]
    """
    return {
        "kind": "lottery",
        "lottery": lottery,
        "main": _convert.numbers(main, f"{lottery}: main"),
        "bonus": _convert.groups(bonus, f"{lottery}: bonus"),
    }


lottery = lottery_value
"""Short for :func:`lottery_value`: ``lottery("euromillions", [7, 18, 28, 40, 48], [[3, 9]])``."""


def drand_value(
    chain: str,
    round: int,
    signature: str,
    previous_signature: Optional[str] = None,
    randomness: Optional[str] = None,
) -> Source:
    """A drand beacon as published (the signature is checked offline at draw time);
    ``randomness``, when copied from drand's answer, is checked to be SHA-256 of the
    signature."""
    v: Source = {"kind": "drand", "chain": chain, "round": round, "signature": signature}
    if previous_signature is not None:
        v["previous_signature"] = previous_signature
    if randomness is not None:
        v["randomness"] = randomness
    return v


def dice_value(values: Numbers) -> Source:
    """The dice values, in the order recorded (a list or a numpy integer array)."""
    return {"kind": "dice", "values": _convert.numbers(values, "dice values")}


class DrandRound(NamedTuple):
    """A drand round to commit to (the core's ``beacon::DrandRound``, the same fields as
    ``kleroterion drand-round --json``)."""

    chain: str
    """The chain hash, in lowercase hex: what the recipe's drand source names."""
    round: int
    time: str
    """When the round is produced, ``YYYY-MM-DDTHH:MM:SSZ``."""
    network: str
    """The network's name, ``quicknet`` or ``mainnet``."""
    after: str
    """The time asked for, ``YYYY-MM-DDTHH:MM:SSZ``."""
    unix: int
    """When the round is produced, in Unix seconds."""


def first_drand_round(chain: str, after: str) -> DrandRound:
    """The first round of a drand network (``"quicknet"``, ``"mainnet"`` or the chain hash of
    one of them, any case) produced at or after ``after``, a UTC time written
    ``YYYY-MM-DDTHH:MM:SSZ`` (a space for ``T``, no seconds and no ``Z`` are also read:
    ``"2026-12-01 12:00"``): commit to it in the recipe and publish the commitment before its
    time (at least an hour before). A bad network or time raises :class:`InvalidInput`
    (``kind`` ``InvalidArgument``) naming ``chain`` or ``after``.

    >>> first_drand_round("quicknet", "2023-08-23T15:09:30Z").round
    2
    """
    return DrandRound(**json.loads(_native.first_drand_round(chain, after)))
