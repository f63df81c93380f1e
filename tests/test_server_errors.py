"""When things go wrong the server says so once, never shows a password, keeps the last
diagnostics (marked stale), retries, and never crashes on a broken model file."""

from __future__ import annotations

import asyncio
import socket

import pytest
import sqlalchemy as sa
from lsprotocol import types

from schema_lsp.cli import main as cli
from tests.conftest import POSTGRES_ADMIN_URL
from tests.test_server_support import (
    MODELS,
    USERS_SQL,
    codes,
    diagnostics_of,
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

SECRET = "s3cr3t-pw"


def _texts(lsp) -> list[str]:
    return [m.message for m in lsp.messages] + [m.message for m in lsp.log_messages]


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://app:{SECRET}@127.0.0.1:1/shop",  # nothing listens on port 1
        f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:5432/shop",  # driver not installed
    ],
    ids=["unreachable", "missing-driver"],
)
async def test_one_message_per_failure_and_never_the_password(tmp_path, url):
    folder = tmp_path / "ws"
    first = write(folder / "models.py", MODELS)
    second = write(folder / "more" / "models.py", MODELS.replace('"users"', '"people"'))
    lsp = await start([folder], init_options={"databaseUrl": url})
    try:
        open_document(lsp, first)
        open_document(lsp, second)
        await wait_until(lambda: lsp.messages)
        if "asyncpg" not in url:
            # The first retry (after 1 s) fails the same way: still one message.
            await wait_until(lambda: len(lsp.log_messages) >= 2, timeout=5)
        assert len(lsp.messages) == 1
        (message,) = lsp.messages
        assert message.type == types.MessageType.Error
        assert "app@127.0.0.1" in message.message
        assert all(SECRET not in text for text in _texts(lsp))
        # No schema was ever read: nothing to show, and nothing made up.
        assert diagnostics_of(lsp, first) in (None, [])
    finally:
        await stop(lsp)


async def test_database_lost_keeps_diagnostics_marked_stale_until_it_returns(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    database = tmp_path / "shop.db"
    url = sqlite_database(database, USERS_SQL)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    refresh = types.ExecuteCommandParams(command="schemaLsp.refresh")
    try:
        open_document(lsp, models)
        (fresh,) = await wait_until(lambda: diagnostics_of(lsp, models))
        assert "stale" not in fresh.message
        good = database.read_bytes()
        database.write_bytes(b"this is not a database file\n" * 200)
        (answer,) = await lsp.workspace_execute_command_async(refresh)
        assert "error" in answer
        (stale,) = await wait_until(
            lambda: [d for d in diagnostics_of(lsp, models) or () if "[stale:" in d.message]
        )
        assert stale.code == fresh.code and stale.range == fresh.range
        assert stale.data["stale"] is True
        await lsp.workspace_execute_command_async(refresh)
        assert len(lsp.messages) == 1
        database.write_bytes(good)
        (answer,) = await lsp.workspace_execute_command_async(refresh)
        assert answer["tables"] == 1
        await wait_until(
            lambda: [d.message for d in diagnostics_of(lsp, models) or ()] == [fresh.message]
        )
    finally:
        await stop(lsp)


async def test_a_configured_snapshot_stands_in_for_an_unreachable_database(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    database = tmp_path / "shop.db"
    url = sqlite_database(database, USERS_SQL)
    snapshot = tmp_path / "schema.json"
    assert cli(["snapshot", "--db", url, "-o", str(snapshot)]) == 0
    database.unlink()
    lsp = await start([folder], init_options={"databaseUrl": url, "snapshot": str(snapshot)})
    try:
        (found,) = await wait_until(lambda: diagnostics_of(lsp, models))
        assert found.code == "SL110"
        assert "using snapshot schema.json" in found.message
        assert len(lsp.messages) == 1
    finally:
        await stop(lsp)


async def test_a_broken_model_file_says_so_keeps_its_diagnostics_stale_and_crashes_nothing(
    tmp_path,
):
    """SL002 on the line Python stopped at; the last good parse's diagnostics stay, marked
    as coming from it (issue 11: never silently stale)."""
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    url = sqlite_database(tmp_path / "shop.db", USERS_SQL)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, models)
        await wait_until(lambda: codes(diagnostics_of(lsp, models)) == ["SL110"])
        replace_text(lsp, models, MODELS + "\nclass Broken(Base:\n", version=2)
        broken_line = len(MODELS.splitlines()) + 1
        found = await wait_until(
            lambda: (
                sorted(codes(diagnostics_of(lsp, models))) == ["SL002", "SL110"]
                and diagnostics_of(lsp, models)
            )
        )
        by_code = {d.code: d for d in found}
        assert by_code["SL002"].range.start.line == broken_line
        assert by_code["SL002"].severity == types.DiagnosticSeverity.Error
        assert "syntax error" in by_code["SL002"].message
        assert by_code["SL110"].message.endswith(
            "[stale: from the last version of this file that parsed]"
        )
        replace_text(lsp, models, MODELS + "\n" + "(" * 5000 + "\n", version=3)
        refreshed = await lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="schemaLsp.refresh")
        )
        assert refreshed[0]["tables"] == 1
        await wait_until(
            lambda: any(
                "too many nested parentheses" in d.message for d in diagnostics_of(lsp, models)
            )
        )
        assert sorted(codes(diagnostics_of(lsp, models))) == ["SL002", "SL110"]
        fixed = MODELS.replace("    nickname: Mapped[str | None]", "    # nickname")
        replace_text(lsp, models, fixed, version=4)
        await wait_until(lambda: diagnostics_of(lsp, models) == [])
        assert not lsp.messages
    finally:
        await stop(lsp)


@pytest.mark.postgres
async def test_postgresql_stopped_and_back_during_a_session(tmp_path, postgres_db):
    postgres_db.execute("CREATE TABLE users (id serial PRIMARY KEY, email varchar(100) NOT NULL)")
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    name = postgres_db.engine.url.database
    admin = sa.create_engine(
        POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    refresh = types.ExecuteCommandParams(command="schemaLsp.refresh")
    lsp = await start([folder], init_options={"databaseUrl": postgres_db.url})
    try:
        (fresh,) = await wait_until(lambda: diagnostics_of(lsp, models))
        with admin.connect() as connection:  # as good as stopped, for new connections
            connection.exec_driver_sql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        (answer,) = await lsp.workspace_execute_command_async(refresh)
        assert "error" in answer
        await wait_until(
            lambda: [d for d in diagnostics_of(lsp, models) or () if "[stale:" in d.message]
        )
        assert len(lsp.messages) == 1
        with admin.connect() as connection:
            connection.exec_driver_sql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        # The retries (backoff from 1 s) find it again without being asked.
        await wait_until(
            lambda: [d.message for d in diagnostics_of(lsp, models) or ()] == [fresh.message]
        )
        assert len(lsp.messages) == 1
    finally:
        await stop(lsp)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        admin.dispose()


async def test_requests_answer_while_the_database_hangs(tmp_path):
    """A database that accepts connections and never answers: the read runs off the event
    loop, so requests are answered at once meanwhile."""
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(8)  # the kernel accepts; nobody ever speaks
        port = blackhole.getsockname()[1]
        folder = tmp_path / "ws"
        write(folder / "models.py", MODELS)
        other = write(folder / "notes.py", "x = 1\n")
        url = f"postgresql://app:{SECRET}@127.0.0.1:{port}/shop"
        lsp = await start(
            [folder],
            capabilities=pull_capabilities(),
            init_options={"databaseUrl": url, "statementTimeout": 2},
        )
        try:
            open_document(lsp, other)
            await wait_until(lambda: lsp.progress_reports)  # the read has begun
            loop = asyncio.get_running_loop()
            started = loop.time()
            report = await lsp.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(
                    text_document=types.TextDocumentIdentifier(uri=other.as_uri())
                )
            )
            assert loop.time() - started < 0.2
            assert list(report.items) == []
            assert not lsp.messages  # still connecting
            await wait_until(lambda: lsp.messages, timeout=10)  # then one clear failure
            assert all(SECRET not in text for text in _texts(lsp))
        finally:
            await stop(lsp)


async def test_a_database_missing_at_start_is_found_by_the_retries(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    database = tmp_path / "later.db"
    lsp = await start([folder], init_options={"databaseUrl": f"sqlite:///{database}"})
    try:
        await wait_until(lambda: lsp.messages)
        assert "not found" in lsp.messages[0].message
        sqlite_database(database, USERS_SQL)
        found = await wait_until(lambda: diagnostics_of(lsp, models), timeout=8)
        assert codes(found) == ["SL110"]
        assert "[stale:" not in found[0].message
        assert any("again" in m.message for m in lsp.log_messages)
        assert len(lsp.messages) == 1
    finally:
        await stop(lsp)


async def test_status_notifications_name_the_database_and_its_error(tmp_path):
    """``schemaLsp/status`` (the VS Code status bar): the masked database, its table count
    after a read, and the error when a read fails; never the password."""
    statuses: list[dict] = []
    good = tmp_path / "good"
    write(good / "models.py", MODELS)
    url = sqlite_database(tmp_path / "app.db", USERS_SQL)
    bad = tmp_path / "bad"
    write(bad / "models.py", MODELS)
    write(
        bad / "pyproject.toml",
        f'[tool.schema-lsp]\ndatabase_url = "postgresql://app:{SECRET}@127.0.0.1:1/shop"\n',
    )
    lsp = await start(
        [good, bad],
        configuration={good.as_uri(): {"databaseUrl": url}},
        handlers={"schemaLsp/status": lambda params: statuses.append(_plain(params))},
    )
    try:
        await wait_until(lambda: {s["folder"] for s in statuses} >= {good.as_uri(), bad.as_uri()})
        by_folder = {s["folder"]: s for s in statuses}
        assert by_folder[good.as_uri()]["error"] is None
        assert by_folder[good.as_uri()]["tables"] == 1
        failed = by_folder[bad.as_uri()]
        assert failed["error"] and failed["tables"] is None
        assert "127.0.0.1:1/shop" in failed["database"]
        assert SECRET not in str(statuses)
    finally:
        await stop(lsp)


def _plain(params: object) -> dict:
    """A custom notification's params as pygls hands them over (an attribute object)."""
    if isinstance(params, dict):
        return params
    return dict(params._asdict())  # type: ignore[attr-defined]


async def test_a_huge_model_file_is_checked_and_blocks_nothing(tmp_path):
    """2,000 mapped classes (~16,000 lines) in one file: the server checks it on its worker
    while requests on another file are answered, and reports the one difference in it."""
    folder = tmp_path / "ws"
    classes = "".join(
        f"\n\nclass Model{n}(Base):\n"
        f'    __tablename__ = "table_{n}"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        f"    name: Mapped[str] = mapped_column(String({50 if n != 1234 else 60}))\n"
        for n in range(2000)
    )
    huge = write(folder / "huge.py", MODELS + classes)
    small = write(folder / "small.py", MODELS.replace('"users"', '"people"'))
    statements = [USERS_SQL] + [
        f"CREATE TABLE table_{n} (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL)"
        for n in range(2000)
    ]
    url = sqlite_database(tmp_path / "big.db", *statements)
    lsp = await start([folder], env=server_env(SCHEMA_LSP_DATABASE_URL=url))
    try:
        open_document(lsp, huge)
        open_document(lsp, small)
        hover = await lsp.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=small.as_uri()),
                position=types.Position(line=0, character=0),
            )
        )
        assert hover is None  # answered (nothing to show at an import line)
        found = await wait_until(
            lambda: [d for d in diagnostics_of(lsp, huge) or () if "table_1234" in d.message],
            timeout=60,
        )
        assert found[0].code == "SL120"
        assert codes(diagnostics_of(lsp, huge)) == ["SL110", "SL120"]
        assert not lsp.messages
    finally:
        await stop(lsp)
