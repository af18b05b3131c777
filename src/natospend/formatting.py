"""The bottom of the stack: numbers and words for reading.

Counts with the right noun and verb, lists of names and year ranges, and tables for reading: thousands
separators, the decimals each column needs, whole numbers without ".0", "yes"/"no" for flags and a word
(never NaN or <NA>) for a missing value. The full-precision figures stay in tables/*.csv.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd


def count(n: int, singular: str, plural: str) -> str:
    """'1 ally', '3 allies', '1,732 figures'."""
    return f"{n:,} {singular if n == 1 else plural}"


def verb(n: int, singular: str, plural: str) -> str:
    """The verb that agrees with a count: verb(1, 'meets', 'meet') -> 'meets'."""
    return singular if n == 1 else plural


def names(items: Iterable[str], empty: str = "none") -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def year_span(first: int, last: int) -> str:
    return f"{first}-{last}" if first != last else str(first)


def year_ranges(years: Iterable[int]) -> str:
    """[2004, 2005, 2006, 2010] -> '2004-2006 and 2010'."""
    ordered = sorted(set(int(y) for y in years))
    spans: list[tuple[int, int]] = []
    for year in ordered:
        if spans and year == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return names([year_span(first, last) for first, last in spans])


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_text(iso: str | None) -> str:
    """'2024-06-17' -> '17 June 2024'; '2026-07' -> 'July 2026'; '2026' -> '2026'; None -> 'date not known'.
    Anything else is returned as it is (a date written by hand in a provenance record)."""
    if not iso:
        return "date not known"
    parts = str(iso).split("-")
    if not all(p.isdigit() for p in parts) or len(parts) > 3 or not 1 <= int(parts[1] if len(parts) > 1 else 1) <= 12:
        return str(iso)
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


MISSING = "\u2014"  # an em dash


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


def parameter_value_words(value: Any) -> str:
    """A parameter's value for readers: None -> 'default', True -> 'yes', a list -> 'a, b and c', a number
    as it is (3.5, 2035), text without quotes."""
    if value is None:
        return "default"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return names([parameter_value_words(v) for v in value], empty="none")
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {parameter_value_words(v)}" for k, v in value.items())
    return str(value)


def beside_line(value: float, threshold: float, decimals: int = 3) -> str:
    """A share near a threshold, with enough decimals to stay on its side of it: 1.998 -> '1.998',
    1.99964 -> '1.9996' (never '2.000' for a value below 2)."""
    for places in range(decimals, 8):
        text = f"{value:.{places}f}"
        if (float(text) >= threshold) == (value >= threshold):
            return text
    return repr(value)


def names_beside_line(items: Iterable[tuple[str, float]], threshold: float) -> str:
    """'Albania (2.038%) and Sweden (1.998%)': allies near a threshold, each value kept on its side of it."""
    return names(f"{name} ({beside_line(value, threshold)}%)" for name, value in items)
