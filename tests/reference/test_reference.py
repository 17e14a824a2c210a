"""Tests of the reference implementation and of the vector files.

Run with pytest, or directly: python3 tests/reference/test_reference.py
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import itertools
import json
import math
import os
import sys
import unicodedata
import zoneinfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import kleroterion_ref as k  # noqa: E402
import make_vectors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
VEC = os.path.join(ROOT, "tests", "vectors")
RFC3797 = os.path.join(ROOT, "tests", "data", "rfc3797")


def load(name):
    with open(os.path.join(VEC, name), encoding="utf-8") as fh:
        return json.load(fh)


def cases(v, key: str) -> list:
    """The cases of a list of vectors, which must not be empty (so that a vector file that lost
    its cases cannot pass silently)."""
    items = v[key]
    assert isinstance(items, list) and items, f"the list {key!r} is empty"
    return items


def hx(s: str) -> bytes:
    return bytes.fromhex(s.replace(" ", "").replace("\n", ""))


def raises(kind: str, fn, *args):
    try:
        fn(*args)
    except k.KleroterionError as e:
        assert e.kind == kind, (kind, e)
    else:
        raise AssertionError(f"expected {kind}")


# ---------------------------------------------------------------------------
# RFC 8439 known answers
# ---------------------------------------------------------------------------

def test_chacha20_quarter_round_rfc8439_2_1_1():
    s = [0] * 16
    s[0], s[1], s[2], s[3] = 0x11111111, 0x01020304, 0x9B8D6F43, 0x01234567
    k._qr(s, 0, 1, 2, 3)
    assert s[:4] == [0xEA2A92F4, 0xCB1CF8CE, 0x4581472E, 0x5881C4BB]


def test_chacha20_block_rfc8439_2_3_2():
    key = bytes(range(32))
    nonce = hx("000000090000004a00000000")
    expected = hx("""10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4
        c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e
        d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2
        b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e""")
    assert k.chacha20_block(key, 1, nonce) == expected


def test_chacha20_encrypt_rfc8439_2_4_2():
    key = bytes(range(32))
    nonce = hx("000000000000004a00000000")
    pt = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
          b"the future, sunscreen would be it.")
    expected = hx("""6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81
        e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b
        f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57
        16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8
        07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e
        52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36
        5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42
        87 4d""")
    assert k.chacha20_encrypt(key, 1, nonce, pt) == expected


RFC8439_A1 = [
    # (key, counter, nonce, keystream block)
    (bytes(32), 0, bytes(12), """76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28
        bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7 da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37
        6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86"""),
    (bytes(32), 1, bytes(12), """9f 07 e7 be 55 51 38 7a 98 ba 97 7c 73 2d 08 0d
        cb 0f 29 a0 48 e3 65 69 12 c6 53 3e 32 ee 7a ed 29 b7 21 76 9c e6 4e 43 d5 71 33 b0 74 d8 39 d5
        31 ed 1f 28 51 0a fb 45 ac e1 0a 1f 4b 79 4d 6f"""),
    (bytes(31) + b"\x01", 1, bytes(12), """3a eb 52 24 ec f8 49 92 9b 9d 82 8d b1 ce d4 dd
        83 20 25 e8 01 8b 81 60 b8 22 84 f3 c9 49 aa 5a 8e ca 00 bb b4 a7 3b da d1 92 b5 c4 2f 73 f2 fd
        4e 27 36 44 c8 b3 61 25 a6 4a dd eb 00 6c 13 a0"""),
    (b"\x00\xff" + bytes(30), 2, bytes(12), """72 d5 4d fb f1 2e c4 4b 36 26 92 df 94 13 7f 32
        8f ea 8d a7 39 90 26 5e c1 bb be a1 ae 9a f0 ca 13 b2 5a a2 6c b4 a6 48 cb 9b 9d 1b e6 5b 2c 09
        24 a6 6c 54 d5 45 ec 1b 73 74 f4 87 2e 99 f0 96"""),
    (bytes(32), 0, bytes(11) + b"\x02", """c2 c6 4d 37 8c d5 36 37 4a e2 04 b9 ef 93 3f cd
        1a 8b 22 88 b3 df a4 96 72 ab 76 5b 54 ee 27 c7 8a 97 0e 0e 95 5c 14 f3 a8 8e 74 1b 97 c2 86 f7
        5f 8f c2 99 e8 14 83 62 fa 19 8a 39 53 1b ed 6d"""),
]


def test_chacha20_block_rfc8439_appendix_a1():
    for key, counter, nonce, block in RFC8439_A1:
        assert k.chacha20_block(key, counter, nonce) == hx(block)


def test_stream_words_are_keystream_le():
    # The stream with key 0 is A.1 test vector #1 then #2, read as LE u32, lo | hi << 32.
    st = k.Stream(bytes(32))
    ks = hx(RFC8439_A1[0][3]) + hx(RFC8439_A1[1][3])
    for i in range(16):
        lo = int.from_bytes(ks[8 * i:8 * i + 4], "little")
        hi = int.from_bytes(ks[8 * i + 4:8 * i + 8], "little")
        assert st.next_u64() == lo | (hi << 32)
    assert int.from_bytes(hx("76b8e0ada0f13d90"), "little") == 0x903DF1A0ADE0B876
    assert k.Stream(bytes(32)).next_u64() == 0x903DF1A0ADE0B876


# ---------------------------------------------------------------------------
# RFC 3797 worked example
# ---------------------------------------------------------------------------

def _rfc3797_data():
    with open(os.path.join(RFC3797, "ref.names"), encoding="utf-8") as fh:
        names = fh.read().split()
    with open(os.path.join(RFC3797, "ref.seeds"), encoding="utf-8") as fh:
        seeds = [ln.split() for ln in fh.read().splitlines() if ln.strip() and not ln.startswith("#")]
    results = []
    with open(os.path.join(RFC3797, "ref.results"), encoding="utf-8") as fh:
        for ln in fh.read().splitlines()[1:]:
            parts = ln.replace("->", " ").replace("<-", " ").split()
            if parts:
                results.append((int(parts[0]), parts[1].lower(), int(parts[2]), int(parts[3])))
    return names, seeds, results


def test_rfc3797_worked_example():
    names, seeds, results = _rfc3797_data()
    assert len(names) == 25 and len(seeds) == 3 and len(results) == 16
    reveal = {"sources": [{"kind": "lottery", "lottery": f"source {i + 1}", "main": [int(x) for x in s],
                           "bonus": []} for i, s in enumerate(seeds)]}
    sources = k.parse_reveal(reveal)
    key = k.rfc3797_key(sources)
    assert key == "9319./2.5.8.10.12./9.18.26.34.41.45./"
    picks, hashes = k.rfc3797_picks(key, 25, 16, with_hashes=True)
    for (num, md5hex, div, sel), p, h in zip(results, picks, hashes):
        assert h.hex() == md5hex, num
        assert 25 - (num - 1) == div
        assert p + 1 == sel, num
    assert [names[p] for p in picks[:11]] == ["Lee", "Doc", "Mary", "Charity", "Kasczynski", "Envy",
                                            "Sneazy", "Anger", "Chastity", "Pandora", "Sloth"]
    # The same with dice sources gives the same key (canon(values) of section 6.5).
    dice = k.parse_reveal({"sources": [{"kind": "dice", "values": [int(x) for x in s]} for s in seeds]})
    assert k.rfc3797_key(dice) == key
    # A lottery's bonus groups follow its main numbers, each sorted on its own.
    one = k.parse_reveal({"sources": [{"kind": "lottery", "lottery": "x", "main": [12, 2, 5, 8, 10],
                                       "bonus": [[9319], [45, 9]]}]})
    assert k.rfc3797_key(one) == "2.5.8.10.12.9319.9.45./"


# ---------------------------------------------------------------------------
# Encoding and text rules
# ---------------------------------------------------------------------------

def test_canon_numbers():
    assert k.canon([7, 18, 28, 40, 48, 8, 11]) == "7.8.11.18.28.40.48."
    assert k.canon([0, 10, 9]) == "0.9.10."
    assert k.canon([5, 5, 1]) == "1.5.5."
    assert k.canon([]) == ""


def test_text_rules():
    assert k.text_problem("Pérols") is None
    assert k.text_problem("Pe\u0301rols") == "not NFC"
    assert k.text_problem("a\u0085b") == "control character"
    assert k.text_problem("a\u00a0b") is None
    assert k.text_problem("a\u202eb") == "bidirectional formatting character"
    assert k.text_problem("a\u2065b") == "unassigned code point"
    assert k.text_problem("\U000113c2") == "unassigned code point"
    assert k.text_problem("x" * 128) is None
    assert k.text_problem("x" * 129) == "too long"
    assert k.text_problem("x" * 256, "name") is None
    assert k.text_problem("x" * 257, "name") == "too long"
    assert k.text_problem("x" * 4096, "free") is None
    assert k.text_problem("", "free") is None
    assert k.text_problem("") == "empty"
    assert k.text_problem("", "name") == "empty"
    assert k.text_problem("\ud800") == "not UTF-8"
    assert k.text_problem(7) == "not a text"
    # Section 3's order: length, control, bidi, unassigned, NFC.
    assert k.text_problem("\u202e" * 43) == "too long"
    assert k.text_problem("\u202e\u0001") == "control character"
    assert k.text_problem("\u0378\u202e") == "bidirectional formatting character"
    assert k.text_problem("e\u0301\u0378") == "unassigned code point"


def test_bidi_and_control_sets():
    assert sorted(k.BIDI_FORMATTING) == [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                         0x2066, 0x2067, 0x2068, 0x2069]
    assert [cp for cp in range(0x200) if k.is_control(cp)] == list(range(0x20)) + list(range(0x7F, 0xA0))
    # Every bidirectional formatting character is a format character (Cf) of Unicode 14.0.0.
    assert all(unicodedata.category(chr(cp)) == "Cf" for cp in k.BIDI_FORMATTING)


def test_unicode_assigned_list_cross_check():
    """unicodedata's Cn (Python 3.11 has Unicode 14.0.0) and tests/vectors/unicode-14.0.0-assigned.txt
    say the same for every code point (surrogates aside, which no UTF-8 text holds)."""
    assert unicodedata.unidata_version == "14.0.0"
    ranges = k.load_assigned_ranges()
    with open(k.ASSIGNED_LIST, encoding="utf-8") as fh:
        declared = [ln for ln in fh if ln.startswith("# Ranges:")]
    assert declared == [f"# Ranges: {len(ranges)}\n"]
    assert ranges == sorted(ranges)
    assert all(a[1] + 1 < b[0] for a, b in zip(ranges, ranges[1:])), "ranges are disjoint and maximal"
    assigned = bytearray(0x110000)
    for first, last in ranges:
        assert first <= last
        for cp in range(first, last + 1):
            assigned[cp] = 1
    from_list = k._unassigned_from_list()
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            assert not assigned[cp]
            continue
        ch = chr(cp)
        cn = unicodedata.category(ch) == "Cn"
        assert cn == (not assigned[cp]), hex(cp)
        assert k.is_unassigned(ch) == cn
    for cp in (0x0378, 0x113C2, 0xFFFF, 0xFDD0, 0x10FFFF, 0x41, 0x1FAE7, 0x061D):
        assert from_list(chr(cp)) == (unicodedata.category(chr(cp)) == "Cn"), hex(cp)
    noncharacters = [cp for cp in range(0x110000) if 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE]
    assert len(noncharacters) == 66 and not any(assigned[cp] for cp in noncharacters)


def test_encoding_primitives():
    assert k.enc_str("é") == b"\x00\x00\x00\x02\xc3\xa9"
    assert k.enc_opt(k.enc_u32, None) == b"\x00"
    assert k.enc_opt(k.enc_u32, 1) == b"\x01\x00\x00\x00\x01"
    assert k.enc_list(k.enc_u32, [1, 2]) == bytes.fromhex("00000002" "00000001" "00000002")
    tag = b"kleroterion/v2/seed"
    assert k.H("seed", b"x") == hashlib.sha256(len(tag).to_bytes(4, "big") + tag + b"x").digest()


def test_recipe_bytes():
    r = k.parse_recipe({"sources": [
        {"kind": "lottery", "lottery": "L", "date": "2026-12-01", "draw_at": "2026-12-01T18:00:00Z",
         "format": {"main": {"name": "n", "count": 2, "min": 1, "max": 9},
                    "bonus": [{"name": "b", "count": 1, "min": 1, "max": 9, "from_main_drum": True}]}}],
        "fallback": "next_value"})
    expected = (b"\x00\x00\x00\x01" + b"\x01" + k.enc_str("L") + k.enc_str("2026-12-01")
                + b"\x01" + k.enc_str("n") + k.enc_u32(2) + k.enc_u32(1) + k.enc_u32(9) + b"\x00"
                + k.enc_u32(1) + k.enc_str("b") + k.enc_u32(1) + k.enc_u32(1) + k.enc_u32(9) + b"\x01"
                + b"\x01" + k.enc_str("2026-12-01T18:00:00Z")
                + b"\x00")
    assert k.recipe_bytes(r) == expected


def test_lottery_value_bytes():
    s = k.parse_reveal({"sources": [{"kind": "lottery", "lottery": "L", "main": [3, 1, 2],
                                     "bonus": [[9, 8], [7]]}]})[0]
    assert k.source_val_bytes(s) == (b"\x01" + k.enc_str("L") + k.enc_list(k.enc_u32, [1, 2, 3])
                                     + k.enc_u32(2) + k.enc_list(k.enc_u32, [8, 9]) + k.enc_list(k.enc_u32, [7]))


# ---------------------------------------------------------------------------
# Merkle tree (RFC 6962)
# ---------------------------------------------------------------------------

def _leaves(n):
    return [hashlib.sha256(b"leaf%d" % i).digest() for i in range(n)]


def test_merkle_structure():
    L = _leaves(8)
    N = k.node_hash
    assert k.mth(L[:1]) == L[0]
    assert k.mth(L[:2]) == N(L[0], L[1])
    assert k.mth(L[:3]) == N(N(L[0], L[1]), L[2])
    assert k.mth(L[:4]) == N(N(L[0], L[1]), N(L[2], L[3]))
    assert k.mth(L[:5]) == N(N(N(L[0], L[1]), N(L[2], L[3])), L[4])
    assert k.mth(L[:7]) == N(N(N(L[0], L[1]), N(L[2], L[3])), N(N(L[4], L[5]), L[6]))
    # RFC 6962 section 2.1.3 examples (tree of 7 leaves d0..d6).
    assert k.audit_path(0, L[:7]) == [L[1], N(L[2], L[3]), N(N(L[4], L[5]), L[6])]
    assert k.audit_path(3, L[:7]) == [L[2], N(L[0], L[1]), N(N(L[4], L[5]), L[6])]
    assert k.audit_path(4, L[:7]) == [L[5], L[6], N(N(L[0], L[1]), N(L[2], L[3]))]
    assert k.audit_path(6, L[:7]) == [N(L[4], L[5]), N(N(L[0], L[1]), N(L[2], L[3]))]
    # leaf/node domain separation
    rec = ("T", ["a"], None, bytes(32))
    assert k.rec_bytes(rec) == k.enc_str("T") + k.enc_list(k.enc_str, ["a"]) + b"\x00" + bytes(32) + b"\x00"
    assert k.leaf_hash(rec) == hashlib.sha256(b"\x00" + k.enc_str("kleroterion/v2/record") + k.rec_bytes(rec)).digest()


def test_inclusion_proofs_all_sizes():
    for n in range(1, 34):
        L = _leaves(n)
        root = k.mth(L)
        for m in range(n):
            p = k.audit_path(m, L)
            assert k.verify_inclusion(L[m], m, n, p, root)
            assert not k.verify_inclusion(L[m], m + n, n, p, root)
            if n > 1:
                assert not k.verify_inclusion(L[m], (m + 1) % n, n, p, root)
                assert not k.verify_inclusion(L[m], m, n, p[:-1], root)
                assert not k.verify_inclusion(L[m], m, n, p + [root], root)
                bad = list(p)
                bad[0] = bytes(32)
                assert not k.verify_inclusion(L[m], m, n, bad, root)


# ---------------------------------------------------------------------------
# Sampling
# ---------------------------------------------------------------------------

def test_uniform_rejection_rule():
    class Fixed:
        def __init__(self, xs):
            self.xs = list(xs)
            self.words64_consumed = 0

        def next_u64(self):
            self.words64_consumed += 1
            return self.xs.pop(0)

    n = 2**63 + 1
    t = (2**64 - n) % n
    assert t == 2**63 - 1
    # x = 0 gives low 0 < t: rejected; x = 2 gives low = 2n mod 2^64 = 2 < t: rejected.
    st = Fixed([0, 2, 2**64 - 1])
    assert k.uniform(st, n) == ((2**64 - 1) * n) >> 64
    assert st.words64_consumed == 3
    st = Fixed([5])
    assert k.uniform(st, 1) == 0 and st.words64_consumed == 1


def test_sample_is_partial_fisher_yates():
    key = hashlib.sha256(b"fy").digest()
    for n, kk in ((10, 10), (10, 3), (1, 1), (7, 0)):
        st = k.Stream(key)
        a = list(range(n))
        for i in range(kk):
            j = i + k.uniform(st, n - i)
            a[i], a[j] = a[j], a[i]
        assert k.sample(k.Stream(key), n, kk) == a[:kk]


# ---------------------------------------------------------------------------
# Dates, daylight saving and the registry (sections 5.1, 6.1, 6.6)
# ---------------------------------------------------------------------------

def test_civil_days_match_datetime():
    epoch = datetime.date(1970, 1, 1)
    for d in (datetime.date(1, 1, 1), datetime.date(1600, 2, 29), datetime.date(1969, 12, 31),
              datetime.date(2000, 2, 29), datetime.date(2026, 12, 4), datetime.date(9999, 12, 31)):
        days = (d - epoch).days
        assert k.days_from_civil(d.year, d.month, d.day) == days
        assert k.civil_from_days(days) == (d.year, d.month, d.day)
        assert k.weekday(days) == d.weekday()
    for days in range(-800000, 3000000, 997):
        assert k.days_from_civil(*k.civil_from_days(days)) == days
    assert k.format_date(k.parse_date("0000-02-29")) == "0000-02-29"


def test_parse_times():
    assert k.parse_time("2026-12-01T12:00:00Z") == int(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.timezone.utc).timestamp())
    assert k.parse_time("9999-12-31T23:59:59Z") == k.MAX_TIME
    assert k.format_time(k.MAX_TIME) == "9999-12-31T23:59:59Z"
    for bad in ("2026-12-01T12:00:60Z", "2026-12-01T24:00:00Z", "2026-02-29T12:00:00Z", "2026-12-01 12:00:00Z",
                "2026-12-01T12:00:00", "2026-12-01T12:00:00+00:00", "2026-12-01t12:00:00z", "２026-12-01T12:00:00Z",
                "2026-1-01T12:00:00Z", "20261201T120000Z", "2026-12-01T12:00:00.5Z", ""):
        assert k.parse_time(bad) is None, bad
    for bad in ("2026-12-1", "2026-00-10", "2026-02-29", "2026-12-01T00:00:00Z", "2026-12-\u0661\u0662"):
        assert k.parse_date(bad) is None, bad


ZONES = {"EU": [("Europe/Paris", 1), ("Europe/Berlin", 1), ("Europe/Rome", 1), ("Europe/London", 0)],
         "US": [("America/New_York", -5)]}


def test_summer_rules_match_zoneinfo():
    """The rule text of 6.6 gives the same UTC instant as the tz database for every local hour
    from 2020 to 2035 (except the hour that does not exist or exists twice at a change)."""
    for rule, zones in ZONES.items():
        for name, offset in zones:
            tz = zoneinfo.ZoneInfo(name)
            for days in range(k.parse_date("2020-01-01"), k.parse_date("2036-01-01")):
                for hour in (0, 3, 9, 12, 18, 20, 21, 22, 23):
                    local = days * k.DAY + hour * k.HOUR
                    y, m, d = k.civil_from_days(days)
                    dt = datetime.datetime(y, m, d, hour, tzinfo=tz)
                    if dt.utcoffset() != dt.replace(fold=1).utcoffset():
                        continue  # the repeated hour of an autumn change
                    if datetime.datetime.fromtimestamp(dt.timestamp(), tz).hour != hour:
                        continue  # the missing hour of a spring change
                    assert k.local_to_utc(rule, offset, local) == int(dt.timestamp()), (name, y, m, d, hour)


def test_summer_change_instants():
    assert [k.format_time(t) for t in k.eu_summer_utc(2026)] == ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"]
    assert [k.format_time(t) for t in k.us_summer_local(2026)] == ["2026-03-08T02:00:00Z", "2026-11-01T02:00:00Z"]
    # local_to_utc takes the local wall clock written as if it were UTC
    assert k.format_time(k.local_to_utc("EU", 1, k.parse_time("2026-03-29T01:59:59Z"))) == "2026-03-29T00:59:59Z"
    assert k.format_time(k.local_to_utc("EU", 1, k.parse_time("2026-03-29T03:00:00Z"))) == "2026-03-29T01:00:00Z"
    assert k.format_time(k.local_to_utc("US", -5, k.parse_time("2026-03-08T01:59:59Z"))) == "2026-03-08T06:59:59Z"
    assert k.format_time(k.local_to_utc("US", -5, k.parse_time("2026-03-08T03:00:00Z"))) == "2026-03-08T07:00:00Z"
    assert k.format_time(k.local_to_utc("US", -5, k.parse_time("2026-11-01T02:00:00Z"))) == "2026-11-01T07:00:00Z"


def test_registry_draw_times_match_zoneinfo():
    assert k.REGISTRY, "SPEC section 6.6's registry is empty"
    for entry in k.REGISTRY.values():
        assert entry["rule"] in ZONES and (entry["zone"], entry["utc_offset"]) in ZONES[entry["rule"]], entry["id"]
        tz = zoneinfo.ZoneInfo(entry["zone"])
        since = k.parse_date(entry["since"])
        for days in range(since, since + 366 * 12):
            if not k.is_draw_day(entry, days):
                continue
            y, m, d = k.civil_from_days(days)
            hh, mm = (int(x) for x in entry["draws"][k.WEEKDAYS[k.weekday(days)]].split(":"))
            expected = int(datetime.datetime(y, m, d, hh, mm, tzinfo=tz).timestamp())
            assert k.registry_draw_time(entry, days) == expected, (entry["id"], y, m, d)


def test_registry_formats_are_valid():
    for entry in k.REGISTRY.values():
        assert k.format_problem(entry["format"]) is None, entry["id"]
        assert k.text_problem(entry["id"], "name") is None
        assert k.parse_date(entry["since"]) is not None
        assert entry["draws"] and set(entry["draws"]) <= set(k.WEEKDAYS)
        assert k.is_draw_day(entry, k.parse_date(entry["since"])), "since is the first draw date"
        assert entry["format"]["main"]["name"] == "numbers"


def test_registry_table():
    """A few cells of SPEC 6.6's table, read back."""
    assert sorted(k.REGISTRY) == ["de-lotto-6aus49", "euromillions", "fr-loto", "it-superenalotto", "uk-lotto",
                                  "us-mega-millions", "us-powerball"]
    jolly = k.REGISTRY["it-superenalotto"]["format"]["bonus"]
    assert [(g["name"], g["from_main_drum"]) for g in jolly] == [("Jolly", True), ("SuperStar", False)]
    assert k.REGISTRY["de-lotto-6aus49"]["draws"] == {"wednesday": "18:25", "saturday": "19:25"}
    assert k.REGISTRY["de-lotto-6aus49"]["format"]["bonus"][0]["min"] == 0
    em = k.REGISTRY["euromillions"]
    assert k.format_time(k.registry_draw_time(em, k.parse_date("2026-12-04"))) == "2026-12-04T19:30:00Z"
    assert k.format_time(k.registry_draw_time(em, k.parse_date("2026-07-03"))) == "2026-07-03T18:30:00Z"
    pb = k.REGISTRY["us-powerball"]
    assert k.format_time(k.registry_draw_time(pb, k.parse_date("2026-12-05"))) == "2026-12-06T03:59:00Z"
    assert k.format_time(k.registry_draw_time(pb, k.parse_date("2026-07-04"))) == "2026-07-05T02:59:00Z"
    uk = k.REGISTRY["uk-lotto"]
    assert k.format_time(k.registry_draw_time(uk, k.parse_date("2026-12-05"))) == "2026-12-05T19:30:00Z"


def test_recipe_rules():
    ok = {"kind": "lottery", "lottery": "Tombola", "date": "2026-12-01", "draw_at": "2026-12-01T18:00:00Z",
          "format": {"main": {"name": "n", "count": 3, "min": 1, "max": 90}, "bonus": []}}
    k.parse_recipe({"sources": [ok], "fallback": "next_value"})
    raises("InvalidRecipe", k.parse_recipe, {"sources": [ok], "fallback": "the latest value"})
    raises("Json", k.parse_recipe, {"sources": [ok]})
    raises("Json", k.parse_recipe, {"sources": [dict(ok, name="x")], "fallback": "next_value"})
    main_drum = copy.deepcopy(ok)
    main_drum["format"]["main"]["from_main_drum"] = True
    raises("InvalidRecipe", k.parse_recipe, {"sources": [main_drum], "fallback": "next_value"})
    long_name = copy.deepcopy(ok)
    long_name["format"]["main"]["name"] = "x" * 257
    raises("InvalidText", k.parse_recipe, {"sources": [long_name], "fallback": "next_value"})
    # 6.1: a declared name cannot be a registry id or name, without regard to ASCII case only.
    em = {"main": {"name": "numbers", "count": 5, "min": 1, "max": 50},
          "bonus": [{"name": "stars", "count": 2, "min": 1, "max": 12}]}
    for name in ("EuroMillions", "euromillions", "EUROMILLIONS", "eUrOmIlLiOnS", "loto (FRANCE)", "US-POWERBALL",
                 "Lotto (UK National Lottery)", "mega millions"):
        raises("InvalidRecipe", k.parse_recipe, {"sources": [dict(ok, lottery=name, format=em)],
                                                 "fallback": "next_value"})
    for name in ("EuroM\u0131ll\u0131ons", "u\u017f-powerball", "Euro Millions", "euromillions ", "Loto",
                 "EuroMillions (tombola)"):
        k.parse_recipe({"sources": [dict(ok, lottery=name, format=em)], "fallback": "next_value"})
    assert k.ascii_lower("ÉuroMİLLIONS") == "Éuromİllions"
    last = make_vectors.QUICKNET_LAST_ROUND
    assert k.format_time(k.drand_round_time(k.QUICKNET, last)) == "9999-12-31T23:59:57Z"
    assert k.drand_round_time(k.QUICKNET, last + 1) > k.MAX_TIME


def test_reveal_rules():
    def reveal(*sources):
        return {"sources": list(sources)}

    raises("InvalidReveal", k.parse_reveal, reveal())
    raises("InvalidReveal", k.parse_reveal, reveal(*[{"kind": "hex", "value": "00"}] * 17))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "hex", "value": "00" * 1025}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "dice", "values": []}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "dice", "values": [1] * 1001}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "lottery", "lottery": "x", "main": [], "bonus": []}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "lottery", "lottery": "x", "main": [1] * 65, "bonus": []}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "lottery", "lottery": "x", "main": [1], "bonus": [[1]] * 9}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "lottery", "lottery": "x", "main": [1], "bonus": [[]]}))
    raises("Json", k.parse_reveal, reveal({"kind": "lottery", "lottery": "x", "main": [2**32], "bonus": []}))
    raises("Json", k.parse_reveal, reveal({"kind": "lottery", "name": "x", "numbers": [1]}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "drand", "chain": k.QUICKNET.hex(), "round": 0,
                                                    "signature": "ab" * 48}))
    # 6.2: `bonus` may be absent (no bonus group), with the bytes of "bonus": []; null is not absent.
    absent = k.parse_reveal(reveal({"kind": "lottery", "lottery": "x", "main": [3, 1]}))[0]
    empty = k.parse_reveal(reveal({"kind": "lottery", "lottery": "x", "main": [1, 3], "bonus": []}))[0]
    assert k.source_val_bytes(absent) == k.source_val_bytes(empty) and absent["bonus"] == []
    raises("Json", k.parse_reveal, reveal({"kind": "lottery", "lottery": "x", "main": [1], "bonus": None}))
    raises("InvalidReveal", k.parse_reveal, reveal({"kind": "lottery", "lottery": "euromillions",
                                                    "main": [1, 2, 3, 4, 5]}))
    # Without a recipe a declared lottery may repeat numbers; dice are any u32.
    k.parse_reveal(reveal({"kind": "lottery", "lottery": "x", "main": [5, 5], "bonus": []},
                          {"kind": "dice", "values": [0, 2**32 - 1]}))


# drand's published rounds quoted in SPEC 6.4.8.
QUICKNET_42 = "95a9f9f5b231b7714de1553105d8ffdf3dcda24cfdb1e689319bccf79a9c8ce430a91b811fbfaf763900bc998b5d686a"
MAINNET_1 = ("8d61d9100567de44682506aea1a7a6fa6e5491cd27a0a0ed349ef6910ac5ac20ff7bc3e09d7c046566c9f7f3c6f3b101"
             "04990e7cb424998203d8f7de586fb7fa5f60045417a432684f85093b06ca91c769f0e7ca19268375e659c2a2352b4655")


def test_drand_table():
    for chain_hash, c in k.DRAND_CHAINS.items():
        assert k.drand_chain_hash(c) == chain_hash, c["name"]
        assert k.point_encoding_problem(c["public_key"], c["public_key_size"]) is None
    quick, main = k.DRAND_CHAINS[k.QUICKNET], k.DRAND_CHAINS[k.MAINNET]
    assert len(quick["public_key"]) == 96 and len(main["public_key"]) == 48
    assert hashlib.sha256(bytes.fromhex(QUICKNET_42)).hexdigest() == \
        "8ada64bae5c6c0f5540a6a13af56e663240edfbd2c76ac6a8f27671eb7259ce3"
    assert hashlib.sha256(bytes.fromhex(MAINNET_1)).hexdigest() == \
        "101297f1ca7dc44ef6088d94ad5fb7ba03455dc33d53ddb412bbc4564ed986ec"
    # 6.4.7: the last reachable rounds and their times.
    for chain, last, when in ((k.QUICKNET, 83903165811, "9999-12-31T23:59:57Z"),
                              (k.MAINNET, 8393562325, "9999-12-31T23:59:30Z")):
        assert k.format_time(k.drand_round_time(chain, last)) == when
        assert k.drand_round_time(chain, last + 1) > k.MAX_TIME
        src = {"kind": "drand", "chain": chain.hex(), "round": last}
        k.parse_recipe({"sources": [src], "fallback": "next_value"})
        raises("InvalidRecipe", k.parse_recipe, {"sources": [dict(src, round=last + 1)], "fallback": "next_value"})


def test_drand_rules():
    def check(source, skip=True):
        return k.check_drand_values(k.parse_reveal({"sources": [source]}), skip)

    quick = {"kind": "drand", "chain": k.QUICKNET.hex(), "round": 42, "signature": QUICKNET_42}
    genesis_seed = k.DRAND_CHAINS[k.MAINNET]["genesis_seed"].hex()
    main = {"kind": "drand", "chain": k.MAINNET.hex(), "round": 1, "signature": MAINNET_1,
            "previous_signature": genesis_seed}
    assert check(quick) and check(main)
    assert check(dict(quick, previous_signature=None))
    assert check(dict(quick, randomness=hashlib.sha256(bytes.fromhex(QUICKNET_42)).hexdigest().upper()))
    assert check(dict(main, round=2, previous_signature=MAINNET_1))
    raises("DrandSignature", check, quick, False)
    raises("InvalidReveal", check, dict(quick, randomness="00" * 32))
    raises("DrandSignature", check, dict(quick, previous_signature=""))
    raises("DrandSignature", check, dict(quick, previous_signature=MAINNET_1))
    raises("DrandSignature", check, {key: v for key, v in main.items() if key != "previous_signature"})
    raises("DrandSignature", check, dict(main, previous_signature=""))
    raises("DrandSignature", check, dict(main, previous_signature=MAINNET_1))
    raises("DrandSignature", check, dict(main, round=2))
    raises("DrandSignature", check, dict(quick, chain="00" * 32))
    # 6.4.8: an unknown chain comes before a wrong randomness.
    raises("DrandSignature", check, dict(quick, chain="00" * 32, randomness="00" * 32))
    # 6.4.2 steps 1 to 4 on the signature.
    raises("DrandSignature", check, dict(quick, signature=QUICKNET_42 + "00"))
    raises("DrandSignature", check, dict(quick, signature="15" + QUICKNET_42[2:]))
    raises("DrandSignature", check, dict(quick, signature="c0" + "00" * 47))
    raises("DrandSignature", check, dict(quick, signature="9f" + "ff" * 47))
    raises("DrandSignature", check, dict(main, signature=MAINNET_1[:96] + "ff" * 48))


# ---------------------------------------------------------------------------
# Sealed features (sections 4.1, 5, 5.2, 9.4, 10.2, 11, 12.1 and 13)
# ---------------------------------------------------------------------------

def _str_by_hand(x: str) -> bytes:
    b = x.encode("utf-8")
    return len(b).to_bytes(4, "big") + b


def _seal_by_hand(ticket: str, values: list, salt: bytes) -> bytes:
    """4.1: H("seal", str(ticket) || list(str, values) || raw32(salt)), with hashlib only."""
    message = _str_by_hand(ticket) + len(values).to_bytes(4, "big") + b"".join(_str_by_hand(v) for v in values) + salt
    return hashlib.sha256(_str_by_hand("kleroterion/v2/seal") + message).digest()


def _sealed_leaf_by_hand(r: dict) -> bytes:
    """4.1: SHA-256(0x00 || str("kleroterion/v2/sealed-record") || srec(r)), with hashlib only."""
    hh = r.get("household")
    link = r.get("link")
    srec = (_str_by_hand(r["ticket"]) + bytes.fromhex(r["seal"])
            + (b"\x00" if hh is None else b"\x01" + _str_by_hand(hh)) + bytes.fromhex(r["holder"])
            + (b"\x00" if link is None else b"\x01" + _str_by_hand(link)))
    return hashlib.sha256(b"\x00" + _str_by_hand("kleroterion/v2/sealed-record") + srec).digest()


def test_seal_by_hand():
    salt = bytes(range(32))
    message = (b"\x00\x00\x00\x03T-1" + b"\x00\x00\x00\x02" + b"\x00\x00\x00\x05femme"
               + b"\x00\x00\x00\x0e60 ans et plus" + salt)
    assert k.seal_bytes("T-1", ["femme", "60 ans et plus"], salt) == message
    expected = hashlib.sha256(b"\x00\x00\x00\x13kleroterion/v2/seal" + message).digest()
    assert k.seal_of("T-1", ["femme", "60 ans et plus"], salt) == expected
    assert k.H("seal", message) == expected
    # Each input changes the seal; no feature gives list(str, []) = u32(0).
    assert k.seal_of("T-1", ["homme", "60 ans et plus"], salt) != expected
    assert k.seal_of("T-1", ["femme", "60 ans et plus"], bytes(32)) != expected
    assert k.seal_of("T-2", ["femme", "60 ans et plus"], salt) != expected
    assert k.seal_of("T-1", [], salt) == hashlib.sha256(
        b"\x00\x00\x00\x13kleroterion/v2/seal" + b"\x00\x00\x00\x03T-1" + b"\x00\x00\x00\x00" + salt).digest()
    # A salt is raw32: exactly 32 bytes.
    try:
        k.seal_of("T-1", [], bytes(31))
    except ValueError:
        pass
    else:
        raise AssertionError("a 31-byte salt was accepted")


def test_sealed_leaf_by_hand():
    holder = k.holder_of(b"\x07" * 32)
    seal = k.seal_of("T-1", ["femme"], b"\x05" * 32)
    r = {"ticket": "T-1", "values": [], "seal": seal.hex(), "household": "foyer-1", "holder": holder.hex()}
    rec = k.parse_record(r)
    assert k.is_sealed(rec) and rec[4] == seal
    srec = b"\x00\x00\x00\x03T-1" + seal + b"\x01" + b"\x00\x00\x00\x07foyer-1" + holder + b"\x00"
    assert k.rec_bytes(rec) == srec
    leaf = hashlib.sha256(b"\x00" + b"\x00\x00\x00\x1ckleroterion/v2/sealed-record" + srec).digest()
    assert k.leaf_hash(rec) == leaf == _sealed_leaf_by_hand(r)
    # Without household: opt(str, household) is one zero byte.
    r2 = dict(r, household=None)
    srec2 = b"\x00\x00\x00\x03T-1" + seal + b"\x00" + holder + b"\x00"
    assert k.leaf_hash(k.parse_record(r2)) == hashlib.sha256(
        b"\x00" + b"\x00\x00\x00\x1ckleroterion/v2/sealed-record" + srec2).digest()
    # The open leaf of the same person differs (another text after 0x00, values instead of a seal).
    open_rec = k.parse_record({"ticket": "T-1", "values": ["femme"], "household": "foyer-1", "holder": holder.hex()})
    assert not k.is_sealed(open_rec) and k.leaf_hash(open_rec) != leaf
    # srec(r) does not hold values: a sealed record that also lists values has the same leaf.
    assert k.leaf_hash(k.parse_record(dict(r, values=["femme"]))) == leaf


def _lottery_manifest(pool, features, portfolio, sealed=None, household_rule=True, min_cell=None):
    m = {"spec": "kleroterion/v2", "title": "t", "method": {"name": "lottery", "portfolio": portfolio},
         "panel_size": len(portfolio[0]), "alternates": 1, "household_rule": household_rule,
         "features": [{"name": f, "values": [{"value": v, "min": mn, "max": mx} for v, mn, mx in vals]}
                      for f, vals in features],
         "pool": {"root": k.mth([k.leaf_hash(k.parse_record(r)) for r in pool]).hex(), "count": len(pool)}}
    if min_cell is not None:
        m["min_cell"] = min_cell
    if sealed is not None:
        m["sealed"] = sealed
    return m


def _sealed_people():
    """Four people, a couple and two single people; genre with quotas 1..1 on panels of 2."""
    rec = make_vectors.record
    people = [rec("a", ["f"], "x"), rec("b", ["h"], "x"), rec("c", ["f"]), rec("d", ["h"])]
    features = [("genre", [("f", 1, 1), ("h", 1, 1)])]
    return people, features


def test_manifest_sealed_field():
    people, features = _sealed_people()
    pool = [make_vectors.sealed(r) for r in people]
    m = _lottery_manifest(pool, features, [[0, 3], [1, 2]])
    absent = k.manifest_bytes(k.parse_manifest(m))
    assert k.parse_manifest(m)["sealed"] is False
    assert k.manifest_bytes(k.parse_manifest(dict(m, sealed=False))) == absent
    sealed = k.manifest_bytes(k.parse_manifest(dict(m, sealed=True)))
    # Section 5: bool(sealed) comes after u32(min_cell) (absent: 1), then opt(parent, parent) (absent: 0).
    assert absent[-6:] == b"\x00\x00\x00\x01\x00\x00" and sealed == absent[:-2] + b"\x01\x00"
    assert k.commitment(k.parse_manifest(dict(m, sealed=True))) == hashlib.sha256(
        _str_by_hand("kleroterion/v2/manifest") + sealed).digest()
    # 5.1: sealed only with lottery (InvalidMethod); after the household rule's own check.
    for method in ({"name": "uniform"}, {"name": "greedy", "max_attempts": 3}, {"name": "rfc3797"},
                   {"name": "stratified", "feature": "genre", "allocation": {"kind": "largest_remainder"}}):
        raises("InvalidMethod", k.parse_manifest, dict(m, method=method, sealed=True, household_rule=False))
    raises("HouseholdRuleNotSupported", k.parse_manifest, dict(m, method={"name": "uniform"}, sealed=True))
    k.parse_manifest(dict(m, method={"name": "uniform"}, sealed=False, household_rule=False))
    # Section 14: sealed is a boolean that may be absent (not null).
    raises("Json", k.parse_manifest, dict(m, sealed=None))
    raises("Json", k.parse_manifest, dict(m, sealed=1))


def test_sealed_pool_rules():
    people, features = _sealed_people()
    pool = [make_vectors.sealed(r) for r in people]
    M = k.parse_manifest(_lottery_manifest(pool, features, [[0, 3], [1, 2]], sealed=True, min_cell=2))
    recs = k.parse_pool(M, pool)
    # 5.2: the profile of a sealed record is empty: cells are the couple (2) and the single people (2).
    assert k.cell_figures(M, recs) == {"applies": True, "sizes": [2, 2], "smallest": 2, "alone": 0}
    raises("SmallCells", k.parse_pool, k.parse_manifest(
        _lottery_manifest(pool, features, [[0, 3], [1, 2]], sealed=True, min_cell=3)), pool)
    # The same people open: every record is alone in its cell.
    Mo = k.parse_manifest(_lottery_manifest(people, features, [[0, 3], [1, 2]]))
    assert k.cell_figures(Mo, k.parse_pool(Mo, people))["alone"] == 4
    # SealedRecord: an open record under a sealed manifest, a sealed one under an open manifest,
    # a sealed record with values; checked after the root and the tickets, before the values.
    for bad, sealed in (([people[0]] + pool[1:], True), (people[:3] + [pool[3]], None),
                        (pool[:2] + [dict(pool[2], values=["f"])] + pool[3:], True)):
        raises("SealedRecord", k.parse_pool,
               k.parse_manifest(_lottery_manifest(bad, features, [[0, 3], [1, 2]], sealed=sealed)), bad)
    dup = pool[:3] + [dict(make_vectors.sealed(people[3]), ticket="a")]
    raises("DuplicateTicket", k.parse_pool, k.parse_manifest(_lottery_manifest(dup, features, [[0, 3]])), dup)
    # A sealed record's seal is 32 bytes (section 14).
    raises("InvalidHex", k.parse_record, dict(pool[0], seal="00" * 31))
    raises("Json", k.parse_record, dict(pool[0], seal=None))


def test_opening_rules():
    people, features = _sealed_people()
    pool = [make_vectors.sealed(r) for r in people]
    M = k.parse_manifest(_lottery_manifest(pool, features, [[0, 3]], sealed=True))
    recs = k.parse_pool(M, pool)
    good = k.parse_opening(make_vectors.opening_of(people[0]))
    assert k.opening_problem(M, recs[0], good) is None
    assert k.opening_problem(M, recs[1], good)[0] == "OpeningMismatch"  # another ticket
    assert k.opening_problem(M, recs[0], dict(good, values=["h"]))[0] == "OpeningMismatch"
    assert k.opening_problem(M, recs[0], dict(good, salt=bytes(32)))[0] == "OpeningMismatch"
    assert k.opening_problem(M, recs[0], dict(good, values=[]))[0] == "WrongValueCount"
    assert k.opening_problem(M, recs[0], dict(good, values=["f", "f"]))[0] == "WrongValueCount"
    assert k.opening_problem(M, recs[0], dict(good, values=["x"]))[0] == "UnknownValue"
    open_rec = k.parse_record(people[0])
    assert k.opening_problem(M, open_rec, good)[0] == "OpeningMismatch"
    # An opening made for the quotas (another declared value) cannot hash to the seal; a salt is 32 bytes.
    raises("InvalidHex", k.parse_opening, dict(make_vectors.opening_of(people[0]), salt="00"))
    raises("Json", k.parse_opening, dict(make_vectors.opening_of(people[0]), extra=1))


def _sealed_draw():
    return [d for d in load("draws.json")["draws"] if d["name"] == "lottery_sealed"][0]


def test_sealed_portfolio_checks_no_quotas():
    """9.4: in a sealed pool the portfolio step checks the household rule, not the quotas."""
    people, features = _sealed_people()
    pool = [make_vectors.sealed(r) for r in people]
    breaks_quota = [[0, 3], [2, 3], [1, 3]]  # [1, 3]: two men
    reveal = make_vectors.hex_reveal("00")
    k.prepare(_lottery_manifest(pool, features, breaks_quota, sealed=True), pool, reveal)
    raises("InvalidPortfolio", k.prepare, _lottery_manifest(people, features, breaks_quota), people, reveal)
    raises("InvalidPortfolio", k.prepare, _lottery_manifest(pool, features, [[0, 1]], sealed=True), pool, reveal)
    d = _sealed_draw()
    report = k.verify(_bundle(d))
    portfolio = [x for x in report["steps"] if x["id"] == "portfolio"][0]
    assert portfolio["status"] == "passed"
    assert any("quotas of the undrawn panels are sealed" in line for line in portfolio["detail"])
    open_report = k.verify(_bundle(load("draws.json")["draws"][0]))
    assert [x["status"] for x in open_report["steps"] if x["id"] == "openings"] == ["skipped"]


def test_sealed_openings_step():
    d = _sealed_draw()
    b = _bundle(d)
    assert k.verify(b)["valid"]

    def outcome(edit):
        bb = copy.deepcopy(b)
        edit(bb)
        report = k.verify(bb)
        return k.failed_step(report), report["error_kind"]

    assert outcome(lambda bb: bb["openings"].pop(0)) == ("openings", "OpeningMismatch")
    assert outcome(lambda bb: bb.pop("openings")) == ("openings", "OpeningMismatch")
    assert outcome(lambda bb: bb["openings"].reverse()) == ("openings", "OpeningMismatch")
    assert outcome(lambda bb: bb["openings"].append(bb["openings"][0])) == ("openings", "OpeningMismatch")
    assert outcome(lambda bb: bb["openings"][-1].update(salt="11" * 32)) == ("openings", "OpeningMismatch")
    assert outcome(lambda bb: bb["openings"][0]["values"].append("femme")) == ("openings", "WrongValueCount")
    assert outcome(lambda bb: bb["openings"][0]["values"].__setitem__(0, "autre")) == ("openings", "UnknownValue")
    assert outcome(lambda bb: bb["openings"][0].update(salt="00")) == ("format", "UnreadableBundle")
    # The openings are not hashed into the transcript (11).
    assert {s["id"]: s["status"] for s in k.verify(b)["steps"]}["transcript"] == "passed"
    # An open pool has no openings; an empty list counts as none.
    o = _bundle(load("draws.json")["draws"][0])
    assert k.verify(dict(o, openings=[]))["valid"]
    op = {"ticket": o["result"]["selected"][0], "values": ["femme", "Montpellier"], "salt": "00" * 32}
    report = k.verify(dict(o, openings=[op]))
    assert (k.failed_step(report), report["error_kind"]) == ("openings", "OpeningMismatch")


def test_sealed_replacement_reads_in_first_read_order():
    """10.2: the record opens the records the rule reads beyond the panel and the alternates, in the
    order it first reads them: a lottery candidate when it is tried (available, not on the panel,
    keeping the household rule); every such candidate when none keeps the quotas. Checked against
    a direct reading of the text on every single drop-out of the sealed draw."""
    d = _sealed_draw()
    values = {op["ticket"]: op["values"] for op in d["private_openings"]}
    households = {r["ticket"]: r.get("household") for r in d["pool"]}
    M = k.parse_manifest(d["manifest"])
    seed = bytes.fromhex(d["seed"])
    recs = k.parse_pool(M, d["pool"])
    tix = [r[0] for r in recs]
    sel = [tix.index(t) for t in d["selected"]]
    order = [tix[i] for i in k.replacement_order(M, recs, seed, sel)]

    def violation(panel):
        total = 0
        for f, feat in enumerate(M["features"]):
            for v in feat["values"]:
                c = sum(1 for t in panel if values[t][f] == v["value"])
                total += max(0, v["min"] - c) + max(0, c - v["max"])
        return total

    for dropped in [[t] for t in d["selected"]] + [list(d["alternates"]) + [d["selected"][0]]]:
        panel = list(d["selected"])
        reads = []
        for t in dropped:
            if t not in panel:
                continue
            pos = panel.index(t)
            others = [p for p in panel if p != t]
            fair = [c for c in order if c not in dropped and c not in panel
                    and (households[c] is None or all(households[p] != households[c] for p in others))]
            chosen = None
            for c in fair:
                reads.append(c)
                if violation(others[:pos] + [c] + others[pos:]) == 0:
                    chosen = c
                    break
            if chosen is None and fair:
                chosen = min(fair, key=lambda c: violation(others[:pos] + [c] + others[pos:]))
            if chosen is None:
                panel.pop(pos)
            else:
                panel[pos] = chosen
        expected = []
        for c in reads:
            if c not in d["selected"] + d["alternates"] and c not in expected:
                expected.append(c)
        r = k.replace(d["manifest"], d["pool"], d["reveal"], None, dropped, d["private_openings"])
        assert [op["ticket"] for op in r["openings"]] == expected, dropped
        assert r["panel"] == panel, dropped
    # Without the organiser's openings, a sealed replacement cannot be made.
    raises("OpeningMismatch", k.replace, d["manifest"], d["pool"], d["reveal"], None, [d["selected"][0]])


def test_sealed_replacement_records():
    d = _sealed_draw()
    b = _bundle(d)
    sel, alt = d["selected"], d["alternates"]
    beyond = max(([t] for t in sel), key=lambda x: len(k.replace(d["manifest"], d["pool"], d["reveal"], None, x,
                                                                  d["private_openings"])["openings"]))
    rec = k.make_replacement_record(b, beyond, openings=d["private_openings"])
    assert len(rec["openings"]) >= 2 and k.verify(b, None, [rec])["valid"]
    # The openings are not hashed into replacement_hash.
    D = [[r["ticket"] for r in d["pool"]].index(t) for t in rec["dropped"]]
    R = [[r["ticket"] for r in d["pool"]].index(t) for t in rec["replacements"]]
    assert rec["hash"] == k.H("replacement", bytes.fromhex(d["transcript"]) + k.enc_list(k.enc_u32, D)
                              + k.enc_list(lambda x: k.enc_opt(k.enc_u32, x), R)).hex()
    for edit in (lambda r: r["openings"].pop(), lambda r: r["openings"].pop(0), lambda r: r.pop("openings"),
                 lambda r: r["openings"].append(r["openings"][0]), lambda r: r["openings"].reverse(),
                 lambda r: r["openings"][0].update(salt="22" * 32),
                 lambda r: r["openings"].insert(0, d["openings"][0])):
        bad = copy.deepcopy(rec)
        edit(bad)
        report = k.verify(b, None, [bad])
        assert (k.failed_step(report), report["error_kind"]) == ("replacements", "ReplacementMismatch")
    # A record from the alternates opens nothing; the project's tools still write `openings`.
    quiet = [[t] for t in sel if not k.replace(d["manifest"], d["pool"], d["reveal"], None, [t],
                                               d["private_openings"])["openings"]][0]
    rec = k.make_replacement_record(b, quiet, openings=d["private_openings"])
    assert rec["openings"] == [] and k.verify(b, None, [rec])["valid"]
    assert k.verify(b, None, [{key: v for key, v in rec.items() if key != "openings"}])["valid"]


def test_sealed_receipts():
    d = _sealed_draw()
    b = _bundle(d)
    secret = lambda i: make_vectors.secret_of(d["pool"][i]["ticket"])  # noqa: E731
    for i in range(len(d["pool"])):
        out = k.check_receipt(k.make_receipt(b, i, secret(i), d["private_openings"][i]), b)
        assert out["matches"] and out["established"] and out["check"] is None
    rc = k.make_receipt(b, 2, secret(2), d["private_openings"][2])
    assert k.check_receipt({key: v for key, v in rc.items() if key != "opening"}, b)["check"] == 5
    assert k.check_receipt(dict(rc, opening=d["private_openings"][3]), b)["check"] == 5
    assert k.check_receipt(dict(rc, opening=dict(rc["opening"], salt="00" * 32)), b)["check"] == 5
    # Check 4 comes before check 5: a receipt without its secret fails there, opening or not.
    assert k.check_receipt(dict(rc, secret="00" * 32), b)["check"] == 4
    o = _bundle(load("draws.json")["draws"][0])
    orc = k.make_receipt(o, 0, make_vectors.secret_of(o["pool"][0]["ticket"]))
    assert k.check_receipt(orc, o)["check"] is None
    assert k.check_receipt(dict(orc, opening=make_vectors.opening_of(o["pool"][0])), o)["check"] == 5


def test_vector_seals_follow_the_salt_rule():
    """Every sealed record of draws.json's sealed draw is opened by the organiser's opening made
    with the salt rule of make_vectors (documented in each file)."""
    d = _sealed_draw()
    for r, op in zip(d["pool"], d["private_openings"]):
        assert op["ticket"] == r["ticket"] and bytes.fromhex(op["salt"]) == make_vectors.salt_of(r["ticket"])
        assert _seal_by_hand(r["ticket"], op["values"], bytes.fromhex(op["salt"])).hex() == r["seal"]
    n = 0
    profiles = ([[g, a] for g in make_vectors.GENRE for a in make_vectors.AGE]
                + [[g, c, e] for g in make_vectors.GENRE for c in make_vectors.COMMUNE for e in make_vectors.DIPLOME])
    for c in load("pools.json")["cases"]:
        for r in c["pool"]:
            if "seal" in r and r["values"] == []:
                n += 1
                assert any(_seal_by_hand(r["ticket"], v, make_vectors.salt_of(r["ticket"])).hex() == r["seal"]
                           for v in profiles), r
    assert n > 16


# ---------------------------------------------------------------------------
# Linked stages (sections 4, 5, 5.1, 5.3, 12.1, 12.3, 12.5 and 13)
# ---------------------------------------------------------------------------

def test_link_encoding_by_hand():
    holder = k.holder_of(b"\x07" * 32)
    base = {"ticket": "T-2", "values": ["femme"], "household": None, "holder": holder.hex()}
    rec = k.parse_record(dict(base, link="T-1"))
    assert k.link_of(rec) == "T-1"
    body = b"\x00\x00\x00\x03T-2" + b"\x00\x00\x00\x01" + b"\x00\x00\x00\x05femme" + b"\x00" + holder
    # Section 4: rec(r) ends with opt(str, link): 0x01 || str(link), or 0x00 without a link.
    assert k.rec_bytes(rec) == body + b"\x01\x00\x00\x00\x03T-1"
    assert k.rec_bytes(k.parse_record(base)) == body + b"\x00"
    assert k.leaf_hash(rec) == hashlib.sha256(b"\x00" + _str_by_hand("kleroterion/v2/record") + body
                                              + b"\x01" + _str_by_hand("T-1")).digest()
    # The sealed form ends the same way (4.1), and the seal does not hold the link.
    seal = k.seal_of("T-2", ["femme"], b"\x05" * 32)
    sr = {"ticket": "T-2", "values": [], "seal": seal.hex(), "holder": holder.hex(), "link": "Ωμέγα"}
    assert k.rec_bytes(k.parse_record(sr)) == (b"\x00\x00\x00\x03T-2" + seal + b"\x00" + holder + b"\x01"
                                               + _str_by_hand("Ωμέγα"))
    assert k.leaf_hash(k.parse_record(sr)) == _sealed_leaf_by_hand(sr)
    # Section 14: `link` is absent when there is none (null is the wrong type); a link is a ticket (3).
    raises("Json", k.parse_record, dict(base, link=None))
    raises("InvalidText", k.parse_record, dict(base, link=""))
    raises("InvalidText", k.parse_record, dict(base, link="x" * 129))
    k.parse_record(dict(base, link="x" * 128))


def test_invitees_hash_by_hand():
    tickets = ["K7Q2-9XMF", "Pérols-001"]
    message = b"\x00\x00\x00\x02" + _str_by_hand("K7Q2-9XMF") + _str_by_hand("Pérols-001")
    assert k.invitees_bytes(tickets) == message
    assert k.invitees_hash(tickets) == hashlib.sha256(_str_by_hand("kleroterion/v2/invitees") + message).digest()
    assert k.invitees_hash(tickets[::-1]) != k.invitees_hash(tickets)
    d = load("draws.json")["draws"][0]
    assert k.invitees_of(_bundle(d)) == d["selected"] + d["alternates"]


def _parent(inherited=("genre",)):
    return {"commitment": "ab" * 32, "invitees": "cd" * 32, "inherited": list(inherited)}


def test_parent_encoding_and_rules():
    people, features = _sealed_people()
    m = _lottery_manifest(people, features, [[0, 3], [1, 2]], household_rule=True)
    plain = k.manifest_bytes(k.parse_manifest(m))
    linked = k.manifest_bytes(k.parse_manifest(dict(m, parent=_parent())))
    # Section 5: opt(parent, parent) last; parent(P) = raw32 || raw32 || list(str, inherited).
    assert plain.endswith(b"\x00\x00\x00\x01\x00\x00")
    assert linked == plain[:-1] + b"\x01" + b"\xab" * 32 + b"\xcd" * 32 + b"\x00\x00\x00\x01" + _str_by_hand("genre")
    none = k.manifest_bytes(k.parse_manifest(dict(m, parent=_parent(()))))
    assert none == plain[:-1] + b"\x01" + b"\xab" * 32 + b"\xcd" * 32 + b"\x00\x00\x00\x00"
    assert k.commitment(k.parse_manifest(dict(m, parent=_parent()))) == hashlib.sha256(
        _str_by_hand("kleroterion/v2/manifest") + linked).digest()
    # 5.1: inherited names unique (DuplicateName), then each a feature (UnknownFeature); texts first.
    raises("DuplicateName", k.parse_manifest, dict(m, parent=_parent(["genre", "genre"])))
    raises("DuplicateName", k.parse_manifest, dict(m, parent=_parent(["âge", "genre", "âge"])))
    raises("UnknownFeature", k.parse_manifest, dict(m, parent=_parent(["genre", "âge"])))
    raises("InvalidText", k.parse_manifest, dict(m, parent=_parent(["ge\u0301nre", "genre", "genre"])))
    # Section 14: absent when none (null is the wrong type); hashes of 32 bytes; no unknown field.
    raises("Json", k.parse_manifest, dict(m, parent=None))
    raises("InvalidHex", k.parse_manifest, dict(m, parent=dict(_parent(), invitees="cd" * 31)))
    raises("Json", k.parse_manifest, dict(m, parent=dict(_parent(), previous="x")))
    raises("Json", k.parse_manifest, dict(m, parent={"commitment": "ab" * 32, "invitees": "cd" * 32}))


def test_links_rules():
    rec = make_vectors.record
    g = [("genre", ["f", "h"])]

    def pool_of(links, parent=True):
        pool = [rec(f"t{i}", ["f" if i % 2 else "h"], link=link) for i, link in enumerate(links)]
        M = _pool_manifest(pool, g)
        M["parent"] = _parent() if parent else None
        return M, k.parse_pool(M, pool)

    M, recs = pool_of(["a", "b", "c"])
    assert k.check_links(M, recs) == 3 and k.check_links(M, recs, ["c", "b", "a", "z"]) == 3
    M, recs = pool_of([None, None], parent=False)
    assert k.check_links(M, recs) == 0

    def first(links, invitees=None, parent=True):
        M, recs = pool_of(links, parent)
        try:
            k.check_links(M, recs, invitees)
        except k.KleroterionError as e:
            return e.kind, e.message.split(",")[0]
        return None

    assert first(["a", None, "c"]) == ("LinkMissing", "record 2")
    assert first([None, None, "c"], parent=False) == ("LinkMissing", "record 3")
    assert first(["a", "b", "a"]) == ("DuplicateLink", "record 3")
    assert first(["a", "b", "x"], ["a", "b"]) == ("NotInvited", "record 3")
    # In pool order, the first record that fails is named, whatever its kind.
    assert first(["x", "a", "a"], ["a"]) == ("NotInvited", "record 1")
    assert first(["a", "a", None], ["b"]) == ("NotInvited", "record 1")
    assert first(["a", "a", None], ["a"]) == ("DuplicateLink", "record 2")
    assert first(["a", None, "a"]) == ("LinkMissing", "record 2")
    # Without the invitees, only the presence and the uniqueness are checked.
    assert first(["x", "y"]) is None


def _chain():
    v = load("chains.json")
    by_name = {c["name"]: c for c in v["cases"]}
    return v, by_name


def test_linked_stage_without_previous():
    """12.1, 12.3: without the previous stage, `parent` and `inherited` are skipped, `links` checks
    the links alone, and the chain is listed to compare by hand (item 7, last)."""
    _, by_name = _chain()
    c = by_name["honest_open"]
    report = k.verify(c["bundle"], c["published"])
    status = {s["id"]: s["status"] for s in report["steps"]}
    assert [s["id"] for s in report["steps"]] == k.STEP_IDS and len(k.STEP_IDS) == 15
    assert (status["parent"], status["links"], status["inherited"]) == ("skipped", "passed", "skipped")
    assert report["verdict"] == "valid_if"
    assert report["by_hand"][-1]["subject"] == "previous"
    assert report["by_hand"][-1]["value"] == c["bundle"]["manifest"]["parent"]["commitment"]
    # With the previous stage, nothing is left to compare about the chain.
    report = k.verify(c["bundle"], c["published"], None, {"bundle": c["previous"], "published": c["previous_published"]})
    assert "previous" not in [i["subject"] for i in report["by_hand"]]
    # Without previous stage, a record linked to someone never invited is not seen; a duplicate is.
    dup = by_name["duplicate_link"]
    assert k.failed_step(k.verify(dup["bundle"])) == "links"
    assert k.verify(by_name["not_invited"]["bundle"])["valid"]
    # An unlinked bundle: the three steps are skipped, with or without a previous stage.
    d = _bundle(load("draws.json")["draws"][0])
    for previous in (None, {"bundle": c["previous"], "published": c["previous_published"]}):
        status = {s["id"]: s["status"] for s in k.verify(d, None, None, previous)["steps"]}
        assert (status["parent"], status["links"], status["inherited"]) == ("skipped", "skipped", "skipped")


def test_commit_checks_links():
    """5.3: tools check the links at commit time (prepare, make_bundle)."""
    _, by_name = _chain()
    for name, kind in (("link_missing", "LinkMissing"), ("duplicate_link", "DuplicateLink"),
                       ("unlinked_with_link", "LinkMissing")):
        b = by_name[name]["bundle"]
        raises(kind, k.make_bundle, b["manifest"], b["pool"], b["reveal"])
    b = by_name["not_invited"]["bundle"]
    assert k.make_bundle(b["manifest"], b["pool"], b["reveal"]) == b


def test_parent_step_rules():
    _, by_name = _chain()
    c = by_name["honest_open"]
    prev, stage = c["previous"], c["bundle"]
    volunteers = stage["pool"]

    def chain(parent, previous=prev, inherited_pool=volunteers):
        m = make_vectors.stage_manifest(inherited_pool, inherited_pool, parent)
        b = k.make_bundle(m, inherited_pool, make_vectors.STAGE_REVEAL)
        return k.verify_chain(previous, {"commitment": previous["commitment"]}, b, {"commitment": b["commitment"]})

    good = k.parent_json(prev, ["commune", "genre"])
    assert chain(good)["valid"]
    # An inherited name that is a feature of this manifest but not of the previous stage's.
    out = chain(dict(good, inherited=["genre", "diplôme"]))
    assert (k.failed_step(out["report"]), out["report"]["error_kind"]) == ("parent", "ParentMismatch")
    # The invitees in another order hash to another value.
    inv = k.invitees_of(prev)
    out = chain(dict(good, invitees=k.invitees_hash(inv[::-1]).hex()))
    assert out["report"]["error_kind"] == "ParentMismatch" and out["responses"] == []
    # Inheriting only genre: the responses still cover every feature of the previous stage.
    out = chain(dict(good, inherited=["genre"]))
    assert out["valid"] and {r["feature"] for r in out["responses"]} == {"commune", "genre", None}
    # The previous stage verified against another published commitment fails its own manifest step.
    out = k.verify_chain(prev, {"commitment": stage["commitment"]}, stage, c["published"])
    assert k.failed_step(out["previous"]) == "manifest" and out["report"]["error_kind"] == "ParentMismatch"


def test_sealed_previous_stage():
    """5.3, 12.1: in a sealed previous stage, an invitee's values are the previous bundle's opening
    of it; the response rates count them the same way."""
    d = _sealed_draw()
    prev = _bundle(d)
    opened = {op["ticket"]: op["values"] for op in d["openings"]}
    invitees = k.invitees_of(prev)
    rec = make_vectors.record
    pool = [rec(f"S2-{i}", [opened[t][0], ["oui", "non"][i % 2]], link=t) for i, t in enumerate(invitees[:5])]
    features = [make_vectors.feat("genre", make_vectors.GENRE, [(0, 2), (0, 2)]),
                make_vectors.feat("avis", ["oui", "non"], [(0, 2), (0, 2)])]
    parent = k.parent_json(prev, ["genre"])
    m = make_vectors.manifest("Étape après un tirage scellé", {"name": "uniform"}, 2, 1, features, pool,
                              recipe=make_vectors.hex_recipe("g"), min_cell=1, parent=parent)
    b = k.make_bundle(m, pool, make_vectors.hex_reveal("01"))
    out = k.verify_chain(prev, {"commitment": prev["commitment"]}, b, {"commitment": b["commitment"]})
    assert out["valid"] and out["verdict"] == "valid_if"
    expected = []
    for j, f in enumerate(prev["manifest"]["features"]):
        for v in f["values"]:
            expected.append({"feature": f["name"], "value": v["value"],
                             "invited": sum(1 for t in invitees if opened[t][j] == v["value"]),
                             "volunteered": sum(1 for t in invitees[:5] if opened[t][j] == v["value"])})
    expected.append({"feature": None, "value": None, "invited": len(invitees), "volunteered": 5})
    assert out["responses"] == expected
    bad = [dict(r) for r in pool]
    bad[1]["values"] = [make_vectors.other_value(make_vectors.GENRE, bad[1]["values"][0]), bad[1]["values"][1]]
    m2 = dict(m, pool={"root": make_vectors.pool_root(bad), "count": len(bad)})
    b2 = k.make_bundle(m2, bad, make_vectors.hex_reveal("01"))
    out = k.verify_chain(prev, {"commitment": prev["commitment"]}, b2, {"commitment": b2["commitment"]})
    assert (k.failed_step(out["report"]), out["report"]["error_kind"]) == ("inherited", "InheritedMismatch")


def test_chain_report_shape():
    _, by_name = _chain()
    c = by_name["honest_sealed"]
    out = k.verify_chain(c["previous"], c["previous_published"], c["bundle"], c["published"], c["replacements"])
    assert set(out) == {"verdict", "valid", "previous", "report", "responses"}
    assert out["verdict"] == "valid_if" and out["valid"]
    for row in out["responses"]:
        assert set(row) == {"feature", "value", "invited", "volunteered"}
    assert out["responses"][-1]["feature"] is None and out["responses"][-1]["value"] is None
    assert out["responses"][-1]["volunteered"] == c["bundle"]["manifest"]["pool"]["count"]
    # The replacement record's openings are checked against the invitees too (12.1 `inherited`).
    status = {s["id"]: s["status"] for s in out["report"]["steps"]}
    assert status["replacements"] == "passed" and status["inherited"] == "passed"
    assert c["replacements"][0]["openings"]
    inherited = [s for s in out["report"]["steps"] if s["id"] == "inherited"][0]
    n = len(c["bundle"]["openings"]) + len(c["replacements"][0]["openings"])
    assert inherited["computed"] == str(n)


def test_stage_receipts():
    _, by_name = _chain()
    c = by_name["honest_open"]
    stage = c["bundle"]
    rc = k.make_receipt(stage, 0, make_vectors.secret_of(stage["pool"][0]["ticket"]))
    assert rc["record"]["link"] and k.check_receipt(rc, stage)["matches"]
    # The link is in the leaf: a receipt whose record's link was changed fails the proof (check 2).
    other = dict(rc, record=dict(rc["record"], link=stage["pool"][1]["link"]))
    assert k.check_receipt(other, stage)["check"] == 2
    assert k.check_path(c["previous"], stage, None, other)["error_kind"] == "ReceiptMismatch"
    # A receipt of the stage whose link is not an invitee: the not_invited case.
    ni = by_name["not_invited"]
    b = ni["bundle"]
    i = next(j for j, r in enumerate(b["pool"]) if r["link"] not in k.invitees_of(ni["previous"]))
    rc = k.make_receipt(b, i, make_vectors.secret_of(b["pool"][i]["ticket"]))
    assert k.check_receipt(rc, b)["matches"]
    assert k.check_path(ni["previous"], b, None, rc)["error_kind"] == "ReceiptMismatch"


# ---------------------------------------------------------------------------
# Section 9.6: maxent (draft, version 3)
# ---------------------------------------------------------------------------

class _Fixed:
    """A stream that gives fixed 64-bit draws."""

    def __init__(self, xs):
        self.xs = list(xs)
        self.words64_consumed = 0

    def next_u64(self):
        self.words64_consumed += 1
        return self.xs.pop(0)


def _esym(weights, c) -> int:
    """e_c(weights) by listing every c-subset."""
    return sum(math.prod(weights[i] for i in comb) for comb in itertools.combinations(range(len(weights)), c))


def _subset_listing(weights, c, i=0) -> list:
    """Every value of subset_j(c, q), q = 0, 1, ..., in order, by the recursion 9.6's loop unrolls: the
    subsets that take member i come first, w_i times over (each time every subset of the rest, in
    order), then those that leave it out."""
    if c == 0:
        return [[]]
    if i == len(weights):
        return []
    rest = _subset_listing(weights, c - 1, i + 1)
    return [[i] + x for _ in range(weights[i]) for x in rest] + _subset_listing(weights, c, i + 1)


def _maxent_manifest(pool, features, counted, k_, weights=None, household_rule=False, max_attempts=100, A=0):
    return make_vectors.manifest("Entropie maximale", make_vectors.maxent_method(counted, max_attempts, weights), k_, A,
                                 features, pool, recipe=make_vectors.hex_recipe("graine"),
                                 household_rule=household_rule)


def _meets_counted(M, recs, panel) -> bool:
    """The panel meets the quotas of the counted features (by their names)."""
    counted = M["method"]["counted"]
    return not [q for q in k.broken_quotas(M, recs, panel) if q.split("=")[0] in counted]


def _brute_force_total(M, recs) -> tuple:
    """(Z, panels): Z as 9.6 defines it, by listing every k-subset of the pool: the sum, over the
    subsets that meet the counted quotas, of the product of their members' weights."""
    w = M["method"]["weights"] or [1] * len(recs)
    total, panels = 0, []
    for comb in itertools.combinations(range(len(recs)), M["panel_size"]):
        if _meets_counted(M, recs, list(comb)):
            total += math.prod(w[i] for i in comb)
            panels.append(comb)
    return total, panels


def _brute_force_cells(M, recs, C) -> int:
    """The cells of 9.6 by listing, for each j, every choice of c_i in 0..n_i for the types i < j for which
    every step is within the caps and has a successor. A state is t and a dict of the counts by counted
    (feature name, value position), without the entries at 0; the successor is made as the text of 9.6
    says: c added to t and to the count of each value of the type, then each counted value that the
    type finishes (no later type has it) is checked against its minimum and set to 0."""
    features = {f["name"]: f for f in M["features"]}
    counted = M["method"]["counted"]
    types = [t["values"] for t in C.types]
    k_ = M["panel_size"]

    def bound(f, x, key):
        return features[counted[f]]["values"][x][key]

    def successor(state, i, c):
        t, counts = state
        if t + c > k_:
            return "caps"
        counts = dict(counts)
        for f, x in enumerate(types[i]):
            if counts.get((f, x), 0) + c > bound(f, x, "max"):
                return "caps"
            counts[(f, x)] = counts.get((f, x), 0) + c
        for f, x in enumerate(types[i]):
            if all(later[f] != x for later in types[i + 1:]):
                if counts[(f, x)] < bound(f, x, "min"):
                    return None
                counts[(f, x)] = 0
        return (t + c, frozenset((key, v) for key, v in counts.items() if v))

    cells = 0
    for j in range(len(C.types) + 1):
        states = set()
        for cs in itertools.product(*[range(len(t["members"]) + 1) for t in C.types[:j]]):
            s = (0, frozenset())
            for i, c in enumerate(cs):
                s = successor(s, i, c)
                if s is None or s == "caps":
                    break
            if s is not None and s != "caps":
                states.add(s)
        cells += len(states)
    return cells


def _without_finished_cells(C) -> int:
    """The cells of a count whose states keep every count to the end (no count set to 0 when its value
    is finished, no minimum checked before the last type): an upper bound of the cells of 9.6."""
    layer, cells = {C.start}, 1
    for ty in C.types:
        nxt = set()
        for s in layer:
            for c in range(len(ty["members"]) + 1):
                s2 = list(s)
                for p in ty["entries"]:
                    s2[p] += c
                if any(s2[p] > C.caps[p] for p in ty["entries"]):
                    break
                nxt.add(tuple(s2))
        layer = nxt
        cells += len(layer)
    return cells


def _random_pool(label, n, households=0):
    return make_vectors.make_pool(label, n, [make_vectors.GENRE, make_vectors.AGE], households=households)


TINY_FEATURES = [make_vectors.feat("genre", make_vectors.GENRE, [(1, 2), (1, 3)]),
                 make_vectors.feat("âge", make_vectors.AGE, [(0, 2), (1, 2), (0, 1)])]


def test_maxent_method_json_and_bytes():
    m = {"name": "maxent", "counted": ["genre", "âge"], "max_attempts": 10000, "weights": [3, 1]}
    by_hand = (b"\x05" + (2).to_bytes(4, "big") + _str_by_hand("genre") + _str_by_hand("âge")
               + (10000).to_bytes(4, "big") + (2).to_bytes(4, "big") + (3).to_bytes(4, "big") + (1).to_bytes(4, "big"))
    assert k.method_bytes(k.parse_method(m)) == by_hand
    # `weights` absent is the empty list.
    absent = {"name": "maxent", "counted": [], "max_attempts": 1}
    assert k.method_bytes(k.parse_method(absent)) == b"\x05" + bytes(4) + (1).to_bytes(4, "big") + bytes(4)
    assert k.method_bytes(k.parse_method(dict(absent, weights=[]))) == k.method_bytes(k.parse_method(absent))
    for bad in ({"name": "maxent", "max_attempts": 1}, {"name": "maxent", "counted": []},
                dict(absent, weights=[2**32]), dict(absent, weights=[-1]), dict(absent, weights=None),
                dict(absent, extra=1), dict(absent, counted="genre")):
        raises("Json", k.check_shape, bad, k.METHOD, "method")


def test_maxent_manifest_rules():
    pool = _random_pool("maxent-rules", 10, households=3)
    features = TINY_FEATURES
    ok = _maxent_manifest(pool, features, ["genre", "âge"], 3, household_rule=True)
    k.parse_manifest(ok)

    def with_method(**changes):
        return dict(ok, method=dict(ok["method"], **changes))

    # `counted` in any order (9.6).
    for counted in ([], ["genre"], ["âge"], ["genre", "âge"], ["âge", "genre"]):
        k.parse_manifest(with_method(counted=counted))
    raises("UnknownFeature", k.parse_manifest, with_method(counted=["genre", "commune"]))
    raises("UnknownFeature", k.parse_manifest, with_method(counted=["Genre"]))
    raises("InvalidMethod", k.parse_manifest, with_method(counted=["genre", "genre"]))
    raises("InvalidMethod", k.parse_manifest, with_method(counted=["âge", "genre", "âge"]))
    # Each name in list order, the two rules in turn: the unknown name comes first here.
    raises("UnknownFeature", k.parse_manifest, with_method(counted=["commune", "genre", "genre"]))
    raises("InvalidMethod", k.parse_manifest, with_method(counted=["genre", "genre", "commune"]))
    raises("InvalidText", k.parse_manifest, with_method(counted=[""]))
    for a in (1, 100000):
        k.parse_manifest(with_method(max_attempts=a))
    for a in (0, 100001):
        raises("InvalidMethod", k.parse_manifest, with_method(max_attempts=a))
    k.parse_manifest(with_method(weights=[1] * 10))
    k.parse_manifest(with_method(weights=[2**32 - 1] * 10))
    for w in ([1] * 9, [1] * 11, [1] * 9 + [0]):
        raises("InvalidMethod", k.parse_manifest, with_method(weights=w))
    # 5.1: the household rule is allowed; sealed is refused (InvalidMethod), before the method's own rules.
    sealed = dict(ok, sealed=True)
    raises("InvalidMethod", k.parse_manifest, sealed)
    raises("InvalidMethod", k.parse_manifest, dict(sealed, method=dict(ok["method"], max_attempts=0)))
    # The manifest's own rules come first: a quota fault is reported before the method's.
    bad_quota = copy.deepcopy(with_method(max_attempts=0))
    bad_quota["features"][0]["values"][0]["min"] = 5
    raises("QuotaMinAboveMax", k.parse_manifest, bad_quota)


def test_elementary_symmetric_and_subsets_by_listing():
    for weights in ([1] * 5, [3, 1, 2, 1, 5], [1], [2, 2], [7, 1, 4, 1, 9, 2], [1] * 7):
        n = len(weights)
        E = k.elementary_suffixes(weights, n)
        for i in range(n + 1):
            for r in range(n + 1):
                assert E[i][r] == _esym(weights[i:], r), (weights, i, r)
        for c in range(n + 1):
            W = _esym(weights, c)
            hits: dict = {}
            listing = _subset_listing(weights, c)
            assert len(listing) == W
            for q in range(W):
                chosen = k.subset_unrank(weights, c, q)
                assert len(chosen) == c and chosen == sorted(set(chosen))
                assert chosen == listing[q]
                hits[tuple(chosen)] = hits.get(tuple(chosen), 0) + 1
            assert len(hits) == math.comb(n, c)
            for chosen, h in hits.items():
                assert h == math.prod(weights[i] for i in chosen)
            for q in (-1, W):
                try:
                    k.subset_unrank(weights, c, q)
                except ValueError:
                    pass
                else:
                    raise AssertionError("q out of range")


def test_uniform_big_rule():
    # Below 2^64 it is uniform(N) of section 8.
    key = hashlib.sha256(b"uniform_big").digest()
    for n in (1, 2, 1000, 2**64 - 1):
        a, b = k.Stream(key), k.Stream(key)
        assert [k.uniform_big(a, n) for _ in range(6)] == [k.uniform(b, n) for _ in range(6)]
        assert a.words64_consumed == b.words64_consumed
    # N = 2^64: b = 65, w = 2, r = x_0 + (x_1 mod 2) 2^64.
    st = _Fixed([5, 2**64 - 1, 7, 2])
    assert k.uniform_big(st, 2**64) == 7 and st.words64_consumed == 4
    # N = 2^64 + 1: r = 2^64 is accepted, 2^64 + 1 is not.
    st = _Fixed([1, 1, 0, 1])
    assert k.uniform_big(st, 2**64 + 1) == 2**64 and st.words64_consumed == 4
    # N = 3 * 2^128: b = 130, w = 3, the first draw least significant.
    N = 3 * 2**128
    st = _Fixed([11, 22, 2**64 - 1, 11, 22, 2**64 - 2])
    assert k.uniform_big(st, N) == 11 + 22 * 2**64 + 2 * 2**128 and st.words64_consumed == 6
    # On a real stream, against the words of section 7 read by hand.
    for n in (2**64, 2**100 + 12345, 3**200, 2**128 - 1, 2**128):
        st = k.Stream(key)
        words = k.Stream(key)
        b, w = n.bit_length(), -(-n.bit_length() // 64)
        for _ in range(5):
            while True:
                r = sum(words.next_u64() << (64 * i) for i in range(w)) % 2**b
                if r < n:
                    break
            assert k.uniform_big(st, n) == r
        assert st.words64_consumed == words.words64_consumed


def test_maxent_count_by_enumeration():
    """Z, by listing every k-subset, with and without weights, on small pools; the cells by listing
    every choice of counts; and the types."""
    pools = [(_random_pool("maxent-count", 11, households=2), TINY_FEATURES, 3),
             (_random_pool("maxent-count-2", 12), TINY_FEATURES, 4),
             (make_vectors.maxent_enumerable()[0], make_vectors.maxent_enumerable()[1], 4)]
    tight = copy.deepcopy(TINY_FEATURES)
    tight[0]["values"][0].update(min=2, max=2)
    pools.append((_random_pool("maxent-count-3", 10), tight, 4))
    # A counted value that no record has (absent): with min 0 the count goes on, with min 1 Z = 0.
    absent_pool, absent_min_1 = _absent_pool(), copy.deepcopy(TINY_FEATURES)
    absent_min_1[1]["values"][2].update(min=1, max=1)
    pools += [(absent_pool, TINY_FEATURES, 3), (absent_pool, absent_min_1, 3)]
    zero = 0
    for pool, features, kk in pools:
        wrng = make_vectors.Det("maxent-count/weights/" + pool[0]["ticket"])
        weights = [1 + wrng.below(4) for _ in pool]
        for counted in ([], ["genre"], ["âge"], ["genre", "âge"], ["âge", "genre"]):
            for w in (None, weights):
                m = _maxent_manifest(pool, features, counted, kk, w, household_rule=any(r["household"] for r in pool))
                M = k.parse_manifest(m)
                recs = k.parse_pool(M, pool)
                C = k.maxent_count(M, recs)
                total, _ = _brute_force_total(M, recs)
                assert C.Z == total, (counted, w, C.Z, total)
                assert C.cells == _brute_force_cells(M, recs, C)
                assert C.cells <= _without_finished_cells(C)
                zero += C.Z == 0
                if features is absent_min_1 and "âge" in counted:
                    assert C.Z == 0
                if features is TINY_FEATURES and pool is absent_pool:
                    assert C.Z > 0
                # Types: value positions in counted order, lexicographic, members in pool order.
                fidx = [[f["name"] for f in features].index(c) for c in counted]
                keys = [tuple([v["value"] for v in features[f]["values"]].index(r["values"][f]) for f in fidx)
                        for r in pool]
                assert [tuple(t["values"]) for t in C.types] == sorted(set(keys))
                assert sum((t["members"] for t in C.types), []) == sorted(range(len(pool)), key=lambda i: keys[i])
                # Without a counted feature, one type and Z = e_k(weights).
                if not counted:
                    assert len(C.types) == 1 and C.Z == _esym(w or [1] * len(pool), kk)
                    assert C.cells == 1 + (min(len(pool), kk) + 1)
    assert zero >= 4


def _absent_pool(n=10):
    """n people, every one aged below 60: the value "60 ans et plus" of âge is absent."""
    ages = make_vectors.AGE
    pool = make_vectors.make_pool(f"maxent-absent-{n}", n, [make_vectors.GENRE, ages], weights=[[1, 1], [1, 1, 0]])
    assert {r["values"][1] for r in pool} == set(ages[:2])
    return pool


def test_maxent_counted_order():
    """The order of `counted` sets the order of the types and the number of cells, never Z."""
    for pool, features, kk in ((make_vectors.maxent_enumerable()[0], make_vectors.maxent_enumerable()[1], 4),
                               (_random_pool("maxent-order", 12, households=3), TINY_FEATURES, 4)):
        wrng = make_vectors.Det("maxent-order/weights/" + pool[0]["ticket"])
        weights = [1 + wrng.below(5) for _ in pool]
        counts = {}
        for counted in (["genre", "âge"], ["âge", "genre"]):
            rule = any(r["household"] for r in pool)
            m = _maxent_manifest(pool, features, counted, kk, weights, household_rule=rule)
            M = k.parse_manifest(m)
            counts[counted[0]] = k.maxent_count(M, k.parse_pool(M, pool))
        a, b = counts["genre"], counts["âge"]
        assert a.Z == b.Z > 0 and a.cells != b.cells
        # The types of one order are those of the other, their value positions swapped.
        assert sorted((tuple(t["values"][::-1]), t["members"]) for t in a.types) == \
            [(tuple(t["values"]), t["members"]) for t in b.types]
    # The verify.json case beyond the cell limit passes it with `counted` reversed, with the same Z.
    m, pool, _ = make_vectors.maxent_cell_limit_inputs(("groupe", "genre"))
    M = k.parse_manifest(m)
    C = k.maxent_count(M, k.parse_pool(M, pool))
    assert C.cells == make_vectors.MAXENT_CELL_LIMIT_REVERSED_CELLS
    # Z by the panels of 8 per groupe cap: the number of ways to take 24 of 96 with at most 8 of each groupe
    # (16 people each), genre free.
    per_group = [math.comb(16, c) for c in range(9)]
    poly = [1]
    for _ in range(6):
        poly = [sum(poly[i] * per_group[d - i] for i in range(len(poly)) if 0 <= d - i <= 8)
                for d in range(len(poly) + 8)]
    assert C.Z == poly[24]


def test_maxent_successors_follow_the_text():
    """The successors listed at once (MaxentCount.successors) are those of the text of 9.6, c by c:
    c = 0, 1, ..., n_j while within the caps, skipping the c that have no successor."""
    pools = [(_random_pool("maxent-count", 11, households=2), TINY_FEATURES, 3), (_absent_pool(), TINY_FEATURES, 3)]
    tight = copy.deepcopy(TINY_FEATURES)
    tight[1]["values"][1].update(min=2, max=3)
    pools.append((_random_pool("maxent-count-2", 12), tight, 4))
    skipped = 0
    for pool, features, kk in pools:
        for counted in (["genre"], ["âge"], ["genre", "âge"], ["âge", "genre"]):
            m = _maxent_manifest(pool, features, counted, kk, household_rule=any(r["household"] for r in pool))
            M = k.parse_manifest(m)
            C = k.maxent_count(M, k.parse_pool(M, pool))
            for j, ty in enumerate(C.types):
                for s in C.layers[j]:
                    by_text = []
                    for c in range(len(ty["members"]) + 1):
                        if not C.within_caps(s, j, c):
                            break
                        s2 = C.next(s, j, c)
                        if s2 is None:
                            skipped += 1
                            continue
                        by_text.append((c, s2))
                    assert list(C.successors(s, j)) == by_text
    assert skipped > 0


def test_maxent_walk_hits_each_panel_by_its_weight():
    """On a tiny pool, every q in [0, Z) walks to a panel that meets the counted quotas, in walk order
    (by type, then pool order), and each such panel comes out exactly (product of its weights) times."""
    absent = _absent_pool(8)
    cases = [(_random_pool("maxent-walk", 8, households=2), counted, True)
             for counted in ([], ["genre"], ["genre", "âge"], ["âge", "genre"], ["âge"])]
    # A counted value that no record has, with min 0.
    cases += [(absent, counted, False) for counted in (["âge"], ["genre", "âge"], ["âge", "genre"])]
    for pool, counted, rule in cases:
        for w in (None, [1, 3, 2, 1, 1, 4, 2, 1]):
            m = _maxent_manifest(pool, TINY_FEATURES, counted, 3, w, household_rule=rule)
            M = k.parse_manifest(m)
            recs = k.parse_pool(M, pool)
            C = k.maxent_count(M, recs)
            total, panels = _brute_force_total(M, recs)
            assert C.Z == total and total > 0
            order = [i for t in C.types for i in t["members"]]
            hits: dict = {}
            for q in range(C.Z):
                panel = C.walk(q)
                assert len(panel) == 3 and _meets_counted(M, recs, panel)
                assert panel == sorted(panel, key=order.index)
                hits[tuple(sorted(panel))] = hits.get(tuple(sorted(panel)), 0) + 1
            assert sorted(hits) == panels
            weights = w or [1] * len(pool)
            for p, h in hits.items():
                assert h == math.prod(weights[i] for i in p)


def test_maxent_cell_limit():
    pool = _random_pool("maxent-cells", 12)
    m = _maxent_manifest(pool, TINY_FEATURES, ["genre", "âge"], 4)
    M = k.parse_manifest(m)
    recs = k.parse_pool(M, pool)
    cells = k.maxent_count(M, recs).cells
    assert k.MaxentCount(M, recs, limit=cells).cells == cells
    raises("InvalidMethod", k.MaxentCount, M, recs, cells - 1)
    assert k.MAXENT_CELL_LIMIT == 1_000_000
    # The verify.json case: 1,975,991 cells; listing stops at the first cell beyond the limit.
    m, pool, reveal = make_vectors.maxent_cell_limit_inputs()
    M = k.parse_manifest(m)
    recs = k.parse_pool(M, pool)
    try:
        k.maxent_count(M, recs)
    except k.KleroterionError as e:
        assert e.kind == "InvalidMethod" and e.computed == "1000001" and e.published == "1000000"
    else:
        raise AssertionError("expected InvalidMethod")
    raises("InvalidMethod", k.draw, m, pool, reveal)


def test_maxent_weight_term_limit():
    # 20,000 records of one type and a panel of 500: 20,000 x 501 = 10,020,000 weight terms.
    n, panel = 20_000, 500
    pool = [make_vectors.record(make_vectors.ticket("terms", i), ["x"]) for i in range(n)]
    features = [make_vectors.feat("g", ["x"], [(0, panel)])]
    M = k.parse_manifest(_maxent_manifest(pool, features, [], panel))
    recs = k.parse_pool(M, pool)
    try:
        k.MaxentCount(M, recs)
    except k.KleroterionError as e:
        assert e.kind == "InvalidMethod" and e.computed == "10020000" and e.published == "10000000"
    else:
        raise AssertionError("expected InvalidMethod")
    assert k.MAXENT_WEIGHT_TERM_LIMIT == 10_000_000


def test_maxent_draw_rejects_then_accepts():
    """9.6, the draw: attempt a on the stream (panel, a); the attempts before the accepted one walk to
    panels that break a quota or the household rule; res ends with u32(rejections) (11)."""
    m, pool, reveal = make_vectors.maxent_households_inputs()
    d = k.draw(m, pool, reveal)
    M, recs, seed = d["M"], d["recs"], d["seed"]
    C = k.maxent_count(M, recs)
    assert d["rejections"] >= 2
    for a in range(d["rejections"] + 1):
        panel = C.walk(k.uniform_big(k.stream_for(seed, "panel", a), C.Z))
        compliant = not k.broken_quotas(M, recs, panel) and not k.broken_households(M, recs, panel)
        assert compliant == (a == d["rejections"])
    assert panel == d["selected"]
    res = (len(d["selected"]).to_bytes(4, "big") + b"".join(i.to_bytes(4, "big") for i in d["selected"])
           + len(d["alternates"]).to_bytes(4, "big") + b"".join(i.to_bytes(4, "big") for i in d["alternates"])
           + d["rejections"].to_bytes(4, "big"))
    assert d["transcript"] == k.H("transcript", d["commitment"] + seed + res)
    # 10.1: the alternates exclude the panel's households.
    hh = {recs[i][2] for i in d["selected"]} - {None}
    assert not any(recs[i][2] in hh for i in d["alternates"])
    # The bundle carries the number of rejections, and only a maxent bundle does (14).
    b = k.make_bundle(m, pool, reveal)
    assert b["result"]["rejections"] == d["rejections"]
    assert k.verify(b)["valid"]
    for edit in (lambda x: x["result"].pop("rejections"), lambda x: x["result"].update(rejections=1),
                 lambda x: x["result"].update(rejections=d["rejections"] + 1)):
        t = copy.deepcopy(b)
        edit(t)
        r = k.verify(t)
        assert (k.failed_step(r), r["error_kind"]) == ("draw", "DrawMismatch")
    t = copy.deepcopy(b)
    t["result"]["rejections"] = None
    assert k.verify(t)["error_kind"] == "UnreadableBundle"
    u = make_vectors.honest_bundle()
    assert "rejections" not in u["result"]
    u["result"]["rejections"] = 0
    r = k.verify(u)
    assert (k.failed_step(r), r["error_kind"]) == ("draw", "DrawMismatch")
    # Every attempt rejected, and Z = 0.
    raises("DrawFailed", k.draw, *make_vectors.maxent_households_inputs(1, "maxent-fail"))


def test_maxent_record_of_picks():
    """10.3: one pick per 64-bit draw of uniform_big (index a, among 0, position 0) when Z >= 2^64; the
    pick of uniform(Z) otherwise."""
    m, pool, reveal = make_vectors.maxent_large_inputs()
    d, picks = k.trace_draw(m, pool, reveal)
    Z = k.maxent_count(d["M"], d["recs"]).Z
    assert Z >= 2**64
    w = -(-Z.bit_length() // 64)
    panel = [p for p in picks if p["stream"] == "panel"]
    assert all(p["among"] == 0 and p["position"] == 0 and p["rejected"] == 0 for p in panel)
    for a in range(d["rejections"] + 1):
        mine = [p for p in panel if p["index"] == a]
        st = k.stream_for(d["seed"], "panel", a)
        assert [p["value"] for p in mine] == [f"{st.next_u64():016x}" for _ in mine]
        assert len(mine) % w == 0 and mine
    assert len(panel) > w * (d["rejections"] + 1)
    m, pool, reveal = make_vectors.maxent_inputs()
    d, picks = k.trace_draw(m, pool, reveal)
    Z = k.maxent_count(d["M"], d["recs"]).Z
    panel = [p for p in picks if p["stream"] == "panel"]
    assert [p["index"] for p in panel] == list(range(d["rejections"] + 1))
    assert all(p["among"] == Z for p in panel)


def test_maxent_replacements_keep_quotas():
    """10.2: maxent replaces like greedy and lottery, and lists the quotas the final panel breaks."""
    m, pool, reveal = make_vectors.maxent_inputs()
    d = k.draw(m, pool, reveal)
    recs = d["recs"]
    for dropped in ([d["selected"][0]], d["selected"][2:5]):
        r = k.replace(m, pool, reveal, None, [recs[i][0] for i in dropped])
        tix = {x[0]: i for i, x in enumerate(recs)}
        panel = [tix[t] for t in r["panel"]]
        assert r["broken_quotas"] == k.broken_quotas(d["M"], recs, panel)
    sel = d["selected"]
    genre = recs[sel[0]][1][0]
    same = [recs[i][0] for i in range(len(recs)) if recs[i][1][0] == genre and i not in sel]
    r = k.replace(m, pool, reveal, None, same + [recs[sel[0]][0]])
    assert r["broken_quotas"], r


def test_vectors_maxent():
    v = load("maxent.json")
    for c in cases(v, "uniform_big"):
        assert c["purpose"] == "panel"
        st = k.stream_for(bytes.fromhex(c["seed"]), c["purpose"], c["index"])
        assert [str(k.uniform_big(st, int(c["n"]))) for _ in range(5)] == c["values"]
    assert {int(c["n"]) for c in v["uniform_big"]} >= {1, 2**64 - 1, 2**64, 2**64 + 1, 2**100 + 12345, 3**200}
    for c in cases(v, "subsets"):
        assert k.subset_unrank(c["weights"], c["c"], int(c["q"])) == c["chosen"]
        assert _subset_listing(c["weights"], c["c"])[int(c["q"])] == c["chosen"]
    edges = {(tuple(c["weights"]), c["c"], int(c["q"]) == 0, int(c["q"]) == _esym(c["weights"], c["c"]) - 1)
             for c in v["subsets"]}
    assert any(e[2] for e in edges) and any(e[3] for e in edges) and any(max(e[0]) > 1 for e in edges)
    enumerated = 0
    for c in cases(v, "counts"):
        M = k.parse_manifest(c["manifest"])
        recs = k.parse_pool(M, c["pool"])
        C = k.maxent_count(M, recs)
        assert [{"values": t["values"], "members": t["members"]} for t in C.types] == c["types"], c["name"]
        assert C.cells == c["cells"] and str(C.Z) == c["total"], c["name"]
        if len(c["pool"]) <= 14:
            total, _ = _brute_force_total(M, recs)
            assert str(total) == c["total"], c["name"]
            assert _brute_force_cells(M, recs, C) == c["cells"], c["name"]
            enumerated += 1
    names = {c["name"] for c in v["counts"]}
    assert {"enumerable", "enumerable_weighted", "maxent", "maxent_large", "maxent_no_panel"} <= names
    assert enumerated >= 3
    assert any(int(c["total"]) >= 2**64 for c in v["counts"]) and any(c["total"] == "0" for c in v["counts"])
    for c in cases(v, "methods"):
        meth = c["method"]
        by_hand = (b"\x05" + len(meth["counted"]).to_bytes(4, "big") + b"".join(_str_by_hand(x) for x in meth["counted"])
                   + meth["max_attempts"].to_bytes(4, "big") + len(meth.get("weights", [])).to_bytes(4, "big")
                   + b"".join(x.to_bytes(4, "big") for x in meth.get("weights", [])))
        assert k.method_bytes(k.parse_method(meth)).hex() == c["bytes"] == by_hand.hex()
    # The draws of draws.json have their counts here.
    draws = load("draws.json")
    maxent_draws = {d["name"] for d in draws["draws"] + draws["failures"] if d["manifest"]["method"]["name"] == "maxent"}
    assert maxent_draws <= names


# ---------------------------------------------------------------------------
# Vector files
# ---------------------------------------------------------------------------

VECTOR_FILES = ["encoding.json", "merkle.json", "seed.json", "stream.json", "sampling.json", "draws.json",
                "lottery.json", "verify.json", "pools.json", "receipts.json", "chains.json", "maxent.json"]


def _header(v):
    assert v["spec"] == "kleroterion/v2"
    assert v["generated_by"] == make_vectors.GENERATED_BY
    assert isinstance(v["description"], str)


def test_vectors_headers():
    for name in VECTOR_FILES:
        _header(load(name))


def _parent_by_hand(P: dict) -> bytes:
    """5: parent(P) = raw32(commitment) || raw32(invitees) || list(str, inherited), by hand."""
    return (bytes.fromhex(P["commitment"]) + bytes.fromhex(P["invitees"]) + len(P["inherited"]).to_bytes(4, "big")
            + b"".join(_str_by_hand(n) for n in P["inherited"]))


def test_vectors_encoding():
    v = load("encoding.json")
    for c in cases(v, "records"):
        r = k.parse_record(c["record"])
        assert k.rec_bytes(r).hex() == c["bytes"]
        assert k.leaf_hash(r).hex() == c["leaf"]
        # Section 4: holder = H("holder", raw32(secret)), the 32 bytes of rec(r) (and srec(r)) before
        # opt(str, link).
        assert k.holder_of(bytes.fromhex(c["secret"])) == r[3]
        assert c["bytes"].endswith((r[3] + k.enc_opt(k.enc_str, c["record"].get("link"))).hex())
        sealed = "seal" in c["record"]
        assert sealed == ("opening" in c) == ("seal_bytes" in c) == ("seal" in c)
        if sealed:
            # 4.1: the opening's seal message, its seal, and srec(r) = str(ticket) || raw32(seal) || ...
            op = k.parse_opening(c["opening"])
            assert c["record"]["values"] == [] and op["ticket"] == c["record"]["ticket"]
            assert k.seal_bytes(op["ticket"], op["values"], op["salt"]).hex() == c["seal_bytes"]
            assert _seal_by_hand(op["ticket"], op["values"], op["salt"]).hex() == c["seal"] == c["record"]["seal"]
            assert c["bytes"].startswith((k.enc_str(op["ticket"]) + bytes.fromhex(c["seal"])).hex())
            assert _sealed_leaf_by_hand(c["record"]).hex() == c["leaf"]
    assert any("household" not in c["record"] for c in v["records"])
    assert any(c["record"]["holder"] != c["record"]["holder"].lower() for c in v["records"])
    sealed_records = [c for c in v["records"] if "seal" in c["record"]]
    assert sealed_records and any(c["opening"]["values"] == [] for c in sealed_records)
    assert any(c["opening"]["salt"] == "00" * 32 for c in sealed_records)
    assert any("household" not in c["record"] for c in sealed_records)
    for c in cases(v, "manifests"):
        M = k.parse_manifest(c["manifest"])
        assert k.manifest_bytes(M).hex() == c["bytes"]
        assert k.commitment(M).hex() == c["commitment"]
        assert hashlib.sha256(k.enc_str("kleroterion/v2/manifest") + bytes.fromhex(c["bytes"])).hexdigest() == c["commitment"]
    methods = {c["manifest"]["method"]["name"] for c in v["manifests"]}
    assert methods == {"uniform", "stratified", "greedy", "lottery", "rfc3797"}
    purposes = {c["manifest"].get("purpose") for c in v["manifests"]}
    assert purposes == {None, "official", "rehearsal", "replay"}
    # Section 5: man(M) ends with u32(min_cell); absent means 1.
    floors = {c["manifest"].get("min_cell") for c in v["manifests"]}
    assert {None, 0, 1, 5} <= floors
    # Section 5: man(M) ends with u32(min_cell) || bool(sealed) || opt(parent, parent); sealed
    # absent means false, parent absent is one zero byte.
    for c in v["manifests"]:
        tail = k.enc_u32(c["manifest"].get("min_cell", 1)) + k.enc_bool(c["manifest"].get("sealed", False))
        P = c["manifest"].get("parent")
        tail += b"\x00" if P is None else b"\x01" + _parent_by_hand(P)
        assert c["bytes"].endswith(tail.hex())
    by_bytes = {}
    for c in v["manifests"]:
        by_bytes.setdefault(c["bytes"], set()).add(c["manifest"].get("min_cell"))
    assert {None, 1} in by_bytes.values()
    assert {c["manifest"].get("sealed") for c in v["manifests"]} == {None, False, True}
    by_sealed = {}
    for c in v["manifests"]:
        by_sealed.setdefault(c["bytes"], set()).add(c["manifest"].get("sealed"))
    assert any({None, False} <= x for x in by_sealed.values())
    assert all(c["manifest"]["method"]["name"] == "lottery" for c in v["manifests"] if c["manifest"].get("sealed"))
    # Linked stages (5.3): records with a link, open and sealed, ending with 0x01 || str(link).
    linked = [c for c in v["records"] if "link" in c["record"]]
    assert any("seal" in c["record"] for c in linked) and any("seal" not in c["record"] for c in linked)
    for c in linked:
        assert c["bytes"].endswith(("01" + _str_by_hand(c["record"]["link"]).hex()))
    for c in v["records"]:
        if "link" not in c["record"]:
            assert c["bytes"].endswith("00")
    # Manifests with a parent, one inheriting nothing and one sealed.
    parents = [c["manifest"]["parent"] for c in v["manifests"] if "parent" in c["manifest"]]
    assert any(P["inherited"] == [] for P in parents) and len({len(P["inherited"]) for P in parents}) >= 3
    assert any(c["manifest"].get("sealed") for c in v["manifests"] if "parent" in c["manifest"])
    for c in cases(v, "invitees"):
        message = len(c["tickets"]).to_bytes(4, "big") + b"".join(_str_by_hand(t) for t in c["tickets"])
        assert message.hex() == c["bytes"] == k.invitees_bytes(c["tickets"]).hex()
        assert hashlib.sha256(_str_by_hand("kleroterion/v2/invitees") + message).hexdigest() == c["hash"]
        assert k.invitees_hash(c["tickets"]).hex() == c["hash"]
    assert len({c["hash"] for c in v["invitees"]}) == len(v["invitees"])
    assert {c["error"] for c in v["invalid_manifests"] if "parent" in c["manifest"]} == {
        "DuplicateName", "UnknownFeature", "InvalidText"}
    for c in cases(v, "invalid_manifests"):
        raises(c["error"], k.parse_manifest, c["manifest"])
    for c in cases(v, "lottery_values"):
        s = k.parse_reveal({"sources": [c["value"]]})[0]
        assert k.source_val_bytes(s).hex() == c["bytes"]
        assert k.source_canonical_string(s) == c["rfc3797"]
    assert any("bonus" not in c["value"] for c in v["lottery_values"])
    for c in cases(v, "invalid_reveals"):
        raises(c["error"], make_vectors.reveal_form_check, c["reveal"])
    assert any(s.get("kind") == "drand" and s.get("round") == 0 for c in v["invalid_reveals"]
               for s in c["reveal"]["sources"])
    whats = {c["what"] for c in v["invalid_manifests"]}
    assert any("EuroMillions" in w for w in whats) and "a main group with from_main_drum true" in whats
    sealed_invalid = [c for c in v["invalid_manifests"] if c["manifest"].get("sealed")]
    assert {c["manifest"]["method"]["name"] for c in sealed_invalid} == {"uniform", "greedy", "stratified", "rfc3797"}
    assert all(c["error"] == "InvalidMethod" for c in sealed_invalid)
    for c in cases(v, "invalid_texts"):
        for cls, (lo, _) in k.TEXT_CLASSES.items():
            expected = None if c["reason"] == "empty" and lo == 0 else c["reason"]
            assert k.text_problem(c["text"], cls) == expected, (c, cls)
    reasons = {c["reason"] for c in v["invalid_texts"]}
    assert reasons == {"empty", "too long", "control character", "bidirectional formatting character",
                       "unassigned code point", "not NFC"}
    for c in cases(v, "valid_texts"):
        assert all(k.text_problem(c["text"], cls) is None for cls in k.TEXT_CLASSES), c


def test_vectors_merkle():
    v = load("merkle.json")
    assert [len(t["records"]) for t in v["trees"]] == [1, 2, 3, 4, 5, 7, 8, 13]
    for t in cases(v, "trees"):
        leaves = [k.leaf_hash(k.parse_record(r)) for r in t["records"]]
        assert [x.hex() for x in leaves] == t["leaves"]
        root = k.mth(leaves)
        assert root.hex() == t["root"]
        assert len(t["proofs"]) == len(leaves)
        for m, p in enumerate(cases(t, "proofs")):
            assert [x.hex() for x in k.audit_path(m, leaves)] == p
            assert k.verify_inclusion(leaves[m], m, len(leaves), [bytes.fromhex(x) for x in p], root)


def test_vectors_seed():
    v = load("seed.json")
    for c in cases(v, "cases"):
        src = k.parse_reveal(c["reveal"])
        assert k.reveal_bytes(src).hex() == c["reveal_bytes"]
        assert k.compute_seed(bytes.fromhex(c["commitment"]), src).hex() == c["seed"]
        assert k.rfc3797_key(src) == c["rfc3797_key"]


def test_vectors_stream():
    v = load("stream.json")
    for c in cases(v, "cases"):
        key = k.stream_key(bytes.fromhex(c["seed"]), c["purpose"], c["index"])
        assert key.hex() == c["key"]
        st = k.Stream(key)
        assert [str(st.next_u64()) for _ in range(64)] == c["words64"]


def test_vectors_sampling():
    v = load("sampling.json")
    for c in cases(v, "uniform"):
        st = k.Stream(bytes.fromhex(c["key"]))
        n = int(c["n"])
        assert [str(k.uniform(st, n)) for _ in range(20)] == c["results"]
        assert st.words64_consumed == c["words_consumed"]
    for c in cases(v, "sample"):
        assert k.sample(k.Stream(bytes.fromhex(c["key"])), c["n"], c["k"]) == c["result"]


def _bundle(d):
    b = {"format": "kleroterion-bundle", "spec": "kleroterion/v2", "manifest": d["manifest"],
         "commitment": d["commitment"], "pool": d["pool"], "reveal": d["reveal"], "seed": d["seed"],
         "result": {"selected": d["selected"], "alternates": d["alternates"]}, "transcript": d["transcript"]}
    if "rejections" in d:
        b["result"]["rejections"] = d["rejections"]
    if "openings" in d:
        b["openings"] = d["openings"]
    return b


def test_vectors_draws():
    v = load("draws.json")
    by_name = {}
    for d in cases(v, "draws"):
        by_name[d["name"]] = d
        r = k.draw(d["manifest"], d["pool"], d["reveal"])
        recs = r["recs"]
        assert r["commitment"].hex() == d["commitment"], d["name"]
        assert r["seed"].hex() == d["seed"], d["name"]
        assert [recs[i][0] for i in r["selected"]] == d["selected"], d["name"]
        assert [recs[i][0] for i in r["alternates"]] == d["alternates"], d["name"]
        assert r["transcript"].hex() == d["transcript"], d["name"]
        inter = d["intermediate"]
        assert inter["pool_root"] == r["M"]["pool_root"].hex()
        assert inter["leaves"] == [k.leaf_hash(x).hex() for x in recs]
        for key in make_vectors.DRAW_INFO_KEYS:
            assert inter.get(key) == r["info"].get(key), (d["name"], key)
        # 9.6, 14: the number of rejections is given exactly for maxent.
        maxent = d["manifest"]["method"]["name"] == "maxent"
        assert ("rejections" in d) == maxent and d.get("rejections") == r["rejections"], d["name"]
        assert list(d)[list(d).index("alternates") + 1] == ("rejections" if maxent else "transcript")
        if maxent:
            assert k.make_bundle(d["manifest"], d["pool"], d["reveal"]) == _bundle(d)
        report = k.verify(_bundle(d), {"commitment": d["commitment"]})
        assert [s["id"] for s in report["steps"]] == k.STEP_IDS
        assert report["valid"] and report["verdict"] == "valid_if", (d["name"], report)
        sealed = d["manifest"].get("sealed", False)
        assert sealed == ("openings" in d) == ("private_openings" in d), d["name"]
        status = {s["id"]: s["status"] for s in report["steps"]}
        assert status["openings"] == ("passed" if sealed else "skipped"), d["name"]
        if sealed:
            # Section 11: the bundle opens the panel then the alternates, from the organiser's openings.
            private = {op["ticket"]: op for op in d["private_openings"]}
            assert [op["ticket"] for op in d["private_openings"]] == [r_["ticket"] for r_ in d["pool"]]
            assert d["openings"] == [private[t] for t in d["selected"] + d["alternates"]]
            assert k.make_bundle(d["manifest"], d["pool"], d["reveal"], d["private_openings"]) == _bundle(d)
    for f in cases(v, "failures"):
        raises(f["error"], k.draw, f["manifest"], f["pool"], f["reveal"])
    for c in cases(v, "replacements"):
        d = by_name[c["draw"]]
        r = k.replace(d["manifest"], d["pool"], d["reveal"], bytes.fromhex(d["transcript"]), c["dropped"],
                      d.get("private_openings"))
        assert r["replacements"] == c["replacements"], c
        assert r["panel"] == c["panel"], c
        assert r["broken_quotas"] == c["broken_quotas"], c
        assert r["hash"].hex() == c["hash"], c
        assert r["openings"] == c.get("openings", []), c
        # A replacement record made from the bundle verifies (10.2, 12.1).
        rec = {"format": "kleroterion-replacement", "spec": "kleroterion/v2", "transcript": d["transcript"],
               "dropped": c["dropped"], "replacements": c["replacements"], "panel": c["panel"],
               "broken_quotas": c["broken_quotas"], "hash": c["hash"]}
        if "openings" in c:
            rec["openings"] = c["openings"]
        assert k.verify(_bundle(d), None, [rec])["valid"], c
    for c in v["replacements"]:
        keys = ["draw", "dropped", "replacements", "panel", "broken_quotas", "hash"]
        if by_name[c["draw"]]["manifest"].get("sealed"):
            keys.append("openings")
        assert list(c) == keys, c
    # Sealed replacements: candidates read beyond the alternates, and a fallback that reads them all.
    sealed_reps = [c for c in v["replacements"] if "openings" in c]
    assert any(c["openings"] == [] for c in sealed_reps)
    for c in sealed_reps:
        d = by_name[c["draw"]]
        assert all(op["ticket"] not in d["selected"] + d["alternates"] for op in c["openings"])
    assert any(c["openings"] and not c["broken_quotas"] for c in sealed_reps)
    assert any(c["openings"] and c["broken_quotas"] for c in sealed_reps)
    assert any(len(c["broken_quotas"]) > 2 for c in v["replacements"])
    names = {d["name"] for d in v["draws"]}
    assert {"uniform", "stratified_explicit", "stratified_largest_remainder", "stratified_sainte_lague",
            "greedy", "lottery", "rfc3797", "uniform_public_sources", "lottery_sealed"} <= names
    ls = by_name["lottery_sealed"]
    assert ls["manifest"]["household_rule"] and len(ls["pool"]) >= 12
    assert len(ls["manifest"]["method"]["portfolio"]) > 1
    assert by_name["greedy_households_retry"]["intermediate"]["attempt"] >= 1
    assert {"maxent", "maxent_households_retry", "maxent_one_type", "maxent_weighted", "maxent_large"} <= names
    assert by_name["maxent_households_retry"]["rejections"] >= 2
    assert by_name["maxent_households_retry"]["manifest"]["household_rule"]
    assert by_name["maxent_one_type"]["manifest"]["method"]["counted"] == []
    assert max(by_name["maxent_weighted"]["manifest"]["method"]["weights"]) > 1
    assert int(by_name["maxent_large"]["intermediate"]["total"]) >= 2**64
    assert {"maxent_no_panel", "maxent_single_attempt_rejected"} <= {f["name"] for f in v["failures"]}
    assert "maxent" in {c["draw"] for c in v["replacements"]}
    rfc = by_name["rfc3797"]
    assert rfc["selected"] == ["Lee", "Doc", "Mary", "Charity", "Kasczynski", "Envy", "Sneazy", "Anger",
                               "Chastity", "Pandora"]
    assert rfc["alternates"] == ["Sloth", "Sleepy", "Longsuffering", "Handsome", "John", "Dopey"]
    assert rfc["intermediate"]["rfc3797_key"] == "9319./2.5.8.10.12./9.18.26.34.41.45./"


def test_vectors_lottery():
    v = load("lottery.json")
    assert v["registry"] == [make_vectors.registry_json(k.REGISTRY[i]) for i in sorted(k.REGISTRY)]
    for c in cases(v, "summer"):
        if c["rule"] == "EU":
            start, end = k.eu_summer_utc(c["year"])
        else:
            start, end = (t + dh * k.HOUR for t, dh in zip(k.us_summer_local(c["year"]), (5, 4)))
        assert (k.format_time(start), k.format_time(end)) == (c["from"], c["to"])
        tz = zoneinfo.ZoneInfo(ZONES[c["rule"]][0][0])
        if c["year"] < 2038:
            just_before = datetime.datetime.fromtimestamp(k.parse_time(c["from"]) - 1, tz)
            at = datetime.datetime.fromtimestamp(k.parse_time(c["from"]), tz)
            assert at.utcoffset() - just_before.utcoffset() == datetime.timedelta(hours=1), c
    for c in cases(v, "draws"):
        entry = k.registry_entry(c["lottery"])
        days = k.parse_date(c["date"])
        assert k.registry_date_problem(entry, c["date"]) is None
        assert k.format_time(k.registry_draw_time(entry, days)) == c["utc"]
        source = k.parse_recipe({"sources": [{"kind": "lottery", "lottery": c["lottery"], "date": c["date"]}],
                                 "fallback": "next_value"})["sources"][0]
        assert k.format_time(k.source_time(source)) == c["utc"]
        y, m, d = k.civil_from_days(days)
        hh, mm = (int(x) for x in entry["draws"][k.WEEKDAYS[k.weekday(days)]].split(":"))
        if y < 2038:
            local = datetime.datetime(y, m, d, hh, mm, tzinfo=zoneinfo.ZoneInfo(entry["zone"]))
            assert k.format_time(int(local.timestamp())) == c["utc"], c
    for c in cases(v, "refused_dates"):
        raises(c["error"], k.parse_recipe, {"sources": [c["source"]], "fallback": "next_value"})
    assert {c["reason"] for c in v["refused_dates"]} == {"not a draw day", "before since", "malformed"}
    for c in cases(v, "numbers"):
        r = k.parse_recipe({"sources": [c["source"]], "fallback": "next_value"})

        def match(c=c, r=r):
            k.match_reveal(r, k.parse_reveal({"sources": [c["value"]]}))
        if c["error"] is None:
            match()
        else:
            raises(c["error"], match)
            if k.registry_entry(c["value"]["lottery"]) is not None:
                raises(c["error"], k.parse_reveal, {"sources": [c["value"]]})
    reasons = {c["reason"] for c in v["numbers"]}
    assert reasons == {None, "main count", "bonus groups", "bonus count", "out of range", "repeated number",
                       "main drum"}


def test_vectors_verify():
    v = load("verify.json")
    names = set()
    for c in cases(v, "cases"):
        assert c["name"] not in names
        names.add(c["name"])
        bundle = c["bundle_text"] if "bundle_text" in c else c["bundle"]
        report = k.verify(bundle, c["published"], c["replacements"],
                          skip_drand_signatures=make_vectors.has_drand(bundle))
        assert report["verdict"] == c["verdict"], c["name"]
        assert report["valid"] == c["valid"], c["name"]
        assert report["purpose"] == c["purpose"], c["name"]
        assert k.step_statuses(report) == c["steps"], c["name"]
        assert k.failed_step(report) == c["failed_step"], c["name"]
        assert report["error_kind"] == c["error_kind"], c["name"]
        assert [item["subject"] for item in report["by_hand"]] == c["by_hand"], c["name"]
        # Section 12.3: a bare "valid" never comes with items to compare by hand.
        assert (c["verdict"] == "valid") == (c["valid"] and not c["by_hand"])
    kinds = {c["error_kind"] for c in v["cases"]}
    assert {"CommitmentMismatch", "LotteryMismatch", "CommittedLate", "ReplacementMismatch", "UnreadableBundle",
            "UnsupportedSpec", "DrawMismatch", "InvalidReveal", "HouseholdTag", "SmallCells", "OpeningMismatch",
            "WrongValueCount", "UnknownValue", "SealedRecord", "InvalidMethod", "QuotaBroken"} <= kinds
    for c in v["cases"]:
        if c["error_kind"] in ("OpeningMismatch", "WrongValueCount", "UnknownValue") and c["failed_step"] != "pool":
            assert c["failed_step"] == "openings", c["name"]
        status = {s["id"]: s["status"] for s in c["steps"]}
        sealed = "bundle" in c and isinstance(c["bundle"].get("manifest"), dict) and c["bundle"]["manifest"].get(
            "sealed", False)
        if status.get("openings") == "passed":
            assert sealed, c["name"]
        if not sealed and status.get("openings") not in (None, "not_checked", "failed"):
            assert status["openings"] == "skipped", c["name"]
    by_case = {c["name"]: c for c in v["cases"]}
    bad = by_case["sealed_portfolio_panel_breaks_quota"]
    assert {s["id"]: s["status"] for s in bad["steps"]}["portfolio"] == "passed"
    for c in v["cases"]:
        if c["error_kind"] in ("HouseholdTag", "SmallCells"):
            assert c["failed_step"] == "pool", c["name"]
    assert any(c["valid"] and c["bundle"]["manifest"].get("min_cell") == 5 for c in v["cases"] if "bundle" in c)
    # Section 12.3: item 3 is always listed, so no case reaches `valid` in this version.
    assert "valid" not in {c["verdict"] for c in v["cases"]}
    replay = [c for c in v["cases"] if c["name"] == "replay_after_randomness"][0]
    assert {s["id"]: s["status"] for s in replay["steps"]}["time_order"] == "skipped"
    subjects = {s for c in v["cases"] for s in c["by_hand"]}
    assert subjects == {"purpose", "commitment", "announcement", "uncommitted", "lottery", "dice", "hex"}
    # 9.6, 14: the maxent cases, refused at the manifest step (5.1), at the draw step (the cell limit, the
    # number of rejections) or at the transcript step (res ends with u32(rejections), 11).
    expected = {"maxent_honest": (None, None), "maxent_counted_unknown_feature": ("manifest", "UnknownFeature"),
                "maxent_too_many_cells": ("draw", "InvalidMethod"), "maxent_sealed": ("manifest", "InvalidMethod"),
                "maxent_rejections_changed": ("draw", "DrawMismatch"), "maxent_rejections_removed": ("draw", "DrawMismatch"),
                "rejections_on_uniform": ("draw", "DrawMismatch"),
                "maxent_transcript_without_rejections": ("transcript", "TranscriptMismatch")}
    assert "maxent_counted_out_of_order" not in by_case
    for name in ("counted_twice", "max_attempts_0", "max_attempts_100001", "weights_too_few",
                 "weights_too_many", "weight_0"):
        expected["maxent_" + name] = ("manifest", "InvalidMethod")
    for name, (step, kind) in expected.items():
        assert (by_case[name]["failed_step"], by_case[name]["error_kind"]) == (step, kind), name
    assert by_case["maxent_honest"]["bundle"]["result"]["rejections"] >= 2


def test_report_shape():
    d = load("draws.json")["draws"][0]
    report = k.verify(_bundle(d))
    assert set(report) == {"verdict", "valid", "purpose", "steps", "by_hand", "error", "error_kind"}
    for s in report["steps"]:
        assert set(s) == {"id", "title", "status", "computed", "published", "detail"}
    for item in report["by_hand"]:
        assert set(item) == {"subject", "what", "value", "record"}
    commitment_item = [i for i in report["by_hand"] if i["subject"] == "commitment"][0]
    groups = commitment_item["value"].split(" ")
    assert len(groups) == 16 and "".join(groups) == d["commitment"]


def test_verify_reports_first_failing_step():
    v = load("draws.json")
    d = v["draws"][0]
    b = _bundle(d)

    def first_failure(bb):
        steps = k.verify(bb)["steps"]
        failed = [s for s in steps if s["status"] == "failed"]
        assert len(failed) == 1
        i = steps.index(failed[0])
        assert all(s["status"] == "not_checked" for s in steps[i + 1:])
        return failed[0]["id"]

    bb = copy.deepcopy(b)
    bb["spec"] = "kleroterion/v9"
    assert first_failure(bb) == "format"
    # 12.1: the manifest's spec is checked by the format step, and a wrong format is unreadable.
    bb = copy.deepcopy(b)
    bb["manifest"]["spec"] = "kleroterion/v1"
    assert first_failure(bb) == "format" and k.verify(bb)["error_kind"] == "UnsupportedSpec"
    bb = copy.deepcopy(b)
    bb["format"] = "kleroterion-receipt"
    assert first_failure(bb) == "format" and k.verify(bb)["error_kind"] == "UnreadableBundle"
    bb = copy.deepcopy(b)
    del bb["manifest"]["spec"]
    assert k.verify(bb)["error_kind"] == "UnreadableBundle"
    bb = copy.deepcopy(b)
    bb["manifest"]["title"] += "!"
    assert first_failure(bb) == "manifest"
    bb = copy.deepcopy(b)
    bb["pool"][0]["household"] = "x"
    assert first_failure(bb) == "pool"
    bb = copy.deepcopy(b)
    bb["reveal"]["sources"] = bb["reveal"]["sources"][:1]
    assert first_failure(bb) == "randomness"
    bb = copy.deepcopy(b)
    bb["seed"] = "00" * 32
    assert first_failure(bb) == "seed"
    bb = copy.deepcopy(b)
    bb["result"]["selected"][0], bb["result"]["selected"][1] = bb["result"]["selected"][1], bb["result"]["selected"][0]
    assert first_failure(bb) == "draw"
    bb = copy.deepcopy(b)
    bb["result"]["alternates"][0] = "not-a-ticket"
    assert first_failure(bb) == "draw"
    bb = copy.deepcopy(b)
    bb["transcript"] = "00" * 32
    assert first_failure(bb) == "transcript"


def test_published_lottery_without_source_fails():
    """12.1: a published result for which the recipe has no source of that lottery and date
    fails the randomness step with LotteryMismatch, even with the revealed numbers."""
    v = load("draws.json")
    d = [x for x in v["draws"] if x["name"] == "uniform_public_sources"][0]
    date = d["manifest"]["randomness"]["sources"][0]["date"]
    numbers = {"main": d["reveal"]["sources"][0]["main"], "bonus": d["reveal"]["sources"][0]["bonus"]}
    same = dict(numbers, lottery="euromillions", date=date)
    assert k.verify(_bundle(d), {"lotteries": [same]})["valid"]
    for other in (dict(same, date="2026-12-01"), dict(same, lottery="EuroMillions"), dict(same, lottery="fr-loto")):
        assert other["date"] != date or other["lottery"] != "euromillions"
        report = k.verify(_bundle(d), {"lotteries": [same, other]})
        assert (k.failed_step(report), report["error_kind"]) == ("randomness", "LotteryMismatch"), other
    wrong = dict(same, main=[1, 2, 3, 4, 5])
    assert k.verify(_bundle(d), {"lotteries": [wrong]})["error_kind"] == "LotteryMismatch"


def test_broken_quota_words():
    """10.2: one text per broken bound, in feature order then value order."""
    M = {"features": [{"name": "genre", "values": [{"value": "femme", "min": 2, "max": 3},
                                                   {"value": "homme", "min": 2, "max": 3}]},
                      {"name": "âge", "values": [{"value": "jeune", "min": 0, "max": 1},
                                                 {"value": "vieux", "min": 1, "max": 4}]}],
         "household_rule": False}
    recs = [("a", ["femme", "jeune"], None), ("b", ["femme", "jeune"], None), ("c", ["femme", "vieux"], None),
            ("d", ["femme", "jeune"], None), ("e", ["homme", "vieux"], None), ("f", ["homme", "vieux"], None)]
    assert k.broken_quotas(M, recs, [0, 1, 2, 3, 4]) == [
        "genre=femme: 4 on the panel, above the maximum 3",
        "genre=homme: 1 on the panel, below the minimum 2",
        "âge=jeune: 3 on the panel, above the maximum 1"]
    assert k.broken_quotas(M, recs, [0, 2, 4, 5]) == []
    assert k.broken_quotas(M, recs, [0, 1]) == ["genre=homme: 0 on the panel, below the minimum 2",
                                                "âge=jeune: 2 on the panel, above the maximum 1",
                                                "âge=vieux: 0 on the panel, below the minimum 1"]


def test_replacement_needs_a_valid_bundle():
    d = load("draws.json")["draws"][0]
    b = _bundle(d)
    rec = k.make_replacement_record(b, [d["selected"][0]])
    assert rec["replacements"] and rec["hash"]
    bb = copy.deepcopy(b)
    bb["seed"] = "00" * 32
    raises("DrawFailed", k.make_replacement_record, bb, [d["selected"][0]])
    raises("UnknownTicket", k.replace, d["manifest"], d["pool"], d["reveal"], None, ["nobody"])
    raises("DuplicateTicket", k.replace, d["manifest"], d["pool"], d["reveal"], None, [d["selected"][0]] * 2)


def test_receipts():
    v = load("draws.json")
    d = v["draws"][0]
    b = _bundle(d)
    secret = lambda i: make_vectors.secret_of(d["pool"][i]["ticket"])  # noqa: E731
    for i in range(len(d["pool"])):
        rc = k.make_receipt(b, i, secret(i))
        out = k.check_receipt(rc, b)
        assert out["matches"] and out["established"]
        t = d["pool"][i]["ticket"]
        if t in d["selected"]:
            assert out["outcome"] == "selected" and out["position"] == d["selected"].index(t) + 1
        elif t in d["alternates"]:
            assert out["outcome"] == "alternate" and out["number"] == d["alternates"].index(t) + 1
        else:
            assert out["outcome"] == "not selected"
    rc = k.make_receipt(b, 3, secret(3))
    rc["index"] = 4
    assert k.check_receipt(rc, b)["check"] == 2
    rc = k.make_receipt(b, 3, secret(3))
    rc["index"] = rc["pool_count"]
    assert k.check_receipt(rc, b)["check"] == 2
    # Step 4: a receipt rebuilt from the public pool has no secret.
    for wrong in (bytes(32), secret(4)):
        out = k.check_receipt(k.make_receipt(b, 3, wrong), b)
        assert (out["matches"], out["error_kind"], out["check"]) == (False, "ReceiptMismatch", 4)
    # A holder swapped for one whose secret is known breaks the proof (step 2), before step 4.
    rc = k.make_receipt(b, 3, b"\x01" * 32)
    rc["record"] = dict(rc["record"], holder=k.holder_of(b"\x01" * 32).hex())
    assert k.check_receipt(rc, b)["check"] == 2
    # A receipt without its secret is malformed.
    rc = k.make_receipt(b, 3, secret(3))
    del rc["secret"]
    raises("Json", k.check_receipt, rc, b)
    # The outcome is not established when the bundle does not verify.
    bb = copy.deepcopy(b)
    bb["seed"] = "00" * 32
    out = k.check_receipt(k.make_receipt(bb, 0, secret(0)), bb)
    assert out["matches"] and not out["established"]


def test_vectors_receipts():
    v = load("receipts.json")
    bundles = {x["name"]: x["bundle"] for x in cases(v, "bundles")}
    draws = {d["name"]: _bundle(d) for d in load("draws.json")["draws"]}
    for name, b in bundles.items():
        if name in draws:
            assert b == draws[name], name
    for c in cases(v, "cases"):
        out = k.check_receipt(c["receipt"], bundles[c["bundle"]])
        assert out["matches"] == c["matches"], c["name"]
        assert out["check"] == c["failed_check"], c["name"]
        assert out["error_kind"] == c["error_kind"], c["name"]
        assert (out["outcome"] if out["matches"] else None) == c["outcome"], c["name"]
        assert out.get("position") == c["position"] and out.get("number") == c["number"], c["name"]
        assert out["established"] == c["established"], c["name"]
        if c["matches"]:
            secret = bytes.fromhex(c["receipt"]["secret"])
            assert secret == make_vectors.secret_of(c["receipt"]["record"]["ticket"])
    checks = {c["failed_check"] for c in v["cases"]}
    assert checks == {None, 1, 2, 4, 5}
    for c in v["cases"]:
        sealed = "seal" in c["receipt"]["record"]
        if c["matches"]:
            assert sealed == ("opening" in c["receipt"]), c["name"]
            if sealed:
                op = c["receipt"]["opening"]
                assert bytes.fromhex(op["salt"]) == make_vectors.salt_of(op["ticket"])
    assert any(c["matches"] and "opening" in c["receipt"] for c in v["cases"])
    assert {c["outcome"] for c in v["cases"]} == {"selected", "alternate", "not selected", None}
    assert any(c["matches"] and not c["established"] for c in v["cases"])
    names = {c["name"] for c in v["cases"]}
    assert {"secret_of_another_record", "secret_all_zeros", "holder_tampered"} <= names


def test_vectors_pools():
    v = load("pools.json")
    for c in cases(v, "cases"):
        M = k.parse_manifest(c["manifest"])
        # 5.2, then the links (5.3), as a tool checks a pool at commit time.
        if c["error"] is None:
            recs = make_vectors.check_committed_pool(M, c["pool"])
        else:
            raises(c["error"], make_vectors.check_committed_pool, M, c["pool"])
            recs = [k.parse_record(r) for r in c["pool"]]
        if c["error"] in ("LinkMissing", "DuplicateLink"):
            k.parse_pool(M, c["pool"])  # the pool itself is valid (5.2)
        if c["smallest_cell"] is None:
            assert c["error"] not in (None, "SmallCells") and c["cell_sizes"] is None, c["name"]
            continue
        fig = k.cell_figures(M, recs)
        assert (fig["applies"], fig["sizes"], fig["smallest"], fig["alone"]) == (
            c["floor_applies"], c["cell_sizes"], c["smallest_cell"], c["alone"]), c["name"]
        assert sum(c["cell_sizes"]) == len(c["pool"])
        assert c["alone"] == c["cell_sizes"].count(1)
        floor = c["manifest"].get("min_cell", 1)
        assert (c["error"] == "SmallCells") == (c["floor_applies"] and c["smallest_cell"] < floor), c["name"]
    errors = {c["error"] for c in v["cases"]}
    assert {None, "HouseholdTag", "SmallCells", "SealedRecord", "LinkMissing", "DuplicateLink"} <= errors
    # Linked pools: valid ones with a parent and a link on every record, and LinkMissing both ways.
    linked = [c for c in v["cases"] if c["manifest"].get("parent") is not None]
    assert any(c["error"] is None for c in linked) and any(c["error"] is None and c["manifest"].get("sealed")
                                                          for c in linked)
    assert all(all("link" in r for r in c["pool"]) for c in linked if c["error"] is None)
    missing = [c for c in v["cases"] if c["error"] == "LinkMissing"]
    assert {c["manifest"].get("parent") is None for c in missing} == {True, False}
    assert all(all("link" not in r for r in c["pool"]) for c in v["cases"] if c["manifest"].get("parent") is None
               and c["error"] != "LinkMissing")
    sealed_ok = [c for c in v["cases"] if c["manifest"].get("sealed") and c["error"] is None]
    assert sealed_ok and all(c["floor_applies"] for c in sealed_ok)
    assert any(c["manifest"].get("sealed") and c["error"] == "SmallCells" for c in v["cases"])
    assert any(not c["manifest"].get("sealed") and c["error"] == "SealedRecord" for c in v["cases"])
    assert any(not c["floor_applies"] for c in v["cases"] if c["floor_applies"] is not None)


def test_vectors_chains():
    v = load("chains.json")
    assert set(v) == {"spec", "description", "generated_by", "cases", "paths"}
    by_name = {}
    for c in cases(v, "cases"):
        assert list(c) == ["name", "previous", "previous_published", "bundle", "published", "replacements", "expect"]
        assert c["name"] not in by_name
        by_name[c["name"]] = c
        out = k.verify_chain(c["previous"], c["previous_published"], c["bundle"], c["published"], c["replacements"])
        e = c["expect"]
        assert list(e) == ["verdict", "previous_failed_step", "failed_step", "error_kind", "statuses", "responses"]
        assert out["verdict"] == e["verdict"], c["name"]
        assert k.failed_step(out["previous"]) == e["previous_failed_step"], c["name"]
        assert k.failed_step(out["report"]) == e["failed_step"], c["name"]
        assert out["report"]["error_kind"] == e["error_kind"], c["name"]
        assert list(e["statuses"]) == k.STEP_IDS and len(e["statuses"]) == 15
        assert {s["id"]: s["status"] for s in out["report"]["steps"]} == e["statuses"], c["name"]
        assert out["responses"] == e["responses"], c["name"]
        # Every attack passes each step before the one named, and stops there.
        statuses = list(e["statuses"].values())
        if e["failed_step"] is not None:
            i = k.STEP_IDS.index(e["failed_step"])
            assert set(statuses[:i]) <= {"passed", "skipped"} and statuses[i] == "failed"
            assert all(x == "not_checked" for x in statuses[i + 1:])
            assert e["responses"] == []
        else:
            assert "failed" not in statuses and e["responses"]
        # Every bundle is a self-consistent commitment: it verifies alone up to the links at least.
        alone = k.verify(c["bundle"], c["published"])
        assert k.failed_step(alone) in (None, "links"), c["name"]
    assert {"honest_open", "honest_sealed", "previous_other_draw", "previous_fails", "parent_invitees_wrong",
            "link_missing", "duplicate_link", "not_invited", "inherited_mismatch_open", "inherited_mismatch_sealed",
            "unlinked_with_link"} <= set(by_name)
    kinds = {(c["expect"]["failed_step"], c["expect"]["error_kind"]) for c in v["cases"]}
    assert kinds == {(None, None), ("parent", "ParentMismatch"), ("links", "LinkMissing"), ("links", "DuplicateLink"),
                     ("links", "NotInvited"), ("inherited", "InheritedMismatch")}
    assert by_name["previous_fails"]["expect"]["previous_failed_step"] is not None
    assert by_name["honest_sealed"]["bundle"]["manifest"]["sealed"]
    assert by_name["inherited_mismatch_sealed"]["bundle"]["manifest"]["sealed"]
    assert by_name["unlinked_with_link"]["expect"]["statuses"]["parent"] == "skipped"
    # The responses of the honest chains, counted by hand (5.3).
    for name in ("honest_open", "honest_sealed"):
        c = by_name[name]
        prev, stage = c["previous"], c["bundle"]
        pm = prev["manifest"]
        fnames = [f["name"] for f in pm["features"]]
        invitees = prev["result"]["selected"] + prev["result"]["alternates"]
        values = {r["ticket"]: r["values"] for r in prev["pool"]}
        links = [r["link"] for r in stage["pool"]]
        rows = []
        for j, name in enumerate(fnames):
            for val in pm["features"][j]["values"]:
                rows.append({"feature": name, "value": val["value"],
                             "invited": sum(values[t][j] == val["value"] for t in invitees),
                             "volunteered": sum(values[t][j] == val["value"] for t in links)})
        rows.append({"feature": None, "value": None, "invited": len(invitees), "volunteered": len(stage["pool"])})
        assert c["expect"]["responses"] == rows
        assert c["expect"]["verdict"] == "valid_if"
    for p in cases(v, "paths"):
        assert list(p) == ["name", "case", "previous_receipt", "receipt", "expect"]
        c = by_name[p["case"]]
        out = k.check_path(c["previous"], c["bundle"], p["previous_receipt"], p["receipt"])
        assert {key: out[key] for key in ("error_kind", "invited", "answered", "outcome")} == p["expect"], p["name"]
        for rc in (p["previous_receipt"], p["receipt"]):
            if rc is not None:
                assert bytes.fromhex(rc["secret"]) == make_vectors.secret_of(rc["record"]["ticket"])
    paths = {p["name"]: p for p in v["paths"]}
    both = paths["volunteer_selected_both_receipts"]
    assert both["previous_receipt"] and both["receipt"] and both["expect"]["outcome"] == "selected"
    assert both["expect"]["answered"] == both["receipt"]["record"]["ticket"]
    assert paths["invited_not_answered"]["receipt"] is None and paths["invited_not_answered"]["expect"]["invited"]
    assert paths["stage_receipt_alone"]["previous_receipt"] is None
    assert paths["two_people"]["expect"]["error_kind"] == "ReceiptMismatch"
    assert {p["expect"]["outcome"] for p in v["paths"]} == {"selected", "alternate", "not_selected", None}


def _pool_manifest(pool, features, household_rule=False, min_cell=None):
    m = {"spec": "kleroterion/v2", "title": "t", "method": {"name": "greedy", "max_attempts": 1} if household_rule
         else {"name": "uniform"}, "panel_size": 1, "alternates": 0, "household_rule": household_rule,
         "features": [{"name": f, "values": [{"value": v, "min": 0, "max": 1} for v in vals]}
                      for f, vals in features],
         "pool": {"root": k.mth([k.leaf_hash(k.parse_record(r)) for r in pool]).hex(), "count": len(pool)}}
    if min_cell is not None:
        m["min_cell"] = min_cell
    return k.parse_manifest(m)


def test_household_tags_and_floor():
    rec = make_vectors.record
    g = [("genre", ["f", "h"])]
    # A tag only with the rule on, and never on one record alone.
    pair = [rec("a", ["f"], "x"), rec("b", ["h"], "x"), rec("c", ["f"])]
    k.parse_pool(_pool_manifest(pair, g, household_rule=True), pair)
    raises("HouseholdTag", k.parse_pool, _pool_manifest(pair, g), pair)
    alone = [rec("a", ["f"], "x"), rec("b", ["h"], "y"), rec("c", ["f"], "y")]
    raises("HouseholdTag", k.parse_pool, _pool_manifest(alone, g, household_rule=True), alone)
    # Cells: the profile and the multiset of the housemates' profiles.
    pool = [rec("a", ["f"], "x"), rec("b", ["h"], "x"), rec("c", ["h"], "y"), rec("d", ["f"], "y"),
            rec("e", ["f"]), rec("f", ["f"])]
    M = _pool_manifest(pool, g, household_rule=True, min_cell=2)
    recs = k.parse_pool(M, pool)
    assert k.cell_figures(M, recs) == {"applies": True, "sizes": [2, 2, 2], "smallest": 2, "alone": 0}
    raises("SmallCells", k.parse_pool, _pool_manifest(pool, g, household_rule=True, min_cell=3), pool)
    pool[3] = rec("d", ["h"], "y")
    M = _pool_manifest(pool, g, household_rule=True)
    fig = k.cell_figures(M, k.parse_pool(M, pool))
    assert fig["sizes"] == [1, 1, 2, 2] and fig["alone"] == 2
    # min_cell 0 and 1 mean no floor; absent means 1.
    uniq = [rec("a", ["f"]), rec("b", ["h"]), rec("c", ["h"])]
    for floor in (None, 0, 1):
        k.parse_pool(_pool_manifest(uniq, g, min_cell=floor), uniq)
    raises("SmallCells", k.parse_pool, _pool_manifest(uniq, g, min_cell=2), uniq)
    # No feature and no tag: the rule does not apply.
    bare = [rec("a", []), rec("b", [])]
    k.parse_pool(_pool_manifest(bare, [], min_cell=5), bare)
    tagged = [rec("a", [], "x"), rec("b", [], "x"), rec("c", [])]
    raises("SmallCells", k.parse_pool, _pool_manifest(tagged, [], household_rule=True, min_cell=2), tagged)
    # The encoding: u32(min_cell) then bool(sealed), last; min_cell absent equals 1.
    assert k.manifest_bytes(_pool_manifest(uniq, g)) == k.manifest_bytes(_pool_manifest(uniq, g, min_cell=1))
    assert k.manifest_bytes(_pool_manifest(uniq, g, min_cell=5)).endswith(b"\x00\x00\x00\x05\x00\x00")
    # A record without holder is malformed; the holder is 32 bytes.
    raises("Json", k.parse_record, {"ticket": "a", "values": []})
    raises("InvalidHex", k.parse_record, {"ticket": "a", "values": [], "holder": "00" * 31})


def test_vector_records_have_their_holders():
    """Every record of the vectors follows the secret rule of make_vectors (documented in each file)."""
    def records():
        for t in load("merkle.json")["trees"]:
            yield from t["records"]
        for d in load("draws.json")["draws"]:
            yield from d["pool"]
        for c in load("verify.json")["cases"]:
            if "bundle" in c and c["bundle"].get("spec") == "kleroterion/v2":
                yield from c["bundle"]["pool"]
        for c in load("pools.json")["cases"]:
            yield from c["pool"]
    n = 0
    for r in records():
        n += 1
        assert bytes.fromhex(r["holder"]) == k.holder_of(make_vectors.secret_of(r["ticket"])), r
    assert n > 100


def test_vector_files_are_up_to_date():
    files = make_vectors.build_all()
    assert sorted(files) == sorted(VECTOR_FILES)
    for name, obj in files.items():
        with open(os.path.join(VEC, name), encoding="utf-8") as fh:
            assert fh.read() == make_vectors.dumps(obj), f"{name} is out of date: run make_vectors.py"


def main() -> int:
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    failed = 0
    for name, fn in tests:
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
        else:
            print(f"ok   {name}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
