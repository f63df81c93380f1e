"""The editor features over the server core (issue 4): one module per request.

``actions`` (code actions: the model quick fix, migration SQL, Alembic revisions, entity
classes), ``hover``, ``completion``, ``lens`` (code lens), ``definition`` (foreign key
target -> entity), ``commands`` (row types, entity, migration SQL). ``access`` is how they
reach a folder's cached schema and index; ``edits`` shapes edits for the client. None of
them reads the database: they use the folder's cached schema, and answer with nothing for
files outside the workspace, files that are no model file, and folders with no schema yet.
"""

from __future__ import annotations

import importlib
from typing import Any

from lsprotocol import types

from . import names


def _lazy(module: str, attribute: str) -> Any:
    """A handler that imports its feature module on first use: ``initialize`` is answered
    before the core behind the features (diff, the entity readers, the renderers) loads."""

    async def handler(ls: Any, *args: Any) -> Any:
        imported = importlib.import_module(f"{__name__}.{module}")
        return await getattr(imported, attribute)(ls, *args)

    handler.__name__ = handler.__qualname__ = f"{module}.{attribute}"
    return handler


def register(server: Any) -> list[str]:
    """Register every feature with pygls (which advertises each one's capability from its
    options); returns the methods and commands registered."""
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=names.KINDS, resolve_provider=True),
    )(_lazy("actions", "code_actions"))
    server.feature(types.CODE_ACTION_RESOLVE)(_lazy("actions", "resolve_action"))
    server.feature(types.TEXT_DOCUMENT_HOVER)(_lazy("hover", "hover"))
    server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=names.TRIGGERS),
    )(_lazy("completion", "completion"))
    server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))(
        _lazy("lens", "code_lens")
    )
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(_lazy("definition", "definition"))
    commands = {
        names.ROW_TYPES: "row_types",
        names.ENTITY: "entity",
        names.MIGRATION_SQL: "migration_sql",
        names.OPEN: "open_document",
        names.SHOW_DIFFERENCE: "show_difference",
        names.UNMAPPED_TABLES: "unmapped_tables_command",
    }
    for name, attribute in commands.items():
        server.command(name)(_lazy("commands", attribute))
    return [
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CODE_ACTION_RESOLVE,
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_COMPLETION,
        types.TEXT_DOCUMENT_CODE_LENS,
        types.TEXT_DOCUMENT_DEFINITION,
        *commands,
    ]
