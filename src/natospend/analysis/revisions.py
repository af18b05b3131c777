"""How a publisher revises its own figures: one edition against another, ally by ally and year by year."""

from __future__ import annotations

import pandas as pd

from natospend.data.reference import ally_by_iso3
from natospend.errors import InputError

REVISION_COLUMNS = (
    "country",
    "country_name",
    "year",
    "indicator",
    "old_edition",
    "new_edition",
    "old_value",
    "new_value",
    "revision",
    "revision_pct",
    "old_estimate",
    "new_estimate",
)


def common_price_basis(old: pd.DataFrame, new: pd.DataFrame, indicator: str) -> str:
    """The price basis both editions publish the indicator in: current (or none) first; a constant
    basis only when both editions use the same base year."""
    shared = set(old["price_basis"]) & set(new["price_basis"])
    for basis in ("current", "none", *sorted(shared)):
        if basis in shared:
            return basis
    raise InputError(
        f"{indicator} has no price basis in common between the editions: "
        f"{sorted(set(old['price_basis']))} against {sorted(set(new['price_basis']))}",
        expected="an indicator published on the same basis in both (a share of GDP, current prices)",
    )


def revisions(old: pd.DataFrame, new: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """tables/revisions.csv: per ally and year present in both editions, old and new value, the revision
    (new - old, in the indicator's unit) and in percent of the old value, and the estimate flags."""
    allies = ally_by_iso3()
    old, new = old[old["indicator"] == indicator], new[new["indicator"] == indicator]
    basis = common_price_basis(old, new, indicator)
    keep = ["country", "year", "value", "estimate", "edition"]
    before = old[(old["price_basis"] == basis) & old["country"].isin(allies) & old["value"].notna()][keep]
    after = new[(new["price_basis"] == basis) & new["country"].isin(allies) & new["value"].notna()][keep]
    both = before.merge(after, on=["country", "year"], suffixes=("_old", "_new"))
    if both.empty:
        raise InputError(
            f"editions {old['edition'].iloc[0] if len(old) else '?'} and "
            f"{new['edition'].iloc[0] if len(new) else '?'} share no ally and year for {indicator}",
            expected="two editions that cover some of the same years",
        )
    out = pd.DataFrame(
        {
            "country": both["country"],
            "country_name": [allies[c].name for c in both["country"]],
            "year": both["year"].astype(int),
            "indicator": indicator,
            "old_edition": both["edition_old"],
            "new_edition": both["edition_new"],
            "old_value": both["value_old"],
            "new_value": both["value_new"],
        }
    )
    out["revision"] = out["new_value"] - out["old_value"]
    out["revision_pct"] = (out["revision"] / out["old_value"].where(out["old_value"] != 0)) * 100
    out["old_estimate"] = both["estimate_old"].astype(bool).to_numpy()
    out["new_estimate"] = both["estimate_new"].astype(bool).to_numpy()
    return out.loc[:, list(REVISION_COLUMNS)].sort_values(["country", "year"]).reset_index(drop=True)


def largest(revised: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The n largest revisions by size, either way."""
    order = revised["revision"].abs().sort_values(ascending=False, kind="mergesort").index
    return revised.loc[order[:n]].reset_index(drop=True)


def by_year(revised: pd.DataFrame) -> pd.DataFrame:
    """Per year: allies compared, mean absolute revision, mean signed revision, and whether the old
    edition's figures were estimates (the share of them)."""
    grouped = revised.groupby("year")
    out = grouped.agg(
        allies=("country", "size"),
        mean_abs_revision=("revision", lambda s: s.abs().mean()),
        mean_revision=("revision", "mean"),
        old_estimates=("old_estimate", "sum"),
    )
    return out.reset_index()


def by_estimate(revised: pd.DataFrame) -> pd.DataFrame:
    """Are the old edition's estimates revised up or down on average, against its other figures?"""
    out = revised.groupby("old_estimate").agg(
        figures=("revision", "size"),
        mean_revision=("revision", "mean"),
        mean_abs_revision=("revision", lambda s: s.abs().mean()),
        revised_up=("revision", lambda s: int((s > 0).sum())),
        revised_down=("revision", lambda s: int((s < 0).sum())),
    )
    return out.reset_index()


def allies_at_threshold(revised: pd.DataFrame, threshold: float = 2.0) -> pd.DataFrame:
    """Per year: allies (members at year's end) at or above the threshold under each edition."""
    joined = {code: ally.accession_date.year for code, ally in ally_by_iso3().items()}
    members = revised[revised["year"] >= revised["country"].map(joined)]
    grouped = members.groupby("year")
    return pd.DataFrame(
        {
            "year": list(grouped.groups),
            "members_compared": grouped.size().to_numpy(),
            "at_threshold_old": grouped["old_value"].apply(lambda s: int((s >= threshold).sum())).to_numpy(),
            "at_threshold_new": grouped["new_value"].apply(lambda s: int((s >= threshold).sum())).to_numpy(),
        }
    )


def threshold_crossings(revised: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The (ally, year) figures that the new edition puts on the other side of a threshold (a share of GDP
    in percent): `now_at_or_above` says which way. Latest years first."""
    before, after = revised["old_value"] >= threshold, revised["new_value"] >= threshold
    crossed = revised[before != after].assign(now_at_or_above=after[before != after])
    return crossed.sort_values(["year", "country"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
