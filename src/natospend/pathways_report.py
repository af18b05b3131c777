"""Everything notebook 02 (pathways to 3.5% / 5%) shows, computed from its validated parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import pathways
from .dataset import load_spending
from .notebook import NotebookRun, caption, source_sentence
from .series import allies_only, constant_base_year, estimate_years, nato_table
from .targets import load_pledges

if TYPE_CHECKING:
    import pandas as pd

SENSITIVITY_TARGETS = (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
SENSITIVITY_YEARS = tuple(range(2030, 2041))


@dataclass
class PathwaysView:
    edition: str
    base_year: int
    price_base: int
    core: "pd.DataFrame"  # pathways to the core target: tables/pathways.csv
    total: "pd.DataFrame"  # pathways to core + related
    core_totals: "pd.DataFrame"
    total_totals: "pd.DataFrame"
    sensitivity: "pd.DataFrame"
    history: "pd.DataFrame"
    pledges: "pd.DataFrame"
    caption: str
    params: dict[str, Any]

    @property
    def total_target_pct(self) -> float:
        return float(self.params["core_target_pct"] + self.params["related_target_pct"])


def build(run: NotebookRun) -> PathwaysView:
    nato = load_spending("nato", run.edition)
    table = nato_table(nato)
    allies = allies_only(table)
    base_year = int(allies["year"].max())
    args = dict(gdp_growth_pct=run.gdp_growth_pct, trend_start_year=run.trend_start_year)
    core = pathways.pathways(table, run.core_target_pct, run.target_year, **args)
    total = pathways.pathways(table, run.core_target_pct + run.related_target_pct, run.target_year, **args)
    years = sorted(set(SENSITIVITY_YEARS) | {run.target_year})
    return PathwaysView(
        edition=run.edition, base_year=base_year, price_base=constant_base_year(nato), core=core, total=total,
        core_totals=pathways.extra_spending_totals(core),
        total_totals=pathways.extra_spending_totals(total),
        sensitivity=pathways.sensitivity(table, SENSITIVITY_TARGETS, [y for y in years if y > base_year], **args),
        history=allies[["country", "year", "share_gdp_pct"]], pledges=load_pledges(),
        caption=caption(source_sentence("nato", run.edition, estimate_years(table))), params=dict(run.params))


def _names(frame: "pd.DataFrame") -> str:
    return ", ".join(frame["country_name"]) or "none"


def headline(view: PathwaysView) -> str:
    p = view.params
    core, year = p["core_target_pct"], p["target_year"]
    growth = ("each ally's own real GDP trend" if p["gdp_growth_pct"] is None
              else f"real GDP growth of {p['gdp_growth_pct']:g}% a year for all")
    at = view.core[view.core["gap_pp"] <= 0]
    late = view.core[(view.core["gap_pp"] > 0) & (view.core["year_target_reached_at_trend"].isna()
                                                  | (view.core["year_target_reached_at_trend"] > year))]
    totals = view.core_totals.set_index("group")["extra_spending_usd_m_constant"]
    total5 = view.total_totals.set_index("group")["extra_spending_usd_m_constant"]
    return "\n".join([
        f"**Pathways from {view.base_year} (NATO estimates) to {core:g}% of GDP by {year}**, assuming {growth} "
        f"and trend real growth of defence spending measured from {p['trend_start_year']}:",
        "",
        f"- Already at or above {core:g}%: **{len(at)}** ({_names(at)}).",
        f"- At their own trend, **{len(late)}** would not reach {core:g}% by {year}: {_names(late)}.",
        f"- Standing at {core:g}% in {view.base_year} would take **{totals['All allies'] / 1000:,.0f} billion US "
        f"dollars** more a year ({view.price_base} prices): {totals['Europe and Canada'] / 1000:,.0f} bn for Europe "
        f"and Canada, {totals['United States'] / 1000:,.0f} bn for the United States.",
        f"- For {view.total_target_pct:g}% in all: {total5['All allies'] / 1000:,.0f} bn.",
        "",
        "The published tables do not split core from defence-related spending, so each ally's *total* defence "
        f"expenditure is compared with {core:g}%.",
    ])


def display_pathways(frame: "pd.DataFrame") -> "pd.DataFrame":
    shown = frame[["country_name", "base_share_pct", "gdp_growth_pct", "trend_real_growth_pct",
                   "required_real_growth_pct", "year_target_reached_at_trend", "gap_pp",
                   "extra_spending_usd_m_constant"]].copy()
    shown["extra_spending_usd_m_constant"] = shown["extra_spending_usd_m_constant"] / 1000
    shown.columns = ["Ally", "Share of GDP, %", "Real GDP growth, %/yr", "Trend real growth, %/yr",
                     "Required real growth, %/yr", "Reaches target at trend (year)", "Gap, pp",
                     "Extra spending, USD bn"]
    return shown.round(2).set_index("Ally")


def display_totals(view: PathwaysView) -> "pd.DataFrame":
    core = view.core_totals.set_index("group")
    total = view.total_totals.set_index("group")
    core_pct, total_pct = view.params["core_target_pct"], view.total_target_pct
    shown = core[["allies_below_target"]].rename(columns={"allies_below_target": f"Allies below {core_pct:g}%"})
    shown[f"Extra for {core_pct:g}%, USD bn"] = core["extra_spending_usd_m_constant"] / 1000
    shown[f"Allies below {total_pct:g}%"] = total["allies_below_target"]
    shown[f"Extra for {total_pct:g}%, USD bn"] = total["extra_spending_usd_m_constant"] / 1000
    shown.index.name = f"Group ({view.price_base} prices)"
    return shown.round(1)


def display_sensitivity(view: PathwaysView) -> "pd.DataFrame":
    shown = (view.sensitivity / 1000).round(0)
    shown.index = [f"{v:g}%" for v in shown.index]
    shown.index.name = "Target (% of GDP)"
    shown.columns.name = f"USD bn ({view.price_base} prices) above trend, in year"
    return shown


def summary(view: PathwaysView) -> dict[str, Any]:
    core = view.core
    never = core[(core["gap_pp"] > 0) & core["year_target_reached_at_trend"].isna()]
    return {
        "source": "nato", "edition": view.edition, "base_year": view.base_year, "price_base_year": view.price_base,
        "core_target_pct": view.params["core_target_pct"], "total_target_pct": view.total_target_pct,
        "target_year": view.params["target_year"],
        "allies_at_core_target": int((core["gap_pp"] <= 0).sum()),
        "allies_never_at_trend": never["country"].tolist(),
        "extra_spending_usd_m_constant": view.core_totals.set_index("group")["extra_spending_usd_m_constant"].to_dict(),
        "extra_spending_total_target_usd_m_constant":
            view.total_totals.set_index("group")["extra_spending_usd_m_constant"].to_dict(),
        "median_required_real_growth_pct": float(core.loc[core["gap_pp"] > 0, "required_real_growth_pct"].median()),
        "caption": view.caption,
    }
