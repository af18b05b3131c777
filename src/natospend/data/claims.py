"""Public claims about the allies' spending (data/reference/claims.csv), each with how to test it.

A claim is dated and sourced: who made it, when, where (publisher and address) and its words. `test` says what
is checked against the data: `count_at_or_above` (how many members stood at or above the threshold in the year,
of how many), `named_below` (exactly which allies stood below it; an ally without armed forces, such as Iceland,
counts as not at it), `share_by_year` (one ally at or above the threshold in the year: a pledge). `about` says
whose figures the claim rests on (nato, sipri, or any): those editions decide its verdict; the others are shown
beside them; `edition` narrows that to the one edition a claim was made from (a publisher's headline with its
release), later revisions shown beside it. `rests_on` names the figures a claim was made from when they are known
and not loaded (a report, a later edition): no loaded edition decides, the claim cannot be checked with the data
loaded, and what the loaded editions would give is shown as context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from natospend.data.reference import ally_by_iso3, read_reference_rows
from natospend.errors import InputError
from natospend.paths import REFERENCE_DIR

CLAIMS_CSV = REFERENCE_DIR / "claims.csv"
CLAIM_COLUMNS = (
    "claim_id",
    "claimed_by",
    "published_on",
    "source",
    "url",
    "quote",
    "test",
    "about",
    "year",
    "threshold_pct",
    "count",
    "of_members",
    "countries",
    "edition",
    "rests_on",
    "how_to_test",
)
TESTS = ("count_at_or_above", "named_below", "share_by_year")
ABOUT = ("nato", "sipri", "any")


@dataclass(frozen=True)
class Claim:
    claim_id: str
    claimed_by: str
    published_on: str  # YYYY-MM-DD
    source: str
    url: str
    quote: str
    test: str  # one of TESTS
    about: str  # one of ABOUT: whose figures decide the verdict
    year: int
    threshold_pct: float
    count: int | None  # count_at_or_above: the claimed number of members at or above
    of_members: int | None  # count_at_or_above: the claimed number of members
    countries: tuple[str, ...]  # named_below: the allies named; share_by_year: the one ally
    edition: str  # the loaded edition of `about` the claim was made from: it alone decides (else every edition)
    rests_on: str  # the figures the claim rests on, when known and not among the editions loaded (else empty)
    how_to_test: str  # the test in words, for the page


def load_claims(path: Path = CLAIMS_CSV) -> list[Claim]:
    """The claims, validated: a refused row names the file, its row and column and what was expected."""
    records = read_reference_rows(path, CLAIM_COLUMNS)
    allies = ally_by_iso3()
    claims: list[Claim] = []
    for number, record in enumerate(records, start=2):

        def refuse(problem: str, column: str, expected: str, row: int = number) -> InputError:
            return InputError(problem, file=path, row=row, column=column, expected=expected)

        for column in ("claim_id", "claimed_by", "published_on", "source", "url", "quote", "how_to_test"):
            if not (record[column] or "").strip():
                raise refuse(f"{column} is empty", column, "a claim is dated, sourced and quoted")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["published_on"]):
            raise refuse(f"published_on is {record['published_on']!r}", "published_on", "YYYY-MM-DD")
        if not record["url"].startswith("https://"):
            raise refuse(f"url is {record['url']!r}", "url", "the https:// address of the source")
        if record["test"] not in TESTS:
            raise refuse(f"test is {record['test']!r}", "test", " or ".join(TESTS))
        if record["about"] not in ABOUT:
            raise refuse(f"about is {record['about']!r}", "about", " or ".join(ABOUT))
        numbers: dict[str, float] = {}
        for column in ("year", "threshold_pct", "count", "of_members"):
            text = (record[column] or "").strip()
            if not text:
                continue
            try:
                numbers[column] = float(text)
            except ValueError:
                raise refuse(f"{column} is {text!r}", column, "a number") from None
        if "year" not in numbers or not 1949 <= numbers["year"] <= 2100 or numbers["year"] % 1:
            raise refuse(f"year is {record['year']!r}", "year", "the year the claim is about, 1949-2100")
        if not 0 < numbers.get("threshold_pct", 0) <= 100:
            raise refuse(f"threshold_pct is {record['threshold_pct']!r}", "threshold_pct", "a share in (0, 100]")
        countries = tuple(code.strip() for code in (record["countries"] or "").split(";") if code.strip())
        for code in countries:
            if code not in allies:
                raise refuse(f"unknown ally {code!r}", "countries", "ISO3 codes from data/reference/allies.csv, ';'")
        edition = (record["edition"] or "").strip()
        if edition and record["about"] == "any":
            raise refuse(f"edition {edition!r} with about 'any'", "edition", "an edition of the source in `about`")
        if record["test"] == "count_at_or_above" and not ("count" in numbers and "of_members" in numbers):
            raise refuse("count or of_members is empty", "count", "the claimed count and of how many members")
        if record["test"] == "share_by_year" and len(countries) != 1:
            raise refuse(f"{len(countries)} countries", "countries", "one ally")
        if record["test"] == "named_below" and not countries:
            raise refuse("no countries", "countries", "the allies the claim names as below")
        if any(c.claim_id == record["claim_id"] for c in claims):
            raise refuse(f"second claim {record['claim_id']!r}", "claim_id", "one row per claim")
        claims.append(
            Claim(
                claim_id=record["claim_id"],
                claimed_by=record["claimed_by"],
                published_on=record["published_on"],
                source=record["source"],
                url=record["url"],
                quote=record["quote"],
                test=record["test"],
                about=record["about"],
                year=int(numbers["year"]),
                threshold_pct=numbers["threshold_pct"],
                count=int(numbers["count"]) if "count" in numbers else None,
                of_members=int(numbers["of_members"]) if "of_members" in numbers else None,
                countries=countries,
                edition=edition,
                rests_on=(record["rests_on"] or "").strip(),
                how_to_test=record["how_to_test"],
            )
        )
    return claims
