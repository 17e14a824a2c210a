"""The shared vectors of tests/vectors/*.json, reproduced byte for byte through Python.

Every loop goes through `cases`, which fails on an empty list, so that a vector file that lost
its cases cannot pass silently."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Optional

import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import lowlevel as ll
from kleroterion import randomness as rnd

from conftest import VECTORS

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def load(name: str) -> Any:
    path = VECTORS / f"{name}.json"
    v = json.loads(path.read_text(encoding="utf-8"))
    assert v["spec"] == kl.SPEC_VERSION, f"{path} is not a vector file of {kl.SPEC_VERSION}"
    return v


def cases(v: Any, key: str) -> list[Any]:
    """The cases of a list, which must not be empty."""
    items = v[key]
    assert isinstance(items, list) and items, f"the list {key!r} is empty"
    return items


def tagged_hash(tag: str, message: bytes) -> str:
    """``H(tag, m)`` of SPEC.md section 2, written here from the text of the specification."""
    label = f"{kl.SPEC_VERSION}/{tag}".encode()
    return hashlib.sha256(len(label).to_bytes(4, "big") + label + message).hexdigest()


def test_records() -> None:
    sealed = 0
    for c in cases(load("encoding"), "records"):
        assert ll.record_bytes(c["record"]).hex() == c["bytes"]
        assert ll.leaf_hash(c["record"]) == c["leaf"]
        if "seal" not in c["record"]:
            assert "opening" not in c, c["record"]["ticket"]
            continue
        # A sealed record (SPEC.md section 4.1): its opening hashes to its seal, through the
        # core and through the seal's bytes as the vector gives them.
        sealed += 1
        opening = c["opening"]
        assert c["record"]["values"] == [] and opening["ticket"] == c["record"]["ticket"]
        assert ll.seal(opening) == c["seal"] == c["record"]["seal"]
        assert tagged_hash("seal", bytes.fromhex(c["seal_bytes"])) == c["seal"]
        # One more value, or another salt, opens another seal.
        assert ll.seal(dict(opening, values=[*opening["values"], "x"])) != c["seal"]
        other_salt = "22" * 32 if opening["salt"] == "11" * 32 else "11" * 32
        assert ll.seal(dict(opening, salt=other_salt)) != c["seal"]
    assert sealed, "encoding.json has no sealed record"


def test_pools_household_tags_and_the_disclosure_floor() -> None:
    for c in cases(load("pools"), "cases"):
        records = kl._native.Records.from_json(json.dumps(c["pool"]))
        manifest = json.dumps(c["manifest"])
        if c["error"] is None:
            kl._native.check_committed_pool(manifest, records)
        else:
            with pytest.raises(kl.KleroterionError) as e:
                kl._native.check_committed_pool(manifest, records)
            assert e.value.kind == c["error"], (c["name"], str(e.value))


def test_receipts_only_their_holder_can_present() -> None:
    v = load("receipts")
    bundles = {b["name"]: kl.Bundle.from_json(json.dumps(b["bundle"])) for b in cases(v, "bundles")}
    for c in cases(v, "cases"):
        receipt = kl.Receipt.from_json(json.dumps(c["receipt"]))
        bundle = bundles[c["bundle"]]
        if not c["matches"]:
            with pytest.raises(kl.KleroterionError) as e:
                receipt.check(bundle)
            assert e.value.kind == c["error_kind"], (c["name"], str(e.value))
            continue
        answer = receipt.check(bundle)
        opening = c["receipt"].get("opening")
        if opening is not None:
            # A sealed record: the values shown are those of the receipt's opening.
            assert receipt.opening == opening and receipt.values == opening["values"], c["name"]
            assert list(answer.features.values()) == opening["values"], c["name"]
        else:
            assert receipt.opening is None and receipt.values == c["receipt"]["record"]["values"], c["name"]
        assert answer.outcome.replace("_", " ") == c["outcome"], c["name"]
        assert answer.position == (c["position"] or c["number"]), c["name"]
        assert (answer.verdict != "invalid") == c["established"], c["name"]


def test_manifests() -> None:
    for c in cases(load("encoding"), "manifests"):
        assert ll.manifest_bytes(c["manifest"]).hex() == c["bytes"]
        assert ll.commitment(c["manifest"]) == c["commitment"]
        kl._native.validate_manifest(json.dumps(c["manifest"]))


def test_invalid_manifests() -> None:
    for c in cases(load("encoding"), "invalid_manifests"):
        with pytest.raises(kl.KleroterionError) as e:
            kl._native.validate_manifest(json.dumps(c["manifest"]))
        assert e.value.kind == c["error"], (c["what"], str(e.value))


def test_lottery_values() -> None:
    for c in cases(load("encoding"), "lottery_values"):
        reveal = {"sources": [c["value"]]}
        ll.check_reveal(reveal)
        # list(val, [s]) is u32(1) || val(s).
        b = ll.reveal_bytes(reveal)
        assert b[:4] == b"\0\0\0\1"
        assert b[4:].hex() == c["bytes"], c["value"]
        assert ll.rfc3797_key(reveal) == c["rfc3797"] + "/"
        # The same value built with the helper, numbers as given.
        v = c["value"]
        assert rnd.lottery(v["lottery"], v["main"], v.get("bonus", [])) == dict(v, bonus=v.get("bonus", []))


def test_invalid_texts() -> None:
    for c in cases(load("encoding"), "invalid_texts"):
        for kind in ("ticket", "name", "free"):
            if not c["text"] and kind == "free":
                ll.check_text(c["text"], kind)  # the empty text is a valid free text
                continue
            with pytest.raises(kl.InvalidInput) as e:
                ll.check_text(c["text"], kind)
            assert e.value.kind == "InvalidText", c["reason"]
            # The message shows the text escaped.
            assert not UNSAFE.search(str(e.value)), repr(str(e.value))


def test_valid_texts() -> None:
    for c in cases(load("encoding"), "valid_texts"):
        for kind in ("ticket", "name", "free"):
            ll.check_text(c["text"], kind)


def test_merkle() -> None:
    for t in cases(load("merkle"), "trees"):
        records = t["records"]
        assert ll.merkle_root(records) == t["root"]
        n = len(records)
        assert len(cases(t, "leaves")) == len(cases(t, "proofs")) == n
        for i, (leaf, proof) in enumerate(zip(t["leaves"], t["proofs"])):
            assert ll.leaf_hash(records[i]) == leaf
            assert ll.merkle_proof(records, i) == proof
            assert ll.verify_inclusion(leaf, i, n, proof, t["root"])
            if n > 1:
                assert not ll.verify_inclusion(leaf, (i + 1) % n, n, proof, t["root"])


def test_seeds() -> None:
    for c in cases(load("seed"), "cases"):
        assert ll.reveal_bytes(c["reveal"]).hex() == c["reveal_bytes"]
        assert ll.seed(c["commitment"], c["reveal"]) == c["seed"]
        assert ll.rfc3797_key(c["reveal"]) == c["rfc3797_key"]


def test_streams() -> None:
    for c in cases(load("stream"), "cases"):
        key = ll.stream_key(c["seed"], c["purpose"], c["index"])
        assert key == c["key"]
        s = ll.Stream(key)
        assert [str(s.next_u64()) for _ in cases(c, "words64")] == c["words64"]


def test_sampling() -> None:
    v = load("sampling")
    for c in cases(v, "uniform"):
        s = ll.Stream(c["key"])
        n = int(c["n"])
        assert [str(s.uniform(n)) for _ in cases(c, "results")] == c["results"]
        assert s.draws_consumed == c["words_consumed"]
    for c in cases(v, "sample"):
        assert ll.Stream(c["key"]).sample(c["n"], c["k"]) == c["result"]


def _draw(c: dict[str, Any]) -> kl.Bundle:
    """The draw of a vector; a sealed one by the organiser's path, with every record's opening."""
    m = kl.Manifest.from_json(json.dumps(c["manifest"]), json.dumps(c["pool"]))
    if "private_openings" in c:
        return kl.draw(m, c["reveal"], openings=c["private_openings"])
    return kl.draw(m, c["reveal"])


def test_full_draws() -> None:
    draws = cases(load("draws"), "draws")
    assert len(draws) >= 5
    assert any(c["manifest"].get("sealed") for c in draws), "draws.json has no sealed draw"
    assert any(c["manifest"]["method"]["name"] == "maxent" for c in draws), "draws.json has no maxent draw"
    for c in draws:
        b = _draw(c)
        name = c["name"]
        assert b.sealed == bool(c["manifest"].get("sealed")), name
        assert b.openings == c.get("openings", []), name
        assert b.manifest["pool"]["root"] == c["intermediate"]["pool_root"], name
        assert b.commitment == c["commitment"], name
        assert b.seed == c["seed"], name
        assert b.selected_tickets == c["selected"], name
        assert b.alternate_tickets == c["alternates"], name
        assert b.transcript == c["transcript"], name
        # The rejections of a maxent draw (SPEC.md section 9.6) are in the result, and only there.
        assert b.rejections == c.get("rejections"), name
        assert ("rejections" in c) == (c["manifest"]["method"]["name"] == "maxent"), name
        assert json.loads(b.to_json())["result"].get("rejections") == c.get("rejections"), name
        if c["intermediate"].get("rfc3797_key") is not None:
            assert ll.rfc3797_key(c["reveal"]) == c["intermediate"]["rfc3797_key"], name
        report = kl.verify(b)
        assert report.valid, (name, report.error)
        with_commitment = kl.verify(b, commitment=c["commitment"])
        assert with_commitment.valid and "commitment" not in [x.subject for x in with_commitment.by_hand], name
        # Through JSON and back, the bytes are the same.
        assert kl.verify(b.to_json(), commitment=c["commitment"]).valid
        assert kl.Bundle.from_json(b.to_json()).transcript == c["transcript"]


def test_draw_failures() -> None:
    for c in cases(load("draws"), "failures"):
        with pytest.raises(kl.KleroterionError) as e:
            _draw(c)
        assert e.value.kind == c["error"], c["name"]


def test_replacements() -> None:
    v = load("draws")
    draws = {d["name"]: d for d in cases(v, "draws")}
    needed = 0
    for c in cases(v, "replacements"):
        d = draws[c["draw"]]
        b = _draw(d)
        if "private_openings" in d:
            if c["openings"]:
                # The rule reads values the bundle does not open: without the organiser's
                # openings, the replacement is refused and the message says what to give.
                needed += 1
                with pytest.raises(kl.InvalidInput) as e:
                    kl.replace(b, c["dropped"])
                assert e.value.kind == "OpeningMismatch" and "openings=" in str(e.value), str(e.value)
            r = kl.replace(b, c["dropped"], openings=d["private_openings"])
        else:
            r = kl.replace(b, c["dropped"])
        assert r.openings == c.get("openings", []), c["draw"]
        assert list(r.replacements.values()) == c["replacements"], c["draw"]
        assert r.panel == c["panel"], c["draw"]
        assert r.broken_quotas == c["broken_quotas"], c["draw"]
        assert r.hash == c["hash"], c["draw"]
        # The record verifies with its draw.
        report = kl.verify(b, replacements=[r])
        assert report.valid, (c["draw"], report.error)
    assert needed, "draws.json has no sealed replacement that needs the organiser's openings"


# ------------------------------------------------------------------------------------------
# lottery.json


def test_lottery_registry() -> None:
    ours = {e["id"]: e for e in rnd.lottery_registry()}
    entries = cases(load("lottery"), "registry")
    assert sorted(ours) == sorted(e["id"] for e in entries)
    for e in entries:
        mine = ours[e["id"]]
        assert (mine["since"], mine["zone"], mine["format"]) == (e["since"], e["zone"], e["format"]), e["id"]
        assert mine["result_page"] == e.get("results", e.get("result_page")), e["id"]
        if isinstance(e.get("draws"), dict):
            assert {d["day"].lower(): d["time"] for d in mine["draws"]} == e["draws"], e["id"]


def test_lottery_draw_instants() -> None:
    for c in cases(load("lottery"), "draws"):
        source = rnd.lottery_source(c["lottery"], c["date"])
        assert rnd.source_time(source) == c["utc"], c


def test_lottery_refused_dates() -> None:
    for c in cases(load("lottery"), "refused_dates"):
        with pytest.raises(kl.InvalidInput) as e:
            ll.check_recipe(rnd.recipe(c["source"]))
        assert e.value.kind == c["error"], (c["source"], c["reason"])


def test_lottery_numbers() -> None:
    for c in cases(load("lottery"), "numbers"):
        recipe = ll.check_recipe(rnd.recipe(c["source"]))
        reveal = rnd.reveal(c["value"])
        want: Optional[str] = c["error"]
        if want is None:
            assert len(ll.check_reveal(reveal, recipe)) == 1
            continue
        with pytest.raises(kl.InvalidRandomness) as e:
            ll.check_reveal(reveal, recipe)
        assert e.value.kind == want, (c["value"], c["reason"])


# ------------------------------------------------------------------------------------------
# verify.json


def test_verification_reports() -> None:
    v = load("verify")
    differences = []
    for c in cases(v, "cases"):
        name = c["name"]
        text = c["bundle_text"] if "bundle_text" in c else json.dumps(c["bundle"], ensure_ascii=False)
        published = c["published"]
        report = kl.verify(
            text,
            commitment=published.get("commitment"),
            lotteries=published.get("lotteries"),
            replacements=[json.dumps(r) for r in c["replacements"]],
        )
        failed = report.failed_step
        ours = {
            "verdict": report.verdict,
            "valid": report.valid,
            "purpose": report.purpose,
            "steps": [{"id": s.id, "status": s.status} for s in report.steps],
            "failed_step": None if failed is None else failed.id,
            "error_kind": report.error_kind,
            "by_hand": [b.subject for b in report.by_hand],
        }
        for key, value in ours.items():
            if value != c[key]:
                differences.append(f"{name}: {key} is {value!r}, the vector says {c[key]!r} ({report.error})")
        # What is shown: the headline first, never a bare VALID with items left, every text
        # from the bundle escaped.
        shown = str(report)
        assert shown.splitlines()[0].startswith(report.headline), name
        assert report.headline != "VALID" or not report.by_hand, name
        for out in (shown, report._repr_html_()):
            assert not UNSAFE.search(out), (name, out)
        if report.purpose in ("rehearsal", "replay") and report.valid:
            assert shown.splitlines()[1].startswith(report.purpose.upper()), name
    assert not differences, "\n".join(differences)


# ------------------------------------------------------------------------------------------
# chains.json


def chains() -> Any:
    """tests/vectors/chains.json, or a skip while it has not been generated."""
    if not (VECTORS / "chains.json").exists():
        pytest.skip(f"{VECTORS / 'chains.json'} does not exist yet: the linked-stage vectors are not generated")
    return load("chains")


def _bundle_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def test_chains() -> None:
    differences = []
    for c in cases(chains(), "cases"):
        name, previous_published, published = c["name"], c["previous_published"], c["published"]
        chain = kl.verify_chain(
            _bundle_text(c["bundle"]),
            _bundle_text(c["previous"]),
            commitment=published.get("commitment"),
            lotteries=published.get("lotteries"),
            replacements=[json.dumps(r) for r in c["replacements"]],
            previous_commitment=previous_published.get("commitment"),
            previous_lotteries=previous_published.get("lotteries"),
        )
        previous_failed, failed = chain.previous.failed_step, chain.report.failed_step
        ours = {
            "verdict": chain.verdict,
            "previous_failed_step": None if previous_failed is None else previous_failed.id,
            "failed_step": None if failed is None else failed.id,
            "error_kind": chain.report.error_kind,
            "statuses": {s.id: s.status for s in chain.report.steps},
            "responses": [
                {"feature": None if pd.isna(f) else f, "value": None if pd.isna(v) else v, "invited": int(i),
                 "volunteered": int(n)}
                for f, v, i, n in chain.responses[["feature", "value", "invited", "volunteered"]].itertuples(index=False)
            ],
        }
        for key, want in c["expect"].items():
            if ours.get(key) != want:
                differences.append(f"{name}: {key} is {ours.get(key)!r}, the vector says {want!r} ({chain.error})")
        assert chain.valid == (chain.verdict != "invalid"), name
        for out in (str(chain), chain._repr_html_()):
            assert not UNSAFE.search(out), name
    assert not differences, "\n".join(differences)


def test_chain_paths() -> None:
    v = chains()
    by_name = {c["name"]: c for c in cases(v, "cases")}
    differences = []
    for p in cases(v, "paths"):
        c = by_name[p["case"]]
        previous = kl.Bundle.from_json(_bundle_text(c["previous"]))
        bundle = kl.Bundle.from_json(_bundle_text(c["bundle"]))
        ours: dict[str, Any] = {"error_kind": None, "invited": None, "answered": None, "outcome": None}
        try:
            path = kl.check_path(previous, bundle, p["previous_receipt"], p["receipt"])
        except kl.VerificationFailed as e:
            ours["error_kind"] = e.kind
        else:
            ours["invited"] = None if path.invited is None else {"place": path.invited.place, "number": path.invited.number}
            ours["answered"] = path.answered
            ours["outcome"] = path.outcome
            if p["receipt"] is not None:
                assert path.current is not None and path.current.ticket == p["receipt"]["record"]["ticket"], p["name"]
        for key, want in p["expect"].items():
            if ours.get(key) != want:
                differences.append(f"{p['name']}: {key} is {ours.get(key)!r}, the vector says {want!r}")
    assert not differences, "\n".join(differences)


def test_the_draw_pick_by_pick() -> None:
    """The record of picks (SPEC.md section 10.3) is the reference implementation's, and its
    people are the published panel then the alternates (for a portfolio: one panel pick)."""
    fields = ["stream", "index", "value", "rejected", "among", "position"]
    for c in cases(load("draws"), "draws"):
        name = c["name"]
        picks = _draw(c).picks()
        assert picks.attrs["seed"] == c["seed"], name
        assert picks[fields].to_dict("records") == c["intermediate"]["picks"], name
        people = picks[picks["kind"] == "person"]["ticket"].tolist()
        method = c["manifest"]["method"]["name"]
        if method == "lottery":
            assert picks.iloc[0]["kind"] == "panel" and picks.iloc[0]["picked"] == c["intermediate"]["lottery_index"], name
            assert people == c["alternates"], name
        elif method == "maxent":
            # One pick per 64-bit draw of each attempt's big integer, designating the attempt;
            # the last attempt is the accepted one, after `rejections` rejected panels.
            attempts = picks[picks["stream"] == "panel"]
            assert (attempts["kind"] == "attempt").all(), name
            assert attempts["picked"].tolist() == attempts["index"].tolist(), name
            assert all(t is None for t in attempts["ticket"]), name
            assert sorted(set(attempts["picked"])) == list(range(c["rejections"] + 1)), name
            assert people == c["alternates"], name
        elif method != "greedy":
            assert people == c["selected"] + c["alternates"], name


# ------------------------------------------------------------------------------------------
# maxent.json


def test_maxent_counts() -> None:
    """The count a verifier redoes (SPEC.md section 9.6): the types, the cells and Z of each
    count of maxent.json, and of each maxent draw and failure of draws.json."""
    counts = cases(load("maxent"), "counts")
    for c in counts:
        ours = ll.maxent_count(c["manifest"], c["pool"])
        assert ours["types"] == c["types"], c["name"]
        assert ours["cells"] == c["cells"], c["name"]
        assert ours["total"] == int(c["total"]), c["name"]
    v = load("draws")
    drawn = [c for c in cases(v, "draws") + cases(v, "failures") if c["manifest"]["method"]["name"] == "maxent"]
    assert drawn, "draws.json has no maxent draw"
    for c in drawn:
        ours = ll.maxent_count(c["manifest"], c["pool"])
        if "cells" in c.get("intermediate", {}):
            assert ours["cells"] == c["intermediate"]["cells"], c["name"]
            assert ours["total"] == int(c["intermediate"]["total"]), c["name"]
        named = [n for n in counts if n["name"] == c["name"]]
        for n in named:
            assert (ours["cells"], ours["total"]) == (n["cells"], int(n["total"])), c["name"]


def test_maxent_count_only_for_maxent() -> None:
    c = next(c for c in cases(load("draws"), "draws") if c["manifest"]["method"]["name"] != "maxent")
    with pytest.raises(kl.InvalidInput) as e:
        ll.maxent_count(c["manifest"], c["pool"])
    assert "maxent" in str(e.value), str(e.value)
