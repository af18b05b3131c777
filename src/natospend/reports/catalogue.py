"""reports/index.html and `natospend list`: every run with its parameters, edition and date."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from natospend.data.releases import PUBLISHERS
from natospend.errors import printable
from natospend.files import replace_file
from natospend.paths import REPORTS_DIR
from natospend.reports.parameter_words import parameters_in_words

MAX_MANIFEST_BYTES = 4 << 20  # natospend's own are under 100 KB
TEMPLATES = Path(__file__).parent / "templates" / "catalogue"


def runs(folder: Path = REPORTS_DIR) -> list[dict[str, Any]]:
    """Every run folder with a readable manifest. A folder whose manifest is damaged (not JSON, or not the
    shape natospend writes) is skipped with a warning on stderr: one bad folder must not stop the others."""
    found = []
    for manifest in sorted(folder.glob("*/manifest.json")):
        if manifest.parent.is_symlink() or manifest.is_symlink():
            continue  # not written by natospend: a run folder is never a link
        try:
            info = manifest.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
                raise ValueError("not a regular file of a manifest's size")  # a pipe would block, 5 GB exhaust
            document = json.loads(manifest.read_text(encoding="utf-8"))
            notebooks = document.get("notebooks", [])
            entry = {
                "run": manifest.parent.name,
                "notebooks": [str(n["notebook"]) for n in notebooks],
                "titles": {str(n["notebook"]): str(n.get("title") or n["notebook"]) for n in notebooks},
                "sweep": dict(document["sweep"]) if isinstance(document.get("sweep"), dict) else None,
                "parameters": dict(document.get("parameters", {})),
                "resolved": {str(n["notebook"]): dict(n.get("parameters", {})) for n in notebooks},
                "editions": {str(k): [str(e) for e in v] for k, v in dict(document.get("editions", {})).items()},
                "finished": str(document.get("finished", "")),
                "commit": (document.get("code") or {}).get("commit"),
            }
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
            print(
                printable(
                    f"natospend: warning: skipping {manifest.parent.name}/: its manifest.json is damaged "
                    f"({type(error).__name__})"
                ),
                file=sys.stderr,
            )
            continue
        found.append(entry)
    return found


def _editions_text(editions: dict[str, list[str]]) -> str:
    return ", ".join(f"{PUBLISHERS.get(source, source)} {' and '.join(values)}" for source, values in editions.items())


def _href(*parts: str) -> str:
    return "/".join(quote(part, safe="") for part in parts)  # inside reports/, whatever the name holds


def catalogue_groups(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs for the catalogue: a sweep's runs together, groups and runs newest first."""
    groups: dict[str, dict[str, Any]] = {}
    for run in found:
        sweep = run.get("sweep") or {}
        key = f"sweep:{sweep.get('prefix')}" if sweep.get("prefix") else f"run:{run['run']}"
        group = groups.setdefault(
            key, {"name": sweep.get("prefix") or run["run"], "sweep": sweep.get("parameter"), "runs": []}
        )
        group["runs"].append(
            {
                "name": run["run"],
                "pages": [
                    {"title": run["titles"].get(nb, nb), "href": _href(run["run"], f"{nb}.html")}
                    for nb in run["notebooks"]
                ],
                "parameters": parameters_in_words(run["parameters"]),
                "editions": _editions_text(run["editions"]) or "none",
                "finished": run["finished"].replace("T", " ").removesuffix("+00:00"),
                "manifest": _href(run["run"], "manifest.json"),
                "sort": run["finished"],
            }
        )
    for group in groups.values():
        group["runs"].sort(key=lambda r: r["sort"], reverse=True)
        group["sort"] = group["runs"][0]["sort"]
        group["search"] = f"{group['name']} {group['sweep'] or ''}".lower()
        for run in group["runs"]:
            run["search"] = " ".join(
                [run["name"], run["parameters"], run["editions"], *(p["title"] for p in run["pages"])]
            ).lower()
    return sorted(groups.values(), key=lambda g: g["sort"], reverse=True)


def write_index(folder: Path = REPORTS_DIR) -> Path:
    """reports/index.html from its Jinja template (every value escaped by the template engine)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    page = environment.get_template("index.html.j2").render(groups=catalogue_groups(runs(folder)))
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index.html"
    replace_file(index, page.encode("utf-8"))
    return index
