"""`natospend run` and `natospend sweep`: parameterised notebooks into report folders.

A run is built in a staging folder under reports/.staging/ and moved into place only when
every notebook succeeded; a failure leaves the previous report of that name untouched and
keeps the failed executed notebook under reports/.failed/<run>/. Notebooks run in worker
processes, each with a warm in-process IPython shell (see inprocess.py), or under a real
Jupyter kernel with engine="kernel".
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import time
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from natospend.errors import NatospendError, ParameterError, describe_error
from natospend.notebooks import registry, spec_for
from natospend.notebooks.spec import NotebookParameters, NotebookSpec
from natospend.paths import NOTEBOOKS_DIR, PARAMS_DIR, REPORTS_DIR

RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # whole name: fullmatch, no trailing newline
# Names the reports folder uses itself: the catalogue page, the notebooks' scratch folder, and
# anything hidden (.staging, .failed, .locks) are never a run's name.
RESERVED_RUN_NAMES = frozenset({"index.html", "index.htm", "scratch"})
ENGINES = {"inprocess": "natospend-inprocess", "kernel": None}


class RunFailed(NatospendError):
    pass


def resolve_notebooks(names: Iterable[str]) -> list[NotebookSpec]:
    """Notebooks named by stem (01_alliance_overview), short name (alliance_overview), number (01), file name,
    or all."""
    available = registry()
    chosen: list[NotebookSpec] = []
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
        raise ParameterError("--name", f"{name!r} is not a plain run name",
                             "letters, digits, '.', '_' and '-', starting with a letter or digit, no '..'")
    if name.casefold() in RESERVED_RUN_NAMES:
        raise ParameterError("--name", f"{name!r} is reserved by the reports folder",
                             "any other plain name (not " + ", ".join(sorted(RESERVED_RUN_NAMES)) + ")")
    target = (REPORTS_DIR / name).resolve()
    if target.parent != REPORTS_DIR.resolve():
        raise ParameterError("--name", f"{name!r} would write outside reports/")
    return target


def load_param_file(path: Path) -> dict[str, Any]:
    """A named parameter set: `parameters:` for every notebook that declares them, and optional
    per-notebook sections keyed by notebook stem."""
    import yaml

    candidates = [path, PARAMS_DIR / path, PARAMS_DIR / f"{path}.yaml"]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise ParameterError("-f", f"no parameter file {str(path)!r}",
                             ", ".join(p.name for p in sorted(PARAMS_DIR.glob("*.yaml"))))
    try:
        document = yaml.safe_load(found.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ParameterError("-f", f"{found.name} is not valid YAML ({str(error).splitlines()[0]})",
                             "a mapping with parameters:, notebooks:, per_notebook:") from None
    if not isinstance(document, dict) or not set(document) <= {"description", "notebooks", "parameters", "per_notebook"}:
        raise ParameterError("-f", f"{found.name}: unexpected content {sorted(document) if isinstance(document, dict) else type(document).__name__}",
                             "a mapping with description, notebooks, parameters, per_notebook")
    shapes = {"parameters": dict, "per_notebook": dict, "notebooks": list}
    for key, kind in shapes.items():
        if document.get(key) is not None and not isinstance(document[key], kind):
            raise ParameterError("-f", f"{found.name}: {key}: is a {type(document[key]).__name__}",
                                 f"{key}: as a {'mapping' if kind is dict else 'list'}")
    for stem, extra in (document.get("per_notebook") or {}).items():
        if not isinstance(extra, dict):
            raise ParameterError("-f", f"{found.name}: per_notebook: {stem}: is a {type(extra).__name__}",
                                 "a mapping of parameter names to values")
    return document


@dataclass
class NotebookPlan:
    spec: NotebookSpec
    given: dict[str, Any]  # what is injected (user-given values only, as papermill does)
    params: NotebookParameters  # after validation against the data

    @property
    def path(self) -> Path:
        return self.spec.path

    @property
    def resolved(self) -> dict[str, Any]:
        """The checked values (output_dir aside: the runner sets it), as the manifest and page header show them."""
        return {k: v for k, v in self.params.as_dict().items() if k != "output_dir"}


@dataclass
class RunPlan:
    name: str
    notebooks: list[NotebookPlan]
    show_code: bool = False
    engine: str = "inprocess"
    parameters: dict[str, Any] = field(default_factory=dict)


def plan_run(notebooks: list[NotebookSpec], parameters: dict[str, Any],
             per_notebook: dict[str, dict[str, Any]] | None = None, *, name: str, show_code: bool = False,
             engine: str = "inprocess") -> RunPlan:
    """Check every parameter against each notebook's spec and the data, before any kernel."""
    if engine not in ENGINES:
        raise ParameterError("--engine", f"unknown engine {engine!r}", ", ".join(ENGINES))
    check_run_name(name)
    per_notebook = per_notebook or {}
    any_declares = set().union(*(set(spec.params) for spec in notebooks))
    unknown = sorted(set(parameters) - any_declares)
    if unknown:
        if len(notebooks) == 1:
            notebooks[0].check_names(set(parameters))  # names the closest match
        raise ParameterError(unknown[0], f"no selected notebook has a parameter {unknown[0]!r}",
                             ", ".join(sorted(any_declares)))
    plans = []
    for spec in notebooks:
        extra = per_notebook.get(spec.stem, {})
        spec.check_names(set(extra))
        given = {k: v for k, v in {**parameters, **extra}.items() if k in spec.params}
        if "output_dir" in given:
            raise ParameterError("output_dir", "is set by `natospend run` (the report folder)",
                                 "use --name to choose the folder")
        plans.append(NotebookPlan(spec, given, spec.check({**spec.parameters.defaults(), **given})))
    return RunPlan(name, plans, show_code, engine, parameters)


# ---- work done in worker processes ---------------------------------------------------------

_WARM = False


def die_with_parent() -> None:
    """A worker ends when the process that started it ends, even by SIGKILL: Linux delivers SIGKILL to
    it through prctl(PR_SET_PDEATHSIG); elsewhere a watchdog thread notices the parent is gone."""
    import signal
    import threading

    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # 1 = PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="natospend-parent-watchdog").start()


def worker_start() -> None:
    """Initializer of the pool's workers: die with the parent, ignore Ctrl-C (the parent handles it), warm up."""
    import signal

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()


def warm_up() -> None:
    """Import what every notebook needs once per worker process: every notebook's module, every figure
    module, papermill and the engine; and read the latest edition of every source the notebooks declare."""
    global _WARM
    if _WARM:
        return
    import importlib
    import pkgutil

    import matplotlib

    matplotlib.use("Agg")
    import papermill  # noqa: F401

    import natospend.figures
    from natospend.data.dataset import load_spending
    from natospend.reports import html, inprocess  # noqa: F401

    for module in pkgutil.iter_modules(natospend.figures.__path__):
        importlib.import_module(f"natospend.figures.{module.name}")
    specs = registry()
    # the official sources only: a large user source is read when a run asks for it
    for source in sorted({p.source for spec in specs.values() for p in spec.params.values() if p.source}):
        load_spending(source)
    inprocess.shell()
    _WARM = True


def execute_one(path: str, staging: str, given: dict[str, Any], engine: str, run_name: str, show_code: bool,
                header_note: str, resolved: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook into `staging` and export its HTML; returns timings or the failure."""
    import papermill

    from natospend.reports.execution import normalise, write_notebook
    from natospend.reports.html import parameter_header, to_html

    warm_up()
    source, folder = Path(path), Path(staging)
    out_dir = f"_{source.stem}"  # per-notebook outputs, merged by the parent; relative: no staging path
    target = folder / source.name
    started = time.perf_counter()
    begin = _now()
    try:
        nb = papermill.execute_notebook(
            str(source), str(target), parameters={**given, "output_dir": out_dir}, cwd=str(folder),
            engine_name=ENGINES[engine], kernel_name="python3", progress_bar=False, log_output=False,
            request_save_on_cell_execute=False)  # one write at the end, not two per cell
    except papermill.PapermillExecutionError as error:
        first_line = next((line for line in str(error.source).splitlines() if line.strip()), "")
        return {"notebook": source.stem, "ok": False, "cell": error.cell_index, "exec_count": error.exec_count,
                "source": first_line[:120], "ename": error.ename, "evalue": error.evalue, "executed": str(target)}
    except OSError as error:  # a full disk, a folder that cannot be written: nothing executed is worth keeping
        return _os_failure(source.stem, error)
    except Exception as error:  # kernel start-up and the like
        return {"notebook": source.stem, "ok": False, "cell": None, "ename": type(error).__name__,
                "evalue": str(error), "executed": str(target) if target.exists() else None}
    executed = time.perf_counter()
    try:
        nb = normalise(nb)
        write_notebook(nb, target)
        summary_path = folder / out_dir / "summary.json"
        summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
        page = to_html(nb, title=summary.get("title") or source.stem,
                       header_html=parameter_header(run_name, resolved, header_note), show_code=show_code,
                       tables=folder / out_dir / "tables")
        (folder / f"{source.stem}.html").write_text(page, encoding="utf-8")
    except OSError as error:
        return _os_failure(source.stem, error)
    return {"notebook": source.stem, "ok": True, "start": begin, "end": _now(),
            "seconds_execute": round(executed - started, 3), "seconds_total": round(time.perf_counter() - started, 3),
            "parameters_given": given, "parameters": resolved}


def _os_failure(stem: str, error: OSError) -> dict[str, Any]:
    return {"notebook": stem, "ok": False, "cell": None, "ename": type(error).__name__,
            "evalue": describe_error(error), "executed": None}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---- the parent process --------------------------------------------------------------------

def _header_note(sources: dict[str, set[str]]) -> str:
    text = "; ".join(f"{source.upper()} edition {', '.join(sorted(v))}" for source, v in sorted(sources.items()))
    return (text + ". " if text else "") + "Made with natospend."


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
    import nbformat

    executed = result.get("executed")
    if not executed or not Path(executed).is_file():
        return None
    try:
        nbformat.read(executed, as_version=4)
    except Exception:  # empty or cut short: nothing to keep
        return None
    keep = REPORTS_DIR / ".failed" / run_name
    destination = keep / Path(executed).name
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, partial)
        partial.replace(destination)
    except OSError:
        partial.unlink(missing_ok=True)
        return None
    return destination


def failure_message(run_name: str, result: dict[str, Any], kept: Path | None) -> str:
    cell = (f"cell {result['cell']} (In [{result.get('exec_count')}]: {result.get('source', '')})"
            if result.get("cell") is not None else "start-up")
    text = (f"run {run_name!r}: notebook {result['notebook']} failed at {cell}: "
            f"{result.get('ename')}: {result.get('evalue')}")
    if kept is not None:
        text += f"\n  the failed executed notebook is kept at {kept}"
    return text + "\n  the previous report of this name, if any, is untouched"


def finish_run(plan: RunPlan, staging: Path, results: list[dict[str, Any]], started: str) -> RunResult:
    target = REPORTS_DIR / plan.name
    failed = [r for r in results if not r["ok"]]
    if failed:
        messages = [failure_message(plan.name, r, _keep_failure(plan.name, r)) for r in failed]
        shutil.rmtree(staging, ignore_errors=True)
        return RunResult(plan.name, False, None, results, "\n".join(messages))
    try:
        return _complete(plan, staging, results, started, target)
    except (RunFailed, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        return RunResult(plan.name, False, None, results, f"run {plan.name!r}: {describe_error(error)}; the "
                         "previous report of this name, if any, is untouched")


def _complete(plan: RunPlan, staging: Path, results: list[dict[str, Any]], started: str, target: Path) -> RunResult:
    """Merge the outputs, write the summary and manifest, and install the run under its lock."""
    from natospend.reports import manifest

    summaries = _merge_outputs(staging, [p.path.stem for p in plan.notebooks])
    (staging / "summary.json").write_text(
        json.dumps({"run": plan.name, "notebooks": summaries}, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8")
    editions: dict[str, set[str]] = {}
    for p in plan.notebooks:
        for source, values in p.params.sources().items():
            editions.setdefault(source, set()).update(values)
    document = manifest.build(run=plan.name, notebooks=results, parameters=plan.parameters, editions=editions,
                              started=started, finished=_now(), folder=staging, engine=plan.engine)
    (staging / "manifest.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    with run_lock(plan.name):
        _install(staging, target)
    return RunResult(plan.name, True, target, results)


@contextlib.contextmanager
def run_lock(name: str) -> Iterator[None]:
    """An exclusive lock per run name (reports/.locks/<name>.lock, fcntl): two processes installing the same
    run, or writing the catalogue, take turns instead of pulling the folder from under each other."""
    import fcntl

    folder = REPORTS_DIR / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


STAGING = re.compile(r"(?P<name>.+)-(?P<pid>\d+)-[0-9a-f]{8}")


def new_staging(name: str) -> Path:
    staging = REPORTS_DIR / ".staging" / f"{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    return staging


def remove_stale_staging(folder: Path | None = None) -> list[Path]:
    """Staging folders left by runs whose process is gone (killed, or the machine stopped): removed.
    A folder whose process still runs is someone's run in progress and is left alone."""
    folder = folder or REPORTS_DIR / ".staging"
    removed = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        match = STAGING.fullmatch(path.name)
        if match is None or _alive(int(match.group("pid"))):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def execute_plans(plans: list[RunPlan], workers: int | None = None,
                  progress: Callable[[RunResult], None] | None = None) -> list[RunResult]:
    """Run several plans' notebooks in a pool of worker processes; each run lands on its own.

    Ctrl-C stops at once: queued notebooks are cancelled, the workers are ended, this call's staging
    folders are removed, and KeyboardInterrupt goes on to the caller."""
    remove_stale_staging()
    tasks: list[tuple[RunPlan, Path, str, list[Future[dict[str, Any]]]]] = []
    count = sum(len(p.notebooks) for p in plans)
    workers = max(1, min(workers or os.cpu_count() or 1, count))
    outcomes: list[RunResult] = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_start)
    try:
        for plan in plans:
            staging, started = new_staging(plan.name), _now()
            futures = [pool.submit(execute_one, str(nb.path), str(staging), nb.given, plan.engine, plan.name,
                                   plan.show_code, _header_note(nb.params.sources()), nb.resolved) for nb in plan.notebooks]
            tasks.append((plan, staging, started, futures))
        for plan, staging, started, futures in tasks:
            results = [f.result() for f in futures]
            outcome = finish_run(plan, staging, results, started)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    except BaseException:
        _stop(pool)
        for _, staging, _, _ in tasks:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    pool.shutdown()
    from natospend.reports.catalogue import write_index

    with run_lock(".catalogue"):  # a dot: no run can be named so
        write_index()
    return outcomes


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool now: cancel what is queued and kill the workers (a running notebook is not waited for)."""
    import multiprocessing
    import signal

    workers = multiprocessing.active_children()  # the pool's workers: this process starts no others meanwhile
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
    for process in workers:
        process.join(timeout=2)


def default_run_name(notebooks: list[NotebookSpec], parameters: dict[str, Any]) -> str:
    import hashlib

    stem = "all" if len(notebooks) > 1 else notebooks[0].stem
    if not parameters:
        return stem
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{stem}-{digest}"


def sweep_values(notebook: NotebookSpec, parameter: str, values: str) -> list[Any]:
    """`country=all` -> every ally with armed forces; `year=all` -> every year of the edition; else a list."""
    from natospend.notebooks.spec import parse_cli_value

    notebook.check_names({parameter})
    if values != "all":
        return [parse_cli_value(v.strip()) for v in values.split(",") if v.strip()]
    if parameter == "country":
        from natospend.data.reference import allies_with_armed_forces

        return allies_with_armed_forces()
    if parameter == "year":
        from natospend.notebooks.checks import nato_years, resolve_edition

        return nato_years(resolve_edition("nato", "edition", None))
    raise ParameterError("--over", f"'all' is defined for country and year, not {parameter!r}",
                         "NAME=all or NAME=v1,v2,...")


def report_failures(outcomes: list[RunResult]) -> int:
    """Print each failed run's message; the exit status for the command (1 when any failed)."""
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        print(f"natospend: error: {outcome.message}", file=sys.stderr)
    return 1 if failed else 0
