"""The shared vectors of tests/vectors/*.json, reproduced byte for byte through Python."""

from __future__ import annotations

import json
from typing import Any

import pytest

import kleroterion as kl
from kleroterion import lowlevel as ll

from conftest import VECTORS


def load(name: str) -> Any:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def test_records() -> None:
    cases = load("encoding")["records"]
    assert cases
    for c in cases:
        assert ll.record_bytes(c["record"]).hex() == c["bytes"]
        assert ll.leaf_hash(c["record"]) == c["leaf"]


def test_manifests() -> None:
    for c in load("encoding")["manifests"]:
        assert ll.manifest_bytes(c["manifest"]).hex() == c["bytes"]
        assert ll.commitment(c["manifest"]) == c["commitment"]


def test_lottery_canon() -> None:
    for c in load("encoding")["lottery_canon"]:
        assert ll.canonical_numbers(c["numbers"]) == c["canonical"]


def test_invalid_texts() -> None:
    for c in load("encoding")["invalid_texts"]:
        with pytest.raises(kl.InvalidInput) as e:
            ll.check_text(c["text"], "name")
        assert e.value.kind == "InvalidText"
        if c["text"]:
            with pytest.raises(kl.InvalidInput):
                ll.check_text(c["text"], "free")


def test_merkle() -> None:
    for t in load("merkle")["trees"]:
        records = t["records"]
        assert ll.merkle_root(records) == t["root"]
        n = len(records)
        for i, (leaf, proof) in enumerate(zip(t["leaves"], t["proofs"])):
            assert ll.leaf_hash(records[i]) == leaf
            assert ll.merkle_proof(records, i) == proof
            assert ll.verify_inclusion(leaf, i, n, proof, t["root"])
            if n > 1:
                assert not ll.verify_inclusion(leaf, (i + 1) % n, n, proof, t["root"])


def test_seeds() -> None:
    for c in load("seed")["cases"]:
        assert ll.reveal_bytes(c["reveal"]).hex() == c["reveal_bytes"]
        assert ll.seed(c["commitment"], c["reveal"]) == c["seed"]
        assert ll.rfc3797_key(c["reveal"]) == c["rfc3797_key"]


def test_streams() -> None:
    for c in load("stream")["cases"]:
        key = ll.stream_key(c["seed"], c["purpose"], c["index"])
        assert key == c["key"]
        s = ll.Stream(key)
        assert [str(s.next_u64()) for _ in c["words64"]] == c["words64"]


def test_sampling() -> None:
    v = load("sampling")
    for c in v["uniform"]:
        s = ll.Stream(c["key"])
        n = int(c["n"])
        assert [str(s.uniform(n)) for _ in c["results"]] == c["results"]
        assert s.draws_consumed == c["words_consumed"]
    for c in v["sample"]:
        assert ll.Stream(c["key"]).sample(c["n"], c["k"]) == c["result"]


def _draw(c: dict[str, Any]) -> kl.Bundle:
    m = kl.Manifest.from_json(json.dumps(c["manifest"]), json.dumps(c["pool"]))
    return kl.draw(m, c["reveal"])


def test_full_draws() -> None:
    draws = load("draws")["draws"]
    assert len(draws) >= 5
    for c in draws:
        b = _draw(c)
        name = c["name"]
        assert b.manifest["pool"]["root"] == c["intermediate"]["pool_root"], name
        assert b.commitment == c["commitment"], name
        assert b.seed == c["seed"], name
        assert b.selected_tickets == c["selected"], name
        assert b.alternate_tickets == c["alternates"], name
        assert b.transcript == c["transcript"], name
        report = kl.verify(b)
        assert report, (name, report.error)
        # Through JSON and back, the bytes are the same.
        assert bool(kl.verify(b.to_json()))
        assert kl.Bundle.from_json(b.to_json()).transcript == c["transcript"]


def test_draw_failures() -> None:
    for c in load("draws")["failures"]:
        with pytest.raises(kl.DrawFailed) as e:
            _draw(c)
        assert e.value.kind == c["error"]


def test_replacements() -> None:
    v = load("draws")
    draws = {d["name"]: d for d in v["draws"]}
    for c in v["replacements"]:
        b = _draw(draws[c["draw"]])
        r = kl.replace(b, c["dropped"])
        assert list(r.replacements.values()) == c["replacements"], c["draw"]
        assert r.panel == c["panel"], c["draw"]
        assert r.hash == c["hash"], c["draw"]
