"""Shared pieces of the language-server tests (no tests here): a real server process over
stdio driven by pytest-lsp's client, workspaces with model files, SQLite databases built
with real SQL, and waiting without fixed sleeps."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = [sys.executable, "-m", "schema_lsp", "serve"]
PUSH_CLIENT = "neovim@v0.9.1"  # no textDocument.diagnostic: push
PULL_CLIENT = "neovim@v0.10.0"  # textDocument.diagnostic, but no refresh support

MODELS = """\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[str | None] = mapped_column(String(20))
"""
USERS_SQL = "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL)"


def pull_capabilities() -> types.ClientCapabilities:
    """A current VS Code: pulls diagnostics and handles workspace/diagnostic/refresh
    (pytest-lsp's recorded VS Code 1.65 predates pull diagnostics)."""
    capabilities = client_capabilities("visual_studio_code")
    assert capabilities.text_document is not None and capabilities.workspace is not None
    capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities(
        related_document_support=True
    )
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    return capabilities


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def sqlite_database(path: Path, *statements: str) -> str:
    """A SQLite file built with real SQL; returns its URL."""
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    return f"sqlite:///{path}"


def line_of(path: Path, text: str) -> int:
    """0-based line of the first line containing ``text``."""
    return next(n for n, line in enumerate(path.read_text().splitlines()) if text in line)


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMA_LSP_")}
    env.update(extra)
    return env


async def start(
    folders: list[Path],
    *,
    client: str = PUSH_CLIENT,
    env: dict[str, str] | None = None,
    init_options: Any = None,
    configuration: dict[str, Any] | None = None,
    capabilities: types.ClientCapabilities | None = None,
    handlers: dict[str, Callable[..., Any]] | None = None,
) -> LanguageClient:
    """A server process with an initialized session over the given workspace folders."""
    config = ClientServerConfig(server_command=SERVER, server_env=env or server_env())
    lsp = await config.start()
    assert isinstance(lsp, LanguageClient)
    _record_publishes(lsp)
    for method, handler in (handlers or {}).items():
        lsp.protocol.fm.features[method] = handler
    if configuration is not None:
        for scope, values in configuration.items():
            lsp.set_configuration(values, section="schemaLsp", scope_uri=scope)
    _RESULTS[id(lsp)] = await lsp.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities(client),
            workspace_folders=[
                types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name) for folder in folders
            ],
            initialization_options=init_options,
        )
    )
    return lsp


_RESULTS: dict[int, types.InitializeResult] = {}


def initialize_result(lsp: LanguageClient) -> types.InitializeResult:
    return _RESULTS[id(lsp)]


_PUBLISHED: dict[int, list[types.PublishDiagnosticsParams]] = {}


def _record_publishes(lsp: LanguageClient) -> None:
    """Keep every publishDiagnostics in order (pytest-lsp keeps only the last per file)."""
    log = _PUBLISHED[id(lsp)] = []
    features = lsp.protocol.fm.features
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def recording(params: types.PublishDiagnosticsParams) -> Any:
        log.append(params)
        return original(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = recording


def published(lsp: LanguageClient) -> list[types.PublishDiagnosticsParams]:
    """Every publishDiagnostics the client received, in order."""
    return _PUBLISHED[id(lsp)]


async def stop(lsp: LanguageClient) -> None:
    await lsp.shutdown_session()
    await lsp.stop()


async def wait_until(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll ``condition`` until it is truthy; fail with what was last seen."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.02)


def diagnostics_of(lsp: LanguageClient, path: Path) -> list[types.Diagnostic] | None:
    """The last pushed list for a file (None: nothing pushed yet)."""
    found = lsp.diagnostics.get(path.as_uri())
    return None if found is None else list(found)


def codes(items: Any) -> list[str]:
    return sorted(str(d.code) for d in items or ())


def open_document(lsp: LanguageClient, path: Path, version: int = 1) -> None:
    lsp.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="python", version=version, text=path.read_text()
            )
        )
    )


def replace_text(lsp: LanguageClient, path: Path, text: str, version: int) -> None:
    """A full-text didChange (the server accepts whole-document changes too)."""
    lsp.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
