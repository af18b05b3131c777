"""reports/index.html and `natospend list`: every run with its parameters, edition and date."""

from __future__ import annotations

import html
import json
import stat
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from natospend.errors import printable
from natospend.files import replace_file
from natospend.paths import REPORTS_DIR

MAX_MANIFEST_BYTES = 4 << 20  # natospend's own are under 100 KB


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
    return ", ".join(f"{source.upper()} {' '.join(values)}" for source, values in editions.items())


def _parameters_text(parameters: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in parameters.items()) or "defaults"


def write_index(folder: Path = REPORTS_DIR) -> Path:
    rows = []
    for run in runs(folder):
        links = " ".join(
            f'<a href="{html.escape(quote(run["run"], safe=""))}/{html.escape(quote(nb, safe=""))}.html">{html.escape(nb)}</a>'
            for nb in run["notebooks"]
        )
        rows.append(
            f"<tr><td><b>{html.escape(run['run'])}</b></td><td>{links}</td>"
            f"<td><code>{html.escape(_parameters_text(run['parameters']))}</code></td>"
            f"<td>{html.escape(_editions_text(run['editions']))}</td><td>{html.escape(run['finished'])}</td>"
            f'<td><a href="{html.escape(quote(run["run"], safe=""))}/manifest.json">manifest</a></td></tr>'
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>natospend reports</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }}
</style></head>
<body>
<h1>natospend reports</h1>
<p>Each run: its notebooks (HTML, open offline), the parameters given (others are the notebooks' defaults),
the data editions and when it finished. Figures, tables and the manifest of inputs and versions are in each
run's folder.</p>
<table><thead><tr><th>run</th><th>notebooks</th><th>parameters</th><th>data editions</th><th>finished (UTC)</th>
<th>provenance</th></tr></thead>
<tbody>
{chr(10).join(rows) or '<tr><td colspan="6">No runs yet: natospend run all</td></tr>'}
</tbody></table>
</body></html>
"""
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index.html"
    replace_file(index, page.encode("utf-8"))
    return index
