"""Every exception class, with the messages and places the command line gives."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import kleroterion as kl
from kleroterion import lowlevel as ll
from kleroterion import randomness as rnd

from conftest import SF, VECTORS

HOUSEHOLD = ["primary_address1", "primary_zip"]


def small_pool() -> kl.Pool:
    return kl.Pool.from_dataframe(pd.DataFrame({"id": ["a", "b", "c", "d"], "g": ["f", "m", "f", "m"]}))


def small_quotas(lo: int = 1, hi: int = 1) -> kl.Quotas:
    return kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["g", "g"], "value": ["f", "m"], "min": [lo, lo], "max": [hi, hi]})
    )


def test_hierarchy() -> None:
    for cls in (kl.InvalidInput, kl.InfeasibleQuotas, kl.DrawFailed, kl.VerificationFailed, kl.SolverError, kl.Interrupted):
        assert issubclass(cls, kl.KleroterionError)
        assert cls.__module__ == "kleroterion"
    assert issubclass(kl.InvalidRandomness, kl.InvalidInput)
    assert issubclass(kl.KleroterionError, Exception)


def test_invalid_input_names_file_line_column(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id;g\na;f\nb;Femme\n", encoding="utf-8")
    with pytest.raises(kl.InvalidInput) as e:
        kl.fair.leximin(kl.Pool.from_csv(people), small_quotas(), 2, progress=False)
    err = e.value
    assert err.kind == "UnknownValue"
    assert (Path(str(err.file)).name, err.line, err.column) == ("people.csv", 3, "g")
    assert str(err).startswith(f"{people}, line 3, column \"g\": unknown value \"Femme\"")


def test_invalid_input_from_dataframes() -> None:
    with pytest.raises(kl.InvalidInput) as e:
        kl.Pool.from_dataframe(pd.DataFrame({"id": ["a", "a"], "g": ["f", "m"]}), features=["g"])
    assert e.value.kind == "DuplicateId"
    assert e.value.line == 3 and e.value.column == "id" and e.value.file == "DataFrame"
    with pytest.raises(kl.InvalidInput) as e2:
        kl.Quotas.from_dataframe(pd.DataFrame({"feature": ["g"], "value": ["f"], "min": ["two"], "max": [3]}))
    assert e2.value.kind == "BadNumber" and e2.value.column == "min"
    with pytest.raises(kl.InvalidInput) as e_dup:
        kl.Pool.from_dataframe(pd.DataFrame({"id": ["a"], "g": ["f"], " g ": ["m"]}), features=["g"])
    assert e_dup.value.kind == "DuplicateColumn" and (e_dup.value.line, e_dup.value.column) == (1, "g")
    assert str(e_dup.value) == 'DataFrame, the header, column "g": the column "g" appears twice in the header. Fix: rename or remove one of them'
    with pytest.raises(kl.InvalidInput) as e3:
        kl.Pool.from_dataframe(pd.DataFrame({"g": ["f"]}), id="pid")
    assert "pid" in str(e3.value)
    with pytest.raises(kl.InvalidInput) as e4:
        ll.check_text("a\tb", "name")
    assert e4.value.kind == "InvalidText" and "control character" in str(e4.value)
    with pytest.raises(kl.InvalidInput) as e5:
        ll.commitment({"spec": "kleroterion/v2"})
    assert e5.value.kind == "Json"
    with pytest.raises(kl.InvalidInput):
        kl.commit(small_pool(), small_quotas(), 2, allow_small_cells=1, method="coin-toss")  # type: ignore[arg-type]


def test_infeasible_quotas() -> None:
    # Minimums adding up past the panel size are refused as an input, naming the quota's row
    # of the DataFrame (the command line names its line in the file).
    with pytest.raises(kl.InvalidInput) as e:
        kl.fair.leximin(small_pool(), small_quotas(3, 3), 2, progress=False)
    assert "row 0" in str(e.value) and "minimums" in str(e.value)
    assert (e.value.row, e.value.line, e.value.file) == (0, 2, "quotas DataFrame")
    too_many = kl.Quotas.from_dataframe(
        pd.DataFrame({"feature": ["g", "g"], "value": ["f", "m"], "min": [3, 0], "max": [3, 0]})
    )
    with pytest.raises(kl.InfeasibleQuotas) as e2:
        kl.fair.leximin(small_pool(), too_many, 3, progress=False)
    assert e2.value.kind == "Infeasible"
    assert "raise the max of g=m from 0 to 1" in str(e2.value) or "lower the min of g=f" in str(e2.value)


def test_invalid_randomness() -> None:
    recipe = rnd.recipe(rnd.lottery_source("euromillions", "2026-12-01"))
    announced = "2026-11-30T12:00:00Z"
    m = kl.commit(small_pool(), small_quotas(), 2, allow_small_cells=1, method="uniform", randomness=recipe, ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b",
                  announced_at=announced, now=announced)
    with pytest.raises(kl.InvalidRandomness) as e:
        kl.draw(m, rnd.reveal(rnd.lottery_value("fr-loto", [1, 2, 3, 4, 5], [[1]])))
    assert e.value.kind == "RevealMismatch"
    assert 'the recipe committed to "euromillions"' in str(e.value)
    with pytest.raises(kl.InvalidRandomness) as e2:
        kl.draw(m, rnd.reveal(rnd.lottery_value("euromillions", [1, 2, 3, 4, 5])))
    assert e2.value.kind == "InvalidReveal" and "bonus groups" in str(e2.value)
    with pytest.raises(kl.InvalidRandomness) as e3:
        kl.draw(m, rnd.reveal(rnd.lottery_value("euromillions", [1, 2, 3, 4, 51], [[1, 2]])))
    assert e3.value.kind == "InvalidReveal" and "outside" in str(e3.value)
    with pytest.raises(kl.InvalidInput) as e4:
        kl.draw(m, {"sources": [{"kind": "coin"}]})
    assert "SPEC.md section 14" in str(e4.value)
    # Registry ids only (or a declared format and draw time); and an announcement is needed.
    with pytest.raises(kl.InvalidInput) as e5:
        kl.commit(small_pool(), small_quotas(), 2, allow_small_cells=1, method="uniform", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", announced_at=announced,
                  now=announced, randomness=rnd.recipe(rnd.lottery_source("EuroMillions", "2026-12-01")))
    assert e5.value.kind == "InvalidRecipe" and "not in the lottery registry" in str(e5.value)
    with pytest.raises(kl.InvalidInput) as e6:
        kl.commit(small_pool(), small_quotas(), 2, allow_small_cells=1, method="uniform", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", randomness=recipe, now=announced)
    assert e6.value.kind == "AnnouncementMissing"
    with pytest.raises(kl.InvalidInput) as e7:
        kl.commit(small_pool(), small_quotas(), 2, allow_small_cells=1, method="uniform", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", now=announced,
                  announced_at=announced, randomness={"sources": recipe["sources"], "fallback": "the latest value"})
    assert "next_value" in str(e7.value)


def test_draw_failed() -> None:
    case = json.loads((VECTORS / "draws.json").read_text(encoding="utf-8"))["failures"][0]
    m = kl.Manifest.from_json(json.dumps(case["manifest"]), json.dumps(case["pool"]))
    with pytest.raises(kl.DrawFailed) as e:
        kl.draw(m, case["reveal"])
    assert e.value.kind == "DrawFailed" and str(e.value).startswith("the draw failed")


def test_verification_failed() -> None:
    m = kl.commit(small_pool(), small_quotas(), 2, allow_small_cells=1, method="uniform", ticket_key="6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b")
    other = kl.commit(small_pool(), small_quotas(), 2, allow_small_cells=1, method="uniform", ticket_key="6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f")
    b = kl.draw(m, [rnd.hex_value("00")])
    receipt = other.receipts["a"]
    with pytest.raises(kl.VerificationFailed) as e:
        receipt.check(b)
    assert e.value.kind == "ReceiptMismatch" and "does not match this draw" in str(e.value)
    data = json.loads(b.to_json())
    data["seed"] = "00" * 32
    with pytest.raises(kl.VerificationFailed) as e2:
        kl.verify(json.dumps(data)).raise_for_status()
    assert e2.value.kind == "SeedMismatch"
    with pytest.raises(kl.InvalidInput) as e3:
        kl.replace(b, ["nobody"])
    assert e3.value.kind == "UnknownTicket"
    data = json.loads(b.to_json())
    data["manifest"]["title"] = "changed"
    with pytest.raises(kl.DrawFailed) as e4:
        kl.replace(json.dumps(data), [b.selected_tickets[0]])
    assert "does not verify" in str(e4.value)


def test_interrupted() -> None:
    pool = kl.Pool.from_csv(SF / "candidates.csv", id="nationbuilder_id", household=HOUSEHOLD)
    quotas = kl.Quotas.from_csv(SF / "features.csv")
    with pytest.raises(kl.Interrupted) as e:
        kl.fair.leximin(pool, quotas, 22, progress=False, time_limit=1e-9)
    assert e.value.kind == "TimeLimit" and str(e.value) == "time limit reached"

    class Stop(Exception):
        pass

    def stop(*_: object) -> None:
        raise Stop("stop")

    with pytest.raises(Stop):
        kl.fair.leximin(pool, quotas, 22, progress=stop)


def test_solver_error_class() -> None:
    # A solver failure cannot be provoked on purpose; the class is exported and typed.
    err = kl.SolverError("solver failure: status Unknown")
    assert isinstance(err, kl.KleroterionError)
