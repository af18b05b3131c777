"""`natospend run` and `natospend sweep`: parameterised notebooks into report folders.

A run is built in a staging folder under reports/.staging/ and moved into place only when
every notebook succeeded; a failure leaves the previous report of that name untouched and
keeps the failed executed notebook under reports/.failed/<run>/. Notebooks run in worker
processes, each with a warm in-process IPython shell (see inprocess.py), or under a real
Jupyter kernel with engine="kernel".
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

from natospend import user_yaml
from natospend.data.dataset import verify_files
from natospend.data.parameter_checks import CheckedParameters, nato_years, resolve_edition
from natospend.data.reference import allies_with_armed_forces
from natospend.errors import NatospendError, ParameterError, describe_error, printable
from natospend.files import replace_file
from natospend.paths import PARAMS_DIR, REPORTS_DIR
from natospend.reports import manifest
from natospend.reports.catalogue import write_index
from natospend.reports.dating import page_dating
from natospend.reports.manifest import ENGINES, now_utc
from natospend.reports.notebook_parameters import Notebook, notebooks, parse_cli_value

RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # whole name: fullmatch, no trailing newline
# Names the reports folder uses itself: the catalogue page, the notebooks' scratch folder, and
# anything hidden (.staging, .failed, .locks) are never a run's name.
RESERVED_RUN_NAMES = frozenset({"index.html", "index.htm", "scratch"})


class RunFailed(NatospendError):
    pass


def resolve_notebooks(names: Iterable[str]) -> list[Notebook]:
    """Notebooks named by stem (01_alliance_overview), short name (alliance_overview), number (01), file name,
    or all."""
    available = notebooks()
    chosen: list[Notebook] = []
    for name in names:
        if name == "all":
            chosen.extend(available.values())
            continue
        stem = Path(name).stem
        matches = [s for key, s in available.items() if stem in (key, key.split("_", 1)[-1], key[:2])]
        if len(matches) != 1:
            raise ParameterError("notebook", f"no notebook {name!r}", "all, " + ", ".join(available))
        chosen.append(matches[0])
    return list(dict.fromkeys(chosen))


def check_run_name(name: str) -> Path:
    """A run name is a plain folder name inside reports/: no separators, no '..', no hidden names."""
    if not RUN_NAME.fullmatch(name) or ".." in name:
        raise ParameterError(
            "--name",
            f"{name!r} is not a plain run name",
            "letters, digits, '.', '_' and '-', starting with a letter or digit, no '..'",
        )
    if name.casefold() in RESERVED_RUN_NAMES:
        raise ParameterError(
            "--name",
            f"{name!r} is reserved by the reports folder",
            "any other plain name (not " + ", ".join(sorted(RESERVED_RUN_NAMES)) + ")",
        )
    target = (REPORTS_DIR / name).resolve()
    if target.parent != REPORTS_DIR.resolve():
        raise ParameterError("--name", f"{name!r} would write outside reports/")
    return target


def load_param_file(path: Path) -> dict[str, Any]:
    """A named parameter set: `parameters:` for every notebook that declares them, and optional
    per-notebook sections keyed by notebook stem."""
    candidates = [path, PARAMS_DIR / path, PARAMS_DIR / f"{path}.yaml"]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise ParameterError(
            "-f", f"no parameter file {str(path)!r}", ", ".join(p.name for p in sorted(PARAMS_DIR.glob("*.yaml")))
        )
    try:
        document = user_yaml.read_file(found)
    except user_yaml.UserYamlError as error:
        raise ParameterError(
            "-f", f"{found.name}: {error}", "a mapping with parameters:, notebooks:, per_notebook:"
        ) from None
    document = {} if document is None else document
    if not isinstance(document, dict) or not set(document) <= {
        "description",
        "notebooks",
        "parameters",
        "per_notebook",
    }:
        raise ParameterError(
            "-f",
            f"{found.name}: unexpected content {sorted(document) if isinstance(document, dict) else type(document).__name__}",
            "a mapping with description, notebooks, parameters, per_notebook",
        )
    shapes = {"parameters": dict, "per_notebook": dict, "notebooks": list}
    for key, kind in shapes.items():
        if document.get(key) is not None and not isinstance(document[key], kind):
            raise ParameterError(
                "-f",
                f"{found.name}: {key}: is a {type(document[key]).__name__}",
                f"{key}: as a {'mapping' if kind is dict else 'list'}",
            )
    known = {nb.path.stem for nb in notebooks().values()}
    for entry in document.get("notebooks") or []:
        if not isinstance(entry, str):  # `notebooks: [01, 02]` reads as the numbers 1 and 2
            raise ParameterError(
                "-f",
                f"{found.name}: notebooks: {entry!r} is a {type(entry).__name__}",
                "notebook names or numbers in quotes, such as '01' or 01_alliance_overview",
            )
    for stem, extra in (document.get("per_notebook") or {}).items():
        if stem not in known:
            close = difflib.get_close_matches(str(stem), sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParameterError(
                "-f", f"{found.name}: per_notebook: no notebook {stem!r}{hint}", ", ".join(sorted(known))
            )
        if not isinstance(extra, dict):
            raise ParameterError(
                "-f",
                f"{found.name}: per_notebook: {stem}: is a {type(extra).__name__}",
                "a mapping of parameter names to values",
            )
    return document


@dataclass
class NotebookPlan:
    notebook: Notebook
    given: dict[str, Any]  # what is injected (user-given values only, as papermill does)
    params: CheckedParameters  # after the notebook's own check against the data

    @property
    def path(self) -> Path:
        return self.notebook.path

    @property
    def resolved(self) -> dict[str, Any]:
        """The checked values (output_dir aside: the runner sets it), as the manifest and page header show them."""
        return self.params.shown()


@dataclass
class RunPlan:
    name: str
    notebooks: list[NotebookPlan]
    show_code: bool = False
    engine: str = "inprocess"
    parameters: dict[str, Any] = field(default_factory=dict)
    sweep: dict[str, str] | None = None  # {"prefix": ..., "parameter": ...} for one run of a sweep


def plan_run(
    chosen: list[Notebook],
    parameters: dict[str, Any],
    per_notebook: dict[str, dict[str, Any]] | None = None,
    *,
    name: str,
    show_code: bool = False,
    engine: str = "inprocess",
    sweep: dict[str, str] | None = None,
) -> RunPlan:
    """Check every parameter against each notebook's spec and the data, before any kernel."""
    if engine not in ENGINES:
        raise ParameterError("--engine", f"unknown engine {engine!r}", ", ".join(ENGINES))
    check_run_name(name)
    per_notebook = per_notebook or {}
    any_declares = set().union(*(set(nb.names) for nb in chosen))
    unknown = sorted(set(parameters) - any_declares)
    if unknown:
        if len(chosen) == 1:
            chosen[0].check_names(set(parameters))  # names the closest match
        raise ParameterError(
            unknown[0], f"no selected notebook has a parameter {unknown[0]!r}", ", ".join(sorted(any_declares))
        )
    plans = []
    for nb in chosen:
        extra = per_notebook.get(nb.stem, {})
        nb.check_names(set(extra))
        given = {k: v for k, v in {**parameters, **extra}.items() if k in nb.names}
        if "output_dir" in given:
            raise ParameterError(
                "output_dir", "is set by `natospend run` (the report folder)", "use --name to choose the folder"
            )
        plans.append(NotebookPlan(nb, given, nb.check(given)))
    return RunPlan(name, plans, show_code, engine, shown_parameters(parameters, per_notebook), sweep)


def shown_parameters(parameters: dict[str, Any], per_notebook: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    """What a run was given, as its manifest, the catalogue and its default name record it: a per-notebook
    value is part of it (a run given only those is not a "defaults" run)."""
    used = {stem: dict(values) for stem, values in (per_notebook or {}).items() if values}
    return {**parameters, **({"per_notebook": used} if used else {})}


# ---- the parent process --------------------------------------------------------------------


def _merge_outputs(staging: Path, stems: list[str]) -> dict[str, Any]:
    """Move each notebook's tables/ and figures/ into the run folder; collect the summaries."""
    summaries: dict[str, Any] = {}
    for stem in stems:
        own = staging / f"_{stem}"
        for kind in ("tables", "figures"):
            for item in sorted((own / kind).glob("*")) if (own / kind).is_dir() else []:
                destination = staging / kind / item.name
                if destination.exists():
                    raise RunFailed(f"two notebooks wrote {kind}/{item.name}")
                destination.parent.mkdir(exist_ok=True)
                item.rename(destination)
        summary = own / "summary.json"
        if summary.is_file():
            summaries[stem] = json.loads(summary.read_text(encoding="utf-8"))
        shutil.rmtree(own)
    return summaries


def _install(staging: Path, target: Path) -> None:
    """Put the finished run in place; an older run of that name is replaced only now."""
    old = None
    if target.exists():
        old = target.with_name(f".replaced-{target.name}-{uuid.uuid4().hex[:8]}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    # reports/.staging itself stays: removing it when empty raced with another run creating its folder there


@dataclass
class RunResult:
    name: str
    ok: bool
    folder: Path | None
    notebooks: list[dict[str, Any]]
    message: str = ""


def _keep_failure(run_name: str, result: dict[str, Any]) -> Path | None:
    """Keep the failed executed notebook under reports/.failed/<run>/, complete or not at all: one that
    does not read back as a notebook (a write cut short) is not claimed as kept."""
    executed = result.get("executed")
    if not executed or not Path(executed).is_file():
        return None
    try:  # JSON with cells, as papermill writes a notebook (nbformat's full validation costs a second to import)
        complete = "cells" in json.loads(Path(executed).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        complete = False
    if not complete:  # empty or cut short: nothing to keep
        return None
    keep = REPORTS_DIR / ".failed" / run_name
    destination = keep / Path(executed).name
    try:
        _folder(keep)
        replace_file(destination, Path(executed).read_bytes())  # never through a link planted there
    except (OSError, RunFailed):
        return None
    return destination


def failure_message(run_name: str, result: dict[str, Any], kept: Path | None) -> str:
    if result.get("lost"):
        return (
            f"run {run_name!r}: notebook {result['notebook']} was lost: a worker process ended unexpectedly "
            "(killed, or out of memory); the previous report of this name, if any, is untouched"
        )
    cell = (
        f"cell {result['cell']} (In [{result.get('exec_count')}]: {result.get('source', '')})"
        if result.get("cell") is not None
        else "start-up"
    )
    text = (
        f"run {run_name!r}: notebook {result['notebook']} failed at {cell}: "
        f"{result.get('ename')}: {result.get('evalue')}"
    )
    if kept is not None:
        text += f"\n  the failed executed notebook is kept at {kept}"
    return text + "\n  the previous report of this name, if any, is untouched"


def finish_run(
    plan: RunPlan, staging: Path, results: list[dict[str, Any]], started: str, code: dict[str, Any]
) -> RunResult:
    target = REPORTS_DIR / plan.name
    failed = [r for r in results if not r["ok"]]
    if failed:
        messages = [failure_message(plan.name, r, _keep_failure(plan.name, r)) for r in failed]
        shutil.rmtree(staging, ignore_errors=True)
        return RunResult(plan.name, False, None, results, "\n".join(messages))
    try:
        return _complete(plan, staging, results, started, target, code)
    except (RunFailed, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        return RunResult(
            plan.name,
            False,
            None,
            results,
            f"run {plan.name!r}: {describe_error(error)}; the previous report of this name, if any, is untouched",
        )


def _complete(
    plan: RunPlan, staging: Path, results: list[dict[str, Any]], started: str, target: Path, code: dict[str, Any]
) -> RunResult:
    """Merge the outputs, write the summary and manifest, and install the run under its lock."""
    summaries = _merge_outputs(staging, [p.path.stem for p in plan.notebooks])
    (staging / "summary.json").write_text(
        json.dumps({"run": plan.name, "notebooks": summaries}, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    editions: dict[str, set[str]] = {}
    for p in plan.notebooks:
        for source, values in p.params.sources().items():
            editions.setdefault(source, set()).update(values)
    for result in results:  # each page's own title ("Country profile: Poland"), for the catalogue
        result["title"] = summaries.get(result["notebook"], {}).get("title") or result["notebook"]
    document = manifest.build(
        run=plan.name,
        notebooks=results,
        parameters=plan.parameters,
        editions=editions,
        started=started,
        finished=now_utc(),
        folder=staging,
        engine=plan.engine,
        code=code,
    )
    if plan.sweep:
        document["sweep"] = plan.sweep
    (staging / "manifest.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with reports_lock():
        refuse_link(target)
        _install(staging, target)
    return RunResult(plan.name, True, target, results)


@contextlib.contextmanager
def reports_lock() -> Iterator[None]:
    """One exclusive lock for the reports folder (reports/.lock, by filelock: every OS), held only while a
    finished run is moved into place or the catalogue is written, both quick: two processes installing runs
    take turns instead of pulling folders from under each other. One file, however many run names."""
    lock = REPORTS_DIR / ".lock"
    refuse_link(lock)
    with FileLock(lock):
        yield


def refuse_link(path: Path) -> None:
    """natospend writes only its own files under reports/: a symbolic link planted where it is about to
    write (a lock, a staging or failed-run folder) would send that write elsewhere, so it is refused."""
    if path.is_symlink():
        raise RunFailed(
            f"{path} is a symbolic link; natospend does not follow links inside reports/ (remove it and run again)"
        )


def _folder(path: Path) -> Path:
    """A folder natospend owns under reports/ (.staging, .failed, .failed/<run>), made if missing, never a link."""
    for part in (path.parent, path):
        refuse_link(part)
    path.mkdir(parents=True, exist_ok=True)
    refuse_link(path)
    return path


STAGING = re.compile(r"(?P<name>.+)-(?P<pid>\d+)-[0-9a-f]{8}")


def new_staging(name: str) -> Path:
    staging = _folder(REPORTS_DIR / ".staging") / f"{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    return staging


def remove_stale_staging(folder: Path | None = None) -> list[Path]:
    """Staging folders left by runs whose process is gone (killed, or the machine stopped): removed.
    A folder whose process still runs is someone's run in progress and is left alone."""
    folder = folder or REPORTS_DIR / ".staging"
    removed = []
    if folder.is_symlink():
        return removed
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        match = STAGING.fullmatch(path.name)
        if match is None or _alive(int(match.group("pid"))):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def remove_leftovers(folder: Path | None = None) -> list[Path]:
    """What an interrupted install or an older natospend left in reports/: `.replaced-*` (a replaced run
    whose removal was cut short) and the per-name lock files of `.locks/`. Links are removed, not followed."""
    folder = folder or REPORTS_DIR
    found = sorted(folder.glob(".replaced-*")) + ([folder / ".locks"] if (folder / ".locks").exists() else [])
    for path in found:
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def execute_plans(
    plans: list[RunPlan],
    workers: int | None = None,
    progress: Callable[[RunResult], None] | None = None,
    on_notebook: Callable[[str], None] | None = None,
    on_cell: Callable[[str, int, int], None] | None = None,
) -> list[RunResult]:
    """Run several plans' notebooks in a pool of worker processes; each run lands on its own.
    `on_notebook(stem)` is called as each notebook ends, `on_cell(stem, done, total)` after each code cell
    (both in the parent, from a thread of their own).

    Ctrl-C stops at once: queued notebooks are cancelled, the workers are ended, this call's staging
    folders are removed, and KeyboardInterrupt goes on to the caller."""
    remove_stale_staging()
    remove_leftovers()
    wanted: dict[str, set[str]] = {}
    for plan in plans:
        for nb in plan.notebooks:
            for source, values in nb.params.sources().items():
                wanted.setdefault(source, set()).update(values)
    verify_files(wanted)  # read (and checked) once here; the workers' reads check again
    tasks: list[tuple[RunPlan, Path, str, list[Future[dict[str, Any]]]]] = []
    count = sum(len(p.notebooks) for p in plans)
    workers = max(1, min(workers or os.cpu_count() or 1, count))
    outcomes: list[RunResult] = []
    # imported here: the parent checks parameters and reports a mistake without paying for matplotlib,
    # papermill and nbconvert, which the worker module needs
    from natospend.reports.worker import execute_one, worker_start  # noqa: PLC0415

    code = manifest.code_version()  # once a command: every page's citation and every run's manifest carry it
    cells = multiprocessing.Queue() if on_cell is not None else None
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_start, initargs=(cells,))
    listener = _listen(cells, on_cell) if cells is not None and on_cell is not None else None
    try:
        for plan in plans:
            staging, started = new_staging(plan.name), now_utc()
            futures = [
                pool.submit(
                    execute_one,
                    str(nb.path),
                    str(staging),
                    nb.given,
                    plan.engine,
                    plan.name,
                    plan.show_code,
                    page_dating(nb.params.sources()),
                    nb.resolved,
                    [(other.path.stem, other.notebook.title) for other in plan.notebooks],
                    code,
                )
                for nb in plan.notebooks
            ]
            if on_notebook is not None:  # called in the parent, from the pool's thread, as each one ends
                for future, nb in zip(futures, plan.notebooks, strict=True):
                    future.add_done_callback(lambda _, stem=nb.path.stem: on_notebook(stem))
            tasks.append((plan, staging, started, futures))
        for plan, staging, started, futures in tasks:
            results = [_result(f, nb.path.stem) for f, nb in zip(futures, plan.notebooks)]
            outcome = finish_run(plan, staging, results, started, code)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    except BaseException:
        _stop(pool)
        for _, staging, _, _ in tasks:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    pool.shutdown()
    if listener is not None and cells is not None:
        cells.put(None)
        listener.join()
    try:
        with reports_lock():
            write_index()
    except (OSError, NatospendError) as error:  # the runs are in place: say the catalogue is behind, go on
        print(
            printable(f"natospend: warning: reports/index.html was not updated ({describe_error(error)})"),
            file=sys.stderr,
        )
    return outcomes


def _listen(cells: Any, on_cell: Callable[[str, int, int], None]) -> threading.Thread:
    """A thread passing the workers' (notebook, done, total) to `on_cell`, until it reads None."""

    def listen() -> None:
        while (item := cells.get()) is not None:
            on_cell(*item)

    thread = threading.Thread(target=listen, name="natospend-cells", daemon=True)  # daemon: Ctrl-C never waits
    thread.start()
    return thread


def _result(future: Future[dict[str, Any]], stem: str) -> dict[str, Any]:
    """A notebook's result; a worker that died (killed, or out of memory) loses its notebook, and, as the
    pool breaks, every notebook not yet finished: each is reported as lost, the finished ones are kept."""
    try:
        return future.result()
    except BrokenProcessPool:
        return {"notebook": stem, "ok": False, "lost": True}


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool now: cancel what is queued and kill the workers (a running notebook is not waited for)."""
    workers = multiprocessing.active_children()  # the pool's workers: this process starts no others meanwhile
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
    for process in workers:
        process.join(timeout=2)


def default_run_name(chosen: list[Notebook], parameters: dict[str, Any]) -> str:
    stem = "all" if len(chosen) > 1 else chosen[0].stem
    if not parameters:
        return stem
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{stem}-{digest}"


def sweep_values(notebook: Notebook, parameter: str, values: str) -> list[Any]:
    """`country=all` -> every ally with armed forces; `year=all` -> every year of the edition; else a list."""
    notebook.check_names({parameter})
    if values != "all":
        listed = [parse_cli_value(v.strip()) for v in values.split(",") if v.strip()]
        if not listed:
            raise ParameterError(
                "--over", f"no values for {parameter!r} after '='", f"{parameter}=all or {parameter}=v1,v2"
            )
        return listed
    if parameter == "country":
        return allies_with_armed_forces()
    if parameter == "year":
        return nato_years(resolve_edition("nato", "edition", None))
    raise ParameterError(
        "--over", f"'all' is defined for country and year, not {parameter!r}", "NAME=all or NAME=v1,v2,..."
    )


def report_failures(outcomes: list[RunResult]) -> int:
    """Print each failed run's message; the exit status for the command (1 when any failed)."""
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        print(printable(f"natospend: error: {outcome.message}"), file=sys.stderr)
    return 1 if failed else 0
