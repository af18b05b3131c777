"""Checks on the tidy dataset before it is written.

The column schema is a pandera DataFrameSchema: pandera is pandas-native, keeps the
schema declarative, and reports every failing row and check at once (lazy validation),
which the error message turns into rows a researcher can find. Checks that span tables
(Table 3 against Tables 2 and 5, completeness per year) are plain pandas below.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.errors as pe
import pandera.pandas as pa

from natospend.data.breaks import SERIES_BREAKS_CSV, check_series_breaks
from natospend.data.indicators import INDICATORS
from natospend.data.reference import allies_with_armed_forces
from natospend.errors import InputError
from natospend.paths import REFERENCE_DIR

# Table 3's share of GDP is published from the same figures as Tables 2 and 5 constant.
SHARE_CROSS_CHECK_TOLERANCE_PP = 1e-6
NATO_CORE_INDICATORS = (
    ("defence_expenditure_share_gdp_pct", "constant"),
    ("defence_expenditure_usd_m", "current"),
    ("defence_expenditure_usd_m", "constant"),
    ("defence_expenditure_nc_m", "current"),
    ("gdp_usd_m", "constant"),
    ("military_personnel_k", "none"),
    ("equipment_share_pct", "current"),
)


def known_outliers(check: str) -> set[tuple[str, str, int, str]]:
    """(source, country, year, indicator) listed in known_outliers.csv for one check, each with a reason."""
    listed = pd.read_csv(REFERENCE_DIR / "known_outliers.csv", dtype={"year": "int64"}, keep_default_na=False)
    listed = listed[listed["check"] == check]
    return set(zip(listed["source"], listed["country"], listed["year"].astype(int), listed["indicator"]))


def _schema():  # type: ignore[no-untyped-def]
    return pa.DataFrameSchema(
        {
            "source": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_-]*\Z")),
            "edition": pa.Column(str, pa.Check.str_length(min_value=1)),
            # ISO3, NATO's aggregates, the IMF's country groups (G001, GX123)
            "country": pa.Column(str, pa.Check.str_matches(r"^([A-Z]{3}|NATO_[A-Z_]+|GX?\d{3})\Z")),
            "country_name": pa.Column(str, pa.Check.str_length(min_value=1)),
            "year": pa.Column(int, pa.Check.in_range(1900, 2100)),
            "indicator": pa.Column(str, pa.Check.isin(sorted(INDICATORS))),
            "price_basis": pa.Column(str, pa.Check.str_matches(r"^(current|constant(-\d{4})?|none)\Z")),
            "value": pa.Column(float, nullable=True),
            "unit": pa.Column(str, pa.Check.str_length(min_value=1)),
            "estimate": pa.Column(bool),
            "flags": pa.Column(str),
            "region": pa.Column(str),
            "subregion": pa.Column(str),
            "source_table": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        # uniqueness of the key is checked in check_schema with pandas (pandera's took four-fifths of the time)
        strict=True,
        ordered=True,
    )


def _describe(frame: pd.DataFrame, index: list[int], limit: int = 5) -> str:
    rows = frame.loc[
        index[:limit], ["source", "edition", "country", "year", "indicator", "price_basis", "value", "source_table"]
    ]
    return "; ".join(
        f"{r.source_table} {r.country} {r.year} {r.indicator} ({r.price_basis}) = {r.value!r}"
        for r in rows.itertuples()
    )


KEY = ["source", "edition", "country", "year", "indicator", "price_basis"]


def check_schema(frame: pd.DataFrame) -> None:
    duplicated = frame.index[frame.duplicated(KEY, keep=False)]
    if len(duplicated):
        raise InputError(
            f"{len(duplicated)} rows share a key: {_describe(frame, list(duplicated))}",
            expected="one row per " + ", ".join(KEY),
        )
    try:
        _schema().validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases.head(10)
        details = "; ".join(
            f"{c.column}: {c.check} fails for {c.failure_case!r} (row {c.index})" for c in cases.itertuples()
        )
        raise InputError(f"dataset fails its schema: {details}", expected="the dataset schema") from None


def check_ranges(frame: pd.DataFrame) -> None:
    shares = [name for name, ind in INDICATORS.items() if ind.is_share]
    is_share = frame["indicator"].isin(shares)
    outside = frame.index[is_share & ~frame["value"].between(0, 100) & frame["value"].notna()]
    if len(outside):
        keys = known_outliers("range")
        bad = [
            i
            for i in outside
            if (frame.at[i, "source"], frame.at[i, "country"], int(frame.at[i, "year"]), frame.at[i, "indicator"])
            not in keys
        ]
        if bad:
            raise InputError(
                f"{len(bad)} share(s) outside 0-100: {_describe(frame, bad)}",
                expected="shares within 0-100, or the row listed in data/reference/known_outliers.csv with a reason",
            )
    money = frame["indicator"].isin(
        ["defence_expenditure_usd_m", "gdp_usd_m", "gdp_per_capita_usd_k", "military_personnel_k"]
    )
    negative = frame.index[money & (frame["value"] < 0)]
    if len(negative):
        raise InputError(f"negative amounts: {_describe(frame, list(negative))}", expected="amounts >= 0")


def check_nato_completeness(frame: pd.DataFrame) -> None:
    """Every ally with armed forces has every core indicator in every year of each NATO edition."""
    nato = frame[frame["source"] == "nato"]
    allies = set(allies_with_armed_forces())
    for edition, part in nato.groupby("edition", observed=True):
        years = sorted(part["year"].unique())
        for indicator, basis in NATO_CORE_INDICATORS:
            rows = part[
                (part["indicator"] == indicator) & part["price_basis"].str.startswith(basis) & part["value"].notna()
            ]
            have = set(zip(rows["country"], rows["year"]))
            missing = sorted((c, y) for c in allies for y in years if (c, y) not in have)
            if missing:
                shown = ", ".join(f"{c} {y}" for c, y in missing[:8])
                raise InputError(
                    f"NATO edition {edition}: {indicator} ({basis}) missing for {shown}"
                    f"{' ...' if len(missing) > 8 else ''}",
                    expected="every ally with armed forces in every year",
                )


def check_nato_share_cross(frame: pd.DataFrame) -> None:
    """Table 3's share of GDP equals Table 2 constant over Table 5 constant, within rounding."""
    nato = frame[frame["source"] == "nato"]
    constant = nato[nato["price_basis"].str.startswith("constant")]
    wide = constant.pivot_table(
        index=["edition", "country", "year"], columns="indicator", values="value", observed=True, aggfunc="first"
    )
    needed = ["defence_expenditure_share_gdp_pct", "defence_expenditure_usd_m", "gdp_usd_m"]
    if wide.empty or not set(needed) <= set(wide.columns):
        return
    wide = wide.dropna(subset=needed)
    implied = wide["defence_expenditure_usd_m"] / wide["gdp_usd_m"] * 100
    difference = (wide["defence_expenditure_share_gdp_pct"] - implied).abs()
    listed = known_outliers("share_cross_check")
    share = "defence_expenditure_share_gdp_pct"
    bad = difference[
        [
            gap > SHARE_CROSS_CHECK_TOLERANCE_PP and ("nato", country, int(year), share) not in listed
            for (_, country, year), gap in difference.items()
        ]
    ]
    if len(bad):
        (edition, country, year), gap = next(iter(bad.items()))
        raise InputError(
            f"NATO edition {edition}: Table 3 share of GDP for {country} {year} differs by {gap:.6f} points "
            f"from Table 2 constant / Table 5 constant ({len(bad)} such cells)",
            expected=f"agreement within {SHARE_CROSS_CHECK_TOLERANCE_PP} points, or the cell listed in "
            "data/reference/known_outliers.csv with a reason",
        )


def validate_dataset(
    frame: pd.DataFrame, series_breaks: Path = SERIES_BREAKS_CSV, files: dict[tuple[str, str], str] | None = None
) -> None:
    """Every check, before anything is written; files maps (source, edition) to the input's file name."""
    check_schema(frame)
    check_ranges(frame)
    check_nato_completeness(frame)
    check_nato_share_cross(frame)
    check_series_breaks(frame, series_breaks, files)
