"""Who meets which target, in words and in tables for reading: generated from the status, burden, shortfall
and SIPRI frames they describe (natospend.analysis.status, burden, shortfall), for any page that shows them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from natospend.analysis import status
from natospend.analysis.shortfall import alliance_totals
from natospend.data.breaks import SeriesBreak, break_in_or_before
from natospend.data.reference import outlier_notes
from natospend.data.series import allies_only
from natospend.data.targets import Target
from natospend.formatting import count, names, names_beside_line, readable, verb, year_ranges


def not_yet_members(table: pd.DataFrame, year: int) -> list[str]:
    """Allies with data in the year that joined after it (left out of every count and ranking)."""
    allies = allies_only(table)
    rows = allies[(allies["year"] == year) & ~allies["member"]]
    return rows.sort_values("country_name")["country_name"].tolist()


def headline(
    meeting: pd.DataFrame,
    targets: list[Target],
    *,
    table: pd.DataFrame,
    aggregates: pd.DataFrame,
    burden: pd.DataFrame,
    year: int,
) -> str:
    """The answer in words, generated from the status table and the alliance's aggregates (Markdown)."""
    n = len(meeting)
    qualifier = " (NATO estimates)" if bool(meeting["estimate"].any()) else ""
    later = not_yet_members(table, year)
    left_out = f" {names(later)} joined later and {verb(len(later), 'is', 'are')} not counted." if later else ""
    lines = [
        f"**In {year}{qualifier}, of the {count(n, 'member', 'members')} with armed forces at the end of the "
        f"year:**{left_out}",
        "",
    ]
    for target in targets:
        if not target.measurable:
            lines.append(f"- *{target.name}*: {target.comparison}")
            continue
        meets, below = status.meeting_lists(meeting, target)
        ahead = target.deadline is not None and target.deadline > year  # a target for a later year
        stands = "already at or above" if ahead else verb(len(meets), "meets", "meet")
        lines.append(
            f"- **{len(meets)} of {n} {stands} {target.name}**"
            + (f" (a target for {target.deadline})" if ahead else "")
            + (f": {', '.join(meets)}." if meets else ".")
            + (f" Below: {', '.join(below)}." if below else "")
            + near_words(status.near_list(meeting, target), target.threshold_pct)
            + f" *{target.comparison}*"
        )
    printed = outlier_notes("nato", "share_cross_check")
    kept = [
        f"{r.country_name} {year}: {printed[(r.country, year)]}"
        for r in meeting.itertuples()
        if (r.country, year) in printed
    ]
    if kept:
        lines += ["", "Shares NATO prints at the line that its own tables put just below it: " + "; ".join(kept) + "."]
    total = aggregates.set_index("country")
    if "NATO_TOTAL" in total.index:
        lines += [
            "",
            f"NATO as a whole spent {total.at['NATO_TOTAL', 'share_gdp_pct']:.2f}% of GDP; Europe and "
            f"Canada {total.at['NATO_EUROPE_CANADA', 'share_gdp_pct']:.2f}%.",
        ]
    latest = burden[burden["year"] == year]
    if len(latest):
        lines.append(
            f"The United States accounted for {latest['united_states_share_pct'].iloc[0]:.1f}% of allied "
            f"defence spending (current US dollars)."
        )
    return "\n".join(lines)


def near_words(near: list[tuple[str, float]], threshold: float) -> str:
    """' Within 0.05 points of 2%: Albania (2.038%) and Sweden (1.998%).' or ''."""
    if not near:
        return ""
    items = names_beside_line(near, threshold)
    return (
        f" Within {status.NEAR_BAND_PP:g} points of {threshold:g}%, so a small revision would move the count: {items}."
    )


def readable_status(
    meeting: pd.DataFrame, targets: list[Target], breaks: dict[str, list[SeriesBreak]] | None = None
) -> pd.DataFrame:
    """The status table rounded for reading, with units in the column names. A share after a listed break in
    NATO's series (breaks: data.breaks.trend_breaks) is marked "(break)": not comparable with the others."""
    shown = meeting[["country_name", "share_gdp_pct", "equipment_share_pct", "estimate"]].copy()
    shown.columns = ["Ally", "Share of GDP, %", "Equipment share, %", "Estimate"]
    for target in [t for t in targets if t.measurable]:
        shown[f"Gap to {target.threshold_pct:g}%, pp"] = meeting[f"gap_{target.id}_pp"]
    text = readable(shown.set_index("Ally"), {"Equipment share, %": 1})
    broken = [break_in_or_before(breaks or {}, c, y) for c, y in zip(meeting["country"], meeting["year"], strict=True)]
    column = "Share of GDP, %"
    text[column] = [f"{v} (break)" if b else v for v, b in zip(text[column], broken, strict=True)]
    return text


def sipri_latest(sipri_status: pd.DataFrame, sipri_edition: str, thresholds: list[float]) -> str:
    """Who stands at each threshold in SIPRI's latest year, with the definition difference stated (Markdown)."""
    rows = sipri_status
    year, n = int(rows["year"].iloc[0]), len(rows)
    estimated = int(rows["estimate"].sum())
    lines = [
        f"**SIPRI's latest year, {year}** (SIPRI Military Expenditure Database, April {sipri_edition} "
        f"release; {count(n, 'member', 'members')} with armed forces at the end of {year}"
        + (
            f"; SIPRI marks {count(estimated, 'figure', 'figures')} as "
            f"{'an estimate' if estimated == 1 else 'estimates'}"
            if estimated
            else ""
        )
        + "):",
        "",
    ]
    for threshold in thresholds:
        at = rows[rows[f"meets_{threshold:g}pct".replace(".", "_")]]
        close = rows[status.near(rows["sipri_share_gdp_pct"], threshold)]
        lines.append(
            f"- **{len(at)} of {n}** at or above {threshold:g}% of GDP: {names(at['country_name'].tolist())}."
            + near_words([(r.country_name, float(r.sipri_share_gdp_pct)) for r in close.itertuples()], threshold)
        )
    lines += [
        "",
        "SIPRI's *military expenditure* is not NATO's *defence expenditure*: SIPRI follows its own "
        "definition and compiles it from open sources (notebook 04 says what each source documents about the GDP "
        "it divides by), while NATO's figures, under NATO's agreed definition, are the measure of the 2% and "
        "3.5% targets. SIPRI's counts are a second view of a year the NATO edition loaded here does not reach, not "
        "an assessment against the targets (notebook 04 compares the two).",
    ]
    return "\n".join(lines)


def shortfall_words(
    shortfall: pd.DataFrame,
    *,
    threshold: float,
    start: int,
    price_base: int,
    guideline: Target | None = None,
    estimated: list[int] | None = None,
    breaks: dict[str, list[SeriesBreak]] | None = None,
) -> str:
    """The shortfall since the start year in words (Markdown): a counterfactual sum, framed as one.

    guideline: the 2% target, whose earlier wording (Wales 2014) says what allies below it agreed to do;
    estimated: the edition's estimate years; breaks: listed breaks in NATO's series (a changed denominator)."""
    totals = alliance_totals(shortfall)
    top = shortfall.head(3)
    last = int(shortfall["last_year"].max())
    surplus = shortfall.set_index("country")["surplus_usd_m_constant"]
    us_share = surplus.get("USA", 0.0) / surplus.sum() * 100 if surplus.sum() > 0 else 0.0
    text = (
        f"**Short of {threshold:g}% since {start}, a counterfactual:** had every ally below {threshold:g}% of GDP "
        f"stood at it in each year it was a member at the year's end ({start}-{last}), they would have spent "
        f"**{totals['shortfall_usd_m_constant'] / 1000:,.0f} billion US dollars** more ({price_base} prices); the "
        f"allies above it spent {totals['surplus_usd_m_constant'] / 1000:,.0f} billion more than {threshold:g}% "
        f"would have taken, {us_share:.0f}% of that by the United States. The largest shortfalls: "
        + names(
            [
                f"{r.country_name} ({r.shortfall_usd_m_constant / 1000:,.0f} bn,"
                f" {r.years_below} of {r.last_year - r.first_year + 1} years below)"
                for r in top.itertuples()
            ]
        )
        + "."
    )
    if guideline is not None and guideline.earlier_wording and guideline.threshold_pct == threshold:
        text += (
            f" This is not a debt: allies below {threshold:g}% agreed to \u201c{guideline.earlier_wording}\u201d "
            f"({guideline.earlier_wording_source}), not to spend {threshold:g}% in every year since."
        )
    within = [y for y in (estimated or []) if start <= y <= last]
    changed = sorted(
        {
            c
            for c, items in (breaks or {}).items()
            for b in items
            if b.splits_trends and start <= b.year <= last and c in set(shortfall["country"])
        }
    )
    caveats = []
    if within:
        caveats.append(f"NATO's estimates for {year_ranges(within)}")
    if changed:
        named = shortfall.set_index("country")["country_name"]
        caveats.append(
            "years on a changed denominator (a listed series break: " + names([str(named[c]) for c in changed]) + ")"
        )
    if caveats:
        text += f" The sums include {names(caveats)}."
    return text


def readable_shortfall(shortfall: pd.DataFrame, *, threshold: float, price_base: int) -> pd.DataFrame:
    """Each ally's shortfall and surplus since the start year, in USD bn."""
    shown = shortfall[
        ["country_name", "first_year", "last_year", "years_below", "shortfall_usd_m_constant", "surplus_usd_m_constant"]
    ].copy()
    shown["shortfall_usd_m_constant"] /= 1000
    shown["surplus_usd_m_constant"] /= 1000
    shown.columns = [
        "Ally",
        "From",
        "To",
        "Years below",
        f"Shortfall, USD bn ({price_base} prices)",
        f"Above {threshold:g}%, USD bn ({price_base} prices)",
    ]
    return readable(shown.set_index("Ally"), 1)


def readable_sipri_latest(sipri_status: pd.DataFrame) -> pd.DataFrame:
    """SIPRI's latest-year shares for reading."""
    shown = sipri_status[["country_name", "sipri_share_gdp_pct", "estimate"]].copy()
    shown.columns = ["Ally", f"SIPRI, % of GDP ({int(sipri_status['year'].iloc[0])})", "SIPRI estimate"]
    return readable(shown.set_index("Ally"))


def overview_summary(
    meeting: pd.DataFrame,
    targets: list[Target],
    *,
    table: pd.DataFrame,
    aggregates: pd.DataFrame,
    burden: pd.DataFrame,
    sipri_status: pd.DataFrame,
    shortfall: pd.DataFrame,
    shortfall_threshold_pct: float,
    shortfall_start_year: int,
    year: int,
) -> dict[str, Any]:
    """The numbers the page states, for summary.json."""
    counts = {t.id: int(meeting[f"meets_{t.id}"].sum()) for t in targets if t.measurable}
    total = aggregates.set_index("country")["share_gdp_pct"].to_dict()
    latest = burden[burden["year"] == year]
    return {
        "year": year,
        "year_is_estimate": bool(meeting["estimate"].any()),
        "allies_assessed": int(len(meeting)),
        "allies_meeting": counts,
        "not_yet_members": not_yet_members(table, year),
        "meeting": {t.id: status.meeting_lists(meeting, t)[0] for t in targets if t.measurable},
        "nato_total_share_gdp_pct": total.get("NATO_TOTAL"),
        "europe_canada_share_gdp_pct": total.get("NATO_EUROPE_CANADA"),
        "united_states_share_of_allied_spending_pct": float(latest["united_states_share_pct"].iloc[0])
        if len(latest)
        else None,
        "sipri_latest_year": int(sipri_status["year"].iloc[0]),
        "sipri_latest_at_2pct": int(sipri_status["meets_2pct"].sum()),
        "sipri_latest_at_3_5pct": int(sipri_status["meets_3_5pct"].sum()),
        "shortfall_since": {
            "threshold_pct": shortfall_threshold_pct,
            "start_year": shortfall_start_year,
            **alliance_totals(shortfall),
        },
    }


def past_judgement_words(footnote: str, counts: pd.DataFrame, table: pd.DataFrame, edition: str) -> str:
    """NATO's own note on how past years were judged, quoted, and what it changes in the counts by year.

    `footnote` is the '*' note under the edition's tables (data.source_notes.nato_footnotes); `counts` come from
    status.allies_meeting_by_year with the note's judgements applied."""
    start = footnote.find("For past years")
    if start < 0:
        return ""
    quoted = footnote[start:].strip()
    changed = counts[counts["allies_meeting_with_nato_note"] != counts["allies_meeting"]]
    text = f"NATO's note under the tables of its {edition} edition: \u201c{quoted}\u201d"
    printed = outlier_notes("nato", "share_cross_check")
    names_by_code = dict(zip(table["country"], table["country_name"], strict=False))
    at_line = [
        f"{names_by_code.get(code, code)} {year}"
        for (code, year) in sorted(printed, key=lambda k: (k[1], k[0]))
        if year in set(counts["year"])
    ]
    after = (
        f" The counts also take NATO's Table 3 as printed where it gives exactly 2.0 and its own Tables 2 and 5 give "
        f"a share just below (data/reference/known_outliers.csv): {names(at_line)}."
        if at_line
        else ""
    )
    if changed.empty:
        return text + " No count on this page changes with it." + after
    shares = table.set_index(["country", "year"])["share_gdp_pct"]
    by_ally: dict[str, list[str]] = {}
    for row in changed.itertuples():
        for code in str(row.named_in_nato_note).split(";"):
            by_ally.setdefault(code, []).append(f"{shares.loc[(code, row.year)]:.2f}% of GDP in {row.year}")
    stood = [f"{names_by_code.get(code, code)} stands at {names(values)}" for code, values in by_ally.items()]
    years = [
        f"{row.allies_meeting_with_nato_note} in {row.year} ({row.allies_meeting} on this edition's figures)"
        for row in changed.itertuples()
    ]
    return (
        text
        + f" On this edition's figures {names(stood)}, below the line, and the counts by year below are made on the "
        f"edition's figures. Adding the allies the note names gives {names(years)}: the table's column "
        "`allies_meeting_with_nato_note`. NATO's own counts published at the time may differ for other allies "
        "too, on the data of the time; those earlier editions are not loaded here." + after
    )
