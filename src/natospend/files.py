"""Replacing one file so that neither a link planted in its place nor a write cut short can harm it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path` whose name no one can plant beforehand (mkstemp: random,
    created exclusively), then rename it over `path`: a rename replaces a link planted there, never writes
    through it, and a failed write leaves the old file as it was."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(name, 0o644)  # mkstemp makes it 0600; reports are for everyone to read
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
