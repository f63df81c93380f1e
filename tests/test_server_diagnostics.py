"""The language server's diagnostics, end to end over stdio: a models file that disagrees
with a real database, the exact ranges and codes, an edit that fixes it, push vs pull by
client capability, debounced edits, per-code severity, PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from tests.test_server_support import (
    MODELS,
    PULL_CLIENT,
    USERS_SQL,
    codes,
    diagnostics_of,
    initialize_result,
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


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path, str]:
    """A workspace whose users model has a column (nickname) the database lacks."""
    folder = tmp_path / "shop"
    models = write(folder / "app" / "models.py", MODELS)
    url = sqlite_database(tmp_path / "shop.db", USERS_SQL)
    return folder, models, url


async def test_mismatching_model_gets_exact_diagnostics_without_opening_it(shop):
    folder, models, url = shop
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        found = await wait_until(lambda: diagnostics_of(lsp, models))
        assert codes(found) == ["SL110"]
        (missing,) = found
        line = line_of(models, "nickname:")
        assert missing.range == types.Range(
            start=types.Position(line=line, character=4),
            end=types.Position(line=line, character=12),
        )
        assert missing.severity == types.DiagnosticSeverity.Error
        assert missing.source == "schema-lsp"
        assert "nickname" in missing.message
        assert missing.code_description is not None
        assert missing.code_description.href.endswith("schema_lsp/codes.md#sl110")
        assert missing.related_information
        assert missing.related_information[0].message == (
            "database: table users has no column nickname"
        )
        # The warm-up showed its progress, ending with the table count.
        ends = [
            report
            for reports in lsp.progress_reports.values()
            for report in reports
            if isinstance(report, types.WorkDoneProgressEnd)
        ]
        assert [end.message for end in ends] == ["1 tables"]
        assert not lsp.messages
    finally:
        await stop(lsp)


async def test_an_edit_that_fixes_the_model_publishes_an_empty_list(shop):
    folder, models, url = shop
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
        fixed = models.read_text().replace(
            "    nickname: Mapped[str | None] = mapped_column(String(20))\n", ""
        )
        replace_text(lsp, models, fixed, version=2)
        await wait_until(lambda: diagnostics_of(lsp, models) == [])
        # Unsaved text wins: the file on disk still has the column.
        assert "nickname" in models.read_text()
    finally:
        await stop(lsp)


async def test_a_burst_of_edits_is_checked_once_and_stale_versions_never_win(shop):
    folder, models, url = shop
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    log = published(lsp)
    try:
        open_document(lsp, models)
        await wait_until(lambda: [p for p in log if p.version == 1])
        base = models.read_text()
        for version in range(2, 22):  # 20 keystrokes, ~5 ms apart
            text = base.replace("String(20)", f"String({version})")
            if version == 21:
                text = base.replace(
                    "    nickname: Mapped[str | None] = mapped_column(String(20))\n", ""
                )
            replace_text(lsp, models, text, version=version)
            await asyncio.sleep(0.005)
        await wait_until(lambda: log[-1].version == 21)
        await asyncio.sleep(0.4)
        after_burst = [p for p in log if p.version != 1]
        assert [p.version for p in after_burst] == [21]
        assert list(after_burst[0].diagnostics) == []
    finally:
        await stop(lsp)


async def test_pull_client_pulls_and_push_client_is_pushed_to(shop):
    folder, models, url = shop
    lsp = await start([folder], client=PULL_CLIENT, env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        assert lsp.capabilities is not None
        open_document(lsp, models)
        report = await lsp.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=models.as_uri())
            )
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert codes(report.items) == ["SL110"]
        again = await lsp.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=models.as_uri()),
                previous_result_id=report.result_id,
            )
        )
        assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
        fixed = models.read_text().replace("    nickname: Mapped[str | None]", "    # nickname")
        replace_text(lsp, models, fixed, version=2)
        report = await lsp.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=models.as_uri()),
                previous_result_id=report.result_id,
            )
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert list(report.items) == []
        workspace = await lsp.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[])
        )
        assert [item.uri for item in workspace.items] == [models.as_uri()]
        # Nothing new: the next workspace pull is held open until something changes.
        held = asyncio.ensure_future(
            lsp.workspace_diagnostic_async(
                types.WorkspaceDiagnosticParams(
                    previous_result_ids=[
                        types.PreviousResultId(uri=item.uri, value=item.result_id)
                        for item in workspace.items
                    ]
                )
            )
        )
        await asyncio.sleep(0.3)
        assert not held.done()
        replace_text(lsp, models, models.read_text(), version=3)  # the disk text: SL110 again
        (item,) = (await asyncio.wait_for(held, 5)).items
        assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
        assert codes(item.items) == ["SL110"]
        # One mode per session: nothing was pushed to a pulling client.
        assert lsp.diagnostics == {}
    finally:
        await stop(lsp)


@pytest.mark.parametrize("pulls", [True, False], ids=["pull", "push"])
async def test_capabilities_and_mode_follow_the_client(shop, pulls):
    folder, models, url = shop
    capabilities = pull_capabilities() if pulls else None
    env = server_env(SCHEMA_LSP_DATABASE_URL=url)
    lsp = await start([folder], capabilities=capabilities, env=env)
    try:
        offered = initialize_result(lsp).capabilities
        assert (offered.diagnostic_provider is not None) is pulls
        assert offered.execute_command_provider is not None
        assert "schemaLsp.refresh" in offered.execute_command_provider.commands
        refreshed = await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="schemaLsp.refresh")
        )
        assert refreshed == [{"folder": folder.as_uri(), "tables": 1}]
        if pulls:
            # The first read gives results: a pulling client is asked to pull again.
            await wait_until(lambda: lsp.diagnostic_refresh_count >= 1)
            assert lsp.diagnostics == {}
        else:
            await wait_until(lambda: diagnostics_of(lsp, models))
    finally:
        await stop(lsp)


async def test_severity_is_configurable_per_code(shop):
    folder, models, url = shop
    lsp = await start(
        [folder],
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        init_options={"severity": {"SL110": "hint"}},
    )
    try:
        (found,) = await wait_until(lambda: diagnostics_of(lsp, models))
        assert found.severity == types.DiagnosticSeverity.Hint
    finally:
        await stop(lsp)


NOTED_MODELS = MODELS.replace(
    "from sqlalchemy import String\n", "from sqlalchemy import String\nfrom money import Money\n"
).replace(
    "    nickname: Mapped[str | None] = mapped_column(String(20))\n",
    "    price: Mapped[int] = mapped_column(Money)\n"
    "    cost: Mapped[int] = mapped_column(Money)\n"
    "    tax: Mapped[int] = mapped_column(Money)\n",
)
NOTED_SQL = (
    "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, "
    "price INTEGER NOT NULL, cost INTEGER NOT NULL, tax INTEGER NOT NULL)"
)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (None, types.DiagnosticSeverity.Hint),
        ({"severity": {"SL001": "information"}}, types.DiagnosticSeverity.Information),
    ],
)
async def test_not_checked_notes_are_one_hint_per_reason(tmp_path, options, expected):
    """Three columns of one unknown type: one SL001 naming the three, on the first, a hint
    by default (the Problems view lists claims); a configured level still applies."""
    folder = tmp_path / "shop"
    models = write(folder / "app" / "models.py", NOTED_MODELS)
    url = sqlite_database(tmp_path / "shop.db", NOTED_SQL)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url), init_options=options)
    try:
        (note,) = await wait_until(lambda: diagnostics_of(lsp, models))
        assert note.code == "SL001"
        assert note.severity == expected
        assert note.range.start.line == line_of(models, "price:")
        assert note.message == (
            "not checked: the type of price, cost, tax (money.Money is not statically "
            "known); add the module that defines it to the workspace"
        )
        assert note.data["columns"] == ["price", "cost", "tax"]
    finally:
        await stop(lsp)


@pytest.mark.postgres
async def test_postgresql_type_difference_on_the_column(tmp_path, postgres_db):
    postgres_db.execute(
        "CREATE TABLE users (id serial PRIMARY KEY, email varchar(200) NOT NULL, "
        "nickname varchar(20))"
    )
    folder = tmp_path / "pg"
    models = write(folder / "models.py", MODELS)
    lsp = await start([folder], init_options={"databaseUrl": postgres_db.url})
    try:
        (found,) = await wait_until(lambda: diagnostics_of(lsp, models))
        assert found.code == "SL120"
        line = line_of(models, "email:")
        assert found.range == types.Range(
            start=types.Position(line=line, character=4),
            end=types.Position(line=line, character=9),
        )
        assert "200" in found.related_information[0].message
    finally:
        await stop(lsp)
