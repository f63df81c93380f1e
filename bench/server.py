"""Language-server benchmark: the server over stdio, driven by a real LSP client.

Builds a database of N tables (default 1000; PostgreSQL in a scratch database created beside
``--url`` and dropped afterwards, or a SQLite file) from ``bench/diff.py``'s generated models,
and writes ``bench/diff.py``'s split workspace (a base module plus files of 10 entities) for
the first M of them (default 300). Each part file's first ``code`` column is declared
``String(33)`` where the database has ``VARCHAR(32)``, so every part file has one diagnostic
to publish. Then it starts ``python -m schema_lsp serve`` as a child process, talks to it with
pygls's ``LanguageClient`` over stdio (push diagnostics; settings through
``initializationOptions``), and measures:

* first diagnostics   from sending ``initialize`` to the first ``publishDiagnostics`` of a
                      workspace file, and to every part file published (``--starts`` times);
* edit latency        from sending ``didChange`` (one column's type changed, in one of two
                      open part files in turn) to the ``publishDiagnostics`` of that version,
                      one edit at a time: raw, minus the server's debounce, and once more
                      with the server's debounce setting at 0;
* server memory       VmRSS and VmHWM from ``/proc/<pid>/status`` after warm-up and after
                      the edits;
* server CPU          per edit, and the time it waited for a CPU, from
                      ``/proc/<pid>/task/*/schedstat``: the figure other jobs' load does not
                      inflate (the machine is shared);
* baseline            in a fresh Python process, without the protocol: the server's start-up
                      steps (imports, schema read, discovery, first check), then the same
                      edits through the server's own worker job (``Folder.affected``/``apply``/
                      ``check``), a what-if of that job checking the edited file alone, and
                      the core re-check (``bench/diff.py``'s ``recheck``).

Usage::

    .venv/bin/python bench/server.py [--db postgresql|sqlite] [--tables 1000] [--entities 300]
        [--edits 200] [--starts 3] [--url postgresql://postgres@127.0.0.1/test] [--output FILE]

This is a script, not a test: timings depend on the machine (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import diff as diff_bench  # bench/diff.py: the generated workspace and the core re-check
import introspect as introspect_bench  # bench/introspect.py: scratch PostgreSQL databases
import sqlalchemy as sa
from lsprotocol import types
from pygls.io_ import run_async
from pygls.lsp.client import LanguageClient
from pygls.uris import to_fs_path

from schema_lsp.entities import WorkspaceIndex
from schema_lsp.server.session import DEBOUNCE
from schema_lsp.url import DatabaseUrl

BENCH_DATABASE = "schema_lsp_bench_server"
EDIT_MEDIAN_TARGET_MS = 30.0
EDIT_P95_TARGET_MS = 100.0
FIRST_DIAGNOSTICS_TARGET_S = 2.0
RSS_TARGET_MB = 150.0
OPEN_FILES = 2  # part files open in the editor, edited in turn
WARMUP_EDITS = 5
EDIT_TIMEOUT = 30.0  # seconds an edit may wait for its publish before the run fails
START_TIMEOUT = 120.0

SERVER = [sys.executable, "-m", "schema_lsp", "serve"]
#: Settings of the second edit session: the ``debounce`` setting at 0 (every edit checked).
NO_DEBOUNCE: dict[str, object] = {"debounce": 0}


# --- the fixture: database and workspace ------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    """The database (its URL, shown masked only) and the workspace written for it."""

    url: DatabaseUrl
    dialect: str
    server_version: str
    tables: int
    columns: int
    root: Path  # the workspace folder (bench/diff.py's ``split``)
    base: Path
    parts: tuple[Path, ...]
    texts: dict[str, str]  # path -> text on disk
    built_in: float


def seeded_workspace(entities: int) -> diff_bench.Workspace:
    """bench/diff.py's workspace with each part file's first ``code`` column declared
    ``String(33)`` (the database says 32): one diagnostic per part file from the start."""
    workspace = diff_bench.generate(entities)
    parts = tuple(diff_bench.edited_part(text, 0) for text in workspace.parts)
    return dataclasses.replace(workspace, parts=parts)


def postgres_scripts(metadata: sa.MetaData, chunk: int = 400) -> list[str]:
    """bench/introspect.py's DDL script, preceded by the enum types it does not create, cut
    into transactions of ``chunk`` statements (one transaction over 1000 of these tables
    takes more locks than a default ``max_locks_per_transaction`` allows)."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.dialects.postgresql.named_types import CreateEnumType

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    enums = {
        column.type.name: column.type
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, sa.Enum) and column.type.name
    }
    statements = [
        str(CreateEnumType(enum).compile(dialect=dialect)).strip() for enum in enums.values()
    ]
    # our own generated DDL: no statement holds ";\n" inside it
    statements += [s for s in introspect_bench.ddl_script(metadata).split(";\n") if s.strip()]
    return [
        "".join(statement + ";\n" for statement in statements[start : start + chunk])
        for start in range(0, len(statements), chunk)
    ]


def create_postgres(admin: DatabaseUrl, metadata: sa.MetaData) -> DatabaseUrl:
    """The scratch database, made by bench/introspect.py, with the tables of ``metadata``."""
    first, *rest = postgres_scripts(metadata)
    url = introspect_bench.create_database(admin, BENCH_DATABASE, first).url
    engine = sa.create_engine(url.sqlalchemy_url, poolclass=sa.NullPool)
    try:
        for script in rest:
            with engine.begin() as connection:
                connection.exec_driver_sql(script)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return url


def build_fixture(
    directory: Path, db: str, admin: DatabaseUrl, tables: int, entities: int
) -> Fixture:
    """Write the workspace and build the database: the models of ``tables`` entities (our
    own generated code, imported once for their metadata, then unloaded), of which the
    workspace holds the first ``entities``."""
    started = time.perf_counter()
    workspace = seeded_workspace(entities)
    _single, base, parts = diff_bench.write_workspace(directory / "workspace", workspace)
    models = directory / "database_models.py"
    models.write_text(diff_bench.generate(tables).single)
    metadata = diff_bench.load_models(models)
    if db == "sqlite":
        url = DatabaseUrl.parse(f"sqlite:///{directory / 'bench.sqlite'}")
        engine = sa.create_engine(url.sqlalchemy_url)
        metadata.create_all(engine)
        engine.dispose()
    else:
        url = create_postgres(admin, metadata)
    # The bench process keeps no ORM: its heap would slow its own collections (timestamps).
    sa.orm.clear_mappers()
    sys.modules.pop("schema_lsp_bench_models", None)
    del metadata
    gc.collect()
    schema = diff_bench.read_schema(url)
    files = (base, *parts)
    return Fixture(
        url=url,
        dialect=schema.dialect,
        server_version=schema.server_version,
        tables=len(schema.tables),
        columns=sum(len(table.columns) for table in schema.tables),
        root=base.parent.parent.parent,
        base=base,
        parts=tuple(parts),
        texts={str(path): path.read_text() for path in files},
        built_in=time.perf_counter() - started,
    )


# --- the edits ----------------------------------------------------------------------------

EDITED_LINE = "    code: Mapped[str] = mapped_column(String(32))"


@dataclass(frozen=True)
class Edit:
    """One ``didChange``: in ``path``, ``String(old)`` on ``line`` becomes ``String(new)``."""

    path: str
    line: int
    start: int  # character of the number
    end: int
    new: str
    text: str  # the whole document afterwards


def plan_edits(fixture: Fixture, count: int) -> list[Edit]:
    """``count`` edits alternating over the first OPEN_FILES part files: each changes the
    length of the file's second ``code`` column (the first carries the seeded difference),
    to a new value every time, so each edit gives a new list of two diagnostics."""
    texts = {str(path): fixture.texts[str(path)] for path in fixture.parts[:OPEN_FILES]}
    lines = {}
    for path, text in texts.items():
        numbered = text.splitlines()
        lines[path] = next(n for n, line in enumerate(numbered) if line == EDITED_LINE)
    edits = []
    for number in range(count):
        path = list(texts)[number % len(texts)]
        line = lines[path]
        current = texts[path].splitlines(keepends=True)
        start = current[line].index("String(") + len("String(")
        end = current[line].index(")", start)
        new = str(34 + number)
        current[line] = current[line][:start] + new + current[line][end:]
        texts[path] = "".join(current)
        edits.append(Edit(path, line, start, end, new, texts[path]))
    return edits


# --- the client ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    at: float  # perf_counter when the client had parsed it
    path: str
    version: int | None
    count: int
    lines: tuple[int, ...]


class BenchClient(LanguageClient):
    """pygls's client, recording every ``publishDiagnostics`` with the time it arrived."""

    def __init__(self) -> None:
        super().__init__("schema-lsp-bench", "1")
        self.published: list[Published] = []
        self.messages: list[str] = []
        self.progress_events: list[tuple[float, str]] = []  # (arrival, "begin" / "end")
        self.waiters: dict[tuple[str, int | None], asyncio.Future[Published]] = {}
        self.arrived = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            record = Published(
                time.perf_counter(),
                os.path.normpath(to_fs_path(params.uri) or params.uri),
                params.version,
                len(params.diagnostics),
                tuple(d.range.start.line for d in params.diagnostics),
            )
            self.published.append(record)
            self.arrived.set()
            waiter = self.waiters.pop((record.path, record.version), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(record)

        @self.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def create_progress(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @self.feature(types.PROGRESS)
        def progress(params: types.ProgressParams) -> None:
            value = params.value
            kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
            self.progress_events.append((time.perf_counter(), str(kind)))

        @self.feature(types.WINDOW_SHOW_MESSAGE)
        def show(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)  # the server masks passwords itself

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def log_message(params: types.LogMessageParams) -> None:
            pass

    def expect(self, path: str, version: int) -> asyncio.Future[Published]:
        future: asyncio.Future[Published] = asyncio.get_running_loop().create_future()
        self.waiters[(path, version)] = future
        return future


def capabilities() -> types.ClientCapabilities:
    """A push client (no ``textDocument.diagnostic``) without ``workspace/configuration``,
    with work-done progress (its begin and end time the schema read), incremental sync."""
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
        ),
        workspace=types.WorkspaceClientCapabilities(workspace_folders=True),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )


def plain_url(url: DatabaseUrl) -> str:
    """The URL with its password, for the server and the worker only (never printed)."""
    return url.sqlalchemy_url.render_as_string(hide_password=False)


def server_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SCHEMA_LSP_")}


class ServerProcess:
    """The server as our child process, its stdio connected to a ``BenchClient``."""

    def __init__(self, argv: list[str], stderr_path: Path, *, wrapped: bool = False) -> None:
        self.argv = argv
        self.stderr_path = stderr_path
        self.wrapped = wrapped  # argv starts a wrapper (py-spy) whose child is the server
        self._pid: int | None = None
        self.client = BenchClient()
        self.process: asyncio.subprocess.Process | None = None
        self._stop = threading.Event()
        self._reader: asyncio.Task[None] | None = None

    async def start(self, cwd: Path) -> None:
        with self.stderr_path.open("ab") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                env=server_env(),
                cwd=cwd,
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.client.protocol.set_writer(self.process.stdin)
        self._reader = asyncio.create_task(
            run_async(
                stop_event=self._stop, reader=self.process.stdout, protocol=self.client.protocol
            )
        )

    @property
    def pid(self) -> int:
        """The server's own process id (under py-spy: the wrapper's child)."""
        assert self.process is not None
        if not self.wrapped:
            return self.process.pid
        if self._pid is None:
            children: list[str] = []
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                children += (task / "children").read_text().split()
            if len(children) != 1:
                raise RuntimeError(f"expected one child of the wrapper, found {children}")
            self._pid = int(children[0])
        return self._pid

    async def stop(self) -> None:
        """``shutdown`` and ``exit``; killed (by its id) if it has not gone within 3 s."""
        process = self.process
        if process is None:
            return
        try:
            if process.returncode is None:
                await asyncio.wait_for(self.client.shutdown_async(None), 3)
                self.client.exit(None)
                await asyncio.wait_for(process.wait(), 3)
        except Exception:
            pass
        finally:
            if process.returncode is None:
                if self._pid is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(self._pid, 9)  # the server under the wrapper, by its id
                process.kill()
                await process.wait()
            self._stop.set()
            if self._reader is not None:
                self._reader.cancel()
                await asyncio.gather(self._reader, return_exceptions=True)


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of the process so far (every thread)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_schedstat(pid: int) -> tuple[float, float]:
    """Seconds on a CPU and seconds runnable but waiting for one, summed over the live
    threads (``/proc/<pid>/task/*/schedstat``, nanoseconds): the first is the work itself,
    the second what other jobs' load added to it."""
    running = waiting = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that just ended
            fields = (task / "schedstat").read_text().split()
            running += int(fields[0])
            waiting += int(fields[1])
    return running / 1e9, waiting / 1e9


# --- one session ----------------------------------------------------------------------------


@dataclass
class Session:
    """What one server session measured (times in seconds)."""

    label: str
    spawn_to_initialized: float = 0.0  # spawn until the initialize answer
    answered: float = 0.0  # initialize sent until answered
    first: float = 0.0  # initialize sent until the first publish of a workspace file
    read_started: float = 0.0  # ... until the progress "Reading schema" began (files found)
    read_done: float = 0.0  # ... until it ended (schema read)
    all_published: float = 0.0  # ... until every part file has had a non-empty publish
    cpu_at_published: float = 0.0  # server CPU seconds by then
    files_published: int = 0
    raw: list[float] = field(default_factory=list)  # didChange -> publish
    cpu: list[float] = field(default_factory=list)  # server CPU seconds within each edit
    waited: list[float] = field(default_factory=list)  # server run-queue seconds, each edit
    edit_counts: list[int] = field(default_factory=list)
    edit_hit: int = 0  # publishes listing the edited line
    cpu_edits: float = 0.0  # server CPU seconds over the timed edits
    memory_warm: dict[str, float] = field(default_factory=dict)
    memory_after: dict[str, float] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)  # 1-min load average before and after the edits
    messages: list[str] = field(default_factory=list)


async def run_session(
    fixture: Fixture,
    argv: list[str],
    label: str,
    edits: list[Edit],
    stderr_path: Path,
    wrapper: list[str] | None = None,
    settings: dict[str, object] | None = None,
) -> Session:
    """Start a server on the workspace, wait for every part file's diagnostics, then make
    the edits one at a time (``settings``: more initialization options)."""
    result = Session(label)
    server = ServerProcess([*(wrapper or ()), *argv], stderr_path, wrapped=bool(wrapper))
    spawned = time.perf_counter()
    await server.start(fixture.root)
    client = server.client
    try:
        sent = time.perf_counter()
        await asyncio.wait_for(
            client.initialize_async(
                types.InitializeParams(
                    capabilities=capabilities(),
                    process_id=os.getpid(),
                    root_uri=fixture.root.as_uri(),
                    workspace_folders=[
                        types.WorkspaceFolder(uri=fixture.root.as_uri(), name=fixture.root.name)
                    ],
                    initialization_options={
                        "databaseUrl": plain_url(fixture.url),
                        **(settings or {}),
                    },
                )
            ),
            START_TIMEOUT,
        )
        result.spawn_to_initialized = time.perf_counter() - spawned
        result.answered = time.perf_counter() - sent
        client.initialized(types.InitializedParams())
        opened = [str(path) for path in fixture.parts[:OPEN_FILES]]
        for path in opened:  # an editor restoring its tabs
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=Path(path).as_uri(),
                        language_id="python",
                        version=1,
                        text=fixture.texts[path],
                    )
                )
            )
        workspace_files = set(fixture.texts)
        parts = {str(path) for path in fixture.parts}
        deadline = time.perf_counter() + START_TIMEOUT
        while True:
            seen = {p.path for p in client.published if p.path in parts and p.count}
            if seen == parts:
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(
                    f"only {len(seen)} of {len(parts)} part files published within "
                    f"{START_TIMEOUT:g} s; server messages: {client.messages}"
                )
            client.arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(client.arrived.wait(), 1.0)
        result.cpu_at_published = proc_cpu(server.pid)
        ours = [p for p in client.published if p.path in workspace_files]
        result.first = ours[0].at - sent
        begins = [at for at, kind in client.progress_events if kind == "begin"]
        ends = [at for at, kind in client.progress_events if kind == "end"]
        result.read_started = begins[0] - sent if begins else float("nan")
        result.read_done = ends[0] - sent if ends else float("nan")
        result.all_published = (
            max(min(p.at for p in ours if p.path == path and p.count) for path in parts) - sent
        )
        result.files_published = len({p.path for p in ours})

        if edits:
            versions = dict.fromkeys(opened, 1)
            for number, edit in enumerate(edits):
                if number == WARMUP_EDITS:
                    result.memory_warm = proc_status(server.pid)
                    result.load = (os.getloadavg()[0], 0.0)
                    cpu_before = proc_cpu(server.pid)
                versions[edit.path] += 1
                waiter = client.expect(edit.path, versions[edit.path])
                change = types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=edit.line, character=edit.start),
                        end=types.Position(line=edit.line, character=edit.end),
                    ),
                    text=edit.new,
                )
                running, waiting = proc_schedstat(server.pid)
                started = time.perf_counter()
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(
                            uri=Path(edit.path).as_uri(), version=versions[edit.path]
                        ),
                        content_changes=[change],
                    )
                )
                published = await asyncio.wait_for(waiter, EDIT_TIMEOUT)
                if number >= WARMUP_EDITS:
                    result.raw.append(published.at - started)
                    ran, waited = proc_schedstat(server.pid)
                    result.cpu.append(ran - running)
                    result.waited.append(waited - waiting)
                    result.edit_counts.append(published.count)
                    result.edit_hit += edit.line in published.lines
            result.cpu_edits = proc_cpu(server.pid) - cpu_before
            result.memory_after = proc_status(server.pid)
            result.load = (result.load[0], os.getloadavg()[0])
        result.messages = list(client.messages)
    finally:
        await server.stop()
    return result


# --- the in-process baseline (run in a fresh interpreter) ---------------------------------


def _timed(action: Any) -> tuple[Any, tuple[float, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, (time.perf_counter() - wall, time.process_time() - cpu)


def _folder_job(folder: Any, edits: list[Edit], schema: Any, *, whole: bool) -> dict[str, Any]:
    """Session.check's job for each didChange, as in schema_lsp/server/session.py; with
    ``whole`` False the what-if that checks the edited file alone (no mixin file)."""
    job: list[tuple[float, float]] = []
    touched_counts: list[int] = []
    compared: list[int] = []
    for number, edit in enumerate(edits):
        wall, cpu = time.perf_counter(), time.process_time()
        if whole:
            touched = folder.affected([edit.path])
            folder.apply(edit.path, edit.text, number + 1, number + 2)
            touched |= folder.affected([edit.path])
        else:
            folder.apply(edit.path, edit.text, number + 1, number + 2)
            touched = {edit.path}
        results = folder.check(touched, schema, None)
        job.append((time.perf_counter() - wall, time.process_time() - cpu))
        assert edit.path in results
        touched_counts.append(len(touched))
        sources = set().union(*(folder.index.dependents(t) for t in touched))
        compared.append(sum(1 for e in folder.index.entities() if e.range.path in sources))
    return {"runs": job, "touched": touched_counts, "compared": compared}


def baseline_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Without the protocol, in this fresh process: the server's start-up work (schema
    read, model files found and parsed, every file checked) and then, for the same edits,
    the server's worker job (``Folder``), the what-if job for the edited file alone, and
    the core re-check (bench/diff.py's ``recheck``)."""
    from pygls.workspace.position_codec import PositionCodec

    from schema_lsp.server.folder import Folder

    url = DatabaseUrl.parse(spec["url"])
    root = Path(spec["root"])
    texts: dict[str, str] = spec["texts"]
    edits = [Edit(**edit) for edit in spec["edits"]]
    start: dict[str, tuple[float, float]] = {}
    memory = {"imports": proc_status(os.getpid())["VmRSS"]}

    schema, start["read the schema"] = _timed(lambda: diff_bench.read_schema(url))
    memory["read the schema"] = proc_status(os.getpid())["VmRSS"]
    folder = Folder(root.as_uri(), root, None, PositionCodec())
    loaded, start["find and parse the model files"] = _timed(folder.discover)
    memory["find and parse the model files"] = proc_status(os.getpid())["VmRSS"]
    _, start["check every file"] = _timed(lambda: folder.check(None, schema, None))
    memory["check every file"] = proc_status(os.getpid())["VmRSS"]
    assert len(loaded) == len(texts)
    job = _folder_job(folder, edits, schema, whole=True)
    folder.close()

    alone = Folder(root.as_uri(), root, None, PositionCodec())
    alone.discover()
    alone.check(None, schema, None)
    job_alone = _folder_job(alone, edits, schema, whole=False)
    alone.close()

    index = WorkspaceIndex([root])
    for path, text in texts.items():
        index.update(path, text)
    index.entities()
    core: list[tuple[float, float]] = []
    core_counts: list[int] = []
    for edit in edits:
        found, timing = _timed(
            lambda e=edit: diff_bench.recheck(index, Path(e.path), e.text, schema)
        )
        core.append(timing)
        core_counts.append(len(found))
    return {
        "start": start,
        "memory": memory,
        "core": core,
        "core_counts": core_counts,
        "job": job["runs"],
        "touched": job["touched"],
        "compared": job["compared"],
        "job_alone": job_alone["runs"],
        "compared_alone": job_alone["compared"],
        "entities": len(index.entities()),
    }


IMPORTS = """\
import resource, sys, time
started = time.perf_counter()
import schema_lsp.server.app
app = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
app_cpu = usage.ru_utime + usage.ru_stime
import psycopg, sqlalchemy.dialects.postgresql
import schema_lsp.server.session, schema_lsp.introspect, schema_lsp.diff, schema_lsp.registry
done = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(app - started, done - app, app_cpu, usage.ru_utime + usage.ru_stime - app_cpu)
"""


def import_times() -> tuple[float, float, float, float]:
    """In a fresh interpreter: seconds to import the server's app module (before
    ``initialize`` is answered), then the rest it loads after ``initialized`` (session,
    core, SQLAlchemy, psycopg), and the CPU seconds of each (interpreter start-up in the
    first)."""
    completed = subprocess.run(
        [sys.executable, "-c", IMPORTS],
        capture_output=True,
        text=True,
        env=server_env(),
        check=True,
    )
    app, rest, app_cpu, rest_cpu = (float(value) for value in completed.stdout.split())
    return app, rest, app_cpu, rest_cpu


def run_baseline(fixture: Fixture, edits: list[Edit]) -> dict[str, Any]:
    """``baseline_worker`` in a fresh interpreter (the URL travels on stdin, not argv)."""
    spec = {
        "url": plain_url(fixture.url),
        "root": str(fixture.root),
        "texts": fixture.texts,
        "edits": [dataclasses.asdict(edit) for edit in edits],
    }
    completed = subprocess.run(
        [sys.executable, __file__, "--baseline-worker"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        env=server_env(),
    )
    if completed.returncode != 0:
        raise RuntimeError(
            "baseline worker failed: " + fixture.url.scrub(completed.stderr.strip()[-2000:])
        )
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


# --- the run --------------------------------------------------------------------------------


@dataclass
class Result:
    fixture: Fixture
    starts: list[Session]
    main: Session
    fast: Session | None
    baseline: dict[str, Any] | None
    edits: int
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float] = (0.0, 0.0, 0.0)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def py_spy_wrapper(executable: str, output: str) -> list[str]:
    """py-spy starting the server as its child (attaching to a running process is not
    allowed in this container), sampling without pausing it, raw collapsed stacks."""
    options = ["--nonblocking", "--rate", "250", "--format", "raw", "--output", output]
    return [executable, "record", *options, "--"]


async def measure(
    fixture: Fixture,
    edits: int,
    starts: int,
    no_debounce: bool,
    stderr_path: Path,
    wrapper: list[str] | None = None,
) -> tuple[list[Session], Session, Session | None]:
    plan = plan_edits(fixture, WARMUP_EDITS + edits)
    sessions = []
    for number in range(starts):
        log(f"start {number + 1}/{starts}: initialize to first diagnostics")
        sessions.append(await run_session(fixture, SERVER, f"start {number + 1}", [], stderr_path))
    log(f"edit session: {WARMUP_EDITS} warm-up + {edits} edits (debounce {DEBOUNCE:g} s)")
    main = await run_session(fixture, SERVER, "edits", plan, stderr_path, wrapper)
    fast = None
    if no_debounce:
        log(f"edit session with the debounce set to 0: {WARMUP_EDITS} + {edits} edits")
        fast = await run_session(
            fixture, SERVER, "debounce 0", plan, stderr_path, settings=NO_DEBOUNCE
        )
    return sessions, main, fast


def run(arguments: argparse.Namespace) -> Result:
    admin = DatabaseUrl.parse(arguments.url)
    load_start = os.getloadavg()
    directory = Path(tempfile.mkdtemp(prefix="schema_lsp_bench_server_"))
    created_database = False
    try:
        log(
            f"building {arguments.tables} tables on {arguments.db}"
            + (f" ({admin.masked}, database {BENCH_DATABASE})" if arguments.db != "sqlite" else "")
            + f" and a workspace of {arguments.entities} entities"
        )
        created_database = arguments.db != "sqlite"
        fixture = build_fixture(
            directory, arguments.db, admin, arguments.tables, arguments.entities
        )
        log(
            f"{fixture.tables} tables, {fixture.columns} columns in {fixture.built_in:.1f} s; "
            f"workspace {fixture.root} ({len(fixture.texts)} files)"
        )
        stderr_path = directory / "server-stderr.log"
        starts, main, fast = asyncio.run(
            measure(
                fixture,
                arguments.edits,
                arguments.starts,
                not arguments.no_zero,
                stderr_path,
                py_spy_wrapper(arguments.py_spy, arguments.py_spy_output)
                if arguments.py_spy
                else None,
            )
        )
        baseline = None
        if not arguments.no_baseline:
            log("in-process baseline (fresh interpreter)")
            baseline = run_baseline(fixture, plan_edits(fixture, WARMUP_EDITS + arguments.edits))
            baseline["imports"] = [import_times() for _ in range(3)]
        errors = [line for line in stderr_path.read_text().splitlines() if " ERROR" in line]
        if errors:
            log("server errors (see the report): " + fixture.url.scrub(errors[0]))
        return Result(
            fixture,
            [*starts, main],
            main,
            fast,
            baseline,
            arguments.edits,
            load_start,
            os.getloadavg(),
        )
    finally:
        if created_database:
            try:
                introspect_bench.drop_database(admin, BENCH_DATABASE)
            except Exception as error:
                log(f"could not drop {BENCH_DATABASE}: {admin.scrub(str(error))}")
        shutil.rmtree(directory, ignore_errors=True)


# --- the report -----------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _row(label: str, values: Sequence[float], cpu: Sequence[float] = ()) -> str:
    return (
        f"| {label} | {len(values)} | {_ms(statistics.median(values))} | {_ms(_p95(values))} "
        f"| {_ms(min(values))} | {_ms(max(values))} "
        f"| {_ms(statistics.median(cpu)) if cpu else ''} |"
    )


def render_markdown(result: Result) -> str:
    fixture = result.fixture
    main, fast, baseline = result.main, result.fast, result.baseline
    raw = main.raw
    minus = [value - DEBOUNCE for value in raw]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = result.load_start
    lines = [
        f"**{fixture.tables} tables** ({fixture.columns} columns) on {fixture.dialect} "
        f"{fixture.server_version}; workspace of {len(fixture.parts) * diff_bench.PER_FILE} "
        f"entities: base module + {len(fixture.parts)} part files, {OPEN_FILES} of them open "
        f"and edited in turn. {now}; {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; load average at the start {load[0]:.2f} / {load[1]:.2f} "
        f"/ {load[2]:.2f}, at the end {result.load_end[0]:.2f}; during the edits "
        f"{main.load[0]:.2f} -> {main.load[1]:.2f}.",
        "",
        "Start-up, seconds (each start a new server process):",
        "",
        "| start | spawn -> `initialize` answered | `initialize` -> schema read begins "
        "(progress begin: files found) | -> schema read (progress end) | -> first publish "
        "| -> every part file published | first publish after the `initialize` answer "
        "| server CPU by then | files published |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for session in result.starts:
        lines.append(
            f"| {session.label} | {session.spawn_to_initialized:.3f} "
            f"| {session.read_started:.3f} | {session.read_done:.3f} | {session.first:.3f} "
            f"| {session.all_published:.3f} | {session.first - session.answered:.3f} "
            f"| {session.cpu_at_published:.2f} "
            f"| {session.files_published} |"
        )
    firsts = [s.first for s in result.starts]
    alls = [s.all_published for s in result.starts]
    after_answer = statistics.median(s.first - s.answered for s in result.starts)
    if baseline is not None:
        imports = baseline["imports"]
        app_import = statistics.median(i[0] for i in imports)
        rest_import = statistics.median(i[1] for i in imports)
        lines += [
            "",
            "The server's start-up work without the protocol, in a fresh interpreter "
            "(seconds; imports: median of 3 fresh interpreters):",
            "",
            "| step | wall | CPU | VmRSS after (MiB) |",
            "|---|---:|---:|---:|",
            f"| import `schema_lsp.server.app` (before `initialize` is answered) "
            f"| {app_import:.3f} | {statistics.median(i[2] for i in imports):.3f} | |",
            f"| import the rest (session, core, SQLAlchemy, psycopg) | {rest_import:.3f} "
            f"| {statistics.median(i[3] for i in imports):.3f} "
            f"| {baseline['memory']['imports']:.1f} (with the benchmark's own imports) |",
        ]
        for step, (wall, cpu) in baseline["start"].items():
            lines.append(f"| {step} | {wall:.3f} | {cpu:.3f} | {baseline['memory'][step]:.1f} |")
        total = app_import + rest_import + sum(w for w, _c in baseline["start"].values())
        lines.append(f"| sum | {total:.3f} | | |")
    lines += [
        "",
        f"Edits: `didChange` -> `publishDiagnostics` of that version, {len(raw)} edits after "
        f"{WARMUP_EDITS} warm-up edits, one at a time; milliseconds.",
        "",
        "| measurement | runs | median | p95 | min | max | CPU median |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _row(f"raw latency (server debounce {DEBOUNCE * 1000:g} ms)", raw, main.cpu),
        _row(f"raw latency minus the {DEBOUNCE * 1000:g} ms debounce", minus),
    ]
    if fast is not None:
        lines.append(
            _row("raw latency, server started with the debounce set to 0", fast.raw, fast.cpu)
        )
    if baseline is not None:
        rows = (
            ("in-process server job (`Folder.affected` + `apply` + `check`)", "job"),
            ("in-process what-if: the same job checking the edited file alone", "job_alone"),
            ("in-process core re-check (`diff.recheck`: update + dependents + compare)", "core"),
        )
        for label, key in rows:
            runs = baseline[key][WARMUP_EDITS:]
            lines.append(_row(label, [w for w, _c in runs], [c for _w, c in runs]))
    cpu_per_edit = main.cpu_edits / max(1, len(raw))
    lines += [
        "",
        "CPU median of the LSP rows: the server's CPU time (every thread, "
        "`/proc/<pid>/task/*/schedstat`) from `didChange` sent to its publish received; "
        f"the server also waited for a CPU (run queue) {_ms(statistics.median(main.waited))} ms "
        f"per edit (median; p95 {_ms(_p95(main.waited))})"
        + (
            f", {_ms(statistics.median(fast.waited))} ms with the debounce 0"
            if fast is not None
            else ""
        )
        + ".",
        f"Server CPU per edit (mean over the timed edits, from `/proc/<pid>/stat`): "
        f"{cpu_per_edit * 1000:.1f} ms"
        + (
            f"; debounce-0 server: {fast.cpu_edits / max(1, len(fast.raw)) * 1000:.1f} ms."
            if fast is not None
            else "."
        ),
    ]
    if baseline is not None:

        def cpu_median(key: str) -> float:
            return statistics.median(c for _w, c in baseline[key][WARMUP_EDITS:])

        server_cpu = statistics.median(main.cpu)
        lines.append(
            f"CPU medians: LSP server per edit / in-process server job = "
            f"{server_cpu / cpu_median('job'):.2f}x (the protocol: the message, text "
            f"sync, diagnostics to JSON); in-process server job / core re-check = "
            f"{cpu_median('job') / cpu_median('core'):.2f}x. Per edit the server job touched "
            f"{sorted(set(baseline['touched']))} file(s) and compared "
            f"{sorted(set(baseline['compared']))} of {baseline['entities']} entities; the "
            f"what-if compared {sorted(set(baseline['compared_alone']))}, the core re-check "
            f"the edited file's {diff_bench.PER_FILE}."
        )
    counts = sorted(set(main.edit_counts))
    lines.append(
        f"Each edit's publish held {' or '.join(map(str, counts))} diagnostic(s) (expected 2: "
        f"the seeded one and the edited column) and {main.edit_hit} of {len(raw)} listed "
        "the edited line."
    )
    lines += [
        "",
        "Server memory (MiB, `/proc/<pid>/status`):",
        "",
        "| session | VmRSS after warm-up | VmHWM after warm-up | VmRSS after the edits "
        "| VmHWM after the edits |",
        "|---|---:|---:|---:|---:|",
    ]
    for session in [main] + ([fast] if fast else []):
        warm, after = session.memory_warm, session.memory_after
        lines.append(
            f"| {session.label} | {warm.get('VmRSS', 0):.1f} | {warm.get('VmHWM', 0):.1f} "
            f"| {after.get('VmRSS', 0):.1f} | {after.get('VmHWM', 0):.1f} |"
        )
    peak = max(main.memory_after.get("VmHWM", 0), main.memory_warm.get("VmHWM", 0))
    median_minus, p95_minus = statistics.median(minus), _p95(minus)
    by_design = (
        f"(unreachable by design: the debounce alone is {_ms(DEBOUNCE)} ms)"
        if DEBOUNCE * 1000 >= EDIT_MEDIAN_TARGET_MS
        else ""
    )
    lines += [
        "",
        "| target | measured | target | verdict |",
        "|---|---:|---:|---|",
        f"| edit, median, raw (includes the debounce) | {_ms(statistics.median(raw))} ms "
        f"| < {EDIT_MEDIAN_TARGET_MS:g} ms "
        f"| {_met(statistics.median(raw) * 1000 < EDIT_MEDIAN_TARGET_MS)} "
        f"{by_design} |",
        f"| edit, p95, raw | {_ms(_p95(raw))} ms | < {EDIT_P95_TARGET_MS:g} ms "
        f"| {_met(_p95(raw) * 1000 < EDIT_P95_TARGET_MS)} |",
        f"| edit, median, minus the debounce | {_ms(median_minus)} ms "
        f"| < {EDIT_MEDIAN_TARGET_MS:g} ms | {_met(median_minus * 1000 < EDIT_MEDIAN_TARGET_MS)} |",
        f"| edit, p95, minus the debounce | {_ms(p95_minus)} ms | < {EDIT_P95_TARGET_MS:g} ms "
        f"| {_met(p95_minus * 1000 < EDIT_P95_TARGET_MS)} |",
        f"| edit, median, server CPU per edit | {_ms(statistics.median(main.cpu))} ms "
        f"| < {EDIT_MEDIAN_TARGET_MS:g} ms "
        f"| {_met(statistics.median(main.cpu) * 1000 < EDIT_MEDIAN_TARGET_MS)} |",
        f"| edit, p95, server CPU per edit | {_ms(_p95(main.cpu))} ms "
        f"| < {EDIT_P95_TARGET_MS:g} ms | {_met(_p95(main.cpu) * 1000 < EDIT_P95_TARGET_MS)} |",
    ]
    if fast is not None:
        fast_median, fast_p95 = statistics.median(fast.raw), _p95(fast.raw)
        lines += [
            f"| edit, median, debounce 0 | {_ms(fast_median)} ms | < {EDIT_MEDIAN_TARGET_MS:g} ms "
            f"| {_met(fast_median * 1000 < EDIT_MEDIAN_TARGET_MS)} |",
            f"| edit, p95, debounce 0 | {_ms(fast_p95)} ms | < {EDIT_P95_TARGET_MS:g} ms "
            f"| {_met(fast_p95 * 1000 < EDIT_P95_TARGET_MS)} |",
        ]
    lines += [
        f"| first diagnostics (`initialize` -> first publish), median of {len(firsts)} "
        f"| {statistics.median(firsts):.2f} s | < {FIRST_DIAGNOSTICS_TARGET_S:g} s "
        f"| {_met(statistics.median(firsts) < FIRST_DIAGNOSTICS_TARGET_S)} |",
        f"| every part file published, median of {len(alls)} | {statistics.median(alls):.2f} s "
        f"| < {FIRST_DIAGNOSTICS_TARGET_S:g} s "
        f"| {_met(statistics.median(alls) < FIRST_DIAGNOSTICS_TARGET_S)} |",
        f"| first diagnostics from the `initialize` answer (process start excluded) "
        f"| {after_answer:.2f} s | < {FIRST_DIAGNOSTICS_TARGET_S:g} s "
        f"| {_met(after_answer < FIRST_DIAGNOSTICS_TARGET_S)} |",
        f"| RSS: peak (VmHWM) after the edits | {peak:.1f} MiB | < {RSS_TARGET_MB:g} MB "
        f"| {_met(peak < RSS_TARGET_MB)} |",
        "",
    ]
    messages = sorted({m for s in result.starts + ([fast] if fast else []) for m in s.messages})
    if messages:
        lines += ["Server messages (`window/showMessage`):", ""]
        lines += [f"- {fixture.url.scrub(m)}" for m in messages] + [""]
    return "\n".join(lines)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--tables", type=int, default=1000, help="tables in the database")
    parser.add_argument("--entities", type=int, default=300, help="entities in the workspace")
    parser.add_argument("--edits", type=int, default=200, help="timed edits (after 5 warm-up)")
    parser.add_argument("--starts", type=int, default=3, help="extra start-up-only sessions")
    parser.add_argument(
        "--url",
        default=introspect_bench.DEFAULT_URL,
        help="PostgreSQL admin URL; the benchmark creates and drops a database "
        f"{BENCH_DATABASE!r} beside it",
    )
    parser.add_argument("--no-zero", action="store_true", help="skip the debounce-0 session")
    parser.add_argument("--no-baseline", action="store_true", help="skip the in-process baseline")
    parser.add_argument("--output", help="also write the Markdown report to this file")
    parser.add_argument(
        "--py-spy",
        metavar="EXE",
        help="run the edit session's server under this py-spy (its figures are then skewed)",
    )
    parser.add_argument(
        "--py-spy-output",
        default="server-profile.txt",
        metavar="FILE",
        help="py-spy's collapsed stacks (default server-profile.txt)",
    )
    parser.add_argument("--baseline-worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.edits < 1:
        parser.error("--edits must be at least 1")
    if arguments.entities > arguments.tables:
        parser.error("--entities must not exceed --tables")
    if arguments.entities < diff_bench.PER_FILE * OPEN_FILES:
        parser.error(f"--entities must be at least {diff_bench.PER_FILE * OPEN_FILES}")
    return arguments


def _interrupted(signum: int, _frame: object) -> None:
    """SIGTERM (and SIGINT where a shell ignored it) unwind like Ctrl-C, so the cleanup in
    ``run`` and ``run_session`` stops the server and drops the scratch database."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.baseline_worker:
        print(json.dumps(baseline_worker(json.loads(sys.stdin.read()))))
        return 0
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    result = run(arguments)
    report = render_markdown(result)
    print(report)
    if arguments.output:
        Path(arguments.output).write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
