"""A rendered report in real headless Chromium, network cut off: every figure loads, nothing leaves the file."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from natospend.paths import PROJECT_ROOT
from natospend.reports.notebook_parameters import notebooks

pytestmark = pytest.mark.browser
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("no chromium on PATH (.ci/run installs Debian's chromium package)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot cut the network off with `unshare -n` here (needs root or user namespaces)")
    return path


FIGURES = {  # at least this many figures on each default page
    "01_alliance_overview": 6,
    "02_pathways": 5,
    "03_country_profile": 7,
    "04_nato_vs_sipri_and_russia": 5,
    "05_revisions": 3,
}
NOT_A_VALUE = re.compile(r"<NA>|\b(NaN|nan|None|True|False)\b")


def _light(colour: str) -> bool:
    red, green, blue = (int(v) for v in re.findall(r"\d+", colour)[:3])
    return (red + green + blue) / 3 > 150


def test_default_reports_render_offline_and_print(default_run: Path) -> None:
    chromium = _chromium()
    home = default_run.parent.parent
    ARTIFACTS.mkdir(exist_ok=True)
    folder = default_run
    summaries = json.loads((folder / "summary.json").read_text())["notebooks"]
    assert sorted(summaries) == sorted(notebooks())  # the default run holds every notebook in notebooks/
    pages = {
        stem: (
            home / "reports/index.html" if stem == "index" else folder / f"{stem}.html",
            ARTIFACTS / f"report-{stem}.png",
        )
        for stem in [*summaries, "index"]  # every notebook the run found: no list to keep
    }
    arguments = [str(a) for page, shot in pages.values() for a in (page, shot)]
    check = subprocess.run(
        ["unshare", "-n", sys.executable, str(Path(__file__).parent / "browser_check.py"), chromium, *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    for (stem, (page, screenshot)), seen in zip(pages.items(), json.loads(check.stdout)):
        figures = FIGURES.get(stem, 0)
        assert seen["requests"] == [seen["url"]], "a request left the file"
        assert seen["failed"] == []
        assert len(seen["images"]) >= figures
        assert all(i["complete"] and i["width"] > 0 and i["scheme"] == "data" for i in seen["images"])
        assert seen["pdf_bytes"] > 10_000 and seen["pdf_pages"] >= 1  # Chromium prints it on A4
        assert seen["pdf_blank_pages"] == [], (stem, seen["pdf_blank_pages"])  # no blank page, the last included
        assert seen["print_too_wide"] == [], (stem, seen["print_too_wide"][:5])  # nothing cut at A4 width
        assert seen["viewport_meta"] and seen["phone_page_width"] <= 390, (stem, seen["phone_page_width"])
        assert seen["dark"]["body"] in ("rgb(24, 26, 27)",), (stem, seen["dark"])  # a dark page ...
        assert _light(seen["dark"]["text"]), (stem, seen["dark"])  # ... with light text
        if stem == "index":
            assert seen["filter"] == {"default": [1, False], "no-run-is-called-this": [0, True]}
            continue
        assert seen["dark"]["figure"] == "rgb(255, 255, 255)", stem  # figures on a light card
        assert seen["back_link"], stem  # every page links back to the catalogue
        assert "How to cite" in seen["cite"] and "@misc{" in seen["cite"] and "MIT licence" in seen["cite"], stem
        title = summaries[stem]["title"]
        assert seen["title"] == title and seen["h1"] == [title], stem  # the subject, not the file name
        assert page.stat().st_size < 2_000_000, stem  # one file a reader can send
        shown = [cell for cell in seen["cells"] if NOT_A_VALUE.search(cell)]
        assert shown == [], (stem, shown[:5])
        assert seen["downloads"], stem
        for link in seen["downloads"]:  # each table's link is its CSV, byte for byte
            assert link["href"].startswith("data:text/csv;base64,")
            decoded = base64.b64decode(link["href"].split(",", 1)[1])
            assert decoded == (folder / "tables" / link["name"]).read_bytes(), (stem, link["name"])
        assert all((folder / href).is_file() for href in seen["links"]), stem  # the run's files, linked
        # print: a figure (its caption is drawn inside it) never splits; no on-screen leftovers
        assert seen["print_break_inside"] and set(seen["print_break_inside"]) == {"avoid"}, stem
        assert set(seen["print_hidden"]) == {"none"}, stem
        assert seen["print_intro_kept"] and set(seen["print_intro_kept"]) == {"avoid"}, stem
        assert screenshot.stat().st_size > 50_000  # kept as a test artifact
