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

import io
import re
import textwrap
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op
from alembic.operations import MigrateOperation, Operations, ops
from alembic.runtime.migration import MigrationContext

from ..dialects import rules_for, server_dialect
from ..diff import SchemaDifference
from ..printable import printable
from ..schema import (
    DatabaseSchema,
)
from .migration_ops import CommentOperation, _render_comment
from .migration_plan import (
    INFORMATION_ONLY,
    NOT_RENDERED,
    SKIPPED_DATA_LOSS,
    _dialect_name,
    _using,
    left_out,
    loses_data,
    operations_for,
)
from .python_layout import layout_statements
from .source import string
from .sqlite_rebuild import RebuildTableOps, apply_offline


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


def migration_dialect(database: DatabaseSchema) -> str:
    """The dialect to render for a database read by ``introspect``: ``mariadb`` for a
    MariaDB server reached through a ``mysql://`` URL (its versions start at 10; MySQL's
    are 5, 8 and 9), else the database's own dialect name."""
    return server_dialect(database.dialect, database.server_version)


__all__ = [
    "INFORMATION_ONLY",
    "NOT_RENDERED",
    "SKIPPED_DATA_LOSS",
    "left_out",
    "loses_data",
    "migration_dialect",
    "operations_for",
    "render_alembic_revision",
    "render_sql",
    "sql_statements",
]
