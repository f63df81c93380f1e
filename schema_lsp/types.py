"""Semantic column type comparison: one canonical form for a declared and a reflected type.

A declared type (``TypeSpec.of(String(50))``) and what the database reports (``VARCHAR(50)``,
MySQL's ``INTEGER(11)``, MariaDB's ``LONGTEXT COLLATE utf8mb4_bin`` for ``JSON``) are equal
when creating the declared type on that dialect would give the reflected one. So both sides
are reduced to a ``CanonicalType`` *per dialect*, from SQLAlchemy's own type classes and
attributes (never by parsing type names), and compared field by field.

Decisions the diff engine may rely on:

* A size the model leaves out but the database has (``String()`` vs ``varchar(20)``,
  ``Numeric()`` vs PostgreSQL ``numeric(10, 2)``) is a *warning* (kind ``length_unspecified``
  / ``precision_unspecified``), not equality (Alembic's silence) and not an error. Where the
  database fills in its own default (MySQL ``DECIMAL`` is ``DECIMAL(10, 0)``), that default is
  compared instead.
* SQLite stores any declared type text but only enforces affinity: lengths and precisions
  that differ are reported as *warnings* (the declared text differs, nothing is enforced);
  different types of the same affinity (``BIGINT`` vs ``INTEGER``, ``TEXT`` vs ``VARCHAR``)
  are *info*.
* Enum values missing on either side are an *error* listing them; the same values in another
  order are *info* (kind ``enum_order``).
* A collation the model names must be the column's; a collation only the database has is a
  *warning* (the model does not say).
* A collation the database does not report (MySQL prints one only where it differs from
  the table's default; SQLite's reflection reads none) is *info*, never an error.
* PostgreSQL ``VARCHAR`` without a length and ``TEXT`` are the same type: *info*.
* Arrays compare by element type. A type that cannot be known (a custom type, ``NullType``,
  an array without its element type) is ``not_compared`` with the reason, never a difference.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal

from .schema import ColumnSchema, TableSchema, TypeSpec

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.types import TypeEngine

Status = Literal["equal", "different", "not_compared"]
Severity = Literal["error", "warning", "info"]

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

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


@dataclass(frozen=True)
class TypeComparison:
    """The outcome of comparing a declared type with a column's type.

    ``kind`` names the most severe difference (``family``, ``length``, ``length_unspecified``,
    ``precision``, ``precision_unspecified``, ``scale``, ``timezone``, ``unsigned``,
    ``collation``, ``collation_unspecified``, ``enum_values``, ``enum_order``, ``enum_name``,
    ``affinity``), ``kinds`` all of them. ``severity`` is a hint for the diagnostic level.
    ``message`` names both sides in user terms ("declared String(50), database has
    VARCHAR(100)"); for ``not_compared`` it says why.
    """

    status: Status
    declared: str
    actual: str
    message: str = ""
    kind: str | None = None
    severity: Severity | None = None
    kinds: tuple[str, ...] = ()
    missing_values: tuple[str, ...] = ()  # enum values declared but not in the database
    extra_values: tuple[str, ...] = ()  # enum values in the database but not declared

    @property
    def equal(self) -> bool:
        return self.status == "equal"

    @property
    def different(self) -> bool:
        return self.status == "different"


@dataclass(frozen=True)
class _Finding:
    kind: str
    severity: Severity
    detail: str


def canonical_type(spec: TypeSpec, dialect: str) -> CanonicalType | None:
    """The canonical form of ``spec`` on ``dialect`` (``postgresql``, ``mysql``,
    ``mariadb``, ``sqlite``), or None when the type is not known (custom or NullType)."""
    return _canonical_spec(spec, dialect)


def compare_types(
    declared: TypeSpec,
    actual: ColumnSchema,
    dialect: str,
    *,
    table: TableSchema | None = None,
) -> TypeComparison:
    """Compare the model's type with a reflected column on ``dialect``.

    ``table`` (the column's reflected table) lets a non-native enum's values be read from its
    CHECK constraint (``status IN ('a', 'b')``); without it only the length is compared.
    """
    check_values = None
    if table is not None and table.check_constraints:
        theirs = _canonical_spec(actual.sa_type, dialect)
        if (
            theirs is not None
            and theirs.family in ("string", "text")
            and theirs.enum_values is None
        ):
            check_values = check_constraint_values(table, actual.name)
    return _compare(declared, actual.sa_type, actual.type, actual.collation, dialect, check_values)


@lru_cache(maxsize=8192)
def _compare(
    declared: TypeSpec,
    reflected: TypeSpec,
    reflected_text: str | None,
    collation: str | None,
    dialect: str,
    check_values: tuple[str, ...] | None,
) -> TypeComparison:
    """``compare_types`` on plain values: a schema has few distinct column types, so each
    pair is compared once per process, not once per column."""
    from sqlalchemy.types import NullType

    declared_text = describe_type(declared)
    actual_text = reflected_text or reflected.name
    target = _dialect(dialect)
    built = _build(declared, dialect)
    if declared.name == "ARRAY" or reflected.name == "ARRAY":
        return _compare_arrays(declared, reflected, dialect, declared_text, actual_text)
    if isinstance(built, NullType):
        reason = f"type {declared.name} is not known to SQLAlchemy here; not compared"
        return TypeComparison("not_compared", declared_text, actual_text, reason)
    mine = _canonical_spec(declared, dialect)
    theirs = _canonical_spec(reflected, dialect)
    if theirs is not None and collation and theirs.collation is None:
        theirs = replace(theirs, collation=collation)
    if mine is None:
        reason = f"type {declared_text} has no comparable form; not compared"
        return TypeComparison("not_compared", declared_text, actual_text, reason)
    if theirs is None:
        # A type SQLAlchemy does not know (an extension's, a domain): compare the DDL text.
        if _same_text(mine.ddl, actual_text):
            return TypeComparison("equal", declared_text, actual_text)
        reason = f"database type {actual_text} is not known to SQLAlchemy; not compared"
        return TypeComparison("not_compared", declared_text, actual_text, reason)
    if (
        check_values is not None
        and theirs.family in ("string", "text")
        and theirs.enum_values is None
    ):
        theirs = replace(theirs, enum_values=check_values)
    findings = _differences(mine, theirs, target.name, declared=built)
    if not findings:
        return TypeComparison("equal", declared_text, actual_text)
    worst = max(findings, key=lambda f: _SEVERITY_RANK[f.severity])
    details = "; ".join(f.detail for f in findings if f.detail)
    message = f"declared {declared_text}, database has {actual_text}"
    if details:
        message += f" ({details})"
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    if mine.enum_values is not None and theirs.enum_values is not None:
        missing = tuple(v for v in mine.enum_values if v not in theirs.enum_values)
        extra = tuple(v for v in theirs.enum_values if v not in mine.enum_values)
    return TypeComparison(
        "different",
        declared_text,
        actual_text,
        message,
        kind=worst.kind,
        severity=worst.severity,
        kinds=tuple(f.kind for f in findings),
        missing_values=missing,
        extra_values=extra,
    )


def _compare_arrays(
    declared: TypeSpec, reflected: TypeSpec, dialect: str, declared_text: str, actual_text: str
) -> TypeComparison:
    """PostgreSQL arrays compare by element type (dimensions are not enforced there)."""
    if declared.name != reflected.name:
        message = f"declared {declared_text}, database has {actual_text}"
        return TypeComparison(
            "different", declared_text, actual_text, message, "family", "error", ("family",)
        )
    mine, theirs = declared.item_type, reflected.item_type
    if mine is None or theirs is None:
        reason = "the array's element type is not known; not compared"
        return TypeComparison("not_compared", declared_text, actual_text, reason)
    outcome = _compare(mine, theirs, actual_text.rstrip("[]"), None, dialect, None)
    if outcome.status == "different":
        message = f"declared {declared_text}, database has {actual_text}"
        details = outcome.message.partition(" (")[2].rstrip(")")
        if details:
            message += f" ({details})"
        return replace(outcome, declared=declared_text, actual=actual_text, message=message)
    return replace(outcome, declared=declared_text, actual=actual_text)


def describe_type(spec: TypeSpec) -> str:
    """A type as a user writes it: ``String(50)``, ``Numeric(10, 2)``,
    ``DateTime(timezone=True)``, ``Enum('a', 'b', name='status')``, ``postgresql.JSONB``,
    ``ARRAY(String(10))``."""
    module = spec.class_path.partition(":")[0]
    name = spec.name
    match = re.match(r"sqlalchemy\.dialects\.(\w+)\.", module)
    if match:
        name = f"{match.group(1)}.{name}"
    kwargs = dict(spec.kwargs)
    parts = [describe_type(spec.item_type)] if spec.item_type is not None else []
    parts += [repr(arg) for arg in spec.args]
    if not spec.args:
        for key in ("length",) if "length" in kwargs else ("precision", "scale"):
            if key not in kwargs:
                break
            parts.append(repr(kwargs.pop(key)))
    parts += [f"{key}={value!r}" for key, value in kwargs.items()]
    return f"{name}({', '.join(parts)})" if parts else name


def check_constraint_values(table: TableSchema, column: str) -> tuple[str, ...] | None:
    """The values a CHECK constraint limits ``column`` to, as non-native enums and
    ``Enum(create_constraint=True)`` write it: ``col IN ('a', 'b')`` (SQLite, MariaDB) or
    PostgreSQL's ``col::text = ANY (ARRAY['a'::character varying, ...])``."""
    quoted = rf"(?:\"{re.escape(column)}\"|`{re.escape(column)}`|\b{re.escape(column)}\b)"
    literals = r"(?P<values>(?:'(?:[^']|'')*'(?:::[\w ]+)?|[\s,])*)"
    in_list = re.compile(rf"^\(*{quoted}\s+IN\s*\({literals}\)\)*$", re.I)
    any_array = re.compile(
        rf"^\(*{quoted}\)?(?:::\w+(?: \w+)*)?\)?\s*=\s*ANY\s*\(\s*\(?ARRAY\[{literals}\]", re.I
    )
    for check in table.check_constraints:
        text = check.sqltext.strip()
        match = in_list.match(text) or any_array.match(text)
        if match is None:
            continue
        values = _string_literals(match.group("values"))
        if values is not None:
            return values
    return None


def _string_literals(text: str) -> tuple[str, ...] | None:
    """``'a', 'b''c'::character varying`` -> ``('a', "b'c")``; None if anything else."""
    literal = re.compile(r"\s*'((?:[^']|'')*)'(?:::[\w ]+)?\s*(?:,|$)")
    values: list[str] = []
    position = 0
    while position < len(text):
        match = literal.match(text, position)
        if match is None:
            return None
        values.append(match.group(1).replace("''", "'"))
        position = match.end()
    return tuple(values) if values else None


#: SQLModel's ``str`` type: a VARCHAR, 255 long on MySQL (which needs a length).
_SQLMODEL_AUTOSTRING = "sqlmodel.sql.sqltypes:AutoString"


@lru_cache(maxsize=4096)
def _canonical_spec(spec: TypeSpec, dialect: str) -> CanonicalType | None:
    """The canonical form of a spec, worked out once: a schema has a few dozen distinct
    types across thousands of columns."""
    from sqlalchemy.types import NullType

    built = _build(spec, dialect)
    return None if isinstance(built, NullType) else _canonical(built, _dialect(dialect))


@lru_cache(maxsize=4096)
def _build(spec: TypeSpec, dialect: str) -> TypeEngine[Any]:
    """The SQLAlchemy type of a spec; SQLModel's AutoString (not importable from a
    snapshot) is the String it becomes on ``dialect``."""
    if spec.class_path == _SQLMODEL_AUTOSTRING:
        from sqlalchemy import String

        length = spec.kwarg("length")
        if not isinstance(length, int):
            length = 255 if dialect in ("mysql", "mariadb") else None
        return String(length)
    return spec.build()


@cache
def _dialect(name: str) -> Dialect:
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


def _compile(type_: TypeEngine[Any], dialect: Dialect) -> str:
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # a type this dialect cannot render (String() on MySQL)
        return type(type_).__name__.upper()


def _same_text(left: str, right: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text.replace('"', "").replace("`", "")).strip().lower()

    return norm(left) == norm(right)


def _canonical(type_: TypeEngine[Any], dialect: Dialect) -> CanonicalType | None:
    """Map a SQLAlchemy type to what ``dialect`` stores for it. Order matters: subclasses
    (Enum of String, Boolean-like TINYINT of Integer, JSONB of JSON) are tested first."""
    from sqlalchemy.sql import sqltypes
    from sqlalchemy.types import NullType, TypeDecorator

    if isinstance(type_, sqltypes.Interval):
        # Native on PostgreSQL; elsewhere SQLAlchemy stores an epoch-based DATETIME.
        if dialect.name == "postgresql":
            return CanonicalType(family="interval", ddl=_compile(type_, dialect))
        return _canonical(sqltypes.DateTime(), dialect)
    while isinstance(type_, TypeDecorator):
        type_ = type_.load_dialect_impl(dialect)
    if isinstance(type_, NullType):
        return None
    ddl = _compile(type_, dialect)
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
_FIELDS = tuple(f.name for f in fields(CanonicalType) if f.name not in ("family", "ddl"))


def _differences(
    mine: CanonicalType, theirs: CanonicalType, dialect: str, *, declared: Any
) -> list[_Finding]:
    findings: list[_Finding] = []
    sqlite = dialect == "sqlite"
    if mine.family != theirs.family:
        if _equivalent_families(mine, theirs, dialect, declared):
            return []
        if dialect == "postgresql" and _unbounded_text(mine) and _unbounded_text(theirs):
            detail = "VARCHAR without a length and TEXT are the same in PostgreSQL"
            return [_Finding("family", "info", detail)]
        if sqlite and _affinity(mine.family) == _affinity(theirs.family) is not None:
            detail = f"same {_affinity(mine.family)} affinity, which is all SQLite enforces"
            return [_Finding("affinity", "info", detail)]
        if "other" in (mine.family, theirs.family) and _same_text(mine.ddl, theirs.ddl):
            return []
        precision = {"float": "single", "double": "double"}
        if mine.family in precision and theirs.family in precision:
            detail = f"{precision[mine.family]} vs {precision[theirs.family]} precision"
            return [_Finding("family", "error", detail)]
        return [_Finding("family", "error", "")]
    if mine.family == "other":
        if _same_text(mine.ddl, theirs.ddl):
            return []
        return [_Finding("family", "error", "")]
    for name in _FIELDS:
        left, right = getattr(mine, name), getattr(theirs, name)
        if left == right:
            continue
        if name == "enum_values":
            findings += _enum_findings(left, right)
        elif name == "enum_name":
            if left is not None and right is not None:
                findings.append(_Finding("enum_name", "error", f"enum type {left} vs {right}"))
        elif name == "collation":
            findings += _collation_findings(left, right, dialect=dialect, declared=declared)
        elif name == "length" and mine.enum_values is not None and left is not None:
            if theirs.enum_values is None or right is None or left > right:
                findings.append(_Finding("length", "error", f"length {left} vs {right}"))
        elif left is None and name in ("length", "precision", "scale"):
            kind = "length_unspecified" if name == "length" else "precision_unspecified"
            if not any(f.kind == kind for f in findings):
                findings.append(_Finding(kind, "warning", f"the model gives no {name}"))
        elif right is None and name in ("length", "precision", "scale"):
            severity: Severity = "warning" if sqlite else "error"
            if name == "precision" and mine.family != "numeric":
                severity = "info"
            findings.append(_Finding(name, severity, f"the database column has no {name}"))
        else:
            severity = "warning" if sqlite and name in ("length", "precision", "scale") else "error"
            detail = _detail(name, left, right, mine.family)
            if severity == "warning":
                detail += ", which SQLite does not enforce"
            findings.append(_Finding(name, severity, detail))
    return findings


def _detail(name: str, left: Any, right: Any, family: str) -> str:
    """One field's difference in words: ``length 50 vs 100``, ``with time zone vs without``."""
    if name == "timezone":
        return f"{'with' if left else 'without'} time zone vs {'with' if right else 'without'}"
    if name == "unsigned":
        return f"{'unsigned' if left else 'signed'} vs {'unsigned' if right else 'signed'}"
    if name == "precision" and family in ("datetime", "timestamp", "time"):
        return f"fractional second digits {left} vs {right}"
    return f"{name} {left} vs {right}"


def _enum_findings(
    declared: tuple[str, ...] | None, actual: tuple[str, ...] | None
) -> list[_Finding]:
    if declared is None or actual is None:
        return []  # values unknown on one side (no CHECK constraint): nothing to compare
    missing = [v for v in declared if v not in actual]
    extra = [v for v in actual if v not in declared]
    if missing or extra:
        parts = []
        if missing:
            parts.append("database lacks " + ", ".join(repr(v) for v in missing))
        if extra:
            parts.append("database also has " + ", ".join(repr(v) for v in extra))
        return [_Finding("enum_values", "error", "; ".join(parts))]
    order = ", ".join(repr(v) for v in actual)
    return [_Finding("enum_order", "info", f"same values in another order: {order}")]


def _collation_findings(
    left: str | None, right: str | None, *, dialect: str, declared: Any
) -> list[_Finding]:
    from sqlalchemy.sql import sqltypes

    if left is None:
        national = isinstance(declared, (sqltypes.NCHAR, sqltypes.NVARCHAR))
        mysql = dialect in ("mysql", "mariadb")
        if mysql and national and right is not None and right.startswith("utf8mb3"):
            return []  # NCHAR/NVARCHAR are created in MySQL's national character set
        return [_Finding("collation_unspecified", "warning", f"the database collates {right}")]
    if right is None and dialect in ("mysql", "mariadb", "sqlite"):
        # MySQL prints a column's collation only where it differs from the table's default;
        # SQLite's reflection does not read it at all. Nothing to confirm or deny.
        detail = f"collation {left} is not reported by the database"
        return [_Finding("collation", "info", detail)]
    if right is None:
        return [_Finding("collation", "error", f"collation {left} vs the database default")]
    return [_Finding("collation", "error", f"collation {left} vs {right}")]


def _equivalent_families(
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


def _unbounded_text(canonical: CanonicalType) -> bool:
    return canonical.family == "text" or (canonical.family == "string" and not canonical.length)


def _affinity(family: str) -> str | None:
    return _SQLITE_AFFINITY.get(family)


__all__ = [
    "CanonicalType",
    "TypeComparison",
    "canonical_type",
    "check_constraint_values",
    "compare_types",
    "describe_type",
]
