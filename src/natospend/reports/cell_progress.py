"""Cell-by-cell progress of a notebook's run, for `natospend run`'s bar on a terminal.

papermill calls its execution manager's `cell_complete` after every cell, under any engine; natospend's two
engines (natospend.reports.engines) wrap that method of the run's own manager, so a worker process can tell its
parent "cell i of n" without papermill's own tqdm bar, which would write into the worker's stderr."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

CellReport = Callable[[int, int], None]  # (code cells done, code cells in the notebook)

_report: CellReport | None = None


@contextmanager
def reporting_cells(report: CellReport | None) -> Iterator[None]:
    """While a notebook runs in this process, call `report(done, total)` after each code cell."""
    global _report
    previous, _report = _report, report
    try:
        yield
    finally:
        _report = previous


def watch(nb_man: Any) -> None:
    """Wrap this run's `nb_man.cell_complete` (the instance's, not papermill's class) to report code cells."""
    report = _report
    if report is None:
        return
    total = sum(1 for cell in nb_man.nb.cells if cell.cell_type == "code")
    original = nb_man.cell_complete
    done = 0

    def cell_complete(cell: Any, cell_index: int | None = None, **kwargs: Any) -> Any:
        nonlocal done
        result = original(cell, cell_index=cell_index, **kwargs)
        if cell.cell_type == "code":
            done += 1
            report(done, total)
        return result

    nb_man.cell_complete = cell_complete
