"""A publisher's notes on an ally's figures, in the publisher's words, for a page (Markdown)."""

from __future__ import annotations

import re

import pandas as pd

_ADDRESS = re.compile(r"<?(https?://[^\s>]+)>?")
# Slips in SIPRI's notes, quoted as SIPRI wrote them and marked: a reader should not take them for ours.
# Notes that tie SIPRI's own figures to NATO's. Not "NATO has provided figures ...": SIPRI's note on Bulgaria
# gives NATO's figures as an alternative that its own figures (lower) do not use.
_FROM_NATO = re.compile(r"provided by NATO|NATO, the princip\w* source|methodologies by NATO")
_SLIPS = re.compile(r"\b(the principle source|figures includes|data data|miltary)\b")


def _plain(note: str) -> str:
    """One paragraph; an address SIPRI cites as text in code, never a link (a page links only its own files)."""
    text = _ADDRESS.sub(lambda m: f"`{m.group(1)}`", " ".join(str(note).split()))
    return _SLIPS.sub(lambda m: f"{m.group(1)} [sic]", text)


def sipri_notes_words(notes: pd.DataFrame, sipri_edition: str, *, name_nato_sources: bool = False) -> str:
    """One bullet per ally with SIPRI's notes on its figures (what they include or exclude, fiscal years,
    budgets instead of outturns), quoted from the edition's Footnotes sheet; or a sentence when there is none."""
    source = f"SIPRI Military Expenditure Database, April {sipri_edition} release"
    if notes.empty:
        return f"*SIPRI attaches no note to these figures ({source}).*"
    lines = [
        f"**SIPRI's notes on these figures** ({source}; SIPRI's words, with its mark). SIPRI's notes say what "
        "its figures include or exclude, which can explain part of a difference from NATO's figures.",
        "",
    ]
    for name, rows in notes.groupby("country_name", sort=False):
        quoted = " ".join(f"({row.mark}) {_plain(row.note)}" for row in rows.itertuples())
        lines.append(f"- **{name}**: {quoted}")
    if not name_nato_sources:
        return "\n".join(lines)
    quoted = {}
    for r in notes.itertuples():
        for sentence in re.split(r"(?<=\.)\s+", " ".join(str(r.note).split())):
            if _FROM_NATO.search(sentence):
                quoted.setdefault(str(r.country_name), sentence.removeprefix(f"{r.country_name}: "))
    listed = "; ".join(f"{name}: \u201c{_plain(sentence)}\u201d" for name, sentence in sorted(quoted.items()))
    listed = listed or "none in this release"
    stop = "" if listed.endswith(".\u201d") else "."  # a quotation that ends the sentence carries its full stop
    lines += ["", f"Where SIPRI's notes tie its own figures to NATO's (its words): {listed}{stop}"]
    return "\n".join(lines)
