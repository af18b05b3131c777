"""Everything notebook 04 (NATO against SIPRI, the allies against Russia) shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from natospend.analysis.comparison import allies_at_threshold_by_definition, nato_vs_sipri, russia_comparison
from natospend.analysis.ppp import PPP_RATE, ppp_comparison
from natospend.data.breaks import SeriesBreak, break_note, trend_breaks
from natospend.data.dataset import load_spending
from natospend.data.series import estimate_years, nato_table
from natospend.figures.captions import caption, source_sentence
from natospend.formatting import count, readable, year_ranges

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ComparisonView:
    year: int
    nato_edition: str
    sipri_edition: str
    compared: pd.DataFrame
    counts: pd.DataFrame
    russia: pd.DataFrame
    caption_both: str
    caption_sipri: str
    breaks: dict[str, list[SeriesBreak]]  # listed breaks in NATO's share of GDP and GDP series, by ally
    ppp: pd.DataFrame  # tables/ppp_comparison.csv
    ppp_ratios: pd.DataFrame  # by year: the European allies against Russia, market and PPP
    imf_edition: str
    caption_ppp: str

    @property
    def price_basis(self) -> str:
        return str(self.russia["price_basis"].iloc[0])


def build(params: Mapping[str, Any]) -> ComparisonView:
    table = nato_table(load_spending("nato", params["nato_edition"]))
    sipri = load_spending("sipri", params["sipri_edition"])
    compared = nato_vs_sipri(table, sipri)
    russia = russia_comparison(sipri)
    ppp, ppp_ratios = ppp_comparison(sipri, load_spending("imf", params["imf_edition"], indicator=PPP_RATE))
    ppp_sentence = source_sentence("imf", params["imf_edition"])
    sipri_sentence = source_sentence("sipri", params["sipri_edition"])
    russia_sentence = sipri_sentence + "".join(
        f" {who}'s figures for {year_ranges(russia.loc[russia[column], 'year'])} are SIPRI estimates (hollow markers)."
        for who, column in (("Russia", "russia_estimate"), ("Ukraine", "ukraine_estimate"))
        if russia[column].any()
    )
    return ComparisonView(
        year=params["year"],
        nato_edition=params["nato_edition"],
        sipri_edition=params["sipri_edition"],
        compared=compared,
        counts=allies_at_threshold_by_definition(compared),
        russia=russia,
        caption_both=caption(source_sentence("nato", params["nato_edition"], estimate_years(table)), sipri_sentence),
        caption_sipri=caption(russia_sentence),
        breaks=trend_breaks("nato", params["nato_edition"]),
        ppp=ppp,
        ppp_ratios=ppp_ratios,
        imf_edition=params["imf_edition"],
        caption_ppp=caption(
            sipri_sentence,
            ppp_sentence + " PPP rates: the IMF's implied "
            "conversion rates, GDP-based (projections after its last actual "
            "year). Dashed lines, open markers: at PPP.",
        ),
    )


def _break_before(view: ComparisonView, country: str) -> bool:
    return any(b.year <= view.year for b in view.breaks.get(country, []))


def headline(view: ComparisonView) -> str:
    year = view.compared[(view.compared["year"] == view.year) & view.compared["member"]].dropna(
        subset=["difference_pp"]
    )
    counts = view.counts.set_index("year").loc[view.year]
    higher = year.nlargest(3, "difference_pp")
    lower = year.nsmallest(3, "difference_pp")
    russia = view.russia.set_index("year")
    latest = int(russia["russia_usd_m_constant"].last_valid_index())
    row = russia.loc[latest]

    def listed(rows: pd.DataFrame) -> str:
        return ", ".join(
            f"{r.country_name} ({r.difference_pp:+.2f}"
            + ("; NATO's series breaks, see below" if _break_before(view, r.country) else "")
            + ")"
            for r in rows.itertuples()
        )

    estimate = "; Russia's figures are SIPRI estimates" if bool(row["russia_estimate"]) else ""
    return "\n".join(
        [
            f"**NATO against SIPRI in {view.year}:** on NATO's figures {int(counts['allies_at_2pct_nato'])} of "
            f"{int(counts['members'])} members stand at 2% of GDP or more, on SIPRI's {int(counts['allies_at_2pct_sipri'])} "
            f"(of {int(counts['allies_with_both'])} with both). NATO's share is higher than SIPRI's for "
            f"{count(int((year['difference_pp'] > 0).sum()), 'ally', 'allies')} and lower for "
            f"{int((year['difference_pp'] < 0).sum())}; the median difference is {year['difference_pp'].median():+.2f} "
            f"points. Largest: {listed(higher)}; smallest: {listed(lower)}.",
            "",
            f"**The allies against Russia (SIPRI, {latest}{estimate}):** Russia spent {row['russia_share_gdp_pct']:.1f}% "
            f"of GDP, Ukraine {row['ukraine_share_gdp_pct']:.1f}% (its own spending: SIPRI's figures for Ukraine do not "
            f"include the military aid it receives from other countries). Today's European allies together spent "
            f"{row['european_allies_to_russia_ratio']:.1f} times Russia's military expenditure, and the United States "
            f"{row['united_states_usd_m_constant'] / row['russia_usd_m_constant']:.1f} times, at market exchange rates; "
            "purchasing-power comparisons narrow these ratios (below).",
        ]
    )


def breaks_behind_differences(view: ComparisonView) -> str:
    """The listed breaks in NATO's series that explain part of a NATO-SIPRI difference (Markdown), or ''."""
    compared = view.compared.drop_duplicates("country").set_index("country")["country_name"]
    items = [
        f"- **{compared.get(country, country)}**: {break_note(items)}. {items[0].reason}"
        for country, items in sorted(view.breaks.items())
        if any(b.year <= view.year for b in items)
    ]
    if not items:
        return ""
    return (
        "**Series breaks in NATO's figures.** Part of a difference can be a change in NATO's own series, "
        "listed in `data/reference/series_breaks.csv`:\n" + "\n".join(items)
    )


def ppp_words(view: ComparisonView) -> str:
    """The European allies against Russia at market rates and at PPP, with the caveats (Markdown)."""
    ratios = view.ppp_ratios.dropna()
    latest = ratios.iloc[-1]
    year = int(latest["year"])
    russia = view.ppp[(view.ppp["country"] == "RUS") & (view.ppp["year"] == year)].iloc[0]
    return (
        f"**At purchasing-power parity ({year}):** Russia's {russia['spending_nc_m'] / 1e6:,.1f} trillion roubles "
        f"are {russia['spending_usd_m_current'] / 1000:,.0f} bn US dollars at market exchange rates but "
        f"{russia['spending_ppp_intl_usd_m'] / 1000:,.0f} bn international dollars at the IMF's PPP rate. The "
        f"European allies with both figures ({int(latest['allies'])}) spent "
        f"{latest['europe_to_russia_market']:.1f} times Russia's at market rates and "
        f"{latest['europe_to_russia_ppp']:.1f} times at PPP.\n\n"
        "GDP-based PPP rates are a contested proxy for military purchasing power: they overstate what roubles buy "
        "of imported or high-tech equipment and understate it for personnel. Russia's figures are SIPRI "
        f"estimates. Editions: SIPRI {view.sipri_edition} (local currency, calendar years, current prices; "
        f"currencies as SIPRI converts them to the latest), IMF World Economic Outlook {view.imf_edition} "
        "(implied PPP conversion rates)."
    )


def display_ppp(view: ComparisonView) -> pd.DataFrame:
    shown = view.ppp_ratios.copy()
    shown.columns = ["Year", "European allies counted", "Europe / Russia, market rates", "Europe / Russia, PPP"]
    shown = shown[shown["Year"] >= 2000]
    return readable(shown.set_index("Year"), 2)


def display_year(view: ComparisonView) -> pd.DataFrame:
    year = view.compared[view.compared["year"] == view.year].sort_values("nato_share_gdp_pct", ascending=False)
    shown = year[["country_name", "nato_share_gdp_pct", "sipri_share_gdp_pct", "difference_pp"]].copy()
    shown.columns = ["Ally", "NATO, % of GDP", "SIPRI, % of GDP", "NATO minus SIPRI, pp"]
    return readable(shown.set_index("Ally"))


def display_russia(view: ComparisonView) -> pd.DataFrame:
    r = view.russia
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
    shown.columns.name = f"{view.price_basis.replace('-', ' ')} prices"
    shown = readable(shown.set_index("year"), 1)
    shown.index.name = "Year"
    return shown


def summary(view: ComparisonView) -> dict[str, Any]:
    year = view.compared[view.compared["year"] == view.year]
    counts = view.counts.set_index("year").loc[view.year]
    russia = view.russia.set_index("year")
    latest = int(russia["russia_usd_m_constant"].last_valid_index())
    return {
        "title": f"NATO against SIPRI in {view.year}, and the allies against Russia",
        "year": view.year,
        "nato_edition": view.nato_edition,
        "sipri_edition": view.sipri_edition,
        "allies_at_2pct_nato": int(counts["allies_at_2pct_nato"]),
        "allies_at_2pct_sipri": int(counts["allies_at_2pct_sipri"]),
        "median_difference_pp": float(year["difference_pp"].median()),
        "russia_latest_year": latest,
        "russia_share_gdp_pct": float(russia.at[latest, "russia_share_gdp_pct"]),
        "european_allies_to_russia_ratio": float(russia.at[latest, "european_allies_to_russia_ratio"]),
        "price_basis": view.price_basis,
        "exchange_rates": "market",
        "imf_edition": view.imf_edition,
        "europe_to_russia_ppp": float(view.ppp_ratios.dropna().iloc[-1]["europe_to_russia_ppp"]),
        "europe_to_russia_market_current": float(view.ppp_ratios.dropna().iloc[-1]["europe_to_russia_market"]),
        "caption": view.caption_both,
    }
