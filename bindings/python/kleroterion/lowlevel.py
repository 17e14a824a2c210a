"""Low-level protocol functions (SPEC.md sections 2 to 8), for independent checks and the
shared test vectors. Values are JSON-shaped dicts as in SPEC.md section 14; hashes are hex."""

from __future__ import annotations

import json
from typing import Any, Iterable, Literal, Mapping, Optional, Sequence, TypedDict

from . import _convert, _native
from ._native import Stream, stream_key

__all__ = [
    "Stream",
    "canonical_numbers",
    "check_recipe",
    "check_reveal",
    "check_text",
    "commitment",
    "display",
    "leaf_hash",
    "manifest_bytes",
    "maxent_count",
    "merkle_proof",
    "merkle_root",
    "record_bytes",
    "reveal_bytes",
    "rfc3797_key",
    "seal",
    "seed",
    "stream_key",
    "verify_inclusion",
]

JSON = Mapping[str, Any]


def _dump(value: Any) -> str:
    return json.dumps(_convert.plain(value), ensure_ascii=False)


def record_bytes(record: JSON) -> bytes:
    """``rec(r)``: the canonical bytes of a record."""
    return _native.record_bytes(_dump(dict(record)))


def leaf_hash(record: JSON) -> str:
    """``leaf(r)``."""
    return _native.leaf_hash(_dump(dict(record)))


def _records(records: Sequence[JSON]) -> _native.Records:
    return _native.Records.from_json(_dump([dict(r) for r in records]))


def merkle_root(records: Sequence[JSON]) -> str:
    """``MTH`` of the records, in pool order."""
    return _records(records).root()


def merkle_proof(records: Sequence[JSON], index: int) -> list[str]:
    """The RFC 6962 audit path of record ``index``, sibling first."""
    return _records(records).proof(index)


def seal(opening: JSON) -> str:
    """The seal an opening ``{"ticket", "values", "salt"}`` opens (SPEC.md section 4.1):
    ``H("seal", str(ticket) || list(str, values) || raw32(salt))``, in hex."""
    return _native.seal(_dump(dict(opening)))


def verify_inclusion(leaf: str, index: int, count: int, proof: Sequence[str], root: str) -> bool:
    """Checks an inclusion proof (RFC 9162 section 2.1.3.2)."""
    return _native.verify_inclusion(leaf, index, count, list(proof), root)


def manifest_bytes(manifest: JSON) -> bytes:
    """``man(M)``."""
    return _native.manifest_bytes(_dump(dict(manifest)))


def commitment(manifest: JSON) -> str:
    """``H("manifest", man(M))``."""
    return _native.commitment(_dump(dict(manifest)))


class MaxentType(TypedDict):
    """One type of a ``maxent`` count: the records that share their values for the counted
    features."""

    values: list[int]
    """Its value positions (0-based, in value order), one per counted feature, in ``counted``
    order."""
    members: list[int]
    """Its records' pool indices, in pool order."""


class MaxentCount(TypedDict):
    """The count of a ``maxent`` manifest over its pool (SPEC.md section 9.6)."""

    types: list[MaxentType]
    """The types that occur, in type order (lexicographic order of their values)."""
    cells: int
    """The count's cells (a manifest whose count has more than 1,000,000 is invalid)."""
    total: int
    """Z: the weighted number of panels that meet the counted features' quotas."""


def maxent_count(manifest: JSON, records: Sequence[JSON]) -> MaxentCount:
    """The count that a verifier of a ``maxent`` draw redoes (SPEC.md section 9.6): the types,
    the cells and Z, for a manifest and its pool's records (in pool order). Raises
    :class:`InvalidInput` for another method, an unknown counted feature, or a count over the
    cell limit (kind ``InvalidMethod``)."""
    raw = json.loads(_native.maxent_count(_dump(dict(manifest)), _records(records)))
    return MaxentCount(
        types=[MaxentType(values=list(t["values"]), members=list(t["members"])) for t in raw["types"]],
        cells=int(raw["cells"]),
        total=int(raw["total"]),
    )


def reveal_bytes(reveal: JSON) -> bytes:
    """``list(val, reveal.sources)``."""
    return _native.reveal_bytes(_dump(dict(reveal)))


def seed(commitment: str, reveal: JSON) -> str:
    """``H("seed", raw32(commitment) || list(val, sources))``."""
    return _native.seed(commitment, _dump(dict(reveal)))


def rfc3797_key(reveal: JSON) -> str:
    """The RFC 3797 key of a reveal (SPEC.md section 6.5)."""
    return _native.rfc3797_key(_dump(dict(reveal)))


def canonical_numbers(numbers: Iterable[Any]) -> str:
    """RFC 3797's canonical form of whole numbers (0 to 2^32 - 1; a list or a numpy integer
    array): sorted, each followed by a period."""
    return _native.canonical_numbers(_dump(_convert.numbers(numbers, "numbers")))


def display(text: str, max_bytes: int = 200) -> str:
    """A text from an untrusted file made safe to show, as every verifier shows it: control
    and bidirectional formatting characters written as ``\\u{..}``, cut after ``max_bytes``
    bytes with ``… (N more bytes)``."""
    return _native.display(text, max_bytes)


TextKind = Literal["ticket", "name", "free"]
"""The kinds of text of SPEC.md section 3."""


def check_text(text: str, kind: TextKind = "name", field: str = "text") -> None:
    """Checks a text against SPEC.md section 3 (``kind``: ticket, name or free); raises
    :class:`InvalidInput` (kind ``InvalidText``) when it is refused."""
    _native.check_text(text, kind, field)


def check_recipe(recipe: JSON) -> JSON:
    """Checks a randomness recipe (SPEC.md section 6.1: typed lotteries on their draw days,
    known drand chains, the ``next_value`` fallback); raises :class:`InvalidInput` (kind
    ``InvalidRecipe``) when it is refused, and returns it as the core reads it."""
    checked: JSON = json.loads(_native.parse_recipe(_dump(dict(recipe))))
    return checked


def check_reveal(reveal: JSON, recipe: Optional[JSON] = None) -> list[str]:
    """Checks a reveal alone (drand signatures, registry lotteries' formats) or against a
    recipe (SPEC.md section 6.2); raises :class:`InvalidRandomness` when it is refused, and
    returns one line per source."""
    return _native.check_reveal_recipe(_dump(dict(reveal)), None if recipe is None else _dump(dict(recipe)))
