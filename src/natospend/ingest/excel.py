"""Reading cell values from Excel workbooks (python-calamine: fast, values only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from natospend.errors import InputError

Cell = Any  # float, int, str, bool, datetime or "" for an empty cell


def column_letter(index: int) -> str:
    """0-based column index (calamine's) -> Excel letters (0 -> A, 26 -> AA), by openpyxl."""
    return get_column_letter(index + 1)


def check_consecutive_years(years: list[int], *, file: Path, sheet: str, row: int) -> None:
    """A header's years, left to right, must run without a gap or a repeat (row: 0-based)."""
    if years != list(range(years[0], years[0] + len(years))):
        shown = ", ".join(str(y) for y in years[:12]) + (", ..." if len(years) > 12 else "")
        raise InputError(
            f"year header is not a run of consecutive years: {shown}",
            file=file,
            sheet=sheet,
            row=row + 1,
            expected="consecutive years left to right",
        )


def read_workbook_values(path: Path) -> dict[str, list[list[Cell]]]:
    """Every sheet as rows of cell values; row i of the list is Excel row i+1."""
    if not path.is_file():
        raise InputError("file not found", file=path, expected="an .xlsx workbook")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return {
            name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in workbook.sheet_names
        }
    except Exception as exc:  # calamine raises several private error types
        raise InputError(f"cannot read the workbook: {exc}", file=path, expected="an .xlsx workbook") from exc


def is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def is_number(value: Cell) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normalise_text(value: Cell) -> str:
    return " ".join(str(value).split()).casefold()


_YEAR = re.compile(r"(\d{4})(e?)")


def parse_year(value: Cell) -> tuple[int, bool] | None:
    """A year header cell -> (year, is_estimate), or None. Accepts 2019, 2019.0, '2019', '2023e'."""
    if is_number(value) and float(value).is_integer() and 1900 <= value <= 2100:
        return int(value), False
    if isinstance(value, str):
        match = _YEAR.fullmatch(value.strip())
        if match:
            return int(match.group(1)), match.group(2) == "e"
    return None
