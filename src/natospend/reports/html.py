"""Executed notebook -> a self-contained HTML page for readers.

nbconvert's lab template, minus its CDN scripts (require.js, MathJax, mermaid, widgets):
figures are already embedded as base64 PNG, CSS is inlined, so the page opens offline.
Code is hidden unless asked for; the injected-parameters cell is replaced by a table of
the run's parameters under the title.
"""

from __future__ import annotations

import base64
import copy
import html
import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter

from natospend import __version__
from natospend.formatting import date_text
from natospend.reports.dating import PageDating
from natospend.reports.page import TABLE_METADATA

TEMPLATES = Path(__file__).parent / "templates"
_EXPORTERS: dict[bool, Any] = {}


def _exporter(show_code: bool) -> Any:
    if show_code not in _EXPORTERS:  # building the exporter loads the templates: once per process
        exporter = HTMLExporter(template_name="natospend_report", extra_template_basedirs=[str(TEMPLATES)])
        exporter.exclude_input = not show_code
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        _EXPORTERS[show_code] = exporter
    return _EXPORTERS[show_code]


def _with_code(text: str) -> str:
    """Escaped text, with `command` spans set as code."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))


def dating_block(dating: PageDating, built: str) -> str:
    """Under the title: the data's editions and release dates, the day the page was built, and a visible
    note naming any newer edition the project knows of."""
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in dating.data)
    newer = "".join(f"<p>{_with_code(note)}</p>" for note in dating.notes)
    return (
        f'<div class="natospend-dating"><p><b>Data as of</b></p><ul>{lines}</ul>'
        f"<p>Page built {html.escape(date_text(built[:10]))} with natospend {html.escape(__version__)}.</p></div>"
        + (f'<div class="natospend-newer" role="note"><p><b>Newer data exist</b></p>{newer}</div>' if newer else "")
    )


def parameter_header(run_name: str, parameters: dict[str, Any], dating: PageDating, built: str) -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(k)}</code></td><td><code>{html.escape(repr(v))}</code></td></tr>"
        for k, v in parameters.items()
    )
    return (
        dating_block(dating, built)
        + f'<p class="natospend-run">Run <b>{html.escape(run_name)}</b>, with these parameters:</p>\n'
        f'<table class="natospend-parameters"><thead><tr><th>parameter</th><th>value</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def for_readers(
    nb: nbformat.NotebookNode, header_html: str, title: str | None = None, tables: Path | None = None
) -> nbformat.NotebookNode:
    """A copy for readers: without the injected-parameters cell; the notebook's title replaced by the
    run's own (its subject: "Country profile: United Kingdom"); the run and parameter table under it;
    and a "download CSV" link, as a data: URL, under each table that came from a CSV in `tables`."""
    reader = copy.deepcopy(nb)
    reader.cells = [c for c in reader.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    position = 1 if reader.cells and reader.cells[0].cell_type == "markdown" else 0
    if position:  # the title alone, then the run and its parameters, then the notebook's introduction
        first = reader.cells[0]
        heading, _, body = first.source.partition("\n") if first.source.startswith("# ") else ("", "", first.source)
        first.source = f"# {title}" if title else heading
        if body.strip():
            introduction = nbformat.v4.new_markdown_cell(body.strip())
            introduction["id"] = "natospend-introduction"
            reader.cells.insert(1, introduction)
    header = nbformat.v4.new_markdown_cell(header_html)
    header["id"] = "natospend-parameters"
    reader.cells.insert(position, header)
    if tables is not None:
        for cell in reader.cells:
            outputs = []
            for output in cell.get("outputs", []):
                outputs.append(output)
                name = output.get("metadata", {}).get(TABLE_METADATA)
                if name and (tables / f"{name}.csv").is_file():
                    outputs.append(
                        nbformat.v4.new_output(
                            "display_data", data={"text/html": download_link(tables / f"{name}.csv")}
                        )
                    )
            if "outputs" in cell:
                cell.outputs = outputs
    return reader


def download_link(csv_path: Path) -> str:
    """A link that downloads the CSV from the page itself (a data: URL: it works offline, file alone)."""
    encoded = base64.b64encode(csv_path.read_bytes()).decode("ascii")
    name = html.escape(csv_path.name)
    size = csv_path.stat().st_size / 1000
    return (
        f'<p class="natospend-download"><a download="{name}" href="data:text/csv;base64,{encoded}">'
        f"Download {name}</a> (CSV, full precision, {size:,.0f} kB)</p>"
    )


_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)


def with_contents(page: str) -> str:
    """A table of contents of the page's sections (its h2 headings), after the run's parameter table."""
    sections = _HEADING.findall(page)
    if not sections:
        return page
    items = "".join(f'<li><a href="#{anchor}">{text.strip()}</a></li>' for anchor, text in sections)
    nav = f'<nav class="natospend-contents" aria-label="Contents"><b>Contents</b><ol>{items}</ol></nav>'
    marker = "</table>"  # the end of the parameter table, the first table on the page
    at = page.find(marker, page.find('class="natospend-parameters"'))
    return page[: at + len(marker)] + nav + page[at + len(marker) :] if at >= 0 else page


def to_html(
    nb: nbformat.NotebookNode, *, title: str, header_html: str, show_code: bool = False, tables: Path | None = None
) -> str:
    """The page: <title> and <h1> the run's title, contents, tables with their CSV, figures embedded."""
    reader = for_readers(nb, header_html, title, tables)
    reader.metadata["title"] = title
    body, _ = _exporter(show_code).from_notebook_node(reader)
    return with_contents(body)
