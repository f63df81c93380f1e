"""SchemaSynchronizer (the library API of a check) over a real registry and SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from schema_lsp.entities import parse_entities
from schema_lsp.registry import SchemaRegistry
from schema_lsp.synchronizer import SchemaSynchronizer

MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(120), index=True)
"""


def test_sync_and_migrate(sqlite_db, tmp_path: Path):
    sqlite_db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL)")
    models = tmp_path / "models.py"
    models.write_text(MODELS)
    [user] = parse_entities([models])
    registry = SchemaRegistry(sqlite_db.url)
    synchronizer = SchemaSynchronizer(registry)

    result = synchronizer.sync_entity_with_schema(user)
    assert result.needs_sync
    assert [d.code for d in result.differences] == ["SL160"]

    sql = synchronizer.generate_migration_from_differences(result.differences)
    assert "CREATE INDEX ix_users_email ON users (email);" in sql
    with sqlite3.connect(sqlite_db.url.removeprefix("sqlite:///")) as connection:
        connection.executescript(sql)
    registry.sync_with_database()
    assert synchronizer.sync_entity_with_schema(user).needs_sync is False
    assert registry.read_count == 2
