"""Executed notebook -> a self-contained HTML page for readers.

nbconvert's lab template, minus its CDN scripts (require.js, MathJax, mermaid, widgets):
figures are already embedded as base64 PNG, CSS is inlined, so the page opens offline.
Code is hidden unless asked for; the injected-parameters cell is replaced by a table of
the run's parameters under the title.
"""

from __future__ import annotations

import copy
import html
from pathlib import Path
from typing import Any

import nbformat

TEMPLATES = Path(__file__).parent / "templates"
_EXPORTERS: dict[bool, Any] = {}


def _exporter(show_code: bool) -> Any:
    if show_code not in _EXPORTERS:  # building the exporter loads the templates: once per process
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="natospend_report", extra_template_basedirs=[str(TEMPLATES)])
        exporter.exclude_input = not show_code
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        _EXPORTERS[show_code] = exporter
    return _EXPORTERS[show_code]


def parameter_header(run_name: str, parameters: dict[str, Any], note: str) -> str:
    rows = "".join(f"<tr><td><code>{html.escape(k)}</code></td><td><code>{html.escape(repr(v))}</code></td></tr>"
                   for k, v in parameters.items())
    return (f'<p class="natospend-run">Run <b>{html.escape(run_name)}</b>. {html.escape(note)}</p>\n'
            f'<table class="natospend-parameters"><thead><tr><th>parameter</th><th>value</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def for_readers(nb: nbformat.NotebookNode, header_html: str) -> nbformat.NotebookNode:
    """A copy without the injected-parameters cell, with the parameter table after the title."""
    reader = copy.deepcopy(nb)
    reader.cells = [c for c in reader.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    position = 1 if reader.cells and reader.cells[0].cell_type == "markdown" else 0
    header = nbformat.v4.new_markdown_cell(header_html)
    header["id"] = "natospend-parameters"
    reader.cells.insert(position, header)
    return reader


def to_html(nb: nbformat.NotebookNode, *, title: str, header_html: str, show_code: bool = False) -> str:
    reader = for_readers(nb, header_html)
    reader.metadata["title"] = title
    body, _ = _exporter(show_code).from_notebook_node(reader)
    return body
