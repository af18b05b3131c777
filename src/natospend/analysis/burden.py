"""Who carries the burden: the United States against Europe and Canada, and per capita."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def burden_sharing(table: pd.DataFrame) -> pd.DataFrame:
    """By year: US and Europe-and-Canada shares of allied defence spending (current USD, NATO's totals,
    which count the members of each year: they equal the sum of the allies that were members at year's end)."""
    wide = table.pivot(index="year", columns="country", values="defence_usd_m_current")
    out = wide[["USA", "NATO_EUROPE_CANADA", "NATO_TOTAL"]].rename(
        columns={
            "USA": "united_states_usd_m_current",
            "NATO_EUROPE_CANADA": "europe_canada_usd_m_current",
            "NATO_TOTAL": "nato_total_usd_m_current",
        }
    )
    out["united_states_share_pct"] = out["united_states_usd_m_current"] / out["nato_total_usd_m_current"] * 100
    out["europe_canada_share_pct"] = out["europe_canada_usd_m_current"] / out["nato_total_usd_m_current"] * 100
    estimates = table[table["country"] == "NATO_TOTAL"].set_index("year")["estimate"]
    out["estimate"] = estimates.reindex(out.index).astype(bool)
    out.columns.name = None
    return out.reset_index()


def per_capita(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Defence spending per head (constant USD, NATO Table 6) in `year`, members at year's end and the
    aggregates, ranked."""
    rows = table[(table["year"] == year) & table["defence_per_capita_usd_constant"].notna() & table["member"]]
    return (
        rows[
            [
                "country",
                "country_name",
                "year",
                "defence_per_capita_usd_constant",
                "share_gdp_pct",
                "estimate",
                "is_aggregate",
            ]
        ]
        .sort_values(["defence_per_capita_usd_constant", "country"], ascending=[False, True])
        .reset_index(drop=True)
    )
