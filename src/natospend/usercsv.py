"""A researcher's own figures from a CSV, validated like the published sources.

Two forms are accepted (see docs in README):
- long: columns country, year, indicator, value, and optionally price_basis, estimate, flags;
- wide: columns country, year and one column per indicator name (e.g. a budget for next year).
`country` is an ISO3 code or any spelling natospend knows (NATO's, SIPRI's).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .indicators import INDICATORS
from .reference import known_country_codes, nato_name_index, normalise_name, sipri_name_index

LONG_COLUMNS = ("country", "year", "indicator", "value")
OPTIONAL_COLUMNS = ("price_basis", "estimate", "flags", "unit")
LABEL_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
PRICE_BASIS_PATTERN = re.compile(r"^(current|constant-\d{4}|none)$")
RESERVED_LABELS = ("nato", "sipri")


@dataclass
class UserRow:
    country: str
    country_name: str
    year: int
    indicator: str
    price_basis: str
    value: float
    unit: str
    estimate: bool
    flags: str
    source_table: str


def check_label(label: str) -> str:
    if not LABEL_PATTERN.match(label) or label in RESERVED_LABELS:
        raise InputError(f"source label {label!r} is not allowed",
                         expected="lower-case letters, digits, '-' or '_', not 'nato' or 'sipri'")
    return label


def _country(path: Path, row_number: int, text: str) -> tuple[str, str]:
    codes = known_country_codes()
    if text.strip().upper() in codes:
        code = text.strip().upper()
        return code, codes[code]
    key = normalise_name(text)
    if key in nato_name_index():
        return nato_name_index()[key]
    if key in sipri_name_index():
        code = sipri_name_index()[key]
        return code, codes[code]
    raise InputError(f"unknown country {text!r}", file=path, row=row_number, column="country",
                     expected="an ISO3 code or a country name natospend knows (see data/reference/)")


def _bool(path: Path, row_number: int, text: str) -> bool:
    value = text.strip().casefold()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise InputError(f"estimate is {text!r}", file=path, row=row_number, column="estimate", expected="true or false")


def read_user_csv(path: str | Path, label: str) -> list[UserRow]:
    path = Path(path)
    check_label(label)
    if not path.is_file():
        raise InputError("file not found", file=path, expected="a CSV file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        records = list(reader)
    if "country" not in header or "year" not in header:
        raise InputError(f"header is {header}", file=path, row=1, expected="columns country and year")
    long_form = "indicator" in header and "value" in header
    value_columns = ["value"] if long_form else [h for h in header if h not in ("country", "year", *OPTIONAL_COLUMNS)]
    if not long_form:
        unknown = [h for h in value_columns if h not in INDICATORS]
        if unknown or not value_columns:
            raise InputError(f"column(s) {unknown or '(none)'} are not indicators", file=path, row=1,
                             expected="long form (country, year, indicator, value) or indicator columns: "
                             + ", ".join(sorted(INDICATORS)))
    rows: list[UserRow] = []
    seen: dict[tuple[str, int, str, str], int] = {}
    for number, record in enumerate(records, start=2):  # row 1 is the header
        record = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
        code, name = _country(path, number, record.get("country", ""))
        try:
            year = int(record.get("year", ""))
        except ValueError:
            raise InputError(f"year is {record.get('year')!r}", file=path, row=number, column="year",
                             expected="a whole year such as 2025") from None
        if not 1900 <= year <= 2100:
            raise InputError(f"year {year} is out of range", file=path, row=number, column="year",
                             expected="1900-2100")
        price_basis = record.get("price_basis") or "current"
        if not PRICE_BASIS_PATTERN.match(price_basis):
            raise InputError(f"price_basis is {price_basis!r}", file=path, row=number, column="price_basis",
                             expected="current, constant-YYYY or none")
        estimate = _bool(path, number, record.get("estimate", ""))
        for column in value_columns:
            indicator = record["indicator"] if long_form else column
            if indicator not in INDICATORS:
                raise InputError(f"unknown indicator {indicator!r}", file=path, row=number, column="indicator",
                                 expected="one of " + ", ".join(sorted(INDICATORS)))
            text = record.get(column, "")
            if text == "" and not long_form:
                continue
            try:
                value = float(text)
            except ValueError:
                raise InputError(f"found {text!r} where a number belongs", file=path, row=number, column=column,
                                 expected="a number") from None
            if not math.isfinite(value):
                raise InputError(f"value {text!r} is not finite", file=path, row=number, column=column,
                                 expected="a finite number")
            unit = INDICATORS[indicator].unit
            if record.get("unit") and record["unit"] != unit:
                raise InputError(f"unit {record['unit']!r} for {indicator}", file=path, row=number, column="unit",
                                 expected=repr(unit))
            key = (code, year, indicator, price_basis)
            if key in seen:
                raise InputError(f"duplicate row for {code} {year} {indicator} ({price_basis}); first at row "
                                 f"{seen[key]}", file=path, row=number, expected="one row per country, year, indicator")
            seen[key] = number
            rows.append(UserRow(code, name, year, indicator, price_basis, value, unit, estimate,
                                record.get("flags", ""), path.name))
    if not rows:
        raise InputError("no data rows", file=path, expected="at least one row of figures")
    return rows
