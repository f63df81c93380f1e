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

import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from .dialects import rules_for
from .dialects.stored_types import (
    CanonicalType,
    affinity,
    canonical,
    compiler_dialect,
    equivalent_families,
)
from .schema import ColumnSchema, TableSchema, TypeSpec

if TYPE_CHECKING:
    from sqlalchemy.types import TypeEngine

Status = Literal["equal", "different", "not_compared"]
Severity = Literal["error", "warning", "info"]

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


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
    target = compiler_dialect(dialect)
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
    return None if isinstance(built, NullType) else canonical(built, compiler_dialect(dialect))


@lru_cache(maxsize=4096)
def _build(spec: TypeSpec, dialect: str) -> TypeEngine[Any]:
    """The SQLAlchemy type of a spec; SQLModel's AutoString (not importable from a
    snapshot) is the String it becomes on ``dialect``."""
    if spec.class_path == _SQLMODEL_AUTOSTRING:
        from sqlalchemy import String

        length = spec.kwarg("length")
        if not isinstance(length, int):
            length = rules_for(dialect).default_string_length
        return String(length)
    return spec.build()


def _same_text(left: str, right: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text.replace('"', "").replace("`", "")).strip().lower()

    return norm(left) == norm(right)


_FIELDS = tuple(f.name for f in fields(CanonicalType) if f.name not in ("family", "ddl"))


def _differences(
    mine: CanonicalType, theirs: CanonicalType, dialect: str, *, declared: Any
) -> list[_Finding]:
    findings: list[_Finding] = []
    rules = rules_for(dialect)
    unenforced = not rules.enforces_column_types
    if mine.family != theirs.family:
        if equivalent_families(mine, theirs, dialect, declared):
            return []
        text_alike = _unbounded_text(mine) and _unbounded_text(theirs)
        if rules.varchar_without_length_is_text and text_alike:
            detail = f"VARCHAR without a length and TEXT are the same in {rules.title}"
            return [_Finding("family", "info", detail)]
        shared = affinity(mine.family, dialect)
        if shared is not None and shared == affinity(theirs.family, dialect):
            detail = f"same {shared} affinity, which is all {rules.title} enforces"
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
            severity: Severity = "warning" if unenforced else "error"
            if name == "precision" and mine.family != "numeric":
                severity = "info"
            findings.append(_Finding(name, severity, f"the database column has no {name}"))
        else:
            bound = name in ("length", "precision", "scale")
            severity = "warning" if unenforced and bound else "error"
            detail = _detail(name, left, right, mine.family)
            if severity == "warning":
                detail += f", which {rules.title} does not enforce"
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

    rules = rules_for(dialect)
    if left is None:
        national = isinstance(declared, (sqltypes.NCHAR, sqltypes.NVARCHAR))
        charset = rules.national_charset
        if charset and national and right is not None and right.startswith(charset):
            return []  # NCHAR/NVARCHAR are created in the national character set
        return [_Finding("collation_unspecified", "warning", f"the database collates {right}")]
    if right is None and not rules.reports_column_collation:
        # MySQL prints a column's collation only where it differs from the table's default;
        # SQLite's reflection does not read it at all. Nothing to confirm or deny.
        detail = f"collation {left} is not reported by the database"
        return [_Finding("collation", "info", detail)]
    if right is None:
        return [_Finding("collation", "error", f"collation {left} vs the database default")]
    return [_Finding("collation", "error", f"collation {left} vs {right}")]


def _unbounded_text(canonical: CanonicalType) -> bool:
    return canonical.family == "text" or (canonical.family == "string" and not canonical.length)


__all__ = [
    "CanonicalType",
    "TypeComparison",
    "canonical_type",
    "check_constraint_values",
    "compare_types",
    "describe_type",
]
