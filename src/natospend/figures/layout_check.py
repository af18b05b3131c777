"""Checks of a drawn figure's layout, from the artists' geometry: labels that overlap, a legend on the data.

Used by the test suite on every figure of the default run (NATOSPEND_LAYOUT_CHECK=strict makes
NotebookRun.figure raise on a problem) and on deliberately broken figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

ENVIRONMENT = "NATOSPEND_LAYOUT_CHECK"
TOLERANCE_PX = 1.0  # touching is not overlapping


class LayoutError(AssertionError):
    """A figure whose labels collide or whose legend covers data."""


def _labels(fig: Figure) -> Iterator[tuple[str, Bbox]]:
    """Every visible, non-empty text a reader must read: titles, annotations, reference-line labels, footer."""
    renderer = fig.canvas.get_renderer()
    texts = list(fig.texts)  # the suptitle is one of them
    for ax in fig.axes:
        texts += [ax.title, *ax.texts]
    for text in dict.fromkeys(texts):
        if text.get_visible() and text.get_text().strip():
            yield text.get_text().strip().splitlines()[0][:40], text.get_window_extent(renderer)


def _overlap(a: Bbox, b: Bbox) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX) and (min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX)


def _inside(box: Bbox, x: float, y: float) -> bool:
    """A point well inside a box (on its edge is not inside)."""
    return box.x0 + TOLERANCE_PX < x < box.x1 - TOLERANCE_PX and box.y0 + TOLERANCE_PX < y < box.y1 - TOLERANCE_PX


def _drawn(fig: Figure, saved: bool) -> None:
    """Lay the figure out once. A figure just saved is laid out already: saving marks it stale (it restores
    the figure's size after cropping) without moving anything, so it is not drawn a third time."""
    if fig.stale and not saved:
        fig.canvas.draw()


def overlapping_labels(fig: Figure, saved: bool = False) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes overlap."""
    _drawn(fig, saved)
    labels = list(_labels(fig))
    return [(a, b) for i, (a, box_a) in enumerate(labels) for b, box_b in labels[i + 1 :] if _overlap(box_a, box_b)]


def _data_points(ax: Axes) -> Iterator[tuple[float, float]]:
    """Display coordinates of the data an axes shows: line vertices, scatter points, bar corners."""
    for line in ax.get_lines():
        if line.get_visible() and line.get_marker() not in (None, "", "None", " "):
            yield from line.get_transform().transform(line.get_xydata())
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and collection.get_visible():
            yield from collection.get_offset_transform().transform(collection.get_offsets())
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_width() and patch.get_height():
            box = patch.get_window_extent()
            yield from ((box.x0, box.y0), (box.x1, box.y1), (box.x1, box.y0), (box.x0, box.y1))


def legends_on_data(fig: Figure, saved: bool = False) -> list[str]:
    """Axes titles (or numbers) whose legend box covers one of the axes' data points."""
    _drawn(fig, saved)
    renderer = fig.canvas.get_renderer()
    found = []
    for number, ax in enumerate(fig.axes):
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        if any(_inside(box, x, y) for x, y in _data_points(ax)):
            found.append(ax.get_title() or f"axes {number}")
    return found


PAGE_COLUMN_PX = 1000  # the width a page shows a figure at, at most (CSS px)
SAVED_DPI = 200  # figures are saved at 200 dpi: a narrower one is shown at its own width
MINIMUM_TEXT_PX = 8.0


def smallest_text(fig: Figure) -> list[tuple[str, float]]:
    """Texts smaller than MINIMUM_TEXT_PX CSS px where the page shows the figure (its width, scaled down to
    a 1,000 px column): (text, size in px)."""
    width_in = max(fig.get_figwidth(), getattr(fig, "natospend_saved_width_in", 0.0))  # a wide title widens it
    shown_px = min(PAGE_COLUMN_PX, width_in * SAVED_DPI)
    px_per_point = shown_px / width_in / 72
    small = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_figure() is not None:
            size = text.get_fontsize() * px_per_point
            if size < MINIMUM_TEXT_PX - 0.05:
                small.append((text.get_text().strip().splitlines()[0][:40], round(size, 1)))
    return small


def overlapping_ticks(fig: Figure, saved: bool = False) -> list[tuple[str, str]]:
    """Neighbouring tick labels of one axis whose boxes overlap."""
    _drawn(fig, saved)
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
            shown = [t for t in labels if t.get_visible() and t.get_text().strip()]
            boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in shown]
            found += [
                (a, b) for (a, box_a), (b, box_b) in zip(boxes, boxes[1:], strict=False) if _overlap(box_a, box_b)
            ]
    return found


def labels_on_markers(fig: Figure, saved: bool = False) -> list[str]:
    """Annotations whose box covers a scatter marker's centre in their axes (a label hiding a point)."""
    _drawn(fig, saved)
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        points = [
            tuple(p)
            for c in ax.collections
            if isinstance(c, PathCollection) and c.get_visible()
            for p in c.get_offset_transform().transform(c.get_offsets())
        ]
        for text in ax.texts:
            if not (text.get_visible() and text.get_text().strip()):
                continue
            box = text.get_window_extent(renderer)
            if any(_inside(box, x, y) for x, y in points):
                found.append(text.get_text().strip()[:40])
    return found


def problems(fig: Figure, saved: bool = False) -> list[str]:
    """Every layout problem of a figure, in words (empty when there is none); `saved`: the figure was just
    saved, so its layout is known without drawing it again."""
    found = [f"labels overlap: {a!r} and {b!r}" for a, b in overlapping_labels(fig, saved)]
    found += [f"the legend covers data in {title!r}" for title in legends_on_data(fig, saved)]
    found += [f"tick labels overlap: {a!r} and {b!r}" for a, b in overlapping_ticks(fig, saved)]
    found += [f"a label covers a marker: {label!r}" for label in labels_on_markers(fig, saved)]
    found += [
        f"text too small at the page's width: {label!r} is {size} px (at least {MINIMUM_TEXT_PX:g})"
        for label, size in smallest_text(fig)
    ]
    return found
