"""Where natospend finds its reference data, dataset, notebooks, parameter sets and reports.

They live in the project folder (a clone of the repository), not in the installed package. That
folder is NATOSPEND_HOME when set; otherwise the first folder holding `data/reference/allies.csv`
above this file (an editable install: `pip install -e .`), then above the working directory (a
wheel installed elsewhere, run from inside a clone). `require_project_root()` says how to point at
it when none is found.
"""

from __future__ import annotations

import os
from pathlib import Path

from natospend.errors import NatospendError

HOME_ENV = "NATOSPEND_HOME"
RAW_DIR_ENV = "NATOSPEND_RAW_DIR"
_MARKER = Path("data") / "reference" / "allies.csv"


def find_project_root(module_file: Path, working_dir: Path) -> Path | None:
    """NATOSPEND_HOME, else the nearest folder with data/reference/allies.csv above the package, then above
    the working directory; None when there is none."""
    if os.environ.get(HOME_ENV):  # absolute: workers run in other folders
        return Path(os.environ[HOME_ENV]).expanduser().resolve()
    for start in (module_file.resolve().parent, working_dir.resolve()):
        for folder in (start, *start.parents):
            if (folder / _MARKER).is_file():
                return folder
    return None


_FOUND = find_project_root(Path(__file__), Path.cwd())
PROJECT_ROOT = _FOUND if _FOUND is not None else Path.cwd()
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
PROCESSED_DIR = DATA_DIR / "processed"
SPENDING_DIR = PROCESSED_DIR / "spending"  # one CSV per source and edition: spending/<source>/<edition>.csv
SOURCES_JSON = PROCESSED_DIR / "sources.json"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_DIR = PROJECT_ROOT / "params"


def require_project_root() -> Path:
    """The project folder, or an error saying how to point at one."""
    if os.environ.get(HOME_ENV) and not (PROJECT_ROOT / _MARKER).is_file():
        raise NatospendError(
            f"{HOME_ENV}={os.environ[HOME_ENV]} is not a natospend project folder (it has no "
            f"{_MARKER.as_posix()}): point it at your clone of the repository, or unset it"
        )
    if _FOUND is None:
        raise NatospendError(
            f"cannot find the natospend project folder (one with {_MARKER.as_posix()}) above the installed "
            f"package or the working directory {Path.cwd()}: set {HOME_ENV} to your clone of the repository, "
            "e.g. export NATOSPEND_HOME=~/natospend, or run natospend from inside it"
        )
    return PROJECT_ROOT


def raw_dir() -> Path | None:
    """The folder with the official workbooks, if the NATOSPEND_RAW_DIR setting names one."""
    value = os.environ.get(RAW_DIR_ENV)
    return Path(value) if value else None
