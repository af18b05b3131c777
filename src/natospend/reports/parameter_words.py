"""A run's parameters as a reader reads them: "the IMF's GDP projections", "2% of GDP (Wales 2014)", the
ally's name, an indicator's description; code names stay beside them for anyone re-running the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from natospend.data.indicators import INDICATORS
from natospend.data.reference import ally_by_iso3
from natospend.data.targets import load_targets
from natospend.formatting import names, parameter_value_words

GDP_PATHS = {"imf": "the IMF's GDP projections", "trend": "each ally's own GDP trend"}


def value_in_words(name: str, value: Any) -> str:
    if name == "gdp_path":
        return GDP_PATHS.get(value, f"{value:g}% a year" if isinstance(value, (int, float)) else str(value))
    if name == "country" and isinstance(value, str) and value in ally_by_iso3():
        return f"{ally_by_iso3()[value].name} ({value})"
    if name == "targets" and isinstance(value, (list, tuple)):
        known = load_targets()
        return names([known[t].name if t in known else str(t) for t in value])
    if name == "indicator" and value in INDICATORS:
        return f"{INDICATORS[value].description} ({INDICATORS[value].unit})"
    if name.endswith("_pct") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}% of GDP"
    return parameter_value_words(value)


def parameters_in_words(parameters: Mapping[str, Any]) -> str:
    """A run's given parameters in the words its pages use: 'target_year: 2032; gdp_path: the IMF's GDP
    projections', or 'the defaults'. The catalogue and `natospend list` show them so."""
    return "; ".join(f"{name}: {value_in_words(name, value)}" for name, value in parameters.items()) or "the defaults"
