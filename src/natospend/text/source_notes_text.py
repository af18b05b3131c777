"""A publisher's notes on an ally's figures, in the publisher's words, for a page (Markdown)."""

from __future__ import annotations

import re

import pandas as pd

from natospend.formatting import names

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


def sipri_notes_words(
    notes: pd.DataFrame,
    sipri_edition: str,
    *,
    name_nato_sources: bool = False,
    earlier_notes: pd.DataFrame | None = None,
    earlier_edition: str | None = None,
) -> str:
    """One bullet per ally with SIPRI's notes on its figures (what they include or exclude, fiscal years,
    budgets instead of outturns), quoted from the edition's Footnotes sheet; or a sentence when there is none.
    name_nato_sources: also quote, from this release and the earlier one when given, the notes that tie SIPRI's
    own figures to NATO's (a note can say more in one release than in the next)."""
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
    releases = [(notes, sipri_edition)]
    if earlier_notes is not None and earlier_edition is not None:
        releases.append((earlier_notes, earlier_edition))
    quoted: dict[tuple[str, str], str] = {}
    mentions: set[str] = set()  # allies whose notes name NATO without tying SIPRI's figures to it
    for frame, edition in releases:
        for r in frame.itertuples():
            for sentence in re.split(r"(?<=\.)\s+", " ".join(str(r.note).split())):
                if _FROM_NATO.search(sentence):
                    quoted.setdefault((str(r.country_name), edition), sentence.removeprefix(f"{r.country_name}: "))
                elif "NATO" in sentence and edition == sipri_edition:  # quoted above: this release's notes
                    mentions.add(str(r.country_name))
    mentions -= {name for name, _ in quoted}
    listed = "; ".join(
        f"{name}{'' if edition == sipri_edition else f' (April {edition} release)'}: \u201c{_plain(sentence)}\u201d"
        for (name, edition), sentence in sorted(
            quoted.items(), key=lambda item: (item[0][0], item[0][1] != sipri_edition)
        )
    )
    listed = listed or ("none in these releases" if len(releases) > 1 else "none in this release")
    stop = "" if listed.endswith(".\u201d") else "."  # a quotation that ends the sentence carries its full stop
    # a note that names NATO in another way (NATO's figures as an alternative, a membership date) is not listed
    other = (
        f" Notes that name NATO in another way are not listed ({names(sorted(mentions))}, quoted above)."
        if mentions
        else ""
    )
    lines += [
        "",
        f"Where SIPRI's notes tie its own figures to NATO's, for the years each names (its words): {listed}{stop}"
        f"{other} The absence of such a note is not evidence that an ally's figures are independent of NATO's: "
        "SIPRI's notes do not name the source of every figure.",
    ]
    return "\n".join(lines)
