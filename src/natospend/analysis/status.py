"""Who meets which target in a year, by how much they miss it, and counts over the years."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from natospend.data.reference import ally_by_iso3
from natospend.data.series import members_only
from natospend.data.targets import Target

# The base that a target's gap in dollars is a share of.
_GAP_BASE = {
    "defence_expenditure_share_gdp_pct": "gdp_usd_m",
    "equipment_share_pct": "defence_usd_m",
}
# The status table's column for each of COMPARABLE_MEASURES (targets.py)
_MEASURE_COLUMN = {
    "defence_expenditure_share_gdp_pct": "share_gdp_pct",
    "equipment_share_pct": "equipment_share_pct",
}


def target_status(table: pd.DataFrame, year: int, targets: Iterable[Target]) -> pd.DataFrame:
    """One row per ally that was a member at the end of `year`: its shares and, per target,
    meets_<id> and the signed gap.

    gap_<id>_pp = threshold - value: positive is a shortfall, negative a margin above.
    The dollar gaps are that many points of GDP (or of defence spending, for the equipment
    target) in current and in constant US dollars.
    """
    allies = members_only(table)
    rows = allies[allies["year"] == year].copy()
    out = rows[
        ["country", "country_name", "year", "share_gdp_pct", "equipment_share_pct", "estimate", "national_2pct_law"]
    ].copy()
    for target in [t for t in targets if t.measurable]:
        value = rows[_MEASURE_COLUMN[target.measure]]  # type: ignore[index]
        gap = target.threshold_pct - value
        base = _GAP_BASE[target.measure]  # type: ignore[index]
        out[f"meets_{target.id}"] = (value >= target.threshold_pct) & value.notna()
        out[f"gap_{target.id}_pp"] = gap
        out[f"gap_{target.id}_usd_m_current"] = gap / 100 * rows[f"{base}_current"]
        out[f"gap_{target.id}_usd_m_constant"] = gap / 100 * rows[f"{base}_constant"]
    return out.sort_values(["share_gdp_pct", "country"], ascending=[False, True]).reset_index(drop=True)


def allies_meeting_by_year(
    table: pd.DataFrame,
    targets: Iterable[Target],
    judged_then: Iterable[tuple[str, int, float]] = (),
) -> pd.DataFrame:
    """year x target: how many allies meet it, out of the members (at year's end) that report.

    `judged_then`: (ally, year, threshold %) that NATO's own note says met a share-of-GDP guideline on the GDP
    data of the time (data.source_notes.nato_past_judgements). `allies_meeting_with_nato_note` adds those the
    edition's figures put below (named_in_nato_note), which is not NATO's count at the time for other allies;
    `allies_meeting` is the count on the edition's figures alone."""
    allies = members_only(table)
    judged = list(judged_then)
    records = []
    for target in [t for t in targets if t.measurable]:
        column = _MEASURE_COLUMN[target.measure]  # type: ignore[index]
        for year, group in allies.groupby("year"):
            values = group[column].dropna()
            below = set(group.loc[group[column] < target.threshold_pct, "country"])
            then = {
                country
                for country, judged_year, pct in judged
                if judged_year == year and pct == target.threshold_pct and target.of_gdp and country in below
            }
            meeting = int((values >= target.threshold_pct).sum())
            records.append(
                {
                    "year": int(year),
                    "target": target.id,
                    "allies_meeting": meeting,
                    "allies_meeting_with_nato_note": meeting + len(then),
                    "named_in_nato_note": ";".join(sorted(then)),
                    "allies_reporting": int(len(values)),
                    "estimate": bool(group["estimate"].any()),
                }
            )
    return pd.DataFrame(records)


NEAR_BAND_PP = 0.05  # within this many points of a threshold, an ally is named as near it in every count


def near(values: pd.Series, threshold: float, band: float = NEAR_BAND_PP) -> pd.Series:
    """Values within `band` points of the threshold, on either side: a count at the threshold hinges on them
    (rounding, a revision, an estimate)."""
    return (values - threshold).abs().le(band + 1e-12) & values.notna()


def near_list(status: pd.DataFrame, target: Target) -> list[tuple[str, float]]:
    """(name, value) of the allies within NEAR_BAND_PP of a target, highest first."""
    column = _MEASURE_COLUMN[target.measure] if target.measure else None
    if column is None:
        return []
    rows = status[near(status[column], target.threshold_pct)]
    return [(r.country_name, float(getattr(r, column))) for r in rows.itertuples()]


def meeting_lists(status: pd.DataFrame, target: Target) -> tuple[list[str], list[str]]:
    """Names at or above, and below, a target in a status table (highest share first)."""
    meets = status[f"meets_{target.id}"]
    return status.loc[meets, "country_name"].tolist(), status.loc[~meets, "country_name"].tolist()


def alliance_aggregates(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """NATO Total and NATO Europe and Canada in `year`: share of GDP and spending."""
    rows = table[table["is_aggregate"] & (table["year"] == year)]
    return rows[
        [
            "country",
            "country_name",
            "year",
            "share_gdp_pct",
            "defence_usd_m_current",
            "defence_usd_m_constant",
            "gdp_usd_m_constant",
            "estimate",
        ]
    ].reset_index(drop=True)


def sipri_latest_status(sipri: pd.DataFrame, thresholds: Iterable[float]) -> pd.DataFrame:
    """SIPRI's share of GDP for every ally with armed forces in SIPRI's latest year with figures for
    them, and whether it is at or above each threshold (meets_<T>pct). The allies are those that
    were members at the end of that year."""
    allies = ally_by_iso3()
    share = sipri[
        (sipri["indicator"] == "defence_expenditure_share_gdp_pct")
        & sipri["value"].notna()
        & sipri["country"].isin([c for c, a in allies.items() if a.has_armed_forces])
    ]
    year = int(share["year"].max())
    rows = share[share["year"] == year]
    rows = rows[[allies[c].accession_date.year <= year for c in rows["country"]]]
    out = rows[["country", "year", "value", "estimate"]].rename(columns={"value": "sipri_share_gdp_pct"})
    out.insert(1, "country_name", [allies[c].name for c in out["country"]])
    for threshold in thresholds:
        out[f"meets_{threshold:g}pct".replace(".", "_")] = out["sipri_share_gdp_pct"] >= threshold
    return out.sort_values(["sipri_share_gdp_pct", "country"], ascending=[False, True]).reset_index(drop=True)
