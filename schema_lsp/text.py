"""Positions in source text, the one way every layer counts them.

Lines are 0-based and split where Python and LSP split them; columns count code points of
the line. ``ast`` reports UTF-8 byte offsets and editors count UTF-16 units (the language
server converts at its edge), so ``code_points`` is the one conversion from bytes.
``SourceRange`` and ``TextEdit`` are what the parser records and the fixers produce.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


class SourceRange(NamedTuple):
    """A span of one file. Lines and columns are 0-based; columns count code points of the
    line (the language server converts them to the client's position encoding).

    A named tuple rather than a dataclass: the parser makes three per column, and a tuple
    is several times cheaper to build and is left alone by the cyclic collector."""

    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int


#: Where a line ends for Python and for LSP: ``\n``, ``\r\n`` or ``\r`` (``str.splitlines``
#: would also split at form feeds and other separators, and shift every later line).
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def source_lines(text: str) -> list[str]:
    """The lines of a source text as ``SourceRange`` counts them, each with its break."""
    return [line for line in _LINE_END.split(text) if line]


def code_points(line: str, byte_offset: int) -> int:
    """The code-point column of a UTF-8 byte offset into ``line`` (what ``ast`` reports
    as ``col_offset``); an offset inside a character counts up to that character."""
    if line.isascii():
        return byte_offset
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))


@dataclass(frozen=True)
class TextEdit:
    """Replace ``range`` (0-based lines, code-point columns) with ``new_text``."""

    range: SourceRange
    new_text: str


def apply_edits(source_text: str, edits: Iterable[TextEdit]) -> str:
    """The text after the edits (non-overlapping; applied from the end so earlier
    positions stay valid)."""
    lines = source_lines(source_text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(line: int, column: int) -> int:
        if line >= len(lines):
            return len(source_text)
        return offsets[line] + column

    text = source_text
    ordered = sorted(edits, key=lambda e: (e.range.start_line, e.range.start_column), reverse=True)
    for edit in ordered:
        start = offset(edit.range.start_line, edit.range.start_column)
        end = offset(edit.range.end_line, edit.range.end_column)
        text = text[:start] + edit.new_text + text[end:]
    return text
