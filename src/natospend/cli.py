"""The `natospend` command. Heavy imports happen inside each command, so `--help` stays fast."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from natospend import __version__
from natospend.errors import NatospendError, describe_error, printable
from natospend.paths import require_project_root


def _cmd_ingest(args: argparse.Namespace) -> int:
    from natospend.ingest.pipeline import run_ingest
    from natospend.paths import SOURCES_JSON, SPENDING_DIR, raw_dir

    nato_paths, sipri_paths, imf_paths = list(args.nato or []), list(args.sipri or []), list(args.imf or [])
    if args.raw_dir or not (nato_paths or sipri_paths or imf_paths or args.csv):
        folder = args.raw_dir or raw_dir()
        if folder is None:
            raise NatospendError("nothing to ingest: give --nato/--sipri/--csv, --raw-dir, or set NATOSPEND_RAW_DIR")
        nato_paths += _every(folder, NATO_WORKBOOKS)
        sipri_paths += _every(folder, SIPRI_WORKBOOKS)
        imf_paths += _every(folder, IMF_FILES)
        if not nato_paths and not sipri_paths:
            raise NatospendError(f"no NATO ({NATO_WORKBOOKS}) or SIPRI ({SIPRI_WORKBOOKS}) workbook in {folder}")
    output = args.output or SPENDING_DIR
    frame = run_ingest(
        nato_paths=nato_paths,
        sipri_paths=sipri_paths,
        imf_paths=imf_paths,
        csv_path=args.csv,
        label=args.label,
        csv_edition=args.edition,
        dataset_dir=output,
        sources_path=(output.parent / "sources.json") if args.output else SOURCES_JSON,
        progress=sys.stderr.isatty(),
    )  # a progress bar for a large CSV, in a terminal
    counts = frame.groupby(["source", "edition"]).size()
    for (source, edition), n in counts.items():
        print(f"{source} {edition}: {n} rows -> {output / source / (edition + '.csv')}")
    return 0


def _cmd_update(args: argparse.Namespace) -> int:
    import tempfile

    from natospend import update
    from natospend.data.releases import newer_releases

    if args.check:
        for line in update.check_lines(args.source):
            print(line)
        return 0
    before = update.loaded_editions()
    progress = sys.stderr.isatty() and not args.quiet
    with tempfile.TemporaryDirectory(prefix="natospend-update-") as folder:
        staging = Path(folder)
        if args.from_folder is not None:
            candidates, notes = update.files_in_folder(args.from_folder, staging)
            candidates = [c for c in candidates if args.source in (None, c.source)]
        else:
            wanted = newer_releases(before, sources=[args.source] if args.source else update.PUBLISHED_SOURCES)
            releases = [r for found in wanted.values() for r in found]
            if not releases:
                print("up to date: no release newer than the editions loaded is known (data/reference/releases.yaml)")
                return 0
            candidates, notes = update.fetch_releases(releases, staging, progress=progress)
        for note in notes:
            print(note)
        if not candidates:
            print("nothing to ingest; nothing was changed")
            return 0
        lines, written = update.ingest_candidates(candidates)
    for line in lines:
        print(line)
    if written is not None:
        for (source, edition), _ in written.groupby(["source", "edition"]):
            for line in update.change_lines(source, edition, before):
                print(line)
    return 0


# The file names the publishers give their workbooks (NATO's tables, SIPRI's database).
NATO_WORKBOOKS = "*-TABLES-en.xlsx"
SIPRI_WORKBOOKS = "SIPRI-Milex-data*.xlsx"
IMF_FILES = "imf-weo-*-subset.csv"  # with its imf-weo-*-areas.csv beside it


def _every(folder: Path, pattern: str) -> list[Path]:
    return sorted(Path(folder).glob(pattern))


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage mistake said in one line (argparse prints the usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, printable(f"{self.prog}: error: {message} (see {self.prog} --help)") + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="natospend", description="Measure NATO allies' defence spending against the alliance's targets."
    )
    parser.add_argument("--version", action="version", version=f"natospend {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="read the NATO / SIPRI workbooks or a CSV into data/processed/",
        description=textwrap.fill(
            "Parse the publishers' files (NATO's tables workbook, SIPRI's Military Expenditure Database, the "
            "IMF's World Economic Outlook CSV) or your own CSV into data/processed/spending/<source>/<edition>.csv, "
            "with their provenance in sources.json. Every check runs before anything is written; a failure names "
            "the file, sheet, row and column and leaves the dataset as it was. Each source and edition replaces "
            "its own file only. `natospend update` fetches newer releases and ingests them.",
            88,
        ),
        epilog=(
            "examples:\n  natospend ingest --raw-dir ../shared/data/raw\n"
            "  natospend ingest --csv my_budget.csv --label budget2026 --edition 2026-03"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument(
        "--nato",
        type=Path,
        action="append",
        metavar="PATH",
        help="NATO tables workbook (.xlsx); repeat for several editions",
    )
    ingest.add_argument(
        "--sipri",
        type=Path,
        action="append",
        metavar="PATH",
        help="SIPRI Military Expenditure Database workbook (.xlsx); repeat for several editions",
    )
    ingest.add_argument(
        "--imf",
        type=Path,
        action="append",
        metavar="PATH",
        help="IMF World Economic Outlook CSV (long form or the IMF's own download), with its -areas.csv beside it",
    )
    ingest.add_argument(
        "--raw-dir", type=Path, help=f"folder of official workbooks: every {NATO_WORKBOOKS} and {SIPRI_WORKBOOKS} in it"
    )
    ingest.add_argument("--csv", type=Path, help="your own figures (see README: User data)")
    ingest.add_argument("--label", help="source label for --csv, e.g. budget2026")
    ingest.add_argument("--edition", default="user", help="edition recorded for --csv (default: user)")
    ingest.add_argument("--output", type=Path, help="dataset folder (default: data/processed/spending/)")
    ingest.set_defaults(handler=_cmd_ingest)

    updating = commands.add_parser(
        "update",
        help="fetch the publishers' releases that are newer than the data loaded",
        description=textwrap.fill(
            "Bring in the releases listed in data/reference/releases.yaml that data/processed/ does not hold yet: "
            "each file is downloaded (or taken from --from FOLDER), checked (its checksum when known, otherwise "
            "its layout and edition), ingested as a new edition beside the old ones, and compared with the "
            "previous edition. A failure changes nothing. Editions already loaded are never replaced here."
        ),
        epilog=(
            "examples:\n  natospend update --check\n  natospend update --source nato\n"
            "  natospend update --from ~/Downloads"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    updating.add_argument("--check", action="store_true", help="only say which known releases are not loaded")
    updating.add_argument("--source", choices=("nato", "sipri", "imf"), help="one publisher only")
    updating.add_argument(
        "--from",
        dest="from_folder",
        type=Path,
        metavar="FOLDER",
        help="files you downloaded: recognised by checksum, published file name or layout",
    )
    updating.add_argument("--quiet", action="store_true", help="no progress bar")
    updating.set_defaults(handler=_cmd_update)

    from natospend.reports.commands import add_report_commands  # report commands: run, sweep, list

    add_report_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        require_project_root()
        return int(args.handler(args))
    except (NatospendError, OSError) as exc:
        if args.debug:
            raise
        print(printable(f"natospend {args.command}: error: {describe_error(exc)}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"natospend {args.command}: interrupted; nothing half-written was kept", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        # leave now: the worker pool's exit hooks would wait on workers that were just killed
        os._exit(130)


if __name__ == "__main__":
    sys.exit(main())
