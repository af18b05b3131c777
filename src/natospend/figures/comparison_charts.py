"""Figures of notebook 04: NATO against SIPRI, the allies against Russia."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator

from natospend.analysis.ppp import EUROPE
from natospend.data.breaks import SeriesBreak, break_in_or_before
from natospend.figures.style import BELOW, MEETS, NEUTRAL, finish, hollow_markers, money_axis
from natospend.formatting import format_number

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def shares_side_by_side(compared: pd.DataFrame, year: int, caption: str) -> Figure:
    """Dumbbells: each ally's NATO and SIPRI share of GDP in one year."""
    data = compared[(compared["year"] == year) & compared["member"]].sort_values(["nato_share_gdp_pct", "country"])
    fig, ax = plt.subplots(figsize=(8, 9))
    y = list(range(len(data)))
    ax.hlines(y, data["nato_share_gdp_pct"], data["sipri_share_gdp_pct"], color="#bbbbbb")
    for column, estimate, marker, colour, label in (
        ("nato_share_gdp_pct", "nato_estimate", "o", MEETS, "NATO"),
        ("sipri_share_gdp_pct", "sipri_estimate", "s", BELOW, "SIPRI"),
    ):
        hollow = data[estimate].to_numpy()
        ax.scatter(
            data.loc[~hollow, column],
            [v for v, h in zip(y, hollow) if not h],
            marker=marker,
            color=colour,
            label=label,
            zorder=3,
        )
        ax.scatter(
            data.loc[hollow, column],
            [v for v, h in zip(y, hollow) if h],
            marker=marker,
            facecolor="white",
            edgecolor=colour,
            linewidth=1.5,
            label=f"{label} estimate",
            zorder=3,
        )
    ax.set_yticks(y, data["country_name"])
    ax.axvline(2, color="black", linestyle=":", linewidth=1)
    ax.set_xlabel("Defence / military expenditure, % of GDP")
    ax.set_title(f"NATO's and SIPRI's shares of GDP, {year} (members at year's end)")
    ax.legend(loc="lower right")
    return finish(fig, caption + " Hollow markers: estimates.")


def difference_heatmap(
    compared: pd.DataFrame, caption: str, breaks: dict[str, list[SeriesBreak]] | None = None
) -> Figure:
    """NATO minus SIPRI by ally and year. A value marked "e" rests on an estimate (NATO's or SIPRI's, that cell
    only); a hatched cell is in or after a listed break in NATO's series (breaks: data.breaks.trend_breaks)."""
    wide = compared.pivot(index="country_name", columns="year", values="difference_pp")
    flagged = compared.assign(e=compared["nato_estimate"] | compared["sipri_estimate"])
    estimated = flagged.pivot(index="country_name", columns="year", values="e").reindex_like(wide).fillna(False)
    fig, ax = plt.subplots(figsize=(10, 10))
    # a diverging map centred on zero; blue-orange stays apart for colour-blind readers; the labels are
    # written by format_number, which never prints "-0.00"
    labels = wide.map(lambda v: format_number(v, 2, ""))
    labels = labels.where(~estimated.astype(bool) | (labels == ""), labels + "e")
    sns.heatmap(
        wide,
        annot=labels,
        fmt="",
        cmap="PuOr_r",
        center=0,
        ax=ax,
        annot_kws={"fontsize": 7},
        cbar_kws={"label": "NATO minus SIPRI, percentage points"},
        linewidths=0.3,
    )
    codes = compared.drop_duplicates("country_name").set_index("country_name")["country"]
    hatched = False
    for row, name in enumerate(wide.index):
        for column, year in enumerate(wide.columns):
            value = wide.iat[row, column]
            if value == value and break_in_or_before(breaks or {}, str(codes.get(name)), int(year)):  # not NaN
                ax.add_patch(Rectangle((column, row), 1, 1, fill=False, hatch="//", edgecolor="#555555", lw=0))
                hatched = True
    ax.set_xticklabels([str(y) for y in wide.columns], rotation=0)
    ax.set_xlabel("Year (a value marked e rests on an estimate, NATO's or SIPRI's)")
    ax.set_ylabel("")
    if hatched:
        caption += (
            " Hatched cells: in or after a listed break in NATO's series (a changed denominator): not comparable."
        )
    ax.set_title("NATO minus SIPRI, share of GDP, by ally and year")
    return finish(fig, caption)


def counts_by_definition(counts: pd.DataFrame, caption: str) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for column, estimate, marker, style, colour, label in (
        ("allies_at_2pct_nato", "nato_count_on_estimate", "o", "-", MEETS, "NATO"),
        ("allies_at_2pct_sipri", "sipri_count_on_estimate", "s", "--", BELOW, "SIPRI"),
    ):
        ax.plot(counts["year"], counts[column], marker=marker, linestyle=style, color=colour, label=label)
        est = counts[counts[estimate]]
        hollow_markers(ax, est["year"], est[column], marker, colour)
    ax.set_ylim(0, int(counts["members"].max()) + 1)  # a count starts at zero, in whole allies
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Year")
    ax.set_ylabel("Members at or above 2% of GDP")
    ax.set_title("Allies at 2% of GDP under each definition (members at year's end)")
    ax.legend(loc="upper left")
    return finish(
        fig,
        caption
        + " Hollow markers: an estimated figure lies within 0.05 points of 2%, so the count could move with it.",
    )


def _series(
    ax,
    frame: pd.DataFrame,
    column: str,
    label: str,
    style: str,
    marker: str,
    colour: str,  # type: ignore[no-untyped-def]
    estimate: str | None,
    scale: float = 1.0,
) -> None:
    """A line over the years, with hollow markers where the publisher marks an estimate."""
    ax.plot(
        frame["year"], frame[column] / scale, linestyle=style, marker=marker, markersize=4, color=colour, label=label
    )
    if estimate is not None:
        est = frame[frame[estimate].astype(bool)]
        hollow_markers(ax, est["year"], est[column] / scale, marker, colour, size=5)


def ppp_against_market(ppp: pd.DataFrame, ratios: pd.DataFrame, caption: str) -> Figure:
    """Russia and the European allies at market exchange rates and at PPP, and the ratio under each."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))  # at most 12 inches: no text under 8 px on the page
    for country, label, colour, marker in (("RUS", "Russia", BELOW, "^"), (EUROPE, "European allies", MEETS, "s")):
        rows = ppp[(ppp["country"] == country) & (ppp["year"] >= 2000)]
        axes[0].plot(
            rows["year"],
            rows["spending_usd_m_current"] / 1000,
            color=colour,
            marker=marker,
            markersize=4,
            linestyle="-",
            label=f"{label}, market rates (US$)",
        )
        axes[0].plot(
            rows["year"],
            rows["spending_ppp_intl_usd_m"] / 1000,
            color=colour,
            marker=marker,
            markersize=4,
            linestyle="--",  # dashed: PPP (hollow markers mean an estimate in every figure)
            label=f"{label}, PPP (international $)",
        )
    axes[0].set_ylabel("billion, current prices")
    money_axis(axes[0])
    axes[0].set_title("Military expenditure: market rates and PPP")
    axes[0].legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, fontsize=7.5, frameon=False)
    data = ratios[ratios["year"] >= 2000]
    axes[1].plot(
        data["year"],
        data["europe_to_russia_market"],
        color=MEETS,
        marker="o",
        markersize=4,
        label="market exchange rates",
    )
    axes[1].plot(
        data["year"],
        data["europe_to_russia_ppp"],
        color=BELOW,
        marker="s",
        markersize=4,
        linestyle="--",
        label="purchasing-power parity",
    )
    axes[1].axhline(1, color="black", linewidth=0.8)
    axes[1].set_ylim(bottom=0)
    axes[1].set_ylabel("European allies' spending / Russia's")
    axes[1].set_title("European allies against Russia, under each")
    axes[1].legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, fontsize=7.5, frameon=False)
    for ax in axes:
        ax.set_xlabel("Year")
    return finish(fig, caption)


def russia_spending(russia: pd.DataFrame, price_basis: str, caption: str) -> Figure:
    fig, ax = plt.subplots(figsize=(10, 5))
    for column, label, style, marker, colour, estimate in (
        ("united_states_usd_m_constant", "United States", "-", "o", NEUTRAL, None),
        ("european_allies_usd_m_constant", "European allies (today's 29 with armed forces)", "-", "s", MEETS, None),
        ("russia_usd_m_constant", "Russia", "--", "^", BELOW, "russia_estimate"),
        ("ukraine_usd_m_constant", "Ukraine", ":", "D", "#cc3311", "ukraine_estimate"),
    ):
        _series(ax, russia, column, label, style, marker, colour, estimate, scale=1000)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"${value:,.0f}bn" if value >= 1 else f"${value:g}bn"))
    ax.set_xlabel("Year")
    ax.set_ylabel(f"US$ billion ({price_basis.replace('-', ' ')} prices), log scale")
    ax.set_title("Military expenditure at market exchange rates (SIPRI)")
    ax.legend(loc="lower right", fontsize=8)
    return finish(fig, caption)


def russia_shares_and_ratio(russia: pd.DataFrame, caption: str) -> Figure:
    """Russia's and Ukraine's shares of GDP in panels of their own (Ukraine's 35% would flatten Russia's 7%),
    and the European allies' spending against Russia's."""
    fig, axes = plt.subplots(1, 3, figsize=(11.5, 4.5))  # at most 12 inches as saved: no text under 8 px
    _series(axes[0], russia, "russia_share_gdp_pct", "Russia", "--", "^", BELOW, "russia_estimate")
    axes[0].set_title("Russia: share of GDP")
    _series(axes[1], russia, "ukraine_share_gdp_pct", "Ukraine", ":", "D", "#cc3311", "ukraine_estimate")
    axes[1].set_title("Ukraine: share of GDP\n(its own spending)")
    for ax in axes[:2]:
        ax.set_ylabel("% of GDP")
        ax.set_ylim(bottom=0)
    axes[2].plot(russia["year"], russia["european_allies_to_russia_ratio"], marker="s", markersize=4, color=MEETS)
    axes[2].axhline(1, color="black", linewidth=0.8)
    axes[2].set_ylim(bottom=0)
    axes[2].set_ylabel("European allies' spending / Russia's")
    axes[2].set_title("European allies against Russia\n(market exchange rates)")
    for ax in axes:
        ax.set_xlabel("Year")
    return finish(fig, caption)
