#!/usr/bin/env python3
"""Regenerates tests/data/spreadsheets/ from the Sortition Foundation fixture.

Writes a UTF-8 copy of tests/data/sortition-algorithms/{candidates,features}.csv with numeric
ids, a date column and an accented value (the values the spreadsheet readers must keep as
typed), the same data as Windows-1252 CSV with `;` separators and CRLF (what French Excel's
"CSV (separateur : point-virgule)" writes), and the workbooks LibreOffice makes of the UTF-8
copy (.xlsx, .ods, .xls). Needs LibreOffice (`soffice`) on PATH; the tests read the committed
files, so CI does not.

    python3 scripts/spreadsheet-fixtures.py
"""

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "sortition-algorithms"
OUT = ROOT / "tests" / "data" / "spreadsheets"

# An accented value with an en dash, which Windows-1252 holds at 0x96 (outside Latin-1).
RENAMED = {"Highlands and Islands": "Gàidhealtachd – Highlands and Islands"}
# LibreOffice's CSV import: `,` separator, `"` quotes, UTF-8 (76), from line 1, English (US)
# numbers and dates, quoted fields not forced to text, special numbers (dates) detected. Every
# column is standard (numbers become numbers) but the one named, which is text: LibreOffice
# would read the age bracket "60+" as the number 60, as an organiser would not type it.
def import_filter(header, text_column):
    formats = "/".join(
        f"{i}/{2 if name == text_column else 1}" for i, name in enumerate(header, start=1)
    )
    return f"CSV:44,34,76,1,{formats},1033,false,true"


def rows(name):
    with open(SOURCE / name, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write(path, table, encoding, delimiter, newline):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(table)
    path.write_bytes(buf.getvalue().encode(encoding))


def main():
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: install LibreOffice (apt-get install libreoffice-calc)")
    OUT.mkdir(parents=True, exist_ok=True)

    people = rows("candidates.csv")
    header = people[0] + ["registered"]
    geo = header.index("geo_bucket")
    table = [header]
    for n, row in enumerate(people[1:]):
        row = list(row)
        row[0] = str(1000 + n)  # p0 -> 1000: an integer id, which a sheet stores as a number
        row[geo] = RENAMED.get(row[geo], row[geo])
        table.append(row + [f"2024-{1 + n % 12:02}-{1 + n % 28:02}"])
    quotas = [[RENAMED.get(c, c) for c in r] for r in rows("features.csv")]

    for stem, t, text in (("candidates", table, "age_bracket"), ("features", quotas, "value")):
        write(OUT / f"{stem}.csv", t, "utf-8", ",", "\n")
        write(OUT / f"{stem}-windows-1252.csv", t, "cp1252", ";", "\r\n")
        with tempfile.TemporaryDirectory() as tmp:
            # A profile of its own, so that a running LibreOffice does not take the job.
            profile = Path(tmp, "profile").as_uri()
            for ext in ("xlsx", "ods", "xls"):
                subprocess.run(
                    [
                        "soffice",
                        f"-env:UserInstallation={profile}",
                        "--headless",
                        f"--infilter={import_filter(t[0], text)}",
                        "--convert-to",
                        ext,
                        "--outdir",
                        str(OUT),
                        str(OUT / f"{stem}.csv"),
                    ],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )


if __name__ == "__main__":
    main()
