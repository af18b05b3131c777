"""Ingest of the SIPRI Military Expenditure Database workbook.

Values come from python-calamine (fast); the estimate / highly-uncertain flags live only
in the font colour, which openpyxl reads in read-only mode. Units are fixed on the way
in: SIPRI's fractions become percent and local currency becomes millions, by decimal
shifts of the published digits so that no binary rounding creeps in.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import column_index_from_string

from natospend.data.dataset import Row
from natospend.data.indicators import INDICATORS, indicator_unit
from natospend.data.reference import normalise_name, sipri_name_index
from natospend.errors import InputError
from natospend.ingest.excel import (
    Cell,
    check_consecutive_years,
    column_letter,
    is_empty,
    is_number,
    normalise_text,
    read_workbook_values,
)

SOURCE = "sipri"
PUBLISHER = "Stockholm International Peace Research Institute (SIPRI)"
TITLE = "SIPRI Military Expenditure Database"
ATTRIBUTION = "Source: SIPRI Military Expenditure Database"

REGIONS = ("africa", "americas", "asia & oceania", "europe", "middle east")
# SIPRI writes missing data as ". ." (2025 release) or "..." and "…" (2026 release); nothing else is guessed
MISSING = {"...": "no_data", "…": "no_data", ". .": "no_data", "xxx": "not_independent"}
SYMBOL_FLAGS = {
    "†": "excludes_pensions",
    "‡": "current_spending_only",
    "§": "adopted_budget",
    "¶": "excludes_paramilitary",
    "‖": "currency_redenominated",
}
ESTIMATE_COLOUR, UNCERTAIN_COLOUR = "blue", "red"


@dataclass(frozen=True)
class SheetSpec:
    sheet: str  # regex, full match on the sheet name; group "base" is the price base year
    indicator: str
    price_basis: str
    decimal_shift: int  # power of ten applied to the published digits
    title: str  # regex searched in the sheet's first row, to catch a changed meaning


SHEET_SPECS: tuple[SheetSpec, ...] = (
    SheetSpec(
        r"Constant \((?P<base>\d{4})\) US\$",
        "defence_expenditure_usd_m",
        "constant-{base}",
        0,
        r"constant \(\d{4}\) us\$ m\.",
    ),
    SheetSpec(r"Current US\$", "defence_expenditure_usd_m", "current", 0, r"millions of us\$ at current prices"),
    SheetSpec(
        r"Share of GDP", "defence_expenditure_share_gdp_pct", "current", 2, r"percentage of gross domestic product"
    ),
    SheetSpec(r"Per capita", "defence_expenditure_per_capita_usd", "current", 0, r"per capita"),
    SheetSpec(
        r"Share of Govt\. spending",
        "defence_expenditure_share_government_pct",
        "current",
        2,
        r"percentage of government spending",
    ),
    SheetSpec(r"Local currency calendar years", "defence_expenditure_nc_m", "current", -6, r"in local currency"),
    SheetSpec(r"Local currency financial years", "defence_expenditure_nc_fy_m", "current", -6, r"in local currency"),
)


@dataclass
class SipriWorkbook:
    path: Path
    edition: str
    rows: list[Row]
    footnotes: dict[str, str]  # symbol or number -> text


def shift_decimal(value: float, places: int) -> float:
    """value x 10**places on the published decimal digits (0.0705 -> 7.05, not 7.050000000000001).

    repr() gives the shortest decimal string that reads back as the same float; appending an
    exponent shifts that decimal number exactly, and float() rounds it once, correctly: the same
    result as Decimal(repr(value)).scaleb(places), four times faster."""
    text = repr(float(value))
    if places == 0 or text in ("inf", "-inf", "nan"):
        return float(value)
    mantissa, _, exponent = text.partition("e")
    return float(f"{mantissa}e{int(exponent or 0) + places}")


def _colour_name(color: object) -> str | None:
    """Classify an openpyxl font colour as 'blue', 'red' or None (automatic/black)."""
    if color is None:
        return None
    kind = getattr(color, "type", None)
    if kind == "indexed":
        index = color.indexed  # type: ignore[attr-defined]
        rgb = COLOR_INDEX[index] if index < len(COLOR_INDEX) else None
    elif kind == "rgb":
        rgb = color.rgb  # type: ignore[attr-defined]
    else:
        return None  # theme colours: SIPRI uses none for data; treated as plain text colour
    if not isinstance(rgb, str) or len(rgb) < 6:
        return None
    r, g, b = (int(rgb[-6:][i : i + 2], 16) for i in (0, 2, 4))
    if b >= 0xC0 and r < 0x60 and g < 0x60:
        return "blue"
    if r >= 0xC0 and g < 0x60 and b < 0x60:
        return "red"
    return None


# A cell's start tag. Excel writes <c r="AR10" s="12" t="n"> (r, s, t in that order, nothing else): read
# fast when every tag of a sheet has that form; otherwise each tag's attributes are read in any order.
_CELL_START = re.compile(rb"<c\s")
_EXCEL_CELL_TAG = re.compile(rb'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?/?>')
_CELL_TAG = re.compile(rb"<c\s([^>]*)>")
_CELL_ATTRIBUTE = re.compile(rb'(?<=\s)(r|s|t)="([^"]*)"')
_CELL_REFERENCE = re.compile(rb"([A-Z]+)(\d+)")


def coloured_cells(sheet_xml: bytes, wanted: dict[bytes, str]) -> dict[tuple[int, int], str]:
    """{(row0, col0): colour} for the numeric cells of one sheet's XML whose style id is in `wanted`."""
    tags = _EXCEL_CELL_TAG.findall(sheet_xml)
    if len(tags) != len(_CELL_START.findall(sheet_xml)):  # another writer's order or attributes
        tags = []
        for attributes in _CELL_TAG.findall(sheet_xml):
            values = dict(_CELL_ATTRIBUTE.findall(b" " + attributes))
            reference = _CELL_REFERENCE.fullmatch(values.get(b"r", b""))
            if reference:
                tags.append((*reference.groups(), values.get(b"s", b""), values.get(b"t", b"")))
    found: dict[tuple[int, int], str] = {}
    for letters, row, style, kind in tags:
        colour = wanted.get(style)
        if colour is not None and kind in (b"", b"n"):
            found[(int(row) - 1, column_index_from_string(letters.decode()) - 1)] = colour
    return found


def coloured_styles(workbook: Any) -> dict[int, str]:
    """Cell style index -> 'blue' or 'red', from the workbook's style table.

    openpyxl has no public accessor for the style table (_cell_styles, _fonts); the cross-check test
    against openpyxl's per-cell fonts guards this read."""
    return {
        index: colour
        for index, style in enumerate(workbook._cell_styles)
        if (colour := _colour_name(workbook._fonts[style.fontId].color))
    }


def read_font_flags(path: Path, sheet_names: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """{sheet: {(row0, col0): 'blue'|'red'}} for numeric cells with a coloured font.

    openpyxl supplies the style table and each sheet's part name; the cells are then found
    by scanning the sheet XML for the few coloured style ids, which takes a tenth of the
    time of openpyxl building a cell object for all 100,000 cells.
    """
    try:
        with warnings.catch_warnings():  # openpyxl warns about parts it skips: the error below says enough
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True)
            try:
                colours = coloured_styles(workbook)
                # each sheet's part in the archive: openpyxl keeps it, with no public accessor
                parts = {name: workbook[name]._worksheet_path for name in sheet_names}
            finally:
                workbook.close()
        wanted = {str(index).encode(): colour for index, colour in colours.items()}
        with zipfile.ZipFile(path) as archive:
            return {name: coloured_cells(archive.read(part.lstrip("/")), wanted) for name, part in parts.items()}
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged style table
        raise InputError(
            f"cannot read the workbook's style table, where SIPRI marks estimates ({type(exc).__name__}: {exc})"[:300],
            file=path,
            expected="SIPRI's workbook as published",
        ) from None


def _find_sheet(path: Path, sheets: dict[str, list[list[Cell]]], spec: SheetSpec) -> tuple[str, str | None]:
    for name in sheets:
        match = re.fullmatch(spec.sheet, name.strip())
        if match:
            return name, match.groupdict().get("base")
    raise InputError(
        f"no sheet named like {spec.sheet!r}; the workbook has {sorted(sheets)}",
        file=path,
        expected="the SIPRI sheets " + ", ".join(repr(s.sheet) for s in SHEET_SPECS),
    )


def _header(path: Path, sheet: str, rows: list[list[Cell]]) -> tuple[int, dict[int, int], dict[str, int]]:
    for r, row in enumerate(rows[:30]):
        if row and isinstance(row[0], str) and row[0].strip().casefold() == "country":
            years: dict[int, int] = {}
            named: dict[str, int] = {}
            for c, cell in enumerate(row[1:], start=1):
                if is_number(cell) and float(cell).is_integer() and 1900 <= cell <= 2100:
                    years[c] = int(cell)
                elif isinstance(cell, str) and cell.strip():
                    named[normalise_text(cell)] = c
            if len(years) < 3:
                raise InputError(
                    "the 'Country' header row has no year columns",
                    file=path,
                    sheet=sheet,
                    row=r + 1,
                    expected="years such as 1949 ... 2024 after the Country column",
                )
            check_consecutive_years([years[c] for c in sorted(years)], file=path, sheet=sheet, row=r)
            return r, years, named
    raise InputError(
        "no header row starting with 'Country'",
        file=path,
        sheet=sheet,
        expected="a header row 'Country', ..., 1949, 1950, ...",
    )


def _missing_marker(value: object) -> str | None:
    """The flag of a missing-data marker ('. .', '...', '\u2026', 'xxx'), or None."""
    return MISSING.get(" ".join(value.split())) if isinstance(value, str) else None


def _notes_flags(notes: str) -> list[str]:
    flags = [SYMBOL_FLAGS[ch] for ch in notes if ch in SYMBOL_FLAGS]
    flags += [f"sipri_footnote_{n}" for n in re.findall(r"\d+", notes)]
    return flags


def _parse_sheet(
    path: Path,
    sheets: dict[str, list[list[Cell]]],
    spec: SheetSpec,
    colours: dict[str, dict[tuple[int, int], str]],
    out: list[Row],
) -> tuple[str, int]:
    sheet, base = _find_sheet(path, sheets, spec)
    rows = sheets[sheet]
    title = normalise_text(rows[0][0]) if rows and rows[0] else ""
    if not re.search(spec.title, title):
        raise InputError(
            f"sheet title is {title!r}", file=path, sheet=sheet, row=1, expected=f"a title containing {spec.title!r}"
        )
    titled_base = re.search(r"constant \((\d{4})\)", title)
    if base is not None and (titled_base is None or titled_base.group(1) != base):
        raise InputError(
            f"sheet {sheet!r} is in {base} prices by its name, but its title is {title!r}",
            file=path,
            sheet=sheet,
            row=1,
            column="A",
            expected=f"a title naming constant ({base}) US$, as the sheet name does",
        )
    header_row, years, named = _header(path, sheet, rows)
    notes_col = named.get("notes")
    currency_col = named.get("currency")
    fy_col = next((c for text, c in named.items() if text.startswith("fiscal year")), None)
    price_basis = spec.price_basis.format(base=base)
    indicator = INDICATORS[spec.indicator]
    bounded = not indicator.is_share  # shares: the range check with its listed outliers (Kuwait 1991)
    sheet_colours = colours.get(sheet, {})
    index = sipri_name_index()
    region = subregion = ""
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if not row or is_empty(row[0]):
            continue
        label = str(row[0]).strip()
        data = {c: row[c] if c < len(row) else "" for c in years}
        iso3 = index.get(normalise_name(label))
        blank = all(is_empty(v) for v in data.values()) and all(is_empty(v) for v in row[1:])
        # the 2026 release fills some subregion rows ("East Asia") with "..." markers: a row that is not a
        # known country and holds nothing but blanks and missing-data markers is a heading too
        only_markers = iso3 is None and all(is_empty(v) or _missing_marker(v) is not None for v in row[1:])
        if blank or only_markers:
            if normalise_text(label) in REGIONS:
                region, subregion = label, ""
            else:
                subregion = label
            continue
        if iso3 is None:
            raise InputError(
                f"unknown SIPRI country name {label!r}",
                file=path,
                sheet=sheet,
                row=r + 1,
                column="A",
                expected="a name listed in data/reference/sipri_countries.csv",
            )
        notes = str(row[notes_col]).strip() if notes_col is not None and notes_col < len(row) else ""
        base_flags = _notes_flags(notes)
        unit = indicator_unit(spec.indicator)
        if currency_col is not None:
            unit = f"{unit} ({str(row[currency_col]).strip()})"
        if fy_col is not None and not is_empty(row[fy_col]):
            base_flags.append("fiscal_year=" + "_".join(str(row[fy_col]).split()))
        joined = ";".join(base_flags)
        with_flag = {
            flag: ";".join([*base_flags, flag]) for flag in ("highly_uncertain", "no_data", "not_independent", "blank")
        }
        for c, year in years.items():
            value = data[c]
            flags = joined
            estimate = False
            number: float | None = None
            if is_number(value):
                number = shift_decimal(value, spec.decimal_shift)
                if bounded and (problem := indicator.out_of_bounds(number)):
                    raise InputError(
                        f"{label} {year}: {problem}",
                        file=path,
                        sheet=sheet,
                        row=r + 1,
                        column=column_letter(c),
                        expected=f"a plausible {indicator.description}",
                    )
                colour = sheet_colours.get((r, c))
                estimate = colour == ESTIMATE_COLOUR
                if colour == UNCERTAIN_COLOUR:
                    flags = with_flag["highly_uncertain"]
            elif (marker := _missing_marker(value)) is not None:
                flags = with_flag[marker]
            elif is_empty(value):
                flags = with_flag["blank"]
            else:
                raise InputError(
                    f"found {value!r} where a number belongs ({label}, {year})",
                    file=path,
                    sheet=sheet,
                    row=r + 1,
                    column=column_letter(c),
                    expected="a number or a SIPRI missing-data marker: " + ", ".join(repr(m) for m in MISSING),
                )
            out.append(
                Row(
                    iso3,
                    label,
                    year,
                    spec.indicator,
                    price_basis,
                    number,
                    unit,
                    estimate,
                    flags,
                    sheet,
                    region,
                    subregion,
                )
            )
    return sheet, max(years.values())


def _footnotes(path: Path, sheets: dict[str, list[list[Cell]]]) -> dict[str, str]:
    rows = sheets.get("Footnotes")
    if rows is None:
        raise InputError("no 'Footnotes' sheet", file=path, expected="SIPRI's Footnotes sheet")
    notes: dict[str, str] = {}
    for row in rows:
        if len(row) < 2:
            continue
        key, text = row[0], next((str(v).strip() for v in row[1:] if isinstance(v, str) and v.strip()), "")
        if not text:
            continue
        if is_number(key):
            notes[str(int(key))] = text
        elif isinstance(key, str) and key.strip() in SYMBOL_FLAGS:
            notes[key.strip()] = text
    return notes


def parse_sipri_workbook(path: str | Path) -> SipriWorkbook:
    path = Path(path)
    sheets = read_workbook_values(path)
    data_sheets = [_find_sheet(path, sheets, spec)[0] for spec in SHEET_SPECS]
    colours = read_font_flags(path, data_sheets)
    rows: list[Row] = []
    last_years = {
        spec.indicator + "/" + spec.sheet: _parse_sheet(path, sheets, spec, colours, rows)[1] for spec in SHEET_SPECS
    }
    last = max(last_years.values())
    # SIPRI releases its data for year Y in April of year Y+1: the edition is the release year.
    return SipriWorkbook(path=path, edition=str(last + 1), rows=rows, footnotes=_footnotes(path, sheets))
