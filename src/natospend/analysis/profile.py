"""One ally over time: its rank, spending, categories, NATO and SIPRI side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from natospend.data.reference import ally_by_iso3
from natospend.data.series import members_only

if TYPE_CHECKING:
    import pandas as pd

PROFILE_COLUMNS = (
    "country",
    "country_name",
    "year",
    "member",
    "estimate",
    "share_gdp_pct",
    "rank_share_gdp",
    "allies_ranked",
    "sipri_share_gdp_pct",
    "sipri_estimate",
    "real_change_pct",
    "defence_nc_m_current",
    "defence_nc_m_constant",
    "defence_usd_m_current",
    "defence_usd_m_constant",
    "equipment_share_pct",
    "personnel_share_pct",
    "infrastructure_share_pct",
    "other_share_pct",
    "defence_per_capita_usd_constant",
    "military_personnel_k",
    "gdp_usd_m_constant",
)


def ranks_by_year(table: pd.DataFrame) -> pd.DataFrame:
    """Each ally's rank by share of GDP in each year (1 = highest), among the members at year's end."""
    allies = members_only(table)[["country", "year", "share_gdp_pct"]].copy()
    allies["rank_share_gdp"] = allies.groupby("year")["share_gdp_pct"].rank(ascending=False, method="min")
    allies["allies_ranked"] = allies.groupby("year")["share_gdp_pct"].transform("count")
    return allies


def profile_table(table: pd.DataFrame, sipri: pd.DataFrame, country: str) -> pd.DataFrame:
    """tables/country_profile.csv: the ally's NATO series by year, its rank, SIPRI's share, membership."""
    ally = ally_by_iso3()[country]
    own = table[table["country"] == country].copy()
    ranks = ranks_by_year(table)
    own = own.merge(
        ranks[ranks["country"] == country][["year", "rank_share_gdp", "allies_ranked"]], on="year", how="left"
    )
    sipri_share = sipri[(sipri["country"] == country) & (sipri["indicator"] == "defence_expenditure_share_gdp_pct")]
    own = own.merge(
        sipri_share[["year", "value", "estimate"]].rename(
            columns={"value": "sipri_share_gdp_pct", "estimate": "sipri_estimate"}
        ),
        on="year",
        how="left",
    )
    own["sipri_estimate"] = own["sipri_estimate"].fillna(False).astype(bool)
    own["member"] = own["year"] >= ally.accession_date.year
    own["rank_share_gdp"] = own["rank_share_gdp"].astype("Int64")
    own["allies_ranked"] = own["allies_ranked"].astype("Int64")
    return own.loc[:, list(PROFILE_COLUMNS)].sort_values("year").reset_index(drop=True)


def first_year_of_unbroken_run(profile: pd.DataFrame, threshold: float) -> int | None:
    """The first year of the run, up to the latest year, in which the share stays at or above threshold."""
    years = profile.dropna(subset=["share_gdp_pct"]).sort_values("year")
    meets = list(zip(years["year"], years["share_gdp_pct"] >= threshold))
    if not meets or not meets[-1][1]:
        return None
    start = meets[-1][0]
    for year, ok in reversed(meets):
        if not ok:
            break
        start = year
    return int(start)
