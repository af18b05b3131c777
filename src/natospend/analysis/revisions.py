"""How a publisher revises its own figures: one edition against another, ally by ally and year by year."""

from __future__ import annotations

import pandas as pd

from natospend.data.reference import ally_by_iso3
from natospend.errors import InputError

# A figure "changed" when it moved by more than this: the publishers' files carry shares to many digits, and
# a difference below it is floating-point noise from their export (or ours), not a revision.
CHANGED_ABOVE = 1e-9

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
    """Are the old edition's estimates revised up or down on average, against its other figures? Up and down count
    the figures that moved by more than CHANGED_ABOVE (a smaller difference is noise, not a revision)."""
    out = revised.groupby("old_estimate").agg(
        figures=("revision", "size"),
        mean_revision=("revision", "mean"),
        mean_abs_revision=("revision", lambda s: s.abs().mean()),
        revised_up=("revision", lambda s: int((s > CHANGED_ABOVE).sum())),
        revised_down=("revision", lambda s: int((s < -CHANGED_ABOVE).sum())),
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


SHARE_OF_GDP = "defence_expenditure_share_gdp_pct"
SPENDING_NC = "defence_expenditure_nc_m"  # the numerator of the share, in national currency
ONE_CAUSE = 0.8  # a part this large of the revision (same sign) names it the cause
UNIT_CHANGE = 3.0  # spending revised by this factor or more: a currency or unit change, not a revision


def spending_behind_share(spending: pd.DataFrame, share: pd.DataFrame) -> pd.DataFrame:
    """The edition's spending in national currency on the price basis of its share of GDP (current for SIPRI,
    NATO's constant prices for NATO's Table 3): the numerator the share was computed from."""
    basis = set(share.loc[share["indicator"] == SHARE_OF_GDP, "price_basis"])
    rows = spending[(spending["indicator"] == SPENDING_NC) & spending["price_basis"].isin(basis)]
    return rows[["country", "year", "value"]].dropna()


def split_share_revisions(
    revised: pd.DataFrame, old_spending: pd.DataFrame, new_spending: pd.DataFrame
) -> pd.DataFrame:
    """Each revision of a share of GDP split into its two causes. With spending D and GDP Y (implied by the
    edition's own D and share s: Y = D / s), s_new - s_old = (D_new - D_old) / Y_old (revised spending, at the
    old GDP) + D_new x (1 / Y_new - 1 / Y_old) (revised GDP, at the new spending): the two parts add up to the
    revision. `cause` names the part that makes 80% or more of it: spending, GDP, both, none (no revision),
    unit change (spending moved threefold or more: a currency or unit, not a revision), or unknown (no
    spending figure in an edition)."""
    keys = ["country", "year"]
    out = revised.merge(old_spending.rename(columns={"value": "old_spending_nc_m"}), on=keys, how="left").merge(
        new_spending.rename(columns={"value": "new_spending_nc_m"}), on=keys, how="left"
    )
    old_gdp = out["old_spending_nc_m"] / (out["old_value"].where(out["old_value"] > 0) / 100)
    new_gdp = out["new_spending_nc_m"] / (out["new_value"].where(out["new_value"] > 0) / 100)
    out["old_gdp_nc_m"], out["new_gdp_nc_m"] = old_gdp, new_gdp
    out["revision_from_spending"] = (out["new_spending_nc_m"] - out["old_spending_nc_m"]) / old_gdp * 100
    out["revision_from_gdp"] = out["new_spending_nc_m"] * (1 / new_gdp - 1 / old_gdp) * 100
    ratio = out["new_spending_nc_m"] / out["old_spending_nc_m"]
    share = lambda part: part / out["revision"].where(out["revision"].abs() > CHANGED_ABOVE)  # noqa: E731
    out["cause"] = "both"
    out.loc[share(out["revision_from_spending"]) >= ONE_CAUSE, "cause"] = "spending"
    out.loc[share(out["revision_from_gdp"]) >= ONE_CAUSE, "cause"] = "GDP"
    out.loc[out["revision"].abs() <= CHANGED_ABOVE, "cause"] = "none"
    out.loc[(ratio >= UNIT_CHANGE) | (ratio <= 1 / UNIT_CHANGE), "cause"] = "unit change"
    out.loc[out["revision_from_spending"].isna() & (out["revision"].abs() > CHANGED_ABOVE), "cause"] = "unknown"
    return out


def causes(revised: pd.DataFrame) -> pd.DataFrame:
    """How many revisions each cause accounts for, and their mean absolute size."""
    changed = revised[revised["cause"] != "none"]
    out = changed.groupby("cause").agg(
        figures=("revision", "size"), mean_abs_revision=("revision", lambda s: s.abs().mean())
    )
    return out.reset_index().sort_values(["figures", "cause"], ascending=[False, True]).reset_index(drop=True)
