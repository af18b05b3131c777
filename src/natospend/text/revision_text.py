"""Everything notebook 05 (revisions between two editions of one source) shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from natospend.analysis import revisions
from natospend.data.dataset import load_spending
from natospend.data.indicators import INDICATORS
from natospend.figures.captions import caption, source_sentence
from natospend.formatting import count, names, readable, year_ranges

if TYPE_CHECKING:
    import pandas as pd

LARGEST = 15
THRESHOLD = 2.0
SHARE = "defence_expenditure_share_gdp_pct"


@dataclass
class RevisionsView:
    source: str
    old_edition: str
    new_edition: str
    indicator: str
    revised: pd.DataFrame  # tables/revisions.csv
    largest: pd.DataFrame
    by_year: pd.DataFrame
    by_estimate: pd.DataFrame
    at_threshold: pd.DataFrame | None  # only for the share of GDP
    caption: str

    @property
    def unit(self) -> str:
        return INDICATORS[self.indicator].unit

    @property
    def revision_unit(self) -> str:
        """A revision of a percentage is in percentage points."""
        return "percentage points" if self.indicator.endswith("_pct") else self.unit

    @property
    def who(self) -> str:
        return {"nato": "NATO", "sipri": "SIPRI"}.get(self.source, self.source)


def build(params: Mapping[str, Any]) -> RevisionsView:
    old = load_spending(params["source"], params["old_edition"], indicator=params["indicator"])
    new = load_spending(params["source"], params["new_edition"], indicator=params["indicator"])
    revised = revisions.revisions(old, new, params["indicator"])
    return RevisionsView(
        source=params["source"],
        old_edition=params["old_edition"],
        new_edition=params["new_edition"],
        indicator=params["indicator"],
        revised=revised,
        largest=revisions.largest(revised, LARGEST),
        by_year=revisions.by_year(revised),
        by_estimate=revisions.by_estimate(revised),
        at_threshold=revisions.allies_at_threshold(revised, THRESHOLD) if params["indicator"] == SHARE else None,
        caption=caption(
            source_sentence(params["source"], params["old_edition"]),
            source_sentence(params["source"], params["new_edition"]),
        ),
    )


def headline(view: RevisionsView) -> str:
    r = view.revised
    changed = r[r["revision"].abs() > 1e-9]
    first, last = int(r["year"].min()), int(r["year"].max())
    recent = view.by_year[view.by_year["year"] >= last - 2]
    earlier = view.by_year[view.by_year["year"] < last - 2]
    top = view.largest.head(3)
    estimates = view.by_estimate.set_index("old_estimate")
    lines = [
        f"**{view.who}'s edition {view.new_edition} against edition {view.old_edition}** ({INDICATORS[view.indicator].description}, "
        f"{view.unit}): {count(len(r), 'figure', 'figures')} for allies in {first}-{last} are in both; "
        f"{len(changed)} changed. The mean absolute revision is {r['revision'].abs().mean():.3f} {view.revision_unit}.",
        "",
        "- Largest: "
        + "; ".join(f"{x.country_name} {x.year} ({x.old_value:,.2f} to {x.new_value:,.2f})" for x in top.itertuples())
        + ".",
    ]
    if len(recent) and len(earlier):
        lines.append(
            f"- The last three years in both ({year_ranges(recent['year'])}) moved by "
            f"{recent['mean_abs_revision'].mean():.3f} {view.revision_unit} on average, earlier years by "
            f"{earlier['mean_abs_revision'].mean():.3f}."
        )
    if True in estimates.index:
        est = estimates.loc[True]
        direction = "up" if est["mean_revision"] > 0 else "down"
        lines.append(
            f"- The {int(est['figures'])} figures edition {view.old_edition} gave as estimates were revised "
            f"{direction} on average ({est['mean_revision']:+.3f} {view.revision_unit}; {int(est['revised_up'])} up, "
            f"{int(est['revised_down'])} down)."
        )
    if view.at_threshold is not None:
        moved = view.at_threshold[view.at_threshold["at_threshold_old"] != view.at_threshold["at_threshold_new"]]
        lines.append(
            f"- Members at {THRESHOLD:g}% of GDP or more: the count differs between the editions in "
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


def display_largest(view: RevisionsView) -> pd.DataFrame:
    shown = view.largest[
        ["country_name", "year", "old_value", "new_value", "revision", "revision_pct", "old_estimate", "new_estimate"]
    ].copy()
    shown.columns = [
        "Ally",
        "Year",
        f"Edition {view.old_edition}",
        f"Edition {view.new_edition}",
        f"Revision ({view.revision_unit})",
        "Revision, %",
        f"Estimate in {view.old_edition}",
        f"Estimate in {view.new_edition}",
    ]
    return readable(shown.set_index("Ally"), {f"Revision ({view.revision_unit})": 3, "Revision, %": 1})


def display_by_estimate(view: RevisionsView) -> pd.DataFrame:
    shown = view.by_estimate.copy()
    shown["old_estimate"] = shown["old_estimate"].map({True: "estimates", False: "other figures"})
    shown.columns = [
        f"In edition {view.old_edition}",
        "Figures",
        f"Mean revision ({view.revision_unit})",
        f"Mean absolute revision ({view.revision_unit})",
        "Revised up",
        "Revised down",
    ]
    return readable(shown.set_index(f"In edition {view.old_edition}"), 3)


def summary(view: RevisionsView) -> dict[str, Any]:
    r = view.revised
    return {
        "title": f"Revisions: {view.who} edition {view.old_edition} against edition {view.new_edition}",
        "source": view.source,
        "old_edition": view.old_edition,
        "new_edition": view.new_edition,
        "indicator": view.indicator,
        "figures_compared": int(len(r)),
        "figures_changed": int((r["revision"].abs() > 1e-9).sum()),
        "mean_abs_revision": float(r["revision"].abs().mean()),
        "largest": view.largest.head(5)[["country", "year", "old_value", "new_value"]].to_dict("records"),
        "caption": view.caption,
    }
