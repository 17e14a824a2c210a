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
    #    naming a EuroMillions draw; publish the commitment at least an hour before it.
    #    This example replays a past draw (Friday 29 September 2023), so that it runs to the
    #    end any day: the manifest says so (purpose="replay"), and so does its verification.
    #    For a real draw, name a future draw (rnd.source_time says when it takes place) and
    #    leave the purpose official: commit refuses randomness that already exists.
    recipe = rnd.recipe(rnd.lottery_source("euromillions", "2023-09-29"))
    print("the draw takes place at", rnd.source_time(recipe["sources"][0]))
    manifest = kl.commit(
        pool, quotas, 22, method="lottery", alternates=5, randomness=recipe,
        title="Example assembly", announced_at="2023-09-28T12:00:00Z", purpose="replay",
        progress=False,
        # 100 of these 150 people share their values with nobody: publishing them takes an
        # explicit, recorded override of the default floor of 5 records a cell.
        allow_small_cells=1,
    )
    paths = manifest.write(out / "commit")
    print(f"publish the commitment {manifest.commitment} and {paths['manifest'].name}, {paths['pool'].name}")

    # 4. The numbers are drawn: draw and publish the bundle.
    reveal = rnd.reveal(rnd.lottery("euromillions", [7, 12, 17, 28, 36], [[4, 11]]))
    bundle = kl.draw(manifest, reveal)
    bundle.write(out / "bundle.json")
    bundle.write_csvs(out, paths["tickets"])
    print(bundle.selected[["ticket", "Gender", "age_bracket", "geo_bucket", "edu_level"]].to_string())

    # 5. Anyone verifies the bundle against what was published elsewhere: the commitment as
    #    first published, the lottery's result as its operator published it. The report
    #    says what was checked by computation, what remains to compare by hand, and what
    #    failed.
    report = kl.verify(
        out / "bundle.json",
        commitment=paths["commitment"],
        lotteries=["euromillions@2023-09-29=7,12,17,28,36+4,11"],
    )
    print(report)
    report.raise_for_status()
    assert report.verdict == "valid_if"  # a replay is never plainly valid

    # 6. A volunteer checks their receipt; two people drop out and are replaced, and the
    #    replacement record is verified with the draw.
    someone = str(bundle.selected.index[0])
    print(manifest.receipts[someone].check(bundle, commitment=paths["commitment"]))
    replacement = kl.replace(bundle, bundle.selected_tickets[:2])
    replacement.write(out / "replacement.json")
    print(replacement)
    kl.verify(out / "bundle.json", commitment=paths["commitment"],
              replacements=[out / "replacement.json"]).raise_for_status()

    # 7. The IETF NomCom procedure on RFC 3797's own example.
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
