"""Which SQLAlchemy type a generated model uses for a column, and its source text.

A generic type (``String(50)``, ``Numeric(10, 2)``, ``DateTime(timezone=True)``) is used
only where it is exact: where it compiles to the same DDL as the reflected type on the
database's dialect, so ``create_all`` from the generated model gives back the same table.
Otherwise the SQL-standard upper-case type (``DECIMAL``, ``TIMESTAMP``) is tried, and last
the dialect's own type (``postgresql.JSONB``, ``mysql.INTEGER(unsigned=True)``).
Constructor arguments that do not change the DDL (PostgreSQL's ``precision=53`` on
``DOUBLE PRECISION``, MariaDB's default display widths) are left out.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..dialects import rules_for
from ..schema import Scalar, TypeSpec
from .source import Atom, Call, Expr, Import, Keyword, string

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.types import TypeEngine

#: The generic (CamelCase) type that may stand in for a reflected type, by class name.
_GENERIC = {
    "VARCHAR": "String",
    "TEXT": "Text",
    "INTEGER": "Integer",
    "INT": "Integer",
    "BIGINT": "BigInteger",
    "SMALLINT": "SmallInteger",
    "NUMERIC": "Numeric",
    "DECIMAL": "Numeric",
    "FLOAT": "Float",
    "DOUBLE": "Double",
    "DOUBLE_PRECISION": "Double",
    "TIMESTAMP": "DateTime",
    "DATETIME": "DateTime",
    "DATE": "Date",
    "TIME": "Time",
    "INTERVAL": "Interval",
    "BOOLEAN": "Boolean",
    "JSON": "JSON",
    "UUID": "Uuid",
    "BLOB": "LargeBinary",
    "BYTEA": "LargeBinary",
    "ENUM": "Enum",
}

#: Arguments written positionally, as people write them: ``String(50)``, ``Numeric(10, 2)``.
_POSITIONAL = ("length", "precision", "scale", "display_width")


@dataclass(frozen=True)
class TypeSource:
    """The chosen SQLAlchemy type: the instance, its source expression and imports."""

    type: TypeEngine[Any]
    expression: Expr
    imports: frozenset[Import]


def dialect_for(name: str) -> Dialect:
    """A dialect instance to compile types with (no driver needed)."""
    module = {"mariadb": "mysql"}.get(name, name)
    try:
        dialect_module = importlib.import_module(f"sqlalchemy.dialects.{module}")
    except ImportError:
        from sqlalchemy.engine.default import DefaultDialect

        return DefaultDialect()
    dialect: Dialect = dialect_module.dialect()
    return dialect


def column_type(spec: TypeSpec, dialect: str) -> TypeSource:
    """The simplest exact SQLAlchemy type for ``spec`` on ``dialect``, as source."""
    from sqlalchemy import Boolean
    from sqlalchemy.types import NullType

    target = dialect_for(dialect)
    if spec.item_type is not None:
        return _array(spec, dialect)
    original = spec.build()
    if isinstance(original, NullType):
        return _source(NullType, (), {})
    args = tuple(spec.args)
    kwargs = dict(spec.kwargs)
    name = spec.name
    rules = rules_for(dialect)
    if rules.booleans_are_integers and name == "TINYINT" and kwargs == {"display_width": 1}:
        return _source(Boolean, (), {})  # MySQL's BOOL *is* TINYINT(1)
    widths = rules.display_widths.get(name)  # written out, a default width changes nothing
    if widths and kwargs.get("display_width") == widths[bool(kwargs.get("unsigned"))]:
        del kwargs["display_width"]
        original = type(original)(*args, **kwargs)
    ddl = _compile(original, target)
    original_class = type(original)
    if ddl is None:  # nothing to prove a stand-in exact with
        return _source(original_class, args, kwargs)
    for candidate in _candidates(original_class):
        try:
            built = candidate(*args, **kwargs)
        except (TypeError, ValueError):
            continue
        if _compile(built, target) != ddl:
            continue
        kept = _minimal_kwargs(candidate, args, kwargs, ddl, target)
        return _source(candidate, args, kept)
    return _source(original_class, args, kwargs)


def _array(spec: TypeSpec, dialect: str) -> TypeSource:
    """``ARRAY(<element>)``, the element chosen like any column type."""
    import sqlalchemy

    assert spec.item_type is not None
    item = column_type(spec.item_type, dialect)
    dimensions = spec.kwarg("dimensions")
    options: list[Expr] = [item.expression]
    if isinstance(dimensions, int) and dimensions > 1:
        options.append(Keyword("dimensions", str(dimensions)))
    built = sqlalchemy.ARRAY(
        item.type, dimensions=dimensions if isinstance(dimensions, int) else None
    )
    reference, import_ = _reference(sqlalchemy.ARRAY)
    return TypeSource(built, Call(reference, *options), item.imports | {import_})


def _candidates(original: type) -> list[type]:
    import sqlalchemy

    found: list[type] = []
    generic = _GENERIC.get(original.__name__)
    for candidate_name in (generic, original.__name__):
        candidate = getattr(sqlalchemy, candidate_name, None) if candidate_name else None
        if isinstance(candidate, type) and candidate not in found:
            found.append(candidate)
    if original not in found:
        found.append(original)
    return found


def _compile(type_: TypeEngine[Any], dialect: Dialect) -> str | None:
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # an uncompilable type only loses the comparison
        return None


def _minimal_kwargs(
    candidate: type,
    args: tuple[Scalar, ...],
    kwargs: dict[str, Scalar],
    ddl: str | None,
    dialect: Dialect,
) -> dict[str, Scalar]:
    kept = dict(kwargs)
    for key in list(kept):
        trial = {k: v for k, v in kept.items() if k != key}
        try:
            same = _compile(candidate(*args, **trial), dialect) == ddl
        except (TypeError, ValueError):
            same = False
        if same:
            kept = trial
    return kept


def _source(type_class: type, args: tuple[Scalar, ...], kwargs: dict[str, Scalar]) -> TypeSource:
    built = type_class(*args, **kwargs)
    reference, import_ = _reference(type_class)
    items: list[Expr] = [_literal(arg) for arg in args]
    positional = _positional_names(type_class) if not args else ()
    remaining = dict(kwargs)
    for name in positional:
        if name not in remaining:
            break
        items.append(_literal(remaining.pop(name)))
    items += [Keyword(key, _literal(value)) for key, value in sorted(remaining.items())]
    expression: Expr = Call(reference, *items) if items else Atom(reference)
    return TypeSource(built, expression, frozenset({import_}))


@cache
def _positional_names(type_class: type) -> tuple[str, ...]:
    """The leading parameters of the constructor that read well positionally."""
    try:
        parameters = list(inspect.signature(type_class).parameters.values())
    except (TypeError, ValueError):
        return ()
    names = []
    for parameter in parameters:
        if parameter.kind is not parameter.POSITIONAL_OR_KEYWORD:
            break
        if parameter.name not in _POSITIONAL:
            break
        names.append(parameter.name)
    return tuple(names)


def _reference(type_class: type) -> tuple[str, Import]:
    """How generated code names a type class: ``String`` from ``sqlalchemy``, dialect types
    through their dialect module (``postgresql.JSONB``) so they never clash with generic
    types of the same name."""
    import sqlalchemy

    name = type_class.__name__
    if getattr(sqlalchemy, name, None) is type_class:
        return name, Import("sqlalchemy", name)
    if getattr(sqlalchemy.types, name, None) is type_class:
        return name, Import("sqlalchemy.types", name)
    module = type_class.__module__
    parts = module.split(".")
    if len(parts) >= 3 and parts[:2] == ["sqlalchemy", "dialects"]:
        package = importlib.import_module(".".join(parts[:3]))
        if getattr(package, name, None) is type_class:
            return f"{parts[2]}.{name}", Import("sqlalchemy.dialects", parts[2])
    return name, Import(module, name)


def _literal(value: Scalar) -> str:
    if isinstance(value, str):
        return string(value)
    return repr(value)
