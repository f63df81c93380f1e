"""``textDocument/definition`` from a foreign key's target string (``ForeignKey("t.c")``,
``ForeignKey("schema.t.c")``, SQLModel's ``Field(foreign_key="t.c")``) to the entity that
maps that table, at the column when it declares it."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from ...entities.model import object_key
from ...text import SourceRange, code_points, source_lines
from ..diagnostics import to_range
from .access import file_state, guarded

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer


@guarded(list)
async def definition(ls: LanguageServer, params: types.DefinitionParams) -> list[types.Location]:
    state = await file_state(ls, params.text_document.uri)
    if state is None:
        return []
    line, column = state.from_client(params.position)
    target = foreign_key_target(state.text, line, column)
    if target is None:
        return []
    parts = target.split(".")
    if len(parts) not in (2, 3):
        return []
    schema_name = parts[0] if len(parts) == 3 else None
    table_name, column_name = parts[-2], parts[-1]
    default = state.schema.default_schema

    def work(index: Any) -> list[SourceRange]:
        found = []
        for entity in index.entities():
            declared = entity.table
            if declared.name != table_name:
                continue
            declared_schema = None if declared.schema == default else declared.schema
            wanted_schema = None if schema_name == default else schema_name
            if declared_schema != wanted_schema:
                continue
            found.append(entity.range_of(object_key("column", column_name)))
        return found

    locations = []
    for where in await state.run(work):
        try:
            text = ls.workspace.get_text_document(from_fs_path(where.path) or where.path).source
        except Exception:
            continue
        lines = source_lines(text)
        uri = from_fs_path(where.path) or where.path
        locations.append(types.Location(uri=uri, range=to_range(where, lines, state.folder.codec)))
    return locations


def foreign_key_target(text: str, line: int, column: int) -> str | None:
    """The target string of the ``ForeignKey(...)``/``foreign_key=`` literal at (line,
    code-point column), if the position is on one."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    lines = source_lines(text)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        candidates: list[ast.expr] = []
        if name == "ForeignKey" and node.args:
            candidates.append(node.args[0])
        keywords = ("column",) if name == "ForeignKey" else ("foreign_key",)
        candidates += [k.value for k in node.keywords if k.arg in keywords]
        for literal in candidates:
            if (
                isinstance(literal, ast.Constant)
                and isinstance(literal.value, str)
                and _on(literal, lines, line, column)
            ):
                return literal.value
    return None


def _on(node: ast.expr, lines: list[str], line: int, column: int) -> bool:
    if node.lineno - 1 != line or node.end_lineno != node.lineno:
        return False
    start = code_points(lines[line], node.col_offset)
    end = code_points(lines[line], node.end_col_offset or node.col_offset)
    return start <= column <= end
