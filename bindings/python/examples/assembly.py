"""A citizens' assembly from start to end with kleroterion in Python.

Run from anywhere: ``python bindings/python/examples/assembly.py [output-dir]``.
It uses the Sortition Foundation's test fixture shipped in tests/data.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import kleroterion as kl
from kleroterion import randomness as rnd

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "tests" / "data" / "sortition-algorithms"


def main(out: Path) -> None:
    # 1. The volunteers and the quotas, in the Sortition Foundation's formats.
    pool = kl.Pool.from_csv(
        FIXTURE / "candidates.csv",
        id="nationbuilder_id",
        household=["primary_address1", "primary_zip"],
    )
    quotas = kl.Quotas.from_csv(FIXTURE / "features.csv")
    print(pool)
    print(quotas)

    # 2. Is there any panel of 22? Then everyone's fair chance (LEXIMIN).
    print(kl.feasibility(pool, quotas, 22))
    dist = kl.fair.leximin(pool, quotas, 22, progress=False)
    print(dist)
    print(dist.probabilities.describe().to_string())

    # 3. Commit before the randomness exists: a lottery over 1,000 panels, and a recipe
    #    naming tomorrow's lottery draw. Publish the commitment.
    recipe = rnd.recipe(
        rnd.lottery_source("EuroMillions", "2026-12-01"),
        fallback="If that draw does not take place, the next EuroMillions draw.",
    )
    manifest = kl.commit(
        pool, quotas, 22, method="lottery", alternates=5, randomness=recipe,
        title="Example assembly", announced_at="2026-11-30T12:00:00Z", progress=False,
    )
    paths = manifest.write(out / "commit")
    print(f"publish the commitment {manifest.commitment} and {paths['manifest'].name}, {paths['pool'].name}")

    # 4. The numbers are drawn: draw, publish the bundle, verify.
    reveal = rnd.reveal(rnd.lottery_value("EuroMillions", [7, 18, 28, 40, 48, 3, 11]))
    bundle = kl.draw(manifest, reveal)
    bundle.write(out / "bundle.json")
    bundle.write_csvs(out, paths["tickets"])
    print(bundle.selected[["ticket", "Gender", "age_bracket", "geo_bucket", "edu_level"]].to_string())
    report = kl.verify(out / "bundle.json")
    print(report)
    report.raise_for_status()

    # 5. A volunteer checks their receipt; two people drop out and are replaced.
    someone = str(bundle.selected.index[0])
    print(manifest.receipts[someone].check(bundle))
    replacement = kl.replace(bundle, bundle.selected_tickets[:2])
    print(replacement)

    # 6. The IETF NomCom procedure on RFC 3797's own example.
    names = (REPO / "tests" / "data" / "rfc3797" / "ref.names").read_text().split()
    print(kl.rfc3797(names, ["9319", "2 5 12 8 10", "9 18 26 34 41 45"], 5))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        target = Path(sys.argv[1])
        target.mkdir(parents=True, exist_ok=True)
        main(target)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
