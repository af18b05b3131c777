"""One module per notebook: its parameters, their checks against the data, the sources it reads and what
its cells call. `registry()` finds them: adding a notebook is its .ipynb plus one module here with a SPEC."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

from natospend.errors import ParameterError

if TYPE_CHECKING:
    from natospend.notebooks.spec import NotebookSpec

# The modules of this package that serve every notebook rather than being one
SHARED_MODULES = frozenset({"checks", "display", "session", "spec"})


@functools.cache
def registry() -> dict[str, NotebookSpec]:
    """Every notebook's spec by its file stem (01_alliance_overview, ...), in file order."""
    specs = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in SHARED_MODULES:
            continue
        # imported on demand: each notebook module imports this package's session module
        spec = importlib.import_module(f"{__name__}.{info.name}").SPEC
        specs[spec.stem] = spec
    return dict(sorted(specs.items()))


def spec_for(stem: str) -> NotebookSpec:
    specs = registry()
    if stem not in specs:
        raise ParameterError("notebook", f"unknown notebook {stem!r}", ", ".join(specs))
    return specs[stem]
