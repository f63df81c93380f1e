"""Apply a Mutation to a built database with plain DDL, as a person or a stray migration would.

PostgreSQL and MariaDB alter in place. SQLite can drop and add columns and drop indexes;
for a type, a NOT NULL or a foreign key it cannot alter, the table is rebuilt from its own
``CREATE TABLE`` text with the one line changed (the tables are empty, so no copy is needed),
and its indexes are re-created from their own SQL.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import ReflectedColumn

from tests.conftest import TestDatabase

from .packages import Mutation

NEW_TYPE = "VARCHAR(77)"  # a type no package here declares


def apply(db: TestDatabase, mutation: Mutation) -> None:
    quote = db.engine.dialect.identifier_preparer.quote
    table, subject = quote(mutation.table), quote(mutation.subject)
    action = mutation.action
    if action == "drop_column":
        db.execute(f"ALTER TABLE {table} DROP COLUMN {subject}")
    elif action == "add_column":
        db.execute(f"ALTER TABLE {table} ADD COLUMN {subject} VARCHAR(20)")
    elif action == "drop_index":
        on = f" ON {table}" if db.dialect == "mysql" else ""
        db.execute(f"DROP INDEX {subject}{on}")
    elif db.dialect == "sqlite":
        _rebuild_sqlite(db, mutation)
    elif action == "retype_column":
        if db.dialect == "postgresql":
            db.execute(f"ALTER TABLE {table} ALTER COLUMN {subject} TYPE {NEW_TYPE}")
        else:
            null = "NULL" if _column(db, mutation)["nullable"] else "NOT NULL"
            db.execute(f"ALTER TABLE {table} MODIFY {subject} {NEW_TYPE} {null}")
    elif action in ("drop_not_null", "set_not_null"):
        change, null = ("DROP", "NULL") if action == "drop_not_null" else ("SET", "NOT NULL")
        if db.dialect == "postgresql":
            db.execute(f"ALTER TABLE {table} ALTER COLUMN {subject} {change} NOT NULL")
        else:
            column_type = _column(db, mutation)["type"].compile(dialect=db.engine.dialect)
            db.execute(f"ALTER TABLE {table} MODIFY {subject} {column_type} {null}")
    elif action == "drop_foreign_key":
        name = _foreign_key_name(db, mutation)
        if db.dialect == "postgresql":
            db.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        else:
            db.execute(f"ALTER TABLE {table} DROP FOREIGN KEY {quote(name)}")
            # The index MariaDB made for the key (named after the constraint, or after the
            # column when the key had no name) stays behind; it was never declared.
            for index in sa.inspect(db.engine).get_indexes(mutation.table):
                if index["column_names"] == [mutation.subject] and index["name"] in (
                    name,
                    mutation.subject,
                ):
                    db.execute(f"DROP INDEX {quote(str(index['name']))} ON {table}")
    else:
        raise ValueError(f"unknown mutation {action}")


def _column(db: TestDatabase, mutation: Mutation) -> ReflectedColumn:
    columns = sa.inspect(db.engine).get_columns(mutation.table)
    return next(c for c in columns if c["name"] == mutation.subject)


def _foreign_key_name(db: TestDatabase, mutation: Mutation) -> str:
    for key in sa.inspect(db.engine).get_foreign_keys(mutation.table):
        if key["constrained_columns"] == [mutation.subject]:
            return str(key["name"])
    raise LookupError(f"no foreign key on {mutation.table}.{mutation.subject}")


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
    column = re.compile(rf'^"?{re.escape(mutation.subject)}"?\s')
    if mutation.action == "retype_column":
        items = [
            re.sub(r"^(\S+)\s+\w+(\([^)]*\))?", rf"\1 {NEW_TYPE}", item)
            if column.match(item) else item
            for item in items
        ]  # fmt: skip
    elif mutation.action == "drop_not_null":
        items = [item.replace(" NOT NULL", "") if column.match(item) else item for item in items]
    elif mutation.action == "set_not_null":
        items = [
            re.sub(r"^(\S+\s+\w+(\([^)]*\))?)", r"\1 NOT NULL", item)
            if column.match(item) else item
            for item in items
        ]  # fmt: skip
    elif mutation.action == "drop_foreign_key":
        key = re.compile(rf'^(CONSTRAINT \S+ )?FOREIGN KEY\s*\("?{re.escape(mutation.subject)}"?\)')
        kept = [item for item in items if not key.match(item)]
        assert len(kept) == len(items) - 1, f"no single foreign key on {mutation.subject}"
        items = kept
    new_create = f"{head}(\n\t" + ",\n\t".join(items) + f"\n){tail}"
    assert new_create != create, f"{mutation} changed nothing in {create}"
    quoted = db.engine.dialect.identifier_preparer.quote(mutation.table)
    db.execute("PRAGMA foreign_keys = OFF", f"DROP TABLE {quoted}", new_create, *indexes)
