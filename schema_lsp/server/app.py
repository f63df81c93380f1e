"""The pygls server: capabilities, one small handler per LSP message, and ``serve``.

``initialize`` only records what the client can do (and registers the pull handlers when
it can pull); everything that reads files, settings or the database starts after
``initialized``, in the Session, off the event loop. Importing this module loads pygls and
lsprotocol but no SQLAlchemy or driver.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import FeatureRequestError, JsonRpcException
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..url import mask_text
from . import features
from .protocol import HardenedProtocol, ResyncingReader

if TYPE_CHECKING:
    from .session import Session

_log = logging.getLogger(__name__)

NAME = "schema-lsp"
REFRESH_COMMAND = "schemaLsp.refresh"


class SchemaLanguageServer(LanguageServer):
    """The language server; ``session`` exists from ``initialized`` on."""

    def __init__(self) -> None:
        super().__init__(
            NAME,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=HardenedProtocol,
        )
        self.session: Session | None = None
        self.pull = False
        self.init_options: Any = None
        self._reported: set[str] = set()

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls shows unexpected handler errors raw; ours are masked, logged, and shown
        once each (a bug must not become a message per keystroke)."""
        text = mask_text(" ".join(str(error).split()) or type(error).__name__)
        if source is JsonRpcException:  # a frame that is not JSON-RPC: the client's fault
            _log.warning("protocol error: %s", text)
            return
        _log.error("internal error (%s): %s", getattr(source, "__name__", source), text)
        if source is FeatureRequestError or text in self._reported:
            return  # a failed request already answers with its error
        self._reported.add(text)
        self.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"schema-lsp: internal error: {text} (see the server log)",
            )
        )


def create_server() -> SchemaLanguageServer:
    """A server with every handler registered (a fresh one per process or test)."""
    server = SchemaLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SchemaLanguageServer, params: types.InitializeParams) -> None:
        ls.init_options = params.initialization_options
        capabilities = params.capabilities.text_document
        ls.pull = capabilities is not None and capabilities.diagnostic is not None
        if ls.pull:
            _register_pull(ls)
        _watch_parent(params.process_id)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SchemaLanguageServer, _params: types.InitializedParams) -> None:
        from .session import Session  # the core loads after initialize has answered

        ls.session = Session(ls, pull=ls.pull, init_options=ls.init_options)
        try:
            await ls.session.start()
        except Exception as error:  # a bug: say so, and keep answering requests
            _log.exception("starting the session failed")
            ls.session.ready = True
            ls.report_server_error(error, type(error))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: SchemaLanguageServer, _params: None) -> None:
        if ls.session is not None:
            ls.session.stop()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SchemaLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if ls.session is not None:
            ls.session.did_open(document.uri, document.text, document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SchemaLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.session is not None:
            ls.session.did_change(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SchemaLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        """The saved text is what was checked already; the watcher skips open files."""

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SchemaLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        if ls.session is not None:
            ls.session.did_close(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: SchemaLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if ls.session is not None:
            await ls.session.reload_all(params.settings)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(
        ls: SchemaLanguageServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        session = await _session(ls)
        if session is not None:
            added = [folder.uri for folder in params.event.added]
            removed = [folder.uri for folder in params.event.removed]
            await session.folders_changed(added, removed)

    @server.command(REFRESH_COMMAND)
    async def refresh(ls: SchemaLanguageServer, *_args: Any) -> list[dict[str, Any]]:
        """Re-read the schema of every folder now; answers with what each read found."""
        session = await _session(ls)
        return [] if session is None else await session.refresh()

    features.register(server)
    return server


def _register_pull(server: SchemaLanguageServer) -> None:
    """Pull handlers exist only for clients that pull (registered during initialize, so
    the capabilities advertise ``diagnosticProvider`` to them alone)."""

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=NAME, inter_file_dependencies=True, workspace_diagnostics=True
        ),
    )
    async def document_diagnostic(
        ls: SchemaLanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        session = await _session(ls)
        if session is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        return await session.document_report(params.text_document.uri, params.previous_result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(
        ls: SchemaLanguageServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        session = await _session(ls)
        if session is None:
            return types.WorkspaceDiagnosticReport(items=[])
        previous = {item.uri: item.value for item in params.previous_result_ids}
        return await session.workspace_report(previous)


async def _session(server: SchemaLanguageServer) -> Session | None:
    """The session once its folders exist (a request may arrive right after
    ``initialized``, while they are being made); None if that takes too long."""
    for _ in range(250):
        if server.session is not None and server.session.ready:
            return server.session
        await asyncio.sleep(0.02)
    return None


def _watch_parent(process_id: int | None) -> None:
    """Exit when the editor that started us is gone (it may die without ``exit``)."""
    if not process_id or process_id == os.getpid():
        return

    def run() -> None:
        while True:
            threading.Event().wait(3.0)
            try:
                os.kill(process_id, 0)
            except ProcessLookupError:
                _log.warning("the client process %s is gone: exiting", process_id)
                os._exit(0)
            except PermissionError:
                pass  # alive, owned by someone else

    threading.Thread(target=run, name="schema-lsp-parent", daemon=True).start()


# -- serve -------------------------------------------------------------------------------


class _Masking(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        return True


def _configure_logging(debug: bool) -> None:
    """Logs go to stderr only, passwords masked; pygls logs every message body at INFO
    (initializationOptions included), so it stays at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    handler.addFilter(_Masking())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("schema_lsp").setLevel(logging.DEBUG if debug else logging.INFO)


def _protect_stdout() -> Any:
    """The protocol gets the real stdout; file descriptor 1 and ``sys.stdout`` become
    stderr, so no stray ``print`` (ours, a driver's, Alembic's) can corrupt the stream."""
    protocol_fd = os.dup(sys.stdout.fileno())
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "wb", buffering=0)


def serve(tcp: str | None = None, *, debug: bool = False) -> int:
    """Run the server over stdio (default) or TCP (``HOST:PORT``) until the client exits."""
    _configure_logging(debug)
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        output = _protect_stdout()
        server.start_io(ResyncingReader(sys.stdin.buffer), output)  # type: ignore[arg-type]
    # ``exit`` without ``shutdown`` is status 1 (the client closing stdin is not an error)
    return getattr(server.protocol, "exit_code", None) or 0
