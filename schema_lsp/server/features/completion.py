"""``textDocument/completion``: in ``__tablename__ = "…"`` the tables no entity maps yet;
on an empty line of a mapped class, the database's columns the entity lacks, each as the
whole attribute line the model quick fix would write (same renderer, so it matches the
file's style: ``Mapped``/``mapped_column``, legacy ``Column``, ``Optional[...]``)."""

from __future__ import annotations

import ast
import asyncio
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ...diff import KINDS, SchemaDifference
from ...entities.source import parse_source
from ...text import SourceRange
from .access import FileState, file_state, guarded, load_renderers, table_of, unmapped_tables
from .edits import text_edits

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from ...entities.model import EntitySchema
    from ...schema import TableSchema

_TABLENAME = re.compile(r"""^\s*__tablename__\s*(?::[^=]*)?=\s*["']([^"']*)$""")
_BODY_LINE = re.compile(r"^(\s+)(\w*)$")


@guarded(list)
async def completion(
    ls: LanguageServer, params: types.CompletionParams
) -> list[types.CompletionItem]:
    state = await file_state(ls, params.text_document.uri)
    if state is None:
        return []
    line, column = state.from_client(params.position)
    lines = state.lines
    before = lines[line][:column].rstrip("\r\n") if line < len(lines) else ""
    named = _TABLENAME.match(before)
    if named is not None:
        return await _table_names(state, line, column, named.group(1))
    body = _BODY_LINE.match(before)
    if body is None:
        return []
    return await _columns(state, line, column, body.group(1), body.group(2))


async def _table_names(
    state: FileState, line: int, column: int, prefix: str
) -> list[types.CompletionItem]:
    entities = await state.run(lambda index: index.entities())
    where = state.to_client(SourceRange(state.path, line, column - len(prefix), line, column))
    items = []
    for table in unmapped_tables(entities, state.schema):
        detail = f"{'view' if table.is_view else 'table'} {table.key}, {len(table.columns)} columns"
        if table.schema:
            detail += f" (schema {table.schema!r}: set it in __table_args__)"
        items.append(
            types.CompletionItem(
                label=table.name,
                kind=types.CompletionItemKind.Class,
                detail=detail,
                text_edit=types.TextEdit(range=where, new_text=table.name),
            )
        )
    return items


async def _columns(
    state: FileState, line: int, column: int, indent: str, prefix: str
) -> list[types.CompletionItem]:
    # The line being typed is left out, so the rest of the file parses as it will.
    all_lines = state.lines
    if line < len(all_lines):
        all_lines[line] = "\n"
    text = "".join(all_lines)
    parsed = parse_source(text, state.path)
    if not parsed.ok:
        return []
    klass = None
    for node in parsed.tree.body:
        if node.lineno - 1 < line:
            klass = node
    if not isinstance(klass, ast.ClassDef) or len(indent) <= klass.col_offset:
        return []
    class_name = klass.name

    def find(index: Any) -> EntitySchema | None:
        for entity in index.entities_in(state.path):
            if entity.class_name == class_name:
                return entity
        return None

    entity = await state.run(find)
    table = table_of(entity, state.schema) if entity is not None else None
    if entity is None or table is None:
        return []
    written = {
        target.id
        for node in klass.body
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    missing = [
        c
        for c in table.columns
        if c.name not in entity.table.column_names and c.name not in written
    ]
    # The entity as this text has it: the class being typed in is where columns go.
    where = parsed.class_name_range(klass)
    entity = replace(entity, range=where, classes=(parsed.range(klass),))
    await load_renderers()
    start = column - len(prefix)
    replaced = state.to_client(SourceRange(state.path, line, start, line, column))
    found = await asyncio.to_thread(_attribute_lines, state, text, where, entity, table, missing)
    items = []
    for label, detail, new_text, imports in found:
        lines_ = new_text.rstrip("\n").split("\n")
        base = len(lines_[0]) - len(lines_[0].lstrip())
        body = [lines_[0][base:]] + [indent + part[base:] for part in lines_[1:]]
        items.append(
            types.CompletionItem(
                label=label,
                kind=types.CompletionItemKind.Field,
                detail=detail,
                filter_text=label,
                text_edit=types.TextEdit(range=replaced, new_text="\n".join(body)),
                additional_text_edits=text_edits(state, imports) or None,
            )
        )
    return items


def _attribute_lines(
    state: FileState,
    text: str,
    where: SourceRange,
    entity: EntitySchema,
    table: TableSchema,
    missing: list[Any],
) -> list[tuple[str, str, str, list[Any]]]:
    """(label, detail, attribute text, import edits) per missing column, from the quick
    fix for ``column_unmapped``."""
    from ...render.fixes import model_edit

    out = []
    width = state.line_length if missing else None
    for actual in missing:
        difference = SchemaDifference(
            "column_unmapped",
            table.key,
            f"column {table.key}.{actual.name} is in the database but not in the model",
            where,
            KINDS["column_unmapped"].severity,
            column=actual.name,
            actual=actual,
            declared_table=entity.table,
            actual_table=table,
            entity=entity,
        )
        fix = model_edit(difference, text, state.dialect, line_length=width)
        if fix is None or not fix.edits:
            continue
        *imports, main = fix.edits
        label = re.split(r"[:=\s]", main.new_text.strip(), maxsplit=1)[0]
        detail = f"{actual.type} {'NULL' if actual.nullable else 'NOT NULL'}"
        out.append((label, detail, main.new_text, list(imports)))
    return out
