"""What the reports say is true to the sources: definitions, series breaks, today's dollars, pledges,
membership years, names and generated prose."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from natospend import load_spending
from natospend.analysis import required_growth as pathways
from natospend.analysis import status
from natospend.data.breaks import SeriesBreak, find_jumps, load_series_breaks, trend_breaks
from natospend.data.reference import resolve_ally
from natospend.data.series import allies_only, nato_table
from natospend.data.targets import TARGETS_YAML, definitions_markdown, load_targets
from natospend.errors import InputError
from natospend.formatting import count, names, verb, year_ranges
from natospend.ingest.pipeline import run_ingest
from natospend.text import status_text as alliance_overview
from workbooks import NatoLayout, make_nato_workbook

BREAK_HEADER = "source,edition,country,indicator,year,kind,what_changed,reason\n"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return nato_table(load_spending("nato", "2024"))


# ---- 1. The Hague commitment as agreed -------------------------------------------------------


def test_caveats_come_from_targets_yaml(tmp_path: Path, table: pd.DataFrame) -> None:
    source = TARGETS_YAML.read_text(encoding="utf-8")
    changed = tmp_path / "targets.yaml"
    changed.write_text(
        source.replace("like for like in definition.", "like for like in definition (TEST WORDING)."), encoding="utf-8"
    )
    targets = load_targets(changed)
    assert "TEST WORDING" in definitions_markdown([targets["core_3_5pct"]])
    chosen = [targets["core_3_5pct"], targets["total_5pct"]]
    text = alliance_overview.headline(
        status.target_status(table, 2024, chosen),
        chosen,
        table=table,
        aggregates=status.alliance_aggregates(table, 2024),
        burden=pd.DataFrame({"year": []}),
        year=2024,
    )
    assert "TEST WORDING" in text and "overstates the gap to 5%" in text
    assert "do not split core" not in text


def test_a_target_without_its_wording_is_refused(tmp_path: Path) -> None:
    source = TARGETS_YAML.read_text(encoding="utf-8")
    broken = tmp_path / "targets.yaml"
    broken.write_text(
        source.replace('    wording_source: "The Hague Summit Declaration, 25 June 2025, para. 2"\n', ""),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="total_5pct.*wording_source is missing"):
        load_targets(broken)


# ---- 2. Series breaks --------------------------------------------------------------------------


def test_the_committed_edition_has_every_jump_listed() -> None:
    frame = load_spending("nato", "2024")
    listed = {(b.country, b.indicator, b.year) for b in load_series_breaks()}
    found = {(j.country, j.indicator, int(j.year)) for j in find_jumps(frame).itertuples()}
    assert ("LUX", "gdp_usd_m", 2023) in found and ("LUX", "defence_expenditure_share_gdp_pct", 2023) in found
    assert found <= listed
    assert all(b.reason.strip() and b.what_changed.strip() for b in load_series_breaks())


def _break_layout() -> NatoLayout:
    # Luxembourg's personnel double from 2023 (index 9) on: one jump, no cross-table check touched
    return NatoLayout(overrides={("7", "0", "Luxembourg", 9): 40.0, ("7", "0", "Luxembourg", 10): 40.0})


def test_an_unlisted_jump_fails_ingest_until_listed(tmp_path: Path) -> None:
    workbook = make_nato_workbook(tmp_path / "nato.xlsx", _break_layout())
    breaks = tmp_path / "series_breaks.csv"
    breaks.write_text(BREAK_HEADER, encoding="utf-8")
    dataset, sources = tmp_path / "spending", tmp_path / "sources.json"
    with pytest.raises(
        InputError,
        match=r"file nato.xlsx, sheet 'Table 7', column 2023: NATO edition 2024: LUX "
        r"military_personnel_k moves from 26 in 2022 to 40 in 2023",
    ):
        run_ingest(nato_paths=[workbook], dataset_dir=dataset, sources_path=sources, series_breaks_path=breaks)
    assert not dataset.exists()
    breaks.write_text(
        BREAK_HEADER + "nato,2024,LUX,military_personnel_k,2023,unexplained,doubles,test\n", encoding="utf-8"
    )
    run_ingest(nato_paths=[workbook], dataset_dir=dataset, sources_path=sources, series_breaks_path=breaks)
    assert (dataset / "nato" / "2024.csv").is_file()


def test_a_break_list_without_a_reason_is_refused(tmp_path: Path) -> None:
    breaks = tmp_path / "series_breaks.csv"
    breaks.write_text(BREAK_HEADER + "nato,2024,LUX,gdp_usd_m,2023,break,fell, \n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column reason: reason is empty"):
        load_series_breaks(breaks)
    breaks.write_text(BREAK_HEADER + "nato,2024,LUX,gdp_usd_m,2023,oops,fell,why\n", encoding="utf-8")
    with pytest.raises(InputError, match="column kind"):
        load_series_breaks(breaks)


def test_a_listed_break_moves_the_trend_window(table: pd.DataFrame, tmp_path: Path) -> None:
    moved = {"ESP": [SeriesBreak("nato", "2024", "ESP", "gdp_usd_m", 2018, "break", "new GDP", "test")]}
    paths = pathways.pathways_to_target(table, 3.5, 2035, breaks=moved).set_index("country")
    rows = allies_only(table).set_index(["country", "year"])
    g = (rows.at[("ESP", 2024), "gdp_usd_m_constant"] / rows.at[("ESP", 2018), "gdp_usd_m_constant"]) ** (1 / 6) - 1
    r = (rows.at[("ESP", 2024), "defence_usd_m_constant"] / rows.at[("ESP", 2018), "defence_usd_m_constant"]) ** (
        1 / 6
    ) - 1
    assert paths.at["ESP", "trend_start_year"] == 2018 and "series break in 2018" in paths.at["ESP", "trend_note"]
    assert paths.at["ESP", "gdp_growth_pct"] == pytest.approx(g * 100)
    assert paths.at["ESP", "trend_real_growth_pct"] == pytest.approx(r * 100)
    assert paths.at["FRA", "trend_start_year"] == 2014 and paths.at["FRA", "trend_note"] == ""
    # a genuine movement (kind `real`) does not move it; a change of series does
    listed = tmp_path / "series_breaks.csv"
    listed.write_text(
        BREAK_HEADER + "nato,2024,ESP,gdp_usd_m,2018,real,recession,test\n"
        "nato,2024,FRA,defence_expenditure_usd_m,2019,break,new definition,test\n",
        encoding="utf-8",
    )
    found = trend_breaks("nato", "2024", listed)
    assert set(found) == {"FRA"}
    assert pathways.growth_rates(table, 2024, breaks=found).at["FRA", "trend_start_year"] == 2019
    assert trend_breaks("nato", "2024").get("BGR") is None  # Bulgaria's 2019 spike is listed as real


def test_luxembourg_trend_is_not_computed_across_2023(table: pd.DataFrame) -> None:
    paths = pathways.pathways_to_target(table, 3.5, 2035, breaks=trend_breaks("nato", "2024")).set_index("country")
    lux = paths.loc["LUX"]
    assert lux["trend_start_year"] == 2023 and "not comparable" in lux["trend_note"]
    assert math.isnan(lux["trend_real_growth_pct"]) and math.isnan(lux["gdp_growth_pct"])
    assert pd.isna(lux["year_target_reached_at_trend"])
    # without the listed break the 2014-2024 trend would run across the new denominator
    naive = pathways.pathways_to_target(table, 3.5, 2035).set_index("country")
    assert naive.at["LUX", "gdp_growth_pct"] < -1.9
    # the sensitivity grid drops what has no trend instead of running across the break
    grid = pathways.sensitivity(table, [3.5], [2035], breaks=trend_breaks("nato", "2024"))
    assert grid.loc[3.5, 2035] > 0


# ---- 3. Money in today's dollars ------------------------------------------------------------------


def test_current_dollar_gap_is_gap_times_current_gdp(table: pd.DataFrame) -> None:
    paths = pathways.pathways_to_target(table, 3.5, 2035)
    base = allies_only(table)
    base = base[base["year"] == 2024].set_index("country")
    expected = sum(
        max(0.0, 3.5 - base.at[c, "share_gdp_pct"]) / 100 * base.at[c, "gdp_usd_m_current"] for c in base.index
    )
    totals = pathways.extra_spending_totals(paths).set_index("group")
    assert totals.at["All allies", "extra_spending_usd_m_current"] == pytest.approx(expected)
    # today's dollars are worth more than 2015's: the current figure is the larger one
    assert (
        totals.at["All allies", "extra_spending_usd_m_current"]
        > totals.at["All allies", "extra_spending_usd_m_constant"]
    )


def test_an_ally_above_the_target_needs_no_growth(table: pd.DataFrame) -> None:
    poland = pathways.pathways_to_target(table, 3.5, 2035).set_index("country").loc["POL"]
    assert bool(poland["already_at_target"]) and math.isnan(poland["required_real_growth_pct"])
    assert poland["extra_spending_usd_m_current"] == 0


# ---- 5. Members, years and words -------------------------------------------------------------------


def test_2014_counts_only_members(table: pd.DataFrame) -> None:
    result = status.target_status(table, 2014, load_targets().values())
    assert len(result) == 27
    assert not {"FIN", "SWE", "MNE", "MKD"} & set(result["country"])
    assert "MNE" in set(status.target_status(table, 2017, [])["country"])  # joined June 2017
    assert "MKD" not in set(status.target_status(table, 2019, [])["country"])


@pytest.mark.parametrize(
    ("spelling", "iso3"),
    [
        ("Turkey", "TUR"),
        ("Czech Republic", "CZE"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("US", "USA"),
        ("USA", "USA"),
        ("United States", "USA"),
        ("America", "USA"),
        ("Macedonia", "MKD"),
        ("Holland", "NLD"),
        ("u.k.", "GBR"),
        ("Türkiye", "TUR"),
        ("Slovakia", "SVK"),
    ],
)
def test_common_names_resolve(spelling: str, iso3: str) -> None:
    assert resolve_ally(spelling) == iso3


def test_unknown_name_is_refused() -> None:
    with pytest.raises(ValueError):
        resolve_ally("Austria")


def test_counts_and_lists_read_as_english() -> None:
    assert f"{count(1, 'ally', 'allies')} {verb(1, 'meets', 'meet')}" == "1 ally meets"
    assert f"{count(3, 'ally', 'allies')} {verb(3, 'meets', 'meet')}" == "3 allies meet"
    assert names(["A", "B", "C"]) == "A, B and C" and names([]) == "none"
    assert year_ranges([2004, 2005, 2006, 2010]) == "2004-2006 and 2010"


def test_notebook_03_records_the_sipri_edition_it_reads() -> None:
    from natospend.reports.dating import page_dating
    from natospend.reports.runner import plan_run, resolve_notebooks

    plan = plan_run(resolve_notebooks(["03"]), {"country": "Poland"}, name="t")
    params = plan.notebooks[0].params
    assert params.sources() == {"nato": {"2024"}, "sipri": {params["sipri_edition"]}, "imf": {params["imf_edition"]}}
    dated = page_dating(params.sources()).data
    assert any(line.startswith("SIPRI Military Expenditure Database") for line in dated), dated


# ---- definition or vintage, breaks quoted from the release compared, the shortfall as a counterfactual -------


def test_nato_minus_sipri_splits_into_definition_and_sipri_revision(table: pd.DataFrame) -> None:
    """NATO's June 2024 figures against SIPRI's April 2026 release mix definition and vintage: against SIPRI's
    April 2025 release Poland's +0.37 is -0.03, and +0.40 is SIPRI's own revision (4.15% to 3.75%)."""
    from natospend.analysis.comparison import definition_and_vintage, nato_vs_sipri
    from natospend.text.comparison_text import definition_or_vintage_words

    compared = nato_vs_sipri(table, load_spending("sipri", "2026"))
    split = definition_and_vintage(compared, load_spending("sipri", "2025"), 2024).set_index("country")
    parts = split["difference_from_earlier_release_pp"] + split["sipri_revision_pp"]
    assert (parts - split["difference_pp"]).abs().max() < 1e-12 and len(split) == 31
    poland = split.loc["POL"]
    assert (
        round(poland["difference_from_earlier_release_pp"], 2) == -0.03 and round(poland["sipri_revision_pp"], 2) == 0.4
    )
    words = definition_or_vintage_words(split.reset_index(), year=2024, sipri_edition="2026", earlier_edition="2025")
    assert "23 stand at 2% or more on NATO's figures, 17 on SIPRI's 2025 release" in words and "13 on its 2026" in words
    assert "Poland (+0.37: -0.03 against the earlier release, +0.40 SIPRI's revision)" in words
    assert definition_and_vintage(compared, None, 2024).empty


@pytest.mark.parametrize(("edition", "moves"), [("2025", "from 0.63% to 0.77%"), ("2026", "from 0.57% to 0.68%")])
def test_a_break_note_quotes_sipri_from_the_release_compared(table: pd.DataFrame, edition: str, moves: str) -> None:
    """Luxembourg's break (a changed denominator in 2023): SIPRI's share before and after comes from the release
    on the page, never from a hand-written sentence; the year's difference is marked not comparable."""
    from natospend.analysis.comparison import nato_vs_sipri
    from natospend.data.breaks import trend_breaks
    from natospend.text.comparison_text import breaks_behind_differences, readable_year

    compared = nato_vs_sipri(table, load_spending("sipri", edition))
    breaks = trend_breaks("nato", "2024")
    words = breaks_behind_differences(compared, breaks, 2024)
    assert f"In SIPRI's figures (the release compared) the share moves {moves}." in words
    assert "denominator" in words
    shown = readable_year(compared, 2024, breaks)
    assert shown.loc["Luxembourg", "NATO minus SIPRI, pp"].endswith("(break)")
    assert "break" not in shown.loc["Poland", "NATO minus SIPRI, pp"]


def test_the_shortfall_is_framed_as_a_counterfactual_with_its_caveats(table: pd.DataFrame) -> None:
    from natospend.analysis.shortfall import shortfall_since
    from natospend.data.breaks import trend_breaks
    from natospend.data.series import estimate_years

    shortfall = shortfall_since(table, 2.0, 2014)
    guideline = load_targets()["gdp_2pct"]
    words = alliance_overview.shortfall_words(
        shortfall,
        threshold=2.0,
        start=2014,
        price_base=2015,
        guideline=guideline,
        estimated=estimate_years(table),
        breaks=trend_breaks("nato", "2024"),
    )
    assert "a counterfactual" in words and "This is not a debt" in words
    assert "\u201caim to move towards the 2% guideline within a decade\u201d (Wales Summit Declaration" in words
    assert "NATO's estimates for 2023-2024" in words and "a listed series break: Luxembourg" in words
    surplus = shortfall.set_index("country")["surplus_usd_m_constant"]
    assert f"{surplus['USA'] / surplus.sum() * 100:.0f}% of that by the United States" in words
    other = alliance_overview.shortfall_words(
        shortfall_since(table, 2.5, 2014), threshold=2.5, start=2014, price_base=2015, guideline=guideline
    )
    assert "within a decade" not in other  # Wales's words are about 2%, not another threshold


def test_slips_in_sipri_s_notes_are_quoted_and_marked_sic() -> None:
    from natospend.text.source_notes_text import _plain

    assert _plain("by NATO, the principle source for the data") == "by NATO, the principle source [sic] for the data"
    assert _plain("Finland\u2019s figures includes spending") == "Finland\u2019s figures includes [sic] spending"
    assert "[sic]" not in _plain("Spain's figures include pensions")


def test_only_notes_that_tie_sipris_own_figures_to_natos_are_quoted_as_such() -> None:
    """Bulgaria's note gives NATO's figures as an alternative that SIPRI's own (lower) figures do not use: it
    is not evidence that SIPRI took figures from NATO. A note calling NATO the principal source, or saying NATO's
    methods changed the figures, is; a quotation that ends the sentence keeps its own full stop."""
    import pandas as pd

    from natospend.text.source_notes_text import sipri_notes_words

    notes = pd.DataFrame(
        {
            "country_name": ["Bulgaria", "Luxembourg"],
            "mark": ["\u2020", "\u00a7"],
            "note": [
                "Bulgaria: NATO has provided figures for Bulgaria including pensions from 2006\u20132008: 1393 million.",
                "Figures may not be fully consistent due to changing methodologies by NATO as to the PGD.",
            ],
        }
    )
    words = sipri_notes_words(notes, "2026", name_nato_sources=True)
    tied = words.split("Where SIPRI's notes tie its own figures to NATO's, for the years each names (its words): ")[1]
    assert "Bulgaria: \u201c" not in tied and tied.startswith("Luxembourg: \u201cFigures may not")
    assert "as to the PGD.\u201d Notes that name NATO in another way are not listed (Bulgaria, quoted above)." in tied
    assert "The absence of such a note is not evidence" in tied and ".\u201d." not in tied
    none = sipri_notes_words(notes.iloc[:1], "2026", name_nato_sources=True)
    assert "(its words): none in this release. Notes that name NATO in another way" in none
    # the earlier release's note said more (NATO "the principle source"): quoted too, with its release named
    earlier = notes.assign(note=["Bulgaria: no.", "by NATO, the principle source for the data."])
    both = sipri_notes_words(notes, "2026", name_nato_sources=True, earlier_notes=earlier, earlier_edition="2025")
    assert "Luxembourg (April 2025 release): \u201cby NATO, the principle source [sic] for the data.\u201d" in both
    # a note that names NATO otherwise only in the earlier release is not "quoted above": not named as not listed
    finland = pd.DataFrame({"country_name": ["Finland"], "mark": ["85"], "note": ["Finland joined NATO in 2023."]})
    earlier_only = sipri_notes_words(
        notes, "2026", name_nato_sources=True, earlier_notes=finland, earlier_edition="2025"
    )
    assert "not listed (Bulgaria, quoted above)" in earlier_only and "Finland" not in earlier_only


def test_the_catalogue_and_list_word_parameters_as_the_pages_do() -> None:
    from natospend.reports.parameter_words import parameters_in_words, value_in_words

    given = {"target_year": 2032, "gdp_path": "imf", "core_target_pct": 3.5, "country": "GBR"}
    assert parameters_in_words(given) == (
        "target_year: 2032; gdp_path: the IMF's GDP projections; core_target_pct: 3.5% of GDP; "
        "country: United Kingdom (GBR)"
    )
    assert all(value_in_words(k, v) in parameters_in_words(given) for k, v in given.items())
    assert parameters_in_words({}) == "the defaults"


def test_breaks_near_the_line_and_estimates_are_marked_where_they_apply(table: pd.DataFrame) -> None:
    """Luxembourg's 2024 share follows a changed denominator: marked on 01 and left out of 04's ranking and split
    averages; Slovakia's printed 2.0 (1.989 on NATO's own Tables 2 and 5) is said; a count is hollow only where an
    estimate near the line could move it; a PPP rate that is an IMF projection says so."""
    from natospend.analysis import burden
    from natospend.analysis.comparison import (
        allies_at_threshold_by_definition,
        definition_and_vintage,
        nato_vs_sipri,
        russia_comparison,
    )
    from natospend.analysis.ppp import PPP_RATE, ppp_comparison
    from natospend.data.breaks import trend_breaks
    from natospend.text import comparison_text

    breaks = trend_breaks("nato", "2024")
    chosen = [load_targets()["gdp_2pct"]]
    meeting = status.target_status(table, 2024, chosen)
    shown = alliance_overview.readable_status(meeting, chosen, breaks)
    assert shown.loc["Luxembourg", "Share of GDP, %"] == "1.29 (break)"
    assert shown.loc["Poland", "Share of GDP, %"] == "4.12"
    words = alliance_overview.headline(
        meeting,
        chosen,
        table=table,
        aggregates=status.alliance_aggregates(table, 2024),
        burden=burden.burden_sharing(table),
        year=2024,
    )
    assert "Slovak Republic 2024: Table 3 publishes exactly 2.0 (estimate)" in words

    sipri = load_spending("sipri", "2026")
    compared = nato_vs_sipri(table, sipri)
    split = definition_and_vintage(compared, load_spending("sipri", "2025"), 2024)
    head = comparison_text.headline(
        compared,
        allies_at_threshold_by_definition(compared),
        russia_comparison(sipri),
        breaks=breaks,
        year=2024,
        earlier_edition="2025",
        split=split,
    )
    assert "on SIPRI's 13 (of 31 with both; 17 on SIPRI's own 2025 release, split below)" in head
    assert "Left out of the ranking and the median: Luxembourg (+0.63)" in head
    assert "Most positive difference (NATO above SIPRI): North Macedonia (+0.45)" in head
    vintage = comparison_text.definition_or_vintage_words(
        split, year=2024, sipri_edition="2026", earlier_edition="2025", breaks=breaks
    )
    assert (
        "Over the 30 without a break in NATO's series" in vintage and "Left out of the averages: Luxembourg" in vintage
    )

    counts = allies_at_threshold_by_definition(compared).set_index("year")
    assert bool(counts.loc[2024, "nato_count_on_estimate"])  # NATO's 2024 estimates: Slovakia at 2.00
    assert not counts["sipri_count_on_estimate"].loc[2014:2022].any()  # SIPRI's estimate there: Luxembourg, far off
    ppp, ratios = ppp_comparison(sipri, load_spending("imf", None, indicator=PPP_RATE))
    assert "(a projection for 2025 in the IMF's 2025-10 edition)" in comparison_text.ppp_words(
        ppp, ratios, sipri_edition="2026", imf_edition="2025-10"
    )


def test_a_share_near_the_line_is_printed_on_its_side_of_it() -> None:
    from natospend.formatting import beside_line

    assert beside_line(1.998, 2.0) == "1.998" and beside_line(1.99964, 2.0) == "1.9996"
    assert beside_line(2.0, 2.0) == "2.000" and beside_line(2.0004, 2.0) == "2.000"
    assert float(beside_line(1.9999999, 2.0)) < 2.0
