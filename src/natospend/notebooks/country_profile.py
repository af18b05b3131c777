"""Everything notebook 03 (country profile) shows, for any ally, Iceland included."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import Markdown

from natospend.analysis import pathways
from natospend.analysis.profile import first_year_of_unbroken_run, profile_table
from natospend.data.breaks import SeriesBreak, break_note, load_series_breaks, trend_breaks
from natospend.data.dataset import load_spending
from natospend.data.reference import Ally, allies, ally_by_iso3, resolve_ally
from natospend.data.series import constant_base_year, estimate_years, nato_table
from natospend.data.targets import load_pledges, pledge_sentence
from natospend.errors import ParameterError
from natospend.figures.captions import caption, source_sentence
from natospend.notebooks import spec
from natospend.notebooks.checks import check_after_base_year, check_positive, nato_years, resolve_edition
from natospend.notebooks.display import readable
from natospend.notebooks.spec import NotebookParameters, NotebookSpec


@dataclass(frozen=True)
class CountryProfileParameters(NotebookParameters):
    country: str = spec.parameter("GBR", "ally: ISO3 code or any spelling", accepts=(str,))
    edition: str = spec.edition("nato", "NATO edition, e.g. '2024'; None for the latest")
    sipri_edition: str = spec.edition(
        "sipri", "SIPRI edition (release year) for the side-by-side series; None for the latest"
    )
    core_target_pct: float = spec.number(3.5, "core defence target, % of GDP", minimum=0, maximum=100)
    target_year: int = spec.year(2035, "year by which the target is to be met")
    output_dir: str | None = spec.output_dir("03_country_profile")


def check_against_data(values: dict[str, Any]) -> dict[str, Any]:
    try:
        values["country"] = resolve_ally(values["country"])
    except ValueError:
        raise ParameterError(
            "country", f"{values['country']!r} is not an ally", ", ".join(a.iso3 for a in allies())
        ) from None
    values["edition"] = resolve_edition("nato", "edition", values["edition"])
    values["sipri_edition"] = resolve_edition("sipri", "sipri_edition", values["sipri_edition"])
    check_positive("core_target_pct", values["core_target_pct"])
    check_after_base_year("target_year", values["target_year"], nato_years(values["edition"]))
    return values


SPEC = NotebookSpec(
    stem="03_country_profile",
    question="one ally in detail: share over time, rank, spending, categories, NATO and SIPRI, its pathway",
    parameters=CountryProfileParameters,
    check_data=check_against_data,
    tables=("country_profile",),
)


@dataclass
class CountryProfile:
    ally: Ally
    edition: str
    sipri_edition: str
    price_base: int
    profile: pd.DataFrame
    path: pd.Series | None
    pledges: pd.DataFrame
    currency: str
    caption: str
    caption_both: str
    pledge_caption: str
    breaks: list[SeriesBreak]  # listed breaks that trends must not cross (share of GDP, GDP, spending)
    personnel_breaks: list[SeriesBreak]
    sipri_share: pd.DataFrame  # SIPRI's share of GDP for the ally from NATO's first year on: year, value, estimate

    @property
    def has_data(self) -> bool:
        return self.ally.has_armed_forces and len(self.profile) > 0

    @property
    def has_figures(self) -> bool:
        """An ally with armed forces and defence figures: its charts can be drawn."""
        return self.has_data and self.path is not None

    @property
    def name(self) -> str:
        return self.ally.name

    @property
    def break_years(self) -> list[int]:
        return [b.year for b in self.breaks]

    @property
    def personnel_break_years(self) -> list[int]:
        return [b.year for b in self.personnel_breaks]

    def figure_name(self, figure: str) -> str:
        """The file name of one of the ally's figures: gbr_rank, pol_pathway, ..."""
        return f"{self.ally.iso3.lower()}_{figure}"


def build(params: CountryProfileParameters) -> CountryProfile:
    ally = ally_by_iso3()[params.country]
    nato = load_spending("nato", params.edition)
    sipri = load_spending("sipri", params.sipri_edition, indicator="defence_expenditure_share_gdp_pct")
    table = nato_table(nato)
    nato_sentence = source_sentence("nato", params.edition, estimate_years(table))
    sipri_sentence = source_sentence(
        "sipri", params.sipri_edition, sipri_estimate_years(sipri[sipri["year"] >= int(table["year"].min())], ally.iso3)
    )
    pledges = load_pledges()
    pledges = pledges[pledges["country"] == ally.iso3]
    breaks = trend_breaks("nato", params.edition)
    first_year = int(table["year"].min())
    sipri_share = (
        sipri.loc[
            (sipri["country"] == ally.iso3) & (sipri["year"] >= first_year) & sipri["value"].notna(),
            ["year", "value", "estimate"],
        ]
        .sort_values("year")
        .reset_index(drop=True)
    )
    if ally.has_armed_forces:
        own = profile_table(table, sipri, ally.iso3).assign(sipri_edition=params.sipri_edition)
        path = (
            pathways.pathways(table, params.core_target_pct, params.target_year, breaks=breaks)
            .set_index("country")
            .loc[ally.iso3]
        )
        units = nato[(nato["country"] == ally.iso3) & (nato["indicator"] == "defence_expenditure_nc_m")]["unit"]
        currency = str(units.iloc[0]).split("(", 1)[-1].rstrip(")") if len(units) else "national currency"
    else:
        own, path, currency = table.iloc[0:0], None, ""
    return CountryProfile(
        ally=ally,
        edition=params.edition,
        sipri_edition=params.sipri_edition,
        price_base=constant_base_year(nato),
        profile=own,
        path=path,
        pledges=pledges,
        currency=currency,
        caption=caption(nato_sentence),
        caption_both=caption(nato_sentence, sipri_sentence),
        pledge_caption=caption(nato_sentence, pledge_sentence(pledges)),
        breaks=breaks.get(ally.iso3, []),
        personnel_breaks=[
            b
            for b in load_series_breaks()
            if (b.source, b.edition, b.country) == ("nato", params.edition, ally.iso3)
            and b.indicator == "military_personnel_k"
            and b.splits_trends
        ],
        sipri_share=sipri_share,
    )


def sipri_estimate_years(sipri: pd.DataFrame, country: str) -> list[int]:
    """The years SIPRI marks as estimates (blue) for one country."""
    rows = sipri[(sipri["country"] == country) & sipri["estimate"]]
    return sorted(int(y) for y in rows["year"].unique())


def no_data_message(view: CountryProfile) -> str:
    return (
        f"**{view.name} has no armed forces.** NATO publishes no defence expenditure for it (only its GDP, in "
        f"Tables 5 and 6), so there is no profile to draw: the sections below are left empty. Choose another "
        f"ally with the `country` parameter."
    )


def met_2pct_since(view: CountryProfile) -> int | None:
    """The first year of the unbroken run at 2% or more up to the latest year, counting member years only."""
    p = view.profile
    return first_year_of_unbroken_run(p[p["member"]].dropna(subset=["share_gdp_pct"]), 2.0)


def two_percent_record(view: CountryProfile) -> str:
    """Since when the ally has met 2%, in words that say what the data cover."""
    p = view.profile
    share = float(p.iloc[-1]["share_gdp_pct"])
    since = met_2pct_since(view)
    first, last = int(p["year"].min()), int(p["year"].max())
    if since is None:
        return f"It is below the 2% guideline ({2 - share:.2f} points short)"
    if since == first:
        return f"It has met the 2% guideline in every year of the edition ({first}-{last})"
    if since == int(p.loc[p["member"], "year"].min()):
        return f"It has met the 2% guideline in every year since it joined ({since}-{last})"
    return f"It has met the 2% guideline in every year since {since}"


def core_target_sentence(view: CountryProfile) -> str:
    path = view.path
    assert path is not None
    target, deadline = float(path["target_pct"]), int(path["target_year"])
    share = float(path["base_share_pct"])
    if bool(path["already_at_target"]):
        return f"it is already at or above {target:g}% and needs no further rise in its share of GDP"
    extra = (
        f"about {path['extra_spending_usd_m_current'] / 1000:,.1f} billion US dollars a year at "
        f"{int(path['base_year'])} prices and exchange rates, {path['extra_spending_usd_m_constant'] / 1000:,.1f} "
        f"billion at {view.price_base} prices"
    )
    text = f"it is {target - share:.2f} points of GDP short of {target:g}% ({extra})"
    no_trend = (
        f"NATO's series breaks in {int(path['trend_start_year'])}, leaving too few years of the new series for a trend"
    )
    if math.isnan(float(path["gdp_growth_pct"])):
        return text + f"; {no_trend}, so neither the required nor the trend real growth can be computed"
    text += f"; reaching it by {deadline} takes real growth of {path['required_real_growth_pct']:.1f}% a year"
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
    return text + f", and at its trend real growth of {trend}{since} it would get there in {int(reach)}"


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def headline(view: CountryProfile) -> str:
    """The one-paragraph summary, generated from the numbers."""
    if not view.has_data or view.path is None:
        return no_data_message(view)
    p = view.profile
    latest = p.iloc[-1]
    year, share = int(latest["year"]), float(latest["share_gdp_pct"])
    estimate = " (NATO estimate)" if latest["estimate"] else ""
    rank = f"ranking {int(latest['rank_share_gdp'])} of {int(latest['allies_ranked'])} allies"
    joined = (
        f" It joined NATO in {view.ally.accession_date.year}; earlier years are shown as before accession "
        "and are not counted in rankings."
        if view.ally.accession_date.year > int(p["year"].min())
        else ""
    )
    breaks = f" NATO's {break_note(view.breaks)} (data/reference/series_breaks.csv)." if view.breaks else ""
    later = view.sipri_share[view.sipri_share["year"] > year]
    sipri = ""
    if len(later):
        last = later.iloc[-1]
        sipri = (
            f" SIPRI's April {view.sipri_edition} release, on its own definition of military expenditure, puts "
            f"its {int(last['year'])} share of GDP at {last['value']:.2f}%"
            + (" (a SIPRI estimate)." if bool(last["estimate"]) else ".")
        )
    return (
        f"**{view.name}** spent **{share:.2f}% of GDP** on defence in {year}{estimate}, {rank}. "
        f"{two_percent_record(view)}; {core_target_sentence(view)}. "
        f"Equipment took {latest['equipment_share_pct']:.1f}% of its defence spending (guideline: 20%)."
        f"{joined}{breaks}{sipri}"
    )


def no_figure(view: CountryProfile, figure: str) -> Any:
    """What the page shows instead of a figure for an ally with no defence figures (Iceland)."""
    return Markdown(f"*No {figure.replace('_', ' ')} for {view.name}: no armed forces, no defence figures.*")


def display_profile(view: CountryProfile) -> Any:
    if not view.has_data:
        return Markdown(f"*No profile table for {view.name}.*")
    shown = view.profile[
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
        f"Spending, USD m ({view.price_base} prices)",
        "Equipment, %",
        f"Per capita, USD ({view.price_base})",
        "Personnel, thousand",
    ]
    return readable(
        shown.set_index("Year"),
        {
            "Real change, %": 1,
            f"Spending, USD m ({view.price_base} prices)": 0,
            "Equipment, %": 1,
            f"Per capita, USD ({view.price_base})": 0,
            "Personnel, thousand": 1,
        },
        missing={"Rank": "not a member"},
    )


def summary(view: CountryProfile) -> dict[str, Any]:
    base = {
        "title": f"Country profile: {view.name}",
        "country": view.ally.iso3,
        "country_name": view.name,
        "edition": view.edition,
        "sipri_edition": view.sipri_edition,
        "has_armed_forces": view.ally.has_armed_forces,
        "accession_year": view.ally.accession_date.year,
        "caption": view.caption,
    }
    if not view.has_data or view.path is None:
        return {**base, "message": no_data_message(view)}
    latest = view.profile.iloc[-1]
    path = view.path
    reach = path["year_target_reached_at_trend"]
    return {
        **base,
        "year": int(latest["year"]),
        "year_is_estimate": bool(latest["estimate"]),
        "share_gdp_pct": float(latest["share_gdp_pct"]),
        "rank": int(latest["rank_share_gdp"]),
        "allies_ranked": int(latest["allies_ranked"]),
        "met_2pct_every_year_since": met_2pct_since(view),
        "equipment_share_pct": float(latest["equipment_share_pct"]),
        "target_pct": float(path["target_pct"]),
        "target_year": int(path["target_year"]),
        "gap_pp": float(path["gap_pp"]),
        "already_at_target": bool(path["already_at_target"]),
        "required_real_growth_pct": float(path["required_real_growth_pct"]),
        "trend_real_growth_pct": float(path["trend_real_growth_pct"]),
        "trend_start_year": int(path["trend_start_year"]),
        "trend_note": str(path["trend_note"]),
        "year_target_reached_at_trend": None if _missing(reach) else int(reach),
        "extra_spending_usd_m_constant": float(path["extra_spending_usd_m_constant"]),
        "extra_spending_usd_m_current": float(path["extra_spending_usd_m_current"]),
        "pledges": view.pledges[["target_year", "share_gdp_pct", "stated_by", "stated_on", "source", "quote"]].to_dict(
            "records"
        ),
    }
