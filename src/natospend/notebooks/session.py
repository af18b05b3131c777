"""What a thin notebook calls: capture and check its parameters, then write and show its outputs.

Cell 1 imports and calls `start(globals())`; the `parameters` cell holds literal defaults
(papermill injects its own cell after it); the next cell calls `parameters(SPEC, globals())`,
which rejects any name the parameters cell did not declare, so a misspelt `-p targt_year`
is an error rather than an ignored variable.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image
from IPython.display import Markdown as IPythonMarkdown
from matplotlib.figure import Figure

from natospend.errors import ParameterError
from natospend.figures import layout_check
from natospend.figures.style import save, use_style
from natospend.notebooks.display import TableView
from natospend.notebooks.spec import NotebookParameters, NotebookSpec
from natospend.paths import REPORTS_DIR

_BEFORE = "_natospend_names_before_parameters"


def start(namespace: dict[str, Any]) -> None:
    """Remember the names that exist before the parameters cell runs."""
    namespace[_BEFORE] = set(namespace) | {_BEFORE}
    use_style()
    # pandas sizes plain-text tables to a terminal when it thinks it has one; fix the notebook
    # front end's defaults so stored outputs are the same under a kernel, in-process or in a terminal
    pd.set_option("display.width", 80)
    pd.set_option("display.max_columns", 20)


def declared_values(namespace: dict[str, Any]) -> dict[str, Any]:
    before = namespace.get(_BEFORE)
    if before is None:
        raise ParameterError("start", "call natospend.notebooks.session.start(globals()) before the parameters cell")
    return {k: v for k, v in namespace.items() if k not in before and not k.startswith("_")}


@dataclass
class NotebookRun:
    """One execution of a notebook: its spec, its checked parameters, and what it has written where."""

    spec: NotebookSpec
    params: NotebookParameters
    output_dir: Path
    written: list[Path] = field(default_factory=list)

    def table(self, frame: pd.DataFrame, name: str, shown: pd.DataFrame | Any | None = None) -> Any:
        """Write tables/<name>.csv (full precision, with the data editions). Returns `shown` (a display
        table for reading) linked to that CSV for the page, or the frame itself when none is given."""
        path = self.output_dir / "tables" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        out = frame.copy()
        for column, edition in self.params.edition_columns().items():
            if column not in out.columns:
                out[column] = edition
        out.to_csv(path, index=False, lineterminator="\n")
        self.written.append(path)
        if shown is not None:
            return TableView(shown, name) if isinstance(shown, pd.DataFrame) else shown
        return frame

    def figure(self, fig: Figure, name: str) -> Image:
        """Save figures/<name>.png and .svg and return the PNG for display (exactly the saved file)."""
        paths = save(fig, self.output_dir / "figures", name)
        if os.environ.get(layout_check.ENVIRONMENT) == "strict":  # the test suite: every figure of every run
            found = layout_check.problems(fig)  # after saving: laid out already, no second drawing
            if found:
                raise layout_check.LayoutError(f"figure {name}: " + "; ".join(found))
        alt = figure_title(fig)
        plt.close(fig)
        self.written.extend(paths)
        return Image(data=paths[0].read_bytes(), format="png", metadata={"alt": alt})

    def summary(self, data: dict[str, Any]) -> dict[str, Any]:
        # output_dir is where, not what: it stays out so that reruns elsewhere give the same bytes
        shown = {k: v for k, v in self.params.as_dict().items() if k != "output_dir"}
        document = {"notebook": self.spec.stem, "parameters": shown, **_clean(data)}
        path = self.output_dir / "summary.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
        )
        self.written.append(path)
        return document


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


def written_files(run: NotebookRun) -> IPythonMarkdown:
    """What this run wrote, as links relative to its output folder (the report page sits beside them)."""
    names = sorted({str(p.relative_to(run.output_dir)) for p in run.written})
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


def resolve_output_dir(stem: str, output_dir: str | None) -> Path:
    if output_dir is None:
        return REPORTS_DIR / "scratch" / stem
    return Path(output_dir).expanduser().resolve()


def parameters(spec: NotebookSpec, namespace: dict[str, Any]) -> NotebookRun:
    """The run of this notebook: the names its parameters cell and papermill defined, checked by its spec."""
    params = spec.check(declared_values(namespace))
    return NotebookRun(spec, params, resolve_output_dir(spec.stem, params.output_dir))
