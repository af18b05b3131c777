"""What real growth each ally needs to reach a target share of GDP by a year, against its trend.

Notation: base year y0 with share s0 (percent of GDP), target share T by year Y, real GDP
growth g and trend real growth of defence spending r (both as fractions per year).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from natospend.analysis.gdp_paths import GdpPath, constant_path, gdp_assumption
from natospend.data.breaks import SeriesBreak, break_note, trend_start
from natospend.data.series import allies_only
from natospend.errors import InputError
from natospend.formatting import count

# The groups of extra_spending_totals (its `group` column), for whoever reads that table
EUROPE_AND_CANADA, UNITED_STATES, ALL_ALLIES = "Europe and Canada", "United States", "All allies"

# A year reached at trend later than this extrapolates one ten-year growth rate for decades: pages say
# "after 2050" (tables/*.csv keep the computed year).
EXTRAPOLATION_HORIZON = 2050


def compound_growth(start: float, end: float, years: int) -> float:
    """Compound annual growth rate (a fraction) from `start` to `end` over `years` years."""
    if years <= 0:
        raise ValueError("years must be positive")
    if start <= 0 or end <= 0:
        raise ValueError("compound growth needs positive values")
    return (end / start) ** (1 / years) - 1


def required_real_growth(base_share: float, target_share: float, years: int, gdp_growth: float) -> float:
    """(T/s0)^(1/(Y-y0)) x (1+g) - 1: the real growth that lifts s0 to T in `years` years."""
    if years <= 0:
        raise ValueError("the target year must be after the base year")
    return (target_share / base_share) ** (1 / years) * (1 + gdp_growth) - 1


def years_to_target(base_share: float, target_share: float, real_growth: float, gdp_growth: float) -> float | None:
    """ln(T/s0) / ln((1+r)/(1+g)); 0 when already there; None when never (r <= g)."""
    if base_share >= target_share:
        return 0.0
    if real_growth <= gdp_growth:
        return None
    return math.log(target_share / base_share) / math.log((1 + real_growth) / (1 + gdp_growth))


def year_target_reached(
    base_year: int, base_share: float, target_share: float, real_growth: float, gdp_growth: float
) -> int | None:
    """The first whole year at or above the target at trend: y0 + ceil(years_to_target)."""
    years = years_to_target(base_share, target_share, real_growth, gdp_growth)
    if years is None:
        return None
    return base_year + math.ceil(years - 1e-9)


def extra_spending(target_share: float, base_share: float, real_gdp: float) -> float:
    """(T - s0)/100 x real GDP: what it takes at y0 to stand at T (0 when already there)."""
    return max(target_share - base_share, 0.0) / 100 * real_gdp


def share_path(
    base_year: int, base_share: float, real_growth: float, gdp_growth: float, years: Iterable[int]
) -> list[float]:
    """s(t) = s0 x ((1+r)/(1+g))^(t-y0)."""
    ratio = (1 + real_growth) / (1 + gdp_growth)
    return [base_share * ratio ** (year - base_year) for year in years]


PATHWAY_COLUMNS = (
    "country",
    "country_name",
    "base_year",
    "base_share_pct",
    "target_pct",
    "target_year",
    "gdp_growth_pct",
    "trend_real_growth_pct",
    "required_real_growth_pct",
    "year_target_reached_at_trend",
    "gap_pp",
    "extra_spending_usd_m_constant",
    "estimate",
    "extra_spending_usd_m_current",
    "already_at_target",
    "trend_start_year",
    "trend_note",
    "gdp_path",
    "step_pp_per_year",
    "spending_at_target_usd_m_constant",
    "increase_usd_m_constant",
    "spending_at_target_usd_m_current",
    "increase_usd_m_current",
)
HORIZON = 3000  # the last year a path is followed to find the year a target is reached (the closed form has none)


def required_real_growth_on_path(
    base_share: float, target_share: float, base_year: int, target_year: int, path: GdpPath
) -> float:
    """((T/s0) x prod(1+g_t))^(1/(Y-y0)) - 1: with one rate g, (T/s0)^(1/(Y-y0)) x (1+g) - 1."""
    years = target_year - base_year
    if years <= 0:
        raise ValueError("the target year must be after the base year")
    return ((target_share / base_share) * path.factor(base_year, target_year)) ** (1 / years) - 1


def year_reached_on_path(
    base_year: int, base_share: float, target_share: float, real_growth: float, path: GdpPath
) -> int | None:
    """The first whole year the share reaches T when spending grows at r and GDP along the path; None if
    not by HORIZON. One rate: the closed form; a path: year by year."""
    if path.constant is not None:
        return year_target_reached(base_year, base_share, target_share, real_growth, path.constant)
    if base_share >= target_share:
        return base_year
    share = base_share
    for year in range(base_year + 1, HORIZON + 1):
        share *= (1 + real_growth) / (1 + path.rate(year))
        if share >= target_share:
            return year
    return None


# A trend needs a few years: one or two years after a break say nothing about a trend.
MIN_TREND_YEARS = 3


def growth_rates(
    table: pd.DataFrame,
    base_year: int,
    gdp_growth_pct: float | None = None,
    trend_start_year: int = 2014,
    breaks: dict[str, list[SeriesBreak]] | None = None,
) -> pd.DataFrame:
    """Per ally: g, real GDP growth (its own Table 5 trend, or one number for all), and r, trend real
    growth of defence spending (Table 2 constant), both compound over trend_start_year..base_year.

    A listed series break (breaks.py) inside the window moves that ally's window to start at the
    break year; an ally left with fewer than MIN_TREND_YEARS years is not comparable: no trend (NaN),
    and trend_note says why.
    """
    if not trend_start_year < base_year:
        raise InputError(f"trend_start_year {trend_start_year} must be before the base year {base_year}")
    breaks = breaks or {}
    allies = allies_only(table)
    values = allies.set_index(["country", "year"])
    base = allies[allies["year"] == base_year].set_index("country")
    rows = []
    for country, row in base.iterrows():
        start = trend_start(str(country), trend_start_year, base_year, breaks)
        note = break_note(breaks.get(str(country), [])) if start != trend_start_year else ""
        if note and base_year - start < MIN_TREND_YEARS:
            rows.append(
                {
                    "country": country,
                    "gdp_growth": math.nan if gdp_growth_pct is None else gdp_growth_pct / 100,
                    "trend_real_growth": math.nan,
                    "trend_start_year": start,
                    "trend_note": f"not comparable: {note}, which leaves "
                    f"{count(base_year - start + 1, 'year', 'years')} of the new series ({start}-{base_year}: "
                    f"{count(base_year - start, 'annual change', 'annual changes')}), too few for a trend",
                }
            )
            continue
        if (country, start) not in values.index:
            raise InputError(f"{country} has no data in the trend start year {start}")
        first = values.loc[(country, start)]
        window = base_year - start
        g = (
            gdp_growth_pct / 100
            if gdp_growth_pct is not None
            else compound_growth(first["gdp_usd_m_constant"], row["gdp_usd_m_constant"], window)
        )
        r = compound_growth(first["defence_usd_m_constant"], row["defence_usd_m_constant"], window)
        if note:
            note = f"trend from {start}, after the {note}"
        rows.append(
            {"country": country, "gdp_growth": g, "trend_real_growth": r, "trend_start_year": start, "trend_note": note}
        )
    return pd.DataFrame(rows).set_index("country")


def gdp_path_of(
    country: str, gdp_growth: float, gdp_paths: dict[str, GdpPath] | None, gdp_growth_pct: float | None
) -> GdpPath:
    """An ally's real GDP path: the IMF's, where given, else one rate (its own trend, or the number for all)."""
    return (gdp_paths or {}).get(country) or constant_path(gdp_growth, "trend" if gdp_growth_pct is None else "fixed")


def shares_at_trend(
    table: pd.DataFrame,
    years: Iterable[int],
    *,
    gdp_path: str | float = "trend",
    imf: pd.DataFrame | None = None,
    trend_start_year: int = 2014,
    base_year: int | None = None,
    breaks: dict[str, list[SeriesBreak]] | None = None,
) -> pd.DataFrame:
    """Each ally's share of GDP at its own trend in `years` after the base year, s0 x (1+r)^(t-y0) / prod(1+g_t):
    the path on which `pathways_to_target` finds the year a target is reached at trend (same r, same GDP path).
    Columns: country, year, share_at_trend_pct, trend_real_growth_pct, base_year, base_share_pct."""
    allies = allies_only(table)
    y0 = int(allies["year"].max()) if base_year is None else base_year
    wanted = sorted(int(y) for y in years)
    if not wanted or wanted[0] <= y0:
        raise InputError(f"years {wanted} must all be after the base year {y0}")
    base = allies[allies["year"] == y0].set_index("country")
    assumed = gdp_assumption(gdp_path, imf, [str(c) for c in base.index], y0, wanted[-1])
    growth = growth_rates(table, y0, assumed.growth_pct, trend_start_year, breaks)
    records = []
    for country, row in base.iterrows():
        g, r = growth.at[country, "gdp_growth"], growth.at[country, "trend_real_growth"]
        path = gdp_path_of(str(country), g, assumed.paths, assumed.growth_pct)
        s0 = float(row["share_gdp_pct"])
        for year in wanted:
            no_path = math.isnan(r) or (path.constant is not None and math.isnan(path.constant))
            share = math.nan if no_path else s0 * (1 + r) ** (year - y0) / path.factor(y0, year)
            records.append(
                {
                    "country": country,
                    "year": year,
                    "share_at_trend_pct": share,
                    "trend_real_growth_pct": r * 100,
                    "base_year": y0,
                    "base_share_pct": s0,
                }
            )
    return pd.DataFrame.from_records(records)


def pathways_to_target(
    table: pd.DataFrame,
    target_pct: float,
    target_year: int,
    *,
    gdp_path: str | float = "trend",
    imf: pd.DataFrame | None = None,
    trend_start_year: int = 2014,
    base_year: int | None = None,
    breaks: dict[str, list[SeriesBreak]] | None = None,
    gdp_paths: dict[str, GdpPath] | None = None,
    gdp_current_at_target: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Every ally's pathway from the base year (latest by default) to target_pct by target_year.

    gdp_path: "imf" (the WEO's projections in `imf`, year by year, then its last rate; current dollars at
    the deadline from the WEO's nominal GDP), "trend" (each ally's own compound real GDP growth, Table 5
    constant, over trend_start_year..base_year) or a number (% a year for all): `gdp_assumption` reads it,
    the one place every page's pathways take their GDP from. Trend real growth is the
    compound growth of real defence spending (Table 2 constant) over the same window, which
    starts later for an ally with a listed series break in it. An ally already at or above the
    target needs no growth: its required growth is empty and already_at_target is true. The gap in
    dollars is given at constant prices and at the base year's current prices and exchange rates.

    gdp_paths: each ally's real GDP growth year by year (the IMF's projections), instead of one rate;
    gdp_growth_pct then reports the path's mean rate to the deadline. Spending at the target in the
    deadline year is T x real GDP grown on the path (base-year constant dollars) and, where
    gdp_current_at_target gives the deadline year's nominal GDP (the IMF's), in current dollars; the
    increases are over the base year's spending. step_pp_per_year is the straight-line step to T by Y.
    """
    allies = allies_only(table)
    y0 = int(allies["year"].max()) if base_year is None else base_year
    if target_year <= y0:
        raise InputError(f"target_year {target_year} must be after the base year {y0}")
    base = allies[allies["year"] == y0].set_index("country")
    assumed = gdp_assumption(gdp_path, imf, [str(c) for c in base.index], y0, target_year)
    gdp_growth_pct = assumed.growth_pct
    gdp_paths = gdp_paths if gdp_paths is not None else assumed.paths
    if gdp_current_at_target is None:
        gdp_current_at_target = assumed.current_gdp_at_target
    growth = growth_rates(table, y0, gdp_growth_pct, trend_start_year, breaks)
    records = []
    for country, row in base.iterrows():
        g, r = growth.at[country, "gdp_growth"], growth.at[country, "trend_real_growth"]
        path = gdp_path_of(str(country), g, gdp_paths, gdp_growth_pct)
        s0 = float(row["share_gdp_pct"])
        at_target = s0 >= target_pct
        no_gdp = path.constant is not None and math.isnan(path.constant)
        factor = math.nan if no_gdp else path.factor(y0, target_year)
        target_constant = target_pct / 100 * float(row["gdp_usd_m_constant"]) * factor
        target_current = (
            target_pct / 100 * gdp_current_at_target[str(country)]
            if gdp_current_at_target and str(country) in gdp_current_at_target
            else math.nan
        )
        records.append(
            {
                "country": country,
                "country_name": row["country_name"],
                "base_year": y0,
                "base_share_pct": s0,
                "target_pct": target_pct,
                "target_year": target_year,
                "gdp_growth_pct": math.nan if no_gdp else path.mean_rate(y0, target_year) * 100,
                "trend_real_growth_pct": r * 100,
                "required_real_growth_pct": (
                    math.nan
                    if at_target or no_gdp
                    else required_real_growth_on_path(s0, target_pct, y0, target_year, path) * 100
                ),
                "year_target_reached_at_trend": (
                    year_reached_on_path(y0, s0, target_pct, r, path)
                    if at_target or not (math.isnan(r) or no_gdp)
                    else None
                ),
                "gap_pp": target_pct - s0,
                "extra_spending_usd_m_constant": extra_spending(target_pct, s0, float(row["gdp_usd_m_constant"])),
                "estimate": bool(row["estimate"]),
                "extra_spending_usd_m_current": extra_spending(target_pct, s0, float(row["gdp_usd_m_current"])),
                "already_at_target": at_target,
                "trend_start_year": int(growth.at[country, "trend_start_year"]),
                "trend_note": growth.at[country, "trend_note"],
                "gdp_path": path.label,
                "step_pp_per_year": max(target_pct - s0, 0.0) / (target_year - y0),
                "spending_at_target_usd_m_constant": target_constant,
                "increase_usd_m_constant": target_constant - float(row["defence_usd_m_constant"]),
                "spending_at_target_usd_m_current": target_current,
                "increase_usd_m_current": target_current - float(row["defence_usd_m_current"]),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(PATHWAY_COLUMNS))
    frame["year_target_reached_at_trend"] = frame["year_target_reached_at_trend"].astype("Int64")
    return frame.sort_values(["gap_pp", "country"], ascending=[False, True]).reset_index(drop=True)


def extra_spending_totals(paths: pd.DataFrame) -> pd.DataFrame:
    """Extra spending at the base year summed for Europe and Canada, the United States and all allies."""
    is_us = paths["country"] == "USA"
    groups = {EUROPE_AND_CANADA: ~is_us, UNITED_STATES: is_us, ALL_ALLIES: is_us | ~is_us}
    return pd.DataFrame(
        {
            "group": list(groups),
            "allies_below_target": [int((paths.loc[m, "gap_pp"] > 0).sum()) for m in groups.values()],
            "extra_spending_usd_m_constant": [
                paths.loc[m, "extra_spending_usd_m_constant"].sum() for m in groups.values()
            ],
            "extra_spending_usd_m_current": [
                paths.loc[m, "extra_spending_usd_m_current"].sum() for m in groups.values()
            ],
            "spending_at_target_usd_m_constant": [
                paths.loc[m, "spending_at_target_usd_m_constant"].sum(min_count=1) for m in groups.values()
            ],
            "increase_usd_m_constant": [
                paths.loc[m, "increase_usd_m_constant"].sum(min_count=1) for m in groups.values()
            ],
            "spending_at_target_usd_m_current": [
                paths.loc[m, "spending_at_target_usd_m_current"].sum(min_count=1) for m in groups.values()
            ],
            "increase_usd_m_current": [
                paths.loc[m, "increase_usd_m_current"].sum(min_count=1) for m in groups.values()
            ],
        }
    )


def sensitivity(
    table: pd.DataFrame,
    target_pcts: Iterable[float],
    target_years: Iterable[int],
    *,
    gdp_path: str | float = "trend",
    imf: pd.DataFrame | None = None,
    trend_start_year: int = 2014,
    breaks: dict[str, list[SeriesBreak]] | None = None,
) -> pd.DataFrame:
    """Alliance total, in year Y, of the real spending needed above each ally's trend to stand at T.

    For each ally: max(0, T/100 x GDP(y0) x (1+g)^(Y-y0) - D(y0) x (1+r)^(Y-y0)), constant USD m,
    summed over all allies with a trend; rows are targets, columns target years.
    """
    allies = allies_only(table)
    y0 = int(allies["year"].max())
    level = allies[allies["year"] == y0].set_index("country")
    years = list(target_years)
    assumed = gdp_assumption(gdp_path, imf, [str(c) for c in level.index], y0, max(years) if years else y0 + 1)
    gdp_growth_pct, gdp_paths = assumed.growth_pct, assumed.paths
    growth = growth_rates(table, y0, gdp_growth_pct, trend_start_year, breaks)
    grid = {}
    for target in target_pcts:
        row = {}
        for year in years:
            n = year - y0
            if gdp_paths:
                factors = [gdp_paths[c].factor(y0, year) for c in level.index]
                gdp = level["gdp_usd_m_constant"] * factors
            else:
                gdp = level["gdp_usd_m_constant"] * (1 + growth["gdp_growth"]) ** n
            trend = level["defence_usd_m_constant"] * (1 + growth["trend_real_growth"]) ** n
            row[year] = float((target / 100 * gdp - trend).clip(lower=0).sum())
        grid[target] = row
    frame = pd.DataFrame.from_dict(grid, orient="index")
    frame.index.name = "target_pct"
    frame.columns.name = "target_year"
    return frame
