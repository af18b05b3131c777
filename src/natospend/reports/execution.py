"""Run a notebook with papermill and make the executed notebook reproducible.

papermill stamps start/end times, durations, input/output paths and random cell ids into
the notebook; `normalise` removes or fixes those, so the same parameters and data give
the same bytes. Timings belong in a report's manifest, not in the notebook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import papermill

from natospend.reports.cell_progress import CellReport, reporting_cells
from natospend.reports.manifest import ENGINES

KEEP_PAPERMILL = ("parameters", "default_parameters", "version")
VOLATILE_CELL_METADATA = ("execution", "papermill", "collapsed", "scrolled")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    papermill = nb.metadata.get("papermill")
    if papermill is not None:
        nb.metadata["papermill"] = {k: papermill[k] for k in KEEP_PAPERMILL if k in papermill}
        nb.metadata["papermill"].get("parameters", {}).pop("output_dir", None)  # where, not what
    nb.metadata.get("language_info", {}).pop("version", None)
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells, start=1):
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        cell["id"] = "injected-parameters" if "injected-parameters" in tags else f"cell-{index:02d}"
    nbformat.validate(nb)
    return nb


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    text = nbformat.writes(nb)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def execute(
    source: Path,
    target: Path,
    parameters: dict[str, Any] | None = None,
    *,
    cwd: Path | None = None,
    kernel_name: str = "python3",
    engine: str = "kernel",
    on_cell: CellReport | None = None,
) -> nbformat.NotebookNode:
    """Execute with papermill (parameters injected as papermill does), normalise, write `target`.

    The one papermill call of natospend: the runner's workers and `make notebooks` both come here. A cell
    that fails raises papermill's PapermillExecutionError, with the executed notebook written to `target`.
    `on_cell(done, total)` is called after each code cell."""
    with reporting_cells(on_cell):
        nb = papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters or {},
            cwd=str(cwd or source.parent),
            engine_name=ENGINES[engine],
            kernel_name=kernel_name,
            progress_bar=False,  # papermill's bar would write into a worker's stderr; natospend's own reports cells
            log_output=False,
            report_mode=False,
            request_save_on_cell_execute=False,  # one write at the end, not two per cell
        )
    nb = normalise(nb)
    write_notebook(nb, target)
    return nb
