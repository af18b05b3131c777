"""What a hostile but realistic user, or a fault, does to the reports and the dataset: each failure found
by hostile testing, reproduced."""

from __future__ import annotations

import errno
import json
import os
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


@pytest.mark.parametrize("name", ["index.html", "INDEX.HTML", "scratch"])
def test_the_catalogue_cannot_be_replaced_by_a_run(project: Path, name: str) -> None:
    done = natospend(project, "run", NOTEBOOK_01, "--name", name)
    assert done.returncode == 2 and "is reserved by the reports folder" in done.stderr
    assert not (project / "reports" / name).exists()


# ---- 5 and 6: NaN, infinities and names ending in a newline ----------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["02", "-p", "core_target_pct", "nan"], "parameter 'core_target_pct': nan is not a finite number"),
        (["02", "-p", "gdp_path", "nan"], "parameter 'gdp_path': nan is not a finite number"),
        (["02", "-p", "related_target_pct", "inf"], "parameter 'related_target_pct': inf is not a finite number"),
        (["01", "--name", "ok\n"], "parameter '--name': 'ok\\n' is not a plain run name"),
        (["02", "-y", "target_year", "[2032"], "parameter 'target_year': -y value '[2032' is not valid YAML"),
    ],
)
def test_hostile_values_are_refused_before_anything_runs(project: Path, args: list[str], message: str) -> None:
    done = natospend(project, "run", *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in (project / "reports").iterdir()] == []


# ---- 7. messages, not tracebacks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("parameters: [1, 2]\n", "bad.yaml: parameters: is a list; allowed: parameters: as a mapping"),
        ("parameters: {year: [\n", "bad.yaml is not valid YAML"),
        ("per_notebook: {01_alliance_overview: 3}\n", "per_notebook: 01_alliance_overview: is a int"),
    ],
)
def test_a_bad_parameter_file_is_a_message(project: Path, content: str, message: str) -> None:
    (project / "bad.yaml").write_text(content)
    done = natospend(project, "run", "-f", str(project / "bad.yaml"))
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


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
                with runner.run_lock("same"):
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
