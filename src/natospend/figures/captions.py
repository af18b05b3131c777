"""Figure footers: each source's sentence (publisher, title, release, edition, estimate years), then the credit."""

from __future__ import annotations

from typing import Any

from natospend.data.dataset import provenance_records
from natospend.data.releases import PUBLISHERS
from natospend.formatting import date_text, year_ranges
from natospend.paths import SOURCES_JSON


def source_record(source: str, edition: str) -> dict[str, Any]:
    for record in provenance_records(SOURCES_JSON):
        if record["source"] == source and record["edition"] == edition:
            return dict(record)
    return {"source": source, "edition": edition, "title": source, "release_date": None}


def named_title(record: dict[str, Any]) -> str:
    """'NATO, <title>'; a title that names its publisher already is left as it is ("SIPRI Military
    Expenditure Database")."""
    who = PUBLISHERS.get(record["source"], record["source"])
    title = str(record.get("title") or record["source"])
    return title if title.startswith(who) else f"{who}, {title}"


def source_sentence(source: str, edition: str, estimate_years: list[int] | None = None) -> str:
    """'Source: NATO, <title>, released <date> (edition E). Y1 and Y2 are estimates.'"""
    record = source_record(source, edition)
    released = f", released {date_text(record['release_date'])}" if record.get("release_date") else ""
    text = f"Source: {named_title(record)}{released} (edition {edition})."
    if estimate_years:
        many = len(estimate_years) > 1
        text += f" {year_ranges(estimate_years)} {'are estimates' if many else 'is an estimate'}."
    return text


def caption(*sentences: str) -> str:
    """A figure footer: each source's sentence, then the credit."""
    return " ".join(s for s in sentences if s) + " Chart: natospend."  # an empty sentence (no pledges) leaves no gap


EDITION_NOUNS = {"nato": "NATO's edition", "sipri": "SIPRI's release"}


def edition_label(source: str, edition: str) -> str:
    """'NATO's 2024 edition (17 June 2024)', 'SIPRI's 2026 release (27 April 2026)'."""
    record = source_record(source, edition)
    released = f" ({date_text(record['release_date'])})" if record.get("release_date") else ""
    what = EDITION_NOUNS.get(source, f"{source}'s edition")
    owner, noun = what.split(" ", 1)
    return f"{owner} {edition} {noun.split(' ')[-1]}{released}"
