"""Errors that name the place in the input and what was expected there."""

from __future__ import annotations

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
