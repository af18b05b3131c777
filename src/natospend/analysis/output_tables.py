"""The output tables other tools read (the README's contracts), declared once: each column's meaning, unit
and type, as pandera schemas. `reports.page.ReportFolder.table` validates a table against its schema when it
writes it, and a test checks the README's column lists against these declarations.

A contract fixes the columns it names, in that order; a table may carry more after them (the editions it
was made from, columns added later).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from natospend.errors import InputError

COUNTRY = r"^([A-Z]{3}|NATO_[A-Z_]+)\Z"


def column(dtype: object, description: str, unit: str, *, nullable: bool = False, regex: bool = False) -> pa.Column:
    """A column with what it means and its unit (pandera keeps both: `description`, `metadata['unit']`)."""
    return pa.Column(dtype, nullable=nullable, regex=regex, description=description, metadata={"unit": unit})


TARGET_STATUS = pa.DataFrameSchema(
    {
        "country": column(str, "the ally, ISO 3166-1 alpha-3", "code"),
        "country_name": column(str, "the ally's name", "text"),
        "year": column(int, "the year assessed (members at its end only)", "year"),
        "share_gdp_pct": column(float, "defence expenditure as a share of GDP (NATO)", "% of GDP"),
        "equipment_share_pct": column(
            float, "major equipment, including related R&D, as a share of defence expenditure", "%", nullable=True
        ),
        "estimate": column(bool, "NATO marks the year's figures as estimates", "flag"),
        r"^meets_.+$": column(bool, "the ally meets target <id> that year", "flag", regex=True),
        r"^gap_.+_pp$": column(
            float, "target minus share: positive is a shortfall", "points", nullable=True, regex=True
        ),
        r"^gap_.+_usd_m_current$": column(
            float, "the shortfall in money, current prices and exchange rates", "USD m", nullable=True, regex=True
        ),
        r"^gap_.+_usd_m_constant$": column(
            float, "the shortfall in money, the edition's constant prices", "USD m", nullable=True, regex=True
        ),
    },
    name="target_status",
)

PATHWAYS = pa.DataFrameSchema(
    {
        "country": column(str, "the ally, ISO 3166-1 alpha-3", "code"),
        "country_name": column(str, "the ally's name", "text"),
        "base_year": column(int, "the edition's latest year, where every pathway starts", "year"),
        "base_share_pct": column(float, "defence expenditure as a share of GDP in the base year", "% of GDP"),
        "target_pct": column(float, "the target share", "% of GDP"),
        "target_year": column(int, "the deadline", "year"),
        "gdp_growth_pct": column(
            float, "real GDP growth on the GDP path (its mean rate to the deadline)", "% a year", nullable=True
        ),
        "trend_real_growth_pct": column(
            float, "compound real growth of defence spending over the trend window", "% a year", nullable=True
        ),
        "required_real_growth_pct": column(
            float,
            "real growth needed each year to reach the target; empty when already there",
            "% a year",
            nullable=True,
        ),
        "year_target_reached_at_trend": column(
            "Int64", "the first year the share reaches the target at trend; empty when never", "year", nullable=True
        ),
        "gap_pp": column(float, "target minus base-year share", "points"),
        "extra_spending_usd_m_constant": column(
            float, "the gap in money in the base year, the edition's constant prices", "USD m"
        ),
        "estimate": column(bool, "the base year's figures are NATO estimates", "flag"),
        "extra_spending_usd_m_current": column(
            float, "the gap in money in the base year, current prices and exchange rates", "USD m"
        ),
        "already_at_target": column(bool, "the base-year share is at or above the target", "flag"),
        "trend_start_year": column(int, "the first year of the trend window (later after a series break)", "year"),
        "trend_note": column(str, "why the trend starts later, or why there is none", "text"),
    },
    name="pathways",
)

# tables/<name>.csv -> its contract
CONTRACTS: dict[str, pa.DataFrameSchema] = {"target_status": TARGET_STATUS, "pathways": PATHWAYS}


def named_columns(schema: pa.DataFrameSchema) -> list[str]:
    """The columns a contract names one by one (not its per-target patterns), in their order."""
    return [name for name, col in schema.columns.items() if not col.regex]


def validate(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table about to be written as tables/<name>.csv: checked against its contract, if it has one.
    The named columns come first, in order; every column, named or matched by a pattern, has its type."""
    schema = CONTRACTS.get(name)
    if schema is None:
        return frame
    named = named_columns(schema)
    if list(frame.columns[: len(named)]) != named:
        raise InputError(
            f"table {name}: columns {list(frame.columns[: len(named)])}", expected=f"the contract's {named} first"
        )
    return schema.validate(frame)
