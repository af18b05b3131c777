"""A rendered report in real headless Chromium, network cut off: every figure loads, nothing leaves the file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from natospend.paths import PROJECT_ROOT

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


def test_report_renders_offline(tmp_path: Path) -> None:
    chromium = _chromium()
    home = tmp_path / "home"
    for folder in ("data", "notebooks", "params"):
        shutil.copytree(PROJECT_ROOT / folder, home / folder)
    env = {**os.environ, "NATOSPEND_HOME": str(home)}
    done = subprocess.run([sys.executable, "-m", "natospend.cli", "run", "02_pathways", "05_revisions", "--name",
                           "browser"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {home / "reports/browser/02_pathways.html": 5, home / "reports/browser/05_revisions.html": 3,
             home / "reports/index.html": 0}
    for page, figures in pages.items():
        screenshot = ARTIFACTS / ("index.png" if page.name == "index.html" else f"report-{page.stem}.png")
        check = subprocess.run(["unshare", "-n", sys.executable, str(Path(__file__).parent / "browser_check.py"),
                                str(page), str(screenshot), chromium], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stderr[-3000:]
        seen = json.loads(check.stdout)
        assert seen["requests"] == [seen["url"]], "a request left the file"
        assert seen["failed"] == []
        assert len(seen["images"]) >= figures
        assert all(i["complete"] and i["width"] > 0 and i["scheme"] == "data" for i in seen["images"])
        if figures:
            assert screenshot.stat().st_size > 50_000  # kept as a test artifact
