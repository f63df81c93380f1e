"""Difference kinds, their facts as data, and the difference value itself: what the CLI,
the server and the renderers ask about a difference."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Literal, TypeVar

from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from ..text import SourceRange

if TYPE_CHECKING:
    from ..entities.model import EntitySchema

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
    #: the entity the difference was found on, as compared (``for_dialect``): what the
    #: parser recorded of its declaration (the classes that map it, its naming
    #: convention, where each object is written), which a quick fix reads
    entity: EntitySchema | None = field(default=None, repr=False, compare=False)
    #: the other tables whose declaration is the same code as this object's (a mixin's
    #: column, the ``Table(...)`` of a loop), and whether each has this same difference:
    #: a fix there changes them all, so it is right only then
    sharers: tuple[str, ...] = field(default=(), repr=False, compare=False)
    sharers_alike: bool = field(default=False, repr=False, compare=False)

    @property
    def code(self) -> str:
        return KINDS[self.kind].code

    @property
    def entity_range(self) -> SourceRange | None:
        """Where the entity itself is declared (its class name, or its ``Table(...)``)."""
        return self.entity.range if self.entity is not None else None

    @property
    def path(self) -> str | None:
        return self.range.path if self.range else None

    @property
    def line(self) -> int | None:
        """1-based line, as linters print it."""
        return self.range.start_line + 1 if self.range else None
