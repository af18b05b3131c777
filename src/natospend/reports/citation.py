"""How to cite a page: a plain reference, BibTeX, each data publisher's attribution, and the licences."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from natospend.formatting import date_text

CODE_LICENCE = "natospend's code is under the MIT licence."
DATA_TERMS = {  # as each publisher words its terms of use (../shared/data/README.md: Attribution)
    "nato": "NATO asks that its figures be attributed to NATO.",
    "sipri": "SIPRI allows use of its data with SIPRI credited as the source.",
    "imf": "IMF data are used under the IMF's terms of use, with the IMF credited as the source.",
}


def bibtex_key(run: str, stem: str, built: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", f"natospend_{run}_{stem}_{built[:10]}").strip("_")


def _bib_text(text: str) -> str:
    """A BibTeX value: braces and backslashes neutralised."""
    return re.sub(r"[{}\\]", "", text)


def reference(title: str, *, run: str, built: str, version: str, commit: str | None) -> str:
    at = f", commit {commit[:12]}" if commit else ""
    return f"natospend ({built[:4]}). {title}. Report of run '{run}', built {date_text(built[:10])}. natospend {version}{at}."


def bibtex(title: str, *, run: str, stem: str, built: str, version: str, commit: str | None) -> str:
    note = f"Report of run '{run}', built {built[:10]}; natospend {version}" + (f", commit {commit}" if commit else "")
    return "\n".join(
        [
            f"@misc{{{bibtex_key(run, stem, built)},",
            "  author = {{natospend}},",
            f"  title = {{{_bib_text(title)}}},",
            f"  year = {{{built[:4]}}},",
            f"  note = {{{_bib_text(note)}}},",
            "}",
        ]
    )


def cite_block(
    title: str,
    *,
    run: str,
    stem: str,
    built: str,
    version: str,
    commit: str | None,
    sources: Sequence[Mapping[str, Any]],
) -> str:
    """The page's last section (HTML): how to cite it and the data behind it."""
    attributions = "".join(
        f"<li>{html.escape(str(s.get('attribution') or s['source']).removeprefix('Source: '))}. "
        f"{html.escape(DATA_TERMS.get(s['source'], ''))}"
        + (f" {html.escape(str(s['note']))}" if s.get("note") else "")
        + "</li>"
        for s in sources
    )
    return (
        '<section class="natospend-cite" id="how-to-cite"><h2>How to cite</h2>'
        f"<p>{html.escape(reference(title, run=run, built=built, version=version, commit=commit))}</p>"
        f"<pre>{html.escape(bibtex(title, run=run, stem=stem, built=built, version=version, commit=commit))}</pre>"
        f"<p>Cite the data as their publishers ask:</p><ul>{attributions}</ul>"
        f"<p>{html.escape(CODE_LICENCE)} The data remain their publishers'; their terms apply.</p></section>"
    )
