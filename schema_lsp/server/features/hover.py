"""``textDocument/hover`` on an entity's class name, a column attribute or a foreign key's
target string: what the database holds for it (type, nullability, default, indexes,
foreign keys, comment), from the folder's cached schema, marked when that schema could not
be refreshed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ...schema import ColumnSchema, ForeignKeySchema, TableSchema
from .access import FileState, contains, file_state, guarded, table_of

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from ...entities.model import EntitySchema
    from ...text import SourceRange

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
            names = entity.table.column_names
            for key, where in entity.ranges:
                name = key.partition(":")[2]
                if (  # the attribute's name (not "column:x.type", "column:x.statement")
                    key.startswith("column:")
                    and name in names
                    and where.path == state.path
                    and contains(where, line, column)
                ):
                    return entity, name, where
        return None

    found = await state.run(work)
    if found is None:
        return _target_hover(state, line, column)
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


def _target_hover(state: FileState, line: int, column: int) -> types.Hover | None:
    """On a ``ForeignKey("table.col")`` target: the column it points at."""
    from .definition import foreign_key_target

    target = foreign_key_target(state.text, line, column)
    parts = target.split(".") if target else []
    if len(parts) not in (2, 3):
        return None
    table = state.schema.table(parts[-2], parts[0] if len(parts) == 3 else None)
    referred = table.column(parts[-1]) if table is not None else None
    if table is None or referred is None:
        text = f"**{target}**: no such column in the database"
    else:
        text = describe_column(table, referred)
    header = f"*{state.folder.describe()}*" + (f" {STALE}" if state.stale else "")
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=f"{text}\n\n{header}")
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
