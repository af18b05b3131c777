"""reports/index.html and `natospend list`: every run with its parameters, edition and date."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from natospend.paths import REPORTS_DIR


def runs(folder: Path = REPORTS_DIR) -> list[dict[str, Any]]:
    found = []
    for manifest in sorted(folder.glob("*/manifest.json")):
        try:
            document = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        found.append(
            {
                "run": manifest.parent.name,
                "notebooks": [n["notebook"] for n in document.get("notebooks", [])],
                "parameters": document.get("parameters", {}),
                "resolved": {n["notebook"]: n.get("parameters", {}) for n in document.get("notebooks", [])},
                "editions": document.get("editions", {}),
                "finished": document.get("finished", ""),
                "commit": (document.get("code") or {}).get("commit"),
            }
        )
    return found


def _editions_text(editions: dict[str, list[str]]) -> str:
    return ", ".join(f"{source.upper()} {' '.join(values)}" for source, values in editions.items())


def _parameters_text(parameters: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in parameters.items()) or "defaults"


def write_index(folder: Path = REPORTS_DIR) -> Path:
    rows = []
    for run in runs(folder):
        links = " ".join(
            f'<a href="{html.escape(run["run"])}/{html.escape(nb)}.html">{html.escape(nb)}</a>'
            for nb in run["notebooks"]
        )
        rows.append(
            f"<tr><td><b>{html.escape(run['run'])}</b></td><td>{links}</td>"
            f"<td><code>{html.escape(_parameters_text(run['parameters']))}</code></td>"
            f"<td>{html.escape(_editions_text(run['editions']))}</td><td>{html.escape(run['finished'])}</td>"
            f'<td><a href="{html.escape(run["run"])}/manifest.json">manifest</a></td></tr>'
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
    temporary = index.with_suffix(".html.tmp")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(index)
    return index
