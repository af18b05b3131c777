"""Checks of notebook parameters against the data that several notebooks share: editions, years, shares."""

from __future__ import annotations

from natospend.data.dataset import editions as dataset_editions
from natospend.data.dataset import load_spending
from natospend.errors import ParameterError


def resolve_edition(source: str, name: str, edition: str | None) -> str:
    """The edition a parameter names (None: the latest of the source), or an error listing those there are."""
    editions = dataset_editions(source)
    if edition is None:
        return editions[-1]
    if edition not in editions:
        raise ParameterError(name, f"{source} edition {edition!r} is not in the dataset", ", ".join(editions))
    return edition


def nato_years(edition: str) -> list[int]:
    share = load_spending("nato", edition, indicator="defence_expenditure_share_gdp_pct")
    return sorted(int(y) for y in share["year"].unique())


def check_year(name: str, year: int | None, years: list[int]) -> int:
    """A year among `years` (None: the last of them)."""
    if year is None:
        return years[-1]
    if year not in years:
        raise ParameterError(name, f"{year} is outside the edition", f"{years[0]}-{years[-1]}")
    return year


def check_after_base_year(name: str, year: int, years: list[int]) -> None:
    """A deadline must come after the edition's latest year (the base year of every pathway)."""
    if year <= years[-1]:
        raise ParameterError(name, f"{year} is not after the base year {years[-1]}", f"a year after {years[-1]}")


def check_positive(name: str, value: float) -> None:
    if value <= 0:
        raise ParameterError(name, f"{value:g} is not a positive share of GDP", "a number above 0")
