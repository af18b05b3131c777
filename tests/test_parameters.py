"""Notebook parameters: declared once in each notebook's parameters cell, checked by its check cell,
with the allowed values named."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from natospend.data.parameter_checks import CheckedParameters, check_pathways
from natospend.errors import ParameterError
from natospend.reports.notebook_parameters import notebooks


def _check(name: str, given: dict[str, Any]) -> CheckedParameters:
    return notebooks()[name].check(given)


def test_defaults_resolve_to_latest_edition_and_year() -> None:
    checked = _check("01_alliance_overview", {})
    assert checked["edition"] == "2024" and checked["year"] == 2024 and checked["sipri_edition"] == "2026"
    assert _check("02_pathways", {"edition": 2024})["edition"] == "2024"  # papermill -p gives ints
    assert _check("03_country_profile", {"country": "UK"})["country"] == "GBR"


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        (
            "01_alliance_overview",
            {"yaer": 2020},
            r"parameter 'yaer': unknown parameter 'yaer' \(did you mean "
            r"'year'\?\).*allowed: edition, year, targets, sipri_edition, shortfall_threshold_pct, "
            r"shortfall_start_year, output_dir",
        ),
        ("01_alliance_overview", {"year": 2010}, r"parameter 'year': 2010 is outside the edition; allowed: 2014-2024"),
        ("01_alliance_overview", {"year": "2020"}, r"parameter 'year': got str '2020'"),
        (
            "01_alliance_overview",
            {"edition": "2019"},
            r"parameter 'edition': nato edition '2019' is not in the dataset; allowed: 2024",
        ),
        (
            "01_alliance_overview",
            {"targets": ["gdp_3pct"]},
            r"parameter 'targets': unknown target id\(s\) \['gdp_3pct'\]; allowed: gdp_2pct",
        ),
        ("02_pathways", {"target_year": 2024}, r"parameter 'target_year': 2024 is not after the base year 2024"),
        ("02_pathways", {"core_target_pct": 0}, r"parameter 'core_target_pct': 0 is not a positive share of GDP"),
        ("02_pathways", {"core_target_pct": True}, r"parameter 'core_target_pct': got bool True"),
        ("02_pathways", {"trend_start_year": 2024}, r"parameter 'trend_start_year': 2024 is not a year before"),
        ("02_pathways", {"gdp_path": "imff"}, r"parameter 'gdp_path': 'imff' is not a GDP path"),
        ("02_pathways", {"gdp_path": 25}, r"parameter 'gdp_path': 25 is above 20"),
        ("02_pathways", {"imf_edition": "2024-04"}, r"imf edition '2024-04' is not in the dataset; allowed: 2025-10"),
        ("03_country_profile", {"country": "Narnia"}, r"parameter 'country': 'Narnia' is not an ally"),
        ("03_country_profile", {"gdp_path": "imff"}, r"parameter 'gdp_path': 'imff' is not a GDP path"),
        ("01_alliance_overview", {"shortfall_start_year": 2010}, r"parameter 'shortfall_start_year': 2010 is outside"),
    ],
)
def test_bad_parameters(name: str, given: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        _check(name, given)


def test_a_check_needs_every_parameter_by_name() -> None:
    """The check is called with explicit keyword arguments: one left out is a TypeError naming it."""
    with pytest.raises(TypeError, match="target_year"):
        check_pathways(
            edition=None,
            core_target_pct=3.5,
            related_target_pct=1.5,
            gdp_path="imf",
            imf_edition=None,
            trend_start_year=2014,
        )  # type: ignore[call-arg]


@pytest.mark.parametrize("stem", list(notebooks()))
def test_check_cell_passes_every_declared_parameter_by_keyword(stem: str) -> None:
    """The check cell names each parameter of the parameters cell once, as `name=name`, and uses no globals()."""
    notebook = notebooks()[stem]
    assert "globals()" not in notebook.check_source
    calls = [n for n in ast.walk(ast.parse(notebook.check_source)) if isinstance(n, ast.Call) and n.keywords]
    assert len(calls) == 1
    keywords = {k.arg: k.value.id for k in calls[0].keywords if isinstance(k.value, ast.Name)}
    assert keywords == {name: name for name in notebook.names}


def test_no_notebook_passes_globals() -> None:
    from natospend.paths import NOTEBOOKS_DIR

    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        assert "globals()" not in path.read_text(encoding="utf-8"), path.name


def test_checked_parameters_are_read_only_and_carry_their_editions() -> None:
    params = _check("02_pathways", {"target_year": 2032})
    assert params["target_year"] == 2032 and params["edition"] == "2024" and params["imf_edition"] == "2025-10"
    with pytest.raises(TypeError):
        params["target_year"] = 2040  # type: ignore[index]
    overview = _check("01_alliance_overview", {"targets": ["gdp_2pct"]})
    assert overview["targets"] == ("gdp_2pct",) and overview.shown()["targets"] == ["gdp_2pct"]
    assert overview.edition_columns() == {"edition": "2024", "sipri_edition": "2026"}
    assert overview.sources() == {"nato": {"2024"}, "sipri": {"2025", "2026"}}  # the claims read every edition


def test_parameters_cell_declares_name_default_and_help() -> None:
    """The parameters cell is the one declaration: papermill's own inspection reads the same names, defaults
    and comments as natospend does."""
    import papermill

    for notebook in notebooks().values():
        inspected = papermill.inspect_notebook(str(notebook.path))
        assert list(inspected) == notebook.names
        for parameter in notebook.parameters:
            assert ast.literal_eval(inspected[parameter.name]["default"]) == parameter.default
            assert inspected[parameter.name]["help"] == parameter.help and parameter.help


def test_sweep_values_become_safe_run_names() -> None:
    from natospend.reports.commands import run_slug
    from natospend.reports.runner import check_run_name

    for value, slug in (("Türkiye", "Turkiye"), ("United Kingdom", "United_Kingdom"), (2021, "2021"), ("../x", "x")):
        assert run_slug(value) == slug
        check_run_name(f"03_country_profile-{slug}")
