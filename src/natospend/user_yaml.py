"""YAML that users write (parameter files, `-y` values), read with bounds set before parsing.

PyYAML's safe loader builds no objects but expands aliases: 617 bytes of nested anchors (a "billion
laughs") become gigabytes. A parameter file is a few lines, so this reader refuses aliases outright, caps the
size it reads, and refuses a key given twice in one mapping (YAML's last-one-wins would drop the first
silently), each with the line where it happens.
"""

from __future__ import annotations

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
            try:
                first = seen.setdefault(key, line)
            except TypeError:  # an unhashable key: let PyYAML say so
                continue
            if first != line:
                raise UserYamlError(f"line {line}: {key!r} is given twice (first on line {first}); give it once")
        return super().construct_mapping(node, deep)


def parse(text: str) -> Any:
    """One YAML document from a user, bounded: UserYamlError for aliases, duplicate keys or bad YAML."""
    try:
        return yaml.load(text, Loader=_BoundedLoader)
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
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UserYamlError(f"{size:,} bytes; a parameter file is read up to {MAX_FILE_BYTES:,} bytes")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise UserYamlError(f"line {line}: not UTF-8 text") from None
    return parse(text)
