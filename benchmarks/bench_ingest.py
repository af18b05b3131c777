"""Time ingest of the official workbooks and loading the processed dataset (a benchmark, not a test).

Usage: NATOSPEND_RAW_DIR=/path/to/raw python benchmarks/bench_ingest.py [--repeat 7]
Prints the median and range of each step; the goals are under 0.9 s for the full ingest of all
three workbooks (NATO 2024, SIPRI 2025 and 2026) and under 0.2 s for load_spending().
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from natospend.cli import NATO_WORKBOOKS, SIPRI_WORKBOOKS
from natospend.data import dataset
from natospend.ingest.nato import parse_nato_workbook
from natospend.ingest.pipeline import run_ingest
from natospend.ingest.sipri import parse_sipri_workbook


def timed(step: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    raw = os.environ.get("NATOSPEND_RAW_DIR")
    if not raw:
        print("set NATOSPEND_RAW_DIR to the folder with the official workbooks", file=sys.stderr)
        return 2
    nato_paths = sorted(Path(raw).glob(NATO_WORKBOOKS))
    sipri_paths = sorted(Path(raw).glob(SIPRI_WORKBOOKS))
    out = Path(tempfile.mkdtemp()) / "spending"

    def parse_all() -> None:
        for path in nato_paths:
            parse_nato_workbook(path)
        for path in sipri_paths:
            parse_sipri_workbook(path)

    def full_ingest() -> None:
        shutil.rmtree(out, ignore_errors=True)
        run_ingest(
            nato_paths=nato_paths, sipri_paths=sipri_paths, dataset_dir=out, sources_path=out.with_name("sources.json")
        )

    def load_cold(source: str | None = None) -> Callable[[], object]:
        def step() -> None:
            dataset._CACHE.clear()
            dataset.load_spending(source)

        return step

    fresh_process = [sys.executable, "-c", "import natospend; natospend.load_spending()"]
    steps = {
        f"parse {len(nato_paths)} NATO + {len(sipri_paths)} SIPRI workbooks": parse_all,
        "full ingest of all: parse + validate + write (goal < 0.9 s)": full_ingest,
        "load_spending(), latest of each, cache cleared (goal < 0.2 s)": load_cold(),
        "load_spending('nato'), cache cleared (goal < 0.2 s)": load_cold("nato"),
        "load_spending('sipri'), cache cleared (goal < 0.2 s)": load_cold("sipri"),
        "load_spending('nato'), cached": lambda: dataset.load_spending("nato"),
        "python -c 'natospend.load_spending()' (imports included)": lambda: subprocess.run(fresh_process, check=True),
    }
    print(f"{'step':62s} {'median s':>9s} {'min s':>7s} {'max s':>7s}   ({args.repeat} runs, {os.cpu_count()} cores)")
    for name, step in steps.items():
        times = timed(step, args.repeat)
        print(f"{name:62s} {statistics.median(times):9.3f} {min(times):7.3f} {max(times):7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
