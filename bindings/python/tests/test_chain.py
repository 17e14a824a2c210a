"""Linked stages through the package (SPEC.md sections 5.3, 12.5 and 13): a roll drawn by
commune (stage 1, stratified), then a panel drawn among the invitees who answered (stage 2, a
lottery linked to stage 1), verified as a chain with its response rates, which are recounted
here from the two bundles' JSON; attacks that fail at their named step; one person's path
through both stages from their receipts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import lowlevel as ll
from kleroterion import randomness as rnd

COMMUNES = ["Montpellier", "Lattes", "Castelnau"]
DIPLOMAS = ["none", "bac", "licence"]
INHERITED = ["commune", "gender"]
STEPS = [
    "format", "manifest", "pool", "parent", "links", "portfolio", "randomness", "time_order", "seed", "draw",
    "openings", "quotas", "transcript", "replacements", "inherited",
]


def roll() -> pd.DataFrame:
    """The electoral roll: 60 people, ten of each commune and gender."""
    ids = range(1000, 1060)
    return pd.DataFrame({
        "id": list(ids),
        "commune": [COMMUNES[i % 3] for i in range(60)],
        "gender": ["f" if (i // 3) % 2 == 0 else "m" for i in range(60)],
    })


def stage1_quotas() -> kl.Quotas:
    return kl.Quotas.from_dataframe(pd.DataFrame({
        "feature": ["commune"] * 3 + ["gender"] * 2, "value": [*COMMUNES, "f", "m"],
        "min": [0] * 5, "max": [16] * 5,
    }))


def stage2_quotas() -> kl.Quotas:
    # gender first: the stage's feature order need not be the previous stage's.
    return kl.Quotas.from_dataframe(pd.DataFrame({
        "feature": ["gender"] * 2 + ["commune"] * 3 + ["diploma"] * 3,
        "value": ["f", "m", *COMMUNES, *DIPLOMAS],
        "min": [1, 1, 0, 0, 0, 0, 0, 0], "max": [3, 3, 4, 4, 4, 4, 4, 4],
    }))


class Chain(NamedTuple):
    roll: pd.DataFrame
    m1: kl.Manifest
    b1: kl.Bundle
    volunteers: pd.DataFrame
    m2: kl.Manifest
    b2: kl.Bundle


def commit_stage1() -> kl.Manifest:
    return kl.commit(kl.Pool.from_dataframe(roll()), stage1_quotas(), 16, method="stratified", strata="commune",
                     alternates=4, ticket_key="11" * 16, randomness=rnd.recipe(rnd.hex_source("stage 1")),
                     progress=False)


def volunteers_of(b1: kl.Bundle) -> pd.DataFrame:
    """The invitees who answered (14 of 20, selected and alternates), with their roll values and
    a declared diploma."""
    invited = [*b1.selected.index, *b1.alternates.index]
    answered = [*invited[::2], *invited[1:8:2]]
    frame = roll().set_index("id").loc[answered].reset_index()
    frame["diploma"] = [DIPLOMAS[i % 3] for i in range(len(frame))]
    return frame


def commit_stage2(volunteers: pd.DataFrame, **linked: Any) -> kl.Manifest:
    return kl.commit(kl.Pool.from_dataframe(volunteers), stage2_quotas(), 4, method="lottery", alternates=2,
                     panels=200, ticket_key="22" * 16, randomness=rnd.recipe(rnd.hex_source("stage 2")),
                     progress=False, allow_small_cells=1, **linked)


@pytest.fixture(scope="module")
def chain() -> Chain:
    m1 = commit_stage1()
    b1 = kl.draw(m1, rnd.reveal(rnd.hex_value("c0ffee")))
    volunteers = volunteers_of(b1)
    m2 = commit_stage2(volunteers, previous=b1, inherit=INHERITED)
    b2 = kl.draw(m2, rnd.reveal(rnd.hex_value("beef")))
    return Chain(roll(), m1, b1, volunteers, m2, b2)


def recount(previous: dict[str, Any], stage: dict[str, Any]) -> list[dict[str, Any]]:
    """The response rates of SPEC.md section 5.3, counted here from the bundles' JSON: for each
    feature of the previous stage and each of its values, in its manifest's order, the invitees
    with that value (their previous record's, or in a sealed previous stage its opening's) and
    the stage's records linked to one of them; then the totals."""
    invitees = [*previous["result"]["selected"], *previous["result"]["alternates"]]
    values = {r["ticket"]: r["values"] for r in previous["pool"]}
    values.update({o["ticket"]: o["values"] for o in previous.get("openings", [])})
    links = [r["link"] for r in stage["pool"]]
    rows = []
    for at, f in enumerate(previous["manifest"]["features"]):
        for v in f["values"]:
            having = {t for t in invitees if values[t][at] == v["value"]}
            rows.append({"feature": f["name"], "value": v["value"], "invited": len(having),
                         "volunteered": sum(link in having for link in links)})
    rows.append({"feature": None, "value": None, "invited": len(invitees), "volunteered": len(stage["pool"])})
    return rows


def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {"feature": None if pd.isna(f) else f, "value": None if pd.isna(v) else v, "invited": int(i),
         "volunteered": int(n)}
        for f, v, i, n in frame[["feature", "value", "invited", "volunteered"]].itertuples(index=False)
    ]


def statuses(report: kl.Report) -> dict[str, str]:
    return {s.id: s.status for s in report.steps}


# ------------------------------------------------------------------------------------------
# The honest chain


def test_the_honest_chain_verifies_with_its_response_rates(chain: Chain) -> None:
    c = kl.verify_chain(chain.b2, chain.b1, commitment=chain.m2.commitment, previous_commitment=chain.m1.commitment)
    assert isinstance(c, kl.ChainReport)
    assert c.valid and bool(c) and c.verdict == "valid_if" and c.raise_for_status() is c
    assert c.error is None and c.error_kind is None and c.failed is None
    for report in (c.previous, c.report):
        assert isinstance(report, kl.Report) and report.valid and [s.id for s in report.steps] == STEPS
    assert statuses(c.previous)["parent"] == "skipped" and statuses(c.previous)["links"] == "skipped"
    for step in ("parent", "links", "inherited", "portfolio"):
        assert statuses(c.report)[step] == "passed", step
    # Nothing is left to compare by hand about the previous stage: it was given.
    assert "previous" not in [b.subject for b in c.report.by_hand]
    assert c.by_hand == len(c.previous.by_hand) + len(c.report.by_hand) > 0

    # The response rates, recounted here from the two bundles' JSON.
    frame = c.responses
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["feature", "value", "invited", "volunteered", "rate"]
    expected = recount(json.loads(chain.b1.to_json()), json.loads(chain.b2.to_json()))
    assert rows_of(frame) == expected
    # Every feature of the previous stage, in its order (not the stage's, which puts gender first).
    assert [r["feature"] for r in expected[:-1]] == ["commune"] * 3 + ["gender"] * 2
    assert expected[-1] == {"feature": None, "value": None, "invited": 20, "volunteered": 14}
    # The rate as the core writes it: per mille rounded half up, one decimal.
    for row, rate in zip(expected, frame["rate"]):
        per_mille = (row["volunteered"] * 1000 + row["invited"] // 2) // row["invited"]
        assert rate == f"{per_mille // 10}.{per_mille % 10}%"
    assert frame["rate"].iloc[-1] == "70.0%"

    # The JSON of SPEC.md section 12.5.
    data = json.loads(c.to_json())
    assert set(data) == {"verdict", "valid", "previous", "report", "responses"}
    assert data["responses"] == expected


def test_the_chain_from_texts_and_files_gives_the_same_report(chain: Chain, tmp_path: Path) -> None:
    c = kl.verify_chain(chain.b2, chain.b1, commitment=chain.m2.commitment, previous_commitment=chain.m1.commitment)
    chain.b1.write(tmp_path / "stage1.json")
    (tmp_path / "commitment1.txt").write_text(chain.m1.commitment + "\n", encoding="utf-8")
    from_files = kl.verify_chain(chain.b2.to_json(), tmp_path / "stage1.json", commitment=chain.m2.commitment,
                                 previous_commitment=tmp_path / "commitment1.txt")
    assert from_files.to_json() == c.to_json()
    assert rows_of(from_files.responses) == rows_of(c.responses)


def test_the_stage_alone_leaves_the_chain_to_compare_by_hand(chain: Chain) -> None:
    report = kl.verify(chain.b2, commitment=chain.m2.commitment)
    assert report.valid and report.verdict == "valid_if"
    assert statuses(report)["parent"] == "skipped" and statuses(report)["inherited"] == "skipped"
    assert statuses(report)["links"] == "passed"  # each record has a link of its own
    item = report.by_hand[-1]
    assert item.subject == "previous"
    assert "".join(item.value.split()) == chain.m1.commitment


def test_the_linked_commit_names_its_parent_and_links_everyone(chain: Chain) -> None:
    m1, b1, m2, b2 = chain.m1, chain.b1, chain.m2, chain.b2
    parent = m2.parent
    assert isinstance(parent, kl.Parent)
    assert parent == b2.parent
    assert parent.commitment == m1.commitment and parent.inherited == INHERITED
    invitees = [*b1.selected_tickets, *b1.alternate_tickets]
    assert m1.parent is None and b1.parent is None
    # Each person's link is the ticket that invited them, found by id in stage 1's ticket map.
    assert m1.tickets is not None and m2.tickets is not None
    for person in chain.volunteers["id"]:
        assert m2.receipts[person].link == m1.tickets[person]
        assert m1.receipts[person].link is None
    links = m2.records.links()
    assert all(link in invitees for link in links) and len(set(links)) == len(links) == 14
    # The bundle's frames put the link beside the ticket.
    panel = b2.selected
    assert list(panel.columns[:2]) == ["ticket", "link"]
    assert [m1.tickets[i] for i in panel.index] == list(panel["link"])
    alone = kl.Bundle.from_json(b2.to_json()).selected
    assert list(alone.columns[:2]) == ["ticket", "link"] and list(alone["link"]) == list(panel["link"])
    assert "link" not in b1.selected.columns
    assert "previous stage" in m2._repr_html_() and "verify_chain" in b2._repr_html_()
    assert json.loads(b2.to_json())["manifest"]["parent"]["invitees"] == parent.invitees


def test_a_linked_commit_from_the_commit_folders(chain: Chain, tmp_path: Path) -> None:
    paths = chain.m1.write(tmp_path / "stage1")
    chain.b1.write(tmp_path / "stage1.json")
    # The same inputs and ticket key give the same commitment, from files or in the session.
    from_files = commit_stage2(chain.volunteers, previous=tmp_path / "stage1.json", previous_tickets=paths.tickets,
                               inherit=INHERITED)
    assert from_files.commitment == chain.m2.commitment
    loaded = kl.Manifest.load(tmp_path / "stage1")
    from_manifest = commit_stage2(chain.volunteers, previous=chain.b1, previous_tickets=loaded, inherit=INHERITED)
    assert from_manifest.commitment == chain.m2.commitment
    # The previous stage's files are inputs: a commit folder may not replace them.
    with pytest.raises(kl.InvalidInput) as e:
        from_files.write(tmp_path / "stage1.json")
    assert e.value.kind == "OutputIsInput"


def test_a_linked_commit_refuses_who_was_not_invited(chain: Chain) -> None:
    invited = {*chain.b1.selected.index, *chain.b1.alternates.index}
    outsider = next(i for i in chain.roll["id"] if i not in invited)
    extra = chain.roll.set_index("id").loc[[outsider]].reset_index().assign(diploma="bac")
    with pytest.raises(kl.InvalidInput) as e:
        commit_stage2(pd.concat([chain.volunteers, extra]), previous=chain.b1, inherit=INHERITED)
    assert f'"{outsider}"' in str(e.value) and "was not invited" in str(e.value)
    # An inherited value that differs from the roll's.
    changed = chain.volunteers.copy()
    changed.loc[0, "gender"] = "m" if changed.loc[0, "gender"] == "f" else "f"
    with pytest.raises(kl.InvalidInput) as e2:
        commit_stage2(changed, previous=chain.b1, inherit=INHERITED)
    assert "gender" in str(e2.value) and "previous stage invited" in str(e2.value)
    # ...which the volunteers may declare when the feature is not inherited.
    declared = commit_stage2(changed, previous=chain.b1, inherit=["commune"])
    parent = declared.parent
    assert parent is not None and parent.inherited == ["commune"]


def test_a_linked_commit_misused() -> None:
    m1 = commit_stage1()
    b1 = kl.draw(m1, rnd.reveal(rnd.hex_value("c0ffee")))
    volunteers = volunteers_of(b1)
    with pytest.raises(kl.InvalidInput) as e:
        commit_stage2(volunteers, inherit=INHERITED)
    assert "previous=" in str(e.value)
    with pytest.raises(kl.InvalidInput) as e2:
        commit_stage2(volunteers, previous=kl.Bundle.from_json(b1.to_json()), inherit=INHERITED)
    assert "previous_tickets" in str(e2.value)
    other = kl.commit(kl.Pool.from_dataframe(roll()), stage1_quotas(), 16, method="stratified", strata="commune",
                      alternates=4, ticket_key="33" * 16, progress=False)
    with pytest.raises(kl.InvalidInput) as e3:
        commit_stage2(volunteers, previous=b1, previous_tickets=other, inherit=INHERITED)
    assert e3.value.kind == "TicketMapMismatch"
    with pytest.raises(kl.InvalidInput) as e4:
        commit_stage2(volunteers, previous=b1, inherit=["diploma"])
    assert "diploma" in str(e4.value) and "not a feature of the previous stage" in str(e4.value)
    with pytest.raises(kl.InvalidInput):
        commit_stage2(volunteers, previous=b1, inherit=[1])


def test_a_sealed_linked_stage_checks_the_opened_values() -> None:
    m1 = commit_stage1()
    b1 = kl.draw(m1, rnd.reveal(rnd.hex_value("c0ffee")))
    m2 = commit_stage2(volunteers_of(b1), previous=b1, inherit=INHERITED, sealed=True)
    b2 = kl.draw(m2, rnd.reveal(rnd.hex_value("beef")))
    c = kl.verify_chain(b2, b1, commitment=m2.commitment, previous_commitment=m1.commitment)
    assert c.valid, str(c)
    assert statuses(c.report)["openings"] == "passed" and statuses(c.report)["inherited"] == "passed"
    assert rows_of(c.responses) == recount(json.loads(b1.to_json()), json.loads(b2.to_json()))


# ------------------------------------------------------------------------------------------
# Attacks, each failing at its named step


def test_the_stage_verified_with_another_previous_stage_fails_at_parent(chain: Chain) -> None:
    # Another draw of the same commitment: other invitees than those the stage commits to.
    redrawn = kl.draw(chain.m1, rnd.reveal(rnd.hex_value("0123")))
    c = kl.verify_chain(chain.b2, redrawn, commitment=chain.m2.commitment)
    assert c.previous.valid and not c.valid and c.verdict == "invalid" and not c
    failed = c.report.failed_step
    assert failed is not None and failed.id == "parent"
    assert c.error_kind == "ParentMismatch" and "invitees" in (c.error or "")
    assert all(statuses(c.report)[s] == "not_checked" for s in STEPS[STEPS.index("links"):])
    assert c.responses.empty
    with pytest.raises(kl.VerificationFailed) as e:
        c.raise_for_status()
    assert e.value.kind == "ParentMismatch" and str(e.value).startswith("this stage:")
    # Another commit altogether: its commitment is not the one named.
    stranger = kl.commit(kl.Pool.from_dataframe(roll()), stage1_quotas(), 16, method="stratified", strata="commune",
                         alternates=4, ticket_key="44" * 16, randomness=rnd.recipe(rnd.hex_source("stage 1")),
                         progress=False)
    c2 = kl.verify_chain(chain.b2, kl.draw(stranger, rnd.reveal(rnd.hex_value("c0ffee"))))
    assert c2.error_kind == "ParentMismatch" and "commitment differs" in (c2.error or "")
    step = c2.report.failed_step
    assert step is not None and step.computed == stranger.commitment and step.published == chain.m1.commitment


def recommitted(bundle: kl.Bundle, pool: list[dict[str, Any]]) -> tuple[kl.Manifest, kl.Bundle]:
    """What an organiser who changed the pool would publish: the new pool root in the manifest,
    its commitment, and the draw run again with the same randomness."""
    data = json.loads(bundle.to_json())
    manifest = data["manifest"]
    manifest["pool"]["root"] = ll.merkle_root(pool)
    m = kl.Manifest.from_json(json.dumps(manifest), json.dumps({"spec": kl.SPEC_VERSION, "records": pool}))
    assert m.commitment == ll.commitment(manifest) != bundle.commitment
    return m, kl.draw(m, bundle.reveal)


def test_a_record_linking_to_someone_not_invited_fails_at_links(chain: Chain) -> None:
    invitees = {*chain.b1.selected_tickets, *chain.b1.alternate_tickets}
    outsider = next(t for t in chain.m1.records.tickets() if t not in invitees)
    pool = json.loads(chain.b2.to_json())["pool"]
    pool[3]["link"] = outsider
    m, forged = recommitted(chain.b2, pool)
    # Verified alone, the forged stage passes: only the previous stage knows who was invited.
    assert kl.verify(forged, commitment=m.commitment).valid
    c = kl.verify_chain(forged, chain.b1, commitment=m.commitment, previous_commitment=chain.m1.commitment)
    assert c.previous.valid and not c.valid
    failed = c.report.failed_step
    assert failed is not None and failed.id == "links"
    assert c.error_kind == "NotInvited" and outsider in (c.error or "") and pool[3]["ticket"] in (c.error or "")
    assert [statuses(c.report)[s] for s in STEPS[:4]] == ["passed"] * 4
    assert c.responses.empty
    # Two records linking to one invitee: the package refuses to commit such a pool (the
    # verifier's side is a case of tests/vectors/chains.json).
    pool = json.loads(chain.b2.to_json())["pool"]
    pool[5]["link"] = pool[2]["link"]
    with pytest.raises(kl.InvalidInput) as e:
        recommitted(chain.b2, pool)
    assert e.value.kind == "DuplicateLink" and pool[2]["link"] in str(e.value)


def test_an_unreadable_bundle_fails_its_format_step(chain: Chain) -> None:
    c = kl.verify_chain(chain.b2.to_json(), '{"format": "kleroterion-bundle"', commitment=chain.m2.commitment)
    assert not c.valid and c.verdict == "invalid" and c.responses.empty
    assert c.previous.error_kind == "UnreadableBundle" and c.error_kind == "UnreadableBundle"
    assert c.failed is c.previous
    with pytest.raises(kl.InvalidInput):
        kl.verify_chain(chain.b2, 42)  # type: ignore[arg-type]


def test_the_chain_report_shows_the_verdict_first_and_escapes(chain: Chain) -> None:
    c = kl.verify_chain(chain.b2, chain.b1)
    text = str(c)
    assert text.splitlines()[0] == f"Chain: {c.headline}"
    assert text.index("Previous stage:") < text.index("This stage:") < text.index("Who answered")
    assert "total" in text and "70.0%" in text
    html = c._repr_html_()
    assert html.index("Chain: VALID if") < html.index("Who answered") < html.index("Previous stage")
    assert "<b>total</b>" in html and ">nan<" not in html.lower()
    assert repr(c) == f"ChainReport(verdict='valid_if', by_hand={c.by_hand})"
    bad = kl.verify_chain(chain.b2, kl.draw(chain.m1, rnd.reveal(rnd.hex_value("0123"))))
    assert "INVALID" in str(bad).splitlines()[0] and "ParentMismatch" in bad._repr_html_()
    assert repr(bad) == "ChainReport(verdict='invalid', error_kind='ParentMismatch')"


# ------------------------------------------------------------------------------------------
# Receipts across stages


def test_a_volunteers_path_from_both_receipts(chain: Chain) -> None:
    person = chain.volunteers["id"].iloc[0]
    path = kl.check_path(chain.b1, chain.b2, chain.m1.receipts[person], chain.m2.receipts[person],
                         commitment=chain.m2.commitment, previous_commitment=chain.m1.commitment)
    assert isinstance(path, kl.PathCheck) and path.chain_valid and path.verdict == "valid_if"
    assert chain.m1.tickets is not None
    ticket = str(chain.m1.tickets[person])
    if ticket in chain.b1.selected_tickets:
        place = kl.Place("selected", chain.b1.selected_tickets.index(ticket) + 1)
    else:
        place = kl.Place("alternate", chain.b1.alternate_tickets.index(ticket) + 1)
    assert path.invited == place
    assert chain.m2.tickets is not None and path.answered == chain.m2.tickets[person]
    assert path.previous is not None and path.previous.ticket == ticket and path.previous.outcome == place.place
    assert path.previous.position == place.number
    assert path.current is not None and path.current.ticket == path.answered
    expected = chain.m2.receipts[person].check(chain.b2).outcome
    assert path.outcome == expected
    assert "invited:" in str(path) and "kleroterion path" in path._repr_html_()


def test_paths_of_one_receipt(chain: Chain) -> None:
    invited = [*chain.b1.selected.index, *chain.b1.alternates.index]
    silent = next(i for i in invited if i not in set(chain.volunteers["id"]))
    path = kl.check_path(chain.b1, chain.b2, previous_receipt=chain.m1.receipts[silent])
    assert path.invited is not None and path.answered is None and path.current is None and path.outcome is None
    outsider = next(i for i in chain.roll["id"] if i not in invited)
    roll_only = kl.check_path(chain.b1, chain.b2, previous_receipt=chain.m1.receipts[outsider].to_json())
    assert roll_only.invited is None and roll_only.answered is None
    assert roll_only.previous is not None and roll_only.previous.outcome == "not_selected"
    person = chain.volunteers["id"].iloc[1]
    # The stage's receipt alone: its link must be an invitee, and it gives the outcome; whether
    # and where the person was invited is what the previous stage's receipt says.
    stage_only = kl.check_path(chain.b1, chain.b2, receipt=json.loads(chain.m2.receipts[person].to_json()))
    assert stage_only.previous is None and stage_only.invited is None and stage_only.answered is None
    assert stage_only.current is not None and stage_only.outcome == chain.m2.receipts[person].check(chain.b2).outcome
    with pytest.raises(kl.InvalidInput):
        kl.check_path(chain.b1, chain.b2)


def test_receipts_of_two_people_or_of_another_draw_do_not_match(chain: Chain) -> None:
    a, b = chain.volunteers["id"].iloc[:2]
    with pytest.raises(kl.VerificationFailed) as e:
        kl.check_path(chain.b1, chain.b2, chain.m1.receipts[a], chain.m2.receipts[b])
    assert e.value.kind == "ReceiptMismatch" and "not one person's" in str(e.value)
    # A stage-1 receipt given as the stage's receipt.
    with pytest.raises(kl.VerificationFailed) as e2:
        kl.check_path(chain.b1, chain.b2, receipt=chain.m1.receipts[a])
    assert e2.value.kind == "ReceiptMismatch"


def test_a_path_through_a_chain_that_fails_is_not_established(chain: Chain) -> None:
    person = chain.volunteers["id"].iloc[0]
    data = json.loads(chain.b1.to_json())
    data["seed"] = "00" * 32
    tampered = kl.Bundle.from_json(json.dumps(data))
    path = kl.check_path(tampered, chain.b2, chain.m1.receipts[person], chain.m2.receipts[person])
    # The receipts match their records, but the previous stage does not verify.
    assert path.invited is not None and path.answered is not None
    assert not path.chain_valid and path.verdict == "invalid" and path.chain_error_kind == "SeedMismatch"
    assert path.previous is not None and not path.previous.bundle_valid
    assert path.current is not None and path.current.bundle_error_kind == "ParentMismatch"
    assert "not established" in str(path) and "FAILED" in path._repr_html_()
