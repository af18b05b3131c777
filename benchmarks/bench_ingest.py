"""Time ingest of both official workbooks and loading the processed dataset (a benchmark, not a test).

Usage: NATOSPEND_RAW_DIR=/path/to/raw python benchmarks/bench_ingest.py [--repeat 7]
Prints the median and range of each step; the goals (issue 2) are under 0.6 s for parsing
both workbooks and under 0.2 s for load_spending().
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from natospend import dataset
from natospend.ingest import run_ingest
from natospend.nato import parse_nato_workbook
from natospend.sipri import parse_sipri_workbook


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
    nato_path = next(Path(raw).glob("*def-exp*TABLES*.xlsx"))
    sipri_path = next(Path(raw).glob("SIPRI-Milex-data*.xlsx"))
    out = Path(tempfile.mkdtemp()) / "spending.csv"

    def parse_both() -> None:
        parse_nato_workbook(nato_path)
        parse_sipri_workbook(sipri_path)

    def full_ingest() -> None:
        out.unlink(missing_ok=True)
        run_ingest(nato_path=nato_path, sipri_path=sipri_path, dataset_path=out,
                   sources_path=out.with_name("sources.json"))

    def load_cold() -> None:
        dataset._CACHE.clear()
        dataset.load_spending()

    fresh_process = [sys.executable, "-c", "import natospend; natospend.load_spending()"]
    steps = {
        "parse NATO workbook": lambda: parse_nato_workbook(nato_path),
        "parse SIPRI workbook (values + colour flags)": lambda: parse_sipri_workbook(sipri_path),
        "parse both workbooks (goal < 0.6 s)": parse_both,
        "full ingest: parse + validate + write CSV": full_ingest,
        "load_spending(), in process, cache cleared (goal < 0.2 s)": load_cold,
        "load_spending('nato'), cached": lambda: dataset.load_spending("nato"),
        "python -c 'natospend.load_spending()' (imports included)":
            lambda: subprocess.run(fresh_process, check=True),
    }
    print(f"{'step':62s} {'median s':>9s} {'min s':>7s} {'max s':>7s}   ({args.repeat} runs, {os.cpu_count()} cores)")
    for name, step in steps.items():
        times = timed(step, args.repeat)
        print(f"{name:62s} {statistics.median(times):9.3f} {min(times):7.3f} {max(times):7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
