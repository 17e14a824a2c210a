"""Interoperability with the `kleroterion` command line: a bundle made in Python verifies
with the CLI, a bundle made by the CLI verifies in Python, and both commit to the same
bytes from the same files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import kleroterion as kl
from kleroterion import randomness as rnd

from conftest import SF

HOUSEHOLD = ["primary_address1", "primary_zip"]
REVEAL = rnd.reveal(rnd.hex_value("c0ffee"))


def run(cli: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(cli), "--quiet", *args], capture_output=True, text=True, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"kleroterion {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def cli_commit(cli: Path, out: Path, method: str = "greedy") -> None:
    run(
        cli, "commit", "--people", str(SF / "candidates.csv"), "--quotas", str(SF / "features.csv"),
        "--size", "22", "--method", method, "--id-column", "nationbuilder_id", "--household", *HOUSEHOLD,
        "--ticket-key", "73686172656420736563726574212121", "--title", "Interop", "--alternates", "4", "--panels", "100",
        "--allow-small-cells", "1", "--out", str(out),
    )


def python_commit(method: kl.Method = "greedy") -> kl.Manifest:
    pool = kl.Pool.from_csv(SF / "candidates.csv", id="nationbuilder_id", household=HOUSEHOLD)
    quotas = kl.Quotas.from_csv(SF / "features.csv")
    return kl.commit(pool, quotas, 22, allow_small_cells=1, method=method, ticket_key="73686172656420736563726574212121", title="Interop",
                     alternates=4, panels=100, progress=False)


def test_python_bundle_verified_by_cli(cli: Path, tmp_path: Path) -> None:
    m = python_commit("lottery")
    paths = m.write(tmp_path / "commit")
    bundle = kl.draw(m, REVEAL)
    path = bundle.write(tmp_path / "bundle.json")
    done = run(cli, "--json", "verify", str(path))
    report = json.loads(done.stdout)
    assert report["valid"] is True and report["verdict"] == "valid_if"
    # Beside the report, the command line gives the bundle's summary and quota table.
    assert report.pop("summary") == bundle.summary()
    assert report.pop("quota_table") == bundle.quota_table()
    assert report == json.loads(kl.verify(path).to_json())
    # With the commitment as published, and a replacement record: the same report.
    record = kl.replace(bundle, bundle.selected_tickets[:1]).write(tmp_path / "replacement.json")
    done = run(cli, "--json", "verify", str(path), "--commitment", str(paths["commitment"]),
               "--replacement", str(record))
    ours = kl.verify(path, commitment=paths["commitment"], replacements=[record])
    report = json.loads(done.stdout)
    del report["summary"], report["quota_table"]
    assert report == json.loads(ours.to_json())
    assert ours.valid and "commitment" not in [b.subject for b in ours.by_hand]
    # Another commitment than the one published: both refuse it.
    other = "0" * 64
    assert run(cli, "verify", str(path), "--commitment", other, check=False).returncode == 1
    assert kl.verify(path, commitment=other).error_kind == "CommitmentMismatch"
    # A receipt issued in Python, checked by the CLI.
    first = str(bundle.selected.index[0])
    receipt = paths["receipts"] / f"{m.receipts[first].ticket}.json"
    assert receipt.exists()
    done = run(cli, "--json", "receipt", str(receipt), str(path))
    assert "selected" in done.stdout
    # The same replacement on both sides.
    dropped = bundle.selected_tickets[0]
    done = run(cli, "--json", "replace", str(path), "--dropped", dropped)
    assert kl.replace(bundle, [dropped]).hash in done.stdout
    # A tampered bundle is refused by both.
    data = json.loads(bundle.to_json())
    data["result"]["alternates"].reverse()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data), encoding="utf-8")
    assert run(cli, "verify", str(tampered), check=False).returncode == 1
    assert not kl.verify(tampered)


def test_cli_bundle_verified_by_python(cli: Path, tmp_path: Path) -> None:
    out = tmp_path / "commit"
    cli_commit(cli, out)
    reveal = tmp_path / "reveal.json"
    reveal.write_text(json.dumps(REVEAL), encoding="utf-8")
    run(cli, "draw", str(out / "manifest.json"), "--reveal", str(reveal), "--out", str(tmp_path / "bundle.json"))
    report = kl.verify(tmp_path / "bundle.json")
    assert report, report.error
    b = kl.Bundle.load(tmp_path / "bundle.json")
    # The CLI's commit directory, loaded in Python, draws the same panel.
    m = kl.Manifest.load(out)
    again = kl.draw(m, reveal)
    assert again.transcript == b.transcript
    tickets = m.tickets
    assert tickets is not None
    id_of = dict(zip(tickets.tolist(), tickets.index))
    assert list(again.selected.index) == [id_of[t] for t in b.selected_tickets]
    receipt = next((out / "private" / "receipts").iterdir())
    assert kl.Receipt.load(receipt).check(b).ticket == receipt.stem


def test_same_commitment_from_the_same_files(cli: Path, tmp_path: Path) -> None:
    out = tmp_path / "commit"
    cli_commit(cli, out, "greedy")
    published = (out / "commitment.txt").read_text().strip()
    assert python_commit("greedy").commitment == published


def test_same_error_messages(cli: Path, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id;Gender\n1;Female\n2;female\n", encoding="utf-8")
    quotas = tmp_path / "quotas.csv"
    quotas.write_text("feature,value,min,max\nGender,Female,1,1\nGender,Male,0,1\n", encoding="utf-8")
    done = run(cli, "fair", "--people", str(people), "--quotas", str(quotas), "--size", "1", check=False)
    assert done.returncode == 2
    with pytest.raises(kl.InvalidInput) as e:
        kl.fair.leximin(kl.Pool.from_csv(people), kl.Quotas.from_csv(quotas), 1, progress=False)
    assert str(e.value) in done.stderr


def sealed_inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Twelve people, four profiles of three: published, each profile is a cell below the floor
    of 5; sealed, nothing needs lowering."""
    people = tmp_path / "people.csv"
    rows = [f"{1000 + i},{'fm'[i % 2]},{['young', 'old', 'old', 'young'][i % 4]}" for i in range(12)]
    people.write_text("id,g,age\n" + "\n".join(rows) + "\n", encoding="utf-8")
    quotas = tmp_path / "quotas.csv"
    quotas.write_text("feature,value,min,max\ng,f,2,2\ng,m,2,2\nage,young,1,3\nage,old,1,3\n", encoding="utf-8")
    return people, quotas


def test_sealed_features_on_both_sides(cli: Path, tmp_path: Path) -> None:
    people, quotas = sealed_inputs(tmp_path)
    key = "5ea1ed5ea1ed5ea1ed5ea1ed5ea1ed5e"
    out = tmp_path / "commit"
    run(
        cli, "commit", "--people", str(people), "--quotas", str(quotas), "--size", "4", "--method", "lottery",
        "--sealed", "--alternates", "2", "--panels", "20", "--ticket-key", key, "--title", "Sealed", "--out", str(out),
    )
    openings = out / "private" / "openings.json"
    assert openings.exists()
    # The same files committed in Python: the same commitment and the same openings.
    ours = kl.commit(kl.Pool.from_csv(people), kl.Quotas.from_csv(quotas), 4, method="lottery", sealed=True,
                     alternates=2, panels=20, ticket_key=key, title="Sealed", progress=False)
    assert ours.commitment == (out / "commitment.txt").read_text(encoding="utf-8").strip()
    assert ours.openings == json.loads(openings.read_text(encoding="utf-8"))["openings"]
    # The command line draws with private/openings.json beside the manifest; Python, from the
    # same folder, draws the same bundle.
    reveal = tmp_path / "reveal.json"
    reveal.write_text(json.dumps(REVEAL), encoding="utf-8")
    run(cli, "draw", str(out / "manifest.json"), "--reveal", str(reveal), "--out", str(tmp_path / "cli.json"))
    theirs = kl.Bundle.load(tmp_path / "cli.json")
    mine = kl.draw(kl.Manifest.load(out), reveal)
    assert mine.to_json() == theirs.to_json() and len(mine.openings) == 6
    # A bundle written by Python verifies with the command line, the same report.
    path = mine.write(tmp_path / "python.json")
    report = json.loads(run(cli, "--json", "verify", str(path)).stdout)
    assert report["valid"] is True
    assert {s["id"]: s["status"] for s in report["steps"]}["openings"] == "passed"
    assert report.pop("quota_table") == mine.quota_table()
    assert report.pop("summary") == mine.summary()
    assert report == json.loads(kl.verify(path).to_json())
    # A replacement beyond the alternates, from the openings file: the same record.
    dropped = [mine.selected_tickets[0], *mine.alternate_tickets]
    record = tmp_path / "replacement.json"
    run(cli, "replace", str(path), "--dropped", *dropped, "--openings", str(openings), "--out", str(record))
    replacement = kl.replace(path, dropped, openings=openings)
    assert replacement.openings and json.loads(record.read_text(encoding="utf-8")) == json.loads(replacement.to_json())
    assert run(cli, "verify", str(path), "--replacement", str(record)).returncode == 0
    # A receipt written by the command line shows its holder's values in Python.
    receipt = kl.Receipt.load(next((out / "private" / "receipts").iterdir()))
    assert receipt.opening is not None and receipt.check(theirs).features == dict(zip(["g", "age"], receipt.values))
