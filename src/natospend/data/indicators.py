"""The indicators natospend knows, each with its one unit.

Units are fixed here once; every ingest step converts to these units on the way in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    description: str
    is_share: bool = False  # a percentage that must lie within 0-100 unless a listed outlier
    # What a published figure can plausibly be, in the unit: generous (hyperinflation currencies,
    # the United States' budget), but a typo of 1e308 or a negative amount is caught.
    bounds: tuple[float, float] = (0.0, 100.0)

    def out_of_bounds(self, value: float) -> str | None:
        """Why `value` cannot be a published figure of this indicator, or None."""
        low, high = self.bounds
        if not low <= value <= high:
            return f"{value!r} is outside the plausible range {low:g} to {high:g} {self.unit}"
        return None


# A table: one entry a line reads better than the formatter's one argument a line.
# fmt: off
INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator("defence_expenditure_share_gdp_pct", "percent of GDP",
                  "defence expenditure as a share of GDP", is_share=True),
        Indicator("defence_expenditure_real_change_pct", "percent",
                  "annual real change in defence expenditure", bounds=(-100.0, 10_000.0)),
        Indicator("defence_expenditure_usd_m", "million US dollars",
                  "defence expenditure in US dollars (current or constant: see price_basis)", bounds=(0.0, 1e7)),
        Indicator("defence_expenditure_nc_m", "million national currency",
                  "defence expenditure in national currency (calendar years)", bounds=(0.0, 1e18)),
        Indicator("defence_expenditure_nc_fy_m", "million national currency",
                  "defence expenditure in national currency (financial years, SIPRI)", bounds=(0.0, 1e18)),
        Indicator("gdp_usd_m", "million US dollars", "gross domestic product", bounds=(0.0, 1e9)),
        Indicator("gdp_per_capita_usd_k", "thousand US dollars", "GDP per capita", bounds=(0.0, 1_000.0)),
        Indicator("defence_expenditure_per_capita_usd", "US dollars",
                  "defence expenditure per capita", bounds=(0.0, 100_000.0)),
        Indicator("military_personnel_k", "thousand persons", "military personnel", bounds=(0.0, 10_000.0)),
        Indicator("equipment_share_pct", "percent of defence expenditure",
                  "major equipment, including R&D on major equipment", is_share=True),
        Indicator("personnel_share_pct", "percent of defence expenditure",
                  "military and civilian personnel, including pensions", is_share=True),
        Indicator("infrastructure_share_pct", "percent of defence expenditure",
                  "NATO common infrastructure and national military construction", is_share=True),
        Indicator("other_share_pct", "percent of defence expenditure",
                  "operations and maintenance, other R&D, unallocated", is_share=True),
        # the IMF's World Economic Outlook
        Indicator("gdp_nc_m", "million national currency", "gross domestic product in national currency",
                  bounds=(0.0, 1e15)),
        Indicator("gdp_real_nc_m", "million national currency", "real GDP at the IMF's constant prices",
                  bounds=(0.0, 1e15)),
        Indicator("gdp_real_growth_pct", "percent", "real GDP growth", bounds=(-100.0, 1_000.0)),
        Indicator("gdp_deflator_index", "index", "GDP deflator", bounds=(0.0, 1e20)),
        Indicator("gdp_ppp_intl_usd_m", "million international dollars", "GDP at purchasing-power parity",
                  bounds=(0.0, 1e10)),
        Indicator("ppp_conversion_rate_nc_per_intl_usd", "national currency per international dollar",
                  "implied PPP conversion rate", bounds=(0.0, 1e12)),
        Indicator("gdp_ppp_per_capita_intl_usd", "international dollars", "GDP per capita at PPP",
                  bounds=(0.0, 1e7)),
        Indicator("gdp_per_capita_usd", "US dollars", "GDP per capita", bounds=(0.0, 1e7)),
        Indicator("population_m", "million persons", "population", bounds=(0.0, 10_000.0)),
        Indicator("government_expenditure_share_gdp_pct", "percent of GDP",
                  "general government total expenditure", bounds=(0.0, 1_000.0)),
        Indicator("inflation_pct", "percent", "consumer-price inflation", bounds=(-100.0, 1e9)),
        Indicator("defence_expenditure_share_government_pct",
                  "percent of general government expenditure",
                  "military expenditure as a share of government spending", is_share=True),
    ]
}
# fmt: on


def indicator_unit(name: str) -> str:
    return INDICATORS[name].unit
