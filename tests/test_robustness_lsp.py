"""Issue 11's robustness suite, language-server side, over stdio with a real client:
what cannot be read is shown where it fails, never left silent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from tests.test_server_support import (
    MODELS,
    USERS_SQL,
    codes,
    diagnostics_of,
    open_document,
    replace_text,
    server_env,
    sqlite_database,
    start,
    stop,
    wait_until,
    write,
)

pytestmark = pytest.mark.asyncio


# -- 1. unparseable model files -----------------------------------------------------------


async def test_model_files_that_do_not_read_are_shown_without_opening_them(tmp_path: Path):
    """Found by discovery at start-up: one whose bytes are not UTF-8 and declare no
    encoding (SL002 on the byte), one with a coding line (read as Python reads it: its
    drift is found), one with a syntax error (SL002 on its line)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    undeclared = folder / "legacy.py"
    undeclared.write_bytes(MODELS.replace('"users"', '"caf\xe9s"').encode("latin-1"))
    declared = folder / "models.py"
    declared.write_bytes(("# -*- coding: latin-1 -*-\n" + MODELS + "# café\n").encode("latin-1"))
    broken = write(folder / "broken.py", MODELS + "\n\nclass Broken(Base:\n")
    url = sqlite_database(tmp_path / "shop.db", USERS_SQL)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        (bad_bytes,) = await wait_until(lambda: diagnostics_of(lsp, undeclared))
        assert bad_bytes.code == "SL002"
        assert bad_bytes.severity == types.DiagnosticSeverity.Error
        line = MODELS.splitlines().index('    __tablename__ = "users"')
        column = '    __tablename__ = "caf'.__len__()
        assert bad_bytes.range.start == types.Position(line=line, character=column)
        assert "byte 0xe9 at line" in bad_bytes.message
        assert codes(await wait_until(lambda: diagnostics_of(lsp, declared))) == ["SL110"]
        found = await wait_until(lambda: diagnostics_of(lsp, broken))
        assert codes(found) == ["SL002"]  # never parsed: nothing stale to keep
        assert found[0].range.start.line == len(MODELS.splitlines()) + 2
        assert not lsp.messages
    finally:
        await stop(lsp)


async def test_an_opened_file_that_never_parsed_shows_the_error_and_recovers(tmp_path: Path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS.replace("class User(Base):", "class User(Base:"))
    url = sqlite_database(tmp_path / "shop.db", USERS_SQL)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        (error,) = await wait_until(lambda: diagnostics_of(lsp, models))
        assert error.code == "SL002"
        assert error.range.start.line == MODELS.splitlines().index("class User(Base):")
        replace_text(lsp, models, MODELS, version=2)
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
    finally:
        await stop(lsp)


# -- 4. a password is never shown ----------------------------------------------------------


async def test_the_editor_never_shows_the_password_of_a_malformed_url(tmp_path: Path):
    folder = tmp_path / "ws"
    write(folder / "models.py", MODELS)
    secret = "S3cret"
    lsp = await start([folder], init_options={"databaseUrl": f"user:{secret}@host/db"})
    try:
        await wait_until(lambda: lsp.messages)
        await asyncio.sleep(0.3)  # anything else it would say
        shown = [m.message for m in lsp.messages]
        assert any("not a database URL: 'user:***@host/db'" in text for text in shown), shown
        assert not any(secret in text for text in shown)
        assert not any(secret in m.message for m in lsp.log_messages)
    finally:
        await stop(lsp)
