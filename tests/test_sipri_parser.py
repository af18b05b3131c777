"""The SIPRI parser on synthetic workbooks: units, missing-value meanings, colour flags, footnotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from natospend.errors import InputError
from natospend.ingest.sipri import parse_sipri_workbook, shift_decimal
from workbooks import SipriLayout, make_sipri_workbook


@pytest.fixture
def sipri_rows(tmp_path: Path):  # type: ignore[no-untyped-def]
    wb = parse_sipri_workbook(make_sipri_workbook(tmp_path / "sipri.xlsx"))
    return wb, {(r.country, r.indicator, r.price_basis, r.year): r for r in wb.rows}


def test_shares_become_percent_exactly(sipri_rows) -> None:  # type: ignore[no-untyped-def]
    _, rows = sipri_rows
    share = rows[("RUS", "defence_expenditure_share_gdp_pct", "current", 2024)]
    assert share.value == 7.05  # not 7.050000000000001
    assert share.unit == "percent of GDP"
    assert rows[("RUS", "defence_expenditure_share_government_pct", "current", 2021)].value == 3.59


def test_local_currency_becomes_millions(sipri_rows) -> None:  # type: ignore[no-untyped-def]
    _, rows = sipri_rows
    row = rows[("DEU", "defence_expenditure_nc_m", "current", 2024)]
    assert row.value == 18.8 / 1e6 * 1  # published 18.8 (units) -> 0.0000188 million
    assert row.unit == "million national currency (Euros)"


def test_colours_and_missing_meanings(sipri_rows) -> None:  # type: ignore[no-untyped-def]
    _, rows = sipri_rows
    assert rows[("RUS", "defence_expenditure_usd_m", "constant-2023", 2024)].estimate is True
    assert rows[("RUS", "defence_expenditure_usd_m", "constant-2023", 2021)].estimate is False
    uncertain = rows[("UKR", "defence_expenditure_usd_m", "current", 2024)]
    assert "highly_uncertain" in uncertain.flags.split(";") and uncertain.estimate is False
    no_data = rows[("RUS", "defence_expenditure_usd_m", "current", 2022)]
    assert no_data.value is None and "no_data" in no_data.flags.split(";")
    ussr = rows[("SUN", "defence_expenditure_usd_m", "current", 2021)]
    assert ussr.value is None and "not_independent" in ussr.flags.split(";")


def test_regions_and_footnotes_kept(sipri_rows) -> None:  # type: ignore[no-untyped-def]
    wb, rows = sipri_rows
    russia = rows[("RUS", "defence_expenditure_usd_m", "current", 2024)]
    assert (russia.region, russia.subregion) == ("Europe", "Eastern Europe")
    assert "sipri_footnote_83" in russia.flags.split(";")
    kuwait = rows[("KWT", "defence_expenditure_usd_m", "current", 2024)]
    assert (kuwait.region, kuwait.subregion) == ("Middle East", "")
    assert "adopted_budget" in rows[("UKR", "defence_expenditure_usd_m", "current", 2024)].flags
    assert wb.footnotes["83"] == "Russia: a footnote." and "adopted budget" in wb.footnotes["§"]
    assert wb.edition == "2025"


def test_unknown_country_rejected(tmp_path: Path) -> None:
    path = make_sipri_workbook(tmp_path / "s.xlsx", SipriLayout(extra_country="Freedonia"))
    with pytest.raises(
        InputError,
        match=r"s\.xlsx, sheet 'Constant \(2023\) US\$', row 17, column A: "
        r"unknown SIPRI country name 'Freedonia'",
    ):
        parse_sipri_workbook(path)


def test_missing_sheet_rejected(tmp_path: Path) -> None:
    path = make_sipri_workbook(tmp_path / "s.xlsx", SipriLayout(drop_sheet="Share of GDP"))
    with pytest.raises(InputError, match=r"no sheet named like 'Share of GDP'"):
        parse_sipri_workbook(path)


def test_text_in_number_cell_rejected(tmp_path: Path) -> None:
    path = make_sipri_workbook(tmp_path / "s.xlsx", SipriLayout(text_cell="Per capita"))
    with pytest.raises(InputError, match=r"sheet 'Per capita', row 14, column D: found 'n/a' where a number belongs"):
        parse_sipri_workbook(path)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.0705, 2, 7.05),
        (0.1, 2, 10.0),
        (2926000000000.0, -6, 2926000.0),
        (5836100000.0, -6, 5836.1),
        (12.5, 0, 12.5),
    ],
)
def test_shift_decimal(value: float, places: int, expected: float) -> None:
    assert shift_decimal(value, places) == expected


def test_april_2026_release_shape_is_read(tmp_path: Path) -> None:
    wb = parse_sipri_workbook(make_sipri_workbook(tmp_path / "sipri2026.xlsx", SipriLayout.april_2026()))
    assert wb.edition == "2026"
    rows = {(r.country, r.indicator, r.price_basis, r.year): r for r in wb.rows}
    assert ("DEU", "defence_expenditure_usd_m", "constant-2024", 2025) in rows
    missing = rows[("RUS", "defence_expenditure_usd_m", "constant-2024", 2023)]  # written '\u2026'
    assert missing.value is None and "no_data" in missing.flags
    # 'Western Europe' filled with '...' is a heading, not a country
    assert rows[("DEU", "defence_expenditure_usd_m", "current", 2025)].subregion == "Western Europe"
    assert rows[("RUS", "defence_expenditure_share_gdp_pct", "current", 2025)].estimate is True  # blue


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        (SipriLayout.april_2026(marker="n.a."), r"sheet 'Constant \(2024\) US\$', row 10, column \w+: found 'n.a.'"),
        (
            SipriLayout.april_2026(rename=("Share of GDP", "GDP share")),
            r"no sheet named like 'Share of GDP'.*GDP share",
        ),
        (
            SipriLayout.april_2026(title_base=2023),
            r"sheet 'Constant \(2024\) US\$', row 1, column A: sheet 'Constant \(2024\) US\$' is in 2024 prices",
        ),
    ],
)
def test_a_changed_release_is_rejected_with_its_place(tmp_path: Path, layout: SipriLayout, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_sipri_workbook(make_sipri_workbook(tmp_path / "third.xlsx", layout))


def test_colour_scan_reads_cell_attributes_in_any_order() -> None:
    """Excel writes r, s, t; another writer may not. Only numeric cells of a wanted style count."""
    from natospend.ingest.sipri import coloured_cells

    xml = (
        b'<row r="3"><c r="B3" s="7" t="n"><v>1</v></c><c t="n" s="7" r="C3"><v>2</v></c>'
        b'<c s="8" r="AA3"><v>3</v></c><c r="D3" s="7" t="s"><v>0</v></c><c r="E3" s="9"><v>4</v></c>'
        b'<c r="F3"/><c\ts="7"\nr="G3"><v>5</v></c></row>'
    )
    assert coloured_cells(xml, {b"7": "blue", b"8": "red"}) == {
        (2, 1): "blue",
        (2, 2): "blue",
        (2, 26): "red",
        (2, 6): "blue",
    }
