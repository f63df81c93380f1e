"""The language server's view of a workspace: files changed on disk behind the editor, a
mixin edited in one file re-checking the file that uses it, multi-root workspaces with a
database each, and settings from workspace/configuration and didChangeConfiguration."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from tests.test_server_support import (
    MODELS,
    USERS_SQL,
    codes,
    diagnostics_of,
    line_of,
    open_document,
    pull_capabilities,
    replace_text,
    server_env,
    sqlite_database,
    start,
    stop,
    wait_until,
    write,
)

pytestmark = pytest.mark.asyncio

BASE = """\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Audited:
    created_by: Mapped[str] = mapped_column(String(30))
"""
USER = """\
from sqlalchemy.orm import Mapped, mapped_column

from app.base import Audited, Base


class User(Audited, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
"""


async def test_a_file_changed_on_disk_is_checked_again(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    url = sqlite_database(tmp_path / "db.sqlite", USERS_SQL)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
        # git checkout, a code generator, another editor: the file is never opened here.
        models.write_text(MODELS.replace("    nickname: Mapped[str | None]", "    # nickname"))
        await wait_until(lambda: diagnostics_of(lsp, models) == [])
        # A new model file appears (in a new package), and is deleted.
        extra = write(
            folder / "billing" / "more.py",
            MODELS.replace('"users"', '"orders"').replace("class User", "class Order"),
        )
        await wait_until(lambda: codes(diagnostics_of(lsp, extra)) == ["SL100"])
        extra.unlink()
        await wait_until(lambda: diagnostics_of(lsp, extra) == [])
    finally:
        await stop(lsp)


async def test_editing_a_mixin_rechecks_the_files_that_use_it(tmp_path):
    folder = tmp_path / "ws"
    base = write(folder / "app" / "base.py", BASE)
    user = write(folder / "app" / "user.py", USER)
    write(folder / "app" / "__init__.py", "")
    url = sqlite_database(
        tmp_path / "db.sqlite",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, created_by VARCHAR(30) NOT NULL)",
    )
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, base)
        open_document(lsp, user)
        await wait_until(lambda: diagnostics_of(lsp, user) == [])
        await wait_until(lambda: diagnostics_of(lsp, base) == [])
        # The mixin gains a column the database lacks: reported where it is declared, for
        # the table of the class that uses it.
        edited = BASE + "    approved_by: Mapped[str | None] = mapped_column(String(30))\n"
        replace_text(lsp, base, edited, version=2)
        found = await wait_until(lambda: diagnostics_of(lsp, base))
        assert codes(found) == ["SL110"]
        assert "users.approved_by" in found[0].message
        assert found[0].range.start.line == len(BASE.splitlines())
        # Renaming the table in the using file moves the problem: the mixin's file is
        # checked again too.
        replace_text(lsp, user, USER.replace('"users"', '"people"'), version=2)
        await wait_until(lambda: codes(diagnostics_of(lsp, user)) == ["SL100"])
        await wait_until(lambda: diagnostics_of(lsp, base) == [])
    finally:
        await stop(lsp)


async def test_multi_root_folders_each_check_against_their_own_database(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first_models = write(first / "models.py", MODELS)
    second_models = write(second / "models.py", MODELS)
    # The first database has the nickname column, the second lacks email's length.
    first_url = sqlite_database(
        tmp_path / "first.db",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, "
        "nickname VARCHAR(20))",
    )
    second_url = sqlite_database(tmp_path / "second.db", USERS_SQL)
    write(first / "pyproject.toml", f'[tool.schema-lsp]\ndatabase_url = "{first_url}"\n')
    lsp = await start(
        [first, second],
        configuration={second.as_uri(): {"databaseUrl": second_url}},
    )
    try:
        await wait_until(lambda: codes(diagnostics_of(lsp, second_models)) == ["SL110"])
        await wait_until(lambda: lsp.progress_reports and len(_ends(lsp)) == 2)
        assert diagnostics_of(lsp, first_models) is None  # clean, never opened: nothing sent
        assert sorted(_ends(lsp)) == ["1 tables", "1 tables"]
    finally:
        await stop(lsp)


async def test_configuration_changes_apply_without_a_restart(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    good = sqlite_database(
        tmp_path / "good.db",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, "
        "nickname VARCHAR(20))",
    )
    drifted = sqlite_database(tmp_path / "drifted.db", USERS_SQL)
    lsp = await start([folder], init_options={"databaseUrl": good})
    try:
        open_document(lsp, models)
        await wait_until(lambda: diagnostics_of(lsp, models) == [])
        lsp.set_configuration({"databaseUrl": drifted}, section="schemaLsp")
        lsp.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"schemaLsp": {"databaseUrl": drifted}})
        )
        found = await wait_until(lambda: diagnostics_of(lsp, models))
        assert codes(found) == ["SL110"]
        assert found[0].range.start.line == line_of(models, "nickname")
    finally:
        await stop(lsp)


async def test_an_edited_pyproject_applies_without_a_restart(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    good = sqlite_database(
        tmp_path / "good.db",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, "
        "nickname VARCHAR(20))",
    )
    drifted = sqlite_database(tmp_path / "drifted.db", USERS_SQL)
    pyproject = write(folder / "pyproject.toml", f'[tool.schema-lsp]\ndatabase_url = "{good}"\n')
    lsp = await start([folder])
    try:
        open_document(lsp, models)
        await wait_until(lambda: diagnostics_of(lsp, models) == [])
        pyproject.write_text(f'[tool.schema-lsp]\ndatabase_url = "{drifted}"\n')
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
        # A file outside every workspace folder is left alone, and nothing breaks.
        outside = write(tmp_path / "elsewhere" / "models.py", MODELS)
        open_document(lsp, outside)
        refreshed = await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="schemaLsp.refresh")
        )
        # So is library code opened from a virtualenv inside the folder.
        library = write(folder / ".venv" / "lib" / "site-packages" / "lib" / "models.py", MODELS)
        open_document(lsp, library)
        refreshed = await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="schemaLsp.refresh")
        )
        assert refreshed == [{"folder": folder.as_uri(), "tables": 1}]
        assert diagnostics_of(lsp, outside) is None
        assert diagnostics_of(lsp, library) is None
    finally:
        await stop(lsp)


async def test_a_client_that_answers_configuration_late_does_not_block(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    url = sqlite_database(tmp_path / "db.sqlite", USERS_SQL)
    release = asyncio.Event()

    async def late(params: types.ConfigurationParams) -> list[None]:
        await release.wait()
        return [None for _ in params.items]

    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        handlers={types.WORKSPACE_CONFIGURATION: late},
    )
    try:
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
        release.set()  # the answer comes after the server stopped waiting: no harm done
        await asyncio.sleep(0.3)
        assert not lsp.messages
    finally:
        release.set()
        await stop(lsp)


def _ends(lsp) -> list[str]:
    return [
        str(report.message)
        for reports in lsp.progress_reports.values()
        for report in reports
        if isinstance(report, types.WorkDoneProgressEnd)
    ]


async def test_schema_changes_reach_the_editor_through_ttl_and_migrations(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    write(folder / "migrations" / "versions" / "0001_users.py", "revision = '0001'\n")
    database = tmp_path / "db.sqlite"
    url = sqlite_database(database, USERS_SQL)
    lsp = await start([folder], init_options={"databaseUrl": url, "ttl": 0.3})
    try:
        open_document(lsp, models)
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
        sqlite_database(database, "ALTER TABLE users ADD COLUMN nickname VARCHAR(20)")
        await asyncio.sleep(0.4)
        # Any activity after the TTL re-reads in the background (stale-while-revalidate);
        # the changed schema is republished without another edit.
        replace_text(lsp, models, models.read_text(), version=2)
        await wait_until(lambda: diagnostics_of(lsp, models) == [])
        # A new migration file (then `alembic upgrade`): the schema is read again.
        sqlite_database(database, "ALTER TABLE users DROP COLUMN nickname")
        write(folder / "migrations" / "versions" / "0002_drop.py", "revision = '0002'\n")
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
    finally:
        await stop(lsp)


async def test_a_pull_client_is_asked_to_pull_again_when_the_schema_changes(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    database = tmp_path / "db.sqlite"
    url = sqlite_database(database, USERS_SQL)
    lsp = await start([folder], capabilities=pull_capabilities(), init_options={"databaseUrl": url})
    pull = types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=models.as_uri())
    )
    try:
        open_document(lsp, models)
        assert codes((await lsp.text_document_diagnostic_async(pull)).items) == ["SL110"]
        asked = lsp.diagnostic_refresh_count
        sqlite_database(database, "ALTER TABLE users ADD COLUMN nickname VARCHAR(20)")
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="schemaLsp.refresh")
        )
        await wait_until(lambda: lsp.diagnostic_refresh_count > asked)
        assert list((await lsp.text_document_diagnostic_async(pull)).items) == []
        assert lsp.diagnostics == {}
    finally:
        await stop(lsp)


async def test_workspace_folders_added_and_removed(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / "models.py", MODELS)
    second_models = write(second / "models.py", MODELS)
    url = sqlite_database(tmp_path / "db.sqlite", USERS_SQL)
    lsp = await start([first], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    event = types.WorkspaceFoldersChangeEvent(
        added=[types.WorkspaceFolder(uri=second.as_uri(), name="second")], removed=[]
    )
    try:
        lsp.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(event=event)
        )
        await wait_until(lambda: codes(diagnostics_of(lsp, second_models)) == ["SL110"])
        event = types.WorkspaceFoldersChangeEvent(added=[], removed=event.added)
        lsp.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(event=event)
        )
        await wait_until(lambda: diagnostics_of(lsp, second_models) == [])
    finally:
        await stop(lsp)


async def test_a_module_the_models_import_is_read_again_when_it_changes_on_disk(tmp_path):
    """A helper module that imports no ORM (so it is no model file) decides a column: the
    models are checked again when it changes behind the editor (issue 10, point 3)."""
    folder = tmp_path / "ws"
    write(folder / "app" / "__init__.py", "")
    sizes = write(folder / "app" / "sizes.py", "EMAIL_LENGTH = 120\n")
    text = MODELS.replace(
        "from sqlalchemy import String",
        "from sqlalchemy import String\n\nfrom app.sizes import EMAIL_LENGTH",
    )
    text = text.replace("String(100)", "String(EMAIL_LENGTH)")
    text = text.replace("    nickname: Mapped[str | None] = mapped_column(String(20))\n", "")
    models = write(folder / "app" / "models.py", text)
    assert "String(EMAIL_LENGTH)" in models.read_text()
    url = sqlite_database(tmp_path / "db.sqlite", USERS_SQL)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL120"])
        sizes.write_text("EMAIL_LENGTH = 100\n")
        await wait_until(lambda: diagnostics_of(lsp, models) == [])
        sizes.write_text("EMAIL_LENGTH = 64\n")
        found = await wait_until(lambda: diagnostics_of(lsp, models))
        assert codes(found) == ["SL120"] and "String(64)" in found[0].message
    finally:
        await stop(lsp)
