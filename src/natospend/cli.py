"""The `natospend` command. Heavy imports happen inside each command, so `--help` stays fast."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import NatospendError


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import run_ingest
    from .paths import SOURCES_JSON, SPENDING_CSV, raw_dir

    nato_path, sipri_path = args.nato, args.sipri
    if args.raw_dir or (nato_path is None and sipri_path is None and args.csv is None):
        folder = args.raw_dir or raw_dir()
        if folder is None:
            raise NatospendError("nothing to ingest: give --nato/--sipri/--csv, --raw-dir, or set NATOSPEND_RAW_DIR")
        nato_path = nato_path or _only(folder, "*def-exp*TABLES*.xlsx")
        sipri_path = sipri_path or _only(folder, "SIPRI-Milex-data*.xlsx")
    frame = run_ingest(nato_path=nato_path, sipri_path=sipri_path, csv_path=args.csv, label=args.label,
                       csv_edition=args.edition, dataset_path=args.output or SPENDING_CSV,
                       sources_path=(args.output.parent / "sources.json") if args.output else SOURCES_JSON)
    counts = frame.groupby(["source", "edition"]).size()
    for (source, edition), n in counts.items():
        print(f"{source} {edition}: {n} rows")
    print(f"wrote {args.output or SPENDING_CSV}")
    return 0


def _only(folder: Path, pattern: str) -> Path:
    matches = sorted(Path(folder).glob(pattern))
    if len(matches) != 1:
        raise NatospendError(f"expected one file matching {pattern} in {folder}, found {len(matches)}")
    return matches[0]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="natospend",
        description="Measure NATO allies' defence spending against the alliance's targets.")
    parser.add_argument("--version", action="version", version=f"natospend {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="read the NATO / SIPRI workbooks or a CSV into data/processed/")
    ingest.add_argument("--nato", type=Path, help="NATO tables workbook (.xlsx)")
    ingest.add_argument("--sipri", type=Path, help="SIPRI Military Expenditure Database workbook (.xlsx)")
    ingest.add_argument("--raw-dir", type=Path, help="folder holding both official workbooks")
    ingest.add_argument("--csv", type=Path, help="your own figures (see README: User data)")
    ingest.add_argument("--label", help="source label for --csv, e.g. budget2026")
    ingest.add_argument("--edition", default="user", help="edition recorded for --csv (default: user)")
    ingest.add_argument("--output", type=Path, help="dataset path (default: data/processed/spending.csv)")
    ingest.set_defaults(handler=_cmd_ingest)

    from .commands import add_report_commands  # report commands: run, sweep, list

    add_report_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except NatospendError as exc:
        print(f"natospend {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
