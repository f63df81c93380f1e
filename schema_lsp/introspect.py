"""Read a live database into a DatabaseSchema, in one pass.

SQLAlchemy's bulk reflection (``Inspector.get_multi_*``) reads every table of a schema with a
handful of catalog queries; we never loop over tables (a query per table is quadratic). Reading
is read-only: inside a read-only transaction where the dialect has one, with a statement
timeout, on a connection that is closed afterwards (no idle sessions are left behind).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

from .allocation import collector_paused
from .dialects.catalog import TableExtras, catalog_for
from .errors import DatabaseUnreachable, IntrospectionError, UnknownSchema, UnknownTable
from .schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ComputedSchema,
    DatabaseSchema,
    ForeignKeySchema,
    IdentitySchema,
    IndexSchema,
    PrimaryKeySchema,
    TableSchema,
    TypeSpec,
    UniqueConstraintSchema,
)
from .url import DatabaseUrl, mask_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect, Engine, Inspector

logger = logging.getLogger(__name__)

#: Schemas that belong to the server, never to the application.
SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys"}
)
ALL_SCHEMAS = "*"
_UNRECOGNIZED_TYPE = re.compile(
    r"Did not recognize type '(?P<type>[^']+)' of column '(?P<col>[^']+)'"
)
#: SQLAlchemy's warnings for a part of a table's definition it skipped (MySQL's parser of
#: ``SHOW CREATE TABLE`` reads line by line; a line it does not understand is left out)
_UNPARSED_DEFINITION = re.compile(
    r"^(?:Unknown schema content|Unknown column definition|"
    r"Incomplete reflection of column definition):? (?P<line>.*)$",
    re.DOTALL,
)


def _skipped_line(shown: str) -> str:
    """The line a warning shows as a Python literal (``%r``), as written, shortened."""
    import ast

    try:
        line = ast.literal_eval(shown)
    except (ValueError, SyntaxError):
        line = shown
    text = str(line).strip()
    return text if len(text) <= 80 else text[:77] + "..."


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
        self.catalog = catalog_for(self.url.dialect)

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
            self._snapshot_sharing_connection(connection) as helper,
        ):
            reader = _SchemaReader(connection, self.url, helper)
            with reader.catalog.during_read(), self._timeouts_said(reader):
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
        else:
            self.catalog.check_reachable(self.url)
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
                self.catalog.make_read_only(connection, self.statement_timeout)
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
        """A second read-only connection on ``main``'s snapshot (PostgreSQL), or None."""
        from sqlalchemy.exc import DBAPIError

        if not self.catalog.shares_snapshots:
            yield None
            return
        try:
            snapshot = self.catalog.export_snapshot(main)
            helper = self._get_engine().connect()
        except DBAPIError as exc:
            logger.debug("reading on one connection: %s", self._reason(exc))
            yield None
            return
        try:
            transaction = helper.begin()
            try:
                if snapshot is None:
                    raise ValueError("no snapshot to share")
                self.catalog.make_read_only(helper, self.statement_timeout)
                self.catalog.join_snapshot(helper, snapshot)
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

        query = self.catalog.widest_tables_query
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
    target, connect_args = catalog_for(url.dialect).engine_target(url, statement_timeout)
    return sqlalchemy.create_engine(
        target, poolclass=sqlalchemy.NullPool, connect_args=connect_args
    )


#: One capture of SQLAlchemy's reflection warnings at a time (see ``_read_schema``).
_WARNINGS_CAPTURE = threading.Lock()


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
        self.catalog = catalog_for(self.dialect.name)(connection, url, self.default_schema)
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
        if not self.catalog.sees_every_schema():
            where = f"does not exist, or is not visible to {self.url.account}"
        else:
            where = "does not exist"
        hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
        known = f" (it has {', '.join(shown)})" if shown and len(shown) <= 10 else ""
        return UnknownSchema(f"schema {schema!r} {where} in {self.url.describe()}{hint}{known}")

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
            server_version=self.catalog.server_version(),
            read_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            tables=tuple(tables),
            default_schema=self.default_schema,
            schemas=resolved,
            enums=self.catalog.enums(self.inspector),
            limited_visibility=self.catalog.limited_visibility(resolved),
        )

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
            views |= set(self.catalog.materialized_views(inspector, schema))
            self.step = f"the indexes, unique constraints, foreign keys and checks{where}"
            if concurrent is None:
                indexes, uniques, foreign_keys, checks = _read_constraints(
                    inspector, schema, filter_names
                )
            else:
                indexes, uniques, foreign_keys, checks = concurrent.result()[schema]
            self.step = f"the rest of the catalog{where}"
        unparsed = False
        for warning in caught:
            match = _UNRECOGNIZED_TYPE.search(str(warning.message))
            if match:
                self._unrecognized[match["col"]] = match["type"]
            unparsed = unparsed or _UNPARSED_DEFINITION.match(str(warning.message)) is not None
        incomplete = self._incomplete_tables(schema, [k[1] for k in columns]) if unparsed else {}

        extras = self.catalog.table_extras()
        column_checks = self.catalog.column_checks(schema, filter_names)
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
                    extras=extras,
                    incomplete=incomplete.get(name),
                )
            )
        return tables

    def _incomplete_tables(self, schema: str | None, names: Sequence[str]) -> dict[str, str]:
        """The tables whose definition SQLAlchemy's reflection read only in part, each with
        the first thing it skipped. Its warnings do not name the table, so the tables are
        read again one at a time, capturing each one's warnings: a rare path (a column
        name holding a line break, syntax newer than the installed SQLAlchemy)."""
        from sqlalchemy import inspect

        inspector = inspect(self.connection)  # a fresh cache: each table is parsed again
        found: dict[str, str] = {}
        with _WARNINGS_CAPTURE, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for name in names:
                del caught[:]
                self.step = f"the definition of {name}"
                inspector.get_columns(name, schema=schema)
                skipped = [
                    _skipped_line(match["line"])
                    for warning in caught
                    if (match := _UNPARSED_DEFINITION.match(str(warning.message)))
                ]
                if skipped:
                    more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
                    found[name] = (
                        "SQLAlchemy's reflection could not parse part of its definition "
                        f'("{skipped[0]}"{more})'
                    )
        return found

    def _table_comments(self, options: Mapping[str, Any]) -> Mapping[Key, Any]:
        if not self.dialect.supports_comments:
            return {}
        return self.inspector.get_multi_table_comment(**options)

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
        extras: TableExtras,
        incomplete: str | None = None,
    ) -> TableSchema:
        pk = None
        if primary_key and primary_key.get("constrained_columns"):
            pk = PrimaryKeySchema(
                columns=tuple(primary_key["constrained_columns"]), name=primary_key.get("name")
            )
        built_fks = tuple(
            sorted(
                (self._build_foreign_key(fk, name, extras) for fk in foreign_keys),
                key=lambda fk: (fk.name or "", fk.columns),
            )
        )
        built_indexes = [self._build_index(index, built_fks) for index in indexes]
        built_indexes += extras.expression_indexes(name, {i.name for i in built_indexes})
        uniques = uniques + extras.missed_uniques(name, uniques)
        built_columns = tuple(self._build_column(column, name, pk, extras) for column in columns)
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
            incomplete=incomplete,
        )

    def _build_column(
        self,
        column: Mapping[str, Any],
        table: str,
        pk: PrimaryKeySchema | None,
        extras: TableExtras,
    ) -> ColumnSchema:
        type_ = column["type"]
        declared = extras.declared_type(table, column["name"], type_)
        if declared is not None:
            spec, sql_type = declared
        else:
            spec, sql_type = self._describe_type(type_, column["name"])
        column = extras.adjust_column(table, column, sql_type, pk)
        identity = column.get("identity")
        computed = column.get("computed")
        enums = getattr(type_, "enums", None)
        autoincrement = bool(column.get("autoincrement", False))
        nullable = bool(column["nullable"])
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
        else:
            implicit = self.catalog.implicit_index(built, fks)
        if implicit:
            built = replace(built, implicit=implicit)
        return built

    def _build_foreign_key(
        self, fk: Mapping[str, Any], table: str, extras: TableExtras
    ) -> ForeignKeySchema:
        options = extras.foreign_key_options(table, fk, dict(fk.get("options") or {}))
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
