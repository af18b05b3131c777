"""Country profiles and NATO against SIPRI / Russia: functions on the committed data, and the notebooks."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from natospend import load_spending
from natospend.analysis.comparison import allies_at_threshold_by_definition, nato_vs_sipri, russia_comparison
from natospend.analysis.profile import first_year_of_unbroken_run, profile_table, ranks_by_year
from natospend.data.reference import allies_with_armed_forces
from natospend.data.series import nato_table
from natospend.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return nato_table(load_spending("nato", "2024"))


@pytest.fixture(scope="module")
def sipri() -> pd.DataFrame:
    return load_spending("sipri", "2025")


def test_ranks(table: pd.DataFrame) -> None:
    ranks = ranks_by_year(table).set_index(["country", "year"])
    assert ranks.loc[("POL", 2024), "rank_share_gdp"] == 1  # 4.12%, the highest in 2024
    assert ranks.loc[("USA", 2014), "rank_share_gdp"] == 1
    # ranked among the members at the end of each year
    assert ranks.groupby("year")["allies_ranked"].first().to_dict() == {
        2014: 27,
        2015: 27,
        2016: 27,
        2017: 28,
        2018: 28,
        2019: 28,
        2020: 29,
        2021: 29,
        2022: 29,
        2023: 30,
        2024: 31,
    }
    assert ("FIN", 2022) not in ranks.index and ranks.loc[("FIN", 2023), "allies_ranked"] == 30


def test_profile_table_marks_years_before_accession(table: pd.DataFrame, sipri: pd.DataFrame) -> None:
    finland = profile_table(table, sipri, "FIN").set_index("year")
    assert not finland.loc[2022, "member"] and finland.loc[2023, "member"]  # joined 4 April 2023
    sweden = profile_table(table, sipri, "SWE").set_index("year")
    assert not sweden.loc[2023, "member"] and sweden.loc[2024, "member"]
    assert profile_table(table, sipri, "GBR")["member"].all()
    uk = profile_table(table, sipri, "GBR").set_index("year")
    assert uk.loc[2024, "share_gdp_pct"] == table.set_index(["country", "year"]).loc[("GBR", 2024), "share_gdp_pct"]
    sipri_uk = sipri[
        (sipri["country"] == "GBR")
        & (sipri["year"] == 2024)
        & (sipri["indicator"] == "defence_expenditure_share_gdp_pct")
    ]["value"].iloc[0]
    assert uk.loc[2024, "sipri_share_gdp_pct"] == sipri_uk


def test_first_year_of_unbroken_run() -> None:
    frame = pd.DataFrame({"year": [2019, 2020, 2021, 2022, 2023], "share_gdp_pct": [2.1, 1.9, 2.0, 2.3, 2.5]})
    assert first_year_of_unbroken_run(frame, 2.0) == 2021
    assert first_year_of_unbroken_run(frame, 3.0) is None
    assert first_year_of_unbroken_run(frame.assign(share_gdp_pct=2.2), 2.0) == 2019


def test_nato_vs_sipri(table: pd.DataFrame, sipri: pd.DataFrame) -> None:
    compared = nato_vs_sipri(table, sipri)
    assert list(compared.columns[:6]) == [
        "country",
        "country_name",
        "year",
        "nato_share_gdp_pct",
        "sipri_share_gdp_pct",
        "difference_pp",
    ]
    row = compared.set_index(["country", "year"]).loc[("DEU", 2024)]
    assert row["difference_pp"] == pytest.approx(row["nato_share_gdp_pct"] - row["sipri_share_gdp_pct"])
    assert compared["country"].nunique() == 31
    counts = allies_at_threshold_by_definition(compared).set_index("year")
    assert counts.loc[2024, "allies_at_2pct_nato"] == 23
    assert counts.loc[2024, "allies_at_2pct_sipri"] == int(
        (compared[compared["year"] == 2024]["sipri_share_gdp_pct"] >= 2).sum()
    )


def test_russia_comparison(sipri: pd.DataFrame) -> None:
    russia = russia_comparison(sipri).set_index("year")
    assert russia.index.min() == 1992 and russia.index.max() == 2024
    rus = sipri[
        (sipri["country"] == "RUS")
        & (sipri["year"] == 2024)
        & (sipri["indicator"] == "defence_expenditure_usd_m")
        & (sipri["price_basis"] == "constant-2023")
    ]["value"].iloc[0]
    assert russia.loc[2024, "russia_usd_m_constant"] == rus
    assert russia.loc[2024, "european_allies_reporting"] == 29  # Iceland, with no armed forces, is not counted
    assert russia.loc[2024, "european_allies_to_russia_ratio"] == pytest.approx(
        russia.loc[2024, "european_allies_usd_m_constant"] / rus
    )
    assert russia.loc[2024, "russia_share_gdp_pct"] == pytest.approx(7.052338645003664)
    assert 2 < russia.loc[2024, "european_allies_to_russia_ratio"] < 5


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for folder in ("data", "notebooks", "params"):
        shutil.copytree(PROJECT_ROOT / folder, home / folder)
    return home


def _natospend(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "natospend.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NATOSPEND_HOME": str(home)},
    )


PROFILE_FIGURES = (
    "share_of_gdp",
    "rank",
    "spending",
    "categories",
    "per_capita_and_personnel",
    "nato_and_sipri",
    "pathway",
)


def _build_profiles(countries: list[str], folder: str) -> dict[str, dict]:  # type: ignore[type-arg]
    """Run notebook 03 for each ally in this process (papermill's in-process engine, as a warm worker does).

    Its figures are drawn and recorded, neither laid out nor rendered to PNG and SVG: layout and saving are
    what the real sweep and the default run test; here every ally's analysis and figures must be made."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from natospend.paths import NOTEBOOKS_DIR
    from natospend.reports.execution import execute
    from natospend.reports.page import ReportFolder

    drawn: list[str] = []

    def lay_out(self: ReportFolder, fig: Any, name: str) -> None:
        if fig.axes and any(ax.has_data() for ax in fig.axes):
            drawn.append(name)
        plt.close(fig)

    ReportFolder.figure = lay_out  # type: ignore[method-assign]  # this worker process only
    # Nor are they laid out: matplotlib's tight layout was 60% of this test's time, and the layout of each
    # figure is checked on the pages of the default run and the real sweep, not here.
    Figure.tight_layout = lambda self, **kwargs: None  # type: ignore[method-assign]
    found = {}
    for iso3 in countries:
        out = Path(folder) / iso3
        out.mkdir(parents=True)
        drawn.clear()
        nb = execute(
            NOTEBOOKS_DIR / "03_country_profile.ipynb",
            out / "03_country_profile.ipynb",
            {"country": iso3, "output_dir": str(out)},
            cwd=out,
            engine="inprocess",
        )
        markdown = [
            o["data"]["text/markdown"]
            for c in nb.cells
            for o in c.get("outputs", [])
            if "text/markdown" in o.get("data", {})
        ]
        summary = json.loads((out / "summary.json").read_text())
        prefix = f"{iso3.lower()}_"
        figures = sorted(name[len(prefix) :] for name in drawn)
        found[iso3] = {"summary": summary, "headline": markdown[0], "figures": figures, "name": summary["country_name"]}
    return found


@pytest.mark.slow
def test_every_allys_profile_builds_in_process(tmp_path: Path) -> None:
    """Every ally's profile builds (no 31 HTML renders), on both cores."""
    from concurrent.futures import ProcessPoolExecutor

    countries = allies_with_armed_forces()
    with ProcessPoolExecutor(max_workers=2) as pool:
        halves = pool.map(_build_profiles, [countries[0::2], countries[1::2]], [str(tmp_path)] * 2)
    built = {k: v for half in halves for k, v in half.items()}
    assert set(built) == set(countries)
    for iso3, result in built.items():
        summary = result["summary"]
        assert summary["country"] == iso3
        assert summary["year"] == 2024 and 0 < summary["share_gdp_pct"] < 10, iso3
        assert result["name"] in result["headline"]
        assert result["figures"] == sorted(PROFILE_FIGURES), iso3
    with (tmp_path / "MKD/tables/country_profile.csv").open() as handle:
        rows = {int(r["year"]): r for r in csv.DictReader(handle)}
    assert rows[2019]["member"] == "False" and rows[2020]["member"] == "True"  # joined 27 March 2020
    assert (rows[2020]["edition"], rows[2020]["sipri_edition"]) == ("2024", "2026")  # SIPRI's latest by default


@pytest.mark.slow
def test_a_real_sweep_over_three_allies(tmp_path: Path) -> None:
    home = _home(tmp_path)
    iceland = _natospend(home, "sweep", "03_country_profile", "--over", "country=MKD,Iceland", "--quiet")
    assert iceland.returncode == 2 and "Iceland has no armed forces" in iceland.stderr  # as `run` refuses it
    assert not (home / "reports/03_country_profile-MKD").exists()  # checked before anything runs
    done = _natospend(home, "sweep", "03_country_profile", "--over", "country=MKD,Turkey", "--quiet")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 of 2 reports written" in done.stdout
    for iso3 in ("MKD", "TUR"):
        folder = home / "reports" / f"03_country_profile-{iso3}"
        summary = json.loads((folder / "summary.json").read_text())["notebooks"]["03_country_profile"]
        assert summary["country"] == iso3
        page = (folder / "03_country_profile.html").read_text()
        images = re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,', page)
        assert len(images) == 7 and all(alt != "Figure" for alt in images), iso3


@pytest.mark.slow
def test_unknown_country_lists_the_codes(tmp_path: Path) -> None:
    done = _natospend(_home(tmp_path), "run", "03_country_profile", "-p", "country", "Austria")
    assert done.returncode == 2
    assert "parameter 'country': 'Austria' is not an ally; allowed: ALB, BEL" in done.stderr and "USA" in done.stderr


@pytest.mark.slow
def test_comparison_notebook_tables(default_run: Path) -> None:
    with (default_run / "tables/nato_vs_sipri.csv").open() as handle:
        header = next(csv.reader(handle))
    assert header[:6] == [
        "country",
        "country_name",
        "year",
        "nato_share_gdp_pct",
        "sipri_share_gdp_pct",
        "difference_pp",
    ]
    assert header[-3:] == ["nato_edition", "sipri_edition", "imf_edition"]
    russia = pd.read_csv(default_run / "tables/russia_comparison.csv")
    assert {"russia_usd_m_constant", "european_allies_to_russia_ratio", "russia_share_gdp_pct"} <= set(russia.columns)
    summary = json.loads((default_run / "summary.json").read_text())["notebooks"]["04_nato_vs_sipri_and_russia"]
    assert summary["year"] == 2024 and summary["exchange_rates"] == "market"  # the latest both sources cover
    # summary.json states the median the page states: over the allies ranked, Luxembourg (a break) left apart
    assert summary["left_out_of_median_after_a_break"] == ["LUX"]
    page = (default_run / "04_nato_vs_sipri_and_russia.html").read_text()
    assert "purchasing-power" in page and "paramilitary" in page
    assert f"the median difference is {summary['median_difference_pp']:+.2f}" in page
