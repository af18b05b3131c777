"""The tidy dataset: one long table of every source, edition, country, year and indicator.

`load_spending()` is the fast read path used by notebooks and analysis; building and
validating the table lives in `ingest.py` and `validation.py`.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .errors import InputError
from .paths import SPENDING_CSV

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("source", "edition", "country", "country_name", "year", "indicator", "price_basis", "value", "unit",
           "estimate", "flags", "region", "subregion", "source_table")
KEY = ("source", "edition", "country", "year", "indicator", "price_basis")
SORT_ORDER = ("source", "edition", "country", "indicator", "price_basis", "year")
TEXT_COLUMNS = ("source", "edition", "country", "country_name", "indicator", "price_basis", "unit", "flags",
                    "region", "subregion", "source_table")

FLAG_MEANINGS = {
    "national_2pct_law": "NATO '*': the ally has a national law or political agreement calling for 2% of GDP or more",
    "no_data": "SIPRI '. .' / '...': data unavailable",
    "not_independent": "SIPRI 'xxx': the country did not exist or was not independent in all or part of the year",
    "highly_uncertain": "SIPRI red font: highly uncertain figure",
    "excludes_pensions": "SIPRI '†': figures do not include military pensions",
    "current_spending_only": "SIPRI '‡': figures are for current spending only (exclude capital spending)",
    "adopted_budget": "SIPRI '§': figures are for the adopted budget, rather than actual expenditure",
    "excludes_paramilitary": "SIPRI '¶': figures do not include spending on paramilitary forces",
    "currency_redenominated": "SIPRI '‖': currency changed or redenominated; local currency converted to the latest",
    "sipri_footnote_N": "SIPRI numbered footnote N (text in sources.json)",
    "fiscal_year=...": "SIPRI financial-year sheet: the country's fiscal year",
    "blank": "an empty cell in a SIPRI country row",
}


def rows_to_frame(rows: Sequence[Any], source: str, edition: str) -> "pd.DataFrame":
    """Dataclass rows from a parser -> a frame with every dataset column, sorted."""
    import pandas as pd

    if not rows:
        raise InputError(f"{source} {edition}: no rows were read", expected="at least one figure")
    names = [f.name for f in fields(rows[0])]
    getter = attrgetter(*names)
    frame = pd.DataFrame([getter(row) for row in rows], columns=names)  # tuples: 5x faster than dicts
    frame.insert(0, "source", source)
    frame.insert(1, "edition", edition)
    for column in ("region", "subregion"):
        if column not in frame:
            frame[column] = ""
    return normalise_frame(frame)


def normalise_frame(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Column order, dtypes and row order that make the CSV byte-for-byte reproducible."""
    import pandas as pd

    frame = frame.loc[:, list(COLUMNS)].copy()
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str)
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = pd.to_numeric(frame["value"]).astype("float64")
    frame["estimate"] = frame["estimate"].astype(bool)
    return frame.sort_values(list(SORT_ORDER), kind="mergesort").reset_index(drop=True)


def to_csv_bytes(frame: "pd.DataFrame") -> bytes:
    """The dataset as CSV bytes (pyarrow's writer: ten times faster than pandas' here).

    Floats are written in their shortest round-trip form, so the published digits survive
    exactly; strings are quoted, booleans are true/false, a missing value is an empty field.
    """
    import io

    import pyarrow as pa
    import pyarrow.csv as pa_csv

    buffer = io.BytesIO()
    pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def read_spending_csv(path: Path) -> "pd.DataFrame":
    import pandas as pd

    if not path.is_file():
        raise InputError("dataset not found: run `natospend ingest` first", file=path)
    dtypes: dict[str, Any] = {column: str for column in TEXT_COLUMNS}
    dtypes.update({"year": "int64", "value": "float64", "estimate": "bool"})
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={"value": [""]}, encoding="utf-8")


_CACHE: dict[tuple[str, int, int], "pd.DataFrame"] = {}


def _full_table(path: Path) -> "pd.DataFrame":
    """The whole dataset, read once per file version (path, mtime, size)."""
    stat = path.stat() if path.is_file() else None
    cache_key = (str(path.resolve()), stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0)
    if cache_key not in _CACHE:
        _CACHE.clear()
        _CACHE[cache_key] = read_spending_csv(path)
    return _CACHE[cache_key]


def editions(source: str, *, path: str | Path | None = None) -> list[str]:
    """Every edition of a source in the dataset, oldest first."""
    frame = _full_table(Path(path) if path is not None else SPENDING_CSV)
    return sorted(set(frame.loc[frame["source"] == source, "edition"]), key=_edition_key)


def load_spending(source: str | None = None, edition: str | None = None, *, path: str | Path | None = None,
                  indicator: str | Iterable[str] | None = None) -> "pd.DataFrame":
    """The tidy dataset as a typed frame (one row per source, edition, country, year, indicator, price basis).

    source: 'nato', 'sipri' or a user label (all sources when None).
    edition: the publication edition; by default the latest edition of each source.
    indicator: one indicator name or several, to narrow the frame.
    """
    path = Path(path) if path is not None else SPENDING_CSV
    frame = _full_table(path)
    all_pairs = frame[["source", "edition"]].drop_duplicates()
    pairs = all_pairs
    if source is not None:
        if source not in set(pairs["source"]):
            raise InputError(f"unknown source {source!r}", file=path,
                             expected="one of " + ", ".join(sorted(set(pairs["source"]))))
        pairs = pairs[pairs["source"] == source]
    if edition is not None:
        if edition not in set(pairs["edition"]):
            raise InputError(f"edition {edition!r} is not in the dataset for source {source or 'any'}", file=path,
                             expected="one of " + ", ".join(sorted(set(pairs["edition"]), key=_edition_key)))
        pairs = pairs[pairs["edition"] == edition]
    else:
        latest = {src: max(group, key=_edition_key) for src, group in pairs.groupby("source")["edition"]}
        pairs = pairs[[latest[src] == ed for src, ed in zip(pairs["source"], pairs["edition"])]]
    mask = None
    if len(pairs) < len(all_pairs):
        mask = frame["source"].isna()  # all False
        for src, ed in zip(pairs["source"], pairs["edition"]):
            mask |= (frame["source"] == src) & (frame["edition"] == ed)
    if indicator is not None:
        names = [indicator] if isinstance(indicator, str) else list(indicator)
        by_indicator = frame["indicator"].isin(names)
        mask = by_indicator if mask is None else mask & by_indicator
    return (frame if mask is None else frame.loc[mask]).reset_index(drop=True)


def _edition_key(edition: str) -> tuple[int, str]:
    digits = "".join(ch for ch in edition if ch.isdigit())
    return (int(digits) if digits else -1, edition)
