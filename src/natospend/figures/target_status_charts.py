"""Figures of notebook 01 (alliance overview): ranked shares, heat map, quadrants, counts, burden, per capita, shortfall."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import seaborn as sns
from adjustText import adjust_text
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from natospend.figures.style import (
    ADJUST_ITERATIONS,
    BELOW,
    ESTIMATE_NOTE,
    MEETS,
    NEUTRAL,
    finish,
    hollow_markers,
    target_lines,
)
from natospend.formatting import names as names_list

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def ranked_share_bars(status: pd.DataFrame, year: int, lines: Sequence[float], caption: str) -> Figure:
    """Allies ranked by share of GDP, coloured by whether they meet the first line (2%)."""
    data = status.sort_values(["share_gdp_pct", "country"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(8, 9))
    threshold = lines[0]
    colours = [MEETS if v >= threshold else BELOW for v in data["share_gdp_pct"]]
    hatches = ["///" if e else "" for e in data["estimate"]]
    bars = ax.barh(data["country_name"], data["share_gdp_pct"], color=colours, edgecolor="white")
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    target_lines(ax, lines)
    ax.set_xlabel("Defence expenditure, % of GDP")
    ax.set_ylabel("")
    ax.set_title(f"Defence expenditure as a share of GDP, {year}")
    ax.legend(
        handles=[
            Patch(color=MEETS, label=f"at or above {threshold:g}%"),
            Patch(color=BELOW, label=f"below {threshold:g}%"),
            Patch(facecolor="white", edgecolor="black", hatch="///", label="estimate"),
        ],
        loc="lower right",
    )
    return finish(fig, caption)


def share_heatmap(table: pd.DataFrame, caption: str) -> Figure:
    """Allies by years, share of GDP annotated; estimated years marked 'e' in the header."""
    wide = table.pivot(index="country_name", columns="year", values="share_gdp_pct")
    latest = wide.columns.max()
    wide = wide.sort_values(latest, ascending=False)
    members = table.pivot(index="country_name", columns="year", values="member").reindex_like(wide)
    estimated = set(table.loc[table["estimate"], "year"])
    fig, ax = plt.subplots(figsize=(10, 10))
    # cividis: perceptually uniform, readable by colour-blind readers and in greyscale
    # two decimals: one would print 1.96 as "2.0" on the 2% line
    # years before accession are left blank: no ally is shown as a member before it joined
    sns.heatmap(
        wide,
        mask=~members.fillna(False).astype(bool),
        annot=True,
        fmt=".2f",
        cmap="cividis",
        cbar_kws={"label": "% of GDP"},
        ax=ax,
        annot_kws={"fontsize": 7},
        linewidths=0.3,
    )
    ax.set_xticklabels([f"{y}e" if y in estimated else str(y) for y in wide.columns], rotation=0)
    ax.set_xlabel("Year (e = estimate)")
    ax.set_ylabel("")
    ax.set_title("Defence expenditure, % of GDP, by ally and year")
    return finish(fig, caption + " Blank: before the ally joined NATO.")


def quadrant(
    status: pd.DataFrame, year: int, caption: str, gdp_line: float = 2.0, equipment_line: float = 20.0
) -> Figure:
    """Share of GDP against equipment share: the 2% / 20% quadrants."""
    fig, ax = plt.subplots(figsize=(9, 7))
    both = (status["share_gdp_pct"] >= gdp_line) & (status["equipment_share_pct"] >= equipment_line)
    for mask, colour, marker, label in (
        (both, MEETS, "o", f"meets both {gdp_line:g}% and {equipment_line:g}%"),
        (~both, BELOW, "s", "misses at least one"),
    ):
        part = status[mask]
        ax.scatter(
            part["share_gdp_pct"],
            part["equipment_share_pct"],
            color=colour,
            marker=marker,
            s=45,
            edgecolor="black",
            linewidth=0.5,
            label=label,
        )
    # adjustText (a well-kept, deterministic label placer) moves the labels apart, with a leader line
    # where a label had to move: 31 allies crowd around 2% and 20-40%
    labels = [
        ax.text(row.share_gdp_pct, row.equipment_share_pct, row.country, fontsize=7.5) for row in status.itertuples()
    ]
    adjust_text(
        labels,
        x=status["share_gdp_pct"].tolist(),
        y=status["equipment_share_pct"].tolist(),
        ax=ax,
        iter_lim=ADJUST_ITERATIONS,
        arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.5},
    )
    ax.axvline(gdp_line, color="black", linestyle=":", linewidth=1)
    ax.axhline(equipment_line, color="black", linestyle=":", linewidth=1)
    ax.set_xlabel("Defence expenditure, % of GDP")
    ax.set_ylabel("Equipment expenditure, % of defence expenditure")
    estimate = " (NATO estimates)" if bool(status["estimate"].any()) else ""
    ax.set_title(f"The {gdp_line:g}% and {equipment_line:g}% guidelines, {year}{estimate}")
    ax.legend(loc="lower right")
    return finish(fig, caption)


def allies_meeting_lines(
    counts: pd.DataFrame, names: dict[str, str], caption: str, agreed: dict[str, int | None] | None = None
) -> Figure:
    """Number of allies meeting each target by year, against the number of members (grey steps); hollow
    markers for estimated years; a target agreed after a year is drawn faint there (a retrospective count)."""
    agreed = agreed or {}
    fig, ax = plt.subplots(figsize=(9, 5))
    members = counts.drop_duplicates("year").sort_values("year")
    ax.step(
        members["year"],
        members["allies_reporting"],
        where="mid",
        color="#999999",
        linewidth=1.2,
        label="members with armed forces at year's end",
    )
    markers, styles = ["o", "s", "^", "D"], ["-", "--", "-.", ":"]
    retrospective = []
    for i, (target, part) in enumerate(counts.groupby("target", sort=False)):
        part = part.sort_values("year")
        since = agreed.get(target)
        label = names.get(target, target)
        if since is not None and part["year"].min() < since:
            retrospective.append((since, label))
            label += f", retrospective before {since}"
        (line,) = ax.plot(
            part["year"],
            part["allies_meeting"],
            linestyle=styles[i % 4],
            marker=markers[i % 4],
            label=label,
            alpha=0.55 if since is not None and part["year"].max() < since else 1.0,
        )
        estimated = part[part["estimate"]]
        hollow_markers(ax, estimated["year"], estimated["allies_meeting"], markers[i % 4], line.get_color())
    ax.set_xlabel("Year")
    ax.set_ylabel("Allies meeting the target (members at year's end)")
    ax.set_title("How many allies meet each target, of the members each year")
    ax.set_ylim(0, int(counts["allies_reporting"].max()) + 1)  # a count starts at zero, in whole allies
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncol=2, frameon=False)  # below: never on the data
    ax.xaxis.get_major_locator().set_params(integer=True)
    note = " ".join(
        f"{names_list([label for y, label in retrospective if y == since])} "
        f"{'was' if sum(y == since for y, _ in retrospective) == 1 else 'were'} agreed in {since}: counts before "
        "then are retrospective comparisons."
        for since in sorted({y for y, _ in retrospective})
    )
    return finish(fig, caption + " " + ESTIMATE_NOTE + (" " + note if note else ""))


def burden_lines(burden: pd.DataFrame, caption: str) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 5))
    for column, label, style, marker in (
        ("united_states_share_pct", "United States", "-", "o"),
        ("europe_canada_share_pct", "Europe and Canada", "--", "s"),
    ):
        (line,) = ax.plot(burden["year"], burden[column], linestyle=style, marker=marker, label=label)
        est = burden[burden["estimate"]]
        hollow_markers(ax, est["year"], est[column], marker, line.get_color())
    ax.set_ylim(0, 100)
    ax.set_xlabel("Year")
    ax.set_ylabel("Share of allied defence expenditure, % (current USD)")
    ax.set_title("Burden sharing: the United States against Europe and Canada")
    ax.legend(loc="center right")
    return finish(fig, caption + " " + ESTIMATE_NOTE)


def per_capita_bars(per_capita: pd.DataFrame, year: int, base_year: int, caption: str) -> Figure:
    data = per_capita.sort_values(["defence_per_capita_usd_constant", "country"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(8, 9))
    colours = [NEUTRAL if agg else MEETS for agg in data["is_aggregate"]]
    bars = ax.barh(data["country_name"], data["defence_per_capita_usd_constant"], color=colours, edgecolor="white")
    for bar, estimate in zip(bars, data["estimate"]):
        bar.set_hatch("///" if estimate else "")
    ax.set_xlabel(f"Defence expenditure per capita, US dollars ({base_year} prices)")
    ax.set_title(f"Defence expenditure per head, {year} (grey: NATO aggregates)")
    return finish(fig, caption + " " + ESTIMATE_NOTE)


def shortfall_bars(shortfall: pd.DataFrame, threshold: float, start: int, price_base: int, caption: str) -> Figure:
    """The spending short of the threshold since the start year, ally by ally, largest at the top."""
    data = shortfall[shortfall["shortfall_usd_m_constant"] > 0].sort_values(
        ["shortfall_usd_m_constant", "country"], ascending=[True, True]
    )
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(data) + 2))
    ax.barh(data["country_name"], data["shortfall_usd_m_constant"] / 1000, color=BELOW)
    last = int(shortfall["last_year"].max())
    ax.set_xlabel(
        f"Spending short of {threshold:g}% of GDP, {start}-{last} summed, billion US dollars ({price_base} prices)"
    )
    ax.set_title(f"The shortfall against {threshold:g}% of GDP since {start} (member years only)")
    return finish(fig, caption)
