"""Report commands of the `natospend` CLI: run, sweep, list."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any


def _parameters(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[str]]:
    from natospend.errors import ParameterError
    from natospend.reports.notebook_parameters import parse_cli_value
    from natospend.reports.runner import load_param_file

    workers = getattr(args, "workers", None)
    if workers is not None and workers < 1:
        raise ParameterError("--workers", f"{workers} worker processes", "1 or more (default: the number of cores)")
    # Precedence, lowest first: a notebook's defaults, a file's `parameters:`, a file's `per_notebook:` (two
    # files' sections merge, the later file winning name by name), then the command line (-p, -y), which
    # beats both. A name given twice on the command line is an error, not a silent last-one-wins.
    values: dict[str, Any] = {}
    per_notebook: dict[str, dict[str, Any]] = {}
    notebooks: list[str] = []
    for path in args.file or []:
        document = load_param_file(Path(path))
        values.update(document.get("parameters") or {})
        for stem, section in (document.get("per_notebook") or {}).items():
            per_notebook.setdefault(stem, {}).update(section)
        notebooks.extend(document.get("notebooks") or [])
    command_line: dict[str, Any] = {}

    def give(name: str, value: Any, option: str) -> None:
        if name in command_line:
            raise ParameterError(name, f"given twice on the command line (again with {option})", "give it once")
        command_line[name] = value

    for name, value in args.parameter or []:
        give(name, parse_cli_value(value), "-p")
    for name, value in args.yaml_parameter or []:
        from natospend import user_yaml

        try:
            give(name, user_yaml.parse_value(value), "-y")
        except user_yaml.UserYamlError as error:
            shown = value if len(value) <= 60 else value[:60] + "..."
            raise ParameterError(
                name, f"-y value {shown!r}: {error}", "a YAML value such as 2032 or '[gdp_2pct, core_3_5pct]'"
            ) from None
    values.update(command_line)
    for section in per_notebook.values():
        for name in command_line:
            section.pop(name, None)
    per_notebook = {stem: section for stem, section in per_notebook.items() if section}
    return values, per_notebook, notebooks


def _cmd_run(args: argparse.Namespace) -> int:
    from natospend.errors import ParameterError
    from natospend.reports.notebook_parameters import notebooks as every_notebook
    from natospend.reports.runner import (
        default_run_name,
        execute_plans,
        plan_run,
        report_failures,
        resolve_notebooks,
        shown_parameters,
    )

    values, per_notebook, from_file = _parameters(args)
    if not args.notebook and not from_file:
        raise ParameterError(
            "NOTEBOOK",
            "no notebook named",
            "all, or one or more of " + ", ".join(every_notebook()) + " (e.g. natospend run 02 -p target_year 2032)",
        )
    notebooks = resolve_notebooks(args.notebook or from_file)
    name = args.name or _name_from_files(args) or default_run_name(notebooks, shown_parameters(values, per_notebook))
    plan = plan_run(notebooks, values, per_notebook, name=name, show_code=args.show_code, engine=args.engine)
    from tqdm import tqdm

    # on a terminal: notebook i of n, and the cell each running notebook has reached (a pipe or a file gets
    # only the result lines)
    bar = tqdm(
        total=len(plan.notebooks),
        desc=f"run {name}",
        unit="notebook",
        file=sys.stderr,
        disable=args.quiet or not sys.stderr.isatty(),
        leave=False,
    )

    def finished(stem: str) -> None:
        bar.set_postfix_str(f"{stem} done", refresh=False)
        bar.update(1)

    def cell(stem: str, done: int, total: int) -> None:
        bar.set_postfix_str(f"{stem}: cell {done} of {total}")

    try:
        outcomes = execute_plans(
            [plan], workers=args.workers, on_notebook=finished, on_cell=None if bar.disable else cell
        )
    finally:
        bar.close()
    for outcome in outcomes:
        if outcome.ok:
            pages = ", ".join(f"{n['notebook']}.html ({n['seconds_total']:.1f} s)" for n in outcome.notebooks)
            print(f"report {outcome.name}: {outcome.folder} [{pages}]")
    return report_failures(outcomes)


def _name_from_files(args: argparse.Namespace) -> str | None:
    """A run from parameter files alone is named after them (`-f hague_2032` -> hague_2032)."""
    from natospend.reports.runner import RUN_NAME

    if not args.file or args.parameter or args.yaml_parameter:
        return None
    name = "-".join(Path(f).stem for f in args.file)
    return name if RUN_NAME.fullmatch(name) and ".." not in name else None


def _cmd_sweep(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from natospend.errors import ParameterError
    from natospend.reports.runner import execute_plans, plan_run, report_failures, resolve_notebooks, sweep_values

    values, per_notebook, _ = _parameters(args)
    notebooks = resolve_notebooks([args.notebook])
    if len(notebooks) != 1:
        raise ParameterError("NOTEBOOK", "sweep takes one notebook")
    notebook = notebooks[0]
    if "=" not in args.over:
        raise ParameterError("--over", f"{args.over!r}", "NAME=all or NAME=v1,v2,...")
    parameter, spec = args.over.split("=", 1)
    given_too = [n for n, _ in (args.parameter or []) + (args.yaml_parameter or []) if n == parameter]
    if given_too:
        raise ParameterError(parameter, "is swept by --over and also given with -p/-y", "one of the two")
    for section in per_notebook.values():  # the swept value beats a parameter file's, as -p does
        section.pop(parameter, None)
    prefix = args.name or notebook.stem
    chosen = distinct_sweep_values(parameter, sweep_values(notebook, parameter, spec), prefix)
    plans = [
        plan_run(
            [notebook],
            {**values, parameter: value},
            per_notebook,
            name=name,
            show_code=args.show_code,
            engine=args.engine,
            sweep={"prefix": prefix, "parameter": parameter},
        )
        for name, value in chosen.items()
    ]
    bar = tqdm(
        total=len(plans),
        desc=f"sweep {parameter}",
        unit="report",
        file=sys.stderr,
        disable=args.quiet or not sys.stderr.isatty(),
        leave=False,  # the summary line below says how it ended: the bar's last state is not printed twice
    )
    outcomes = execute_plans(plans, workers=args.workers, progress=lambda _: bar.update(1))
    bar.close()
    done = [o for o in outcomes if o.ok]
    print(f"sweep over {parameter}: {len(done)} of {len(outcomes)} reports written to reports/{prefix}-*")
    return report_failures(outcomes)


def distinct_sweep_values(parameter: str, values: list[Any], prefix: str) -> dict[str, Any]:
    """Run name -> value, one per distinct value: spellings of one ally are swept once (said on stderr),
    and two different values that would share a run name are refused."""
    from natospend.data.reference import resolve_ally
    from natospend.errors import ParameterError

    resolved: dict[Any, list[Any]] = {}
    for value in values:
        key = value
        if parameter == "country" and isinstance(value, str):
            with contextlib.suppress(ValueError):  # not an ally: plan_run says so, with the allowed values
                key = resolve_ally(value)
        resolved.setdefault(key, []).append(value)
    for key, same in resolved.items():
        if len(same) > 1:
            print(
                f"natospend sweep: {', '.join(repr(v) for v in same)} are the same {parameter} ({key}): one report",
                file=sys.stderr,
            )
    named: dict[str, Any] = {}
    for key in resolved:
        name = f"{prefix}-{run_slug(key)}"
        if name in named:
            raise ParameterError(
                "--over",
                f"{named[name]!r} and {key!r} would both be reported as {name!r}",
                "values that differ in letters or digits",
            )
        named[name] = key
    return named


def run_slug(value: Any) -> str:
    """A sweep value as part of a run name: ASCII letters, digits, '.', '_' and '-' only."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_.") or "value"


def data_status() -> str:
    """Per source: the editions in data/processed/ and the newest release releases.yaml knows of."""
    from natospend.data.dataset import editions, sources
    from natospend.data.releases import load_releases, releases_of
    from natospend.formatting import date_text

    known = {r.source for r in load_releases()}
    lines = ["data (data/processed/; `natospend update --check` says what is newer):"]
    lines.append(f"  {'source':8s} {'editions loaded':20s} newest release known")
    for source in sorted(set(sources()) | known):
        loaded = editions(source)
        newest = releases_of(source)[-1] if source in known else None
        if newest is None:
            latest = "none listed (your own data)"
        else:
            state = "loaded" if newest.edition in loaded else "NOT LOADED"
            latest = f"{newest.edition}, {newest.title} ({date_text(newest.release_date)}): {state}"
        lines.append(f"  {source:8s} {', '.join(loaded) or 'none':20s} {latest}")
    return "\n".join(lines)


def _cmd_list(args: argparse.Namespace) -> int:
    from natospend.errors import printable
    from natospend.reports.catalogue import runs, write_index
    from natospend.reports.notebook_parameters import notebooks
    from natospend.reports.parameter_words import parameters_in_words

    print(data_status())
    print("notebooks (natospend run NAME -p PARAMETER VALUE):")
    for nb in notebooks().values():
        defaults = ", ".join(f"{k}={v!r}" for k, v in nb.defaults().items() if k != "output_dir")
        print(f"  {nb.stem:30s} {nb.title}\n  {'':30s} {defaults}")
    found = sorted(runs(), key=lambda r: r["finished"], reverse=True)
    print("runs in reports/ (newest first):" if found else "no runs in reports/ yet")
    if found:
        print(f"  {'run':32s} {'finished (UTC)':20s} {'data':26s} {'notebooks':40s} parameters")
    for run in found:
        editions = ", ".join(f"{s} {' '.join(v)}" for s, v in run["editions"].items())
        finished = run["finished"].replace("T", " ")[:19]
        line = (
            f"  {run['run']:32s} {finished:20s} {editions:26s} {' '.join(run['notebooks']):40s} "
            f"{parameters_in_words(run['parameters'])}"
        )
        print(printable(line))  # manifests are files anyone could have edited: no raw control characters
    write_index()  # the catalogue again: a run folder deleted by hand leaves it
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a parameter, typed as papermill types it (int, float, True/False, None, text)",
    )
    parser.add_argument(
        "-y",
        "--yaml-parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "YAML"),
        help="a parameter given as YAML, e.g. -y targets '[gdp_2pct, core_3_5pct]'",
    )
    parser.add_argument(
        "-f",
        "--file",
        action="append",
        metavar="PARAMS.yaml",
        help="a parameter set, e.g. params/hague_2032.yaml or just hague_2032",
    )
    parser.add_argument("--name", help="run name: the folder under reports/ (a prefix for sweep)")
    parser.add_argument("--show-code", action="store_true", help="keep the code in the HTML pages")
    parser.add_argument(
        "--engine",
        choices=("inprocess", "kernel"),
        default="inprocess",
        help="inprocess: warm IPython shells in worker processes (fast); kernel: a Jupyter kernel per notebook",
    )
    parser.add_argument("--workers", type=int, help="worker processes (default: the number of cores)")


def _wrapped(text: str) -> str:
    import textwrap

    return textwrap.fill(text, 88)


def add_report_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    described = {"formatter_class": argparse.RawDescriptionHelpFormatter}
    run = commands.add_parser(
        "run",
        help="run notebooks into a report folder under reports/",
        description=_wrapped(
            "Run one or more notebooks with your parameters into reports/NAME/: each notebook's HTML page, its "
            "tables (CSV) and figures (PNG, SVG), the executed notebook, and a manifest of inputs, parameters and "
            "versions. Every parameter is checked against the notebooks and the data before anything runs; a "
            "failed run leaves the previous report of that name as it was. A run from parameter files alone is "
            "named after them."
        ),
        epilog=(
            "examples:\n  natospend run 02 -p target_year 2032 -p core_target_pct 3.5\n"
            "  natospend run all -f default --name default\n  natospend run -f hague_2032"
        ),
        **described,
    )
    run.add_argument("notebook", nargs="*", help="notebook file name or stem (01_alliance_overview, 01), or all")
    run.add_argument("--quiet", action="store_true", help="no progress (it shows only on a terminal anyway)")
    _common(run)
    run.set_defaults(handler=_cmd_run)

    sweep = commands.add_parser(
        "sweep",
        help="one report per value of a parameter, in parallel",
        description=_wrapped(
            "Run one notebook once per value of one parameter, each into reports/NAME-VALUE/, on every core. "
            "country=all means every ally with armed forces, year=all every year of the edition. A failed value "
            "is reported and the others are kept; the catalogue groups the sweep's reports."
        ),
        epilog=(
            "examples:\n  natospend sweep 03 --over country=all\n"
            "  natospend sweep 02 --over target_year=2030,2032,2035 -p core_target_pct 3.5"
        ),
        **described,
    )
    sweep.add_argument("notebook", help="notebook file name or stem")
    sweep.add_argument("--over", required=True, metavar="NAME=VALUES", help="country=all, year=all, or NAME=v1,v2")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(sweep)
    sweep.set_defaults(handler=_cmd_sweep)

    listing = commands.add_parser(
        "list",
        help="the notebooks with their defaults, and the runs in reports/ with their parameters and data editions",
        description=_wrapped(
            "Show the data loaded (per source, the editions in data/processed/ and the newest release known), the "
            "notebooks with their default parameters, and the runs in reports/, newest first; the catalogue "
            "reports/index.html is written again, so runs deleted by hand leave it."
        ),
        epilog="examples:\n  natospend list\n  natospend list | grep hague",
        **described,
    )
    listing.set_defaults(handler=_cmd_list)
