"""The IMF's World Economic Outlook: both file forms, bad rows named; the IMF GDP path, money at the deadline,
PPP and the shortfall since 2014, each checked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from natospend import load_spending
from natospend.analysis import required_growth
from natospend.analysis.gdp_paths import GdpPath, constant_path, imf_paths
from natospend.analysis.ppp import ppp_spending
from natospend.analysis.shortfall import shortfall_since, yearly_gap
from natospend.data.series import nato_table
from natospend.errors import InputError
from natospend.ingest.imf import parse_weo

LONG = (
    "ref_area,concept,unit,scale,base_year,lastactualdate,year,value\n"
    "POL,NGDPD,USD,9,,2024,2024,914.696\n"
    "POL,NGDPD,USD,9,,2024,2025,979.96\n"
    "POL,NGDP_RPCH,PT,0,2015,2024,2025,3.2\n"
    "POL,LP,na,6,,2024,2024,36.6\n"
    "POL,NGDP_R,XDC,9,2015,2024,2024,2583.1\n"
)
AREAS = "code,area\nPOL,Republic of Poland\nG001,World\n"


def _write(folder: Path, text: str, name: str = "imf-weo-2025-10-subset.csv") -> Path:
    (folder / "imf-weo-2025-10-areas.csv").write_text(AREAS, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_long_form_in_the_dataset_units(tmp_path: Path) -> None:
    weo = parse_weo(_write(tmp_path, LONG))
    assert weo.edition == "2025-10"
    rows = {(r.country, r.indicator, r.year): r for r in weo.rows}
    assert rows[("POL", "gdp_usd_m", 2024)].value == 914696.0  # billions -> millions, exactly
    projected = rows[("POL", "gdp_usd_m", 2025)]
    assert projected.estimate and projected.flags == "imf_projection"  # after the last actual year
    assert not rows[("POL", "gdp_usd_m", 2024)].estimate
    assert rows[("POL", "population_m", 2024)].value == 36.6  # scale 6 stays millions
    assert rows[("POL", "gdp_real_nc_m", 2024)].price_basis == "constant-2015"


def test_the_imfs_own_download_form(tmp_path: Path) -> None:
    """Upper-case SDMX columns and unscaled values: the same figures."""
    sdmx = (
        "COUNTRY,INDICATOR,UNIT,SCALE,TIME_PERIOD,OBS_VALUE,LATEST_ACTUAL_ANNUAL_DATA\n"
        "POL,NGDPD,USD,9,2024,914696000000,2024\n"
        "POL,NGDP_RPCH,PT,0,2025,3.2,2024\n"
    )
    rows = {(r.country, r.indicator, r.year): r for r in parse_weo(_write(tmp_path, sdmx)).rows}
    assert rows[("POL", "gdp_usd_m", 2024)].value == 914696.0
    assert (
        rows[("POL", "gdp_real_growth_pct", 2025)].value == 3.2 and rows[("POL", "gdp_real_growth_pct", 2025)].estimate
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ATL,NGDPD,USD,9,,2024,2024,1\n", r"row 7, column ref_area: unknown area code 'ATL'"),
        ("POL,NGDPD,USD,,,2024,2023,1\n", r"row 7, column scale: scale is ''"),
        ("POL,NGDPD,USD,9,,2024,2024,2\n", r"row 7: a second row for POL NGDPD 2024 \(the first is row 2\)"),
        ("POL,XYZ,USD,0,,2024,2024,2\n", r"row 7, column concept: unknown WEO concept 'XYZ'"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_weo(_write(tmp_path, LONG + line))


def test_required_growth_on_a_path_by_hand() -> None:
    # two years, GDP +10% then +20%: (T/s0 x 1.1 x 1.2)^(1/2) - 1
    path = GdpPath(rates={2025: 0.10, 2026: 0.20}, label="IMF")
    assert required_growth.required_real_growth_on_path(2.0, 3.0, 2024, 2026, path) == pytest.approx(
        (1.5 * 1.1 * 1.2) ** 0.5 - 1
    )
    assert path.rate(2040) == 0.20  # after the last projected year: its rate
    # year by year: share x (1+r)/(1+g_t) -> 2.0 x 1.5/1.1 = 2.727 (2025), x 1.5/1.2 = 3.41 (2026)
    assert required_growth.year_reached_on_path(2024, 2.0, 3.0, 0.5, path) == 2026


def test_a_constant_imf_path_reproduces_the_trend_path() -> None:
    flat = GdpPath(rates={y: 0.02 for y in range(2025, 2031)}, label="IMF")
    assert required_growth.required_real_growth_on_path(2.0, 3.5, 2024, 2035, flat) == pytest.approx(
        required_growth.required_real_growth(2.0, 3.5, 11, 0.02)
    )
    assert required_growth.year_reached_on_path(2024, 2.0, 3.5, 0.05, flat) == required_growth.year_target_reached(
        2024, 2.0, 3.5, 0.05, 0.02
    )
    table = nato_table(load_spending("nato", "2024"))
    countries = sorted(set(table.loc[table["year"] == 2024, "country"]) - {"NATO_TOTAL", "NATO_EUROPE_CANADA", "ISL"})
    fixed = required_growth.pathways_to_target(table, 3.5, 2035, gdp_path=2.0).set_index("country")
    on_path = required_growth.pathways_to_target(table, 3.5, 2035, gdp_paths={c: flat for c in countries}).set_index(
        "country"
    )
    pd.testing.assert_series_equal(on_path["required_real_growth_pct"], fixed["required_real_growth_pct"])
    assert (on_path["year_target_reached_at_trend"].fillna(0) == fixed["year_target_reached_at_trend"].fillna(0)).all()


def test_money_at_the_deadline_by_hand() -> None:
    table = nato_table(load_spending("nato", "2024"))
    rows = table.set_index(["country", "year"])
    path = GdpPath(rates={2025: 0.03, 2026: 0.01}, label="IMF")
    result = (
        required_growth.pathways_to_target(
            table, 3.5, 2026, gdp_paths={"ESP": path}, gdp_current_at_target={"ESP": 2_000_000.0}
        )
        .set_index("country")
        .loc["ESP"]
    )
    gdp, spent = rows.at[("ESP", 2024), "gdp_usd_m_constant"], rows.at[("ESP", 2024), "defence_usd_m_constant"]
    assert result["spending_at_target_usd_m_constant"] == pytest.approx(0.035 * gdp * 1.03 * 1.01)
    assert result["increase_usd_m_constant"] == pytest.approx(0.035 * gdp * 1.03 * 1.01 - spent)
    assert result["spending_at_target_usd_m_current"] == pytest.approx(70_000.0)
    assert result["step_pp_per_year"] == pytest.approx((3.5 - rows.at[("ESP", 2024), "share_gdp_pct"]) / 2)
    assert result["gdp_path"] == "IMF"


def test_the_imf_paths_for_the_allies() -> None:
    imf = load_spending("imf", indicator="gdp_real_growth_pct")
    paths = imf_paths(imf, ["POL", "USA"], 2024)
    poland = imf[(imf["country"] == "POL") & (imf["year"] == 2027)]["value"].iloc[0]
    assert paths["POL"].rate(2027) == pytest.approx(poland / 100)
    assert paths["POL"].rate(2035) == paths["POL"].rate(2030)  # held at the 2030 rate
    with pytest.raises(InputError, match="no real GDP growth for XXX"):
        imf_paths(imf, ["XXX"], 2024)


def test_ppp_equals_market_for_the_united_states() -> None:
    sipri, imf = load_spending("sipri"), load_spending("imf", indicator="ppp_conversion_rate_nc_per_intl_usd")
    usa = ppp_spending(sipri, imf, ["USA"]).set_index("year")
    assert (usa["ppp_rate"] == 1).all()
    pd.testing.assert_series_equal(usa["spending_ppp_intl_usd_m"], usa["spending_nc_m"], check_names=False)
    russia = ppp_spending(sipri, imf, ["RUS"]).set_index("year").loc[2024]
    assert russia["spending_ppp_intl_usd_m"] == pytest.approx(russia["spending_nc_m"] / russia["ppp_rate"])


def test_the_shortfall_by_hand() -> None:
    table = pd.DataFrame(
        {
            "country": ["AAA", "AAA", "BBB", "BBB"],
            "country_name": ["A", "A", "B", "B"],
            "year": [2014, 2015, 2014, 2015],
            "share_gdp_pct": [1.5, 2.5, 3.0, 1.0],
            "gdp_usd_m_constant": [1000.0, 2000.0, 500.0, 400.0],
            "estimate": [False] * 4,
            "is_aggregate": [False] * 4,
            "member": [True, True, False, True],
        }
    )
    result = shortfall_since(table, 2.0, 2014).set_index("country")
    # A: 2014 short 0.5% of 1000 = 5; 2015 above by 0.5% of 2000 = 10
    assert result.at["AAA", "shortfall_usd_m_constant"] == pytest.approx(5.0)
    assert result.at["AAA", "surplus_usd_m_constant"] == pytest.approx(10.0)
    assert result.at["AAA", "years_below"] == 1
    # B was not a member in 2014: only 2015 counts, 1% of 400 short
    assert result.at["BBB", "first_year"] == 2015 and result.at["BBB", "shortfall_usd_m_constant"] == pytest.approx(4.0)
    assert len(yearly_gap(table, 2.0, 2015)) == 2
    assert math.isclose(constant_path(0.02).factor(2024, 2026), 1.02**2)
