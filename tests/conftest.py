"""Real databases for tests: a fresh, empty database per test on each server.

PostgreSQL (127.0.0.1:5432, user postgres) and MariaDB/MySQL (127.0.0.1:3306, root) are used
for real. Outside CI a missing server skips its tests with the reason; with ``CI=true`` it
fails them, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get(
    "SCHEMA_LSP_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MYSQL_ADMIN_URL = os.environ.get(
    "SCHEMA_LSP_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
DIALECTS = ("sqlite", "postgresql", "mysql")


@dataclass(frozen=True)
class TestDatabase:
    """A fresh database: its URL and an engine to set it up with (tests only)."""

    __test__ = False  # not a test class for pytest

    dialect: str
    url: str
    engine: sa.Engine

    def execute(self, *statements: str) -> None:
        with self.engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)


def _unavailable(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({type(error).__name__}: {str(error).splitlines()[0]})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it")
    pytest.skip(message)


def _server_database(admin_url: str, dialect: str) -> Iterator[TestDatabase]:
    name = f"sl_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as error:
        admin.dispose()
        _unavailable(f"{dialect} at {sa.make_url(admin_url).host}", error)
    url = sa.make_url(admin_url).set(database=name)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        yield TestDatabase(dialect, url.render_as_string(hide_password=False), engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            if dialect == "postgresql":
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            else:
                # A second schema (``<name>_app``) may hold keys into this one: drop it first.
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}_app")
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[TestDatabase]:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    yield TestDatabase("sqlite", url, engine)
    engine.dispose()


@pytest.fixture
def postgres_db() -> Iterator[TestDatabase]:
    yield from _server_database(POSTGRES_ADMIN_URL, "postgresql")


@pytest.fixture
def mysql_db() -> Iterator[TestDatabase]:
    yield from _server_database(MYSQL_ADMIN_URL, "mysql")


class ModuleDatabases:
    """One fresh database per dialect, made on first ``get`` and dropped by ``close``: for
    test modules that share a database between many cases."""

    def __init__(self, tmp_path_factory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self._made: dict[str, TestDatabase] = {}
        self._cleanups: list[Iterator[TestDatabase]] = []

    def get(self, dialect: str) -> TestDatabase:
        if dialect not in self._made:
            if dialect == "sqlite":
                url = f"sqlite:///{self.tmp_path_factory.mktemp('module') / 'module.db'}"
                made = TestDatabase("sqlite", url, sa.create_engine(url, poolclass=sa.NullPool))
            else:
                admin = POSTGRES_ADMIN_URL if dialect == "postgresql" else MYSQL_ADMIN_URL
                generator = _server_database(admin, dialect)
                made = next(generator)
                self._cleanups.append(generator)
            self._made[dialect] = made
        return self._made[dialect]

    def close(self) -> None:
        for database in self._made.values():
            database.engine.dispose()
        for generator in self._cleanups:
            next(generator, None)


@pytest.fixture(scope="module")
def module_databases(tmp_path_factory) -> Iterator[ModuleDatabases]:
    databases = ModuleDatabases(tmp_path_factory)
    yield databases
    databases.close()


@pytest.fixture(params=DIALECTS)
def any_db(request) -> TestDatabase:
    """The same test on SQLite, PostgreSQL and MariaDB/MySQL."""
    fixture = {"sqlite": "sqlite_db", "postgresql": "postgres_db", "mysql": "mysql_db"}
    return request.getfixturevalue(fixture[request.param])


# -- the scenario suite's databases ----------------------------------------------------------

#: The fixture of each dialect for the scenario suite (tests/scenarios) and its users.
SCENARIO_FIXTURES = {
    "sqlite": "sqlite_db",
    "postgresql": "scenario_postgres",
    "mysql": "scenario_mysql",
}


@pytest.fixture(scope="module")
def _postgres_server() -> Iterator[TestDatabase]:
    yield from _server_database(POSTGRES_ADMIN_URL, "postgresql")


@pytest.fixture(scope="module")
def _mysql_server() -> Iterator[TestDatabase]:
    yield from _server_database(MYSQL_ADMIN_URL, "mysql")


@pytest.fixture
def scenario_postgres(_postgres_server: TestDatabase) -> TestDatabase:
    """One database for the module, emptied before each scenario (a new database per
    scenario costs more than the scenario)."""
    _postgres_server.execute(
        "DROP SCHEMA IF EXISTS app CASCADE",
        "DROP SCHEMA public CASCADE",
        "CREATE SCHEMA public",
    )
    return _postgres_server


@pytest.fixture
def scenario_mysql(_mysql_server: TestDatabase) -> TestDatabase:
    """As scenario_postgres: the module's database, emptied (and its ``_app`` twin)."""
    name = sa.make_url(_mysql_server.url).database
    _mysql_server.execute(
        f"DROP DATABASE IF EXISTS {name}_app",
        f"DROP DATABASE {name}",
        f"CREATE DATABASE {name}",
    )
    return _mysql_server


@pytest.fixture
def drifted(any_db: TestDatabase) -> TestDatabase:
    """A database on each server that has drifted from ``tests/models/drift.py`` in every
    way diff knows (``tests/support/drift.py``)."""
    from tests.support.drift import drifted_metadata

    drifted_metadata().create_all(any_db.engine)
    return any_db


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path):  # type: ignore[no-untyped-def]
    """Run from an empty directory without the URL variable, so no configuration leaks in;
    the registries made are disposed of afterwards."""
    from schema_lsp.config import DATABASE_URL_ENV
    from schema_lsp.registry import SchemaRegistry

    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    SchemaRegistry.dispose_instances()
