"""Parse + diff benchmark: the full check and a one-file re-check, next to ``ast.parse``.

Generates a realistic SQLAlchemy 2.0 models workspace (N entities, default 300: typed
``Mapped``/``mapped_column``, ``Optional``, server defaults, foreign keys to earlier entities,
``__table_args__`` with ``Index``/``UniqueConstraint``/``CheckConstraint``, mixins, an enum,
relationships), once as a single file and once split into a base module plus files of 10
entities. The database is built for real: the single file is imported (it is our own
generated code) and ``create_all`` runs on a SQLite file, then ``SchemaIntrospector`` reads
it once and the ``DatabaseSchema`` is kept in memory, as the server caches it. Then, in one
run:

* ``ast.parse``   of the single file's text: the baseline;
* full check      a fresh ``WorkspaceIndex``, ``update`` of the single file, ``entities()``,
                  ``compare`` of every entity against the cached schema (interleaved with
                  ``ast.parse``, each also with the cyclic collector paused);
* cold workspace  the same over the split workspace (what the server does on start-up);
* re-check        the split workspace warm, then per edit (one column's type changed in one
                  file): ``update`` + ``dependents`` + ``entities_in`` of each + ``compare``;
* base re-check   the same for an edit of the base module (every file depends on it).

Wall clock, CPU time and time in cyclic GC are reported; cProfile tables are appended when
a target is missed. It also checks that the generated models show zero differences against
their own database (SQLite, and each ``--server`` given).

Usage::

    .venv/bin/python bench/diff.py [--entities 300] [--repeat 15] [--edits 50]
        [--server postgresql://postgres@127.0.0.1/postgres] [--profile] [--output FILE]

This is a script, not a test: timings depend on the machine (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import gc
import importlib.util
import io
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from schema_lsp.diff import CompareOptions, SchemaDifference, compare
from schema_lsp.entities import EntitySchema, WorkspaceIndex
from schema_lsp.introspect import SchemaIntrospector
from schema_lsp.schema import DatabaseSchema
from schema_lsp.url import DatabaseUrl

FULL_CHECK_TARGET = 3.0  # x ast.parse
RECHECK_TARGET_MS = 20.0
PER_FILE = 10

# --- the generated models -----------------------------------------------------------------

NOUNS = [
    "account",
    "customer",
    "invoice",
    "order",
    "product",
    "shipment",
    "warehouse",
    "supplier",
    "payment",
    "refund",
    "ticket",
    "project",
    "task",
    "comment",
    "attachment",
    "tag",
    "category",
    "review",
    "coupon",
    "campaign",
    "employee",
    "department",
    "contract",
    "vendor",
    "asset",
    "license",
    "device",
    "session",
    "address",
    "region",
]

HEADER = """\
import datetime
import decimal
import enum
import uuid
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
"""

BASE_BODY = '''

class Base(DeclarativeBase):
    pass


class Status(enum.Enum):
    draft = "draft"
    active = "active"
    archived = "archived"


class TimestampMixin:
    """Creation and update times, set by the database."""

    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))


class AuditMixin:
    created_by: Mapped[Optional[str]] = mapped_column(String(64))
    deleted_at: Mapped[Optional[datetime.datetime]]
'''

SPLIT_IMPORT = "from app.models.base import AuditMixin, Base, Status, TimestampMixin\n"


def class_name(number: int) -> str:
    return f"{NOUNS[number % len(NOUNS)].capitalize()}{number:04d}"


def table_name(number: int) -> str:
    return f"{NOUNS[number % len(NOUNS)]}_{number:04d}"


@dataclass(frozen=True)
class Workspace:
    """The same entities as one file and as a base module plus files of PER_FILE entities."""

    single: str  # the whole models file
    base: str  # app/models/base.py
    parts: tuple[str, ...]  # app/models/part_NN.py
    entities: int


def entity_source(number: int, chooser: random.Random) -> str:
    """One mapped class of 10-15 columns (mixins included), deterministic for the chooser."""
    name, table = class_name(number), table_name(number)
    mixins = []
    if number % 2 == 0:
        mixins.append("TimestampMixin")
    if number % 5 == 0:
        mixins.append("AuditMixin")
    lines = [f"class {name}({', '.join([*mixins, 'Base'])}):", f'    __tablename__ = "{table}"']
    args = [f'Index("ix_{table}_code_name", "code", "name")']
    if number % 3 == 0:
        args.append(f'UniqueConstraint("tenant", "code", name="uq_{table}_tenant_code")')
    if number % 7 == 0:
        args.append(f'CheckConstraint("quantity >= 0", name="ck_{table}_quantity")')
    lines.append("    __table_args__ = (")
    lines += [f"        {arg}," for arg in args]
    lines.append("    )")
    lines.append("")
    lines.append("    id: Mapped[int] = mapped_column(primary_key=True)")
    relationship_line = None
    if number >= 1:
        target = number - 1
        same_file = target // PER_FILE == number // PER_FILE
        reference = f"{class_name(target)}.id" if same_file else f'"{table_name(target)}.id"'
        on_delete = ('ondelete="CASCADE"', None, 'ondelete="SET NULL"')[number % 3]
        fk = ", ".join(filter(None, [reference, on_delete]))
        lines.append(
            f"    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey({fk}), index=True)"
        )
        relationship_line = (
            f'    parent: Mapped[Optional["{class_name(target)}"]] = '
            "relationship(foreign_keys=[parent_id])"
        )
    if number >= 2:
        target = chooser.randrange(0, number - 1)
        lines.append(
            "    owner_id: Mapped[Optional[int]] = mapped_column(\n"
            f'        ForeignKey("{table_name(target)}.id", ondelete="SET NULL"), comment="owner"\n'
            "    )"
        )
    lines += [
        '    tenant: Mapped[int] = mapped_column(server_default=text("0"))',
        "    code: Mapped[str] = mapped_column(String(32))",
        '    name: Mapped[str] = mapped_column(String(200), server_default="")',
    ]
    optional = [
        "    description: Mapped[Optional[str]] = mapped_column(Text)",
        '    amount: Mapped[decimal.Decimal] = mapped_column(Numeric(12, 2), server_default="0")',
        '    quantity: Mapped[int] = mapped_column(server_default=text("0"))',
        "    is_active: Mapped[bool] = mapped_column(server_default=true())",
        "    status: Mapped[Status] = mapped_column(default=Status.draft)",
        "    score: Mapped[Optional[float]]",
        "    payload: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)",
        "    external_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)",
        "    starts_on: Mapped[Optional[datetime.date]] = mapped_column(Date)",
        "    email: Mapped[Optional[str]] = mapped_column(String(320), index=True)",
        '    weight: Mapped[Optional[int]] = mapped_column(BigInteger, comment="grams")',
    ]
    picked = set(chooser.sample(range(len(optional)), chooser.randint(5, 8)))
    if number % 7 == 0:
        picked.add(2)  # the CHECK constraint needs the quantity column
    lines += [optional[i] for i in sorted(picked)]
    if relationship_line:
        lines.append("")
        lines.append(relationship_line)
    return "\n".join(lines) + "\n"


def generate(count: int, seed: int = 20261126) -> Workspace:
    chooser = random.Random(seed)
    classes = [entity_source(number, chooser) for number in range(count)]
    single = HEADER + BASE_BODY + "".join("\n\n" + source for source in classes)
    base = HEADER + BASE_BODY
    parts = []
    for start in range(0, count, PER_FILE):
        body = "".join("\n\n" + source for source in classes[start : start + PER_FILE])
        parts.append(HEADER + SPLIT_IMPORT + body)
    return Workspace(single, base, tuple(parts), count)


def write_workspace(root: Path, workspace: Workspace) -> tuple[Path, Path, list[Path]]:
    """``root/single/models.py``, and ``root/split/app/models/{base,part_NN}.py``."""
    single = root / "single" / "models.py"
    single.parent.mkdir(parents=True)
    single.write_text(workspace.single)
    package = root / "split" / "app" / "models"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    base = package / "base.py"
    base.write_text(workspace.base)
    parts = []
    for number, text in enumerate(workspace.parts):
        path = package / f"part_{number:02d}.py"
        path.write_text(text)
        parts.append(path)
    return single, base, parts


def load_models(models: Path) -> sa.MetaData:
    """Import the generated file (our own generated code, never a user's) for its metadata."""
    spec = importlib.util.spec_from_file_location("schema_lsp_bench_models", models)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    sa.orm.configure_mappers()  # the generated relationships are valid SQLAlchemy
    metadata: sa.MetaData = module.Base.metadata
    return metadata


def read_schema(url: str | DatabaseUrl) -> DatabaseSchema:
    introspector = SchemaIntrospector(url)
    try:
        return introspector.introspect()
    finally:
        introspector.dispose()


def build_sqlite(metadata: sa.MetaData, database: Path) -> DatabaseSchema:
    """``create_all`` into a new SQLite file, read back once (the cached schema)."""
    url = f"sqlite:///{database}"
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    return read_schema(url)


BENCH_DATABASE = "schema_lsp_bench_diff"


def build_on_server(metadata: sa.MetaData, admin: DatabaseUrl) -> DatabaseSchema:
    """``create_all`` into a database created for the purpose beside ``admin``'s (dropped
    again by ``drop_on_server``), read back once."""
    engine = sa.create_engine(admin.sqlalchemy_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        quoted = connection.dialect.identifier_preparer.quote(BENCH_DATABASE)
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted}")
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    engine.dispose()
    url = DatabaseUrl(admin.sqlalchemy_url.set(database=BENCH_DATABASE))
    engine = sa.create_engine(url.sqlalchemy_url)
    metadata.create_all(engine)
    engine.dispose()
    return read_schema(url)


def drop_on_server(admin: DatabaseUrl) -> None:
    engine = sa.create_engine(admin.sqlalchemy_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        quoted = connection.dialect.identifier_preparer.quote(BENCH_DATABASE)
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted}")
    engine.dispose()


@dataclass(frozen=True)
class SelfCheck:
    """The generated models against their own ``create_all`` database on one dialect."""

    dialect: str
    server_version: str
    default: list[SchemaDifference]
    everything: list[SchemaDifference]


EVERYTHING = CompareOptions(unmapped_tables=True, comments=True, check_constraints=True)


def self_check(entities: list[EntitySchema], schema: DatabaseSchema) -> SelfCheck:
    entities = [entity.for_dialect(schema.dialect) for entity in entities]
    return SelfCheck(
        schema.dialect,
        schema.server_version,
        compare(entities, schema, CompareOptions()),
        compare(entities, schema, EVERYTHING),
    )


# --- what is measured ---------------------------------------------------------------------


def full_check(path: Path, text: str, root: Path, schema: DatabaseSchema) -> list[float]:
    """Seconds of update (parse), entities() (build) and compare, in a fresh index."""
    started = time.perf_counter()
    index = WorkspaceIndex([root])
    index.update(path, text)
    parsed = time.perf_counter()
    entities = index.entities()
    built = time.perf_counter()
    compare(entities, schema, CompareOptions())
    done = time.perf_counter()
    return [parsed - started, built - parsed, done - built]


def cold_workspace(files: dict[Path, str], root: Path, schema: DatabaseSchema) -> int:
    index = WorkspaceIndex([root])
    for path, text in files.items():
        index.update(path, text)
    return len(compare(index.entities(), schema, CompareOptions()))


def recheck(
    index: WorkspaceIndex,
    path: Path,
    text: str,
    schema: DatabaseSchema,
    phases: list[list[float]] | None = None,
) -> list[SchemaDifference]:
    """What the server does after a didChange: re-parse one file, re-check it and the
    files that depend on it. ``phases`` receives the seconds of update, of dependents +
    entities_in (the rebuild) and of compare."""
    started = time.perf_counter()
    index.update(path, text)
    parsed = time.perf_counter()
    entities = [
        entity for other in sorted(index.dependents(path)) for entity in index.entities_in(other)
    ]
    built = time.perf_counter()
    found = compare(entities, schema, CompareOptions())
    if phases is not None:
        phases.append([parsed - started, built - parsed, time.perf_counter() - built])
    return found


def edited_part(text: str, generation: int) -> str:
    """One column's type changed: ``code`` becomes String(33 + generation)."""
    old = "    code: Mapped[str] = mapped_column(String(32))"
    assert old in text
    return text.replace(old, old.replace("String(32)", f"String({33 + generation})"), 1)


def edited_base(text: str, generation: int) -> str:
    old = "created_by: Mapped[Optional[str]] = mapped_column(String(64))"
    assert old in text
    return text.replace(old, old.replace("String(64)", f"String({65 + generation})"), 1)


class GcClock:
    """Seconds spent in cyclic garbage collection, summed from ``gc.callbacks``: the
    collector runs inside whatever code allocates, so profiles charge it to random lines."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._started


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of the measured repetitions (warm-up excluded), and of each the
    seconds spent in cyclic garbage collection."""

    runs: tuple[float, ...]
    collecting: tuple[float, ...] = ()
    cpu: tuple[float, ...] = ()  # process CPU seconds: what other jobs' load does not inflate

    @classmethod
    def of(cls, samples: Sequence[tuple[float, float, float]]) -> Timing:
        """From ``timed`` samples: (wall, collector, CPU) seconds."""
        return cls(
            tuple(s[0] for s in samples), tuple(s[1] for s in samples), tuple(s[2] for s in samples)
        )

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def p95(self) -> float:
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def gc_median(self) -> float:
        return statistics.median(self.collecting) if self.collecting else 0.0


def timed(action: Callable[[], object], paused: bool = False) -> tuple[float, float, float]:
    """Wall-clock seconds of one call after a full collection, the collector's share of
    them, and the process CPU seconds of the call; ``paused`` runs it with the collector off."""
    gc.collect()
    if paused:
        gc.disable()
    try:
        with GcClock() as clock:
            cpu = time.process_time()
            started = time.perf_counter()
            action()
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
    finally:
        gc.enable()
    return elapsed, clock.total, cpu


def timed_recheck(
    index: WorkspaceIndex,
    path: Path,
    text: str,
    schema: DatabaseSchema,
    phases: list[list[float]] | None = None,
) -> tuple[tuple[float, float, float], int]:
    """``timed`` of one ``recheck``, and how many differences it found."""
    found: list[SchemaDifference] = []
    sample = timed(lambda: found.extend(recheck(index, path, text, schema, phases)))
    return sample, len(found)


def measure_interleaved(
    actions: dict[str, Callable[[], object]], repeat: int, warmup: int = 2, paused: bool = False
) -> dict[str, Timing]:
    """Each round runs every action once, so load from other jobs on the machine falls on
    all of them alike and their ratio stays meaningful. With ``paused`` every action also
    runs with the collector off, under the key ``<key>/paused``."""
    for _ in range(warmup):
        for action in actions.values():
            action()
    modes = (False, True) if paused else (False,)
    runs: dict[str, list[tuple[float, float, float]]] = {
        key + ("/paused" if mode else ""): [] for key in actions for mode in modes
    }
    for _ in range(repeat):
        for key, action in actions.items():
            for mode in modes:
                runs[key + ("/paused" if mode else "")].append(timed(action, mode))
    return {key: Timing.of(samples) for key, samples in runs.items()}


def profile_table(action: Callable[[], object], lines: int) -> str:
    """The top entries of one profiled call, by own time and by cumulative time."""
    profiler = cProfile.Profile()
    gc.collect()
    gc.disable()  # see GcClock: the collector's time would be charged to random lines
    try:
        profiler.runcall(action)
    finally:
        gc.enable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    return "\n".join(
        line.rstrip()
        for line in out.getvalue().splitlines()
        if line.strip() and not line.startswith(("   Ordered by", "   List reduced"))
    )


# --- the run ------------------------------------------------------------------------------


@dataclass
class Result:
    entities: int
    lines: int
    parts: int
    tables: int
    columns: int
    self_checks: list[SelfCheck]
    split_differences: int
    ast_parse: Timing
    full: Timing
    ast_paused: Timing
    full_paused: Timing
    phases: list[Timing]
    cold: Timing
    recheck: Timing
    recheck_phases: list[Timing]
    recheck_counts: list[int]
    base_recheck: Timing
    base_counts: list[int]
    base_expected: int
    profiles: dict[str, str]


def run(
    count: int,
    repeat: int,
    edits: int,
    profile_lines: int,
    force_profile: bool,
    servers: Sequence[DatabaseUrl] = (),
) -> Result:
    workspace = generate(count)
    with tempfile.TemporaryDirectory(prefix="schema_lsp_bench_diff_") as directory:
        root = Path(directory)
        single, base, parts = write_workspace(root, workspace)
        log(f"{count} entities, {workspace.single.count(chr(10))} lines; building the database")
        metadata = load_models(single)
        schema = build_sqlite(metadata, root / "bench.sqlite")
        text = workspace.single
        split_root = root / "split"
        files = {base: workspace.base} | dict(zip(parts, workspace.parts, strict=True))

        # Correctness first: the generated models against their own database.
        index = WorkspaceIndex([root / "single"])
        index.update(single, text)
        entities = index.entities()
        self_checks = [self_check(entities, schema)]
        for admin in servers:
            log(f"self-check on {admin.masked}")
            try:
                self_checks.append(self_check(entities, build_on_server(metadata, admin)))
            finally:
                drop_on_server(admin)
        split_differences = cold_workspace(files, split_root, schema)
        for checked in self_checks:
            log(
                f"{checked.dialect}: {len(checked.default)} differences "
                f"({len(checked.everything)} with every option)"
            )
        log(f"split workspace: {split_differences} differences")
        if len(entities) != count:
            log(f"warning: the parser found {len(entities)} entities, expected {count}")

        log(f"ast.parse and full check, interleaved x{repeat}")
        phase_runs: list[list[float]] = []
        baseline = measure_interleaved(
            {
                "ast": lambda: ast.parse(text),
                "full": lambda: phase_runs.append(
                    full_check(single, text, root / "single", schema)
                ),
            },
            repeat,
            paused=True,
        )
        ast_parse, full = baseline["ast"], baseline["full"]
        # phase_runs: 2 warm-ups, then per round one run as is and one paused
        phases = [Timing(tuple(run[i] for run in phase_runs[2::2])) for i in range(3)]
        log(f"cold split workspace x{repeat}")
        cold = measure_interleaved(
            {"cold": lambda: cold_workspace(files, split_root, schema)}, repeat
        )["cold"]

        log(f"one-file re-check x{edits}")
        warm = WorkspaceIndex([split_root])
        for path, source in files.items():
            warm.update(path, source)
        warm.entities()
        recheck_counts: list[int] = []
        recheck_phases: list[list[float]] = []
        runs = []
        for generation in range(-3, edits):  # three warm-up edits
            number = generation % len(parts)
            edited = edited_part(workspace.parts[number], generation + 3)
            elapsed, found = timed_recheck(warm, parts[number], edited, schema, recheck_phases)
            if generation >= 0:
                runs.append(elapsed)
                recheck_counts.append(found)
        recheck_timing = Timing.of(runs)
        recheck_split = [Timing(tuple(run[i] for run in recheck_phases[3:])) for i in range(3)]

        base_runs: list[tuple[float, float, float]] = []
        base_counts: list[int] = []
        base_edits = max(5, edits // 5)
        log(f"base-module re-check x{base_edits}")
        for generation in range(-1, base_edits):
            edited = edited_base(workspace.base, generation + 1)
            elapsed, found = timed_recheck(warm, base, edited, schema)
            if generation >= 0:
                base_runs.append(elapsed)
                base_counts.append(found)
        base_timing = Timing.of(base_runs)

        full_ratio = full.median / ast_parse.median
        profiles = {}
        if force_profile or full_ratio > FULL_CHECK_TARGET:
            profiles["full check"] = profile_table(
                lambda: full_check(single, text, root / "single", schema), profile_lines
            )
        if force_profile or recheck_timing.median * 1000 > RECHECK_TARGET_MS:

            def ten_edits() -> None:
                for generation in range(10):
                    path = parts[generation % len(parts)]
                    recheck(warm, path, edited_part(workspace.parts[generation], 100), schema)

            profiles["10 one-file re-checks"] = profile_table(ten_edits, profile_lines)

        return Result(
            entities=len(entities),
            lines=text.count("\n"),
            parts=len(parts),
            tables=len(schema.tables),
            columns=sum(len(table.columns) for table in schema.tables),
            self_checks=self_checks,
            split_differences=split_differences,
            ast_parse=ast_parse,
            full=full,
            ast_paused=baseline["ast/paused"],
            full_paused=baseline["full/paused"],
            phases=phases,
            cold=cold,
            recheck=recheck_timing,
            recheck_phases=recheck_split,
            recheck_counts=recheck_counts,
            base_recheck=base_timing,
            base_counts=base_counts,
            # each AuditMixin user, plus the part files still carrying their edit
            base_expected=sum(1 for n in range(count) if n % 5 == 0) + min(len(parts), edits + 3),
            profiles=profiles,
        )


# --- the report ---------------------------------------------------------------------------


def machine_summary() -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {platform.machine()}, {platform.system()}, Python "
        f"{platform.python_version()}, SQLAlchemy {sa.__version__}"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _counts(counts: list[int]) -> str:
    return " or ".join(str(count) for count in sorted(set(counts)))


def _listed(differences: list[SchemaDifference], limit: int = 8) -> list[str]:
    return [
        f"- `{d.code}` {Path(d.path).name if d.path else '-'}:{d.line}: {d.message}"
        for d in differences[:limit]
    ]


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render_markdown(result: Result, repeat: int) -> str:
    def verdict(wall: float, cpu: float, target: float) -> str:
        return f"wall: {_met(wall <= target)}; CPU: {_met(cpu <= target)}"

    full_ratio = result.full.median / result.ast_parse.median
    full_best = result.full.best / result.ast_parse.best
    full_cpu = result.full.cpu_median / result.ast_parse.cpu_median
    paused_ratio = result.full_paused.median / result.ast_paused.median
    paused_best = result.full_paused.best / result.ast_paused.best
    paused_cpu = result.full_paused.cpu_median / result.ast_paused.cpu_median
    verdict_paused = verdict(paused_ratio, paused_cpu, FULL_CHECK_TARGET)
    recheck_ms = result.recheck.median * 1000
    lines = [
        f"**{result.entities} entities** in one file of {result.lines} lines "
        f"({result.tables} tables, {result.columns} columns in the SQLite database); "
        f"split workspace: base module + {result.parts} files of {PER_FILE} entities. "
        f"{machine_summary()}.",
        "",
        "| measurement | runs | median (ms) | min (ms) | p95 (ms) | CPU median (ms) "
        "| GC median (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [
        ("(a) `ast.parse` of the file (baseline)", result.ast_parse),
        ("(b) full check: fresh index, parse + build + `compare`", result.full),
        ("&nbsp;&nbsp;of which `update` (parse)", result.phases[0]),
        ("&nbsp;&nbsp;of which `entities()` (build)", result.phases[1]),
        ("&nbsp;&nbsp;of which `compare`", result.phases[2]),
        ("(a) `ast.parse`, collector paused", result.ast_paused),
        ("(b) full check, collector paused", result.full_paused),
        (f"cold split workspace ({result.parts + 1} files)", result.cold),
        ("(c) one-file re-check after an edit", result.recheck),
        ("&nbsp;&nbsp;of which `update` (parse)", result.recheck_phases[0]),
        ("&nbsp;&nbsp;of which `dependents` + `entities_in` (rebuild)", result.recheck_phases[1]),
        ("&nbsp;&nbsp;of which `compare`", result.recheck_phases[2]),
        ("base-module edit (every file re-checked)", result.base_recheck),
    ]
    for label, timing in rows:
        lines.append(
            f"| {label} | {len(timing.runs)} | {_ms(timing.median)} | {_ms(timing.best)} "
            f"| {_ms(timing.p95)} | {_ms(timing.cpu_median) if timing.cpu else ''} "
            f"| {_ms(timing.gc_median) if timing.collecting else ''} |"
        )
    verdict_full = verdict(full_ratio, full_cpu, FULL_CHECK_TARGET)
    verdict_recheck = verdict(recheck_ms, result.recheck.cpu_median * 1000, RECHECK_TARGET_MS)
    lines += [
        "",
        "| target | median | min | CPU median | target | verdict (medians) |",
        "|---|---:|---:|---:|---:|---|",
        f"| full check / `ast.parse` | {full_ratio:.1f}x | {full_best:.1f}x | {full_cpu:.1f}x "
        f"| <= {FULL_CHECK_TARGET:g}x | {verdict_full} |",
        f"| the same, collector paused for both | {paused_ratio:.1f}x | {paused_best:.1f}x "
        f"| {paused_cpu:.1f}x | <= {FULL_CHECK_TARGET:g}x | {verdict_paused} |",
        f"| one-file re-check | {recheck_ms:.1f} ms (p95 {_ms(result.recheck.p95)}) "
        f"| {_ms(result.recheck.best)} ms | {_ms(result.recheck.cpu_median)} ms "
        f"| <= {RECHECK_TARGET_MS:g} ms | {verdict_recheck} |",
        "",
        "Differences of the generated models against their own `create_all` database "
        f"(the split workspace against SQLite: {result.split_differences}):",
        "",
        "| dialect | server | default options | every option (unmapped tables, comments, checks) |",
        "|---|---|---:|---:|",
    ]
    for checked in result.self_checks:
        lines.append(
            f"| {checked.dialect} | {checked.server_version} | **{len(checked.default)}** "
            f"| {len(checked.everything)} |"
        )
    for checked in result.self_checks:
        if checked.default:
            lines += ["", f"On {checked.dialect}, with the default options (should be none):", ""]
            lines += _listed(checked.default)
        if checked.everything:
            codes = Counter(d.code for d in checked.everything)
            lines += [
                "",
                f"On {checked.dialect}, with every option on, by code: "
                + ", ".join(f"`{code}` {count}" for code, count in sorted(codes.items()))
                + "; one of each:",
                "",
            ]
            lines += _listed(list({d.code: d for d in reversed(checked.everything)}.values()))
    lines.append(
        f"\nEach one-file re-check found {_counts(result.recheck_counts)} difference(s) "
        "(expected 1: the edited type); each base-module re-check "
        f"{_counts(result.base_counts)} (expected {result.base_expected}: one per entity "
        "using the edited mixin, plus one per part file still carrying its edit)."
    )
    for label, table in result.profiles.items():
        lines += ["", f"cProfile of one {label} (top entries by own time, then cumulative):", ""]
        lines += ["```", table, "```"]
    lines.append("")
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=300, help="entities to generate")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs after 2 warm-ups")
    parser.add_argument("--edits", type=int, default=50, help="timed one-file re-checks")
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=25,
        default=None,
        metavar="LINES",
        help="always include cProfile tables (by default only when a target is missed)",
    )
    parser.add_argument(
        "--server",
        action="append",
        default=[],
        metavar="URL",
        help="also check zero differences on this server (an admin URL; the benchmark creates "
        f"and drops a database {BENCH_DATABASE!r} beside it); repeatable",
    )
    parser.add_argument("--output", help="also write the Markdown report to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    result = run(
        arguments.entities,
        arguments.repeat,
        arguments.edits,
        arguments.profile or 25,
        arguments.profile is not None,
        [DatabaseUrl.parse(url) for url in arguments.server],
    )
    report = render_markdown(result, arguments.repeat)
    print(report)
    if arguments.output:
        Path(arguments.output).write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
