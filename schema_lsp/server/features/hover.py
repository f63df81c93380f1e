"""``textDocument/hover`` on an entity's class name or a column attribute: what the
database holds for it (type, nullability, default, indexes, foreign keys, comment), from
the folder's cached schema, marked when that schema could not be refreshed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ...schema import ColumnSchema, ForeignKeySchema, TableSchema
from .access import contains, file_state, guarded, table_of

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from ...entities.model import EntitySchema, SourceRange

STALE = "(cached schema, stale)"


@guarded(lambda: None)
async def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
    state = await file_state(ls, params.text_document.uri, settled=True)
    if state is None:
        return None
    line, column = state.from_client(params.position)

    def work(index: Any) -> tuple[EntitySchema, str | None, SourceRange] | None:
        for entity in index.entities():
            where = entity.range
            if where.path == state.path and contains(where, line, column):
                return entity, None, where
            for key, where in entity.ranges:
                if (
                    key.startswith("column:")
                    and where.path == state.path
                    and contains(where, line, column)
                ):
                    return entity, key.partition(":")[2], where
        return None

    found = await state.run(work)
    if found is None:
        return None
    entity, column_name, where = found
    table = table_of(entity, state.schema)
    header = f"*{state.folder.describe()}*" + (f" {STALE}" if state.stale else "")
    if table is None:
        text = f"**{entity.table.key}**: no such table in the database\n\n{header}"
    elif column_name is None:
        text = describe_table(table) + f"\n\n{header}"
    else:
        actual = table.column(column_name)
        if actual is None:
            text = f"**{table.key}.{column_name}**: no such column in the database\n\n{header}"
        else:
            text = describe_column(table, actual) + f"\n\n{header}"
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=state.to_client(where),
    )


def _type(column: ColumnSchema) -> str:
    text = f"{column.type} {'NULL' if column.nullable else 'NOT NULL'}"
    if column.default is not None:
        text += f" DEFAULT {column.default}"
    if column.identity is not None:
        text += " GENERATED AS IDENTITY"
    if column.computed is not None:
        text += f" GENERATED ALWAYS AS ({column.computed.sqltext})"
    return text


def _foreign_key(fk: ForeignKeySchema) -> str:
    target = (
        f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    )
    text = f"({', '.join(fk.columns)}) → {target}({', '.join(fk.referred_columns)})"
    if fk.on_delete:
        text += f" ON DELETE {fk.on_delete}"
    if fk.on_update:
        text += f" ON UPDATE {fk.on_update}"
    return f"{fk.name or '(unnamed)'} {text}"


def _code(text: str) -> str:
    quoted = text.replace("`", "'")
    return f"`{quoted}`"


def describe_column(table: TableSchema, column: ColumnSchema) -> str:
    """A column as Markdown: its definition, then the indexes and keys it is part of."""
    lines = [f"**{table.key}.{column.name}** {_code(_type(column))}"]
    if table.is_primary_key(column.name):
        lines.append("- primary key")
    for index in table.indexes:
        if column.name in index.columns:
            unique = "unique " if index.unique else ""
            elements = ", ".join(index.expressions or index.columns)
            lines.append(f"- {unique}index {_code(index.name or '(unnamed)')} ({elements})")
    for unique_constraint in table.unique_constraints:
        if column.name in unique_constraint.columns:
            name = unique_constraint.name or "(unnamed)"
            lines.append(f"- unique {_code(name)} ({', '.join(unique_constraint.columns)})")
    for fk in table.foreign_keys:
        if column.name in fk.columns:
            lines.append(f"- foreign key {_code(_foreign_key(fk))}")
    if column.comment:
        lines.append(f"- comment: {column.comment}")
    return "\n".join(lines)


def describe_table(table: TableSchema) -> str:
    """A table as Markdown: each column, the primary key, indexes, foreign keys, comment."""
    kind = "view" if table.is_view else "table"
    lines = [f"**{table.key}** ({kind}, {len(table.columns)} columns)", ""]
    lines += [f"- {column.name} {_code(_type(column))}" for column in table.columns]
    extra = []
    if table.primary_key is not None:
        extra.append(f"- primary key ({', '.join(table.primary_key.columns)})")
    for index in table.indexes:
        if index.implicit:
            continue
        unique = "unique " if index.unique else ""
        elements = ", ".join(index.expressions or index.columns)
        extra.append(f"- {unique}index {_code(index.name or '(unnamed)')} ({elements})")
    extra += [f"- foreign key {_code(_foreign_key(fk))}" for fk in table.foreign_keys]
    if table.comment:
        extra.append(f"- comment: {table.comment}")
    if extra:
        lines += ["", *extra]
    return "\n".join(lines)
