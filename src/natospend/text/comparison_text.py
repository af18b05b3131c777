"""NATO against SIPRI, and the allies against Russia, in words and in tables for reading: generated from the
comparison frames they describe (natospend.analysis.comparison, ppp), for any page that shows them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from natospend.analysis.status import NEAR_BAND_PP, near
from natospend.data.breaks import SeriesBreak, break_in_or_before, break_note
from natospend.data.series import estimate_years
from natospend.figures.captions import caption, edition_label, source_sentence
from natospend.formatting import count, names_beside_line, readable, year_ranges


def russia_note(russia: pd.DataFrame, sipri_edition: str) -> str:
    """SIPRI's source sentence, with the years its figures for Russia and Ukraine are estimates."""
    return source_sentence("sipri", sipri_edition) + "".join(
        f" {who}'s figures for {year_ranges(russia.loc[russia[column], 'year'])} are SIPRI estimates (hollow markers)."
        for who, column in (("Russia", "russia_estimate"), ("Ukraine", "ukraine_estimate"))
        if russia[column].any()
    )


def captions(
    table: pd.DataFrame, russia: pd.DataFrame, *, nato_edition: str, sipri_edition: str, imf_edition: str
) -> dict[str, str]:
    """The figures' captions: NATO and SIPRI ("both"), SIPRI's Russia and Ukraine ("sipri"), SIPRI and the
    IMF's PPP rates ("ppp")."""
    sipri_sentence = source_sentence("sipri", sipri_edition)
    return {
        "both": caption(source_sentence("nato", nato_edition, estimate_years(table)), sipri_sentence),
        "sipri": caption(russia_note(russia, sipri_edition)),
        "ppp": caption(
            sipri_sentence,
            source_sentence("imf", imf_edition) + " PPP rates: the IMF's implied "
            "conversion rates, GDP-based (projections after its last actual "
            "year). Dashed lines, open markers: at PPP.",
        ),
    }


def comparable_members(
    compared: pd.DataFrame, breaks: dict[str, list[SeriesBreak]], year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The year's members with both figures, split into those ranked and averaged and those left apart: an ally
    with a listed break in NATO's series in or before the year (a changed denominator)."""
    every = compared[(compared["year"] == year) & compared["member"]].dropna(subset=["difference_pp"])
    return _apart_at_breaks(every, breaks, year)


def _apart_at_breaks(
    rows: pd.DataFrame, breaks: dict[str, list[SeriesBreak]], year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows of allies without a listed break in or before the year, rows of those with one)."""
    broken = rows["country"].map(lambda c: break_in_or_before(breaks, c, year)).astype(bool)
    return rows[~broken], rows[broken]


def headline(
    compared: pd.DataFrame,
    counts: pd.DataFrame,
    russia: pd.DataFrame,
    *,
    breaks: dict[str, list[SeriesBreak]],
    year: int,
    earlier_edition: str | None = None,
    split: pd.DataFrame | None = None,
) -> str:
    """NATO against SIPRI in the year, and the allies against Russia in SIPRI's latest year (Markdown).

    An ally with a listed break in NATO's series in or before the year (a changed denominator) is left out of
    the ranking and the median and named apart. earlier_edition and split (analysis.comparison.definition_and_vintage):
    SIPRI's earlier release and its count at 2%, so the headline count is read with SIPRI's own revision in view."""
    rows, apart = comparable_members(compared, breaks, year)
    at = counts.set_index("year").loc[year]
    higher = rows.nlargest(3, "difference_pp")
    lower = rows.nsmallest(3, "difference_pp")
    russia = russia.set_index("year")
    latest = int(russia["russia_usd_m_constant"].last_valid_index())
    row = russia.loc[latest]

    def listed(rows: pd.DataFrame) -> str:
        return ", ".join(f"{r.country_name} ({r.difference_pp:+.2f})" for r in rows.itertuples())

    sipri_count = f"on SIPRI's {int(at['allies_at_2pct_sipri'])} (of {int(at['allies_with_both'])} with both"
    if earlier_edition is not None and split is not None and len(split):
        on_earlier = int((split["sipri_earlier_share_gdp_pct"] >= 2.0).sum())
        sipri_count += f"; {on_earlier} on SIPRI's own {earlier_edition} release, split below"
    sipri_count += ")"
    close = []
    every = pd.concat([rows, apart])  # near a line: every member, a break or not
    for column, who in (("nato_share_gdp_pct", "NATO's"), ("sipri_share_gdp_pct", "SIPRI's")):
        near_rows = every[near(every[column], 2.0)].sort_values(column, ascending=False)
        if len(near_rows):
            close.append(
                f"on {who} figures "
                + names_beside_line(zip(near_rows["country_name"], near_rows[column], strict=True), 2.0)
            )
    near_line = (
        f" Within {NEAR_BAND_PP:g} points of 2%, so a small revision would move a count: {'; '.join(close)}."
        if close
        else ""
    )
    left_out = (
        f" Left out of the ranking and the median: {listed(apart)}, a break in NATO's series (named below)."
        if len(apart)
        else ""
    )

    estimate = "; Russia's figures are SIPRI estimates" if bool(row["russia_estimate"]) else ""
    return "\n".join(
        [
            f"**NATO against SIPRI in {year}:** on NATO's figures {int(at['allies_at_2pct_nato'])} of "
            f"the {int(at['members'])} members with armed forces stand at 2% of GDP or more, {sipri_count}. "
            "NATO's share is higher than SIPRI's for "
            f"{count(int((rows['difference_pp'] > 0).sum()), 'ally', 'allies')} and lower for "
            f"{int((rows['difference_pp'] < 0).sum())}; the median difference is {rows['difference_pp'].median():+.2f} "
            f"points. Most positive difference (NATO above SIPRI): {listed(higher)}; most negative (NATO below "
            f"SIPRI): {listed(lower)}.{left_out}{near_line}",
            "",
            f"**The allies against Russia (SIPRI, {latest}{estimate}):** Russia spent {row['russia_share_gdp_pct']:.1f}% "
            f"of GDP, Ukraine {row['ukraine_share_gdp_pct']:.1f}% (its own spending: SIPRI's figures for Ukraine do not "
            f"include the military aid it receives from other countries). Today's European allies together spent "
            f"{row['european_allies_to_russia_ratio']:.1f} times Russia's military expenditure, and the United States "
            f"{row['united_states_usd_m_constant'] / row['russia_usd_m_constant']:.1f} times, in "
            f"{price_basis(russia.reset_index()).replace('-', ' ')} US dollars (SIPRI's constant prices: each "
            "country's spending deflated by its own consumer price index and converted at the base year's market "
            "exchange rate); "
            "purchasing-power comparisons narrow these ratios (below).",
        ]
    )


def breaks_behind_differences(compared: pd.DataFrame, breaks: dict[str, list[SeriesBreak]], year: int) -> str:
    """The listed breaks in NATO's series that explain part of a NATO-SIPRI difference (Markdown), or ''."""
    names = compared.drop_duplicates("country").set_index("country")["country_name"]
    shares = compared.set_index(["country", "year"])["sipri_share_gdp_pct"]
    items = []
    for country, listed in sorted(breaks.items()):
        if not break_in_or_before(breaks, country, year):
            continue
        text = f"- **{names.get(country, country)}**: {break_note(listed)}. {listed[0].reason}"
        first = min(b.year for b in listed if b.year <= year)
        before, after = shares.get((country, first - 1)), shares.get((country, first))
        if before is not None and after is not None and not (pd.isna(before) or pd.isna(after)):
            text += f" In SIPRI's figures (the release compared) the share moves from {before:.2f}% to {after:.2f}%."
        items.append(text)
    if not items:
        return ""
    return (
        "**Series breaks in NATO's figures.** Part of a difference can be a change in NATO's own series, "
        "listed in `data/reference/series_breaks.csv`:\n" + "\n".join(items)
    )


def ppp_words(ppp: pd.DataFrame, ppp_ratios: pd.DataFrame, *, sipri_edition: str, imf_edition: str) -> str:
    """The European allies against Russia at market rates and at PPP, with the caveats (Markdown)."""
    ratios = ppp_ratios.dropna()
    latest = ratios.iloc[-1]
    year = int(latest["year"])
    russia = ppp[(ppp["country"] == "RUS") & (ppp["year"] == year)].iloc[0]
    return (
        f"**At purchasing-power parity ({year}):** Russia's {russia['spending_nc_m'] / 1e6:,.1f} trillion roubles "
        f"are {russia['spending_usd_m_current'] / 1000:,.0f} bn US dollars at market exchange rates but "
        f"{russia['spending_ppp_intl_usd_m'] / 1000:,.0f} bn international dollars at the IMF's PPP rate"
        + (
            f" (a projection for {year} in the IMF's {imf_edition} edition)"
            if bool(russia["ppp_rate_projected"])
            else ""
        )
        + (
            f"; the allies' PPP rates for {year} are IMF projections too"
            if bool(ppp.loc[(ppp["year"] == year) & (ppp["country"] != "RUS"), "ppp_rate_projected"].all())
            else ""
        )
        + ". The "
        f"European allies with both figures ({int(latest['allies'])}) spent "
        f"{latest['europe_to_russia_market']:.1f} times Russia's at market rates (current {year} US dollars, "
        f"{year}'s exchange rates) and {latest['europe_to_russia_ppp']:.1f} times at PPP. The ratio at market rates "
        "differs from the one in the answer above, which is in constant US dollars: there, every year is deflated "
        "by each country's consumer prices and converted at the base year's exchange rates, here at the year's own, "
        "so relative inflation and exchange-rate changes since the base year make the gap.\n\n"
        "GDP-based PPP rates are a contested proxy for military purchasing power: a hypothesis, not measured here, is "
        "that they overstate what roubles buy of imported or high-tech equipment and understate it for personnel. "
        "Russia's figures are SIPRI "
        f"estimates. Editions: SIPRI {sipri_edition} (local currency, calendar years, current prices; "
        f"currencies as SIPRI converts them to the latest), IMF World Economic Outlook {imf_edition} "
        "(implied PPP conversion rates)."
    )


def readable_ppp(ppp_ratios: pd.DataFrame) -> pd.DataFrame:
    """The European allies against Russia by year since 2000, at market rates and at PPP."""
    shown = ppp_ratios.copy()
    shown.columns = ["Year", "European allies counted", "Europe / Russia, market rates", "Europe / Russia, PPP"]
    shown = shown[shown["Year"] >= 2000]
    return readable(shown.set_index("Year"), 2)


def readable_year(
    compared: pd.DataFrame, year: int, breaks: dict[str, list[SeriesBreak]] | None = None
) -> pd.DataFrame:
    """NATO's and SIPRI's shares in one year, highest NATO share first. A difference in a year after a listed
    break in NATO's series (a changed denominator) is marked "(break)": not comparable, as the page says."""
    rows = compared[compared["year"] == year].sort_values("nato_share_gdp_pct", ascending=False)
    shown = rows[["country_name", "nato_share_gdp_pct", "sipri_share_gdp_pct", "difference_pp"]].copy()
    shown.columns = ["Ally", "NATO, % of GDP", "SIPRI, % of GDP", "NATO minus SIPRI, pp"]
    text = readable(shown.set_index("Ally"))
    broken = [break_in_or_before(breaks or {}, c, year) for c in rows["country"]]
    column = "NATO minus SIPRI, pp"
    text[column] = [f"{v} (break)" if b else v for v, b in zip(text[column], broken, strict=True)]
    return text


def readable_russia(russia: pd.DataFrame) -> pd.DataFrame:
    """Russia, Ukraine, the European allies and the United States by year, USD bn at SIPRI's constant prices."""
    r = russia
    shown = r[["year"]].copy()
    for column, label in (
        ("russia_usd_m_constant", "Russia"),
        ("ukraine_usd_m_constant", "Ukraine"),
        ("european_allies_usd_m_constant", "European allies"),
        ("united_states_usd_m_constant", "United States"),
    ):
        shown[f"{label}, USD bn"] = r[column] / 1000
    shown["European allies / Russia"] = r["european_allies_to_russia_ratio"]
    shown["Russia, % of GDP"] = r["russia_share_gdp_pct"]
    shown["Ukraine, % of GDP"] = r["ukraine_share_gdp_pct"]
    shown.columns.name = f"{price_basis(russia).replace('-', ' ')} prices"
    shown = readable(shown.set_index("year"), 1)
    shown.index.name = "Year"
    return shown


def price_basis(russia: pd.DataFrame) -> str:
    """SIPRI's price basis of the Russia comparison (constant-2024, ...)."""
    return str(russia["price_basis"].iloc[0])


def comparison_summary(
    compared: pd.DataFrame,
    counts: pd.DataFrame,
    russia: pd.DataFrame,
    ppp_ratios: pd.DataFrame,
    *,
    year: int,
    breaks: dict[str, list[SeriesBreak]],
) -> dict[str, Any]:
    """The numbers the page states, for summary.json: the median over the allies the headline ranks."""
    rows, apart = comparable_members(compared, breaks, year)
    at = counts.set_index("year").loc[year]
    by_year = russia.set_index("year")
    latest = int(by_year["russia_usd_m_constant"].last_valid_index())
    ratios = ppp_ratios.dropna().iloc[-1]
    return {
        "year": year,
        "allies_at_2pct_nato": int(at["allies_at_2pct_nato"]),
        "allies_at_2pct_sipri": int(at["allies_at_2pct_sipri"]),
        "median_difference_pp": float(rows["difference_pp"].median()),
        "left_out_of_median_after_a_break": sorted(apart["country"]),
        "russia_latest_year": latest,
        "russia_share_gdp_pct": float(by_year.at[latest, "russia_share_gdp_pct"]),
        "european_allies_to_russia_ratio": float(by_year.at[latest, "european_allies_to_russia_ratio"]),
        "price_basis": price_basis(russia),
        "exchange_rates": "market",
        "europe_to_russia_ppp": float(ratios["europe_to_russia_ppp"]),
        "europe_to_russia_market_current": float(ratios["europe_to_russia_market"]),
    }


def definition_or_vintage_words(
    split: pd.DataFrame,
    *,
    year: int,
    sipri_edition: str,
    earlier_edition: str | None,
    breaks: dict[str, list[SeriesBreak]] | None = None,
    threshold: float = 2.0,
) -> str:
    """How much of NATO's difference from SIPRI in `year` stands against SIPRI's earlier release and how much is
    SIPRI's own revision since (Markdown). Allies with a listed break in NATO's series are counted but left out
    of the averages and named apart: their difference is a change of denominator, not definition."""
    if earlier_edition is None or split.empty:
        return (
            f"*No earlier SIPRI release with figures for {year} is loaded, so the difference cannot be split into "
            "definition and SIPRI's later revisions.*"
        )
    new = f"its {sipri_edition} release"
    at_old = int((split["sipri_earlier_share_gdp_pct"] >= threshold).sum())
    at_new = int((split["sipri_share_gdp_pct"] >= threshold).sum())
    at_nato = int((split["nato_share_gdp_pct"] >= threshold).sum())
    comparable, apart = _apart_at_breaks(split, breaks or {}, year)
    mean = comparable[["difference_pp", "difference_from_earlier_release_pp", "sipri_revision_pp"]].mean()
    moved = comparable.reindex(comparable["sipri_revision_pp"].abs().sort_values(ascending=False).index).head(3)
    parts = [
        f"{r.country_name} ({r.difference_pp:+.2f}: {r.difference_from_earlier_release_pp:+.2f} against the earlier "
        f"release, {r.sipri_revision_pp:+.2f} SIPRI's revision)"
        for r in moved.itertuples()
    ]
    text = (
        f"**Definition or vintage?** NATO's and SIPRI's figures for {year} differ both in definition and in when "
        f"they were made. Of the {len(split)} members with a figure in each, {at_nato} stand at {threshold:g}% or "
        f"more on NATO's figures, {at_old} on {edition_label('sipri', earlier_edition)} and {at_new} on {new}. "
        f"Over the {len(comparable)} without a break in NATO's series, NATO's share is {mean['difference_pp']:+.2f} "
        f"points above SIPRI's latest on average: {mean['difference_from_earlier_release_pp']:+.2f} against SIPRI's "
        f"{earlier_edition} release (definition and sources, and the vintage of NATO's own {year} figures"
        + (", which are NATO's estimates" if bool(split["nato_estimate"].all()) else "")
        + f") and {mean['sipri_revision_pp']:+.2f} from SIPRI's revisions since. Largest revisions "
        f"behind a difference: {', '.join(parts)}."
    )
    if len(apart):
        text += (
            " Left out of the averages: "
            + ", ".join(
                f"{r.country_name} ({r.difference_pp:+.2f}), whose NATO figure is on a changed denominator"
                for r in apart.itertuples()
            )
            + "."
        )
    return text + " `tables/nato_vs_sipri_split.csv` splits every member."
