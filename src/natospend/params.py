"""Notebook parameters: names, accepted types and checks, shared by the notebooks and `natospend run`.

The defaults live in each notebook's `parameters` cell (plain literals, as papermill
expects); this module says what a valid value is. `check_parameters` turns a raw mapping
into validated values or raises ParameterError naming the parameter and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import ParameterError

@dataclass(frozen=True)
class ParamSpec:
    name: str
    types: tuple[type, ...]
    help: str
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None


def _number(name: str, help: str, minimum: float | None = None, maximum: float | None = None,
            nullable: bool = False) -> ParamSpec:
    return ParamSpec(name, (int, float), help, nullable, minimum, maximum)


def _year(name: str, help: str, nullable: bool = False) -> ParamSpec:
    return ParamSpec(name, (int,), help, nullable, 1949, 2100)


EDITION = ParamSpec("edition", (str, int), "NATO edition, e.g. '2024'; None for the latest", nullable=True)
OUTPUT_DIR = ParamSpec("output_dir", (str,), "folder for tables/, figures/ and summary.json; None for "
                       "reports/scratch/<notebook>", nullable=True)

SPECS: dict[str, tuple[ParamSpec, ...]] = {
    "01_alliance_overview": (
        EDITION,
        _year("year", "year to assess; None for the edition's latest", nullable=True),
        ParamSpec("targets", (list,), "target ids from data/reference/targets.yaml"),
        ParamSpec("sipri_edition", (str, int), "SIPRI edition (release year) for the latest-year view; None for "
                  "the latest", nullable=True),
        _number("shortfall_threshold_pct", "the share of GDP the shortfall since the start year is measured "
                "against", minimum=0, maximum=100),
        _year("shortfall_start_year", "the first year of the shortfall (members at year's end only)"),
        OUTPUT_DIR,
    ),
    "02_pathways": (
        EDITION,
        _number("core_target_pct", "core defence target, % of GDP", minimum=0, maximum=100),
        _number("related_target_pct", "defence-related target, % of GDP (core + related = total)", minimum=0,
                maximum=100),
        _year("target_year", "year by which the target is to be met"),
        ParamSpec("gdp_path", (str, int, float), "real GDP growth: 'imf' (the WEO's projections, then its last "
                  "rate), 'trend' (each ally's own), or a number (% a year for all)"),
        _number("gdp_growth_pct", "real GDP growth for all allies, % a year (the same as gdp_path = that number); "
                "None to follow gdp_path", minimum=-20, maximum=20, nullable=True),
        ParamSpec("imf_edition", (str, int), "IMF World Economic Outlook edition, e.g. '2025-10'; None for the "
                  "latest", nullable=True),
        _year("trend_start_year", "first year of the trend window"),
        OUTPUT_DIR,
    ),
    "03_country_profile": (
        ParamSpec("country", (str,), "ally: ISO3 code or any spelling"),
        EDITION,
        ParamSpec("sipri_edition", (str, int), "SIPRI edition (release year) for the side-by-side series; None for "
                  "the latest", nullable=True),
        _number("core_target_pct", "core defence target, % of GDP", minimum=0, maximum=100),
        _year("target_year", "year by which the target is to be met"),
        OUTPUT_DIR,
    ),
    "04_nato_vs_sipri_and_russia": (
        _year("year", "year to compare; None for the latest year both sources cover", nullable=True),
        ParamSpec("nato_edition", (str, int), "NATO edition; None for the latest", nullable=True),
        ParamSpec("sipri_edition", (str, int), "SIPRI edition (release year); None for the latest", nullable=True),
        ParamSpec("imf_edition", (str, int), "IMF World Economic Outlook edition for the PPP rates, e.g. '2025-10'; "
                  "None for the latest", nullable=True),
        OUTPUT_DIR,
    ),
    "05_revisions": (
        ParamSpec("source", (str,), "the publisher whose editions to compare: nato, sipri or a user label"),
        ParamSpec("old_edition", (str, int), "the earlier edition; None for the second latest", nullable=True),
        ParamSpec("new_edition", (str, int), "the later edition; None for the latest", nullable=True),
        ParamSpec("indicator", (str,), "the indicator to compare (see natospend.indicators)"),
        OUTPUT_DIR,
    ),
}


def specs_for(notebook: str) -> dict[str, ParamSpec]:
    if notebook not in SPECS:
        raise ParameterError("notebook", f"unknown notebook {notebook!r}", ", ".join(SPECS))
    return {spec.name: spec for spec in SPECS[notebook]}


def check_type(spec: ParamSpec, value: Any) -> Any:
    """Type and range of one value; returns it normalised (ints for years, floats for shares, str editions)."""
    if value is None:
        if spec.nullable:
            return None
        raise ParameterError(spec.name, "must not be None", spec.help)
    if isinstance(value, bool) or not isinstance(value, spec.types):
        names = " or ".join(t.__name__ for t in spec.types) + (" or None" if spec.nullable else "")
        raise ParameterError(spec.name, f"got {type(value).__name__} {value!r}, expected {names}", spec.help)
    if spec.types == (int, float):
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(spec.name, f"{value!r} is not a finite number", spec.help)
    if spec.name.endswith("edition"):
        value = str(value)
    if spec.minimum is not None and isinstance(value, (int, float)) and value < spec.minimum:
        raise ParameterError(spec.name, f"{value!r} is below {spec.minimum}", spec.help)
    if spec.maximum is not None and isinstance(value, (int, float)) and value > spec.maximum:
        raise ParameterError(spec.name, f"{value!r} is above {spec.maximum}", spec.help)
    return value


def check_names(notebook: str, names: list[str] | set[str]) -> None:
    specs = specs_for(notebook)
    unknown = sorted(set(names) - set(specs))
    if unknown:
        import difflib

        hints = [f"{u!r} (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(u, specs, n=1)) else repr(u)
                 for u in unknown]
        raise ParameterError(unknown[0], "unknown parameter " + ", ".join(hints) + f" for {notebook}",
                             ", ".join(specs))


def check_parameters(notebook: str, values: dict[str, Any],
                     semantic: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> dict[str, Any]:
    """Names, then types and ranges, then (optionally) checks against the data."""
    check_names(notebook, values.keys())
    specs = specs_for(notebook)
    missing = [name for name in specs if name not in values]
    if missing:
        raise ParameterError(missing[0], "missing (the notebook's parameters cell must define it)")
    checked = {name: check_type(specs[name], values[name]) for name in specs}
    return semantic(checked) if semantic else checked


def notebook_defaults(path: Path) -> dict[str, Any]:
    """Names and literal defaults of a notebook's `parameters` cell, read without a kernel.

    Reads the .ipynb as JSON and the cell with `ast` (no nbformat or papermill import: the
    command line checks parameters in a fraction of a second).
    """
    import ast
    import json

    document = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in document["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError("notebook", f"{path.name} has {len(cells)} cells tagged 'parameters'", "exactly one")
    source = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    defaults: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ParameterError("notebook", f"{path.name}: the parameters cell must hold plain assignments only")
        defaults[node.targets[0].id] = ast.literal_eval(node.value)
    return defaults


def parse_cli_value(text: str) -> Any:
    """A `-p NAME VALUE` value, typed as papermill's command line types it."""
    if text == "None":
        return None
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
