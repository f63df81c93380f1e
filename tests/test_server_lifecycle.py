"""The server process itself: stdout carries nothing but LSP frames (even when something
prints), ``initialize`` answers fast and before SQLAlchemy is imported, ``--tcp`` works,
and the server exits when the editor that started it dies."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_server_support import MODELS, USERS_SQL, server_env, sqlite_database, write


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def parse_frames(data: bytes) -> list[dict[str, Any]]:
    """Every byte must belong to a frame: headers, a blank line, exactly N bytes of JSON."""
    messages = []
    while data:
        head, separator, rest = data.partition(b"\r\n\r\n")
        assert separator, f"not an LSP frame: {data[:80]!r}"
        headers = dict(line.split(": ", 1) for line in head.decode("ascii").split("\r\n"))
        length = int(headers["Content-Length"])
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


def read_until(stream: Any, wanted: Any, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Read frames from a pipe until ``wanted(message)`` holds for one of them."""
    buffer = b""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    os.set_blocking(fd, False)
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            chunk = b""
        buffer += chunk
        try:
            messages = parse_frames(buffer)
        except (AssertionError, KeyError, ValueError):
            messages = []  # a frame is still arriving
        if any(wanted(m) for m in messages):
            return messages
        if not chunk:
            time.sleep(0.01)
    raise AssertionError(f"no wanted message in {buffer[:2000]!r}")


def initialize(folder: Path, process_id: int | None = None) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "processId": process_id,
            "rootUri": folder.as_uri(),
            "capabilities": {},
            "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}],
        },
    }


STRAY = (
    "import logging, sys, threading\n"
    "logging.basicConfig(stream=sys.stdout)\n"
    "def stray():\n"
    "    print('stray print')\n"
    "    logging.getLogger('driver').warning('stray log line')\n"
    "    sys.stdout.flush()\n"
    "from schema_lsp.server import app\n"
    "protect = app._protect_stdout\n"
    "def protected():\n"
    "    output = protect()\n"
    "    threading.Timer(0.2, stray).start()  # while the server runs\n"
    "    return output\n"
    "app._protect_stdout = protected\n"
    "from schema_lsp.cli import main\n"
    "raise SystemExit(main(['serve']))\n"
)


def test_stdout_carries_only_lsp_frames_and_initialize_is_fast(tmp_path):
    folder = tmp_path / "ws"
    models = write(folder / "models.py", MODELS)
    url = sqlite_database(tmp_path / "shop.db", USERS_SQL)
    process = subprocess.Popen(
        [sys.executable, "-c", STRAY],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_env(SCHEMA_LSP_DATABASE_URL=url),
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        started = time.monotonic()
        process.stdin.write(frame(initialize(folder)))
        process.stdin.flush()
        read_until(process.stdout, lambda m: m.get("id") == 1)
        assert time.monotonic() - started < 3.0  # process start included; the goal is < 1 s
        process.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        process.stdin.flush()
        time.sleep(0.6)  # the stray print happens while the session works
        published = read_until(
            process.stdout,
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == models.as_uri()
            ),
        )
        assert published
        process.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        process.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
        process.stdin.flush()
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # Whatever came after the frames already read must be frames too.
    parse_frames(out)
    assert b"stray print" in err and b"stray log line" in err
    assert process.returncode == 0


def test_initialize_loads_no_sqlalchemy():
    code = (
        "import sys\n"
        "from schema_lsp.server.app import create_server\n"
        "create_server()\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'pymysql') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_tcp(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "schema_lsp", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_env(),
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with connection:
            connection.sendall(frame(initialize(tmp_path)))
            data = b""
            while b'"id": 1' not in data and b'"id":1' not in data:
                chunk = connection.recv(65536)
                assert chunk, "connection closed"
                data += chunk
            (answer,) = parse_frames(data)
            assert answer["result"]["serverInfo"]["name"] == "schema-lsp"
    finally:
        process.kill()
        process.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process ids")
def test_the_server_exits_when_its_editor_dies(tmp_path):
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    process = subprocess.Popen(
        [sys.executable, "-m", "schema_lsp", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server_env(),
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(frame(initialize(tmp_path, process_id=editor.pid)))
        process.stdin.flush()
        read_until(process.stdout, lambda m: m.get("id") == 1)
        editor.kill()
        editor.wait()
        process.wait(timeout=8)  # stdin stays open: only the parent watch ends it
    finally:
        for child in (editor, process):
            if child.poll() is None:
                child.kill()
                child.wait()
