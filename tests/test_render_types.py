"""Row types: the whole generated text for a hand-built database with awkward names and every
type family; mypy --strict accepts it and rejects a wrongly typed row; real databases give
modules that run and list every column."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from schema_lsp.introspect import introspect_database
from schema_lsp.render.types import render_row_types
from schema_lsp.schema import ColumnSchema, DatabaseSchema, TableSchema, TypeSpec
from tests.support.generated import assert_ruff_formatted, load_module

from .conftest import TestDatabase
from .test_render_entity import FIXTURE, SCHEMAS

EXPECTED = Path(__file__).parent / "expected"
MYPY = str(Path(sys.executable).parent / "mypy")


def col(name: str, type_: sa.types.TypeEngine, nullable: bool = True) -> ColumnSchema:
    declared = str(type_.compile(dialect=postgresql.dialect()))
    return ColumnSchema(name=name, type=declared, sa_type=TypeSpec.of(type_), nullable=nullable)


def hand_built_database() -> DatabaseSchema:
    every_type = TableSchema(
        name="users",
        columns=(
            col("id", sa.INTEGER(), nullable=False),
            col("email", sa.VARCHAR(255), nullable=False),
            col("balance", sa.NUMERIC(10, 2)),
            col("ratio", sa.DOUBLE_PRECISION(precision=53)),
            col("active", sa.BOOLEAN(), nullable=False),
            col("seen_at", postgresql.TIMESTAMP(timezone=True)),
            col("born", sa.DATE()),
            col("wakes", postgresql.TIME()),
            col("nap", postgresql.INTERVAL()),
            col("avatar", postgresql.BYTEA()),
            col("token", sa.UUID()),
            col("prefs", postgresql.JSONB()),
            col("mood", postgresql.ENUM("happy", "in between", name="mood"), nullable=False),
            col("address", postgresql.INET()),
            col("tags", postgresql.ARRAY(sa.TEXT())),
            col("grid", postgresql.ARRAY(sa.INTEGER(), dimensions=2)),
            # Not rebuilt: an enum array needs the enum in DatabaseSchema.enums.
            col("moods", postgresql.ARRAY(postgresql.ENUM("a", "b", name="m"))),
        ),
    )
    awkward = TableSchema(
        name="order items",
        columns=(
            col("my col", sa.INTEGER(), nullable=False),
            col("class", sa.TEXT()),
            col("2fa", sa.BOOLEAN()),
            col("__secret", sa.TEXT()),
            col("str", sa.INTEGER()),
        ),
    )
    other_users = TableSchema(
        name="users", schema="app", columns=(col("id", sa.BIGINT(), nullable=False),)
    )
    named_database = TableSchema(name="database", columns=(col("name", sa.TEXT()),))
    view = TableSchema(name="active_users", columns=(col("id", sa.INTEGER()),), is_view=True)
    return DatabaseSchema(
        dialect="postgresql",
        server_version="16",
        read_at="2026-01-01T00:00:00+00:00",
        tables=(every_type, awkward, other_users, named_database, view),
        default_schema="public",
        schemas=(None, "app"),
    )


def mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MYPY, "--strict", "--no-incremental", "--python-version", "3.10", str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
    )


def test_whole_module_for_a_hand_built_database(tmp_path: Path) -> None:
    generated = render_row_types(hand_built_database())
    assert generated == (EXPECTED / "row_types.py").read_text()
    path = tmp_path / "row_types.py"
    path.write_text(generated)
    assert_ruff_formatted(path)


def test_mypy_strict_accepts_the_module_and_checks_rows(tmp_path: Path) -> None:
    (tmp_path / "row_types.py").write_text(render_row_types(hand_built_database()))
    good = tmp_path / "use_good.py"
    good.write_text(
        "import datetime\n"
        "from row_types import AppUsers, Database, OrderItems\n\n"
        'item: OrderItems = {"my col": 1, "class": None, "2fa": True, "__secret": "s", '
        '"str": None}\n'
        'other: AppUsers = {"id": 2}\n'
        "def seen(db: Database) -> datetime.datetime | None:\n"
        '    return db["users"]["seen_at"]\n'
    )
    result = mypy(good)
    assert result.returncode == 0, result.stdout + result.stderr

    bad = tmp_path / "use_bad.py"
    bad.write_text(
        "from row_types import OrderItems\n\n"
        'item: OrderItems = {"my col": "one", "class": None, "2fa": True, "__secret": "s", '
        '"str": None}\n'
    )
    result = mypy(bad)
    assert result.returncode == 1
    assert 'TypedDict item "my col" has type "int"' in result.stdout


def test_real_database_row_types_run_and_list_every_column(
    any_db: TestDatabase, tmp_path: Path
) -> None:
    any_db.execute(*FIXTURE[any_db.dialect])
    database = introspect_database(any_db.url, schemas=SCHEMAS[any_db.dialect])
    source = render_row_types(database)
    module = load_module(source, "row_types")
    row_types = module.Database.__annotations__
    assert list(row_types) == [table.key for table in database.tables]
    users = database.table("users")
    assert users is not None
    assert list(row_types["users"].__annotations__) == list(users.column_names)
    path = tmp_path / "row_types.py"
    path.write_text(source)
    result = mypy(path)
    assert result.returncode == 0, result.stdout + result.stderr
