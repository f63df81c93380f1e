"""The Python type of a column's values: one mapping shared by the entity and row-type
generators, so ``Mapped[...]`` and a ``TypedDict`` field always agree.

The type is what SQLAlchemy hands back for the SQLAlchemy type (``python_type``), with
three deliberate choices: JSON is ``Any`` (a JSON column holds objects, arrays or scalars,
so ``dict`` would be a lie); enums are ``str`` (the labels as stored; a generated
``enum.Enum`` would make SQLAlchemy persist member *names*, and labels such as
``"in progress"`` are not identifiers); network addresses are ``str`` (what SQLAlchemy's
PostgreSQL drivers return by default). Anything unknown is ``Any``, never a guess.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .source import Import

if TYPE_CHECKING:
    from sqlalchemy.types import TypeEngine

ANY = Import("typing", "Any")


@dataclass(frozen=True)
class PythonType:
    """An annotation as source text and the imports it needs."""

    annotation: str
    imports: frozenset[Import] = frozenset()

    def optional(self, nullable: bool = True, spelling: str | None = None) -> PythonType:
        """``X | None`` when the value may be NULL (Python 3.10+ syntax), or
        ``Optional[X]`` with ``spelling`` the name a file gives ``typing.Optional``."""
        if not nullable:
            return self
        if spelling is not None:
            return PythonType(f"{spelling}[{self.annotation}]", self.imports)
        return PythonType(f"{self.annotation} | None", self.imports)


_BY_CLASS: dict[type, PythonType] = {
    bool: PythonType("bool"),
    int: PythonType("int"),
    float: PythonType("float"),
    str: PythonType("str"),
    bytes: PythonType("bytes"),
    decimal.Decimal: PythonType("decimal.Decimal", frozenset({Import("decimal")})),
    datetime.datetime: PythonType("datetime.datetime", frozenset({Import("datetime")})),
    datetime.date: PythonType("datetime.date", frozenset({Import("datetime")})),
    datetime.time: PythonType("datetime.time", frozenset({Import("datetime")})),
    datetime.timedelta: PythonType("datetime.timedelta", frozenset({Import("datetime")})),
    uuid.UUID: PythonType("uuid.UUID", frozenset({Import("uuid")})),
    list: PythonType("list[Any]", frozenset({ANY})),
    dict: PythonType("dict[str, Any]", frozenset({ANY})),
    set: PythonType("set[str]"),
}

#: Types whose ``python_type`` is missing or says ``object``, by class name.
_BY_NAME: dict[str, PythonType] = {
    "INET": PythonType("str"),
    "CIDR": PythonType("str"),
    "MACADDR": PythonType("str"),
    "MACADDR8": PythonType("str"),
    "BIT": PythonType("int"),
    "MONEY": PythonType("str"),
    "TSVECTOR": PythonType("str"),
    "CITEXT": PythonType("str"),
    "HSTORE": PythonType("dict[str, str | None]"),
    "SET": PythonType("set[str]"),  # MySQL SET: SQLAlchemy returns a set of labels
}

_ANY = PythonType("Any", frozenset({ANY}))


def python_type(type_: TypeEngine[Any]) -> PythonType:
    """The annotation for values of a SQLAlchemy type instance (not NULL-able)."""
    from sqlalchemy import ARRAY, JSON, Enum, Numeric
    from sqlalchemy.types import NullType

    if isinstance(type_, (NullType, JSON)):
        return _ANY
    if isinstance(type_, ARRAY):
        element = python_type(type_.item_type)
        for _ in range(type_.dimensions or 1):
            element = PythonType(f"list[{element.annotation}]", element.imports)
        return element
    if isinstance(type_, Enum):
        return _BY_CLASS[str]
    if isinstance(type_, Numeric):
        # Float is a Numeric too; asdecimal says which one the values come back as.
        return _BY_CLASS[decimal.Decimal if type_.asdecimal else float]
    named = _BY_NAME.get(type(type_).__name__)
    if named is not None:
        return named
    try:
        python = type_.python_type
    except NotImplementedError:
        return _ANY
    return _BY_CLASS.get(python, _ANY)
