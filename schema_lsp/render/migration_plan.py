"""From differences to one tree of Alembic operations, in phases (drops of keys and
indexes, types, tables, columns, indexes, keys, drops): the planner ``operations_for``
runs, and ``loses_data`` asks without planning the whole file. What a step may lose is
decided by ``data_loss.py``; a step that loses data needs ``allow_data_loss``."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from alembic.operations import MigrateOperation, ops

from ..dialects import rules_for
from ..diff import DifferenceKind, SchemaDifference
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
from .migration_ops import AlterColumnOp, CommentOperation, EnumTypeOp
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
from .sqlite_rebuild import RebuildTableOps, needs_rebuild, rebuild

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


def _dialect_name(dialect: str) -> str:
    """SQLAlchemy's dialect name; ``mariadb`` stays itself (it drops a CHECK differently)."""
    return dialect.lower()


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
