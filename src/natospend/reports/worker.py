"""The pool's side of a run: each worker dies with its parent, warms up once (every notebook's modules and
the latest data), then executes notebooks with papermill and exports their HTML into the staging folder."""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import matplotlib
import papermill

import natospend.figures
import natospend.text
from natospend import __version__
from natospend.data.dataset import load_spending
from natospend.errors import NatospendError, describe_error
from natospend.figures.captions import PUBLISHERS
from natospend.processes import become_worker
from natospend.reports import inprocess
from natospend.reports.citation import cite_block
from natospend.reports.dating import PageDating
from natospend.reports.execution import execute
from natospend.reports.html import parameter_header, rerun_commands, run_links, to_html
from natospend.reports.manifest import now_utc

_WARM = False
_CELLS: Any = None  # the parent's queue for "cell i of n" (a multiprocessing queue), when it shows progress


def worker_start(cells: Any = None) -> None:
    """Initializer of the pool's workers: die with the parent, ignore Ctrl-C (the parent handles it), warm up.
    `cells`, a multiprocessing queue inherited from the parent, receives (notebook, done, total) per cell."""
    global _CELLS
    _CELLS = cells
    become_worker()
    warm_up()


def warm_up() -> None:
    """Import what every notebook needs once per worker process: every figure and text module, papermill
    and the engine; and read the latest edition of each official source."""
    global _WARM
    if _WARM:
        return
    matplotlib.use("Agg")  # no screen in a worker; the saved files are the same under any backend
    for package in (natospend.figures, natospend.text):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    # the official sources only: a large user source is read when a run asks for it
    for source in PUBLISHERS:
        with contextlib.suppress(NatospendError):  # a damaged file: the notebook reading it names it
            load_spending(source)
    inprocess.shell()
    _WARM = True


def execute_one(
    path: str,
    staging: str,
    given: dict[str, Any],
    engine: str,
    run_name: str,
    show_code: bool,
    dating: PageDating,
    resolved: dict[str, Any],
    siblings: list[tuple[str, str]] | None = None,
    code: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run one notebook into `staging` and export its HTML; returns timings or the failure."""
    warm_up()
    source, folder = Path(path), Path(staging)
    out_dir = f"_{source.stem}"  # per-notebook outputs, merged by the parent; relative: no staging path
    target = folder / source.name
    started = time.perf_counter()
    begin = now_utc()
    # A kernel's connection file (with its key: jupyter_client makes it with tempfile.mkstemp) goes in the
    # run's staging folder, which Ctrl-C or a failure removes with everything else, instead of /tmp, where
    # it stayed after an interrupt.
    kernels = folder / ".kernels"
    kernels.mkdir(exist_ok=True)
    tempfile.tempdir = str(kernels)
    try:
        cells = _CELLS
        on_cell = None if cells is None else lambda done, total: cells.put((source.stem, done, total))
        nb = execute(source, target, {**given, "output_dir": out_dir}, cwd=folder, engine=engine, on_cell=on_cell)
    except papermill.PapermillExecutionError as error:
        first_line = next((line for line in str(error.source).splitlines() if line.strip()), "")
        return {
            "notebook": source.stem,
            "ok": False,
            "cell": error.cell_index,
            "exec_count": error.exec_count,
            "source": first_line[:120],
            "ename": error.ename,
            "evalue": error.evalue,
            "executed": str(target),
        }
    except OSError as error:  # a full disk, a folder that cannot be written: nothing executed is worth keeping
        return _os_failure(source.stem, error)
    except Exception as error:  # kernel start-up and the like
        return {
            "notebook": source.stem,
            "ok": False,
            "cell": None,
            "ename": type(error).__name__,
            "evalue": str(error),
            "executed": str(target) if target.exists() else None,
        }
    finally:
        tempfile.tempdir = None  # the system's again
        shutil.rmtree(kernels, ignore_errors=True)
    executed = time.perf_counter()
    try:
        summary_path = folder / out_dir / "summary.json"
        summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
        title = summary.get("title") or source.stem
        code = code or {}
        page = to_html(
            nb,
            title=title,
            header_html=run_links(source.stem, siblings or [])
            + parameter_header(run_name, resolved, dating, begin, given),
            show_code=show_code,
            tables=folder / out_dir / "tables",
            rerun=rerun_commands(source.stem, given, run_name),
            footer_html=cite_block(
                title,
                run=run_name,
                stem=source.stem,
                built=begin,
                version=str(code.get("natospend", __version__)),
                commit=code.get("commit"),
                sources=dating.sources,
            ),
        )
        (folder / f"{source.stem}.html").write_text(page, encoding="utf-8")
    except OSError as error:
        return _os_failure(source.stem, error)
    return {
        "notebook": source.stem,
        "ok": True,
        "start": begin,
        "end": now_utc(),
        "seconds_execute": round(executed - started, 3),
        "seconds_total": round(time.perf_counter() - started, 3),
        "parameters_given": given,
        "parameters": resolved,
    }


def _os_failure(stem: str, error: OSError) -> dict[str, Any]:
    return {
        "notebook": stem,
        "ok": False,
        "cell": None,
        "ename": type(error).__name__,
        "evalue": describe_error(error),
        "executed": None,
    }
