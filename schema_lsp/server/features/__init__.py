"""The editor features over the server core (issue 4): one module per request.

``actions`` (code actions: the model quick fix, migration SQL, Alembic revisions, entity
classes), ``hover``, ``completion``, ``lens`` (code lens), ``definition`` (foreign key
target -> entity), ``commands`` (row types, entity, migration SQL). ``access`` is how they
reach a folder's cached schema and index; ``edits`` shapes edits for the client. None of
them reads the database: they use the folder's cached schema, and answer with nothing for
files outside the workspace, files that are no model file, and folders with no schema yet.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from . import actions, commands, completion, definition, hover, lens


def register(server: Any) -> list[str]:
    """Register every feature with pygls (which advertises each one's capability from its
    options); returns the methods and commands registered."""
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=actions.KINDS, resolve_provider=True),
    )(actions.code_actions)
    server.feature(types.CODE_ACTION_RESOLVE)(actions.resolve_action)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover.hover)
    server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=completion.TRIGGERS),
    )(completion.completion)
    server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))(
        lens.code_lens
    )
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(definition.definition)
    names = {
        commands.ROW_TYPES: commands.row_types,
        commands.ENTITY: commands.entity,
        commands.MIGRATION_SQL: commands.migration_sql,
        commands.OPEN: commands.open_document,
        commands.SHOW_DIFFERENCE: commands.show_difference,
    }
    for name, handler in names.items():
        server.command(name)(handler)
    return [
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CODE_ACTION_RESOLVE,
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_COMPLETION,
        types.TEXT_DOCUMENT_CODE_LENS,
        types.TEXT_DOCUMENT_DEFINITION,
        *names,
    ]
