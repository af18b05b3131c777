"""What a hostile but realistic user, or a fault, does to the reports and the dataset: each failure found
by hostile testing, reproduced."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from natospend.errors import ParameterError
from natospend.reports import runner
from test_reports import NOTEBOOK_01, natospend, previous_report, project, sha  # noqa: F401  (the project fixture)

pytestmark = pytest.mark.slow


# ---- 1. reserved names ----------------------------------------------------------------------------


def refused(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    """`natospend ARGUMENTS` in this process, for refusals that come before anything is written (a
    subprocess would spend a second importing); returns the exit status and what went to stderr."""
    from natospend.cli import main
    from natospend.paths import REPORTS_DIR

    before = sorted(p.name for p in REPORTS_DIR.iterdir()) if REPORTS_DIR.is_dir() else []
    status = main(list(arguments))
    after = sorted(p.name for p in REPORTS_DIR.iterdir()) if REPORTS_DIR.is_dir() else []
    assert after == before, "a refused command wrote into reports/"
    return status, capsys.readouterr().err


@pytest.mark.parametrize("name", ["index.html", "INDEX.HTML", "scratch"])
def test_the_catalogue_cannot_be_replaced_by_a_run(capsys: pytest.CaptureFixture[str], name: str) -> None:
    status, error = refused(capsys, "run", NOTEBOOK_01, "--name", name)
    assert status == 2 and "is reserved by the reports folder" in error


# ---- 5 and 6: NaN, infinities and names ending in a newline ----------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["02", "-p", "core_target_pct", "nan"], "parameter 'core_target_pct': nan is not a finite number"),
        (["02", "-p", "gdp_path", "nan"], "parameter 'gdp_path': nan is not a finite number"),
        (["02", "-p", "related_target_pct", "inf"], "parameter 'related_target_pct': inf is not a finite number"),
        (["01", "--name", "ok\n"], "parameter '--name': 'ok\\n' is not a plain run name"),
        (["02", "-y", "target_year", "[2032"], "parameter 'target_year': -y value '[2032': line 1: not valid YAML"),
        # valid but implausible: refused with the reason and a hint
        (
            ["02", "-p", "core_target_pct", "35"],
            "35% of GDP is implausible for a spending target (above 15%); did you mean 3.5?",
        ),
        (["03", "-p", "country", "Iceland"], "parameter 'country': Iceland has no armed forces"),
    ],
)
def test_hostile_values_are_refused_before_anything_runs(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, error = refused(capsys, "run", *args)  # nothing written: checked by `refused`
    assert status == 2 and message in error and "Traceback" not in error


# ---- 7. messages, not tracebacks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("parameters: [1, 2]\n", "bad.yaml: parameters: is a list; allowed: parameters: as a mapping"),
        ("parameters: {year: [\n", "bad.yaml: line 2: not valid YAML"),
        ("per_notebook: {01_alliance_overview: 3}\n", "per_notebook: 01_alliance_overview: is a int"),
    ],
)
def test_a_bad_parameter_file_is_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "bad.yaml").write_text(content)
    status, error = refused(capsys, "run", "-f", str(tmp_path / "bad.yaml"))
    assert status == 2 and message in error and "Traceback" not in error


def test_bad_csv_files_are_messages(project: Path, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("country,year,gdp_usd_m\nT\xfcrkiye,2026,1\n".encode("latin-1"))
    done = natospend(project, "ingest", "--csv", str(latin), "--label", "mine")
    assert done.returncode == 2 and "file latin.csv, row 2: not UTF-8 text" in done.stderr
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    done = natospend(project, "ingest", "--csv", str(book), "--label", "mine")
    assert done.returncode == 2 and "this is a zip archive" in done.stderr and "Traceback" not in done.stderr
    huge = tmp_path / "huge.csv"
    huge.write_text("country,year,indicator,value\nFRA,2026,defence_expenditure_usd_m,1e308\n")
    done = natospend(project, "ingest", "--csv", str(huge), "--label", "mine")
    assert done.returncode == 2 and "row 2, column value: 1e308 is outside the plausible range" in done.stderr


def test_a_folder_that_cannot_be_written_is_a_message(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from natospend import cli

    def refuse(name: str) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", "reports/.staging")

    monkeypatch.setattr(runner, "new_staging", refuse)
    assert cli.main(["run", "01", "--name", "ro"]) == 2
    assert "cannot write (reports/.staging): Permission denied" in capsys.readouterr().err
    with pytest.raises(PermissionError):  # --debug shows the traceback instead
        cli.main(["--debug", "run", "01", "--name", "ro"])


# ---- 4. a full disk ----------------------------------------------------------------------------------


def test_a_full_disk_keeps_the_previous_report(project: Path) -> None:
    previous_report(project / "reports/full")
    good = {p: sha(p) for p in (project / "reports/full").rglob("*") if p.is_file()}
    # the manifest write of the next run meets a full disk (sitecustomize patches it in the subprocess)
    hook = project / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import errno, pathlib\n"
        "_write = pathlib.Path.write_text\n"
        "def write_text(self, data, *a, **k):\n"
        "    if self.name == 'manifest.json':\n"
        "        _write(self, data[:10], *a, **k)\n"
        "        raise OSError(errno.ENOSPC, 'No space left on device', str(self))\n"
        "    return _write(self, data, *a, **k)\n"
        "pathlib.Path.write_text = write_text\n"
    )
    env = {**os.environ, "NATOSPEND_HOME": str(project), "PYTHONPATH": str(hook)}
    done = subprocess.run(
        [sys.executable, "-m", "natospend.cli", "run", "05", "--name", "full"],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
    )
    assert done.returncode != 0 and "the disk is full" in done.stderr and "Traceback" not in done.stderr
    assert {p: sha(p) for p in (project / "reports/full").rglob("*") if p.is_file()} == good
    staging = project / "reports/.staging"
    assert not staging.exists() or not any(staging.iterdir())


def test_a_cut_short_notebook_is_not_claimed_as_kept(project: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(runner, "REPORTS_DIR", project / "reports")
    empty = tmp_path / "01.ipynb"
    empty.write_bytes(b"")
    assert runner._keep_failure("cut", {"executed": str(empty)}) is None
    assert not (project / "reports/.failed/cut/01.ipynb").exists()


# ---- 3. interrupts --------------------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.add(int(status.parent.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    return {
        p
        for p in pids
        if Path(f"/proc/{p}").exists()
        and "Z" not in (Path(f"/proc/{p}/stat").read_text().split()[2] if Path(f"/proc/{p}/stat").exists() else "Z")
    }


def _start_sweep(project: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NATOSPEND_HOME": str(project)}
    # as from a terminal: Ctrl-C delivered (a shell starts background jobs with SIGINT ignored, and the
    # child would inherit that)
    return subprocess.Popen(
        [sys.executable, "-m", "natospend.cli", "sweep", "03", "--over", "country=all", "--name", "intr", "--quiet"],
        env=env,
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_workers(process: subprocess.Popen[str]) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _children(process.pid):
            time.sleep(2)  # the pool is warm and running notebooks now
            return _children(process.pid)
        time.sleep(0.2)
    raise AssertionError("the sweep started no workers")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find child processes")
def test_sigkill_of_the_parent_ends_the_workers(project: Path) -> None:
    process = _start_sweep(project)
    workers = _wait_for_workers(process)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers), "workers outlived their parent"
    # the killed run's staging folder is cleaned at the next run, and only because its pid is gone
    stale = list((project / "reports/.staging").glob("intr-*"))
    assert stale
    removed = runner.remove_stale_staging(project / "reports/.staging")
    assert set(removed) == set(stale) and not any(p.exists() for p in stale)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find child processes")
def test_ctrl_c_stops_within_two_seconds_and_cleans_up(project: Path) -> None:
    process = _start_sweep(project)
    workers = _wait_for_workers(process)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 2.5
    assert process.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1
    assert not _alive(workers)
    staging = project / "reports/.staging"
    assert not staging.exists() or not list(staging.iterdir())


def test_staging_of_a_live_process_is_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / f"run-{os.getpid()}-0123abcd"
    gone = tmp_path / "run-999999999-0123abcd"
    for folder in (mine, gone):
        folder.mkdir()
    assert runner.remove_stale_staging(tmp_path) == [gone]
    assert mine.exists() and not gone.exists()


# ---- 9. sweep values that are the same ally ---------------------------------------------------------


def test_sweep_spellings_of_one_ally_give_one_report() -> None:
    from natospend.reports.commands import distinct_sweep_values

    assert distinct_sweep_values("country", ["United Kingdom", "United*Kingdom", "GBR", "Poland"], "p") == {
        "p-GBR": "GBR",
        "p-POL": "POL",
    }
    with pytest.raises(ParameterError, match="would both be reported as 'p-a_b'"):
        distinct_sweep_values("label", ["a b", "a/b"], "p")


# ---- 10. two processes installing the same run name ------------------------------------------------


def test_concurrent_installs_of_one_name_take_turns(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    monkeypatch.setattr(runner, "REPORTS_DIR", tmp_path)
    errors: list[BaseException] = []

    def install(i: int) -> None:
        try:
            for _ in range(15):
                staging = tmp_path / ".staging" / f"same-{os.getpid()}-{i:08x}"
                staging.mkdir(parents=True, exist_ok=True)
                (staging / "file.txt").write_text(str(i))
                with runner.reports_lock():
                    runner._install(staging, tmp_path / "same")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=install, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and (tmp_path / "same/file.txt").read_text() in ("0", "1")
    assert json.dumps(sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".replaced"))) == "[]"


# ==== round three: classes, each with the cases the red team tried and new ones of the same kind ========

# ---- resources bounded before parsing -------------------------------------------------------------------

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BILLION_LAUGHS, "line 2: aliases (*a) are not read in parameters"),
        ("parameters: {year: 2020}\nbase: &b {year: 2021}\nper_notebook: {01_alliance_overview: *b}\n", "aliases"),
        (
            "parameters: {year: 2020}\nparameters: {year: 2021}\n",
            "line 2: 'parameters' is given twice (first on line 1)",
        ),
        ("parameters:\n  year: 2020\n  year: 2021\n", "line 3: 'year' is given twice (first on line 2)"),
        ("x" * (70 * 1024), "71,680 bytes; a parameter file is read up to 65,536 bytes"),
    ],
)
def test_user_yaml_is_bounded_before_it_is_expanded(tmp_path: Path, text: str, message: str) -> None:
    from natospend import user_yaml

    path = tmp_path / "p.yaml"
    path.write_text(text)
    started = time.perf_counter()
    with pytest.raises(user_yaml.UserYamlError, match=re.escape(message)):
        user_yaml.read_file(path)
    assert time.perf_counter() - started < 1.0
    assert user_yaml.parse("targets: [gdp_2pct, core_3_5pct]") == {"targets": ["gdp_2pct", "core_3_5pct"]}


def test_a_hostile_parameter_file_or_value_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "laughs.yaml").write_text(BILLION_LAUGHS)
    cases = [
        (["run", "-f", str(tmp_path / "laughs.yaml")], "laughs.yaml: line 2: aliases (*a) are not read"),
        (["run", "02", "-y", "targets", "[&a x, *a, *a]"], "aliases (*a) are not read in parameters"),
        (["run", "02", "-y", "targets", "x" * 5000], "5,000 characters; at most 4,096 are read"),
        (["run", "01", "--workers", "0"], "parameter '--workers': 0 worker processes; allowed: 1 or more"),
        (["run", "01", "--workers", "-1"], "parameter '--workers': -1 worker processes"),
        (["sweep", "01", "--over", "year="], "parameter '--over': no values for 'year' after '='"),
    ]
    for args, message in cases:
        status, error = refused(capsys, *args)  # in this process; nothing written (checked by `refused`)
        assert status == 2 and message in error, (args, error[-500:])
        assert len(error.strip().splitlines()) == 1 and "Traceback" not in error


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("notebooks: [01, 02]\n", "notebooks: 1 is a int; allowed: notebook names or numbers in quotes"),
        ("per_notebook: {02_pathway: {target_year: 2032}}\n", "no notebook '02_pathway' (did you mean '02_pathways'?)"),
        ("parameters: {year: 2020}\nparameters: {year: 2021}\n", "'parameters' is given twice"),
    ],
)
def test_silent_parameter_loss_is_an_error(project: Path, content: str, message: str) -> None:
    from natospend.reports import runner as live_runner

    (project / "lossy.yaml").write_text(content)
    with pytest.raises(ParameterError, match=re.escape(message)):
        live_runner.load_param_file(project / "lossy.yaml")


def _sheet_workbook(path: Path, cells: dict[str, str], sheet_xml_padding: int = 0) -> Path:
    """A minimal .xlsx: one sheet with the given cells (reference -> inline text), optionally padded."""
    import zipfile

    rows = "".join(f'<row><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>' for ref, text in cells.items())
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData>' + " " * sheet_xml_padding + "</worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def test_a_workbook_is_measured_before_it_is_read(tmp_path: Path) -> None:
    from natospend.errors import InputError
    from natospend.ingest.excel import check_workbook_bounds, read_workbook_values

    far = _sheet_workbook(tmp_path / "far.xlsx", {"A1": "x", "XFD1048576": "y"})
    assert far.stat().st_size < 5_000
    with pytest.raises(InputError, match="spans 1,048,576 rows by 16,384 columns"):
        read_workbook_values(far)  # before calamine: it would ask for 550 GB and abort the process
    bomb = _sheet_workbook(tmp_path / "bomb.xlsx", {"A1": "x"}, sheet_xml_padding=70 << 20)
    assert bomb.stat().st_size < 200_000
    started = time.perf_counter()
    with pytest.raises(InputError, match="would inflate to 73,"):
        check_workbook_bounds(bomb)
    assert time.perf_counter() - started < 0.5  # the declared size refuses it without inflating
    check_workbook_bounds(_sheet_workbook(tmp_path / "ok.xlsx", {"A1": "x", "CC201": "y"}))


def test_ingest_refuses_a_huge_sheet_in_one_line(project: Path, tmp_path: Path) -> None:
    far = _sheet_workbook(tmp_path / "far-TABLES-en.xlsx", {"A1": "x", "XFD1048576": "y"})
    before = {p: sha(p) for p in (project / "data/processed").rglob("*") if p.is_file()}
    done = natospend(project, "ingest", "--nato", str(far))
    assert done.returncode == 2 and "spans 1,048,576 rows by 16,384 columns" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert {p: sha(p) for p in (project / "data/processed").rglob("*") if p.is_file()} == before


# ---- the official data cannot be overwritten by user data ---------------------------------------------------


def test_publisher_labels_are_reserved(project: Path, tmp_path: Path) -> None:
    mine = tmp_path / "x.csv"
    mine.write_text("country,year,gdp_usd_m\nFRA,2026,1\n")
    before = {p: sha(p) for p in (project / "data/processed").rglob("*") if p.is_file()}
    # through the command line once (every publisher's label: test_ingest.py::test_label_is_checked)
    done = natospend(project, "ingest", "--csv", str(mine), "--label", "imf", "--edition", "2026-01")
    assert done.returncode == 2 and "'imf' is reserved for the publisher's own files" in done.stderr, done.stderr
    assert {p: sha(p) for p in (project / "data/processed").rglob("*") if p.is_file()} == before


# ---- everything that reaches a page is escaped, every link stays inside --------------------------------------


def test_names_read_from_files_are_as_strict_as_typed_ones(project: Path) -> None:
    from natospend.data.dataset import dataset_files
    from natospend.errors import InputError

    planted = project / "data/processed/spending/nato" / '2024" onload="alert(1).csv'
    planted.write_bytes((project / "data/processed/spending/nato/2024.csv").read_bytes())
    with pytest.raises(InputError, match="is not a dataset file name natospend writes"):
        dataset_files(project / "data/processed/spending")


def test_figure_alt_text_is_escaped() -> None:
    import nbformat

    from natospend.reports.html import to_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x")]
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo="},
            metadata={"image/png": {"alt": 'a" onload="alert(1)'}},
        )
    ]
    page = to_html(nb, title="T", header_html="<table></table>")
    from html.parser import HTMLParser

    images: list[dict[str, str | None]] = []

    class Images(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "img":
                images.append(dict(attrs))

    Images().feed(page)
    assert images == [{"src": "data:image/png;base64,iVBORw0KGgo=", "alt": 'a" onload="alert(1)'}]


def test_catalogue_links_stay_in_reports_and_damaged_manifests_are_skipped(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from natospend.reports.catalogue import runs, write_index

    good, bad, odd = tmp_path / "good", tmp_path / "bad", tmp_path / "odd"
    for folder in (good, bad, odd):
        folder.mkdir()
    (good / "manifest.json").write_text(json.dumps({"notebooks": [{"notebook": "../../etc/x"}], "editions": {}}))
    (bad / "manifest.json").write_text("{not json")
    (odd / "manifest.json").write_text(json.dumps({"notebooks": 5}))
    assert [r["run"] for r in runs(tmp_path)] == ["good"]
    warnings = capsys.readouterr().err
    assert "skipping bad/" in warnings and "skipping odd/" in warnings
    page = write_index(tmp_path).read_text()
    assert 'href="good/..%2F..%2Fetc%2Fx.html"' in page and not re.search(r'href="[^"]*\.\./', page)
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


# ---- files under reports/ are never followed out of it -----------------------------------------------------


def test_links_planted_in_reports_are_not_followed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(runner, "REPORTS_DIR", tmp_path / "reports")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / ".lock").symlink_to(victim)
    with pytest.raises(runner.RunFailed, match="is a symbolic link"), runner.reports_lock():
        pass
    (reports / ".lock").unlink()
    (reports / ".staging").symlink_to(tmp_path)
    with pytest.raises(runner.RunFailed, match=r"\.staging is a symbolic link"):
        runner.new_staging("x")
    (reports / ".staging").unlink()
    outside = tmp_path / "outside"
    outside.mkdir()
    (reports / ".failed").mkdir()
    (reports / ".failed" / "run").symlink_to(outside)
    executed = tmp_path / "01.ipynb"
    executed.write_text(json.dumps({"cells": []}))
    assert runner._keep_failure("run", {"executed": str(executed)}) is None
    assert list(outside.iterdir()) == [] and victim.read_text() == "precious"
    with runner.reports_lock():  # and the real lock is one file, however many run names
        pass
    (reports / ".replaced-old-0123abcd").mkdir()
    (reports / ".locks").mkdir()
    (reports / ".locks/a.lock").write_text("")
    assert {p.name for p in runner.remove_leftovers()} == {".replaced-old-0123abcd", ".locks"}
    assert sorted(p.name for p in reports.iterdir()) == [".failed", ".lock"]


def test_a_run_named_like_the_old_catalogue_temporary_file_is_harmless(project: Path) -> None:
    done = natospend(project, "run", "05", "--name", "index.html.tmp", "-p", "indicator", "nonsense")
    assert done.returncode == 2  # refused for its parameter; the name itself no longer matters
    from natospend.reports.catalogue import write_index

    assert write_index(project / "reports").name == "index.html"


# ---- a damaged or edited dataset is detected ----------------------------------------------------------------


def test_an_edited_or_cut_dataset_file_is_refused(project: Path) -> None:
    from natospend.data.dataset import load_spending
    from natospend.errors import InputError

    spending = project / "data/processed/spending"
    nato = spending / "nato/2024.csv"
    original = nato.read_bytes()
    assert len(load_spending("nato", path=spending)) > 5000
    nato.write_bytes(original.replace(b",2.33", b",9.33", 1))  # one number changed by hand
    with pytest.raises(InputError, match=r"nato/2024.csv is not the file `natospend ingest` wrote"):
        load_spending("nato", path=spending)
    nato.write_bytes(original[: len(original) // 2])  # cut short
    with pytest.raises(InputError, match="run `natospend ingest` to rebuild it"):
        load_spending("nato", path=spending)
    nato.write_bytes(original)
    (spending / "nato/2023.csv").write_bytes(original)  # a file ingest never wrote
    with pytest.raises(InputError, match="nato/2023.csv is not recorded in sources.json"):
        load_spending("nato", "2023", path=spending)


def test_a_page_never_shows_edited_data(project: Path) -> None:
    nato = project / "data/processed/spending/nato/2024.csv"
    nato.write_bytes(nato.read_bytes().replace(b",2.33", b",9.33", 1))
    done = natospend(project, "run", "03", "--name", "edited")
    assert done.returncode == 2 and "nato/2024.csv is not the file `natospend ingest` wrote" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (project / "reports/edited").exists()


# ---- user CSVs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "country,year,gdp_usd_m,gdp_usd_m\nFRA,2026,1,2\n",
            "row 1, column gdp_usd_m: column 'gdp_usd_m' appears twice",
        ),
        ("country,year,country\nFRA,2026,FRA\n", "column 'country' appears twice in the header (columns 1 and 3)"),
    ],
)
def test_user_csv_duplicate_columns_are_named(tmp_path: Path, content: str, message: str) -> None:
    from natospend.errors import InputError
    from natospend.ingest.usercsv import read_user_csv

    path = tmp_path / "dup.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(message)):
        read_user_csv(path, "mine")


def test_user_csv_errors_name_the_right_row_and_accept_every_spelling(tmp_path: Path) -> None:
    from natospend.errors import InputError
    from natospend.ingest.usercsv import read_user_csv

    late = tmp_path / "late.csv"
    late.write_bytes(b"country,year,gdp_usd_m\n" + b"FRA,2026,1\n" * 40_000 + "T\xfcrkiye,2026,1\n".encode("latin-1"))
    with pytest.raises(InputError, match="row 40002: not UTF-8 text"):
        read_user_csv(late, "mine")
    spelled = tmp_path / "spelled.csv"
    spelled.write_text("country,year,gdp_usd_m\nUK,2026,1\nTurkey,2026,2\nHolland,2026,3\n")
    assert sorted(read_user_csv(spelled, "mine")["country"]) == ["GBR", "NLD", "TUR"]


def test_dollar_signs_in_data_text_are_drawn_literally(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    from natospend.figures.style import save, use_style

    use_style()
    fig, ax = plt.subplots()
    ax.set_title("pledge: $5bn by 2030 and $7bn by 2035 ($x^2$)")
    save(fig, tmp_path, "dollars")  # mathtext would fail to parse, or typeset a formula
    plt.close(fig)


def test_control_characters_are_shown_escaped(project: Path) -> None:
    from natospend.errors import printable

    assert printable("a\x1b[31mred\u202e\nnext") == "a\\x1b[31mred\\u202e\nnext"
    done = natospend(project, "run", "03", "-p", "country", "\x1b[2J\x1b[31mX")
    assert done.returncode == 2 and "\x1b" not in done.stderr and "\\x1b[2J" in done.stderr


# ---- faults ---------------------------------------------------------------------------------------------------


def test_a_lost_worker_is_reported_and_the_finished_runs_are_kept(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    lost: Future[dict[str, object]] = Future()
    lost.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
    done: Future[dict[str, object]] = Future()
    done.set_result({"notebook": "05_revisions", "ok": True})
    assert runner._result(done, "05_revisions") == {"notebook": "05_revisions", "ok": True}
    result = runner._result(lost, "02_pathways")
    message = runner.failure_message("r", result, None)
    assert result["ok"] is False and "notebook 02_pathways was lost: a worker process ended unexpectedly" in message
    assert "\n" not in message


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find child processes")
def test_killing_a_pool_worker_ends_the_run_in_one_line(project: Path) -> None:
    process = _start_sweep(project)
    workers = _wait_for_workers(process)
    os.kill(min(workers), signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1 and "was lost: a worker process ended unexpectedly" in err
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    assert not (project / "reports/.staging").exists() or not list((project / "reports/.staging").iterdir())


def test_ingest_workers_die_with_their_parent_and_ignore_ctrl_c() -> None:
    from natospend.ingest import pipeline
    from natospend.processes import become_worker

    source = Path(pipeline.__file__).read_text()
    assert "initializer=become_worker" in source  # the readers' pool starts each worker with it
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import signal; from natospend.processes import become_worker; become_worker(); "
            "print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)",
        ],
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == "True" and become_worker is not None


def test_two_concurrent_ingests_keep_both_provenance_records(project: Path, tmp_path: Path) -> None:
    files = []
    for label in ("one", "two"):
        path = tmp_path / f"{label}.csv"
        path.write_text("country,year,gdp_usd_m\nFRA,2026,1\n")
        files.append((label, path))
    env = {**os.environ, "NATOSPEND_HOME": str(project)}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "natospend.cli", "ingest", "--csv", str(path), "--label", label],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for label, path in files
    ]
    assert [p.wait(timeout=120) for p in started] == [0, 0]
    sources = json.loads((project / "data/processed/sources.json").read_text())
    assert {"one", "two"} <= {r["source"] for r in sources["inputs"]}
    assert {"one/user.csv", "two/user.csv"} <= set(sources["files"])


def test_a_full_disk_during_ingest_leaves_nothing_behind(project: Path, tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import errno, os\n"
        "_fdopen = os.fdopen\n"
        "class Full:\n"
        "    def __init__(self, handle): self.handle = handle\n"
        "    def __enter__(self): return self\n"
        "    def __exit__(self, *a): self.handle.close()\n"
        "    def write(self, data): raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "def fdopen(fd, *a, **k):\n"
        "    return Full(_fdopen(fd, *a, **k))\n"
        "os.fdopen = fdopen\n"
    )
    mine = tmp_path / "x.csv"
    mine.write_text("country,year,gdp_usd_m\nFRA,2026,1\n")
    before = {p: sha(p) for p in (project / "data/processed").rglob("*") if p.is_file()}
    env = {**os.environ, "NATOSPEND_HOME": str(project), "PYTHONPATH": str(hook)}
    done = subprocess.run(
        [sys.executable, "-m", "natospend.cli", "ingest", "--csv", str(mine), "--label", "mine"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2 and "the disk is full" in done.stderr and "report" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (project / "data/processed/spending/mine").exists()
    assert {p: sha(p) for p in (project / "data/processed").rglob("*") if p.is_file()} == before


def test_a_wrong_home_is_named(tmp_path: Path) -> None:
    env = {**os.environ, "NATOSPEND_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "natospend.cli", "list"], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and f"NATOSPEND_HOME={tmp_path} is not a natospend project folder" in done.stderr


# ==== round three, second pass: new cases of the same classes (a red-team pass after the fixes above) ====


def test_a_link_planted_as_the_failed_notebooks_temporary_file_is_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "REPORTS_DIR", tmp_path / "reports")
    victim = tmp_path / "victim.txt"
    victim.write_text("ORIGINAL")
    keep = tmp_path / "reports/.failed/run"
    keep.mkdir(parents=True)
    (keep / ".05_revisions.ipynb.partial").symlink_to(victim)  # the old fixed temporary name
    (keep / "05_revisions.ipynb").symlink_to(victim)
    executed = tmp_path / "05_revisions.ipynb"
    executed.write_text(json.dumps({"cells": []}))
    kept = runner._keep_failure("run", {"executed": str(executed)})
    assert kept == keep / "05_revisions.ipynb" and not kept.is_symlink() and "cells" in kept.read_text()
    assert victim.read_text() == "ORIGINAL"


def _zip(path: Path, parts: dict[str, str], flag_bits: int = 0) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    if flag_bits:  # mark every entry, as an encrypted archive is marked
        data = bytearray(path.read_bytes())
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            while at >= 0:
                data[at + offset] |= flag_bits
                at = data.find(signature, at + 4)
        path.write_bytes(bytes(data))
    return path


FAR = '<c r="A1" t="inlineStr"><is><t>x</t></is></c>'


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"xl/sheet_elsewhere.xml": f'<sheetData><row>{FAR}<c r="XFD1048576"/></row></sheetData>'}, "spans 1,048,576"),
        ({"xl/worksheets/sheet1.XML": '<sheetData><row><c r="XFD1048576"/></row></sheetData>'}, "spans 1,048,576"),
        (
            {"xl/worksheets/sheet1.xml": '<sheetData><row><c t="n" r="XFD1048576"/></row></sheetData>'},
            "spans 1,048,576",
        ),
        ({"xl/worksheets/sheet1.xml": "<sheetData><row><c r='XFD1048576'/></row></sheetData>"}, "spans 1,048,576"),
        (
            {"xl/worksheets/sheet1.xml": '<sheetData><row r="1048576"><c r="Z1"/></row></sheetData>'},
            "spans 1,048,576 rows by 26",
        ),
        (
            {"xl/sharedStrings.xml": '<sst count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>'},
            "declares 4,000,000,000 shared strings",
        ),
    ],
)
def test_workbook_bounds_hold_whatever_the_parts_are_called(
    tmp_path: Path, parts: dict[str, str], message: str
) -> None:
    from natospend.errors import InputError
    from natospend.ingest.excel import read_workbook_values

    with pytest.raises(InputError, match=re.escape(message)):
        read_workbook_values(_zip(tmp_path / "w.xlsx", parts))


def test_a_damaged_or_encrypted_archive_is_one_line(tmp_path: Path) -> None:
    from natospend.errors import InputError
    from natospend.ingest.excel import check_workbook_bounds

    encrypted = _zip(tmp_path / "e.xlsx", {"xl/worksheets/sheet1.xml": "<sheetData/>"}, flag_bits=1)
    with pytest.raises(InputError, match="cannot read the workbook"):
        check_workbook_bounds(encrypted)
    good = _zip(tmp_path / "c.xlsx", {"xl/worksheets/sheet1.xml": "<sheetData>" + "<row/>" * 1000 + "</sheetData>"})
    data = bytearray(good.read_bytes())
    at = data.find(b"PK\x01\x02")  # the central directory's CRC of the part, then the local header's
    data[at + 16] ^= 0xFF
    data[data.find(b"PK\x03\x04") + 14] ^= 0xFF
    good.write_bytes(bytes(data))
    with pytest.raises(InputError, match="cannot read the workbook"):
        check_workbook_bounds(good)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "parameters: {shortfall_threshold_pct: 2.5, shortfall_threshold_pct: -1}",
            "'shortfall_threshold_pct' is given twice",
        ),
        ("[" * 3000 + "]" * 3000, "nested too deeply"),
        ("year: " + "9" * 5000, "a value natospend cannot read"),
        ("parameters:\n  year: 2020\n  1: 2\n", "line 3: the key 1 is a int; names are text"),
        ("parameters: {null: 2}", "the key None is a NoneType"),
    ],
)
def test_more_yaml_that_is_refused_in_one_line(text: str, message: str) -> None:
    from natospend import user_yaml

    with pytest.raises(user_yaml.UserYamlError, match=re.escape(message)):
        user_yaml.parse(text)


def test_a_parameter_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    from natospend import user_yaml

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(user_yaml.UserYamlError, match="not a regular file"):
        user_yaml.read_file(fifo)


def test_the_command_line_beats_parameter_files_and_nothing_is_given_twice(tmp_path: Path) -> None:
    import argparse

    from natospend.reports.commands import _parameters
    from natospend.reports.runner import shown_parameters

    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text("per_notebook:\n  01_alliance_overview: {year: 2099}\n")
    two.write_text("per_notebook:\n  01_alliance_overview: {shortfall_threshold_pct: 2.5}\n")

    def args(**given: object) -> argparse.Namespace:
        return argparse.Namespace(**{"file": None, "parameter": None, "yaml_parameter": None, "workers": None, **given})

    values, per_notebook, _ = _parameters(args(file=[str(one), str(two)], parameter=[["year", "2023"]]))
    assert values == {"year": 2023}  # -p beats the file's per_notebook value, which is dropped, not applied
    assert per_notebook == {"01_alliance_overview": {"shortfall_threshold_pct": 2.5}}  # two files' sections merge
    assert shown_parameters({}, per_notebook) == {"per_notebook": per_notebook}  # not a "defaults" run
    with pytest.raises(ParameterError, match="given twice on the command line"):
        _parameters(args(parameter=[["year", "2023"], ["year", "2099"]]))
    with pytest.raises(ParameterError, match=r"given twice on the command line \(again with -y\)"):
        _parameters(args(parameter=[["year", "2023"]], yaml_parameter=[["year", "2021"]]))


def test_refusals_on_the_command_line_are_one_line(project: Path) -> None:
    sipri = project / "data/processed/spending/sipri/2026.csv"
    sipri.write_bytes(sipri.read_bytes().replace(b",3.7", b",8.7", 1))  # the latest SIPRI edition, edited
    cases = [
        (["run", "01"], "sipri/2026.csv is not the file `natospend ingest` wrote"),  # before any worker starts
        (["sweep", "01", "--over", "year=2023", "-p", "year", "2099"], "is swept by --over and also given"),
        (["run", "05", "--workers", "x"], "argument --workers: invalid int value: 'x' (see natospend run --help)"),
    ]
    for arguments, message in cases:
        done = natospend(project, *arguments)
        assert done.returncode == 2 and message in done.stderr, (arguments, done.stderr[-400:])
        assert len(done.stderr.strip().splitlines()) == 1
    assert [p.name for p in (project / "reports").iterdir() if not p.name.startswith(".")] == []


def test_damaged_manifests_of_every_kind_are_skipped(project: Path) -> None:
    reports = project / "reports"
    for name in ("fifo", "deep", "sparse", "ansi"):
        (reports / name).mkdir()
    os.mkfifo(reports / "fifo/manifest.json")
    (reports / "deep/manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    with (reports / "sparse/manifest.json").open("wb") as handle:
        handle.truncate(5 << 30)  # 5 GB, sparse
    (reports / "ansi/manifest.json").write_text(
        json.dumps({"notebooks": [], "finished": "\x1b[41mFINISHED\x1b[0m", "editions": {"nato\x1b[1m": ["1"]}})
    )
    done = subprocess.run(
        [sys.executable, "-m", "natospend.cli", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "NATOSPEND_HOME": str(project)},
        timeout=60,
    )
    assert done.returncode == 0 and "\x1b" not in done.stdout + done.stderr and "\\x1b[41mFINISHED" in done.stdout
    assert all(f"skipping {name}/" in done.stderr for name in ("fifo", "deep", "sparse"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"country,year," + b"x" * 70_000 + b"\nFRA,2026,1\n", "the header is longer than 65,536 bytes"),
        (b"country,year,defence_expenditure_share_gdp_pct\rGBR,2027,2.5\r", "lines ending in LF or CR LF"),
        (b"country,year," + b",".join(b"c%d" % i for i in range(1_000)) + b"\n", "1,002 columns"),
        (
            b"country,year,indicator,value,estimat\nGBR,2027,defence_expenditure_share_gdp_pct,2.5,true\n",
            "['estimat'] are not read in the long form",
        ),
    ],
)
def test_user_csv_headers_are_bounded_and_read_whole(tmp_path: Path, content: bytes, message: str) -> None:
    from natospend.errors import InputError
    from natospend.ingest.usercsv import read_user_csv

    path = tmp_path / "u.csv"
    path.write_bytes(content)
    started = time.perf_counter()
    with pytest.raises(InputError, match=re.escape(message)) as raised:
        read_user_csv(path, "mine")
    assert time.perf_counter() - started < 2 and len(str(raised.value)) < 400


def test_a_hand_edited_sources_json_is_named(project: Path) -> None:
    from natospend.data.dataset import load_spending, provenance_records
    from natospend.errors import InputError

    sources = project / "data/processed/sources.json"
    original = json.loads(sources.read_text())
    document = {**original, "files": {**original["files"], "nato/2024.csv": "tampered"}}
    sources.write_text(json.dumps(document))
    with pytest.raises(InputError, match="nato/2024.csv is not the file `natospend ingest` wrote"):
        load_spending("nato", path=project / "data/processed/spending")
    sources.write_text(json.dumps({**original, "inputs": [*original["inputs"], {"source": "sipri"}]}))
    with pytest.raises(InputError, match="sources.json is damaged"):
        provenance_records(sources)


def test_a_relative_home_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from natospend.paths import find_project_root

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NATOSPEND_HOME", "rt")
    assert find_project_root(Path(__file__), tmp_path) == tmp_path / "rt"
