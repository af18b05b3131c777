"""Adding a notebook is one .ipynb: in a throwaway project, a new notebook that uses only the package's
existing functions is listed, checked, run and rendered with no list edited anywhere."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from natospend.paths import PROJECT_ROOT
from test_browser import _chromium
from test_reports import natospend

STEM = "06_at_two_percent"
CHECK = """\
from natospend.data import parameter_checks as checks

edition = checks.resolve_edition("nato", "edition", edition)
params = checks.checked(
    {
        "edition": edition,
        "year": checks.year_among("year", year, checks.nato_years(edition)),
        "output_dir": checks.check_output_dir("output_dir", output_dir),
    },
    {"edition": "nato"},
)"""
ANALYSIS = """\
nato = load_spending("nato", edition)
status = target_status(nato_table(nato), params["year"], [load_targets()["gdp_2pct"]])
report = ReportFolder("06_at_two_percent", params)
report.table(status, "at_two_percent")"""


def _minimal_notebook(home: Path) -> Path:
    cells = [
        nbformat.v4.new_markdown_cell("# Allies at 2% of GDP in one year"),
        nbformat.v4.new_code_cell(
            "from natospend.analysis.status import target_status\n"
            "from natospend.data.dataset import load_spending\n"
            "from natospend.data.series import nato_table\n"
            "from natospend.data.targets import load_targets\n"
            "from natospend.figures.captions import caption, source_sentence\n"
            "from natospend.figures.target_status_charts import ranked_share_bars\n"
            "from natospend.reports.page import ReportFolder, setup_notebook\n\n"
            "setup_notebook()"
        ),
        nbformat.v4.new_code_cell(
            'edition = None  # NATO edition, e.g. "2024"; None: the latest\n'
            "year = None  # the year; None: the edition's latest\n"
            "output_dir = None  # where tables/, figures/ and summary.json go"
        ),
        nbformat.v4.new_code_cell(CHECK),
        nbformat.v4.new_code_cell(ANALYSIS),
        nbformat.v4.new_code_cell(
            'report.figure(ranked_share_bars(status, params["year"], [2.0], caption(source_sentence("nato", edition))), "ranked")'
        ),
        nbformat.v4.new_code_cell(
            'report.summary({"title": f"Allies at 2% of GDP in {params[\'year\']}"})\nreport.files()'
        ),
    ]
    cells[2].metadata["tags"] = ["parameters"]
    cells[3].metadata["tags"] = ["check-parameters"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    path = home / "notebooks" / f"{STEM}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy with one notebook added, run once with a parameter (once for this module's tests)."""
    home = tmp_path_factory.mktemp("added") / "home"
    for folder in ("data", "notebooks", "params"):
        shutil.copytree(PROJECT_ROOT / folder, home / folder)
    (home / "reports").mkdir()
    _minimal_notebook(home)
    done = natospend(home, "run", "06", "-p", "year", "2019", "--name", "added")
    assert done.returncode == 0, done.stderr[-3000:]
    return home


@pytest.mark.slow
def test_a_new_notebook_is_listed_checked_and_run(added: Path) -> None:
    listing = natospend(added, "list")
    assert listing.returncode == 0 and STEM in listing.stdout and "Allies at 2% of GDP in one year" in listing.stdout
    folder = added / "reports/added"
    summary = json.loads((folder / "summary.json").read_text())["notebooks"][STEM]
    assert summary["parameters"] == {"edition": "2024", "year": 2019}
    assert (folder / "tables/at_two_percent.csv").read_text().splitlines()[1].count("2019")
    assert (folder / "figures/ranked.png").stat().st_size > 10_000
    assert "Allies at 2% of GDP in 2019" in (folder / f"{STEM}.html").read_text()
    wrong = natospend(added, "run", "06", "-p", "yeer", "2019")
    assert wrong.returncode == 2 and "unknown parameter 'yeer' (did you mean 'year'?)" in wrong.stderr
    late = natospend(added, "run", "06", "-p", "year", "2030")
    assert late.returncode == 2 and "parameter 'year': 2030 is outside the edition" in late.stderr


@pytest.mark.browser
@pytest.mark.slow
def test_a_new_notebooks_page_renders_offline(added: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    page = added / "reports/added" / f"{STEM}.html"
    check = subprocess.run(
        [
            "unshare",
            "-n",
            sys.executable,
            str(Path(__file__).parent / "browser_check.py"),
            chromium,
            str(page),
            str(tmp_path / "shot.png"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    seen = json.loads(check.stdout)[0]
    assert seen["requests"] == [seen["url"]] and seen["failed"] == []
    assert len(seen["images"]) == 1 and all(i["complete"] and i["scheme"] == "data" for i in seen["images"])
    assert seen["h1"] == ["Allies at 2% of GDP in 2019"] and seen["pdf_pages"] >= 1
