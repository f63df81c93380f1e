"""Introspection benchmark: our one-pass read against a per-table loop and pg_dump.

Builds a synthetic PostgreSQL schema of N tables in a dedicated database (created here,
dropped afterwards unless ``--keep``), then times, in one run:

* ``ours``      ``SchemaIntrospector(url).introspect()``: connect, bulk reflection, model building;
* ``bulk``      the same ``Inspector.get_multi_*`` calls alone, without building the model;
* ``loop``      the seed's pattern: for each table a fresh ``Inspector`` (so no cache) and six
                single-table calls (columns, pk, indexes, foreign keys, uniques, checks);
* ``pg_dump``   ``pg_dump --schema-only`` of the same database to /dev/null.

Round trips of each are counted by a TCP relay; ``--relay-rtt-ms`` also times them through
that relay with added latency, since round trips are what separates them over a network.

``--wide`` measures instead three tables of 1,000 columns of mixed types, each with a
default and a comment (issue 11: within 1.5x the dump tool), on PostgreSQL against
``pg_dump --schema-only`` and on MariaDB against ``mysqldump --no-data``.

Usage::

    .venv/bin/python bench/introspect.py [--tables 100 1000] [--repeat 5] [--output FILE]
    .venv/bin/python bench/introspect.py --wide [--mysql-url URL]

This is a script, not a test: timings depend on the machine (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.schema import CreateIndex, CreateTable

from schema_lsp.introspect import SchemaIntrospector
from schema_lsp.url import DatabaseUrl

DEFAULT_URL = "postgresql://postgres@127.0.0.1/test"


# --- the synthetic schema ---------------------------------------------------------------


def table_name(number: int) -> str:
    return f"bench_{number:04d}"


def build_metadata(count: int, seed: int = 20261126) -> sa.MetaData:
    """N tables of 13 columns of varied types, 2 indexes (one multi-column, one unique), a
    CHECK, and 1-2 foreign keys to earlier tables (some with ON DELETE actions).

    Odd tables declare their unique key as a UNIQUE constraint, even ones as a unique index,
    so both reflection paths carry data. Deterministic for a given ``seed``.
    """
    chooser = random.Random(seed)
    metadata = sa.MetaData()
    for number in range(count):
        name = table_name(number)
        columns: list[sa.Column[object]] = [
            sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        ]
        if number >= 1:
            on_delete = ("CASCADE", None, "SET NULL")[number % 3]
            columns.append(
                sa.Column(
                    "parent_id",
                    sa.BigInteger,
                    sa.ForeignKey(f"{table_name(number - 1)}.id", ondelete=on_delete),
                )
            )
        else:
            columns.append(sa.Column("parent_id", sa.BigInteger))
        if number >= 2:
            target = chooser.randrange(0, number - 1)
            columns.append(
                sa.Column(
                    "owner_id",
                    sa.BigInteger,
                    sa.ForeignKey(
                        f"{table_name(target)}.id",
                        ondelete="SET NULL" if number % 2 else None,
                    ),
                )
            )
        else:
            columns.append(sa.Column("owner_id", sa.BigInteger))
        columns += [
            sa.Column("code", sa.String(32), nullable=False),
            sa.Column("name", sa.String(200), nullable=False, server_default=""),
            sa.Column("description", sa.Text),
            sa.Column("amount", sa.Numeric(10, 2), nullable=False, server_default="0"),
            sa.Column("quantity", sa.Integer, server_default="0"),
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            ),
            sa.Column("updated_at", sa.DateTime(timezone=True)),
            sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
            sa.Column("payload", postgresql.JSONB),
            sa.Column(
                "external_id",
                sa.Uuid,
                nullable=False,
                server_default=sa.text("gen_random_uuid()"),
            ),
        ]
        table = sa.Table(
            name,
            metadata,
            *columns,
            sa.CheckConstraint("amount >= 0", name=f"ck_{name}_amount"),
        )
        sa.Index(f"ix_{name}_code_created_at", table.c.code, table.c.created_at)
        if number % 2:
            table.append_constraint(sa.UniqueConstraint("external_id", name=f"uq_{name}_ext"))
        else:
            sa.Index(f"ux_{name}_ext", table.c.external_id, unique=True)
    return metadata


def ddl_script(metadata: sa.MetaData) -> str:
    """The whole schema as one SQL script, compiled by SQLAlchemy's PostgreSQL dialect."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    statements = []
    for table in metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        statements += [
            str(CreateIndex(index).compile(dialect=dialect)).strip()
            for index in sorted(table.indexes, key=lambda i: i.name or "")
        ]
    return ";\n".join(statements) + ";\n"


@dataclass(frozen=True)
class BenchDatabase:
    """A database created for one size; ``url`` points at it."""

    name: str
    url: DatabaseUrl
    created_in: float


def create_database(
    admin: DatabaseUrl, name: str, script: str, *, reuse: bool = False
) -> BenchDatabase:
    """Create ``name`` (replacing a leftover) and run the DDL script in one transaction;
    with ``reuse``, an existing database of that name is taken as it is."""
    started = time.perf_counter()
    url = DatabaseUrl(admin.sqlalchemy_url.set(database=name))
    admin_engine = sa.create_engine(
        admin.sqlalchemy_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    with admin_engine.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
        ).first()
        if reuse and exists:
            admin_engine.dispose()
            return BenchDatabase(name, url, 0.0)
        quoted = connection.dialect.identifier_preparer.quote(name)
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    admin_engine.dispose()
    engine = sa.create_engine(url.sqlalchemy_url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        # psycopg 3 sends a parameterless query with the simple protocol: one round trip.
        connection.exec_driver_sql(script)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return BenchDatabase(name, url, time.perf_counter() - started)


def drop_database(admin: DatabaseUrl, name: str) -> None:
    engine = sa.create_engine(
        admin.sqlalchemy_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    with engine.connect() as connection:
        quoted = connection.dialect.identifier_preparer.quote(name)
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    engine.dispose()


# --- what is measured -------------------------------------------------------------------


def read_ours(url: DatabaseUrl) -> int:
    """The product path: a new introspector (engine, connection, read-only transaction)."""
    introspector = SchemaIntrospector(url)
    try:
        schema = introspector.introspect()
    finally:
        introspector.dispose()
    return len(schema.tables)


def read_bulk_calls(url: DatabaseUrl) -> int:
    """The reflection calls ``introspect()`` makes, alone: same engine kind (NullPool), one
    connection in one transaction, no read-only settings and no model building."""
    engine = sa.create_engine(url.sqlalchemy_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection, connection.begin():
            inspector = sa.inspect(connection)
            columns = inspector.get_multi_columns(kind=ObjectKind.ANY)
            inspector.get_multi_pk_constraint()
            inspector.get_multi_indexes()
            inspector.get_multi_unique_constraints()
            inspector.get_multi_foreign_keys()
            inspector.get_multi_check_constraints()
            inspector.get_multi_table_comment()
            inspector.get_view_names()
            inspector.get_materialized_view_names()  # type: ignore[attr-defined]
            inspector.get_enums(schema="*")  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    return sum(len(table_columns) for table_columns in columns.values())


def read_per_table_loop(url: DatabaseUrl, limit: int | None = None) -> int:
    """The seed's pattern in SQLAlchemy: list the tables once, then per table a fresh
    Inspector (its cache starts empty, as a per-table re-read does) on one shared connection,
    and six single-table calls. The seed's Kysely code was worse still: it re-listed every
    table per table; this loop does not, so it is the kinder baseline."""
    engine = sa.create_engine(url.sqlalchemy_url, poolclass=sa.NullPool)
    count = 0
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            for name in names[:limit]:
                inspector = sa.inspect(connection)
                inspector.get_columns(name)
                inspector.get_pk_constraint(name)
                inspector.get_indexes(name)
                inspector.get_foreign_keys(name)
                inspector.get_unique_constraints(name)
                inspector.get_check_constraints(name)
                count += 1
            connection.rollback()
    finally:
        engine.dispose()
    return count


def read_seed_literal(url: DatabaseUrl) -> int:
    """The seed's code as written: ``getAllTableSchemas`` lists the tables, then for each
    one ``getTableSchema`` calls Kysely's ``getTables()`` again, which reads every table
    with its columns, and picks one. In SQLAlchemy: per table, a fresh Inspector and a
    full ``get_multi_columns()``. Quadratic; measured once (``--seed-literal``)."""
    engine = sa.create_engine(url.sqlalchemy_url, poolclass=sa.NullPool)
    count = 0
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            for name in names:
                every_table = sa.inspect(connection).get_multi_columns(kind=ObjectKind.ANY)
                count += bool(every_table[(None, name)])
            connection.rollback()
    finally:
        engine.dispose()
    return count


def pg_dump_command(url: DatabaseUrl) -> tuple[list[str], dict[str, str]]:
    """``pg_dump --schema-only`` with the URL's host, port and user; the password travels in
    the environment, never on the command line."""
    executable = shutil.which("pg_dump")
    if executable is None:
        raise SystemExit("pg_dump is not on PATH (apt-get install postgresql-client)")
    parts = url.sqlalchemy_url
    command = [executable, "--schema-only", "--no-password", "-h", parts.host or "127.0.0.1"]
    if parts.port:
        command += ["-p", str(parts.port)]
    if parts.username:
        command += ["-U", parts.username]
    command += ["-d", parts.database or "", "-f", os.devnull]
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = url.password
    return command, environment


def read_pg_dump(url: DatabaseUrl) -> int:
    command, environment = pg_dump_command(url)
    completed = subprocess.run(command, env=environment, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"pg_dump failed: {url.scrub(completed.stderr.strip())}")
    return 0


# --- network latency --------------------------------------------------------------------


class LatencyProxy:
    """A TCP relay to the database server, in its own process (so it does not compete for the
    benchmark's GIL), that holds every chunk for half of ``added_rtt`` in each direction and
    counts round trips: the client's turns to speak after the server has spoken.

    Used as ``with LatencyProxy(host, port, 0.001) as proxy: ... proxy.port``.
    """

    def __init__(self, host: str, port: int, added_rtt: float) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.host = host
        self.target_port = port
        self.added_rtt = added_rtt
        self._turns = context.Value("q", 0)
        self._port = context.Value("i", 0)
        self._ready = context.Event()
        self._process = context.Process(
            target=_run_relay,
            args=(host, port, added_rtt / 2, self._turns, self._port, self._ready),
            daemon=True,
        )
        self.port = 0

    @property
    def round_trips(self) -> int:
        return int(self._turns.value)

    def __enter__(self) -> LatencyProxy:
        self._process.start()
        if not self._ready.wait(10):
            raise SystemExit("the latency proxy did not start")
        self.port = int(self._port.value)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._process.terminate()
        self._process.join(5)


def _run_relay(
    host: str, port: int, one_way: float, turns: Any, bound_port: Any, ready: Any
) -> None:
    async def pipe(
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        from_client: bool,
        last_speaker: list[bool],
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

        async def deliver() -> None:
            while (item := await queue.get()) is not None:
                due, data = item
                if (wait := due - loop.time()) > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.create_task(deliver())
        try:
            while data := await reader.read(1 << 16):
                if from_client and not last_speaker[0]:
                    with turns.get_lock():
                        turns.value += 1
                last_speaker[0] = from_client
                queue.put_nowait((loop.time() + one_way, data))
        except OSError:
            pass
        finally:
            queue.put_nowait(None)
            await asyncio.gather(sender, return_exceptions=True)

    async def relay(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter):
        server_reader, server_writer = await asyncio.open_connection(host, port)
        last_speaker = [False]
        await asyncio.gather(
            pipe(client_reader, server_writer, True, last_speaker),
            pipe(server_reader, client_writer, False, last_speaker),
            return_exceptions=True,
        )

    async def serve() -> None:
        server = await asyncio.start_server(relay, "127.0.0.1", 0)
        bound_port.value = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def through(url: DatabaseUrl, proxy: LatencyProxy | None) -> DatabaseUrl:
    if proxy is None:
        return url
    return DatabaseUrl(url.sqlalchemy_url.set(host="127.0.0.1", port=proxy.port))


def measured_rtt(url: DatabaseUrl, samples: int = 50) -> float:
    """Median seconds of ``SELECT 1`` on an open connection: the round trip as a query sees it."""
    engine = sa.create_engine(url.sqlalchemy_url, poolclass=sa.NullPool)
    runs = []
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1").scalar_one()
        for _ in range(samples):
            started = time.perf_counter()
            connection.exec_driver_sql("SELECT 1").scalar_one()
            runs.append(time.perf_counter() - started)
    engine.dispose()
    return statistics.median(runs)


# --- timing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of the measured repetitions (warm-up excluded)."""

    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def best(self) -> float:
        return min(self.runs)


def measure(action: Callable[[], object], repeat: int, warmup: int = 1) -> Timing:
    for _ in range(warmup):
        action()
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return Timing(tuple(runs))


def peak_memory(action: Callable[[], object]) -> int:
    """Peak bytes allocated by Python during one call (tracemalloc, so slower than timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


APPROACHES: dict[str, str] = {
    "ours": "ours: `SchemaIntrospector(url).introspect()`",
    "bulk": "bulk `get_multi_*` calls alone",
    "loop": "per-table Inspector loop (linear; kinder than the seed)",
    "pg_dump": "`pg_dump --schema-only`",
}


def approach_actions(url: DatabaseUrl) -> dict[str, Callable[[], object]]:
    return {
        "ours": lambda: read_ours(url),
        "bulk": lambda: read_bulk_calls(url),
        "loop": lambda: read_per_table_loop(url),
        "pg_dump": lambda: read_pg_dump(url),
    }


@dataclass(frozen=True)
class Measurement:
    """The four approaches straight to the server (``added_rtt`` None) or through the relay."""

    added_rtt: float | None
    measured_rtt: float
    timings: dict[str, Timing]


def print_profile(action: Callable[[], object], lines: int) -> None:
    """Where one call spends its time, by cumulative time, on stderr."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(action)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(lines)


@dataclass(frozen=True)
class SizeResult:
    tables: int
    columns: int
    created_in: float
    round_trips: dict[str, int]
    ours_peak_bytes: int | None
    measurements: list[Measurement]
    seed_literal: float | None = None  # seconds of one run, with --seed-literal


def count_round_trips(url: DatabaseUrl) -> dict[str, int]:
    """Round trips of one run of each approach, counted by a relay that adds no delay."""
    parts = url.sqlalchemy_url
    counts = {}
    with LatencyProxy(parts.host or "127.0.0.1", parts.port or 5432, 0.0) as proxy:
        for key, action in approach_actions(through(url, proxy)).items():
            before = proxy.round_trips
            action()
            time.sleep(0.2)  # let the relay see the client's closing message
            counts[key] = proxy.round_trips - before
    return counts


def measure_at(
    url: DatabaseUrl, added_rtt: float | None, *, repeat: int, loop_repeat: int, label: str
) -> Measurement:
    parts = url.sqlalchemy_url
    proxy = (
        LatencyProxy(parts.host or "127.0.0.1", parts.port or 5432, added_rtt)
        if added_rtt is not None
        else None
    )
    with proxy or nullcontext():
        target = through(url, proxy)
        rtt = measured_rtt(target)
        actions = approach_actions(target)
        timings = {}
        for key, action in actions.items():
            if key == "loop":
                log(f"{label} per-table loop x{loop_repeat} (warm-up on 20 tables) ...")
                # A full warm-up of the loop costs as much as a timed run: warm SQLAlchemy's
                # compiled-statement cache and the server's catalog cache on 20 tables.
                read_per_table_loop(target, limit=20)
                timings[key] = measure(action, loop_repeat, warmup=0)
            else:
                log(f"{label} {key} x{repeat} ...")
                timings[key] = measure(action, repeat)
    return Measurement(added_rtt, rtt, timings)


def run_size(
    admin: DatabaseUrl,
    count: int,
    *,
    added_rtts: Sequence[float | None],
    repeat: int,
    loop_repeat: int,
    memory: bool,
    keep: bool,
    reuse: bool,
    profile_lines: int | None = None,
    seed_literal: bool = False,
) -> SizeResult:
    name = f"schema_lsp_bench_{count}"
    script = ddl_script(build_metadata(count))
    log(f"[{count} tables] creating database {name} ...")
    database = create_database(admin, name, script, reuse=reuse)
    log(f"[{count} tables] created in {database.created_in:.2f} s")
    try:
        url = database.url
        tables = read_ours(url)
        if tables != count:
            raise SystemExit(f"expected {count} tables in {name}, introspect() read {tables}")
        columns = read_bulk_calls(url)
        log(f"[{count} tables] counting round trips ...")
        round_trips = count_round_trips(url)
        peak = peak_memory(lambda: read_ours(url)) if memory else None
        if profile_lines:
            log(f"[{count} tables] cProfile of one introspect():")
            print_profile(lambda: read_ours(url), profile_lines)
        measurements = [
            measure_at(
                url,
                added_rtt,
                repeat=repeat,
                loop_repeat=loop_repeat,
                label=f"[{count} tables, {_network(added_rtt)}]",
            )
            for added_rtt in added_rtts
        ]
        seed_seconds = None
        if seed_literal:
            log(f"[{count} tables] the seed's literal pattern, one run ...")
            started = time.perf_counter()
            read_seed_literal(url)
            seed_seconds = time.perf_counter() - started
    finally:
        if keep:
            log(f"[{count} tables] kept database {name}")
        else:
            drop_database(admin, name)
    return SizeResult(
        count, columns, database.created_in, round_trips, peak, measurements, seed_seconds
    )


# --- report -----------------------------------------------------------------------------


def server_version(admin: DatabaseUrl) -> str:
    engine = sa.create_engine(admin.sqlalchemy_url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SHOW server_version").scalar_one()
    engine.dispose()
    return str(version)


def machine_summary(admin: DatabaseUrl) -> list[str]:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kilobytes = int(meminfo.readline().split()[1])
        memory = f", {kilobytes / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    dump_version = subprocess.run(
        [shutil.which("pg_dump") or "pg_dump", "--version"], capture_output=True, text=True
    ).stdout.strip()
    return [
        f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs{memory}, {platform.system()}",
        f"- Python {platform.python_version()}, SQLAlchemy {sa.__version__}, "
        f"psycopg {_psycopg_version()}",
        f"- PostgreSQL server {server_version(admin)} on {admin.describe()}; {dump_version}",
    ]


def _psycopg_version() -> str:
    try:
        import psycopg

        return psycopg.__version__
    except ImportError:
        return "not installed"


def render_markdown(results: Sequence[SizeResult], header: list[str]) -> str:
    lines = ["## Introspection benchmark", "", *header, ""]
    for result in results:
        for measurement in result.measurements:
            lines += _render_measurement(result, measurement)
    return "\n".join(lines)


def _render_measurement(result: SizeResult, measurement: Measurement) -> list[str]:
    timings = measurement.timings
    network = _network(measurement.added_rtt)
    lines = [
        f"### {result.tables} tables ({result.columns} columns), {network}",
        "",
        f"`SELECT 1` round trip: {measurement.measured_rtt * 1000:.2f} ms."
        + (f" Schema created in {result.created_in:.2f} s." if result.created_in else ""),
        "",
        "| measurement | round trips | runs | median (s) | min (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in APPROACHES.items():
        timing = timings[key]
        lines.append(
            f"| {label} | {result.round_trips.get(key, '?')} | {len(timing.runs)} "
            f"| {timing.median:.3f} | {timing.best:.3f} |"
        )
    lines += [
        "",
        "| ratio | median | min | target |",
        "|---|---:|---:|---|",
        _ratio_row("ours / pg_dump", timings["ours"], timings["pg_dump"], "<= 1.0 at 1000"),
        _ratio_row("loop / ours", timings["loop"], timings["ours"], ">= 15 at 1000"),
        _ratio_row("ours / bulk calls alone", timings["ours"], timings["bulk"], ""),
    ]
    if result.seed_literal is not None and measurement.added_rtt is None:
        lines += [
            "",
            f"The seed's literal pattern (every table's columns re-read per table), one run: "
            f"{result.seed_literal:.2f} s, {result.seed_literal / timings['ours'].median:.0f}x "
            "ours (median).",
        ]
    if result.ours_peak_bytes is not None:
        lines += [
            "",
            f"Peak Python memory of one `introspect()` (tracemalloc): "
            f"{result.ours_peak_bytes / 1024 / 1024:.1f} MiB.",
        ]
    lines.append("")
    return lines


def _network(added_rtt: float | None) -> str:
    if added_rtt is None:
        return "straight to the server"
    return f"through the relay set to +{added_rtt * 1000:g} ms per round trip"


def _ratio_row(label: str, top: Timing, bottom: Timing, target: str) -> str:
    return (
        f"| {label} | {top.median / bottom.median:.2f} | {top.best / bottom.best:.2f} | {target} |"
    )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, nargs="+", default=[100, 1000], metavar="N")
    parser.add_argument(
        "--url",
        default=DEFAULT_URL,
        help="an admin URL on the server; benchmark databases are created beside it",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of ours, bulk, pg_dump")
    parser.add_argument(
        "--loop-repeat", type=int, default=3, help="timed runs of the per-table loop"
    )
    parser.add_argument(
        "--relay-rtt-ms",
        type=float,
        nargs="+",
        default=[],
        metavar="MS",
        help="also measure through a TCP relay (like Docker's userland proxy) that holds "
        "traffic for MS ms per round trip; 0 adds only the relay's own cost",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--seed-literal",
        action="store_true",
        help="also time the seed's code as written once (quadratic: minutes at 1000 tables)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="LINES",
        nargs="?",
        const=30,
        help="print a cProfile of one introspect() per size to stderr (top LINES by cumtime)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    parser.add_argument(
        "--reuse", action="store_true", help="use an existing benchmark database as it is"
    )
    parser.add_argument("--output", help="also write the Markdown report to this file")
    parser.add_argument(
        "--wide", action="store_true", help="time 3 tables of 1,000 columns instead (see above)"
    )
    parser.add_argument(
        "--mysql-url",
        default="mysql+pymysql://root@127.0.0.1/test",
        help="the MariaDB/MySQL server for --wide",
    )
    return parser.parse_args(argv)


# --- wide tables ------------------------------------------------------------------------

#: (PostgreSQL type and default, MariaDB type and default): InnoDB rows hold at most ~8 KB,
#: so MariaDB's wide table uses narrow types
WIDE_TYPES = (
    ("integer DEFAULT 0", "integer DEFAULT 0"),
    ("varchar(50) DEFAULT 'x'", "boolean DEFAULT false"),
    ("numeric(10, 2) DEFAULT 1.5", "date DEFAULT '2020-01-01'"),
    ("timestamp DEFAULT now()", "smallint DEFAULT 3"),
    ("boolean DEFAULT false", "tinyint DEFAULT 1"),
    ("text DEFAULT ''", "date"),
)


def wide_script(dialect: str, tables: int = 3, columns: int = 1000) -> list[str]:
    which = 0 if dialect == "postgresql" else 1
    statements = []
    for table in range(tables):
        parts = []
        for number in range(columns):
            kind = WIDE_TYPES[number % len(WIDE_TYPES)][which]
            comment = f"column {number} of table {table}"
            parts.append(f"c{number} {kind}" + ("" if which == 0 else f" COMMENT '{comment}'"))
        statements.append(f"CREATE TABLE wide_{table} (id integer PRIMARY KEY, {', '.join(parts)})")
        if which == 0:
            statements += [
                f"COMMENT ON COLUMN wide_{table}.c{number} IS 'column {number} of table {table}'"
                for number in range(columns)
            ]
    return statements


def run_wide(admin: DatabaseUrl, repeat: int) -> tuple[Timing, Timing]:
    """(ours, the dump tool) on a fresh database of wide tables, dropped afterwards."""
    dialect = "postgresql" if admin.dialect == "postgresql" else "mysql"
    name = "sl_bench_wide"
    engine = sa.create_engine(admin.sqlalchemy_url, isolation_level="AUTOCOMMIT")
    force = " WITH (FORCE)" if dialect == "postgresql" else ""
    with engine.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = DatabaseUrl(admin.sqlalchemy_url.set(database=name))
    try:
        target = sa.create_engine(url.sqlalchemy_url, poolclass=sa.NullPool)
        with target.begin() as connection:
            for statement in wide_script(dialect):
                connection.exec_driver_sql(statement)
        target.dispose()

        def ours() -> object:
            introspector = SchemaIntrospector(url, statement_timeout=600)
            try:
                return introspector.introspect()
            finally:
                introspector.dispose()

        if dialect == "postgresql":
            dump: Callable[[], object] = lambda: read_pg_dump(url)  # noqa: E731
        else:
            parts = url.sqlalchemy_url
            command = ["mysqldump", "--no-data", "-h", parts.host or "127.0.0.1"]
            command += ["-P", str(parts.port or 3306), "-u", parts.username or "root", name]
            dump = lambda: subprocess.run(command, capture_output=True, check=True)  # noqa: E731
        return measure(ours, repeat), measure(dump, repeat)
    finally:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
        engine.dispose()


def main_wide(arguments: argparse.Namespace) -> int:
    lines = [
        "| database | schema-lsp | dump tool | ratio | target |",
        "|---|--:|--:|--:|--:|",
    ]
    for text, tool in (
        (arguments.url, "pg_dump --schema-only"),
        (arguments.mysql_url, "mysqldump --no-data"),
    ):
        ours, dump = run_wide(DatabaseUrl.parse(text), arguments.repeat)
        ratio = ours.median / dump.median
        lines.append(
            f"| {DatabaseUrl.parse(text).dialect} | {ours.median:.2f} s | {dump.median:.2f} s "
            f"({tool}) | {ratio:.2f}x | <= 1.5x |"
        )
    report = "\n".join(["3 tables x 1,000 columns, each with a default and a comment", "", *lines])
    print(report)
    if arguments.output:
        with open(arguments.output, "w") as output:
            output.write(report + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.wide:
        return main_wide(arguments)
    admin = DatabaseUrl.parse(arguments.url)
    if admin.dialect != "postgresql":
        raise SystemExit("the introspection benchmark needs a PostgreSQL URL")
    header = machine_summary(admin)
    results = [
        run_size(
            admin,
            count,
            added_rtts=[None, *(milliseconds / 1000 for milliseconds in arguments.relay_rtt_ms)],
            repeat=arguments.repeat,
            loop_repeat=arguments.loop_repeat,
            memory=not arguments.no_memory,
            keep=arguments.keep,
            reuse=arguments.reuse,
            profile_lines=arguments.profile,
            seed_literal=arguments.seed_literal,
        )
        for count in arguments.tables
    ]
    report = render_markdown(results, header)
    print(report)
    if arguments.output:
        with open(arguments.output, "w") as output:
            output.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
