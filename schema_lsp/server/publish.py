"""Where a file's diagnostics go: pushed (``publishDiagnostics``) or kept for the client to
pull (``textDocument/diagnostic``, ``workspace/diagnostic``). A session has exactly one of
the two, chosen by the client's capabilities, so a client never gets both streams."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

#: Seconds a workspace pull with nothing new is held open before answering "unchanged".
LONG_POLL = 60.0


class Push:
    """Publishes a list when it differs from the last one sent for that file (for an open
    document, once per version too); ``[]`` clears a file that was shown before."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self._sent: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}

    def send(
        self, uri: str, version: int | None, items: list[types.Diagnostic], *, force: bool
    ) -> bool:
        """Publish one file's list (``force``: an open document's new version); returns
        whether anything was sent."""
        previous = self._sent.get(uri)
        if previous is None and not items and not force:
            return False
        if previous is not None and previous[1] == items and (previous[0] == version or not force):
            return False
        self._sent[uri] = (version, items)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
        )
        return True

    def request_refresh(self) -> None:
        """Nothing to do: a push client already has every list."""


@dataclass
class _Report:
    result_id: str
    items: list[types.Diagnostic]


class Pull:
    """Keeps each file's latest list under a result id the client can quote back."""

    def __init__(self, server: LanguageServer, *, can_refresh: bool) -> None:
        self.server = server
        self.can_refresh = can_refresh
        self._reports: dict[str, _Report] = {}
        self._ids = 0
        self._changed = asyncio.Event()
        self._refresh: asyncio.TimerHandle | None = None

    def send(
        self, uri: str, version: int | None, items: list[types.Diagnostic], *, force: bool
    ) -> bool:
        """Store one file's list; returns whether it changed (then the client must pull)."""
        report = self._reports.get(uri)
        if (report is not None and report.items == items) or (report is None and not items):
            return False
        self._ids += 1
        self._reports[uri] = _Report(str(self._ids), items)
        self._changed.set()
        return True

    def request_refresh(self) -> None:
        """Ask the client to pull again (coalesced), if it can be asked."""
        if not self.can_refresh or self._refresh is not None:
            return

        def send() -> None:
            self._refresh = None
            self.server.workspace_diagnostic_refresh(None)

        self._refresh = asyncio.get_running_loop().call_later(0.05, send)

    def document_report(self, uri: str, previous: str | None) -> types.DocumentDiagnosticReport:
        report = self._reports.get(uri)
        if report is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[], result_id="0")
        if previous == report.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=report.result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=report.items, result_id=report.result_id
        )

    async def workspace_report(
        self, previous: dict[str, str], version_of: Callable[[str], int | None]
    ) -> types.WorkspaceDiagnosticReport:
        """Every file's report; when none changed since ``previous``, held open until one
        does (long poll: VS Code re-pulls two seconds after every answer)."""
        loop = asyncio.get_running_loop()
        held_until = loop.time() + LONG_POLL
        while True:
            self._changed.clear()
            items = self._workspace_items(previous, version_of)
            changed = any(
                isinstance(item, types.WorkspaceFullDocumentDiagnosticReport) for item in items
            )
            remaining = held_until - loop.time()
            if changed or remaining <= 0:
                return types.WorkspaceDiagnosticReport(items=items)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def _workspace_items(
        self, previous: dict[str, str], version_of: Callable[[str], int | None]
    ) -> list[types.WorkspaceDocumentDiagnosticReport]:
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        for uri, report in self._reports.items():
            version = version_of(uri)
            if previous.get(uri) == report.result_id:
                items.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=uri, result_id=report.result_id, version=version
                    )
                )
            else:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, items=report.items, version=version, result_id=report.result_id
                    )
                )
        return items
