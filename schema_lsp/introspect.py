"""Read a live database into a DatabaseSchema, in one pass.

SQLAlchemy's bulk reflection (``Inspector.get_multi_*``) reads every table of a schema with a
handful of catalog queries; we never loop over tables (a query per table is quadratic). Reading
is read-only: inside a read-only transaction where the dialect has one, with a statement
timeout, on a connection that is closed afterwards (no idle sessions are left behind).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .allocation import collector_paused
from .errors import DatabaseUnreachable, IntrospectionError, UnknownSchema, UnknownTable
from .schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ComputedSchema,
    DatabaseSchema,
    EnumSchema,
    ForeignKeySchema,
    IdentitySchema,
    IndexSchema,
    LimitedVisibility,
    PrimaryKeySchema,
    TableSchema,
    TypeSpec,
    UniqueConstraintSchema,
)
from .sqltext import closing, split_top_level, tokenize
from .url import DatabaseUrl, mask_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect, Engine, Inspector

logger = logging.getLogger(__name__)

#: Schemas that belong to the server, never to the application.
SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"}
)
ALL_SCHEMAS = "*"
_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")
_UNRECOGNIZED_TYPE = re.compile(
    r"Did not recognize type '(?P<type>[^']+)' of column '(?P<col>[^']+)'"
)

Key = tuple[str | None, str]


class SchemaIntrospector:
    """Reads the schema of one database. ``schemas`` lists the schemas to read (None is the
    connection's default schema; ``"*"`` means every non-system schema)."""

    def __init__(
        self,
        url: DatabaseUrl | str,
        *,
        schemas: Sequence[str | None] | None = None,
        statement_timeout: float = 10.0,
    ) -> None:
        self.url = url if isinstance(url, DatabaseUrl) else DatabaseUrl.parse(url)
        self.schemas: tuple[str | None, ...] = tuple(schemas) if schemas else (None,)
        self.statement_timeout = statement_timeout
        self._engine: Engine | None = None

    def __repr__(self) -> str:
        return f"SchemaIntrospector({self.url.masked!r}, schemas={self.schemas!r})"

    def introspect(self) -> DatabaseSchema:
        """The whole database (every configured schema) in one pass. On PostgreSQL the
        constraint queries run on a second connection that shares the first one's exported
        snapshot, so the server works while Python parses (one consistent read, ~1.5x
        faster); if that connection cannot be had, everything runs on the first."""
        with (
            self._read_only_connection() as connection,
            collector_paused(),
            _sqlite_table_sql_read_once(connection),
            self._snapshot_sharing_connection(connection) as helper,
        ):
            reader = _SchemaReader(connection, self.url, helper)
            with self._timeouts_said(reader):
                return reader.read(self.schemas)

    def get_table_schema(self, name: str, schema: str | None = None) -> TableSchema:
        """One table or view, read with the same bulk queries filtered to its name."""
        if schema is None and "." in name:
            schema, _, name = name.rpartition(".")
        with self._read_only_connection() as connection, collector_paused():
            reader = _SchemaReader(connection, self.url)
            with self._timeouts_said(reader):
                database = reader.read((schema,), filter_names=[name])
            table = database.table(name, schema)
            if table is None:
                known = reader.table_names((schema,))
                wanted = f"{schema}.{name}" if schema else name
                prefix = f"{schema}." if schema else ""
                close = [prefix + n for n in get_close_matches(name, known, n=3)]
                raise UnknownTable(wanted, close, self.url.describe())
            return table

    def dispose(self) -> None:
        """Close the engine; the introspector can be used again afterwards."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _get_engine(self) -> Engine:
        if self._engine is None:
            self._engine = _create_engine(self.url, self.statement_timeout)
        elif self.url.dialect == "sqlite":
            _sqlite_file(self.url)  # deleted since the engine was made: say so plainly
        return self._engine

    @contextmanager
    def _read_only_connection(self) -> Iterator[Connection]:
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        engine = self._get_engine()
        try:
            connection = engine.connect()
        except DBAPIError as exc:
            raise DatabaseUnreachable(
                f"cannot connect to {self.url.describe()}: {self._reason(exc)}"
            ) from None
        except (AttributeError, TypeError, ValueError, LookupError) as exc:
            # a driver failing on an option it does not check (PyMySQL's unknown charset)
            options = self.url.sqlalchemy_url.query
            given = f" ({mask_text('&'.join(f'{k}={v}' for k, v in options.items()))})"
            raise DatabaseUnreachable(
                f"cannot connect to {self.url.describe()}: the "
                f"{self.url.sqlalchemy_url.get_driver_name()} driver failed on the URL's "
                f"options{given if options else ''}: {type(exc).__name__}: {self._reason(exc)}"
            ) from None
        try:
            with connection.begin():
                _make_read_only(connection, self.statement_timeout)
                yield connection
        except DBAPIError as exc:
            if _is_timeout(exc):
                raise IntrospectionError(
                    f"reading the schema of {self.url.describe()} took longer than the "
                    f"statement timeout ({self.statement_timeout:g} s)"
                ) from None
            raise IntrospectionError(
                f"cannot read the schema of {self.url.describe()}: {self._reason(exc)}"
            ) from None
        except SQLAlchemyError as exc:
            raise IntrospectionError(
                f"cannot read the schema of {self.url.describe()}: {self.url.scrub(str(exc))}"
            ) from None
        finally:
            connection.close()

    @contextmanager
    def _snapshot_sharing_connection(self, main: Connection) -> Iterator[Connection | None]:
        """A second read-only PostgreSQL connection on ``main``'s snapshot, or None."""
        from sqlalchemy.exc import DBAPIError

        if main.dialect.name != "postgresql":
            yield None
            return
        try:
            snapshot = main.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            helper = self._get_engine().connect()
        except DBAPIError as exc:
            logger.debug("reading on one connection: %s", self._reason(exc))
            yield None
            return
        try:
            transaction = helper.begin()
            try:
                if not isinstance(snapshot, str) or not _SNAPSHOT_ID.fullmatch(snapshot):
                    raise ValueError(f"unexpected snapshot id {snapshot!r}")
                _make_read_only(helper, self.statement_timeout)
                helper.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            except (DBAPIError, ValueError) as exc:
                logger.debug("reading on one connection: %s", self.url.scrub(str(exc)))
                transaction.rollback()
                yield None
                return
            yield helper
            transaction.rollback()
        finally:
            helper.close()

    @contextmanager
    def _timeouts_said(self, reader: _SchemaReader) -> Iterator[None]:
        """A statement timeout during a read names the catalog step it stopped in and the
        widest tables (a read's cost grows with columns), and says how to allow more."""
        from sqlalchemy.exc import DBAPIError

        try:
            yield
        except DBAPIError as exc:
            if not _is_timeout(exc):
                raise
            widest = self._widest_tables()
            shown = f" (the widest tables: {widest})" if widest else ""
            raise IntrospectionError(
                f"reading {reader.step} of {self.url.describe()} took longer than the "
                f"statement timeout ({self.statement_timeout:g} s){shown}; allow more with "
                "--timeout SECONDS (statement_timeout in [tool.schema-lsp])"
            ) from None

    def _widest_tables(self) -> str:
        """The three tables with the most columns, read on a fresh connection (the timed
        out one is unusable on PostgreSQL); empty when that fails too."""
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        queries = {
            "postgresql": "SELECT c.relname, count(*) FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE a.attnum > 0 AND NOT "
            "a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
            "c.relnamespace = ANY (current_schemas(false)::regnamespace[]) "
            "GROUP BY c.relname ORDER BY 2 DESC, 1 LIMIT 3",
            "mysql": "SELECT TABLE_NAME, count(*) FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = DATABASE() GROUP BY TABLE_NAME ORDER BY 2 DESC, 1 LIMIT 3",
        }
        query = queries.get("mysql" if self.url.dialect == "mariadb" else self.url.dialect)
        if query is None:
            return ""
        try:
            with self._get_engine().connect() as connection:
                rows = connection.execute(text(query)).all()
        except SQLAlchemyError:
            return ""
        return ", ".join(f"{name} ({count} columns)" for name, count in rows)

    def _reason(self, exc: Any) -> str:
        """The driver's message, first line, without credentials."""
        original = getattr(exc, "orig", None) or exc
        text = str(original).strip().splitlines()
        return self.url.scrub(text[0] if text else type(original).__name__)


def introspect_database(url: DatabaseUrl | str, **options: Any) -> DatabaseSchema:
    """Read a whole database once and close the connection."""
    introspector = SchemaIntrospector(url, **options)
    try:
        return introspector.introspect()
    finally:
        introspector.dispose()


def _create_engine(url: DatabaseUrl, statement_timeout: float) -> Engine:
    import sqlalchemy

    if url.replaced_driver is not None:
        logger.debug(
            "the URL names the asynchronous driver %s: reading with %s, the synchronous "
            "driver of the same database",
            url.replaced_driver,
            url.sqlalchemy_url.get_driver_name(),
        )
    url.check_driver()
    connect_args: dict[str, Any] = {}
    dialect = url.dialect
    target = url.sqlalchemy_url
    if dialect == "sqlite":
        database = _sqlite_file(url)
        if database is not None:
            # Opened read-only, so a file deleted after the check is an error when
            # connecting, never a new empty database.
            location = quote(str(Path(database).resolve()))
            query = {**target.query, "mode": "ro", "uri": "true"}
            target = target.set(database=f"file:{location}", query=query)
    elif dialect in ("postgresql", "mysql", "mariadb"):
        connect_args["connect_timeout"] = max(1, int(statement_timeout))
    return sqlalchemy.create_engine(
        target, poolclass=sqlalchemy.NullPool, connect_args=connect_args
    )


@contextmanager
def _sqlite_table_sql_read_once(connection: Connection) -> Iterator[None]:
    """SQLAlchemy's SQLite dialect looks up a table's CREATE statement with a query of its
    own, three times per table (unique constraints, indexes, foreign keys), each a scan of
    ``sqlite_master``: a third of a 1,000-table read. For this pass the statements are read
    in one query and the dialect answers from them (anything else still goes to it)."""
    dialect = connection.dialect
    original = getattr(type(dialect), "_get_table_sql", None)
    if dialect.name != "sqlite" or original is None:
        yield
        return
    # One read at a time patches a dialect: the language server may refresh a folder while
    # it reads it for the first time, on the same engine (its dialect is shared).
    with _SQLITE_PATCH:
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'view')"
        ).all()
        known = {name: sql for name, sql in rows}

        def table_sql(
            connection_: Connection, table_name: str, schema: str | None = None, **kw: Any
        ) -> Any:
            if schema is None and table_name in known:
                return known[table_name]
            return original(dialect, connection_, table_name, schema=schema, **kw)

        dialect._get_table_sql = table_sql  # type: ignore[attr-defined]  # this engine's only
        try:
            yield
        finally:
            del dialect._get_table_sql  # type: ignore[attr-defined]


_SQLITE_PATCH = threading.Lock()
#: One capture of SQLAlchemy's reflection warnings at a time (see ``_read_schema``).
_WARNINGS_CAPTURE = threading.Lock()


def _sqlite_file(url: DatabaseUrl) -> str | None:
    """The file of an on-disk SQLite URL (None for memory and ``file:`` URIs); raises when
    it does not exist: sqlite3 would create an empty database, and a typo must not."""
    database = url.sqlalchemy_url.database or ":memory:"
    if database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    if path.is_dir():
        raise DatabaseUnreachable(f"SQLite database {database} is a folder, not a database file")
    if not path.is_file():
        hint = ""
        if not path.is_absolute():  # sqlite:///data/app.db is relative: a common slip
            hint = (
                f" (a relative path, taken from the working directory {Path.cwd()}; an "
                "absolute path takes four slashes: sqlite:////path/to/app.db)"
            )
        raise DatabaseUnreachable(f"SQLite database file not found: {database}{hint}")
    return database


def _make_read_only(connection: Connection, statement_timeout: float) -> None:
    """Make this transaction read-only and bounded in time, per dialect."""
    dialect = connection.dialect
    milliseconds = max(1, int(statement_timeout * 1000))
    if dialect.name == "postgresql":
        # Repeatable read: every catalog query sees one snapshot, which a second
        # connection can share (SET TRANSACTION SNAPSHOT needs this level).
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
    elif dialect.name in ("mysql", "mariadb"):
        # The connection is never pooled (NullPool), so session settings die with it.
        if getattr(dialect, "is_mariadb", False):
            connection.exec_driver_sql(f"SET SESSION max_statement_time = {statement_timeout:g}")
        else:
            connection.exec_driver_sql(f"SET SESSION max_execution_time = {milliseconds}")
    elif dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")
        raw = connection.connection.dbapi_connection
        if isinstance(raw, sqlite3.Connection):
            deadline = time.monotonic() + statement_timeout
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)


def _is_timeout(exc: Any) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return any(
        marker in text
        for marker in (
            "statement timeout",
            "max_statement_time",
            "max_execution_time",
            "interrupted",
        )
    )


class _SchemaReader:
    """One read of one connection: bulk reflection calls, then cheap model building."""

    def __init__(
        self, connection: Connection, url: DatabaseUrl, helper: Connection | None = None
    ) -> None:
        from sqlalchemy import inspect

        self.connection = connection
        self.url = url
        self.dialect: Dialect = connection.dialect
        self.inspector: Inspector = inspect(connection)
        #: Reads the constraint groups concurrently, on a connection sharing the snapshot.
        self.helper: Inspector | None = inspect(helper) if helper is not None else None
        self.default_schema: str | None = self.inspector.default_schema_name
        self._unrecognized: dict[str, str] = {}
        #: what the read is doing, for a timeout's message ("the columns", ...)
        self.step = "the schema"
        self._types: dict[Hashable, tuple[TypeSpec, str]] = {}

    def resolve_schemas(self, schemas: Iterable[str | None]) -> tuple[str | None, ...]:
        """The schemas to read: ``*`` expanded, the default one as None; a named schema
        the database does not have is an ``UnknownSchema`` error naming close matches."""
        resolved: list[str | None] = []
        existing: list[str] | None = None
        for schema in schemas:
            if schema is None or schema == self.default_schema:
                resolved.append(schema)
                continue
            if existing is None:
                existing = list(self.inspector.get_schema_names())
            if schema == ALL_SCHEMAS:
                resolved.extend(
                    name
                    for name in existing
                    if name not in SYSTEM_SCHEMAS and not name.startswith("pg_")
                )
            elif schema in existing:
                resolved.append(schema)
            else:
                raise self._unknown_schema(schema, existing)
        normalized = [None if s == self.default_schema else s for s in resolved]
        return tuple(dict.fromkeys(normalized))

    def _unknown_schema(self, schema: str, existing: Sequence[str]) -> UnknownSchema:
        shown = [n for n in existing if n not in SYSTEM_SCHEMAS and not n.startswith("pg_")]
        lowered = {name.lower(): name for name in shown}
        close = [lowered[n] for n in get_close_matches(schema.lower(), list(lowered), n=3)]
        if self.dialect.name in ("mysql", "mariadb") and not self._sees_every_schema():
            where = f"does not exist, or is not visible to {self.url.account}"
        else:
            where = "does not exist"
        hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
        known = f" (it has {', '.join(shown)})" if shown and len(shown) <= 10 else ""
        return UnknownSchema(f"schema {schema!r} {where} in {self.url.describe()}{hint}{known}")

    def _sees_every_schema(self) -> bool:
        """On MySQL/MariaDB, an account lists only the databases it holds a privilege
        on, unless it has a global one (other than USAGE) or SHOW DATABASES."""
        from sqlalchemy import text

        user = self.connection.execute(text("SELECT CURRENT_USER()")).scalar()
        if not isinstance(user, str):
            return False
        name, _, host = user.rpartition("@")
        found = self.connection.execute(
            text(
                "SELECT 1 FROM information_schema.USER_PRIVILEGES "
                "WHERE GRANTEE = :grantee AND PRIVILEGE_TYPE <> 'USAGE' LIMIT 1"
            ),
            {"grantee": f"'{name}'@'{host}'"},
        ).first()
        return found is not None

    def table_names(self, schemas: Iterable[str | None]) -> list[str]:
        names: list[str] = []
        for schema in self.resolve_schemas(schemas):
            names += self.inspector.get_table_names(schema=schema)
            names += self.inspector.get_view_names(schema=schema)
        return names

    def read(
        self, schemas: Iterable[str | None], filter_names: Sequence[str] | None = None
    ) -> DatabaseSchema:
        resolved = self.resolve_schemas(schemas)
        constraints: Future[dict[str | None, _Constraints]] | None = None
        if self.helper is not None:
            helper = self.helper
            constraints = Future()
            worker = threading.Thread(
                target=_fulfil,
                args=(
                    constraints,
                    lambda: {s: _read_constraints(helper, s, filter_names) for s in resolved},
                ),
                name="schema-lsp-constraints",
                daemon=True,
            )
            worker.start()
        tables: list[TableSchema] = []
        try:
            for schema in resolved:
                tables.extend(self._read_schema(schema, filter_names, constraints))
        finally:
            if constraints is not None:
                constraints.exception()  # the helper connection is closed after this
        return DatabaseSchema(
            dialect=self.dialect.name,
            server_version=_server_version(self.dialect),
            read_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            tables=tuple(tables),
            default_schema=self.default_schema,
            schemas=resolved,
            enums=self._read_enums(),
            limited_visibility=self._limited_visibility(resolved),
        )

    def _limited_visibility(self, schemas: Sequence[str | None]) -> LimitedVisibility | None:
        """On MySQL/MariaDB, the schemas read whose tables this account sees only per grant.

        ``information_schema`` (so reflection) lists only the tables an account holds some
        privilege on, unless it has a global privilege (other than USAGE) or one on the
        schema; then it sees them all. Read from the catalog's privilege tables for the
        current user, in the same pass. The privileges of an active role are not listed
        there, so with a role enabled nothing is claimed (a missing table stays an error).
        """
        from sqlalchemy import text

        if self.dialect.name not in ("mysql", "mariadb"):
            return None
        run = self.connection.execute
        user = run(text("SELECT CURRENT_USER()")).scalar()
        if not isinstance(user, str) or self._role_enabled():
            return None
        name, _, host = user.rpartition("@")
        grantee = f"'{name}'@'{host}'"
        global_privilege = run(
            text(
                "SELECT 1 FROM information_schema.USER_PRIVILEGES "
                "WHERE GRANTEE = :grantee AND PRIVILEGE_TYPE <> 'USAGE' LIMIT 1"
            ),
            {"grantee": grantee},
        ).first()
        if global_privilege is not None:
            return None
        limited: list[str | None] = []
        for schema in schemas:
            database = schema if schema is not None else self.default_schema
            if database is None:
                continue
            # A schema grant may name a pattern (GRANT ... ON `app\_%`.*): match it with LIKE.
            schema_privilege = run(
                text(
                    "SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES "
                    "WHERE GRANTEE = :grantee AND :schema LIKE TABLE_SCHEMA LIMIT 1"
                ),
                {"grantee": grantee, "schema": database},
            ).first()
            if schema_privilege is None:
                limited.append(schema)
        if not limited:
            return None
        return LimitedVisibility(account=self.url.account, schemas=tuple(limited))

    def _role_enabled(self) -> bool:
        """Whether a role is active (MariaDB: a name, MySQL 8: not ``NONE``); servers
        without roles have no CURRENT_ROLE()."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            role = self.connection.execute(text("SELECT CURRENT_ROLE()")).scalar()
        except DBAPIError:
            return False
        return role is not None and role != "NONE"

    def _read_schema(
        self,
        schema: str | None,
        filter_names: Sequence[str] | None,
        concurrent: Future[dict[str | None, _Constraints]] | None = None,
    ) -> list[TableSchema]:
        from sqlalchemy.engine.reflection import ObjectKind

        inspector = self.inspector
        options: dict[str, Any] = {"schema": schema, "filter_names": filter_names}
        # ``catch_warnings`` swaps the process's warning state: two reads doing it at once
        # would leave each other's capture installed, or take each other's warnings
        where = f" in schema {schema}" if schema else ""
        with _WARNINGS_CAPTURE, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.step = f"the columns of every table{where}"
            columns = inspector.get_multi_columns(kind=ObjectKind.ANY, **options)
            self.step = f"the primary keys{where}"
            primary_keys = inspector.get_multi_pk_constraint(**options)
            self.step = f"the table comments{where}"
            comments = self._table_comments(options)
            self.step = f"the views{where}"
            views = set(inspector.get_view_names(schema=schema))
            views |= set(self._materialized_views(schema))
            self.step = f"the indexes, unique constraints, foreign keys and checks{where}"
            if concurrent is None:
                indexes, uniques, foreign_keys, checks = _read_constraints(
                    inspector, schema, filter_names
                )
            else:
                indexes, uniques, foreign_keys, checks = concurrent.result()[schema]
            self.step = f"the rest of the catalog{where}"
        for warning in caught:
            match = _UNRECOGNIZED_TYPE.search(str(warning.message))
            if match:
                self._unrecognized[match["col"]] = match["type"]

        sqlite_extras = (
            _SqliteExtras.read(self.connection) if self.dialect.name == "sqlite" else None
        )
        column_checks = self._mariadb_column_checks(schema, filter_names)
        tables = []
        for key, reflected_columns in columns.items():
            name = key[1]
            tables.append(
                self._build_table(
                    name=name,
                    schema=schema,
                    columns=reflected_columns,
                    primary_key=primary_keys.get(key),
                    indexes=indexes.get(key, []),
                    uniques=uniques.get(key, []),
                    foreign_keys=foreign_keys.get(key, []),
                    checks=checks.get(key, []) + column_checks.get(name, []),
                    comment=(comments.get(key) or {}).get("text"),
                    is_view=name in views,
                    sqlite=sqlite_extras,
                )
            )
        return tables

    def _mariadb_column_checks(
        self, schema: str | None, filter_names: Sequence[str] | None
    ) -> dict[str, list[dict[str, str]]]:
        """MariaDB prints a column's own CHECK inside the column definition, where
        SQLAlchemy's reflection does not look; the catalog lists it (``LEVEL = 'Column'``).
        The ``json_valid(col)`` check MariaDB adds to every JSON column is the type's own."""
        if not getattr(self.dialect, "is_mariadb", False):
            return {}
        from sqlalchemy import text

        rows = self.connection.execute(
            text(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
                "FROM information_schema.CHECK_CONSTRAINTS "
                "WHERE CONSTRAINT_SCHEMA = :schema AND LEVEL = 'Column'"
            ),
            {"schema": schema or self.default_schema},
        )
        found: dict[str, list[dict[str, str]]] = {}
        for table, name, clause in rows:
            if filter_names is not None and table not in filter_names:
                continue
            if clause == f"json_valid(`{name}`)":
                continue
            found.setdefault(table, []).append({"name": name, "sqltext": clause})
        return found

    def _table_comments(self, options: Mapping[str, Any]) -> Mapping[Key, Any]:
        if not self.dialect.supports_comments:
            return {}
        return self.inspector.get_multi_table_comment(**options)

    def _materialized_views(self, schema: str | None) -> list[str]:
        if self.dialect.name != "postgresql":
            return []
        return self.inspector.get_materialized_view_names(schema=schema)  # type: ignore[attr-defined]

    def _read_enums(self) -> tuple[EnumSchema, ...]:
        if self.dialect.name != "postgresql":
            return ()
        enums = self.inspector.get_enums(schema="*")  # type: ignore[attr-defined]
        return tuple(
            sorted(
                (
                    EnumSchema(
                        name=enum["name"],
                        values=tuple(enum["labels"]),
                        schema=None if enum["schema"] == self.default_schema else enum["schema"],
                    )
                    for enum in enums
                ),
                key=lambda e: (e.schema or "", e.name),
            )
        )

    def _build_table(
        self,
        *,
        name: str,
        schema: str | None,
        columns: list[Any],
        primary_key: Any,
        indexes: list[Any],
        uniques: list[Any],
        foreign_keys: list[Any],
        checks: list[Any],
        comment: str | None,
        is_view: bool,
        sqlite: _SqliteExtras | None,
    ) -> TableSchema:
        pk = None
        if primary_key and primary_key.get("constrained_columns"):
            pk = PrimaryKeySchema(
                columns=tuple(primary_key["constrained_columns"]), name=primary_key.get("name")
            )
        built_fks = tuple(
            sorted(
                (self._build_foreign_key(fk, name, sqlite) for fk in foreign_keys),
                key=lambda fk: (fk.name or "", fk.columns),
            )
        )
        built_indexes = [self._build_index(index, built_fks) for index in indexes]
        if sqlite is not None:
            built_indexes += sqlite.expression_indexes(name, {i.name for i in built_indexes})
            uniques = uniques + sqlite.missed_uniques(name, uniques)
        built_columns = tuple(self._build_column(column, name, pk, sqlite) for column in columns)
        return TableSchema(
            name=name,
            schema=schema,
            columns=built_columns,
            primary_key=pk,
            indexes=tuple(sorted(built_indexes, key=lambda i: (i.name or "", i.columns))),
            unique_constraints=tuple(
                sorted(
                    (
                        UniqueConstraintSchema(name=u.get("name"), columns=tuple(u["column_names"]))
                        for u in uniques
                    ),
                    key=lambda u: (u.name or "", u.columns),
                )
            ),
            foreign_keys=built_fks,
            check_constraints=tuple(
                sorted(
                    (
                        CheckConstraintSchema(name=c.get("name"), sqltext=str(c["sqltext"]))
                        for c in checks
                    ),
                    key=lambda c: (c.name or "", c.sqltext),
                )
            ),
            comment=comment,
            is_view=is_view,
        )

    def _build_column(
        self,
        column: Mapping[str, Any],
        table: str,
        pk: PrimaryKeySchema | None,
        sqlite: _SqliteExtras | None,
    ) -> ColumnSchema:
        type_ = column["type"]
        if sqlite is not None:
            sql_type = sqlite.declared_type(table, column["name"])
            spec = TypeSpec.of(_sqlite_named_type(sql_type) or type_)
        else:
            spec, sql_type = self._describe_type(type_, column["name"])
        identity = column.get("identity")
        computed = column.get("computed")
        enums = getattr(type_, "enums", None)
        autoincrement = bool(column.get("autoincrement", False))
        nullable = bool(column["nullable"])
        if sqlite is not None:
            if computed:
                expression = sqlite.generated_expression(table, column["name"])
                computed = {**computed, "sqltext": expression or computed["sqltext"]}
            autoincrement = _sqlite_rowid_alias(column["name"], sql_type, pk)
            # The rowid can never be NULL, though SQLite's pragma does not say NOT NULL.
            nullable = nullable and not autoincrement
        default = column.get("default")
        return ColumnSchema(
            name=column["name"],
            type=sql_type,
            sa_type=spec,
            nullable=nullable,
            default=None if default is None else str(default),
            autoincrement=autoincrement,
            identity=IdentitySchema(
                always=bool(identity.get("always", False)),
                start=identity.get("start"),
                increment=identity.get("increment"),
            )
            if identity
            else None,
            computed=ComputedSchema(
                sqltext=str(computed["sqltext"]), persisted=computed.get("persisted")
            )
            if computed
            else None,
            comment=column.get("comment"),
            enum_values=tuple(enums) if enums is not None else None,
            collation=getattr(type_, "collation", None),
        )

    def _describe_type(self, type_: Any, column_name: str) -> tuple[TypeSpec, str]:
        """TypeSpec and DDL spelling of a reflected type, worked out once per distinct type
        (a thousand tables have a few dozen)."""
        key = _type_key(type_)
        if key is not None and key in self._types:
            return self._types[key]
        described = (TypeSpec.of(type_), self._compile_type(type_, column_name))
        if key is not None:
            self._types[key] = described
        return described

    def _compile_type(self, type_: Any, column_name: str) -> str:
        from sqlalchemy.exc import CompileError
        from sqlalchemy.types import NullType

        if isinstance(type_, NullType):
            return self._unrecognized.get(column_name, "NULL")
        try:
            return str(type_.compile(dialect=self.dialect))
        except (CompileError, NotImplementedError, TypeError):
            return type(type_).__name__.upper()

    def _build_index(
        self, index: Mapping[str, Any], fks: Sequence[ForeignKeySchema]
    ) -> IndexSchema:
        options = index.get("dialect_options") or {}
        column_names = index.get("column_names") or []
        expressions = index.get("expressions") or []
        has_expression = any(name is None for name in column_names)
        method = options.get("postgresql_using") or options.get("mysql_prefix")
        method = method or options.get("mysql_using") or options.get("mariadb_using")
        where = options.get("postgresql_where") or options.get("sqlite_where")
        built = IndexSchema(
            name=index.get("name"),
            columns=tuple(name for name in column_names if name is not None),
            unique=bool(index.get("unique")),
            expressions=tuple(str(e) for e in expressions) if has_expression else (),
            method=str(method).lower() if method else None,
            where=str(where) if where is not None else None,
        )
        implicit = None
        if index.get("duplicates_constraint"):
            implicit = "unique"
        elif self.dialect.name in ("mysql", "mariadb"):
            implicit = _mysql_implicit(built, fks)
        if implicit:
            built = replace(built, implicit=implicit)
        return built

    def _build_foreign_key(
        self, fk: Mapping[str, Any], table: str, sqlite: _SqliteExtras | None
    ) -> ForeignKeySchema:
        options = dict(fk.get("options") or {})
        if sqlite is not None and not options:
            options = sqlite.foreign_key_actions(
                table, tuple(fk["constrained_columns"]), fk["referred_table"]
            )
        referred_schema = fk.get("referred_schema")
        if referred_schema == self.default_schema:
            referred_schema = None
        deferrable = options.get("deferrable")
        return ForeignKeySchema(
            name=fk.get("name"),
            columns=tuple(fk["constrained_columns"]),
            referred_table=fk["referred_table"],
            referred_columns=tuple(fk["referred_columns"]),
            referred_schema=referred_schema,
            on_delete=_action(options.get("ondelete")),
            on_update=_action(options.get("onupdate")),
            deferrable=bool(deferrable) if deferrable is not None else None,
            initially=options.get("initially"),
        )


def _type_key(type_: Any) -> Hashable | None:
    """A key equal for equal reflected types, or None where the type cannot be keyed
    (unhashable attributes such as an enum's labels list, or an unrecognized type)."""
    from sqlalchemy.types import NullType

    if isinstance(type_, NullType):
        return None
    try:
        key = (type(type_), tuple(sorted(vars(type_).items())))
        hash(key)
    except TypeError:
        return None
    return key


#: Per table key: indexes, unique constraints, foreign keys, check constraints.
_Constraints = tuple[Mapping[Key, Any], Mapping[Key, Any], Mapping[Key, Any], Mapping[Key, Any]]


def _read_constraints(
    inspector: Inspector, schema: str | None, filter_names: Sequence[str] | None
) -> _Constraints:
    options: dict[str, Any] = {"schema": schema, "filter_names": filter_names}
    return (
        inspector.get_multi_indexes(**options),
        inspector.get_multi_unique_constraints(**options),
        inspector.get_multi_foreign_keys(**options),
        inspector.get_multi_check_constraints(**options),
    )


def _fulfil(future: Future[Any], work: Callable[[], Any]) -> None:
    """Run ``work`` and settle ``future`` with its result or its exception."""
    try:
        future.set_result(work())
    except BaseException as exc:  # handed to the reading thread, which raises it
        future.set_exception(exc)


def _action(value: str | None) -> str | None:
    """Referential actions in upper case; NO ACTION is every dialect's default, so None."""
    if value is None:
        return None
    action = str(value).upper()
    return None if action == "NO ACTION" else action


def _mysql_implicit(index: IndexSchema, fks: Sequence[ForeignKeySchema]) -> str | None:
    """InnoDB creates an index for a foreign key that has none, named after the constraint
    (or its first column); unique indexes are also reported as unique constraints."""
    if index.unique:
        return "unique"
    for fk in fks:
        if index.columns == fk.columns and _named_after(index.name, (fk.name, fk.columns[0])):
            return "foreign_key"
    return None


def _named_after(name: str | None, bases: tuple[str | None, ...]) -> bool:
    """InnoDB names a key's index after the constraint or its first column, with ``_2``,
    ``_3``... when that name is taken (a unique index on the same column, say)."""
    if name is None:
        return False
    stem, _, number = name.rpartition("_")
    return any(name == base or (stem == base and number.isdigit()) for base in bases if base)


def _sqlite_named_type(declared: str) -> Any:
    """A SQLite column declared with a SQL type SQLite's reflection does not know
    (``BINARY(16)``, read back as ``NUMERIC(16)`` by affinity): the SQLAlchemy type of that
    name, so it compares as what the model created."""
    from sqlalchemy import types
    from sqlalchemy.dialects.sqlite.base import ischema_names

    match = re.fullmatch(r"\s*(\w+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*", declared)
    if match is None:
        return None
    name = match.group(1).upper()
    if name in ischema_names:
        return None  # SQLite's reflection reads it already
    found = getattr(types, name, None)
    if (
        not (isinstance(found, type) and issubclass(found, types.TypeEngine))
        or name != found.__name__
    ):
        return None
    args = [int(a) for a in match.groups()[1:] if a is not None]
    try:
        return found(*args)
    except Exception:
        return None


def _sqlite_rowid_alias(name: str, declared: str, pk: PrimaryKeySchema | None) -> bool:
    """On SQLite only a lone ``INTEGER PRIMARY KEY`` column is the auto-assigned rowid."""
    return pk is not None and pk.columns == (name,) and declared.strip().upper() == "INTEGER"


def _server_version(dialect: Dialect) -> str:
    if dialect.name == "sqlite":
        return sqlite3.sqlite_version
    info = dialect.server_version_info or ()
    return ".".join(str(part) for part in info if isinstance(part, int))


class _SqliteExtras:
    """What SQLite's reflection in SQLAlchemy leaves out, read with one query per kind for
    the whole file: declared column types, actions of inline foreign keys, expression
    indexes (which SQLAlchemy skips) and generated columns' expressions (which its pattern
    cuts wrong when a table's DDL is on one line, or misses without GENERATED ALWAYS)."""

    def __init__(
        self,
        declared: dict[tuple[str, str], str],
        actions: dict[tuple[str, tuple[str, ...], str], dict[str, str]],
        index_sql: dict[str, list[tuple[str, str]]],
        unique_columns: dict[str, list[tuple[str, ...]]],
        generated: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self._declared = declared
        self._actions = actions
        self._index_sql = index_sql
        self._unique_columns = unique_columns
        self._generated = generated or {}

    @classmethod
    def read(cls, connection: Connection) -> _SqliteExtras:
        run: Callable[[str], Any] = connection.exec_driver_sql
        declared = {
            (table, column): declared_type
            for table, column, declared_type in run(
                "SELECT m.name, p.name, p.type FROM sqlite_master AS m "
                "JOIN pragma_table_xinfo(m.name) AS p WHERE m.type IN ('table', 'view')"
            )
        }
        grouped: dict[tuple[str, int], dict[str, Any]] = {}
        for table, fk_id, referred, local, on_update, on_delete in run(
            'SELECT m.name, f.id, f."table", f."from", f.on_update, f.on_delete '
            "FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f "
            "WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq"
        ):
            entry = grouped.setdefault(
                (table, fk_id),
                {"referred": referred, "columns": [], "ondelete": on_delete, "onupdate": on_update},
            )
            entry["columns"].append(local)
        actions = {
            (table, tuple(entry["columns"]), entry["referred"]): {
                key: entry[key] for key in ("ondelete", "onupdate") if entry[key] != "NO ACTION"
            }
            for (table, _), entry in grouped.items()
        }
        index_sql: dict[str, list[tuple[str, str]]] = {}
        for name, table, sql in run(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ):
            index_sql.setdefault(table, []).append((name, sql))
        unique_parts: dict[tuple[str, str], list[str]] = {}
        for table, index, column in run(
            "SELECT m.name, il.name, ii.name FROM sqlite_master AS m "
            "JOIN pragma_index_list(m.name) AS il JOIN pragma_index_info(il.name) AS ii "
            "WHERE m.type = 'table' AND il.origin = 'u' ORDER BY m.name, il.name, ii.seqno"
        ):
            unique_parts.setdefault((table, index), []).append(column)
        unique_columns: dict[str, list[tuple[str, ...]]] = {}
        for (table, _), columns in unique_parts.items():
            unique_columns.setdefault(table, []).append(tuple(columns))
        generated = {
            (table, column.lower()): expression
            for table, sql in run(
                "SELECT m.name, m.sql FROM sqlite_master AS m WHERE m.type = 'table' AND EXISTS "
                "(SELECT 1 FROM pragma_table_xinfo(m.name) AS p WHERE p.hidden IN (2, 3))"
            )
            for column, expression in _sqlite_generated_columns(sql).items()
        }
        return cls(declared, actions, index_sql, unique_columns, generated)

    def generated_expression(self, table: str, column: str) -> str | None:
        """A generated column's expression as the table's DDL spells it."""
        return self._generated.get((table, column.lower()))

    def declared_type(self, table: str, column: str) -> str:
        return self._declared.get((table, column), "")

    def foreign_key_actions(
        self, table: str, columns: tuple[str, ...], referred: str
    ) -> dict[str, str]:
        return self._actions.get((table, columns, referred), {})

    def missed_uniques(self, table: str, reflected: Sequence[Any]) -> list[dict[str, Any]]:
        """UNIQUE constraints SQLAlchemy's DDL parsing misses (``a VARCHAR(10) UNIQUE``,
        ``REFERENCES t(id) UNIQUE``), found through the indexes SQLite made for them;
        their names, if any, are not recoverable."""
        known = {tuple(unique["column_names"]) for unique in reflected}
        return [
            {"name": None, "column_names": list(columns)}
            for columns in self._unique_columns.get(table, [])
            if columns not in known
        ]

    def expression_indexes(self, table: str, known: set[str | None]) -> list[IndexSchema]:
        """Indexes SQLAlchemy skipped because an element is an expression."""
        found = []
        for name, sql in self._index_sql.get(table, []):
            if name in known:
                continue
            parsed = _parse_sqlite_index(sql)
            if parsed is None:
                continue
            unique, elements, where = parsed
            found.append(
                IndexSchema(
                    name=name,
                    columns=tuple(e for e in elements if _is_identifier(e)),
                    unique=unique,
                    expressions=tuple(elements),
                    where=where,
                )
            )
        return found


def _parse_sqlite_index(sql: str) -> tuple[bool, list[str], str | None] | None:
    """Split ``CREATE [UNIQUE] INDEX name ON table (e1, e2) [WHERE ...]`` at top level,
    each part in its original spelling; quotes are respected (``coalesce(a, ')')``)."""
    tokens = tokenize(sql)
    if tokens is None:
        return None
    words = [token.word() for token in tokens[:3]]
    unique = words == ["create", "unique", "index"]
    if words[:2] != ["create", "index"] and not unique:
        return None
    start = next((i for i, token in enumerate(tokens) if token.text == "("), None)
    end = closing(tokens, start) if start is not None else None
    if start is None or end is None:
        return None
    parts = split_top_level(tokens[start + 1 : end])
    if not all(parts):
        return None
    elements = [sql[part[0].start : part[-1].end] for part in parts]
    rest = tokens[end + 1 :]
    where = sql[rest[1].start :].strip() if len(rest) > 1 and rest[0].word() == "where" else None
    return unique, elements, where


def _sqlite_generated_columns(sql: str) -> dict[str, str]:
    """Column name -> expression of each generated column in a ``CREATE TABLE``, cut at
    its own parentheses (quotes respected): ``c AS (coalesce(a, ')')) STORED``."""
    tokens = tokenize(sql)
    start = next((i for i, t in enumerate(tokens or ()) if t.text == "("), None)
    end = closing(tokens, start) if tokens is not None and start is not None else None
    if tokens is None or start is None or end is None:
        return {}
    found: dict[str, str] = {}
    for part in split_top_level(tokens[start + 1 : end]):
        if not part or part[0].kind not in ("ident", "quoted"):
            continue
        depth = 0
        for index, token in enumerate(part[:-1]):
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            if depth == 0 and token.word() == "as" and part[index + 1].text == "(":
                close = closing(part, index + 1)
                if close is not None:
                    name = part[0].text
                    if part[0].kind == "quoted":
                        name = name[1:-1].replace(name[0] * 2, name[0])
                    found[name] = sql[part[index + 1].end : part[close].start].strip()
                break
    return found


def _is_identifier(text: str) -> bool:
    return re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*|"[^"]+"|`[^`]+`|\[[^\]]+\]', text) is not None
