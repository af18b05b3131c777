"""One NATO edition as a wide ally-by-year table with plainly named columns."""

from __future__ import annotations

import pandas as pd

from natospend.data.reference import ally_by_iso3
from natospend.errors import InputError

# column -> (indicator, price basis prefix)
NATO_SERIES: dict[str, tuple[str, str]] = {
    "share_gdp_pct": ("defence_expenditure_share_gdp_pct", "constant"),
    "real_change_pct": ("defence_expenditure_real_change_pct", "constant"),
    "equipment_share_pct": ("equipment_share_pct", "current"),
    "personnel_share_pct": ("personnel_share_pct", "current"),
    "infrastructure_share_pct": ("infrastructure_share_pct", "current"),
    "other_share_pct": ("other_share_pct", "current"),
    "defence_usd_m_current": ("defence_expenditure_usd_m", "current"),
    "defence_usd_m_constant": ("defence_expenditure_usd_m", "constant"),
    "defence_nc_m_current": ("defence_expenditure_nc_m", "current"),
    "defence_nc_m_constant": ("defence_expenditure_nc_m", "constant"),
    "gdp_usd_m_current": ("gdp_usd_m", "current"),
    "gdp_usd_m_constant": ("gdp_usd_m", "constant"),
    "gdp_per_capita_usd_k_constant": ("gdp_per_capita_usd_k", "constant"),
    "defence_per_capita_usd_constant": ("defence_expenditure_per_capita_usd", "constant"),
    "military_personnel_k": ("military_personnel_k", "none"),
}
AGGREGATES = ("NATO_EUROPE_CANADA", "NATO_TOTAL")


def constant_base_year(nato: pd.DataFrame) -> int:
    """The price base year of the edition's constant series (2015 for the 2024 edition)."""
    bases = {b for b in nato["price_basis"].unique() if str(b).startswith("constant-")}
    if len(bases) != 1:
        raise InputError(f"expected one constant price base in the NATO edition, found {sorted(bases)}")
    return int(next(iter(bases)).split("-")[1])


def nato_table(nato: pd.DataFrame) -> pd.DataFrame:
    """(country, year) rows with one column per NATO series, plus country_name and estimate."""
    if set(nato["source"].unique()) != {"nato"} or nato["edition"].nunique() != 1:
        raise InputError("nato_table needs the rows of exactly one NATO edition (load_spending('nato', edition))")
    parts = []
    for column, (indicator, basis) in NATO_SERIES.items():
        rows = nato[(nato["indicator"] == indicator) & nato["price_basis"].str.startswith(basis)]
        parts.append(rows.set_index(["country", "year"])["value"].rename(column))
    table = pd.concat(parts, axis=1)
    share_rows = nato[nato["indicator"] == "defence_expenditure_share_gdp_pct"].set_index(["country", "year"])
    any_rows = nato.drop_duplicates(["country", "year"]).set_index(["country", "year"])
    table["country_name"] = any_rows["country_name"].reindex(table.index)
    estimates = nato.groupby(["country", "year"])["estimate"].any()
    table["estimate"] = estimates.reindex(table.index).fillna(False).astype(bool)
    table["national_2pct_law"] = (
        share_rows["flags"].reindex(table.index).fillna("").str.contains("national_2pct_law").astype(bool)
    )
    table = table.sort_index().reset_index()
    table["is_aggregate"] = table["country"].isin(AGGREGATES)
    table["member"] = member_at_year_end(table["country"], table["year"])
    return table


def member_at_year_end(countries: pd.Series, years: pd.Series) -> pd.Series:
    """True where the country was an ally at the end of the year (aggregates count as members)."""
    joined = {code: ally.accession_date.year for code, ally in ally_by_iso3().items()}
    return (years >= countries.map(joined).fillna(0)).astype(bool)


def allies_only(table: pd.DataFrame) -> pd.DataFrame:
    """Every ally's rows with data, members or not yet (trends of an ally's own series use them all)."""
    return table[~table["is_aggregate"] & table["share_gdp_pct"].notna()].reset_index(drop=True)


def members_only(table: pd.DataFrame) -> pd.DataFrame:
    """The allies' rows in the years they were members at year's end: what counts and ranks use."""
    allies = allies_only(table)
    return allies[allies["member"]].reset_index(drop=True)


def estimate_years(table: pd.DataFrame) -> list[int]:
    """The years the edition publishes as estimates (NATO's '2023e')."""
    allies = allies_only(table)
    return sorted(int(y) for y in allies.loc[allies["estimate"], "year"].unique())


def sipri_estimate_years(sipri: pd.DataFrame, country: str) -> list[int]:
    """The years SIPRI marks as estimates (blue) for one country."""
    rows = sipri[(sipri["country"] == country) & sipri["estimate"]]
    return sorted(int(y) for y in rows["year"].unique())


def national_currency(nato: pd.DataFrame, country: str) -> str:
    """The currency of an ally's national-currency figures, from the unit NATO gives them ("EUR", "GBP", ...)."""
    units = nato[(nato["country"] == country) & (nato["indicator"] == "defence_expenditure_nc_m")]["unit"]
    return str(units.iloc[0]).split("(", 1)[-1].rstrip(")") if len(units) else "national currency"
