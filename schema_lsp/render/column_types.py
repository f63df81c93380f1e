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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..schema import EnumSchema, Scalar, TypeSpec
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

#: What MariaDB (and MySQL before 8.0.19) reports as the display width of an integer
#: declared without one: (signed, unsigned). Writing it out would change nothing.
_MYSQL_DEFAULT_WIDTH = {
    "TINYINT": (4, 3),
    "SMALLINT": (6, 5),
    "MEDIUMINT": (9, 8),
    "INTEGER": (11, 10),
    "BIGINT": (20, 20),
}


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


def column_type(
    spec: TypeSpec,
    dialect: str,
    declared: str | None = None,
    enums: Sequence[EnumSchema] = (),
) -> TypeSource:
    """The simplest exact SQLAlchemy type for ``spec`` on ``dialect``, as source.
    ``declared`` is the column's type as the database spells it, and ``enums`` the
    database's named enums; they restore what the spec cannot hold (the element type
    of a PostgreSQL array, the labels of a MySQL SET)."""
    from sqlalchemy import Boolean
    from sqlalchemy.types import NullType

    target = dialect_for(dialect)
    if declared and spec.name == "SET" and not spec.args:
        values = _set_values(declared)
        if values:  # the spec has no labels: MySQL's SET keeps them as ``values``
            spec = TypeSpec(spec.class_path, values)
    original = spec.build()
    if isinstance(original, NullType):
        array = _array(spec, declared, dialect, enums) if declared else None
        return array if array is not None else _source(NullType, (), {})
    args = tuple(spec.args)
    kwargs = dict(spec.kwargs)
    name = spec.name
    if target.name in ("mysql", "mariadb"):
        if name == "TINYINT" and kwargs == {"display_width": 1}:
            return _source(Boolean, (), {})  # MySQL's BOOL *is* TINYINT(1)
        widths = _MYSQL_DEFAULT_WIDTH.get(name)
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


_ARRAY_ELEMENT = re.compile(
    r"(?P<name>[A-Z][A-Z_ ]*?)(?:\((?P<args>\d+(?:, \d+)*)\))?(?P<zone> WITH(?:OUT)? TIME ZONE)?"
)


def _array(
    spec: TypeSpec, declared: str, dialect: str, enums: Sequence[EnumSchema]
) -> TypeSource | None:
    """An ARRAY rebuilt from its declared type (``VARCHAR(20)[]``), used only if it
    compiles back to exactly that text; the model's TypeSpec keeps no element type."""
    import sqlalchemy

    if spec.name != "ARRAY" or not declared.endswith("[]"):
        return None
    element_text = declared
    dimensions = 0
    while element_text.endswith("[]"):
        element_text = element_text[:-2]
        dimensions += 1
    element = _array_element(element_text, dialect, enums)
    if element is None:
        return None
    item = column_type(TypeSpec.of(element), dialect)
    options: list[Expr] = [item.expression]
    if dimensions > 1:
        options.append(Keyword("dimensions", str(dimensions)))
    built = sqlalchemy.ARRAY(item.type, dimensions=dimensions if dimensions > 1 else None)
    if _compile(built, dialect_for(dialect)) != declared:
        return None
    reference, import_ = _reference(sqlalchemy.ARRAY)
    return TypeSource(built, Call(reference, *options), item.imports | {import_})


def _array_element(text: str, dialect: str, enums: Sequence[EnumSchema]) -> Any:
    """The element type an array's declared type names: a built-in type with its
    arguments (``NUMERIC(10, 2)``, ``TIMESTAMP(3) WITH TIME ZONE``) or a named enum."""
    import sqlalchemy

    for enum in enums:
        if text in (enum.name, f"{enum.schema}.{enum.name}"):
            return sqlalchemy.Enum(*enum.values, name=enum.name, schema=enum.schema)
    match = _ARRAY_ELEMENT.fullmatch(text)
    if match is None:
        return None
    class_name = match["name"].replace(" ", "_")
    types_module = importlib.import_module(f"sqlalchemy.dialects.{dialect_for(dialect).name}")
    element_class = getattr(types_module, class_name, None) or getattr(sqlalchemy, class_name, None)
    if not isinstance(element_class, type):
        return None
    numbers = [int(n) for n in match["args"].split(", ")] if match["args"] else []
    kwargs: dict[str, Scalar] = {}
    if match["zone"] is not None:
        kwargs["timezone"] = match["zone"] == " WITH TIME ZONE"
        if numbers:
            kwargs["precision"] = numbers.pop()
    try:
        return element_class(*numbers, **kwargs)
    except (TypeError, ValueError):
        return None


def _set_values(declared: str) -> tuple[str, ...]:
    """The labels of a declared ``SET('a','b')``."""
    match = re.fullmatch(r"SET\((.*)\)", declared)
    if match is None:
        return ()
    return tuple(v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", match[1]))


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
