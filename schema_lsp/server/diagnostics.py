"""SchemaDifference -> LSP Diagnostic: the one place the server renders a difference.

The range is the model's own (code points, converted to the client's position encoding
with the text that was checked); ``code`` links to schema_lsp/codes.md; ``relatedInformation``
says what the database holds; ``data`` carries what later features (code actions) need.
A difference computed against a schema that could not be refreshed is marked stale in its
message and in ``data``, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from ..diff import KINDS, SchemaDifference, configured_level
from ..entities.model import FileProblem, Note
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from ..text import SourceRange

SOURCE = "schema-lsp"
_DOCS = Path(__file__).resolve().parents[1] / "codes.md"  # package data: in wheels too
_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def code_url(code: str) -> str | None:
    """Where a code is explained: codes.md of this installation."""
    if not _DOCS.is_file():
        return None
    return f"{from_fs_path(str(_DOCS))}#{code.lower()}"


def to_diagnostic(
    difference: SchemaDifference,
    lines: Sequence[str],
    codec: PositionCodec,
    *,
    severity: Mapping[str, str] | None = None,
    stale: str | None = None,
) -> types.Diagnostic | None:
    """The diagnostic for one difference, or None when its severity is configured "off"
    or it has no place in a file."""
    if difference.range is None:
        return None
    level = _level(difference, severity or {})
    if level is None:
        return None
    where = to_range(difference.range, lines, codec)
    message = difference.message if stale is None else f"{difference.message} [stale: {stale}]"
    href = code_url(difference.code)
    uri = from_fs_path(difference.range.path) or difference.range.path
    return types.Diagnostic(
        range=where,
        message=message,
        severity=level,
        code=difference.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=[
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri, range=where),
                message=f"database: {describe_actual(difference)}",
            )
        ],
        data={
            "kind": difference.kind,
            "table": difference.table,
            "column": difference.column,
            "name": difference.name,
            "columns": list(difference.columns),
            "stale": stale is not None,
        },
    )


def note_diagnostic(
    note: Note, lines: Sequence[str], codec: PositionCodec, *, severity: Mapping[str, str]
) -> types.Diagnostic | None:
    """A parser note about a file (something it could not check), as SL001 (a hint
    unless configured otherwise)."""
    default = KINDS["not_checked"].editor or KINDS["not_checked"].severity
    level = _SEVERITIES.get(configured_level(severity, "SL001", "not_checked", default))
    if level is None:
        return None
    href = code_url("SL001")
    return types.Diagnostic(
        range=to_range(note.range, lines, codec),
        message=note.message,
        severity=level,
        code="SL001",
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data={"kind": "not_checked"},
    )


def problem_diagnostic(
    problem: FileProblem,
    lines: Sequence[str],
    codec: PositionCodec,
    *,
    severity: Mapping[str, str],
) -> types.Diagnostic | None:
    """A model file that does not read (SL002, an error unless configured otherwise), on
    the line where Python's reader stopped."""
    kind = KINDS["file_unreadable"]
    level = _SEVERITIES.get(configured_level(severity, kind.code, kind.kind, kind.severity))
    if level is None:
        return None
    href = code_url(kind.code)
    return types.Diagnostic(
        range=to_range(problem.range, lines, codec),
        message=problem.message,
        severity=level,
        code=kind.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data={"kind": kind.kind},
    )


def to_range(where: SourceRange, lines: Sequence[str], codec: PositionCodec) -> types.Range:
    """A code-point range in the client's units (UTF-16 unless negotiated otherwise)."""
    return codec.range_to_client_units(
        lines,
        types.Range(
            start=types.Position(line=where.start_line, character=where.start_column),
            end=types.Position(line=where.end_line, character=where.end_column),
        ),
    )


def _level(
    difference: SchemaDifference, overrides: Mapping[str, str]
) -> types.DiagnosticSeverity | None:
    default = KINDS[difference.kind].editor or difference.severity
    chosen = configured_level(overrides, difference.code, difference.kind, default)
    return _SEVERITIES.get(chosen)


def describe_actual(difference: SchemaDifference) -> str:
    """What the database holds for the object a difference is about, in one line."""
    actual = difference.actual
    table = difference.table
    if isinstance(actual, ColumnSchema):
        text = f"column {table}.{actual.name} {actual.type} "
        text += "NULL" if actual.nullable else "NOT NULL"
        if actual.default is not None:
            text += f" DEFAULT {actual.default}"
        return text
    if isinstance(actual, IndexSchema):
        unique = "unique " if actual.unique else ""
        elements = ", ".join(actual.expressions or actual.columns)
        return f"{unique}index {actual.name or '(unnamed)'} on {table} ({elements})"
    if isinstance(actual, UniqueConstraintSchema):
        columns = ", ".join(actual.columns)
        return f"unique constraint {actual.name or '(unnamed)'} on {table} ({columns})"
    if isinstance(actual, ForeignKeySchema):
        referred = f"{actual.referred_schema}." if actual.referred_schema else ""
        return (
            f"foreign key {actual.name or '(unnamed)'} {table}({', '.join(actual.columns)}) "
            f"-> {referred}{actual.referred_table}({', '.join(actual.referred_columns)})"
        )
    if isinstance(actual, CheckConstraintSchema):
        return f"check constraint {actual.name or '(unnamed)'} on {table}: {actual.sqltext}"
    if isinstance(actual, TableSchema):
        return f"table {actual.key} ({len(actual.columns)} columns)"
    if difference.kind == "table_missing":
        return f"no table {table}"
    if difference.column is not None:
        return f"table {table} has no column {difference.column}"
    if difference.name is not None:
        return f"table {table} has no {difference.name}"
    return f"table {table}"
