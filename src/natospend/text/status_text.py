"""Everything notebook 01 (alliance overview) shows, computed from its validated parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from natospend.analysis import burden, status
from natospend.analysis.shortfall import alliance_totals, shortfall_since
from natospend.data.dataset import load_spending
from natospend.data.series import allies_only, constant_base_year, estimate_years, nato_table
from natospend.data.targets import Target, definitions_markdown, load_targets
from natospend.figures.captions import caption, source_sentence
from natospend.formatting import count, names, readable, verb

if TYPE_CHECKING:
    import pandas as pd


SIPRI_THRESHOLDS = (2.0, 3.5)


@dataclass
class AllianceOverview:
    year: int
    edition: str
    price_base: int
    targets: list[Target]
    table: pd.DataFrame  # every ally and aggregate, every year
    status: pd.DataFrame  # the contract table tables/target_status.csv
    counts: pd.DataFrame
    aggregates: pd.DataFrame
    burden: pd.DataFrame
    per_capita: pd.DataFrame
    caption: str
    sipri_edition: str
    sipri_status: pd.DataFrame  # SIPRI's latest year: tables/sipri_latest_status.csv
    shortfall: pd.DataFrame  # tables/shortfall_since_<start>.csv
    shortfall_threshold_pct: float
    shortfall_start_year: int

    @property
    def year_is_estimate(self) -> bool:
        return bool(self.status["estimate"].any())

    @property
    def allies(self) -> pd.DataFrame:
        return allies_only(self.table)

    @property
    def gdp_lines(self) -> list[float]:
        return sorted({t.threshold_pct for t in self.targets if t.of_gdp}) or [2.0]


def build(params: Mapping[str, Any]) -> AllianceOverview:
    nato = load_spending("nato", params["edition"])
    table = nato_table(nato)
    targets = [load_targets()[t] for t in params["targets"]]
    return AllianceOverview(
        year=params["year"],
        edition=params["edition"],
        price_base=constant_base_year(nato),
        targets=targets,
        table=table,
        status=status.target_status(table, params["year"], targets),
        counts=status.allies_meeting_by_year(table, targets),
        aggregates=status.alliance_aggregates(table, params["year"]),
        burden=burden.burden_sharing(table),
        per_capita=burden.per_capita(table, params["year"]),
        caption=caption(source_sentence("nato", params["edition"], estimate_years(table))),
        sipri_edition=params["sipri_edition"],
        sipri_status=status.sipri_latest_status(
            load_spending("sipri", params["sipri_edition"], indicator="defence_expenditure_share_gdp_pct"),
            SIPRI_THRESHOLDS,
        ),
        shortfall=shortfall_since(table, params["shortfall_threshold_pct"], params["shortfall_start_year"]),
        shortfall_threshold_pct=params["shortfall_threshold_pct"],
        shortfall_start_year=params["shortfall_start_year"],
    )


def not_yet_members(view: AllianceOverview) -> list[str]:
    """Allies with data in the year that joined after it (left out of every count and ranking)."""
    rows = view.allies[(view.allies["year"] == view.year) & ~view.allies["member"]]
    return rows.sort_values("country_name")["country_name"].tolist()


def headline(view: AllianceOverview) -> str:
    """The answer in words, generated from the numbers (Markdown)."""
    n = len(view.status)
    qualifier = " (NATO estimates)" if view.year_is_estimate else ""
    later = not_yet_members(view)
    left_out = f" {names(later)} joined later and {verb(len(later), 'is', 'are')} not counted." if later else ""
    lines = [
        f"**In {view.year}{qualifier}, of the {count(n, 'member', 'members')} with armed forces at the end of the "
        f"year:**{left_out}",
        "",
    ]
    for target in view.targets:
        if not target.measurable:
            lines.append(f"- *{target.name}*: {target.comparison}")
            continue
        meets, below = status.meeting_lists(view.status, target)
        lines.append(
            f"- **{len(meets)} of {n} {verb(len(meets), 'meets', 'meet')} {target.name}**"
            + (f": {', '.join(meets)}." if meets else ".")
            + (f" Below: {', '.join(below)}." if below else "")
            + f" *{target.comparison}*"
        )
    total = view.aggregates.set_index("country")
    if "NATO_TOTAL" in total.index:
        lines += [
            "",
            f"NATO as a whole spent {total.at['NATO_TOTAL', 'share_gdp_pct']:.2f}% of GDP; Europe and "
            f"Canada {total.at['NATO_EUROPE_CANADA', 'share_gdp_pct']:.2f}%.",
        ]
    latest = view.burden[view.burden["year"] == view.year]
    if len(latest):
        lines.append(
            f"The United States accounted for {latest['united_states_share_pct'].iloc[0]:.1f}% of allied "
            f"defence spending (current US dollars)."
        )
    return "\n".join(lines)


def definitions(view: AllianceOverview) -> str:
    """Each target as agreed, quoted with its source, and what comparing NATO's figures with it means."""
    return definitions_markdown(view.targets)


def display_status(view: AllianceOverview) -> pd.DataFrame:
    """The status table rounded for reading, with units in the column names."""
    shown = view.status[["country_name", "share_gdp_pct", "equipment_share_pct", "estimate"]].copy()
    shown.columns = ["Ally", "Share of GDP, %", "Equipment share, %", "Estimate"]
    for target in [t for t in view.targets if t.measurable]:
        shown[f"Gap to {target.threshold_pct:g}%, pp"] = view.status[f"gap_{target.id}_pp"]
    return readable(shown.set_index("Ally"), {"Equipment share, %": 1})


def sipri_latest(view: AllianceOverview) -> str:
    """Who stands at 2% and 3.5% in SIPRI's latest year, with the definition difference stated (Markdown)."""
    rows = view.sipri_status
    year, n = int(rows["year"].iloc[0]), len(rows)
    estimated = int(rows["estimate"].sum())
    lines = [
        f"**SIPRI's latest year, {year}** (SIPRI Military Expenditure Database, April {view.sipri_edition} "
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
    for threshold in SIPRI_THRESHOLDS:
        at = rows[rows[f"meets_{threshold:g}pct".replace(".", "_")]]
        lines.append(f"- **{len(at)} of {n}** at or above {threshold:g}% of GDP: {names(at['country_name'].tolist())}.")
    lines += [
        "",
        "SIPRI's *military expenditure* is not NATO's *defence expenditure*: SIPRI follows its own "
        "definition, compiles it from open sources, and divides by the IMF's GDP at current prices, while "
        "NATO's figures, reported by each ally under NATO's agreed definition, are the measure of the 2% and "
        "3.5% targets. SIPRI's counts are an independent view of a year NATO's tables do not reach yet, not "
        "an assessment against the targets (notebook 04 compares the two).",
    ]
    return "\n".join(lines)


def shortfall_words(view: AllianceOverview) -> str:
    """The shortfall since the start year in words (Markdown)."""
    totals = alliance_totals(view.shortfall)
    top = view.shortfall.head(3)
    last = int(view.shortfall["last_year"].max())
    threshold, start = view.shortfall_threshold_pct, view.shortfall_start_year
    return (
        f"**Short of {threshold:g}% since {start}:** summed over every year each ally was a member at the year's "
        f"end ({start}-{last}), the allies below {threshold:g}% of GDP spent "
        f"**{totals['shortfall_usd_m_constant'] / 1000:,.0f} billion US dollars** ({view.price_base} prices) less "
        f"than {threshold:g}% would have taken; those above it spent {totals['surplus_usd_m_constant'] / 1000:,.0f} "
        f"billion more. The largest shortfalls: "
        + names(
            [
                f"{r.country_name} ({r.shortfall_usd_m_constant / 1000:,.0f} bn,"
                f" {r.years_below} of {r.last_year - r.first_year + 1} years below)"
                for r in top.itertuples()
            ]
        )
        + "."
    )


def display_shortfall(view: AllianceOverview) -> pd.DataFrame:
    shown = view.shortfall[
        ["country_name", "first_year", "last_year", "years_below", "shortfall_usd_m_constant", "surplus_usd_m_constant"]
    ].copy()
    shown["shortfall_usd_m_constant"] /= 1000
    shown["surplus_usd_m_constant"] /= 1000
    shown.columns = [
        "Ally",
        "From",
        "To",
        "Years below",
        f"Shortfall, USD bn ({view.price_base} prices)",
        f"Above {view.shortfall_threshold_pct:g}%, USD bn ({view.price_base} prices)",
    ]
    return readable(shown.set_index("Ally"), 1)


def display_sipri_latest(view: AllianceOverview) -> pd.DataFrame:
    shown = view.sipri_status[["country_name", "sipri_share_gdp_pct", "estimate"]].copy()
    shown.columns = ["Ally", f"SIPRI, % of GDP ({int(view.sipri_status['year'].iloc[0])})", "SIPRI estimate"]
    return readable(shown.set_index("Ally"))


def summary(view: AllianceOverview) -> dict[str, Any]:
    counts = {t.id: int(view.status[f"meets_{t.id}"].sum()) for t in view.targets if t.measurable}
    total = view.aggregates.set_index("country")["share_gdp_pct"].to_dict()
    latest = view.burden[view.burden["year"] == view.year]
    return {
        "title": f"Alliance overview: who meets NATO's spending targets in {view.year}",
        "source": "nato",
        "edition": view.edition,
        "year": view.year,
        "year_is_estimate": view.year_is_estimate,
        "allies_assessed": int(len(view.status)),
        "allies_meeting": counts,
        "not_yet_members": not_yet_members(view),
        "meeting": {t.id: status.meeting_lists(view.status, t)[0] for t in view.targets if t.measurable},
        "nato_total_share_gdp_pct": total.get("NATO_TOTAL"),
        "europe_canada_share_gdp_pct": total.get("NATO_EUROPE_CANADA"),
        "united_states_share_of_allied_spending_pct": float(latest["united_states_share_pct"].iloc[0])
        if len(latest)
        else None,
        "caption": view.caption,
        "sipri_edition": view.sipri_edition,
        "sipri_latest_year": int(view.sipri_status["year"].iloc[0]),
        "sipri_latest_at_2pct": int(view.sipri_status["meets_2pct"].sum()),
        "sipri_latest_at_3_5pct": int(view.sipri_status["meets_3_5pct"].sum()),
        "shortfall_since": {
            "threshold_pct": view.shortfall_threshold_pct,
            "start_year": view.shortfall_start_year,
            **alliance_totals(view.shortfall),
        },
    }
