"""Open a page in headless Chromium and report what it loaded (run under `unshare -n` by the tests).

Usage: python browser_check.py CHROMIUM PAGE.html SCREENSHOT.png [PAGE.html SCREENSHOT.png ...]
-> a JSON list on stdout, one record a page, all from one browser.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pypdf
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def check(browser, page_path: Path, screenshot: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    requests: list[str] = []
    failed: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 1600})
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(page_path.as_uri(), wait_until="load")
    images = page.evaluate(
        "Array.from(document.images).map(i => ({complete: i.complete, width: i.naturalWidth,"
        " scheme: i.src.split(':')[0]}))"
    )
    seen = page.evaluate("""() => ({
        title: document.title,
        h1: Array.from(document.querySelectorAll('h1')).map(h => h.innerText.replace('\u00b6', '').trim()),
        cells: Array.from(document.querySelectorAll('table.natospend-table td, table.natospend-table th'))
                    .map(c => c.innerText),
        downloads: Array.from(document.querySelectorAll('a[download]'))
                        .map(a => ({name: a.getAttribute('download'), href: a.getAttribute('href')})),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))
                    .filter(h => !h.startsWith('#') && !h.startsWith('data:')),
    })""")
    page.screenshot(path=screenshot, full_page=True)
    if page.query_selector("#filter"):  # the catalogue's search box filters as you type
        seen["filter"] = {}
        for query in ("default", "no-run-is-called-this"):
            page.fill("#filter", query)
            seen["filter"][query] = page.evaluate(
                "[document.querySelectorAll('article.run:not([hidden])').length,"
                " !document.getElementById('nomatch').hidden]"
            )
        page.fill("#filter", "")
    page.emulate_media(media="print")
    seen["print_break_inside"] = page.evaluate(
        "Array.from(document.querySelectorAll('.jp-RenderedImage')).map(e => getComputedStyle(e).breakInside)"
    )
    # a figure's introduction (the Markdown cell before it) is kept on the figure's page
    seen["print_intro_kept"] = page.evaluate(
        "Array.from(document.querySelectorAll('.jp-MarkdownCell'))"
        ".filter(c => c.nextElementSibling && c.nextElementSibling.querySelector('.jp-RenderedImage'))"
        ".map(c => getComputedStyle(c).breakAfter)"
    )
    seen["print_hidden"] = page.evaluate(
        "Array.from(document.querySelectorAll('a.anchor-link, .natospend-download, nav.natospend-contents'))"
        ".map(e => getComputedStyle(e).display)"
    )
    # A4 less the 12 mm side margins is 186 mm: 703 CSS px. Everything must fit that width in print.
    page.set_viewport_size({"width": 703, "height": 1000})
    seen["print_too_wide"] = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        return Array.from(document.querySelectorAll('table, img, pre'))
            .filter(e => e.getBoundingClientRect().width > 0)
            .filter(e => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className + ' ' + (e.innerText || e.alt || '').slice(0, 40));
    }""")
    pdf = page.pdf(format="A4", print_background=True)
    seen["pdf_bytes"] = len(pdf)
    seen["pdf_pages"] = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    # no blank page: every printed page carries text or a figure (pypdf reads Chromium's PDF)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    seen["pdf_blank_pages"] = [
        n for n, p in enumerate(reader.pages, start=1) if len((p.extract_text() or "").strip()) < 20 and not p.images
    ]
    # a phone, 390 px wide: the page itself never scrolls sideways (wide tables scroll inside their box)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 800})
    seen["phone_page_width"] = page.evaluate("document.documentElement.scrollWidth")
    seen["viewport_meta"] = page.evaluate(
        "Boolean(document.querySelector('meta[name=viewport][content*=\"width=device-width\"]'))"
    )
    # dark mode: a dark page, figures on a light card
    page.emulate_media(media="screen", color_scheme="dark")
    seen["dark"] = page.evaluate("""() => ({
        body: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.querySelector('p') || document.body).color,
        figure: document.images.length ? getComputedStyle(document.images[0]).backgroundColor : null,
    })""")
    seen["back_link"] = page.evaluate("Boolean(document.querySelector('a[href=\"../index.html\"]'))")
    seen["cite"] = page.evaluate("(document.querySelector('section.natospend-cite') || {innerText: ''}).innerText")
    page.close()
    return {"url": page_path.as_uri(), "requests": requests, "failed": failed, "images": images, **seen}


def main() -> None:
    chromium, pairs = sys.argv[1], sys.argv[2:]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        results = [check(browser, Path(pairs[i]).resolve(), pairs[i + 1]) for i in range(0, len(pairs), 2)]
        browser.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
