"""SQLite table rebuilds: what ALTER TABLE cannot do on SQLite, done by Alembic's batch mode.

SQLite alters little in place (add a nullable or constant-default column, create or drop an
index); everything else rebuilds the table: create a copy, copy the rows, drop, rename.
``RebuildTableOps`` is one table's operations applied by one rebuild, and knows the four
things a rebuild would otherwise get wrong:

* Offline (SQL script) mode cannot reflect, so it copies from the cached database definition
  (``copy_from``), leaving out the unnamed constraints being dropped: leaving them out *is*
  the drop, the only one SQLite allows.
* Expression indexes do not survive a rebuild (SQLAlchemy's reflection skips them, and so
  does batch mode), so they are created again after it.
* SQLite refuses to copy rows into a generated column, so generated columns are dropped and
  added again inside the rebuild, and compute their values anew.
* In a revision file, batch mode reflects the table when it runs; unnamed constraints are
  then given names by a naming convention so they can be dropped by name (Alembic's
  documented way).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op
from alembic.operations import MigrateOperation, ops

from ..schema import CheckConstraintSchema, ForeignKeySchema, TableSchema, UniqueConstraintSchema
from .sqlalchemy_tables import build_column, build_table

#: Names batch mode gives reflected unnamed constraints (a revision drops them by these).
NAMING_CONVENTION = {
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
}
_CONSTANT = re.compile(r"(?i)null|true|false|[+-]?\d+(\.\d+)?|'(?:[^']|'')*'")


class RebuildTableOps(ops.ModifyTableOps):
    """One SQLite table's operations, applied by one rebuild (``recreate="always"``)."""

    def __init__(
        self,
        table_name: str,
        operations: Sequence[MigrateOperation],
        *,
        schema: str | None,
        copy_from: sa.Table,
        restore: Sequence[sa.Index] = (),
        unnamed: Sequence[Any] = (),
    ) -> None:
        super().__init__(table_name, operations, schema=schema)
        self.copy_from = copy_from
        #: Expression indexes to create again after the rebuild.
        self.restore = list(restore)
        #: Unnamed constraints (schema objects) the rebuild drops.
        self.unnamed = list(unnamed)

    def reverse(self) -> RebuildTableOps:
        back = [op.reverse() for op in self.ops]
        back.reverse()
        back += [_recreate(self.table_name, item) for item in self.unnamed if _nameable(item)]
        return RebuildTableOps(
            self.table_name,
            back,
            schema=self.schema,
            copy_from=self.copy_from,
            restore=self.restore,
        )


def rebuild(
    table: TableSchema,
    operations: Sequence[MigrateOperation],
    unnamed: Sequence[Any] = (),
) -> RebuildTableOps:
    """The rebuild of ``table`` (the cached database definition) applying ``operations``
    and dropping the ``unnamed`` constraints."""
    operations = _generated_columns_recomputed(table, operations)
    dropped_indexes = {op.index_name for op in operations if isinstance(op, ops.DropIndexOp)}
    expression_indexes = [
        index
        for index in table.indexes
        if index.expressions and index.implicit is None and index.name not in dropped_indexes
    ]
    without = frozenset(id(item) for item in [*unnamed, *expression_indexes])
    copy_from = build_table(table, sa.MetaData(), dialect="sqlite", without=without)
    whole = build_table(table, sa.MetaData(), dialect="sqlite")
    names = {index.name for index in expression_indexes}
    restore = [index for index in whole.indexes if index.name in names]
    return RebuildTableOps(
        table.name,
        operations,
        schema=table.schema,
        copy_from=copy_from,
        restore=sorted(restore, key=lambda index: str(index.name)),
        unnamed=unnamed,
    )


def _generated_columns_recomputed(
    table: TableSchema, operations: Sequence[MigrateOperation]
) -> list[MigrateOperation]:
    """SQLite refuses to copy rows into a generated column, and batch mode copies every
    column it keeps: so each generated column is dropped and added again in the rebuild (it
    computes its values again, after the table's other columns)."""
    dropped = {op.column_name for op in operations if isinstance(op, ops.DropColumnOp)}
    generated = [c for c in table.columns if c.computed is not None and c.name not in dropped]
    if not generated:
        return list(operations)
    columns = [build_column(column, dialect="sqlite") for column in generated]
    drops = [
        ops.DropColumnOp.from_column_and_tablename(table.schema, table.name, column)
        for column in columns
    ]
    adds = [ops.AddColumnOp(table.name, column, schema=table.schema) for column in columns]
    return [*drops, *operations, *adds]


def needs_rebuild(operation: MigrateOperation) -> bool:
    """Whether SQLite's ALTER TABLE cannot do it in place."""
    if isinstance(operation, (ops.CreateIndexOp, ops.DropIndexOp)):
        return False
    if isinstance(operation, ops.AddColumnOp):
        column = operation.column
        default = column.server_default
        if default is None:
            return not column.nullable
        text = getattr(getattr(default, "arg", None), "text", getattr(default, "arg", None))
        return not (isinstance(text, str) and _CONSTANT.fullmatch(text.strip()))
    return True


def apply_offline(operations: Any, operation: RebuildTableOps) -> None:
    """Run the rebuild through ``Operations`` in offline mode."""
    with operations.batch_alter_table(
        operation.table_name,
        schema=operation.schema,
        copy_from=operation.copy_from,
        recreate="always",
    ) as batch:
        for inner in operation.ops:
            batch.invoke(inner)
    for index in operation.restore:
        operations.invoke(ops.CreateIndexOp.from_index(index))


@renderers.dispatch_for(RebuildTableOps, replace=True)
def _render_rebuild(autogen_context: AutogenContext, operation: RebuildTableOps) -> list[str]:
    """``with op.batch_alter_table(..., recreate="always") as batch_op:`` and its operations;
    unnamed constraints dropped by their conventional names; expression indexes after."""
    header = f"with op.batch_alter_table({operation.table_name!r}, schema={operation.schema!r}"
    header += ", recreate='always'"
    nameable = [item for item in operation.unnamed if _nameable(item)]
    if nameable:
        header += f", naming_convention={NAMING_CONVENTION!r}"
    lines = [header + ") as batch_op:"]
    for item in operation.unnamed:
        if _nameable(item):
            kind = "foreignkey" if isinstance(item, ForeignKeySchema) else "unique"
            name = conventional_name(operation.table_name, item)
            lines.append(f"batch_op.drop_constraint({name!r}, type_={kind!r})")
        else:
            lines.append(f"# drop the unnamed constraint {_describe(item)} by hand")
    if operation.ops:
        inner = ops.ModifyTableOps(operation.table_name, operation.ops, schema=operation.schema)
        lines += render_op(autogen_context, inner)[1:]  # its own header replaced by ours
    else:
        if len(lines) == 1:
            lines.append("pass")
        lines.append("")  # ends the block for the printer
    for index in operation.restore:
        lines += render_op(autogen_context, ops.CreateIndexOp.from_index(index))
    return lines


def conventional_name(table: str, item: ForeignKeySchema | UniqueConstraintSchema) -> str:
    """The name ``NAMING_CONVENTION`` gives an unnamed constraint."""
    if isinstance(item, ForeignKeySchema):
        return f"fk_{table}_{item.columns[0]}_{item.referred_table}"
    return f"uq_{table}_{item.columns[0]}"


def _nameable(item: Any) -> bool:
    return isinstance(item, (ForeignKeySchema, UniqueConstraintSchema))


def _recreate(table: str, item: ForeignKeySchema | UniqueConstraintSchema) -> MigrateOperation:
    """The downgrade of an unnamed drop: the constraint again, under its conventional name
    (batch mode adds only named constraints)."""
    name = conventional_name(table, item)
    if isinstance(item, ForeignKeySchema):
        return ops.CreateForeignKeyOp(
            name,
            table,
            item.referred_table,
            list(item.columns),
            list(item.referred_columns),
            referent_schema=item.referred_schema,
            ondelete=item.on_delete,
            onupdate=item.on_update,
        )
    return ops.CreateUniqueConstraintOp(name, table, list(item.columns))


def _describe(item: Any) -> str:
    if isinstance(item, CheckConstraintSchema):
        return f"CHECK ({item.sqltext})"
    return repr(item)
