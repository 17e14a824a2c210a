"""Writes the kleroterion/v1 test vectors to tests/vectors/*.json.

Usage: python3 tests/reference/make_vectors.py [--check]

Deterministic: the same bytes on every run (no clock, no system randomness; the
pseudo-random pools come from SHA-256 of fixed labels). With --check, nothing is
written and the exit status says whether the files on disk are up to date.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import kleroterion_ref as k  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
VEC_DIR = os.path.join(ROOT, "tests", "vectors")
RFC3797_DIR = os.path.join(ROOT, "tests", "data", "rfc3797")
GENERATED_BY = "tests/reference/kleroterion_ref.py (independent implementation of SPEC.md)"

QUICKNET = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
MAINNET = "8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce"


def header(description: str) -> dict:
    return {"spec": k.SPEC_ID, "description": description, "generated_by": GENERATED_BY}


def dumps(obj) -> str:
    return json.dumps(obj, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


class Det:
    """Deterministic pseudo-random numbers from SHA-256(label || counter)."""

    def __init__(self, label: str):
        self.label = label.encode()
        self.ctr = 0

    def below(self, n: int) -> int:
        self.ctr += 1
        h = hashlib.sha256(self.label + self.ctr.to_bytes(8, "big")).digest()
        return int.from_bytes(h, "big") % n

    def hex(self, nbytes: int) -> str:
        self.ctr += 1
        out = b""
        i = 0
        while len(out) < nbytes:
            out += hashlib.sha256(self.label + b"/hex/" + self.ctr.to_bytes(8, "big") + bytes([i])).digest()
            i += 1
        return out[:nbytes].hex()


def ticket(label: str, i: int) -> str:
    h = hashlib.sha256(f"ticket/{label}/{i}".encode()).hexdigest().upper()
    return f"{h[:4]}-{h[4:8]}"


# ---------------------------------------------------------------------------
# Common features
# ---------------------------------------------------------------------------

GENRE = ["femme", "homme"]
AGE = ["18-34 ans", "35-59 ans", "60 ans et plus"]
COMMUNE = ["Montpellier", "Pérols", "Saint-Jean-de-Védas", "Castelnau-le-Lez"]


def feat(name, values, quotas):
    return {"name": name, "values": [{"value": v, "min": mn, "max": mx} for v, (mn, mx) in zip(values, quotas)]}


def make_pool(label: str, n: int, features: list, weights: list | None = None, households: int = 0) -> list:
    """n records; values drawn with optional weights; `households` > 0 gives household keys
    to about that many groups (some records have none)."""
    rng = Det("pool/" + label)
    recs = []
    for i in range(n):
        vals = []
        for fi, f in enumerate(features):
            w = weights[fi] if weights else [1] * len(f)
            x = rng.below(sum(w))
            for v, wv in zip(f, w):
                if x < wv:
                    vals.append(v)
                    break
                x -= wv
        hh = None
        if households:
            g = rng.below(households + households // 2)
            if g < households:
                hh = f"foyer-{g:02d}"
        recs.append({"ticket": ticket(label, i), "values": vals, "household": hh})
    return recs


def pool_root(records) -> str:
    return k.mth([k.leaf_hash(k.parse_record(r)) for r in records]).hex()


def manifest(title, method, k_, A, features, records, recipe=None, announced_at=None, household_rule=False):
    m = {"spec": k.SPEC_ID, "title": title}
    if announced_at is not None:
        m["announced_at"] = announced_at
    m.update({"method": method, "panel_size": k_, "alternates": A, "household_rule": household_rule,
              "features": features, "pool": {"root": pool_root(records), "count": len(records)}})
    if recipe is not None:
        m["randomness"] = recipe
    return m


FALLBACK = "Si une source ne publie pas, utiliser la première valeur suivante de cette même source."


def hex_recipe(*labels):
    return {"sources": [{"kind": "hex", "label": lab} for lab in labels], "fallback": FALLBACK}


def hex_reveal(*values):
    return {"sources": [{"kind": "hex", "value": v} for v in values]}


def _with_nulls(m: dict) -> dict:
    """The same manifest with "announced_at": null and "randomness": null written out."""
    out = {}
    for key, val in m.items():
        out[key] = val
        if key == "title":
            out["announced_at"] = None
    out["randomness"] = None
    return out


# ---------------------------------------------------------------------------
# encoding.json
# ---------------------------------------------------------------------------

def gen_encoding() -> dict:
    recs = [
        {"ticket": "A", "values": [], "household": None},
        {"ticket": "K7Q2-9XMF", "values": ["femme", "18-34 ans"], "household": None},
        {"ticket": "K7Q2-9XMG", "values": ["homme", "60 ans et plus"], "household": "foyer-12"},
        {"ticket": "Pérols-001", "values": ["Pérols"], "household": None},
        {"ticket": "SJV-0042", "values": ["Saint-Jean-de-Védas", "femme"], "household": "maison Éléonore"},
        {"ticket": "Ωμέγα-7", "values": ["Castelnau-le-Lez"], "household": "家"},
    ]
    records = []
    for r in recs:
        pr = k.parse_record(r)
        records.append({"record": r, "bytes": k.rec_bytes(pr).hex(), "leaf": k.leaf_hash(pr).hex()})

    pool = make_pool("encoding", 12, [GENRE, COMMUNE])
    f_genre = feat("genre", GENRE, [(1, 3), (1, 3)])
    f_commune = feat("commune", COMMUNE, [(0, 4), (0, 2), (0, 2), (0, 2)])
    features = [f_genre, f_commune]
    all_kinds_recipe = {"sources": [
        {"kind": "hex", "label": "valeur de test"},
        {"kind": "lottery", "name": "EuroMillions", "date": "2026-12-01"},
        {"kind": "drand", "chain": QUICKNET, "round": 1234567},
        {"kind": "dice", "count": 5, "faces": 6, "witnesses": "Mme Dupré et M. Núñez, mairie de Pérols"},
    ], "fallback": FALLBACK}
    mans = [
        manifest("Tirage uniforme", {"name": "uniform"}, 4, 2, features, pool),
        manifest("Tirage uniforme, annoncé", {"name": "uniform"}, 4, 2, features, pool,
                 recipe=hex_recipe("graine de test"), announced_at="2026-11-30T12:00:00Z"),
        manifest("Stratifié, comptes explicites", {"name": "stratified", "feature": "commune",
                 "allocation": {"kind": "explicit", "counts": [2, 1, 1, 0]}}, 4, 0, features, pool,
                 recipe={"sources": [{"kind": "lottery", "name": "Loto", "date": "2026-12-02"}],
                         "fallback": FALLBACK}),
        manifest("Stratifié, plus forts restes", {"name": "stratified", "feature": "commune",
                 "allocation": {"kind": "largest_remainder"}}, 4, 3, features, pool,
                 recipe={"sources": [{"kind": "drand", "chain": QUICKNET, "round": 1}], "fallback": ""}),
        manifest("Stratifié, Sainte-Laguë", {"name": "stratified", "feature": "genre",
                 "allocation": {"kind": "sainte_lague"}}, 5, 1, features, pool,
                 recipe={"sources": [{"kind": "dice", "count": 10, "faces": 20, "witnesses": ""}],
                         "fallback": FALLBACK}, announced_at="2027-02-28T23:59:59Z"),
        manifest("Glouton", {"name": "greedy", "max_attempts": 100}, 4, 4, features, pool,
                 recipe=all_kinds_recipe, announced_at="2026-12-01T08:30:00Z"),
        manifest("Glouton, foyers", {"name": "greedy", "max_attempts": 1}, 3, 0, features, pool,
                 household_rule=True),
        manifest("Convention citoyenne, panel", {"name": "lottery", "portfolio": [[0, 3, 5], [1, 2, 4], [6, 7, 11]]},
                 3, 2, [feat("genre", GENRE, [(0, 3), (0, 3)])], pool,
                 recipe={"sources": [{"kind": "drand", "chain": QUICKNET, "round": 1234567},
                                     {"kind": "lottery", "name": "EuroMillions", "date": "2026-12-01"}],
                         "fallback": "If a source does not publish, use the first later value of that same source."},
                 announced_at="2026-11-30T12:00:00Z", household_rule=True),
        manifest("RFC 3797", {"name": "rfc3797"}, 2, 3, [], pool),
        _with_nulls(manifest("Uniforme, champs optionnels à null", {"name": "uniform"}, 6, 0, features, pool)),
        manifest("RFC 3797, recette", {"name": "rfc3797"}, 2, 3, features, pool,
                 recipe={"sources": [{"kind": "lottery", "name": "Loto", "date": "2026-12-02"},
                                     {"kind": "dice", "count": 3, "faces": 6, "witnesses": "huissier"},
                                     {"kind": "hex", "label": "x"},
                                     {"kind": "drand", "chain": QUICKNET, "round": 18446744073709551615}],
                         "fallback": FALLBACK}),
    ]
    manifests = []
    for m in mans:
        M = k.parse_manifest(m)
        manifests.append({"manifest": m, "bytes": k.manifest_bytes(M).hex(), "commitment": k.commitment(M).hex()})

    canon_cases = [
        [7, 18, 28, 40, 48, 8, 11],
        [9319],
        [2, 5, 12, 8, 10],
        [9, 18, 26, 34, 41, 45],
        ["007", 8, "11"],
        ["12.50", "3.0", 4],
        [0, "0", "000", "0.0"],
        ["0.5", "00.50", "0.05", 1],
        [10, 9, "9.99", "10.01", "100"],
        ["3.14159", "3.1416", "3.14"],
        [5, 5, "5.000"],
        ["18446744073709551616", 18446744073709551615],
    ]
    lottery_canon = [{"numbers": c, "canonical": k.canon(c)} for c in canon_cases]

    invalid_texts = [
        {"text": "Pe\u0301rols", "reason": "not NFC"},
        {"text": "A\u030angstro\u0308m", "reason": "not NFC"},
        {"text": "\u1100\u1161", "reason": "not NFC"},
        {"text": "\u212b", "reason": "not NFC"},
        {"text": "ligne\nsuivante", "reason": "control character"},
        {"text": "tab\there", "reason": "control character"},
        {"text": "nul\u0000", "reason": "control character"},
        {"text": "del\u007f", "reason": "control character"},
        {"text": "\u001f", "reason": "control character"},
        {"text": "x" * 4097, "reason": "too long"},
        {"text": "é" * 2049, "reason": "too long"},
        {"text": "", "reason": "empty"},
    ]
    for t in invalid_texts:
        assert k.text_problem(t["text"], "ticket") == t["reason"], t
        if t["reason"] != "empty":
            for kind in k.TEXT_LIMITS:
                assert k.text_problem(t["text"], kind) == t["reason"], (t, kind)
    out = header(
        "Canonical encoding (SPEC sections 2-6): record bytes rec(r) and leaf(r); manifest canonical bytes "
        "man(M) and commitment H(\"manifest\", man(M)); RFC 3797 canon(numbers); texts that MUST be rejected "
        "(InvalidText). Each invalid text is invalid as any kind of text (too long means more than 4096 UTF-8 "
        "bytes), except the empty text, which is invalid where the minimum length is 1 (tickets, names, "
        "labels, household keys), not as a title, date, witnesses or fallback.")
    out.update({"records": records, "manifests": manifests, "lottery_canon": lottery_canon,
                "invalid_texts": invalid_texts})
    return out


# ---------------------------------------------------------------------------
# merkle.json
# ---------------------------------------------------------------------------

def gen_merkle() -> dict:
    trees = []
    for n in (1, 2, 3, 4, 5, 7, 8, 13):
        recs = make_pool(f"merkle-{n}", n, [GENRE, COMMUNE], households=3)
        parsed = [k.parse_record(r) for r in recs]
        leaves = [k.leaf_hash(r) for r in parsed]
        root = k.mth(leaves)
        proofs = []
        for m in range(n):
            p = k.audit_path(m, leaves)
            assert k.verify_inclusion(leaves[m], m, n, p, root)
            proofs.append([x.hex() for x in p])
        trees.append({"records": recs, "leaves": [x.hex() for x in leaves], "root": root.hex(),
                      "proofs": proofs})
    out = header("Pool Merkle trees (SPEC section 4, RFC 6962 MTH and audit paths PATH(m, D[n])): "
                 "for each tree the records in pool order, leaf(r) of each, the root, and the inclusion "
                 "proof of every index (sibling first, upwards).")
    out["trees"] = trees
    return out


# ---------------------------------------------------------------------------
# seed.json
# ---------------------------------------------------------------------------

def gen_seed() -> dict:
    rng = Det("seed")
    cases_in = [
        hex_reveal("00"),
        hex_reveal(rng.hex(32), rng.hex(7)),
        {"sources": [{"kind": "lottery", "name": "EuroMillions", "numbers": [7, 18, 28, 40, 48, 8, 11]}]},
        {"sources": [{"kind": "lottery", "name": "Loterie 1", "numbers": [9319]},
                     {"kind": "lottery", "name": "Loterie 2", "numbers": [2, 5, 12, 8, 10]},
                     {"kind": "lottery", "name": "Loterie 3", "numbers": [9, 18, 26, 34, 41, 45]}]},
        {"sources": [{"kind": "lottery", "name": "Loto", "numbers": ["007", "12.50", 3, "3.0"]},
                     {"kind": "hex", "value": rng.hex(16).upper()}]},
        {"sources": [{"kind": "dice", "values": [6, 1, 3, 3, 2]}]},
        {"sources": [{"kind": "drand", "chain": QUICKNET, "round": 1234567, "signature": rng.hex(48)}]},
        {"sources": [{"kind": "drand", "chain": MAINNET, "round": 3000000, "signature": rng.hex(96),
                      "previous_signature": rng.hex(96)},
                     {"kind": "lottery", "name": "EuroMillions", "numbers": [3, 17, 22, 41, 49, "2", "11"]},
                     {"kind": "dice", "values": [20, 1, 13]},
                     {"kind": "hex", "value": rng.hex(1024)}]},
    ]
    cases = []
    for i, rv in enumerate(cases_in):
        commit = hashlib.sha256(f"commitment {i}".encode()).digest()
        src = k.parse_reveal(rv)
        cases.append({"commitment": commit.hex(), "reveal": rv, "reveal_bytes": k.reveal_bytes(src).hex(),
                      "seed": k.compute_seed(commit, src).hex(), "rfc3797_key": k.rfc3797_key(src)})
    out = header("Seeds (SPEC section 6): reveal_bytes = list(val, reveal.sources), seed = H(\"seed\", "
                 "raw32(commitment) || reveal_bytes), and the RFC 3797 key of section 6.5. The drand "
                 "signatures are made up (not valid BLS signatures): only SHA-256(signature) enters the "
                 "seed and the key; previous_signature enters neither. Hex input may be uppercase.")
    out["cases"] = cases
    return out


# ---------------------------------------------------------------------------
# stream.json and sampling.json
# ---------------------------------------------------------------------------

def gen_stream(seed_vec: dict) -> dict:
    seeds = [bytes.fromhex(seed_vec["cases"][3]["seed"]), bytes(32), bytes(range(32))]
    cases = []
    for seed in seeds:
        for purpose, index in (("panel", 0), ("stratum", 3), ("alternates", 0)):
            key = k.stream_key(seed, purpose, index)
            st = k.Stream(key)
            cases.append({"seed": seed.hex(), "purpose": purpose, "index": index, "key": key.hex(),
                          "words64": [str(st.next_u64()) for _ in range(64)]})
    out = header("Random streams (SPEC section 7): key = H(\"stream\", raw32(seed) || str(purpose) || "
                 "u32(index)); words64 are the first 64 draws lo | hi << 32 of the ChaCha20 keystream "
                 "(RFC 8439, that key, 12 zero nonce bytes, block counter from 0), as decimal strings.")
    out["cases"] = cases
    return out


def gen_sampling() -> dict:
    def key_of(label):
        return hashlib.sha256(("sampling/" + label).encode()).digest()

    uni = []
    for n in (1, 2, 6, 1000003, 2**32, 2**32 + 1, 2**63 + 1, 2**64 - 1):
        key = key_of(f"uniform/{n}")
        st = k.Stream(key)
        res = [str(k.uniform(st, n)) for _ in range(20)]
        uni.append({"key": key.hex(), "n": str(n), "results": res, "words_consumed": st.words64_consumed})
    smp = []
    for n, kk in ((5, 0), (1, 1), (12, 12), (50, 7), (1000, 1000), (1000000, 10)):
        key = key_of(f"sample/{n}/{kk}")
        smp.append({"key": key.hex(), "n": n, "k": kk, "result": k.sample(k.Stream(key), n, kk)})
    out = header("Integer sampling (SPEC section 8). `key` is the raw ChaCha20 key of the stream (a stream "
                 "key). uniform: 20 successive calls uniform(n) on one stream; words_consumed is the number "
                 "of 64-bit draws (pairs of 32-bit words) consumed by the 20 calls, rejections included. "
                 "sample: sample(n, k) on a fresh stream, in draw order.")
    out["uniform"] = uni
    out["sample"] = smp
    return out


# ---------------------------------------------------------------------------
# draws.json
# ---------------------------------------------------------------------------

def draw_entry(name, m, pool, reveal):
    d = k.draw(m, pool, reveal)
    recs = d["recs"]
    inter = {"pool_root": d["M"]["pool_root"].hex(), "leaves": [k.leaf_hash(r).hex() for r in recs]}
    for key in ("allocation", "attempt", "lottery_index", "rfc3797_key"):
        if key in d["info"]:
            inter[key] = d["info"][key]
    return {"name": name, "manifest": m, "pool": pool, "reveal": reveal, "commitment": d["commitment"].hex(),
            "seed": d["seed"].hex(), "selected": [recs[i][0] for i in d["selected"]],
            "alternates": [recs[i][0] for i in d["alternates"]], "transcript": d["transcript"].hex(),
            "intermediate": inter}


def lottery_portfolio(pool, features_json, k_, household_rule, count, label):
    M_stub = {"features": features_json, "household_rule": household_rule}
    recs = [k.parse_record(r) for r in pool]
    valid = []
    for comb in itertools.combinations(range(len(pool)), k_):
        if not k.quota_report(M_stub, recs, list(comb)):
            valid.append(list(comb))
    rng = Det("portfolio/" + label)
    chosen = []
    while len(chosen) < count:
        c = valid[rng.below(len(valid))]
        if c not in chosen:
            chosen.append(c)
    return chosen


def gen_draws() -> dict:
    draws = []
    failures = []
    rng = Det("draws")

    # uniform
    pool_u = make_pool("uniform", 30, [GENRE, COMMUNE])
    m_u = manifest("Tirage uniforme, Pérols", {"name": "uniform"}, 8, 5,
                   [feat("genre", GENRE, [(3, 5), (3, 5)]),
                    feat("commune", COMMUNE, [(0, 8), (0, 8), (0, 8), (0, 8)])],
                   pool_u, recipe=hex_recipe("graine 1", "graine 2"), announced_at="2026-11-30T12:00:00Z")
    rv_u = hex_reveal(rng.hex(32), rng.hex(32))
    draws.append(draw_entry("uniform", m_u, pool_u, rv_u))

    # stratified, explicit
    f3 = [feat("commune", COMMUNE, [(0, 12)] * 4), feat("genre", GENRE, [(0, 12), (0, 12)]),
          feat("âge", AGE, [(0, 12)] * 3)]
    pool_s = make_pool("stratified", 40, [COMMUNE, GENRE, AGE], weights=[[5, 2, 2, 1], [1, 1], [2, 2, 1]])
    m_se = manifest("Stratifié par commune, comptes explicites",
                    {"name": "stratified", "feature": "commune", "allocation": {"kind": "explicit", "counts": [5, 3, 2, 2]}},
                    12, 4, f3, pool_s, recipe=hex_recipe("graine"))
    draws.append(draw_entry("stratified_explicit", m_se, pool_s, hex_reveal(rng.hex(32))))
    pool_s2 = make_pool("stratified-lr", 45, [COMMUNE, GENRE, AGE], weights=[[6, 3, 2, 1], [1, 1], [2, 2, 1]])
    f3b = [feat("commune", COMMUNE, [(0, 10)] * 4), feat("genre", GENRE, [(4, 6), (4, 6)]),
           feat("âge", AGE, [(0, 10)] * 3)]
    m_slr = manifest("Stratifié par commune, plus forts restes",
                     {"name": "stratified", "feature": "commune", "allocation": {"kind": "largest_remainder"}},
                     10, 3, f3b, pool_s2, recipe=hex_recipe("graine"))
    draws.append(draw_entry("stratified_largest_remainder", m_slr, pool_s2, hex_reveal(rng.hex(32))))
    pool_s3 = make_pool("stratified-sl", 37, [AGE, COMMUNE], weights=[[4, 3, 1], [3, 1, 1, 1]])
    f2 = [feat("âge", AGE, [(0, 9)] * 3), feat("commune", COMMUNE, [(0, 9)] * 4)]
    m_ssl = manifest("Stratifié par âge, Sainte-Laguë",
                     {"name": "stratified", "feature": "âge", "allocation": {"kind": "sainte_lague"}},
                     9, 6, f2, pool_s3, recipe=hex_recipe("graine"))
    draws.append(draw_entry("stratified_sainte_lague", m_ssl, pool_s3, hex_reveal(rng.hex(32))))

    # ties: N = [6, 2, 10, 2], n = 20. Largest remainder with k = 5: every remainder is 10, so the two
    # remaining seats go to the larger strata. Sainte-Laguë with k = 6: seat 4 is a four-way tie at
    # quotient 2 (won by the larger N_s), seat 5 a three-way tie (larger N_s), seat 6 a tie between two
    # strata of equal N_s (won by the earlier value): [2, 1, 3, 0].
    counts = [6, 2, 10, 2]
    order = [c for i in range(10) for c in range(4) if i < counts[c]]
    pool_t = [{"ticket": f"V-{i:02d}", "values": [COMMUNE[c], GENRE[i % 2]], "household": None}
              for i, c in enumerate(order)]
    ft = [feat("commune", COMMUNE, [(0, 6)] * 4), feat("genre", GENRE, [(2, 4), (2, 4)])]
    m_tlr = manifest("Égalités, plus forts restes",
                     {"name": "stratified", "feature": "commune", "allocation": {"kind": "largest_remainder"}},
                     5, 3, ft, pool_t, recipe=hex_recipe("graine"))
    draws.append(draw_entry("stratified_largest_remainder_ties", m_tlr, pool_t, hex_reveal(rng.hex(32))))
    assert draws[-1]["intermediate"]["allocation"] == [2, 0, 3, 0]
    m_tsl = manifest("Égalités, Sainte-Laguë",
                     {"name": "stratified", "feature": "commune", "allocation": {"kind": "sainte_lague"}},
                     6, 3, ft, pool_t, recipe=hex_recipe("graine"))
    draws.append(draw_entry("stratified_sainte_lague_ties", m_tsl, pool_t, hex_reveal(rng.hex(32))))
    assert draws[-1]["intermediate"]["allocation"] == [2, 1, 3, 0], draws[-1]["intermediate"]["allocation"]

    # greedy, plain
    pool_g = make_pool("greedy", 50, [GENRE, AGE, COMMUNE], weights=[[1, 1], [2, 2, 1], [4, 2, 2, 1]])
    fg = [feat("genre", GENRE, [(5, 5), (5, 5)]), feat("âge", AGE, [(3, 4), (3, 4), (2, 3)]),
          feat("commune", COMMUNE, [(3, 6), (1, 3), (1, 3), (1, 2)])]
    m_g = manifest("Glouton, quotas", {"name": "greedy", "max_attempts": 100}, 10, 5, fg, pool_g,
                   recipe=hex_recipe("graine"))
    draws.append(draw_entry("greedy", m_g, pool_g, hex_reveal(rng.hex(32))))

    # greedy, households, first attempt fails
    pool_gh = make_pool("greedy-households-6", 30, [GENRE, AGE], weights=[[1, 1], [3, 3, 1]], households=5)
    fgh = [feat("genre", GENRE, [(4, 4), (4, 4)]), feat("âge", AGE, [(2, 3), (2, 3), (2, 2)])]
    m_gh = manifest("Glouton, un par foyer", {"name": "greedy", "max_attempts": 50}, 8, 4, fgh, pool_gh,
                    recipe=hex_recipe("graine"), household_rule=True)
    found = None
    for i in range(2000):
        rv = hex_reveal(hashlib.sha256(f"greedy-households/{i}".encode()).hexdigest())
        try:
            d = k.draw(m_gh, pool_gh, rv)
        except k.KleroterionError:
            continue
        if d["info"]["attempt"] >= 1:
            found = rv
            break
    assert found is not None, "no greedy case whose first attempt fails"
    draws.append(draw_entry("greedy_households_retry", m_gh, pool_gh, found))

    # lottery
    pool_l = make_pool("lottery", 14, [GENRE, AGE], weights=[[1, 1], [2, 2, 1]], households=4)
    fl = [feat("genre", GENRE, [(2, 2), (2, 2)]), feat("âge", AGE, [(1, 2), (1, 2), (0, 1)])]
    pf = lottery_portfolio(pool_l, fl, 4, True, 12, "lottery")
    m_l = manifest("Loterie sur portefeuille", {"name": "lottery", "portfolio": pf}, 4, 6, fl, pool_l,
                   recipe=hex_recipe("graine"), household_rule=True, announced_at="2026-12-24T18:00:00Z")
    draws.append(draw_entry("lottery", m_l, pool_l, hex_reveal(rng.hex(32))))

    # rfc3797 on the RFC's example
    names = open(os.path.join(RFC3797_DIR, "ref.names"), encoding="utf-8").read().split()
    pool_r = [{"ticket": nm, "values": ["IETF"], "household": None} for nm in names]
    m_r = manifest("RFC 3797, exemple de la section 6", {"name": "rfc3797"}, 10, 6,
                   [feat("groupe", ["IETF"], [(0, 10)])], pool_r)
    rv_r = {"sources": [{"kind": "lottery", "name": "Loterie 1", "numbers": ["9319"]},
                        {"kind": "lottery", "name": "Loterie 2", "numbers": [2, 5, 12, 8, 10]},
                        {"kind": "lottery", "name": "Loterie 3", "numbers": [9, 18, 26, 34, 41, 45]}]}
    draws.append(draw_entry("rfc3797", m_r, pool_r, rv_r))

    # failures
    pool_f = [{"ticket": f"F-{i:02d}", "values": [v], "household": h} for i, (v, h) in enumerate(
        [("femme", "foyer-A"), ("femme", "foyer-A"), ("femme", "foyer-A"), ("homme", None), ("homme", "foyer-B"),
         ("homme", None), ("homme", "foyer-B"), ("homme", None)])]
    m_f = manifest("Échec : toutes les femmes dans un foyer", {"name": "greedy", "max_attempts": 10}, 4, 2,
                   [feat("genre", GENRE, [(2, 2), (2, 2)])], pool_f, recipe=hex_recipe("graine"),
                   household_rule=True)
    rv_f = hex_reveal(rng.hex(32))
    _expect_failure(m_f, pool_f, rv_f)
    failures.append({"name": "greedy_household_impossible", "manifest": m_f, "pool": pool_f, "reveal": rv_f,
                     "error": "DrawFailed"})
    # A single attempt that fails by chance: tight quotas, households.
    m_f2 = manifest("Échec : une seule tentative", {"name": "greedy", "max_attempts": 1}, 8, 0, fgh, pool_gh,
                    recipe=hex_recipe("graine"), household_rule=True)
    rv_f2 = None
    for i in range(2000):
        rv = hex_reveal(hashlib.sha256(f"greedy-fail/{i}".encode()).hexdigest())
        try:
            k.draw(m_f2, pool_gh, rv)
        except k.KleroterionError as e:
            if e.kind == "DrawFailed":
                rv_f2 = rv
                break
    assert rv_f2 is not None
    failures.append({"name": "greedy_single_attempt_fails", "manifest": m_f2, "pool": pool_gh,
                     "reveal": rv_f2, "error": "DrawFailed"})

    # replacements
    by_name = {d["name"]: d for d in draws}
    reps = []

    def rep(name, dropped):
        d = by_name[name]
        r = k.replace(d["manifest"], d["pool"], d["reveal"], bytes.fromhex(d["transcript"]), dropped)
        reps.append({"draw": name, "dropped": r["dropped"], "replacements": r["replacements"],
                     "panel": r["panel"], "hash": r["hash"].hex()})
        return r

    du = by_name["uniform"]
    rep("uniform", [du["selected"][2], du["alternates"][0], du["selected"][5]])
    # someone not on the panel and not an alternate, then a selected person
    others = [r["ticket"] for r in du["pool"] if r["ticket"] not in du["selected"] + du["alternates"]]
    rep("uniform", [others[0], du["selected"][0]])
    ds = by_name["stratified_explicit"]
    rep("stratified_explicit", [ds["selected"][0], ds["selected"][7], ds["alternates"][1]])
    # a stratum emptied: drop every member of the smallest stratum that is not on the panel, then a
    # selected member of it, so that the seat stays empty
    M_s = k.parse_manifest(ds["manifest"])
    last = COMMUNE[3]
    members = [r["ticket"] for r in ds["pool"] if r["values"][0] == last]
    on_panel = [t for t in ds["selected"] if t in members]
    rest = [t for t in members if t not in ds["selected"]]
    rr = rep("stratified_explicit", rest + [on_panel[0]])
    assert rr["replacements"][-1] is None
    dsl = by_name["stratified_sainte_lague"]
    rep("stratified_sainte_lague", [dsl["selected"][-1], dsl["selected"][0]])
    dg = by_name["greedy"]
    rep("greedy", [dg["selected"][1], dg["selected"][4]])
    dgh = by_name["greedy_households_retry"]
    rep("greedy_households_retry", [dgh["selected"][0]])
    dl = by_name["lottery"]
    rep("lottery", [dl["alternates"][0], dl["selected"][1]])
    # no quota-keeping candidate: drop a selected person and every other person of the same gender
    # and age who is not on the panel.
    recs_l = {r["ticket"]: r for r in dl["pool"]}
    target = dl["selected"][0]
    tv = recs_l[target]["values"]
    same = [r["ticket"] for r in dl["pool"] if r["values"][0] == tv[0] and r["ticket"] not in dl["selected"]]
    rl = rep("lottery", same + [target])
    assert rl["broken_quotas"] or rl["replacements"][-1] is None, rl
    dr = by_name["rfc3797"]
    rep("rfc3797", ["Lee", "Sloth", "Mary"])
    rep("rfc3797", dr["alternates"][:5] + ["Pandora", "Doc"])

    out = header(
        "Whole draws (SPEC sections 9-11). Each draw: the manifest, pool and reveal as JSON (section 14), the "
        "commitment, seed, selected and alternates (as tickets, in order) and transcript; intermediate values "
        "for debugging. failures: inputs for which every implementation MUST report DrawFailed. "
        "replacements (section 10.2): for a draw above and a dropped list, one replacement (ticket or null) "
        "per dropped ticket, the resulting panel (tickets in panel order; a seat left empty is removed from "
        "the list) and replacement_hash.")
    out.update({"draws": draws, "failures": failures, "replacements": reps})
    return out


def _expect_failure(m, pool, rv):
    try:
        k.draw(m, pool, rv)
    except k.KleroterionError as e:
        assert e.kind == "DrawFailed", e
        return
    raise AssertionError("expected DrawFailed")


# ---------------------------------------------------------------------------

def build_all() -> dict:
    seed = gen_seed()
    return {
        "encoding.json": gen_encoding(),
        "merkle.json": gen_merkle(),
        "seed.json": seed,
        "stream.json": gen_stream(seed),
        "sampling.json": gen_sampling(),
        "draws.json": gen_draws(),
    }


def main(argv) -> int:
    check = "--check" in argv
    files = build_all()
    stale = []
    for name, obj in files.items():
        path = os.path.join(VEC_DIR, name)
        text = dumps(obj)
        if check:
            try:
                with open(path, encoding="utf-8") as fh:
                    if fh.read() != text:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        else:
            os.makedirs(VEC_DIR, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            print(f"wrote {os.path.relpath(path, ROOT)}")
    if check and stale:
        print("out of date: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
