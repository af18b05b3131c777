"""Revisions between two editions of one source in words and in tables for reading: generated from the
revision frames they describe (natospend.analysis.revisions), for any page that shows them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from natospend.analysis.revisions import CHANGED_ABOVE
from natospend.analysis.status import near
from natospend.data.indicators import INDICATORS
from natospend.data.reference import ally_by_iso3
from natospend.data.series import member_at_year_end
from natospend.figures.captions import PUBLISHERS
from natospend.formatting import beside_line, count, names, readable, year_ranges, year_span


def revision_unit(indicator: str) -> str:
    """A revision of a percentage is in percentage points; of anything else, in the indicator's unit."""
    return "percentage points" if indicator.endswith("_pct") else INDICATORS[indicator].unit


def described(indicator: str, source: str) -> str:
    """The indicator's description in the source's own term: SIPRI's is *military* expenditure."""
    text = INDICATORS[indicator].description
    return text.replace("defence expenditure", "military expenditure") if source == "sipri" else text


def member_years(revised: pd.DataFrame) -> int:
    """The figures of a comparison that fall in years the ally was a member (at the end of the year)."""
    joined = {code: ally.accession_date.year for code, ally in ally_by_iso3().items()}
    return int((revised["year"] >= revised["country"].map(joined)).sum())


def _near_in_year(revised: pd.DataFrame, year: int, threshold: float) -> str:
    """'; crossed the line: Albania 2.038% then 1.980% ...; near it: ...' (old edition's figure first): the members
    whose revision moved them across the line, then the others within NEAR_BAND_PP of it in either edition."""
    rows = revised[(revised["year"] == year) & member_at_year_end(revised["country"], revised["year"])]
    crossed = rows[(rows["old_value"] >= threshold) != (rows["new_value"] >= threshold)]
    close = rows[
        (near(rows["old_value"], threshold) | near(rows["new_value"], threshold)) & ~rows.index.isin(crossed.index)
    ]

    def listed(frame: pd.DataFrame) -> str:
        return names(
            f"{r.country_name} {beside_line(r.old_value, threshold)}% then {beside_line(r.new_value, threshold)}%"
            for r in frame.itertuples()
        )

    text = f"; crossed the line: {listed(crossed)}" if len(crossed) else ""
    return text + (f"; near it: {listed(close)}" if len(close) else "")


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
    changed = r[r["revision"].abs() > CHANGED_ABOVE]
    noise = int(((r["revision"] != 0) & (r["revision"].abs() <= CHANGED_ABOVE)).sum())
    first, last = int(r["year"].min()), int(r["year"].max())
    recent = by_year[by_year["year"] >= last - 2]
    earlier = by_year[by_year["year"] < last - 2]
    top = largest.head(3)
    estimates = by_estimate.set_index("old_estimate")
    lines = [
        f"**{PUBLISHERS.get(source, source)}'s edition {new_edition} against edition {old_edition}** "
        f"({described(indicator, source)}, {INDICATORS[indicator].unit}): {count(len(r), 'figure', 'figures')} for "
        f"today's allies in {first}-{last} are in both ({member_years(r):,} of them in years the ally was a member); "
        f"{len(changed):,} of the {len(r):,} changed"
        + (
            f" ({count(noise, 'more differs', 'more differ')} by less than 10\u207b\u2079 {unit}: floating-point "
            "noise, not a revision)"
            if noise
            else ""
        )
        + f". The mean absolute revision is {r['revision'].abs().mean():.3f} {unit} "
        f"over all of them"
        + (f", {changed['revision'].abs().mean():.3f} over those that changed." if len(changed) else "."),
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
        years = r.loc[r["old_estimate"].astype(bool), "year"]
        span = year_span(int(years.min()), int(years.max()))
        lines.append(
            f"- The {int(est['figures'])} figures for {span} that edition {old_edition} gave as estimates were revised "
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
                + names(
                    [
                        f"{y.year} ({y.at_threshold_old} in edition {old_edition}, {y.at_threshold_new} in "
                        f"edition {new_edition}" + _near_in_year(r, int(y.year), threshold) + ")"
                        for y in moved.itertuples()
                    ]
                )
                if len(moved)
                else ""
            )
            + "."
        )
    return "\n".join(lines)


def readable_largest(largest: pd.DataFrame, *, old_edition: str, new_edition: str, indicator: str) -> pd.DataFrame:
    """The largest revisions for reading."""
    unit = revision_unit(indicator)
    columns = [
        "country_name",
        "year",
        "old_value",
        "new_value",
        "revision",
        "revision_pct",
        "old_estimate",
        "new_estimate",
    ]
    names_shown = [
        "Ally",
        "Year",
        f"Edition {old_edition}",
        f"Edition {new_edition}",
        f"Revision ({unit})",
        "Revision, %",
        f"Estimate in {old_edition}",
        f"Estimate in {new_edition}",
    ]
    if "cause" in largest:  # a share of GDP: the revision's two parts and its cause
        columns += ["revision_from_spending", "revision_from_gdp", "cause"]
        names_shown += ["From spending", "From GDP", "Mostly from"]  # in the revision's unit
    shown = largest[columns].copy()
    shown.columns = names_shown
    if "Mostly from" in shown:
        shown["Mostly from"] = shown["Mostly from"].map(lambda c: SHORT_CAUSES.get(c, c))
    decimals = {f"Revision ({unit})": 3, "Revision, %": 1, "From spending": 3, "From GDP": 3}
    return readable(shown.set_index("Ally"), decimals)


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
        "figures_changed": int((revised["revision"].abs() > CHANGED_ABOVE).sum()),
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
    changed = revised[revised["revision"].abs() > CHANGED_ABOVE]
    lines = [
        f"{PUBLISHERS.get(source, source)} edition {new_edition} against {old_edition} "
        f"({described(indicator, source)}): {count(len(revised), 'figure', 'figures')} for allies in both, "
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


CAUSE_WORDS = {  # "mostly": the part is 80% or more of the revision
    "GDP": "mostly revised GDP",
    "spending": "mostly revised spending",
    "both": "both spending and GDP",
    "unit change": "a change of currency or unit",
    "unknown": "an edition without the spending figure",
}


SHORT_CAUSES = {"GDP": "GDP", "spending": "spending", "both": "both", "unit change": "unit", "unknown": "unknown"}
CAUSE_REASONS = {
    "GDP": "moved mostly because GDP was revised",
    "spending": "moved mostly because spending was revised",
    "both": "moved because both were",
    "unit change": "changed currency or unit",
    "unknown": "lack a spending figure in one edition",
}


def causes_sentence(largest: pd.DataFrame, by_cause: pd.DataFrame) -> str:
    """Which cause moved the figures: the count of each, and the largest revisions by cause."""
    counts = {row.cause: int(row.figures) for row in by_cause.itertuples()}
    total = sum(counts.values())
    if not total:
        return "No figure was revised."
    parts = [f"{n} {CAUSE_REASONS.get(cause, cause)}" for cause, n in counts.items()]
    top = largest[largest["revision"].abs() > CHANGED_ABOVE].head(5)
    examples = [
        f"{row.country_name} {row.year} ({row.old_value:.2f}% to {row.new_value:.2f}%, "
        f"{CAUSE_WORDS.get(row.cause, row.cause)})"
        for row in top.itertuples()
    ]
    return (
        f"Of the {count(total, 'revised figure', 'revised figures')}, {names(parts)}. The largest: {names(examples)}."
    )


def readable_causes(by_cause: pd.DataFrame) -> pd.DataFrame:
    shown = by_cause.copy()
    shown["cause"] = shown["cause"].map(lambda c: CAUSE_WORDS.get(c, c))
    shown.columns = ["Cause", "Figures revised", "Mean absolute revision (percentage points)"]
    return readable(shown.set_index("Cause"), 3)
