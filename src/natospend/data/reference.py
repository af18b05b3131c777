"""Reference tables shipped with natospend: the allies, NATO aggregates, SIPRI names."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from natospend.errors import InputError
from natospend.paths import REFERENCE_DIR


@dataclass(frozen=True)
class Ally:
    iso3: str
    name: str
    nato_name: str
    sipri_name: str
    accession_date: date
    region: str  # "Europe" or "North America"
    has_armed_forces: bool
    aliases: tuple[str, ...] = ()  # the common English spellings researchers type (UK, Turkey, Holland)

    @property
    def spellings(self) -> set[str]:
        return {self.iso3, self.name, self.nato_name, self.sipri_name, *self.aliases}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_reference_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """A hand-kept reference CSV's rows, refused unless its header is exactly `columns` (row 1 of the file)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise InputError(f"header is {reader.fieldnames}", file=path, row=1, expected=", ".join(columns))
        return list(reader)


def normalise_name(text: str) -> str:
    """Case-, accent- and space-insensitive key for matching country spellings."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("*", " ").split())


@lru_cache(maxsize=1)
def allies() -> tuple[Ally, ...]:
    rows = _read_csv(REFERENCE_DIR / "allies.csv")
    return tuple(
        Ally(
            iso3=row["iso3"],
            name=row["name"],
            nato_name=row["nato_name"],
            sipri_name=row["sipri_name"],
            accession_date=date.fromisoformat(row["accession_date"]),
            region=row["region"],
            has_armed_forces=row["has_armed_forces"] == "true",
            aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
        )
        for row in rows
    )


def ally_by_iso3() -> dict[str, Ally]:
    return {ally.iso3: ally for ally in allies()}


def allies_with_armed_forces() -> list[str]:
    return [ally.iso3 for ally in allies() if ally.has_armed_forces]


@lru_cache(maxsize=1)
def aggregates() -> dict[str, str]:
    """NATO aggregate code -> display name."""
    return {row["code"]: row["name"] for row in _read_csv(REFERENCE_DIR / "aggregates.csv")}


@lru_cache(maxsize=1)
def nato_name_index() -> dict[str, tuple[str, str]]:
    """Normalised NATO spelling -> (code, display name), allies and aggregates."""
    index = {normalise_name(a.nato_name): (a.iso3, a.name) for a in allies()}
    for row in _read_csv(REFERENCE_DIR / "aggregates.csv"):
        index[normalise_name(row["nato_name"])] = (row["code"], row["name"])
    return index


@lru_cache(maxsize=1)
def sipri_name_index() -> dict[str, str]:
    """Normalised SIPRI spelling -> ISO3 (or the documented project code)."""
    return {normalise_name(r["sipri_name"]): r["iso3"] for r in _read_csv(REFERENCE_DIR / "sipri_countries.csv")}


@lru_cache(maxsize=1)
def known_country_codes() -> dict[str, str]:
    """Every code natospend accepts -> a display name."""
    codes = {r["iso3"]: r["sipri_name"] for r in _read_csv(REFERENCE_DIR / "sipri_countries.csv")}
    codes.update({a.iso3: a.name for a in allies()})
    codes.update(aggregates())
    return codes


@lru_cache(maxsize=1)
def _ally_spellings() -> dict[str, str]:
    """Normalised spelling -> ISO3, for every code, name and alias of every ally."""
    index: dict[str, str] = {}
    for ally in allies():
        for spelling in ally.spellings:
            key = normalise_name(spelling)
            if index.setdefault(key, ally.iso3) != ally.iso3:
                raise ValueError(f"allies.csv: {spelling!r} names both {index[key]} and {ally.iso3}")
    return index


def resolve_ally(text: str) -> str:
    """An ally's ISO3 code from its code or any of its spellings (NATO's, SIPRI's, common English
    ones such as UK, Turkey, Holland); ValueError if none."""
    found = _ally_spellings().get(normalise_name(text))
    if found is None:
        raise ValueError(text)
    return found


def outlier_notes(source: str, check: str) -> dict[tuple[str, int], str]:
    """(country, year) -> the reason a published figure is kept as printed, from known_outliers.csv (for example
    NATO's Table 3 printing exactly 2.0 where its Tables 2 and 5 give 1.989)."""
    rows = _read_csv(REFERENCE_DIR / "known_outliers.csv")
    return {(r["country"], int(r["year"])): r["reason"] for r in rows if r["source"] == source and r["check"] == check}
