"""Seeded mutations: chosen automatically and deterministically from a project's snapshot
and the database its DDL built, applied with plain DDL as a person or a stray migration
would, each on its own table so that they do not interact.

PostgreSQL and MariaDB alter in place. SQLite can drop and add columns and drop indexes;
for a type, a NOT NULL or a foreign key it cannot alter, the table is rebuilt from its own
``CREATE TABLE`` text with the one line changed (the tables are empty, so no copy is needed),
and its indexes are re-created from their own SQL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import ReflectedColumn

from schema_lsp.schema import ColumnSchema, DatabaseSchema, TableSchema
from tests.conftest import TestDatabase

from .snapshot import Location, Snapshot

NEW_TYPE = "VARCHAR(77)"  # a type no project here declares
ADDED = "sl_added"  # the prefix of every column, index and table a mutation adds
PER_KIND = 3  # mutations of each kind per project and dialect (fewer if too few tables)

#: kind -> the code of the difference it must cause
CODES = {
    "drop_column": "SL110",
    "add_column": "SL111",
    "retype_column": "SL120",
    "drop_not_null": "SL130",
    "set_not_null": "SL130",
    "drop_index": "SL160",
    "add_index": "SL161",
    "drop_foreign_key": "SL180",
    "drop_table": "SL100",
    "add_table": "SL101",
}
KINDS = tuple(CODES)


@dataclass(frozen=True)
class Mutation:
    """One change to the database and the difference it must cause: ``code`` on ``table``,
    naming ``column`` / ``name`` where given, reported at ``expected`` (None: not scored for
    its line). ``subject`` is what the DDL changes (a column, an index, a foreign key's
    name in the database)."""

    kind: str
    table: str
    subject: str | None
    expected: Location | None
    column: str | None = None
    name: str | None = None
    constraint: str | None = None  # a dropped foreign key's name in the database

    @property
    def code(self) -> str:
        return CODES[self.kind]

    def describe(self) -> str:
        what = self.column or self.name or self.subject
        return f"{self.kind} {self.table}{'.' + what if what else ''}"


# -- choosing --------------------------------------------------------------------------------


def _order(kind: str, name: str) -> str:
    return hashlib.sha1(f"{kind}:{name}".encode()).hexdigest()


_INDEXABLE = re.compile(
    r"^(INTEGER|INT|BIGINT|SMALLINT|TINYINT|BOOLEAN|DATE|DATETIME|TIMESTAMP|NUMERIC|DECIMAL"
    r"|CHAR\(\d+\)|VARCHAR\((\d|\d\d|1\d\d)\))\b",
    re.IGNORECASE,
)


class _Chooser:
    def __init__(self, snapshot: Snapshot, database: DatabaseSchema) -> None:
        self.truth = snapshot.tables
        self.dialect = database.dialect
        self.tables = {
            t.key: t for t in database.tables if not t.is_view and t.key in snapshot.tables
        }
        self.referenced: dict[str, set[str]] = {}
        for table in self.tables.values():
            for key in table.foreign_keys:
                if key.referred_table != table.name:
                    self.referenced.setdefault(key.referred_table, set()).update(
                        key.referred_columns
                    )

    def constrained(self, table: TableSchema) -> set[str]:
        """Columns a key, an index, a constraint or a generated column involves."""
        names = set(table.primary_key.columns if table.primary_key else ())
        for group in (table.indexes, table.unique_constraints, table.foreign_keys):
            for item in group:
                names.update(item.columns)
        names |= self.referenced.get(table.name, set())
        for column in table.columns:
            checks = [c.sqltext for c in table.check_constraints]
            checks += [c.computed.sqltext for c in table.columns if c.computed]
            checks += [e for i in table.indexes for e in i.expressions]
            mentioned = any(re.search(rf"\b{re.escape(column.name)}\b", t) for t in checks)
            if column.computed or column.identity or column.autoincrement or mentioned:
                names.add(column.name)
        return names

    def free_columns(self, table: TableSchema, accept: Callable[[ColumnSchema], bool]) -> list:
        constrained = self.constrained(table)
        truth = self.truth[table.key].columns
        found = [
            c
            for c in table.columns
            if c.name not in constrained and c.name in truth and c.default is None and accept(c)
        ]
        return sorted(found, key=lambda c: (truth[c.name] is None, _order("column", c.name)))

    def candidates(self, kind: str, table: TableSchema) -> list[Mutation]:
        truth = self.truth[table.key]
        key = table.key
        if kind in ("drop_column", "retype_column", "drop_not_null", "set_not_null"):
            accept = {
                "drop_column": lambda c: len(table.columns) > 1,
                "retype_column": lambda c: NEW_TYPE not in c.type.upper(),
                "drop_not_null": lambda c: not c.nullable,
                "set_not_null": lambda c: c.nullable,
            }[kind]
            return [
                Mutation(kind, key, c.name, truth.columns[c.name], column=c.name)
                for c in self.free_columns(table, accept)
            ]
        if kind == "add_column":
            return [Mutation(kind, key, ADDED, truth.at, column=ADDED)]
        if kind == "drop_index":
            keyed = {c for k in table.foreign_keys for c in k.columns[:1]}
            found = [
                i
                for i in table.indexes
                if i.name in truth.indexes and not i.implicit and i.columns
                and i.columns[0] not in keyed
            ]  # fmt: skip
            found.sort(
                key=lambda i: (truth.indexes[str(i.name)] is None, _order(kind, str(i.name)))
            )
            return [
                Mutation(kind, key, i.name, truth.indexes[str(i.name)], name=i.name) for i in found
            ]
        if kind == "add_index":
            pk = set(table.primary_key.columns if table.primary_key else ())
            columns = [
                c for c in table.columns if c.name not in pk and _INDEXABLE.match(c.type.strip())
            ]
            columns.sort(key=lambda c: _order(kind, c.name))
            return [Mutation(kind, key, c.name, truth.at) for c in columns[:1]]
        if kind == "drop_foreign_key":
            keys = [
                k
                for k in table.foreign_keys
                if len(k.columns) == 1 and ",".join(k.columns) in truth.foreign_keys
                and (k.name or self.dialect == "sqlite")
            ]  # fmt: skip
            keys.sort(key=lambda k: _order(kind, k.columns[0]))
            located = truth.foreign_keys
            return [
                Mutation(kind, key, k.columns[0], located[k.columns[0]], constraint=k.name)
                for k in keys
            ]
        if kind == "drop_table":
            if table.name in self.referenced:
                return []
            return [Mutation(kind, key, None, truth.at)]
        raise ValueError(kind)


def choose(snapshot: Snapshot, database: DatabaseSchema) -> list[Mutation]:
    """``PER_KIND`` mutations of each kind, each on its own table (those whose declaration
    is located first), the same for the same snapshot and database."""
    chooser = _Chooser(snapshot, database)
    used: set[str] = set()
    chosen: list[Mutation] = []
    added = 0
    for _round in range(PER_KIND):
        for kind in KINDS:
            if kind == "add_table":
                name = f"{ADDED}_table_{_round}"
                chosen.append(Mutation(kind, name, name, None))
                continue
            tables = sorted(
                (t for key, t in chooser.tables.items() if key not in used),
                key=lambda t: _order(kind, t.key),
            )
            options = [m for t in tables for m in chooser.candidates(kind, t)[:1]]
            options.sort(key=lambda m: m.expected is None)  # stable: located first
            if options:
                mutation = options[0]
                if kind == "add_index":
                    mutation = Mutation(
                        kind,
                        mutation.table,
                        mutation.subject,
                        mutation.expected,
                        name=f"{ADDED}_ix_{added}",
                    )
                    added += 1
                used.add(mutation.table)
                chosen.append(mutation)
    return chosen


# -- applying --------------------------------------------------------------------------------


def apply(db: TestDatabase, mutation: Mutation) -> None:
    quote = db.engine.dialect.identifier_preparer.quote
    schema = mutation.table.rpartition(".")[0]
    table = ".".join(quote(part) for part in mutation.table.split("."))
    in_schema = f"{quote(schema)}." if schema else ""  # an index lives in its table's schema
    subject = quote(mutation.subject) if mutation.subject else ""
    kind = mutation.kind
    if kind == "drop_column":
        db.execute(f"ALTER TABLE {table} DROP COLUMN {subject}")
    elif kind == "add_column":
        db.execute(f"ALTER TABLE {table} ADD COLUMN {subject} VARCHAR(20)")
    elif kind == "drop_index":
        on = f" ON {table}" if db.dialect == "mysql" else ""
        db.execute(f"DROP INDEX {in_schema if not on else ''}{subject}{on}")
    elif kind == "add_index":
        db.execute(f"CREATE INDEX {quote(str(mutation.name))} ON {table} ({subject})")
    elif kind == "drop_table":
        db.execute(f"DROP TABLE {table}")
    elif kind == "add_table":
        db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, note VARCHAR(20))")
    elif db.dialect == "sqlite":
        _rebuild_sqlite(db, mutation)
    elif kind == "retype_column":
        if db.dialect == "postgresql":
            db.execute(f"ALTER TABLE {table} ALTER COLUMN {subject} TYPE {NEW_TYPE}")
        else:
            null = "NULL" if _column(db, mutation)["nullable"] else "NOT NULL"
            db.execute(f"ALTER TABLE {table} MODIFY {subject} {NEW_TYPE} {null}")
    elif kind in ("drop_not_null", "set_not_null"):
        change, null = ("DROP", "NULL") if kind == "drop_not_null" else ("SET", "NOT NULL")
        if db.dialect == "postgresql":
            db.execute(f"ALTER TABLE {table} ALTER COLUMN {subject} {change} NOT NULL")
        else:
            column_type = _column(db, mutation)["type"].compile(dialect=db.engine.dialect)
            db.execute(f"ALTER TABLE {table} MODIFY {subject} {column_type} {null}")
    elif kind == "drop_foreign_key":
        name, column = str(mutation.constraint), str(mutation.subject)
        if db.dialect == "postgresql":
            db.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        else:
            db.execute(f"ALTER TABLE {table} DROP FOREIGN KEY {quote(name)}")
            # The index MariaDB made for the key (named after the constraint, or after the
            # column when the key had no name) stays behind; it was never declared.
            for index in sa.inspect(db.engine).get_indexes(mutation.table):
                if index["column_names"] == [column] and index["name"] in (name, column):
                    db.execute(f"DROP INDEX {quote(str(index['name']))} ON {table}")
    else:
        raise ValueError(f"unknown mutation {kind}")


def _column(db: TestDatabase, mutation: Mutation) -> ReflectedColumn:
    columns = sa.inspect(db.engine).get_columns(mutation.table)
    return next(c for c in columns if c["name"] == mutation.subject)


def _rebuild_sqlite(db: TestDatabase, mutation: Mutation) -> None:
    with db.engine.connect() as connection:
        create = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (mutation.table,)
        ).scalar_one()
        indexes = (
            connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (mutation.table,),
            )
            .scalars()
            .all()
        )
    head, _, rest = create.partition("(")
    body, _, tail = rest.rpartition(")")
    items = [item.strip() for item in re.split(r",\s*\n", body)]
    subject = str(mutation.subject)
    column = re.compile(rf'^[`"]?{re.escape(subject)}[`"]?\s')
    if mutation.kind == "retype_column":
        items = [
            re.sub(r"^(\S+)\s+\w+(\([^)]*\))?", rf"\1 {NEW_TYPE}", item)
            if column.match(item) else item
            for item in items
        ]  # fmt: skip
    elif mutation.kind == "drop_not_null":
        items = [item.replace(" NOT NULL", "") if column.match(item) else item for item in items]
    elif mutation.kind == "set_not_null":
        items = [
            re.sub(r"^(\S+\s+\w+(\([^)]*\))?)", r"\1 NOT NULL", item)
            if column.match(item) else item
            for item in items
        ]  # fmt: skip
    elif mutation.kind == "drop_foreign_key":
        key = re.compile(rf'^(CONSTRAINT \S+ )?FOREIGN KEY\s*\([`"]?{re.escape(subject)}[`"]?\)')
        kept = [item for item in items if not key.match(item)]
        assert len(kept) == len(items) - 1, f"no single foreign key on {subject} in {create}"
        items = kept
    new_create = f"{head}(\n\t" + ",\n\t".join(items) + f"\n){tail}"
    assert new_create != create, f"{mutation} changed nothing in {create}"
    quoted = db.engine.dialect.identifier_preparer.quote(mutation.table)
    db.execute("PRAGMA foreign_keys = OFF", f"DROP TABLE {quoted}", new_create, *indexes)
