"""Revisions between two editions of one source in words and in tables for reading: generated from the
revision frames they describe (natospend.analysis.revisions), for any page that shows them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from natospend.data.indicators import INDICATORS
from natospend.figures.captions import PUBLISHERS
from natospend.formatting import count, names, readable, year_ranges


def revision_unit(indicator: str) -> str:
    """A revision of a percentage is in percentage points; of anything else, in the indicator's unit."""
    return "percentage points" if indicator.endswith("_pct") else INDICATORS[indicator].unit


def headline(
    revised: pd.DataFrame,
    largest: pd.DataFrame,
    by_year: pd.DataFrame,
    by_estimate: pd.DataFrame,
    at_threshold: pd.DataFrame | None,
    *,
    source: str,
    old_edition: str,
    new_edition: str,
    indicator: str,
    threshold: float,
) -> str:
    """What changed between the editions, in words (Markdown)."""
    r = revised
    unit = revision_unit(indicator)
    changed = r[r["revision"].abs() > 1e-9]
    first, last = int(r["year"].min()), int(r["year"].max())
    recent = by_year[by_year["year"] >= last - 2]
    earlier = by_year[by_year["year"] < last - 2]
    top = largest.head(3)
    estimates = by_estimate.set_index("old_estimate")
    lines = [
        f"**{PUBLISHERS.get(source, source)}'s edition {new_edition} against edition {old_edition}** "
        f"({INDICATORS[indicator].description}, {INDICATORS[indicator].unit}): {count(len(r), 'figure', 'figures')} for allies in {first}-{last} are in both; "
        f"{len(changed)} changed. The mean absolute revision is {r['revision'].abs().mean():.3f} {unit}.",
        "",
        "- Largest: "
        + "; ".join(f"{x.country_name} {x.year} ({x.old_value:,.2f} to {x.new_value:,.2f})" for x in top.itertuples())
        + ".",
    ]
    if len(recent) and len(earlier):
        lines.append(
            f"- The last three years in both ({year_ranges(recent['year'])}) moved by "
            f"{recent['mean_abs_revision'].mean():.3f} {unit} on average, earlier years by "
            f"{earlier['mean_abs_revision'].mean():.3f}."
        )
    if True in estimates.index:
        est = estimates.loc[True]
        direction = "up" if est["mean_revision"] > 0 else "down"
        lines.append(
            f"- The {int(est['figures'])} figures edition {old_edition} gave as estimates were revised "
            f"{direction} on average ({est['mean_revision']:+.3f} {unit}; {int(est['revised_up'])} up, "
            f"{int(est['revised_down'])} down)."
        )
    if at_threshold is not None:
        moved = at_threshold[at_threshold["at_threshold_old"] != at_threshold["at_threshold_new"]]
        lines.append(
            f"- Members at {threshold:g}% of GDP or more: the count differs between the editions in "
            f"{count(len(moved), 'year', 'years')}"
            + (
                ": "
                + names([f"{y.year} ({y.at_threshold_old} against {y.at_threshold_new})" for y in moved.itertuples()])
                if len(moved)
                else ""
            )
            + "."
        )
    return "\n".join(lines)


def readable_largest(largest: pd.DataFrame, *, old_edition: str, new_edition: str, indicator: str) -> pd.DataFrame:
    """The largest revisions for reading."""
    unit = revision_unit(indicator)
    shown = largest[
        ["country_name", "year", "old_value", "new_value", "revision", "revision_pct", "old_estimate", "new_estimate"]
    ].copy()
    shown.columns = [
        "Ally",
        "Year",
        f"Edition {old_edition}",
        f"Edition {new_edition}",
        f"Revision ({unit})",
        "Revision, %",
        f"Estimate in {old_edition}",
        f"Estimate in {new_edition}",
    ]
    return readable(shown.set_index("Ally"), {f"Revision ({unit})": 3, "Revision, %": 1})


def readable_by_estimate(by_estimate: pd.DataFrame, *, old_edition: str, indicator: str) -> pd.DataFrame:
    """Revisions of the figures the old edition gave as estimates, against the others."""
    unit = revision_unit(indicator)
    shown = by_estimate.copy()
    shown["old_estimate"] = shown["old_estimate"].map({True: "estimates", False: "other figures"})
    shown.columns = [
        f"In edition {old_edition}",
        "Figures",
        f"Mean revision ({unit})",
        f"Mean absolute revision ({unit})",
        "Revised up",
        "Revised down",
    ]
    return readable(shown.set_index(f"In edition {old_edition}"), 3)


def revisions_summary(revised: pd.DataFrame, largest: pd.DataFrame) -> dict[str, Any]:
    """The numbers the page states, for summary.json."""
    return {
        "figures_compared": int(len(revised)),
        "figures_changed": int((revised["revision"].abs() > 1e-9).sum()),
        "mean_abs_revision": float(revised["revision"].abs().mean()),
        "largest": largest.head(5)[["country", "year", "old_value", "new_value"]].to_dict("records"),
    }


def update_summary(
    revised: pd.DataFrame,
    crossings: dict[float, pd.DataFrame],
    largest: pd.DataFrame,
    *,
    source: str,
    old_edition: str,
    new_edition: str,
    indicator: str,
    shown: int = 8,
) -> list[str]:
    """What `natospend update` prints after a new edition is ingested: one screen against the previous
    edition (figures compared, allies that crossed each threshold, the largest revisions)."""
    unit = revision_unit(indicator)
    changed = revised[revised["revision"].abs() > 1e-9]
    lines = [
        f"{PUBLISHERS.get(source, source)} edition {new_edition} against {old_edition} "
        f"({INDICATORS[indicator].description}): {count(len(revised), 'figure', 'figures')} for allies in both, "
        f"{len(changed)} revised."
    ]
    for threshold, crossed in crossings.items():
        if crossed.empty:
            lines.append(f"  {threshold:g}% of GDP: no ally and year crosses it between the editions.")
            continue
        items = [
            f"{x.country_name} {x.year} ({x.old_value:.2f} to {x.new_value:.2f}, "
            f"{'now at or above' if x.now_at_or_above else 'now below'})"
            for x in crossed.head(shown).itertuples()
        ]
        more = f" and {len(crossed) - shown} more (tables/revisions.csv of notebook 05)" if len(crossed) > shown else ""
        lines.append(f"  {threshold:g}% of GDP, crossed: " + "; ".join(items) + more + ".")
    lines.append(
        "  Largest revisions: "
        + "; ".join(
            f"{x.country_name} {x.year} {x.old_value:,.2f} to {x.new_value:,.2f} ({x.revision:+,.2f} {unit})"
            for x in largest.head(5).itertuples()
        )
        + "."
    )
    return lines
