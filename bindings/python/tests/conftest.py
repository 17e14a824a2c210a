"""Shared fixtures: paths of the repository's data and the command-line binary."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

import pytest

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"
VECTORS = REPO / "tests" / "vectors"
SF = DATA / "sortition-algorithms"
REPLICATION = DATA / "replication"


def _find_cli() -> Optional[Path]:
    """The `kleroterion` binary: $KLEROTERION_CLI, target/{release,debug}, or a cargo build."""
    env = os.environ.get("KLEROTERION_CLI")
    if env:
        return Path(env)
    exe = "kleroterion.exe" if os.name == "nt" else "kleroterion"
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not (REPO / "crates" / "kleroterion-cli" / "Cargo.toml").exists():
        return None
    cargo = shutil.which("cargo")
    if cargo is not None:
        # Builds (or finds up to date) the debug binary; a no-op when nothing changed.
        done = subprocess.run(
            [cargo, "build", "-q", "-p", "kleroterion-cli"], cwd=REPO, capture_output=True, text=True
        )
        if done.returncode == 0 and (target / "debug" / exe).exists():
            return target / "debug" / exe
    for profile in ("release", "debug"):
        if (target / profile / exe).exists():
            return target / profile / exe
    return None


@pytest.fixture(scope="session")
def cli() -> Path:
    if not (REPO / "crates" / "kleroterion-cli" / "Cargo.toml").exists():
        pytest.skip("the command-line crate crates/kleroterion-cli does not exist in this checkout")
    path = _find_cli()
    if path is None:
        pytest.fail("crates/kleroterion-cli exists but its `kleroterion` binary could not be built")
    return path
