"""A report's manifest: inputs with checksums, parameters, code version, package versions, timings."""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from natospend import __version__
from natospend.data.dataset import provenance_records
from natospend.ingest.provenance import sha256_file
from natospend.paths import PROJECT_ROOT, REFERENCE_DIR, SOURCES_JSON, SPENDING_DIR

PACKAGES = (
    "natospend",
    "pandas",
    "numpy",
    "pyarrow",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbformat",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "IPython",
    "openpyxl",
    "python-calamine",
    "pandera",
    "PyYAML",
)


ENGINES = {"inprocess": "natospend-inprocess", "kernel": "natospend-kernel"}  # --engine -> papermill's engine name


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def code_version() -> dict[str, Any]:
    """natospend's version, and the git commit and whether the tree had uncommitted changes."""
    info: dict[str, Any] = {"natospend": __version__, "commit": None, "dirty": None}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
        info.update(commit=commit, dirty=bool(status.strip()))
    except (OSError, subprocess.SubprocessError):
        info["note"] = "not a git checkout"
    return info


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def input_files() -> list[dict[str, Any]]:
    """The dataset's files, its provenance record and every reference table, each with its sha256."""
    paths = [*sorted(SPENDING_DIR.glob("*/*.csv")), SOURCES_JSON, *sorted(REFERENCE_DIR.iterdir())]
    return [{"path": str(p.relative_to(PROJECT_ROOT)), "sha256": sha256_file(p)} for p in paths if p.is_file()]


def source_editions(editions: dict[str, set[str]]) -> list[dict[str, Any]]:
    """The published files behind the editions a run used (from sources.json)."""
    records = provenance_records(SOURCES_JSON)
    return [
        {k: r.get(k) for k in ("source", "edition", "publisher", "title", "release_date", "file_name", "sha256")}
        for r in records
        if r["edition"] in editions.get(r["source"], set())
    ]


def output_files(folder: Path) -> list[dict[str, Any]]:
    return [
        {"path": str(p.relative_to(folder)), "sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    ]


def build(
    *,
    run: str,
    notebooks: list[dict[str, Any]],
    parameters: dict[str, Any],
    editions: dict[str, set[str]],
    started: str,
    finished: str,
    folder: Path,
    engine: str,
    code: dict[str, Any],
) -> dict[str, Any]:
    return {
        "run": run,
        "parameters": parameters,
        "notebooks": notebooks,
        "editions": {source: sorted(values) for source, values in sorted(editions.items())},
        "inputs": input_files(),
        "sources": source_editions(editions),
        "code": code,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "engine": engine,
        "started": started,
        "finished": finished,
        "outputs": output_files(folder),
    }
