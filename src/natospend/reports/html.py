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
import shlex
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat
import yaml
from nbconvert import HTMLExporter

from natospend import __version__
from natospend.formatting import date_text
from natospend.reports.dating import PageDating
from natospend.reports.page import TABLE_METADATA
from natospend.reports.parameter_words import value_in_words

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


def run_links(stem: str, siblings: list[tuple[str, str]]) -> str:
    """Back to the catalogue, and to the other pages of the run (all in one folder: relative links)."""
    others = "".join(
        f'<li><a href="{html.escape(quote(other, safe=""))}.html">{html.escape(title)}</a></li>'
        for other, title in siblings
        if other != stem
    )
    return (
        '<nav class="natospend-runlinks" aria-label="Reports"><a href="../index.html">All reports</a>'
        + (f"<span> · Other pages of this run:</span><ul>{others}</ul>" if others else "")
        + "</nav>"
    )


def parameter_header(
    run_name: str, parameters: dict[str, Any], dating: PageDating, built: str, given: dict[str, Any] | None = None
) -> str:
    """The data's dates, then the run's parameters in words (a value not given is marked as the default)."""
    given = given or {}
    rows = "".join(
        f"<tr><td><code>{html.escape(k)}</code></td><td>{html.escape(value_in_words(k, v))}"
        + ("" if k in given else ' <span class="natospend-default">(default)</span>')
        + "</td></tr>"
        for k, v in parameters.items()
    )
    return (
        dating_block(dating, built)
        + f'<p class="natospend-run">Run <b>{html.escape(run_name)}</b>, with these parameters:</p>\n'
        f'<table class="natospend-parameters"><thead><tr><th>parameter</th><th>value</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


RERUN_TAG = "natospend-rerun"  # notebook cells about running it, not about the data: moved to the page's end


def _command_arguments(given: dict[str, Any]) -> list[str]:
    """-p NAME VALUE as papermill types it; lists and mappings as -y NAME YAML."""
    arguments: list[str] = []
    for name, value in given.items():
        if isinstance(value, (list, tuple, dict)):
            arguments += ["-y", name, yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()]
        else:
            arguments += ["-p", name, "None" if value is None else str(value)]
    return arguments


def rerun_commands(stem: str, given: dict[str, Any], run_name: str) -> tuple[str, str]:
    """The commands that make this page again: natospend's, and plain papermill's."""
    arguments = _command_arguments(given)
    natospend = shlex.join(["natospend", "run", stem, *arguments, "--name", run_name])
    papermill = shlex.join(
        ["papermill", f"notebooks/{stem}.ipynb", f"{stem}-out.ipynb", *arguments, "-p", "output_dir", f"{stem}-out"]
    )
    return natospend, papermill


def rerun_section(commands: tuple[str, str], moved: list[str]) -> str:
    """A closed section at the page's end: how this page was made, and the notebook's notes on running it."""
    natospend, papermill = commands
    return (
        '<details class="natospend-rerun"><summary>Re-run this report</summary>\n\n'
        f"This page was made, in the project folder (after `source .venv/bin/activate`), by\n\n"
        f"```\n{natospend}\n```\n\nor, with papermill alone:\n\n```\n{papermill}\n```\n\n"
        + "\n\n".join(moved)
        + "\n\n</details>"
    )


def for_readers(
    nb: nbformat.NotebookNode,
    header_html: str,
    title: str | None = None,
    tables: Path | None = None,
    footer_html: str = "",
    rerun: tuple[str, str] | None = None,
) -> nbformat.NotebookNode:
    """A copy for readers: without the injected-parameters cell; the notebook's title replaced by the
    run's own (its subject: "Country profile: United Kingdom"); the run and parameter table under it;
    and a "download CSV" link, as a data: URL, under each table that came from a CSV in `tables`."""
    reader = copy.deepcopy(nb)
    reader.cells = [c for c in reader.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    moved = [c.source for c in reader.cells if RERUN_TAG in c.metadata.get("tags", []) and c.cell_type == "markdown"]
    reader.cells = [
        c for c in reader.cells if not (RERUN_TAG in c.metadata.get("tags", []) and c.cell_type == "markdown")
    ]
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
    if rerun is not None:
        section = nbformat.v4.new_markdown_cell(rerun_section(rerun, moved))
        section["id"] = "natospend-rerun"
        reader.cells.append(section)
    if footer_html:
        footer = nbformat.v4.new_markdown_cell(footer_html)
        footer["id"] = "natospend-cite"
        reader.cells.append(footer)
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
    size_bytes = csv_path.stat().st_size
    return (
        f'<p class="natospend-download"><a download="{name}" href="data:text/csv;base64,{encoded}">'
        f"Download {name}</a> (CSV, full precision, "
        + (f"{size_bytes / 1000:,.0f} kB" if size_bytes >= 1000 else f"{size_bytes:,} bytes")
        + ")</p>"
    )


class _Sections(HTMLParser):
    """The page's h2 headings (id and text), and where the parameter table ends (line, column)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[str, str]] = []
        self.table_end: tuple[int, int] | None = None
        self._heading: str | None = None
        self._text: list[str] = []
        self._in_parameters = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "h2" and found.get("id"):
            self._heading, self._text = found["id"], []
        elif tag == "a" and self._heading is not None and "anchor-link" in (found.get("class") or ""):
            self.sections.append((self._heading, "".join(self._text).strip()))
            self._heading = None
        elif tag == "table" and "natospend-parameters" in (found.get("class") or "") and self.table_end is None:
            self._in_parameters = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._in_parameters:
            self._in_parameters = False
            line, column = self.getpos()
            self.table_end = (line, column + len("</table>"))

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._text.append(data)


def with_contents(page: str) -> str:
    """A table of contents of the page's sections (its h2 headings), after the run's parameter table."""
    parser = _Sections()
    parser.feed(page)
    parser.close()
    if not parser.sections or parser.table_end is None:
        return page
    items = "".join(
        f'<li><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>' for anchor, text in parser.sections
    )
    nav = f'<nav class="natospend-contents" aria-label="Contents"><b>Contents</b><ol>{items}</ol></nav>'
    line, column = parser.table_end
    lines = page.split("\n")
    at = sum(len(text) + 1 for text in lines[: line - 1]) + column
    return page[:at] + nav + page[at:]


def to_html(
    nb: nbformat.NotebookNode,
    *,
    title: str,
    header_html: str,
    show_code: bool = False,
    tables: Path | None = None,
    footer_html: str = "",
    rerun: tuple[str, str] | None = None,
) -> str:
    """The page: <title> and <h1> the run's title, contents, tables with their CSV, figures embedded, then
    the closed re-run section and the footer (how to cite) last."""
    reader = for_readers(nb, header_html, title, tables, footer_html, rerun)
    reader.metadata["title"] = title
    body, _ = _exporter(show_code).from_notebook_node(reader)
    return with_contents(body)
