"""A researcher's large CSV (a benchmark, not a test): ingest time, peak memory, and what it costs later.

Usage: python benchmarks/bench_user_csv.py [--rows 1000000]
Generates a valid long-form CSV of ROWS rows (170 SIPRI countries x years x indicators x price bases),
ingests it into a copy of the project's data (NATOSPEND_HOME) in a fresh process, and reports its wall
time and peak resident memory; then, with that source present, the time of `natospend run 01`'s parameter
checks and of load_spending("nato") in a fresh process. Goals: under 20 s and 1.5 GB; under 1 s and 0.2 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from natospend.paths import PROJECT_ROOT


def write_csv(path: Path, rows: int) -> None:
    countries = [
        line.split(",")[1]
        for line in (PROJECT_ROOT / "data/reference/sipri_countries.csv").read_text(encoding="utf-8").splitlines()[1:]
        if line.count(",") >= 2 and '"' not in line
    ]
    indicators = [
        "defence_expenditure_usd_m",
        "gdp_usd_m",
        "defence_expenditure_nc_m",
        "military_personnel_k",
        "defence_expenditure_per_capita_usd",
        "gdp_per_capita_usd_k",
    ]
    bases = ["current", "constant-2015", "constant-2020", "constant-2024", "none"]
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["country", "year", "indicator", "value", "price_basis", "estimate"])
        for country in countries:
            for year in range(1900, 2101):
                for indicator in indicators:
                    for basis in bases:
                        out.writerow(
                            [
                                country,
                                year,
                                indicator,
                                f"{(written % 797) * 1.25:.2f}",
                                basis,
                                "true" if written % 7 == 0 else "false",
                            ]
                        )
                        written += 1
                        if written == rows:
                            return
    raise SystemExit(f"the generator makes at most {written} distinct rows")


def timed_child(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and the child's peak resident memory in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="natospend-bench-"))
    try:
        for folder in ("data", "notebooks", "params"):
            shutil.copytree(PROJECT_ROOT / folder, home / folder)
        source = home / "big.csv"
        write_csv(source, args.rows)
        env = {**os.environ, "NATOSPEND_HOME": str(home)}
        size = source.stat().st_size / 1e6
        seconds, peak = timed_child(
            [sys.executable, "-m", "natospend.cli", "ingest", "--csv", str(source), "--label", "big"], env
        )
        print(
            f"ingest {args.rows:,} rows ({size:.0f} MB CSV): {seconds:.1f} s, peak memory {peak:.0f} MB "
            f"(goal < 20 s, < 1500 MB) on {os.cpu_count()} cores"
        )
        checks = (
            "import time, pandas, pyarrow; t = time.perf_counter(); "
            "from natospend.reports.runner import plan_run, resolve_notebooks; "
            "plan_run(resolve_notebooks(['01']), {}, name='bench'); print(time.perf_counter() - t)"
        )
        load = (
            "import time, natospend, pandas, pyarrow; t = time.perf_counter(); natospend.load_spending('nato'); "
            "print(time.perf_counter() - t)"
        )
        for label, code, goal in (("run 01 parameter checks", checks, "1 s"), ("load_spending('nato')", load, "0.2 s")):
            times = sorted(
                float(
                    subprocess.run(
                        [sys.executable, "-c", code], env=env, check=True, text=True, capture_output=True
                    ).stdout
                )
                for _ in range(5)
            )
            print(
                f"{label} with the source present: median {times[2]:.3f} s (goal < {goal}; pandas and pyarrow imported before timing)"
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
