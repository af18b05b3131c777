"""NATO's figures against SIPRI's, and the allies against Russia (SIPRI, market exchange rates)."""

from __future__ import annotations

import pandas as pd

from natospend.analysis.status import near
from natospend.data.reference import allies
from natospend.data.series import allies_only

SHARE = "defence_expenditure_share_gdp_pct"


def nato_vs_sipri(table: pd.DataFrame, sipri: pd.DataFrame) -> pd.DataFrame:
    """tables/nato_vs_sipri.csv: country, year, both shares of GDP and the difference (NATO - SIPRI)."""
    nato = allies_only(table)[["country", "country_name", "year", "member", "share_gdp_pct", "estimate"]].rename(
        columns={"share_gdp_pct": "nato_share_gdp_pct", "estimate": "nato_estimate"}
    )
    theirs = sipri[(sipri["indicator"] == SHARE) & sipri["country"].isin(nato["country"].unique())]
    theirs = theirs[["country", "year", "value", "estimate"]].rename(
        columns={"value": "sipri_share_gdp_pct", "estimate": "sipri_estimate"}
    )
    both = nato.merge(theirs, on=["country", "year"], how="left")
    both["difference_pp"] = both["nato_share_gdp_pct"] - both["sipri_share_gdp_pct"]
    both["sipri_estimate"] = both["sipri_estimate"].fillna(False).astype(bool)
    columns = [
        "country",
        "country_name",
        "year",
        "nato_share_gdp_pct",
        "sipri_share_gdp_pct",
        "difference_pp",
        "nato_estimate",
        "sipri_estimate",
        "member",
    ]
    return both[columns].sort_values(["country", "year"]).reset_index(drop=True)


def allies_at_threshold_by_definition(compared: pd.DataFrame, threshold: float = 2.0) -> pd.DataFrame:
    """By year: members (at year's end) at or above the threshold under NATO's and under SIPRI's figures.

    nato_count_on_estimate / sipri_count_on_estimate: an estimated figure lies within NEAR_BAND_PP of the
    threshold, so the count could move with it (an estimate far from the line cannot change the count)."""

    def on_estimate(g: pd.DataFrame, source: str) -> bool:
        return bool((g[f"{source}_estimate"] & near(g[f"{source}_share_gdp_pct"], threshold)).any())

    grouped = compared[compared["member"]].groupby("year")
    out = grouped.apply(
        lambda g: {
            "nato": int((g["nato_share_gdp_pct"] >= threshold).sum()),
            "sipri": int((g["sipri_share_gdp_pct"] >= threshold).sum()),
            "allies_with_both": int(g[["nato_share_gdp_pct", "sipri_share_gdp_pct"]].notna().all(axis=1).sum()),
            "members": int(len(g)),
            "nato_count_on_estimate": on_estimate(g, "nato"),
            "sipri_count_on_estimate": on_estimate(g, "sipri"),
        },
        include_groups=False,
    )
    frame = pd.DataFrame(out.tolist(), index=out.index).reset_index()
    return frame.rename(
        columns={"nato": f"allies_at_{threshold:g}pct_nato", "sipri": f"allies_at_{threshold:g}pct_sipri"}
    )


SPLIT_COLUMNS = (
    "country",
    "country_name",
    "year",
    "nato_share_gdp_pct",
    "sipri_share_gdp_pct",
    "sipri_earlier_share_gdp_pct",
    "difference_pp",
    "difference_from_earlier_release_pp",
    "sipri_revision_pp",
    "nato_estimate",
)


def definition_and_vintage(compared: pd.DataFrame, earlier: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """For the members in `year`: NATO minus SIPRI (the release compared) split in two parts that add up to it.

    difference_from_earlier_release_pp is NATO minus an earlier SIPRI release (the two sources nearer the same
    time: mostly definition and sources); sipri_revision_pp is that earlier SIPRI figure minus the later one
    (SIPRI's own revision). Only members with all three figures are split; no earlier release, no rows."""
    if earlier is None:
        return pd.DataFrame(columns=list(SPLIT_COLUMNS))
    rows = compared[(compared["year"] == year) & compared["member"]]
    old = earlier[(earlier["indicator"] == SHARE) & (earlier["year"] == year)][["country", "value"]]
    split = rows.merge(old.rename(columns={"value": "sipri_earlier_share_gdp_pct"}), on="country", how="inner")
    split = split.dropna(subset=["nato_share_gdp_pct", "sipri_share_gdp_pct", "sipri_earlier_share_gdp_pct"])
    split["difference_from_earlier_release_pp"] = split["nato_share_gdp_pct"] - split["sipri_earlier_share_gdp_pct"]
    split["sipri_revision_pp"] = split["sipri_earlier_share_gdp_pct"] - split["sipri_share_gdp_pct"]
    return split[list(SPLIT_COLUMNS)].sort_values("country").reset_index(drop=True)


def european_allies() -> list[str]:
    """Today's European allies with armed forces (29; Iceland has none and no military expenditure)."""
    return [a.iso3 for a in allies() if a.region == "Europe" and a.has_armed_forces]


def russia_comparison(sipri: pd.DataFrame, first_year: int = 1992) -> pd.DataFrame:
    """tables/russia_comparison.csv, by year (SIPRI, constant US dollars at market exchange rates):
    Russia, Ukraine, the United States and the European allies' total (today's 29 European allies with armed forces,
    summed over those with data), the ratio of that total to Russia's, and shares of GDP."""
    constant = sipri[
        (sipri["indicator"] == "defence_expenditure_usd_m")
        & sipri["price_basis"].str.startswith("constant")
        & (sipri["year"] >= first_year)
    ]
    share = sipri[(sipri["indicator"] == SHARE) & (sipri["year"] >= first_year)]
    wide = constant.pivot(index="year", columns="country", values="value")
    europe = [c for c in european_allies() if c in wide.columns]
    out = wide[["RUS", "UKR", "USA"]].rename(
        columns={"RUS": "russia_usd_m_constant", "UKR": "ukraine_usd_m_constant", "USA": "united_states_usd_m_constant"}
    )
    out["european_allies_usd_m_constant"] = wide[europe].sum(axis=1, min_count=1)
    out["european_allies_reporting"] = wide[europe].notna().sum(axis=1)
    out["european_allies_to_russia_ratio"] = out["european_allies_usd_m_constant"] / out["russia_usd_m_constant"]
    shares = share.pivot(index="year", columns="country", values="value")
    out["russia_share_gdp_pct"] = shares.get("RUS")
    out["ukraine_share_gdp_pct"] = shares.get("UKR")
    estimated = constant[constant["estimate"]].groupby("year")["country"].apply(lambda s: set(s))
    out["russia_estimate"] = [("RUS" in estimated.get(y, set())) for y in out.index]
    out["ukraine_estimate"] = [("UKR" in estimated.get(y, set())) for y in out.index]
    out["price_basis"] = constant["price_basis"].iloc[0]
    out.columns.name = None
    return out.reset_index()
