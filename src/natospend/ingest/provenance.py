"""Checksums and the provenance record of each input (publisher, title, release, sha256).

The releases natospend has been checked against live in data/reference/releases.yaml, by
checksum: sha256 of the file read, or md5 where only the publisher's md5 is known.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from natospend.paths import REFERENCE_DIR

RELEASES_YAML = REFERENCE_DIR / "releases.yaml"


@lru_cache(maxsize=1)
def known_releases() -> tuple[dict[str, Any], ...]:
    document = yaml.safe_load(RELEASES_YAML.read_text(encoding="utf-8")) or {}
    return tuple(document.get("releases", []))


def _digests(path: Path, *algorithms: str) -> dict[str, str]:
    hashes = {name: hashlib.new(name, usedforsecurity=False) for name in algorithms}
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            for digest in hashes.values():
                digest.update(chunk)
    return {name: digest.hexdigest() for name, digest in hashes.items()}


def sha256_file(path: Path) -> str:
    return _digests(path, "sha256")["sha256"]


def find_release(digests: dict[str, str]) -> dict[str, Any]:
    """The known release whose sha256 or md5 matches, or {}."""
    return next((r for r in known_releases() if any(r.get(k) == v for k, v in digests.items())), {})


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
    digests = _digests(path, "sha256", "md5")  # md5: SIPRI publishes only that of its own file
    known = find_release(digests)
    record: dict[str, Any] = {
        "source": source,
        "edition": edition,
        "publisher": publisher,
        "title": known.get("title", title),
        "release_date": known.get("release_date"),
        "url": known.get("url"),
        "file_name": path.name,
        "sha256": digests["sha256"],
        "md5": digests["md5"],
        "attribution": attribution,
        "rows": rows,
    }
    record.update({k: known[k] for k in ("note", "publisher_file") if k in known})
    if extra:
        record.update(extra)
    return record
