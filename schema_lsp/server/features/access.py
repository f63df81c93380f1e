"""How a feature reaches a file's state: its folder, its text, the folder's cached schema,
and the folder's index (through the folder's worker, the only thread that may touch it).

Features read the cached schema only (never the database), and answer "nothing" rather
than fail when a file is outside every workspace folder, is no model file, or has no
schema yet.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types

from ...text import SourceRange, source_lines
from ..diagnostics import to_range

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from ...diff import SchemaDifference
    from ...entities.model import EntitySchema
    from ...entities.workspace import WorkspaceIndex
    from ...schema import DatabaseSchema, TableSchema
    from ..folder import Folder
    from ..session import Session

_log = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds a feature waits for the folder's worker (a check may be running).
WORKER_WAIT = 5.0
#: Seconds a feature that acts on the latest differences waits for a pending check.
SETTLE_WAIT = 2.0


@dataclass(frozen=True)
class FileState:
    """One file as a request sees it: the editor's current text and the folder's cached
    schema (``stale`` says why it may be out of date)."""

    session: Session
    folder: Folder
    uri: str
    path: str
    text: str
    schema: DatabaseSchema
    stale: str | None

    @property
    def lines(self) -> list[str]:
        return source_lines(self.text)

    @property
    def dialect(self) -> str:
        from ...render.migration import migration_dialect

        return migration_dialect(self.schema)

    @property
    def line_length(self) -> int | None:
        """The line length of the project's formatter (ruff, black), for generated code:
        read afresh, so an edited ruff.toml counts at once (a few small files at most)."""
        from pathlib import Path

        from ...config import formatter_line_length

        return formatter_line_length(Path(self.path).parent)

    def to_client(self, where: SourceRange, lines: list[str] | None = None) -> types.Range:
        """A code-point range of this file in the client's position encoding."""
        return to_range(where, self.lines if lines is None else lines, self.folder.codec)

    def from_client(self, position: types.Position) -> tuple[int, int]:
        """A client position as (0-based line, code-point column) of this file's text."""
        lines = self.lines
        if not lines or lines[-1].endswith(("\n", "\r")):
            lines.append("")  # the empty line after the last line break
        copy = types.Position(line=position.line, character=position.character)
        converted = self.folder.codec.position_from_client_units(lines, copy)
        return converted.line, converted.character

    async def run(self, work: Callable[[WorkspaceIndex], T]) -> T:
        """``work(index)`` on the folder's worker, in turn with the checks."""
        return await on_worker(self.folder, work)


def session_of(server: LanguageServer) -> Session | None:
    session = getattr(server, "session", None)
    return session if session is not None and session.ready else None


def folder_of(session: Session, path: str) -> Folder | None:
    """The innermost workspace folder holding ``path``."""
    best = None
    for folder in session.folders.values():
        if folder.contains(path) and (best is None or len(str(folder.root)) > len(str(best.root))):
            best = folder
    return best


async def file_state(
    server: LanguageServer, uri: str, *, settled: bool = False
) -> FileState | None:
    """The state of a model file, or None (outside the workspace, not a model file, no
    schema yet). ``settled``: first wait (bounded) until the file's newest text has been
    checked, so the folder's latest differences match ``text`` position for position."""
    from ..session import path_of

    session = session_of(server)
    path = path_of(uri)
    if session is None or path is None:
        return None
    folder = folder_of(session, path)
    if folder is None or folder.schema is None:
        return None
    document = session.docs.get(uri)
    if document is None or not document.tracked:
        return None
    if settled:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_WAIT
        while document.checked != document.revision:
            if loop.time() > deadline or session.docs.get(uri) is not document:
                return None
            await asyncio.sleep(0.02)
    try:
        text = server.workspace.get_text_document(uri).source
    except Exception:  # unreadable (deleted, not UTF-8)
        return None
    return FileState(session, folder, uri, path, text, folder.schema, folder.stale)


async def load_renderers() -> None:
    """Import the migration renderer (SQLAlchemy, Alembic) on a thread, once: a first
    import on the event loop would hold every request meanwhile."""
    name = "schema_lsp.render.migration"
    if name not in sys.modules:
        await asyncio.to_thread(importlib.import_module, name)


async def on_worker(folder: Folder, work: Callable[[WorkspaceIndex], T]) -> T:
    """Run ``work`` with the folder's index on its worker thread (bounded wait)."""

    def job() -> T:
        return work(index_of(folder))

    return await asyncio.wait_for(asyncio.wrap_future(folder.submit(job)), WORKER_WAIT)


def index_of(folder: Folder) -> WorkspaceIndex:
    """The folder's index. Worker only (``on_worker`` runs work there)."""
    return folder.index


def differences_in(folder: Folder, path: str) -> list[SchemaDifference]:
    """The differences behind a file's last diagnostics. Worker only."""
    return folder.differences_in(path)


def table_of(entity: EntitySchema, schema: DatabaseSchema) -> TableSchema | None:
    """The database table an entity maps, as compare matches it."""
    from ...diff import mapped_table

    return mapped_table(entity, schema)


def unmapped_tables(entities: list[EntitySchema], schema: DatabaseSchema) -> list[TableSchema]:
    """Database tables (and views) no entity maps: ``diff.unmapped_tables``."""
    from ...diff import unmapped_tables as unmapped

    return unmapped(entities, schema)


def contains(where: SourceRange, line: int, column: int) -> bool:
    """Is (line, column) inside ``where`` (its end included: a cursor after the name)?"""
    start = (where.start_line, where.start_column)
    end = (where.end_line, where.end_column)
    return start <= (line, column) <= end


def guarded(empty: Callable[[], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A handler that answers ``empty()`` instead of an error when anything fails (a
    broken file, a parser bug, a timeout): the editor keeps working, the log says why."""
    import functools

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(handler)
        async def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                return await handler(*args, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.exception("%s failed", handler.__name__)
                return empty()

        return wrapped

    return decorate
