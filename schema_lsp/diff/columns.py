"""Columns: the table missing, each column's presence, type, nullability, default,
generated expression and auto-increment."""

from __future__ import annotations

from ..defaults import compare_defaults, is_automatic_default
from ..entities.model import (
    object_key,
)
from ..schema import (
    ColumnSchema,
)
from ..sqltext import same_sql, unwrapped
from ..text import SourceRange
from ..types import compare_types
from .base import TableBase, _ColumnPair
from .kinds import _TYPE_PARAMETER_FINDINGS


class ColumnComparison(TableBase):
    """The column steps of a table's comparison."""

    def _missing_table(self) -> None:
        schema = self.declared.schema
        if not self.entity.is_resolved("table", "schema"):
            if any(t.name == self.declared.name for t in self.database.tables):
                self.add(
                    "not_checked",
                    f"table {self.declared.name}: not checked (its schema could not be read, "
                    "and several schemas read hold a table of that name)",
                )
                return
            self.add(
                "table_missing",
                f"table {self.declared.name} does not exist in the database (in no schema "
                "read; the model's schema could not be read)",
                declared=self.declared,
            )
            return
        if (
            schema is not None
            and schema != self.database.default_schema
            and (schema not in self.database.schemas)
        ):
            self.add(
                "schema_not_read",
                f"table {self.declared.key}: schema {schema!r} was not read from the database "
                "(add it to the configured schemas); not checked",
            )
            return
        visibility = self.database.limited_visibility
        if visibility is not None and self.database.may_hide(schema):
            # MySQL/MariaDB list only the tables the account has privileges on: the table
            # may well exist. Still reported (it may be missing), as a warning.
            self.add(
                "table_missing",
                f"table {self.declared.key} does not exist in the database, or is not visible "
                f"to {visibility.account} (it sees only the tables it has privileges on)",
                declared=self.declared,
                severity="warning",
            )
            return
        self.add(
            "table_missing",
            f"table {self.declared.key} does not exist in the database",
            declared=self.declared,
        )

    def _columns(self) -> None:
        assert self.actual is not None
        unseen = False
        for column in self.declared.columns:
            key = object_key("column", column.name)
            where = self.entity.range_of(key)
            existing = self.actual.column(column.name)
            if not self.entity.is_resolved(key, "definition"):
                # Its name, keys and indexes are unknown: it may be any column the model
                # does not otherwise declare.
                self._opaque.add(column.name)
                unseen = unseen or existing is None
                if existing is None:
                    continue
            if existing is None:
                self.add(
                    "column_missing",
                    f"column {self.key}.{column.name} does not exist in the database",
                    range_=where,
                    column=column.name,
                    declared=column,
                )
                continue
            self._column(column, existing, key, where)
        declared_names = set(self.declared.column_names)
        if unseen:
            self._opaque.update(c.name for c in self.actual.columns if c.name not in declared_names)
        for column in self.actual.columns:
            if column.name in self._opaque:
                continue
            if column.name not in declared_names and self._complete("columns"):
                self.add(
                    "column_unmapped",
                    f"column {self.key}.{column.name} ({column.type}) is in the database "
                    "but not in the model",
                    column=column.name,
                    actual=column,
                )

    def _column(
        self, declared: ColumnSchema, actual: ColumnSchema, key: str, where: SourceRange
    ) -> None:
        assert self.actual is not None
        label = f"column {self.key}.{declared.name}"
        pair = _ColumnPair(declared, actual, where, label)
        if self.entity.is_resolved(key, "type"):
            outcome = compare_types(declared.sa_type, actual, self.dialect, table=self.actual)
            unknown = {
                kind
                for parameter, kinds in _TYPE_PARAMETER_FINDINGS.items()
                if not self.entity.is_resolved(key, f"type.{parameter}")
                for kind in kinds
            }
            if outcome.different and outcome.kinds and set(outcome.kinds) <= unknown:
                pass  # only what the model leaves to run time differs (a note says so)
            elif outcome.different:
                self.add_column("type", pair, outcome.message, outcome.severity)
            elif outcome.status == "not_compared":
                self.add_column("type_not_compared", pair, outcome.message)
        generated_fixed = actual.computed is not None and self.rules.generated_nullability_fixed
        # PostgreSQL and MySQL make a primary key's columns NOT NULL whatever the DDL says,
        # and SQLite's rowid (a lone INTEGER key) is never NULL; only SQLite keeps another
        # key column nullable when it was declared so.
        forced_not_null = (
            declared.nullable
            and self.actual.is_primary_key(actual.name)
            and (self.rules.key_columns_not_null or actual.autoincrement)
        )
        if (
            self.entity.is_resolved(key, "nullable")
            and declared.nullable != actual.nullable
            and not generated_fixed  # MariaDB refuses NOT NULL on generated columns
            and not forced_not_null
        ):
            self.add_column(
                "nullable",
                pair,
                f"{_nullability(declared.nullable)} in the model, "
                f"{_nullability(actual.nullable)} in the database",
            )
        if self.entity.is_resolved(key, "default"):
            self._server_default(pair)
        if self.entity.is_resolved(key, "computed"):
            self._computed(pair, key)
        if self.entity.is_resolved(key, "autoincrement"):
            self._autoincrement(pair)
        if (
            self._comments()
            and self.entity.is_resolved(key, "comment")
            and declared.comment != actual.comment
        ):
            self.add_column(
                "comment",
                pair,
                f"comment {declared.comment!r} in the model, {actual.comment!r} in the database",
            )

    def _server_default(self, pair: _ColumnPair) -> None:
        declared, actual = pair.declared, pair.actual
        if declared.default is None and is_automatic_default(actual, self.actual):
            return  # a SERIAL's sequence or an identity: the database's own machinery
        # the type decides how a default reads (a JSON literal, a quoted number): the
        # model's, or the database's where the model's is unknown (a custom type)
        known = self.entity.is_resolved(object_key("column", declared.name), "type")
        column_type = declared.sa_type if known else actual.sa_type
        outcome = compare_defaults(declared.default, actual.default, self.dialect, column_type)
        if outcome.status == "different":
            self.add_column("server_default", pair, outcome.message)
        elif outcome.status == "not_compared":
            self.add_column("not_checked", pair, f"server default not compared: {outcome.message}")

    def _computed(self, pair: _ColumnPair, key: str) -> None:
        """A generated column's expression (compared as SQL text, as each database rewrites
        it) and, where both sides say, whether it is stored."""
        mine, theirs = pair.declared.computed, pair.actual.computed
        if mine is None and theirs is None:
            return
        if mine is None:
            assert theirs is not None
            # A FetchedValue (an unresolved default) is how a model leaves it to the database.
            if self.entity.is_resolved(key, "default"):
                generated = unwrapped(theirs.sqltext)
                message = f"a plain column in the model, generated as ({generated}) in the database"
                self.add_column("computed", pair, message, "warning")
            return
        declared = unwrapped(mine.sqltext)
        if theirs is None:
            message = f"generated as ({declared}) in the model, a plain column in the database"
            self.add_column("computed", pair, message)
            return
        if not same_sql(mine.sqltext, theirs.sqltext, self.dialect):
            generated = unwrapped(theirs.sqltext)
            message = f"generated as ({declared}) in the model, as ({generated}) in the database"
            self.add_column("computed", pair, message)
            return
        stored = mine.persisted if mine.persisted is not None else self.rules.stores_generated
        if stored is not None and theirs.persisted is not None and stored != theirs.persisted:
            message = (
                f"generated {_storage(stored)} in the model, {_storage(theirs.persisted)} in "
                "the database"
            )
            self.add_column("computed", pair, message)

    def _autoincrement(self, pair: _ColumnPair) -> None:
        declared, actual = pair.declared, pair.actual
        assert self.actual is not None
        if not self.actual.is_primary_key(actual.name) or declared.autoincrement == (
            actual.autoincrement
        ):
            return
        if self.rules.rowid_autoincrement and (
            not declared.autoincrement or not _sqlite_can_autoincrement(actual)
        ):
            # SQLite auto-assigns exactly a lone INTEGER PRIMARY KEY (the rowid), whatever
            # the model says, and nothing else.
            return
        said = "autoincrement" if declared.autoincrement else "not autoincrement"
        has = "autoincrement" if actual.autoincrement else "not autoincrement"
        self.add_column("autoincrement", pair, f"{said} in the model, {has} in the database")


def _nullability(nullable: bool) -> str:
    return "nullable" if nullable else "NOT NULL"


def _storage(stored: bool) -> str:
    return "STORED" if stored else "VIRTUAL"


def _sqlite_can_autoincrement(column: ColumnSchema) -> bool:
    return column.type.strip().upper() == "INTEGER"
