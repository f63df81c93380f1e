"""``textDocument/codeAction`` and ``codeAction/resolve``: the model quick fix, migration
SQL, Alembic revisions and entity classes, each rendered by the core from the differences
behind the file's diagnostics.

Quick fixes ("Update model to match database") are computed with the list, since they are
small; everything that renders a migration or a class is resolved only when chosen (the
client asks for the list on every cursor move). Migration SQL and revisions become new
files inside the workspace folder (``CreateFile`` + insert, then ``window/showDocument``
through ``schemaLsp.open``): VS Code and Neovim both apply that, and neither shows the
result of a command.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ...diff import SchemaDifference
from .access import (
    FileState,
    differences_in,
    file_state,
    guarded,
    load_renderers,
    unmapped_tables,
)
from .edits import (
    can_create_files,
    client_flag,
    document_edit,
    new_file_edit,
    output_file,
    slug,
    text_edits,
)
from .names import ALEMBIC_KIND, ENTITY_KIND, OPEN, QUICK_FIX, SQL_KIND
from .revisions import head_revisions, versions_folder

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from ...entities.model import EntitySchema
    from ...entities.source import ParsedFile

_log = logging.getLogger(__name__)
#: Tables offered "Generate entity class" when source actions are asked for, and in a
#: list asked for without a kind (Neovim shows every action at once); completion and the
#: ``schemaLsp.generateEntity`` command reach every table.
ENTITY_ACTIONS = 20
UNASKED_ENTITY_ACTIONS = 5


@dataclass(frozen=True)
class _Found:
    differences: list[SchemaDifference]
    entities: list[EntitySchema]
    #: the parser's reading of the file, which the quick fixes edit (never parsed twice)
    parsed: ParsedFile | None = None


def _key(difference: SchemaDifference) -> list[Any]:
    where = difference.range
    position = [where.start_line, where.start_column] if where else []
    return [difference.kind, difference.table, difference.column, difference.name, *position]


def _migrating(differences: list[SchemaDifference]) -> list[SchemaDifference]:
    """The differences a migration says something about (a statement or a comment)."""
    from ...diff import KINDS

    return [d for d in differences if not KINDS[d.kind].informational]


def _changing(differences: list[SchemaDifference]) -> list[SchemaDifference]:
    """The differences a migration has a statement for (not only a comment: a drop that
    would delete data, or a change that moves data, left to a human)."""
    from ...diff import KINDS

    return [
        d
        for d in _migrating(differences)
        if KINDS[d.kind].facts.migration == "statement" and not KINDS[d.kind].facts.drops_data
    ]


async def _found(state: FileState) -> _Found:
    """The file's differences (those turned "off" left out, as from its diagnostics) and
    the folder's entities."""
    from ...diff import with_severities

    settings = state.folder.folder_settings
    levels = dict(settings.settings.severity) if settings is not None else {}

    def work(index: Any) -> _Found:
        shown = with_severities(differences_in(state.folder, state.path), levels)
        return _Found(shown, index.entities(), index.parsed(state.path))

    return await state.run(work)


@guarded(list)
async def code_actions(
    ls: LanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction | types.Command]:
    uri = params.text_document.uri
    state = await file_state(ls, uri, settled=True)
    if state is None:
        return []
    await load_renderers()
    found = await _found(state)
    capabilities = ls.client_capabilities
    resolve = bool(client_flag(capabilities, "text_document.code_action.resolve_support"))
    only = list(params.context.only or [])
    actions = await asyncio.to_thread(
        _actions, state, found, params.context.diagnostics, params.range, capabilities, bool(only)
    )
    if not can_create_files(capabilities):  # they make files: use the commands instead
        actions = [a for a in actions if not _makes_file(a)]
    if only:
        actions = [a for a in actions if any(_within(a.kind or "", kind) for kind in only)]
    if not resolve:
        actions = [await _resolved(ls, state, found, action) for action in actions]
    return list(actions)


def _makes_file(action: types.CodeAction) -> bool:
    data = action.data if isinstance(action.data, dict) else {}
    return data.get("action") in ("sql", "alembic")


def _within(kind: str, wanted: str) -> bool:
    return kind == wanted or kind.startswith(f"{wanted}.")


def _actions(
    state: FileState,
    found: _Found,
    diagnostics: Sequence[types.Diagnostic],
    where: types.Range,
    capabilities: Any,
    asked: bool,
) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    located = [d for d in found.differences if d.range is not None]
    lines = state.lines
    ranges = {id(d): state.to_client(d.range, lines) for d in located if d.range is not None}
    pairs: list[tuple[SchemaDifference, types.Diagnostic | None]] = []
    taken: set[int] = set()
    for diagnostic in diagnostics:
        if diagnostic.source != "schema-lsp":
            continue
        # The exact range first; then the same line (Neovim 0.7 sends byte columns back).
        for exact in (True, False):
            match = next(
                (
                    d
                    for d in located
                    if id(d) not in taken
                    and _same(d, diagnostic)
                    and (
                        ranges[id(d)] == diagnostic.range
                        if exact
                        else ranges[id(d)].start.line == diagnostic.range.start.line
                    )
                ),
                None,
            )
            if match is not None:
                pairs.append((match, diagnostic))
                taken.add(id(match))
                break
    if not diagnostics:  # a client that does not send them: what the range touches
        pairs = [(d, None) for d in located if _overlaps(ranges[id(d)], where)]
    from ...render.fixes import model_edit

    width = state.line_length if pairs else None
    for difference, shown in pairs:
        attached = [shown] if shown is not None else None
        fix = model_edit(
            difference, state.text, state.dialect, line_length=width, parsed=found.parsed
        )
        if fix is not None:
            edit = document_edit(state, text_edits(state, fix.edits), capabilities)
            actions.append(
                types.CodeAction(
                    title=f"Update model to match database: {fix.title}",
                    kind=QUICK_FIX,
                    diagnostics=attached,
                    edit=edit,
                    is_preferred=True,
                )
            )
        if _changing([difference]):
            actions.append(
                types.CodeAction(
                    title="Generate migration SQL for this difference",
                    kind=QUICK_FIX,
                    diagnostics=attached,
                    data={"action": "sql", "uri": state.uri, "difference": _key(difference)},
                )
            )
    if _changing(found.differences):
        actions.append(
            types.CodeAction(
                title="Generate migration SQL for all differences in this file",
                kind=SQL_KIND,
                data={"action": "sql", "uri": state.uri},
            )
        )
        actions.append(
            types.CodeAction(
                title="Generate Alembic revision",
                kind=ALEMBIC_KIND,
                data={"action": "alembic", "uri": state.uri},
            )
        )
        from ...render.migration import loses_data

        if loses_data(_migrating(found.differences), state.dialect, state.schema):
            # the plain ones leave those steps out, each as a comment with a query for the
            # rows it would touch; these say in their title what they do
            for title, kind, action in (
                ("Generate migration SQL, including steps that lose data", SQL_KIND, "sql"),
                (
                    "Generate Alembic revision, including steps that lose data",
                    ALEMBIC_KIND,
                    "alembic",
                ),
            ):
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=kind,
                        data={"action": action, "uri": state.uri, "allow_data_loss": True},
                    )
                )
    classes = {e.class_name for e in found.entities if e.range.path == state.path and e.class_name}
    if classes and _has_declarative_base(state.text, classes):
        tables = [t for t in unmapped_tables(found.entities, state.schema) if not t.is_view]
        for table in tables[: ENTITY_ACTIONS if asked else UNASKED_ENTITY_ACTIONS]:
            actions.append(
                types.CodeAction(
                    title=f"Generate entity class for table {table.key}",
                    kind=ENTITY_KIND,
                    data={"action": "entity", "uri": state.uri, "table": table.key},
                )
            )
    return actions


def _has_declarative_base(text: str, classes: set[str]) -> bool:
    """The file's classes have a declarative base a new class can use (not SQLModel)."""
    import ast

    from ...render.entity_insert import declarative_base

    try:
        return declarative_base(ast.parse(text), classes) is not None
    except SyntaxError:
        return False


def _same(difference: SchemaDifference, diagnostic: types.Diagnostic) -> bool:
    """The diagnostic shows this difference (several share a range: every column the
    model lacks is reported on the class name)."""
    if difference.code != diagnostic.code:
        return False
    data = diagnostic.data if isinstance(diagnostic.data, dict) else None
    if data is None:
        return diagnostic.message.startswith(difference.message)
    return (data.get("kind"), data.get("table"), data.get("column"), data.get("name")) == (
        difference.kind,
        difference.table,
        difference.column,
        difference.name,
    )


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


async def resolve_action(ls: LanguageServer, action: types.CodeAction) -> types.CodeAction:
    """The action with its edit (unchanged when it cannot be made any more)."""
    data = action.data if isinstance(action.data, dict) else None
    if data is None or action.edit is not None:
        return action
    try:
        state = await file_state(ls, str(data.get("uri")), settled=True)
        if state is None:
            return action
        await load_renderers()
        return await _resolved(ls, state, await _found(state), action)
    except asyncio.CancelledError:
        raise
    except Exception:
        _log.exception("resolving the code action %r failed", action.title)
        return action


async def _resolved(
    ls: LanguageServer, state: FileState, found: _Found, action: types.CodeAction
) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    kind = data.get("action")
    capabilities = ls.client_capabilities
    if kind == "sql":
        wanted = data.get("difference")
        differences = [d for d in found.differences if wanted is None or _key(d) == list(wanted)]
        if not differences:
            return action
        allow = data.get("allow_data_loss") is True
        text = await asyncio.to_thread(_sql, state, differences, allow)
        return _new_file(action, state, "migration", ".sql", text, capabilities)
    if kind == "alembic":
        allow = data.get("allow_data_loss") is True
        return await _alembic(action, state, found, capabilities, allow)
    if kind == "entity":
        from ...render.entity_insert import entity_insertion

        table = state.schema.table(str(data.get("table")))
        if table is None:
            return action
        classes = {e.class_name for e in found.entities if e.range.path == state.path}
        insertion = await asyncio.to_thread(
            entity_insertion,
            state.path,
            state.text,
            table,
            state.dialect,
            {c for c in classes if c},
            line_length=state.line_length,
        )
        if insertion is not None:
            edits = text_edits(state, insertion.edits)
            action.edit = document_edit(state, edits, capabilities)
    return action


def _sql(state: FileState, differences: list[SchemaDifference], allow_data_loss: bool) -> str:
    from ...render.migration import render_sql

    return render_sql(
        differences, state.dialect, database=state.schema, allow_data_loss=allow_data_loss
    )


async def _alembic(
    action: types.CodeAction,
    state: FileState,
    found: _Found,
    capabilities: Any,
    allow_data_loss: bool = False,
) -> types.CodeAction:
    from ...render.migration import render_alembic_revision

    message = f"match the models in {Path(state.path).name}"
    versions = versions_folder(state.folder)
    parents = await asyncio.to_thread(head_revisions, versions) if versions else ()
    revision = uuid.uuid4().hex[:12]
    text = await asyncio.to_thread(
        render_alembic_revision,
        _migrating(found.differences),
        state.dialect,
        message=message,
        revision_id=revision,
        down_revision=parents,
        database=state.schema,
        allow_data_loss=allow_data_loss,
    )
    if versions is not None:
        target = versions / f"{revision}_{slug(message)}.py"
        return _with_file(action, target, text, capabilities)
    return _new_file(action, state, "revision", ".py", text, capabilities)


def _new_file(
    action: types.CodeAction,
    state: FileState,
    stem: str,
    suffix: str,
    text: str,
    capabilities: Any,
) -> types.CodeAction:
    return _with_file(action, output_file(state.folder.root, stem, suffix), text, capabilities)


def _with_file(
    action: types.CodeAction, target: Path, text: str, capabilities: Any
) -> types.CodeAction:
    """The action creates ``target`` with ``text``, then shows it."""
    from pygls.uris import from_fs_path

    action.edit = new_file_edit(target, text)
    uri = from_fs_path(str(target)) or target.as_uri()
    action.command = types.Command(title="Open", command=OPEN, arguments=[uri])
    return action
