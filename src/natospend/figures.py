"""Figures in one style: titled, units on the axes, source and edition in the footer,
estimates marked, and colours that survive greyscale printing and colour-blind readers
(seaborn's colour-blind palette, paired with hatches, markers and line styles).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

# Dark blue and light orange differ in lightness, so they stay apart in greyscale.
MEETS, BELOW, NEUTRAL = "#0b3c78", "#f2a65a", "#7f7f7f"
# adjustText: a fixed number of iterations (not a time limit) keeps the placement deterministic
ADJUST_ITERATIONS = 120
TARGET_STYLES = {2.0: ":", 3.5: "--", 5.0: "-."}
ESTIMATE_NOTE = "Hatched bars and hollow markers are estimates."


def use_style() -> None:
    import matplotlib
    import seaborn as sns

    matplotlib.use("Agg")
    sns.set_theme(style="whitegrid", palette="colorblind", context="notebook")
    matplotlib.rcParams.update({
        "svg.hashsalt": "natospend",  # stable SVG ids: byte-identical reruns
        "figure.dpi": 100,
        "savefig.dpi": 200,  # sharp on paper (A4 print); the SVG stays the vector copy
        "font.family": "DejaVu Sans",
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.labelsize": 10,
        "legend.fontsize": 8,
    })


FOOTER_POINTS = 7


def finish(fig: "Figure", caption: str, top: float = 1.0) -> "Figure":
    """Every figure's last step: the source footer, and a layout that leaves room for it."""
    import textwrap

    # Wrapped here, not by matplotlib (wrap=True re-measures the text word by word at every draw:
    # it was most of a figure's drawing time). About 16 characters of 7-point text fit an inch.
    text = textwrap.fill(caption, max(40, int(fig.get_figwidth() * 16)))
    fig.text(0.01, 0.005, text, fontsize=FOOTER_POINTS, color="#333333", ha="left", va="bottom")
    footer_inches = (text.count("\n") + 1) * FOOTER_POINTS * 1.3 / 72 + 0.12
    fig.tight_layout(rect=(0, footer_inches / fig.get_figheight(), 1, top))
    return fig


def save(fig: "Figure", directory: Path, name: str) -> list[Path]:
    """PNG and SVG with no timestamps or software versions in their metadata."""
    directory.mkdir(parents=True, exist_ok=True)
    png, svg = directory / f"{name}.png", directory / f"{name}.svg"
    # bbox_inches="tight" would lay the figure out again for each file: measure the box once
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.1)
    # written fast (compress level 1), then re-written in 256 colours by compact_png
    fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches=box, pil_kwargs={"compress_level": 1})
    compact_png(png)
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=box)
    return [png, svg]


def compact_png(path: Path) -> None:
    """The PNG as 256 colours (Pillow, which matplotlib already needs): a chart of flat colours and
    anti-aliased edges looks the same and weighs about a third, so pages with 200-dpi figures stay
    small. Deterministic: the same figure gives the same bytes."""
    from PIL import Image

    with Image.open(path) as image:
        # fast octree: a tenth of median cut's time, and no visible difference on a chart
        compact = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    compact.save(path, format="PNG", compress_level=6)  # level 9: 15% smaller, six times slower


def _target_lines(ax, targets: Iterable[float], vertical: bool = True) -> None:  # type: ignore[no-untyped-def]
    for value in targets:
        style = TARGET_STYLES.get(value, "--")
        if vertical:
            ax.axvline(value, color="black", linestyle=style, linewidth=1)
            ax.text(value, 0.995, f" {value:g}%", transform=ax.get_xaxis_transform(), ha="left", va="top",
                    fontsize=8, backgroundcolor="white")
        else:
            ax.axhline(value, color="black", linestyle=style, linewidth=1)
            ax.text(1.0, value, f" {value:g}%", transform=ax.get_yaxis_transform(), ha="left", va="center",
                    fontsize=8)


def ranked_share_bars(status: "pd.DataFrame", year: int, lines: Sequence[float], caption: str) -> "Figure":
    """Allies ranked by share of GDP, coloured by whether they meet the first line (2%)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    data = status.sort_values(["share_gdp_pct", "country"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(8, 9))
    threshold = lines[0]
    colours = [MEETS if v >= threshold else BELOW for v in data["share_gdp_pct"]]
    hatches = ["///" if e else "" for e in data["estimate"]]
    bars = ax.barh(data["country_name"], data["share_gdp_pct"], color=colours, edgecolor="white")
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    _target_lines(ax, lines)
    ax.set_xlabel("Defence expenditure, % of GDP")
    ax.set_ylabel("")
    ax.set_title(f"Defence expenditure as a share of GDP, {year}")
    ax.legend(handles=[Patch(color=MEETS, label=f"at or above {threshold:g}%"),
                       Patch(color=BELOW, label=f"below {threshold:g}%"),
                       Patch(facecolor="white", edgecolor="black", hatch="///", label="estimate")],
              loc="lower right")
    return finish(fig, caption)


def share_heatmap(table: "pd.DataFrame", caption: str) -> "Figure":
    """Allies by years, share of GDP annotated; estimated years marked 'e' in the header."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    wide = table.pivot(index="country_name", columns="year", values="share_gdp_pct")
    latest = wide.columns.max()
    wide = wide.sort_values(latest, ascending=False)
    members = table.pivot(index="country_name", columns="year", values="member").reindex_like(wide)
    estimated = set(table.loc[table["estimate"], "year"])
    fig, ax = plt.subplots(figsize=(10, 10))
    # cividis: perceptually uniform, readable by colour-blind readers and in greyscale
    # two decimals: one would print 1.96 as "2.0" on the 2% line
    # years before accession are left blank: no ally is shown as a member before it joined
    sns.heatmap(wide, mask=~members.fillna(False).astype(bool), annot=True, fmt=".2f", cmap="cividis",
                cbar_kws={"label": "% of GDP"}, ax=ax, annot_kws={"fontsize": 7}, linewidths=0.3)
    ax.set_xticklabels([f"{y}e" if y in estimated else str(y) for y in wide.columns], rotation=0)
    ax.set_xlabel("Year (e = estimate)")
    ax.set_ylabel("")
    ax.set_title("Defence expenditure, % of GDP, by ally and year")
    return finish(fig, caption + " Blank: before the ally joined NATO.")


def quadrant(status: "pd.DataFrame", year: int, caption: str, gdp_line: float = 2.0,
             equipment_line: float = 20.0) -> "Figure":
    """Share of GDP against equipment share: the 2% / 20% quadrants."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 7))
    both = (status["share_gdp_pct"] >= gdp_line) & (status["equipment_share_pct"] >= equipment_line)
    for mask, colour, marker, label in ((both, MEETS, "o", f"meets both {gdp_line:g}% and {equipment_line:g}%"),
                                        (~both, BELOW, "s", "misses at least one")):
        part = status[mask]
        ax.scatter(part["share_gdp_pct"], part["equipment_share_pct"], color=colour, marker=marker, s=45,
                   edgecolor="black", linewidth=0.5, label=label)
    # adjustText (a well-kept, deterministic label placer) moves the labels apart, with a leader line
    # where a label had to move: 31 allies crowd around 2% and 20-40%
    from adjustText import adjust_text

    labels = [ax.text(row.share_gdp_pct, row.equipment_share_pct, row.country, fontsize=7.5)
              for row in status.itertuples()]
    adjust_text(labels, x=status["share_gdp_pct"].tolist(), y=status["equipment_share_pct"].tolist(), ax=ax,
                iter_lim=ADJUST_ITERATIONS,
                arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.5})
    ax.axvline(gdp_line, color="black", linestyle=":", linewidth=1)
    ax.axhline(equipment_line, color="black", linestyle=":", linewidth=1)
    ax.set_xlabel("Defence expenditure, % of GDP")
    ax.set_ylabel("Equipment expenditure, % of defence expenditure")
    estimate = " (NATO estimates)" if bool(status["estimate"].any()) else ""
    ax.set_title(f"The {gdp_line:g}% and {equipment_line:g}% guidelines, {year}{estimate}")
    ax.legend(loc="lower right")
    return finish(fig, caption)


def allies_meeting_lines(counts: "pd.DataFrame", names: dict[str, str], caption: str) -> "Figure":
    """Number of allies meeting each target by year; hollow markers for estimated years."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    markers, styles = ["o", "s", "^", "D"], ["-", "--", "-.", ":"]
    for i, (target, part) in enumerate(counts.groupby("target", sort=False)):
        part = part.sort_values("year")
        line, = ax.plot(part["year"], part["allies_meeting"], linestyle=styles[i % 4], marker=markers[i % 4],
                        label=names.get(target, target))
        estimated = part[part["estimate"]]
        ax.plot(estimated["year"], estimated["allies_meeting"], linestyle="none", marker=markers[i % 4],
                markerfacecolor="white", markeredgecolor=line.get_color(), markersize=8)
    from matplotlib.ticker import MaxNLocator

    ax.set_xlabel("Year")
    ax.set_ylabel("Allies meeting the target (members at year's end)")
    ax.set_title("How many allies meet each target")
    ax.set_ylim(0, int(counts["allies_reporting"].max()) + 1)  # a count starts at zero, in whole allies
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return finish(fig, caption + " " + ESTIMATE_NOTE)


def burden_lines(burden: "pd.DataFrame", caption: str) -> "Figure":
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    for column, label, style, marker in (("united_states_share_pct", "United States", "-", "o"),
                                         ("europe_canada_share_pct", "Europe and Canada", "--", "s")):
        line, = ax.plot(burden["year"], burden[column], linestyle=style, marker=marker, label=label)
        est = burden[burden["estimate"]]
        ax.plot(est["year"], est[column], linestyle="none", marker=marker, markerfacecolor="white",
                markeredgecolor=line.get_color(), markersize=8)
    ax.set_ylim(0, 100)
    ax.set_xlabel("Year")
    ax.set_ylabel("Share of allied defence expenditure, % (current USD)")
    ax.set_title("Burden sharing: the United States against Europe and Canada")
    ax.legend(loc="center right")
    return finish(fig, caption + " " + ESTIMATE_NOTE)


def per_capita_bars(per_capita: "pd.DataFrame", year: int, base_year: int, caption: str) -> "Figure":
    import matplotlib.pyplot as plt

    data = per_capita.sort_values(["defence_per_capita_usd_constant", "country"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(8, 9))
    colours = [NEUTRAL if agg else MEETS for agg in data["is_aggregate"]]
    bars = ax.barh(data["country_name"], data["defence_per_capita_usd_constant"], color=colours, edgecolor="white")
    for bar, estimate in zip(bars, data["estimate"]):
        bar.set_hatch("///" if estimate else "")
    ax.set_xlabel(f"Defence expenditure per capita, US dollars ({base_year} prices)")
    ax.set_title(f"Defence expenditure per head, {year} (grey: NATO aggregates)")
    return finish(fig, caption + " " + ESTIMATE_NOTE)


def required_vs_trend(paths: "pd.DataFrame", caption: str) -> "Figure":
    """Dot plot: each ally's required real growth against its trend real growth. An ally already at
    or above the target needs none: it shows its trend only, marked as already there."""
    import matplotlib.pyplot as plt

    at = paths["already_at_target"].astype(bool)
    data = _growth_order(paths[~at], paths[at])
    fig, ax = plt.subplots(figsize=(8, 9))
    y = list(range(len(data)))
    needs = ~data["already_at_target"].astype(bool).to_numpy()
    ax.hlines([v for v, n in zip(y, needs) if n], data.loc[needs, "trend_real_growth_pct"],
              data.loc[needs, "required_real_growth_pct"], color="#bbbbbb")
    ax.scatter(data["trend_real_growth_pct"], y, marker="o", color=NEUTRAL, label="trend real growth", zorder=3)
    ax.scatter(data.loc[needs, "required_real_growth_pct"], [v for v, n in zip(y, needs) if n], marker="D",
               color=MEETS, label="required real growth", zorder=3)
    if (~needs).any():
        ax.scatter(data.loc[~needs, "trend_real_growth_pct"], [v for v, n in zip(y, needs) if not n], marker="o",
                   facecolor="white", edgecolor=MEETS, s=60, label="already at or above the target: none required",
                   zorder=4)
    labels = [_trend_label(r.country_name, r.trend_note, r.trend_start_year, r.trend_real_growth_pct)
              for r in data.itertuples()]
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
    import math

    if not note:
        return name
    return f"{name} (series break {start}: {'no trend' if math.isnan(trend) else 'trend from it'})"


def _growth_order(below: "pd.DataFrame", at: "pd.DataFrame") -> "pd.DataFrame":
    """Allies below the target by required growth (largest at the top), those already there underneath."""
    import pandas as pd

    return pd.concat([at.sort_values(["trend_real_growth_pct", "country"]),
                      below.sort_values(["required_real_growth_pct", "country"])], ignore_index=True)


def year_reached(paths: "pd.DataFrame", caption: str, horizon: int) -> "Figure":
    """The year each ally reaches the target at trend; 'never' where trend growth <= GDP growth."""
    import matplotlib.pyplot as plt

    data = paths.copy()
    data["plot_year"] = data["year_target_reached_at_trend"].astype("Float64").fillna(horizon).astype(float)
    data = data.sort_values(["plot_year", "country"], ascending=[False, True])
    target_year = int(data["target_year"].iloc[0])
    fig, ax = plt.subplots(figsize=(8, 9))
    never = data["year_target_reached_at_trend"].isna()
    colours = [BELOW if (n or v > target_year) else MEETS for n, v in zip(never, data["plot_year"])]
    base = int(data["base_year"].iloc[0])
    bars = ax.barh(data["country_name"], data["plot_year"] - base, left=base, color=colours, edgecolor="white")
    for bar, is_never in zip(bars, never):
        bar.set_hatch("xx" if is_never else "")
    ax.axvline(target_year, color="black", linestyle="--", linewidth=1)
    # inside the axes at the bottom: above them it ran into the title
    ax.text(target_year, 0.005, f" deadline {target_year}", transform=ax.get_xaxis_transform(), fontsize=8,
            va="bottom", ha="left", backgroundcolor="white")
    ax.set_xlim(base, horizon)
    estimate = ", a NATO estimate" if bool(data["estimate"].any()) else ""
    ax.set_xlabel(f"Year the target is reached at trend growth from {base}{estimate} (cross-hatched: not before "
                  f"{horizon}, or never)")
    ax.set_title(f"When each ally reaches {data['target_pct'].iloc[0]:g}% of GDP at its own trend")
    return finish(fig, caption)


def shortfall_bars(shortfall: "pd.DataFrame", threshold: float, start: int, price_base: int,
                   caption: str) -> "Figure":
    """The spending short of the threshold since the start year, ally by ally, largest at the top."""
    import matplotlib.pyplot as plt

    data = shortfall[shortfall["shortfall_usd_m_constant"] > 0].sort_values(
        ["shortfall_usd_m_constant", "country"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(data) + 2))
    ax.barh(data["country_name"], data["shortfall_usd_m_constant"] / 1000, color=BELOW)
    last = int(shortfall["last_year"].max())
    ax.set_xlabel(f"Spending short of {threshold:g}% of GDP, {start}-{last} summed, billion US dollars "
                  f"({price_base} prices)")
    ax.set_title(f"The shortfall against {threshold:g}% of GDP since {start} (member years only)")
    return finish(fig, caption)


def extra_spending_bars(paths: "pd.DataFrame", base_year: int, price_base: int, caption: str) -> "Figure":
    """The gap in dollars: bars in current US dollars of the base year, markers at constant prices."""
    import matplotlib.pyplot as plt

    data = paths[paths["extra_spending_usd_m_current"] > 0].sort_values(
        ["extra_spending_usd_m_current", "country"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(8, 9))
    ax.barh(data["country_name"], data["extra_spending_usd_m_current"] / 1000, color=MEETS,
            label=f"current US dollars ({base_year} prices and exchange rates)")
    ax.scatter(data["extra_spending_usd_m_constant"] / 1000, data["country_name"], marker="|", s=120, color=BELOW,
               linewidths=2.5, zorder=3, label=f"constant {price_base} US dollars")
    estimate = " (NATO estimates)" if bool(data["estimate"].any()) else ""
    ax.set_xlabel(f"Extra spending needed in {base_year}{estimate}, billion US dollars")
    ax.set_title(f"The gap to {paths['target_pct'].iloc[0]:g}% of GDP in dollars, {base_year}")
    ax.legend(loc="lower right")
    return finish(fig, caption)


def mark_breaks(ax, years: Iterable[int]) -> None:  # type: ignore[no-untyped-def]
    """A listed series break on a time axis: a dashed grey line half a year before the break year."""
    for year in sorted(set(years)):
        ax.axvline(year - 0.5, color="#555555", linestyle=(0, (2, 2)), linewidth=0.9, zorder=1)
        ax.text(year - 0.5, 0.98, " break", transform=ax.get_xaxis_transform(), fontsize=7, color="#555555",
                ha="left", va="top")


def ally_paths(history: "pd.DataFrame", paths: "pd.DataFrame", pledges: "pd.DataFrame", caption: str,
               break_years: dict[str, list[int]] | None = None) -> "Figure":
    """Small multiples: history (hollow markers: estimates), the required path to the target (none for an
    ally already there), the trend path, listed series breaks, and pledges."""
    import math

    import matplotlib.pyplot as plt

    from .pathways import share_path

    break_years = break_years or {}
    allies = paths.sort_values("country_name")
    columns = 6
    rows = math.ceil(len(allies) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(15, 2.3 * rows + 0.8), sharex=True, sharey=True)
    flat = list(axes.flat)
    for ax, path in zip(flat, allies.itertuples()):
        past = history[history["country"] == path.country].sort_values("year")
        ax.plot(past["year"], past["share_gdp_pct"], color="black", linewidth=1.2)
        estimated = past[past["estimate"]]
        ax.plot(estimated["year"], estimated["share_gdp_pct"], linestyle="none", marker="o", markersize=3.5,
                markerfacecolor="white", markeredgecolor="black")
        years = list(range(path.base_year, path.target_year + 1))
        if not path.already_at_target:
            ax.plot(years, share_path(path.base_year, path.base_share_pct, path.required_real_growth_pct / 100,
                                      path.gdp_growth_pct / 100, years), color=MEETS, linestyle="--", linewidth=1.2)
        if not math.isnan(path.trend_real_growth_pct):
            ax.plot(years, share_path(path.base_year, path.base_share_pct, path.trend_real_growth_pct / 100,
                                      path.gdp_growth_pct / 100, years), color=BELOW, linestyle=":", linewidth=1.5)
        mark_breaks(ax, break_years.get(path.country, []))
        own = pledges[pledges["country"] == path.country]
        ax.scatter(own["target_year"], own["share_gdp_pct"], marker="*", s=70, color="#cc3311", zorder=4)
        ax.axhline(path.target_pct, color="#999999", linewidth=0.6)
        ax.set_title(path.country_name, fontsize=9)
        ax.tick_params(labelbottom=True, labelsize=8)  # year labels under every row, not only the last
    for ax in flat[len(allies):]:
        ax.axis("off")
    top = max(float(allies["target_pct"].iloc[0]) * 1.6, 6.0)
    flat[0].set_ylim(0, top)
    flat[0].text(allies["base_year"].min() - 10, float(allies["target_pct"].iloc[0]), f"target {allies['target_pct'].iloc[0]:g}%",
                 fontsize=7, va="bottom", color="#555555")  # labelled once
    for ax, path in zip(flat, allies.itertuples()):
        clipped = [line for line in ax.get_lines() if len(line.get_ydata()) and max(line.get_ydata()) > top]
        if clipped:  # a path above the scale is marked, not silently cut
            ax.text(0.98, 0.97, "\u2191 off the scale", transform=ax.transAxes, ha="right", va="top", fontsize=7,
                    color="#555555")
    fig.supylabel("Defence expenditure, % of GDP")
    fig.suptitle("Each ally's path to the target: history (solid; hollow: estimates), required (dashed; none "
                 "where already there), trend (dotted), pledges (stars)", fontweight="bold")
    return finish(fig, caption, top=0.97)


def sensitivity_heatmap(grid: "pd.DataFrame", price_base: int, caption: str, base_year: int | None = None,
                        base_is_estimate: bool = False) -> "Figure":
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, ax = plt.subplots(figsize=(10, 5))
    sns.heatmap(grid / 1000, annot=True, fmt=",.0f", cmap="cividis", ax=ax, annot_kws={"fontsize": 8},
                cbar_kws={"label": f"billion US dollars ({price_base} prices)"})
    ax.set_yticklabels([f"{v:g}%" for v in grid.index], rotation=0)
    ax.set_xlabel("Target year")
    ax.set_ylabel("Target, % of GDP")
    start = f" (from {base_year}{', a NATO estimate' if base_is_estimate else ''})" if base_year else ""
    ax.set_title(f"Spending needed above trend in the target year, all allies{start}")
    return finish(fig, caption)
