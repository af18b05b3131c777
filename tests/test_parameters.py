"""Notebook parameters: names, types and values are checked, with the allowed values named."""

from __future__ import annotations

from typing import Any

import pytest

from natospend.errors import ParameterError
from natospend.notebooks import registry, spec_for
from natospend.notebooks.session import declared_values, parameters, start

OVERVIEW = {
    "edition": None,
    "year": None,
    "targets": ["gdp_2pct"],
    "sipri_edition": None,
    "shortfall_threshold_pct": 2.0,
    "shortfall_start_year": 2014,
    "output_dir": None,
}
PATHWAYS = {
    "edition": None,
    "core_target_pct": 3.5,
    "related_target_pct": 1.5,
    "target_year": 2035,
    "gdp_path": "imf",
    "gdp_growth_pct": None,
    "imf_edition": None,
    "trend_start_year": 2014,
    "output_dir": None,
}


def _check(name: str, values: dict[str, Any]) -> dict[str, Any]:
    return spec_for(name).check(dict(values)).as_dict()


def test_defaults_resolve_to_latest_edition_and_year() -> None:
    checked = _check("01_alliance_overview", OVERVIEW)
    assert checked["edition"] == "2024" and checked["year"] == 2024 and checked["sipri_edition"] == "2026"
    assert _check("02_pathways", {**PATHWAYS, "edition": 2024})["edition"] == "2024"  # papermill -p gives ints


@pytest.mark.parametrize(
    ("name", "values", "message"),
    [
        (
            "01_alliance_overview",
            {**OVERVIEW, "yaer": 2020},
            r"parameter 'yaer': unknown parameter 'yaer' \(did you mean "
            r"'year'\?\).*allowed: edition, year, targets, sipri_edition, shortfall_threshold_pct, "
            r"shortfall_start_year, output_dir",
        ),
        (
            "01_alliance_overview",
            {**OVERVIEW, "year": 2010},
            r"parameter 'year': 2010 is outside the edition; allowed: 2014-2024",
        ),
        (
            "01_alliance_overview",
            {**OVERVIEW, "year": "2020"},
            r"parameter 'year': got str '2020', expected int or None",
        ),
        (
            "01_alliance_overview",
            {**OVERVIEW, "edition": "2019"},
            r"parameter 'edition': nato edition '2019' is not in the dataset; allowed: 2024",
        ),
        (
            "01_alliance_overview",
            {**OVERVIEW, "targets": ["gdp_3pct"]},
            r"parameter 'targets': unknown target id\(s\) \['gdp_3pct'\]; allowed: gdp_2pct",
        ),
        (
            "02_pathways",
            {**PATHWAYS, "target_year": 2024},
            r"parameter 'target_year': 2024 is not after the base year 2024",
        ),
        (
            "02_pathways",
            {**PATHWAYS, "core_target_pct": 0},
            r"parameter 'core_target_pct': 0 is not a positive share of GDP",
        ),
        ("02_pathways", {**PATHWAYS, "core_target_pct": -1}, r"parameter 'core_target_pct': -1.0 is below 0"),
        (
            "02_pathways",
            {**PATHWAYS, "trend_start_year": 2024},
            r"parameter 'trend_start_year': 2024 is not a year before",
        ),
        ("02_pathways", {**PATHWAYS, "gdp_growth_pct": True}, r"parameter 'gdp_growth_pct': got bool True"),
        ("02_pathways", {**PATHWAYS, "gdp_path": "imff"}, r"parameter 'gdp_path': 'imff' is not a GDP path"),
        (
            "02_pathways",
            {**PATHWAYS, "gdp_path": 1.5, "gdp_growth_pct": 2.0},
            r"parameter 'gdp_growth_pct': 2.0 contradicts",
        ),
        (
            "02_pathways",
            {**PATHWAYS, "imf_edition": "2024-04"},
            r"imf edition '2024-04' is not in the dataset; allowed: 2025-10",
        ),
        (
            "01_alliance_overview",
            {**OVERVIEW, "shortfall_start_year": 2010},
            r"parameter 'shortfall_start_year': 2010 is outside",
        ),
        ("02_pathways", {k: v for k, v in PATHWAYS.items() if k != "target_year"}, r"parameter 'target_year': missing"),
    ],
)
def test_bad_parameters(name: str, values: dict[str, Any], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        _check(name, values)


def test_misspelt_injected_name_is_caught_in_the_namespace() -> None:
    namespace: dict[str, Any] = {"__name__": "__main__", "ns": object()}
    start(namespace)
    namespace.update(OVERVIEW)  # the parameters cell
    namespace["targt"] = ["gdp_2pct"]  # what papermill injects for `-p targt ...`
    namespace["_i3"] = "IPython history is ignored"
    assert set(declared_values(namespace)) == set(OVERVIEW) | {"targt"}
    with pytest.raises(ParameterError, match=r"unknown parameter 'targt' \(did you mean 'targets'\?\)"):
        parameters(spec_for("01_alliance_overview"), namespace)


def test_parameters_need_start() -> None:
    with pytest.raises(ParameterError, match="call natospend.notebooks.session.start"):
        parameters(spec_for("01_alliance_overview"), dict(OVERVIEW))


@pytest.mark.parametrize("notebook", list(registry()))
def test_parameters_cell_matches_the_spec(notebook: str) -> None:
    """Each notebook's parameters cell, read as papermill reads it, declares exactly the spec's names in its
    order with the spec's defaults, and the defaults pass the checks against the data."""
    from natospend.notebooks.spec import cell_defaults

    spec = spec_for(notebook)
    defaults = cell_defaults(spec.path)
    assert defaults == spec.parameters.defaults()
    assert list(defaults) == list(spec.params)
    for name, value in defaults.items():
        spec.params[name].check(value)
    assert _check(notebook, defaults)


def test_every_notebook_file_has_a_spec_and_every_spec_a_file() -> None:
    from natospend.paths import NOTEBOOKS_DIR

    assert sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")) == list(registry())


def test_parameters_are_frozen_and_typed() -> None:
    import dataclasses

    params = spec_for("02_pathways").check({**PATHWAYS, "target_year": 2032})
    assert params.target_year == 2032 and params.edition == "2024" and params.imf_edition == "2025-10"
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.target_year = 2040  # type: ignore[misc]
    overview = spec_for("01_alliance_overview").check(OVERVIEW)
    assert overview.targets == ("gdp_2pct",) and overview.as_dict()["targets"] == ["gdp_2pct"]
    assert overview.edition_columns() == {"edition": "2024", "sipri_edition": "2026"}
    assert overview.sources() == {"nato": {"2024"}, "sipri": {"2026"}}


def test_sweep_values_become_safe_run_names() -> None:
    from natospend.reports.commands import run_slug
    from natospend.reports.runner import check_run_name

    for value, slug in (("Türkiye", "Turkiye"), ("United Kingdom", "United_Kingdom"), (2021, "2021"), ("../x", "x")):
        assert run_slug(value) == slug
        check_run_name(f"03_country_profile-{slug}")
