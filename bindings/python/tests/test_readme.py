"""The README's examples of verifying, of sealed features, of linked stages, of rounding and of the maxent
method run, and print what the README says they print."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

README = Path(__file__).resolve().parents[1] / "README.md"


def section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def run_section(title: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    """Runs the first Python block of the README's section ``title`` from a scratch folder
    (the repository's data where the README names ``tests/data/``); returns what it printed
    and the lines the README shows after "It prints:"."""
    text = section(README.read_text(encoding="utf-8"), title)
    code = re.search(r"```python\n(.*?)```", text, re.S)
    shown = re.search(r"It prints:\n\n```text\n(.*?)```", text, re.S)
    assert code is not None and shown is not None
    script = code.group(1).replace('"tests/data/', f'"{(REPO / "tests" / "data").as_posix()}/')
    (tmp_path / "example.py").write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines(), shown.group(1).splitlines()


def test_verifying_example_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    out, shown = run_section("Verifying a draw", tmp_path)
    expected = [line for line in shown if line.strip() != "…"]
    # Every line shown comes out, in order (the README cuts the end of the report).
    assert out[:9] == expected[:9]
    rest = iter(out)
    for line in expected:
        assert any(line == o for o in rest), line
    assert (tmp_path / "commit" / "commitment.txt").exists()


def test_sealed_features_example_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    out, shown = run_section("Sealed features", tmp_path)
    assert out == shown
    assert (tmp_path / "commit" / "private" / "openings.json").exists()


def test_linked_stages_example_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    out, shown = run_section("Linked stages", tmp_path)
    assert out == shown
    assert (tmp_path / "stage1.json").exists() and (tmp_path / "stage2.json").exists()


def test_rounding_example_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    out, shown = run_section("Rounding you are told about", tmp_path)
    assert out == shown


def test_maxent_example_runs_and_prints_what_the_readme_shows(tmp_path: Path) -> None:
    out, shown = run_section("Every compliant panel equally likely: maxent", tmp_path)
    assert out == shown
