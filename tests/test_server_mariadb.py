"""The language server on MariaDB, where the dialect changes what is a difference: a
``TINYINT(1)`` is a Boolean, the index MariaDB makes for a foreign key is its own, a
``'1'`` default of a Boolean is ``true``; and the migration SQL is MySQL's ``MODIFY``."""

from __future__ import annotations

import pytest

from schema_lsp.diff import compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database
from tests.test_server_features import (
    actions_at,
    created,
    fix_all,
    resolve,
    settled,
    titled,
)
from tests.test_server_support import codes, open_document, start, stop, write

pytestmark = [pytest.mark.asyncio, pytest.mark.mysql]

MODELS = """\
from sqlalchemy import ForeignKey, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(server_default=text("true"))


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_orders_user"))
"""


async def test_mariadb_dialect_differences_migration_and_quick_fix(tmp_path, mysql_db):
    mysql_db.execute(
        "CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, "
        "email VARCHAR(200) NOT NULL, active TINYINT(1) NOT NULL DEFAULT 1)",
        "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, "
        "CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id))",
    )
    folder = tmp_path / "maria"
    models = write(folder / "models.py", MODELS)
    lsp = await start([folder], init_options={"databaseUrl": mysql_db.url})
    try:
        open_document(lsp, models)
        first = await settled(lsp, models, 1)
        # Only the length: not the Boolean, its default, or the foreign key's own index.
        assert codes(first) == ["SL120"]
        assert "VARCHAR(200)" in first[0].message

        sources = await actions_at(lsp, models, [], only=["source.schemaLsp.migrationSql"])
        action = await resolve(lsp, titled(sources, "Generate migration SQL for all"))
        assert action.edit is not None
        _path, sql = created(action.edit)
        assert "MODIFY email" not in sql  # it cuts values: left out, said in a comment
        assert "-- skipped (it can lose data): users.email VARCHAR(200) -> VARCHAR(100)" in sql
        action = await resolve(lsp, titled(sources, "Generate migration SQL, including"))
        assert action.edit is not None
        _path, sql = created(action.edit)
        assert "ALTER TABLE users MODIFY email VARCHAR(100) NOT NULL" in sql

        text = await fix_all(lsp, models, first)
        assert "String(200)" in text
        models.write_text(text)
        assert compare(parse_entities([models]), introspect_database(mysql_db.url)) == []
    finally:
        await stop(lsp)
