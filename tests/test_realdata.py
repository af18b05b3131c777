"""The official workbooks (NATOSPEND_RAW_DIR): published cells land in the dataset exactly."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import IMF_FILE, NATO_FILE, SIPRI_2026_FILE, SIPRI_FILE
from natospend.data.dataset import edition_file, normalise_frame, to_csv_bytes
from natospend.ingest.nato import parse_nato_workbook
from natospend.ingest.pipeline import ingest_imf, ingest_nato, ingest_sipri
from natospend.ingest.sipri import parse_sipri_workbook
from natospend.ingest.validation import validate_dataset
from natospend.paths import SOURCES_JSON, SPENDING_DIR

pytestmark = pytest.mark.realdata

# Where a published figure sits in NATO's workbook (sheet, block title, row label, year) and what the dataset
# calls it (country, indicator, price basis). The value and the estimate mark are read from the workbook by
# `_nato_cell` below, an openpyxl reader independent of the parser (which reads with calamine and finds
# tables from their titles).
NATO_CELLS = [
    ("TABLE1", "Current prices", "Albania", 2014, "ALB", "defence_expenditure_nc_m", "current"),
    ("TABLE1", "Constant 2015 prices", "Czechia", 2024, "CZE", "defence_expenditure_nc_m", "constant-2015"),
    ("TABLE1", "Current prices", "United States", 2024, "USA", "defence_expenditure_nc_m", "current"),
    ("TABLE2", "Current prices and exchange rates", "Czechia", 2024, "CZE", "defence_expenditure_usd_m", "current"),
    ("TABLE2", "Constant 2015 prices", "Albania", 2014, "ALB", "defence_expenditure_usd_m", "constant-2015"),
    ("TABLE2", "Constant 2015 prices", "United Kingdom", 2014, "GBR", "defence_expenditure_usd_m", "constant-2015"),
    (
        "TABLE2",
        "Current prices and exchange rates",
        "NATO Total",
        2014,
        "NATO_TOTAL",
        "defence_expenditure_usd_m",
        "current",
    ),
    ("TABLE3", "Share of real GDP", "France", 2020, "FRA", "defence_expenditure_share_gdp_pct", "constant-2015"),
    ("TABLE3", "Share of real GDP", "Poland", 2024, "POL", "defence_expenditure_share_gdp_pct", "constant-2015"),
    ("TABLE3", "Share of real GDP", "United States", 2014, "USA", "defence_expenditure_share_gdp_pct", "constant-2015"),
    (
        "TABLE3",
        "Share of real GDP",
        "NATO Europe and Canada",
        2024,
        "NATO_EUROPE_CANADA",
        "defence_expenditure_share_gdp_pct",
        "constant-2015",
    ),
    ("TABLE3", "Annual real change", "Bulgaria", 2019, "BGR", "defence_expenditure_real_change_pct", "constant-2015"),
    ("TABLE5", "Current prices and exchange rates", "Iceland", 2014, "ISL", "gdp_usd_m", "current"),
    ("TABLE5", "Current prices and exchange rates", "United States", 2024, "USA", "gdp_usd_m", "current"),
    ("TABLE6", "GDP per capita", "Iceland", 2014, "ISL", "gdp_per_capita_usd_k", "constant-2015"),
    (
        "TABLE6",
        "Defence expenditure per capita",
        "United States",
        2014,
        "USA",
        "defence_expenditure_per_capita_usd",
        "constant-2015",
    ),
    ("TABLE7", None, "Albania", 2014, "ALB", "military_personnel_k", "none"),
    ("TABLE7", None, "United States", 2024, "USA", "military_personnel_k", "none"),
    ("TABLE7", None, "NATO Total", 2014, "NATO_TOTAL", "military_personnel_k", "none"),
    ("TABLE8a", "Equipment", "United Kingdom", 2014, "GBR", "equipment_share_pct", "current"),
    ("TABLE8a", "Personnel", "United States", 2014, "USA", "personnel_share_pct", "current"),
    ("TABLE8b", "Infrastructure", "Türkiye", 2014, "TUR", "infrastructure_share_pct", "current"),
    ("TABLE8b", "Other", "United Kingdom", 2014, "GBR", "other_share_pct", "current"),
]


def _nato_cell(path: Path, sheet: str, block: str | None, label: str, year: int) -> tuple[object, bool]:
    """One published figure and whether NATO marks its year an estimate ('2024e'), read with openpyxl: the year
    header is the first row of at least five year cells; a block starts at a row holding only its title; the
    row is the first in the block whose label, without NATO's '*' and currency, is `label`."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()

    def year_of(value: object) -> str | None:
        text = str(value).strip() if value is not None else ""
        return text if text[:4].isdigit() and len(text) in (4, 5) else None

    header = next(r for r in rows if sum(year_of(v) is not None for v in r) >= 5)
    column = next(i for i, v in enumerate(header) if year_of(v) and int(year_of(v)[:4]) == year)  # type: ignore[index]
    start = rows.index(header)
    if block is not None:
        start = next(
            i
            for i, r in enumerate(rows)
            if [v for v in r if v is not None]
            and str([v for v in r if v is not None][0]).startswith(block)
            and len([v for v in r if v is not None]) == 1
        )
    for row in rows[start + 1 :]:
        first = next((v for v in row if v is not None), None)
        if isinstance(first, str) and first.split("  ")[0].replace("*", "").strip() == label:
            return row[column], str(header[column]).strip().endswith("e")
    raise AssertionError(f"{label} not found in {sheet} {block}")


# SIPRI: (sheet, row label, year, dataset key, scale). Shares are published as fractions and local currency
# in units: the dataset holds percent and millions, the published digits shifted (checked here with Decimal).
SIPRI_CELLS = [
    ("Share of GDP", "Russia", 2024, "RUS", "defence_expenditure_share_gdp_pct", "current", 100),
    ("Local currency financial years", "Algeria", 2024, "DZA", "defence_expenditure_nc_fy_m", "current", 1e-6),
    ("Constant (2023) US$", "Algeria", 2024, "DZA", "defence_expenditure_usd_m", "constant-2023", 1),
    ("Current US$", "Morocco", 2024, "MAR", "defence_expenditure_usd_m", "current", 1),
    ("Per capita", "Algeria", 1988, "DZA", "defence_expenditure_per_capita_usd", "current", 1),
    ("Share of Govt. spending", "Algeria", 2024, "DZA", "defence_expenditure_share_government_pct", "current", 100),
]


@pytest.fixture(scope="module")
def nato(raw_dir: Path):  # type: ignore[no-untyped-def]
    return parse_nato_workbook(raw_dir / NATO_FILE)


@pytest.fixture(scope="module")
def sipri(raw_dir: Path):  # type: ignore[no-untyped-def]
    return parse_sipri_workbook(raw_dir / SIPRI_FILE)


@pytest.fixture(scope="module")
def sipri_2026(raw_dir: Path):  # type: ignore[no-untyped-def]
    return parse_sipri_workbook(raw_dir / SIPRI_2026_FILE)


@pytest.mark.parametrize(("sheet", "block", "label", "year", "country", "indicator", "basis"), NATO_CELLS)
def test_nato_published_cells(
    raw_dir: Path,
    nato,
    sheet: str,
    block: str | None,
    label: str,
    year: int,  # type: ignore[no-untyped-def]
    country: str,
    indicator: str,
    basis: str,
) -> None:
    published, estimate = _nato_cell(raw_dir / NATO_FILE, sheet, block, label, year)
    assert isinstance(published, (int, float))
    rows = [
        r for r in nato.rows if (r.country, r.indicator, r.price_basis, r.year) == (country, indicator, basis, year)
    ]
    assert len(rows) == 1
    assert rows[0].value == published  # exactly, not approximately
    assert rows[0].estimate is estimate


def test_nato_shape(nato) -> None:  # type: ignore[no-untyped-def]
    assert nato.edition == "2024"
    assert nato.skipped == ["TABLE8b row 42: unlabelled row [0.0, 0.0, 0.0]... is not data"]
    countries = {r.country for r in nato.rows if r.indicator == "defence_expenditure_share_gdp_pct"}
    assert len(countries) == 33 and "ISL" not in countries  # 31 allies with armed forces + 2 aggregates
    assert {r.country for r in nato.rows if r.indicator == "gdp_usd_m"} >= {"ISL"}
    starred = {r.country for r in nato.rows if r.flags == "national_2pct_law"}
    assert starred == {"CZE", "EST", "LVA", "LTU", "POL", "ROU"}


@pytest.mark.parametrize(("sheet", "name", "year", "country", "indicator", "basis", "scale"), SIPRI_CELLS)
def test_sipri_published_cells(
    raw_dir: Path,
    sipri,
    sheet: str,
    name: str,
    year: int,
    country: str,  # type: ignore[no-untyped-def]
    indicator: str,
    basis: str,
    scale: float,
) -> None:
    from decimal import Decimal

    published = _openpyxl_cell(raw_dir / SIPRI_FILE, sheet, name, year)
    assert isinstance(published, (int, float))
    rows = [
        r for r in sipri.rows if (r.country, r.indicator, r.price_basis, r.year) == (country, indicator, basis, year)
    ]
    assert len(rows) == 1
    assert rows[0].value == float(Decimal(repr(float(published))) * Decimal(repr(scale)))


def test_sipri_missing_meanings_and_flags(sipri) -> None:  # type: ignore[no-untyped-def]
    by_key = {(r.country, r.indicator, r.price_basis, r.year): r for r in sipri.rows}
    libya = by_key[("LBY", "defence_expenditure_usd_m", "constant-2023", 2024)]
    assert libya.value is None and "no_data" in libya.flags
    north_yemen = by_key[("XYN", "defence_expenditure_per_capita_usd", "current", 1990)]
    assert north_yemen.value is None and "not_independent" in north_yemen.flags
    assert sum("highly_uncertain" in r.flags for r in sipri.rows) > 100
    assert len({r.country for r in sipri.rows}) == 174
    assert sipri.footnotes["†"].startswith("Figures for these countries do not include military pensions")


def test_committed_dataset_is_what_ingest_makes(raw_dir: Path) -> None:
    """A fresh clone runs from data/processed/: each file must be exactly the ingest of its official file."""
    inputs = {
        ("nato", "2024"): (ingest_nato, NATO_FILE),
        ("sipri", "2025"): (ingest_sipri, SIPRI_FILE),
        ("sipri", "2026"): (ingest_sipri, SIPRI_2026_FILE),
        ("imf", "2025-10"): (ingest_imf, IMF_FILE),
    }
    sources = json.loads(SOURCES_JSON.read_text(encoding="utf-8"))
    by_key = {(r["source"], r["edition"]): r for r in sources["inputs"]}
    for (source, edition), (reader, name) in inputs.items():
        frame = normalise_frame(reader(raw_dir / name)[0])
        validate_dataset(frame)
        assert to_csv_bytes(frame) == edition_file(SPENDING_DIR, source, edition).read_bytes()
        assert by_key[(source, edition)]["sha256"] == hashlib.sha256((raw_dir / name).read_bytes()).hexdigest()
    # the re-saved SIPRI copy records SIPRI's own file too: the same edition
    assert by_key[("sipri", "2026")]["publisher_file"] == {"md5": "1b197f8d3c0d803d234870477ce17b64", "bytes": 922552}


@pytest.mark.parametrize(
    ("name", "constant_sheet"), [(SIPRI_FILE, "Constant (2023) US$"), (SIPRI_2026_FILE, "Constant (2024) US$")]
)
def test_fast_colour_scan_matches_openpyxl_cell_by_cell(raw_dir: Path, name: str, constant_sheet: str) -> None:
    """The XML scan for coloured cells must find exactly what openpyxl's per-cell fonts say."""
    import openpyxl

    from natospend.ingest.sipri import _colour_name, read_font_flags

    path = raw_dir / name
    names = [constant_sheet, "Share of GDP", "Local currency financial years"]
    fast = read_font_flags(path, names)
    workbook = openpyxl.load_workbook(path, read_only=True)
    slow: dict[str, dict[tuple[int, int], str]] = {}
    for name in names:
        slow[name] = {}
        for row in workbook[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and cell.font is not None:
                    colour = _colour_name(cell.font.color)
                    if colour:
                        slow[name][(cell.row - 1, cell.column - 1)] = colour
    workbook.close()
    assert fast == slow
    assert sum(len(cells) for cells in fast.values()) > 1000


def _openpyxl_cell(path: Path, sheet: str, country: str, year: int) -> object:
    """An independent read of one published cell: the row whose first cell is the country, the
    column whose header is the year (openpyxl, not the parser's calamine reader)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = next(r for r in rows if r and r[0] == "Country")
    column = next(i for i, v in enumerate(header) if isinstance(v, (int, float)) and int(v) == year)
    return next(r for r in rows if r and r[0] == country)[column]


@pytest.mark.parametrize(
    ("sheet", "name", "iso3", "indicator", "basis", "year", "scale"),
    [
        ("Share of GDP", "Poland", "POL", "defence_expenditure_share_gdp_pct", "current", 2024, 100),
        ("Share of GDP", "Russia", "RUS", "defence_expenditure_share_gdp_pct", "current", 2025, 100),
        ("Constant (2024) US$", "Germany", "DEU", "defence_expenditure_usd_m", "constant-2024", 2025, 1),
        ("Current US$", "United States of America", "USA", "defence_expenditure_usd_m", "current", 2025, 1),
        ("Current US$", "Ukraine", "UKR", "defence_expenditure_usd_m", "current", 2025, 1),
    ],
)
def test_sipri_2026_cells_match_an_independent_read(
    raw_dir: Path,
    sipri_2026,
    sheet: str,
    name: str,  # type: ignore[no-untyped-def]
    iso3: str,
    indicator: str,
    basis: str,
    year: int,
    scale: int,
) -> None:
    from decimal import Decimal

    path = raw_dir / SIPRI_2026_FILE
    published = _openpyxl_cell(path, sheet, name, year)
    assert isinstance(published, (int, float))
    parsed = [
        r for r in sipri_2026.rows if (r.country, r.indicator, r.price_basis, r.year) == (iso3, indicator, basis, year)
    ]
    assert len(parsed) == 1
    assert parsed[0].value == float(Decimal(repr(float(published))) * scale)


def test_sipri_2026_edition_and_revisions(sipri, sipri_2026) -> None:  # type: ignore[no-untyped-def]
    new = sipri_2026
    assert new.edition == "2026"
    assert {r.price_basis for r in new.rows if r.indicator == "defence_expenditure_usd_m"} == {
        "current",
        "constant-2024",
    }
    assert max(r.year for r in new.rows) == 2025
    # the April 2026 release writes missing data as '...' and '\u2026' as well: all become no_data
    assert sum("no_data" in r.flags for r in new.rows) > 1000
    poland = {
        r.year: r.value for r in new.rows if r.country == "POL" and r.indicator == "defence_expenditure_share_gdp_pct"
    }
    assert round(poland[2024], 2) == 3.75  # 4.15 in the April 2025 release (../shared/data/README.md)
    before = {
        r.year: r.value for r in sipri.rows if r.country == "POL" and r.indicator == "defence_expenditure_share_gdp_pct"
    }
    assert round(before[2024], 2) == 4.15
