"""Outputs are never replaced unasked, never half-written, never written over an input, and
private files are readable by their owner only."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path
from typing import Optional

import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import randomness as rnd

REVEAL = rnd.reveal(rnd.hex_value(b"\x01\x02\x03"))
PEOPLE = pd.DataFrame(
    {
        "id": [f"p{i:02}" for i in range(12)],
        "name": [f"Person {i}" for i in range(12)],
        "email": [f"person{i}@example.org" for i in range(12)],
        "phone": [f"06123456{i:02}" for i in range(12)],
        "age": [20 + 3 * i for i in range(12)],
        "gender": ["f", "m"] * 6,
    }
)
QUOTAS = pd.DataFrame({"feature": ["gender", "gender"], "value": ["f", "m"], "min": [2, 2], "max": [2, 2]})


def commit(ticket_key: Optional[str] = "6e6f7465626f6f6b206b657920313233", title: str = "Safe files") -> kl.Manifest:
    # The features are named, so that only the id and gender columns would be needed.
    pool = kl.Pool.from_dataframe(PEOPLE, id="id", features=["gender"])
    return kl.commit(pool, kl.Quotas.from_dataframe(QUOTAS), 4, allow_small_cells=1, method="greedy", alternates=2,
                     title=title, ticket_key=ticket_key, progress=False)


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root``, with each file's SHA-256."""
    return {
        str(p.relative_to(root)): "folder" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
    }


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in [root, *sorted(root.rglob("*"))]}


def test_output_exists_is_a_kleroterion_error() -> None:
    assert issubclass(kl.OutputExists, kl.KleroterionError)
    assert kl.OutputExists.__module__ == "kleroterion"


def test_writing_into_a_used_folder_raises_and_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "commit"
    first = commit(ticket_key=None)
    first.write(out)
    before = snapshot(out)
    assert before and (out / "private" / "tickets.csv").exists()
    for again in (commit(ticket_key=None), first):
        with pytest.raises(kl.OutputExists) as e:
            again.write(out)
        assert e.value.kind == "OutputExists"
        assert str(out) in str(e.value) and "overwrite=True" in str(e.value)
        assert "exist_ok=True" in str(e.value)
        assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["commit"], "no temporary folder left"


def test_exist_ok_keeps_the_same_commit_and_refuses_another(tmp_path: Path) -> None:
    out = tmp_path / "commit"
    written = commit().write(out)
    assert not written.kept and written.replaced is None
    times = mtimes(out)
    before = snapshot(out)
    # The notebook cell runs again: the same key and inputs give the same commitment.
    rerun = commit()
    kept = rerun.write(out, exist_ok=True)
    assert kept.kept and kept.replaced is None
    assert dict(kept) == dict(written) and kept.tickets == out / "private" / "tickets.csv"
    assert mtimes(out) == times and snapshot(out) == before
    # Other inputs, or random tickets: another commitment, refused and named.
    for other in (commit(title="Another title"), commit(ticket_key=None)):
        with pytest.raises(kl.OutputExists) as e:
            other.write(out, exist_ok=True)
        assert other.commitment in str(e.value) and rerun.commitment in str(e.value)
        assert snapshot(out) == before
    with pytest.raises(kl.InvalidInput):
        rerun.write(out, overwrite=True, exist_ok=True)


def test_overwrite_moves_the_old_folder_aside(tmp_path: Path) -> None:
    out = tmp_path / "commit"
    old = commit()
    old.write(out)
    before = snapshot(out)
    new = commit(title="Corrected title")
    paths = new.write(out, overwrite=True)
    assert paths.replaced == tmp_path / "commit.replaced-1"
    assert snapshot(paths.replaced) == before
    assert (out / "commitment.txt").read_text().strip() == new.commitment
    assert (paths.replaced / "commitment.txt").read_text().strip() == old.commitment
    again = commit(title="Third title").write(out, overwrite=True)
    assert again.replaced == tmp_path / "commit.replaced-2"
    assert snapshot(tmp_path / "commit.replaced-1") == before


@pytest.mark.skipif(os.name != "posix", reason="owner-only permissions are Unix modes")
def test_private_files_are_owner_only(tmp_path: Path) -> None:
    paths = commit().write(tmp_path / "commit")

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(tmp_path / "commit" / "private") == 0o700
    assert mode(paths.receipts) == 0o700
    assert mode(paths.tickets) == 0o600
    receipts = list(paths.receipts.iterdir())
    assert receipts and all(mode(r) == 0o600 for r in receipts)
    bundle = kl.draw(commit(), REVEAL)
    lists = bundle.write_csvs(tmp_path / "lists", paths.tickets)
    assert mode(tmp_path / "lists") == 0o700
    assert all(mode(p) == 0o600 for p in lists.values())


def test_one_receipt_per_person_after_a_rerun(tmp_path: Path) -> None:
    out = tmp_path / "commit"
    commit(ticket_key=None).write(out)
    second = commit(ticket_key=None)
    paths = second.write(out, overwrite=True)
    receipts = sorted(p.stem for p in paths.receipts.iterdir())
    assert len(receipts) == len(PEOPLE)
    assert receipts == sorted(second.records.tickets())


def test_a_commit_folder_never_holds_the_pool_file(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    PEOPLE.to_csv(people, index=False)
    pool = kl.Pool.from_csv(people, id="id", features=["gender"])
    m = kl.commit(pool, kl.Quotas.from_dataframe(QUOTAS), 4, allow_small_cells=1, method="greedy", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", progress=False)
    for overwrite in (False, True):
        with pytest.raises(kl.InvalidInput) as e:
            m.write(tmp_path, overwrite=overwrite)
        assert e.value.kind == "OutputIsInput"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"]


def test_write_csvs_creates_its_folder_keeps_every_column_and_refuses_to_overwrite(tmp_path: Path) -> None:
    m = commit()
    paths = m.write(tmp_path / "commit")
    bundle = kl.draw(m, REVEAL)
    lists = tmp_path / "draw" / "private"
    out = bundle.write_csvs(lists, paths.tickets)
    assert set(out) == {"selected", "alternates", "remaining"}
    selected = pd.read_csv(out["selected"], dtype=str, keep_default_na=False)
    assert list(selected.columns) == ["id", "name", "email", "phone", "age", "gender"]
    people = PEOPLE.set_index("id")
    assert list(selected["id"]) == list(bundle.selected.index)
    for _, row in selected.iterrows():
        person = people.loc[row["id"]]
        assert row["phone"] == person["phone"] and row["phone"].startswith("0")
        assert (row["email"], row["age"]) == (person["email"], str(person["age"]))
    before = snapshot(lists)
    with pytest.raises(kl.OutputExists) as e:
        bundle.write_csvs(lists, paths.tickets)
    assert str(out["selected"]) in str(e.value)
    assert snapshot(lists) == before
    bundle.write_csvs(lists, paths.tickets, overwrite=True)
    assert snapshot(lists) == before, "a draw is deterministic"


def test_write_csvs_as_workbooks_keeps_every_cell_as_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="the lists are read back with openpyxl (requirements-dev.txt)")
    m = commit()
    paths = m.write(tmp_path / "commit")
    bundle = kl.draw(m, REVEAL)
    lists = tmp_path / "draw" / "private"
    out = bundle.write_csvs(lists, paths.tickets, xlsx=True)
    assert set(out) == {"selected", "alternates", "remaining", "selected_xlsx", "alternates_xlsx", "remaining_xlsx"}
    for name in ("selected", "alternates", "remaining"):
        csv = pd.read_csv(out[name], dtype=str, keep_default_na=False)
        book = openpyxl.load_workbook(out[f"{name}_xlsx"], read_only=True)
        assert book.sheetnames == [name]
        rows = [list(r) for r in book[name].iter_rows(values_only=True)]
        assert rows[0] == list(csv.columns)
        assert rows[1:] == csv.to_numpy().tolist(), name
        assert all(isinstance(c, str) for row in rows for c in row), name
        assert stat.S_IMODE(os.stat(out[f"{name}_xlsx"]).st_mode) == 0o600
    # Phone numbers keep their leading zero.
    phones = [r[3] for r in openpyxl.load_workbook(out["selected_xlsx"]).active.iter_rows(min_row=2, values_only=True)]
    assert phones and all(p.startswith("0") for p in phones)
    # A workbook that exists is never written over unasked, and nothing else is written then.
    for name in ("selected", "alternates", "remaining"):
        out[name].unlink()
    with pytest.raises(kl.OutputExists, match="selected.xlsx"):
        bundle.write_csvs(lists, paths.tickets, xlsx=True)
    assert not out["selected"].exists()
    bundle.write_csvs(lists, paths.tickets, xlsx=True, overwrite=True)


def test_write_csvs_never_replaces_a_users_selected_csv(tmp_path: Path) -> None:
    m = commit()
    paths = m.write(tmp_path / "commit")
    richer = tmp_path / "selected.csv"
    richer.write_text("id,name,notes\np01,Person 1,called on Monday\n", encoding="utf-8")
    with pytest.raises(kl.OutputExists):
        kl.draw(m, REVEAL).write_csvs(tmp_path, paths.tickets)
    assert richer.read_text(encoding="utf-8") == "id,name,notes\np01,Person 1,called on Monday\n"
    assert not (tmp_path / "alternates.csv").exists() and not (tmp_path / "remaining.csv").exists()


def test_write_csvs_refuses_the_ticket_map_of_another_commit(tmp_path: Path) -> None:
    other = commit(ticket_key="616e6f74686572206b65792031323334").write(tmp_path / "other")
    with pytest.raises(kl.InvalidInput) as e:
        kl.draw(commit(), REVEAL).write_csvs(tmp_path / "lists", other.tickets)
    assert e.value.kind == "TicketMapMismatch"
    assert not (tmp_path / "lists").exists()


def test_bundle_and_replacement_write_refuse_an_existing_file(tmp_path: Path) -> None:
    bundle = kl.draw(commit(), REVEAL)
    path = bundle.write(tmp_path / "out" / "bundle.json")
    assert path == tmp_path / "out" / "bundle.json"
    original = path.read_bytes()
    other = kl.draw(commit(title="Other"), REVEAL)
    with pytest.raises(kl.OutputExists) as e:
        other.write(path)
    assert str(path) in str(e.value) and e.value.kind == "OutputExists"
    assert path.read_bytes() == original
    other.write(path, overwrite=True)
    assert kl.Bundle.load(path).commitment == other.commitment
    assert sorted(p.name for p in path.parent.iterdir()) == ["bundle.json"], "no temporary file left"

    record = kl.replace(bundle, bundle.selected_tickets[:1])
    target = record.write(tmp_path / "replacement.json")
    text = target.read_bytes()
    with pytest.raises(kl.OutputExists):
        kl.replace(bundle, bundle.selected_tickets[1:2]).write(target)
    assert target.read_bytes() == text


def test_an_output_is_never_an_input(tmp_path: Path) -> None:
    path = kl.draw(commit(), REVEAL).write(tmp_path / "bundle.json")
    original = path.read_bytes()
    loaded = kl.Bundle.load(path)
    with pytest.raises(kl.InvalidInput) as e:
        loaded.write(path, overwrite=True)
    assert e.value.kind == "OutputIsInput" and "even with overwrite=True" in str(e.value)
    with pytest.raises(kl.InvalidInput) as e:
        kl.replace(path, loaded.selected_tickets[:1]).write(path, overwrite=True)
    assert e.value.kind == "OutputIsInput"
    assert path.read_bytes() == original


def test_load_reads_the_private_ticket_map_and_the_older_layout(tmp_path: Path) -> None:
    m = commit()
    paths = m.write(tmp_path / "commit")
    expected = m.tickets
    assert expected is not None
    loaded = kl.Manifest.load(tmp_path / "commit")
    assert loaded.tickets is not None and loaded.tickets.equals(expected)
    older = tmp_path / "older"
    shutil.copytree(tmp_path / "commit", older)
    shutil.move(str(older / "private" / "tickets.csv"), str(older / "tickets.csv"))
    old = kl.Manifest.load(older)
    assert old.tickets is not None and old.tickets.equals(expected)
    assert list(kl.draw(old, REVEAL).selected.index) == list(kl.draw(m, REVEAL).selected.index)
    assert paths.tickets.exists()
