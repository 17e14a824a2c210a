"""The one place where Python values become the JSON the native module reads: lottery numbers
(lists, tuples, numpy arrays), published facts (the commitment, lottery results) and
replacement records, the openings of sealed features. No protocol logic: the core parses and
checks."""

from __future__ import annotations

import collections.abc
import json
import operator
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence, Union

from . import _native
from ._native import InvalidInput, KleroterionError

if TYPE_CHECKING:
    from .protocol import Replacement

PathLike = Union[str, "os.PathLike[str]"]
LotteryResult = Union[str, Mapping[str, Any]]
"""A lottery result as published by its operator: ``"euromillions@2026-12-04=7,18,28,40,48+3,9"``
or ``{"lottery": "euromillions", "date": "2026-12-04", "main": [...], "bonus": [[...]]}``."""
ReplacementLike = Union["Replacement", PathLike]
OpeningsLike = Union[PathLike, Sequence[Mapping[str, Any]]]
"""The openings of a sealed pool (SPEC.md section 4.1): the path of the organiser's openings
file (a commit's ``private/openings.json``), or a list of openings ``{"ticket", "values",
"salt"}`` such as ``manifest.openings``."""

# Every error has `row` and `id` (set for errors about a DataFrame's row, see pool._located).
KleroterionError.row = None
KleroterionError.id = None

_U32 = 1 << 32
_HEX = frozenset("0123456789abcdefABCDEF")


def invalid(message: str, kind: str = "InvalidArgument") -> InvalidInput:
    err = InvalidInput(message)
    err.kind = kind
    err.file = None
    err.line = None
    err.column = None
    return err


def whole(v: Any, what: str, limit: int = _U32) -> int:
    """One whole number from 0 to ``limit - 1`` (an int or a numpy integer)."""
    if isinstance(v, bool):
        raise invalid(f"{what}: {v!r} is not a whole number. Fix: give the number as published, e.g. 7")
    try:
        n = operator.index(v)
    except TypeError:
        raise invalid(f"{what}: {v!r} is not a whole number. Fix: give the number as published, e.g. 7") from None
    if not 0 <= n < limit:
        raise invalid(
            f"{what}: {n} is outside 0 to {limit - 1} (the numbers of a source are never negative). "
            "Fix: copy the number exactly as it was published"
        )
    return n


def numbers(values: Iterable[Any], what: str) -> list[int]:
    """Whole numbers from 0 to 2^32 - 1 (ints, numpy integers, a numpy integer array)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, collections.abc.Iterable):
        raise invalid(f"{what}: give a list of whole numbers, e.g. [7, 18, 28, 40, 48], not {type(values).__name__}")
    return [whole(v, f"{what}[{i}]") for i, v in enumerate(values)]


def groups(values: Iterable[Any], what: str) -> list[list[int]]:
    """Bonus groups: one list of numbers per group, in the lottery format's order."""
    if isinstance(values, (str, bytes)) or not isinstance(values, collections.abc.Iterable):
        raise invalid(f"{what}: give one list of numbers per bonus group, e.g. [[3, 9]]")
    out = []
    for i, g in enumerate(values):
        if isinstance(g, (str, bytes)) or not isinstance(g, collections.abc.Iterable):
            raise invalid(
                f"{what}: a list of groups is expected (one list per bonus group, in the format's "
                f"order), not a flat list of numbers. Fix: wrap each group in a list, e.g. [[3, 9]] for "
                "EuroMillions' two stars"
            )
        out.append(numbers(g, f"{what}[{i}]"))
    return out


_NUMBER_FIELDS = {"round": 1 << 64, "count": _U32, "faces": _U32}
"""The fields of a source (SPEC.md section 14) that hold one whole number, and their limits."""
_NUMBERS_FIELDS = {"main", "values"}
"""The fields of a source that hold a list of whole numbers; ``bonus`` holds a list of lists."""


def source(value: Any, what: str) -> dict[str, Any]:
    """One source of a recipe or a reveal as plain JSON values: numpy integers and arrays become
    ints and lists, and the numbers are checked here so that a mistake names its field."""
    if not isinstance(value, Mapping):
        raise invalid(
            f"{what}: a source is a dict such as rnd.lottery(\"euromillions\", [7, 18, 28, 40, 48], [[3, 9]]), "
            f"not {type(value).__name__} ({_native.display(repr(value), 60)}). Fix: give one dict per recipe "
            "source, made with kleroterion.randomness"
        )
    out: dict[str, Any] = {}
    for key, v in value.items():
        name = f"{what}.{key}"
        if key in _NUMBER_FIELDS and not isinstance(v, (str, float)):
            out[key] = whole(v, name, _NUMBER_FIELDS[key])
        elif key in _NUMBERS_FIELDS and not isinstance(v, str):
            out[key] = numbers(v, name)
        elif key == "bonus" and not isinstance(v, str):
            out[key] = groups(v, name)
        else:
            out[key] = plain(v)
    return out


def plain(value: Any) -> Any:
    """A value made of dicts, lists, texts and numbers, with numpy integers and arrays turned
    into ints and lists (json.dumps refuses them)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (str, bytes, bool, float)) or value is None:
        return value
    if isinstance(value, collections.abc.Iterable):
        return [plain(v) for v in value]
    try:
        return operator.index(value)
    except TypeError:
        return value


def sources(value: Any, what: str) -> dict[str, Any]:
    """A recipe or a reveal (``{"sources": [...], ...}``) or a list of sources, as plain JSON
    values (see :func:`source`). A mapping without ``sources`` (a drand answer) is only made
    plain: the core reads it."""
    if isinstance(value, Mapping):
        if "sources" not in value:
            return {str(k): plain(v) for k, v in value.items()}
        listed = value["sources"]
        rest = {str(k): plain(v) for k, v in value.items() if k != "sources"}
    else:
        listed, rest = value, {}
    if isinstance(listed, (str, bytes, Mapping)) or not isinstance(listed, collections.abc.Iterable):
        raise invalid(f"{what}: \"sources\" is a list of sources, one dict per recipe source")
    items = list(listed)
    if items and all(isinstance(x, (int,)) or _is_integer(x) for x in items):
        raise invalid(
            f"{what}: a list of sources is expected, not a bare list of numbers. Fix: wrap the numbers in "
            "their source, e.g. rnd.reveal(rnd.lottery(\"euromillions\", [7, 18, 28, 40, 48], [[3, 9]]))"
        )
    return {"sources": [source(x, f"{what}.sources[{i}]") for i, x in enumerate(items)], **rest}


def _is_integer(value: Any) -> bool:
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def commitment(value: Union[str, PathLike]) -> str:
    """A commitment as published: 64 hex digits (spaces ignored, so the grouped form is read
    too), or a file holding them (``commitment.txt``)."""
    source = None
    if isinstance(value, str):
        compact = "".join(value.split())
        if len(compact) == 64 and set(compact) <= _HEX:
            return compact.lower()
        if not os.path.isfile(value):
            shown = _native.display(value, 80)
            raise invalid(
                f"commitment \"{shown}\": not 64 hexadecimal digits, nor a file holding them. Fix: "
                "copy the commitment exactly as the organiser published it (spaces are ignored)"
            )
    if isinstance(value, (str, os.PathLike)):
        source = Path(value)
        try:
            compact = "".join(source.read_text(encoding="utf-8-sig").split())
        except (OSError, UnicodeDecodeError) as e:
            raise invalid(f"commitment file {source}: {e}") from e
        if len(compact) == 64 and set(compact) <= _HEX:
            return compact.lower()
        raise invalid(f"commitment file {source}: it does not hold 64 hexadecimal digits")
    raise invalid("the commitment is a text of 64 hex digits or the path of a file holding it")


def lottery_result(item: LotteryResult, what: str) -> dict[str, Any]:
    """One published lottery result as the JSON of SPEC.md section 14."""
    if isinstance(item, str):
        parsed: dict[str, Any] = json.loads(_native.parse_lottery_result(item))
        return parsed
    if isinstance(item, Mapping):
        unknown = sorted(str(k) for k in item if k not in ("lottery", "date", "main", "bonus"))
        if unknown:
            raise invalid(f"{what}: unknown field {unknown[0]!r}; use lottery, date, main and bonus")
        for key in ("lottery", "date", "main"):
            if key not in item:
                raise invalid(f"{what}: missing {key!r} (lottery, date, main and bonus)")
        return {
            "lottery": str(item["lottery"]),
            "date": str(item["date"]),
            "main": numbers(item["main"], f"{what}.main"),
            "bonus": groups(item.get("bonus", ()), f"{what}.bonus"),
        }
    raise invalid(
        f"{what}: a lottery result is a text such as \"euromillions@2026-12-04=7,18,28,40,48+3,9\" "
        "or a mapping with lottery, date, main and bonus"
    )


def published(
    commitment_value: Union[str, PathLike, None], lotteries: Optional[Sequence[LotteryResult]]
) -> Optional[str]:
    """The published facts (SPEC.md section 14) as JSON, or None when none was given."""
    if commitment_value is None and not lotteries:
        return None
    if isinstance(lotteries, (str, Mapping)):
        lotteries = [lotteries]
    facts: dict[str, Any] = {
        "commitment": None if commitment_value is None else commitment(commitment_value),
        "lotteries": [lottery_result(x, f"lotteries[{i}]") for i, x in enumerate(lotteries or ())],
    }
    return json.dumps(facts, ensure_ascii=False)


def replacement_texts(replacements: Optional[Sequence[ReplacementLike]]) -> list[str]:
    """Replacement records as JSON texts: Replacement objects, JSON texts or files."""
    from .protocol import Replacement  # noqa: PLC0415 (protocol imports this module)

    if replacements is None:
        return []
    if isinstance(replacements, (str, os.PathLike, Replacement)):
        replacements = [replacements]
    out = []
    for i, r in enumerate(replacements):
        if isinstance(r, Replacement):
            out.append(r.to_json())
        elif isinstance(r, str) and r.lstrip().startswith("{"):
            out.append(r)
        elif isinstance(r, (str, os.PathLike)):
            try:
                out.append(Path(r).read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError) as e:
                raise invalid(f"replacement record {i + 1} ({r}): {e}") from e
        else:
            raise invalid(f"replacement record {i + 1}: a Replacement, a JSON text or a path")
    return out


def openings(value: Any, what: str) -> tuple[str, Optional[Path]]:
    """Openings given as :data:`OpeningsLike`: the JSON list the native module reads, and the
    file's path when they were read from one (read as the command line reads it: a byte-order
    mark dropped, errors naming the file). Each opening is checked against its record where it
    is used."""
    fix = (
        "Fix: give the path of the commit's private/openings.json, or the list of openings "
        '{"ticket", "values", "salt"} that manifest.openings gives'
    )
    if isinstance(value, (str, os.PathLike)):
        path = Path(value)
        return _native.read_openings(os.fspath(path)), path
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, collections.abc.Iterable):
        raise invalid(f"{what}: openings is a {type(value).__name__}, not a list of openings. {fix}")
    items = []
    for i, o in enumerate(value):
        if not isinstance(o, Mapping):
            raise invalid(f"{what}: openings[{i}] is a {type(o).__name__}, not an opening. {fix}")
        items.append(plain(o))
    return json.dumps(items, ensure_ascii=False), None


def unix_time(now: Any) -> Optional[int]:
    """``now`` for commit: None (the system clock), Unix seconds, a timezone-aware datetime or
    a UTC text ``YYYY-MM-DDTHH:MM:SSZ``."""
    import datetime as dt  # noqa: PLC0415

    if now is None:
        return None
    if isinstance(now, str):
        return _native.parse_utc(now)
    if isinstance(now, dt.datetime):
        if now.tzinfo is None:
            raise invalid("now: give a timezone-aware datetime (e.g. datetime.now(timezone.utc))")
        return int(now.timestamp())
    if isinstance(now, bool):
        raise invalid("now: Unix seconds, a timezone-aware datetime or YYYY-MM-DDTHH:MM:SSZ")
    try:
        n = operator.index(now)
    except TypeError:
        raise invalid("now: Unix seconds, a timezone-aware datetime or YYYY-MM-DDTHH:MM:SSZ") from None
    if n < 0:
        raise invalid("now: a time before 1970 is not supported")
    return n
