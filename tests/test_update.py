"""`natospend update` against a local HTTP server: never the network. The project copy's releases.yaml lists
synthetic releases at the server's address; each failure must change nothing in data/processed/."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.workbooks import NatoLayout, SipriLayout, make_nato_workbook, make_sipri_workbook

IMF_SDMX = "COUNTRY,INDICATOR,UNIT,SCALE,TIME_PERIOD,OBS_VALUE,LATEST_ACTUAL_ANNUAL_DATA\n" + "".join(
    f"{c},NGDP_RPCH,PT,0,{y},{g},2025\n"
    for c, g0 in (("POL", 3.0), ("USA", 1.8))
    for y, g in ((2024, g0), (2025, g0 + 0.4), (2026, g0 - 0.2))
)
IMF_LONG = "ref_area,concept,unit,scale,base_year,lastactualdate,year,value\n" + "".join(
    f"{c},NGDP_RPCH,PT,0,,2025,{y},{g}\n" for c in ("POL", "USA") for y, g in ((2024, 2.9), (2025, 3.1))
)


class Server:
    """Files at paths; a path can also answer 404, send an HTML page or cut its body short."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, int | None]] = {}  # path -> status, type, body, length
        self.requests: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                status, kind, body, length = server.routes.get(self.path, (404, "text/plain", b"not found", None))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(length if length is not None else len(body)))
                self.end_headers()
                self.wfile.write(body)  # a length above len(body): the connection closes short of it

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, path: str, body: bytes, kind: str = "application/octet-stream", **options: Any) -> str:
        self.routes[path] = (options.get("status", 200), kind, body, options.get("length"))
        return self.url + path


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    thread = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def release(source: str, edition: str, url: str | None, file_name: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "edition": edition,
        "title": f"Synthetic {source} {edition}",
        "release_date": "2026-11-30",
        "page": "http://127.0.0.1/",
        "file_url": url,
        "file_name": file_name,
        "files": [],
        **extra,
    }


def list_releases(project: Path, *releases: dict[str, Any]) -> None:
    (project / "data/reference/releases.yaml").write_text(yaml.safe_dump({"releases": list(releases)}))


def natospend(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {**os.environ, "NATOSPEND_HOME": str(project), "NO_PROXY": "127.0.0.1,localhost", **env}
    return subprocess.run(
        [sys.executable, "-m", "natospend.cli", *args], capture_output=True, text=True, env=variables, cwd=project
    )


def dataset_state(project: Path) -> dict[str, str]:
    folder = project / "data/processed"
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def synthetic_files(folder: Path) -> dict[str, bytes]:
    nato_2025 = make_nato_workbook(folder / "def-exp-2025-en.xlsx", NatoLayout(last_year=2025))
    nato_2026 = make_nato_workbook(folder / "def-exp-2026-en.xlsx", NatoLayout(last_year=2026, core=True))
    sipri_2027 = make_sipri_workbook(
        folder / "SIPRI-Milex-data-1949-2026.xlsx", SipriLayout.april_2026(years=(2023, 2024, 2025, 2026))
    )
    return {p.name: p.read_bytes() for p in (nato_2025, nato_2026, sipri_2027)}


def test_check_and_update_fetch_every_newer_release(project_copy: Path, server: Server, tmp_path: Path) -> None:
    files = synthetic_files(tmp_path)
    sipri = files["SIPRI-Milex-data-1949-2026.xlsx"]
    list_releases(
        project_copy,
        release("nato", "2024", None, "240617-def-exp-2024-TABLES-en.xlsx"),
        release(
            "nato",
            "2025",
            server.serve("/nato/def-exp-2025-en.xlsx", files["def-exp-2025-en.xlsx"]),
            "def-exp-2025-en.xlsx",
        ),
        release(
            "nato",
            "2026",
            server.serve("/nato/def-exp-2026-en.xlsx", files["def-exp-2026-en.xlsx"]),
            "def-exp-2026-en.xlsx",
        ),
        release(
            "sipri",
            "2027",
            server.serve("/sipri/SIPRI-Milex-data-1949-2026.xlsx", sipri),
            "SIPRI-Milex-data-1949-2026.xlsx",
            files=[{"sha256": hashlib.sha256(sipri).hexdigest()}],
        ),
        release("imf", "2026-04", server.serve("/imf/weo.csv", IMF_SDMX.encode(), "text/csv"), None),
        release("imf", "2026-10", server.serve("/imf/weo-long.csv", IMF_LONG.encode(), "text/csv"), None),  # long form
    )
    before = dataset_state(project_copy)

    checked = natospend(project_copy, "update", "--check")
    assert checked.returncode == 0, checked.stderr
    assert "nato: edition 2024 loaded; newer: 2025" in checked.stdout and "2026 (Synthetic nato 2026" in checked.stdout
    assert "sipri: edition 2026 loaded; newer: 2027" in checked.stdout and "imf: edition 2025-10" in checked.stdout
    assert server.requests == [] and dataset_state(project_copy) == before  # --check downloads nothing

    done = natospend(project_copy, "update")
    assert done.returncode == 0, done.stderr
    assert sorted(server.requests) == [
        "/imf/weo-long.csv",
        "/imf/weo.csv",
        "/nato/def-exp-2025-en.xlsx",
        "/nato/def-exp-2026-en.xlsx",
        "/sipri/SIPRI-Milex-data-1949-2026.xlsx",
    ]
    after = dataset_state(project_copy)
    assert {k: v for k, v in after.items() if k in before and k != "sources.json"} == {
        k: v for k, v in before.items() if k != "sources.json"
    }  # the old editions are untouched
    for name in (
        "spending/nato/2025.csv",
        "spending/nato/2026.csv",
        "spending/sipri/2027.csv",
        "spending/imf/2026-04.csv",
    ):
        assert name in after, done.stdout
    records = {
        (r["source"], r["edition"]): r
        for r in json.loads((project_copy / "data/processed/sources.json").read_text())["inputs"]
    }
    fetched = records[("sipri", "2027")]
    assert fetched["file_url"].endswith("/sipri/SIPRI-Milex-data-1949-2026.xlsx")
    assert fetched["sha256"] == hashlib.sha256(sipri).hexdigest() and fetched["retrieved"] == time.strftime(
        "%Y-%m-%d", time.gmtime()
    )
    assert records[("nato", "2025")]["title"] == "Synthetic nato 2025"  # no checksum listed: matched by edition
    assert records[("nato", "2026")]["definition"].startswith("core defence expenditure")
    # what changed, against the edition loaded before
    assert "NATO edition 2025 against 2024" in done.stdout and "2% of GDP" in done.stdout
    assert "NATO edition 2026 against 2024" in done.stdout  # both new: each against the one loaded before
    assert "SIPRI edition 2027 against 2026" in done.stdout and "Largest revisions: Germany" in done.stdout

    again = natospend(project_copy, "update")
    assert again.returncode == 0 and "up to date" in again.stdout


def _bad_nato(folder: Path) -> bytes:
    return make_nato_workbook(folder / "bad.xlsx", NatoLayout(last_year=2025, drop_tables=("3",))).read_bytes()


def test_failed_downloads_name_each_release_and_change_nothing(
    project_copy: Path, server: Server, tmp_path: Path
) -> None:
    """A moved address, a web page, a file cut short and a checksum mismatch: one line each, nothing written."""
    good = make_nato_workbook(tmp_path / "def-exp-2025-en.xlsx", NatoLayout(last_year=2025)).read_bytes()
    page = b"<!DOCTYPE html><html><body>We moved!</body></html>"
    list_releases(
        project_copy,
        release("nato", "2025", server.url + "/gone.xlsx", "a.xlsx"),
        release("nato", "2026", server.serve("/page.xlsx", page, "text/html; charset=utf-8"), "b.xlsx"),
        release("nato", "2027", server.serve("/short.xlsx", good[: len(good) // 2], length=len(good)), "c.xlsx"),
        release("nato", "2028", server.serve("/other.xlsx", good), "d.xlsx", files=[{"sha256": "0" * 64}]),
    )
    before = dataset_state(project_copy)
    done = natospend(project_copy, "update", "--source", "nato")
    assert done.returncode == 2, done.stdout
    lines = done.stderr.strip().splitlines()
    expected = {
        "2025": "answered HTTP 404 Not Found (the file has moved or was withdrawn?)",
        "2026": "sent a web page (text/html), not the data file",
        "2027": "the download was cut short",
        "2028": "checksum mismatch",
    }
    assert len(lines) == len(expected) + 1 and lines[-1] == "nothing was changed", done.stderr
    for line, (edition, cause) in zip(lines, expected.items(), strict=False):
        assert f"nato {edition} (Synthetic nato {edition})" in line and cause in line, line
    assert "Traceback" not in done.stderr and dataset_state(project_copy) == before


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("changed layout", "missing table(s) Table 3"),
        ("wrong edition", "the file holds edition 2025, not 2026"),
        ("host down", "cannot reach 127.0.0.1"),
    ],
)
def test_a_failed_update_names_the_release_and_changes_nothing(
    project_copy: Path, server: Server, tmp_path: Path, case: str, message: str
) -> None:
    good = make_nato_workbook(tmp_path / "def-exp-2025-en.xlsx", NatoLayout(last_year=2025)).read_bytes()
    url, edition = server.serve("/x.xlsx", good), "2025"
    if case == "changed layout":
        url = server.serve("/x.xlsx", _bad_nato(tmp_path))
    elif case == "wrong edition":
        edition = "2026"
    elif case == "host down":
        server.httpd.server_close()  # nothing listens there any more
    list_releases(project_copy, release("nato", edition, url, "def-exp-2025-en.xlsx"))
    before = dataset_state(project_copy)
    started = time.perf_counter()
    done = natospend(project_copy, "update", "--source", "nato")
    assert done.returncode == 2, done.stdout
    assert f"natospend update: error: nato {edition} (Synthetic nato {edition})" in done.stderr
    assert message in done.stderr and "nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert dataset_state(project_copy) == before
    assert time.perf_counter() - started < 20  # retries are bounded


def test_offline_with_the_real_list_fails_in_seconds_and_changes_nothing(project_copy: Path) -> None:
    """As in CI: the project's own releases.yaml, no network (a proxy that refuses every connection)."""
    before = dataset_state(project_copy)
    started = time.perf_counter()
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens
    done = natospend(project_copy, "update", HTTPS_PROXY=closed, HTTP_PROXY=closed, NO_PROXY="")
    assert done.returncode == 2
    assert done.stderr.startswith("natospend update: error: nato 2025") and "cannot reach" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "nothing was changed" in done.stderr
    assert time.perf_counter() - started < 15 and dataset_state(project_copy) == before


def test_from_a_folder_recognises_files_by_name_checksum_or_layout(project_copy: Path, tmp_path: Path) -> None:
    downloads = tmp_path / "Downloads"
    (downloads / "nested").mkdir(parents=True)
    make_nato_workbook(downloads / "nested" / "whatever-name.xlsx", NatoLayout(last_year=2025))  # by layout
    (downloads / "imf-weo-2026-04-subset.csv").write_text(IMF_LONG)  # the long form, named areas beside it
    (downloads / "imf-weo-2026-04-areas.csv").write_text("code,area\nPOL,Poland\nUSA,United States\n")
    (downloads / "notes.txt").write_text("my notes")
    (downloads / "page.xlsx").write_text("<!DOCTYPE html><html></html>")
    before = dataset_state(project_copy)
    done = natospend(project_copy, "update", "--from", str(downloads))
    assert done.returncode == 0, done.stderr
    assert "notes.txt: not a layout any reader knows" in done.stdout and "page.xlsx: a web page" in done.stdout
    assert "nato 2025 (whatever-name.xlsx)" in done.stdout and "imf 2026-04" in done.stdout
    after = dataset_state(project_copy)
    assert "spending/nato/2025.csv" in after and "spending/imf/2026-04.csv" in after
    assert all(after[k] == v for k, v in before.items() if k != "sources.json")
    records = {
        (r["source"], r["edition"]): r
        for r in json.loads((project_copy / "data/processed/sources.json").read_text())["inputs"]
    }
    assert (
        records[("nato", "2025")]["title"] == "Defence Expenditure of NATO Countries (2014-2025)"
    )  # the listed release
    assert records[("nato", "2025")]["from_file"] == "whatever-name.xlsx"

    again = natospend(project_copy, "update", "--from", str(downloads))
    assert again.returncode == 0 and "nato 2025 (whatever-name.xlsx): already loaded" in again.stdout
    assert dataset_state(project_copy) == after


@pytest.mark.realdata
def test_from_a_folder_with_sipris_own_file_name_changes_nothing(
    project_copy: Path, raw_dir: Path, tmp_path: Path
) -> None:
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    shutil.copyfile(
        raw_dir / "SIPRI-Milex-data-1949-2025_v1.2.xlsx", downloads / "SIPRI-Milex-data-1949-2025_v1.2.xlsx"
    )
    before = dataset_state(project_copy)
    done = natospend(project_copy, "update", "--from", str(downloads))
    assert done.returncode == 0, done.stderr
    assert "sipri 2026 (SIPRI-Milex-data-1949-2025_v1.2.xlsx): already loaded; nothing changed" in done.stdout
    assert dataset_state(project_copy) == before
