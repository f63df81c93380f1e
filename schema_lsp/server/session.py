"""The session: workspace folders, documents, and when diagnostics are computed and sent.

Everything here runs on the event loop, which is also the only thread that talks to the
client. Parsing and comparing run on each folder's worker thread (folder.py), database
reads on executor threads; their results come back through ``call_soon_threadsafe``.

Rules kept here (what users of other language servers asked for):

* Every change to a file bumps its revision at once; a result computed from an older
  revision is dropped, so a slow check never overwrites a newer edit.
* Edits are debounced per document; one list is published per settled version (push), an
  explicit ``[]`` when a file becomes clean; a file that does not parse shows SL002 and
  its last good parse's diagnostics, marked stale.
* Exactly one diagnostics mode per session, chosen by the client's capabilities: pull
  (``textDocument/diagnostic``; refresh when anything else changes) or push.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from ..errors import SchemaLspError
from ..url import mask_text
from .folder import FileResult, Folder
from .health import Health
from .publish import Pull, Push
from .settings import SECTION, read_folder_settings

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from ..registry import SchemaRegistry
    from ..schema import DatabaseSchema

_log = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds to wait after the last keystroke before checking a document, when the folder's
#: settings (``debounce``) could not be read.
DEBOUNCE = 0.2
#: The notification that tells a client what each folder's database is doing.
STATUS = "schemaLsp/status"
#: Seconds a client may take to answer ``workspace/configuration`` before we go on without.
CONFIGURATION_TIMEOUT = 2.0
#: Seconds of quiet in the migrations folder before the schema is read again.
MIGRATION_DEBOUNCE = 1.0
#: Seconds a pull request waits for a check in flight (or the first schema read).
PULL_WAIT = 5.0


@dataclass(eq=False)
class Document:
    """What the session knows about one file: whose it is, its newest revision (bumped on
    every change), the editor's version while open, and the revision last checked."""

    folder: Folder
    tracked: bool = False  # in the folder's index
    revision: int = 0
    version: int | None = None
    open: bool = False
    checked: int = -1
    timer: asyncio.TimerHandle | None = None


@dataclass(frozen=True)
class _Change:
    path: str
    text: str | None  # None: read from disk
    revision: int
    version: int | None
    remove: bool = False


def path_of(uri: str) -> str | None:
    path = to_fs_path(uri)
    return os.path.normpath(path) if path else None


def uri_of(path: str) -> str:
    return from_fs_path(path) or path


class Session:
    """One client's session; made in ``initialized``, lives on the event loop."""

    def __init__(self, server: LanguageServer, *, pull: bool, init_options: Any) -> None:
        self.server = server
        self.loop = asyncio.get_running_loop()
        self.pull = pull
        self.init_options = init_options if isinstance(init_options, dict) else None
        self.pushed_settings: Any = None  # didChangeConfiguration's settings, if any
        self.folders: dict[str, Folder] = {}
        self.docs: dict[str, Document] = {}
        self.ready = False
        self.health = Health(self)
        self.output: Push | Pull = (
            Pull(server, can_refresh=bool(self._client("workspace.diagnostics.refresh_support")))
            if pull
            else Push(server)
        )
        self._can_refresh_lenses = bool(self._client("workspace.code_lens.refresh_support"))
        self._lens_refresh: asyncio.TimerHandle | None = None
        self._warmups: set[asyncio.Task[None]] = set()
        self._stop_watch: Callable[[], None] | None = None
        self._migration_timers: dict[str, asyncio.TimerHandle] = {}

    # -- capabilities ---------------------------------------------------------------------

    def _client(self, path: str) -> Any:
        item: Any = self.server.client_capabilities
        for name in path.split("."):
            item = getattr(item, name, None)
            if item is None:
                return None
        return item

    def _refresh_views(self) -> None:
        """Diagnostics changed without an edit (a schema read, a file on disk): a pulling
        client pulls again, and code lenses ("N differences") are asked for again
        (coalesced), when the client can be asked."""
        self.output.request_refresh()
        if not self._can_refresh_lenses or self._lens_refresh is not None:
            return

        def send() -> None:
            self._lens_refresh = None
            self.server.workspace_code_lens_refresh(None)

        self._lens_refresh = asyncio.get_running_loop().call_later(0.05, send)

    # -- start and stop -------------------------------------------------------------------

    async def start(self) -> None:
        """Make each workspace folder's state, warm it, then take the open documents."""
        workspace = self.server.workspace
        folders = [(f.uri, f.name) for f in workspace.folders.values()]
        if not folders and workspace.root_uri:
            folders = [(workspace.root_uri, "root")]
        made = await asyncio.gather(*(self._make_folder(uri) for uri, _name in folders))
        for folder in made:
            if folder is not None:
                self.folders[folder.uri] = folder
        self.ready = True
        for document in list(workspace.text_documents.values()):
            self.did_open(document.uri, document.source, document.version)
        for folder in self.folders.values():
            self._spawn(self._warm(folder))
        self._start_watching()

    def stop(self) -> None:
        if self._stop_watch is not None:
            self._stop_watch()
        for folder in self.folders.values():
            folder.close()
        self.health.stop()

    def _spawn(self, coroutine: Any) -> None:
        task = self.loop.create_task(coroutine)
        self._warmups.add(task)
        task.add_done_callback(self._warmups.discard)

    async def _configuration(self, uri: str) -> Any:
        """The client's ``schemaLsp`` section for a folder; None if it cannot or does not
        answer in time (never block the session on it)."""
        if not self._client("workspace.configuration"):
            return None
        params = types.ConfigurationParams(
            items=[types.ConfigurationItem(scope_uri=uri, section=SECTION)]
        )
        try:
            answer = await _ask(self.server.workspace_configuration_async(params))
        except Exception as error:  # timeout, or a client error
            _log.warning("no workspace/configuration answer for %s: %s", uri, error)
            return None
        return answer[0] if answer else None

    async def _make_folder(self, uri: str) -> Folder | None:
        root = path_of(uri)
        if root is None:
            return None
        config = await self._configuration(uri)
        pushed = self.pushed_settings
        pushed = pushed.get(SECTION) if isinstance(pushed, dict) else None
        layers = (
            (f"workspace/configuration {SECTION}", config if isinstance(config, dict) else None),
            (f"didChangeConfiguration {SECTION}", pushed if isinstance(pushed, dict) else None),
            ("initializationOptions", self.init_options),
        )
        codec = self.server.workspace.position_codec
        try:
            settings = await asyncio.to_thread(
                read_folder_settings, Path(root), editor_layers=layers
            )
        except SchemaLspError as error:  # messages are free of credentials
            return Folder(uri, Path(root), None, codec, error=str(error))
        except Exception as error:
            _log.exception("reading the settings of %s failed", root)
            return Folder(uri, Path(root), None, codec, error=mask_text(str(error)))
        folder = Folder(uri, Path(root), settings, codec)
        try:
            registry = await asyncio.to_thread(folder.make_registry)
        except Exception as error:
            folder.settings_error = folder.scrub(str(error))
            return folder
        if registry is not None:
            registry.add_listener(self._listener(folder))
        return folder

    def _listener(
        self, folder: Folder
    ) -> Callable[[SchemaRegistry, DatabaseSchema | None, BaseException | None], None]:
        def on_read(
            _registry: SchemaRegistry, schema: DatabaseSchema | None, error: BaseException | None
        ) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: shutting down
                self.loop.call_soon_threadsafe(self.on_schema, folder, schema, error)

        return on_read

    async def _warm(self, folder: Folder) -> None:
        """Load the folder's model files, then read its schema with progress."""
        loaded = await asyncio.wrap_future(folder.submit(folder.discover))
        if self.folders.get(folder.uri) is not folder:
            return
        for path in loaded:
            self.docs.setdefault(uri_of(path), Document(folder)).tracked = True
        if folder.settings_error is not None:
            folder.read_attempted = True
            self.health.show_once(folder, types.MessageType.Error, folder.settings_error)
            return
        registry = folder.registry
        if registry is None:
            folder.read_attempted = True
            if not any(d.tracked and d.folder is folder for d in self.docs.values()):
                return  # no models here either (found or open): not ours, no need to nag
            self.health.show_once(
                folder,
                types.MessageType.Warning,
                f"no database configured for {folder.root.name}: set schemaLsp.databaseUrl, "
                "SCHEMA_LSP_DATABASE_URL, or database_url in [tool.schema-lsp]",
            )
            self.send_status(folder, "no database configured")
            return
        async with self._progress(f"Reading schema of {folder.describe()}") as report:
            try:
                schema = await self.loop.run_in_executor(None, registry.get_database_schema)
            except Exception:
                report("failed")  # the listener shows the error
            else:
                report(f"{len(schema)} tables")

    @contextlib.asynccontextmanager
    async def _progress(self, title: str) -> Any:
        """Work-done progress when the client supports it; yields a function taking the
        final message."""
        token: str | None = None
        if self._client("window.work_done_progress"):
            token = f"schema-lsp-{uuid.uuid4().hex[:8]}"
            try:
                await _ask(self.server.work_done_progress.create_async(token))
                self.server.work_done_progress.begin(
                    token, types.WorkDoneProgressBegin(title=title, cancellable=False)
                )
            except Exception:
                token = None
        final: list[str] = []
        try:
            yield final.append
        finally:
            if token is not None:
                message = final[-1] if final else None
                self.server.work_done_progress.end(
                    token, types.WorkDoneProgressEnd(message=message)
                )

    # -- schema events --------------------------------------------------------------------

    def on_schema(
        self, folder: Folder, schema: DatabaseSchema | None, error: BaseException | None
    ) -> None:
        """A read finished (first load, TTL refresh, retry, command)."""
        if self.folders.get(folder.uri) is not folder:
            return
        folder.read_attempted = True
        if error is not None or schema is None:
            self.health.failed(folder, error)
            return
        was_stale = folder.stale is not None
        changed = folder.schema is None or not _same_schema(folder.schema, schema)
        folder.schema = schema
        folder.stale = None
        self.health.succeeded(folder)
        self.send_status(folder, None)
        if changed or was_stale:
            self.check(folder, None)

    def send_status(self, folder: Folder, error: str | None) -> None:
        """``schemaLsp/status``: a folder's database (password masked), how many tables
        its last good read holds, and the current error, for a client's status bar (the
        VS Code extension's). Sent on every read, failure and recovery."""
        schema = folder.schema
        self.server.protocol.notify(
            STATUS,
            {
                "folder": folder.uri,
                "database": folder.describe(),
                "error": error,
                "tables": len(schema.tables) if schema is not None else None,
                "stale": folder.stale is not None,
            },
        )

    def touch_registry(self, folder: Folder) -> None:
        """Let the registry's TTL refresh start (stale-while-revalidate) on activity; a
        loaded registry answers at once, and a failing one is left to the retries."""
        registry = folder.registry
        if registry is None or folder.stale is not None or not registry.is_loaded:
            return
        if registry.is_stale and not registry.is_refreshing:
            self.loop.run_in_executor(None, registry.get_database_schema)

    # -- checks ---------------------------------------------------------------------------

    def check(
        self,
        folder: Folder,
        changes: Iterable[_Change] | None,
        edited: Iterable[str] = (),
        outside: Iterable[str] = (),
    ) -> None:
        """Apply ``changes`` on the folder's worker and check what they affect (None: check
        every file); ``outside`` are other Python files that changed on disk (a base or
        helper module the models import). Results come back to ``_deliver``."""
        schema, stale = folder.schema, folder.stale
        todo = list(changes) if changes is not None else None
        modules = list(outside)
        self.touch_registry(folder)

        def job() -> tuple[dict[str, FileResult], set[str]]:
            removed: set[str] = set()
            if todo is None:
                return folder.check(None, schema, stale), removed
            touched: set[str] = set()
            for path in modules:
                touched |= folder.module_changed(path)
            for change in todo:
                touched |= folder.affected([change.path])  # as it was
                if change.remove or not folder.apply(
                    change.path, change.text, change.revision, change.version
                ):
                    folder.remove(change.path)
                    removed.add(change.path)
                else:
                    touched |= folder.affected([change.path])  # as it is now
            return folder.check(touched - removed, schema, stale), removed

        future = asyncio.wrap_future(folder.submit(job), loop=self.loop)
        future.add_done_callback(lambda done: self._deliver(folder, done, set(edited)))

    def _deliver(self, folder: Folder, done: asyncio.Future[Any], edited: set[str]) -> None:
        if done.cancelled() or self.folders.get(folder.uri) is not folder:
            return
        if done.exception() is not None:
            _log.error("check failed in %s", folder.root, exc_info=done.exception())
            return
        results, removed = done.result()
        refresh = False
        for path in removed:
            uri = uri_of(path)
            document = self.docs.get(uri)
            if document is not None and not document.open:
                document.tracked = False
                refresh |= self.output.send(uri, None, [], force=False) and uri not in edited
        for path, result in results.items():
            uri = uri_of(path)
            document = self.docs.get(uri)
            if document is None or document.folder is not folder:
                continue
            if result.revision != document.revision:
                continue  # a newer change is on its way
            document.checked = result.revision
            changed = self.output.send(uri, result.version, result.diagnostics, force=document.open)
            refresh |= changed and uri not in edited
        if refresh:
            self._refresh_views()

    # -- pull -----------------------------------------------------------------------------

    async def document_report(
        self, uri: str, previous: str | None
    ) -> types.DocumentDiagnosticReport:
        """``textDocument/diagnostic``: answered once the document's newest text is checked."""
        assert isinstance(self.output, Pull)
        document = self.docs.get(uri)
        if document is not None and document.tracked:
            await self._settled(document)
        return self.output.document_report(uri, previous)

    async def workspace_report(self, previous: dict[str, str]) -> types.WorkspaceDiagnosticReport:
        """``workspace/diagnostic``: answered once every folder has tried its first read."""
        assert isinstance(self.output, Pull)
        deadline = self.loop.time() + PULL_WAIT
        while self.loop.time() < deadline and not all(
            f.read_attempted for f in self.folders.values()
        ):
            await asyncio.sleep(0.02)
        return await self.output.workspace_report(previous, self._open_version)

    def _open_version(self, uri: str) -> int | None:
        document = self.docs.get(uri)
        return document.version if document is not None and document.open else None

    async def _settled(self, document: Document) -> None:
        """Wait (bounded) until the document's newest revision has been checked, or until
        it is clear no schema is coming."""
        deadline = self.loop.time() + PULL_WAIT
        while self.loop.time() < deadline:
            folder = document.folder
            if document.checked == document.revision and folder.schema is not None:
                return
            if folder.read_attempted and folder.schema is None:
                return
            await asyncio.sleep(0.02)

    # -- documents ------------------------------------------------------------------------

    def _locate(self, uri: str) -> tuple[str, Folder] | None:
        path = path_of(uri)
        if path is None or not self.ready:
            return None
        best: Folder | None = None
        for folder in self.folders.values():
            if folder.contains(path) and (
                best is None or len(str(folder.root)) > len(str(best.root))
            ):
                best = folder
        return (path, best) if best is not None else None

    def did_open(self, uri: str, text: str, version: int | None) -> None:
        located = self._locate(uri)
        if located is None:
            return
        path, folder = located
        document = self.docs.get(uri)
        if document is None or document.folder is not folder:
            document = self.docs[uri] = Document(folder)
        document.open = True
        document.revision += 1
        document.version = version
        self._cancel_timer(document)
        if document.tracked or folder.wants(path, text):
            document.tracked = True
            change = _Change(path, text, document.revision, version)
            self.check(folder, [change], edited={uri})

    def did_change(self, uri: str) -> None:
        document = self.docs.get(uri)
        located = self._locate(uri)
        if located is None:
            return
        path, folder = located
        text_document = self.server.workspace.get_text_document(uri)
        if document is None:
            document = self.docs[uri] = Document(folder, open=True)
        document.revision += 1
        document.version = text_document.version
        if not document.tracked:
            if not folder.wants(path, text_document.source):
                return
            document.tracked = True
        self._cancel_timer(document)
        fs = folder.folder_settings
        wait = fs.settings.debounce if fs is not None else DEBOUNCE
        document.timer = self.loop.call_later(wait, self._submit_edit, uri)

    def _submit_edit(self, uri: str) -> None:
        document = self.docs.get(uri)
        path = path_of(uri)
        if document is None or path is None or not document.open:
            return
        document.timer = None
        text_document = self.server.workspace.get_text_document(uri)
        change = _Change(path, text_document.source, document.revision, document.version)
        self.check(document.folder, [change], edited={uri})

    def did_close(self, uri: str) -> None:
        document = self.docs.get(uri)
        path = path_of(uri)
        if document is None or path is None:
            return
        self._cancel_timer(document)
        document.open = False
        document.version = None
        document.revision += 1
        if not document.tracked:
            return
        folder = document.folder
        # The file on disk is the truth again; a file that is no model file leaves.
        remove = not folder.wants(path, None)
        self.check(folder, [_Change(path, None, document.revision, None, remove=remove)])

    def _cancel_timer(self, document: Document) -> None:
        if document.timer is not None:
            document.timer.cancel()
            document.timer = None

    # -- files on disk --------------------------------------------------------------------

    def on_disk_changes(self, changes: list[tuple[str, bool]]) -> None:
        """Files changed behind the editor: (path, deleted) pairs from the watcher."""
        by_folder: dict[str, list[_Change]] = {}
        outside: dict[str, list[str]] = {}
        reload: set[str] = set()
        for path, deleted in changes:
            path = os.path.normpath(path)
            if Path(path).name == "pyproject.toml":
                reload |= {
                    uri
                    for uri, folder in self.folders.items()
                    if folder.contains(path) or Path(path).parent == folder.project_root
                }
                continue
            located = self._locate(uri_of(path))
            if located is None:
                continue
            _, folder = located
            if folder.in_migrations(path):
                self._schedule_migration_refresh(folder)
            uri = uri_of(path)
            document = self.docs.get(uri)
            if document is not None and document.open:
                continue  # the editor's text wins
            if document is None or not document.tracked:
                if deleted or not folder.wants(path, None):
                    if path.endswith(".py"):  # maybe a module the models import
                        outside.setdefault(folder.uri, []).append(path)
                    continue
                document = self.docs.setdefault(uri, Document(folder))
                document.tracked = True
            document.revision += 1
            by_folder.setdefault(folder.uri, []).append(
                _Change(path, None, document.revision, None, remove=deleted)
            )
        for uri in by_folder.keys() | outside.keys():
            if uri not in reload:
                self.check(self.folders[uri], by_folder.get(uri, []), outside=outside.get(uri, ()))
        for uri in reload:
            self._spawn(self.reload_folder(uri))

    def _schedule_migration_refresh(self, folder: Folder) -> None:
        """A migration was written or changed (``alembic upgrade`` usually follows): read
        the schema again once things are quiet."""
        timer = self._migration_timers.pop(folder.uri, None)
        if timer is not None:
            timer.cancel()

        def run() -> None:
            self._migration_timers.pop(folder.uri, None)
            if self.folders.get(folder.uri) is folder:
                self._spawn(self._read_now(folder))

        self._migration_timers[folder.uri] = self.loop.call_later(MIGRATION_DEBOUNCE, run)

    async def _read_now(self, folder: Folder) -> dict[str, Any]:
        registry = folder.registry
        if registry is None:
            return {"folder": folder.uri, "error": "no database configured"}
        try:
            schema = await self.loop.run_in_executor(None, registry.sync_with_database)
        except Exception as error:
            return {"folder": folder.uri, "error": folder.scrub(str(error))}
        return {"folder": folder.uri, "tables": len(schema)}

    def _start_watching(self) -> None:
        from .watch import watch_folders

        roots = [folder.root for folder in self.folders.values()]
        if not roots:
            return

        def deliver(changes: list[tuple[str, bool]]) -> None:
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.on_disk_changes, changes)

        self._stop_watch = watch_folders(roots, deliver)

    # -- configuration --------------------------------------------------------------------

    async def reload_all(self, pushed: Any) -> None:
        """``workspace/didChangeConfiguration``: re-read every folder's settings."""
        self.pushed_settings = pushed
        for uri in list(self.folders):
            await self.reload_folder(uri)

    async def reload_folder(self, uri: str) -> None:
        """Re-read one folder's settings; a folder whose settings changed starts over
        (new registry, new index) and republishes."""
        old = self.folders.get(uri)
        if old is None:
            return
        new = await self._make_folder(uri)
        if new is None:
            return
        if new.folder_settings == old.folder_settings and new.settings_error == old.settings_error:
            new.close()
            return
        _log.info("settings of %s changed: starting over", old.root)
        self.folders[uri] = new
        old.close()
        self.health.forget(old)
        cleared: list[str] = []
        reopen: list[tuple[str, str, int | None]] = []
        for doc_uri, document in list(self.docs.items()):
            if document.folder is not old:
                continue
            if document.tracked and not document.open:
                cleared.append(doc_uri)
            if document.open:
                text = self.server.workspace.get_text_document(doc_uri).source
                reopen.append((doc_uri, text, document.version))
            del self.docs[doc_uri]
        for doc_uri in cleared:
            self.output.send(doc_uri, None, [], force=False)
        for doc_uri, text, version in reopen:
            self.did_open(doc_uri, text, version)
        self._refresh_views()
        await self._warm(new)

    async def folders_changed(self, added: list[str], removed: list[str]) -> None:
        """``workspace/didChangeWorkspaceFolders``: forget removed folders (clearing what
        they published), make and warm the added ones."""
        for uri in removed:
            folder = self.folders.pop(uri, None)
            if folder is None:
                continue
            folder.close()
            self.health.forget(folder)
            for doc_uri, document in list(self.docs.items()):
                if document.folder is folder:
                    self.output.send(doc_uri, None, [], force=False)
                    del self.docs[doc_uri]
        made = await asyncio.gather(*(self._make_folder(uri) for uri in added))
        for folder in made:
            if folder is not None:
                self.folders[folder.uri] = folder
        for text_document in list(self.server.workspace.text_documents.values()):
            if text_document.uri not in self.docs:
                self.did_open(text_document.uri, text_document.source, text_document.version)
        if self._stop_watch is not None:
            self._stop_watch()
        self._start_watching()
        for folder in made:
            if folder is not None:
                self._spawn(self._warm(folder))
        self._refresh_views()

    # -- commands -------------------------------------------------------------------------

    async def refresh(self) -> list[dict[str, Any]]:
        """``schemaLsp.refresh``: re-read every folder's schema now."""
        return list(await asyncio.gather(*(self._read_now(f) for f in self.folders.values())))


async def _ask(request: Awaitable[T]) -> T:
    """A request to the client, waited for at most CONFIGURATION_TIMEOUT. The request itself
    is shielded: cancelling it would make a late answer an error inside pygls."""
    return await asyncio.wait_for(asyncio.shield(request), CONFIGURATION_TIMEOUT)


def _same_schema(a: DatabaseSchema, b: DatabaseSchema) -> bool:
    """Equal but for when they were read."""
    return dataclasses.replace(a, read_at="") == dataclasses.replace(b, read_at="")
