"""Checksums and the provenance record of each input (publisher, title, release, sha256).

A file is matched to a known release of data/reference/releases.yaml (natospend.data.releases) by
checksum: sha256 of the file read, or md5 where only the publisher's md5 is known.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from natospend.data.releases import find_release


def file_digests(path: Path, *algorithms: str) -> dict[str, str]:
    hashes = {name: hashlib.new(name, usedforsecurity=False) for name in algorithms}
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            for digest in hashes.values():
                digest.update(chunk)
    return {name: digest.hexdigest() for name, digest in hashes.items()}


def sha256_file(path: Path) -> str:
    return file_digests(path, "sha256")["sha256"]


def input_record(
    path: Path,
    *,
    source: str,
    edition: str,
    publisher: str,
    title: str,
    attribution: str,
    rows: int,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    digests = file_digests(path, "sha256", "md5")  # md5: SIPRI publishes only that of its own file
    found = find_release(digests)
    release, file = found if found else (None, None)
    record: dict[str, Any] = {
        "source": source,
        "edition": edition,
        "publisher": publisher,
        "title": (file.title or release.title) if release and file else title,
        "release_date": release.release_date if release else None,
        "url": release.page if release else None,
        "file_name": path.name,
        "sha256": digests["sha256"],
        "md5": digests["md5"],
        "attribution": attribution,
        "rows": rows,
    }
    if release and release.file_url:
        record["file_url"] = release.file_url
    if file and file.note:  # a copy, not the publisher's bytes: say so, and name the publisher's own file
        record["note"] = file.note
        own = next((f for f in release.files if f.md5 and f.bytes and f is not file and not f.note), None)
        if own is not None:
            record["publisher_file"] = {"md5": own.md5, "bytes": own.bytes}
    if extra:
        record.update(extra)
    return record
