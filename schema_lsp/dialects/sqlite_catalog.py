"""SQLite's part of a schema read: the file opened read-only, and what SQLAlchemy's
SQLite reflection leaves out (declared types, inline foreign keys' actions, expression
indexes, generated columns' expressions), read with one query per kind for the file."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import DatabaseUnreachable
from ..schema import IndexSchema, PrimaryKeySchema, TypeSpec
from ..sqltext import closing, split_top_level, tokenize
from .catalog import Catalog, TableExtras

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection

    from ..url import DatabaseUrl

#: One read at a time patches a dialect: the language server may refresh a folder while
#: it reads it for the first time, on the same engine (its dialect is shared).
_SQLITE_PATCH = threading.Lock()


class SqliteCatalog(Catalog):
    @classmethod
    def engine_target(cls, url: DatabaseUrl, statement_timeout: float) -> tuple[URL, dict]:
        target = url.sqlalchemy_url
        database = _sqlite_file(url)
        if database is not None:
            # Opened read-only, so a file deleted after the check is an error when
            # connecting, never a new empty database.
            location = quote(str(Path(database).resolve()))
            query = {**target.query, "mode": "ro", "uri": "true"}
            target = target.set(database=f"file:{location}", query=query)
        return target, {}

    @classmethod
    def check_reachable(cls, url: DatabaseUrl) -> None:
        _sqlite_file(url)  # deleted since the engine was made: say so plainly

    @classmethod
    def make_read_only(cls, connection: Connection, statement_timeout: float) -> None:
        connection.exec_driver_sql("PRAGMA query_only = ON")
        raw = connection.connection.dbapi_connection
        if isinstance(raw, sqlite3.Connection):
            deadline = time.monotonic() + statement_timeout
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)

    def during_read(self) -> Any:
        return table_sql_read_once(self.connection)

    def table_extras(self) -> TableExtras:
        return SqliteExtras.read(self.connection)

    def server_version(self) -> str:
        return sqlite3.sqlite_version


@contextmanager
def table_sql_read_once(connection: Connection) -> Iterator[None]:
    """SQLAlchemy's SQLite dialect looks up a table's CREATE statement with a query of its
    own, three times per table (unique constraints, indexes, foreign keys), each a scan of
    ``sqlite_master``: a third of a 1,000-table read. For this pass the statements are read
    in one query and the dialect answers from them (anything else still goes to it)."""
    dialect = connection.dialect
    original = getattr(type(dialect), "_get_table_sql", None)
    if dialect.name != "sqlite" or original is None:
        yield
        return
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


class SqliteExtras(TableExtras):
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
    def read(cls, connection: Connection) -> SqliteExtras:
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

    def declared_type(self, table: str, column: str, reflected: Any) -> tuple[TypeSpec, str]:
        """The type as declared (SQLite keeps any name): a SQL type SQLite's reflection
        reads by affinity (``BINARY(16)`` as ``NUMERIC(16)``) compares as that type."""
        declared = self._declared.get((table, column), "")
        return TypeSpec.of(_sqlite_named_type(declared) or reflected), declared

    def adjust_column(
        self, table: str, column: Mapping[str, Any], declared: str, pk: PrimaryKeySchema | None
    ) -> Mapping[str, Any]:
        """A generated column's expression as the DDL spells it; auto-assignment and
        NOT NULL for the rowid alone (the pragma says neither)."""
        adjusted = dict(column)
        computed = column.get("computed")
        if computed:
            expression = self.generated_expression(table, column["name"])
            adjusted["computed"] = {**computed, "sqltext": expression or computed["sqltext"]}
        rowid = _sqlite_rowid_alias(column["name"], declared, pk)
        adjusted["autoincrement"] = rowid
        # The rowid can never be NULL, though SQLite's pragma does not say NOT NULL.
        adjusted["nullable"] = bool(column["nullable"]) and not rowid
        return adjusted

    def foreign_key_options(
        self, table: str, fk: Mapping[str, Any], options: dict[str, Any]
    ) -> dict[str, Any]:
        """Inline ``REFERENCES ... ON DELETE`` actions, which reflection does not read."""
        if options:
            return options
        key = (table, tuple(fk["constrained_columns"]), fk["referred_table"])
        return dict(self._actions.get(key, {}))

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


def _is_identifier(text: str) -> bool:
    return re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*|"[^"]+"|`[^`]+`|\[[^\]]+\]', text) is not None
