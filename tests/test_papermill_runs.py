"""The notebooks run under papermill's own command line, as papermill users expect."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from natospend.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow  # runs notebooks: `make test-fast` leaves these out

TARGET_STATUS_COLUMNS = {
    "country",
    "country_name",
    "year",
    "share_gdp_pct",
    "equipment_share_pct",
    "estimate",
    "meets_gdp_2pct",
    "gap_gdp_2pct_pp",
    "meets_equipment_20pct",
    "gap_equipment_20pct_pp",
}
PATHWAYS_COLUMNS = [
    "country",
    "country_name",
    "base_year",
    "base_share_pct",
    "target_pct",
    "target_year",
    "gdp_growth_pct",
    "trend_real_growth_pct",
    "required_real_growth_pct",
    "year_target_reached_at_trend",
    "gap_pp",
    "extra_spending_usd_m_constant",
]


def papermill(notebook: str, out: Path, *params: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "papermill", str(NOTEBOOKS_DIR / notebook), str(out), "--no-progress-bar", *params]
    return subprocess.run(command, capture_output=True, text=True, cwd=out.parent)


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


OVERVIEW_TARGETS = ["gdp_2pct", "equipment_20pct", "core_3_5pct"]


def check_overview_2021(first: Path) -> None:
    """01 run with year 2021 and OVERVIEW_TARGETS (papermill -y, in test_notebooks_in_a_kernel.py): the
    published counts of NATO's Table 3 and only the chosen targets' columns."""
    rows = read_csv(first / "tables/target_status.csv")
    assert set(rows[0]) >= TARGET_STATUS_COLUMNS | {"meets_core_3_5pct", "gap_core_3_5pct_pp"}
    assert "meets_total_5pct" not in rows[0]
    assert {r["year"] for r in rows} == {"2021"} and len(rows) == 29  # Finland and Sweden joined later
    assert not {"FIN", "SWE"} & {r["country"] for r in rows}
    assert {r["edition"] for r in rows} == {"2024"}  # the data edition travels with every table
    assert sum(r["meets_gdp_2pct"] == "True" for r in rows) == 6  # published Table 3, 2021
    summary = json.loads((first / "summary.json").read_text())
    assert summary["year"] == 2021 and summary["edition"] == "2024" and summary["allies_meeting"]["gdp_2pct"] == 6
    files = digests(first)
    assert {
        "figures/ranked_share_of_gdp.png",
        "figures/ranked_share_of_gdp.svg",
        "figures/quadrant_2pct_20pct.svg",
        "summary.json",
    } <= set(files)


def test_papermill_reruns_are_byte_identical(tmp_path: Path, default_run: Path) -> None:
    """The same parameters, the same bytes: papermill's command line writes exactly the tables, figures and
    summary that `natospend run` wrote in another process (the quickest notebook)."""
    done = papermill(
        "05_revisions.ipynb",
        tmp_path / "a.ipynb",
        "--engine",
        "natospend-inprocess",
        "-p",
        "output_dir",
        str(tmp_path / "a"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    written = digests(tmp_path / "a")
    assert len(written) >= 10
    summary = json.loads((tmp_path / "a/summary.json").read_text())
    assert summary == json.loads((default_run / "summary.json").read_text())["notebooks"]["05_revisions"]
    assert {p: d for p, d in written.items() if p != "summary.json"} == {
        p: digests(default_run)[p] for p in written if p != "summary.json"
    }


def check_pathways_2032(out: Path) -> None:
    """02 run with target_year 2032 and gdp_path 1.5 (papermill -y, in test_notebooks_in_a_kernel.py)."""
    rows = read_csv(out / "tables/pathways.csv")
    assert list(rows[0])[: len(PATHWAYS_COLUMNS)] == PATHWAYS_COLUMNS
    assert {r["edition"] for r in rows} == {"2024"}
    assert {r["target_year"] for r in rows} == {"2032"} and {float(r["gdp_growth_pct"]) for r in rows} == {1.5}
    never = [r for r in rows if r["year_target_reached_at_trend"] == "" and r["trend_real_growth_pct"] != ""]
    assert never and all(float(r["trend_real_growth_pct"]) <= 1.5 for r in never)
    # Luxembourg's series break leaves no trend: no year reached, and the table says why
    lux = next(r for r in rows if r["country"] == "LUX")
    assert lux["trend_real_growth_pct"] == "" and "not comparable" in lux["trend_note"]
    caption = json.loads((out / "summary.json").read_text())["caption"]
    assert "edition 2024" in caption and "NATO" in caption


def test_a_misspelt_parameter_fails_papermills_own_run(tmp_path: Path) -> None:
    """papermill's command line and its default engine (a kernel), as a papermill user runs a notebook: a
    misspelt -p name stops the run at the check cell with the name and a hint, and nothing is written. (The
    in-process engine's failures: test_notebooks_in_a_kernel.py and test_parameters.py.)"""
    done = papermill(
        "02_pathways.ipynb", tmp_path / "bad.ipynb", "-p", "targt_year", "2032", "-p", "output_dir", str(tmp_path / "o")
    )
    assert done.returncode != 0
    assert "unknown parameter 'targt_year' (did you mean 'target_year'?)" in done.stderr
    last = done.stderr.strip().splitlines()[-1]  # papermill prints the traceback first: the useful line ends it
    assert "unknown parameter 'targt_year'" in last and "did you mean 'target_year'?" in last
    assert not (tmp_path / "o").exists()  # nothing written
