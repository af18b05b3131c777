"""Checksums and the provenance record of each input (publisher, title, release, sha256)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

# Releases natospend has been checked against, by the sha256 of the published file.
KNOWN_RELEASES: dict[str, dict[str, str]] = {
    "94f4de63de124dd323cb6729ddf66b66a3e024b9984d21abc6cb5624773b375e": {
        "title": "Defence Expenditure of NATO Countries (2014-2024), tables in Excel format",
        "release_date": "2024-06-17",
        "url": "https://www.nato.int/cps/en/natohq/topics_49198.htm",
    },
    "8a31c2794c8070230b3b9ef26a3249663f6317a8bc86ba3ec3099c791cdb692f": {
        "title": "SIPRI Military Expenditure Database (1949-2024)",
        "release_date": "2025-04-28",
        "url": "https://www.sipri.org/databases/milex",
    },
}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_record(path: Path, *, source: str, edition: str, publisher: str, title: str, attribution: str,
                 rows: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    checksum = sha256_file(path)
    known = KNOWN_RELEASES.get(checksum, {})
    record: dict[str, Any] = {
        "source": source,
        "edition": edition,
        "publisher": publisher,
        "title": known.get("title", title),
        "release_date": known.get("release_date"),
        "url": known.get("url"),
        "file_name": path.name,
        "sha256": checksum,
        "attribution": attribution,
        "rows": rows,
    }
    if extra:
        record.update(extra)
    return record
