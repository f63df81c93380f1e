"""``textDocument/codeLens``: on each entity of a file, "in sync with <database>" or
"N differences" (which jumps to the first one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from ...diff import configured_level
from ...text import source_lines
from ..diagnostics import to_range
from .access import FileState, differences_in, file_state, guarded, table_of

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from ...diff import SchemaDifference
    from ...entities.model import EntitySchema
    from ...text import SourceRange

SHOW_COMMAND = "schemaLsp.showDifference"
#: Kinds that say what was not compared: no difference to count.
_NOT_COUNTED = frozenset({"not_checked", "type_not_compared", "schema_not_read"})


@guarded(list)
async def code_lens(ls: LanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    state = await file_state(ls, params.text_document.uri, settled=True)
    if state is None:
        return []

    folder_settings = state.folder.folder_settings
    severity = dict(folder_settings.settings.severity) if folder_settings is not None else {}

    def shown(difference: SchemaDifference) -> bool:
        """Counted as its diagnostic is shown: not a note, not turned "off"."""
        level = configured_level(severity, difference.code, difference.kind, "")
        return difference.kind not in _NOT_COUNTED and level != "off"

    def work(index: Any) -> list[tuple[EntitySchema, list[SchemaDifference]]]:
        out = []
        for entity in index.entities_in(state.path):
            paths = {state.path} | {where.path for _key, where in entity.ranges}
            table = table_of(entity, state.schema)
            key = table.key if table is not None else entity.table.key
            ordered = [state.path, *sorted(paths - {state.path})]  # this file's first
            found = [
                d
                for path in ordered
                for d in differences_in(state.folder, path)
                if d.table == key and shown(d)
            ]
            out.append((entity, found))
        return out

    database = state.folder.describe()
    stale = " (stale)" if state.stale else ""
    lenses = []
    for entity, found in await state.run(work):
        where = state.to_client(entity.range)
        if not found:
            command = types.Command(title=f"in sync with {database}{stale}", command="")
        else:
            target = found[0].range
            assert target is not None
            uri, selection = _location(ls, state, target)
            plural = "difference" if len(found) == 1 else "differences"
            command = types.Command(
                title=f"{len(found)} {plural}{stale}",
                command=SHOW_COMMAND,
                arguments=[uri, selection],
            )
        lenses.append(types.CodeLens(range=where, command=command))
    return lenses


def _location(ls: LanguageServer, state: FileState, where: SourceRange) -> tuple[str, types.Range]:
    """A difference's place as the client counts it (it may be in a mixin's file)."""
    if where.path == state.path:
        return state.uri, state.to_client(where)
    uri = from_fs_path(where.path) or where.path
    try:
        lines = source_lines(ls.workspace.get_text_document(uri).source)
    except Exception:  # gone meanwhile: code points will do
        lines = []
    return uri, to_range(where, lines, state.folder.codec)
