"""What a thin notebook calls: capture and check its parameters, then write and show outputs.

Cell 1 imports and calls `start(globals())`; the `parameters` cell holds literal defaults
(papermill injects its own cell after it); the next cell calls `parameters(NAME, globals())`,
which rejects any name the parameters cell did not declare, so a misspelt `-p targt_year`
is an error rather than an ignored variable.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import layout_check
from .errors import ParameterError
from .params import check_parameters
from .paths import REPORTS_DIR, SOURCES_JSON

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

_BEFORE = "_natospend_names_before_parameters"


def start(namespace: dict[str, Any]) -> None:
    """Remember the names that exist before the parameters cell runs."""
    from .figures import use_style

    import pandas as pd

    namespace[_BEFORE] = set(namespace) | {_BEFORE}
    use_style()
    # pandas sizes plain-text tables to a terminal when it thinks it has one; fix the notebook
    # front end's defaults so stored outputs are the same under a kernel, in-process or in a terminal
    pd.set_option("display.width", 80)
    pd.set_option("display.max_columns", 20)


def declared_values(namespace: dict[str, Any]) -> dict[str, Any]:
    before = namespace.get(_BEFORE)
    if before is None:
        raise ParameterError("start", "call natospend.notebook.start(globals()) before the parameters cell")
    return {k: v for k, v in namespace.items() if k not in before and not k.startswith("_")}


def source_record(source: str, edition: str) -> dict[str, Any]:
    inputs = json.loads(SOURCES_JSON.read_text(encoding="utf-8"))["inputs"]
    for record in inputs:
        if record["source"] == source and record["edition"] == edition:
            return dict(record)
    return {"source": source, "edition": edition, "title": source, "release_date": None}


def source_sentence(source: str, edition: str, estimate_years: list[int] | None = None) -> str:
    """'Source: NATO, <title>, released <date> (edition E). Y1 and Y2 are estimates.'"""
    record = source_record(source, edition)
    who = {"nato": "NATO", "sipri": "SIPRI", "imf": "IMF"}.get(source, source)
    released = f", released {record['release_date']}" if record.get("release_date") else ""
    text = f"Source: {who}, {record.get('title', source)}{released} (edition {edition})."
    if estimate_years:
        from .wording import year_ranges

        many = len(estimate_years) > 1
        text += f" {year_ranges(estimate_years)} {'are estimates' if many else 'is an estimate'}."
    return text


def caption(*sentences: str) -> str:
    """A figure footer: each source's sentence, then the credit."""
    return " ".join(sentences) + " Chart: natospend."


@dataclass
class NotebookRun:
    notebook: str
    params: dict[str, Any]
    output_dir: Path
    written: list[Path] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(name)

    def edition_columns(self) -> dict[str, str]:
        """The data editions this run used, as columns every table carries (edition, nato_edition, ...)."""
        return {k: str(v) for k, v in self.params.items() if k.endswith("edition") and v is not None}

    def table(self, frame: "pd.DataFrame", name: str, shown: "pd.DataFrame | None" = None) -> Any:
        """Write tables/<name>.csv (full precision, with the data editions). Returns `shown` (a display
        table for reading) linked to that CSV for the page, or the frame itself when none is given."""
        path = self.output_dir / "tables" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        out = frame.copy()
        for column, edition in self.edition_columns().items():
            if column not in out.columns:
                out[column] = edition
        out.to_csv(path, index=False, lineterminator="\n")
        self.written.append(path)
        if shown is not None:
            import pandas as pd

            from .display import TableView

            return TableView(shown, name) if isinstance(shown, pd.DataFrame) else shown
        return frame

    def figure(self, fig: "Figure", name: str) -> Any:
        """Save figures/<name>.png and .svg and return the PNG for display (exactly the saved file)."""
        import matplotlib.pyplot as plt
        from IPython.display import Image

        from .figures import save

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
        shown = {k: v for k, v in self.params.items() if k != "output_dir"}
        document = {"notebook": self.notebook, "parameters": shown, **_clean(data)}
        path = self.output_dir / "summary.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n",
                        encoding="utf-8")
        self.written.append(path)
        return document


def figure_title(fig: "Figure") -> str:
    """The figure's title (suptitle, else its axes' titles), as alternative text for readers."""
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return suptitle or "; ".join(titles) or "Figure"


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


def Markdown(text: str) -> Any:  # noqa: N802 - mirrors IPython.display.Markdown
    """Generated prose, shown as Markdown in the notebook and its HTML."""
    from IPython.display import Markdown as IPythonMarkdown

    return IPythonMarkdown(text)


def written_files(run: NotebookRun) -> Any:
    """What this run wrote, as links relative to its output folder (the report page sits beside them)."""
    names = sorted({str(p.relative_to(run.output_dir)) for p in run.written})
    groups = {"Tables (CSV, full precision)": [n for n in names if n.startswith("tables/")],
              "Figures (PNG, and SVG for print)": [n for n in names if n.startswith("figures/") and n.endswith(".png")],
              "Summary": [n for n in names if n.endswith(".json")]}
    lines = ["**The files of this run**", ""]
    for title, files in groups.items():
        if files:
            links = " \u00b7 ".join(f"[{Path(n).name}]({n})" for n in files)
            lines.append(f"- {title}: {links}")
    return Markdown("\n".join(lines))


def resolve_output_dir(notebook: str, output_dir: str | None) -> Path:
    if output_dir is None:
        return REPORTS_DIR / "scratch" / notebook
    return Path(output_dir).expanduser().resolve()


def parameters(notebook: str, namespace: dict[str, Any]) -> NotebookRun:
    from .checks import SEMANTIC_CHECKS

    values = declared_values(namespace)
    checked = check_parameters(notebook, values, SEMANTIC_CHECKS.get(notebook))
    return NotebookRun(notebook, checked, resolve_output_dir(notebook, checked.get("output_dir")))
