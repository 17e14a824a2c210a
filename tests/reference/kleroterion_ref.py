"""Reference implementation of kleroterion/v2, written from SPEC.md alone.

Pure Python 3.11, standard library only. It is slow and simple on purpose: every
function follows the text of the specification line by line, so that it can serve
as an independent cross-check of the Rust implementation and produce the test
vectors in tests/vectors/.

Section numbers in comments refer to SPEC.md. A comment `SPEC-QUESTION:` marks a
point where the text is ambiguous or incomplete and the most literal reading was
chosen.

Section 9.6 (the `maxent` method) is a draft of version 3, written under the identifier
kleroterion/v2 until version 3 is final (see SPEC.md's "Version 3, draft").

Not implemented: BLS12-381 verification of drand signatures (section 6.4.2 steps 5 and 6,
6.4.4 and 6.4.5). A drand source is encoded exactly (only SHA-256(signature) enters the
seed); its chain, round, `randomness` field, `previous_signature` rule (6.4.3) and the
signature's encoding (6.4.2 steps 1 to 4) are checked, but `verify` rejects a bundle with
a drand source (DrandSignature) unless it is called with `skip_drand_signatures=True`, in
which case the pairing is NOT checked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import unicodedata

SPEC_ID = "kleroterion/v2"
U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1
MASK32 = 0xFFFFFFFF
MASK64 = 2**64 - 1


class KleroterionError(Exception):
    """A typed protocol error (section 15). `kind` is the variant name; `computed` and
    `published` are the two values a verification step compared, when there are two."""

    def __init__(self, kind: str, message: str = "", computed=None, published=None):
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind = kind
        self.message = message
        self.computed = computed
        self.published = published


def _err(kind: str, message: str = "", computed=None, published=None) -> KleroterionError:
    return KleroterionError(kind, message, computed, published)


# ---------------------------------------------------------------------------
# Section 2. Canonical encoding
# ---------------------------------------------------------------------------

def enc_u8(x: int) -> bytes:
    if not (0 <= x <= 0xFF):
        raise ValueError("u8 out of range")
    return bytes([x])


def enc_u16(x: int) -> bytes:
    if not (0 <= x <= 0xFFFF):
        raise ValueError("u16 out of range")
    return struct.pack(">H", x)


def enc_u32(x: int) -> bytes:
    if not (0 <= x <= U32_MAX):
        raise ValueError("u32 out of range")
    return struct.pack(">I", x)


def enc_u64(x: int) -> bytes:
    if not (0 <= x <= U64_MAX):
        raise ValueError("u64 out of range")
    return struct.pack(">Q", x)


def enc_raw32(b: bytes) -> bytes:
    if len(b) != 32:
        raise ValueError("raw32 needs exactly 32 bytes")
    return bytes(b)


def enc_bytes(b: bytes) -> bytes:
    return enc_u32(len(b)) + bytes(b)


def enc_str(s: str) -> bytes:
    # The caller is responsible for having checked section 3 on `s`.
    return enc_bytes(s.encode("utf-8"))


def enc_list(f, xs) -> bytes:
    out = [enc_u32(len(xs))]
    for x in xs:
        out.append(f(x))
    return b"".join(out)


def enc_opt(f, x) -> bytes:
    if x is None:
        return enc_u8(0)
    return enc_u8(1) + f(x)


def enc_bool(b: bool) -> bytes:
    return enc_u8(1 if b else 0)


def H(tag: str, m: bytes) -> bytes:
    """H(tag, m) = SHA-256( str("kleroterion/v2/" + tag) || m )."""
    return hashlib.sha256(enc_str("kleroterion/v2/" + tag) + m).digest()


# ---------------------------------------------------------------------------
# Section 3. Text rules
# ---------------------------------------------------------------------------

# class -> (min bytes, max bytes)
TEXT_CLASSES = {
    "ticket": (1, 128),
    "name": (1, 256),
    "free": (0, 4096),
}

UNICODE_VERSION = "14.0.0"
ASSIGNED_LIST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "vectors", "unicode-14.0.0-assigned.txt")

BIDI_FORMATTING = frozenset([0x061C, 0x200E, 0x200F] + list(range(0x202A, 0x202E + 1))
                            + list(range(0x2066, 0x2069 + 1)))


def is_control(cp: int) -> bool:
    """C0, DEL and C1 (section 3, rule 2)."""
    return cp <= 0x1F or 0x7F <= cp <= 0x9F


def is_bidi_formatting(cp: int) -> bool:
    return cp in BIDI_FORMATTING


def load_assigned_ranges(path: str = ASSIGNED_LIST) -> list:
    """The ranges FIRST..LAST of tests/vectors/unicode-14.0.0-assigned.txt."""
    ranges = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                first, last = line.split("..")
                ranges.append((int(first, 16), int(last, 16)))
    return ranges


def _unassigned_from_list():
    ranges = load_assigned_ranges()

    def is_unassigned(ch: str) -> bool:
        cp = ord(ch)
        return not any(first <= cp <= last for first, last in ranges)
    return is_unassigned


def _unassigned_from_unicodedata(ch: str) -> bool:
    return unicodedata.category(ch) == "Cn"


# Section 3 rule 4 fixes Unicode 14.0.0. Python 3.11's tables are that version; with
# other tables the published list is the rule.
if unicodedata.unidata_version == UNICODE_VERSION:
    is_unassigned = _unassigned_from_unicodedata
else:
    is_unassigned = _unassigned_from_list()


def text_problem(s, cls: str = "ticket"):
    """Return None when `s` is a valid text of that class, else the first rule it breaks:
    "not a text", "not UTF-8", "empty", "too long", "control character",
    "bidirectional formatting character", "unassigned code point", "not NFC"."""
    if not isinstance(s, str):
        return "not a text"
    try:
        b = s.encode("utf-8")  # fails on lone surrogates: not valid UTF-8
    except UnicodeEncodeError:
        return "not UTF-8"
    lo, hi = TEXT_CLASSES[cls]
    if len(b) < lo:
        return "empty"
    if len(b) > hi:
        return "too long"
    if any(is_control(ord(ch)) for ch in s):
        return "control character"
    if any(is_bidi_formatting(ord(ch)) for ch in s):
        return "bidirectional formatting character"
    if any(is_unassigned(ch) for ch in s):
        return "unassigned code point"
    if not unicodedata.is_normalized("NFC", s):
        return "not NFC"
    return None


def check_text(s, cls: str, where: str) -> str:
    p = text_problem(s, cls)
    if p is not None:
        raise _err("InvalidText", f"{where}: {p}")
    return s


# ---------------------------------------------------------------------------
# Section 14. JSON shapes
#
# The shape of a JSON value is its fields and JSON types, the names that select a
# variant (method, allocation, source kind, purpose), integers that fit their byte
# type (u32, u64) and hex that is hex. A value of the wrong shape does not parse:
# `Json` (or `InvalidHex`), and in a verification the `format` step's
# `UnreadableBundle` (section 15). Everything else is a rule of sections 3 to 10.
# SPEC-QUESTION (15): the text does not say where the line between "a value of the
# wrong JSON type" (format, UnreadableBundle) and the sections' own errors lies for an
# unknown method name, source kind or purpose, an integer beyond u32/u64, or bad hex;
# here all of them are shape errors.
# ---------------------------------------------------------------------------

STR = ("str",)
BOOL = ("bool",)
U32 = ("int", U32_MAX)
U64 = ("int", U64_MAX)
HEX = ("hex", None)
HEX32 = ("hex", 32)


def list_of(item):
    return ("list", item)


def nullable(schema):
    return ("nullable", schema)


def one_of(*values):
    return ("enum", values)


def obj(required: dict, optional: dict | None = None):
    return ("obj", required, optional or {})


def tagged(tag: str, variants: dict):
    """An object whose field `tag` names its variant; each variant lists its other fields."""
    return ("tagged", tag, variants)


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_hex(s: str) -> bool:
    return len(s) % 2 == 0 and re.fullmatch(r"[0-9a-fA-F]*", s) is not None


def check_shape(x, schema, where: str):
    kind = schema[0]
    if kind == "str":
        if not isinstance(x, str):
            raise _err("Json", f"{where}: expected a string")
    elif kind == "bool":
        if not isinstance(x, bool):
            raise _err("Json", f"{where}: expected true or false")
    elif kind == "int":
        if not _is_int(x) or not (0 <= x <= schema[1]):
            raise _err("Json", f"{where}: expected an integer from 0 to {schema[1]}")
    elif kind == "hex":
        if not isinstance(x, str):
            raise _err("Json", f"{where}: expected a hex string")
        if not _is_hex(x):
            raise _err("InvalidHex", f"{where}: not hex")
        if schema[1] is not None and len(x) != 2 * schema[1]:
            raise _err("InvalidHex", f"{where}: expected {2 * schema[1]} hex digits")
    elif kind == "list":
        if not isinstance(x, list):
            raise _err("Json", f"{where}: expected a list")
        for i, item in enumerate(x):
            check_shape(item, schema[1], f"{where}[{i}]")
    elif kind == "nullable":
        if x is not None:
            check_shape(x, schema[1], where)
    elif kind == "enum":
        if x not in schema[1] or not isinstance(x, str):
            raise _err("Json", f"{where}: expected one of {', '.join(schema[1])}")
    elif kind == "obj":
        _check_fields(x, schema[1], schema[2], where)
    elif kind == "tagged":
        tag, variants = schema[1], schema[2]
        if not isinstance(x, dict) or not isinstance(x.get(tag), str) or x[tag] not in variants:
            raise _err("Json", f"{where}: {tag} must be one of {', '.join(variants)}")
        required, optional = variants[x[tag]]
        _check_fields(x, dict(required, **{tag: STR}), optional, where)
    else:
        raise ValueError(kind)


def _check_fields(x, required: dict, optional: dict, where: str):
    if not isinstance(x, dict):
        raise _err("Json", f"{where}: expected an object")
    unknown = set(x) - set(required) - set(optional)
    if unknown:
        raise _err("Json", f"{where}: unknown fields {sorted(unknown)}")
    for name, schema in required.items():
        if name not in x:
            raise _err("Json", f"{where}: missing field {name!r}")
        check_shape(x[name], schema, f"{where}.{name}")
    for name, schema in optional.items():
        if name in x:
            check_shape(x[name], schema, f"{where}.{name}")


GROUP = obj({"name": STR, "count": U32, "min": U32, "max": U32}, {"from_main_drum": BOOL})
LOTTERY_FORMAT = obj({"main": GROUP, "bonus": list_of(GROUP)})
RECIPE_SOURCE = tagged("kind", {
    "hex": ({"label": STR}, {}),
    "lottery": ({"lottery": STR, "date": STR}, {"format": LOTTERY_FORMAT, "draw_at": STR}),
    "drand": ({"chain": HEX32, "round": U64}, {}),
    "dice": ({"count": U32, "faces": U32, "witnesses": STR}, {}),
})
RECIPE = obj({"sources": list_of(RECIPE_SOURCE), "fallback": STR})
ALLOCATION = tagged("kind", {
    "explicit": ({"counts": list_of(U32)}, {}),
    "largest_remainder": ({}, {}),
    "sainte_lague": ({}, {}),
})
METHOD = tagged("name", {
    "uniform": ({}, {}),
    "stratified": ({"feature": STR, "allocation": ALLOCATION}, {}),
    "greedy": ({"max_attempts": U32}, {}),
    "lottery": ({"portfolio": list_of(list_of(U32))}, {}),
    "rfc3797": ({}, {}),
    # Section 14: `weights` may be absent, meaning empty.
    "maxent": ({"counted": list_of(STR), "max_attempts": U32}, {"weights": list_of(U32)}),
})
PURPOSES = ("official", "rehearsal", "replay")
# Section 14: a linked stage's manifest has `parent` (5.3), absent (never null) when there is none.
PARENT = obj({"commitment": HEX32, "invitees": HEX32, "inherited": list_of(STR)})
MANIFEST = obj(
    {"spec": STR, "title": STR, "method": METHOD, "panel_size": U32, "alternates": U32,
     "household_rule": BOOL,
     "features": list_of(obj({"name": STR, "values": list_of(obj({"value": STR, "min": U32, "max": U32}))})),
     "pool": obj({"root": HEX32, "count": U32})},
    {"announced_at": nullable(STR), "randomness": nullable(RECIPE), "purpose": one_of(*PURPOSES),
     "min_cell": U32, "sealed": BOOL, "parent": PARENT})
# Section 14: `household` may be absent (null); `holder` is required (64 hex digits); `seal` (4.1)
# is absent from an open record.
# SPEC-QUESTION (14): section 14 allows `null` for `announced_at`, `randomness` and `household`
# only; `seal` (record), `sealed` (manifest), `openings` (bundle, replacement record) and
# `opening` (receipt) are said to be absent, not null, when there is none. A `null` for them is
# read here as a value of the wrong JSON type (a shape error).
# A record of a linked stage (5.3) also has `link`, absent (never null) otherwise.
RECORD = obj({"ticket": STR, "values": list_of(STR), "holder": HEX32},
             {"household": nullable(STR), "seal": HEX32, "link": STR})
# Section 14: an opening of a sealed record (4.1).
OPENING = obj({"ticket": STR, "values": list_of(STR), "salt": HEX32})
# 6.2: in a reveal, `bonus` may be absent, meaning no bonus group (`[]`).
# SPEC-QUESTION (12, 14): section 14's published facts show `bonus` with every lottery result,
# and 6.2 allows its absence only in a reveal; a published result is read with `bonus`
# required here.
LOTTERY_NUMBERS = {"main": list_of(U32), "bonus": list_of(list_of(U32))}
REVEAL_SOURCE = tagged("kind", {
    "hex": ({"value": HEX}, {}),
    "lottery": ({"lottery": STR, "main": list_of(U32)}, {"bonus": list_of(list_of(U32))}),
    "drand": ({"chain": HEX32, "round": U64, "signature": HEX},
              {"previous_signature": nullable(HEX), "randomness": nullable(HEX32)}),
    "dice": ({"values": list_of(U32)}, {}),
})
REVEAL = obj({"sources": list_of(REVEAL_SOURCE)})
BUNDLE = obj({"format": STR, "spec": STR, "manifest": MANIFEST, "commitment": HEX32,
              "pool": list_of(RECORD), "reveal": REVEAL, "seed": HEX32,
              # Section 14: `rejections` is present exactly for a maxent draw (9.6); the draw step
              # checks that (12.1). SPEC-QUESTION (14): a null `rejections` is read as a value of the
              # wrong JSON type, as for the other fields that are absent when there is none.
              "result": obj({"selected": list_of(STR), "alternates": list_of(STR)}, {"rejections": U32}),
              "transcript": HEX32},
             {"openings": list_of(OPENING)})
PUBLISHED = obj({}, {"commitment": nullable(HEX32),
                     "lotteries": list_of(obj(dict({"lottery": STR, "date": STR}, **LOTTERY_NUMBERS)))})
REPLACEMENT = obj({"format": STR, "spec": STR, "transcript": HEX32, "dropped": list_of(STR),
                   "replacements": list_of(nullable(STR)), "panel": list_of(STR),
                   "broken_quotas": list_of(STR), "hash": HEX32}, {"openings": list_of(OPENING)})
RECEIPT = obj({"format": STR, "spec": STR, "commitment": HEX32, "pool_root": HEX32, "pool_count": U32,
               "index": U32, "record": RECORD, "proof": list_of(HEX32), "secret": HEX32}, {"opening": OPENING})


# ---------------------------------------------------------------------------
# Section 4. Records and the Merkle tree (RFC 6962 / RFC 9162)
# ---------------------------------------------------------------------------

# Sections 2 and 4: the leaf carries the text `kleroterion/v2/record` after its 0x00 prefix, or
# `kleroterion/v2/sealed-record` for a sealed record (4.1).
LEAF_TAG = "kleroterion/v2/record"
SEALED_LEAF_TAG = "kleroterion/v2/sealed-record"


def parse_record(r) -> tuple:
    """A record as the tuple (ticket, values, household, holder, seal, link); `seal` is None for
    an open record and `link` None for a record without a link (5.3). A sealed record's `values`
    is the list published in the pool (empty in a valid pool, 4.1)."""
    check_shape(r, RECORD, "record")
    ticket = check_text(r["ticket"], "ticket", "ticket")
    values = [check_text(v, "name", "value") for v in r["values"]]
    hh = r.get("household")
    if hh is not None:
        check_text(hh, "name", "household")
    seal = bytes.fromhex(r["seal"]) if "seal" in r else None
    # Section 4: the link is a ticket of the previous stage, so a text of the class ticket.
    link = check_text(r["link"], "ticket", "link") if "link" in r else None
    return (ticket, values, hh, bytes.fromhex(r["holder"]), seal, link)


def link_of(rec):
    """The record's link (section 4), or None."""
    return rec[5] if len(rec) > 5 else None


def holder_of(secret: bytes) -> bytes:
    """Section 4: holder = H("holder", raw32(secret))."""
    return H("holder", enc_raw32(secret))


def is_sealed(rec) -> bool:
    return len(rec) > 4 and rec[4] is not None


def rec_bytes(rec) -> bytes:
    """rec(r) of section 4, or srec(r) of 4.1 for a sealed record."""
    ticket, values, hh, holder = rec[:4]
    link = enc_opt(enc_str, link_of(rec))  # section 4: `|| opt(str, link)` ends both forms
    if is_sealed(rec):
        # SPEC-QUESTION (4.1, 5.2): srec(r) does not hold `values`, so a record that has a seal
        # and, wrongly, values too has the leaf of the same record without them: such a pool
        # passes the root check and fails at SealedRecord (5.2), not at PoolRootMismatch.
        return enc_str(ticket) + enc_raw32(rec[4]) + enc_opt(enc_str, hh) + enc_raw32(holder) + link
    return enc_str(ticket) + enc_list(enc_str, values) + enc_opt(enc_str, hh) + enc_raw32(holder) + link


def leaf_hash(rec) -> bytes:
    """leaf(r): the record's form, not the manifest, chooses the leaf text (4, 4.1)."""
    tag = SEALED_LEAF_TAG if is_sealed(rec) else LEAF_TAG
    return hashlib.sha256(b"\x00" + enc_str(tag) + rec_bytes(rec)).digest()


# ---------------------------------------------------------------------------
# Section 4.1. Seals and openings
# ---------------------------------------------------------------------------

def seal_bytes(ticket: str, values: list, salt: bytes) -> bytes:
    """The message of the seal: str(ticket) || list(str, values) || raw32(salt)."""
    return enc_str(ticket) + enc_list(enc_str, values) + enc_raw32(salt)


def seal_of(ticket: str, values: list, salt: bytes) -> bytes:
    """4.1: seal = H("seal", str(ticket) || list(str, values) || raw32(salt))."""
    return H("seal", seal_bytes(ticket, values, salt))


def parse_opening(op, where: str = "opening") -> dict:
    """An opening (section 14) as {"ticket", "values", "salt" (bytes)}; only its shape is
    checked here (opening_problem says whether it opens a record)."""
    check_shape(op, OPENING, where)
    return {"ticket": op["ticket"], "values": list(op["values"]), "salt": bytes.fromhex(op["salt"])}


def opening_problem(M: dict, rec, op: dict):
    """4.1: None when the opening `op` (parsed) opens the record `rec`, else (kind, message).
    Checked in this order: the same ticket, one value per feature, each declared, the seal."""
    if op["ticket"] != rec[0]:
        return ("OpeningMismatch", f"an opening of ticket {op['ticket']} where ticket {rec[0]} is expected")
    if len(op["values"]) != len(M["features"]):
        return ("WrongValueCount", f"the opening of ticket {rec[0]} has {len(op['values'])} values, "
                f"the manifest {len(M['features'])} features")
    for f, v in zip(M["features"], op["values"]):
        if v not in [x["value"] for x in f["values"]]:
            return ("UnknownValue", f"the opening of ticket {rec[0]}: {f['name']}={v} is not a declared value")
    if not is_sealed(rec):
        return ("OpeningMismatch", f"ticket {rec[0]} is not a sealed record")
    if seal_of(op["ticket"], op["values"], op["salt"]) != rec[4]:
        return ("OpeningMismatch", f"the opening of ticket {rec[0]} does not hash to its record's seal")
    return None


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _largest_pow2_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list) -> bytes:
    n = len(leaves)
    if n == 0:
        raise _err("EmptyPool", "the empty tree is never used")
    if n == 1:
        return leaves[0]
    k = _largest_pow2_below(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def audit_path(m: int, leaves: list) -> list:
    """RFC 6962 section 2.1.1 PATH(m, D[n])."""
    n = len(leaves)
    if not (0 <= m < n):
        raise ValueError("index out of range")
    if n == 1:
        return []
    k = _largest_pow2_below(n)
    if m < k:
        return audit_path(m, leaves[:k]) + [mth(leaves[k:])]
    return audit_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list, root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2, as written in SPEC section 4."""
    if not (0 <= index < size):
        return False
    fn = index
    sn = size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while not (fn % 2 == 1 or fn == 0):
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# ---------------------------------------------------------------------------
# Dates and times (sections 5.1, 6.1, 6.6): UTC instants as seconds since
# 1970-01-01T00:00:00Z in the proleptic Gregorian calendar, years 0000 to 9999.
# ---------------------------------------------------------------------------

_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
DAY = 86400
HOUR = 3600
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def is_leap(y: int) -> bool:
    return (y % 4 == 0 and y % 100 != 0) or y % 400 == 0


def days_in_month(y: int, m: int) -> int:
    return [31, 29 if is_leap(y) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days from 1970-01-01 to y-m-d (negative before)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple:
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return (yoe + era * 400 + (m <= 2), m, d)


def weekday(days: int) -> int:
    """0 = Monday ... 6 = Sunday; 1970-01-01 was a Thursday."""
    return (days + 3) % 7


def parse_date(s) -> int | None:
    """`YYYY-MM-DD` -> days since 1970-01-01, or None when it is not a valid date."""
    m = _DATE_RE.fullmatch(s) if isinstance(s, str) else None
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12) or not (1 <= d <= days_in_month(y, mo)):
        return None
    return days_from_civil(y, mo, d)


def parse_time(s) -> int | None:
    """`YYYY-MM-DDTHH:MM:SSZ` -> seconds since the epoch, or None when it is not valid."""
    m = _TIME_RE.fullmatch(s) if isinstance(s, str) else None
    if not m:
        return None
    y, mo, d, hh, mi, ss = (int(g) for g in m.groups())
    if not (1 <= mo <= 12) or not (1 <= d <= days_in_month(y, mo)):
        return None
    if hh > 23 or mi > 59 or ss > 59:
        return None
    return days_from_civil(y, mo, d) * DAY + hh * HOUR + mi * 60 + ss


def format_date(days: int) -> str:
    y, m, d = civil_from_days(days)
    return f"{y:04d}-{m:02d}-{d:02d}"


def format_time(t: int) -> str:
    days, secs = divmod(t, DAY)
    return f"{format_date(days)}T{secs // HOUR:02d}:{secs % HOUR // 60:02d}:{secs % 60:02d}Z"


MAX_TIME = parse_time("9999-12-31T23:59:59Z")


# ---------------------------------------------------------------------------
# Section 6.6. Daylight saving rules and the lottery registry
# ---------------------------------------------------------------------------

def last_sunday(y: int, month: int) -> int:
    last = days_from_civil(y, month, days_in_month(y, month))
    return last - (weekday(last) - 6) % 7


def nth_sunday(y: int, month: int, n: int) -> int:
    first = days_from_civil(y, month, 1)
    return first + (6 - weekday(first)) % 7 + 7 * (n - 1)


def eu_summer_utc(y: int) -> tuple:
    """`EU`: one hour more from the last Sunday of March, 01:00 UTC, to the last Sunday of
    October, 01:00 UTC. Returns the two UTC instants."""
    return (last_sunday(y, 3) * DAY + HOUR, last_sunday(y, 10) * DAY + HOUR)


def us_summer_local(y: int) -> tuple:
    """`US`: one hour more from the second Sunday of March, 02:00 local time, to the first
    Sunday of November, 02:00 local time. Returns the two local wall-clock instants."""
    return (nth_sunday(y, 3, 2) * DAY + 2 * HOUR, nth_sunday(y, 11, 1) * DAY + 2 * HOUR)


def local_to_utc(rule: str, utc_offset_hours: int, local: int) -> int:
    """Converts a local wall-clock time (seconds, as if it were UTC) of a zone whose standard
    offset is `utc_offset_hours` and whose summer rule is `rule` to a UTC instant."""
    standard = local - utc_offset_hours * HOUR
    summer = standard - HOUR
    y = civil_from_days(local // DAY)[0]
    if rule == "EU":
        start, end = eu_summer_utc(y)
        return summer if start <= summer < end else standard
    if rule == "US":
        start, end = us_summer_local(y)
        return summer if start <= local < end else standard
    raise ValueError(rule)


# The zones of 6.6: their summer rule and standard offset from UTC in hours.
ZONES = {
    "Europe/Paris": ("EU", 1),
    "Europe/Berlin": ("EU", 1),
    "Europe/Rome": ("EU", 1),
    "Europe/London": ("EU", 0),
    "America/New_York": ("US", -5),
}


def registry_group(name: str, count: int, lo: int, hi: int, from_main_drum: bool = False) -> dict:
    return {"name": name, "count": count, "min": lo, "max": hi, "from_main_drum": from_main_drum}


def registry_entry_from_table(id_: str, name: str, main: tuple, bonus: list, draws: dict, zone: str,
                              since: str, results: str) -> dict:
    """One row of the table of 6.6. `draws` maps each draw weekday to its local time."""
    rule, offset = ZONES[zone]
    return {"id": id_, "name": name,
            "format": {"main": registry_group("numbers", *main), "bonus": [registry_group(*g) for g in bonus]},
            "draws": draws, "zone": zone, "rule": rule, "utc_offset": offset, "since": since, "results": results}


REGISTRY = {e["id"]: e for e in [
    registry_entry_from_table(
        "de-lotto-6aus49", "Lotto 6aus49 (Germany)", (6, 1, 49), [("Superzahl", 1, 0, 9)],
        {"wednesday": "18:25", "saturday": "19:25"}, "Europe/Berlin", "2013-05-04",
        "https://www.lotto.de/lotto-6aus49/lottozahlen"),
    registry_entry_from_table(
        "euromillions", "EuroMillions", (5, 1, 50), [("stars", 2, 1, 12)],
        {"tuesday": "20:30", "friday": "20:30"}, "Europe/Paris", "2016-09-27",
        "https://www.fdj.fr/jeux-de-tirage/euromillions-my-million/resultats"),
    registry_entry_from_table(
        "fr-loto", "Loto (France)", (5, 1, 49), [("numéro chance", 1, 1, 10)],
        {"monday": "20:15", "wednesday": "20:15", "saturday": "20:15"}, "Europe/Paris", "2008-10-06",
        "https://www.fdj.fr/jeux-de-tirage/loto/resultats"),
    registry_entry_from_table(
        "it-superenalotto", "SuperEnalotto (Italy)", (6, 1, 90), [("Jolly", 1, 1, 90, True), ("SuperStar", 1, 1, 90)],
        {"tuesday": "18:00", "thursday": "18:00", "friday": "18:00", "saturday": "18:00"}, "Europe/Rome",
        "2024-01-12", "https://www.superenalotto.it/archivio-estrazioni"),
    registry_entry_from_table(
        "uk-lotto", "Lotto (UK National Lottery)", (6, 1, 59), [("bonus ball", 1, 1, 59, True)],
        {"wednesday": "19:30", "saturday": "19:30"}, "Europe/London", "2015-10-10",
        "https://www.national-lottery.co.uk/results/lotto/draw-history"),
    registry_entry_from_table(
        "us-mega-millions", "Mega Millions", (5, 1, 70), [("Mega Ball", 1, 1, 24)],
        {"tuesday": "23:00", "friday": "23:00"}, "America/New_York", "2025-04-08",
        "https://www.megamillions.com/Winning-Numbers/Previous-Drawings.aspx"),
    registry_entry_from_table(
        "us-powerball", "Powerball", (5, 1, 69), [("Powerball", 1, 1, 26)],
        {"monday": "22:59", "wednesday": "22:59", "saturday": "22:59"}, "America/New_York", "2021-08-23",
        "https://www.powerball.com/previous-results"),
]}


def registry_entry(lottery: str):
    """The registry entry whose id is exactly `lottery` (6.1), or None."""
    return REGISTRY.get(lottery)


def ascii_lower(s: str) -> str:
    """Lowercases A-Z only: the comparison "without regard to ASCII case" of 6.1."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def registry_namesake(lottery: str):
    """The registry entry whose id or name equals `lottery` without regard to ASCII case
    (6.1: a declared lottery cannot take it), or None."""
    key = ascii_lower(lottery)
    for entry in REGISTRY.values():
        if key in (ascii_lower(entry["id"]), ascii_lower(entry["name"])):
            return entry
    return None


def is_draw_day(entry: dict, days: int) -> bool:
    return WEEKDAYS[weekday(days)] in entry["draws"]


def registry_draw_time(entry: dict, days: int) -> int:
    """The UTC instant of the entry's draw on that day (section 6.6)."""
    hh, mm = (int(x) for x in entry["draws"][WEEKDAYS[weekday(days)]].split(":"))
    local = days * DAY + hh * HOUR + mm * 60
    return local_to_utc(entry["rule"], entry["utc_offset"], local)


def registry_date_problem(entry: dict, date) -> str | None:
    """Why `date` is not a draw date of the registry entry (section 6.1), or None."""
    days = parse_date(date)
    if days is None:
        return "not a YYYY-MM-DD date"
    if days < parse_date(entry["since"]):
        return f"before {entry['since']}, the first date the registry knows for {entry['id']}"
    if not is_draw_day(entry, days):
        return f"{entry['id']} does not draw on a {WEEKDAYS[weekday(days)].capitalize()}"
    return None


# ---------------------------------------------------------------------------
# Section 6.1. Lottery formats
# ---------------------------------------------------------------------------

def parse_group(g: dict, where: str) -> dict:
    # Section 3: number group names are of the class name (1..=256 bytes).
    check_text(g["name"], "name", f"{where} name")
    return {"name": g["name"], "count": g["count"], "min": g["min"], "max": g["max"],
            "from_main_drum": g.get("from_main_drum", False)}


def parse_format(F: dict, where: str) -> dict:
    main = parse_group(F["main"], f"{where} main group")
    bonus = [parse_group(g, f"{where} bonus group {i + 1}") for i, g in enumerate(F["bonus"])]
    return {"main": main, "bonus": bonus}


def format_problem(F: dict) -> str | None:
    """The rules of a format (section 6.1), or None when it follows them."""
    if len(F["bonus"]) > 8:
        return "a format has at most 8 bonus groups"
    main = F["main"]
    # 6.1: the main group itself has from_main_drum false.
    if main["from_main_drum"]:
        return "the main group cannot be drawn from the main drum"
    for g in [main] + F["bonus"]:
        if not (1 <= g["count"] <= 64):
            return f"group {g['name']!r} draws {g['count']} numbers, not 1 to 64"
        if g["min"] > g["max"]:
            return f"group {g['name']!r}: min above max"
        if g["count"] > g["max"] - g["min"] + 1:
            return f"group {g['name']!r}: {g['count']} distinct numbers do not fit in {g['min']}..={g['max']}"
        if g["from_main_drum"]:
            if (g["min"], g["max"]) != (main["min"], main["max"]):
                return f"group {g['name']!r} is drawn from the main drum but has another range"
            if g["count"] + main["count"] > g["max"] - g["min"] + 1:
                return f"group {g['name']!r} and the main numbers do not fit in one drum"
    return None


def group_bytes(g: dict) -> bytes:
    return (enc_str(g["name"]) + enc_u32(g["count"]) + enc_u32(g["min"]) + enc_u32(g["max"])
            + enc_bool(g["from_main_drum"]))


def fmt_bytes(F: dict) -> bytes:
    return group_bytes(F["main"]) + enc_list(group_bytes, F["bonus"])


def numbers_problem(F: dict, main: list, bonus: list) -> str | None:
    """Whether lottery numbers fit a format (section 6.2), or None when they do."""
    if len(bonus) != len(F["bonus"]):
        return f"the format has {len(F['bonus'])} bonus groups, the numbers {len(bonus)}"
    for g, xs in zip([F["main"]] + F["bonus"], [main] + bonus):
        if len(xs) != g["count"]:
            return f"group {g['name']!r} has {g['count']} numbers, not {len(xs)}"
        if any(not (g["min"] <= x <= g["max"]) for x in xs):
            return f"a number of group {g['name']!r} is outside {g['min']}..={g['max']}"
        if len(set(xs)) != len(xs):
            return f"a number appears twice in group {g['name']!r}"
        if g["from_main_drum"] and set(xs) & set(main):
            return f"group {g['name']!r} is drawn from the main drum but repeats a main number"
    return None


# ---------------------------------------------------------------------------
# Section 6.4. drand networks
# ---------------------------------------------------------------------------

QUICKNET = bytes.fromhex("52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971")
MAINNET = bytes.fromhex("8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce")
DRAND_CHAINS = {
    QUICKNET: {
        "name": "quicknet", "beacon_id": "quicknet", "chained": False, "genesis": 1692803367, "period": 3,
        "public_key": bytes.fromhex(
            "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec"
            "758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"),
        "genesis_seed": bytes.fromhex("f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e"),
        "signature_size": 48, "public_key_size": 96},
    MAINNET: {
        "name": "mainnet", "beacon_id": "default", "chained": True, "genesis": 1595431050, "period": 30,
        "public_key": bytes.fromhex(
            "868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a569937c529eeda66c7293784a9402801af31"),
        "genesis_seed": bytes.fromhex("176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a"),
        "signature_size": 96, "public_key_size": 48},
}
BLS_P = int("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16)


def drand_round_time(chain: bytes, rnd: int) -> int:
    """6.4.7: time(r) = genesis_time + period * (r - 1)."""
    c = DRAND_CHAINS[chain]
    return c["genesis"] + c["period"] * (rnd - 1)


def drand_chain_hash(c: dict) -> bytes:
    """6.4.1: SHA-256(u32(period) || u64(genesis_time) || public_key || genesis_seed || id), with
    no id for the beacon ID `default`."""
    beacon_id = b"" if c["beacon_id"] in ("default", "") else c["beacon_id"].encode()
    return hashlib.sha256(enc_u32(c["period"]) + enc_u64(c["genesis"]) + c["public_key"] + c["genesis_seed"]
                          + beacon_id).digest()


def point_encoding_problem(b: bytes, size: int) -> str | None:
    """Steps 1 to 4 of the validation of 6.4.2 (length, flags, coordinates below p). Steps 5
    and 6 (on the curve, in the subgroup) need curve arithmetic and are not implemented."""
    if len(b) != size:
        return f"{len(b)} bytes, not {size}"
    if not b[0] & 0x80:
        return "not compressed"
    if b[0] & 0x40:
        return "the point at infinity"
    cleared = bytes([b[0] & 0x1F]) + b[1:]
    if any(int.from_bytes(cleared[i:i + 48], "big") >= BLS_P for i in range(0, size, 48)):
        return "a coordinate is not below p"
    return None


# ---------------------------------------------------------------------------
# Section 6.1. Recipe
# ---------------------------------------------------------------------------

FALLBACK = "next_value"


def parse_recipe(rec) -> dict | None:
    if rec is None:
        return None
    check_shape(rec, RECIPE, "randomness")
    sources = [parse_recipe_source(s, f"source {i + 1}") for i, s in enumerate(rec["sources"])]
    if not (1 <= len(sources) <= 16):
        raise _err("InvalidRecipe", "a recipe has 1 to 16 sources")
    if rec["fallback"] != FALLBACK:
        raise _err("InvalidRecipe", f"the only fallback rule is {FALLBACK!r}")
    return {"sources": sources, "fallback": FALLBACK}


def parse_recipe_source(s: dict, where: str) -> dict:
    kind = s["kind"]
    if kind == "hex":
        return {"kind": "hex", "label": check_text(s["label"], "name", f"{where} label")}
    if kind == "lottery":
        return parse_recipe_lottery(s, where)
    if kind == "drand":
        return parse_recipe_drand(s, where)
    if kind == "dice":
        check_text(s["witnesses"], "free", f"{where} witnesses")
        if not (1 <= s["count"] <= 1000) or not (2 <= s["faces"] <= 1000):
            raise _err("InvalidRecipe", f"{where}: dice count is 1..=1000 and faces 2..=1000")
        return {"kind": "dice", "count": s["count"], "faces": s["faces"], "witnesses": s["witnesses"]}
    raise ValueError(kind)


def parse_recipe_lottery(s: dict, where: str) -> dict:
    name = check_text(s["lottery"], "name", f"{where} lottery")
    date = check_text(s["date"], "free", f"{where} date")
    draw_at = s.get("draw_at")
    if draw_at is not None:
        check_text(draw_at, "free", f"{where} draw_at")
    fmt = parse_format(s["format"], f"{where} format") if "format" in s else None
    entry = registry_entry(name)
    if entry is not None:
        if fmt is not None or draw_at is not None:
            raise _err("InvalidRecipe", f"{where}: {name} is in the registry, which fixes its format and draw time")
        problem = registry_date_problem(entry, date)
        if problem:
            raise _err("InvalidRecipe", f"{where}: {date!r} is not a draw date of {name}: {problem}")
    else:
        namesake = registry_namesake(name)
        if namesake is not None:
            raise _err("InvalidRecipe", f"{where}: {name!r} is the registry's {namesake['id']} ({namesake['name']}); "
                                        f"a declared lottery cannot take a registry lottery's id or name")
        if fmt is None or draw_at is None:
            raise _err("InvalidRecipe", f"{where}: {name!r} is not in the registry: declare its format and draw_at")
        if parse_date(date) is None:
            raise _err("InvalidRecipe", f"{where}: date {date!r} is not a YYYY-MM-DD date")
        # 6.1: draw_at is a YYYY-MM-DDTHH:MM:SSZ time, a rule of the recipe (InvalidRecipe).
        if parse_time(draw_at) is None:
            raise _err("InvalidRecipe", f"{where}: draw_at {draw_at!r} is not YYYY-MM-DDTHH:MM:SSZ")
        problem = format_problem(fmt)
        if problem:
            raise _err("InvalidRecipe", f"{where}: {problem}")
    return {"kind": "lottery", "lottery": name, "date": date, "format": fmt, "draw_at": draw_at}


def parse_recipe_drand(s: dict, where: str) -> dict:
    chain = bytes.fromhex(s["chain"])
    if chain not in DRAND_CHAINS:
        raise _err("InvalidRecipe", f"{where}: unknown drand chain {chain.hex()}")
    if s["round"] < 1:
        raise _err("InvalidRecipe", f"{where}: drand rounds start at 1")
    if drand_round_time(chain, s["round"]) > MAX_TIME:
        raise _err("InvalidRecipe", f"{where}: round {s['round']} comes after 9999-12-31T23:59:59Z")
    return {"kind": "drand", "chain": chain, "round": s["round"]}


def lottery_format(source: dict) -> dict:
    """The format a recipe's lottery source publishes: the registry's or the declared one."""
    entry = registry_entry(source["lottery"])
    return entry["format"] if entry is not None else source["format"]


def source_time(source: dict) -> int | None:
    """The time of a source (section 6.1), or None for hex and dice."""
    kind = source["kind"]
    if kind == "drand":
        return drand_round_time(source["chain"], source["round"])
    if kind == "lottery":
        entry = registry_entry(source["lottery"])
        if entry is not None:
            return registry_draw_time(entry, parse_date(source["date"]))
        return parse_time(source["draw_at"])
    return None


def source_spec_bytes(s: dict) -> bytes:
    k = s["kind"]
    if k == "hex":
        return enc_u8(0) + enc_str(s["label"])
    if k == "lottery":
        return (enc_u8(1) + enc_str(s["lottery"]) + enc_str(s["date"]) + enc_opt(fmt_bytes, s["format"])
                + enc_opt(enc_str, s["draw_at"]))
    if k == "drand":
        return enc_u8(2) + enc_raw32(s["chain"]) + enc_u64(s["round"])
    if k == "dice":
        return enc_u8(3) + enc_u32(s["count"]) + enc_u32(s["faces"]) + enc_str(s["witnesses"])
    raise ValueError(k)


def recipe_bytes(r: dict) -> bytes:
    return enc_list(source_spec_bytes, r["sources"]) + enc_u8(0)  # the fallback rule next_value


# ---------------------------------------------------------------------------
# Section 6.2. Reveal
# ---------------------------------------------------------------------------

def parse_reveal(rv) -> list:
    check_shape(rv, REVEAL, "reveal")
    srcs = rv["sources"]
    if not (1 <= len(srcs) <= 16):
        raise _err("InvalidReveal", "a reveal has 1 to 16 sources")
    return [parse_reveal_source(s, f"source {i + 1}") for i, s in enumerate(srcs)]


def parse_reveal_source(s: dict, where: str) -> dict:
    kind = s["kind"]
    if kind == "hex":
        v = bytes.fromhex(s["value"])
        if not (1 <= len(v) <= 1024):
            raise _err("InvalidReveal", f"{where}: a hex value is 1 to 1024 bytes")
        return {"kind": "hex", "value": v}
    if kind == "lottery":
        return parse_reveal_lottery(s, where)
    if kind == "drand":
        # 6.2: a drand value's round is at least 1 (InvalidReveal), with or without a recipe.
        if s["round"] < 1:
            raise _err("InvalidReveal", f"{where}: drand rounds start at 1")
        sig = bytes.fromhex(s["signature"])
        prev, given = s.get("previous_signature"), s.get("randomness")
        # The given randomness is checked with the other drand rules, in the order of 6.4.8.
        return {"kind": "drand", "chain": bytes.fromhex(s["chain"]), "round": s["round"], "signature": sig,
                "previous_signature": bytes.fromhex(prev) if prev is not None else None,
                "randomness": hashlib.sha256(sig).digest(),
                "randomness_given": bytes.fromhex(given) if given is not None else None}
    if kind == "dice":
        if not (1 <= len(s["values"]) <= 1000):
            raise _err("InvalidReveal", f"{where}: 1 to 1000 dice values")
        return {"kind": "dice", "values": list(s["values"])}
    raise ValueError(kind)


def parse_reveal_lottery(s: dict, where: str) -> dict:
    name = check_text(s["lottery"], "name", f"{where} lottery")
    main, bonus = list(s["main"]), [list(g) for g in s.get("bonus", [])]
    if not (1 <= len(main) <= 64):
        raise _err("InvalidReveal", f"{where}: 1 to 64 main numbers")
    if len(bonus) > 8 or any(not (1 <= len(g) <= 64) for g in bonus):
        raise _err("InvalidReveal", f"{where}: at most 8 bonus groups of 1 to 64 numbers")
    # SPEC-QUESTION (6.1, 6.2): only a recipe refuses a declared name that equals a registry id
    # or name without regard to ASCII case; a reveal value of "EuroMillions" without a recipe
    # is read here as a declared lottery's (form only), not refused and not held to the format
    # of `euromillions`.
    entry = registry_entry(name)
    if entry is not None:
        problem = numbers_problem(entry["format"], main, bonus)
        if problem:
            raise _err("InvalidReveal", f"{where}: the numbers do not fit {name}: {problem}")
    return {"kind": "lottery", "lottery": name, "main": main, "bonus": bonus}


def source_val_bytes(s: dict) -> bytes:
    k = s["kind"]
    if k == "hex":
        return enc_u8(0) + enc_bytes(s["value"])
    if k == "lottery":
        return (enc_u8(1) + enc_str(s["lottery"]) + enc_list(enc_u32, sorted(s["main"]))
                + enc_list(lambda g: enc_list(enc_u32, g), [sorted(g) for g in s["bonus"]]))
    if k == "drand":
        return enc_u8(2) + enc_raw32(s["chain"]) + enc_u64(s["round"]) + enc_raw32(s["randomness"])
    if k == "dice":
        return enc_u8(3) + enc_list(enc_u32, s["values"])
    raise ValueError(k)


def reveal_bytes(sources: list) -> bytes:
    return enc_list(source_val_bytes, sources)


def match_reveal(recipe: dict | None, sources: list):
    """Section 6.2 matching (without BLS verification)."""
    if recipe is None:
        return
    rs = recipe["sources"]
    if len(rs) != len(sources):
        raise _err("RevealMismatch", f"the recipe has {len(rs)} sources, the reveal {len(sources)}")
    for i, (r, s) in enumerate(zip(rs, sources)):
        where = f"source {i + 1}"
        if r["kind"] != s["kind"]:
            raise _err("RevealMismatch", f"{where} is {s['kind']}, the recipe committed to {r['kind']}")
        if r["kind"] == "lottery":
            if r["lottery"] != s["lottery"]:
                raise _err("RevealMismatch",
                           f"the reveal's {where} is lottery {s['lottery']!r}, but the recipe committed to {r['lottery']!r}")
            problem = numbers_problem(lottery_format(r), s["main"], s["bonus"])
            if problem:
                raise _err("InvalidReveal", f"{where}: {problem}")
        if r["kind"] == "drand" and (r["chain"] != s["chain"] or r["round"] != s["round"]):
            raise _err("RevealMismatch", f"{where}: drand chain or round differs from the recipe")
        # 6.2: exactly `count` values, each in 1..=faces (RevealMismatch).
        if r["kind"] == "dice":
            if len(s["values"]) != r["count"] or not all(1 <= v <= r["faces"] for v in s["values"]):
                raise _err("RevealMismatch", f"{where}: needs {r['count']} dice values in 1..={r['faces']}")


def check_drand_values(sources: list, skip_signatures: bool) -> list:
    """Steps 2 to 6 of 6.4.8 for every drand value (step 1 is match_reveal's). Returns notes
    for the report."""
    notes = []
    for i, s in enumerate(sources):
        if s["kind"] != "drand":
            continue
        where = f"source {i + 1}"
        chain = DRAND_CHAINS.get(s["chain"])
        if chain is None:
            raise _err("DrandSignature", f"{where}: unknown drand chain {s['chain'].hex()}")
        if s["randomness_given"] is not None and s["randomness_given"] != s["randomness"]:
            raise _err("InvalidReveal", f"{where}: randomness is not SHA-256(signature)",
                       s["randomness"].hex(), s["randomness_given"].hex())
        problem = previous_signature_problem(chain, s["round"], s["previous_signature"])
        if problem:
            raise _err("DrandSignature", f"{where}: {problem}")
        problem = point_encoding_problem(s["signature"], chain["signature_size"])
        if problem:
            raise _err("DrandSignature", f"{where}: the signature is refused: {problem}")
        if not skip_signatures:
            raise _err("DrandSignature", "this reference verifier does not implement BLS12-381; "
                                         "a drand source is rejected rather than skipped")
        notes.append(f"{where}: the drand signature was NOT checked (skipped on request)")
    return notes


def previous_signature_problem(chain: dict, rnd: int, prev: bytes | None) -> str | None:
    """6.4.3: absent on quicknet; on mainnet 32 bytes for round 1, 96 bytes after."""
    if not chain["chained"]:
        return None if prev is None else f"{chain['name']} has no previous_signature"
    expected = 32 if rnd == 1 else 96
    if prev is None or len(prev) != expected:
        return f"{chain['name']} round {rnd} needs a previous_signature of {expected} bytes"
    return None


# ---------------------------------------------------------------------------
# Sections 6.3 and 6.5. Seed and RFC 3797 key
# ---------------------------------------------------------------------------

def compute_seed(commitment: bytes, sources: list) -> bytes:
    return H("seed", enc_raw32(commitment) + reveal_bytes(sources))


def canon(xs) -> str:
    """Section 6.5: ascending, decimal without leading zeros, each followed by a period."""
    return "".join(f"{x}." for x in sorted(xs))


def source_canonical_string(s: dict) -> str:
    k = s["kind"]
    if k == "lottery":
        return canon(s["main"]) + "".join(canon(g) for g in s["bonus"])
    if k == "dice":
        return canon(s["values"])
    if k == "hex":
        return s["value"].hex()
    if k == "drand":
        return s["randomness"].hex()
    raise ValueError(k)


def rfc3797_key(sources: list) -> str:
    return "".join(source_canonical_string(s) + "/" for s in sources)


# ---------------------------------------------------------------------------
# Sections 5 and 9. Manifest, method, commitment
# ---------------------------------------------------------------------------

def parse_method(m: dict) -> dict:
    name = m["name"]
    if name == "stratified":
        al = m["allocation"]
        alloc = {"kind": al["kind"]}
        if al["kind"] == "explicit":
            alloc["counts"] = list(al["counts"])
        return {"name": name, "feature": check_text(m["feature"], "name", "stratifying feature"),
                "allocation": alloc}
    if name == "greedy":
        return {"name": name, "max_attempts": m["max_attempts"]}
    if name == "lottery":
        return {"name": name, "portfolio": [list(p) for p in m["portfolio"]]}
    if name == "maxent":
        return {"name": name, "counted": [check_text(f, "name", "counted feature") for f in m["counted"]],
                "max_attempts": m["max_attempts"], "weights": list(m.get("weights", []))}
    return {"name": name}


def method_bytes(m: dict) -> bytes:
    name = m["name"]
    if name == "uniform":
        return enc_u8(0)
    if name == "stratified":
        al = m["allocation"]
        if al["kind"] == "explicit":
            ab = enc_u8(0) + enc_list(enc_u32, al["counts"])
        elif al["kind"] == "largest_remainder":
            ab = enc_u8(1)
        else:
            ab = enc_u8(2)
        return enc_u8(1) + enc_str(m["feature"]) + ab
    if name == "greedy":
        return enc_u8(2) + enc_u32(m["max_attempts"])
    if name == "lottery":
        return enc_u8(3) + enc_list(lambda p: enc_list(enc_u32, p), m["portfolio"])
    if name == "rfc3797":
        return enc_u8(4)
    if name == "maxent":
        return (enc_u8(5) + enc_list(enc_str, m["counted"]) + enc_u32(m["max_attempts"])
                + enc_list(enc_u32, m["weights"]))
    raise ValueError(name)


def parse_manifest(d) -> dict:
    """Parses the JSON manifest (section 14) and checks section 5.1, except the rules that need
    the pool: the portfolio's (check_portfolio) and the cell limit of maxent (maxent_count)."""
    M = read_manifest(d)
    validate_manifest(M)
    return M


def read_manifest(d) -> dict:
    """Parses the JSON manifest (section 14): its shape, texts and recipe, without the other rules
    of section 5.1 (validate_manifest). It is what a tool that does not check 5.1 would commit."""
    if isinstance(d, dict) and "spec" in d and d["spec"] != SPEC_ID:
        raise _err("UnsupportedSpec", f"this manifest uses protocol {d['spec']!r}, not {SPEC_ID}")
    check_shape(d, MANIFEST, "manifest")
    title = check_text(d["title"], "free", "title")
    ann = d.get("announced_at")
    if ann is not None:
        check_text(ann, "free", "announced_at")
    features = [{"name": check_text(f["name"], "name", "feature name"),
                 "values": [{"value": check_text(v["value"], "name", "value name"), "min": v["min"], "max": v["max"]}
                            for v in f["values"]]}
                for f in d["features"]]
    method = parse_method(d["method"])
    recipe = parse_recipe(d.get("randomness"))
    parent = parse_parent(d.get("parent"))
    M = {"spec": SPEC_ID, "title": title, "announced_at": ann, "method": method,
         "panel_size": d["panel_size"], "alternates": d["alternates"], "household_rule": d["household_rule"],
         "features": features, "pool_root": bytes.fromhex(d["pool"]["root"]), "pool_count": d["pool"]["count"],
         "randomness": recipe, "purpose": d.get("purpose", "official"),
         # Section 14: `min_cell` may be absent, meaning 1 (no floor), and `sealed` absent, false.
         "min_cell": d.get("min_cell", 1), "sealed": d.get("sealed", False), "parent": parent}
    return M


def parse_parent(p) -> dict | None:
    """The manifest's `parent` (sections 5 and 14): the previous stage's commitment, the hash of
    its invitees and the inherited feature names (texts of the class name)."""
    if p is None:
        return None
    inherited = [check_text(n, "name", "inherited feature name") for n in p["inherited"]]
    return {"commitment": bytes.fromhex(p["commitment"]), "invitees": bytes.fromhex(p["invitees"]),
            "inherited": inherited}


def validate_manifest(M: dict):
    """Section 5.1, in the order of its list (texts and the recipe's own rules were checked
    while parsing)."""
    n, k = M["pool_count"], M["panel_size"]
    if n < 1:
        raise _err("EmptyPool", "the pool has no record")
    if not (1 <= k <= n):
        raise _err("PanelSize", f"panel_size {k} must be in 1..={n}")
    validate_features(M["features"], k)
    meth = M["method"]
    if M["household_rule"] and meth["name"] not in ("greedy", "lottery", "maxent"):
        raise _err("HouseholdRuleNotSupported", f"method {meth['name']}")
    # 5.1: `sealed` only with the lottery method, the only one that draws without the values.
    if M["sealed"] and meth["name"] != "lottery":
        raise _err("InvalidMethod", f"sealed features are only allowed with the lottery method, not {meth['name']}: "
                   "it reads every record's values to draw")
    validate_method(M)
    if M["announced_at"] is not None and parse_time(M["announced_at"]) is None:
        raise _err("InvalidTime", f"announced_at {M['announced_at']!r} is not YYYY-MM-DDTHH:MM:SSZ")
    recipe = M["randomness"]
    if recipe is not None and M["announced_at"] is None:
        if any(source_time(s) is not None for s in recipe["sources"]):
            raise _err("AnnouncementMissing", "the recipe has a source with a known time: announced_at is required")
    validate_parent(M)


def validate_parent(M: dict):
    """5.1: a parent's inherited names are unique [DuplicateName] and each names a feature of this
    manifest [UnknownFeature]."""
    # SPEC-QUESTION (5.1): the rule is read in its written order: uniqueness over the whole list
    # first, then each name against the features. An empty `inherited` list is allowed (nothing
    # forbids it): every feature is then declared.
    P = M.get("parent")
    if P is None:
        return
    inherited = P["inherited"]
    if len(set(inherited)) != len(inherited):
        dup = next(n for i, n in enumerate(inherited) if n in inherited[:i])
        raise _err("DuplicateName", f"the parent's inherited names are unique: {dup!r} appears twice")
    names = [f["name"] for f in M["features"]]
    for n in inherited:
        if n not in names:
            raise _err("UnknownFeature", f"the parent inherits {n!r}, which is not a feature of this manifest")


def validate_features(features: list, k: int):
    names = [f["name"] for f in features]
    if len(set(names)) != len(names):
        raise _err("DuplicateName", "feature names are unique")
    for f in features:
        if not f["values"]:
            raise _err("NoValues", f"feature {f['name']!r} has no value")
        vn = [v["value"] for v in f["values"]]
        if len(set(vn)) != len(vn):
            raise _err("DuplicateName", f"value names of {f['name']!r} are unique")
        for v in f["values"]:
            if v["min"] > v["max"]:
                raise _err("QuotaMinAboveMax", f"{f['name']}={v['value']}: min above max")
        if sum(v["min"] for v in f["values"]) > k:
            raise _err("QuotaMinsTooLarge", f"feature {f['name']!r}: the minimums add up to more than {k}")
        if sum(v["max"] for v in f["values"]) < k:
            raise _err("QuotaMaxsTooSmall", f"feature {f['name']!r}: the maximums add up to less than {k}")


def validate_method(M: dict):
    meth = M["method"]
    n, k, A = M["pool_count"], M["panel_size"], M["alternates"]
    names = [f["name"] for f in M["features"]]
    if meth["name"] == "stratified":
        if meth["feature"] not in names:
            raise _err("UnknownFeature", meth["feature"])
        f = M["features"][names.index(meth["feature"])]
        al = meth["allocation"]
        if al["kind"] == "explicit":
            if len(al["counts"]) != len(f["values"]):
                raise _err("InvalidAllocation", "one count per value")
            if sum(al["counts"]) != k:
                raise _err("InvalidAllocation", f"the counts add up to {sum(al['counts'])}, not {k}")
    if meth["name"] == "greedy" and not (1 <= meth["max_attempts"] <= 1000):
        raise _err("InvalidMethod", "max_attempts is 1..=1000")
    if meth["name"] == "lottery":
        pf = meth["portfolio"]
        if not (1 <= len(pf) <= 100000):
            raise _err("InvalidPortfolio", "the portfolio has 1..=100000 panels")
        for j, p in enumerate(pf):
            if len(p) != k:
                raise _err("InvalidPortfolio", f"panel {j} has {len(p)} people, not {k}")
            if any(i >= n for i in p):
                raise _err("InvalidPortfolio", f"panel {j} has an index >= {n}")
            if any(p[i] >= p[i + 1] for i in range(len(p) - 1)):
                raise _err("InvalidPortfolio", f"panel {j} is not strictly increasing")
    if meth["name"] == "rfc3797" and k + min(A, n - k) > 65536:
        raise _err("InvalidMethod", "rfc3797 draws at most 65,536 people in all")
    if meth["name"] == "maxent":
        validate_maxent(meth, names, n)


def validate_maxent(meth: dict, names: list, n: int):
    """9.6, parameters: `counted` names features of the manifest, each at most once, in any order
    [UnknownFeature, InvalidMethod]; max_attempts is 1..=100,000; weights is empty or n weights, each
    at least 1 [InvalidMethod]. The limit on the cells of the count needs the pool: it is checked
    when the count is made (maxent_count)."""
    # SPEC-QUESTION (9.6): the text names the two rules of `counted` and their two kinds, not the
    # order in which they are checked. Each name is checked in list order, for the two rules in
    # turn: not a feature (UnknownFeature), named before (InvalidMethod).
    seen = set()
    for name in meth["counted"]:
        if name not in names:
            raise _err("UnknownFeature", f"maxent counts {name!r}, which is not a feature of the manifest")
        if name in seen:
            raise _err("InvalidMethod", f"maxent counts {name!r} twice: each feature is counted at most once")
        seen.add(name)
    if not (1 <= meth["max_attempts"] <= MAXENT_MAX_ATTEMPTS):
        raise _err("InvalidMethod", f"maxent max_attempts is 1..={MAXENT_MAX_ATTEMPTS:,}, not {meth['max_attempts']}")
    w = meth["weights"]
    if w and len(w) != n:
        raise _err("InvalidMethod", f"maxent weights: {len(w)} weights for {n} records (empty, or one per record)")
    for i, x in enumerate(w):
        if x < 1:
            raise _err("InvalidMethod", f"maxent weights: the weight of record {i} is {x}; each weight is at least 1")


def manifest_bytes(M: dict) -> bytes:
    feature = lambda f: enc_str(f["name"]) + enc_list(
        lambda v: enc_str(v["value"]) + enc_u32(v["min"]) + enc_u32(v["max"]), f["values"])
    return (enc_str(M["spec"]) + enc_str(M["title"]) + enc_opt(enc_str, M["announced_at"])
            + method_bytes(M["method"]) + enc_u32(M["panel_size"]) + enc_u32(M["alternates"])
            + enc_bool(M["household_rule"]) + enc_list(feature, M["features"])
            + enc_raw32(M["pool_root"]) + enc_u32(M["pool_count"])
            + enc_opt(recipe_bytes, M["randomness"])
            + enc_u8(PURPOSES.index(M["purpose"]))
            + enc_u32(M["min_cell"]) + enc_bool(M["sealed"])
            + enc_opt(parent_bytes, M.get("parent")))


def parent_bytes(P: dict) -> bytes:
    """Section 5: parent(P) = raw32(P.commitment) || raw32(P.invitees) || list(str, P.inherited)."""
    return enc_raw32(P["commitment"]) + enc_raw32(P["invitees"]) + enc_list(enc_str, P["inherited"])


def commitment(M: dict) -> bytes:
    return H("manifest", manifest_bytes(M))


def parse_pool(M: dict, records_json: list) -> list:
    """Section 5.2, checked in the order of its list."""
    # SPEC-QUESTION (5.2, 12.1): 12.1's `pool` row names the validity of the records, then the
    # floor, then the root and count; 5.2's list starts with the root and count. 5.2's order is
    # used: root and count, tickets, sealed or open records (SealedRecord), values, household
    # tags, disclosure floor. No vector has a pool with faults of two of these kinds.
    check_shape(records_json, list_of(RECORD), "pool")
    recs = [parse_record(r) for r in records_json]
    if len(recs) != M["pool_count"] or len(recs) == 0:
        raise _err("PoolRootMismatch", f"{len(recs)} records, the manifest says {M['pool_count']}")
    root = mth([leaf_hash(r) for r in recs])
    if root != M["pool_root"]:
        raise _err("PoolRootMismatch", "the pool records do not match the committed pool root",
                   root.hex(), M["pool_root"].hex())
    seen = set()
    for r in recs:
        if r[0] in seen:
            raise _err("DuplicateTicket", r[0])
        seen.add(r[0])
    check_sealed_records(M, recs)
    for r in recs:
        if is_sealed(r):
            continue
        if len(r[1]) != len(M["features"]):
            raise _err("WrongValueCount", f"ticket {r[0]}")
        for f, v in zip(M["features"], r[1]):
            if v not in [x["value"] for x in f["values"]]:
                raise _err("UnknownValue", f"ticket {r[0]}: {f['name']}={v}")
    check_household_tags(M, recs)
    figures = cell_figures(M, recs)
    floor = M["min_cell"]
    if figures["applies"] and figures["smallest"] < floor:
        raise _err("SmallCells", f"the smallest cell of the pool holds {figures['smallest']} records, below the "
                   f"disclosure floor min_cell {floor} ({figures['alone']} records alone in their cell)",
                   str(figures["smallest"]), str(floor))
    return recs


def check_sealed_records(M: dict, recs: list):
    """Section 5.2: every record is sealed (a seal and an empty list of values) when the manifest
    says `sealed`, and none has a seal otherwise [SealedRecord]."""
    for r in recs:
        if M["sealed"] and not is_sealed(r):
            raise _err("SealedRecord", f"ticket {r[0]} publishes its values, but the manifest seals the features")
        if M["sealed"] and r[1]:
            raise _err("SealedRecord", f"ticket {r[0]} is sealed but publishes values too")
        if not M["sealed"] and is_sealed(r):
            raise _err("SealedRecord", f"ticket {r[0]} has a seal, but the manifest does not seal the features")


def check_household_tags(M: dict, recs: list):
    """Section 5.2: tags appear only when household_rule is on, and every tag is carried by at
    least two records [HouseholdTag]."""
    counts: dict = {}
    for r in recs:
        if r[2] is not None:
            if not M["household_rule"]:
                raise _err("HouseholdTag", f"ticket {r[0]} has a household tag, but the manifest's household rule "
                           "is off")
            counts[r[2]] = counts.get(r[2], 0) + 1
    for r in recs:
        if r[2] is not None and counts[r[2]] < 2:
            raise _err("HouseholdTag", f"ticket {r[0]} is the only record with the household tag {r[2]!r}")


def cell_keys(recs: list) -> list:
    """Section 5.2: the cell of each record, as (profile, sorted profiles of its housemates). The
    profile of a sealed record is the empty list: in a sealed pool, the cells are made by the
    household tags alone."""
    def profile(r) -> tuple:
        return () if is_sealed(r) else tuple(r[1])

    members: dict = {}
    for i, r in enumerate(recs):
        if r[2] is not None:
            members.setdefault(r[2], []).append(i)
    keys = []
    for i, r in enumerate(recs):
        mates = [] if r[2] is None else [profile(recs[j]) for j in members[r[2]] if j != i]
        keys.append((profile(r), tuple(sorted(mates))))
    return keys


def cell_figures(M: dict, recs: list) -> dict:
    """The cells of 5.2: whether the disclosure floor applies (some feature or some household
    tag), the cell sizes (ascending), the smallest cell and the number of records alone in
    their cell. The figures follow the definition of a cell even when the floor does not
    apply (then every record is in one cell)."""
    # SPEC-QUESTION (12.1): the `pool` step's details give the smallest cell and the records
    # alone in their cell; for a pool with no feature and no tag, where 5.2 says the rule does
    # not apply, they are computed from the definition (one cell of every record), and the
    # report says that the floor does not apply.
    sizes: dict = {}
    for key in cell_keys(recs):
        sizes[key] = sizes.get(key, 0) + 1
    ordered = sorted(sizes.values())
    return {"applies": bool(M["features"]) or any(r[2] is not None for r in recs),
            "sizes": ordered, "smallest": ordered[0], "alone": sum(1 for x in ordered if x == 1)}


# ---------------------------------------------------------------------------
# Section 5.3. Linked stages: invitees and links
# ---------------------------------------------------------------------------

def invitees_of(bundle: dict) -> list:
    """5.3: the invitees of a stage, its selected tickets in panel order, then its alternates in
    order (as its bundle's result gives them)."""
    return list(bundle["result"]["selected"]) + list(bundle["result"]["alternates"])


def invitees_bytes(tickets: list) -> bytes:
    """The message of the invitees hash: list(str, tickets)."""
    return enc_list(enc_str, tickets)


def invitees_hash(tickets: list) -> bytes:
    """5.3: invitees(S) = H("invitees", list(str, tickets))."""
    # SPEC-QUESTION (2, 5.3): section 2 lists the tags of H without `invitees`; 5.3 defines
    # invitees(S) with the tag `invitees`, which is used.
    for t in tickets:
        check_text(t, "ticket", "invitee ticket")
    return H("invitees", invitees_bytes(tickets))


def parent_json(previous_bundle: dict, inherited: list) -> dict:
    """The `parent` (section 14) of a stage drawn among the invitees of `previous_bundle`: the
    commitment of its manifest (recomputed), the hash of its invitees and `inherited`."""
    M = parse_manifest(previous_bundle["manifest"])
    return {"commitment": commitment(M).hex(), "invitees": invitees_hash(invitees_of(previous_bundle)).hex(),
            "inherited": list(inherited)}


def check_links(M: dict, recs: list, invitees=None) -> int:
    """5.3 and 12.1 `links`: every record has a link exactly when the manifest names a parent, no
    two records share one, and, when `invitees` (the previous stage's) is given, every link is
    one of them. Records are checked in pool order and the first that fails is named; a record
    with a link under a manifest without parent, or without one under a manifest with a parent:
    LinkMissing; the second record with a link: DuplicateLink; a link that is not an invitee:
    NotInvited. Returns the number of linked records."""
    # SPEC-QUESTION (5.3, 12.1): "in pool order, the first record that fails is named" is read as one
    # pass over the records, each checked for its link's presence, then for a link already seen,
    # then (with the previous stage) for a link that is not an invitee: the first record to fail any
    # of them is named, whatever the kind. At commit time (prepare) the invitees are not known.
    has_parent = M.get("parent") is not None
    invited = None if invitees is None else set(invitees)
    seen: dict = {}
    for i, r in enumerate(recs):
        link = link_of(r)
        if not has_parent:
            if link is not None:
                raise _err("LinkMissing", f"record {i + 1}, ticket {r[0]}, has a link ({link}), but the manifest "
                           "names no parent: a record of an unlinked pool has no link", None, link)
            continue
        if link is None:
            raise _err("LinkMissing", f"record {i + 1}, ticket {r[0]}, has no link, but the manifest names a "
                       "parent: every record links to the invitee it comes from", None, None)
        if link in seen:
            raise _err("DuplicateLink", f"record {i + 1}, ticket {r[0]}, links to {link}, as ticket {seen[link]} "
                       "does: one invitee is at most one record", seen[link], r[0])
        seen[link] = r[0]
        if invited is not None and link not in invited:
            raise _err("NotInvited", f"record {i + 1}, ticket {r[0]}, links to {link}, who is not an invitee of "
                       "the previous stage", None, link)
    return len(seen)


# ---------------------------------------------------------------------------
# Section 7. ChaCha20 (RFC 8439) and the stream
# ---------------------------------------------------------------------------

def _rotl32(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & MASK32


def _qr(s: list, a: int, b: int, c: int, d: int):
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl32(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl32(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl32(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl32(s[b] ^ s[c], 7)


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """RFC 8439 section 2.3: returns the 64-byte serialized block."""
    assert len(key) == 32 and len(nonce) == 12 and 0 <= counter <= MASK32
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key))
    state.append(counter)
    state += list(struct.unpack("<3I", nonce))
    w = list(state)
    for _ in range(10):
        _qr(w, 0, 4, 8, 12); _qr(w, 1, 5, 9, 13); _qr(w, 2, 6, 10, 14); _qr(w, 3, 7, 11, 15)
        _qr(w, 0, 5, 10, 15); _qr(w, 1, 6, 11, 12); _qr(w, 2, 7, 8, 13); _qr(w, 3, 4, 9, 14)
    return struct.pack("<16I", *[(w[i] + state[i]) & MASK32 for i in range(16)])


def chacha20_encrypt(key: bytes, counter: int, nonce: bytes, plaintext: bytes) -> bytes:
    """RFC 8439 section 2.4."""
    out = bytearray()
    for j in range(0, len(plaintext), 64):
        ks = chacha20_block(key, counter + j // 64, nonce)
        chunk = plaintext[j:j + 64]
        out += bytes(a ^ b for a, b in zip(chunk, ks))
    return bytes(out)


class Stream:
    """ChaCha20 keystream, key = the stream key, nonce = 12 zero bytes, counter from 0,
    read as little-endian u32 words; a 64-bit draw is lo | hi << 32."""

    def __init__(self, key: bytes, label: tuple | None = None):
        assert len(key) == 32
        self.key = key
        self.label = label  # (purpose, index) for the record of picks (section 10.3)
        self.block = 0
        self.words: list = []
        self.pos = 0
        self.words64_consumed = 0

    def next_u32(self) -> int:
        if self.pos >= len(self.words):
            if self.block > MASK32:
                raise RuntimeError("stream exhausted")
            self.words = list(struct.unpack("<16I", chacha20_block(self.key, self.block, b"\x00" * 12)))
            self.block += 1
            self.pos = 0
        w = self.words[self.pos]
        self.pos += 1
        return w

    def next_u64(self) -> int:
        lo = self.next_u32()
        hi = self.next_u32()
        self.words64_consumed += 1
        return lo | (hi << 32)


def stream_key(seed: bytes, purpose: str, index: int) -> bytes:
    return H("stream", enc_raw32(seed) + enc_str(purpose) + enc_u32(index))


def stream_for(seed: bytes, purpose: str, index: int) -> Stream:
    return Stream(stream_key(seed, purpose, index), (purpose, index))


# Section 10.3: while `trace_draw` runs, every pick is appended here.
_PICKS: list | None = None


def _record_pick(stream: str, index: int, value: str, rejected: int, among: int, position: int):
    if _PICKS is not None:
        _PICKS.append({"stream": stream, "index": index, "value": value, "rejected": rejected,
                       "among": among, "position": position})


# ---------------------------------------------------------------------------
# Section 8. Integer sampling
# ---------------------------------------------------------------------------

def uniform(st: Stream, n: int) -> int:
    if not (1 <= n <= U64_MAX):
        raise ValueError("uniform(n) needs 1 <= n < 2^64")
    t = ((-n) % 2**64) % n
    rejected = 0
    while True:
        x = st.next_u64()
        m = x * n
        if (m & MASK64) >= t:
            label = getattr(st, "label", None)
            if label is not None:
                _record_pick(label[0], label[1], f"{x:016x}", rejected, n, m >> 64)
            return m >> 64
        rejected += 1


class LazyPermutation:
    """Forward partial Fisher-Yates over [0, n), storing only the swapped cells."""

    def __init__(self, st: Stream, n: int):
        self.st = st
        self.n = n
        self.cells: dict = {}
        self.out: list = []

    def _get(self, i):
        return self.cells.get(i, i)

    def next(self):
        i = len(self.out)
        if i >= self.n:
            return None
        j = i + uniform(self.st, self.n - i)
        ai, aj = self._get(i), self._get(j)
        self.cells[i], self.cells[j] = aj, ai
        self.out.append(aj)
        return aj

    def take(self, count: int) -> list:
        while len(self.out) < count:
            if self.next() is None:
                break
        return self.out[:count]


def sample(st: Stream, n: int, k: int) -> list:
    if not (0 <= k <= n):
        raise ValueError("sample needs 0 <= k <= n")
    return LazyPermutation(st, n).take(k)


# ---------------------------------------------------------------------------
# Section 9. Methods
# ---------------------------------------------------------------------------

class DrawFailed(KleroterionError):
    def __init__(self, message="every attempt failed"):
        super().__init__("DrawFailed", message)


def _feature_value_indices(M: dict, recs: list) -> list:
    """vi[i][f] = index of record i's value for feature f."""
    out = []
    for r in recs:
        out.append([[v["value"] for v in f["values"]].index(val) for f, val in zip(M["features"], r[1])])
    return out


def stratified_allocation(M: dict, recs: list) -> list:
    meth = M["method"]
    fnames = [f["name"] for f in M["features"]]
    fi = fnames.index(meth["feature"])
    vals = [v["value"] for v in M["features"][fi]["values"]]
    N = [sum(1 for r in recs if r[1][fi] == v) for v in vals]
    n, k = len(recs), M["panel_size"]
    al = meth["allocation"]
    S = len(vals)
    if al["kind"] == "explicit":
        a = list(al["counts"])
        for s in range(S):
            if a[s] > N[s]:
                raise _err("AllocationExceedsStratum", f"{vals[s]}: {a[s]} seats, {N[s]} people")
        return a
    if al["kind"] == "largest_remainder":
        a = [(k * N[s]) // n for s in range(S)]
        rem = [(k * N[s]) % n for s in range(S)]
        left = k - sum(a)
        order = sorted(range(S), key=lambda s: (-rem[s], -N[s], s))
        for s in order[:left]:
            a[s] += 1
        return a
    # Sainte-Lague
    a = [0] * S
    for _ in range(k):
        best = None
        for s in range(S):
            if a[s] >= N[s]:
                continue
            if best is None:
                best = s
                continue
            # N_s/(2a_s+1) > N_b/(2a_b+1)  <=>  N_s (2a_b+1) > N_b (2a_s+1)
            lhs = N[s] * (2 * a[best] + 1)
            rhs = N[best] * (2 * a[s] + 1)
            if lhs > rhs or (lhs == rhs and N[s] > N[best]):
                best = s
        a[best] += 1
    return a


def draw_stratified(M, recs, seed, info):
    fnames = [f["name"] for f in M["features"]]
    fi = fnames.index(M["method"]["feature"])
    vals = [v["value"] for v in M["features"][fi]["values"]]
    a = stratified_allocation(M, recs)
    info["allocation"] = a
    selected = []
    for s, v in enumerate(vals):
        if a[s] == 0:
            continue
        members = [i for i, r in enumerate(recs) if r[1][fi] == v]
        pos = sample(stream_for(seed, "stratum", s), len(members), a[s])
        selected += [members[p] for p in pos]
    return selected


def _greedy_attempt(M, recs, vi, st: Stream):
    feats = M["features"]
    F = len(feats)
    k = M["panel_size"]
    R = list(range(len(recs)))  # kept in pool order
    sel = [[0] * len(f["values"]) for f in feats]

    def rem_count(f, v):
        return sum(1 for i in R if vi[i][f] == v)

    # Values whose maximum is already reached (a maximum of 0) are out from the start.
    R = [i for i in R if all(feats[f]["values"][vi[i][f]]["max"] > 0 for f in range(F))]
    selected = []
    while len(selected) < k:
        best = None  # (f, v, num, den)
        for f in range(F):
            for v, val in enumerate(feats[f]["values"]):
                rem = rem_count(f, v)
                if rem == 0 or sel[f][v] >= val["max"]:
                    continue
                if rem < val["min"] - sel[f][v]:
                    return None
                num, den = val["min"] - sel[f][v], rem
                if best is None or num * best[3] > best[2] * den:
                    best = (f, v, num, den)
        if best is None:
            return None
        bf, bv = best[0], best[1]
        j = uniform(st, best[3])
        cands = [i for i in R if vi[i][bf] == bv]
        p = cands[j]
        selected.append(p)
        removed = {p}
        for f in range(F):
            sel[f][vi[p][f]] += 1
        if M["household_rule"] and recs[p][2] is not None:
            removed |= {i for i in R if recs[i][2] == recs[p][2]}
        for f in range(F):
            for v, val in enumerate(feats[f]["values"]):
                if sel[f][v] == val["max"]:
                    removed |= {i for i in R if vi[i][f] == v}
        R = [i for i in R if i not in removed]
    for f in range(F):
        for v, val in enumerate(feats[f]["values"]):
            if sel[f][v] < val["min"]:
                return None
    return selected


def draw_greedy(M, recs, seed, info):
    vi = _feature_value_indices(M, recs)
    for a in range(M["method"]["max_attempts"]):
        res = _greedy_attempt(M, recs, vi, stream_for(seed, "panel", a))
        if res is not None:
            info["attempt"] = a
            return res
    raise DrawFailed(f"all {M['method']['max_attempts']} greedy attempts failed")


# ---------------------------------------------------------------------------
# Section 9.6. maxent (draft, version 3)
# ---------------------------------------------------------------------------

MAXENT_MAX_ATTEMPTS = 100_000
MAXENT_CELL_LIMIT = 1_000_000
MAXENT_WEIGHT_TERM_LIMIT = 10_000_000


def elementary_suffixes(weights: list, rmax: int) -> list:
    """E[i][r] = e_r(w_i, ..., w_{n-1}) for 0 <= i <= n and 0 <= r <= rmax (9.6): E[i][0] = 1,
    E[n][r] = 0 for r > 0, and E[i][r] = E[i+1][r] + w_i E[i+1][r-1] (a subset of the weights from
    i on either leaves out w_i or takes it)."""
    n = len(weights)
    E = [[0] * (rmax + 1) for _ in range(n + 1)]
    E[n][0] = 1
    for i in range(n - 1, -1, -1):
        E[i][0] = 1
        for r in range(1, rmax + 1):
            E[i][r] = E[i + 1][r] + weights[i] * E[i + 1][r - 1]
    return E


def subset_unrank(weights: list, c: int, q: int, E: list | None = None) -> list:
    """subset_j(c, q) of 9.6 on a type whose members have the weights `weights` (in pool order):
    the 0-based positions of the chosen members, in order. `E` is elementary_suffixes(weights, r)
    for some r >= c."""
    if E is None:
        E = elementary_suffixes(weights, c)
    if not (0 <= c <= len(weights)) or not (0 <= q < E[0][c]):
        raise ValueError("subset_unrank needs 0 <= c <= n and 0 <= q < e_c(weights)")
    chosen, i, r = [], 0, c
    while r > 0:
        rest = E[i + 1][r - 1]
        block = weights[i] * rest
        if q < block:
            chosen.append(i)
            q %= rest
            r -= 1
        else:
            q -= block
        i += 1
    return chosen


def uniform_big(st: Stream, N: int) -> int:
    """9.6: uniform(N) of section 8 when N < 2^64; otherwise w = ceil(b / 64) 64-bit draws, the first
    the least significant, reduced mod 2^b (b the bit length of N), until the result is below N.
    Each 64-bit draw of the second form is one pick of the record (10.3): among 0, position 0."""
    if N < 1:
        raise ValueError("uniform_big(N) needs N >= 1")
    if N < 2**64:
        return uniform(st, N)
    b = N.bit_length()
    w = -(-b // 64)
    label = getattr(st, "label", None)
    # SPEC-QUESTION (9.6, 10.3): "one pick per 64-bit draw of uniform_big" is read as every draw,
    # those of a rejected loop included, each with `rejected` 0.
    while True:
        r = 0
        for i in range(w):
            x = st.next_u64()
            if label is not None:
                _record_pick(label[0], label[1], f"{x:016x}", 0, 0, 0)
            r |= x << (64 * i)
        r &= (1 << b) - 1
        if r < N:
            return r


def maxent_types(M: dict, recs: list) -> list:
    """9.6, types: the value positions of each record for the counted features (in `counted`
    order); the types that occur, in lexicographic order, each with its value positions and its
    members in pool order."""
    features = M["features"]
    fidx = [[f["name"] for f in features].index(name) for name in M["method"]["counted"]]
    positions = [[v["value"] for v in f["values"]] for f in features]
    keys = [tuple(positions[f].index(r[1][f]) for f in fidx) for r in recs]
    return [{"values": list(key), "members": [i for i, x in enumerate(keys) if x == key]}
            for key in sorted(set(keys))]


class MaxentCount:
    """The count of 9.6 for a manifest and its pool: the types, the cells and B_j(s) on every cell,
    and Z = B_0(start). A state is the tuple (t, c[f][x] for each counted feature f in `counted`
    order and each of its values x in value order). Raises InvalidMethod when the count has more
    than MAXENT_CELL_LIMIT cells (checked while the cells are listed, before any B is computed)."""

    def __init__(self, M: dict, recs: list, limit: int = MAXENT_CELL_LIMIT):
        meth, features = M["method"], M["features"]
        k = M["panel_size"]
        weights = meth["weights"] or [1] * len(recs)
        names = [f["name"] for f in features]
        counted = [features[names.index(name)] for name in meth["counted"]]
        offsets, width = [], 0
        for f in counted:
            offsets.append(width)
            width += len(f["values"])
        self.k = k
        # caps[p] and mins[p] of state entry p (entry 0 is t, capped by k).
        self.caps = [k] + [v["max"] for f in counted for v in f["values"]]
        self.mins = [k] + [v["min"] for f in counted for v in f["values"]]
        self.start = tuple([0] * (1 + width))
        self.types = []
        found = maxent_types(M, recs)
        # 9.6: the weight terms, sum of n_j (top_j + 1), top_j = min(n_j, k, the counted maxima of
        # the type's values), checked before the cells.
        terms = 0
        for t in found:
            top = min([len(t["members"]), k] + [counted[f]["values"][x]["max"] for f, x in enumerate(t["values"])])
            terms += len(t["members"]) * (top + 1)
        if terms > MAXENT_WEIGHT_TERM_LIMIT:
            raise _err("InvalidMethod", f"the maxent count's weights need {terms:,} terms, more than "
                       f"{MAXENT_WEIGHT_TERM_LIMIT:,}: draw from a smaller pool, or count more features",
                       str(terms), str(MAXENT_WEIGHT_TERM_LIMIT))
        for t in found:
            w = [weights[i] for i in t["members"]]
            E = elementary_suffixes(w, min(len(w), k))
            self.types.append({"values": t["values"], "members": t["members"], "weights": w, "E": E,
                               # the state entries that one member of the type adds 1 to
                               "entries": [0] + [1 + offsets[f] + x for f, x in enumerate(t["values"])],
                               # the state entries of the counted values the type finishes
                               "finishes": []})
        # A counted value (f, x) is finished by the last type whose value for f is x; a counted value
        # that no type has is absent.
        last: dict = {}
        for j, ty in enumerate(self.types):
            for p in ty["entries"][1:]:
                last[p] = j
        for p, j in sorted(last.items()):
            self.types[j]["finishes"].append(p)
        self.absent = [p for p in range(1, 1 + width) if p not in last]
        # The cells: layer j holds the states reachable from the start by successors of types 0 .. j-1.
        self.layers = [{self.start}]
        self.cells = 1
        for j, ty in enumerate(self.types):
            nxt: set = set()
            for s in self.layers[j]:
                for _, s2 in self.successors(s, j):
                    if s2 not in nxt:
                        nxt.add(s2)
                        self.cells += 1
                        if self.cells > limit:
                            # SPEC-QUESTION (9.6): the error names "the number of cells"; the listing
                            # stops at the first cell beyond the limit (the full number may be far too
                            # large to list), so it names that lower bound.
                            raise _err("InvalidMethod", f"the maxent count has more than {limit:,} cells (at "
                                       f"least {self.cells:,}; the limit is {limit:,}): count fewer or coarser "
                                       "features", str(self.cells), str(limit))
            self.layers.append(nxt)
        # B_T(s) = 1 for a final state, else 0; then B_j(s) from B_{j+1}, j = T-1 down to 0.
        T = len(self.types)
        self.B: list = [None] * (T + 1)
        self.B[T] = {s: 1 if self.is_final(s) else 0 for s in self.layers[T]}
        for j in range(T - 1, -1, -1):
            nxt_b = self.B[j + 1]
            cur = {}
            for s in self.layers[j]:
                cur[s] = sum(self.W(j, c) * nxt_b[s2] for c, s2 in self.successors(s, j))
            self.B[j] = cur
        self.Z = self.B[0][self.start]

    def W(self, j: int, c: int) -> int:
        """W_j(c) = e_c of the type's weights."""
        return self.types[j]["E"][0][c]

    def within_caps(self, s: tuple, j: int, c: int) -> bool:
        """t + c <= k and c[f][v_j(f)] + c <= max[f][v_j(f)] for each counted f (9.6, the caps). The
        caps only grow harder with c, so the first c beyond them ends every loop over c."""
        return all(s[p] + c <= self.caps[p] for p in self.types[j]["entries"])

    def next(self, s: tuple, j: int, c: int):
        """next_j(s, c) of 9.6 for a c within the caps, or None when there is no successor: c added
        to t and to the count of each value of the type; then each counted value the type finishes
        has no successor below its minimum, and its count is set to 0."""
        out = list(s)
        for p in self.types[j]["entries"]:
            out[p] += c
        for p in self.types[j]["finishes"]:
            if out[p] < self.mins[p]:
                return None
            out[p] = 0
        return tuple(out)

    def successors(self, s: tuple, j: int):
        """The pairs (c, next_j(s, c)) for c = 0, 1, ..., n_j within the caps and with a successor, in
        the order of c. The same as within_caps and next for each c in turn, only faster (the cell
        listing may visit a million states): c is within the caps up to the room left under the
        caps, and a successor exists from the smallest c that brings every value the type finishes
        to its minimum."""
        ty = self.types[j]
        entries, fin = ty["entries"], ty["finishes"]
        hi = min(len(ty["members"]), min(self.caps[p] - s[p] for p in entries))
        lo = max([0] + [self.mins[p] - s[p] for p in fin])
        base = list(s)
        for p in fin:
            base[p] = 0
        grow = [p for p in entries if p not in fin]
        for c in range(lo, hi + 1):
            out = base[:]
            for p in grow:
                out[p] += c
            yield c, tuple(out)

    def is_final(self, s: tuple) -> bool:
        """t = k and every absent counted value has min 0."""
        return s[0] == self.k and all(self.mins[p] == 0 for p in self.absent)

    def walk(self, q: int) -> list:
        """9.6, the walk: the panel (pool indices, by type, then in pool order) of 0 <= q < Z."""
        if not (0 <= q < self.Z):
            raise ValueError("the walk needs 0 <= q < Z")
        s, panel = self.start, []
        for j, ty in enumerate(self.types):
            for c in range(len(ty["members"]) + 1):
                if not self.within_caps(s, j, c):
                    raise AssertionError("q beyond B_j(s): the count is wrong")
                s2 = self.next(s, j, c)
                if s2 is None:
                    continue
                b = self.B[j + 1][s2]
                term = self.W(j, c) * b
                if term == 0:
                    continue
                if q < term:
                    chosen = subset_unrank(ty["weights"], c, q // b, ty["E"])
                    panel += [ty["members"][p] for p in chosen]
                    q %= b
                    s = s2
                    break
                q -= term
            else:
                raise AssertionError("q beyond B_j(s): the count is wrong")
        return panel


def maxent_count(M: dict, recs: list) -> MaxentCount:
    return MaxentCount(M, recs)


def draw_maxent(M, recs, seed, info):
    """9.6, the draw: Z = 0 fails; attempt a draws q = uniform_big(Z) on the stream (panel, a), walks
    to a panel and accepts it when it meets every quota and, when on, the household rule."""
    count = maxent_count(M, recs)
    info["cells"] = count.cells
    info["total"] = str(count.Z)
    if count.Z == 0:
        raise DrawFailed("no panel of panel_size members meets the counted features' quotas (Z = 0)")
    for a in range(M["method"]["max_attempts"]):
        panel = count.walk(uniform_big(stream_for(seed, "panel", a), count.Z))
        if not broken_quotas(M, recs, panel) and not broken_households(M, recs, panel):
            info["rejections"] = a
            return panel
    raise DrawFailed(f"all {M['method']['max_attempts']} maxent attempts were rejected")


def rfc3797_picks(key: str, n: int, count: int, with_hashes: bool = False):
    remaining = list(range(n))
    picks, hashes = [], []
    kb = key.encode("utf-8")
    for i in range(count):
        h = hashlib.md5(enc_u16(i) + kb + enc_u16(i)).digest()
        v = int.from_bytes(h, "big")
        pos = v % len(remaining)
        _record_pick("rfc3797", 0, h.hex(), 0, len(remaining), pos)
        picks.append(remaining.pop(pos))
        hashes.append(h)
    return (picks, hashes) if with_hashes else picks


def broken_quotas(M, recs, panel: list) -> list:
    """The quotas the panel breaks, as texts (empty if all are met): one text per broken
    bound, in feature order then value order, in the words of 10.2. Only the values of the
    panel's records are read (in a sealed pool, `recs` is a view with the opened values,
    opened_view)."""
    out = []
    for f, feat in enumerate(M["features"]):
        for val in feat["values"]:
            c = sum(1 for p in panel if recs[p][1][f] == val["value"])
            if c < val["min"]:
                out.append(f"{feat['name']}={val['value']}: {c} on the panel, below the minimum {val['min']}")
            if c > val["max"]:
                out.append(f"{feat['name']}={val['value']}: {c} on the panel, above the maximum {val['max']}")
    return out


def broken_households(M, recs, panel: list) -> list:
    """Pairs of panel members who share a household key, when the rule is on."""
    out = []
    if not M["household_rule"]:
        return out
    seen: dict = {}
    for p in panel:
        h = recs[p][2]
        if h is None:
            continue
        if h in seen:
            out.append(f"tickets {recs[seen[h]][0]} and {recs[p][0]} share the household {h!r}")
        else:
            seen[h] = p
    return out


def quota_violation(M, values_of, panel: list) -> int:
    """sum over (f, v) of max(0, min - count) + max(0, count - max) (10.2); `values_of(i)` gives
    record i's values."""
    total = 0
    for f, feat in enumerate(M["features"]):
        for val in feat["values"]:
            c = sum(1 for p in panel if values_of(p)[f] == val["value"])
            total += max(0, val["min"] - c) + max(0, c - val["max"])
    return total


def check_portfolio(M, recs):
    """Section 9.4 rules needing the pool: quotas and the household rule. In a sealed pool the
    values are not public: only the household rule is checked (the size, indices and order of
    each panel are checked with the manifest, validate_method)."""
    for j, p in enumerate(M["method"]["portfolio"]):
        quotas = [] if M.get("sealed") else broken_quotas(M, recs, p)
        broken = quotas + broken_households(M, recs, p)
        if broken:
            raise _err("InvalidPortfolio", f"panel {j} of the portfolio: {broken[0]}")


def opened_view(recs: list, values: dict) -> list:
    """The records with the values that are known: an open record's own, a sealed record's from
    its opening (`values` maps pool indices to opened values), None for a sealed record that
    is not opened (so that reading it fails)."""
    out = []
    for i, r in enumerate(recs):
        v = values.get(i) if is_sealed(r) else r[1]
        out.append((r[0], v, r[2], r[3], r[4] if len(r) > 4 else None, link_of(r)))
    return out


class ValueReader:
    """The values the replacement rule of 10.2 reads. `known` maps the pool indices whose values
    are already open to them: every record of an open pool, the panel and the alternates of a
    sealed one (the bundle's openings). `fetch(i)` gives the values of another record, opened
    for the replacement record; it is called once per record, in the order the rule first reads
    them, and `opened` lists those records."""

    def __init__(self, known: dict, fetch=None):
        self.known = dict(known)
        self.fetch = fetch
        self.opened: list = []

    def values(self, i: int) -> list:
        if i not in self.known:
            if self.fetch is None:
                raise ValueError(f"the values of record {i} are sealed")
            self.known[i] = self.fetch(i)
            self.opened.append(i)
        return self.known[i]


def open_values(recs: list) -> dict:
    """The values of every open record, by pool index."""
    return {i: r[1] for i, r in enumerate(recs) if not is_sealed(r)}


def alternates_candidates(M, recs, selected) -> list:
    sel = set(selected)
    hh = {recs[i][2] for i in selected if recs[i][2] is not None} if M["household_rule"] else set()
    return [i for i in range(len(recs)) if i not in sel and not (recs[i][2] is not None and recs[i][2] in hh)]


def replacement_order(M, recs, seed, selected) -> list:
    C = alternates_candidates(M, recs, selected)
    P = LazyPermutation(stream_for(seed, "alternates", 0), len(C)).take(len(C))
    return [C[p] for p in P]


def run_draw(M: dict, recs: list, sources: list, seed: bytes) -> dict:
    """Returns {"selected": [indices], "alternates": [indices], "rejections": n or None, "info": {...}};
    `rejections` is the number of rejected panels of a maxent draw (9.6), None for another method."""
    name = M["method"]["name"]
    n, k, A = len(recs), M["panel_size"], M["alternates"]
    info: dict = {}
    if name == "rfc3797":
        key = rfc3797_key(sources)
        info["rfc3797_key"] = key
        picks = rfc3797_picks(key, n, k + min(A, n - k))
        return {"selected": picks[:k], "alternates": picks[k:], "rejections": None, "info": info}
    if name == "uniform":
        selected = sample(stream_for(seed, "panel", 0), n, k)
    elif name == "stratified":
        selected = draw_stratified(M, recs, seed, info)
    elif name == "greedy":
        selected = draw_greedy(M, recs, seed, info)
    elif name == "lottery":
        pf = M["method"]["portfolio"]
        j = uniform(stream_for(seed, "panel", 0), len(pf))
        info["lottery_index"] = j
        selected = list(pf[j])
    elif name == "maxent":
        selected = draw_maxent(M, recs, seed, info)
    else:
        raise ValueError(name)
    C = alternates_candidates(M, recs, selected)
    P = LazyPermutation(stream_for(seed, "alternates", 0), len(C)).take(min(A, len(C)))
    return {"selected": selected, "alternates": [C[p] for p in P], "rejections": info.get("rejections"),
            "info": info}


# ---------------------------------------------------------------------------
# Section 11. Result and transcript
# ---------------------------------------------------------------------------

def result_bytes(selected, alternates, rejections: int | None = None) -> bytes:
    """res of section 11: list(u32, selected) || list(u32, alternates), then, for a maxent draw
    only, u32(rejections) (9.6)."""
    out = enc_list(enc_u32, selected) + enc_list(enc_u32, alternates)
    if rejections is not None:
        out += enc_u32(rejections)
    return out


def transcript(commit: bytes, seed: bytes, selected, alternates, rejections: int | None = None) -> bytes:
    return H("transcript", enc_raw32(commit) + enc_raw32(seed) + result_bytes(selected, alternates, rejections))


def prepare(manifest_json, pool_json, reveal_json) -> dict:
    """Parses and validates the inputs of a draw; returns the parsed objects and the
    commitment and seed. Does not verify drand signatures (only their encoding)."""
    M = parse_manifest(manifest_json)
    recs = parse_pool(M, pool_json)
    # 5.3: tools check the links (a link exactly when the manifest names a parent, no two
    # records with one link) at commit time; whether each is an invitee needs the previous stage.
    check_links(M, recs)
    if M["method"]["name"] == "lottery":
        check_portfolio(M, recs)
    # 9.6: the cell limit needs the pool; it is checked before a commitment is given.
    if M["method"]["name"] == "maxent":
        maxent_count(M, recs)
    sources = parse_reveal(reveal_json)
    match_reveal(M["randomness"], sources)
    check_drand_values(sources, skip_signatures=True)
    c = commitment(M)
    seed = compute_seed(c, sources)
    return {"M": M, "recs": recs, "sources": sources, "commitment": c, "seed": seed}


def draw(manifest_json, pool_json, reveal_json) -> dict:
    """Runs a whole draw. Raises KleroterionError (DrawFailed included)."""
    p = prepare(manifest_json, pool_json, reveal_json)
    r = run_draw(p["M"], p["recs"], p["sources"], p["seed"])
    t = transcript(p["commitment"], p["seed"], r["selected"], r["alternates"], r["rejections"])
    p.update(r)
    p["transcript"] = t
    return p


def trace_draw(manifest_json, pool_json, reveal_json) -> tuple:
    """A whole draw and its record of picks (section 10.3): (draw(...), picks)."""
    global _PICKS
    _PICKS = []
    try:
        d = draw(manifest_json, pool_json, reveal_json)
        return d, _PICKS
    finally:
        _PICKS = None


def private_openings(M: dict, recs: list, openings) -> dict:
    """The organiser's openings of a sealed pool (a list of openings, section 14, e.g. every
    record's, as kept in private/openings.json), by pool index; each MUST open its record."""
    idx = {r[0]: i for i, r in enumerate(recs)}
    out = {}
    for n, op in enumerate(openings or []):
        parsed = parse_opening(op, f"opening {n + 1}")
        if parsed["ticket"] not in idx:
            raise _err("UnknownTicket", parsed["ticket"])
        i = idx[parsed["ticket"]]
        problem = opening_problem(M, recs[i], parsed)
        if problem:
            raise _err(*problem)
        out[i] = op
    return out


def make_bundle(manifest_json, pool_json, reveal_json, openings=None) -> dict:
    """The bundle of section 11. For a sealed pool, `openings` are the organiser's openings
    (private_openings); the bundle holds those of the panel then the alternates, in order."""
    d = draw(manifest_json, pool_json, reveal_json)
    recs = d["recs"]
    bundle = {"format": "kleroterion-bundle", "spec": SPEC_ID, "manifest": manifest_json,
              "commitment": d["commitment"].hex(), "pool": pool_json, "reveal": reveal_json,
              "seed": d["seed"].hex(),
              "result": {"selected": [recs[i][0] for i in d["selected"]],
                         "alternates": [recs[i][0] for i in d["alternates"]]},
              "transcript": d["transcript"].hex()}
    if d["rejections"] is not None:
        bundle["result"]["rejections"] = d["rejections"]
    if d["M"]["sealed"]:
        private = private_openings(d["M"], recs, openings)
        missing = [recs[i][0] for i in d["selected"] + d["alternates"] if i not in private]
        if missing:
            raise _err("OpeningMismatch", f"no opening for ticket {missing[0]}")
        bundle["openings"] = [private[i] for i in d["selected"] + d["alternates"]]
    return bundle


# ---------------------------------------------------------------------------
# Section 10.2. Replacements
# ---------------------------------------------------------------------------

def dropped_indices(recs: list, dropped_tickets: list) -> list:
    idx = {r[0]: i for i, r in enumerate(recs)}
    D = []
    for t in dropped_tickets:
        if t not in idx:
            raise _err("UnknownTicket", t)
        if idx[t] in D:
            raise _err("DuplicateTicket", t)
        D.append(idx[t])
    return D


def compute_replacements(M: dict, recs: list, seed: bytes, selected: list, alternates: list,
                         tr: bytes, D: list, reader: ValueReader | None = None) -> dict:
    """Section 10.2 on indices. Returns {"replacements", "panel", "broken_quotas", "hash",
    "opened"}: `opened`, the records whose values the rule read that were not open yet (in a
    sealed pool, those the replacement record opens), in first-read order. `reader` gives the
    values (every record's, for an open pool, when it is None)."""
    if reader is None:
        reader = ValueReader(open_values(recs))
    unavailable = set(D)
    name = M["method"]["name"]
    panel = list(selected)
    order = list(alternates) if name == "rfc3797" else replacement_order(M, recs, seed, selected)
    repl = []
    for d in D:
        if d not in panel:
            repl.append(None)
            continue
        pos = panel.index(d)
        cands = [c for c in order if c not in unavailable and c not in panel]
        chosen = choose_replacement(M, recs, reader, panel, pos, cands)
        if chosen is None:
            panel.pop(pos)
        else:
            panel[pos] = chosen
        repl.append(chosen)
    if name in ("greedy", "lottery", "maxent"):
        broken = broken_quotas(M, opened_view(recs, reader.known), panel)
    else:
        broken = []
    h = H("replacement", enc_raw32(tr) + enc_list(enc_u32, D) + enc_list(lambda x: enc_opt(enc_u32, x), repl))
    return {"replacements": repl, "panel": panel, "broken_quotas": broken, "hash": h, "opened": list(reader.opened)}


def choose_replacement(M, recs, reader: ValueReader, panel: list, pos: int, cands: list):
    """The replacement of panel[pos] among the candidates, in order (section 10.2). Values are
    read through `reader`, only when the rule reads them: for greedy, lottery and maxent, a candidate's
    when it is tried (after the availability and household checks)."""
    name = M["method"]["name"]
    d = panel[pos]
    if name in ("rfc3797", "uniform"):
        return cands[0] if cands else None
    if name == "stratified":
        fi = [f["name"] for f in M["features"]].index(M["method"]["feature"])
        stratum = reader.values(d)[fi]
        return next((c for c in cands if reader.values(c)[fi] == stratum), None)
    # The person who left no longer counts for the household rule.
    others = [p for p in panel if p != d]

    def keeps_household(c):
        if not M["household_rule"] or recs[c][2] is None:
            return True
        return all(recs[p][2] != recs[c][2] for p in others)

    def with_c(c):
        q = list(panel)
        q[pos] = c
        return q

    fair = [c for c in cands if keeps_household(c)]
    for c in fair:
        reader.values(c)  # the rule reads the candidate's values when it tries it
        if quota_violation(M, reader.values, with_c(c)) == 0:
            return c
    # No candidate keeps every quota: every candidate that keeps the household rule was tried
    # (and read); the first that minimises the total violation.
    # SPEC-QUESTION (10.2): "the rule tries every candidate, and the record then opens them all"
    # is read as every candidate that passed the availability and household checks (those the
    # fallback chooses among); a candidate that breaks the household rule is never read.
    best, best_v = None, None
    for c in fair:
        v = quota_violation(M, reader.values, with_c(c))
        if best_v is None or v < best_v:
            best, best_v = c, v
    return best


def organiser_reader(M: dict, recs: list, bundle_open: list, openings) -> tuple:
    """The reader of an organiser who holds every opening: for a sealed pool, the records of
    `bundle_open` (the panel and the alternates) are open, every other one is opened on demand
    from the private openings. Returns (reader, openings by index)."""
    if not M["sealed"]:
        return ValueReader(open_values(recs)), {}
    private = private_openings(M, recs, openings)

    def fetch(i):
        if i not in private:
            raise _err("OpeningMismatch", f"the rule reads the values of ticket {recs[i][0]}: its opening is needed")
        return private[i]["values"]

    known = {}
    for i in bundle_open:
        known[i] = fetch(i)
    return ValueReader(known, fetch), private


def replace(manifest_json, pool_json, reveal_json, published_transcript: bytes | None,
            dropped_tickets: list, openings=None) -> dict:
    """Section 10.2. Returns {"dropped", "replacements", "panel", "broken_quotas", "hash",
    "openings"} with tickets (None for an empty seat / no replacement). For a sealed pool,
    `openings` are the organiser's openings (private_openings), and the result's `openings` are
    those of the records the rule read beyond the panel and the alternates, in first-read
    order (empty for an open pool)."""
    d = draw(manifest_json, pool_json, reveal_json)
    recs = d["recs"]
    tr = d["transcript"] if published_transcript is None else published_transcript
    D = dropped_indices(recs, dropped_tickets)
    reader, private = organiser_reader(d["M"], recs, d["selected"] + d["alternates"], openings)
    r = compute_replacements(d["M"], recs, d["seed"], d["selected"], d["alternates"], tr, D, reader)
    return {"dropped": [recs[i][0] for i in D],
            "replacements": [recs[i][0] if i is not None else None for i in r["replacements"]],
            "panel": [recs[i][0] for i in r["panel"]], "broken_quotas": r["broken_quotas"], "hash": r["hash"],
            "openings": [private[i] for i in r["opened"]]}


def make_replacement_record(bundle: dict, dropped_tickets: list, skip_drand_signatures: bool = False,
                            openings=None) -> dict:
    """The replacement record of section 14. The bundle must verify first (DrawFailed). For a
    sealed pool, `openings` are the organiser's openings, and the record has `openings`."""
    report = verify(bundle, skip_drand_signatures=skip_drand_signatures)
    if not report["valid"]:
        raise _err("DrawFailed", f"the bundle does not verify: {report['error']}")
    r = replace(bundle["manifest"], bundle["pool"], bundle["reveal"], bytes.fromhex(bundle["transcript"]),
                dropped_tickets, openings)
    rec = {"format": "kleroterion-replacement", "spec": SPEC_ID, "transcript": bundle["transcript"].lower(),
           "dropped": r["dropped"], "replacements": r["replacements"], "panel": r["panel"],
           "broken_quotas": r["broken_quotas"], "hash": r["hash"].hex()}
    if bundle["manifest"].get("sealed", False):
        rec["openings"] = r["openings"]
    return rec


# ---------------------------------------------------------------------------
# Section 12. Verification
# ---------------------------------------------------------------------------

STEPS = [
    ("format", "the file is a kleroterion/v2 bundle"),
    ("manifest", "the manifest is valid and hashes to the commitment"),
    ("pool", "the pool records are valid, respect the disclosure floor and match the committed root and count"),
    ("parent", "the previous stage verifies and is the one the manifest names"),
    ("links", "every record links to a distinct invitee of the previous stage"),
    ("portfolio", "every panel of the portfolio is valid"),
    ("randomness", "the reveal is valid and matches the recipe"),
    ("time_order", "the commitment was announced before the randomness existed"),
    ("seed", "the seed follows from the commitment and the reveal"),
    ("draw", "the draw gives the published panel and alternates"),
    ("openings", "the openings of the panel and the alternates open their sealed records"),
    ("quotas", "the panel meets the quotas and the household rule"),
    ("transcript", "the transcript hash matches the result"),
    ("replacements", "the replacement records follow from the draw"),
    ("inherited", "every known record has its invitee's inherited values"),
]
STEP_IDS = [s for s, _ in STEPS]


def _passed(computed=None, published=None, detail=None) -> dict:
    return {"status": "passed", "computed": computed, "published": published, "detail": detail or []}


def _skipped(detail: str) -> dict:
    return {"status": "skipped", "computed": None, "published": None, "detail": [detail]}


class Verification:
    """One run of verify(bundle, published, replacements, previous): the steps of 12.1 in
    order, each a method that returns a passed or skipped step or raises KleroterionError.
    `previous`, for a linked stage, is {"bundle", "published"} of the previous stage, and may
    hold its "report" when it was already verified (12.5)."""

    def __init__(self, bundle, published, replacements, skip_drand_signatures, previous=None):
        self.bundle = bundle
        self.published = published if published is not None else {}
        self.replacement_records = replacements or []
        self.skip_drand = skip_drand_signatures
        self.previous = previous
        self.prev = None  # the previous stage, once the parent step has checked it

    def run(self) -> dict:
        steps, error = [], None
        for step_id, title in STEPS:
            if error is not None:
                steps.append({"id": step_id, "title": title, "status": "not_checked", "computed": None,
                              "published": None, "detail": []})
                continue
            try:
                res = getattr(self, "step_" + step_id)()
            except KleroterionError as e:
                error = e
                res = {"status": "failed", "computed": e.computed, "published": e.published, "detail": [e.message]}
            steps.append(dict({"id": step_id, "title": title}, **res))
        by_hand = [] if error is not None else self.by_hand()
        if error is not None:
            verdict = "invalid"
        else:
            verdict = "valid_if" if by_hand else "valid"
        # SPEC-QUESTION (12.4): `purpose` of a file that is not a readable bundle is not
        # given; it is null here.
        return {"verdict": verdict, "valid": error is None, "purpose": getattr(self, "purpose", None),
                "steps": steps, "by_hand": by_hand,
                "error": str(error.message or error.kind) if error is not None else None,
                "error_kind": error.kind if error is not None else None}

    # -- steps ------------------------------------------------------------

    def step_format(self) -> dict:
        b = self.bundle
        if isinstance(b, (str, bytes)):
            try:
                b = json.loads(b)
            except ValueError as e:
                raise _err("UnreadableBundle", f"the file is not JSON: {e}")
        # 12.1: a `format` other than kleroterion-bundle is UnreadableBundle. The bundle's
        # `spec` and its manifest's are checked before the shape, which another protocol may
        # not share (UnsupportedSpec); a `spec` that is missing or not a text is a shape error.
        if not isinstance(b, dict) or b.get("format") != "kleroterion-bundle":
            raise _err("UnreadableBundle", "this is not a kleroterion bundle")
        m = b.get("manifest")
        for what, spec in (("bundle", b.get("spec")), ("manifest", m.get("spec") if isinstance(m, dict) else None)):
            if isinstance(spec, str) and spec != SPEC_ID:
                raise _err("UnsupportedSpec",
                           f"the {what} uses protocol {spec}, which this verifier does not know "
                           "(commit the draw again)", SPEC_ID, spec)
        try:
            check_shape(b, BUNDLE, "bundle")
        except KleroterionError as e:
            raise _err("UnreadableBundle", e.message)
        self.b = b
        self.purpose = b["manifest"].get("purpose", "official")
        return _passed(SPEC_ID, b["spec"])

    def step_manifest(self) -> dict:
        M = parse_manifest(self.b["manifest"])
        c = commitment(M)
        claimed = bytes.fromhex(self.b["commitment"])
        given = self.published.get("commitment")
        reference = bytes.fromhex(given) if given is not None else claimed
        if c != reference:
            what = "the commitment as published" if given is not None else "the bundle's commitment"
            raise _err("CommitmentMismatch", f"the manifest does not hash to {what}", c.hex(), reference.hex())
        if claimed != c:
            raise _err("CommitmentMismatch", "the bundle's commitment is not the commitment as published",
                       c.hex(), claimed.hex())
        self.M, self.c, self.commitment_given = M, c, given is not None
        return _passed(c.hex(), reference.hex())

    def step_pool(self) -> dict:
        self.recs = parse_pool(self.M, self.b["pool"])
        detail = [f"{len(self.recs)} records"]
        fig = cell_figures(self.M, self.recs)
        floor = self.M["min_cell"]
        if fig["applies"]:
            detail.append(f"smallest cell: {fig['smallest']} records; {fig['alone']} records alone in their cell")
        else:
            detail.append("no feature and no household tag: the pool publishes nothing but tickets, "
                          "the disclosure floor does not apply")
        if floor < 5:
            detail.append(f"disclosure floor min_cell {floor}, below 5, the default: the organiser lowered it")
        else:
            detail.append(f"disclosure floor min_cell {floor}")
        return _passed(self.M["pool_root"].hex(), self.M["pool_root"].hex(), detail)

    def previous_report(self) -> dict:
        """The report of the previous stage, verified with its own published facts (12.5)."""
        if "report" not in self.previous:
            self.previous["report"] = verify(self.previous["bundle"], self.previous.get("published"), None, None,
                                             skip_drand_signatures=self.skip_drand)
        return self.previous["report"]

    def step_parent(self) -> dict:
        """12.1 `parent`: the previous stage verifies with no failed step, its manifest hashes to
        parent.commitment, its invitees hash to parent.invitees and each inherited name is one
        of its features [ParentMismatch]."""
        P = self.M["parent"]
        if P is None:
            return _skipped("the manifest names no parent: not a linked stage")
        if self.previous is None:
            return _skipped("the manifest names a parent, but the previous stage was not given: the chain was not "
                            "checked (listed to compare by hand)")
        # SPEC-QUESTION (12.1): the checks run in the order the row lists them (the previous stage
        # verifies, its commitment, its invitees, the inherited names), each failing with
        # ParentMismatch. The previous stage is verified as any bundle, with its own published
        # facts and without a stage before it (its own parent step, if any, is then skipped).
        report = self.previous_report()
        if not report["valid"]:
            raise _err("ParentMismatch", f"the previous stage does not verify: its step {failed_step(report)} failed "
                       f"({report['error_kind']}: {report['error']})", None, P["commitment"].hex())
        pb = self.previous["bundle"]
        if isinstance(pb, (str, bytes)):
            pb = json.loads(pb)
        Mp = parse_manifest(pb["manifest"])
        cp = commitment(Mp)
        if cp != P["commitment"]:
            raise _err("ParentMismatch", "the previous stage given is another draw: its manifest does not hash to "
                       "the parent's commitment", cp.hex(), P["commitment"].hex())
        invitees = invitees_of(pb)
        h = invitees_hash(invitees)
        if h != P["invitees"]:
            raise _err("ParentMismatch", "the previous stage's invitees do not hash to the parent's invitees",
                       h.hex(), P["invitees"].hex())
        names = [f["name"] for f in Mp["features"]]
        for n in P["inherited"]:
            if n not in names:
                raise _err("ParentMismatch", f"the parent inherits {n!r}, which is not a feature of the previous "
                           "stage", ", ".join(names), n)
        self.prev = {"M": Mp, "recs": parse_pool(Mp, pb["pool"]), "bundle": pb, "invitees": invitees}
        return _passed(cp.hex(), P["commitment"].hex(),
                       [f"the previous stage verifies; {len(invitees)} invitees",
                        "inherited: " + (", ".join(P["inherited"]) or "none")])

    def step_links(self) -> dict:
        """12.1 `links`: a link exactly when the manifest names a parent, no two records with one
        link, and, with the previous stage given, every link an invitee."""
        has_parent = self.M["parent"] is not None
        if not has_parent and not any(link_of(r) is not None for r in self.recs):
            return _skipped("the manifest names no parent and no record has a link")
        invitees = self.prev["invitees"] if self.prev is not None else None
        n = check_links(self.M, self.recs, invitees)
        detail = [f"{n} records, each linked to a distinct invitee"]
        if invitees is None:
            detail.append("the previous stage was not given: whether each link is an invitee was not checked")
        else:
            detail.append(f"every link is one of the {len(invitees)} invitees of the previous stage")
        return _passed(str(n), str(len(self.recs)), detail)

    def step_inherited(self) -> dict:
        """12.1 `inherited`: every record whose values are known has, for each inherited feature,
        its invitee's value for the feature of that name in the previous stage."""
        P = self.M["parent"]
        if P is None:
            return _skipped("the manifest names no parent")
        if self.prev is None:
            return _skipped("the previous stage was not given")
        invitee_values = previous_invitee_values(self.prev["M"], self.prev["recs"], self.prev["bundle"])
        mine = [f["name"] for f in self.M["features"]]
        theirs = [f["name"] for f in self.prev["M"]["features"]]
        idx = {r[0]: i for i, r in enumerate(self.recs)}
        # SPEC-QUESTION (12.1): the known values are checked in the order the text lists them
        # (an open pool's records in pool order; a sealed pool's bundle openings, in order, then
        # each replacement record's, in order), and within a record, the inherited features in
        # the order of `parent.inherited`; the first difference fails.
        if not self.M["sealed"]:
            known = [(i, r[1]) for i, r in enumerate(self.recs)]
        else:
            ops = list(self.b.get("openings", []))
            for rec in self.replacement_records:
                ops += rec.get("openings", [])
            known = [(idx[op["ticket"]], op["values"]) for op in ops]
        for i, values in known:
            r = self.recs[i]
            link = link_of(r)
            theirs_values = invitee_values[link]
            for n in P["inherited"]:
                a, b = theirs_values[theirs.index(n)], values[mine.index(n)]
                if a != b:
                    raise _err("InheritedMismatch", f"ticket {r[0]} has {n}={b}, but the invitee it links to, {link}, "
                               f"has {n}={a} in the previous stage", a, b)
        return _passed(str(len(known)), str(len(known)),
                       [f"{len(known)} records with known values have their invitees' inherited values"])

    def step_portfolio(self) -> dict:
        if self.M["method"]["name"] != "lottery":
            return _skipped("not a lottery draw")
        check_portfolio(self.M, self.recs)
        detail = [f"{len(self.M['method']['portfolio'])} panels"]
        if self.M["sealed"]:
            # 9.4, 12.1: in a sealed pool the panels' quotas are not checked here.
            detail.append("sealed features: the size, indices, order and household rule of every panel were "
                          "checked, not their quotas: the quotas of the undrawn panels are sealed (the drawn "
                          "panel's are checked at the quotas step, from its openings)")
        return _passed(detail=detail)

    def step_randomness(self) -> dict:
        sources = parse_reveal(self.b["reveal"])
        recipe = self.M["randomness"]
        match_reveal(recipe, sources)
        notes = check_drand_values(sources, self.skip_drand)
        notes += check_published_lotteries(recipe, sources, self.published.get("lotteries", []))
        if recipe is None:
            notes.append("the randomness was not committed in advance (no recipe)")
        self.sources = sources
        return _passed(detail=notes)

    def step_time_order(self) -> dict:
        recipe = self.M["randomness"]
        if recipe is None:
            return _skipped("no recipe")
        # 12.1, 12.2: skipped for a replay, written after its randomness existed.
        if self.M["purpose"] == "replay":
            return _skipped("a replay: written after its randomness existed")
        times = [(i, t) for i, t in enumerate(source_time(s) for s in recipe["sources"]) if t is not None]
        if not times:
            return _skipped("no source has a known time")
        announced = parse_time(self.M["announced_at"])
        for i, t in times:
            if t <= announced:
                raise _err("CommittedLate", "committed after the randomness existed: the draw proves nothing "
                           f"(source {i + 1} exists from {format_time(t)})",
                           format_time(t), self.M["announced_at"])
        earliest = min(t for _, t in times)
        return _passed(format_time(earliest), self.M["announced_at"])

    def step_seed(self) -> dict:
        seed = compute_seed(self.c, self.sources)
        published = bytes.fromhex(self.b["seed"])
        if seed != published:
            raise _err("SeedMismatch", "the seed does not follow from the published randomness",
                       seed.hex(), published.hex())
        self.seed = seed
        return _passed(seed.hex(), published.hex())

    def step_draw(self) -> dict:
        M, recs = self.M, self.recs
        r = run_draw(M, recs, self.sources, self.seed)
        tickets = {rec[0] for rec in recs}
        res = self.b["result"]
        # 12.1: a ticket of the result that is not in the pool is a DrawMismatch.
        for t in res["selected"] + res["alternates"]:
            if t not in tickets:
                raise _err("DrawMismatch", f"ticket {t} is not in the committed pool")
        for label, mine, theirs in (("selected", r["selected"], res["selected"]),
                                    ("alternates", r["alternates"], res["alternates"])):
            for pos in range(max(len(mine), len(theirs))):
                a = recs[mine[pos]][0] if pos < len(mine) else None
                b = theirs[pos] if pos < len(theirs) else None
                if a != b:
                    raise _err("DrawMismatch", f"the draw gives ticket {a} at {label} position {pos + 1}, "
                               f"but the bundle says {b}", a, b)
        # 9.6, 14: `rejections` is present exactly for maxent, and equals the recomputed number.
        # SPEC-QUESTION (12.1): the row names what the step compares, not in which order; the draw is
        # run first (its own errors), then the selected list, the alternates and the rejections.
        given = res.get("rejections")
        mine = r["rejections"]
        if mine is None and "rejections" in res:
            raise _err("DrawMismatch", f"the bundle gives a number of rejections ({given}), which only a maxent "
                       "draw has", None, str(given))
        if mine is not None and "rejections" not in res:
            raise _err("DrawMismatch", "the bundle does not give the number of rejections of this maxent draw",
                       str(mine), None)
        if mine is not None and given != mine:
            raise _err("DrawMismatch", f"the draw rejects {mine} panels before the one it accepts, but the bundle "
                       f"says {given}", str(mine), str(given))
        self.r = r
        detail = [f"{len(r['selected'])} selected, {len(r['alternates'])} alternates"]
        if r["rejections"] is not None:
            detail.append(f"maxent: {r['info']['cells']} cells, Z = {r['info']['total']}, "
                          f"{r['rejections']} panels rejected before the one accepted")
        return _passed(detail=detail)

    def step_openings(self) -> dict:
        """12.1 `openings`: in a sealed pool, the bundle's openings are the panel's then the
        alternates', in order (11), and each opens its record (4.1); an open pool has none."""
        M, recs, r = self.M, self.recs, self.r
        given = [parse_opening(op) for op in self.b.get("openings", [])]
        if not M["sealed"]:
            if given:
                raise _err("OpeningMismatch", f"the pool is open, but the bundle carries {len(given)} openings",
                           "0", str(len(given)))
            self.known = open_values(recs)
            self.vrecs = recs
            return _skipped("an open pool: no record is sealed")
        expected = r["selected"] + r["alternates"]
        known = {}
        # SPEC-QUESTION (11, 12.1): the text names the rules (the panel's then the alternates', in
        # order, no other; one declared value per feature; each opens its record) and the kinds,
        # not the order of the checks. The openings are checked one position at a time, each in
        # the order of 4.1's definition: the ticket (an opening at the wrong place, missing or
        # extra: OpeningMismatch), the number of values (WrongValueCount), each value declared
        # (UnknownValue), the seal (OpeningMismatch). No vector has two faults.
        for pos in range(max(len(expected), len(given))):
            want = recs[expected[pos]][0] if pos < len(expected) else None
            if pos >= len(given):
                raise _err("OpeningMismatch", f"no opening for ticket {want} (opening {pos + 1}): the bundle opens "
                           "the panel then the alternates", want, None)
            if want is None:
                raise _err("OpeningMismatch", f"opening {pos + 1}, of ticket {given[pos]['ticket']}, opens neither "
                           "a panel member nor an alternate", None, given[pos]["ticket"])
            problem = opening_problem(M, recs[expected[pos]], given[pos])
            if problem:
                raise _err(problem[0], f"opening {pos + 1}: {problem[1]}", want, given[pos]["ticket"])
            known[expected[pos]] = given[pos]["values"]
        self.known = known
        self.vrecs = opened_view(recs, known)
        return _passed(str(len(expected)), str(len(given)),
                       [f"{len(r['selected'])} panel members and {len(r['alternates'])} alternates opened"])

    def step_quotas(self) -> dict:
        M, panel = self.M, self.r["selected"]
        quotas = broken_quotas(M, self.vrecs, panel)
        households = broken_households(M, self.recs, panel)
        if M["method"]["name"] in ("greedy", "lottery", "maxent"):
            if quotas:
                raise _err("QuotaBroken", quotas[0])
            if households:
                raise _err("HouseholdBroken", households[0])
            return _passed()
        return _passed(detail=["informative: " + q for q in quotas])

    def step_transcript(self) -> dict:
        r = self.r
        t = transcript(self.c, self.seed, r["selected"], r["alternates"], r["rejections"])
        published = bytes.fromhex(self.b["transcript"])
        if t != published:
            raise _err("TranscriptMismatch", "the transcript hash does not match the result", t.hex(), published.hex())
        self.t = t
        return _passed(t.hex(), published.hex())

    def step_replacements(self) -> dict:
        if not self.replacement_records:
            return _skipped("no replacement record given")
        detail = []
        for n, rec in enumerate(self.replacement_records, 1):
            self.check_replacement(n, rec)
            detail.append(f"record {n} declares dropped: {', '.join(rec['dropped'])}")
        return _passed(detail=detail)

    def check_replacement(self, n: int, rec):
        try:
            check_shape(rec, REPLACEMENT, f"replacement record {n}")
        except KleroterionError as e:
            raise _err("ReplacementMismatch", e.message)
        if rec["format"] != "kleroterion-replacement" or rec["spec"] != SPEC_ID:
            raise _err("ReplacementMismatch", f"replacement record {n} is not a {SPEC_ID} replacement record")
        if bytes.fromhex(rec["transcript"]) != self.t:
            raise _err("ReplacementMismatch", f"replacement record {n} names another draw's transcript",
                       self.t.hex(), rec["transcript"])
        recs = self.recs
        try:
            D = dropped_indices(recs, rec["dropped"])
        except KleroterionError as e:
            raise _err("ReplacementMismatch", f"replacement record {n}: {e}")
        # 10.2, 12.1: in a sealed pool the record's openings are exactly those the rule reads
        # beyond the panel and the alternates, in first-read order, each opening its record.
        pending = [parse_opening(op) for op in rec.get("openings", [])]

        def fetch(i):
            if not pending:
                raise _err("ReplacementMismatch", f"replacement record {n}: the rule reads the values of ticket "
                           f"{recs[i][0]}, which the record does not open", recs[i][0], None)
            op = pending.pop(0)
            problem = opening_problem(self.M, recs[i], op)
            if problem:
                raise _err("ReplacementMismatch", f"replacement record {n}: the rule reads the values of ticket "
                           f"{recs[i][0]} next: {problem[1]}", recs[i][0], op["ticket"])
            return op["values"]

        reader = ValueReader(self.known, fetch)
        r = compute_replacements(self.M, recs, self.seed, self.r["selected"], self.r["alternates"], self.t, D, reader)
        if pending:
            raise _err("ReplacementMismatch", f"replacement record {n} opens ticket {pending[0]['ticket']}, whose "
                       "values the rule does not read (or not at that point)", None, pending[0]["ticket"])
        ticket = lambda i: recs[i][0] if i is not None else None
        expected = {"replacements": [ticket(i) for i in r["replacements"]], "panel": [ticket(i) for i in r["panel"]],
                    "broken_quotas": r["broken_quotas"], "hash": r["hash"].hex()}
        given = {"replacements": rec["replacements"], "panel": rec["panel"], "broken_quotas": rec["broken_quotas"],
                 "hash": rec["hash"].lower()}
        for key in ("replacements", "panel", "broken_quotas", "hash"):
            if expected[key] != given[key]:
                raise _err("ReplacementMismatch", f"replacement record {n}: {key} differs from the recomputed one",
                           expected[key], given[key])

    # -- section 12.3 -----------------------------------------------------

    def by_hand(self) -> list:
        M, sources, recipe = self.M, self.sources, self.M["randomness"]
        items = []
        if M["purpose"] == "rehearsal":
            items.append(_item("purpose", "this draw is a rehearsal: its panel is not the assembly's", "rehearsal", ""))
        if M["purpose"] == "replay":
            items.append(_item("purpose", "this draw replays randomness that already existed: it proves nothing "
                               "about who was chosen", "replay", ""))
        if not self.commitment_given:
            items.append(_item("commitment", "the commitment", grouped_hex(self.c),
                               "the organiser's first public record of the commitment"))
        # Item 3 is listed for every bundle, with or without a recipe, so the verdict `valid`
        # is never given in this version (12.3, by design).
        if recipe is not None:
            times = [t for t in (source_time(s) for s in recipe["sources"]) if t is not None]
            when = format_time(min(times)) if times else "the randomness"
            items.append(_item("announcement", "the date of the commitment's first public record must be before",
                               when, "a newspaper, an archived web page, a public timestamp"))
        else:
            items.append(_item("uncommitted", "nothing bound the randomness in advance: find an announcement that "
                               "named exactly this randomness before it existed", "", ""))
        for kind in ("lottery", "dice", "hex"):
            for i, s in enumerate(sources):
                if s["kind"] == kind:
                    items.append(self.source_item(i, s))
        # Item 7: a linked stage verified without its previous stage.
        if M["parent"] is not None and self.previous is None:
            items.append(_item("previous", "the chain was not checked: find the previous stage's bundle by its "
                               "commitment and verify both stages together", M["parent"]["commitment"].hex(),
                               "the previous stage's bundle and its published facts"))
        return items

    def source_item(self, i: int, s: dict) -> dict:
        r = self.M["randomness"]["sources"][i] if self.M["randomness"] is not None else None
        if s["kind"] == "lottery":
            date = r["date"] if r is not None else None
            entry = registry_entry(s["lottery"])
            page = entry["results"] if entry is not None else "the operator's result page"
            numbers = " ".join(map(str, s["main"])) + "".join(" + " + " ".join(map(str, g)) for g in s["bonus"])
            return _item("lottery", f"source {i + 1}: {s['lottery']}, draw of {date or '(no date committed)'}",
                         numbers, page)
        if s["kind"] == "dice":
            witnesses = r["witnesses"] if r is not None else ""
            return _item("dice", f"source {i + 1}: dice thrown before {witnesses or '(no witnesses committed)'}",
                         " ".join(map(str, s["values"])), "the witnesses")
        return _item("hex", f"source {i + 1}: a hex value is not public randomness", s["value"].hex(), "")


def _item(subject: str, what: str, value: str, record: str) -> dict:
    return {"subject": subject, "what": what, "value": value, "record": record}


def grouped_hex(b: bytes) -> str:
    h = b.hex()
    return " ".join(h[i:i + 4] for i in range(0, len(h), 4))


def check_published_lotteries(recipe: dict | None, sources: list, published: list) -> list:
    """Each lottery result given as published against the reveal's value for the recipe
    source of the same lottery and date, each group compared as a set (12.1)."""
    notes = []
    for p in published:
        positions = [] if recipe is None else [
            i for i, r in enumerate(recipe["sources"])
            if r["kind"] == "lottery" and r["lottery"] == p["lottery"] and r["date"] == p["date"]]
        # 12.1: a published result for which the recipe has no source of that lottery and date
        # fails: the reader is checking another draw than the one committed.
        if not positions:
            committed = [] if recipe is None else [
                f"{r['lottery']}@{r['date']}" for r in recipe["sources"] if r["kind"] == "lottery"]
            raise _err("LotteryMismatch",
                       f"a result of {p['lottery']} on {p['date']} was given as published, but the recipe commits "
                       "to no such draw: it is another draw than the one committed",
                       ", ".join(committed) or "no lottery draw", f"{p['lottery']}@{p['date']}")
        for i in positions:
            s = sources[i]
            same = (set(s["main"]) == set(p["main"]) and len(s["bonus"]) == len(p["bonus"])
                    and all(set(a) == set(b) for a, b in zip(s["bonus"], p["bonus"])))
            if not same:
                raise _err("LotteryMismatch",
                           f"source {i + 1}: the numbers of {p['lottery']} on {p['date']} differ from the published ones",
                           _numbers_text(s["main"], s["bonus"]), _numbers_text(p["main"], p["bonus"]))
            notes.append(f"source {i + 1}: {p['lottery']} of {p['date']} equals the published numbers given")
    return notes


def _numbers_text(main: list, bonus: list) -> str:
    return "+".join(",".join(map(str, g)) for g in [main] + bonus)


def verify(bundle, published: dict | None = None, replacements: list | None = None, previous: dict | None = None,
           skip_drand_signatures: bool = False) -> dict:
    """Section 12: the report of 12.4. `bundle` is the parsed JSON or the file's text;
    `published` the published facts {"commitment", "lotteries"} (section 14);
    `replacements` a list of replacement records; `previous`, for a stage that names a
    parent, the previous stage {"bundle", "published"} (12, 12.5)."""
    if published is not None:
        check_shape(published, PUBLISHED, "published facts")
    if previous is not None:
        if previous.get("published") is not None:
            check_shape(previous["published"], PUBLISHED, "published facts of the previous stage")
        previous = dict(previous)
    return Verification(bundle, published, replacements, skip_drand_signatures, previous).run()


def previous_invitee_values(Mp: dict, recs_p: list, pb: dict) -> dict:
    """5.3, 12.1: the values of each invitee of the previous stage, by ticket: its record's, or in
    a sealed previous stage the previous bundle's opening of it."""
    if Mp["sealed"]:
        return {op["ticket"]: list(op["values"]) for op in pb.get("openings", [])}
    values = {r[0]: list(r[1]) for r in recs_p}
    return {t: values[t] for t in invitees_of(pb)}


def response_rates(previous_bundle: dict, bundle: dict) -> list:
    """5.3: for each feature of the previous stage (in its manifest's order, inherited or not)
    and each of its values in that order, the invitees with that value and this pool's records
    linked to one of them; then the total row (feature and value None): the number of invitees
    and pool_count. Only the previous stage's values and the links are read. Both bundles are
    taken to verify as a chain."""
    M = parse_manifest(bundle["manifest"])
    Mp = parse_manifest(previous_bundle["manifest"])
    recs = [parse_record(r) for r in bundle["pool"]]
    recs_p = [parse_record(r) for r in previous_bundle["pool"]]
    invitee_values = previous_invitee_values(Mp, recs_p, previous_bundle)
    invitees = invitees_of(previous_bundle)
    links = [link_of(r) for r in recs]
    rows = []
    for j, fp in enumerate(Mp["features"]):
        for v in fp["values"]:
            invited = sum(1 for t in invitees if invitee_values[t][j] == v["value"])
            volunteered = sum(1 for link in links if link in invitee_values and invitee_values[link][j] == v["value"])
            rows.append({"feature": fp["name"], "value": v["value"], "invited": invited, "volunteered": volunteered})
    rows.append({"feature": None, "value": None, "invited": len(invitees), "volunteered": M["pool_count"]})
    return rows


def verify_chain(previous_bundle, previous_published: dict | None, bundle, published: dict | None = None,
                 replacements: list | None = None, skip_drand_signatures: bool = False) -> dict:
    """Section 12.5: the previous stage is verified with its own published facts, then the stage
    with the previous stage given. The chain report holds both reports, the response rates when
    no step of either failed, and the verdict."""
    prev_report = verify(previous_bundle, previous_published, None, None, skip_drand_signatures=skip_drand_signatures)
    previous = {"bundle": previous_bundle, "published": previous_published, "report": prev_report}
    report = verify(bundle, published, replacements, previous, skip_drand_signatures=skip_drand_signatures)
    valid = prev_report["valid"] and report["valid"]
    if not valid:
        verdict = "invalid"
    elif prev_report["by_hand"] or report["by_hand"]:
        verdict = "valid_if"
    else:
        verdict = "valid"
    # SPEC-QUESTION (12.5): "the response rates when every step of both passed" is read as "when no
    # step of either failed" (a skipped step, such as `openings` for an open pool, does not count
    # against it; the JSON example says `responses` is empty when a step failed). A stage that
    # names no parent has no inherited feature and no link: its responses are empty too.
    responses = []
    if valid:
        b = json.loads(bundle) if isinstance(bundle, (str, bytes)) else bundle
        pb = json.loads(previous_bundle) if isinstance(previous_bundle, (str, bytes)) else previous_bundle
        if b["manifest"].get("parent") is not None:
            responses = response_rates(pb, b)
    return {"verdict": verdict, "valid": valid, "previous": prev_report, "report": report, "responses": responses}


def step_statuses(report: dict) -> list:
    return [{"id": s["id"], "status": s["status"]} for s in report["steps"]]


def failed_step(report: dict) -> str | None:
    failed = [s["id"] for s in report["steps"] if s["status"] == "failed"]
    return failed[0] if failed else None


# ---------------------------------------------------------------------------
# Section 13. Receipts
# ---------------------------------------------------------------------------

def make_receipt(bundle: dict, index: int, secret: bytes, opening: dict | None = None) -> dict:
    """The receipt of record `index`; `secret` is the person's 32-byte secret (section 4) and
    `opening`, in a sealed pool, the opening of their record (section 14)."""
    M = parse_manifest(bundle["manifest"])
    recs = parse_pool(M, bundle["pool"])
    leaves = [leaf_hash(r) for r in recs]
    receipt = {"format": "kleroterion-receipt", "spec": SPEC_ID, "commitment": bundle["commitment"],
               "pool_root": M["pool_root"].hex(), "pool_count": M["pool_count"], "index": index,
               "record": bundle["pool"][index], "proof": [p.hex() for p in audit_path(index, leaves)],
               "secret": secret.hex()}
    if opening is not None:
        receipt["opening"] = opening
    return receipt


def check_receipt(receipt: dict, bundle: dict) -> dict:
    """Section 13. `check` is the first check (1 to 5) that failed, None when the receipt
    matches; every failure is ReceiptMismatch. `established` is False when the bundle does not
    verify: the outcome then means nothing."""
    def bad(check: int) -> dict:
        outcome = "was not issued to this record's holder" if check == 4 else "does not match this draw"
        return {"matches": False, "outcome": outcome, "established": False, "error_kind": "ReceiptMismatch",
                "check": check}

    check_shape(receipt, RECEIPT, "receipt")
    M = parse_manifest(bundle["manifest"])
    if (bytes.fromhex(receipt["commitment"]) != bytes.fromhex(bundle["commitment"])
            or bytes.fromhex(receipt["pool_root"]) != M["pool_root"]
            or receipt["pool_count"] != M["pool_count"]):
        return bad(1)
    rec = parse_record(receipt["record"])
    if not verify_inclusion(leaf_hash(rec), receipt["index"], receipt["pool_count"],
                            [bytes.fromhex(p) for p in receipt["proof"]], M["pool_root"]):
        return bad(2)
    if receipt["index"] >= len(bundle["pool"]) or parse_record(bundle["pool"][receipt["index"]]) != rec:
        return bad(3)
    if holder_of(bytes.fromhex(receipt["secret"])) != rec[3]:
        return bad(4)
    # Check 5: a sealed record's receipt carries an opening that opens it (4.1); an open
    # record's receipt carries none.
    if is_sealed(rec):
        if "opening" not in receipt or opening_problem(M, rec, parse_opening(receipt["opening"])) is not None:
            return bad(5)
    elif "opening" in receipt:
        return bad(5)
    # Check 6, the outcome: established only when the bundle verifies.
    established = verify(bundle)["valid"]
    t = rec[0]
    res = bundle["result"]
    if t in res["selected"]:
        return {"matches": True, "outcome": "selected", "position": res["selected"].index(t) + 1,
                "established": established, "error_kind": None, "check": None}
    if t in res["alternates"]:
        return {"matches": True, "outcome": "alternate", "number": res["alternates"].index(t) + 1,
                "established": established, "error_kind": None, "check": None}
    return {"matches": True, "outcome": "not selected", "established": established, "error_kind": None, "check": None}


def check_path(previous_bundle: dict, bundle: dict | None, previous_receipt: dict | None = None,
               receipt: dict | None = None) -> dict:
    """Section 13, receipts across stages: a person's path through a chain (12.5) from their
    receipt of the previous stage, of the stage, or both. Returns {"error_kind", "message",
    "invited", "answered", "outcome"}: `invited` ({"place": "selected" or "alternate", "number":
    n}) and `answered` (the ticket of the stage's record that links to the person) come from the
    previous receipt, `outcome` ("selected", "alternate" or "not_selected") from the stage's; all
    three are None when a receipt fails (ReceiptMismatch)."""
    # SPEC-QUESTION (13): the text attributes "invited" and "answered" to the previous stage's
    # receipt and the outcome to the stage's. With the stage's receipt alone, `invited` and
    # `answered` are therefore None (its link is only checked to be an invitee), and with the
    # previous receipt alone, `outcome` is None. `answered` is given only for an invited person.
    def mismatch(message: str) -> dict:
        return {"error_kind": "ReceiptMismatch", "message": message, "invited": None, "answered": None,
                "outcome": None}

    invited = answered = outcome = None
    previous_ticket = None
    if previous_receipt is not None:
        out = check_receipt(previous_receipt, previous_bundle)
        if not out["matches"]:
            return mismatch(f"the receipt of the previous stage {out['outcome']}")
        previous_ticket = previous_receipt["record"]["ticket"]
        if out["outcome"] == "selected":
            invited = {"place": "selected", "number": out["position"]}
        elif out["outcome"] == "alternate":
            invited = {"place": "alternate", "number": out["number"]}
        if invited is not None and bundle is not None:
            answered = next((r["ticket"] for r in bundle["pool"] if r.get("link") == previous_ticket), None)
    if receipt is not None:
        if bundle is None:
            return mismatch("a receipt of the stage, but no bundle of the stage")
        out = check_receipt(receipt, bundle)
        if not out["matches"]:
            return mismatch(f"the receipt of the stage {out['outcome']}")
        link = receipt["record"].get("link")
        if link is None or link not in invitees_of(previous_bundle):
            return mismatch(f"the stage's record links to {link}, who is not an invitee of the previous stage")
        if previous_ticket is not None and link != previous_ticket:
            return mismatch(f"the two receipts are not one person's: the stage's record links to {link}, the "
                            f"previous receipt is ticket {previous_ticket}")
        outcome = {"selected": "selected", "alternate": "alternate", "not selected": "not_selected"}[out["outcome"]]
    return {"error_kind": None, "message": None, "invited": invited, "answered": answered, "outcome": outcome}
