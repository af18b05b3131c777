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


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator("defence_expenditure_share_gdp_pct", "percent of GDP",
                  "defence expenditure as a share of GDP", is_share=True),
        Indicator("defence_expenditure_real_change_pct", "percent",
                  "annual real change in defence expenditure"),
        Indicator("defence_expenditure_usd_m", "million US dollars",
                  "defence expenditure in US dollars (current or constant: see price_basis)"),
        Indicator("defence_expenditure_nc_m", "million national currency",
                  "defence expenditure in national currency (calendar years)"),
        Indicator("defence_expenditure_nc_fy_m", "million national currency",
                  "defence expenditure in national currency (financial years, SIPRI)"),
        Indicator("gdp_usd_m", "million US dollars", "gross domestic product"),
        Indicator("gdp_per_capita_usd_k", "thousand US dollars", "GDP per capita"),
        Indicator("defence_expenditure_per_capita_usd", "US dollars",
                  "defence expenditure per capita"),
        Indicator("military_personnel_k", "thousand persons", "military personnel"),
        Indicator("equipment_share_pct", "percent of defence expenditure",
                  "major equipment, including R&D on major equipment", is_share=True),
        Indicator("personnel_share_pct", "percent of defence expenditure",
                  "military and civilian personnel, including pensions", is_share=True),
        Indicator("infrastructure_share_pct", "percent of defence expenditure",
                  "NATO common infrastructure and national military construction", is_share=True),
        Indicator("other_share_pct", "percent of defence expenditure",
                  "operations and maintenance, other R&D, unallocated", is_share=True),
        Indicator("defence_expenditure_share_government_pct",
                  "percent of general government expenditure",
                  "military expenditure as a share of government spending", is_share=True),
    ]
}


def indicator_unit(name: str) -> str:
    return INDICATORS[name].unit
