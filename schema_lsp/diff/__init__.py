"""Entities vs database: what ``SchemaSynchronizer`` and ``schema-lsp check`` compare.

``compare`` turns what the models declare (EntitySchema) and what the database holds
(DatabaseSchema) into SchemaDifference values. That list is the one intermediate form: the
CLI prints it, the language server shows it, and ``render.migration`` turns it into SQL or
an Alembic revision. Two rules keep users' trust:

* No false positives. Objects are matched by structure (columns, target, options) before
  names; what the database makes by itself (indexes backing keys) is never a difference;
  whatever the parser or the type system could not resolve is reported as "not compared"
  (info), never as a difference.
* No misses. Types, lengths, enum values, timezones, defaults and referential actions are
  compared by default, without configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..allocation import collector_paused
from ..entities.model import (
    EntitySchema,
    FileProblem,
    Note,
)
from ..schema import (
    DatabaseSchema,
    TableSchema,
)
from ..text import SourceRange
from .base import CompareOptions, mapped_table
from .kinds import (
    CODES,
    KINDS,
    DifferenceKind,
    KindFacts,
    SchemaDifference,
    SchemaObject,
    Severity,
)
from .table import TableComparison

#: Tables that migration tools keep for themselves: never an entity's.
_TOOL_TABLES = frozenset({"alembic_version"})


def unmapped_tables(
    entities: Iterable[EntitySchema], database: DatabaseSchema, *, views: bool = True
) -> list[TableSchema]:
    """Database tables no entity maps, in the database's order (views too unless
    ``views=False``); migration tools' own tables (``alembic_version``) left out."""
    mapped = {t.key for e in entities if (t := mapped_table(e, database)) is not None}
    return [
        table
        for table in database.tables
        if table.key not in mapped
        and table.name not in _TOOL_TABLES
        and (views or not table.is_view)
    ]


def unread_differences(notes: Iterable[Note]) -> list[SchemaDifference]:
    """A ``not_checked`` difference per note that belongs to no entity (a class that looks
    mapped but could not be read): what was skipped is said, never silent. ``table`` is
    empty: the class's table is what could not be known."""
    return [
        SchemaDifference("not_checked", "", note.message, note.range, KINDS["not_checked"].severity)
        for note in notes
    ]


def unreadable_file_differences(problems: Iterable[FileProblem]) -> list[SchemaDifference]:
    """A ``file_unreadable`` error per model file that could not be read or parsed: its
    tables were not compared, so the check must not pass as if they were."""
    return [
        SchemaDifference(
            "file_unreadable", "", problem.message, problem.range, KINDS["file_unreadable"].severity
        )
        for problem in problems
    ]


def compare(
    entities: Iterable[EntitySchema],
    database: DatabaseSchema,
    options: CompareOptions | None = None,
) -> list[SchemaDifference]:
    """Every difference between the entities and the database, in source order."""
    options = options or CompareOptions()
    found: list[SchemaDifference] = []
    entities = list(entities)
    with collector_paused():
        for entity in entities:
            found.extend(TableComparison(entity, database, options).run())
    if options.unmapped_tables:
        found.extend(
            SchemaDifference(
                "table_unmapped",
                table.key,
                f"table {table.key} has no entity",
                None,
                KINDS["table_unmapped"].severity,
                actual=table,
                actual_table=table,
            )
            for table in unmapped_tables(entities, database, views=False)
        )
    return notes_once(sorted(with_sharers(found, entities), key=source_order))


def with_sharers(
    found: list[SchemaDifference], entities: list[EntitySchema]
) -> list[SchemaDifference]:
    """Each difference on an object that other entities declare with the same code (a
    mixin's column, a loop's ``Table(...)``) says which, and whether every one of them has
    this same difference among ``found``: a quick fix in that code changes them all.
    ``entities`` are all the workspace's (a sharer whose differences ``found`` lacks counts
    as unlike: no fix is offered on a guess)."""
    sites: dict[SourceRange, set[str]] = {}
    for entity in entities:
        for _, site in entity.ranges:
            sites.setdefault(site, set()).add(entity.table.key)
        sites.setdefault(entity.range, set()).add(entity.table.key)
    if all(len(tables) == 1 for tables in sites.values()):
        return found  # nothing is shared: the common case
    alike: dict[tuple[object, ...], set[str]] = {}
    for difference in found:
        if difference.range is not None:
            alike.setdefault(_same_change(difference), set()).add(difference.table)
    marked = []
    for difference in found:
        at = difference.range
        sharers = sites.get(at, set()) - {difference.table} if at is not None else set()
        if sharers:
            difference = replace(
                difference,
                sharers=tuple(sorted(sharers)),
                sharers_alike=sharers <= alike[_same_change(difference)],
            )
        marked.append(difference)
    return marked


def _same_change(difference: SchemaDifference) -> tuple[object, ...]:
    """What a fix of ``difference`` changes in its code: the same for two tables when the
    object and what the database has are the same (the table aside)."""
    actual = difference.actual
    if isinstance(actual, TableSchema):
        actual = None
    return (difference.range, difference.kind, difference.column, difference.name, repr(actual))


def notes_once(differences: Iterable[SchemaDifference]) -> list[SchemaDifference]:
    """The differences with each "not checked" note said once: a mixin's note is the same
    for every table using it (same place, same words)."""
    seen: set[tuple[SourceRange | None, str]] = set()
    kept: list[SchemaDifference] = []
    for difference in differences:
        if difference.kind == "not_checked":
            key = (difference.range, difference.message)
            if key in seen:
                continue
            seen.add(key)
        kept.append(difference)
    return kept


def configured_level(levels: Mapping[str, str], code: str, kind: str, default: str) -> str:
    """The level a user configured for a difference: by its code (``SL111``), else by its
    kind (``column_unmapped``), else ``default``."""
    return levels.get(code, levels.get(kind, default))


def with_severities(
    differences: Iterable[SchemaDifference], levels: Mapping[str, str]
) -> list[SchemaDifference]:
    """The differences at the levels a user configured per code (``SL111``) or kind
    (``column_unmapped``); ``off`` drops them, and ``hint`` (an editor's level) is ``info``
    here. The code wins over the kind."""
    adjusted: list[SchemaDifference] = []
    for difference in differences:
        level = configured_level(levels, difference.code, difference.kind, difference.severity)
        if level == "off":
            continue
        level = "info" if level in ("hint", "information") else level
        if level == difference.severity:
            adjusted.append(difference)
        else:
            adjusted.append(replace(difference, severity=level))  # type: ignore[arg-type]
    return adjusted


def source_order(difference: SchemaDifference) -> tuple:
    """The order ``compare`` returns differences in: by file and position, unplaced last;
    ties (a mixin's column reporting for every table using it) by code, table and object,
    so the order never depends on which file was read first."""
    where = difference.range
    tie = (difference.code, difference.table, difference.column or "", difference.name or "")
    if where is None:
        return (1, "", 0, 0, *tie)
    return (0, where.path, where.start_line, where.start_column, *tie)


__all__ = [
    "CODES",
    "KINDS",
    "CompareOptions",
    "DifferenceKind",
    "KindFacts",
    "SchemaDifference",
    "SchemaObject",
    "Severity",
    "compare",
    "configured_level",
    "mapped_table",
    "notes_once",
    "source_order",
    "unmapped_tables",
    "unread_differences",
    "unreadable_file_differences",
    "with_severities",
    "with_sharers",
]
