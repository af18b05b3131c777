"""Ingest of the IMF's World Economic Outlook (GDP, growth, prices, PPP, population), as source `imf`.

Two forms are read: the project's long re-serialisation (ref_area, concept, unit, scale, base_year,
lastactualdate, year, value, with value already divided by 10**scale) and the IMF's own download
(upper-case SDMX columns, unscaled values). Units are fixed on the way in by exact decimal shifts:
billions become millions; every value after an economy's last actual year is flagged imf_projection.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from natospend.data.dataset import Row
from natospend.data.indicators import INDICATORS
from natospend.errors import InputError
from natospend.ingest.sipri import shift_decimal

SOURCE = "imf"
PUBLISHER = "International Monetary Fund (IMF)"
TITLE = "World Economic Outlook database"
PROJECTION_FLAG = "imf_projection"


@dataclass(frozen=True)
class Concept:
    indicator: str
    price_basis: str
    to_unit_power: int  # the power of ten from the IMF's scaled value to the indicator's unit


# WEO concept -> dataset indicator. The IMF's scale 9 (billions) becomes millions (+3); scale 6 stays millions.
CONCEPTS: dict[str, Concept] = {
    "NGDPD": Concept("gdp_usd_m", "current", 3),
    "NGDP": Concept("gdp_nc_m", "current", 3),
    "NGDP_R": Concept("gdp_real_nc_m", "constant", 3),
    "NGDP_RPCH": Concept("gdp_real_growth_pct", "constant", 0),
    "NGDP_D": Concept("gdp_deflator_index", "none", 0),
    "PPPGDP": Concept("gdp_ppp_intl_usd_m", "current", 3),
    "PPPEX": Concept("ppp_conversion_rate_nc_per_intl_usd", "current", 0),
    "PPPPC": Concept("gdp_ppp_per_capita_intl_usd", "current", 0),
    "NGDPDPC": Concept("gdp_per_capita_usd", "current", 0),
    "LP": Concept("population_m", "none", 0),
    "GGX_NGDP": Concept("government_expenditure_share_gdp_pct", "current", 0),
    "PCPIPCH": Concept("inflation_pct", "none", 0),
}
EXPECTED_SCALE = {"NGDPD": 9, "NGDP": 9, "NGDP_R": 9, "PPPGDP": 9, "LP": 6}  # others: units (0)
LONG_COLUMNS = ("ref_area", "concept", "unit", "scale", "base_year", "lastactualdate", "year", "value")
# The IMF's own download: upper-case SDMX names, values not yet divided by 10**scale.
SDMX_COLUMNS = {
    "COUNTRY": "ref_area",
    "INDICATOR": "concept",
    "UNIT": "unit",
    "SCALE": "scale",
    "TIME_PERIOD": "year",
    "OBS_VALUE": "value",
    "LATEST_ACTUAL_ANNUAL_DATA": "lastactualdate",
    "BASE_YEAR": "base_year",
}


@dataclass
class ImfFile:
    path: Path
    edition: str
    rows: list[Row]


def read_areas(path: Path) -> dict[str, str]:
    """The IMF's names of its areas (code -> name), from the areas file beside the data."""
    if not path.is_file():
        raise InputError("the IMF areas file is missing", file=path, expected="code,area for every ref_area")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["code", "area"]:
            raise InputError(f"header is {reader.fieldnames}", file=path, row=1, expected="code,area")
        return {row["code"].strip(): row["area"].strip() for row in reader}


def _edition(path: Path) -> str:
    """'imf-weo-2025-10-subset.csv' -> '2025-10' (the WEO's release, year and month)."""
    match = re.search(r"(20\d\d)[-_](04|10)\b", path.name)
    if match is None:
        raise InputError(
            "the WEO release is not in the file name",
            file=path,
            expected="a name with the release, such as imf-weo-2025-10-subset.csv",
        )
    return f"{match.group(1)}-{match.group(2)}"


def parse_weo(path: str | Path, areas_path: str | Path | None = None) -> ImfFile:
    """Every known concept of every area, in the dataset's units; errors name the row and column."""
    path = Path(path)
    areas = read_areas(Path(areas_path) if areas_path else _areas_beside(path))
    edition = _edition(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        sdmx = "OBS_VALUE" in header  # the IMF's own download
        names = [SDMX_COLUMNS.get(h, h) for h in header] if sdmx else header
        missing = [c for c in LONG_COLUMNS if c not in names and c != "base_year"]
        if missing:
            raise InputError(
                f"columns {missing} are missing from the header {header}",
                file=path,
                row=1,
                expected=", ".join(LONG_COLUMNS) + " (or the IMF's SDMX names)",
            )
        position = {name: i for i, name in enumerate(names)}
        records = [(number, row) for number, row in enumerate(reader, start=2)]
    last_actual: dict[str, int] = {}
    for _, row in records:
        text = row[position["lastactualdate"]].strip()
        if text.isdigit():
            area = row[position["ref_area"]]
            last_actual[area] = max(last_actual.get(area, 0), int(text))
    rows: list[Row] = []
    seen: dict[tuple[str, str, int], int] = {}
    for number, row in records:

        def cell(column: str) -> str:
            # called within this iteration only: the loop variable is the one meant
            return row[position[column]].strip() if position.get(column) is not None else ""  # noqa: B023

        area, code = cell("ref_area"), cell("concept")
        if area not in areas:
            raise InputError(
                f"unknown area code {area!r}",
                file=path,
                row=number,
                column="ref_area",
                expected="a code listed in the IMF areas file",
            )
        concept = CONCEPTS.get(code)
        if concept is None:
            raise InputError(
                f"unknown WEO concept {code!r}", file=path, row=number, column="concept", expected=", ".join(CONCEPTS)
            )
        scale_text = cell("scale")
        if not scale_text.isdigit():
            raise InputError(
                f"scale is {scale_text!r}",
                file=path,
                row=number,
                column="scale",
                expected="the power of ten of the values (0, 6 or 9)",
            )
        scale = int(scale_text)
        if scale != EXPECTED_SCALE.get(code, 0):
            raise InputError(
                f"{code} has scale {scale}",
                file=path,
                row=number,
                column="scale",
                expected=f"scale {EXPECTED_SCALE.get(code, 0)} for {code}",
            )
        try:
            year = int(cell("year"))
        except ValueError:
            raise InputError(
                f"year is {cell('year')!r}", file=path, row=number, column="year", expected="a year"
            ) from None
        key = (area, code, year)
        if key in seen:
            raise InputError(
                f"a second row for {area} {code} {year} (the first is row {seen[key]})",
                file=path,
                row=number,
                expected="one row per area, concept and year",
            )
        seen[key] = number
        text = cell("value")
        try:
            value = float(text) if text else None
        except ValueError:
            raise InputError(
                f"found {text!r} where a number belongs", file=path, row=number, column="value", expected="a number"
            ) from None
        if value is not None:
            value = shift_decimal(value, concept.to_unit_power - (scale if sdmx else 0))
        basis = concept.price_basis
        if basis == "constant":
            base = cell("base_year")
            basis = f"constant-{base}" if base.isdigit() else "constant"
        projection = year > last_actual.get(area, 9999)
        rows.append(
            Row(
                area,
                areas[area],
                year,
                concept.indicator,
                basis,
                value,
                INDICATORS[concept.indicator].unit,
                projection,
                PROJECTION_FLAG if projection else "",
                code,
            )
        )
    if not rows:
        raise InputError("no data rows", file=path, expected="the WEO observations")
    return ImfFile(path=path, edition=edition, rows=rows)


def _areas_beside(path: Path) -> Path:
    """imf-weo-2025-10-subset.csv -> imf-weo-2025-10-areas.csv in the same folder."""
    return path.with_name(
        re.sub(r"-subset\.csv$", "-areas.csv", path.name)
        if path.name.endswith("-subset.csv")
        else path.stem + "-areas.csv"
    )
