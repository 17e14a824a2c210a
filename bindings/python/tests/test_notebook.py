"""The example notebook runs headless to the end (jupyter nbconvert --execute), every cell."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "assembly.ipynb"


def test_the_notebook_runs_to_the_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=600", "--output-dir", str(tmp_path), str(NOTEBOOK)],
        capture_output=True, text=True, timeout=900, cwd=NOTEBOOK.parent,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    ran = json.loads((tmp_path / NOTEBOOK.name).read_text(encoding="utf-8"))
    code = [c for c in ran["cells"] if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] is not None for c in code)
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    # The notebook displays as HTML: the pool, the report (a replay, said first) and the
    # replacement with ids beside tickets.
    assert "kleroterion pool" in html and "replacement_id" in html and "REPLAY" in html
