"""Spreadsheets and Windows-1252 CSV as organisers have them: the Sortition Foundation fixture
saved by LibreOffice (.xlsx, .ods, .xls) and as French Excel's Windows-1252 `;` CSV
(tests/data/spreadsheets) commits to the pool of the UTF-8 CSV, and to the command line's."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import kleroterion as kl

from conftest import DATA

SHEETS = DATA / "spreadsheets"
KEY = "73686172656420736563726574212121"
HOUSEHOLD = ["primary_address1", "primary_zip"]


def commitment(people: Path, quotas: Path, **read: object) -> str:
    pool = kl.Pool.from_csv(people, id="nationbuilder_id", household=HOUSEHOLD, **read)  # type: ignore[arg-type]
    q = kl.Quotas.from_csv(quotas, **read)  # type: ignore[arg-type]
    return kl.commit(pool, q, 22, allow_small_cells=1, method="greedy", ticket_key=KEY, title="Sheets", progress=False).commitment


@pytest.fixture(scope="module")
def utf8() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return commitment(SHEETS / "candidates.csv", SHEETS / "features.csv")


@pytest.mark.parametrize("ext", ["xlsx", "ods", "xls"])
def test_spreadsheets_commit_to_the_pool_of_the_utf8_csv(utf8: str, ext: str) -> None:
    assert commitment(SHEETS / f"candidates.{ext}", SHEETS / f"features.{ext}") == utf8
    assert commitment(SHEETS / f"candidates.{ext}", SHEETS / f"features.{ext}", sheet=1) == utf8


def test_windows_1252_csv_commits_to_the_pool_of_the_utf8_csv(utf8: str) -> None:
    people, quotas = SHEETS / "candidates-windows-1252.csv", SHEETS / "features-windows-1252.csv"
    with pytest.warns(UserWarning, match="read as Windows-1252"):
        assert commitment(people, quotas) == utf8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert commitment(people, quotas, encoding="windows-1252") == utf8


def test_cells_are_read_as_typed() -> None:
    pool = kl.Pool.from_csv(SHEETS / "candidates.xlsx", id="nationbuilder_id", sheet="candidates")
    assert list(pool.ids[:2]) == ["1000", "1001"]
    assert pool.data["registered"][0] == "2024-01-01"
    assert "Gàidhealtachd – Highlands and Islands" in set(pool.data["geo_bucket"])
    # The DataFrame path is unchanged.
    df = pd.read_csv(SHEETS / "candidates.csv", dtype=str)
    frame = kl.Pool.from_dataframe(df, id="nationbuilder_id")
    assert list(frame.ids) == list(pool.ids)


def test_a_wrong_sheet_lists_the_sheets() -> None:
    with pytest.raises(kl.InvalidInput) as e:
        kl.Pool.from_csv(SHEETS / "candidates.ods", sheet="Feuil1")
    assert e.value.kind == "SheetChoice"
    assert 'no sheet "Feuil1"; the sheets are 1 "candidates"' in str(e.value)
    assert "sheet= in Python" in str(e.value)
    with pytest.raises(kl.InvalidInput, match="counted from 1"):
        kl.Quotas.from_csv(SHEETS / "features.xlsx", sheet=0)


def test_an_undecodable_file_names_the_byte_and_the_fix(tmp_path: Path) -> None:
    raw = bytearray((SHEETS / "features-windows-1252.csv").read_bytes())
    at = raw.index(b"\n") + 2
    raw[at] = 0x8F
    bad = tmp_path / "quotas.csv"
    bad.write_bytes(bytes(raw))
    with pytest.raises(kl.InvalidInput) as e:
        kl.Quotas.from_csv(bad)
    message = str(e.value)
    assert e.value.kind == "NotWindows1252"
    assert f"quotas.csv, line 2: byte 0x8F (offset {at} in the file" in message
    assert "Fix: save the file as UTF-8" in message
    with pytest.raises(kl.InvalidInput, match='encoding="windows-1252" in Python'):
        kl.Quotas.from_csv(SHEETS / "features-windows-1252.csv", encoding="utf-8")
    with pytest.raises(kl.InvalidInput, match="unknown encoding"):
        kl.Quotas.from_csv(SHEETS / "features.csv", encoding="latin-9")  # type: ignore[arg-type]
