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
from natospend.reports.notebook_parameters import PARAMETERS_TAG, notebooks

# One parameter each notebook's reader might change, and the output file that shows its effect
EDITS = {
    "01_alliance_overview": ("year", 2019, "tables/target_status.csv"),
    "02_pathways": ("target_year", 2032, "tables/pathways.csv"),
    "03_country_profile": ("country", "POL", "tables/country_profile.csv"),
    "04_nato_vs_sipri_and_russia": ("year", 2020, "summary.json"),  # its tables hold every year
    "05_revisions": ("indicator", "defence_expenditure_usd_m", "tables/revisions.csv"),
}


def _set_parameter(nb: nbformat.NotebookNode, name: str, value: object, output_dir: Path) -> None:
    """Edit the parameters cell's source as a user would: the value of `name`, and output_dir."""
    cell = next(c for c in nb.cells if PARAMETERS_TAG in c.metadata.get("tags", []))
    lines = []
    for line in cell.source.splitlines():
        target = line.split("=", 1)[0].strip()
        if target == name:
            line = f"{name} = {value!r}  # edited"
        elif target == "output_dir":
            line = f"output_dir = {str(output_dir)!r}  # edited"
        lines.append(line)
    cell.source = "\n".join(lines)


def _run_cell(client: NotebookClient, nb: nbformat.NotebookNode, index: int) -> None:
    client.execute_cell(nb.cells[index], index)


@pytest.mark.slow
def test_edit_and_rerun_in_one_kernel_gives_a_fresh_runs_tables(tmp_path: Path) -> None:
    """For every notebook, in one real kernel: run all with the defaults; edit a parameter in the cell and
    run all again; run the cell after the parameters twice; add a scratch cell before it. The edited run's
    main table equals a fresh papermill run of that value, byte for byte."""
    for stem, (name, value, table) in EDITS.items():
        source = nbformat.read(NOTEBOOKS_DIR / f"{stem}.ipynb", as_version=4)
        nb = copy.deepcopy(source)
        client = NotebookClient(
            nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}
        )
        with client.setup_kernel():
            _set_parameter(nb, "__none__", None, tmp_path / stem / "defaults")
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    _run_cell(client, nb, index)
            edited = tmp_path / stem / "edited"
            _set_parameter(nb, name, value, edited)
            # a scratch cell before the check, as a user adds one
            check = next(i for i, c in enumerate(nb.cells) if "check-parameters" in c.metadata.get("tags", []))
            nb.cells.insert(check, nbformat.v4.new_code_cell("base = 2024  # a scratch variable"))
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    _run_cell(client, nb, index)
                    if index == check + 1:  # the check cell, run twice
                        _run_cell(client, nb, index)
            errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
            assert errors == [], f"{stem}: {errors[:1]}"
        fresh = tmp_path / stem / "fresh"
        fresh.mkdir(parents=True)
        execute(
            NOTEBOOKS_DIR / f"{stem}.ipynb",
            fresh / f"{stem}.ipynb",
            {name: value, "output_dir": str(fresh)},
            cwd=fresh,
            engine="inprocess",
        )
        got = (edited / table).read_bytes()
        assert got == (fresh / table).read_bytes(), stem
        assert got != (tmp_path / stem / "defaults" / table).read_bytes(), f"{stem}: edit had no effect"


def test_pages_02_and_03_give_one_pathway_for_an_ally(tmp_path: Path) -> None:
    """The same ally, target, deadline and GDP path give the same required growth and year reached on the
    pathways page (02) and the ally's profile (03): one function, one GDP path."""
    runs = {}
    for stem, given in (("02_pathways", {}), ("03_country_profile", {"country": "GBR"})):
        out = tmp_path / stem
        out.mkdir()
        execute(
            NOTEBOOKS_DIR / f"{stem}.ipynb",
            out / f"{stem}.ipynb",
            {**given, "output_dir": str(out)},
            cwd=out,
            engine="inprocess",
        )
        runs[stem] = json.loads((out / "summary.json").read_text())
    import csv

    with (tmp_path / "02_pathways/tables/pathways.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["country"] == "GBR")
    profile = runs["03_country_profile"]
    assert float(row["required_real_growth_pct"]) == profile["required_real_growth_pct"]
    assert int(row["year_target_reached_at_trend"]) == profile["year_target_reached_at_trend"]
    assert profile["gdp_path_words"] == runs["02_pathways"]["gdp_path_words"]
    assert profile["gdp_path_words"] in (tmp_path / "03_country_profile/03_country_profile.ipynb").read_text()


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
