"""`natospend ingest`: parse the inputs, validate the whole dataset, write it atomically.

Rows of the (source, edition) pairs being ingested replace those already in the dataset;
other sources and editions are kept. Nothing is written unless every check passes.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dataset import FLAG_MEANINGS, normalise_frame, read_spending_csv, rows_to_frame, to_csv_bytes
from .paths import SOURCES_JSON, SPENDING_CSV

if TYPE_CHECKING:
    import pandas as pd


def ingest_nato(path: Path) -> tuple["pd.DataFrame", dict[str, Any]]:
    from . import nato
    from .provenance import input_record

    workbook = nato.parse_nato_workbook(path)
    frame = rows_to_frame(workbook.rows, nato.SOURCE, workbook.edition)
    record = input_record(path, source=nato.SOURCE, edition=workbook.edition, publisher=nato.PUBLISHER,
                          title=nato.TITLE, attribution=nato.ATTRIBUTION, rows=len(frame),
                          extra={"rows_not_taken_as_data": workbook.skipped})
    return frame, record


def ingest_sipri(path: Path) -> tuple["pd.DataFrame", dict[str, Any]]:
    from . import sipri
    from .provenance import input_record

    workbook = sipri.parse_sipri_workbook(path)
    frame = rows_to_frame(workbook.rows, sipri.SOURCE, workbook.edition)
    record = input_record(path, source=sipri.SOURCE, edition=workbook.edition, publisher=sipri.PUBLISHER,
                          title=sipri.TITLE, attribution=sipri.ATTRIBUTION + f" {workbook.edition}", rows=len(frame),
                          extra={"footnotes": workbook.footnotes})
    return frame, record


def ingest_user_csv(path: Path, label: str, edition: str) -> tuple["pd.DataFrame", dict[str, Any]]:
    from .provenance import input_record
    from .usercsv import read_user_csv

    rows = read_user_csv(path, label)
    frame = rows_to_frame(rows, label, edition)
    record = input_record(path, source=label, edition=edition, publisher="user-supplied", title=path.name,
                          attribution=f"User data from {path.name}", rows=len(frame))
    return frame, record


def merge(existing: "pd.DataFrame | None", new_frames: list["pd.DataFrame"]) -> "pd.DataFrame":
    import pandas as pd

    parts = list(new_frames)
    if existing is not None and len(existing):
        replaced = {(str(s), str(e)) for f in new_frames for s, e in zip(f["source"], f["edition"])}
        keep = [(str(s), str(e)) not in replaced for s, e in zip(existing["source"], existing["edition"])]
        old = existing.loc[keep].copy()
        for column in old.columns:
            if isinstance(old[column].dtype, pd.CategoricalDtype):
                old[column] = old[column].astype(str)
        parts.insert(0, old)
    return normalise_frame(pd.concat(parts, ignore_index=True))


def merge_sources(existing: dict[str, Any] | None, records: list[dict[str, Any]]) -> dict[str, Any]:
    replaced = {(r["source"], r["edition"]) for r in records}
    inputs = [r for r in (existing or {}).get("inputs", []) if (r["source"], r["edition"]) not in replaced]
    inputs = sorted(inputs + records, key=lambda r: (r["source"], r["edition"]))
    return {
        "description": "Inputs of data/processed/spending.csv, written by `natospend ingest`.",
        "columns": {
            "source": "nato, sipri, or a user label", "edition": "publication edition",
            "country": "ISO 3166-1 alpha-3, or NATO_EUROPE_CANADA / NATO_TOTAL, or a documented project code",
            "value": "the published figure, in `unit`", "estimate": "flagged as an estimate by the publisher",
            "price_basis": "current, constant-YYYY or none",
        },
        "flags": FLAG_MEANINGS,
        "inputs": inputs,
    }


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temp, 0o644)  # mkstemp creates 0600; the dataset is for everyone to read
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def run_ingest(*, nato_path: Path | None = None, sipri_path: Path | None = None, csv_path: Path | None = None,
               label: str | None = None, csv_edition: str = "user", dataset_path: Path = SPENDING_CSV,
               sources_path: Path = SOURCES_JSON, series_breaks_path: Path | None = None) -> "pd.DataFrame":
    """Parse, merge, validate and write. Raises before writing anything if any step fails."""
    from .errors import InputError
    from .validation import validate_dataset

    frames: list[pd.DataFrame] = []
    records: list[dict[str, Any]] = []
    if nato_path is not None:
        frame, record = ingest_nato(Path(nato_path))
        frames.append(frame)
        records.append(record)
    if sipri_path is not None:
        frame, record = ingest_sipri(Path(sipri_path))
        frames.append(frame)
        records.append(record)
    if csv_path is not None:
        if not label:
            raise InputError("--csv needs --label NAME for the source", expected="--label mybudget")
        frame, record = ingest_user_csv(Path(csv_path), label, csv_edition)
        frames.append(frame)
        records.append(record)
    if not frames:
        raise InputError("nothing to ingest", expected="--nato PATH, --sipri PATH or --csv PATH --label NAME")
    existing = read_spending_csv(dataset_path) if dataset_path.is_file() else None
    combined = merge(existing, frames)
    from .breaks import SERIES_BREAKS_CSV

    validate_dataset(combined, series_breaks_path or SERIES_BREAKS_CSV,
                     {(r["source"], r["edition"]): r["file_name"] for r in records})
    old_sources = json.loads(sources_path.read_text(encoding="utf-8")) if sources_path.is_file() else None
    sources = merge_sources(old_sources, records)
    csv_bytes = to_csv_bytes(combined)
    json_bytes = (json.dumps(sources, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    _atomic_write(dataset_path, csv_bytes)
    _atomic_write(sources_path, json_bytes)
    return combined
