"""Series breaks: implausible one-year jumps in NATO's series, found at ingest and listed with a reason.

A jump is not an error: a published figure stays as published. But a jump nobody has looked at
fails the ingest until it is listed in data/reference/series_breaks.csv, and a listed change of
series (kind `break` or `unexplained`) stops trends and growth rates from running across it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from natospend.data.indicators import INDICATORS
from natospend.data.series import AGGREGATES
from natospend.errors import InputError
from natospend.paths import REFERENCE_DIR

SERIES_BREAKS_CSV = REFERENCE_DIR / "series_breaks.csv"
BREAK_COLUMNS = ("source", "edition", "country", "indicator", "year", "kind", "what_changed", "reason")
# break: the series changed (definition, coverage, denominator); unexplained: the tables do not say,
# so it is treated as a break; real: a genuine movement, which trends may run across.
KINDS = ("break", "unexplained", "real")
SPLITS_TRENDS = ("break", "unexplained")


@dataclass(frozen=True)
class JumpRule:
    indicator: str
    price_basis: str  # prefix: "constant", "current" or "none"
    max_ratio: float  # a year-on-year ratio above this is a jump
    min_ratio: float  # ... or below this
    describe: str


# Thresholds: real GDP and personnel rarely move 15% in a year outside a crisis; a share of GDP
# that nearly doubles (or halves) in a year is either a one-off purchase or a new denominator.
JUMP_RULES = (
    JumpRule("gdp_usd_m", "constant", 1.15, 1 / 1.15, "real GDP moves more than 15% in a year"),
    JumpRule("military_personnel_k", "none", 1.15, 1 / 1.15, "military personnel move more than 15% in a year"),
    JumpRule(
        "defence_expenditure_share_gdp_pct",
        "constant",
        1.8,
        0.55,
        "the share of GDP rises by 80% or more (about doubles) or falls by 45% or more in a year",
    ),
)
# The series that trend and growth calculations read: a break in any of them splits the trend.
TREND_INDICATORS = ("gdp_usd_m", "defence_expenditure_usd_m", "defence_expenditure_share_gdp_pct")


@dataclass(frozen=True)
class SeriesBreak:
    source: str
    edition: str
    country: str
    indicator: str
    year: int  # the first year of the new series
    kind: str
    what_changed: str
    reason: str

    @property
    def splits_trends(self) -> bool:
        return self.kind in SPLITS_TRENDS


def load_series_breaks(path: Path = SERIES_BREAKS_CSV) -> tuple[SeriesBreak, ...]:
    """The listed breaks, validated: known kinds, a year, and a reason for each."""
    path = Path(path).resolve()
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)  # an edited file is read again


@lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int, _size: int) -> tuple[SeriesBreak, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != BREAK_COLUMNS:
            raise InputError(f"header is {reader.fieldnames}", file=path, row=1, expected=", ".join(BREAK_COLUMNS))
        records = list(reader)
    found = []
    for number, record in enumerate(records, start=2):
        if record["kind"] not in KINDS:
            raise InputError(
                f"kind is {record['kind']!r}", file=path, row=number, column="kind", expected=" or ".join(KINDS)
            )
        if record["indicator"] not in INDICATORS:
            raise InputError(
                f"unknown indicator {record['indicator']!r}",
                file=path,
                row=number,
                column="indicator",
                expected="a dataset indicator",
            )
        if not re.fullmatch(r"\d{4}", record["year"]):
            raise InputError(f"year is {record['year']!r}", file=path, row=number, column="year", expected="YYYY")
        for column in ("source", "edition", "country", "what_changed", "reason"):
            if not record[column].strip():
                raise InputError(
                    f"{column} is empty",
                    file=path,
                    row=number,
                    column=column,
                    expected='what changed and why ("unexplained in the tables" is an honest reason)',
                )
        found.append(SeriesBreak(**{**record, "year": int(record["year"])}))  # type: ignore[arg-type]
    return tuple(found)


def find_jumps(frame: pd.DataFrame, rules: Iterable[JumpRule] = JUMP_RULES) -> pd.DataFrame:
    """Every one-year jump in NATO's series of the allies (aggregates excluded), by the rules."""
    nato = frame[(frame["source"] == "nato") & ~frame["country"].isin(AGGREGATES)]
    found = []
    for rule in rules:
        rows = nato[
            (nato["indicator"] == rule.indicator)
            & nato["price_basis"].str.startswith(rule.price_basis)
            & nato["value"].notna()
        ]
        rows = rows.sort_values(["edition", "country", "year"])
        previous = rows.groupby(["edition", "country"], observed=True)["value"].shift()
        follows = rows.groupby(["edition", "country"], observed=True)["year"].shift() == rows["year"] - 1
        ratio = rows["value"] / previous
        jump = follows & (previous > 0) & ((ratio > rule.max_ratio) | (ratio < rule.min_ratio))
        part = rows.loc[jump, ["source", "edition", "country", "indicator", "year", "value", "source_table"]].copy()
        part["previous"] = previous[jump]
        part["ratio"] = ratio[jump]
        part["rule"] = rule.describe
        found.append(part)
    columns = [
        "source",
        "edition",
        "country",
        "indicator",
        "year",
        "previous",
        "value",
        "ratio",
        "rule",
        "source_table",
    ]
    if not found:
        return pd.DataFrame(columns=columns)
    return pd.concat(found, ignore_index=True)[columns].astype(
        {"source": str, "edition": str, "country": str, "indicator": str}
    )


def check_series_breaks(
    frame: pd.DataFrame, path: Path = SERIES_BREAKS_CSV, files: dict[tuple[str, str], str] | None = None
) -> None:
    """Fail unless every jump the rules find is listed in series_breaks.csv with a reason.

    files: (source, edition) -> the workbook's file name, to name it in the error."""
    listed = {(b.source, b.edition, b.country, b.indicator, b.year) for b in load_series_breaks(path)}
    jumps = find_jumps(frame)
    unlisted = [
        j for j in jumps.itertuples() if (j.source, j.edition, j.country, j.indicator, int(j.year)) not in listed
    ]
    if unlisted:
        first = unlisted[0]
        more = f" ({len(unlisted)} unlisted jumps; the first is named)" if len(unlisted) > 1 else ""
        raise InputError(
            f"NATO edition {first.edition}: {first.country} {first.indicator} moves from {first.previous:g} in "
            f"{int(first.year) - 1} to {first.value:g} in {int(first.year)} ({first.rule}){more}",
            file=(files or {}).get((first.source, first.edition)),
            sheet=first.source_table,
            column=str(int(first.year)),
            expected=f"the jump listed in data/reference/{Path(path).name} (source, edition, country, indicator, "
            "year, kind, what changed, reason)",
        )


def trend_breaks(source: str, edition: str, path: Path = SERIES_BREAKS_CSV) -> dict[str, list[SeriesBreak]]:
    """Country -> the listed breaks that trends must not run across, in one source and edition."""
    found: dict[str, list[SeriesBreak]] = {}
    for item in load_series_breaks(path):
        if (
            (item.source, item.edition) == (source, str(edition))
            and item.splits_trends
            and item.indicator in TREND_INDICATORS
        ):
            found.setdefault(item.country, []).append(item)
    return {country: sorted(items, key=lambda b: b.year) for country, items in found.items()}


def trend_start(country: str, start_year: int, end_year: int, breaks: dict[str, list[SeriesBreak]]) -> int:
    """The first year of a trend window start_year..end_year that no listed break crosses."""
    years = [b.year for b in breaks.get(country, []) if start_year < b.year <= end_year]
    return max(years) if years else start_year


def break_note(breaks: Iterable[SeriesBreak]) -> str:
    """'series break in 2023: <what changed>' for each year with a listed break of one ally, or ''."""
    seen: dict[int, str] = {}
    for item in breaks:
        seen.setdefault(item.year, item.what_changed)
    return "; ".join(f"series break in {year}: {what}" for year, what in sorted(seen.items()))


def break_years(breaks: dict[str, list[SeriesBreak]]) -> dict[str, list[int]]:
    """Country -> the years its listed breaks start, for marking time axes."""
    return {country: sorted({b.year for b in items}) for country, items in breaks.items()}


def personnel_breaks(source: str, edition: str, country: str) -> list[SeriesBreak]:
    """Listed breaks in one ally's military personnel series that trends must not cross."""
    return [
        b
        for b in load_series_breaks()
        if (b.source, b.edition, b.country) == (source, edition, country)
        and b.indicator == "military_personnel_k"
        and b.splits_trends
    ]


def break_in_or_before(breaks: dict[str, list[SeriesBreak]], country: str, year: int) -> bool:
    """Whether a listed break in the ally's series falls in or before `year`: its figure is on the new series."""
    return any(b.year <= year for b in breaks.get(country, []))
