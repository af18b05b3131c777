"""`natospend update`: bring in the publishers' releases that data/reference/releases.yaml lists and the
dataset does not hold yet, from the publishers (`fetch_releases`) or from a folder (`files_in_folder`).

Every file is checked before anything is written: a known checksum must match; otherwise the file must
be a workbook (or CSV) that its publisher's reader parses, of the edition releases.yaml says. Then all of
them are ingested together through the same validation as `natospend ingest`, all or nothing; an edition
already loaded is never replaced here (`natospend ingest` does that on purpose).
"""

from __future__ import annotations

import csv
import re
import shutil
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from natospend.analysis.revisions import largest, revisions, threshold_crossings
from natospend.data.dataset import editions, load_spending, provenance_records, sources
from natospend.data.releases import Release, find_release, load_releases, newer_releases
from natospend.errors import InputError, NatospendError
from natospend.formatting import date_text
from natospend.ingest.download import MAX_BYTES, DownloadError, fetch
from natospend.ingest.imf import _areas_beside
from natospend.ingest.pipeline import read_inputs, write_dataset
from natospend.ingest.provenance import file_digests
from natospend.text.revision_text import update_summary

PUBLISHED_SOURCES = ("nato", "sipri", "imf")  # the sources with a reader (and releases to update)


class UpdateError(NatospendError):
    """A release could not be brought in: the message names the release and the cause."""


@dataclass
class Candidate:
    """A file to ingest as a release: where it is now (a staging copy), what it is believed to be."""

    source: str
    path: Path
    release: Release | None  # the listed release it matched (checksum or published name); None: by content
    origin: dict[str, Any] = field(default_factory=dict)  # provenance: where it came from, when
    checksum_matched: bool = False  # the release's own file, byte for byte


def loaded_editions() -> dict[str, set[str]]:
    return {source: set(editions(source)) for source in sources()}


def check_lines(only: str | None = None) -> list[str]:
    """`natospend update --check`: per source, the latest edition loaded and every newer release known."""
    loaded = loaded_editions()
    newer = newer_releases(loaded, sources=[only] if only else PUBLISHED_SOURCES)
    lines = []
    for source in [only] if only else PUBLISHED_SOURCES:
        latest = max(loaded.get(source, ()), default="none")
        later = newer.get(source, [])
        if not later:
            lines.append(f"{source}: up to date (edition {latest} loaded; no newer release known)")
            continue
        lines.append(f"{source}: edition {latest} loaded; newer: " + "; ".join(_how(r) for r in later))
    return lines


def _how(release: Release) -> str:
    where = "fetched by `natospend update`" if release.file_url else "download by hand, then `update --from FOLDER`"
    return f"{release.edition} ({release.title}, {date_text(release.release_date)}; {where})"


# ---- recognising a file ------------------------------------------------------------------------------


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/workbook.xml")
        if info.file_size > 8 << 20:
            return []
        text = archive.read(info).decode("utf-8", "replace")
    return re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', text)


def recognise(path: Path) -> str | None:
    """The publisher whose layout the file has (nato, sipri, imf), from its content; None if none."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == b"PK\x03\x04":  # an .xlsx is a zip archive
        try:
            names = {n.strip().upper() for n in _sheet_names(path)}
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        if {"TABLE1", "TABLE2", "TABLE3"} <= names:
            return "nato"
        if "FOOTNOTES" in names and "SHARE OF GDP" in names:
            return "sipri"
        return None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader([handle.readline(65536)]), [])
    except (UnicodeDecodeError, csv.Error):
        return None
    if "OBS_VALUE" in header or {"ref_area", "concept", "value"} <= set(header):
        return "imf"
    return None


def _not_a_data_file(path: Path) -> str:
    with path.open("rb") as handle:
        start = handle.read(200).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "a web page, not a data file (the address may have moved)"
    return "not a layout any reader knows (a NATO tables workbook, a SIPRI database workbook or an IMF WEO CSV)"


def check_checksum(release: Release, path: Path, digests: dict[str, str] | None = None) -> dict[str, str]:
    """The file's digests (computed unless given); refused when the release lists checksums and none matches."""
    digests = digests or file_digests(path, "sha256", "md5")
    listed = [f for f in release.files if f.sha256 or f.md5]
    if listed and release.matching_file(digests) is None:
        expected = ", ".join(f"sha256 {f.sha256}" if f.sha256 else f"md5 {f.md5}" for f in listed)
        raise UpdateError(
            f"{_name(release)}: checksum mismatch (the file has sha256 {digests['sha256']}; expected {expected}): "
            "a damaged or different file"
        )
    return digests


def _name(release: Release) -> str:
    return f"{release.source} {release.edition} ({release.title})"


# ---- the two ways in ---------------------------------------------------------------------------------


def fetch_releases(
    releases: Iterable[Release], staging: Path, *, progress: bool = False
) -> tuple[list[Candidate], list[str]]:
    """Download each release that has an address into `staging`; (candidates, notes on the others).
    A host that cannot be reached stops everything at once; any other failure is raised after all are
    tried, one line per release."""
    found: list[Candidate] = []
    notes: list[str] = []
    failures: list[str] = []
    for release in releases:
        if not release.file_url:
            notes.append(
                f"{_name(release)}: the publisher gives no stable file address; download it from "
                f"{release.page or 'the publisher'} and run `natospend update --from FOLDER`"
            )
            continue
        target = staging / _staged_name(release)
        try:
            fetch(release.file_url, target, progress=progress, label=f"{release.source} {release.edition}")
        except DownloadError as error:
            if str(error).startswith("cannot reach"):
                raise UpdateError(f"{_name(release)}: {error}; nothing was changed") from None
            failures.append(f"{_name(release)}: {error}")
            continue
        try:
            check_checksum(release, target)
        except UpdateError as error:
            failures.append(str(error))
            continue
        matched = any(f.sha256 or f.md5 for f in release.files)  # check_checksum passed
        found.append(Candidate(release.source, target, release, {"file_url": release.file_url}, matched))
    if failures:
        raise UpdateError("\n".join(failures) + "\nnothing was changed")
    return found, notes


def _staged_name(release: Release) -> str:
    if release.source == "imf":  # the IMF reader takes the WEO vintage from the file name
        return f"imf-weo-{release.edition}.csv"
    return release.file_name or f"{release.source}-{release.edition}.xlsx"


def files_in_folder(folder: Path, staging: Path) -> tuple[list[Candidate], list[str]]:
    """Every file in `folder` (and below) that is a release: by checksum, by the publisher's file name, or
    by its layout. Each is copied into `staging` (the folder is only read); (candidates, skipped notes)."""
    if not folder.is_dir():
        raise UpdateError(f"--from {folder}: not a folder")
    by_name = {r.file_name: r for r in load_releases() if r.file_name}
    found: list[Candidate] = []
    skipped: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or path.name.startswith(".") or path.name.endswith("-areas.csv"):
            continue  # links, hidden files, and the IMF areas file that goes with a WEO CSV
        if info.st_size > MAX_BYTES:
            skipped.append(f"{path.name}: {info.st_size:,} bytes, larger than any release; skipped")
            continue
        digests = file_digests(path, "sha256", "md5")
        match = find_release(digests)
        release = match[0] if match else by_name.get(path.name)
        source = release.source if release else recognise(path)
        if source is None:
            skipped.append(f"{path.name}: {_not_a_data_file(path)}; skipped")
            continue
        if release is not None:
            check_checksum(release, path, digests)
        name = _staged_name(release) if release is not None and source == "imf" else path.name
        target = staging / f"{len(found):02d}" / name  # a folder each: two files may share a name
        target.parent.mkdir()
        shutil.copyfile(path, target)
        if source == "imf" and _areas_beside(path).is_file():
            shutil.copyfile(_areas_beside(path), _areas_beside(target))
        found.append(Candidate(source, target, release, {"from_file": path.name}, match is not None))
    return found, skipped


# ---- parsing, checking and writing -------------------------------------------------------------------


def _imf_areas_from_dataset(target: Path) -> None:
    """The IMF's download has codes, not names: name the areas as the loaded WEO edition does."""
    if _areas_beside(target).is_file():
        return
    loaded = editions("imf")
    if not loaded:
        raise UpdateError(f"{target.name}: no IMF areas file beside it and no IMF edition loaded to name the areas")
    frame = load_spending("imf", loaded[-1])[["country", "country_name"]].drop_duplicates("country")
    frame.rename(columns={"country": "code", "country_name": "area"}).to_csv(_areas_beside(target), index=False)


def ingest_candidates(candidates: list[Candidate], *, progress: bool = False) -> tuple[list[str], pd.DataFrame | None]:
    """Parse every candidate; keep those of editions not loaded yet; write them together (all or nothing).
    Returns the lines to print and the written frame (None when nothing was new)."""
    loaded = loaded_editions()
    lines: list[str] = []
    known = [
        c for c in candidates if c.release and c.checksum_matched and c.release.edition in loaded.get(c.source, ())
    ]
    for candidate in known:  # a listed release's own file, of an edition loaded: no need to read it
        lines.append(f"{_what(candidate, candidate.release.edition)}: already loaded; nothing changed")
    candidates = [c for c in candidates if c not in known]
    for candidate in candidates:
        if candidate.source == "imf":
            _imf_areas_from_dataset(candidate.path)
    if not candidates:
        return lines, None
    paths = {kind: [c.path for c in candidates if c.source == kind] for kind in PUBLISHED_SOURCES}
    try:
        parsed = read_inputs(nato_paths=paths["nato"], sipri_paths=paths["sipri"], imf_paths=paths["imf"])
    except InputError as error:
        culprit = next((c for c in candidates if c.path.name == error.file), None)
        named = _name(culprit.release) if culprit and culprit.release else (culprit and _what(culprit, "?")) or ""
        raise UpdateError(f"{named + ': ' if named else ''}{error}; nothing was changed") from None
    # read_inputs returns the NATO files, then SIPRI's, then the IMF's, each in the order given
    in_order = [c for kind in PUBLISHED_SOURCES for c in candidates if c.source == kind]
    new: list[tuple[pd.DataFrame, dict[str, Any]]] = []
    new_candidates: list[Candidate] = []
    listed = {(r.source, r.edition): r for r in load_releases()}
    for (frame, record), candidate in zip(parsed, in_order, strict=True):
        release = candidate.release
        what = _what(candidate, record["edition"])
        if release is not None and release.edition != record["edition"]:
            raise UpdateError(
                f"{_name(release)}: the file holds edition {record['edition']}, not {release.edition}; "
                "nothing was changed"
            )
        if record["edition"] in loaded.get(record["source"], set()):
            same = _loaded_sha256(record["source"], record["edition"]) == record["sha256"]
            lines.append(
                f"{what}: already loaded"
                + (
                    " (the same file); nothing changed"
                    if same or (release is not None and release.matching_file(record))
                    else f" from another file; nothing changed (`natospend ingest --{record['source']} FILE` replaces it)"
                )
            )
            continue
        record.update(_release_fields(record, release or listed.get((record["source"], record["edition"]))))
        record.update(candidate.origin)
        record["retrieved"] = _today()
        new.append((frame, record))
        new_candidates.append(candidate)
    if not new:
        return lines, None
    written = write_dataset(new)
    for (_, record), candidate in zip(new, new_candidates, strict=True):
        lines.append(f"{_what(candidate, record['edition'])}: {record['rows']:,} rows ingested ({record['title']})")
    return lines, written


def _what(candidate: Candidate, edition: str) -> str:
    return f"{candidate.source} {edition} ({candidate.origin.get('from_file', candidate.path.name)})"


def _release_fields(record: dict[str, Any], release: Release | None) -> dict[str, Any]:
    """A release matched by name or layout (no checksum to match) still gets its title, date and page."""
    if release is None or record.get("release_date"):
        return {}
    return {"title": release.title, "release_date": release.release_date, "url": release.page}


def _loaded_sha256(source: str, edition: str) -> str | None:
    return next(
        (r.get("sha256") for r in provenance_records() if r["source"] == source and r["edition"] == edition), None
    )


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


# ---- what changed ------------------------------------------------------------------------------------

SUMMARY_INDICATOR = {"nato": "defence_expenditure_share_gdp_pct", "sipri": "defence_expenditure_share_gdp_pct"}
IMF_SUMMARY_INDICATOR = "gdp_real_growth_pct"
THRESHOLDS_PCT = (2.0, 3.5)


def change_lines(source: str, new_edition: str, before: dict[str, set[str]]) -> list[str]:
    """The new edition against the latest one loaded before it (notebook 05's comparison, in one screen)."""
    older = sorted(e for e in before.get(source, set()) if e < new_edition)
    if not older:
        return [f"{source} {new_edition}: the first edition of {source} loaded; nothing to compare with"]
    indicator = SUMMARY_INDICATOR.get(source, IMF_SUMMARY_INDICATOR)
    old = load_spending(source, older[-1], indicator=indicator)
    new = load_spending(source, new_edition, indicator=indicator)
    try:
        revised = revisions(old, new, indicator)
    except InputError as error:
        return [f"{source} {new_edition} against {older[-1]}: not compared ({error})"]
    crossings = (
        {t: threshold_crossings(revised, t) for t in THRESHOLDS_PCT} if indicator in SUMMARY_INDICATOR.values() else {}
    )
    return update_summary(
        revised,
        crossings,
        largest(revised),
        source=source,
        old_edition=older[-1],
        new_edition=new_edition,
        indicator=indicator,
    )
