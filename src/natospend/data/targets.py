"""The alliance's targets (data/reference/targets.yaml) and national pledges (pledges.csv)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from natospend.data.reference import ally_by_iso3, read_reference_rows
from natospend.errors import InputError
from natospend.paths import REFERENCE_DIR

TARGETS_YAML = REFERENCE_DIR / "targets.yaml"
# The indicators a target can be compared on: NATO's tables carry them for every ally and year.
COMPARABLE_MEASURES = ("defence_expenditure_share_gdp_pct", "equipment_share_pct")
PLEDGES_CSV = REFERENCE_DIR / "pledges.csv"


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    measure: str | None  # one of COMPARABLE_MEASURES, or None when the published tables cannot measure it
    threshold_pct: float
    deadline: int | None
    agreed_year: int | None  # counts in earlier years are retrospective comparisons
    review_year: int | None
    proposed_deadline: int | None
    sources: tuple[str, ...]
    wording: str  # the agreed text, quoted
    wording_source: str  # where and when it was agreed
    comparison: str  # what comparing NATO's published series with the threshold means
    # an earlier agreed text that set the target's pace (Wales 2014 for 2%), quoted, and where it was agreed
    earlier_wording: str = ""
    earlier_wording_source: str = ""
    proposed_deadline_source: str = ""  # who floated the earlier deadline, where and when

    @property
    def quoted(self) -> str:
        return f"\u201c{self.wording}\u201d ({self.wording_source})"

    @property
    def measurable(self) -> bool:
        """Whether NATO's published tables measure it (the 1.5% of defence-related spending: no)."""
        return self.measure is not None

    @property
    def of_gdp(self) -> bool:
        return self.measure == "defence_expenditure_share_gdp_pct"


def load_targets(path: Path = TARGETS_YAML) -> dict[str, Target]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    targets: dict[str, Target] = {}
    for number, entry in enumerate(document.get("targets", []), start=1):
        where = f"target {number} ({entry.get('id', '?')})"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(entry.get("id", ""))):
            raise InputError(f"{where}: id must be snake_case", file=path, expected="an id such as gdp_2pct")
        measure = entry.get("measure")
        if measure is not None and measure not in COMPARABLE_MEASURES:
            raise InputError(
                f"{where}: measure {measure!r} is not one a target can be compared on",
                file=path,
                expected=", ".join(COMPARABLE_MEASURES) + " or null",
            )
        threshold = entry.get("threshold_pct")
        if not isinstance(threshold, (int, float)) or not 0 < threshold <= 100:
            raise InputError(f"{where}: threshold_pct is {threshold!r}", file=path, expected="a number in (0, 100]")
        if entry["id"] in targets:
            raise InputError(f"{where}: duplicate id", file=path)
        for key in ("name", "wording", "wording_source", "comparison"):
            if not str(entry.get(key) or "").strip():
                raise InputError(
                    f"{where}: {key} is missing",
                    file=path,
                    expected=f"{key}: the agreed text, its source and date, and what the comparison means",
                )
        targets[entry["id"]] = Target(
            id=entry["id"],
            name=str(entry["name"]),
            measure=measure,
            threshold_pct=float(threshold),
            deadline=entry.get("deadline"),
            agreed_year=entry.get("agreed_year"),
            review_year=entry.get("review_year"),
            proposed_deadline=entry.get("proposed_deadline"),
            sources=tuple(entry.get("sources", [])),
            wording=str(entry["wording"]).strip(),
            wording_source=str(entry["wording_source"]).strip(),
            comparison=str(entry["comparison"]).strip(),
            earlier_wording=str(entry.get("earlier_wording") or "").strip(),
            earlier_wording_source=str(entry.get("earlier_wording_source") or "").strip(),
            proposed_deadline_source=str(entry.get("proposed_deadline_source") or "").strip(),
        )
    return targets


def definitions_markdown(targets: Iterable[Target]) -> str:
    """Each target as agreed (quoted, with its source) and what comparing NATO's series with it means."""
    return "\n".join(f"- **{t.name}**: {t.quoted}. *{t.comparison}*" for t in targets)


PLEDGE_COLUMNS = ("country", "target_year", "share_gdp_pct", "stated_by", "stated_on", "source", "quote")


def load_pledges(path: Path = PLEDGES_CSV) -> pd.DataFrame:
    """National pledges, validated: an ally, a year, a share of GDP in (0, 100], who said it and when,
    and a citation (`source`: publisher and date; `quote`: the words). A pledge without a source is refused."""
    records = read_reference_rows(path, PLEDGE_COLUMNS)
    allies = ally_by_iso3()
    seen: set[tuple[str, int]] = set()
    rows = []
    for number, record in enumerate(records, start=2):
        if record["country"] not in allies:
            raise InputError(
                f"unknown ally {record['country']!r}",
                file=path,
                row=number,
                column="country",
                expected="an ISO3 code from data/reference/allies.csv",
            )
        try:
            year, share = int(record["target_year"]), float(record["share_gdp_pct"])
        except ValueError:
            raise InputError(
                "target_year or share_gdp_pct is not a number",
                file=path,
                row=number,
                expected="a year and a percentage",
            ) from None
        if not 2000 <= year <= 2100 or not 0 < share <= 100:
            raise InputError(
                f"pledge {share}% in {year} is out of range",
                file=path,
                row=number,
                expected="a year 2000-2100 and a share in (0, 100]",
            )
        for column, what in (
            ("stated_by", "who made the pledge"),
            ("stated_on", "when: YYYY-MM-DD"),
            ("source", "the citation: publisher and date"),
            ("quote", "the words as reported"),
        ):
            if not (record[column] or "").strip():
                raise InputError(f"{column} is empty", file=path, row=number, column=column, expected=what)
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", record["stated_on"]):
            raise InputError(
                f"stated_on is {record['stated_on']!r}",
                file=path,
                row=number,
                column="stated_on",
                expected="YYYY, YYYY-MM or YYYY-MM-DD",
            )
        if (record["country"], year) in seen:
            raise InputError(
                f"second pledge for {record['country']} {year}",
                file=path,
                row=number,
                expected="one pledge per ally and year",
            )
        seen.add((record["country"], year))
        rows.append({**record, "target_year": year, "share_gdp_pct": share})
    return pd.DataFrame(rows, columns=list(PLEDGE_COLUMNS))


def pledge_sentence(pledges: pd.DataFrame) -> str:
    """'Stars: national pledges (United Kingdom: David Lammy, ..., Associated Press, 15 May 2025).', or ''."""
    if not len(pledges):
        return ""
    allies = ally_by_iso3()
    cited = dict.fromkeys(f"{allies[r.country].name}: {r.stated_by}, {r.source}" for r in pledges.itertuples())
    return "Stars: national pledges (" + "; ".join(cited) + ")."
