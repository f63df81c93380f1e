"""How a schema read differs per database, beside SQLAlchemy's bulk reflection.

``introspect.py`` runs one read the same way for every database; what differs (how the
connection is made read-only and bounded in time, what the dialect's reflection leaves
out, what its catalog says that reflection does not) is asked of the ``Catalog`` for the
dialect: ``catalog_for("mysql")``. The base class adds nothing, so a database without
a catalog of its own is read by reflection alone. Like ``DialectRules``, these classes
are the one place that knows which database does what.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..schema import EnumSchema, IndexSchema, LimitedVisibility, TypeSpec

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Dialect
    from sqlalchemy.engine.reflection import Inspector

    from ..schema import ForeignKeySchema, PrimaryKeySchema
    from ..url import DatabaseUrl


class TableExtras:
    """What a dialect's reflection leaves out of its tables, read once for a whole pass
    and asked per table while the model is built; this default adds nothing."""

    def declared_type(self, table: str, column: str, reflected: Any) -> tuple[TypeSpec, str] | None:
        """The column's type as its DDL declared it, where reflection reads another."""
        return None

    def adjust_column(
        self, table: str, column: Mapping[str, Any], declared: str, pk: PrimaryKeySchema | None
    ) -> Mapping[str, Any]:
        """The reflected column with what reflection got wrong put right."""
        return column

    def foreign_key_options(
        self, table: str, fk: Mapping[str, Any], options: dict[str, Any]
    ) -> dict[str, Any]:
        """A foreign key's ON DELETE/ON UPDATE options where reflection left them out."""
        return options

    def missed_uniques(self, table: str, reflected: Sequence[Any]) -> list[dict[str, Any]]:
        """Unique constraints reflection did not find."""
        return []

    def expression_indexes(self, table: str, known: set[str | None]) -> list[IndexSchema]:
        """Indexes reflection skipped (an element is an expression)."""
        return []


class Catalog:
    """One read's dialect-specific steps, on its connection; the defaults do nothing."""

    #: Three ``(table, column count)`` rows, the widest tables, for a timeout's message.
    widest_tables_query: str | None = None
    #: Whether a second connection can share the first one's snapshot (PostgreSQL's
    #: ``pg_export_snapshot``), so constraints are read beside the columns.
    shares_snapshots = False

    def __init__(self, connection: Connection, url: DatabaseUrl, default_schema: str | None):
        self.connection = connection
        self.url = url
        self.dialect: Dialect = connection.dialect
        self.default_schema = default_schema

    # -- the connection ----------------------------------------------------------------

    @classmethod
    def engine_target(cls, url: DatabaseUrl, statement_timeout: float) -> tuple[URL, dict]:
        """The URL to connect to and the driver's connect arguments."""
        return url.sqlalchemy_url, {}

    @classmethod
    def check_reachable(cls, url: DatabaseUrl) -> None:
        """Raise ``DatabaseUnreachable`` when the database plainly cannot be there."""

    @classmethod
    def make_read_only(cls, connection: Connection, statement_timeout: float) -> None:
        """Make this transaction read-only and bounded in time."""

    @classmethod
    def export_snapshot(cls, connection: Connection) -> str | None:
        """An id a second connection can join to read the same snapshot, or None."""
        return None

    @classmethod
    def join_snapshot(cls, connection: Connection, snapshot: str) -> None:
        """Make ``connection``'s transaction read ``snapshot``."""
        raise NotImplementedError

    @contextmanager
    def during_read(self) -> Iterator[None]:
        """Held while the pass reads (a shortcut for the dialect's reflection)."""
        yield

    # -- what reflection does not say ------------------------------------------------------

    def sees_every_schema(self) -> bool:
        """Whether the account lists every schema (MySQL lists only those it may use)."""
        return True

    def limited_visibility(self, schemas: Sequence[str | None]) -> LimitedVisibility | None:
        """The schemas read whose tables the account sees only one by one, per grant."""
        return None

    def materialized_views(self, inspector: Inspector, schema: str | None) -> list[str]:
        return []

    def enums(self, inspector: Inspector) -> tuple[EnumSchema, ...]:
        """Named enum types (PostgreSQL's ``CREATE TYPE ... AS ENUM``)."""
        return ()

    def column_checks(
        self, schema: str | None, filter_names: Sequence[str] | None
    ) -> dict[str, list[dict[str, str]]]:
        """Per table, CHECK constraints reflection does not see."""
        return {}

    def table_extras(self) -> TableExtras:
        """What reflection leaves out of the tables, read once for the pass."""
        return TableExtras()

    def implicit_index(self, index: IndexSchema, fks: Sequence[ForeignKeySchema]) -> str | None:
        """What created an index the DDL did not ask for ("unique", "foreign_key")."""
        return None

    def server_version(self) -> str:
        info = self.dialect.server_version_info or ()
        return ".".join(str(part) for part in info if isinstance(part, int))


def catalog_for(dialect: str) -> type[Catalog]:
    """The catalog class of a dialect's name (MariaDB shares MySQL's)."""
    if dialect == "postgresql":
        from .postgresql_catalog import PostgresqlCatalog

        return PostgresqlCatalog
    if dialect in ("mysql", "mariadb"):
        from .mysql_catalog import MysqlCatalog

        return MysqlCatalog
    if dialect == "sqlite":
        from .sqlite_catalog import SqliteCatalog

        return SqliteCatalog
    return Catalog


__all__ = ["Catalog", "TableExtras", "catalog_for"]
