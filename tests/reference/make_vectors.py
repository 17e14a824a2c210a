"""Writes the kleroterion/v2 test vectors to tests/vectors/*.json.

Usage: python3 tests/reference/make_vectors.py [--check]

Deterministic: the same bytes on every run (no clock, no system randomness; the
pseudo-random pools come from SHA-256 of fixed labels). With --check, nothing is
written and the exit status says whether the files on disk are up to date.
"""

from __future__ import annotations

import copy
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

QUICKNET = k.QUICKNET.hex()
MAINNET = k.MAINNET.hex()
# The last quicknet round whose time is at most 9999-12-31T23:59:59Z (section 6.1).
QUICKNET_LAST_ROUND = (k.MAX_TIME - 1692803367) // 3 + 1

EUROMILLIONS = "euromillions"


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


# Receipt secrets (sections 4 and 13) of every record of the vectors: secret = SHA-256(UTF-8("kleroterion
# vectors secret") || UTF-8(ticket)), 32 bytes, and holder = H("holder", raw32(secret)). Real tools make
# secrets as HMAC-SHA256(key, "holder" || 0x00 || id) (section 17); the vectors only need a fixed rule.
SECRET_PREFIX = "kleroterion vectors secret"
SECRET_RULE = ('Unless a case says otherwise, every record\'s holder is H("holder", raw32(secret)) with secret = SHA-256(UTF-8("kleroterion '
               'vectors secret") || UTF-8(ticket)), 32 bytes')


def secret_of(ticket_: str) -> bytes:
    return hashlib.sha256(SECRET_PREFIX.encode() + ticket_.encode()).digest()


def record(ticket_: str, values: list, household=None, link=None) -> dict:
    """A pool record (section 14) whose holder follows SECRET_RULE; `link`, for a record of a linked
    stage (5.3), is absent when None."""
    r = {"ticket": ticket_, "values": values, "household": household, "holder": k.holder_of(secret_of(ticket_)).hex()}
    if link is not None:
        r["link"] = link
    return r


# Salts of the sealed records of the vectors (section 4.1): salt = SHA-256(UTF-8("kleroterion vectors
# salt") || UTF-8(ticket)), 32 bytes. Real tools make salts as HMAC-SHA256(key, "salt" || 0x00 || id)
# (section 17); the vectors only need a fixed rule.
SALT_PREFIX = "kleroterion vectors salt"
SALT_RULE = ('Unless a case says otherwise, every sealed record (section 4.1) publishes seal = H("seal", str(ticket) || '
             'list(str, values) || raw32(salt)) with salt = SHA-256(UTF-8("kleroterion vectors salt") || UTF-8(ticket)), '
             '32 bytes, and its opening (section 14) is {"ticket", "values", "salt"} with those values and that salt')


def salt_of(ticket_: str) -> bytes:
    return hashlib.sha256(SALT_PREFIX.encode() + ticket_.encode()).digest()


def opening_of(r: dict, salt: bytes | None = None) -> dict:
    """The opening (section 14) of an open record's values, with the salt of SALT_RULE."""
    salt = salt_of(r["ticket"]) if salt is None else salt
    return {"ticket": r["ticket"], "values": list(r["values"]), "salt": salt.hex()}


def sealed(r: dict, salt: bytes | None = None) -> dict:
    """The sealed form (sections 4.1 and 14) of an open record: `values` empty and the seal of its
    values, with the salt of SALT_RULE."""
    salt = salt_of(r["ticket"]) if salt is None else salt
    out = {"ticket": r["ticket"], "values": [], "seal": k.seal_of(r["ticket"], r["values"], salt).hex()}
    if "household" in r:
        out["household"] = r["household"]
    out["holder"] = r["holder"]
    if "link" in r:
        out["link"] = r["link"]
    return out


def seal_pool(records: list) -> tuple:
    """(the sealed records, every record's opening in pool order: the organiser's private openings)."""
    return [sealed(r) for r in records], [opening_of(r) for r in records]


def ticket(label: str, i: int) -> str:
    h = hashlib.sha256(f"ticket/{label}/{i}".encode()).hexdigest().upper()
    return f"{h[:4]}-{h[4:8]}"


def expect_error(kind: str, fn, *args):
    """Runs fn(*args) and checks that it raises the error `kind`."""
    try:
        fn(*args)
    except k.KleroterionError as e:
        assert e.kind == kind, (kind, e)
        return
    raise AssertionError(f"expected {kind}")


# ---------------------------------------------------------------------------
# Common features, pools, manifests
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
        recs.append(record(ticket(label, i), vals, hh))
    # 5.2: a tag is carried by at least two records; a person alone in their household has none.
    for r in recs:
        if r["household"] is not None and sum(x["household"] == r["household"] for x in recs) < 2:
            r["household"] = None
    return recs


def pool_root(records) -> str:
    return k.mth([k.leaf_hash(k.parse_record(r)) for r in records]).hex()


def manifest(title, method, k_, A, features, records, recipe=None, announced_at=None, household_rule=False,
             purpose=None, min_cell=None, sealed_=None, parent=None):
    m = {"spec": k.SPEC_ID, "title": title}
    if announced_at is not None:
        m["announced_at"] = announced_at
    m.update({"method": method, "panel_size": k_, "alternates": A, "household_rule": household_rule,
              "features": features, "pool": {"root": pool_root(records), "count": len(records)}})
    if recipe is not None:
        m["randomness"] = recipe
    if purpose is not None:
        m["purpose"] = purpose
    if min_cell is not None:
        m["min_cell"] = min_cell
    if sealed_ is not None:
        m["sealed"] = sealed_
    if parent is not None:
        m["parent"] = parent
    return m


def recipe(*sources):
    return {"sources": list(sources), "fallback": k.FALLBACK}


def hex_recipe(*labels):
    return recipe(*[{"kind": "hex", "label": lab} for lab in labels])


def hex_reveal(*values):
    return {"sources": [{"kind": "hex", "value": v} for v in values]}


def registry_lottery(lottery: str, date: str) -> dict:
    return {"kind": "lottery", "lottery": lottery, "date": date}


def declared_lottery(lottery: str, date: str, draw_at: str, main: dict, bonus: list | None = None) -> dict:
    return {"kind": "lottery", "lottery": lottery, "date": date, "draw_at": draw_at,
            "format": {"main": main, "bonus": bonus or []}}


def group(name, count, lo, hi, from_main_drum=None) -> dict:
    g = {"name": name, "count": count, "min": lo, "max": hi}
    if from_main_drum is not None:
        g["from_main_drum"] = from_main_drum
    return g


def lottery_value(lottery: str, main: list, bonus: list | None = None) -> dict:
    return {"kind": "lottery", "lottery": lottery, "main": main, "bonus": bonus or []}


def dice(count, faces, witnesses) -> dict:
    return {"kind": "dice", "count": count, "faces": faces, "witnesses": witnesses}


def _with_nulls(m: dict) -> dict:
    """The same manifest with "announced_at": null and "randomness": null written out."""
    out = {}
    for key, val in m.items():
        out[key] = val
        if key == "title":
            out["announced_at"] = None
    out["randomness"] = None
    return out


DRAW_DATES_FROM = "2026-12-01"


def first_draw_day(entry: dict, date: str) -> int:
    """The first draw day of a registry entry on or after `date`."""
    day = k.parse_date(date)
    while not k.is_draw_day(entry, day):
        day += 1
    return day


def euromillions_date(n: int) -> str:
    """The n-th EuroMillions draw date (from 0) on or after DRAW_DATES_FROM."""
    entry = k.registry_entry(EUROMILLIONS)
    day = k.parse_date(DRAW_DATES_FROM)
    for _ in range(n + 1):
        day = first_draw_day(entry, k.format_date(day)) + 1
    return k.format_date(day - 1)


def valid_numbers(F: dict) -> tuple:
    """Numbers that fit a format: the lowest numbers of each group, the highest for a
    group drawn from the main drum (so that it repeats no main number)."""
    main = list(range(F["main"]["min"], F["main"]["min"] + F["main"]["count"]))
    bonus = []
    for g in F["bonus"]:
        if g.get("from_main_drum"):
            bonus.append(list(range(g["max"] - g["count"] + 1, g["max"] + 1)))
        else:
            bonus.append(list(range(g["min"], g["min"] + g["count"])))
    return main, bonus


# ---------------------------------------------------------------------------
# encoding.json
# ---------------------------------------------------------------------------

DECLARED_TOMBOLA = declared_lottery("Tombola de Pérols", "2026-12-01", "2026-12-01T18:00:00Z",
                                    group("numbers", 3, 1, 90))
DECLARED_WITH_BONUS = declared_lottery(
    "Loto du Comité des fêtes", "2026-12-05", "2026-12-05T19:30:00Z", group("boules", 6, 1, 49),
    [group("complémentaire", 1, 1, 49, True), group("chance", 1, 1, 10, False)])


def encoding_manifests(pool: list, features: list) -> list:
    all_kinds = recipe(
        {"kind": "hex", "label": "valeur de test"},
        registry_lottery(EUROMILLIONS, "2026-12-01"),
        {"kind": "drand", "chain": QUICKNET, "round": 1234567},
        dice(5, 6, "Mme Dupré et M. Núñez, mairie de Pérols"))
    return [
        manifest("Tirage uniforme", {"name": "uniform"}, 4, 2, features, pool),
        manifest("Tirage uniforme, annoncé", {"name": "uniform"}, 4, 2, features, pool,
                 recipe=hex_recipe("graine de test"), announced_at="2026-11-30T12:00:00Z", min_cell=5),
        manifest("Stratifié, comptes explicites", {"name": "stratified", "feature": "commune",
                 "allocation": {"kind": "explicit", "counts": [2, 1, 1, 0]}}, 4, 0, features, pool,
                 recipe=recipe(registry_lottery(EUROMILLIONS, "2026-12-04")), announced_at="2026-12-02T09:00:00Z",
                 min_cell=1),
        manifest("Stratifié, plus forts restes", {"name": "stratified", "feature": "commune",
                 "allocation": {"kind": "largest_remainder"}}, 4, 3, features, pool,
                 recipe=recipe({"kind": "drand", "chain": QUICKNET, "round": 1}),
                 announced_at="2023-08-23T15:09:26Z", min_cell=5),
        manifest("Stratifié, Sainte-Laguë", {"name": "stratified", "feature": "genre",
                 "allocation": {"kind": "sainte_lague"}}, 5, 1, features, pool,
                 recipe=recipe(dice(10, 20, "")), announced_at="2027-02-28T23:59:59Z", min_cell=0),
        manifest("Glouton", {"name": "greedy", "max_attempts": 100}, 4, 4, features, pool,
                 recipe=all_kinds, announced_at="2026-11-30T08:30:00Z", min_cell=6),
        manifest("Glouton, foyers", {"name": "greedy", "max_attempts": 1}, 3, 0, features, pool,
                 household_rule=True),
        manifest("Convention citoyenne, panel", {"name": "lottery", "portfolio": [[0, 3, 5], [1, 2, 4], [6, 7, 11]]},
                 3, 2, [feat("genre", GENRE, [(0, 3), (0, 3)])], pool,
                 recipe=recipe({"kind": "drand", "chain": QUICKNET, "round": 1234567},
                               registry_lottery(EUROMILLIONS, "2026-12-01")),
                 announced_at="2023-08-30T12:00:00Z", household_rule=True, purpose="official", min_cell=5),
        manifest("RFC 3797", {"name": "rfc3797"}, 2, 3, [], pool, min_cell=1),
        _with_nulls(manifest("Uniforme, champs optionnels à null", {"name": "uniform"}, 6, 0, features, pool)),
        manifest("RFC 3797, recette", {"name": "rfc3797"}, 2, 3, features, pool,
                 recipe=recipe(DECLARED_TOMBOLA, dice(3, 6, "huissier"), {"kind": "hex", "label": "x"},
                               {"kind": "drand", "chain": QUICKNET, "round": QUICKNET_LAST_ROUND}),
                 announced_at="2026-11-30T12:00:00Z"),
        manifest("Répétition", {"name": "uniform"}, 4, 2, features, pool, recipe=hex_recipe("essai"),
                 purpose="rehearsal", min_cell=5),
        manifest("Rejeu d'un tirage passé", {"name": "uniform"}, 4, 2, features, pool,
                 recipe=recipe(dice(2, 6, "public")), purpose="replay", min_cell=2),
        manifest("Loterie déclarée, numéros complémentaires", {"name": "uniform"}, 4, 2, features, pool,
                 recipe=recipe(DECLARED_WITH_BONUS, {"kind": "drand", "chain": MAINNET, "round": 1}),
                 announced_at="2020-07-22T15:17:29Z"),
        manifest("Loteries déclarées aux noms voisins du registre", {"name": "uniform"}, 4, 2, features, pool,
                 recipe=recipe(*NEAR_REGISTRY_NAMES), announced_at="2026-11-30T12:00:00Z"),
    ]


# Declared lotteries whose names equal a registry id or name only under a Unicode case mapping,
# not "without regard to ASCII case" (6.1): U+0131 (dotless i) uppercases to I, U+017F (long s)
# case-folds to s. They are valid declared lotteries.
NEAR_REGISTRY_NAMES = [
    declared_lottery("EuroM\u0131ll\u0131ons", "2026-12-04", "2026-12-04T20:00:00Z", group("numbers", 5, 1, 50),
                     [group("stars", 2, 1, 12)]),
    declared_lottery("u\u017f-powerball", "2026-12-05", "2026-12-05T21:00:00Z", group("numbers", 5, 1, 69),
                     [group("Powerball", 1, 1, 26)]),
]


def invalid_manifests(pool: list, features: list) -> list:
    """Manifests with exactly one fault each, and the error kind of section 5.1."""
    base = manifest("Un défaut", {"name": "uniform"}, 4, 2, features, pool,
                    recipe=recipe(registry_lottery(EUROMILLIONS, "2026-12-04")), announced_at="2026-12-01T12:00:00Z")
    entry = k.registry_entry(EUROMILLIONS)
    since = k.parse_date(entry["since"])
    before_since = since - 1
    while not k.is_draw_day(entry, before_since):
        before_since -= 1
    not_draw_day = k.parse_date("2026-12-04") + 1
    while k.is_draw_day(entry, not_draw_day):
        not_draw_day += 1
    cases = []

    def case(what: str, error: str, edit):
        m = copy.deepcopy(base)
        edit(m)
        expect_error(error, k.parse_manifest, m)
        cases.append({"what": what, "manifest": m, "error": error})

    def set_sources(*sources):
        return lambda m: m["randomness"].update(sources=list(sources))

    def set_key(key, value):
        return lambda m: m.update({key: value})

    def set_group(i: int | None, source=DECLARED_WITH_BONUS, **changes):
        """Changes the main group (i None) or bonus group i of a declared lottery."""
        def edit(m):
            src = copy.deepcopy(source)
            g = src["format"]["main"] if i is None else src["format"]["bonus"][i]
            g.update(changes)
            m["randomness"]["sources"] = [src]
        return edit

    case("spec kleroterion/v1", "UnsupportedSpec", set_key("spec", "kleroterion/v1"))
    case("a bidirectional formatting character in the title", "InvalidText", set_key("title", "abc\u202edef"))
    case("a C1 control in a feature name", "InvalidText",
         lambda m: m["features"][0].update(name="genre\u0085"))
    case("an unassigned code point in a lottery name", "InvalidText",
         set_sources(declared_lottery("Loto \u0378", "2026-12-04", "2026-12-04T20:00:00Z", group("n", 5, 1, 50))))
    case("announced_at on 31 November", "InvalidTime", set_key("announced_at", "2026-11-31T12:00:00Z"))
    case("announced_at without seconds", "InvalidTime", set_key("announced_at", "2026-12-01T12:00Z"))
    case("a registry lottery without announced_at", "AnnouncementMissing", lambda m: m.pop("announced_at"))
    case("a declared lottery without announced_at", "AnnouncementMissing",
         lambda m: (m.pop("announced_at"), m["randomness"].update(sources=[DECLARED_TOMBOLA])))
    case("a drand round without announced_at", "AnnouncementMissing",
         lambda m: (m.pop("announced_at"),
                    m["randomness"].update(sources=[{"kind": "drand", "chain": QUICKNET, "round": 5}])))
    case("a fallback rule other than next_value", "InvalidRecipe",
         lambda m: m["randomness"].update(fallback="the latest value"))
    case("no source", "InvalidRecipe", set_sources())
    case("17 sources", "InvalidRecipe", set_sources(*[{"kind": "hex", "label": f"s{i}"} for i in range(17)]))
    case("a registry lottery on a day it does not draw", "InvalidRecipe",
         set_sources(registry_lottery(EUROMILLIONS, k.format_date(not_draw_day))))
    case("a registry lottery before its since date", "InvalidRecipe",
         set_sources(registry_lottery(EUROMILLIONS, k.format_date(before_since))))
    case("a registry lottery with a date and time", "InvalidRecipe",
         set_sources(registry_lottery(EUROMILLIONS, "2026-12-04T20:45:00Z")))
    case("a registry lottery that declares a format", "InvalidRecipe",
         set_sources(dict(registry_lottery(EUROMILLIONS, "2026-12-04"),
                          format={"main": group("n", 5, 1, 50), "bonus": []})))
    case("a registry lottery that declares draw_at", "InvalidRecipe",
         set_sources(dict(registry_lottery(EUROMILLIONS, "2026-12-04"), draw_at="2026-12-04T19:45:00Z")))
    case("a lottery outside the registry without format and draw_at", "InvalidRecipe",
         set_sources(registry_lottery("Tombola de Pérols", "2026-12-01")))
    case("a declared lottery without draw_at", "InvalidRecipe",
         set_sources({key: v for key, v in DECLARED_TOMBOLA.items() if key != "draw_at"}))
    case("a declared lottery without format", "InvalidRecipe",
         set_sources({key: v for key, v in DECLARED_TOMBOLA.items() if key != "format"}))
    case("a declared lottery on 30 February", "InvalidRecipe", set_sources(dict(DECLARED_TOMBOLA, date="2026-02-30")))
    case("a declared lottery whose draw_at is not a UTC time", "InvalidRecipe",
         set_sources(dict(DECLARED_TOMBOLA, draw_at="2026-12-01T18:00:00+01:00")))
    case("a main group of 0 numbers", "InvalidRecipe", set_group(None, count=0))
    case("a main group of 65 numbers", "InvalidRecipe", set_group(None, DECLARED_TOMBOLA, count=65))
    case("a group with min above max", "InvalidRecipe", set_group(1, min=11, max=10))
    case("a group of more numbers than its range", "InvalidRecipe", set_group(1, count=2, min=1, max=1))
    case("a group from the main drum with another range", "InvalidRecipe", set_group(0, max=50))
    case("a group from the main drum that does not fit beside the main numbers", "InvalidRecipe",
         set_group(0, count=44))
    case("9 bonus groups", "InvalidRecipe",
         set_sources(dict(DECLARED_TOMBOLA, format={"main": group("n", 3, 1, 90),
                                                    "bonus": [group(f"b{i}", 1, 1, 9) for i in range(9)]})))
    case("an unknown drand chain", "InvalidRecipe",
         set_sources({"kind": "drand", "chain": "00" * 32, "round": 5}))
    em_format = {"main": group("numbers", 5, 1, 50), "bonus": [group("stars", 2, 1, 12)]}
    case("a declared lottery named EuroMillions (the registry's name for euromillions)", "InvalidRecipe",
         set_sources(dict(registry_lottery("EuroMillions", "2026-12-04"), draw_at="2026-12-04T19:30:00Z",
                          format=em_format)))
    case("a declared lottery named EUROMILLIONS (the registry id in another ASCII case)", "InvalidRecipe",
         set_sources(dict(registry_lottery("EUROMILLIONS", "2026-12-04"), draw_at="2026-12-04T19:30:00Z",
                          format=em_format)))
    case("the registry id euromillions with a format and draw_at", "InvalidRecipe",
         set_sources(dict(registry_lottery(EUROMILLIONS, "2026-12-04"), draw_at="2026-12-04T19:30:00Z",
                          format=em_format)))
    case("a declared lottery named after the registry name of fr-loto, in other ASCII case", "InvalidRecipe",
         set_sources(declared_lottery("LOTO (france)", "2026-12-05", "2026-12-05T19:15:00Z",
                                      group("numbers", 5, 1, 49), [group("numéro chance", 1, 1, 10)])))
    case("a main group with from_main_drum true", "InvalidRecipe",
         set_group(None, DECLARED_TOMBOLA, from_main_drum=True))
    case("an empty number group name (a name: 1 to 256 bytes)", "InvalidText", set_group(1, name=""))
    case("a number group name of 257 bytes", "InvalidText", set_group(None, name="n" * 257))
    case("drand round 0", "InvalidRecipe", set_sources({"kind": "drand", "chain": QUICKNET, "round": 0}))
    case("a drand round after 9999-12-31T23:59:59Z", "InvalidRecipe",
         set_sources({"kind": "drand", "chain": QUICKNET, "round": QUICKNET_LAST_ROUND + 1}))
    case("1001 dice", "InvalidRecipe", set_sources(dice(1001, 6, "")))
    case("dice of 1 face", "InvalidRecipe", set_sources(dice(2, 1, "")))
    case("sealed features with the uniform method", "InvalidMethod", set_key("sealed", True))
    case("sealed features with the greedy method", "InvalidMethod",
         lambda m: m.update(method={"name": "greedy", "max_attempts": 10}, sealed=True))
    case("sealed features with the stratified method", "InvalidMethod",
         lambda m: m.update(method={"name": "stratified", "feature": "genre", "allocation": {"kind": "sainte_lague"}},
                            sealed=True))
    case("sealed features with the rfc3797 method", "InvalidMethod",
         lambda m: m.update(method={"name": "rfc3797"}, sealed=True))
    parent = {"commitment": hashlib.sha256(b"previous stage").hexdigest(),
              "invitees": k.invitees_hash(["A", "B"]).hex(), "inherited": ["commune", "genre"]}
    case("a parent that inherits a name twice", "DuplicateName",
         set_key("parent", dict(parent, inherited=["commune", "genre", "commune"])))
    case("a parent that inherits a feature this manifest does not have", "UnknownFeature",
         set_key("parent", dict(parent, inherited=["genre", "âge"])))
    case("a parent that inherits an empty name", "InvalidText", set_key("parent", dict(parent, inherited=[""])))
    return cases


def lottery_values() -> list:
    entry = k.registry_entry(EUROMILLIONS)
    em_main, em_bonus = valid_numbers(entry["format"])
    values = [
        lottery_value(EUROMILLIONS, [48, 7, 18, 40, 28], [[9, 3]]),
        lottery_value(EUROMILLIONS, em_main, em_bonus),
        lottery_value("Tombola de Pérols", [90, 1, 45]),
        {"kind": "lottery", "lottery": "Tombola de Pérols", "main": [45, 90, 1]},
        lottery_value("Loto du Comité des fêtes", [49, 2, 17, 33, 8, 21], [[40], [10]]),
        lottery_value("Loterie 1", [9319]),
        lottery_value("Loterie 2", [2, 5, 12, 8, 10]),
        lottery_value("Loterie 3", [9, 18, 26, 34, 41, 45]),
        lottery_value("Zéro", [0], [[0, 4294967295], [7]]),
        lottery_value("Sans tri", [10, 9, 100, 1], [[3, 2, 1]]),
        lottery_value("Doubles sans recette", [5, 5, 5], [[1, 1]]),
    ]
    out = []
    for v in values:
        s = k.parse_reveal({"sources": [v]})[0]
        out.append({"value": v, "bytes": k.source_val_bytes(s).hex(), "rfc3797": k.source_canonical_string(s)})
    return out


def reveal_form_check(reveal: dict):
    """A reveal checked without a recipe: its form (6.2) and the drand rules of 6.4.8 that
    come before the pairing check."""
    k.check_drand_values(k.parse_reveal(reveal), skip_signatures=True)


def invalid_reveals() -> list:
    """Reveals with exactly one fault each, refused without any recipe (section 6.2)."""
    quick = {"kind": "drand", "chain": QUICKNET, "round": 42,
             "signature": "95a9f9f5b231b7714de1553105d8ffdf3dcda24cfdb1e689319bccf79a9c8ce430a91b811fbfaf763900bc"
                          "998b5d686a"}
    cases = []

    def case(what: str, error: str, *sources):
        reveal = {"sources": list(sources)}
        expect_error(error, reveal_form_check, reveal)
        cases.append({"what": what, "reveal": reveal, "error": error})

    case("no source", "InvalidReveal")
    case("17 sources", "InvalidReveal", *[{"kind": "hex", "value": "00"}] * 17)
    case("an empty hex value", "InvalidReveal", {"kind": "hex", "value": ""})
    case("a hex value of 1025 bytes", "InvalidReveal", {"kind": "hex", "value": "ab" * 1025})
    case("no dice value", "InvalidReveal", {"kind": "dice", "values": []})
    case("1001 dice values", "InvalidReveal", {"kind": "dice", "values": [1] * 1001})
    case("a lottery without main numbers", "InvalidReveal", {"kind": "lottery", "lottery": "Tombola", "main": []})
    case("a lottery with 65 main numbers", "InvalidReveal",
         {"kind": "lottery", "lottery": "Tombola", "main": list(range(1, 66))})
    case("a lottery with 9 bonus groups", "InvalidReveal",
         lottery_value("Tombola", [1], [[i] for i in range(1, 10)]))
    case("a lottery with an empty bonus group", "InvalidReveal", lottery_value("Tombola", [1], [[]]))
    case("euromillions without bonus (its stars are missing)", "InvalidReveal",
         {"kind": "lottery", "lottery": EUROMILLIONS, "main": [6, 15, 23, 30, 41]})
    case("drand round 0", "InvalidReveal", dict(quick, round=0))
    case("a drand randomness that is not SHA-256(signature)", "InvalidReveal", dict(quick, randomness="00" * 32))
    return cases


INVALID_TEXTS = [
    ("Pe\u0301rols", "not NFC"),
    ("A\u030angstro\u0308m", "not NFC"),
    ("\u1100\u1161", "not NFC"),
    ("\u212b", "not NFC"),
    ("ligne\nsuivante", "control character"),
    ("tab\there", "control character"),
    ("nul\u0000", "control character"),
    ("del\u007f", "control character"),
    ("\u001f", "control character"),
    ("C1 \u0080", "control character"),
    ("next line\u0085", "control character"),
    ("C1 \u009f", "control character"),
    ("arabic letter mark \u061c", "bidirectional formatting character"),
    ("\u200eleft-to-right mark", "bidirectional formatting character"),
    ("right-to-left mark\u200f", "bidirectional formatting character"),
    ("\u202aembedding", "bidirectional formatting character"),
    ("\u202bembedding", "bidirectional formatting character"),
    ("pop\u202c", "bidirectional formatting character"),
    ("\u202doverride", "bidirectional formatting character"),
    ("abc\u202edef", "bidirectional formatting character"),
    ("\u2066isolate", "bidirectional formatting character"),
    ("\u2067isolate", "bidirectional formatting character"),
    ("\u2068isolate", "bidirectional formatting character"),
    ("pop isolate\u2069", "bidirectional formatting character"),
    ("unassigned \u0378", "unassigned code point"),
    ("Tulu-Tigalari \U000113c2", "unassigned code point"),
    ("\u2065", "unassigned code point"),
    ("noncharacter \uffff", "unassigned code point"),
    ("\ufdd0", "unassigned code point"),
    ("\U0010ffff", "unassigned code point"),
    ("\U000e0080", "unassigned code point"),
    ("control before bidi \u202e\u0085", "control character"),
    ("bidi before unassigned \u0378\u202e", "bidirectional formatting character"),
    ("unassigned before NFC e\u0301\u0378", "unassigned code point"),
    ("x" * 4097, "too long"),
    ("é" * 2049, "too long"),
    ("\u202e" * 1366, "too long"),
    ("", "empty"),
]

VALID_TEXTS = [
    "Pérols",
    "\u00a0espace insécable",
    "~",
    "\u061b\u061d",
    "zero\u200dwidth joiner",
    "\u2028\u2029",
    "\ufeffbom",
    "\u2064\u206a",
    "家 Ωμέγα 🗳",
    "\U0001fae7",
    "\U000e0001",
    "\U000f0000 private use",
]


def gen_encoding() -> dict:
    recs = [
        record("A", []),
        record("K7Q2-9XMF", ["femme", "18-34 ans"]),
        record("K7Q2-9XMG", ["homme", "60 ans et plus"], "foyer-12"),
        record("Pérols-001", ["Pérols"]),
        record("SJV-0042", ["Saint-Jean-de-Védas", "femme"], "maison Éléonore"),
        record("Ωμέγα-7", ["Castelnau-le-Lez"], "家"),
    ]
    # A record whose household is absent (not null) and whose holder is written in uppercase
    # (section 2: hex is read in either case), and a holder made from the all-zero secret.
    upper = record("K7Q2-9XMH", ["femme", "35-59 ans"])
    del upper["household"]
    upper["holder"] = upper["holder"].upper()
    zero = dict(record("Z-0000", ["homme"]), holder=k.holder_of(bytes(32)).hex())
    # Records of a linked stage (5.3): `link` is encoded last, opt(str, link), in rec(r) as in srec(r).
    linked = [record("P2-0001", ["femme", "Pérols", "bac"], link="K7Q2-9XMF"),
              record("P2-0002", ["homme"], "foyer-3", link="Ωμέγα-7")]
    no_hh_link = record("P2-0003", [], link="A")
    del no_hh_link["household"]
    linked.append(no_hh_link)
    secrets = [secret_of(r["ticket"]) for r in recs] + [secret_of(upper["ticket"]), bytes(32)]
    secrets += [secret_of(r["ticket"]) for r in linked]
    records = []
    for r, secret in zip(recs + [upper, zero] + linked, secrets):
        pr = k.parse_record(r)
        assert k.holder_of(secret) == pr[3]
        records.append({"record": r, "secret": secret.hex(), "bytes": k.rec_bytes(pr).hex(),
                        "leaf": k.leaf_hash(pr).hex()})
    # Sealed records (section 4.1): the same fields, with `bytes` = srec(r) and the sealed leaf, and
    # the record's opening, the bytes of its seal's message and the seal. One has no household
    # field, one no feature (no value), one the all-zero salt.
    no_household = record("K7Q2-9XMJ", ["homme", "35-59 ans"])
    del no_household["household"]
    for r, salt in ((record("K7Q2-9XMF", ["femme", "18-34 ans"]), None),
                    (record("SJV-0043", ["Saint-Jean-de-Védas", "homme"], "maison Éléonore"), None),
                    (no_household, None),
                    (record("Ωμέγα-8", [], "家"), None),
                    (record("Z-0001", ["femme"]), bytes(32)),
                    (record("P2-0004", ["femme", "Castelnau-le-Lez", "supérieur"], link="SJV-0042"), None),
                    (record("P2-0005", ["homme", "Pérols"], "foyer-4", link="K7Q2-9XMH"), bytes(32))):
        salt = salt_of(r["ticket"]) if salt is None else salt
        sr, op = sealed(r, salt), opening_of(r, salt)
        pr = k.parse_record(sr)
        seal = k.seal_of(op["ticket"], op["values"], salt)
        assert seal.hex() == sr["seal"] and k.is_sealed(pr)
        records.append({"record": sr, "secret": secret_of(r["ticket"]).hex(), "bytes": k.rec_bytes(pr).hex(),
                        "leaf": k.leaf_hash(pr).hex(), "opening": op,
                        "seal_bytes": k.seal_bytes(op["ticket"], op["values"], salt).hex(), "seal": seal.hex()})

    # Two cells of 6 records (genre and commune), so that the manifests with min_cell 5 hold
    # for it (section 5.2).
    pool = [record(ticket("encoding", i), [GENRE[i % 2], COMMUNE[i % 2]]) for i in range(12)]
    features = [feat("genre", GENRE, [(1, 3), (1, 3)]), feat("commune", COMMUNE, [(0, 4), (0, 2), (0, 2), (0, 2)])]
    manifests = []
    for m in encoding_manifests(pool, features):
        M = k.parse_manifest(m)
        manifests.append({"manifest": m, "bytes": k.manifest_bytes(M).hex(), "commitment": k.commitment(M).hex()})
    # min_cell absent and min_cell 1 give the same bytes and commitment (section 14).
    plain = manifests[0]["manifest"]
    assert "min_cell" not in plain
    one = dict(plain, min_cell=1)
    M1 = k.parse_manifest(one)
    assert k.manifest_bytes(M1).hex() == manifests[0]["bytes"]
    manifests.insert(1, {"manifest": one, "bytes": manifests[0]["bytes"], "commitment": manifests[0]["commitment"]})
    # sealed absent and sealed false give the same bytes and commitment (section 14); a sealed
    # lottery (section 5: bool(sealed) last), committing a sealed pool of the same people.
    unsealed = dict(plain, sealed=False)
    assert k.manifest_bytes(k.parse_manifest(unsealed)).hex() == manifests[0]["bytes"]
    manifests.append({"manifest": unsealed, "bytes": manifests[0]["bytes"], "commitment": manifests[0]["commitment"]})
    sealed_pool = seal_pool(pool)[0]
    for m in (manifest("Convention citoyenne, caractéristiques scellées",
                       {"name": "lottery", "portfolio": [[0, 3, 5], [1, 2, 4], [6, 7, 11]]}, 3, 2,
                       [feat("genre", GENRE, [(1, 2), (1, 2)])], sealed_pool, recipe=hex_recipe("graine"),
                       household_rule=True, min_cell=5, sealed_=True),
              manifest("Loterie scellée, sans règle des foyers", {"name": "lottery", "portfolio": [[2, 9]]}, 2, 0,
                       features, sealed_pool, min_cell=1, sealed_=True)):
        M = k.parse_manifest(m)
        manifests.append({"manifest": m, "bytes": k.manifest_bytes(M).hex(), "commitment": k.commitment(M).hex()})

    # Manifests of a linked stage (section 5: opt(parent, parent), the last bytes of man(M)), committing a
    # pool of 12 records linked to the tickets of the pool above. Their parent is that of a made-up
    # previous stage: the commitment of the first manifest and the invitees hash of those 12 tickets.
    previous_tickets = [r["ticket"] for r in pool]
    linked_pool = [record(ticket("encoding-stage", i), [GENRE[i % 2], COMMUNE[i % 2]], link=previous_tickets[i])
                   for i in range(12)]
    parent = {"commitment": manifests[0]["commitment"], "invitees": k.invitees_hash(previous_tickets).hex(),
              "inherited": ["commune", "genre"]}
    sealed_linked = seal_pool(linked_pool)[0]
    for m in (manifest("Panel, étape liée", {"name": "lottery", "portfolio": [[0, 3, 5], [1, 2, 4], [6, 7, 11]]}, 3, 2,
                       features, linked_pool, recipe=hex_recipe("graine"), min_cell=5, parent=parent),
              manifest("Étape liée, aucune caractéristique héritée", {"name": "uniform"}, 4, 2, features, linked_pool,
                       min_cell=1, parent=dict(parent, inherited=[])),
              manifest("Étape liée, caractéristiques scellées", {"name": "lottery", "portfolio": [[2, 9]]}, 2, 0,
                       features, sealed_linked, min_cell=5, sealed_=True, parent=dict(parent, inherited=["genre"]))):
        M = k.parse_manifest(m)
        manifests.append({"manifest": m, "bytes": k.manifest_bytes(M).hex(), "commitment": k.commitment(M).hex()})
    # The invitees hash of a few ticket lists (5.3): the order matters.
    invitees = []
    for tickets in (["A"], ["K7Q2-9XMF", "Pérols-001", "Ωμέγα-7"], ["Ωμέγα-7", "Pérols-001", "K7Q2-9XMF"],
                    previous_tickets):
        invitees.append({"tickets": tickets, "bytes": k.invitees_bytes(tickets).hex(),
                         "hash": k.invitees_hash(tickets).hex()})

    invalid_texts = [{"text": t, "reason": r} for t, r in INVALID_TEXTS]
    for t in invalid_texts:
        for cls in k.TEXT_CLASSES:
            if t["reason"] != "empty" or k.TEXT_CLASSES[cls][0] > 0:
                assert k.text_problem(t["text"], cls) == t["reason"], (t, cls)
    valid_texts = [{"text": t} for t in VALID_TEXTS]
    for t in VALID_TEXTS:
        assert all(k.text_problem(t, cls) is None for cls in k.TEXT_CLASSES), t
    out = header(
        "Canonical encoding (SPEC sections 2-6). records: a record, its bytes rec(r) and leaf(r). manifests: a "
        "valid manifest (section 14 JSON), its canonical bytes man(M) and commitment H(\"manifest\", man(M)); "
        "they cover every method, every source kind, a registry and a declared lottery (with bonus groups and "
        "from_main_drum), declared lotteries whose names equal a registry id or name only under a Unicode case "
        "mapping (U+0131, U+017F), not without regard to ASCII case (section 6.1), the fallback next_value, each "
        "purpose (and its absence), null optional fields, the last quicknet round before "
        "9999-12-31T23:59:59Z and min_cell (section 5: u32(min_cell) after u8(purpose)) absent (meaning 1: the "
        "same bytes as the next manifest, which writes min_cell 1), 0, 1, 2, 5 and 6; the committed pool has two cells of 6 records (genre and commune), "
        "so that no min_cell exceeds its smallest cell; and sealed (section 5: bool(sealed), after u32(min_cell)) "
        "absent (false), false (the same bytes as the first manifest) and true (two lottery manifests committing the "
        "sealed form of that pool); and parent (section 5: opt(parent, parent), the last bytes of man(M), with "
        "parent(P) = raw32(commitment) || raw32(invitees) || list(str, inherited)) absent in all the manifests above "
        "and present in the last three (inherited [commune, genre], none, and [genre] with sealed true), which commit a "
        "pool of 12 records linked to the tickets of that pool, under a made-up parent: the commitment of the first "
        "manifest and the invitees hash of those 12 tickets. records: "
        "`secret` is the 32-byte secret whose H(\"holder\", raw32(secret)) is the record's `holder`. " + SECRET_RULE
        + " (one record has the all-zero secret, one an uppercase holder and no household field). The records with "
        "a `seal` are sealed records (section 4.1): their `bytes` are srec(r) and their `leaf` is SHA-256(0x00 || "
        "str(\"kleroterion/v2/sealed-record\") || srec(r)); `opening` is the record's opening (section 14: ticket, "
        "values, salt), `seal_bytes` the message str(ticket) || list(str, values) || raw32(salt) and `seal` = "
        "H(\"seal\", seal_bytes), equal to the record's. " + SALT_RULE + " (one sealed record has the all-zero "
        "salt, one no feature value, one no household field). The records with a `link` are records of a linked stage "
        "(section 5.3): opt(str, link) ends rec(r) and srec(r); it is one zero byte for every other record. "
        "invalid_manifests: `what` is wrong with `manifest` (one fault each) and "
        "`error`, the kind of section 5.1 a verifier MUST give (sealed with a method other than lottery: "
        "InvalidMethod). lottery_values: a lottery reveal value "
        "(section 14), its val(s) bytes (section 6.2, groups sorted) and its RFC 3797 canonical string "
        "(section 6.5); values whose lottery is not in the registry are checked only for their form (no "
        "recipe); `bonus` may be absent, meaning no bonus group. invalid_reveals: `what` is wrong with "
        "`reveal` (one fault each) and `error`, the kind a verifier MUST give for it without any recipe "
        "(section 6.2 and the drand rules of 6.4.8 before the pairing check). invalid_texts: texts that MUST "
        "be rejected (InvalidText) and the first rule of section 3 they break (reason: empty, too long, "
        "control character, bidirectional formatting character, unassigned code point, not NFC); each is "
        "invalid in every class (ticket, name, free), except the empty text, which is valid as a free text. "
        "valid_texts: texts valid in every class. invitees (section 5.3): a list of tickets (in order), `bytes` = "
        "list(str, tickets) and `hash` = H(\"invitees\", bytes), the invitees hash a parent holds. invalid_manifests also "
        "has a parent that inherits a name twice (DuplicateName), a name that is not a feature of the manifest "
        "(UnknownFeature) or an empty name (InvalidText).")
    out.update({"records": records, "manifests": manifests, "invalid_manifests": invalid_manifests(pool, features),
                "lottery_values": lottery_values(), "invalid_reveals": invalid_reveals(),
                "invalid_texts": invalid_texts, "valid_texts": valid_texts, "invitees": invitees})
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
                 "proof of every index (sibling first, upwards). " + SECRET_RULE + ".")
    out["trees"] = trees
    return out


# ---------------------------------------------------------------------------
# seed.json
# ---------------------------------------------------------------------------

def gen_seed() -> dict:
    rng = Det("seed")
    sig_quicknet = rng.hex(48)
    cases_in = [
        hex_reveal("00"),
        hex_reveal(rng.hex(32), rng.hex(7)),
        {"sources": [lottery_value(EUROMILLIONS, [7, 18, 28, 40, 48], [[8, 11]])]},
        {"sources": [lottery_value("Loterie 1", [9319]),
                     lottery_value("Loterie 2", [2, 5, 12, 8, 10]),
                     lottery_value("Loterie 3", [9, 18, 26, 34, 41, 45])]},
        {"sources": [lottery_value("Loto du Comité des fêtes", [49, 2, 17, 33, 8, 21], [[40], [10]]),
                     {"kind": "hex", "value": rng.hex(16).upper()}]},
        {"sources": [{"kind": "dice", "values": [6, 1, 3, 3, 2]}]},
        {"sources": [{"kind": "drand", "chain": QUICKNET, "round": 1234567, "signature": sig_quicknet,
                      "randomness": hashlib.sha256(bytes.fromhex(sig_quicknet)).hexdigest()}]},
        {"sources": [{"kind": "drand", "chain": MAINNET, "round": 3000000, "signature": rng.hex(96),
                      "previous_signature": rng.hex(96)},
                     lottery_value(EUROMILLIONS, [49, 3, 41, 17, 22], [[11, 2]]),
                     {"kind": "dice", "values": [20, 1, 13]},
                     {"kind": "hex", "value": rng.hex(1024)}]},
        {"sources": [{"kind": "lottery", "lottery": "Tombola de Pérols", "main": [77, 3, 12]},
                     {"kind": "dice", "values": [2, 4]}]},
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
                 "seed and the key; previous_signature and randomness enter neither (randomness, when "
                 "given, equals SHA-256(signature)). Lottery numbers are sorted in the bytes and the key, "
                 "whatever their order in the reveal; a lottery value may omit `bonus` (no bonus group, the same "
                 "bytes as \"bonus\": []). Hex input may be uppercase.")
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

# The intermediate values of a draw that draws.json gives when the method has them: the allocation
# (stratified), the greedy attempt, the lottery's panel number, the RFC 3797 key, and for maxent the
# number of cells of the count and Z (9.6, a decimal string).
DRAW_INFO_KEYS = ("allocation", "attempt", "lottery_index", "rfc3797_key", "cells", "total")


def draw_entry(name, m, pool, reveal, private_openings=None):
    """A draw of draws.json. For a sealed pool, `private_openings` are every record's openings in
    pool order (the organiser's), and the entry gives them with the bundle's `openings`."""
    d, picks = k.trace_draw(m, pool, reveal)
    recs = d["recs"]
    inter = {"pool_root": d["M"]["pool_root"].hex(), "leaves": [k.leaf_hash(r).hex() for r in recs]}
    for key in DRAW_INFO_KEYS:
        if key in d["info"]:
            inter[key] = d["info"][key]
    inter["picks"] = picks
    entry = {"name": name, "manifest": m, "pool": pool, "reveal": reveal, "commitment": d["commitment"].hex(),
             "seed": d["seed"].hex(), "selected": [recs[i][0] for i in d["selected"]],
             "alternates": [recs[i][0] for i in d["alternates"]]}
    if d["rejections"] is not None:
        entry["rejections"] = d["rejections"]
    entry.update({"transcript": d["transcript"].hex(), "intermediate": inter})
    if d["M"]["sealed"]:
        entry["openings"] = k.make_bundle(m, pool, reveal, private_openings)["openings"]
        entry["private_openings"] = private_openings
    return entry


def sealed_lottery_inputs(portfolio_extra: list | None = None) -> dict:
    """The sealed lottery draw (section 4.1): 16 people, 3 couples (household tags) and 10 single
    people, features genre and âge, sealed, min_cell 5. The open pool makes cells of 1 and 2
    records; sealed, the cells are the 6 people in a couple and the 10 single people. The
    portfolio is 8 panels that meet the quotas and the household rule, then `portfolio_extra`."""
    f, h = GENRE
    people: list[tuple[tuple[str, str], str | None]] = [((f, AGE[1]), "foyer-A"), ((h, AGE[1]), "foyer-A"), ((f, AGE[0]), "foyer-B"), ((h, AGE[2]), "foyer-B"),
              ((f, AGE[2]), "foyer-C"), ((h, AGE[0]), "foyer-C")]
    people += [((g, a), None) for g, a in [(f, AGE[0]), (h, AGE[0]), (f, AGE[1]), (h, AGE[1]), (f, AGE[2]),
                                           (h, AGE[2]), (f, AGE[0]), (h, AGE[1]), (f, AGE[1]), (h, AGE[0])]]
    open_pool = [record(ticket("sealed", i), list(v), hh) for i, (v, hh) in enumerate(people)]
    features = [feat("genre", GENRE, [(2, 2), (2, 2)]), feat("âge", AGE, [(1, 2), (1, 2), (0, 1)])]
    pf = lottery_portfolio(open_pool, features, 4, True, 8, "sealed") + (portfolio_extra or [])
    pool, openings = seal_pool(open_pool)
    m = manifest("Loterie, caractéristiques scellées", {"name": "lottery", "portfolio": pf}, 4, 3, features, pool,
                 recipe=hex_recipe("graine"), household_rule=True, min_cell=5, sealed_=True)
    return {"manifest": m, "pool": pool, "openings": openings, "open_pool": open_pool, "features": features,
            "reveal": sealed_lottery_reveal(m, pool, openings) if portfolio_extra is None else None}


_SEALED_REVEAL: dict = {}


def sealed_lottery_reveal(m: dict, pool: list, openings: list) -> dict:
    """The reveal of the sealed lottery draw: the first of Det("draws/sealed"), then
    Det("draws/sealed/1"), Det("draws/sealed/2"), ... whose draw gives every replacement the
    vectors show (sealed_replacement_lists): one found among the alternates, one that reads
    candidates beyond them, and so on. A change of the protocol's bytes changes the seed, and so
    the panel; the search keeps the same cases."""
    key = k.commitment(k.parse_manifest(m)).hex()
    if key not in _SEALED_REVEAL:
        for i in itertools.count():
            rv = hex_reveal(Det("draws/sealed" if i == 0 else f"draws/sealed/{i}").hex(32))
            d = k.draw(m, pool, rv)
            recs = d["recs"]
            entry = {"name": "lottery_sealed", "manifest": m, "pool": pool, "reveal": rv, "private_openings": openings,
                     "selected": [recs[j][0] for j in d["selected"]], "alternates": [recs[j][0] for j in d["alternates"]]}
            try:
                lists = sealed_replacement_lists(entry)
                records = [k.replace(m, pool, rv, None, dropped, openings) for _, dropped in lists]
                assert any(len(r["openings"]) >= 2 and not r["broken_quotas"] for r in records)
                assert records[-1]["broken_quotas"] and records[-1]["openings"]
            except (AssertionError, StopIteration, ValueError):
                continue
            _SEALED_REVEAL[key] = rv
            break
    return _SEALED_REVEAL[key]


def lottery_portfolio(pool, features_json, k_, household_rule, count, label):
    M_stub = {"features": features_json, "household_rule": household_rule}
    recs = [k.parse_record(r) for r in pool]
    valid = []
    for comb in itertools.combinations(range(len(pool)), k_):
        panel = list(comb)
        if not k.broken_quotas(M_stub, recs, panel) and not k.broken_households(M_stub, recs, panel):
            valid.append(panel)
    rng = Det("portfolio/" + label)
    chosen = []
    while len(chosen) < count:
        c = valid[rng.below(len(valid))]
        if c not in chosen:
            chosen.append(c)
    return chosen


def min_cell_pool() -> tuple:
    """A pool whose every cell (section 5.2) holds at least 5 records, households included: 6
    couples of a woman and a man, 5 single women, 5 single men (features genre and âge, one
    age band per sex). Cells: women with a man (6), men with a woman (6), single women (5),
    single men (5)."""
    recs = []
    for i in range(6):
        recs.append(record(ticket("min-cell", 2 * i), ["femme", "35-59 ans"], f"foyer-{i:02d}"))
        recs.append(record(ticket("min-cell", 2 * i + 1), ["homme", "35-59 ans"], f"foyer-{i:02d}"))
    for i in range(10):
        recs.append(record(ticket("min-cell", 12 + i), [GENRE[i % 2], "35-59 ans"]))
    features = [feat("genre", GENRE, [(3, 3), (3, 3)]), feat("âge", AGE, [(0, 6)] * 3)]
    return recs, features


def rfc3797_names() -> list:
    with open(os.path.join(RFC3797_DIR, "ref.names"), encoding="utf-8") as fh:
        return fh.read().split()


RFC3797_RECIPE = recipe(
    declared_lottery("Loterie 1", "2003-09-26", "2003-09-26T18:00:00Z", group("nombre", 1, 0, 9999)),
    declared_lottery("Loterie 2", "2003-09-26", "2003-09-26T19:00:00Z", group("numéros", 5, 1, 49)),
    declared_lottery("Loterie 3", "2003-09-27", "2003-09-27T20:00:00Z", group("numéros", 6, 1, 49)))
RFC3797_REVEAL = {"sources": [lottery_value("Loterie 1", [9319]),
                              lottery_value("Loterie 2", [2, 5, 12, 8, 10]),
                              lottery_value("Loterie 3", [9, 18, 26, 34, 41, 45])]}


def gen_draws() -> dict:
    draws = []
    failures = []
    rng = Det("draws")

    # uniform
    pool_u = make_pool("uniform", 30, [GENRE, COMMUNE])
    m_u = manifest("Tirage uniforme, Pérols", {"name": "uniform"}, 8, 5,
                   [feat("genre", GENRE, [(3, 5), (3, 5)]),
                    feat("commune", COMMUNE, [(0, 8), (0, 8), (0, 8), (0, 8)])],
                   pool_u, recipe=hex_recipe("graine 1", "graine 2"), announced_at="2026-11-30T12:00:00Z", min_cell=1)
    rv_u = hex_reveal(rng.hex(32), rng.hex(32))
    draws.append(draw_entry("uniform", m_u, pool_u, rv_u))

    # stratified, explicit
    f3 = [feat("commune", COMMUNE, [(0, 12)] * 4), feat("genre", GENRE, [(0, 12), (0, 12)]),
          feat("âge", AGE, [(0, 12)] * 3)]
    pool_s = make_pool("stratified", 40, [COMMUNE, GENRE, AGE], weights=[[5, 2, 2, 1], [1, 1], [2, 2, 1]])
    m_se = manifest("Stratifié par commune, comptes explicites",
                    {"name": "stratified", "feature": "commune", "allocation": {"kind": "explicit", "counts": [5, 3, 2, 2]}},
                    12, 4, f3, pool_s, recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("stratified_explicit", m_se, pool_s, hex_reveal(rng.hex(32))))
    pool_s2 = make_pool("stratified-lr", 45, [COMMUNE, GENRE, AGE], weights=[[6, 3, 2, 1], [1, 1], [2, 2, 1]])
    f3b = [feat("commune", COMMUNE, [(0, 10)] * 4), feat("genre", GENRE, [(4, 6), (4, 6)]),
           feat("âge", AGE, [(0, 10)] * 3)]
    m_slr = manifest("Stratifié par commune, plus forts restes",
                     {"name": "stratified", "feature": "commune", "allocation": {"kind": "largest_remainder"}},
                     10, 3, f3b, pool_s2, recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("stratified_largest_remainder", m_slr, pool_s2, hex_reveal(rng.hex(32))))
    pool_s3 = make_pool("stratified-sl", 37, [AGE, COMMUNE], weights=[[4, 3, 1], [3, 1, 1, 1]])
    f2 = [feat("âge", AGE, [(0, 9)] * 3), feat("commune", COMMUNE, [(0, 9)] * 4)]
    m_ssl = manifest("Stratifié par âge, Sainte-Laguë",
                     {"name": "stratified", "feature": "âge", "allocation": {"kind": "sainte_lague"}},
                     9, 6, f2, pool_s3, recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("stratified_sainte_lague", m_ssl, pool_s3, hex_reveal(rng.hex(32))))

    # ties: N = [6, 2, 10, 2], n = 20. Largest remainder with k = 5: every remainder is 10, so the two
    # remaining seats go to the larger strata. Sainte-Laguë with k = 6: seat 4 is a four-way tie at
    # quotient 2 (won by the larger N_s), seat 5 a three-way tie (larger N_s), seat 6 a tie between two
    # strata of equal N_s (won by the earlier value): [2, 1, 3, 0].
    counts = [6, 2, 10, 2]
    order = [c for i in range(10) for c in range(4) if i < counts[c]]
    pool_t = [record(f"V-{i:02d}", [COMMUNE[c], GENRE[i % 2]]) for i, c in enumerate(order)]
    ft = [feat("commune", COMMUNE, [(0, 6)] * 4), feat("genre", GENRE, [(2, 4), (2, 4)])]
    m_tlr = manifest("Égalités, plus forts restes",
                     {"name": "stratified", "feature": "commune", "allocation": {"kind": "largest_remainder"}},
                     5, 3, ft, pool_t, recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("stratified_largest_remainder_ties", m_tlr, pool_t, hex_reveal(rng.hex(32))))
    assert draws[-1]["intermediate"]["allocation"] == [2, 0, 3, 0]
    m_tsl = manifest("Égalités, Sainte-Laguë",
                     {"name": "stratified", "feature": "commune", "allocation": {"kind": "sainte_lague"}},
                     6, 3, ft, pool_t, recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("stratified_sainte_lague_ties", m_tsl, pool_t, hex_reveal(rng.hex(32))))
    assert draws[-1]["intermediate"]["allocation"] == [2, 1, 3, 0], draws[-1]["intermediate"]["allocation"]

    # greedy, plain
    pool_g = make_pool("greedy", 50, [GENRE, AGE, COMMUNE], weights=[[1, 1], [2, 2, 1], [4, 2, 2, 1]])
    fg = [feat("genre", GENRE, [(5, 5), (5, 5)]), feat("âge", AGE, [(3, 4), (3, 4), (2, 3)]),
          feat("commune", COMMUNE, [(3, 6), (1, 3), (1, 3), (1, 2)])]
    m_g = manifest("Glouton, quotas", {"name": "greedy", "max_attempts": 100}, 10, 5, fg, pool_g,
                   recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("greedy", m_g, pool_g, hex_reveal(rng.hex(32))))

    # greedy, households, first attempt fails
    pool_gh = make_pool("greedy-households-6", 30, [GENRE, AGE], weights=[[1, 1], [3, 3, 1]], households=5)
    fgh = [feat("genre", GENRE, [(4, 4), (4, 4)]), feat("âge", AGE, [(2, 3), (2, 3), (2, 2)])]
    m_gh = manifest("Glouton, un par foyer", {"name": "greedy", "max_attempts": 50}, 8, 4, fgh, pool_gh,
                    recipe=hex_recipe("graine"), household_rule=True, min_cell=1)
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
                   recipe=hex_recipe("graine"), household_rule=True, announced_at="2026-12-24T18:00:00Z", min_cell=1)
    draws.append(draw_entry("lottery", m_l, pool_l, hex_reveal(rng.hex(32))))

    # rfc3797 on the RFC's example, its three lotteries declared in the recipe
    pool_r = [record(nm, ["IETF"]) for nm in rfc3797_names()]
    m_r = manifest("RFC 3797, exemple de la section 6", {"name": "rfc3797"}, 10, 6,
                   [feat("groupe", ["IETF"], [(0, 10)])], pool_r, recipe=RFC3797_RECIPE,
                   announced_at="2003-09-20T12:00:00Z", min_cell=5)
    draws.append(draw_entry("rfc3797", m_r, pool_r, RFC3797_REVEAL))

    # greedy with households, every cell of at least 5 records (min_cell 5)
    pool_m, f_m = min_cell_pool()
    m_m = manifest("Glouton, un par foyer, cellules d'au moins 5", {"name": "greedy", "max_attempts": 100}, 6, 4,
                   f_m, pool_m, recipe=hex_recipe("graine"), household_rule=True, min_cell=5)
    draws.append(draw_entry("greedy_households_min_cell_5", m_m, pool_m, hex_reveal(rng.hex(32))))

    # a registry lottery, dice and hex, as in a real draw
    pool_p = make_pool("public-sources", 25, [GENRE, AGE])
    m_p = manifest("Tirage uniforme, EuroMillions et dés", {"name": "uniform"}, 6, 4,
                   [feat("genre", GENRE, [(0, 6), (0, 6)]), feat("âge", AGE, [(0, 6)] * 3)], pool_p,
                   recipe=recipe(registry_lottery(EUROMILLIONS, euromillions_date(1)),
                                 dice(5, 6, "Mme Dupré et M. Núñez, mairie de Pérols")),
                   announced_at="2026-11-30T12:00:00Z", min_cell=1)
    rv_p = {"sources": [lottery_value(EUROMILLIONS, [44, 3, 19, 27, 12], [[7, 2]]),
                        {"kind": "dice", "values": [4, 6, 1, 1, 3]}]}
    draws.append(draw_entry("uniform_public_sources", m_p, pool_p, rv_p))

    # lottery over a sealed pool (section 4.1), household rule on
    sl = sealed_lottery_inputs()
    draws.append(draw_entry("lottery_sealed", sl["manifest"], sl["pool"], sl["reveal"], sl["openings"]))

    # failures
    pool_f = [record(f"F-{i:02d}", [v], h) for i, (v, h) in enumerate(
        [("femme", "foyer-A"), ("femme", "foyer-A"), ("femme", "foyer-A"), ("homme", None), ("homme", "foyer-B"),
         ("homme", None), ("homme", "foyer-B"), ("homme", None)])]
    m_f = manifest("Échec : toutes les femmes dans un foyer", {"name": "greedy", "max_attempts": 10}, 4, 2,
                   [feat("genre", GENRE, [(2, 2), (2, 2)])], pool_f, recipe=hex_recipe("graine"),
                   household_rule=True, min_cell=2)
    rv_f = hex_reveal(rng.hex(32))
    expect_error("DrawFailed", k.draw, m_f, pool_f, rv_f)
    failures.append({"name": "greedy_household_impossible", "manifest": m_f, "pool": pool_f, "reveal": rv_f,
                     "error": "DrawFailed"})
    # A single attempt that fails by chance: tight quotas, households.
    m_f2 = manifest("Échec : une seule tentative", {"name": "greedy", "max_attempts": 1}, 8, 0, fgh, pool_gh,
                    recipe=hex_recipe("graine"), household_rule=True, min_cell=1)
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

    add_maxent_draws(draws, failures)

    reps = gen_replacements({d["name"]: d for d in draws})

    out = header(
        "Whole draws (SPEC sections 9-11). " + SECRET_RULE + ". Each draw: the manifest, pool and reveal as JSON "
        "(section 14; every pool is valid under its manifest's min_cell, section 5.2), the "
        "commitment, seed, selected and alternates (as tickets, in order) and transcript; intermediate values "
        "for debugging, among them picks: the record of picks of section 10.3, in draw order. failures: inputs for which every implementation MUST report DrawFailed. "
        "replacements (section 10.2): for a draw above and a dropped list, one replacement (ticket or null) "
        "per dropped ticket, the resulting panel (tickets in panel order; a seat left empty is removed from "
        "the list), broken_quotas (the quotas this panel breaks, one text per broken bound in feature order "
        "then value order, in the words of section 10.2; always empty for uniform, stratified and rfc3797) "
        "and replacement_hash. Sealed features (section 4.1): the draw lottery_sealed has a sealed pool; its entry "
        "also gives `openings`, the bundle's openings (section 11: the panel's, in panel order, then the "
        "alternates', in order), and `private_openings`, every record's opening in pool order (what the organiser "
        "holds). Each replacement of a sealed draw also gives `openings`, the replacement record's openings "
        "(section 10.2: the records whose values the rule reads that the bundle does not open, in the order the "
        "rule first reads them; empty when it reads none). " + SALT_RULE + ". The maxent draws (section 9.6, a "
        "draft of version 3; the draws and failures named maxent*) also give `rejections`, the number of panels "
        "rejected before the one accepted (the bundle's result.rejections, section 14; res of section 11 ends with "
        "u32(rejections)), and, in intermediate, `cells`, the number of cells of the count, and `total`, Z as a "
        "decimal string; their record of picks has one pick per 64-bit draw of uniform_big (among 0, position 0) "
        "when Z >= 2^64.")
    out.update({"draws": draws, "failures": failures, "replacements": reps})
    return out


def gen_replacements(by_name: dict) -> list:
    reps = []

    def rep(name, dropped):
        d = by_name[name]
        r = k.replace(d["manifest"], d["pool"], d["reveal"], bytes.fromhex(d["transcript"]), dropped,
                      d.get("private_openings"))
        case = {"draw": name, "dropped": r["dropped"], "replacements": r["replacements"],
                "panel": r["panel"], "broken_quotas": r["broken_quotas"], "hash": r["hash"].hex()}
        if "private_openings" in d:
            case["openings"] = r["openings"]
        reps.append(case)
        return r

    du = by_name["uniform"]
    rep("uniform", [du["selected"][2], du["alternates"][0], du["selected"][5]])
    # someone not on the panel and not an alternate, then selected people. uniform does not
    # enforce quotas: the first such list (one selected person, then two, then three; then by
    # other person) whose final panel breaks the (informative) genre quotas, and broken_quotas
    # stays empty.
    others = [r["ticket"] for r in du["pool"] if r["ticket"] not in du["selected"] + du["alternates"]]
    d_u = k.draw(du["manifest"], du["pool"], du["reveal"])
    tix = {r[0]: i for i, r in enumerate(d_u["recs"])}
    chosen = [list(c) for size in (1, 2, 3) for c in itertools.combinations(du["selected"], size)]
    for dropped in ([o] + c for c in chosen for o in others):
        r = k.replace(du["manifest"], du["pool"], du["reveal"], bytes.fromhex(du["transcript"]), dropped)
        if k.broken_quotas(d_u["M"], d_u["recs"], [tix[t] for t in r["panel"]]):
            break
    else:
        raise AssertionError("no uniform replacement breaks the informative quotas")
    ru = rep("uniform", dropped)
    assert not ru["broken_quotas"]
    ds = by_name["stratified_explicit"]
    rep("stratified_explicit", [ds["selected"][0], ds["selected"][7], ds["alternates"][1]])
    # a stratum emptied: drop every member of the smallest stratum that is not on the panel, then a
    # selected member of it, so that the seat stays empty
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
    # no candidate keeps the quotas: more than two bounds broken, on two features. The first
    # dropped list (one selected person, then two) that gives it.
    sel_gh = dgh["selected"]
    tried = [[t] for t in sel_gh] + [list(c) for c in itertools.combinations(sel_gh, 2)]
    for dropped in tried:
        r = k.replace(dgh["manifest"], dgh["pool"], dgh["reveal"], bytes.fromhex(dgh["transcript"]), dropped)
        if len(r["broken_quotas"]) > 2 and len({q.split("=")[0] for q in r["broken_quotas"]}) == 2:
            break
    else:
        raise AssertionError("no dropped list breaks more than two bounds")
    rep("greedy_households_retry", dropped)
    dl = by_name["lottery"]
    rep("lottery", [dl["alternates"][0], dl["selected"][1]])
    # no quota-keeping candidate: drop a selected person and every other person of the same gender
    # who is not on the panel.
    recs_l = {r["ticket"]: r for r in dl["pool"]}
    target = dl["selected"][0]
    tv = recs_l[target]["values"]
    same = [r["ticket"] for r in dl["pool"] if r["values"][0] == tv[0] and r["ticket"] not in dl["selected"]]
    rl = rep("lottery", same + [target])
    assert rl["broken_quotas"] and rl["replacements"][-1] is not None, rl
    dr = by_name["rfc3797"]
    rep("rfc3797", ["Lee", "Sloth", "Mary"])
    rep("rfc3797", dr["alternates"][:5] + ["Pandora", "Doc"])
    add_sealed_replacements(by_name["lottery_sealed"], rep)
    dm = by_name["maxent"]
    rm = rep("maxent", [dm["selected"][1], dm["alternates"][0], dm["selected"][5]])
    assert not rm["broken_quotas"] and rm["replacements"][0] is not None and rm["replacements"][1] is None
    return reps


def sealed_replacement_lists(d: dict) -> list:
    """Dropped lists for the sealed lottery draw (10.2, sealed features), with what each shows."""
    sel, alt = d["selected"], d["alternates"]
    tickets = [r["ticket"] for r in d["pool"]]

    def opens(dropped):
        return k.replace(d["manifest"], d["pool"], d["reveal"], None, dropped, d["private_openings"])["openings"]

    out = []
    # A replacement found among the alternates: nothing to open.
    from_alternates = next(t for t in sel if not opens([t]))
    out.append(("a replacement among the alternates (no opening)", [from_alternates]))
    # The alternates do not keep the quotas: the rule reads candidates beyond them, in order.
    beyond = max(sel, key=lambda t: len(opens([t])))
    assert len(opens([beyond])) >= 2
    out.append(("the rule reads candidates beyond the alternates until one keeps the quotas", [beyond]))
    # Two drop-outs: a candidate read for the first is not opened again for the second.
    two = [t for t in sel if t != beyond and opens([t])][:1] + [beyond]
    assert len(two) == 2 and len(opens(two)) < len(opens(two[:1])) + len(opens(two[1:]))
    out.append(("two drop-outs: each record the rule reads is opened once, at its first read", two))
    # The alternates declined: every candidate tried is outside the alternates list.
    declined = list(alt) + [from_alternates]
    assert opens(declined)
    out.append(("the alternates declined, then a panel member dropped out", declined))
    # No candidate keeps the quotas: every candidate that keeps the household rule is read.
    genre = {r["ticket"]: r["values"][0] for r in d["private_openings"]}
    target = sel[-1]
    same = [t for t in tickets if genre[t] == genre[target] and t not in sel]
    out.append(("no candidate keeps the quotas: the rule reads every candidate", same + [target]))
    return out


def add_sealed_replacements(d: dict, rep):
    sel, alt = d["selected"], d["alternates"]
    for _, dropped in sealed_replacement_lists(d):
        rep(d["name"], dropped)
    # The vectors read candidates outside the alternates list, and the fallback opens them all.
    r = k.replace(d["manifest"], d["pool"], d["reveal"], None, sealed_replacement_lists(d)[-1][1],
                  d["private_openings"])
    assert r["broken_quotas"] and r["openings"]
    assert all(o["ticket"] not in sel + alt for o in r["openings"])


# ---------------------------------------------------------------------------
# maxent (SPEC 9.6, a draft of version 3): draws, failures and maxent.json
# ---------------------------------------------------------------------------

def maxent_method(counted: list, max_attempts: int, weights: list | None = None) -> dict:
    """The JSON of a maxent method (section 14); `weights` None leaves the field out (meaning empty)."""
    m = {"name": "maxent", "counted": list(counted), "max_attempts": max_attempts}
    if weights is not None:
        m["weights"] = list(weights)
    return m


def maxent_inputs() -> tuple:
    """The plain maxent draw: 30 people, genre and âge counted, commune's quotas met by rejection."""
    pool = make_pool("maxent", 30, [GENRE, AGE, COMMUNE], weights=[[1, 1], [2, 2, 1], [3, 2, 2, 1]])
    features = [feat("genre", GENRE, [(3, 5), (3, 5)]), feat("âge", AGE, [(2, 4), (2, 4), (1, 3)]),
                feat("commune", COMMUNE, [(2, 5), (1, 3), (1, 3), (0, 2)])]
    m = manifest("Entropie maximale, quotas", maxent_method(["genre", "âge"], 1000, []), 8, 4, features, pool,
                 recipe=hex_recipe("graine"), min_cell=1)
    return m, pool, hex_reveal(Det("draws/maxent").hex(32))


MAXENT_HOUSEHOLDS_POOL = ("maxent-households", 24)
MAXENT_HOUSEHOLD_FEATURES = [feat("genre", GENRE, [(3, 3), (3, 3)]), feat("âge", AGE, [(2, 3), (2, 3), (1, 2)])]


def maxent_households_inputs(max_attempts: int = 50, label: str = "maxent-households") -> tuple:
    """The maxent draw with the household rule: genre counted, âge and the households met by
    rejection. `weights` is absent. The reveal is the first of sha256(label/i) whose draw rejects at
    least two panels (max_attempts 50), or whose draw fails (max_attempts 1)."""
    pool = make_pool(MAXENT_HOUSEHOLDS_POOL[0], MAXENT_HOUSEHOLDS_POOL[1], [GENRE, AGE], weights=[[1, 1], [3, 3, 1]],
                     households=6)
    m = manifest("Entropie maximale, un par foyer", maxent_method(["genre"], max_attempts), 6, 3,
                 MAXENT_HOUSEHOLD_FEATURES, pool, recipe=hex_recipe("graine"), household_rule=True, min_cell=1)
    for i in range(2000):
        rv = hex_reveal(hashlib.sha256(f"{label}/{i}".encode()).hexdigest())
        try:
            d = k.draw(m, pool, rv)
        except k.KleroterionError as e:
            assert e.kind == "DrawFailed", e
            if max_attempts == 1:
                return m, pool, rv
            continue
        if max_attempts > 1 and d["rejections"] >= 2:
            return m, pool, rv
    raise AssertionError("no reveal found")


def maxent_large_inputs() -> tuple:
    """160 people, 24 drawn, genre counted: Z >= 2^64, so that uniform_big takes two 64-bit draws a try.
    The reveal is the first of sha256(maxent-large/i) whose draw rejects a panel (a quota of âge) and
    whose uniform_big rejects a value (r >= Z) in some attempt."""
    pool = make_pool("maxent-large", 160, [GENRE, AGE], weights=[[1, 1], [2, 2, 1]])
    features = [feat("genre", GENRE, [(11, 13), (11, 13)]), feat("âge", AGE, [(6, 10), (6, 10), (4, 8)])]
    m = manifest("Entropie maximale, grand tirage", maxent_method(["genre"], 1000), 24, 3, features, pool,
                 recipe=hex_recipe("graine"), min_cell=1)
    for i in range(2000):
        rv = hex_reveal(hashlib.sha256(f"maxent-large/{i}".encode()).hexdigest())
        d, picks = k.trace_draw(m, pool, rv)
        if d["rejections"] >= 1 and sum(p["stream"] == "panel" for p in picks) > 2 * (d["rejections"] + 1):
            return m, pool, rv
    raise AssertionError("no reveal found")


# The cells of maxent_cell_limit_inputs: 1,975,991 (listed once with no limit; too slow to list each
# time), and 9,317 with `counted` reversed (checked by test_reference.py).
MAXENT_CELL_LIMIT_REVERSED_CELLS = 9_317


def maxent_cell_limit_inputs(counted: tuple = ("genre", "groupe")) -> tuple:
    """96 people, 8 of each of the 12 pairs of genre (2 values) and groupe (6 values), 24 drawn,
    each groupe capped at 8, counted genre then groupe: the counts of groupe's values stay open
    until the last genre, and the count has 1,975,991 cells, beyond the limit of 1,000,000 (9.6).
    Counted groupe then genre (`counted` reversed), the count has 9,317 cells and the same Z."""
    groups = [f"groupe {i + 1}" for i in range(6)]
    pool = [record(ticket("maxent-cells", i), [GENRE[(i // 6) % 2], groups[i % 6]]) for i in range(96)]
    features = [feat("genre", GENRE, [(0, 24)] * 2), feat("groupe", groups, [(0, 8)] * 6)]
    m = manifest("Entropie maximale, trop de cellules", maxent_method(list(counted), 100), 24, 2, features, pool,
                 recipe=hex_recipe("graine"))
    return m, pool, hex_reveal(Det("verify/maxent-cells").hex(32))


def add_maxent_draws(draws: list, failures: list):
    rng = Det("draws/maxent/more")
    m, pool, rv = maxent_inputs()
    draws.append(draw_entry("maxent", m, pool, rv))

    m, pool, rv = maxent_households_inputs()
    draws.append(draw_entry("maxent_households_retry", m, pool, rv))
    assert draws[-1]["rejections"] >= 2 and "weights" not in m["method"]

    # No counted feature: one type, every quota met by rejection.
    pool = make_pool("maxent-one-type", 16, [GENRE, AGE])
    features = [feat("genre", GENRE, [(2, 3), (2, 3)]), feat("âge", AGE, [(1, 3), (1, 3), (1, 3)])]
    m = manifest("Entropie maximale, aucune caractéristique comptée", maxent_method([], 100, []), 5, 2, features,
                 pool, recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("maxent_one_type", m, pool, hex_reveal(rng.hex(32))))

    # The weighted form: weights 1 to 4.
    pool = make_pool("maxent-weighted", 14, [GENRE, AGE])
    wrng = Det("maxent-weights")
    weights = [1 + wrng.below(4) for _ in range(14)]
    assert 1 in weights and max(weights) > 2
    features = [feat("genre", GENRE, [(2, 3), (2, 3)]), feat("âge", AGE, [(1, 2), (1, 3), (1, 2)])]
    m = manifest("Entropie maximale, forme pondérée", maxent_method(["âge"], 100, weights), 5, 3, features, pool,
                 recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("maxent_weighted", m, pool, hex_reveal(rng.hex(32))))

    m, pool, rv = maxent_large_inputs()
    draws.append(draw_entry("maxent_large", m, pool, rv))
    assert int(draws[-1]["intermediate"]["total"]) >= 2**64

    # `counted` in another order than the manifest's features (âge, then genre), with alternates.
    m, pool, _ = maxent_inputs()
    m = manifest("Entropie maximale, âge puis genre", maxent_method(["âge", "genre"], 1000), 8, 4, m["features"],
                 pool, recipe=hex_recipe("graine"), min_cell=1)
    draws.append(draw_entry("maxent_counted_reversed", m, pool, hex_reveal(Det("draws/maxent/reversed").hex(32))))
    assert len(draws[-1]["alternates"]) == 4

    # Z = 0: only two women, and the quota asks for three.
    pool_z = [record(f"Z-{i:02d}", [v]) for i, v in enumerate(["femme", "homme", "homme", "femme", "homme", "homme",
                                                               "homme", "homme"])]
    m_z = manifest("Échec : aucun panel possible", maxent_method(["genre"], 100), 4, 1,
                   [feat("genre", GENRE, [(3, 4), (0, 4)])], pool_z, recipe=hex_recipe("graine"), min_cell=2)
    rv_z = hex_reveal(rng.hex(32))
    M_z = k.parse_manifest(m_z)
    assert k.maxent_count(M_z, k.parse_pool(M_z, pool_z)).Z == 0
    expect_error("DrawFailed", k.draw, m_z, pool_z, rv_z)
    failures.append({"name": "maxent_no_panel", "manifest": m_z, "pool": pool_z, "reveal": rv_z, "error": "DrawFailed"})
    # One attempt, rejected (a quota of âge or the household rule).
    m_1, pool_1, rv_1 = maxent_households_inputs(1, "maxent-fail")
    M_1 = k.parse_manifest(m_1)
    assert k.maxent_count(M_1, k.parse_pool(M_1, pool_1)).Z > 0
    failures.append({"name": "maxent_single_attempt_rejected", "manifest": m_1, "pool": pool_1, "reveal": rv_1,
                     "error": "DrawFailed"})


MAXENT_DESCRIPTION = (
    "The maxent method (SPEC section 9.6), a draft of version 3: its vectors are made again when version 3 is final. "
    "uniform_big: the stream (`seed`, `purpose`, `index`) of section 7 (key H(\"stream\", raw32(seed) || str(purpose) "
    "|| u32(index))) and five consecutive calls uniform_big(n) on it, `n` and the `values` as decimal strings. "
    "subsets: subset_j(c, q) of 9.6 for a type whose members have the `weights` (in pool order), `q` a decimal "
    "string, and `chosen`, the 0-based positions of the chosen members within the type, in order. counts: a manifest "
    "and its pool (section 14) and the count of 9.6: `types`, in type order, each with `values` (its value positions, "
    "in `counted` order) and `members` (pool indices, in pool order); `cells`, the number of cells; `total`, Z as a "
    "decimal string. The counts named as a draw of draws.json (or one of its failures) are that draw's; the counts "
    "named enumerable* are small enough to check Z by listing every panel; enumerable_order_genre_age and "
    "enumerable_order_age_genre count the same two features in the two orders: the same Z, not the same cells. "
    "methods: a maxent method (section 14 JSON) and its bytes method(maxent) = u8(5) || list(str, counted) || "
    "u32(max_attempts) || list(u32, weights); an absent `weights` is the empty list. " + SECRET_RULE + ".")

UNIFORM_BIG_NS = [1, 2**64 - 1, 2**64, 2**64 + 1, 2**100 + 12345, 3**200]


def maxent_subset_cases() -> list:
    out = []

    def add(weights, c, q):
        W = k.elementary_suffixes(weights, c)[0][c]
        assert 0 <= q < W
        out.append({"weights": weights, "c": c, "q": str(q), "chosen": k.subset_unrank(weights, c, q)})

    ones = [1] * 6
    for q in (0, 1, 7, 19):                    # C(6, 3) = 20
        add(ones, 3, q)
    add(ones, 0, 0)
    add(ones, 6, 0)
    add([1], 1, 0)
    w = [3, 1, 2, 1, 5]
    W2 = k.elementary_suffixes(w, 2)[0][2]     # 3*1 + 3*2 + 3*1 + 3*5 + 1*2 + 1*1 + 1*5 + 2*1 + 2*5 + 1*5 = 52
    for q in (0, 2, 3, 17, 40, W2 - 1):
        add(w, 2, q)
    add(w, 5, 3 * 1 * 2 * 1 * 5 - 1)
    add(w, 1, 11)
    big = [7, 1, 1, 4, 2, 9, 1, 3, 1, 6, 2, 1]
    Wb = k.elementary_suffixes(big, 5)[0][5]
    for q in (0, Wb // 3, Wb // 2, Wb - 1):
        add(big, 5, q)
    return out


def maxent_count_case(name: str, m: dict, pool: list) -> dict:
    M = k.parse_manifest(m)
    C = k.maxent_count(M, k.parse_pool(M, pool))
    return {"name": name, "manifest": m, "pool": pool,
            "types": [{"values": t["values"], "members": t["members"]} for t in C.types],
            "cells": C.cells, "total": str(C.Z)}


def maxent_enumerable() -> tuple:
    """12 people, every type of genre and âge, two households (which the count does not read)."""
    f, h = GENRE
    people = [(f, AGE[0], None), (h, AGE[1], "foyer-A"), (f, AGE[1], "foyer-A"), (h, AGE[0], None),
              (f, AGE[2], None), (h, AGE[2], "foyer-B"), (f, AGE[0], "foyer-B"), (h, AGE[1], None),
              (f, AGE[1], None), (h, AGE[0], None), (f, AGE[2], "foyer-B"), (h, AGE[1], None)]
    pool = [record(ticket("maxent-enumerable", i), [g, a], hh) for i, (g, a, hh) in enumerate(people)]
    features = [feat("genre", GENRE, [(2, 3), (1, 3)]), feat("âge", AGE, [(1, 2), (1, 3), (0, 2)])]
    return pool, features


def gen_maxent(draws: dict) -> dict:
    seed = Det("maxent/uniform_big").hex(32)
    ub = []
    for a, n in enumerate(UNIFORM_BIG_NS):
        st = k.stream_for(bytes.fromhex(seed), "panel", a)
        ub.append({"seed": seed, "purpose": "panel", "index": a, "n": str(n),
                   "values": [str(k.uniform_big(st, n)) for _ in range(5)]})
    counts = []
    for d in draws["draws"] + draws["failures"]:
        if d["manifest"]["method"]["name"] == "maxent":
            counts.append(maxent_count_case(d["name"], d["manifest"], d["pool"]))
    pool, features = maxent_enumerable()
    wrng = Det("maxent-enumerable/weights")
    weights = [1 + wrng.below(3) for _ in pool]
    assert 1 in weights and 3 in weights
    # The two orders of the same two counted features: different cells, the same Z.
    for name, counted, w in (("enumerable", ["genre", "âge"], None), ("enumerable_weighted", ["âge"], weights),
                             ("enumerable_one_type", [], weights),
                             ("enumerable_order_genre_age", ["genre", "âge"], weights),
                             ("enumerable_order_age_genre", ["âge", "genre"], weights)):
        m = manifest("Entropie maximale, dénombrable", maxent_method(counted, 10, w), 4, 1, features, pool,
                     household_rule=True)
        counts.append(maxent_count_case(name, m, pool))
    orders = {c["name"]: c for c in counts if c["name"].startswith("enumerable_order_")}
    a, b = orders["enumerable_order_genre_age"], orders["enumerable_order_age_genre"]
    assert a["total"] == b["total"] and a["cells"] != b["cells"]
    methods = []
    for meth in (maxent_method(["genre", "âge"], 10000, []), maxent_method(["genre", "âge"], 10000),
                 maxent_method([], 1, [1, 4294967295, 3]), maxent_method(["Pérols"], 100000, [2, 1])):
        methods.append({"method": meth, "bytes": k.method_bytes(k.parse_method(meth)).hex()})
    out = header(MAXENT_DESCRIPTION)
    out.update({"uniform_big": ub, "subsets": maxent_subset_cases(), "counts": counts, "methods": methods})
    return out


def refused_maxent_bundle(honest: dict, edit) -> dict:
    """The honest maxent bundle with its manifest edited so that section 5.1 refuses it, as a tool that
    did not check 5.1 would write it: the commitment, seed and transcript recomputed, the same result."""
    b = copy.deepcopy(honest)
    edit(b["manifest"])
    M = k.read_manifest(b["manifest"])
    c = k.commitment(M)
    seed = k.compute_seed(c, k.parse_reveal(b["reveal"]))
    idx = {r["ticket"]: i for i, r in enumerate(b["pool"])}
    res = b["result"]
    b["commitment"], b["seed"] = c.hex(), seed.hex()
    b["transcript"] = k.transcript(c, seed, [idx[t] for t in res["selected"]], [idx[t] for t in res["alternates"]],
                                   res["rejections"]).hex()
    return b


def add_maxent_cases(add, honest_uniform: dict):
    """The maxent method (9.6) in a bundle: a manifest that 5.1 refuses, a count beyond the cell limit,
    and the result's `rejections` (11, 14)."""
    honest = k.make_bundle(*maxent_households_inputs())
    assert honest["result"]["rejections"] >= 2
    add("maxent_honest", "a maxent draw with the household rule whose first panels are rejected", honest,
        {"commitment": honest["commitment"]}, expect=("valid_if", None, None))

    def method(**changes):
        return lambda m: m["method"].update(changes)

    def refused(name, what, error, edit):
        b = refused_maxent_bundle(honest, edit)
        expect_error(error, k.parse_manifest, b["manifest"])
        add(name, what, b, expect=("invalid", "manifest", error))

    refused("maxent_counted_unknown_feature", "maxent counts a feature the manifest does not have", "UnknownFeature",
            method(counted=["genre", "commune"]))
    refused("maxent_counted_twice", "maxent counts a feature twice", "InvalidMethod",
            method(counted=["genre", "âge", "genre"]))
    refused("maxent_max_attempts_0", "maxent with max_attempts 0", "InvalidMethod", method(max_attempts=0))
    refused("maxent_max_attempts_100001", "maxent with max_attempts 100001", "InvalidMethod",
            method(max_attempts=100001))
    n = len(honest["pool"])
    refused("maxent_weights_too_few", f"maxent with {n - 1} weights for {n} records", "InvalidMethod",
            method(weights=[1] * (n - 1)))
    refused("maxent_weights_too_many", f"maxent with {n + 1} weights for {n} records", "InvalidMethod",
            method(weights=[1] * (n + 1)))
    refused("maxent_weight_0", "maxent with a weight 0", "InvalidMethod",
            method(weights=[2] * 5 + [0] + [1] * (n - 6)))

    # A sealed maxent manifest over the sealed form of the pool (5.1: sealed only with lottery), drawn
    # by a tool that read the open values.
    m, pool, reveal = maxent_households_inputs()
    sealed_pool, private = seal_pool(pool)
    m = dict(m, pool={"root": pool_root(sealed_pool), "count": len(sealed_pool)}, sealed=True)
    expect_error("InvalidMethod", k.parse_manifest, m)
    M = k.read_manifest(m)
    c = k.commitment(M)
    seed = k.compute_seed(c, k.parse_reveal(reveal))
    r = k.run_draw(M, [k.parse_record(x) for x in pool], None, seed)
    tickets = [x["ticket"] for x in pool]
    b = {"format": "kleroterion-bundle", "spec": k.SPEC_ID, "manifest": m, "commitment": c.hex(), "pool": sealed_pool,
         "reveal": reveal, "seed": seed.hex(),
         "result": {"selected": [tickets[i] for i in r["selected"]], "alternates": [tickets[i] for i in r["alternates"]],
                    "rejections": r["rejections"]},
         "transcript": k.transcript(c, seed, r["selected"], r["alternates"], r["rejections"]).hex(),
         "openings": [private[i] for i in r["selected"] + r["alternates"]]}
    add("maxent_sealed", "a sealed pool and a manifest that seals the features of a maxent draw", b,
        expect=("invalid", "manifest", "InvalidMethod"))

    # Beyond the cell limit: the manifest passes 5.1 on its own; the count, at the draw step, refuses it.
    m, pool, reveal = maxent_cell_limit_inputs()
    M = k.parse_manifest(m)
    recs = k.parse_pool(M, pool)
    expect_error("InvalidMethod", k.maxent_count, M, recs)
    c = k.commitment(M)
    seed = k.compute_seed(c, k.parse_reveal(reveal))
    panel = list(range(24))
    b = {"format": "kleroterion-bundle", "spec": k.SPEC_ID, "manifest": m, "commitment": c.hex(), "pool": pool,
         "reveal": reveal, "seed": seed.hex(),
         "result": {"selected": [pool[i]["ticket"] for i in panel], "alternates": [pool[24]["ticket"], pool[25]["ticket"]],
                    "rejections": 0},
         "transcript": k.transcript(c, seed, panel, [24, 25], 0).hex()}
    add("maxent_too_many_cells", "a maxent count of 1,975,991 cells (counted genre, 2 values, then groupe, 6 "
        "values: the counts of groupe's values stay open until the last genre; 8 people of each pair, 24 drawn): "
        "more than 1,000,000; the bundle claims the first 24 people. Counted groupe then genre, the count would "
        "have 9,317 cells", b, expect=("invalid", "draw", "InvalidMethod"))

    def tampered(edit, base=honest) -> dict:
        t = copy.deepcopy(base)
        edit(t)
        return t

    add("maxent_rejections_changed", "the number of rejections one more than the draw's",
        tampered(lambda t: t["result"].update(rejections=t["result"]["rejections"] + 1)),
        expect=("invalid", "draw", "DrawMismatch"))
    add("maxent_rejections_zero", "the number of rejections 0, as if the first panel had been accepted",
        tampered(lambda t: t["result"].update(rejections=0)), expect=("invalid", "draw", "DrawMismatch"))
    add("maxent_rejections_removed", "a maxent bundle without the number of rejections",
        tampered(lambda t: t["result"].pop("rejections")), expect=("invalid", "draw", "DrawMismatch"))
    add("rejections_on_uniform", "a uniform bundle that gives a number of rejections (0)",
        tampered(lambda t: t["result"].update(rejections=0), honest_uniform), expect=("invalid", "draw", "DrawMismatch"))
    idx = {r["ticket"]: i for i, r in enumerate(honest["pool"])}
    res = honest["result"]
    without = k.transcript(bytes.fromhex(honest["commitment"]), bytes.fromhex(honest["seed"]),
                           [idx[t] for t in res["selected"]], [idx[t] for t in res["alternates"]]).hex()
    add("maxent_transcript_without_rejections", "a maxent transcript hashed without u32(rejections) (section 11)",
        tampered(lambda t: t.update(transcript=without)), expect=("invalid", "transcript", "TranscriptMismatch"))


# ---------------------------------------------------------------------------
# lottery.json
# ---------------------------------------------------------------------------

SUMMER_YEARS = (2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2100)


def summer_rules() -> list:
    out = []
    for year in SUMMER_YEARS:
        start, end = k.eu_summer_utc(year)
        out.append({"rule": "EU", "year": year, "from": k.format_time(start), "to": k.format_time(end)})
    for year in SUMMER_YEARS:
        start, end = k.us_summer_local(year)
        # US changes at 02:00 local time: standard time (UTC-5) in March, summer time (UTC-4) in November.
        out.append({"rule": "US", "year": year, "from": k.format_time(start + 5 * k.HOUR),
                    "to": k.format_time(end + 4 * k.HOUR)})
    return out


def draw_days_around(entry: dict, day: int) -> list:
    """The last draw day before `day`, `day` itself if it is one, and the first draw day after."""
    before = day - 1
    while not k.is_draw_day(entry, before):
        before -= 1
    after = day + 1
    while not k.is_draw_day(entry, after):
        after += 1
    return [before] + ([day] if k.is_draw_day(entry, day) else []) + [after]


def summer_change_days(entry: dict, year: int) -> list:
    if entry["rule"] == "EU":
        return [t // k.DAY for t in k.eu_summer_utc(year)]
    return [t // k.DAY for t in k.us_summer_local(year)]


def registry_draws(entry: dict) -> list:
    since = k.parse_date(entry["since"])
    days = [since if k.is_draw_day(entry, since) else draw_days_around(entry, since)[-1]]
    for year in (2026, 2027, 2100):
        for change in summer_change_days(entry, year):
            days += draw_days_around(entry, change)
    days += draw_days_around(entry, k.parse_date("2026-12-31"))
    out = []
    for day in sorted(set(days)):
        date = k.format_date(day)
        assert k.registry_date_problem(entry, date) is None
        out.append({"lottery": entry["id"], "date": date,
                    "utc": k.format_time(k.registry_draw_time(entry, day))})
    return out


def refused_dates(entry: dict) -> list:
    before = k.parse_date(entry["since"]) - 1
    while not k.is_draw_day(entry, before):
        before -= 1
    not_draw = k.parse_date(DRAW_DATES_FROM)
    while k.is_draw_day(entry, not_draw):
        not_draw += 1
    draw_day = first_draw_day(entry, DRAW_DATES_FROM)
    y, m, d = k.civil_from_days(draw_day)
    cases = [(k.format_date(not_draw), "not a draw day"), (k.format_date(before), "before since"),
             (f"{y:04d}-{m:02d}-{d:03d}", "malformed"), (f"{y % 100:02d}-{m:02d}-{d:02d}", "malformed"),
             (f"{y:04d}/{m:02d}/{d:02d}", "malformed"), (f"{d:02d}-{m:02d}-{y:04d}", "malformed"),
             (k.format_date(draw_day) + "T20:00:00Z", "malformed"), (k.format_date(draw_day) + " ", "malformed"),
             ("2026-02-30", "malformed"), ("2026-13-01", "malformed"), ("", "malformed"),
             (f"{y:04d}-{m:02d}-\u0661\u0662", "malformed")]
    out = []
    for date, reason in cases:
        source = registry_lottery(entry["id"], date)
        expect_error("InvalidRecipe", k.parse_recipe, recipe(source))
        out.append({"source": source, "reason": reason, "error": "InvalidRecipe"})
    return out


def number_cases(F: dict) -> list:
    """(main, bonus, reason): numbers that fit the format (reason None) and numbers that do not."""
    main, bonus = valid_numbers(F)
    g = F["main"]
    cases = [(main, bonus, None), (list(reversed(main)), [list(reversed(b)) for b in bonus], None)]
    if g["count"] > 1:
        cases.append((main[:-1], bonus, "main count"))
        cases.append(([main[0]] + main[:-1], bonus, "repeated number"))
    if g["count"] < g["max"] - g["min"] + 1:
        cases.append((main + [g["max"]], bonus, "main count"))
    cases.append((main[:-1] + [g["max"] + 1], bonus, "out of range"))
    if g["min"] > 0:
        cases.append(([g["min"] - 1] + main[1:], bonus, "out of range"))
    cases.append((main, bonus + [[g["min"]]], "bonus groups"))
    if bonus:
        cases.append((main, bonus[:-1], "bonus groups"))
        b0 = F["bonus"][0]
        cases.append((main, [bonus[0] + [b0["max"] + 1]] + bonus[1:], "bonus count"))
        cases.append((main, [bonus[0][:-1] + [b0["max"] + 1]] + bonus[1:], "out of range"))
        if b0["count"] > 1:
            cases.append((main, [[bonus[0][0]] + bonus[0][:-1]] + bonus[1:], "repeated number"))
    for i, b in enumerate(F["bonus"]):
        if b.get("from_main_drum"):
            repeated = [main[0]] + bonus[i][1:]
            cases.append((main, bonus[:i] + [repeated] + bonus[i + 1:], "main drum"))
    return cases


def registry_number_cases(entry: dict) -> list:
    out = []
    source = registry_lottery(entry["id"], k.format_date(first_draw_day(entry, DRAW_DATES_FROM)))
    for value, reason in with_bonus_absent(entry["id"], entry["format"], number_cases(entry["format"])):
        error = None if reason is None else "InvalidReveal"
        check_numbers(source, value, error)
        if error is not None:
            expect_error(error, k.parse_reveal, {"sources": [value]})
        out.append({"source": source, "value": value, "reason": reason, "error": error})
    return out


def with_bonus_absent(lottery: str, F: dict, cases: list) -> list:
    """(value, reason) for each case, then the valid main numbers with `bonus` absent (6.2:
    no bonus group), which fit only a format without bonus groups."""
    out = [(lottery_value(lottery, main, bonus), reason) for main, bonus, reason in cases]
    main, _ = valid_numbers(F)
    out.append(({"kind": "lottery", "lottery": lottery, "main": main}, "bonus groups" if F["bonus"] else None))
    return out




def declared_number_cases() -> list:
    formats = [DECLARED_TOMBOLA, DECLARED_WITH_BONUS,
               declared_lottery("Tirage de la kermesse", "2026-12-12", "2026-12-12T16:00:00Z",
                                group("numéro", 1, 0, 4294967295), [group("lettre", 2, 1, 26)])]
    out = []
    for source in formats:
        cases = [c for c in number_cases(source["format"])
                 if not any(x > k.U32_MAX for x in c[0] + [x for b in c[1] for x in b])]
        for value, reason in with_bonus_absent(source["lottery"], source["format"], cases):
            error = None if reason is None else "InvalidReveal"
            check_numbers(source, value, error)
            out.append({"source": source, "value": value, "reason": reason, "error": error})
    return out


def check_numbers(source: dict, value: dict, error: str | None):
    """The reveal value against a recipe with that single source (section 6.2 matching)."""
    r = k.parse_recipe(recipe(source))
    if error is None:
        k.match_reveal(r, k.parse_reveal({"sources": [value]}))
    else:
        expect_error(error, lambda: k.match_reveal(r, k.parse_reveal({"sources": [value]})))


def registry_json(entry: dict) -> dict:
    out = {key: entry[key] for key in ("id", "name", "format", "draws", "zone", "rule", "utc_offset", "since",
                                       "results")}
    out["fmt"] = k.fmt_bytes(entry["format"]).hex()
    return out


def gen_lottery() -> dict:
    entries = [k.REGISTRY[i] for i in sorted(k.REGISTRY)]
    out = header(
        "Lotteries (SPEC sections 6.1, 6.2 and 6.6). registry: the registry entries as the reference reads "
        "the table of SPEC section 6.6 (format with from_main_drum written out; draws maps each draw weekday to "
        "its local draw time; zone, its rule EU or US and its standard offset from UTC in hours; fmt, the "
        "format's fmt(F) bytes of section 6.1). summer: for each rule and year, the UTC instants between "
        "which the zone adds one hour (from inclusive, to exclusive). draws: registry draw dates and their "
        "draw instants in UTC (the time of the source, section 6.1), including the first date on or after "
        "`since` and the draw days on both sides of each daylight saving change. refused_dates: a recipe source "
        "naming a registry lottery with a date that is not one of its draw dates (reason: not a draw day, "
        "before since, malformed), refused with `error`. numbers: a recipe source and a reveal value for it; "
        "error null means the numbers fit the format, InvalidReveal that they do not (reason: main count, "
        "bonus groups, bonus count, out of range, repeated number, main drum: a number drawn from the main "
        "drum that repeats a main number); a value may omit `bonus` (no bonus group, section 6.2). For a "
        "registry lottery the same error MUST also come from the reveal value alone, without a recipe.")
    out.update({
        "registry": [registry_json(e) for e in entries],
        "summer": summer_rules(),
        "draws": [d for e in entries for d in registry_draws(e)],
        "refused_dates": [c for e in entries for c in refused_dates(e)],
        "numbers": [c for e in entries for c in registry_number_cases(e)] + declared_number_cases(),
    })
    return out


# ---------------------------------------------------------------------------
# verify.json
# ---------------------------------------------------------------------------

# A genuine kleroterion/v1 bundle (the RFC 3797 draw of the version 1 vectors): a version 2
# verifier refuses it with UnsupportedSpec.
def v1_bundle() -> dict:
    names = rfc3797_names()
    selected = ["Lee", "Doc", "Mary", "Charity", "Kasczynski", "Envy", "Sneazy", "Anger", "Chastity", "Pandora"]
    return {
        "format": "kleroterion-bundle", "spec": "kleroterion/v1",
        "manifest": {"spec": "kleroterion/v1", "title": "RFC 3797, exemple de la section 6",
                     "method": {"name": "rfc3797"}, "panel_size": 10, "alternates": 6, "household_rule": False,
                     "features": [{"name": "groupe", "values": [{"value": "IETF", "min": 0, "max": 10}]}],
                     "pool": {"root": "2a6d5bf44157ba2d59677341a3e224aac56866e71d717d4617c3d46247e887a6",
                              "count": 25}},
        "commitment": "57ee423ff55f34cff61684cae71d701374fd7b66e843e8652116bb6886f41169",
        "pool": [{"ticket": nm, "values": ["IETF"], "household": None} for nm in names],
        "reveal": {"sources": [{"kind": "lottery", "name": "Loterie 1", "numbers": ["9319"]},
                               {"kind": "lottery", "name": "Loterie 2", "numbers": [2, 5, 12, 8, 10]},
                               {"kind": "lottery", "name": "Loterie 3", "numbers": [9, 18, 26, 34, 41, 45]}]},
        "seed": "26df2efcfd9a169d7b56dd905de4491cc37e1f1ba03cea8950d2e22cf1ee56a6",
        "result": {"selected": selected,
                   "alternates": ["Sloth", "Sleepy", "Longsuffering", "Handsome", "John", "Dopey"]},
        "transcript": "dbc0626aff954436911cbc75fab4695e13458950b4876be7fb99975bed170986",
    }


VERIFY_FEATURES = [feat("genre", GENRE, [(1, 3), (1, 3)]), feat("âge", AGE, [(0, 4)] * 3)]


def verify_inputs(**changes) -> tuple:
    """The honest draw of verify.json (uniform, a registry lottery, dice and hex), with changes
    to the recipe, announced_at, purpose or reveal."""
    pool = make_pool("verify", 14, [GENRE, AGE])
    date = euromillions_date(1)
    rec = recipe(registry_lottery(EUROMILLIONS, date), dice(4, 6, "Mme Dupré, huissière"),
                 {"kind": "hex", "label": "graine de l'organisateur"})
    m = manifest("Panel citoyen de Pérols", {"name": "uniform"}, 4, 3, VERIFY_FEATURES, pool,
                 recipe=changes.pop("recipe", rec), announced_at=changes.pop("announced_at", "2026-12-01T12:00:00Z"),
                 purpose=changes.pop("purpose", None))
    reveal = changes.pop("reveal", {"sources": [lottery_value(EUROMILLIONS, [41, 6, 23, 15, 30], [[12, 4]]),
                                                {"kind": "dice", "values": [3, 6, 6, 1]},
                                                {"kind": "hex", "value": Det("verify").hex(32)}]})
    assert not changes, changes
    return m, pool, reveal


def honest_bundle(**changes) -> dict:
    return k.make_bundle(*verify_inputs(**changes))


def published_lottery(lottery: str, date: str, main: list, bonus: list) -> dict:
    return {"lottery": lottery, "date": date, "main": main, "bonus": bonus}


def has_drand(bundle) -> bool:
    return isinstance(bundle, dict) and any(
        isinstance(src, dict) and src.get("kind") == "drand" for src in bundle.get("reveal", {}).get("sources", []))


def verify_case(name: str, what: str, bundle, published=None, replacements=None) -> dict:
    # The reference checks every drand rule but the pairing (module doc); the only signatures
    # here are drand's own, quoted in SPEC 6.4.8.
    report = k.verify(bundle, published, replacements, skip_drand_signatures=has_drand(bundle))
    case = {"name": name, "what": what}
    if isinstance(bundle, str):
        case["bundle_text"] = bundle
    else:
        case["bundle"] = bundle
    case.update({
        "published": published if published is not None else {},
        "replacements": replacements or [],
        "verdict": report["verdict"], "valid": report["valid"], "purpose": report["purpose"],
        "steps": k.step_statuses(report), "failed_step": k.failed_step(report),
        "error_kind": report["error_kind"], "by_hand": [item["subject"] for item in report["by_hand"]],
    })
    return case


def gen_verify() -> dict:
    cases = []
    honest = honest_bundle()
    date = euromillions_date(1)
    real = published_lottery(EUROMILLIONS, date, [6, 15, 23, 30, 41], [[4, 12]])
    commit = honest["commitment"]

    def add(name, what, bundle, published=None, replacements=None, expect=None):
        c = verify_case(name, what, bundle, published, replacements)
        if expect is not None:
            assert (c["verdict"], c["failed_step"], c["error_kind"]) == expect, (name, c)
        cases.append(c)
        return c

    add("honest", "an honest bundle, no published fact", honest, expect=("valid_if", None, None))
    add("honest_commitment_given", "the same with the commitment as published", honest, {"commitment": commit},
        expect=("valid_if", None, None))
    add("honest_all_facts_given", "the same with the commitment and the lottery result as published "
        "(numbers in another order): the lottery is still compared by hand", honest,
        {"commitment": commit.upper(), "lotteries": [dict(real, main=[41, 30, 23, 15, 6], bonus=[[12, 4]])]},
        expect=("valid_if", None, None))

    m, pool, reveal = verify_inputs()
    m["panel_size"] = 3
    recommitted = k.make_bundle(m, pool, reveal)
    add("recommitted_against_published", "the manifest edited after the fact and the commitment recomputed, "
        "checked against the commitment as first published", recommitted, {"commitment": commit},
        expect=("invalid", "manifest", "CommitmentMismatch"))
    add("recommitted_without_published", "the same without the published commitment: never a bare valid",
        recommitted, expect=("valid_if", None, None))
    wrong_field = copy.deepcopy(honest)
    wrong_field["commitment"] = recommitted["commitment"]
    add("commitment_field_differs", "the bundle's commitment field differs from the manifest's hash",
        wrong_field, expect=("invalid", "manifest", "CommitmentMismatch"))

    ground = honest_bundle(reveal={"sources": [lottery_value(EUROMILLIONS, [41, 6, 23, 15, 31], [[12, 4]]),
                                                {"kind": "dice", "values": [3, 6, 6, 1]},
                                                {"kind": "hex", "value": Det("verify").hex(32)}]})
    add("lottery_numbers_differ", "lottery numbers other than the operator's, with the published result given",
        ground, {"commitment": ground["commitment"], "lotteries": [real]},
        expect=("invalid", "randomness", "LotteryMismatch"))
    add("lottery_bonus_differs", "the published bonus numbers differ", honest,
        {"lotteries": [dict(real, bonus=[[4, 11]])]}, expect=("invalid", "randomness", "LotteryMismatch"))
    other_date = euromillions_date(0)
    assert other_date != date
    add("published_lottery_other_date", "a published result of the committed lottery on another draw date (the "
        "same numbers): the recipe commits to no such draw", honest,
        {"commitment": commit, "lotteries": [dict(real, date=other_date)]},
        expect=("invalid", "randomness", "LotteryMismatch"))
    add("published_lottery_not_in_recipe", "a published result of a lottery the recipe does not name", honest,
        {"lotteries": [published_lottery("fr-loto", "2026-12-05", [3, 14, 15, 26, 49], [[5]])]},
        expect=("invalid", "randomness", "LotteryMismatch"))
    add("published_lottery_one_uncommitted", "the committed draw's result, which matches, and a result of a "
        "draw the recipe does not commit to", honest,
        {"lotteries": [real, published_lottery(EUROMILLIONS, other_date, [1, 2, 3, 4, 5], [[1, 2]])]},
        expect=("invalid", "randomness", "LotteryMismatch"))

    late = honest_bundle(recipe=recipe(declared_lottery("Tombola de Pérols", "2026-12-01", "2026-12-01T11:59:59Z",
                                                        group("numéros", 3, 1, 90)), dice(4, 6, "huissière")),
                         reveal={"sources": [lottery_value("Tombola de Pérols", [12, 77, 3]),
                                             {"kind": "dice", "values": [1, 2, 3, 4]}]})
    add("committed_late_declared", "a declared lottery drawn before announced_at", late,
        expect=("invalid", "time_order", "CommittedLate"))
    draw_instant = k.format_time(k.source_time(k.parse_recipe(recipe(registry_lottery(EUROMILLIONS, date)))["sources"][0]))
    add("committed_late_same_second", "announced_at equal to the registry lottery's draw time (not strictly "
        "before)", honest_bundle(announced_at=draw_instant), expect=("invalid", "time_order", "CommittedLate"))

    add("replay", "a replay manifest (dice and hex: no source with a known time)",
        honest_bundle(purpose="replay", recipe=recipe(dice(4, 6, "public"), {"kind": "hex", "label": "rejeu"}),
                      reveal={"sources": [{"kind": "dice", "values": [5, 5, 2, 1]},
                                          {"kind": "hex", "value": "c0ffee"}]}),
        expect=("valid_if", None, None))
    add("replay_after_randomness", "a replay manifest announced after its registry lottery was drawn: the "
        "time order is skipped", honest_bundle(purpose="replay", announced_at="2026-12-10T12:00:00Z"),
        expect=("valid_if", None, None))
    add("rehearsal", "a rehearsal manifest", honest_bundle(purpose="rehearsal"), expect=("valid_if", None, None))
    no_recipe = honest_bundle(recipe=None, announced_at=None)
    add("no_recipe", "a manifest without recipe", no_recipe, {"commitment": no_recipe["commitment"]},
        expect=("valid_if", None, None))
    add("published_lottery_without_recipe", "a published lottery result for a manifest without recipe, whose "
        "reveal has that lottery's numbers: no committed draw to compare it with", no_recipe,
        {"lotteries": [real]}, expect=("invalid", "randomness", "LotteryMismatch"))
    round_0 = copy.deepcopy(no_recipe)
    round_0["reveal"]["sources"][2] = dict(QUICKNET_42, round=0)
    add("reveal_drand_round_0", "a drand value of round 0, without recipe", round_0,
        expect=("invalid", "randomness", "InvalidReveal"))
    add("declared_lottery_bonus_absent", "a declared lottery without bonus groups, its reveal value without `bonus`",
        honest_bundle(recipe=recipe(DECLARED_TOMBOLA, dice(4, 6, "huissière")), announced_at="2026-11-30T12:00:00Z",
                      reveal={"sources": [{"kind": "lottery", "lottery": "Tombola de Pérols", "main": [12, 77, 3]},
                                          {"kind": "dice", "values": [1, 2, 3, 4]}]}),
        expect=("valid_if", None, None))

    lottery_method = lottery_method_bundle()
    add("lottery_method", "the lottery method over a portfolio", lottery_method, {"commitment": lottery_method["commitment"]},
        expect=("valid_if", None, None))

    add_pool_cases(add)
    add_replacement_cases(add, honest)
    add_quota_replacement_cases(add, lottery_method)
    add_tampered_cases(add, honest)
    add_drand_cases(add)
    add_sealed_cases(add, honest)

    add("unreadable_not_json", "a file that is not JSON", json.dumps(honest)[:200],
        expect=("invalid", "format", "UnreadableBundle"))
    missing = copy.deepcopy(honest)
    del missing["seed"]
    add("unreadable_missing_field", "a bundle without its seed", missing,
        expect=("invalid", "format", "UnreadableBundle"))
    unknown = copy.deepcopy(honest)
    unknown["manifest"]["comment"] = "ajouté"
    add("unreadable_unknown_field", "an unknown field in the manifest", unknown,
        expect=("invalid", "format", "UnreadableBundle"))
    wrong_type = copy.deepcopy(honest)
    wrong_type["manifest"]["panel_size"] = "4"
    add("unreadable_wrong_type", "a number written as a string", wrong_type,
        expect=("invalid", "format", "UnreadableBundle"))
    wrong_format = copy.deepcopy(honest)
    wrong_format["format"] = "kleroterion-receipt"
    add("unreadable_wrong_format", "a bundle whose format is not kleroterion-bundle", wrong_format,
        expect=("invalid", "format", "UnreadableBundle"))
    add("v1_bundle", "a kleroterion/v1 bundle", v1_bundle(), expect=("invalid", "format", "UnsupportedSpec"))
    v1_manifest = copy.deepcopy(honest)
    v1_manifest["manifest"]["spec"] = "kleroterion/v1"
    add("v1_manifest", "a kleroterion/v2 bundle holding a kleroterion/v1 manifest", v1_manifest,
        expect=("invalid", "format", "UnsupportedSpec"))
    add_maxent_cases(add, honest)

    out = header(
        "Verification (SPEC section 12). Each case: its `name` and `what` it shows; the bundle (section 14) as JSON in "
        "`bundle`, or the file's text in `bundle_text` when it is not JSON; `published`, the published facts "
        "(section 14: commitment and lottery results, {} when none); `replacements`, the replacement records "
        "given (section 14); and the report a verifier MUST give: `verdict` (valid, valid_if or invalid), "
        "`valid` (no step failed), `purpose` (the manifest's, null when the bundle is unreadable), `steps` (id "
        "and status of every step of 12.1 in order: passed, failed, skipped or not_checked), `failed_step` and "
        "`error_kind` (null when no step failed), and `by_hand`, the subjects of the items to compare by hand "
        "(12.3) in order. Pool cases (5.2): a household tag on a single record or under a manifest whose "
        "household rule is off fails the pool step with HouseholdTag; a cell smaller than min_cell fails it with "
        "SmallCells (the pool step's details, which give the smallest cell, the records alone in their cell and "
        "the floor, are free text and not in the vectors). " + SECRET_RULE + ". The drand signatures are drand's own (SPEC 6.4.8: quicknet round 42, mainnet "
        "round 1); a tampered one is refused before the pairing check (6.4.8 steps 1 to 5). Sealed features (section "
        "4.1): the cases named sealed_* and open_bundle_with_openings; a sealed bundle carries `openings` (section 11) "
        "and a sealed replacement record `openings` (section 10.2), checked at the steps `openings` and "
        "`replacements`. " + SALT_RULE + ". The cases named maxent_* and rejections_on_uniform are of the maxent "
        "method (section 9.6, a draft of version 3): a manifest that section 5.1 refuses fails the manifest step; a "
        "count beyond 1,000,000 cells, which needs the pool, fails the draw step with InvalidMethod; result.rejections "
        "missing, different, or given for another method fails the draw step with DrawMismatch (section 14).")
    out["cases"] = cases
    return out


def add_sealed_cases(add, honest: dict):
    """Sealed features (sections 4.1, 9.4, 10.2, 11 and 12.1) on the sealed lottery draw of
    draws.json."""
    sl = sealed_lottery_inputs()
    m, pool, reveal, private = sl["manifest"], sl["pool"], sl["reveal"], sl["openings"]
    bundle = k.make_bundle(m, pool, reveal, private)
    by_ticket = {op["ticket"]: op for op in private}
    sel, alt = bundle["result"]["selected"], bundle["result"]["alternates"]
    add("sealed_honest", "a lottery over a sealed pool, with the openings of the panel and the alternates", bundle,
        {"commitment": bundle["commitment"]}, expect=("valid_if", None, None))

    def tampered(edit) -> dict:
        b = copy.deepcopy(bundle)
        edit(b)
        return b

    def other_value(feature: int, value: str) -> str:
        values = [v["value"] for v in sl["features"][feature]["values"]]
        return values[(values.index(value) + 1) % len(values)]

    def change_values(b):
        op = b["openings"][0]
        op["values"][0] = other_value(0, op["values"][0])

    add("sealed_opening_values_changed", "the opening of the first panel member with another declared genre: it "
        "does not hash to the seal", tampered(change_values), expect=("invalid", "openings", "OpeningMismatch"))
    add("sealed_opening_wrong_salt", "the opening of the second panel member with another record's salt",
        tampered(lambda b: b["openings"][1].update(salt=salt_of(alt[0]).hex())),
        expect=("invalid", "openings", "OpeningMismatch"))
    add("sealed_openings_missing_one", "the openings without the last alternate's",
        tampered(lambda b: b["openings"].pop()), expect=("invalid", "openings", "OpeningMismatch"))
    add("sealed_openings_absent", "a sealed bundle without openings",
        tampered(lambda b: b.pop("openings")), expect=("invalid", "openings", "OpeningMismatch"))

    def swap(b):
        ops = b["openings"]
        ops[0], ops[1] = ops[1], ops[0]
    add("sealed_openings_wrong_order", "the openings of the first two panel members swapped", tampered(swap),
        expect=("invalid", "openings", "OpeningMismatch"))
    outsider = next(t for t in by_ticket if t not in sel + alt)
    add("sealed_openings_extra", "the honest openings, then the honest opening of a person neither on the panel nor "
        "an alternate", tampered(lambda b: b["openings"].append(by_ticket[outsider])),
        expect=("invalid", "openings", "OpeningMismatch"))
    add("sealed_opening_unknown_value", "an opening whose âge is not a declared value",
        tampered(lambda b: b["openings"][2]["values"].__setitem__(1, "90 ans et plus")),
        expect=("invalid", "openings", "UnknownValue"))
    add("sealed_opening_wrong_value_count", "an opening with one value for two features",
        tampered(lambda b: b["openings"][3].update(values=b["openings"][3]["values"][:1])),
        expect=("invalid", "openings", "WrongValueCount"))
    add("sealed_pool_record_with_values", "a sealed record of the pool that also publishes its values (srec(r) "
        "does not hold them: the root still matches)",
        tampered(lambda b: b["pool"][0].update(values=list(private[0]["values"]))),
        expect=("invalid", "pool", "SealedRecord"))
    add("open_bundle_with_openings", "an open pool's bundle that carries an opening",
        dict(copy.deepcopy(honest), openings=[opening_of(next(r for r in honest["pool"]
                                                               if r["ticket"] == honest["result"]["selected"][0]))]),
        expect=("invalid", "openings", "OpeningMismatch"))
    add("sealed_manifest_uniform", "a sealed pool and a manifest that seals the features of a uniform draw",
        sealed_uniform_bundle(), expect=("invalid", "manifest", "InvalidMethod"))

    # A portfolio holding a panel that breaks exactly one quota bound and keeps the household rule
    # (the first such panel in lexicographic order); the first reveal that draws it.
    open_pool = sl["open_pool"]
    recs = [k.parse_record(r) for r in open_pool]
    bad = next(list(c) for c in itertools.combinations(range(len(open_pool)), 4)
               if len(k.broken_quotas({"features": sl["features"]}, recs, list(c))) == 1
               and not k.broken_households({"household_rule": True, "features": sl["features"]}, recs, list(c)))
    slb = sealed_lottery_inputs([bad])
    pf = slb["manifest"]["method"]["portfolio"]
    for i in itertools.count():
        rv = hex_reveal(hashlib.sha256(f"sealed-bad-panel/{i}".encode()).hexdigest())
        if k.draw(slb["manifest"], slb["pool"], rv)["info"]["lottery_index"] == len(pf) - 1:
            break
    bad_bundle = k.make_bundle(slb["manifest"], slb["pool"], rv, slb["openings"])
    add("sealed_portfolio_panel_breaks_quota", "a sealed portfolio holding a panel that breaks a quota, and a draw "
        "that picks it: the portfolio step cannot see it, the honest openings pass, the quotas step fails",
        bad_bundle, {"commitment": bad_bundle["commitment"]}, expect=("invalid", "quotas", "QuotaBroken"))

    # Replacement records (10.2, sealed features).
    lists = dict((what, dropped) for what, dropped in sealed_replacement_lists(dict(
        {"name": "lottery_sealed", "private_openings": private}, manifest=m, pool=pool, reveal=reveal,
        selected=sel, alternates=alt)))
    records = [k.make_replacement_record(bundle, dropped, openings=private) for dropped in lists.values()]
    beyond = next(r for r in records if len(r["openings"]) >= 2 and not r["broken_quotas"])
    fallback = records[-1]
    assert fallback["broken_quotas"] and fallback["openings"]
    add("sealed_replacements_correct", "replacement records of the sealed draw, each with the openings the rule "
        "reads beyond the panel and the alternates (none for the first; every candidate's for the last, which breaks "
        "quotas)", bundle, {"commitment": bundle["commitment"]}, records, expect=("valid_if", None, None))

    def tampered_record(name: str, what: str, edit, record=beyond):
        rec = copy.deepcopy(record)
        edit(rec)
        add(name, what, bundle, None, [rec], expect=("invalid", "replacements", "ReplacementMismatch"))

    tampered_record("sealed_replacement_opening_missing", "a sealed replacement record without the opening of the "
                    "last candidate the rule reads", lambda r: r["openings"].pop())
    tampered_record("sealed_replacement_openings_absent", "a sealed replacement record without openings",
                    lambda r: r.pop("openings"))
    read = {o["ticket"] for rec in records for o in rec["openings"]}
    unread = next(t for t in by_ticket if t not in read and t not in sel + alt)
    tampered_record("sealed_replacement_opening_extra", "a sealed replacement record with the honest opening of a "
                    "person the rule does not read", lambda r: r["openings"].append(by_ticket[unread]))
    tampered_record("sealed_replacement_opening_of_alternate", "a sealed replacement record that also opens an "
                    "alternate (the bundle opens it)", lambda r: r["openings"].insert(0, by_ticket[alt[0]]))

    def tamper_opening(r):
        op = r["openings"][0]
        op["values"][1] = other_value(1, op["values"][1])
    tampered_record("sealed_replacement_opening_tampered", "a sealed replacement record whose first opening has "
                    "another declared âge", tamper_opening)
    tampered_record("sealed_replacement_opening_wrong_salt", "a sealed replacement record whose first opening has "
                    "another record's salt", lambda r: r["openings"][0].update(salt=salt_of(sel[0]).hex()))

    def reorder(r):
        r["openings"][0], r["openings"][1] = r["openings"][1], r["openings"][0]
    tampered_record("sealed_replacement_openings_reordered", "a sealed replacement record with its first two "
                    "openings swapped", reorder)
    tampered_record("sealed_replacement_fallback_opening_missing", "the record that reads every candidate (no "
                    "candidate keeps the quotas) without its last opening", lambda r: r["openings"].pop(), fallback)
    open_rec = k.make_replacement_record(honest, [honest["result"]["selected"][0]])
    with_opening = dict(open_rec, openings=[opening_of(next(r for r in honest["pool"]
                                                             if r["ticket"] == open_rec["replacements"][0]))])
    add("open_replacement_with_openings", "an open pool's replacement record that carries an opening", honest, None,
        [with_opening], expect=("invalid", "replacements", "ReplacementMismatch"))


def sealed_uniform_bundle() -> dict:
    """The verify.json draw (uniform) over the sealed form of its pool, with a manifest that says
    sealed: the bundle an organiser's tool would write if it did not check section 5.1."""
    m, pool, reveal = verify_inputs()
    sealed_pool, private = seal_pool(pool)
    m = dict(m, pool={"root": pool_root(sealed_pool), "count": len(sealed_pool)}, sealed=True)
    expect_error("InvalidMethod", k.parse_manifest, m)
    M = k.parse_manifest(dict(m, sealed=False))
    M["sealed"] = True
    b = unchecked_bundle(m, sealed_pool, reveal, M)
    tix = {op["ticket"]: op for op in private}
    b["openings"] = [tix[t] for t in b["result"]["selected"] + b["result"]["alternates"]]
    return b


def unchecked_bundle(m: dict, pool: list, reveal: dict, M: dict | None = None) -> dict:
    """The bundle an organiser's tool would write if it did not check the rules of 5.2 that
    come after the Merkle root (household tags, the disclosure floor): the commitment, seed,
    draw and transcript are computed as usual. `M`, when given, is the parsed manifest (one that
    section 5.1 refuses)."""
    M = k.parse_manifest(m) if M is None else M
    recs = [k.parse_record(r) for r in pool]
    sources = k.parse_reveal(reveal)
    k.match_reveal(M["randomness"], sources)
    c = k.commitment(M)
    seed = k.compute_seed(c, sources)
    r = k.run_draw(M, recs, sources, seed)
    result = {"selected": [recs[i][0] for i in r["selected"]], "alternates": [recs[i][0] for i in r["alternates"]]}
    if r["rejections"] is not None:
        result["rejections"] = r["rejections"]
    return {"format": "kleroterion-bundle", "spec": k.SPEC_ID, "manifest": m, "commitment": c.hex(), "pool": pool,
            "reveal": reveal, "seed": seed.hex(), "result": result,
            "transcript": k.transcript(c, seed, r["selected"], r["alternates"], r["rejections"]).hex()}


# Pools for section 5.2's household tags and disclosure floor. Features: genre, and âge for some.
POOL_FEATURES = [feat("genre", GENRE, [(0, 4), (0, 4)]), feat("âge", AGE, [(0, 4)] * 3)]


def unique_record_pool() -> list:
    """6 women and 6 men aged 18-34 and one woman aged 60 or more: one record alone in its cell."""
    recs = [record(ticket("unique", i), [GENRE[i % 2], AGE[0]]) for i in range(12)]
    recs.append(record(ticket("unique", 12), ["femme", AGE[2]]))
    return recs


def couples_pool() -> list:
    """Every profile is held by at least 5 records, but two couples of different profile pairs
    make small cells: 6 single women and 6 single men aged 35-59, a couple of a woman and a man,
    and a couple of two women (all aged 35-59). Cells: 6, 6, 1 (the woman with a man), 1 (the man
    with a woman), 2 (the two women together)."""
    recs = [record(ticket("couples", i), [GENRE[i % 2], AGE[1]]) for i in range(12)]
    recs += [record(ticket("couples", 12), ["femme", AGE[1]], "foyer-A"),
             record(ticket("couples", 13), ["homme", AGE[1]], "foyer-A"),
             record(ticket("couples", 14), ["femme", AGE[1]], "foyer-B"),
             record(ticket("couples", 15), ["femme", AGE[1]], "foyer-B")]
    return recs


def pool_manifest(title: str, pool: list, features=POOL_FEATURES, household_rule=False, min_cell=None,
                  panel_size=2) -> dict:
    method = {"name": "greedy", "max_attempts": 100} if household_rule else {"name": "uniform"}
    return manifest(title, method, panel_size, 1, features, pool, recipe=hex_recipe("graine"),
                    household_rule=household_rule, min_cell=min_cell)


POOL_REVEAL = hex_reveal("5eed" * 16)


def add_pool_cases(add):
    """Bundles whose pool breaks the household tag rules or the disclosure floor (5.2), and
    bundles that meet a floor of 5."""
    lone = unique_record_pool()
    lone[0]["household"] = "foyer-seul"
    lone[2]["household"] = "foyer-seul"
    lone[4]["household"] = "foyer-Z"
    add("pool_household_tag_alone", "a household tag carried by a single record (the household rule on)",
        unchecked_bundle(pool_manifest("Foyer d'une personne", lone, household_rule=True), lone, POOL_REVEAL),
        expect=("invalid", "pool", "HouseholdTag"))
    off = unique_record_pool()
    off[0]["household"] = off[1]["household"] = "foyer-1"
    add("pool_household_tag_rule_off", "two records sharing a household tag under a manifest whose household "
        "rule is off", unchecked_bundle(pool_manifest("Foyers sans la règle", off), off, POOL_REVEAL),
        expect=("invalid", "pool", "HouseholdTag"))
    uniq = unique_record_pool()
    add("pool_small_cells_unique", "min_cell 5 and one record alone in its cell",
        unchecked_bundle(pool_manifest("Une personne seule dans sa cellule", uniq, min_cell=5), uniq, POOL_REVEAL),
        expect=("invalid", "pool", "SmallCells"))
    add("pool_small_cells_unique_floor_1", "the same pool committed with min_cell 1",
        k.make_bundle(pool_manifest("Une personne seule dans sa cellule", uniq, min_cell=1), uniq, POOL_REVEAL),
        expect=("valid_if", None, None))
    cp = couples_pool()
    add("pool_small_cells_households", "min_cell 5, every profile held by at least 5 records, but two couples "
        "of different profile pairs make cells of 1 and 2 records",
        unchecked_bundle(pool_manifest("Deux couples", cp, household_rule=True, min_cell=5), cp, POOL_REVEAL),
        expect=("invalid", "pool", "SmallCells"))
    add("pool_small_cells_households_absent_floor", "the same pool, min_cell absent (1)",
        k.make_bundle(pool_manifest("Deux couples", cp, household_rule=True), cp, POOL_REVEAL),
        expect=("valid_if", None, None))
    pool_m, f_m = min_cell_pool()
    add("pool_min_cell_5", "households, every cell of at least 5 records, min_cell 5",
        k.make_bundle(pool_manifest("Cellules d'au moins 5", pool_m, f_m, household_rule=True, min_cell=5, panel_size=6),
                      pool_m, POOL_REVEAL), expect=("valid_if", None, None))
    tight = copy.deepcopy(pool_m)
    tight[-1]["values"] = ["homme", AGE[0]]
    add("pool_min_cell_5_one_short", "the same with one single man moved to another age band: a cell of 4 and "
        "a cell of 1",
        unchecked_bundle(pool_manifest("Cellules d'au moins 5", tight, f_m, household_rule=True, min_cell=5,
                                       panel_size=6), tight, POOL_REVEAL), expect=("invalid", "pool", "SmallCells"))


# drand's published rounds quoted in SPEC 6.4.8 (real signatures).
QUICKNET_42 = {"kind": "drand", "chain": QUICKNET, "round": 42,
               "signature": "95a9f9f5b231b7714de1553105d8ffdf3dcda24cfdb1e689319bccf79a9c8ce430a91b811fbfaf763900bc"
                            "998b5d686a"}
MAINNET_1 = {"kind": "drand", "chain": MAINNET, "round": 1,
             "signature": "8d61d9100567de44682506aea1a7a6fa6e5491cd27a0a0ed349ef6910ac5ac20ff7bc3e09d7c046566c9f7"
                          "f3c6f3b10104990e7cb424998203d8f7de586fb7fa5f60045417a432684f85093b06ca91c769f0e7ca19268"
                          "375e659c2a2352b4655",
             "previous_signature": "176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a",
             "randomness": "101297f1ca7dc44ef6088d94ad5fb7ba03455dc33d53ddb412bbc4564ed986ec"}


def drand_bundle(announced_at: str) -> dict:
    """A uniform draw on quicknet round 42 and mainnet round 1, with drand's own signatures."""
    recipe_ = recipe({"kind": "drand", "chain": QUICKNET, "round": 42}, {"kind": "drand", "chain": MAINNET, "round": 1})
    return honest_bundle(recipe=recipe_, announced_at=announced_at,
                         reveal={"sources": [dict(QUICKNET_42), dict(MAINNET_1)]})


def add_drand_cases(add):
    honest = drand_bundle("2020-07-22T12:00:00Z")
    add("drand_rounds", "drand's quicknet round 42 and mainnet round 1, signatures as published by drand",
        honest, {"commitment": honest["commitment"]}, expect=("valid_if", None, None))
    add("drand_committed_late", "announced after mainnet round 1 was produced",
        drand_bundle("2020-07-22T15:17:30Z"), expect=("invalid", "time_order", "CommittedLate"))

    def tampered(edit) -> dict:
        b = copy.deepcopy(honest)
        edit(b["reveal"]["sources"])
        return b

    add("drand_other_round", "a reveal of another round than the recipe's",
        tampered(lambda srcs: srcs[0].update(round=43)), expect=("invalid", "randomness", "RevealMismatch"))
    add("drand_randomness_wrong", "a randomness field that is not SHA-256(signature)",
        tampered(lambda srcs: srcs[1].update(randomness="00" * 32)), expect=("invalid", "randomness", "InvalidReveal"))
    add("drand_previous_signature_on_quicknet", "a previous_signature on the unchained network",
        tampered(lambda srcs: srcs[0].update(previous_signature=MAINNET_1["previous_signature"])),
        expect=("invalid", "randomness", "DrandSignature"))
    add("drand_previous_signature_missing", "mainnet round 1 without its previous_signature (the genesis seed)",
        tampered(lambda srcs: srcs[1].pop("previous_signature")), expect=("invalid", "randomness", "DrandSignature"))
    add("drand_signature_uncompressed", "a signature without the compression flag",
        tampered(lambda srcs: srcs[0].update(signature="15" + QUICKNET_42["signature"][2:])),
        expect=("invalid", "randomness", "DrandSignature"))


def lottery_method_bundle() -> dict:
    pool = make_pool("verify-lottery", 10, [GENRE])
    features = [feat("genre", GENRE, [(1, 2), (1, 2)])]
    pf = lottery_portfolio(pool, features, 3, False, 6, "verify")
    m = manifest("Loterie sur portefeuille", {"name": "lottery", "portfolio": pf}, 3, 2, features, pool,
                 recipe=recipe(registry_lottery(EUROMILLIONS, euromillions_date(2))),
                 announced_at="2026-12-01T12:00:00Z")
    reveal = {"sources": [lottery_value(EUROMILLIONS, [1, 2, 3, 4, 5], [[1, 2]])]}
    return k.make_bundle(m, pool, reveal)


def add_replacement_cases(add, honest: dict):
    sel, alt = honest["result"]["selected"], honest["result"]["alternates"]
    good = k.make_replacement_record(honest, [sel[1], alt[0], sel[3]])
    also = k.make_replacement_record(honest, [sel[0]])
    assert not good["broken_quotas"] and not also["broken_quotas"]
    add("replacements_correct", "two replacement records recomputed from the bundle", honest,
        {"commitment": honest["commitment"]}, [good, also], expect=("valid_if", None, None))
    swapped = copy.deepcopy(good)
    swapped["replacements"][0] = swapped["replacements"][2]
    swapped["panel"] = [t if t != good["replacements"][0] else good["replacements"][2] for t in good["panel"]]
    add("replacement_other_person", "a record that names another replacement", honest, None, [also, swapped],
        expect=("invalid", "replacements", "ReplacementMismatch"))
    rehashed = copy.deepcopy(good)
    rehashed["hash"] = hashlib.sha256(b"not the replacement hash").hexdigest()
    add("replacement_wrong_hash", "a record whose hash is not the recomputed one", honest, None, [rehashed],
        expect=("invalid", "replacements", "ReplacementMismatch"))
    other_draw = copy.deepcopy(good)
    other_draw["transcript"] = hashlib.sha256(b"another draw").hexdigest()
    add("replacement_other_transcript", "a record made for another draw", honest, None, [other_draw],
        expect=("invalid", "replacements", "ReplacementMismatch"))
    panel = copy.deepcopy(good)
    panel["panel"] = list(reversed(panel["panel"]))
    add("replacement_wrong_panel", "a record whose panel is in another order", honest, None, [panel],
        expect=("invalid", "replacements", "ReplacementMismatch"))


def add_quota_replacement_cases(add, bundle: dict):
    """Replacement records of the lottery method whose final panel breaks quotas (10.2)."""
    sel = bundle["result"]["selected"]
    genre = {r["ticket"]: r["values"][0] for r in bundle["pool"]}
    # Drop a selected person and every other person of the same gender who is not on the panel:
    # no candidate keeps the quotas.
    target = next(t for t in sel if sum(genre[u] == genre[t] for u in sel) == 1)
    same = [r["ticket"] for r in bundle["pool"] if genre[r["ticket"]] == genre[target] and r["ticket"] not in sel]
    broken = k.make_replacement_record(bundle, same + [target])
    assert len(broken["broken_quotas"]) == 2 and broken["replacements"][-1] is not None, broken
    add("replacement_breaks_quotas", "a replacement record whose final panel breaks two quotas, listed in "
        "broken_quotas", bundle, {"commitment": bundle["commitment"]}, [broken], expect=("valid_if", None, None))

    def tampered(what: str, name: str, quotas: list):
        rec = copy.deepcopy(broken)
        rec["broken_quotas"] = quotas
        add(name, what, bundle, None, [rec], expect=("invalid", "replacements", "ReplacementMismatch"))

    tampered("the same record with broken_quotas emptied", "replacement_broken_quotas_missing", [])
    tampered("the same record with broken_quotas in another order", "replacement_broken_quotas_reordered",
             list(reversed(broken["broken_quotas"])))
    M = k.parse_manifest(bundle["manifest"])
    recs = k.parse_pool(M, bundle["pool"])
    tix = {r[0]: i for i, r in enumerate(recs)}
    old_words = []
    for f, feat_ in enumerate(M["features"]):
        for v, val in enumerate(feat_["values"]):
            c = sum(1 for t in broken["panel"] if recs[tix[t]][1][f] == val["value"])
            if c < val["min"]:
                old_words.append(f"the panel has {c} people with {feat_['name']}={val['value']}, below the minimum "
                                 f"{val['min']}")
            if c > val["max"]:
                old_words.append(f"the panel has {c} people with {feat_['name']}={val['value']}, above the maximum "
                                 f"{val['max']}")
    assert len(old_words) == 2
    tampered("the same record with broken_quotas in other words than those of section 10.2",
             "replacement_broken_quotas_other_words", old_words)
    sel_other = [t for t in sel if t != target]
    fine = k.make_replacement_record(bundle, [sel_other[0]])
    assert not fine["broken_quotas"], fine
    claimed = copy.deepcopy(fine)
    claimed["broken_quotas"] = list(broken["broken_quotas"])
    add("replacement_broken_quotas_claimed", "a record that keeps every quota but lists broken quotas", bundle, None,
        [claimed], expect=("invalid", "replacements", "ReplacementMismatch"))


def add_tampered_cases(add, honest: dict):
    def tampered(edit) -> dict:
        b = copy.deepcopy(honest)
        edit(b)
        return b

    def swap_first_two(b):
        s = b["result"]["selected"]
        s[0], s[1] = s[1], s[0]

    add("seed_tampered", "a seed that does not follow from the reveal",
        tampered(lambda b: b.update(seed="00" * 32)), expect=("invalid", "seed", "SeedMismatch"))
    add("draw_tampered", "two selected people swapped", tampered(swap_first_two),
        expect=("invalid", "draw", "DrawMismatch"))
    add("draw_ticket_not_in_pool", "an alternate whose ticket is not in the committed pool",
        tampered(lambda b: b["result"]["alternates"].__setitem__(0, "ZZZZ-0000")),
        expect=("invalid", "draw", "DrawMismatch"))
    add("transcript_tampered", "a transcript that does not match the result",
        tampered(lambda b: b.update(transcript="11" * 32)), expect=("invalid", "transcript", "TranscriptMismatch"))
    add("pool_tampered", "a record's value changed after the commitment (to another declared value)",
        tampered(lambda b: b["pool"][0].update(values=[GENRE[1 - GENRE.index(b["pool"][0]["values"][0])]]
                                                + b["pool"][0]["values"][1:])),
        expect=("invalid", "pool", "PoolRootMismatch"))
    add("reveal_other_lottery", "a reveal that names another lottery than the recipe",
        tampered(lambda b: b["reveal"]["sources"].__setitem__(
            0, lottery_value("Tombola de Pérols", [1, 2, 3]))),
        expect=("invalid", "randomness", "RevealMismatch"))
    add("reveal_numbers_outside_format", "lottery numbers outside the registry format",
        tampered(lambda b: b["reveal"]["sources"].__setitem__(
            0, lottery_value(EUROMILLIONS, [6, 15, 23, 30, 51], [[4, 12]]))),
        expect=("invalid", "randomness", "InvalidReveal"))
    add("reveal_dice_out_of_faces", "a die value above the committed faces",
        tampered(lambda b: b["reveal"]["sources"].__setitem__(1, {"kind": "dice", "values": [3, 6, 7, 1]})),
        expect=("invalid", "randomness", "RevealMismatch"))
    m, pool, reveal = verify_inputs()
    del m["announced_at"]
    add("announcement_missing", "a recipe with a registry lottery and no announced_at",
        tampered(lambda b: b.update(manifest=m)), expect=("invalid", "manifest", "AnnouncementMissing"))
    m2 = copy.deepcopy(honest["manifest"])
    m2["randomness"]["sources"][0]["date"] = k.format_date(k.parse_date(m2["randomness"]["sources"][0]["date"]) + 1)
    add("lottery_not_a_draw_day", "a registry lottery on a day it does not draw",
        tampered(lambda b: b.update(manifest=m2)), expect=("invalid", "manifest", "InvalidRecipe"))
    m3 = copy.deepcopy(honest["manifest"])
    m3["title"] = "Panel \u202ecitoyen"
    add("bidi_in_title", "a bidirectional formatting character in the title",
        tampered(lambda b: b.update(manifest=m3)), expect=("invalid", "manifest", "InvalidText"))


# ---------------------------------------------------------------------------
# pools.json
# ---------------------------------------------------------------------------

def check_committed_pool(M: dict, pool: list) -> list:
    """What a tool checks of a pool at commit time: section 5.2, then the links (5.3: a link exactly
    when the manifest names a parent, no two records with one link)."""
    recs = k.parse_pool(M, pool)
    k.check_links(M, recs)
    return recs


def pool_case(name: str, what: str, m: dict, pool: list, error: str | None) -> dict:
    M = k.parse_manifest(m)
    if error is None:
        recs = check_committed_pool(M, pool)
    else:
        expect_error(error, check_committed_pool, M, pool)
        recs = [k.parse_record(r) for r in pool]
    case = {"name": name, "what": what, "manifest": m, "pool": pool, "error": error}
    # The links are checked after section 5.2: a pool refused for its links has its cell figures.
    if error not in (None, "SmallCells", "LinkMissing", "DuplicateLink"):
        case.update({"floor_applies": None, "cell_sizes": None, "smallest_cell": None, "alone": None})
    else:
        fig = k.cell_figures(M, recs)
        case.update({"floor_applies": fig["applies"], "cell_sizes": fig["sizes"], "smallest_cell": fig["smallest"],
                     "alone": fig["alone"]})
    return case


def sealed_pool_manifest(title: str, pool: list, open_pool: list, features: list, min_cell=None,
                         sealed_=True) -> dict:
    """A lottery manifest (household rule on) over `pool`, its portfolio made from the values of
    `open_pool` (the same people, open)."""
    pf = lottery_portfolio(open_pool, features, 4, True, 3, "pools/" + title)
    return manifest(title, {"name": "lottery", "portfolio": pf}, 4, 2, features, pool, recipe=hex_recipe("graine"),
                    household_rule=True, min_cell=min_cell, sealed_=sealed_)


def add_sealed_pool_cases(add):
    sl = sealed_lottery_inputs()
    open_pool, features = sl["open_pool"], sl["features"]
    sealed_pool = sl["pool"]
    add("sealed_households_floor_5", "the sealed lottery of draws.json: 3 couples and 10 single people, sealed, "
        "min_cell 5: two cells (the 6 people in a couple, the 10 single people)", sl["manifest"], sealed_pool)
    add("sealed_open_form_floor_5", "the same people with their values published, min_cell 5: cells of 1 and 2 "
        "records", sealed_pool_manifest("Les mêmes, ouverts", open_pool, open_pool, features, 5, None), open_pool,
        "SmallCells")
    # One household of three among couples and single people: a household shape of its own.
    trio = copy.deepcopy(open_pool) + [record(ticket("sealed", 16), ["femme", AGE[1]], "foyer-D"),
                                       record(ticket("sealed", 17), ["homme", AGE[1]], "foyer-D"),
                                       record(ticket("sealed", 18), ["homme", AGE[0]], "foyer-D")]
    sealed_trio = seal_pool(trio)[0]
    add("sealed_lone_household_shape", "the same sealed pool and a household of three, the only household of its "
        "size: a cell of 3 records, below min_cell 5",
        sealed_pool_manifest("Un foyer de trois", sealed_trio, trio, features, 5), sealed_trio, "SmallCells")
    add("sealed_lone_household_shape_floor_3", "the same, min_cell 3",
        sealed_pool_manifest("Un foyer de trois", sealed_trio, trio, features, 3), sealed_trio)
    mixed = copy.deepcopy(sealed_pool)
    mixed[7] = copy.deepcopy(open_pool[7])
    add("sealed_manifest_open_record", "a sealed manifest and a pool whose eighth record publishes its values "
        "instead of a seal", sealed_pool_manifest("Un enregistrement ouvert", mixed, open_pool, features, 5), mixed,
        "SealedRecord")
    with_values = copy.deepcopy(sealed_pool)
    with_values[3]["values"] = list(open_pool[3]["values"])
    add("sealed_record_with_values", "a sealed manifest and a sealed record that also publishes its values",
        sealed_pool_manifest("Un sceau et des valeurs", with_values, open_pool, features, 5), with_values,
        "SealedRecord")
    verify_pool = verify_inputs()[1]
    one_sealed = copy.deepcopy(verify_pool)
    one_sealed[2] = sealed(one_sealed[2])
    add("open_manifest_sealed_record", "an open manifest (sealed absent) and a pool whose third record is sealed",
        pool_manifest("Un enregistrement scellé", one_sealed, VERIFY_FEATURES), one_sealed, "SealedRecord")


def gen_pools() -> dict:
    cases = []

    def add(name, what, m, pool, error=None):
        cases.append(pool_case(name, what, m, pool, error))

    verify_pool = verify_inputs()[1]
    add("verify_pool", "the pool of verify.json's honest bundle (genre and âge, min_cell absent)",
        verify_inputs()[0], verify_pool)
    uniq = unique_record_pool()
    add("unique_floor_1", "one record alone in its cell, min_cell 1", pool_manifest("Seule", uniq, min_cell=1), uniq)
    add("unique_floor_0", "the same, min_cell 0 (no floor)", pool_manifest("Seule", uniq, min_cell=0), uniq)
    add("unique_floor_5", "the same, min_cell 5", pool_manifest("Seule", uniq, min_cell=5), uniq, "SmallCells")
    cp = couples_pool()
    add("couples_floor_1", "two couples of different profile pairs, min_cell 1",
        pool_manifest("Couples", cp, household_rule=True, min_cell=1), cp)
    add("couples_floor_5", "the same, min_cell 5: every profile has at least 5 records, but the cells of the "
        "couples are small", pool_manifest("Couples", cp, household_rule=True, min_cell=5), cp, "SmallCells")
    add("couples_floor_2", "the same, min_cell 2", pool_manifest("Couples", cp, household_rule=True, min_cell=2), cp,
        "SmallCells")
    pool_m, f_m = min_cell_pool()
    add("min_cell_5", "households, every cell of at least 5 records, min_cell 5",
        pool_manifest("Cellules", pool_m, f_m, household_rule=True, min_cell=5, panel_size=6), pool_m)
    add("min_cell_6", "the same, min_cell 6", pool_manifest("Cellules", pool_m, f_m, household_rule=True, min_cell=6,
                                                            panel_size=6), pool_m, "SmallCells")
    # Housemates compared as multisets: a household of (A, B, B) and one of (B, A, B) in another
    # pool order give the same cells.
    a, b = ["femme", AGE[0]], ["homme", AGE[0]]
    trio = [record(ticket("trio", i), v, h) for i, (v, h) in enumerate(
        [(a, "foyer-X"), (b, "foyer-X"), (b, "foyer-X"), (b, "foyer-Y"), (a, "foyer-Y"), (b, "foyer-Y")])]
    add("housemates_multiset", "two households of a woman and two men, in different orders: the woman's "
        "housemates are equal as multisets (a cell of 2), and so are the men's (a cell of 4)",
        pool_manifest("Trios", trio, household_rule=True, min_cell=2), trio)
    add("housemates_multiset_floor_3", "the same, min_cell 3", pool_manifest("Trios", trio, household_rule=True,
                                                                             min_cell=3), trio, "SmallCells")
    # A tagged record and an untagged one with the same profile are in different cells.
    mixed = [record(ticket("mixed", i), ["femme"], h) for i, h in enumerate(
        ["foyer-1", "foyer-1", None, None, None])]
    gf = [feat("genre", GENRE, [(0, 2), (0, 2)])]
    add("tagged_and_untagged", "the same profile with and without a household: two cells (2 and 3)",
        pool_manifest("Avec et sans foyer", mixed, gf, household_rule=True, min_cell=2), mixed)
    # No feature: the floor applies only when some record has a household tag.
    bare = [record(ticket("bare", i), []) for i in range(3)]
    add("no_feature_no_tag", "no feature and no household tag: the floor does not apply (min_cell 5, 3 records)",
        pool_manifest("Sans caractéristique", bare, [], min_cell=5), bare)
    tagged = [record(ticket("bare-tags", i), [], h) for i, h in enumerate(["foyer-1", "foyer-1", None, None, None])]
    add("no_feature_tags", "no feature, some household tags: the floor applies; cells of 2 (the household) and "
        "3", pool_manifest("Sans caractéristique, foyers", tagged, [], household_rule=True, min_cell=2), tagged)
    add("no_feature_tags_floor_3", "the same, min_cell 3",
        pool_manifest("Sans caractéristique, foyers", tagged, [], household_rule=True, min_cell=3), tagged,
        "SmallCells")
    lone = unique_record_pool()
    lone[4]["household"] = "foyer-Z"
    add("tag_alone", "a household tag carried by a single record", pool_manifest("Seul", lone, household_rule=True),
        lone, "HouseholdTag")
    off = unique_record_pool()
    off[0]["household"] = off[1]["household"] = "foyer-1"
    add("tag_rule_off", "a shared household tag, household rule off", pool_manifest("Sans règle", off), off,
        "HouseholdTag")
    add_sealed_pool_cases(add)
    add_linked_pool_cases(add)
    out = header(
        "Pool validity (SPEC section 5.2): household tags and the disclosure floor. " + SECRET_RULE + ". Each case: "
        "`name`, `what` it shows, `manifest` and `pool` (section 14; the manifest commits this pool, so its root "
        "and count match), `error` (null when the pool is valid, else the kind of section 5.2 a verifier MUST give; "
        "each invalid pool has exactly one fault), and the cell figures: `floor_applies` (the manifest has a feature or some "
        "record has a household tag), `cell_sizes` (the number of records of each cell, ascending; a cell is a "
        "profile with the multiset of the profiles of the record's housemates), `smallest_cell` and `alone` (the "
        "number of records alone in their cell). The figures follow the definition of a cell even when the floor "
        "does not apply (then all records are in one cell); they are null for a pool that fails with HouseholdTag "
        "or an earlier error. Sealed features (section 4.1): the cases named sealed_* and open_manifest_sealed_record; "
        "every record of a sealed manifest is sealed (`values` empty and a `seal`), and none of an open one "
        "(SealedRecord); the profile of a sealed record is the empty list, so a sealed pool's cells are made by "
        "the household tags alone. " + SALT_RULE + ". Linked stages (section 5.3): the cases named linked_* and "
        "unlinked_record_with_link, the pools of chains.json's stage; every record of a pool whose manifest has a "
        "`parent` has a `link`, and no two the same, and no record of a pool whose manifest has none has one. These "
        "are checked after section 5.2 (as the verification's `links` step follows `pool`), as a tool checks them at "
        "commit time: LinkMissing (a record without a link under a parent, or with one without a parent) or "
        "DuplicateLink (the second record with a link), with the cell figures of the pool; whether each link is an "
        "invitee needs the previous stage (chains.json, NotInvited).")
    out["cases"] = cases
    return out


def add_linked_pool_cases(add):
    previous = chain_previous()
    parent = k.parent_json(previous, CHAIN_INHERITED)
    volunteers = chain_volunteers(previous)
    add("linked_stage", "the open stage of chains.json: 12 records, each linked to an invitee, min_cell 1",
        stage_manifest(volunteers, volunteers, parent), volunteers)
    sealed_pool = seal_pool(volunteers)[0]
    add("linked_stage_sealed", "the same stage sealed, min_cell 5: one cell of 12 records",
        stage_manifest(sealed_pool, volunteers, parent, sealed_=True), sealed_pool)
    pool = copy.deepcopy(volunteers)
    del pool[7]["link"]
    add("linked_record_without_link", "the linked stage with its eighth record's link removed",
        stage_manifest(pool, pool, parent), pool, "LinkMissing")
    pool = copy.deepcopy(volunteers)
    for n, r in enumerate(pool):
        if n != 10:
            del r["link"]
    add("unlinked_record_with_link", "the same people under a manifest without parent, the eleventh record still "
        "linked", stage_manifest(pool, pool, None), pool, "LinkMissing")
    pool = copy.deepcopy(volunteers)
    pool[9]["link"] = pool[4]["link"]
    add("linked_duplicate_link", "the linked stage with its tenth record linked to the invitee of the fifth",
        stage_manifest(pool, pool, parent), pool, "DuplicateLink")
    sealed_dup = copy.deepcopy(sealed_pool)
    sealed_dup[11]["link"] = sealed_dup[0]["link"]
    add("linked_sealed_duplicate_link", "the sealed stage with its last record linked to the invitee of the first",
        stage_manifest(sealed_dup, volunteers, parent, sealed_=True), sealed_dup, "DuplicateLink")


# ---------------------------------------------------------------------------
# receipts.json
# ---------------------------------------------------------------------------

def gen_receipts(draws: dict) -> dict:
    by_name = {d["name"]: d for d in draws["draws"]}
    bundles = []
    cases = []

    def bundle_of(name):
        d = by_name[name]
        b = {"format": "kleroterion-bundle", "spec": k.SPEC_ID, "manifest": d["manifest"],
             "commitment": d["commitment"], "pool": d["pool"], "reveal": d["reveal"], "seed": d["seed"],
             "result": {"selected": d["selected"], "alternates": d["alternates"]}, "transcript": d["transcript"]}
        if "openings" in d:
            b["openings"] = d["openings"]
        bundles.append({"name": name, "bundle": b})
        return b

    def add(name, what, bname, bundle, receipt, expect_check=None):
        out = k.check_receipt(receipt, bundle)
        assert out["check"] == expect_check, (name, out)
        cases.append({"name": name, "what": what, "bundle": bname, "receipt": receipt, "matches": out["matches"],
                      "outcome": out["outcome"] if out["matches"] else None, "position": out.get("position"),
                      "number": out.get("number"), "established": out["established"],
                      "error_kind": out["error_kind"], "failed_check": out["check"]})

    def genuine(bundle, index):
        return k.make_receipt(bundle, index, secret_of(bundle["pool"][index]["ticket"]))

    for bname in ("uniform", "greedy_households_min_cell_5", "lottery"):
        b = bundle_of(bname)
        tickets = [r["ticket"] for r in b["pool"]]
        sel, alt = b["result"]["selected"], b["result"]["alternates"]
        others = [t for t in tickets if t not in sel and t not in alt]
        for label, t in (("selected", sel[1]), ("alternate", alt[0]), ("not_selected", others[0])):
            i = tickets.index(t)
            add(f"{bname}_{label}", f"the genuine receipt of a person {label.replace('_', ' ')}", bname, b,
                genuine(b, i))
    b = bundles[0]["bundle"]
    bname = bundles[0]["name"]
    tickets = [r["ticket"] for r in b["pool"]]
    i = tickets.index(b["result"]["selected"][0])
    j = (i + 1) % len(tickets)
    rc = genuine(b, i)
    add(f"{bname}_first_selected", "the genuine receipt of the first selected person", bname, b, rc)
    other = dict(rc, secret=secret_of(tickets[j]).hex())
    add("secret_of_another_record", "a receipt with the secret of another record of the pool", bname, b, other, 4)
    add("secret_all_zeros", "a receipt rebuilt from the public pool, with the all-zero secret", bname, b,
        dict(rc, secret="00" * 32), 4)
    forged_secret = hashlib.sha256(b"kleroterion vectors forged secret").digest()
    forged = copy.deepcopy(rc)
    forged["record"]["holder"] = k.holder_of(forged_secret).hex()
    forged["secret"] = forged_secret.hex()
    add("holder_tampered", "a receipt whose record's holder was replaced by the holder of the receipt's own "
        "secret: the secret matches that holder, but the record is no longer the committed one (the proof fails)",
        bname, b, forged, 2)
    add("index_changed", "a genuine receipt with its index moved by one", bname, b, dict(rc, index=j), 2)
    add("index_out_of_range", "a genuine receipt with its index equal to the pool count", bname, b,
        dict(rc, index=rc["pool_count"]), 2)
    other_b = bundles[1]["bundle"]
    add("other_commitment", "a genuine receipt with the commitment of another draw", bname, b,
        dict(rc, commitment=other_b["commitment"]), 1)
    bad = copy.deepcopy(b)
    bad["seed"] = "00" * 32
    bundles.append({"name": "uniform_seed_tampered", "bundle": bad})
    add("bundle_fails", "a genuine receipt against a bundle whose verification fails (its seed): the receipt "
        "matches, but its outcome is not established", "uniform_seed_tampered", bad, genuine(bad, i))

    # Sealed features (section 13, check 5): the receipt of a sealed record carries its opening.
    sname = "lottery_sealed"
    sb = bundle_of(sname)
    private = by_name[sname]["private_openings"]
    stickets = [r["ticket"] for r in sb["pool"]]

    def sealed_genuine(index):
        return k.make_receipt(sb, index, secret_of(stickets[index]), private[index])

    ssel, salt_ = sb["result"]["selected"], sb["result"]["alternates"]
    sothers = [t for t in stickets if t not in ssel and t not in salt_]
    for label, t in (("selected", ssel[0]), ("alternate", salt_[1]), ("not_selected", sothers[0])):
        add(f"{sname}_{label}", f"the genuine receipt of a person {label.replace('_', ' ')}, with their opening",
            sname, sb, sealed_genuine(stickets.index(t)))
    si = stickets.index(sothers[0])
    sj = (si + 1) % len(stickets)
    src = sealed_genuine(si)
    no_opening = copy.deepcopy(src)
    del no_opening["opening"]
    add("sealed_receipt_without_opening", "the receipt of a sealed record without its opening", sname, sb,
        no_opening, 5)
    add("sealed_receipt_opening_wrong_salt", "the receipt of a sealed record whose opening has another record's "
        "salt", sname, sb, dict(src, opening=dict(src["opening"], salt=salt_of(stickets[sj]).hex())), 5)
    changed = copy.deepcopy(src)
    changed["opening"]["values"][0] = GENRE[1 - GENRE.index(changed["opening"]["values"][0])]
    add("sealed_receipt_opening_values_changed", "the receipt of a sealed record whose opening has another "
        "declared genre", sname, sb, changed, 5)
    add("sealed_receipt_opening_of_another_record", "the receipt of a sealed record with the opening of another "
        "record", sname, sb, dict(src, opening=private[sj]), 5)
    add("open_receipt_with_opening", "the genuine receipt of an open record that carries an opening", bname, b,
        dict(rc, opening=opening_of(b["pool"][i])), 5)
    out = header(
        "Receipts (SPEC section 13). " + SECRET_RULE + ". bundles: the bundles the receipts are checked against "
        "(section 14), by name (the draws of draws.json of the same name, with their `openings` for lottery_sealed, "
        "and that of `uniform` with its seed tampered). cases: `receipt` (section 14, with its `secret`, and its "
        "`opening` for a sealed record) checked against the bundle named `bundle`; "
        "`matches` (checks 1 to 5 of section 13 pass), `failed_check` (the first check that fails, 1 to 5, or null; "
        "check 5: a sealed record's receipt carries an opening that opens it, an open record's none), "
        "`error_kind` (ReceiptMismatch for every failure, else null), `outcome` (selected, alternate or not "
        "selected; null when the receipt does not match), `position` (1-based, selected) and `number` (1-based, "
        "alternate), null otherwise, and `established` (the bundle verifies, section 12; false when the receipt "
        "does not match). " + SALT_RULE + ".")
    out.update({"bundles": bundles, "cases": cases})
    return out


# ---------------------------------------------------------------------------
# chains.json: linked stages (sections 5.3, 12.1, 12.5 and 13)
# ---------------------------------------------------------------------------

DIPLOME = ["sans diplôme", "bac", "supérieur"]
CHAIN_INHERITED = ["commune", "genre"]
# The invitees who answered, as positions in the previous stage's invitees (the 16 selected, then
# the 4 alternates): two of them are alternates.
CHAIN_ANSWERED = [0, 1, 2, 4, 5, 7, 9, 10, 12, 14, 17, 18]
STAGE_FEATURES = [feat("genre", GENRE, [(2, 2), (2, 2)]), feat("commune", COMMUNE, [(0, 4)] * 4),
                  feat("diplôme", DIPLOME, [(1, 3), (1, 3), (0, 2)])]
STAGE_REVEAL = hex_reveal(Det("chains/stage").hex(32))
CHAIN_RULE = ("The previous stage is a stratified draw (commune, largest remainder) of 16 people and 4 alternates "
              "from a roll of 40 records (features commune and genre); its invitees are its 16 selected tickets, then "
              "its 4 alternates. The stage is a lottery (panel of 4, 2 alternates) over the 12 invitees who answered, "
              "each a record with a new ticket and `link`, the invitee's ticket; features genre, commune (inherited: "
              "parent.inherited = [commune, genre]) and diplôme (declared). Every bundle, honest or not, is a "
              "self-consistent commitment: the manifest commits its pool, and the seed, draw and transcript are "
              "recomputed, so that an attack passes every earlier step and fails at the step named")


def chain_previous(title: str = "Invitations tirées de la liste électorale", label: str = "chains/previous") -> dict:
    """The previous stage of the chains: a stratified draw over a roll of 40 records."""
    roll = make_pool("chain-roll", 40, [COMMUNE, GENRE], weights=[[5, 2, 2, 1], [1, 1]])
    features = [feat("commune", COMMUNE, [(0, 16)] * 4), feat("genre", GENRE, [(6, 10), (6, 10)])]
    m = manifest(title, {"name": "stratified", "feature": "commune", "allocation": {"kind": "largest_remainder"}},
                 16, 4, features, roll, recipe=hex_recipe("graine des invitations"), min_cell=1)
    return k.make_bundle(m, roll, hex_reveal(Det(label).hex(32)))


def chain_volunteers(previous: dict) -> list:
    """The honest stage's open records: one per invitee who answered (CHAIN_ANSWERED), in that
    order, with the invitee's genre and commune and a declared diplôme."""
    roll = {r["ticket"]: r for r in previous["pool"]}
    invitees = k.invitees_of(previous)
    out = []
    for n, pos in enumerate(CHAIN_ANSWERED):
        inv = roll[invitees[pos]]
        commune, genre = inv["values"]
        out.append(record(ticket("chain-panel", n), [genre, commune, DIPLOME[n % 3]], link=inv["ticket"]))
    return out


def stage_manifest(pool: list, open_pool: list, parent: dict | None, sealed_: bool = False,
                   title: str = "Panel tiré parmi les volontaires") -> dict:
    """The stage's lottery manifest over `pool`, its portfolio of 8 panels made from the values of
    `open_pool` (the same people, open)."""
    pf = lottery_portfolio(open_pool, STAGE_FEATURES, 4, False, 8, "chains/stage")
    return manifest(title, {"name": "lottery", "portfolio": pf}, 4, 2, STAGE_FEATURES, pool,
                    recipe=hex_recipe("graine du panel"), min_cell=5 if sealed_ else 1,
                    sealed_=True if sealed_ else None, parent=parent)


def other_value(values: list, v: str) -> str:
    return values[(values.index(v) + 1) % len(values)]


def gen_chains() -> dict:
    previous = chain_previous()
    parent = k.parent_json(previous, CHAIN_INHERITED)
    invitees = k.invitees_of(previous)
    roll = {r["ticket"]: r for r in previous["pool"]}
    volunteers = chain_volunteers(previous)
    honest = k.make_bundle(stage_manifest(volunteers, volunteers, parent), volunteers, STAGE_REVEAL)
    cases = []

    def add(name, bundle, expect, prev=None, prev_published=None, replacements=None):
        prev = previous if prev is None else prev
        pp = {"commitment": prev["commitment"]} if prev_published is None else prev_published
        published = {"commitment": bundle["commitment"]}
        out = k.verify_chain(prev, pp, bundle, published, replacements or [])
        exp = {"verdict": out["verdict"], "previous_failed_step": k.failed_step(out["previous"]),
               "failed_step": k.failed_step(out["report"]), "error_kind": out["report"]["error_kind"],
               "statuses": {s["id"]: s["status"] for s in out["report"]["steps"]}, "responses": out["responses"]}
        got = (exp["verdict"], exp["previous_failed_step"], exp["failed_step"], exp["error_kind"])
        assert got == expect, (name, got, out["report"]["error"])
        assert len(exp["statuses"]) == len(k.STEP_IDS)
        case = {"name": name, "previous": prev, "previous_published": pp, "bundle": bundle, "published": published,
                "replacements": replacements or [], "expect": exp}
        cases.append(case)
        return case

    honest_case = add("honest_open", honest, ("valid_if", None, None, None))

    # The stage sealed (4.1): the bundle opens the panel and the alternates; a replacement record
    # (the alternates declined, then a panel member dropped out) opens the candidates the rule reads.
    sealed_pool, private = seal_pool(volunteers)
    sealed_m = stage_manifest(sealed_pool, volunteers, parent, sealed_=True, title="Panel scellé tiré parmi les volontaires")
    sealed_b = k.make_bundle(sealed_m, sealed_pool, STAGE_REVEAL, private)
    record_ = None
    for t in sealed_b["result"]["selected"]:
        r = k.make_replacement_record(sealed_b, list(sealed_b["result"]["alternates"]) + [t], openings=private)
        if r["openings"]:
            record_ = r
            break
    assert record_ is not None
    sealed_case = add("honest_sealed", sealed_b, ("valid_if", None, None, None), replacements=[record_])

    other = chain_previous("Invitations, un autre tirage", "chains/other")
    assert other["commitment"] != previous["commitment"]
    add("previous_other_draw", honest, ("invalid", None, "parent", "ParentMismatch"), prev=other)
    broken = copy.deepcopy(previous)
    broken["seed"] = "00" * 32
    add("previous_fails", honest, ("invalid", "seed", "parent", "ParentMismatch"), prev=broken,
        prev_published={"commitment": previous["commitment"]})
    wrong = dict(parent, invitees=k.invitees_hash(previous["result"]["selected"]).hex())
    add("parent_invitees_wrong", k.make_bundle(stage_manifest(volunteers, volunteers, wrong), volunteers, STAGE_REVEAL),
        ("invalid", None, "parent", "ParentMismatch"))

    def stage(pool, unchecked=False, parent_=parent):
        m = stage_manifest(pool, [dict(r) for r in pool], parent_)
        return unchecked_bundle(m, pool, STAGE_REVEAL) if unchecked else k.make_bundle(m, pool, STAGE_REVEAL)

    # An invented volunteer without a link, as the sixth record.
    pool = copy.deepcopy(volunteers)
    pool.insert(5, record(ticket("chain-panel", 90), ["femme", COMMUNE[0], DIPLOME[1]]))
    add("link_missing", stage(pool, unchecked=True), ("invalid", None, "links", "LinkMissing"))
    # A second record for the invitee of the third record, with that invitee's values, as the seventh.
    pool = copy.deepcopy(volunteers)
    inv = roll[volunteers[2]["link"]]
    pool.insert(6, record(ticket("chain-panel", 91), [inv["values"][1], inv["values"][0], DIPLOME[2]], link=inv["ticket"]))
    add("duplicate_link", stage(pool, unchecked=True), ("invalid", None, "links", "DuplicateLink"))
    # A record linked to a person of the roll who was not invited, with that person's values, as the fifth.
    outsider = next(r for r in previous["pool"] if r["ticket"] not in invitees)
    pool = copy.deepcopy(volunteers)
    pool.insert(4, record(ticket("chain-panel", 92), [outsider["values"][1], outsider["values"][0], DIPLOME[0]],
                          link=outsider["ticket"]))
    add("not_invited", stage(pool), ("invalid", None, "links", "NotInvited"))
    # An open record whose commune is not its invitee's.
    pool = copy.deepcopy(volunteers)
    pool[3]["values"][1] = other_value(COMMUNE, pool[3]["values"][1])
    add("inherited_mismatch_open", stage(pool), ("invalid", None, "inherited", "InheritedMismatch"))
    # In the sealed stage, a panel member whose genre is not its invitee's: its seal, the portfolio
    # and the quotas follow its committed values. The first reveal that draws it.
    changed = copy.deepcopy(volunteers)
    j = 6
    changed[j]["values"][0] = other_value(GENRE, changed[j]["values"][0])
    spool, sprivate = seal_pool(changed)
    sm = stage_manifest(spool, changed, parent, sealed_=True, title="Panel scellé tiré parmi les volontaires")
    for i in itertools.count():
        rv = hex_reveal(Det(f"chains/sealed-mismatch/{i}").hex(32))
        b = k.make_bundle(sm, spool, rv, sprivate)
        if changed[j]["ticket"] in b["result"]["selected"]:
            break
    add("inherited_mismatch_sealed", b, ("invalid", None, "inherited", "InheritedMismatch"))
    # A pool whose manifest names no parent, and whose fourth record has a link.
    pool = copy.deepcopy(volunteers)
    for n, r in enumerate(pool):
        if n != 3:
            del r["link"]
    add("unlinked_with_link", stage(pool, unchecked=True, parent_=None), ("invalid", None, "links", "LinkMissing"))

    paths = gen_chain_paths(honest_case, sealed_case, private)
    out = header(
        "Linked stages (SPEC sections 5.3, 12.1, 12.5 and 13). " + CHAIN_RULE + ". " + SECRET_RULE + ". " + SALT_RULE
        + ". cases: a chain verified as in 12.5: `previous` (the previous stage's bundle) with its published facts "
        "`previous_published`, then `bundle` (the stage's bundle, section 14; null would mean no stage) with its "
        "published facts `published` and its replacement records `replacements`, the previous stage given. "
        "`expect`: the chain's `verdict` (valid, valid_if or invalid), `previous_failed_step` (the first failed step "
        "of the previous stage's own report, or null), `failed_step` and `error_kind` of the stage's report (null "
        "when no step failed), `statuses` (the status of each of the 15 steps of the stage's report, by step id: "
        "passed, failed, skipped or not_checked) and `responses` (5.3: for each inherited feature in the stage "
        "manifest's order and each of its values in the previous manifest's order, the invitees with that value and "
        "the stage's records linked to one of them; the last row, feature and value null, gives the number of "
        "invitees and the stage's pool_count; empty when a step failed). Cases: honest_open and honest_sealed (its "
        "replacement record opens candidates beyond the alternates, whose inherited values are checked too), "
        "previous_other_draw (another draw given as the previous stage), previous_fails (the previous stage's seed "
        "tampered), parent_invitees_wrong (parent.invitees hashes the selected tickets without the alternates), "
        "link_missing (an invented record without link), duplicate_link (two records with one link), not_invited "
        "(a link to a person of the roll who was not invited), inherited_mismatch_open (an open record's commune "
        "differs from its invitee's), inherited_mismatch_sealed (an opened panel member's genre differs from its "
        "invitee's), unlinked_with_link (a manifest without parent whose pool has a record with a link). paths "
        "(section 13, receipts across stages): `previous_receipt` (a receipt of the previous stage of the chain "
        "`case`, or null) and `receipt` (a receipt of its stage, or null); `expect`: `error_kind` (ReceiptMismatch "
        "when a receipt fails section 13's checks against its own stage, when the stage's record links to no invitee, "
        "or when the two receipts are not one person's: the stage's link is not the previous receipt's ticket; else "
        "null), `invited` ({place: selected or alternate, number: 1-based} from the previous receipt whose outcome "
        "is selected or alternate, else null), `answered` (the ticket of the stage's record that links to an invited "
        "previous receipt's ticket, else null) and `outcome` (the stage receipt's outcome: selected, alternate or "
        "not_selected; null without a stage receipt). `invited` and `answered` come from the previous receipt only, "
        "`outcome` from the stage's receipt only; all three are null when error_kind is set.")
    out.update({"cases": cases, "paths": paths})
    return out


def gen_chain_paths(open_case: dict, sealed_case: dict, sealed_private: list) -> list:
    paths = []

    def receipt(bundle, ticket_, openings=None):
        tickets = [r["ticket"] for r in bundle["pool"]]
        i = tickets.index(ticket_)
        return k.make_receipt(bundle, i, secret_of(ticket_), openings[i] if openings else None)

    def add(name, case, previous_receipt, receipt_, expect):
        out = k.check_path(case["previous"], case["bundle"], previous_receipt, receipt_)
        exp = {"error_kind": out["error_kind"], "invited": out["invited"], "answered": out["answered"],
               "outcome": out["outcome"]}
        assert (exp["error_kind"], exp["outcome"]) == expect, (name, out)
        paths.append({"name": name, "case": case["name"], "previous_receipt": previous_receipt, "receipt": receipt_,
                      "expect": exp})

    prev, stage = open_case["previous"], open_case["bundle"]
    links = {r["link"]: r["ticket"] for r in stage["pool"]}
    invitees = k.invitees_of(prev)
    chosen = stage["result"]["selected"][0]
    link = next(r["link"] for r in stage["pool"] if r["ticket"] == chosen)
    add("volunteer_selected_both_receipts", open_case, receipt(prev, link), receipt(stage, chosen), (None, "selected"))
    silent = next(t for t in invitees[::-1] if t not in links)
    add("invited_not_answered", open_case, receipt(prev, silent), None, (None, None))
    alternate = stage["result"]["alternates"][0]
    add("stage_receipt_alone", open_case, None, receipt(stage, alternate), (None, "alternate"))
    other = next(t for t in invitees if t in links and t != link)
    add("two_people", open_case, receipt(prev, other), receipt(stage, chosen), ("ReceiptMismatch", None))
    outsider = next(r["ticket"] for r in prev["pool"] if r["ticket"] not in invitees)
    add("roll_not_invited", open_case, receipt(prev, outsider), None, (None, None))
    sb = sealed_case["bundle"]
    quiet = next(r["ticket"] for r in sb["pool"] if r["ticket"] not in sb["result"]["selected"] + sb["result"]["alternates"])
    add("sealed_stage_receipt_alone", sealed_case, None, receipt(sb, quiet, sealed_private), (None, "not_selected"))
    quiet_link = next(r["link"] for r in sb["pool"] if r["ticket"] == quiet)
    add("sealed_both_receipts", sealed_case, receipt(prev, quiet_link), receipt(sb, quiet, sealed_private),
        (None, "not_selected"))
    return paths


def build_all() -> dict:
    seed = gen_seed()
    draws = gen_draws()
    return {
        "encoding.json": gen_encoding(),
        "merkle.json": gen_merkle(),
        "seed.json": seed,
        "stream.json": gen_stream(seed),
        "sampling.json": gen_sampling(),
        "draws.json": draws,
        "lottery.json": gen_lottery(),
        "verify.json": gen_verify(),
        "pools.json": gen_pools(),
        "receipts.json": gen_receipts(draws),
        "chains.json": gen_chains(),
        "maxent.json": gen_maxent(draws),
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
