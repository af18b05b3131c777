"""Open a page in headless Chromium and report what it loaded (run under `unshare -n` by the tests).

Usage: python browser_check.py PAGE.html SCREENSHOT.png -> JSON on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def main() -> None:
    page_path, screenshot = Path(sys.argv[1]).resolve(), sys.argv[2]
    requests: list[str] = []
    failed: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=sys.argv[3] if len(sys.argv) > 3 else "/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("request", lambda request: requests.append(request.url))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(page_path.as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => ({complete: i.complete, width: i.naturalWidth,"
            " scheme: i.src.split(':')[0]}))")
        page.screenshot(path=screenshot, full_page=True)
        browser.close()
    print(json.dumps({"url": page_path.as_uri(), "requests": requests, "failed": failed, "images": images}))


if __name__ == "__main__":
    main()
