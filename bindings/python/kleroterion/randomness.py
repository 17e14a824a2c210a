"""Building randomness recipes (committed) and reveals (published later) as the JSON of
SPEC.md section 14. Plain dicts, plus a planning helper."""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence, Union

from . import _native

__all__ = [
    "dice_source",
    "DrandRound",
    "dice_value",
    "drand_source",
    "drand_value",
    "first_drand_round",
    "hex_source",
    "hex_value",
    "lottery_source",
    "lottery_value",
    "recipe",
    "reveal",
]

Source = dict[str, Any]


def recipe(*sources: Source, fallback: str = "") -> dict[str, Any]:
    """A recipe: the ordered sources and the fallback rule, fixed before the randomness
    exists (it must name a specific later value, never "the latest value")."""
    return {"sources": list(sources), "fallback": fallback}


def hex_source(label: str) -> Source:
    """Bytes given at reveal time: for tests and private use, not public randomness."""
    return {"kind": "hex", "label": label}


def lottery_source(name: str, date: str) -> Source:
    """A public lottery draw, e.g. ``lottery_source("EuroMillions", "2026-12-01")``."""
    return {"kind": "lottery", "name": name, "date": date}


def drand_source(chain: str, round: int) -> Source:
    """A drand round of the chain with this chain hash (hex)."""
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


def lottery_value(name: str, numbers: Sequence[Union[int, str]]) -> Source:
    """The numbers drawn by a lottery (integers or decimal texts such as ``"12.5"``)."""
    return {"kind": "lottery", "name": name, "numbers": list(numbers)}


def drand_value(chain: str, round: int, signature: str, previous_signature: Optional[str] = None) -> Source:
    """A drand beacon as published (the signature is checked offline at draw time)."""
    v: Source = {"kind": "drand", "chain": chain, "round": round, "signature": signature}
    if previous_signature is not None:
        v["previous_signature"] = previous_signature
    return v


def dice_value(values: Sequence[int]) -> Source:
    """The dice values, in the order recorded."""
    return {"kind": "dice", "values": list(values)}


class DrandRound(NamedTuple):
    """A drand round to commit to: its chain hash, number and production time (UTC)."""

    chain: str
    round: int
    time: str


def first_drand_round(chain: str, after: str) -> DrandRound:
    """The first round of a drand network (``"quicknet"``, ``"mainnet"`` or a chain hash)
    produced at or after ``after`` (``YYYY-MM-DDTHH:MM:SSZ``): commit to it in the recipe and
    publish the commitment before its time.

    >>> first_drand_round("quicknet", "2023-08-23T15:09:30Z").round
    2
    """
    return DrandRound(*_native.first_drand_round(chain, after))
