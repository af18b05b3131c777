"""Everything notebook 04 (NATO against SIPRI, the allies against Russia) shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .comparison import allies_at_threshold_by_definition, nato_vs_sipri, russia_comparison
from .dataset import load_spending
from .notebook import NotebookRun, caption, source_sentence
from .series import estimate_years, nato_table

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ComparisonView:
    year: int
    nato_edition: str
    sipri_edition: str
    compared: "pd.DataFrame"
    counts: "pd.DataFrame"
    russia: "pd.DataFrame"
    caption_both: str
    caption_sipri: str

    @property
    def price_basis(self) -> str:
        return str(self.russia["price_basis"].iloc[0])


def build(run: NotebookRun) -> ComparisonView:
    table = nato_table(load_spending("nato", run.nato_edition))
    sipri = load_spending("sipri", run.sipri_edition)
    compared = nato_vs_sipri(table, sipri)
    sipri_sentence = source_sentence("sipri", run.sipri_edition)
    return ComparisonView(year=run.year, nato_edition=run.nato_edition, sipri_edition=run.sipri_edition,
                          compared=compared, counts=allies_at_threshold_by_definition(compared),
                          russia=russia_comparison(sipri),
                          caption_both=caption(source_sentence("nato", run.nato_edition, estimate_years(table)),
                                               sipri_sentence),
                          caption_sipri=caption(sipri_sentence))


def headline(view: ComparisonView) -> str:
    year = view.compared[view.compared["year"] == view.year].dropna(subset=["difference_pp"])
    counts = view.counts.set_index("year").loc[view.year]
    higher = year.nlargest(3, "difference_pp")
    lower = year.nsmallest(3, "difference_pp")
    russia = view.russia.set_index("year")
    latest = int(russia["russia_usd_m_constant"].last_valid_index())
    row = russia.loc[latest]
    names = lambda rows: ", ".join(f"{r.country_name} ({r.difference_pp:+.2f})" for r in rows.itertuples())  # noqa: E731
    return "\n".join([
        f"**NATO against SIPRI in {view.year}:** on NATO's figures {int(counts['allies_at_2pct_nato'])} allies "
        f"stand at 2% of GDP or more, on SIPRI's {int(counts['allies_at_2pct_sipri'])} "
        f"(of {int(counts['allies_with_both'])} with both). NATO's share is higher than SIPRI's for "
        f"{int((year['difference_pp'] > 0).sum())} allies and lower for {int((year['difference_pp'] < 0).sum())}; "
        f"the median difference is {year['difference_pp'].median():+.2f} points. Largest: {names(higher)}; "
        f"smallest: {names(lower)}.",
        "",
        f"**The allies against Russia (SIPRI, {latest}):** Russia spent {row['russia_share_gdp_pct']:.1f}% of GDP, "
        f"Ukraine {row['ukraine_share_gdp_pct']:.1f}%. Today's European allies together spent "
        f"{row['european_allies_to_russia_ratio']:.1f} times Russia's military expenditure, and the United States "
        f"{row['united_states_usd_m_constant'] / row['russia_usd_m_constant']:.1f} times, at market exchange rates; "
        "purchasing-power comparisons would narrow these ratios, and this dataset has none.",
    ])


def display_year(view: ComparisonView) -> "pd.DataFrame":
    year = view.compared[view.compared["year"] == view.year].sort_values("nato_share_gdp_pct", ascending=False)
    shown = year[["country_name", "nato_share_gdp_pct", "sipri_share_gdp_pct", "difference_pp"]].copy()
    shown.columns = ["Ally", "NATO, % of GDP", "SIPRI, % of GDP", "NATO minus SIPRI, pp"]
    return shown.round(2).set_index("Ally")


def display_russia(view: ComparisonView) -> "pd.DataFrame":
    r = view.russia
    shown = r[["year"]].copy()
    for column, label in (("russia_usd_m_constant", "Russia"), ("ukraine_usd_m_constant", "Ukraine"),
                          ("european_allies_usd_m_constant", "European allies"),
                          ("united_states_usd_m_constant", "United States")):
        shown[f"{label}, USD bn"] = r[column] / 1000
    shown["European allies / Russia"] = r["european_allies_to_russia_ratio"]
    shown["Russia, % of GDP"] = r["russia_share_gdp_pct"]
    shown["Ukraine, % of GDP"] = r["ukraine_share_gdp_pct"]
    shown.columns.name = f"{view.price_basis.replace('-', ' ')} prices"
    return shown.round(1).set_index("year")


def summary(view: ComparisonView) -> dict[str, Any]:
    year = view.compared[view.compared["year"] == view.year]
    counts = view.counts.set_index("year").loc[view.year]
    russia = view.russia.set_index("year")
    latest = int(russia["russia_usd_m_constant"].last_valid_index())
    return {
        "year": view.year, "nato_edition": view.nato_edition, "sipri_edition": view.sipri_edition,
        "allies_at_2pct_nato": int(counts["allies_at_2pct_nato"]),
        "allies_at_2pct_sipri": int(counts["allies_at_2pct_sipri"]),
        "median_difference_pp": float(year["difference_pp"].median()),
        "russia_latest_year": latest,
        "russia_share_gdp_pct": float(russia.at[latest, "russia_share_gdp_pct"]),
        "european_allies_to_russia_ratio": float(russia.at[latest, "european_allies_to_russia_ratio"]),
        "price_basis": view.price_basis, "exchange_rates": "market",
        "caption": view.caption_both,
    }
