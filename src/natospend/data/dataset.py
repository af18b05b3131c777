"""The tidy dataset: one long table of every source, edition, country, year and indicator.

`load_spending()` is the fast read path used by notebooks and analysis; building and
validating the table lives in `ingest.py` and `validation.py`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from natospend.errors import InputError
from natospend.paths import SOURCES_JSON, SPENDING_DIR, require_project_root

COLUMNS = (
    "source",
    "edition",
    "country",
    "country_name",
    "year",
    "indicator",
    "price_basis",
    "value",
    "unit",
    "estimate",
    "flags",
    "region",
    "subregion",
    "source_table",
)
KEY = ("source", "edition", "country", "year", "indicator", "price_basis")
SORT_ORDER = ("source", "edition", "country", "indicator", "price_basis", "year")
TEXT_COLUMNS = (
    "source",
    "edition",
    "country",
    "country_name",
    "indicator",
    "price_basis",
    "unit",
    "flags",
    "region",
    "subregion",
    "source_table",
)


@dataclass(slots=True)  # slots: 80,000 rows a workbook build and read faster
class Row:
    """One published figure as every reader gives it: the dataset's columns less source and edition."""

    country: str
    country_name: str
    year: int
    indicator: str
    price_basis: str
    value: float | None
    unit: str
    estimate: bool
    flags: str
    source_table: str
    region: str = ""  # SIPRI's region and subregion; empty for the other sources
    subregion: str = ""


FLAG_MEANINGS = {
    "national_2pct_law": "NATO '*': the ally has a national law or political agreement calling for 2% of GDP or more",
    "no_data": "SIPRI '. .' / '...': data unavailable",
    "not_independent": "SIPRI 'xxx': the country did not exist or was not independent in all or part of the year",
    "highly_uncertain": "SIPRI red font: highly uncertain figure",
    "excludes_pensions": "SIPRI '†': figures do not include military pensions",
    "current_spending_only": "SIPRI '‡': figures are for current spending only (exclude capital spending)",
    "adopted_budget": "SIPRI '§': figures are for the adopted budget, rather than actual expenditure",
    "excludes_paramilitary": "SIPRI '¶': figures do not include spending on paramilitary forces",
    "currency_redenominated": "SIPRI '‖': currency changed or redenominated; local currency converted to the latest",
    "sipri_footnote_N": "SIPRI numbered footnote N (text in sources.json)",
    "fiscal_year=...": "SIPRI financial-year sheet: the country's fiscal year",
    "blank": "an empty cell in a SIPRI country row",
}


def rows_to_frame(rows: Sequence[Any], source: str, edition: str) -> pd.DataFrame:
    """Dataclass rows from a parser -> a frame with every dataset column, sorted."""
    if not rows:
        raise InputError(f"{source} {edition}: no rows were read", expected="at least one figure")
    names = [f.name for f in fields(rows[0])]
    # column by column: a dict of lists builds the frame in half the time of a list of row tuples
    frame = pd.DataFrame({name: [getattr(row, name) for row in rows] for name in names})
    frame.insert(0, "source", source)
    frame.insert(1, "edition", edition)
    for column in ("region", "subregion"):
        if column not in frame:
            frame[column] = ""
    return normalise_frame(frame)


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Column order, dtypes and row order that make the CSV byte-for-byte reproducible."""
    frame = frame.loc[:, list(COLUMNS)].copy()
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = pd.to_numeric(frame["value"]).astype("float64")
    frame["estimate"] = frame["estimate"].astype(bool)
    return frame.sort_values(list(SORT_ORDER), kind="mergesort").reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The dataset as CSV bytes (pyarrow's writer: ten times faster than pandas' here).

    Floats are written in their shortest round-trip form, so the published digits survive
    exactly; strings are quoted, booleans are true/false, a missing value is an empty field.
    """
    buffer = io.BytesIO()
    pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def read_spending_csv(path: Path | io.BytesIO) -> pd.DataFrame:
    """One file of the dataset (one source and edition), typed."""
    if isinstance(path, Path) and not path.is_file():
        raise InputError("dataset file not found: run `natospend ingest` first", file=path)
    dtypes: dict[str, Any] = {column: str for column in TEXT_COLUMNS}
    dtypes.update({"year": "int64", "value": "float64", "estimate": "bool"})
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={"value": [""]}, encoding="utf-8")


def file_records(folder: Path, outputs: dict[Path, bytes]) -> dict[str, dict[str, Any]]:
    """sources.json's `files`: each dataset file written (path under the dataset folder) with its size and
    sha256, which every later read checks."""
    return {
        path.relative_to(folder).as_posix(): {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for path, data in sorted(outputs.items())
    }


def _sources_document(sources: Path) -> Any:
    """sources.json, parsed once per version of the file (path, mtime, size); None when it is not JSON."""
    info = sources.stat()
    key = (str(sources.resolve()), info.st_mtime_ns, info.st_size)
    if key not in _SOURCES:
        try:
            document = json.loads(sources.read_text(encoding="utf-8"))
        except ValueError:
            document = None
        _SOURCES.clear()
        _SOURCES[key] = document
    return _SOURCES[key]


def _recorded(folder: Path) -> dict[str, dict[str, Any]]:
    """The `files` that sources.json (beside the dataset folder) records."""
    sources = folder.parent / "sources.json"
    try:
        document = _sources_document(sources)
    except FileNotFoundError:
        raise InputError(
            "no sources.json beside the dataset: run `natospend ingest` to rebuild it", file=sources
        ) from None
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict):
        raise InputError(
            "sources.json is damaged or has no record of the files written: run `natospend ingest`",
            file=sources,
        )
    return files


def provenance_records(sources: Path | None = None) -> list[dict[str, Any]]:
    """sources.json's `inputs`: one record per source and edition ingested, each checked for the fields the
    captions and manifests read (a hand-edited file is named, not a KeyError inside a notebook)."""
    sources = sources or SOURCES_JSON
    try:
        document = _sources_document(sources)
    except OSError:
        document = None
    records = document.get("inputs") if isinstance(document, dict) else None
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and isinstance(r.get("source"), str) and isinstance(r.get("edition"), str) for r in records
    ):
        raise InputError(
            "sources.json is damaged: its inputs are not records with a source and an edition; "
            "run `natospend ingest` to rebuild it",
            file=sources,
        )
    return records


def _verified_bytes(path: Path) -> bytes:
    """The file's bytes, if they are those sources.json recorded when `natospend ingest` wrote it: a number
    changed by hand or a file cut short is refused, never shown (sha256 runs at about 700 MB/s here)."""
    data = path.read_bytes()
    name = f"{path.parent.name}/{path.name}"
    record = _recorded(path.parent.parent).get(name)
    if record is not None and not isinstance(record, dict):
        record = {}  # a hand-edited record: the check below fails and says so
    if record is None:
        raise InputError(
            f"{name} is not recorded in sources.json: it was not written by `natospend ingest`; "
            "run `natospend ingest` (or remove the file)",
            file=path,
        )
    if len(data) != record.get("bytes") or hashlib.sha256(data).hexdigest() != record.get("sha256"):
        raise InputError(
            f"{name} is not the file `natospend ingest` wrote (its checksum differs from sources.json: "
            "changed or damaged); run `natospend ingest` to rebuild it",
            file=path,
        )
    return data


# A source label and an edition become a folder and a file name: plain names only.
SOURCE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
EDITION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def edition_file(folder: Path, source: str, edition: str) -> Path:
    """data/processed/spending/<source>/<edition>.csv: one file per source and edition, read only when asked for."""
    if not SOURCE_NAME.fullmatch(source):
        raise InputError(
            f"source label {source!r} is not a plain name",
            expected="lower-case letters, digits, '_' and '-', starting with a letter",
        )
    if not EDITION_NAME.fullmatch(edition) or ".." in edition:
        raise InputError(
            f"edition {edition!r} is not a plain name",
            expected="letters, digits, '.', '_' and '-', such as 2026 or 2026-03",
        )
    return folder / source / f"{edition}.csv"


def dataset_files(folder: Path | None = None) -> dict[tuple[str, str], Path]:
    """(source, edition) -> its file, from the file names alone (nothing is read)."""
    if folder is None:
        require_project_root()  # an installed package with no project folder: say how to point at one
    folder = Path(folder) if folder is not None else SPENDING_DIR
    found = {(p.parent.name, p.stem): p for p in sorted(folder.glob("*/*.csv"))}
    for source, edition in found:  # names become page text: as strict as on the command line
        if not SOURCE_NAME.fullmatch(source) or not EDITION_NAME.fullmatch(edition) or ".." in edition:
            raise InputError(
                f"{source}/{edition}.csv is not a dataset file name natospend writes; remove or rename it",
                file=folder,
                expected="<source>/<edition>.csv with plain names such as nato/2024.csv",
            )
    if not found:
        raise InputError(
            "the dataset is empty: run `natospend ingest` first",
            file=folder,
            expected="data/processed/spending/<source>/<edition>.csv files",
        )
    return found


_CACHE: dict[tuple[str, int, int], pd.DataFrame] = {}
_SOURCES: dict[tuple[str, int, int], Any] = {}


def _read_cached(path: Path) -> pd.DataFrame:
    """One edition's file, read once per file version (path, mtime, size)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        for old in [k for k in _CACHE if k[0] == key[0]]:
            del _CACHE[old]
        _CACHE[key] = read_spending_csv(io.BytesIO(_verified_bytes(path)))
    return _CACHE[key]


def verify_files(sources: dict[str, set[str]], *, path: str | Path | None = None) -> None:
    """Check, before a run starts, that every file it will read is the one `natospend ingest` wrote: a
    damaged file is one line and status 2 up front, not a failure inside a notebook or a worker."""
    files = dataset_files(Path(path) if path is not None else None)
    for source, wanted in sorted(sources.items()):
        for edition in sorted(wanted):
            if (source, edition) in files:
                _verified_bytes(files[source, edition])  # checked, not parsed: the workers parse what they use


def editions(source: str, *, path: str | Path | None = None) -> list[str]:
    """Every edition of a source in the dataset, oldest first."""
    files = dataset_files(Path(path) if path is not None else None)
    return sorted((e for s, e in files if s == source), key=_edition_key)


def sources(*, path: str | Path | None = None) -> list[str]:
    """Every source in the dataset (nato, sipri, and any user labels)."""
    return sorted({s for s, _ in dataset_files(Path(path) if path is not None else None)})


def load_spending(
    source: str | None = None,
    edition: str | None = None,
    *,
    path: str | Path | None = None,
    indicator: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """The tidy dataset as a typed frame (one row per source, edition, country, year, indicator, price basis).

    source: 'nato', 'sipri' or a user label (all sources when None).
    edition: the publication edition; by default the latest edition of each source.
    indicator: one indicator name or several, to narrow the frame.
    path: the dataset folder (default data/processed/spending/). Only the files of the chosen
    sources and editions are read.
    """
    folder = Path(path) if path is not None else SPENDING_DIR
    files = dataset_files(folder)
    pairs = sorted(files)
    if source is not None:
        if source not in {s for s, _ in pairs}:
            raise InputError(
                f"unknown source {source!r}", file=folder, expected="one of " + ", ".join(sorted({s for s, _ in pairs}))
            )
        pairs = [p for p in pairs if p[0] == source]
    if edition is not None:
        if edition not in {e for _, e in pairs}:
            raise InputError(
                f"edition {edition!r} is not in the dataset for source {source or 'any'}",
                file=folder,
                expected="one of " + ", ".join(sorted({e for _, e in pairs}, key=_edition_key)),
            )
        pairs = [p for p in pairs if p[1] == edition]
    else:
        latest = {s: max((e for s2, e in pairs if s2 == s), key=_edition_key) for s, _ in pairs}
        pairs = [p for p in pairs if latest[p[0]] == p[1]]
    frames = [_read_cached(files[p]) for p in pairs]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if indicator is not None:
        names = [indicator] if isinstance(indicator, str) else list(indicator)
        frame = frame.loc[frame["indicator"].isin(names)]
    return frame.reset_index(drop=True)


def _edition_key(edition: str) -> tuple[int, str]:
    digits = "".join(ch for ch in edition if ch.isdigit())
    return (int(digits) if digits else -1, edition)


def outcome_edition(nato_edition: str, after_year: int) -> tuple[str, str] | None:
    """The edition to hold a NATO edition's projections from `after_year` against: a later NATO edition that
    reports after_year + 1, if one is loaded (the same definition), else the latest SIPRI release that does."""
    later = [e for e in editions("nato") if _edition_key(e) > _edition_key(nato_edition)]
    for source, candidates in (("nato", later), ("sipri", editions("sipri"))):
        found = _latest_reporting(source, candidates, after_year + 1)
        if found is not None:
            return source, found
    return None


def earlier_edition(source: str, edition: str, year: int) -> str | None:
    """The latest edition of `source` before `edition` with a share of GDP for `year`, or None: the release
    nearer the time, to tell a source's later revisions from a difference of definition."""
    return _latest_reporting(source, [e for e in editions(source) if _edition_key(e) < _edition_key(edition)], year)


def _latest_reporting(source: str, candidates: list[str], year: int) -> str | None:
    """The last of `candidates` (oldest first) whose share of GDP covers `year`."""
    for edition in reversed(candidates):
        if (load_spending(source, edition, indicator="defence_expenditure_share_gdp_pct")["year"] == year).any():
            return edition
    return None
