"""Which migration steps can lose data, decided from the schema alone (schema-lsp never
reads table rows), and the query a user can run to find the rows they would touch.

A type change loses data when the new type cannot hold every value of the old one: a
shorter or bounded string, a narrower integer, fewer digits, a float made exact, a time
part or zone dropped, enum labels removed, or a change of family whose conversion can fail
or round. Widening changes (a longer string, a wider integer, anything to unbounded text)
do not. A database that does not enforce declared types (SQLite keeps whatever a column
holds) loses nothing by a type change. ``NULL -> NOT NULL`` loses rows' NULLs (MySQL turns
them into zeros and empty strings outside strict mode; elsewhere the step fails).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import sqltypes

from ..dialects import rules_for


@dataclass(frozen=True)
class DataLoss:
    """Why a step can lose data, and a query counting the rows it would touch."""

    why: str
    rows: str


#: Integer types by the bytes they store (MySQL's TINYINT and MEDIUMINT by name).
_INTEGER_BYTES = {"TINYINT": 1, "SMALLINT": 2, "MEDIUMINT": 3, "INTEGER": 4, "INT": 4, "BIGINT": 8}


def type_change_loss(
    table: str, schema: str | None, column: str, old: Any, new: Any, dialect: str
) -> DataLoss | None:
    """The loss of changing ``column`` from the database's ``old`` type to the model's
    ``new`` one, or None when every old value fits."""
    if not rules_for(dialect).enforces_column_types:
        return None
    target = _column(table, schema, column)
    found = _narrowing(old, new, target, dialect)
    if found is None:
        return None
    why, condition = found
    return DataLoss(why, _count(target, condition, dialect))


def not_null_loss(table: str, schema: str | None, column: str, dialect: str) -> DataLoss:
    target = _column(table, schema, column)
    return DataLoss(
        "its NULLs have no value to become (MySQL outside strict mode makes them 0 or '', "
        "other databases refuse the change)",
        _count(target, target.is_(None), dialect),
    )


def dropped_column_rows(table: str, schema: str | None, column: str, dialect: str) -> str:
    target = _column(table, schema, column)
    return _count(target, target.is_not(None), dialect)


def dropped_table_rows(table: str, schema: str | None, dialect: str) -> str:
    return _count(sa.table(table, schema=schema), None, dialect)


def _narrowing(old: Any, new: Any, column: Any, dialect: str) -> tuple[str, Any] | None:
    """(what is lost, a condition true for the rows that lose it), or None."""
    old_family, new_family = _family(old), _family(new)
    if new_family == "string" and _length(new) is None and not isinstance(new, sa.Enum):
        return None  # unbounded text holds any value's text
    if isinstance(old, sa.Enum) and isinstance(new, sa.Enum):
        removed = [label for label in old.enums if label not in new.enums]
        if not removed:
            return None
        return (
            f"the labels {', '.join(map(repr, removed))} are removed",
            column.in_(removed),
        )
    if old_family == "string" and new_family == "string":
        if isinstance(new, sa.Enum):
            return "values that are not one of its labels do not fit", column.not_in(new.enums)
        old_length, new_length = _length(old), _length(new)
        if old_length is not None and new_length is not None and new_length >= old_length:
            return None
        if old_length is None and isinstance(old, sa.Enum):
            longest = max((len(label) for label in old.enums), default=0)
            if new_length is not None and new_length >= longest:
                return None
        return (
            f"values longer than {new_length} characters are cut or refused",
            sa.func.char_length(column) > new_length,
        )
    if old_family == "integer" and new_family == "integer":
        old_bytes, new_bytes = _integer_bytes(old), _integer_bytes(new)
        if new_bytes >= old_bytes:
            return None
        low, high = -(2 ** (8 * new_bytes - 1)), 2 ** (8 * new_bytes - 1) - 1
        return (
            f"values outside {low}..{high} do not fit",
            sa.or_(column < low, column > high),
        )
    if old_family in ("integer", "numeric") and new_family == "numeric" and _exact(new):
        new_precision, new_scale = new.precision, new.scale or 0
        if new_precision is None:
            return None  # PostgreSQL's unbounded numeric
        if old_family == "integer":
            digits = len(str(2 ** (8 * _integer_bytes(old) - 1)))
            if new_precision - new_scale >= digits:
                return None
            old_scale = 0
        else:
            old_precision, old_scale = old.precision, old.scale or 0
            if (
                old_precision is not None
                and new_scale >= old_scale
                and new_precision - new_scale >= old_precision - old_scale
            ):
                return None
        whole = new_precision - new_scale
        lost = [f"more than {whole} digits before the point"]
        condition = sa.func.abs(column) >= 10**whole
        if old_scale > new_scale or (old_family == "numeric" and old.precision is None):
            lost.append(f"more than {new_scale} after it")
            condition = sa.or_(condition, column != sa.func.round(column, new_scale))
        return f"values with {' or '.join(lost)} do not fit or are rounded", condition
    if old_family == "integer" and new_family == "string":
        digits = len(str(-(2 ** (8 * _integer_bytes(old) - 1))))
        length = _length(new)
        if length is None or length >= digits:
            return None
        return (
            f"values of more than {length} characters (sign included) are cut or refused",
            sa.or_(column >= 10**length, column <= -(10 ** (length - 1))),
        )
    if old_family == "numeric" and new_family == "integer":
        return "fractions are rounded away", column != sa.func.round(column, 0)
    if old_family == "datetime" and new_family == "date":
        return "the time of day is dropped", column.is_not(None)
    if old_family == new_family == "datetime":
        if getattr(old, "timezone", False) and not getattr(new, "timezone", False):
            return "the time zone of each value is dropped", column.is_not(None)
        if _fraction_digits(new, dialect) < _fraction_digits(old, dialect):
            return "fractions of a second are rounded", column.is_not(None)
        return None
    if old_family == "date" and new_family == "datetime":
        return None
    same_other = old_family == new_family == "other" and _visit_name(old) == _visit_name(new)
    if old_family == new_family and (old_family in ("float", "boolean", "binary") or same_other):
        if old_family == "float" and _float_bits(new) < _float_bits(old):
            return "values lose precision", column.is_not(None)
        new_length = _length(new)
        if old_family == "binary" and new_length is not None:
            old_length = _length(old)
            if old_length is None or new_length < old_length:
                return (
                    f"values longer than {_length(new)} bytes are cut or refused",
                    sa.func.length(column) > _length(new),
                )
        return None
    if old_family == "integer" and new_family == "float" and _integer_bytes(old) < 8:
        return None  # a double holds every integer of up to 32 bits
    if old_family == "boolean" and new_family == "integer":
        return None
    return (
        f"each value is converted from {type_name(old, dialect)} to "
        f"{type_name(new, dialect)}; values that do not convert are refused or changed",
        column.is_not(None),
    )


def _family(type_: Any) -> str:
    if isinstance(type_, (sa.Enum, sa.String)):
        return "string"
    if isinstance(type_, sa.Boolean):
        return "boolean"
    if isinstance(type_, sa.Integer):
        return "integer"
    if isinstance(type_, sa.Float):
        return "float"
    if isinstance(type_, sa.Numeric):
        return "numeric"
    if isinstance(type_, sa.DateTime):
        return "datetime"
    if isinstance(type_, sa.Date):
        return "date"
    if isinstance(type_, (sa.LargeBinary, sqltypes._Binary)):
        return "binary"
    return "other"


def _visit_name(type_: Any) -> str:
    """The type's generic name (``JSONB``, ``UUID``, ``ARRAY``): other types of one name
    convert into each other; of two names, a conversion may fail or change values."""
    return str(getattr(type_, "__visit_name__", type(type_).__name__)).lower()


def _length(type_: Any) -> int | None:
    return getattr(type_, "length", None)


def _fraction_digits(type_: Any, dialect: str) -> int:
    """Digits after the second: ``TIMESTAMP(3)``, MySQL's ``DATETIME(fsp=6)``; unsaid,
    the dialect's default (``DialectRules.default_fraction_digits``)."""
    for attribute in ("fsp", "precision"):
        value = getattr(type_, attribute, None)
        if isinstance(value, int):
            return value
    return rules_for(dialect).default_fraction_digits


def _exact(type_: Any) -> bool:
    return isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float)


def _integer_bytes(type_: Any) -> int:
    name = type(type_).__name__.upper()
    if name in _INTEGER_BYTES:
        return _INTEGER_BYTES[name]
    if isinstance(type_, sa.BigInteger):
        return 8
    if isinstance(type_, sa.SmallInteger):
        return 2
    return 4


def _float_bits(type_: Any) -> int:
    """Mantissa bits: 24 for single precision (REAL, FLOAT(<=24), MySQL's FLOAT), else 53."""
    precision = getattr(type_, "precision", None)
    if precision is not None:
        return 24 if precision <= 24 else 53
    name = type(type_).__name__.upper()
    mysql = type(type_).__module__.startswith("sqlalchemy.dialects.mysql")
    return 24 if name == "REAL" or (name == "FLOAT" and mysql) else 53


def type_name(type_: Any, dialect: str) -> str:
    """A type as the dialect's DDL writes it (``VARCHAR(100)``), for messages."""
    from .column_types import dialect_for

    try:
        return str(type_.compile(dialect=dialect_for(dialect)))
    except Exception:  # a type the dialect cannot render
        return type(type_).__name__


def _column(table: str, schema: str | None, column: str) -> Any:
    return sa.table(table, sa.column(column), schema=schema).c[column]


def _count(target: Any, condition: Any, dialect: str) -> str:
    """``SELECT count(*) FROM t WHERE ...`` in the dialect's SQL, identifiers quoted."""
    from .column_types import dialect_for

    table = target if isinstance(target, sa.TableClause) else target.table
    query = sa.select(sa.func.count().label("rows")).select_from(table)
    if condition is not None:
        query = query.where(condition)
    compiled = query.compile(dialect=dialect_for(dialect), compile_kwargs={"literal_binds": True})
    return " ".join(str(compiled).split())
