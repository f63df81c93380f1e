"""Issue 11's robustness suite, language-server side, over stdio with a real client:
what cannot be read is shown where it fails, never left silent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types

from tests.test_server_support import (
    MODELS,
    SERVER,
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


# -- 8. the protocol: every request answered, bad frames survived --------------------------


class RawClient:
    """A server process spoken to byte by byte, to send what no well-behaved client does."""

    def __init__(self, folder: Path, url: str) -> None:
        import subprocess

        self.process = subprocess.Popen(
            SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=server_env(SCHEMA_LSP_DATABASE_URL=url),
        )
        self.folder = folder
        self.notifications: list[dict] = []
        self.responses: dict[int, dict] = {}

    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def receive(self) -> dict:
        assert self.process.stdout is not None
        length = None
        while True:
            line = self.process.stdout.readline()
            assert line, "the server closed its output"
            if line == b"\r\n":
                break
            if line.startswith(b"Content-Length: "):
                length = int(line.split(b":")[1])
        assert length is not None
        return json.loads(self.process.stdout.read(length))

    def answer(self, request_id: int) -> dict:
        """The response to a request; notifications on the way are kept; requests from
        the server are answered with null."""
        while True:
            message = self.receive()
            if "method" not in message:
                self.responses[message["id"]] = message
            if message.get("id") == request_id and "method" not in message:
                return message
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})
            elif "method" in message:
                self.notifications.append(message)

    def diagnostics(self, path: Path) -> list[dict]:
        """Wait for the server to publish a file's diagnostics (its schema is read)."""
        while True:
            for note in self.notifications:
                if (
                    note["method"] == "textDocument/publishDiagnostics"
                    and note["params"]["uri"] == path.as_uri()
                ):
                    return note["params"]["diagnostics"]
            message = self.receive()
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})
            elif "method" in message:
                self.notifications.append(message)

    def initialize(self) -> None:
        self.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {
                    "processId": None,
                    "rootUri": self.folder.as_uri(),
                    "capabilities": {},
                    "workspaceFolders": [{"uri": self.folder.as_uri(), "name": "ws"}],
                },
            }
        )
        assert "result" in self.answer(1)
        self.send({"method": "initialized", "params": {}})

    def hover(self, request_id: int, path: Path, line: int, character: int) -> dict:
        self.send(
            {
                "id": request_id,
                "method": "textDocument/hover",
                "params": {
                    "textDocument": {"uri": path.as_uri()},
                    "position": {"line": line, "character": character},
                },
            }
        )
        return self.answer(request_id)

    def close(self) -> int:
        try:
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def raw(tmp_path: Path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    client = RawClient(folder, sqlite_database(tmp_path / "shop.db", USERS_SQL))
    client.initialize()
    client.send(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": models.as_uri(),
                    "languageId": "python",
                    "version": 1,
                    "text": MODELS,
                }
            },
        }
    )
    assert [d["code"] for d in client.diagnostics(models)] == ["SL110"]
    yield client, models
    if client.process.poll() is None:
        client.process.kill()
    client.process.wait()
    for stream in (client.process.stdin, client.process.stdout):
        if stream is not None:
            stream.close()


EMAIL = (MODELS.splitlines().index("    email: Mapped[str] = mapped_column(String(100))"), 6)


def _hover_text(response: dict) -> str:
    result = response.get("result") or {}
    contents = result.get("contents") or {}
    return contents.get("value", "") if isinstance(contents, dict) else str(contents)


async def test_bad_params_get_invalid_params_and_bad_frames_are_skipped(raw):
    client, models = raw
    client.send({"id": 7, "method": "textDocument/hover", "params": {"textDocument": 5}})
    answer = client.answer(7)
    assert answer["error"]["code"] == -32602  # InvalidParams, where no answer came before
    client.send_bytes(b"Content-Length: abc\r\n\r\n{}")  # a header that is not one
    client.send_bytes(b"Content-Length: 8\r\n\r\nnot json")  # a body that is not JSON
    client.send_bytes(b"Contnet-Length: 2\r\n\r\n{}")
    assert "VARCHAR(100)" in _hover_text(client.hover(8, models, *EMAIL))
    shown = [n for n in client.notifications if n["method"] == "window/showMessage"]
    assert shown == []  # protocol errors are logged, not popped up
    client.send({"id": 9, "method": "shutdown"})
    assert client.answer(9)["result"] is None
    after = client.hover(10, models, *EMAIL)
    assert after["error"]["code"] == -32600  # InvalidRequest after shutdown
    client.send({"method": "exit"})
    assert client.close() == 0


async def test_exit_without_shutdown_is_status_1(raw):
    client, _ = raw
    client.send({"method": "exit"})
    assert client.close() == 1


async def test_a_thousand_random_and_truncated_frames_leave_hover_working(raw):
    """The fuzz of issue 11: random bytes, broken headers, truncated and non-JSON bodies,
    JSON that is not JSON-RPC, unknown methods, wrong params; then hover still answers.
    (A frame whose valid Content-Length runs past its body swallows the next frame, which
    no reader can undo: not sent.)"""
    import random

    client, models = raw
    rng = random.Random(11)
    methods = ["textDocument/hover", "textDocument/codeAction", "nosuch/method", "initialize"]
    sent_requests: list[int] = []
    for number in range(1000):
        choice = rng.randrange(8)
        if choice == 0:  # random bytes ending in a newline
            client.send_bytes(
                bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60))) + b"\n"
            )
        elif choice == 1:  # a header that is not one
            client.send_bytes(b"Content-Length: %d%s\r\n\r\n" % (rng.randrange(99), b"x"))
        elif choice == 2:  # a body cut short, declared as what it holds
            body = json.dumps({"jsonrpc": "2.0", "id": 5000 + number, "method": "x"})
            cut = body[: rng.randrange(1, len(body))].encode()
            client.send_bytes(b"Content-Length: %d\r\n\r\n" % len(cut) + cut)
        elif choice == 3:  # JSON that is not an object
            body = json.dumps(rng.choice([[1, 2], "text", 3, None, True])).encode()
            client.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        elif choice == 4:  # an object that is not JSON-RPC
            body = json.dumps({"hello": number}).encode()
            client.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        elif choice == 5:  # a request with params of the wrong shape
            request_id = 10_000 + number
            client.send(
                {
                    "id": request_id,
                    "method": rng.choice(methods),
                    "params": rng.choice([{"textDocument": 5}, [], {"position": "x"}, 7]),
                }
            )
            sent_requests.append(request_id)
        elif choice == 6:  # a notification with wrong params
            client.send({"method": "textDocument/didChange", "params": {"contentChanges": 3}})
        else:  # bytes in a header line that is not UTF-8
            client.send_bytes(b"\xff\xfe\r\n")
    response = client.hover(99_999, models, *EMAIL)
    assert "VARCHAR(100)" in _hover_text(response)
    # every request with the wrong params was answered with an error, before the hover
    assert sent_requests and all("error" in client.responses[i] for i in sent_requests)
    assert client.process.poll() is None
