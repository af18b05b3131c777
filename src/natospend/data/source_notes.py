"""The notes a publisher attaches to an ally's figures, as the edition in use words them: SIPRI's symbols
(†, ‡, §, ¶, ‖) and numbered footnotes from its `Footnotes` sheet, kept in sources.json by `natospend ingest`."""

from __future__ import annotations

import re

import pandas as pd

from natospend.data.dataset import FLAG_MEANINGS, provenance_records
from natospend.data.reference import ally_by_iso3, resolve_ally

SYMBOL_FLAGS = {  # the dataset's flag -> SIPRI's symbol
    "excludes_pensions": "†",
    "current_spending_only": "‡",
    "adopted_budget": "§",
    "excludes_paramilitary": "¶",
    "currency_redenominated": "‖",
}
FOOTNOTE_FLAG = "sipri_footnote_"


def sipri_notes(sipri: pd.DataFrame, edition: str, countries: list[str] | None = None) -> pd.DataFrame:
    """One row per ally and note: `country`, `country_name`, `mark` (the symbol or footnote number as SIPRI
    prints it) and `note` (SIPRI's words from the edition's Footnotes sheet), for the allies in `countries`
    (every ally when None). A note is listed when any of the ally's figures in the edition carries it."""
    record = next((r for r in provenance_records() if r["source"] == "sipri" and r["edition"] == edition), {})
    footnotes = record.get("footnotes") or {}
    allies = ally_by_iso3()
    wanted = set(countries) if countries is not None else set(allies)
    rows = sipri[(sipri["edition"] == edition) & sipri["country"].isin(wanted)]
    found: set[tuple[str, str]] = set()
    for country, flags in zip(rows["country"], rows["flags"].astype("string").fillna("")):
        for flag in flags.split(";"):
            if flag in SYMBOL_FLAGS:
                found.add((country, SYMBOL_FLAGS[flag]))
            elif flag.startswith(FOOTNOTE_FLAG):
                found.add((country, flag.removeprefix(FOOTNOTE_FLAG)))
    out = []
    for country, mark in sorted(found, key=lambda item: (allies[item[0]].name, item[1].isdigit(), item[1])):
        symbol_meaning = next((FLAG_MEANINGS[f] for f, s in SYMBOL_FLAGS.items() if s == mark), "")
        note = footnotes.get(mark) or symbol_meaning or f"SIPRI footnote {mark} (text not in this edition's sheet)"
        out.append({"country": country, "country_name": allies[country].name, "mark": mark, "note": note})
    return pd.DataFrame(out, columns=["country", "country_name", "mark", "note"])


# ---- NATO: the notes under its tables (kept in sources.json by `natospend ingest`) ----


def nato_footnotes(edition: str) -> dict[str, str]:
    """NATO's notes under the tables of an edition, by mark ('*', '(a)' ..., 'notes'), in NATO's words."""
    record = next((r for r in provenance_records() if r["source"] == "nato" and r["edition"] == edition), {})
    return dict(record.get("footnotes") or {})


_JUDGED = re.compile(
    r"In (?P<years>\d{4}(?:(?:,\s*|\s+and\s+)\d{4})*),\s*(?P<ally>[A-Z][\w .'-]*?) met (?P<pct>\d+(?:\.\d+)?)%"
)


def past_year_judgements(footnote: str) -> list[tuple[str, int, float]]:
    """(ally's name as NATO writes it, year, threshold %) for each year the '*' footnote says an ally met the
    guideline on the GDP data of the time: '(In 2018 and 2021, Lithuania met 2% using November 2018 and June
    2021 OECD figures respectively)' -> [('Lithuania', 2018, 2.0), ('Lithuania', 2021, 2.0)]."""
    found = []
    for match in _JUDGED.finditer(footnote):
        for year in re.findall(r"\d{4}", match.group("years")):
            found.append((match.group("ally").strip(), int(year), float(match.group("pct"))))
    return found


def nato_past_judgements(edition: str) -> list[tuple[str, int, float]]:
    """(ISO3, year, threshold %) for each ally and year NATO's '*' note says met the guideline on the GDP data
    of the time, though the edition's own figures put it below."""
    return [
        (resolve_ally(name), year, pct)
        for name, year, pct in past_year_judgements(nato_footnotes(edition).get("*", ""))
    ]
