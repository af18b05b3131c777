"""Public claims and their verdicts, in words (Markdown), and the per-edition check as a table for reading."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from natospend.analysis.claim_checks import FROM_TABLES, VERDICTS, verdict
from natospend.data.claims import Claim
from natospend.data.reference import ally_by_iso3
from natospend.figures.captions import EDITION_NOUNS as _WHAT
from natospend.figures.captions import edition_label, source_record
from natospend.formatting import beside_line, count, date_text, names, names_beside_line

SUMMARY_MARK = "(a summary, not a quotation)"


def _names(codes: str | Iterable[str]) -> list[str]:
    allies = ally_by_iso3()
    items = [c for c in (codes.split(";") if isinstance(codes, str) else codes) if c]
    return [allies[c].name for c in items]


def _near_words(near: str, threshold: float) -> str:
    allies = ally_by_iso3()
    pairs = [item.split("=") for item in near.split(";") if item]
    return names_beside_line(((allies[code].name, float(value)) for code, value in pairs), threshold)


def _edition_words(claim: Claim, row: pd.Series) -> str:
    """What one edition says about the claim, one sentence."""
    label = edition_label(row["source"], row["edition"])
    threshold = f"{claim.threshold_pct:g}%"
    if not row["covered"]:
        if claim.test == "share_by_year" and row["latest_year"] is not None and not pd.isna(row["latest_year"]):
            return (
                f"{label}: no figure for {claim.year}; its latest, {int(row['latest_year'])}, is "
                f"{row['latest_share_gdp_pct']:.2f}% of GDP."
            )
        return f"{label}: no figures for {claim.year}."
    if claim.test == "share_by_year":
        return f"{label}: {row['ally_share_gdp_pct']:.2f}% of GDP in {claim.year}."
    with_forces = int(row["members_with_figures"])
    counted = f"{row['at_or_above']} of the {with_forces} members with armed forces at or above {threshold}"
    if row["at_or_above_rounded_1dp"] != row["at_or_above"]:
        counted += f" ({row['at_or_above_rounded_1dp']} with shares rounded to one decimal)"
    if isinstance(row["other_side_from_spending_and_gdp"], str) and row["other_side_from_spending_and_gdp"]:
        flipped = [item.split("=") for item in str(row["other_side_from_spending_and_gdp"]).split(";")]
        counted += (
            f" ({int(row['at_or_above_from_spending_and_gdp'])} {FROM_TABLES}, constant prices: "
            + names(
                f"{ally_by_iso3()[code].name} {beside_line(float(pair.split('/')[1]), claim.threshold_pct)}%, "
                f"printed {float(pair.split('/')[0]):.1f} in Table 3"
                for code, pair in flipped
            )
            + ")"
        )
    if claim.test == "named_below":
        below = sorted(_names(row["below"]))  # by name, as a reader looks one up
        named = set(_names(c for c in claim.countries if ally_by_iso3()[c].has_armed_forces))
        text = f"{label}: below {threshold} in {claim.year}: {names(below)}"
        extra, missing = [n for n in below if n not in named], sorted(named - set(below))
        if extra and named:
            text += f"; not named, but below: {names(extra)}"
        if missing:
            text += f"; named, but at or above: {names(missing)}"
        text += "."
    else:
        text = f"{label}: {counted} in {claim.year}."
    if row["near"]:
        text += f" Within 0.05 points of {threshold}, so a small revision would move the count: "
        text += _near_words(row["near"], claim.threshold_pct) + "."
    return text


def _denominator_words(claim: Claim, checks: pd.DataFrame) -> str:
    if claim.test != "count_at_or_above" or checks.empty:
        return ""
    members = int(checks["members"].iloc[0])
    without = members - int(checks["members_with_figures"].max())
    if claim.of_members == members and without:
        return (
            f"The claim's {claim.of_members} are the members at the end of {claim.year}; Iceland has no armed forces "
            f"and no figures, so a count is out of {members - without}."
        )
    if claim.of_members != members:
        return f"The claim counts {claim.of_members} members; {members} were members at the end of {claim.year}."
    return ""


def claim_words(claim: Claim, checks: pd.DataFrame, elsewhere: list[tuple[str, str, int, str]] | None = None) -> str:
    """One Markdown bullet: who said what and when, the verdict, and why, edition by edition."""
    rows = checks[checks["claim_id"] == claim.claim_id]
    judged = _verdict_phrase(rows)
    # what the editions of the claim's source give: the verdict itself, unless the claim rests on other figures
    on_loaded = _verdict_phrase(rows.assign(decides=rows["about_source"]))
    url = f"`{claim.url}`"
    summary = SUMMARY_MARK in claim.quote  # the project's summary of reports, not the claimant's words
    words = claim.quote.replace(SUMMARY_MARK, "").strip()
    said = f"{words} ({SUMMARY_MARK.strip('()')})" if summary else f"\u201c{words}\u201d"
    lines = [
        f"- **{claim.claimed_by}, {date_text(claim.published_on)}**: {said} ({claim.source}; {url})",
        f"  - **Verdict: {judged}.** Tested: {claim.how_to_test}",
    ]
    main = rows[rows["about_source"]]
    for _, row in main.iterrows():
        lines.append(f"  - {_edition_words(claim, row)}")
    later = rows[~rows["about_source"] & rows["source"].eq(claim.about)]  # the same source, not the edition named
    other = rows[~rows["about_source"] & ~rows["source"].eq(claim.about)]
    if not later.empty:
        lines.append(
            "  - Another release, not the one the claim was made from (not part of the verdict): "
            + " ".join(_edition_words(claim, row) for _, row in later.iterrows())
        )
    if not other.empty:
        lines.append(
            f"  - Another view, on {'SIPRI' if claim.about == 'nato' else 'NATO'}'s definition (not part of the "
            "verdict): " + " ".join(_edition_words(claim, row) for _, row in other.iterrows())
        )
    if claim.rests_on:
        lines.append(f"  - {_rests_on_words(claim, main, on_loaded)}")
    denominator = _denominator_words(claim, rows)
    if denominator:
        lines.append(f"  - {denominator}")
    if judged == "does not hold" and claim.test == "count_at_or_above":
        text = f"No edition loaded gives {claim.count} for {claim.year}, exactly or with shares rounded to one decimal."
        for source, edition, year, how in elsewhere or []:
            released = source_record(source, edition).get("release_date") or ""
            when = "published after the claim" if released > claim.published_on else "published before the claim"
            text += f" {label_sentence(edition_label(source, edition))} gives {claim.count} for {year} ({how}), {when}."
        lines.append(f"  - {text}")
    if on_loaded.startswith("cannot"):
        lines.append(f"  - {_cannot_words(claim, rows)}")
    return "\n".join(lines)


def _rests_on_words(claim: Claim, main: pd.DataFrame, on_loaded: str) -> str:
    """'It rests on figures not loaded here: ... On <edition> it would hold only with shares computed from ...,
    which put <ally> on the other side of the line (as printed, 23); those are not the figures ...'."""
    text = f"It rests on figures not loaded here: {claim.rests_on}."
    if on_loaded.startswith("cannot"):
        return text
    covering = main[main["covered"].fillna(False).astype(bool)]
    loaded = names(edition_label(s, e) for s, e in zip(covering["source"], covering["edition"], strict=True))
    would = on_loaded.replace("holds", "would hold", 1).replace("does not hold", "would not hold", 1)
    text += f" On {loaded} it {would}"
    routed = covering[covering["holds_how"].eq(FROM_TABLES)]
    for row in routed.itertuples():  # say which allies the recomputation moves, and what the edition prints
        moved = [item.split("=")[0] for item in str(row.other_side_from_spending_and_gdp).split(";") if item]
        side = "below" if claim.count is not None and row.at_or_above > claim.count else "at or above"
        text += (
            f" (constant prices), which put {names(_names(moved))} {side} the line (as printed, the edition gives "
            f"{row.at_or_above} of {row.members_with_figures})"
        )
    text += "; those are not the figures the claim was made from, so a match would not confirm it"
    if claim.test == "count_at_or_above":
        text += " (a count can match with other allies on each side of the line)"
    return text + " and a mismatch does not refute it."


def _verdict_phrase(rows: pd.DataFrame) -> str:
    """The deciding editions' verdict in words: 'holds on NATO's 2024 edition (...) only, and only with ...'."""
    judged, holding = verdict(rows)
    if holding and judged != "holds":
        judged = "holds on " + names(edition_label(s, e) for s, e in holding) + " only"
    how = rows.loc[rows["decides"] & rows["holds"].fillna(False).astype(bool), "holds_how"]
    if len(how) and (how != "exactly").all() and how.nunique() == 1:
        judged += f", and only {how.iloc[0]}"
    return judged


def label_sentence(label: str) -> str:
    return label[:1].upper() + label[1:]


def _cannot_words(claim: Claim, rows: pd.DataFrame) -> str:
    if claim.about in _WHAT and not rows[rows["about_source"]]["covered"].fillna(False).astype(bool).any():
        who = "NATO" if claim.about == "nato" else "SIPRI"
        return (
            f"No {who} edition loaded has figures for {claim.year}: `natospend update --source {claim.about}` "
            "fetches a newer one, if published."
        )
    return f"No edition loaded has figures for {claim.year} yet."


def claims_words(
    claims: Iterable[Claim],
    checks: pd.DataFrame,
    elsewhere: Mapping[str, list[tuple[str, str, int, str]]] | None = None,
) -> str:
    """Every claim, with its verdict (Markdown). `elsewhere`: per claim, other years or releases that give its count."""
    claims = list(claims)
    judged = [verdict(checks[checks["claim_id"] == c.claim_id])[0] for c in claims]
    tally = [f"{v}: {judged.count(v)}" for v in VERDICTS if v in judged]
    head = (
        f"{count(len(claims), 'claim', 'claims')} from `data/reference/claims.csv`, each tested on every edition "
        "loaded. Verdicts: " + "; ".join(tally) + "."
    )
    bullets = [claim_words(claim, checks, (elsewhere or {}).get(claim.claim_id)) for claim in claims]
    return head + "\n\n" + "\n".join(bullets)


def _found(row: pd.Series) -> str:
    """'23 of 31 at or above', '2.33% of GDP', or a dash where the edition does not cover the year."""
    if not row["covered"]:
        return "\u2013"
    if not pd.isna(row["ally_share_gdp_pct"]):
        return f"{row['ally_share_gdp_pct']:.2f}% of GDP"
    below = len([c for c in str(row["below"]).split(";") if c])
    return f"{row['at_or_above']} of {row['members_with_figures']} at or above, {below} below"


HOLDS_HOW_SHORT = {
    "exactly": "yes",
    "with shares rounded to one decimal": "yes, rounded",
    FROM_TABLES: "yes, from Tables 2 and 5",
}


def _holds_here(row: pd.Series) -> str:
    """'yes', 'yes, rounded', 'yes, from Tables 2 and 5', 'no', or a dash where the edition does not cover it."""
    if pd.isna(row["holds"]):
        return "\u2013"
    return HOLDS_HOW_SHORT.get(str(row["holds_how"]), "yes") if bool(row["holds"]) else "no"


def readable_checks(checks: pd.DataFrame) -> pd.DataFrame:
    """The per-edition table for reading: one row per claim and edition."""
    shown = pd.DataFrame(
        {
            "Claim": checks["claim_id"],  # a long identifier wraps in print: the table holds words
            "Edition": [edition_label(s, e) for s, e in zip(checks["source"], checks["edition"], strict=True)],
            "Decides": checks["decides"].map({True: "yes", False: "no"}),
            "Year": checks["year"].astype(int).astype(str),
            "Found (\u2013: no figures for the year)": [_found(row) for _, row in checks.iterrows()],
            "Holds here": [_holds_here(row) for _, row in checks.iterrows()],
            "Claim's verdict": checks["verdict"],
        }
    )
    return shown
