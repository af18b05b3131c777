"""What a notebook writes and shows: its tables, figures and summary in a report folder, and the page's text.

A notebook calls `setup_notebook()` once, checks its parameters (natospend.data.parameter_checks), then
opens `ReportFolder(stem, params)` and hands it each table and figure as it makes them. Every call can be
run again (a JupyterLab user re-runs cells): a file is rewritten, never listed twice.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image
from IPython.display import Markdown as IPythonMarkdown
from matplotlib.figure import Figure

from natospend.analysis import output_tables
from natospend.data.parameter_checks import CheckedParameters
from natospend.figures import layout_check
from natospend.figures.style import save, use_style
from natospend.paths import REPORTS_DIR

TABLE_METADATA = "natospend_table"  # output metadata: the CSV a display table comes from (html.py links it)
WORDS_IN_A_CELL = 24  # a cell longer than this holds words, which may wrap in print


def setup_notebook() -> None:
    """The figures' style and fixed pandas display widths, so that stored outputs are the same under a
    kernel, in-process or in a terminal. Safe to run again; the plotting backend is left as it is."""
    use_style()
    pd.set_option("display.width", 80)
    pd.set_option("display.max_columns", 20)


@dataclass
class TableView:
    """A display table that knows the CSV it comes from: the page adds a download link under it."""

    shown: pd.DataFrame
    csv_name: str  # the file under tables/, without .csv

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, str], dict[str, Any]]:
        # cells of words (a sentence, an edition's name) may wrap in print; cells of numbers never do
        classes = ["natospend-table"] + (["natospend-words"] if self.has_words() else [])
        data = {"text/plain": self.shown.to_string(), "text/html": self.shown.to_html(classes=classes)}
        return data, {TABLE_METADATA: self.csv_name}

    def has_words(self, longest: int = WORDS_IN_A_CELL) -> bool:
        """Whether any cell holds text longer than `longest` characters (words, not a number or a code)."""
        cells = self.shown.select_dtypes(include=["object", "string"]).astype("string")
        return bool(len(cells.columns)) and bool(cells.apply(lambda column: column.str.len()).max().max() > longest)


@dataclass
class ReportFolder:
    """Where one run of a notebook writes: tables/, figures/ and summary.json under `output_dir`.

    `parameters` are the run's checked values: each table gets their editions as columns, and the summary
    records them."""

    stem: str
    parameters: CheckedParameters
    written: set[Path] = field(default_factory=set)

    @property
    def output_dir(self) -> Path:
        given = self.parameters.get("output_dir")
        return REPORTS_DIR / "scratch" / self.stem if given is None else Path(given).expanduser().resolve()

    def table(self, frame: pd.DataFrame, name: str, shown: pd.DataFrame | Any | None = None) -> Any:
        """Write tables/<name>.csv (full precision, with the data editions). Returns `shown` (a display
        table for reading) linked to that CSV for the page, or the frame itself when none is given."""
        path = self.output_dir / "tables" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        out = frame.copy()
        for column, edition in self.parameters.edition_columns().items():
            if column not in out.columns:
                out[column] = edition
        output_tables.validate(name, out)  # a contract table (README) keeps its columns, types and order
        out.to_csv(path, index=False, lineterminator="\n")
        self.written.add(path)
        if shown is not None:
            return TableView(shown, name) if isinstance(shown, pd.DataFrame) else shown
        return frame

    def figure(self, fig: Figure, name: str) -> Image:
        """Save figures/<name>.png and .svg and return the PNG for display (exactly the saved file); the
        figure is closed, so an inline backend does not show it a second time."""
        paths = save(fig, self.output_dir / "figures", name)
        check = os.environ.get(layout_check.ENVIRONMENT)
        if check in ("strict", "report"):  # strict: the test suite, every figure of every run; report: say it
            found = layout_check.problems(fig, saved=True)  # laid out by saving: not drawn again
            if found and check == "strict":
                raise layout_check.LayoutError(f"figure {name}: " + "; ".join(found))
            if found:
                print(f"layout check, figure {name}: " + "; ".join(found), file=sys.stderr)
        alt = figure_title(fig)
        plt.close(fig)
        self.written.update(paths)
        return Image(data=paths[0].read_bytes(), format="png", metadata={"alt": alt})

    def summary(self, data: dict[str, Any]) -> dict[str, Any]:
        """Write summary.json: the run's parameters as checked and the numbers the page states."""
        document = {"notebook": self.stem, "parameters": self.parameters.shown(), **_clean(data)}
        path = self.output_dir / "summary.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
        )
        self.written.add(path)
        return document

    def files(self) -> IPythonMarkdown:
        """What this run wrote, as links relative to its output folder (the report page sits beside them)."""
        names = sorted({str(p.relative_to(self.output_dir)) for p in self.written})
        groups = {
            "Tables (CSV, full precision)": [n for n in names if n.startswith("tables/")],
            "Figures (PNG, and SVG for print)": [n for n in names if n.startswith("figures/") and n.endswith(".png")],
            "Summary": [n for n in names if n.endswith(".json")],
        }
        lines = ["**The files of this run**", ""]
        for title, files in groups.items():
            if files:
                links = " \u00b7 ".join(f"[{Path(n).name}]({n})" for n in files)
                lines.append(f"- {title}: {links}")
        return Markdown("\n".join(lines))


def figure_title(fig: Figure) -> str:
    """The figure's title (suptitle, else its axes' titles), as alternative text for readers."""
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return fig.get_suptitle() or "; ".join(titles) or "Figure"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def Markdown(text: str) -> IPythonMarkdown:  # noqa: N802 - mirrors IPython.display.Markdown
    """Generated prose, shown as Markdown in the notebook and its HTML."""
    return IPythonMarkdown(text)
