"""`natospend ingest`: user CSVs, atomic writes, clear errors and non-zero exits."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from natospend.data.dataset import load_spending
from natospend.errors import InputError
from natospend.ingest.usercsv import read_user_csv
from workbooks import NatoLayout, SipriLayout, make_nato_workbook, make_sipri_workbook


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"NATOSPEND_HOME": str(home), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([sys.executable, "-m", "natospend.cli", *args], capture_output=True, text=True, env=env)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    """Every file below a folder (temporary files included) with its sha256."""
    return {str(p.relative_to(folder)): _digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_long_and_wide_csv_forms(tmp_path: Path) -> None:
    long = tmp_path / "long.csv"
    long.write_text(
        "country,year,indicator,value,estimate\nGBR,2026,defence_expenditure_share_gdp_pct,2.5,true\n"
        "Deutschland,2026,defence_expenditure_share_gdp_pct,3.0,false\n".replace("Deutschland", "Germany")
    )
    rows = read_user_csv(long, "budget")
    assert list(rows[["country", "year", "value", "estimate", "unit"]].itertuples(index=False, name=None)) == [
        ("GBR", 2026, 2.5, True, "percent of GDP"),
        ("DEU", 2026, 3.0, False, "percent of GDP"),
    ]
    assert set(rows["source"]) == {"budget"} and set(rows["edition"]) == {"user"}
    wide = tmp_path / "wide.csv"
    wide.write_text("country,year,defence_expenditure_share_gdp_pct,gdp_usd_m\nSlovak Republic,2027,2.2,\n")
    rows = read_user_csv(wide, "budget")
    assert list(rows[["country", "indicator", "value"]].itertuples(index=False, name=None)) == [
        ("SVK", "defence_expenditure_share_gdp_pct", 2.2)
    ]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "country,year,indicator,value\nATLANTIS,2026,gdp_usd_m,1\n",
            r"row 2, column country: unknown country 'ATLANTIS'",
        ),
        (
            "country,year,indicator,value\nGBR,2026,gdp_usd_m,1\nGBR,2026,gdp_usd_m,2\n",
            r"row 3: duplicate row for GBR 2026 gdp_usd_m \(current\); first at row 2",
        ),
        ("country,year,indicator,value\nGBR,2026,gdp_usd_m,lots\n", r"row 2, column value: found 'lots'"),
        ("country,year,indicator,value\nGBR,20x6,gdp_usd_m,1\n", r"row 2, column year: year is '20x6'"),
        ("country,year,indicator,value\nGBR,2026,gdp_usd,1\n", r"row 2, column indicator: unknown indicator 'gdp_usd'"),
        ("country,year,spending\nGBR,2026,1\n", r"row 1: column\(s\) \['spending'\] are not indicators"),
        # an absurd or negative amount is refused, with its row and column
        (
            "country,year,indicator,value\nGBR,2026,gdp_usd_m,1\nGBR,2027,defence_expenditure_usd_m,1e308\n",
            r"row 3, column value: 1e308 is outside the plausible range 0 to 1e\+07 million US dollars",
        ),
        ("country,year,gdp_usd_m\nGBR,2026,-4\n", r"row 2, column gdp_usd_m: -4 is outside the plausible range"),
        (
            "country,year,indicator,value,unit\nGBR,2026,gdp_usd_m,1,billion US dollars\n",
            r"row 2, column unit: unit 'billion US dollars' for gdp_usd_m",
        ),
    ],
)
def test_bad_csv_rows_are_named(tmp_path: Path, text: str, pattern: str) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(text)
    with pytest.raises(InputError, match="file mine.csv, " + pattern):
        read_user_csv(path, "mine")


def test_label_is_checked(tmp_path: Path) -> None:
    from natospend.ingest.pipeline import READERS
    from natospend.ingest.usercsv import RESERVED_LABELS

    assert set(READERS) <= set(RESERVED_LABELS)  # every publisher's reader owns its label
    for label in ("nato", "IMF", "sipri"):
        with pytest.raises(InputError, match=f"source label {label!r} is reserved for the publisher's own files"):
            read_user_csv(tmp_path / "x.csv", label)
    with pytest.raises(InputError, match=re.escape("source label 'mine\\n' is not allowed")):  # no trailing newline
        read_user_csv(tmp_path / "x.csv", "mine\n")


def test_not_a_text_csv_is_named(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("country,year,gdp_usd_m\nT\xfcrkiye,2026,1\n".encode("latin-1"))
    with pytest.raises(InputError, match="file latin.csv, row 2: not UTF-8 text"):
        read_user_csv(latin, "mine")
    workbook = make_nato_workbook(tmp_path / "book.xlsx")
    with pytest.raises(InputError, match=r"file book.xlsx, row 1: this is a zip archive \(an .xlsx workbook\?\)"):
        read_user_csv(workbook, "mine")


def test_ingest_synthetic_workbooks_then_add_csv(project_copy: Path, tmp_path: Path) -> None:
    nato = make_nato_workbook(tmp_path / "nato.xlsx")
    sipri = make_sipri_workbook(tmp_path / "sipri.xlsx")
    dataset = project_copy / "data/processed/spending"
    shutil.rmtree(dataset)
    done = _cli("ingest", "--nato", str(nato), "--sipri", str(sipri), home=project_copy)
    assert done.returncode == 0, done.stderr
    first = _tree(dataset)
    assert set(first) == {"nato/2024.csv", "sipri/2025.csv"}  # one file per source and edition
    again = _cli("ingest", "--nato", str(nato), "--sipri", str(sipri), home=project_copy)
    assert again.returncode == 0 and _tree(dataset) == first  # deterministic bytes

    budget = tmp_path / "budget.csv"
    budget.write_text("country,year,defence_expenditure_share_gdp_pct\nGBR,2027,2.5\nGBR,2029,3.0\n")
    added = _cli("ingest", "--csv", str(budget), "--label", "uk-pledge", home=project_copy)
    assert added.returncode == 0, added.stderr
    after = _tree(dataset)
    assert {k: after[k] for k in first} == first and "uk-pledge/user.csv" in after  # its own file, others kept
    frame = load_spending(path=dataset)
    assert set(frame["source"]) == {"nato", "sipri", "uk-pledge"}  # NATO and SIPRI rows were kept
    mine = frame[frame["source"] == "uk-pledge"]
    assert mine["value"].tolist() == [2.5, 3.0] and set(mine["unit"]) == {"percent of GDP"}


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        (NatoLayout(drop_tables=("3",)), "missing table(s) Table 3"),
        (NatoLayout(shift_header="7"), "sheet 'TABLE7', row 10, column D"),
        (NatoLayout(text_cell=("8a", "Poland", 0)), "sheet 'TABLE8a', row 32, column D: found 'n.a.'"),
    ],
)
def test_failed_ingest_leaves_dataset_untouched(
    project_copy: Path, tmp_path: Path, layout: NatoLayout, message: str
) -> None:
    processed = project_copy / "data/processed"
    before = _tree(processed)
    bad = make_nato_workbook(tmp_path / "bad.xlsx", layout)
    done = _cli("ingest", "--nato", str(bad), home=project_copy)
    assert done.returncode == 2
    assert "natospend ingest: error: file bad.xlsx" in done.stderr and message in done.stderr
    assert _tree(processed) == before  # same files, same bytes, no temporary file left


def test_failed_csv_ingest_leaves_dataset_untouched(project_copy: Path, tmp_path: Path) -> None:
    processed = project_copy / "data/processed"
    before = _tree(processed)
    bad = tmp_path / "dupes.csv"
    bad.write_text("country,year,indicator,value\nFRA,2026,gdp_usd_m,1\nFRA,2026,gdp_usd_m,1\n")
    done = _cli("ingest", "--csv", str(bad), "--label", "dupes", home=project_copy)
    assert done.returncode == 2 and "row 3: duplicate row for FRA 2026" in done.stderr
    assert _tree(processed) == before


def test_sipri_problem_fails_cleanly(project_copy: Path, tmp_path: Path) -> None:
    bad = make_sipri_workbook(tmp_path / "s.xlsx", SipriLayout(extra_country="Freedonia"))
    done = _cli("ingest", "--sipri", str(bad), home=project_copy)
    assert done.returncode == 2 and "unknown SIPRI country name 'Freedonia'" in done.stderr


def test_nothing_to_ingest(project_copy: Path) -> None:
    done = _cli("ingest", home=project_copy)
    assert done.returncode == 2 and "nothing to ingest" in done.stderr


def test_several_editions_in_one_ingest(project_copy: Path, tmp_path: Path) -> None:
    old = make_sipri_workbook(tmp_path / "SIPRI-Milex-data-old.xlsx")
    new = make_sipri_workbook(tmp_path / "SIPRI-Milex-data-new.xlsx", SipriLayout.april_2026())
    done = _cli("ingest", "--sipri", str(old), "--sipri", str(new), home=project_copy)
    assert done.returncode == 0, done.stderr
    assert "sipri 2025:" in done.stdout and "sipri 2026:" in done.stdout
    # a folder of workbooks: every NATO and SIPRI file in it
    by_folder = _cli("ingest", "--raw-dir", str(tmp_path), home=project_copy)
    assert by_folder.returncode == 0, by_folder.stderr
    assert "sipri 2025:" in by_folder.stdout and "sipri 2026:" in by_folder.stdout
    # two files of one edition are refused
    twice = _cli("ingest", "--sipri", str(old), "--sipri", str(old), home=project_copy)
    assert twice.returncode == 2 and "are both sipri edition 2025" in twice.stderr


def test_bad_sipri_release_leaves_dataset_untouched(project_copy: Path, tmp_path: Path) -> None:
    processed = project_copy / "data/processed"
    before = _tree(processed)
    bad = make_sipri_workbook(tmp_path / "third.xlsx", SipriLayout.april_2026(title_base=2023))
    done = _cli("ingest", "--sipri", str(bad), home=project_copy)
    assert done.returncode == 2 and "sheet 'Constant (2024) US$', row 1, column A" in done.stderr
    assert _tree(processed) == before


def test_an_edition_not_in_the_dataset_lists_those_that_are() -> None:
    with pytest.raises(InputError, match=r"edition '2024' is not in the dataset for source sipri.*one of 2025, 2026"):
        load_spending("sipri", "2024")
