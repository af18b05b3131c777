"""Notebook 05's analysis: revisions between two editions, by hand on small frames and on the SIPRI pair."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from natospend import load_spending
from natospend.analysis import revisions
from natospend.data.parameter_checks import check_revisions
from natospend.errors import InputError, ParameterError
from workbooks import NatoLayout, make_nato_workbook

SHARE = "defence_expenditure_share_gdp_pct"


def _frame(edition: str, rows: list[tuple[str, int, float, bool]], basis: str = "current") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "source": "s",
                "edition": edition,
                "country": c,
                "year": y,
                "indicator": SHARE,
                "price_basis": basis,
                "value": v,
                "estimate": e,
            }
            for c, y, v, e in rows
        ]
    )


def test_revisions_by_hand() -> None:
    old = _frame(
        "1", [("POL", 2023, 3.0, False), ("POL", 2024, 4.0, True), ("FIN", 2022, 1.5, False), ("RUS", 2024, 7.0, False)]
    )  # Russia is no ally: left out
    new = _frame(
        "2",
        [("POL", 2023, 3.0, False), ("POL", 2024, 3.5, False), ("FIN", 2022, 1.8, False), ("FIN", 2025, 2.5, False)],
    )  # 2025 is only in the new edition: left out
    r = revisions.revisions(old, new, SHARE).set_index(["country", "year"])
    assert list(r.index) == [("FIN", 2022), ("POL", 2023), ("POL", 2024)]
    assert r.at[("POL", 2024), "revision"] == pytest.approx(-0.5)
    assert r.at[("POL", 2024), "revision_pct"] == pytest.approx(-12.5)
    assert bool(r.at[("POL", 2024), "old_estimate"]) and not bool(r.at[("POL", 2024), "new_estimate"])
    assert r.at[("FIN", 2022), "revision"] == pytest.approx(0.3)
    by_estimate = revisions.by_estimate(r.reset_index()).set_index("old_estimate")
    assert by_estimate.at[True, "mean_revision"] == pytest.approx(-0.5) and by_estimate.at[True, "revised_down"] == 1
    # Finland joined in 2023: its 2022 figure is not counted at 2%
    counts = revisions.allies_at_threshold(r.reset_index(), 2.0).set_index("year")
    assert 2022 not in counts.index
    assert counts.at[2024, "at_threshold_old"] == 1 and counts.at[2024, "at_threshold_new"] == 1


def test_editions_with_no_common_year_or_basis_are_clear_errors() -> None:
    with pytest.raises(InputError, match="share no ally and year"):
        revisions.revisions(_frame("1", [("POL", 2020, 2.0, False)]), _frame("2", [("POL", 2021, 2.0, False)]), SHARE)
    with pytest.raises(InputError, match="no price basis in common"):
        revisions.revisions(
            _frame("1", [("POL", 2020, 2.0, False)], "constant-2023"),
            _frame("2", [("POL", 2020, 2.0, False)], "constant-2024"),
            SHARE,
        )


def test_the_sipri_pair() -> None:
    old = load_spending("sipri", "2025", indicator=SHARE)
    new = load_spending("sipri", "2026", indicator=SHARE)
    r = revisions.revisions(old, new, SHARE).set_index(["country", "year"])
    poland = r.loc[("POL", 2024)]
    assert round(poland["old_value"], 2) == 4.15 and round(poland["new_value"], 2) == 3.75
    assert poland["revision"] == pytest.approx(poland["new_value"] - poland["old_value"])
    assert r.index.get_level_values("year").max() == 2024  # 2025 is only in the new release


def test_one_edition_is_a_clear_message() -> None:
    values = {"source": "nato", "old_edition": None, "new_edition": None, "indicator": SHARE, "output_dir": None}
    with pytest.raises(
        ParameterError,
        match=r"nato has 1 edition in the dataset \(2024\): a revision needs two.*"
        r"allowed: sipri",
    ):
        check_revisions(**values)
    defaults = check_revisions(**{**values, "source": "sipri"})
    assert (defaults["old_edition"], defaults["new_edition"]) == ("2025", "2026")
    with pytest.raises(ParameterError, match="same edition"):
        check_revisions(**{**values, "source": "sipri", "old_edition": "2026"})


@pytest.mark.slow
def test_a_second_nato_edition_runs_the_notebook(project_copy: Path, tmp_path: Path) -> None:
    """NATO's revisions as soon as a researcher ingests a second edition (a synthetic 2014-2025 one)."""
    import json
    import os
    import shutil

    from natospend.paths import PROJECT_ROOT

    for folder in ("notebooks", "params"):
        shutil.copytree(PROJECT_ROOT / folder, project_copy / folder)
    env = {**os.environ, "NATOSPEND_HOME": str(project_copy)}
    workbook = make_nato_workbook(tmp_path / "nato-2025-TABLES-en.xlsx", NatoLayout(last_year=2025))
    done = subprocess.run(
        [sys.executable, "-m", "natospend.cli", "ingest", "--nato", str(workbook)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    run = subprocess.run(
        [sys.executable, "-m", "natospend.cli", "run", "05", "-p", "source", "nato", "--name", "nato-revisions"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    summary = json.loads((project_copy / "reports/nato-revisions/summary.json").read_text())["notebooks"]
    assert summary["05_revisions"]["old_edition"] == "2024" and summary["05_revisions"]["new_edition"] == "2025"
    table = pd.read_csv(project_copy / "reports/nato-revisions/tables/revisions.csv")
    assert list(table.columns[:12]) == list(revisions.REVISION_COLUMNS)
    assert set(table["year"]) == set(range(2014, 2025)) and len(table) == 31 * 11
    manifest = json.loads((project_copy / "reports/nato-revisions/manifest.json").read_text())
    assert manifest["editions"] == {"nato": ["2024", "2025"]}


def _share_rows(edition: str, rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": [c for c, _, _ in rows],
            "year": [y for _, y, _ in rows],
            "value": [v for _, _, v in rows],
            "estimate": False,
            "edition": edition,
            "indicator": "defence_expenditure_share_gdp_pct",
            "price_basis": "current",
        }
    )


def test_a_share_revision_splits_into_spending_and_gdp_that_add_up() -> None:
    """s = D / Y: Poland's spending revised at the same GDP, France's GDP revised at the same spending,
    Italy both, and a spending figure a thousand times larger (a unit, not a revision)."""
    from natospend.analysis.revisions import causes, revisions, split_share_revisions

    spending_old = {"POL": 100.0, "FRA": 50.0, "ITA": 30.0, "ESP": 10.0}
    gdp_old = {"POL": 2500.0, "FRA": 2000.0, "ITA": 2000.0, "ESP": 1000.0}
    spending_new = {"POL": 90.0, "FRA": 50.0, "ITA": 33.0, "ESP": 10_000.0}
    gdp_new = {"POL": 2500.0, "FRA": 2500.0, "ITA": 1900.0, "ESP": 1_000_000.0}
    old = _share_rows("1", [(c, 2024, spending_old[c] / gdp_old[c] * 100) for c in spending_old])
    new = _share_rows("2", [(c, 2024, spending_new[c] / gdp_new[c] * 100) for c in spending_new])

    def money(values: dict[str, float]) -> pd.DataFrame:
        return pd.DataFrame({"country": list(values), "year": 2024, "value": list(values.values())})

    split = split_share_revisions(
        revisions(old, new, "defence_expenditure_share_gdp_pct"), money(spending_old), money(spending_new)
    )
    split = split.set_index("country")
    total = split["revision_from_spending"] + split["revision_from_gdp"]
    assert (total - split["revision"]).abs().max() < 1e-12  # the two parts add up to the revision
    assert (
        split.loc["POL", "revision_from_spending"] == pytest.approx(-0.4) and split.loc["POL", "revision_from_gdp"] == 0
    )
    assert split.loc["FRA", "revision_from_spending"] == 0 and split.loc["FRA", "revision_from_gdp"] == pytest.approx(
        -0.5
    )
    assert split.loc["POL", "new_gdp_nc_m"] == pytest.approx(2500) and split.loc[
        "FRA", "new_gdp_nc_m"
    ] == pytest.approx(2500)
    assert split["cause"].to_dict() == {"POL": "spending", "FRA": "GDP", "ITA": "both", "ESP": "unit change"}
    assert causes(split.reset_index()).set_index("cause")["figures"].to_dict() == {
        "GDP": 1,
        "both": 1,
        "spending": 1,
        "unit change": 1,
    }


@pytest.mark.realdata
def test_sipris_revisions_split_as_the_referee_found(raw_dir: Path) -> None:
    """SIPRI April 2025 against April 2026: Türkiye 1995-97 moved by GDP alone, Poland 2024 by spending."""
    from natospend.analysis import revisions as r

    old_all = load_spending("sipri", "2025", indicator=[r.SHARE_OF_GDP, r.SPENDING_NC])
    new_all = load_spending("sipri", "2026", indicator=[r.SHARE_OF_GDP, r.SPENDING_NC])
    old, new = old_all[old_all["indicator"] == r.SHARE_OF_GDP], new_all[new_all["indicator"] == r.SHARE_OF_GDP]
    split = r.split_share_revisions(
        r.revisions(old, new, r.SHARE_OF_GDP),
        r.spending_behind_share(old_all, old),
        r.spending_behind_share(new_all, new),
    ).set_index(["country", "year"])
    assert (split["revision_from_spending"] + split["revision_from_gdp"] - split["revision"]).abs().max() < 1e-12
    for year in (1995, 1996, 1997):
        assert split.loc[("TUR", year), "cause"] == "GDP" and split.loc[("TUR", year), "revision_from_spending"] == 0
    assert split.loc[("POL", 2024), "cause"] == "spending"
    assert split.loc[("POL", 2024), "revision_from_spending"] == pytest.approx(-0.386, abs=0.001)


def test_a_difference_below_the_noise_floor_is_not_counted_as_a_change_and_the_page_says_so() -> None:
    """'changed' means by more than revisions.CHANGED_ABOVE: a difference of 1e-12 points is floating-point
    noise, named beside the count so that the count of figures that differ at all is not a mystery."""
    from natospend.text import revision_text

    def headline(r: pd.DataFrame) -> str:
        parts = (revisions.largest(r), revisions.by_year(r), revisions.by_estimate(r), None)
        return revision_text.headline(
            r, *parts, source="sipri", old_edition="1", new_edition="2", indicator=SHARE, threshold=2.0
        )

    old = _frame("1", [("POL", 2023, 3.0, False), ("POL", 2024, 4.0, True), ("FIN", 2024, 2.4, False)])
    new = _frame("2", [("POL", 2023, 3.0 + 1e-12, False), ("POL", 2024, 3.5, False), ("FIN", 2024, 2.4, False)])
    words = headline(revisions.revisions(old, new, SHARE))
    assert "1 of the 3 changed (1 more differs by less than 10\u207b\u2079" in words
    assert "floating-point noise, not a revision)" in words
    exact = _frame("2", [("POL", 2023, 3.0, False), ("POL", 2024, 3.5, False)])
    assert "noise" not in headline(revisions.revisions(old, exact, SHARE))


def test_revised_up_and_down_count_only_changes_above_the_noise_floor() -> None:
    old = _frame("1", [("POL", 2023, 3.0, False), ("FIN", 2024, 2.4, False), ("EST", 2024, 3.0, False)])
    new = _frame("2", [("POL", 2023, 3.0 + 4e-11, False), ("FIN", 2024, 2.5, False), ("EST", 2024, 2.9, False)])
    counted = revisions.by_estimate(revisions.revisions(old, new, SHARE)).set_index("old_estimate")
    assert counted.at[False, "revised_up"] == 1 and counted.at[False, "revised_down"] == 1  # not Poland's 4e-11
