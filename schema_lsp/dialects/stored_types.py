"""What each database stores for a SQLAlchemy type: the canonical form ``types.py``
compares (``CanonicalType``), worked out per dialect from SQLAlchemy's own type classes and
attributes, never by parsing type names. The one place that knows MySQL's size classes,
PostgreSQL's native enums and intervals, and SQLite's affinities."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.types import TypeEngine

#: MySQL's text and blob size classes, smallest first, with their maximum size in bytes.
_MYSQL_TEXT_SIZES = (("tinytext", 255), ("text", 65535), ("mediumtext", 16777215))
_MYSQL_BLOB_SIZES = (("tinyblob", 255), ("blob", 65535), ("mediumblob", 16777215))
_MYSQL_SIZE_CLASS = {
    "TINYTEXT": "tinytext",
    "MEDIUMTEXT": "mediumtext",
    "LONGTEXT": "longtext",
    "TINYBLOB": "tinyblob",
    "MEDIUMBLOB": "mediumblob",
    "LONGBLOB": "longblob",
}

#: SQLite's column affinity of each family: types of one affinity store values alike.
_SQLITE_AFFINITY = {
    "integer": "INTEGER",
    "bigint": "INTEGER",
    "smallint": "INTEGER",
    "tinyint": "INTEGER",
    "mediumint": "INTEGER",
    "string": "TEXT",
    "char": "TEXT",
    "text": "TEXT",
    "json": "NUMERIC",
    "uuid": "TEXT",
    "numeric": "NUMERIC",
    "boolean": "NUMERIC",
    "datetime": "NUMERIC",
    "date": "NUMERIC",
    "time": "NUMERIC",
    "double": "REAL",
    "float": "REAL",
    "blob": "BLOB",
}


@dataclass(frozen=True)
class CanonicalType:
    """A column type as one dialect stores it, comparable across the model and the database.

    ``family`` names the storage kind (``integer``, ``bigint``, ``smallint``, ``tinyint``,
    ``string`` (varchar), ``char``, ``text`` (MySQL: ``tinytext``/``mediumtext``/
    ``longtext`` too), ``numeric``, ``float`` (single precision), ``double``, ``boolean``,
    ``datetime``, ``timestamp`` (MySQL's own TIMESTAMP), ``date``, ``time``, ``interval``,
    ``json``, ``jsonb``, ``uuid``, ``blob`` (MySQL size classes as for text), ``binary``,
    ``varbinary``, ``enum``, ``set`` (MySQL), ``citext``, ``year``, or ``other``: any other
    type, compared by its DDL). Fields the dialect does not store are None. ``ddl`` is the
    dialect's spelling of the type.
    """

    family: str
    ddl: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    timezone: bool | None = None
    unsigned: bool = False
    collation: str | None = None
    enum_values: tuple[str, ...] | None = None
    enum_name: str | None = None


@cache
def compiler_dialect(name: str) -> Dialect:
    """A dialect instance to compile with (no driver, no connection needed)."""
    if name in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import base as mysql

        dialect: Dialect = mysql.MySQLDialect(is_mariadb=name == "mariadb")
        return dialect
    try:
        module = importlib.import_module(f"sqlalchemy.dialects.{name}")
        dialect = module.dialect()
    except (ImportError, AttributeError):
        from sqlalchemy.engine.default import DefaultDialect

        dialect = DefaultDialect()
    return dialect


def _is_mysql(dialect: Dialect) -> bool:
    return dialect.name in ("mysql", "mariadb")


def compile_type(type_: TypeEngine[Any], dialect: Dialect) -> str:
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # a type this dialect cannot render (String() on MySQL)
        return type(type_).__name__.upper()


def canonical(type_: TypeEngine[Any], dialect: Dialect) -> CanonicalType | None:
    """Map a SQLAlchemy type to what ``dialect`` stores for it. Order matters: subclasses
    (Enum of String, Boolean-like TINYINT of Integer, JSONB of JSON) are tested first."""
    from sqlalchemy.sql import sqltypes
    from sqlalchemy.types import NullType, TypeDecorator

    if isinstance(type_, sqltypes.Interval):
        # Native on PostgreSQL; elsewhere SQLAlchemy stores an epoch-based DATETIME.
        if dialect.name == "postgresql":
            return CanonicalType(family="interval", ddl=compile_type(type_, dialect))
        return canonical(sqltypes.DateTime(), dialect)
    while isinstance(type_, TypeDecorator):
        type_ = type_.load_dialect_impl(dialect)
    if isinstance(type_, NullType):
        return None
    ddl = compile_type(type_, dialect)
    mysql = _is_mysql(dialect)
    postgresql = dialect.name == "postgresql"
    sqlite = dialect.name == "sqlite"
    collation = _lower(getattr(type_, "collation", None))

    def make(family: str, **values: Any) -> CanonicalType:
        return CanonicalType(family=family, ddl=ddl, **values)

    if isinstance(type_, sqltypes.ARRAY):
        return make("array")
    if isinstance(type_, sqltypes.Enum):
        values = tuple(str(v) for v in type_.enums)
        if type_.native_enum and postgresql:
            return make("enum", enum_values=values, enum_name=type_.name)
        if type_.native_enum and mysql:
            return make("enum", enum_values=values, collation=collation)
        return make("string", length=type_.length, enum_values=values, collation=collation)
    if isinstance(type_, sqltypes.Boolean):
        return make("boolean")
    class_name = type(type_).__name__.upper()
    if mysql and class_name == "SET":
        return make("set", enum_values=tuple(str(v) for v in getattr(type_, "values", ())))
    if postgresql and class_name == "CITEXT":
        return make("citext", collation=collation)  # case-insensitive: not TEXT
    if isinstance(type_, sqltypes.Integer):
        unsigned = bool(getattr(type_, "unsigned", False))
        if mysql and class_name == "TINYINT" and getattr(type_, "display_width", None) == 1:
            return make("boolean")  # MySQL's BOOL is TINYINT(1)
        if class_name in ("TINYINT", "MEDIUMINT"):
            return make(class_name.lower(), unsigned=unsigned)
        if isinstance(type_, sqltypes.BigInteger):
            return make("bigint", unsigned=unsigned)
        if isinstance(type_, sqltypes.SmallInteger):
            return make("smallint", unsigned=unsigned)
        return make("integer", unsigned=unsigned)
    if isinstance(type_, sqltypes.Float):
        return make(_float_family(type_, dialect), unsigned=bool(getattr(type_, "unsigned", 0)))
    if isinstance(type_, sqltypes.Numeric):
        precision, scale = type_.precision, type_.scale
        if mysql:
            precision = 10 if precision is None else precision
            scale = 0 if scale is None else scale
        elif precision is not None and scale is None:
            scale = 0  # NUMERIC(p) is NUMERIC(p, 0) in SQL
        return make(
            "numeric",
            precision=precision,
            scale=scale,
            unsigned=bool(getattr(type_, "unsigned", False)),
        )
    if isinstance(type_, sqltypes.DateTime):
        if mysql:
            family = "timestamp" if isinstance(type_, sqltypes.TIMESTAMP) else "datetime"
            return make(family, precision=getattr(type_, "fsp", None) or 0)
        if postgresql:
            return make("datetime", timezone=bool(type_.timezone), precision=_pg_fraction(type_))
        return make("datetime")
    if isinstance(type_, sqltypes.Date):
        return make("date")
    if isinstance(type_, sqltypes.Time):
        if postgresql:
            return make("time", timezone=bool(type_.timezone), precision=_pg_fraction(type_))
        return make("time", precision=(getattr(type_, "fsp", None) or 0) if mysql else None)
    if mysql and class_name == "YEAR":
        return make("year")  # YEAR(4) is YEAR: the display width is all that differs
    if isinstance(type_, sqltypes._AbstractInterval):
        return make("interval", precision=getattr(type_, "precision", None))
    if isinstance(type_, sqltypes.JSON):
        if postgresql and class_name == "JSONB":
            return make("jsonb")
        return make("json")
    if isinstance(type_, sqltypes.Uuid):
        if type_.native_uuid and (postgresql or mysql or isinstance(type_, sqltypes.UUID)):
            return make("uuid")
        return make("char", length=32)
    if isinstance(type_, (sqltypes.Text, sqltypes.CLOB)) or (
        isinstance(type_, sqltypes.String) and class_name in _MYSQL_SIZE_CLASS
    ):
        family = "text"
        if mysql:
            # Text(n) stays "text": the server picks the size class from n characters.
            family = _MYSQL_SIZE_CLASS.get(class_name, "text")
        length = type_.length if sqlite else None
        return make(family, length=length, collation=collation)
    if isinstance(type_, sqltypes.String):
        fixed = isinstance(type_, (sqltypes.CHAR, sqltypes.NCHAR))
        return make("char" if fixed else "string", length=type_.length, collation=collation)
    if isinstance(type_, sqltypes.LargeBinary) or (mysql and class_name in _MYSQL_SIZE_CLASS):
        family = "blob"
        if mysql:
            family = _MYSQL_SIZE_CLASS.get(class_name, "blob")
            length = getattr(type_, "length", None)
            if family == "blob" and length:
                family = _size_class(length, _MYSQL_BLOB_SIZES, "longblob")
        return make(family)
    if isinstance(type_, (sqltypes.BINARY, sqltypes.VARBINARY)):
        family = "varbinary" if isinstance(type_, sqltypes.VARBINARY) else "binary"
        return make(family, length=type_.length)
    return make("other")


def _pg_fraction(type_: Any) -> int:
    """Fractional second digits of a PostgreSQL timestamp/time: 6 unless declared."""
    precision = getattr(type_, "precision", None)
    return 6 if precision is None else int(precision)


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def _float_family(type_: Any, dialect: Dialect) -> str:
    """Single (``float``) or double precision, as the dialect stores the declared type:
    PostgreSQL ``FLOAT`` is double, MySQL ``FLOAT`` is single and ``REAL`` double, and
    SQLite keeps every float as an 8-byte REAL."""
    from sqlalchemy.sql import sqltypes

    if dialect.name == "sqlite":
        return "double"
    if isinstance(type_, sqltypes.Double):
        return "double"
    if isinstance(type_, sqltypes.REAL):
        return "double" if _is_mysql(dialect) else "float"
    precision = type_.precision
    if not precision:  # None, or 0, which compilers leave out as well (``FLOAT``)
        return "float" if _is_mysql(dialect) else "double"
    return "float" if precision <= 24 else "double"


def _size_class(length: int, sizes: Iterable[tuple[str, int]], largest: str) -> str:
    return next((name for name, limit in sizes if length <= limit), largest)


#: Fields compared between canonical types, in the order findings are reported.
def equivalent_families(
    mine: CanonicalType, theirs: CanonicalType, dialect: str, declared: Any
) -> bool:
    """Pairs of different families that are the same column on this dialect."""
    mysql = dialect in ("mysql", "mariadb")
    if mysql and mine.family == "json" and theirs.family == "longtext":
        # MariaDB's JSON is an alias of LONGTEXT with a binary collation (and a CHECK).
        return theirs.collation in (None, "utf8mb4_bin")
    if mine.family == "uuid" and theirs.family == "char" and theirs.length == 32:
        # Uuid is CHAR(32) wherever the server has no native UUID (MySQL, MariaDB < 10.7).
        return mysql
    if mysql and mine.family == "text" and theirs.family in ("tinytext", "mediumtext"):
        # Text(n): the server picks the size class from n characters times bytes per char.
        length = getattr(declared, "length", None)
        if length:
            low = _size_class(length, _MYSQL_TEXT_SIZES, "longtext")
            high = _size_class(length * 4, _MYSQL_TEXT_SIZES, "longtext")
            order = [name for name, _ in _MYSQL_TEXT_SIZES] + ["longtext"]
            return order.index(low) <= order.index(theirs.family) <= order.index(high)
    return False


def affinity(family: str, dialect: str) -> str | None:
    """The SQLite affinity of a family (types of one affinity store values alike); None
    on a database that stores each type as declared."""
    return _SQLITE_AFFINITY.get(family) if dialect == "sqlite" else None


__all__ = [
    "CanonicalType",
    "affinity",
    "canonical",
    "compile_type",
    "compiler_dialect",
    "equivalent_families",
]
