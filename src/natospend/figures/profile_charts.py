"""Figures of one ally's profile, in the style of figures.py."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt

from natospend.analysis.required_growth import share_path
from natospend.figures.style import (
    BELOW,
    ESTIMATE_NOTE,
    MEETS,
    NEUTRAL,
    TARGET_STYLES,
    finish,
    hollow_markers,
    mark_breaks,
    money_axis,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CATEGORY_STYLE = (
    ("equipment_share_pct", "Equipment", MEETS, ""),
    ("personnel_share_pct", "Personnel", BELOW, "//"),
    ("infrastructure_share_pct", "Infrastructure", "#56b4e9", ".."),
    ("other_share_pct", "Other", NEUTRAL, "xx"),
)


def _before_accession(ax: Axes, profile: pd.DataFrame) -> None:
    before = profile.loc[~profile["member"], "year"]
    if len(before):
        ax.axvspan(
            before.min() - 0.5, before.max() + 0.5, color="#dddddd", alpha=0.6, zorder=0, label="before accession"
        )


def _line_with_estimates(
    ax: Axes,
    profile: pd.DataFrame,
    column: str,
    label: str,
    style: str = "-",
    marker: str = "o",
    colour: str = MEETS,
    estimate: str = "estimate",
) -> None:
    data = profile.dropna(subset=[column])
    ax.plot(data["year"], data[column], linestyle=style, marker=marker, color=colour, label=label)
    est = data[data[estimate]]
    hollow_markers(ax, est["year"], est[column], marker, colour)


def share_over_time(
    profile: pd.DataFrame, name: str, targets: list[float], caption: str, break_years: list[int] | None = None
) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 5))
    _before_accession(ax, profile)
    mark_breaks(ax, break_years or [])
    _line_with_estimates(ax, profile, "share_gdp_pct", "NATO: defence expenditure, % of GDP")
    for value in targets:
        ax.axhline(value, color="black", linestyle=TARGET_STYLES.get(value, "--"), linewidth=1)
        ax.text(1.005, value, f"{value:g}%", va="center", fontsize=8, transform=ax.get_yaxis_transform())
    ax.set_ylim(0, max(max(targets) * 1.1, float(profile["share_gdp_pct"].max()) * 1.1))
    ax.set_xlabel("Year")
    ax.set_ylabel("% of GDP")
    ax.set_title(f"{name}: defence expenditure as a share of GDP against the targets")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, frameon=False)
    band = " Grey band: before accession." if not profile["member"].all() else ""
    return finish(
        fig, caption + " " + ESTIMATE_NOTE + band + (" Dashed grey line: a listed series break." if break_years else "")
    )


def rank_over_time(profile: pd.DataFrame, name: str, caption: str) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 4))
    _before_accession(ax, profile)
    _line_with_estimates(ax, profile, "rank_share_gdp", "rank by share of GDP")
    ranked = int(profile["allies_ranked"].max())
    ax.set_ylim(ranked + 0.8, 0.2)  # rank 1 at the top, with room for its marker
    ax.set_yticks(sorted({1, *(r for r in range(5, ranked + 1, 5) if ranked - r >= 2), ranked}))  # 30, 31 collide
    ax.set_xlabel("Year")
    ax.set_ylabel("Rank among allies (1 = highest share)")
    ax.set_title(f"{name}: rank among the allies by share of GDP")
    return finish(fig, caption + " " + ESTIMATE_NOTE)


def spending(profile: pd.DataFrame, name: str, currency: str, price_base: int, caption: str) -> Figure:
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.5))  # at most 12 inches: no text under 8 px on the page
    for ax, (current, constant, unit) in zip(
        axes[:2],
        (
            ("defence_nc_m_current", "defence_nc_m_constant", f"million {currency}"),
            ("defence_usd_m_current", "defence_usd_m_constant", "million US dollars"),
        ),
    ):
        _before_accession(ax, profile)
        _line_with_estimates(ax, profile, current, "current prices", "-", "o", MEETS)
        _line_with_estimates(ax, profile, constant, f"constant {price_base} prices", "--", "s", BELOW)
        ax.set_ylabel(unit)
        ax.set_xlabel("Year")
        money_axis(ax)
    # one legend for both panels, under them: never on the data, whatever an ally's path
    axes[0].legend(loc="upper left", bbox_to_anchor=(0, -0.2), ncol=2, fontsize=7, frameon=False)
    axes[0].set_title("In national currency")
    axes[1].set_title("In US dollars")
    change = profile.dropna(subset=["real_change_pct"])
    bars = axes[2].bar(
        change["year"], change["real_change_pct"], color=[MEETS if v >= 0 else BELOW for v in change["real_change_pct"]]
    )
    for bar, estimate in zip(bars, change["estimate"]):
        bar.set_hatch("///" if estimate else "")
    axes[2].axhline(0, color="black", linewidth=0.8)
    axes[2].set_title("Real change on the year before")
    axes[2].set_ylabel("% (constant prices)")
    axes[2].set_xlabel("Year")
    fig.suptitle(f"{name}: defence expenditure", fontweight="bold")
    return finish(fig, caption + " " + ESTIMATE_NOTE, top=0.95)


def categories(profile: pd.DataFrame, name: str, caption: str) -> Figure:
    data = profile.dropna(subset=["equipment_share_pct"])
    fig, ax = plt.subplots(figsize=(9, 5))
    bottom = [0.0] * len(data)
    for column, label, colour, hatch in CATEGORY_STYLE:
        values = data[column].fillna(0).tolist()
        ax.bar(data["year"], values, bottom=bottom, color=colour, hatch=hatch, edgecolor="white", label=label)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.axhline(20, color="black", linestyle=":", linewidth=1.2)
    ax.text(data["year"].max() + 0.6, 20, "20%\nequipment", va="center", fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_xlabel("Year (estimates: " + ", ".join(str(y) for y in data.loc[data["estimate"], "year"]) + ")")
    ax.set_ylabel("% of defence expenditure")
    ax.set_title(f"{name}: defence expenditure by category")
    ax.legend(loc="upper left", bbox_to_anchor=(1.08, 1), fontsize=8)
    return finish(fig, caption)


def per_capita_and_personnel(
    profile: pd.DataFrame, name: str, price_base: int, caption: str, personnel_breaks: list[int] | None = None
) -> Figure:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    _before_accession(axes[0], profile)
    _line_with_estimates(axes[0], profile, "defence_per_capita_usd_constant", "per capita")
    axes[0].set_ylabel(f"US dollars per head ({price_base} prices)")
    axes[0].set_title("Defence expenditure per capita")
    _before_accession(axes[1], profile)
    _line_with_estimates(axes[1], profile, "military_personnel_k", "military personnel", "--", "s", BELOW)
    mark_breaks(axes[1], personnel_breaks or [])
    axes[1].set_ylabel("Thousand persons")
    axes[1].set_title("Military personnel")
    for ax in axes:
        ax.set_xlabel("Year")
    fig.suptitle(name, fontweight="bold")
    note = " Dashed grey line: a jump in personnel the tables do not explain (series_breaks.csv)."
    return finish(fig, caption + " " + ESTIMATE_NOTE + (note if personnel_breaks else ""), top=0.95)


def nato_and_sipri(
    profile: pd.DataFrame, sipri: pd.DataFrame, name: str, caption: str, break_years: list[int] | None = None
) -> Figure:
    """NATO's series and SIPRI's (its own years, so SIPRI's latest year shows too), estimates hollow."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    _line_with_estimates(ax, profile, "share_gdp_pct", "NATO", "-", "o", MEETS)
    _line_with_estimates(
        ax, sipri.rename(columns={"value": "sipri_share_gdp_pct"}), "sipri_share_gdp_pct", "SIPRI", "--", "s", BELOW
    )
    mark_breaks(ax, break_years or [])
    ax.axhline(2, color="black", linestyle=":", linewidth=1)
    highest = max(profile["share_gdp_pct"].max(), sipri["value"].max() if len(sipri) else 0, 2.0)
    ax.set_ylim(0, highest * 1.15)  # room above the highest point: no marker cut at the edge
    ax.set_xlabel("Year")
    ax.set_ylabel("% of GDP")
    ax.set_title(f"{name}: NATO's and SIPRI's figures side by side")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncol=2, frameon=False)  # below: never on the data
    note = " Hollow markers: estimates (NATO's and SIPRI's)."
    return finish(fig, caption + note + (" Dashed grey line: a listed break in NATO's series." if break_years else ""))


def pathway(profile: pd.DataFrame, path: pd.Series, pledges: pd.DataFrame, name: str, caption: str) -> Figure:
    """History (hollow markers: estimates), the required path (none when already at the target), the
    trend path (none when a series break leaves no trend), the target line and the pledges."""
    fig, ax = plt.subplots(figsize=(9, 5))
    _line_with_estimates(ax, profile, "share_gdp_pct", "history (NATO)", "-", "o", "black")
    years = list(range(int(path["base_year"]), int(path["target_year"]) + 1))
    base, share = int(path["base_year"]), float(path["base_share_pct"])
    g = float(path["gdp_growth_pct"]) / 100
    if not bool(path["already_at_target"]) and not math.isnan(float(path["required_real_growth_pct"])):
        ax.plot(
            years,
            share_path(base, share, float(path["required_real_growth_pct"]) / 100, g, years),
            color=MEETS,
            linestyle="--",
            label=f"required: {path['required_real_growth_pct']:.1f}% real growth a year",
        )
    if not math.isnan(float(path["trend_real_growth_pct"])):
        since = f" since {int(path['trend_start_year'])}"
        ax.plot(
            years,
            share_path(base, share, float(path["trend_real_growth_pct"]) / 100, g, years),
            color=BELOW,
            linestyle=":",
            linewidth=2,
            label=f"trend{since}: {path['trend_real_growth_pct']:.1f}% a year",
        )
    ax.axhline(float(path["target_pct"]), color="#777777", linewidth=0.8)
    if len(pledges):
        ax.scatter(
            pledges["target_year"],
            pledges["share_gdp_pct"],
            marker="*",
            s=150,
            color="#cc3311",
            zorder=4,
            label="national pledges",
        )
    ax.set_ylim(0, max(float(path["target_pct"]) * 1.4, share * 1.3))
    ax.set_xlabel("Year")
    ax.set_ylabel("% of GDP")
    status = " (already there)" if bool(path["already_at_target"]) else ""
    ax.set_title(f"{name}: pathway to {path['target_pct']:g}% of GDP by {int(path['target_year'])}{status}")
    ax.legend(loc="upper left", fontsize=8)
    note = " Hollow markers: estimates."
    if path["trend_note"]:
        note += f" {str(path['trend_note'])[0].upper()}{str(path['trend_note'])[1:]}."
    return finish(fig, caption + note)
