"""Open a page in headless Chromium and report what it loaded (run under `unshare -n` by the tests).

Usage: python browser_check.py CHROMIUM PAGE.html SCREENSHOT.png [PAGE.html SCREENSHOT.png ...]
-> a JSON list on stdout, one record a page, all from one browser.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
    page.emulate_media(media="print")
    seen["print_break_inside"] = page.evaluate(
        "Array.from(document.querySelectorAll('.jp-RenderedImage')).map(e => getComputedStyle(e).breakInside)"
    )
    seen["print_hidden"] = page.evaluate(
        "Array.from(document.querySelectorAll('a.anchor-link, .natospend-download, nav.natospend-contents'))"
        ".map(e => getComputedStyle(e).display)"
    )
    pdf = page.pdf(format="A4", print_background=True)
    seen["pdf_bytes"] = len(pdf)
    seen["pdf_pages"] = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
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
