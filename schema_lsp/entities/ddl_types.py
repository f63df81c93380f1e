"""A column type written as DDL text, read back as the SQLAlchemy type a dialect reflects.

A project's ``@compiles`` override on a type makes SQLAlchemy emit the override's text
(``DATETIME(6)``) instead of the type's own DDL, so the database holds what that text means.
This module reads such text the way SQLAlchemy's reflection reads the database's column
types, with the dialect's own type tables: MySQL/MariaDB through the ``SHOW CREATE TABLE``
column parser, SQLite through its type-affinity rules, PostgreSQL through the reader of
``format_type`` output. A name those tables do not know falls back to SQLAlchemy's
SQL-standard type classes (``VARCHAR``, ``INTEGER``...); anything else is Unresolvable.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

from ..dialects.stored_types import compiler_dialect
from .values import Unresolvable

#: A quoted string (kept) or a comma with spaces around it (outside quotes).
_COMMAS = re.compile(r"('(?:[^'\\]|''|\\.)*')|\s*,\s*")
_ARGUMENTS = re.compile(r"^\s*([A-Za-z_][\w ]*?)\s*(?:\(([^()]*)\))?\s*$")


def type_from_ddl(text: str, dialect: str) -> Any:
    """The SQLAlchemy type ``dialect`` reflects for a column declared with ``text``;
    raises Unresolvable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "did not recognize type": answered below
        reader = _READERS.get(dialect)
        try:
            found = reader(text, dialect) if reader is not None else None
        except Exception:  # the dialect's parser refused the text
            found = None
        if found is None:
            found = _standard(text)
    if found is None:
        raise Unresolvable(f"{text!r} is not a type SQLAlchemy's {dialect} dialect knows")
    return found


def _known(type_: Any) -> Any:
    from sqlalchemy.types import NullType

    return None if type_ is None or isinstance(type_, NullType) else type_


def _mysql(text: str, dialect: str) -> Any:
    """As ``SHOW CREATE TABLE`` prints it: the type name in lower case, no spaces around
    the commas of its arguments, the rest as is."""
    from sqlalchemy.dialects.mysql.reflection import ReflectedState

    parser = _mysql_parser(dialect)
    text = _COMMAS.sub(lambda match: match[1] or ",", text)
    name, _, rest = text.strip().partition("(")
    head = name.split(None, 1)
    if not head:
        return None
    line = head[0].lower() + (" " + head[1] if len(head) > 1 else "") + ("(" + rest if rest else "")
    state = ReflectedState()
    parser._parse_column(f"  `c` {line},", state)
    columns = state.columns
    return _known(columns[0]["type"]) if columns else None


@cache
def _mysql_parser(name: str) -> Any:
    from sqlalchemy.dialects.mysql.reflection import MySQLTableDefinitionParser

    dialect: Any = compiler_dialect(name)  # MySQL's: the names that reach here are its own
    return MySQLTableDefinitionParser(dialect, dialect.identifier_preparer)


class _NoNamedTypes:
    """The enums and domains of a database: none are known while reading a model."""

    enums: dict[Any, Any] = {}
    domains: dict[Any, Any] = {}


_PG_BARE_TIME = re.compile(r"^(timestamp|time)(\s*\(\s*\d+\s*\))?$")


def _postgresql(text: str, dialect_name: str) -> Any:
    """As PostgreSQL's ``format_type`` prints it: lower case, and a bare ``timestamp(n)``
    or ``time(n)`` spelled out (the SQL standard makes it WITHOUT TIME ZONE)."""
    formatted = re.sub(r"\s+", " ", text.strip().lower())
    if _PG_BARE_TIME.match(formatted):
        formatted += " without time zone"
    dialect = _postgresql_dialect()
    return _known(dialect._reflect_type(formatted, _NoNamedTypes(), "a @compiles override", None))


@cache
def _postgresql_dialect() -> Any:
    from sqlalchemy.dialects.postgresql.base import PGDialect

    return PGDialect()


def _sqlite(text: str, dialect_name: str) -> Any:
    """SQLite keeps the declared text; SQLAlchemy reads it by type affinity."""
    from sqlalchemy.dialects.sqlite.base import SQLiteDialect

    return _known(SQLiteDialect()._resolve_type_affinity(text.strip()))


#: Each dialect's reader of DDL type text, as its reflection reads a column's type.
_READERS: dict[str, Callable[[str, str], Any]] = {
    "mysql": _mysql,
    "mariadb": _mysql,
    "postgresql": _postgresql,
    "sqlite": _sqlite,
}


@cache
def _standard_types() -> dict[str, type]:
    """SQLAlchemy's SQL-standard type classes, named as DDL names them (``VARCHAR``)."""
    import sqlalchemy.types as types

    result: dict[str, type] = {}
    for name in dir(types):
        value = getattr(types, name)
        if name.isupper() and isinstance(value, type) and issubclass(value, types.TypeEngine):
            result[name.replace("_", " ")] = value
    return result


def _standard(text: str) -> Any:
    """``VARCHAR(20)``, ``DOUBLE PRECISION``: a standard class with its size, if any."""
    match = _ARGUMENTS.match(text)
    if match is None:
        return None
    name = re.sub(r"\s+", " ", match[1]).upper()
    type_class = _standard_types().get(name)
    if type_class is None:
        return None
    if not match[2]:
        return type_class()
    try:
        args = [int(part) for part in match[2].split(",")]
    except ValueError:
        return None
    signature = inspect.signature(type_class)
    parameters = list(signature.parameters)
    if not parameters or parameters[0] not in ("length", "precision"):
        return None  # TIMESTAMP(6): its first argument is not a size
    try:
        return type_class(*args)
    except TypeError:
        return None
