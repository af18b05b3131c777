"""The publishers' releases natospend knows about (data/reference/releases.yaml), loaded or not.

What the pages say about newer editions, what `natospend list` shows per source and what `natospend
update` fetches all come from that one file; nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from natospend.errors import InputError
from natospend.formatting import date_text, names
from natospend.paths import REFERENCE_DIR

RELEASES_YAML = REFERENCE_DIR / "releases.yaml"
PUBLISHERS = {"nato": "NATO", "sipri": "SIPRI", "imf": "IMF"}  # each source's publisher, as pages name it
SUBJECTS = {**PUBLISHERS, "imf": "The IMF"}  # ... as a sentence's subject


@dataclass(frozen=True)
class ReleaseFile:
    """One file accepted as a release: by sha256 of the file read, or by the publisher's md5."""

    sha256: str | None = None
    md5: str | None = None
    bytes: int | None = None
    note: str | None = None  # why a copy is not byte-for-byte the publisher's
    title: str | None = None  # where the file holds part of the release (a subset)

    def matches(self, digests: Mapping[str, str]) -> bool:
        return any(getattr(self, kind) and getattr(self, kind) == digests.get(kind) for kind in ("sha256", "md5"))


@dataclass(frozen=True)
class Release:
    source: str
    edition: str
    title: str
    release_date: str
    page: str | None
    file_url: str | None
    file_name: str | None
    files: tuple[ReleaseFile, ...]
    note: str | None = None
    address_checked: bool = True

    @property
    def label(self) -> str:
        """'NATO 2025 (Defence Expenditure of NATO Countries (2014-2025), 28 August 2025)'."""
        return f"{self.source} {self.edition} ({self.title}, {date_text(self.release_date)})"

    def matching_file(self, digests: Mapping[str, str]) -> ReleaseFile | None:
        return next((f for f in self.files if f.matches(digests)), None)


_RELEASE_KEYS = {"source", "edition", "title", "release_date", "page", "file_url", "file_name", "files"}
_OPTIONAL_KEYS = {"note", "address_checked"}
_FILE_KEYS = {"sha256", "md5", "bytes", "note", "title"}


def _release(path: Path, number: int, entry: Any) -> Release:
    where = f"release {number}"
    if not isinstance(entry, dict):
        raise InputError(f"{where} is not a mapping", file=path, expected="source, edition, title, ... per release")
    missing, unknown = _RELEASE_KEYS - set(entry), set(entry) - _RELEASE_KEYS - _OPTIONAL_KEYS
    if missing or unknown:
        raise InputError(
            f"{where} ({entry.get('source')} {entry.get('edition')}): "
            + (f"missing {sorted(missing)}" if missing else f"unknown keys {sorted(unknown)}"),
            file=path,
            expected=", ".join(sorted(_RELEASE_KEYS | _OPTIONAL_KEYS)),
        )
    for key in ("source", "edition", "title", "release_date"):
        if not isinstance(entry[key], str) or not entry[key]:
            raise InputError(f"{where}: {key} is {entry[key]!r}", file=path, expected=f"{key} as quoted text")
    files = entry["files"] or []
    if not isinstance(files, list) or not all(isinstance(f, dict) and set(f) <= _FILE_KEYS for f in files):
        raise InputError(f"{where}: files is {files!r}", file=path, expected=f"a list of {sorted(_FILE_KEYS)}")
    return Release(
        source=entry["source"],
        edition=entry["edition"],
        title=entry["title"],
        release_date=entry["release_date"],
        page=entry["page"],
        file_url=entry["file_url"],
        file_name=entry["file_name"],
        files=tuple(ReleaseFile(**f) for f in files),
        note=entry.get("note"),
        address_checked=bool(entry.get("address_checked", True)),
    )


@lru_cache(maxsize=4)
def load_releases(path: Path = RELEASES_YAML) -> tuple[Release, ...]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = document.get("releases") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise InputError("no `releases:` list", file=path, expected="releases: [ ... ]")
    releases = tuple(_release(path, n, e) for n, e in enumerate(entries, start=1))
    seen: set[tuple[str, str]] = set()
    for release in releases:
        key = (release.source, release.edition)
        if key in seen:
            raise InputError(f"{release.source} edition {release.edition} is listed twice", file=path)
        seen.add(key)
    return releases


def find_release(digests: Mapping[str, str], path: Path = RELEASES_YAML) -> tuple[Release, ReleaseFile] | None:
    """The known release (and which of its files) whose sha256 or md5 matches, or None."""
    for release in load_releases(path):
        found = release.matching_file(digests)
        if found is not None:
            return release, found
    return None


def releases_of(source: str, path: Path = RELEASES_YAML) -> list[Release]:
    """The source's known releases, oldest first."""
    return sorted((r for r in load_releases(path) if r.source == source), key=lambda r: r.edition)


def newer_releases(
    loaded: Mapping[str, Iterable[str]], path: Path = RELEASES_YAML, sources: Iterable[str] | None = None
) -> dict[str, list[Release]]:
    """Per source, the known releases later than the latest edition loaded (all of them if none is)."""
    wanted = set(sources) if sources is not None else {r.source for r in load_releases(path)}
    found: dict[str, list[Release]] = {}
    for source in sorted(wanted):
        latest = max(loaded.get(source, ()), default="")
        later = [r for r in releases_of(source, path) if r.edition > latest]
        if later:
            found[source] = later
    return found


def staleness_notes(
    used: Mapping[str, Iterable[str]], loaded: Mapping[str, Iterable[str]], path: Path = RELEASES_YAML
) -> list[str]:
    """One sentence per source a page uses whose data are not the newest: a newer edition loaded but not
    chosen, or a newer release known that is not loaded."""
    notes: list[str] = []
    for source in sorted(used):
        shown = max(used[source], default="")
        who = SUBJECTS.get(source, source)
        newer_loaded = sorted(e for e in loaded.get(source, ()) if e > shown)
        if newer_loaded:
            notes.append(
                f"A newer {PUBLISHERS.get(source, source)} edition than the one shown ({shown}) is loaded: "
                f"{names(newer_loaded)}; run again with it for the latest data."
            )
        later = newer_releases(loaded, path, [source]).get(source, [])
        if later:
            what = names([f"{r.title} ({date_text(r.release_date)})" for r in later])
            them = "it" if len(later) == 1 else "them"
            how = (
                f"`natospend update --source {source}` fetches {them}"
                if all(r.file_url for r in later)
                else f"download {them} from the publisher and run `natospend update --from FOLDER`"
            )
            notes.append(f"{who} has since published {what}, not loaded here: {how}.")
    return notes
