"""Figures of notebook 02 (pathways): required against trend growth, year reached, money, each ally's path, sensitivity."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from natospend.analysis.required_growth import share_path
from natospend.figures.style import (
    BELOW,
    MEETS,
    NEUTRAL,
    GridMargins,
    finish,
    hollow_markers,
    mark_breaks,
    money_axis,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def required_vs_trend(paths: pd.DataFrame, caption: str) -> Figure:
    """Dot plot: each ally's required real growth against its trend real growth. An ally already at
    or above the target needs none: it shows its trend only, marked as already there."""
    at = paths["already_at_target"].astype(bool)
    data = _growth_order(paths[~at], paths[at])
    fig, ax = plt.subplots(figsize=(8, 9))
    y = list(range(len(data)))
    needs = ~data["already_at_target"].astype(bool).to_numpy()
    ax.hlines(
        [v for v, n in zip(y, needs) if n],
        data.loc[needs, "trend_real_growth_pct"],
        data.loc[needs, "required_real_growth_pct"],
        color="#bbbbbb",
    )
    ax.scatter(data["trend_real_growth_pct"], y, marker="o", color=NEUTRAL, label="trend real growth", zorder=3)
    ax.scatter(
        data.loc[needs, "required_real_growth_pct"],
        [v for v, n in zip(y, needs) if n],
        marker="D",
        color=MEETS,
        label="required real growth",
        zorder=3,
    )
    if (~needs).any():
        ax.scatter(
            data.loc[~needs, "trend_real_growth_pct"],
            [v for v, n in zip(y, needs) if not n],
            marker="s",  # filled: a hollow marker means an estimate in every natospend figure
            color=MEETS,
            s=40,
            label="already at or above the target: none required",
            zorder=4,
        )
    labels = [
        _trend_label(r.country_name, r.trend_note, r.trend_start_year, r.trend_real_growth_pct)
        for r in data.itertuples()
    ]
    ax.set_yticks(y, labels)
    ax.axvline(0, color="black", linewidth=0.8)
    target, year = data["target_pct"].iloc[0], data["target_year"].iloc[0]
    base = int(data["base_year"].iloc[0])
    estimate = " (a NATO estimate)" if bool(data["estimate"].any()) else ""
    ax.set_xlabel(f"Real growth of defence expenditure, % a year, from {base}{estimate}")
    ax.set_title(f"Real growth needed to reach {target:g}% of GDP by {year}, against trend")
    # below the axes: inside, it would cover the allies at the bottom of the ranking
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2, frameon=False)
    return finish(fig, caption)


def _trend_label(name: str, note: str, start: int, trend: float) -> str:
    """An ally's axis label, naming a series break that moved or removed its trend."""
    if not note:
        return name
    return f"{name} (series break {start}: {'no trend' if math.isnan(trend) else 'trend from it'})"


def _growth_order(below: pd.DataFrame, at: pd.DataFrame) -> pd.DataFrame:
    """Allies below the target by required growth (largest at the top), those already there underneath."""
    return pd.concat(
        [
            at.sort_values(["trend_real_growth_pct", "country"]),
            below.sort_values(["required_real_growth_pct", "country"]),
        ],
        ignore_index=True,
    )


def year_reached(paths: pd.DataFrame, caption: str, horizon: int) -> Figure:
    """The year each ally reaches the target at trend; 'never' where trend growth <= GDP growth."""
    data = paths.copy()
    reached = data["year_target_reached_at_trend"].astype("Float64")
    data["after_horizon"] = reached.gt(horizon).fillna(False).astype(bool)  # reached, but after the axis ends
    data["plot_year"] = reached.fillna(horizon).clip(upper=horizon).astype(float)
    data = data.sort_values(["plot_year", "country"], ascending=[False, True])
    target_year = int(data["target_year"].iloc[0])
    fig, ax = plt.subplots(figsize=(8, 9))
    never = data["year_target_reached_at_trend"].isna()
    colours = [BELOW if (n or v > target_year) else MEETS for n, v in zip(never, data["plot_year"])]
    base = int(data["base_year"].iloc[0])
    bars = ax.barh(data["country_name"], data["plot_year"] - base, left=base, color=colours, edgecolor="white")
    for bar, is_never, is_later in zip(bars, never, data["after_horizon"]):
        bar.set_hatch("xx" if is_never else "//" if is_later else "")
    ax.axvline(target_year, color="black", linestyle="--", linewidth=1)
    # inside the axes at the bottom: above them it ran into the title
    ax.text(
        target_year,
        0.005,
        f" deadline {target_year}",
        transform=ax.get_xaxis_transform(),
        fontsize=8,
        va="bottom",
        ha="left",
        backgroundcolor="white",
    )
    ax.set_xlim(base, horizon)
    estimate = ", a NATO estimate" if bool(data["estimate"].any()) else ""
    ax.set_xlabel(
        f"Year the target is reached at trend growth from {base}{estimate}\n(hatched ///: after {horizon}, the "
        "bar cut at the axis; cross-hatched xx: never)"
    )
    ax.set_title(f"When each ally reaches {data['target_pct'].iloc[0]:g}% of GDP at its own trend")
    return finish(fig, caption)


def extra_spending_bars(paths: pd.DataFrame, base_year: int, price_base: int, caption: str) -> Figure:
    """The gap in dollars: bars in current US dollars of the base year, markers at constant prices."""
    data = paths[paths["extra_spending_usd_m_current"] > 0].sort_values(
        ["extra_spending_usd_m_current", "country"], ascending=[True, True]
    )
    fig, ax = plt.subplots(figsize=(8, 9))
    ax.barh(
        data["country_name"],
        data["extra_spending_usd_m_current"] / 1000,
        color=MEETS,
        label=f"current US dollars ({base_year} prices and exchange rates)",
    )
    ax.scatter(
        data["extra_spending_usd_m_constant"] / 1000,
        data["country_name"],
        marker="|",
        s=120,
        color=BELOW,
        linewidths=2.5,
        zorder=3,
        label=f"constant {price_base} US dollars",
    )
    estimate = " (NATO estimates)" if bool(data["estimate"].any()) else ""
    ax.set_xlabel(f"Extra spending needed in {base_year}{estimate}, billion US dollars")
    ax.set_title(f"The gap to {paths['target_pct'].iloc[0]:g}% of GDP in dollars, {base_year}")
    money_axis(ax, "x")
    ax.legend(loc="lower right")
    return finish(fig, caption)


def ally_paths(
    history: pd.DataFrame,
    paths: pd.DataFrame,
    pledges: pd.DataFrame,
    caption: str,
    break_years: dict[str, list[int]] | None = None,
) -> Figure:
    """Small multiples: history (hollow markers: estimates), the required path to the target (none for an
    ally already there), the trend path, listed series breaks, and pledges."""
    break_years = break_years or {}
    allies = paths.sort_values("country_name")
    columns = 5  # 12 inches wide: every label at least 8 px where a page shows it (a 1,000 px column)
    rows = math.ceil(len(allies) / columns)
    # The same limits on every panel, set once each: matplotlib's shared axes cost time quadratic in the
    # number of panels at every draw (about half of this figure's drawing and saving time).
    fig, axes = plt.subplots(rows, columns, figsize=(12, 2.3 * rows + 0.8))
    flat = list(axes.flat)
    for ax, path in zip(flat, allies.itertuples()):
        past = history[history["country"] == path.country].sort_values("year")
        ax.plot(past["year"], past["share_gdp_pct"], color="black", linewidth=1.2)
        estimated = past[past["estimate"]]
        hollow_markers(ax, estimated["year"], estimated["share_gdp_pct"], "o", "black", size=3.5)
        years = list(range(path.base_year, path.target_year + 1))
        if not path.already_at_target:
            ax.plot(
                years,
                share_path(
                    path.base_year,
                    path.base_share_pct,
                    path.required_real_growth_pct / 100,
                    path.gdp_growth_pct / 100,
                    years,
                ),
                color=MEETS,
                linestyle="--",
                linewidth=1.2,
            )
        if not math.isnan(path.trend_real_growth_pct):
            ax.plot(
                years,
                share_path(
                    path.base_year,
                    path.base_share_pct,
                    path.trend_real_growth_pct / 100,
                    path.gdp_growth_pct / 100,
                    years,
                ),
                color=BELOW,
                linestyle=":",
                linewidth=1.5,
            )
        mark_breaks(ax, break_years.get(path.country, []))
        own = pledges[pledges["country"] == path.country]
        ax.scatter(own["target_year"], own["share_gdp_pct"], marker="*", s=70, color="#cc3311", zorder=4)
        ax.axhline(path.target_pct, color="#999999", linewidth=0.6)
        ax.set_title(path.country_name, fontsize=9)
        ax.tick_params(labelbottom=True, labelsize=8)  # year labels under every row, not only the last
    for ax in flat[len(allies) :]:
        ax.axis("off")
    top = max(float(allies["target_pct"].iloc[0]) * 1.6, 6.0)
    first_year = min(int(history["year"].min()), int(allies["base_year"].min()))
    last_year = int(max(allies["target_year"].max(), pledges["target_year"].max() if len(pledges) else 0))
    margin = (last_year - first_year) * 0.05  # matplotlib's own autoscale margin
    for ax in flat[: len(allies)]:
        ax.set_ylim(0, top)
        ax.set_xlim(first_year - margin, last_year + margin)
        if ax not in axes[:, 0]:
            ax.tick_params(labelleft=False)  # the % scale labelled on the first panel of each row
    flat[0].text(
        allies["base_year"].min() - 10,
        float(allies["target_pct"].iloc[0]),
        f"target {allies['target_pct'].iloc[0]:g}%",
        fontsize=7,
        va="bottom",
        color="#555555",
    )  # labelled once
    for ax in flat[: len(allies)]:
        clipped = [line for line in ax.get_lines() if len(line.get_ydata()) and max(line.get_ydata()) > top]
        if clipped:  # a path above the scale is marked, not silently cut
            ax.text(
                0.98,
                0.97,
                "\u2191 off the scale",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=7,
                color="#555555",
            )
    fig.supylabel("Defence expenditure, % of GDP")
    fig.suptitle("Each ally's path to the target", fontweight="bold")
    key = (
        "History: solid line (hollow markers: estimates). Required: dashed (none where already there). "
        "Trend: dotted. National pledges: stars."
    )
    top = 1 - 0.62 / fig.get_figheight()  # the key sits under the title, inside the figure's width
    fig.text(0.5, top, key, ha="center", va="top", fontsize=9)
    return finish(fig, caption, top=0.97, grid=GridMargins(0.75, 0.3, 0.95, 0.35, wspace=0.12, hspace=0.45))


def sensitivity_heatmap(
    grid: pd.DataFrame, price_base: int, caption: str, base_year: int | None = None, base_is_estimate: bool = False
) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 5))
    sns.heatmap(
        grid / 1000,
        annot=True,
        fmt=",.0f",
        cmap="cividis",
        ax=ax,
        annot_kws={"fontsize": 8},
        cbar_kws={"label": f"billion US dollars ({price_base} prices)"},
    )
    ax.set_yticklabels([f"{v:g}%" for v in grid.index], rotation=0)
    ax.set_xlabel("Target year")
    ax.set_ylabel("Target, % of GDP")
    start = f" (from {base_year}{', a NATO estimate' if base_is_estimate else ''})" if base_year else ""
    ax.set_title(f"Spending needed above trend in the target year, all allies{start}")
    return finish(fig, caption)


def projection_errors(outcomes: pd.DataFrame, caption: str) -> Figure:
    """Dot plot, one row per ally: the later figure minus the share projected at trend, as published (circles)
    and, for another source's figures, restated on the projecting source's definition by the ally's mean
    difference between the two in the years both cover (squares). Sorted by the restated error."""
    year = int(outcomes["year"].max())
    data = outcomes[outcomes["year"] == year].sort_values(["error_on_nato_definition_pp", "country"]).reset_index()
    same_source = bool((data["outcome_source"] == "nato").all())
    fig, ax = plt.subplots(figsize=(8, max(4.0, 0.27 * len(data) + 1.8)))
    y = list(range(len(data)))
    ax.axvline(0, color="black", linewidth=0.8)
    ax.hlines(y, data["error_pp"], data["error_on_nato_definition_pp"], color="#bbbbbb")
    source = "NATO's later edition" if same_source else "SIPRI's figure"
    ax.scatter(data["error_pp"], y, marker="o", color=NEUTRAL, label=f"{source} minus the projection", zorder=3)
    if not same_source:
        ax.scatter(
            data["error_on_nato_definition_pp"],
            y,
            marker="s",
            color=BELOW,
            label="the same, plus the ally's NATO-SIPRI difference in the base year",
            zorder=3,
        )
    ax.set_yticks(y, data["country_name"])
    base = int(data["base_year"].iloc[0])
    ax.set_xlabel(f"{year} share of GDP: outcome minus projection, percentage points")
    ax.set_title(f"Trend projections from {base} against the {year} figures")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=1, frameon=False)
    return finish(fig, caption)
