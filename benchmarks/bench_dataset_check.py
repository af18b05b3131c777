"""Time the check that every dataset file read is the one `natospend ingest` wrote (a benchmark, not a test).

Usage: python benchmarks/bench_dataset_check.py [--repeat 15]

For each file of the committed dataset: the median time to verify it against sources.json (size and sha256
of the bytes read), and what a notebook run pays: the default editions of NATO, SIPRI and the IMF that a
worker loads (each file is checked once per process and file version, as it is read). The goal (issue 20):
under 50 ms on the default dataset.
"""

from __future__ import annotations

import argparse
import statistics
import time

from natospend.data import dataset
from natospend.paths import SPENDING_DIR


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    files = dataset.dataset_files(SPENDING_DIR)
    latest = {source: max(dataset.editions(source), key=dataset._edition_key) for source in ("nato", "sipri", "imf")}
    total = 0.0
    for (source, edition), path in sorted(files.items()):
        times = []
        for _ in range(args.repeat):
            dataset._SOURCES.clear()  # sources.json read again each time: the first read in a process
            started = time.perf_counter()
            dataset._verified_bytes(path)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        in_default = latest.get(source) == edition
        total += median if in_default else 0.0
        print(
            f"{source}/{edition}.csv  {path.stat().st_size / 1e6:6.1f} MB  check {median * 1000:6.1f} ms"
            f" (range {min(times) * 1000:.1f}-{max(times) * 1000:.1f}){'  [default]' if in_default else ''}"
        )
    print(f"default dataset (latest NATO, SIPRI and IMF editions): {total * 1000:.1f} ms in all; goal < 50 ms")


if __name__ == "__main__":
    main()
