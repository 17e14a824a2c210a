"""Shared fixtures: paths of the repository's data and the command-line binary.

The tests build nothing: `scripts/ci/python` builds the `kleroterion` binary first
(`cargo build --release -p kleroterion-cli`). A missing binary, or one older than the sources it
is built from, fails with the command to run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional

import pytest

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"
VECTORS = REPO / "tests" / "vectors"
SF = DATA / "sortition-algorithms"
REPLICATION = DATA / "replication"

BUILD_CLI = "cargo build --release -p kleroterion-cli"
"""The command that builds the binary the tests look for (scripts/ci/python runs it)."""
CLI_CRATES = ("kleroterion-cli", "kleroterion", "kleroterion-drand", "kleroterion-fair", "kleroterion-files")
"""The command line and the workspace crates it depends on."""


def cli_binary(profile: str) -> Path:
    """Where cargo puts the `kleroterion` binary of a profile ("release" or "debug")."""
    exe = "kleroterion.exe" if os.name == "nt" else "kleroterion"
    return Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / profile / exe


def _cli_sources(binary: Path) -> list[Path]:
    """The files `binary` is built from: those listed in the dep-info file cargo writes beside it
    (`kleroterion.d`), else every file under the `src/` of the CLI and of the crates it depends on
    (Markdown aside, as it is not compiled). The dep-info list leaves out test-only modules, which
    a build does not recompile."""
    dep_info = binary.with_suffix(".d")
    if dep_info.is_file():
        line = dep_info.read_text(encoding="utf-8").splitlines()[0]
        deps = line.split(": ", 1)[1] if ": " in line else ""
        return [Path(d.replace("\\ ", " ")) for d in re.split(r"(?<!\\) ", deps.strip()) if d]
    return [
        path
        for crate in CLI_CRATES
        for path in (REPO / "crates" / crate / "src").rglob("*")
        if path.is_file() and path.suffix != ".md"
    ]


def newer_cli_source(binary: Path) -> Optional[Path]:
    """A source of `binary` newer than it, or None when the binary is up to date."""
    built = binary.stat().st_mtime
    for path in _cli_sources(binary):
        if path.is_file() and path.stat().st_mtime > built:
            return path
    return None


def _find_cli() -> Path:
    """The `kleroterion` binary: $KLEROTERION_CLI, else the up-to-date one of target/{release,debug}."""
    env = os.environ.get("KLEROTERION_CLI")
    if env:
        return Path(env)
    found = [cli_binary(profile) for profile in ("release", "debug") if cli_binary(profile).is_file()]
    if not found:
        pytest.fail(f"no `kleroterion` binary at {cli_binary('release')}: run `{BUILD_CLI}` first")
    for binary in found:
        if newer_cli_source(binary) is None:
            return binary
    pytest.fail(f"{found[0]} is older than {newer_cli_source(found[0])}: run `{BUILD_CLI}` first")


@pytest.fixture(scope="session")
def cli() -> Path:
    if not (REPO / "crates" / "kleroterion-cli" / "Cargo.toml").exists():
        pytest.skip("the command-line crate crates/kleroterion-cli does not exist in this checkout")
    return _find_cli()
