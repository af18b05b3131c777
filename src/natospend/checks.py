"""Checks of notebook parameters against the data (editions, years, allies, targets)."""

from __future__ import annotations

import math
from typing import Any, Callable

from .errors import ParameterError


def resolve_edition(source: str, name: str, edition: str | None) -> str:
    from .dataset import editions as dataset_editions

    editions = dataset_editions(source)
    if edition is None:
        return editions[-1]
    if edition not in editions:
        raise ParameterError(name, f"{source} edition {edition!r} is not in the dataset", ", ".join(editions))
    return edition


def nato_years(edition: str) -> list[int]:
    from .dataset import load_spending

    share = load_spending("nato", edition, indicator="defence_expenditure_share_gdp_pct")
    return sorted(int(y) for y in share["year"].unique())


def _check_year(name: str, year: int | None, years: list[int]) -> int:
    if year is None:
        return years[-1]
    if year not in years:
        raise ParameterError(name, f"{year} is outside the edition", f"{years[0]}-{years[-1]}")
    return year


def _positive(name: str, value: float) -> None:
    if value <= 0:
        raise ParameterError(name, f"{value:g} is not a positive share of GDP", "a number above 0")


def check_overview(values: dict[str, Any]) -> dict[str, Any]:
    from .targets import load_targets

    values["edition"] = resolve_edition("nato", "edition", values["edition"])
    values["year"] = _check_year("year", values["year"], nato_years(values["edition"]))
    values["sipri_edition"] = resolve_edition("sipri", "sipri_edition", values["sipri_edition"])
    years = nato_years(values["edition"])
    if values["shortfall_start_year"] not in years:
        raise ParameterError("shortfall_start_year", f"{values['shortfall_start_year']} is outside the edition",
                             f"{years[0]}-{years[-1]}")
    _positive("shortfall_threshold_pct", values["shortfall_threshold_pct"])
    known = load_targets()
    if not values["targets"] or not all(isinstance(t, str) for t in values["targets"]):
        raise ParameterError("targets", f"{values['targets']!r} is not a list of target ids", ", ".join(known))
    unknown = [t for t in values["targets"] if t not in known]
    if unknown:
        raise ParameterError("targets", f"unknown target id(s) {unknown}", ", ".join(known))
    return values


def check_pathways(values: dict[str, Any]) -> dict[str, Any]:
    values["edition"] = resolve_edition("nato", "edition", values["edition"])
    values["imf_edition"] = resolve_edition("imf", "imf_edition", values["imf_edition"])
    path = values["gdp_path"]
    if isinstance(path, str) and path not in ("imf", "trend"):
        raise ParameterError("gdp_path", f"{path!r} is not a GDP path", "'imf', 'trend' or a number (% a year)")
    if not isinstance(path, str):
        if not math.isfinite(path) or not -20 <= path <= 20:
            raise ParameterError("gdp_path", f"{path!r} is not a growth rate", "a number from -20 to 20 (% a year)")
        if values["gdp_growth_pct"] is not None and float(values["gdp_growth_pct"]) != float(path):
            raise ParameterError("gdp_growth_pct", f"{values['gdp_growth_pct']} contradicts gdp_path {path}",
                                 "one of them (gdp_growth_pct is gdp_path as a number)")
        values["gdp_growth_pct"] = float(path)
    elif values["gdp_growth_pct"] is not None:
        values["gdp_path"] = float(values["gdp_growth_pct"])  # a number given the old way wins over the default
    years = nato_years(values["edition"])
    _positive("core_target_pct", values["core_target_pct"])
    if values["related_target_pct"] < 0:
        raise ParameterError("related_target_pct", "must not be negative", "0 or more")
    if values["target_year"] <= years[-1]:
        raise ParameterError("target_year", f"{values['target_year']} is not after the base year {years[-1]}",
                             f"a year after {years[-1]}")
    if values["trend_start_year"] not in years[:-1]:
        raise ParameterError("trend_start_year", f"{values['trend_start_year']} is not a year before the base year "
                             "in the edition", f"{years[0]}-{years[-2]}")
    return values


def check_country_profile(values: dict[str, Any]) -> dict[str, Any]:
    from .reference import allies, resolve_ally

    try:
        values["country"] = resolve_ally(values["country"])
    except ValueError:
        raise ParameterError("country", f"{values['country']!r} is not an ally",
                             ", ".join(a.iso3 for a in allies())) from None
    values["edition"] = resolve_edition("nato", "edition", values["edition"])
    values["sipri_edition"] = resolve_edition("sipri", "sipri_edition", values["sipri_edition"])
    years = nato_years(values["edition"])
    _positive("core_target_pct", values["core_target_pct"])
    if values["target_year"] <= years[-1]:
        raise ParameterError("target_year", f"{values['target_year']} is not after the base year {years[-1]}",
                             f"a year after {years[-1]}")
    return values


def check_comparison(values: dict[str, Any]) -> dict[str, Any]:
    from .dataset import load_spending

    values["nato_edition"] = resolve_edition("nato", "nato_edition", values["nato_edition"])
    values["sipri_edition"] = resolve_edition("sipri", "sipri_edition", values["sipri_edition"])
    values["imf_edition"] = resolve_edition("imf", "imf_edition", values["imf_edition"])
    nato = set(nato_years(values["nato_edition"]))
    sipri = load_spending("sipri", values["sipri_edition"], indicator="defence_expenditure_share_gdp_pct")
    common = sorted(nato & {int(y) for y in sipri.loc[sipri["value"].notna(), "year"].unique()})
    values["year"] = _check_year("year", values["year"], common)
    return values


def check_revisions(values: dict[str, Any]) -> dict[str, Any]:
    from .dataset import editions as dataset_editions
    from .dataset import sources
    from .indicators import INDICATORS

    known = sources()
    if values["source"] not in known:
        raise ParameterError("source", f"{values['source']!r} is not in the dataset", ", ".join(known))
    available = dataset_editions(values["source"])
    if len(available) < 2:
        raise ParameterError("source", f"{values['source']} has {len(available)} edition in the dataset "
                             f"({', '.join(available)}): a revision needs two; ingest another with `natospend ingest`",
                             ", ".join(s for s in known if len(dataset_editions(s)) >= 2) or "none yet")
    new = resolve_edition(values["source"], "new_edition", values["new_edition"])
    if values["old_edition"] is None:
        earlier = [e for e in available if available.index(e) < available.index(new)]
        if not earlier:
            raise ParameterError("old_edition", f"no edition of {values['source']} is older than {new}",
                                 ", ".join(available))
        values["old_edition"] = earlier[-1]
    values["old_edition"] = resolve_edition(values["source"], "old_edition", values["old_edition"])
    values["new_edition"] = new
    if values["old_edition"] == new:
        raise ParameterError("old_edition", f"is the same edition as new_edition ({new})", ", ".join(available))
    if values["indicator"] not in INDICATORS:
        raise ParameterError("indicator", f"unknown indicator {values['indicator']!r}", ", ".join(INDICATORS))
    return values


SEMANTIC_CHECKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "01_alliance_overview": check_overview,
    "02_pathways": check_pathways,
    "03_country_profile": check_country_profile,
    "04_nato_vs_sipri_and_russia": check_comparison,
    "05_revisions": check_revisions,
}
