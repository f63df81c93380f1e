"""What every step of one entity's comparison with its table shares: the pair it compares,
the rules of the dialect, and how a difference is added."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..dialects import rules_for
from ..entities.model import (
    EntitySchema,
)
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    DatabaseSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from ..text import SourceRange
from .kinds import KINDS, SchemaDifference, SchemaObject, Severity


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


@dataclass(frozen=True)
class CompareOptions:
    """What to compare beyond the defaults (tables without entities, comments and checks
    are opt-in: many projects keep them only in the database)."""

    unmapped_tables: bool = False
    comments: bool = False
    check_constraints: bool = False


@dataclass(frozen=True)
class _ColumnPair:
    """A model column, its database column, where the model declares it, and its label."""

    declared: ColumnSchema
    actual: ColumnSchema
    where: SourceRange
    label: str


class TableBase:
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
                entity=self.entity,
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


def _elements(index: IndexSchema) -> tuple[str, ...]:
    """An index's columns, or its SQL elements when it has expressions."""
    return index.expressions or index.columns
