"""Errors that name the place in the input and what was expected there."""

from __future__ import annotations

import errno
import unicodedata
from pathlib import Path


class NatospendError(Exception):
    """Base class for every error natospend raises on purpose."""


class InputError(NatospendError):
    """Bad input data: names file, sheet, row and column where known."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = Path(file).name if file is not None else None
        self.sheet = sheet
        self.row = row
        self.column = column
        self.expected = expected
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        text = (", ".join(where) + ": " if where else "") + self.problem
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class ParameterError(NatospendError, ValueError):
    """A notebook or command parameter is unknown, mistyped or out of range."""

    def __init__(self, name: str, problem: str, allowed: str | None = None) -> None:
        self.name = name
        text = f"parameter {name!r}: {problem}"
        if allowed:
            text += f"; allowed: {allowed}"
        super().__init__(text)


def describe_error(exc: BaseException) -> str:
    """One line for a user: what went wrong and where (a full disk and a read-only folder said plainly)."""
    if isinstance(exc, OSError) and not isinstance(exc, NatospendError):
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return f"the disk is full{where}: free some space and run again; nothing already there was changed"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"cannot write{where}: {exc.strerror}; the folder is read-only for this user"
        return f"{exc.strerror or exc}{where}"
    return str(exc)


def printable(text: str) -> str:
    """Text for the terminal with control and format characters (ESC, bidirectional overrides) shown escaped:
    a name echoed from a file, a folder or the command line cannot move the cursor or recolour the screen.
    Line breaks between a message's own lines stay."""
    return "".join(
        ch if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf") else ch.encode("unicode_escape").decode()
        for ch in text
    )
