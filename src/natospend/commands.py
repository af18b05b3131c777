"""Report commands of the `natospend` CLI (run, sweep, list): filled in by the report runner."""

from __future__ import annotations

import argparse


def add_report_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    return None
