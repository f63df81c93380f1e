"""When the schema cannot be read: tell the user once, keep the last diagnostics (marked
stale), and retry with backoff until the database is back.

One ``window/showMessage`` per distinct failure of a folder (a wrong password and then a
timeout are two; the same refused connection on every retry is one), a masked log line per
failure, and the retry delay doubling from 1 s to a minute.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..errors import ConfigError, InvalidDatabaseUrl, MissingDriver

if TYPE_CHECKING:
    from .folder import Folder
    from .session import Session

_log = logging.getLogger(__name__)

FIRST_RETRY = 1.0
LAST_RETRY = 60.0


class Health:
    """Failure bookkeeping for every folder of a session (event loop only)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._shown: dict[str, set[str]] = {}
        self._delay: dict[str, float] = {}
        self._retry: dict[str, asyncio.TimerHandle] = {}
        self._failing: set[str] = set()

    def show_once(self, folder: Folder, kind: types.MessageType, message: str) -> None:
        shown = self._shown.setdefault(folder.uri, set())
        if message in shown:
            return
        shown.add(message)
        self.session.server.window_show_message(
            types.ShowMessageParams(type=kind, message=f"schema-lsp: {message}")
        )

    def log(self, kind: types.MessageType, message: str) -> None:
        level = logging.ERROR if kind == types.MessageType.Error else logging.INFO
        _log.log(level, "%s", message)
        self.session.server.window_log_message(types.LogMessageParams(type=kind, message=message))

    def failed(self, folder: Folder, error: BaseException | None) -> None:
        """A read failed: message once, log, mark the kept schema stale, retry later."""
        self._failing.add(folder.uri)
        text = folder.scrub(" ".join(str(error).split()) or type(error).__name__)
        where = folder.describe()
        self.log(types.MessageType.Error, f"reading the schema of {where}: {text}")
        self.show_once(
            folder, types.MessageType.Error, text if where in text else f"{where}: {text}"
        )
        was = folder.stale
        if folder.schema is None:
            self._fallback(folder)
        if folder.schema is not None and folder.stale is None:
            folder.stale = (
                f"{folder.describe()} could not be read; using the schema read at "
                f"{folder.schema.read_at}"
            )
        if folder.stale != was and folder.schema is not None:
            self.session.check(folder, None)
        self.session.send_status(folder, text)
        if not isinstance(error, (MissingDriver, ConfigError, InvalidDatabaseUrl)):
            self._schedule(folder)  # installing a driver or fixing settings needs the user

    def succeeded(self, folder: Folder) -> None:
        self._cancel(folder)
        self._delay.pop(folder.uri, None)
        if folder.uri in self._failing:
            self._failing.discard(folder.uri)
            self._shown.pop(folder.uri, None)  # the next failure is news again
            self.log(types.MessageType.Info, f"read the schema of {folder.describe()} again")

    def forget(self, folder: Folder) -> None:
        self._failing.discard(folder.uri)
        self._cancel(folder)
        self._delay.pop(folder.uri, None)
        self._shown.pop(folder.uri, None)

    def stop(self) -> None:
        for handle in self._retry.values():
            handle.cancel()
        self._retry.clear()

    def _fallback(self, folder: Folder) -> None:
        """A live database that never answered: a configured snapshot stands in."""
        settings = folder.folder_settings.settings if folder.folder_settings else None
        if settings is None or settings.database_url is None or settings.snapshot is None:
            return
        from .. import snapshot

        try:
            folder.schema = snapshot.load(settings.snapshot)
        except Exception as error:
            self.log(types.MessageType.Warning, folder.scrub(f"snapshot fallback: {error}"))
            return
        folder.stale = (
            f"{folder.describe()} could not be read; using snapshot {settings.snapshot.name}"
        )

    def _schedule(self, folder: Folder) -> None:
        if folder.uri in self._retry or folder.registry is None:
            return
        delay = self._delay.get(folder.uri, FIRST_RETRY)
        self._delay[folder.uri] = min(delay * 2, LAST_RETRY)
        loop = self.session.loop
        self._retry[folder.uri] = loop.call_later(delay, self._run_retry, folder)

    def _cancel(self, folder: Folder) -> None:
        handle = self._retry.pop(folder.uri, None)
        if handle is not None:
            handle.cancel()

    def _run_retry(self, folder: Folder) -> None:
        self._retry.pop(folder.uri, None)
        if self.session.folders.get(folder.uri) is not folder or folder.registry is None:
            return
        registry = folder.registry

        def read() -> Any:
            try:
                if registry.is_loaded:
                    return registry.sync_with_database()
                return registry.get_database_schema()
            except Exception:
                return None  # the registry's listener reports it

        self.session.loop.run_in_executor(None, read)
