"""Figures of notebook 05: revisions between two editions, in the style of figures.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from natospend.figures.style import BELOW, MEETS, NEUTRAL, finish

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def largest_revisions(largest: pd.DataFrame, old: str, new: str, unit: str, caption: str) -> Figure:
    """The largest revisions, ally and year, up (dark) or down (light); hatched where the old figure was an estimate."""
    data = largest.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(data) + 1.8))
    labels = [f"{r.country_name} {r.year}" for r in data.itertuples()]
    bars = ax.barh(
        labels, data["revision"], color=[MEETS if v > 0 else BELOW for v in data["revision"]], edgecolor="white"
    )
    for bar, estimate in zip(bars, data["old_estimate"]):
        bar.set_hatch("///" if estimate else "")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"Edition {new} minus edition {old}, {unit}")
    ax.set_title(f"The largest revisions, edition {old} to {new}")
    return finish(fig, caption + f" Hatched: an estimate in edition {old}.")


def revisions_by_year(by_year: pd.DataFrame, old: str, new: str, unit: str, caption: str) -> Figure:
    """Mean absolute revision by year (bars) and mean signed revision (line): are recent years revised most?"""
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.bar(by_year["year"], by_year["mean_abs_revision"], color=NEUTRAL, label="mean absolute revision")
    ax.plot(
        by_year["year"],
        by_year["mean_revision"],
        color=MEETS,
        marker="o",
        markersize=3,
        label="mean revision (up +, down -)",
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Year")
    ax.set_ylabel(unit)
    ax.set_title(f"How much each year was revised, edition {old} to {new} (allies)")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.15), ncol=2, frameon=False)  # below: never on the data
    return finish(fig, caption)


def count_by_edition(counts: pd.DataFrame, old: str, new: str, threshold: float, caption: str) -> Figure:
    """Members at the threshold per year under each edition, so a headline count can be compared."""
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.plot(counts["year"], counts["at_threshold_old"], color=BELOW, marker="s", linestyle="--", label=f"edition {old}")
    ax.plot(counts["year"], counts["at_threshold_new"], color=MEETS, marker="o", label=f"edition {new}")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Members at {threshold:g}% of GDP or more")
    ax.set_title(f"Allies at {threshold:g}% of GDP under each edition (members at year's end)")
    ax.legend(loc="upper left")
    return finish(fig, caption)
