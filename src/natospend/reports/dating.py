"""What a page says under its title about its data's age: each edition in use with its release date, and
any newer edition the project knows of (loaded but not chosen, or published but not loaded)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from natospend.data.dataset import editions, sources
from natospend.data.releases import staleness_notes
from natospend.figures.captions import named_title, source_record
from natospend.formatting import date_text


@dataclass(frozen=True)
class PageDating:
    data: list[str] = field(default_factory=list)  # one line per edition in use
    notes: list[str] = field(default_factory=list)  # newer editions known
    sources: list[dict[str, str]] = field(default_factory=list)  # source, attribution, note: for the cite block


def edition_line(source: str, edition: str) -> str:
    """'NATO, Defence Expenditure of NATO Countries (2014-2024), tables in Excel format: edition 2024,
    released 17 June 2024'."""
    record = source_record(source, edition)
    if record.get("publisher") == "user-supplied":
        return f"{source}: edition {edition}, your own figures from {record.get('file_name')}"
    return f"{named_title(record)}: edition {edition}, released {date_text(record.get('release_date'))}"


def page_dating(used: Mapping[str, set[str]]) -> PageDating:
    loaded = {source: set(editions(source)) for source in sources()}
    pairs = [(source, edition) for source in sorted(used) for edition in sorted(used[source])]
    records = [source_record(source, edition) for source, edition in pairs]
    return PageDating(
        data=[edition_line(source, edition) for source, edition in pairs],
        notes=staleness_notes(used, loaded),
        sources=[
            {
                "source": r["source"],
                "attribution": str(r.get("attribution") or r["source"]),
                "note": r.get("note") or "",
            }
            for r in records
        ],
    )
