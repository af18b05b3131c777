"""One ally in words and in a table for reading: generated from its profile frame (natospend.analysis.profile)
and its row of the pathways frame (natospend.analysis.required_growth), for any page that profiles an ally."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from natospend.analysis.profile import first_year_of_unbroken_run
from natospend.analysis.required_growth import EXTRAPOLATION_HORIZON
from natospend.data.breaks import SeriesBreak, break_note
from natospend.data.reference import Ally
from natospend.formatting import readable


def no_data_message(name: str) -> str:
    """What the page says for an ally with no defence figures (Iceland)."""
    return (
        f"**{name} has no armed forces.** NATO publishes no defence expenditure for it (only its GDP, in "
        f"Tables 5 and 6), so there is no profile to draw: the sections below are left empty. Choose another "
        f"ally with the `country` parameter."
    )


def met_2pct_since(profile: pd.DataFrame) -> int | None:
    """The first year of the unbroken run at 2% or more up to the latest year, counting member years only."""
    p = profile
    return first_year_of_unbroken_run(p[p["member"]].dropna(subset=["share_gdp_pct"]), 2.0)


def two_percent_record(profile: pd.DataFrame) -> str:
    """Since when the ally has met 2%, in words that say what the data cover."""
    p = profile
    share = float(p.iloc[-1]["share_gdp_pct"])
    since = met_2pct_since(profile)
    first, last = int(p["year"].min()), int(p["year"].max())
    if since is None:
        return f"It is below the 2% guideline ({2 - share:.2f} points short)"
    if since == first:
        return f"It has met the 2% guideline in every year of the edition ({first}-{last})"
    if since == int(p.loc[p["member"], "year"].min()):
        return f"It has met the 2% guideline in every year since it joined ({since}-{last})"
    return f"It has met the 2% guideline in every year since {since}"


def core_target_sentence(path: pd.Series, price_base: int, gdp_words: str) -> str:
    """The ally against the core target: the gap, the real growth it needs on the stated GDP path, its trend."""
    target, deadline = float(path["target_pct"]), int(path["target_year"])
    share = float(path["base_share_pct"])
    if bool(path["already_at_target"]):
        return f"it is already at or above {target:g}% and needs no further rise in its share of GDP"
    extra = (
        f"about {path['extra_spending_usd_m_current'] / 1000:,.1f} billion US dollars more in {int(path['base_year'])}, at "
        f"{int(path['base_year'])} prices and exchange rates, {path['extra_spending_usd_m_constant'] / 1000:,.1f} "
        f"billion at {price_base} prices"
    )
    text = f"it is {target - share:.2f} points of GDP short of {target:g}% ({extra})"
    no_trend = (
        f"NATO's series breaks in {int(path['trend_start_year'])}, leaving too few years of the new series for a trend"
    )
    if math.isnan(float(path["gdp_growth_pct"])):
        return text + f"; {no_trend}, so neither the required nor the trend real growth can be computed"
    text += (
        f"; reaching it by {deadline}, with {gdp_words}, takes real growth of "
        f"{path['required_real_growth_pct']:.1f}% a year"
    )
    if math.isnan(float(path["trend_real_growth_pct"])):
        return text + f" ({no_trend})"
    trend = f"{path['trend_real_growth_pct']:.1f}% a year"
    since = f" since {int(path['trend_start_year'])}, after its series break" if path["trend_note"] else ""
    reach = path["year_target_reached_at_trend"]
    if _missing(reach):
        return (
            text
            + f", while its trend real growth of {trend}{since} does not outpace its GDP, so at trend it never gets there"
        )
    if int(reach) > EXTRAPOLATION_HORIZON:  # decades of one growth rate: no year is worth stating
        return (
            text
            + f", and at its trend real growth of {trend}{since} it would get there only after {EXTRAPOLATION_HORIZON}"
        )
    return text + f", and at its trend real growth of {trend}{since} it would get there in {int(reach)}"


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def headline(
    ally: Ally,
    profile: pd.DataFrame,
    path: pd.Series | None,
    *,
    breaks: list[SeriesBreak],
    sipri_share: pd.DataFrame,
    sipri_edition: str,
    price_base: int,
    gdp_words: str,
) -> str:
    """The one-paragraph summary, generated from the profile and the ally's pathway."""
    if not ally.has_armed_forces or not len(profile) or path is None:
        return no_data_message(ally.name)
    p = profile
    latest = p.iloc[-1]
    year, share = int(latest["year"]), float(latest["share_gdp_pct"])
    estimate = " (NATO estimate)" if latest["estimate"] else ""
    rank = f"ranking {int(latest['rank_share_gdp'])} of {int(latest['allies_ranked'])} allies"
    joined = (
        f" It joined NATO in {ally.accession_date.year}; earlier years are shown as before accession "
        "and are not counted in rankings."
        if ally.accession_date.year > int(p["year"].min())
        else ""
    )
    broken = f" NATO's {break_note(breaks)} (data/reference/series_breaks.csv)." if breaks else ""
    later = sipri_share[sipri_share["year"] > year]
    sipri = ""
    if len(later):
        last = later.iloc[-1]
        sipri = (
            f" SIPRI's April {sipri_edition} release, on its own definition of military expenditure, puts "
            f"its {int(last['year'])} share of GDP at {last['value']:.2f}%"
            + (" (a SIPRI estimate)." if bool(last["estimate"]) else ".")
        )
    return (
        f"**{ally.name}** spent **{share:.2f}% of GDP** on defence in {year}{estimate}, {rank}. "
        f"{two_percent_record(profile)}; {core_target_sentence(path, price_base, gdp_words)}. "
        f"Equipment took {latest['equipment_share_pct']:.1f}% of its defence spending (guideline: 20%)."
        f"{joined}{broken}{sipri}"
    )


def no_figure(name: str, figure: str) -> str:
    """What the page shows instead of a figure for an ally with no defence figures (Iceland)."""
    return f"*No {figure.replace('_', ' ')} for {name}: no armed forces, no defence figures.*"


def readable_profile(profile: pd.DataFrame, price_base: int) -> pd.DataFrame:
    """The profile table for reading: one row per year."""
    shown = profile[
        [
            "year",
            "member",
            "estimate",
            "share_gdp_pct",
            "rank_share_gdp",
            "sipri_share_gdp_pct",
            "real_change_pct",
            "defence_usd_m_constant",
            "equipment_share_pct",
            "defence_per_capita_usd_constant",
            "military_personnel_k",
        ]
    ].copy()
    shown.columns = [
        "Year",
        "Member",
        "Estimate",
        "Share of GDP, % (NATO)",
        "Rank",
        "Share of GDP, % (SIPRI)",
        "Real change, %",
        f"Spending, USD m ({price_base} prices)",
        "Equipment, %",
        f"Per capita, USD ({price_base})",
        "Personnel, thousand",
    ]
    return readable(
        shown.set_index("Year"),
        {
            "Real change, %": 1,
            f"Spending, USD m ({price_base} prices)": 0,
            "Equipment, %": 1,
            f"Per capita, USD ({price_base})": 0,
            "Personnel, thousand": 1,
        },
        missing={"Rank": "not a member"},
    )


def profile_summary(ally: Ally, profile: pd.DataFrame, path: pd.Series | None, pledges: pd.DataFrame) -> dict[str, Any]:
    """The numbers the page states about the ally, for summary.json."""
    base = {
        "country": ally.iso3,
        "country_name": ally.name,
        "has_armed_forces": ally.has_armed_forces,
        "accession_year": ally.accession_date.year,
    }
    if not ally.has_armed_forces or not len(profile) or path is None:
        return {**base, "message": no_data_message(ally.name)}
    latest = profile.iloc[-1]
    reach = path["year_target_reached_at_trend"]
    return {
        **base,
        "year": int(latest["year"]),
        "year_is_estimate": bool(latest["estimate"]),
        "share_gdp_pct": float(latest["share_gdp_pct"]),
        "rank": int(latest["rank_share_gdp"]),
        "allies_ranked": int(latest["allies_ranked"]),
        "met_2pct_every_year_since": met_2pct_since(profile),
        "equipment_share_pct": float(latest["equipment_share_pct"]),
        "target_pct": float(path["target_pct"]),
        "target_year": int(path["target_year"]),
        "gap_pp": float(path["gap_pp"]),
        "already_at_target": bool(path["already_at_target"]),
        "required_real_growth_pct": float(path["required_real_growth_pct"]),
        "trend_real_growth_pct": float(path["trend_real_growth_pct"]),
        "gdp_growth_pct": float(path["gdp_growth_pct"]),
        "trend_start_year": int(path["trend_start_year"]),
        "trend_note": str(path["trend_note"]),
        "year_target_reached_at_trend": None if _missing(reach) else int(reach),
        "extra_spending_usd_m_constant": float(path["extra_spending_usd_m_constant"]),
        "extra_spending_usd_m_current": float(path["extra_spending_usd_m_current"]),
        "pledges": pledges[["target_year", "share_gdp_pct", "stated_by", "stated_on", "source", "quote"]].to_dict(
            "records"
        ),
    }
