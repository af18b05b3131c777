"""Everything notebook 03 (country profile) shows, for any ally, Iceland included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import pathways, profile_figures
from .dataset import load_spending
from .notebook import Markdown, NotebookRun, caption, source_sentence
from .profile import first_year_of_unbroken_run, profile_table
from .reference import Ally, ally_by_iso3
from .series import constant_base_year, estimate_years, nato_table
from .targets import load_pledges

if TYPE_CHECKING:
    import pandas as pd

GDP_TARGETS = (2.0, 3.5, 5.0)


@dataclass
class CountryProfile:
    ally: Ally
    edition: str
    sipri_edition: str
    price_base: int
    profile: "pd.DataFrame"
    path: "pd.Series | None"
    pledges: "pd.DataFrame"
    currency: str
    caption: str
    caption_both: str
    params: dict[str, Any]

    @property
    def has_data(self) -> bool:
        return self.ally.has_armed_forces and len(self.profile) > 0

    @property
    def name(self) -> str:
        return self.ally.name


def build(run: NotebookRun) -> CountryProfile:
    ally = ally_by_iso3()[run.country]
    nato = load_spending("nato", run.edition)
    sipri = load_spending("sipri", indicator="defence_expenditure_share_gdp_pct")
    table = nato_table(nato)
    nato_sentence = source_sentence("nato", run.edition, estimate_years(table))
    sipri_edition = str(sipri["edition"].iloc[0])
    pledges = load_pledges()
    if ally.has_armed_forces:
        own = profile_table(table, sipri, ally.iso3).assign(sipri_edition=sipri_edition)
        path = pathways.pathways(table, run.core_target_pct, run.target_year).set_index("country").loc[ally.iso3]
        units = nato[(nato["country"] == ally.iso3) & (nato["indicator"] == "defence_expenditure_nc_m")]["unit"]
        currency = str(units.iloc[0]).split("(", 1)[-1].rstrip(")") if len(units) else "national currency"
    else:
        own, path, currency = table.iloc[0:0], None, ""
    return CountryProfile(ally=ally, edition=run.edition, sipri_edition=sipri_edition,
                          price_base=constant_base_year(nato), profile=own, path=path,
                          pledges=pledges[pledges["country"] == ally.iso3], currency=currency,
                          caption=caption(nato_sentence),
                          caption_both=caption(nato_sentence, source_sentence("sipri", sipri_edition)),
                          params=dict(run.params))


def no_data_message(view: CountryProfile) -> str:
    return (f"**{view.name} has no armed forces.** NATO publishes no defence expenditure for it (only its GDP, in "
            f"Tables 5 and 6), so there is no profile to draw: the sections below are left empty. Choose another "
            f"ally with the `country` parameter.")


def headline(view: CountryProfile) -> str:
    """The one-paragraph summary, generated from the numbers."""
    if not view.has_data or view.path is None:
        return no_data_message(view)
    p, path = view.profile, view.path
    latest = p.iloc[-1]
    year, share = int(latest["year"]), float(latest["share_gdp_pct"])
    estimate = " (NATO estimate)" if latest["estimate"] else ""
    since = first_year_of_unbroken_run(p, 2.0)
    if since is None:
        two = f"It is below the 2% guideline ({2 - share:.2f} points short)"
    elif since == int(p["year"].min()):
        two = f"It has met the 2% guideline in every year since {since}"
    else:
        two = f"It has met the 2% guideline every year since {since}"
    target, deadline = float(path["target_pct"]), int(path["target_year"])
    gap = target - share
    reach = path["year_target_reached_at_trend"]
    if gap <= 0:
        core = f"it is already at or above {target:g}%"
    else:
        trend = (f"at its trend real growth of {path['trend_real_growth_pct']:.1f}% a year it would get there "
                 + (f"in {int(reach)}" if reach is not None and str(reach) != "<NA>" else "never, as its trend does "
                    "not outpace its GDP"))
        core = (f"it is {gap:.2f} points of GDP short of {target:g}% (about "
                f"{path['extra_spending_usd_m_constant'] / 1000:,.1f} billion US dollars a year at {view.price_base} "
                f"prices); reaching it by {deadline} takes real growth of {path['required_real_growth_pct']:.1f}% a "
                f"year, and {trend}")
    rank = f"ranking {int(latest['rank_share_gdp'])} of {int(latest['allies_ranked'])} allies"
    joined = (f" It joined NATO in {view.ally.accession_date.year}; earlier years are shown as before accession."
              if view.ally.accession_date.year > int(p["year"].min()) else "")
    return (f"**{view.name}** spent **{share:.2f}% of GDP** on defence in {year}{estimate}, {rank}. {two}; {core}. "
            f"Equipment took {latest['equipment_share_pct']:.1f}% of its defence spending (guideline: 20%)."
            f"{joined}")


def show(run: NotebookRun, view: CountryProfile, figure: str) -> Any:
    """Draw and save one named figure, or say why there is none."""
    if not view.has_data or view.path is None:
        return Markdown(f"*No {figure.replace('_', ' ')} for {view.name}: no armed forces, no defence figures.*")
    p, name = view.profile, view.name
    makers = {
        "share_of_gdp": lambda: profile_figures.share_over_time(p, name, list(GDP_TARGETS), view.caption),
        "rank": lambda: profile_figures.rank_over_time(p, name, view.caption),
        "spending": lambda: profile_figures.spending(p, name, view.currency, view.price_base, view.caption),
        "categories": lambda: profile_figures.categories(p, name, view.caption),
        "per_capita_and_personnel": lambda: profile_figures.per_capita_and_personnel(p, name, view.price_base,
                                                                                     view.caption),
        "nato_and_sipri": lambda: profile_figures.nato_and_sipri(p, name, view.caption_both),
        "pathway": lambda: profile_figures.pathway(p, view.path, view.pledges, name, view.caption),
    }
    return run.figure(makers[figure](), f"{view.ally.iso3.lower()}_{figure}")


def display_profile(view: CountryProfile) -> Any:
    if not view.has_data:
        return Markdown(f"*No profile table for {view.name}.*")
    shown = view.profile[["year", "member", "estimate", "share_gdp_pct", "rank_share_gdp", "sipri_share_gdp_pct",
                          "real_change_pct", "defence_usd_m_constant", "equipment_share_pct",
                          "defence_per_capita_usd_constant", "military_personnel_k"]].copy()
    shown.columns = ["Year", "Member", "Estimate", "Share of GDP, % (NATO)", "Rank", "Share of GDP, % (SIPRI)",
                     "Real change, %", f"Spending, USD m ({view.price_base} prices)", "Equipment, %",
                     f"Per capita, USD ({view.price_base})", "Personnel, thousand"]
    return shown.round(2).set_index("Year")


def summary(view: CountryProfile) -> dict[str, Any]:
    base = {"country": view.ally.iso3, "country_name": view.name, "edition": view.edition,
            "sipri_edition": view.sipri_edition, "has_armed_forces": view.ally.has_armed_forces,
            "accession_year": view.ally.accession_date.year, "caption": view.caption}
    if not view.has_data or view.path is None:
        return {**base, "message": no_data_message(view)}
    latest = view.profile.iloc[-1]
    path = view.path
    reach = path["year_target_reached_at_trend"]
    return {**base,
            "year": int(latest["year"]), "year_is_estimate": bool(latest["estimate"]),
            "share_gdp_pct": float(latest["share_gdp_pct"]), "rank": int(latest["rank_share_gdp"]),
            "allies_ranked": int(latest["allies_ranked"]),
            "met_2pct_every_year_since": first_year_of_unbroken_run(view.profile, 2.0),
            "equipment_share_pct": float(latest["equipment_share_pct"]),
            "target_pct": float(path["target_pct"]), "target_year": int(path["target_year"]),
            "gap_pp": float(path["gap_pp"]), "required_real_growth_pct": float(path["required_real_growth_pct"]),
            "trend_real_growth_pct": float(path["trend_real_growth_pct"]),
            "year_target_reached_at_trend": None if str(reach) == "<NA>" or reach is None else int(reach),
            "extra_spending_usd_m_constant": float(path["extra_spending_usd_m_constant"]),
            "pledges": view.pledges[["target_year", "share_gdp_pct", "stated_by", "stated_on"]].to_dict("records")}
