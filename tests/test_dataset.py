"""The committed dataset: present without any raw file, typed, complete, with provenance."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import natospend
from natospend import load_spending
from natospend.data.dataset import COLUMNS, KEY
from natospend.data.reference import allies, allies_with_armed_forces, resolve_ally
from natospend.errors import InputError
from natospend.paths import SOURCES_JSON

REQUIRED_INDICATORS = {
    "defence_expenditure_share_gdp_pct",
    "defence_expenditure_real_change_pct",
    "defence_expenditure_usd_m",
    "defence_expenditure_nc_m",
    "gdp_usd_m",
    "gdp_per_capita_usd_k",
    "defence_expenditure_per_capita_usd",
    "military_personnel_k",
    "equipment_share_pct",
    "personnel_share_pct",
    "infrastructure_share_pct",
    "other_share_pct",
    "defence_expenditure_share_government_pct",
}


def test_columns_types_and_keys() -> None:
    frame = load_spending()
    assert tuple(frame.columns) == COLUMNS
    assert str(frame["year"].dtype) == "int64" and str(frame["value"].dtype) == "float64"
    assert str(frame["estimate"].dtype) == "bool"
    assert not frame.duplicated(list(KEY)).any()
    assert set(frame["indicator"]) >= REQUIRED_INDICATORS


def test_default_is_latest_edition_per_source() -> None:
    nato = load_spending("nato")
    assert set(nato["edition"]) == {"2024"} and set(nato["source"]) == {"nato"}
    assert set(load_spending("sipri")["edition"]) == {"2026"}  # April 2026 is SIPRI's latest
    assert set(load_spending("sipri", "2025")["edition"]) == {"2025"}  # an older edition on request
    assert len(load_spending("nato", "2024", indicator="equipment_share_pct")) == 31 * 11
    both = load_spending()
    assert set(zip(both["source"], both["edition"])) == {("nato", "2024"), ("sipri", "2026"), ("imf", "2025-10")}


def test_editions_side_by_side() -> None:
    from natospend.data.dataset import editions

    assert editions("sipri") == ["2025", "2026"] and editions("nato") == ["2024"]
    old = load_spending("sipri", "2025", indicator="defence_expenditure_usd_m")
    new = load_spending("sipri", "2026", indicator="defence_expenditure_usd_m")
    assert {b for b in old["price_basis"] if b.startswith("constant")} == {"constant-2023"}
    assert {b for b in new["price_basis"] if b.startswith("constant")} == {"constant-2024"}
    assert old["year"].max() == 2024 and new["year"].max() == 2025


def test_unknown_source_or_edition_is_a_clear_error() -> None:
    with pytest.raises(InputError, match=r"unknown source 'natto'.*one of imf, nato, sipri"):
        load_spending("natto")
    with pytest.raises(InputError, match=r"edition '2019' is not in the dataset.*one of 2024"):
        load_spending("nato", "2019")


def test_every_ally_every_year_and_estimates() -> None:
    share = load_spending("nato", indicator="defence_expenditure_share_gdp_pct")
    years = sorted(set(share["year"]))
    assert years == list(range(2014, 2025))
    for iso3 in allies_with_armed_forces():
        assert sorted(share.loc[share["country"] == iso3, "year"]) == years, iso3
    assert set(share.loc[share["estimate"], "year"]) == {2023, 2024}
    assert set(share["unit"]) == {"percent of GDP"}


def test_iceland_and_reference() -> None:
    assert len(allies()) == 32
    iceland = next(a for a in allies() if a.iso3 == "ISL")
    assert iceland.has_armed_forces is False
    nato = load_spending("nato")
    assert set(nato.loc[nato["country"] == "ISL", "indicator"]) == {"gdp_usd_m", "gdp_per_capita_usd_k"}
    assert resolve_ally("Slovakia") == resolve_ally("slovak republic") == "SVK"
    assert resolve_ally("Turkiye") == "TUR" and resolve_ally("United States of America") == "USA"
    with pytest.raises(ValueError):
        resolve_ally("Austria")


def test_sipri_shares_are_percent() -> None:
    share = load_spending("sipri", indicator="defence_expenditure_share_gdp_pct")
    usa = share[(share["country"] == "USA") & (share["year"] == 2024)]
    assert 2.5 < float(usa["value"].iloc[0]) < 5  # percent, not a fraction
    assert set(share["unit"]) == {"percent of GDP"}


def test_sources_record_provenance() -> None:
    sources = json.loads(SOURCES_JSON.read_text(encoding="utf-8"))
    by_key = {(r["source"], r["edition"]): r for r in sources["inputs"]}
    assert by_key[("nato", "2024")]["sha256"] == "94f4de63de124dd323cb6729ddf66b66a3e024b9984d21abc6cb5624773b375e"
    assert by_key[("sipri", "2025")]["sha256"] == "8a31c2794c8070230b3b9ef26a3249663f6317a8bc86ba3ec3099c791cdb692f"
    resaved = by_key[("sipri", "2026")]
    assert resaved["sha256"] == "6e77cbd9de445cb4a3b6c1ce15207649057ec71272ffe1a4c1e480aadc9bbefc"
    assert resaved["publisher_file"] == {"md5": "1b197f8d3c0d803d234870477ce17b64", "bytes": 922552}
    assert "re-saved" in resaved["note"]
    for record in by_key.values():
        assert record["publisher"] and record["release_date"] and record["attribution"] and record["file_name"]
    assert "no_data" in sources["flags"]


def test_the_project_folder_is_found_from_an_installed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editable install finds the clone above the package; a wheel in site-packages finds it above the
    working directory, or not at all (then the command line says to set NATOSPEND_HOME)."""
    from natospend.paths import HOME_ENV, find_project_root

    monkeypatch.delenv(HOME_ENV, raising=False)
    clone = tmp_path / "clone"
    (clone / "data/reference").mkdir(parents=True)
    (clone / "data/reference/allies.csv").write_text("iso3\n")
    (clone / "notebooks").mkdir()
    wheel = tmp_path / "venv/lib/python3.11/site-packages/natospend/paths.py"
    wheel.parent.mkdir(parents=True)
    editable = clone / "src/natospend/paths.py"
    editable.parent.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert find_project_root(editable, elsewhere) == clone.resolve()
    assert find_project_root(wheel, clone / "notebooks") == clone.resolve()
    assert find_project_root(wheel, elsewhere) is None
    monkeypatch.setenv(HOME_ENV, str(elsewhere))
    assert find_project_root(wheel, tmp_path) == elsewhere


def test_an_installed_package_without_a_project_folder_says_how_to_point_at_one(tmp_path: Path) -> None:
    import subprocess
    import sys

    # the package's own folder, as a wheel install has it: no data/ above it
    package = tmp_path / "site-packages"
    shutil.copytree(
        Path(natospend.__file__).parent, package / "natospend", ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NATOSPEND_HOME", "PYTHONPATH")}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); from natospend.cli import main; sys.exit(main(['list']))",
            str(package),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 2
    assert "cannot find the natospend project folder" in done.stderr and "NATOSPEND_HOME" in done.stderr
