"""The NATO parser on synthetic workbooks in the published layout, quirks included."""

from __future__ import annotations

from pathlib import Path

import pytest

from natospend.errors import InputError
from natospend.ingest.nato import parse_nato_workbook
from workbooks import ALLIES, NatoLayout, make_nato_workbook


def _rows(path: Path) -> dict[tuple[str, str, str, int], object]:
    wb = parse_nato_workbook(path)
    return {(r.country, r.indicator, r.price_basis, r.year): r for r in wb.rows}


def test_reads_every_block_with_estimates_flags_and_aggregates(tmp_path: Path) -> None:
    path = make_nato_workbook(tmp_path / "nato.xlsx")
    wb = parse_nato_workbook(path)
    assert wb.edition == "2024"
    rows = {(r.country, r.indicator, r.price_basis, r.year): r for r in wb.rows}
    # 31 allies x 11 years x 2 blocks for Table 2, plus two aggregates x 11 x 2
    usd = [r for r in wb.rows if r.indicator == "defence_expenditure_usd_m"]
    assert len(usd) == (31 + 2) * 11 * 2
    assert rows[("ALB", "defence_expenditure_usd_m", "constant-2015", 2014)].value == 100.0
    assert rows[("ALB", "defence_expenditure_usd_m", "current", 2014)].value == pytest.approx(110.0)
    # a string year ('2019') is a year, and 'YYYYe' is an estimate
    assert rows[("ALB", "gdp_usd_m", "current", 2019)].estimate is False
    assert rows[("ALB", "gdp_usd_m", "current", 2023)].estimate is True
    assert rows[("ALB", "gdp_usd_m", "current", 2024)].estimate is True
    # the star after a name is a flag, not part of the name
    czech = rows[("CZE", "defence_expenditure_share_gdp_pct", "constant-2015", 2020)]
    assert czech.country_name == "Czechia" and czech.flags == "national_2pct_law"
    assert rows[("BEL", "defence_expenditure_share_gdp_pct", "constant-2015", 2020)].flags == ""
    # Table 1 keeps the currency in the unit
    assert rows[("POL", "defence_expenditure_nc_m", "current", 2014)].unit == "million national currency (Zlotys)"
    # aggregates keep their explicit codes
    assert rows[("NATO_TOTAL", "gdp_usd_m", "current", 2014)].value == 50000.0
    assert ("NATO_EUROPE_CANADA", "defence_expenditure_usd_m", "current", 2024) in rows
    # Table 7 has no block title; Table 8b's stray zero row is not data
    assert rows[("USA", "military_personnel_k", "none", 2014)].value == 40.0
    infrastructure = [r for r in wb.rows if r.indicator == "infrastructure_share_pct"]
    assert len(infrastructure) == 31 * 11
    assert any("TABLE8b" in note and "not data" in note for note in wb.skipped)


def test_the_notes_under_the_tables_are_kept_in_nato_s_words(tmp_path: Path) -> None:
    from natospend.data.source_notes import past_year_judgements

    wb = parse_nato_workbook(make_nato_workbook(tmp_path / "nato.xlsx"))
    assert wb.footnotes["notes"] == "Figures for the last two years are estimates."
    assert wb.footnotes["*"].startswith("These Allies have national laws") and "  " not in wb.footnotes["*"]
    assert past_year_judgements(wb.footnotes["*"]) == [("Albania", 2016, 2.0), ("Albania", 2019, 2.0)]


@pytest.mark.parametrize(
    ("note", "judged"),
    [
        (
            "(In 2018 and 2021, Lithuania met 2% using November 2018 and June 2021 OECD figures respectively).",
            [("Lithuania", 2018, 2.0), ("Lithuania", 2021, 2.0)],
        ),
        (
            "(In 2016, 2017 and 2019, Slovak Republic met 2% using the then available figures).",
            [("Slovak Republic", 2016, 2.0), ("Slovak Republic", 2017, 2.0), ("Slovak Republic", 2019, 2.0)],
        ),
        ("These Allies have national laws or political agreements which call for 2% of GDP or more.", []),
    ],
)
def test_past_year_judgements_are_read_from_nato_s_note(note: str, judged: list[tuple[str, int, float]]) -> None:
    from natospend.data.source_notes import past_year_judgements

    assert past_year_judgements(note) == judged


def test_later_edition_layout_is_read(tmp_path: Path) -> None:
    layout = NatoLayout(first_year=2015, last_year=2025, base_year=2021, sheet_name="Table {n}")
    rows = _rows(make_nato_workbook(tmp_path / "nato2025.xlsx", layout))
    assert ("ALB", "defence_expenditure_usd_m", "constant-2021", 2025) in rows
    assert rows[("ALB", "defence_expenditure_usd_m", "constant-2021", 2025)].estimate is True
    assert not any(key[3] == 2014 for key in rows)


def test_changed_title_is_rejected_not_misread(tmp_path: Path) -> None:
    path = make_nato_workbook(tmp_path / "other.xlsx", NatoLayout(table1_title="Defence and related expenditure"))
    with pytest.raises(InputError) as caught:
        parse_nato_workbook(path)
    message = str(caught.value)
    assert "other.xlsx" in message and "TABLE1" in message and "row 4" in message
    assert "Defence and related expenditure" in message and "'defence expenditure'" in message


def test_june_2025_edition_shape_is_read(tmp_path: Path) -> None:
    """Synthetic, in the 2014-2025 shape: one more year, 2024 and 2025 estimates (no real file here)."""
    wb = parse_nato_workbook(make_nato_workbook(tmp_path / "nato2025.xlsx", NatoLayout(last_year=2025)))
    assert wb.edition == "2025" and wb.title == "Defence Expenditure of NATO Countries (2014-2025)"
    rows = {(r.country, r.indicator, r.price_basis, r.year): r for r in wb.rows}
    assert rows[("POL", "defence_expenditure_share_gdp_pct", "constant-2015", 2025)].estimate is True
    assert rows[("POL", "defence_expenditure_share_gdp_pct", "constant-2015", 2023)].estimate is False


def test_core_defence_expenditure_edition_is_the_same_series(tmp_path: Path) -> None:
    """Synthetic, in the July 2026 shape: 'Core defence expenditure' titles, 2014-2026, 2025-2026 estimates."""
    layout = NatoLayout(last_year=2026, core=True, sheet_name="Table {n}")
    wb = parse_nato_workbook(make_nato_workbook(tmp_path / "nato2026.xlsx", layout))
    assert wb.edition == "2026" and wb.core_titles
    assert wb.title == "Defence Investment of NATO Countries (2014-2026)"
    rows = {(r.country, r.indicator, r.price_basis, r.year): r for r in wb.rows}
    share = rows[("GBR", "defence_expenditure_share_gdp_pct", "constant-2015", 2026)]
    assert share.estimate is True and share.source_table == "Table 3"
    assert ("USA", "defence_expenditure_per_capita_usd", "constant-2015", 2026) in rows
    assert not any(r.country == "ISL" and r.indicator == "defence_expenditure_usd_m" for r in wb.rows)


def test_missing_table_is_named(tmp_path: Path) -> None:
    path = make_nato_workbook(tmp_path / "missing.xlsx", NatoLayout(drop_tables=("6",)))
    with pytest.raises(InputError, match=r"missing\.xlsx: missing table\(s\) Table 6"):
        parse_nato_workbook(path)


def test_shifted_header_is_rejected(tmp_path: Path) -> None:
    path = make_nato_workbook(tmp_path / "shifted.xlsx", NatoLayout(shift_header="5"))
    with pytest.raises(InputError) as caught:
        parse_nato_workbook(path)
    message = str(caught.value)
    assert "sheet 'TABLE5'" in message and "row 11" in message and "column D" in message
    assert "outside the year columns" in message


def test_text_where_a_number_belongs(tmp_path: Path) -> None:
    path = make_nato_workbook(tmp_path / "text.xlsx", NatoLayout(text_cell=("2", "Belgium", 3)))
    with pytest.raises(InputError) as caught:
        parse_nato_workbook(path)
    # Belgium is the second ally: row 12 of the first block; year index 3 is column G
    assert str(caught.value).startswith("file text.xlsx, sheet 'TABLE2', row 12, column G: found 'n.a.'")
    assert "expected a number" in str(caught.value)


def test_table4_disagreeing_with_table2_is_rejected(tmp_path: Path) -> None:
    layout = NatoLayout(overrides={("2", "1", "Albania", 0): 101.0})
    with pytest.raises(InputError, match=r"sheet 'TABLE4', row 23, column D: Table 4 shows 100.0 for Albania"):
        parse_nato_workbook(make_nato_workbook(tmp_path / "t4.xlsx", layout))


def test_unknown_country_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbooks

    monkeypatch.setattr(workbooks, "ALLIES", ALLIES[:-1] + [("Atlantis", False, "Drachma")])
    with pytest.raises(InputError, match=r"unknown country or aggregate name 'Atlantis   \(Drachma\)'"):
        parse_nato_workbook(make_nato_workbook(tmp_path / "atl.xlsx"))


def test_not_a_workbook(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("not a zip")
    with pytest.raises(InputError, match="bogus.xlsx: cannot read the workbook"):
        parse_nato_workbook(bogus)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # an absurd money value at current prices: out of bounds, named by its cell
        (
            {("2", "0", "Belgium", 3): 1e308},
            r"sheet 'TABLE2', row 12, column G: Belgium 2017: 1e\+308 is outside the "
            r"plausible range",
        ),
        # a negative amount
        ({("5", "1", "Belgium", 0): -5.0}, r"sheet 'TABLE5', row \d+, column D: Belgium 2014: -5.0 is outside"),
        # plausible on its own, but current dollars no longer follow constant dollars as GDP's do
        (
            {("2", "0", "Belgium", 3): 2000.0},
            r"sheet 'TABLE2', row 12, column G: BEL 2017: current/constant dollars "
            r"is 8.69565 for defence \(Table 2\) but 1.1 for GDP \(Table 5\)",
        ),
        # per capita that no longer matches the totals
        ({("6", "1", "Belgium", 0): 150.0}, r"sheet 'TABLE6', row \d+, column D: BEL 2014: Table 6 per capita implies"),
        # the constant-price exchange rate must be one per ally
        (
            {("1", "1", "Belgium", 2): 999.0},
            r"sheet 'TABLE2', row \d+, column F: Table 2 constant gives BEL 2016 an "
            r"exchange rate",
        ),
    ],
)
def test_money_figures_are_bounded_and_cross_checked(tmp_path: Path, overrides: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError, match=message):
        parse_nato_workbook(make_nato_workbook(tmp_path / "money.xlsx", NatoLayout(overrides=overrides)))


def test_a_country_twice_in_a_block_names_both_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbooks

    monkeypatch.setattr(workbooks, "ALLIES", ALLIES[:-1] + [("Belgium", False, "Euros")])
    with pytest.raises(
        InputError,
        match=r"sheet 'TABLE1', row 41, column C: a second row for Belgium in this block "
        r"\(the first is row 12\)",
    ):
        parse_nato_workbook(make_nato_workbook(tmp_path / "twice.xlsx"))
