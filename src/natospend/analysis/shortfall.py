"""The spending short of (and above) a share of GDP since a start year, ally by ally, members only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from natospend.data.series import members_only

if TYPE_CHECKING:
    import pandas as pd

SHORTFALL_COLUMNS = (
    "country",
    "country_name",
    "first_year",
    "last_year",
    "shortfall_usd_m_constant",
    "surplus_usd_m_constant",
    "years_below",
)


def yearly_gap(table: pd.DataFrame, threshold_pct: float = 2.0, start_year: int = 2014) -> pd.DataFrame:
    """Per ally and year it was a member at year's end, from start_year: max(0, T - share)/100 x GDP (the
    shortfall) and max(0, share - T)/100 x GDP (the surplus), GDP at the edition's constant prices."""
    rows = members_only(table)
    rows = rows[rows["year"] >= start_year][
        ["country", "country_name", "year", "share_gdp_pct", "gdp_usd_m_constant", "estimate"]
    ].copy()
    gap = threshold_pct - rows["share_gdp_pct"]
    rows["shortfall_usd_m_constant"] = gap.clip(lower=0) / 100 * rows["gdp_usd_m_constant"]
    rows["surplus_usd_m_constant"] = (-gap).clip(lower=0) / 100 * rows["gdp_usd_m_constant"]
    rows["below"] = gap > 0
    return rows.reset_index(drop=True)


def shortfall_since(table: pd.DataFrame, threshold_pct: float = 2.0, start_year: int = 2014) -> pd.DataFrame:
    """tables/shortfall_since_2014.csv: per ally, the years counted, the shortfall and surplus summed, and
    the number of years below the threshold; largest shortfall first."""
    yearly = yearly_gap(table, threshold_pct, start_year)
    grouped = yearly.groupby(["country", "country_name"], as_index=False)
    out = grouped.agg(
        first_year=("year", "min"),
        last_year=("year", "max"),
        shortfall_usd_m_constant=("shortfall_usd_m_constant", "sum"),
        surplus_usd_m_constant=("surplus_usd_m_constant", "sum"),
        years_below=("below", "sum"),
    )
    out["years_below"] = out["years_below"].astype(int)
    return (
        out.loc[:, list(SHORTFALL_COLUMNS)]
        .sort_values(["shortfall_usd_m_constant", "country"], ascending=[False, True])
        .reset_index(drop=True)
    )


def alliance_totals(shortfall: pd.DataFrame) -> dict[str, float]:
    """The alliance's shortfall and surplus summed over its allies (constant dollars, millions)."""
    return {
        "shortfall_usd_m_constant": float(shortfall["shortfall_usd_m_constant"].sum()),
        "surplus_usd_m_constant": float(shortfall["surplus_usd_m_constant"].sum()),
    }
