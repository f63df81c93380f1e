"""``workspace/executeCommand`` commands that generate text from a folder's cached schema
(never the database): TypedDict row types, an entity class, the migration SQL for the
whole workspace folder; and the two that show a document (after a code action made a
file, or from a code lens)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer  # at run time: pygls reads the annotations

from .access import (
    FileState,
    file_state,
    folder_of,
    guarded,
    index_of,
    load_renderers,
    on_worker,
    session_of,
    unmapped_tables,
)
from .edits import document_edit, text_edits

if TYPE_CHECKING:
    from ..folder import Folder


def _folder(ls: LanguageServer, uri: Any) -> Folder | None:
    """The folder of ``uri`` (a file or folder URI), else the first with a schema."""
    from ..session import path_of

    session = session_of(ls)
    if session is None:
        return None
    if isinstance(uri, str) and (path := path_of(uri)) is not None:
        return folder_of(session, path)
    return next((f for f in session.folders.values() if f.schema is not None), None)


@guarded(lambda: None)
async def row_types(ls: LanguageServer, *args: Any) -> str | None:
    """The TypedDict module for every table and view (argument: a URI in the folder)."""
    from ...render.types import render_row_types

    folder = _folder(ls, args[0] if args else None)
    if folder is None or folder.schema is None:
        return None
    return await asyncio.to_thread(render_row_types, folder.schema)


@guarded(lambda: None)
async def entity(ls: LanguageServer, *args: Any) -> str | None:
    """The entity class for a table (arguments: the table, then optionally a model file's
    URI: the class is then inserted there with ``workspace/applyEdit``)."""
    await load_renderers()
    from ...render.entity import render_entities
    from ...render.migration import migration_dialect

    if not args or not isinstance(args[0], str):
        return None
    uri = args[1] if len(args) > 1 and isinstance(args[1], str) else None
    folder = _folder(ls, uri)
    if folder is None or folder.schema is None:
        return None
    table = folder.schema.table(args[0])
    if table is None:
        return None
    state = await file_state(ls, uri) if uri is not None else None
    if state is not None:
        inserted = await _insert_entity(ls, state, args[0])
        if inserted is not None:
            return inserted
    dialect = migration_dialect(folder.schema)
    width = state.line_length if state is not None else None
    return await asyncio.to_thread(partial(render_entities, line_length=width), [table], dialect)


async def _insert_entity(ls: LanguageServer, state: FileState, table_key: str) -> str | None:
    from ...render.entity_insert import entity_insertion

    table = state.schema.table(table_key)
    if table is None:
        return None
    entities = await state.run(lambda index: index.entities_in(state.path))
    classes = {e.class_name for e in entities if e.class_name}
    insertion = await asyncio.to_thread(
        partial(entity_insertion, line_length=state.line_length),
        state.path,
        state.text,
        table,
        state.dialect,
        classes,
    )
    if insertion is None:
        return None
    edit = document_edit(state, text_edits(state, insertion.edits), ls.client_capabilities)
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit))
    return insertion.edits[-1].new_text if result.applied else None


@guarded(lambda: None)
async def migration_sql(ls: LanguageServer, *args: Any) -> str | None:
    """The SQL that makes the database match every model of the folder (argument: a URI
    in the folder)."""
    await load_renderers()
    from ...diff import CompareOptions, compare, with_severities
    from ...render.migration import migration_dialect, render_sql

    folder = _folder(ls, args[0] if args else None)
    if folder is None or folder.schema is None or folder.folder_settings is None:
        return None
    schema = folder.schema
    settings = folder.folder_settings.settings
    options = CompareOptions(  # as `schema-lsp diff` reads the same settings
        unmapped_tables=settings.unmapped_tables,
        comments=settings.comments,
        check_constraints=settings.check_constraints,
    )
    differences = await on_worker(
        folder,
        lambda index: with_severities(
            compare(index_of(folder).entities(), schema, options), dict(settings.severity)
        ),
    )
    dialect = migration_dialect(schema)
    return await asyncio.to_thread(render_sql, differences, dialect, database=schema)


@guarded(list)
async def unmapped_tables_command(ls: LanguageServer, *args: Any) -> list[dict[str, str]]:
    """The tables (and views) that no entity of the folder maps, for a client's "Generate
    entity for table..." pick list (argument: a URI in the folder): ``[{"table": key}]``."""
    folder = _folder(ls, args[0] if args else None)
    if folder is None or folder.schema is None:
        return []
    schema = folder.schema
    tables = await on_worker(
        folder, lambda index: unmapped_tables(index_of(folder).entities(), schema)
    )
    return [{"table": table.key} for table in tables]


@guarded(lambda: None)
async def open_document(ls: LanguageServer, *args: Any) -> bool:
    """Show a file a code action has just made (argument: its URI); a client that cannot
    show documents (Neovim before 0.8) is told its name instead."""
    if not args or not isinstance(args[0], str):
        return False
    if await _show(ls, args[0], None):
        return True
    from ..session import path_of

    name = path_of(args[0]) or args[0]
    ls.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Info, message=f"schema-lsp: made {name}")
    )
    return False


@guarded(lambda: None)
async def show_difference(ls: LanguageServer, *args: Any) -> bool:
    """Show where a difference is (arguments: a document URI and a range, in the client's
    units, as a code lens gives them)."""
    if len(args) < 2 or not isinstance(args[0], str) or not isinstance(args[1], dict):
        return False
    selection = _range(args[1])
    return selection is not None and await _show(ls, args[0], selection)


def _range(value: dict[str, Any]) -> types.Range | None:
    try:
        start, end = value["start"], value["end"]
        return types.Range(
            start=types.Position(line=int(start["line"]), character=int(start["character"])),
            end=types.Position(line=int(end["line"]), character=int(end["character"])),
        )
    except (KeyError, TypeError, ValueError):
        return None


async def _show(ls: LanguageServer, uri: str, selection: types.Range | None) -> bool:
    capabilities = ls.client_capabilities
    window = getattr(capabilities, "window", None)
    show = getattr(window, "show_document", None)
    if show is None or not show.support:
        return False
    result = await ls.window_show_document_async(
        types.ShowDocumentParams(uri=uri, take_focus=True, selection=selection)
    )
    return bool(result.success)
