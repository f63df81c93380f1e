"""Introspection benchmark: our one-pass read against a per-table loop and pg_dump.

Builds a synthetic PostgreSQL schema of N tables in a dedicated database (created here,
dropped afterwards unless ``--keep``), then times, in one run:

* ``ours``      ``SchemaIntrospector(url).introspect()``: connect, bulk reflection, model building;
* ``bulk``      the same ``Inspector.get_multi_*`` calls alone, without building the model;
* ``loop``      the seed's pattern: for each table a fresh ``Inspector`` (so no cache) and six
                single-table calls (columns, pk, indexes, foreign keys, uniques, checks);
* ``pg_dump``   ``pg_dump --schema-only`` of the same database to /dev/null.

Usage::

    .venv/bin/python bench/introspect.py [--tables 100 1000] [--repeat 5] [--output FILE]

This is a script, not a test: timings depend on the machine (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
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
from dataclasses import dataclass
from datetime import datetime, timezone

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


def create_database(admin: DatabaseUrl, name: str, script: str) -> BenchDatabase:
    """Create ``name`` (replacing a leftover) and run the DDL script in one transaction."""
    started = time.perf_counter()
    admin_engine = sa.create_engine(
        admin.sqlalchemy_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
    )
    with admin_engine.connect() as connection:
        quoted = connection.dialect.identifier_preparer.quote(name)
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    admin_engine.dispose()
    url = DatabaseUrl(admin.sqlalchemy_url.set(database=name))
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


@dataclass(frozen=True)
class SizeResult:
    tables: int
    columns: int
    created_in: float
    ours: Timing
    bulk: Timing
    loop: Timing
    pg_dump: Timing
    ours_peak_bytes: int | None


def run_size(
    admin: DatabaseUrl,
    count: int,
    *,
    repeat: int,
    loop_repeat: int,
    memory: bool,
    keep: bool,
) -> SizeResult:
    name = f"schema_lsp_bench_{count}"
    script = ddl_script(build_metadata(count))
    log(f"[{count} tables] creating database {name} ...")
    database = create_database(admin, name, script)
    log(f"[{count} tables] created in {database.created_in:.2f} s")
    try:
        url = database.url
        tables = read_ours(url)
        if tables != count:
            raise SystemExit(f"expected {count} tables, introspect() read {tables}")
        columns = read_bulk_calls(url)
        log(f"[{count} tables] ours x{repeat} ...")
        ours = measure(lambda: read_ours(url), repeat)
        log(f"[{count} tables] bulk calls x{repeat} ...")
        bulk = measure(lambda: read_bulk_calls(url), repeat)
        log(f"[{count} tables] pg_dump x{repeat} ...")
        dump = measure(lambda: read_pg_dump(url), repeat)
        log(f"[{count} tables] per-table loop x{loop_repeat} (warm-up on 20 tables) ...")
        # A full warm-up run of the loop would cost as much as a timed one: warm SQLAlchemy's
        # compiled-statement cache and the server's catalog cache on 20 tables instead.
        read_per_table_loop(url, limit=20)
        loop = measure(lambda: read_per_table_loop(url), loop_repeat, warmup=0)
        peak = peak_memory(lambda: read_ours(url)) if memory else None
    finally:
        if keep:
            log(f"[{count} tables] kept database {name}")
        else:
            drop_database(admin, name)
    return SizeResult(count, columns, database.created_in, ours, bulk, loop, dump, peak)


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
        lines += [
            f"### {result.tables} tables ({result.columns} columns)",
            "",
            f"Schema created in {result.created_in:.2f} s.",
            "",
            "| measurement | runs | median (s) | min (s) |",
            "|---|---:|---:|---:|",
        ]
        rows = [
            ("ours: `SchemaIntrospector(url).introspect()`", result.ours),
            ("bulk `get_multi_*` calls alone", result.bulk),
            ("per-table Inspector loop (seed pattern)", result.loop),
            ("`pg_dump --schema-only`", result.pg_dump),
        ]
        for label, timing in rows:
            lines.append(
                f"| {label} | {len(timing.runs)} | {timing.median:.3f} | {timing.best:.3f} |"
            )
        lines += [
            "",
            "| ratio | median | min | target |",
            "|---|---:|---:|---|",
            _ratio_row("ours / pg_dump", result.ours, result.pg_dump, "<= 1.0 at 1000 tables"),
            _ratio_row("loop / ours", result.loop, result.ours, ">= 15 at 1000 tables"),
            _ratio_row("ours / bulk calls alone", result.ours, result.bulk, ""),
        ]
        if result.ours_peak_bytes is not None:
            lines += [
                "",
                f"Peak Python memory of one `introspect()` (tracemalloc): "
                f"{result.ours_peak_bytes / 1024 / 1024:.1f} MiB.",
            ]
        lines.append("")
    return "\n".join(lines)


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
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    parser.add_argument("--output", help="also write the Markdown report to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    admin = DatabaseUrl.parse(arguments.url)
    if admin.dialect != "postgresql":
        raise SystemExit("the introspection benchmark needs a PostgreSQL URL")
    header = machine_summary(admin)
    results = [
        run_size(
            admin,
            count,
            repeat=arguments.repeat,
            loop_repeat=arguments.loop_repeat,
            memory=not arguments.no_memory,
            keep=arguments.keep,
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
