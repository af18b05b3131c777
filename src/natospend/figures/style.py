"""Figures in one style: titled, units on the axes, source and edition in the footer,
estimates marked, and colours that survive greyscale printing and colour-blind readers
(seaborn's colour-blind palette, paired with hatches, markers and line styles).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import StrMethodFormatter
from PIL import Image

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# Dark blue and light orange differ in lightness, so they stay apart in greyscale.
MEETS, BELOW, NEUTRAL = "#0b3c78", "#f2a65a", "#7f7f7f"


# adjustText: a fixed number of iterations (not a time limit) keeps the placement deterministic
ADJUST_ITERATIONS = 120


TARGET_STYLES = {2.0: ":", 3.5: "--", 5.0: "-."}


ESTIMATE_NOTE = "Hatched bars and hollow markers are estimates."


def use_style() -> None:
    sns.set_theme(style="whitegrid", palette="colorblind", context="notebook")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "natospend",  # stable SVG ids: byte-identical reruns
            "figure.dpi": 100,
            "savefig.dpi": 200,  # sharp on paper (A4 print); the SVG stays the vector copy
            "font.family": "DejaVu Sans",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.labelsize": 10,
            "legend.fontsize": 8,
            # every text is drawn as written: a pledge or label with two "$" (from a user's CSV) is not
            # mathtext, which would fail to parse it or typeset it as a formula
            "text.parse_math": False,
        }
    )


FOOTER_POINTS = 7


@dataclass(frozen=True)
class GridMargins:
    """A fixed layout for a large grid of small panels, in inches around the grid (the footer comes on top of
    `bottom`), and the space between panels as a fraction of a panel. Matplotlib's tight layout measures every
    tick label of every panel, twice: on a 6 x 6 grid, a third of the figure's time."""

    left: float
    right: float
    top: float
    bottom: float
    wspace: float
    hspace: float


def finish(fig: Figure, caption: str, top: float = 1.0, grid: GridMargins | None = None) -> Figure:
    """Every figure's last step: the source footer, and a layout that leaves room for it (matplotlib's tight
    layout, or the fixed margins of a grid of panels)."""
    # Wrapped here, not by matplotlib (wrap=True re-measures the text word by word at every draw:
    # it was most of a figure's drawing time). About 16 characters of 7-point text fit an inch.
    text = textwrap.fill(caption, max(40, int(fig.get_figwidth() * 16)))
    fig.text(0.01, 0.005, text, fontsize=FOOTER_POINTS, color="#333333", ha="left", va="bottom")
    footer_inches = (text.count("\n") + 1) * FOOTER_POINTS * 1.3 / 72 + 0.12
    width, height = fig.get_size_inches()
    if grid is None:
        fig.tight_layout(rect=(0, footer_inches / height, 1, top))
    else:
        fig.subplots_adjust(
            left=grid.left / width,
            right=1 - grid.right / width,
            top=top - grid.top / height,
            bottom=(footer_inches + grid.bottom) / height,
            wspace=grid.wspace,
            hspace=grid.hspace,
        )
    return fig


def save(fig: Figure, directory: Path, name: str) -> list[Path]:
    """PNG and SVG with no timestamps or software versions in their metadata."""
    directory.mkdir(parents=True, exist_ok=True)
    png, svg = directory / f"{name}.png", directory / f"{name}.svg"
    # bbox_inches="tight" would lay the figure out again for each file: measure the box once
    box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.1)
    fig.natospend_saved_width_in = box.width  # what a page scales to its column: the layout check reads it
    # written fast (compress level 1), then re-written in 256 colours by compact_png
    fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches=box, pil_kwargs={"compress_level": 1})
    compact_png(png)
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=box)
    return [png, svg]


def compact_png(path: Path) -> None:
    """The PNG as 256 colours (Pillow, which matplotlib already needs): a chart of flat colours and
    anti-aliased edges looks the same and weighs about a third, so pages with 200-dpi figures stay
    small. Deterministic: the same figure gives the same bytes."""
    with Image.open(path) as image:
        # fast octree: a tenth of median cut's time, and no visible difference on a chart
        compact = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    compact.save(path, format="PNG", compress_level=6)  # level 9: 15% smaller, six times slower


def money_axis(ax, axis: str = "y") -> None:  # type: ignore[no-untyped-def]
    """A money axis starts at zero (an amount is read against it, never against a cut-off axis) and shows
    thousands separators (12,000, not 12000)."""
    if axis == "y":
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    else:
        ax.set_xlim(left=0)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def target_lines(ax, targets: Iterable[float], vertical: bool = True) -> None:  # type: ignore[no-untyped-def]
    for value in targets:
        style = TARGET_STYLES.get(value, "--")
        if vertical:
            ax.axvline(value, color="black", linestyle=style, linewidth=1)
            ax.text(
                value,
                0.995,
                f" {value:g}%",
                transform=ax.get_xaxis_transform(),
                ha="left",
                va="top",
                fontsize=8,
                backgroundcolor="white",
            )
        else:
            ax.axhline(value, color="black", linestyle=style, linewidth=1)
            ax.text(1.0, value, f" {value:g}%", transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=8)


def mark_breaks(ax, years: Iterable[int]) -> None:  # type: ignore[no-untyped-def]
    """A listed series break on a time axis: a dashed grey line half a year before the break year."""
    for year in sorted(set(years)):
        ax.axvline(year - 0.5, color="#555555", linestyle=(0, (2, 2)), linewidth=0.9, zorder=1)
        ax.text(
            year - 0.5,
            0.98,
            " break",
            transform=ax.get_xaxis_transform(),
            fontsize=7,
            color="#555555",
            ha="left",
            va="top",
        )


def hollow_markers(ax: Axes, x: Any, y: Any, marker: str, colour: Any, size: float = 8) -> None:
    """Estimates over a series: its marker drawn hollow (white inside, the series' colour around it)."""
    ax.plot(x, y, linestyle="none", marker=marker, markerfacecolor="white", markeredgecolor=colour, markersize=size)
