"""Cell-by-cell progress of a notebook's run, for `natospend run`'s bar on a terminal.

papermill calls its execution manager's `cell_complete` after every cell, under any engine; natospend's two
engines (in process, and a Jupyter kernel) wrap that method of the run's own manager, so a worker process can
tell its parent "cell i of n" without papermill's own tqdm bar, which would write into the worker's stderr."""

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


class KernelEngine:
    """papermill's own engine (nbclient and a Jupyter kernel), reporting cells. Built on first use, as
    papermill imports its engines' entry points while it is itself being imported."""

    _engine: Any = None

    @classmethod
    def _real(cls) -> Any:
        if cls._engine is None:
            from papermill.engines import NBClientEngine  # noqa: PLC0415 - see the class docstring

            def execute_managed_notebook(engine: Any, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
                watch(nb_man)
                return NBClientEngine.execute_managed_notebook.__func__(engine, nb_man, kernel_name, **kwargs)

            cls._engine = type(
                "NatospendKernelEngine",
                (NBClientEngine,),
                {"execute_managed_notebook": classmethod(execute_managed_notebook)},
            )
        return cls._engine

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):  # type: ignore[no-untyped-def]
        return cls._real().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):  # type: ignore[no-untyped-def]
        return cls._real().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):  # type: ignore[no-untyped-def]
        return cls._real().nb_language(nb, language)
