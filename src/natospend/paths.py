"""Where natospend finds its reference data, dataset and reports.

The package is installed editable from the repository (`pip install -e .`), so the
repository root is found from this file; NATOSPEND_HOME overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("NATOSPEND_HOME", Path(__file__).resolve().parents[2]))
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
PROCESSED_DIR = DATA_DIR / "processed"
SPENDING_DIR = PROCESSED_DIR / "spending"  # one CSV per source and edition: spending/<source>/<edition>.csv
SOURCES_JSON = PROCESSED_DIR / "sources.json"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_DIR = PROJECT_ROOT / "params"

RAW_DIR_ENV = "NATOSPEND_RAW_DIR"


def raw_dir() -> Path | None:
    """The folder with the official workbooks, if the NATOSPEND_RAW_DIR setting names one."""
    value = os.environ.get(RAW_DIR_ENV)
    return Path(value) if value else None
