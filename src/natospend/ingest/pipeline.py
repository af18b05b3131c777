"""`natospend ingest`: parse the inputs, validate them, write one file per source and edition.

Each (source, edition) ingested replaces its own file under data/processed/spending/; other
sources and editions are kept. Nothing is written unless every check passes.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock

from natospend.data.breaks import SERIES_BREAKS_CSV
from natospend.data.dataset import (
    FLAG_MEANINGS,
    edition_file,
    file_records,
    normalise_frame,
    rows_to_frame,
    to_csv_bytes,
)
from natospend.errors import InputError
from natospend.formatting import date_text
from natospend.ingest import imf, nato, sipri
from natospend.ingest.provenance import input_record
from natospend.ingest.usercsv import read_user_csv
from natospend.ingest.validation import validate_dataset
from natospend.paths import SOURCES_JSON, SPENDING_DIR
from natospend.processes import become_worker


def ingest_nato(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    workbook = nato.parse_nato_workbook(path)
    frame = rows_to_frame(workbook.rows, nato.SOURCE, workbook.edition)
    record = input_record(
        path,
        source=nato.SOURCE,
        edition=workbook.edition,
        publisher=nato.PUBLISHER,
        title=workbook.title,
        attribution=f"Source: NATO, {workbook.title}",
        rows=len(frame),
        extra={
            "rows_not_taken_as_data": workbook.skipped,
            "definition": "core defence expenditure (NATO's agreed definition)"
            if workbook.core_titles
            else "defence expenditure (NATO's agreed definition)",
            "footnotes": workbook.footnotes,
        },
    )
    return frame, record


def ingest_sipri(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    workbook = sipri.parse_sipri_workbook(path)
    frame = rows_to_frame(workbook.rows, sipri.SOURCE, workbook.edition)
    record = input_record(
        path,
        source=sipri.SOURCE,
        edition=workbook.edition,
        publisher=sipri.PUBLISHER,
        title=sipri.TITLE,
        attribution=sipri.ATTRIBUTION + f" {workbook.edition}",
        rows=len(frame),
        extra={"footnotes": workbook.footnotes},
    )
    return frame, record


def ingest_user_csv(
    path: Path, label: str, edition: str, progress: bool = False
) -> tuple[pd.DataFrame, dict[str, Any]]:
    frame = normalise_frame(read_user_csv(path, label, edition, progress=progress))
    record = input_record(
        path,
        source=label,
        edition=edition,
        publisher="user-supplied",
        title=path.name,
        attribution=f"User data from {path.name}",
        rows=len(frame),
    )
    return frame, record


def ingest_imf(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    weo = imf.parse_weo(path)
    frame = rows_to_frame(weo.rows, imf.SOURCE, weo.edition)
    record = input_record(
        path,
        source=imf.SOURCE,
        edition=weo.edition,
        publisher=imf.PUBLISHER,
        title=f"{imf.TITLE}, {weo.edition}",
        rows=len(frame),
        attribution=f"IMF, World Economic Outlook database, {date_text(weo.edition)}",
        extra={"flags": {imf.PROJECTION_FLAG: "after the economy's last year of actual data: an IMF projection"}},
    )
    return frame, record


READERS = {"nato": ingest_nato, "sipri": ingest_sipri, "imf": ingest_imf}


def _read_one(kind: str, path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    # A workbook becomes some 100,000 small objects that all live until the frame is built: the
    # cyclic garbage collector would walk them again and again for nothing (a third of the time).
    gc.disable()
    try:
        return READERS[kind](path)
    finally:
        gc.enable()


def read_workbooks(workbooks: list[tuple[str, Path]]) -> list[tuple[pd.DataFrame, dict[str, Any]]]:
    """Parse each (kind, path), in parallel worker processes when there are several and more than one core.

    Parsing is pure-Python work on the cells: two SIPRI releases and a NATO edition take about
    0.6 s in a row and 0.35 s on two cores. Workers are forked (the parent's imports come with
    them); where fork is not available they are read one after another.
    """
    workers = min(len(workbooks), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_read_one(kind, path) for kind, path in workbooks]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=become_worker) as pool:
        futures = [pool.submit(_read_one, kind, path) for kind, path in workbooks]
        return [future.result() for future in futures]


def merge_sources(
    existing: dict[str, Any] | None, records: list[dict[str, Any]], files: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    replaced = {(r["source"], r["edition"]) for r in records}
    kept = [r for r in (existing or {}).get("inputs", []) if isinstance(r, dict) and {"source", "edition"} <= set(r)]
    inputs = [r for r in kept if (r["source"], r["edition"]) not in replaced]  # a damaged record is dropped
    inputs = sorted(inputs + records, key=lambda r: (r["source"], r["edition"]))
    old_files = (existing or {}).get("files", {})
    files = dict(sorted({**(old_files if isinstance(old_files, dict) else {}), **files}.items()))
    return {
        "description": "Inputs of data/processed/spending/<source>/<edition>.csv, written by `natospend ingest`.",
        "columns": {
            "source": "nato, sipri, or a user label",
            "edition": "publication edition",
            "country": "ISO 3166-1 alpha-3, or NATO_EUROPE_CANADA / NATO_TOTAL, or a documented project code",
            "value": "the published figure, in `unit`",
            "estimate": "flagged as an estimate by the publisher",
            "price_basis": "current, constant-YYYY or none",
        },
        "flags": FLAG_MEANINGS,
        "inputs": inputs,
        "files": files,  # every dataset file as written: checked each time it is read
    }


def _atomic_write_all(outputs: dict[Path, bytes]) -> None:
    """Write every file to a temporary sibling first, then move them all into place: a failed
    write (a full disk, say) leaves every existing file as it was, and no folder it had to make."""
    temps: dict[Path, Path] = {}
    made: list[Path] = []
    try:
        for path, data in outputs.items():
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            made.extend(reversed(missing))
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            temps[path] = Path(temp)
            os.chmod(temp, 0o644)  # mkstemp creates 0600; the dataset is for everyone to read
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for path, temp in temps.items():
            os.replace(temp, path)
    except BaseException:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        for folder in reversed(made):  # the deepest first; only the ones this call made, once empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _dataset_lock(sources_path: Path) -> FileLock:
    """Two ingests into one dataset take turns over sources.json's read-modify-write (else one provenance
    record is lost). The lock file lives in the temporary folder, not in the dataset."""
    key = hashlib.sha256(str(sources_path.resolve()).encode()).hexdigest()[:16]
    return FileLock(Path(tempfile.gettempdir()) / f"natospend-ingest-{key}.lock")


def read_inputs(
    *,
    nato_paths: Sequence[Path] = (),
    sipri_paths: Sequence[Path] = (),
    imf_paths: Sequence[Path] = (),
    csv_path: Path | None = None,
    label: str | None = None,
    csv_edition: str = "user",
    progress: bool = False,
) -> list[tuple[pd.DataFrame, dict[str, Any]]]:
    """Parse every input: (frame, provenance record) per file, nothing written."""
    parsed = read_workbooks(
        [("nato", Path(p)) for p in nato_paths]
        + [("sipri", Path(p)) for p in sipri_paths]
        + [("imf", Path(p)) for p in imf_paths]
    )
    if csv_path is not None:
        if not label:
            raise InputError("--csv needs --label NAME for the source", expected="--label mybudget")
        parsed.append(ingest_user_csv(Path(csv_path), label, csv_edition, progress))
    return parsed


def write_dataset(
    parsed: list[tuple[pd.DataFrame, dict[str, Any]]],
    *,
    dataset_dir: Path = SPENDING_DIR,
    sources_path: Path = SOURCES_JSON,
    series_breaks_path: Path | None = None,
) -> pd.DataFrame:
    """Validate the parsed inputs together, then write one file per source and edition and their records
    in sources.json, all or nothing."""
    frames: list[pd.DataFrame] = [frame for frame, _ in parsed]
    records: list[dict[str, Any]] = [record for _, record in parsed]
    if not frames:
        raise InputError("nothing to ingest", expected="--nato PATH, --sipri PATH or --csv PATH --label NAME")
    seen: dict[tuple[str, str], str] = {}
    for record in records:
        key = (record["source"], record["edition"])
        if key in seen:
            raise InputError(
                f"{record['file_name']} and {seen[key]} are both {key[0]} edition {key[1]}",
                file=record["file_name"],
                expected="one file per source and edition",
            )
        seen[key] = record["file_name"]
    targets = {key: edition_file(dataset_dir, *key) for key in seen}
    combined = normalise_frame(pd.concat(frames, ignore_index=True))
    validate_dataset(combined, series_breaks_path or SERIES_BREAKS_CSV, seen)
    outputs = {
        targets[key]: to_csv_bytes(part.reset_index(drop=True))
        for key, part in combined.groupby(["source", "edition"], sort=True)
    }
    with _dataset_lock(sources_path):
        old_sources = json.loads(sources_path.read_text(encoding="utf-8")) if sources_path.is_file() else None
        sources = merge_sources(old_sources, records, file_records(dataset_dir, outputs))
        json_bytes = (json.dumps(sources, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
        outputs[sources_path] = json_bytes
        _atomic_write_all(outputs)
    return combined


def run_ingest(
    *,
    nato_paths: Sequence[Path] = (),
    sipri_paths: Sequence[Path] = (),
    imf_paths: Sequence[Path] = (),
    csv_path: Path | None = None,
    label: str | None = None,
    csv_edition: str = "user",
    dataset_dir: Path = SPENDING_DIR,
    sources_path: Path = SOURCES_JSON,
    series_breaks_path: Path | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Parse every input, validate, then write one file per source and edition.

    Each (source, edition) ingested replaces that file only; other sources and editions are kept
    as they are. Nothing is written unless every input parses and every check passes.
    """
    parsed = read_inputs(
        nato_paths=nato_paths,
        sipri_paths=sipri_paths,
        imf_paths=imf_paths,
        csv_path=csv_path,
        label=label,
        csv_edition=csv_edition,
        progress=progress,
    )
    return write_dataset(
        parsed, dataset_dir=dataset_dir, sources_path=sources_path, series_breaks_path=series_breaks_path
    )
