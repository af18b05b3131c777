from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from natospend.figures.layout_check import ENVIRONMENT as LAYOUT_CHECK
from natospend.paths import PROJECT_ROOT, RAW_DIR_ENV

# Every figure drawn while the tests run, in this process, in subprocesses and in nbval's kernels (which
# inherit the environment), is checked for overlapping labels and legends on data: a problem fails the run.
os.environ[LAYOUT_CHECK] = "strict"

NATO_FILE = "240617-def-exp-2024-TABLES-en.xlsx"
SIPRI_FILE = "SIPRI-Milex-data-1949-2024_2.xlsx"
SIPRI_2026_FILE = "SIPRI-Milex-data-1949-2025_v1.2.xlsx"  # April 2026 release (a re-saved copy)
IMF_FILE = "imf-weo-2025-10-subset.csv"  # with imf-weo-2025-10-areas.csv beside it


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The official workbooks, found through NATOSPEND_RAW_DIR (set by .ci/run)."""
    value = os.environ.get(RAW_DIR_ENV)
    if not value:
        pytest.skip(f"{RAW_DIR_ENV} is not set: real-workbook tests need the official NATO and SIPRI workbooks")
    folder = Path(value)
    missing = [name for name in (NATO_FILE, SIPRI_FILE, SIPRI_2026_FILE, IMF_FILE) if not (folder / name).is_file()]
    if missing:
        pytest.skip(f"{RAW_DIR_ENV}={folder} lacks {', '.join(missing)}")
    return folder


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the committed data/ folder, for tests that write a dataset."""
    target = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    return target


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """`natospend run all -f default` in process, once per test session, in a copy of the project
    (NATOSPEND_HOME); returns the run's folder. The browser test reads its pages; the kernel tests compare
    their runs with it. Under pytest-xdist the first worker to ask builds it and the others wait for it
    (a lock in the session's shared temporary folder)."""
    if worker_id == "master":  # one process: this session's own temporary folder
        return _default_run(tmp_path_factory.mktemp("default-run"))
    shared = tmp_path_factory.getbasetemp().parent  # this session's, shared by its workers
    with FileLock(shared / "default-run.lock"):
        home = shared / "default-run"
        if not (home / "reports/default/summary.json").is_file():
            shutil.rmtree(home, ignore_errors=True)  # a half-built run from a worker that failed
            home.mkdir()
            _default_run(home)
        return home / "reports/default"


def _default_run(home: Path) -> Path:
    import subprocess
    import sys

    for folder in ("data", "notebooks", "params"):
        shutil.copytree(PROJECT_ROOT / folder, home / folder)
    done = subprocess.run(
        [sys.executable, "-m", "natospend.cli", "run", "all", "-f", "default", "--name", "default"],
        capture_output=True,
        text=True,
        env={**os.environ, "NATOSPEND_HOME": str(home)},
    )
    assert done.returncode == 0, done.stderr
    return home / "reports/default"
