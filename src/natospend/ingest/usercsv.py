"""A researcher's own figures from a CSV, validated like the published sources.

Two forms are accepted (see docs in README):
- long: columns country, year, indicator, value, and optionally price_basis, estimate, flags;
- wide: columns country, year and one column per indicator name (e.g. a budget for next year).
`country` is an ISO3 code or any spelling natospend knows (NATO's, SIPRI's).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from tqdm import tqdm

from natospend.data.indicators import INDICATORS
from natospend.data.reference import (
    known_country_codes,
    nato_name_index,
    normalise_name,
    resolve_ally,
    sipri_name_index,
)
from natospend.errors import InputError

LONG_COLUMNS = ("country", "year", "indicator", "value")
OPTIONAL_COLUMNS = ("price_basis", "estimate", "flags", "unit")
MAX_HEADER_BYTES = 64 * 1024  # the header is read as one line before the streaming reader starts
MAX_COLUMNS = 200  # country, year and one column per indicator (there are a few dozen)
LABEL_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,39}")  # used with fullmatch: no trailing newline
PRICE_BASIS_PATTERN = re.compile(r"current|constant-\d{4}|none")
# Every publisher's label belongs to its own reader (ingest/pipeline.py's READERS; a test keeps the two in
# step): a user's CSV labelled "imf" would replace the IMF's file or pass for a newer IMF edition.
RESERVED_LABELS = ("imf", "nato", "sipri")


def check_label(label: str) -> str:
    if label.casefold() in RESERVED_LABELS:
        raise InputError(
            f"source label {label!r} is reserved for the publisher's own files (natospend ingest --{label.casefold()})",
            expected="a label of your own, not " + ", ".join(RESERVED_LABELS),
        )
    if not LABEL_PATTERN.fullmatch(label):
        raise InputError(
            f"source label {label!r} is not allowed",
            expected="lower-case letters, digits, '-' or '_', starting with a letter",
        )
    return label


def _country(path: Path, row_number: int, text: str) -> tuple[str, str]:
    codes = known_country_codes()
    if text.strip().upper() in codes:
        code = text.strip().upper()
        return code, codes[code]
    try:  # the allies' codes, names and common spellings (UK, Turkey, Holland), as the notebooks accept them
        code = resolve_ally(text)
        return code, codes[code]
    except ValueError:
        pass
    key = normalise_name(text)
    if key in nato_name_index():
        return nato_name_index()[key]
    if key in sipri_name_index():
        code = sipri_name_index()[key]
        return code, codes[code]
    raise InputError(
        f"unknown country {text!r}",
        file=path,
        row=row_number,
        column="country",
        expected="an ISO3 code or a country name natospend knows (see data/reference/)",
    )


# Rows per batch: a 1-million-row CSV is read in a few batches, so memory stays bounded by the
# batch and the typed result, never by Python objects for every cell.
BLOCK_BYTES = 8 << 20


def read_user_csv(path: str | Path, label: str, edition: str = "user", *, progress: bool = False) -> pd.DataFrame:
    """A user CSV as dataset rows (source=label), validated batch by batch with pyarrow's streaming reader.

    Every problem names the file, the row (the header is row 1) and the column: unknown countries and
    indicators, years and numbers that are not, implausible amounts (1e308, negative money), a unit
    that is not the indicator's, and a second row for the same country, year, indicator and basis.
    """
    path = Path(path)
    check_label(label)
    header = _header(path)
    if "country" not in header or "year" not in header:
        raise InputError(f"header is {header}", file=path, row=1, expected="columns country and year")
    long_form = "indicator" in header and "value" in header
    value_columns = ["value"] if long_form else [h for h in header if h not in ("country", "year", *OPTIONAL_COLUMNS)]
    if long_form:  # every other column would be dropped without a word: a misspelt `estimat`, say
        extra = [h for h in header if h not in ("country", "year", "indicator", "value", *OPTIONAL_COLUMNS)]
        if extra:
            raise InputError(
                f"column(s) {extra[:5]} are not read in the long form",
                file=path,
                row=1,
                column=extra[0][:40],
                expected="country, year, indicator, value and optionally " + ", ".join(OPTIONAL_COLUMNS),
            )
    if not long_form:
        unknown = [h for h in value_columns if h not in INDICATORS]
        if unknown or not value_columns:
            raise InputError(
                f"column(s) {unknown or '(none)'} are not indicators",
                file=path,
                row=1,
                expected="long form (country, year, indicator, value) or indicator columns: "
                + ", ".join(sorted(INDICATORS)),
            )
    parts = [
        _check_batch(path, batch, first_row, long_form, value_columns)
        for batch, first_row in _batches(path, header, progress)
    ]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if frame.empty:
        raise InputError("no data rows", file=path, expected="at least one row of figures")
    key = ["country", "year", "indicator", "price_basis"]
    repeated = frame.duplicated(key, keep="first")
    if repeated.any():
        second = frame[repeated].iloc[0]
        first = frame[(frame[key] == second[key]).all(axis=1)].iloc[0]
        raise InputError(
            f"duplicate row for {second['country']} {second['year']} {second['indicator']} "
            f"({second['price_basis']}); first at row {int(first['row'])}",
            file=path,
            row=int(second["row"]),
            expected="one row per country, year, indicator",
        )
    frame = frame.drop(columns="row")
    frame.insert(0, "source", label)
    frame.insert(1, "edition", edition)
    frame["region"] = ""
    frame["subregion"] = ""
    frame["source_table"] = path.name
    return frame


def _header(path: Path) -> list[str]:
    """The header row, after checking the file is UTF-8 text and not a workbook."""
    if not path.is_file():
        raise InputError("file not found", file=path, expected="a CSV file")
    with path.open("rb") as handle:
        start = handle.read(4096)
    if start.startswith(b"PK\x03\x04"):
        raise InputError(
            "this is a zip archive (an .xlsx workbook?), not a CSV",
            file=path,
            row=1,
            expected="a UTF-8 CSV; the official workbooks go to --nato or --sipri",
        )
    if b"\x00" in start:
        raise InputError("this is a binary file, not a CSV", file=path, row=1, expected="a UTF-8 CSV")
    with path.open("rb") as handle:
        line = handle.readline(MAX_HEADER_BYTES + 1)
    if len(line) > MAX_HEADER_BYTES:
        raise InputError(
            f"the header is longer than {MAX_HEADER_BYTES:,} bytes",
            file=path,
            row=1,
            expected="a header of column names (country, year, ...) on the first line",
        )
    try:
        first = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"the header is not UTF-8 text ({error.reason} at byte {error.start})",
            file=path,
            row=1,
            expected="a CSV saved as UTF-8",
        ) from None
    try:
        header = [h.strip() for h in next(csv.reader([first]), [])]
    except csv.Error as error:  # a line break inside the header, as in old Mac files (CR only)
        raise InputError(
            f"cannot read the header ({error})", file=path, row=1, expected="lines ending in LF or CR LF"
        ) from None
    if len(header) > MAX_COLUMNS:
        raise InputError(f"{len(header):,} columns", file=path, row=1, expected=f"at most {MAX_COLUMNS:,} columns")
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in seen:  # pandas would rename the second one silently
            raise InputError(
                f"column {name[:40]!r} appears twice in the header (columns {seen[name] + 1} and {index + 1})",
                file=path,
                row=1,
                column=name[:40],
                expected="each column once",
            )
        seen[name] = index
    return header


def _first_non_utf8_row(path: Path) -> tuple[int, str]:
    """The file row (the header is row 1) of the first byte that is not UTF-8, and why: a batch reader
    knows only the batch."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return number, f"{error.reason} at byte {error.start + 1} of the row"
    return 0, "no invalid byte found"


def _batches(path: Path, header: list[str], progress: bool):  # type: ignore[no-untyped-def]
    """(pandas frame of text cells, file row number of its first row), batch by batch, with a progress bar."""
    names = [f"c{i}" for i in range(len(header))]  # header cells may repeat or carry spaces: read by position
    options = dict(
        read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK_BYTES, encoding="utf8"),
        convert_options=pa_csv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    row = 2
    with tqdm(
        total=path.stat().st_size,
        unit="B",
        unit_scale=True,
        desc=f"reading {path.name}",
        disable=not progress,
        leave=False,
    ) as bar:
        try:
            reader = pa_csv.open_csv(path, **options)
            for batch in reader:
                frame = batch.to_pandas()
                frame.columns = header
                yield frame, row
                row += len(frame)
                bar.update(batch.nbytes)
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            text = str(error).splitlines()[0]
            if "UTF8" in text or "utf-8" in text.lower() or isinstance(error, UnicodeDecodeError):
                bad_row, reason = _first_non_utf8_row(path)
                raise InputError(
                    f"not UTF-8 text ({reason})", file=path, row=bad_row or row, expected="a CSV saved as UTF-8"
                ) from None
            raise InputError(
                f"cannot read the CSV near row {row}: {text}",
                file=path,
                row=row,
                expected="one value per header column in every row",
            ) from None


def _first(
    path: Path, frame: pd.DataFrame, bad: pd.Series, first_row: int, column: str, problem: str, expected: str
) -> None:
    """Raise for the first row where `bad` holds, naming its row and column."""
    if bad.any():
        index = int(bad.to_numpy().nonzero()[0][0])
        value = frame[column].iloc[index] if column in frame else ""
        raise InputError(
            problem.format(value=value), file=path, row=first_row + index, column=column, expected=expected
        )


def _check_batch(
    path: Path, raw: pd.DataFrame, first_row: int, long_form: bool, value_columns: list[str]
) -> pd.DataFrame:
    raw = raw.apply(lambda column: column.str.strip())
    rows = pd.Series(np.arange(first_row, first_row + len(raw)), index=raw.index)
    # countries: resolve each distinct spelling once
    spellings = {text: _resolve_country(text) for text in raw["country"].unique()}
    resolved = raw["country"].map(lambda t: spellings[t][0])
    _first(
        path,
        raw,
        resolved.isna(),
        first_row,
        "country",
        "unknown country {value!r}",
        "an ISO3 code or a country name natospend knows (see data/reference/)",
    )
    year = pd.to_numeric(raw["year"], errors="coerce")
    _first(
        path, raw, year.isna() | (year % 1 != 0), first_row, "year", "year is {value!r}", "a whole year such as 2025"
    )
    _first(path, raw, ~year.between(1900, 2100), first_row, "year", "year {value} is out of range", "1900-2100")
    basis = raw["price_basis"].replace("", "current") if "price_basis" in raw else pd.Series("current", raw.index)
    valid_basis = {b: bool(PRICE_BASIS_PATTERN.fullmatch(b)) for b in basis.unique()}
    _first(
        path,
        raw.assign(price_basis=basis),
        ~basis.map(valid_basis),
        first_row,
        "price_basis",
        "price_basis is {value!r}",
        "current, constant-YYYY or none",
    )
    if "estimate" in raw:
        truth = {text: _truth(text) for text in raw["estimate"].unique()}
        estimate = raw["estimate"].map(truth)
        _first(path, raw, estimate.isna(), first_row, "estimate", "estimate is {value!r}", "true or false")
    else:
        estimate = pd.Series(False, raw.index)
    base = pd.DataFrame(
        {
            "country": resolved,
            "country_name": raw["country"].map(lambda t: spellings[t][1]),
            "year": year.astype("int64"),
            "price_basis": basis,
            "estimate": estimate.astype(bool),
            "flags": raw.get("flags", ""),
            "unit_given": raw.get("unit", ""),
            "row": rows,
        }
    )
    parts = []
    for column in value_columns:
        text = raw[column]
        keep = pd.Series(True, raw.index) if long_form else text != ""
        indicator = raw["indicator"] if long_form else pd.Series(column, raw.index)
        if long_form:
            _first(
                path,
                raw,
                ~indicator.isin(list(INDICATORS)),
                first_row,
                "indicator",
                "unknown indicator {value!r}",
                "one of " + ", ".join(sorted(INDICATORS)),
            )
        value = pd.to_numeric(text.where(keep, "0"), errors="coerce")
        _first(path, raw, keep & value.isna(), first_row, column, "found {value!r} where a number belongs", "a number")
        _first(
            path, raw, keep & ~np.isfinite(value), first_row, column, "value {value!r} is not finite", "a finite number"
        )
        for name in indicator[keep].unique():
            spec = INDICATORS[name]
            low, high = spec.bounds
            outside = keep & (indicator == name) & ~value.between(low, high)
            _first(
                path,
                raw,
                outside,
                first_row,
                column,
                f"{{value}} is outside the plausible range {low:g} to {high:g} {spec.unit} for {name}",
                f"a plausible {spec.description}",
            )
            wrong_unit = keep & (indicator == name) & (base["unit_given"] != "") & (base["unit_given"] != spec.unit)
            _first(
                path,
                raw.assign(unit=base["unit_given"]),
                wrong_unit,
                first_row,
                "unit",
                "unit {value!r} for " + name,
                repr(spec.unit),
            )
        part = base[keep].assign(indicator=indicator[keep], value=value[keep].astype("float64"))
        part["unit"] = part["indicator"].map({k: v.unit for k, v in INDICATORS.items()})
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    return out[
        ["country", "country_name", "year", "indicator", "price_basis", "value", "unit", "estimate", "flags", "row"]
    ]


def _resolve_country(text: str) -> tuple[str | None, str]:
    try:
        return _country(Path(""), 0, text)
    except InputError:
        return None, ""


def _truth(text: str) -> bool | None:
    value = text.strip().casefold()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    return None
