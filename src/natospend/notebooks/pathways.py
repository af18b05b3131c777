"""Everything notebook 02 (pathways to 3.5% / 5%) shows, computed from its validated parameters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from natospend.analysis import pathways
from natospend.analysis.gdp_paths import imf_paths, last_projected_year
from natospend.analysis.wording import count, names, verb
from natospend.data.breaks import SeriesBreak, break_years, trend_breaks
from natospend.data.dataset import load_spending
from natospend.data.series import allies_only, constant_base_year, estimate_years, nato_table
from natospend.data.targets import Target, definitions_markdown, load_pledges, load_targets, pledge_sentence
from natospend.errors import ParameterError
from natospend.figures.captions import caption, source_sentence
from natospend.notebooks import spec
from natospend.notebooks.checks import check_after_base_year, check_positive, nato_years, resolve_edition
from natospend.notebooks.display import readable
from natospend.notebooks.spec import NotebookParameters, NotebookSpec

if TYPE_CHECKING:
    import pandas as pd

SENSITIVITY_TARGETS = (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
SENSITIVITY_YEARS = tuple(range(2030, 2041))


@dataclass(frozen=True)
class PathwaysParameters(NotebookParameters):
    edition: str = spec.edition("nato", "NATO edition, e.g. '2024'; None for the latest")
    core_target_pct: float = spec.number(3.5, "core defence target, % of GDP", minimum=0, maximum=100)
    related_target_pct: float = spec.number(
        1.5, "defence-related target, % of GDP (core + related = total)", minimum=0, maximum=100
    )
    target_year: int = spec.year(2035, "year by which the target is to be met")
    gdp_path: str | float = spec.parameter(
        "imf",
        "real GDP growth: 'imf' (the WEO's projections, then its last "
        "rate), 'trend' (each ally's own), or a number (% a year for all)",
        accepts=(str, int, float),
    )
    gdp_growth_pct: float | None = spec.number(
        None,
        "real GDP growth for all allies, % a year (the same as gdp_path = that number); None to follow gdp_path",
        minimum=-20,
        maximum=20,
        nullable=True,
    )
    imf_edition: str = spec.edition("imf", "IMF World Economic Outlook edition, e.g. '2025-10'; None for the latest")
    trend_start_year: int = spec.year(2014, "first year of the trend window")
    output_dir: str | None = spec.output_dir("02_pathways")


def check_against_data(values: dict[str, Any]) -> dict[str, Any]:
    values["edition"] = resolve_edition("nato", "edition", values["edition"])
    values["imf_edition"] = resolve_edition("imf", "imf_edition", values["imf_edition"])
    path = values["gdp_path"]
    if isinstance(path, str) and path not in ("imf", "trend"):
        raise ParameterError("gdp_path", f"{path!r} is not a GDP path", "'imf', 'trend' or a number (% a year)")
    if not isinstance(path, str):
        if not math.isfinite(path) or not -20 <= path <= 20:
            raise ParameterError("gdp_path", f"{path!r} is not a growth rate", "a number from -20 to 20 (% a year)")
        if values["gdp_growth_pct"] is not None and float(values["gdp_growth_pct"]) != float(path):
            raise ParameterError(
                "gdp_growth_pct",
                f"{values['gdp_growth_pct']} contradicts gdp_path {path}",
                "one of them (gdp_growth_pct is gdp_path as a number)",
            )
        values["gdp_growth_pct"] = float(path)
    elif values["gdp_growth_pct"] is not None:
        values["gdp_path"] = float(values["gdp_growth_pct"])  # a number given the old way wins over the default
    years = nato_years(values["edition"])
    check_positive("core_target_pct", values["core_target_pct"])
    if values["related_target_pct"] < 0:
        raise ParameterError("related_target_pct", "must not be negative", "0 or more")
    check_after_base_year("target_year", values["target_year"], years)
    if values["trend_start_year"] not in years[:-1]:
        raise ParameterError(
            "trend_start_year",
            f"{values['trend_start_year']} is not a year before the base year in the edition",
            f"{years[0]}-{years[-2]}",
        )
    return values


SPEC = NotebookSpec(
    stem="02_pathways",
    question="the real growth each ally needs to reach 3.5% / 5% by a deadline, against its trend, in points and dollars",
    parameters=PathwaysParameters,
    check_data=check_against_data,
    tables=(
        "pathways",
        "pathways_total_target",
        "extra_spending_totals",
        "extra_spending_totals_total_target",
        "sensitivity",
    ),
)


@dataclass
class PathwaysView:
    edition: str
    base_year: int
    price_base: int
    core: pd.DataFrame  # pathways to the core target: tables/pathways.csv
    total: pd.DataFrame  # pathways to core + related
    core_totals: pd.DataFrame
    total_totals: pd.DataFrame
    sensitivity: pd.DataFrame
    history: pd.DataFrame
    pledges: pd.DataFrame
    caption: str
    pledge_caption: str  # the caption of a figure that draws the pledges: sources, then who pledged
    params: PathwaysParameters
    breaks: dict[str, list[SeriesBreak]]
    core_target: Target
    total_target: Target
    imf_last: int  # the last year the WEO edition projects

    @property
    def break_years(self) -> dict[str, list[int]]:
        return break_years(self.breaks)

    @property
    def total_target_pct(self) -> float:
        return float(self.params.core_target_pct + self.params.related_target_pct)


def build(params: PathwaysParameters) -> PathwaysView:
    nato = load_spending("nato", params.edition)
    table = nato_table(nato)
    allies = allies_only(table)
    base_year = int(allies["year"].max())
    breaks = trend_breaks("nato", params.edition)
    targets = load_targets()
    imf = load_spending("imf", params.imf_edition, indicator=["gdp_real_growth_pct", "gdp_usd_m"])
    countries = allies.loc[allies["year"] == base_year, "country"].tolist()
    gdp_paths = imf_paths(imf, countries, base_year) if params.gdp_path == "imf" else None
    imf_last = last_projected_year(imf)
    nominal = (
        imf[(imf["indicator"] == "gdp_usd_m") & (imf["year"] == params.target_year) & imf["country"].isin(countries)]
        .set_index("country")["value"]
        .to_dict()
    )
    args = dict(
        gdp_growth_pct=params.gdp_growth_pct,
        trend_start_year=params.trend_start_year,
        breaks=breaks,
        gdp_paths=gdp_paths,
    )
    core = pathways.pathways(
        table, params.core_target_pct, params.target_year, gdp_current_at_target=nominal or None, **args
    )
    total = pathways.pathways(
        table,
        params.core_target_pct + params.related_target_pct,
        params.target_year,
        gdp_current_at_target=nominal or None,
        **args,
    )
    years = sorted(set(SENSITIVITY_YEARS) | {params.target_year})
    nato_sentence = source_sentence("nato", params.edition, estimate_years(table))
    if gdp_paths:
        nato_sentence += (
            f" Real GDP growth: {source_sentence('imf', params.imf_edition)[len('Source: ') :]} "
            f"Projections to {imf_last}, then the {imf_last} rate."
        )
    moved = core[core["trend_note"] != ""].sort_values("country_name")
    if len(moved):
        nato_sentence += (
            " Series breaks (no trend runs across them): "
            + names([f"{r.country_name} {r.trend_start_year}" for r in moved.itertuples()])
            + "."
        )
    pledges = load_pledges()
    return PathwaysView(
        edition=params.edition,
        base_year=base_year,
        price_base=constant_base_year(nato),
        core=core,
        total=total,
        core_totals=pathways.extra_spending_totals(core),
        total_totals=pathways.extra_spending_totals(total),
        sensitivity=pathways.sensitivity(table, SENSITIVITY_TARGETS, [y for y in years if y > base_year], **args),
        history=allies[["country", "year", "share_gdp_pct", "estimate"]],
        pledges=pledges,
        caption=caption(nato_sentence),
        pledge_caption=caption(nato_sentence, pledge_sentence(pledges)),
        params=params,
        breaks=breaks,
        core_target=targets["core_3_5pct"],
        total_target=targets["total_5pct"],
        imf_last=imf_last,
    )


def _names(frame: pd.DataFrame) -> str:
    return names(frame["country_name"].tolist())


def _bn(value_usd_m: float) -> str:
    return f"{value_usd_m / 1000:,.0f} bn"


def definitions(view: PathwaysView) -> str:
    """What the core and total targets are, as agreed, and what comparing NATO's figures with them means."""
    p = view.params
    lines = [definitions_markdown([view.core_target, view.total_target])]
    if (p.core_target_pct, view.total_target_pct) != (
        view.core_target.threshold_pct,
        view.total_target.threshold_pct,
    ):
        lines.append(
            f"\nThis run uses {p.core_target_pct:g}% for the core target and {view.total_target_pct:g}% "
            "in all, instead of the agreed thresholds; what the comparisons mean is unchanged."
        )
    return "\n".join(lines)


def trend_notes(view: PathwaysView) -> str:
    """Where a listed series break moved an ally's trend window or left it without one (Markdown), or ''."""
    moved = view.core[view.core["trend_note"] != ""]
    if not len(moved):
        return ""
    items = [f"- **{r.country_name}**: {r.trend_note}." for r in moved.sort_values("country_name").itertuples()]
    return (
        "**Series breaks.** Trend growth never runs across a listed series break "
        "(`data/reference/series_breaks.csv`): for these allies the window starts at the break, or, where "
        f"fewer than {pathways.MIN_TREND_YEARS} years follow it, there is no trend:\n" + "\n".join(items)
    )


def headline(view: PathwaysView) -> str:
    p = view.params
    core, year = p.core_target_pct, p.target_year
    growth = gdp_path_words(view)
    at = view.core[view.core["already_at_target"]]
    below = view.core[~view.core["already_at_target"]]
    reach = below["year_target_reached_at_trend"]
    comparable = below["trend_real_growth_pct"].notna()
    late = below[comparable & (reach.isna() | (reach > year))]
    unknown = below[~comparable]
    totals = view.core_totals.set_index("group")
    total5 = view.total_totals.set_index("group")
    estimate = " (NATO estimates)" if bool(view.core["estimate"].any()) else ""
    moved = view.core[view.core["trend_note"] != ""]
    window = f" (except {_names(moved)}: see the series breaks below)" if len(moved) else ""
    current, constant = f"{view.base_year} prices and exchange rates", f"{view.price_base} prices"
    return "\n".join(
        [
            f"**Pathways from {view.base_year}{estimate} to {core:g}% of GDP by {year}**, assuming {growth}, "
            f"and trend real growth of defence spending measured from {p.trend_start_year}{window}:",
            "",
            f"- Already at or above {core:g}%: **{len(at)}**"
            + (
                f" ({_names(at)}); {verb(len(at), 'it needs', 'they need')} no growth to get there." if len(at) else "."
            ),
            f"- At their own trend, **{count(len(late), 'ally', 'allies')}** would not reach {core:g}% by {year}: "
            f"{_names(late)}."
            + (f" Not comparable ({_names(unknown)}): no trend after a series break." if len(unknown) else ""),
            f"- Standing at {core:g}% in {view.base_year} would take **{_bn(totals.at['All allies', 'extra_spending_usd_m_current'])}"
            f" US dollars** more that year (current US dollars, {current}; {_bn(totals.at['All allies', 'extra_spending_usd_m_constant'])}"
            f" at {constant}): {_bn(totals.at['Europe and Canada', 'extra_spending_usd_m_current'])} for Europe and Canada, "
            f"{_bn(totals.at['United States', 'extra_spending_usd_m_current'])} for the United States.",
            f"- For {view.total_target_pct:g}% in all: {_bn(total5.at['All allies', 'extra_spending_usd_m_current'])} "
            f"(current US dollars; {_bn(total5.at['All allies', 'extra_spending_usd_m_constant'])} at {constant}).",
            deadline_money(view),
            "",
            f"*{core:g}%:* {view.core_target.comparison} *{view.total_target_pct:g}%:* {view.total_target.comparison}",
        ]
    )


def gdp_path_words(view: PathwaysView) -> str:
    """Which GDP path the run used, in words for the headline and the page."""
    path = view.params.gdp_path
    if path == "imf":
        return (
            f"real GDP growing as the IMF's World Economic Outlook ({view.params.imf_edition}) projects, "
            f"to {view.imf_last}, and at its {view.imf_last} rate after that"
        )
    if path == "trend":
        return "each ally's own real GDP trend"
    return f"real GDP growth of {float(path):g}% a year for all"


def deadline_money(view: PathwaysView) -> str:
    """What the allies would spend at the core target in the deadline year, and the increase over today."""
    year, core = view.params.target_year, view.params.core_target_pct
    totals = view.core_totals.set_index("group")
    text = (
        f"- At {core:g}% in {year}, the allies would spend {_bn(totals.at['All allies', 'spending_at_target_usd_m_constant'])} "
        f"a year at {view.price_base} prices on this GDP path, "
        f"{_bn(totals.at['All allies', 'increase_usd_m_constant'])} more than in {view.base_year}"
    )
    current = totals.at["All allies", "spending_at_target_usd_m_current"]
    if current == current:  # within the WEO's horizon: the IMF's nominal GDP of that year
        text += (
            f"; in current dollars of {year} (the IMF's nominal GDP), {_bn(current)}, "
            f"{_bn(totals.at['All allies', 'increase_usd_m_current'])} more than in {view.base_year}"
        )
    else:
        text += f" (no current-dollar figure: {year} is beyond the IMF's projections, which end in {view.imf_last})"
    return text + "."


def display_money(view: PathwaysView) -> pd.DataFrame:
    """Spending at the core target in the deadline year, by group: constant and (within the WEO) current dollars."""
    totals = view.core_totals.set_index("group")
    year, base = view.params.target_year, view.base_year
    shown = (
        totals[
            [
                "spending_at_target_usd_m_constant",
                "increase_usd_m_constant",
                "spending_at_target_usd_m_current",
                "increase_usd_m_current",
            ]
        ]
        / 1000
    ).copy()
    shown.columns = [
        f"At target in {year}, USD bn ({view.price_base} prices)",
        f"Increase on {base}, USD bn ({view.price_base} prices)",
        f"At target in {year}, USD bn (current {year})",
        f"Increase on {base}, USD bn (current)",
    ]
    shown.index.name = "Group"
    return readable(shown, 1, missing=f"beyond {view.imf_last}")


def display_pathways(view: PathwaysView, frame: pd.DataFrame) -> pd.DataFrame:
    """A pathways table for reading: words where a number would mislead (no growth needed, never, no trend)."""
    shown = frame[
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
    at = frame["already_at_target"].to_numpy()
    shown.loc[at, "required_real_growth_pct"] = "none needed"
    shown.loc[at, "year_target_reached_at_trend"] = "already there"
    no_trend = frame["trend_real_growth_pct"].isna().to_numpy()
    shown.loc[no_trend & ~at, "trend_real_growth_pct"] = "no trend"
    shown.loc[frame["gdp_growth_pct"].isna().to_numpy(), "gdp_growth_pct"] = "no trend"
    never = frame["year_target_reached_at_trend"].isna().to_numpy() & ~at
    shown.loc[never & ~no_trend, "year_target_reached_at_trend"] = "never"
    shown.loc[never & no_trend, "year_target_reached_at_trend"] = "no trend"
    later = (frame["trend_note"] != "").to_numpy()
    shown.loc[later, "country_name"] = [
        f"{r.country_name} (series break {r.trend_start_year})" for r in frame[later].itertuples()
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
        f"Extra spending, USD bn (current, {view.base_year})",
        f"Extra spending, USD bn ({view.price_base} prices)",
    ]
    return shown.set_index("Ally")


def display_totals(view: PathwaysView) -> pd.DataFrame:
    core = view.core_totals.set_index("group")
    total = view.total_totals.set_index("group")
    core_pct, total_pct = view.params.core_target_pct, view.total_target_pct
    shown = core[["allies_below_target"]].rename(columns={"allies_below_target": f"Allies below {core_pct:g}%"})
    current, constant = f"USD bn, current {view.base_year}", f"USD bn, {view.price_base} prices"
    shown[f"Extra for {core_pct:g}%, {current}"] = core["extra_spending_usd_m_current"] / 1000
    shown[f"Extra for {core_pct:g}%, {constant}"] = core["extra_spending_usd_m_constant"] / 1000
    shown[f"Allies below {total_pct:g}%"] = total["allies_below_target"]
    shown[f"Extra for {total_pct:g}%, {current}"] = total["extra_spending_usd_m_current"] / 1000
    shown[f"Extra for {total_pct:g}%, {constant}"] = total["extra_spending_usd_m_constant"] / 1000
    shown.index.name = "Group"
    return readable(shown, 1)


def display_sensitivity(view: PathwaysView) -> pd.DataFrame:
    shown = readable(view.sensitivity / 1000, 0)
    shown.index = [f"{v:g}%" for v in view.sensitivity.index]
    shown.index.name = "Target (% of GDP)"
    shown.columns = [str(c) for c in view.sensitivity.columns]
    shown.columns.name = f"USD bn ({view.price_base} prices) above trend, in year"
    return shown


def summary(view: PathwaysView) -> dict[str, Any]:
    core = view.core
    never = core[(core["gap_pp"] > 0) & core["year_target_reached_at_trend"].isna()]
    return {
        "title": f"Pathways to {view.params.core_target_pct:g}% and {view.total_target_pct:g}% of GDP by "
        f"{view.params.target_year}",
        "source": "nato",
        "edition": view.edition,
        "base_year": view.base_year,
        "price_base_year": view.price_base,
        "core_target_pct": view.params.core_target_pct,
        "total_target_pct": view.total_target_pct,
        "target_year": view.params.target_year,
        "gdp_path": view.params.gdp_path,
        "gdp_path_words": gdp_path_words(view),
        "imf_edition": view.params.imf_edition,
        "spending_at_target_usd_m_constant": view.core_totals.set_index("group")[
            "spending_at_target_usd_m_constant"
        ].to_dict(),
        "spending_at_target_usd_m_current": view.core_totals.set_index("group")[
            "spending_at_target_usd_m_current"
        ].to_dict(),
        "allies_at_core_target": int((core["gap_pp"] <= 0).sum()),
        "allies_never_at_trend": never["country"].tolist(),
        "extra_spending_usd_m_constant": view.core_totals.set_index("group")["extra_spending_usd_m_constant"].to_dict(),
        "extra_spending_total_target_usd_m_constant": view.total_totals.set_index("group")[
            "extra_spending_usd_m_constant"
        ].to_dict(),
        "extra_spending_usd_m_current": view.core_totals.set_index("group")["extra_spending_usd_m_current"].to_dict(),
        "extra_spending_total_target_usd_m_current": view.total_totals.set_index("group")[
            "extra_spending_usd_m_current"
        ].to_dict(),
        "trend_starts_later": {r.country: int(r.trend_start_year) for r in core[core["trend_note"] != ""].itertuples()},
        "median_required_real_growth_pct": float(core.loc[core["gap_pp"] > 0, "required_real_growth_pct"].median()),
        "caption": view.caption,
    }
