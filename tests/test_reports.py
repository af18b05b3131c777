"""`natospend run / sweep / list`: report folders, manifest, offline HTML, atomicity, safety."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from natospend.paths import NOTEBOOKS_DIR, PROJECT_ROOT

pytestmark = pytest.mark.slow  # runs notebooks: `make test-fast` leaves these out

NOTEBOOK_01 = "01_alliance_overview"
HIGHLIGHTED_CALL = '<span class="n">check_revisions</span><span class="p">(</span>'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the project's data, notebooks and parameter sets (NATOSPEND_HOME)."""
    home = tmp_path / "home"
    for folder in ("data", "notebooks", "params"):
        shutil.copytree(PROJECT_ROOT / folder, home / folder)
    (home / "reports").mkdir()
    return home


def natospend(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NATOSPEND_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "natospend.cli", *args], capture_output=True, text=True, env=env, cwd=home
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def previous_report(folder: Path) -> None:
    """A report of that name from an earlier run (its content does not matter: only that it stays)."""
    (folder / "tables").mkdir(parents=True)
    (folder / "05_revisions.html").write_text("<html>an earlier report</html>")
    (folder / "tables/revisions.csv").write_text("country,year\nPOL,2024\n")
    (folder / "manifest.json").write_text("{}")


def add_cell(notebook: Path, source: str) -> None:
    document = json.loads(notebook.read_text())
    document["cells"].insert(
        5,
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "injected-failure",
            "metadata": {},
            "outputs": [],
            "source": source,
        },
    )
    notebook.write_text(json.dumps(document))


def test_a_run_is_complete_and_reproducible_under_a_kernel(default_run: Path) -> None:
    """A run's files, manifest and page, checked on the session's default run (every notebook) and on one
    run of the quickest notebook with `--engine kernel` (papermill's own engine, a real Jupyter kernel) and
    its default parameter given (`-p indicator ...`), on a pseudo-terminal: it shows the run's progress and the
    cell each notebook has reached, and writes byte for byte the tables, figures and summary, and stores the same
    cell outputs, as the default run's warm in-process shells in other processes.
    test_notebooks_in_a_kernel.py compares every notebook's kernel run with the default run."""
    stem = "05_revisions"
    home = default_run.parent.parent
    indicator = "defence_expenditure_share_gdp_pct"
    # on a pseudo-terminal, so the same run shows its progress as a user sees it: the run and each cell
    returncode, shown = _on_a_terminal(
        home, "run", stem, "--name", "kernel", "--engine", "kernel", "--show-code", "-p", "indicator", indicator
    )
    assert returncode == 0, shown
    assert "run kernel: 100%" in shown and "1/1" in shown and f"{stem} done" in shown and "report kernel:" in shown
    cells = re.findall(rf"{stem}: cell (\d+) of (\d+)", shown)  # the cells as they ran (refreshes may skip some)
    assert cells and {total for _, total in cells} == {str(_code_cells(stem) + 1)} and int(cells[-1][0]) > 1, shown
    kernel = home / "reports/kernel"
    names = {str(p.relative_to(kernel)) for p in kernel.rglob("*") if p.is_file()}
    assert {f"{stem}.ipynb", f"{stem}.html", "summary.json", "manifest.json", "tables/revisions.csv"} <= names
    shared = sorted(p for p in names if p.startswith(("tables/", "figures/")))
    assert len(shared) >= 10 and [p for p in shared if sha(default_run / p) != sha(kernel / p)] == []
    summary = json.loads((kernel / "summary.json").read_text())["notebooks"]
    assert summary == {stem: json.loads((default_run / "summary.json").read_text())["notebooks"][stem]}
    outputs = [
        [c.get("outputs") for c in nbformat.read(folder / f"{stem}.ipynb", as_version=4).cells]
        for folder in (default_run, kernel)
    ]
    assert outputs[0] == outputs[1]

    manifest = json.loads((kernel / "manifest.json").read_text())
    assert manifest["parameters"] == {"indicator": indicator} and manifest["engine"] == "kernel"
    assert manifest["notebooks"][0]["parameters"]["new_edition"] == "2026"
    assert manifest["notebooks"][0]["seconds_total"] > 0 and manifest["started"] <= manifest["finished"]
    for output in manifest["outputs"]:
        assert sha(kernel / output["path"]) == output["sha256"]
    assert {o["path"] for o in manifest["outputs"]} == names - {"manifest.json"}
    everything = json.loads((default_run / "manifest.json").read_text())
    assert everything["parameters"] == {} and len(everything["notebooks"]) == len(
        list((home / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    )
    assert everything["editions"] == {"imf": ["2025-10"], "nato": ["2024"], "sipri": ["2025", "2026"]}
    sources = {(s["source"], s["edition"]): s for s in everything["sources"]}
    assert set(sources) == {("imf", "2025-10"), ("nato", "2024"), ("sipri", "2025"), ("sipri", "2026")}
    assert sources["nato", "2024"]["sha256"].startswith("94f4de63")
    inputs = {i["path"]: i["sha256"] for i in everything["inputs"]}
    for name in ("nato/2024.csv", "sipri/2025.csv", "sipri/2026.csv", "imf/2025-10.csv"):
        assert inputs[f"data/processed/spending/{name}"] == sha(home / "data/processed/spending" / name)
    assert "data/reference/targets.yaml" in inputs
    assert everything["packages"]["pandas"] and everything["python"]
    assert "commit" in everything["code"] and "dirty" in everything["code"]

    assert HIGHLIGHTED_CALL in (kernel / f"{stem}.html").read_text()  # --show-code keeps the code
    page = (default_run / f"{NOTEBOOK_01}.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "no outside address"
    assert "cdnjs" not in page and "require.js" not in page and "mathjax" not in page.lower()
    assert '<span class="n">check_alliance_overview</span>' not in page  # code hidden by default
    assert "natospend-parameters" in page and "<td>2024 <span" in page  # parameters in words at the top
    assert "<td>2% of GDP on defence, 20% of defence expenditure on major equipment, 3.5% of GDP" in page
    assert "&#x27;gdp_2pct&#x27;" not in page and "[&#x27;" not in page  # not Python's repr of the list
    rerun = page[page.index('<details class="natospend-rerun">') :]
    assert "natospend run 01_alliance_overview --name default" in rerun  # closed, at the end: how to re-run it
    assert "The parameters are checked against the data first" in rerun
    assert page.index('<details class="natospend-rerun">') > page.rindex(
        "The shortfall since the start year"
    )  # at the end
    assert "injected-parameters" not in page
    assert page.count("data:image/png;base64,") >= 6
    for path in sorted(default_run.glob("*.html")):  # every page dated, the newer releases named
        text = path.read_text()
        assert "<b>Data as of</b>" in text and "Page built " in text, path.name
        if path.stem == "05_revisions":  # SIPRI's two releases
            assert "SIPRI Military Expenditure Database (1949-2024): edition 2025, released 28 April 2025" in text
            continue
        nato_line = "Defence Expenditure of NATO Countries (2014-2024), tables in Excel format: edition 2024, released"
        newer = "NATO has since published Defence Expenditure of NATO Countries (2014-2025) (28 August 2025) and"
        assert f"{nato_line} 17 June 2024" in text and newer in text, path.name


def test_failure_keeps_previous_report_and_the_failed_notebook(project: Path) -> None:
    notebook = "05_revisions"  # the quickest notebook; its first cells are laid out as every notebook's
    previous_report(project / "reports/keep")
    good = {p: sha(p) for p in (project / "reports/keep").rglob("*") if p.is_file()}
    add_cell(project / "notebooks" / f"{notebook}.ipynb", "raise RuntimeError('deliberate failure')")
    done = natospend(project, "run", notebook, "--name", "keep")
    assert done.returncode == 1
    assert (
        f"notebook {notebook} failed at cell 6 (In [4]: raise RuntimeError('deliberate failure')): "
        "RuntimeError: deliberate failure"
    ) in done.stderr
    kept = project / "reports/.failed/keep" / f"{notebook}.ipynb"
    assert kept.is_file() and str(kept) in done.stderr
    assert {p: sha(p) for p in (project / "reports/keep").rglob("*") if p.is_file()} == good
    assert not (project / "reports/.staging").exists() or not any((project / "reports/.staging").iterdir())


@pytest.mark.parametrize("name", ["../escape", "a/b", ".hidden", "..", "x" * 120, "bad name"])
def test_run_names_cannot_leave_reports(project: Path, name: str) -> None:
    done = natospend(project, "run", NOTEBOOK_01, "--name", name)
    assert done.returncode == 2 and "parameter '--name'" in done.stderr
    assert sorted(p.name for p in (project / "reports").iterdir()) == []
    assert not (project / "escape").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "yaer", "2020"], "unknown parameter 'yaer' (did you mean 'year'?)"),
        (["-p", "year", "2031"], "parameter 'year': 2031 is outside the edition; allowed: 2014-2024"),
        (["-p", "year", "twenty"], "parameter 'year': got str 'twenty', expected int or None"),
        (["-p", "output_dir", "/tmp/x"], "parameter 'output_dir': is set by `natospend run`"),
        (["-p", "edition", "__import__('os').system('touch pwned')"], "nato edition \"__import__('os')"),
    ],
)
def test_parameters_are_checked_before_running(project: Path, args: list[str], message: str) -> None:
    done = natospend(project, "run", NOTEBOOK_01, *args, "--name", "checked")
    assert done.returncode == 2 and message in done.stderr
    assert not (project / "reports/checked").exists() and not (project / "pwned").exists()


def test_injected_text_stays_a_value(tmp_path: Path) -> None:
    """papermill writes parameters as literals: code-like text is assigned, never run."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(PROJECT_ROOT / "notebooks" / f"{NOTEBOOK_01}.ipynb", as_version=4)
    marker = tmp_path / "pwned"
    evil = f"x'); open({str(marker)!r}, 'w'); ('\n\"\"\"; import os; os.system('touch {marker}')"
    injected = parameterize_notebook(nb, {"edition": evil})
    cell = next(c for c in injected.cells if "injected-parameters" in c.metadata.get("tags", []))
    namespace: dict[str, object] = {}
    exec(cell.source, namespace)  # what the kernel does with the injected cell
    assert namespace["edition"] == evil and not marker.exists()


def test_sweep_isolates_failures_and_lists_runs(project: Path) -> None:
    notebook = "05_revisions"  # the quickest notebook, swept over three indicators
    add_cell(
        project / "notebooks" / f"{notebook}.ipynb",
        "assert indicator != 'defence_expenditure_usd_m', 'no reports in dollars'",
    )
    done = natospend(
        project,
        "sweep",
        notebook,
        "--over",
        "indicator=defence_expenditure_share_gdp_pct,defence_expenditure_usd_m,defence_expenditure_share_government_pct",
        "--name",
        "ind",
        "--quiet",
    )
    assert done.returncode == 1
    assert "2 of 3 reports written" in done.stdout
    assert (
        "run 'ind-defence_expenditure_usd_m': notebook 05_revisions failed at cell 6 (In [4]: assert indicator != "
        "'defence_expenditure_usd_m'" in done.stderr
    )
    assert "AssertionError: no reports in dollars" in done.stderr
    ok = project / "reports/ind-defence_expenditure_share_gdp_pct"
    assert (ok / "summary.json").is_file() and (
        project / "reports/ind-defence_expenditure_share_government_pct"
    ).is_dir()
    assert not (project / "reports/ind-defence_expenditure_usd_m").exists()
    listing = natospend(project, "list")
    assert listing.returncode == 0
    run_line = next(line for line in listing.stdout.splitlines() if line.strip().startswith(ok.name))
    assert (
        "indicator: defence expenditure as a share of GDP" in run_line
    )  # the run's own parameters, as pages word them
    assert "05_revisions" in listing.stdout.split("runs in reports/")[0]  # the notebooks come first
    header = listing.stdout.split("runs in reports/ (newest first):\n")[1].splitlines()[0].split()
    assert header[:3] == ["run", "finished", "(UTC)"] and "parameters" in header
    index = (project / "reports/index.html").read_text()
    assert f'href="{ok.name}/05_revisions.html">Revisions' in index and "SIPRI 2025 and 2026" in index
    assert "Sweep ind: one report per indicator (2)" in index  # the sweep's runs grouped
    assert '<meta name="viewport"' in index and 'id="filter"' in index
    shutil.rmtree(ok)
    assert natospend(project, "list").returncode == 0  # list re-writes the catalogue: the deleted run is gone
    assert ok.name not in (project / "reports/index.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", index)


def test_param_files(project: Path) -> None:
    from natospend.reports.commands import _parameters
    from natospend.reports.runner import plan_run, resolve_notebooks

    class Args:  # what `natospend run -f retrospective_2pct_20pct` parses
        file, parameter, yaml_parameter = ["retrospective_2pct_20pct"], None, None

    values, per_notebook, notebooks = _parameters(Args())  # type: ignore[arg-type]
    plan = plan_run(resolve_notebooks(notebooks), values, per_notebook, name="retro")
    assert [p.notebook.stem for p in plan.notebooks] == [NOTEBOOK_01]
    assert plan.notebooks[0].resolved["targets"] == ["gdp_2pct", "equipment_20pct"]
    assert plan.notebooks[0].resolved["year"] == 2024
    missing = natospend(project, "run", "-f", "nope")
    assert (
        missing.returncode == 2 and "no parameter file 'nope'" in missing.stderr and "hague_2032.yaml" in missing.stderr
    )


def _on_a_terminal(home: Path, *args: str) -> tuple[int, str]:
    """Run natospend with a pseudo-terminal (100 columns) as stdout and stderr; returns its exit status and
    what it showed."""
    import fcntl
    import pty
    import struct
    import termios

    main, replica = pty.openpty()
    fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "NATOSPEND_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "natospend.cli", *args], stdout=replica, stderr=replica, env=env, cwd=home
    )
    os.close(replica)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    returncode = process.wait()
    os.close(main)
    return returncode, shown.decode(errors="replace")


def _code_cells(stem: str) -> int:
    """Code cells of a notebook as written (papermill adds one, its injected parameters)."""
    nb = json.loads((NOTEBOOKS_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return sum(cell["cell_type"] == "code" for cell in nb["cells"])


@pytest.mark.parametrize("engine", ["inprocess", "kernel"])
def test_each_engine_reports_its_code_cells(tmp_path: Path, engine: str) -> None:
    import nbformat

    from natospend.reports.execution import execute

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# a"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("x"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = tmp_path / "tiny.ipynb"
    nbformat.write(nb, source)
    seen: list[tuple[int, int]] = []
    execute(source, tmp_path / "out.ipynb", engine=engine, on_cell=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


@pytest.mark.parametrize(
    ("terminal", "quiet", "bar"), [(True, False, True), (True, True, False), (False, False, False)]
)
def test_the_progress_bar_only_on_a_terminal_and_not_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], terminal: bool, quiet: bool, bar: bool
) -> None:
    """`run`'s bar, decided in process (the notebooks' runs are stood in for: the real one is above)."""
    from natospend.cli import main
    from natospend.reports import runner

    def stand_in(
        plans: list[Any], workers: Any = None, progress: Any = None, on_notebook: Any = None, on_cell: Any = None
    ) -> list[Any]:
        assert (on_cell is not None) is bar  # cells are reported only to a bar that shows
        for nb in plans[0].notebooks:
            on_notebook(nb.path.stem)
        return [runner.RunResult(plans[0].name, True, Path("reports") / plans[0].name, [])]

    monkeypatch.setattr(runner, "execute_plans", stand_in)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    assert main(["run", "05", "--name", "bar", *(["--quiet"] if quiet else [])]) == 0
    captured = capsys.readouterr()
    assert ("run bar:" in captured.err and "0/1" in captured.err) is bar, captured.err
    assert captured.out.startswith("report bar:")


def test_a_quantity_on_two_pages_has_one_value(default_run: Path) -> None:
    """The default pages share numbers: the same value wherever it appears (computed once, by one function).
    The United Kingdom's pathway on its profile (03) and in the pathways table (02); its share of GDP on the
    overview (01) and the profile; the allies at 2% in 2024 on the overview (01), on NATO against SIPRI (04)
    and, for SIPRI's figures, on 04 and in the revisions page's count for the new edition (05)."""
    import csv

    summary = json.loads((default_run / "summary.json").read_text())["notebooks"]

    def rows(table: str, key: str) -> dict[str, dict[str, str]]:
        with (default_run / "tables" / f"{table}.csv").open(encoding="utf-8") as handle:
            return {row[key]: row for row in csv.DictReader(handle)}

    profile, pathways = summary["03_country_profile"], rows("pathways", "country")["GBR"]
    for name in ("required_real_growth_pct", "trend_real_growth_pct", "gap_pp", "extra_spending_usd_m_current"):
        assert float(pathways[name]) == profile[name], name  # full precision, both ways
    assert int(pathways["year_target_reached_at_trend"]) == profile["year_target_reached_at_trend"]
    assert float(rows("target_status", "country")["GBR"]["share_gdp_pct"]) == profile["share_gdp_pct"]

    overview, comparison = summary["01_alliance_overview"], summary["04_nato_vs_sipri_and_russia"]
    assert overview["year"] == comparison["year"] == 2024
    assert overview["allies_meeting"]["gdp_2pct"] == comparison["allies_at_2pct_nato"] == 23
    by_definition = rows("allies_at_2pct_by_definition", "year")["2024"]
    assert int(by_definition["allies_at_2pct_nato"]) == 23
    by_edition = rows("allies_at_2pct_by_edition", "year")["2024"]
    assert by_edition["new_edition"] == comparison["sipri_edition"] == "2026"
    assert (
        int(by_edition["at_threshold_new"])
        == int(by_definition["allies_at_2pct_sipri"])
        == comparison["allies_at_2pct_sipri"]
    )
