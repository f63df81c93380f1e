"""Migrations that make the database match the models, rendered from SchemaDifference values.

The Alembic autogenerate shape: ``operations_for`` turns differences into one intermediate
tree of Alembic operations (``UpgradeOps``), and two renderers read it. ``render_sql`` runs
the tree through Alembic's ``Operations`` in offline (``as_sql``) mode, so every statement
is the dialect's own DDL with identifiers quoted by SQLAlchemy; ``render_alembic_revision``
renders the same tree as a revision file with ``upgrade()`` and ``downgrade()``.

What callers may rely on:

* Data is never lost unless asked: a step that can lose data (a column or table only the
  database has is dropped, a type narrowed, ``NULL`` made ``NOT NULL``; ``data_loss.py``
  decides from the schema alone) is rendered only with ``allow_data_loss=True``
  (``include_drops`` is its older name), after a warning comment; otherwise a comment says
  it was skipped and why. Either comment holds a query counting the rows it touches.
* Nothing is dropped without a name. An unnamed constraint is dropped on SQLite by
  rebuilding the table without it; elsewhere a comment says so.
* SQLite gets one table rebuild per table (Alembic batch mode, ``copy_from`` the cached
  database definition, which offline mode needs); MySQL's ``MODIFY`` gets the full column
  definition from the cached database column; PostgreSQL type changes carry ``USING``.
* PostgreSQL enum types a new column, table or type change needs are created first
  (``CREATE TYPE``), unless the database has them (``database=``, or a cached table that
  uses them); a changed list of labels is left to a human, with a comment.
* A generated column whose expression or storage changed is dropped and added again (its
  values are computed, so no data goes), unless something else uses it; a column turning
  plain or generated is left to a human, with a comment.
* Information-only kinds (``name``, ``not_checked``, ``type_not_compared``,
  ``schema_not_read``) produce nothing. Primary key and autoincrement changes are not
  rendered (a comment says so): they need a hand-written migration that moves data.
"""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op
from alembic.operations import MigrateOperation, Operations, ops
from alembic.runtime.migration import MigrationContext

from ..dialects import rules_for, server_dialect
from ..diff import DifferenceKind, SchemaDifference
from ..printable import printable
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    DatabaseSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from ..sqltext import tokenize
from .column_types import dialect_for
from .data_loss import (
    DataLoss,
    dropped_column_rows,
    dropped_table_rows,
    not_null_loss,
    type_change_loss,
    type_name,
)
from .python_layout import layout_statements
from .source import string
from .sqlalchemy_tables import (
    build_column,
    build_foreign_key,
    build_index,
    build_table,
    build_tables,
    build_unique,
    ensure_referred_table,
    postgresql_enum,
)
from .sqlite_rebuild import RebuildTableOps, apply_offline, needs_rebuild, rebuild

#: Kinds that describe, never change: no statement is rendered for them (an unreadable
#: model file has none to render: ``diff`` refuses to write a migration while one exists).
INFORMATION_ONLY = frozenset(kind.value for kind in DifferenceKind if kind.informational)
#: Kinds the renderer declines with a comment (moving data needs a human).
NOT_RENDERED = frozenset(
    kind.value for kind in DifferenceKind if kind.facts.migration == "declined"
)

# Phases: the order statements must run in across tables.
_DROP_FOREIGN_KEYS = 0
_DROP_INDEXES = 1
_CREATE_TYPES = 2
_CREATE_TABLES = 3
_ADD_COLUMNS = 4
_ALTER_COLUMNS = 5
_CREATE_INDEXES = 6
_CREATE_FOREIGN_KEYS = 7
_DROP_COLUMNS = 8
_DROP_TABLES = 9


class CommentOperation(MigrateOperation):
    """A comment in the migration: a difference deliberately left alone, or something the
    person running it must know. Rendered as ``--`` in SQL and ``#`` in Python."""

    def __init__(self, reason: str, *, upgrade_only: bool = False) -> None:
        self.reason = reason
        #: Says something about the upgrade only (a downgrade leaves it out).
        self.upgrade_only = upgrade_only

    def reverse(self) -> CommentOperation:
        return self


@Operations.implementation_for(CommentOperation, replace=True)
def _write_comment(operations: Operations, operation: CommentOperation) -> None:
    operations.migration_context.impl.static_output(f"-- {printable(operation.reason)}")


@renderers.dispatch_for(CommentOperation, replace=True)
def _render_comment(autogen_context: AutogenContext, operation: CommentOperation) -> list[str]:
    reason = printable(operation.reason)
    lines = textwrap.wrap(reason, 80, break_long_words=False, break_on_hyphens=False)
    return [f"# {line}" for line in lines]


class EnumTypeOp(MigrateOperation):
    """``CREATE TYPE ... AS ENUM`` (or, reversed, ``DROP TYPE``) on PostgreSQL, through
    SQLAlchemy's own DDL constructs."""

    def __init__(
        self, name: str, labels: Sequence[str], schema: str | None = None, *, drop: bool = False
    ) -> None:
        self.name = name
        self.labels = tuple(labels)
        self.schema = schema
        self.drop = drop

    def reverse(self) -> EnumTypeOp:
        return EnumTypeOp(self.name, self.labels, self.schema, drop=not self.drop)

    def construct(self) -> Any:
        from sqlalchemy.dialects import postgresql

        enum = postgresql.ENUM(*self.labels, name=self.name, schema=self.schema)
        return postgresql.DropEnumType(enum) if self.drop else postgresql.CreateEnumType(enum)


@Operations.implementation_for(EnumTypeOp, replace=True)
def _write_enum_type(operations: Operations, operation: EnumTypeOp) -> None:
    operations.execute(operation.construct())


@renderers.dispatch_for(EnumTypeOp, replace=True)
def _render_enum_type(autogen_context: AutogenContext, operation: EnumTypeOp) -> str:
    autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
    arguments = [repr(label) for label in operation.labels] + [f"name={operation.name!r}"]
    if operation.schema:
        arguments.append(f"schema={operation.schema!r}")
    construct = "DropEnumType" if operation.drop else "CreateEnumType"
    return f"op.execute(postgresql.{construct}(postgresql.ENUM({', '.join(arguments)})))"


class AlterColumnOp(ops.AlterColumnOp):
    """Alembic's ALTER COLUMN, rendered in Python with the dialect keywords Alembic's own
    renderer leaves out (``postgresql_using``, MySQL's ``existing_autoincrement``)."""


_RENDERED_KEYWORDS = ("postgresql_using", "existing_autoincrement")


@renderers.dispatch_for(AlterColumnOp, replace=True)
def _render_alter_column(autogen_context: AutogenContext, operation: AlterColumnOp) -> str:
    text: str = renderers.dispatch(ops.AlterColumnOp)(autogen_context, operation)
    extra = [f"{key}={operation.kw[key]!r}" for key in _RENDERED_KEYWORDS if operation.kw.get(key)]
    return text[:-1] + "".join(f", {item}" for item in extra) + ")" if extra else text


@dataclass
class _TablePlan:
    """The operations for one table and what a SQLite rebuild of it needs."""

    key: str
    name: str
    schema: str | None
    actual: TableSchema | None
    steps: list[tuple[int, MigrateOperation]] = field(default_factory=list)
    #: Unnamed database constraints to drop: a SQLite rebuild leaves them out.
    unnamed: list[Any] = field(default_factory=list)


class _Planner:
    """Differences -> per-table operations, one step per difference."""

    #: kind -> the method that plans it (filled in below the class).
    handlers: dict[str, Callable[[_Planner, SchemaDifference], None]] = {}

    def __init__(
        self, dialect: str, allow_data_loss: bool, database: DatabaseSchema | None = None
    ) -> None:
        self.dialect = dialect
        self.rules = rules_for(dialect)
        self.allow_data_loss = allow_data_loss
        #: (schema, name) of the enum types the database has, and those planned here.
        self.enum_types: set[tuple[str | None, str]] = set()
        if database is not None:
            self.enum_types = {(e.schema, e.name) for e in database.enums}
        self._knows_enums = database is not None
        self.new_tables: list[TableSchema] = []
        self.dropped_tables: list[TableSchema] = []
        self.tables: dict[str, _TablePlan] = {}
        self.top: list[tuple[int, MigrateOperation]] = []
        self._actual_tables: dict[str, sa.Table] = {}
        self._declared_tables: dict[str, sa.Table] = {}
        self._altered: dict[tuple[str, str], ops.AlterColumnOp] = {}

    # -- helpers -----------------------------------------------------------------------

    def plan(self, difference: SchemaDifference) -> _TablePlan:
        table = difference.actual_table or difference.declared_table
        assert table is not None
        found = self.tables.get(difference.table)
        if found is None:
            found = _TablePlan(difference.table, table.name, table.schema, difference.actual_table)
            self.tables[difference.table] = found
        return found

    def add(self, difference: SchemaDifference, phase: int, operation: MigrateOperation) -> None:
        self.plan(difference).steps.append((phase, operation))

    def skip(self, phase: int, reason: str, *, upgrade_only: bool = False) -> None:
        self.top.append((phase, CommentOperation(reason, upgrade_only=upgrade_only)))

    def loses_data(self, phase: int, step: str, loss: DataLoss) -> bool:
        """Say a step can lose data; True when it must be left out (not allowed)."""
        if not self.allow_data_loss:
            self.skip(
                phase,
                f"{SKIPPED_DATA_LOSS}{step}: {loss.why}; rows it would touch: "
                f"{loss.rows}; emit it with --allow-data-loss (allow_data_loss=True)",
            )
            return True
        self.skip(
            phase,
            f"warning, this loses data: {step}: {loss.why}; rows it touches: {loss.rows}",
            upgrade_only=True,
        )
        return False

    def actual_table(self, difference: SchemaDifference) -> sa.Table:
        """The database's table as SQLAlchemy objects (reverse operations read it)."""
        assert difference.actual_table is not None
        key = difference.table
        if key not in self._actual_tables:
            built = build_table(difference.actual_table, sa.MetaData(), dialect=self.dialect)
            self._actual_tables[key] = built
        return self._actual_tables[key]

    def declared_table(self, difference: SchemaDifference) -> sa.Table:
        assert difference.declared_table is not None
        key = difference.table
        if key not in self._declared_tables:
            built = build_table(difference.declared_table, sa.MetaData(), dialect=self.dialect)
            self._declared_tables[key] = built
        return self._declared_tables[key]

    # -- one difference ----------------------------------------------------------------

    def require_enums(self, columns: Iterable[ColumnSchema]) -> None:
        """Create the PostgreSQL enum types these columns use that the database lacks."""
        if not self.rules.named_enum_types:
            return
        for column in columns:
            enum = postgresql_enum(column.sa_type.build())
            if enum is None or (enum.schema, enum.name) in self.enum_types:
                continue
            self.enum_types.add((enum.schema, enum.name))
            self.top.append((_CREATE_TYPES, EnumTypeOp(enum.name, enum.enums, enum.schema)))

    def learn_enums(self, differences: Sequence[SchemaDifference]) -> None:
        """Without the database's list of types, a type a cached table uses exists."""
        if self._knows_enums:
            return
        for difference in differences:
            for column in difference.actual_table.columns if difference.actual_table else ():
                enum = postgresql_enum(column.sa_type.build())
                if enum is not None:
                    self.enum_types.add((enum.schema, enum.name))

    def add_difference(self, difference: SchemaDifference) -> None:
        kind = difference.kind
        if kind in INFORMATION_ONLY:
            return
        handler = self.handlers.get(kind)
        if kind in NOT_RENDERED or handler is None:
            self.skip(
                _ALTER_COLUMNS,
                f"not rendered ({difference.code} {kind}): {difference.message}; "
                "this change needs a hand-written migration",
            )
            return
        handler(self, difference)

    def _table_missing(self, difference: SchemaDifference) -> None:
        declared = difference.declared_table
        assert declared is not None
        self.require_enums(declared.columns)
        self.new_tables.append(declared)

    def _table_unmapped(self, difference: SchemaDifference) -> None:
        actual = difference.actual_table
        assert actual is not None
        loss = DataLoss(
            "no entity maps it, and dropping it deletes its rows",
            dropped_table_rows(actual.name, actual.schema, self.dialect),
        )
        if self.loses_data(_DROP_TABLES, f"DROP TABLE {difference.table}", loss):
            return
        self.dropped_tables.append(actual)

    def _column_missing(self, difference: SchemaDifference) -> None:
        declared = difference.declared
        assert isinstance(declared, ColumnSchema)
        plan = self.plan(difference)
        self.require_enums([declared])
        column = build_column(declared, dialect=self.dialect)
        if not declared.nullable and declared.default is None and declared.computed is None:
            self.skip(
                _ADD_COLUMNS,
                f"note: {difference.table}.{declared.name} is added NOT NULL without a server "
                "default: this fails on a table that has rows (add it nullable, fill it, "
                "then make it NOT NULL)",
                upgrade_only=True,
            )
        self.add(difference, _ADD_COLUMNS, ops.AddColumnOp(plan.name, column, schema=plan.schema))

    def _column_unmapped(self, difference: SchemaDifference) -> None:
        actual = difference.actual
        assert isinstance(actual, ColumnSchema)
        plan = self.plan(difference)
        loss = DataLoss(
            "it is not in the model, and dropping it deletes its values",
            dropped_column_rows(plan.name, plan.schema, actual.name, self.dialect),
        )
        step = f"drop column {difference.table}.{actual.name}"
        if self.loses_data(_DROP_COLUMNS, step, loss):
            return
        # The column as the database has it, so the downgrade adds it back the same.
        column = build_column(actual, dialect=self.dialect)
        operation = ops.DropColumnOp.from_column_and_tablename(plan.schema, plan.name, column)
        self.add(difference, _DROP_COLUMNS, operation)

    def _alter(self, difference: SchemaDifference) -> ops.AlterColumnOp:
        """One ALTER per column, however many of its attributes differ."""
        actual = difference.actual
        assert isinstance(actual, ColumnSchema)
        plan = self.plan(difference)
        key = (difference.table, actual.name)
        found = self._altered.get(key)
        if found is None:
            existing_default = sa.text(actual.default) if actual.default is not None else None
            extra: dict[str, Any] = {}
            if self.rules.restates_column_on_alter:
                extra["existing_autoincrement"] = actual.autoincrement
            found = AlterColumnOp(
                plan.name,
                actual.name,
                schema=plan.schema,
                existing_type=actual.sa_type.build(),
                existing_nullable=actual.nullable,
                existing_server_default=existing_default,
                existing_comment=actual.comment,
                **extra,
            )
            self._altered[key] = found
            self.add(difference, _ALTER_COLUMNS, found)
        return found

    def _type(self, difference: SchemaDifference) -> None:
        declared, actual = difference.declared, difference.actual
        assert isinstance(declared, ColumnSchema) and isinstance(actual, ColumnSchema)
        new, old = declared.sa_type.build(), actual.sa_type.build()
        if self.rules.named_enum_types:
            new_enum, old_enum = postgresql_enum(new), postgresql_enum(old)
            if new_enum is not None and old_enum is not None and new_enum.name == old_enum.name:
                self.skip(
                    _ALTER_COLUMNS,
                    f"not rendered: {difference.message}; change the labels of enum type "
                    f"{new_enum.name} by hand (ALTER TYPE ... ADD VALUE / RENAME VALUE)",
                )
                return
            self.require_enums([declared])
            new = new_enum or new
        plan = self.plan(difference)
        loss = type_change_loss(plan.name, plan.schema, actual.name, old, new, self.dialect)
        if loss is not None:
            step = (
                f"{difference.table}.{actual.name} {type_name(old, self.dialect)} -> "
                f"{type_name(new, self.dialect)}"
            )
            if self.loses_data(_ALTER_COLUMNS, step, loss):
                return
        operation = self._alter(difference)
        operation.modify_type = new
        if self.rules.alter_type_using:
            operation.kw["postgresql_using"] = _using(
                operation.column_name, operation.modify_type, self.dialect
            )

    def _nullable(self, difference: SchemaDifference) -> None:
        declared, actual = difference.declared, difference.actual
        assert isinstance(declared, ColumnSchema) and isinstance(actual, ColumnSchema)
        if not declared.nullable:
            plan = self.plan(difference)
            loss = not_null_loss(plan.name, plan.schema, actual.name, self.dialect)
            step = f"{difference.table}.{actual.name} NULL -> NOT NULL"
            if self.loses_data(_ALTER_COLUMNS, step, loss):
                return
        self._alter(difference).modify_nullable = declared.nullable

    def _server_default(self, difference: SchemaDifference) -> None:
        declared, actual = difference.declared, difference.actual
        assert isinstance(declared, ColumnSchema) and isinstance(actual, ColumnSchema)
        if declared.default is None and _sequence_default(actual):
            self.skip(
                _ALTER_COLUMNS,
                f"kept: the sequence default of {difference.table}.{actual.name} "
                f"({actual.default}); dropping it would stop the column auto-incrementing",
            )
            return
        default = sa.text(declared.default) if declared.default is not None else None
        self._alter(difference).modify_server_default = default

    def _computed(self, difference: SchemaDifference) -> None:
        """A generated column's expression or storage changes by dropping the column and
        adding it back: its values are computed, so nothing is lost. Not when something
        else uses the column (the drop would take it along), nor between plain and
        generated (that replaces or freezes values): those are left to a human."""
        declared, actual = difference.declared, difference.actual
        assert isinstance(declared, ColumnSchema) and isinstance(actual, ColumnSchema)
        assert difference.actual_table is not None
        if declared.computed is None or actual.computed is None:
            self.skip(
                _ALTER_COLUMNS,
                f"not rendered ({difference.code} computed): {difference.message}; turning a "
                "plain column into a generated one (or back) replaces its values: write this "
                "migration by hand",
            )
            return
        users = _users_of_column(difference.actual_table, actual.name)
        if users:
            self.skip(
                _ALTER_COLUMNS,
                f"not rendered ({difference.code} computed): {difference.message}; dropping "
                f"and adding the column again would drop {', '.join(users)} with it: write "
                "this migration by hand",
            )
            return
        plan = self.plan(difference)
        self.skip(
            _ADD_COLUMNS,
            f"note: the generated column {difference.table}.{actual.name} is dropped and "
            "added again with the model's expression (its values are computed again)",
            upgrade_only=True,
        )
        old = build_column(actual, dialect=self.dialect)
        new = build_column(declared, dialect=self.dialect)
        drop = ops.DropColumnOp.from_column_and_tablename(plan.schema, plan.name, old)
        self.add(difference, _ADD_COLUMNS, drop)
        self.add(difference, _ADD_COLUMNS, ops.AddColumnOp(plan.name, new, schema=plan.schema))

    def _comment(self, difference: SchemaDifference) -> None:
        """Column comments through ALTER COLUMN (MySQL restates the column), table
        comments through COMMENT ON / ALTER TABLE; SQLite keeps no comments."""
        if not self.rules.keeps_comments:
            self.skip(
                _ALTER_COLUMNS,
                f"skipped: {difference.message} ({self.rules.title} keeps no comments)",
            )
            return
        declared = difference.declared
        if isinstance(declared, ColumnSchema):
            self._alter(difference).modify_comment = declared.comment
            return
        assert difference.declared_table is not None and difference.actual_table is not None
        plan = self.plan(difference)
        wanted = difference.declared_table.comment
        existing = difference.actual_table.comment
        operation: MigrateOperation
        if wanted is None:
            operation = ops.DropTableCommentOp(
                plan.name, schema=plan.schema, existing_comment=existing
            )
        else:
            operation = ops.CreateTableCommentOp(
                plan.name, wanted, schema=plan.schema, existing_comment=existing
            )
        self.add(difference, _ALTER_COLUMNS, operation)

    def _index_missing(self, difference: SchemaDifference) -> None:
        declared = difference.declared
        assert isinstance(declared, IndexSchema)
        index = build_index(declared, self.declared_table(difference), self.dialect)
        self.add(difference, _CREATE_INDEXES, ops.CreateIndexOp.from_index(index))

    def _index_unmapped(self, difference: SchemaDifference) -> None:
        actual = difference.actual
        assert isinstance(actual, IndexSchema)
        if actual.name is None:
            self.skip(_DROP_INDEXES, f"skipped: {difference.message} (it has no name to drop)")
            return
        index = _find_index(self.actual_table(difference), actual, self.dialect)
        self.add(difference, _DROP_INDEXES, ops.DropIndexOp.from_index(index))

    def _index_changed(self, difference: SchemaDifference) -> None:
        self._index_unmapped(difference)
        self._index_missing(difference)

    def _unique_missing(self, difference: SchemaDifference) -> None:
        declared = difference.declared
        assert isinstance(declared, UniqueConstraintSchema)
        name = declared.name or _constraint_name("uq", difference.table, declared.columns)
        table = self.declared_table(difference)
        constraint = build_unique(UniqueConstraintSchema(name, declared.columns))
        table.append_constraint(constraint)
        operation = ops.CreateUniqueConstraintOp.from_constraint(constraint)
        self.add(difference, _CREATE_INDEXES, operation)

    def _unique_unmapped(self, difference: SchemaDifference) -> None:
        actual = difference.actual
        assert isinstance(actual, UniqueConstraintSchema)
        self._drop_constraint(difference, actual, _DROP_INDEXES, "unique")

    def _foreign_key_missing(self, difference: SchemaDifference) -> None:
        declared = difference.declared
        assert isinstance(declared, ForeignKeySchema)
        name = declared.name or (
            difference.actual.name if isinstance(difference.actual, ForeignKeySchema) else None
        )
        name = name or _constraint_name(
            "fk", difference.table, (*declared.columns, declared.referred_table)
        )
        table = sa.Table(
            self.plan(difference).name,
            sa.MetaData(),
            *(sa.Column(c, sa.types.NullType()) for c in declared.columns),
            schema=self.plan(difference).schema,
        )
        ensure_referred_table(declared, table.metadata)
        constraint = build_foreign_key(replace(declared, name=name))
        table.append_constraint(constraint)
        operation = ops.CreateForeignKeyOp.from_constraint(constraint)
        self.add(difference, _CREATE_FOREIGN_KEYS, operation)

    def _foreign_key_unmapped(self, difference: SchemaDifference) -> None:
        actual = difference.actual
        assert isinstance(actual, ForeignKeySchema)
        dropped = self._drop_constraint(difference, actual, _DROP_FOREIGN_KEYS, "foreignkey")
        if dropped and self.rules.indexes_foreign_keys and difference.kind.endswith("mapped"):
            # InnoDB keeps the index it made for the key; it is nobody's once the key goes.
            assert difference.actual_table is not None
            for index in difference.actual_table.indexes:
                if index.implicit == "foreign_key" and index.columns == actual.columns:
                    found = _find_index(self.actual_table(difference), index, self.dialect)
                    self.add(difference, _DROP_FOREIGN_KEYS, ops.DropIndexOp.from_index(found))

    def _foreign_key_changed(self, difference: SchemaDifference) -> None:
        self._foreign_key_unmapped(difference)
        self._foreign_key_missing(difference)

    def _check_missing(self, difference: SchemaDifference) -> None:
        declared = difference.declared
        assert isinstance(declared, CheckConstraintSchema)
        digest = hashlib.sha1(declared.sqltext.encode()).hexdigest()[:8]
        name = declared.name or _constraint_name("ck", difference.table, (digest,))
        plan = self.plan(difference)
        operation = ops.CreateCheckConstraintOp(
            name, plan.name, sa.text(declared.sqltext), schema=plan.schema
        )
        self.add(difference, _CREATE_INDEXES, operation)

    def _check_unmapped(self, difference: SchemaDifference) -> None:
        actual = difference.actual
        assert isinstance(actual, CheckConstraintSchema)
        self._drop_constraint(difference, actual, _DROP_INDEXES, "check")

    def _drop_constraint(
        self, difference: SchemaDifference, actual: Any, phase: int, type_: str
    ) -> bool:
        """Drop a database constraint by its reflected name; an unnamed one only through a
        SQLite rebuild. Returns whether a drop was planned."""
        if actual.name is None:
            if self.rules.alters_by_rebuild:
                self.plan(difference).unnamed.append(actual)
                return True
            self.skip(
                phase,
                f"skipped: {difference.message} (the database gives it no name, so it cannot "
                "be dropped by name; drop it by hand)",
            )
            return False
        table = self.actual_table(difference)
        constraint = next(
            (c for c in table.constraints if c.name == actual.name),
            None,
        )
        if constraint is None:  # e.g. a MySQL unique constraint seen only as an index
            operation = ops.DropConstraintOp(actual.name, table.name, type_, schema=table.schema)
        else:
            operation = ops.DropConstraintOp.from_constraint(constraint)
        self.add(difference, phase, operation)
        return True

    # -- the tree ----------------------------------------------------------------------

    def upgrade_ops(self) -> ops.UpgradeOps:
        steps: list[tuple[int, int, MigrateOperation]] = [
            (phase, position, op) for position, (phase, op) in enumerate(self.top)
        ]
        creates, drops = self.table_operations()
        steps += [(_CREATE_TABLES, len(steps) + n, op) for n, op in enumerate(creates)]
        steps += [(_DROP_TABLES, len(steps) + n, op) for n, op in enumerate(drops)]
        for plan in self.tables.values():
            ordered = [op for _, op in sorted(plan.steps, key=lambda s: s[0])]
            if self.rules.alters_by_rebuild and (plan.unnamed or any(map(needs_rebuild, ordered))):
                # One rebuild per table, with all of the table's operations.
                assert plan.actual is not None
                first = min((phase for phase, _ in plan.steps), default=_ALTER_COLUMNS)
                operation = rebuild(plan.actual, ordered, plan.unnamed)
                steps.append((max(first, _ADD_COLUMNS), len(steps), operation))
                continue
            by_phase: dict[int, list[MigrateOperation]] = {}
            for phase, op in plan.steps:
                by_phase.setdefault(phase, []).append(op)
            for phase, grouped in by_phase.items():
                container = ops.ModifyTableOps(plan.name, grouped, schema=plan.schema)
                steps.append((phase, len(steps), container))
        rebuilt = any(isinstance(op, RebuildTableOps) for *_, op in steps)
        if self.rules.alters_by_rebuild and rebuilt:
            note = CommentOperation(
                "note: SQLite tables are rebuilt below (copy, drop, rename); run this with "
                "PRAGMA foreign_keys=OFF (SQLite's default) so that foreign keys pointing at a "
                "rebuilt table do not stop the drop"
            )
            steps.append((-1, -1, note))
        steps.sort(key=lambda step: (step[0], step[1]))
        return ops.UpgradeOps([op for _, _, op in steps])

    def table_operations(self) -> tuple[list[MigrateOperation], list[MigrateOperation]]:
        """CREATE TABLE (with its indexes) for new tables, referenced tables first, and DROP
        TABLE for dropped ones, referencing tables first: SQLAlchemy's own dependency sort
        (``MetaData.sorted_tables``) decides."""
        creates: list[MigrateOperation] = []
        metadata = sa.MetaData()
        new = build_tables(self.new_tables, metadata, dialect=self.dialect)
        for table in metadata.sorted_tables:
            if table in new:
                indexes = sorted(table.indexes, key=lambda i: str(i.name))
                creates.append(ops.CreateTableOp.from_table(table))
                creates += [ops.CreateIndexOp.from_index(index) for index in indexes]
        metadata = sa.MetaData()
        dropped = build_tables(self.dropped_tables, metadata, dialect=self.dialect)
        ordered = [t for t in reversed(metadata.sorted_tables) if t in dropped]
        drops: list[MigrateOperation] = [ops.DropTableOp.from_table(t) for t in ordered]
        return creates, drops


_Planner.handlers = {
    "table_missing": _Planner._table_missing,
    "table_unmapped": _Planner._table_unmapped,
    "column_missing": _Planner._column_missing,
    "column_unmapped": _Planner._column_unmapped,
    "type": _Planner._type,
    "nullable": _Planner._nullable,
    "server_default": _Planner._server_default,
    "computed": _Planner._computed,
    "comment": _Planner._comment,
    "index_missing": _Planner._index_missing,
    "index_unmapped": _Planner._index_unmapped,
    "index_changed": _Planner._index_changed,
    "unique_missing": _Planner._unique_missing,
    "unique_unmapped": _Planner._unique_unmapped,
    "foreign_key_missing": _Planner._foreign_key_missing,
    "foreign_key_unmapped": _Planner._foreign_key_unmapped,
    "foreign_key_changed": _Planner._foreign_key_changed,
    "check_missing": _Planner._check_missing,
    "check_unmapped": _Planner._check_unmapped,
}


def operations_for(
    differences: Iterable[SchemaDifference],
    dialect: str,
    *,
    allow_data_loss: bool = False,
    include_drops: bool = False,
    database: DatabaseSchema | None = None,
) -> ops.UpgradeOps:
    """The Alembic operations that make the database match the models, in a safe order:
    drop foreign keys and indexes, create enum types and tables, add and alter columns,
    create indexes, constraints and foreign keys, then (only with ``allow_data_loss``) drop
    columns and tables; a step that can lose data is only rendered with ``allow_data_loss``
    (``include_drops`` is the same flag's older name). ``UpgradeOps.reverse()`` gives the
    downgrade. ``database`` (the
    cached schema the differences came from) tells which PostgreSQL enum types exist."""
    differences = list(differences)
    planner = _Planner(_dialect_name(dialect), allow_data_loss or include_drops, database)
    planner.learn_enums(differences)
    for difference in differences:
        planner.add_difference(difference)
    return planner.upgrade_ops()


#: Kinds whose step ``loses_data`` may leave out: a changed type or nullability (see
#: ``_Planner._type``/``_nullable``) and the drops.
_MAY_LOSE_DATA = frozenset(
    {"type", "nullable"} | {kind.value for kind in DifferenceKind if kind.facts.drops_data}
)
#: How the comment of a step left out because it can lose data starts.
SKIPPED_DATA_LOSS = "skipped (it can lose data): "


def loses_data(
    differences: Iterable[SchemaDifference], dialect: str, database: DatabaseSchema | None = None
) -> bool:
    """Whether a migration of these differences leaves steps out that can lose data
    (what ``allow_data_loss`` would add). Only the kinds whose step may lose data are
    planned: the editor asks this on every code-action request."""
    candidates = [d for d in differences if d.kind in _MAY_LOSE_DATA]
    if not candidates:
        return False
    upgrade = operations_for(candidates, dialect, database=database)
    return any(
        isinstance(op, CommentOperation) and op.reason.startswith(SKIPPED_DATA_LOSS)
        for op in upgrade.ops
    )


def left_out(upgrade: ops.UpgradeOps) -> tuple[bool, list[str]]:
    """Whether an upgrade changes anything, and the comments of what it leaves out."""
    changes = any(not isinstance(op, CommentOperation) for op in upgrade.ops)
    comments = [op.reason for op in upgrade.ops if isinstance(op, CommentOperation)]
    return changes, comments


# -- SQL ---------------------------------------------------------------------------------


class _StatementBuffer:
    """Collects what Alembic writes in offline mode: one write per statement or comment."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def write(self, text: str) -> None:
        self.items.append(text.strip())

    def flush(self) -> None:
        pass


def sql_statements(
    differences: Iterable[SchemaDifference],
    dialect: str,
    *,
    allow_data_loss: bool = False,
    include_drops: bool = False,
    database: DatabaseSchema | None = None,
) -> list[str]:
    """The migration as single-line SQL statements (each ending with ``;``) and ``--``
    comments, in order."""
    upgrade = operations_for(
        differences, dialect, allow_data_loss=allow_data_loss or include_drops, database=database
    )
    return _run_offline(upgrade, _dialect_name(dialect))


def _run_offline(container: ops.OpContainer, dialect: str) -> list[str]:
    buffer = _StatementBuffer()
    context = MigrationContext.configure(
        dialect_name=dialect,
        opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True},
    )
    operations = Operations(context)
    for operation in container.ops:
        if isinstance(operation, RebuildTableOps):
            apply_offline(operations, operation)
        elif isinstance(operation, ops.ModifyTableOps):
            for inner in operation.ops:
                operations.invoke(inner)
        else:
            operations.invoke(operation)
    return [_one_line(item) for item in buffer.items if item]


def _one_line(statement: str) -> str:
    """SQLAlchemy lays CREATE TABLE out over lines; one statement per line reads and splits
    better. Only line breaks SQLAlchemy put between elements are joined: one inside a
    quoted identifier or string is part of a name (``"a\nb"`` is not ``"a b"``)."""
    if statement.startswith("--"):
        return statement
    joined: list[str] = []
    quote: str | None = None
    index, length = 0, len(statement)
    while index < length:
        char = statement[index]
        if quote is not None:
            joined.append(char)
            if char == quote:
                quote = None  # a doubled quote opens again at once
        elif char in "'\"`":
            quote = char
            joined.append(char)
        elif char == "\n":
            while joined and joined[-1] in " \t":
                joined.pop()
            index += 1
            while index < length and statement[index] in " \t\n":
                index += 1
            if index < length and joined and joined[-1] != "(" and statement[index] != ")":
                joined.append(" ")
            continue
        else:
            joined.append(char)
        index += 1
    return "".join(joined).strip()


def render_sql(
    differences: Sequence[SchemaDifference],
    dialect: str,
    *,
    allow_data_loss: bool = False,
    include_drops: bool = False,
    database: DatabaseSchema | None = None,
) -> str:
    """A SQL script for ``dialect``: a header naming each difference it fixes, then one
    statement per line."""
    name = _dialect_name(dialect)
    lines = [f"-- schema-lsp: make the {name} database match the models"]
    for difference in differences:
        if difference.kind not in INFORMATION_ONLY:
            lines.append(f"-- {difference.code} {printable(difference.message)}")
    statements = sql_statements(
        differences, name, allow_data_loss=allow_data_loss or include_drops, database=database
    )
    if not statements:
        lines.append("-- nothing to change")
    return "\n".join(lines + statements) + "\n"


# -- Alembic revision ----------------------------------------------------------------------

_REVISION = '''"""{message}

Revision ID: {revision}
Revises: {down_revision}
Generated by schema-lsp for {dialect}.
"""

{imports}

# revision identifiers, used by Alembic.
revision: str = {revision_value}
down_revision: {down_revision_type} = {down_revision_value}
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def render_alembic_revision(
    differences: Sequence[SchemaDifference],
    dialect: str,
    *,
    message: str,
    revision_id: str | None = None,
    down_revision: str | Sequence[str] | None = None,
    allow_data_loss: bool = False,
    include_drops: bool = False,
    database: DatabaseSchema | None = None,
) -> str:
    """A complete Alembic revision file whose ``upgrade()`` makes the database match the
    models and whose ``downgrade()`` puts the database's state back. On SQLite operations
    are rendered in batch mode (Alembic reflects the table when it runs online). Several
    ``down_revision`` make it a merge of those heads."""
    name = _dialect_name(dialect)
    upgrade = operations_for(
        differences, name, allow_data_loss=allow_data_loss or include_drops, database=database
    )
    downgrade = upgrade.reverse()
    _fix_using(downgrade, name)
    # Notes to the reader stay at the top, where the upgrade has them.
    kept = [op for op in downgrade.ops if not getattr(op, "upgrade_only", False)]
    notes = [op for op in kept if _is_note(op)]
    downgrade.ops[:] = notes + [op for op in kept if not _is_note(op)]
    context = AutogenContext(
        MigrationContext.configure(dialect_name=name),
        opts={
            "sqlalchemy_module_prefix": "sa.",
            "alembic_module_prefix": "op.",
            "render_as_batch": rules_for(name).alters_by_rebuild,
            "user_module_prefix": None,
            "render_item": _render_item,
        },
    )
    context.imports = set()
    upgrade_body = _python_body(upgrade, context)
    downgrade_body = _python_body(downgrade, context)
    code = "\n".join(
        line
        for line in (upgrade_body + "\n" + downgrade_body).splitlines()
        if not line.lstrip().startswith("#")
    )
    imports = ["from collections.abc import Sequence", ""]
    for alias, statement in (("sa", "import sqlalchemy as sa"), ("op", "from alembic import op")):
        if re.search(rf"\b{alias}\.", code):  # an unused import would fail ruff's F401
            imports.append(statement)
    imports += sorted(context.imports)
    revision = revision_id or uuid.uuid4().hex[:12]
    parents = [down_revision] if isinstance(down_revision, str) else list(down_revision or ())
    if len(parents) > 1:
        parents_type = "str | Sequence[str] | None"
        parents_value = f"({', '.join(map(string, parents))})"
        if len(f"down_revision: {parents_type} = {parents_value}") > 88:  # as ruff format
            parents_value = "(\n" + "".join(f"    {string(p)},\n" for p in parents) + ")"
    else:
        parents_type, parents_value = "str | None", string(parents[0]) if parents else "None"
    return _REVISION.format(
        message=message.replace('"""', "'''"),
        revision=revision,
        down_revision=textwrap.fill(
            ", ".join(parents) or "None", 88, initial_indent=" " * 9, subsequent_indent="    "
        ).lstrip(),
        down_revision_type=parents_type,
        revision_value=string(revision),
        down_revision_value=parents_value,
        dialect=name,
        imports="\n".join(_sorted_imports(imports)),
        upgrade=upgrade_body,
        downgrade=downgrade_body,
    )


def _python_body(container: ops.OpContainer, context: AutogenContext) -> str:
    """The function body: each operation as Alembic renders it, laid out again as
    ``ruff format`` would (comments for skipped differences kept as they are)."""
    from mako.pygen import PythonPrinter  # type: ignore[import-untyped]

    lines: list[str] = []
    for operation in container.ops:
        if isinstance(operation, CommentOperation):
            lines += [f"    {line}" for line in _render_comment(context, operation)]
            continue
        buffer = io.StringIO()
        printer = PythonPrinter(buffer)
        for line in render_op(context, operation):
            printer.writeline(line)
        printer.close()
        lines += layout_statements(buffer.getvalue(), 1)
    if not any(not line.lstrip().startswith("#") for line in lines):
        lines.append("    pass")
    return "\n".join(lines)


def _sorted_imports(lines: list[str]) -> list[str]:
    """Standard library, a blank line, then third-party imports, as ruff's isort wants."""
    third_party = sorted(
        {line for line in lines if line and not line.startswith("from collections")},
        key=lambda line: (line.startswith("from "), line.split()[1]),
    )
    return ["from collections.abc import Sequence", *([""] if third_party else []), *third_party]


def _render_item(kind: str, item: Any, context: AutogenContext) -> str | bool:
    """Server defaults as ``sa.text("...")``: Alembic prints a bare text clause of an
    ALTER as its SQL, which Python reads as a number or a name."""
    if kind != "server_default":
        return False
    if isinstance(item, sa.DefaultClause):
        item = item.arg
    if isinstance(item, sa.TextClause):
        return f"sa.text({item.text!r})"
    return False


def _is_note(operation: MigrateOperation) -> bool:
    return isinstance(operation, CommentOperation) and operation.reason.startswith("note:")


def _fix_using(container: ops.OpContainer, dialect: str) -> None:
    """A reversed ALTER keeps the forward ``USING``; give it its own cast."""
    rules = rules_for(dialect)
    if not rules.alter_type_using:
        return
    for operation in container.ops:
        inner = operation.ops if isinstance(operation, ops.OpContainer) else [operation]
        for item in inner:
            if isinstance(item, ops.AlterColumnOp) and item.modify_type is not None:
                item.kw["postgresql_using"] = _using(item.column_name, item.modify_type, dialect)


# -- small pieces ----------------------------------------------------------------------


def _dialect_name(dialect: str) -> str:
    """SQLAlchemy's dialect name; ``mariadb`` stays itself (it drops a CHECK differently)."""
    return dialect.lower()


def migration_dialect(database: DatabaseSchema) -> str:
    """The dialect to render for a database read by ``introspect``: ``mariadb`` for a
    MariaDB server reached through a ``mysql://`` URL (its versions start at 10; MySQL's
    are 5, 8 and 9), else the database's own dialect name."""
    return server_dialect(database.dialect, database.server_version)


def _using(column: str, type_: Any, dialect: str) -> str:
    """``CAST(col AS NEW_TYPE)`` compiled by the dialect: an explicit cast, so PostgreSQL
    accepts any castable change (it refuses ``varchar`` to ``numeric`` without one)."""
    return str(sa.cast(sa.column(column), type_).compile(dialect=dialect_for(dialect)))


def _users_of_column(table: TableSchema, column: str) -> list[str]:
    """What in ``table`` uses ``column`` and would go with it if it were dropped: keys,
    indexes, constraints and generated columns (a check or expression that merely names it
    counts too)."""
    users: list[str] = []
    if table.primary_key is not None and column in table.primary_key.columns:
        users.append("the primary key")
    for kind, items in (
        ("index", table.indexes),
        ("unique constraint", table.unique_constraints),
        ("foreign key", table.foreign_keys),
    ):
        for item in items:
            expressions = getattr(item, "expressions", ()) or ()
            where = getattr(item, "where", None) or ""
            texts = (*expressions, where)
            if column in item.columns or any(_names_column(t, column) for t in texts):
                users.append(f"{kind} {item.name or '(unnamed)'}")
    for check in table.check_constraints:
        if _names_column(check.sqltext, column):
            users.append(f"check constraint {check.name or '(unnamed)'}")
    for other in table.columns:
        if (
            other.name != column
            and other.computed
            and _names_column(other.computed.sqltext, column)
        ):
            users.append(f"generated column {other.name}")
    return users


def _names_column(sql: str, column: str) -> bool:
    """Whether SQL text names ``column`` (as a name, quoted or not; any case)."""
    tokens = tokenize(sql) or []
    wanted = column.lower()
    for token in tokens:
        if token.kind == "ident" and token.text.lower() == wanted:
            return True
        if token.kind == "quoted" and token.text[1:-1].lower() == wanted:
            return True
    return False


def _sequence_default(column: ColumnSchema) -> bool:
    """PostgreSQL's ``nextval(...)`` on an auto-incrementing column: the database's own."""
    return column.autoincrement and (column.default or "").startswith("nextval(")


def _find_index(table: sa.Table, index: IndexSchema, dialect: str) -> sa.Index:
    """The cached table's index of that name (one the database made itself is built)."""
    for candidate in table.indexes:
        if candidate.name == index.name:
            return candidate
    return build_index(index, table, dialect)


def _constraint_name(prefix: str, table: str, parts: Sequence[str]) -> str:
    """A name for a constraint the model leaves unnamed, so it can be dropped by name later;
    cut to PostgreSQL's 63-character limit."""
    name = re.sub(r"\W+", "_", "_".join((prefix, table, *parts))).strip("_")
    return name[:63]
