"""Alembic operations of our own: a comment in the migration, a PostgreSQL enum type
(``CREATE TYPE``/``DROP TYPE``), and ``ALTER COLUMN`` with the keywords Alembic's renderer
leaves out (``postgresql_using``, MySQL's ``existing_autoincrement``), each with its
offline writer and its revision renderer."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.operations import MigrateOperation, Operations, ops

from ..printable import printable


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
