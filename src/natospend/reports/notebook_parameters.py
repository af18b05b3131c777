"""The notebooks and their parameters, read from the notebooks themselves.

A notebook's `parameters` cell is the one declaration of its parameters: name, literal default, and a
comment that is the help text (papermill's `inspect_notebook` reads the same). The cell tagged
`check-parameters` after it calls the notebook's check with every parameter by keyword; `check` runs that
cell here, in a namespace that holds only the parameters' values, so `natospend run` refuses a bad name or
value before any notebook starts. Any `NN_name.ipynb` in notebooks/ is a notebook: there is no list to edit.
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from natospend.data.parameter_checks import CheckedParameters, unknown_parameter
from natospend.errors import ParameterError
from natospend.paths import NOTEBOOKS_DIR

PARAMETERS_TAG = "parameters"
CHECK_TAG = "check-parameters"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    help: str


@dataclass(frozen=True, eq=False)  # one object per file (notebooks() caches it): compared by identity
class Notebook:
    """One notebook file: its declared parameters, the source of its check cell, and its title."""

    path: Path
    parameters: tuple[Parameter, ...]
    check_source: str
    title: str

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    def check_names(self, names: set[str] | list[str] | Any) -> None:
        """Every name must be one of this notebook's parameters; a near miss is named."""
        for name in sorted(set(names)):
            if name not in self.names:
                raise unknown_parameter(name, self.names, self.stem)

    def check(self, given: dict[str, Any]) -> CheckedParameters:
        """The notebook's own check (its `check-parameters` cell) on its defaults updated with `given`."""
        self.check_names(given)
        namespace: dict[str, Any] = {**self.defaults(), **given}
        exec(compile(self.check_source, f"<{self.stem}: {CHECK_TAG} cell>", "exec"), namespace)
        found = [v for v in namespace.values() if isinstance(v, CheckedParameters)]
        if len(found) != 1:
            raise ParameterError("notebook", f"{self.path.name}: its {CHECK_TAG} cell made no checked parameters")
        return found[0]


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def read_notebook(path: Path) -> Notebook:
    """Parameters, check cell and title of one .ipynb, read as JSON and `ast` (no kernel, no papermill import)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]

    def tagged(tag: str) -> dict[str, Any]:
        found = [c for c in cells if tag in c.get("metadata", {}).get("tags", [])]
        if len(found) != 1:
            raise ParameterError("notebook", f"{path.name} has {len(found)} cells tagged {tag!r}", "exactly one")
        return found[0]

    source = _source(tagged(PARAMETERS_TAG))
    # the comment on each line, as Python reads it (a '#' inside a string default is not a comment)
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    comments = {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}
    parameters = []
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ParameterError("notebook", f"{path.name}: the parameters cell must hold plain assignments only")
        parameters.append(Parameter(node.targets[0].id, ast.literal_eval(node.value), comments.get(node.lineno, "")))
    titles = [
        line[2:].strip()
        for c in cells
        if c["cell_type"] == "markdown"
        for line in _source(c).splitlines()
        if line.startswith("# ")
    ]
    return Notebook(path, tuple(parameters), _source(tagged(CHECK_TAG)), titles[0] if titles else path.stem)


@cache
def _read_cached(path: Path, mtime_ns: int) -> Notebook:
    return read_notebook(path)


def notebooks(folder: Path | None = None) -> dict[str, Notebook]:
    """Every notebook in notebooks/ (NN_name.ipynb), by stem, in file order."""
    found = sorted((folder or NOTEBOOKS_DIR).glob(NOTEBOOK_GLOB))
    return {p.stem: _read_cached(p, p.stat().st_mtime_ns) for p in found}


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
