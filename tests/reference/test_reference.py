"""Tests of the reference implementation and of the vector files.

Run with pytest, or directly: python3 tests/reference/test_reference.py
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import sys

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


def hx(s: str) -> bytes:
    return bytes.fromhex(s.replace(" ", "").replace("\n", ""))


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
    reveal = {"sources": [{"kind": "lottery", "name": f"source {i + 1}", "numbers": s}
                          for i, s in enumerate(seeds)]}
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


# ---------------------------------------------------------------------------
# Encoding and text rules
# ---------------------------------------------------------------------------

def test_canon_numbers():
    assert k.canon([7, 18, 28, 40, 48, 8, 11]) == "7.8.11.18.28.40.48."
    assert k.canon(["12.50"]) == "12.5."
    assert k.canon(["3.0"]) == "3."
    assert k.canon(["007", 0, "000"]) == "0.0.7."
    assert k.canon(["10", "9.5", 9]) == "9.9.5.10."
    for bad in (["-1"], [-1], ["1e3"], ["1."], [".5"], [1.5], [True], [" 1"], ["+1"], [None]):
        try:
            k.canon(bad)
        except k.KleroterionError as e:
            assert e.kind == "InvalidReveal"
        else:
            raise AssertionError(f"accepted {bad!r}")


def test_text_rules():
    assert k.text_problem("Pérols") is None
    assert k.text_problem("Pe\u0301rols") == "not NFC"
    assert k.text_problem("a\u0085b") is None  # U+0085 is not in the forbidden ranges
    assert k.text_problem("x" * 128) is None
    assert k.text_problem("x" * 129) == "too long"
    assert k.text_problem("x" * 256, "feature") is None
    assert k.text_problem("", "title") is None
    assert k.text_problem("") == "empty"
    assert k.text_problem("\ud800") == "not UTF-8"


def test_encoding_primitives():
    assert k.enc_str("é") == b"\x00\x00\x00\x02\xc3\xa9"
    assert k.enc_opt(k.enc_u32, None) == b"\x00"
    assert k.enc_opt(k.enc_u32, 1) == b"\x01\x00\x00\x00\x01"
    assert k.enc_list(k.enc_u32, [1, 2]) == bytes.fromhex("00000002" "00000001" "00000002")
    tag = b"kleroterion/v1/seed"
    assert k.H("seed", b"x") == hashlib.sha256(len(tag).to_bytes(4, "big") + tag + b"x").digest()


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
    rec = ("T", ["a"], None)
    assert k.leaf_hash(rec) == hashlib.sha256(b"\x00" + k.enc_str("kleroterion/v1/record") + k.rec_bytes(rec)).digest()


def test_inclusion_proofs_all_sizes():
    for n in range(1, 34):
        L = _leaves(n)
        root = k.mth(L)
        for m in range(n):
            p = k.audit_path(m, L)
            assert k.verify_inclusion(L[m], m, n, p, root)
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
# Vector files
# ---------------------------------------------------------------------------

def _header(v):
    assert v["spec"] == "kleroterion/v1"
    assert v["generated_by"] == make_vectors.GENERATED_BY
    assert isinstance(v["description"], str)


def test_vectors_encoding():
    v = load("encoding.json")
    _header(v)
    for c in v["records"]:
        r = k.parse_record(c["record"])
        assert k.rec_bytes(r).hex() == c["bytes"]
        assert k.leaf_hash(r).hex() == c["leaf"]
    for c in v["manifests"]:
        M = k.parse_manifest(c["manifest"])
        assert k.manifest_bytes(M).hex() == c["bytes"]
        assert k.commitment(M).hex() == c["commitment"]
        assert hashlib.sha256(k.enc_str("kleroterion/v1/manifest") + bytes.fromhex(c["bytes"])).hexdigest() == c["commitment"]
    methods = {c["manifest"]["method"]["name"] for c in v["manifests"]}
    assert methods == {"uniform", "stratified", "greedy", "lottery", "rfc3797"}
    for c in v["lottery_canon"]:
        assert k.canon(c["numbers"]) == c["canonical"]
    for c in v["invalid_texts"]:
        assert k.text_problem(c["text"], "ticket") == c["reason"]


def test_vectors_merkle():
    v = load("merkle.json")
    _header(v)
    assert [len(t["records"]) for t in v["trees"]] == [1, 2, 3, 4, 5, 7, 8, 13]
    for t in v["trees"]:
        leaves = [k.leaf_hash(k.parse_record(r)) for r in t["records"]]
        assert [x.hex() for x in leaves] == t["leaves"]
        root = k.mth(leaves)
        assert root.hex() == t["root"]
        for m, p in enumerate(t["proofs"]):
            assert [x.hex() for x in k.audit_path(m, leaves)] == p
            assert k.verify_inclusion(leaves[m], m, len(leaves), [bytes.fromhex(x) for x in p], root)


def test_vectors_seed():
    v = load("seed.json")
    _header(v)
    for c in v["cases"]:
        src = k.parse_reveal(c["reveal"])
        assert k.reveal_bytes(src).hex() == c["reveal_bytes"]
        assert k.compute_seed(bytes.fromhex(c["commitment"]), src).hex() == c["seed"]
        assert k.rfc3797_key(src) == c["rfc3797_key"]


def test_vectors_stream():
    v = load("stream.json")
    _header(v)
    for c in v["cases"]:
        key = k.stream_key(bytes.fromhex(c["seed"]), c["purpose"], c["index"])
        assert key.hex() == c["key"]
        st = k.Stream(key)
        assert [str(st.next_u64()) for _ in range(64)] == c["words64"]


def test_vectors_sampling():
    v = load("sampling.json")
    _header(v)
    for c in v["uniform"]:
        st = k.Stream(bytes.fromhex(c["key"]))
        n = int(c["n"])
        assert [str(k.uniform(st, n)) for _ in range(20)] == c["results"]
        assert st.words64_consumed == c["words_consumed"]
    for c in v["sample"]:
        assert k.sample(k.Stream(bytes.fromhex(c["key"])), c["n"], c["k"]) == c["result"]


def _bundle(d):
    return {"format": "kleroterion-bundle", "spec": "kleroterion/v1", "manifest": d["manifest"],
            "commitment": d["commitment"], "pool": d["pool"], "reveal": d["reveal"], "seed": d["seed"],
            "result": {"selected": d["selected"], "alternates": d["alternates"]}, "transcript": d["transcript"]}


def test_vectors_draws():
    v = load("draws.json")
    _header(v)
    by_name = {}
    for d in v["draws"]:
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
        for key in ("allocation", "attempt", "lottery_index", "rfc3797_key"):
            assert inter.get(key) == r["info"].get(key), (d["name"], key)
        steps = k.verify(_bundle(d))
        assert [s["step"] for s in steps] == k.STEPS
        assert k.bundle_valid(steps), (d["name"], steps)
    for f in v["failures"]:
        try:
            k.draw(f["manifest"], f["pool"], f["reveal"])
        except k.KleroterionError as e:
            assert e.kind == f["error"], f["name"]
        else:
            raise AssertionError(f"{f['name']} did not fail")
    for c in v["replacements"]:
        d = by_name[c["draw"]]
        r = k.replace(d["manifest"], d["pool"], d["reveal"], bytes.fromhex(d["transcript"]), c["dropped"])
        assert r["replacements"] == c["replacements"], c
        assert r["panel"] == c["panel"], c
        assert r["hash"].hex() == c["hash"], c
    names = {d["name"] for d in v["draws"]}
    assert {"uniform", "stratified_explicit", "stratified_largest_remainder", "stratified_sainte_lague",
            "greedy", "lottery", "rfc3797"} <= names
    assert by_name["greedy_households_retry"]["intermediate"]["attempt"] >= 1
    rfc = by_name["rfc3797"]
    assert rfc["selected"] == ["Lee", "Doc", "Mary", "Charity", "Kasczynski", "Envy", "Sneazy", "Anger",
                               "Chastity", "Pandora"]
    assert rfc["alternates"] == ["Sloth", "Sleepy", "Longsuffering", "Handsome", "John", "Dopey"]


def test_verify_reports_first_failing_step():
    v = load("draws.json")
    d = v["draws"][0]
    b = _bundle(d)

    def first_failure(bb):
        steps = k.verify(bb)
        failed = [s for s in steps if s["status"] == "failed"]
        assert len(failed) == 1
        i = steps.index(failed[0])
        assert all(s["status"] == "not checked" for s in steps[i + 1:])
        return failed[0]["step"]

    bb = copy.deepcopy(b)
    bb["spec"] = "kleroterion/v9"
    assert first_failure(bb) == "format"
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


def test_receipts():
    v = load("draws.json")
    d = v["draws"][0]
    b = _bundle(d)
    for i in range(len(d["pool"])):
        rc = k.make_receipt(b, i)
        out = k.check_receipt(rc, b)
        assert out["matches"]
        t = d["pool"][i]["ticket"]
        if t in d["selected"]:
            assert out["outcome"] == "selected" and out["position"] == d["selected"].index(t) + 1
        elif t in d["alternates"]:
            assert out["outcome"] == "alternate" and out["number"] == d["alternates"].index(t) + 1
        else:
            assert out["outcome"] == "not selected"
    rc = k.make_receipt(b, 3)
    rc["index"] = 4
    assert not k.check_receipt(rc, b)["matches"]


def test_vector_files_are_up_to_date():
    files = make_vectors.build_all()
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
