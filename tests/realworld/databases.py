"""Scratch databases for the refresh and report scripts (the tests use tests/conftest.py's
fixtures): the same servers and the same fresh, dropped-afterwards databases."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import MYSQL_ADMIN_URL, POSTGRES_ADMIN_URL, TestDatabase, _server_database


@contextlib.contextmanager
def scratch(dialect: str) -> Iterator[TestDatabase]:
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="sl-realworld-") as folder:
            url = f"sqlite:///{Path(folder) / 'scratch.db'}"
            engine = sa.create_engine(url, poolclass=sa.NullPool)
            try:
                yield TestDatabase("sqlite", url, engine)
            finally:
                engine.dispose()
        return
    admin = POSTGRES_ADMIN_URL if dialect == "postgresql" else MYSQL_ADMIN_URL
    generator = _server_database(admin, dialect)
    database = next(generator)
    try:
        yield database
    finally:
        next(generator, None)


@contextlib.contextmanager
def scratches(dialects: tuple[str, ...]) -> Iterator[dict[str, TestDatabase]]:
    with contextlib.ExitStack() as stack:
        yield {dialect: stack.enter_context(scratch(dialect)) for dialect in dialects}
