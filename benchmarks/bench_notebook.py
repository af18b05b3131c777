"""Median wall time of `natospend run NOTEBOOK` (a benchmark, not a test), optionally for another checkout.

Usage: python benchmarks/bench_notebook.py 02_pathways [--repeat 5] [--checkout /path/to/other/clone]
With --checkout, that clone's src/ and data are used (PYTHONPATH and NATOSPEND_HOME), so two versions
are measured on one machine in one sitting: how issue 12's IMF path changed 02_pathways' run time.
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
from pathlib import Path

from natospend.paths import PROJECT_ROOT


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--checkout", type=Path, default=PROJECT_ROOT)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="natospend-bench-"))
    try:
        for folder in ("data", "notebooks", "params"):
            shutil.copytree(args.checkout / folder, home / folder)
        env = {**os.environ, "NATOSPEND_HOME": str(home), "PYTHONPATH": str(args.checkout / "src")}
        times = []
        for i in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "natospend.cli", "run", args.notebook, "--name", f"bench{i}"],
                env=env,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
        print(
            f"{args.notebook} ({args.checkout}): median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f}, max {max(times):.2f} ({args.repeat} runs, {os.cpu_count()} cores)"
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
