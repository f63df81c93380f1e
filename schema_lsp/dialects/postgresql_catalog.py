"""PostgreSQL's part of a schema read: a repeatable-read snapshot a second connection can
share, materialized views and named enum types."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..schema import EnumSchema
from .catalog import Catalog

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection
    from sqlalchemy.engine.reflection import Inspector

    from ..url import DatabaseUrl

_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")


class PostgresqlCatalog(Catalog):
    widest_tables_query = (
        "SELECT c.relname, count(*) FROM pg_catalog.pg_attribute a "
        "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE a.attnum > 0 AND NOT "
        "a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
        "c.relnamespace = ANY (current_schemas(false)::regnamespace[]) "
        "GROUP BY c.relname ORDER BY 2 DESC, 1 LIMIT 3"
    )
    shares_snapshots = True

    @classmethod
    def engine_target(cls, url: DatabaseUrl, statement_timeout: float) -> tuple[URL, dict]:
        return url.sqlalchemy_url, {"connect_timeout": max(1, int(statement_timeout))}

    @classmethod
    def make_read_only(cls, connection: Connection, statement_timeout: float) -> None:
        # Repeatable read: every catalog query sees one snapshot, which a second
        # connection can share (SET TRANSACTION SNAPSHOT needs this level).
        milliseconds = max(1, int(statement_timeout * 1000))
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")

    @classmethod
    def export_snapshot(cls, connection: Connection) -> str | None:
        return connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()

    @classmethod
    def join_snapshot(cls, connection: Connection, snapshot: str) -> None:
        if not isinstance(snapshot, str) or not _SNAPSHOT_ID.fullmatch(snapshot):
            raise ValueError(f"unexpected snapshot id {snapshot!r}")
        connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")

    def materialized_views(self, inspector: Inspector, schema: str | None) -> list[str]:
        found: Any = inspector.get_materialized_view_names(schema=schema)  # type: ignore[attr-defined]
        return list(found)

    def enums(self, inspector: Inspector) -> tuple[EnumSchema, ...]:
        enums = inspector.get_enums(schema="*")  # type: ignore[attr-defined]
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
