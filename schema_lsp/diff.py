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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial
from typing import Literal, TypeVar

from .allocation import collector_paused
from .defaults import compare_defaults, is_automatic_default
from .dialects import rules_for
from .entities.model import (
    EntitySchema,
    FileProblem,
    Note,
    check_key,
    index_key,
    object_key,
)
from .schema import (
    CheckConstraintSchema,
    ColumnSchema,
    DatabaseSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from .sqltext import same_sql, unwrapped
from .text import SourceRange
from .types import check_constraint_values, compare_types

Severity = Literal["error", "warning", "info"]
SchemaObject = (
    TableSchema
    | ColumnSchema
    | IndexSchema
    | UniqueConstraintSchema
    | ForeignKeySchema
    | CheckConstraintSchema
    | None
)
T = TypeVar("T")
D = TypeVar("D")


#: A type parameter an entity may leave unknown (``type.<parameter>`` unresolved: a
#: collation from run-time configuration) and the type findings that are about it alone.
_TYPE_PARAMETER_FINDINGS = {"collation": ("collation", "collation_unspecified")}


Migration = Literal["statement", "declined", "none"]


@dataclass(frozen=True)
class KindFacts:
    """What is known of a kind of difference, once: its stable code, default severity, a
    one-line title; ``editor``, the level an editor shows it at when that is not
    ``severity`` ("not checked" notes are hints there, so the Problems view lists claims);
    ``migration``, whether a migration has a statement for it, declines it with a comment
    (it moves data: a human writes it) or has nothing to say (it only describes);
    ``drops_data``, whether that statement deletes data; ``model_fix``, whether a quick
    fix edits the model to match the database (``render/fixes/``)."""

    code: str
    severity: Severity
    title: str
    editor: str | None = None
    migration: Migration = "statement"
    drops_data: bool = False
    model_fix: bool = True


class DifferenceKind(str, Enum):
    """A kind of difference; compares equal to its name (``"column_missing"``), so a
    ``SchemaDifference.kind`` string looks it up in ``KINDS``. Its facts are data
    (``KindFacts``): the CLI, the renderers and the server ask it, never a set of their own."""

    facts: KindFacts

    def __new__(cls, name: str, facts: KindFacts) -> DifferenceKind:
        member = str.__new__(cls, name)
        member._value_ = name
        member.facts = facts
        return member

    NOT_CHECKED = (
        "not_checked",
        KindFacts(
            "SL001",
            "info",
            "part of a model could not be checked",
            editor="hint",
            migration="none",
            model_fix=False,
        ),
    )
    FILE_UNREADABLE = (
        "file_unreadable",
        KindFacts(
            "SL002", "error", "model file could not be read", migration="none", model_fix=False
        ),
    )
    TABLE_MISSING = (
        "table_missing",
        KindFacts("SL100", "error", "table missing in the database", model_fix=False),
    )
    TABLE_UNMAPPED = (
        "table_unmapped",
        KindFacts("SL101", "info", "table has no entity", drops_data=True, model_fix=False),
    )
    SCHEMA_NOT_READ = (
        "schema_not_read",
        KindFacts(
            "SL102", "info", "table's schema was not read", migration="none", model_fix=False
        ),
    )
    COLUMN_MISSING = (
        "column_missing",
        KindFacts("SL110", "error", "column missing in the database"),
    )
    COLUMN_UNMAPPED = (
        "column_unmapped",
        KindFacts("SL111", "warning", "column missing in the model", drops_data=True),
    )
    TYPE = ("type", KindFacts("SL120", "error", "column type differs"))
    TYPE_NOT_COMPARED = (
        "type_not_compared",
        KindFacts(
            "SL121",
            "info",
            "column type not compared",
            editor="hint",
            migration="none",
            model_fix=False,
        ),
    )
    NULLABLE = ("nullable", KindFacts("SL130", "error", "nullability differs"))
    PRIMARY_KEY = (
        "primary_key",
        KindFacts("SL140", "error", "primary key differs", migration="declined"),
    )
    AUTOINCREMENT = (
        "autoincrement",
        KindFacts("SL141", "warning", "autoincrement differs", migration="declined"),
    )
    SERVER_DEFAULT = ("server_default", KindFacts("SL150", "warning", "server default differs"))
    COMPUTED = ("computed", KindFacts("SL151", "error", "generated column differs"))
    INDEX_MISSING = ("index_missing", KindFacts("SL160", "error", "index missing in the database"))
    INDEX_UNMAPPED = ("index_unmapped", KindFacts("SL161", "warning", "index missing in the model"))
    INDEX_CHANGED = ("index_changed", KindFacts("SL162", "error", "index differs"))
    UNIQUE_MISSING = (
        "unique_missing",
        KindFacts("SL170", "error", "unique constraint missing in the database"),
    )
    UNIQUE_UNMAPPED = (
        "unique_unmapped",
        KindFacts("SL171", "warning", "unique constraint missing in the model"),
    )
    FOREIGN_KEY_MISSING = (
        "foreign_key_missing",
        KindFacts("SL180", "error", "foreign key missing in the database"),
    )
    FOREIGN_KEY_UNMAPPED = (
        "foreign_key_unmapped",
        KindFacts("SL181", "warning", "foreign key missing in the model"),
    )
    FOREIGN_KEY_CHANGED = (
        "foreign_key_changed",
        KindFacts("SL182", "error", "foreign key differs"),
    )
    NAME = (
        "name",
        KindFacts(
            "SL190",
            "info",
            "constraint or index name differs",
            migration="none",
            model_fix=False,
        ),
    )
    COMMENT = ("comment", KindFacts("SL191", "info", "comment differs"))
    CHECK_MISSING = (
        "check_missing",
        KindFacts("SL192", "warning", "check constraint missing in the database"),
    )
    CHECK_UNMAPPED = (
        "check_unmapped",
        KindFacts("SL193", "info", "check constraint missing in the model"),
    )

    def __str__(self) -> str:  # its name, in messages and f-strings alike
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    @property
    def kind(self) -> str:
        return str(self.value)

    @property
    def code(self) -> str:
        return self.facts.code

    @property
    def severity(self) -> Severity:
        return self.facts.severity

    @property
    def editor(self) -> str | None:
        return self.facts.editor

    @property
    def informational(self) -> bool:
        """It describes and never changes: a migration has nothing to say about it."""
        return self.facts.migration == "none"


KINDS: dict[str, DifferenceKind] = {kind.value: kind for kind in DifferenceKind}
CODES: dict[str, DifferenceKind] = {kind.code: kind for kind in DifferenceKind}


@dataclass(frozen=True)
class SchemaDifference:
    """One divergence between a model and the database, located in the model's source.

    ``declared`` is the model's object (None when only the database has it), ``actual`` the
    database's (None when only the model has it); ``table`` is the table key
    (``schema.name`` outside the default schema). ``range`` is where the model declares the
    object, or the entity's class name for things the model lacks (None for a database
    table that no entity maps).

    ``table``, ``column``, ``name``, ``columns`` and ``expression`` say what the difference
    is about without reading the message, even when an object has no (computable) name:
    ``columns`` are an index's, key's or constraint's columns (an expression index's SQL
    elements), the model's where it has the object, else the database's; for a column
    difference, that column; for a note, the fields it covers. ``expression`` is a check
    constraint's SQL text.
    """

    kind: str
    table: str
    message: str
    range: SourceRange | None
    severity: Severity
    column: str | None = None
    name: str | None = None
    declared: SchemaObject = None
    actual: SchemaObject = None
    declared_table: TableSchema | None = field(default=None, repr=False, compare=False)
    actual_table: TableSchema | None = field(default=None, repr=False, compare=False)
    columns: tuple[str, ...] = ()
    expression: str | None = None

    @property
    def code(self) -> str:
        return KINDS[self.kind].code

    @property
    def path(self) -> str | None:
        return self.range.path if self.range else None

    @property
    def line(self) -> int | None:
        """1-based line, as linters print it."""
        return self.range.start_line + 1 if self.range else None


#: Tables that migration tools keep for themselves: never an entity's.
_TOOL_TABLES = frozenset({"alembic_version"})


def mapped_table(entity: EntitySchema, database: DatabaseSchema) -> TableSchema | None:
    """The database table an entity maps: by name and schema; when the entity's schema is
    computed at run time (``__table_args__`` built by a function), the one table of that
    name in the schemas read, if only one has it."""
    table = entity.table
    found = database.table(table.name, table.schema)
    if found is None and not entity.is_resolved("table", "schema"):
        same = [t for t in database.tables if t.name == table.name]
        found = same[0] if len(same) == 1 else None
    return found


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


@dataclass(frozen=True)
class CompareOptions:
    """What to compare beyond the defaults (tables without entities, comments and checks
    are opt-in: many projects keep them only in the database)."""

    unmapped_tables: bool = False
    comments: bool = False
    check_constraints: bool = False


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
            found.extend(_TableComparison(entity, database, options).run())
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
    return notes_once(sorted(found, key=source_order))


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


@dataclass(frozen=True)
class _ColumnPair:
    """A model column, its database column, where the model declares it, and its label."""

    declared: ColumnSchema
    actual: ColumnSchema
    where: SourceRange
    label: str


class _TableComparison:
    """Compares one entity with its table; a small object so each step reads alone."""

    def __init__(
        self, entity: EntitySchema, database: DatabaseSchema, options: CompareOptions
    ) -> None:
        # What SQLAlchemy would create on this dialect: dialect-only options apply or vanish.
        self.entity = entity.for_dialect(database.dialect)
        self.declared = self.entity.table
        self.database = database
        self.options = options
        self.dialect = database.dialect
        # What the database does with create_all's DDL (merges, ignores, rewrites).
        self.rules = rules_for(database.dialect)
        self.actual = mapped_table(self.entity, database)
        self.found: list[SchemaDifference] = []
        #: database columns a model column we cannot see may be (one made by a helper
        #: the parser could not follow): nothing on them is claimed missing from the model
        self._opaque: set[str] = set()

    def run(self) -> list[SchemaDifference]:
        names = set(self.declared.column_names)
        for note in self.entity.notes:
            single = note.subjects[0] if len(note.subjects) == 1 else None
            self.add(
                "not_checked",
                note.message,
                range_=note.range,
                column=single if single in names else None,
                name=note.name,
                columns=note.subjects,
            )
        if self.actual is None:
            self._missing_table()
            return self.found
        if self.actual.incomplete is not None:
            self.add(
                "not_checked",
                f"table {self.key}: not checked (the database's definition of it could not be "
                f"read in full; {self.actual.incomplete})",
                range_=self.entity.range,
            )
            return self.found
        self._columns()
        if not self.actual.is_view:
            self._primary_key()
            self._indexes_and_uniques()
            self._foreign_keys()
            if self.options.check_constraints:
                self._checks()
        if self._comments() and self.declared.comment != self.actual.comment:
            self.add(
                "comment",
                f"table {self.key}: comment {self.declared.comment!r} in the model, "
                f"{self.actual.comment!r} in the database",
                range_=self.entity.range,
            )
        return self.found

    @property
    def key(self) -> str:
        return self.actual.key if self.actual is not None else self.declared.key

    def add(
        self,
        kind: str,
        message: str,
        *,
        range_: SourceRange | None = None,
        column: str | None = None,
        name: str | None = None,
        declared: SchemaObject = None,
        actual: SchemaObject = None,
        severity: Severity | None = None,
        columns: tuple[str, ...] | None = None,
    ) -> None:
        about = declared if declared is not None else actual
        if columns is None:
            columns = (
                (column,)
                if column is not None
                else _columns_of(about, (self.declared, self.actual))
            )
        self.found.append(
            SchemaDifference(
                kind=kind,
                table=self.key,
                message=message,
                range=range_ or self.entity.range,
                severity=severity or KINDS[kind].severity,
                column=column,
                name=name,
                declared=declared,
                actual=actual,
                declared_table=self.declared,
                actual_table=self.actual,
                columns=columns,
                expression=about.sqltext if isinstance(about, CheckConstraintSchema) else None,
            )
        )

    def add_column(
        self, kind: str, pair: _ColumnPair, message: str, severity: Severity | None = None
    ) -> None:
        self.add(
            kind,
            f"{pair.label}: {message}",
            range_=pair.where,
            column=pair.declared.name,
            declared=pair.declared,
            actual=pair.actual,
            severity=severity,
        )

    # -- tables ----------------------------------------------------------------------

    def _missing_table(self) -> None:
        schema = self.declared.schema
        if not self.entity.is_resolved("table", "schema"):
            if any(t.name == self.declared.name for t in self.database.tables):
                self.add(
                    "not_checked",
                    f"table {self.declared.name}: not checked (its schema could not be read, "
                    "and several schemas read hold a table of that name)",
                )
                return
            self.add(
                "table_missing",
                f"table {self.declared.name} does not exist in the database (in no schema "
                "read; the model's schema could not be read)",
                declared=self.declared,
            )
            return
        if (
            schema is not None
            and schema != self.database.default_schema
            and (schema not in self.database.schemas)
        ):
            self.add(
                "schema_not_read",
                f"table {self.declared.key}: schema {schema!r} was not read from the database "
                "(add it to the configured schemas); not checked",
            )
            return
        visibility = self.database.limited_visibility
        if visibility is not None and self.database.may_hide(schema):
            # MySQL/MariaDB list only the tables the account has privileges on: the table
            # may well exist. Still reported (it may be missing), as a warning.
            self.add(
                "table_missing",
                f"table {self.declared.key} does not exist in the database, or is not visible "
                f"to {visibility.account} (it sees only the tables it has privileges on)",
                declared=self.declared,
                severity="warning",
            )
            return
        self.add(
            "table_missing",
            f"table {self.declared.key} does not exist in the database",
            declared=self.declared,
        )

    # -- columns ---------------------------------------------------------------------

    def _columns(self) -> None:
        assert self.actual is not None
        unseen = False
        for column in self.declared.columns:
            key = object_key("column", column.name)
            where = self.entity.range_of(key)
            existing = self.actual.column(column.name)
            if not self.entity.is_resolved(key, "definition"):
                # Its name, keys and indexes are unknown: it may be any column the model
                # does not otherwise declare.
                self._opaque.add(column.name)
                unseen = unseen or existing is None
                if existing is None:
                    continue
            if existing is None:
                self.add(
                    "column_missing",
                    f"column {self.key}.{column.name} does not exist in the database",
                    range_=where,
                    column=column.name,
                    declared=column,
                )
                continue
            self._column(column, existing, key, where)
        declared_names = set(self.declared.column_names)
        if unseen:
            self._opaque.update(c.name for c in self.actual.columns if c.name not in declared_names)
        for column in self.actual.columns:
            if column.name in self._opaque:
                continue
            if column.name not in declared_names and self._complete("columns"):
                self.add(
                    "column_unmapped",
                    f"column {self.key}.{column.name} ({column.type}) is in the database "
                    "but not in the model",
                    column=column.name,
                    actual=column,
                )

    def _column(
        self, declared: ColumnSchema, actual: ColumnSchema, key: str, where: SourceRange
    ) -> None:
        assert self.actual is not None
        label = f"column {self.key}.{declared.name}"
        pair = _ColumnPair(declared, actual, where, label)
        if self.entity.is_resolved(key, "type"):
            outcome = compare_types(declared.sa_type, actual, self.dialect, table=self.actual)
            unknown = {
                kind
                for parameter, kinds in _TYPE_PARAMETER_FINDINGS.items()
                if not self.entity.is_resolved(key, f"type.{parameter}")
                for kind in kinds
            }
            if outcome.different and outcome.kinds and set(outcome.kinds) <= unknown:
                pass  # only what the model leaves to run time differs (a note says so)
            elif outcome.different:
                self.add_column("type", pair, outcome.message, outcome.severity)
            elif outcome.status == "not_compared":
                self.add_column("type_not_compared", pair, outcome.message)
        generated_fixed = actual.computed is not None and self.rules.generated_nullability_fixed
        # PostgreSQL and MySQL make a primary key's columns NOT NULL whatever the DDL says,
        # and SQLite's rowid (a lone INTEGER key) is never NULL; only SQLite keeps another
        # key column nullable when it was declared so.
        forced_not_null = (
            declared.nullable
            and self.actual.is_primary_key(actual.name)
            and (self.rules.key_columns_not_null or actual.autoincrement)
        )
        if (
            self.entity.is_resolved(key, "nullable")
            and declared.nullable != actual.nullable
            and not generated_fixed  # MariaDB refuses NOT NULL on generated columns
            and not forced_not_null
        ):
            self.add_column(
                "nullable",
                pair,
                f"{_nullability(declared.nullable)} in the model, "
                f"{_nullability(actual.nullable)} in the database",
            )
        if self.entity.is_resolved(key, "default"):
            self._server_default(pair)
        if self.entity.is_resolved(key, "computed"):
            self._computed(pair, key)
        if self.entity.is_resolved(key, "autoincrement"):
            self._autoincrement(pair)
        if (
            self._comments()
            and self.entity.is_resolved(key, "comment")
            and declared.comment != actual.comment
        ):
            self.add_column(
                "comment",
                pair,
                f"comment {declared.comment!r} in the model, {actual.comment!r} in the database",
            )

    def _server_default(self, pair: _ColumnPair) -> None:
        declared, actual = pair.declared, pair.actual
        if declared.default is None and is_automatic_default(actual, self.actual):
            return  # a SERIAL's sequence or an identity: the database's own machinery
        # the type decides how a default reads (a JSON literal, a quoted number): the
        # model's, or the database's where the model's is unknown (a custom type)
        known = self.entity.is_resolved(object_key("column", declared.name), "type")
        column_type = declared.sa_type if known else actual.sa_type
        outcome = compare_defaults(declared.default, actual.default, self.dialect, column_type)
        if outcome.status == "different":
            self.add_column("server_default", pair, outcome.message)
        elif outcome.status == "not_compared":
            self.add_column("not_checked", pair, f"server default not compared: {outcome.message}")

    def _computed(self, pair: _ColumnPair, key: str) -> None:
        """A generated column's expression (compared as SQL text, as each database rewrites
        it) and, where both sides say, whether it is stored."""
        mine, theirs = pair.declared.computed, pair.actual.computed
        if mine is None and theirs is None:
            return
        if mine is None:
            assert theirs is not None
            # A FetchedValue (an unresolved default) is how a model leaves it to the database.
            if self.entity.is_resolved(key, "default"):
                generated = unwrapped(theirs.sqltext)
                message = f"a plain column in the model, generated as ({generated}) in the database"
                self.add_column("computed", pair, message, "warning")
            return
        declared = unwrapped(mine.sqltext)
        if theirs is None:
            message = f"generated as ({declared}) in the model, a plain column in the database"
            self.add_column("computed", pair, message)
            return
        if not same_sql(mine.sqltext, theirs.sqltext, self.dialect):
            generated = unwrapped(theirs.sqltext)
            message = f"generated as ({declared}) in the model, as ({generated}) in the database"
            self.add_column("computed", pair, message)
            return
        stored = mine.persisted if mine.persisted is not None else self.rules.stores_generated
        if stored is not None and theirs.persisted is not None and stored != theirs.persisted:
            message = (
                f"generated {_storage(stored)} in the model, {_storage(theirs.persisted)} in "
                "the database"
            )
            self.add_column("computed", pair, message)

    def _autoincrement(self, pair: _ColumnPair) -> None:
        declared, actual = pair.declared, pair.actual
        assert self.actual is not None
        if not self.actual.is_primary_key(actual.name) or declared.autoincrement == (
            actual.autoincrement
        ):
            return
        if self.rules.rowid_autoincrement and (
            not declared.autoincrement or not _sqlite_can_autoincrement(actual)
        ):
            # SQLite auto-assigns exactly a lone INTEGER PRIMARY KEY (the rowid), whatever
            # the model says, and nothing else.
            return
        said = "autoincrement" if declared.autoincrement else "not autoincrement"
        has = "autoincrement" if actual.autoincrement else "not autoincrement"
        self.add_column("autoincrement", pair, f"{said} in the model, {has} in the database")

    # -- keys, indexes and constraints -------------------------------------------------

    def _primary_key(self) -> None:
        assert self.actual is not None
        mine = self.declared.primary_key.columns if self.declared.primary_key else ()
        theirs = self.actual.primary_key.columns if self.actual.primary_key else ()
        if mine == theirs or not self._complete("primary_key"):
            return
        if self._opaque and (self._opaque & set(theirs) or not mine):
            return  # a column we cannot see may carry the key
        where = self.entity.range_of(object_key("primary_key", None))
        if set(mine) == set(theirs):
            message = (
                f"table {self.key}: primary key column order ({', '.join(mine)}) in the model, "
                f"({', '.join(theirs)}) in the database"
            )
            self.add(
                "primary_key",
                message,
                range_=where,
                severity="warning",
                name=self._primary_key_name(),
                columns=mine,
            )
            return
        self.add(
            "primary_key",
            f"table {self.key}: primary key ({', '.join(mine) or 'none'}) in the model, "
            f"({', '.join(theirs) or 'none'}) in the database",
            range_=where,
            declared=self.declared,
            actual=self.actual,
            name=self._primary_key_name(),
            columns=mine or theirs,
        )

    def _primary_key_name(self) -> str | None:
        """The key's name where the model gives one (a database's own, ``PRIMARY`` or
        ``<table>_pkey``, says nothing more than the table does)."""
        return self.declared.primary_key.name if self.declared.primary_key else None

    def _indexes_and_uniques(self) -> None:
        """Uniqueness may live in a unique constraint or a unique index on either side;
        both are the same promise, so they are matched across kinds. Indexes the database
        made itself (``IndexSchema.implicit``) are the constraints' own and never compared."""
        assert self.actual is not None
        primary = self.actual.primary_key.columns if self.actual.primary_key else None
        indexes = [i for i in self.actual.indexes if i.implicit is None]
        uniques = list(self.actual.unique_constraints)
        used_indexes: set[int] = set()
        used_uniques: set[int] = set()

        # Names the model gives: a structural match prefers its own name and leaves the
        # others' alone (a column's unique=True beside a named unique Index on it).
        claimed = {u.name for u in self.declared.unique_constraints if u.name}
        claimed |= {i.name for i in self.declared.indexes if i.name}

        for unique in self.declared.unique_constraints:
            if unique.columns == primary:
                continue  # the primary key already is that constraint
            key = object_key("unique", unique.name, unique.columns)
            match: UniqueConstraintSchema | IndexSchema | None
            match = _take_named(uniques, used_uniques, _same_columns, unique, claimed)
            match = match or _take_named(
                indexes, used_indexes, _plain_unique_index, unique, claimed
            )
            if match is None:
                self.add(
                    "unique_missing",
                    f"table {self.key}: unique constraint on ({', '.join(unique.columns)}) "
                    "does not exist in the database",
                    range_=self.entity.range_of(key),
                    name=unique.name,
                    declared=unique,
                )
            else:
                self._name(unique.name, match.name, key, "unique constraint", unique.columns)

        # The same index written twice (``index=True`` and an ``Index`` of the name the
        # convention gives it) is one CREATE INDEX that succeeds: compared once.
        for index in dict.fromkeys(self.declared.indexes):
            key = index_key(index.name, index.columns, index.unique)
            where = self.entity.range_of(key)
            if not self.entity.is_resolved(key, "expressions"):
                # Not comparable, but it may well be there: take a same-named index so it
                # is not reported as missing from the model either.
                _take(indexes, used_indexes, _same_name, index)
                continue
            found: IndexSchema | UniqueConstraintSchema | None
            same = _same_index if self.entity.is_resolved(key, "where") else _same_index_any_where
            same = partial(same, dialect=self.dialect)
            found = _take_named(indexes, used_indexes, same, index, claimed)
            if found is None and index.unique and not index.expressions and not index.where:
                found = _take_named(uniques, used_uniques, _same_columns, index, claimed)
            if found is not None:
                self._name(index.name, found.name, key, "index", _elements(index))
                continue
            if self._backs_foreign_key(index):
                continue
            renamed = _take(indexes, used_indexes, _same_name, index)
            if renamed is None and index.name is not None:
                # MySQL reports a unique index as a unique constraint (its index implicit).
                backing = next(
                    (i for i in self.actual.indexes if i.implicit and i.name == index.name), None
                )
                constraint = None
                if backing is not None:
                    constraint = _take(uniques, used_uniques, _same_name, index)
                if constraint is not None:
                    renamed = backing
            if renamed is not None:
                self.add(
                    "index_changed",
                    f"table {self.key}: index {index.name} is {_describe_index(index)} in the "
                    f"model, {_describe_index(renamed)} in the database",
                    range_=where,
                    name=index.name,
                    declared=index,
                    actual=renamed,
                )
                continue
            self.add(
                "index_missing",
                f"table {self.key}: index {_named(index.name)}{_describe_index(index)} "
                "does not exist in the database",
                range_=where,
                name=index.name,
                declared=index,
            )

        for position, index in enumerate(indexes):
            if not self._complete("indexes"):
                break
            if self._opaque & set(index.columns):
                continue  # a column we cannot see may declare it
            if position not in used_indexes and not (index.unique and index.columns == primary):
                self.add(
                    "index_unmapped",
                    f"table {self.key}: index {index.name} {_describe_index(index)} is in the "
                    "database but not in the model",
                    name=index.name,
                    actual=index,
                )
        for position, unique in enumerate(uniques):
            if not self._complete("unique_constraints"):
                break
            if self._opaque & set(unique.columns):
                continue
            if position not in used_uniques and unique.columns != primary:
                self.add(
                    "unique_unmapped",
                    f"table {self.key}: unique constraint {unique.name or ''} on "
                    f"({', '.join(unique.columns)}) is in the database but not in the model",
                    name=unique.name,
                    actual=unique,
                )

    def _backs_foreign_key(self, index: IndexSchema) -> bool:
        """A plain index named like a foreign key's column, on that column: MySQL's own
        index for the key has the same name and columns, and the database cannot tell
        which made it (``create_all``'s ``CREATE INDEX`` after the table keeps it)."""
        assert self.actual is not None
        return not index.unique and any(
            i.implicit == "foreign_key" and i.name == index.name and i.columns == index.columns
            for i in self.actual.indexes
        )

    def _foreign_keys(self) -> None:
        assert self.actual is not None
        available = list(self.actual.foreign_keys)
        used: set[int] = set()
        matched: list[ForeignKeySchema] = []
        for fk in self.declared.foreign_keys:
            key = object_key("foreign_key", fk.name, fk.columns)
            where = self.entity.range_of(key)
            match = _take(available, used, self._same_target, fk)
            if match is not None:
                matched.append(fk)
            elif self.rules.merges_identical_foreign_keys and any(
                self._same_target(fk, earlier) for earlier in matched
            ):
                continue  # read back as the one it duplicates
            if match is None and not self.entity.is_resolved(key, "referred_table"):
                # its target could not be read (a note says so): the database's key on
                # those columns may well be it; nothing is claimed either way
                _take(available, used, _same_fk_columns, fk)
                continue
            if match is None:
                match = _take(available, used, _same_fk_columns, fk)
                if match is not None:
                    change = f"{_target(fk)} in the model, {_target(match)} in the database"
                    self._foreign_key_changed(fk, match, where, f"references {change}")
                    continue
                self.add(
                    "foreign_key_missing",
                    f"table {self.key}: foreign key ({', '.join(fk.columns)}) -> {_target(fk)} "
                    "does not exist in the database",
                    range_=where,
                    name=fk.name,
                    declared=fk,
                )
                continue
            changes = []
            for label, mine, theirs in (
                ("ON DELETE", fk.on_delete, match.on_delete),
                ("ON UPDATE", fk.on_update, match.on_update),
            ):
                if self._action(mine) != self._action(theirs):
                    changes.append(
                        f"{label} {mine or 'NO ACTION'} in the model, "
                        f"{theirs or 'NO ACTION'} in the database"
                    )
            if self.rules.reports_deferral and _deferral(fk) != _deferral(match):
                changes.append(f"{_deferral(fk)} in the model, {_deferral(match)} in the database")
            if changes:
                self._foreign_key_changed(
                    fk, match, where, f"-> {_target(fk)}: {'; '.join(changes)}"
                )
                continue
            self._name(fk.name, match.name, key, "foreign key", fk.columns)
        for position, fk in enumerate(available):
            if self._opaque & set(fk.columns):
                continue  # a column we cannot see may declare it
            if position not in used and self._complete("foreign_keys"):
                self.add(
                    "foreign_key_unmapped",
                    f"table {self.key}: foreign key {fk.name or ''} ({', '.join(fk.columns)}) "
                    f"-> {_target(fk)} is in the database but not in the model",
                    name=fk.name,
                    actual=fk,
                )

    def _foreign_key_changed(
        self, fk: ForeignKeySchema, match: ForeignKeySchema, where: SourceRange, change: str
    ) -> None:
        self.add(
            "foreign_key_changed",
            f"table {self.key}: foreign key ({', '.join(fk.columns)}) {change}",
            range_=where,
            name=fk.name or match.name,
            declared=fk,
            actual=match,
        )

    def _action(self, action: str | None) -> str:
        """A referential action as the database enforces it: NO ACTION is everyone's
        default; some databases treat others the same (``DialectRules.same_actions``)."""
        value = (action or "NO ACTION").upper()
        return self.rules.same_actions.get(value, value)

    def _same_target(self, declared: ForeignKeySchema, actual: ForeignKeySchema) -> bool:
        if declared.columns != actual.columns or declared.referred_table != actual.referred_table:
            return False
        if declared.referred_columns != actual.referred_columns:
            return False
        return self._schema(declared.referred_schema) == self._schema(actual.referred_schema)

    def _schema(self, schema: str | None) -> str | None:
        return None if schema == self.database.default_schema else schema

    def _checks(self) -> None:
        assert self.actual is not None
        available = list(self.actual.check_constraints)
        used: set[int] = set()
        for check in self.declared.check_constraints:
            key = check_key(check.name, check.sqltext)
            match = _take(available, used, partial(_same_check, dialect=self.dialect), check)
            if match is None:
                self.add(
                    "check_missing",
                    f"table {self.key}: check constraint {check.name or ''} "
                    f"({check.sqltext}) does not exist in the database",
                    range_=self.entity.range_of(key),
                    name=check.name,
                    declared=check,
                )
        for position, check in enumerate(available):
            if (
                position not in used
                and self._complete("check_constraints")
                and (not self._type_check(check))
            ):
                self.add(
                    "check_unmapped",
                    f"table {self.key}: check constraint {check.name or ''} ({check.sqltext}) "
                    "is in the database but not in the model",
                    name=check.name,
                    actual=check,
                )

    def _type_check(self, check: CheckConstraintSchema) -> bool:
        """A CHECK the column's own type makes (``Enum(native_enum=False,
        create_constraint=True)``, ``Boolean(create_constraint=True)``): part of the type,
        compared with it, not a constraint the model should declare (Alembic issue 1859)."""
        assert self.actual is not None
        alone = replace(self.actual, check_constraints=(check,))
        for column in self.declared.columns:
            kind = column.sa_type.name.lower()
            if "enum" in kind and check_constraint_values(alone, column.name) is not None:
                return True
            if "bool" in kind:
                (name,) = _quoted((column.name,))
                if same_sql(f"{name} IN (0, 1)", check.sqltext, self.dialect):
                    return True
        return False

    def _comments(self) -> bool:
        """Comments are compared on request, and only where the database can keep them."""
        return self.options.comments and self.rules.keeps_comments

    def _complete(self, collection: str) -> bool:
        """Whether the parser read all of the model's ``collection`` (an unreadable
        ``__table_args__`` leaves it partial): only then can the database have extras."""
        return self.entity.is_resolved("table", collection)

    def _name(
        self,
        declared: str | None,
        actual: str | None,
        key: str,
        what: str,
        columns: tuple[str, ...] = (),
    ) -> None:
        """Same structure, other name: information only (never a drop and re-create)."""
        if declared is None or actual is None or declared == actual:
            return
        if what == "primary key" and not self.rules.names_primary_key:
            return
        self.add(
            "name",
            f"table {self.key}: {what} is named {declared!r} in the model, {actual!r} in the "
            "database",
            range_=self.entity.range_of(key),
            name=declared,
            columns=columns,
        )


def _take(
    candidates: Sequence[T], used: set[int], accept: Callable[[D, T], bool], declared: D
) -> T | None:
    """The first unused candidate that ``accept(declared, candidate)`` takes, marked used."""
    for position, candidate in enumerate(candidates):
        if position not in used and accept(declared, candidate):
            used.add(position)
            return candidate
    return None


def _take_named(
    candidates: Sequence[T],
    used: set[int],
    accept: Callable[[D, T], bool],
    declared: D,
    claimed: set[str],
) -> T | None:
    """Like ``_take``, preferring a candidate of the declared object's own name, then one
    whose name no other declared object claims."""
    name = getattr(declared, "name", None)

    def own_name(item: D, candidate: T) -> bool:
        return accept(item, candidate) and getattr(candidate, "name", None) == name

    def unclaimed(item: D, candidate: T) -> bool:
        return accept(item, candidate) and getattr(candidate, "name", None) not in claimed

    found = _take(candidates, used, own_name, declared) if name else None
    found = found or _take(candidates, used, unclaimed, declared)
    return found or _take(candidates, used, accept, declared)


def _same_columns(
    declared: IndexSchema | UniqueConstraintSchema, actual: UniqueConstraintSchema
) -> bool:
    return declared.columns == actual.columns


def _plain_unique_index(
    declared: UniqueConstraintSchema | IndexSchema, actual: IndexSchema
) -> bool:
    return (
        actual.unique
        and not actual.expressions
        and not actual.where
        and (actual.columns == declared.columns)
    )


def _same_name(declared: IndexSchema, actual: IndexSchema | UniqueConstraintSchema) -> bool:
    return declared.name is not None and actual.name == declared.name


def _same_check(
    declared: CheckConstraintSchema, actual: CheckConstraintSchema, *, dialect: str
) -> bool:
    if same_sql(declared.sqltext, actual.sqltext, dialect):
        return True
    return declared.name is not None and actual.name == declared.name


def _same_fk_columns(declared: ForeignKeySchema, actual: ForeignKeySchema) -> bool:
    return declared.columns == actual.columns


def _same_index(declared: IndexSchema, actual: IndexSchema, *, dialect: str) -> bool:
    if declared.unique != actual.unique:
        return False
    if declared.expressions or actual.expressions:
        mine = declared.expressions or _quoted(declared.columns)
        theirs = actual.expressions or _quoted(actual.columns)
        pairs = zip(mine, theirs, strict=False)
        if len(mine) != len(theirs) or not all(same_sql(m, t, dialect) for m, t in pairs):
            return False
    elif declared.columns != actual.columns:
        return False
    if declared.where is not None or actual.where is not None:
        if declared.where is None or actual.where is None:
            return False
        if not same_sql(declared.where, actual.where, dialect):
            return False
    return not declared.method or (actual.method or "btree") == declared.method.lower()


def _same_index_any_where(declared: IndexSchema, actual: IndexSchema, *, dialect: str) -> bool:
    """For a partial index whose predicate the parser could not read."""
    return _same_index(replace(declared, where=actual.where), actual, dialect=dialect)


def _quoted(columns: Sequence[str]) -> tuple[str, ...]:
    """Column names as SQL text (an index element beside expressions)."""
    return tuple('"' + column.replace('"', '""') + '"' for column in columns)


def _elements(index: IndexSchema) -> tuple[str, ...]:
    """An index's columns, or its SQL elements when it has expressions."""
    return index.expressions or index.columns


def _columns_of(about: SchemaObject, tables: Iterable[TableSchema | None]) -> tuple[str, ...]:
    """The columns an object is on; for a check, the tables' columns its text names."""
    if isinstance(about, IndexSchema):
        return _elements(about)
    if isinstance(about, (UniqueConstraintSchema, ForeignKeySchema)):
        return about.columns
    if isinstance(about, CheckConstraintSchema):
        import re

        text = re.sub(r"'(?:[^']|'')*'", "", about.sqltext)  # not inside string literals
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", text)
        names = {name for table in tables if table is not None for name in table.column_names}
        return tuple(dict.fromkeys(w for w in words if w in names))
    return ()


def _named(name: str | None) -> str:
    return f"{name} " if name else ""


def _describe_index(index: IndexSchema) -> str:
    elements = index.expressions or index.columns
    text = f"{'unique ' if index.unique else ''}({', '.join(elements)})"
    if index.method:
        text += f" using {index.method}"
    if index.where:
        text += f" where {index.where}"
    return text


def _target(fk: ForeignKeySchema) -> str:
    table = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    return f"{table}({', '.join(fk.referred_columns)})"


def _deferral(fk: ForeignKeySchema) -> str:
    """How a key is checked, as PostgreSQL words it (only it reports deferrability)."""
    if not fk.deferrable:
        return "NOT DEFERRABLE"
    return f"DEFERRABLE INITIALLY {(fk.initially or 'IMMEDIATE').upper()}"


def _nullability(nullable: bool) -> str:
    return "nullable" if nullable else "NOT NULL"


def _storage(stored: bool) -> str:
    return "STORED" if stored else "VIRTUAL"


def _sqlite_can_autoincrement(column: ColumnSchema) -> bool:
    return column.type.strip().upper() == "INTEGER"
