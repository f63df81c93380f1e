"""Python names for database names: class names for tables, attribute names for columns.

Any table or column name must give a valid, unique Python name that shadows nothing the
generated module uses, because a class body evaluates its annotations in its own namespace:
an attribute named ``text`` would turn a later ``text(...)`` default into the attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .source import is_identifier

_WORD = re.compile(r"[A-Za-z0-9]+")


class NameAllocator:
    """Hands out unique, valid identifiers, never one of ``reserved``."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken: set[str] = set(reserved)

    def reserve(self, name: str) -> None:
        self._taken.add(name)

    def is_taken(self, name: str) -> bool:
        return name in self._taken

    def allocate(self, candidate: str) -> str:
        """``candidate`` made valid; ``_`` appended until it is free."""
        name = candidate
        while name in self._taken or not is_identifier(name):
            name += "_"
        self._taken.add(name)
        return name


def class_name(table_name: str) -> str:
    """PascalCase of a table name (``order_items`` -> ``OrderItems``), a valid identifier
    (``2fa codes`` -> ``T2faCodes``); uniqueness is the allocator's job."""
    words = _WORD.findall(table_name)
    name = "".join(word[:1].upper() + word[1:] for word in words)
    if not name:
        name = "Table"
    if name[0].isdigit():
        name = "T" + name
    return name


def attribute_name(column_name: str) -> str:
    """A column name as an identifier: other characters become ``_``, a leading digit gets
    a ``_`` prefix; keywords are made free by the allocator (``class`` -> ``class_``)."""
    name = re.sub(r"\W", "_", column_name, flags=re.ASCII) or "_"
    if name[0].isdigit():
        name = "_" + name
    return name
