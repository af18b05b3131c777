"""Tables for reading: numbers formatted per column, words where a number is missing, and a link to the CSV.

A display table is a frame of text: thousands separators, the decimals each column needs, whole numbers
without ".0", "yes"/"no" for flags and a word (never NaN or <NA>) for a missing value. The full-precision
figures stay in tables/*.csv; the page links each table to its CSV (html.py adds the download link from
the metadata a TableView carries).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

MISSING = "\u2014"  # an em dash
TABLE_METADATA = "natospend_table"


def format_number(value: Any, decimals: int | None = 2, missing: str = MISSING) -> str:
    """1234.5 -> '1,234.50'; -0.001 at 2 decimals -> '0.00' (never '-0.00'); None/NaN -> the missing word;
    decimals None: a whole number as it is (years, ranks, counts: 2035, not 2,035)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    try:
        if pd.isna(value):
            return missing
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if decimals is None:
        return str(int(value))
    number = float(value)
    text = f"{number:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return text


def readable(
    frame: pd.DataFrame,
    decimals: int | Mapping[str, int] = 2,
    missing: str | Mapping[str, str] = MISSING,
) -> pd.DataFrame:
    """A copy of `frame` as text for reading. decimals and missing: one for all columns, or per column name
    (an integer column is written whole, without separators); the index is formatted the same way."""

    def column_text(series: pd.Series) -> pd.Series:
        places = decimals.get(str(series.name), 2) if isinstance(decimals, Mapping) else decimals
        if pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            places = None
        word = missing.get(str(series.name), MISSING) if isinstance(missing, Mapping) else missing
        return series.map(lambda v: format_number(v, places, word)).astype(object)

    shown = frame.apply(column_text)
    if not isinstance(frame.index, pd.RangeIndex):
        index = frame.index.to_series()
        shown.index = pd.Index(
            index.map(lambda v: v if isinstance(v, str) else format_number(v, None)), name=frame.index.name
        )
    return shown


@dataclass
class TableView:
    """A display table that knows the CSV it comes from: the page adds a download link under it."""

    shown: pd.DataFrame
    csv_name: str  # the file under tables/, without .csv

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, str], dict[str, Any]]:
        data = {"text/plain": self.shown.to_string(), "text/html": self.shown.to_html(classes="natospend-table")}
        return data, {TABLE_METADATA: self.csv_name}
