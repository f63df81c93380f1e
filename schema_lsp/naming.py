"""Constraint and index names as SQLAlchemy computes them from a naming convention.

Mirrors ``sqlalchemy.sql.naming``: a convention applies to an object without a name, or to
any object when it uses ``%(constraint_name)s``; an explicit name otherwise wins. The
default convention (``MetaData()`` without one) names only indexes: ``ix_%(column_0_label)s``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_CONVENTION: Mapping[str, str] = {"ix": "ix_%(column_0_label)s"}

#: Convention keys by SQLAlchemy class name, so ``{UniqueConstraint: ...}`` works too.
_KEY_ALIASES = {
    "Index": "ix",
    "UniqueConstraint": "uq",
    "CheckConstraint": "ck",
    "ForeignKeyConstraint": "fk",
    "PrimaryKeyConstraint": "pk",
}
_TOKEN = re.compile(r"%\((\w+)\)s")
_COLUMN_TOKEN = re.compile(r"^(referred_)?column_(\d+)(_N|N)?_(name|key|label)$")


#: The template of every kind when the convention itself could not be read.
UNREADABLE_TEMPLATE = "%(unreadable_naming_convention)s"
UNREADABLE_MESSAGE = "constraint and index names (the naming convention could not be read)"


class NamingError(Exception):
    """The convention needs something the object does not give (e.g. no name for
    ``%(constraint_name)s``); SQLAlchemy would fail at DDL time."""


@dataclass(frozen=True)
class NamingTarget:
    """What a convention may refer to."""

    kind: str  # ix, uq, ck, fk, pk
    name: str | None
    table: str
    schema: str | None
    columns: Sequence[str]
    column_keys: Sequence[str] = ()
    referred_table: str | None = None
    referred_columns: Sequence[str] = ()
    unique: bool = False  # an index's


class TokenFunction:
    """A convention token given as a function (``"column_names": _column_names``), called
    as SQLAlchemy calls it with the object and its table; evaluated statically by the
    parser (``bases.read_convention``). Raises NamingError when it cannot be."""

    def __call__(self, target: NamingTarget) -> str:  # pragma: no cover - an interface
        raise NotImplementedError


def normalize_convention(convention: Mapping[object, object]) -> dict[str, Any]:
    """Keys by short kind; values that are not plain strings are dropped by the caller."""
    result: dict[str, Any] = {}
    for key, value in convention.items():
        name = key if isinstance(key, str) else getattr(key, "__name__", None)
        if not isinstance(name, str) or not isinstance(value, (str, TokenFunction)):
            continue
        result[_KEY_ALIASES.get(name, name)] = value
    return result


def is_conventional(convention: Mapping[str, str], target: NamingTarget) -> bool:
    """Whether the convention (not the written name) names the object: SQLAlchemy marks
    such names ``conv`` and shortens them when a dialect needs it."""
    template = convention.get(target.kind)
    return template is not None and (target.name is None or "%(constraint_name)s" in template)


def convention_name(convention: Mapping[str, str], target: NamingTarget) -> str | None:
    """The name SQLAlchemy gives the object (None: it stays unnamed, the database picks)."""
    template = convention.get(target.kind)
    if template is None:
        return target.name
    if target.name is not None and "%(constraint_name)s" not in template:
        return target.name
    values: dict[str, str] = {}
    for token in _TOKEN.findall(template):
        values[token] = _token_value(token, target, convention)
    try:
        return template % values
    except (KeyError, ValueError, TypeError) as exc:  # SQLAlchemy would fail the same way
        raise NamingError(f"the naming convention {template!r} is not valid") from exc


def _token_value(token: str, target: NamingTarget, convention: Mapping[str, str]) -> str:
    if token == "unreadable_naming_convention":
        raise NamingError(UNREADABLE_MESSAGE)
    if token == "table_name":
        return target.table
    if token == "constraint_name":
        if target.name is None:
            raise NamingError("the convention uses %(constraint_name)s but no name is given")
        return target.name
    if token == "referred_table_name":
        if target.referred_table is None:
            raise NamingError("%(referred_table_name)s outside a foreign key")
        return target.referred_table
    function = convention.get(token)
    if isinstance(function, TokenFunction):
        return function(target)
    match = _COLUMN_TOKEN.match(token)
    if match is None:
        raise NamingError(f"unknown naming convention token %({token})s")
    referred, index_text, multi, attribute = match.groups()
    names = list(target.referred_columns if referred else target.columns)
    if attribute == "key" and not referred:
        names = list(target.column_keys or target.columns)
    if attribute == "label":
        prefix = f"{target.schema}_{target.table}" if target.schema else target.table
        if referred:
            prefix = target.referred_table or ""
        names = [f"{prefix}_{name}" for name in names]
    index = int(index_text)
    if index >= len(names):
        raise NamingError(f"%({token})s: the object has no column {index}")
    if multi == "_N":
        return "_".join(names[index:])
    if multi == "N":
        return "".join(names[index:])
    return names[index]
