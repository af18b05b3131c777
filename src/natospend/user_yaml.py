"""YAML that users write (parameter files, `-y` values), read with bounds set before parsing.

PyYAML's safe loader builds no objects but expands aliases: 617 bytes of nested anchors (a "billion
laughs") become gigabytes. A parameter file is a few lines, so this reader refuses aliases outright, caps the
size it reads, and refuses a key given twice in one mapping (YAML's last-one-wins would drop the first
silently), each with the line where it happens.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 64 * 1024  # the shipped parameter files are under 1 KB; a sweep's list of values fits easily
MAX_VALUE_CHARACTERS = 4 * 1024  # one `-y` value


class UserYamlError(ValueError):
    """YAML a user gave that natospend will not read: says what and where (line, 1-based)."""


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, without aliases and without duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise UserYamlError(
                f"line {event.start_mark.line + 1}: aliases (*{event.anchor}) are not read in parameters; "
                "write each value out"
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):  # parameter and notebook names are text: `1:` or `null:` is a slip
                raise UserYamlError(f"line {line}: the key {key!r} is a {type(key).__name__}; names are text")
            if key in seen:  # on two lines, or twice in one {flow: mapping}
                raise UserYamlError(f"line {line}: {key!r} is given twice (first on line {seen[key]}); give it once")
            seen[key] = line
        return super().construct_mapping(node, deep)


def parse(text: str) -> Any:
    """One YAML document from a user, bounded: UserYamlError for aliases, duplicate keys or bad YAML."""
    try:
        return yaml.load(text, Loader=_BoundedLoader)
    except RecursionError:
        raise UserYamlError("nested too deeply (a parameter is a value or a short list)") from None
    except ValueError as error:  # an integer of thousands of digits (Python's conversion limit), and the like
        if isinstance(error, UserYamlError):
            raise
        raise UserYamlError(f"a value natospend cannot read ({str(error)[:80]})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise UserYamlError(f"{where}not valid YAML ({problem})") from None


def parse_value(text: str) -> Any:
    """A `-y` value: at most MAX_VALUE_CHARACTERS, then as parse()."""
    if len(text) > MAX_VALUE_CHARACTERS:
        raise UserYamlError(f"{len(text):,} characters; at most {MAX_VALUE_CHARACTERS:,} are read")
    return parse(text)


def read_file(path: Path) -> Any:
    """A parameter file: its size is checked before a byte is read, then UTF-8, then parse()."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise UserYamlError("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise UserYamlError(f"{info.st_size:,} bytes; a parameter file is read up to {MAX_FILE_BYTES:,} bytes")
        with path.open("rb") as handle:  # at most one byte more than allowed, whatever stat said
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UserYamlError(f"cannot read it ({error.strerror or error})") from None
    if len(data) > MAX_FILE_BYTES:
        raise UserYamlError(f"more than {MAX_FILE_BYTES:,} bytes; a parameter file is read up to that")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UserYamlError(f"line {line}: not UTF-8 text") from None
    return parse(text)
