"""The notebooks as a JupyterLab user runs them: run all, edit a parameter, run all again in the same
kernel, run a cell twice, add a scratch cell; each gives the tables a fresh papermill run gives."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from natospend.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from natospend.reports.execution import execute
from natospend.reports.notebook_parameters import CHECK_TAG, PARAMETERS_TAG, notebooks
from test_papermill_runs import OVERVIEW_TARGETS, check_overview_2021, check_pathways_2032

# What each notebook's reader changes, and the output file that shows its effect. 01 and 02 take the
# values whose published results test_papermill_runs.py's checks find in the run.
EDITS: dict[str, tuple[dict[str, object], str]] = {
    "01_alliance_overview": ({"year": 2021, "targets": OVERVIEW_TARGETS}, "tables/target_status.csv"),
    "02_pathways": ({"target_year": 2032, "gdp_path": 1.5}, "tables/pathways.csv"),
    "03_country_profile": ({"country": "POL"}, "tables/country_profile.csv"),
    "04_nato_vs_sipri_and_russia": ({"year": 2020}, "summary.json"),  # its tables hold every year
    "05_revisions": ({"indicator": "defence_expenditure_usd_m"}, "tables/revisions.csv"),
}
CONTENT_CHECKS = {"01_alliance_overview": check_overview_2021, "02_pathways": check_pathways_2032}


def _set_parameters(nb: nbformat.NotebookNode, values: dict[str, object], output_dir: Path) -> None:
    """Edit the parameters cell's source as a user would: the given values, and output_dir."""
    cell = next(c for c in nb.cells if PARAMETERS_TAG in c.metadata.get("tags", []))
    values = {**values, "output_dir": str(output_dir)}
    lines = []
    for line in cell.source.splitlines():
        target = line.split("=", 1)[0].strip()
        if target in values:
            line = f"{target} = {values[target]!r}  # edited"
        lines.append(line)
    cell.source = "\n".join(lines)


def _run_all(client: NotebookClient, nb: nbformat.NotebookNode, twice: int | None = None) -> None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)
            if index == twice:
                client.execute_cell(cell, index)


def _written(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("stem", list(EDITS))
def test_edit_and_rerun_in_one_kernel(stem: str, tmp_path: Path, default_run: Path) -> None:
    """One notebook in one real kernel, as a JupyterLab user works: set some parameters in the cell and run
    all; then put the defaults back, add a scratch cell before the check, and run all again, the check cell
    twice. The re-run writes byte for byte the tables, figures and summary of a fresh run with the defaults
    (the session's default run, in other processes), and the first run's output differs from them."""
    values, output = EDITS[stem]
    nb = copy.deepcopy(nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4))
    pristine = copy.deepcopy(nb.cells)
    client = NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}
    )
    with client.setup_kernel():
        _set_parameters(nb, values, tmp_path / "edited")
        _run_all(client, nb)
        nb.cells = copy.deepcopy(pristine)  # the defaults back, as the notebook ships
        _set_parameters(nb, {}, tmp_path / "defaults")
        check = next(i for i, c in enumerate(nb.cells) if CHECK_TAG in c.metadata.get("tags", []))
        nb.cells.insert(check, nbformat.v4.new_code_cell("base = 2024  # a scratch variable"))
        _run_all(client, nb, twice=check + 1)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors == [], f"{stem}: {errors[:1]}"

    defaults = _written(tmp_path / "defaults")
    summary = json.loads(defaults.pop("summary.json"))
    assert len(defaults) >= 4 and defaults == {p: (default_run / p).read_bytes() for p in defaults}
    assert summary == json.loads((default_run / "summary.json").read_text())["notebooks"][stem]
    edited = tmp_path / "edited" / output
    if output == "summary.json":  # the default run's summary.json holds every notebook's
        assert json.loads(edited.read_text()) != summary, f"{stem}: the edit had no effect"
    else:
        assert edited.read_bytes() != (default_run / output).read_bytes(), f"{stem}: the edit had no effect"
    if stem in CONTENT_CHECKS:
        CONTENT_CHECKS[stem](tmp_path / "edited")


@pytest.mark.slow
def test_pages_02_and_03_give_one_pathway_for_an_ally(default_run: Path) -> None:
    """The same ally, target, deadline and GDP path give the same required growth and year reached on the
    pathways page (02) and the ally's profile (03) of the default run: one function, one GDP path."""
    import csv

    with (default_run / "tables/pathways.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["country"] == "GBR")
    summaries = json.loads((default_run / "summary.json").read_text())["notebooks"]
    profile, pathways = summaries["03_country_profile"], summaries["02_pathways"]
    assert profile["country"] == "GBR"
    assert float(row["required_real_growth_pct"]) == profile["required_real_growth_pct"]
    assert int(row["year_target_reached_at_trend"]) == profile["year_target_reached_at_trend"]
    assert float(row["gdp_growth_pct"]) == profile["gdp_growth_pct"]
    assert profile["gdp_path_words"] == pathways["gdp_path_words"]
    assert profile["gdp_path_words"] in (default_run / "03_country_profile.html").read_text()


def test_a_misspelt_name_through_plain_papermill_fails_with_a_hint(tmp_path: Path) -> None:
    import papermill

    with pytest.raises(
        papermill.PapermillExecutionError, match=r"unknown parameter 'targt_year' \(did you mean 'target_year'\?\)"
    ):
        execute(
            NOTEBOOKS_DIR / "02_pathways.ipynb",
            tmp_path / "out.ipynb",
            {"targt_year": 2032, "output_dir": str(tmp_path)},
            cwd=tmp_path,
            engine="inprocess",
        )


# ---- layers: data -> analysis -> figures -> text -> reports -> cli, no upward import, no cycle --------

LAYERS = {
    "errors": 0,
    "paths": 0,
    "formatting": 0,
    "ingest": 1,
    "data": 1,
    "analysis": 2,
    "figures": 3,
    "text": 4,
    "reports": 5,
    "update": 5,  # natospend update: fetch, ingest, then compare editions (analysis and text)
    "cli": 6,
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("natospend"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("natospend"))
    return found


def _module_graph() -> dict[str, set[str]]:
    package = PROJECT_ROOT / "src" / "natospend"
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        modules[".".join(p for p in parts if p != "__init__")] = path
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_import_goes_up_a_layer_or_round_a_cycle() -> None:
    graph = _module_graph()

    def layer(module: str) -> int:
        parts = module.split(".")
        return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0

    upward = [(a, b) for a, targets in graph.items() for b in targets if layer(b) > layer(a) and a != "natospend"]
    assert upward == []
    seen: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        seen[node] = 1
        for nxt in graph[node]:
            assert seen.get(nxt) != 1, "import cycle: " + " -> ".join([*stack, node, nxt])
            if nxt not in seen:
                visit(nxt, [*stack, node])
        seen[node] = 2

    for node in graph:
        if node not in seen:
            visit(node, [])


def test_no_two_modules_share_a_name() -> None:
    names = [p.stem for p in (PROJECT_ROOT / "src" / "natospend").rglob("*.py") if p.stem != "__init__"]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_every_notebook_file_is_found_without_a_list() -> None:
    assert list(notebooks()) == sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
