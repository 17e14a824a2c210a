"""Reference implementation of kleroterion/v1, written from SPEC.md alone.

Pure Python 3.11, standard library only. It is slow and simple on purpose: every
function follows the text of the specification line by line, so that it can serve
as an independent cross-check of the Rust implementation and produce the test
vectors in tests/vectors/.

Section numbers in comments refer to SPEC.md.

Not implemented: BLS12-381 verification of drand signatures (section 6.4). A drand
source is encoded exactly (only SHA-256(signature) enters the seed), but `verify`
rejects a bundle with a drand source unless it is called with
`skip_drand_signatures=True`, in which case the signature is NOT checked.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from fractions import Fraction

SPEC_ID = "kleroterion/v1"
U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1
MASK32 = 0xFFFFFFFF
MASK64 = 2**64 - 1


class KleroterionError(Exception):
    """A typed protocol error (section 15). `kind` is the variant name."""

    def __init__(self, kind: str, message: str = ""):
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind = kind
        self.message = message


def _err(kind: str, message: str = "") -> KleroterionError:
    return KleroterionError(kind, message)


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
    """H(tag, m) = SHA-256( str("kleroterion/v1/" + tag) || m )."""
    return hashlib.sha256(enc_str("kleroterion/v1/" + tag) + m).digest()


# ---------------------------------------------------------------------------
# Section 3. Text rules
# ---------------------------------------------------------------------------

# kind -> (min bytes, max bytes)
TEXT_LIMITS = {
    "ticket": (1, 128),
    "feature": (1, 256),
    "value": (1, 256),
    "lottery_name": (1, 256),
    "label": (1, 256),
    "household": (1, 256),
    "title": (0, 4096),
    "date": (0, 4096),
    "witnesses": (0, 4096),
    "fallback": (0, 4096),
}


def text_problem(s, kind: str = "ticket"):
    """Return None when `s` is a valid text of that kind, else one of
    "not NFC", "control character", "too long", "empty", "not UTF-8", "not a text"."""
    if not isinstance(s, str):
        return "not a text"
    try:
        b = s.encode("utf-8")  # fails on lone surrogates: not valid UTF-8
    except UnicodeEncodeError:
        return "not UTF-8"
    lo, hi = TEXT_LIMITS[kind]
    if len(b) < lo:
        return "empty"
    if len(b) > hi:
        return "too long"
    for ch in s:
        c = ord(ch)
        if c <= 0x1F or c == 0x7F:
            return "control character"
    if not unicodedata.is_normalized("NFC", s):
        return "not NFC"
    return None


def check_text(s, kind: str, where: str = "") -> str:
    p = text_problem(s, kind)
    if p is not None:
        raise _err("InvalidText", f"{where or kind}: {p}")
    return s


# ---------------------------------------------------------------------------
# Section 4. Records and the Merkle tree (RFC 6962 / RFC 9162)
# ---------------------------------------------------------------------------

def parse_record(r: dict) -> tuple:
    if not isinstance(r, dict) or set(r) - {"ticket", "values", "household"} or "ticket" not in r \
            or "values" not in r:
        raise _err("InvalidText", "a record is {ticket, values, household}")
    ticket = check_text(r["ticket"], "ticket", "ticket")
    if not isinstance(r["values"], list):
        raise _err("WrongValueCount", "values must be a list")
    values = [check_text(v, "value", "value") for v in r["values"]]
    hh = r.get("household")
    if hh is not None:
        check_text(hh, "household", "household")
    return (ticket, values, hh)


def rec_bytes(rec) -> bytes:
    ticket, values, hh = rec
    return enc_str(ticket) + enc_list(enc_str, values) + enc_opt(enc_str, hh)


def leaf_hash(rec) -> bytes:
    return hashlib.sha256(b"\x00" + enc_str("kleroterion/v1/record") + rec_bytes(rec)).digest()


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
# Section 6. Recipe, reveal, canon(numbers), seed
# ---------------------------------------------------------------------------

_DEC_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def _hexbytes(h, where: str, length=None, err="InvalidReveal") -> bytes:
    if not isinstance(h, str) or len(h) % 2 != 0 or not re.fullmatch(r"[0-9a-fA-F]*", h):
        raise _err(err, f"{where}: not hex")
    b = bytes.fromhex(h)
    if length is not None and len(b) != length:
        raise _err(err, f"{where}: must be {length} bytes")
    return b


def canon_number(x) -> tuple:
    """Returns (exact value as Fraction, canonical text without the trailing period)."""
    if isinstance(x, bool):
        raise _err("InvalidReveal", "a number is a JSON integer or a decimal string")
    if isinstance(x, int):
        if x < 0:
            raise _err("InvalidReveal", "numbers are non-negative")
        return Fraction(x), str(x)
    if isinstance(x, str):
        if not _DEC_RE.match(x):
            raise _err("InvalidReveal", f"{x!r} is not digits[.digits]")
        if "." in x:
            ip, fp = x.split(".")
        else:
            ip, fp = x, ""
        ip = ip.lstrip("0") or "0"
        fp = fp.rstrip("0")
        text = ip + ("." + fp if fp else "")
        value = Fraction(int(ip)) + (Fraction(int(fp), 10 ** len(fp)) if fp else 0)
        return value, text
    raise _err("InvalidReveal", "a number is a JSON integer or a decimal string")


def canon(numbers) -> str:
    """RFC 3797 section 4 canonical form, as SPEC section 6.2 defines it."""
    items = [canon_number(x) for x in numbers]
    items.sort(key=lambda t: t[0])  # equal values have equal texts, so stability is irrelevant
    return "".join(t + "." for _, t in items)


def parse_recipe(rec) -> dict | None:
    if rec is None:
        return None
    if not isinstance(rec, dict) or set(rec) != {"sources", "fallback"}:
        raise _err("InvalidRecipe", "a recipe is {sources, fallback}")
    srcs = rec["sources"]
    if not isinstance(srcs, list) or not (1 <= len(srcs) <= 16):
        raise _err("InvalidRecipe", "a recipe has 1 to 16 sources")
    out = []
    for s in srcs:
        kind = s.get("kind") if isinstance(s, dict) else None
        if kind == "hex":
            _keys(s, {"kind", "label"}, "InvalidRecipe")
            out.append({"kind": "hex", "label": check_text(s["label"], "label")})
        elif kind == "lottery":
            _keys(s, {"kind", "name", "date"}, "InvalidRecipe")
            out.append({"kind": "lottery", "name": check_text(s["name"], "lottery_name"),
                        "date": check_text(s["date"], "date")})
        elif kind == "drand":
            _keys(s, {"kind", "chain", "round"}, "InvalidRecipe")
            rnd = s["round"]
            if not _is_int(rnd) or not (1 <= rnd <= U64_MAX):
                raise _err("InvalidRecipe", "drand round is a u64 >= 1")
            out.append({"kind": "drand", "chain": _hexbytes(s["chain"], "chain", 32, "InvalidRecipe"),
                        "round": rnd})
        elif kind == "dice":
            _keys(s, {"kind", "count", "faces", "witnesses"}, "InvalidRecipe")
            c, f = s["count"], s["faces"]
            if not _is_int(c) or not (1 <= c <= 1000) or not _is_int(f) or not (2 <= f <= 1000):
                raise _err("InvalidRecipe", "dice: count 1..=1000, faces 2..=1000")
            out.append({"kind": "dice", "count": c, "faces": f,
                        "witnesses": check_text(s["witnesses"], "witnesses")})
        else:
            raise _err("InvalidRecipe", f"unknown source kind {kind!r}")
    return {"sources": out, "fallback": check_text(rec["fallback"], "fallback")}


def source_spec_bytes(s: dict) -> bytes:
    k = s["kind"]
    if k == "hex":
        return enc_u8(0) + enc_str(s["label"])
    if k == "lottery":
        return enc_u8(1) + enc_str(s["name"]) + enc_str(s["date"])
    if k == "drand":
        return enc_u8(2) + enc_raw32(s["chain"]) + enc_u64(s["round"])
    if k == "dice":
        return enc_u8(3) + enc_u32(s["count"]) + enc_u32(s["faces"]) + enc_str(s["witnesses"])
    raise ValueError(k)


def recipe_bytes(r: dict) -> bytes:
    return enc_list(source_spec_bytes, r["sources"]) + enc_str(r["fallback"])


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _keys(d: dict, allowed: set, err: str, required: set | None = None):
    if set(d) - allowed:
        raise _err(err, f"unknown fields {sorted(set(d) - allowed)}")
    for k in (allowed if required is None else required):
        if k not in d:
            raise _err(err, f"missing field {k!r}")


def parse_reveal(rv) -> list:
    if not isinstance(rv, dict) or set(rv) != {"sources"} or not isinstance(rv["sources"], list):
        raise _err("InvalidReveal", "a reveal is {sources}")
    srcs = rv["sources"]
    if not (1 <= len(srcs) <= 16):
        raise _err("InvalidReveal", "a reveal has 1 to 16 sources")
    out = []
    for s in srcs:
        kind = s.get("kind") if isinstance(s, dict) else None
        if kind == "hex":
            _keys(s, {"kind", "value"}, "InvalidReveal")
            v = _hexbytes(s["value"], "hex value")
            if not (1 <= len(v) <= 1024):
                raise _err("InvalidReveal", "hex value is 1..=1024 bytes")
            out.append({"kind": "hex", "value": v})
        elif kind == "lottery":
            _keys(s, {"kind", "name", "numbers"}, "InvalidReveal")
            nums = s["numbers"]
            if not isinstance(nums, list) or not (1 <= len(nums) <= 64):
                raise _err("InvalidReveal", "lottery numbers: 1..=64 of them")
            c = canon(nums)
            out.append({"kind": "lottery", "name": check_text(s["name"], "lottery_name"),
                        "numbers": list(nums), "canon": c})
        elif kind == "drand":
            _keys(s, {"kind", "chain", "round", "signature", "previous_signature"}, "InvalidReveal",
                  {"kind", "chain", "round", "signature"})
            rnd = s["round"]
            if not _is_int(rnd) or not (1 <= rnd <= U64_MAX):
                raise _err("InvalidReveal", "drand round is a u64 >= 1")
            sig = _hexbytes(s["signature"], "signature")
            prev = s.get("previous_signature")
            prevb = _hexbytes(prev, "previous_signature") if prev is not None else None
            out.append({"kind": "drand", "chain": _hexbytes(s["chain"], "chain", 32), "round": rnd,
                        "signature": sig, "previous_signature": prevb,
                        "randomness": hashlib.sha256(sig).digest()})
        elif kind == "dice":
            _keys(s, {"kind", "values"}, "InvalidReveal")
            vals = s["values"]
            if not isinstance(vals, list) or not all(_is_int(v) and 0 <= v <= U32_MAX for v in vals):
                raise _err("InvalidReveal", "dice values are u32 integers")
            out.append({"kind": "dice", "values": list(vals)})
        else:
            raise _err("InvalidReveal", f"unknown source kind {kind!r}")
    return out


def source_val_bytes(s: dict) -> bytes:
    k = s["kind"]
    if k == "hex":
        return enc_u8(0) + enc_bytes(s["value"])
    if k == "lottery":
        return enc_u8(1) + enc_str(s["name"]) + enc_str(s["canon"])
    if k == "drand":
        return enc_u8(2) + enc_raw32(s["chain"]) + enc_u64(s["round"]) + enc_raw32(s["randomness"])
    if k == "dice":
        return enc_u8(3) + enc_list(enc_u32, s["values"])
    raise ValueError(k)


def reveal_bytes(sources: list) -> bytes:
    return enc_list(source_val_bytes, sources)


def match_reveal(recipe: dict | None, sources: list):
    """Section 6.2 matching (without BLS verification). Raises RevealMismatch."""
    if recipe is None:
        return
    rs = recipe["sources"]
    if len(rs) != len(sources):
        raise _err("RevealMismatch", f"the recipe has {len(rs)} sources, the reveal {len(sources)}")
    for i, (r, s) in enumerate(zip(rs, sources)):
        if r["kind"] != s["kind"]:
            raise _err("RevealMismatch", f"source {i + 1} is {s['kind']}, the recipe committed to {r['kind']}")
        if r["kind"] == "lottery" and r["name"] != s["name"]:
            raise _err("RevealMismatch",
                       f"the reveal's source {i + 1} is lottery {s['name']!r}, but the recipe committed to {r['name']!r}")
        if r["kind"] == "drand" and (r["chain"] != s["chain"] or r["round"] != s["round"]):
            raise _err("RevealMismatch", f"source {i + 1}: drand chain or round differs from the recipe")
        if r["kind"] == "dice":
            if len(s["values"]) != r["count"] or not all(1 <= v <= r["faces"] for v in s["values"]):
                raise _err("RevealMismatch",
                           f"source {i + 1}: needs {r['count']} dice values in 1..={r['faces']}")


def compute_seed(commitment: bytes, sources: list) -> bytes:
    return H("seed", enc_raw32(commitment) + reveal_bytes(sources))


def rfc3797_key(sources: list) -> str:
    """Section 6.5."""
    parts = []
    for s in sources:
        k = s["kind"]
        if k == "lottery":
            parts.append(s["canon"])
        elif k == "dice":
            parts.append(canon(s["values"]))
        elif k == "hex":
            parts.append(s["value"].hex())
        elif k == "drand":
            parts.append(s["randomness"].hex())
        parts.append("/")
    return "".join(parts)


# ---------------------------------------------------------------------------
# Section 5 and 9. Manifest, method, commitment
# ---------------------------------------------------------------------------

_TIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$")


def _valid_time(s: str) -> bool:
    m = _TIME_RE.match(s)
    if not m:
        return False
    y, mo, d, hh, mi, ss = (int(g) for g in m.groups())
    if not (1 <= mo <= 12) or hh > 23 or mi > 59 or ss > 59:
        return False
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]
    return 1 <= d <= days


def parse_method(m) -> dict:
    if not isinstance(m, dict) or "name" not in m:
        raise _err("InvalidMethod", "a method is {name, ...}")
    name = m["name"]
    if name == "uniform":
        _keys(m, {"name"}, "InvalidMethod")
        return {"name": "uniform"}
    if name == "stratified":
        _keys(m, {"name", "feature", "allocation"}, "InvalidMethod")
        al = m["allocation"]
        if not isinstance(al, dict):
            raise _err("InvalidAllocation", "allocation is an object")
        kind = al.get("kind")
        if kind == "explicit":
            _keys(al, {"kind", "counts"}, "InvalidAllocation")
            counts = al["counts"]
            if not isinstance(counts, list) or not all(_is_int(c) and 0 <= c <= U32_MAX for c in counts):
                raise _err("InvalidAllocation", "counts are u32")
            alloc = {"kind": "explicit", "counts": list(counts)}
        elif kind in ("largest_remainder", "sainte_lague"):
            _keys(al, {"kind"}, "InvalidAllocation")
            alloc = {"kind": kind}
        else:
            raise _err("InvalidAllocation", f"unknown allocation {kind!r}")
        return {"name": "stratified", "feature": check_text(m["feature"], "feature"), "allocation": alloc}
    if name == "greedy":
        _keys(m, {"name", "max_attempts"}, "InvalidMethod")
        a = m["max_attempts"]
        if not _is_int(a) or not (1 <= a <= 1000):
            raise _err("InvalidMethod", "max_attempts is 1..=1000")
        return {"name": "greedy", "max_attempts": a}
    if name == "lottery":
        _keys(m, {"name", "portfolio"}, "InvalidMethod")
        pf = m["portfolio"]
        if not isinstance(pf, list) or not all(isinstance(p, list) and all(_is_int(i) and 0 <= i <= U32_MAX for i in p) for p in pf):
            raise _err("InvalidPortfolio", "the portfolio is a list of lists of u32")
        return {"name": "lottery", "portfolio": [list(p) for p in pf]}
    if name == "rfc3797":
        _keys(m, {"name"}, "InvalidMethod")
        return {"name": "rfc3797"}
    raise _err("InvalidMethod", f"unknown method {name!r}")


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
    raise ValueError(name)


MANIFEST_FIELDS = {"spec", "title", "announced_at", "method", "panel_size", "alternates",
                   "household_rule", "features", "pool", "randomness"}


def parse_manifest(d) -> dict:
    """Parses the JSON manifest (section 14) and checks section 5.1 except the
    parts of the lottery portfolio rules that need the pool (done in check_portfolio)."""
    if not isinstance(d, dict):
        raise _err("UnsupportedSpec", "the manifest is a JSON object")
    unknown = set(d) - MANIFEST_FIELDS
    if unknown:
        raise _err("InvalidMethod", f"unknown manifest fields {sorted(unknown)}")
    if d.get("spec") != SPEC_ID:
        raise _err("UnsupportedSpec", f"this manifest uses protocol {d.get('spec')!r}")
    title = check_text(d["title"], "title", "title")
    ann = d.get("announced_at")
    if ann is not None:
        check_text(ann, "date", "announced_at")
    method = parse_method(d["method"])
    k, A = d["panel_size"], d["alternates"]
    if not _is_int(k) or not (0 <= k <= U32_MAX):
        raise _err("PanelSize", "panel_size is a u32")
    if not _is_int(A) or not (0 <= A <= U32_MAX):
        raise _err("PanelSize", "alternates is a u32")
    hr = d["household_rule"]
    if not isinstance(hr, bool):
        raise _err("HouseholdRuleNotSupported", "household_rule is a boolean")
    features = []
    for f in d["features"]:
        _keys(f, {"name", "values"}, "NoValues")
        vals = []
        for v in f["values"]:
            _keys(v, {"value", "min", "max"}, "NoValues")
            mn, mx = v["min"], v["max"]
            if not (_is_int(mn) and _is_int(mx) and 0 <= mn <= U32_MAX and 0 <= mx <= U32_MAX):
                raise _err("QuotaMinAboveMax", "quotas are u32")
            vals.append({"value": check_text(v["value"], "value", "value name"), "min": mn, "max": mx})
        features.append({"name": check_text(f["name"], "feature", "feature name"), "values": vals})
    pool = d["pool"]
    _keys(pool, {"root", "count"}, "PoolRootMismatch")
    root = _hexbytes(pool["root"], "pool root", 32, "PoolRootMismatch")
    n = pool["count"]
    if not _is_int(n) or not (0 <= n <= U32_MAX):
        raise _err("EmptyPool", "pool count is a u32")
    recipe = parse_recipe(d.get("randomness"))
    M = {"spec": SPEC_ID, "title": title, "announced_at": ann, "method": method, "panel_size": k,
         "alternates": A, "household_rule": hr, "features": features, "pool_root": root,
         "pool_count": n, "randomness": recipe}
    validate_manifest(M)
    return M


def validate_manifest(M: dict):
    n, k = M["pool_count"], M["panel_size"]
    if n < 1:
        raise _err("EmptyPool", "the pool has no record")
    if not (1 <= k <= n):
        raise _err("PanelSize", f"panel_size {k} must be in 1..={n}")
    names = [f["name"] for f in M["features"]]
    if len(set(names)) != len(names):
        raise _err("DuplicateName", "feature names are unique")
    for f in M["features"]:
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
    meth = M["method"]
    if M["household_rule"] and meth["name"] not in ("greedy", "lottery"):
        raise _err("HouseholdRuleNotSupported", f"method {meth['name']}")
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
    if M["announced_at"] is not None and not _valid_time(M["announced_at"]):
        raise _err("InvalidTime", M["announced_at"])


def manifest_bytes(M: dict) -> bytes:
    feature = lambda f: enc_str(f["name"]) + enc_list(
        lambda v: enc_str(v["value"]) + enc_u32(v["min"]) + enc_u32(v["max"]), f["values"])
    return (enc_str(M["spec"]) + enc_str(M["title"]) + enc_opt(enc_str, M["announced_at"])
            + method_bytes(M["method"]) + enc_u32(M["panel_size"]) + enc_u32(M["alternates"])
            + enc_bool(M["household_rule"]) + enc_list(feature, M["features"])
            + enc_raw32(M["pool_root"]) + enc_u32(M["pool_count"])
            + enc_opt(recipe_bytes, M["randomness"]))


def commitment(M: dict) -> bytes:
    return H("manifest", manifest_bytes(M))


def parse_pool(M: dict, records_json: list) -> list:
    """Section 5.2."""
    recs = [parse_record(r) for r in records_json]
    if len(recs) != M["pool_count"] or len(recs) == 0:
        raise _err("PoolRootMismatch", f"{len(recs)} records, the manifest says {M['pool_count']}")
    if mth([leaf_hash(r) for r in recs]) != M["pool_root"]:
        raise _err("PoolRootMismatch", "the pool records do not match the committed pool root")
    seen = set()
    for r in recs:
        if r[0] in seen:
            raise _err("DuplicateTicket", r[0])
        seen.add(r[0])
    for r in recs:
        if len(r[1]) != len(M["features"]):
            raise _err("WrongValueCount", f"ticket {r[0]}")
        for f, v in zip(M["features"], r[1]):
            if v not in [x["value"] for x in f["values"]]:
                raise _err("UnknownValue", f"ticket {r[0]}: {f['name']}={v}")
    return recs


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

    def __init__(self, key: bytes):
        assert len(key) == 32
        self.key = key
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
    return Stream(stream_key(seed, purpose, index))


# ---------------------------------------------------------------------------
# Section 8. Integer sampling
# ---------------------------------------------------------------------------

def uniform(st: Stream, n: int) -> int:
    if not (1 <= n <= U64_MAX):
        raise ValueError("uniform(n) needs 1 <= n < 2^64")
    t = ((-n) % 2**64) % n
    while True:
        x = st.next_u64()
        m = x * n
        if (m & MASK64) >= t:
            return m >> 64


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
    inR = [True] * len(recs)
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


def rfc3797_picks(key: str, n: int, count: int, with_hashes: bool = False):
    remaining = list(range(n))
    picks, hashes = [], []
    kb = key.encode("utf-8")
    for i in range(count):
        h = hashlib.md5(enc_u16(i) + kb + enc_u16(i)).digest()
        v = int.from_bytes(h, "big")
        pos = v % len(remaining)
        picks.append(remaining.pop(pos))
        hashes.append(h)
    return (picks, hashes) if with_hashes else picks


def quota_report(M, recs, panel: list) -> list:
    """Returns the list of broken quotas/household rule as texts (empty if all met)."""
    out = []
    vi = _feature_value_indices(M, recs)
    for f, feat in enumerate(M["features"]):
        for v, val in enumerate(feat["values"]):
            c = sum(1 for p in panel if vi[p][f] == v)
            if c < val["min"]:
                out.append(f"{feat['name']}={val['value']} (min {val['min']}, has {c})")
            if c > val["max"]:
                out.append(f"{feat['name']}={val['value']} (max {val['max']}, has {c})")
    if M["household_rule"]:
        seen = {}
        for p in panel:
            h = recs[p][2]
            if h is None:
                continue
            if h in seen:
                out.append(f"household {h!r} (tickets {recs[seen[h]][0]} and {recs[p][0]})")
            else:
                seen[h] = p
    return out


def quota_violation(M, vi, panel: list) -> int:
    total = 0
    for f, feat in enumerate(M["features"]):
        for v, val in enumerate(feat["values"]):
            c = sum(1 for p in panel if vi[p][f] == v)
            total += max(0, val["min"] - c) + max(0, c - val["max"])
    return total


def check_portfolio(M, recs):
    """Section 9.4 rules needing the pool: quotas and the household rule."""
    for j, p in enumerate(M["method"]["portfolio"]):
        broken = quota_report(M, recs, p)
        if broken:
            raise _err("InvalidPortfolio", f"panel {j} of the portfolio breaks {broken[0]}")


def alternates_candidates(M, recs, selected) -> list:
    sel = set(selected)
    hh = {recs[i][2] for i in selected if recs[i][2] is not None} if M["household_rule"] else set()
    return [i for i in range(len(recs)) if i not in sel and not (recs[i][2] is not None and recs[i][2] in hh)]


def replacement_order(M, recs, seed, selected) -> list:
    C = alternates_candidates(M, recs, selected)
    P = LazyPermutation(stream_for(seed, "alternates", 0), len(C)).take(len(C))
    return [C[p] for p in P]


def run_draw(M: dict, recs: list, sources: list, seed: bytes) -> dict:
    """Returns {"selected": [indices], "alternates": [indices], "info": {...}}."""
    name = M["method"]["name"]
    n, k, A = len(recs), M["panel_size"], M["alternates"]
    info: dict = {}
    if name == "rfc3797":
        key = rfc3797_key(sources)
        info["rfc3797_key"] = key
        picks = rfc3797_picks(key, n, k + min(A, n - k))
        return {"selected": picks[:k], "alternates": picks[k:], "info": info}
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
    else:
        raise ValueError(name)
    C = alternates_candidates(M, recs, selected)
    P = LazyPermutation(stream_for(seed, "alternates", 0), len(C)).take(min(A, len(C)))
    return {"selected": selected, "alternates": [C[p] for p in P], "info": info}


# ---------------------------------------------------------------------------
# Section 11. Result and transcript
# ---------------------------------------------------------------------------

def result_bytes(selected, alternates) -> bytes:
    return enc_list(enc_u32, selected) + enc_list(enc_u32, alternates)


def transcript(commit: bytes, seed: bytes, selected, alternates) -> bytes:
    return H("transcript", enc_raw32(commit) + enc_raw32(seed) + result_bytes(selected, alternates))


def prepare(manifest_json, pool_json, reveal_json) -> dict:
    """Parses and validates the inputs of a draw; returns the parsed objects and the
    commitment and seed. Does not verify drand signatures."""
    M = parse_manifest(manifest_json)
    recs = parse_pool(M, pool_json)
    if M["method"]["name"] == "lottery":
        check_portfolio(M, recs)
    sources = parse_reveal(reveal_json)
    match_reveal(M["randomness"], sources)
    c = commitment(M)
    seed = compute_seed(c, sources)
    return {"M": M, "recs": recs, "sources": sources, "commitment": c, "seed": seed}


def draw(manifest_json, pool_json, reveal_json) -> dict:
    """Runs a whole draw. Raises KleroterionError (DrawFailed included)."""
    p = prepare(manifest_json, pool_json, reveal_json)
    r = run_draw(p["M"], p["recs"], p["sources"], p["seed"])
    t = transcript(p["commitment"], p["seed"], r["selected"], r["alternates"])
    p.update(r)
    p["transcript"] = t
    return p


def make_bundle(manifest_json, pool_json, reveal_json) -> dict:
    d = draw(manifest_json, pool_json, reveal_json)
    recs = d["recs"]
    return {"format": "kleroterion-bundle", "spec": SPEC_ID, "manifest": manifest_json,
            "commitment": d["commitment"].hex(), "pool": pool_json, "reveal": reveal_json,
            "seed": d["seed"].hex(),
            "result": {"selected": [recs[i][0] for i in d["selected"]],
                       "alternates": [recs[i][0] for i in d["alternates"]]},
            "transcript": d["transcript"].hex()}


# ---------------------------------------------------------------------------
# Section 10.2. Replacements
# ---------------------------------------------------------------------------

def replace(manifest_json, pool_json, reveal_json, published_transcript: bytes | None,
            dropped_tickets: list) -> dict:
    """Section 10.2. Returns {"dropped", "replacements", "panel", "broken_quotas", "hash"}
    with tickets (None for an empty seat / no replacement)."""
    d = draw(manifest_json, pool_json, reveal_json)
    M, recs, seed = d["M"], d["recs"], d["seed"]
    tr = d["transcript"] if published_transcript is None else published_transcript
    idx = {r[0]: i for i, r in enumerate(recs)}
    D = []
    for t in dropped_tickets:
        if t not in idx:
            raise _err("UnknownTicket", t)
        if idx[t] in D:
            raise _err("DuplicateTicket", t)
        D.append(idx[t])
    unavailable = set(D)
    name = M["method"]["name"]
    vi = _feature_value_indices(M, recs)
    panel = list(d["selected"])
    if name == "rfc3797":
        order = list(d["alternates"])
    else:
        order = replacement_order(M, recs, seed, d["selected"])
    if name == "stratified":
        fi = [f["name"] for f in M["features"]].index(M["method"]["feature"])
    repl = []
    broken: list = []
    for dd in D:
        if dd not in panel:
            repl.append(None)
            continue
        pos = panel.index(dd)
        cands = [c for c in order if c not in unavailable and c not in panel]
        chosen = None
        if name in ("rfc3797", "uniform"):
            chosen = cands[0] if cands else None
        elif name == "stratified":
            same = [c for c in cands if vi[c][fi] == vi[dd][fi]]
            chosen = same[0] if same else None
        else:
            others = [p for p in panel if p != dd]

            def keeps_household(c):
                if not M["household_rule"] or recs[c][2] is None:
                    return True
                return all(recs[p][2] != recs[c][2] for p in others)

            def with_c(c):
                q = list(panel)
                q[pos] = c
                return q

            for c in cands:
                if keeps_household(c) and quota_violation(M, vi, with_c(c)) == 0:
                    chosen = c
                    break
            if chosen is None:
                best_v = None
                for c in cands:
                    if not keeps_household(c):
                        continue
                    v = quota_violation(M, vi, with_c(c))
                    if best_v is None or v < best_v:
                        best_v, chosen = v, c
        if chosen is None:
            panel.pop(pos)
        else:
            panel[pos] = chosen
        repl.append(chosen)
    if name in ("greedy", "lottery"):
        broken = quota_report(M, recs, panel)
    h = H("replacement", enc_raw32(tr) + enc_list(enc_u32, D)
          + enc_list(lambda x: enc_opt(enc_u32, x), repl))
    return {"dropped": [recs[i][0] for i in D],
            "replacements": [recs[i][0] if i is not None else None for i in repl],
            "panel": [recs[i][0] for i in panel], "broken_quotas": broken, "hash": h}


# ---------------------------------------------------------------------------
# Section 12. Verification
# ---------------------------------------------------------------------------

STEPS = ["format", "manifest", "pool", "portfolio", "randomness", "seed", "draw", "quotas", "transcript"]


def verify(bundle: dict, skip_drand_signatures: bool = False) -> list:
    """Returns the list of section 12 steps, each
    {"step": id, "status": "passed"|"failed"|"not checked"|"not applicable", "message": text}.
    The "quotas" step passes with an informative message for uniform, stratified and rfc3797."""
    steps = []
    state = {"failed": False}

    def run(step, fn):
        if state["failed"]:
            steps.append({"step": step, "status": "not checked", "message": ""})
            return None
        try:
            res = fn()
        except KleroterionError as e:
            state["failed"] = True
            steps.append({"step": step, "status": "failed", "message": str(e), "error": e.kind})
            return None
        except (KeyError, TypeError, ValueError) as e:
            state["failed"] = True
            steps.append({"step": step, "status": "failed", "message": f"malformed: {e!r}"})
            return None
        if isinstance(res, tuple) and res and res[0] == "n/a":
            steps.append({"step": step, "status": "not applicable", "message": res[1]})
            return None
        msg = res[1] if isinstance(res, tuple) and len(res) == 2 and isinstance(res[1], str) else ""
        steps.append({"step": step, "status": "passed", "message": msg})
        return res

    ctx: dict = {}

    def s_format():
        allowed = {"format", "spec", "manifest", "commitment", "pool", "reveal", "seed", "result", "transcript"}
        if not isinstance(bundle, dict) or bundle.get("format") != "kleroterion-bundle":
            raise _err("UnsupportedSpec", "this is not a kleroterion bundle")
        if bundle.get("spec") != SPEC_ID:
            raise _err("UnsupportedSpec",
                       f"this bundle uses protocol {bundle.get('spec')}, which this verifier does not know")
        if set(bundle) != allowed:
            raise _err("UnsupportedSpec", f"bundle fields must be exactly {sorted(allowed)}")
        return ("ok", "")

    def s_manifest():
        M = parse_manifest(bundle["manifest"])
        c = commitment(M)
        pub = _hexbytes(bundle["commitment"], "commitment", 32, "UnsupportedSpec")
        if c != pub:
            raise _err("ManifestMismatch",
                       f"the manifest does not hash to the published commitment (recomputed {c.hex()}, published {pub.hex()})")
        ctx["M"], ctx["c"] = M, c
        return ("ok", "")

    def s_pool():
        ctx["recs"] = parse_pool(ctx["M"], bundle["pool"])
        return ("ok", "")

    def s_portfolio():
        if ctx["M"]["method"]["name"] != "lottery":
            return ("n/a", "not a lottery draw")
        check_portfolio(ctx["M"], ctx["recs"])
        return ("ok", "")

    def s_randomness():
        sources = parse_reveal(bundle["reveal"])
        match_reveal(ctx["M"]["randomness"], sources)
        notes = []
        if any(s["kind"] == "drand" for s in sources):
            if not skip_drand_signatures:
                raise _err("DrandSignature", "this reference verifier does not implement BLS12-381; "
                                             "a drand source is rejected rather than skipped")
            notes.append("drand signatures were NOT checked (skipped on request)")
        if ctx["M"]["randomness"] is None:
            notes.append("the randomness was not committed in advance (no recipe)")
        if any(s["kind"] == "hex" for s in sources):
            notes.append("a hex source is not public randomness")
        ctx["sources"] = sources
        return ("ok", "; ".join(notes))

    def s_seed():
        seed = compute_seed(ctx["c"], ctx["sources"])
        pub = _hexbytes(bundle["seed"], "seed", 32, "SeedMismatch")
        if seed != pub:
            raise _err("SeedMismatch", "the seed does not follow from the published randomness")
        ctx["seed"] = seed
        return ("ok", "")

    def s_draw():
        M, recs = ctx["M"], ctx["recs"]
        r = run_draw(M, recs, ctx["sources"], ctx["seed"])
        idx = {rec[0]: i for i, rec in enumerate(recs)}
        res = bundle["result"]
        if not isinstance(res, dict) or set(res) != {"selected", "alternates"}:
            raise _err("DrawMismatch", "the result is {selected, alternates}")
        for t in list(res["selected"]) + list(res["alternates"]):
            if t not in idx:
                raise _err("UnknownTicket", f"ticket {t} is not in the committed pool")
        for label, mine, theirs in (("selected", r["selected"], res["selected"]),
                                    ("alternates", r["alternates"], res["alternates"])):
            for pos in range(max(len(mine), len(theirs))):
                a = recs[mine[pos]][0] if pos < len(mine) else None
                b = theirs[pos] if pos < len(theirs) else None
                if a != b:
                    raise _err("DrawMismatch",
                               f"the draw gives ticket {a} at {label} position {pos + 1}, but the bundle says {b}")
        ctx["r"] = r
        return ("ok", "")

    def s_quotas():
        M = ctx["M"]
        broken = quota_report(M, ctx["recs"], ctx["r"]["selected"])
        if broken:
            if M["method"]["name"] in ("greedy", "lottery"):
                raise _err("QuotaBroken", "the panel breaks " + "; ".join(broken))
            return ("ok", "informative: the panel misses " + "; ".join(broken))
        return ("ok", "")

    def s_transcript():
        r = ctx["r"]
        t = transcript(ctx["c"], ctx["seed"], r["selected"], r["alternates"])
        pub = _hexbytes(bundle["transcript"], "transcript", 32, "TranscriptMismatch")
        if t != pub:
            raise _err("TranscriptMismatch", "the transcript hash does not match the result")
        return ("ok", "")

    for step, fn in zip(STEPS, [s_format, s_manifest, s_pool, s_portfolio, s_randomness, s_seed,
                                s_draw, s_quotas, s_transcript]):
        run(step, fn)
    return steps


def bundle_valid(steps: list) -> bool:
    return all(s["status"] in ("passed", "not applicable") for s in steps)


# ---------------------------------------------------------------------------
# Section 13. Receipts
# ---------------------------------------------------------------------------

def make_receipt(bundle: dict, index: int) -> dict:
    M = parse_manifest(bundle["manifest"])
    recs = parse_pool(M, bundle["pool"])
    leaves = [leaf_hash(r) for r in recs]
    return {"format": "kleroterion-receipt", "spec": SPEC_ID, "commitment": bundle["commitment"],
            "pool_root": M["pool_root"].hex(), "pool_count": M["pool_count"], "index": index,
            "record": bundle["pool"][index], "proof": [p.hex() for p in audit_path(index, leaves)]}


def check_receipt(receipt: dict, bundle: dict) -> dict:
    M = parse_manifest(bundle["manifest"])
    bad = {"matches": False, "outcome": "does not match this draw"}
    if (receipt["commitment"].lower() != bundle["commitment"].lower()
            or bytes.fromhex(receipt["pool_root"]) != M["pool_root"]
            or receipt["pool_count"] != M["pool_count"]):
        return bad
    rec = parse_record(receipt["record"])
    if not verify_inclusion(leaf_hash(rec), receipt["index"], receipt["pool_count"],
                            [bytes.fromhex(p) for p in receipt["proof"]], M["pool_root"]):
        return bad
    if parse_record(bundle["pool"][receipt["index"]]) != rec:
        return bad
    t = rec[0]
    res = bundle["result"]
    if t in res["selected"]:
        return {"matches": True, "outcome": "selected", "position": res["selected"].index(t) + 1}
    if t in res["alternates"]:
        return {"matches": True, "outcome": "alternate", "number": res["alternates"].index(t) + 1}
    return {"matches": True, "outcome": "not selected"}
