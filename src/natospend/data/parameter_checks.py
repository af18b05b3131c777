"""Notebook parameters checked against the data: one check per notebook, called with keyword arguments.

A notebook's `parameters` cell declares its parameters (name, literal default, a comment as help); the
cell after it calls that notebook's check here with every parameter by name. The check types each value,
resolves what the data decides (None for an edition: the latest; an ally's spelling: its ISO3 code; a
year of the edition) and returns the values as resolved: `CheckedParameters`. `natospend run` runs the
same cell before any notebook starts, so a mistake is reported before any work is done.

Under plain papermill a misspelt `-p` name is only a warning; `checked()` reads the cell papermill injected
just before (its source starts with "# Parameters") and refuses any name that the check was not given.
"""

from __future__ import annotations

import ast
import difflib
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from natospend.data.dataset import earlier_edition, load_spending, outcome_edition
from natospend.data.dataset import editions as dataset_editions
from natospend.data.dataset import sources as dataset_sources
from natospend.data.indicators import INDICATORS
from natospend.data.reference import allies, resolve_ally
from natospend.data.targets import load_targets
from natospend.errors import ParameterError

PAPERMILL_INJECTED = "# Parameters"  # the first line of the cell papermill injects after the parameters cell
NUMERIC = (int, float)


class CheckedParameters(Mapping[str, Any]):
    """The values of one run, resolved against the data, in the notebook's order; read-only.

    `editions` names, for each parameter that is an edition, the source it is an edition of: every table
    the run writes carries those editions as columns, and the manifest and page header list them."""

    def __init__(
        self,
        values: Mapping[str, Any],
        editions: Mapping[str, str],
        reads: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._values = dict(values)
        self._editions = {name: source for name, source in editions.items() if self._values.get(name) is not None}
        self._reads = {source: set(found) for source, found in (reads or {}).items()}  # beyond the parameters

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return "CheckedParameters(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"

    def shown(self) -> dict[str, Any]:
        """The values as the manifest, summary and page header show them: lists, not tuples; no output_dir
        (where a run writes is not what it computes: reruns elsewhere give the same bytes)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self._values.items() if k != "output_dir"}

    def edition_columns(self) -> dict[str, str]:
        """Edition parameter -> edition (edition: '2024', sipri_edition: '2026', ...): columns of every table."""
        return {name: str(self._values[name]) for name in self._editions}

    def sources(self) -> dict[str, set[str]]:
        """Each source the run reads, with its editions."""
        found: dict[str, set[str]] = {source: set(editions) for source, editions in self._reads.items()}
        for name, source in self._editions.items():
            found.setdefault(source, set()).add(str(self._values[name]))
        return found


def checked(
    values: Mapping[str, Any],
    editions: Mapping[str, str] | None = None,
    reads: Mapping[str, Iterable[str]] | None = None,
) -> CheckedParameters:
    """The run's checked values; refuses a name papermill injected that the notebook's check was not given.
    `reads`: editions a page reads whatever its parameters (01's claims are checked on every edition loaded)."""
    reject_unknown_injected(list(values))
    return CheckedParameters(values, editions or {}, reads)


def injected_names() -> list[str]:
    """Names assigned by the cell run just before the current one, when that is papermill's injected cell."""
    ipython = sys.modules.get("IPython")  # not imported: not in a notebook, nothing was injected
    shell = ipython.get_ipython() if ipython is not None else None
    history = shell.user_ns.get("In", []) if shell is not None else []
    if len(history) < 2 or not str(history[-2]).lstrip().startswith(PAPERMILL_INJECTED):
        return []
    try:
        tree = ast.parse(str(history[-2]))
    except SyntaxError:
        return []
    return [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)]


def reject_unknown_injected(known: list[str]) -> None:
    unknown = [name for name in injected_names() if name not in known]
    if unknown:
        raise unknown_parameter(unknown[0], known)


def unknown_parameter(name: str, known: list[str], notebook: str = "this notebook") -> ParameterError:
    """'unknown parameter 'targt_year' (did you mean 'target_year'?)', with the names there are."""
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ParameterError(name, f"unknown parameter {name!r}{hint} for {notebook}", ", ".join(known))


# ---- one value each: type, range, and what the data decides ---------------------------------------------


def number(name: str, value: Any, minimum: float | None = None, maximum: float | None = None) -> float:
    """A finite number (int or float; not a bool) within [minimum, maximum], as a float."""
    if isinstance(value, bool) or not isinstance(value, NUMERIC):
        raise ParameterError(name, f"got {type(value).__name__} {value!r}, expected int or float")
    value = float(value)
    if not math.isfinite(value):
        raise ParameterError(name, f"{value!r} is not a finite number", "a number")
    if minimum is not None and value < minimum:
        raise ParameterError(name, f"{value:g} is below {minimum:g}", f"{minimum:g} or more")
    if maximum is not None and value > maximum:
        raise ParameterError(name, f"{value:g} is above {maximum:g}", f"{maximum:g} or less")
    return value


PLAUSIBLE_TARGET_PCT = 15.0  # a spending target above this share of GDP is taken for a slip of the decimal point


def positive_share(name: str, value: Any) -> float:
    """A share of GDP above 0 and at most 100."""
    share = number(name, value, maximum=100)
    if share <= 0:
        raise ParameterError(name, f"{share:g} is not a positive share of GDP", "a number above 0")
    return share


def target_share(name: str, value: Any, *, zero: bool = False) -> float:
    """A target in percent of GDP: valid, and plausible (at most 15%); 35 for 3.5 is refused with a hint."""
    share = number(name, value, minimum=0, maximum=100) if zero else positive_share(name, value)
    if share > PLAUSIBLE_TARGET_PCT:
        meant = share / 10 if share / 10 <= PLAUSIBLE_TARGET_PCT else None
        hint = f"did you mean {meant:g}?" if meant is not None else "a share of GDP in percent, such as 3.5"
        raise ParameterError(
            name,
            f"{share:g}% of GDP is implausible for a spending target (above {PLAUSIBLE_TARGET_PCT:g}%); {hint}",
            f"0 to {PLAUSIBLE_TARGET_PCT:g} (percent of GDP: 3.5 means 3.5%)",
        )
    return share


def whole_year(name: str, value: Any, expected: str = "int") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, f"got {type(value).__name__} {value!r}, expected {expected}", "a year, e.g. 2035")
    if not 1949 <= value <= 2100:
        raise ParameterError(name, f"{value} is not a year from 1949 to 2100", "a year, e.g. 2035")
    return value


def text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ParameterError(name, f"got {type(value).__name__} {value!r}, expected str")
    return value


def resolve_edition(source: str, name: str, value: Any) -> str:
    """The edition a parameter names (None: the latest of the source; 2024 and '2024' alike), or an error
    listing the editions there are."""
    if isinstance(value, bool) or not (value is None or isinstance(value, (str, int))):
        raise ParameterError(
            name, f"got {type(value).__name__} {value!r}, expected str or int or None", "an edition such as '2024'"
        )
    available = dataset_editions(source)
    if not available:
        raise ParameterError(name, f"no {source} edition in the dataset", "run `natospend ingest` first")
    if value is None:
        return available[-1]
    if str(value) not in available:
        raise ParameterError(name, f"{source} edition {str(value)!r} is not in the dataset", ", ".join(available))
    return str(value)


def nato_years(nato_edition: str) -> list[int]:
    share = load_spending("nato", nato_edition, indicator="defence_expenditure_share_gdp_pct")
    return sorted(int(y) for y in share["year"].unique())


def year_among(name: str, value: Any, years: list[int]) -> int:
    """A year among `years` (None: the last of them)."""
    if value is None:
        return years[-1]
    value = whole_year(name, value, "int or None")
    if value not in years:
        raise ParameterError(name, f"{value} is outside the edition", f"{years[0]}-{years[-1]}")
    return value


def year_after_base(name: str, value: Any, years: list[int]) -> int:
    """A deadline after the edition's latest year (the base year of every pathway)."""
    value = whole_year(name, value)
    if value <= years[-1]:
        raise ParameterError(name, f"{value} is not after the base year {years[-1]}", f"a year after {years[-1]}")
    return value


def ally(name: str, value: Any) -> str:
    """An ally's ISO3 code from its code or any spelling (UK, Turkey, Türkiye, ...)."""
    try:
        return resolve_ally(text(name, value))
    except ValueError:
        raise ParameterError(name, f"{value!r} is not an ally", ", ".join(a.iso3 for a in allies())) from None


def ally_with_armed_forces(name: str, value: Any) -> str:
    """An ally with armed forces: Iceland has none, and NATO publishes no defence expenditure for it (`run`
    refuses it as `sweep --over country=all` leaves it out)."""
    code = ally(name, value)
    found = next(a for a in allies() if a.iso3 == code)
    if not found.has_armed_forces:
        raise ParameterError(
            name,
            f"{found.name} has no armed forces: NATO publishes no defence expenditure for it, so there is no profile",
            "another ally, e.g. Norway (natospend sweep 03 --over country=all covers every ally with armed forces)",
        )
    return code


def check_gdp_path(name: str, value: Any) -> str | float:
    """'imf', 'trend', or a growth rate in % a year from -20 to 20."""
    if isinstance(value, str):
        if value not in ("imf", "trend"):
            raise ParameterError(name, f"{value!r} is not a GDP path", "'imf', 'trend' or a number (% a year)")
        return value
    return number(name, value, minimum=-20, maximum=20)


def check_output_dir(name: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ParameterError(name, f"got {type(value).__name__} {value!r}, expected str or None", "a folder")
    return value


# ---- the check of each notebook ----------------------------------------------------------------------


def check_alliance_overview(
    *,
    edition: Any,
    year: Any,
    targets: Any,
    sipri_edition: Any,
    shortfall_threshold_pct: Any,
    shortfall_start_year: Any,
    output_dir: Any = None,
) -> CheckedParameters:
    """01: a NATO edition and a year in it, known target ids, a SIPRI edition, the shortfall's threshold
    and first year (in the edition)."""
    nato_edition = resolve_edition("nato", "edition", edition)
    years = nato_years(nato_edition)
    known = load_targets()
    if not isinstance(targets, (list, tuple)) or not targets or not all(isinstance(t, str) for t in targets):
        raise ParameterError("targets", f"{targets!r} is not a list of target ids", ", ".join(known))
    unknown = [t for t in targets if t not in known]
    if unknown:
        raise ParameterError("targets", f"unknown target id(s) {unknown}", ", ".join(known))
    start = whole_year("shortfall_start_year", shortfall_start_year)
    if start not in years:
        raise ParameterError("shortfall_start_year", f"{start} is outside the edition", f"{years[0]}-{years[-1]}")
    values = {
        "edition": nato_edition,
        "year": year_among("year", year, years),
        "targets": tuple(targets),
        "sipri_edition": resolve_edition("sipri", "sipri_edition", sipri_edition),
        "shortfall_threshold_pct": positive_share("shortfall_threshold_pct", shortfall_threshold_pct),
        "shortfall_start_year": start,
        "output_dir": check_output_dir("output_dir", output_dir),
    }
    # the claims section tests each claim on every NATO and SIPRI edition loaded
    every_edition = {source: dataset_editions(source) for source in ("nato", "sipri")}
    return checked(values, {"edition": "nato", "sipri_edition": "sipri"}, every_edition)


def check_pathways(
    *,
    edition: Any,
    core_target_pct: Any,
    related_target_pct: Any,
    target_year: Any,
    gdp_path: Any,
    imf_edition: Any,
    trend_start_year: Any,
    output_dir: Any = None,
) -> CheckedParameters:
    """02: a NATO edition, the targets (core positive; related may be 0), a deadline after the base year, a
    GDP path, an IMF edition, and a trend start before the base year."""
    pathway = pathway_values(edition, core_target_pct, target_year, gdp_path, imf_edition, trend_start_year)
    values = {
        "edition": pathway["edition"],
        "core_target_pct": pathway["core_target_pct"],
        "related_target_pct": target_share("related_target_pct", related_target_pct, zero=True),
        "target_year": pathway["target_year"],
        "gdp_path": pathway["gdp_path"],
        "imf_edition": pathway["imf_edition"],
        "trend_start_year": pathway["trend_start_year"],
        "output_dir": check_output_dir("output_dir", output_dir),
    }
    # the projections section holds the edition's trend paths against a later edition's figures
    outcome = outcome_edition(str(values["edition"]), nato_years(str(values["edition"]))[-1])
    return checked(values, {"edition": "nato", "imf_edition": "imf"}, {outcome[0]: [outcome[1]]} if outcome else None)


def pathway_values(
    edition: Any, core_target_pct: Any, target_year: Any, gdp_path: Any, imf_edition: Any, trend_start_year: Any
) -> dict[str, Any]:
    """What every pathway needs, checked alike on every page that computes one (02 and 03)."""
    nato_edition = resolve_edition("nato", "edition", edition)
    years = nato_years(nato_edition)
    start = whole_year("trend_start_year", trend_start_year)
    if start not in years[:-1]:
        raise ParameterError(
            "trend_start_year", f"{start} is not a year before the base year in the edition", f"{years[0]}-{years[-2]}"
        )
    return {
        "edition": nato_edition,
        "core_target_pct": target_share("core_target_pct", core_target_pct),
        "target_year": year_after_base("target_year", target_year, years),
        "gdp_path": check_gdp_path("gdp_path", gdp_path),
        "imf_edition": resolve_edition("imf", "imf_edition", imf_edition),
        "trend_start_year": start,
    }


def check_country_profile(
    *,
    country: Any,
    edition: Any,
    sipri_edition: Any,
    core_target_pct: Any,
    target_year: Any,
    gdp_path: Any,
    imf_edition: Any,
    trend_start_year: Any,
    output_dir: Any = None,
) -> CheckedParameters:
    """03: an ally (any spelling), NATO and SIPRI editions, and the pathway's parameters as 02 checks them."""
    pathway = pathway_values(edition, core_target_pct, target_year, gdp_path, imf_edition, trend_start_year)
    values = {
        "country": ally_with_armed_forces("country", country),
        "edition": pathway["edition"],
        "sipri_edition": resolve_edition("sipri", "sipri_edition", sipri_edition),
        "core_target_pct": pathway["core_target_pct"],
        "target_year": pathway["target_year"],
        "gdp_path": pathway["gdp_path"],
        "imf_edition": pathway["imf_edition"],
        "trend_start_year": pathway["trend_start_year"],
        "output_dir": check_output_dir("output_dir", output_dir),
    }
    return checked(values, {"edition": "nato", "sipri_edition": "sipri", "imf_edition": "imf"})


def check_nato_vs_sipri(
    *, year: Any, nato_edition: Any, sipri_edition: Any, imf_edition: Any, output_dir: Any = None
) -> CheckedParameters:
    """04: NATO, SIPRI and IMF editions, and a year both NATO's and SIPRI's editions cover."""
    nato = resolve_edition("nato", "nato_edition", nato_edition)
    sipri = resolve_edition("sipri", "sipri_edition", sipri_edition)
    shares = load_spending("sipri", sipri, indicator="defence_expenditure_share_gdp_pct")
    common = sorted(set(nato_years(nato)) & {int(y) for y in shares.loc[shares["value"].notna(), "year"].unique()})
    values = {
        "year": year_among("year", year, common),
        "nato_edition": nato,
        "sipri_edition": sipri,
        "imf_edition": resolve_edition("imf", "imf_edition", imf_edition),
        "output_dir": check_output_dir("output_dir", output_dir),
    }
    # the headline's split of the difference reads the SIPRI release before the one compared
    earlier = earlier_edition("sipri", str(values["sipri_edition"]), int(values["year"]))
    return checked(
        values,
        {"nato_edition": "nato", "sipri_edition": "sipri", "imf_edition": "imf"},
        {"sipri": [earlier]} if earlier else None,
    )


def check_revisions(
    *, source: Any, old_edition: Any, new_edition: Any, indicator: Any, output_dir: Any = None
) -> CheckedParameters:
    """05: a source with two editions in the dataset, two different editions of it, a known indicator."""
    known = dataset_sources()
    source = text("source", source)
    if source not in known:
        raise ParameterError("source", f"{source!r} is not in the dataset", ", ".join(known))
    available = dataset_editions(source)
    if len(available) < 2:
        raise ParameterError(
            "source",
            f"{source} has {len(available)} edition in the dataset ({', '.join(available)}): a revision needs "
            "two; ingest another with `natospend ingest`",
            ", ".join(s for s in known if len(dataset_editions(s)) >= 2) or "none yet",
        )
    new = resolve_edition(source, "new_edition", new_edition)
    if old_edition is None:
        earlier = available[: available.index(new)]
        if not earlier:
            raise ParameterError("old_edition", f"no edition of {source} is older than {new}", ", ".join(available))
        old_edition = earlier[-1]
    old = resolve_edition(source, "old_edition", old_edition)
    if old == new:
        raise ParameterError("old_edition", f"is the same edition as new_edition ({new})", ", ".join(available))
    if text("indicator", indicator) not in INDICATORS:
        raise ParameterError("indicator", f"unknown indicator {indicator!r}", ", ".join(INDICATORS))
    values = {
        "source": source,
        "old_edition": old,
        "new_edition": new,
        "indicator": indicator,
        "output_dir": check_output_dir("output_dir", output_dir),
    }
    return checked(values, {"old_edition": source, "new_edition": source})
