"""Military spending at purchasing-power parity: SIPRI's local-currency figures over the IMF's PPP rates.

spending at PPP (international $) = SIPRI's military expenditure in local currency (calendar year,
current prices) / the IMF's implied PPP conversion rate (national currency per international $) for
the same country and year. GDP-based PPP rates are a contested proxy for military purchasing power.
"""

from __future__ import annotations

import pandas as pd

from natospend.analysis.comparison import european_allies
from natospend.data.reference import known_country_codes

PPP_COLUMNS = (
    "country",
    "country_name",
    "year",
    "spending_nc_m",
    "spending_usd_m_current",
    "ppp_rate",
    "ppp_rate_projected",
    "spending_ppp_intl_usd_m",
    "sipri_edition",
    "imf_edition",
)
EUROPE = "EUROPEAN_ALLIES"
PPP_RATE = "ppp_conversion_rate_nc_per_intl_usd"


def ppp_spending(sipri: pd.DataFrame, imf: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Per country and year both cover: local currency, market dollars, the PPP rate, and PPP dollars."""

    def series(frame: pd.DataFrame, indicator: str, basis: str, name: str) -> pd.Series:
        rows = frame[
            (frame["indicator"] == indicator)
            & (frame["price_basis"] == basis)
            & frame["country"].isin(countries)
            & frame["value"].notna()
        ]
        return rows.set_index(["country", "year"])["value"].rename(name)

    both = pd.concat(
        [
            series(sipri, "defence_expenditure_nc_m", "current", "spending_nc_m"),
            series(sipri, "defence_expenditure_usd_m", "current", "spending_usd_m_current"),
            series(imf, PPP_RATE, "current", "ppp_rate"),
        ],
        axis=1,
        join="inner",
    ).reset_index()
    both = both[both["ppp_rate"] > 0]
    # the IMF's PPP rate for a year after the economy's last actual data is a projection (its estimate flag)
    rates = imf[(imf["indicator"] == PPP_RATE) & imf["country"].isin(countries)].set_index(["country", "year"])
    projected = rates["estimate"].astype(bool)
    both["ppp_rate_projected"] = [bool(projected.get((c, y), False)) for c, y in zip(both["country"], both["year"])]
    both["spending_ppp_intl_usd_m"] = both["spending_nc_m"] / both["ppp_rate"]
    names = known_country_codes()
    both.insert(1, "country_name", [names.get(c, c) for c in both["country"]])
    both["sipri_edition"] = str(sipri["edition"].iloc[0])
    both["imf_edition"] = str(imf["edition"].iloc[0])
    return both.loc[:, list(PPP_COLUMNS)].sort_values(["country", "year"]).reset_index(drop=True)


def ppp_comparison(sipri: pd.DataFrame, imf: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """tables/ppp_comparison.csv (Russia, Ukraine, each European ally and their sum, market and PPP),
    and by year the European allies' spending against Russia's under each (the ratios)."""
    europe = european_allies()
    rows = ppp_spending(sipri, imf, ["RUS", "UKR", *europe])
    ours = rows[rows["country"].isin(europe)]
    total = ours.groupby("year", as_index=False).agg(
        spending_usd_m_current=("spending_usd_m_current", "sum"),
        spending_ppp_intl_usd_m=("spending_ppp_intl_usd_m", "sum"),
        allies=("country", "size"),
    )
    total.insert(0, "country", EUROPE)
    total.insert(1, "country_name", "European allies (sum of those with both figures)")
    total["sipri_edition"], total["imf_edition"] = rows["sipri_edition"].iloc[0], rows["imf_edition"].iloc[0]
    russia = rows[rows["country"] == "RUS"].set_index("year")
    ratios = total.set_index("year")[["spending_usd_m_current", "spending_ppp_intl_usd_m", "allies"]].join(
        russia[["spending_usd_m_current", "spending_ppp_intl_usd_m"]], rsuffix="_russia", how="inner"
    )
    ratios["europe_to_russia_market"] = ratios["spending_usd_m_current"] / ratios["spending_usd_m_current_russia"]
    ratios["europe_to_russia_ppp"] = ratios["spending_ppp_intl_usd_m"] / ratios["spending_ppp_intl_usd_m_russia"]
    ratios = ratios.reset_index()[["year", "allies", "europe_to_russia_market", "europe_to_russia_ppp"]]
    table = pd.concat(
        [rows, total.drop(columns="allies").merge(ratios.drop(columns="allies"), on="year", how="left")],
        ignore_index=True,
    )
    return table, ratios
