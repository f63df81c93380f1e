"""The language server's editor features end to end over stdio, against real databases:
code actions (the model quick fix applied until no diagnostic is left, migration SQL and
Alembic revisions as new workspace files, an entity class inserted), hover, completion,
code lens and go to definition; and empty answers where there is nothing to say."""

from __future__ import annotations

import asyncio
import re
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from schema_lsp.diff import CompareOptions, compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database
from tests.test_server_support import (
    codes,
    line_of,
    open_document,
    published,
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

MODELS = """\
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    group: Mapped[str | None] = mapped_column(String(10))


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
"""
#: users lacks "group" (SL110) and has created_at and score the model lacks (SL111, both
#: on the class name); orders has an
#: index the model lacks (SL161) and a key that cascades (SL182); products has no entity.
SCHEMA = (
    "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, "
    "created_at DATETIME, score INTEGER)",
    "CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, "
    "user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE)",
    "CREATE INDEX ix_orders_user_id ON orders (user_id)",
    "CREATE TABLE products (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL)",
)
EXPECTED = ["SL110", "SL111", "SL111", "SL161", "SL182"]


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path, str]:
    folder = tmp_path / "shop"
    models = write(folder / "app" / "models.py", MODELS)
    url = sqlite_database(tmp_path / "shop.db", *SCHEMA)
    return folder, models, url


# -- helpers ---------------------------------------------------------------------------


def _offset(text: str, position: types.Position) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: position.line]) + position.character


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """The text after LSP edits (ASCII text: UTF-16 units are characters)."""
    ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))
    for edit in reversed(ordered):
        start, end = _offset(text, edit.range.start), _offset(text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    found: list[Any] = list((edit.changes or {}).get(uri, []))
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found += change.edits
    return found


def created(edit: types.WorkspaceEdit) -> tuple[Path, str]:
    """The file a workspace edit creates and the text it writes into it."""
    changes = list(edit.document_changes or [])
    (create,) = [c for c in changes if isinstance(c, types.CreateFile)]
    (text,) = [e.new_text for e in edits_for(edit, create.uri)]
    return Path(types_uri_path(create.uri)), text


def types_uri_path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(uri) or uri


def text_id(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=path.as_uri())


async def settled(lsp: LanguageClient, path: Path, version: int) -> list[types.Diagnostic]:
    """The diagnostics published for ``version`` of an open document."""
    found = await wait_until(
        lambda: [p for p in published(lsp) if p.uri == path.as_uri() and p.version == version]
    )
    return list(found[-1].diagnostics)


async def actions_at(
    lsp: LanguageClient,
    path: Path,
    diagnostics: list[types.Diagnostic],
    where: types.Range | None = None,
    only: list[str] | None = None,
) -> list[types.CodeAction]:
    start = types.Position(line=0, character=0)
    found = await lsp.text_document_code_action_async(
        types.CodeActionParams(
            text_document=text_id(path),
            range=where or (diagnostics[0].range if diagnostics else types.Range(start, start)),
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    assert found is not None
    return [a for a in found if isinstance(a, types.CodeAction)]


async def resolve(lsp: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    if action.edit is not None:
        return action
    return await lsp.code_action_resolve_async(action)


def titled(actions: list[types.CodeAction], prefix: str) -> types.CodeAction:
    """The one action with this title, else the one whose title starts with it."""
    exact = [a for a in actions if a.title == prefix]
    (action,) = exact or [a for a in actions if a.title.startswith(prefix)]
    return action


async def fix_all(lsp: LanguageClient, models: Path, first: list[types.Diagnostic]) -> str:
    """Apply "Update model to match database" to one diagnostic at a time (the editor
    sending each result) until none is left; returns the final text."""
    text, version, diagnostics = models.read_text(), 1, first
    for _ in range(10):
        if not diagnostics:
            return text
        actions = await actions_at(lsp, models, [diagnostics[0]])
        fix = titled(actions, "Update model to match database")
        assert fix.kind == types.CodeActionKind.QuickFix
        assert fix.edit is not None
        text = apply_text_edits(text, edits_for(fix.edit, models.as_uri()))
        version += 1
        replace_text(lsp, models, text, version=version)
        diagnostics = await settled(lsp, models, version)
    raise AssertionError(f"still {codes(diagnostics)} after ten fixes:\n{text}")


# -- code actions ----------------------------------------------------------------------


async def test_update_model_quick_fixes_round_trip_to_no_diagnostics(shop):
    folder, models, url = shop
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        first = await settled(lsp, models, 1)
        assert codes(first) == EXPECTED
        # Two diagnostics on one range (the class name): each gets its own fix.
        unmapped = [d for d in first if d.code == "SL111"]
        assert unmapped[0].range == unmapped[1].range
        for diagnostic in unmapped:
            fix = titled(await actions_at(lsp, models, [diagnostic]), "Update model")
            assert f"Add {diagnostic.data['column']} to the model" in fix.title
        text = await fix_all(lsp, models, first)
        assert "group" not in text
        assert "created_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)" in text
        assert "index=True" in text
        # The fixed text is in sync for the core too (the oracle: a fresh check).
        models.write_text(text)
        database = introspect_database(url)
        assert compare(parse_entities([models]), database) == []
    finally:
        await stop(lsp)


async def test_vs_code_pulls_and_gets_a_versioned_edit(shop):
    folder, models, url = shop
    lsp = await start(
        [folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url), capabilities=pull_capabilities()
    )
    try:
        open_document(lsp, models, version=7)
        report = await lsp.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=text_id(models))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        (missing,) = [d for d in report.items if d.code == "SL110"]
        fix = titled(await actions_at(lsp, models, [missing]), "Update model")
        assert fix.edit is not None and fix.edit.document_changes
        (change,) = fix.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.version == 7
        text = apply_text_edits(models.read_text(), change.edits)
        replace_text(lsp, models, text, version=8)
        report = await lsp.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=text_id(models), previous_result_id=report.result_id
            )
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert "SL110" not in codes(report.items)
    finally:
        await stop(lsp)


async def test_migration_sql_for_a_difference_and_for_the_file(shop):
    folder, models, url = shop
    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        init_options={"severity": {"SL161": "off"}},  # not shown, so not migrated
    )
    try:
        open_document(lsp, models)
        diagnostics = await settled(lsp, models, 1)
        (missing,) = [d for d in diagnostics if d.code == "SL110"]
        unmapped = next(d for d in diagnostics if d.code == "SL111")
        titles = [a.title for a in await actions_at(lsp, models, [unmapped])]
        assert titles[0].startswith("Update model")  # no SQL: it would only drop data
        assert "Generate migration SQL for this difference" not in titles
        actions = await actions_at(lsp, models, [missing])
        one = await resolve(lsp, titled(actions, "Generate migration SQL for this difference"))
        assert one.edit is not None
        path, sql = created(one.edit)
        assert path.parent == folder and path.suffix == ".sql"
        assert path.name.startswith("schema-lsp-migration-")
        assert not path.exists()  # the editor creates it when it applies the edit
        assert 'ALTER TABLE users ADD COLUMN "group" VARCHAR(10);' in sql
        assert "created_at" not in sql
        # The action then shows the new file.
        assert one.command is not None and one.command.command == "schemaLsp.open"
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command=one.command.command, arguments=one.command.arguments)
        )
        assert [d.uri for d in lsp.shown_documents] == [path.as_uri()]

        sources = await actions_at(lsp, models, [], only=["source"])
        assert "Generate migration SQL for this difference" not in [a.title for a in sources]
        whole = await resolve(lsp, titled(sources, "Generate migration SQL for all differences"))
        assert whole.kind == "source.schemaLsp.migrationSql"
        _, sql = created(whole.edit)
        assert 'ADD COLUMN "group"' in sql
        assert "ALTER TABLE _alembic_tmp_orders RENAME TO orders;" in sql  # SQLite's rebuild
        assert "SL182" in sql and "SL161" not in sql
        # The same through the command, for the whole workspace folder.
        text = await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="schemaLsp.migrationSql", arguments=[folder.as_uri()]
            )
        )
        assert 'ADD COLUMN "group" VARCHAR(10)' in text
    finally:
        await stop(lsp)


async def test_alembic_revision_is_created_in_the_versions_folder(shop):
    folder, models, url = shop
    versions = folder / "migrations" / "versions"
    write(
        versions / "abc123_first.py",
        '''\
        """first"""
        revision = "abc123"
        down_revision = None
        ''',
    )
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        sources = await actions_at(lsp, models, [], only=["source.schemaLsp.alembicRevision"])
        action = await resolve(lsp, titled(sources, "Generate Alembic revision"))
        path, text = created(action.edit)
        assert path.parent == versions
        assert path.name.endswith("_match_the_models_in_models_py.py")
        assert re.search(r"^down_revision: str \| None = ['\"]abc123['\"]$", text, re.M)
        assert "def upgrade() -> None:" in text and "batch_alter_table" in text
        compile(text, str(path), "exec")
    finally:
        await stop(lsp)


async def test_alembic_revision_without_a_versions_folder_stays_in_the_workspace(shop):
    folder, models, url = shop
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        sources = await actions_at(lsp, models, [], only=["source"])
        path, _text = created(
            (await resolve(lsp, titled(sources, "Generate Alembic revision"))).edit
        )
        assert path.parent == folder and path.name.startswith("schema-lsp-revision-")
    finally:
        await stop(lsp)


async def test_entity_class_is_inserted_and_its_table_is_then_mapped(shop):
    folder, models, url = shop
    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        init_options={"unmappedTables": True},  # tables without an entity are differences
    )

    async def workspace_sql() -> str:
        return await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="schemaLsp.migrationSql", arguments=[folder.as_uri()]
            )
        )

    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        assert "-- SL101 table products has no entity" in await workspace_sql()
        sources = await actions_at(lsp, models, [], only=["source"])
        action = await resolve(lsp, titled(sources, "Generate entity class for table products"))
        assert action.edit is not None
        text = apply_text_edits(models.read_text(), edits_for(action.edit, models.as_uri()))
        assert "class Products(Base):" in text and '__tablename__ = "products"' in text
        # Integer joins the file's own import line, as ruff would write it.
        assert text.startswith("from sqlalchemy import ForeignKey, Integer, String\n")
        compile(text, str(models), "exec")
        replace_text(lsp, models, text, version=2)
        assert codes(await settled(lsp, models, 2)) == EXPECTED  # nothing new
        sources = await actions_at(lsp, models, [], only=["source"])
        assert not [a for a in sources if "products" in a.title]
        assert "SL101" not in await workspace_sql()  # the editor's text maps it now
        # The oracle, with tables that have no entity reported too: products is mapped.
        models.write_text(text)
        options = CompareOptions(unmapped_tables=True)
        found = compare(parse_entities([models]), introspect_database(url), options)
        assert [d for d in found if d.table == "products"] == []
    finally:
        await stop(lsp)


# -- hover, completion, lens, definition ------------------------------------------------


async def hover_at(lsp: LanguageClient, path: Path, line: int, character: int) -> str | None:
    found = await lsp.text_document_hover_async(
        types.HoverParams(
            text_document=text_id(path), position=types.Position(line=line, character=character)
        )
    )
    if found is None:
        return None
    assert isinstance(found.contents, types.MarkupContent)
    return found.contents.value


async def test_hover_shows_the_database_definition_and_marks_a_stale_schema(shop, tmp_path):
    folder, models, url = shop
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        table = await hover_at(lsp, models, line_of(models, "class Order"), 8)
        assert table is not None
        assert "**orders** (table, 2 columns)" in table
        assert "index `ix_orders_user_id` (user_id)" in table
        assert "ON DELETE CASCADE" in table and "stale" not in table
        column = await hover_at(lsp, models, line_of(models, "email:"), 6)
        assert column is not None and "**users.email** `VARCHAR(100) NOT NULL`" in column
        missing = await hover_at(lsp, models, line_of(models, "group:"), 5)
        assert missing is not None and "no such column" in missing
        assert await hover_at(lsp, models, line_of(models, "pass"), 5) is None
        line = line_of(models, 'ForeignKey("users.id")')
        target = await hover_at(
            lsp, models, line, models.read_text().splitlines()[line].index("users.id")
        )
        assert target is not None and "**users.id** `INTEGER NOT NULL`" in target
        # The database becomes unreadable: the cached schema is shown, marked stale.
        (tmp_path / "shop.db").write_bytes(b"this is no database" * 100)
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="schemaLsp.refresh")
        )
        stale = await hover_at(lsp, models, line_of(models, "email:"), 6)
        assert stale is not None and "(cached schema, stale)" in stale
        assert "VARCHAR(100)" in stale
    finally:
        await stop(lsp)


async def complete(lsp: LanguageClient, path: Path, line: int, character: int) -> list[Any]:
    found = await lsp.text_document_completion_async(
        types.CompletionParams(
            text_document=text_id(path), position=types.Position(line=line, character=character)
        )
    )
    if found is None:
        return []
    return list(found.items if isinstance(found, types.CompletionList) else found)


async def test_completion_of_table_names_and_missing_columns(shop):
    folder, models, url = shop
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        text = models.read_text() + '\n\nclass Product(Base):\n    __tablename__ = "pro'
        replace_text(lsp, models, text, version=2)
        last = len(text.splitlines()) - 1
        items = await complete(lsp, models, last, len(text.splitlines()[-1]))
        assert [item.label for item in items] == ["products"]
        assert items[0].text_edit.new_text == "products"
        assert items[0].text_edit.range.start.character == len('    __tablename__ = "')

        # An empty line in the users class: the column the model lacks, written as the
        # quick fix writes it.
        text = MODELS.replace(
            "    group: Mapped[str | None] = mapped_column(String(10))\n",
            "    group: Mapped[str | None] = mapped_column(String(10))\n    cre\n",
        )
        replace_text(lsp, models, text, version=3)
        line = text.splitlines().index("    cre")
        items = await complete(lsp, models, line, 7)
        assert [item.label for item in items] == ["created_at", "score"]  # the client filters
        item = items[0]
        assert item.text_edit.new_text == (
            "created_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)"
        )
        assert item.text_edit.range.start == types.Position(line=line, character=4)
        imports = "".join(edit.new_text for edit in item.additional_text_edits or [])
        assert "import datetime" in imports and "DateTime" in imports
        completed = apply_text_edits(text, [item.text_edit, *(item.additional_text_edits or [])])
        compile(completed, str(models), "exec")
        # Elsewhere: nothing.
        assert await complete(lsp, models, line_of(models, "id:"), 10) == []
    finally:
        await stop(lsp)


async def test_code_lens_on_each_entity(shop):
    folder, models, url = shop
    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        init_options={"severity": {"SL110": "off"}},  # not shown, so not counted
    )
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        lenses = await lsp.text_document_code_lens_async(
            types.CodeLensParams(text_document=text_id(models))
        )
        assert lenses is not None
        titles = {lens.range.start.line: lens.command.title for lens in lenses if lens.command}
        assert titles == {
            line_of(models, "class User"): "2 differences",
            line_of(models, "class Order"): "2 differences",
        }
        text = MODELS.replace(
            'ForeignKey("users.id"))', 'ForeignKey("users.id", ondelete="CASCADE"), index=True)'
        )
        replace_text(lsp, models, text, version=2)
        await settled(lsp, models, 2)
        lenses = await lsp.text_document_code_lens_async(
            types.CodeLensParams(text_document=text_id(models))
        )
        titles = {
            lens.range.start.line: lens.command.title for lens in lenses or [] if lens.command
        }
        assert (
            titles[line_of(models, "class Order")] == f"in sync with sqlite:{folder.parent}/shop.db"
        )
        assert titles[line_of(models, "class User")] == "2 differences"
        # The differences lens shows the first difference.
        (users,) = [
            lens for lens in lenses or [] if lens.range.start.line == line_of(models, "class User")
        ]
        assert users.command.command == "schemaLsp.showDifference"
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command=users.command.command, arguments=users.command.arguments
            )
        )
        (shown,) = lsp.shown_documents
        assert shown.uri == models.as_uri()
        assert shown.selection is not None
        assert shown.selection.start.line == line_of(models, "class User")  # SL111 is there
    finally:
        await stop(lsp)


async def test_code_lenses_are_asked_for_again_when_the_schema_changes(shop, tmp_path):
    """A schema read that changes diagnostics without an edit asks the client to fetch its
    code lenses again (when it says it can be asked), so "N differences" stays true."""
    folder, models, url = shop
    capabilities = client_capabilities("visual_studio_code")
    assert capabilities.workspace is not None
    capabilities.workspace.code_lens = types.CodeLensWorkspaceClientCapabilities(
        refresh_support=True
    )
    refreshes: list[object] = []

    def lens_refresh(_params: object) -> None:
        refreshes.append(_params)

    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        capabilities=capabilities,
        handlers={types.WORKSPACE_CODE_LENS_REFRESH: lens_refresh},
    )
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        before = len(refreshes)
        with sqlite3.connect(tmp_path / "shop.db") as connection:
            connection.execute('ALTER TABLE users ADD COLUMN "group" VARCHAR(10)')
        connection.close()
        await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="schemaLsp.refresh")
        )
        await wait_until(lambda: len(refreshes) > before)
    finally:
        await stop(lsp)


async def test_definition_from_a_foreign_key_target(shop):
    folder, models, url = shop
    other = write(
        folder / "app" / "billing.py",
        """\
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import Mapped, mapped_column

        from app.models import Base


        class Invoice(Base):
            __tablename__ = "invoices"

            id: Mapped[int] = mapped_column(primary_key=True)
            order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
            user_id: Mapped[int] = mapped_column(ForeignKey("main.users.email"))
        """,
    )
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, other)
        await settled(lsp, other, 1)
        line = line_of(other, "orders.id")
        column = other.read_text().splitlines()[line].index("orders.id") + 2
        found = await lsp.text_document_definition_async(
            types.DefinitionParams(
                text_document=text_id(other), position=types.Position(line=line, character=column)
            )
        )
        assert found == [location(models, "    id:", "id")]
        # schema.table.column, the default schema named: the column's own line.
        line = line_of(other, "main.users.email")
        column = other.read_text().splitlines()[line].index("main.users") + 1
        found = await lsp.text_document_definition_async(
            types.DefinitionParams(
                text_document=text_id(other), position=types.Position(line=line, character=column)
            )
        )
        assert found == [location(models, "    email:", "email")]
        # Not on a foreign key: nothing.
        found = await lsp.text_document_definition_async(
            types.DefinitionParams(
                text_document=text_id(other), position=types.Position(line=0, character=1)
            )
        )
        assert not found
    finally:
        await stop(lsp)


def location(path: Path, line_text: str, name: str) -> types.Location:
    """Where ``name`` starts on the last line containing ``line_text``."""
    lines = path.read_text().splitlines()
    line = max(n for n, text in enumerate(lines) if line_text in text)
    start = lines[line].index(name)
    return types.Location(
        uri=path.as_uri(),
        range=types.Range(
            start=types.Position(line=line, character=start),
            end=types.Position(line=line, character=start + len(name)),
        ),
    )


# -- nothing to say --------------------------------------------------------------------


async def every_request(lsp: LanguageClient, path: Path, line: int, character: int) -> list[Any]:
    """What each feature answers at one position (errors would raise)."""
    position = types.Position(line=line, character=character)
    document = text_id(path)
    return [
        await lsp.text_document_hover_async(
            types.HoverParams(text_document=document, position=position)
        ),
        await lsp.text_document_completion_async(
            types.CompletionParams(text_document=document, position=position)
        ),
        await lsp.text_document_definition_async(
            types.DefinitionParams(text_document=document, position=position)
        ),
        await lsp.text_document_code_lens_async(types.CodeLensParams(text_document=document)),
        await lsp.text_document_code_action_async(
            types.CodeActionParams(
                text_document=document,
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=[]),
            )
        ),
    ]


async def test_outside_the_workspace_and_broken_files_get_empty_answers(shop, tmp_path):
    folder, models, url = shop
    outside = write(tmp_path / "elsewhere" / "models.py", MODELS)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        open_document(lsp, outside)
        line = line_of(outside, 'ForeignKey("users.id")')
        answers = await every_request(lsp, outside, line, 50)
        assert all(not answer for answer in answers), answers
        assert await hover_at(lsp, outside, line_of(outside, "class User"), 8) is None
        # A file that stops parsing: no errors, nothing made up from the broken text.
        broken = models.read_text().replace("class Order(Base):", "class Order(Base:")
        replace_text(lsp, models, broken, version=2)
        line = line_of(models, 'ForeignKey("users.id")')
        _hover, completion, definition, _lenses, actions = await every_request(
            lsp, models, line, 50
        )
        assert not completion and not definition
        assert not [a for a in actions or [] if a.title.startswith("Update model")]
        assert not lsp.messages  # no internal error was shown
    finally:
        await stop(lsp)


async def test_no_schema_yet_gets_empty_answers(tmp_path):
    folder = tmp_path / "nodb"
    models = write(folder / "models.py", MODELS)
    lsp = await start([folder], env=server_env())  # no database configured anywhere
    try:
        await wait_until(lambda: lsp.messages)  # "no database configured"
        open_document(lsp, models)
        line = line_of(models, 'ForeignKey("users.id")')
        answers = await every_request(lsp, models, line, 50)
        assert all(not answer for answer in answers), answers
        for command in ("schemaLsp.migrationSql", "schemaLsp.generateRowTypes"):
            assert (
                await lsp.workspace_execute_command_async(
                    types.ExecuteCommandParams(command=command, arguments=[folder.as_uri()])
                )
                is None
            )
    finally:
        await stop(lsp)


@pytest.mark.postgres
async def test_postgresql_quick_fixes_and_migration_sql(tmp_path, postgres_db):
    postgres_db.execute(
        "CREATE TABLE users (id serial PRIMARY KEY, email varchar(200) NOT NULL)",
        "CREATE TABLE orders (id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES users)",
    )
    folder = tmp_path / "pg"
    models = write(folder / "models.py", MODELS)
    lsp = await start([folder], init_options={"databaseUrl": postgres_db.url})
    try:
        open_document(lsp, models)
        first = await settled(lsp, models, 1)
        assert codes(first) == ["SL110", "SL120"]
        sources = await actions_at(lsp, models, [], only=["source.schemaLsp.migrationSql"])
        plain = titled(sources, "Generate migration SQL for all")
        _path, sql = created((await resolve(lsp, plain)).edit)
        # VARCHAR(200) -> VARCHAR(100) cuts values: left out by default, with a query
        assert "ALTER TABLE users ALTER COLUMN email TYPE" not in sql
        assert (
            "-- skipped (it can lose data): users.email VARCHAR(200) -> VARCHAR(100): values "
            "longer than 100 characters are cut or refused; rows it would touch: SELECT "
            "count(*) AS rows FROM users WHERE char_length(users.email) > 100;" in sql
        )
        assert 'ALTER TABLE users ADD COLUMN "group" VARCHAR(10);' in sql
        lossy = titled(sources, "Generate migration SQL, including steps that lose data")
        _path, sql = created((await resolve(lsp, lossy)).edit)
        assert "-- warning, this loses data: users.email VARCHAR(200) -> VARCHAR(100)" in sql
        assert "ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(100)" in sql
        text = await fix_all(lsp, models, first)
        assert "String(200)" in text
    finally:
        await stop(lsp)


async def test_commands_generate_row_types_and_entities(shop):
    folder, models, url = shop
    applied: list[types.ApplyWorkspaceEditParams] = []

    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        handlers={types.WORKSPACE_APPLY_EDIT: apply_edit},
    )
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)

        async def run(command: str, *arguments: Any) -> Any:
            return await lsp.workspace_execute_command_async(
                types.ExecuteCommandParams(command=command, arguments=list(arguments))
            )

        row_types = await run("schemaLsp.generateRowTypes", folder.as_uri())
        assert (
            "class Products(TypedDict):" in row_types and "class Database(TypedDict):" in row_types
        )
        compile(row_types, "row_types.py", "exec")
        # The pick list of a client's "Generate entity for table...": only products.
        assert await run("schemaLsp.unmappedTables", folder.as_uri()) == [{"table": "products"}]
        module = await run("schemaLsp.generateEntity", "products")
        assert "class Base(DeclarativeBase):" in module and "class Products(Base):" in module
        assert await run("schemaLsp.generateEntity", "no_such_table") is None
        assert not applied
        # With a model file: the class is inserted there through workspace/applyEdit.
        inserted = await run("schemaLsp.generateEntity", "products", models.as_uri())
        assert "class Products(Base):" in inserted and "class Base" not in inserted
        (params,) = applied
        text = apply_text_edits(models.read_text(), edits_for(params.edit, models.as_uri()))
        assert text.endswith(inserted)
        assert text.startswith("from sqlalchemy import ForeignKey, Integer, String\n")
        compile(text, str(models), "exec")
    finally:
        await stop(lsp)


def apply_utf16_edits(text: str, edits: list[types.TextEdit]) -> str:
    """The text after LSP edits whose characters count UTF-16 code units."""

    def offset(position: types.Position) -> int:
        lines = text.splitlines(keepends=True)
        before = sum(len(line) for line in lines[: position.line])
        units = 0
        for index, char in enumerate(lines[position.line] if position.line < len(lines) else ""):
            if units >= position.character:
                return before + index
            units += len(char.encode("utf-16-le")) // 2
        return before + len(lines[position.line]) if position.line < len(lines) else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def test_quick_fix_positions_are_in_the_clients_encoding(tmp_path):
    """A keyword added after an emoji: UTF-16 positions differ from code points there."""
    folder = tmp_path / "emoji"
    models = write(
        folder / "models.py",
        MODELS.replace(
            "email: Mapped[str] = mapped_column(String(100))",
            'email: Mapped[str] = mapped_column(String(100), doc="📧 mail")',
        ),
    )
    url = sqlite_database(
        tmp_path / "emoji.db",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, "
        "email VARCHAR(100) NOT NULL DEFAULT 'none', \"group\" VARCHAR(10))",
        "CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, "
        "user_id INTEGER NOT NULL REFERENCES users (id))",
    )
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        (default,) = await settled(lsp, models, 1)
        assert default.code == "SL150"
        # A client that sends the range back in other units (Neovim 0.7: bytes) still
        # gets the fix: the same difference on the same line.
        moved = types.Range(
            start=default.range.start,
            end=types.Position(
                line=default.range.end.line, character=default.range.end.character + 2
            ),
        )
        shifted = types.Diagnostic(
            range=moved, message=default.message, code=default.code, source=default.source
        )
        assert titled(await actions_at(lsp, models, [shifted]), "Update model")
        fix = titled(await actions_at(lsp, models, [default]), "Update model")
        assert fix.edit is not None
        text = apply_utf16_edits(models.read_text(), edits_for(fix.edit, models.as_uri()))
        assert 'doc="📧 mail", server_default=' in text
        replace_text(lsp, models, text, version=2)
        assert await settled(lsp, models, 2) == []
    finally:
        await stop(lsp)


async def test_features_answer_from_a_snapshot_while_the_database_hangs(shop, tmp_path):
    """A database that accepts connections and never answers, with a snapshot standing in:
    hover, completion and code actions answer at once from the cached schema, marked stale,
    while the reads (and their retries) wait on executor threads."""
    from schema_lsp import snapshot

    folder, models, url = shop
    snapshot.save(introspect_database(url), folder / "schema.json")
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(8)  # the kernel accepts; nobody ever speaks
        port = blackhole.getsockname()[1]
        options = {
            "databaseUrl": f"postgresql://app@127.0.0.1:{port}/shop",
            "statementTimeout": 2,
            "snapshot": "schema.json",
        }
        lsp = await start([folder], init_options=options)
        try:
            open_document(lsp, models)
            await settled(lsp, models, 1)  # from the snapshot, once the first read failed
            await actions_at(lsp, models, [], only=["source"])  # renderers loaded
            loop = asyncio.get_running_loop()
            for _ in range(3):
                started = loop.time()
                text = await hover_at(lsp, models, line_of(models, "email:"), 6)
                assert loop.time() - started < 0.5
                assert text is not None and "(cached schema, stale)" in text
                started = loop.time()
                actions = await actions_at(lsp, models, [], only=["source"])
                assert loop.time() - started < 0.5
                assert titled(actions, "Generate entity class for table products")
                await asyncio.sleep(0.5)
        finally:
            await stop(lsp)


LEGACY = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(100), nullable=False)
    group = Column(String(10))
"""
IMPERATIVE = """\
from sqlalchemy import Column, Integer, MetaData, String, Table

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(100), nullable=False),
    Column("group", String(10)),
)
"""
SQLMODEL = """\
from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=100)
    group: str | None = Field(default=None, max_length=10)
"""


@pytest.mark.parametrize(
    "source", [LEGACY, IMPERATIVE, SQLMODEL], ids=["legacy", "imperative", "sqlmodel"]
)
async def test_quick_fixes_round_trip_in_every_model_style(tmp_path, source):
    folder = tmp_path / "styles"
    models = write(folder / "models.py", source)
    url = sqlite_database(
        tmp_path / "styles.db",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100), "
        "created_at DATETIME)",
        "CREATE TABLE products (id INTEGER NOT NULL PRIMARY KEY)",
    )
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        first = await settled(lsp, models, 1)
        assert codes(first) == ["SL110", "SL111", "SL130"]
        sources = await actions_at(lsp, models, [], only=["source"])
        entity_actions = [a.title for a in sources if "entity class" in a.title]
        # No entity class where it would not fit: no mapped class, or SQLModel's.
        fits = source == LEGACY
        assert entity_actions == (["Generate entity class for table products"] if fits else [])
        text = await fix_all(lsp, models, first)
        assert "created_at" in text and "group" not in text
    finally:
        await stop(lsp)


async def test_generated_code_follows_the_projects_line_length(shop):
    """Issue 12 (2): a project whose ruff.toml says 50 columns gets an entity class laid
    out to 50, which its ``ruff format`` leaves alone."""
    import subprocess
    import sys

    folder, models, url = shop
    (folder / "ruff.toml").write_text("line-length = 50\n")
    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        init_options={"unmappedTables": True},
    )
    try:
        open_document(lsp, models)
        await settled(lsp, models, 1)
        sources = await actions_at(lsp, models, [], only=["source"])
        action = await resolve(lsp, titled(sources, "Generate entity class for table products"))
        assert action.edit is not None
        text = apply_text_edits(models.read_text(), edits_for(action.edit, models.as_uri()))
    finally:
        await stop(lsp)
    products = text[text.index("class Products(Base):") :]
    broken = (
        "    id: Mapped[int] = mapped_column(\n        Integer,\n        primary_key=True,\n    )\n"
    )
    assert broken in products  # one line is 59 columns
    generated = folder / "generated.py"
    generated.write_text(products)
    ruff = Path(sys.executable).parent / "ruff"
    checked = subprocess.run(
        [str(ruff), "format", "--isolated", "--line-length", "50", "--diff", str(generated)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


SHARED_MIXIN = """\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Audited:
    created_by: Mapped[str] = mapped_column(String(40))


class Document(Audited, Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)


class Folder(Audited, Base):
    __tablename__ = "folders"

    id: Mapped[int] = mapped_column(primary_key=True)
"""


@pytest.mark.parametrize("drifted", [("documents",), ("documents", "folders")])
async def test_a_mixins_column_is_fixed_only_when_every_table_drifted_alike(tmp_path, drifted):
    """The fix edits the mixin, so every table that inherits it: offered when each of them
    has the same difference, never for one table's sake (it would break the other)."""
    folder = tmp_path / "audit"
    models = write(folder / "models.py", SHARED_MIXIN)
    length = {table: 60 if table in drifted else 40 for table in ("documents", "folders")}
    url = sqlite_database(
        tmp_path / "audit.db",
        *(
            f"CREATE TABLE {table} (id INTEGER NOT NULL PRIMARY KEY, "
            f"created_by VARCHAR({length[table]}) NOT NULL)"
            for table in ("documents", "folders")
        ),
    )
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        found = await settled(lsp, models, 1)
        types_differ = [d for d in found if d.code == "SL120"]
        assert len(types_differ) == len(drifted)
        actions = await actions_at(lsp, models, types_differ[:1])
        fixes = [a for a in actions if a.title.startswith("Update model")]
        if len(drifted) == 1:
            assert fixes == []
        else:
            (fix,) = fixes
            assert "String(60)" in fix.title
    finally:
        await stop(lsp)
