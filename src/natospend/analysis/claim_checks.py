"""Public claims checked against every edition loaded: one row per claim and edition, then a verdict per claim.

A count is made as the pages make it: the members at the end of the year, those with armed forces and a figure
for the year, at or above the threshold. Publishers' fact sheets print shares rounded (SIPRI to one decimal),
so a count is also made on shares rounded to one decimal; a claim that matches either count holds, and the check
says which. The editions of the source a claim rests on (`about`) decide the verdict; the others are shown
beside it as another view."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from natospend.analysis.status import near
from natospend.data.claims import Claim
from natospend.data.dataset import editions, load_spending
from natospend.data.reference import ally_by_iso3
from natospend.data.series import nato_table

SHARE = "defence_expenditure_share_gdp_pct"
Shares = Mapping[tuple[str, str], pd.DataFrame]  # (source, edition) -> country, year, value (% of GDP), estimate

CHECK_COLUMNS = (
    "claim_id",
    "source",
    "edition",
    "about_source",
    "decides",
    "year",
    "covered",
    "members",
    "members_with_figures",
    "at_or_above",
    "at_or_above_rounded_1dp",
    "at_or_above_from_spending_and_gdp",
    "other_side_from_spending_and_gdp",
    "below",
    "near",
    "ally_share_gdp_pct",
    "latest_year",
    "latest_share_gdp_pct",
    "holds",
    "holds_how",
    "verdict",
)


FROM_TABLES = "with shares computed from NATO's Tables 2 and 5"  # constant-price spending over GDP


def loaded_shares(sources: Iterable[str] = ("nato", "sipri")) -> dict[tuple[str, str], pd.DataFrame]:
    """Every loaded edition's share of GDP for the allies, one frame per (source, edition). NATO's frames also
    carry `from_spending_and_gdp`: the share computed from its own Tables 2 and 5 (constant prices), which can
    fall on the other side of a line from the figure Table 3 prints (Slovak Republic 2024: 1.989 against 2.0)."""
    allies = ally_by_iso3()
    out: dict[tuple[str, str], pd.DataFrame] = {}
    for source in sources:
        for edition in editions(source):
            if source == "nato":
                table = nato_table(load_spending(source, edition))
                frame = table.rename(columns={"share_gdp_pct": "value"})
                frame["from_spending_and_gdp"] = 100 * frame["defence_usd_m_constant"] / frame["gdp_usd_m_constant"]
            else:
                frame = load_spending(source, edition, indicator=SHARE)
                frame["from_spending_and_gdp"] = float("nan")
            frame = frame[frame["country"].isin(list(allies)) & frame["value"].notna()]
            columns = ["country", "year", "value", "estimate", "from_spending_and_gdp"]
            out[(source, edition)] = frame[columns].reset_index(drop=True)
    return out


def members_at_end_of(year: int) -> list[str]:
    """Every ally that was a member at the end of `year`, with armed forces or not (Iceland counts: 32 in 2024)."""
    return sorted(code for code, ally in ally_by_iso3().items() if ally.accession_date.year <= year)


def check_claim(claim: Claim, shares: Shares) -> pd.DataFrame:
    """One row per edition loaded: what it says about the claim (see CHECK_COLUMNS)."""
    allies = ally_by_iso3()
    members = members_at_end_of(claim.year)
    rows: list[dict[str, Any]] = []
    for (source, edition), frame in shares.items():
        in_year = frame[(frame["year"] == claim.year) & frame["country"].isin(members)]
        in_year = in_year[in_year["country"].map(lambda c: allies[c].has_armed_forces).astype(bool)]
        row: dict[str, Any] = dict.fromkeys(CHECK_COLUMNS)
        # an edition of the source the claim is about (and, if named, the edition it was made from) decides the
        # verdict, unless the claim was made from figures that are not loaded
        about_source = claim.about in ("any", source) and claim.edition in ("", edition)
        row.update(
            claim_id=claim.claim_id,
            source=source,
            edition=edition,
            about_source=about_source,
            decides=about_source and not claim.rests_on,
            year=claim.year,
            members=len(members),
            members_with_figures=len(in_year),
        )
        values = in_year.set_index("country")["value"]
        row["at_or_above"] = int((values >= claim.threshold_pct).sum())
        row["at_or_above_rounded_1dp"] = int((values.round(1) >= claim.threshold_pct).sum())
        computed = in_year.set_index("country").get("from_spending_and_gdp")  # NATO's frames only
        if computed is not None and computed.notna().all() and len(computed):
            row["at_or_above_from_spending_and_gdp"] = int((computed >= claim.threshold_pct).sum())
            flips = computed[(computed >= claim.threshold_pct) != (values >= claim.threshold_pct)]
            row["other_side_from_spending_and_gdp"] = ";".join(
                f"{code}={values[code]:.6f}/{share:.6f}" for code, share in flips.items()
            )
        row["below"] = ";".join(sorted(values.index[values < claim.threshold_pct]))
        close = values[near(values, claim.threshold_pct)].sort_values(ascending=False)
        # six decimals: enough for a page to print each value on its side of the line
        row["near"] = ";".join(f"{code}={value:.6f}" for code, value in close.items())
        if claim.test == "share_by_year":
            row.update(_share_by_year(claim, frame))
        else:
            # a count or a list needs every member with armed forces that year
            with_forces = [c for c in members if allies[c].has_armed_forces]
            row["covered"] = len(in_year) == len(with_forces) and len(with_forces) > 0
            if row["covered"]:
                row.update(_count(claim, row) if claim.test == "count_at_or_above" else _named(claim, row, allies))
        rows.append(row)
    checked = pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
    checked["verdict"] = verdict(checked)[0]
    return checked


def _count(claim: Claim, row: dict[str, Any]) -> dict[str, Any]:
    if row["at_or_above"] == claim.count:
        return {"holds": True, "holds_how": "exactly"}
    if row["at_or_above_rounded_1dp"] == claim.count:
        return {"holds": True, "holds_how": "with shares rounded to one decimal"}
    if row["at_or_above_from_spending_and_gdp"] == claim.count:
        return {"holds": True, "holds_how": FROM_TABLES}
    return {"holds": False, "holds_how": ""}


def _named(claim: Claim, row: dict[str, Any], allies: Mapping[str, Any]) -> dict[str, Any]:
    named = {c for c in claim.countries if allies[c].has_armed_forces}  # Iceland: no forces, no figures, not at it
    below = set(filter(None, row["below"].split(";")))
    return {"holds": below == named, "holds_how": "exactly" if below == named else ""}


def _share_by_year(claim: Claim, frame: pd.DataFrame) -> dict[str, Any]:
    ally = frame[frame["country"] == claim.countries[0]].sort_values("year")
    latest = ally.iloc[-1] if len(ally) else None
    out: dict[str, Any] = {
        "latest_year": int(latest["year"]) if latest is not None else None,
        "latest_share_gdp_pct": float(latest["value"]) if latest is not None else None,
    }
    in_year = ally[ally["year"] == claim.year]
    out["covered"] = len(in_year) == 1
    if out["covered"]:
        value = float(in_year["value"].iloc[0])
        out.update(ally_share_gdp_pct=value, holds=value >= claim.threshold_pct, holds_how="exactly")
    return out


VERDICTS = ("holds", "holds on some editions only", "does not hold", "cannot be checked with the data loaded")


def verdict(checks: pd.DataFrame) -> tuple[str, list[tuple[str, str]]]:
    """The claim's verdict from its deciding editions, and the (source, edition) pairs it holds on. A claim made
    from figures that are known and not loaded (`rests_on`) has no deciding edition: it cannot be checked with the
    data loaded, whatever they give (a matching count from other figures does not confirm it)."""
    deciding = checks[checks["decides"] & checks["covered"].fillna(False).astype(bool)]
    if deciding.empty:
        return VERDICTS[3], []
    holding = deciding[deciding["holds"].fillna(False).astype(bool)]
    pairs = list(zip(holding["source"], holding["edition"], strict=True))
    if len(holding) == len(deciding):
        return VERDICTS[0], pairs
    return (VERDICTS[1], pairs) if len(holding) else (VERDICTS[2], [])


def same_count_elsewhere(claim: Claim, shares: Shares, years: int = 1) -> list[tuple[str, str, int, str]]:
    """For a count that does not hold: (source, edition, year, how) where an edition gives the claimed count for a
    year within `years` of the claim's, exactly or rounded: a claim may mean another year or another release."""
    if claim.test != "count_at_or_above":
        return []
    found = []
    for (source, edition), frame in shares.items():
        for year in range(claim.year - years, claim.year + years + 1):
            if year == claim.year:
                continue
            row = check_claim(Claim(**{**claim.__dict__, "year": year}), {(source, edition): frame}).iloc[0]
            if row["covered"] and row["holds"]:
                found.append((source, edition, year, str(row["holds_how"])))
    return found


def same_count_elsewhere_by_claim(
    claims: Iterable[Claim], shares: Shares
) -> dict[str, list[tuple[str, str, int, str]]]:
    """`same_count_elsewhere` for every claim whose count does not hold on its deciding editions."""
    found = {}
    for claim in claims:
        if verdict(check_claim(claim, shares))[0] == VERDICTS[2]:
            found[claim.claim_id] = same_count_elsewhere(claim, shares)
    return found


def check_claims(claims: Iterable[Claim], shares: Shares) -> pd.DataFrame:
    """Every claim against every edition: the rows of `check_claim`, one after another."""
    frames = [check_claim(claim, shares) for claim in claims]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(CHECK_COLUMNS))
