"""Pathways to a target in words and in tables for reading: generated from the pathway frames they describe
(natospend.analysis.required_growth), for any page that shows pathways."""

from __future__ import annotations

from typing import Any

import pandas as pd

from natospend.analysis.projections import GAP_MOVED_PP
from natospend.analysis.required_growth import (
    ALL_ALLIES,
    EUROPE_AND_CANADA,
    EXTRAPOLATION_HORIZON,
    MIN_TREND_YEARS,
    UNITED_STATES,
)
from natospend.data.series import estimate_years
from natospend.data.targets import Target, definitions_markdown
from natospend.figures.captions import source_sentence
from natospend.formatting import count, names, readable, verb


def _names(frame: pd.DataFrame) -> str:
    return names(frame["country_name"].tolist())


def _bn(value_usd_m: float) -> str:
    return f"{value_usd_m / 1000:,.0f} bn"


def _money(value_usd_m: float) -> str:
    """'414 bn' for totals, '1.3 bn' for one small ally's share of them: a part is never shown as '1 bn'."""
    return _bn(value_usd_m) if abs(value_usd_m) >= 10_000 else f"{value_usd_m / 1000:,.1f} bn"


def gdp_path_words(gdp_path: str | float, imf_edition: str, imf_last: int) -> str:
    """Which GDP path a pathway assumes, in words for the headline and every page that shows a pathway."""
    if gdp_path == "imf":
        return (
            f"real GDP growing as the IMF's World Economic Outlook ({imf_edition}) projects, "
            f"to {imf_last}, and at its {imf_last} rate after that"
        )
    if gdp_path == "trend":
        return "each ally's own real GDP trend"
    return f"real GDP growth of {float(gdp_path):g}% a year for all"


def source_note(
    table: pd.DataFrame, edition: str, paths: pd.DataFrame, gdp_path: str | float, imf_edition: str, imf_last: int
) -> str:
    """The figures' source sentences: NATO's edition, the IMF's where its GDP path is used, and the allies
    whose trend starts after a listed series break."""
    text = source_sentence("nato", edition, estimate_years(table))
    if gdp_path == "imf":
        text += (
            f" Real GDP growth: {source_sentence('imf', imf_edition)[len('Source: ') :]} "
            f"Projections to {imf_last}, then the {imf_last} rate."
        )
    moved = paths[paths["trend_note"] != ""].sort_values("country_name")
    if len(moved):
        text += (
            " Series breaks (no trend runs across them): "
            + names([f"{r.country_name} {r.trend_start_year}" for r in moved.itertuples()])
            + "."
        )
    return text


def definitions(core_target: Target, total_target: Target, core_pct: float, total_pct: float) -> str:
    """What the core and total targets are, as agreed, and what comparing NATO's figures with them means."""
    lines = [definitions_markdown([core_target, total_target])]
    if (core_pct, total_pct) != (core_target.threshold_pct, total_target.threshold_pct):
        lines.append(
            f"\nThis run uses {core_pct:g}% for the core target and {total_pct:g}% "
            "in all, instead of the agreed thresholds; what the comparisons mean is unchanged."
        )
    return "\n".join(lines)


def trend_notes(paths: pd.DataFrame) -> str:
    """Where a listed series break moved an ally's trend window or left it without one (Markdown), or ''."""
    moved = paths[paths["trend_note"] != ""]
    if not len(moved):
        return ""
    items = [
        f"- **{r.country_name}**: {r.trend_note}. Its {int(r.base_year)} share is on the new series, the one "
        "NATO's tables now use for it: its gap and extra spending are measured against that denominator, and are "
        "not comparable with its own figures before the break."
        for r in moved.sort_values("country_name").itertuples()
    ]
    return (
        "**Series breaks.** Trend growth never runs across a listed series break "
        "(`data/reference/series_breaks.csv`): for these allies the window starts at the break, or, where "
        f"fewer than {MIN_TREND_YEARS} years follow it, there is no trend:\n" + "\n".join(items)
    )


def headline(
    core: pd.DataFrame,
    core_totals: pd.DataFrame,
    total_totals: pd.DataFrame,
    *,
    total_pct: float,
    trend_start_year: int,
    price_base: int,
    gdp_words: str,
    money_at_deadline: str,
    core_target: Target,
    total_target: Target,
) -> str:
    """The answer in five points: who is there, who would not get there at trend, and the money."""
    first = core.iloc[0]
    pct, year, base_year = float(first["target_pct"]), int(first["target_year"]), int(first["base_year"])
    at = core[core["already_at_target"]]
    below = core[~core["already_at_target"]]
    reach = below["year_target_reached_at_trend"]
    comparable = below["trend_real_growth_pct"].notna()
    late = below[comparable & (reach.isna() | (reach > year))]
    unknown = below[~comparable]
    totals = core_totals.set_index("group")
    total5 = total_totals.set_index("group")
    estimate = " (NATO estimates)" if bool(core["estimate"].any()) else ""
    moved = core[core["trend_note"] != ""]
    window = f" (except {_names(moved)}: see the series breaks below)" if len(moved) else ""
    current, constant = f"{base_year} prices and exchange rates", f"{price_base} prices"
    return "\n".join(
        [
            f"**Pathways from {base_year}{estimate} to {pct:g}% of GDP by {year}**, assuming {gdp_words}, "
            f"and trend real growth of defence spending measured from {trend_start_year}{window}:",
            "",
            f"- Already at or above {pct:g}%: **{len(at)}**"
            + (
                f" ({_names(at)}) in {base_year}; to stay there, {verb(len(at), 'its', 'their')} defence spending "
                f"must grow at least as fast as {verb(len(at), 'its', 'their')} GDP."
                if len(at)
                else "."
            ),
            f"- At their own trend, **{count(len(late), 'ally', 'allies')}** would not reach {pct:g}% by {year}: "
            f"{_names(late)}."
            + (f" Not comparable ({_names(unknown)}): no trend after a series break." if len(unknown) else ""),
            f"- Standing at {pct:g}% in {base_year} would take **{_bn(totals.at[ALL_ALLIES, 'extra_spending_usd_m_current'])}"
            f" US dollars** more that year (current US dollars: each ally's gap in NATO's share of real GDP, Table 3, "
            f"times its GDP at {current}; {_bn(totals.at[ALL_ALLIES, 'extra_spending_usd_m_constant'])}"
            f" at {constant}): {_bn(totals.at[EUROPE_AND_CANADA, 'extra_spending_usd_m_current'])} for Europe and Canada, "
            f"{_bn(totals.at[UNITED_STATES, 'extra_spending_usd_m_current'])} for the United States"
            + (
                f" (the sums include {_names(unknown)}: {_money(unknown['extra_spending_usd_m_current'].sum())}, "
                "measured on the new series after a break)"
                if len(unknown)
                else ""
            )
            + ".",
            f"- For {total_pct:g}% in all: up to {_bn(total5.at[ALL_ALLIES, 'extra_spending_usd_m_current'])} "
            f"(current US dollars; {_bn(total5.at[ALL_ALLIES, 'extra_spending_usd_m_constant'])} at {constant}), an "
            "upper bound: NATO's tables count core defence only, not the defence-related spending the 5% includes.",
            money_at_deadline,
            "",
            f"*{pct:g}%:* {core_target.comparison} *{total_pct:g}%:* {total_target.comparison}",
        ]
    )


def money_at_deadline(
    core_totals: pd.DataFrame, *, target_pct: float, target_year: int, base_year: int, price_base: int, imf_last: int
) -> str:
    """What the allies would spend at the target in the deadline year, and the increase over the base year."""
    totals = core_totals.set_index("group")
    text = (
        f"- If every ally stood exactly at {target_pct:g}% in {target_year}, the allies would spend "
        f"{_bn(totals.at[ALL_ALLIES, 'spending_at_target_usd_m_constant'])} "
        f"a year at {price_base} prices on this GDP path, "
        f"{_bn(totals.at[ALL_ALLIES, 'increase_usd_m_constant'])} more than in {base_year}"
    )
    current = totals.at[ALL_ALLIES, "spending_at_target_usd_m_current"]
    if current == current:  # within the WEO's horizon: the IMF's nominal GDP of that year
        text += (
            f"; in current dollars of {target_year} (the IMF's nominal GDP), {_bn(current)}, "
            f"{_bn(totals.at[ALL_ALLIES, 'increase_usd_m_current'])} more than in {base_year}"
        )
    else:
        text += f" (no current-dollar figure: {target_year} is beyond the IMF's projections, which end in {imf_last})"
    return text + "."


def readable_money(
    core_totals: pd.DataFrame, *, target_year: int, base_year: int, price_base: int, imf_last: int
) -> pd.DataFrame:
    """Spending at the target in the deadline year, by group: constant and (within the WEO) current dollars."""
    totals = core_totals.set_index("group")
    columns = [
        "spending_at_target_usd_m_constant",
        "increase_usd_m_constant",
        "spending_at_target_usd_m_current",
        "increase_usd_m_current",
    ]
    shown = (totals[columns] / 1000).copy()
    shown.columns = [
        f"At target in {target_year}, USD bn ({price_base} prices)",
        f"Increase on {base_year}, USD bn ({price_base} prices)",
        f"At target in {target_year}, USD bn (current {target_year})",
        f"Increase on {base_year}, USD bn (current)",
    ]
    shown.index.name = "Group"
    return readable(shown, 1, missing=f"beyond {imf_last}")


def readable_pathways(paths: pd.DataFrame, *, price_base: int) -> pd.DataFrame:
    """A pathways table for reading: words where a number would mislead (no growth needed, never, no trend)."""
    base_year = int(paths["base_year"].iloc[0])
    shown = paths[
        [
            "country_name",
            "base_share_pct",
            "gdp_growth_pct",
            "trend_real_growth_pct",
            "required_real_growth_pct",
            "year_target_reached_at_trend",
            "gap_pp",
            "step_pp_per_year",
            "extra_spending_usd_m_current",
            "extra_spending_usd_m_constant",
        ]
    ].copy()
    shown["extra_spending_usd_m_current"] = shown["extra_spending_usd_m_current"] / 1000
    shown["extra_spending_usd_m_constant"] = shown["extra_spending_usd_m_constant"] / 1000
    shown = readable(
        shown,
        {"year_target_reached_at_trend": None, "extra_spending_usd_m_current": 1, "extra_spending_usd_m_constant": 1},
        missing={"year_target_reached_at_trend": "never"},
    )
    at = paths["already_at_target"].to_numpy()
    shown.loc[at, "required_real_growth_pct"] = "none needed"
    shown.loc[at, "year_target_reached_at_trend"] = "already there"
    no_trend = paths["trend_real_growth_pct"].isna().to_numpy()
    shown.loc[no_trend & ~at, "trend_real_growth_pct"] = "no trend"
    shown.loc[paths["gdp_growth_pct"].isna().to_numpy(), "gdp_growth_pct"] = "no trend"
    never = paths["year_target_reached_at_trend"].isna().to_numpy() & ~at
    shown.loc[never & ~no_trend, "year_target_reached_at_trend"] = "never"
    shown.loc[never & no_trend, "year_target_reached_at_trend"] = "no trend"
    far = paths["year_target_reached_at_trend"].astype("Float64").gt(EXTRAPOLATION_HORIZON).fillna(False).to_numpy(bool)
    shown.loc[far, "year_target_reached_at_trend"] = f"after {EXTRAPOLATION_HORIZON}"
    later = (paths["trend_note"] != "").to_numpy()
    shown.loc[later, "country_name"] = [
        f"{r.country_name} (series break {r.trend_start_year})" for r in paths[later].itertuples()
    ]
    shown.columns = [
        "Ally",
        "Share of GDP, %",
        "Real GDP growth, %/yr",
        "Trend real growth, %/yr",
        "Required real growth, %/yr",
        "Reaches target at trend (year)",
        "Gap, pp",
        "Straight-line step, pp/yr",
        f"Extra spending, USD bn (current, {base_year})",
        f"Extra spending, USD bn ({price_base} prices)",
    ]
    return shown.set_index("Ally")


def readable_totals(
    core_totals: pd.DataFrame,
    total_totals: pd.DataFrame,
    *,
    core_pct: float,
    total_pct: float,
    base_year: int,
    price_base: int,
) -> pd.DataFrame:
    """The allies below each target and the extra spending they would need, by group, both targets side by side."""
    core = core_totals.set_index("group")
    total = total_totals.set_index("group")
    shown = core[["allies_below_target"]].rename(columns={"allies_below_target": f"Allies below {core_pct:g}%"})
    current, constant = f"USD bn, current {base_year}", f"USD bn, {price_base} prices"
    shown[f"Extra for {core_pct:g}%, {current}"] = core["extra_spending_usd_m_current"] / 1000
    shown[f"Extra for {core_pct:g}%, {constant}"] = core["extra_spending_usd_m_constant"] / 1000
    shown[f"Allies below {total_pct:g}%"] = total["allies_below_target"]
    shown[f"Extra for {total_pct:g}%, {current}"] = total["extra_spending_usd_m_current"] / 1000
    shown[f"Extra for {total_pct:g}%, {constant}"] = total["extra_spending_usd_m_constant"] / 1000
    shown.index.name = "Group"
    return readable(shown, 1)


def readable_sensitivity(grid: pd.DataFrame, *, price_base: int) -> pd.DataFrame:
    """The sensitivity grid in USD bn: targets down, deadlines across."""
    shown = readable(grid / 1000, 0)
    shown.index = [f"{v:g}%" for v in grid.index]
    shown.index.name = "Target (% of GDP)"
    shown.columns = [str(c) for c in grid.columns]
    shown.columns.name = f"USD bn ({price_base} prices) above trend, in year"
    return shown


def pathways_summary(core: pd.DataFrame, core_totals: pd.DataFrame, total_totals: pd.DataFrame) -> dict[str, Any]:
    """The numbers the page states about the core and total targets, for summary.json."""
    below = core[core["gap_pp"] > 0]
    with_trend = below["trend_real_growth_pct"].notna()
    never = below[with_trend & below["year_target_reached_at_trend"].isna()]  # no trend is not "never"
    by_group = core_totals.set_index("group")
    total_by_group = total_totals.set_index("group")
    return {
        "spending_at_target_usd_m_constant": by_group["spending_at_target_usd_m_constant"].to_dict(),
        "spending_at_target_usd_m_current": by_group["spending_at_target_usd_m_current"].to_dict(),
        "allies_at_core_target": int((core["gap_pp"] <= 0).sum()),
        "allies_never_at_trend": never["country"].tolist(),
        "allies_without_a_trend": below.loc[~with_trend, "country"].tolist(),
        "extra_spending_usd_m_constant": by_group["extra_spending_usd_m_constant"].to_dict(),
        "extra_spending_total_target_usd_m_constant": total_by_group["extra_spending_usd_m_constant"].to_dict(),
        "extra_spending_usd_m_current": by_group["extra_spending_usd_m_current"].to_dict(),
        "extra_spending_total_target_usd_m_current": total_by_group["extra_spending_usd_m_current"].to_dict(),
        "trend_starts_later": {r.country: int(r.trend_start_year) for r in core[core["trend_note"] != ""].itertuples()},
        "median_required_real_growth_pct": float(core.loc[core["gap_pp"] > 0, "required_real_growth_pct"].median()),
    }


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("+0.00", "0.00").replace("-0.00", "0.00")


def projection_words(
    outcomes: pd.DataFrame,
    distribution: pd.DataFrame,
    *,
    edition: str,
    outcome_label: str,
    target_pct: float,
    left_out: list[str],
) -> str:
    """How the trend projections of `edition` did against a later figure (Markdown): the error distribution,
    the largest misses, the allies projected at the target that the later figure puts below, and, for another
    source's figures, how much of the error the two definitions can explain."""
    if outcomes.empty:
        return (
            f"*No edition loaded reports a year after NATO's {edition} edition's base year, so its projections "
            "cannot yet be compared with an outcome.*"
        )
    year = int(outcomes["year"].max())
    rows = outcomes[outcomes["year"] == year]
    base = int(rows["base_year"].iloc[0])
    same = bool((rows["outcome_source"] == "nato").all())
    raw = distribution[(distribution["year"] == year) & (distribution["measure"] == "error_pp")].iloc[0]
    lines = [
        f"Each ally's share of GDP projected at its own trend from NATO's {edition} edition (base year {base}, the "
        f"dotted paths above, on this page's GDP path) against {outcome_label} for {year}, across "
        f"{count(int(raw['allies']), 'ally', 'allies')} with a trend"
        + (f" ({names(left_out)}: no trend, left out)" if left_out else "")
        + f": the outcome minus the projection has a median of {_signed(raw['median_pp'])} points of GDP and a "
        f"mean absolute size of {raw['mean_absolute_pp']:.2f} points (10th to 90th percentile "
        f"{_signed(raw['p10_pp'])} to {_signed(raw['p90_pp'])}); {int(raw['above_projection'])} came in above "
        f"their projection, {int(raw['below_projection'])} below.",
    ]
    ordered = rows.reindex(rows["error_pp"].abs().sort_values(ascending=False).index).head(3)
    misses = [
        f"{r.country_name} {_signed(r.error_pp)} (projected {r.projected_share_pct:.2f}%, outcome "
        f"{r.outcome_share_pct:.2f}%)"
        for r in ordered.itertuples()
    ]
    lines.append(f"- Largest misses: {names(misses)}.")
    crossed = rows[(rows["projected_share_pct"] >= target_pct) != (rows["outcome_share_pct"] >= target_pct)]
    for r in crossed.itertuples():
        side = "at or above" if r.projected_share_pct >= target_pct else "below"
        text = (
            f"- {r.country_name} was projected {side} {target_pct:g}% in {year} ({r.projected_share_pct:.2f}%); "
            f"{outcome_label} puts it at {r.outcome_share_pct:.2f}%"
        )
        if not same and not pd.isna(r.definition_gap_pp):
            text += (
                f". NATO's figure for {r.country_name} in {base} was {abs(r.definition_gap_pp):.2f} points "
                f"{'above' if r.definition_gap_pp >= 0 else 'below'} SIPRI's ({r.definition_gap_mean_pp:+.2f} on "
                f"average in {r.definition_gap_years}), so on NATO's definition about "
                f"{r.outcome_share_pct + r.definition_gap_pp:.2f}%"
            )
        lines.append(text + ".")
    if not same:
        restated = distribution[
            (distribution["year"] == year) & (distribution["measure"] == "error_on_nato_definition_pp")
        ].iloc[0]
        gaps = rows["definition_gap_pp"].dropna()
        moved = rows[(rows["definition_gap_pp"] - rows["definition_gap_mean_pp"]).abs() > GAP_MOVED_PP]
        moved_words = names(
            f"{r.country_name} ({r.definition_gap_pp:+.2f} in {base}, {r.definition_gap_mean_pp:+.2f} on average)"
            for r in moved.itertuples()
        )
        lines.append(
            "- The two sources' definitions differ (SIPRI's *military expenditure* is not NATO's *defence "
            "expenditure*: page 04), so an error against SIPRI's figure mixes the projection's miss with that "
            f"difference. Each ally's NATO-minus-SIPRI difference in {base} runs from {_signed(gaps.min())} to "
            f"{_signed(gaps.max())} points; restated on NATO's definition by adding it, the median error is "
            f"{_signed(restated['median_pp'])} and the mean absolute {restated['mean_absolute_pp']:.2f} points. The "
            f"restatement assumes each ally's difference stayed as it was in {base}"
            + (
                f"; it is less sure where that difference was more than {GAP_MOVED_PP:g} points from its mean over "
                f"the years both cover: {moved_words}"
                if len(moved)
                else ""
            )
            + ". Read the restated errors as rough: they cannot know how NATO's own figures for the year moved, and "
            "NATO's own next edition is the like-for-like outcome (`natospend update --source nato`)."
        )
    lines.append(
        "- A trend projection carries one growth rate forward; it is not a forecast of policy. These errors say how "
        f"far {year}'s reported spending moved from each ally's trend."
    )
    return "\n".join(lines)


def readable_projections(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The projection table for reading: one row per ally, largest restated error first."""
    shown = outcomes.reindex(outcomes["error_on_nato_definition_pp"].abs().sort_values(ascending=False).index)
    table = pd.DataFrame(
        {
            "Ally": shown["country_name"],
            "Year": shown["year"],
            "Projected, % of GDP": shown["projected_share_pct"],
            "Outcome, % of GDP": shown["outcome_share_pct"],
            "Outcome minus projection, pp": shown["error_pp"],
            "NATO-SIPRI difference in the base year, pp": shown["definition_gap_pp"],
            "Restated on NATO's definition, pp": shown["error_on_nato_definition_pp"],
        }
    ).set_index("Ally")
    return readable(table, decimals={"Year": 0})
