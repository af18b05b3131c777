"""Reading cell values from Excel workbooks (python-calamine: fast, values only)."""

from __future__ import annotations

import re
import zipfile
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


# Bounds checked before any reader builds a sheet: the official workbooks' largest sheet has 202 rows by 81
# columns and 0.7 MB of XML. calamine builds a dense grid from the first to the last cell, so one cell at
# XFD1048576 asks for 550 GB; a part that inflates to gigabytes is read to the end.
MAX_PART_BYTES = 64 << 20  # one part of the workbook (a sheet, the shared strings), inflated
MAX_WORKBOOK_BYTES = 256 << 20  # every part together, inflated
MAX_SHEET_CELLS = 2_000_000  # rows x columns from A1 to the last cell of a sheet
MAX_SHARED_STRINGS = 5_000_000  # the count a shared-strings part declares (calamine reserves room for it)
# Any cell or row reference in any XML part, whatever its name or path (a relationship can point a sheet
# anywhere), attribute order or quotes: <c t="n" r='XFD1048576'>, <row r="1048576">.
_CELL_REF = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["']""")
_ROW_REF = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\sr\s*=\s*["']([0-9]{1,7})["']""")
_DIMENSION = re.compile(
    rb"""<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*["'][^"':]*:?\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["']"""
)
_STRING_COUNT = re.compile(rb"""<(?:\w+:)?sst\b[^>]*?\s(?:unique)?[cC]ount\s*=\s*["']([0-9]+)["']""")
_TOO_LARGE = "a workbook of the size NATO and SIPRI publish"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def check_workbook_bounds(path: Path) -> None:
    """Refuse, in one line, a workbook whose parts inflate beyond the bounds, a sheet whose cells span more
    than MAX_SHEET_CELLS, or shared strings declaring more than MAX_SHARED_STRINGS: every XML part is
    inflated once, in 1 MB pieces, counting and scanning (0.1 s for SIPRI's workbook). A damaged or
    encrypted archive is refused here too."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"cannot read the workbook: {exc}", file=path, expected="an .xlsx workbook") from None
    total = 0
    with archive:
        for info in archive.infolist():
            if info.file_size > MAX_PART_BYTES:
                raise InputError(
                    f"part {info.filename} would inflate to {info.file_size:,} bytes (at most {MAX_PART_BYTES:,} are read)",
                    file=path,
                    expected=_TOO_LARGE,
                )
            rows = columns = size = 0
            tail = b""
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 20):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_PART_BYTES or total > MAX_WORKBOOK_BYTES:
                            raise InputError(
                                f"part {info.filename} inflates beyond {min(size, total):,} bytes "
                                f"(at most {MAX_PART_BYTES:,} a part, {MAX_WORKBOOK_BYTES:,} in all are read)",
                                file=path,
                                expected=_TOO_LARGE,
                            )
                        data = tail + chunk
                        for pattern in (_CELL_REF, _DIMENSION):  # both end in a cell reference
                            for match in pattern.finditer(data):
                                columns = max(columns, _column_number(match.group(1)))
                                rows = max(rows, int(match.group(2)))
                        rows = max([rows, *(int(m.group(1)) for m in _ROW_REF.finditer(data))])
                        for match in _STRING_COUNT.finditer(data):
                            if int(match.group(1)) > MAX_SHARED_STRINGS:
                                raise InputError(
                                    f"part {info.filename} declares {int(match.group(1)):,} shared strings "
                                    f"(at most {MAX_SHARED_STRINGS:,} are read)",
                                    file=path,
                                    expected=_TOO_LARGE,
                                )
                        tail = data[-200:]  # a tag cut by the chunk boundary is found in the next round
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError) as exc:  # CRC, encrypted
                raise InputError(f"cannot read the workbook: {exc}", file=path, expected="an .xlsx workbook") from None
            if rows * max(columns, 1) > MAX_SHEET_CELLS or columns > 16_384:
                raise InputError(
                    f"part {info.filename} spans {rows:,} rows by {columns:,} columns "
                    f"(at most {MAX_SHEET_CELLS:,} cells are read)",
                    file=path,
                    expected=_TOO_LARGE,
                )


def read_workbook_values(path: Path) -> dict[str, list[list[Cell]]]:
    """Every sheet as rows of cell values; row i of the list is Excel row i+1."""
    if not path.is_file():
        raise InputError("file not found", file=path, expected="an .xlsx workbook")
    check_workbook_bounds(path)
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
