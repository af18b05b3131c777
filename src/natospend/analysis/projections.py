"""How a page's projections did: each ally's share of GDP at its own trend, projected from an edition's base
year, against what a later edition or source reports for the years after it.

A later edition of the same source (NATO's next tables) is the like-for-like outcome. Until one is loaded, the
latest SIPRI release that covers the years after the base year stands in, on SIPRI's definition; each ally's
difference between NATO's and SIPRI's figures in the base year is then given beside the error, and the error
restated on NATO's definition by adding that difference to SIPRI's figure. The restatement assumes the difference
stayed as it was in the base year; its mean over the trend window is given too, and an ally whose base-year
difference is far from that mean (GAP_MOVED_PP) is one where the restatement is less sure."""

from __future__ import annotations

import pandas as pd

from natospend.data.reference import ally_by_iso3

OUTCOME_COLUMNS = (
    "country",
    "country_name",
    "year",
    "base_year",
    "base_share_pct",
    "projected_share_pct",
    "outcome_source",
    "outcome_edition",
    "outcome_share_pct",
    "outcome_estimate",
    "error_pp",
    "definition_gap_pp",
    "definition_gap_mean_pp",
    "definition_gap_years",
    "error_on_nato_definition_pp",
)
GAP_MOVED_PP = 0.2  # base-year NATO-SIPRI difference this far from its mean: the restatement is less sure


def projection_outcomes(
    projected: pd.DataFrame,
    outcome: pd.DataFrame | None,
    *,
    outcome_source: str,
    outcome_edition: str,
    nato_history: pd.DataFrame,
    overlap_years: tuple[int, int],
) -> pd.DataFrame:
    """One row per ally and projected year that the outcome covers (see OUTCOME_COLUMNS).

    projected: required_growth.shares_at_trend (country, year, share_at_trend_pct, base_year, base_share_pct).
    outcome: the later edition's share of GDP (country, year, value, estimate).
    nato_history: the projecting edition's table (country, year, share_gdp_pct) for the definition gap: NATO
    minus the outcome source in the base year (definition_gap_pp) and its mean over `overlap_years`, inclusive
    (definition_gap_mean_pp); zero for a later NATO edition.
    error_pp is outcome minus projection: positive, the ally spent a larger share than projected."""
    if outcome is None:  # nothing reports the years after the base year yet
        return pd.DataFrame(columns=list(OUTCOME_COLUMNS))
    allies = ally_by_iso3()
    first, last = overlap_years
    reported = outcome.set_index(["country", "year"])
    nato = nato_history[(nato_history["year"] >= first) & (nato_history["year"] <= last)]
    rows = []
    for item in projected.itertuples():
        key = (item.country, item.year)
        if key not in reported.index or pd.isna(item.share_at_trend_pct):
            continue
        value = float(reported.loc[key, "value"])
        if outcome_source == "nato":
            gap, mean_gap, gap_years = 0.0, 0.0, ""
        else:
            own = nato[nato["country"] == item.country].set_index("year")["share_gdp_pct"]
            other = outcome[(outcome["country"] == item.country)].set_index("year")["value"]
            both = (own - other).dropna()
            gap = float(both.get(int(item.base_year), float("nan")))
            mean_gap = float(both.mean()) if len(both) else float("nan")
            gap_years = f"{int(both.index.min())}-{int(both.index.max())}" if len(both) else ""
        rows.append(
            {
                "country": item.country,
                "country_name": allies[item.country].name,
                "year": int(item.year),
                "base_year": int(item.base_year),
                "base_share_pct": float(item.base_share_pct),
                "projected_share_pct": float(item.share_at_trend_pct),
                "outcome_source": outcome_source,
                "outcome_edition": outcome_edition,
                "outcome_share_pct": value,
                "outcome_estimate": bool(reported.loc[key, "estimate"]),
                "error_pp": value - float(item.share_at_trend_pct),
                "definition_gap_pp": gap,
                "definition_gap_mean_pp": mean_gap,
                "definition_gap_years": gap_years,
                "error_on_nato_definition_pp": value + gap - float(item.share_at_trend_pct),
            }
        )
    frame = pd.DataFrame(rows, columns=list(OUTCOME_COLUMNS))
    return frame.sort_values(["year", "error_on_nato_definition_pp", "country"]).reset_index(drop=True)


def without_trend(projected: pd.DataFrame) -> list[str]:
    """Names of the allies with no projection (no trend: a series break left too few years)."""
    allies = ally_by_iso3()
    codes = projected.loc[projected["share_at_trend_pct"].isna(), "country"].unique()
    return sorted(allies[str(c)].name for c in codes)


def error_distribution(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per projected year and error measure: allies, mean, median, mean absolute error, the 10th and 90th
    percentiles, and how many came in above and below their projection (points of GDP)."""
    rows = []
    for year, group in outcomes.groupby("year"):
        for measure in ("error_pp", "error_on_nato_definition_pp"):
            errors = group[measure].dropna()
            if errors.empty:
                continue
            rows.append(
                {
                    "year": int(year),
                    "measure": measure,
                    "allies": len(errors),
                    "mean_pp": float(errors.mean()),
                    "median_pp": float(errors.median()),
                    "mean_absolute_pp": float(errors.abs().mean()),
                    "p10_pp": float(errors.quantile(0.1)),
                    "p90_pp": float(errors.quantile(0.9)),
                    "above_projection": int((errors > 0).sum()),
                    "below_projection": int((errors < 0).sum()),
                }
            )
    return pd.DataFrame(rows)
