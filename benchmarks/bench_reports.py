"""Time the report runner against the in-process floor and the naive papermill loop (a benchmark, not a test).

Usage: python benchmarks/bench_reports.py [--naive-limit N] [--skip-naive]

- floor: the country notebook's cells for every ally, run one after another in this process
  with plain exec() (no papermill, no kernel, no HTML): the least the analysis can cost;
- sweep: `natospend sweep 03_country_profile --over country=all` (worker pool, HTML included);
- naive: a shell loop of `papermill ... -p country X` (a kernel per notebook, no HTML);
- make report: the default set (`natospend run all -f default` and the 2032 pathways);
- `natospend --help`.
Runs in a throwaway copy of the project (NATOSPEND_HOME), so reports/ is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "03_country_profile"


def project_copy() -> Path:
    home = Path(tempfile.mkdtemp(prefix="natospend-bench-"))
    for folder in ("data", "notebooks", "params"):
        shutil.copytree(ROOT / folder, home / folder)
    (home / "reports").mkdir()
    return home


def floor(home: Path, countries: list[str]) -> float:
    """The cells of the notebook for every ally, exec'd in this process: no kernel, no papermill, no HTML."""
    os.environ["NATOSPEND_HOME"] = str(home)
    document = json.loads((home / "notebooks" / f"{NOTEBOOK}.ipynb").read_text())
    cells = [
        ("".join(c["source"]), "parameters" in c["metadata"].get("tags", []))
        for c in document["cells"]
        if c["cell_type"] == "code"
    ]
    import matplotlib

    matplotlib.use("Agg")
    import natospend.text.profile_text  # noqa: F401  (imports paid once, as a warm worker does)

    out = home / "floor"
    start = time.perf_counter()
    for country in countries:
        namespace: dict[str, object] = {"__name__": "__main__"}
        for source, is_parameters in cells:
            exec(compile(source, "<cell>", "exec"), namespace)
            if is_parameters:
                namespace.update(country=country, output_dir=str(out / country))
    return time.perf_counter() - start


def timed(command: list[str], home: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        check=True,
        env={**os.environ, "NATOSPEND_HOME": str(home)},
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--naive-limit", type=int, default=None, help="time the naive loop on the first N allies")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from natospend.data.reference import allies_with_armed_forces

    countries = allies_with_armed_forces()
    home = project_copy()
    natospend = [sys.executable, "-m", "natospend.cli"]
    results: dict[str, float] = {}

    results["sweep"] = timed([*natospend, "sweep", NOTEBOOK, "--over", "country=all", "--quiet"], home)
    results["floor"] = floor(home, countries)
    if not args.skip_naive:
        sample = countries[: args.naive_limit] if args.naive_limit else countries
        start = time.perf_counter()
        for country in sample:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "papermill",
                    str(home / "notebooks" / f"{NOTEBOOK}.ipynb"),
                    str(home / f"naive-{country}.ipynb"),
                    "-p",
                    "country",
                    country,
                    "-p",
                    "output_dir",
                    str(home / "naive" / country),
                    "--no-progress-bar",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        results["naive"] = (time.perf_counter() - start) * len(countries) / len(sample)
        results["naive_measured_on"] = len(sample)
    results["make_report"] = timed([*natospend, "run", "all", "-f", "default", "--name", "default"], home) + timed(
        [*natospend, "run", "-f", "hague_2032", "--name", "hague-2032"], home
    )
    helps = []
    for _ in range(10):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "natospend.cli", "--help"], check=True, stdout=subprocess.DEVNULL)
        helps.append(time.perf_counter() - start)
    results["help_median"] = statistics.median(helps)
    check = time.perf_counter()
    subprocess.run(
        [*natospend, "run", "01", "-p", "yaer", "2020"],
        capture_output=True,
        env={**os.environ, "NATOSPEND_HOME": str(home)},
    )
    results["misspelt_parameter_refused"] = time.perf_counter() - check

    n = len(countries)
    print(f"machine: {os.cpu_count()} cores; {n} allies; notebook {NOTEBOOK}")
    print(
        f"in-process floor (cells exec'd, no kernel, no HTML): {results['floor']:7.1f} s  ({results['floor'] / n:.2f} s each)"
    )
    print(
        f"natospend sweep (pool, HTML included):             {results['sweep']:7.1f} s  ({results['sweep'] / n:.2f} s each)"
    )
    if "naive" in results:
        note = "" if results["naive_measured_on"] == n else f", extrapolated from {results['naive_measured_on']}"
        print(
            f"naive papermill loop (kernel per notebook{note}): {results['naive']:7.1f} s  "
            f"({results['naive'] / n:.2f} s each)"
        )
    print(f"sweep / floor = {results['sweep'] / results['floor']:.2f}  (goal <= 1.5)")
    if "naive" in results:
        print(f"naive / sweep = {results['naive'] / results['sweep']:.1f}  (goal >= 4)")
    print(f"make report (4 notebooks + 2032 pathways): {results['make_report']:.1f} s")
    print(f"natospend --help, median of 10: {results['help_median']:.3f} s  (goal < 0.3)")
    print(f"misspelt parameter refused in: {results['misspelt_parameter_refused']:.2f} s (process start included)")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
