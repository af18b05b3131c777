"""A papermill engine that runs a notebook's cells in this process's IPython shell, no kernel.

Starting a Jupyter kernel costs about a second per notebook, more than our notebooks take
to run. A sweep over 31 allies therefore runs each notebook in a worker process that keeps
one IPython shell (and the imported libraries) warm, resetting the user namespace between
notebooks. Outputs are captured in order as nbformat outputs: streams, display_data,
execute_result and errors, with the same MIME bundles ipykernel would send.

Registered as papermill engine "natospend-inprocess" (pyproject entry point), so
`papermill --engine natospend-inprocess in.ipynb out.ipynb -p ...` uses it too.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import matplotlib.pyplot as plt
import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell

from natospend.reports.cell_progress import watch


def _json_ready(data: dict[str, Any]) -> dict[str, Any]:
    """Binary MIME data (PNG, JPEG) as base64 text, as ipykernel sends it."""
    return {
        key: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        for key, value in data.items()
    }


class OutputCollector:
    """Outputs of the cell being run, in the order they were produced."""

    def __init__(self) -> None:
        self.outputs: list[nbformat.NotebookNode] = []
        self.execution_count: int | None = None

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.outputs.append(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        self.outputs.append(nbformat.v4.new_output("display_data", data=_json_ready(data), metadata=metadata or {}))

    def result(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> None:
        self.outputs.append(
            nbformat.v4.new_output(
                "execute_result", data=_json_ready(data), metadata=metadata or {}, execution_count=self.execution_count
            )
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback))


class _Stream:
    def __init__(self, collector: OutputCollector, name: str) -> None:
        self.collector, self.name = collector, name

    def write(self, text: str) -> int:
        self.collector.stream(self.name, text)
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


class _Publisher(DisplayPublisher):
    collector: OutputCollector | None = None

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):  # type: ignore[no-untyped-def]
        if self.collector is not None:
            self.collector.display(data, metadata)

    def clear_output(self, wait=False):  # type: ignore[no-untyped-def]
        if self.collector is not None:
            self.collector.outputs.clear()


class _ResultHook(DisplayHook):
    collector: OutputCollector | None = None

    def write_output_prompt(self) -> None:
        return None

    def write_format_data(self, format_dict, md_dict=None):  # type: ignore[no-untyped-def]
        if self.collector is not None:
            self.collector.result(format_dict, md_dict)

    def finish_displayhook(self) -> None:
        return None


class CapturingShell(InteractiveShell):
    """An IPython shell whose tracebacks become error outputs instead of terminal text."""

    collector: OutputCollector | None = None

    def _showtraceback(self, etype, evalue, stb):  # type: ignore[no-untyped-def]
        if self.collector is not None:
            self.collector.error(etype.__name__, str(evalue), list(stb))


def shell() -> CapturingShell:
    """The process's shell, with a fresh user namespace."""
    instance = CapturingShell.instance()
    if not isinstance(instance.display_pub, _Publisher):
        instance.display_pub = _Publisher(shell=instance)
        instance.displayhook = _ResultHook(shell=instance, cache_size=0)
        instance.display_trap.hook = instance.displayhook
        # all MIME types, as in a kernel (a terminal shell would keep text/plain only)
        instance.display_formatter.active_types = instance.display_formatter.format_types
        instance.colors = "NoColor"
    instance.reset(new_session=True)
    instance.execution_count = 1
    return instance


@contextlib.contextmanager
def _capturing(target: CapturingShell, collector: OutputCollector) -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    target.collector = collector
    target.display_pub.collector = collector  # type: ignore[attr-defined]
    target.displayhook.collector = collector  # type: ignore[attr-defined]
    sys.stdout, sys.stderr = _Stream(collector, "stdout"), _Stream(collector, "stderr")  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        target.collector = None
        target.display_pub.collector = None  # type: ignore[attr-defined]
        target.displayhook.collector = None  # type: ignore[attr-defined]


def run_cell(target: CapturingShell, cell: nbformat.NotebookNode) -> bool:
    """Run one code cell, store its outputs and execution count; True when it raised."""
    collector = OutputCollector()
    collector.execution_count = target.execution_count
    with _capturing(target, collector):
        result = target.run_cell(cell.source, store_history=True)
    cell.execution_count = collector.execution_count
    cell.outputs = collector.outputs
    return not result.success


def execute_managed_notebook(nb_man, kernel_name, log_output=False, cwd=None, **kwargs):  # type: ignore[no-untyped-def]
    """papermill's engine hook: run every code cell, stop at the first error."""
    watch(nb_man)  # natospend run's "cell i of n", when a terminal shows it
    target = shell()
    previous = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            nb_man.cell_start(cell, index)
            failed = run_cell(target, cell)
            if failed:
                nb_man.cell_exception(nb_man.nb.cells[index], cell_index=index)
            nb_man.cell_complete(nb_man.nb.cells[index], cell_index=index)
            if failed:
                break
    finally:
        os.chdir(previous)
        plt.close("all")
        # nothing of this notebook outlives it: its namespace, and its history, which the parameter check
        # reads to find papermill's injected cell, would otherwise be read by a later check in this process
        target.reset(new_session=True)
