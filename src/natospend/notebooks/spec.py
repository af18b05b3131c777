"""What a notebook is to the rest of natospend: its parameters, their checks, its sources and outputs.

Each notebook module declares a frozen dataclass of its parameters (a subclass of
`NotebookParameters`, one `parameter(...)` field per name: accepted types, default, range,
help) and one `NotebookSpec`. The runner, the command line, the warm-up and the tests read
these; the notebook's `parameters` cell holds the same defaults as plain literals (papermill
needs them there) and a test keeps the two equal.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from natospend.errors import ParameterError
from natospend.paths import NOTEBOOKS_DIR


@dataclass(frozen=True)
class Param:
    """One notebook parameter: what a valid value is."""

    name: str
    accepts: tuple[type, ...]
    default: Any
    help: str
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    source: str | None = None  # the data source this parameter is an edition of ("nato", "sipri", "imf")
    is_edition: bool = False  # an edition: given as text or a number (papermill's -p 2024), kept as text

    def check(self, value: Any) -> Any:
        """Type and range of one value; returns it normalised (floats for numbers, text for editions)."""
        if value is None:
            if self.nullable:
                return None
            raise ParameterError(self.name, "must not be None", self.help)
        if isinstance(value, bool) or not isinstance(value, self.accepts):
            names = " or ".join(t.__name__ for t in self.accepts) + (" or None" if self.nullable else "")
            raise ParameterError(self.name, f"got {type(value).__name__} {value!r}, expected {names}", self.help)
        if self.accepts == (int, float):
            value = float(value)
            if not math.isfinite(value):
                raise ParameterError(self.name, f"{value!r} is not a finite number", self.help)
        if self.is_edition:
            value = str(value)
        if self.minimum is not None and isinstance(value, (int, float)) and value < self.minimum:
            raise ParameterError(self.name, f"{value!r} is below {self.minimum}", self.help)
        if self.maximum is not None and isinstance(value, (int, float)) and value > self.maximum:
            raise ParameterError(self.name, f"{value!r} is above {self.maximum}", self.help)
        return value


_PARAM = "natospend_param"


def parameter(
    default: Any,
    help: str,
    *,
    accepts: tuple[type, ...],
    nullable: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    source: str | None = None,
    is_edition: bool = False,
) -> Any:
    """A field of a notebook's parameters dataclass (its name is the field's)."""
    return dataclasses.field(
        metadata={
            _PARAM: dict(
                accepts=accepts,
                default=default,
                help=help,
                nullable=nullable,
                minimum=minimum,
                maximum=maximum,
                source=source,
                is_edition=is_edition,
            )
        }
    )


def number(
    default: float | None,
    help: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    nullable: bool = False,
) -> Any:
    return parameter(default, help, accepts=(int, float), minimum=minimum, maximum=maximum, nullable=nullable)


def year(default: int | None, help: str, *, nullable: bool = False) -> Any:
    return parameter(default, help, accepts=(int,), minimum=1949, maximum=2100, nullable=nullable)


def edition(source: str | None, help: str) -> Any:
    """An edition of `source` (None: the latest in the dataset); `source=None` when another parameter names it."""
    return parameter(None, help, accepts=(str, int), nullable=True, source=source, is_edition=True)


def output_dir(stem: str) -> Any:
    return parameter(
        None,
        f"folder for tables/, figures/ and summary.json; None for reports/scratch/{stem}",
        accepts=(str,),
        nullable=True,
    )


@dataclass(frozen=True)
class NotebookParameters:
    """Base of every notebook's parameters: a frozen dataclass of checked, resolved values."""

    @classmethod
    def params(cls) -> tuple[Param, ...]:
        return tuple(Param(name=f.name, **f.metadata[_PARAM]) for f in dataclasses.fields(cls))

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {p.name: p.default for p in cls.params()}

    def as_dict(self) -> dict[str, Any]:
        """The values in declaration order, lists where the notebook gives lists (for JSON and the page header)."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in dataclasses.fields(self)
        }

    def edition_columns(self) -> dict[str, str]:
        """The data editions this run used, as columns every table carries (edition, nato_edition, ...)."""
        return {
            p.name: str(getattr(self, p.name))
            for p in self.params()
            if p.is_edition and getattr(self, p.name) is not None
        }

    def sources(self) -> dict[str, set[str]]:
        """Each source this notebook reads, with its editions (for the manifest, the page header, the catalogue)."""
        found: dict[str, set[str]] = {}
        for p in self.params():
            if p.source is not None and getattr(self, p.name) is not None:
                found.setdefault(p.source, set()).add(str(getattr(self, p.name)))
        return found


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook: its file, parameters, checks against the data, and the tables it writes."""

    stem: str  # the notebook's file name without .ipynb
    question: str  # what it answers, in a line (natospend list)
    parameters: type[NotebookParameters]
    check_data: Callable[[dict[str, Any]], dict[str, Any]]  # type-checked values -> values resolved against the data
    tables: tuple[str, ...]  # tables/<name>.csv a run with the defaults writes (a glob where a parameter names it)

    @property
    def path(self) -> Path:
        return NOTEBOOKS_DIR / f"{self.stem}.ipynb"

    @property
    def params(self) -> dict[str, Param]:
        return {p.name: p for p in self.parameters.params()}

    def check_names(self, names: set[str] | list[str] | Any) -> None:
        """Every name must be one of this notebook's parameters; a near miss is named."""
        known = self.params
        unknown = sorted(set(names) - set(known))
        if unknown:
            hints = [
                f"{u!r} (did you mean {m[0]!r}?)" if (m := difflib.get_close_matches(u, known, n=1)) else repr(u)
                for u in unknown
            ]
            raise ParameterError(
                unknown[0], "unknown parameter " + ", ".join(hints) + f" for {self.stem}", ", ".join(known)
            )

    def check(self, values: dict[str, Any]) -> NotebookParameters:
        """Names, then types and ranges, then the data: the frozen parameters of one run."""
        self.check_names(values.keys())
        known = self.params
        missing = [name for name in known if name not in values]
        if missing:
            raise ParameterError(missing[0], "missing (the notebook's parameters cell must define it)")
        checked = {name: param.check(values[name]) for name, param in known.items()}
        resolved = self.check_data(checked)
        return self.parameters(**{k: tuple(v) if isinstance(v, list) else v for k, v in resolved.items()})


def cell_defaults(path: Path) -> dict[str, Any]:
    """Names and literal defaults of a notebook's `parameters` cell, read as papermill reads them.

    Reads the .ipynb as JSON and the cell with `ast`, without a kernel.
    """
    document = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in document["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError("notebook", f"{path.name} has {len(cells)} cells tagged 'parameters'", "exactly one")
    source = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    defaults: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ParameterError("notebook", f"{path.name}: the parameters cell must hold plain assignments only")
        defaults[node.targets[0].id] = ast.literal_eval(node.value)
    return defaults


def parse_cli_value(text: str) -> Any:
    """A `-p NAME VALUE` value, typed as papermill's command line types it."""
    if text == "None":
        return None
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
