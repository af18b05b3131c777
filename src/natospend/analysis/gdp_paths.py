"""Real GDP growth paths for the pathways: one rate for all years (an ally's trend, or a number), or the
IMF's World Economic Outlook projections year by year, held at their last projected rate after that."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from natospend.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

GROWTH = "gdp_real_growth_pct"


@dataclass(frozen=True)
class GdpPath:
    """Real GDP growth (fractions) by year; a year after the last listed takes the last listed rate."""

    constant: float | None = None  # one rate for every year
    rates: dict[int, float] = field(default_factory=dict)
    label: str = "trend"

    def rate(self, year: int) -> float:
        if self.constant is not None:
            return self.constant
        if year in self.rates:
            return self.rates[year]
        last = max(self.rates)
        if year > last:
            return self.rates[last]
        raise InputError(f"no GDP growth for {year} on the {self.label} path", expected="years after the base year")

    def factor(self, base_year: int, year: int) -> float:
        """prod over t = base_year+1 .. year of (1 + g_t): how much real GDP grows from the base year."""
        if self.constant is not None:
            return (1 + self.constant) ** (year - base_year)
        return math.prod(1 + self.rate(t) for t in range(base_year + 1, year + 1))

    def mean_rate(self, base_year: int, year: int) -> float:
        """The constant rate that grows GDP as much over the same years (geometric mean)."""
        if self.constant is not None:
            return self.constant  # exactly, not through a power and a root
        return self.factor(base_year, year) ** (1 / (year - base_year)) - 1


def constant_path(rate: float, label: str = "trend") -> GdpPath:
    return GdpPath(constant=rate, label=label)


def imf_paths(imf: pd.DataFrame, countries: Iterable[str], base_year: int) -> dict[str, GdpPath]:
    """Each country's path from the WEO's real GDP growth (percent) for the years after the base year."""
    rows = imf[(imf["indicator"] == GROWTH) & (imf["year"] > base_year) & imf["value"].notna()]
    paths: dict[str, GdpPath] = {}
    for country in countries:
        own = rows[rows["country"] == country]
        if own.empty:
            raise InputError(
                f"the IMF edition has no real GDP growth for {country} after {base_year}",
                expected="WEO projections for every ally",
            )
        paths[country] = GdpPath(rates={int(y): float(v) / 100 for y, v in zip(own["year"], own["value"])}, label="IMF")
    return paths


def last_projected_year(imf: pd.DataFrame) -> int:
    """The last year the WEO edition projects."""
    return int(imf.loc[imf["indicator"] == GROWTH, "year"].max())


@dataclass(frozen=True)
class GdpAssumption:
    """What a pathway assumes for real GDP: one rate for all (growth_pct), each ally's own trend (neither),
    or the IMF's path per ally (paths), with the WEO's nominal GDP in the deadline year where it projects it."""

    gdp_path: str | float
    growth_pct: float | None = None
    paths: dict[str, GdpPath] | None = None
    current_gdp_at_target: dict[str, float] | None = None


def gdp_assumption(
    gdp_path: str | float, imf: pd.DataFrame | None, countries: list[str], base_year: int, target_year: int
) -> GdpAssumption:
    """The one reading of the `gdp_path` parameter, for every page that computes a pathway:
    "imf" (the WEO's real GDP growth, needs `imf`), "trend" (each ally's own), or a number (% a year)."""
    if gdp_path == "trend":
        return GdpAssumption(gdp_path)
    if gdp_path == "imf":
        if imf is None:
            raise InputError("gdp_path 'imf' needs the IMF's World Economic Outlook", expected="the imf frame")
        nominal = imf[(imf["indicator"] == "gdp_usd_m") & (imf["year"] == target_year) & imf["country"].isin(countries)]
        current = nominal.set_index("country")["value"].to_dict()
        return GdpAssumption(
            gdp_path, paths=imf_paths(imf, countries, base_year), current_gdp_at_target=current or None
        )
    if isinstance(gdp_path, (int, float)) and not isinstance(gdp_path, bool) and math.isfinite(gdp_path):
        return GdpAssumption(float(gdp_path), growth_pct=float(gdp_path))
    raise InputError(f"gdp_path {gdp_path!r} is not a GDP path", expected="'imf', 'trend' or a number (% a year)")
